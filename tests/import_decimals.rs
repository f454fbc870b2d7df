//! The decimal mark of a file's amounts is decided once, from all of
//! them, before any row is read as money. Learning it row by row made row
//! order change values (EUR `1.500` then `2.500,00` stored €1.50 and
//! €2,500.00; the other way round €1,500.00) and read yen `1.000` as ¥1.

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::domain::bounds::MAX_AMOUNT_MINOR;
use ardesk::domain::{Currency, Money};
use ardesk::import::marks::Mark;
use ardesk::import::{Counted, ImportError, ImportOptions, ImportReport, run_import_into};
use ardesk::store::Books;
use imp::books::invoice;
use imp::{today, usd};
use proptest::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use support::backends::{Held, on_postgres, postgres, sqlite};

/// Empty books of another database on the same backend as `b`.
fn another(b: &Books) -> (Held, Books) {
    if on_postgres(b) { postgres().unwrap() } else { sqlite() }
}

const HEADER: &str =
    "id;Amount Due;Amount Paid;Currency;Customer;Customer Name;Date (UTC);Due Date (UTC);Number;Status;Total\n";

/// A `;`-separated Stripe invoices export (a spreadsheet's re-save) of
/// open invoices with these totals, numbered by their place in `rows`.
fn invoices(dir: &Path, name: &str, rows: &[(&str, &str, &str)]) -> PathBuf {
    let mut text = String::from(HEADER);
    for (number, currency, total) in rows {
        let cust = format!("cus_{currency}");
        let _ = writeln!(
            text,
            "in_{number};{total};0;{currency};{cust};Customer {currency};2026-01-05;2026-02-04;{number};open;{total}"
        );
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn total(s: &Books, currency: &str, number: &str) -> Money {
    invoice(s, &format!("stripe:cus_{currency}"), number).total
}

/// Imports the file into fresh books on `b`'s backend.
fn import(b: &Books, path: &Path, opts: &ImportOptions) -> (Held, Books, Result<ImportReport, ImportError>) {
    let (held, mut s) = another(b);
    let r = run_import_into(&mut s, &[path.to_path_buf()], opts, false);
    (held, s, r)
}

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::EUR)
}

on_both! {
fn row_order_does_not_change_a_files_amounts(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let rows = [("E-1", "eur", "1.500"), ("E-2", "eur", "2.500,00")];
    let reversed = [rows[1], rows[0]];
    for (name, rows) in [("a.csv", &rows), ("b.csv", &reversed)] {
        let (_held, s, r) = import(b, &invoices(dir.path(), name, rows), &ImportOptions::default());
        r.unwrap();
        assert_eq!((total(&s, "eur", "E-1"), total(&s, "eur", "E-2")), (eur(150_000), eur(250_000)), "{name}");
    }
}
}

on_both! {
fn yen_never_read_a_thousands_group_as_decimals(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let rows = [("Y-1", "jpy", "1.000"), ("Y-2", "jpy", "1.000.000")];
    let (_held, s, r) = import(b, &invoices(dir.path(), "y.csv", &rows), &ImportOptions::default());
    r.unwrap();
    let yen = |m| Money::new(m, Currency::JPY);
    assert_eq!((total(&s, "jpy", "Y-1"), total(&s, "jpy", "Y-2")), (yen(1_000), yen(1_000_000)));
    // A file whose decimal mark is a point cannot hold ¥1.000: the row is
    // refused, never read as ¥1.
    let rows = [("Y-1", "jpy", "1.000"), ("U-1", "usd", "1,250.50")];
    let point = ImportOptions { decimal: Some(Mark::Point), ..Default::default() };
    let (_held, _s, r) = import(b, &invoices(dir.path(), "y2.csv", &rows), &point);
    let Err(ImportError::Refused { report }) = r else { panic!("{r:?}") };
    assert!(
        report.to_string().contains("y2.csv:2 REFUSED (invoices): Total: \"1.000\" reads only with a decimal comma"),
        "{report}"
    );
}
}

on_both! {
/// USD `1.000` alone was stored as $1.00 while `1,000` was refused: both
/// are refused now, the file whole and the line named, until the user says
/// which mark is the decimal mark.
fn a_file_whose_amounts_do_not_show_their_mark_is_refused_until_told(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    for (cell, point, comma) in [("1.000", 100, 100_000), ("1,000", 100_000, 100)] {
        let path = invoices(dir.path(), "alone.csv", &[("U-0", "usd", "12"), ("U-1", "usd", cell)]);
        for opts in [ImportOptions::default(), ImportOptions { skip_bad_rows: true, ..Default::default() }] {
            let (_held, s, r) = import(b, &path, &opts);
            let e = r.unwrap_err();
            let text = e.to_string();
            assert!(matches!(e, ImportError::File { .. }), "{text}");
            assert!(
                text.contains(&format!(
                    "alone.csv: its amounts do not show which mark is the decimal mark: line 3's Total \"{cell}\""
                )),
                "{text}"
            );
            assert!(text.contains("pass --decimal-point or --decimal-comma"), "{text}");
            assert!(s.customer_list(today()).unwrap().is_empty());
        }
        for (mark, want) in [(Mark::Point, point), (Mark::Comma, comma)] {
            let (_held, s, r) = import(b, &path, &ImportOptions { decimal: Some(mark), ..Default::default() });
            r.unwrap();
            assert_eq!(total(&s, "usd", "U-1"), usd(want), "{cell} {mark:?}");
        }
    }
}
}

on_both! {
fn a_file_written_both_ways_is_refused_naming_both_lines(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let rows = [("M-1", "usd", "1,000.50"), ("M-2", "usd", "12"), ("M-3", "usd", "2.500,00")];
    let path = invoices(dir.path(), "mixed.csv", &rows);
    let (_held, _s, r) = import(b, &path, &ImportOptions { skip_bad_rows: true, ..Default::default() });
    let text = r.unwrap_err().to_string();
    assert!(
        text.contains(
            "mixed.csv: its amounts are written both ways: line 2's Total \"1,000.50\" reads only with a decimal \
             point, line 4's Total \"2.500,00\" only with a decimal comma"
        ),
        "{text}"
    );
    // Told, the rows that do not read that way are refused by line.
    let comma = ImportOptions { decimal: Some(Mark::Comma), skip_bad_rows: true, ..Default::default() };
    let (_held, s, r) = import(b, &path, &comma);
    let r = r.unwrap();
    assert_eq!(r.count(Counted::Invoices).refused, 1, "{r}");
    assert!(r.to_string().contains("mixed.csv:2 REFUSED (invoices): Total: \"1,000.50\" reads only with a decimal point, but this file's amounts are read with a decimal comma (--decimal-comma)"), "{r}");
    assert_eq!(total(&s, "usd", "M-3"), usd(250_000));
}
}

/// How an amount is written in one convention.
#[derive(Debug, Clone)]
struct Style {
    /// The thousands separator, if any: 0 the convention's other mark, 1 a
    /// space, 2 a no-break space, 3 an apostrophe.
    group: Option<u8>,
    /// Zeros after the last decimal digit: "1.50" as "1.5", "1.50" or "1.500".
    zeros: u8,
    /// Write the decimals of a whole amount at all ("1500" or "1500.00").
    whole_decimals: bool,
}

fn style() -> impl Strategy<Value = Style> {
    (prop::option::of(0u8..4), 0u8..3, any::<bool>()).prop_map(|(group, zeros, whole_decimals)| Style {
        group,
        zeros,
        whole_decimals,
    })
}

/// `minor` of a currency with `exp` decimals, written with `mark`.
fn write_amount(minor: i64, exp: u32, mark: Mark, style: &Style) -> String {
    let (dec, other) = if mark == Mark::Point { ('.', ',') } else { (',', '.') };
    let scale = 10i64.pow(exp);
    let (units, frac) = (minor / scale, minor % scale);
    let digits = units.to_string();
    let mut int = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            match style.group {
                Some(0) => int.push(other),
                Some(1) => int.push(' '),
                Some(2) => int.push('\u{a0}'),
                Some(3) => int.push('\''),
                _ => {}
            }
        }
        int.push(c);
    }
    if exp == 0 {
        // Yen take no decimals, though a spreadsheet may add zeros ("1000.00").
        return if style.whole_decimals {
            format!("{int}{dec}{}", "0".repeat(1 + style.zeros as usize % 2))
        } else {
            int
        };
    }
    if frac == 0 && !style.whole_decimals {
        return int;
    }
    let mut f = format!("{frac:0width$}", width = exp as usize);
    match style.zeros {
        0 => {
            let kept = f.trim_end_matches('0').len().max(1);
            f.truncate(kept);
        }
        1 => {}
        _ => f.push('0'),
    }
    format!("{int}{dec}{f}")
}

const CURRENCIES: [&str; 4] = ["usd", "eur", "jpy", "kwd"];

/// Whole units: any, or the few, round and small ones whose written forms
/// read two ways ("1.500", "2,000").
fn units() -> impl Strategy<Value = i64> {
    prop_oneof![0i64..=MAX_AMOUNT_MINOR / 1000, (1i64..1000).prop_map(|u| u * 1000), 0i64..10, 1000i64..1_000_000]
}

/// The minor part (taken modulo the currency's scale): none, or any.
fn fraction() -> impl Strategy<Value = i64> {
    prop_oneof![Just(0i64), 0i64..1000, (1i64..10).prop_map(|d| d * 10)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Any set of amounts written in one convention, in any row order,
    /// reads back to the same minor units, or the file is refused as
    /// ambiguous: never another value.
    #[test]
    fn amounts_written_one_way_read_back_or_are_refused_never_changed(
        amounts in prop::collection::vec((0usize..4, units(), fraction(), style()), 1..6),
        point in any::<bool>(),
        order in any::<prop::sample::Index>(),
    ) {
        // SQLite in memory only: the marks are decided before any row
        // reaches a store, and fresh books on disk or on the server for
        // each of 192 imports take a minute (the tests above run on both).
        let mark = if point { Mark::Point } else { Mark::Comma };
        let mut cells: Vec<(String, &str, i64, String)> = Vec::new();
        for (i, (c, units, frac, style)) in amounts.iter().enumerate() {
            let cur = CURRENCIES[*c];
            let exp = cur.to_ascii_uppercase().parse::<Currency>().unwrap().exponent();
            let scale = 10i64.pow(exp);
            let minor = (units * scale + frac % scale).min(MAX_AMOUNT_MINOR);
            cells.push((format!("P-{i}"), cur, minor, write_amount(minor, exp, mark, style)));
        }
        let dir = tempfile::tempdir().unwrap();
        let mut outcomes = Vec::new();
        let n = cells.len();
        let start = order.index(n);
        for (name, rotate) in [("one.csv", 0), ("two.csv", start)] {
            let mut rows: Vec<(&str, &str, &str)> = cells.iter().map(|(num, cur, _, text)| (num.as_str(), *cur, text.as_str())).collect();
            rows.rotate_left(rotate);
            if name == "two.csv" {
                rows.reverse();
            }
            let mut s = Books::from(imp::store());
            let r = run_import_into(&mut s, &[invoices(dir.path(), name, &rows)], &ImportOptions::default(), false);
            match r {
                Ok(report) => {
                    prop_assert_eq!(report.count(Counted::Invoices).created as usize, n, "{}", report);
                    for (num, cur, minor, text) in &cells {
                        let code: Currency = cur.to_ascii_uppercase().parse().unwrap();
                        prop_assert_eq!(total(&s, cur, num), Money::new(*minor, code), "{} written {:?} with {:?}", num, text, mark);
                    }
                    outcomes.push("read".to_string());
                }
                Err(ImportError::File { reason, .. }) => {
                    prop_assert!(reason.contains("do not show which mark"), "{}", reason);
                    outcomes.push("ambiguous".to_string());
                }
                Err(e) => prop_assert!(false, "{}", e),
            }
        }
        prop_assert_eq!(&outcomes[0], &outcomes[1], "row order changed the outcome");
    }
}
