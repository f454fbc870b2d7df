//! The metric formulas of design §3, in one place. The store supplies sums
//! (`MetricParts`, from summaries or recomputed from raw rows); everything a
//! card shows is derived here, so the two sources can be compared exactly.

use super::money::{Currency, Money};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

/// Payments dated within this many days, today included, count towards
/// Avg. Days to Collect.
pub const COLLECT_WINDOW_DAYS: i64 = 365;

/// The first payment date inside the Avg. Days to Collect window.
pub fn collect_window_start(today: NaiveDate) -> NaiveDate {
    days_before(today, COLLECT_WINDOW_DAYS - 1)
}

/// The day `n` days before `day`, or the first day there is when that is
/// earlier (a day near `NaiveDate::MIN`: no date falls before it anyway).
fn days_before(day: NaiveDate, n: i64) -> NaiveDate {
    day.checked_sub_signed(chrono::Duration::days(n)).unwrap_or(NaiveDate::MIN)
}

/// Raw sums for one customer in one currency, as of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MetricParts {
    pub invoice_count: i64,
    /// Σ total of every invoice row.
    pub invoice_total_minor: i64,
    /// Σ total of every invoice but the cancelled ones (the Invoices tab's
    /// Σ in the status line).
    pub invoice_shown_total_minor: i64,
    /// Σ balance of every invoice: total − applied of open and
    /// uncollectible ones (the Invoices tab's balance in the status line).
    pub invoice_balance_minor: i64,
    pub payment_count: i64,
    /// Σ amount of every payment row.
    pub payment_total_minor: i64,
    /// Σ total of issued invoices (open, paid, uncollectible), gross.
    pub billed_minor: i64,
    /// Σ applications to issued invoices, of payments and of credit.
    pub billed_applied_minor: i64,
    /// Σ applications of credit to issued invoices: the part of
    /// `billed_applied_minor` that is no money. Total Billed is net of it
    /// and Billed & Collected leaves it out (credit is not collection).
    pub billed_credited_minor: i64,
    /// Σ open balance of open invoices.
    pub outstanding_minor: i64,
    /// Σ open balance of open invoices due before today.
    pub overdue_minor: i64,
    /// Σ unapplied remainder of succeeded payments, refunds subtracted.
    pub unapplied_minor: i64,
    /// Σ unapplied remainder of credit granted.
    pub credit_open_minor: i64,
    /// Σ succeeded payments, refunds subtracted (also the Payments tab's Σ
    /// in the status line).
    pub collected_minor: i64,
    /// Succeeded payments (a partly refunded one still counts).
    pub collected_count: i64,
    /// Σ applied amount of payments in the window.
    pub window_applied_minor: i64,
    /// Σ applied amount × days from invoice issue to payment, same window
    /// (wider than `i64` can hold for one customer: see `bounds`).
    pub window_weighted_minor: i128,
    /// Open balance by bucket: Current, 1–30, 31–60, 61–90, 90+ days past due.
    pub aging_minor: [i64; 5],
}

/// Conversation counts (not money, so not per currency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Conversations {
    pub auto_resolved: i64,
    pub total: i64,
}

/// The six cards and the aging strip, in the customer's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metrics {
    pub currency: Currency,
    pub total_billed: Money,
    pub billed_collected: Money,
    /// Whole percent of Total Billed that is collected, 0–100.
    pub collected_percent: u8,
    pub outstanding: Money,
    pub overdue: Money,
    pub credit_balance: Money,
    pub conversations: Conversations,
    pub avg_days_to_collect: Option<Decimal>,
    pub total_collected: Money,
    pub collected_count: i64,
    pub aging: [Money; 5],
}

/// Everything the page shows above the tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerFigures {
    /// The cards, in the customer's currency.
    pub metrics: Metrics,
    /// Other currencies with invoices or payments, shown apart.
    pub others: Vec<(Currency, MetricParts)>,
    /// Rows per tab, in `Tab::ALL` order.
    pub counts: [i64; super::columns::Tab::COUNT],
    /// The raw sums in the customer's currency.
    pub own: MetricParts,
}

pub const AGING_LABELS: [&str; 5] = ["Current", "1–30", "31–60", "61–90", "90+"];

impl Metrics {
    pub fn from_parts(currency: Currency, p: &MetricParts, conversations: Conversations) -> Self {
        let m = |minor| Money::new(minor, currency);
        // Credit is not collection (design §3): it nets Total Billed down
        // and stays out of Billed & Collected, so that Total Billed −
        // Billed & Collected − the written-off remainder = Outstanding.
        let net_billed = p.billed_minor - p.billed_credited_minor;
        let collected = p.billed_applied_minor - p.billed_credited_minor;
        Metrics {
            currency,
            total_billed: m(net_billed),
            billed_collected: m(collected),
            collected_percent: percent(collected, net_billed),
            outstanding: m(p.outstanding_minor),
            overdue: m(p.overdue_minor),
            credit_balance: m(p.unapplied_minor + p.credit_open_minor),
            conversations,
            avg_days_to_collect: avg_days(p.window_weighted_minor, p.window_applied_minor),
            total_collected: m(p.collected_minor),
            collected_count: p.collected_count,
            aging: p.aging_minor.map(m),
        }
    }
}

/// Whole percent, rounded down so 99.9% never shows as 100%.
pub fn percent(part: i64, whole: i64) -> u8 {
    if whole <= 0 || part <= 0 {
        return 0;
    }
    let p = i128::from(part) * 100 / i128::from(whole);
    p.clamp(0, 100) as u8
}

/// One application of a payment to an invoice, as Avg. Days to Collect
/// weighs it: the amount applied and the days from the invoice's issue to
/// the payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub received_on: NaiveDate,
    pub reference: String,
    pub invoice: String,
    pub issue_date: NaiveDate,
    pub amount: Money,
    pub days: i64,
}

/// The card's figure from its rows: Σ(amount × days) ÷ Σ amount.
pub fn collections_mean(rows: &[Collection]) -> Option<Decimal> {
    let applied: i64 = rows.iter().map(|r| r.amount.minor).sum();
    let weighted: i128 = rows.iter().map(|r| i128::from(r.amount.minor) * i128::from(r.days)).sum();
    avg_days(weighted, applied)
}

/// Payment-weighted days to collect: Σ(applied × days) ÷ Σ applied, to two
/// decimals (half away from zero). `None` when nothing was collected.
pub fn avg_days(weighted: i128, applied: i64) -> Option<Decimal> {
    if applied <= 0 {
        return None;
    }
    // |weighted| ≤ 10^17 × 109,572 (bounds.rs): within Decimal's 96 bits.
    let weighted = Decimal::from_i128_with_scale(weighted, 0);
    let mut v = (weighted / Decimal::from(applied)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    v.rescale(2);
    Some(v)
}

/// Which aging bucket an open balance due on `due` falls in, as of `as_of`.
pub fn aging_bucket(due: NaiveDate, as_of: NaiveDate) -> usize {
    match (as_of - due).num_days() {
        i64::MIN..=0 => 0,
        1..=30 => 1,
        31..=60 => 2,
        61..=90 => 3,
        _ => 4,
    }
}

/// The due-date boundaries of the buckets, for range queries: bucket `i`
/// holds due dates in `(bounds[i+1], bounds[i]]`, newest first; bucket 0 is
/// everything due on or after `as_of`.
pub fn aging_bounds(as_of: NaiveDate) -> [NaiveDate; 4] {
    let d = |n| days_before(as_of, n);
    [d(0), d(30), d(60), d(90)]
}

pub const FORMULAS: &[(&str, &str)] = &[
    (
        "Total Billed",
        "Σ totals of issued invoices (open, paid, uncollectible), less the credit applied to them (granted credit, credit notes): net billed.",
    ),
    (
        "Billed & Collected",
        "Σ payments applied to issued invoices / Total Billed. Money only: credit is not collection, it lowers Total Billed instead, so Total Billed − Billed & Collected − written-off remainder = Outstanding.",
    ),
    (
        "Outstanding",
        "Σ (total − applied) of open invoices; uncollectible excluded. Overdue: the part due before today.",
    ),
    (
        "Credit Balance",
        "Unapplied remainder of succeeded payments (refunds subtracted) + credit granted and not applied.",
    ),
    (
        "Auto-Resolved",
        "N of M: N the conversations resolved by the AI collections agent by itself (status resolved, resolved by the agent, not by a person), M all the customer's conversations whatever their status (the Conversations tab, 7).",
    ),
    (
        "Avg. Days to Collect",
        "Σ(applied × (payment date − invoice issue date)) ÷ Σ applied, over payment applications dated in the 365 days to today; credit left out; money received before the invoice's issue date counts 0 days.",
    ),
    ("Total Collected", "Σ succeeded payments received, refunds subtracted, applied or not."),
    ("Aging", "Open balances by days past due as of today: Current, 1–30, 31–60, 61–90, 90+."),
    (
        "Balance",
        "What an invoice still owes: total − applied; 0 for draft, paid and cancelled invoices. An uncollectible invoice shows the unpaid remainder that was written off (outside Outstanding and Aging).",
    ),
    (
        "As of a date",
        "t: the books as they stood at the end of a day, read-only (the header says \"as of\"): invoices issued by then, \
         what each owed after the payments, credit and refunds dated by then, cancellations and write-offs from their \
         dates (an undated one from the issue date), aging and the 365-day window counted to that day. \
         An empty date returns to today.",
    ),
    (
        "Status line Σ",
        "Over the rows shown. Invoices: Σ total and Σ balance, cancelled invoices left out of both. Payments: Σ succeeded amounts, refunds subtracted (pending and failed ones left out, and credits, which are no money), and Σ unapplied: what of the rows shown is not applied to invoices (the Credit Balance of those rows).",
    ),
    (
        "Payments tab",
        "Lists payments and the credit granted to the customer (Kind: Payment or Credit; a credit's status is Granted). status:unapplied lists the rows with something left to apply: the Credit Balance card opens it.",
    ),
    (
        "Invoice lines",
        "In the create and draft forms, one line per row: 'Setup fee; 500', 'Seats; 12 x 45.50' (quantity × unit price, rounded half away from zero to the currency), 'Promo; -50' (a discount). With lines, the total is their sum. An imported invoice keeps its source's total; its detail says when its lines do not add up to it.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weighted_days_round_to_two_places() {
        // 100 paid after 10 days, 200 after 41 days: (1000 + 8200) / 300 = 30.666…
        assert_eq!(avg_days(9200, 300), Some(Decimal::new(3067, 2)));
        assert_eq!(avg_days(0, 0), None);
        assert_eq!(avg_days(345, 10).unwrap().to_string(), "34.50");
        // The largest weighted sum the bounds allow: a customer's whole
        // 10^17 collected 109,572 days after issue.
        let max = i128::from(super::super::bounds::MAX_CUSTOMER_TOTAL_MINOR) * 109_572;
        assert_eq!(avg_days(max, super::super::bounds::MAX_CUSTOMER_TOTAL_MINOR).unwrap().to_string(), "109572.00");
    }

    #[test]
    fn percent_rounds_down_and_clamps() {
        assert_eq!(percent(999, 1000), 99);
        assert_eq!(percent(1000, 1000), 100);
        assert_eq!(percent(5, 0), 0);
    }

    #[test]
    fn buckets_by_days_past_due() {
        let today = d("2026-03-31");
        assert_eq!(aging_bucket(d("2026-04-10"), today), 0);
        assert_eq!(aging_bucket(d("2026-03-31"), today), 0);
        assert_eq!(aging_bucket(d("2026-03-30"), today), 1);
        assert_eq!(aging_bucket(d("2026-03-01"), today), 1);
        assert_eq!(aging_bucket(d("2026-02-28"), today), 2);
        assert_eq!(aging_bucket(d("2026-01-01"), today), 3);
        assert_eq!(aging_bucket(d("2025-12-31"), today), 3); // 90 days
        assert_eq!(aging_bucket(d("2025-12-30"), today), 4); // 91 days
        // The range bounds agree with the bucket function.
        let b = aging_bounds(today);
        assert_eq!(aging_bucket(b[1], today), 1);
        assert_eq!(aging_bucket(b[1] - chrono::Duration::days(1), today), 2);
        assert_eq!(aging_bucket(b[3], today), 3);
    }

    #[test]
    fn window_covers_365_days_including_today() {
        assert_eq!(collect_window_start(d("2026-12-31")), d("2026-01-01"));
    }
}

#[cfg(test)]
mod extreme_days {
    use super::*;

    /// Days at chrono's ends: the bounds clamp to the first day there is
    /// instead of overflowing (a panic before), and a bucket is still read.
    #[test]
    fn the_first_and_last_days_there_are_have_bounds_and_buckets() {
        let (min, max) = (NaiveDate::MIN, NaiveDate::MAX);
        assert_eq!(aging_bounds(min), [min; 4]);
        assert_eq!(collect_window_start(min), min);
        let near = min + chrono::Duration::days(45);
        assert_eq!(aging_bounds(near), [near, near - chrono::Duration::days(30), min, min]);
        assert_eq!(aging_bounds(max)[3], max - chrono::Duration::days(90));
        assert_eq!(collect_window_start(max), max - chrono::Duration::days(364));
        assert_eq!(aging_bucket(min, max), 4);
        assert_eq!(aging_bucket(max, min), 0);
    }
}
