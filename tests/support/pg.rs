//! Databases on the throwaway PostgreSQL cluster that `.ci/pg start`
//! makes (its URL in `ARDESK_TEST_PG`): one fresh database per test,
//! dropped when the test ends. Without the variable the PostgreSQL tests
//! are skipped, said on stderr, except under CI, where that is a failure.

use std::sync::atomic::{AtomicU32, Ordering};

pub const ENV: &str = "ARDESK_TEST_PG";

pub struct TestDb {
    pub url: String,
    name: String,
    admin: String,
}

/// A new, empty database; `None` (the test skips) when no cluster is
/// configured outside CI.
pub fn fresh() -> Option<TestDb> {
    let Some(admin) = std::env::var(ENV).ok().filter(|v| !v.is_empty()) else {
        let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"));
        assert!(!in_ci, "CI runs the PostgreSQL tests: {ENV} must name a cluster (`eval \"$(bash .ci/pg start)\"`)");
        eprintln!("skipped: {ENV} is not set (`eval \"$(bash .ci/pg start)\"` starts a throwaway cluster)");
        return None;
    };
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!("ardesk_test_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("the test cluster answers");
    client.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0")).expect("create the test database");
    Some(TestDb { url: with_dbname(&admin, &name), name, admin })
}

/// The URL with its database name replaced.
pub fn with_dbname(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let slash = rest.find('/').unwrap_or(rest.len());
    let query = rest[slash..].find('?').map_or("", |q| &rest[slash + q..]);
    format!("{scheme}://{}/{name}{query}", &rest[..slash])
}

impl TestDb {
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to the test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// The tables the app writes, in an order foreign keys allow.
pub use ardesk::store::pg::transfer::RAW;

pub fn columns(s: &rusqlite::Connection, table: &str) -> Vec<String> {
    let mut stmt = s.prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// What SQLite holds for a column as it is read, and what `copy` puts
/// there at first: nothing applied, paid and written-off invoices open,
/// applications live, no primary contact yet.
pub fn as_first_written(table: &str, column: &str) -> String {
    let open_then = "CASE WHEN status IN ('paid', 'uncollectible')";
    match (table, column) {
        ("invoices", "applied_minor" | "credited_minor" | "balance_minor") => "0".into(),
        ("payments" | "credits", "applied_minor") => "0".into(),
        ("invoices", "status") => format!("{open_then} THEN 'open' ELSE status END"),
        ("invoices", "written_off_on") => format!("{open_then} THEN NULL ELSE written_off_on END"),
        ("applications", "removed_on") => "NULL".into(),
        ("customers", "primary_contact_id") => "NULL".into(),
        _ => column.into(),
    }
}

/// Copies every row the app writes from SQLite into a PostgreSQL database
/// at the current schema, in one transaction, as the app's writes made
/// them (`as_first_written`, then what the app did next), so that the
/// triggers build every derived column and summary; returns the rows.
pub fn copy_as_written(s: &rusqlite::Connection, pg: &mut postgres::Client) -> u64 {
    use ardesk::store::pg::copy;
    let mut tx = pg.transaction().unwrap();
    // The new database's own organization row gives way to the copy's.
    tx.batch_execute("DELETE FROM organization").unwrap();
    let mut copied = 0;
    for table in RAW {
        // The columns both sides have: a database of an older version
        // lacks those added since (`invoices.import_line`, version 6).
        let there: Vec<String> = tx
            .query(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1",
                &[table],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let cols: Vec<String> = columns(s, table).into_iter().filter(|c| there.contains(c)).collect();
        let select: Vec<String> = cols.iter().map(|c| as_first_written(table, c)).collect();
        let sql = format!("SELECT {} FROM {table} ORDER BY 1", select.join(", "));
        copied += copy::rows(s, &sql, &mut tx, table, &cols).unwrap();
        // What the app did next, in the order it did it.
        let later = match *table {
            "contacts" => vec![
                "SELECT 'UPDATE customers SET primary_contact_id = ' || primary_contact_id
                                || ' WHERE id = ' || id FROM customers WHERE primary_contact_id IS NOT NULL",
            ],
            "applications" => vec![
                "SELECT 'UPDATE invoices SET status = ''' || status || ''', written_off_on = '
                        || coalesce('''' || written_off_on || '''', 'NULL') || ' WHERE id = ' || id
                   FROM invoices WHERE status IN ('paid', 'uncollectible') ORDER BY id",
                "SELECT 'UPDATE applications SET removed_on = ''' || removed_on || ''' WHERE id = ' || id
                   FROM applications WHERE removed_on IS NOT NULL ORDER BY id",
            ],
            _ => vec![],
        };
        for q in later {
            let mut stmt = s.prepare(q).unwrap();
            let updates: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
            for u in updates {
                tx.batch_execute(&u).unwrap_or_else(|e| panic!("{u}: {e}"));
            }
        }
    }
    // Each identity moves past the ids copied, so a write after the copy
    // takes a new one (the schema's header says a copy must).
    let moves: Vec<String> = tx
        .query(
            "SELECT format('SELECT setval(%L, coalesce((SELECT max(%I) FROM %I), 0) + 1, false)',
                           pg_get_serial_sequence(table_name, column_name), column_name, table_name)
             FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for m in moves {
        tx.batch_execute(&m).unwrap();
    }
    tx.commit().unwrap();
    copied
}

/// A fresh database holding the demo (`super::demo_db`) copied as the app
/// wrote it; `None` when no cluster is configured (outside CI).
pub fn demo_copy() -> Option<TestDb> {
    let db = fresh()?;
    let s = rusqlite::Connection::open_with_flags(super::demo_db(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the demo opens");
    let mut c = ardesk::store::pg::connect(&db.url).expect("connect");
    ardesk::store::pg::migrate::upgrade(&mut c, "test").expect("upgrade");
    copy_as_written(&s, &mut c);
    Some(db)
}
