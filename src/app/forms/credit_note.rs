//! Credit notes: `n` on an invoice's detail issues one against the invoice
//! (its balance falls; what goes past the balance stays customer credit,
//! or is refunded from the money paid on the invoice when the user says
//! so), `n` on the Payments tab a standalone one (all customer credit, in
//! the customer's currency). Both ask a date (today by default), an amount
//! and a reason; a valid form is shown as a confirmation from the store's
//! preview (what the balance falls by, the number it gets) before the write.

use super::{FormDialog, FormOf, Spec, build};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::date::{iso, parse_date};
use crate::domain::edit::{CREDIT_REASON_MAX, CreditNoteDraft, check_required};
use crate::domain::model::Customer;
use crate::domain::money::{Currency, Money};
use chrono::NaiveDate;

field_ids! {
    pub enum AgainstField { Date, Amount, Reason, RefundExcess }
}

field_ids! {
    pub enum StandaloneField { Date, Amount, Currency, Reason }
}

/// A credit note against one invoice, which owes `balance_minor` now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgainstInvoice {
    pub customer_id: i64,
    pub invoice_id: i64,
    pub currency: Currency,
    pub balance_minor: i64,
    /// A credit note is issued when it is decided: no later than today.
    pub today: NaiveDate,
}

/// A standalone credit note: customer credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standalone {
    pub customer_id: i64,
    pub today: NaiveDate,
}

/// Against invoice `number`: dated today, for its balance by default.
pub fn against(customer_id: i64, invoice_id: i64, number: &str, balance: Money, today: NaiveDate) -> FormDialog {
    let spec =
        AgainstInvoice { customer_id, invoice_id, currency: balance.currency, balance_minor: balance.minor, today };
    let default = if balance.minor > 0 { balance.plain() } else { String::new() };
    build(format!("Credit note against {number}"), spec, |f| match f {
        AgainstField::Date => Field::text("Date", &iso(today)),
        AgainstField::Amount => {
            Field::text("Amount", &default).with_hint(format!("in {}; it owes {}", balance.currency, balance.display()))
        }
        AgainstField::Reason => Field::text("Reason", "").with_hint("e.g. price adjustment, returned goods"),
        AgainstField::RefundExcess => Field::toggle("Refund the excess", false)
            .with_hint("what goes past the balance: refunded from the payments on it, not kept as credit"),
    })
}

/// Standalone, for customer `c`, in its currency by default.
pub fn standalone(c: &Customer, today: NaiveDate) -> FormDialog {
    let spec = Standalone { customer_id: c.id, today };
    build(format!("Credit note for {}", c.name), spec, |f| match f {
        StandaloneField::Date => Field::text("Date", &iso(today)),
        StandaloneField::Amount => Field::text("Amount", ""),
        StandaloneField::Currency => Field::text("Currency", c.currency.code()).with_hint("the customer's"),
        StandaloneField::Reason => Field::text("Reason", "").with_hint("e.g. goodwill for an outage, a returned item"),
    })
}

/// The date: no later than today.
fn date<F: super::FieldId>(form: &mut FormOf<'_, F>, f: F, today: NaiveDate) -> Option<NaiveDate> {
    let date = match parse_date(&form.text(f)) {
        Ok(d) if d > today => Err(format!("{d} is in the future: issue a credit note once it is decided")),
        other => other,
    };
    form.check(f, date)
}

/// The reason: required, at most `CREDIT_REASON_MAX` characters.
fn reason<F: super::FieldId>(form: &mut FormOf<'_, F>, f: F) -> String {
    let reason = form.text(f);
    let long = reason.chars().count();
    if check_required("Reason", &reason).is_err() {
        form.set_error(f, "say why the credit note is issued (it is kept with it and in the activity log)");
    } else if long > CREDIT_REASON_MAX {
        form.set_error(f, format!("{long} characters: at most {CREDIT_REASON_MAX}"));
    }
    reason
}

impl Spec for AgainstInvoice {
    type Field = AgainstField;

    /// The excess can be refunded only when there is one.
    fn follow(&self, form: &mut FormOf<'_, AgainstField>) {
        let amount = crate::domain::money::parse_amount(&form.text(AgainstField::Amount), self.currency);
        let excess = amount.is_ok_and(|a| a > self.balance_minor);
        form.field_mut(AgainstField::RefundExcess).enabled = excess;
    }

    fn validate(&self, form: &mut FormOf<'_, AgainstField>) -> Option<Effect> {
        let date = date(form, AgainstField::Date, self.today);
        let amount = form.amount(AgainstField::Amount, self.currency, true);
        let reason = reason(form, AgainstField::Reason);
        if form.has_errors() {
            return None;
        }
        let amount_minor = amount?;
        let refund_excess = amount_minor > self.balance_minor && form.on(AgainstField::RefundExcess);
        let draft = CreditNoteDraft {
            issued_on: date?,
            amount_minor,
            currency: self.currency,
            reason,
            invoice_id: Some(self.invoice_id),
            refund_excess,
        };
        Some(Effect::IssueCreditNote { customer_id: self.customer_id, draft, confirmed: false })
    }
}

impl Spec for Standalone {
    type Field = StandaloneField;

    fn validate(&self, form: &mut FormOf<'_, StandaloneField>) -> Option<Effect> {
        let date = date(form, StandaloneField::Date, self.today);
        let currency = form.text(StandaloneField::Currency).parse::<Currency>().map_err(|e| e.to_string());
        let currency = form.check(StandaloneField::Currency, currency);
        let amount = currency.and_then(|c| form.amount(StandaloneField::Amount, c, true));
        let reason = reason(form, StandaloneField::Reason);
        if form.has_errors() {
            return None;
        }
        let draft = CreditNoteDraft {
            issued_on: date?,
            amount_minor: amount?,
            currency: currency?,
            reason,
            invoice_id: None,
            refund_excess: false,
        };
        Some(Effect::IssueCreditNote { customer_id: self.customer_id, draft, confirmed: false })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{customer, d, enabled, error, typed};
    use super::*;

    #[test]
    fn against_an_invoice_its_balance_by_default_and_a_refund_only_past_it() {
        let balance = Money::new(12_500, Currency::USD);
        let mut fd = against(7, 4, "INV-4", balance, d("2026-03-01"));
        assert!(!enabled(&mut fd, AgainstField::RefundExcess), "nothing goes past the balance");
        assert_eq!(fd.validate(), None);
        assert_eq!(
            error(&mut fd, AgainstField::Reason).as_deref(),
            Some("say why the credit note is issued (it is kept with it and in the activity log)")
        );
        typed(&mut fd, AgainstField::Reason, "price adjustment");
        let want = |amount_minor, refund_excess| {
            Some(Effect::IssueCreditNote {
                customer_id: 7,
                draft: CreditNoteDraft {
                    issued_on: d("2026-03-01"),
                    amount_minor,
                    currency: Currency::USD,
                    reason: "price adjustment".into(),
                    invoice_id: Some(4),
                    refund_excess,
                },
                confirmed: false,
            })
        };
        assert_eq!(fd.validate(), want(12_500, false));
        typed(&mut fd, AgainstField::Amount, "200");
        assert!(enabled(&mut fd, AgainstField::RefundExcess));
        FormOf::<AgainstField>::new(&mut fd.form).field_mut(AgainstField::RefundExcess).set_value("yes");
        assert_eq!(fd.validate(), want(20_000, true));
        typed(&mut fd, AgainstField::Date, "2026-03-02");
        assert_eq!(fd.validate(), None);
        assert_eq!(
            error(&mut fd, AgainstField::Date).as_deref(),
            Some("2026-03-02 is in the future: issue a credit note once it is decided")
        );
    }

    #[test]
    fn standalone_in_the_customers_currency_by_default() {
        let mut fd = standalone(&customer(), d("2026-03-01"));
        typed(&mut fd, StandaloneField::Amount, "30");
        typed(&mut fd, StandaloneField::Reason, "outage");
        let draft = CreditNoteDraft {
            issued_on: d("2026-03-01"),
            amount_minor: 3_000,
            currency: Currency::USD,
            reason: "outage".into(),
            invoice_id: None,
            refund_excess: false,
        };
        assert_eq!(fd.validate(), Some(Effect::IssueCreditNote { customer_id: 7, draft, confirmed: false }));
        typed(&mut fd, StandaloneField::Currency, "dollars");
        assert_eq!(fd.validate(), None);
        assert!(error(&mut fd, StandaloneField::Currency).is_some());
    }
}
