//! `t`: the books as of a date (issue 17). One field, the day: the page
//! (and the customers list) then shows the figures, aging, rows, balances
//! and statuses as they stood at its end, read-only; an empty day returns
//! to today. By default the last day of the previous month, the date a
//! month-end close asks about.

use super::{FormDialog, FormOf, Spec, build};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::date::{iso, parse_date};
use chrono::{Datelike, NaiveDate};

field_ids! {
    pub enum AsOfField { Date }
}
use AsOfField as F;

struct AsOf {
    /// The real today: no later day can be asked for.
    today: NaiveDate,
}

/// The last day of the month before `today`'s.
pub fn previous_month_end(today: NaiveDate) -> NaiveDate {
    today.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(today)
}

/// Opens the form on `current` (the date shown now), else the end of last
/// month.
pub fn open(current: Option<NaiveDate>, today: NaiveDate) -> FormDialog {
    let shown = current.unwrap_or_else(|| previous_month_end(today));
    build("Books as of a date", AsOf { today }, |f| match f {
        F::Date => Field::text("As of", &iso(shown))
            .with_hint("YYYY-MM-DD, the end of that day; read-only while set; empty: back to today"),
    })
}

impl Spec for AsOf {
    type Field = AsOfField;

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let text = form.text(F::Date);
        if text.trim().is_empty() {
            return Some(Effect::SetAsOf { day: None });
        }
        let day = match parse_date(&text) {
            Ok(d) if d > self.today => Err(format!("{d} has not come yet: the books as of today are the page itself")),
            Ok(d) if d == self.today => return Some(Effect::SetAsOf { day: None }),
            other => other,
        };
        let day = form.check(F::Date, day);
        Some(Effect::SetAsOf { day: Some(day?) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::forms::testing::{error, typed};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn asked(text: &str) -> (Option<Effect>, Option<String>) {
        let mut fd = open(None, d("2026-12-05"));
        typed(&mut fd, F::Date, text);
        (fd.validate(), error(&mut fd, F::Date))
    }

    #[test]
    fn a_past_day_today_empty_and_the_future() {
        assert_eq!(previous_month_end(d("2026-12-05")), d("2026-11-30"));
        assert_eq!(previous_month_end(d("2026-03-01")), d("2026-02-28"));
        let mut fd = open(None, d("2026-12-05"));
        assert_eq!(fd.validate(), Some(Effect::SetAsOf { day: Some(d("2026-11-30")) }), "last month's end by default");
        assert_eq!(asked("2025-12-31").0, Some(Effect::SetAsOf { day: Some(d("2025-12-31")) }));
        assert_eq!(asked("  ").0, Some(Effect::SetAsOf { day: None }));
        assert_eq!(asked("2026-12-05").0, Some(Effect::SetAsOf { day: None }));
        let (effect, why) = asked("2026-12-06");
        assert_eq!(effect, None);
        assert_eq!(why.as_deref(), Some("2026-12-06 has not come yet: the books as of today are the page itself"));
        assert_eq!(asked("30/11/2026").0, None);
        assert!(asked("2026-02-30").1.is_some());
    }
}
