//! State and update: screens, dialogs, and what each action does. No
//! drawing here; the store is only reached through `Store` methods.

pub mod action;
pub mod complete;
pub mod customer;
pub mod customers;
pub mod dialog;
pub mod document_job;
pub mod effect;
pub mod form;
pub mod forms;
pub mod import_job;
pub mod keymap;
pub mod list_actions;
pub mod page_actions;
mod run;
pub mod table;
pub mod tabs;
mod transfer;
pub mod worker;

use crate::domain::columns::Tab;
use crate::domain::model::Organization;
use crate::store::Store;
use crate::view::layout;
use action::Action;
use chrono::NaiveDate;
use customer::CustomerPage;
use customers::CustomersScreen;
use dialog::{Dialog, OnYes};
use form::FormEvent;
use keymap::{Context, lookup};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

pub enum Screen {
    Customers(Box<CustomersScreen>),
    Customer(Box<CustomerPage>),
}

pub struct App {
    /// Counts filtered views off the keystroke path (none in tests: then
    /// they are counted in line). First, so that it is dropped first: its
    /// connection must close before `store`'s (see `Worker`'s `Drop`).
    worker: Option<worker::Worker>,
    /// The app's connection: only the app reads and writes through it
    /// (drawing asks the app, e.g. `read_only`).
    store: Store,
    pub today: NaiveDate,
    pub org: Organization,
    pub screens: Vec<Screen>,
    pub dialogs: Vec<Dialog>,
    pub size: Rect,
    /// Colours off (NO_COLOR).
    pub plain: bool,
    pub quit: bool,
    /// The last thing to tell the user, shown in the status line.
    pub message: Option<String>,
    data_version: i64,
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
    pub fn new(store: Store, today: NaiveDate, size: Rect) -> crate::store::Result<App> {
        let org = store.organization()?;
        let list = CustomersScreen::new(store.customer_list(today)?);
        let data_version = store.data_version()?;
        let mut app = App {
            store,
            today,
            org,
            screens: vec![Screen::Customers(Box::new(list))],
            dialogs: Vec::new(),
            size,
            plain: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            quit: false,
            message: None,
            data_version,
            worker: None,
            saved_views: Default::default(),
            osc_link: None,
            import: None,
            documents: None,
        };
        app.resize(size);
        if let Some(why) = app.store.trouble() {
            let mut chars = why.chars();
            let why: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
            let text = format!(
                "{why}.\n\nYou can look at everything; nothing can be changed. `ardesk check` lists every problem."
            );
            app.error("Opened read-only", &text);
        }
        Ok(app)
    }

    /// The store, for the command line and tests; drawing never needs it.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Why nothing can be saved, when the database is open read-only.
    pub fn read_only(&self) -> Option<&str> {
        self.store.read_only()
    }

    /// Opens a customer's page on top of the list.
    pub fn open_customer(&mut self, id: i64) {
        match CustomerPage::load(&self.store, id, self.today) {
            Ok(mut page) => {
                let recount = self.saved_views.remove(&id).map(|v| page.restore_view(v)).unwrap_or_default();
                self.screens.push(Screen::Customer(Box::new(page)));
                for tab in recount {
                    self.request_totals(tab);
                }
                self.resize(self.size);
            }
            Err(e) => self.error("Cannot open the customer", &e.to_string()),
        }
    }

    /// Counts filtered views on a thread of their own from now on.
    pub fn start_worker(&mut self) {
        self.worker = worker::Worker::start(self.store.path());
    }

    /// Whether a filtered view's count or sum is still on its way from the
    /// worker thread (`tick` takes its answers).
    pub fn counting(&self) -> bool {
        self.worker.as_ref().is_some_and(worker::Worker::busy)
    }

    /// How long the event loop may wait for a key: briefly while a count
    /// is on its way, else long enough to stay idle.
    pub fn poll_interval(&self) -> std::time::Duration {
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
        let today = self.today;
        let Some(Screen::Customer(p)) = self.screens.last_mut() else { return };
        let customer_id = p.customer.id;
        let t = p.state(tab);
        let job =
            worker::Job { generation: t.generation, customer_id, tab, view: t.view(today), kind: worker::Kind::Totals };
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
        let Some(Screen::Customer(p)) = self.screens.last_mut() else { return false };
        if p.customer.id != done.customer_id {
            return false;
        }
        let applied = match done.result {
            Err(e) => {
                p.state_mut(done.tab).pending = None;
                self.message = Some(format!("could not read: {e}"));
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
            Some(Dialog::Help { .. }) => return vec![Context::Help],
            Some(Dialog::Message { .. } | Dialog::Link { .. }) => return vec![Context::Message],
            Some(Dialog::Confirm(_)) => return vec![Context::Confirm],
            Some(Dialog::Menu(_)) => return vec![Context::Menu],
            Some(Dialog::Form(_)) => return vec![Context::Form],
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
                };
                tab.into_iter().chain([Context::Customer, Context::Global]).collect()
            }
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
                s.scroll.set_height(layout::body_rows(layout::customers(size).table))
            }
            Some(Screen::Customer(p)) => {
                p.filter_input.iter_mut().for_each(form::unscroll);
                let l = layout::customer_page(size, &crate::view::cards::min_widths(&p.figures, show_credit));
                p.set_table_height(layout::body_rows(l.table));
            }
            None => {}
        }
        self.sync();
    }

    /// Reads the rows the current view is missing.
    fn sync(&mut self) {
        let Some(Screen::Customer(p)) = self.screens.last_mut() else { return };
        match p.sync(&self.store) {
            Ok(Some(job)) => self.ask(job),
            Ok(None) => {}
            Err(e) => self.message = Some(format!("could not read rows: {e}")),
        }
    }

    /// Called when no key came for a while: picks up other processes'
    /// commits (PRAGMA data_version) and reloads what is shown. An open
    /// form is left alone; its save meets the version check.
    pub fn tick(&mut self) -> bool {
        let answers = self.worker.as_mut().map(|w| w.answers()).unwrap_or_default();
        let mut changed = false;
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
            Err(e) => self.message = Some(format!("could not read the settings: {e}")),
        }
        let result = match self.screens.last_mut() {
            Some(Screen::Customers(s)) => self.store.customer_list(today).map(|rows| s.set_rows(rows)),
            Some(Screen::Customer(p)) => p.reload(&self.store, today),
            None => Ok(()),
        };
        if let Err(e) = result {
            self.message = Some(format!("could not reload: {e}"));
        }
        if let Some(p) = self.page() {
            for tab in p.filtered_tabs() {
                self.request_totals(tab);
            }
        }
        self.resize(self.size);
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        if lookup(&[Context::Global], &key).is_some_and(|(a, _)| a == Action::Quit) {
            self.quit = true;
            return;
        }
        let contexts = self.contexts();
        let found = lookup(&contexts, &key);
        match (contexts[0], found) {
            (Context::Input, None) => self.search_input(key),
            (Context::Form, None) => self.form_input(key),
            (_, Some((action, ch))) => self.update(action, ch),
            _ => {}
        }
    }

    fn search_input(&mut self, key: KeyEvent) {
        match self.screens.last_mut() {
            Some(Screen::Customers(s)) => {
                if let Some(input) = s.input.as_mut() {
                    form::line_input(input, key);
                    let q = input.lines().first().cloned().unwrap_or_default();
                    s.set_query(&q);
                }
            }
            Some(Screen::Customer(p)) => {
                if let Some(input) = p.filter_input.as_mut() {
                    form::line_input(input, key);
                    p.filter_error = None;
                }
            }
            None => {}
        }
    }

    /// Enter in the filter bar: a good filter replaces the tab's filter; a
    /// bad one is explained in the bar and the last good one stays.
    fn apply_filter(&mut self) {
        let Some(Screen::Customer(p)) = self.screens.last_mut() else { return };
        let text = p.filter_input.as_ref().map(|i| i.lines().join(" ")).unwrap_or_default();
        let (tab, currency) = (p.tab, p.customer.currency);
        match crate::domain::filter::parse(&text, tab, currency) {
            Err(e) => p.filter_error = Some(e),
            Ok(f) => {
                p.filter_input = None;
                p.filter_error = None;
                if p.set_filter(tab, f) {
                    self.request_totals(tab);
                }
                self.sync();
            }
        }
    }

    fn form_input(&mut self, key: KeyEvent) {
        if let Some(Dialog::Form(fd)) = self.dialogs.last_mut()
            && let FormEvent::Changed(_) = fd.form.input(key)
        {
            fd.candidates.clear();
            fd.changed();
        }
    }

    pub fn update(&mut self, action: Action, ch: Option<char>) {
        if !self.dialogs.is_empty() {
            self.dialog_action(action);
            return;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                let contexts = self.contexts();
                self.dialogs.push(Dialog::Help { contexts, scroll: 0 });
            }
            Action::Back => {
                if self.screens.len() > 1 {
                    if let Some(Screen::Customer(p)) = self.screens.pop() {
                        self.saved_views.insert(p.customer.id, p.save_view());
                    }
                    self.reload();
                } else {
                    self.quit = true;
                }
            }
            Action::InputAccept | Action::InputCancel => match self.screens.last_mut() {
                Some(Screen::Customers(s)) => {
                    s.input = None;
                    if action == Action::InputCancel {
                        s.set_query("");
                    }
                }
                Some(Screen::Customer(p)) if action == Action::InputCancel => {
                    p.filter_input = None;
                    p.filter_error = None;
                }
                Some(Screen::Customer(_)) => self.apply_filter(),
                None => {}
            },
            _ => {
                if matches!(self.screens.last(), Some(Screen::Customer(_))) {
                    self.page_action(action, ch);
                } else if matches!(action, Action::Import | Action::NewCustomer | Action::Settings) {
                    self.list_action(action);
                } else if let Some(Screen::Customers(s)) = self.screens.last_mut()
                    && let Some(id) = customers_action(s, action)
                {
                    self.open_customer(id);
                }
                self.sync();
            }
        }
    }

    fn dialog_action(&mut self, action: Action) {
        let Some(top) = self.dialogs.last_mut() else { return };
        match top {
            Dialog::Help { scroll, .. } => match action {
                Action::Down => *scroll = scroll.saturating_add(1),
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::Back => {
                    self.dialogs.pop();
                }
                _ => {}
            },
            Dialog::Link { .. } => {
                self.dialogs.pop();
            }
            // The popup stays until the run ends; it says it is cancelling.
            Dialog::Importing => {
                if let (Action::Close, Some(job)) = (action, &self.import) {
                    job.cancel();
                }
            }
            // Likewise; every other key typed meanwhile is dropped here, so
            // none lands on the page once the popup is gone.
            Dialog::Transferring => {
                if let (Action::Close, Some(job)) = (action, &self.documents) {
                    job.cancel();
                }
            }
            Dialog::Message { reload, .. } => {
                let reload = *reload && action == Action::Yes;
                self.dialogs.pop();
                if reload {
                    // Drop the stale form under the message too.
                    while matches!(self.dialogs.last(), Some(Dialog::Form(_))) {
                        self.dialogs.pop();
                    }
                    self.reload();
                }
            }
            Dialog::Menu(menu) => match action {
                Action::Down => menu.selected = (menu.selected + 1).min(menu.items.len().saturating_sub(1)),
                Action::Up => menu.selected = menu.selected.saturating_sub(1),
                Action::Close => {
                    self.dialogs.pop();
                }
                Action::Pick => {
                    let item = menu.items.get(menu.selected).map(|i| i.1);
                    self.dialogs.pop();
                    if let Some(item) = item {
                        self.menu_pick(item);
                    }
                }
                _ => {}
            },
            Dialog::Confirm(_) => {
                let Some(Dialog::Confirm(c)) = self.dialogs.pop() else { return };
                if action == Action::Yes {
                    match c.on_yes {
                        OnYes::Run(effect) => self.run_effect(effect),
                        OnYes::DiscardForm => {
                            self.dialogs.pop();
                        }
                    }
                }
            }
            Dialog::Form(fd) => match action {
                Action::FormNext if fd.form.fields[fd.form.focus].completes_paths => self.complete_path(),
                Action::FormNext => fd.form.next(true),
                Action::FormPrev => fd.form.next(false),
                Action::FormEnter if fd.form.enter() == FormEvent::Submit => self.submit_form(),
                Action::FormSave => self.submit_form(),
                Action::FormCancel => {
                    if fd.form.dirty() {
                        self.dialogs.push(Dialog::Confirm(dialog::Confirm {
                            title: "Discard changes?".into(),
                            lines: vec!["What you typed in this form will be lost.".into()],
                            on_yes: OnYes::DiscardForm,
                        }));
                    } else {
                        self.dialogs.pop();
                    }
                }
                _ => {}
            },
        }
    }

    fn complete_path(&mut self) {
        let Some(Dialog::Form(fd)) = self.dialogs.last_mut() else { return };
        let cwd = std::env::current_dir().unwrap_or_default();
        let field = &mut fd.form.fields[fd.form.focus];
        let c = complete::complete(&field.value(), &cwd);
        field.set_text(&c.text);
        field.touched = true;
        fd.candidates = c.candidates;
    }

    fn submit_form(&mut self) {
        let Some(Dialog::Form(fd)) = self.dialogs.last_mut() else { return };
        if let Some(effect) = fd.validate() {
            self.run_effect(effect);
        }
    }
}

/// Returns a customer id to open, if the action asks for one.
fn customers_action(s: &mut CustomersScreen, action: Action) -> Option<i64> {
    match action {
        Action::Open => return s.selected().map(|r| r.id),
        Action::Search => {
            let mut input = TextArea::new(vec![s.query.clone()]);
            input.move_cursor(ratatui_textarea::CursorMove::End);
            s.input = Some(input);
        }
        Action::SortNext => s.next_sort(),
        Action::SortReverse => s.reverse(),

        _ => move_scroll(&mut s.scroll, action),
    }
    None
}

fn move_scroll(s: &mut table::Scroll, action: Action) {
    match action {
        Action::Down => s.move_by(1),
        Action::Up => s.move_by(-1),
        Action::PageDown => s.page(true),
        Action::PageUp => s.page(false),
        Action::Home => s.home(),
        Action::End => s.end(),
        _ => {}
    }
}

impl App {
    fn tab_move(&mut self, action: Action) {
        if let Some(Screen::Customer(p)) = self.screens.last_mut() {
            let tab = p.tab;
            move_scroll(&mut p.state_mut(tab).scroll, action);
        }
    }
}
