//! A Stripe customer's `balance` and its credit notes are one credit, not
//! two. Fixtures under `tests/fixtures/import/stripe/api/cb_*.json`, written
//! for these tests (customer Hooli, `cus_CB01Hooli`).
//!
//! What Stripe holds (dollars): HOO-0001 $100 (01-05) paid by ch_CB1 (01-08);
//! credit note HOO-0001-CN-01 $50 after payment (01-20), all of it to the
//! customer's balance (balance −50); HOO-0002 $100 (02-01) took $20 of that
//! balance when it was finalized (`starting_balance` −50, `ending_balance`
//! −30, `amount_due` $80) and is open; the customer's `balance` now is −30.
//!
//! By hand: the credit note's $50 is credit, $20 of it applied to HOO-0002
//! (the balance it used), $30 left; the balance's −$30 is that $30, not
//! more credit beside it.
//! - Total Billed = 100 + 100 − 20 credit applied = $180;
//! - Billed & Collected = money applied = $100;
//! - Outstanding = HOO-0002's 100 − 20 = $80;
//! - Credit Balance = $30 (not 30 + 50 = $80, nor the note's whole $50);
//! - Total Collected = $100.

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::domain::model::PaymentRow;
use ardesk::domain::status::*;
use ardesk::store::Books;
use imp::books::{assert_consistent, customer, figures, import, invoice, rows};
use support::backends::{Held, on_postgres, postgres, sqlite};

/// Empty books of another database on the same backend as `b`.
fn another(b: &Books) -> (Held, Books) {
    if on_postgres(b) { postgres().unwrap() } else { sqlite() }
}

const HOOLI: &str = "stripe:cus_CB01Hooli";
const CUSTOMERS: &str = "api/cb_customers.json";
const INVOICES: &str = "api/cb_invoices.json";
const CHARGES: &str = "api/cb_charges.json";
const NOTES: &str = "api/cb_credit_notes.json";
const ALL: [&str; 4] = [CUSTOMERS, INVOICES, CHARGES, NOTES];

/// (Total Billed, Billed & Collected, Outstanding, Credit Balance, Total
/// Collected) in cents, by hand above.
const WANT: [i64; 5] = [18_000, 10_000, 8_000, 3_000, 10_000];

fn money(s: &Books) -> [i64; 5] {
    assert_consistent(s);
    let m = figures(s, HOOLI).metrics;
    [m.total_billed, m.billed_collected, m.outstanding, m.credit_balance, m.total_collected].map(|x| x.minor)
}

/// The rows behind the figures: HOO-0002's balance, and the Credit
/// Balance as the credit note's unapplied part alone.
fn rows_right(s: &Books, order: &str) {
    let two = invoice(s, HOOLI, "HOO-0002");
    assert_eq!((two.status, two.applied_minor), (InvoiceStatus::Open, 2_000), "{order}");
    let one = invoice(s, HOOLI, "HOO-0001");
    assert_eq!((one.status, one.applied_minor), (InvoiceStatus::Paid, 10_000), "{order}");
    let c = customer(s, HOOLI);
    let open: Vec<(String, i64)> = rows::<PaymentRow>(s, c.id)
        .into_iter()
        .filter(|r| r.kind.is_credit() && r.unapplied_minor() > 0)
        .map(|r| (r.reference.clone(), r.unapplied_minor()))
        .collect();
    assert_eq!(open, [("HOO-0001-CN-01".to_string(), 3_000)], "{order}: only the credit note's rest is unapplied");
}

/// Imports each run of `order` in turn into `s`.
fn run_in(s: &mut Books, order: &[&[&str]]) {
    for files in order {
        import(s, files);
    }
}

on_both! {
fn one_run_counts_the_balance_once(s: &mut Books) {
    run_in(s, &[&ALL]);
    assert_eq!(money(s), WANT);
    rows_right(s, "one run");
}
}

on_both! {
fn every_order_of_runs_counts_the_balance_once_and_again_changes_nothing(b: &mut Books) {
    let orders: Vec<Vec<&[&str]>> = vec![
        vec![&[CUSTOMERS], &[INVOICES, CHARGES], &[NOTES]],
        vec![&[CUSTOMERS], &[NOTES], &[INVOICES, CHARGES]],
        vec![&[CUSTOMERS, NOTES], &[INVOICES, CHARGES]],
        vec![&[CUSTOMERS], &[NOTES], &[INVOICES], &[CHARGES]],
        vec![&[CUSTOMERS], &[CHARGES], &[INVOICES], &[NOTES]],
        vec![&[CUSTOMERS], &[INVOICES], &[NOTES], &[CHARGES]],
        // Customers last: made from the invoices' rows first.
        vec![&[INVOICES, CHARGES], &[NOTES], &[CUSTOMERS]],
        vec![&[INVOICES, CHARGES, NOTES], &[CUSTOMERS]],
    ];
    for order in orders {
        let name = format!("{order:?}");
        let (_held, mut s) = another(b);
        run_in(&mut s, &order);
        assert_eq!(money(&s), WANT, "{name}");
        rows_right(&s, &name);
        // A credit note imported before its invoice learns the invoice it
        // was issued against the next time (one update, no money moved).
        let again = import(&mut s, &ALL);
        assert!(again.changes() <= 1, "{name}: {again}");
        assert_eq!(money(&s), WANT, "{name}");
        let again = import(&mut s, &ALL);
        assert_eq!(again.changes(), 0, "{name}: {again}");
        assert_eq!(money(&s), WANT, "{name}");
    }
}
}

on_both! {
fn a_balance_without_the_invoice_that_used_it_is_what_the_notes_leave(s: &mut Books) {
    // Before the credit note: HOO-0002 used $20 of balance that no credit
    // note here accounts for (the import's own credit), beside the
    // balance's $30; the note then takes the own credit's place.
    run_in(s, &[&[CUSTOMERS], &[INVOICES, CHARGES]]);
    assert_eq!(money(s), WANT);
    import(s, &[NOTES]);
    assert_eq!(money(s), WANT);
    // The customer and the credit note, HOO-0002 not imported: the note's
    // $50 is unapplied, more than the balance's $30 — ardesk does not know
    // where the $20 went until the invoice comes, and never counts the
    // balance beside the note.
    let (_held, mut t) = another(s);
    run_in(&mut t, &[&[CUSTOMERS, NOTES]]);
    let m = figures(&t, HOOLI).metrics;
    assert_eq!(m.credit_balance.minor, 5_000, "the note's $50, not $80");
    import(&mut t, &[INVOICES, CHARGES]);
    assert_eq!(money(&t), WANT);
}
}
