//! Esc on an import in every phase: before the commit the run stops and
//! the database is exactly as it was; at the commit it is too late, the run
//! says so, and everything is written. (Before: Esc while the popup said
//! "Writing it to disk…" answered "cancelled, it writes nothing" and then
//! wrote all 200,000 invoices.)

#[path = "gen/stripe_invoices.rs"]
mod gen_stripe;

use ardesk::import::{Cancel, ImportError, ImportOptions, Watch, run_import_watched_tuned};
use ardesk::store::{OpenMode, Store};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Every row of every table, for comparing before and after.
fn dump(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let tables: Vec<String> = c
        // The search index is derived from the customers (`check` compares it).
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'
             AND name NOT LIKE 'customer_search%' AND name NOT IN ('invoice_search', 'invoice_search_data', 'invoice_search_idx', 'payment_search',
                              'payment_search_data', 'payment_search_idx')
             ORDER BY 1",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = c.prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            out.push(format!("{t}: {:?}", (0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>()));
        }
    }
    let schema: Vec<String> = c
        .prepare("SELECT name || ' ' || coalesce(sql, '') FROM sqlite_schema ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    out.extend(schema);
    out
}

struct Fixture {
    _dir: tempfile::TempDir,
    db: PathBuf,
    files: Vec<PathBuf>,
}

/// A database with one earlier import, and a generated Stripe export of
/// 3,000 invoices to import on top of it (in bulk mode: the threshold is 0).
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let (customers, invoices) = gen_stripe::generate(dir.path(), 3_000);
    let mut s = Store::open(&db, OpenMode::Create).unwrap();
    let r = run_import_watched_tuned(
        &mut s,
        std::slice::from_ref(&customers),
        &ImportOptions::default(),
        &Watch::default(),
        0,
    );
    assert!(r.unwrap().count(ardesk::import::Counted::Customers).created > 0);
    s.checkpoint().unwrap();
    Fixture { _dir: dir, db, files: vec![customers, invoices] }
}

/// Runs the import with Esc pressed when it reaches `stage`; returns what
/// the run and the Esc said, and the stages it went through.
fn cancel_at(fx: &Fixture, stage: &'static str) -> (Result<(), ImportError>, Option<Cancel>, Vec<String>) {
    let mut s = Store::open(&fx.db, OpenMode::MustExist).unwrap();
    let said = Arc::new(Mutex::new(None));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let base = Watch::default();
    s.set_who("tester");
    base.attach(s.interrupt_handle());
    let (w, said2, seen2) = (base.clone(), said.clone(), seen.clone());
    let watch = base.on_stage(move |now| {
        seen2.lock().unwrap().push(now.to_string());
        if now == stage {
            *said2.lock().unwrap() = Some(w.cancel());
        }
    });
    let r = run_import_watched_tuned(&mut s, &fx.files, &ImportOptions::default(), &watch, 0).map(|_| ());
    let said = *said.lock().unwrap();
    let seen = seen.lock().unwrap().clone();
    (r, said, seen)
}

#[test]
fn esc_before_the_commit_writes_nothing_in_every_phase() {
    let fx = fixture();
    let before = dump(&fx.db);
    for stage in ["adding up the customers' figures", "writing it to disk"] {
        let (r, said, seen) = cancel_at(&fx, stage);
        assert_eq!(said, Some(Cancel::Stopping), "{stage}: {seen:?}");
        assert!(matches!(r, Err(ImportError::Cancelled)), "{stage}: {r:?}");
        assert!(dump(&fx.db) == before, "{stage}: the database is as it was");
    }
    // While the files are read: cancelled before the first row.
    let mut s = Store::open(&fx.db, OpenMode::MustExist).unwrap();
    let w = Watch::default();
    assert_eq!(w.cancel(), Cancel::Stopping);
    let r = run_import_watched_tuned(&mut s, &fx.files, &ImportOptions::default(), &w, 0);
    assert!(matches!(r, Err(ImportError::Cancelled)), "{r:?}");
    drop(s);
    assert!(dump(&fx.db) == before, "reading: the database is as it was");
}

#[test]
fn esc_at_the_commit_is_too_late_and_says_so() {
    let fx = fixture();
    let before = dump(&fx.db);
    let (r, said, seen) = cancel_at(&fx, "committing");
    assert_eq!(said, Some(Cancel::TooLate), "{seen:?}");
    assert!(r.is_ok(), "{r:?}");
    assert!(dump(&fx.db) != before, "written, as the popup said it would be");
    assert_eq!(
        seen,
        [
            "building the indexes of the new rows",
            "adding up the customers' figures",
            "writing it to disk",
            "committing"
        ]
        .iter()
        .filter(|s| seen.contains(&s.to_string()))
        .map(|s| s.to_string())
        .collect::<Vec<_>>(),
        "the stages come in order"
    );
}
