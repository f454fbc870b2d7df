//! The customer page's tabs, held alike. A page keeps one `TabTable` per
//! tab in a `PerTab` (`CustomerPage::table`): each is a `DataTable<R>` of the
//! tab's row type behind the trait, so the state every tab shares
//! (`TableState`: sort, filter, scroll and selection, exact count and sum,
//! generation, pending read) is reached without knowing the type, and the
//! row-typed work — reading a window, filling it — is one generic impl
//! below. Drawing a tab's cells (`ui::page`) and exporting its rows
//! (`export`) are generic over the row type the same way. What differs
//! from tab to tab is data: the tab's description (`domain::tabs`) and its
//! SQL (`store::tabs`).
//!
//! # Adding a tab
//! 1. Its row type in `domain::model`, and its variant in
//!    `domain::columns::Tab` with `Tab::ALL` and its line in the `per_tab!`
//!    registry beside it; its columns' keys in `domain::columns::Col`.
//! 2. `domain/tabs/<tab>.rs`: `impl Tabular` — title, default sort, and its
//!    columns, each described once (below). Declare the module in
//!    `domain/tabs/mod.rs`.
//! 3. `store/tabs/<tab>.rs`: `impl TabRow` — what it selects and from where,
//!    the SQL each column key sorts by, how a row is read. Declare the
//!    module in `store/tabs/mod.rs`.
//!
//! The tab bar, its count (counted, or from the summaries when
//! `Tabular::SUMMARY` says so), the table, sorting, the filter bar and its
//! help, the worker, saved views and `E` exports follow from these. What is
//! the tab's own beyond its table is written where such things are: keys
//! that act on its rows are a `keymap::Context` (`App::contexts` matches
//! every tab to its context, `None` for a tab without keys of its own) and
//! reach the row through `CustomerPage::selected`; a command-line listing is
//! a `cli::Command` and its line in `main.rs`.
//!
//! # Adding a column
//! 1. A `Column` in the tab's `COLUMNS` (`domain/tabs/<tab>.rs`): title,
//!    width, priority at narrow widths, its key, its filter names, how a
//!    row shows in it, what it exports.
//! 2. Its key: a `Col` variant (`domain::columns`), and the SQL it sorts by
//!    in the tab's `SORT` whitelist (`store/tabs/<tab>.rs`; `FILTER` when a
//!    filter compares something else). A test fails while a key has no SQL.
//!
//! A column that shows data the row does not have yet also adds the field
//! to the row type and to the tab's `SELECT` and `map`.

use super::table::{DataTable, Fetch, TableState};
use crate::domain::columns::{Seek, Tab};
use crate::domain::tabs::ViewSums;
use crate::store::window::{Keyed, TabRow, View};
use crate::store::{Books, Result};
use std::any::Any;

/// One tab's table on a page, whatever its rows.
pub trait TabTable {
    fn state(&self) -> &TableState;
    fn state_mut(&mut self) -> &mut TableState;
    /// What must be read to show the visible range; `None` when loaded.
    fn need(&self) -> Option<Fetch>;
    /// Takes the rows a `need` asked for; false when they are another tab's.
    fn fill(&mut self, fetch: Fetch, rows: TabRows) -> bool;
    /// Forget the rows, keep the place (the data changed).
    fn invalidate(&mut self, total: usize);
    /// Forget everything and go back to the top (a new filter).
    fn reset(&mut self, total: usize);
    /// Back to the top of a view whose count is not known yet.
    fn reset_unknown(&mut self);
    /// A new order: back to the top.
    fn resort(&mut self);
    /// For `CustomerPage::rows`, which knows the type.
    fn as_any(&self) -> &dyn Any;
}

impl<R: TabRow + Send> TabTable for DataTable<R> {
    fn state(&self) -> &TableState {
        self
    }

    fn state_mut(&mut self) -> &mut TableState {
        self
    }

    fn need(&self) -> Option<Fetch> {
        DataTable::need(self)
    }

    fn fill(&mut self, fetch: Fetch, rows: TabRows) -> bool {
        match rows.0.downcast::<Vec<Keyed<R>>>() {
            Ok(rows) => {
                DataTable::fill(self, fetch, *rows);
                true
            }
            Err(_) => false,
        }
    }

    fn invalidate(&mut self, total: usize) {
        DataTable::invalidate(self, total)
    }

    fn reset(&mut self, total: usize) {
        DataTable::reset(self, total)
    }

    fn reset_unknown(&mut self) {
        DataTable::reset_unknown(self)
    }

    fn resort(&mut self) {
        DataTable::resort(self)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A window of some tab's rows, on their way from a read (perhaps on the
/// worker's thread) to that tab's table.
pub struct TabRows(Box<dyn Any + Send>);

impl std::fmt::Debug for TabRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TabRows(..)")
    }
}

/// What a tab's row type can do without a table: make the table, read a
/// window, count a view. The worker's thread reads through it.
pub trait TabOps: Sync {
    fn new_table(&self) -> Box<dyn TabTable>;
    fn read(&self, store: &Books, customer_id: i64, view: &View, seek: &Seek, limit: usize) -> Result<TabRows>;
    /// Rows of the view and their sums per currency (tabs with a money column).
    fn totals(&self, store: &Books, customer_id: i64, view: &View) -> Result<(i64, Option<ViewSums>)>;
}

struct Ops<R>(std::marker::PhantomData<fn() -> R>);

impl<R> Ops<R> {
    const NEW: Self = Ops(std::marker::PhantomData);
}

impl<R: crate::store::books::Rows + Send> TabOps for Ops<R> {
    fn new_table(&self) -> Box<dyn TabTable> {
        Box::new(DataTable::<R>::new(R::DEFAULT_SORT))
    }

    fn read(&self, store: &Books, customer_id: i64, view: &View, seek: &Seek, limit: usize) -> Result<TabRows> {
        let rows: Vec<Keyed<R>> = store.window_view(customer_id, view, seek, limit)?;
        Ok(TabRows(Box::new(rows)))
    }

    fn totals(&self, store: &Books, customer_id: i64, view: &View) -> Result<(i64, Option<ViewSums>)> {
        store.view_totals::<R>(customer_id, view)
    }
}

/// The row-typed work of `tab`.
pub fn ops(tab: Tab) -> &'static dyn TabOps {
    crate::per_tab!(tab, |R| &Ops::<R>::NEW)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_reach_only_their_own_tab() {
        let mut invoices = ops(Tab::Invoices).new_table();
        let mut contacts = ops(Tab::Contacts).new_table();
        contacts.state_mut().scroll.set_height(5);
        contacts.state_mut().scroll.set_total(1);
        let fetch = contacts.need().expect("an empty table needs its first rows");
        let rows = || TabRows(Box::new(Vec::<Keyed<crate::domain::model::ContactRow>>::new()));
        assert!(!invoices.fill(fetch.clone(), rows()), "contacts are not invoices");
        assert!(contacts.fill(fetch, rows()));
        assert_eq!(contacts.state().scroll.total, 0, "a short read ends the table");
    }
}
