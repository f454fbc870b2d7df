//! ardesk's own format: export a customer's whole record, import it into
//! another database, and every figure is the same.

mod common;
#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::demo::{DemoOptions, generate};
use ardesk::domain::columns::Tab;
use ardesk::import::{Counted, ImportOptions, export_customer_json, run_import_into};
use ardesk::store::import::ExportSection;
use ardesk::store::{Books, Store, StoreError};
use imp::books::{assert_consistent, import, rows};
use imp::*;
use std::path::PathBuf;
use support::backends::{Held, on_postgres, postgres, sqlite};

/// Empty books of another database on the same backend as `b`.
fn another(b: &Books) -> (Held, Books) {
    if on_postgres(b) { postgres().unwrap() } else { sqlite() }
}

/// What must survive the trip: the cards, the sums per currency, and the
/// rows of the money and contact tabs. Documents come back as metadata in
/// the file only (no content) and the activity log starts anew.
fn comparable(s: &Books, id: i64) -> impl PartialEq + std::fmt::Debug {
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
fn billed(s: &Books, id: i64) -> Vec<(String, String, Vec<ardesk::domain::lines::Line>)> {
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

fn export_all(s: &Books, dir: &tempfile::TempDir) -> Vec<(i64, PathBuf)> {
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

on_both! {
fn stripe_customers_survive_the_trip_with_their_external_ids(b: &mut Books) {
    let mut from = Books::from(store());
    import(&mut from, &FULL_SET);
    let dir = tempfile::tempdir().unwrap();
    let files = export_all(&from, &dir);
    let text = std::fs::read_to_string(&files[0].1).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["ardesk_export"], 1);
    assert_eq!(doc["invoices"][0]["total"], "1000.00", "amounts are exact decimal strings");
    assert_eq!(doc["payments"][0]["applications"][0]["amount"], "1000.00");

    let (_held, mut to) = another(b);
    let paths: Vec<PathBuf> = files.iter().map(|f| f.1.clone()).collect();
    let r = run_import_into(&mut to, &paths, &ImportOptions::default(), false).unwrap();
    assert_eq!(r.count(Counted::Customers).created, 4, "{r}");
    assert_consistent(&to);
    for (id, _) in &files {
        let ext = from.customer(*id).unwrap().external_id.unwrap();
        let there = to.resolve_customer(&format!("stripe:{ext}")).unwrap();
        assert_eq!(comparable(&to, there), comparable(&from, *id));
    }
    // Same (source, external id): an idempotent update.
    let again = run_import_into(&mut to, &paths, &ImportOptions::default(), false).unwrap();
    assert_eq!(again.changes(), 0, "{again}");
    // And the Stripe exports on top of it change nothing either.
    let stripe = import(&mut to, &FULL_SET);
    assert_eq!(stripe.changes(), 0, "{stripe}");
}
}

on_both! {
fn every_demo_customer_survives_the_trip(b: &mut Books) {
    let mut from = Store::open_in_memory().unwrap();
    generate(&mut from, &DemoOptions { today: today(), big_invoices: None, extra_customers: None }).unwrap();
    let from = Books::from(from);
    let dir = tempfile::tempdir().unwrap();
    let files = export_all(&from, &dir);
    let (_held, mut to) = another(b);
    let paths: Vec<PathBuf> = files.iter().map(|f| f.1.clone()).collect();
    let r = run_import_into(&mut to, &paths, &ImportOptions::default(), false).unwrap();
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
    let again = run_import_into(&mut to, &paths, &ImportOptions::default(), false).unwrap();
    assert_eq!(again.changes(), 0, "{again}");
    assert_eq!(to.customer_list(today()).unwrap().len(), files.len());
    assert!(again.issues.iter().any(|i| i.reason.contains("imported from this export before")), "{again}");
}
}

/// Acme's books with every kind of credit (figures in cents):
/// - I1 $100 (01-01): credit note CN-000001 of $40 against it (02-12),
///   balance $60;
/// - I2 $200 (02-01): $150 of the wire, $10 of granted credit, and credit
///   note CN-000003 of $30 (02-14), voided 02-20: balance $40;
/// - I3 $100 (02-01): $97 of the wire, its $3 closed by a small-balance
///   adjustment (02-16): paid;
/// - the wire $500 (02-10): $253 unapplied; CN-000002 $25 standalone (02-13).
///
/// Total Billed = 400 − 40 − 10 − 3 = 347; Billed & Collected = 247;
/// Outstanding = 60 + 40 = 100; Credit Balance = 253 + 25 = 278 (the voided
/// note counts nowhere); Total Collected = 500.
/// Made on SQLite (its seeder), the books an export is taken from.
fn acme_with_credit_notes() -> (Books, i64) {
    use ardesk::domain::edit::CreditNoteDraft;
    use common::{Books, USD};
    let mut s = store();
    let (acme, i1, i2, i3) = {
        let seed = s.seeder().unwrap();
        let mut b = Books::new(&seed, "Acme", USD);
        let i1 = b.invoice("2026-01-01", "2026-01-31", 10_000, USD);
        let i2 = b.invoice("2026-02-01", "2026-03-03", 20_000, USD);
        let i3 = b.invoice("2026-02-01", "2026-03-03", 10_000, USD);
        let wire = b.payment("2026-02-10", 50_000, USD);
        b.apply(i2, wire, 15_000, "2026-02-10");
        b.apply(i3, wire, 9_700, "2026-02-10");
        let goodwill = b.credit("2026-02-11", 1_000, USD);
        b.apply_credit(i2, goodwill, 1_000, "2026-02-11");
        let acme = b.customer;
        seed.commit().unwrap();
        (acme, i1, i2, i3)
    };
    let note = |on: &str, amount, invoice| CreditNoteDraft {
        issued_on: d(on),
        amount_minor: amount,
        currency: ardesk::domain::Currency::USD,
        reason: "billed twice".into(),
        invoice_id: invoice,
        refund_excess: false,
        lines: Vec::new(),
    };
    s.issue_credit_note(acme, &note("2026-02-12", 4_000, Some(i1))).unwrap();
    // The standalone one with lines (schema 12), which travel with it.
    let lines = vec![
        ardesk::domain::lines::Line {
            kind: ardesk::domain::lines::LineKind::Item,
            description: "Returned licences".into(),
            quantity: Some(rust_decimal::Decimal::new(3, 0)),
            unit_price: Some(rust_decimal::Decimal::new(500, 2)),
            amount_minor: 1_500,
            tax_minor: None,
        },
        ardesk::domain::lines::Line::item("Goodwill", 1_000),
    ];
    s.issue_credit_note(acme, &CreditNoteDraft { lines, ..note("2026-02-13", 2_500, None) }).unwrap();
    let voided = s.issue_credit_note(acme, &note("2026-02-14", 3_000, Some(i2))).unwrap();
    s.small_balance_write_off(acme, &[i3], d("2026-02-16"), "rounding", false).unwrap();
    let version = imp::rows::<ardesk::domain::model::PaymentRow>(&s, acme)
        .into_iter()
        .find(|r| r.id == -voided.credit_id)
        .unwrap()
        .version;
    s.void_credit(acme, voided.credit_id, version, d("2026-02-20")).unwrap();
    let m = s.figures(&s.customer(acme).unwrap(), today()).unwrap().metrics;
    assert_eq!(
        [m.total_billed, m.billed_collected, m.outstanding, m.credit_balance, m.total_collected].map(|x| x.minor),
        [34_700, 24_700, 10_000, 27_800, 50_000]
    );
    imp::assert_consistent(&s);
    (ardesk::store::Books::from(s), acme)
}

/// Each credit as the export reads it, its invoice and applications by
/// invoice number: (kind, number, status, voided_on, date, amount, reason,
/// invoice, applications).
fn credits(s: &Books, id: i64) -> Vec<serde_json::Value> {
    let numbers: std::collections::HashMap<i64, String> =
        rows::<ardesk::domain::model::InvoiceRow>(s, id).into_iter().map(|r| (r.id, r.number)).collect();
    let number = |v: &serde_json::Value| v.as_i64().map(|i| numbers[&i].clone());
    let mut out: Vec<serde_json::Value> = Vec::new();
    s.export_section(id, ExportSection::Credits, |m| {
        let app = number(&m["app_invoice"]).map(|n| (n, m["app_amount_minor"].clone(), m["app_applied_on"].clone()));
        let head = serde_json::json!([
            m["kind"],
            m["number"],
            m["status"],
            m["voided_on"],
            m["granted_on"],
            m["amount_minor"],
            m["reason"],
            number(&m["invoice"]),
            m["lines"]
        ]);
        if out.last().map(|l| &l[0]) != Some(&head) {
            out.push(serde_json::json!([head, []]));
        }
        if let Some(a) = app {
            out.last_mut().unwrap()[1].as_array_mut().unwrap().push(serde_json::json!(a));
        }
        Ok::<_, StoreError>(())
    })
    .unwrap();
    out
}

on_both! {
/// Credit notes, adjustments and voids survive the native export and
/// import on either backend (a credit note's lines as the same compact JSON).
fn credit_notes_adjustments_and_voids_survive_the_trip(b: &mut Books) {
    let b = &*b;
    let (from, acme) = acme_with_credit_notes();
    let dir = tempfile::tempdir().unwrap();
    let files = export_all(&from, &dir);
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&files[0].1).unwrap()).unwrap();
    let kinds: Vec<_> = doc["credits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["kind"].as_str().unwrap(), c["number"].as_str(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("credit", None, "issued"),
            ("credit_note", Some("CN-000001"), "issued"),
            ("credit_note", Some("CN-000002"), "issued"),
            ("credit_note", Some("CN-000003"), "voided"),
            ("adjustment", None, "issued"),
        ]
    );
    assert_eq!(doc["credits"][3]["voided_on"], "2026-02-20");
    assert_eq!(doc["credits"][3]["applications"], serde_json::json!([]), "a voided credit has nothing applied");

    let (_held, mut to) = another(b);
    let r = run_import_into(&mut to, &[files[0].1.clone()], &ImportOptions::default(), false).unwrap();
    assert_eq!((r.count(Counted::Credits).created, r.count(Counted::Credits).refused), (5, 0), "{r}");
    assert_consistent(&to);
    let there = to.customer_ids().unwrap()[0];
    assert_eq!(comparable(&to, there), comparable(&from, acme));
    assert_eq!(credits(&to, there), credits(&from, acme));
    // The imported numbers are taken: the next credit note here is CN-000004.
    assert_eq!(to.credit_settings().unwrap().credit_note_next_seq, 4);
    let again = run_import_into(&mut to, &[files[0].1.clone()], &ImportOptions::default(), false).unwrap();
    assert_eq!(again.changes(), 0, "{again}");
}
}

on_both! {
fn an_export_from_before_credit_kinds_imports_its_credits_as_granted_credit(b: &mut Books) {
    let (from, acme) = acme_with_credit_notes();
    let dir = tempfile::tempdir().unwrap();
    let files = export_all(&from, &dir);
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&files[0].1).unwrap()).unwrap();
    // As an export before schema 10 wrote them: no kind, number, status,
    // void date or invoice (and no voided credit, which did not exist).
    let list = doc["credits"].as_array_mut().unwrap();
    list.retain(|c| c["status"] != "voided");
    for c in list.iter_mut() {
        let c = c.as_object_mut().unwrap();
        for k in ["kind", "number", "status", "voided_on", "invoice", "lines"] {
            c.remove(k);
        }
    }
    let old = dir.path().join("old.json");
    std::fs::write(&old, doc.to_string()).unwrap();
    let (_held, mut to) = another(b);
    let r = run_import_into(&mut to, &[old], &ImportOptions::default(), false).unwrap();
    assert_eq!((r.count(Counted::Credits).created, r.count(Counted::Credits).refused), (4, 0), "{r}");
    assert_consistent(&to);
    let there = to.customer_ids().unwrap()[0];
    let got = credits(&to, there);
    assert!(got.iter().all(|c| c[0][0] == "credit" && c[0][2] == "issued" && c[0][1].is_null()), "{got:?}");
    // The same money: only the kinds are lost.
    let m = |s: &Books, id| s.figures(&s.customer(id).unwrap(), today()).unwrap().metrics;
    assert_eq!(m(&to, there), m(&from, acme));
}
}

on_both! {
fn a_credit_an_export_gets_wrong_is_refused_by_name_and_nothing_of_it_written(b: &mut Books) {
    let (from, _) = acme_with_credit_notes();
    let dir = tempfile::tempdir().unwrap();
    let files = export_all(&from, &dir);
    let text = std::fs::read_to_string(&files[0].1).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, &str); 6] = [
        ("kind", |c| c["kind"] = "gift".into(), "unknown kind"),
        ("number", |c| c["number"] = serde_json::Value::Null, "without its number"),
        ("void", |c| c["voided_on"] = "2026-01-01".into(), "before it was issued"),
        (
            "applied",
            |c| {
                c["status"] = "voided".into();
                c["voided_on"] = "2026-03-01".into();
            },
            "lists applications",
        ),
        // Lines on granted credit (the first credit), and a line that is
        // not one.
        (
            "lines",
            |c| c["lines"] = serde_json::json!([{"kind": "item", "description": "x", "amount": "1.00"}]),
            "only a credit note has lines",
        ),
        (
            "bad line",
            |c| c["lines"] = serde_json::json!([{"kind": "item", "description": "x", "amount": "lots"}]),
            "lines[1]",
        ),
    ];
    for (name, edit, says) in cases {
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        // CN-000001 (applied to I1), or the voided CN-000003 for the dates.
        let at = match name {
            "void" => 3,
            "lines" => 0,
            _ => 1,
        };
        edit(&mut doc["credits"][at]);
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, doc.to_string()).unwrap();
        let (_held, mut to) = another(b);
        // A refused row refuses the run: all or nothing.
        let r = run_import_into(&mut to, &[path], &ImportOptions::default(), false);
        let Err(ardesk::import::ImportError::Refused { report: r }) = r else { panic!("{name}: {r:?}") };
        assert_eq!(r.count(Counted::Credits).refused, 1, "{name}: {r}");
        assert!(r.issues.iter().any(|i| i.reason.contains(says)), "{name}: {r}");
        assert!(to.customer_ids().unwrap().is_empty(), "{name}: nothing written");
        assert_consistent(&to);
    }
}
}

on_both! {
/// A bad-debt write-off's date and reason travel with the invoice; an
/// export from before they were carried brings the invoice uncollectible
/// with its date unknown.
fn a_write_off_keeps_its_date_and_reason_on_the_trip(b: &mut Books) {
    let (mut from, acme) = acme_with_credit_notes();
    let i1 = rows::<ardesk::domain::model::InvoiceRow>(&from, acme)
        .into_iter()
        .find(|r| r.status == ardesk::domain::status::InvoiceStatus::Open && r.balance_minor > 0)
        .unwrap();
    from.write_off(acme, &[i1.id], d("2026-02-25"), "customer in liquidation").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = export_all(&from, &dir);
    let (_held, mut to) = another(b);
    let r = run_import_into(&mut to, &[files[0].1.clone()], &ImportOptions::default(), false).unwrap();
    assert!(r.written, "{r}");
    assert_consistent(&to);
    let there = to.customer_ids().unwrap()[0];
    let moved =
        rows::<ardesk::domain::model::InvoiceRow>(&to, there).into_iter().find(|r| r.number == i1.number).unwrap();
    let w = to.invoice_detail(there, moved.id).unwrap().write_off.unwrap();
    assert_eq!((w.on, w.reason.as_str()), (Some(d("2026-02-25")), "customer in liquidation"));
    // Without them (an older export): uncollectible, date unknown.
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&files[0].1).unwrap()).unwrap();
    for i in doc["invoices"].as_array_mut().unwrap() {
        let i = i.as_object_mut().unwrap();
        i.remove("written_off_on");
        i.remove("write_off_reason");
    }
    let old = dir.path().join("old.json");
    std::fs::write(&old, doc.to_string()).unwrap();
    let (_held, mut to) = another(b);
    run_import_into(&mut to, &[old], &ImportOptions::default(), false).unwrap();
    let there = to.customer_ids().unwrap()[0];
    let moved =
        rows::<ardesk::domain::model::InvoiceRow>(&to, there).into_iter().find(|r| r.number == i1.number).unwrap();
    let w = to.invoice_detail(there, moved.id).unwrap().write_off.unwrap();
    assert_eq!((w.on, w.reason.as_str()), (None, ""));
    assert_consistent(&to);
}
}
