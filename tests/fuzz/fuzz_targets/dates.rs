//! Dates: what people type (`domain::date`), what exports write
//! (`import::fields`), the filter bar's ranges ("2026-Q1", "2026-03"),
//! yes/no cells and Unix timestamps. Nothing panics; what parses is a date
//! SQLite accepts and parses back from its ISO form.
#![no_main]

use ardesk::domain::date::{add_months, iso, parse_date, period_label};
use ardesk::domain::filter::date_range;
use ardesk::import::fields;
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

/// What `CHECK (date(x) IS x)` accepts: years 0000 to 9999.
fn storable(d: NaiveDate) {
    let s = iso(d);
    assert!(s.len() == 10 && !s.starts_with(['+', '-']), "{d:?} is stored as {s}");
}

fuzz_target!(|data: &[u8]| {
    if data.len() >= 8 {
        let mut raw = [0u8; 8];
        raw.copy_from_slice(&data[..8]);
        if let Ok(d) = fields::unix_date(i64::from_le_bytes(raw)) {
            let _ = iso(d);
        }
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(d) = parse_date(text) {
        storable(d);
        assert_eq!(parse_date(&iso(d)), Ok(d));
        let _ = period_label(d, add_months(d, 3));
        let _ = add_months(d, 1200);
    }
    match fields::parse_date(text) {
        Ok(d) => {
            storable(d);
            assert_eq!(fields::parse_date(&iso(d)), Ok(d), "{text:?}");
        }
        Err(e) => assert!(!e.is_empty()),
    }
    let _ = fields::parse_opt_date(text);
    let _ = fields::parse_bool(text);
    if let Ok((a, b)) = date_range(text) {
        assert!(a <= b, "{text:?} is the range {a}..{b}");
        storable(a);
        storable(b);
    }
});
