//! Property-based fuzzing of every parser a user or a file can reach:
//! amounts, dates, filter expressions, path lists and sanitising. Arbitrary
//! input never panics, and what parses round-trips.

use ardesk::app::complete::split_paths;
use ardesk::domain::Currency;
use ardesk::domain::columns::Tab;
use ardesk::domain::date::parse_date;
use ardesk::domain::edit::{check_email, check_phone, parse_terms};
use ardesk::domain::filter::{date_range, parse};
use ardesk::domain::money::{Money, parse_amount};
use ardesk::domain::text::{clean, is_plain, width};
use proptest::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

fn currencies() -> impl Strategy<Value = Currency> {
    prop::sample::select(vec![Currency::USD, Currency::JPY, "KWD".parse().unwrap(), Currency::EUR])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn amounts_never_panic(s in "\\PC{0,24}", c in currencies()) {
        let _ = parse_amount(&s, c);
    }

    #[test]
    fn amount_like_input_never_panics(s in "[-+$(]?[0-9,. ]{0,20}", c in currencies()) {
        if let Ok(v) = parse_amount(&s, c) {
            prop_assert!(v >= 0);
        }
    }

    #[test]
    fn formatted_amounts_parse_back(minor in 0i64..1_000_000_000_000, c in currencies()) {
        let m = Money::new(minor, c);
        prop_assert_eq!(parse_amount(&m.plain(), c), Ok(minor));
        let shown = m.display().trim_start_matches(c.code()).trim().to_string();
        let shown = shown.trim_start_matches(['$', '€', '£', '¥']).to_string();
        prop_assert_eq!(parse_amount(&shown, c), Ok(minor));
    }

    #[test]
    fn dates_never_panic(s in "\\PC{0,16}") {
        let _ = parse_date(&s);
        let _ = date_range(&s);
    }

    #[test]
    fn date_like_input_never_panics(s in "[0-9]{0,5}-[0-9Qq]{0,3}-?[0-9]{0,3}") {
        if let Ok(d) = parse_date(&s) {
            prop_assert_eq!(parse_date(&ardesk::domain::date::iso(d)), Ok(d));
        }
    }

    #[test]
    fn filters_never_panic(s in "\\PC{0,60}", tab in prop::sample::select(Tab::ALL.to_vec())) {
        let _ = parse(&s, tab, Currency::USD);
    }

    #[test]
    fn filter_like_input_never_panics(
        s in "((status|total|due|date|contract|period|number|amount|ref|name|size|when)(:|>|<|>=|<=|=)[\"a-z0-9.,Q -]{0,12} ?){0,5}",
        tab in prop::sample::select(Tab::ALL.to_vec()),
    ) {
        let _ = parse(&s, tab, Currency::USD);
    }

    #[test]
    fn field_checks_and_paths_never_panic(s in "\\PC{0,40}") {
        let _ = check_email(&s);
        let _ = check_phone(&s);
        let _ = parse_terms(&s);
        let _ = split_paths(&s);
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
