//! `t`: the books as of a date. The store reads as of it (its money tables
//! shadowed by their rows as of then, read-only, `store::reading`), the
//! reading thread follows with each job, "today" becomes that day for
//! overdue, aging and the window, and the header says "as of …" while it
//! is set. Every key that writes is refused with the reason meanwhile.

use super::dialog::Dialog;
use super::{App, Screen, forms};
use chrono::NaiveDate;

impl App {
    /// Opens the form that asks for the date.
    pub(super) fn open_as_of(&mut self) {
        let form = forms::as_of::open(self.store.as_of(), self.live_today);
        self.dialogs.push(Dialog::Form(Box::new(form)));
    }

    /// Asks to read as of the end of `day`, or as things are with `None`:
    /// the form closes and the screen says it is computing; the next tick
    /// reads (`read_as_of`; on a million invoices it takes a fraction of a
    /// second).
    pub fn set_as_of(&mut self, day: Option<NaiveDate>) {
        if matches!(self.dialogs.last(), Some(Dialog::Form(_))) {
            self.dialogs.pop();
        }
        self.pending_as_of = Some(day);
        self.say(match day {
            Some(d) => format!("Computing the books as of {d}…"),
            None => "Computing the books as they are today…".into(),
        });
    }

    /// Reads as of the end of `day` (or as things are); the screens follow.
    /// A detail open on a row that did not exist yet closes back to its
    /// page.
    pub(super) fn read_as_of(&mut self, day: Option<NaiveDate>) {
        if let Err(e) = self.store.set_as_of(day) {
            return self.show_failure(e.to_string());
        }
        self.today = day.unwrap_or(self.live_today);
        while matches!(self.screens.last(), Some(Screen::Detail(_))) {
            self.screens.pop();
        }
        // The list below the page, then the page itself.
        if self.screens.len() > 1
            && let Some(Screen::Customers(s)) = self.screens.first_mut()
        {
            s.invalidate();
        }
        self.reload();
        self.say(match day {
            Some(d) => format!("The books as of {d}, read-only: t and an empty date to return to today"),
            None => "The books as they are today".into(),
        });
    }
}
