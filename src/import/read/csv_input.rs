//! Reading CSV exports as they arrive: with or without a byte-order mark,
//! UTF-8 or UTF-16 or Windows-1252 (a spreadsheet's "CSV"), `,` or `;` or
//! tab between fields (sniffed), LF or CRLF, title lines above the header
//! (report exports) and total or footer lines below the data. Rows stream
//! through one reused `ByteRecord`, so a million-row file costs no more
//! memory than one row.

use super::amount::AmountParser;
use super::csv_lines::{Breaks, LineCounter, line_of, unclosed};
use super::marks::Mark;
use super::sniff::{decode, dedup, sniff_delimiter, strip_bom, utf8_prefix_ok, widest};
use crate::import::ImportError;
use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

/// How the bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16,
    /// The whole file was not UTF-8: decoded as Windows-1252.
    Windows1252,
}

/// Rows above the header that are looked at before giving up on a file.
const MAX_PREAMBLE: usize = 30;
/// Bytes sniffed for the encoding and the delimiter.
const SAMPLE: usize = 64 * 1024;

type Reader = csv::Reader<LineCounter>;

/// One data row's place in the file and, when its shape is wrong, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub line: usize,
    pub problem: Option<String>,
}

/// How `CsvInput::open_at` finds the header row.
#[derive(Clone, Copy)]
enum Find<'a> {
    /// The first top row this accepts; else, when set, the widest.
    Header(&'a dyn Fn(&[String]) -> bool, bool),
    /// The row found there before (`CsvInput::reopen`).
    At(usize),
}

pub struct CsvInput {
    pub path: PathBuf,
    pub delimiter: u8,
    pub encoding: TextEncoding,
    /// Header cells, trimmed; repeated names get " (2)", " (3)".
    pub header: Vec<String>,
    pub header_line: usize,
    /// The header's place among the rows read to find it.
    header_at: usize,
    /// `--decimal-point` / `--decimal-comma`.
    pub forced_mark: Option<Mark>,
    /// The file's amount parser once decided (`decimals::decide`).
    pub amounts: Option<AmountParser>,
    /// Title rows skipped above the header.
    pub preamble_rows: usize,
    /// Blank, total and footer rows skipped below it.
    pub trailer_rows: usize,
    pub size: u64,
    reader: Reader,
    record: csv::ByteRecord,
    line: usize,
    pending: VecDeque<(csv::ByteRecord, usize)>,
    key_column: Option<usize>,
    /// A report's footer was passed: one-cell rows below it (an
    /// organization's name under the copyright line) are footers too.
    after_footer: bool,
    footer: Option<fn(&str) -> bool>,
    breaks: std::sync::Arc<std::sync::Mutex<Breaks>>,
    /// The line of a record read while looking for the header that ran to
    /// the end of the file inside an unterminated quote.
    unclosed_line: Option<usize>,
}

fn file_err(path: &Path, reason: impl Into<String>) -> ImportError {
    ImportError::File { path: path.to_path_buf(), reason: reason.into() }
}

impl CsvInput {
    /// Opens a CSV file and finds its header: the first of the top rows that
    /// `is_header` accepts, or, when `fallback` is set, the first widest row.
    pub fn open(path: &Path, is_header: &dyn Fn(&[String]) -> bool, fallback: bool) -> Result<CsvInput, ImportError> {
        Self::open_at(path, Find::Header(is_header, fallback))
    }

    /// The same file opened again at its first data row, read the same way
    /// (key column, footers, decimal mark): for a pass over the file ahead
    /// of the one that imports it.
    pub fn reopen(&self) -> Result<CsvInput, ImportError> {
        let mut again = Self::open_at(&self.path, Find::At(self.header_at))?;
        again.key_column = self.key_column;
        again.footer = self.footer;
        again.forced_mark = self.forced_mark;
        again.amounts = self.amounts.clone();
        Ok(again)
    }

    fn open_at(path: &Path, find: Find<'_>) -> Result<CsvInput, ImportError> {
        let mut file = File::open(path).map_err(|e| file_err(path, e.to_string()))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut sample = Vec::with_capacity(SAMPLE.min(size as usize + 1));
        (&mut file).take(SAMPLE as u64).read_to_end(&mut sample).map_err(|e| file_err(path, e.to_string()))?;
        let (encoding, source): (TextEncoding, Box<dyn Read + Send>) =
            if sample.starts_with(&[0xFF, 0xFE]) || sample.starts_with(&[0xFE, 0xFF]) {
                let mut all = sample.clone();
                file.read_to_end(&mut all).map_err(|e| file_err(path, e.to_string()))?;
                let enc = if sample[0] == 0xFF { UTF_16LE } else { UTF_16BE };
                let (text, _) = enc.decode_with_bom_removal(&all);
                (TextEncoding::Utf16, Box::new(Cursor::new(text.into_owned().into_bytes())))
            } else if sample.contains(&0) {
                return Err(file_err(path, "it is not a text file (it contains NUL bytes)"));
            } else if utf8_prefix_ok(&sample, sample.len() < SAMPLE) {
                let body: Box<dyn Read + Send> =
                    Box::new(Cursor::new(strip_bom(sample.clone())).chain(BufReader::with_capacity(1 << 16, file)));
                (TextEncoding::Utf8, body)
            } else {
                let mut all = sample.clone();
                file.read_to_end(&mut all).map_err(|e| file_err(path, e.to_string()))?;
                let (text, _) = WINDOWS_1252.decode_without_bom_handling(&all);
                (TextEncoding::Windows1252, Box::new(Cursor::new(text.into_owned().into_bytes())))
            };
        let text_sample = String::from_utf8_lossy(&sample);
        let (delimiter, sep_line) = sniff_delimiter(&text_sample);
        let (counter, breaks) = LineCounter::new(source, delimiter);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(1 << 16)
            .from_reader(counter);
        let mut unclosed_line = None;
        let mut scanned: Vec<(csv::ByteRecord, usize)> = Vec::new();
        let mut found = None;
        for _ in 0..MAX_PREAMBLE + usize::from(sep_line) {
            let mut rec = csv::ByteRecord::new();
            let more = reader.read_byte_record(&mut rec).map_err(|e| file_err(path, e.to_string()))?;
            if !more {
                break;
            }
            let line = line_of(&breaks, &rec);
            if unclosed(&breaks, reader.position().byte()) {
                unclosed_line = Some(line);
            }
            if sep_line && scanned.is_empty() && line == 1 {
                scanned.push((csv::ByteRecord::new(), line));
                continue;
            }
            scanned.push((rec, line));
            let here = scanned.len() - 1;
            let is = match find {
                Find::At(at) => here == at,
                Find::Header(is_header, _) => {
                    let cells: Vec<String> = scanned[here].0.iter().map(|c| decode(c).trim().to_string()).collect();
                    is_header(&cells)
                }
            };
            if is {
                found = Some(here);
                break;
            }
        }
        let header_at = match found {
            Some(i) => i,
            None if matches!(find, Find::Header(_, true)) => {
                widest(&scanned).ok_or_else(|| file_err(path, "the file is empty"))?
            }
            None => {
                let first = scanned.iter().find(|(r, _)| r.iter().any(|c| !c.is_empty()));
                let shown: String = first
                    .map(|(r, _)| r.iter().take(6).map(|c| decode(c).trim().to_string()).collect::<Vec<_>>())
                    .map(|v| v.join(", "))
                    .unwrap_or_else(|| "(the file is empty)".into());
                return Err(ImportError::UnknownFormat {
                    path: path.to_path_buf(),
                    detail: format!("no known header in its first rows; the first row starts: {shown}"),
                });
            }
        };
        let (head, head_line) = scanned[header_at].clone();
        let header = dedup(head.iter().map(|c| decode(c).trim().to_string()).collect());
        let preamble_rows = scanned[..header_at].iter().filter(|(r, _)| r.iter().any(|c| !c.is_empty())).count();
        let pending = scanned.split_off(header_at + 1).into();
        Ok(CsvInput {
            path: path.to_path_buf(),
            delimiter,
            encoding,
            header,
            header_line: head_line,
            header_at,
            forced_mark: None,
            amounts: None,
            preamble_rows,
            trailer_rows: 0,
            size,
            reader,
            record: csv::ByteRecord::new(),
            line: 0,
            pending,
            key_column: None,
            after_footer: false,
            footer: None,
            breaks,
            unclosed_line,
        })
    }

    /// The column a data row always fills (an id); rows with it empty that
    /// look like totals or footers are skipped as trailer rows.
    pub fn set_key_column(&mut self, col: Option<usize>) {
        self.key_column = col;
    }

    /// How a source tells its footer line from a data row that fills one
    /// cell (a report's customer with only a name): once set, a row with
    /// one cell is a footer only when `test` says so.
    pub fn set_footer_test(&mut self, test: fn(&str) -> bool) {
        self.footer = Some(test);
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    /// Moves to the next data row; `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<Line>, ImportError> {
        loop {
            if let Some((rec, line)) = self.pending.pop_front() {
                self.record = rec;
                self.line = line;
            } else {
                let more = self
                    .reader
                    .read_byte_record(&mut self.record)
                    .map_err(|e| file_err(&self.path, format!("line {}: {e}", self.line + 1)))?;
                if !more {
                    return Ok(None);
                }
                self.line = line_of(&self.breaks, &self.record);
                if unclosed(&self.breaks, self.reader.position().byte()) {
                    self.unclosed_line = Some(self.line);
                }
            }
            if self.record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
                self.trailer_rows += 1;
                continue;
            }
            if self.is_trailer() {
                self.trailer_rows += 1;
                self.after_footer |= self.is_report_footer();
                continue;
            }
            return Ok(Some(Line { line: self.line, problem: self.shape_problem() }));
        }
    }

    /// Why the current row cannot be read as the header says: it ran to
    /// the end of the file inside an unterminated quote, or it has fewer
    /// fields than the header (cut short, or a quote or a delimiter out of
    /// place: read anyway, its cells would land in the wrong columns), or
    /// more that are not empty. A row is never filled in or cut to fit.
    fn shape_problem(&self) -> Option<String> {
        let (n, width) = (self.record.len(), self.header.len());
        if self.unclosed_line == Some(self.line) {
            return Some(
                "a quoted field on this line is never closed, so the rest of the file ran into it: close the quote"
                    .into(),
            );
        }
        if n < width {
            return Some(format!(
                "the row has {n} fields, the header {width}: it is cut short, or a quote or a \"{}\" is out of place",
                char::from(self.delimiter).escape_default()
            ));
        }
        (n > width && self.record.iter().skip(width).any(|c| !c.is_empty()))
            .then(|| format!("the row has {n} fields, the header {width}"))
    }

    /// A total line ("Total", "Grand Totals" first, the key column empty)
    /// or a footer sentence alone on its line ("Confidential Information -
    /// Do Not Distribute", "Generated by …"), or below a report's footer any
    /// cell alone on its line.
    fn is_trailer(&self) -> bool {
        // Data rows, nearly all, are told apart without allocating.
        let mut filled = (0..self.record.len()).map(|i| self.cell(i)).filter(|c| !c.is_empty());
        let (first, more) = (filled.next().unwrap_or_default(), filled.next().is_some());
        let wide = self.header.len() >= 3;
        if !more && wide && (self.after_footer || (first.contains(' ') && self.footer.is_none_or(|f| f(&first)))) {
            return true;
        }
        // A footer sentence written without quotes, split at its commas
        // ("Monday, March 02, 2026 10:00:00 AM GMT-8"): a footer, not a
        // row of the wrong shape.
        if more
            && wide
            && let Some(footer) = self.footer
        {
            let cells: Vec<Cow<'_, str>> =
                (0..self.record.len()).map(|i| self.cell(i)).filter(|c| !c.is_empty()).collect();
            if footer(&cells.join(", ")) {
                return true;
            }
        }
        if self.key_column.is_some_and(|k| self.record.get(k).is_some_and(|c| !c.trim_ascii().is_empty())) {
            return false;
        }
        let first = first.to_ascii_lowercase();
        first.starts_with("total") || first.starts_with("grand total")
    }

    /// A report's closing lines ("Grand Totals", "Confidential
    /// Information", "Copyright", "Generated By"): below them nothing is data.
    fn is_report_footer(&self) -> bool {
        let first = (0..self.record.len()).map(|i| self.cell(i)).find(|c| !c.is_empty()).unwrap_or_default();
        let first = first.to_ascii_lowercase();
        ["grand total", "confidential information", "copyright", "generated by"].iter().any(|p| first.starts_with(p))
    }

    /// The trimmed text of a cell of the current row ("" when missing).
    pub fn cell(&self, idx: usize) -> Cow<'_, str> {
        match self.record.get(idx) {
            Some(bytes) => match decode(bytes) {
                Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
                Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
            },
            None => Cow::Borrowed(""),
        }
    }

    /// A cell by optional column.
    pub fn get(&self, col: Option<usize>) -> Cow<'_, str> {
        col.map_or(Cow::Borrowed(""), |c| self.cell(c))
    }

    /// The current row as a JSON object of its non-empty cells, keyed by
    /// header: what `source_raw` keeps.
    pub fn raw(&self) -> Value {
        let mut m = Map::with_capacity(self.header.len());
        for (i, h) in self.header.iter().enumerate() {
            let c = self.cell(i);
            if !c.is_empty() {
                m.insert(h.clone(), Value::String(c.into_owned()));
            }
        }
        Value::Object(m)
    }

    pub fn line(&self) -> usize {
        self.line
    }

    /// Bytes consumed so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f
    }

    fn has_id(cells: &[String]) -> bool {
        cells.first().is_some_and(|c| c == "id")
    }

    #[test]
    fn bom_semicolons_crlf_and_windows_1252() {
        let f = write(b"\xEF\xBB\xBFid;Name;Amount\r\n1;Caf\xC3\xA9;399,00\r\n2;\"A;B\";1\r\n");
        let mut c = CsvInput::open(f.path(), &has_id, false).unwrap();
        assert_eq!((c.delimiter, c.encoding), (b';', TextEncoding::Utf8));
        assert_eq!(c.header, ["id", "Name", "Amount"]);
        assert_eq!(c.next_row().unwrap().unwrap().line, 2);
        assert_eq!((c.cell(1), c.cell(2)), ("Café".into(), "399,00".into()));
        c.next_row().unwrap();
        assert_eq!(c.cell(1), "A;B");
        assert!(c.next_row().unwrap().is_none());
        let f = write(b"id,Name\n1,Caf\xE9\n");
        let mut c = CsvInput::open(f.path(), &has_id, false).unwrap();
        assert_eq!(c.encoding, TextEncoding::Windows1252);
        c.next_row().unwrap();
        assert_eq!(c.cell(1), "Café");
    }

    #[test]
    fn preamble_totals_and_footers_are_skipped() {
        let f = write(b"Acme Inc\nCustomer list\n\nid,Name,Balance\n1,A,10\n2,B,5\n,Total,15\n\nConfidential Information - Do Not Distribute\nAcme\n");
        let mut c = CsvInput::open(f.path(), &has_id, false).unwrap();
        c.set_key_column(Some(0));
        assert_eq!((c.header_line, c.preamble_rows), (4, 2));
        assert_eq!(c.next_row().unwrap().unwrap().line, 5);
        assert_eq!(c.next_row().unwrap().unwrap().line, 6);
        assert_eq!(c.raw(), serde_json::json!({"id": "2", "Name": "B", "Balance": "5"}));
        let extra = c.next_row().unwrap();
        assert!(extra.is_none(), "{extra:?} {:?}", c.raw());
        assert_eq!(c.trailer_rows, 3);
    }

    #[test]
    fn unknown_headers_binary_files_and_wide_rows() {
        let f = write(b"foo,bar\n1,2\n");
        assert!(matches!(CsvInput::open(f.path(), &has_id, false), Err(ImportError::UnknownFormat { .. })));
        let f = write(b"id,\x00\x01\x02");
        assert!(matches!(CsvInput::open(f.path(), &has_id, false), Err(ImportError::File { .. })));
        let f = write(b"id,a\n1,2,3\n");
        let mut c = CsvInput::open(f.path(), &has_id, false).unwrap();
        assert!(c.next_row().unwrap().unwrap().problem.unwrap().contains("3 fields"));
    }
}
