//! Amounts and dates past ardesk's bounds (`domain::bounds`: one amount
//! at most 10^13 minor units, dates 1900-01-01 ..= 2199-12-31), from
//! every import path: refused row by row with the file, line and field
//! named and the value quoted as written, on the bulk path as on the row
//! path, so that no figure of a customer can overflow afterwards.

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::import::{Counted, ImportError, ImportOptions, ImportReport, run_import_into};
use imp::books::{assert_consistent, figures};
use imp::{today, usd};
use std::fmt::Write as _;
use std::path::PathBuf;
use support::backends::{another, import_fresh, import_tuned};

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const INVOICES: &str =
    "id,Amount Due,Amount Paid,Currency,Customer,Customer Name,Date (UTC),Due Date (UTC),Number,Status,Total\n";

/// `n` open Stripe invoices of `total` for one customer.
fn invoices(n: usize, total: &str, currency: &str, date: &str) -> String {
    let mut text = String::from(INVOICES);
    for i in 0..n {
        let _ = writeln!(text, "in_H{i},{total},0,{currency},cus_H1,Hostile Co,{date},{date},H-{i},open,{total}");
    }
    text
}

/// Refused, nothing written: the report of the refused run.
fn refused(result: Result<ImportReport, ImportError>) -> ImportReport {
    match result {
        Err(ImportError::Refused { report }) => *report,
        other => panic!("expected refused rows, got {other:?}"),
    }
}

/// Every row of the refused report, as the CLI prints it.
fn lines(r: &ImportReport) -> String {
    r.to_string()
}

on_both! {
/// 110 invoices of 922,337,203,685,477.58 USD for one customer were
/// "written" with exit 0, and their sum was then stored as a REAL that
/// broke every figure of the customer. Each is refused, by line and field,
/// on the row path and on the bulk path alike (which said "database error:
/// integer overflow" twice).
fn invoices_past_the_largest_amount_are_refused_row_by_row_on_both_paths(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "hostile.csv", &invoices(110, "922337203685477.58", "usd", "2026-01-05"));
    for bulk_bytes in [u64::MAX, 0] {
        let (_held, mut s) = another(b);
        let r = refused(import_tuned(&mut s, std::slice::from_ref(&path), &ImportOptions::default(), bulk_bytes));
        assert_eq!(r.count(Counted::Invoices).refused, 110, "{r}");
        let text = lines(&r);
        assert!(
            text.contains(
                "hostile.csv:2 REFUSED (invoices): Total: \"922337203685477.58\": the amount is too large: \
                 at most $100,000,000,000.00 in USD"
            ),
            "{text}"
        );
        // The rest, refused for the same reason, are counted to the last.
        assert!(
            text.contains("… and 107 more REFUSED from hostile.csv:5 to hostile.csv:111 for the same reason"),
            "{text}"
        );
        assert!(!text.contains("database"), "{text}");
        assert!(s.customer_list(today()).unwrap().is_empty());
        assert_consistent(&s);
    }
}
}

on_both! {
/// Two invoices were enough: 92,233,720,368,547,758.07 and 1.00.
fn two_invoices_that_would_overflow_are_refused_by_the_large_one(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let mut text = invoices(1, "92233720368547758.07", "usd", "2026-01-05");
    text.push_str("in_H9,1.00,0,usd,cus_H1,Hostile Co,2026-01-05,2026-01-05,H-9,open,1.00\n");
    let path = write(&dir, "two.csv", &text);
    let (_held, mut s) = another(b);
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let r = run_import_into(&mut s, &[path], &opts, false).unwrap();
    assert_eq!((r.count(Counted::Invoices).created, r.count(Counted::Invoices).refused), (1, 1), "{r}");
    assert!(r.to_string().contains("two.csv:2 REFUSED (invoices): Total: \"92233720368547758.07\""), "{r}");
    assert_eq!(figures(&s, "stripe:cus_H1").metrics.outstanding, usd(100));
    assert_consistent(&s);
}
}

on_both! {
/// A VND invoice of 20,000,000,000,000 issued 0100-01-01 overflowed Avg.
/// Days to Collect's weighted sum: the amount and the date are each
/// refused, in CSV and in Stripe's API JSON.
fn a_vnd_invoice_too_large_and_too_old_is_refused_for_each(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let mut text = invoices(1, "20000000000000", "vnd", "2024-05-01");
    text.push_str("in_H8,1000,0,vnd,cus_H1,Hostile Co,0100-01-01,0100-01-01,H-8,open,1000\n");
    let path = write(&dir, "vnd.csv", &text);
    let r = refused(import_fresh(b, &[path]));
    let text = lines(&r);
    assert!(
        text.contains(
            "vnd.csv:2 REFUSED (invoices): Total: \"20000000000000\": the amount is too large: \
             at most VND 10,000,000,000,000 in VND"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "vnd.csv:3 REFUSED (invoices): date: \"0100-01-01\" is out of range: dates must fall between \
             1900-01-01 and 2199-12-31"
        ),
        "{text}"
    );
    // 0100-01-01 is -59011459200 seconds.
    let json = r#"{"object": "list", "data": [
        {"id": "in_J1", "object": "invoice", "status": "open", "currency": "vnd", "customer": "cus_J1",
         "customer_name": "Json Co", "total": 20000000000000, "amount_due": 20000000000000, "amount_paid": 0,
         "created": 1714521600},
        {"id": "in_J2", "object": "invoice", "status": "open", "currency": "vnd", "customer": "cus_J1",
         "customer_name": "Json Co", "total": 1000, "amount_due": 1000, "amount_paid": 0,
         "created": -59011459200}]}"#;
    let path = write(&dir, "vnd.json", json);
    let r = refused(import_fresh(b, &[path]));
    let text = lines(&r);
    assert!(
        text.contains("vnd.json#1 REFUSED (invoices): total: \"20000000000000\": the amount is too large"),
        "{text}"
    );
    assert!(text.contains("vnd.json#2 REFUSED (invoices): created: \"-59011459200\" is out of range"), "{text}");
}
}

on_both! {
/// JSON totals that are a float, a string or too large were all "the
/// invoice has no total": each says what is wrong with the value.
fn json_totals_say_what_is_wrong_with_the_value(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let inv = |id: &str, total: &str| {
        format!(
            r#"{{"id": "{id}", "object": "invoice", "status": "open", "currency": "usd", "customer": "cus_J1",
               "customer_name": "Json Co", "total": {total}, "created": 1714521600}}"#
        )
    };
    let items = [
        inv("in_F1", "1050.5"),
        inv("in_F2", "\"1050\""),
        inv("in_F3", "99999999999999999999"),
        inv("in_F4", "92233720368547758"),
        inv("in_F5", "true"),
        inv("in_F6", "1050"),
    ];
    let path = write(&dir, "totals.json", &format!("[{}]", items.join(",")));
    let r = refused(import_fresh(b, &[path]));
    let text = lines(&r);
    for want in [
        "totals.json#1 REFUSED (invoices): total: 1050.5 is not a whole number",
        "totals.json#2 REFUSED (invoices): total: \"1050\" is text, not a number",
        "totals.json#3 REFUSED (invoices): total: 99999999999999999999 is too large",
        "totals.json#4 REFUSED (invoices): total: \"92233720368547758\": the amount is too large: at most $100,000,000,000.00",
        "totals.json#5 REFUSED (invoices): total: true is not a number",
    ] {
        assert!(text.contains(want), "{want}\n{text}");
    }
    assert!(!text.contains("has no total"), "{text}");
    assert_eq!(r.count(Counted::Invoices).refused, 5, "{text}");

    // QuickBooks' exact decimals and ardesk's own export are bounded too.
    let qb = r#"{"Invoice": [{"Id": "1", "TxnDate": "2026-01-05", "TotalAmt": 922337203685477.58, "Balance": 0,
        "CustomerRef": {"value": "7", "name": "QB Co"}, "CurrencyRef": {"value": "USD"}}]}"#;
    let path = write(&dir, "qb.json", qb);
    let r = refused(import_fresh(b, &[path]));
    assert!(
        lines(&r).contains("qb.json#1 REFUSED (invoices): TotalAmt: \"922337203685477.58\": the amount is too large"),
        "{r}"
    );
}
}

on_both! {
/// ardesk's own export, edited to hold an amount or a date past the
/// bounds, is refused for that row (a contract's end date was stored as
/// written).
fn an_ardesk_export_with_an_amount_past_the_bound_is_refused(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let doc = serde_json::json!({
        "ardesk_export": 1, "origin": "elsewhere#1",
        "customer": {"name": "Native Co", "currency": "USD"},
        "contracts": [
            {"id": 1, "name": "Old", "kind": "recurring", "status": "active", "currency": "USD",
             "period_start": "2026-01-01", "period_end": "0099-12-31", "value": "10.00"}
        ],
        "invoices": [
            {"id": 1, "number": "N-1", "currency": "USD", "status": "open", "issue_date": "2026-01-05",
             "due_date": "2026-02-04", "total": "92233720368547758.07"},
            {"id": 2, "number": "N-2", "currency": "USD", "status": "open", "issue_date": "0099-01-05",
             "due_date": "2026-02-04", "total": "10.00"}
        ]
    });
    let path = write(&dir, "native.json", &doc.to_string());
    let r = refused(import_fresh(b, &[path]));
    let text = lines(&r);
    assert!(
        text.contains(
            "native.json#1 REFUSED (invoices): invoices: total: \"92233720368547758.07\": the amount is too large"
        ),
        "{text}"
    );
    assert!(
        text.contains("native.json#2 REFUSED (invoices): invoices: issue_date: \"0099-01-05\" is out of range"),
        "{text}"
    );
    assert!(
        text.contains("native.json#1 REFUSED (contracts): contracts: period_end: \"0099-12-31\" is out of range"),
        "{text}"
    );
}
}

on_both! {
/// One customer may hold at most 10^17 minor units of invoices in one
/// currency: 10,000 invoices of the largest amount. The next one is
/// refused with its line, so a file of a million such rows cannot make
/// the customer's sums overflow (on the bulk path that surfaced as a raw
/// "integer overflow" at the very end).
fn what_one_run_brings_a_customer_is_bounded_row_by_row(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "many.csv", &invoices(10_001, "100000000000.00", "usd", "2026-01-05"));
    for bulk_bytes in [u64::MAX, 0] {
        let (_held, mut s) = another(b);
        let r = refused(import_tuned(&mut s, std::slice::from_ref(&path), &ImportOptions::default(), bulk_bytes));
        assert_eq!(r.count(Counted::Invoices).refused, 1, "{}", r.issues.len());
        let issue = &r.issues[0];
        assert_eq!(issue.line, 10_002);
        assert!(
            issue.reason.contains(
                "invoice totals of customer cus_H1 in this import add up to more than $1,000,000,000,000,000.00"
            ),
            "{}",
            issue.reason
        );
        assert!(s.customer_list(today()).unwrap().is_empty());
    }
}
}
