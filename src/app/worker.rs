//! Slow reads off the keystroke path: counting and summing a filtered view,
//! and a filtered window that took too long to read in line. One thread
//! with its own connection; per tab and kind the newest request wins.

use super::table::Fetch;
use super::tabs::TabRows;
use crate::domain::columns::Tab;
use crate::domain::customer_list::{ListKey, ListView};
use crate::domain::model::CustomerListRow;
use crate::domain::tabs::ViewSums;
use crate::store::location::Location;
use crate::store::window::{Keyed, View};
use crate::store::{Books, OpenMode};
use std::collections::HashMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub enum Kind {
    Totals,
    Window(Fetch),
    /// The customers list (`tab` and `customer_id` unused): how many match
    /// its search and how many there are in all.
    ListCount(ListView),
    /// The ids of the list's customers in an order no index holds.
    ListRank(ListView),
    /// A window of the list that took too long to read in line.
    ListWindow(ListView, Option<Arc<Vec<i64>>>, Fetch<ListKey>),
}

/// What a newer job replaces an older one of: per tab, a count or a
/// window; for the list, each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    Tab(Tab, bool),
    List(u8),
}

impl Kind {
    /// The order the reading thread runs a batch of jobs in: rows shown
    /// first (0), then a ranking they wait for (1), then counts and sums (2).
    fn urgency(&self) -> u8 {
        match self {
            Kind::Window(_) | Kind::ListWindow(..) => 0,
            Kind::ListRank(_) => 1,
            Kind::Totals | Kind::ListCount(_) => 2,
        }
    }

    fn slot(&self, tab: Tab) -> Slot {
        match self {
            Kind::Totals => Slot::Tab(tab, true),
            Kind::Window(_) => Slot::Tab(tab, false),
            Kind::ListCount(_) => Slot::List(0),
            Kind::ListRank(_) => Slot::List(1),
            Kind::ListWindow(..) => Slot::List(2),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Job {
    /// The day the store that asked reads as of (`Store::set_as_of`).
    pub as_of: Option<chrono::NaiveDate>,
    pub generation: u64,
    pub customer_id: i64,
    pub tab: Tab,
    pub view: View,
    pub kind: Kind,
}

impl Job {
    pub fn slot(&self) -> Slot {
        self.kind.slot(self.tab)
    }

    /// What the job reads for: the customers list, or one customer's tab.
    /// A job of a newer generation for the same replaces it.
    fn reader(&self) -> Reader {
        match self.slot() {
            Slot::List(_) => Reader::List,
            Slot::Tab(tab, _) => Reader::Tab(self.customer_id, tab),
        }
    }

    /// A job of the customers list.
    pub fn list(generation: u64, as_of: Option<chrono::NaiveDate>, kind: Kind) -> Job {
        let view = View {
            sort: crate::domain::columns::Sort::default_for(Tab::Invoices),
            filter: Default::default(),
            today: Default::default(),
        };
        Job { as_of, generation, customer_id: 0, tab: Tab::Invoices, view, kind }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Reader {
    List,
    Tab(i64, Tab),
}

/// The job the reading thread runs, so that a newer view's job stops it:
/// a count still running for the last keystroke held up the next one's
/// rows by up to its whole time (170 ms for a common word among a million
/// customers).
/// Jobs waiting their turn are skipped the same way.
#[derive(Default)]
struct Running {
    job: Mutex<Option<(Reader, u64)>>,
    /// Set when a newer view's job came while it ran.
    superseded: std::sync::atomic::AtomicBool,
    /// The view (generation) of each list or tab last asked for: the one
    /// shown, since only the screen shown asks.
    shown: Mutex<HashMap<Reader, u64>>,
}

impl Running {
    /// Whether `job` makes the running one useless: the same list or tab,
    /// another view. Not "a newer": a customer's page opened again counts
    /// its views from the start.
    fn replaced_by(running: Option<(Reader, u64)>, job: &Job) -> bool {
        running.is_some_and(|(reader, generation)| reader == job.reader() && job.generation != generation)
    }

    /// Whether another view of `job`'s list or tab was asked for since.
    fn stale(&self, job: &Job) -> bool {
        self.shown.lock().is_ok_and(|n| n.get(&job.reader()).is_some_and(|&g| g != job.generation))
    }
}

#[derive(Debug)]
pub enum Answer {
    Totals(usize, Option<ViewSums>),
    Window(Fetch, TabRows),
    /// Matching, and in all.
    ListCount(usize, usize),
    ListRank(Arc<Vec<i64>>),
    ListWindow(Fetch<ListKey>, Vec<Keyed<CustomerListRow, ListKey>>),
}

#[derive(Debug)]
pub struct Done {
    pub slot: Slot,
    pub generation: u64,
    pub customer_id: i64,
    pub tab: Tab,
    pub result: Result<Answer, String>,
}

/// How long the reading thread walks the customers list's order for a
/// search before it gathers the matches instead.
const WALK_BUDGET: std::time::Duration = std::time::Duration::from_millis(100);

/// Runs a job (the worker does this; so does the app when it has none).
pub fn run(store: &Books, job: &Job) -> Done {
    run_unless(store, job, &|| false)
}

/// `run`, a walk that ran long not followed by a gathering once
/// `superseded` says a newer view replaced the job.
fn run_unless(store: &Books, job: &Job, superseded: &dyn Fn() -> bool) -> Done {
    let (id, v) = (job.customer_id, &job.view);
    let ops = super::tabs::ops(job.tab);
    let result = match &job.kind {
        Kind::Totals => ops.totals(store, id, v).map(|(n, s)| Answer::Totals(usize::try_from(n).unwrap_or(0), s)),
        Kind::Window(f) => ops.read(store, id, v, &f.seek, f.limit).map(|rows| Answer::Window(f.clone(), rows)),
        Kind::ListCount(lv) => store.list_count(lv).and_then(|matching| {
            let all = if superseded() {
                // An interrupt between two statements is lost: look.
                return Err(crate::store::StoreError::Interrupted);
            } else if lv.query.trim().is_empty() {
                matching
            } else {
                store.list_count(&ListView { query: String::new(), ..lv.clone() })?
            };
            Ok(Answer::ListCount(matching, all))
        }),
        Kind::ListRank(lv) => store.list_ranking(lv).map(|ids| Answer::ListRank(Arc::new(ids))),
        Kind::ListWindow(lv, ranking, f) => {
            // A walk of the order that runs long (common words rare
            // together) gathers the matches through the index instead.
            let ranking = ranking.as_deref().map(Vec::as_slice);
            match store.within(WALK_BUDGET, |s| s.list_window(lv, ranking, &f.seek, f.limit)) {
                Ok(Some(rows)) => Ok(rows),
                Ok(None) if superseded() => Err(crate::store::StoreError::Interrupted),
                Ok(None) => store.list_window_gathered(lv, ranking, &f.seek, f.limit),
                Err(e) => Err(e),
            }
            .map(|rows| Answer::ListWindow(f.clone(), rows))
        }
    };
    Done {
        slot: job.slot(),
        generation: job.generation,
        customer_id: id,
        tab: job.tab,
        result: result.map_err(|e| e.to_string()),
    }
}

pub struct Worker {
    /// Dropped to tell the thread to end.
    jobs: Option<Sender<Job>>,
    done: Receiver<Done>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// The thread's connection, once it has opened it.
    interrupt: Arc<Mutex<Option<crate::store::Interrupt>>>,
    running: Arc<Running>,
    /// (tab, is a count) of the jobs not yet answered, with the view last
    /// asked: a newer job of the same key replaces an older one, so the
    /// answer for that view settles the key (not an older one's, which
    /// left the app polling slowly while the newest was on its way).
    waiting: HashMap<Slot, u64>,
}

impl Worker {
    /// Starts the worker. It opens its own connection to `location` on its own
    /// thread when the first job comes, off the way to the first frame; if
    /// it cannot, it answers that job with why and ends, and `ask` hands
    /// the later jobs back to be run in line.
    pub fn start(location: &Location) -> Option<Worker> {
        let path = location.clone();
        let (jobs, inbox) = channel::<Job>();
        let (outbox, done) = channel::<Done>();
        let interrupt: Arc<Mutex<Option<crate::store::Interrupt>>> = Arc::default();
        let handle = interrupt.clone();
        let running = Arc::new(Running::default());
        let now = running.clone();
        let thread = std::thread::Builder::new()
            .name("ardesk-reads".into())
            .spawn(move || {
                // Opened with the first job, not at once: opening parses
                // the schema, and on a small machine doing that beside the
                // launch's own reads delays the first frame.
                let Ok(first) = inbox.recv() else { return };
                let mut store = match Books::open(&path, OpenMode::MustExist) {
                    Ok(store) => store,
                    Err(e) => {
                        let (generation, customer_id, tab) = (first.generation, first.customer_id, first.tab);
                        let result = Err(format!("the reading thread could not open the database: {e}"));
                        let _ = outbox.send(Done { slot: first.slot(), generation, customer_id, tab, result });
                        return;
                    }
                };
                let _ = store.for_reading_thread();
                if let Ok(mut h) = handle.lock() {
                    *h = Some(store.interrupt_handle());
                }
                let mut next = Some(first);
                while let Some(first) = next.take().or_else(|| inbox.recv().ok()) {
                    let mut latest: HashMap<Slot, Job> = HashMap::from([(first.slot(), first)]);
                    while let Ok(job) = inbox.try_recv() {
                        latest.insert(job.slot(), job);
                    }
                    // The rows a screen waits for first, then rankings,
                    // then counts and sums: a count still running held up
                    // the next keystroke's rows (a `HashMap`'s order).
                    let mut batch: Vec<&Job> = latest.values().collect();
                    batch.sort_by_key(|j| j.kind.urgency());
                    for job in batch {
                        // As of the day the asking store reads as of.
                        if let Err(e) = store.set_as_of(job.as_of) {
                            let (generation, customer_id, tab) = (job.generation, job.customer_id, job.tab);
                            let result = Err(e.to_string());
                            let _ = outbox.send(Done { slot: job.slot(), generation, customer_id, tab, result });
                            continue;
                        }
                        // Noted as running first, then checked: a newer
                        // view asked in between is seen by one or the other.
                        if let Ok(mut r) = now.job.lock() {
                            *r = Some((job.reader(), job.generation));
                            now.superseded.store(false, std::sync::atomic::Ordering::Relaxed);
                        }
                        let done = if now.stale(job) {
                            let (generation, customer_id, tab) = (job.generation, job.customer_id, job.tab);
                            let result = Err("a newer view replaced it".to_string());
                            Done { slot: job.slot(), generation, customer_id, tab, result }
                        } else {
                            run_unless(&store, job, &|| {
                                now.superseded.load(std::sync::atomic::Ordering::Relaxed) || now.stale(job)
                            })
                        };
                        if let Ok(mut r) = now.job.lock() {
                            *r = None;
                        }
                        if outbox.send(done).is_err() {
                            return;
                        }
                    }
                }
            })
            .ok()?;
        Some(Worker { jobs: Some(jobs), done, thread: Some(thread), interrupt, running, waiting: Default::default() })
    }

    /// Sends a job to the thread; gives it back when the thread has ended
    /// (it could not open the database), to be run in line.
    pub fn ask(&mut self, job: Job) -> Option<Job> {
        let key = job.slot();
        let Some(jobs) = self.jobs.as_ref() else { return Some(job) };
        let generation = job.generation;
        if let Ok(mut n) = self.running.shown.lock() {
            n.insert(job.reader(), generation);
        }
        // Held while interrupting, so the thread cannot move on to another
        // job meanwhile. Its answer, an error for a view no longer shown,
        // is dropped like any answer for one.
        if let Ok(r) = self.running.job.lock()
            && Running::replaced_by(*r, &job)
        {
            self.running.superseded.store(true, std::sync::atomic::Ordering::Relaxed);
            if let Ok(h) = self.interrupt.lock()
                && let Some(i) = h.as_ref()
            {
                i.interrupt();
            }
        }
        match jobs.send(job) {
            Ok(()) => {
                self.waiting.insert(key, generation);
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
            if self.waiting.get(&d.slot) == Some(&d.generation) {
                self.waiting.remove(&d.slot);
            }
            // A thread that could not open the database answers only its
            // first job: nothing else it was sent will come.
            if d.result.as_ref().is_err_and(|e| e.contains("could not open")) {
                self.waiting.clear();
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
        // Bounded: a read that does not stop (a server gone silent, whose
        // cancel request cannot reach it either) must not keep the quit
        // from ending. Left running, the thread ends with the process, its
        // connection closed by the system; SQLite then checkpoints the
        // write-ahead log at the next open instead.
        let Some(t) = self.thread.take() else { return };
        let deadline = std::time::Instant::now() + QUIT_WAIT;
        while !t.is_finished() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        if t.is_finished() {
            let _ = t.join();
        }
    }
}

/// How long the quit waits for the reading thread to stop.
const QUIT_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::columns::Sort;
    use crate::domain::filter::Filter;
    use std::time::{Duration, Instant};

    fn job(generation: u64) -> Job {
        let view =
            View { sort: Sort::default_for(Tab::Invoices), filter: Filter::default(), today: Default::default() };
        Job { as_of: None, generation, customer_id: 1, tab: Tab::Invoices, view, kind: Kind::Totals }
    }

    /// A job stops the running one only when it reads for the same list or
    /// tab (of the same customer) and another view: a count and a window of
    /// one view run side by side, and another tab's or customer's count
    /// still finishes.
    #[test]
    fn only_a_newer_view_of_the_same_list_or_tab_stops_a_running_job() {
        let list = |generation, kind| Job::list(generation, None, kind);
        let lv = ListView {
            sort: crate::domain::customer_list::CustomerCol::Name,
            desc: false,
            query: "har".into(),
            today: Default::default(),
        };
        let counting = Some((list(4, Kind::ListCount(lv.clone())).reader(), 4));
        assert!(Running::replaced_by(counting, &list(5, Kind::ListRank(lv.clone()))));
        assert!(!Running::replaced_by(counting, &list(4, Kind::ListRank(lv.clone()))), "the same view");
        assert!(Running::replaced_by(counting, &list(1, Kind::ListCount(lv))), "the list opened again");
        assert!(!Running::replaced_by(counting, &job(9)), "a tab");
        assert!(!Running::replaced_by(None, &job(9)), "nothing running");
        let totals = Some((job(2).reader(), 2));
        assert!(Running::replaced_by(totals, &job(3)));
        let other_customer = Job { customer_id: 2, ..job(3) };
        assert!(!Running::replaced_by(totals, &other_customer));
        let other_tab = Job { tab: Tab::Payments, ..job(3) };
        assert!(!Running::replaced_by(totals, &other_tab));
        // A job waiting its turn is skipped once another view was asked.
        let r = Running::default();
        r.shown.lock().unwrap().insert(job(3).reader(), 3);
        assert!(r.stale(&job(2)) && !r.stale(&job(3)));
        assert!(!r.stale(&Job { tab: Tab::Payments, ..job(1) }), "never asked for");
    }

    /// The connection opens with the first job: a database that cannot be
    /// opened answers that job with why, and later jobs come back to be
    /// run in line.
    #[test]
    fn a_worker_that_cannot_open_answers_its_first_job_and_hands_back_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Worker::start(&Location::File(dir.path().join("missing.db"))).expect("the thread starts");
        assert!(w.ask(job(1)).is_none(), "taken: the thread is waiting for it");
        let deadline = Instant::now() + Duration::from_secs(10);
        let done = loop {
            if let Some(d) = w.answers().pop() {
                break d;
            }
            assert!(Instant::now() < deadline, "no answer");
            std::thread::sleep(Duration::from_millis(5));
        };
        assert_eq!(done.generation, 1);
        let e = done.result.unwrap_err();
        assert!(e.contains("could not open the database"), "{e}");
        assert!(!w.busy());
        while w.ask(job(2)).is_none() {
            assert!(Instant::now() < deadline, "the thread never ended");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
