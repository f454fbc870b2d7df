//! Addresses for statements (schema 15): the organization's set with
//! `ardesk org address`, a customer's billing address from the store's
//! edit and from each source's export (Stripe API, QuickBooks API,
//! Salesforce, HubSpot), a newer export updating it and one without a
//! street leaving it, ardesk's own export carrying it to another
//! database; each shows on the statement.

mod common;
mod support;

use ardesk::domain::edit::CustomerEdit;
use ardesk::store::{OpenMode, Store};
use std::path::Path;
use support::run;

fn fresh() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db").to_str().unwrap().to_string();
    (dir, db)
}

fn import(db: &str, file: &Path) {
    let (code, out, err) = run(&["--db", db, "import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
}

fn address_of(db: &str, spec: &str) -> String {
    let store = Store::open(Path::new(db), OpenMode::MustExist).unwrap();
    let id = store.resolve_customer(spec).unwrap();
    store.customer(id).unwrap().billing_address
}

#[test]
fn the_organization_address_is_set_shown_and_cleared() {
    let (_dir, db) = fresh();
    let (code, out, err) = run(&["--db", &db, "org", "address", "1 Harbour Rd; Leith EH6 6JJ;Scotland"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("address = 1 Harbour Rd; Leith EH6 6JJ; Scotland"), "{out}");
    let store = Store::open(Path::new(&db), OpenMode::MustExist).unwrap();
    assert_eq!(store.organization().unwrap().address, "1 Harbour Rd\nLeith EH6 6JJ\nScotland");
    drop(store);
    let (code, _, err) = run(&["--db", &db, "org", "address", &"x".repeat(1001)]);
    assert_eq!(code, 2);
    assert!(err.contains("at most 1000 characters"), "{err}");
    let (code, _, err) = run(&["--db", &db, "org", "address", "a\u{1b}]52;c;x\u{7}"]);
    assert_eq!(code, 2);
    assert!(err.contains("control characters") && !err.contains('\u{1b}'), "{err}");
    // On a statement, under the organization's name.
    let mut store = Store::open(Path::new(&db), OpenMode::MustExist).unwrap();
    store.set_who("tester");
    let id = store.create_customer(&edit("Kestrel", "Unit 4\nDock Street")).unwrap();
    drop(store);
    let (code, out, err) = run(&["--db", &db, "--today", "2026-03-01", "statement", "--customer", &id.to_string()]);
    assert_eq!(code, 0, "{err}");
    for line in ["1 Harbour Rd", "Leith EH6 6JJ", "Scotland", "Unit 4", "Dock Street"] {
        assert!(out.contains(line), "{line} missing:\n{out}");
    }
    let (code, _, err) = run(&["--db", &db, "org", "address", "--unset"]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(&["--db", &db, "org", "address"]);
    assert_eq!(out.trim(), "not set");
}

fn edit(name: &str, address: &str) -> CustomerEdit {
    CustomerEdit {
        name: name.into(),
        legal_name: String::new(),
        billing_email: String::new(),
        billing_address: address.into(),
        currency: common::USD,
        invoices_paused: false,
        portal: false,
    }
}

#[test]
fn a_customer_edit_keeps_the_lines_and_refuses_too_long() {
    let (_dir, db) = fresh();
    let mut store = Store::open(Path::new(&db), OpenMode::Create).unwrap();
    store.set_who("tester");
    let id = store.create_customer(&edit("Osprey", " 9 Quay ; ; Bristol BS1 ")).unwrap();
    let c = store.customer(id).unwrap();
    assert_eq!(c.billing_address, "9 Quay\nBristol BS1");
    let long = edit("Osprey", &"y".repeat(1001));
    assert!(store.update_customer(id, c.version, &long).is_err());
    assert_eq!(store.customer(id).unwrap().billing_address, "9 Quay\nBristol BS1");
    store.update_customer(id, c.version, &edit("Osprey", "")).unwrap();
    assert_eq!(store.customer(id).unwrap().billing_address, "");
}

fn stripe_customers(address: &str) -> String {
    format!(
        r#"{{"object": "list", "has_more": false, "url": "/v1/customers", "data": [
  {{"id": "cus_ADDR1", "object": "customer", "name": "Heron Ltd", "email": "ap@heron.example", "currency": "usd",
    "balance": 0, "created": 1764590400, "livemode": true,
    "address": {{"line1": "{address}", "line2": null, "city": "Austin", "state": "TX", "postal_code": "78701",
                 "country": "US"}}}}]}}"#
    )
}

#[test]
fn imports_fill_the_billing_address_and_a_newer_export_updates_it() {
    let (dir, db) = fresh();
    let stripe = dir.path().join("customers.json");
    std::fs::write(&stripe, stripe_customers("100 Congress Ave")).unwrap();
    import(&db, &stripe);
    assert_eq!(address_of(&db, "stripe:cus_ADDR1"), "100 Congress Ave\nAustin TX 78701\nUS");
    std::fs::write(&stripe, stripe_customers("200 Lavaca St")).unwrap();
    import(&db, &stripe);
    assert_eq!(address_of(&db, "stripe:cus_ADDR1"), "200 Lavaca St\nAustin TX 78701\nUS");

    let qbo = dir.path().join("qbo.json");
    std::fs::write(
        &qbo,
        r#"{"QueryResponse": {"Customer": [{"Id": "77", "DisplayName": "Plover Inc", "CurrencyRef": {"value": "USD"},
            "BillAddr": {"Id": "5", "Line1": "12 Shore Ln", "Line2": "Floor 2", "City": "Monterey",
                         "CountrySubDivisionCode": "CA", "PostalCode": "93940"},
            "MetaData": {"CreateTime": "2024-01-01T00:00:00-08:00", "LastUpdatedTime": "2024-01-01T00:00:00-08:00"}}],
            "startPosition": 1, "maxResults": 1}, "time": "2024-01-02T00:00:00-08:00"}"#,
    )
    .unwrap();
    import(&db, &qbo);
    assert_eq!(address_of(&db, "quickbooks:77"), "12 Shore Ln\nFloor 2\nMonterey CA 93940");

    let sf = dir.path().join("Account.csv");
    std::fs::write(
        &sf,
        "Id,Name,BillingStreet,BillingCity,BillingState,BillingPostalCode,BillingCountry,CurrencyIsoCode\n\
         001Tx00000PetrlIAR,Petrel AG,\"Hauptstr. 1\nHof 2\",Zürich,ZH,8001,Switzerland,CHF\n",
    )
    .unwrap();
    import(&db, &sf);
    assert_eq!(address_of(&db, "salesforce:001Tx00000PetrlIAR"), "Hauptstr. 1\nHof 2\nZürich ZH 8001\nSwitzerland");
    // A report of the same account carries no street: it fills an empty
    // address only, so the full one stays (and importing again churns nothing).
    let report = dir.path().join("report.csv");
    std::fs::write(&report, "\"Account Name\",\"Account ID\",\"Billing City\",\"Billing Country\"\n\"Petrel AG\",\"001Tx00000Petrl\",\"Zurich\",\"CH\"\n").unwrap();
    import(&db, &report);
    assert_eq!(address_of(&db, "salesforce:001Tx00000PetrlIAR"), "Hauptstr. 1\nHof 2\nZürich ZH 8001\nSwitzerland");

    let hs = dir.path().join("companies.csv");
    std::fs::write(
        &hs,
        "\"Record ID\",\"Company name\",\"Street Address\",\"City\",\"State/Region\",\"Postal Code\",\"Country/Region\"\n\
         \"9001000077\",\"Gannet Co\",\"5 Cliff Rd\",\"Dover\",\"Kent\",\"CT16 1\",\"United Kingdom\"\n",
    )
    .unwrap();
    import(&db, &hs);
    assert_eq!(address_of(&db, "hubspot:9001000077"), "5 Cliff Rd\nDover Kent CT16 1\nUnited Kingdom");

    // ardesk's own export carries it to another database.
    let export = dir.path().join("heron.json");
    let (code, _, err) =
        run(&["--db", &db, "export", "--customer", "stripe:cus_ADDR1", "--out", export.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let other = dir.path().join("other.db");
    let other = other.to_str().unwrap();
    import(other, &export);
    assert_eq!(address_of(other, "stripe:cus_ADDR1"), "200 Lavaca St\nAustin TX 78701\nUS");
    let (code, out, err) =
        run(&["--db", other, "--today", "2026-03-01", "statement", "--customer", "stripe:cus_ADDR1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("200 Lavaca St") && out.contains("Austin TX 78701"), "{out}");
}
