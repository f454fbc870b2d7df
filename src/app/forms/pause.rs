//! `p` on the Invoices tab (the selection, or the highlighted invoice), on
//! an invoice's detail and on a thread's invoice: pause the invoices'
//! collections for 30, 60 or 90 days or until a day, with a reason. The
//! pause ends by itself on that day (collections resume then); `P` ends it
//! sooner.

use super::{FormDialog, FormOf, Spec, build};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::collections::{PauseDraft, REASON_MAX};
use crate::domain::date::{iso, parse_date};
use chrono::NaiveDate;

field_ids! {
    pub enum PauseField { Invoices, For, Until, Reason }
}
use PauseField as F;

const SPANS: &[(&str, Option<i64>)] =
    &[("30 days", Some(30)), ("60 days", Some(60)), ("90 days", Some(90)), ("Until a day", None)];

struct PauseForm {
    customer_id: i64,
    ids: Vec<i64>,
    numbers: Vec<String>,
    today: NaiveDate,
}

/// The day a span of `days` from `today` ends on.
fn after(today: NaiveDate, days: i64) -> NaiveDate {
    today.checked_add_signed(chrono::Duration::days(days)).unwrap_or(crate::domain::bounds::MAX_DATE)
}

/// The form for the invoices `picked` (id and number).
pub fn open(customer_id: i64, picked: &[(i64, String)], today: NaiveDate) -> FormDialog {
    let numbers: Vec<String> = picked.iter().map(|p| p.1.clone()).collect();
    let title = match numbers.as_slice() {
        [one] => format!("Pause collections on {one}"),
        many => format!("Pause collections on {}", crate::domain::money::counted(many.len(), "invoice", "invoices")),
    };
    let shown = numbers.join(", ");
    let spec = PauseForm { customer_id, ids: picked.iter().map(|p| p.0).collect(), numbers, today };
    build(title, spec, |f| match f {
        F::Invoices => Field::text("Invoices", &shown).disabled("each paused until the day below"),
        F::For => Field::choice("For", SPANS.iter().map(|s| s.0.to_string()).collect(), 0),
        F::Until => Field::text("Until", &iso(after(today, 30))).with_hint("collections resume on this day"),
        F::Reason => Field::text("Reason", "").with_hint("e.g. disputed, awaiting a purchase order"),
    })
}

impl Spec for PauseForm {
    type Field = PauseField;

    /// The day follows the span chosen, until it is typed.
    fn follow(&self, form: &mut FormOf<'_, F>) {
        if let Some(days) = SPANS[form.selected(F::For).min(SPANS.len() - 1)].1 {
            form.set_default(F::Until, &iso(after(self.today, days)));
        }
    }

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let until = match parse_date(&form.text(F::Until)) {
            Ok(d) if d <= self.today => Err(format!("{d} is not after today: a pause ends on a later day")),
            other => other,
        };
        let until = form.check(F::Until, until);
        let reason = form.text(F::Reason).trim().to_string();
        if reason.is_empty() {
            form.set_error(F::Reason, "say why (it is kept with the invoice)");
        }
        let n = reason.chars().count();
        if n > REASON_MAX {
            form.set_error(F::Reason, format!("at most {REASON_MAX} characters ({n} typed)"));
        }
        Some(Effect::PauseInvoices {
            customer_id: self.customer_id,
            draft: PauseDraft { invoice_ids: self.ids.clone(), until_on: until?, reason },
            numbers: self.numbers.clone(),
            today: self.today,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{chosen, d, error, text, typed};
    use super::*;

    #[test]
    fn thirty_sixty_ninety_days_or_a_day() {
        let mut fd = open(7, &[(1, "INV-1".into()), (2, "INV-2".into())], d("2026-12-05"));
        assert_eq!(text(&mut fd, F::Until), "2027-01-04");
        chosen(&mut fd, F::For, 2);
        assert_eq!(text(&mut fd, F::Until), "2027-03-05");
        typed(&mut fd, F::Reason, "disputed");
        let Some(Effect::PauseInvoices { draft, numbers, .. }) = fd.validate() else { panic!("valid") };
        assert_eq!(draft.invoice_ids, [1, 2]);
        assert_eq!(draft.until_on, d("2027-03-05"));
        assert_eq!(numbers, ["INV-1", "INV-2"]);
    }

    #[test]
    fn today_and_no_reason_are_refused() {
        let mut fd = open(7, &[(1, "INV-1".into())], d("2026-12-05"));
        chosen(&mut fd, F::For, 3);
        typed(&mut fd, F::Until, "2026-12-05");
        assert!(fd.validate().is_none());
        assert!(error(&mut fd, F::Until).unwrap().contains("not after today"));
        assert!(error(&mut fd, F::Reason).is_some());
    }
}
