//! Parsing beside writing: a CSV file's parser (any `Source`) runs on a
//! second thread and hands what it read to the writer in chunks through a
//! bounded channel, so two cores overlap reading and writing while memory
//! stays at a few chunks. The writer sees exactly the calls a parser makes
//! on a `Sink`, in the same order. Invoice records arrive with their
//! `source_raw` text already rendered (the parser thread has the time).

use crate::domain::Currency;
use crate::import::ImportError;
use crate::import::merge::invoice_raw;
use crate::import::parse::record::*;
use crate::import::parse::{Sink, Source};
use crate::import::read::csv_input::CsvInput;
use crate::store::known_lines::KnownLines;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Sink calls per chunk, and chunks in flight.
const CHUNK: usize = 512;
const IN_FLIGHT: usize = 8;

/// One `Sink` call, carried across. Nearly every item is a record, so
/// boxing it would only add an allocation a row.
#[allow(clippy::large_enum_variant)]
pub(super) enum Item {
    /// A record and, for invoices, what it keeps of its row.
    Record(Record, Option<crate::store::kept::KeptRow>),
    Issue(usize, IssueKind, ObjectKind, String),
    Progress(u64),
    Note(String),
}

/// The parser thread's sink: batches the calls and sends them on.
struct Forward {
    tx: SyncSender<Vec<Item>>,
    chunk: Vec<Item>,
    default_currency: Currency,
    /// The prints of the invoices here, for a file whose rows may be
    /// known unchanged at sight (`read::prints`).
    known: Known,
}

/// The prints of the invoices here, as the parser has them: on their way
/// from the writer, which reads them while the parser decides the file's
/// decimal mark, or here (`None`: none to know rows by).
enum Known {
    Coming(Receiver<Option<KnownLines>>),
    Here(Option<KnownLines>),
}

/// The writer went away (it failed); its error is the one reported.
fn stopped() -> ImportError {
    ImportError::File { path: Default::default(), reason: "the import stopped".into() }
}

impl Forward {
    fn push(&mut self, item: Item) -> Result<(), ImportError> {
        self.chunk.push(item);
        if self.chunk.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ImportError> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        self.tx.send(chunk).map_err(|_| stopped())
    }
}

impl Sink for Forward {
    fn record(&mut self, mut record: Record) -> Result<(), ImportError> {
        let raw = match &mut record {
            // Known unchanged at sight: nothing of its row is kept again.
            Record::Invoice(inv) if inv.known_unchanged().is_some() => None,
            Record::Invoice(inv) => {
                let raw = invoice_raw(inv);
                // The row lives on in the kept text; the writer needs no copy.
                inv.raw = serde_json::Value::Null;
                Some(raw)
            }
            _ => None,
        };
        self.push(Item::Record(record, raw))
    }

    fn issue(&mut self, line: usize, kind: IssueKind, object: ObjectKind, reason: String) {
        // A failed send means the writer stopped; the next record says so.
        let _ = self.push(Item::Issue(line, kind, object, reason));
    }

    fn progress(&mut self, bytes: u64) {
        let _ = self.push(Item::Progress(bytes));
    }

    fn note(&mut self, text: String) {
        let _ = self.push(Item::Note(text));
    }

    fn default_currency(&self) -> Currency {
        self.default_currency
    }

    fn known_line(&mut self, external_id: &str, print: u64) -> Option<(i64, i64)> {
        if let Known::Coming(rx) = &self.known {
            // A writer that stopped sends nothing: no row is known.
            self.known = Known::Here(rx.recv().ok().flatten());
        }
        match &mut self.known {
            Known::Here(Some(k)) => k.take(external_id, print),
            _ => None,
        }
    }
}

/// The writer's side of `parse_beside`.
pub(super) trait Writer {
    /// The prints of the invoices here for this file, if its rows are to
    /// be known at sight; read while the parser decides the mark.
    fn known_lines(&mut self) -> Result<Option<KnownLines>, ImportError>;
    /// One call the parser made on its thread.
    fn take(&mut self, item: Item) -> Result<(), ImportError>;
}

/// Parses `input` with `source` on a second thread and gives every item to
/// `writer`, in order, on this one. Meanwhile, before the first item, the
/// writer reads the prints of the invoices here (`Writer::known_lines`),
/// which go to the parser (`Sink::known_line`): the two overlap the
/// parser's first pass over the file. The first error wins: the writer's
/// (the parser then stops at its next record) or the parser's.
pub(super) fn parse_beside(
    source: &'static dyn Source,
    object: ObjectKind,
    input: &mut CsvInput,
    default_currency: Currency,
    writer: &mut impl Writer,
) -> Result<(), ImportError> {
    let (tx, rx): (SyncSender<Vec<Item>>, Receiver<Vec<Item>>) = sync_channel(IN_FLIGHT);
    let (known_tx, known_rx) = sync_channel(1);
    std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            let known = Known::Coming(known_rx);
            let mut sink = Forward { tx, chunk: Vec::with_capacity(CHUNK), default_currency, known };
            source.parse_csv(object, input, &mut sink)?;
            sink.flush()
        });
        let mut written = writer.known_lines().map(|known| {
            // A parser that asks for none, or stopped, has left.
            let _ = known_tx.send(known);
        });
        drop(known_tx);
        if written.is_ok() {
            'chunks: for chunk in rx.iter() {
                for item in chunk {
                    written = writer.take(item);
                    if written.is_err() {
                        break 'chunks;
                    }
                }
            }
        }
        // Dropping the receiver (leaving the loop did) ends a parser that
        // is still sending.
        drop(rx);
        let parsed = match parser.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        written.and(parsed)
    })
}
