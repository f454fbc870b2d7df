//! What a demo invoice bills: a contract's seats (or units) at a price, a
//! support plan for the rest, now and then a discount, all adding up to the
//! invoice's total as a person's entered lines must; and a memo on a few.
//! Drawn from a generator of their own, seeded by the invoice, so that the
//! rest of the demo is the same with or without them.

use super::rng::Rng;
use crate::domain::Currency;
use crate::domain::lines::{Line, LineKind};
use rust_decimal::Decimal;

const MEMOS: &[&str] = &[
    "PO 4471 — quote the PO number on remittance",
    "Billing contact moved to accounts@ in March",
    "Net 30 agreed with their controller",
    "Ship to: Dock 3, north entrance",
    "Price held at last year's rate until renewal",
];

fn item(description: String, quantity: i64, unit_minor: i64, currency: Currency) -> Line {
    Line {
        kind: LineKind::Item,
        description,
        quantity: Some(Decimal::from(quantity)),
        unit_price: Some(Decimal::new(unit_minor, currency.exponent())),
        amount_minor: quantity * unit_minor,
        tax_minor: None,
    }
}

/// The lines of a demo invoice of `total` under contract `name`, and its
/// memo ('' for most).
pub fn for_invoice(invoice_id: i64, name: &str, total: i64, currency: Currency) -> (Vec<Line>, &'static str) {
    let mut rng = Rng::new(0x11AE_5EED ^ (invoice_id as u64).wrapping_mul(0x9E37_79B9));
    let memo = if rng.chance(6) { *rng.pick(MEMOS) } else { "" };
    if total <= 0 {
        return (Vec::new(), memo);
    }
    let seats = rng.range(1, 25);
    // Most of the total is the seats; the support plan takes the rest.
    let unit = total * rng.range(60, 90) / 100 / seats;
    let mut lines = Vec::new();
    if unit > 0 {
        let what = if rng.chance(50) { "seats" } else { "users" };
        lines.push(item(format!("{name}: {what}"), seats, unit, currency));
    }
    let discount = if rng.chance(15) { total * 5 / 100 } else { 0 };
    let billed = if unit > 0 { seats * unit } else { 0 };
    let rest = total - billed + discount;
    if rest > 0 {
        lines.push(item("Support plan (business hours)".into(), 1, rest, currency));
    }
    if discount > 0 {
        lines.push(Line {
            kind: LineKind::Discount,
            description: "Loyalty discount 5%".into(),
            quantity: None,
            unit_price: None,
            amount_minor: -discount,
            tax_minor: None,
        });
    }
    (lines, memo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lines::entered_total;

    #[test]
    fn the_lines_add_up_to_the_total_as_entered_lines_must() {
        let jpy: Currency = "JPY".parse().unwrap();
        for id in 1..400 {
            for (total, cur) in [(120_000, Currency::USD), (1, Currency::USD), (7_777, jpy), (99, Currency::USD)] {
                let (lines, _) = for_invoice(id, "Platform subscription", total, cur);
                assert_eq!(entered_total(&lines, cur), Ok(Some(total)), "#{id} {total}: {lines:?}");
            }
        }
        let memos = (1..400).filter(|&id| !for_invoice(id, "x", 100, Currency::USD).1.is_empty()).count();
        assert!((5..60).contains(&memos), "a few memos: {memos}");
    }
}
