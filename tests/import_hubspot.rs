//! HubSpot CSV exports: companies and contacts, in English (a real
//! all-properties contacts header), French and German; ids a spreadsheet
//! mangled; contacts with several companies; re-imports, newer exports,
//! local edits, all or nothing; and every real sample.

use ardesk::domain::Currency;
use ardesk::domain::edit::ContactDraft;
use ardesk::domain::model::ActivityRow;
use ardesk::domain::status::ImportSource;
use ardesk::import::{Counted, ImportError, ImportOptions, ImportReport, run_import_into};
use ardesk::store::Books;
use std::path::{Path, PathBuf};

#[path = "import_support.rs"]
mod imp;
mod support;

use imp::books::{assert_consistent, contacts, customer, import_in, rows};
use imp::{fixture_in, samples, variant_in};
use support::backends::{Held, on_postgres, postgres, sqlite, text};

/// Empty books of another database on the same backend as `b`.
fn another(b: &Books) -> (Held, Books) {
    if on_postgres(b) { postgres().unwrap() } else { sqlite() }
}

const SOURCE: &str = "hubspot";

fn fixture(name: &str) -> PathBuf {
    fixture_in(SOURCE, name)
}

fn run(store: &mut Books, files: &[PathBuf]) -> Result<ImportReport, ImportError> {
    run_import_into(store, files, &ImportOptions::default(), false)
}

fn import(store: &mut Books, names: &[&str]) -> ImportReport {
    import_in(store, SOURCE, names)
}

fn variant(dir: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    variant_in(dir, SOURCE, name, edit)
}

const SET: [&str; 2] = ["companies_en.csv", "contacts_all_properties_en.csv"];

on_both! {
fn companies_become_customers(s: &mut Books) {
    let r = import(s, &["companies_en.csv"]);
    assert_eq!((r.count(Counted::Customers).created, r.refused()), (3, 0), "{r}");
    let acme = customer(s, "hubspot:9001000001");
    assert_eq!((acme.name.as_str(), acme.import_source), ("Acme Corp", Some(ImportSource::HubSpot)));
    assert_eq!(acme.external_url, None, "links come from the portal id at display time");
    assert_eq!(acme.currency, Currency::USD, "no currency column: the organization's default");
    assert_eq!(customer(s, "hubspot:9001000002").name, "Globex");
    // No company name: the domain names it.
    assert_eq!(customer(s, "hubspot:9001000003").name, "initech.example.test");
    assert_consistent(s);
}
}

on_both! {
fn contacts_land_on_their_company_with_the_raw_row_kept(s: &mut Books) {
    let files: Vec<PathBuf> = SET.iter().map(|n| fixture(n)).collect();
    let r = run(s, &files).unwrap();
    let c = r.count(Counted::Contacts);
    assert_eq!((c.created, c.skipped, c.refused), (4, 1, 0), "{r}");
    // Line 5: no associated company at all.
    assert_eq!(r.issues.len(), 1, "{r}");
    assert_eq!(r.issues[0].line, 5);
    assert!(r.issues[0].reason.contains("associated with no company"), "{r}");
    let acme = contacts(s, "hubspot:9001000001");
    assert_eq!(acme.len(), 1);
    let ada = &acme[0];
    assert_eq!(
        (ada.name.as_str(), ada.email.as_str(), ada.phone.as_str(), ada.role.as_str()),
        ("Ada Lovelace", "ada@acme.example.test", "+1 555 0101", "CFO")
    );
    // Bob has only a mobile number; Carol is associated with Globex and
    // Initech and lands on the first, Globex.
    let globex = contacts(s, "hubspot:9001000002");
    let shown: Vec<(&str, &str, &str)> =
        globex.iter().map(|c| (c.name.as_str(), c.phone.as_str(), c.role.as_str())).collect();
    assert_eq!(
        shown,
        [("Bob Builder", "+1 555 0202", "Accounts Payable"), ("Carol Danvers", "+1 555 0303", "Controller")]
    );
    assert!(contacts(s, "hubspot:9001000003").is_empty());
    // The export names no primary contact: the store's rule (the first
    // contact of a customer is its primary) decides.
    assert_eq!(globex.iter().filter(|c| c.primary).count(), 1);
    // Umbrella is not in the companies file: made from the contact's
    // "Associated Company".
    assert_eq!(customer(s, "hubspot:9001000009").name, "Umbrella KK");
    assert_eq!(contacts(s, "hubspot:9001000009")[0].email, "eve@umbrella.example.test");
    assert_eq!(r.count(Counted::Customers).created, 4);
    let raw = text(s, "SELECT CAST(source_raw AS TEXT) FROM contacts WHERE external_id = '51000000001'");
    let raw: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(raw["row"]["höbbela"], "gold", "a custom property is kept");
    assert_eq!(raw["row"]["Lifecycle Stage"], "customer");
    assert_eq!(raw["imported"]["role"], "CFO");
    assert_consistent(s);
}
}

on_both! {
fn french_companies_and_german_contacts(s: &mut Books) {
    let r = import(s, &["companies_en.csv", "companies_fr.csv", "contacts_de.csv"]);
    assert_eq!(r.refused(), 0, "{r}");
    // Acme is in both company files (one portal, two users' languages):
    // one customer, unchanged the second time.
    let c = r.count(Counted::Customers);
    assert_eq!((c.created, c.unchanged), (4, 1), "{r}");
    assert_eq!(customer(s, "hubspot:9001000004").name, "Café Rivière");
    let cafe = contacts(s, "hubspot:9001000004");
    assert_eq!(
        (cafe[0].name.as_str(), cafe[0].email.as_str(), cafe[0].role.as_str()),
        ("Jürgen Müller", "juergen@cafe-riviere.example.test", "Geschäftsführer")
    );
    assert_eq!(contacts(s, "hubspot:9001000001")[0].name, "Grete Weiß");
    assert_consistent(s);
}
}

on_both! {
fn ids_a_spreadsheet_mangled_are_refused_unless_every_digit_is_there(s: &mut Books) {
    import(s, &SET);
    let before = contacts(s, "hubspot:9001000001").len();
    let err = run(s, &[fixture("contacts_mangled_ids.csv")]).unwrap_err();
    let ImportError::Refused { report } = err else { panic!("{err}") };
    let lines: Vec<usize> = report.issues.iter().map(|i| i.line).collect();
    assert_eq!(lines, [3, 4], "{report}");
    let text = report.to_string();
    assert!(text.contains("\"5.1E+10\" was turned into scientific notation"), "{text}");
    assert!(text.contains("export from HubSpot again"), "{text}");
    assert!(text.contains("Associated Company IDs: the id \"9.00100E+09\""), "{text}");
    // All or nothing: the good row (a full mantissa) was not written either.
    assert_eq!(contacts(s, "hubspot:9001000001").len(), before);
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let r = run_import_into(s, &[fixture("contacts_mangled_ids.csv")], &opts, false).unwrap();
    assert_eq!(r.count(Counted::Contacts).created, 1, "{r}");
    let fay = contacts(s, "hubspot:9001000001").into_iter().find(|c| c.name == "Fay Exact").unwrap();
    assert_eq!(fay.email, "fay@acme.example.test");
    assert!(s.resolve_customer("hubspot:9001000001").is_ok());
    assert_consistent(s);
}
}

on_both! {
fn importing_twice_changes_nothing(s: &mut Books) {
    import(s, &SET);
    let again = import(s, &SET);
    assert_eq!(again.changes(), 0, "{again}");
    assert!(again.conflicts.is_empty());
    assert_eq!(again.count(Counted::Contacts).unchanged, 4);
}
}

on_both! {
fn a_newer_export_updates_what_changed_and_a_local_edit_is_a_conflict(s: &mut Books) {
    import(s, &SET);
    let dir = tempfile::tempdir().unwrap();
    // Ada's title changes in HubSpot.
    let newer =
        variant(dir.path(), "contacts_all_properties_en.csv", |t| t.replace("\"CFO\"", "\"Chief Financial Officer\""));
    let r = run(s, &[fixture("companies_en.csv"), newer]).unwrap();
    assert_eq!((r.count(Counted::Contacts).updated, r.changes()), (1, 1), "{r}");
    assert_eq!(contacts(s, "hubspot:9001000001")[0].role, "Chief Financial Officer");
    let acme = customer(s, "hubspot:9001000001");
    let log: Vec<String> = rows::<ActivityRow>(s, acme.id).into_iter().map(|a| a.summary).collect();
    assert!(log.iter().any(|l| l == "imported from HubSpot: 1 contact updated"), "{log:?}");
    // The user fixes Bob's phone in ardesk; HubSpot changes it too.
    let bob = contacts(s, "hubspot:9001000002").into_iter().find(|c| c.name == "Bob Builder").unwrap();
    let draft = ContactDraft {
        name: bob.name.clone(),
        email: bob.email.clone(),
        phone: "+1 555 0999".into(),
        role: bob.role.clone(),
    };
    s.update_contact(bob.id, bob.version, &draft).unwrap();
    let newest = variant(dir.path(), "contacts_all_properties_en.csv", |t| {
        t.replace("\"CFO\"", "\"Chief Financial Officer\"").replace("+1 555 0202", "+1 555 0222")
    });
    let r = run(s, std::slice::from_ref(&newest)).unwrap();
    assert_eq!(r.conflicts.len(), 1, "{r}");
    let c = &r.conflicts[0];
    assert_eq!((c.line, c.external_id.as_str(), c.field.as_str()), (3, "51000000002", "phone"));
    assert_eq!((c.local.as_str(), c.incoming.as_str()), ("+1 555 0999", "+1 555 0222"));
    let bob = contacts(s, "hubspot:9001000002").into_iter().find(|c| c.name == "Bob Builder").unwrap();
    assert_eq!(bob.phone, "+1 555 0999", "the local edit stays");
    let again = run(s, &[newest]).unwrap();
    assert!(again.conflicts.is_empty() && again.changes() == 0, "{again}");
    assert_consistent(s);
}
}

on_both! {
fn other_hubspot_objects_are_refused_by_name(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let deals = dir.path().join("deals.csv");
    std::fs::write(
        &deals,
        "\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Amount\"\n\"1\",\"Big deal\",\"won\",\"10\"\n",
    )
    .unwrap();
    let err = run(b, &[deals]).unwrap_err().to_string();
    assert!(err.contains("a HubSpot deals export") && err.contains("companies (as customers) and contacts"), "{err}");
}
}

on_both! {
fn every_hubspot_sample_imports_or_is_refused_clearly(b: &mut Books) {
    let Some(entries) = samples("hubspot") else { return };
    for e in entries {
        let p = e.unwrap().path();
        if p.file_name().is_some_and(|n| n == "SOURCE.txt") {
            continue;
        }
        let (_held, mut s) = another(b);
        match run(&mut s, std::slice::from_ref(&p)) {
            Ok(r) => {
                println!("== {}\n{r}", p.display());
                assert_eq!(r.files[0].source, "HubSpot", "{r}");
            }
            Err(e @ (ImportError::Refused { .. } | ImportError::NotSupported { .. })) => println!("{e}"),
            Err(e) => panic!("{}: {e}", p.display()),
        }
        assert_consistent(&s);
    }
}
}
