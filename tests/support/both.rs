//! The same books on both backends (issue 21): the helpers of the tests
//! that do one thing on PostgreSQL and on SQLite and compare what comes
//! back, word for word and row for row.

use super::pg::{TestDb, fresh};
use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::{Allocation, CreditDraft, CustomerEdit, InvoiceDraft, PaymentDraft};
use ardesk::domain::model::{InvoiceRow, PaymentRow};
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::pg::PgStore;
use ardesk::store::window::{Keyed, View};
use ardesk::store::{Store, StoreError};
use chrono::NaiveDate;

/// One row of a table, every column as text.
pub type Row = Vec<Option<String>>;

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn usd() -> Currency {
    "USD".parse().unwrap()
}

pub fn customer(name: &str) -> CustomerEdit {
    CustomerEdit {
        name: name.into(),
        legal_name: String::new(),
        billing_email: String::new(),
        billing_address: String::new(),
        currency: usd(),
        invoices_paused: false,
        portal: false,
    }
}

/// Both backends, empty, the same person writing, and the same customers
/// (ids 1, 2, …).
pub fn both(names: &[&str]) -> Option<(TestDb, PgStore, Store)> {
    both_with(names, customer)
}

/// `both`, each customer made by `edit` from its name.
pub fn both_with(names: &[&str], edit: fn(&str) -> CustomerEdit) -> Option<(TestDb, PgStore, Store)> {
    let db = fresh()?;
    let mut pg = PgStore::open(&db.url).unwrap();
    let mut lite = Store::open_in_memory().unwrap();
    pg.set_who("ann");
    lite.set_who("ann");
    for name in names {
        assert_eq!(pg.create_customer(&edit(name)).unwrap(), lite.create_customer(&edit(name)).unwrap());
    }
    Some((db, pg, lite))
}

/// The same outcome on both backends: equal values, or errors in the same
/// words; returns the words of an error ("" for a success).
pub fn same<T: PartialEq + std::fmt::Debug>(
    pg: Result<T, StoreError>,
    lite: Result<T, StoreError>,
    what: &str,
) -> String {
    match (pg, lite) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "{what}");
            String::new()
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "{what}");
            assert_eq!(std::mem::discriminant(&a), std::mem::discriminant(&b), "{what}: {a:?} / {b:?}");
            a.to_string()
        }
        (a, b) => panic!("{what}: PostgreSQL gave {a:?}, SQLite {b:?}"),
    }
}

/// The same success on both backends; its value.
pub fn ok<T: PartialEq + std::fmt::Debug>(pg: Result<T, StoreError>, lite: Result<T, StoreError>, what: &str) -> T {
    let a = pg.unwrap_or_else(|e| panic!("{what}: PostgreSQL refused: {e}"));
    let b = lite.unwrap_or_else(|e| panic!("{what}: SQLite refused: {e}"));
    assert_eq!(a, b, "{what}");
    a
}

/// A refusal in the same words on both backends, which contains `words`.
pub fn refused<T: PartialEq + std::fmt::Debug>(
    pg: Result<T, StoreError>,
    lite: Result<T, StoreError>,
    words: &str,
) -> String {
    let said = same(pg, lite, words);
    assert!(said.contains(words), "expected a refusal with {words:?}, got {said:?}");
    said
}

/// An open USD invoice; the number is the organization's next.
pub fn invoice(pg: &PgStore, issued: &str, due: &str, total: i64, status: InvoiceStatus) -> InvoiceDraft {
    InvoiceDraft {
        contract_id: None,
        number: pg.next_invoice_number().unwrap(),
        issue_date: d(issued),
        due_date: d(due),
        period: None,
        total_minor: total,
        currency: usd(),
        status,
        memo: String::new(),
        lines: Vec::new(),
    }
}

/// Creates the same invoice on both; its id.
pub fn add_invoice(pg: &mut PgStore, lite: &mut Store, c: i64, issued: &str, due: &str, total: i64) -> i64 {
    add_invoice_as(pg, lite, c, issued, due, total, InvoiceStatus::Open)
}

pub fn add_invoice_as(
    pg: &mut PgStore,
    lite: &mut Store,
    c: i64,
    issued: &str,
    due: &str,
    total: i64,
    status: InvoiceStatus,
) -> i64 {
    let draft = invoice(pg, issued, due, total, status);
    let id = pg.create_invoice(c, &draft).unwrap();
    assert_eq!(lite.create_invoice(c, &draft).unwrap(), id);
    id
}

/// Records the same payment on both; its id.
pub fn add_payment(pg: &mut PgStore, lite: &mut Store, c: i64, on: &str, amount: i64, to: Allocation) -> i64 {
    let p = PaymentDraft {
        received_on: d(on),
        amount_minor: amount,
        currency: usd(),
        reference: format!("WIRE-{amount}"),
        allocation: to,
    };
    let (a, b) = (pg.record_payment(c, &p).unwrap(), lite.record_payment(c, &p).unwrap());
    assert_eq!(a, b);
    a.payment_id
}

pub fn credit(on: &str, amount: i64, reason: &str) -> CreditDraft {
    CreditDraft { granted_on: d(on), amount_minor: amount, currency: usd(), reason: reason.into() }
}

pub fn view(tab: Tab, today: NaiveDate) -> View {
    View { sort: Sort::default_for(tab), filter: Default::default(), today }
}

pub fn payments_lite(lite: &Store, c: i64) -> Vec<Keyed<PaymentRow>> {
    lite.window_view::<PaymentRow>(c, &view(Tab::Payments, d("2026-03-15")), &Seek::First, 500).unwrap()
}

/// The version of payment `id` (a credit: minus its id) as its tab row
/// shows it, the same on both backends.
pub fn version(pg: &PgStore, lite: &Store, c: i64, id: i64) -> i64 {
    let v = view(Tab::Payments, d("2026-03-15"));
    let find = |rows: Vec<Keyed<PaymentRow>>| rows.into_iter().find(|k| k.row.id == id).unwrap().row.version;
    let (a, b) = (find(pg.window_view::<PaymentRow>(c, &v, &Seek::First, 500).unwrap()), find(payments_lite(lite, c)));
    assert_eq!(a, b, "version of {id}");
    a
}

pub fn rows_pg(db: &TestDb, sql: &str) -> Vec<Row> {
    db.client()
        .query(sql, &[])
        .unwrap()
        .iter()
        .map(|r| (0..r.len()).map(|i| r.get::<_, Option<String>>(i)).collect())
        .collect()
}

pub fn rows_lite(store: &Store, sql: &str) -> Vec<Row> {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    store.backup_to(&copy).unwrap();
    let c = rusqlite::Connection::open(&copy).unwrap();
    let mut stmt = c.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Option<String>>(i)).collect::<rusqlite::Result<Row>>())
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The same books on both backends: `tables` (each as (PostgreSQL's
/// query, SQLite's)), each
/// customer's figures on two days, the Invoices and Payments tabs; and
/// `check` finds nothing wrong on either.
pub fn same_books_in(tables: &[(&str, &str)], db: &TestDb, pg: &PgStore, lite: &Store, customers: &[i64]) {
    for (on_pg, on_lite) in tables {
        assert_eq!(rows_pg(db, on_pg), rows_lite(lite, on_lite), "{on_lite}");
    }
    for &c in customers {
        let cust = lite.customer(c).unwrap();
        for today in [d("2026-03-15"), d("2026-06-30")] {
            assert_eq!(pg.figures(&cust, today).unwrap(), lite.figures(&cust, today).unwrap(), "figures of {c}");
            let v = view(Tab::Invoices, today);
            assert_eq!(
                pg.window_view::<InvoiceRow>(c, &v, &Seek::First, 500).unwrap(),
                lite.window_view::<InvoiceRow>(c, &v, &Seek::First, 500).unwrap(),
                "invoices of {c}"
            );
            let v = view(Tab::Payments, today);
            assert_eq!(
                pg.window_view::<PaymentRow>(c, &v, &Seek::First, 500).unwrap(),
                lite.window_view::<PaymentRow>(c, &v, &Seek::First, 500).unwrap(),
                "payments of {c}"
            );
        }
    }
    let today = d("2026-03-15");
    assert_eq!(pg.check(today).unwrap(), Vec::<String>::new(), "check on PostgreSQL");
    assert_eq!(lite.check(today).unwrap(), Vec::<String>::new(), "check on SQLite");
}

/// A fresh PostgreSQL database holding `lite`'s books as `ardesk migrate`
/// copies them (every table as it is, the kept import rows too), and the
/// store on it; `None` when no cluster is configured (outside CI).
pub fn copy_of(lite: &Store) -> Option<(TestDb, PgStore)> {
    let db = fresh()?;
    let mut pg = PgStore::open(&db.url).unwrap();
    pg.set_who("ann");
    let mut c = ardesk::store::pg::connect(&db.url).unwrap();
    lite.copy_to_postgres(&mut c, &mut |_, _| {}).unwrap();
    Some((db, pg))
}

/// A fresh PostgreSQL database holding the SQLite file at `path` copied
/// as the app wrote it (`pg::copy_as_written`); `None` when no cluster is
/// configured (outside CI).
pub fn copy_file_of(path: &std::path::Path) -> Option<TestDb> {
    let db = fresh()?;
    let s = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut c = ardesk::store::pg::connect(&db.url).unwrap();
    ardesk::store::pg::migrate::upgrade(&mut c, "test").unwrap();
    super::pg::copy_as_written(&s, &mut c);
    Some(db)
}
