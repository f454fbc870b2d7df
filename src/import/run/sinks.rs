//! Where parsers send records. CSV files are merged as they are read
//! (invoices in sorted batches; the parser on its own thread, `beside`),
//! so a file of any size costs the memory of one batch; JSON documents
//! (read whole anyway) are collected and merged phase by phase; payments
//! files are read once beforehand for the invoices they name (`Links`).

use super::Run;
use super::beside::{Item, Writer};
use crate::domain::Currency;
use crate::domain::status::ImportSource;
use crate::import::ImportError;
use crate::import::merge::{Queued, invoice_raw};
use crate::import::parse::Sink;
use crate::import::parse::record::*;
use crate::store::import::ImportOps;
use crate::store::known_lines::KnownLines;

/// Invoice rows applied together, sorted by customer and number so that
/// the indexes are written in order.
pub const BATCH: usize = 20_000;

/// Collects a document's records into the run's buckets.
pub(super) struct Collector<'a, 'r, X: ImportOps> {
    pub run: &'a mut Run<'r, X>,
    pub file: usize,
    pub source: ImportSource,
}

impl<X: ImportOps> Sink for Collector<'_, '_, X> {
    fn record(&mut self, record: Record) -> Result<(), ImportError> {
        if !self.run.merger.admit(self.file, self.source, &record) {
            return Ok(());
        }
        let (f, s, b) = (self.file, self.source, &mut self.run.buckets);
        match record {
            Record::Customer(c) => b.customers.push((f, s, c)),
            Record::Contact(c) => b.contacts.push((f, s, c)),
            Record::Invoice(i) => b.invoices.push((f, s, i)),
            Record::Payment(p) => b.payments.push((f, s, p)),
            Record::CreditNote(c) => b.credit_notes.push((f, s, c)),
            Record::Refund(r) => b.refunds.push((f, s, r)),
        }
        Ok(())
    }

    fn issue(&mut self, line: usize, kind: IssueKind, object: ObjectKind, reason: String) {
        self.run.merger.issue(self.file, line, kind, object, reason);
    }

    fn progress(&mut self, bytes: u64) {
        self.run.progress_at(bytes);
    }

    fn note(&mut self, text: String) {
        self.run.merger.note(text);
    }

    fn default_currency(&self) -> Currency {
        self.run.merger.default_currency()
    }
}

/// Merges a file's records as they are read; invoices batch by batch.
pub(super) struct Stream<'a, 'r, X: ImportOps> {
    pub run: &'a mut Run<'r, X>,
    pub file: usize,
    pub source: ImportSource,
    pub batch: Vec<Queued>,
    /// Whether the file's rows may be known unchanged at sight: the
    /// bytes of the file, whose parser prints its rows.
    pub printed: Option<u64>,
}

impl<X: ImportOps> Writer for Stream<'_, '_, X> {
    fn known_lines(&mut self) -> Result<Option<KnownLines>, ImportError> {
        match self.printed {
            Some(bytes) if !self.run.opts.whole_way => self.run.merger.known_lines(self.source, bytes),
            _ => Ok(None),
        }
    }

    fn take(&mut self, item: Item) -> Result<(), ImportError> {
        Stream::take(self, item)
    }
}

impl<X: ImportOps> Stream<'_, '_, X> {
    pub fn flush(&mut self) -> Result<(), ImportError> {
        let batch = std::mem::take(&mut self.batch);
        self.run.merger.invoices(batch)
    }

    /// One call the parser made on its thread (`beside`).
    pub fn take(&mut self, item: Item) -> Result<(), ImportError> {
        self.run.check_cancelled()?;
        match item {
            Item::Record(record, raw) => self.apply(record, raw)?,
            Item::Issue(line, kind, object, reason) => self.issue(line, kind, object, reason),
            Item::Progress(bytes) => self.progress(bytes),
            Item::Note(text) => self.note(text),
        }
        Ok(())
    }

    /// A record, with what its invoice keeps of its row if already rendered.
    fn apply(&mut self, record: Record, raw: Option<crate::store::kept::KeptRow>) -> Result<(), ImportError> {
        let (file, src, merger) = (self.file, self.source, &mut self.run.merger);
        if !merger.admit(file, src, &record) {
            return Ok(());
        }
        merger.at_file(file);
        match record {
            Record::Customer(c) => merger.customer(file, src, &c)?,
            Record::Contact(c) => merger.contact(file, src, &c)?,
            Record::Payment(p) => merger.payment(file, src, &p)?,
            Record::CreditNote(c) => merger.credit_note(file, src, &c)?,
            Record::Refund(r) => merger.refund(file, src, &r)?,
            Record::Invoice(inv) => {
                // A row known unchanged at sight keeps nothing new.
                let raw = match inv.known_unchanged() {
                    Some(_) => None,
                    None => Some(raw.unwrap_or_else(|| invoice_raw(&inv))),
                };
                self.batch.push(Queued { file, src, inv, raw });
                if self.batch.len() >= BATCH {
                    self.flush()?;
                }
            }
        }
        Ok(())
    }
}

impl<X: ImportOps> Sink for Stream<'_, '_, X> {
    fn record(&mut self, record: Record) -> Result<(), ImportError> {
        self.apply(record, None)
    }

    fn issue(&mut self, line: usize, kind: IssueKind, object: ObjectKind, reason: String) {
        self.run.merger.issue(self.file, line, kind, object, reason);
    }

    fn progress(&mut self, bytes: u64) {
        self.run.progress_at(bytes);
    }

    fn note(&mut self, text: String) {
        self.run.merger.note(text);
    }

    fn default_currency(&self) -> Currency {
        self.run.merger.default_currency()
    }
}

/// The first read of a payments file: only which invoices its rows name.
pub(super) struct Links<'a, 'r, X: ImportOps> {
    pub run: &'a mut Run<'r, X>,
}

impl<X: ImportOps> Sink for Links<'_, '_, X> {
    fn record(&mut self, record: Record) -> Result<(), ImportError> {
        if let Record::Payment(p) = record {
            self.run.merger.note_link(&p);
        }
        Ok(())
    }

    fn issue(&mut self, _line: usize, _kind: IssueKind, _object: ObjectKind, _reason: String) {}

    fn default_currency(&self) -> Currency {
        self.run.merger.default_currency()
    }
}
