//! `FormOf<F>`: a form read and marked through its own field enum, with
//! the checks several forms share (dates, amounts).

use super::FieldId;
use crate::app::form::{Field, Form};
use crate::domain::date::parse_date;
use crate::domain::money::{Currency, parse_amount};
use chrono::NaiveDate;
use std::marker::PhantomData;

/// A form whose fields are the variants of `F`, in order.
pub struct FormOf<'a, F> {
    form: &'a mut Form,
    fields: PhantomData<F>,
}

impl<'a, F: FieldId> FormOf<'a, F> {
    /// Only for a form built from `F::ALL` (`forms::build`, and tests of a
    /// form), so that every `F` has its field.
    pub(super) fn new(form: &'a mut Form) -> Self {
        FormOf { form, fields: PhantomData }
    }

    pub fn field(&self, f: F) -> &Field {
        &self.form.fields[f.index()]
    }

    pub fn field_mut(&mut self, f: F) -> &mut Field {
        &mut self.form.fields[f.index()]
    }

    /// The field's value as text, trimmed.
    pub fn text(&self, f: F) -> String {
        self.field(f).value().trim().to_string()
    }

    /// The option chosen in a choice.
    pub fn selected(&self, f: F) -> usize {
        self.field(f).selected()
    }

    /// A toggle is on.
    pub fn on(&self, f: F) -> bool {
        self.field(f).on()
    }

    pub fn set_error(&mut self, f: F, msg: impl Into<String>) {
        self.field_mut(f).error = Some(msg.into());
    }

    pub fn has_errors(&self) -> bool {
        self.form.has_errors()
    }

    /// A default that follows other fields: set unless the user typed in
    /// the field.
    pub fn set_default(&mut self, f: F, value: &str) {
        let field = self.field_mut(f);
        if !field.touched {
            field.set_text(value);
        }
    }

    /// Records a field's error and gives `None`.
    pub fn check<T>(&mut self, f: F, r: Result<T, String>) -> Option<T> {
        r.map_err(|e| self.set_error(f, e)).ok()
    }

    pub fn date(&mut self, f: F) -> Option<NaiveDate> {
        let r = parse_date(&self.text(f));
        self.check(f, r)
    }

    /// An amount in `currency`; `positive`: zero is refused too.
    pub fn amount(&mut self, f: F, currency: Currency, positive: bool) -> Option<i64> {
        let r = parse_amount(&self.text(f), currency)
            .map_err(|e| e.to_string())
            .and_then(|v| if positive && v == 0 { Err("the amount must be more than zero".into()) } else { Ok(v) });
        self.check(f, r)
    }
}
