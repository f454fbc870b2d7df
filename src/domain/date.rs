//! Dates: parsing what people type, and the one clock for "today".

use chrono::{Datelike, NaiveDate};

/// The environment variable that fixes today's date, like `--today`.
pub const TODAY_ENV: &str = "ARDESK_TODAY";

/// Parses an ISO date ("2026-03-01") and explains what is wrong otherwise:
/// "2026-02-30" is refused because February 2026 has 28 days.
pub fn parse_date(input: &str) -> Result<NaiveDate, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err("enter a date as YYYY-MM-DD".into());
    }
    let parts: Vec<&str> = s.split('-').collect();
    let numeric = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || parts[0].len() != 4 || !parts.iter().all(|p| numeric(p)) {
        return Err(format!("\"{s}\" is not a date: use YYYY-MM-DD"));
    }
    let (y, m, d): (i32, u32, u32) = (
        parts[0].parse().map_err(|_| format!("\"{s}\": bad year"))?,
        parts[1].parse().map_err(|_| format!("\"{s}\": bad month"))?,
        parts[2].parse().map_err(|_| format!("\"{s}\": bad day"))?,
    );
    if !(1..=12).contains(&m) {
        return Err(format!("\"{s}\": there is no month {m}"));
    }
    let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        let days = days_in_month(y, m);
        format!("\"{s}\": {} {y} has {days} days", month_name(m))
    })?;
    match super::bounds::date_error(date) {
        Some(e) => Err(e),
        None => Ok(date),
    }
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(y, m, 1);
    let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    match (first, next) {
        (Some(a), Some(b)) => (b - a).num_days() as u32,
        _ => 31,
    }
}

fn month_name(m: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(m.clamp(1, 12) - 1) as usize]
}

/// The date in storage form (what SQLite holds).
pub fn iso(d: NaiveDate) -> String {
    // Without chrono's format parser: a bulk import writes millions.
    use chrono::Datelike;
    let mut s = String::with_capacity(10);
    let (y, m, day) = (d.year(), d.month(), d.day());
    let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{y:04}-{m:02}-{day:02}"));
    s
}

/// How dates show on the screen (`dates` in the configuration): ISO, or
/// the order the user's locale writes them in. Display only: files, CSV,
/// JSON and typed dates are ISO whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateStyle {
    #[default]
    Iso,
    /// 12/07/2026 (month first, as in the US).
    MonthDayYear,
    /// 07/12/2026 or 07.12.2026: day first, with this separator.
    DayMonthYear(char),
}

impl DateStyle {
    /// The one way a date is written on the screen.
    pub fn show(self, d: NaiveDate) -> String {
        let (y, m, day) = (d.year(), d.month(), d.day());
        match self {
            DateStyle::Iso => iso(d),
            DateStyle::MonthDayYear => format!("{m:02}/{day:02}/{y:04}"),
            DateStyle::DayMonthYear(sep) => format!("{day:02}{sep}{m:02}{sep}{y:04}"),
        }
    }

    /// A stored time ("2026-12-07T09:14:03Z", "2026-12-07 09:14") to the
    /// minute, its date as `show` writes it: "12/07/2026 09:14". Text
    /// that does not start with a date is cut to the same length as is.
    pub fn show_minute(self, at: &str) -> String {
        let iso_minute: String = at.replace('T', " ").chars().take(16).collect();
        match (at.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()), iso_minute.get(10..)) {
            (Some(d), Some(rest)) => format!("{}{rest}", self.show(d)),
            _ => iso_minute,
        }
    }

    /// The order a locale name ("en_US.UTF-8", "de_DE", "fr", "C") writes
    /// dates in: month first in the US, day first with a dot in much of
    /// central and eastern Europe, day first with a slash in the rest of
    /// Europe and the Commonwealth, ISO elsewhere (ja, zh, ko, sv, lt, C,
    /// POSIX, and any locale not listed).
    pub fn of_locale(locale: &str) -> DateStyle {
        let name = locale.split(['.', '@']).next().unwrap_or("");
        let (lang, region) = name.split_once('_').unwrap_or((name, ""));
        match (lang, region) {
            (_, "US" | "PH") => DateStyle::MonthDayYear,
            ("en", "CA") => DateStyle::Iso,
            (
                "de" | "ru" | "pl" | "cs" | "sk" | "fi" | "nb" | "nn" | "no" | "da" | "tr" | "uk" | "ro" | "bg" | "hr"
                | "sl" | "sr" | "et" | "lv" | "is" | "be" | "kk",
                _,
            ) => DateStyle::DayMonthYear('.'),
            (
                "en" | "fr" | "es" | "it" | "pt" | "el" | "ga" | "cy" | "ca" | "gl" | "eu" | "vi" | "id" | "ms" | "he"
                | "ar" | "hi",
                _,
            ) => DateStyle::DayMonthYear('/'),
            _ => DateStyle::Iso,
        }
    }

    /// The locale that governs dates, as the C library decides it: the
    /// first set and non-empty of `LC_ALL`, `LC_TIME`, `LANG`.
    pub fn locale_from(var: impl Fn(&str) -> Option<String>) -> String {
        ["LC_ALL", "LC_TIME", "LANG"].iter().filter_map(|v| var(v)).find(|s| !s.is_empty()).unwrap_or_default()
    }
}

/// Reads a stored ISO date; storage CHECKs guarantee the form.
pub fn from_iso(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// Adds months, clamping the day to the end of a shorter month.
pub fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    let total = d.month0() + months;
    let y = d.year() + (total / 12) as i32;
    let m = total % 12 + 1;
    let day = d.day().min(days_in_month(y, m));
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(d)
}

/// Decides today's date: `--today`, else `ARDESK_TODAY`, else the local date.
pub fn resolve_today(flag: Option<NaiveDate>) -> Result<NaiveDate, String> {
    if let Some(d) = flag {
        return Ok(d);
    }
    match std::env::var(TODAY_ENV) {
        Ok(v) if !v.trim().is_empty() => parse_date(&v).map_err(|e| format!("{TODAY_ENV}: {e}")),
        _ => Ok(chrono::Local::now().date_naive()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_explains() {
        assert_eq!(parse_date("2026-03-01"), Ok(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()));
        assert_eq!(parse_date("2026-02-30").unwrap_err(), "\"2026-02-30\": February 2026 has 28 days");
        assert_eq!(parse_date("2028-02-29").map(|d| d.day()), Ok(29));
        assert_eq!(parse_date("2026-13-01").unwrap_err(), "\"2026-13-01\": there is no month 13");
        assert!(parse_date("01/02/2026").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("").is_err());
        assert!(parse_date("2026-1-1x").is_err());
        // Outside the stored range: a typo'd century is refused, not kept.
        assert_eq!(
            parse_date("0100-01-01").unwrap_err(),
            "0100-01-01: dates must fall between 1900-01-01 and 2199-12-31"
        );
        assert!(parse_date("2200-01-01").is_err());
        assert!(parse_date("1900-01-01").is_ok());
        assert!(parse_date("2199-12-31").is_ok());
    }

    #[test]
    fn month_arithmetic_clamps() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(iso(add_months(d, 1)), "2026-02-28");
        assert_eq!(iso(add_months(d, 12)), "2027-01-31");
    }
}

/// A billing period as people say it: "Mar 2026", "2026-Q1", "2026",
/// else "2026-03-15 → 04-14".
pub fn period_label(start: NaiveDate, end: NaiveDate) -> String {
    let first_of_month = start.day() == 1;
    let last_of_month = end.day() == days_in_month(end.year(), end.month());
    if first_of_month && last_of_month && start.year() == end.year() {
        let months = end.month() - start.month() + 1;
        if months == 1 {
            return start.format("%b %Y").to_string();
        }
        if months == 3 && (start.month() - 1).is_multiple_of(3) {
            return format!("{}-Q{}", start.year(), (start.month() - 1) / 3 + 1);
        }
        if months == 12 {
            return start.year().to_string();
        }
    }
    if start.year() == end.year() {
        format!("{} → {}", iso(start), end.format("%m-%d"))
    } else {
        format!("{} → {}", iso(start), iso(end))
    }
}

#[cfg(test)]
mod style_tests {
    use super::*;

    #[test]
    fn locales_order_the_day_month_and_year() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let show = |l: &str| DateStyle::of_locale(l).show(d);
        assert_eq!(show("en_US.UTF-8"), "12/07/2026");
        for l in ["en_GB.UTF-8", "fr_FR", "es_ES.utf8", "it_IT"] {
            assert_eq!(show(l), "07/12/2026", "{l}");
        }
        for l in ["de_DE.UTF-8", "ru_RU", "pl_PL"] {
            assert_eq!(show(l), "07.12.2026", "{l}");
        }
        for l in ["ja_JP.UTF-8", "zh_CN", "ko_KR", "sv_SE", "C", "POSIX", "C.UTF-8", ""] {
            assert_eq!(show(l), "2026-12-07", "{l}");
        }
        let env = |v: &str| match v {
            "LC_ALL" => Some(String::new()),
            "LANG" => Some("de_DE".to_string()),
            _ => None,
        };
        assert_eq!(DateStyle::locale_from(env), "de_DE");
    }
}

#[cfg(test)]
mod period_tests {
    use super::*;

    #[test]
    fn periods_read_naturally() {
        let d = |s| parse_date(s).unwrap();
        assert_eq!(period_label(d("2026-03-01"), d("2026-03-31")), "Mar 2026");
        assert_eq!(period_label(d("2026-04-01"), d("2026-06-30")), "2026-Q2");
        assert_eq!(period_label(d("2026-01-01"), d("2026-12-31")), "2026");
        assert_eq!(period_label(d("2026-03-15"), d("2026-04-14")), "2026-03-15 → 04-14");
        assert_eq!(period_label(d("2025-12-15"), d("2026-01-14")), "2025-12-15 → 2026-01-14");
    }
}

#[cfg(test)]
mod minute_tests {
    use super::*;

    #[test]
    fn a_stored_time_shows_to_the_minute_in_the_date_style() {
        let at = "2026-12-07T09:14:03Z";
        assert_eq!(DateStyle::Iso.show_minute(at), "2026-12-07 09:14");
        assert_eq!(DateStyle::MonthDayYear.show_minute(at), "12/07/2026 09:14");
        assert_eq!(DateStyle::DayMonthYear('.').show_minute("2026-12-07 09:14"), "07.12.2026 09:14");
        assert_eq!(DateStyle::DayMonthYear('/').show_minute("2026-12-07"), "07/12/2026", "a day alone");
        // Not a date: cut as it is, never a panic on a short or odd text.
        for odd in ["", "x", "2026-13-40T00:00", "é2026-12-07T09:14", "2026-12-0é"] {
            let shown = DateStyle::MonthDayYear.show_minute(odd);
            assert!(shown.chars().count() <= 16, "{odd}: {shown}");
        }
        assert_eq!(DateStyle::MonthDayYear.show_minute("2026-13-40T00:00"), "2026-13-40 00:00");
    }
}
