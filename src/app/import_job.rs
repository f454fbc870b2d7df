//! An import on a thread of its own, the dry-run preview and the real run
//! alike, so that the screen keeps drawing its progress and Esc can cancel
//! it: a million rows take half a minute. It writes through a connection of
//! its own (WAL lets the app's keep reading); a cancelled or failed run
//! rolls back whole.

use crate::import::{ImportError, ImportOptions, ImportReport, Watch, run_import_watched_into};
use crate::store::location::Location;
use crate::store::{Books, OpenMode, StoreError};
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct ImportJob {
    pub files: Vec<PathBuf>,
    /// What it was asked to do: the preview or the real run, with the
    /// choices the import form offers.
    pub opts: ImportOptions,
    watch: Watch,
    started: Instant,
    handle: JoinHandle<Result<ImportReport, ImportError>>,
}

/// What the progress popup shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportStatus {
    pub dry_run: bool,
    pub files: usize,
    /// Bytes of the files read so far, of `total`.
    pub done: u64,
    pub total: u64,
    /// What the run does once the files are read ("" while reading).
    pub stage: String,
    pub elapsed: Duration,
    pub cancelling: bool,
    /// Esc came while it was being written: it will finish.
    pub too_late: bool,
}

impl ImportJob {
    /// Starts the run on a new connection to the books at `location`, as
    /// `who`; `None` for a database only this connection can see (in
    /// memory, in tests): the caller runs it in line.
    pub fn start(location: &Location, who: &str, files: Vec<PathBuf>, opts: &ImportOptions) -> Option<ImportJob> {
        if location.only_here() {
            return None;
        }
        let watch = Watch::default();
        let (path, who, run_files, run_watch) = (location.clone(), who.to_string(), files.clone(), watch.clone());
        let (opts, run_opts) = (opts.clone(), opts.clone());
        let handle = std::thread::Builder::new()
            .name("import".into())
            .spawn(move || {
                let mut store = Books::open(&path, OpenMode::MustExist)?;
                store.set_who(&who);
                run_watch.attach(store.interrupt_handle());
                run_import_watched_into(&mut store, &run_files, &opts, &run_watch)
            })
            .ok()?;
        Some(ImportJob { files, opts: run_opts, watch, started: Instant::now(), handle })
    }

    pub fn finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// Waits for the run and returns what it did.
    pub fn join(self) -> Result<ImportReport, ImportError> {
        match self.handle.join() {
            Ok(r) => r,
            Err(_) => Err(StoreError::Invalid("the import stopped unexpectedly; nothing was written".into()).into()),
        }
    }

    pub fn cancel(&self) -> crate::import::Cancel {
        self.watch.cancel()
    }

    pub fn status(&self) -> ImportStatus {
        let bar = &self.watch.bar;
        ImportStatus {
            dry_run: self.opts.dry_run,
            files: self.files.len(),
            done: bar.position(),
            total: bar.length().unwrap_or(0),
            stage: bar.message(),
            elapsed: self.started.elapsed(),
            cancelling: self.watch.cancelled(),
            too_late: self.watch.too_late(),
        }
    }
}
