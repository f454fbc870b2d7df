//! A customer's statement of account as the renderers take it: filled in by
//! the store side (as-of queries), drawn by `text`, `csv` and `pdf`. Plain
//! values only: no SQL, no terminal, no page.

use crate::domain::metrics::AGING_LABELS;
use crate::domain::money::{Currency, Money};
use chrono::NaiveDate;

/// Which statement, as accounting practice has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The invoices open as of the date, unapplied credit, aging, total due.
    OpenItem,
    /// Also every movement since `from`, with a running balance.
    Activity { from: NaiveDate },
}

/// Who sends or receives the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    pub legal_name: Option<String>,
    pub address: Vec<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub organization: Party,
    pub customer: Party,
    /// e.g. "Customer 12" or the number the customer knows them by.
    pub customer_ref: String,
    /// The statement date.
    pub as_of: NaiveDate,
    pub kind: Kind,
    /// One per currency, the customer's own first.
    pub sections: Vec<Section>,
}

/// What the customer owes in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub currency: Currency,
    /// Invoices open as of the date.
    pub open_items: Vec<OpenItem>,
    /// Payments and credits with money not yet applied as of the date.
    pub unapplied: Vec<Unapplied>,
    /// Current, 1–30, 31–60, 61–90, 90+ days past due (`AGING_LABELS`).
    pub aging: [Money; 5],
    /// Σ open_items balance.
    pub open_total: Money,
    /// Σ unapplied remaining.
    pub unapplied_total: Money,
    /// open_total − unapplied_total (negative: the customer is in credit).
    pub total_due: Money,
    /// Some for `Kind::Activity`.
    pub activity: Option<Activity>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenItem {
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: Money,
    pub balance: Money,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnappliedKind {
    Payment,
    CreditNote,
    Credit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unapplied {
    pub kind: UnappliedKind,
    pub reference: String,
    pub date: NaiveDate,
    pub amount: Money,
    pub remaining: Money,
}

/// The period of an activity statement: brought forward at `from`, the
/// lines, and the closing balance (equal to the section's `total_due`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub from: NaiveDate,
    pub brought_forward: Money,
    pub lines: Vec<ActivityLine>,
    pub closing: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityKind {
    Invoice,
    Payment,
    CreditNote,
    Credit,
    Refund,
    WriteOff,
    Cancellation,
    Void,
}

/// One movement: `charge` raises what the customer owes (invoice, refund,
/// void of a credit note), `payment` lowers it (payment, credit note,
/// credit, write-off, cancellation); `balance` is the running balance after
/// the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityLine {
    pub date: NaiveDate,
    pub kind: ActivityKind,
    pub reference: String,
    pub description: String,
    pub charge: Option<Money>,
    pub payment: Option<Money>,
    pub balance: Money,
}

impl Kind {
    /// "Open-item" / "Activity": the words every format uses.
    pub fn label(self) -> &'static str {
        match self {
            Kind::OpenItem => "Open-item statement",
            Kind::Activity { .. } => "Activity statement",
        }
    }
}

impl UnappliedKind {
    pub fn label(self) -> &'static str {
        match self {
            UnappliedKind::Payment => "Payment",
            UnappliedKind::CreditNote => "Credit note",
            UnappliedKind::Credit => "Credit",
        }
    }

    /// The snake_case name machines read (CSV).
    pub fn code(self) -> &'static str {
        match self {
            UnappliedKind::Payment => "payment",
            UnappliedKind::CreditNote => "credit_note",
            UnappliedKind::Credit => "credit",
        }
    }
}

impl ActivityKind {
    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Invoice => "Invoice",
            ActivityKind::Payment => "Payment",
            ActivityKind::CreditNote => "Credit note",
            ActivityKind::Credit => "Credit",
            ActivityKind::Refund => "Refund",
            ActivityKind::WriteOff => "Write-off",
            ActivityKind::Cancellation => "Cancellation",
            ActivityKind::Void => "Void",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ActivityKind::Invoice => "invoice",
            ActivityKind::Payment => "payment",
            ActivityKind::CreditNote => "credit_note",
            ActivityKind::Credit => "credit",
            ActivityKind::Refund => "refund",
            ActivityKind::WriteOff => "write_off",
            ActivityKind::Cancellation => "cancellation",
            ActivityKind::Void => "void",
        }
    }
}

/// Where a section's figures disagree with each other, said in words; the
/// renderers draw what they are given, so the producer (and its tests) can
/// check before handing a statement out.
pub fn inconsistencies(s: &Section) -> Vec<String> {
    fn sum(mut it: impl Iterator<Item = i64>) -> Option<i64> {
        it.try_fold(0i64, i64::checked_add)
    }
    let mut out = Vec::new();
    let cur = s.currency;
    let mut check = |what: &str, got: Option<i64>, want: i64| {
        if got != Some(want) {
            let got = got.map_or_else(|| "overflow".to_string(), |m| Money::new(m, cur).display());
            out.push(format!("{cur}: {what} is {got}, the section says {}", Money::new(want, cur).display()));
        }
    };
    check("Σ open balances", sum(s.open_items.iter().map(|i| i.balance.minor)), s.open_total.minor);
    check("Σ unapplied", sum(s.unapplied.iter().map(|u| u.remaining.minor)), s.unapplied_total.minor);
    check("Σ aging", sum(s.aging.iter().map(|m| m.minor)), s.open_total.minor);
    check("open − unapplied", s.open_total.minor.checked_sub(s.unapplied_total.minor), s.total_due.minor);
    if let Some(a) = &s.activity {
        check("the closing balance", Some(a.closing.minor), s.total_due.minor);
        let mut run = Some(a.brought_forward.minor);
        for l in &a.lines {
            let charge = l.charge.map_or(0, |m| m.minor);
            let payment = l.payment.map_or(0, |m| m.minor);
            run = run.and_then(|r| r.checked_add(charge)).and_then(|r| r.checked_sub(payment));
            if run != Some(l.balance.minor) {
                check(&format!("the running balance at {}", l.reference), run, l.balance.minor);
                run = Some(l.balance.minor);
            }
        }
        check("the last running balance", run, a.closing.minor);
    }
    let amounts = s.open_items.iter().flat_map(|i| [i.total, i.balance]);
    let amounts = amounts.chain(s.unapplied.iter().flat_map(|u| [u.amount, u.remaining]));
    if amounts.chain(s.aging).any(|m| m.currency != cur) {
        out.push(format!("{cur}: an amount in another currency"));
    }
    out
}

/// The aging buckets beside their labels.
pub fn aging_rows(s: &Section) -> impl Iterator<Item = (&'static str, Money)> + '_ {
    AGING_LABELS.iter().copied().zip(s.aging.iter().copied())
}
