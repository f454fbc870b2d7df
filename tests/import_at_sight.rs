//! A re-import that knows unchanged rows at sight from their prints
//! (`import::read::prints`, schema 21) against the same run the whole way
//! (`ImportOptions::whole_way`): for every database state (as imported,
//! edited, cancelled, deleted, moved, its derived payment unapplied or
//! refunded) and every second file (the same, lines changed, lines whose
//! bytes changed but not what they map to, a line repeated, a hostile
//! line, a malformed line, another decimal mark, amounts written both
//! ways), the two give the same report word for word, the same refusal,
//! and the same rows in every table.
//!
//! On both backends (`on_both!`, PostgreSQL's schema 6): a fresh import
//! keeps every row's print, the row-by-row way and the bulk way alike, and
//! the same prints as SQLite; the same file again is known at sight and
//! writes nothing; a changed row goes the whole way; invoices without a
//! print (written before the schema kept them) get theirs at the next run.

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::domain::edit::RefundDraft;
use ardesk::import::{
    Counted, ImportError, ImportOptions, ImportReport, rows_known_at_sight, run_import, run_import_into,
};
use ardesk::store::{Books, OpenMode, Store};
use rusqlite::Connection;
use rusqlite::types::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

const CUSTOMERS: &str = "id,Description,Email,Name,Created (UTC),Account Balance,Currency,Delinquent\n\
cus_S1,,one@example.test,Sight One,2025-01-01 10:00,0.00,usd,false\n\
cus_S2,,two@example.test,Sight Two,2025-01-02 10:00,0.00,usd,false\n\
cus_S3,,three@example.test,Sight Three,2025-01-03 10:00,,,false\n";

const HEADER: &str = "id,Amount Due,Amount Paid,Currency,Customer,Customer Name,Date (UTC),Due Date (UTC),Number,\
Paid,Status,Total,Billing,Paid At (UTC)";

/// One invoice row: (id, amount due, amount paid, currency, customer,
/// issue day, number, paid flag, status, total, billing).
fn row(i: usize) -> Vec<String> {
    let cust = ["cus_S1", "cus_S2", "cus_S3"][i % 3];
    let day = 1 + i % 27;
    let (due, paid, flag, status, total) = match i % 7 {
        0..3 => ("120.50", "120.50", "true", "paid", "120.50"),
        3 => ("80.00", "20.00", "false", "open", "80.00"),
        4 => ("99.99", "0.00", "false", "draft", "99.99"),
        5 => ("45.00", "0.00", "false", "void", "45.00"),
        _ => ("1500.25", "0.00", "false", "open", "1500.25"),
    };
    let paid_at = if status == "paid" { format!("2025-05-{day:02} 09:00") } else { String::new() };
    [
        format!("in_S{i:03}"),
        due.into(),
        paid.into(),
        "usd".into(),
        cust.into(),
        String::new(),
        format!("2025-05-{day:02} 10:00"),
        format!("2025-06-{day:02} 10:00"),
        format!("SIGHT-{i:03}"),
        flag.into(),
        status.into(),
        total.into(),
        "send_invoice".into(),
        paid_at,
    ]
    .to_vec()
}

const ROWS: usize = 60;

fn text(rows: &[Vec<String>]) -> String {
    let mut s = String::from(HEADER) + "\n";
    for r in rows {
        let _ = writeln!(s, "{}", r.join(","));
    }
    s
}

fn rows() -> Vec<Vec<String>> {
    (0..ROWS).map(row).collect()
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

/// The second files, by name: what each changes.
fn second_files() -> Vec<(&'static str, String)> {
    let mut out = vec![("the same file", text(&rows()))];
    let mut changed = rows();
    changed[3][10] = "paid".into();
    changed[3][2] = "80.00".into();
    changed[3][9] = "true".into();
    changed[7][11] = "130.00".into();
    changed[7][1] = "130.00".into();
    changed[7][2] = "130.00".into();
    changed[8][8] = "SIGHT-008-B".into();
    changed[11][10] = "void".into();
    out.push(("some lines changed", text(&changed)));
    // Quoted, padded, an unmapped column changed: the same mapped values.
    let mut same_values = rows();
    same_values[1][12] = "charge_automatically".into();
    let mut body = text(&same_values);
    body = body.replacen("in_S002,", "\"in_S002\",", 1).replacen(",SIGHT-004,", ",  SIGHT-004  ,", 1);
    out.push(("bytes changed, values not", body));
    // A line repeated: first as it was, then changed; then a row changed, then as it was.
    let mut twice = rows();
    let mut again = twice[5].clone();
    again[8] = "SIGHT-005-AGAIN".into();
    twice.push(again);
    let mut first = twice[6].clone();
    first[12] = "changed_first".into();
    twice.insert(6, first);
    out.push(("a line repeated", text(&twice)));
    // Text a terminal must not see, and a number another invoice has.
    let mut hostile = rows();
    hostile[9][8] = "\"EVIL\x1b]52;c;aGk=\x07-009\"".into();
    hostile[10][8] = "SIGHT-012".into();
    out.push(("a hostile line", text(&hostile)));
    let mut short = text(&rows());
    short.push_str("in_S900,10.00,0.00,usd\n");
    out.push(("a malformed line", short));
    // The same amounts with a decimal comma (a semicolon file): every
    // print differs, so every row goes the whole way.
    let comma: Vec<Vec<String>> = rows()
        .into_iter()
        .map(|r| {
            r.into_iter().map(|c| if c.contains('.') && !c.contains('-') { c.replace('.', ",") } else { c }).collect()
        })
        .collect();
    let mut semi = HEADER.replace(',', ";") + "\n";
    for r in &comma {
        let _ = writeln!(semi, "{}", r.join(";"));
    }
    out.push(("a decimal comma", semi));
    let mut both = rows();
    both[20][11] = "\"1.500,25\"".into();
    both[20][1] = "\"1.500,25\"".into();
    out.push(("amounts written both ways", text(&both)));
    // The columns in another order: the header is part of every print.
    let mut swapped = HEADER.replacen("Amount Due,Amount Paid", "Amount Paid,Amount Due", 1) + "\n";
    for mut r in rows() {
        r.swap(1, 2);
        let _ = writeln!(swapped, "{}", r.join(","));
    }
    out.push(("columns reordered", swapped));
    out
}

fn open(p: &Path) -> Store {
    let mut s = Store::open(p, OpenMode::Create).unwrap();
    s.set_who("tester");
    s
}

fn id_of(c: &Connection, ext: &str) -> i64 {
    c.query_row("SELECT id FROM invoices WHERE external_id = ?1", [ext], |r| r.get(0)).unwrap()
}

fn customer_of(c: &Connection, ext: &str) -> i64 {
    c.query_row("SELECT customer_id FROM invoices WHERE external_id = ?1", [ext], |r| r.get(0)).unwrap()
}

/// The payment made for a paid invoice's paid amount, and its application.
fn made_payment(c: &Connection, ext: &str) -> (i64, i64) {
    c.query_row(
        "SELECT p.id, a.id FROM payments p JOIN applications a ON a.payment_id = p.id
         WHERE p.external_id = ?1 AND a.removed_on IS NULL",
        [format!("{ext}#paid")],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

/// Puts the database in a state: what a person did since the import.
fn local_state(db: &Path, state: &str) {
    let on = imp::d("2025-07-01");
    match state {
        "as imported" => {}
        "edited" => {
            let c = Connection::open(db).unwrap();
            let (id, cid) = (id_of(&c, "in_S003"), customer_of(&c, "in_S003"));
            drop(c);
            let mut s = open(db);
            let version: i64 = Connection::open(db)
                .unwrap()
                .query_row("SELECT version FROM invoices WHERE id = ?1", [id], |r| r.get(0))
                .unwrap();
            s.set_invoice_memo(cid, id, version, "called them, they pay Friday").unwrap();
            let c = Connection::open(db).unwrap();
            c.execute(
                "UPDATE invoices SET due_date = '2025-06-30', version = version + 1 WHERE external_id = 'in_S006'",
                [],
            )
            .unwrap();
        }
        "cancelled" => {
            let c = Connection::open(db).unwrap();
            let (id, cid) = (id_of(&c, "in_S006"), customer_of(&c, "in_S006"));
            drop(c);
            open(db).cancel_invoices(cid, &[id], on).unwrap();
        }
        "deleted" => {
            let c = Connection::open(db).unwrap();
            let id = id_of(&c, "in_S004");
            c.execute("DELETE FROM invoice_lines WHERE invoice_id = ?1", [id]).unwrap();
            c.execute("DELETE FROM invoices WHERE id = ?1", [id]).unwrap();
        }
        "moved" => {
            let c = Connection::open(db).unwrap();
            let other: i64 =
                c.query_row("SELECT id FROM customers WHERE external_id = 'cus_S3'", [], |r| r.get(0)).unwrap();
            c.execute("UPDATE invoices SET customer_id = ?1 WHERE external_id = 'in_S003'", [other]).unwrap();
        }
        "payment unapplied" => {
            let c = Connection::open(db).unwrap();
            let (_, app) = made_payment(&c, "in_S001");
            let cid = customer_of(&c, "in_S001");
            drop(c);
            open(db).unapply(cid, app, on).unwrap();
        }
        // Applications are never deleted, nor payments that had them: the
        // nearest a person comes is refunding the payment in full.
        "payment refunded" => {
            let c = Connection::open(db).unwrap();
            let (pay, _) = made_payment(&c, "in_S002");
            let (version, amount): (i64, i64) = c
                .query_row("SELECT version, amount_minor FROM payments WHERE id = ?1", [pay], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            drop(c);
            let refund = RefundDraft { refunded_on: on, amount_minor: amount, reason: "paid twice".into() };
            open(db).refund_payment(pay, version, &refund).unwrap();
        }
        other => panic!("no state {other}"),
    }
}

/// Every table's rows but the times a run writes, and the schema.
fn dump(db: &Path) -> Vec<(String, Vec<Vec<Value>>)> {
    let conn = Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .filter(|c: &String| !matches!(c.as_str(), "created_at" | "at"))
            .collect();
        if cols.is_empty() {
            continue;
        }
        let order: Vec<String> = (1..=cols.len()).map(|i| i.to_string()).collect();
        let sql = format!("SELECT {} FROM \"{t}\" ORDER BY {}", cols.join(", "), order.join(", "));
        let mut stmt = conn.prepare(&sql).unwrap();
        let rows = stmt
            .query_map([], |r| (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect::<Result<Vec<_>, _>>())
            .unwrap()
            .map(Result::unwrap)
            .collect();
        out.push((t, rows));
    }
    out
}

/// A run's outcome as text: its report, its time left out.
fn outcome(r: Result<ardesk::import::ImportReport, ImportError>) -> String {
    match r {
        Ok(mut rep) => {
            rep.elapsed = Duration::ZERO;
            format!("ok\n{rep}")
        }
        Err(ImportError::Refused { mut report }) => {
            report.elapsed = Duration::ZERO;
            format!("refused\n{report}")
        }
        Err(e) => format!("error\n{e}"),
    }
}

fn run(db: &Path, files: &[PathBuf], whole_way: bool, skip_bad_rows: bool) -> String {
    let opts = ImportOptions { whole_way, skip_bad_rows, ..Default::default() };
    outcome(run_import(&mut open(db), files, &opts, false))
}

/// How many invoices the run knew at sight: their print is kept and
/// nothing was written to them.
fn printed(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM invoices WHERE import_line IS NOT NULL", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn at_sight_and_the_whole_way_give_the_same_run_in_every_state() {
    let dir = tempfile::tempdir().unwrap();
    let customers = write(dir.path(), "customers.csv", CUSTOMERS);
    let first = write(dir.path(), "invoices.csv", &text(&rows()));
    let base = dir.path().join("base.db");
    let r = run(&base, &[customers.clone(), first], false, false);
    assert!(r.starts_with("ok\n"), "{r}");
    assert_eq!(printed(&base), ROWS as i64, "every imported row keeps its print");
    let states = ["as imported", "edited", "cancelled", "deleted", "moved", "payment unapplied", "payment refunded"];
    let mut checked = 0;
    let mut at_sight = Vec::new();
    for state in states {
        let stated = dir.path().join("stated.db");
        std::fs::copy(&base, &stated).unwrap();
        local_state(&stated, state);
        for (what, body) in second_files() {
            for skip in [false, true] {
                let second = write(dir.path(), "again.csv", &body);
                let files = [customers.clone(), second];
                let (fast, whole) = (dir.path().join("fast.db"), dir.path().join("whole.db"));
                std::fs::copy(&stated, &fast).unwrap();
                std::fs::copy(&stated, &whole).unwrap();
                let known = rows_known_at_sight();
                let a = run(&fast, &files, false, skip);
                at_sight.push((state, what, skip, rows_known_at_sight() - known));
                let b = run(&whole, &files, true, skip);
                assert_eq!(a, b, "{state}, {what}, skip bad rows {skip}: the reports differ");
                let (da, db) = (dump(&fast), dump(&whole));
                for ((ta, ra), (tb, rb)) in da.iter().zip(&db) {
                    assert_eq!(ta, tb);
                    assert_eq!(ra, rb, "{state}, {what}, skip bad rows {skip}: table {ta} differs");
                }
                assert_eq!(da.len(), db.len());
                // Run again on the result: a third import of the same file.
                let (a, b) = (run(&fast, &files, false, skip), run(&whole, &files, true, skip));
                assert_eq!(a, b, "{state}, {what}, skip bad rows {skip}, again: the reports differ");
                assert_eq!(dump(&fast), dump(&whole), "{state}, {what}, skip bad rows {skip}, again");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, states.len() * second_files().len() * 2);
    // The short way was taken where it may be, and only there.
    let known = |state: &str, what: &str| {
        at_sight.iter().filter(|k| k.0 == state && k.1 == what).map(|k| k.3).max().unwrap_or(0)
    };
    assert_eq!(known("as imported", "the same file"), ROWS as u64);
    assert_eq!(known("deleted", "the same file"), ROWS as u64 - 1);
    assert!(known("as imported", "some lines changed") >= ROWS as u64 - 4);
    assert_eq!(known("as imported", "a decimal comma"), 0);
    assert_eq!(known("as imported", "columns reordered"), 0);
    assert_eq!(known("as imported", "amounts written both ways"), 0);
}

/// The customers and invoices files in a new directory, imported once (the
/// short way) into `a.db` there.
fn imported_once() -> (tempfile::TempDir, PathBuf, [PathBuf; 2]) {
    let dir = tempfile::tempdir().unwrap();
    let customers = write(dir.path(), "customers.csv", CUSTOMERS);
    let first = write(dir.path(), "invoices.csv", &text(&rows()));
    let db = dir.path().join("a.db");
    let files = [customers, first];
    run(&db, &files, false, false);
    (dir, db, files)
}

#[test]
fn the_same_file_again_is_known_at_sight_and_writes_nothing() {
    let (_dir, db, files) = imported_once();
    let before = dump(&db);
    let known = rows_known_at_sight();
    let r = run_import(&mut open(&db), &files, &ImportOptions::default(), false).unwrap();
    assert_eq!(rows_known_at_sight() - known, ROWS as u64, "every row known at sight");
    assert_eq!((r.count(Counted::Invoices).unchanged, r.changes()), (ROWS as u64, 0), "{r}");
    assert_eq!(dump(&db), before);
    // The whole way knows none.
    let known = rows_known_at_sight();
    run(&db, &files, true, false);
    assert_eq!(rows_known_at_sight(), known);
}

#[test]
fn an_upgraded_database_goes_the_whole_way_once_and_keeps_the_prints() {
    let (dir, db, files) = imported_once();
    // As an invoice imported before schema 21 is: no print.
    Connection::open(&db).unwrap().execute("UPDATE invoices SET import_line = NULL", []).unwrap();
    let whole = dir.path().join("whole.db");
    std::fs::copy(&db, &whole).unwrap();
    assert_eq!(run(&db, &files, false, false), run(&whole, &files, true, false));
    assert_eq!(printed(&db), ROWS as i64, "the run kept the prints of the rows it found unchanged");
    assert_eq!(dump(&db), dump(&whole));
}

// Both backends ----------------------------------------------------------

/// The customers and first invoices files, in `dir`.
fn files_in(dir: &Path) -> [PathBuf; 2] {
    [write(dir, "customers.csv", CUSTOMERS), write(dir, "invoices.csv", &text(&rows()))]
}

/// Imports `files` into `b` (the whole way, or at sight where it may).
fn import_books(b: &mut Books, files: &[PathBuf], whole_way: bool) -> ImportReport {
    let opts = ImportOptions { whole_way, ..Default::default() };
    run_import_into(b, files, &opts, false).unwrap_or_else(|e| panic!("{e}"))
}

/// Each invoice's external id, version and print, as text.
fn prints_of(b: &Books) -> Vec<Vec<Option<String>>> {
    support::backends::texts(
        b,
        "SELECT external_id, CAST(version AS TEXT), CAST(import_line AS TEXT) FROM invoices ORDER BY external_id",
    )
}

/// What tells that a run wrote nothing: the rows of every table the app
/// writes, every invoice's print and version and, on PostgreSQL, each
/// invoice row's own version (`xmin`: any UPDATE, even of nothing, makes
/// a new one).
fn written(b: &Books) -> Vec<Vec<Option<String>>> {
    let mut out = prints_of(b);
    for t in ardesk::store::pg::transfer::RAW {
        out.extend(support::backends::texts(b, &format!("SELECT '{t}', CAST(count(*) AS TEXT) FROM {t}")));
    }
    if support::backends::on_postgres(b) {
        out.extend(support::backends::texts(b, "SELECT id::text, xmin::text FROM invoices ORDER BY id"));
    }
    out
}

on_both! {
fn a_fresh_import_keeps_every_rows_print_the_same_on_both_backends(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let files = files_in(dir.path());
    // Row by row (a small file), and in bulk (staged and copied).
    import_books(b, &files, false);
    let (_bulk_held, mut bulk) = support::backends::another(b);
    support::backends::import_tuned(&mut bulk, &files, &ImportOptions::default(), 0).unwrap();
    let prints = prints_of(b);
    assert_eq!(prints.len(), ROWS);
    assert!(prints.iter().all(|r| r[2].is_some()), "every imported row keeps its print: {prints:?}");
    assert_eq!(prints_of(&bulk), prints, "the bulk way keeps the same prints");
    // The prints are the rows' own, whichever backend keeps them.
    let (_lite_held, mut lite) = support::backends::sqlite();
    import_books(&mut lite, &files, false);
    assert_eq!(prints_of(&lite), prints);
}

fn the_same_file_again_is_known_at_sight_and_writes_nothing_on_both(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let files = files_in(dir.path());
    import_books(b, &files, false);
    let before = written(b);
    let known = rows_known_at_sight();
    let r = import_books(b, &files, false);
    assert_eq!(rows_known_at_sight() - known, ROWS as u64, "every row known at sight");
    assert_eq!((r.count(Counted::Invoices).unchanged, r.changes()), (ROWS as u64, 0), "{r}");
    assert_eq!(written(b), before, "nothing was written");
}

fn a_changed_row_goes_the_whole_way_on_both(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let files = files_in(dir.path());
    let (_held, mut whole) = support::backends::another(b);
    import_books(b, &files, false);
    import_books(&mut whole, &files, false);
    let before = prints_of(b);
    let (_, changed) = &second_files()[1];
    let second = [files[0].clone(), write(dir.path(), "changed.csv", changed)];
    let known = rows_known_at_sight();
    let fast = outcome(Ok(import_books(b, &second, false)));
    // Rows 3, 7, 8 and 11 changed; every other is known at sight.
    assert_eq!(rows_known_at_sight() - known, ROWS as u64 - 4);
    assert_eq!(fast, outcome(Ok(import_books(&mut whole, &second, true))), "at sight and the whole way differ");
    let after = prints_of(b);
    assert_eq!(after, prints_of(&whole));
    let moved: Vec<&str> =
        before.iter().zip(&after).filter(|(x, y)| x != y).map(|(x, _)| x[0].as_deref().unwrap()).collect();
    assert_eq!(moved, ["in_S003", "in_S007", "in_S008", "in_S011"], "the changed rows' prints and versions");
    // The changed file again: every row known by its new print.
    let known = rows_known_at_sight();
    import_books(b, &second, false);
    assert_eq!(rows_known_at_sight() - known, ROWS as u64);
}

fn a_repeated_line_leaves_the_print_of_the_last_row_that_wrote_on_both(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let files = files_in(dir.path());
    // SQLite, one statement a print, is the reference for what is left.
    let (_held, mut lite) = support::backends::sqlite();
    let (_, twice) = &second_files()[3];
    let second = [files[0].clone(), write(dir.path(), "twice.csv", twice)];
    for books in [&mut *b, &mut lite] {
        import_books(books, &files, false);
        // Without prints, each row goes the whole way: the first of a
        // repeated line keeps its print, the second changes the invoice.
        support::backends::execute(books, "UPDATE invoices SET import_line = NULL");
        import_books(books, &second, false);
    }
    assert_eq!(prints_of(b), prints_of(&lite));
}

fn invoices_without_a_print_get_theirs_at_the_next_run_on_both(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let files = files_in(dir.path());
    import_books(b, &files, false);
    let prints = prints_of(b);
    // As an invoice imported before the schema kept prints is.
    support::backends::execute(b, "UPDATE invoices SET import_line = NULL");
    let known = rows_known_at_sight();
    let r = import_books(b, &files, false);
    assert_eq!(rows_known_at_sight(), known, "no row is known without its print");
    assert_eq!((r.count(Counted::Invoices).unchanged, r.changes()), (ROWS as u64, 0), "{r}");
    // Each print kept again, the invoices' versions as they were.
    assert_eq!(prints_of(b), prints);
    let known = rows_known_at_sight();
    import_books(b, &files, false);
    assert_eq!(rows_known_at_sight() - known, ROWS as u64);
}
}
