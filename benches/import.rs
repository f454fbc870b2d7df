//! Import throughput against design §4 (≥ 200,000 invoice rows per
//! second): a generated Stripe export of 1,000 customers and 1,000,000
//! invoice rows (80% paid, so each of those also gets a payment and an
//! application) imported into a fresh database file, several times; then
//! the same files imported again into the last one (every row unchanged).
//!
//!     cargo bench --bench import
//!
//! `ARDESK_BENCH_ROWS` (1000000), `ARDESK_BENCH_RUNS` (3) and
//! `ARDESK_BENCH_DIR` (target/bench/import; it must be on the disk to
//! measure the disk, not /dev/shm) tune it; `ARDESK_BENCH_AGAIN=0` leaves
//! out the second import, `ARDESK_BENCH_CHECK=1` runs `ardesk check` on
//! the result (slow on a million rows).

use ardesk::import::{Counted, ImportOptions, run_import};
use ardesk::store::{OpenMode, Store};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "../tests/gen/stripe_invoices.rs"]
mod stripe_gen;

use stripe_gen::{cpu_secs, generate};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Peak resident set size of this process since the last `reset_peak`, MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Starts a new peak-RSS measurement (Linux: "5" resets VmHWM).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

struct Run {
    wall: Duration,
    cpu: f64,
    rss: f64,
}

fn import_once(db: &Path, files: &[PathBuf], n: usize, expect_created: bool) -> Run {
    reset_peak();
    let (t, cpu) = (Instant::now(), cpu_secs());
    let mut store = Store::open(db, OpenMode::Create).unwrap();
    let report = run_import(&mut store, files, &ImportOptions::default(), false).unwrap();
    // Closing checkpoints the write-ahead log into the file: part of the cost.
    drop(store);
    let (wall, cpu) = (t.elapsed(), cpu_secs() - cpu);
    let c = report.count(Counted::Invoices);
    if expect_created {
        assert_eq!(c.created as usize, n, "{report}");
    } else {
        assert_eq!((c.unchanged as usize, report.changes()), (n, 0), "{report}");
    }
    Run { wall, cpu, rss: peak_rss_mib() }
}

fn main() {
    // `cargo bench` passes --bench; any other argument is a filter we ignore.
    let n = env_or("ARDESK_BENCH_ROWS", 1_000_000);
    let runs = env_or("ARDESK_BENCH_RUNS", 3).max(1);
    let dir = std::env::var_os("ARDESK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/import"));
    std::fs::create_dir_all(&dir).unwrap();
    let t = Instant::now();
    let (customers, invoices) = generate(&dir, n);
    let size = std::fs::metadata(&invoices).unwrap().len();
    eprintln!("generated {n} invoice rows ({:.0} MB) in {:.1?} in {}", size as f64 / 1e6, t.elapsed(), dir.display());
    let files = [customers, invoices];
    let db = dir.join("import.db");
    let mut fresh = Vec::new();
    for i in 0..runs {
        remove_db(&db);
        let r = import_once(&db, &files, n, true);
        eprintln!(
            "run {}: {:.0} invoice rows/s ({:.2?} wall, {:.1} s CPU, peak RSS {:.0} MiB)",
            i + 1,
            n as f64 / r.wall.as_secs_f64(),
            r.wall,
            r.cpu,
            r.rss
        );
        fresh.push(r);
    }
    let db_mb = std::fs::metadata(&db).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);
    let again = (std::env::var("ARDESK_BENCH_AGAIN").as_deref() != Ok("0")).then(|| import_once(&db, &files, n, false));
    if std::env::var("ARDESK_BENCH_CHECK").as_deref() == Ok("1") {
        let store = Store::open(&db, OpenMode::MustExist).unwrap();
        let problems = store.check(chrono::Utc::now().date_naive()).unwrap();
        assert!(problems.is_empty(), "{problems:#?}");
        eprintln!("ardesk check: clean");
    }
    fresh.sort_by_key(|r| r.wall);
    let median = &fresh[fresh.len() / 2];
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    println!("| import | rows | median rows/s | best rows/s | median wall | CPU | peak RSS | target |");
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| fresh database ({runs} runs, {db_mb:.0} MB file) | {n} | {:.0} | {:.0} | {:.2?} | {:.1} s | {:.0} MiB | ≥ 200000 |",
        rate(median.wall),
        rate(fresh[0].wall),
        median.wall,
        median.cpu,
        fresh.iter().map(|r| r.rss).fold(0.0, f64::max)
    );
    if let Some(again) = again {
        println!(
            "| again, all unchanged | {n} | {:.0} | | {:.2?} | {:.1} s | {:.0} MiB | |",
            rate(again.wall),
            again.wall,
            again.cpu,
            again.rss
        );
    }
    if std::env::var_os("ARDESK_BENCH_KEEP").is_none() {
        remove_db(&db);
    }
}
