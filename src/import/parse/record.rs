//! The source-neutral records every source produces: what stage 3 (parse)
//! gives and stage 4 (merge) takes. A source turns its rows (CSV lines,
//! JSON objects) into these; everything after that — matching on (source,
//! external id), conflicts, applications, the report — is shared. A new
//! kind of record (a credit note, a refund) is a type here, a variant of
//! `Record` and a step of its own in `merge`.

use crate::domain::Currency;
use crate::domain::status::{InvoiceStatus, PaymentMethod, PaymentStatus};
use chrono::NaiveDate;
use serde_json::Value;

/// What a file holds. `Companies` (CRM exports) become customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    Customers,
    Companies,
    Invoices,
    Payments,
    Contacts,
    /// A JSON document with several kinds of objects (each says which).
    Mixed,
}

impl ObjectKind {
    pub fn parse(s: &str) -> Option<ObjectKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "customers" | "customer" => ObjectKind::Customers,
            "companies" | "company" | "accounts" | "account" => ObjectKind::Companies,
            "invoices" | "invoice" => ObjectKind::Invoices,
            "payments" | "payment" | "charges" => ObjectKind::Payments,
            "contacts" | "contact" => ObjectKind::Contacts,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            ObjectKind::Customers => "customers",
            ObjectKind::Companies => "companies",
            ObjectKind::Invoices => "invoices",
            ObjectKind::Payments => "payments",
            ObjectKind::Contacts => "contacts",
            ObjectKind::Mixed => "objects",
        }
    }

    /// The order files are applied in: who before what they own.
    pub(crate) fn phase(self) -> u8 {
        match self {
            ObjectKind::Customers | ObjectKind::Companies => 0,
            ObjectKind::Contacts => 1,
            ObjectKind::Mixed => 2,
            ObjectKind::Invoices => 3,
            ObjectKind::Payments => 4,
        }
    }
}

/// The customer a row belongs to, with what the row says about it (enough
/// to create the customer when the customers export is missing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerRef {
    pub external_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

pub use crate::domain::external_id::{NAME_KEY, name_key};

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCustomer {
    /// Line in the file (CSV) or position in the list (JSON), from 1.
    pub line: usize,
    pub external_id: String,
    pub name: String,
    pub legal_name: Option<String>,
    pub email: Option<String>,
    /// `None` when the source does not say (the organization's default is used).
    pub currency: Option<Currency>,
    /// Credit the source holds for the customer (a negative Stripe balance), minor units.
    pub credit_minor: i64,
    pub external_url: Option<String>,
    pub test_mode: bool,
    pub raw: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedInvoice {
    pub line: usize,
    pub external_id: String,
    pub customer: CustomerRef,
    /// Sources without a number (drafts) get the external id.
    pub number: String,
    pub issue_date: NaiveDate,
    /// Never before the issue date (a row that says so is refused).
    pub due_date: NaiveDate,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub currency: Currency,
    pub total_minor: i64,
    /// The source's status (Stripe `void` is `Cancelled`); `Paid` lands only
    /// when the invoice is fully applied.
    pub status: InvoiceStatus,
    /// Money the source says was paid on it; more than the total when the
    /// customer overpaid (the rest is the customer's credit).
    pub amount_paid_minor: i64,
    /// Credit (customer balance, credit notes) the source applied to it.
    pub credit_applied_minor: i64,
    pub paid_on: Option<NaiveDate>,
    /// Payment ids the invoice itself names (Stripe `charge`, `payment_intent`).
    pub payment_refs: Vec<String>,
    /// The lines the source carries, in its order (subtotals left out); the
    /// total stays `total_minor` whether or not they add up to it.
    pub lines: Vec<crate::domain::lines::Line>,
    /// The source's note on the invoice; '' for none.
    pub memo: String,
    pub test_mode: bool,
    pub raw: Value,
}

/// How a payment names the invoice it paid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InvoiceRef {
    External(String),
    Number(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPayment {
    pub line: usize,
    pub external_id: String,
    /// Other ids of the same payment (a PaymentIntent id beside the charge id).
    pub aliases: Vec<String>,
    pub customer: CustomerRef,
    pub received_on: NaiveDate,
    pub currency: Currency,
    pub amount_minor: i64,
    pub refunded_minor: i64,
    /// When the source says the refund was made; the payment's date stands
    /// in when it does not.
    pub refunded_on: Option<NaiveDate>,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    pub reference: String,
    pub invoice: Option<InvoiceRef>,
    /// What the payment applies to each invoice when the source says so (a
    /// QuickBooks payment can pay several invoices), in minor units. When
    /// not empty it replaces `invoice`: each invoice gets at most its share.
    pub splits: Vec<(InvoiceRef, i64)>,
    pub test_mode: bool,
    pub raw: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedContact {
    pub line: usize,
    pub external_id: String,
    pub customer: CustomerRef,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub role: String,
    pub primary: bool,
    pub test_mode: bool,
    pub raw: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Customer(ImportedCustomer),
    Invoice(ImportedInvoice),
    Payment(ImportedPayment),
    Contact(ImportedContact),
}

impl Record {
    pub fn line(&self) -> usize {
        match self {
            Record::Customer(r) => r.line,
            Record::Invoice(r) => r.line,
            Record::Payment(r) => r.line,
            Record::Contact(r) => r.line,
        }
    }

    pub fn test_mode(&self) -> bool {
        match self {
            Record::Customer(r) => r.test_mode,
            Record::Invoice(r) => r.test_mode,
            Record::Payment(r) => r.test_mode,
            Record::Contact(r) => r.test_mode,
        }
    }

    pub fn kind(&self) -> ObjectKind {
        match self {
            Record::Customer(_) => ObjectKind::Customers,
            Record::Invoice(_) => ObjectKind::Invoices,
            Record::Payment(_) => ObjectKind::Payments,
            Record::Contact(_) => ObjectKind::Contacts,
        }
    }
}

/// A row that did not become a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueKind {
    /// Left out on purpose (a guest customer, a payment that moved no
    /// money); the rest of the run goes on.
    Skipped,
    /// Bad data (an amount, a date, a currency): the run fails unless bad
    /// rows may be skipped.
    Refused,
}
