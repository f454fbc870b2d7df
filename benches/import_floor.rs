//! What SQLite alone takes to write what `cargo bench --bench import`
//! writes: 1,000,000 invoices of 1,000 customers, 80% paid and each of those
//! with a payment and an application, into a fresh ardesk database with
//! its schema, settings and foreign keys, the summary triggers lifted and
//! indexes dropped and built again as the bulk import does, committed and
//! checkpointed — but with no parsing, no planning and no Rust between
//! rows: each table is filled by one `INSERT … SELECT` from rows already in
//! memory. It bounds what any importer on this schema can reach.
//!
//!     cargo bench --bench import_floor
//!
//! Two rows: the bulk import's own shape (screen and external-id indexes
//! lifted, 656 bytes of `source_raw` an invoice, what the generated export
//! gives), and a database no screen could use (no secondary index at all,
//! no `source_raw`), which is as fast as SQLite writes these rows here.
//! `ARDESK_BENCH_ROWS` (1000000) and `ARDESK_BENCH_DIR` as for the import
//! bench; `ARDESK_BENCH_STMT=64` binds the rows from memory that many to a
//! statement instead, as the importer does.

use ardesk::store::bulk::{LIFTED, UNIQUE_LIFTED};
use ardesk::store::summaries::KEEPERS as TRIGGERS;
use ardesk::store::{OpenMode, Store};
use rusqlite::Connection;
use rusqlite::types::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// Secondary indexes the bulk import keeps in place while it loads.
const KEPT: &[&str] =
    &["invoices_by_status", "payments_by_date", "applications_invoice", "applications_payment", "applications_credit"];

struct Shape {
    label: &'static str,
    /// Bytes of `source_raw` an invoice.
    raw: usize,
    /// Dropped before the load, created again before commit.
    lifted: Vec<&'static str>,
    /// Dropped before the load and left out.
    dropped: Vec<&'static str>,
}

/// The tables filled, and the columns each takes from `temp.src`.
const TABLES: [(&str, &str); 3] = [
    (
        "invoices(id, customer_id, number, issue_date, due_date, currency, total_minor, applied_minor, status, \
         import_source, external_id, source_raw, created_at, balance_minor)",
        "id, customer_id, number, issue_date, due_date, 'USD', total, paid, status, 'stripe', ext, raw, \
         '2026-12-01T00:00:00Z', CASE WHEN status = 'open' THEN total - paid ELSE 0 END FROM temp.src",
    ),
    (
        "payments(id, customer_id, received_on, amount_minor, applied_minor, currency, reference, status, method, \
         import_source, external_id, source_raw, created_at)",
        "id, customer_id, issue_date, paid, paid, 'USD', '', 'succeeded', 'automatic', 'stripe', ext || '#paid', \
         '{\"imported\":{\"made_for\":\"' || ext || '\"}}', '2026-12-01T00:00:00Z' FROM temp.src WHERE paid > 0",
    ),
    (
        "applications(invoice_id, payment_id, amount_minor, applied_on, created_at)",
        "id, id, paid, issue_date, '2026-12-01T00:00:00Z' FROM temp.src WHERE paid > 0",
    ),
];

/// A fresh database with 1,000 customers and `n` invoice rows in memory.
fn prepare(db: &Path, n: i64, raw: usize) -> Connection {
    remove_db(db);
    drop(Store::open(db, OpenMode::Create).unwrap());
    let c = Connection::open(db).unwrap();
    c.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = -262144;
         PRAGMA temp_store = MEMORY;
         CREATE TEMP TABLE src(id INTEGER PRIMARY KEY, customer_id, number, issue_date, due_date, total, paid,
                               status, ext, raw);",
    )
    .unwrap();
    {
        let mut s = c
            .prepare(
                "INSERT INTO customers(id, name, currency, created_at, import_source, external_id)
                 VALUES (?1, 'Customer ' || ?1, 'USD', '2026-12-01T00:00:00Z', 'stripe', 'cus_' || ?1)",
            )
            .unwrap();
        for i in 1..=1000 {
            s.execute([i]).unwrap();
        }
    }
    // In the order the import writes them: by customer, then number.
    let mut s = c.prepare("INSERT INTO temp.src VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)").unwrap();
    let filler = "x".repeat(raw);
    let per = (n / 1000).max(1);
    let start = chrono::NaiveDate::from_ymd_opt(2016, 1, 1).unwrap();
    let mut r: u64 = 0x9E37_79B9_7F4A_7C15;
    for id in 1..=n {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        let (cust, k) = ((id - 1) / per + 1, (id - 1) % per);
        let issue = start + chrono::Duration::days(k * 3650 / per);
        let total = 500 + (r >> 20) as i64 % 200_000;
        let paid = (r >> 40) % 100 < 80;
        s.execute(rusqlite::params![
            id,
            cust,
            format!("{cust:08X}-{k:05}"),
            issue.to_string(),
            (issue + chrono::Duration::days(30)).to_string(),
            total,
            if paid { total } else { 0 },
            if paid { "paid" } else { "open" },
            format!("in_1{r:016x}{id:06x}"),
            (raw > 0).then_some(filler.as_str()),
        ])
        .unwrap();
    }
    drop(s);
    c
}

/// DDL of the named schema objects, dropping them.
fn drop_all(c: &Connection, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|name| {
            let sql: String =
                c.query_row("SELECT sql FROM sqlite_schema WHERE name = ?1", [name], |r| r.get(0)).unwrap();
            let kind = if TRIGGERS.contains(name) { "TRIGGER" } else { "INDEX" };
            c.execute_batch(&format!("DROP {kind} {name}")).unwrap();
            sql
        })
        .collect()
}

/// Writes the rows of `temp.src` into `into`, one statement, or `per` rows
/// a statement bound from memory (`per` > 0; the time to read them back
/// into memory is left out).
fn fill(c: &Connection, into: &str, select: &str, per: usize) -> Duration {
    if per == 0 {
        let t = Instant::now();
        c.execute_batch(&format!("INSERT INTO {into} SELECT {select} ORDER BY id")).unwrap();
        return t.elapsed();
    }
    let rows: Vec<Vec<Value>> = {
        let mut q = c.prepare(&format!("SELECT {select} ORDER BY id")).unwrap();
        let k = q.column_count();
        q.query_map([], |r| (0..k).map(|i| r.get(i)).collect()).unwrap().map(Result::unwrap).collect()
    };
    let t = Instant::now();
    let one = format!("({})", vec!["?"; rows[0].len()].join(","));
    let sql = |k: usize| format!("INSERT INTO {into} VALUES {}", vec![one.as_str(); k].join(","));
    let mut full = c.prepare(&sql(per)).unwrap();
    for chunk in rows.chunks(per) {
        let values = rusqlite::params_from_iter(chunk.iter().flatten());
        if chunk.len() == per { full.execute(values) } else { c.execute(&sql(chunk.len()), values) }.unwrap();
    }
    t.elapsed()
}

/// Loads the rows in the shape given; the wall time from BEGIN to closed.
fn load(db: &Path, n: i64, shape: &Shape, per: usize) -> Duration {
    let c = prepare(db, n, shape.raw);
    let mut wall = Duration::ZERO;
    let mut lap = Instant::now();
    let mut phases = Vec::new();
    c.execute_batch("BEGIN IMMEDIATE").unwrap();
    let triggers = drop_all(&c, TRIGGERS);
    drop_all(&c, &shape.dropped);
    let indexes = drop_all(&c, &shape.lifted);
    for (into, select) in TABLES {
        wall += lap.elapsed();
        let took = fill(&c, into, select, per);
        wall += took;
        phases.push(format!("{} {took:.1?}", into.split('(').next().unwrap_or(into)));
        lap = Instant::now();
    }
    c.execute_batch("PRAGMA threads = 2").unwrap();
    let t = Instant::now();
    for sql in indexes.iter().chain(&triggers) {
        c.execute_batch(sql).unwrap();
    }
    phases.push(format!("indexes {:.1?}", t.elapsed()));
    let t = Instant::now();
    c.execute_batch("COMMIT").unwrap();
    drop(c);
    phases.push(format!("commit and close {:.1?}", t.elapsed()));
    wall += lap.elapsed();
    eprintln!("{}: {}", shape.label, phases.join(", "));
    wall
}

fn main() {
    let n = env_or("ARDESK_BENCH_ROWS", 1_000_000) as i64;
    let per = env_or("ARDESK_BENCH_STMT", 0);
    let dir = std::env::var_os("ARDESK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/import"));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("floor.db");
    let every: Vec<&str> = LIFTED.iter().chain(UNIQUE_LIFTED).chain(KEPT).copied().collect();
    let shapes = [
        Shape {
            label: "as the bulk import: screen and external-id indexes lifted, 656 B source_raw",
            raw: 656,
            lifted: LIFTED.iter().chain(UNIQUE_LIFTED).copied().collect(),
            dropped: Vec::new(),
        },
        Shape { label: "no secondary index at all, no source_raw", raw: 0, lifted: Vec::new(), dropped: every },
    ];
    let how = if per == 0 { "one INSERT … SELECT a table".to_string() } else { format!("{per} rows a statement") };
    println!("| SQLite alone ({how}) | rows | rows/s | wall | target |");
    println!("|---|---|---|---|---|");
    for shape in &shapes {
        let wall = load(&db, n, shape, per);
        println!("| {} | {n} | {:.0} | {wall:.2?} | ≥ 200000 |", shape.label, n as f64 / wall.as_secs_f64());
    }
    remove_db(&db);
}
