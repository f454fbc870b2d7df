//! `p` on the Payments tab: a payment received by hand, applied to the
//! oldest open invoices first or to the ones ticked.

use super::{FormDialog, FormOf, Spec, build};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::app::keymap;
use crate::domain::date::{iso, parse_date};
use crate::domain::edit::{Allocation, PaymentDraft};
use crate::domain::model::{Customer, InvoiceRow};
use crate::domain::money::Currency;
use chrono::NaiveDate;

field_ids! {
    pub enum PaymentField { Date, Amount, Reference, ApplyTo, Invoices }
}
use PaymentField as F;

/// "Apply to": the second option lets the user tick invoices.
const PICKED: usize = 1;

/// The customer the payment is from, in its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordPayment {
    pub customer_id: i64,
    pub currency: Currency,
    /// A payment is recorded when it has arrived: no later than today.
    pub today: NaiveDate,
}

/// Received today; `unpaid` are the invoices offered to tick, in the
/// order they are paid.
pub fn open(c: &Customer, unpaid: &[InvoiceRow], today: NaiveDate) -> FormDialog {
    let items: Vec<(i64, String)> = unpaid
        .iter()
        .map(|i| (i.id, format!("{}  due {}  open {}", i.number, iso(i.due_date), i.open_balance().display())))
        .collect();
    let apply_to = vec!["Oldest open invoices first".to_string(), "Invoices I tick".to_string()];
    build("Record payment", RecordPayment { customer_id: c.id, currency: c.currency, today }, |f| match f {
        F::Date => Field::text("Date", &iso(today)),
        F::Amount => Field::text("Amount", "").with_hint(format!("in {}", c.currency)),
        F::Reference => Field::text("Reference", "").with_hint("e.g. WIRE-2026-03-01 or check number"),
        F::ApplyTo => Field::choice("Apply to", apply_to.clone(), 0),
        F::Invoices => Field::checklist("Invoices", items.clone())
            .with_hint(format!("{} ticks; applied in the order listed", keymap::name(keymap::TICK))),
    })
}

impl Spec for RecordPayment {
    type Field = PaymentField;

    /// The invoices can be ticked only when the payment goes to them.
    fn follow(&self, form: &mut FormOf<'_, F>) {
        let pick = form.selected(F::ApplyTo) == PICKED;
        form.field_mut(F::Invoices).enabled = pick;
    }

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let date = match parse_date(&form.text(F::Date)) {
            Ok(d) if d > self.today => Err(format!("{d} is in the future: record a payment once it has arrived")),
            other => other,
        };
        let date = form.check(F::Date, date);
        let amount = form.amount(F::Amount, self.currency, true);
        let allocation = if form.selected(F::ApplyTo) == PICKED {
            let ids = form.field(F::Invoices).checked_ids();
            if ids.is_empty() {
                form.set_error(F::Invoices, "tick at least one invoice, or apply to the oldest first");
            }
            Allocation::Invoices(ids)
        } else {
            Allocation::OldestFirst
        };
        let draft = PaymentDraft {
            received_on: date?,
            amount_minor: amount?,
            currency: self.currency,
            reference: form.text(F::Reference),
            allocation,
        };
        Some(Effect::RecordPayment { customer_id: self.customer_id, draft })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{chosen, customer, d, enabled, error, typed};
    use super::*;

    #[test]
    fn invoices_are_ticked_only_when_the_payment_goes_to_ticked_ones() {
        let mut fd = open(&customer(), &[], d("2026-03-01"));
        assert!(!enabled(&mut fd, F::Invoices));
        typed(&mut fd, F::Amount, "25");
        chosen(&mut fd, F::ApplyTo, PICKED);
        assert!(enabled(&mut fd, F::Invoices));
        assert_eq!(fd.validate(), None);
        let why = error(&mut fd, F::Invoices);
        assert_eq!(why.as_deref(), Some("tick at least one invoice, or apply to the oldest first"));
        chosen(&mut fd, F::ApplyTo, 0);
        let draft = PaymentDraft {
            received_on: d("2026-03-01"),
            amount_minor: 2_500,
            currency: Currency::USD,
            reference: String::new(),
            allocation: Allocation::OldestFirst,
        };
        assert_eq!(fd.validate(), Some(Effect::RecordPayment { customer_id: 7, draft }));
    }

    /// Issue 14 defect 8: a payment dated after today was saved and counted
    /// in Total Collected.
    #[test]
    fn a_payment_dated_after_today_is_refused() {
        let mut fd = open(&customer(), &[], d("2026-12-05"));
        typed(&mut fd, F::Amount, "25");
        typed(&mut fd, F::Date, "2027-06-01");
        assert_eq!(fd.validate(), None);
        let why = error(&mut fd, F::Date);
        assert_eq!(why.as_deref(), Some("2027-06-01 is in the future: record a payment once it has arrived"));
        typed(&mut fd, F::Date, "2026-12-05");
        assert!(fd.validate().is_some(), "today is fine");
    }
}
