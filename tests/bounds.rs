//! Money at the edges: every amount and date has a range (src/domain/bounds.rs),
//! a write past it is refused whole with the bound named, and no figure of a
//! database within the ranges can overflow — not the summaries, not Avg. Days
//! to Collect's weighted sum, not the CLI. Each case is one the issue
//! reproduced against the previous schema, where it broke every figure of
//! the customer (or the whole database) for good.

mod common;
mod support;

use ardesk::domain::bounds::{MAX_AMOUNT_MINOR, MAX_CUSTOMER_TOTAL_MINOR};
use ardesk::domain::edit::{Allocation, InvoiceDraft, PaymentDraft};
use ardesk::domain::status::InvoiceStatus;
use ardesk::domain::{Currency, Money};
use ardesk::store::{OpenMode, Store, StoreError};
use common::*;
use rusqlite::Connection;
use support::backends::consistent_figures;
use support::backends::seed;

fn draft(total_minor: i64, issue: &str, due: &str, currency: Currency) -> InvoiceDraft {
    InvoiceDraft {
        memo: String::new(),
        lines: Vec::new(),
        contract_id: None,
        number: String::new(),
        issue_date: d(issue),
        due_date: d(due),
        period: None,
        total_minor,
        currency,
        status: InvoiceStatus::Open,
    }
}

fn invoice_count(s: &Store) -> i64 {
    let f = s.figures(&s.customer(1).unwrap(), d("2026-12-05")).unwrap();
    f.counts[0]
}

#[test]
fn an_amount_past_the_bound_is_refused_by_the_write_path_and_by_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.db");
    let mut s = Store::open(&p, OpenMode::Create).unwrap();
    let seed = s.seeder().unwrap();
    seed.customer(&new_customer("Acme", USD)).unwrap();
    seed.commit().unwrap();
    let mut d1 = draft(MAX_AMOUNT_MINOR + 1, "2026-01-01", "2026-02-01", USD);
    d1.number = "BIG-1".into();
    let err = s.create_invoice(1, &d1).unwrap_err();
    assert!(matches!(err, StoreError::OutOfRange(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "total: the amount is too large: at most $100,000,000,000.00 in USD; nothing was saved"
    );
    // The largest amount itself is fine.
    d1.total_minor = MAX_AMOUNT_MINOR;
    s.create_invoice(1, &d1).unwrap();
    // The issue's payment: 92233720368547758.07 typed in the form is
    // refused by the parser; through the store, by the write path.
    let pay = PaymentDraft {
        received_on: d("2026-03-01"),
        amount_minor: 9_223_372_036_854_775_807,
        currency: USD,
        reference: String::new(),
        allocation: Allocation::OldestFirst,
    };
    let err = s.record_payment(1, &pay).unwrap_err().to_string();
    assert!(err.starts_with("amount: the amount is too large"), "{err}");
    // Dates out of range, from the issue's VND case.
    let mut old = draft(100, "2026-01-01", "2026-02-01", USD);
    old.number = "OLD-1".into();
    old.issue_date = chrono::NaiveDate::from_ymd_opt(100, 1, 1).unwrap();
    let err = s.create_invoice(1, &old).unwrap_err().to_string();
    assert_eq!(err, "issue date: 0100-01-01: dates must fall between 1900-01-01 and 2199-12-31; nothing was saved");
    assert_eq!(invoice_count(&s), 1);
    // Around the write path, the table refuses too, by name.
    drop(s);
    let c = Connection::open(&p).unwrap();
    let raw = c
        .execute(
            "INSERT INTO invoices(customer_id, number, issue_date, due_date, currency, total_minor, status, created_at)
             VALUES (1, 'RAW-1', '2026-01-01', '2026-02-01', 'USD', 9223372036854775807, 'open', 'x')",
            [],
        )
        .unwrap_err()
        .to_string();
    assert!(raw.contains("invoice_total_in_range"), "{raw}");
    let real = c
        .execute(
            "INSERT INTO invoices(customer_id, number, issue_date, due_date, currency, total_minor, status, created_at)
             VALUES (1, 'RAW-2', '2026-01-01', '2026-02-01', 'USD', 1.5, 'open', 'x')",
            [],
        )
        .unwrap_err()
        .to_string();
    assert!(real.contains("cannot store REAL value in INTEGER column"), "{real}");
}

on_both! {
/// Invoices each within the bound whose sum passes what one customer may
/// hold: the last one is refused with the limit named, the customer's
/// figures stay readable, and `check` finds nothing wrong. (Before: 110
/// invoices of 922,337,203,685,477.58 stored the sum as a REAL and
/// `customers`, `check` and the TUI all failed from then on.)
fn a_customer_total_past_the_bound_is_refused_and_the_figures_stay_readable(s: &mut Books) {
    let n = MAX_CUSTOMER_TOTAL_MINOR / MAX_AMOUNT_MINOR;
    seed(s, |s| {
        let seed = s.seeder().unwrap();
        let mut b = common::Books::new(&seed, "Whale", USD);
        for _ in 0..n {
            b.invoice("2026-01-01", "2026-02-01", MAX_AMOUNT_MINOR, USD);
        }
        seed.commit().unwrap();
    });
    let mut one = draft(1, "2026-01-01", "2026-02-01", USD);
    one.number = "ONE-MORE".into();
    let err = s.create_invoice(1, &one).unwrap_err();
    assert!(matches!(err, StoreError::OutOfRange(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "one customer's invoices in one currency may total at most 10^17 minor units \
         (1,000,000,000,000,000.00 in a currency with cents); nothing was saved"
    );
    let today = d("2026-12-05");
    let c = s.customer(1).unwrap();
    let f = consistent_figures(s, &c, today);
    assert_eq!(f.metrics.outstanding, Money::new(MAX_CUSTOMER_TOTAL_MINOR, USD));
    assert_eq!(f.metrics.outstanding.display(), "$1,000,000,000,000,000.00");
    assert_eq!(f.metrics.aging[4], Money::new(MAX_CUSTOMER_TOTAL_MINOR, USD));
    assert_eq!(f.counts[0], n);
    // And the command line reads it.
    let db = support::backends::db_arg(s);
    let bin = env!("CARGO_BIN_EXE_ardesk");
    for args in [vec!["customers"], vec!["customer", "1", "--json"], vec!["check"]] {
        let out = std::process::Command::new(bin)
            .args(&args)
            .args(["--db", &db, "--today", "2026-12-05"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}: {text}{}", String::from_utf8_lossy(&out.stderr));
        if args[0] == "customer" {
            assert!(text.contains("\"outstanding\": \"1000000000000000.00\""), "{text}");
        }
    }
}

/// Avg. Days to Collect's weighted sum past `i64`: invoices at the largest
/// amount issued on the first day ardesk keeps and paid on the last.
/// Σ applied × days = 100 × 10^13 × 109,572 ≈ 1.1 × 10^20. (Before, one
/// VND invoice of 20,000,000,000,000 issued 0100-01-01 made the customer
/// impossible to open.)
fn the_weighted_days_sum_passes_i64_and_the_average_is_exact(s: &mut Books) {
    let vnd: Currency = "VND".parse().unwrap();
    seed(s, |s| {
        let seed = s.seeder().unwrap();
        let mut b = common::Books::new(&seed, "Saigon Trading", vnd);
        for _ in 0..100 {
            let i = b.invoice("1900-01-01", "1900-01-31", MAX_AMOUNT_MINOR, vnd);
            let p = b.payment("2199-12-31", MAX_AMOUNT_MINOR, vnd);
            b.apply(i, p, MAX_AMOUNT_MINOR, "2199-12-31");
            b.paid(i);
        }
        seed.commit().unwrap();
    });
    let c = s.customer(1).unwrap();
    let f = consistent_figures(s, &c, d("2199-12-31"));
    assert_eq!(f.own.window_weighted_minor, 100 * i128::from(MAX_AMOUNT_MINOR) * 109_572);
    assert!(f.own.window_weighted_minor > i128::from(i64::MAX));
    assert_eq!(f.metrics.avg_days_to_collect, Some(days("109572.00")));
    assert_eq!(f.metrics.total_collected, Money::new(100 * MAX_AMOUNT_MINOR, vnd));
    // Refunds take applications away through the other trigger: the split
    // sum comes down exactly.
    for payment in 1..=3 {
        let r = ardesk::domain::edit::RefundDraft {
            refunded_on: d("2199-12-31"),
            amount_minor: MAX_AMOUNT_MINOR,
            reason: "duplicate".into(),
        };
        s.refund_payment(payment, 1, &r).unwrap();
    }
    let f = consistent_figures(s, &c, d("2199-12-31"));
    assert_eq!(f.own.window_weighted_minor, 97 * i128::from(MAX_AMOUNT_MINOR) * 109_572);
    assert_eq!(f.metrics.avg_days_to_collect, Some(days("109572.00")));
}
}
