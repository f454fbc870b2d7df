//! Amounts as exports write them: major units ("1600.00", "120000" for
//! yen), signed, sometimes with a currency symbol, and after a spreadsheet
//! has been at them in a locale's form ("1,000.00", "399,00", "1.234,56",
//! "1 234,56"). A form that could mean two amounts is refused unless the
//! same file has already shown which mark is its decimal point.

use crate::domain::Currency;

/// The decimal mark a file uses, learned from its unambiguous amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Dot,
    Comma,
}

/// Parses one file's amounts; remembers the decimal mark it has seen.
#[derive(Debug, Clone, Default)]
pub struct AmountParser {
    mark: Option<Mark>,
}

impl AmountParser {
    pub fn new() -> Self {
        AmountParser::default()
    }

    /// Parses a signed amount in major units into minor units of `currency`.
    pub fn parse(&mut self, input: &str, currency: Currency) -> Result<i64, String> {
        let minor = self.unbounded(input, currency)?;
        bounded(input.trim(), minor, currency)
    }

    fn unbounded(&mut self, input: &str, currency: Currency) -> Result<i64, String> {
        if let Some(v) = self.plain(input, currency) {
            return Ok(v);
        }
        let (negative, body) = strip_sign_and_symbols(input, currency)?;
        let (digits, frac, mark) = self.split(input, &body)?;
        if let Some(m) = mark {
            match self.mark {
                Some(seen) if seen != m => {
                    return Err(format!(
                        "\"{input}\" uses {} as its decimal mark, but earlier amounts in this file use {}",
                        mark_name(m),
                        mark_name(seen)
                    ));
                }
                _ => self.mark = Some(m),
            }
        }
        let minor = to_minor(input, &digits, &frac, currency)?;
        Ok(if negative { -minor } else { minor })
    }

    /// The common export form without allocating: "-1234.50", "120000"
    /// (digits, at most one point followed by up to the currency's decimals).
    fn plain(&mut self, input: &str, currency: Currency) -> Option<i64> {
        let b = input.as_bytes();
        let (neg, b) = match b.first() {
            Some(b'-') => (true, &b[1..]),
            _ => (false, b),
        };
        let dot = b.iter().position(|c| *c == b'.');
        let (int, frac) = match dot {
            Some(i) => (&b[..i], &b[i + 1..]),
            None => (b, &b[..0]),
        };
        let exp = currency.exponent() as usize;
        let digits = |x: &[u8]| x.iter().all(u8::is_ascii_digit);
        if int.is_empty() || int.len() > 15 || !digits(int) || !digits(frac) || frac.len() > exp {
            return None;
        }
        if frac.len() == 3 && self.mark == Some(Mark::Comma) {
            return None;
        }
        if !frac.is_empty() && frac.len() != 3 {
            if self.mark == Some(Mark::Comma) {
                return None;
            }
            self.mark = Some(Mark::Dot);
        }
        let mut v: i64 = 0;
        for c in int {
            v = v * 10 + i64::from(c - b'0');
        }
        for i in 0..exp {
            v = v * 10 + frac.get(i).map_or(0, |c| i64::from(c - b'0'));
        }
        Some(if neg { -v } else { v })
    }

    /// Parses an amount that must not be negative.
    pub fn parse_unsigned(&mut self, input: &str, currency: Currency) -> Result<i64, String> {
        let v = self.parse(input, currency)?;
        if v < 0 { Err(format!("\"{}\": the amount must not be negative", input.trim())) } else { Ok(v) }
    }

    /// Integer digits, fraction digits, and the decimal mark when the form
    /// shows it unambiguously.
    fn split(&self, input: &str, body: &str) -> Result<(String, String, Option<Mark>), String> {
        let dots = body.matches('.').count();
        let commas = body.matches(',').count();
        let after = |c: char| body.rfind(c).map_or(0, |i| body.len() - i - 1);
        let ambiguous = || {
            format!(
                "\"{}\" is ambiguous: is the comma a thousands separator or the decimal mark? (write 1000.00 or 1,000.00)",
                input.trim()
            )
        };
        // The decimal mark of this amount, and whether the form proves the file's.
        let (decimal, learned) = match (dots, commas) {
            (0, 0) => (None, None),
            (1, 0) if after('.') == 3 && self.mark == Some(Mark::Comma) => (None, None),
            (1, 0) if after('.') == 3 => (Some('.'), None),
            (1, 0) => (Some('.'), Some(Mark::Dot)),
            (_, 0) => (None, Some(Mark::Comma)),
            (0, 1) if after(',') != 3 => (Some(','), Some(Mark::Comma)),
            (0, 1) => match self.mark {
                Some(Mark::Comma) => (Some(','), None),
                Some(Mark::Dot) => (None, None),
                None => return Err(ambiguous()),
            },
            (0, _) => (None, Some(Mark::Dot)),
            _ if body.rfind('.') > body.rfind(',') => (Some('.'), Some(Mark::Dot)),
            _ => (Some(','), Some(Mark::Comma)),
        };
        let (int_part, frac) = match decimal.and_then(|d| body.rsplit_once(d)) {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if decimal.is_some_and(|d| int_part.contains(d)) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("\"{}\" is not an amount", input.trim()));
        }
        let is_sep = |c: char| matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\'');
        let digits = if int_part.contains(is_sep) {
            let groups: Vec<&str> = int_part.split(is_sep).collect();
            let ok = (1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3);
            if !ok {
                return Err(format!("\"{}\": digit groups must be of three, e.g. 12,345.50", input.trim()));
            }
            groups.concat()
        } else {
            int_part.to_string()
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("\"{}\" is not an amount", input.trim()));
        }
        Ok((digits, frac.to_string(), learned))
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

fn mark_name(m: Mark) -> &'static str {
    match m {
        Mark::Dot => "a point",
        Mark::Comma => "a comma",
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

fn to_minor(input: &str, digits: &str, frac: &str, currency: Currency) -> Result<i64, String> {
    if digits.is_empty() && frac.is_empty() {
        return Err(format!("\"{}\" is not an amount", input.trim()));
    }
    let exp = currency.exponent() as usize;
    let frac_trimmed = frac.trim_end_matches('0');
    if frac_trimmed.len() > exp {
        return Err(format!("\"{}\": {currency} has {exp} decimal places", input.trim()));
    }
    let overflow = || format!("\"{}\": the amount is too large", input.trim());
    let units: i64 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| overflow())? };
    let mut minor_frac: i64 = 0;
    for i in 0..exp {
        let d = frac_trimmed.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        minor_frac = minor_frac * 10 + d;
    }
    units.checked_mul(10i64.pow(exp as u32)).and_then(|v| v.checked_add(minor_frac)).ok_or_else(overflow)
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
    const ZERO: &str = "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF";
    const THREE: &str = "BHD JOD KWD OMR TND";
    let code = currency.code();
    let stripe_exp: i32 = if ZERO.split(' ').any(|c| c == code) {
        0
    } else if THREE.split(' ').any(|c| c == code) {
        3
    } else {
        2
    };
    let diff = currency.exponent() as i32 - stripe_exp;
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
        assert_eq!(p("1.500"), Ok(150));
        assert_eq!(AmountParser::new().parse("120000", Currency::JPY), Ok(120_000));
        assert_eq!(AmountParser::new().parse("1000.00", Currency::JPY), Ok(1_000));
    }

    #[test]
    fn refuses_what_could_mean_two_amounts_or_nothing() {
        assert!(p("1,000").unwrap_err().contains("ambiguous"));
        assert!(p("12,34.5").is_err());
        assert!(p("abc").is_err());
        assert!(p("").is_err());
        assert!(p("1.234").unwrap_err().contains("2 decimal places"));
        assert!(AmountParser::new().parse("5.5", Currency::JPY).is_err());
        assert!(p("--5").is_err());
        assert!(AmountParser::new().parse_unsigned("-1.00", Currency::USD).is_err());
    }

    #[test]
    fn learns_the_files_decimal_mark() {
        let mut a = AmountParser::new();
        assert_eq!(a.parse("399,00", Currency::USD), Ok(39_900));
        assert_eq!(a.parse("1,000", Currency::USD), Ok(100));
        assert!(a.parse("5.00", Currency::USD).unwrap_err().contains("earlier amounts"));
        let mut b = AmountParser::new();
        assert_eq!(b.parse("15.00", Currency::USD), Ok(1_500));
        assert_eq!(b.parse("1,000", Currency::USD), Ok(100_000));
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
