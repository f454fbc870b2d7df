//! Salesforce exports: Data Loader extracts (upper-case headers with a
//! BOM, Windows-1252), the Data Export's Account.csv and Contact.csv,
//! report exports (labels, 15-character ids, footer), `sf data query` and
//! `sf data export tree` JSON; re-imports, newer exports, local edits, all
//! or nothing; and every real sample.

use ardesk::domain::Currency;
use ardesk::domain::edit::CustomerEdit;
use ardesk::domain::model::ActivityRow;
use ardesk::domain::status::ImportSource;
use ardesk::import::{Counted, ImportError, ImportOptions, ImportReport, run_import_into};
use ardesk::store::Books;
use std::path::{Path, PathBuf};

#[path = "import_support.rs"]
mod imp;
mod support;

use imp::books::{assert_consistent, contacts, customer, import_in, rows};
use imp::{fixture_in, samples, today, variant_in};
use support::backends::{Held, on_postgres, postgres, sqlite, text};

/// Empty books of another database on the same backend as `b`.
fn another(b: &Books) -> (Held, Books) {
    if on_postgres(b) { postgres().unwrap() } else { sqlite() }
}

const SOURCE: &str = "salesforce";

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

// The synthetic ids: 15 characters and their 18-character forms.
const ACME: &str = "salesforce:001Tx00000AcmeQIAR";
const GLOBEX: &str = "salesforce:001Tx00000GlobXIAR";
const INITECH: &str = "salesforce:001Tx00000InitKIAR";
const UMBRELLA: &str = "salesforce:001Tx00000UmbrZIAR";
const NEUE: &str = "salesforce:001Tx00000NeueBIAR";

const DATA_LOADER: [&str; 2] = ["dataloader_extract_Account_allcaps_bom.csv", "dataloader_extract_Contact_cp1252.csv"];

on_both! {
fn data_loader_accounts_with_upper_case_headers_and_a_bom(s: &mut Books) {
    let r = import(s, &[DATA_LOADER[0]]);
    let c = r.count(Counted::Customers);
    assert_eq!((c.created, c.skipped, c.refused), (3, 1, 0), "{r}");
    assert!(r.issues[0].reason.contains("recycle bin"), "{r}");
    assert_eq!(r.issues[0].line, 5);
    let names: Vec<String> = s.customer_list(today()).unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Acme Corp", "Globex, Inc.", "Initech"]);
    let acme = customer(s, ACME);
    assert_eq!((acme.import_source, acme.external_url.as_deref()), (Some(ImportSource::Salesforce), None));
    assert_eq!(acme.currency, Currency::USD, "no CurrencyIsoCode: the organization's default");
    assert_consistent(s);
}
}

on_both! {
fn data_loader_contacts_in_windows_1252_attach_to_their_accounts(s: &mut Books) {
    let files: Vec<PathBuf> = DATA_LOADER.iter().map(|n| fixture(n)).collect();
    let r = run(s, &files).unwrap();
    let c = r.count(Counted::Contacts);
    assert_eq!((c.created, c.skipped), (3, 1), "{r}");
    let ada = &contacts(s, ACME)[0];
    assert_eq!(
        (ada.name.as_str(), ada.email.as_str(), ada.phone.as_str(), ada.role.as_str()),
        ("Ada Lovelace", "ada@acme.example.test", "(555) 010-0101", "CFO")
    );
    // Windows-1252 bytes read as such; no Phone: the mobile number.
    let zoe = &contacts(s, GLOBEX)[0];
    assert_eq!((zoe.name.as_str(), zoe.phone.as_str()), ("Zoë Müller", "+1 555 0199"));
    assert_eq!(zoe.role, "Directrice financière");
    assert_eq!(contacts(s, INITECH)[0].name, "Renée Café");
    let raw = text(s, "SELECT CAST(source_raw AS TEXT) FROM contacts WHERE external_id = '003Tx00000ZoeMuIAJ'");
    let raw: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(raw["row"]["FirstName"], "Zoë");
    assert_eq!(raw["row"]["AccountId"], "001Tx00000GlobXIAR");
    let raw = text(s, "SELECT CAST(source_raw AS TEXT) FROM customers WHERE external_id = '001Tx00000AcmeQIAR'");
    let raw: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(raw["row"]["ORACLE_ID__C"], "4-100001", "custom fields are kept");
    assert_consistent(s);
}
}

on_both! {
fn the_data_export_pair_with_currencies_and_a_private_contact(s: &mut Books) {
    let r = import(s, &["data_export/Account.csv", "data_export/Contact.csv"]);
    assert_eq!((r.count(Counted::Customers).created, r.count(Counted::Contacts).created), (3, 2), "{r}");
    assert_eq!(customer(s, UMBRELLA).currency, Currency::JPY);
    let neue = customer(s, NEUE);
    assert_eq!((neue.name.as_str(), neue.currency), ("Neue Wege GmbH", Currency::EUR));
    let hans = &contacts(s, NEUE)[0];
    assert_eq!((hans.name.as_str(), hans.role.as_str()), ("Hans Weiß", "Geschäftsführer"));
    // Pia has no AccountId (a private contact): skipped with its reason.
    assert_eq!(r.issues.len(), 1, "{r}");
    assert!(r.issues[0].reason.contains("belongs to no account"), "{r}");
    assert_eq!(r.issues[0].line, 4, "a quoted line break in Account.csv does not shift Contact.csv's lines");
    assert_consistent(s);
}
}

on_both! {
fn report_exports_with_15_character_ids_and_a_footer(s: &mut Books) {
    let r = import(s, &["report_accounts.csv", "report_contacts.csv"]);
    assert_eq!(r.count(Counted::Customers).created, 4, "{r}");
    // Only Pia (no account) is an issue: the footer lines are not rows.
    assert_eq!(r.issues.len(), 1, "{r}");
    assert!(r.issues[0].reason.contains("003Tx00000PrivTIAR"), "the 15-character id shown in 18: {r}");
    assert_eq!(r.files[0].rows, 4);
    assert_eq!(customer(s, UMBRELLA).name, "Umbrella KK");
    // The 15-character id the Salesforce UI shows finds the customer too.
    assert_eq!(s.resolve_customer("salesforce:001Tx00000UmbrZ").unwrap(), customer(s, UMBRELLA).id);
    let globex = contacts(s, GLOBEX);
    assert_eq!(
        (globex[0].name.as_str(), globex[0].phone.as_str(), globex[0].role.as_str()),
        ("Bob Builder", "+1 555 0202", "Accounts Payable")
    );
    assert_consistent(s);
}
}

on_both! {
fn a_report_and_a_data_loader_export_of_the_same_records_make_no_duplicates(s: &mut Books) {
    import(s, &DATA_LOADER);
    let before = s.customer_list(today()).unwrap().len();
    let r = import(s, &["report_accounts.csv", "report_contacts.csv", "sf_data_query_contacts.json"]);
    // Umbrella is new; Acme, Globex and Initech are the same accounts.
    let c = r.count(Counted::Customers);
    assert_eq!((c.created, c.unchanged), (1, 3), "{r}");
    assert_eq!(s.customer_list(today()).unwrap().len(), before + 1);
    // Ada came from Data Loader (18) and again from the report (15) and
    // `sf data query`: one contact. Bob is new from the report.
    let acme = contacts(s, ACME);
    assert_eq!(acme.len(), 1, "{acme:?}");
    assert_eq!(contacts(s, GLOBEX).len(), 2);
    assert_eq!(r.count(Counted::Contacts).created, 1, "{r}");
    assert_consistent(s);
}
}

on_both! {
fn importing_twice_changes_nothing(s: &mut Books) {
    let all = [
        DATA_LOADER[0],
        DATA_LOADER[1],
        "data_export/Account.csv",
        "data_export/Contact.csv",
        "report_accounts.csv",
        "report_contacts.csv",
    ];
    import(s, &all);
    let again = import(s, &all);
    assert_eq!(again.changes(), 0, "{again}");
    assert!(again.conflicts.is_empty(), "{again}");
}
}

on_both! {
fn a_newer_export_updates_what_changed_and_a_local_edit_is_a_conflict(s: &mut Books) {
    import(s, &DATA_LOADER);
    let dir = tempfile::tempdir().unwrap();
    let newer = variant(dir.path(), DATA_LOADER[0], |t| t.replace("\"Initech\"", "\"Initech LLC\""));
    let r = run(s, std::slice::from_ref(&newer)).unwrap();
    assert_eq!((r.count(Counted::Customers).updated, r.changes()), (1, 1), "{r}");
    let initech = customer(s, INITECH);
    assert_eq!(initech.name, "Initech LLC");
    let log: Vec<String> = rows::<ActivityRow>(s, initech.id).into_iter().map(|a| a.summary).collect();
    assert!(log.iter().any(|l| l == "imported from Salesforce: customer updated"), "{log:?}");
    // The user renames Acme in ardesk; Salesforce renames it too.
    let acme = customer(s, ACME);
    let edit = CustomerEdit {
        name: "Acme (ours)".into(),
        legal_name: acme.legal_name.clone(),
        billing_email: acme.billing_email.clone(),
        billing_address: String::new(),
        currency: acme.currency,
        invoices_paused: false,
        portal: false,
    };
    s.update_customer(acme.id, acme.version, &edit).unwrap();
    let newest = variant(dir.path(), DATA_LOADER[0], |t| t.replace("\"Acme Corp\"", "\"ACME Corporation\""));
    let r = run(s, std::slice::from_ref(&newest)).unwrap();
    assert_eq!(r.conflicts.len(), 1, "{r}");
    let c = &r.conflicts[0];
    assert_eq!((c.line, c.external_id.as_str(), c.field.as_str()), (2, "001Tx00000AcmeQIAR", "name"));
    assert_eq!((c.local.as_str(), c.incoming.as_str()), ("Acme (ours)", "ACME Corporation"));
    assert_eq!(customer(s, ACME).name, "Acme (ours)");
    assert!(r.to_string().contains("customer 001Tx00000AcmeQIAR name: yours \"Acme (ours)\""), "{r}");
    assert_consistent(s);
}
}

on_both! {
fn one_bad_row_writes_nothing(s: &mut Books) {
    let err = run(s, &[fixture("report_accounts_one_bad_row.csv")]).unwrap_err();
    let ImportError::Refused { report } = err else { panic!("{err}") };
    assert_eq!(report.issues.len(), 1, "{report}");
    assert_eq!(report.issues[0].line, 3);
    assert!(report.issues[0].reason.contains("14 characters; ids have 15 or 18"), "{report}");
    assert!(!report.written);
    assert!(s.customer_list(today()).unwrap().is_empty());
}
}

on_both! {
fn json_from_sf_data_query_and_a_tree_export_without_ids(s: &mut Books) {
    import(s, &[DATA_LOADER[0]]);
    let r = import(s, &["sf_data_query_contacts.json"]);
    assert_eq!(r.count(Counted::Contacts).created, 2, "{r}");
    // Bob has no Id field: the id comes from attributes.url.
    assert_eq!(contacts(s, GLOBEX)[0].name, "Bob Builder");
    let err = run(s, &[fixture("sf_data_export_tree_Accounts.json")]).unwrap_err();
    let ImportError::Refused { report } = err else { panic!("{err}") };
    // Treehouse and its nested contact have no Id; Acme has one.
    assert_eq!(report.refused(), 2, "{report}");
    let text = report.to_string();
    assert!(text.contains("Account AccountRef1 (\"Treehouse Ltd\") has no Id"), "{text}");
    assert!(text.contains("sf data query --query"), "{text}");
    assert_eq!(report.count(Counted::Customers).unchanged, 1, "{report}");
    assert_consistent(s);
}
}

on_both! {
fn every_salesforce_sample_imports_or_is_refused_clearly(b: &mut Books) {
    let Some(entries) = samples("salesforce") else { return };
    for e in entries {
        let p = e.unwrap().path();
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name == "SOURCE.txt" {
            continue;
        }
        let (_held, mut s) = another(b);
        let result = run(&mut s, std::slice::from_ref(&p));
        println!("== {name}");
        match result {
            Ok(r) => {
                println!("{r}");
                assert!(r.refused() == 0 && r.rows > 0, "{r}");
            }
            Err(ImportError::Refused { report }) => {
                println!("{report}");
                assert!(report.issues.iter().all(|i| i.reason.contains("has no Id")), "{report}");
            }
            Err(e @ ImportError::NotSupported { .. }) => {
                let text = e.to_string();
                println!("{text}");
                assert!(text.contains("Opportunity records") && text.contains("Accounts"), "{text}");
            }
            Err(e) => panic!("{name}: {e}"),
        }
        assert_consistent(&s);
    }
}
}
