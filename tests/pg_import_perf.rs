//! The generated Stripe invoices export of the import benchmark
//! (`tests/gen/stripe_invoices.rs`) imported on PostgreSQL, fresh and then
//! again unchanged, beside the same on SQLite: a short form (3,000 rows)
//! with every `cargo test` that has a cluster, checking the books; the
//! times and peak RSS it prints are for reading, never asserted. At scale,
//! in release, one backend a process (so `/usr/bin/time -v` measures it):
//!
//!     PG_IMPORT_PERF_ROWS=1000000 PG_IMPORT_PERF_ON=pg \
//!         cargo test --release --test pg_import_perf -- --nocapture
//!
//! `PG_IMPORT_PERF_ON` is `pg`, `sqlite` or both (unset).

mod support;

use ardesk::import::ImportReport;
use ardesk::import::{BULK_BYTES, Counted, ImportOptions, run_import, run_import_tuned};
use ardesk::store::import::ImportStore;
use ardesk::store::pg::PgStore;
use ardesk::store::{OpenMode, Store};
use std::path::PathBuf;
use std::time::Instant;

#[path = "gen/stripe_invoices.rs"]
mod stripe_gen;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Imports `files` fresh, then again; prints both.
fn measure<S: ImportStore>(what: &str, store: &mut S, files: &[PathBuf], n: usize, size: u64) -> ImportReport {
    reset_peak();
    let t = Instant::now();
    let report = run_import_tuned(store, files, &ImportOptions::default(), false, BULK_BYTES.min(size)).unwrap();
    let fresh = t.elapsed();
    assert_eq!(report.count(Counted::Invoices).created as usize, n, "{report}");
    eprintln!(
        "{what}: fresh {n} invoice rows in {fresh:.1?} ({:.0} rows/s), peak RSS {:.0} MiB",
        n as f64 / fresh.as_secs_f64(),
        peak_rss_mib()
    );
    reset_peak();
    let t = Instant::now();
    let again = run_import(store, files, &ImportOptions::default(), false).unwrap();
    assert_eq!(again.changes(), 0, "{again}");
    eprintln!("{what}: again, all unchanged, in {:.1?}, peak RSS {:.0} MiB", t.elapsed(), peak_rss_mib());
    report
}

#[test]
fn a_generated_stripe_export_imports_on_postgresql_as_on_sqlite() {
    let n: usize = std::env::var("PG_IMPORT_PERF_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(3_000);
    let on = std::env::var("PG_IMPORT_PERF_ON").unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    let (customers, invoices) = stripe_gen::generate(dir.path(), n);
    let size = std::fs::metadata(&invoices).unwrap().len();
    let files = vec![customers, invoices];
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let mut lite = None;
    if on != "pg" {
        let mut s = Store::open(&dir.path().join("perf.db"), OpenMode::Create).unwrap();
        measure("SQLite", &mut s, &files, n, size);
        lite = Some(s);
    }
    if on != "sqlite" {
        let Some(db) = support::pg::fresh() else { return };
        let mut pg = PgStore::open(&db.url).unwrap();
        measure("PostgreSQL", &mut pg, &files, n, size);
        if n <= 100_000 {
            assert_eq!(pg.check(today).unwrap(), Vec::<String>::new());
            if let Some(lite) = &lite {
                assert_eq!(pg.customer_list(today).unwrap(), lite.customer_list(today).unwrap());
            }
        }
    }
}
