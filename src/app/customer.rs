//! The customer page: header, figures and one table per tab.

use super::table::DataTable;
use crate::domain::columns::{Sort, Tab};
use crate::domain::model::*;
use crate::store::window::{Keyed, TabRows};
use crate::store::{CustomerFigures, Result, Store};
use chrono::NaiveDate;

/// What a customer page keeps when you leave it and come back: each tab's
/// sort and filter, the tab, and the ticked invoices.
#[derive(Debug, Clone)]
pub struct SavedView {
    tab: Tab,
    views: Vec<(crate::domain::columns::Sort, crate::domain::filter::Filter)>,
    selection: std::collections::BTreeMap<i64, crate::domain::Money>,
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
    pub invoices: DataTable<InvoiceRow>,
    pub contracts: DataTable<ContractRow>,
    pub payments: DataTable<PaymentRow>,
    pub contacts: DataTable<ContactRow>,
    pub documents: DataTable<DocumentRow>,
    pub activity: DataTable<ActivityRow>,
    /// Ticked invoices and their totals (kept across tabs and reloads).
    pub selection: std::collections::BTreeMap<i64, crate::domain::Money>,
}

/// Calls `$body` with the current tab's table, whatever its row type.
#[macro_export]
macro_rules! with_table {
    ($page:expr, $tab:expr, |$t:ident| $body:expr) => {
        match $tab {
            $crate::domain::columns::Tab::Invoices => {
                let $t = &mut $page.invoices;
                $body
            }
            $crate::domain::columns::Tab::Contracts => {
                let $t = &mut $page.contracts;
                $body
            }
            $crate::domain::columns::Tab::Payments => {
                let $t = &mut $page.payments;
                $body
            }
            $crate::domain::columns::Tab::Contacts => {
                let $t = &mut $page.contacts;
                $body
            }
            $crate::domain::columns::Tab::Documents => {
                let $t = &mut $page.documents;
                $body
            }
            $crate::domain::columns::Tab::Activity => {
                let $t = &mut $page.activity;
                $body
            }
        }
    };
}

impl CustomerPage {
    pub fn load(store: &Store, id: i64, today: NaiveDate) -> Result<Self> {
        let customer = store.customer(id)?;
        let figures = store.figures(&customer, today)?;
        let mut page = CustomerPage {
            today,
            filter_input: None,
            filter_error: None,
            customer,
            figures,
            tab: Tab::Invoices,
            invoices: DataTable::new(Sort::default_for(Tab::Invoices)),
            contracts: DataTable::new(Sort::default_for(Tab::Contracts)),
            payments: DataTable::new(Sort::default_for(Tab::Payments)),
            contacts: DataTable::new(Sort::default_for(Tab::Contacts)),
            documents: DataTable::new(Sort::default_for(Tab::Documents)),
            activity: DataTable::new(Sort::default_for(Tab::Activity)),
            selection: Default::default(),
        };
        for tab in Tab::ALL {
            let (total, sum) = page.summary_totals(tab);
            with_table!(page, tab, |t| {
                t.reset(total);
                t.sum = sum;
            });
        }
        Ok(page)
    }

    pub fn count(&self, tab: Tab) -> usize {
        usize::try_from(self.figures.counts[tab.index()]).unwrap_or(0)
    }

    /// Re-reads the customer and figures after a change, keeping each
    /// table's place.
    pub fn reload(&mut self, store: &Store, today: NaiveDate) -> Result<()> {
        self.customer = store.customer(self.customer.id)?;
        self.figures = store.figures(&self.customer, today)?;
        for tab in Tab::ALL {
            let (total, sum) = self.summary_totals(tab);
            with_table!(self, tab, |t| {
                if t.filter.is_empty() {
                    t.invalidate(total);
                    t.sum = sum;
                } else {
                    // Recounted by the worker; keep the place meanwhile.
                    let shown = t.scroll.total;
                    t.invalidate(shown);
                    t.generation += 1;
                }
            });
        }
        Ok(())
    }

    pub fn save_view(&self) -> SavedView {
        fn v<R>(t: &DataTable<R>) -> (crate::domain::columns::Sort, crate::domain::filter::Filter) {
            (t.sort, t.filter.clone())
        }
        SavedView {
            tab: self.tab,
            views: vec![
                v(&self.invoices),
                v(&self.contracts),
                v(&self.payments),
                v(&self.contacts),
                v(&self.documents),
                v(&self.activity),
            ],
            selection: self.selection.clone(),
        }
    }

    /// Puts back what `save_view` kept; returns the tabs whose filtered
    /// count must be asked for.
    pub fn restore_view(&mut self, saved: SavedView) -> Vec<Tab> {
        self.tab = saved.tab;
        self.selection = saved.selection;
        let mut recount = Vec::new();
        for (tab, (sort, filter)) in Tab::ALL.into_iter().zip(saved.views) {
            let filtered = !filter.is_empty();
            with_table!(self, tab, |t| {
                t.sort = sort;
                t.filter = filter;
                if filtered {
                    t.reset_unknown();
                }
            });
            if filtered {
                recount.push(tab);
            }
        }
        recount
    }

    /// Rows and sums of an unfiltered tab, from the summaries.
    pub fn summary_totals(&self, tab: Tab) -> (usize, Option<Vec<crate::domain::Money>>) {
        use crate::domain::Money;
        let f = &self.figures;
        let sums = |own: i64, other: fn(&crate::domain::metrics::MetricParts) -> i64| {
            let mut v = vec![Money::new(own, self.customer.currency)];
            v.extend(f.others.iter().map(|(c, p)| Money::new(other(p), *c)));
            v
        };
        let sum = match tab {
            Tab::Invoices => Some(sums(f.own.invoice_total_minor, |p| p.invoice_total_minor)),
            Tab::Payments => Some(sums(f.own.payment_total_minor, |p| p.payment_total_minor)),
            _ => None,
        };
        (self.count(tab), sum)
    }

    /// Tabs whose filtered count must be asked for again.
    pub fn filtered_tabs(&self) -> Vec<Tab> {
        Tab::ALL
            .into_iter()
            .filter(|t| match t {
                Tab::Invoices => !self.invoices.filter.is_empty(),
                Tab::Contracts => !self.contracts.filter.is_empty(),
                Tab::Payments => !self.payments.filter.is_empty(),
                Tab::Contacts => !self.contacts.filter.is_empty(),
                Tab::Documents => !self.documents.filter.is_empty(),
                Tab::Activity => !self.activity.filter.is_empty(),
            })
            .collect()
    }

    /// Reads whatever rows the current tab's view is missing. A filtered
    /// read that cannot finish within `KEY_BUDGET` is stopped and returned
    /// as a job for the worker, so the screen never waits for it.
    pub fn sync(&mut self, store: &Store) -> Result<Option<super::worker::Job>> {
        let id = self.customer.id;
        let tab = self.tab;
        let today = self.today;
        with_table!(self, tab, |t| {
            let view = t.view(today);
            for _ in 0..4 {
                let Some(f) = t.need() else { break };
                if view.filter.is_empty() {
                    let rows = store.window_view(id, &view, &f.seek, f.limit)?;
                    t.fill(f, rows);
                    continue;
                }
                match store.within(KEY_BUDGET, |s| s.window_view(id, &view, &f.seek, f.limit))? {
                    Some(rows) => t.fill(f, rows),
                    None => {
                        t.pending = Some(f.clone());
                        let kind = super::worker::Kind::Window(f);
                        return Ok(Some(super::worker::Job {
                            generation: t.generation,
                            customer_id: id,
                            tab,
                            view,
                            kind,
                        }));
                    }
                }
            }
            Ok(None)
        })
    }

    /// Takes rows the worker read for a table, if they are for its
    /// current view.
    pub fn fill_from_worker(&mut self, tab: Tab, generation: u64, fetch: super::table::Fetch, rows: TabRows) -> bool {
        fn take<R>(t: &mut DataTable<R>, generation: u64, fetch: super::table::Fetch, rows: Vec<Keyed<R>>) -> bool {
            if t.generation != generation || t.pending.as_ref() != Some(&fetch) {
                return false;
            }
            t.pending = None;
            t.fill(fetch, rows);
            true
        }
        match (tab, rows) {
            (Tab::Invoices, TabRows::Invoices(r)) => take(&mut self.invoices, generation, fetch, r),
            (Tab::Contracts, TabRows::Contracts(r)) => take(&mut self.contracts, generation, fetch, r),
            (Tab::Payments, TabRows::Payments(r)) => take(&mut self.payments, generation, fetch, r),
            (Tab::Contacts, TabRows::Contacts(r)) => take(&mut self.contacts, generation, fetch, r),
            (Tab::Documents, TabRows::Documents(r)) => take(&mut self.documents, generation, fetch, r),
            (Tab::Activity, TabRows::Activity(r)) => take(&mut self.activity, generation, fetch, r),
            _ => false,
        }
    }

    /// Whether the current tab waits for rows from the worker.
    pub fn searching(&self) -> bool {
        match self.tab {
            Tab::Invoices => self.invoices.pending.is_some(),
            Tab::Contracts => self.contracts.pending.is_some(),
            Tab::Payments => self.payments.pending.is_some(),
            Tab::Contacts => self.contacts.pending.is_some(),
            Tab::Documents => self.documents.pending.is_some(),
            Tab::Activity => self.activity.pending.is_some(),
        }
    }

    /// How many invoices are ticked and their total per currency.
    pub fn selection_summary(&self) -> (usize, Vec<crate::domain::Money>) {
        let mut per: std::collections::BTreeMap<crate::domain::Currency, i64> = Default::default();
        for m in self.selection.values() {
            *per.entry(m.currency).or_default() += m.minor;
        }
        (self.selection.len(), per.into_iter().map(|(c, v)| crate::domain::Money::new(v, c)).collect())
    }

    /// The current tab's filter text, whether its count is exact, and its sums.
    pub fn view_state(&self) -> (String, bool, Option<Vec<crate::domain::Money>>) {
        fn parts<R>(t: &DataTable<R>) -> (String, bool, Option<Vec<crate::domain::Money>>) {
            (t.filter.source.clone(), t.exact, t.sum.clone())
        }
        match self.tab {
            Tab::Invoices => parts(&self.invoices),
            Tab::Contracts => parts(&self.contracts),
            Tab::Payments => parts(&self.payments),
            Tab::Contacts => parts(&self.contacts),
            Tab::Documents => parts(&self.documents),
            Tab::Activity => parts(&self.activity),
        }
    }

    /// The current tab's selection and scroll.
    pub fn scroll(&self) -> super::table::Scroll {
        match self.tab {
            Tab::Invoices => self.invoices.scroll,
            Tab::Contracts => self.contracts.scroll,
            Tab::Payments => self.payments.scroll,
            Tab::Contacts => self.contacts.scroll,
            Tab::Documents => self.documents.scroll,
            Tab::Activity => self.activity.scroll,
        }
    }

    pub fn set_table_height(&mut self, rows: usize) {
        for tab in Tab::ALL {
            with_table!(self, tab, |t| t.scroll.set_height(rows));
        }
    }
}
