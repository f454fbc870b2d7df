//! Where parsers send records. CSV files are applied as they are read
//! (invoices in sorted batches; the parser on its own thread, `pipeline`),
//! so a file of any size costs the memory of one batch; JSON documents (read whole anyway) are collected and applied
//! phase by phase; payments files are read once beforehand for the
//! invoices they name (`Links`).

use super::ImportError;
use super::apply::{BATCH, Queued, Run};
use super::parse::Sink;
use super::pipeline::Item;
use super::record::*;
use super::report::Counted;
use super::totals::Kind;
use crate::domain::status::ImportSource;

/// Refuses test-mode rows unless allowed, and rows that would take what
/// the run brings a customer past its bounds (`totals`); counts the row for
/// its file.
fn admit(run: &mut Run<'_, '_>, file: usize, source: ImportSource, record: &Record) -> bool {
    run.report.files[file].rows += 1;
    let refused = if record.test_mode() && !run.opts.allow_test_mode {
        Err(format!("{} test-mode data: pass --allow-test-mode to import it", source.label()))
    } else {
        add_up(run, source, record)
    };
    match refused {
        Ok(()) => true,
        Err(reason) => {
            run.report.issue(file, record.line(), IssueKind::Refused, Counted::of(record.kind()), reason);
            false
        }
    }
}

/// Adds a record's money to its customer's run totals.
fn add_up(run: &mut Run<'_, '_>, source: ImportSource, record: &Record) -> Result<(), String> {
    let src = Some(source);
    match record {
        Record::Invoice(i) => run.totals.add(
            src,
            &i.customer.external_id,
            i.currency,
            &[
                (Kind::Invoices, i.total_minor),
                (Kind::Payments, i.amount_paid_minor),
                (Kind::Credits, i.credit_applied_minor),
            ],
        ),
        Record::Payment(p) => {
            run.totals.add(src, &p.customer.external_id, p.currency, &[(Kind::Payments, p.amount_minor)])
        }
        Record::Customer(c) => {
            let cur = c.currency.unwrap_or(run.default_currency);
            run.totals.add(src, &c.external_id, cur, &[(Kind::Credits, c.credit_minor)])
        }
        Record::Contact(_) => Ok(()),
    }
}

fn issue(run: &mut Run<'_, '_>, file: usize, line: usize, kind: IssueKind, object: ObjectKind, reason: String) {
    run.report.files[file].rows += 1;
    run.report.issue(file, line, kind, Counted::of(object), reason);
}

/// Collects a document's records into the run's buckets.
pub(crate) struct Collector<'a, 'r, 'c> {
    pub run: &'a mut Run<'r, 'c>,
    pub file: usize,
    pub source: ImportSource,
}

impl Sink for Collector<'_, '_, '_> {
    fn record(&mut self, record: Record) -> Result<(), ImportError> {
        if !admit(self.run, self.file, self.source, &record) {
            return Ok(());
        }
        let (f, s, b) = (self.file, self.source, &mut self.run.buckets);
        match record {
            Record::Customer(c) => b.customers.push((f, s, c)),
            Record::Contact(c) => b.contacts.push((f, s, c)),
            Record::Invoice(i) => b.invoices.push((f, s, i)),
            Record::Payment(p) => b.payments.push((f, s, p)),
        }
        Ok(())
    }

    fn issue(&mut self, line: usize, kind: IssueKind, object: ObjectKind, reason: String) {
        issue(self.run, self.file, line, kind, object, reason);
    }

    fn progress(&mut self, bytes: u64) {
        self.run.progress_at(bytes);
    }

    fn note(&mut self, text: String) {
        self.run.report.notes.push(text);
    }

    fn default_currency(&self) -> crate::domain::Currency {
        self.run.default_currency
    }
}

/// Applies a file's records as they are read; invoices batch by batch.
pub(crate) struct Stream<'a, 'r, 'c> {
    pub run: &'a mut Run<'r, 'c>,
    pub file: usize,
    pub source: ImportSource,
    pub batch: Vec<Queued>,
}

impl Stream<'_, '_, '_> {
    pub fn flush(&mut self) -> Result<(), ImportError> {
        let batch = std::mem::take(&mut self.batch);
        self.run.apply_invoices(batch)
    }

    /// One call the parser made on its thread (`pipeline`).
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

    /// A record, with its invoice's `source_raw` text if already rendered.
    fn apply(&mut self, record: Record, raw: Option<String>) -> Result<(), ImportError> {
        if !admit(self.run, self.file, self.source, &record) {
            return Ok(());
        }
        self.run.file = self.file;
        match record {
            Record::Customer(c) => self.run.apply_customer(self.source, &c)?,
            Record::Contact(c) => self.run.apply_contact(self.source, &c)?,
            Record::Payment(p) => self.run.apply_payment(self.source, &p)?,
            Record::Invoice(inv) => {
                let raw = raw.unwrap_or_else(|| super::invoices::raw_of(&inv));
                self.batch.push(Queued { file: self.file, src: self.source, inv, raw });
                if self.batch.len() >= BATCH {
                    self.flush()?;
                }
            }
        }
        Ok(())
    }
}

impl Sink for Stream<'_, '_, '_> {
    fn record(&mut self, record: Record) -> Result<(), ImportError> {
        self.apply(record, None)
    }

    fn issue(&mut self, line: usize, kind: IssueKind, object: ObjectKind, reason: String) {
        issue(self.run, self.file, line, kind, object, reason);
    }

    fn progress(&mut self, bytes: u64) {
        self.run.progress_at(bytes);
    }

    fn note(&mut self, text: String) {
        self.run.report.notes.push(text);
    }

    fn default_currency(&self) -> crate::domain::Currency {
        self.run.default_currency
    }
}

/// The first read of a payments file: only which invoices its rows name.
pub(crate) struct Links<'a, 'r, 'c> {
    pub run: &'a mut Run<'r, 'c>,
}

impl Sink for Links<'_, '_, '_> {
    fn record(&mut self, record: Record) -> Result<(), ImportError> {
        if let Record::Payment(p) = record {
            self.run.money.note_link(&p);
        }
        Ok(())
    }

    fn issue(&mut self, _line: usize, _kind: IssueKind, _object: ObjectKind, _reason: String) {}

    fn default_currency(&self) -> crate::domain::Currency {
        self.run.default_currency
    }
}
