//! The customer page: header, figures and one table per tab (`app::tabs`
//! says how the tabs are held, and how to add one).

use super::table::{DataTable, Fetch, Scroll, TableState};
use super::tabs::{TabRows, TabTable, ops};
use super::worker::{Job, Kind};
use crate::domain::Money;
use crate::domain::columns::{PerTab, Sort, Tab};
use crate::domain::filter::Filter;
use crate::domain::model::*;
use crate::domain::tabs::{Tabular, ViewSums};
use crate::store::{Books, CustomerFigures, Result};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// What a customer page keeps when you leave it and come back: each tab's
/// sort and filter, the tab, and the ticked invoices.
#[derive(Debug, Clone)]
pub struct SavedView {
    tab: Tab,
    views: PerTab<(Sort, Filter)>,
    selection: BTreeMap<i64, Money>,
}

/// How long a filtered read may run on the keystroke path.
pub const KEY_BUDGET: std::time::Duration = std::time::Duration::from_millis(40);

pub struct CustomerPage {
    pub today: NaiveDate,
    /// The filter bar while it has focus, and the last refusal of it.
    pub filter_input: Option<ratatui_textarea::TextArea<'static>>,
    pub filter_error: Option<String>,
    pub customer: Customer,
    pub figures: CustomerFigures,
    pub tab: Tab,
    tables: PerTab<Box<dyn TabTable>>,
    /// Ticked invoices and their totals (kept across tabs and reloads).
    pub selection: BTreeMap<i64, Money>,
    /// How many ticked invoices the Invoices filter hides (a selection made
    /// under another filter); `App::count_hidden` keeps it.
    pub hidden_selected: usize,
    /// The highlighted figure while the figures have the keys (`f`): an
    /// index into `view::figures::targets`.
    pub figures_focus: Option<usize>,
}

impl CustomerPage {
    pub fn load(store: &Books, id: i64, today: NaiveDate) -> Result<Self> {
        let customer = store.customer(id)?;
        let figures = store.figures(&customer, today)?;
        let mut page = CustomerPage {
            today,
            filter_input: None,
            filter_error: None,
            customer,
            figures,
            tab: Tab::Invoices,
            tables: PerTab::new(|tab| ops(tab).new_table()),
            selection: Default::default(),
            hidden_selected: 0,
            figures_focus: None,
        };
        for tab in Tab::ALL {
            let (total, sum) = page.summary_totals(tab);
            let t = page.table_mut(tab);
            t.reset(total);
            t.state_mut().sum = sum;
        }
        Ok(page)
    }

    pub fn count(&self, tab: Tab) -> usize {
        usize::try_from(self.figures.counts[tab.index()]).unwrap_or(0)
    }

    /// A tab's table, whatever its rows.
    pub fn table(&self, tab: Tab) -> &dyn TabTable {
        self.tables[tab].as_ref()
    }

    pub fn table_mut(&mut self, tab: Tab) -> &mut dyn TabTable {
        self.tables[tab].as_mut()
    }

    pub fn state(&self, tab: Tab) -> &TableState {
        self.table(tab).state()
    }

    pub fn state_mut(&mut self, tab: Tab) -> &mut TableState {
        self.table_mut(tab).state_mut()
    }

    /// The table of the tab whose rows are `R`, with its rows.
    pub fn rows<R: Tabular>(&self) -> Option<&DataTable<R>> {
        self.table(R::TAB).as_any().downcast_ref()
    }

    /// The highlighted row of the tab whose rows are `R`.
    pub fn selected<R: Tabular>(&self) -> Option<&R> {
        self.rows::<R>()?.selected()
    }

    /// Re-reads the customer and figures after a change, keeping each
    /// table's place.
    pub fn reload(&mut self, store: &Books, today: NaiveDate) -> Result<()> {
        self.customer = store.customer(self.customer.id)?;
        self.figures = store.figures(&self.customer, today)?;
        for tab in Tab::ALL {
            let (total, sum) = self.summary_totals(tab);
            let t = self.table_mut(tab);
            if t.state().filter.is_empty() {
                t.invalidate(total);
                t.state_mut().sum = sum;
            } else {
                // Recounted by the worker; keep the place meanwhile.
                let shown = t.state().scroll.total;
                t.invalidate(shown);
                t.state_mut().generation = super::table::fresh_generation();
            }
        }
        Ok(())
    }

    /// Sorts the shown tab by `col` (the order's direction kept), back at
    /// the top, and brings the column into view in a table `width` wide,
    /// its arrow with it.
    pub fn sort_by(&mut self, col: crate::domain::columns::Col, width: u16) {
        let tab = self.tab;
        self.state_mut(tab).sort.col = col;
        self.table_mut(tab).resort();
        let state = self.state_mut(tab);
        state.pan = crate::per_tab!(tab, |R| {
            let cols = <R as crate::domain::tabs::Tabular>::COLUMNS;
            let idx = cols.iter().position(|c| c.key == Some(col)).unwrap_or(0);
            crate::view::columns::reveal(cols, width, state.pan, idx)
        });
    }

    pub fn save_view(&self) -> SavedView {
        SavedView {
            tab: self.tab,
            views: PerTab::new(|tab| (self.state(tab).sort, self.state(tab).filter.clone())),
            selection: self.selection.clone(),
        }
    }

    /// Puts back what `save_view` kept; returns the tabs whose filtered
    /// count must be asked for.
    pub fn restore_view(&mut self, saved: SavedView) -> Vec<Tab> {
        self.tab = saved.tab;
        self.selection = saved.selection;
        let mut recount = Vec::new();
        for (tab, (sort, filter)) in saved.views.iter() {
            let t = self.table_mut(tab);
            t.state_mut().sort = *sort;
            t.state_mut().filter = filter.clone();
            if !filter.is_empty() {
                t.reset_unknown();
                recount.push(tab);
            }
        }
        recount
    }

    /// Rows and sums of an unfiltered tab, from the summaries.
    pub fn summary_totals(&self, tab: Tab) -> (usize, Option<ViewSums>) {
        let f = &self.figures;
        let sum = crate::domain::tabs::summary(tab).map(|s| {
            let per = |get: fn(&crate::domain::metrics::MetricParts) -> i64| {
                let mut v = vec![Money::new(get(&f.own), self.customer.currency)];
                v.extend(f.others.iter().map(|(c, p)| Money::new(get(p), *c)));
                v
            };
            ViewSums { sum: per(s.sum), balance: s.balance.map(per) }
        });
        (self.count(tab), sum)
    }

    /// A new filter for `tab`: back to the top, with the summaries' count
    /// when it is empty; returns whether its count must be asked for.
    pub fn set_filter(&mut self, tab: Tab, filter: Filter) -> bool {
        let empty = filter.is_empty();
        let (total, sum) = self.summary_totals(tab);
        let t = self.table_mut(tab);
        t.state_mut().filter = filter;
        if empty {
            t.reset(total);
            t.state_mut().sum = sum;
            t.state_mut().generation = super::table::fresh_generation();
        } else {
            t.reset_unknown();
        }
        !empty
    }

    /// Tabs whose filtered count must be asked for again.
    pub fn filtered_tabs(&self) -> Vec<Tab> {
        self.tables.iter().filter(|(_, t)| !t.state().filter.is_empty()).map(|(tab, _)| tab).collect()
    }

    /// Reads whatever rows the current tab's view is missing. A filtered
    /// read that cannot finish within `KEY_BUDGET` is stopped and returned
    /// as a job for the worker, so the screen never waits for it.
    pub fn sync(&mut self, store: &Books) -> Result<Option<Job>> {
        let (customer_id, tab, today) = (self.customer.id, self.tab, self.today);
        let ops = ops(tab);
        let t = self.table_mut(tab);
        let view = t.state().view(today);
        for _ in 0..4 {
            let Some(f) = t.need() else { break };
            let read = |s: &Books| ops.read(s, customer_id, &view, &f.seek, f.limit);
            // As of a date a column such as the balance is worked out row
            // by row: sorting on it reads them all, so that goes to the
            // reading thread too when it is slow.
            if view.filter.is_empty() && store.as_of().is_none() {
                let rows = read(store)?;
                t.fill(f, rows);
                continue;
            }
            match store.within(KEY_BUDGET, read)? {
                Some(rows) => {
                    t.fill(f, rows);
                }
                None => {
                    t.state_mut().pending = Some(f.clone());
                    let generation = t.state().generation;
                    let as_of = store.as_of();
                    return Ok(Some(Job { as_of, generation, customer_id, tab, view, kind: Kind::Window(f) }));
                }
            }
        }
        Ok(None)
    }

    /// Takes rows the worker read for a table, if they are for its
    /// current view.
    pub fn fill_from_worker(&mut self, tab: Tab, generation: u64, fetch: Fetch, rows: TabRows) -> bool {
        let t = self.table_mut(tab);
        if t.state().generation != generation || t.state().pending.as_ref() != Some(&fetch) {
            return false;
        }
        t.state_mut().pending = None;
        t.fill(fetch, rows)
    }

    /// Whether the current tab waits for rows from the worker.
    pub fn searching(&self) -> bool {
        self.state(self.tab).pending.is_some()
    }

    /// How many invoices are ticked and their total per currency.
    pub fn selection_summary(&self) -> (usize, Vec<Money>) {
        let mut per: BTreeMap<crate::domain::Currency, i64> = Default::default();
        for m in self.selection.values() {
            *per.entry(m.currency).or_default() += m.minor;
        }
        (self.selection.len(), per.into_iter().map(|(c, v)| Money::new(v, c)).collect())
    }

    /// The current tab's filter text, whether its count is exact, and its sums.
    pub fn view_state(&self) -> (String, bool, Option<ViewSums>) {
        let t = self.state(self.tab);
        (t.filter.source.clone(), t.exact, t.sum.clone())
    }

    /// The current tab's selection and scroll.
    pub fn scroll(&self) -> Scroll {
        self.state(self.tab).scroll
    }

    pub fn set_table_height(&mut self, rows: usize) {
        for (_, t) in self.tables.iter_mut() {
            t.state_mut().scroll.set_height(rows);
        }
    }
}
