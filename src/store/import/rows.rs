//! The rows `ImportTx` takes and returns: what is in the database, what an
//! import writes. They belong to the store, below the importer: the
//! importer's merge stage turns its records into these.

use crate::domain::Currency;
use crate::domain::status::*;
use crate::store::{Result, StoreError};
use chrono::NaiveDate;

/// Where a customer came from (`ImportTx::customer_source`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerSource {
    pub source: Option<ImportSource>,
    /// '' for a customer made in ardesk.
    pub external_id: String,
    pub currency: Currency,
    pub source_raw: Option<String>,
}

/// A customer as an import finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerState {
    pub id: i64,
    pub name: String,
    pub legal_name: String,
    pub billing_email: String,
    pub billing_address: String,
    pub currency: Currency,
    pub external_url: Option<String>,
    pub source_raw: Option<String>,
}

/// What `ImportTx::try_insert_invoice` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    New(i64),
    /// The (source, external id) exists.
    Exists,
    /// Another invoice has the number.
    NumberTaken,
}

/// What an import writes to a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerWrite<'a> {
    pub name: &'a str,
    pub legal_name: &'a str,
    pub billing_email: &'a str,
    /// Lines with '\n' between them (`domain::address`), '' for none.
    pub billing_address: &'a str,
    pub currency: Currency,
    pub external_url: Option<&'a str>,
    pub source_raw: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceState {
    pub id: i64,
    pub customer_id: i64,
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub currency: Currency,
    pub total_minor: i64,
    /// Σ applications (not the cached column).
    pub applied_minor: i64,
    pub status: InvoiceStatus,
    pub external_id: Option<String>,
    /// What an older import kept, or ardesk's own format carried, as JSON;
    /// `None` when `import_base` keeps the baseline (`store::kept`).
    pub source_raw: Option<String>,
    pub import_base: Option<Vec<u8>>,
    pub memo: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceWrite<'a> {
    pub customer_id: i64,
    pub contract_id: Option<i64>,
    pub number: &'a str,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub currency: Currency,
    pub total_minor: i64,
    pub status: InvoiceStatus,
    /// What it keeps of its source row.
    pub kept: crate::store::kept::Kept<'a>,
    /// The invoice's note ('' for none).
    pub memo: &'a str,
    /// Its lines, in order: written with the invoice, and on an update
    /// they replace the ones it had.
    pub lines: &'a [crate::domain::lines::Line],
    /// When `status` is cancelled: the day it was (the source's void date,
    /// else the day of the write); `None` for a date unknown. Ignored on
    /// every other status (`cancelled_on`).
    pub cancelled_on: Option<NaiveDate>,
}

impl InvoiceWrite<'_> {
    /// The `cancelled_on` the row is written with: only when cancelled,
    /// and never before the issue date (`cancel_date`).
    pub fn cancelled_on(&self) -> Option<NaiveDate> {
        match self.status {
            InvoiceStatus::Cancelled => {
                self.cancelled_on.map(|on| crate::domain::status::cancel_date(on, self.issue_date))
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentState {
    pub id: i64,
    pub customer_id: i64,
    pub received_on: NaiveDate,
    pub amount_minor: i64,
    pub refunded_minor: i64,
    /// Σ applications (not the cached column).
    pub applied_minor: i64,
    pub currency: Currency,
    pub reference: String,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    pub external_id: Option<String>,
    pub source_raw: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentWrite<'a> {
    pub customer_id: i64,
    pub received_on: NaiveDate,
    pub amount_minor: i64,
    pub refunded_minor: i64,
    /// When the source says the refund was made; without it a refund the
    /// payment comes with is dated on `received_on` (`refunds.dated_from`).
    pub refunded_on: Option<NaiveDate>,
    pub currency: Currency,
    pub reference: &'a str,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    pub source_raw: Option<&'a str>,
}

/// A refund as ardesk's own export carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundWrite {
    pub refunded_on: NaiveDate,
    pub amount_minor: i64,
    pub reason: String,
    pub dated_from: crate::domain::detail::RefundDate,
    /// The source's own id of the refund (schema 11), for an imported one
    /// its source keyed.
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditState {
    pub id: i64,
    pub customer_id: i64,
    pub granted_on: NaiveDate,
    pub amount_minor: i64,
    pub applied_minor: i64,
    pub currency: Currency,
    pub reason: String,
}

/// An imported credit note as it stands (`credits`, schema 10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteState {
    pub id: i64,
    pub customer_id: i64,
    pub issued_on: NaiveDate,
    pub amount_minor: i64,
    /// Live applications of it.
    pub applied_minor: i64,
    pub currency: Currency,
    pub reason: String,
    /// Whether the row is a credit note (an older import may have made
    /// granted credit under the same key).
    pub credit_note: bool,
    pub number: Option<String>,
    pub voided_on: Option<NaiveDate>,
    pub invoice_id: Option<i64>,
}

/// What an import writes of a credit note.
#[derive(Debug, Clone, Copy)]
pub struct CreditNoteWrite<'a> {
    pub customer_id: i64,
    pub issued_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
    pub reason: &'a str,
    pub number: &'a str,
    pub invoice_id: Option<i64>,
}

/// Whose applications `ImportTx::applications` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppsOf {
    Invoice,
    Payment,
    Credit,
}

/// One application of money to an invoice, with where the money came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationState {
    pub id: i64,
    pub invoice_id: i64,
    pub payment_id: Option<i64>,
    pub credit_id: Option<i64>,
    pub amount_minor: i64,
    pub applied_on: NaiveDate,
    /// The paying payment's or credit's import source and external id.
    pub from_source: Option<ImportSource>,
    pub from_external_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactState {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub role: String,
    pub source_raw: Option<String>,
}

/// Tables ardesk's own format recreates without an external id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeTable {
    Contracts,
    Payments,
    Credits,
    Contacts,
    Conversations,
}

/// The parts of a customer's record that `export_section` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportSection {
    Customer,
    Contracts,
    Invoices,
    /// One row per payment and application (`app_*` NULL without one).
    Payments,
    /// The customer's refunds, by payment and date.
    Refunds,
    /// One row per credit and application.
    Credits,
    Contacts,
    Documents,
    Conversations,
}

/// What exporting a customer reads (`import::export_customer_json`), the
/// same on either backend: the customer, where the books are, and each
/// section of its record.
pub trait ExportRead {
    /// The customer, or `StoreError::NotFound`.
    fn export_customer(&self, customer_id: i64) -> Result<crate::domain::model::Customer>;

    /// What names these books in an export's `origin`: a file's path or a
    /// server's URL without its password; `None` for books with no lasting
    /// name (a database in memory).
    fn export_origin(&self) -> Option<String>;

    /// `Store::export_section`.
    fn read_section<E: From<StoreError>>(
        &self,
        customer_id: i64,
        section: ExportSection,
        f: impl FnMut(serde_json::Map<String, serde_json::Value>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E>;
}
