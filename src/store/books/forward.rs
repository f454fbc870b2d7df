//! The operations both backends answer the same, forwarded: each one a
//! line here, its meaning documented where the SQLite `Store` defines it.

use super::Books;
use crate::domain::Currency;
use crate::domain::collections::{ConversationDetail, LogEntry, PauseDraft};
use crate::domain::columns::Seek;
use crate::domain::customer_list::{ListKey, ListView};
use crate::domain::detail::*;
use crate::domain::edit::*;
use crate::domain::model::*;
use crate::statement::model::{Kind as StatementKind, Statement};
use crate::store::Result;
use crate::store::window::{Keyed, View};
use crate::store::writes::*;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// `fn name(&self, args) -> T;` forwards to the backend's method of that
/// name; `fn name(&mut self, …)` likewise.
macro_rules! forward {
    ($( fn $name:ident (&self $(, $a:ident : $t:ty)* $(,)?) -> $r:ty; )*) => {
        impl Books { $(
            pub fn $name(&self $(, $a: $t)*) -> $r {
                match self {
                    Books::Lite(s) => s.$name($($a),*),
                    Books::Pg(s) => s.$name($($a),*),
                }
            }
        )* }
    };
}

macro_rules! forward_mut {
    ($( fn $name:ident (&mut self $(, $a:ident : $t:ty)* $(,)?) -> $r:ty; )*) => {
        impl Books { $(
            pub fn $name(&mut self $(, $a: $t)*) -> $r {
                match self {
                    Books::Lite(s) => s.$name($($a),*),
                    Books::Pg(s) => s.$name($($a),*),
                }
            }
        )* }
    };
}

// Who writes, and the day the books are read as of.
forward! {
    fn who(&self) -> &str;
    fn as_of(&self) -> Option<NaiveDate>;
    fn data_version(&self) -> Result<i64>;
}

forward_mut! {
    fn set_who(&mut self, who: &str) -> ();
    fn set_as_of(&mut self, day: Option<NaiveDate>) -> Result<()>;
}

// The page: customer, figures, the organization and its settings.
forward! {
    fn organization(&self) -> Result<Organization>;
    fn customer(&self, id: i64) -> Result<Customer>;
    fn resolve_customer(&self, spec: &str) -> Result<i64>;
    fn customer_ids(&self) -> Result<Vec<i64>>;
    fn customer_list(&self, today: NaiveDate) -> Result<Vec<CustomerListRow>>;
    fn figures(&self, customer: &Customer, today: NaiveDate) -> Result<crate::store::CustomerFigures>;
    fn figures_as_of(&self, customer: &Customer, as_of: NaiveDate) -> Result<crate::store::CustomerFigures>;
    fn event_days(&self, customer_id: i64) -> Result<Vec<NaiveDate>>;
    fn metric_parts_as_of(&self, customer_id: i64, as_of: NaiveDate) -> Result<crate::store::metrics::PartsByCurrency>;
    fn credit_settings(&self) -> Result<CreditSettings>;
    fn max_document_size(&self) -> Result<u64>;
    fn next_invoice_number(&self) -> Result<String>;
    fn check(&self, today: NaiveDate) -> Result<Vec<String>>;
    fn check_saying(&self, today: NaiveDate, step: &mut dyn FnMut(&str)) -> Result<Vec<String>>;
}

// The customers list, in keyset windows (`customer_list`).
forward! {
    fn list_ranked(&self, view: &ListView) -> bool;
    fn list_ranking(&self, view: &ListView) -> Result<Vec<i64>>;
    fn list_count(&self, view: &ListView) -> Result<usize>;
    fn list_window(
        &self,
        view: &ListView,
        ranking: Option<&[i64]>,
        seek: &Seek<ListKey>,
        limit: usize,
    ) -> Result<Vec<Keyed<CustomerListRow, ListKey>>>;
    fn list_window_gathered(
        &self,
        view: &ListView,
        ranking: Option<&[i64]>,
        seek: &Seek<ListKey>,
        limit: usize,
    ) -> Result<Vec<Keyed<CustomerListRow, ListKey>>>;
    fn customer_list_extent(&self) -> Result<(i64, Vec<(Currency, i64)>)>;
    fn each_customer_name(&self, f: impl FnMut(&str)) -> Result<()>;
    fn for_reading_thread(&self) -> Result<()>;
}

// The detail views, selections and statements.
forward! {
    fn invoice_detail(&self, customer_id: i64, invoice_id: i64) -> Result<InvoiceDetail>;
    fn payment_detail(&self, customer_id: i64, payment_id: i64) -> Result<PaymentDetail>;
    fn invoice_source_row(&self, invoice_id: i64) -> Result<Option<SourceRow>>;
    fn credit_row(&self, customer_id: i64, credit_id: i64) -> Result<Option<PaymentRow>>;
    fn conversation_detail(&self, customer_id: i64, id: i64) -> Result<ConversationDetail>;
    fn conversation_customer(&self, id: i64) -> Result<Option<i64>>;
    fn invoice_ids_by_number(&self, customer_id: i64, numbers: &[String]) -> Result<Vec<i64>>;
    fn invoice_totals(&self, customer_id: i64, view: &View) -> Result<Vec<(i64, crate::domain::Money)>>;
    fn invoices_shown(&self, customer_id: i64, view: &View, ids: &[i64]) -> Result<usize>;
}

forward_mut! {
    fn statement(&mut self, customer_id: i64, as_of: NaiveDate, kind: StatementKind) -> Result<Statement>;
}

// Rows the forms and previews read.
forward! {
    fn contract(&self, id: i64) -> Result<ContractRow>;
    fn contract_kept_by(&self, id: i64) -> Result<Option<String>>;
    fn contracts_for(&self, customer_id: i64) -> Result<Vec<ContractRow>>;
    fn open_invoices(&self, customer_id: i64, currency: Currency, limit: usize) -> Result<Vec<InvoiceRow>>;
    fn credit_note_lines(&self, credit_id: i64) -> Result<Vec<crate::domain::lines::Line>>;
    fn credit_reason(&self, credit_id: i64) -> Result<String>;
    fn document_name(&self, id: i64) -> Result<String>;
    fn document_version(&self, id: i64) -> Result<i64>;
    fn cancel_preview(&self, customer_id: i64, ids: &[i64]) -> Result<CancelPreview>;
    fn apply_payment_preview(&self, customer_id: i64, payment_id: i64, p: &ApplyPlan) -> Result<ApplyOutcome>;
    fn apply_credit_preview(&self, customer_id: i64, credit_id: i64, p: &ApplyPlan) -> Result<ApplyOutcome>;
    fn refund_preview(&self, payment_id: i64, amount_minor: i64) -> Result<RefundPlan>;
    fn write_off_preview(&self, customer_id: i64, ids: &[i64], on: Option<NaiveDate>) -> Result<WriteOffPreview>;
    fn small_balance_preview(
        &self,
        customer_id: i64,
        ids: &[i64],
        on: Option<NaiveDate>,
        allow_over_limit: bool,
    ) -> Result<SmallBalancePreview>;
    fn credit_note_preview(&self, customer_id: i64, d: &CreditNoteDraft) -> Result<CreditNotePlan>;
    fn void_preview(&self, customer_id: i64, credit_id: i64, on: NaiveDate) -> Result<VoidPlan>;
    fn download_watched(&self, id: i64, dir: &Path, overwrite: bool, progress: &crate::store::documents::Progress) -> Result<PathBuf>;
}

// Every write: one transaction each, on either backend.
forward_mut! {
    fn create_customer(&mut self, e: &CustomerEdit) -> Result<i64>;
    fn update_customer(&mut self, id: i64, version: i64, e: &CustomerEdit) -> Result<()>;
    fn update_settings(&mut self, version: i64, e: &OrgEdit, credit: &CreditSettings) -> Result<()>;
    fn update_organization(&mut self, version: i64, e: &OrgEdit) -> Result<()>;
    fn update_credit_settings(&mut self, e: &CreditSettings) -> Result<()>;
    fn create_contact(&mut self, customer_id: i64, d: &ContactDraft) -> Result<i64>;
    fn update_contact(&mut self, id: i64, version: i64, d: &ContactDraft) -> Result<()>;
    fn delete_contact(&mut self, id: i64, version: i64) -> Result<()>;
    fn make_primary(&mut self, customer_id: i64, contact_id: i64) -> Result<()>;
    fn create_contract(&mut self, customer_id: i64, d: &ContractDraft) -> Result<i64>;
    fn update_contract(&mut self, id: i64, version: i64, d: &ContractDraft) -> Result<()>;
    fn end_contract(&mut self, id: i64, version: i64, end: NaiveDate, today: NaiveDate) -> Result<()>;
    fn cancel_contract(&mut self, id: i64, version: i64) -> Result<()>;
    fn delete_contract(&mut self, id: i64, version: i64) -> Result<()>;
    fn create_invoice(&mut self, customer_id: i64, d: &InvoiceDraft) -> Result<i64>;
    fn update_draft_invoice(&mut self, customer_id: i64, invoice_id: i64, version: i64, d: &InvoiceDraft) -> Result<()>;
    fn issue_invoice(&mut self, customer_id: i64, invoice_id: i64, version: i64) -> Result<()>;
    fn set_invoice_memo(&mut self, customer_id: i64, invoice_id: i64, version: i64, memo: &str) -> Result<()>;
    fn cancel_invoices(&mut self, customer_id: i64, ids: &[i64], on: NaiveDate) -> Result<CancelPreview>;
    fn record_payment(&mut self, customer_id: i64, d: &PaymentDraft) -> Result<PaymentOutcome>;
    fn apply_payment(&mut self, customer_id: i64, payment_id: i64, version: i64, p: &ApplyPlan, on: NaiveDate) -> Result<ApplyOutcome>;
    fn apply_credit(&mut self, customer_id: i64, credit_id: i64, version: i64, p: &ApplyPlan, on: NaiveDate) -> Result<ApplyOutcome>;
    fn grant_credit(&mut self, customer_id: i64, d: &CreditDraft) -> Result<i64>;
    fn unapply(&mut self, customer_id: i64, application_id: i64, on: NaiveDate) -> Result<UnapplyDone>;
    fn refund_payment(&mut self, payment_id: i64, version: i64, d: &RefundDraft) -> Result<RefundPlan>;
    fn write_off(&mut self, customer_id: i64, ids: &[i64], on: NaiveDate, reason: &str) -> Result<WriteOffPreview>;
    fn reverse_write_off(&mut self, customer_id: i64, invoice_id: i64, version: i64, on: NaiveDate, reason: &str) -> Result<crate::domain::Money>;
    fn small_balance_write_off(
        &mut self,
        customer_id: i64,
        ids: &[i64],
        on: NaiveDate,
        reason: &str,
        allow_over_limit: bool,
    ) -> Result<SmallBalancePreview>;
    fn issue_credit_note(&mut self, customer_id: i64, d: &CreditNoteDraft) -> Result<CreditNotePlan>;
    fn void_credit(&mut self, customer_id: i64, credit_id: i64, version: i64, on: NaiveDate) -> Result<VoidPlan>;
    fn log_entry(&mut self, customer_id: i64, entry: &LogEntry, today: NaiveDate) -> Result<(i64, i64)>;
    fn set_conversation_status(&mut self, id: i64, version: i64, status: crate::domain::collections::ConvStatus, today: NaiveDate) -> Result<()>;
    fn pause_invoices(&mut self, customer_id: i64, d: &PauseDraft, today: NaiveDate) -> Result<usize>;
    fn resume_invoices(&mut self, customer_id: i64, invoice_ids: &[i64], today: NaiveDate) -> Result<usize>;
    fn upload_watched(
        &mut self,
        customer_id: i64,
        path: &Path,
        name: &str,
        kind: crate::domain::status::DocumentKind,
        contract_id: Option<i64>,
        progress: &crate::store::documents::Progress,
    ) -> Result<i64>;
    fn delete_document(&mut self, id: i64, version: i64) -> Result<()>;
    fn upload_document(
        &mut self,
        customer_id: i64,
        path: &Path,
        name: &str,
        kind: crate::domain::status::DocumentKind,
        contract_id: Option<i64>,
    ) -> Result<i64>;
}
