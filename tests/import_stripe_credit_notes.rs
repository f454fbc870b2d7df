//! Stripe API `credit_note` objects: credit against an invoice, never
//! money. Fixtures under `tests/fixtures/import/stripe/api/cn_*.json`,
//! written for these tests (customer Globex, `cus_CN01Globex`).
//!
//! What they hold (dollars):
//! - GLX-0001 $1,000 (01-05), open; credit note GLX-0001-CN-01 $300 before
//!   payment (`pre_payment_amount`): the invoice owes $700 (`amount_due`).
//! - GLX-0002 $500 (01-10), paid by charge ch_CN2 (01-15), $200 of which
//!   refunded (02-01); credit note GLX-0002-CN-01 $350 after payment: $200
//!   refunded (`refunds`), $50 out of band, $100 to the customer's balance.
//! - GLX-0003 $200 (01-12), open; credit note GLX-0003-CN-01 $50 before
//!   payment, voided (02-10) in a later export.
//!
//! By hand, before the void:
//! - on GLX-0001 the credit note's $300: balance $700, open;
//! - on GLX-0002 the credit note's refunded and out-of-band parts, $250, and
//!   $250 of the charge (the $300 it kept, less the $50 the out-of-band
//!   credit took the place of): paid, not reopened by the refund;
//! - on GLX-0003 the credit note's $50: balance $150.
//! - Total Billed = 1,700 − (300 + 250 + 50) = $1,100 (net of credit);
//! - Billed & Collected = money applied = $250;
//! - Outstanding = 700 + 150 = $850;
//! - Credit Balance = the charge's unapplied 500 − 200 − 250 = $50, plus
//!   the post-payment note's unapplied 350 − 250 = $100: $150;
//! - Total Collected = 500 − 200 refunded = $300 (credit notes never count);
//! - Avg. Days to Collect: money only, $250 × 5 days (01-10 → 01-15) ÷ 250
//!   = 5.00.
//!
//! After the void: GLX-0003 owes $200 again; Total Billed $1,150,
//! Outstanding $900, the rest unchanged (a voided note counts nowhere).

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::domain::status::*;
use ardesk::import::{Counted, ImportError, ImportOptions, run_import_into};
use ardesk::store::Books;
use imp::books::{assert_consistent, credit_note_lines, figures, import, invoice, payments};
use imp::*;
use std::path::PathBuf;
use support::backends::{Held, on_postgres, postgres, sqlite};

/// Empty books of another database on the same backend as `b`.
fn another(b: &Books) -> (Held, Books) {
    if on_postgres(b) { postgres().unwrap() } else { sqlite() }
}

const GLOBEX: &str = "stripe:cus_CN01Globex";
const SET: [&str; 4] =
    ["api/cn_customers.json", "api/cn_invoices.json", "api/cn_credit_notes.json", "api/cn_charges.json"];

/// (Total Billed, Billed & Collected, Outstanding, Credit Balance, Total
/// Collected) in cents, with `check` clean.
fn money(s: &Books) -> [i64; 5] {
    assert_consistent(s);
    let m = figures(s, GLOBEX).metrics;
    [m.total_billed, m.billed_collected, m.outstanding, m.credit_balance, m.total_collected].map(|x| x.minor)
}

on_both! {
fn pre_and_post_payment_credit_notes_are_credit_and_the_refund_does_not_reopen_the_invoice(s: &mut Books) {
    let r = import(s, &SET);
    assert_eq!(r.count(Counted::CreditNotes).created, 3, "{r}");
    assert_eq!(money(s), [110_000, 25_000, 85_000, 15_000, 30_000]);
    let m = figures(s, GLOBEX).metrics;
    assert_eq!(m.avg_days_to_collect.map(|d| d.to_string()), Some("5.00".into()), "money only");
    let one = invoice(s, GLOBEX, "GLX-0001");
    assert_eq!((one.status, one.applied_minor), (InvoiceStatus::Open, 30_000));
    let two = invoice(s, GLOBEX, "GLX-0002");
    assert_eq!((two.status, two.applied_minor), (InvoiceStatus::Paid, 50_000), "settled by money and the note");
    let three = invoice(s, GLOBEX, "GLX-0003");
    assert_eq!((three.status, three.applied_minor), (InvoiceStatus::Open, 5_000));
    // One payment: the charge; the credit notes are not payments.
    let p = payments(s, GLOBEX);
    assert_eq!(p.iter().map(|p| p.reference.as_str()).collect::<Vec<_>>(), ["ch_CN2"], "{p:?}");
    // A credit note's lines, read as an invoice's.
    let lines = credit_note_lines(s, GLOBEX, "GLX-0001-CN-01");
    let got: Vec<_> = lines.iter().map(|l| (l.quantity, l.unit_price, l.amount_minor)).collect();
    assert_eq!(got, [(Some(2.into()), Some(150.into()), 30_000)], "{lines:?}");
    assert_eq!(lines[0].description, "Seat — Pro plan (cancelled before payment)");
    // Idempotent: the same files again change nothing.
    let again = import(s, &SET);
    assert_eq!(again.changes(), 0, "{again}");
    assert_eq!(money(s), [110_000, 25_000, 85_000, 15_000, 30_000]);
}
}

on_both! {
fn a_voided_credit_note_counts_nowhere_and_its_invoice_owes_again(s: &mut Books) {
    import(s, &SET);
    let r = import(s, &["api/cn_credit_notes_voided.json"]);
    assert_eq!(r.count(Counted::CreditNotes).updated, 1, "{r}");
    assert_eq!(money(s), [115_000, 25_000, 90_000, 15_000, 30_000]);
    let three = invoice(s, GLOBEX, "GLX-0003");
    assert_eq!((three.status, three.applied_minor), (InvoiceStatus::Open, 0));
    let again = import(s, &["api/cn_credit_notes_voided.json"]);
    assert_eq!(again.changes(), 0, "{again}");
    // Never had: a void ardesk never saw is skipped, nothing written.
    let (_held, mut fresh) = another(s);
    let r = import(&mut fresh, &["api/cn_customers.json", "api/cn_invoices.json", "api/cn_credit_notes_voided.json"]);
    assert_eq!(r.count(Counted::CreditNotes).skipped, 1, "{r}");
}
}

/// Runs the set with the credit notes file edited; the refusal's report.
fn refused(b: &Books, edit: impl Fn(&mut serde_json::Value)) -> String {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("api/cn_credit_notes.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut doc);
    let path = dir.path().join("cn_credit_notes.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let files: Vec<PathBuf> = vec![fixture("api/cn_customers.json"), fixture("api/cn_invoices.json"), path];
    let (_held, mut s) = another(b);
    let err = run_import_into(&mut s, &files, &ImportOptions::default(), false).unwrap_err();
    assert!(matches!(err, ImportError::Refused { .. }), "{err}");
    assert!(s.customer_list(today()).unwrap().is_empty(), "all or nothing: {err}");
    err.to_string()
}

on_both! {
fn hostile_credit_notes_are_refused_by_name_and_nothing_is_written(b: &mut Books) {
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit); 7] = [
        ("is not more than zero", |d| d["data"][0]["amount"] = (-30_000).into()),
        ("is negative", |d| d["data"][1]["out_of_band_amount"] = (-5_000).into()),
        ("do not add up to its amount", |d| d["data"][0]["pre_payment_amount"] = 29_999.into()),
        ("are more than its post-payment part", |d| d["data"][1]["refunds"][0]["amount_refunded"] = 34_000.into()),
        ("neither in this run nor in ardesk", |d| d["data"][0]["invoice"] = "in_Nowhere".into()),
        ("unknown customer", |d| d["data"][0]["customer"] = "cus_Nobody".into()),
        ("too large", |d| d["data"][0]["amount"] = 100_000_000_000_000_i64.into()),
    ];
    for (says, edit) in cases {
        let err = refused(b, edit);
        assert!(err.contains(says), "{says}: {err}");
    }
}
}
