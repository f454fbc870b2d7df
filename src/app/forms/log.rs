//! `L` on the Conversations tab or a thread, `n` on the tab: a person logs
//! what happened — a call, an email, a letter or a note, which way it went,
//! what was said and what came of it — on the conversation or on a new one;
//! links invoices to it; sets its status after; and records the
//! customer's promise to pay (an amount by a day, on those invoices).
//! Invoices are named by their numbers (a customer may have a million; the
//! store says which number is not theirs).

use super::{FormDialog, FormOf, Spec, build, labels, position};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::collections::{
    BODY_MAX, Channel, ConvStatus, ConversationRow, Direction, LogEntry, MessageKind, OUTCOME_MAX, SUBJECT_MAX,
};
use crate::domain::date::parse_date;
use crate::domain::money::{Currency, parse_amount};
use chrono::NaiveDate;

field_ids! {
    pub enum LogField { Subject, Channel, Kind, Direction, Said, Outcome, Invoices, Status, PromiseAmount, PromiseBy }
}
use LogField as F;

const KINDS: &[MessageKind] =
    &[MessageKind::Call, MessageKind::Email, MessageKind::Note, MessageKind::Letter, MessageKind::Portal];
const DIRECTIONS: &[Direction] = &[Direction::Out, Direction::In, Direction::Internal];

/// What a log form is for.
pub struct LogForm {
    customer_id: i64,
    currency: Currency,
    /// The conversation and its version; `None`: a new one.
    on: Option<(i64, i64)>,
    today: NaiveDate,
}

/// The numbers typed in the invoices field: split on commas and spaces.
pub fn numbers(typed: &str) -> Vec<String> {
    typed.split([',', ' ', ';']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// The form for logging on `c`, or on a new conversation when `c` is
/// `None` (its invoices field starting with `invoices`).
pub fn open(
    customer_id: i64,
    currency: Currency,
    c: Option<&ConversationRow>,
    invoices: &str,
    today: NaiveDate,
) -> FormDialog {
    let spec = LogForm { customer_id, currency, on: c.map(|c| (c.id, c.version)), today };
    let title = match c {
        Some(c) => format!("Log on “{}”", c.subject),
        None => "Log on a new conversation".to_string(),
    };
    let status = c.map_or(ConvStatus::Open, |c| c.status);
    build(title, spec, |f| match f {
        F::Subject => match c {
            Some(c) => Field::text("Subject", &c.subject).disabled("the conversation's"),
            None => Field::text("Subject", "").with_hint("what it is about, e.g. INV-000123 overdue"),
        },
        F::Channel => {
            let channel = c.map_or(Channel::Phone, |c| c.channel);
            let field = Field::choice("Channel", labels(Channel::ALL, Channel::label), position(Channel::ALL, channel));
            if c.is_some() { field.disabled("the conversation's") } else { field }
        }
        F::Kind => Field::choice("What", labels(KINDS, MessageKind::label), 0),
        F::Direction => Field::choice("Which way", labels(DIRECTIONS, Direction::label), 0)
            .with_hint("to the customer, from them, or a note only we see"),
        F::Said => Field::rows("What was said", &[]).with_hint("Enter adds a line"),
        F::Outcome => Field::text("Outcome", "").with_hint("e.g. left a voicemail; will pay Friday"),
        F::Invoices => Field::text("Invoices", invoices).with_hint("numbers, comma-separated: linked to it"),
        F::Status => {
            Field::choice("Status after", labels(ConvStatus::ALL, status_label), position(ConvStatus::ALL, status))
        }
        F::PromiseAmount => Field::text("Promise to pay", "").with_hint("an amount the customer promised; empty: none"),
        F::PromiseBy => Field::text("Promised by", "").with_hint("YYYY-MM-DD, the day they promised to pay by"),
    })
}

/// "Resolved" is by a person here: the form says so.
fn status_label(s: ConvStatus) -> &'static str {
    match s {
        ConvStatus::Open => "Open",
        ConvStatus::Waiting => "Waiting on the customer",
        ConvStatus::Resolved => "Resolved (by you)",
    }
}

impl Spec for LogForm {
    type Field = LogField;

    /// A note goes nowhere: its direction follows.
    fn follow(&self, form: &mut FormOf<'_, F>) {
        let note = KINDS[form.selected(F::Kind).min(KINDS.len() - 1)] == MessageKind::Note;
        if note
            && !form.field(F::Direction).touched
            && let crate::app::form::FieldKind::Choice { selected, .. } = &mut form.field_mut(F::Direction).kind
        {
            *selected = position(DIRECTIONS, Direction::Internal);
        }
    }

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let subject = form.text(F::Subject).trim().to_string();
        if self.on.is_none() {
            if subject.is_empty() {
                form.set_error(F::Subject, "say what the conversation is about");
            } else if subject.chars().count() > SUBJECT_MAX {
                form.set_error(F::Subject, format!("at most {SUBJECT_MAX} characters"));
            }
        }
        let said = form.text(F::Said).trim().to_string();
        let outcome = form.text(F::Outcome).trim().to_string();
        if said.is_empty() && outcome.is_empty() {
            form.set_error(F::Said, "say what was said, or its outcome below");
        }
        let n = said.chars().count();
        if n > BODY_MAX {
            form.set_error(F::Said, format!("at most {BODY_MAX} characters ({n} typed)"));
        }
        let n = outcome.chars().count();
        if n > OUTCOME_MAX {
            form.set_error(F::Outcome, format!("at most {OUTCOME_MAX} characters ({n} typed)"));
        }
        let numbers = numbers(&form.text(F::Invoices));
        let amount = form.text(F::PromiseAmount);
        let by = form.text(F::PromiseBy);
        let promise = match (amount.trim().is_empty(), by.trim().is_empty()) {
            (true, true) => None,
            (false, true) => {
                form.set_error(F::PromiseBy, "the day the customer promised to pay by");
                None
            }
            (true, false) => {
                form.set_error(F::PromiseAmount, "the amount the customer promised");
                None
            }
            (false, false) => {
                let minor = match parse_amount(&amount, self.currency) {
                    Ok(0) => Err("a promise is of more than zero".to_string()),
                    Ok(v) if v < 0 => Err("a promise is of more than zero".to_string()),
                    Ok(v) => Ok(v),
                    Err(e) => Err(e.to_string()),
                };
                let minor = form.check(F::PromiseAmount, minor);
                let day = match parse_date(&by) {
                    Ok(d) if d < self.today => Err(format!("{d} has passed: a promise is to pay today or later")),
                    other => other,
                };
                let day = form.check(F::PromiseBy, day);
                if numbers.is_empty() {
                    form.set_error(F::Invoices, "name the invoices the promise pays");
                }
                Some((minor?, day?))
            }
        };
        let entry = LogEntry {
            conversation_id: self.on.map(|o| o.0),
            version: self.on.map(|o| o.1),
            subject,
            channel: Channel::ALL[form.selected(F::Channel).min(Channel::ALL.len() - 1)],
            kind: KINDS[form.selected(F::Kind).min(KINDS.len() - 1)],
            direction: DIRECTIONS[form.selected(F::Direction).min(DIRECTIONS.len() - 1)],
            body: said,
            outcome,
            at: None,
            invoice_ids: Vec::new(),
            status: Some(ConvStatus::ALL[form.selected(F::Status).min(ConvStatus::ALL.len() - 1)]),
            promise: None,
        };
        Some(Effect::LogEntry {
            customer_id: self.customer_id,
            entry: Box::new(entry),
            invoices: numbers,
            promise: promise.map(|(minor, day)| (crate::domain::Money::new(minor, self.currency), day)),
            today: self.today,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{chosen, d, error, typed};
    use super::*;

    fn new_form() -> FormDialog {
        open(7, Currency::USD, None, "INV-000023", d("2026-12-05"))
    }

    #[test]
    fn a_call_with_a_promise_to_pay() {
        let mut fd = new_form();
        typed(&mut fd, F::Subject, "INV-000023 overdue");
        typed(&mut fd, F::Said, "Spoke to Dana; the cheque is in the post");
        typed(&mut fd, F::Outcome, "promised to pay");
        typed(&mut fd, F::Invoices, "INV-000023, INV-000029");
        typed(&mut fd, F::PromiseAmount, "600");
        typed(&mut fd, F::PromiseBy, "2026-12-15");
        chosen(&mut fd, F::Status, 1);
        let Some(Effect::LogEntry { customer_id, entry, invoices, promise, .. }) = fd.validate() else {
            panic!("a valid form")
        };
        assert_eq!(customer_id, 7);
        assert_eq!(entry.subject, "INV-000023 overdue");
        assert_eq!(entry.kind, MessageKind::Call);
        assert_eq!(entry.direction, Direction::Out);
        assert_eq!(entry.status, Some(ConvStatus::Waiting));
        assert_eq!(invoices, ["INV-000023", "INV-000029"]);
        assert_eq!(promise, Some((crate::domain::Money::new(60_000, Currency::USD), d("2026-12-15"))));
    }

    #[test]
    fn a_half_promise_and_a_past_day_are_refused() {
        let mut fd = new_form();
        typed(&mut fd, F::Subject, "x");
        typed(&mut fd, F::Said, "y");
        typed(&mut fd, F::PromiseAmount, "600");
        assert!(fd.validate().is_none());
        assert!(error(&mut fd, F::PromiseBy).is_some());
        typed(&mut fd, F::PromiseBy, "2026-12-04");
        assert!(fd.validate().is_none());
        assert!(error(&mut fd, F::PromiseBy).unwrap().contains("has passed"));
        typed(&mut fd, F::PromiseBy, "2026-12-05");
        typed(&mut fd, F::PromiseAmount, "0");
        assert!(fd.validate().is_none());
        assert!(error(&mut fd, F::PromiseAmount).unwrap().contains("more than zero"));
    }

    #[test]
    fn nothing_said_is_refused_and_a_note_goes_nowhere() {
        let mut fd = new_form();
        typed(&mut fd, F::Subject, "x");
        assert!(fd.validate().is_none());
        assert!(error(&mut fd, F::Said).is_some());
        chosen(&mut fd, F::Kind, 2);
        typed(&mut fd, F::Said, "internal");
        let Some(Effect::LogEntry { entry, .. }) = fd.validate() else { panic!("valid") };
        assert_eq!(entry.kind, MessageKind::Note);
        assert_eq!(entry.direction, Direction::Internal);
    }
}
