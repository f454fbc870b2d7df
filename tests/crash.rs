//! Crash safety: a child process writes as fast as it can (invoices, bulk
//! cancels, payments, refunds, a document upload of a few MiB) and is killed with
//! SIGKILL at random moments, 250 times (ARDESK_CRASH_KILLS to change). After every kill the
//! database passes `integrity_check`, `foreign_key_check` and every money
//! invariant and summary check, and holds no partial document.

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

/// The child: writes until it is killed, or for `ARDESK_CRASH_FOR_MS` and
/// then exits with the number of writes refused as busy (the busy timeout
/// should make that zero).
fn writer(db: &Path, upload: &Path, seed: u64) -> ! {
    let mut store = Store::open(db, OpenMode::MustExist).unwrap();
    let until = std::env::var("ARDESK_CRASH_FOR_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(|ms| Instant::now() + std::time::Duration::from_millis(ms));
    let mut busy = 0;
    let mut x = seed | 1;
    let mut rnd = move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n.max(1)
    };
    loop {
        if until.is_some_and(|t| Instant::now() > t) {
            std::process::exit(busy.min(100));
        }
        let n = rnd(1 << 40);
        let result = match rnd(6) {
            0 | 1 => store
                .create_invoice(
                    1,
                    &InvoiceDraft {
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
                store.cancel_invoices(1, &ids).map(|_| ())
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
        if let Err(ardesk::store::StoreError::Busy) = result {
            busy += 1;
        }
    }
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

fn spawn(test: &str, db: &Path, upload: &Path, seed: u64, for_ms: Option<u64>) -> std::process::Child {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD, db)
        .env("ARDESK_CRASH_UPLOAD", upload)
        .env("ARDESK_CRASH_SEED", seed.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Some(ms) = for_ms {
        cmd.env("ARDESK_CRASH_FOR_MS", ms.to_string());
    }
    cmd.spawn().unwrap()
}

#[test]
fn two_writers_and_a_reader_at_once() {
    child_mode();
    let dir = tempfile::tempdir().unwrap();
    let (db, upload) = setup(dir.path());
    let test = "two_writers_and_a_reader_at_once";
    let mut a = spawn(test, &db, &upload, 1, Some(2_500));
    let mut b = spawn(test, &db, &upload, 2, Some(2_500));
    // Readers keep reading while writers write (WAL): no read waits long.
    let reader = Store::open(&db, OpenMode::MustExist).unwrap();
    let started = Instant::now();
    let mut slowest = std::time::Duration::ZERO;
    while started.elapsed() < std::time::Duration::from_millis(2_000) {
        let t = Instant::now();
        let c = reader.customer(1).unwrap();
        reader.figures(&c, today()).unwrap();
        slowest = slowest.max(t.elapsed());
    }
    assert_eq!(a.wait().unwrap().code(), Some(0), "writer A never gave up as busy");
    assert_eq!(b.wait().unwrap().code(), Some(0), "writer B never gave up as busy");
    assert!(slowest < std::time::Duration::from_millis(500), "a read waited {slowest:?}");
    let store = Store::open(&db, OpenMode::MustExist).unwrap();
    assert_eq!(store.check(today()).unwrap(), Vec::<String>::new());
}

#[test]
fn sigkill_at_random_moments_never_breaks_the_books() {
    child_mode();
    let dir = tempfile::tempdir().unwrap();
    let (db, upload) = setup(dir.path());
    let kills: u64 = std::env::var("ARDESK_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(250);
    let started = Instant::now();
    let mut seen_docs = 0;
    for k in 0..kills {
        let mut child = spawn("sigkill_at_random_moments_never_breaks_the_books", &db, &upload, k * 7919 + 13, None);
        // Let it get into its writes, then SIGKILL at a varying moment.
        std::thread::sleep(std::time::Duration::from_millis(15 + (k * 37) % 150));
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
    let conn = rusqlite::Connection::open(&db).unwrap();
    let writes: i64 = conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
    assert!(writes as u64 >= kills, "the writer got going between kills: {writes} writes in {kills} runs");
    let refunds: i64 =
        conn.query_row("SELECT count(*) FROM audit_log WHERE action = 'refund'", [], |r| r.get(0)).unwrap();
    assert!(refunds > 0, "the write mix refunds payments");
    eprintln!("{kills} kills in {:.1?}; {writes} writes; {seen_docs} whole documents stored", started.elapsed());
}
