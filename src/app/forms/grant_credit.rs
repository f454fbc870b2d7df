//! `C` on the Payments tab: grant the customer credit directly (goodwill,
//! a late delivery): it joins the Credit Balance until applied (`a`).

use super::{FormDialog, FormOf, Spec, build};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::date::{iso, parse_date};
use crate::domain::edit::{CREDIT_REASON_MAX, CreditDraft, check_required};
use crate::domain::model::Customer;
use crate::domain::money::Currency;
use chrono::NaiveDate;

field_ids! {
    pub enum GrantField { Date, Amount, Reason }
}
use GrantField as F;

/// The customer credited, in its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantCredit {
    pub customer_id: i64,
    pub currency: Currency,
    /// Credit is granted when it is decided: no later than today.
    pub today: NaiveDate,
}

/// Granted today, in the customer's currency.
pub fn open(c: &Customer, today: NaiveDate) -> FormDialog {
    let spec = GrantCredit { customer_id: c.id, currency: c.currency, today };
    build(format!("Grant credit to {}", c.name), spec, |f| match f {
        F::Date => Field::text("Date", &iso(today)),
        F::Amount => Field::text("Amount", "").with_hint(format!("in {}", c.currency)),
        F::Reason => Field::text("Reason", "").with_hint("e.g. service outage goodwill, late delivery"),
    })
}

impl Spec for GrantCredit {
    type Field = GrantField;

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let date = match parse_date(&form.text(F::Date)) {
            Ok(d) if d > self.today => Err(format!("{d} is in the future: grant credit once it is decided")),
            other => other,
        };
        let date = form.check(F::Date, date);
        let amount = form.amount(F::Amount, self.currency, true);
        let reason = form.text(F::Reason);
        let long = reason.chars().count();
        if check_required("Reason", &reason).is_err() {
            form.set_error(F::Reason, "say why the credit is granted (it is kept in the activity log)");
        } else if long > CREDIT_REASON_MAX {
            form.set_error(F::Reason, format!("{long} characters: at most {CREDIT_REASON_MAX}"));
        }
        if form.has_errors() {
            return None;
        }
        let draft = CreditDraft { granted_on: date?, amount_minor: amount?, currency: self.currency, reason };
        Some(Effect::GrantCredit { customer_id: self.customer_id, draft })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{customer, d, error, typed};
    use super::*;

    #[test]
    fn a_credit_needs_an_amount_and_a_reason_and_no_future_date() {
        let mut fd = open(&customer(), d("2026-03-01"));
        assert_eq!(fd.validate(), None);
        assert_eq!(error(&mut fd, F::Amount).as_deref(), Some("enter an amount"));
        let why = error(&mut fd, F::Reason);
        assert_eq!(why.as_deref(), Some("say why the credit is granted (it is kept in the activity log)"));
        typed(&mut fd, F::Amount, "25");
        typed(&mut fd, F::Reason, "late delivery");
        typed(&mut fd, F::Date, "2026-03-02");
        assert_eq!(fd.validate(), None);
        assert_eq!(
            error(&mut fd, F::Date).as_deref(),
            Some("2026-03-02 is in the future: grant credit once it is decided")
        );
        typed(&mut fd, F::Date, "2026-02-27");
        let draft = CreditDraft {
            granted_on: d("2026-02-27"),
            amount_minor: 2_500,
            currency: Currency::USD,
            reason: "late delivery".into(),
        };
        assert_eq!(fd.validate(), Some(Effect::GrantCredit { customer_id: 7, draft }));
    }
}
