//! Amounts as exports write them: major units ("1600.00", "120000" for
//! yen), signed, sometimes with a currency symbol, and after a spreadsheet
//! has been at them in a locale's form ("1,000.00", "399,00", "1.234,56",
//! "1 234,56"). Which mark is a file's decimal mark is decided from all of
//! its amounts before any is read (`decimals`), or said with
//! `--decimal-point` / `--decimal-comma`; every cell is then read that one
//! way (`marks`). An amount alone is read only when it reads one way.

use super::marks::{Bad, Both, Mark, Read, Says};
use crate::domain::{Currency, Money};
use std::borrow::Cow;

/// How a file's amounts are read, and why, for messages: the cell that
/// showed it ("line 4's Total \"2.500,00\"") or the flag.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Settled {
    mark: Mark,
    why: String,
}

/// Reads the amounts of one file, all the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AmountParser {
    settled: Option<Settled>,
}

impl AmountParser {
    /// For amounts that come alone (or a file whose amounts read the same
    /// either way): each is read only when it reads one way, or to the
    /// same value both ways.
    pub fn new() -> Self {
        AmountParser::default()
    }

    /// Reads every amount with `mark`; `why` says where that was decided.
    pub fn settled(mark: Mark, why: impl Into<String>) -> Self {
        AmountParser { settled: Some(Settled { mark, why: why.into() }) }
    }

    /// The mark this parser reads with, when settled.
    pub fn mark(&self) -> Option<Mark> {
        self.settled.as_ref().map(|s| s.mark)
    }

    /// Parses a signed amount in major units into minor units of `currency`.
    pub fn parse(&self, input: &str, currency: Currency) -> Result<i64, String> {
        let shown = input.trim();
        let (negative, body) = sign_and_body(input, currency)?;
        let exp = currency.exponent();
        let read = match &self.settled {
            Some(s) => match super::marks::read(&body, s.mark, exp) {
                Read::Bad(bad) => {
                    let other = if s.mark == Mark::Point { Mark::Comma } else { Mark::Point };
                    return Err(if super::marks::read(&body, other, exp).ok() {
                        format!(
                            "\"{shown}\" reads only {}, but this file's amounts are read {} ({})",
                            other.with(),
                            s.mark.with(),
                            s.why
                        )
                    } else {
                        why_bad(shown, bad, s.mark, currency)
                    });
                }
                r => r,
            },
            None => {
                let both = Both::of(&body, exp);
                match both.says() {
                    Says::Only(m) => both.get(m),
                    Says::Ambiguous => return Err(ambiguous(shown, both, currency)),
                    Says::Nothing => both.point,
                }
            }
        };
        let minor = match read {
            Read::Minor(v) => v,
            Read::TooLarge => return bounded(shown, i64::MAX, currency),
            Read::Bad(bad) => return Err(why_bad(shown, bad, Mark::Point, currency)),
        };
        bounded(shown, if negative { -minor } else { minor }, currency)
    }

    /// Parses an amount that must not be negative.
    pub fn parse_unsigned(&self, input: &str, currency: Currency) -> Result<i64, String> {
        let v = self.parse(input, currency)?;
        if v < 0 { Err(format!("\"{}\": the amount must not be negative", input.trim())) } else { Ok(v) }
    }
}

/// What `read` found wrong with `shown`, for people.
fn why_bad(shown: &str, bad: Bad, mark: Mark, currency: Currency) -> String {
    let exp = currency.exponent();
    match bad {
        Bad::NotAmount => format!("\"{shown}\" is not an amount"),
        Bad::Groups => {
            let e = if mark == Mark::Point { "12,345.50" } else { "12.345,50" };
            format!("\"{shown}\": digit groups must be of three, e.g. {e}")
        }
        Bad::Places => format!("\"{shown}\": {currency} has {exp} decimal places"),
        Bad::ZeroDecimal => format!(
            "\"{shown}\": {currency} has no decimal places, so the three digits after the mark are not decimals"
        ),
    }
}

/// An amount that reads two ways.
fn ambiguous(shown: &str, both: Both, currency: Currency) -> String {
    let as_money = |r: Read| match r {
        Read::Minor(v) => Money::new(v, currency).display(),
        _ => "too large".into(),
    };
    format!(
        "\"{shown}\" is ambiguous: {} {}, {} {}",
        as_money(both.point),
        Mark::Point.with(),
        as_money(both.comma),
        Mark::Comma.with()
    )
}

/// The sign and the digits and marks of an amount, without symbols. The
/// common export form ("-1234.50") is taken as it is.
pub(crate) fn sign_and_body(input: &str, currency: Currency) -> Result<(bool, Cow<'_, str>), String> {
    let plain = |b: &[u8]| !b.is_empty() && b.iter().all(|c| c.is_ascii_digit() || *c == b'.' || *c == b',');
    match input.as_bytes() {
        [b'-', rest @ ..] if plain(rest) => Ok((true, Cow::Borrowed(&input[1..]))),
        b if plain(b) => Ok((false, Cow::Borrowed(input))),
        _ => strip_sign_and_symbols(input, currency).map(|(n, s)| (n, Cow::Owned(s))),
    }
}

/// `minor` when it is within `domain::bounds`, else why not, quoting the
/// amount as it was written (`shown`).
pub fn bounded(shown: &str, minor: i64, currency: Currency) -> Result<i64, String> {
    match crate::domain::bounds::amount_error(minor, currency) {
        None => Ok(minor),
        Some(why) => Err(format!("\"{shown}\": {why}")),
    }
}

/// Takes off a sign ("-12", "12-", "(12)") and a currency symbol or code.
fn strip_sign_and_symbols(input: &str, currency: Currency) -> Result<(bool, String), String> {
    let mut s = input.trim().trim_matches(|c: char| c == '\u{a0}' || c == '\u{202f}').to_string();
    if s.is_empty() {
        return Err("the amount is empty".into());
    }
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') {
        negative = true;
        s = s[1..s.len() - 1].trim().to_string();
    }
    for _ in 0..2 {
        let t = s.trim();
        let code = currency.code();
        let stripped = [code.to_string(), code.to_ascii_lowercase()]
            .iter()
            .find_map(|c| t.strip_prefix(c.as_str()).or_else(|| t.strip_suffix(c.as_str())))
            .map(str::to_string)
            .or_else(|| {
                let t2 = t.trim_start_matches(['$', '€', '£', '¥', '₹', '₩', '₽', '₺', '₪', '₫', '₱', '฿']);
                let t2 = t2.trim_end_matches(['$', '€', '£', '¥', '₹', '₩', '₽', '₺', '₪', '₫', '₱', '฿']);
                (t2.len() != t.len()).then(|| t2.to_string())
            });
        s = stripped.unwrap_or_else(|| t.to_string());
        let t = s.trim().to_string();
        if let Some(rest) = t.strip_prefix('-').or_else(|| t.strip_suffix('-')) {
            if negative {
                return Err(format!("\"{}\" is not an amount", input.trim()));
            }
            negative = true;
            s = rest.trim().to_string();
        } else if let Some(rest) = t.strip_prefix('+') {
            s = rest.trim().to_string();
        } else {
            s = t;
        }
    }
    let ok = !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',')
        && s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\u{202f}' | '\''));
    if !ok {
        return Err(format!("\"{}\" is not an amount", input.trim()));
    }
    Ok((negative, s))
}

/// A currency code as exports write it ("usd"), checked against ISO 4217.
pub fn parse_currency(input: &str) -> Result<Currency, String> {
    let t = input.trim();
    if t.is_empty() {
        return Err("the currency is empty".into());
    }
    let b = t.as_bytes();
    let code = match b {
        [a, b, c] => [a.to_ascii_uppercase(), b.to_ascii_uppercase(), c.to_ascii_uppercase()],
        _ => return Err(format!("\"{t}\" is not a known currency code")),
    };
    // The list is sorted, in four-byte cells ("AED ").
    let list = ISO_4217.as_bytes();
    let cells = list.len().div_ceil(4);
    let (mut lo, mut hi) = (0, cells);
    let mut found = false;
    while lo < hi && !found {
        let mid = (lo + hi) / 2;
        match list[mid * 4..mid * 4 + 3].cmp(&code[..]) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => found = true,
        }
    }
    if !found {
        return Err(format!("\"{t}\" is not a known currency code"));
    }
    std::str::from_utf8(&code).unwrap_or("").parse().map_err(|_| format!("\"{t}\" is not a known currency code"))
}

/// Stripe API amounts are integers in Stripe's minor unit, which is not
/// always ISO's: zero-decimal currencies have none, ISK is sent with two.
pub fn stripe_minor_to_ardesk(amount: i64, currency: Currency) -> Result<i64, String> {
    let code = currency.code();
    let diff = currency.exponent() as i32 - stripe_exponent(currency) as i32;
    let shown = format!("{amount}");
    let minor = if diff >= 0 {
        amount.checked_mul(10i64.pow(diff as u32)).ok_or_else(|| format!("{amount}: the amount is too large"))?
    } else {
        let div = 10i64.pow((-diff) as u32);
        if amount % div != 0 {
            return Err(format!("{amount} {code}: Stripe amounts in {code} must be whole units"));
        }
        amount / div
    };
    bounded(&shown, minor, currency)
}

/// The decimal places of Stripe's minor unit of `currency`.
pub fn stripe_exponent(currency: Currency) -> u32 {
    const ZERO: &str = "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF";
    const THREE: &str = "BHD JOD KWD OMR TND";
    let code = currency.code();
    if ZERO.split(' ').any(|c| c == code) {
        0
    } else if THREE.split(' ').any(|c| c == code) {
        3
    } else {
        2
    }
}

/// Active ISO 4217 codes (and a few Stripe accepts).
const ISO_4217: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP \
    BYN BZD CAD CDF CHE CHF CHW CLF CLP CNH CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP \
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD \
    KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR \
    PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB \
    TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XCD XCG XOF XPD XPF \
    XPT XSU XUA YER ZAR ZMW ZWG ZWL";

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<i64, String> {
        AmountParser::new().parse(s, Currency::USD)
    }

    #[test]
    fn export_forms() {
        assert_eq!(p("160.00"), Ok(16_000));
        assert_eq!(p("-397.00"), Ok(-39_700));
        assert_eq!(p("0.00"), Ok(0));
        assert_eq!(p("9.99"), Ok(999));
        assert_eq!(p("1,000.00"), Ok(100_000));
        assert_eq!(p("399,00"), Ok(39_900));
        assert_eq!(p("1.234,56"), Ok(123_456));
        assert_eq!(p("1 234,56"), Ok(123_456));
        assert_eq!(p("$1,234.50"), Ok(123_450));
        assert_eq!(p("(12.00)"), Ok(-1_200));
        assert_eq!(p("12.00 USD"), Ok(1_200));
        assert_eq!(p("1,000,000"), Ok(100_000_000));
        // Three decimals are too many for dollars: the point groups.
        assert_eq!(p("1.234"), Ok(123_400));
        assert_eq!(AmountParser::new().parse("120000", Currency::JPY), Ok(120_000));
        assert_eq!(AmountParser::new().parse("1000.00", Currency::JPY), Ok(1_000));
    }

    #[test]
    fn refuses_what_could_mean_two_amounts_or_nothing() {
        assert_eq!(
            p("1,000").unwrap_err(),
            "\"1,000\" is ambiguous: $1,000.00 with a decimal point, $1.00 with a decimal comma"
        );
        assert!(p("1.500").unwrap_err().contains("ambiguous"));
        assert!(p("1.000").unwrap_err().contains("ambiguous"));
        assert!(p("12,34.5").is_err());
        assert!(p("abc").is_err());
        assert!(p("").is_err());
        assert!(p("1.2345").unwrap_err().contains("2 decimal places"));
        assert!(AmountParser::new().parse("5.5", Currency::JPY).is_err());
        assert!(p("--5").is_err());
        assert!(AmountParser::new().parse_unsigned("-1.00", Currency::USD).is_err());
    }

    #[test]
    fn a_settled_file_reads_every_amount_one_way() {
        let comma = AmountParser::settled(Mark::Comma, "line 2's Total \"399,00\"");
        assert_eq!(comma.parse("1,000", Currency::USD), Ok(100));
        assert_eq!(comma.parse("1.500", Currency::USD), Ok(150_000));
        assert_eq!(comma.parse("1.000", Currency::JPY), Ok(1_000));
        assert_eq!(
            comma.parse("5.00", Currency::USD).unwrap_err(),
            "\"5.00\" reads only with a decimal point, but this file's amounts are read with a decimal comma \
             (line 2's Total \"399,00\")"
        );
        let point = AmountParser::settled(Mark::Point, "--decimal-point");
        assert_eq!(point.parse("1,000", Currency::USD), Ok(100_000));
        assert_eq!(point.parse("1.500", Currency::USD), Ok(150));
        // Never ¥1: yen have no decimals.
        assert_eq!(
            point.parse("1.000", Currency::JPY).unwrap_err(),
            "\"1.000\" reads only with a decimal comma, but this file's amounts are read with a decimal point \
             (--decimal-point)"
        );
        assert!(point.parse("12,34.5", Currency::USD).unwrap_err().contains("groups must be of three, e.g. 12,345.50"));
    }

    #[test]
    fn the_currency_list_is_sorted_in_cells() {
        let codes: Vec<&str> = ISO_4217.split(' ').collect();
        assert!(codes.iter().all(|c| c.len() == 3));
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        for c in &codes {
            assert!(parse_currency(c).is_ok(), "{c}");
        }
    }

    #[test]
    fn currencies_and_stripe_minor_units() {
        assert_eq!(parse_currency("usd"), Ok(Currency::USD));
        assert!(parse_currency("usdd").is_err());
        assert!(parse_currency("xyz").is_err());
        assert_eq!(stripe_minor_to_ardesk(1000, Currency::USD), Ok(1000));
        assert_eq!(stripe_minor_to_ardesk(500, Currency::JPY), Ok(500));
        let isk = parse_currency("isk").unwrap();
        assert_eq!(stripe_minor_to_ardesk(50_000, isk), Ok(500));
        assert!(stripe_minor_to_ardesk(50_050, isk).is_err());
        let kwd = parse_currency("kwd").unwrap();
        assert_eq!(stripe_minor_to_ardesk(1_230, kwd), Ok(1_230));
    }

    #[test]
    fn amounts_past_the_bound_are_refused_as_written() {
        let max = crate::domain::bounds::MAX_AMOUNT_MINOR;
        assert_eq!(p("100000000000.00"), Ok(max));
        assert_eq!(p("-100000000000.00"), Ok(-max));
        assert_eq!(
            p("922337203685477.58").unwrap_err(),
            "\"922337203685477.58\": the amount is too large: at most $100,000,000,000.00 in USD"
        );
        assert!(p("92233720368547758.07").unwrap_err().contains("too large"));
        assert!(p("-100000000000.01").unwrap_err().contains("too large"));
        assert!(p("100,000,000,000.01").unwrap_err().contains("too large"));
        let vnd = parse_currency("vnd").unwrap();
        assert!(
            AmountParser::new()
                .parse("20000000000000", vnd)
                .unwrap_err()
                .contains("at most VND 10,000,000,000,000 in VND")
        );
        assert_eq!(stripe_minor_to_ardesk(max, Currency::USD), Ok(max));
        assert!(
            stripe_minor_to_ardesk(max + 1, Currency::USD)
                .unwrap_err()
                .starts_with("\"10000000000001\": the amount is too large")
        );
        assert!(stripe_minor_to_ardesk(i64::MIN, Currency::USD).unwrap_err().contains("too large"));
    }
}
