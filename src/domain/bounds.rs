//! The ranges every stored amount and date falls in, chosen together so that
//! no figure ardesk computes from rows within them can overflow.
//!
//! The arithmetic (SQLite and Rust both hold integers as `i64`, at most
//! 9,223,372,036,854,775,807 ≈ 9.22 × 10^18):
//!
//! - **One amount** (an invoice total, a payment, a credit, an application, a
//!   contract value, a refund) is 0 ≤ a ≤ `MAX_AMOUNT_MINOR` = 10^13 minor
//!   units: 100,000,000,000.00 in a two-decimal currency, ¥10,000,000,000,000,
//!   10,000,000,000.000 in a three-decimal one.
//! - **One date** lies in 1900-01-01 ..= 2199-12-31, so two dates are at most
//!   `MAX_DAY_SPAN` = 109,572 days apart (either way round).
//! - **One weighted-days term** (amount × days from issue to payment) is then
//!   at most 10^13 × 109,572 ≈ 1.1 × 10^18 < 9.22 × 10^18.
//! - **One customer's rows in one currency** add up to at most
//!   `MAX_CUSTOMER_TOTAL_MINOR` = 10^17 each: Σ invoice totals, Σ payment
//!   amounts, Σ credit amounts. The summary table holds these sums under CHECK
//!   constraints, so a write that would pass them is refused (by name) and never
//!   stored. Every other money figure of a customer is a sum of a subset of
//!   those rows, or a difference of two such sums, so it lies within
//!   ±10^17: billed, collected, outstanding, overdue, each aging bucket, credit,
//!   the status line's Σ of any filter, an export's total. Adding one more
//!   amount to a sum at the limit gives at most 10^17 + 10^13, far below
//!   i64::MAX, so the CHECK fires before any addition could overflow.
//! - **The weighted-days sum** of one customer can reach 10^17 × 109,572 ≈
//!   1.1 × 10^22, past i64. It is kept per payment date as two integers,
//!   `weighted_hi × WEIGHT_SPLIT + weighted_lo` with |lo| < 10^6, so
//!   |hi| ≤ 1.1 × 10^16; it is added up in Rust as `i128` (and the average
//!   taken in `Decimal`, whose 96-bit mantissa holds 7.9 × 10^28).
//! - Sums across customers (none is shown today) must be taken in `i128`.

use super::money::{Currency, Money};
use chrono::NaiveDate;

/// The largest single amount, in minor units.
pub const MAX_AMOUNT_MINOR: i64 = 10_000_000_000_000;

/// The largest sum of one kind of row (invoice totals, payment amounts,
/// credit amounts) for one customer in one currency, in minor units.
pub const MAX_CUSTOMER_TOTAL_MINOR: i64 = 100_000_000_000_000_000;

/// The weighted-days sum is stored as `hi × WEIGHT_SPLIT + lo`.
pub const WEIGHT_SPLIT: i64 = 1_000_000;

/// The earliest date ardesk stores.
pub const MIN_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("1900-01-01 is a date"),
};

/// The latest date ardesk stores.
pub const MAX_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => panic!("2199-12-31 is a date"),
};

/// The most days two stored dates can be apart.
pub const MAX_DAY_SPAN: i64 = 109_572;

/// Why an amount or a date is out of range, for people.
pub fn amount_error(minor: i64, currency: Currency) -> Option<String> {
    if !(-MAX_AMOUNT_MINOR..=MAX_AMOUNT_MINOR).contains(&minor) {
        Some(format!("the amount is too large: at most {} in {currency}", largest(currency)))
    } else {
        None
    }
}

/// The largest amount, as people read it: "$100,000,000,000.00".
pub fn largest(currency: Currency) -> String {
    Money::new(MAX_AMOUNT_MINOR, currency).display()
}

/// The largest customer total, as people read it.
pub fn largest_total(currency: Currency) -> String {
    Money::new(MAX_CUSTOMER_TOTAL_MINOR, currency).display()
}

/// Checks a date is within `MIN_DATE ..= MAX_DATE`.
pub fn date_error(d: NaiveDate) -> Option<String> {
    (!(MIN_DATE..=MAX_DATE).contains(&d)).then(|| format!("{d}: dates must fall between {MIN_DATE} and {MAX_DATE}"))
}

/// `weighted_hi`, `weighted_lo` as stored, to one exact number.
pub fn weighted(hi: i64, lo: i64) -> i128 {
    i128::from(hi) * i128::from(WEIGHT_SPLIT) + i128::from(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_span_is_the_distance_between_the_bounds() {
        assert_eq!((MAX_DATE - MIN_DATE).num_days(), MAX_DAY_SPAN);
    }

    #[test]
    fn one_term_and_one_step_past_the_limit_fit_in_i64() {
        assert!(MAX_AMOUNT_MINOR.checked_mul(MAX_DAY_SPAN).is_some());
        assert!(MAX_CUSTOMER_TOTAL_MINOR.checked_add(MAX_AMOUNT_MINOR).is_some());
        // The largest weighted sum of a customer, split, fits both halves.
        let max = i128::from(MAX_CUSTOMER_TOTAL_MINOR) * i128::from(MAX_DAY_SPAN);
        assert!(max / i128::from(WEIGHT_SPLIT) < i128::from(i64::MAX));
        // Decimal's mantissa holds it for the average.
        assert!(max < 79_228_162_514_264_337_593_543_950_335);
    }

    #[test]
    fn messages_name_the_limit_in_the_currency() {
        assert_eq!(amount_error(MAX_AMOUNT_MINOR, Currency::USD), None);
        assert_eq!(
            amount_error(MAX_AMOUNT_MINOR + 1, Currency::USD).unwrap(),
            "the amount is too large: at most $100,000,000,000.00 in USD"
        );
        assert_eq!(largest(Currency::JPY), "¥10,000,000,000,000");
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(date_error(d("1900-01-01")), None);
        assert_eq!(date_error(d("2199-12-31")), None);
        assert_eq!(
            date_error(d("1899-12-31")).unwrap(),
            "1899-12-31: dates must fall between 1900-01-01 and 2199-12-31"
        );
    }

    #[test]
    fn weighted_halves_recombine() {
        assert_eq!(weighted(3, -5), 2_999_995);
        assert_eq!(weighted(-2, 7), -1_999_993);
    }
}
