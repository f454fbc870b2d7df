//! The generated Stripe invoices export the import benchmark uses (1,000
//! customers; 80% paid, 12% open, 5% draft, 3% void), imported whole: a
//! short form of 3,000 rows runs with every `cargo test` and asserts what
//! the run made; the timings it prints are for reading, never asserted
//! (`cargo bench --bench import` is the benchmark). For a measurement at
//! scale, in release:
//!
//!     IMPORT_PERF_ROWS=1000000 cargo test --release --test import_perf -- --nocapture
//!
//! `IMPORT_PERF_DIR` puts the files and the database elsewhere (e.g.
//! /dev/shm, to leave the disk out); `IMPORT_PERF_BULK=0` keeps the
//! summary triggers (row by row).

use ardesk::import::csv_input::CsvInput;
use ardesk::import::marks::Mark;
use ardesk::import::stripe::Stripe;
use ardesk::import::{
    BULK_BYTES, Counted, ImportError, ImportOptions, ObjectKind, Record, Sink, Source, run_import, run_import_tuned,
};
use ardesk::store::{OpenMode, Store};
use std::time::Instant;

#[path = "gen/stripe_invoices.rs"]
mod stripe_gen;

use stripe_gen::{cpu_secs, generate};

fn rows() -> usize {
    std::env::var("IMPORT_PERF_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(3_000)
}

struct Count(usize);

impl Sink for Count {
    fn record(&mut self, _r: Record) -> Result<(), ImportError> {
        self.0 += 1;
        Ok(())
    }
    fn issue(&mut self, _line: usize, _k: ardesk::import::IssueKind, _o: ObjectKind, r: String) {
        panic!("{r}");
    }
    fn default_currency(&self) -> ardesk::domain::Currency {
        ardesk::domain::Currency::USD
    }
}

#[test]
fn a_generated_stripe_export_imports_whole_then_unchanged() {
    let n = rows();
    let dir = match std::env::var("IMPORT_PERF_DIR") {
        Ok(d) => tempfile::tempdir_in(d).unwrap(),
        Err(_) => tempfile::tempdir().unwrap(),
    };
    let t = Instant::now();
    let (customers, invoices) = generate(dir.path(), n);
    let size = std::fs::metadata(&invoices).unwrap().len();
    eprintln!("generated {n} rows ({:.0} MB) in {:.1?}", size as f64 / 1e6, t.elapsed());

    // Reading and parsing alone: with the pass that decides the file's
    // decimal mark from all its amounts, and with the mark given
    // (--decimal-point), which skips that pass.
    for given in [None, Some(Mark::Point)] {
        let (t, cpu) = (Instant::now(), cpu_secs());
        let mut input = CsvInput::open(&invoices, &|h| Stripe.detect_csv(h).is_some(), false).unwrap();
        input.forced_mark = given;
        let mut count = Count(0);
        Stripe.parse_csv(ObjectKind::Invoices, &mut input, &mut count).unwrap();
        let parse = t.elapsed();
        assert_eq!(count.0, n);
        let parse_cpu = cpu_secs() - cpu;
        let how = if given.is_some() { "mark given" } else { "mark decided" };
        eprintln!(
            "parse only, {how}: {:.0} rows/s ({parse:.1?}); per CPU second {:.0}",
            n as f64 / parse.as_secs_f64(),
            n as f64 / parse_cpu
        );
    }

    // The whole import into a database file, one transaction; a short run
    // goes the bulk way too (the threshold is lowered to its file's size).
    let mut store = Store::open(&dir.path().join("perf.db"), OpenMode::Create).unwrap();
    let (t, cpu) = (Instant::now(), cpu_secs());
    let bulk = if std::env::var("IMPORT_PERF_BULK").as_deref() == Ok("0") { u64::MAX } else { BULK_BYTES.min(size) };
    let files = [customers, invoices];
    let report = run_import_tuned(&mut store, &files, &ImportOptions::default(), true, bulk).unwrap();
    let all = t.elapsed();
    assert_eq!(report.count(Counted::Invoices).created as usize, n);
    eprintln!("{report}");
    let all_cpu = cpu_secs() - cpu;
    eprintln!(
        "import: {:.0} invoice rows/s ({all:.1?}); per CPU second {:.0} ({all_cpu:.1}s CPU)",
        n as f64 / all.as_secs_f64(),
        n as f64 / all_cpu
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    if n <= 100_000 {
        // The same rows row by row give the same customers and figures, and
        // the books check out.
        let mut by_row = Store::open_in_memory().unwrap();
        run_import_tuned(&mut by_row, &files, &ImportOptions::default(), false, u64::MAX).unwrap();
        assert_eq!(store.customer_list(today).unwrap(), by_row.customer_list(today).unwrap());
        assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
    }
    assert_eq!(report.count(Counted::Customers).created as usize, stripe_gen::CUSTOMERS);
    // The bulk load leaves no row of the dated summary that sums to
    // nothing: an invoice paid the day it was issued takes its open balance
    // by due date away on that day and due date, and the sums of its row
    // and of its application's are made together (schema 20).
    let c = rusqlite::Connection::open(dir.path().join("perf.db")).unwrap();
    let (same_day, nothing): (i64, i64) = c
        .query_row(
            "SELECT (SELECT count(*) FROM applications a JOIN invoices i ON i.id = a.invoice_id
                     WHERE a.applied_on = i.issue_date),
                    (SELECT count(*) FROM customer_day_summary
                     WHERE invoices = 0 AND invoice_total = 0 AND shown_total = 0 AND billed = 0
                       AND billed_applied = 0 AND billed_credited = 0 AND open_by_due = 0 AND payments = 0
                       AND payment_total = 0 AND received = 0 AND refunded = 0 AND payment_applied = 0
                       AND granted = 0 AND credit_applied = 0 AND succeeded = 0 AND window_applied = 0
                       AND window_hi = 0 AND window_lo = 0 AND credits = 0)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(same_day * 2 > n as i64, "most generated invoices are paid the day they are issued: {same_day}");
    assert_eq!(nothing, 0, "rows of the dated summary that sum to nothing");
    drop(c);
    let t = Instant::now();
    let again = run_import(&mut store, &files, &ImportOptions::default(), false).unwrap();
    assert_eq!(again.changes(), 0, "{again}");
    eprintln!("re-import (all unchanged): {:.0} rows/s ({:.1?})", n as f64 / t.elapsed().as_secs_f64(), t.elapsed());
}
