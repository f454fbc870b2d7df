//! An imported invoice's lines and memo within what ardesk keeps: at most
//! `MAX_LINES` lines (the row is refused past it), amounts within the bound
//! of one amount (refused), a discount never positive (refused), a
//! description past `MAX_DESCRIPTION` characters or a memo past `MAX_MEMO`
//! cut with "…" (said in the report), and from a source, text that would act
//! on a terminal (escape and other control characters, bidi overrides)
//! refused with the line and the character named. Line breaks and tabs are
//! text; ardesk shows them inert.

use crate::domain::bounds::amount_error;
use crate::domain::lines::{Line, LineKind, MAX_DESCRIPTION, MAX_LINES};
use crate::domain::money::Currency;
use crate::store::writes::MAX_MEMO;

/// Checks lines for count, amounts and kinds; descriptions too long are cut.
/// Returns what was cut, for the report.
pub(crate) fn bounded(lines: &mut [Line], currency: Currency) -> Result<Vec<String>, String> {
    if lines.len() > MAX_LINES {
        return Err(format!("the invoice has {} lines; ardesk keeps at most {MAX_LINES}", lines.len()));
    }
    let mut cut = Vec::new();
    for (i, l) in lines.iter_mut().enumerate() {
        let n = i + 1;
        for (what, minor) in [("amount", Some(l.amount_minor)), ("tax", l.tax_minor)] {
            if let Some(e) = minor.and_then(|m| amount_error(m, currency)) {
                return Err(format!("line {n}'s {what}: {e}"));
            }
        }
        if l.kind == LineKind::Discount && l.amount_minor > 0 {
            return Err(format!("line {n} is a discount of a positive amount"));
        }
        if cut_to(&mut l.description, MAX_DESCRIPTION) {
            cut.push(format!("line {n}'s description was cut to {MAX_DESCRIPTION} characters"));
        }
    }
    Ok(cut)
}

/// A memo cut to `MAX_MEMO` characters; whether it was.
pub(crate) fn bounded_memo(memo: &mut String) -> bool {
    cut_to(memo, MAX_MEMO)
}

/// Cuts `s` to `most` characters, the last one `…`.
fn cut_to(s: &mut String, most: usize) -> bool {
    match s.char_indices().nth(most.saturating_sub(1)) {
        Some((at, _)) if s.chars().count() > most => {
            s.truncate(at);
            s.push('…');
            true
        }
        _ => false,
    }
}

/// Refuses text from a source that would act on a terminal: C0 and C1
/// control characters other than line breaks and tabs, DEL, and the bidi
/// embeddings, overrides and isolates that reorder what follows them.
pub(crate) fn inert(what: &str, s: &str) -> Result<(), String> {
    let acts = |c: char| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    match s.chars().enumerate().find(|(_, c)| acts(*c)) {
        Some((i, c)) => Err(format!(
            "{what} has a character that would act on a terminal (U+{:04X}, at character {}): ardesk does not \
             keep it",
            c as u32,
            i + 1
        )),
        None => Ok(()),
    }
}

/// `inert` for every line's description and the memo.
pub(crate) fn inert_text(lines: &[Line], memo: &str) -> Result<(), String> {
    for (i, l) in lines.iter().enumerate() {
        inert(&format!("line {}'s description", i + 1), &l.description)?;
    }
    inert("the memo", memo)
}

/// A source's lines and memo as ardesk keeps them, or why the row is
/// refused; what was cut, each said as "<what>: …" ("invoice INV-1",
/// "credit note CN-1") for the report's notes.
pub(crate) fn from_source(
    what: &str,
    lines: &mut [Line],
    memo: &mut String,
    currency: Currency,
) -> Result<Vec<String>, String> {
    inert_text(lines, memo)?;
    let mut cut = bounded(lines, currency)?;
    if bounded_memo(memo) {
        cut.push(format!("the memo was cut to {MAX_MEMO} characters"));
    }
    Ok(cut.into_iter().map(|c| format!("{what}: {c}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(desc: &str, amount: i64) -> Line {
        Line::item(desc, amount)
    }

    #[test]
    fn long_text_is_cut_and_said() {
        let mut lines = vec![item(&"é".repeat(MAX_DESCRIPTION + 5), 1), item("ok", 2)];
        let cut = bounded(&mut lines, Currency::USD).unwrap();
        assert_eq!(cut, ["line 1's description was cut to 1000 characters"]);
        assert_eq!(lines[0].description.chars().count(), MAX_DESCRIPTION);
        assert!(lines[0].description.ends_with("é…"));
        let mut exact = vec![item(&"x".repeat(MAX_DESCRIPTION), 1)];
        assert!(bounded(&mut exact, Currency::USD).unwrap().is_empty());
        let mut memo = "m".repeat(MAX_MEMO + 1);
        assert!(bounded_memo(&mut memo));
        assert_eq!(memo.chars().count(), MAX_MEMO);
    }

    #[test]
    fn counts_amounts_and_discounts_are_refused_past_the_bounds() {
        let mut many = vec![item("x", 1); MAX_LINES + 1];
        assert!(bounded(&mut many, Currency::USD).unwrap_err().contains("at most 1000"));
        let mut big = vec![item("x", 1), item("y", 10_000_000_000_001)];
        let e = bounded(&mut big, Currency::USD).unwrap_err();
        assert!(e.starts_with("line 2's amount: the amount is too large"), "{e}");
        let mut taxed = vec![Line { tax_minor: Some(-10_000_000_000_001), ..item("x", 1) }];
        assert!(bounded(&mut taxed, Currency::USD).unwrap_err().contains("line 1's tax"));
        let mut disc = vec![Line { kind: LineKind::Discount, ..item("d", 5) }];
        assert!(bounded(&mut disc, Currency::USD).unwrap_err().contains("discount"));
    }

    #[test]
    fn text_that_acts_on_a_terminal_is_refused_by_name() {
        assert!(inert("the memo", "PO 1234\nThank you\tall").is_ok());
        assert!(inert("the memo", "שלום \u{200f}עולם").is_ok(), "marks are text; overrides are not");
        let e = inert("line 2's description", "Seats \u{1b}]52;c;aGk=\u{7}").unwrap_err();
        assert!(
            e.starts_with("line 2's description has a character that would act on a terminal (U+001B, at character 7)"),
            "{e}"
        );
        assert!(inert("x", "abc\u{202e}fed").unwrap_err().contains("U+202E"));
        assert!(inert("x", "a\u{9b}b").unwrap_err().contains("U+009B"));
        assert!(inert_text(&[item("fine", 1), item("bad\u{7f}", 1)], "").unwrap_err().contains("line 2's"));
    }
}
