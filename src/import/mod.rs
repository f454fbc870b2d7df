//! `ardesk import`: exports of Stripe, QuickBooks Online, HubSpot and
//! Salesforce, and ardesk's own JSON, into one database, in one
//! transaction per run.
//!
//! # The stages
//! A run is a pipeline; each stage is a module that takes one thing and
//! gives the next, and knows nothing of the stages after it:
//!
//! | stage | module | takes | gives |
//! |---|---|---|---|
//! | 1 read | `read` | a path | rows of cells (`CsvInput`) or a JSON `Value`; cells read as amounts, dates, yes/no in the file's conventions |
//! | 2 recognise | `recognise` | a path, `--source`/`--object` | a `Plan`: the file opened with the source that parses it, or why none does |
//! | 3 parse | `parse` and a folder per source | a `Plan`'s rows | source-neutral records (`parse::record`) sent to a `Sink`, or rows skipped or refused with their line |
//! | 4 match and merge | `merge` | records | changes against the database: matched on (source, external id), merged field by field, invoices settled against payments |
//! | 5 write | `store::import` (`ImportTx`, `store::load`) | the rows the store writes (`store::import::rows`) | rows in the one transaction |
//! | 6 report | `report` | every outcome, in the `Book` | the audit rows and the `ImportReport` |
//!
//! `run` is the loop around them: files in phase order (customers,
//! contacts, ardesk's own, invoices, credit notes, payments, refunds), a CSV file parsed on a
//! second thread beside the merge, JSON documents parsed whole, progress,
//! cancelling, bulk mode for large files, commit or roll back. Any refused
//! row fails the whole run (nothing written) unless `skip_bad_rows`;
//! `dry_run` does everything and rolls back. `ardesk` is ardesk's own
//! format, which is not a source: it exports from the store and merges as
//! it reads. `probe` is stages 2 and 3 alone, with no database.
//!
//! Only stage 5 has SQL, and it lives in the store: the store's rows are
//! the store's types, so the store never imports from here
//! (`tests/layers_import.rs`).
//!
//! # Adding a source
//! 1. A folder `import/<source>/` with `mod.rs` holding one unit struct
//!    that implements `parse::Source`: `id`, `detect_csv`/`detect_json` (the
//!    object a header row or document is, if it is this source's), and
//!    `parse_csv`/`parse_json` (rows into records, sent to the sink);
//!    `refuse_*` to name what of its own it does not import. Its CSV and
//!    JSON parsers go in `csv.rs` and `api.rs` (or `json.rs`) beside it;
//!    they use `read` for cells and `parse` for the records, `Row`,
//!    `each_row` and `tri!`, and nothing else of the importer.
//! 2. Its `ImportSource` in `domain::status` (the database's name for it),
//!    and, when its customers link to it, the link in `domain::links`.
//! 3. One line in `sources()` below.
//!
//! A new kind of record (a credit note, a refund) is a type in
//! `parse::record`, a variant of `Record`, and a step in `merge` (with the
//! rows it writes in `store::import`).

mod ardesk;
mod error;
mod merge;
pub(crate) mod parse;
pub mod probe;
pub(crate) mod read;
pub(crate) mod recognise;
pub mod report;
mod run;

pub mod hubspot;
pub mod quickbooks;
pub mod salesforce;
pub mod stripe;

pub use ardesk::export_customer_json;
pub use error::ImportError;
pub use parse::record::{self, *};
pub use parse::{Sink, Source};
/// The readers by their old paths, which tests and the fuzz targets name.
pub use read::{amount, csv_input, decimals, fields, marks};
pub use report::{Conflict, Counted, Counts, FileReport, ImportReport, RowIssue, Switch, Worded};
pub use run::BATCH;
pub use run::watch::{Cancel, StageHook, Watch};

use crate::domain::status::ImportSource;
use crate::store::import::ImportStore;
use std::io::IsTerminal;
use std::path::PathBuf;

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
    /// Every row the whole way: no invoice known unchanged at sight from
    /// its row's print (`read::prints`). Not a user's option: the tests
    /// that compare the two ways set it.
    #[doc(hidden)]
    pub whole_way: bool,
}

impl ImportOptions {
    /// Whether a run that ended with `report` is written: not a dry run,
    /// and no row refused unless `--skip-bad-rows`.
    pub fn commits(&self, report: &ImportReport) -> bool {
        !self.dry_run && (report.refused() == 0 || self.skip_bad_rows)
    }
}

/// The sources ardesk imports from, in the order they are asked to
/// recognise a file.
pub fn sources() -> &'static [&'static dyn Source] {
    &[&stripe::Stripe, &quickbooks::QuickBooks, &hubspot::HubSpot, &salesforce::Salesforce]
}

thread_local! {
    static KNOWN_AT_SIGHT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Rows the import runs of this thread took as unchanged at sight from
/// their prints (`read::prints`), since the thread began: how the tests
/// and the benchmark tell that the runs they compare with the whole way
/// took the short one. Nothing in a run depends on it.
#[doc(hidden)]
pub fn rows_known_at_sight() -> u64 {
    KNOWN_AT_SIGHT.with(std::cell::Cell::get)
}

pub(crate) fn note_known_at_sight() {
    KNOWN_AT_SIGHT.with(|c| c.set(c.get() + 1));
}

/// Invoice CSV bytes from which a run is a bulk run: summary triggers
/// lifted, new invoices loaded many to a statement (about 20,000 rows).
pub const BULK_BYTES: u64 = 4 << 20;

/// Imports `files` in one transaction and returns what happened. Refused
/// rows fail the run (`ImportError::Refused`, nothing written) unless
/// `opts.skip_bad_rows`; `opts.dry_run` rolls everything back.
pub fn run_import<S: ImportStore>(
    store: &mut S,
    files: &[PathBuf],
    opts: &ImportOptions,
    progress: bool,
) -> Result<ImportReport, ImportError> {
    run_import_tuned(store, files, opts, progress, BULK_BYTES)
}

/// `run_import` into the books on whichever backend holds them.
pub fn run_import_into(
    books: &mut crate::store::Books,
    files: &[PathBuf],
    opts: &ImportOptions,
    progress: bool,
) -> Result<ImportReport, ImportError> {
    match books {
        crate::store::Books::Lite(s) => run_import(s, files, opts, progress),
        crate::store::Books::Pg(s) => run_import(s, files, opts, progress),
    }
}

/// `run_import_watched` into the books on whichever backend holds them.
pub fn run_import_watched_into(
    books: &mut crate::store::Books,
    files: &[PathBuf],
    opts: &ImportOptions,
    watch: &Watch,
) -> Result<ImportReport, ImportError> {
    match books {
        crate::store::Books::Lite(s) => run_import_watched(s, files, opts, watch),
        crate::store::Books::Pg(s) => run_import_watched(s, files, opts, watch),
    }
}

/// `run_import` reporting to `watch` instead of a terminal.
pub fn run_import_watched<S: ImportStore>(
    store: &mut S,
    files: &[PathBuf],
    opts: &ImportOptions,
    watch: &Watch,
) -> Result<ImportReport, ImportError> {
    run::run(store, files, opts, Some(watch.clone()), BULK_BYTES)
}

/// `run_import_watched` with the bulk threshold of `run_import_tuned`.
pub fn run_import_watched_tuned<S: ImportStore>(
    store: &mut S,
    files: &[PathBuf],
    opts: &ImportOptions,
    watch: &Watch,
    bulk_bytes: u64,
) -> Result<ImportReport, ImportError> {
    run::run(store, files, opts, Some(watch.clone()), bulk_bytes)
}

/// `run_import` with the invoice CSV size from which the run loads in bulk
/// mode (summary triggers lifted, summaries rebuilt once), for tests and
/// tuning.
pub fn run_import_tuned<S: ImportStore>(
    store: &mut S,
    files: &[PathBuf],
    opts: &ImportOptions,
    progress: bool,
    bulk_bytes: u64,
) -> Result<ImportReport, ImportError> {
    let watch = (progress && std::io::stderr().is_terminal()).then(|| {
        Watch::with_bar(indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr()))
    });
    run::run(store, files, opts, watch, bulk_bytes)
}
