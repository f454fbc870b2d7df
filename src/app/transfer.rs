//! Documents going in and out beside the screen: starting the job
//! (`document_job.rs`) with its popup, and saying what it did once done.

use super::App;
use super::dialog::Dialog;
use super::document_job::{self, DocumentJob, Outcome, Task};
use super::effect::Effect;
use crate::domain::model::size_label;
use crate::store::documents::Progress;
use crate::store::{Space, StoreError};

/// Free space left in a database file after a delete from which the user
/// is told how to give it back (`ardesk vacuum`).
const WORTH_VACUUM: u64 = 1 << 20;

impl App {
    /// Starts an upload, download or delete on a thread of its own with a
    /// progress popup; in line when the database is in memory (tests).
    pub(super) fn start_documents(&mut self, effect: Effect) {
        let name = match &effect {
            Effect::Download { id, .. } | Effect::DeleteDocument { id, .. } => match self.store.document_name(*id) {
                Ok(name) => name,
                Err(e) => return self.refused(effect, e),
            },
            _ => String::new(),
        };
        let Some(task) = Task::of(&effect, &name) else { return };
        match DocumentJob::start(&self.store.location(), self.store.who(), task.clone()) {
            Some(job) => {
                self.documents = Some(job);
                self.dialogs.push(Dialog::Transferring);
            }
            None => {
                let outcome = document_job::run(&mut self.store, &task, &Progress::default(), &Default::default());
                self.documents_finished(task, outcome);
            }
        }
    }

    /// Picks up a finished job: true when there was one.
    pub(super) fn poll_documents(&mut self) -> bool {
        if !self.documents.as_ref().is_some_and(DocumentJob::finished) {
            return false;
        }
        let Some(job) = self.documents.take() else { return false };
        let task = job.task.clone();
        let outcome = job.join();
        if matches!(self.dialogs.last(), Some(Dialog::Transferring)) {
            self.dialogs.pop();
        }
        self.documents_finished(task, outcome);
        true
    }

    fn documents_finished(&mut self, task: Task, outcome: Outcome) {
        match (task, outcome) {
            (Task::Upload { files: planned, .. }, Outcome::Uploaded(files)) => self.uploaded(planned.len(), files),
            (Task::Download { id, dir, .. }, Outcome::Downloaded(result)) => match result {
                Ok(path) => self.done(format!("Saved {} (checksum verified)", path.display())),
                Err(StoreError::Cancelled) => self.done("Download cancelled; no file was left behind".into()),
                Err(e) => self.refused(Effect::Download { id, dir, overwrite: false }, e),
            },
            (Task::Delete { id, version, name }, Outcome::Deleted(result)) => match result {
                Ok(space) => self.deleted(&name, space),
                Err(e) => self.refused(Effect::DeleteDocument { id, version }, e),
            },
            // A task and an outcome of different kinds: `run` never gives one.
            (_, Outcome::Uploaded(_) | Outcome::Downloaded(_) | Outcome::Deleted(_)) => {}
        }
    }

    /// Closes the form the job came from, says `message`, and shows what
    /// changed.
    fn done(&mut self, message: String) {
        if matches!(self.dialogs.last(), Some(Dialog::Form(_))) {
            self.dialogs.pop();
        }
        self.say(message);
        self.reload();
        self.data_version = self.store.data_version().unwrap_or(self.data_version);
    }

    /// One file: a line in the status bar, or its refusal next to the form.
    /// Several: which landed and which did not, file by file, when not all
    /// did.
    fn uploaded(&mut self, planned: usize, files: Vec<(String, Result<i64, StoreError>)>) {
        let landed: Vec<&str> = files.iter().filter(|f| f.1.is_ok()).map(|f| f.0.as_str()).collect();
        let cancelled = files.iter().any(|f| matches!(f.1, Err(StoreError::Cancelled)));
        match files.as_slice() {
            _ if landed.len() == planned => self.done(format!("Uploaded {}", landed.join(", "))),
            [(name, Err(StoreError::Cancelled))] if planned == 1 => {
                self.done(format!("Upload cancelled; nothing of {name} was stored"))
            }
            [(_, Err(e))] if planned == 1 => self.show_failure(e.to_string()),
            _ => {
                let mut lines = Vec::new();
                for (name, r) in &files {
                    lines.push(match r {
                        Ok(_) => format!("Stored: {name}"),
                        Err(StoreError::Cancelled) => format!("Cancelled: {name} (nothing of it was stored)"),
                        Err(e) => format!("Not stored: {name}: {e}"),
                    });
                }
                if files.len() < planned {
                    lines.push(format!("Not started: {} more file(s)", planned - files.len()));
                }
                let title = match cancelled {
                    true => format!("Upload cancelled: {} of {planned} files stored", landed.len()),
                    false => format!("{} of {planned} files uploaded", landed.len()),
                };
                self.done(format!("Uploaded {} of {planned} files", landed.len()));
                self.error(&title, &lines.join("\n"));
            }
        }
    }

    /// After a delete: done; and when the file keeps the space (a database
    /// from before ardesk reclaimed it), how to give it back.
    fn deleted(&mut self, name: &str, space: Space) {
        self.done(format!("Deleted {name}"));
        let free = space.reclaimable();
        if free >= WORTH_VACUUM {
            let db = self.store.shown();
            let text = format!(
                "{name} is deleted, but the database file keeps its {} as free space: this database was made \
                 before ardesk gave space back by itself. Later uploads reuse it. To give it back to the disk, \
                 quit and run\n  ardesk vacuum --db {}\nIt rewrites the whole file, and needs free disk of about \
                 twice its size while it runs; afterwards deletes give their space back by themselves.",
                size_label(free as i64),
                db
            );
            self.error("Space kept in the database file", &text);
        }
    }
}
