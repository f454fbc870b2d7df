//! "A team on one host" (issue 19): for a bounded time, on one database
//! (a SQLite file, or a fresh database on a PostgreSQL cluster: `Backend`),
//! real `ardesk` TUIs in tmux with the live view on, and writer
//! processes that record payments, create invoices and cancel them through
//! the store at a steady pace, all on the same few customers. At the end:
//! every write a writer saw commit is in the file as written (a lost update
//! is one that is not), refusals are counted apart, save and reload
//! latencies, each TUI's peak RSS, and `ardesk check`.
//!
//! Shared by `tests/team_load.rs` (a few seconds, in CI) and
//! `benches/team_load.rs` (a minute, by hand). Nothing listens: the TUIs run
//! under a tmux server on a Unix socket in the run's temporary directory,
//! which is killed at the end, also when the run fails.
//!
//! A writer is this same test or bench binary run again with
//! `ARDESK_LOAD_ROLE=writer` (see `writer_role` and `writer_main`); it logs
//! each write it believes committed, one line each, to its own file.
//!
//! The checks read the database through `Db`: SQL written once, every
//! column `CAST(… AS TEXT)` and `$1` for the one integer bound, which
//! SQLite and PostgreSQL both accept.

use ardesk::domain::edit::{Allocation, CustomerEdit, InvoiceDraft, PaymentDraft};
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::{Books, OpenMode, StoreError};
use chrono::{Days, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const TODAY: &str = "2026-12-05";
const ROLE: &str = "ARDESK_LOAD_ROLE";
/// How long a TUI may take to show a probe before it counts as missed.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// What one run does.
#[derive(Debug, Clone)]
pub struct Config {
    pub duration: Duration,
    pub tuis: usize,
    pub writers: usize,
    /// Each writer's pace.
    pub writes_per_sec: u32,
    /// The customers everything happens on (the first USD customers of the
    /// demo): writers pick among them at random, TUIs watch them in turn.
    pub customers: usize,
    pub backend: Backend,
}

/// Where a run's books are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in the run's temporary directory.
    Sqlite,
    /// A fresh database made for the run on a PostgreSQL cluster, and
    /// dropped after it: the URL is of a database there to connect to as
    /// one who may create databases (`postgres`, say).
    Postgres(String),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }

    /// The tests' cluster (`ARDESK_TEST_PG`, from `bash .ci/pg start`), as
    /// tests/support/pg.rs finds it: `None` (the test skips, said on
    /// stderr) when it is not set outside CI; under CI that is a failure.
    #[allow(dead_code)]
    pub fn test_cluster() -> Option<Backend> {
        const ENV: &str = "ARDESK_TEST_PG";
        let Some(admin) = std::env::var(ENV).ok().filter(|v| !v.is_empty()) else {
            let in_ci =
                std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"));
            assert!(
                !in_ci,
                "CI runs the PostgreSQL tests: {ENV} must name a cluster (`eval \"$(bash .ci/pg start)\"`)"
            );
            eprintln!("skipped: {ENV} is not set (`eval \"$(bash .ci/pg start)\"` starts a throwaway cluster)");
            return None;
        };
        Some(Backend::Postgres(admin))
    }
}

/// The URL with its database name replaced (as tests/support/pg.rs does).
fn with_dbname(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a postgres:// URL");
    let slash = rest.find('/').unwrap_or(rest.len());
    let query = rest[slash..].find('?').map_or("", |q| &rest[slash + q..]);
    format!("{scheme}://{}/{name}{query}", &rest[..slash])
}

/// The books a run (or a test) works on, empty until `demo`: a file in
/// `dir`, or a new database on the cluster, dropped (its sessions ended)
/// when this is.
pub struct Database {
    /// What `ardesk --db` and `Books::open_named` are given: a path or a URL.
    pub named: String,
    /// (admin URL, database name) on PostgreSQL.
    pg: Option<(String, String)>,
}

impl Database {
    pub fn new(backend: &Backend, dir: &Path) -> Database {
        match backend {
            Backend::Sqlite => Database { named: dir.join("team.db").to_str().expect("a UTF-8 path").into(), pg: None },
            Backend::Postgres(admin) => {
                use std::sync::atomic::{AtomicU32, Ordering};
                static N: AtomicU32 = AtomicU32::new(0);
                let name = format!("ardesk_load_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
                let mut c = postgres::Client::connect(admin, postgres::NoTls).expect("the cluster answers");
                c.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0")).expect("create the database");
                Database { named: with_dbname(admin, &name), pg: Some((admin.clone(), name)) }
            }
        }
    }

    /// `ardesk demo` there.
    pub fn demo(&self, bin: &Path) {
        let out = Command::new(bin).args(["demo", "--today", TODAY, "--db", &self.named]).output().unwrap();
        assert!(out.status.success(), "ardesk demo: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// A connection for the checks.
    pub fn reader(&self) -> Db {
        match self.pg {
            None => Db::Lite(
                rusqlite::Connection::open_with_flags(&self.named, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap(),
            ),
            Some(_) => Db::Pg(Box::new(postgres::Client::connect(&self.named, postgres::NoTls).unwrap())),
        }
    }

    /// The store, as a writer opens it.
    pub fn books(&self) -> Books {
        Books::open_named(&self.named, OpenMode::MustExist).unwrap()
    }

    /// Sessions connected to the run's database (`None` on SQLite); the
    /// one asking is on the admin database, not counted.
    fn sessions(&self) -> Option<usize> {
        let (admin, name) = self.pg.as_ref()?;
        let mut c = postgres::Client::connect(admin, postgres::NoTls).ok()?;
        let n: i64 = c.query_one("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", &[name]).ok()?.get(0);
        Some(n as usize)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg
            && let Ok(mut c) = postgres::Client::connect(admin, postgres::NoTls)
        {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// A connection to either backend, for the checks' SQL: every column
/// selected `CAST(… AS TEXT)` (NULL stays NULL), `$1` the one integer
/// bound.
pub enum Db {
    Lite(rusqlite::Connection),
    Pg(Box<postgres::Client>),
}

impl Db {
    fn rows(&mut self, sql: &str, arg: Option<i64>) -> Vec<Vec<Option<String>>> {
        match self {
            Db::Lite(c) => {
                let mut stmt = c.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                let n = stmt.column_count();
                let args: Vec<i64> = arg.into_iter().collect();
                stmt.query_map(rusqlite::params_from_iter(args), |r| (0..n).map(|i| r.get(i)).collect())
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            Db::Pg(c) => {
                let args: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    arg.iter().map(|a| a as &(dyn postgres::types::ToSql + Sync)).collect();
                c.query(sql, &args)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
                    .iter()
                    .map(|r| (0..r.len()).map(|i| r.get(i)).collect())
                    .collect()
            }
        }
    }

    /// The first row, if any.
    fn row(&mut self, sql: &str, arg: i64) -> Option<Vec<Option<String>>> {
        self.rows(sql, Some(arg)).into_iter().next()
    }

    /// A one-column query's integers.
    fn ints(&mut self, sql: &str, arg: Option<i64>) -> Vec<i64> {
        self.rows(sql, arg).into_iter().map(|r| int(&r[0])).collect()
    }
}

fn int(v: &Option<String>) -> i64 {
    v.as_deref().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not an integer: {v:?}"))
}

impl Config {
    /// `default`, with `ARDESK_LOAD_SECS`, `ARDESK_LOAD_TUIS`,
    /// `ARDESK_LOAD_WRITERS`, `ARDESK_LOAD_RATE` and
    /// `ARDESK_LOAD_CUSTOMERS` taken from the environment when set.
    pub fn from_env(default: Config) -> Config {
        let get = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f64>().ok());
        Config {
            duration: get("ARDESK_LOAD_SECS").map_or(default.duration, Duration::from_secs_f64),
            tuis: get("ARDESK_LOAD_TUIS").map_or(default.tuis, |v| v as usize),
            writers: get("ARDESK_LOAD_WRITERS").map_or(default.writers, |v| v as usize),
            writes_per_sec: get("ARDESK_LOAD_RATE").map_or(default.writes_per_sec, |v| v as u32),
            customers: get("ARDESK_LOAD_CUSTOMERS").map_or(default.customers, |v| v as usize),
            backend: default.backend,
        }
    }
}

// ---------------------------------------------------------------- writers

/// Whether this process was started as a writer.
pub fn writer_role() -> bool {
    std::env::var(ROLE).is_ok_and(|v| v == "writer")
}

/// A small xorshift: the writers need variety, not quality.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// One line of a writer's log: a write it saw commit, one the store
/// refused, or one that failed. `micros` is the store call alone (waiting
/// for the write lock included).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Logged {
    Invoice {
        id: i64,
        customer: i64,
        number: String,
        total: i64,
        micros: u64,
    },
    /// `applied`: (invoice number, amount) as the outcome said.
    Payment {
        id: i64,
        customer: i64,
        amount: i64,
        unapplied: i64,
        applied: Vec<(String, i64)>,
        micros: u64,
    },
    /// The invoices it cancelled, and how many of those asked for it left
    /// (paid or cancelled by someone else since the writer looked).
    Cancel {
        customer: i64,
        ids: Vec<i64>,
        left: usize,
        micros: u64,
    },
    /// "Changed elsewhere — reload".
    Conflict {
        micros: u64,
        why: String,
    },
    /// Refused because what the writer chose changed since it looked (an
    /// invoice it meant to pay was paid or cancelled meanwhile).
    Stale {
        micros: u64,
        why: String,
    },
    Error {
        micros: u64,
        why: String,
    },
    /// A cancel not tried: the customer had no unpaid open invoice.
    Skipped,
}

impl Logged {
    fn line(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n'], " ");
        match self {
            Logged::Invoice { id, customer, number, total, micros } => {
                format!("invoice\t{micros}\t{id}\t{customer}\t{number}\t{total}")
            }
            Logged::Payment { id, customer, amount, unapplied, applied, micros } => {
                let a: Vec<String> = applied.iter().map(|(n, m)| format!("{n}={m}")).collect();
                format!("payment\t{micros}\t{id}\t{customer}\t{amount}\t{unapplied}\t{}", a.join(","))
            }
            Logged::Cancel { customer, ids, left, micros } => {
                let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("cancel\t{micros}\t{customer}\t{left}\t{}", ids.join(","))
            }
            Logged::Conflict { micros, why } => format!("conflict\t{micros}\t{}", clean(why)),
            Logged::Stale { micros, why } => format!("stale\t{micros}\t{}", clean(why)),
            Logged::Error { micros, why } => format!("error\t{micros}\t{}", clean(why)),
            Logged::Skipped => "skipped\t0".into(),
        }
    }

    fn parse(line: &str) -> Logged {
        let f: Vec<&str> = line.split('\t').collect();
        let n = |i: usize| -> i64 { f[i].parse().unwrap_or_else(|_| panic!("bad log line {line:?}")) };
        let micros = n(1) as u64;
        fn list(s: &str) -> Vec<&str> {
            s.split(',').filter(|x| !x.is_empty()).collect()
        }
        match f[0] {
            "invoice" => Logged::Invoice { micros, id: n(2), customer: n(3), number: f[4].into(), total: n(5) },
            "payment" => Logged::Payment {
                micros,
                id: n(2),
                customer: n(3),
                amount: n(4),
                unapplied: n(5),
                applied: list(f[6])
                    .into_iter()
                    .map(|p| {
                        let (num, m) = p.rsplit_once('=').unwrap();
                        (num.to_string(), m.parse().unwrap())
                    })
                    .collect(),
            },
            "cancel" => Logged::Cancel {
                micros,
                customer: n(2),
                left: n(3) as usize,
                ids: list(f[4]).into_iter().map(|x| x.parse().unwrap()).collect(),
            },
            "conflict" => Logged::Conflict { micros, why: f[2].into() },
            "stale" => Logged::Stale { micros, why: f[2].into() },
            "error" => Logged::Error { micros, why: f[2].into() },
            "skipped" => Logged::Skipped,
            other => panic!("unknown log line kind {other:?}"),
        }
    }

    /// What kind of write, for the latencies by kind.
    fn kind(&self) -> &'static str {
        match self {
            Logged::Invoice { .. } => "invoice",
            Logged::Payment { .. } => "payment",
            Logged::Cancel { .. } => "cancel",
            _ => "refused",
        }
    }

    /// How long the store took, for a write that was tried.
    fn micros(&self) -> Option<u64> {
        match self {
            Logged::Invoice { micros, .. }
            | Logged::Payment { micros, .. }
            | Logged::Cancel { micros, .. }
            | Logged::Conflict { micros, .. }
            | Logged::Stale { micros, .. }
            | Logged::Error { micros, .. } => Some(*micros),
            Logged::Skipped => None,
        }
    }
}

/// What the store said, sorted into the log's kinds.
fn refusal(e: StoreError, micros: u64) -> Logged {
    let why = e.to_string();
    match e {
        StoreError::Conflict(_) => Logged::Conflict { micros, why },
        StoreError::Invalid(_) => Logged::Stale { micros, why },
        _ => Logged::Error { micros, why },
    }
}

fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| panic!("a writer needs {key}"))
}

/// A writer: until its time is up, one write every 1/rate seconds on a
/// random one of the customers: 40 % a new invoice, 40 % a payment (half
/// oldest due first, half to one or two open invoices it just looked at),
/// 20 % cancelling one or two unpaid open invoices it just looked at.
/// Invoices are $10–$2,010 and payments $5–$505, so unpaid invoices pile
/// up and a cancel mostly finds one.
pub fn writer_main() {
    let db = env("ARDESK_LOAD_DB");
    let index: u64 = env("ARDESK_LOAD_INDEX").parse().unwrap();
    let customers: Vec<i64> = env("ARDESK_LOAD_ON").split(',').map(|c| c.parse().unwrap()).collect();
    let millis: u64 = env("ARDESK_LOAD_MILLIS").parse().unwrap();
    let rate: u32 = env("ARDESK_LOAD_RATE_EACH").parse().unwrap();
    let mut log = std::fs::File::create(env("ARDESK_LOAD_LOG")).unwrap();
    let today: NaiveDate = TODAY.parse().unwrap();
    let mut store = Books::open_named(&db, OpenMode::MustExist).unwrap();
    store.set_who(&format!("load-writer-{index}"));
    let currency: BTreeMap<i64, _> = customers.iter().map(|&c| (c, store.customer(c).unwrap().currency)).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (index + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let period = Duration::from_secs(1) / rate.max(1);
    let (start, end) = (Instant::now(), Instant::now() + Duration::from_millis(millis));
    let mut seq = 0u32;
    for k in 0.. {
        let due = start + period * k;
        if due >= end {
            break;
        }
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        let customer = customers[rng.below(customers.len() as u64) as usize];
        let cur = currency[&customer];
        let roll = rng.below(100);
        let logged = if roll < 40 {
            seq += 1;
            let d = InvoiceDraft {
                contract_id: None,
                number: format!("LW{index:02}-{seq:05}"),
                issue_date: today,
                due_date: today + Days::new(30),
                period: None,
                total_minor: 1_000 + rng.below(200_000) as i64,
                currency: cur,
                status: InvoiceStatus::Open,
                memo: String::new(),
                lines: Vec::new(),
            };
            let t = Instant::now();
            let r = store.create_invoice(customer, &d);
            let micros = t.elapsed().as_micros() as u64;
            match r {
                Ok(id) => Logged::Invoice { id, customer, number: d.number, total: d.total_minor, micros },
                Err(e) => refusal(e, micros),
            }
        } else if roll < 80 {
            let open = store.open_invoices(customer, cur, 50).unwrap();
            let allocation = if open.is_empty() || rng.below(2) == 0 {
                Allocation::OldestFirst
            } else {
                let a = open[rng.below(open.len() as u64) as usize].id;
                let b = open[rng.below(open.len() as u64) as usize].id;
                Allocation::Invoices(if a == b { vec![a] } else { vec![a, b] })
            };
            let d = PaymentDraft {
                received_on: today,
                amount_minor: 500 + rng.below(50_000) as i64,
                currency: cur,
                reference: format!("LW{index:02}-P{k}"),
                allocation,
            };
            let t = Instant::now();
            let r = store.record_payment(customer, &d);
            let micros = t.elapsed().as_micros() as u64;
            match r {
                Ok(o) => Logged::Payment {
                    id: o.payment_id,
                    customer,
                    amount: d.amount_minor,
                    unapplied: o.unapplied_minor,
                    applied: o.applied,
                    micros,
                },
                Err(e) => refusal(e, micros),
            }
        } else {
            let unpaid: Vec<i64> = store
                .open_invoices(customer, cur, 1000)
                .unwrap()
                .into_iter()
                .filter(|i| i.applied_minor == 0)
                .map(|i| i.id)
                .collect();
            if unpaid.is_empty() {
                writeln!(log, "{}", Logged::Skipped.line()).unwrap();
                continue;
            }
            let mut ids: Vec<i64> =
                (0..1 + rng.below(2)).map(|_| unpaid[rng.below(unpaid.len() as u64) as usize]).collect();
            ids.dedup();
            let t = Instant::now();
            let r = store.cancel_invoices(customer, &ids, today);
            let micros = t.elapsed().as_micros() as u64;
            match r {
                Ok(p) => Logged::Cancel {
                    customer,
                    ids: p.cancel.iter().map(|c| c.0).collect(),
                    left: p.refused.len(),
                    micros,
                },
                Err(e) => refusal(e, micros),
            }
        };
        writeln!(log, "{}", logged.line()).unwrap();
    }
    log.sync_all().unwrap();
}

// ---------------------------------------------------------------- the run

/// What a run measured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub config_line: String,
    pub secs: f64,
    pub invoices: usize,
    pub payments: usize,
    /// Cancel calls that committed, and the invoices they cancelled.
    pub cancel_calls: usize,
    pub cancelled: usize,
    /// Writes the store refused as "changed elsewhere — reload".
    pub conflicts: usize,
    /// Writes (or invoices within a cancel) refused because what the writer
    /// chose was paid or cancelled by another writer since it looked.
    pub stale: Vec<String>,
    /// Writes that failed outright (busy past the timeout, a database error).
    pub errors: Vec<String>,
    /// Cancels not tried: nothing unpaid to cancel.
    pub skipped: usize,
    /// Committed writes that are not in the file as written, and rows in the
    /// file that no write reported.
    pub lost: Vec<String>,
    pub save: Vec<Duration>,
    /// The same by kind of write (invoice, payment, cancel, refused).
    pub save_by_kind: BTreeMap<&'static str, Vec<Duration>>,
    pub reload: Vec<Duration>,
    /// Per TUI: probes seen, probes missed.
    pub seen: Vec<(usize, usize)>,
    pub probes: usize,
    pub rss_kib: Vec<u64>,
    pub check_ok: bool,
    pub check_output: String,
    /// "SQLite" or "PostgreSQL".
    pub backend: String,
    /// On PostgreSQL, the most sessions seen on the run's database.
    pub sessions: Option<usize>,
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

/// (median, p99, max) of a sample, `None` when it is empty.
pub fn quantiles(v: &[Duration]) -> Option<(Duration, Duration, Duration)> {
    let mut v = v.to_vec();
    v.sort();
    let at = |q: usize| v[((v.len() * q).div_ceil(100)).saturating_sub(1).min(v.len() - 1)];
    (!v.is_empty()).then(|| (at(50), at(99), v[v.len() - 1]))
}

impl Report {
    pub fn committed(&self) -> usize {
        self.invoices + self.payments + self.cancel_calls
    }

    /// The figures: (figure, value, target) each.
    pub fn rows(&self) -> Vec<(String, String, String)> {
        let q = |v: &[Duration]| {
            quantiles(v).map_or("–".into(), |(m, p, x)| format!("{} / {} / {}", ms(m), ms(p), ms(x)))
        };
        let rss = |f: fn(&[u64]) -> Option<u64>| {
            f(&self.rss_kib).map_or("–".into(), |k| format!("{:.1}", k as f64 / 1024.0))
        };
        let slow = self.save.iter().filter(|d| **d > Duration::from_millis(100)).count();
        let mut rows: Vec<(String, String, &str)> = vec![
            (
                "writes committed".into(),
                format!(
                    "{} in {:.1} s ({:.1}/s): {} invoices, {} payments, {} cancels ({} invoices)",
                    self.committed(),
                    self.secs,
                    self.committed() as f64 / self.secs.max(1e-9),
                    self.invoices,
                    self.payments,
                    self.cancel_calls,
                    self.cancelled
                ),
                "",
            ),
            ("lost updates".into(), self.lost.len().to_string(), "0"),
            (
                "refused, not lost".into(),
                format!(
                    "{} changed elsewhere, {} chosen invoice paid or cancelled meanwhile",
                    self.conflicts,
                    self.stale.len()
                ),
                "",
            ),
            ("failed writes".into(), self.errors.len().to_string(), "0"),
            ("cancels not tried (nothing unpaid to cancel)".into(), self.skipped.to_string(), ""),
            ("save latency median / p99 / max, ms".into(), q(&self.save), "p99 ≤ 100"),
            (
                "save p99 by kind, ms".into(),
                self.save_by_kind
                    .iter()
                    .map(|(k, v)| format!("{k} {}", quantiles(v).map_or("–".into(), |(_, p, _)| ms(p))))
                    .collect::<Vec<_>>()
                    .join(", "),
                "",
            ),
            (
                "saves over 100 ms".into(),
                format!("{slow} of {} ({:.1} %)", self.save.len(), slow as f64 * 100.0 / self.save.len().max(1) as f64),
                "",
            ),
            ("reload latency seen by the TUIs median / p99 / max, ms".into(), q(&self.reload), "≤ 1000"),
            (
                "probes: renames each TUI had to show".into(),
                format!(
                    "{} × {} TUIs, {} missed",
                    self.probes,
                    self.seen.len(),
                    self.seen.iter().map(|s| s.1).sum::<usize>()
                ),
                "0 missed",
            ),
            (
                "peak RSS per TUI min / max, MiB".into(),
                format!("{} / {}", rss(|v| v.iter().min().copied()), rss(|v| v.iter().max().copied())),
                "",
            ),
        ];
        if let Some(n) = self.sessions {
            rows.push(("server sessions on the database at the busiest".into(), n.to_string(), ""));
        }
        rows.push((
            "`ardesk check` at the end".into(),
            if self.check_ok { "clean" } else { "PROBLEMS" }.into(),
            "clean",
        ));
        rows.into_iter().map(|(f, v, t)| (f, v, t.to_string())).collect()
    }

    /// The figures as a markdown table.
    pub fn table(&self) -> String {
        let mut s = format!("{}\n\n| figure | value | target |\n|---|---|---|\n", self.config_line);
        for (f, v, t) in self.rows() {
            s += &format!("| {f} | {v} | {t} |\n");
        }
        s
    }
}

/// Runs' figures side by side, one column per run (its backend), figure
/// by figure; a figure only some runs have is "–" in the others.
#[allow(dead_code)]
pub fn side_by_side(reports: &[Report]) -> String {
    let mut figures: Vec<(String, String)> = Vec::new();
    let mut values: Vec<BTreeMap<String, String>> = Vec::new();
    for r in reports {
        let mut v = BTreeMap::new();
        for (f, value, target) in r.rows() {
            if !figures.iter().any(|(k, _)| *k == f) {
                figures.push((f.clone(), target));
            }
            v.insert(f, value);
        }
        values.push(v);
    }
    let mut s = String::new();
    for r in reports {
        s += &format!("- {}\n", r.config_line);
    }
    s += "\n| figure |";
    for r in reports {
        s += &format!(" {} |", r.backend);
    }
    s += " target |\n|---|";
    s += &"---|".repeat(reports.len() + 1);
    s += "\n";
    for (f, target) in &figures {
        s += &format!("| {f} |");
        for v in &values {
            s += &format!(" {} |", v.get(f).map_or("–", String::as_str));
        }
        s += &format!(" {target} |\n");
    }
    s
}

fn tmux(sock: &Path) -> Command {
    let mut c = Command::new("tmux");
    c.arg("-S").arg(sock).args(["-f", "/dev/null"]).env_remove("TMUX");
    c
}

fn pid_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| s.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')))
}

/// Ends everything the run started, on the way out and on a panic: the
/// writers, then the tmux server (its panes get SIGHUP, as when a terminal
/// goes away), then whatever TUI is still there, by its own pid.
struct Cleanup {
    sock: PathBuf,
    writers: Vec<Child>,
    tuis: Vec<u32>,
}

impl Cleanup {
    fn finish(&mut self) {
        for w in &mut self.writers {
            let _ = w.kill();
            let _ = w.wait();
        }
        self.writers.clear();
        let _ = tmux(&self.sock).arg("kill-server").stderr(Stdio::null()).status();
        let until = Instant::now() + Duration::from_secs(5);
        while self.tuis.iter().any(|&p| pid_alive(p)) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        for &p in &self.tuis {
            if pid_alive(p) {
                let _ = Command::new("kill").args(["-KILL", &p.to_string()]).status();
            }
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Each session's screen, in one tmux call.
fn capture(sock: &Path, sessions: &[usize]) -> BTreeMap<usize, String> {
    let mut cmd = tmux(sock);
    for (k, s) in sessions.iter().enumerate() {
        if k > 0 {
            cmd.arg(";");
        }
        cmd.args(["capture-pane", "-p", "-t", &format!("t{s}"), ";", "display-message", "-p", &format!("@@end t{s}")]);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "tmux capture-pane: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut screens = BTreeMap::new();
    let mut rest = text.as_str();
    for s in sessions {
        let marker = format!("@@end t{s}\n");
        let (screen, after) = rest.split_once(&marker).unwrap_or_else(|| panic!("no screen for t{s}: {text}"));
        screens.insert(*s, screen.to_string());
        rest = after;
    }
    screens
}

fn vm_hwm_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Runs the whole thing. `bin` is the `ardesk` binary; `writer` gives the
/// command that starts this binary again as a writer.
pub fn run(cfg: &Config, bin: &Path, writer: impl Fn() -> Command) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::new(&cfg.backend, dir.path());
    let db = database.named.as_str();
    let sock = dir.path().join("tmux.sock");
    database.demo(bin);

    // The customers, and what is there before the run.
    let mut conn = database.reader();
    let customers: Vec<i64> = conn.ints(
        "SELECT CAST(id AS TEXT) FROM customers WHERE currency = 'USD' ORDER BY id LIMIT $1",
        Some(cfg.customers as i64),
    );
    assert_eq!(customers.len(), cfg.customers, "the demo has that many USD customers");
    let before = Before::read(&mut conn);
    drop(conn);

    let mut cleanup = Cleanup { sock: sock.clone(), writers: Vec::new(), tuis: Vec::new() };

    // The TUIs, each on a customer page, in its own tmux session.
    let watch: Vec<i64> = (0..cfg.tuis).map(|i| customers[i % customers.len()]).collect();
    let mut probe_store = database.books();
    probe_store.set_who("load-probe");
    let base: BTreeMap<i64, String> = customers.iter().map(|&c| (c, probe_store.customer(c).unwrap().name)).collect();
    for (i, c) in watch.iter().enumerate() {
        let out = tmux(&sock)
            .args(["new-session", "-d", "-s", &format!("t{i}"), "-x", "120", "-y", "40", "--"])
            .arg(bin)
            .args(["--db", db, "--today", TODAY, "--customer", &c.to_string()])
            .output()
            .unwrap();
        assert!(out.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&out.stderr));
        let out = tmux(&sock).args(["list-panes", "-t", &format!("t{i}"), "-F", "#{pane_pid}"]).output().unwrap();
        let pid: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("the pane's pid");
        cleanup.tuis.push(pid);
        // The pane's process is tmux's until it has exec'd ardesk.
        let until = Instant::now() + Duration::from_secs(10);
        let comm = || std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        while comm().trim() != "ardesk" && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(comm().trim(), "ardesk", "the pane runs ardesk itself");
    }
    let all: Vec<usize> = (0..cfg.tuis).collect();
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let screens = capture(&sock, &all);
        if all.iter().all(|&i| screens[&i].contains(&base[&watch[i]])) {
            break;
        }
        assert!(Instant::now() < until, "the TUIs did not all show their customer: {screens:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }

    // The writers.
    let on: Vec<String> = customers.iter().map(i64::to_string).collect();
    let logs: Vec<PathBuf> = (0..cfg.writers).map(|w| dir.path().join(format!("writer-{w}.log"))).collect();
    let errs: Vec<PathBuf> = (0..cfg.writers).map(|w| dir.path().join(format!("writer-{w}.err"))).collect();
    let started = Instant::now();
    for w in 0..cfg.writers {
        let child = writer()
            .env(ROLE, "writer")
            .env("ARDESK_LOAD_DB", db)
            .env("ARDESK_LOAD_INDEX", w.to_string())
            .env("ARDESK_LOAD_ON", on.join(","))
            .env("ARDESK_LOAD_MILLIS", cfg.duration.as_millis().to_string())
            .env("ARDESK_LOAD_RATE_EACH", cfg.writes_per_sec.to_string())
            .env("ARDESK_LOAD_LOG", &logs[w])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&errs[w]).unwrap())
            .spawn()
            .unwrap();
        cleanup.writers.push(child);
    }

    // Probes: rename the watched customers, each rename stamped when its
    // commit returns, then look at every TUI until it shows its customer's
    // new name. A pause of 200–600 ms between rounds keeps the probes from
    // locking onto the TUIs' 500 ms poll.
    let mut report = Report::default();
    let mut seen = vec![(0usize, 0usize); cfg.tuis];
    let watched: BTreeSet<i64> = watch.iter().copied().collect();
    let mut rng = Rng(0xA5A5_5A5A_1234_5678);
    let mut probe = 0u32;
    let mut names: BTreeMap<i64, String> = base.clone();
    while started.elapsed() + Duration::from_millis(300) < cfg.duration {
        probe += 1;
        // On a server, the sessions at the busiest (every TUI's and
        // writer's, the probe's, this count's), once a few rounds in.
        if probe % 4 == 2 {
            report.sessions = report.sessions.max(database.sessions());
        }
        let mut at = BTreeMap::new();
        for &c in &watched {
            let cur = probe_store.customer(c).unwrap();
            let name = format!("{} #{probe:04}", base[&c]);
            let edit = CustomerEdit {
                name: name.clone(),
                legal_name: cur.legal_name.clone(),
                billing_email: cur.billing_email.clone(),
                billing_address: cur.billing_address.clone(),
                currency: cur.currency,
                invoices_paused: cur.invoices_paused,
                portal: cur.portal,
            };
            probe_store.update_customer(c, cur.version, &edit).unwrap();
            at.insert(c, Instant::now());
            names.insert(c, name);
        }
        let mut waiting: Vec<usize> = all.clone();
        let deadline = Instant::now() + PROBE_TIMEOUT;
        while !waiting.is_empty() && Instant::now() < deadline {
            let screens = capture(&sock, &waiting);
            let now = Instant::now();
            waiting.retain(|i| {
                let c = watch[*i];
                if screens[i].contains(&names[&c]) {
                    report.reload.push(now - at[&c]);
                    seen[*i].0 += 1;
                    false
                } else {
                    true
                }
            });
            std::thread::sleep(Duration::from_millis(5));
        }
        for i in waiting {
            seen[i].1 += 1;
        }
        std::thread::sleep(Duration::from_millis(200 + rng.below(400)));
    }
    report.probes = probe as usize;
    report.seen = seen;

    // The writers end by themselves when their time is up.
    let until = Instant::now() + Duration::from_secs(60);
    for (w, child) in cleanup.writers.iter_mut().enumerate() {
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(Instant::now() < until, "writer {w} did not end");
            std::thread::sleep(Duration::from_millis(20));
        };
        let err = std::fs::read_to_string(&errs[w]).unwrap_or_default();
        assert!(status.success(), "writer {w} failed: {status}\n{err}");
    }
    cleanup.writers.clear();
    report.secs = started.elapsed().as_secs_f64();
    report.rss_kib = cleanup.tuis.iter().map(|&p| vm_hwm_kib(p)).collect();
    let dead: Vec<usize> = (0..cfg.tuis).filter(|&i| !pid_alive(cleanup.tuis[i])).collect();
    assert!(dead.is_empty(), "TUIs {dead:?} ended during the run");
    cleanup.finish();
    assert!(cleanup.tuis.iter().all(|&p| !pid_alive(p)), "every TUI ended with the tmux server");

    // What the writers said, against the file.
    let mut logged = Vec::new();
    for l in &logs {
        logged.extend(std::fs::read_to_string(l).unwrap().lines().map(Logged::parse));
    }
    report.save = logged.iter().filter_map(|l| l.micros().map(Duration::from_micros)).collect();
    for l in &logged {
        if let Some(m) = l.micros() {
            report.save_by_kind.entry(l.kind()).or_default().push(Duration::from_micros(m));
        }
    }
    drop(probe_store);
    let mut conn = database.reader();
    verify(&mut conn, &logged, &before, &mut report);
    // The harness's own writes: each watched customer has its last name.
    for &c in &watched {
        let name = conn.row("SELECT name FROM customers WHERE id = $1", c).and_then(|r| r[0].clone());
        if name.as_ref() != Some(&names[&c]) {
            report.lost.push(format!("customer {c} is named {name:?}, not {:?}", names[&c]));
        }
    }
    drop(conn);

    let out = Command::new(bin).args(["check", "--today", TODAY, "--db", db]).output().unwrap();
    report.check_output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    report.check_ok = out.status.success();
    report.backend = cfg.backend.name().into();
    report.config_line = format!(
        "{}: {} TUIs and {} writers × {}/s on {} customers for {:.0} s",
        cfg.backend.name(),
        cfg.tuis,
        cfg.writers,
        cfg.writes_per_sec,
        cfg.customers,
        cfg.duration.as_secs_f64()
    );
    report
}

/// What the file holds before the writers start.
pub struct Before {
    invoices: i64,
    payments: i64,
    cancelled: BTreeSet<i64>,
}

impl Before {
    pub fn read(conn: &mut Db) -> Before {
        let mut max_id =
            |t: &str| -> i64 { conn.ints(&format!("SELECT CAST(coalesce(max(id), 0) AS TEXT) FROM {t}"), None)[0] };
        let (invoices, payments) = (max_id("invoices"), max_id("payments"));
        Before { invoices, payments, cancelled: cancelled_ids(conn) }
    }
}

/// The lost updates `verify` finds for these log lines (tests/team_load.rs
/// proves with it that a lost or unreported write is noticed).
#[allow(dead_code)]
pub fn lost_in(conn: &mut Db, log: &str, before: &Before) -> Vec<String> {
    let logged: Vec<Logged> = log.lines().map(Logged::parse).collect();
    let mut report = Report::default();
    verify(conn, &logged, before, &mut report);
    report.lost
}

fn cancelled_ids(conn: &mut Db) -> BTreeSet<i64> {
    conn.ints("SELECT CAST(id AS TEXT) FROM invoices WHERE status = 'cancelled'", None).into_iter().collect()
}

fn ids_after(conn: &mut Db, table: &str, after: i64) -> BTreeSet<i64> {
    conn.ints(&format!("SELECT CAST(id AS TEXT) FROM {table} WHERE id > $1"), Some(after)).into_iter().collect()
}

/// Every committed write against the file: each invoice there with its
/// customer, number and total; each payment with its customer and amount,
/// applied exactly as its outcome said; each cancelled invoice cancelled.
/// Then the other way: no invoice, payment or cancellation the writers did
/// not report.
fn verify(conn: &mut Db, logged: &[Logged], before: &Before, report: &mut Report) {
    let (mut invoices, mut payments, mut cancelled) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for l in logged {
        match l {
            Logged::Invoice { id, customer, number, total, .. } => {
                report.invoices += 1;
                invoices.insert(*id);
                let row: Option<(i64, String, i64)> = conn
                    .row(
                        "SELECT CAST(customer_id AS TEXT), number, CAST(total_minor AS TEXT) FROM invoices
                         WHERE id = $1",
                        *id,
                    )
                    .map(|r| (int(&r[0]), r[1].clone().unwrap_or_default(), int(&r[2])));
                if row.as_ref() != Some(&(*customer, number.clone(), *total)) {
                    report.lost.push(format!("invoice {id} {number} for {customer} of {total}: found {row:?}"));
                }
            }
            Logged::Payment { id, customer, amount, unapplied, applied, .. } => {
                report.payments += 1;
                payments.insert(*id);
                let row: Option<(i64, i64, i64)> = conn
                    .row(
                        "SELECT CAST(customer_id AS TEXT), CAST(amount_minor AS TEXT), CAST(applied_minor AS TEXT)
                         FROM payments WHERE id = $1",
                        *id,
                    )
                    .map(|r| (int(&r[0]), int(&r[1]), int(&r[2])));
                let stored: Vec<(String, i64)> = conn
                    .rows(
                        "SELECT i.number, CAST(a.amount_minor AS TEXT)
                         FROM applications a JOIN invoices i ON i.id = a.invoice_id
                         WHERE a.payment_id = $1 ORDER BY a.id",
                        Some(*id),
                    )
                    .into_iter()
                    .map(|r| (r[0].clone().unwrap_or_default(), int(&r[1])))
                    .collect();
                if row != Some((*customer, *amount, amount - unapplied)) || &stored != applied {
                    report.lost.push(format!(
                        "payment {id} for {customer} of {amount} applied {applied:?}: found {row:?} applied {stored:?}"
                    ));
                }
            }
            Logged::Cancel { ids, left, .. } => {
                report.cancel_calls += 1;
                report.cancelled += ids.len();
                for _ in 0..*left {
                    report.stale.push("an invoice to cancel was paid or cancelled meanwhile".into());
                }
                for id in ids {
                    cancelled.insert(*id);
                    let status: Option<String> =
                        conn.row("SELECT status FROM invoices WHERE id = $1", *id).and_then(|r| r[0].clone());
                    if status.as_deref() != Some("cancelled") {
                        report.lost.push(format!("invoice {id} was cancelled, but is {status:?}"));
                    }
                }
            }
            Logged::Conflict { .. } => report.conflicts += 1,
            Logged::Stale { why, .. } => report.stale.push(why.clone()),
            Logged::Error { why, .. } => report.errors.push(why.clone()),
            Logged::Skipped => report.skipped += 1,
        }
    }
    for id in ids_after(conn, "invoices", before.invoices).difference(&invoices) {
        report.lost.push(format!("invoice {id} is there, but no writer reported it"));
    }
    for id in ids_after(conn, "payments", before.payments).difference(&payments) {
        report.lost.push(format!("payment {id} is there, but no writer reported it"));
    }
    let now: BTreeSet<i64> = cancelled_ids(conn).difference(&before.cancelled).copied().collect();
    for id in now.difference(&cancelled) {
        report.lost.push(format!("invoice {id} is cancelled, but no writer reported cancelling it"));
    }
}
