//! Databases that are not what they claim: a schema changed behind ardesk's
//! back (a trigger, an index or a CHECK gone, a column added, a trigger's
//! text damaged) opens read-only with the difference named, and `check`
//! lists it; damaged pages are reported by `check` as problems (exit 1),
//! never as a crash or a raw error (exit 2).

mod common;

use ardesk::store::seed::NewInvoice;
use ardesk::store::{OpenMode, Store};
use common::*;
use rusqlite::Connection;
use std::path::Path;
use std::process::Command;

/// A small ardesk database with a paid and an open invoice, checkpointed.
fn small_db(p: &Path) {
    let mut s = Store::open(p, OpenMode::Create).unwrap();
    let seed = s.seeder().unwrap();
    let mut b = Books::new(&seed, "Drift Ltd", USD);
    let i = b.invoice("2026-01-01", "2026-02-01", 10_000, USD);
    let p2 = b.payment("2026-01-20", 10_000, USD);
    b.apply(i, p2, 10_000, "2026-01-20");
    b.paid(i);
    b.invoice("2026-02-01", "2026-03-01", 5_000, USD);
    seed.invoice(&NewInvoice {
        customer_id: b.customer,
        contract_id: None,
        number: "D-3",
        issue_date: d("2026-03-01"),
        due_date: d("2026-04-01"),
        period: None,
        currency: USD,
        total_minor: 2_500,
        status: ardesk::domain::status::InvoiceStatus::Draft,
    })
    .unwrap();
    seed.commit().unwrap();
    s.checkpoint().unwrap();
}

/// Runs `sql` on the file with a raw connection, as another tool would.
fn tamper(p: &Path, sql: &str) {
    let c = Connection::open(p).unwrap();
    c.execute_batch(sql).unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
}

/// Replaces text in one object's stored SQL, as a bit flip would.
fn rewrite(p: &Path, name: &str, from: &str, to: &str) {
    let c = Connection::open(p).unwrap();
    c.execute_batch("PRAGMA writable_schema = ON").unwrap();
    let n = c.execute("UPDATE sqlite_schema SET sql = replace(sql, ?2, ?3) WHERE name = ?1", (name, from, to)).unwrap();
    assert_eq!(n, 1, "{name} exists");
    let changed: String = c.query_row("SELECT sql FROM sqlite_schema WHERE name = ?1", [name], |r| r.get(0)).unwrap();
    assert!(changed.contains(to), "{name} now holds the change");
    c.execute_batch("PRAGMA writable_schema = OFF").unwrap();
}

fn check_cli(p: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ardesk"))
        .args(["check", "--today", "2026-12-05", "--db"])
        .arg(p)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What a case does to the file.
type Damage = &'static dyn Fn(&Path);

/// Each drift: opened read-only naming it, a write refused saying why,
/// `check` exits 1 naming it.
#[test]
fn a_drifted_schema_is_named_and_refused_for_writes() {
    let cases: &[(&str, Damage, &str)] = &[
        (
            "dropped summary trigger",
            &|p| tamper(p, "DROP TRIGGER invoices_summary_insert"),
            "trigger invoices_summary_insert is missing",
        ),
        (
            "dropped check trigger",
            &|p| tamper(p, "DROP TRIGGER applications_check"),
            "trigger applications_check is missing",
        ),
        ("dropped index", &|p| tamper(p, "DROP INDEX invoices_by_due"), "index invoices_by_due is missing"),
        (
            "added column",
            &|p| tamper(p, "ALTER TABLE invoices ADD COLUMN note TEXT"),
            "table invoices has column(s) note that ardesk does not",
        ),
        (
            "a CHECK made CHECK(1)",
            &|p| rewrite(p, "invoices", "CHECK (total_minor BETWEEN 0 AND 10000000000000)", "CHECK(1)"),
            "table invoices its types, constraints or CHECKs differ from this version's",
        ),
        (
            "a bit flip in a trigger's text",
            &|p| {
                // The payment's line: since schema 8 the invoice's spans
                // two lines (it keeps `credited_minor` beside).
                rewrite(
                    p,
                    "applications_insert",
                    "NEW.amount_minor WHERE id = NEW.payment_id",
                    "NEW.ammunt_minor WHERE id = NEW.payment_id",
                )
            },
            "trigger applications_insert differs from this version's definition",
        ),
        (
            "an index of someone else's",
            &|p| tamper(p, "CREATE INDEX mine ON invoices(currency)"),
            "index mine is not one of ardesk's",
        ),
    ];
    for (what, damage, named) in cases {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("drift.db");
        small_db(&p);
        damage(&p);
        let mut s = Store::open(&p, OpenMode::MustExist).unwrap();
        let why = s.read_only().unwrap_or_else(|| panic!("{what}: opened for writing")).to_string();
        assert!(
            why.contains("its schema differs from what this ardesk expects") && why.contains(named),
            "{what}: {why}"
        );
        assert_eq!(s.customer(1).unwrap().name, "Drift Ltd", "{what}: reads work");
        let c = s.customer(1).unwrap();
        let edit = renamed(&c, "Renamed");
        let err = s.update_customer(1, c.version, &edit).unwrap_err().to_string();
        assert!(err.contains("open read-only") && err.contains(named), "{what}: {err}");
        drop(s);
        let (code, out, err) = check_cli(&p);
        assert_eq!(code, 1, "{what}: {out}{err}");
        let version = ardesk::store::SCHEMA_VERSION;
        assert!(out.contains(&format!("problem: schema (version {version}): {named}")), "{what}: {out}");
    }
}

/// The TUI says so first, in full: the header has room for only the start.
#[test]
fn the_tui_opens_a_drifted_database_with_the_reason_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("drift.db");
    small_db(&p);
    tamper(&p, "DROP TRIGGER invoices_summary_insert");
    let s = Store::open(&p, OpenMode::MustExist).unwrap();
    let app = ardesk::app::App::new(s, d("2026-12-05"), ratatui::layout::Rect::new(0, 0, 80, 24)).unwrap();
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    term.draw(|f| ardesk::ui::draw(&app, f)).unwrap();
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .chunks(80)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect();
    assert!(screen.contains("Opened read-only"), "{screen}");
    assert!(screen.contains("Its schema differs from what this ardesk expects: trigger"), "{screen}");
    assert!(screen.contains("invoices_summary_insert is missing."), "{screen}");
}

/// Random bytes changed in the pages after the first (the header and
/// schema page are covered by `store_open.rs`): `check` either finds the
/// database consistent (the bytes were in free space) or lists what is
/// wrong with exit 1; it never stops with exit 2 or a panic, and reading
/// commands fail with one clear line, if at all.
#[test]
fn damaged_pages_are_listed_by_check_never_crashed_on() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.db");
    {
        let mut s = Store::open(&clean, OpenMode::Create).unwrap();
        ardesk::demo::generate(
            &mut s,
            &ardesk::demo::DemoOptions { today: d("2026-12-05"), big_invoices: None, extra_customers: None },
        )
        .unwrap();
        s.checkpoint().unwrap();
    }
    let original = std::fs::read(&clean).unwrap();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut found = 0;
    for seed in 0..40 {
        let p = dir.path().join(format!("flip{seed}.db"));
        let mut bytes = original.clone();
        for _ in 0..6 {
            let at = 4096 + (next() as usize) % (bytes.len() - 4096);
            bytes[at] ^= 1 << (next() % 8);
        }
        std::fs::write(&p, &bytes).unwrap();
        let (code, out, err) = check_cli(&p);
        assert!(code == 0 || code == 1, "seed {seed}: exit {code}\n{out}{err}");
        assert!(!err.contains("panicked") && !out.contains("panicked"), "seed {seed}: {err}");
        if code == 1 {
            found += 1;
            assert!(
                out.lines().all(|l| l.starts_with("problem: ") || l.contains("problem(s) in")),
                "seed {seed}: {out}"
            );
        } else {
            assert!(out.starts_with("ok: "), "seed {seed}: {out}");
        }
        let out = Command::new(env!("CARGO_BIN_EXE_ardesk"))
            .args(["customers", "--today", "2026-12-05", "--db"])
            .arg(&p)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "seed {seed}: {err}");
        assert!(matches!(out.status.code(), Some(0 | 2)), "seed {seed}: {err}");
    }
    assert!(found >= 20, "most flips are found ({found} of 40)");
}
