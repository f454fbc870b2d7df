//! Uploads, downloads and deletes of documents on a thread of their own,
//! as imports run (`import_job.rs`): streaming a 2 GiB file takes half a
//! minute and deleting it seconds, and meanwhile the screen keeps drawing
//! the progress popup, `Esc` cancels an upload or a download, and keys
//! typed go to the popup rather than waiting to land on the page after.
//! The thread works through a connection of its own (WAL lets the app's
//! keep reading); each file is its own transaction, all or nothing.

use super::effect::Effect;
use crate::domain::status::DocumentKind;
use crate::store::documents::Progress;
use crate::store::location::Location;
use crate::store::{Books, OpenMode, Space, StoreError};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the job does: the effect that asked for it, in the form the
/// thread needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    /// Files one after another, each under its name.
    Upload {
        customer_id: i64,
        files: Vec<(PathBuf, String)>,
        kind: DocumentKind,
        contract_id: Option<i64>,
    },
    Download {
        id: i64,
        name: String,
        dir: PathBuf,
        overwrite: bool,
    },
    Delete {
        id: i64,
        version: i64,
        name: String,
    },
}

impl Task {
    /// The task an effect asks for, `None` for effects that are not
    /// document transfers. `name` is the stored document's name.
    pub fn of(effect: &Effect, name: &str) -> Option<Task> {
        Some(match effect.clone() {
            Effect::Upload { customer_id, paths, name: given, kind, contract_id } => {
                let files = paths
                    .into_iter()
                    .map(|p| {
                        let file = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                        let name = given.clone().filter(|n| !n.trim().is_empty()).unwrap_or(file);
                        (p, name)
                    })
                    .collect();
                Task::Upload { customer_id, files, kind, contract_id }
            }
            Effect::Download { id, dir, overwrite } => Task::Download { id, name: name.into(), dir, overwrite },
            Effect::DeleteDocument { id, version } => Task::Delete { id, version, name: name.into() },
            _ => return None,
        })
    }

    /// Whether `Esc` can stop it: a delete is one statement and stands.
    pub fn cancellable(&self) -> bool {
        !matches!(self, Task::Delete { .. })
    }
}

/// What the job did.
#[derive(Debug)]
pub enum Outcome {
    /// Each file tried, in order, and what became of it; files after a
    /// cancel are not tried.
    Uploaded(Vec<(String, Result<i64, StoreError>)>),
    Downloaded(Result<PathBuf, StoreError>),
    /// The file's space after the delete.
    Deleted(Result<Space, StoreError>),
}

/// What the progress popup shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    pub task: Task,
    /// Which file (0-based) of an upload is under way.
    pub index: usize,
    pub done: u64,
    pub total: u64,
    pub elapsed: Duration,
    /// `Esc` was pressed.
    pub cancelling: bool,
    /// The current file is past the point where it can stop.
    pub finishing: bool,
}

pub struct DocumentJob {
    pub task: Task,
    progress: Arc<Progress>,
    index: Arc<AtomicUsize>,
    started: Instant,
    handle: Option<JoinHandle<Outcome>>,
}

/// Runs a task on `store`, reporting to `progress` and `index`.
pub fn run(store: &mut Books, task: &Task, progress: &Progress, index: &AtomicUsize) -> Outcome {
    match task {
        Task::Upload { customer_id, files, kind, contract_id } => {
            let mut done = Vec::new();
            for (i, (path, name)) in files.iter().enumerate() {
                if progress.cancelled() {
                    break;
                }
                index.store(i, Ordering::Relaxed);
                let r = store.upload_watched(*customer_id, path, name, *kind, *contract_id, progress);
                done.push((name.clone(), r));
            }
            Outcome::Uploaded(done)
        }
        Task::Download { id, dir, overwrite, .. } => {
            Outcome::Downloaded(store.download_watched(*id, dir, *overwrite, progress))
        }
        Task::Delete { id, version, .. } => {
            Outcome::Deleted(store.delete_document(*id, *version).and_then(|()| store.space()))
        }
    }
}

/// What a task that could not even begin did: nothing, for this reason.
fn failed(task: &Task, e: StoreError) -> Outcome {
    match task {
        Task::Upload { files, .. } => {
            Outcome::Uploaded(files.first().map(|(_, name)| (name.clone(), Err(e))).into_iter().collect())
        }
        Task::Download { .. } => Outcome::Downloaded(Err(e)),
        Task::Delete { .. } => Outcome::Deleted(Err(e)),
    }
}

impl DocumentJob {
    /// Starts the task on a new connection to the books at `location`, as
    /// `who`; `None` for a database only this connection can see (in
    /// memory, in tests): the caller runs it in line.
    pub fn start(location: &Location, who: &str, task: Task) -> Option<DocumentJob> {
        if location.only_here() {
            return None;
        }
        let (progress, index) = (Arc::new(Progress::default()), Arc::new(AtomicUsize::new(0)));
        let (path, who, t, p, i) = (location.clone(), who.to_string(), task.clone(), progress.clone(), index.clone());
        let handle = std::thread::Builder::new()
            .name("documents".into())
            .spawn(move || match Books::open(&path, OpenMode::MustExist) {
                Ok(mut store) => {
                    store.set_who(&who);
                    run(&mut store, &t, &p, &i)
                }
                Err(e) => failed(&t, e),
            })
            .ok()?;
        Some(DocumentJob { task, progress, index, started: Instant::now(), handle: Some(handle) })
    }

    pub fn finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits for the task and returns what it did.
    pub fn join(mut self) -> Outcome {
        let stopped = || StoreError::Invalid("the transfer stopped unexpectedly; nothing was written".into());
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(outcome)) => outcome,
            _ => failed(&self.task, stopped()),
        }
    }

    /// Asks an upload or download to stop: the file under way rolls back
    /// (unless it is already finishing) and no later file starts.
    pub fn cancel(&self) {
        if self.task.cancellable() {
            self.progress.cancel();
        }
    }

    pub fn status(&self) -> JobStatus {
        let (done, total) = self.progress.bytes();
        JobStatus {
            task: self.task.clone(),
            index: self.index.load(Ordering::Relaxed),
            done,
            total,
            elapsed: self.started.elapsed(),
            cancelling: self.progress.cancelled(),
            finishing: self.progress.finishing(),
        }
    }
}

/// Leaving ardesk (q, Ctrl-C, a signal) with a transfer under way cancels
/// it and waits a little for it to roll back, so a download leaves no
/// temporary file behind. Were it cut short anyway, a partial upload is
/// rolled back as after a crash.
impl Drop for DocumentJob {
    fn drop(&mut self) {
        let Some(handle) = self.handle.take() else { return };
        self.cancel();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !handle.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if handle.is_finished() {
            let _ = handle.join();
        }
    }
}
