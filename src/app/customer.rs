//! The customer page: header, figures and one table per tab.

use super::table::DataTable;
use crate::domain::columns::{Sort, Tab};
use crate::domain::model::*;
use crate::store::{CustomerFigures, Result, Store};
use chrono::NaiveDate;

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
            let total = page.count(tab);
            with_table!(page, tab, |t| t.reset(total));
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
            let total = self.count(tab);
            with_table!(self, tab, |t| t.invalidate(total));
        }
        Ok(())
    }

    /// Reads whatever rows the current tab's view is missing.
    pub fn sync(&mut self, store: &Store) -> Result<()> {
        let id = self.customer.id;
        let tab = self.tab;
        let today = self.today;
        with_table!(self, tab, |t| {
            let view = t.view(today);
            for _ in 0..4 {
                let Some(f) = t.need() else { break };
                let rows = store.window_view(id, &view, &f.seek, f.limit)?;
                t.fill(f, rows);
            }
        });
        Ok(())
    }

    /// How many invoices are ticked and their total per currency.
    pub fn selection_summary(&self) -> (usize, Vec<crate::domain::Money>) {
        let mut per: std::collections::BTreeMap<crate::domain::Currency, i64> = Default::default();
        for m in self.selection.values() {
            *per.entry(m.currency).or_default() += m.minor;
        }
        (self.selection.len(), per.into_iter().map(|(c, v)| crate::domain::Money::new(v, c)).collect())
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
