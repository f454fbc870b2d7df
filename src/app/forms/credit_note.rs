//! Credit notes: `n` on an invoice's detail issues one against the invoice
//! (its balance falls; what goes past the balance stays customer credit,
//! or is refunded from the money paid on the invoice when the user says
//! so), `n` on the Payments tab a standalone one (all customer credit, in
//! the customer's currency). Both ask a date (today by default), an amount
//! and a reason, and take lines if the user gives them (rows of text as an
//! invoice's, `domain::lines::ENTRY_HELP`; with lines the amount is their
//! sum); a valid form is shown as a confirmation from the store's preview
//! (what the balance falls by, the number it gets) before the write.

use super::{FormDialog, FormOf, Spec, build, lines_field};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::date::{iso, parse_date};
use crate::domain::edit::{CREDIT_REASON_MAX, CreditNoteDraft, check_required};
use crate::domain::lines::ENTRY_HELP;
use crate::domain::model::Customer;
use crate::domain::money::{Currency, Money};
use chrono::NaiveDate;

field_ids! {
    pub enum AgainstField { Date, Amount, Reason, Lines, RefundExcess }
}

field_ids! {
    pub enum StandaloneField { Date, Amount, Currency, Reason, Lines }
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
        AgainstField::Lines => Field::rows("Lines", &[]).with_hint(ENTRY_HELP),
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
        StandaloneField::Lines => Field::rows("Lines", &[]).with_hint(ENTRY_HELP),
    })
}

/// Why lines that add up to nothing are refused.
const NOTHING: &str = "the lines add up to nothing: a credit note must credit something";

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

    /// The amount is the lines' sum when there are lines; the excess can
    /// be refunded only when there is one.
    fn follow(&self, form: &mut FormOf<'_, AgainstField>) {
        let typed = Money::new(self.balance_minor.max(0), self.currency).plain();
        let hint = format!("in {}; it owes {}", self.currency, Money::new(self.balance_minor, self.currency).display());
        lines_field::follow(form, AgainstField::Lines, AgainstField::Amount, self.currency, &hint, &typed);
        let amount = crate::domain::money::parse_amount(&form.text(AgainstField::Amount), self.currency);
        let excess = amount.is_ok_and(|a| a > self.balance_minor);
        form.field_mut(AgainstField::RefundExcess).enabled = excess;
    }

    fn validate(&self, form: &mut FormOf<'_, AgainstField>) -> Option<Effect> {
        let date = date(form, AgainstField::Date, self.today);
        let (lines, amount) =
            lines_field::amount(form, AgainstField::Lines, AgainstField::Amount, self.currency, NOTHING);
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
            lines: lines?,
        };
        Some(Effect::IssueCreditNote { customer_id: self.customer_id, draft, confirmed: false })
    }
}

impl Spec for Standalone {
    type Field = StandaloneField;

    /// The amount is the lines' sum when there are lines that read in the
    /// currency typed.
    fn follow(&self, form: &mut FormOf<'_, StandaloneField>) {
        if let Ok(c) = form.text(StandaloneField::Currency).parse::<Currency>() {
            let hint = format!("in {c}");
            lines_field::follow(form, StandaloneField::Lines, StandaloneField::Amount, c, &hint, "");
        }
    }

    fn validate(&self, form: &mut FormOf<'_, StandaloneField>) -> Option<Effect> {
        let date = date(form, StandaloneField::Date, self.today);
        let currency = form.text(StandaloneField::Currency).parse::<Currency>().map_err(|e| e.to_string());
        let currency = form.check(StandaloneField::Currency, currency);
        let (lines, amount) = match currency {
            Some(c) => lines_field::amount(form, StandaloneField::Lines, StandaloneField::Amount, c, NOTHING),
            None => (None, None),
        };
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
            lines: lines?,
        };
        Some(Effect::IssueCreditNote { customer_id: self.customer_id, draft, confirmed: false })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{customer, d, enabled, error, text, typed};
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
                    lines: Vec::new(),
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

    /// Lines make the amount (and so whether there is an excess to
    /// refund); a line that does not read is named; without lines the
    /// amount is typed again from the balance.
    #[test]
    fn lines_make_the_amount() {
        let balance = Money::new(12_500, Currency::USD);
        let mut fd = against(7, 4, "INV-4", balance, d("2026-03-01"));
        typed(&mut fd, AgainstField::Reason, "returned goods");
        typed(&mut fd, AgainstField::Lines, "Returned seats; 2 x 45.50\nRestocking fee waived; 10");
        assert_eq!(text(&mut fd, AgainstField::Amount), "101.00");
        assert!(!enabled(&mut fd, AgainstField::Amount), "the amount is the lines' sum");
        assert!(!enabled(&mut fd, AgainstField::RefundExcess), "within the balance");
        let Some(Effect::IssueCreditNote { draft, .. }) = fd.validate() else {
            panic!("{:?}", error(&mut fd, AgainstField::Lines))
        };
        assert_eq!((draft.amount_minor, draft.lines.len()), (10_100, 2));
        assert_eq!(draft.lines[0].quantity, Some(rust_decimal::Decimal::new(2, 0)));
        typed(&mut fd, AgainstField::Lines, "Returned seats; 3 x 45.50");
        assert!(enabled(&mut fd, AgainstField::RefundExcess), "$136.50 is past the balance of $125.00");
        typed(&mut fd, AgainstField::Lines, "Returned seats 3");
        assert_eq!(fd.validate(), None);
        assert!(error(&mut fd, AgainstField::Lines).unwrap().starts_with("line 1: "));
        typed(&mut fd, AgainstField::Lines, "Seats; 10\nBack; -10");
        assert_eq!(fd.validate(), None);
        assert!(error(&mut fd, AgainstField::Lines).unwrap().contains("must credit something"));
        typed(&mut fd, AgainstField::Lines, "");
        assert!(enabled(&mut fd, AgainstField::Amount));
        assert_eq!(text(&mut fd, AgainstField::Amount), "125.00", "back to the balance");
        let Some(Effect::IssueCreditNote { draft, .. }) = fd.validate() else { panic!() };
        assert_eq!((draft.amount_minor, draft.lines.len()), (12_500, 0));
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
            lines: Vec::new(),
        };
        assert_eq!(fd.validate(), Some(Effect::IssueCreditNote { customer_id: 7, draft, confirmed: false }));
        typed(&mut fd, StandaloneField::Currency, "dollars");
        assert_eq!(fd.validate(), None);
        assert!(error(&mut fd, StandaloneField::Currency).is_some());
    }
}
