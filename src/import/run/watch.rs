//! A run watched from another thread (the TUI's import runs on a thread of
//! its own): the bar it moves, never drawn, and how to cancel it.
//!
//! Cancelling must hold in every phase, not only while rows are read: the
//! flag stops the run at its next row or step, and the store's interrupt
//! stops a long statement (building indexes, adding up a million rows'
//! figures) where it is. Both end in a rollback: nothing is written. Only
//! the commit itself cannot be cancelled; the run says when it reaches it
//! (`begin_commit`), under the same lock `cancel` takes, so an Esc is
//! either in time — and the run rolls back — or reported as too late, never
//! a cancel that then writes everything.

use crate::store::Interrupt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Called with each stage's name as the run enters it (tests use it to
/// cancel at a given point).
pub type StageHook = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Clone)]
pub struct Watch {
    pub bar: indicatif::ProgressBar,
    shared: Arc<Shared>,
    hook: Option<StageHook>,
}

#[derive(Default)]
struct Shared {
    cancel: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    committing: bool,
    too_late: bool,
    interrupt: Option<Interrupt>,
}

/// What an Esc did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    /// The run stops and rolls back: nothing is written.
    Stopping,
    /// The run is committing: it finishes and everything is written.
    TooLate,
}

impl Default for Watch {
    fn default() -> Self {
        Watch::with_bar(indicatif::ProgressBar::hidden())
    }
}

impl Watch {
    pub fn with_bar(bar: indicatif::ProgressBar) -> Self {
        Watch { bar, shared: Arc::default(), hook: None }
    }

    /// Calls `hook` with each stage's name as the run enters it.
    pub fn on_stage(mut self, hook: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Lets `cancel` stop the statement the run's connection is running.
    pub fn attach(&self, interrupt: Interrupt) {
        if let Ok(mut s) = self.shared.state.lock() {
            if self.cancelled() {
                interrupt.interrupt();
            }
            s.interrupt = Some(interrupt);
        }
    }

    /// Asks the run to stop: at once if it can, else says it is too late.
    pub fn cancel(&self) -> Cancel {
        let Ok(mut s) = self.shared.state.lock() else { return Cancel::TooLate };
        if s.committing {
            s.too_late = true;
            return Cancel::TooLate;
        }
        self.shared.cancel.store(true, Ordering::SeqCst);
        if let Some(i) = &s.interrupt {
            i.interrupt();
        }
        Cancel::Stopping
    }

    pub fn cancelled(&self) -> bool {
        self.shared.cancel.load(Ordering::SeqCst)
    }

    /// Esc came after the point of no return.
    pub fn too_late(&self) -> bool {
        self.shared.state.lock().map(|s| s.too_late).unwrap_or(false)
    }

    /// The run is about to commit: false if it was cancelled first (then it
    /// must roll back); after true, `cancel` only says it is too late.
    pub(crate) fn begin_commit(&self) -> bool {
        let Ok(mut s) = self.shared.state.lock() else { return false };
        if self.cancelled() {
            return false;
        }
        s.committing = true;
        s.interrupt = None;
        true
    }

    /// Tells the hook (not the bar) that the run reached `what`.
    pub(crate) fn reached(&self, what: &str) {
        if let Some(h) = &self.hook {
            h(what);
        }
    }

    /// Says on the bar what the run does now that no file is read.
    pub(crate) fn stage(&self, what: &str) {
        stage(&self.bar, what);
        if let Some(h) = &self.hook {
            h(what);
        }
    }
}

/// After the files are read, the bar becomes a spinner that says what the
/// run is doing: on a million rows each of these takes seconds.
pub(crate) fn stage(bar: &indicatif::ProgressBar, what: &str) {
    // wide_msg: cut to the terminal's width, never wrapped onto a new line.
    if let Ok(style) = indicatif::ProgressStyle::with_template("importing: {spinner} ({elapsed}) {wide_msg}") {
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
        // The bar takes what the figures leave of the terminal's width, so
        // the line fits 80 columns (a fixed 40-cell bar wrapped there).
        "importing {wide_bar:.cyan/blue} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_before_the_commit_stops_it_after_is_too_late() {
        let w = Watch::default();
        assert_eq!(w.cancel(), Cancel::Stopping);
        assert!(!w.begin_commit(), "a cancelled run does not commit");
        let w = Watch::default();
        assert!(w.begin_commit());
        assert_eq!(w.cancel(), Cancel::TooLate);
        assert!(w.too_late() && !w.cancelled());
    }

    /// Esc while a long statement runs (building a million rows' indexes
    /// takes seconds): the store's interrupt stops it where it is, from the
    /// UI's thread. Shown on a statement that would run for minutes.
    #[test]
    fn cancel_interrupts_a_running_statement() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let w = Watch::default();
        w.attach(store.interrupt_handle());
        let canceller = w.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            canceller.cancel()
        });
        let started = std::time::Instant::now();
        let r: rusqlite::Result<i64> = store.conn().query_row(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000000) SELECT count(*) FROM n",
            [],
            |r| r.get(0),
        );
        assert_eq!(t.join().unwrap(), Cancel::Stopping);
        let e = crate::store::StoreError::from(r.unwrap_err());
        assert!(matches!(e, crate::store::StoreError::Interrupted), "{e:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "stopped, not run to its end");
    }
}
