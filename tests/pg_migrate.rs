//! `ardesk migrate` (issue 21), run as a user would: the demo's books moved
//! from a SQLite file to PostgreSQL and back come out the same, row for row
//! in every table and figure for figure for every customer; and whatever
//! cannot be copied whole (books already there, a damaged source, a value
//! PostgreSQL cannot hold, a file in the way) is refused with nothing
//! written.

mod support;

use ardesk::store::pg::transfer::TABLES;
use ardesk::store::{OpenMode, Store};
use support::pg::fresh;
use support::{TODAY, run};

/// Every row of every table, each as text, sorted.
fn rows(db: &std::path::Path) -> Vec<(String, Vec<String>)> {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    TABLES
        .iter()
        .map(|t| {
            let mut stmt = c.prepare(&format!("SELECT * FROM {t}")).unwrap();
            let n = stmt.column_count();
            let mut all: Vec<String> = stmt
                .query_map([], |r| {
                    Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            all.sort();
            (t.to_string(), all)
        })
        .collect()
}

fn migrate(from: &str, to: &str) -> (i32, String, String) {
    run(&["--today", TODAY, "migrate", "--from", from, "--to", to])
}

fn demo_file(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("books.db");
    std::fs::copy(support::demo_db(), &path).unwrap();
    path.display().to_string()
}

fn customers_pg(url: &str) -> i64 {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query_one("SELECT count(*) FROM customers", &[]).unwrap().get(0)
}

#[test]
fn the_demo_moves_to_postgresql_and_back_unchanged() {
    let Some(db) = fresh() else { return };
    let dir = tempfile::tempdir().unwrap();
    let books = demo_file(&dir);
    let (code, out, err) = migrate(&books, &db.url);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ok: ") && out.contains("every customer's record and figures equal"), "{out}");
    // What PostgreSQL now holds is what SQLite held: its own reads agree.
    let pg = ardesk::store::pg::PgStore::open(&db.url).unwrap();
    let lite = Store::open(std::path::Path::new(&books), OpenMode::MustExist).unwrap();
    let today = TODAY.parse().unwrap();
    assert_eq!(pg.customer_ids().unwrap(), lite.customer_ids().unwrap());
    for id in lite.customer_ids().unwrap() {
        let c = lite.customer(id).unwrap();
        assert_eq!(pg.figures(&c, today).unwrap(), lite.figures(&c, today).unwrap(), "customer {id}");
    }
    assert!(pg.check(today).unwrap().is_empty());
    drop(pg);
    // A write after the copy takes a new id, past the ids copied.
    let mut pg = ardesk::store::pg::PgStore::open(&db.url).unwrap();
    let new = pg
        .create_customer(&ardesk::domain::edit::CustomerEdit {
            name: "After the move".into(),
            legal_name: String::new(),
            billing_email: String::new(),
            billing_address: String::new(),
            currency: "USD".parse().unwrap(),
            invoices_paused: false,
            portal: false,
        })
        .unwrap();
    assert!(new > *lite.customer_ids().unwrap().iter().max().unwrap());
    let mut c = db.client();
    c.batch_execute(&format!(
        "DELETE FROM audit_log WHERE customer_id = {new}; DELETE FROM customers WHERE id = {new}"
    ))
    .unwrap();
    drop(pg);

    let back = dir.path().join("back.db");
    let (code, out, err) = migrate(&db.url, &back.display().to_string());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ok: "), "{out}");
    // No temporary file is left beside the copy (the books, still open
    // here, have their log).
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["back.db", "books.db", "books.db-shm", "books.db-wal"]);
    let (before, after) = (rows(std::path::Path::new(&books)), rows(&back));
    for ((table, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a.len(), b.len(), "{table}");
        assert!(a == b, "{table}: the rows differ after the round trip");
    }
    // `ardesk check` and every customer's JSON, from the real binary.
    let (code, out, _) = run(&["--db", &back.display().to_string(), "--today", TODAY, "check"]);
    assert_eq!(code, 0, "{out}");
    for id in lite.customer_ids().unwrap() {
        let one = |db: &str| run(&["--db", db, "--today", TODAY, "customer", &id.to_string(), "--json"]).1;
        assert_eq!(one(&books), one(&back.display().to_string()), "customer {id}");
    }
}

/// A source that is not there is said as such, not with the advice an
/// open gives (a demo, or leaving out --no-create), and a server database
/// that is not there with what makes it; nothing is written either way.
#[test]
fn a_source_or_a_database_not_there_is_said_plainly() {
    let Some(db) = fresh() else { return };
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("nowhere.db");
    let (code, _, err) = migrate(&nowhere.display().to_string(), &db.url);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nowhere.db does not exist: there are no books there to copy"), "{err}");
    assert!(!err.contains("--no-create") && !nowhere.exists(), "{err}");
    let books = demo_file(&dir);
    let missing = support::pg::with_dbname(&db.url, "ardesk_nowhere");
    let (code, _, err) = migrate(&books, &missing);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("database \"ardesk_nowhere\" does not exist; create it first (`createdb"), "{err}");
}

#[test]
fn books_already_there_are_never_copied_over() {
    let Some(db) = fresh() else { return };
    let dir = tempfile::tempdir().unwrap();
    let books = demo_file(&dir);
    assert_eq!(migrate(&books, &db.url).0, 0);
    let held = customers_pg(&db.url);
    let (code, _, err) = migrate(&books, &db.url);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("already holds books (organization, customers, contacts, …)"), "{err}");
    assert!(err.contains("nothing was copied"), "{err}");
    assert_eq!(customers_pg(&db.url), held);

    // Settings saved on an otherwise empty database are books too.
    let other = fresh().unwrap();
    let mut c = other.client();
    ardesk::store::pg::migrate::upgrade(&mut c, "test").unwrap();
    c.batch_execute("UPDATE organization SET name = 'Ours', version = version + 1").unwrap();
    let (code, _, err) = migrate(&books, &other.url);
    assert_eq!(code, 2);
    assert!(err.contains("already holds books (organization)"), "{err}");

    // And back: an existing file is left as it is.
    let there = dir.path().join("there.db");
    std::fs::write(&there, b"mine").unwrap();
    let (code, _, err) = migrate(&db.url, &there.display().to_string());
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&there).unwrap(), b"mine");
}

#[test]
fn a_source_that_fails_its_check_is_refused_with_its_problems() {
    let Some(db) = fresh() else { return };
    let dir = tempfile::tempdir().unwrap();
    let books = demo_file(&dir);
    // Another tool moved a summary: the books no longer add up.
    let c = rusqlite::Connection::open(&books).unwrap();
    c.execute("UPDATE customer_summary SET outstanding_minor = outstanding_minor + 1 WHERE customer_id = 1", [])
        .unwrap();
    drop(c);
    let (code, out, err) = migrate(&books, &db.url);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("problem: "), "{out}");
    assert!(err.contains("mend them before moving the books; nothing was copied"), "{err}");
    // Nothing was made on the server, not even the schema.
    let tables: i64 =
        db.client().query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &[]).unwrap().get(0);
    assert_eq!(tables, 0);
}

#[test]
fn a_value_postgresql_cannot_hold_undoes_the_whole_copy() {
    let Some(db) = fresh() else { return };
    let dir = tempfile::tempdir().unwrap();
    let books = demo_file(&dir);
    // SQLite keeps a NUL inside a text; PostgreSQL cannot. Far down the
    // copy (a contact's name), after every customer went in.
    let c = rusqlite::Connection::open(&books).unwrap();
    c.execute("UPDATE contacts SET name = 'Ann' || char(0) || 'Lee' WHERE id = (SELECT max(id) FROM contacts)", [])
        .unwrap();
    drop(c);
    let (code, out, err) = migrate(&books, &db.url);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("the copy to") && err.contains("was undone; nothing was copied"), "{err}");
    assert!(err.contains("NUL"), "{err}");
    assert_eq!(customers_pg(&db.url), 0);
    // The triggers are all there still (they were lifted inside the
    // transaction that was undone).
    let mut pg = db.client();
    let off: i64 =
        pg.query_one("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'", &[]).unwrap().get(0);
    assert_eq!(off, 0);
}

#[test]
fn two_files_two_servers_and_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db").display().to_string();
    let (code, _, err) = migrate(&a, &dir.path().join("b.db").display().to_string());
    assert_eq!(code, 2);
    assert!(err.contains("both of these are files"), "{err}");
    let (code, _, err) = migrate("postgres://x@/a", "postgresql://x@/b");
    assert_eq!(code, 2);
    assert!(err.contains("both of these are PostgreSQL"), "{err}");
    // A missing source file: said, and no file made.
    let (code, _, err) = migrate(&a, "postgres://ann:s3cret@127.0.0.1:1/books?connect_timeout=2");
    assert_eq!(code, 2);
    assert!(!std::path::Path::new(&a).exists());
    assert!(!err.contains("s3cret"), "{err}");
    // An unreachable server: its password is never shown.
    let books = demo_file(&dir);
    let (code, _, err) = migrate(&books, "postgres://ann:s3cret@127.0.0.1:1/books?connect_timeout=2");
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("s3cret") && err.contains("ann:***@"), "{err}");
    let back = dir.path().join("back.db");
    let (code, _, err) =
        migrate("postgres://ann:s3cret@127.0.0.1:1/books?connect_timeout=2", &back.display().to_string());
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("s3cret"), "{err}");
    assert!(!back.exists());
}

/// Each invoice's external id and row print (`invoices.import_line`).
fn prints_lite(db: &std::path::Path) -> Vec<(String, Option<i64>)> {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = c.prepare("SELECT external_id, import_line FROM invoices ORDER BY external_id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn the_row_prints_move_both_ways_and_the_server_knows_its_rows_by_them() {
    use ardesk::import::{ImportOptions, rows_known_at_sight, run_import_into};
    let Some(db) = fresh() else { return };
    let dir = tempfile::tempdir().unwrap();
    let books = dir.path().join("books.db");
    let stripe =
        |n: &str| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/stripe").join(n);
    let files = [stripe("customers_all_columns_2025.csv"), stripe("invoices_default_2023.csv")];
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let (code, out, err) = run(&["--db", &books.display().to_string(), "import", &names[0], &names[1]]);
    assert_eq!(code, 0, "{out}{err}");
    let prints = prints_lite(&books);
    assert!(!prints.is_empty() && prints.iter().all(|p| p.1.is_some()), "{prints:?}");
    let (code, out, err) = migrate(&books.display().to_string(), &db.url);
    assert_eq!(code, 0, "{out}{err}");
    let mut c = db.client();
    let on_pg: Vec<(String, Option<i64>)> = c
        .query("SELECT external_id, import_line FROM invoices ORDER BY external_id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(on_pg, prints, "the prints crossed to the server");
    // The server's next import of the same files knows every row by them.
    let mut pg =
        ardesk::store::Books::open(&ardesk::store::location::Location::Postgres(db.url.clone()), OpenMode::MustExist)
            .unwrap();
    let known = rows_known_at_sight();
    let r = run_import_into(&mut pg, &files, &ImportOptions::default(), false).unwrap();
    assert_eq!(rows_known_at_sight() - known, prints.len() as u64, "{r}");
    assert_eq!(r.changes(), 0, "{r}");
    drop(pg);
    let back = dir.path().join("back.db");
    let (code, out, err) = migrate(&db.url, &back.display().to_string());
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(prints_lite(&back), prints, "and back");
}
