//! Money: integer minor units beside an ISO 4217 currency. The one place
//! where amounts are parsed and formatted.

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// An ISO 4217 currency code, upper case.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    pub const USD: Currency = Currency(*b"USD");
    pub const EUR: Currency = Currency(*b"EUR");
    pub const GBP: Currency = Currency(*b"GBP");
    pub const JPY: Currency = Currency(*b"JPY");

    pub fn code(&self) -> &str {
        // Always ASCII upper-case letters: checked in `FromStr`.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point (ISO 4217 minor unit), from the one
    /// table (`domain::currency`); a code the table lacks (stored by an
    /// older ardesk, which took any three letters) reads with two.
    pub fn exponent(&self) -> u32 {
        u32::from(super::currency::minor_units(self.code()).unwrap_or(2))
    }

    /// A code as a person or an export gives it ("usd", " EUR "), which must
    /// be a currency ISO 4217 knows (or one it withdrew that old exports
    /// still carry): "XYZ" and "UDS" are refused. `FromStr` takes any three
    /// letters, for codes already stored.
    pub fn known(input: &str) -> Result<Currency, MoneyError> {
        let c: Currency = input.parse()?;
        match super::currency::minor_units(c.code()) {
            Some(_) => Ok(c),
            None => Err(MoneyError::UnknownCurrency(input.trim().to_string())),
        }
    }

    /// Whether the code is one ISO 4217 knows (see `known`).
    pub fn is_known(&self) -> bool {
        super::currency::minor_units(self.code()).is_some()
    }

    fn symbol(&self) -> Option<&'static str> {
        match self.code() {
            "USD" => Some("$"),
            "EUR" => Some("€"),
            "GBP" => Some("£"),
            "JPY" => Some("¥"),
            _ => None,
        }
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, MoneyError> {
        let t = s.trim().to_ascii_uppercase();
        let b = t.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency([b[0], b[1], b[2]]))
        } else {
            Err(MoneyError::Currency(s.to_string()))
        }
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("enter an amount")]
    Empty,
    #[error("\"{0}\" is not an amount (use digits, e.g. 1,234.50)")]
    Syntax(String),
    #[error("\"{0}\": commas must group thousands, e.g. 12,345.50")]
    Grouping(String),
    #[error("\"{input}\": {currency} has {digits} decimal places")]
    TooPrecise { input: String, currency: Currency, digits: u32 },
    #[error("\"{0}\": the amount must not be negative")]
    Negative(String),
    #[error("\"{input}\": the amount is too large: at most {max}")]
    Overflow { input: String, max: String },
    #[error("\"{0}\" is not a currency code (three letters, e.g. USD)")]
    Currency(String),
    #[error("\"{0}\" is not a currency ISO 4217 knows (e.g. USD, EUR, JPY)")]
    UnknownCurrency(String),
}

/// An amount in one currency, held as integer minor units.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.minor, self.currency.exponent())
    }

    /// Exact decimal string for machines: "1600.00", "120000" for yen.
    pub fn plain(self) -> String {
        self.to_decimal().to_string()
    }

    /// For people: "$1,234.56", "-€12.00", "CHF 1,000.00", "¥120,000".
    pub fn display(self) -> String {
        self.render(true)
    }

    /// Whole units only, for tight spaces where the full amount is shown
    /// elsewhere: "$80,000" (rounded half away from zero).
    pub fn display_whole(self) -> String {
        self.render(false)
    }

    fn render(self, with_minor: bool) -> String {
        let exp = self.currency.exponent();
        let neg = self.minor < 0;
        let abs = self.minor.unsigned_abs();
        let scale = 10u64.pow(exp);
        let (mut units, frac) = (abs / scale, abs % scale);
        if !with_minor && exp > 0 && frac * 2 >= scale {
            units += 1;
        }
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        match self.currency.symbol() {
            Some(sym) => out.push_str(sym),
            None => {
                out.push_str(self.currency.code());
                out.push(' ');
            }
        }
        out.push_str(&group_thousands(units));
        if with_minor && exp > 0 {
            out.push('.');
            out.push_str(&format!("{frac:0width$}", width = exp as usize));
        }
        out
    }
}

/// "1 invoice", "43,961 invoices": a count as people read it, its digits
/// grouped as money's are (a bulk action's dialogs and messages).
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", group_thousands(n as u64), if n == 1 { one } else { many })
}

/// 1204 → "1,204".
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Parses what a person types into an amount field: digits with an optional
/// decimal point and optional correct thousands grouping ("1,234.50"), an
/// optional currency symbol. Refuses negatives (including "-0"), more decimals
/// than the currency has, and misplaced commas ("12,34.5").
pub fn parse_amount(input: &str, currency: Currency) -> Result<i64, MoneyError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(MoneyError::Empty);
    }
    if s.starts_with('-') || s.starts_with('(') {
        return Err(MoneyError::Negative(input.to_string()));
    }
    let s = s.strip_prefix(currency.symbol().unwrap_or("\u{0}")).unwrap_or(s);
    let s = s.strip_prefix('+').unwrap_or(s).trim();
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
        return Err(MoneyError::Syntax(input.to_string()));
    }
    let int_digits = if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return Err(MoneyError::Grouping(input.to_string()));
        }
        groups.concat()
    } else {
        int_part.to_string()
    };
    let frac = frac_part.unwrap_or("");
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(&int_digits) || !all_digits(frac) || frac_part.is_some_and(|f| f.contains(',')) {
        return Err(MoneyError::Syntax(input.to_string()));
    }
    let exp = currency.exponent();
    let frac_trimmed = frac.trim_end_matches('0');
    if frac_trimmed.len() > exp as usize {
        return Err(MoneyError::TooPrecise { input: input.to_string(), currency, digits: exp });
    }
    let overflow = || MoneyError::Overflow { input: input.to_string(), max: super::bounds::largest(currency) };
    let units: i64 = if int_digits.is_empty() { 0 } else { int_digits.parse().map_err(|_| overflow())? };
    let mut frac_minor: i64 = 0;
    for i in 0..exp as usize {
        let d = frac_trimmed.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        frac_minor = frac_minor * 10 + d;
    }
    units
        .checked_mul(10i64.pow(exp))
        .and_then(|v| v.checked_add(frac_minor))
        .filter(|v| *v <= super::bounds::MAX_AMOUNT_MINOR)
        .ok_or_else(overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_and_named_as_one_or_many() {
        assert_eq!(counted(0, "invoice", "invoices"), "0 invoices");
        assert_eq!(counted(1, "invoice", "invoices"), "1 invoice");
        assert_eq!(counted(999, "invoice", "invoices"), "999 invoices");
        assert_eq!(counted(43_961, "invoice", "invoices"), "43,961 invoices");
        assert_eq!(counted(1_000_000, "invoice", "invoices"), "1,000,000 invoices");
    }

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    #[test]
    fn formats_with_symbol_grouping_and_minor_units() {
        assert_eq!(usd(8_000_000).display(), "$80,000.00");
        assert_eq!(usd(-1250).display(), "-$12.50");
        assert_eq!(usd(5).display(), "$0.05");
        assert_eq!(Money::new(120_000, Currency::JPY).display(), "¥120,000");
        let chf: Currency = "chf".parse().unwrap();
        assert_eq!(Money::new(100_000, chf).display(), "CHF 1,000.00");
        let kwd: Currency = "KWD".parse().unwrap();
        assert_eq!(Money::new(1_234_567, kwd).display(), "KWD 1,234.567");
    }

    #[test]
    fn whole_units_round_half_away_from_zero() {
        assert_eq!(usd(8_000_049).display_whole(), "$80,000");
        assert_eq!(usd(8_000_050).display_whole(), "$80,001");
        assert_eq!(usd(-150).display_whole(), "-$2");
    }

    #[test]
    fn plain_is_exact_decimal() {
        assert_eq!(usd(160_000).plain(), "1600.00");
        assert_eq!(Money::new(120_000, Currency::JPY).plain(), "120000");
        assert_eq!(usd(-5).plain(), "-0.05");
    }

    #[test]
    fn parses_good_amounts() {
        let c = Currency::USD;
        assert_eq!(parse_amount("1234.5", c), Ok(123_450));
        assert_eq!(parse_amount("1,234.50", c), Ok(123_450));
        assert_eq!(parse_amount(" $12 ", c), Ok(1200));
        assert_eq!(parse_amount(".5", c), Ok(50));
        assert_eq!(parse_amount("0", c), Ok(0));
        assert_eq!(parse_amount("10.500", c), Ok(1050));
        assert_eq!(parse_amount("120000", Currency::JPY), Ok(120_000));
    }

    #[test]
    fn refuses_bad_amounts_with_reasons() {
        let c = Currency::USD;
        assert_eq!(parse_amount("", c), Err(MoneyError::Empty));
        assert!(matches!(parse_amount("12,34.5", c), Err(MoneyError::Grouping(_))));
        assert!(matches!(parse_amount("-0", c), Err(MoneyError::Negative(_))));
        assert!(matches!(parse_amount("1.234", c), Err(MoneyError::TooPrecise { digits: 2, .. })));
        assert!(matches!(parse_amount("5.5", Currency::JPY), Err(MoneyError::TooPrecise { digits: 0, .. })));
        assert!(matches!(parse_amount("12ab", c), Err(MoneyError::Syntax(_))));
        assert!(matches!(parse_amount("1.2.3", c), Err(MoneyError::Syntax(_))));
        assert!(matches!(parse_amount(".", c), Err(MoneyError::Syntax(_))));
        assert!(matches!(parse_amount("99999999999999999999", c), Err(MoneyError::Overflow { .. })));
        // The hostile amounts: past the bound, and past i64.
        assert_eq!(
            parse_amount("92233720368547758.07", c).unwrap_err().to_string(),
            "\"92233720368547758.07\": the amount is too large: at most $100,000,000,000.00"
        );
        assert!(matches!(parse_amount("922337203685477.58", c), Err(MoneyError::Overflow { .. })));
        assert_eq!(parse_amount("100,000,000,000.00", c), Ok(10_000_000_000_000));
        assert!(matches!(parse_amount("100,000,000,000.01", c), Err(MoneyError::Overflow { .. })));
        assert_eq!(parse_amount("10000000000000", Currency::JPY), Ok(10_000_000_000_000));
        assert!(parse_amount("10000000000001", Currency::JPY).is_err());
        assert_eq!(parse_amount("1.234", c).unwrap_err().to_string(), "\"1.234\": USD has 2 decimal places");
    }
}
