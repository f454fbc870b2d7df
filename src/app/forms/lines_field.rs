//! A field of lines typed as rows of text (`domain::lines::ENTRY_HELP`),
//! beside the amount they make: an invoice's lines and total, a credit
//! note's lines and amount. With lines that all read, the amount is their
//! sum and cannot be typed; the lines' hint counts them.

use super::{FieldId, FormOf};
use crate::domain::lines::{self, ENTRY_HELP, Line};
use crate::domain::money::{Currency, Money};

/// Makes the amount field `amount` follow the lines in `rows`: their sum
/// while they all read, else typed again (`hint`), starting from `typed`.
pub fn follow<F: FieldId>(form: &mut FormOf<'_, F>, rows: F, amount: F, currency: Currency, hint: &str, typed: &str) {
    let texts = form.field(rows).row_texts();
    let read: Option<Vec<Line>> = texts.iter().map(|r| lines::parse_entered(r, currency).ok()).collect();
    let sum = read.as_deref().and_then(|l| lines::entered_total(l, currency).ok().flatten());
    match sum {
        Some(sum) if !texts.is_empty() => {
            let total = form.field_mut(amount);
            total.set_text(&Money::new(sum, currency).plain());
            total.enabled = false;
            total.hint = Some("the sum of the lines".into());
            let n = texts.len();
            form.field_mut(rows).hint =
                Some(format!("{n} line{} · {}", if n == 1 { "" } else { "s" }, Money::new(sum, currency).display()));
        }
        _ => {
            let total = form.field_mut(amount);
            if !total.enabled {
                total.enabled = true;
                total.set_text(typed);
            }
            total.hint = Some(hint.into());
            form.field_mut(rows).hint = Some(ENTRY_HELP.into());
        }
    }
}

/// The lines typed, each read; the first that does not read is marked
/// with its row number.
pub fn read<F: FieldId>(form: &mut FormOf<'_, F>, rows: F, currency: Currency) -> Option<Vec<Line>> {
    let texts = form.field(rows).row_texts();
    let mut out = Vec::with_capacity(texts.len());
    for (i, row) in texts.iter().enumerate() {
        match lines::parse_entered(row, currency) {
            Ok(l) => out.push(l),
            Err(e) => {
                form.set_error(rows, format!("line {}: {e}", i + 1));
                return None;
            }
        }
    }
    Some(out)
}

/// The amount the lines make, more than nothing (`nothing` says why it
/// must be), or the reason they cannot.
pub fn total<F: FieldId>(
    form: &mut FormOf<'_, F>,
    rows: F,
    l: &[Line],
    currency: Currency,
    nothing: &str,
) -> Option<i64> {
    match lines::entered_total(l, currency) {
        Ok(Some(t)) if t > 0 => Some(t),
        Ok(_) => {
            form.set_error(rows, nothing);
            None
        }
        Err(e) => {
            form.set_error(rows, e);
            None
        }
    }
}

/// Reads the lines and the amount: the lines' sum when rows were typed,
/// else the amount typed (more than zero).
pub fn amount<F: FieldId>(
    form: &mut FormOf<'_, F>,
    rows: F,
    amount: F,
    currency: Currency,
    nothing: &str,
) -> (Option<Vec<Line>>, Option<i64>) {
    let lines = read(form, rows, currency);
    let total = if form.field(rows).row_texts().is_empty() {
        form.amount(amount, currency, true)
    } else {
        lines.as_deref().and_then(|l| total(form, rows, l, currency, nothing))
    };
    (lines, total)
}
