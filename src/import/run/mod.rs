//! The loops around the stages: one run of `ardesk import`, in one
//! transaction.
//!
//! Every file is recognised first (stage 2), so that a file no source
//! takes stops the run before anything is written. Then the files are
//! applied in phase order — customers, contacts, ardesk's own files,
//! invoices, credit notes, payments, refunds — each file's rows in their own order: a CSV file is
//! parsed on a second thread (`beside`) and its records merged (stage 4)
//! as they arrive (`sinks::Stream`); a JSON document is parsed whole and
//! its records merged phase by phase with the others (`sinks::Collector`).
//! Payments files are parsed once beforehand for the invoices they name
//! (`sinks::Links`), so those invoices wait for their payments and are
//! settled at the end. Then the report (stage 6): audit rows, the book
//! closed, and whether to commit. `watch` is how another thread follows
//! and cancels a run.

mod beside;
mod sinks;
pub(crate) mod watch;

use super::merge::{Merger, Queued, invoice_raw};
use super::parse::Source;
use super::parse::record::*;
use super::read::csv_input::CsvInput;
use super::recognise::{self, Plan};
use super::report::{FileReport, ImportReport};
use super::{ImportError, ImportOptions};
use crate::domain::status::ImportSource;
use crate::store::import::{ImportOps, ImportStore};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Instant;
use watch::{Watch, reading};

pub use sinks::BATCH;

/// A CSV file of the run: its file number, parser, object and input.
type CsvPlan = (usize, &'static dyn Source, ObjectKind, Box<CsvInput>);

/// Imports `files` in one transaction (see `import::run_import`).
pub(super) fn run<S: ImportStore>(
    store: &mut S,
    files: &[PathBuf],
    opts: &ImportOptions,
    watch: Option<Watch>,
    bulk_bytes: u64,
) -> Result<ImportReport, ImportError> {
    if files.is_empty() {
        return Err(ImportError::NoFiles);
    }
    let started = Instant::now();
    let mut plans: Vec<Plan> = files.iter().map(|f| recognise::plan(f, opts)).collect::<Result<_, _>>()?;
    plans.sort_by_key(|p| p.object().phase());
    let total_bytes: u64 = plans.iter().map(|p| file_size(p.path())).sum();
    let invoice_bytes: u64 = plans
        .iter()
        .filter(|p| matches!(p, Plan::Csv { object: ObjectKind::Invoices, .. }))
        .map(|p| file_size(p.path()))
        .sum();
    if let Some(w) = &watch {
        // Styled first: setting the length draws, and in the default style
        // that line ("░░░… 0/54400186") stayed above the bar.
        reading(&w.bar);
        w.bar.set_length(total_bytes);
    }
    let session = store.import_session(|itx| {
        let mut run = Run::new(Merger::new(itx, opts.allow_test_mode)?, opts.clone(), watch.clone());
        if invoice_bytes >= bulk_bytes {
            run.merger.begin_bulk()?;
        }
        run.files(plans)?;
        let report = run.finish()?;
        let commit = opts.commits(&report);
        if commit && let Some(w) = &watch {
            w.stage("writing it to disk");
            // The point of no return: cancelled before it, nothing is written.
            if !w.begin_commit() {
                return Err(ImportError::Cancelled);
            }
            w.reached("committing");
        }
        Ok::<_, ImportError>((report, commit))
    });
    if let Some(w) = &watch {
        w.bar.finish_and_clear();
    }
    let mut report = match session {
        // An interrupted statement, a refused row found while cancelling:
        // whatever stopped a cancelled run, it was the cancel.
        Err(_) if watch.as_ref().is_some_and(Watch::cancelled) => return Err(ImportError::Cancelled),
        other => other?,
    };
    report.elapsed = started.elapsed();
    report.dry_run = opts.dry_run;
    report.written = opts.commits(&report);
    if report.refused() > 0 && !opts.skip_bad_rows {
        return Err(ImportError::Refused { report: Box::new(report) });
    }
    Ok(report)
}

fn file_size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Records read from the non-streamed files, by kind, with their file.
#[derive(Default)]
struct Buckets {
    customers: Vec<(usize, ImportSource, ImportedCustomer)>,
    contacts: Vec<(usize, ImportSource, ImportedContact)>,
    invoices: Vec<(usize, ImportSource, ImportedInvoice)>,
    payments: Vec<(usize, ImportSource, ImportedPayment)>,
    credit_notes: Vec<(usize, ImportSource, ImportedCreditNote)>,
    refunds: Vec<(usize, ImportSource, ImportedRefund)>,
}

/// ardesk's own export: its file number, document, size and path.
type NativePlan = (usize, Value, u64, PathBuf);

/// One run: the merge stage, and what the loops around it keep.
struct Run<'r, X: ImportOps> {
    merger: Merger<'r, X>,
    opts: ImportOptions,
    buckets: Buckets,
    progress: Option<indicatif::ProgressBar>,
    /// Set when another thread watches the run and may cancel it.
    watch: Option<Watch>,
    /// Bytes of the files done.
    progress_base: u64,
}

impl<'r, X: ImportOps> Run<'r, X> {
    fn new(merger: Merger<'r, X>, opts: ImportOptions, watch: Option<Watch>) -> Self {
        let progress = watch.as_ref().map(|w| w.bar.clone());
        Run { merger, opts, buckets: Buckets::default(), progress, watch, progress_base: 0 }
    }

    /// Reads every file and applies its records in phase order: customers,
    /// contacts, invoices, payments (each file's own order kept), then the
    /// invoices that waited for payments.
    fn files(&mut self, plans: Vec<Plan>) -> Result<(), ImportError> {
        let (mut csv, native) = self.open(plans)?;
        // Which invoices this run's payments name, before any invoice lands.
        for (_, source, object, input) in &mut csv {
            if *object == ObjectKind::Payments {
                let mut again = input.reopen()?;
                source.parse_csv(ObjectKind::Payments, &mut again, &mut sinks::Links { run: self })?;
                // The file's decimal mark, decided on this pass, holds for the next.
                input.amounts = again.amounts.take();
            }
        }
        for (_, _, p) in &self.buckets.payments {
            self.merger.note_link(p);
        }
        for (file, doc, size, path) in native {
            self.merger
                .native(file, |cx, totals| super::ardesk::import::import(cx, totals, &doc))
                .map_err(|e| e.at(&path))?;
            self.advance(size);
        }
        let payments_later = csv.iter().any(|c| c.2.phase() > ObjectKind::Invoices.phase());
        for phase in 0..=ObjectKind::Refunds.phase() {
            self.check_cancelled()?;
            if phase == ObjectKind::Invoices.phase() {
                let invoices: Vec<(ImportSource, u64)> =
                    csv.iter().filter(|c| c.2 == ObjectKind::Invoices).map(|c| (c.1.id(), c.3.size)).collect();
                self.merger.lift_indexes_for(&invoices)?;
            }
            for (file, source, object, input) in csv.iter_mut().filter(|c| c.2.phase() == phase) {
                let home = self.merger.default_currency();
                // The prints are read per file, once everything before it is written.
                let printed = source.prints_csv(*object).then_some(input.size);
                let mut sink =
                    sinks::Stream { run: self, file: *file, source: source.id(), batch: Vec::new(), printed };
                beside::parse_beside(*source, *object, input, home, &mut sink)?;
                sink.flush()?;
                self.advance(input.size);
            }
            self.apply_buckets(phase, payments_later)?;
        }
        self.merger.settle_pending()
    }

    /// Every file in the report, each JSON document parsed into the
    /// buckets; the CSV files and ardesk's own, to apply in their phase.
    fn open(&mut self, plans: Vec<Plan>) -> Result<(Vec<CsvPlan>, Vec<NativePlan>), ImportError> {
        let (mut csv, mut native) = (Vec::new(), Vec::new());
        for plan in plans {
            let file = self.merger.add_file(FileReport {
                path: plan.path().to_path_buf(),
                source: plan.source_label(),
                object: plan.object(),
                json: !matches!(plan, Plan::Csv { .. }),
                rows: 0,
            });
            let size = file_size(plan.path());
            let path = plan.path().to_path_buf();
            match plan {
                Plan::Csv { source, object, input } => csv.push((file, source, object, input)),
                Plan::Json { source, object, doc, .. } => {
                    let mut sink = sinks::Collector { run: self, file, source: source.id() };
                    source.parse_json(object, doc, &mut sink).map_err(|e| e.at(&path))?;
                    self.advance(size);
                }
                Plan::Ardesk { doc, .. } => native.push((file, doc, size, path)),
            }
        }
        Ok((csv, native))
    }

    /// Applies the records of the JSON documents that belong to `phase`.
    fn apply_buckets(&mut self, phase: u8, payments_later: bool) -> Result<(), ImportError> {
        let b = &mut self.buckets;
        match phase {
            0 => std::mem::take(&mut b.customers).into_iter().try_for_each(|(f, s, c)| self.merger.customer(f, s, &c)),
            1 => std::mem::take(&mut b.contacts).into_iter().try_for_each(|(f, s, c)| self.merger.contact(f, s, &c)),
            3 => {
                let invoices = std::mem::take(&mut b.invoices).into_iter();
                let queued = invoices.map(|(file, src, inv)| Queued { file, src, raw: Some(invoice_raw(&inv)), inv });
                self.merger.invoices(queued.collect())?;
                // A dry run rolls back, which puts the indexes back as
                // they were: built again only for what comes after.
                let later = payments_later || !self.buckets.payments.is_empty();
                if self.merger.indexes_lifted() && (!self.opts.dry_run || later) {
                    self.stage("building the indexes of the new rows");
                    self.merger.restore_indexes()?;
                    if let Some(b) = &self.progress {
                        reading(b);
                    }
                }
                Ok(())
            }
            4 => std::mem::take(&mut b.credit_notes)
                .into_iter()
                .try_for_each(|(f, s, c)| self.merger.credit_note(f, s, &c)),
            5 => std::mem::take(&mut b.payments).into_iter().try_for_each(|(f, s, p)| self.merger.payment(f, s, &p)),
            // Refunds after every payment of the run: a refund finds the
            // charge it refunds whichever file brought it. Oldest first
            // (Stripe lists newest first), so a refund past what is left of
            // its charge is the later one whatever the listing order.
            6 => {
                let mut refunds = std::mem::take(&mut b.refunds);
                refunds.sort_by(|a, b| (a.2.refunded_on, &a.2.external_id).cmp(&(b.2.refunded_on, &b.2.external_id)));
                refunds.into_iter().try_for_each(|(f, s, r)| self.merger.refund(f, s, &r))
            }
            _ => Ok(()),
        }
    }

    /// Writes the audit rows, ends bulk mode when the run commits, and
    /// returns the report.
    fn finish(mut self) -> Result<ImportReport, ImportError> {
        self.merger.write_audit()?;
        // A run that will not commit (a dry run, refused rows) rolls its
        // bulk mode back with everything else.
        if self.opts.commits(self.merger.report()) {
            if self.merger.is_bulk() {
                self.stage("adding up the customers' figures");
            }
            // Between steps the flag stops the run; within one, the interrupt.
            self.check_cancelled()?;
            self.merger.end_bulk()?;
            self.check_cancelled()?;
        }
        Ok(self.merger.close())
    }

    fn advance(&mut self, bytes: u64) {
        self.progress_base += bytes;
        if let Some(b) = &self.progress {
            b.set_position(self.progress_base);
        }
    }

    /// `ImportError::Cancelled` once whoever watches the run cancelled it.
    fn check_cancelled(&self) -> Result<(), ImportError> {
        match &self.watch {
            Some(w) if w.cancelled() => Err(ImportError::Cancelled),
            _ => Ok(()),
        }
    }

    /// Says on the progress bar what the run does now that no file is read.
    fn stage(&self, what: &str) {
        if let Some(w) = &self.watch {
            w.stage(what);
        }
    }

    fn progress_at(&self, bytes: u64) {
        if let Some(b) = &self.progress {
            b.set_position(self.progress_base + bytes);
        }
    }
}
