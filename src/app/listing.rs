//! How a confirmation or a refusal lists the invoices it is about: the
//! first few, then "… and N more" (`LISTED`), one shape for the write-offs,
//! small balances and voids.

use crate::domain::Money;

/// How many invoices a confirmation lists before "… and N more".
pub const LISTED: usize = 8;

/// The first `LISTED` of `rows` as lines, then how many more there are.
pub fn first_few<T>(rows: &[T], line: impl Fn(&T) -> String) -> Vec<String> {
    let mut lines: Vec<String> = rows.iter().take(LISTED).map(line).collect();
    if rows.len() > LISTED {
        lines.push(format!("  … and {} more", crate::domain::money::group_thousands((rows.len() - LISTED) as u64)));
    }
    lines
}

/// "  INV-000031  $12.00", for (id, number, amount) rows.
pub fn amounts(rows: &[(i64, String, Money)]) -> Vec<String> {
    first_few(rows, |(_, number, m)| format!("  {number}  {}", m.display()))
}

/// "  INV-000031 is paid: …", for (number, reason) rows whose reason
/// names the invoice already.
pub fn reasons(rows: &[(String, String)]) -> Vec<String> {
    first_few(rows, |(_, why)| format!("  {why}"))
}

/// What a form over `ids` is about — the invoice's number when it is one,
/// else "N invoices" — or, when none of them can be taken, why not:
/// `none_one` / `none_many` and the reasons.
pub fn what_or_why(
    ids: usize,
    taken: &[(i64, String, Money)],
    refused: &[(String, String)],
    none_one: &str,
    none_many: &str,
) -> Result<String, String> {
    if taken.is_empty() {
        let mut lines = vec![if ids == 1 { none_one } else { none_many }.to_string()];
        lines.extend(reasons(refused));
        return Err(lines.join("\n"));
    }
    Ok(match taken {
        [(_, number, _)] if ids == 1 => number.clone(),
        _ => crate::domain::money::counted(ids, "invoice", "invoices"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    #[test]
    fn the_first_few_then_how_many_more() {
        let rows: Vec<(i64, String, Money)> =
            (1..=10).map(|i| (i, format!("INV-{i}"), Money::new(i * 100, Currency::USD))).collect();
        let lines = amounts(&rows);
        assert_eq!(lines.len(), LISTED + 1);
        assert_eq!(lines[0], "  INV-1  $1.00");
        assert_eq!(lines[LISTED], "  … and 2 more");
        assert_eq!(amounts(&rows[..2]).len(), 2, "no 'more' line when all fit");
    }

    #[test]
    fn a_refusal_names_each_invoice_once() {
        let refused = vec![("INV-1".to_string(), "INV-1 is paid".to_string())];
        let why = what_or_why(1, &[], &refused, "This invoice cannot:", "None can:").unwrap_err();
        assert_eq!(why, "This invoice cannot:\n  INV-1 is paid");
        let taken = vec![(7, "INV-7".to_string(), Money::new(300, Currency::USD))];
        assert_eq!(what_or_why(1, &taken, &[], "", "").unwrap(), "INV-7");
        assert_eq!(what_or_why(3, &taken, &refused, "", "").unwrap(), "3 invoices");
        assert_eq!(what_or_why(43_961, &taken, &refused, "", "").unwrap(), "43,961 invoices");
    }
}
