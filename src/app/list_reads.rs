//! The customers list's reads: windows in line within `LIST_BUDGET`, and
//! what is slower — a ranking, the count, a window that ran over — on the
//! reading thread, the newest view's answer taken.

use super::customers::LIST_BUDGET;
use super::worker::{Answer, Done, Job, Kind};
use super::{App, Screen};

impl App {
    /// Reads the rows the customers list is missing, and asks for its
    /// count and ranking once per view.
    pub(super) fn sync_list(&mut self) {
        let (today, as_of) = (self.today, self.store.as_of());
        let Some(Screen::Customers(s)) = self.screens.last_mut() else { return };
        // Not before the screen has a size: the app is made before its
        // reading thread starts, and a count run here would hold the
        // first frame.
        if s.table.scroll.height == 0 {
            return;
        }
        let view = s.view(today);
        s.ranked = self.store.list_ranked(&view);
        let generation = s.table.generation;
        let mut jobs = Vec::new();
        // Asked last, so the reading thread takes the rows first.
        let mut count = None;
        if !s.table.exact && s.asked_count != Some(generation) {
            s.asked_count = Some(generation);
            count = Some(Job::list(generation, as_of, Kind::ListCount(view.clone())));
        }
        if s.ranked && s.ranking.is_none() {
            if s.asked_rank != Some(generation) {
                s.asked_rank = Some(generation);
                jobs.push(Job::list(generation, as_of, Kind::ListRank(view.clone())));
            }
        } else if s.pending.is_none() {
            for _ in 0..4 {
                let Some(f) = s.table.need() else { break };
                let ranking = s.ranking.clone();
                let read = |st: &crate::store::Books| {
                    st.list_window(&view, ranking.as_deref().map(Vec::as_slice), &f.seek, f.limit)
                };
                match self.store.within(LIST_BUDGET, read) {
                    Ok(Some(rows)) => s.table.fill(f, rows),
                    Ok(None) => {
                        s.pending = Some(f.clone());
                        jobs.push(Job::list(generation, as_of, Kind::ListWindow(view.clone(), ranking, f)));
                        break;
                    }
                    Err(e) => {
                        let text = format!("could not read the customers: {e}");
                        self.say(text);
                        break;
                    }
                }
            }
        }
        for job in jobs.into_iter().chain(count) {
            self.ask(job);
        }
    }

    /// Takes an answer for the customers list (it may be under a page);
    /// false when it is for a view no longer shown.
    pub(super) fn apply_list(&mut self, done: Done) -> bool {
        let Some(Screen::Customers(s)) = self.screens.first_mut() else { return false };
        if s.table.generation != done.generation {
            return false;
        }
        match done.result {
            Err(e) => {
                s.pending = None;
                // A ranking that failed is not waited for: keys move again
                // (over nothing) until the next view asks anew.
                if done.slot == super::worker::Slot::List(1) {
                    s.rank_failed = true;
                }
                s.drop_held();
                self.say(format!("could not read the customers: {e}"));
            }
            Ok(Answer::ListCount(matching, all)) => {
                s.table.set_exact(matching, None);
                s.all = Some(all);
            }
            Ok(Answer::ListRank(ids)) => {
                s.table.set_exact(ids.len(), None);
                s.ranking = Some(ids);
                s.take_held();
            }
            Ok(Answer::ListWindow(fetch, rows)) => {
                if s.pending.as_ref() != Some(&fetch) {
                    return false;
                }
                s.pending = None;
                s.table.fill(fetch, rows);
            }
            Ok(Answer::Totals(..) | Answer::Window(..)) => return false,
        }
        self.sync();
        self.open_held();
        true
    }

    /// Opens the customer an Enter typed ahead of the ranking chose, once
    /// its row is read and while the list is still the screen shown.
    fn open_held(&mut self) {
        if !self.dialogs.is_empty() {
            return;
        }
        let Some(Screen::Customers(s)) = self.screens.last_mut() else { return };
        if let Some(id) = s.held_open() {
            self.open_customer(id);
        }
    }
}
