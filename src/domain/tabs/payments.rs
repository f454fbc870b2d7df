//! The Payments tab.

use super::FieldKind::{Date, Money, Status, Text};
use super::{CellText, Column, Field, Summary, Tabular};
use crate::domain::columns::{Col, Sort, Tab};
use crate::domain::date::iso;
use crate::domain::filter::StatusWord::{self, *};
use crate::domain::model::PaymentRow;
use crate::domain::status::PaymentStatus;

type C = Column<PaymentRow>;

const STATUSES: &[(&str, StatusWord)] =
    &[("succeeded", Succeeded), ("pending", Pending), ("failed", Failed), ("refunded", Refunded)];

/// An amount of the payment's currency.
fn money(r: &PaymentRow, minor: i64) -> crate::domain::Money {
    crate::domain::Money::new(minor, r.amount.currency)
}

fn applied_to(r: &PaymentRow) -> CellText {
    let unapplied = r.amount.minor - r.refunded_minor - r.applied_minor;
    let mut s = r.applied_to.clone();
    if r.status == PaymentStatus::Succeeded && unapplied > 0 {
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
    const SUMMARY: Option<Summary> =
        Some(Summary { count: |p| p.payment_count, sum: |p| p.collected_minor, balance: None });
    const COLUMNS: &'static [C] = &[
        C::new("Date", 10, |r, _| iso(r.received_on).into())
            .key(Col::PayDate)
            .filter(&[Field::new("date", Date)])
            .export(&[("date", |r, _| iso(r.received_on))]),
        C::new("Amount", 13, |r, _| r.amount.display().into())
            .right()
            .key(Col::PayAmount)
            .filter(&[Field::new("amount", Money)])
            .export(&[("amount", |r, _| r.amount.plain()), ("currency", |r, _| r.amount.currency.to_string())]),
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
            CellText {
                text: if partly { "Part refund".to_string() } else { r.status.label().to_string() },
                alert: r.status == PaymentStatus::Failed,
            }
        })
        .key(Col::PayStatus)
        .filter(&[Field::new("status", Status(STATUSES))])
        .export(&[("status", |r, _| r.status.as_db().to_string())]),
        C::new("Method", 9, |r, _| r.method.label().into())
            .priority(3)
            .key(Col::PayMethod)
            .filter(&[Field::new("method", Text)])
            .export(&[("method", |r, _| r.method.as_db().to_string())]),
        // Sorted by the amount applied; shows where it went.
        C::new("Applied to", 12, |r, _| applied_to(r)).fill().priority(1).key(Col::PayAppliedTo).export(&[
            ("applied", |r, _| money(r, r.applied_minor).plain()),
            ("applied_to", |r, _| r.applied_to.clone()),
        ]),
    ];
    const EXPORT_ORDER: &'static [&'static str] =
        &["date", "amount", "refunded", "applied", "currency", "reference", "status", "method", "applied_to"];
}
