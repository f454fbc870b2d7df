//! One store test, both backends (issue 21): `on_both!` turns a test body
//! that takes `&mut Books` into `name::on_sqlite` (a fresh SQLite file) and
//! `name::on_postgres` (a fresh database on the test cluster; skipped
//! outside CI when there is none, `pg::fresh`). The assertions are the
//! same on both: a difference is a difference between the backends.
//!
//! Fixtures written with `Store::seeder` (direct inserts, SQLite's only)
//! reach PostgreSQL by `seed`: made in a SQLite file, then copied as the
//! app wrote them (`pg::copy_as_written`), so that the server's triggers
//! build every derived column and summary themselves. What a test reads
//! beneath the store (a row's version, its status, the audit log) it
//! reads with `texts`, in SQL both dialects speak.

use super::pg::{TestDb, copy_as_written, fresh};
use ardesk::domain::model::Customer;
use ardesk::store::location::Location;
use ardesk::store::pg::PgStore;
use ardesk::store::{Books, CustomerFigures, OpenMode, Store};
use chrono::NaiveDate;

/// Who writes, as most SQLite store tests say it (a test may say another).
pub const WHO: &str = "tester";

/// What a test's books live in, kept until the test ends.
pub enum Held {
    File(tempfile::TempDir),
    Server(TestDb),
}

/// Empty books in a SQLite file.
pub fn sqlite() -> (Held, Books) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("books.db"), OpenMode::Create).unwrap();
    store.set_who(WHO);
    (Held::File(dir), Books::from(store))
}

/// Empty books in a fresh PostgreSQL database; `None` (the test skips)
/// when no cluster is configured outside CI.
pub fn postgres() -> Option<(Held, Books)> {
    let db = fresh()?;
    let mut store = PgStore::open(&db.url).unwrap();
    store.set_who(WHO);
    Some((Held::Server(db), Books::from(store)))
}

/// Which backend, for the few words a test says about it.
pub fn on_postgres(b: &Books) -> bool {
    b.pg().is_some()
}

/// Writes a fixture with what only the SQLite store has (its seeder):
/// into the books themselves on SQLite; on PostgreSQL into a SQLite file
/// first, whose rows are then copied into the server's database as the
/// app wrote them. Runs on empty books only.
pub fn seed<T>(b: &mut Books, write: impl FnOnce(&mut Store) -> T) -> T {
    if let Some(store) = b.lite_mut() {
        return write(store);
    }
    let Location::Postgres(url) = b.location() else { unreachable!("a server's books") };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.db");
    let out = {
        let mut store = Store::open(&path, OpenMode::Create).unwrap();
        store.set_who(b.who());
        write(&mut store)
    };
    let lite = rusqlite::Connection::open(&path).unwrap();
    let mut pg = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    copy_as_written(&lite, &mut pg);
    out
}

/// The demo (`super::demo_db`, made once per test binary by the binary)
/// in `b`, which must be empty: on SQLite a copy of its file beside `b`'s
/// (in the same temporary directory, which `Held` keeps), opened in `b`'s
/// place; on PostgreSQL its rows copied into `b`'s database as the app
/// wrote them (`pg::copy_as_written`), so that the server's triggers
/// rebuild every summary.
pub fn demo_into(b: &mut Books) {
    match b.location() {
        Location::File(path) => {
            let copy = path.with_file_name("demo.db");
            std::fs::copy(super::demo_db(), &copy).unwrap();
            let who = b.who().to_string();
            *b = Books::open(&Location::File(copy), OpenMode::MustExist).unwrap();
            b.set_who(&who);
        }
        Location::Postgres(url) => {
            let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
            let lite = rusqlite::Connection::open_with_flags(super::demo_db(), flags).unwrap();
            let mut pg = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            copy_as_written(&lite, &mut pg);
        }
    }
}

/// The rows a query returns, every value as text: numbers and dates as
/// both dialects print them (a PostgreSQL `numeric`, such as a `sum` of
/// `bigint`, is cast to text in the SQL).
pub fn texts(b: &Books, sql: &str) -> Vec<Vec<Option<String>>> {
    match b.location() {
        Location::File(path) => {
            use rusqlite::types::Value;
            let conn = rusqlite::Connection::open(path).unwrap();
            let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
            let n = stmt.column_count();
            let text = |v: Value| match v {
                Value::Null => None,
                Value::Integer(i) => Some(i.to_string()),
                Value::Real(f) => Some(f.to_string()),
                Value::Text(t) => Some(t),
                Value::Blob(b) => Some(String::from_utf8_lossy(&b).into_owned()),
            };
            stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i).map(text)).collect())
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        }
        Location::Postgres(url) => {
            use postgres::types::Type;
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            let rows = c
                .query(sql, &[])
                .unwrap_or_else(|e| panic!("{sql}: {}", e.as_db_error().map_or(e.to_string(), |d| d.message().into())));
            let text = |r: &postgres::Row, i: usize| -> Option<String> {
                let t = r.columns()[i].type_().clone();
                match t {
                    Type::INT8 => r.get::<_, Option<i64>>(i).map(|v| v.to_string()),
                    Type::INT4 => r.get::<_, Option<i32>>(i).map(|v| v.to_string()),
                    Type::INT2 => r.get::<_, Option<i16>>(i).map(|v| v.to_string()),
                    Type::BOOL => r.get::<_, Option<bool>>(i).map(|v| i32::from(v).to_string()),
                    Type::DATE => r.get::<_, Option<NaiveDate>>(i).map(|v| v.to_string()),
                    _ => r.try_get::<_, Option<String>>(i).unwrap_or_else(|e| panic!("{sql}: column {i} ({t}): {e}")),
                }
            };
            rows.iter().map(|r| (0..r.len()).map(|i| text(r, i)).collect()).collect()
        }
    }
}

/// The one value a query returns.
pub fn text(b: &Books, sql: &str) -> String {
    let rows = texts(b, sql);
    assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
    rows[0][0].clone().unwrap_or_else(|| panic!("{sql}: NULL"))
}

/// A number a query returns (cast to text in the SQL).
pub fn number(b: &Books, sql: &str) -> i64 {
    text(b, sql).parse().unwrap()
}

/// A row's version in `table`.
pub fn version(b: &Books, table: &str, id: i64) -> i64 {
    number(b, &format!("SELECT CAST(version AS TEXT) FROM {table} WHERE id = {id}"))
}

/// The figures from the summaries, after asserting that `check` finds
/// nothing and, on SQLite, that they equal the figures recomputed from
/// the raw rows (`figures_oracle`, SQLite's only; the server's `check`
/// compares its summaries with its raw rows itself).
pub fn consistent_figures(b: &Books, customer: &Customer, today: NaiveDate) -> CustomerFigures {
    let fast = b.figures(customer, today).unwrap();
    if let Some(store) = b.lite() {
        let slow = store.figures_oracle(customer, today).unwrap();
        assert_eq!(fast, slow, "summaries differ from the raw-row oracle for {} on {today}", customer.name);
    }
    assert_eq!(b.check(today).unwrap(), Vec::<String>::new(), "check on {today}");
    fast
}

/// `on_both! { fn name(b: &mut Books) { … } }`: the body run on each
/// backend, as `name::on_sqlite` and `name::on_postgres`. Several tests
/// may go in one `on_both!`.
#[macro_export]
macro_rules! on_both {
    ($( $(#[$meta:meta])* fn $name:ident($b:ident: &mut Books) $body:block )*) => { $(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn body($b: &mut ardesk::store::Books) $body

            #[test]
            fn on_sqlite() {
                let (_held, mut b) = $crate::support::backends::sqlite();
                body(&mut b);
            }

            #[test]
            fn on_postgres() {
                let Some((_held, mut b)) = $crate::support::backends::postgres() else { return };
                body(&mut b);
            }
        }
    )* };
}

/// Empty books of another database on the same backend as `b`.
pub fn another(b: &Books) -> (Held, Books) {
    if on_postgres(b) { postgres().unwrap() } else { sqlite() }
}

/// Runs `sql` beneath the store, as a person with a raw connection would.
pub fn execute(b: &Books, sql: &str) {
    match b.location() {
        Location::File(path) => {
            rusqlite::Connection::open(path).unwrap().execute(sql, []).unwrap();
        }
        Location::Postgres(url) => {
            postgres::Client::connect(&url, postgres::NoTls).unwrap().execute(sql, &[]).unwrap();
        }
    }
}

/// `run_import_tuned` into the books on either backend.
pub fn import_tuned(
    b: &mut Books,
    files: &[std::path::PathBuf],
    opts: &ardesk::import::ImportOptions,
    bulk_bytes: u64,
) -> Result<ardesk::import::ImportReport, ardesk::import::ImportError> {
    match b {
        Books::Lite(s) => ardesk::import::run_import_tuned(s, files, opts, false, bulk_bytes),
        Books::Pg(s) => ardesk::import::run_import_tuned(s, files, opts, false, bulk_bytes),
    }
}

/// Imports `files` into fresh books on `b`'s backend.
pub fn import_fresh(
    b: &Books,
    files: &[std::path::PathBuf],
) -> Result<ardesk::import::ImportReport, ardesk::import::ImportError> {
    let (_held, mut fresh) = another(b);
    ardesk::import::run_import_into(&mut fresh, files, &ardesk::import::ImportOptions::default(), false)
}

/// What `--db` takes to reach these books: the file's path or the URL.
pub fn db_arg(b: &Books) -> String {
    match b.location() {
        Location::File(path) => path.display().to_string(),
        Location::Postgres(url) => url,
    }
}
