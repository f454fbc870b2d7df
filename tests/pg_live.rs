//! Live reload on PostgreSQL (issue 21): a store watching one customer's
//! page is told, within a second, of another session's commit to that
//! customer — by ardesk or by any other tool — and not of its own writes,
//! another customer's, or what is still uncommitted; a store watching the
//! customers list is told of any customer's. And the schema version that
//! brought it upgrades a database of version 1, books and all.

mod support;

use ardesk::domain::edit::CustomerEdit;
use ardesk::store::pg::live::Watch;
use ardesk::store::pg::{self, PgStore, migrate, schema};
use std::time::{Duration, Instant};
use support::pg::fresh;

fn edit(name: &str) -> CustomerEdit {
    CustomerEdit {
        name: name.into(),
        legal_name: String::new(),
        billing_email: String::new(),
        billing_address: String::new(),
        currency: "USD".parse().unwrap(),
        invoices_paused: false,
        portal: false,
    }
}

/// How long until `store`'s data version moves from `from`, polled as the
/// TUI polls it; `None` after `within`.
fn told(store: &PgStore, from: i64, within: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < within {
        if store.data_version().unwrap() != from {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

#[test]
fn a_page_is_told_of_its_customers_changes_only() {
    let Some(db) = fresh() else { return };
    let mut writer = PgStore::open(&db.url).unwrap();
    let (a, b) = (writer.create_customer(&edit("Acme")).unwrap(), writer.create_customer(&edit("Borealis")).unwrap());
    let mut page = PgStore::open(&db.url).unwrap();
    page.watch(Watch::Customer(a)).unwrap();
    let v = page.data_version().unwrap();

    // Another customer's change: nothing.
    writer.update_customer(b, 1, &edit("Borealis Freight")).unwrap();
    assert_eq!(told(&page, v, Duration::from_millis(300)), None);

    // This customer's, by ardesk: told within a second.
    writer.update_customer(a, 1, &edit("Acme Corp")).unwrap();
    let after = told(&page, v, Duration::from_secs(5)).expect("told of the change");
    assert!(after < Duration::from_secs(1), "{after:?}");
    let v = page.data_version().unwrap();

    // Uncommitted: not yet; at the commit, yes. By another tool, in SQL.
    let mut other = db.client();
    let mut tx = other.transaction().unwrap();
    tx.execute("UPDATE customers SET legal_name = 'Acme Corporation' WHERE id = $1", &[&a]).unwrap();
    assert_eq!(told(&page, v, Duration::from_millis(300)), None);
    tx.commit().unwrap();
    assert!(told(&page, v, Duration::from_secs(5)).is_some());
    let v = page.data_version().unwrap();

    // Its own writes do not reload it, as on SQLite.
    let seen = page.customer(a).unwrap().version;
    page.update_customer(a, seen, &edit("Acme Corp.")).unwrap();
    assert_eq!(told(&page, v, Duration::from_millis(300)), None);

    // The organization's settings reach every screen.
    other.execute("UPDATE organization SET name = 'Ours', version = version + 1", &[]).unwrap();
    assert!(told(&page, v, Duration::from_secs(5)).is_some());
    let v = page.data_version().unwrap();

    // A change that came for the page left, not yet read, is not told on
    // the next one.
    let seen = writer.customer(a).unwrap().version;
    writer.update_customer(a, seen, &edit("Acme While Leaving")).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    page.watch(Watch::Customer(b)).unwrap();
    assert_eq!(told(&page, v, Duration::from_millis(300)), None);
    page.watch(Watch::Customer(a)).unwrap();

    // Moving to the other customer's page: the first one is left.
    page.watch(Watch::Customer(b)).unwrap();
    let seen = writer.customer(a).unwrap().version;
    writer.update_customer(a, seen, &edit("Acme Again")).unwrap();
    assert_eq!(told(&page, v, Duration::from_millis(300)), None);
    writer.update_customer(b, 2, &edit("Borealis Again")).unwrap();
    assert!(told(&page, v, Duration::from_secs(5)).is_some());
}

#[test]
fn the_customers_list_is_told_of_any_customer_and_of_money_moving() {
    let Some(db) = fresh() else { return };
    let mut writer = PgStore::open(&db.url).unwrap();
    let a = writer.create_customer(&edit("Acme")).unwrap();
    let list = PgStore::open(&db.url).unwrap();
    list.watch(Watch::Customers).unwrap();
    let v = list.data_version().unwrap();
    writer.create_customer(&edit("New One")).unwrap();
    assert!(told(&list, v, Duration::from_secs(5)).is_some());
    let v = list.data_version().unwrap();
    // An application alone (another tool's), which names no customer,
    // moves its invoice's applied amount: told through the invoice.
    let page = PgStore::open(&db.url).unwrap();
    page.watch(Watch::Customer(a)).unwrap();
    let p = page.data_version().unwrap();
    let mut c = db.client();
    c.batch_execute(&format!(
        "INSERT INTO invoices(customer_id, number, status, currency, issue_date, due_date, total_minor, created_at)
         VALUES ({a}, 'X-1', 'open', 'USD', '2026-01-01', '2026-01-31', 1000, '2026-01-01T00:00:00Z');
         INSERT INTO payments(customer_id, amount_minor, currency, received_on, method, status, created_at)
         VALUES ({a}, 1000, 'USD', '2026-01-05', 'manual', 'succeeded', '2026-01-05T00:00:00Z');"
    ))
    .unwrap();
    assert!(told(&list, v, Duration::from_secs(5)).is_some());
    assert!(told(&page, p, Duration::from_secs(5)).is_some());
    let p = page.data_version().unwrap();
    c.batch_execute(
        "INSERT INTO applications(invoice_id, payment_id, amount_minor, applied_on, created_at)
         SELECT (SELECT id FROM invoices WHERE number = 'X-1'), (SELECT max(id) FROM payments), 400,
                '2026-01-05', '2026-01-05T00:00:00Z'",
    )
    .unwrap();
    assert!(told(&page, p, Duration::from_secs(5)).is_some());
}

/// A database of version `from` with the demo's books, written by the
/// triggers of that version, upgraded by opening it: every row kept, the
/// current schema, `check` clean, and its books notify.
fn upgrades_with_its_books(from: i64) {
    let Some(db) = fresh() else { return };
    let mut c = pg::connect(&db.url).unwrap();
    let up = migrate::upgrade_to(&mut c, "t", from).unwrap();
    assert_eq!((up.from, up.to), (0, from));
    assert_eq!(schema::fingerprint(&schema::live(&mut c).unwrap()), schema::FINGERPRINTS[from as usize - 1]);
    let s =
        rusqlite::Connection::open_with_flags(support::demo_db(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    support::pg::copy_as_written(&s, &mut c);
    let customers: i64 = c.query_one("SELECT count(*) FROM customers", &[]).unwrap().get(0);
    // Opening for work upgrades it, in one step, keeping every row.
    let store = PgStore::open(&db.url).unwrap();
    assert_eq!(migrate::version(&mut c, "t").unwrap(), migrate::PG_SCHEMA_VERSION);
    assert_eq!(
        schema::fingerprint(&schema::live(&mut c).unwrap()),
        schema::FINGERPRINTS[migrate::PG_SCHEMA_VERSION as usize - 1]
    );
    assert_eq!(c.query_one("SELECT count(*) FROM customers", &[]).unwrap().get::<_, i64>(0), customers);
    // No invoice written before version 6 has a row print: each goes the
    // whole way at its next import, and keeps its print then.
    let printed: i64 = c.query_one("SELECT count(*) FROM invoices WHERE import_line IS NOT NULL", &[]).unwrap().get(0);
    assert_eq!(printed, 0);
    let today = support::TODAY.parse().unwrap();
    assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
    // And its books now notify.
    store.watch(Watch::Customer(1)).unwrap();
    let v = store.data_version().unwrap();
    c.execute("UPDATE customers SET legal_name = 'X' WHERE id = 1", &[]).unwrap();
    assert!(told(&store, v, Duration::from_secs(5)).is_some());
    // The triggers of the current version keep the summaries of what is
    // written after the upgrade: an invoice, a payment applied to it and
    // to an invoice the books held, reversed, in SQL as another tool would.
    c.batch_execute(
        "INSERT INTO invoices(customer_id, number, status, currency, issue_date, due_date, total_minor, created_at)
         SELECT 1, 'UPG-1', 'open', currency, '2026-01-02', '2026-02-01', 5000, '2026-01-02T00:00:00Z'
         FROM customers WHERE id = 1;
         INSERT INTO payments(customer_id, amount_minor, currency, received_on, method, status, created_at)
         SELECT 1, 900000000, currency, '2026-01-20', 'manual', 'succeeded', '2026-01-20T00:00:00Z'
         FROM customers WHERE id = 1;
         INSERT INTO applications(invoice_id, payment_id, amount_minor, applied_on, created_at)
         SELECT i.id, (SELECT max(id) FROM payments), i.total_minor - i.applied_minor, '2026-01-20', '2026-01-20T00:00:00Z'
         FROM invoices i JOIN customers c ON c.id = i.customer_id AND c.currency = i.currency
         WHERE i.customer_id = 1 AND i.status = 'open' AND i.issue_date <= '2026-01-20';
         UPDATE invoices SET status = 'paid' WHERE customer_id = 1 AND status = 'open' AND balance_minor = 0;
         UPDATE applications SET removed_on = '2026-02-01'
         WHERE payment_id = (SELECT max(id) FROM payments) AND invoice_id = (SELECT id FROM invoices WHERE number = 'UPG-1');
         UPDATE invoices SET status = 'open' WHERE number = 'UPG-1';",
    )
    .unwrap();
    let applied: i64 = c
        .query_one("SELECT applied_minor FROM payments WHERE id = (SELECT max(id) FROM payments)", &[])
        .unwrap()
        .get(0);
    assert!(applied > 0);
    assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
}

#[test]
fn a_database_of_version_1_upgrades_with_its_books() {
    upgrades_with_its_books(1);
}

#[test]
fn a_database_of_version_2_upgrades_with_its_books() {
    upgrades_with_its_books(2);
}

#[test]
fn a_database_of_version_3_upgrades_with_its_books() {
    upgrades_with_its_books(3);
}

#[test]
fn a_database_of_version_4_upgrades_with_its_books() {
    upgrades_with_its_books(4);
}

#[test]
fn a_database_of_version_5_upgrades_with_its_books() {
    upgrades_with_its_books(5);
}

#[test]
fn a_database_of_version_6_upgrades_with_its_books() {
    upgrades_with_its_books(6);
}
