//! What an invoice's and a payment's detail views show (issue 15, §2–§3):
//! the record as its tab shows it, every application that moved money
//! between them, the refunds of a payment and the invoice's own history.
//! Plain data; the store fills it (`store::detail`), the app holds it and
//! `ui::detail` draws it.

use super::Money;
use super::lines::Line;
use super::model::{ActivityRow, InvoiceRow, PaymentRow};
use super::status::{DisplayStatus, InvoiceStatus, PaymentMethod, PaymentStatus};
use chrono::NaiveDate;

/// Where the money of an application came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Payment {
        id: i64,
        reference: String,
        method: PaymentMethod,
        status: PaymentStatus,
    },
    /// Credit granted to the customer (a credit note, a goodwill credit):
    /// it reduces what the invoice owes but is never money collected.
    Credit {
        id: i64,
        reason: String,
        /// Granted credit, a credit note or a small-balance adjustment.
        kind: super::status::PayKind,
        /// A credit note's number; '' for the other kinds.
        number: String,
    },
}

impl Source {
    /// How the application's credit is named: "Credit note CN-000001",
    /// "Small-balance write-off", "Credit"; a payment as "Payment".
    pub fn credit_label(&self) -> String {
        use super::status::PayKind;
        match self {
            Source::Payment { .. } => "Payment".into(),
            Source::Credit { kind: PayKind::CreditNote, number, .. } => format!("Credit note {number}"),
            Source::Credit { kind: PayKind::Adjustment, .. } => "Small-balance write-off".into(),
            Source::Credit { .. } => "Credit".into(),
        }
    }
}

/// An application to the invoice shown: what reduced what it owes, or,
/// reversed (unapplied, voided, refunded, re-settled by an import), what
/// did until `removed_on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceApplication {
    pub id: i64,
    pub applied_on: NaiveDate,
    pub amount: Money,
    pub from: Source,
    /// When it stopped counting; `None` while it counts.
    pub removed_on: Option<NaiveDate>,
}

/// The invoice an application of the payment shown went to, with what its
/// status is derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedInvoice {
    pub id: i64,
    pub number: String,
    pub status: InvoiceStatus,
    pub total_minor: i64,
    pub applied_minor: i64,
    pub due_date: NaiveDate,
}

impl AppliedInvoice {
    pub fn display_status(&self, today: NaiveDate) -> DisplayStatus {
        DisplayStatus::derive(self.status, self.total_minor, self.applied_minor, self.due_date, today)
    }
}

/// An application of the payment shown: where its money went (or, once
/// reversed, went until `removed_on`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentApplication {
    pub id: i64,
    pub applied_on: NaiveDate,
    pub amount: Money,
    pub invoice: AppliedInvoice,
    /// When it stopped counting; `None` while it counts.
    pub removed_on: Option<NaiveDate>,
}

/// An application either way: whether it still counts, and how much.
pub trait Applied {
    fn removed_on(&self) -> Option<NaiveDate>;
    fn amount(&self) -> Money;
    fn live(&self) -> bool {
        self.removed_on().is_none()
    }
}

impl Applied for InvoiceApplication {
    fn removed_on(&self) -> Option<NaiveDate> {
        self.removed_on
    }
    fn amount(&self) -> Money {
        self.amount
    }
}

impl Applied for PaymentApplication {
    fn removed_on(&self) -> Option<NaiveDate> {
        self.removed_on
    }
    fn amount(&self) -> Money {
        self.amount
    }
}

/// The most characters a refund's reason keeps (`refunds.reason`).
pub const REFUND_REASON_MAX: usize = 1000;

/// Where a refund's date came from (`refunds.dated_from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundDate {
    /// Entered in ardesk with the refund, with its reason.
    Recorded,
    /// The import's own refund date.
    Source,
    /// Neither was known (an import whose export gives no refund date):
    /// the payment's date stands in.
    Payment,
}

impl RefundDate {
    pub fn as_db(self) -> &'static str {
        match self {
            RefundDate::Recorded => "recorded",
            RefundDate::Source => "source",
            RefundDate::Payment => "payment",
        }
    }

    pub fn from_db(s: &str) -> Option<RefundDate> {
        match s {
            "recorded" => Some(RefundDate::Recorded),
            "source" => Some(RefundDate::Source),
            "payment" => Some(RefundDate::Payment),
            _ => None,
        }
    }
}

/// One refund of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub on: NaiveDate,
    pub amount: Money,
    /// Why, as entered in ardesk; '' for an imported refund.
    pub reason: String,
    pub dated_from: RefundDate,
}

impl Refund {
    /// Entered in ardesk (its date and reason are the user's).
    pub fn recorded(&self) -> bool {
        self.dated_from == RefundDate::Recorded
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDetail {
    pub customer_id: i64,
    /// The invoice as its tab shows it (its memo is `invoice.memo`).
    pub invoice: InvoiceRow,
    /// The version an edit of it is made at (`Store::update_draft_invoice`,
    /// `issue_invoice`, `set_invoice_memo`).
    pub version: i64,
    /// The contract it is billed under, for a draft's edit form.
    pub contract_id: Option<i64>,
    /// What it bills, in order (seq).
    pub lines: Vec<Line>,
    /// Those that count oldest first, then the reversed ones.
    pub applications: Vec<InvoiceApplication>,
    /// The invoice's own audit rows, newest first, at most `HISTORY_ROWS`.
    pub history: Vec<ActivityRow>,
    /// More history rows exist than were read.
    pub more_history: bool,
    /// Its bad-debt write-off, while it is uncollectible.
    pub write_off: Option<WriteOff>,
    /// While it is cancelled: `Some(the day)`, or `Some(None)` when the
    /// date is unknown (cancelled before schema 13 with no record of when,
    /// or imported so); `None` on every other status.
    pub cancelled: Option<Option<NaiveDate>>,
    /// The promises to pay that name it, by their day.
    pub promises: Vec<super::collections::Promise>,
    /// Its collections pauses, the latest first.
    pub pauses: Vec<super::collections::Pause>,
}

/// When and why an invoice's balance was written off as bad debt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOff {
    /// None for an invoice imported uncollectible, or written off before
    /// ardesk kept the date: it is unknown.
    pub on: Option<chrono::NaiveDate>,
    /// '' when unknown.
    pub reason: String,
}

/// How many of an invoice's audit rows its detail reads.
pub const HISTORY_ROWS: usize = 200;

impl InvoiceDetail {
    /// What it still owes: total − Σ applications; nothing for a draft, a
    /// paid or a cancelled invoice; for an uncollectible one, what was
    /// written off (`written_off`).
    pub fn balance(&self) -> Money {
        // As stored, the one definition the Balance column sorts by.
        self.invoice.balance()
    }

    /// Whether the balance is what was written off rather than owed.
    pub fn written_off(&self) -> bool {
        self.invoice.status == InvoiceStatus::Uncollectible
    }

    /// Σ of the credit applied to it (the rest of what is applied is paid).
    pub fn credited(&self) -> Money {
        let minor = self
            .applications
            .iter()
            .filter(|a| a.live() && matches!(a.from, Source::Credit { .. }))
            .map(|a| a.amount.minor);
        Money::new(minor.sum(), self.invoice.total.currency)
    }

    /// Σ of the payments applied to it.
    pub fn paid(&self) -> Money {
        Money::new(self.invoice.applied_minor - self.credited().minor, self.invoice.total.currency)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDetail {
    pub customer_id: i64,
    pub payment: PaymentRow,
    /// Those that count oldest first, then the reversed ones.
    pub applications: Vec<PaymentApplication>,
    /// Oldest first (by date, then as written).
    pub refunds: Vec<Refund>,
}

impl PaymentDetail {
    /// The money received and kept that no invoice took: amount − refunded
    /// − applied, for a succeeded payment (a pending or failed one holds
    /// no money yet).
    pub fn unapplied(&self) -> Money {
        let p = &self.payment;
        let left = match p.status {
            PaymentStatus::Succeeded | PaymentStatus::Refunded => p.amount.minor - p.refunded_minor - p.applied_minor,
            PaymentStatus::Pending | PaymentStatus::Failed | PaymentStatus::Voided => 0,
        };
        Money::new(left, p.amount.currency)
    }

    pub fn refunded(&self) -> Money {
        Money::new(self.payment.refunded_minor, self.payment.amount.currency)
    }

    pub fn applied(&self) -> Money {
        Money::new(self.payment.applied_minor, self.payment.amount.currency)
    }
}

/// How an invoice's detail computes its amounts (the help shows these).
pub const INVOICE_FORMULAS: &[(&str, &str)] = &[
    ("Paid", "Σ of the payments applied to it."),
    ("Credited", "Σ of the credit applied to it (credit notes, granted credit); never money collected."),
    (
        "Balance",
        "total − paid − credited; nothing for a draft, paid or cancelled invoice. An uncollectible one shows what \
         was written off instead (Written off), outside Outstanding.",
    ),
    (
        "Written off",
        "a bad-debt write-off makes an open invoice uncollectible on a date, for a reason: its balance leaves \
         Outstanding and the aging, and it stays billed. Money goes only to open invoices: a payment that comes \
         later is applied after the write-off is reversed, so nothing reopens silently.",
    ),
];

/// What a credit note, a small-balance write-off and a void do to the
/// figures (the help of the customer page and the invoice detail).
pub const CREDIT_FORMULAS: &[(&str, &str)] = &[
    (
        "Credit note",
        "numbered from its own sequence; against an invoice its balance falls by up to what it owes and Total \
         Billed falls by the same (credit lowers Total Billed and is never collected money: Billed & Collected and \
         Total Collected do not move); what goes past the balance is customer credit (Credit Balance), or, when \
         asked, refunded from the money on the invoice (Total Collected falls by it). Standalone: all customer \
         credit.",
    ),
    (
        "Small-balance write-off",
        "closes an open invoice's balance with adjustment credit of exactly that much: it is paid, Outstanding \
         and Total Billed fall by it, nothing is collected. Above the organization's limit only when you say so.",
    ),
    (
        "Void",
        "a credit note or an adjustment stops counting on a date: the invoices it went to owe again (Outstanding \
         and Total Billed rise back), what was unapplied leaves the Credit Balance. Final; a credit note that \
         refunded money is not voided.",
    ),
];

/// How a payment's detail computes its amounts.
pub const PAYMENT_FORMULAS: &[(&str, &str)] = &[
    ("Applied", "Σ of it applied to invoices."),
    (
        "Refunded",
        "Σ of its refunds. A refund made in ardesk shows its date and reason; one that came with an import, the \
         date its export gave, or the payment's date when the export gave none.",
    ),
    ("Unapplied", "amount − refunded − applied, for money received (nothing for a pending or failed payment)."),
];

/// "Overdue, partial · 29 days overdue": the status as the tab shows it,
/// with how long it has been overdue.
pub fn status_line(status: DisplayStatus, due: NaiveDate, today: NaiveDate) -> String {
    match status {
        DisplayStatus::Overdue | DisplayStatus::OverduePartial => {
            let days = (today - due).num_days();
            format!("{} · {days} day{} overdue", status.label(), if days == 1 { "" } else { "s" })
        }
        s => s.label().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;
    use crate::domain::date::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn invoice(status: InvoiceStatus, total: i64, applied: i64) -> InvoiceDetail {
        InvoiceDetail {
            customer_id: 1,
            invoice: InvoiceRow {
                id: 1,
                number: "INV-1".into(),
                total: Money::new(total, Currency::USD),
                applied_minor: applied,
                // The one application below is of credit.
                credited_minor: applied.min(100),
                balance_minor: status.balance_minor(total, applied),
                issue_date: d("2026-01-01"),
                due_date: d("2026-01-31"),
                status,
                contract_name: None,
                period: None,
                memo: String::new(),
                pause: None,
            },
            version: 1,
            contract_id: None,
            lines: Vec::new(),
            applications: vec![InvoiceApplication {
                id: 1,
                applied_on: d("2026-01-10"),
                amount: Money::new(applied.min(100), Currency::USD),
                from: Source::Credit {
                    id: 1,
                    reason: "goodwill".into(),
                    kind: crate::domain::status::PayKind::Credit,
                    number: String::new(),
                },
                removed_on: None,
            }],
            history: vec![],
            more_history: false,
            write_off: None,
            cancelled: None,
            promises: Vec::new(),
            pauses: Vec::new(),
        }
    }

    #[test]
    fn the_balance_is_what_is_owed_or_written_off() {
        assert_eq!(invoice(InvoiceStatus::Open, 1000, 400).balance().minor, 600);
        assert_eq!(invoice(InvoiceStatus::Draft, 1000, 0).balance().minor, 0);
        assert_eq!(invoice(InvoiceStatus::Cancelled, 1000, 0).balance().minor, 0);
        // Marked paid a little short: owes nothing.
        assert_eq!(invoice(InvoiceStatus::Paid, 1000, 990).balance().minor, 0);
        let bad = invoice(InvoiceStatus::Uncollectible, 1000, 300);
        assert_eq!((bad.balance().minor, bad.written_off()), (700, true));
    }

    #[test]
    fn credit_is_apart_from_what_was_paid() {
        let i = invoice(InvoiceStatus::Open, 1000, 400);
        assert_eq!((i.credited().minor, i.paid().minor), (100, 300));
    }

    #[test]
    fn the_status_says_how_long_it_is_overdue() {
        let (due, today) = (d("2026-01-31"), d("2026-03-01"));
        assert_eq!(status_line(DisplayStatus::OverduePartial, due, today), "Overdue, partial · 29 days overdue");
        assert_eq!(status_line(DisplayStatus::Overdue, due, d("2026-02-01")), "Overdue · 1 day overdue");
        assert_eq!(status_line(DisplayStatus::Paid, due, today), "Paid");
    }
}

/// An imported invoice's source row, decoded on demand for its detail
/// (`R`): the row's cells in the order its file had them, and the mapped
/// fields as last imported (the baseline the next import merges against).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// The source's name: "Stripe", "QuickBooks"…
    pub source: String,
    /// The invoice's id in its source (Stripe's in_…).
    pub external_id: String,
    /// Each cell as (column, value); a value that is not text in the kept
    /// JSON is shown as its JSON text. Empty when no row was kept.
    pub cells: Vec<(String, String)>,
    /// The mapped fields as last imported, in `store::kept::INVOICE_FIELDS`'
    /// order, "—" for null; empty when the kept text has none.
    pub imported: Vec<(&'static str, String)>,
}
