//! A generated Stripe export for throughput measurements: `customers`
//! customers and `n` invoice rows under the Dashboard's default invoices
//! header (80% paid, 12% open, 5% draft, 3% void), deterministic. Shared by
//! tests/import_perf.rs and benches/import.rs (`#[path]`-included).
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const CUSTOMERS: usize = 1_000;

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

/// Writes customers.csv and invoices.csv into `dir`; returns their paths.
pub fn generate(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
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
    let start = chrono::NaiveDate::from_ymd_opt(2016, 1, 1).unwrap();
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
        let date = start + chrono::Duration::days(day);
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

/// CPU seconds this process has used (user + system, every thread), from
/// /proc: other processes on a shared machine stretch wall time, not this.
pub fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |x| x.1);
    let f: Vec<f64> = after.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}
