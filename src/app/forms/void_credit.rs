//! `V` on the Payments tab: void the highlighted credit note or
//! small-balance adjustment on a date (today by default; not before its
//! own). A valid form is shown as a confirmation from the store's preview
//! naming the invoices that owe again before the write.

use super::{FormDialog, FormOf, Spec, build};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::date::{iso, parse_date};
use chrono::NaiveDate;

field_ids! {
    pub enum VoidField { Date }
}

/// The credit voided, as seen at `version`; `label` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoidCredit {
    pub customer_id: i64,
    pub credit_id: i64,
    pub version: i64,
    pub label: String,
    /// A void is booked when it is decided: no later than today.
    pub today: NaiveDate,
}

pub fn open(customer_id: i64, credit_id: i64, version: i64, label: &str, today: NaiveDate) -> FormDialog {
    let spec = VoidCredit { customer_id, credit_id, version, label: label.to_string(), today };
    build(format!("Void {label}"), spec, |f| match f {
        VoidField::Date => Field::text("Date", &iso(today)).with_hint("the invoices it went to owe again from it"),
    })
}

impl Spec for VoidCredit {
    type Field = VoidField;

    fn validate(&self, form: &mut FormOf<'_, VoidField>) -> Option<Effect> {
        let date = match parse_date(&form.text(VoidField::Date)) {
            Ok(d) if d > self.today => Err(format!("{d} is in the future: void it once it is decided")),
            other => other,
        };
        let on = form.check(VoidField::Date, date)?;
        Some(Effect::VoidCredit {
            customer_id: self.customer_id,
            credit_id: self.credit_id,
            version: self.version,
            label: self.label.clone(),
            on,
            confirmed: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{d, error, typed};
    use super::*;

    #[test]
    fn a_void_is_dated_today_by_default_and_never_later() {
        let mut fd = open(7, 3, 2, "credit note CN-000001", d("2026-03-01"));
        let want = Effect::VoidCredit {
            customer_id: 7,
            credit_id: 3,
            version: 2,
            label: "credit note CN-000001".into(),
            on: d("2026-03-01"),
            confirmed: false,
        };
        assert_eq!(fd.validate(), Some(want));
        typed(&mut fd, VoidField::Date, "2026-03-02");
        assert_eq!(fd.validate(), None);
        assert!(error(&mut fd, VoidField::Date).is_some_and(|e| e.contains("in the future")));
    }
}
