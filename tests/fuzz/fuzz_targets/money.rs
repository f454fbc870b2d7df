//! Amounts: the form and filter parser (`parse_amount`) and the importers'
//! (`AmountParser`: an amount alone, or in a file settled on either
//! decimal mark), currency codes and Stripe's minor units. Nothing panics;
//! what parses is within the bounds, formats and parses back.
#![no_main]

use ardesk::domain::Currency;
use ardesk::domain::bounds::MAX_AMOUNT_MINOR;
use ardesk::domain::money::{Money, parse_amount};
use ardesk::import::amount::{AmountParser, parse_currency, stripe_minor_to_ardesk};
use ardesk::import::marks::Mark;
use libfuzzer_sys::fuzz_target;

const CURRENCIES: [&str; 6] = ["USD", "JPY", "KWD", "EUR", "ISK", "CHF"];

fn shown(m: Money) {
    assert!(!m.display().is_empty() && !m.display_whole().is_empty());
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let Ok(currency) = CURRENCIES[sel as usize % CURRENCIES.len()].parse::<Currency>() else { return };
    if rest.len() >= 8 {
        let mut raw = [0u8; 8];
        raw.copy_from_slice(&rest[..8]);
        if let Ok(v) = stripe_minor_to_ardesk(i64::from_le_bytes(raw), currency) {
            shown(Money::new(v, currency));
        }
    }
    let Ok(text) = std::str::from_utf8(rest) else { return };
    if let Ok(minor) = parse_amount(text, currency) {
        assert!(minor >= 0, "{text:?} parsed negative");
        let m = Money::new(minor, currency);
        assert_eq!(parse_amount(&m.plain(), currency), Ok(minor), "{text:?} → {}", m.plain());
        shown(m);
    }
    // Each line an amount alone, and as a file settled on either mark reads
    // it (`amount_file` fuzzes the settling).
    let point = AmountParser::settled(Mark::Point, "--decimal-point");
    let comma = AmountParser::settled(Mark::Comma, "--decimal-comma");
    for cell in text.split('\n') {
        let alone = AmountParser::new().parse(cell, currency);
        let (p, c) = (point.parse(cell, currency), comma.parse(cell, currency));
        if let Ok(v) = &alone {
            assert!(p.as_ref() == Ok(v) || c.as_ref() == Ok(v), "{cell:?} alone is {v}, settled {p:?} / {c:?}");
        }
        for r in [alone, p, c] {
            match r {
                Ok(minor) => {
                    assert!(minor.abs() <= MAX_AMOUNT_MINOR, "{cell:?} → {minor} past the bound");
                    let plain = Money::new(minor, currency).plain();
                    assert_eq!(point.parse(&plain, currency), Ok(minor), "{cell:?} → {plain}");
                    shown(Money::new(minor, currency));
                }
                Err(e) => assert!(!e.is_empty()),
            }
        }
        if let Ok(v) = AmountParser::new().parse_unsigned(cell, currency) {
            assert!(v >= 0);
        }
        if let Ok(c) = parse_currency(cell) {
            assert_eq!(c.code().parse::<Currency>().ok(), Some(c));
        }
    }
});
