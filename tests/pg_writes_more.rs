//! More writes on PostgreSQL (issue 21): contacts, contracts, the
//! organization's settings and the edits of an invoice after it was made
//! do on PostgreSQL what they do on SQLite. Each test runs the same
//! sequence on both backends and compares what comes back, the rows the
//! tabs read, the refusals word for word, and the audit log.

mod support;

use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::{ContactDraft, ContractDraft, CreditSettings, CustomerEdit, InvoiceDraft, OrgEdit};
use ardesk::domain::lines::{Line, LineKind};
use ardesk::domain::model::{ContactRow, ContractRow, InvoiceRow};
use ardesk::domain::status::{BillingFrequency, ContractKind, ContractStatus, InvoiceStatus};
use ardesk::store::pg::PgStore;
use ardesk::store::window::{Keyed, View};
use ardesk::store::{Store, StoreError};
use support::both::*;
use support::pg::{TestDb, fresh};

fn customer(name: &str) -> CustomerEdit {
    CustomerEdit {
        name: name.into(),
        legal_name: String::new(),
        billing_email: "ap@acme.example".into(),
        billing_address: String::new(),
        currency: usd(),
        invoices_paused: false,
        portal: false,
    }
}

/// Both backends with these customers, each with a billing email.
fn both(names: &[&str]) -> Option<(TestDb, PgStore, Store)> {
    both_with(names, customer)
}

/// An audit log row: customer, entity, entity id, action, summary, before,
/// after.
type Entry = (Option<i64>, String, Option<i64>, String, String, Option<String>, Option<String>);

const AUDIT: &str = "SELECT customer_id, entity, entity_id, action, summary, before_json, after_json FROM audit_log ORDER BY audit_log.id";

fn audit_pg(db: &TestDb) -> Vec<Entry> {
    db.client()
        .query(AUDIT, &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6)))
        .collect()
}

fn audit_lite(store: &Store) -> Vec<Entry> {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    store.backup_to(&copy).unwrap();
    let c = rusqlite::Connection::open(&copy).unwrap();
    let mut stmt = c.prepare(AUDIT).unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn view(tab: Tab) -> View {
    View { sort: Sort::default_for(tab), filter: Default::default(), today: d("2026-03-01") }
}

fn contacts_pg(pg: &PgStore, customer: i64) -> Vec<Keyed<ContactRow>> {
    pg.window_view::<ContactRow>(customer, &view(Tab::Contacts), &Seek::First, 100).unwrap()
}

fn contacts_lite(lite: &Store, customer: i64) -> Vec<Keyed<ContactRow>> {
    lite.window_view::<ContactRow>(customer, &view(Tab::Contacts), &Seek::First, 100).unwrap()
}

/// The Contacts tab of each customer reads the same on both backends;
/// returns the first customer's rows.
fn same_contacts(pg: &PgStore, lite: &Store, customers: &[i64]) -> Vec<ContactRow> {
    for &c in customers {
        assert_eq!(contacts_pg(pg, c), contacts_lite(lite, c), "contacts of customer {c}");
    }
    contacts_lite(lite, customers[0]).into_iter().map(|k| k.row).collect()
}

fn contact(name: &str, email: &str, phone: &str, role: &str) -> ContactDraft {
    ContactDraft { name: name.into(), email: email.into(), phone: phone.into(), role: role.into() }
}

#[test]
fn contacts_are_created_edited_made_primary_and_deleted_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&["Acme", "Other"]) else { return };
    let jane = contact(" Jane Doe ", "jane@acme.example", "+1 415 555 0123", " AP ");
    assert_eq!(pg.create_contact(1, &jane).unwrap(), lite.create_contact(1, &jane).unwrap());
    let sam = contact("Sam", "", "", "");
    let (s_pg, s_lite) = (pg.create_contact(1, &sam).unwrap(), lite.create_contact(1, &sam).unwrap());
    assert_eq!(s_pg, s_lite);
    let olga = contact("Olga", "olga@other.example", "", "CFO");
    assert_eq!(pg.create_contact(2, &olga).unwrap(), lite.create_contact(2, &olga).unwrap());
    let rows = same_contacts(&pg, &lite, &[1, 2]);
    let jane_id = rows.iter().find(|r| r.name == "Jane Doe").unwrap().id;
    let olga_id = contacts_lite(&lite, 2)[0].row.id;
    assert!(rows.iter().any(|r| r.name == "Jane Doe" && r.primary && r.role == "AP"), "the first is primary: {rows:?}");

    // Bad input, a customer that is not there: refused in the same words,
    // before anything is written.
    refused(
        pg.create_contact(1, &contact("  ", "", "", "")),
        lite.create_contact(1, &contact("  ", "", "", "")),
        "required",
    );
    let bad_email = contact("Zed", "zed at acme", "", "");
    refused(pg.create_contact(1, &bad_email), lite.create_contact(1, &bad_email), "not an email address");
    let bad_phone = contact("Zed", "", "call me maybe", "");
    refused(pg.create_contact(1, &bad_phone), lite.create_contact(1, &bad_phone), "not a phone number");
    let short_phone = contact("Zed", "", "555", "");
    refused(pg.create_contact(1, &short_phone), lite.create_contact(1, &short_phone), "not a phone number");
    refused(pg.create_contact(999, &sam), lite.create_contact(999, &sam), "999");

    // An edit at the version seen; a second at the same version is stale.
    let edited = contact("Jane Roe", "jane.roe@acme.example", "", "Controller");
    same(pg.update_contact(jane_id, 1, &edited), lite.update_contact(jane_id, 1, &edited), "update");
    let stale = refused(
        pg.update_contact(jane_id, 1, &contact("Late", "", "", "")),
        lite.update_contact(jane_id, 1, &contact("Late", "", "", "")),
        "changed elsewhere",
    );
    assert!(stale.contains("contact Jane Roe"), "{stale}");
    refused(pg.update_contact(jane_id, 2, &bad_email), lite.update_contact(jane_id, 2, &bad_email), "not an email");
    refused(
        pg.update_contact(jane_id, 2, &contact("", "", "", "")),
        lite.update_contact(jane_id, 2, &contact("", "", "", "")),
        "required",
    );
    refused(pg.update_contact(999, 1, &edited), lite.update_contact(999, 1, &edited), "contact 999");
    same_contacts(&pg, &lite, &[1, 2]);

    // The primary label moves; never to another customer's contact, and a
    // customer that is not there is told the same as on SQLite.
    same(pg.make_primary(1, s_pg), lite.make_primary(1, s_lite), "make primary");
    let rows = same_contacts(&pg, &lite, &[1, 2]);
    assert!(rows.iter().any(|r| r.name == "Sam" && r.primary), "{rows:?}");
    refused(pg.make_primary(1, olga_id), lite.make_primary(1, olga_id), "belongs to another customer");
    refused(pg.make_primary(999, s_pg), lite.make_primary(999, s_lite), "belongs to another customer");
    refused(pg.make_primary(1, 999), lite.make_primary(1, 999), "contact 999");

    // The primary contact stays while there are others; a stale delete is
    // refused; then the others go, and the last one too.
    let sam_version = rows.iter().find(|r| r.name == "Sam").unwrap().version;
    refused(
        pg.delete_contact(s_pg, sam_version),
        lite.delete_contact(s_lite, sam_version),
        "make another contact primary first",
    );
    refused(pg.delete_contact(jane_id, 1), lite.delete_contact(jane_id, 1), "changed elsewhere");
    same(pg.delete_contact(jane_id, 2), lite.delete_contact(jane_id, 2), "delete");
    refused(pg.delete_contact(jane_id, 2), lite.delete_contact(jane_id, 2), "it was deleted elsewhere");
    same(pg.delete_contact(s_pg, sam_version), lite.delete_contact(s_lite, sam_version), "delete the last");
    assert_eq!(same_contacts(&pg, &lite, &[2, 1]).len(), 1);
    assert!(contacts_lite(&lite, 1).is_empty());

    assert_eq!(audit_pg(&db), audit_lite(&lite));
    assert_eq!(audit_pg(&db).iter().filter(|e| e.1 == "contact").count(), 7, "{:#?}", audit_pg(&db));
    let today = d("2026-03-01");
    assert_eq!(pg.check(today).unwrap(), Vec::<String>::new());
}

fn recurring(name: &str, start: &str) -> ContractDraft {
    ContractDraft {
        name: name.into(),
        kind: ContractKind::Recurring,
        status: ContractStatus::Active,
        period_start: d(start),
        period_end: None,
        value_minor: 120_000,
        currency: usd(),
        payment_terms_days: 30,
        billing_frequency: Some(BillingFrequency::Monthly),
    }
}

fn contracts_pg(pg: &PgStore, customer: i64) -> Vec<Keyed<ContractRow>> {
    pg.window_view::<ContractRow>(customer, &view(Tab::Contracts), &Seek::First, 100).unwrap()
}

fn contracts_lite(lite: &Store, customer: i64) -> Vec<Keyed<ContractRow>> {
    lite.window_view::<ContractRow>(customer, &view(Tab::Contracts), &Seek::First, 100).unwrap()
}

/// The Contracts tab, the pickers' list and each contract read the same.
fn same_contracts(pg: &PgStore, lite: &Store, customer: i64) -> Vec<ContractRow> {
    assert_eq!(contracts_pg(pg, customer), contracts_lite(lite, customer));
    let picked = lite.contracts_for(customer).unwrap();
    assert_eq!(pg.contracts_for(customer).unwrap(), picked);
    for k in &picked {
        assert_eq!(pg.contract(k.id).unwrap(), lite.contract(k.id).unwrap());
        assert_eq!(pg.contract_kept_by(k.id).unwrap(), lite.contract_kept_by(k.id).unwrap());
    }
    picked
}

fn invoice(number: &str, total: i64, contract: Option<i64>, status: InvoiceStatus) -> InvoiceDraft {
    InvoiceDraft {
        contract_id: contract,
        number: number.into(),
        issue_date: d("2026-02-01"),
        due_date: d("2026-03-03"),
        period: None,
        total_minor: total,
        currency: usd(),
        status,
        memo: String::new(),
        lines: Vec::new(),
    }
}

fn invoices_pg(pg: &PgStore, customer: i64) -> Vec<Keyed<InvoiceRow>> {
    pg.window_view::<InvoiceRow>(customer, &view(Tab::Invoices), &Seek::First, 100).unwrap()
}

fn invoices_lite(lite: &Store, customer: i64) -> Vec<Keyed<InvoiceRow>> {
    lite.window_view::<InvoiceRow>(customer, &view(Tab::Invoices), &Seek::First, 100).unwrap()
}

#[test]
fn contracts_are_created_edited_ended_cancelled_and_deleted_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&["Acme", "Other"]) else { return };
    let support = recurring(" Support ", "2026-01-01");
    let k = pg.create_contract(1, &support).unwrap();
    assert_eq!(lite.create_contract(1, &support).unwrap(), k);
    let setup = ContractDraft {
        name: "Setup".into(),
        kind: ContractKind::OneTime,
        period_end: Some(d("2026-02-28")),
        billing_frequency: None,
        value_minor: 50_000,
        ..recurring("", "2026-01-15")
    };
    let one = pg.create_contract(1, &setup).unwrap();
    assert_eq!(lite.create_contract(1, &setup).unwrap(), one);
    let hosting = recurring("Hosting", "2025-06-01");
    let h = pg.create_contract(1, &hosting).unwrap();
    assert_eq!(lite.create_contract(1, &hosting).unwrap(), h);
    let theirs = pg.create_contract(2, &recurring("Theirs", "2026-01-01")).unwrap();
    assert_eq!(lite.create_contract(2, &recurring("Theirs", "2026-01-01")).unwrap(), theirs);
    assert_eq!(same_contracts(&pg, &lite, 1).len(), 3);
    same_contracts(&pg, &lite, 2);

    // What a contract must be, refused in the same words, nothing written.
    let bad = |f: &dyn Fn(&mut ContractDraft)| {
        let mut k = recurring("Bad", "2026-01-01");
        f(&mut k);
        k
    };
    for (draft, words) in [
        (bad(&|k| k.name = " ".into()), "Name is required"),
        (bad(&|k| k.period_end = Some(d("2025-12-31"))), "before it starts"),
        (bad(&|k| (k.kind, k.billing_frequency) = (ContractKind::OneTime, None)), "needs an end date"),
        (bad(&|k| (k.kind, k.period_end) = (ContractKind::OneTime, Some(d("2026-02-01")))), "no billing frequency"),
        (bad(&|k| k.billing_frequency = None), "needs a billing frequency"),
        (bad(&|k| k.value_minor = -1), "must not be negative"),
        (bad(&|k| k.value_minor = 10_000_000_000_001), "value:"),
        (bad(&|k| k.period_start = d("1899-12-31")), "start:"),
        (bad(&|k| k.period_end = Some(d("2200-01-01"))), "end:"),
        (bad(&|k| k.payment_terms_days = 3651), "payment terms"),
    ] {
        refused(pg.create_contract(1, &draft), lite.create_contract(1, &draft), words);
        refused(pg.update_contract(k, 1, &draft), lite.update_contract(k, 1, &draft), words);
    }
    // A contract is in its customer's currency (an edit keeps the one it has).
    let eur = bad(&|k| k.currency = "EUR".parse().unwrap());
    refused(pg.create_contract(1, &eur), lite.create_contract(1, &eur), "contracts of this customer are in USD");
    refused(pg.create_contract(999, &support), lite.create_contract(999, &support), "customer 999");
    refused(pg.contract(999), lite.contract(999), "contract 999");
    refused(pg.contract_kept_by(999), lite.contract_kept_by(999), "contract 999");

    // Invoices under a contract keep its name when it is renamed, and keep
    // it from being deleted.
    for (n, contract) in [("A-1", Some(k)), ("A-2", Some(k)), ("A-3", Some(one))] {
        let inv = invoice(n, 10_000, contract, InvoiceStatus::Open);
        assert_eq!(pg.create_invoice(1, &inv).unwrap(), lite.create_invoice(1, &inv).unwrap());
    }
    let renamed =
        ContractDraft { value_minor: 240_000, payment_terms_days: 45, ..recurring("Premium support", "2026-01-01") };
    same(pg.update_contract(k, 1, &renamed), lite.update_contract(k, 1, &renamed), "update");
    assert_eq!(invoices_pg(&pg, 1), invoices_lite(&lite, 1));
    assert!(invoices_lite(&lite, 1).iter().any(|i| i.row.contract_name.as_deref() == Some("Premium support")));
    let stale = refused(pg.update_contract(k, 1, &support), lite.update_contract(k, 1, &support), "changed elsewhere");
    assert!(stale.contains("contract Premium support"), "{stale}");
    refused(pg.update_contract(999, 1, &support), lite.update_contract(999, 1, &support), "contract 999");
    refused(pg.delete_contract(k, 2), lite.delete_contract(k, 2), "has 2 invoices; cancel or end it instead");
    refused(pg.delete_contract(one, 1), lite.delete_contract(one, 1), "has 1 invoice; cancel or end it instead");
    same_contracts(&pg, &lite, 1);

    // An end later than today only sets the date; one on or before today
    // ends it; an end before the start is refused.
    let today = d("2026-03-01");
    same(pg.end_contract(k, 2, d("2026-06-30"), today), lite.end_contract(k, 2, d("2026-06-30"), today), "end later");
    assert_eq!(pg.contract(k).unwrap().status, ContractStatus::Active);
    refused(
        pg.end_contract(k, 3, d("2025-12-31"), today),
        lite.end_contract(k, 3, d("2025-12-31"), today),
        "is before the contract starts (2026-01-01)",
    );
    refused(pg.end_contract(k, 2, today, today), lite.end_contract(k, 2, today, today), "changed elsewhere");
    same(pg.end_contract(k, 3, d("2026-02-28"), today), lite.end_contract(k, 3, d("2026-02-28"), today), "end now");
    assert_eq!(pg.contract(k).unwrap().status, ContractStatus::Ended);
    refused(pg.end_contract(999, 1, today, today), lite.end_contract(999, 1, today, today), "contract 999");
    // Stopped, it keeps its invoices as their record.
    refused(pg.delete_contract(k, 4), lite.delete_contract(k, 4), "has 2 invoices; it stays with them");

    // Cancelled once, not twice (said before the version is looked at).
    same(pg.cancel_contract(h, 1), lite.cancel_contract(h, 1), "cancel");
    refused(pg.cancel_contract(h, 1), lite.cancel_contract(h, 1), "contract Hosting is already cancelled");
    refused(pg.cancel_contract(one, 9), lite.cancel_contract(one, 9), "changed elsewhere");
    refused(pg.cancel_contract(999, 1), lite.cancel_contract(999, 1), "contract 999");
    // An ended or cancelled contract takes no new invoices.
    let late = invoice("A-9", 100, Some(h), InvoiceStatus::Open);
    refused(pg.create_invoice(1, &late), lite.create_invoice(1, &late), "was cancelled");
    let theirs_inv = invoice("A-9", 100, Some(theirs), InvoiceStatus::Open);
    refused(pg.create_invoice(1, &theirs_inv), lite.create_invoice(1, &theirs_inv), "belongs to another customer");

    // Deleted: one without invoices, at its version.
    refused(pg.delete_contract(h, 1), lite.delete_contract(h, 1), "changed elsewhere");
    same(pg.delete_contract(h, 2), lite.delete_contract(h, 2), "delete");
    refused(pg.delete_contract(h, 2), lite.delete_contract(h, 2), &format!("contract {h}"));
    assert_eq!(same_contracts(&pg, &lite, 1).len(), 2);
    same_contracts(&pg, &lite, 2);

    assert_eq!(audit_pg(&db), audit_lite(&lite));
    let customer = lite.customer(1).unwrap();
    assert_eq!(pg.figures(&customer, today).unwrap(), lite.figures(&customer, today).unwrap());
    assert_eq!(pg.check(today).unwrap(), Vec::<String>::new());
}

fn org(name: &str) -> OrgEdit {
    OrgEdit {
        name: name.into(),
        default_currency: "EUR".parse().unwrap(),
        show_credit_balance: false,
        invoice_prefix: " AC- ".into(),
        hubspot_portal_id: Some(" 1234567 ".into()),
        salesforce_domain: Some("https://Acme.my.salesforce.com/lightning".into()),
        max_document_size: 10 << 20,
        address: "Acme GmbH\n1 Hauptstraße\n10115 Berlin".into(),
    }
}

/// The organization's settings read the same on both backends.
fn same_settings(pg: &PgStore, lite: &Store) -> (i64, CreditSettings) {
    let o = lite.organization().unwrap();
    assert_eq!(pg.organization().unwrap(), o);
    assert_eq!(pg.max_document_size().unwrap(), lite.max_document_size().unwrap());
    let c = lite.credit_settings().unwrap();
    assert_eq!(pg.credit_settings().unwrap(), c);
    assert_eq!(o.version, c.version);
    (o.version, c)
}

#[test]
fn the_organizations_settings_are_saved_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&[]) else { return };
    let (v, _) = same_settings(&pg, &lite);
    same(pg.update_organization(v, &org("Acme")), lite.update_organization(v, &org("Acme")), "save");
    let (v, credit) = same_settings(&pg, &lite);
    let o = pg.organization().unwrap();
    assert_eq!(
        (o.invoice_prefix.as_str(), o.hubspot_portal_id.as_deref(), o.salesforce_domain.as_deref()),
        ("AC-", Some("1234567"), Some("acme")),
        "stored as normalized"
    );
    // Saved again unchanged: an entry saying so.
    same(pg.update_organization(v, &org("Acme")), lite.update_organization(v, &org("Acme")), "again");
    let (v, _) = same_settings(&pg, &lite);

    let bad = |f: &dyn Fn(&mut OrgEdit)| {
        let mut e = org("Acme");
        f(&mut e);
        e
    };
    for (e, words) in [
        (bad(&|e| e.name = "  ".into()), "Name is required"),
        (bad(&|e| e.invoice_prefix = "INV 1".into()), "a prefix is up to 12"),
        (bad(&|e| e.hubspot_portal_id = Some("acme".into())), "not a HubSpot portal id"),
        (bad(&|e| e.max_document_size = 10), "the largest document must be between"),
        (bad(&|e| e.max_document_size = 1 << 41), "the largest document must be between"),
        (bad(&|e| e.address = "a\u{7}b".into()), ""),
        (bad(&|e| e.address = "x".repeat(1001)), ""),
        (bad(&|e| e.default_currency = "XQZ".parse().unwrap()), "XQZ"),
    ] {
        let said = refused(pg.update_organization(v, &e), lite.update_organization(v, &e), words);
        assert!(!said.is_empty());
        let c = CreditSettings { version: v, ..credit.clone() };
        refused(pg.update_settings(v, &e, &c), lite.update_settings(v, &e, &c), words);
    }
    let stale = refused(
        pg.update_organization(v - 1, &org("Late")),
        lite.update_organization(v - 1, &org("Late")),
        "changed elsewhere",
    );
    assert!(stale.contains("the organization's settings"), "{stale}");

    // The credit-note sequence and the small-balance limit, alone.
    let cn = CreditSettings {
        credit_note_prefix: " CR- ".into(),
        credit_note_next_seq: 42,
        small_balance_limit_minor: 1_000,
        version: v,
    };
    same(pg.update_credit_settings(&cn), lite.update_credit_settings(&cn), "credit settings");
    let (v, credit) = same_settings(&pg, &lite);
    assert_eq!((credit.credit_note_prefix.as_str(), credit.credit_note_next_seq), ("CR-", 42));
    // Unchanged: nothing in the audit log.
    let again = CreditSettings { version: v, ..credit.clone() };
    same(pg.update_credit_settings(&again), lite.update_credit_settings(&again), "unchanged");
    let (v, credit) = same_settings(&pg, &lite);
    for (c, words) in [
        (CreditSettings { credit_note_prefix: "C N".into(), ..credit.clone() }, "a prefix is up to 12"),
        (CreditSettings { credit_note_next_seq: 0, ..credit.clone() }, "the next credit-note number must be from 1"),
        (CreditSettings { credit_note_next_seq: 1_000_000_000_000, ..credit.clone() }, "from 1 to 999999999999"),
        (CreditSettings { small_balance_limit_minor: -1, ..credit.clone() }, "the small-balance limit must be"),
        (CreditSettings { version: v - 1, ..credit.clone() }, "changed elsewhere"),
    ] {
        refused(pg.update_credit_settings(&c), lite.update_credit_settings(&c), words);
        let e = org("Acme");
        refused(pg.update_settings(c.version, &e, &c), lite.update_settings(c.version, &e, &c), words);
    }

    // Both together, in one transaction: the credit part's refusal undoes
    // the settings' save.
    let both_ok = CreditSettings { small_balance_limit_minor: 250, ..credit.clone() };
    let mut e = org("Acme Europe");
    e.show_credit_balance = true;
    e.hubspot_portal_id = None;
    same(pg.update_settings(v, &e, &both_ok), lite.update_settings(v, &e, &both_ok), "both");
    let (v, credit) = same_settings(&pg, &lite);
    assert_eq!((pg.organization().unwrap().name, credit.small_balance_limit_minor), ("Acme Europe".to_string(), 250));
    let e2 = org("Never saved");
    let zero = CreditSettings { credit_note_next_seq: 0, ..credit.clone() };
    refused(pg.update_settings(v, &e2, &zero), lite.update_settings(v, &e2, &zero), "credit-note number");
    same_settings(&pg, &lite);
    assert_eq!(pg.organization().unwrap().name, "Acme Europe");

    let (pa, la) = (audit_pg(&db), audit_lite(&lite));
    assert_eq!(pa, la);
    assert_eq!(pa.len(), 5, "{pa:#?}");
    assert!(pa[1].4.contains("no changes"), "{:?}", pa[1]);
}

/// A next credit-note number whose credit note exists is refused in the
/// same words (credit notes are not written on PostgreSQL yet: one is put
/// in each database by the same INSERT).
#[test]
fn a_next_credit_note_number_in_use_is_refused_as_on_sqlite() {
    let Some(db) = fresh() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("books.db");
    let mut lite = Store::open(&path, ardesk::store::OpenMode::Create).unwrap();
    let mut pg = PgStore::open(&db.url).unwrap();
    assert_eq!(pg.create_customer(&customer("Acme")).unwrap(), lite.create_customer(&customer("Acme")).unwrap());
    let note = "INSERT INTO credits(customer_id, granted_on, amount_minor, currency, reason, created_at, kind, number)
                VALUES (1, '2026-02-01', 500, 'USD', 'goodwill', '2026-02-01T00:00:00Z', 'credit_note', 'CN-000003')";
    db.client().batch_execute(note).unwrap();
    rusqlite::Connection::open(&path).unwrap().execute_batch(note).unwrap();
    let (v, credit) = same_settings(&pg, &lite);
    let taken = CreditSettings { credit_note_next_seq: 3, version: v, ..credit.clone() };
    refused(
        pg.update_credit_settings(&taken),
        lite.update_credit_settings(&taken),
        "credit note CN-000003 exists already: choose a later next number",
    );
    refused(pg.update_settings(v, &org("Acme"), &taken), lite.update_settings(v, &org("Acme"), &taken), "CN-000003");
    let later = CreditSettings { credit_note_next_seq: 4, ..taken };
    same(pg.update_credit_settings(&later), lite.update_credit_settings(&later), "a later number");
    same_settings(&pg, &lite);
    assert_eq!(audit_pg(&db), audit_lite(&lite));
}

fn lines() -> Vec<Line> {
    vec![
        Line::item("Support, February", 20_000),
        Line {
            kind: LineKind::Item,
            description: "Extra hours".into(),
            quantity: Some("2.5".parse().unwrap()),
            unit_price: Some("150.00".parse().unwrap()),
            amount_minor: 37_500,
            tax_minor: Some(3_000),
        },
        Line { kind: LineKind::Discount, description: "Loyalty".into(), amount_minor: -2_500, ..Line::item("", 0) },
    ]
}

/// The raw lines of every invoice, as stored.
type LineRow = (i64, i64, String, String, Option<String>, Option<String>, i64, Option<i64>);

const LINES: &str = "SELECT invoice_id, seq, kind, description, quantity, unit_price, amount_minor, tax_minor
                     FROM invoice_lines ORDER BY invoice_id, seq";

fn lines_pg(db: &TestDb) -> Vec<LineRow> {
    db.client()
        .query(LINES, &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7)))
        .collect()
}

fn lines_lite(store: &Store) -> Vec<LineRow> {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    store.backup_to(&copy).unwrap();
    let c = rusqlite::Connection::open(&copy).unwrap();
    let mut stmt = c.prepare(LINES).unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// An invoice's row (and version) as the Invoices tab and the database
/// have it, the same on both backends.
fn same_invoices(db: &TestDb, pg: &PgStore, lite: &Store, customer: i64) -> Vec<InvoiceRow> {
    assert_eq!(invoices_pg(pg, customer), invoices_lite(lite, customer));
    assert_eq!(lines_pg(db), lines_lite(lite));
    assert_eq!(pg.next_invoice_number().unwrap(), lite.next_invoice_number().unwrap());
    invoices_lite(lite, customer).into_iter().map(|k| k.row).collect()
}

fn version_pg(db: &TestDb, id: i64) -> i64 {
    db.client().query_one("SELECT version FROM invoices WHERE id = $1", &[&id]).unwrap().get(0)
}

#[test]
fn invoices_are_edited_issued_and_given_memos_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&["Acme", "Other"]) else { return };
    let k = pg.create_contract(1, &recurring("Support", "2026-01-01")).unwrap();
    assert_eq!(lite.create_contract(1, &recurring("Support", "2026-01-01")).unwrap(), k);
    let theirs = pg.create_contract(2, &recurring("Theirs", "2026-01-01")).unwrap();
    assert_eq!(lite.create_contract(2, &recurring("Theirs", "2026-01-01")).unwrap(), theirs);
    let first = pg.next_invoice_number().unwrap();
    let draft = InvoiceDraft { memo: "net 30".into(), ..invoice(&first, 10_000, None, InvoiceStatus::Draft) };
    let a = pg.create_invoice(1, &draft).unwrap();
    assert_eq!(lite.create_invoice(1, &draft).unwrap(), a);
    let second = pg.next_invoice_number().unwrap();
    let b = pg.create_invoice(1, &invoice(&second, 5_000, None, InvoiceStatus::Draft)).unwrap();
    assert_eq!(lite.create_invoice(1, &invoice(&second, 5_000, None, InvoiceStatus::Draft)).unwrap(), b);
    let other = pg.create_invoice(2, &invoice("O-1", 700, None, InvoiceStatus::Open)).unwrap();
    assert_eq!(lite.create_invoice(2, &invoice("O-1", 700, None, InvoiceStatus::Open)).unwrap(), other);
    same_invoices(&db, &pg, &lite, 1);

    // The draft's every field, its lines too, under its contract; then its
    // lines changed but not their count; then renumbered past the sequence.
    let edited = InvoiceDraft {
        contract_id: Some(k),
        period: Some((d("2026-02-01"), d("2026-02-28"))),
        total_minor: 55_000,
        memo: "  Thank you  ".into(),
        lines: lines(),
        issue_date: d("2026-02-02"),
        due_date: d("2026-03-04"),
        ..draft.clone()
    };
    same(pg.update_draft_invoice(1, a, 1, &edited), lite.update_draft_invoice(1, a, 1, &edited), "edit");
    let mut changed = edited.clone();
    changed.lines[0].description = "Support, February 2026".into();
    same(pg.update_draft_invoice(1, a, 2, &changed), lite.update_draft_invoice(1, a, 2, &changed), "lines");
    let renumbered = InvoiceDraft { number: "INV-000042".into(), lines: Vec::new(), ..changed.clone() };
    same(pg.update_draft_invoice(1, a, 3, &renumbered), lite.update_draft_invoice(1, a, 3, &renumbered), "renumber");
    let rows = same_invoices(&db, &pg, &lite, 1);
    assert!(rows.iter().any(|r| r.number == "INV-000042" && r.memo == "Thank you"), "{rows:?}");
    assert_eq!(pg.next_invoice_number().unwrap(), "INV-000043");
    assert_eq!(version_pg(&db, a), 4);

    // Refusals in the same words: bad drafts, another customer's contract
    // or currency or invoice, a number in use, a stale or missing invoice.
    let eur = InvoiceDraft { currency: "EUR".parse().unwrap(), ..renumbered.clone() };
    let sum_off = InvoiceDraft { lines: lines(), total_minor: 1, ..renumbered.clone() };
    for (draft, words) in [
        (InvoiceDraft { number: " ".into(), ..renumbered.clone() }, "the invoice number is required"),
        (InvoiceDraft { due_date: d("2026-01-01"), ..renumbered.clone() }, "before the issue date"),
        (InvoiceDraft { total_minor: 0, ..renumbered.clone() }, "more than zero"),
        (InvoiceDraft { status: InvoiceStatus::Paid, ..renumbered.clone() }, "as a draft or open"),
        (InvoiceDraft { issue_date: d("1899-01-01"), ..renumbered.clone() }, "issue date:"),
        (InvoiceDraft { memo: "m".repeat(2001), ..renumbered.clone() }, "the memo is 2001 characters long"),
        (
            InvoiceDraft { lines: vec![Line::item(&"d".repeat(1001), 55_000)], ..renumbered.clone() },
            "line 1's description is longer than 1000 characters",
        ),
        (InvoiceDraft { lines: vec![Line::item(" ", 55_000)], ..renumbered.clone() }, "line 1 needs a description"),
        (sum_off, "the lines add up to"),
        (eur, "invoices of this customer are in USD, not EUR"),
        (InvoiceDraft { contract_id: Some(theirs), ..renumbered.clone() }, "belongs to another customer"),
        (InvoiceDraft { number: second.clone(), ..renumbered.clone() }, "is already used"),
        (InvoiceDraft { number: "O-1".into(), ..renumbered.clone() }, "is already used"),
    ] {
        refused(pg.update_draft_invoice(1, a, 4, &draft), lite.update_draft_invoice(1, a, 4, &draft), words);
    }
    refused(
        pg.update_draft_invoice(1, a, 3, &renumbered),
        lite.update_draft_invoice(1, a, 3, &renumbered),
        "changed elsewhere",
    );
    refused(
        pg.update_draft_invoice(1, 999, 1, &renumbered),
        lite.update_draft_invoice(1, 999, 1, &renumbered),
        "invoice #999",
    );
    refused(
        pg.update_draft_invoice(1, other, 1, &renumbered),
        lite.update_draft_invoice(1, other, 1, &renumbered),
        "deleted elsewhere",
    );
    refused(
        pg.update_draft_invoice(999, a, 4, &renumbered),
        lite.update_draft_invoice(999, a, 4, &renumbered),
        "deleted elsewhere",
    );
    refused(
        pg.update_draft_invoice(2, other, 1, &invoice("O-1", 700, None, InvoiceStatus::Draft)),
        lite.update_draft_invoice(2, other, 1, &invoice("O-1", 700, None, InvoiceStatus::Draft)),
        "only a draft's fields can be changed",
    );
    same_invoices(&db, &pg, &lite, 1);

    // Issued: it is open under its number; then only its memo changes.
    refused(pg.issue_invoice(1, a, 3), lite.issue_invoice(1, a, 3), "changed elsewhere");
    same(pg.issue_invoice(1, a, 4), lite.issue_invoice(1, a, 4), "issue");
    refused(pg.issue_invoice(1, a, 5), lite.issue_invoice(1, a, 5), "is open: only a draft is issued");
    refused(pg.issue_invoice(2, a, 5), lite.issue_invoice(2, a, 5), "deleted elsewhere");
    refused(
        pg.update_draft_invoice(1, a, 5, &renumbered),
        lite.update_draft_invoice(1, a, 5, &renumbered),
        "is open: only a draft's fields",
    );
    same(
        pg.set_invoice_memo(1, a, 5, " Paid by wire, please "),
        lite.set_invoice_memo(1, a, 5, " Paid by wire, please "),
        "memo",
    );
    same(pg.set_invoice_memo(1, a, 6, ""), lite.set_invoice_memo(1, a, 6, ""), "memo removed");
    same(pg.set_invoice_memo(1, a, 7, "Overdue"), lite.set_invoice_memo(1, a, 7, "Overdue"), "memo added");
    refused(pg.set_invoice_memo(1, a, 7, "late"), lite.set_invoice_memo(1, a, 7, "late"), "changed elsewhere");
    refused(
        pg.set_invoice_memo(1, a, 8, &"é".repeat(2001)),
        lite.set_invoice_memo(1, a, 8, &"é".repeat(2001)),
        "at most 2000",
    );
    refused(pg.set_invoice_memo(2, a, 8, "x"), lite.set_invoice_memo(2, a, 8, "x"), "deleted elsewhere");

    // A draft saved as open is issued by the same write.
    let open_now = InvoiceDraft {
        status: InvoiceStatus::Open,
        lines: lines(),
        total_minor: 55_000,
        ..invoice(&second, 5_000, Some(k), InvoiceStatus::Open)
    };
    same(pg.update_draft_invoice(1, b, 1, &open_now), lite.update_draft_invoice(1, b, 1, &open_now), "saved open");
    let rows = same_invoices(&db, &pg, &lite, 1);
    assert!(rows.iter().all(|r| r.status == InvoiceStatus::Open), "{rows:?}");

    let (pa, la) = (audit_pg(&db), audit_lite(&lite));
    assert_eq!(pa, la);
    let actions: Vec<&str> = pa.iter().filter(|e| e.1 == "invoice").map(|e| e.3.as_str()).collect();
    assert_eq!(
        actions,
        ["create", "create", "create", "update", "update", "update", "issue", "memo", "memo", "memo", "issue"]
    );
    let today = d("2026-03-10");
    let c = lite.customer(1).unwrap();
    assert_eq!(pg.figures(&c, today).unwrap(), lite.figures(&c, today).unwrap());
    assert_eq!(pg.check(today).unwrap(), Vec::<String>::new());
    assert_eq!(lite.check(today).unwrap(), Vec::<String>::new());
}

/// Eight people saving the same contact at once: each save lands on the
/// version it read or is told "changed elsewhere"; none is lost.
#[test]
fn many_writers_on_one_contact_lose_no_update() {
    let Some(db) = fresh() else { return };
    let mut first = PgStore::open(&db.url).unwrap();
    let c = first.create_customer(&customer("Acme")).unwrap();
    let id = first.create_contact(c, &contact("Jane", "", "", "")).unwrap();
    let (writers, saves) = (8, 10);
    let results: Vec<(u32, u32)> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..writers)
            .map(|w| {
                let url = db.url.clone();
                s.spawn(move || {
                    let mut pg = PgStore::open(&url).unwrap();
                    let (mut landed, mut refused) = (0, 0);
                    for n in 0..saves {
                        let seen = contacts_pg(&pg, c)[0].row.version;
                        match pg.update_contact(id, seen, &contact(&format!("Jane {w}.{n}"), "", "", "")) {
                            Ok(()) => landed += 1,
                            Err(StoreError::Conflict(_)) => refused += 1,
                            Err(e) => panic!("writer {w}: {e}"),
                        }
                    }
                    (landed, refused)
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let landed: u32 = results.iter().map(|r| r.0).sum();
    let refused: u32 = results.iter().map(|r| r.1).sum();
    assert_eq!(landed + refused, writers * saves);
    assert!(landed > 0);
    assert_eq!(contacts_pg(&first, c)[0].row.version, 1 + i64::from(landed), "every save that landed moved it once");
    let updates: i64 = db
        .client()
        .query_one("SELECT count(*) FROM audit_log WHERE entity = 'contact' AND action = 'update'", &[])
        .unwrap()
        .get(0);
    assert_eq!(updates, i64::from(landed), "one audit entry per save that landed");
}

/// The one refusal that differs: SQLite keeps a NUL character in a text,
/// PostgreSQL cannot store one, and says so; nothing is written.
#[test]
fn a_nul_character_is_refused_by_postgresql_alone() {
    let Some((db, mut pg, mut lite)) = both(&["Acme"]) else { return };
    let nul = contact("Ja\0ne", "", "", "");
    assert_eq!(lite.create_contact(1, &nul).unwrap(), 1);
    let said = pg.create_contact(1, &nul).unwrap_err().to_string();
    assert!(said.contains("NUL character"), "{said}");
    let said = pg.create_contract(1, &recurring("S\0", "2026-01-01")).unwrap_err().to_string();
    assert!(said.contains("NUL character"), "{said}");
    let memo = InvoiceDraft { memo: "a\0b".into(), ..invoice("X-1", 5, None, InvoiceStatus::Open) };
    assert!(pg.create_invoice(1, &memo).unwrap_err().to_string().contains("NUL character"));
    assert!(contacts_pg(&pg, 1).is_empty() && contracts_pg(&pg, 1).is_empty() && invoices_pg(&pg, 1).is_empty());
    assert_eq!(audit_pg(&db).len(), 1, "the customer's creation alone");
}

/// Eight customers' drafts renumbered to the same number at once: one
/// takes it, the others are told it is used (the organization's row is
/// held while a number is checked), never a database error.
#[test]
fn one_number_goes_to_one_draft_when_eight_take_it_at_once() {
    let Some(db) = fresh() else { return };
    let mut first = PgStore::open(&db.url).unwrap();
    let drafts: Vec<(i64, i64)> = (0..8)
        .map(|n| {
            let c = first.create_customer(&customer(&format!("Customer {n}"))).unwrap();
            let number = first.next_invoice_number().unwrap();
            (c, first.create_invoice(c, &invoice(&number, 1_000, None, InvoiceStatus::Draft)).unwrap())
        })
        .collect();
    let results: Vec<Result<(), String>> = std::thread::scope(|s| {
        let runs: Vec<_> = drafts
            .iter()
            .map(|&(c, id)| {
                let url = db.url.clone();
                s.spawn(move || {
                    let mut pg = PgStore::open(&url).unwrap();
                    let d = invoice("INV-000100", 1_000, None, InvoiceStatus::Draft);
                    pg.update_draft_invoice(c, id, 1, &d).map_err(|e| e.to_string())
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(r, "invoice number INV-000100 is already used");
    }
    assert_eq!(first.next_invoice_number().unwrap(), "INV-000101");
}
