//! Import throughput on a generated 1,000,000-row Stripe invoices export
//! (1,000 customers; 80% paid, 12% open, 5% draft, 3% void). Ignored by
//! default; run in release:
//!
//!     cargo test --release --test import_perf -- --ignored --nocapture
//!
//! `IMPORT_PERF_ROWS` changes the row count; `IMPORT_PERF_DIR` puts the
//! files and the database elsewhere (e.g. /dev/shm, to leave the disk out).

use ardesk::import::csv_input::CsvInput;
use ardesk::import::stripe::Stripe;
use ardesk::import::{
    BULK_BYTES, Counted, ImportError, ImportOptions, ObjectKind, Record, Sink, Source, run_import, run_import_tuned,
};
use ardesk::store::{OpenMode, Store};
use std::fmt::Write as _;
use std::io::Write;
use std::time::Instant;

const CUSTOMERS: usize = 1_000;

fn rows() -> usize {
    std::env::var("IMPORT_PERF_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000)
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn generate(dir: &std::path::Path, n: usize) -> (std::path::PathBuf, std::path::PathBuf) {
    let customers = dir.join("customers.csv");
    let mut c = std::io::BufWriter::new(std::fs::File::create(&customers).unwrap());
    writeln!(
        c,
        "id,Description,Email,Name,Created (UTC),Card ID,Total Spend,Payment Count,Refunded Volume,Dispute Losses"
    )
    .unwrap();
    for i in 0..CUSTOMERS {
        writeln!(c, "cus_P{i:013},,c{i}@example.test,Customer {i},2024-01-01 00:00,,0.00,0,0.00,0.00").unwrap();
    }
    c.flush().unwrap();
    let invoices = dir.join("invoices.csv");
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&invoices).unwrap());
    writeln!(w, "id,Amount Due,Billing,Closed,Currency,Customer,Date (UTC),Due Date (UTC),Number,Paid,Subscription,Subtotal,Total Discount Amount,Applied Coupons,Tax,Tax Percent,Total,Amount Paid,Status").unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut seq = vec![0u32; CUSTOMERS];
    let mut line = String::with_capacity(256);
    for i in 0..n {
        let r = rng.next();
        let cust = (r % CUSTOMERS as u64) as usize;
        seq[cust] += 1;
        let cents = 500 + (r >> 20) % 200_000;
        let total = format!("{}.{:02}", cents / 100, cents % 100);
        let (status, paid, closed) = match (r >> 40) % 100 {
            0..80 => ("paid", total.as_str(), "true"),
            80..92 => ("open", "0.00", "false"),
            92..97 => ("draft", "0.00", "false"),
            _ => ("void", "0.00", "true"),
        };
        let day = 1 + (i * 3650 / n.max(1)) as i64;
        let date = chrono::NaiveDate::from_ymd_opt(2016, 1, 1).unwrap() + chrono::Duration::days(day);
        let due = date + chrono::Duration::days(30);
        line.clear();
        let _ = writeln!(
            line,
            "in_1{r:016x}{i:06x},{total},send_invoice,{closed},usd,cus_P{cust:013},{date} 10:00,{due} 10:00,{:08X}-{:05},{},,{total},0.00,,,,{total},{paid},{status}",
            cust * 2_654_435_761 % 0xFFFF_FFFF,
            seq[cust],
            status == "paid"
        );
        w.write_all(line.as_bytes()).unwrap();
    }
    w.flush().unwrap();
    (customers, invoices)
}

/// CPU seconds this process has used (user + system), from /proc: other
/// processes on a shared machine stretch wall time, not this.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |x| x.1);
    let f: Vec<f64> = after.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
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
}

#[test]
#[ignore = "a throughput measurement: run in release with --ignored"]
fn a_million_stripe_invoice_rows() {
    let n = rows();
    let dir = match std::env::var("IMPORT_PERF_DIR") {
        Ok(d) => tempfile::tempdir_in(d).unwrap(),
        Err(_) => tempfile::tempdir().unwrap(),
    };
    let t = Instant::now();
    let (customers, invoices) = generate(dir.path(), n);
    let size = std::fs::metadata(&invoices).unwrap().len();
    eprintln!("generated {n} rows ({:.0} MB) in {:.1?}", size as f64 / 1e6, t.elapsed());

    // Reading and parsing alone.
    let (t, cpu) = (Instant::now(), cpu_secs());
    let mut input = CsvInput::open(&invoices, &|h| Stripe.detect_csv(h).is_some(), false).unwrap();
    let mut count = Count(0);
    Stripe.parse_csv(ObjectKind::Invoices, &mut input, &mut count).unwrap();
    let parse = t.elapsed();
    assert_eq!(count.0, n);
    let parse_cpu = cpu_secs() - cpu;
    eprintln!(
        "parse only: {:.0} rows/s ({parse:.1?}); per CPU second {:.0}",
        n as f64 / parse.as_secs_f64(),
        n as f64 / parse_cpu
    );

    // The whole import into a database file, one transaction.
    let mut store = Store::open(&dir.path().join("perf.db"), OpenMode::Create).unwrap();
    let (t, cpu) = (Instant::now(), cpu_secs());
    // IMPORT_PERF_BULK=0 keeps the summary triggers (row by row).
    let bulk = if std::env::var("IMPORT_PERF_BULK").as_deref() == Ok("0") { u64::MAX } else { BULK_BYTES };
    let report = run_import_tuned(&mut store, &[customers, invoices], &ImportOptions::default(), true, bulk).unwrap();
    let all = t.elapsed();
    assert_eq!(report.count(Counted::Invoices).created as usize, n);
    eprintln!("{report}");
    let all_cpu = cpu_secs() - cpu;
    eprintln!(
        "import: {:.0} invoice rows/s ({all:.1?}); per CPU second {:.0} ({all_cpu:.1}s CPU)",
        n as f64 / all.as_secs_f64(),
        n as f64 / all_cpu
    );
    let t = Instant::now();
    let again = run_import(
        &mut store,
        &[dir.path().join("customers.csv"), dir.path().join("invoices.csv")],
        &ImportOptions::default(),
        false,
    )
    .unwrap();
    assert_eq!(again.changes(), 0);
    eprintln!("re-import (all unchanged): {:.0} rows/s ({:.1?})", n as f64 / t.elapsed().as_secs_f64(), t.elapsed());
}
