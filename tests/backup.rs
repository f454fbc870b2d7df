//! `ardesk backup FILE [--force]`: a consistent copy while others work
//! (SQLite's online backup), renamed into place whole, then checked.

mod support;

use ardesk::domain::edit::{Allocation, PaymentDraft};
use ardesk::store::{OpenMode, Store};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use support::{TODAY, make_demo, run};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn backup(db: &Path, file: &Path, more: &[&str]) -> (i32, String, String) {
    let mut args = vec!["--db", s(db), "--today", TODAY, "backup", s(file)];
    args.extend_from_slice(more);
    run(&args)
}

fn customer_json(db: &Path, id: &str) -> serde_json::Value {
    let (code, out, err) = run(&["--db", s(db), "--today", TODAY, "--no-create", "customer", id, "--json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// Files in `dir` but for `keep`, by name.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn a_copy_of_the_demo_passes_check_and_has_the_same_figures() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    make_demo(&db, None);
    let copy = dir.path().join("copy.db");
    let (code, out, err) = backup(&db, &copy, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("backed up {} to {}", s(&db), s(&copy))), "{out}");
    assert!(out.contains(&format!("ok: {} is consistent", s(&copy))), "{out}");
    assert_eq!(names(dir.path()), ["copy.db", "demo.db"], "no temporary file, no log left beside them");
    let (code, _, err) = run(&["--db", s(&copy), "--today", TODAY, "check"]);
    assert_eq!(code, 0, "{err}");
    let (_, list, _) = run(&["--db", s(&db), "--today", TODAY, "customers", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let ids: Vec<String> = list.as_array().unwrap().iter().map(|c| c["id"].to_string()).collect();
    assert!(ids.len() >= 10, "{ids:?}");
    for id in &ids {
        assert_eq!(customer_json(&db, id), customer_json(&copy, id), "customer {id}");
    }
}

#[test]
fn an_existing_file_is_refused_without_force_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    make_demo(&db, None);
    let file = dir.path().join("old.db");
    std::fs::write(&file, b"last week's backup").unwrap();
    let (code, out, err) = backup(&db, &file, &[]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(err.trim(), format!("ardesk: {} already exists; it was left as it is (--force replaces it)", s(&file)));
    assert_eq!(std::fs::read(&file).unwrap(), b"last week's backup");
    assert_eq!(names(dir.path()), ["demo.db", "old.db"]);
    let (code, out, err) = backup(&db, &file, &["--force"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(customer_json(&db, "1"), customer_json(&file, "1"));
}

#[test]
fn the_database_itself_a_missing_directory_and_a_missing_database_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    make_demo(&db, None);
    let before = std::fs::read(&db).unwrap();
    let same = dir.path().join(".").join("demo.db");
    let (code, _, err) = backup(&db, &same, &["--force"]);
    assert_eq!(code, 2);
    assert!(err.contains("is the database itself"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);

    let nowhere = dir.path().join("no-such-dir").join("b.db");
    let (code, _, err) = backup(&db, &nowhere, &[]);
    assert_eq!(code, 2);
    assert_eq!(
        err.trim(),
        format!(
            "ardesk: cannot write the backup to {}: the directory {} does not exist",
            s(&nowhere),
            s(&dir.path().join("no-such-dir"))
        )
    );

    let missing = dir.path().join("missing.db");
    let (code, _, err) = backup(&missing, &dir.path().join("c.db"), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("does not exist: there is nothing to back up"), "{err}");
    assert_eq!(names(dir.path()), ["demo.db"], "neither the database nor a copy was created");
}

#[test]
fn a_read_only_database_backs_up_to_a_working_copy() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    make_demo(&db, None);
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let copy = dir.path().join("copy.db");
    let (code, out, err) = backup(&db, &copy, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("is consistent"), "{out}");
    assert_eq!(names(dir.path()), ["copy.db", "demo.db"], "nothing left beside the read-only database");
    assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o644);
    assert_eq!(customer_json(&db, "2"), customer_json(&copy, "2"));
    // The copy is a database to work on.
    let (code, out, err) = run(&["--db", s(&copy), "org", "name", "Restored Ltd"]);
    assert_eq!(code, 0, "{out}{err}");
}

fn payment(store: &mut Store, customer: i64, n: usize) {
    let currency = store.customer(customer).unwrap().currency;
    let draft = PaymentDraft {
        received_on: support::fixture::d("2026-02-20"),
        amount_minor: 100 + n as i64,
        currency,
        reference: format!("during backup {n}"),
        allocation: Allocation::OldestFirst,
    };
    store.record_payment(customer, &draft).unwrap();
}

fn payment_count(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row("SELECT count(*) FROM payments", [], |r| r.get(0)).unwrap()
}

/// A write between any two of the copy's steps makes SQLite start it again;
/// after a few restarts the rest goes in one step (else this copy would
/// never end), and the copy is whole.
#[test]
fn writes_between_the_steps_restart_the_copy_which_still_ends_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    make_demo(&db, Some(20_000));
    let mut writer = Store::open(&db, OpenMode::MustExist).unwrap();
    let before = payment_count(&db);
    let copy = dir.path().join("copy.db");
    let (mut steps, mut written) = (0, 0);
    let done = ardesk::store::backup::backup(&db, &copy, |p| {
        steps += 1;
        assert!(p.total > 1024, "more than one step: {p:?}");
        if p.done < p.total && written < 100 {
            written += 1;
            payment(&mut writer, 1, written);
        }
    })
    .unwrap();
    assert_eq!(done.done, done.total);
    assert!(
        (3..10).contains(&written),
        "restarted by writes, then done in one step: {written} writes in {steps} steps"
    );
    let copied = payment_count(&copy);
    assert!((before..=before + written as i64).contains(&copied), "{before} ≤ {copied} ≤ {before} + {written}");
    let (code, out, err) = run(&["--db", s(&copy), "--today", TODAY, "check"]);
    assert_eq!(code, 0, "{out}{err}");
}

/// `ardesk backup` while another process records payments in a loop.
#[test]
fn a_backup_taken_while_payments_are_recorded_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("busy.db");
    make_demo(&db, Some(20_000));
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (db, stop, count) = (db.clone(), stop.clone(), count.clone());
        std::thread::spawn(move || {
            let mut store = Store::open(&db, OpenMode::MustExist).unwrap();
            while !stop.load(Ordering::Relaxed) {
                let n = count.fetch_add(1, Ordering::Relaxed);
                payment(&mut store, 1 + (n as i64 % 5), n);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        })
    };
    while count.load(Ordering::Relaxed) < 5 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    for i in 0..3 {
        let copy = dir.path().join(format!("copy-{i}.db"));
        let (code, out, err) = backup(&db, &copy, &[]);
        assert_eq!(code, 0, "backup {i}: {out}{err}");
        assert!(out.contains("is consistent"), "{out}");
    }
    let during = count.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    assert!(during > 5, "payments were recorded during the backups: {during}");
    let (code, out, err) = run(&["--db", s(&db), "--today", TODAY, "check"]);
    assert_eq!(code, 0, "the database itself after: {out}{err}");
}

/// `--force` never pairs the new copy with a log or journal left beside
/// FILE (a backup someone has open, or a crash): refused, nothing written.
#[test]
fn a_log_or_journal_beside_file_is_refused_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    make_demo(&db, None);
    let file = dir.path().join("old.db");
    std::fs::write(&file, b"last week's backup").unwrap();
    std::fs::write(dir.path().join("old.db-wal"), b"its log").unwrap();
    std::fs::write(dir.path().join("old.db-journal"), b"its journal").unwrap();
    let (code, out, err) = backup(&db, &file, &["--force"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains(&format!("{}-wal, {}-journal", s(&file), s(&file))), "{err}");
    assert!(err.contains("someone may have that backup open in ardesk, or a crash left them"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"last week's backup");
    assert_eq!(names(dir.path()), ["demo.db", "old.db", "old.db-journal", "old.db-wal"]);

    let new = dir.path().join("new.db");
    std::fs::write(dir.path().join("new.db-shm"), b"").unwrap();
    let (code, out, err) = backup(&db, &new, &[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains(&format!("{}-shm", s(&new))), "{err}");
    assert!(!new.exists());
}

/// The copy is written into a file made new, readable by this user only,
/// never through a link planted at its name, and never over a stale one.
#[test]
fn the_temporary_file_is_new_private_and_never_a_planted_link() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.db");
    let victim = dir.path().join("victim");
    std::fs::write(&victim, b"keep me").unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join(".copy.db.backup-42")).unwrap();
    std::fs::write(dir.path().join(".copy.db.backup-42-1"), b"stale").unwrap();
    let (tmp, _) = ardesk::store::backup::temp_beside(&file, 42).unwrap();
    assert_eq!(tmp, dir.path().join(".copy.db.backup-42-2"));
    assert_eq!(std::fs::metadata(&tmp).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(&tmp).unwrap().len(), 0);
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
    assert_eq!(std::fs::read(dir.path().join(".copy.db.backup-42-1")).unwrap(), b"stale");

    // SQLite writes the copy into such a file.
    let db = dir.path().join("demo.db");
    make_demo(&db, None);
    ardesk::store::backup::backup(&db, &tmp, |_| {}).unwrap();
    assert_eq!(std::fs::metadata(&tmp).unwrap().permissions().mode() & 0o777, 0o600);
    let (code, out, err) = run(&["--db", s(&tmp), "--today", TODAY, "check"]);
    assert_eq!(code, 0, "{out}{err}");
}

/// A read-only database no one works on is read immutable (no locks): so it
/// is copied in one step, and a change to it meanwhile gives no copy.
#[test]
fn a_read_only_database_is_copied_in_one_step_and_a_change_meanwhile_fails() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    make_demo(&db, Some(20_000));
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let copy = dir.path().join("copy.db");
    let mut steps = 0;
    let done = ardesk::store::backup::backup(&db, &copy, |p| {
        steps += 1;
        assert!(p.total > 1024, "{p:?}");
    })
    .unwrap();
    assert_eq!((steps, done.done), (1, done.total), "one step");
    std::fs::remove_file(&copy).unwrap();

    let err = ardesk::store::backup::backup(&db, &copy, |_| {
        // Another account's writer, as far as the file shows.
        let f = std::fs::File::open(&db).unwrap();
        f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5)).unwrap();
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("the database changed during the copy; run the backup again"), "{err}");
}
