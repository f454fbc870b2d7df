//! Counting and summing a filtered view off the keystroke path: one thread
//! with its own connection; for each tab the newest request wins.

use crate::domain::Money;
use crate::domain::columns::Tab;
use crate::domain::model::*;
use crate::store::window::View;
use crate::store::{OpenMode, Store};
use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};

#[derive(Debug, Clone)]
pub struct Job {
    pub generation: u64,
    pub customer_id: i64,
    pub tab: Tab,
    pub view: View,
}

#[derive(Debug, Clone)]
pub struct Done {
    pub generation: u64,
    pub customer_id: i64,
    pub tab: Tab,
    pub result: Result<(usize, Option<Vec<Money>>), String>,
}

/// Count and sums of a view (the same function the worker runs).
pub fn totals(store: &Store, job: &Job) -> Done {
    let (id, v) = (job.customer_id, &job.view);
    let result = match job.tab {
        Tab::Invoices => store.view_totals::<InvoiceRow>(id, v),
        Tab::Contracts => store.view_totals::<ContractRow>(id, v),
        Tab::Payments => store.view_totals::<PaymentRow>(id, v),
        Tab::Contacts => store.view_totals::<ContactRow>(id, v),
        Tab::Documents => store.view_totals::<DocumentRow>(id, v),
        Tab::Activity => store.view_totals::<ActivityRow>(id, v),
    };
    Done {
        generation: job.generation,
        customer_id: job.customer_id,
        tab: job.tab,
        result: result.map(|(n, s)| (usize::try_from(n).unwrap_or(0), s)).map_err(|e| e.to_string()),
    }
}

pub struct Worker {
    jobs: Sender<Job>,
    done: Receiver<Done>,
    /// Jobs sent and not yet answered.
    pub pending: usize,
}

impl Worker {
    /// Starts the worker on its own connection to `path`; `None` when it
    /// cannot open one (then the app counts in line).
    pub fn start(path: &Path) -> Option<Worker> {
        let store = Store::open(path, OpenMode::MustExist).ok()?;
        let (jobs, inbox) = channel::<Job>();
        let (outbox, done) = channel::<Done>();
        std::thread::Builder::new()
            .name("ardesk-totals".into())
            .spawn(move || {
                while let Ok(first) = inbox.recv() {
                    let mut latest: HashMap<Tab, Job> = HashMap::from([(first.tab, first)]);
                    while let Ok(job) = inbox.try_recv() {
                        latest.insert(job.tab, job);
                    }
                    for job in latest.values() {
                        if outbox.send(totals(&store, job)).is_err() {
                            return;
                        }
                    }
                }
            })
            .ok()?;
        Some(Worker { jobs, done, pending: 0 })
    }

    pub fn ask(&mut self, job: Job) {
        if self.jobs.send(job).is_ok() {
            self.pending += 1;
        }
    }

    /// Answers that arrived; superseded jobs are answered only once, so
    /// `pending` is a hint for how soon to look again.
    pub fn answers(&mut self) -> Vec<Done> {
        let got: Vec<Done> = self.done.try_iter().collect();
        if !got.is_empty() {
            self.pending = 0;
        }
        got
    }
}
