//! The mouse, when it is turned on (off by default: a terminal that
//! reports the mouse to a program stops selecting text with it, and users
//! copy invoice numbers out of ardesk over SSH). Each click or notch of the
//! wheel becomes what a key already does, so the mouse does nothing the
//! keyboard cannot:
//! - the wheel moves as ↓ and ↑ do, three rows a notch, wherever those
//!   keys move something (lists, tabs, details, help, menus); never in a
//!   form or a search line;
//! - a click on a tab's title goes to it (as its digit does), on a card
//!   opens the rows behind it (as `f`, the arrows and Enter do), on a
//!   column's title sorts by it and on the sorted one reverses the order
//!   (as `s` and `S`), on a row selects it, and on the selected row does
//!   what Enter does there (open the customer, an invoice's detail…).
//!
//! Where things are comes from the same geometry the drawing uses
//! (`view::layout`, `view::tabs`, `view::columns`), so a click lands on
//! what is shown. A dialog takes only the wheel.

use super::action::Action;
use super::customers::COLUMNS;
use super::keymap::{BINDINGS, Context};
use super::{App, Screen};
use crate::domain::columns::{Col, Tab};
use crate::view::figures::{Place, targets};
use crate::view::{columns, layout, tabs};
use ratatui::crossterm::event::{KeyCode, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

/// Rows one notch of the wheel moves.
pub const WHEEL_ROWS: usize = 3;

impl App {
    /// Takes a mouse event; true when the screen changed.
    pub fn handle_mouse(&mut self, ev: MouseEvent) -> bool {
        match ev.kind {
            MouseEventKind::ScrollDown => self.wheel(Action::Down),
            MouseEventKind::ScrollUp => self.wheel(Action::Up),
            MouseEventKind::Down(MouseButton::Left) => self.click(Position::new(ev.column, ev.row)),
            _ => false,
        }
    }

    fn wheel(&mut self, action: Action) -> bool {
        let contexts = self.contexts();
        if !bound(&contexts, action) {
            return false;
        }
        for _ in 0..WHEEL_ROWS {
            self.update(action, None);
        }
        true
    }

    fn click(&mut self, at: Position) -> bool {
        if !self.dialogs.is_empty() || self.typing() {
            return false;
        }
        match self.screens.last() {
            Some(Screen::Customers(_)) => self.click_list(at),
            Some(Screen::Customer(_)) => self.click_page(at),
            // A detail's lists are short and its keys few: keys only.
            Some(Screen::Detail(_)) | None => false,
        }
    }

    fn click_list(&mut self, at: Position) -> bool {
        let width = self.size.width;
        let table = layout::customers(self.size).table;
        let Some(Screen::Customers(s)) = self.screens.last_mut() else { return false };
        if !table.contains(at) {
            return false;
        }
        if at.y == table.y {
            let sorted = COLUMNS.iter().position(|c| c.key == Some(s.sort));
            let fit = columns::fit_sorted(COLUMNS, table.width, s.pan, sorted);
            let Some(col) = columns::at(COLUMNS, &fit, table, at.x).and_then(|i| COLUMNS[i].key) else {
                return false;
            };
            if col == s.sort {
                s.reverse();
            } else {
                s.sort_by(col, width);
            }
            self.sync();
            return true;
        }
        let Some(row) = row_at(table, &s.table.scroll, at) else { return false };
        if !s.visible().iter().any(|(i, _)| *i == row) {
            return false;
        }
        self.select_or_open(row)
    }

    fn click_page(&mut self, at: Position) -> bool {
        let show_credit = self.org.show_credit_balance;
        let size = self.size;
        let Some(Screen::Customer(p)) = self.screens.last_mut() else { return false };
        let l = layout::customer_page(size, &crate::view::cards::Needs::of(&p.figures, show_credit));
        if let Some(card) = l.cards.iter().position(|r| r.contains(at)) {
            let Some(i) = targets(show_credit).iter().position(|t| t.place == Place::Card(card)) else {
                return false;
            };
            p.figures_focus = Some(i);
            self.update(Action::Open, None);
            return true;
        }
        // Anywhere else, the figures' focus goes as Esc would take it.
        p.figures_focus = None;
        if l.tabs.contains(at) {
            let titles = tabs::titles(p.tab, |t| p.count(t), l.tabs.width);
            let Some(tab) = tabs::at(&titles, l.tabs.x, at.x) else { return true };
            let digit = Tab::ALL.iter().position(|t| *t == tab).and_then(|i| char::from_digit(i as u32 + 1, 10));
            self.update(Action::GoTab, digit);
            return true;
        }
        if !l.table.contains(at) {
            return true;
        }
        let tab = p.tab;
        if at.y == l.table.y {
            let state = p.state(tab);
            let (sort, pan) = (state.sort, state.pan);
            let col = crate::per_tab!(tab, |R| {
                let cols = <R as crate::domain::tabs::Tabular>::COLUMNS;
                let sorted = cols.iter().position(|c| c.key == Some(sort.col));
                let fit = columns::fit_sorted(cols, l.table.width, pan, sorted);
                columns::at(cols, &fit, l.table, at.x).and_then(|i| cols[i].key)
            });
            if let Some(col) = col {
                self.sort_tab_by(col);
            }
            return true;
        }
        let Some(row) = row_at(l.table, &p.state(tab).scroll, at) else { return true };
        self.select_or_open(row)
    }

    /// Selects the table's row `row` (absolute), or on the row already
    /// selected does what Enter does there.
    fn select_or_open(&mut self, row: usize) -> bool {
        let scroll = match self.screens.last_mut() {
            Some(Screen::Customers(s)) => &mut s.table.scroll,
            Some(Screen::Customer(p)) => {
                let tab = p.tab;
                &mut p.state_mut(tab).scroll
            }
            _ => return false,
        };
        if scroll.selected == row {
            if let Some(action) = enter(&self.contexts()) {
                self.update(action, None);
            }
        } else {
            scroll.move_by(row as isize - scroll.selected as isize);
            self.sync();
        }
        true
    }

    /// Sorts the page's table by `col`, or reverses it when it is sorted
    /// by it already (as `s` and `S` reach it).
    fn sort_tab_by(&mut self, col: Col) {
        let width = self.size.width;
        let Some(Screen::Customer(p)) = self.screens.last_mut() else { return };
        if p.state(p.tab).sort.col == col {
            self.update(Action::SortReverse, None);
            return;
        }
        p.sort_by(col, width);
        self.sync();
    }
}

/// The absolute row of a table drawn in `table` (its header on the first
/// line) under `at`, if one is drawn there.
fn row_at(table: Rect, scroll: &super::table::Scroll, at: Position) -> Option<usize> {
    let line = usize::from(at.y.checked_sub(table.y)?.checked_sub(1)?);
    let row = scroll.offset + line;
    (line < layout::body_rows(table) && row < scroll.total).then_some(row)
}

/// Whether a key is bound to `action` where it would be pressed.
fn bound(contexts: &[Context], action: Action) -> bool {
    contexts.iter().any(|c| BINDINGS.iter().any(|b| b.ctx == *c && b.action == action))
}

/// What Enter does where it would be pressed, in the default key table: a
/// second click on a row means what Enter means there, whatever key the
/// user has moved it to.
fn enter(contexts: &[Context]) -> Option<Action> {
    contexts.iter().find_map(|c| {
        BINDINGS.iter().find(|b| b.ctx == *c && b.keys.iter().any(|k| k.code == KeyCode::Enter)).map(|b| b.action)
    })
}
