//! Dates, times and yes/no values as exports write them.

use chrono::{DateTime, NaiveDate};

/// The calendar date of a date or date-time cell: "2023-09-08",
/// "2023-09-08 00:38", "2023-09-08T00:38:54Z", "2023-09-08T00:38:54.000+0000"
/// (the date as written: Stripe's "(UTC)" columns are UTC), "08.09.2023",
/// and day/month forms only when the day is over 12 ("25/09/2023",
/// "9/25/2023"); "03/04/2023" is refused as ambiguous.
pub fn parse_date(input: &str) -> Result<NaiveDate, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err("the date is empty".into());
    }
    let date_part = s.split([' ', 'T']).next().unwrap_or(s);
    let bad = || format!("\"{s}\" is not a date (use YYYY-MM-DD)");
    if let Some((y, rest)) = date_part.split_once('-') {
        let (m, d) = rest.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 {
            return Err(bad());
        }
        return ymd(s, y, m, d);
    }
    if let Some((d, rest)) = date_part.split_once('.') {
        let (m, y) = rest.split_once('.').ok_or_else(bad)?;
        return ymd(s, y, m, d);
    }
    if let Some((a, rest)) = date_part.split_once('/') {
        let (b, y) = rest.split_once('/').ok_or_else(bad)?;
        if a.len() == 4 {
            return ymd(s, a, b, y);
        }
        let (na, nb): (u32, u32) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
        return match (na > 12, nb > 12) {
            (true, false) => ymd(s, y, b, a),
            (false, true) => ymd(s, y, a, b),
            (false, false) if na == nb => ymd(s, y, a, b),
            _ => Err(format!("\"{s}\" is ambiguous: day/month or month/day? (use YYYY-MM-DD)")),
        };
    }
    Err(bad())
}

fn ymd(s: &str, y: &str, m: &str, d: &str) -> Result<NaiveDate, String> {
    let num = |p: &str| -> Option<u32> {
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
    };
    let (Some(year), Some(m), Some(d)) = (num(y), num(m), num(d)) else {
        return Err(format!("\"{s}\" is not a date (use YYYY-MM-DD)"));
    };
    // A four-digit year is the year written: "0099" is the year 99 (out of
    // range), never 2099. Only a two-digit year ("9/25/23") is this
    // century's, as the reports that write them mean.
    let year = match y.len() {
        4 => year,
        2 => 2000 + year,
        _ => return Err(format!("\"{s}\" is not a date: write the year with four digits")),
    };
    let date = NaiveDate::from_ymd_opt(year as i32, m, d).ok_or_else(|| format!("\"{s}\" is not a calendar date"))?;
    in_range(s, date)
}

/// A date ardesk can store (`domain::bounds`), or why not, quoting `s`.
fn in_range(s: &str, date: NaiveDate) -> Result<NaiveDate, String> {
    match crate::domain::bounds::date_error(date) {
        None => Ok(date),
        Some(_) => Err(format!(
            "\"{s}\" is out of range: dates must fall between {} and {}",
            crate::domain::bounds::MIN_DATE,
            crate::domain::bounds::MAX_DATE
        )),
    }
}

/// An invoice's due date is never before its issue date: such a row is
/// refused, not moved (which date is wrong is the source's to say).
/// `written` gives both as the row wrote them, for the message.
pub fn due_not_before(
    issue: NaiveDate,
    due: NaiveDate,
    written: impl FnOnce() -> (String, String),
) -> Result<(), String> {
    if due >= issue {
        return Ok(());
    }
    let (issue, due) = written();
    Err(format!("the due date \"{}\" is before the issue date \"{}\"", due.trim(), issue.trim()))
}

/// Why an invoice with a negative total (`field` as written) is refused.
pub fn negative_total(field: &str, written: &str) -> String {
    format!("{field}: \"{written}\" is negative: a credit, not an invoice (credit notes are not imported)")
}

/// An optional date: empty cells are `None`.
pub fn parse_opt_date(input: &str) -> Result<Option<NaiveDate>, String> {
    if input.trim().is_empty() { Ok(None) } else { parse_date(input).map(Some) }
}

/// The UTC date of a Unix timestamp in seconds (Stripe's API).
pub fn unix_date(secs: i64) -> Result<NaiveDate, String> {
    let date = DateTime::from_timestamp(secs, 0)
        .map(|t| t.date_naive())
        .ok_or_else(|| format!("{secs} is not a timestamp"))?;
    in_range(&format!("{secs}"), date).map_err(|e| format!("{e} (it is {date})"))
}

/// "true"/"false" in any case, "yes"/"no", "1"/"0"; empty is `None`.
pub fn parse_bool(input: &str) -> Result<Option<bool>, String> {
    match input.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" | "yes" | "y" | "1" => Ok(Some(true)),
        "false" | "no" | "n" | "0" => Ok(Some(false)),
        other => Err(format!("\"{other}\" is not true or false")),
    }
}

/// Trimmed text, `None` when empty.
pub fn text(input: &str) -> Option<String> {
    let t = input.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_in_export_forms() {
        assert_eq!(parse_date("2023-09-08 00:38"), Ok(d("2023-09-08")));
        assert_eq!(parse_date("2024-06-07 02:38:54"), Ok(d("2024-06-07")));
        assert_eq!(parse_date("2006-04-15T03:23:15.000Z"), Ok(d("2006-04-15")));
        assert_eq!(parse_date("08.09.2023"), Ok(d("2023-09-08")));
        assert_eq!(parse_date("25/09/2023"), Ok(d("2023-09-25")));
        assert_eq!(parse_date("9/25/2023 14:00"), Ok(d("2023-09-25")));
        assert!(parse_date("03/04/2023").unwrap_err().contains("ambiguous"));
        assert!(parse_date("2023-02-30").unwrap_err().contains("calendar"));
        assert!(parse_date("soon").is_err());
        assert_eq!(unix_date(1_234_567_890), Ok(d("2009-02-13")));
    }

    #[test]
    fn four_digit_years_are_never_given_a_century() {
        assert_eq!(
            parse_date("0001-05-01").unwrap_err(),
            "\"0001-05-01\" is out of range: dates must fall between 1900-01-01 and 2199-12-31"
        );
        assert!(parse_date("0099-05-01").unwrap_err().contains("out of range"));
        assert!(parse_date("01.05.0099").unwrap_err().contains("out of range"));
        assert!(parse_date("5/25/0001").unwrap_err().contains("out of range"));
        assert!(parse_date("0100-01-01").unwrap_err().contains("out of range"));
        assert!(parse_date("2200-01-01").unwrap_err().contains("out of range"));
        assert!(parse_date("5/25/099").unwrap_err().contains("four digits"));
        assert_eq!(parse_date("9/25/23"), Ok(d("2023-09-25")));
        assert_eq!(parse_date("1900-01-01"), Ok(d("1900-01-01")));
        assert_eq!(parse_date("2199-12-31"), Ok(d("2199-12-31")));
        assert!(unix_date(-59_011_459_200).unwrap_err().contains("\"-59011459200\" is out of range"));
        assert!(unix_date(7_258_118_400).unwrap_err().contains("2200-01-01"));
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("TRUE"), Ok(Some(true)));
        assert_eq!(parse_bool("false"), Ok(Some(false)));
        assert_eq!(parse_bool(""), Ok(None));
        assert!(parse_bool("maybe").is_err());
    }
}
