//! `c` on the customer page, and "Edit" in a contract's menu: a contract's
//! terms. The billing frequency is asked only of recurring contracts.

use super::{FormDialog, FormOf, Spec, build, labels, position, reread};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::date::iso;
use crate::domain::edit::{ContractDraft, check_required, parse_terms};
use crate::domain::model::{ContractRow, terms_label};
use crate::domain::money::{Currency, Money};
use crate::domain::status::{BillingFrequency, ContractKind, ContractStatus};
use chrono::NaiveDate;

field_ids! {
    pub enum ContractField { Name, Type, Status, PeriodStart, PeriodEnd, Value, PaymentTerms, BillingFrequency }
}
use ContractField as F;

/// Which contract the form saves, in the customer's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractForm {
    pub saves: Saves,
    pub currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saves {
    New { customer_id: i64 },
    Edit { id: i64, version: i64 },
}

/// A new contract: recurring, active, from today, Net 30.
pub fn new(customer_id: i64, currency: Currency, today: NaiveDate) -> FormDialog {
    let shown = Shown {
        name: String::new(),
        kind: 0,
        status: 1,
        start: iso(today),
        end: String::new(),
        value: String::new(),
        terms: "Net 30".into(),
        frequency: 0,
    };
    form("Create contract", ContractForm { saves: Saves::New { customer_id }, currency }, &shown)
}

/// The contract `k` as it is.
pub fn edit(k: &ContractRow, currency: Currency) -> FormDialog {
    let shown = Shown {
        name: k.name.clone(),
        kind: position(ContractKind::ALL, k.kind),
        status: position(ContractStatus::ALL, k.status),
        start: iso(k.period_start),
        end: k.period_end.map(iso).unwrap_or_default(),
        value: Money::new(k.value.minor, k.value.currency).plain(),
        terms: terms_label(k.payment_terms_days),
        frequency: k.billing_frequency.map_or(0, |f| position(BillingFrequency::ALL, f)),
    };
    let id = k.id;
    form("Edit contract", ContractForm { saves: Saves::Edit { id, version: k.version }, currency }, &shown)
        .rereads(move |s| reread(s.contract(id), "This contract", |k| edit(&k, currency)))
}

/// What the form shows as it opens (choices as positions).
struct Shown {
    name: String,
    kind: usize,
    status: usize,
    start: String,
    end: String,
    value: String,
    terms: String,
    frequency: usize,
}

fn form(title: &str, spec: ContractForm, v: &Shown) -> FormDialog {
    let currency = spec.currency;
    build(title, spec, |f| match f {
        F::Name => Field::text("Name", &v.name),
        F::Type => Field::choice("Type", labels(ContractKind::ALL, ContractKind::label), v.kind),
        F::Status => Field::choice("Status", labels(ContractStatus::ALL, ContractStatus::label), v.status),
        F::PeriodStart => Field::text("Period start", &v.start),
        F::PeriodEnd => Field::text("Period end", &v.end).with_hint("optional for recurring contracts"),
        F::Value => Field::text("Value", &v.value).with_hint(format!("in {currency}")),
        F::PaymentTerms => {
            Field::text("Payment terms", &v.terms).with_hint("Due on receipt, Net 15/30/45/60/90 or days")
        }
        F::BillingFrequency => {
            Field::choice("Billing frequency", labels(BillingFrequency::ALL, BillingFrequency::label), v.frequency)
        }
    })
}

impl Spec for ContractForm {
    type Field = ContractField;

    /// One-time contracts bill once: no frequency to choose.
    fn follow(&self, form: &mut FormOf<'_, F>) {
        let recurring = form.selected(F::Type) == 0;
        let frequency = form.field_mut(F::BillingFrequency);
        frequency.enabled = recurring;
        frequency.hint = (!recurring).then(|| "one-time contracts bill once".into());
    }

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let draft = draft(form, self.currency)?;
        Some(match self.saves {
            Saves::New { customer_id } => Effect::CreateContract { customer_id, draft },
            Saves::Edit { id, version } => Effect::UpdateContract { id, version, draft },
        })
    }
}

fn draft(form: &mut FormOf<'_, F>, currency: Currency) -> Option<ContractDraft> {
    let name = form.text(F::Name);
    form.check(F::Name, check_required("Name", &name));
    let kind = ContractKind::ALL[form.selected(F::Type)];
    let status = ContractStatus::ALL[form.selected(F::Status)];
    let start = form.date(F::PeriodStart);
    let end = if form.text(F::PeriodEnd).is_empty() {
        if kind == ContractKind::OneTime {
            form.set_error(F::PeriodEnd, "a one-time contract needs an end date");
        }
        None
    } else {
        form.date(F::PeriodEnd)
    };
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        form.set_error(F::PeriodEnd, format!("{e} is before the start {s}"));
    }
    let value = form.amount(F::Value, currency, false);
    let terms = form.text(F::PaymentTerms);
    let terms = form.check(F::PaymentTerms, parse_terms(&terms));
    let billing_frequency =
        (kind == ContractKind::Recurring).then(|| BillingFrequency::ALL[form.selected(F::BillingFrequency)]);
    Some(ContractDraft {
        name,
        kind,
        status,
        period_start: start?,
        period_end: end,
        value_minor: value?,
        currency,
        payment_terms_days: terms?,
        billing_frequency,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{chosen, d, enabled, error, typed};
    use super::*;

    #[test]
    fn a_one_time_contract_has_no_frequency_and_needs_an_end() {
        let mut fd = new(7, Currency::USD, d("2026-03-01"));
        typed(&mut fd, F::Name, "Setup");
        typed(&mut fd, F::Value, "500");
        chosen(&mut fd, F::Type, position(ContractKind::ALL, ContractKind::OneTime));
        assert!(!enabled(&mut fd, F::BillingFrequency));
        assert_eq!(fd.validate(), None);
        assert_eq!(error(&mut fd, F::PeriodEnd).as_deref(), Some("a one-time contract needs an end date"));
        typed(&mut fd, F::PeriodEnd, "2026-03-31");
        let draft = ContractDraft {
            name: "Setup".into(),
            kind: ContractKind::OneTime,
            status: ContractStatus::Active,
            period_start: d("2026-03-01"),
            period_end: Some(d("2026-03-31")),
            value_minor: 50_000,
            currency: Currency::USD,
            payment_terms_days: 30,
            billing_frequency: None,
        };
        assert_eq!(fd.validate(), Some(Effect::CreateContract { customer_id: 7, draft }));
    }
}
