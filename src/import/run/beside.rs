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
}

/// Parses `input` with `source` on a second thread and gives every item to
/// `take`, in order, on this one. The first error wins: the writer's (the
/// parser then stops at its next record) or the parser's.
pub(super) fn parse_beside(
    source: &'static dyn Source,
    object: ObjectKind,
    input: &mut CsvInput,
    default_currency: Currency,
    mut take: impl FnMut(Item) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let (tx, rx): (SyncSender<Vec<Item>>, Receiver<Vec<Item>>) = sync_channel(IN_FLIGHT);
    std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            let mut sink = Forward { tx, chunk: Vec::with_capacity(CHUNK), default_currency };
            source.parse_csv(object, input, &mut sink)?;
            sink.flush()
        });
        let mut written = Ok(());
        'chunks: for chunk in rx.iter() {
            for item in chunk {
                written = take(item);
                if written.is_err() {
                    break 'chunks;
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
