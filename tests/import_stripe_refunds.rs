//! Stripe API `refund` objects: each a refund row of the charge it names,
//! keyed by its own id, never counted twice beside the charge's own
//! `amount_refunded`. Fixtures under `tests/fixtures/import/stripe/api/rf_*.json`,
//! written for these tests (customer Initech, `cus_RF01Initech`).
//!
//! What they hold (dollars):
//! - INI-0001 $1,000 (01-05), paid by ch_RF1 $1,000 (01-10); refund re_RF1a
//!   $200 (02-01, requested by customer): partial.
//! - INI-0002 $300 (01-12), paid by ch_RF2 $300 (01-15); refund re_RF2 $300
//!   (02-05, duplicate): full.
//! - ch_RF3 $500 (01-20), no invoice; refunds re_RF3a $100 (02-10) and
//!   re_RF3b $50 (02-12); re_RF3p $70 pending and re_RF3f $40 failed (no
//!   money moved: skipped). The newer charges export (`rf_charges_refunded`)
//!   also counts re_RF3c $30 (02-20), which the refunds export lacks.
//!
//! `rf_charges.json` is the charges before any refund; `rf_charges_refunded`
//! the charges after, their `amount_refunded` and `refunds.data` counting
//! the same refunds as `rf_refunds.json`.
//!
//! By hand, with the refunds export and the older charges (A):
//! - INI-0001: ch_RF1 keeps $800, applied; the refunded $200 is a refund
//!   credit (Stripe still counts the invoice paid): paid.
//! - INI-0002: ch_RF2 keeps nothing; $300 refund credit: paid.
//! - Total Billed = 1,300 − 500 of refund credit = $800; Billed & Collected
//!   = money applied = $800; Outstanding $0;
//! - Credit Balance = ch_RF3's unapplied 500 − 150 = $350;
//! - Total Collected = 1,800 − (200 + 300 + 150) = $1,150.
//!
//! With the newer charges too (B), ch_RF3 is refunded the larger of what
//! it says ($180) and its keyed refunds ($150): $180, as a row for each
//! keyed refund and one unkeyed $30 row: Credit Balance $320, Total
//! Collected $1,120, the rest as in A.

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::domain::detail::RefundDate;
use ardesk::domain::status::*;
use ardesk::import::{Counted, ImportError, ImportOptions, ObjectKind, run_import_into};
use ardesk::store::Books;
use imp::books::*;
use imp::{fixture, today, variant_in};
use std::path::PathBuf;
use support::backends::{Held, on_postgres, postgres, sqlite};

/// Empty books of another database on the same backend as `b`.
fn another(b: &Books) -> (Held, Books) {
    if on_postgres(b) { postgres().unwrap() } else { sqlite() }
}

const INITECH: &str = "stripe:cus_RF01Initech";
const BASE: [&str; 2] = ["api/rf_customers.json", "api/rf_invoices.json"];

/// Figures A and B: (Total Billed, Billed & Collected, Outstanding, Credit
/// Balance, Total Collected) in cents.
const A: [i64; 5] = [80_000, 80_000, 0, 35_000, 115_000];
const B: [i64; 5] = [80_000, 80_000, 0, 32_000, 112_000];

/// The figures, with `check` clean.
fn money(s: &Books) -> [i64; 5] {
    assert_consistent(s);
    let m = figures(s, INITECH).metrics;
    [m.total_billed, m.billed_collected, m.outstanding, m.credit_balance, m.total_collected].map(|x| x.minor)
}

fn files(names: &[&str]) -> Vec<PathBuf> {
    names.iter().map(|n| fixture(n)).collect()
}

fn with(extra: &[&str]) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = BASE.to_vec();
    for e in extra {
        v.push(Box::leak(e.to_string().into_boxed_str()));
    }
    v
}

type Row = (String, i64, String, RefundDate);

/// A charge's refunds as its detail lists them: (date, amount, reason,
/// dated from), oldest first; they add up to its refunded amount.
fn refunds(s: &Books, charge: &str) -> Vec<Row> {
    let c = customer(s, INITECH);
    let p = payments(s, INITECH).into_iter().find(|p| p.reference == charge).unwrap();
    let detail = s.payment_detail(c.id, p.id).unwrap();
    assert_eq!(detail.refunds.iter().map(|r| r.amount.minor).sum::<i64>(), p.refunded_minor, "{charge}");
    detail.refunds.iter().map(|r| (r.on.to_string(), r.amount.minor, r.reason.clone(), r.dated_from)).collect()
}

fn row(on: &str, amount: i64, reason: &str) -> Row {
    (on.into(), amount, reason.into(), RefundDate::Source)
}

/// The refund rows every run that has both exports ends with.
fn rows_b(s: &Books) {
    assert_eq!(refunds(s, "ch_RF1"), [row("2026-02-01", 20_000, "requested by customer")]);
    assert_eq!(refunds(s, "ch_RF2"), [row("2026-02-05", 30_000, "duplicate")]);
    // The keyed two, and what the charge says beyond them, dated on its
    // latest refund.
    assert_eq!(
        refunds(s, "ch_RF3"),
        [
            row("2026-02-10", 10_000, ""),
            row("2026-02-12", 5_000, "requested by customer"),
            row("2026-02-20", 3_000, "")
        ]
    );
    let status: Vec<(String, PaymentStatus, i64)> =
        payments(s, INITECH).into_iter().map(|p| (p.reference.clone(), p.status, p.refunded_minor)).collect();
    assert_eq!(
        status,
        [
            ("ch_RF1".into(), PaymentStatus::Succeeded, 20_000),
            ("ch_RF2".into(), PaymentStatus::Refunded, 30_000),
            ("ch_RF3".into(), PaymentStatus::Succeeded, 18_000)
        ]
    );
    paid_not_reopened(s);
}

fn paid_not_reopened(s: &Books) {
    let one = invoice(s, INITECH, "INI-0001");
    assert_eq!((one.status, one.applied_minor), (InvoiceStatus::Paid, 100_000), "not reopened by the refund");
    let two = invoice(s, INITECH, "INI-0002");
    assert_eq!((two.status, two.applied_minor), (InvoiceStatus::Paid, 30_000), "not reopened by the refund");
}

on_both! {
fn refunds_after_the_charges_partial_and_full_and_again_unchanged(s: &mut Books) {
    import(s, &with(&["api/rf_charges.json"]));
    assert_eq!(money(s), [130_000, 130_000, 0, 50_000, 180_000], "before any refund");
    let r = import(s, &["api/rf_refunds.json"]);
    assert_eq!(r.files[0].object, ObjectKind::Refunds, "a refunds list is recognised as refunds");
    let c = r.count(Counted::Refunds);
    assert_eq!((c.created, c.updated, c.unchanged, c.skipped, c.refused), (4, 0, 0, 2, 0), "{r}");
    let text = r.to_string();
    assert!(text.contains("refund re_RF3p moved no money (status pending)"), "{text}");
    assert!(text.contains("refund re_RF3f moved no money (status failed)"), "{text}");
    assert_eq!(money(s), A);
    paid_not_reopened(s);
    assert_eq!(refunds(s, "ch_RF1"), [row("2026-02-01", 20_000, "requested by customer")]);
    assert_eq!(
        refunds(s, "ch_RF3"),
        [row("2026-02-10", 10_000, ""), row("2026-02-12", 5_000, "requested by customer")]
    );
    // Idempotent: the same refunds again change nothing.
    let again = import(s, &["api/rf_refunds.json"]);
    assert_eq!(again.changes(), 0, "{again}");
    assert_eq!(again.count(Counted::Refunds).unchanged, 4, "{again}");
    assert_eq!(money(s), A);
    // The newer charges, which count the same refunds and one more: only
    // the one more is added.
    import(s, &["api/rf_charges_refunded.json"]);
    assert_eq!(money(s), B);
    rows_b(s);
    let again = import(s, &with(&["api/rf_charges_refunded.json", "api/rf_refunds.json"]));
    assert_eq!(again.changes(), 0, "{again}");
    assert_eq!(money(s), B);
}
}

on_both! {
fn charges_that_count_their_refunds_and_the_refunds_never_count_one_twice_in_any_order(s: &mut Books) {
    // One run, the refunds file named first: refunds come after payments.
    let one = s;
    let r = import(one, &["api/rf_refunds.json", "api/rf_charges_refunded.json", BASE[0], BASE[1]]);
    assert_eq!(r.count(Counted::Refunds).created, 4, "{r}");
    assert_eq!(money(one), B);
    rows_b(one);
    // Two runs: the charges (an unkeyed row each), then the refunds, which
    // take those rows' place.
    let (_held, mut two) = another(one);
    import(&mut two, &with(&["api/rf_charges_refunded.json"]));
    assert_eq!(money(&two), B);
    assert_eq!(refunds(&two, "ch_RF1"), [("2026-02-01".into(), 20_000, String::new(), RefundDate::Source)]);
    let r = import(&mut two, &["api/rf_refunds.json"]);
    assert_eq!(r.count(Counted::Refunds).created, 4, "{r}");
    assert_eq!(money(&two), B);
    rows_b(&two);
    // The charges again, and the older charges (which say nothing was
    // refunded): the keyed refunds stay.
    let again = import(&mut two, &with(&["api/rf_charges_refunded.json"]));
    assert_eq!(again.changes(), 0, "{again}");
    import(&mut two, &["api/rf_charges.json"]);
    assert_eq!(refunds(&two, "ch_RF1"), [row("2026-02-01", 20_000, "requested by customer")]);
    assert_eq!(money(&two), A, "the older charges leave the keyed refunds, not the $30 only they said");
    assert!(two.check(today()).unwrap().is_empty());
}
}

on_both! {
fn a_refund_and_its_charge_in_one_document(s: &mut Books) {
    let r = import(s, &with(&["api/rf_mixed.json"]));
    assert_eq!(r.files.iter().find(|f| f.path.ends_with("rf_mixed.json")).unwrap().object, ObjectKind::Mixed);
    assert_eq!(r.count(Counted::Refunds).created, 1, "{r}");
    assert_eq!(refunds(s, "ch_RF1"), [row("2026-02-01", 20_000, "requested by customer")]);
    let one = invoice(s, INITECH, "INI-0001");
    assert_eq!((one.status, one.applied_minor), (InvoiceStatus::Paid, 100_000));
    assert_consistent(s);
}
}

/// Runs the base, the older charges (when `charges`) and the refunds file
/// edited; the refusal's text, nothing written.
fn refused(s: &Books, charges: bool, edit: impl Fn(&mut serde_json::Value)) -> String {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("api/rf_refunds.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut doc);
    let path = dir.path().join("rf_refunds.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let mut names = BASE.to_vec();
    if charges {
        names.push("api/rf_charges.json");
    }
    let mut files = files(&names);
    files.push(path);
    let (_held, mut s) = another(s);
    let err = run_import_into(&mut s, &files, &ImportOptions::default(), false).unwrap_err();
    assert!(matches!(err, ImportError::Refused { .. }), "{err}");
    assert!(s.customer_list(today()).unwrap().is_empty(), "all or nothing: {err}");
    err.to_string()
}

on_both! {
fn bad_refunds_are_refused_by_name_and_nothing_is_written(s: &mut Books) {
    type Edit = fn(&mut serde_json::Value);
    // data: [re_RF3f, re_RF3p, re_RF3b, re_RF3a, re_RF2, re_RF1a]
    let cases: [(&str, Edit); 6] = [
        ("refund re_RF1a of 1000.01 is more than is left to refund of charge ch_RF1 (1000.00 of 1000.00)", |d| {
            d["data"][5]["amount"] = 100_001.into()
        }),
        // Oldest first: re_RF3a ($100, 02-10) is merged before re_RF3b (02-12),
        // which is listed first: $400 is left for re_RF3b.
        ("refund re_RF3b of 450.00 is more than is left to refund of charge ch_RF3 (400.00 of 500.00)", |d| {
            d["data"][2]["amount"] = 45_000.into()
        }),
        (
            "refund re_RF1a is of charge ch_Nowhere, which is not in ardesk: import the charges in the same run or before",
            |d| {
                d["data"][5]["charge"] = "ch_Nowhere".into();
                d["data"][5]["payment_intent"] = "pi_Nowhere".into();
            },
        ),
        ("amount: 200.5 is not a whole number", |d| d["data"][5]["amount"] = serde_json::json!(200.5)),
        ("refund re_RF2: amount -300 is not more than zero", |d| d["data"][4]["amount"] = (-300).into()),
        ("\"settled\" is not a refund status", |d| d["data"][4]["status"] = "settled".into()),
    ];
    for (says, edit) in cases {
        let text = refused(s, true, edit);
        assert!(text.contains(says), "{says}: {text}");
    }
    // Refunds alone, their charges never imported.
    let text = refused(s, false, |_| {});
    assert!(text.contains("refund re_RF2 is of charge ch_RF2, which is not in ardesk"), "{text}");
}
}

on_both! {
fn a_refund_found_by_its_payment_intent_and_test_mode_refused(s: &mut Books) {
    import(s, &with(&["api/rf_charges.json"]));
    let dir = tempfile::tempdir().unwrap();
    let path = variant_in(dir.path(), "stripe", "api/rf_refunds.json", |t| {
        t.replace("\"charge\": \"ch_RF1\"", "\"charge\": null")
    });
    let r = run_import_into(s, &[path], &ImportOptions::default(), false).unwrap();
    assert_eq!(r.count(Counted::Refunds).created, 4, "{r}");
    assert_eq!(refunds(s, "ch_RF1"), [row("2026-02-01", 20_000, "requested by customer")]);
    assert_eq!(money(s), A);
    // Test-mode refunds are refused unless allowed.
    let path = variant_in(dir.path(), "stripe", "api/rf_refunds.json", |t| {
        t.replace("\"livemode\": true", "\"livemode\": false")
    });
    let err = run_import_into(s, &[path], &ImportOptions::default(), false).unwrap_err();
    assert!(err.to_string().contains("test-mode"), "{err}");
    assert_eq!(money(s), A, "nothing written");
}
}

on_both! {
/// ardesk's own export carries each refund's source id: a customer moved to
/// another database with it, then the same Stripe refunds imported there,
/// changes nothing there either.
fn keyed_refunds_survive_the_native_export(s: &mut Books) {
    import(s, &with(&["api/rf_charges.json", "api/rf_refunds.json"]));
    assert_eq!(money(s), A);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("initech.json");
    let id = customer(s, INITECH).id;
    ardesk::import::export_customer_json(s, id, &mut std::fs::File::create(&path).unwrap()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"external_id\":\"re_RF1a\""), "{text}");
    let (_held, mut to) = another(s);
    let r = run_import_into(&mut to, &[path], &ImportOptions::default(), false).unwrap();
    assert!(r.written && r.refused() == 0, "{r}");
    assert_eq!(money(&to), A);
    let again = import(&mut to, &["api/rf_refunds.json"]);
    assert_eq!(again.count(Counted::Refunds).unchanged, 4, "{again}");
    assert_eq!(money(&to), A, "no refund counted twice");
    // A key on a refund recorded in ardesk is refused, the run with it.
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        text.replacen(
            "\"external_id\":\"re_RF1a\",\"refunded_on\":\"2026-02-01\",\"dated_from\":\"source\"",
            "\"external_id\":\"re_RF1a\",\"refunded_on\":\"2026-02-01\",\"dated_from\":\"recorded\"",
            1,
        ),
    )
    .unwrap();
    let (_held_bad, mut bad_books) = another(s);
    let Err(ImportError::Refused { report }) = run_import_into(&mut bad_books, &[bad], &ImportOptions::default(), false)
    else {
        panic!("a key on a recorded refund is accepted")
    };
    assert!(report.to_string().contains("on a refund not dated by its source"), "{report}");
}
}
