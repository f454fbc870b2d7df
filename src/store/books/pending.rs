//! Operations the PostgreSQL backend does not answer yet. Until it does,
//! `--db postgres://…` is refused before anything opens (`main`), so no
//! user reaches the refusal here; it exists for the type to be whole.

use super::Books;
use crate::domain::Money;
use crate::domain::collections::ConversationDetail;
use crate::domain::columns::Seek;
use crate::domain::customer_list::{ListKey, ListView};
use crate::domain::detail::*;
use crate::domain::model::{CustomerListRow, PaymentRow};
use crate::statement::model::{Kind, Statement};
use crate::store::window::{Keyed, View};
use crate::store::{Result, StoreError};
use chrono::NaiveDate;

fn not_yet(what: &str) -> StoreError {
    StoreError::Invalid(format!("{what} cannot be read from PostgreSQL by this ardesk"))
}

impl Books {
    pub fn invoice_detail(&self, customer_id: i64, invoice_id: i64) -> Result<InvoiceDetail> {
        match self {
            Books::Lite(s) => s.invoice_detail(customer_id, invoice_id),
            Books::Pg(_) => Err(not_yet("an invoice's detail")),
        }
    }

    pub fn payment_detail(&self, customer_id: i64, payment_id: i64) -> Result<PaymentDetail> {
        match self {
            Books::Lite(s) => s.payment_detail(customer_id, payment_id),
            Books::Pg(_) => Err(not_yet("a payment's detail")),
        }
    }

    pub fn invoice_source_row(&self, invoice_id: i64) -> Result<Option<SourceRow>> {
        match self {
            Books::Lite(s) => s.invoice_source_row(invoice_id),
            Books::Pg(_) => Err(not_yet("an invoice's source row")),
        }
    }

    pub fn credit_row(&self, customer_id: i64, credit_id: i64) -> Result<Option<PaymentRow>> {
        match self {
            Books::Lite(s) => s.credit_row(customer_id, credit_id),
            Books::Pg(_) => Err(not_yet("a credit")),
        }
    }

    pub fn conversation_detail(&self, customer_id: i64, id: i64) -> Result<ConversationDetail> {
        match self {
            Books::Lite(s) => s.conversation_detail(customer_id, id),
            Books::Pg(_) => Err(not_yet("a conversation")),
        }
    }

    pub fn conversation_customer(&self, id: i64) -> Result<Option<i64>> {
        match self {
            Books::Lite(s) => s.conversation_customer(id),
            Books::Pg(_) => Err(not_yet("a conversation")),
        }
    }

    pub fn invoice_ids_by_number(&self, customer_id: i64, numbers: &[String]) -> Result<Vec<i64>> {
        match self {
            Books::Lite(s) => s.invoice_ids_by_number(customer_id, numbers),
            Books::Pg(_) => Err(not_yet("invoices by number")),
        }
    }

    pub fn invoice_totals(&self, customer_id: i64, view: &View) -> Result<Vec<(i64, Money)>> {
        match self {
            Books::Lite(s) => s.invoice_totals(customer_id, view),
            Books::Pg(_) => Err(not_yet("a selection's totals")),
        }
    }

    pub fn invoices_shown(&self, customer_id: i64, view: &View, ids: &[i64]) -> Result<usize> {
        match self {
            Books::Lite(s) => s.invoices_shown(customer_id, view, ids),
            Books::Pg(_) => Err(not_yet("a selection")),
        }
    }

    pub fn statement(&mut self, customer_id: i64, as_of: NaiveDate, kind: Kind) -> Result<Statement> {
        match self {
            Books::Lite(s) => s.statement(customer_id, as_of, kind),
            Books::Pg(_) => Err(not_yet("a statement")),
        }
    }

    pub fn window_view_gathering<R: super::Rows>(
        &self,
        customer_id: i64,
        view: &View,
        seek: &Seek,
        limit: usize,
        cap: Option<i64>,
    ) -> Result<Vec<Keyed<R>>> {
        match self {
            Books::Lite(s) => s.window_view_gathering(customer_id, view, seek, limit, cap),
            Books::Pg(_) => Err(not_yet("an export's rows")),
        }
    }

    pub fn list_ranked(&self, view: &ListView) -> bool {
        match self {
            Books::Lite(s) => s.list_ranked(view),
            Books::Pg(_) => false,
        }
    }

    pub fn list_ranking(&self, view: &ListView) -> Result<Vec<i64>> {
        match self {
            Books::Lite(s) => s.list_ranking(view),
            Books::Pg(_) => Err(not_yet("the customers list")),
        }
    }

    pub fn list_count(&self, view: &ListView) -> Result<usize> {
        match self {
            Books::Lite(s) => s.list_count(view),
            Books::Pg(_) => Err(not_yet("the customers list")),
        }
    }

    pub fn list_window(
        &self,
        view: &ListView,
        ranking: Option<&[i64]>,
        seek: &Seek<ListKey>,
        limit: usize,
    ) -> Result<Vec<Keyed<CustomerListRow, ListKey>>> {
        match self {
            Books::Lite(s) => s.list_window(view, ranking, seek, limit),
            Books::Pg(_) => Err(not_yet("the customers list")),
        }
    }

    pub fn list_window_gathered(
        &self,
        view: &ListView,
        ranking: Option<&[i64]>,
        seek: &Seek<ListKey>,
        limit: usize,
    ) -> Result<Vec<Keyed<CustomerListRow, ListKey>>> {
        match self {
            Books::Lite(s) => s.list_window_gathered(view, ranking, seek, limit),
            Books::Pg(_) => Err(not_yet("the customers list")),
        }
    }

    pub fn customer_list_extent(&self) -> Result<(i64, Vec<(crate::domain::Currency, i64)>)> {
        match self {
            Books::Lite(s) => s.customer_list_extent(),
            Books::Pg(_) => Err(not_yet("the customers list")),
        }
    }

    pub fn each_customer_name(&self, f: impl FnMut(&str)) -> Result<()> {
        match self {
            Books::Lite(s) => s.each_customer_name(f),
            Books::Pg(_) => Err(not_yet("the customers list")),
        }
    }

    pub fn for_reading_thread(&self) -> Result<()> {
        match self {
            Books::Lite(s) => s.for_reading_thread(),
            Books::Pg(_) => Ok(()),
        }
    }
}
