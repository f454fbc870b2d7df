//! Imports keep the source's lines and memo (issue 15 §2): QuickBooks'
//! `Line[]` (items, discounts, bundles; subtotals and headings are not
//! lines), Stripe's `lines.data` with their tax and the invoice's
//! discounts; the total stays the source's and the detail says when the
//! lines do not add up to it; a re-import replaces the lines; and every
//! bound (amount, count, length, text that acts on a terminal) is kept
//! row by row, on the bulk path as on the row path.

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::domain::detail::InvoiceDetail;
use ardesk::domain::lines::{Line, LineKind};
use ardesk::import::{Counted, ImportError, ImportOptions, ImportReport};
use ardesk::store::Books;
use ardesk::view::detail::mismatch_line;
use imp::books::{assert_consistent, customer, invoice};
use imp::{fixture_in, usd};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::str::FromStr;
use support::backends::{another, import_fresh, import_tuned};

fn dec(s: &str) -> Option<Decimal> {
    Some(Decimal::from_str(s).unwrap())
}

fn item(desc: &str, qty: Option<Decimal>, price: Option<Decimal>, amount: i64, tax: Option<i64>) -> Line {
    Line {
        kind: LineKind::Item,
        description: desc.into(),
        quantity: qty,
        unit_price: price,
        amount_minor: amount,
        tax_minor: tax,
    }
}

fn discount(desc: &str, amount: i64) -> Line {
    Line {
        kind: LineKind::Discount,
        description: desc.into(),
        quantity: None,
        unit_price: None,
        amount_minor: amount,
        tax_minor: None,
    }
}

fn run(store: &mut Books, files: &[PathBuf], bulk_bytes: u64) -> ImportReport {
    import_tuned(store, files, &ImportOptions::default(), bulk_bytes).unwrap_or_else(|e| panic!("{e}"))
}

fn detail(store: &Books, spec: &str, number: &str) -> InvoiceDetail {
    let c = customer(store, spec);
    store.invoice_detail(c.id, invoice(store, spec, number).id).unwrap()
}

fn refused(result: Result<ImportReport, ImportError>) -> ImportReport {
    match result {
        Err(ImportError::Refused { report }) => *report,
        other => panic!("expected refused rows, got {other:?}"),
    }
}

fn write(dir: &tempfile::TempDir, name: &str, doc: &Value) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

fn qbo() -> PathBuf {
    fixture_in("quickbooks", "api_lines.json")
}

fn stripe() -> PathBuf {
    fixture_in("stripe", "api/invoices_lines.json")
}

on_both! {
fn quickbooks_items_discounts_and_bundles_land_subtotals_and_headings_do_not(b: &mut Books) {
    for bulk_bytes in [u64::MAX, 0] {
        let (_held, mut s) = another(b);
        let r = run(&mut s, &[qbo()], bulk_bytes);
        assert_eq!(r.count(Counted::Invoices).created, 2, "{r}");
        let d = detail(&s, "quickbooks:301", "2001");
        assert_eq!(
            d.lines,
            vec![
                item("Rock Fountain", dec("1"), dec("275"), 27_500, None),
                item("Concrete", dec("5"), dec("9.5"), 4_750, None),
                discount("Discount 5%", -1_613),
            ],
            "bulk_bytes {bulk_bytes}"
        );
        assert_eq!(d.invoice.memo, "Thank you for your business\nPrivate note: Gate code 4471");
        // The total is QuickBooks' (tax included); the lines are before tax.
        assert_eq!(d.invoice.total, usd(33_088));
        assert_eq!(
            mismatch_line(&d).as_deref(),
            Some("Lines add up to $306.37, $24.51 less than the total (as the source gave it)")
        );
        let bundle = detail(&s, "quickbooks:301", "2002");
        assert_eq!(bundle.lines, vec![item("Spring cleanup", dec("2"), None, 12_000, None)]);
        assert_eq!(mismatch_line(&bundle), None);
        assert_consistent(&s);
    }
}
}

on_both! {
fn stripe_lines_keep_their_tax_and_the_discounts_are_lines_of_their_own(b: &mut Books) {
    for bulk_bytes in [u64::MAX, 0] {
        let (_held, mut s) = another(b);
        let r = run(&mut s, &[stripe()], bulk_bytes);
        assert_eq!(r.count(Counted::Invoices).created, 2, "{r}");
        let d = detail(&s, "stripe:cus_L1", "LL-0001");
        assert_eq!(
            d.lines,
            vec![
                item("Pro seats", dec("3"), dec("30"), 9_000, Some(684)),
                item("API usage (4,000 calls)", dec("4000"), dec("0.0025"), 1_000, Some(76)),
                discount("Discount", -500),
            ]
        );
        assert_eq!(d.invoice.memo, "PO 88-1209");
        assert_eq!(mismatch_line(&d), None, "items − discount + tax make the total");
        // Only the first of its lines came with it: the detail says so.
        let cut = detail(&s, "stripe:cus_L1", "LL-0002");
        assert_eq!(cut.lines, vec![item("Overage", dec("1.5"), dec("10"), 1_500, None)]);
        assert_eq!(cut.invoice.total, usd(2_500));
        assert_eq!(
            mismatch_line(&cut).as_deref(),
            Some("Lines add up to $15.00, $10.00 less than the total (as the source gave it)")
        );
        assert!(r.to_string().contains("invoice LL-0002: the export lists only the first 1 of its lines"), "{r}");
        assert_consistent(&s);
    }
}
}

on_both! {
fn a_reimport_replaces_the_lines_and_an_unchanged_one_changes_nothing(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let (_held, mut s) = another(b);
    run(&mut s, &[qbo()], u64::MAX);
    let again = run(&mut s, &[qbo()], u64::MAX);
    assert_eq!(again.changes(), 0, "{again}");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(qbo()).unwrap()).unwrap();
    let inv = &mut doc["QueryResponse"]["Invoice"][0];
    inv["Line"].as_array_mut().unwrap().remove(1);
    inv["Line"][0]["Description"] = json!("Rock Fountain (large)");
    inv["CustomerMemo"] = json!({"value": "Thanks again"});
    let path = write(&dir, "api_lines.json", &doc);
    let r = run(&mut s, &[path], u64::MAX);
    assert_eq!(r.count(Counted::Invoices).updated, 1, "{r}");
    let d = detail(&s, "quickbooks:301", "2001");
    assert_eq!(
        d.lines,
        vec![item("Rock Fountain (large)", dec("1"), dec("275"), 27_500, None), discount("Discount 5%", -1_613)]
    );
    assert_eq!(d.invoice.memo, "Thanks again\nPrivate note: Gate code 4471");
    assert_eq!(d.invoice.total, usd(33_088), "the total stays the source's");
    assert_consistent(&s);
}
}

on_both! {
/// A memo a person wrote in ardesk stays when the source's changes too:
/// a conflict, as for any field both changed.
fn a_memo_changed_in_ardesk_and_in_the_source_is_a_conflict(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let (_held, mut s) = another(b);
    run(&mut s, &[qbo()], u64::MAX);
    let d = detail(&s, "quickbooks:301", "2001");
    s.set_invoice_memo(d.customer_id, d.invoice.id, d.version, "Call Pat before chasing").unwrap();
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(qbo()).unwrap()).unwrap();
    doc["QueryResponse"]["Invoice"][0]["PrivateNote"] = json!("Gate code 9911");
    let r = run(&mut s, &[write(&dir, "api_lines.json", &doc)], u64::MAX);
    assert!(r.to_string().contains("memo"), "{r}");
    assert_eq!(detail(&s, "quickbooks:301", "2001").invoice.memo, "Call Pat before chasing");
}
}

/// A Stripe invoice of one customer with these lines.
fn stripe_with(lines: Vec<Value>, total: i64) -> Value {
    json!({"object": "list", "data": [
        {"id": "cus_B1", "object": "customer", "name": "Bound Co", "currency": "usd", "livemode": true},
        {"id": "in_B1", "object": "invoice", "number": "B-1", "customer": "cus_B1", "currency": "usd",
         "status": "open", "livemode": true, "created": 1769904000, "total": total, "amount_due": total,
         "amount_paid": 0, "lines": {"object": "list", "has_more": false, "data": lines}}
    ]})
}

fn stripe_line(desc: &str, amount: Value) -> Value {
    json!({"object": "line_item", "description": desc, "amount": amount, "quantity": 1})
}

on_both! {
fn every_bound_is_kept_row_by_row_on_both_paths(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "amount",
            stripe_with(vec![stripe_line("Big", json!(10_000_000_000_001_i64))], 100),
            "in.json#2 REFUSED (invoices): lines.data[0]: amount: \"10000000000001\": the amount is too large",
        ),
        (
            "count",
            stripe_with((0..1001).map(|i| stripe_line(&format!("L{i}"), json!(1))).collect(), 1001),
            "in.json#2 REFUSED (invoices): the invoice has 1001 lines; ardesk keeps at most 1000",
        ),
        (
            "escape",
            stripe_with(vec![stripe_line("Seats \u{1b}]52;c;aGk=\u{7}", json!(100))], 100),
            "in.json#2 REFUSED (invoices): line 1's description has a character that would act on a terminal \
             (U+001B, at character 7)",
        ),
        (
            "override",
            stripe_with(vec![stripe_line("Seats \u{202e}cba", json!(100))], 100),
            "line 1's description has a character that would act on a terminal (U+202E",
        ),
    ];
    for (what, doc, want) in cases {
        for bulk_bytes in [u64::MAX, 0] {
            let path = write(&dir, "in.json", &doc);
            let (_held, mut s) = another(b);
            let r = refused(import_tuned(&mut s, &[path], &ImportOptions::default(), bulk_bytes));
            let text = r.to_string();
            assert!(text.contains(want), "{what}, bulk_bytes {bulk_bytes}:\n{text}");
            assert_eq!(r.count(Counted::Invoices).refused, 1, "{what}");
            assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "the report is inert:\n{text}");
        }
    }
    // QuickBooks' amounts are major units.
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(qbo()).unwrap()).unwrap();
    doc["QueryResponse"]["Invoice"][1]["Line"][0]["Amount"] = json!(100000000000.01);
    let r = refused(import_fresh(b, &[write(&dir, "qb.json", &doc)]));
    assert!(r.to_string().contains("Line 1: Amount: \"100000000000.01\": the amount is too large"), "{r}");
}
}

on_both! {
fn a_long_description_is_cut_and_the_report_says_so(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let long = "Implementation services, phase one ".repeat(40);
    let mut doc = stripe_with(vec![stripe_line(&long, json!(100))], 100);
    doc["data"][1]["description"] = json!("m".repeat(2100));
    for bulk_bytes in [u64::MAX, 0] {
        let (_held, mut s) = another(b);
        let r = run(&mut s, &[write(&dir, "in.json", &doc)], bulk_bytes);
        let text = r.to_string();
        assert!(text.contains("invoice B-1: line 1's description was cut to 1000 characters"), "{text}");
        assert!(text.contains("invoice B-1: the memo was cut to 2000 characters"), "{text}");
        let d = detail(&s, "stripe:cus_B1", "B-1");
        assert_eq!(d.lines[0].description.chars().count(), 1000);
        assert!(d.lines[0].description.ends_with('…'));
        assert_eq!(d.invoice.memo.chars().count(), 2000);
        assert_consistent(&s);
    }
}
}
