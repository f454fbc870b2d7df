//! A text cell on its way into a spreadsheet file: a spreadsheet opening a
//! CSV runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or a
//! carriage return before one) as a formula, so a customer named
//! `=HYPERLINK(…)` or `=cmd|' /C calc'!A0` would act on the reader's
//! machine. Such a cell is written with a leading `'`, which spreadsheets
//! show as text and do not display. Only for text from data: amounts and
//! dates ardesk writes itself (`-12.50`) stay numbers.

use std::borrow::Cow;

/// `s` as a spreadsheet will show it and never evaluate it.
pub fn defuse_formula(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_run_get_a_quote() {
        assert_eq!(defuse_formula("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(defuse_formula("+1"), "'+1");
        assert_eq!(defuse_formula("-2+3"), "'-2+3");
        assert_eq!(defuse_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse_formula("\t=1"), "'\t=1");
        assert_eq!(defuse_formula("\r=1"), "'\r=1");
    }

    #[test]
    fn other_cells_are_untouched() {
        assert!(matches!(defuse_formula("INV-0042"), Cow::Borrowed("INV-0042")));
        assert!(matches!(defuse_formula("a=b"), Cow::Borrowed(_)));
        assert!(matches!(defuse_formula(""), Cow::Borrowed("")));
        assert!(matches!(defuse_formula("山田商事"), Cow::Borrowed(_)));
    }
}
