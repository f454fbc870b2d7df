//! Schema 13: a cancelled invoice carries the day it was cancelled, from
//! every path that cancels one: ardesk's own cancel (the app's today, or
//! the issue date when that is later), imports (the source's void date,
//! else the run's day), the native export and import, and `check` catching
//! a date where none belongs. On both backends, but for the damaged file
//! `check` reads (SQLite's: a row planted past a CHECK).

mod common;
#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::domain::status::{cancel_date, cancelled_as_of};
use ardesk::import::{ImportOptions, export_customer_json, run_import_into};
use ardesk::store::{Books, OpenMode, Store, StoreError};
use chrono::NaiveDate;
use imp::books::{assert_consistent, customer, import, import_in, invoice, rows};
use imp::{d, fixture, fixture_in, variant_in};
use rusqlite::Connection;
use std::path::PathBuf;
use support::backends::{another, execute, seed, text};

/// The detail's cancellation: `Some(Some(day))`, `Some(None)` for a date
/// unknown, `None` when not cancelled.
fn cancelled(s: &Books, customer: i64, id: i64) -> Option<Option<NaiveDate>> {
    s.invoice_detail(customer, id).unwrap().cancelled
}

/// The same for an imported invoice by its customer's spec and number.
fn cancelled_by_number(s: &Books, spec: &str, number: &str) -> Option<Option<NaiveDate>> {
    cancelled(s, customer(s, spec).id, invoice(s, spec, number).id)
}

/// One customer's invoices issued on `issues`, in `b`.
fn books(b: &mut Books, issues: &[&str]) -> (i64, Vec<i64>) {
    seed(b, |s| {
        let seed = s.seeder().unwrap();
        let mut b = common::Books::new(&seed, "Initech", ardesk::domain::Currency::USD);
        let ids = issues.iter().map(|i| b.invoice(i, i, 10_000, ardesk::domain::Currency::USD)).collect();
        let c = b.customer;
        seed.commit().unwrap();
        (c, ids)
    })
}

/// `books` in a SQLite file at `path`, for what only a file can hold.
fn file_books(path: &std::path::Path, issues: &[&str]) -> (Store, i64, Vec<i64>) {
    let mut s = Store::open(path, OpenMode::Create).unwrap();
    let seed = s.seeder().unwrap();
    let mut b = common::Books::new(&seed, "Initech", ardesk::domain::Currency::USD);
    let ids = issues.iter().map(|i| b.invoice(i, i, 10_000, ardesk::domain::Currency::USD)).collect();
    let c = b.customer;
    seed.commit().unwrap();
    (s, c, ids)
}

#[test]
fn the_as_of_rule_counts_an_undated_cancellation_from_the_issue_date() {
    let (issue, later) = (d("2026-01-10"), d("2026-02-01"));
    assert_eq!(cancel_date(later, issue), later);
    assert_eq!(cancel_date(d("2026-01-01"), issue), issue, "never before it was issued");
    assert_eq!(cancelled_as_of(Some(later), issue), later);
    assert_eq!(cancelled_as_of(None, issue), issue, "undated: it never counted");
}

on_both! {
fn cancelling_dates_each_invoice_on_the_day_given_or_its_later_issue_date(s: &mut Books) {
    let (c, ids) = books(s, &["2026-01-05", "2026-04-01", "2026-01-06"]);
    // Out of the bounds of every date: refused before anything is written.
    let err = s.cancel_invoices(c, &ids, d("2200-01-01")).unwrap_err();
    assert!(matches!(err, StoreError::OutOfRange(ref m) if m.contains("cancel date")), "{err}");
    assert!(ids.iter().all(|&id| cancelled(s, c, id).is_none()), "nothing half-written");

    let done = s.cancel_invoices(c, &ids[..2], d("2026-03-01")).unwrap();
    assert_eq!(done.cancel.len(), 2);
    assert_eq!(cancelled(s, c, ids[0]), Some(Some(d("2026-03-01"))));
    // Issued after the day it was cancelled: dated its issue date.
    assert_eq!(cancelled(s, c, ids[1]), Some(Some(d("2026-04-01"))));
    assert_eq!(cancelled(s, c, ids[2]), None, "not cancelled, no date");
    // The audit row says the day too.
    let dt = s.invoice_detail(c, ids[0]).unwrap();
    assert!(dt.history[0].summary.contains("cancelled invoice"), "{:?}", dt.history);
    let after = text(s, &format!("SELECT CAST(after_json AS TEXT) FROM audit_log WHERE action = 'cancel' AND entity_id = {}", ids[0]));
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["on"], "2026-03-01", "{after}");
    // Already cancelled: refused, and its date stays.
    let again = s.cancel_invoices(c, &ids[..1], d("2026-03-05")).unwrap();
    assert_eq!(again.refused.len(), 1);
    assert_eq!(cancelled(s, c, ids[0]), Some(Some(d("2026-03-01"))));
    // The detail shows it.
    let facts = ardesk::view::detail::invoice_facts(&dt, d("2026-03-02"), Default::default());
    let shown: Vec<(&str, &str)> = facts.left.iter().map(|f| (f.label, f.value.as_str())).collect();
    assert!(shown.contains(&("Cancelled", "2026-03-01")), "{shown:?}");
    assert_eq!(s.check(d("2026-03-02")).unwrap(), Vec::<String>::new());
}
}

on_both! {
fn an_undated_cancellation_shows_date_unknown(s: &mut Books) {
    let (c, ids) = books(s, &["2026-01-05"]);
    s.cancel_invoices(c, &ids, d("2026-03-01")).unwrap();
    // As books written before schema 13 hold it.
    execute(s, "UPDATE invoices SET cancelled_on = NULL");
    let dt = s.invoice_detail(c, ids[0]).unwrap();
    assert_eq!(dt.cancelled, Some(None));
    let facts = ardesk::view::detail::invoice_facts(&dt, d("2026-03-02"), Default::default());
    assert!(facts.left.iter().any(|f| f.label == "Cancelled" && f.value == "date unknown"), "{facts:?}");
}
}

// SQLite's only: the bad dates are planted past the schema's CHECK in the
// file (`ignore_check_constraints`), and its integrity check is asserted.
#[test]
fn check_names_a_date_on_an_invoice_not_cancelled_or_before_its_issue_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let (mut s, c, ids) = file_books(&path, &["2026-01-05", "2026-01-06"]);
    s.cancel_invoices(c, &ids[..1], d("2026-03-01")).unwrap();
    drop(s);
    let conn = Connection::open(&path).unwrap();
    // The schema refuses a date on an open invoice…
    let open = format!("UPDATE invoices SET cancelled_on = '2026-03-01' WHERE id = {}", ids[1]);
    assert!(conn.execute_batch(&open).is_err(), "CHECK invoice_cancelled_on");
    assert!(conn.execute_batch("UPDATE invoices SET cancelled_on = '2026-02-30'").is_err(), "not a real date");
    // …so it is planted past the CHECK, as a damaged file would hold it;
    // a date before the issue date only `check` catches.
    conn.execute_batch(&format!(
        "PRAGMA ignore_check_constraints = ON; {open}; PRAGMA ignore_check_constraints = OFF;
         UPDATE invoices SET cancelled_on = '2026-01-01' WHERE id = {};",
        ids[0]
    ))
    .unwrap();
    drop(conn);
    let s = Store::open(&path, OpenMode::MustExist).unwrap();
    let problems = s.check(d("2026-03-02")).unwrap();
    // SQLite's integrity check finds the row past the CHECK as well.
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0], "integrity_check: CHECK constraint failed in invoices");
    let p = &problems[1];
    assert!(p.starts_with("cancellation date on an invoice that is not cancelled, or before its issue date"), "{p}");
    assert!(p.contains("(cancelled) cancelled on 2026-01-01, issued 2026-01-05"), "{p}");
    assert!(p.contains("(open) cancelled on 2026-03-01"), "{p}");
    assert!(p.contains("(2 in all)"), "{p}");
}

on_both! {
fn a_stripe_void_invoice_is_dated_by_voided_at_else_by_the_run(s: &mut Books) {
    let before = chrono::Utc::now().date_naive();
    import(s, &["api/cd_customers.json", "api/cd_invoices.json"]);
    let after = chrono::Utc::now().date_naive();
    let spec = "stripe:cus_CD01Initech";
    assert_eq!(cancelled_by_number(s, spec, "INI-0001"), Some(Some(d("2026-02-10"))), "voided_at");
    let run = cancelled_by_number(s, spec, "INI-0002").unwrap().unwrap();
    assert!(run == before || run == after, "no voided_at: the run's day, {run}");
    assert_eq!(cancelled_by_number(s, spec, "INI-0003"), None, "open");
    // A later export voids the open one: dated by it; the rest keep theirs.
    let dir = tempfile::tempdir().unwrap();
    let later = variant_in(dir.path(), "stripe", "api/cd_invoices.json", |t| {
        let mut doc: serde_json::Value = serde_json::from_str(&t).unwrap();
        let inv = &mut doc["data"][2];
        inv["status"] = "void".into();
        inv["amount_remaining"] = 0.into();
        inv["status_transitions"]["voided_at"] = 1_772_366_400.into(); // 2026-03-01 12:00 UTC
        doc.to_string()
    });
    let files: Vec<PathBuf> = vec![fixture("api/cd_customers.json"), later];
    run_import_into(s, &files, &ImportOptions::default(), false).unwrap();
    assert_eq!(cancelled_by_number(s, spec, "INI-0003"), Some(Some(d("2026-03-01"))));
    assert_eq!(cancelled_by_number(s, spec, "INI-0001"), Some(Some(d("2026-02-10"))));
    assert_eq!(cancelled_by_number(s, spec, "INI-0002"), Some(Some(run)));
    assert_consistent(s);
}
}

on_both! {
fn a_quickbooks_voided_invoice_is_dated_by_its_last_update(s: &mut Books) {
    import_in(s, "quickbooks", &["api_customers.json", "api_invoices.json"]);
    assert_eq!(cancelled_by_number(s, "quickbooks:101", "1004"), Some(Some(d("2026-02-01"))));
    assert_eq!(cancelled_by_number(s, "quickbooks:101", "1001"), None, "paid");
    // Voided on a later day than it was made.
    let dir = tempfile::tempdir().unwrap();
    let file = variant_in(dir.path(), "quickbooks", "api_invoices.json", |t| {
        let mut doc: serde_json::Value = serde_json::from_str(&t).unwrap();
        for inv in doc["Invoice"].as_array_mut().unwrap() {
            if inv["Id"] == "204" {
                inv["MetaData"]["LastUpdatedTime"] = "2026-02-15T16:00:00-08:00".into();
            }
        }
        doc.to_string()
    });
    let (_fresh, mut s) = another(s);
    let files = [fixture_in("quickbooks", "api_customers.json"), file];
    run_import_into(&mut s, &files, &ImportOptions::default(), false).unwrap();
    assert_eq!(cancelled_by_number(&s, "quickbooks:101", "1004"), Some(Some(d("2026-02-15"))));
    assert_consistent(&s);
}
}

on_both! {
fn the_native_export_carries_the_date_and_an_older_export_imports_it_unknown(s: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let (c, ids) = books(s, &["2026-01-05", "2026-01-06", "2026-01-07"]);
    s.cancel_invoices(c, &ids[..2], d("2026-02-20")).unwrap();
    execute(s, &format!("UPDATE invoices SET cancelled_on = NULL WHERE id = {}", ids[1]));
    let file = dir.path().join("export.json");
    export_customer_json(s, c, &mut std::fs::File::create(&file).unwrap()).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let dates: Vec<&serde_json::Value> =
        doc["invoices"].as_array().unwrap().iter().map(|i| &i["cancelled_on"]).collect();
    assert_eq!(dates, [&serde_json::json!("2026-02-20"), &serde_json::Value::Null, &serde_json::Value::Null]);

    let read = |to: &Books| -> Vec<Option<Option<NaiveDate>>> {
        let cid = to.customer_ids().unwrap()[0];
        let mut rows = rows::<ardesk::domain::model::InvoiceRow>(to, cid);
        rows.sort_by_key(|r| r.issue_date);
        rows.iter().map(|r| cancelled(to, cid, r.id)).collect()
    };
    let (_held, mut to) = another(s);
    run_import_into(&mut to, std::slice::from_ref(&file), &ImportOptions::default(), false).unwrap();
    assert_eq!(read(&to), [Some(Some(d("2026-02-20"))), Some(None), None]);
    assert_eq!(read(&to), read(s));

    // An export from before schema 13 has no `cancelled_on`: date unknown.
    let mut doc = doc;
    for i in doc["invoices"].as_array_mut().unwrap() {
        i.as_object_mut().unwrap().remove("cancelled_on");
    }
    let old = dir.path().join("old.json");
    std::fs::write(&old, doc.to_string()).unwrap();
    let (_held, mut to) = another(s);
    run_import_into(&mut to, &[old], &ImportOptions::default(), false).unwrap();
    assert_eq!(read(&to), [Some(None), Some(None), None]);
    assert_consistent(&to);
}
}
