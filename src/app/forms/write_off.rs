//! `w`: write off the balance of open invoices as bad debt (the Invoices
//! tab's selection or highlighted row, or one invoice's detail), or, on an
//! uncollectible invoice's detail, reverse its write-off. Both ask a date
//! (today by default) and a reason; a valid form is shown as a
//! confirmation naming the invoices and the money before the write.
//!
//! The small-balance write-off (`small_balance`) asks the same: it closes
//! what is left with adjustment credit instead, and the invoices are paid.

use super::{FormDialog, FormOf, Spec, build};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::date::{iso, parse_date};
use crate::domain::edit::{CREDIT_REASON_MAX, check_required};
use crate::store::writes::MAX_WRITE_OFF_REASON;
use chrono::NaiveDate;

field_ids! {
    pub enum WriteOffField { Date, Reason }
}
use WriteOffField as F;

/// What the form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOffKind {
    /// Write off these invoices' balances.
    WriteOff { ids: Vec<i64> },
    /// Close these invoices' small balances with adjustment credit.
    SmallBalance { ids: Vec<i64> },
    /// Reverse one invoice's write-off, seen at `version`.
    Reverse { invoice_id: i64, version: i64, number: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOff {
    pub customer_id: i64,
    pub kind: WriteOffKind,
    /// A write-off is booked when it is decided: no later than today.
    pub today: NaiveDate,
}

/// Writes off `ids` (`what` names them in the title: "INV-000031",
/// "3 invoices").
pub fn open(customer_id: i64, ids: Vec<i64>, what: &str, today: NaiveDate) -> FormDialog {
    let spec = WriteOff { customer_id, kind: WriteOffKind::WriteOff { ids }, today };
    build(format!("Write off {what} as bad debt"), spec, |f| match f {
        F::Date => Field::text("Date", &iso(today)),
        F::Reason => Field::text("Reason", "").with_hint("e.g. customer insolvent, sent to collections"),
    })
}

/// Closes the small balances of `ids` (`what` names them in the title).
pub fn small_balance(customer_id: i64, ids: Vec<i64>, what: &str, today: NaiveDate) -> FormDialog {
    let spec = WriteOff { customer_id, kind: WriteOffKind::SmallBalance { ids }, today };
    build(format!("Write off the small balance of {what}"), spec, |f| match f {
        F::Date => Field::text("Date", &iso(today)),
        F::Reason => Field::text("Reason", "").with_hint("e.g. bank charges, rounding, short payment"),
    })
}

/// Reverses the write-off of invoice `number`.
pub fn reverse(customer_id: i64, invoice_id: i64, version: i64, number: &str, today: NaiveDate) -> FormDialog {
    let kind = WriteOffKind::Reverse { invoice_id, version, number: number.to_string() };
    let spec = WriteOff { customer_id, kind, today };
    build(format!("Reverse the write-off of {number}"), spec, |f| match f {
        F::Date => Field::text("Date", &iso(today)),
        F::Reason => Field::text("Reason", "").with_hint("e.g. the customer paid after all"),
    })
}

impl Spec for WriteOff {
    type Field = WriteOffField;

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let date = match parse_date(&form.text(F::Date)) {
            Ok(d) if d > self.today => Err(format!("{d} is in the future: book it once it is decided")),
            other => other,
        };
        let date = form.check(F::Date, date);
        let reason = form.text(F::Reason);
        let long = reason.trim().chars().count();
        let most = match self.kind {
            WriteOffKind::SmallBalance { .. } => CREDIT_REASON_MAX,
            _ => MAX_WRITE_OFF_REASON,
        };
        if check_required("Reason", &reason).is_err() {
            form.set_error(F::Reason, "say why (it is kept with the invoice and in the activity log)");
        } else if long > most {
            form.set_error(F::Reason, format!("{long} characters: at most {most}"));
        }
        if form.has_errors() {
            return None;
        }
        let (customer_id, on) = (self.customer_id, date?);
        Some(match &self.kind {
            WriteOffKind::WriteOff { ids } => {
                Effect::WriteOff { customer_id, ids: ids.clone(), on, reason, confirmed: false }
            }
            WriteOffKind::SmallBalance { ids } => Effect::SmallBalance {
                customer_id,
                ids: ids.clone(),
                on,
                reason,
                allow_over_limit: false,
                confirmed: false,
            },
            WriteOffKind::Reverse { invoice_id, version, number } => Effect::ReverseWriteOff {
                customer_id,
                invoice_id: *invoice_id,
                version: *version,
                number: number.clone(),
                on,
                reason,
                confirmed: false,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{d, error, typed};
    use super::*;

    #[test]
    fn a_write_off_needs_a_reason_and_no_future_date() {
        let mut fd = open(7, vec![1, 2], "2 invoices", d("2026-03-01"));
        assert_eq!(fd.validate(), None);
        assert_eq!(
            error(&mut fd, F::Reason).as_deref(),
            Some("say why (it is kept with the invoice and in the activity log)")
        );
        typed(&mut fd, F::Reason, &"x".repeat(MAX_WRITE_OFF_REASON + 1));
        assert_eq!(fd.validate(), None);
        assert_eq!(error(&mut fd, F::Reason).as_deref(), Some("1001 characters: at most 1000"));
        typed(&mut fd, F::Reason, "insolvent");
        typed(&mut fd, F::Date, "2026-03-02");
        assert_eq!(fd.validate(), None);
        assert_eq!(error(&mut fd, F::Date).as_deref(), Some("2026-03-02 is in the future: book it once it is decided"));
        typed(&mut fd, F::Date, "2026-02-27");
        let want = Effect::WriteOff {
            customer_id: 7,
            ids: vec![1, 2],
            on: d("2026-02-27"),
            reason: "insolvent".into(),
            confirmed: false,
        };
        assert_eq!(fd.validate(), Some(want));
    }

    #[test]
    fn a_small_balance_write_off_asks_before_passing_the_limit() {
        let mut fd = small_balance(7, vec![3], "INV-3", d("2026-03-01"));
        typed(&mut fd, F::Reason, "bank charges");
        let want = Effect::SmallBalance {
            customer_id: 7,
            ids: vec![3],
            on: d("2026-03-01"),
            reason: "bank charges".into(),
            allow_over_limit: false,
            confirmed: false,
        };
        assert_eq!(fd.validate(), Some(want));
    }

    #[test]
    fn a_reversal_carries_the_version_seen() {
        let mut fd = reverse(7, 4, 9, "INV-4", d("2026-03-01"));
        typed(&mut fd, F::Reason, "paid after all");
        let want = Effect::ReverseWriteOff {
            customer_id: 7,
            invoice_id: 4,
            version: 9,
            number: "INV-4".into(),
            on: d("2026-03-01"),
            reason: "paid after all".into(),
            confirmed: false,
        };
        assert_eq!(fd.validate(), Some(want));
    }
}
