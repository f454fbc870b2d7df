//! `ardesk import`: exports of Stripe, QuickBooks Online, HubSpot and
//! Salesforce, and ardesk's own JSON, into one
//! database, in one transaction per run.
//!
//! How a run goes:
//! 1. Every file is opened and recognized (`recognise`): source and object
//!    from its header row or JSON shape; `--source`/`--object` win. A file
//!    that cannot be read or recognized stops the run before anything is
//!    written.
//! 2. Each source's parser (`parse::Source`, a folder per source) turns rows
//!    (`read`) into normalized records (`parse::record`), or into
//!    skipped/refused rows with their line.
//! 3. Records land in phase order — customers, contacts, invoices,
//!    payments — keyed on (source, external id) (`apply`, `customers`, `invoices`, `payments`, `settle`);
//!    a customer from a report without ids is keyed on its name until its
//!    id arrives (`name_keys`). Local edits win over the file and are
//!    reported as conflicts.
//! 4. Any refused row fails the whole run (nothing written) unless
//!    `skip_bad_rows`; `dry_run` does everything and rolls back.
//!
//! A CSV file's parser runs on a second thread beside the writer
//! (`pipeline`). A run with large invoice files is a bulk run: summary
//! triggers lifted and summaries rebuilt or added up once
//! (`store::summaries`, `store::bulk`); invoices new to a source with none
//! here yet go in many to a statement with their money (`new_invoices`,
//! `store::load`), with the screen indexes dropped and built again when
//! the file is large next to what is here.

mod apply;
pub mod ardesk_json;
mod customers;
mod invoices;
mod name_keys;
mod new_invoices;
pub(crate) mod parse;
mod payments;
mod pipeline;
pub mod probe;
pub(crate) mod read;
pub(crate) mod recognise;
pub mod report;
mod settle;
mod sinks;
mod totals;
mod watch;

pub mod hubspot;
pub mod quickbooks;
pub mod salesforce;
pub mod stripe;

pub use ardesk_json::export_customer_json;
pub use parse::record::{self, *};
pub use parse::{Sink, Source};
/// The readers by their old paths, which tests and the fuzz targets name.
pub use read::{amount, csv_input, decimals, fields, marks};
pub use report::{Conflict, Counted, Counts, FileReport, ImportReport, RowIssue};
pub use watch::{Cancel, StageHook, Watch};

use crate::domain::status::ImportSource;
use crate::store::{Store, StoreError};
use apply::Run;
use recognise::Plan;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `ardesk import` was asked to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// `--source`: read every file as this source's export.
    pub source: Option<ImportSource>,
    /// `--object`: read every file as this kind of export.
    pub object: Option<ObjectKind>,
    /// `--dry-run`: do everything, report, write nothing.
    pub dry_run: bool,
    /// `--allow-test-mode`: import Stripe test-mode rows instead of refusing them.
    pub allow_test_mode: bool,
    /// `--skip-bad-rows`: import the good rows even when some are refused.
    pub skip_bad_rows: bool,
    /// `--decimal-point` / `--decimal-comma`: read every CSV amount with
    /// this decimal mark instead of deciding it from each file's amounts.
    pub decimal: Option<marks::Mark>,
}

impl ImportOptions {
    /// Whether a run that ended with `report` is written: not a dry run,
    /// and no row refused unless `--skip-bad-rows`.
    pub fn commits(&self, report: &ImportReport) -> bool {
        !self.dry_run && (report.refused() == 0 || self.skip_bad_rows)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: {reason}", path.display())]
    File { path: PathBuf, reason: String },
    #[error("{}: unknown format: {detail}", path.display())]
    UnknownFormat { path: PathBuf, detail: String },
    #[error("{}: {what}", path.display())]
    NotSupported { path: PathBuf, what: String },
    #[error(
        "{report}{} row(s) refused, so nothing was written: fix them, or pass --skip-bad-rows to import the rest",
        report.refused()
    )]
    Refused { report: Box<ImportReport> },
    #[error("no files to import")]
    NoFiles,
    #[error("the import was cancelled; nothing was written")]
    Cancelled,
    #[error("customer {0} does not exist")]
    NoCustomer(i64),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

impl ImportError {
    /// Names the file in errors raised where it was not known.
    pub(crate) fn at(self, file: &Path) -> Self {
        match self {
            ImportError::File { path, reason } if path.as_os_str().is_empty() => {
                ImportError::File { path: file.to_path_buf(), reason }
            }
            ImportError::NotSupported { path, what } if path.as_os_str().is_empty() => {
                ImportError::NotSupported { path: file.to_path_buf(), what }
            }
            e => e,
        }
    }
}

/// The sources ardesk imports from.
pub fn sources() -> &'static [&'static dyn Source] {
    &[&stripe::Stripe, &quickbooks::QuickBooks, &hubspot::HubSpot, &salesforce::Salesforce]
}

pub use apply::BATCH;

/// Invoice CSV bytes from which a run is a bulk run: summary triggers
/// lifted, new invoices loaded many to a statement (about 20,000 rows).
pub const BULK_BYTES: u64 = 4 << 20;

/// Imports `files` in one transaction and returns what happened. Refused
/// rows fail the run (`ImportError::Refused`, nothing written) unless
/// `opts.skip_bad_rows`; `opts.dry_run` rolls everything back.
pub fn run_import(
    store: &mut Store,
    files: &[PathBuf],
    opts: &ImportOptions,
    progress: bool,
) -> Result<ImportReport, ImportError> {
    run_import_tuned(store, files, opts, progress, BULK_BYTES)
}

/// `run_import` reporting to `watch` instead of a terminal.
pub fn run_import_watched(
    store: &mut Store,
    files: &[PathBuf],
    opts: &ImportOptions,
    watch: &Watch,
) -> Result<ImportReport, ImportError> {
    run_inner(store, files, opts, Some(watch.clone()), BULK_BYTES)
}

/// `run_import_watched` with the bulk threshold of `run_import_tuned`.
pub fn run_import_watched_tuned(
    store: &mut Store,
    files: &[PathBuf],
    opts: &ImportOptions,
    watch: &Watch,
    bulk_bytes: u64,
) -> Result<ImportReport, ImportError> {
    run_inner(store, files, opts, Some(watch.clone()), bulk_bytes)
}

/// `run_import` with the invoice CSV size from which the run loads in bulk
/// mode (summary triggers lifted, summaries rebuilt once), for tests and
/// tuning.
pub fn run_import_tuned(
    store: &mut Store,
    files: &[PathBuf],
    opts: &ImportOptions,
    progress: bool,
    bulk_bytes: u64,
) -> Result<ImportReport, ImportError> {
    let watch = (progress && std::io::stderr().is_terminal()).then(|| {
        Watch::with_bar(indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr()))
    });
    run_inner(store, files, opts, watch, bulk_bytes)
}

fn run_inner(
    store: &mut Store,
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
        w.bar.set_length(total_bytes);
        reading(&w.bar);
    }
    let session = store.import_session(|itx| {
        let mut run = Run::new(itx, opts.clone(), watch.clone())?;
        if invoice_bytes >= bulk_bytes {
            run.itx.begin_bulk()?;
        }
        run.run(plans)?;
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

/// After the files are read, the bar becomes a spinner that says what the
/// run is doing: on a million rows each of these takes seconds.
pub(crate) fn stage(bar: &indicatif::ProgressBar, what: &str) {
    if let Ok(style) = indicatif::ProgressStyle::with_template("importing: {spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
}

/// Back to the bar of bytes read, for the files still to read.
pub(crate) fn reading(bar: &indicatif::ProgressBar) {
    bar.disable_steady_tick();
    bar.set_message("");
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "importing {bar:40.cyan/blue} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
    ) {
        bar.set_style(style);
    }
}
