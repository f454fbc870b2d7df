//! The books as of a date (issue 17), by hand: one customer whose history
//! crosses every kind of boundary — an invoice issued, due, paid in part
//! and in full, a refund that reopens it, a cancellation, a bad-debt
//! write-off and a credit note — read on the day before and the day of
//! each, against figures worked out below. Each reading also agrees with
//! the oracle (the raw rows read the plain way), with the tabs' rows read
//! as of the day, and with `ardesk --as-of D customer ID --json`; writes
//! are refused meanwhile.

mod common;
mod support;

use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::{CreditNoteDraft, RefundDraft};
use ardesk::domain::model::InvoiceRow;
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::Books;
use common::*;
use support::backends::{db_arg, seed};

/// The history, in dollars (the amounts below are cents):
/// - A $1,000 issued 01-10, due 02-09; $400 of P1 (01-20) and $600 of P2
///   (02-15) pay it; $100 of P2 is refunded on 03-05, so A owes $100
///   again; credit note CN-000001 for $100 on 03-20 settles it.
/// - B $500 issued 02-01, due 03-03, cancelled on 03-10.
/// - C $300 issued 02-05, due 02-20, written off as bad debt on 04-01.
struct Fx<'b> {
    store: &'b mut Books,
    acme: i64,
}

fn fixture(store: &mut Books) -> Fx<'_> {
    let (a, inv_b, c, p2, acme) = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Acme", USD);
        let a = b.invoice("2026-01-10", "2026-02-09", 100_000, USD);
        let inv_b = b.invoice("2026-02-01", "2026-03-03", 50_000, USD);
        let c = b.invoice("2026-02-05", "2026-02-20", 30_000, USD);
        let p1 = b.payment("2026-01-20", 40_000, USD);
        b.apply(a, p1, 40_000, "2026-01-20");
        let p2 = b.payment("2026-02-15", 60_000, USD);
        b.apply(a, p2, 60_000, "2026-02-15");
        b.paid(a);
        let acme = b.customer;
        s.commit().unwrap();
        (a, inv_b, c, p2, acme)
    });
    let refund = RefundDraft { refunded_on: d("2026-03-05"), amount_minor: 10_000, reason: "overcharged".into() };
    store.refund_payment(p2, 1, &refund).unwrap();
    store.cancel_invoices(acme, &[inv_b], d("2026-03-10")).unwrap();
    let note = CreditNoteDraft {
        issued_on: d("2026-03-20"),
        amount_minor: 10_000,
        currency: USD,
        reason: "goodwill".into(),
        invoice_id: Some(a),
        refund_excess: false,
        lines: Vec::new(),
    };
    store.issue_credit_note(acme, &note).unwrap();
    store.write_off(acme, &[c], d("2026-04-01"), "insolvent").unwrap();
    Fx { store, acme }
}

/// What the page shows on a day, in cents: Total Billed, Billed &
/// Collected, Outstanding, Overdue, Credit Balance, Total Collected,
/// payments collected, Avg. Days to Collect (hundredths), aging.
#[derive(Debug, PartialEq, Eq)]
struct Page {
    billed: i64,
    collected_of_billed: i64,
    outstanding: i64,
    overdue: i64,
    credit: i64,
    collected: i64,
    payments: i64,
    avg_days: Option<String>,
    aging: [i64; 5],
}

fn page(fx: &Fx, on: &str) -> Page {
    let c = fx.store.customer(fx.acme).unwrap();
    let f = fx.store.figures_as_of(&c, d(on)).unwrap();
    // The oracle (the raw rows read the plain way) is SQLite's only.
    if let Some(store) = fx.store.lite() {
        assert_eq!(f, store.figures_oracle_as_of(&c, d(on)).unwrap(), "the oracle as of {on}");
    }
    let m = f.metrics;
    Page {
        billed: m.total_billed.minor,
        collected_of_billed: m.billed_collected.minor,
        outstanding: m.outstanding.minor,
        overdue: m.overdue.minor,
        credit: m.credit_balance.minor,
        collected: m.total_collected.minor,
        payments: m.collected_count,
        avg_days: m.avg_days_to_collect.map(|d| d.to_string()),
        aging: m.aging.map(|a| a.minor),
    }
}

#[allow(clippy::too_many_arguments)]
fn want(
    billed: i64,
    collected_of_billed: i64,
    outstanding: i64,
    overdue: i64,
    collected: i64,
    payments: i64,
    avg_days: Option<&str>,
    aging: [i64; 5],
) -> Page {
    Page {
        billed,
        collected_of_billed,
        outstanding,
        overdue,
        credit: 0,
        collected,
        payments,
        avg_days: avg_days.map(str::to_string),
        aging,
    }
}

on_both! {
fn every_boundary_by_hand(store: &mut Books) {
    let fx = fixture(store);
    assert_eq!(fx.store.check(d("2026-06-30")).unwrap(), Vec::<String>::new());
    // P1: $400 ten days after A's issue; P2: $600 (then $500) after 36 days.
    let p1 = Some("10.00");
    let both = Some("25.60"); // (400×10 + 600×36) ÷ 1000
    let refunded = Some("24.44"); // (400×10 + 500×36) ÷ 900
    let cases = [
        ("2026-01-09", want(0, 0, 0, 0, 0, 0, None, [0; 5])),
        ("2026-01-10", want(100_000, 0, 100_000, 0, 0, 0, None, [100_000, 0, 0, 0, 0])),
        ("2026-01-19", want(100_000, 0, 100_000, 0, 0, 0, None, [100_000, 0, 0, 0, 0])),
        ("2026-01-20", want(100_000, 40_000, 60_000, 0, 40_000, 1, p1, [60_000, 0, 0, 0, 0])),
        ("2026-02-01", want(150_000, 40_000, 110_000, 0, 40_000, 1, p1, [110_000, 0, 0, 0, 0])),
        ("2026-02-05", want(180_000, 40_000, 140_000, 0, 40_000, 1, p1, [140_000, 0, 0, 0, 0])),
        // A's due date is still current; the day after, it is overdue.
        ("2026-02-09", want(180_000, 40_000, 140_000, 0, 40_000, 1, p1, [140_000, 0, 0, 0, 0])),
        ("2026-02-10", want(180_000, 40_000, 140_000, 60_000, 40_000, 1, p1, [80_000, 60_000, 0, 0, 0])),
        ("2026-02-14", want(180_000, 40_000, 140_000, 60_000, 40_000, 1, p1, [80_000, 60_000, 0, 0, 0])),
        // P2 pays A.
        ("2026-02-15", want(180_000, 100_000, 80_000, 0, 100_000, 2, both, [80_000, 0, 0, 0, 0])),
        ("2026-02-21", want(180_000, 100_000, 80_000, 30_000, 100_000, 2, both, [50_000, 30_000, 0, 0, 0])),
        ("2026-03-04", want(180_000, 100_000, 80_000, 80_000, 100_000, 2, both, [0, 80_000, 0, 0, 0])),
        // The refund takes $100 back from A: it owes again, 24 days late.
        ("2026-03-05", want(180_000, 90_000, 90_000, 90_000, 90_000, 2, refunded, [0, 90_000, 0, 0, 0])),
        ("2026-03-09", want(180_000, 90_000, 90_000, 90_000, 90_000, 2, refunded, [0, 90_000, 0, 0, 0])),
        // B cancelled: no longer billed nor owed. A is 29 days late, C 18.
        ("2026-03-10", want(130_000, 90_000, 40_000, 40_000, 90_000, 2, refunded, [0, 40_000, 0, 0, 0])),
        // A 38 days late, C 27.
        ("2026-03-19", want(130_000, 90_000, 40_000, 40_000, 90_000, 2, refunded, [0, 30_000, 10_000, 0, 0])),
        // The credit note settles A: Total Billed is net of it, nothing
        // more is collected.
        ("2026-03-20", want(120_000, 90_000, 30_000, 30_000, 90_000, 2, refunded, [0, 30_000, 0, 0, 0])),
        // C 39 days late.
        ("2026-03-31", want(120_000, 90_000, 30_000, 30_000, 90_000, 2, refunded, [0, 0, 30_000, 0, 0])),
        // C written off: billed still, owed no more (1,200 − 900 − 300 = 0).
        ("2026-04-01", want(120_000, 90_000, 0, 0, 90_000, 2, refunded, [0; 5])),
        ("2026-06-30", want(120_000, 90_000, 0, 0, 90_000, 2, refunded, [0; 5])),
        // A year after the payments, the window holds none of them.
        ("2027-02-15", want(120_000, 90_000, 0, 0, 90_000, 2, None, [0; 5])),
    ];
    for (on, want) in cases {
        assert_eq!(page(&fx, on), want, "as of {on}");
    }
    // As of the last day, the live page.
    let c = fx.store.customer(fx.acme).unwrap();
    assert_eq!(fx.store.figures_as_of(&c, d("2026-06-30")).unwrap(), fx.store.figures(&c, d("2026-06-30")).unwrap());
}

/// The tabs read as of a day: the rows that existed, with their balances
/// and statuses then, and what adds up to the cards.
fn the_rows_as_of_a_day(store: &mut Books) {
    let fx = fixture(store);
    let rows = |store: &Books, _on: &str| -> Vec<(String, i64, InvoiceStatus)> {
        let sort = Sort::default_for(Tab::Invoices);
        let mut rows: Vec<(String, i64, InvoiceStatus)> = store
            .window::<InvoiceRow>(1, sort, &Seek::First, 50)
            .unwrap()
            .into_iter()
            .map(|k| (k.row.number, k.row.balance_minor, k.row.status))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows
    };
    use InvoiceStatus::*;
    let open = |n: &str, b: i64| (n.to_string(), b, Open);
    fx.store.set_as_of(Some(d("2026-02-04"))).unwrap();
    assert_eq!(rows(fx.store, "2026-02-04"), vec![open("C1-1", 60_000), open("C1-2", 50_000)]);
    fx.store.set_as_of(Some(d("2026-03-09"))).unwrap();
    assert_eq!(rows(fx.store, "2026-03-09"), vec![open("C1-1", 10_000), open("C1-2", 50_000), open("C1-3", 30_000)]);
    fx.store.set_as_of(Some(d("2026-03-31"))).unwrap();
    assert_eq!(
        rows(fx.store, "2026-03-31"),
        vec![("C1-1".into(), 0, Paid), ("C1-2".into(), 0, Cancelled), open("C1-3", 30_000)]
    );
    // Writes are refused while the books are read as of a day.
    let err = fx.store.cancel_invoices(fx.acme, &[3], d("2026-03-31")).unwrap_err().to_string();
    assert!(err.contains("as of 2026-03-31"), "{err}");
    fx.store.set_as_of(None).unwrap();
    assert_eq!(
        rows(fx.store, "2026-06-30"),
        vec![("C1-1".into(), 0, Paid), ("C1-2".into(), 0, Cancelled), ("C1-3".into(), 30_000, Uncollectible)]
    );
}

/// The command line says the same as the store, and refuses writes.
fn the_command_line_as_of_a_day(store: &mut Books) {
    let fx = fixture(store);
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ardesk")).arg("--db").arg(db_arg(fx.store)).args(args).output().unwrap()
    };
    let out = run(&["--as-of", "2026-03-09", "customer", "1", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["as_of"], "2026-03-09");
    assert_eq!(v["metrics"]["outstanding"], "900.00");
    assert_eq!(v["metrics"]["overdue"], "900.00");
    assert_eq!(v["metrics"]["total_billed"], "1800.00");
    assert_eq!(v["metrics"]["total_collected"], "900.00");
    assert_eq!(v["aging"]["days_1_30"], "900.00");
    let out =
        run(&["--as-of", "2026-03-09", "invoices", "--customer", "1", "--format", "csv", "--filter", "status:open"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.contains("C1-2,500.00,USD,500.00"), "B is not cancelled yet: {csv}");
    let out = run(&["--as-of", "2026-03-09", "import", "x.csv"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--as-of 2026-03-09 reads the books as they stood that day"));
}
}
