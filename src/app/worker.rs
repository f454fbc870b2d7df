//! Slow reads off the keystroke path: counting and summing a filtered view,
//! and a filtered window that took too long to read in line. One thread
//! with its own connection; per tab and kind the newest request wins.

use super::table::Fetch;
use super::tabs::TabRows;
use crate::domain::columns::Tab;
use crate::domain::tabs::ViewSums;
use crate::store::window::View;
use crate::store::{OpenMode, Store};
use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub enum Kind {
    Totals,
    Window(Fetch),
}

#[derive(Debug, Clone)]
pub struct Job {
    pub generation: u64,
    pub customer_id: i64,
    pub tab: Tab,
    pub view: View,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Answer {
    Totals(usize, Option<ViewSums>),
    Window(Fetch, TabRows),
}

#[derive(Debug)]
pub struct Done {
    pub generation: u64,
    pub customer_id: i64,
    pub tab: Tab,
    pub result: Result<Answer, String>,
}

/// Runs a job (the worker does this; so does the app when it has none).
pub fn run(store: &Store, job: &Job) -> Done {
    let (id, v) = (job.customer_id, &job.view);
    let ops = super::tabs::ops(job.tab);
    let result = match &job.kind {
        Kind::Totals => ops.totals(store, id, v).map(|(n, s)| Answer::Totals(usize::try_from(n).unwrap_or(0), s)),
        Kind::Window(f) => ops.read(store, id, v, &f.seek, f.limit).map(|rows| Answer::Window(f.clone(), rows)),
    };
    Done { generation: job.generation, customer_id: id, tab: job.tab, result: result.map_err(|e| e.to_string()) }
}

pub struct Worker {
    /// Dropped to tell the thread to end.
    jobs: Option<Sender<Job>>,
    done: Receiver<Done>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// The thread's connection, once it has opened it.
    interrupt: Arc<Mutex<Option<crate::store::Interrupt>>>,
    /// (tab, is a count) of the jobs not yet answered; a newer job of the
    /// same key replaces an older one, so one answer settles the key.
    waiting: std::collections::HashSet<(Tab, bool)>,
}

impl Worker {
    /// Starts the worker. It opens its own connection to `path` on its own
    /// thread, off the way to the first frame; if it cannot, it ends, and
    /// `ask` hands its jobs back to be run in line.
    pub fn start(path: &Path) -> Option<Worker> {
        let path = path.to_path_buf();
        let (jobs, inbox) = channel::<Job>();
        let (outbox, done) = channel::<Done>();
        let interrupt: Arc<Mutex<Option<crate::store::Interrupt>>> = Arc::default();
        let handle = interrupt.clone();
        let thread = std::thread::Builder::new()
            .name("ardesk-reads".into())
            .spawn(move || {
                let Ok(store) = Store::open(&path, OpenMode::MustExist) else { return };
                if let Ok(mut h) = handle.lock() {
                    *h = Some(store.interrupt_handle());
                }
                while let Ok(first) = inbox.recv() {
                    let key = |j: &Job| (j.tab, matches!(j.kind, Kind::Totals));
                    let mut latest: HashMap<(Tab, bool), Job> = HashMap::from([(key(&first), first)]);
                    while let Ok(job) = inbox.try_recv() {
                        latest.insert(key(&job), job);
                    }
                    for job in latest.values() {
                        if outbox.send(run(&store, job)).is_err() {
                            return;
                        }
                    }
                }
            })
            .ok()?;
        Some(Worker { jobs: Some(jobs), done, thread: Some(thread), interrupt, waiting: Default::default() })
    }

    /// Sends a job to the thread; gives it back when the thread has ended
    /// (it could not open the database), to be run in line.
    pub fn ask(&mut self, job: Job) -> Option<Job> {
        let key = (job.tab, matches!(job.kind, Kind::Totals));
        let Some(jobs) = self.jobs.as_ref() else { return Some(job) };
        match jobs.send(job) {
            Ok(()) => {
                self.waiting.insert(key);
                None
            }
            Err(std::sync::mpsc::SendError(job)) => Some(job),
        }
    }

    pub fn busy(&self) -> bool {
        !self.waiting.is_empty()
    }

    pub fn answers(&mut self) -> Vec<Done> {
        let got: Vec<Done> = self.done.try_iter().collect();
        for d in &got {
            let is_count = matches!(d.result, Ok(Answer::Totals(..)) | Err(_));
            self.waiting.remove(&(d.tab, is_count));
            if d.result.is_err() {
                self.waiting.remove(&(d.tab, false));
            }
        }
        got
    }
}

/// Ends the thread and closes its connection before the app's: the last
/// connection to close checkpoints the write-ahead log and removes it, so a
/// session that uploaded a gigabyte does not leave a gigabyte of `-wal`.
impl Drop for Worker {
    fn drop(&mut self) {
        self.jobs = None;
        if let Ok(h) = self.interrupt.lock()
            && let Some(i) = h.as_ref()
        {
            i.interrupt();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
