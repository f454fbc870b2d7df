//! Crash safety: a child process writes as fast as it can (invoices, bulk
//! cancels, payments, refunds, a document upload of a few MiB) and is killed with
//! SIGKILL at random moments after its first commit, 250 times (ARDESK_CRASH_KILLS to
//! change). After every kill the database passes `integrity_check`,
//! `foreign_key_check` and every money invariant and summary check, and holds no
//! partial document. No assertion depends on how fast the machine is.

use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::*;
use ardesk::domain::model::PaymentRow;
use ardesk::domain::status::{DocumentKind, InvoiceStatus, PaymentStatus};
use ardesk::store::seed::NewCustomer;
use ardesk::store::{OpenMode, Store};
use chrono::{Duration, NaiveDate};
use std::path::{Path, PathBuf};
use std::time::Instant;

const CHILD: &str = "ARDESK_CRASH_CHILD";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

/// What a writer did, written beside the database when it is done.
#[derive(Debug, Default, PartialEq)]
struct Tally {
    /// Writes that committed, and how many of them created an invoice.
    ok: u64,
    invoices: u64,
    /// Refused as busy: the lock was held past the busy timeout (allowed on a
    /// loaded machine; explained, not a crash).
    busy: u64,
    /// Raw database errors ("database error: …"): must not happen.
    sql: u64,
    /// Refusals that are the write's own answer (a stale version, an invoice
    /// already cancelled, a refund of nothing).
    refused: u64,
}

fn tally_path(db: &Path, seed: u64) -> PathBuf {
    db.with_extension(format!("tally-{seed}"))
}

fn read_tally(db: &Path, seed: u64) -> Tally {
    let text = std::fs::read_to_string(tally_path(db, seed)).expect("the writer wrote its tally");
    let n: Vec<u64> = text.split_whitespace().map(|v| v.parse().unwrap()).collect();
    Tally { ok: n[0], invoices: n[1], busy: n[2], sql: n[3], refused: n[4] }
}

/// The child: writes until it is killed, or `ARDESK_CRASH_WRITES` writes
/// and then writes its tally and exits.
fn writer(db: &Path, upload: &Path, seed: u64) -> ! {
    let mut store = Store::open(db, OpenMode::MustExist).unwrap();
    let writes: Option<u64> = std::env::var("ARDESK_CRASH_WRITES").ok().and_then(|v| v.parse().ok());
    let mut t = Tally::default();
    let mut x = seed | 1;
    let mut rnd = move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n.max(1)
    };
    for done in 0.. {
        if writes.is_some_and(|w| done >= w) {
            let line = format!("{} {} {} {} {}", t.ok, t.invoices, t.busy, t.sql, t.refused);
            std::fs::write(tally_path(db, seed), line).unwrap();
            std::process::exit(0);
        }
        let n = rnd(1 << 40);
        let kind = rnd(6);
        let result = match kind {
            0 | 1 => store
                .create_invoice(
                    1,
                    &InvoiceDraft {
                        memo: String::new(),
                        lines: Vec::new(),
                        contract_id: None,
                        number: format!("K-{seed}-{n}"),
                        issue_date: today() - Duration::days(rnd(300) as i64),
                        due_date: today(),
                        period: None,
                        total_minor: 1 + rnd(100_000) as i64,
                        currency: Currency::USD,
                        status: InvoiceStatus::Open,
                    },
                )
                .map(|_| ()),
            2 => store
                .record_payment(
                    1,
                    &PaymentDraft {
                        received_on: today(),
                        amount_minor: 1 + rnd(150_000) as i64,
                        currency: Currency::USD,
                        reference: format!("W-{n}"),
                        allocation: Allocation::OldestFirst,
                    },
                )
                .map(|_| ()),
            3 => {
                let ids: Vec<i64> = (0..20).map(|_| 1 + rnd(400) as i64).collect();
                store.cancel_invoices(1, &ids, today()).map(|_| ())
            }
            4 => {
                // Part of the newest payment back: its credit, then invoices.
                let sort = Sort::default_for(Tab::Payments);
                match store.window::<PaymentRow>(1, sort, &Seek::First, 1).map(|w| w.into_iter().next()) {
                    Ok(Some(k)) if k.row.status == PaymentStatus::Succeeded => {
                        let left = k.row.amount.minor - k.row.refunded_minor;
                        let draft = RefundDraft {
                            refunded_on: today(),
                            amount_minor: 1 + rnd(left as u64) as i64,
                            reason: format!("R-{n}"),
                        };
                        store.refund_payment(k.row.id, k.row.version, &draft).map(|_| ())
                    }
                    Ok(_) => Ok(()),
                    Err(e) => Err(e),
                }
            }
            _ => store.upload_document(1, upload, "scan.bin", DocumentKind::Other, None).and_then(|id| {
                // Keep the file small: drop the previous upload.
                match store.document_version(id - 1) {
                    Ok(v) => store.delete_document(id - 1, v),
                    Err(_) => Ok(()),
                }
            }),
        };
        use ardesk::store::StoreError;
        match result {
            Ok(()) => {
                t.ok += 1;
                t.invoices += u64::from(kind < 2);
            }
            Err(StoreError::Busy) => t.busy += 1,
            Err(StoreError::Sql(_) | StoreError::Interrupted) => t.sql += 1,
            Err(_) => t.refused += 1,
        }
    }
    unreachable!("the loop ends by exiting")
}

/// Whole changes or none: every invoice, payment, cancel, refund and
/// document the writer committed has its audit row, and no audit row lacks
/// its change (each query counts violations).
fn whole_changes(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let audited = |entity: &str, action: &str, id: &str| {
        format!(
            "EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = '{entity}' AND a.action = '{action}' AND a.entity_id = {id})"
        )
    };
    let last_refund = "(SELECT CAST(round(CAST(json_extract(a.after_json, '$.refunded') AS REAL) * 100) AS INTEGER)
        FROM audit_log a WHERE a.entity = 'payment' AND a.action = 'refund' AND a.entity_id = p.id ORDER BY a.id DESC LIMIT 1)";
    let checks = [
        (
            "invoice without its audit row",
            format!("SELECT count(*) FROM invoices i WHERE NOT {}", audited("invoice", "create", "i.id")),
        ),
        (
            "audited invoice that is not there",
            "SELECT count(*) FROM audit_log a WHERE a.entity = 'invoice' AND a.action = 'create'
            AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.id = a.entity_id)"
                .to_string(),
        ),
        (
            "payment without its audit row",
            format!("SELECT count(*) FROM payments p WHERE NOT {}", audited("payment", "record", "p.id")),
        ),
        (
            "audited payment that is not there",
            "SELECT count(*) FROM audit_log a WHERE a.entity = 'payment' AND a.action = 'record'
            AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = a.entity_id)"
                .to_string(),
        ),
        (
            "cancel without its audit row",
            format!(
                "SELECT count(*) FROM invoices i WHERE i.status = 'cancelled' AND NOT {}",
                audited("invoice", "cancel", "i.id")
            ),
        ),
        (
            "audited cancel that did not land",
            "SELECT count(*) FROM audit_log a WHERE a.action = 'cancel'
            AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.id = a.entity_id AND i.status = 'cancelled')"
                .to_string(),
        ),
        (
            "refund that differs from its audit rows",
            format!(
                "SELECT count(*) FROM payments p
            WHERE p.refunded_minor <> coalesce({last_refund}, 0)"
            ),
        ),
        (
            "document without its audit row",
            format!("SELECT count(*) FROM documents d WHERE NOT {}", audited("document", "upload", "d.id")),
        ),
        (
            "document gone without a delete audit row",
            format!(
                "SELECT count(*) FROM audit_log u WHERE u.entity = 'document'
            AND u.action = 'upload' AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = u.entity_id)
            AND NOT {}",
                audited("document", "delete", "u.entity_id")
            ),
        ),
    ];
    let mut wrong = Vec::new();
    for (what, sql) in checks {
        let n: i64 = conn.query_row(&sql, [], |r| r.get(0)).unwrap();
        if n != 0 {
            wrong.push(format!("{what}: {n}"));
        }
    }
    wrong
}

fn setup(dir: &Path) -> (PathBuf, PathBuf) {
    let db = dir.join("crash.db");
    let mut store = Store::open(&db, OpenMode::Create).unwrap();
    let s = store.seeder().unwrap();
    s.customer(&NewCustomer {
        name: "Crash",
        legal_name: "",
        billing_email: "",
        currency: Currency::USD,
        import: None,
        invoices_paused: false,
        portal: false,
    })
    .unwrap();
    s.commit().unwrap();
    let upload = dir.join("scan.bin");
    let bytes: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    std::fs::write(&upload, bytes).unwrap();
    (db, upload)
}

/// In a child process started by one of the tests below: be the writer.
fn child_mode() {
    if let (Ok(db), Ok(up), Ok(seed)) =
        (std::env::var(CHILD), std::env::var("ARDESK_CRASH_UPLOAD"), std::env::var("ARDESK_CRASH_SEED"))
    {
        writer(Path::new(&db), Path::new(&up), seed.parse().unwrap());
    }
}

fn spawn(test: &str, db: &Path, upload: &Path, seed: u64, writes: Option<u64>) -> std::process::Child {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD, db)
        .env("ARDESK_CRASH_UPLOAD", upload)
        .env("ARDESK_CRASH_SEED", seed.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Some(n) = writes {
        cmd.env("ARDESK_CRASH_WRITES", n.to_string());
    }
    cmd.spawn().unwrap()
}

/// The invoice count and customer 1's name, read through a store as the
/// screens read.
fn read(reader: &Store) -> Result<(i64, String), ardesk::store::StoreError> {
    let c = reader.customer(1)?;
    let f = reader.figures(&c, today())?;
    Ok((f.counts[0], c.name))
}

/// How many writes each writer process makes.
const WRITES: u64 = 60;

/// Readers keep reading while writers write, asserted by order and outcome
/// rather than by how long a read took (timing is for benchmarks):
/// - a read made while another connection holds the write lock, with more
///   written than SQLite's page cache holds (where a rollback journal would
///   lock readers out until the busy timeout and refuse them as busy),
///   answers with the last commit, and the first read after the commit
///   sees the new one;
/// - beside two writer processes (invoices, cancels, payments, refunds,
///   3 MiB uploads), every read answers, the invoice count never goes back,
///   no write fails with a raw database error, and every invoice a writer
///   committed is there at the end: no update lost.
#[test]
fn two_writers_and_a_reader_at_once() {
    child_mode();
    let dir = tempfile::tempdir().unwrap();
    let (db, upload) = setup(dir.path());
    let reader = Store::open(&db, OpenMode::MustExist).unwrap();
    assert_eq!(read(&reader).unwrap(), (0, "Crash".to_string()));
    {
        let mut w = rusqlite::Connection::open(&db).unwrap();
        let mode: String = w.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let tx = w.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).unwrap();
        tx.execute("UPDATE customers SET name = 'Held' WHERE id = 1", []).unwrap();
        // 10 MiB in the open transaction, past the page cache.
        tx.execute_batch(
            "CREATE TABLE held(b BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 160)
             INSERT INTO held SELECT zeroblob(65536) FROM n;",
        )
        .unwrap();
        assert_eq!(read(&reader).unwrap(), (0, "Crash".to_string()), "the reader sees the last commit");
        tx.commit().unwrap();
        assert_eq!(read(&reader).unwrap(), (0, "Held".to_string()), "and then the new one");
        w.execute_batch("DROP TABLE held; UPDATE customers SET name = 'Crash' WHERE id = 1;").unwrap();
    }

    let test = "two_writers_and_a_reader_at_once";
    let mut writers = [spawn(test, &db, &upload, 1, Some(WRITES)), spawn(test, &db, &upload, 2, Some(WRITES))];
    let (mut reads, mut last) = (0u64, 0i64);
    let mut running = true;
    while running {
        running = writers.iter_mut().any(|w| w.try_wait().unwrap().is_none());
        let (invoices, _) = read(&reader).unwrap_or_else(|e| panic!("read {reads} beside the writers: {e}"));
        assert!(invoices >= last, "read {reads}: {invoices} invoices after {last}");
        (reads, last) = (reads + 1, invoices);
    }
    let mut committed = 0;
    for (seed, w) in [1, 2].into_iter().zip(&mut writers) {
        assert_eq!(w.wait().unwrap().code(), Some(0), "writer {seed} ran to its end");
        let t = read_tally(&db, seed);
        eprintln!("writer {seed}: {t:?}");
        assert_eq!(t.sql, 0, "writer {seed}: no raw database error: {t:?}");
        assert!(t.ok > 0, "writer {seed} committed writes: {t:?}");
        assert_eq!(t.ok + t.busy + t.sql + t.refused, WRITES, "{t:?}");
        committed += t.invoices as i64;
    }
    eprintln!("{reads} reads beside the writers");
    assert_eq!(read(&reader).unwrap().0, committed, "every committed invoice is there");
    let store = Store::open(&db, OpenMode::MustExist).unwrap();
    assert_eq!(store.check(today()).unwrap(), Vec::<String>::new());
    assert_eq!(whole_changes(&db), Vec::<String>::new());
}

#[test]
fn sigkill_at_random_moments_never_breaks_the_books() {
    child_mode();
    let dir = tempfile::tempdir().unwrap();
    let (db, upload) = setup(dir.path());
    let kills: u64 = std::env::var("ARDESK_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(250);
    let started = Instant::now();
    let mut seen_docs = 0;
    let watch = rusqlite::Connection::open(&db).unwrap();
    watch.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    let audited = || -> i64 { watch.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap() };
    for k in 0..kills {
        let before = audited();
        let mut child = spawn("sigkill_at_random_moments_never_breaks_the_books", &db, &upload, k * 7919 + 13, None);
        // Once it has committed a write (known by its audit row, not guessed
        // from how long a process takes to start on a busy machine), SIGKILL
        // at a varying moment of the writes that follow. The deadline only
        // keeps a writer that never writes from hanging the test.
        let deadline = Instant::now() + std::time::Duration::from_secs(120);
        while audited() == before {
            assert!(child.try_wait().unwrap().is_none(), "writer {k} ended by itself");
            assert!(Instant::now() < deadline, "writer {k} never committed a write");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        std::thread::sleep(std::time::Duration::from_millis((k * 37) % 150));
        child.kill().unwrap();
        child.wait().unwrap();
        let store = Store::open(&db, OpenMode::MustExist).unwrap();
        let problems = store.check(today()).unwrap();
        assert!(problems.is_empty(), "after kill {k}: {problems:?}");
        let partial = whole_changes(&db);
        assert!(partial.is_empty(), "after kill {k}, a change without its audit row or the reverse: {partial:?}");
        let c = store.customer(1).unwrap();
        assert_eq!(store.figures(&c, today()).unwrap(), store.figures_oracle(&c, today()).unwrap());
        seen_docs = store.figures(&c, today()).unwrap().counts[4];
    }
    let writes = audited();
    assert!(writes as u64 >= kills, "every writer committed before its kill: {writes} writes in {kills} runs");
    let refunds: i64 =
        watch.query_row("SELECT count(*) FROM audit_log WHERE action = 'refund'", [], |r| r.get(0)).unwrap();
    assert!(refunds > 0, "the write mix refunds payments");
    eprintln!("{kills} kills in {:.1?}; {writes} writes; {seen_docs} whole documents stored", started.elapsed());
}
