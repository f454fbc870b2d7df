//! State and update: screens, dialogs, and what each action does. No
//! drawing here; the store is only reached through `Store` methods.

pub mod action;
mod as_of;
pub mod collections;
pub mod complete;
mod conflict;
mod conversations;
mod credit_notes;
pub mod customer;
pub mod customers;
pub mod detail;
pub mod dialog;
mod dispatch;
pub mod document_job;
pub mod effect;
pub mod form;
pub mod forms;
pub mod help;
pub mod import_job;
pub mod import_report;
pub mod invoice_lines;
pub mod keymap;
pub mod list_actions;
mod list_reads;
mod listing;
pub mod mouse;
pub mod page_actions;
mod run;
pub mod scroll;
mod settle;
pub mod source_row;
mod statement;
pub mod table;
pub mod tabs;
mod transfer;
pub mod worker;
mod write_off;

use crate::domain::columns::Tab;
use crate::domain::model::Organization;
use crate::store::Books;
use crate::store::pg::live::Watch;
use crate::view::layout;
use chrono::NaiveDate;
use customer::CustomerPage;
use customers::CustomersScreen;
use dialog::Dialog;
use keymap::Context;
use ratatui::layout::Rect;
use std::time::{Duration, Instant};

/// Something to tell the user in the status line. It belongs to the
/// screen that said it — an import's summary does not follow the user onto
/// a customer's page — and goes after `Message::FOR`, or when the next one
/// comes.
pub struct Message {
    text: String,
    /// The screen's depth in the stack and, for a page, whose it is.
    screen: (usize, Option<i64>),
    until: Instant,
}

impl Message {
    pub const FOR: Duration = Duration::from_secs(15);
}

pub enum Screen {
    Customers(Box<CustomersScreen>),
    Customer(Box<CustomerPage>),
    /// An invoice's or a payment's detail, over the customer page (and
    /// over each other, as the user follows an application).
    Detail(Box<detail::DetailScreen>),
}

pub struct App {
    /// Counts filtered views off the keystroke path (none in tests: then
    /// they are counted in line). First, so that it is dropped first: its
    /// connection must close before `store`'s (see `Worker`'s `Drop`).
    worker: Option<worker::Worker>,
    /// The app's connection: only the app reads and writes through it
    /// (drawing asks the app, e.g. `read_only`).
    store: Books,
    /// The day overdue, aging and the window are counted on: today, or the
    /// day the books are read as of (`as_of`).
    pub today: NaiveDate,
    /// Today, whatever day the books are read as of.
    live_today: NaiveDate,
    /// A date asked for (`as_of`), read on the next tick so that the screen
    /// says "computing…" first.
    pending_as_of: Option<Option<NaiveDate>>,
    pub org: Organization,
    pub screens: Vec<Screen>,
    pub dialogs: Vec<Dialog>,
    pub size: Rect,
    /// Colours off (NO_COLOR), whatever the theme.
    pub plain: bool,
    /// The user's theme (`theme` in the configuration).
    pub theme: crate::config::ThemeName,
    /// How dates show on the screen (`dates` in the configuration).
    pub dates: crate::domain::date::DateStyle,
    /// Whether the terminal reports the mouse to ardesk (`app::mouse`):
    /// off unless asked for.
    pub mouse: bool,
    pub quit: bool,
    /// Set by the event loop while more keys are already typed: reads for
    /// the screen wait for the last of them (`catch_up`).
    typing_ahead: bool,
    /// A read `sync` put off while typing ahead.
    deferred: bool,
    /// A confirmed write of many invoices, run after the frame that says it
    /// is under way (`run_bulk`): seconds of work on a large customer must
    /// not look like a frozen page.
    bulk: Option<effect::Effect>,
    /// Whether the confirmation on top has been drawn (`drawn`), and
    /// whether keys were already waiting when it first was: typed before
    /// the question could be read, so a "yes" among them is not taken.
    confirm_shown: bool,
    confirm_typed_ahead: bool,
    /// The last thing to tell the user, shown in the status line of the
    /// screen that said it (`say`, `message`).
    message: Option<Message>,
    data_version: i64,
    /// Whether the schema was compared with this ardesk's (`tick`).
    schema_looked: bool,
    /// A link to copy (OSC 52) and underline (OSC 8) after the next draw.
    pub osc_link: Option<String>,
    /// The import running on its own thread, if any (`Dialog::Importing`).
    pub import: Option<import_job::ImportJob>,
    /// The document transfer running on its own thread, if any
    /// (`Dialog::Transferring`).
    pub documents: Option<document_job::DocumentJob>,
    /// Filters, sorts and selections of customer pages left, by customer.
    saved_views: std::collections::HashMap<i64, customer::SavedView>,
}

impl App {
    /// `today` is the real one; a store already reading as of a date (the
    /// command line's `--as-of`) sets the page's day.
    pub fn new(store: impl Into<Books>, today: NaiveDate, size: Rect) -> crate::store::Result<App> {
        let store = store.into();
        let live_today = today;
        let today = store.as_of().unwrap_or(today);
        let org = store.organization()?;
        let list = CustomersScreen::new();
        // Listened for before the first read: a change after it is told.
        store.watch(Watch::Customers)?;
        let data_version = store.data_version()?;
        // A file's schema was looked at when it opened; a server's is
        // looked at on the first tick.
        let schema_looked = store.pg().is_none();
        let mut app = App {
            store,
            today,
            live_today,
            pending_as_of: None,
            org,
            screens: vec![Screen::Customers(Box::new(list))],
            dialogs: Vec::new(),
            size,
            plain: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            theme: Default::default(),
            dates: Default::default(),
            mouse: false,
            quit: false,
            typing_ahead: false,
            deferred: false,
            bulk: None,
            confirm_shown: false,
            confirm_typed_ahead: false,
            message: None,
            data_version,
            worker: None,
            saved_views: Default::default(),
            osc_link: None,
            import: None,
            documents: None,
            schema_looked,
        };
        app.resize(size);
        if let Some(why) = app.store.trouble() {
            let why = why.to_string();
            app.opened_read_only(&why);
        }
        Ok(app)
    }

    /// Says, before anything else, why the books cannot be written.
    fn opened_read_only(&mut self, why: &str) {
        let mut chars = why.chars();
        let why: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
        let text = format!(
            "{why}.\n\nYou can look at everything; nothing can be changed. `ardesk check` lists every problem."
        );
        self.error("Opened read-only", &text);
    }

    /// The store, for the command line and tests; drawing never needs it.
    pub fn store(&self) -> &Books {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Books {
        &mut self.store
    }

    /// Why nothing can be saved, when the database is open read-only.
    pub fn read_only(&self) -> Option<&str> {
        self.store.read_only()
    }

    /// Opens a customer's page on top of the list.
    pub fn open_customer(&mut self, id: i64) {
        self.watch(Watch::Customer(id));
        match CustomerPage::load(&self.store, id, self.today) {
            Ok(mut page) => {
                let recount = self.saved_views.remove(&id).map(|v| page.restore_view(v)).unwrap_or_default();
                self.screens.push(Screen::Customer(Box::new(page)));
                for tab in recount {
                    self.request_totals(tab);
                }
                self.count_hidden();
                self.resize(self.size);
            }
            Err(e) => {
                self.watch(Watch::Customers);
                self.error("Cannot open the customer", &e.to_string())
            }
        }
    }

    /// Listens for changes to what the screen shows from now on, before it
    /// is read (on PostgreSQL; a SQLite file's version moves for any
    /// commit). A connection that cannot listen cannot read either: the
    /// read that follows says why.
    pub(super) fn watch(&self, what: Watch) {
        let _ = self.store.watch(what);
    }

    /// Counts filtered views on a thread of their own from now on.
    pub fn start_worker(&mut self) {
        self.worker = worker::Worker::start(&self.store.location());
    }

    /// Whether a filtered view's count or sum is still on its way from the
    /// worker thread (`tick` takes its answers).
    pub fn counting(&self) -> bool {
        self.worker.as_ref().is_some_and(worker::Worker::busy)
    }

    /// How long the event loop may wait for a key: briefly while a count
    /// is on its way, else long enough to stay idle.
    pub fn poll_interval(&self) -> std::time::Duration {
        if self.pending_as_of.is_some() {
            return std::time::Duration::ZERO;
        }
        let waiting = self.counting();
        let importing = self.import.is_some() || self.documents.is_some();
        std::time::Duration::from_millis(if waiting {
            25
        } else if importing {
            100
        } else {
            500
        })
    }

    /// Asks for the exact count and sums of a tab's filtered view.
    fn request_totals(&mut self, tab: Tab) {
        let (today, as_of) = (self.today, self.store.as_of());
        let Some(Screen::Customer(p)) = self.screens.last_mut() else { return };
        let customer_id = p.customer.id;
        let t = p.state(tab);
        let job = worker::Job {
            as_of,
            generation: t.generation,
            customer_id,
            tab,
            view: t.view(today),
            kind: worker::Kind::Totals,
        };
        self.ask(job);
    }

    /// Hands a slow read to the worker, or runs it here without one.
    fn ask(&mut self, job: worker::Job) {
        let back = match &mut self.worker {
            Some(w) => w.ask(job),
            None => Some(job),
        };
        if let Some(job) = back {
            let done = worker::run(&self.store, &job);
            self.apply_totals(done);
        }
    }

    fn apply_totals(&mut self, done: worker::Done) -> bool {
        if matches!(done.slot, worker::Slot::List(_)) {
            return self.apply_list(done);
        }
        let Some(Screen::Customer(p)) = self.screens.last_mut() else { return false };
        if p.customer.id != done.customer_id {
            return false;
        }
        let applied = match done.result {
            // A read for a view no longer shown (a newer one stopped it).
            Err(_) if p.state(done.tab).generation != done.generation => false,
            Err(e) => {
                p.state_mut(done.tab).pending = None;
                self.say(format!("could not read: {e}"));
                true
            }
            Ok(worker::Answer::Totals(n, sum)) => {
                let t = p.state_mut(done.tab);
                let current = t.generation == done.generation;
                if current {
                    t.set_exact(n, sum);
                }
                current
            }
            Ok(worker::Answer::Window(fetch, rows)) => p.fill_from_worker(done.tab, done.generation, fetch, rows),
            Ok(worker::Answer::ListCount(..) | worker::Answer::ListRank(_) | worker::Answer::ListWindow(..)) => false,
        };
        if applied {
            self.sync();
        }
        applied
    }

    pub fn error(&mut self, title: &str, text: &str) {
        self.dialogs.push(Dialog::Message { title: title.into(), text: text.into(), reload: false });
    }

    pub fn screen(&self) -> &Screen {
        // The stack is never empty: Back on the last screen quits instead.
        self.screens.last().unwrap_or_else(|| unreachable!("screen stack is never empty"))
    }

    pub fn page(&self) -> Option<&CustomerPage> {
        match self.screens.last() {
            Some(Screen::Customer(p)) => Some(p),
            _ => None,
        }
    }

    /// The key contexts that apply now, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        match self.dialogs.last() {
            Some(Dialog::Help { .. }) => return vec![Context::Help, Context::Scroll],
            Some(Dialog::Message { .. } | Dialog::Link { .. } | Dialog::Row { .. }) => return vec![Context::Message],
            Some(Dialog::Confirm(_)) => return vec![Context::Confirm],
            Some(Dialog::Menu(_)) => return vec![Context::Menu],
            Some(Dialog::Form(_)) => return vec![Context::Form],
            Some(Dialog::Report(r)) => return r.contexts(),
            Some(Dialog::Importing) => return vec![Context::Importing],
            Some(Dialog::Transferring) => {
                let cancellable = self.documents.as_ref().is_some_and(|j| j.task.cancellable());
                return vec![if cancellable { Context::Transfer } else { Context::Waiting }];
            }
            None => {}
        }
        match self.screens.last() {
            Some(Screen::Customers(s)) if s.input.is_some() => vec![Context::Input],
            Some(Screen::Customer(p)) if p.filter_input.is_some() => vec![Context::Input],
            Some(Screen::Customer(p)) if p.figures_focus.is_some() => vec![Context::Figures],
            Some(Screen::Customers(s)) if !s.query.is_empty() => {
                vec![Context::Searched, Context::Customers, Context::Global]
            }
            Some(Screen::Customer(p)) => {
                let tab = match p.tab {
                    Tab::Invoices => Some(Context::Invoices),
                    Tab::Contracts => Some(Context::Contracts),
                    Tab::Payments => Some(Context::Payments),
                    Tab::Contacts => Some(Context::Contacts),
                    Tab::Documents => Some(Context::Documents),
                    // Activity has no keys of its own: the page's, once.
                    Tab::Activity => None,
                    Tab::Conversations => Some(Context::Conversations),
                };
                tab.into_iter().chain([Context::Customer, Context::Global]).collect()
            }
            Some(Screen::Detail(d)) => vec![d.context(), Context::Global],
            _ => vec![Context::Customers, Context::Global],
        }
    }

    pub fn resize(&mut self, size: Rect) {
        self.size = size;
        let show_credit = self.org.show_credit_balance;
        // Inputs drawn narrow keep the offset that showed their cursor.
        for d in &mut self.dialogs {
            if let Dialog::Form(f) = d {
                f.form.unscroll();
            }
        }
        match self.screens.last_mut() {
            Some(Screen::Customers(s)) => {
                s.input.iter_mut().for_each(form::unscroll);
                s.table.scroll.set_height(layout::body_rows(layout::customers(size).table))
            }
            Some(Screen::Customer(p)) => {
                p.filter_input.iter_mut().for_each(form::unscroll);
                let l = layout::customer_page(size, &crate::view::cards::Needs::of(&p.figures, show_credit));
                p.set_table_height(layout::body_rows(l.table));
            }
            Some(Screen::Detail(_)) => self.resize_detail(),
            None => {}
        }
        self.sync();
    }

    /// Whether keys go to a search or filter line.
    pub fn typing(&self) -> bool {
        self.contexts().first() == Some(&Context::Input)
    }

    /// Handles a key typed while more are already waiting (`ahead`): in a
    /// search line, the screen's reads then wait for the last key. A fast
    /// typist's "harbor" otherwise read rows for h, ha, har…, each up to
    /// the read budget. Other keys read as they go, and the reads put off
    /// are made as soon as the line is left, so that a key that acts on the
    /// selected row finds what was read for it.
    pub fn handle_key_ahead(&mut self, key: ratatui::crossterm::event::KeyEvent, ahead: bool) {
        let typing = self.typing();
        if !typing {
            self.catch_up();
        }
        self.typing_ahead = ahead && typing;
        self.handle_key(key);
        self.typing_ahead = false;
        if !self.typing() {
            self.catch_up();
        }
    }

    /// Runs the reads put off while keys were typed ahead.
    pub fn catch_up(&mut self) {
        if std::mem::take(&mut self.deferred) {
            self.sync();
        }
    }

    /// Reads the rows the current view is missing.
    fn sync(&mut self) {
        if self.typing_ahead {
            self.deferred = true;
            return;
        }
        self.deferred = false;
        if matches!(self.screens.last(), Some(Screen::Customers(_))) {
            return self.sync_list();
        }
        let Some(Screen::Customer(p)) = self.screens.last_mut() else { return };
        match p.sync(&self.store) {
            Ok(Some(job)) => self.ask(job),
            Ok(None) => {}
            Err(e) => self.say(format!("could not read rows: {e}")),
        }
    }

    /// Called when no key came for a while: picks up other processes'
    /// commits (PRAGMA data_version) and reloads what is shown. An open
    /// form is left alone; its save meets the version check.
    /// Tells the user `text` in the status line of this screen.
    pub fn say(&mut self, text: impl Into<String>) {
        let screen = self.here();
        self.message = Some(Message { text: text.into(), screen, until: Instant::now() + Message::FOR });
    }

    /// What the status line of the screen in front says, if anything.
    pub fn message(&self) -> Option<&str> {
        self.message.as_ref().filter(|m| m.screen == self.here()).map(|m| m.text.as_str())
    }

    /// Forgets a message whose time is up at `now`; true when one went.
    pub fn expire_message(&mut self, now: Instant) -> bool {
        let gone = self.message.as_ref().is_some_and(|m| now >= m.until);
        if gone {
            self.message = None;
        }
        gone
    }

    fn here(&self) -> (usize, Option<i64>) {
        (self.screens.len(), self.page().map(|p| p.customer.id))
    }

    pub fn tick(&mut self) -> bool {
        let answers = self.worker.as_mut().map(|w| w.answers()).unwrap_or_default();
        let mut changed = self.expire_message(Instant::now());
        // A server's schema is compared with this ardesk's after the first
        // frame, not before it (a catalog read of tens of milliseconds).
        if !self.schema_looked {
            self.schema_looked = true;
            if let Ok(Some(why)) = self.store.check_schema() {
                let why = why.to_string();
                self.opened_read_only(&why);
                changed = true;
            }
        }
        if let Some(day) = self.pending_as_of.take() {
            self.read_as_of(day);
            changed = true;
        }
        for done in answers {
            changed |= self.apply_totals(done);
        }
        // A running job redraws its progress on every tick.
        changed |= self.import.is_some() || self.documents.is_some();
        changed |= self.poll_import();
        changed |= self.poll_documents();
        let Ok(v) = self.store.data_version() else { return changed };
        if v == self.data_version {
            return changed;
        }
        self.data_version = v;
        self.reload();
        true
    }

    pub fn reload(&mut self) {
        let today = self.today;
        match self.store.organization() {
            Ok(org) => self.org = org,
            Err(e) => self.say(format!("could not read the settings: {e}")),
        }
        let result = match self.screens.last_mut() {
            Some(Screen::Customers(s)) => {
                s.invalidate();
                Ok(())
            }
            Some(Screen::Customer(p)) => p.reload(&self.store, today),
            Some(Screen::Detail(d)) => d.reload(&self.store),
            None => Ok(()),
        };
        if let Err(e) = result {
            self.say(format!("could not reload: {e}"));
        }
        if let Some(p) = self.page() {
            for tab in p.filtered_tabs() {
                self.request_totals(tab);
            }
        }
        self.count_hidden();
        self.resize(self.size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use action::Action;

    /// A customer's page left and opened again makes new tables: an
    /// answer still on its way for the page left (its read stopped when
    /// the page closed) is not taken for the new page's own, which once
    /// put a stray "could not read: interrupted" on the status line.
    #[test]
    fn an_answer_for_a_page_left_is_not_taken_by_the_page_opened_again() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let mut store = crate::store::Store::open_in_memory().unwrap();
        let opts = crate::demo::DemoOptions { today, big_invoices: None, extra_customers: None };
        crate::demo::generate(&mut store, &opts).unwrap();
        let mut app = App::new(store, today, Rect::new(0, 0, 120, 40)).unwrap();
        let tab = Tab::Invoices;
        app.open_customer(1);
        let first = app.page().unwrap().state(tab).generation;
        app.update(Action::Back, None);
        assert!(app.page().is_none());
        app.open_customer(1);
        let again = app.page().unwrap().state(tab).generation;
        assert_ne!(first, again, "the page opened again numbers its views afresh");
        let stopped = worker::Done {
            slot: worker::Slot::Tab(tab, true),
            generation: first,
            customer_id: 1,
            tab,
            result: Err("interrupted".into()),
        };
        assert!(!app.apply_totals(stopped), "not the shown view's");
        assert_eq!(app.message(), None);
        let own = worker::Done {
            slot: worker::Slot::Tab(tab, true),
            generation: again,
            customer_id: 1,
            tab,
            result: Err("disk I/O error".into()),
        };
        assert!(app.apply_totals(own));
        assert_eq!(app.message(), Some("could not read: disk I/O error"));
    }
}
