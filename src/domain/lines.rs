//! An invoice's lines: what it bills, in order. One place for how a line's
//! amount follows from its quantity and unit price, what a set of lines
//! entered by a person may be, and whether imported lines add up.
//!
//! A line is an item (a product or service, with quantity and unit price
//! when the source has them) or a discount (its amount ≤ 0). A subtotal is
//! not a line. The invoice's total stays what was billed: lines a person
//! enters must add up to it (`entered_total`); an imported invoice keeps its
//! source's total and its detail says when the lines do not (`mismatch`).

use super::bounds::MAX_AMOUNT_MINOR;
use super::money::{Currency, Money};
use rust_decimal::{Decimal, RoundingStrategy};

/// The most lines one invoice holds (the schema's `seq` is 0..=999).
pub const MAX_LINES: usize = 1000;

/// The longest description kept, in characters (the schema's CHECK).
pub const MAX_DESCRIPTION: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Item,
    Discount,
}

impl LineKind {
    pub fn as_db(self) -> &'static str {
        match self {
            LineKind::Item => "item",
            LineKind::Discount => "discount",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "item" => Some(LineKind::Item),
            "discount" => Some(LineKind::Discount),
            _ => None,
        }
    }
}

/// One line as stored: `amount_minor` in the invoice's currency is what it
/// adds to the total; quantity and unit price are as the source or the
/// person gave them (a unit price may carry more places than the currency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    pub description: String,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub amount_minor: i64,
    pub tax_minor: Option<i64>,
}

impl Line {
    /// An item of `amount_minor` without quantity, price or tax.
    pub fn item(description: &str, amount_minor: i64) -> Line {
        Line {
            kind: LineKind::Item,
            description: description.into(),
            quantity: None,
            unit_price: None,
            amount_minor,
            tax_minor: None,
        }
    }
}

/// quantity × unit price in minor units, rounded half away from zero to the
/// currency's places (as invoicing systems round a line); `None` when the
/// product is past the largest amount.
pub fn amount_of(quantity: Decimal, unit_price: Decimal, currency: Currency) -> Option<i64> {
    let product = quantity.checked_mul(unit_price)?;
    let scaled = product.checked_mul(Decimal::from(10_i64.pow(currency.exponent())))?;
    let minor = scaled.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let minor = i64::try_from(minor).ok()?;
    (minor.abs() <= MAX_AMOUNT_MINOR).then_some(minor)
}

/// Σ of the lines' amounts, in `i128` (a thousand lines at the bound cannot
/// overflow it).
pub fn sum(lines: &[Line]) -> i128 {
    lines.iter().map(|l| i128::from(l.amount_minor)).sum()
}

/// The total that lines entered by a person make, or why they cannot be an
/// invoice's lines. No lines: `None` (the person enters the total).
pub fn entered_total(lines: &[Line], currency: Currency) -> Result<Option<i64>, String> {
    if lines.is_empty() {
        return Ok(None);
    }
    if lines.len() > MAX_LINES {
        return Err(format!("at most {MAX_LINES} lines are kept; these are {}", lines.len()));
    }
    for (i, l) in lines.iter().enumerate() {
        let n = i + 1;
        if l.description.trim().is_empty() {
            return Err(format!("line {n} needs a description"));
        }
        if l.description.chars().count() > MAX_DESCRIPTION {
            return Err(format!("line {n}'s description is longer than {MAX_DESCRIPTION} characters"));
        }
        if l.amount_minor.abs() > MAX_AMOUNT_MINOR {
            return Err(format!("line {n}'s amount is past the largest amount ardesk keeps"));
        }
        match l.kind {
            LineKind::Discount if l.amount_minor > 0 => {
                return Err(format!("line {n} is a discount: its amount must be negative"));
            }
            LineKind::Item if l.amount_minor < 0 => {
                return Err(format!("line {n} is an item: its amount cannot be negative (make it a discount)"));
            }
            _ => {}
        }
        if let (Some(q), Some(p)) = (l.quantity, l.unit_price)
            && amount_of(q, p, currency) != Some(l.amount_minor)
        {
            return Err(format!("line {n}'s amount is not its quantity × unit price"));
        }
    }
    let total = sum(lines);
    if total < 0 {
        let t = Money::new(i64::try_from(total).unwrap_or(i64::MIN), currency);
        return Err(format!("the lines add up to {}: a total cannot be negative", t.display()));
    }
    match i64::try_from(total) {
        Ok(t) if t <= MAX_AMOUNT_MINOR => Ok(Some(t)),
        _ => Err(format!(
            "the lines add up to more than the largest amount ardesk keeps ({})",
            super::bounds::largest(currency)
        )),
    }
}

/// How far the lines of an invoice are from its total (Σ lines − total),
/// when it has lines and they do not add up; said in the detail. Lines
/// whose tax the source gives apart (Stripe's tax-exclusive prices) add
/// up when their amounts and taxes together make the total.
pub fn mismatch(lines: &[Line], total_minor: i64) -> Option<i128> {
    let diff = sum(lines) - i128::from(total_minor);
    let tax: i128 = lines.iter().filter_map(|l| l.tax_minor).map(i128::from).sum();
    (!lines.is_empty() && diff != 0 && diff + tax != 0).then_some(diff)
}

/// How a person types one line in the invoice form, one line per row:
/// `Setup fee; 500` (an item of 500.00), `Seats; 12 x 45.50` (12 × 45.50;
/// `×` and `*` work too, and so does `Seats; 12; 45.50`), and
/// `Loyalty discount; -50` (a discount: a negative amount or unit price).
/// The description is everything before the last `;` that is followed by a
/// number, so it may hold `;` itself.
pub const ENTRY_HELP: &str = "per row: Setup fee; 500 · Seats; 12 x 45.50 · Promo; -50";

/// Reads one row of the lines field (see `ENTRY_HELP`).
pub fn parse_entered(row: &str, currency: Currency) -> Result<Line, String> {
    let row = row.trim();
    let parts: Vec<&str> = row.rsplitn(3, ';').collect();
    let (description, quantity, price) = match parts.as_slice() {
        [last, q, desc] if number(q, 6).is_ok() && number(last, 6).is_ok() => (*desc, Some(*q), *last),
        [last, rest @ ..] if !rest.is_empty() => {
            let desc = row[..row.len() - last.len() - 1].trim();
            match split_product(last) {
                Some((q, p)) => (desc, Some(q), p),
                None => (desc, None, *last),
            }
        }
        _ => return Err("write the description, a ';' and the amount (e.g. Setup fee; 500)".into()),
    };
    let description = description.trim().to_string();
    if description.is_empty() {
        return Err("the line needs a description before the ';'".into());
    }
    let (quantity, unit_price, amount_minor) = match quantity {
        Some(q) => {
            let q = number(q, 6).map_err(|e| format!("quantity {e}"))?;
            let p = number(price, 6).map_err(|e| format!("unit price {e}"))?;
            if q <= Decimal::ZERO {
                return Err("the quantity must be more than zero (make the unit price negative for a discount)".into());
            }
            let amount = amount_of(q, p, currency).ok_or_else(|| {
                format!("{q} × {p} is past the largest amount ({})", super::bounds::largest(currency))
            })?;
            (Some(q), Some(p), amount)
        }
        None => {
            let t = price.trim();
            let (negative, magnitude) = match t.strip_prefix('-') {
                Some(m) => (true, m),
                None => (false, t),
            };
            let m = super::money::parse_amount(magnitude, currency).map_err(|e| e.to_string())?;
            (None, None, if negative { -m } else { m })
        }
    };
    let kind = if amount_minor < 0 { LineKind::Discount } else { LineKind::Item };
    Ok(Line { kind, description, quantity, unit_price, amount_minor, tax_minor: None })
}

/// How a line reads back in the lines field (`parse_entered` reads it again
/// to the same line).
pub fn entered_text(l: &Line, currency: Currency) -> String {
    let desc = l.description.replace(['\n', '\r'], " ");
    match (l.quantity, l.unit_price) {
        (Some(q), Some(p)) => format!("{desc}; {} x {}", q.normalize(), p.normalize()),
        _ => format!("{desc}; {}", Money::new(l.amount_minor, currency).plain()),
    }
}

/// `12 x 45.50`, `12×45.50`, `12 * 45.50`: a number, the sign and
/// anything (the unit price, read and refused with its own message).
fn split_product(s: &str) -> Option<(&str, &str)> {
    ['×', 'x', 'X', '*'].iter().find_map(|sep| {
        let (q, p) = s.split_once(*sep)?;
        (number(q, 6).is_ok() && !p.trim().is_empty()).then_some((q, p))
    })
}

/// A quantity or unit price: an optional sign and currency symbol, digits
/// with optional thousands grouping (as in an amount), and at most
/// `places` decimals.
fn number(input: &str, places: usize) -> Result<Decimal, String> {
    let t = input.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    let t = t.trim_start_matches(['$', '€', '£', '¥']);
    let (int_part, frac) = t.split_once('.').unwrap_or((t, ""));
    if int_part.is_empty() && frac.is_empty() {
        return Err(format!("\"{}\" is not a number", input.trim()));
    }
    // An amount in a currency without decimals checks digits and grouping.
    let whole = if int_part.is_empty() {
        0
    } else {
        super::money::parse_amount(int_part, Currency::JPY)
            .map_err(|_| format!("\"{}\" is not a number (use digits, e.g. 1,234.5)", input.trim()))?
    };
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("\"{}\" is not a number", input.trim()));
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > places {
        return Err(format!("\"{}\" has more than {places} decimal places", input.trim()));
    }
    let frac_value =
        if frac.is_empty() { 0 } else { frac.parse::<i64>().map_err(|_| "too many digits".to_string())? };
    let value = Decimal::from(whole) + Decimal::new(frac_value, frac.len() as u32);
    Ok(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn item(desc: &str, amount: i64) -> Line {
        Line::item(desc, amount)
    }

    #[test]
    fn amount_rounds_half_away_from_zero_to_the_currency() {
        assert_eq!(amount_of(dec("3"), dec("0.125"), Currency::USD), Some(38)); // 0.375 → 0.38
        assert_eq!(amount_of(dec("-1"), dec("0.005"), Currency::USD), Some(-1));
        assert_eq!(amount_of(dec("2.5"), dec("101"), Currency::JPY), Some(253)); // 252.5 → 253
        assert_eq!(amount_of(dec("1"), dec("100000000000.01"), Currency::USD), None);
        assert_eq!(amount_of(dec("79228162514264337593543950335"), dec("10"), Currency::USD), None);
    }

    #[test]
    fn entered_lines_make_the_total_or_say_why_not() {
        assert_eq!(entered_total(&[], Currency::USD), Ok(None));
        let disc = Line { kind: LineKind::Discount, ..item("Loyalty", -500) };
        assert_eq!(entered_total(&[item("Seats", 10_000), disc.clone()], Currency::USD), Ok(Some(9_500)));
        let e = entered_total(&[item("Seats", 100), Line { amount_minor: -500, ..disc.clone() }], Currency::USD);
        assert!(e.unwrap_err().contains("cannot be negative"));
        let e = entered_total(&[Line { amount_minor: 5, ..disc }], Currency::USD).unwrap_err();
        assert!(e.contains("discount"), "{e}");
        assert!(entered_total(&[item(" ", 1)], Currency::USD).unwrap_err().contains("description"));
        let big = vec![item("x", MAX_AMOUNT_MINOR); 2];
        assert!(entered_total(&big, Currency::USD).unwrap_err().contains("largest"));
        let many = vec![item("x", 1); MAX_LINES + 1];
        assert!(entered_total(&many, Currency::USD).unwrap_err().contains("at most"));
        let wrong = Line { quantity: Some(dec("2")), unit_price: Some(dec("1.50")), ..item("x", 299) };
        assert!(entered_total(&[wrong], Currency::USD).unwrap_err().contains("quantity × unit price"));
    }

    #[test]
    fn mismatch_only_when_lines_exist_and_differ() {
        assert_eq!(mismatch(&[], 100), None);
        assert_eq!(mismatch(&[item("a", 100)], 100), None);
        assert_eq!(mismatch(&[item("a", 90)], 100), Some(-10));
        let taxed = Line { tax_minor: Some(10), ..item("a", 90) };
        assert_eq!(mismatch(std::slice::from_ref(&taxed), 100), None, "tax given apart");
        assert_eq!(mismatch(&[taxed], 90), None, "tax included in the amount");
        assert_eq!(mismatch(&[Line { tax_minor: Some(3), ..item("a", 90) }], 100), Some(-10));
    }

    #[test]
    fn typed_rows_read_as_lines_and_back() {
        let usd = Currency::USD;
        let l = parse_entered("Setup fee; 500", usd).unwrap();
        assert_eq!(
            (l.kind, l.description.as_str(), l.amount_minor, l.quantity),
            (LineKind::Item, "Setup fee", 50_000, None)
        );
        let l = parse_entered("Seats; 12 x 45.50", usd).unwrap();
        assert_eq!((l.quantity, l.unit_price, l.amount_minor), (Some(dec("12")), Some(dec("45.50")), 54_600));
        assert_eq!(parse_entered("Seats; 12; 45.50", usd).unwrap(), l);
        assert_eq!(parse_entered("Seats;12×45.5", usd).unwrap().amount_minor, 54_600);
        let d = parse_entered("Loyalty discount; -50", usd).unwrap();
        assert_eq!((d.kind, d.amount_minor), (LineKind::Discount, -5_000));
        let d = parse_entered("Promo; 2 x -12.50", usd).unwrap();
        assert_eq!((d.kind, d.amount_minor), (LineKind::Discount, -2_500));
        let l = parse_entered("Hours; support; 1,250.5", usd).unwrap();
        assert_eq!(
            (l.description.as_str(), l.amount_minor),
            ("Hours; support", 125_050),
            "only the last ';' parts that are numbers count"
        );
    }

    #[test]
    fn typed_rows_that_are_not_lines_say_why() {
        let usd = Currency::USD;
        let err = |s: &str| parse_entered(s, usd).unwrap_err();
        assert!(err("Setup fee").contains("';'"));
        assert!(err("; 500").contains("description"));
        assert!(err("Fee; 12,34").contains("thousands"), "{}", err("Fee; 12,34"));
        assert!(err("Fee; 1.005").contains("decimal"));
        assert!(err("Fee; abc").contains("not an amount"));
        assert!(err("Seats; 0 x 5").contains("more than zero"));
        assert!(err("Seats; 1 x 0.0000001").contains("decimal places"));
        assert!(err("Big; 100000000000.01").contains("too large"));
        assert!(err("Big; 10000000 x 10000000").contains("largest"));
        assert!(err("Fee; -").contains("amount"));
    }

    #[test]
    fn a_line_reads_back_to_itself() {
        for row in ["Setup fee; 500", "Seats; 12 x 45.5", "Loyalty; -50", "A; b; 3 x 0.125"] {
            let l = parse_entered(row, Currency::USD).unwrap();
            assert_eq!(parse_entered(&entered_text(&l, Currency::USD), Currency::USD).unwrap(), l, "{row}");
        }
    }
}
