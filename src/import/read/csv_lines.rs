//! What the CSV reader does not say about the bytes it reads: on which line
//! a record begins (its own line numbers drift on CRLF and blank lines),
//! and whether the file ended inside a quoted field — an unterminated quote,
//! which the reader takes as one field holding the rest of the file. Both
//! are noted as the bytes stream through, at the cost of one look at each.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Where the CSV quoting rules stand after a byte (as `csv_core` reads
/// them: a quote opens a field only as its first byte, `""` inside is a
/// quote, and after the closing quote the field goes on unquoted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Quote {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: its end, or the first of `""`.
    ClosingOrDoubled,
}

/// Line breaks and quoting of the bytes read so far.
#[derive(Default)]
pub(crate) struct Breaks {
    /// Offsets of `\r` and `\n` bytes not yet passed, and whether `\n`.
    pending: VecDeque<(u64, bool)>,
    /// `\n` bytes passed.
    passed: usize,
    /// Bytes read so far.
    offset: u64,
    delimiter: u8,
    quote: Quote,
    /// The source has no more bytes.
    eof: bool,
}

/// The source, noting line breaks and quotes as the CSV reader pulls bytes
/// through.
pub(crate) struct LineCounter {
    inner: Box<dyn Read + Send>,
    breaks: Arc<Mutex<Breaks>>,
}

impl LineCounter {
    pub fn new(inner: Box<dyn Read + Send>, delimiter: u8) -> (LineCounter, Arc<Mutex<Breaks>>) {
        let breaks = Arc::new(Mutex::new(Breaks { delimiter, ..Breaks::default() }));
        (LineCounter { inner, breaks: breaks.clone() }, breaks)
    }
}

impl Read for LineCounter {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut b) = self.breaks.lock() {
            let (base, delimiter) = (b.offset, b.delimiter);
            let mut q = b.quote;
            for (i, byte) in buf[..n].iter().enumerate() {
                q = match (*byte, q) {
                    (b'"', Quote::FieldStart) | (b'"', Quote::ClosingOrDoubled) => Quote::Quoted,
                    (b'"', Quote::Quoted) => Quote::ClosingOrDoubled,
                    (_, Quote::Quoted) => Quote::Quoted,
                    (b'\n' | b'\r', _) => Quote::FieldStart,
                    (d, _) if d == delimiter => Quote::FieldStart,
                    _ => Quote::Unquoted,
                };
                if *byte == b'\n' || *byte == b'\r' {
                    b.pending.push_back((base + i as u64, *byte == b'\n'));
                }
            }
            b.quote = q;
            b.offset += n as u64;
            b.eof |= n == 0 && !buf.is_empty();
        }
        Ok(n)
    }
}

impl Breaks {
    /// Passes the next line break: `\n`, or a `\r` not followed by `\n`
    /// (old Mac line ends, which the CSV reader also ends records on). The
    /// byte after a `\r` before a record's start has always been read.
    fn pass(&mut self) {
        if let Some((o, nl)) = self.pending.pop_front() {
            let crlf = !nl && self.pending.front().is_some_and(|(n, is_nl)| *is_nl && *n == o + 1);
            self.passed += usize::from(nl || !crlf);
        }
    }

    /// The line of a record whose parse began at byte `pos`: at its first
    /// byte, or on a line break before it.
    pub fn line_at(&mut self, pos: u64) -> usize {
        while self.pending.front().is_some_and(|(o, _)| *o < pos) {
            self.pass();
        }
        let mut at = pos;
        while self.pending.front().is_some_and(|(o, _)| *o == at) {
            self.pass();
            at += 1;
        }
        self.passed + 1
    }

    /// Whether a record the reader ended at byte `end` is the last of a file
    /// that ended inside a quoted field: the record the unterminated quote
    /// ran to the end of the file.
    pub fn ran_to_the_end_in_quotes(&self, end: u64) -> bool {
        self.eof && end == self.offset && self.quote == Quote::Quoted
    }
}

/// The line a record begins on.
pub(crate) fn line_of(breaks: &Mutex<Breaks>, rec: &csv::ByteRecord) -> usize {
    let pos = rec.position().map_or(0, |p| p.byte());
    breaks.lock().map_or(0, |mut b| b.line_at(pos))
}

/// Whether the record the reader just read (ending at `end`) holds an
/// unterminated quote and with it the rest of the file.
pub(crate) fn unclosed(breaks: &Mutex<Breaks>, end: u64) -> bool {
    breaks.lock().is_ok_and(|b| b.ran_to_the_end_in_quotes(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` through a counter and returns each record's line and
    /// whether it ran to the end inside quotes.
    fn records(text: &str) -> Vec<(usize, bool, usize)> {
        let (counter, breaks) = LineCounter::new(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())), b',');
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(counter);
        let mut out = Vec::new();
        let mut rec = csv::ByteRecord::new();
        while reader.read_byte_record(&mut rec).unwrap() {
            let end = reader.position().byte();
            out.push((line_of(&breaks, &rec), unclosed(&breaks, end), rec.len()));
        }
        out
    }

    #[test]
    fn an_unterminated_quote_is_found_on_the_record_it_swallows_into() {
        assert_eq!(records("a,b\n1,\"x\ny\",2\n3,4\n"), [(1, false, 2), (2, false, 3), (4, false, 2)]);
        assert_eq!(records("a,b\n1,\"x\n3,4\n5,6\n"), [(1, false, 2), (2, true, 2)]);
        // Quotes inside an unquoted field, escaped quotes, a closing quote
        // followed by more text, and a last line without its line break.
        assert_eq!(
            records("a,5\" screen\n\"he said \"\"hi\"\"\",b\n\"x\"y,z"),
            [(1, false, 2), (2, false, 2), (3, false, 2)]
        );
        assert_eq!(records("a,\"b\"\"\n"), [(1, true, 2)]);
        assert_eq!(records("\"\"\n\"\"\"\"\n"), [(1, false, 1), (2, false, 1)]);
    }
}
