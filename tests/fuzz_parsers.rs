//! Property-based fuzzing of every parser a user or a file can reach:
//! amounts, dates, filter expressions, payment terms, emails, phones, path
//! lists and sanitising. Arbitrary input never panics, what parses
//! round-trips, and values written out in full (from edge values such as
//! the largest amount, one past it and `i64::MAX`) parse to exactly what was
//! written or are refused for the reason that applies.

use ardesk::app::complete::split_paths;
use ardesk::domain::Currency;
use ardesk::domain::bounds::{MAX_AMOUNT_MINOR, MAX_DATE, MIN_DATE};
use ardesk::domain::columns::{Col, Tab};
use ardesk::domain::date::{iso, parse_date};
use ardesk::domain::edit::{check_email, check_phone, parse_terms};
use ardesk::domain::filter::{Cond, Op, Term, Value, date_range, parse};
use ardesk::domain::money::{Money, MoneyError, parse_amount};
use ardesk::domain::text::{clean, is_plain, width};
use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use unicode_segmentation::UnicodeSegmentation;

fn currencies() -> impl Strategy<Value = Currency> {
    prop::sample::select(vec![Currency::USD, Currency::JPY, "KWD".parse().unwrap(), Currency::EUR])
}

/// Minor units from the whole `i64` range, weighted to the edges: 0, the
/// largest amount and one past it, `i64::MAX`.
fn minor_units() -> impl Strategy<Value = i64> {
    prop_oneof![
        prop::sample::select(vec![
            0,
            1,
            MAX_AMOUNT_MINOR - 1,
            MAX_AMOUNT_MINOR,
            MAX_AMOUNT_MINOR + 1,
            i64::MAX - 1,
            i64::MAX
        ]),
        0..=MAX_AMOUNT_MINOR,
        MAX_AMOUNT_MINOR - 1_000..=MAX_AMOUNT_MINOR + 1_000,
        MAX_AMOUNT_MINOR..=i64::MAX,
    ]
}

/// `minor` written as a person would: "1234.56" (plain), "1,234.56" (as shown).
fn written(minor: i64, c: Currency) -> (String, String) {
    let plain = Decimal::new(minor, c.exponent()).to_string();
    let shown = Money::new(minor, c).display().trim_start_matches(c.code()).trim().to_string();
    (plain, shown.trim_start_matches(['$', '€', '£', '¥']).to_string())
}

/// Dates from a little before the first stored date to a little after the last.
fn dates_around_the_range() -> impl Strategy<Value = NaiveDate> {
    let span = (MAX_DATE - MIN_DATE).num_days();
    prop_oneof![
        prop::sample::select(vec![MIN_DATE, MAX_DATE, MIN_DATE - Duration::days(1), MAX_DATE + Duration::days(1)]),
        (-400..=span + 400).prop_map(|n| MIN_DATE + Duration::days(n)),
    ]
}

fn in_range(d: NaiveDate) -> bool {
    (MIN_DATE..=MAX_DATE).contains(&d)
}

fn last_of_month(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).unwrap().pred_opt().unwrap()
}

/// What a comparison operator parses to (`:` on an amount is `=`).
fn op(o: &str) -> Op {
    match o {
        "<" => Op::Lt,
        "<=" => Op::Le,
        ">" => Op::Gt,
        ">=" => Op::Ge,
        _ => Op::Eq,
    }
}

/// One filter term on the Invoices tab, written out, and what it must parse
/// to (`None`: it must be refused).
fn invoice_terms() -> impl Strategy<Value = (String, Option<Term>)> {
    let ops = || prop::sample::select(vec!["<", "<=", ">", ">=", "=", ":"]);
    let total = (ops(), minor_units()).prop_map(|(o, minor)| {
        let (plain, _) = written(minor, Currency::USD);
        let want =
            (minor <= MAX_AMOUNT_MINOR).then(|| Term::Field(Col::InvTotal, Cond::Cmp(op(o), Value::Money(minor))));
        (format!("total{o}{plain}"), want)
    });
    let due = (ops(), dates_around_the_range()).prop_map(|(o, d)| {
        let cond = if o == ":" { Cond::Within(d, d) } else { Cond::Cmp(op(o), Value::Date(d)) };
        (format!("due{o}{}", iso(d)), in_range(d).then_some(Term::Field(Col::InvDue, cond)))
    });
    let quarter = (ops(), 1000..=9999i32, 1..=4u32).prop_map(|(o, y, q)| {
        let first = NaiveDate::from_ymd_opt(y, 3 * q - 2, 1).unwrap();
        let last = last_of_month(y, 3 * q);
        let cond = match o {
            ":" => Cond::Overlaps(first, last),
            "<" | ">=" => Cond::Cmp(op(o), Value::Date(first)),
            _ => Cond::Cmp(op(o), Value::Date(last)),
        };
        (format!("period{o}{y}-Q{q}"), Some(Term::Field(Col::InvPeriod, cond)))
    });
    let contract = "[A-Za-z0-9 ]{1,10}".prop_map(|v| {
        (format!("contract:\"{v}\""), Some(Term::Field(Col::InvContract, Cond::Contains(v.to_lowercase()))))
    });
    prop_oneof![total, due, quarter, contract]
}

/// Words joined so that `split_words` gives them back: every space, quote
/// and backslash escaped, an empty word as `""`.
fn join_escaped(words: &[String]) -> String {
    let one = |w: &String| {
        if w.is_empty() {
            return "\"\"".to_string();
        }
        w.chars().fold(String::new(), |mut out, c| {
            if c == '\\' || c == '"' || c.is_whitespace() {
                out.push('\\');
            }
            out.push(c);
            out
        })
    };
    words.iter().map(one).collect::<Vec<_>>().join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// Whatever parses is an amount within the bound that prints and parses
    /// back to itself.
    #[test]
    fn any_amount_input_parses_within_the_bound_and_round_trips(s in "\\PC{0,24}", c in currencies()) {
        if let Ok(v) = parse_amount(&s, c) {
            prop_assert!((0..=MAX_AMOUNT_MINOR).contains(&v), "{:?} → {}", s, v);
            prop_assert_eq!(parse_amount(&Money::new(v, c).plain(), c), Ok(v));
        }
    }

    #[test]
    fn amount_like_input_never_panics(s in "[-+$(]?[0-9,. ]{0,20}", c in currencies()) {
        if let Ok(v) = parse_amount(&s, c) {
            prop_assert!(v >= 0);
        }
    }

    /// Written plain ("1234.56") or as shown ("1,234.56"), an amount parses
    /// to its minor units up to the bound, and past it (to `i64::MAX` and
    /// beyond what `i64` holds) is refused as too large.
    #[test]
    fn amounts_parse_to_their_minor_units_up_to_the_bound(minor in minor_units(), c in currencies()) {
        for text in <[String; 2]>::from(written(minor, c)) {
            let got = parse_amount(&text, c);
            if minor <= MAX_AMOUNT_MINOR {
                prop_assert_eq!(got, Ok(minor), "{}", text);
            } else {
                prop_assert!(matches!(got, Err(MoneyError::Overflow { .. })), "{} → {:?}", text, got);
            }
        }
        let longer = format!("{}{minor}", i64::MAX);
        prop_assert!(matches!(parse_amount(&longer, c), Err(MoneyError::Overflow { .. })), "{}", longer);
    }

    /// Whatever parses as a date is within the range and prints back to
    /// itself; a range's first day is not after its last.
    #[test]
    fn any_date_input_parses_within_the_range_and_round_trips(s in "\\PC{0,16}") {
        if let Ok(d) = parse_date(&s) {
            prop_assert!(in_range(d), "{:?} → {}", s, d);
            prop_assert_eq!(parse_date(&iso(d)), Ok(d));
            prop_assert_eq!(date_range(&s), Ok((d, d)));
        }
        if let Ok((lo, hi)) = date_range(&s) {
            prop_assert!(lo <= hi, "{:?} → {} ..= {}", s, lo, hi);
        }
    }

    #[test]
    fn date_like_input_never_panics(s in "[0-9]{0,5}-[0-9Qq]{0,3}-?[0-9]{0,3}") {
        if let Ok(d) = parse_date(&s) {
            prop_assert_eq!(parse_date(&ardesk::domain::date::iso(d)), Ok(d));
        }
    }

    /// A day written YYYY-MM-DD parses to that day when it exists and lies
    /// in 1900-01-01..=2199-12-31, and is refused otherwise; a month, a
    /// quarter and a year are their first and last days.
    #[test]
    fn dates_and_ranges_parse_to_the_days_written(
        y in prop_oneof![0..=9999i32, prop::sample::select(vec![1899, 1900, 2000, 2100, 2199, 2200])],
        m in 0..=13u32,
        day in 0..=32u32,
    ) {
        let s = format!("{y:04}-{m:02}-{day:02}");
        let want = NaiveDate::from_ymd_opt(y, m, day).filter(|d| in_range(*d));
        prop_assert_eq!(parse_date(&s).ok(), want, "{}", s);
        if (1..=12).contains(&m) && y >= 1000 {
            let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
            prop_assert_eq!(date_range(&format!("{y}-{m:02}")), Ok((first, last_of_month(y, m))));
            let q = (m - 1) / 3 + 1;
            let quarter = (NaiveDate::from_ymd_opt(y, 3 * q - 2, 1).unwrap(), last_of_month(y, 3 * q));
            prop_assert_eq!(date_range(&format!("{y}-Q{q}")), Ok(quarter));
            prop_assert_eq!(
                date_range(&format!("{y}")),
                Ok((NaiveDate::from_ymd_opt(y, 1, 1).unwrap(), NaiveDate::from_ymd_opt(y, 12, 31).unwrap()))
            );
        }
    }

    /// Any input, or input shaped like filter terms: a filter that parses
    /// keeps its text, and that text parses to the same filter again.
    #[test]
    fn any_filter_input_parses_again_to_the_same_filter(
        s in prop_oneof![
            "\\PC{0,60}",
            "((status|total|due|date|contract|period|number|amount|ref|name|size|when)(:|>|<|>=|<=|=)[\"a-z0-9.,Q -]{0,12} ?){0,5}",
        ],
        tab in prop::sample::select(Tab::ALL.to_vec()),
    ) {
        if let Ok(f) = parse(&s, tab, Currency::USD) {
            prop_assert_eq!(f.source.as_str(), ardesk::domain::filter::trim_unescaped(&s));
            prop_assert_eq!(parse(&f.source, tab, Currency::USD), Ok(f.clone()));
            prop_assert_eq!(f.is_empty(), s.trim().is_empty());
        }
    }

    /// Terms written from typed values (amounts to `i64::MAX`, days around
    /// the range, quarters, quoted text) parse to exactly those values, in
    /// order; a filter with a value out of range is refused whole.
    #[test]
    fn typed_filter_terms_parse_to_their_values(terms in prop::collection::vec(invoice_terms(), 1..5)) {
        let text = terms.iter().map(|t| t.0.as_str()).collect::<Vec<_>>().join(" ");
        let want: Option<Vec<Term>> = terms.iter().map(|t| t.1.clone()).collect();
        let got = parse(&text, Tab::Invoices, Currency::USD).map(|f| f.terms);
        match want {
            Some(want) => prop_assert_eq!(got, Ok(want), "{}", text),
            None => prop_assert!(got.is_err(), "{} → {:?}", text, got),
        }
    }

    /// Payment terms: "N", "Net N" parse to N days for 0..=3650 and are
    /// refused past it, `i64::MAX` and `i64::MIN` included.
    #[test]
    fn terms_parse_to_the_days_written(
        n in prop_oneof![-10..=4000i64, prop::sample::select(vec![i64::MIN, -1, 0, 3650, 3651, i64::MAX]), any::<i64>()],
        form in prop::sample::select(vec!["{}", "Net {}", "net{}", " NET  {} "]),
    ) {
        let s = form.replace("{}", &n.to_string());
        let got = parse_terms(&s);
        if (0..=3650).contains(&n) {
            prop_assert_eq!(got, Ok(n), "{}", s);
        } else {
            prop_assert!(got.as_ref().is_err_and(|e| e.contains("terms must be 0 to 3650 days")), "{} → {:?}", s, got);
        }
        let past_i64 = format!("Net {}0", i64::MAX);
        prop_assert!(parse_terms(&past_i64).is_err_and(|e| e.contains("a number of days")));
    }

    /// An address of a local part and two or more dotted labels is taken;
    /// a space, comma, semicolon, angle bracket, quote or second @ anywhere
    /// in it is refused.
    #[test]
    fn emails_are_taken_or_refused_as_written(
        local in "[a-z0-9._%+-]{1,10}",
        labels in prop::collection::vec("[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?", 2..4),
        bad in prop::sample::select(vec![' ', ',', ';', '<', '>', '"', '@']),
        at in any::<prop::sample::Index>(),
    ) {
        let email = format!("{local}@{}", labels.join("."));
        prop_assert_eq!(check_email(&email), Ok(()), "{}", email);
        let mut chars: Vec<char> = email.chars().collect();
        chars.insert(at.index(chars.len() + 1), bad);
        let broken: String = chars.into_iter().collect();
        if broken.trim() != email {
            prop_assert!(check_email(&broken).is_err(), "{:?}", broken);
        }
    }

    /// A phone number of N digits with separators, a leading + and an
    /// extension is taken exactly when 7 <= N <= 15.
    #[test]
    fn phones_are_taken_for_seven_to_fifteen_digits(
        digits in prop::collection::vec((0u8..10, prop::sample::select(vec!["", " ", "-", "."])), 1..=20),
        plus in any::<bool>(),
        ext in prop::option::of(1u32..100_000),
    ) {
        let mut s = String::from(if plus { "+" } else { "" });
        for (d, sep) in &digits {
            s.push(char::from(b'0' + d));
            s.push_str(sep);
        }
        let s = format!("{}{}", s.trim_end(), ext.map(|e| format!(" x{e}")).unwrap_or_default());
        prop_assert_eq!(check_phone(&s).is_ok(), (7..=15).contains(&digits.len()), "{}", s);
    }

    /// Paths split from any input join (escaped) and split back to the
    /// same paths; paths written with spaces, quotes and backslashes come
    /// back as written.
    #[test]
    fn paths_split_back_to_what_was_joined(
        s in "\\PC{0,40}",
        paths in prop::collection::vec("[a-zA-Z0-9._/ \"\\\\~-]{0,12}", 0..4),
    ) {
        let split = split_paths(&s);
        prop_assert_eq!(split_paths(&join_escaped(&split)), split);
        prop_assert_eq!(split_paths(&join_escaped(&paths)), paths);
    }

    #[test]
    fn cleaned_text_has_no_controls(s in any::<String>()) {
        let shown = clean(&s);
        prop_assert!(!shown.chars().any(|c| c.is_control()));
        // Every cluster is one every terminal draws as wide as ratatui
        // measures it, cleaning twice changes nothing, and text without
        // controls keeps its width.
        prop_assert!(shown.graphemes(true).all(is_plain), "{:?}", shown);
        prop_assert_eq!(clean(&shown), shown.clone());
        let bidi = |c: char| matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if !s.chars().any(|c| c.is_control() || bidi(c)) {
            prop_assert_eq!(width(&shown), width(&s), "{:?} → {:?}", s, shown);
        }
    }

    #[test]
    fn cleaned_emoji_sequences_keep_their_width(s in "[ae1\u{301}\u{200d}\u{fe0f}\u{20e3}\u{1f3fd}\u{1f1e6}-\u{1f1ff}\u{1f468}\u{1f469}\u{2764}\u{ff76}\u{ff9e}\u{ff9f}\u{682a}\u{e0067}\u{e007f}]{0,12}") {
        let shown = clean(&s);
        prop_assert!(shown.graphemes(true).all(is_plain), "{:?} → {:?}", s, shown);
        prop_assert_eq!(width(&shown), width(&s), "{:?} → {:?}", s, shown);
    }

    #[test]
    fn cleaned_controls_stand_in_one_for_one(s in "[ -~\u{0}-\u{1f}\u{7f}-\u{9f}]*") {
        prop_assert_eq!(clean(&s).chars().count(), s.chars().count(), "one visible stand-in per character");
    }
}
