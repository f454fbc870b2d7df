//! PostgreSQL's triggers keep what SQLite's keep (issue 21). The demo's
//! rows are copied from SQLite into a fresh PostgreSQL database as the
//! app's writes made them: invoices, payments and credits with nothing
//! applied, paid and written-off invoices open, applications live, then
//! the invoices closed and the applications reversed. Every derived
//! column, every summary row and every view must then equal SQLite's,
//! where the same triggers kept them; summary rows at zero are left out
//! on both sides, since which of them exist depends on history (the bulk
//! loader and `check --repair` leave them out too).

mod support;

use ardesk::store::pg::{self, copy, migrate};
use rusqlite::{Connection, OpenFlags};
use support::pg::{RAW, columns, copy_as_written, fresh};

/// Each summary with the measures that make a row "at zero".
const SUMMARIES: &[(&str, &[&str])] = &[
    ("customer_summary", &[]),
    ("customer_due_summary", &["open_minor"]),
    ("customer_collect_summary", &["applied_minor", "weighted_hi", "weighted_lo"]),
    (
        "customer_day_summary",
        &[
            "invoices",
            "invoice_total",
            "shown_total",
            "billed",
            "billed_applied",
            "billed_credited",
            "open_by_due",
            "payments",
            "payment_total",
            "received",
            "refunded",
            "payment_applied",
            "granted",
            "credit_applied",
            "succeeded",
            "window_applied",
            "window_hi",
            "window_lo",
            "credits",
        ],
    ),
    ("customer_outstanding", &[]),
];

const VIEWS: &[&str] = &[
    "dated_invoice_rows",
    "dated_application_rows",
    "dated_payment_rows",
    "dated_refund_rows",
    "dated_credit_rows",
    "customer_search_text",
];

/// Every row as text, sorted: SQLite's side.
fn sqlite_rows(s: &Connection, table: &str, cols: &[String], zero: &[&str]) -> Vec<String> {
    let mut stmt = s.prepare(&format!("SELECT {} FROM {table}", cols.join(", "))).unwrap();
    let mut out: Vec<Vec<String>> = stmt
        .query_map([], |r| {
            (0..cols.len())
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => "NULL".to_string(),
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        rusqlite::types::ValueRef::Blob(b) => {
                            format!("\\x{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>())
                        }
                        rusqlite::types::ValueRef::Real(f) => panic!("{table}: a REAL {f}"),
                    })
                })
                .collect()
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    out.retain(|r| !at_zero(cols, r, zero));
    let mut rows: Vec<String> = out.into_iter().map(|r| r.join("|")).collect();
    rows.sort();
    rows
}

/// PostgreSQL's side, each value as SQLite would write it.
fn pg_rows(pg: &mut postgres::Client, table: &str, cols: &[String], zero: &[&str]) -> Vec<String> {
    let types = copy::types(pg, table, cols).unwrap();
    let exprs: Vec<String> = cols
        .iter()
        .zip(&types)
        .map(|(c, t)| match *t {
            postgres::types::Type::BOOL => format!("coalesce({c}::integer::text, 'NULL')"),
            postgres::types::Type::DATE => {
                format!("coalesce(CASE WHEN {c} = '-infinity' THEN '' ELSE {c}::text END, 'NULL')")
            }
            _ => format!("coalesce({c}::text, 'NULL')"),
        })
        .collect();
    let mut out: Vec<Vec<String>> = pg
        .query(&format!("SELECT {} FROM {table}", exprs.join(", ")), &[])
        .unwrap()
        .iter()
        .map(|r| (0..cols.len()).map(|i| r.get(i)).collect())
        .collect();
    out.retain(|r| !at_zero(cols, r, zero));
    let mut rows: Vec<String> = out.into_iter().map(|r| r.join("|")).collect();
    rows.sort();
    rows
}

fn at_zero(cols: &[String], row: &[String], zero: &[&str]) -> bool {
    !zero.is_empty() && zero.iter().all(|z| row[cols.iter().position(|c| c == z).unwrap()] == "0")
}

#[test]
fn the_demo_copied_into_postgresql_has_sqlites_figures() {
    let Some(db) = fresh() else { return };
    let s = Connection::open_with_flags(support::demo_db(), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut pg = pg::connect(&db.url).unwrap();
    migrate::upgrade(&mut pg, "t").unwrap();
    let copied = copy_as_written(&s, &mut pg);
    assert!(copied > 3000, "the demo's rows were copied: {copied}");

    let (differences, empty) = compare(&s, &mut pg);
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // The comparison has something to compare everywhere but where the
    // demo writes nothing.
    assert_eq!(empty, ["credit_note_lines", "import_kept"], "tables empty on both sides");
}

/// Every raw table, summary and view of `s` against `pg`'s: the tables
/// that differ (with a few rows of each side's own), and those empty in
/// SQLite.
fn compare(s: &Connection, pg: &mut postgres::Client) -> (Vec<String>, Vec<&'static str>) {
    let (mut differences, mut empty) = (Vec::new(), Vec::new());
    let tables =
        RAW.iter().map(|t| (*t, &[][..])).chain(SUMMARIES.iter().copied()).chain(VIEWS.iter().map(|v| (*v, &[][..])));
    for (table, zero) in tables {
        let cols = columns(s, table);
        let (a, b) = (sqlite_rows(s, table, &cols, zero), pg_rows(pg, table, &cols, zero));
        if a.is_empty() {
            empty.push(table);
        }
        let only_sqlite: Vec<_> = a.iter().filter(|r| b.binary_search(r).is_err()).take(3).collect();
        let only_pg: Vec<_> = b.iter().filter(|r| a.binary_search(r).is_err()).take(3).collect();
        if a.len() != b.len() || !only_sqlite.is_empty() || !only_pg.is_empty() {
            differences.push(format!(
                "{table}: {} rows in SQLite, {} in PostgreSQL; only in SQLite {only_sqlite:?}; only in PostgreSQL {only_pg:?}",
                a.len(),
                b.len()
            ));
        }
    }
    (differences, empty)
}

/// Another tool's UPDATEs of many invoices at once, each statement
/// changing what the dated summary reads in rows of every kind (due
/// dates, totals, issue dates; cancelled, written off with payments
/// applied, reopened), run on SQLite and on the server: every summary row
/// and view still equal. PostgreSQL keeps an invoice update's dated rows
/// once a statement (schema 7), from the rows as they were and as they
/// are; SQLite row by row.
#[test]
fn many_row_updates_by_another_tool_keep_the_same_summaries() {
    let Some(db) = fresh() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    std::fs::copy(support::demo_db(), &path).unwrap();
    let s = Connection::open(&path).unwrap();
    let mut pg = pg::connect(&db.url).unwrap();
    migrate::upgrade(&mut pg, "t").unwrap();
    copy_as_written(&s, &mut pg);
    // (SQLite's statement, PostgreSQL's), the same change in each dialect.
    let changes: &[(&str, &str)] = &[
        (
            "UPDATE invoices SET due_date = date(due_date, '+7 days') WHERE status IN ('open', 'paid') AND id % 3 = 0",
            "UPDATE invoices SET due_date = due_date + 7 WHERE status IN ('open', 'paid') AND id % 3 = 0",
        ),
        (
            "UPDATE invoices SET total_minor = total_minor + 123 WHERE status IN ('draft', 'open') AND applied_minor = 0 AND id % 5 = 1",
            "UPDATE invoices SET total_minor = total_minor + 123 WHERE status IN ('draft', 'open') AND applied_minor = 0 AND id % 5 = 1",
        ),
        (
            "UPDATE invoices SET issue_date = date(issue_date, '-2 days') WHERE applied_minor = 0 AND id % 4 = 3",
            "UPDATE invoices SET issue_date = issue_date - 2 WHERE applied_minor = 0 AND id % 4 = 3",
        ),
        (
            "UPDATE invoices SET status = 'cancelled', cancelled_on = max(issue_date, '2026-02-10')
             WHERE status = 'open' AND applied_minor = 0 AND id % 7 = 2",
            "UPDATE invoices SET status = 'cancelled', cancelled_on = greatest(issue_date, '2026-02-10')
             WHERE status = 'open' AND applied_minor = 0 AND id % 7 = 2",
        ),
        (
            "UPDATE invoices SET status = 'uncollectible', written_off_on = max(issue_date, '2026-02-01')
             WHERE status = 'open' AND applied_minor > 0",
            "UPDATE invoices SET status = 'uncollectible', written_off_on = greatest(issue_date, '2026-02-01')
             WHERE status = 'open' AND applied_minor > 0",
        ),
        (
            "UPDATE invoices SET status = 'open', written_off_on = NULL WHERE status = 'uncollectible' AND id % 2 = 0",
            "UPDATE invoices SET status = 'open', written_off_on = NULL WHERE status = 'uncollectible' AND id % 2 = 0",
        ),
    ];
    for (lite, server) in changes {
        let a = s.execute(lite, []).unwrap();
        let b = pg.execute(*server, &[]).unwrap();
        assert_eq!(a as u64, b, "the same rows change on both: {server}");
        assert!(a > 1, "a statement of many rows: {server} changed {a}");
    }
    let (differences, _) = compare(&s, &mut pg);
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
