//! The six metrics and the aging strip (design §3) on small hand-computed
//! fixtures. Every test asserts the whole `Metrics` value, the tab counts,
//! that the figures read from the summaries equal the figures recomputed
//! from the raw rows (`figures_oracle`), and that `check` finds nothing.
//!
//! Unless a test says otherwise, today is 2026-03-01. 2026 is not a leap
//! year: February has 28 days. Amounts are in cents. Tab counts are in
//! `Tab::ALL` order: invoices, contracts, payments, contacts, documents,
//! activity.

mod common;
mod support;

use ardesk::domain::date::iso;
use ardesk::domain::metrics::{Conversations, MetricParts, Metrics};
use ardesk::domain::status::*;
use ardesk::store::seed::*;
use ardesk::store::{Audit, Books};
use chrono::Duration;
use common::*;
use support::backends::{consistent_figures, seed};

const TODAY: &str = "2026-03-01";

on_both! {
fn partial_payments_and_overdue(store: &mut Books) {
    let id = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Partial", USD);
        // A: $1,000 due 2026-01-31 (29 days past due on 03-01), $400 paid.
        let a = b.invoice("2026-01-01", "2026-01-31", 100_000, USD);
        // B: $500 due 2026-03-15 (current), $250 paid in two parts.
        let inv_b = b.invoice("2026-02-01", "2026-03-15", 50_000, USD);
        // C: $200 paid in full on 2026-01-10.
        let c = b.invoice("2025-12-01", "2025-12-31", 20_000, USD);
        // P1 $500 on 02-10 is split: $400 to A, $100 to B.
        let p1 = b.payment("2026-02-10", 50_000, USD);
        b.apply(a, p1, 40_000, "2026-02-10");
        b.apply(inv_b, p1, 10_000, "2026-02-10");
        // P2 $150 on 02-21 to B.
        let p2 = b.payment("2026-02-21", 15_000, USD);
        b.apply(inv_b, p2, 15_000, "2026-02-21");
        // P3 $200 on 01-10 pays C.
        let p3 = b.payment("2026-01-10", 20_000, USD);
        b.apply(c, p3, 20_000, "2026-01-10");
        b.paid(c);
        let id = b.customer;
        s.commit().unwrap();
        id
    });
    let f = consistent_figures(store, &store.customer(id).unwrap(), d(TODAY));
    let expected = Metrics {
        // A 1,000 + B 500 + C 200 = 1,700.
        total_billed: usd(170_000),
        // A 400 + B (100 + 150) + C 200 = 850.
        billed_collected: usd(85_000),
        // 850 / 1,700 = 50 %.
        collected_percent: 50,
        // A 1,000 − 400 = 600 + B 500 − 250 = 250 → 850.
        outstanding: usd(85_000),
        // Only A is due before today: 600.
        overdue: usd(60_000),
        // P1, P2 and P3 are fully applied: nothing left over.
        credit_balance: usd(0),
        // A ← P1: 400 × 40 days (01-01 → 02-10) = 16,000
        // B ← P1: 100 × 9 days (02-01 → 02-10)  =    900
        // B ← P2: 150 × 20 days (02-01 → 02-21) =  3,000
        // C ← P3: 200 × 40 days (12-01 → 01-10) =  8,000
        // 27,900 / 850 = 32.8235… → 32.82.
        avg_days_to_collect: Some(days("32.82")),
        // 500 + 150 + 200 = 850 from 3 payments.
        total_collected: usd(85_000),
        collected_count: 3,
        // Current: B 250; 1–30: A 600 (29 days past due).
        aging: [usd(25_000), usd(60_000), usd(0), usd(0), usd(0)],
        ..zero_metrics(USD)
    };
    assert_eq!(f.metrics, expected);
    assert_eq!(f.counts, [3, 0, 3, 0, 0, 0, 0]);
    assert!(f.others.is_empty());
}

fn cancelled_uncollectible_and_draft(store: &mut Books) {
    let id = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Statuses", USD);
        // O: $100 open, due 2026-03-03: current.
        b.invoice("2026-02-01", "2026-03-03", 10_000, USD);
        // U: $200 issued 2025-10-01, $50 paid on 2025-11-20 (50 days), then
        // written off as uncollectible.
        let u = b.invoice("2025-10-01", "2025-10-31", 20_000, USD);
        let p = b.payment("2025-11-20", 5_000, USD);
        b.apply(u, p, 5_000, "2025-11-20");
        b.status(u, InvoiceStatus::Uncollectible);
        // A cancelled $300 and a draft $400, both with due dates in the past.
        b.invoice_as("2026-01-05", "2026-02-04", 30_000, InvoiceStatus::Cancelled, USD);
        b.invoice_as("2026-01-10", "2026-02-09", 40_000, InvoiceStatus::Draft, USD);
        let id = b.customer;
        s.commit().unwrap();
        id
    });
    let f = consistent_figures(store, &store.customer(id).unwrap(), d(TODAY));
    let expected = Metrics {
        // Issued: O 100 + U 200 = 300 (uncollectible billed; cancelled and draft not).
        total_billed: usd(30_000),
        // 50 applied to U.
        billed_collected: usd(5_000),
        // 50 / 300 = 16.67 % → 16 (rounded down).
        collected_percent: 16,
        // O 100 only: uncollectible, cancelled and draft owe nothing here.
        outstanding: usd(10_000),
        overdue: usd(0),
        credit_balance: usd(0),
        // 50 × 50 days (10-01 → 11-20) / 50 = 50.00.
        avg_days_to_collect: Some(days("50.00")),
        total_collected: usd(5_000),
        collected_count: 1,
        // O is current; U (121 days past due) is not aged: it is not open.
        aging: [usd(10_000), usd(0), usd(0), usd(0), usd(0)],
        ..zero_metrics(USD)
    };
    assert_eq!(f.metrics, expected);
    // The Invoices tab lists all four rows, and sums all four: 100 + 200 + 300 + 400.
    assert_eq!(f.counts, [4, 0, 1, 0, 0, 0, 0]);
    assert_eq!(f.own.invoice_total_minor, 100_000);
}

fn refunds_failed_and_pending_payments(store: &mut Books) {
    let id = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Refunds", USD);
        // X: $1,000 due 2026-02-14 (15 days past due).
        let x = b.invoice("2026-01-15", "2026-02-14", 100_000, USD);
        // P1: $600 received 02-04, $150 refunded, $400 applied to X (20 days).
        let p1 = b.payment_as("2026-02-04", 60_000, 15_000, PaymentStatus::Succeeded, USD);
        b.apply(x, p1, 40_000, "2026-02-04");
        // P2: $300 fully refunded; P3: $250 failed; P4: $100 pending.
        b.payment_as("2026-02-10", 30_000, 30_000, PaymentStatus::Refunded, USD);
        b.payment_as("2026-02-20", 25_000, 0, PaymentStatus::Failed, USD);
        b.payment_as("2026-02-25", 10_000, 0, PaymentStatus::Pending, USD);
        let id = b.customer;
        s.commit().unwrap();
        id
    });
    let f = consistent_figures(store, &store.customer(id).unwrap(), d(TODAY));
    let expected = Metrics {
        total_billed: usd(100_000),
        billed_collected: usd(40_000),
        // 400 / 1,000 = 40 %.
        collected_percent: 40,
        // 1,000 − 400 = 600, all of it overdue (15 days: 1–30).
        outstanding: usd(60_000),
        overdue: usd(60_000),
        // P1: 600 − 150 refunded − 400 applied = 50 left; P2–P4 hold nothing.
        credit_balance: usd(5_000),
        // 400 × 20 days (01-15 → 02-04) / 400 = 20.00.
        avg_days_to_collect: Some(days("20.00")),
        // P1 600 − 150 = 450; P2 300 − 300 = 0; failed and pending count nowhere.
        total_collected: usd(45_000),
        // Only P1 succeeded.
        collected_count: 1,
        aging: [usd(0), usd(60_000), usd(0), usd(0), usd(0)],
        ..zero_metrics(USD)
    };
    assert_eq!(f.metrics, expected);
    // All four payments are rows of the Payments tab: 600 + 300 + 250 + 100.
    assert_eq!(f.counts, [1, 0, 4, 0, 0, 0, 0]);
    assert_eq!(f.own.payment_total_minor, 125_000);
}

fn overpayment_and_credit_make_the_credit_balance(store: &mut Books) {
    let id = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Credit", USD);
        // Y: $300 paid by a $500 payment on 02-11 (10 days): $200 overpaid.
        let y = b.invoice("2026-02-01", "2026-03-03", 30_000, USD);
        let p = b.payment("2026-02-11", 50_000, USD);
        b.apply(y, p, 30_000, "2026-02-11");
        b.paid(y);
        // Z: $400; $150 credit granted 02-15, $100 of it applied to Z.
        let z = b.invoice("2026-02-10", "2026-03-12", 40_000, USD);
        let cr1 = b.credit("2026-02-15", 15_000, USD);
        b.apply_credit(z, cr1, 10_000, "2026-02-15");
        // W: $50 paid entirely by a $50 credit granted 02-01.
        let w = b.invoice("2026-01-20", "2026-02-19", 5_000, USD);
        let cr2 = b.credit("2026-02-01", 5_000, USD);
        b.apply_credit(w, cr2, 5_000, "2026-02-01");
        b.paid(w);
        let id = b.customer;
        s.commit().unwrap();
        id
    });
    let f = consistent_figures(store, &store.customer(id).unwrap(), d(TODAY));
    let expected = Metrics {
        // Credit is not collection (design §3, rule of 2026-12-05; this
        // test counted Z's and W's credit as collected before it): Total
        // Billed is net of the credit applied, Y 300 + Z 400 + W 50 − Z's
        // 100 − W's 50 of credit = 600.
        total_billed: usd(60_000),
        // Money only: Y 300 (payment) = 300.
        billed_collected: usd(30_000),
        // 300 / 600 = 50 %.
        collected_percent: 50,
        // Z 400 − 100 = 300, due 03-12: current.
        outstanding: usd(30_000),
        overdue: usd(0),
        // Unapplied cash 500 − 300 = 200, plus credit 150 − 100 = 50 and 50 − 50 = 0 → 250.
        credit_balance: usd(25_000),
        // Credit applications are left out: only Y ← P, 300 × 10 days / 300 = 10.00.
        // (With them it would be (3,000 + 100 × 5 + 50 × 12) / 450 = 9.11.)
        avg_days_to_collect: Some(days("10.00")),
        // The $500 payment, applied or not.
        total_collected: usd(50_000),
        collected_count: 1,
        aging: [usd(30_000), usd(0), usd(0), usd(0), usd(0)],
        ..zero_metrics(USD)
    };
    assert_eq!(f.metrics, expected);
    // One payment and two credits on the Payments tab.
    assert_eq!(f.counts, [3, 0, 3, 0, 0, 0, 0]);
    assert_eq!((f.own.unapplied_minor, f.own.credit_open_minor), (20_000, 5_000));
}

/// Credit is not collection (design §3, rule of 2026-12-05): an invoice
/// settled partly by credit and partly by money bills its total less the
/// credit, and collects the money only; Outstanding is what it always was.
fn credit_lowers_total_billed_and_is_not_collected(store: &mut Books) {
    let id = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Part Credit", USD);
        // I1: $1,000 issued 01-01, due 01-31 (29 days past due on 03-01): $300
        // of credit (granted 01-20) and $500 of money (02-10) applied; $200 owed.
        let i1 = b.invoice("2026-01-01", "2026-01-31", 100_000, USD);
        let cr1 = b.credit("2026-01-20", 30_000, USD);
        b.apply_credit(i1, cr1, 30_000, "2026-01-20");
        let p1 = b.payment("2026-02-10", 50_000, USD);
        b.apply(i1, p1, 50_000, "2026-02-10");
        // I2: $400 issued 02-01, paid by $150 of credit and $250 of money (02-11).
        let i2 = b.invoice("2026-02-01", "2026-03-03", 40_000, USD);
        let cr2 = b.credit("2026-02-05", 15_000, USD);
        b.apply_credit(i2, cr2, 15_000, "2026-02-05");
        let p2 = b.payment("2026-02-11", 25_000, USD);
        b.apply(i2, p2, 25_000, "2026-02-11");
        b.paid(i2);
        // I3: $200, $50 of credit applied, then written off: $150 written off.
        let i3 = b.invoice("2025-12-01", "2025-12-31", 20_000, USD);
        let cr3 = b.credit("2026-01-05", 5_000, USD);
        b.apply_credit(i3, cr3, 5_000, "2026-01-05");
        b.status(i3, InvoiceStatus::Uncollectible);
        let id = b.customer;
        s.commit().unwrap();
        id
    });
    let f = consistent_figures(store, &store.customer(id).unwrap(), d(TODAY));
    let expected = Metrics {
        // Issued 1,000 + 400 + 200 = 1,600, less the credit applied to them
        // 300 + 150 + 50 = 500: net billed 1,100.
        total_billed: usd(110_000),
        // Money only: P1 500 + P2 250 = 750 (under the old rule it was
        // 1,250, the credit counted as collected).
        billed_collected: usd(75_000),
        // 750 / 1,100 = 68.18 % → 68.
        collected_percent: 68,
        // I1 1,000 − 300 − 500 = 200; I2 paid; I3 written off. The same as
        // before the rule: credit settles what is owed either way.
        outstanding: usd(20_000),
        overdue: usd(20_000),
        // Every credit and payment fully applied.
        credit_balance: usd(0),
        // Credit never counts: I1 ← P1 500 × 40 days (01-01 → 02-10) = 20,000,
        // I2 ← P2 250 × 10 days (02-01 → 02-11) = 2,500; 22,500 / 750 = 30.00.
        avg_days_to_collect: Some(days("30.00")),
        // The two payments; credit is no money.
        total_collected: usd(75_000),
        collected_count: 2,
        aging: [usd(0), usd(20_000), usd(0), usd(0), usd(0)],
        ..zero_metrics(USD)
    };
    assert_eq!(f.metrics, expected);
    // Three invoices; two payments and three credits on the Payments tab.
    assert_eq!(f.counts, [3, 0, 5, 0, 0, 0, 0]);
    assert_eq!(
        (f.own.billed_minor, f.own.billed_applied_minor, f.own.billed_credited_minor),
        (160_000, 125_000, 50_000)
    );
    // Total Billed − Billed & Collected − written-off remainder = Outstanding:
    // 1,100 − 750 − 150 (I3's balance) = 200.
    let written_off = f.own.invoice_balance_minor - f.own.outstanding_minor;
    assert_eq!(written_off, 15_000);
    let m = &f.metrics;
    assert_eq!(m.total_billed.minor - m.billed_collected.minor - written_off, m.outstanding.minor);
}

fn another_currency_is_shown_apart_never_summed(store: &mut Books) {
    let id = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Two Currencies", USD);
        // $100 due 02-15: 14 days past due.
        b.invoice("2026-02-01", "2026-02-15", 10_000, USD);
        // €200 due 01-31 (29 days past due); a €80 payment on 01-11, €50 applied (10 days).
        let e = b.invoice("2026-01-01", "2026-01-31", 20_000, EUR);
        let pe = b.payment("2026-01-11", 8_000, EUR);
        b.apply(e, pe, 5_000, "2026-01-11");
        // £10 received and not applied.
        b.payment("2026-02-01", 1_000, GBP);
        let id = b.customer;
        s.commit().unwrap();
        id
    });
    let f = consistent_figures(store, &store.customer(id).unwrap(), d(TODAY));
    // The cards hold dollars only: no euro or pound leaks into them.
    let expected = Metrics {
        total_billed: usd(10_000),
        billed_collected: usd(0),
        collected_percent: 0,
        outstanding: usd(10_000),
        overdue: usd(10_000),
        credit_balance: usd(0),
        avg_days_to_collect: None,
        total_collected: usd(0),
        collected_count: 0,
        aging: [usd(0), usd(10_000), usd(0), usd(0), usd(0)],
        ..zero_metrics(USD)
    };
    assert_eq!(f.metrics, expected);
    // Tabs list every currency: 2 invoices, 2 payments.
    assert_eq!(f.counts, [2, 0, 2, 0, 0, 0, 0]);
    let eur = MetricParts {
        invoice_count: 1,
        invoice_total_minor: 20_000,
        // The Invoices tab's status line: Σ total, Σ balance €200 − €50.
        invoice_shown_total_minor: 20_000,
        invoice_balance_minor: 15_000,
        payment_count: 1,
        payment_total_minor: 8_000,
        billed_minor: 20_000,
        billed_applied_minor: 5_000,
        // No credit applied: all of it money.
        billed_credited_minor: 0,
        // €200 − €50 = €150, due 29 days ago: overdue, 1–30.
        outstanding_minor: 15_000,
        overdue_minor: 15_000,
        // €80 − €50 = €30 unapplied.
        unapplied_minor: 3_000,
        credit_open_minor: 0,
        collected_minor: 8_000,
        collected_count: 1,
        // €50 × 10 days.
        window_applied_minor: 5_000,
        window_weighted_minor: 50_000,
        aging_minor: [0, 15_000, 0, 0, 0],
    };
    let gbp = MetricParts {
        payment_count: 1,
        payment_total_minor: 1_000,
        collected_minor: 1_000,
        collected_count: 1,
        unapplied_minor: 1_000,
        ..MetricParts::default()
    };
    assert_eq!(f.others, vec![(EUR, eur), (GBP, gbp)]);
}

fn no_paid_invoice_shows_a_dash(store: &mut Books) {
    let (id, empty) = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Never Paid", USD);
        // $123 open, current; $20 received on 02-20 but not applied to anything.
        b.invoice("2026-02-01", "2026-03-03", 12_300, USD);
        b.payment("2026-02-20", 2_000, USD);
        let id = b.customer;
        let empty = s.customer(&new_customer("Nothing Yet", EUR)).unwrap();
        s.commit().unwrap();
        (id, empty)
    });
    let c = store.customer(id).unwrap();
    let f = consistent_figures(store, &c, d(TODAY));
    let expected = Metrics {
        total_billed: usd(12_300),
        outstanding: usd(12_300),
        // Nothing applied: 0 %, and no days to average → None ("—").
        collected_percent: 0,
        avg_days_to_collect: None,
        // The unapplied $20 is credit and is collected.
        credit_balance: usd(2_000),
        total_collected: usd(2_000),
        collected_count: 1,
        aging: [usd(12_300), usd(0), usd(0), usd(0), usd(0)],
        ..zero_metrics(USD)
    };
    assert_eq!(f.metrics, expected);
    assert_eq!(f.counts, [1, 0, 1, 0, 0, 0, 0]);
    let json = ardesk::commands::customer_json(&c, &f, &store.organization().unwrap());
    assert!(json["metrics"]["avg_days_to_collect"].is_null());
    assert_eq!(json["metrics"]["outstanding"], "123.00");

    // A customer with no rows at all: every figure zero, in its own currency.
    let f = consistent_figures(store, &store.customer(empty).unwrap(), d(TODAY));
    assert_eq!(f.metrics, zero_metrics(EUR));
    assert_eq!(f.counts, [0; 7]);
    assert!(f.others.is_empty());
    assert_eq!(f.own, MetricParts::default());
}

fn only_payments_of_the_last_365_days_count_towards_days_to_collect(store: &mut Books) {
    let id = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Window", USD);
        // The window on 2026-03-01 is 2025-03-02 ..= 2026-03-01 (365 days, today included).
        let paid = |b: &mut common::Books<'_, '_>, issue: &str, on: &str, total: i64| {
            let i = b.invoice(issue, issue, total, USD);
            let p = b.payment(on, total, USD);
            b.apply(i, p, total, on);
            b.paid(i);
        };
        // I1: $400 paid 2025-03-01, 28 days after issue: 365 days ago, just outside.
        paid(&mut b, "2025-02-01", "2025-03-01", 40_000);
        // I2: $200 paid 2025-03-02, 29 days after issue: the first day inside.
        paid(&mut b, "2025-02-01", "2025-03-02", 20_000);
        // I3: $400 paid 2024-06-01, 31 days after issue: long outside.
        paid(&mut b, "2024-05-01", "2024-06-01", 40_000);
        // I4: $100 paid today, 28 days after issue.
        paid(&mut b, "2026-02-01", "2026-03-01", 10_000);
        let id = b.customer;
        s.commit().unwrap();
        id
    });
    let c = store.customer(id).unwrap();

    let f = consistent_figures(store, &c, d(TODAY));
    let expected = Metrics {
        // 400 + 200 + 400 + 100 = 1,100, all of it applied.
        total_billed: usd(110_000),
        billed_collected: usd(110_000),
        collected_percent: 100,
        // (I2 200 × 29 + I4 100 × 28) / 300 = (5,800 + 2,800) / 300 = 28.666… → 28.67.
        avg_days_to_collect: Some(days("28.67")),
        total_collected: usd(110_000),
        collected_count: 4,
        ..zero_metrics(USD)
    };
    assert_eq!(f.metrics, expected);
    assert_eq!(f.counts, [4, 0, 4, 0, 0, 0, 0]);

    // On 2026-03-02 the window starts 2025-03-03: I2 drops out, I4 alone: 28.00.
    let f = consistent_figures(store, &c, d("2026-03-02"));
    assert_eq!(f.metrics.avg_days_to_collect, Some(days("28.00")));
    // On 2026-02-28 it is 2025-03-01 ..= 2026-02-28: I1 and I2 are in, I4
    // (dated after that day) is not: (400 × 28 + 200 × 29) / 600 = 17,000 / 600 = 28.333… → 28.33.
    let f = consistent_figures(store, &c, d("2026-02-28"));
    assert_eq!(f.metrics.avg_days_to_collect, Some(days("28.33")));
    // A year on, nothing is in the window.
    let f = consistent_figures(store, &c, d("2027-03-02"));
    assert_eq!(f.metrics.avg_days_to_collect, None);
}

/// Money received before its invoice was issued (a prepayment, or
/// unapplied cash put against a later invoice) counts 0 days, never
/// negative days that would pull the average below what any payment took.
fn money_received_before_the_invoice_counts_zero_days(store: &mut Books) {
    let id = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Prepaid", USD);
        // P1: $300 received 2026-01-10 for I1, issued 2026-01-25 (15 days
        // later): 0 days, not −15.
        let i1 = b.invoice("2026-01-25", "2026-02-24", 30_000, USD);
        let p1 = b.payment("2026-01-10", 30_000, USD);
        b.apply(i1, p1, 30_000, "2026-01-25");
        b.paid(i1);
        // P2: $100 received 2026-02-20 for I2, issued 2026-02-01: 19 days.
        let i2 = b.invoice("2026-02-01", "2026-03-03", 10_000, USD);
        let p2 = b.payment("2026-02-20", 10_000, USD);
        b.apply(i2, p2, 10_000, "2026-02-20");
        b.paid(i2);
        // P3: $200 received on I3's issue day: 0 days.
        let i3 = b.invoice("2026-02-10", "2026-03-12", 20_000, USD);
        let p3 = b.payment("2026-02-10", 20_000, USD);
        b.apply(i3, p3, 20_000, "2026-02-10");
        b.paid(i3);
        let id = b.customer;
        s.commit().unwrap();
        id
    });
    let c = store.customer(id).unwrap();
    let f = consistent_figures(store, &c, d(TODAY));
    // (300 × 0 + 100 × 19 + 200 × 0) / 600 = 1,900 / 600 = 3.1666… → 3.17
    // (with −15 days it would have been −2,600 / 600 = −4.33).
    assert_eq!(f.metrics.avg_days_to_collect, Some(days("3.17")));
    // The collections list behind the card says 0 days too.
    let days_listed: Vec<i64> = store.collections(id, USD, d(TODAY)).unwrap().iter().map(|c| c.days).collect();
    assert_eq!(days_listed, [19, 0, 0]);
}

fn aging_buckets_at_their_boundaries(store: &mut Books) {
    let (today, id) = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Aging", USD);
        let today = d(TODAY);
        // (due date, days past due on 2026-03-01, total).
        let rows = [
            ("2026-03-02", -1, 100),
            ("2026-03-01", 0, 200),
            ("2026-02-28", 1, 400),
            ("2026-01-30", 30, 800),
            ("2026-01-29", 31, 1_600),
            ("2025-12-31", 60, 3_200),
            ("2025-12-30", 61, 6_400),
            ("2025-12-01", 90, 12_800),
            ("2025-11-30", 91, 25_600),
        ];
        let mut last = 0;
        for (due, past, total) in rows {
            assert_eq!((today - d(due)).num_days(), past, "hand-computed days past due of {due}");
            // Issued 30 days before the due date.
            let issue = iso(d(due) - Duration::days(30));
            last = b.invoice(&issue, due, total, USD);
        }
        // The 91-day invoice (issued 2025-10-31) is partly paid: $6 on 2026-02-01, 93 days later.
        let p = b.payment("2026-02-01", 600, USD);
        b.apply(last, p, 600, "2026-02-01");
        let id = b.customer;
        s.commit().unwrap();
        (today, id)
    });
    let c = store.customer(id).unwrap();

    let f = consistent_figures(store, &c, today);
    let expected = Metrics {
        // 100 + 200 + … + 25,600 = 51,100 cents.
        total_billed: usd(51_100),
        billed_collected: usd(600),
        // 600 / 51,100 = 1.17 % → 1.
        collected_percent: 1,
        // 51,100 − 600 = 50,500.
        outstanding: usd(50_500),
        // Everything but the current bucket: 50,500 − 300 = 50,200.
        overdue: usd(50_200),
        // Oct 31 → Feb 1 = 1 + 30 + 31 + 31 = 93 days.
        avg_days_to_collect: Some(days("93.00")),
        total_collected: usd(600),
        collected_count: 1,
        aging: [
            // Current: due tomorrow 100 + due today 200.
            usd(300),
            // 1–30: 1 day 400 + 30 days 800.
            usd(1_200),
            // 31–60: 31 days 1,600 + 60 days 3,200.
            usd(4_800),
            // 61–90: 61 days 6,400 + 90 days 12,800.
            usd(19_200),
            // 90+: 91 days, 25,600 − 600 applied.
            usd(25_000),
        ],
        ..zero_metrics(USD)
    };
    assert_eq!(f.metrics, expected);
    assert_eq!(f.counts, [9, 0, 1, 0, 0, 0, 0]);

    // One day later every boundary invoice moves up one bucket.
    let f = consistent_figures(store, &c, d("2026-03-02"));
    assert_eq!(
        f.metrics.aging,
        [
            // Due 03-02 (0 days).
            usd(100),
            // 1 day 200 + 2 days 400.
            usd(600),
            // 31 days 800 + 32 days 1,600.
            usd(2_400),
            // 61 days 3,200 + 62 days 6,400.
            usd(9_600),
            // 91 days 12,800 + 92 days 25,000.
            usd(37_800),
        ]
    );
    // 50,500 − 100.
    assert_eq!(f.metrics.overdue, usd(50_400));
}

fn conversations_n_of_m(store: &mut Books) {
    let (id, other_id) = seed(store, |store| {
        let s = store.seeder().unwrap();
        let b = common::Books::new(&s, "Talkative", USD);
        // 3 resolved by the agent, 2 by a person, 2 still open: 3 of 7.
        for r in [Some(true), Some(true), Some(true), Some(false), Some(false), None, None] {
            b.conversation(r);
        }
        // Another customer's conversation is not counted here.
        let other = common::Books::new(&s, "Other", USD);
        other.conversation(Some(true));
        let (id, other_id) = (b.customer, other.customer);
        s.commit().unwrap();
        (id, other_id)
    });
    let f = consistent_figures(store, &store.customer(id).unwrap(), d(TODAY));
    let expected = Metrics { conversations: Conversations { auto_resolved: 3, total: 7 }, ..zero_metrics(USD) };
    assert_eq!(f.metrics, expected);
    // The Conversations tab lists every one of them: the card's M.
    assert_eq!(f.counts, [0, 0, 0, 0, 0, 0, 7]);
    let f = consistent_figures(store, &store.customer(other_id).unwrap(), d(TODAY));
    assert_eq!(f.metrics.conversations, Conversations { auto_resolved: 1, total: 1 });
}

fn tab_counts_cover_every_tab(store: &mut Books) {
    let id = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Counted", USD);
        let id = b.customer;
        let k = s
            .contract(&NewContract {
                customer_id: id,
                name: "Platform",
                kind: ContractKind::Recurring,
                status: ContractStatus::Active,
                period_start: d("2025-01-01"),
                period_end: None,
                value_minor: 120_000,
                currency: USD,
                payment_terms_days: 30,
                billing_frequency: Some(BillingFrequency::Monthly),
            })
            .unwrap();
        s.contract(&NewContract {
            customer_id: id,
            name: "Setup",
            kind: ContractKind::OneTime,
            status: ContractStatus::Ended,
            period_start: d("2025-01-01"),
            period_end: Some(d("2025-02-01")),
            value_minor: 5_000,
            currency: USD,
            payment_terms_days: 0,
            billing_frequency: None,
    })
    .unwrap();
    b.invoice("2026-02-01", "2026-03-03", 10_000, USD);
    b.invoice_as("2026-02-01", "2026-03-03", 10_000, InvoiceStatus::Draft, USD);
    for name in ["Ann", "Bo", "Cy"] {
        s.contact(&NewContact { customer_id: id, name, email: "", phone: "", role: "" }).unwrap();
    }
    for name in ["msa.pdf", "po.pdf"] {
        s.document(&NewDocument {
            customer_id: id,
            contract_id: Some(k),
            name,
            kind: DocumentKind::Contract,
            format: "pdf",
            content: b"%PDF-1.4",
            uploaded_at: "2026-01-01T00:00:00Z",
        })
        .unwrap();
    }
    for n in 0..4 {
        let entry = Audit {
            customer_id: Some(id),
            entity: "invoice",
            action: "edit",
            summary: format!("edit {n}"),
            ..Audit::default()
        };
        s.audit(&entry, "2026-01-01T00:00:00Z", "tester").unwrap();
    }
    // Rows of another customer are not counted.
    let other = common::Books::new(&s, "Other", USD);
    s.contact(&NewContact { customer_id: other.customer, name: "Zed", email: "", phone: "", role: "" }).unwrap();
    s.commit().unwrap();
    id
    });
    let f = consistent_figures(store, &store.customer(id).unwrap(), d(TODAY));
    // Invoices 2 (the draft is a row too), contracts 2, payments 0, contacts 3, documents 2, activity 4.
    assert_eq!(f.counts, [2, 2, 0, 3, 2, 4, 0]);
    // The draft is not billed: 100 open, current.
    let expected = Metrics {
        total_billed: usd(10_000),
        outstanding: usd(10_000),
        aging: [usd(10_000), usd(0), usd(0), usd(0), usd(0)],
        ..zero_metrics(USD)
    };
    assert_eq!(f.metrics, expected);
}
}

/// Every case at once on one customer, as of a month end (2026-03-31), and
/// a customer with nothing paid beside it.
mod every_case_at_month_end {
    use super::*;

    const MONTH_END: &str = "2026-03-31";

    fn fixture(store: &mut Books) -> (i64, i64) {
        seed(store, |store| {
            let s = store.seeder().unwrap();
            let mut f = common::Books::new(&s, "Every Case", USD);
            let c = f.customer;
            // A: $1,000 paid in full by P1 (2026-02-15), issued 2026-01-16 → 30 days.
            let a = f.invoice("2026-01-16", "2026-02-15", 100_000, USD);
            // B: $500 partly paid ($200 by P2 2026-03-11, issued 2026-03-01 → 10 days), due 2026-03-31: current.
            let inv_b = f.invoice("2026-03-01", "2026-03-31", 50_000, USD);
            // C: $300 open, due 2026-03-01 → 30 days past due (1–30).
            let inv_c = f.invoice("2026-02-01", "2026-03-01", 30_000, USD);
            // D: $400 open, due 2026-01-30 → 60 days past due (31–60).
            f.invoice("2026-01-01", "2026-01-30", 40_000, USD);
            // E: $250 open, due 2025-12-31 → 90 days past due (61–90).
            f.invoice("2025-12-01", "2025-12-31", 25_000, USD);
            // F: $150 open, due 2025-12-30 → 91 days past due (90+).
            f.invoice("2025-11-30", "2025-12-30", 15_000, USD);
            // G: $700 uncollectible: billed, not outstanding.
            let g = f.invoice("2025-10-01", "2025-10-31", 70_000, USD);
            f.status(g, InvoiceStatus::Uncollectible);
            // H: cancelled $999 and I: draft $888 count nowhere.
            f.invoice_as("2026-03-05", "2026-04-04", 99_900, InvoiceStatus::Cancelled, USD);
            f.invoice_as("2026-03-20", "2026-04-19", 88_800, InvoiceStatus::Draft, USD);
            // J: $600 paid by P3 on 2025-01-10, issued 2024-12-01: 40 days but outside the 365-day window.
            let j = f.invoice("2024-12-01", "2024-12-31", 60_000, USD);
            // P1: $1,100 for A → $100 unapplied (credit).
            let p1 = f.payment("2026-02-15", 110_000, USD);
            f.apply(a, p1, 100_000, "2026-02-15");
            f.paid(a);
            // P2: $300 with $100 refunded; $200 to B.
            let p2 = f.payment_as("2026-03-11", 30_000, 10_000, PaymentStatus::Succeeded, USD);
            f.apply(inv_b, p2, 20_000, "2026-03-11");
            // P3: $600 for J, long ago.
            let p3 = f.payment("2025-01-10", 60_000, USD);
            f.apply(j, p3, 60_000, "2025-01-10");
            f.paid(j);
            // A failed payment and a fully refunded one collect nothing.
            f.payment_as("2026-03-20", 12_345, 0, PaymentStatus::Failed, USD);
            f.payment_as("2026-03-21", 5_000, 5_000, PaymentStatus::Refunded, USD);
            // Credit of $80 granted, $30 applied to C: not in Avg. Days to Collect.
            let cr = f.credit("2026-03-15", 8_000, USD);
            f.apply_credit(inv_c, cr, 3_000, "2026-03-15");
            // A second currency: €200 open, shown apart.
            f.invoice("2026-03-10", "2026-04-09", 20_000, EUR);
            // Conversations: 2 resolved by the agent, 1 by a person, 1 open.
            for r in [Some(true), Some(true), Some(false), None] {
                f.conversation(r);
            }
            let mut f2 = common::Books::new(&s, "Never Paid", USD);
            f2.invoice("2026-03-01", "2026-03-31", 12_300, USD);
            let c2 = f2.customer;
            s.commit().unwrap();
            (c, c2)
        })
    }

    crate::on_both! {
    fn every_case_by_hand(store: &mut Books) {
        let (c, c2) = fixture(store);
        let f = consistent_figures(store, &store.customer(c).unwrap(), d(MONTH_END));
        let expected = Metrics {
            // Issued A 1000 + B 500 + C 300 + D 400 + E 250 + F 150 + G 700 + J 600 = 3,900,
            // less C's 30 of credit: net billed 3,870. (Before design's rule
            // of 2026-12-05 the credit counted as collected and Total Billed
            // was 3,900; credit is not collection.)
            total_billed: usd(387_000),
            // Money only: A 1000 + B 200 + J 600 = 1,800 (C's 30 of credit is
            // no collection; it was counted here before, 1,830).
            billed_collected: usd(180_000),
            // 1,800 / 3,870 = 46.5 % → 46. And 3,870 − 1,800 − G's 700
            // written off = 1,370 = Outstanding.
            collected_percent: 46,
            // B 300 + C 270 + D 400 + E 250 + F 150 = 1,370 (G uncollectible excluded).
            outstanding: usd(137_000),
            // C 270 + D 400 + E 250 + F 150 = 1,070 (B is due today).
            overdue: usd(107_000),
            // P1 100 unapplied + P2 (300 − 100 refunded − 200 applied) 0 + credit 80 − 30 = 150.
            credit_balance: usd(15_000),
            conversations: Conversations { auto_resolved: 2, total: 4 },
            // A 1000 × 30 + B 200 × 10 over 1,200 = 32,000 / 1,200 = 26.666… → 26.67
            // (J outside the window, credit left out).
            avg_days_to_collect: Some(days("26.67")),
            // P1 1,100 + P2 200 (refund subtracted) + P3 600 = 1,900; failed and refunded add 0.
            total_collected: usd(190_000),
            collected_count: 3,
            // Current B 300; 1–30 C 270; 31–60 D 400; 61–90 E 250; 90+ F 150.
            aging: [usd(30_000), usd(27_000), usd(40_000), usd(25_000), usd(15_000)],
            ..zero_metrics(USD)
        };
        assert_eq!(f.metrics, expected);
        // A–J and the euro invoice = 11 invoices; 5 payments and the
        // credit on the Payments tab; the 4 conversations.
        assert_eq!(f.counts, [11, 0, 6, 0, 0, 0, 4]);
        // The status line's sums. Invoices: Σ total without the cancelled
        // H = 3,900 issued + I 888 draft = 4,788; Σ balance = outstanding
        // 1,370 + G's 700 written off = 2,070 (A, J paid, H, I owe nothing).
        // Payments: what was kept, as Total Collected: 1,900.
        let o = &f.own;
        assert_eq!((o.invoice_shown_total_minor, o.invoice_balance_minor), (478_800, 207_000));
        assert_eq!(o.invoice_total_minor, 478_800 + 99_900, "every row, the cancelled one too");
        assert_eq!(o.collected_minor, 190_000);
        // The euro invoice is shown apart, never summed.
        let eur = MetricParts {
            invoice_count: 1,
            invoice_total_minor: 20_000,
            invoice_shown_total_minor: 20_000,
            invoice_balance_minor: 20_000,
            billed_minor: 20_000,
            outstanding_minor: 20_000,
            aging_minor: [20_000, 0, 0, 0, 0],
            ..MetricParts::default()
        };
        assert_eq!(f.others, vec![(EUR, eur)]);

        let f2 = consistent_figures(store, &store.customer(c2).unwrap(), d(MONTH_END));
        assert_eq!(f2.metrics.avg_days_to_collect, None);
        assert_eq!(f2.metrics.outstanding, usd(12_300));
    }

    fn the_window_moves_with_today(store: &mut Books) {
        let (c, _) = fixture(store);
        let c = store.customer(c).unwrap();
        // A year later no payment is inside the 365-day window any more.
        let later = d(MONTH_END) + Duration::days(365);
        let f = consistent_figures(store, &c, later);
        assert_eq!(f.metrics.avg_days_to_collect, None);
        // Everything open is 90+ days past due by then.
        assert_eq!(f.metrics.aging, [usd(0), usd(0), usd(0), usd(0), usd(137_000)]);
    }
    }
}
