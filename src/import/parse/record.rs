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
    /// Credit notes (QuickBooks credit memos): credit given against
    /// invoices or kept as the customer's credit, never money.
    CreditNotes,
    Contacts,
    /// Refunds of payments, each keyed by its own id (Stripe `refund`
    /// objects): money taken back from a payment already imported.
    Refunds,
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
            "refunds" | "refund" => ObjectKind::Refunds,
            "credit-notes" | "credit_notes" | "credit-note" | "credit_note" | "creditnotes" | "credit-memos"
            | "credit_memos" | "creditmemos" => ObjectKind::CreditNotes,
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
            ObjectKind::CreditNotes => "credit notes",
            ObjectKind::Refunds => "refunds",
            ObjectKind::Mixed => "objects",
        }
    }

    /// The order files are applied in: who before what they own; credit
    /// notes before the payments that apply them; refunds after the
    /// payments they refund.
    pub(crate) fn phase(self) -> u8 {
        match self {
            ObjectKind::Customers | ObjectKind::Companies => 0,
            ObjectKind::Contacts => 1,
            ObjectKind::Mixed => 2,
            ObjectKind::Invoices => 3,
            ObjectKind::CreditNotes => 4,
            ObjectKind::Payments => 5,
            ObjectKind::Refunds => 6,
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
    /// The billing address (`parse::address`); `None` when the source
    /// gives none (what is stored is kept).
    pub address: Option<ImportedAddress>,
    /// `None` when the source does not say (the organization's default is used).
    pub currency: Option<Currency>,
    /// Credit the source holds for the customer (a negative Stripe balance), minor units.
    pub credit_minor: i64,
    pub external_url: Option<String>,
    pub test_mode: bool,
    pub raw: Value,
}

/// A billing address as a source gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAddress {
    /// Lines with '\n' between them (`domain::address::from_parts`).
    pub text: String,
    /// Whether it has a street line. Exports of one record differ in how
    /// much of the address they carry (a report's city and state beside a
    /// data export's street): one without a street fills an empty address
    /// only, so importing the same files again, in any order, changes
    /// nothing, while a newer full export replaces what it said before.
    pub street: bool,
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
    /// When the source says the invoice was voided (Stripe
    /// `status_transitions.voided_at`, QuickBooks' last update of a voided
    /// one); `None` when it does not, and on any other status.
    pub voided_on: Option<NaiveDate>,
    /// Payment ids the invoice itself names (Stripe `charge`, `payment_intent`).
    pub payment_refs: Vec<String>,
    /// The lines the source carries, in its order (subtotals left out); the
    /// total stays `total_minor` whether or not they add up to it.
    pub lines: Vec<crate::domain::lines::Line>,
    /// The source's note on the invoice; '' for none.
    pub memo: String,
    pub test_mode: bool,
    /// The source's row; `Null` for a row whose invoice is known
    /// unchanged (`print`), whose row is not kept again.
    pub raw: Value,
    /// The row's print, for a source whose parser prints its rows
    /// (`read::prints`), and the invoice it left unchanged if known.
    pub print: Option<LinePrint>,
}

/// A row's print (`read::prints`) and, when the import knew it at sight,
/// the invoice (id, customer) that the row leaves unchanged: the one whose
/// baseline was written from a row with this print and external id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinePrint {
    pub print: u64,
    pub unchanged: Option<(i64, i64)>,
}

impl ImportedInvoice {
    /// The invoice (id, customer) this row is known at sight to leave unchanged.
    pub fn known_unchanged(&self) -> Option<(i64, i64)> {
        self.print.and_then(|p| p.unchanged)
    }
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
    /// Money only: what credit the payment puts on invoices is `credit_uses`.
    pub splits: Vec<(InvoiceRef, i64)>,
    /// Credit notes the payment applies to invoices beside its money (a
    /// QuickBooks payment linking a credit memo). A payment of no money
    /// (`amount_minor` 0) is only these: it writes no payment.
    pub credit_uses: Vec<CreditUse>,
    pub test_mode: bool,
    pub raw: Value,
}

/// Credit of a credit note put on an invoice, as a payment of the source
/// records it: never money, never counted as collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditUse {
    /// The credit note's external id.
    pub credit_note: String,
    pub invoice: InvoiceRef,
    pub amount_minor: i64,
}

/// A credit note (QuickBooks `CreditMemo`): credit given to a customer,
/// against an invoice or to be applied later. Its applications come from
/// the source's payments (`ImportedPayment::credit_uses`) or, where the
/// source says so itself, `applied`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCreditNote {
    pub line: usize,
    pub external_id: String,
    pub customer: CustomerRef,
    /// The source's document number; the external id stands in without one.
    pub number: String,
    pub issued_on: NaiveDate,
    pub currency: Currency,
    /// What it credits, more than 0; a voided one keeps what ardesk has.
    pub amount_minor: i64,
    /// What the source says is still to be applied, when it says.
    pub remaining_minor: Option<i64>,
    /// Voided in the source, and from when.
    pub voided_on: Option<NaiveDate>,
    /// The invoice it was issued against, when the source says.
    pub invoice: Option<InvoiceRef>,
    /// What the credit note itself puts on invoices, on its date, where the
    /// source says so (a Stripe credit note's pre-payment, refunded and
    /// out-of-band parts); a QuickBooks credit memo's uses come from its
    /// payments instead (`ImportedPayment::credit_uses`).
    pub applied: Vec<(InvoiceRef, i64)>,
    /// Why it was given (the source's memo); '' for none.
    pub reason: String,
    /// What it credits, line by line, as the source gives them (they need
    /// not add up to the amount: tax and discounts may be apart).
    pub lines: Vec<crate::domain::lines::Line>,
    pub test_mode: bool,
    pub raw: Value,
}

/// A refund of a payment, keyed by its own id (a Stripe `re_…`): found
/// by the payment it refunds. Only refunds that moved money become
/// records (a pending, failed or canceled one is skipped).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRefund {
    pub line: usize,
    pub external_id: String,
    /// The payment's external id (a Stripe charge), when it says.
    pub payment: Option<String>,
    /// Another id of the payment (a Stripe PaymentIntent), when it says.
    pub payment_alias: Option<String>,
    pub refunded_on: NaiveDate,
    pub currency: Currency,
    /// More than 0.
    pub amount_minor: i64,
    /// Why, as the source says ('' for none).
    pub reason: String,
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
    CreditNote(ImportedCreditNote),
    Refund(ImportedRefund),
}

impl Record {
    pub fn line(&self) -> usize {
        match self {
            Record::Customer(r) => r.line,
            Record::Invoice(r) => r.line,
            Record::Payment(r) => r.line,
            Record::Contact(r) => r.line,
            Record::CreditNote(r) => r.line,
            Record::Refund(r) => r.line,
        }
    }

    pub fn test_mode(&self) -> bool {
        match self {
            Record::Customer(r) => r.test_mode,
            Record::Invoice(r) => r.test_mode,
            Record::Payment(r) => r.test_mode,
            Record::Contact(r) => r.test_mode,
            Record::CreditNote(r) => r.test_mode,
            Record::Refund(r) => r.test_mode,
        }
    }

    pub fn kind(&self) -> ObjectKind {
        match self {
            Record::Customer(_) => ObjectKind::Customers,
            Record::Invoice(_) => ObjectKind::Invoices,
            Record::Payment(_) => ObjectKind::Payments,
            Record::Contact(_) => ObjectKind::Contacts,
            Record::CreditNote(_) => ObjectKind::CreditNotes,
            Record::Refund(_) => ObjectKind::Refunds,
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
