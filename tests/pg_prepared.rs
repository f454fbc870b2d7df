//! Statements in one round trip on PostgreSQL (`store/pg/prepared.rs`): what
//! a connection kept from before the books were read as of a date does not
//! read the tables the date's views now shadow (nor the views once the
//! date is gone); another session's DDL on a table whose statements were
//! kept breaks neither a read nor a write; no statement runs with a
//! generic plan; and a page read twice prepares nothing the second time.

mod support;

use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::OrgEdit;
use ardesk::domain::model::InvoiceRow;
use ardesk::store::pg::PgStore;
use ardesk::store::window::{Keyed, View};
use chrono::NaiveDate;
use support::pg::{demo_copy, fresh};

/// What the page shows of a customer that reads the same SQL whether or
/// not a date is set: the invoices tab's rows (the date's views answer
/// under the tables' names) and the figures.
fn page(pg: &PgStore, id: i64, today: NaiveDate) -> (Vec<Keyed<InvoiceRow>>, String) {
    let view = View { sort: Sort::default_for(Tab::Invoices), filter: Default::default(), today };
    let rows = pg.window_view::<InvoiceRow>(id, &view, &Seek::First, 1000).unwrap();
    let c = pg.customer(id).unwrap();
    (rows, format!("{:?}", pg.figures(&c, today).unwrap()))
}

#[test]
fn reading_as_of_a_date_and_back_reads_what_a_fresh_store_reads() {
    let Some(db) = demo_copy() else { return };
    let today: NaiveDate = support::TODAY.parse().unwrap();
    let mut pg = PgStore::open(&db.url).unwrap();
    // A customer whose invoices read otherwise as of an earlier day.
    let (id, day) = pg
        .customer_ids()
        .unwrap()
        .into_iter()
        .find_map(|id| {
            let days = pg.event_days(id).unwrap();
            let day = *days.get(days.len() / 2)?;
            let mut other = PgStore::open(&db.url).unwrap();
            let now = page(&other, id, today);
            other.set_as_of(Some(day)).unwrap();
            (page(&other, id, today).0 != now.0).then_some((id, day))
        })
        .expect("a customer whose invoices changed");
    let later = day.succ_opt().unwrap();
    let fresh_page = |as_of: Option<NaiveDate>| {
        let mut other = PgStore::open(&db.url).unwrap();
        other.set_as_of(as_of).unwrap();
        page(&other, id, today)
    };

    let now = page(&pg, id, today);
    assert_eq!(now, fresh_page(None));
    assert!(pg.kept_statements() > 0, "the page's statements are kept");
    // Read twice: the statements are the same, none prepared again.
    let kept = pg.kept_statements();
    assert_eq!(page(&pg, id, today), now);
    assert_eq!(pg.kept_statements(), kept);

    pg.set_as_of(Some(day)).unwrap();
    let then = page(&pg, id, today);
    assert_eq!(then, fresh_page(Some(day)), "as of {day}");
    assert_ne!(then.0, now.0, "as of {day} the invoices read otherwise");
    // From one date to another, the old date's views are not read either.
    pg.set_as_of(Some(later)).unwrap();
    assert_eq!(page(&pg, id, today), fresh_page(Some(later)), "as of {later}");
    pg.set_as_of(None).unwrap();
    assert_eq!(page(&pg, id, today), now, "back to today");
    // And as of the first date again, now that the session's temporary
    // schema exists from before.
    pg.set_as_of(Some(day)).unwrap();
    assert_eq!(page(&pg, id, today), then, "as of {day} again");
    pg.set_as_of(None).unwrap();
    assert_eq!(page(&pg, id, today), now, "back to today again");
}

/// The organization as the settings form saves it, renamed.
fn renamed(pg: &PgStore, name: &str) -> OrgEdit {
    let o = pg.organization().unwrap();
    OrgEdit {
        name: name.into(),
        default_currency: o.default_currency,
        show_credit_balance: o.show_credit_balance,
        invoice_prefix: o.invoice_prefix,
        hubspot_portal_id: o.hubspot_portal_id,
        salesforce_domain: o.salesforce_domain,
        max_document_size: 10 << 20,
        address: o.address,
    }
}

#[test]
fn another_sessions_ddl_breaks_no_kept_statement() {
    let Some(db) = fresh() else { return };
    let mut pg = PgStore::open(&db.url).unwrap();
    // The schema looked at before the other session alters it: later
    // writes are not refused for the drift this test makes.
    assert_eq!(pg.check_schema().unwrap(), None);
    pg.update_organization(pg.organization().unwrap().version, &renamed(&pg, "First")).unwrap();
    assert_eq!(pg.organization().unwrap().name, "First");
    let mut other = db.client();
    // The organization's name changes type, read and written by statements
    // the store's connection kept: a named statement would now fail
    // ("cached plan must not change result type").
    other.batch_execute("ALTER TABLE organization ALTER COLUMN name TYPE varchar(200)").unwrap();
    assert_eq!(pg.organization().unwrap().name, "First", "read on the connection");
    let (version, edit) = (pg.organization().unwrap().version, renamed(&pg, "Second"));
    other.batch_execute("ALTER TABLE organization ALTER COLUMN name TYPE text COLLATE \"C\"").unwrap();
    // Inside a write, which reads the organization first.
    pg.update_organization(version, &edit).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pg.organization().unwrap().name, "Second");
    let written: String = other.query_one("SELECT name::text FROM organization", &[]).unwrap().get(0);
    assert_eq!(written, "Second");
}

#[test]
fn no_statement_runs_with_a_generic_plan() {
    let Some(db) = demo_copy() else { return };
    let today: NaiveDate = support::TODAY.parse().unwrap();
    let pg = PgStore::open(&db.url).unwrap();
    let id = pg.customer_ids().unwrap()[0];
    // Past the five runs after which a named statement may go generic.
    for _ in 0..8 {
        page(&pg, id, today);
    }
    let kept = pg.kept_statements();
    assert!(kept > 5, "{kept} statements kept");
    // None of them is held on the server under a name (each is the unnamed
    // statement, planned with its values), so none has a generic plan.
    assert_eq!(pg.server_statements().unwrap(), (0, 0));
}
