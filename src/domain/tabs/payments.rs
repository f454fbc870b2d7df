//! The Payments tab.

use super::FieldKind::{Date, Money, Status, Text};
use super::{CellText, Column, Field, Summary, Tabular};
use crate::domain::columns::{Col, Sort, Tab};
use crate::domain::date::iso;
use crate::domain::filter::StatusWord::{self, *};
use crate::domain::model::PaymentRow;
use crate::domain::status::{PayKind, PaymentStatus};

type C = Column<PaymentRow>;

const STATUSES: &[(&str, StatusWord)] = &[
    ("succeeded", Succeeded),
    ("pending", Pending),
    ("failed", Failed),
    ("refunded", Refunded),
    ("unapplied", Unapplied),
];

/// An amount of the payment's currency.
fn money(r: &PaymentRow, minor: i64) -> crate::domain::Money {
    crate::domain::Money::new(minor, r.amount.currency)
}

/// A payment's stored word, or for a credit the word the store reads it
/// with (`status:granted` and `method:credit` find credits).
fn db_word(r: &PaymentRow, payment: &str, credit: &str) -> String {
    match r.kind {
        PayKind::Payment => payment.to_string(),
        _ => credit.to_string(),
    }
}

fn applied_to(r: &PaymentRow) -> CellText {
    let unapplied = r.unapplied_minor();
    let mut s = r.applied_to.clone();
    if unapplied > 0 {
        let credit = money(r, unapplied).display();
        s = if s.is_empty() { format!("{credit} unapplied") } else { format!("{s} (+{credit} unapplied)") };
    }
    s.into()
}

impl Tabular for PaymentRow {
    const TAB: Tab = Tab::Payments;
    const TITLE: &'static str = "Payments";
    const SHORT_TITLE: &'static str = "Pay";
    const EMPTY: &'static str = "No payments yet.";
    const EXAMPLE: &'static str = "--filter 'status:succeeded amount>=500' --sort=-date";
    const DEFAULT_SORT: Sort = Sort { col: Col::PayDate, desc: true };
    /// Σ is the money kept: succeeded payments net of refunds (a pending or
    /// failed payment is no money; a refunded one nets to nothing).
    /// Beside it, what is unapplied: the Credit Balance (payments'
    /// remainders and credit not yet applied). Credits are counted by
    /// their index (`store::tabs`), the payments here.
    const SUMMARY: Option<Summary> = Some(Summary {
        count: |p| p.payment_count,
        sum: |p| p.collected_minor,
        balance: Some(|p| p.unapplied_minor + p.credit_open_minor),
    });
    const BALANCE_WORDS: (&'static str, &'static str) = ("unapplied", "unapp.");
    const COLUMNS: &'static [C] = &[
        C::new("Date", 10, |r, ctx| ctx.dates.show(r.received_on).into())
            .key(Col::PayDate)
            .filter(&[Field::new("date", Date)])
            .export(&[("date", |r, _| iso(r.received_on))]),
        C::new("Amount", 13, |r, _| r.amount.display().into())
            .right()
            .key(Col::PayAmount)
            .filter(&[Field::new("amount", Money)])
            .export(&[("amount", |r, _| r.amount.plain()), ("currency", |r, _| r.amount.currency.to_string())]),
        // Money received, or credit of some kind (which collects nothing).
        C::new("Kind", 11, |r, _| r.kind.label().into())
            .priority(3)
            .key(Col::PayKind)
            .filter(&[Field::new("kind", Text)])
            .export(&[("kind", |r, _| r.kind.as_db().to_string())]),
        C::new("Refunded", 12, |r, _| {
            if r.refunded_minor > 0 { money(r, r.refunded_minor).display() } else { String::new() }.into()
        })
        .right()
        .priority(2)
        .key(Col::PayRefunded)
        .filter(&[Field::new("refunded", Money)])
        .export(&[("refunded", |r, _| money(r, r.refunded_minor).plain())]),
        // A processor's reference ("pi_" and 24 characters) is cut with
        // "…" here; `v` shows the row whole.
        C::new("Reference", 16, |r, _| r.reference.as_str().into())
            .priority(2)
            .key(Col::PayReference)
            .filter(&[Field::new("reference", Text), Field::new("ref", Text)])
            .export(&[("reference", |r, _| r.reference.clone())]),
        C::new("Status", 11, |r, _| {
            let partly = r.refunded_minor > 0 && r.refunded_minor < r.amount.minor;
            let text = match r.kind {
                PayKind::Payment if partly => "Part refund",
                PayKind::Payment => r.status.label(),
                _ if r.status == PaymentStatus::Voided => "Voided",
                PayKind::CreditNote => "Issued",
                _ => "Granted",
            };
            CellText { text: text.to_string(), alert: r.status == PaymentStatus::Failed }
        })
        .key(Col::PayStatus)
        .filter(&[Field::new("status", Status(STATUSES))])
        .export(&[("status", |r, _| {
            let credit = if r.status == PaymentStatus::Voided { "voided" } else { "granted" };
            db_word(r, r.status.as_db(), credit)
        })]),
        C::new("Method", 9, |r, _| match r.kind {
            PayKind::Payment => r.method.label().into(),
            _ => "".into(),
        })
        .priority(3)
        .key(Col::PayMethod)
        .filter(&[Field::new("method", Text)])
        .export(&[("method", |r, _| db_word(r, r.method.as_db(), "credit"))]),
        // Sorted by the amount applied; shows where it went.
        C::new("Applied to", 12, |r, _| applied_to(r)).fill().priority(1).key(Col::PayAppliedTo).export(&[
            ("applied", |r, _| money(r, r.applied_minor).plain()),
            ("applied_to", |r, _| r.applied_to.clone()),
        ]),
    ];
    const EXPORT_ORDER: &'static [&'static str] =
        &["date", "amount", "refunded", "applied", "currency", "reference", "status", "method", "applied_to", "kind"];
}
