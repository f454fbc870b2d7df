//! The organization's settings (the `O` form, `ardesk org`) and customers
//! created by hand (`n`): validated, versioned, audited writes, and the
//! HubSpot and Salesforce links the settings make possible.

mod support;

use ardesk::app::App;
use ardesk::domain::Currency;
use ardesk::domain::edit::{CustomerEdit, OrgEdit};
use ardesk::domain::status::ImportSource;
use ardesk::store::seed::NewCustomer;
use ardesk::store::{Store, StoreError};
use ratatui::layout::Rect;
use support::fixture::{d, fixture};
use support::keys::{press, render};

fn app(store: Store) -> App {
    App::new(store, d("2026-03-01"), Rect::new(0, 0, 110, 40)).unwrap()
}

fn edit_of(store: &Store) -> OrgEdit {
    let o = store.organization().unwrap();
    OrgEdit {
        name: o.name,
        default_currency: o.default_currency,
        show_credit_balance: o.show_credit_balance,
        invoice_prefix: o.invoice_prefix,
        hubspot_portal_id: o.hubspot_portal_id,
        salesforce_domain: o.salesforce_domain,
        max_document_size: store.max_document_size().unwrap(),
        address: o.address,
    }
}

fn audit_rows(store: &Store) -> Vec<(Option<i64>, String, String)> {
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let mut stmt = conn.prepare("SELECT customer_id, entity, summary FROM audit_log ORDER BY id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

/// A customer in US dollars, from `import` if given.
fn seed_customer(store: &mut Store, name: &str, import: Option<(ImportSource, &str, Option<&str>)>) -> i64 {
    let s = store.seeder().unwrap();
    let c = NewCustomer {
        name,
        legal_name: "",
        billing_email: "",
        currency: Currency::USD,
        import,
        invoices_paused: false,
        portal: false,
    };
    let id = s.customer(&c).unwrap();
    s.commit().unwrap();
    id
}

fn app_on(dir: &tempfile::TempDir) -> App {
    app(Store::open(&dir.path().join("a.db"), ardesk::store::OpenMode::MustExist).unwrap())
}

fn file_store(dir: &tempfile::TempDir) -> Store {
    let mut s = Store::open(&dir.path().join("a.db"), ardesk::store::OpenMode::Create).unwrap();
    s.set_who("tester");
    s
}

#[test]
fn settings_save_normalized_audited_and_versioned() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(&dir);
    let v = s.organization().unwrap().version;
    let mut e = edit_of(&s);
    e.hubspot_portal_id = Some(" 7654321 ".into());
    e.salesforce_domain = Some("https://Acme--UAT.sandbox.my.salesforce.com/".into());
    e.invoice_prefix = "AR-".into();
    s.update_organization(v, &e).unwrap();
    let o = s.organization().unwrap();
    assert_eq!(o.hubspot_portal_id.as_deref(), Some("7654321"));
    assert_eq!(o.salesforce_domain.as_deref(), Some("acme--uat.sandbox"));
    assert_eq!((o.invoice_prefix.as_str(), o.version), ("AR-", v + 1));
    assert_eq!(s.next_invoice_number().unwrap(), "AR-000001");
    let audit = audit_rows(&s);
    let (cust, entity, summary) = audit.last().unwrap();
    assert_eq!((cust, entity.as_str()), (&None, "organization"));
    assert!(summary.contains("hubspot_portal_id null → \"7654321\""), "{summary}");

    // A save against the version read before is refused and changes nothing.
    e.name = "Someone else's idea".into();
    let err = s.update_organization(v, &e).unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert_ne!(s.organization().unwrap().name, "Someone else's idea");

    // Bad input is refused by the store too, whatever the caller checked.
    for bad in [
        OrgEdit { hubspot_portal_id: Some("12ab".into()), ..edit_of(&s) },
        OrgEdit { salesforce_domain: Some("acme corp".into()), ..edit_of(&s) },
        OrgEdit { invoice_prefix: "IN V".into(), ..edit_of(&s) },
        OrgEdit { name: "  ".into(), ..edit_of(&s) },
        OrgEdit { max_document_size: 0, ..edit_of(&s) },
        OrgEdit { max_document_size: 2 << 40, ..edit_of(&s) },
    ] {
        let v = s.organization().unwrap().version;
        assert!(matches!(s.update_organization(v, &bad), Err(StoreError::Invalid(_))), "{bad:?}");
    }
    assert_eq!(audit_rows(&s).len(), audit.len(), "refused saves write no audit row");
}

#[test]
fn the_settings_form_saves_and_links_follow() {
    let mut store = fixture();
    let hubspot = seed_customer(&mut store, "Hub Co", Some((ImportSource::HubSpot, "9988776655", None)));
    let mut app = app(store);
    // Without a portal id, `o` says which setting would give the link.
    app.open_customer(hubspot);
    press(&mut app, &["o"]);
    let screen = render(&app, 110, 40);
    assert!(screen.contains("HubSpot portal id"), "{screen}");
    press(&mut app, &["Enter", "q"]);

    press(&mut app, &["O"]);
    let screen = render(&app, 110, 40);
    assert!(screen.contains("Organization settings"), "{screen}");
    // Name, currency, toggle, prefix, then the portal id: a bad one first.
    press(&mut app, &["Tab", "Tab", "Tab", "Tab", "type:12ab", "C-s"]);
    let screen = render(&app, 110, 40);
    assert!(screen.contains("is not a HubSpot portal id"), "{screen}");
    assert_eq!(app.store().organization().unwrap().hubspot_portal_id, None, "nothing written");
    press(&mut app, &["C-u", "type:1234567", "C-s"]);
    assert_eq!(app.store().organization().unwrap().hubspot_portal_id.as_deref(), Some("1234567"));
    assert_eq!(app.org.hubspot_portal_id.as_deref(), Some("1234567"), "the app holds the saved settings");

    app.open_customer(hubspot);
    press(&mut app, &["o"]);
    let screen = render(&app, 110, 40);
    assert!(screen.contains("https://app.hubspot.com/contacts/1234567/company/9988776655"), "{screen}");
    assert_eq!(app.osc_link.as_deref(), Some("https://app.hubspot.com/contacts/1234567/company/9988776655"));
}

#[test]
fn n_creates_a_customer_and_opens_it() {
    let mut app = app(fixture());
    let before = app.store().customer_list(d("2026-03-01")).unwrap().len();
    press(&mut app, &["n"]);
    let screen = render(&app, 110, 40);
    assert!(screen.contains("New customer"), "{screen}");
    // No name and a bad email: refused next to the fields.
    press(&mut app, &["Tab", "Tab", "type:ap@", "C-s"]);
    let screen = render(&app, 110, 40);
    assert!(screen.contains("Name is required"), "{screen}");
    assert!(screen.contains("is not an email address"), "{screen}");
    assert_eq!(app.store().customer_list(d("2026-03-01")).unwrap().len(), before);
    press(&mut app, &["S-Tab", "S-Tab", "type:Zephyr Logistics", "Tab", "type:Zephyr Logistics GmbH", "Tab"]);
    press(&mut app, &["C-u", "type:ap@zephyr.example", "Tab", "C-u", "type:EUR", "C-s"]);
    let page = app.page().expect("the new customer's page is open");
    assert_eq!(page.customer.name, "Zephyr Logistics");
    assert_eq!((page.customer.currency, page.customer.import_source), (Currency::EUR, None));
    assert_eq!(app.store().customer_list(d("2026-03-01")).unwrap().len(), before + 1);
    let screen = render(&app, 110, 40);
    assert!(screen.contains("Zephyr Logistics GmbH"), "{screen}");
}

#[test]
fn create_customer_is_validated_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(&dir);
    let e = CustomerEdit {
        name: " Umbra ".into(),
        legal_name: "Umbra SA".into(),
        billing_email: "billing@umbra.example".into(),
        billing_address: String::new(),
        currency: Currency::GBP,
        invoices_paused: false,
        portal: true,
    };
    let id = s.create_customer(&e).unwrap();
    let c = s.customer(id).unwrap();
    assert_eq!((c.name.as_str(), c.currency, c.portal), ("Umbra", Currency::GBP, true));
    let audit = audit_rows(&s);
    assert_eq!(audit.last().unwrap(), &(Some(id), "customer".to_string(), "created customer Umbra".to_string()));
    let bad = CustomerEdit { billing_email: "not an email".into(), ..e };
    assert!(matches!(s.create_customer(&bad), Err(StoreError::Invalid(_))));
    assert_eq!(s.customer_list(d("2026-03-01")).unwrap().len(), 1);
}

#[test]
fn ardesk_org_lists_sets_and_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let db = db.to_str().unwrap();
    let (code, out, _) = support::run(&["--db", db, "org"]);
    assert_eq!(code, 0);
    assert!(out.contains("hubspot-portal-id          (not set)"), "{out}");
    assert!(out.contains("credit-note-prefix         CN-") && out.contains("small-balance-limit-minor  500"), "{out}");
    let (code, out, _) = support::run(&["--db", db, "org", "small-balance-limit-minor", "1000"]);
    assert_eq!((code, out.trim()), (0, "small-balance-limit-minor = 1000 (was 500)"));
    let (code, _, err) = support::run(&["--db", db, "org", "credit-note-next-number", "ten"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a whole number"), "{err}");
    let (code, out, _) = support::run(&["--db", db, "org", "salesforce-domain", "acme.my.salesforce.com"]);
    assert_eq!((code, out.trim()), (0, "salesforce-domain = acme (was not set)"));
    let (code, _, err) = support::run(&["--db", db, "org", "hubspot-portal-id", "portal"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a HubSpot portal id"), "{err}");
    let (code, _, err) = support::run(&["--db", db, "org", "colour", "blue"]);
    assert_eq!(code, 2);
    assert!(err.contains("there is no setting \"colour\""), "{err}");
    let (_, out, _) = support::run(&["--db", db, "org", "salesforce-domain"]);
    assert_eq!(out.trim(), "acme");
    let (code, out, _) = support::run(&["--db", db, "org", "salesforce-domain", "--unset"]);
    assert_eq!((code, out.trim()), (0, "salesforce-domain = not set (was acme)"));
    let (_, out, _) = support::run(&["--db", db, "org", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["salesforce-domain"], serde_json::Value::Null);
    assert_eq!(v["show-credit-balance"], true);
}

#[test]
fn a_lock_held_past_the_busy_timeout_is_explained_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(&dir);
    let other = rusqlite::Connection::open(dir.path().join("a.db")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE; UPDATE organization SET name = 'held';").unwrap();
    let v = s.organization().unwrap().version;
    let started = std::time::Instant::now();
    let err = s.update_organization(v, &OrgEdit { name: "Mine".into(), ..edit_of(&s) }).unwrap_err();
    assert!(started.elapsed() >= ardesk::store::BUSY_TIMEOUT, "it waited the busy timeout first");
    assert!(matches!(err, StoreError::Busy), "{err:?}");
    assert!(err.to_string().contains("another ardesk kept it locked for more than 5s; try again"), "{err}");
    other.execute_batch("ROLLBACK").unwrap();
    // Once the lock is gone the same save goes through.
    s.update_organization(v, &OrgEdit { name: "Mine".into(), ..edit_of(&s) }).unwrap();
    assert_eq!(s.organization().unwrap().name, "Mine");
}

/// `ardesk org max-document-size`: plain bytes or KiB/MiB/GiB, shown in
/// whole units, audited; zero, negative, tiny and absurd sizes refused with
/// the reason, and the CHECK refuses what a caller let through.
#[test]
fn the_document_size_limit_is_a_setting() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let db = db.to_str().unwrap();
    let (code, out, _) = support::run(&["--db", db, "org", "max-document-size"]);
    assert_eq!((code, out.trim()), (0, "2 GiB"), "the default");
    let (code, out, _) = support::run(&["--db", db, "org", "max-document-size", "500MiB"]);
    assert_eq!((code, out.trim()), (0, "max-document-size = 500 MiB (was 2 GiB)"));
    let (code, out, _) = support::run(&["--db", db, "org", "max_document_size", "1048576"]);
    assert_eq!((code, out.trim()), (0, "max-document-size = 1 MiB (was 500 MiB)"));
    for (value, why) in [
        ("0", "0 would refuse every document; the smallest limit is 1 KiB"),
        ("-5MiB", "a size cannot be negative"),
        ("500", "did you mean 500MiB?"),
        ("4TiB", "4 TiB is more than the largest limit, 1 TiB"),
        ("2GB", "say 2GiB: ardesk counts in 1024-based KiB, MiB and GiB"),
        ("lots", "is not a size"),
    ] {
        let (code, _, err) = support::run(&["--db", db, "org", "max-document-size", "--", value]);
        assert_eq!(code, 2, "{value}: {err}");
        assert!(err.contains(why), "{value}: {err}");
    }
    let (code, _, err) = support::run(&["--db", db, "org", "max-document-size", "--unset"]);
    assert_eq!(code, 2);
    assert!(err.contains("the default is 2 GiB"), "{err}");
    let (_, out, _) = support::run(&["--db", db, "org", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["max-document-size"], 1 << 20, "JSON has the bytes");
    let (_, out, _) = support::run(&["--db", db, "org"]);
    assert!(out.contains("max-document-size          1 MiB"), "{out}");
    let s = Store::open(std::path::Path::new(db), ardesk::store::OpenMode::MustExist).unwrap();
    let audit = audit_rows(&s);
    assert!(audit.last().unwrap().2.contains("max_document_size 524288000 → 1048576"), "{audit:?}");
    // Past the store's own check, the table's CHECK still holds.
    let c = rusqlite::Connection::open(db).unwrap();
    let err = c.execute("UPDATE organization SET max_document_size = 0", []).unwrap_err().to_string();
    assert!(err.contains("max_document_size_range"), "{err}");
}

/// The settings dialog (`O`) shows the limit and saves a new one; a bad one
/// is refused next to the field.
#[test]
fn the_settings_dialog_edits_the_document_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(file_store(&dir));
    press(&mut app, &["O"]);
    let screen = render(&app, 110, 40);
    assert!(screen.contains("Largest document") && screen.contains("2 GiB"), "{screen}");
    // From the name back round: the credit settings, then the limit.
    press(&mut app, &["S-Tab", "S-Tab", "S-Tab", "S-Tab", "C-u", "type:0", "C-s"]);
    let screen = render(&app, 110, 40);
    assert!(screen.contains("0 would refuse every document"), "{screen}");
    assert_eq!(app.store().max_document_size().unwrap(), 2 << 30, "nothing written");
    press(&mut app, &["C-u", "type:750MiB", "C-s"]);
    assert_eq!(app.store().max_document_size().unwrap(), 750 << 20);
    assert!(app.dialogs.is_empty(), "the form closed");
    press(&mut app, &["O"]);
    assert!(render(&app, 110, 40).contains("750 MiB"));
}

/// The credit-note sequence and the small-balance limit are in the form
/// too, saved with the rest in one transaction: a next number whose credit
/// note exists refuses the whole save, the name typed beside it included.
#[test]
fn the_settings_form_edits_the_credit_settings_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = file_store(&dir);
    let acme = seed_customer(&mut store, "Acme", None);
    let note = ardesk::domain::edit::CreditNoteDraft {
        issued_on: d("2026-02-01"),
        amount_minor: 1_000,
        currency: Currency::USD,
        reason: "goodwill".into(),
        invoice_id: None,
        refund_excess: false,
        lines: Vec::new(),
    };
    assert_eq!(store.issue_credit_note(acme, &note).unwrap().number, "CN-000001");
    let name = store.organization().unwrap().name;
    let mut app = app(store);
    press(&mut app, &["O"]);
    let screen = render(&app, 110, 40);
    for want in ["Credit note prefix", "CN-", "Next credit note", "2", "Small-balance limit", "500"] {
        assert!(screen.contains(want), "{want}:\n{screen}");
    }
    // The name, and a next number taken already: refused, nothing written.
    press(&mut app, &["C-u", "type:Renamed Ltd", "S-Tab", "S-Tab", "C-u", "type:1", "C-s"]);
    let screen = render(&app, 110, 40);
    assert!(screen.contains("CN-000001 exists already"), "{screen}");
    assert_eq!(app.store().organization().unwrap().name, name, "the name was not saved either");
    assert_eq!(app.store().credit_settings().unwrap().credit_note_next_seq, 2);
    // A bad limit is refused on its field (a new session, the form fresh).
    drop(app);
    let mut app = app_on(&dir);
    press(&mut app, &["O", "C-u", "type:Renamed Ltd", "S-Tab", "C-u", "type:12.50", "S-Tab", "C-u", "type:40", "C-s"]);
    let screen = render(&app, 110, 40);
    assert!(screen.contains("the limit is a whole number"), "{screen}");
    press(&mut app, &["Tab", "C-u", "type:1250", "C-s"]);
    assert!(app.dialogs.is_empty(), "the form closed:\n{}", render(&app, 110, 40));
    let c = app.store().credit_settings().unwrap();
    assert_eq!((c.credit_note_next_seq, c.small_balance_limit_minor), (40, 1250));
    assert_eq!(app.store().organization().unwrap().name, "Renamed Ltd");
    let rows = audit_rows(app.store().lite().unwrap());
    let last: Vec<&str> = rows.iter().rev().take(2).map(|r| r.2.as_str()).collect();
    assert!(last[0].contains("credit_note_next_seq") && last[0].contains("small_balance_limit_minor"), "{last:?}");
    assert!(last[1].contains("Renamed Ltd"), "{last:?}");
}

/// `ardesk org` is the organization's settings; `ardesk config`, its old
/// name, still works and says the new one once on standard error.
#[test]
fn org_is_the_settings_and_config_still_works_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let db = db.to_str().unwrap();
    let (code, out, err) = support::run(&["--db", db, "org", "name", "Acme Billing"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("name = Acme Billing"), "{out}");
    assert!(!err.contains("now `ardesk org`"), "{err}");
    let (code, out, err) = support::run(&["--db", db, "config", "name"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "Acme Billing\n");
    assert_eq!(err.lines().filter(|l| l.contains("`ardesk config` is now `ardesk org`")).count(), 1, "{err}");
    let (code, _, err) = support::run(&["--db", db, "--as-of", "2026-01-01", "config", "name", "X"]);
    assert_eq!(code, 2);
    assert!(err.contains("`ardesk config` writes"), "{err}");
    let (_, help, _) = support::run(&["--help"]);
    assert!(help.contains("  org ") && !help.contains("  config "), "{help}");
    assert!(std::path::Path::new(db).exists());
}
