//! State and update: screens, dialogs, and what each action does. No
//! drawing here; the store is only reached through `Store` methods.

pub mod action;
pub mod complete;
pub mod customer;
pub mod customers;
pub mod keymap;
pub mod table;

use crate::domain::columns::Tab;
use crate::domain::model::Organization;
use crate::store::Store;
use crate::ui::layout;
use crate::with_table;
use action::Action;
use chrono::NaiveDate;
use customer::CustomerPage;
use customers::CustomersScreen;
use keymap::{Context, lookup};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

pub enum Screen {
    Customers(CustomersScreen),
    Customer(Box<CustomerPage>),
}

pub enum Dialog {
    /// The keys of `ctx` and the metric definitions.
    Help { ctx: Context, scroll: u16 },
    /// Something went wrong, or something to know.
    Message { title: String, text: String },
}

pub struct App {
    pub store: Store,
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
            screens: vec![Screen::Customers(list)],
            dialogs: Vec::new(),
            size,
            plain: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            quit: false,
            message: None,
            data_version,
        };
        app.resize(size);
        Ok(app)
    }

    /// Opens a customer's page on top of the list.
    pub fn open_customer(&mut self, id: i64) {
        match CustomerPage::load(&self.store, id, self.today) {
            Ok(page) => {
                self.screens.push(Screen::Customer(Box::new(page)));
                self.resize(self.size);
            }
            Err(e) => self.error("Cannot open the customer", &e.to_string()),
        }
    }

    pub fn error(&mut self, title: &str, text: &str) {
        self.dialogs.push(Dialog::Message { title: title.into(), text: text.into() });
    }

    pub fn screen(&self) -> &Screen {
        // The stack is never empty: Back on the last screen quits instead.
        self.screens.last().unwrap_or_else(|| unreachable!("screen stack is never empty"))
    }

    /// The key context of what has focus now.
    pub fn context(&self) -> Context {
        if let Some(Dialog::Help { .. }) = self.dialogs.last() {
            return Context::Help;
        }
        match self.screens.last() {
            Some(Screen::Customers(s)) if s.input.is_some() => Context::Input,
            Some(Screen::Customer(_)) => Context::Customer,
            _ => Context::Customers,
        }
    }

    pub fn resize(&mut self, size: Rect) {
        self.size = size;
        let show_credit = self.org.show_credit_balance;
        match self.screens.last_mut() {
            Some(Screen::Customers(s)) => s.scroll.set_height(layout::body_rows(layout::customers(size).table)),
            Some(Screen::Customer(p)) => {
                let l = layout::customer_page(size, &crate::ui::cards::min_widths(&p.figures, show_credit));
                p.set_table_height(layout::body_rows(l.table));
            }
            None => {}
        }
        self.sync();
    }

    /// Reads the rows the current view is missing.
    fn sync(&mut self) {
        if let Some(Screen::Customer(p)) = self.screens.last_mut()
            && let Err(e) = p.sync(&self.store)
        {
            self.message = Some(format!("could not read rows: {e}"));
        }
    }

    /// Called when no key came for a while: picks up other processes'
    /// commits (PRAGMA data_version) and reloads what is shown.
    pub fn tick(&mut self) -> bool {
        let Ok(v) = self.store.data_version() else { return false };
        if v == self.data_version {
            return false;
        }
        self.data_version = v;
        self.reload();
        true
    }

    pub fn reload(&mut self) {
        let today = self.today;
        let result = match self.screens.last_mut() {
            Some(Screen::Customers(s)) => self.store.customer_list(today).map(|rows| s.set_rows(rows)),
            Some(Screen::Customer(p)) => p.reload(&self.store, today),
            None => Ok(()),
        };
        if let Err(e) = result {
            self.message = Some(format!("could not reload: {e}"));
        }
        self.resize(self.size);
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return;
        }
        let ctx = self.context();
        // A message dialog takes any key to close.
        if let Some(Dialog::Message { .. }) = self.dialogs.last() {
            if matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char(' ')) {
                self.dialogs.pop();
            }
            return;
        }
        if ctx == Context::Input {
            self.input_key(key);
            return;
        }
        let found =
            lookup(ctx, &key).or_else(|| if ctx == Context::Help { None } else { lookup(Context::Global, &key) });
        if let Some((action, ch)) = found {
            self.update(action, ch);
        }
    }

    fn input_key(&mut self, key: KeyEvent) {
        let Some(Screen::Customers(s)) = self.screens.last_mut() else { return };
        match lookup(Context::Input, &key).map(|a| a.0) {
            Some(Action::InputAccept) => s.input = None,
            Some(Action::InputCancel) => {
                s.input = None;
                s.set_query("");
            }
            _ => {
                if let Some(input) = s.input.as_mut() {
                    input.input(key);
                    let q = input.lines().first().cloned().unwrap_or_default();
                    s.set_query(&q);
                }
            }
        }
    }

    pub fn update(&mut self, action: Action, ch: Option<char>) {
        if let Some(Dialog::Help { scroll, .. }) = self.dialogs.last_mut() {
            match action {
                Action::Down => *scroll = scroll.saturating_add(1),
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::Back => {
                    self.dialogs.pop();
                }
                _ => {}
            }
            return;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                let ctx = self.context();
                self.dialogs.push(Dialog::Help { ctx, scroll: 0 });
            }
            Action::Back => {
                if self.screens.len() > 1 {
                    self.screens.pop();
                    self.reload();
                } else {
                    self.quit = true;
                }
            }
            _ => {
                match self.screens.last_mut() {
                    Some(Screen::Customers(s)) => {
                        if let Some(id) = customers_action(s, action) {
                            self.open_customer(id);
                        }
                    }
                    Some(Screen::Customer(p)) => customer_action(p, action, ch),
                    None => {}
                }
                self.sync();
            }
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

fn customer_action(p: &mut CustomerPage, action: Action, ch: Option<char>) {
    match action {
        Action::NextTab => p.tab = p.tab.next(),
        Action::PrevTab => p.tab = p.tab.prev(),
        Action::GoTab => {
            if let Some(n) = ch.and_then(|c| c.to_digit(10)) {
                p.tab = Tab::ALL[(n as usize).clamp(1, Tab::ALL.len()) - 1];
            }
        }
        _ => {
            let tab = p.tab;
            with_table!(p, tab, |t| move_scroll(&mut t.scroll, action));
        }
    }
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
