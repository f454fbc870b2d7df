//! Refunds that come with imports: each is a row dated by its export (or
//! on the payment when the export gives no date); a re-import that changes
//! what was refunded replaces those rows and keeps the refunds recorded in
//! ardesk; ardesk's own export carries every refund and its import
//! recreates them.

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::domain::detail::RefundDate;
use ardesk::domain::edit::RefundDraft;
use ardesk::import::{ImportOptions, ImportReport, export_customer_json, run_import_into};
use ardesk::store::Books;
use imp::books::{assert_consistent, customer, payments};
use imp::{d, fixture, variant};
use std::path::PathBuf;
use support::backends::{Held, on_postgres, postgres, sqlite};

/// Empty books of another database on the same backend as `b`.
fn another(b: &Books) -> (Held, Books) {
    if on_postgres(b) { postgres().unwrap() } else { sqlite() }
}

const ACME: &str = "stripe:cus_T001Acme";

/// The fixtures with ch_T1P2 ($300.00, no invoice) refunded `amount`, on
/// `on` when given; the test-mode row left out.
fn files(dir: &tempfile::TempDir, amount: &str, on: Option<&str>) -> Vec<PathBuf> {
    let payments = variant(dir, "payments_all_columns_2024.csv", |t| {
        let t =
            t.replace("300.00,120.00,usd,true,300.00,120.00,", &format!("300.00,{amount},usd,true,300.00,{amount},"));
        let t = t.replace("pi_T1P2,card,,", &format!("pi_T1P2,card,{},", on.unwrap_or("")));
        t.lines().filter(|l| !l.starts_with("ch_T1P6")).map(|l| format!("{l}\n")).collect()
    });
    vec![fixture("customers_all_columns_2025.csv"), fixture("invoices_default_2023.csv"), payments]
}

fn run(store: &mut Books, files: &[PathBuf]) -> ImportReport {
    run_import_into(store, files, &ImportOptions::default(), false).unwrap_or_else(|e| panic!("import failed: {e}"))
}

/// ch_T1P2's refunds as its detail lists them: (date, amount, reason, dated from).
fn refunds(store: &Books) -> Vec<(String, i64, String, RefundDate)> {
    let c = customer(store, ACME);
    let p = payments(store, ACME).into_iter().find(|p| p.reference == "ch_T1P2").unwrap();
    let detail = store.payment_detail(c.id, p.id).unwrap();
    assert_eq!(detail.refunds.iter().map(|r| r.amount.minor).sum::<i64>(), p.refunded_minor);
    detail.refunds.iter().map(|r| (r.on.to_string(), r.amount.minor, r.reason.clone(), r.dated_from)).collect()
}

fn row(on: &str, amount: i64, reason: &str, from: RefundDate) -> (String, i64, String, RefundDate) {
    (on.into(), amount, reason.into(), from)
}

on_both! {
fn an_imported_refund_is_dated_by_its_export_or_on_the_payment(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let (_held, mut s) = another(b);
    run(&mut s, &files(&dir, "120.00", Some("2026-02-09 08:00:00")));
    assert_eq!(refunds(&s), [row("2026-02-09", 12_000, "", RefundDate::Source)]);
    assert_consistent(&s);
    // A refund date before the money came is not a date a refund can have.
    let (_held, mut s) = another(b);
    run(&mut s, &files(&dir, "120.00", Some("2026-02-01 08:00:00")));
    assert_eq!(refunds(&s), [row("2026-02-03", 12_000, "", RefundDate::Payment)]);
    // Without one: on the payment's date.
    let (_held, mut s) = another(b);
    run(&mut s, &files(&dir, "120.00", None));
    assert_eq!(refunds(&s), [row("2026-02-03", 12_000, "", RefundDate::Payment)]);
    // A refund date that does not read refuses the row, saying why.
    let (_held, mut s) = another(b);
    let e = run_import_into(&mut s, &files(&dir, "120.00", Some("someday")), &ImportOptions::default(), false).unwrap_err();
    assert!(e.to_string().contains("refunded date"), "{e}");
}
}

on_both! {
fn a_reimport_replaces_the_imported_refunds_and_keeps_those_recorded_here(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let (_held, mut s) = another(b);
    run(&mut s, &files(&dir, "0.00", None));
    assert_eq!(refunds(&s), []);
    // Refunded in ardesk.
    let p = payments(&s, ACME).into_iter().find(|p| p.reference == "ch_T1P2").unwrap();
    let draft = RefundDraft { refunded_on: d("2026-02-10"), amount_minor: 1_000, reason: "goodwill".into() };
    s.refund_payment(p.id, p.version, &draft).unwrap();
    let recorded = row("2026-02-10", 1_000, "goodwill", RefundDate::Recorded);
    // Stripe says the same $10.00 was refunded there: nothing changes.
    run(&mut s, &files(&dir, "10.00", None));
    assert_eq!(refunds(&s), std::slice::from_ref(&recorded));
    // $15.00 more refunded in Stripe, dated: one row of the source's.
    run(&mut s, &files(&dir, "25.00", Some("2026-02-12 09:00:00")));
    assert_eq!(refunds(&s), [recorded.clone(), row("2026-02-12", 1_500, "", RefundDate::Source)]);
    assert_consistent(&s);
    // $40.00 in all, and the export no longer dates it: the imported row
    // is replaced, the recorded one kept.
    run(&mut s, &files(&dir, "40.00", None));
    assert_eq!(refunds(&s), [row("2026-02-03", 3_000, "", RefundDate::Payment), recorded.clone()]);
    assert_consistent(&s);
    // The same file again changes nothing.
    let again = run(&mut s, &files(&dir, "40.00", None));
    assert_eq!(again.changes(), 0, "{again}");
    assert_eq!(refunds(&s), [row("2026-02-03", 3_000, "", RefundDate::Payment), recorded]);
    assert_consistent(&s);
}
}

on_both! {
/// A Stripe charge from the API lists its refunds: the sum is dated on the
/// latest of them.
fn a_stripe_charge_dates_its_refunds_by_the_latest_listed(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("api")).unwrap();
    let charges = variant(&dir, "api/charges_list_2024.json", |t| {
        let mut doc: serde_json::Value = serde_json::from_str(&t).unwrap();
        let ch = &mut doc["data"][0];
        ch["amount_refunded"] = 50_000.into();
        // Received 2026-01-20; refunded on the 22nd and the 27th.
        ch["refunds"] = serde_json::json!({"object": "list", "has_more": false, "data": [
            {"id": "re_2", "amount": 30_000, "created": 1_768_899_600 + 7 * 86_400},
            {"id": "re_1", "amount": 20_000, "created": 1_768_899_600 + 2 * 86_400},
        ]});
        doc.to_string()
    });
    let (_held, mut s) = another(b);
    let files = vec![fixture("api/customers_list.json"), fixture("api/invoices_list_2024.json"), charges];
    let opts = ImportOptions { allow_test_mode: true, ..Default::default() };
    run_import_into(&mut s, &files, &opts, false).unwrap_or_else(|e| panic!("{e}"));
    let c = customer(&s, "stripe:cus_TA01Hooli");
    let p = payments(&s, "stripe:cus_TA01Hooli").into_iter().find(|p| p.reference == "ch_TA01").unwrap();
    let got: Vec<(String, i64, RefundDate)> = s
        .payment_detail(c.id, p.id)
        .unwrap()
        .refunds
        .iter()
        .map(|r| (r.on.to_string(), r.amount.minor, r.dated_from))
        .collect();
    assert_eq!(got, [("2026-01-27".into(), 50_000, RefundDate::Source)]);
    assert_consistent(&s);
}
}

on_both! {
/// Export → import: each refund comes back with its date, amount, reason
/// and where its date came from. An export from before refunds were rows
/// (no `refunds` list) dates the sum on the payment; a list that does not
/// add up to it is refused, saying so.
fn refunds_survive_the_trip_through_ardesks_own_format(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let (_held, mut from) = another(b);
    run(&mut from, &files(&dir, "25.00", Some("2026-02-12 09:00:00")));
    let p = payments(&from, ACME).into_iter().find(|p| p.reference == "ch_T1P2").unwrap();
    let draft = RefundDraft { refunded_on: d("2026-02-20"), amount_minor: 2_000, reason: "late delivery".into() };
    from.refund_payment(p.id, p.version, &draft).unwrap();
    let want = refunds(&from);
    assert_eq!(want.len(), 2);
    let c = customer(&from, ACME);
    let path = dir.path().join("acme.json");
    export_customer_json(&from, c.id, &mut std::fs::File::create(&path).unwrap()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let exported = doc["payments"].as_array().unwrap().iter().find(|p| p["reference"] == "ch_T1P2").unwrap();
    assert_eq!(
        exported["refunds"],
        serde_json::json!([
            {"refunded_on": "2026-02-12", "amount": "25.00", "reason": "", "dated_from": "source"},
            {"refunded_on": "2026-02-20", "amount": "20.00", "reason": "late delivery", "dated_from": "recorded"},
        ])
    );

    let (_held, mut to) = another(b);
    run(&mut to, std::slice::from_ref(&path));
    assert_eq!(refunds(&to), want);
    assert_consistent(&to);

    let edited = |edit: &dyn Fn(&mut serde_json::Value)| -> PathBuf {
        let mut doc = doc.clone();
        for p in doc["payments"].as_array_mut().unwrap() {
            if p["reference"] == "ch_T1P2" {
                edit(p);
            }
        }
        let path = dir.path().join("edited.json");
        std::fs::write(&path, doc.to_string()).unwrap();
        path
    };
    let older = edited(&|p| {
        p.as_object_mut().unwrap().remove("refunds");
    });
    let (_held, mut to) = another(b);
    run(&mut to, &[older]);
    assert_eq!(refunds(&to), [row("2026-02-03", 4_500, "", RefundDate::Payment)]);
    assert_consistent(&to);

    for (edit, why) in [
        (
            &(|p: &mut serde_json::Value| p["refunds"][1]["amount"] = "19.00".into())
                as &dyn Fn(&mut serde_json::Value),
            "its refunds add up to 44.00, but it says 45.00 was refunded",
        ),
        (
            &|p: &mut serde_json::Value| p["refunds"][0]["refunded_on"] = "2026-01-01".into(),
            "before the payment was received",
        ),
        (
            &|p: &mut serde_json::Value| p["refunds"][1]["reason"] = "r".repeat(1_001).into(),
            "longer than 1000 characters",
        ),
        (&|p: &mut serde_json::Value| p["refunds"][1]["dated_from"] = "guess".into(), "unknown dated_from"),
    ] {
        let (_held, mut to) = another(b);
        let e = run_import_into(&mut to, &[edited(edit)], &ImportOptions::default(), false).unwrap_err();
        assert!(e.to_string().contains(why), "{e} (expected {why})");
    }
}
}
