//! ardesk's own format: export a customer's whole record, import it into
//! another database, and every figure is the same.

#[path = "import_support.rs"]
mod support;

use ardesk::demo::{DemoOptions, generate};
use ardesk::domain::columns::Tab;
use ardesk::import::{Counted, ImportOptions, export_customer_json, run_import};
use ardesk::store::import::ExportSection;
use ardesk::store::{Store, StoreError};
use std::path::PathBuf;
use support::*;

/// What must survive the trip: the cards, the sums per currency, and the
/// rows of the money and contact tabs. Documents come back as metadata in
/// the file only (no content) and the activity log starts anew.
fn comparable(s: &Store, id: i64) -> impl PartialEq + std::fmt::Debug {
    let c = s.customer(id).unwrap();
    let f = s.figures(&c, today()).unwrap();
    let counts = [Tab::Invoices, Tab::Contracts, Tab::Payments, Tab::Contacts].map(|t| f.counts[t.index()]);
    // Each refund's date, amount, reason and where its date came from.
    let mut refunds = Vec::new();
    s.export_section(id, ExportSection::Refunds, |m| {
        refunds.push(["refunded_on", "amount_minor", "reason", "dated_from"].map(|k| m[k].clone()));
        Ok::<_, StoreError>(())
    })
    .unwrap();
    (
        c.name,
        c.legal_name,
        c.billing_email,
        c.currency,
        c.import_source,
        c.external_id,
        c.invoices_paused,
        c.portal,
        f.metrics,
        f.own,
        f.others,
        (counts, refunds),
    )
}

/// Each invoice's number, memo and lines, by number.
fn billed(s: &Store, id: i64) -> Vec<(String, String, Vec<ardesk::domain::lines::Line>)> {
    let mut out: Vec<_> = rows::<ardesk::domain::model::InvoiceRow>(s, id)
        .into_iter()
        .map(|r| {
            let d = s.invoice_detail(id, r.id).unwrap();
            (r.number, d.invoice.memo, d.lines)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn export_all(s: &Store, dir: &tempfile::TempDir) -> Vec<(i64, PathBuf)> {
    s.customer_list(today())
        .unwrap()
        .iter()
        .map(|c| {
            let path = dir.path().join(format!("customer-{}.json", c.id));
            let mut f = std::fs::File::create(&path).unwrap();
            export_customer_json(s, c.id, &mut f).unwrap();
            (c.id, path)
        })
        .collect()
}

#[test]
fn stripe_customers_survive_the_trip_with_their_external_ids() {
    let mut from = store();
    import(&mut from, &FULL_SET);
    let dir = tempfile::tempdir().unwrap();
    let files = export_all(&from, &dir);
    let text = std::fs::read_to_string(&files[0].1).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["ardesk_export"], 1);
    assert_eq!(doc["invoices"][0]["total"], "1000.00", "amounts are exact decimal strings");
    assert_eq!(doc["payments"][0]["applications"][0]["amount"], "1000.00");

    let mut to = store();
    let paths: Vec<PathBuf> = files.iter().map(|f| f.1.clone()).collect();
    let r = run_import(&mut to, &paths, &ImportOptions::default(), false).unwrap();
    assert_eq!(r.count(Counted::Customers).created, 4, "{r}");
    assert_consistent(&to);
    for (id, _) in &files {
        let ext = from.customer(*id).unwrap().external_id.unwrap();
        let there = to.resolve_customer(&format!("stripe:{ext}")).unwrap();
        assert_eq!(comparable(&to, there), comparable(&from, *id));
    }
    // Same (source, external id): an idempotent update.
    let again = run_import(&mut to, &paths, &ImportOptions::default(), false).unwrap();
    assert_eq!(again.changes(), 0, "{again}");
    // And the Stripe exports on top of it change nothing either.
    let stripe = import(&mut to, &FULL_SET);
    assert_eq!(stripe.changes(), 0, "{stripe}");
}

#[test]
fn every_demo_customer_survives_the_trip() {
    let mut from = Store::open_in_memory().unwrap();
    generate(&mut from, &DemoOptions { today: today(), big_invoices: None }).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = export_all(&from, &dir);
    let mut to = store();
    let paths: Vec<PathBuf> = files.iter().map(|f| f.1.clone()).collect();
    let r = run_import(&mut to, &paths, &ImportOptions::default(), false).unwrap();
    assert_eq!(r.count(Counted::Customers).created as usize, files.len(), "{r}");
    assert!(r.count(Counted::Documents).skipped > 0, "documents are metadata only: {r}");
    assert_consistent(&to);
    // Native customers get new ids; the run creates them in file order.
    let mut mapped = to.customer_ids().unwrap();
    mapped.sort_unstable();
    let (mut lined, mut memos) = (0, 0);
    for ((old, _), new) in files.iter().zip(mapped) {
        assert_eq!(comparable(&to, new), comparable(&from, *old), "customer {old}");
        // Memo and lines, in order, come back as they were.
        let there = billed(&from, *old);
        assert_eq!(billed(&to, new), there, "customer {old}");
        lined += there.iter().filter(|b| !b.2.is_empty()).count();
        memos += there.iter().filter(|b| !b.1.is_empty()).count();
    }
    assert!(lined > 100 && memos > 5, "the demo has lines ({lined}) and memos ({memos}) to carry");
    // Again: keyed customers are unchanged, native ones are not duplicated.
    let again = run_import(&mut to, &paths, &ImportOptions::default(), false).unwrap();
    assert_eq!(again.changes(), 0, "{again}");
    assert_eq!(to.customer_list(today()).unwrap().len(), files.len());
    assert!(again.issues.iter().any(|i| i.reason.contains("imported from this export before")), "{again}");
}
