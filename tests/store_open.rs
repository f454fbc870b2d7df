//! Opening databases: missing, not SQLite, another program's, damaged,
//! newer. Each is refused with one clear message naming the file, and the
//! file is left untouched, byte for byte. An ardesk database reopens with
//! its data.

mod common;

use ardesk::store::seed::{NewCustomer, NewInvoice};
use ardesk::store::{OpenMode, SCHEMA_VERSION, Store, StoreError};
use common::*;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

/// The file names in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn wal(p: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", p.display()))
}

/// Opens `p`, which must be refused; returns the error after asserting
/// that the file's bytes are unchanged and no file was added beside it.
#[track_caller]
fn refused(p: &Path, mode: OpenMode) -> StoreError {
    let dir = p.parent().unwrap();
    let (before, files) = (bytes(p), listing(dir));
    let err = match Store::open(p, mode) {
        Ok(_) => panic!("{} was opened", p.display()),
        Err(e) => e,
    };
    assert!(bytes(p) == before, "not a byte of {} changed", p.display());
    assert_eq!(listing(dir), files, "no -wal or -shm file left behind");
    let msg = err.to_string();
    assert!(msg.contains(&p.display().to_string()), "the message names the file: {msg}");
    err
}

/// A small ardesk database with one customer and one invoice, closed.
fn ardesk_db(p: &Path) {
    let mut s = Store::open(p, OpenMode::Create).unwrap();
    let seed = s.seeder().unwrap();
    let c = seed.customer(&new_customer("Kept", USD)).unwrap();
    seed.invoice(&NewInvoice {
        customer_id: c,
        contract_id: None,
        number: "K-1",
        issue_date: d("2026-02-01"),
        due_date: d("2026-03-03"),
        period: None,
        currency: USD,
        total_minor: 12_345,
        status: ardesk::domain::status::InvoiceStatus::Open,
    })
    .unwrap();
    seed.commit().unwrap();
}

/// Sets `PRAGMA user_version` with a raw connection and checkpoints, so
/// the change is in the main file and no WAL is left.
fn set_user_version(p: &Path, v: i64) {
    let c = Connection::open(p).unwrap();
    c.execute_batch(&format!("PRAGMA user_version = {v};")).unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    drop(c);
    assert!(!wal(p).exists() || bytes(&wal(p)).is_empty());
}

#[test]
fn missing_file_is_refused_under_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("none.db");
    let err = Store::open(&p, OpenMode::MustExist).err().unwrap();
    assert!(matches!(&err, StoreError::Missing { path } if path == &p), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{} does not exist", p.display())), "{msg}");
    assert!(msg.contains("ardesk demo --db"), "says what to do: {msg}");
    assert!(!p.exists(), "nothing created");
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn missing_file_is_created_under_create() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("sub").join("new.db");
    let s = Store::open(&p, OpenMode::Create).unwrap();
    assert_eq!(s.customer_ids().unwrap(), Vec::<i64>::new());
    assert_eq!(s.check(d("2026-03-01")).unwrap(), Vec::<String>::new());
    drop(s);
    let c = Connection::open(&p).unwrap();
    let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!((v, mode.as_str()), (SCHEMA_VERSION, "wal"));
}

#[test]
fn not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // Random printable text, long and short (shorter than an SQLite header).
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut random = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                b' ' + (x % 95) as u8
            })
            .collect()
    };
    for (name, content) in [
        ("notes.db", random(8_000)),
        ("short.db", random(20)),
        ("list.db", b"this is a shopping list, not a database\n".repeat(200)),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, &content).unwrap();
        for mode in [OpenMode::Create, OpenMode::MustExist] {
            let err = refused(&p, mode);
            assert!(matches!(err, StoreError::NotArdesk { .. }), "{name}: {err:?}");
            let msg = err.to_string();
            assert!(msg.contains("is not an ardesk database"), "{msg}");
            assert!(msg.contains("not an SQLite database"), "{msg}");
            assert!(msg.contains("left untouched"), "{msg}");
        }
        assert!(bytes(&p) == content);
    }
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("other.db");
    {
        let c = Connection::open(&p).unwrap();
        c.execute_batch("CREATE TABLE recipes(name TEXT); INSERT INTO recipes VALUES ('bread');").unwrap();
    }
    let err = refused(&p, OpenMode::Create);
    assert!(matches!(err, StoreError::NotArdesk { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("is not an ardesk database (it holds another program's tables)"), "{msg}");
    assert!(msg.contains("left untouched"), "{msg}");

    // Another program that also keeps a schema version: its application id
    // is not ardesk's.
    let p = dir.path().join("versioned.db");
    {
        let c = Connection::open(&p).unwrap();
        c.execute_batch("CREATE TABLE notes(body TEXT); PRAGMA user_version = 1;").unwrap();
    }
    let err = refused(&p, OpenMode::MustExist);
    assert!(matches!(err, StoreError::NotArdesk { .. }), "{err:?}");
    assert!(err.to_string().contains("application id"), "{err}");
}

#[test]
fn newer_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("new.db");
    ardesk_db(&p);
    set_user_version(&p, 99);
    for mode in [OpenMode::Create, OpenMode::MustExist] {
        let err = refused(&p, mode);
        assert!(matches!(err, StoreError::Newer { found: 99, known: SCHEMA_VERSION, .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains("newer"), "{msg}");
        assert!(
            msg.contains(&format!(
                "written by a newer ardesk (schema version 99; this ardesk knows up to {SCHEMA_VERSION})"
            )),
            "{msg}"
        );
        assert!(msg.contains("left untouched"), "{msg}");
    }
}

/// A newer ardesk that was killed (or is still running) leaves its last
/// changes in the WAL. Refusing the file must not checkpoint that WAL into
/// the main file on the way out.
#[test]
fn newer_database_with_a_wal_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    let p = src.join("new.db");
    ardesk_db(&p);
    let copy = dir.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    let q = copy.join("new.db");
    {
        // While this connection is open its WAL stays: copy both files
        // then, as a crash would leave them.
        let c = Connection::open(&p).unwrap();
        c.execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 99;").unwrap();
        std::fs::copy(&p, &q).unwrap();
        std::fs::copy(wal(&p), wal(&q)).unwrap();
    }
    let (main, log) = (bytes(&q), bytes(&wal(&q)));
    assert!(!log.is_empty());
    let err = Store::open(&q, OpenMode::MustExist).err().unwrap();
    assert!(matches!(err, StoreError::Newer { found: 99, .. }), "{err:?}");
    assert!(bytes(&q) == main, "the main file was not changed");
    assert!(wal(&q).exists() && bytes(&wal(&q)) == log, "the WAL was neither checkpointed nor removed");
}

#[test]
fn damaged_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("damaged.db");
    ardesk_db(&p);
    set_user_version(&p, SCHEMA_VERSION);
    // Scribble over the schema table on page 1, after the 100-byte header.
    let mut b = bytes(&p);
    for x in &mut b[100..4096] {
        *x = 0xA5;
    }
    std::fs::write(&p, &b).unwrap();
    let err = refused(&p, OpenMode::MustExist);
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("is damaged"), "{msg}");
    assert!(msg.contains("restore it from a backup"), "{msg}");
    assert!(msg.contains("left untouched"), "{msg}");
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path(), OpenMode::Create).err().unwrap();
    assert!(matches!(err, StoreError::NotAFile { kind: "a directory", .. }), "{err:?}");
    assert!(err.to_string().contains("is not a regular file (a directory)"), "{err}");
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn an_empty_file_becomes_an_ardesk_database() {
    // `touch books.db && ardesk --db books.db`: an empty file is an empty
    // SQLite database, not another program's.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("books.db");
    std::fs::write(&p, b"").unwrap();
    let s = Store::open(&p, OpenMode::MustExist).unwrap();
    assert_eq!(s.customer_ids().unwrap(), Vec::<i64>::new());
    assert_eq!(s.organization().unwrap().name, "My Organization");
}

#[test]
fn reopening_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.db");
    ardesk_db(&p);
    let today = d("2026-03-01");
    let first = {
        let s = Store::open(&p, OpenMode::MustExist).unwrap();
        let c = s.customer(1).unwrap();
        assert_eq!(c.name, "Kept");
        consistent_figures(&s, &c, today)
    };
    assert_eq!(first.metrics.outstanding, usd(12_345));
    // Again, with Create: nothing is re-created or migrated twice.
    for mode in [OpenMode::Create, OpenMode::MustExist] {
        let mut s = Store::open(&p, mode).unwrap();
        let c = s.customer(1).unwrap();
        assert_eq!(c.name, "Kept");
        assert_eq!(consistent_figures(&s, &c, today), first);
        // And it is writable.
        let seed = s.seeder().unwrap();
        seed.customer(&NewCustomer { name: "Second", ..new_customer("", USD) }).unwrap();
        seed.commit().unwrap();
    }
    let s = Store::open(&p, OpenMode::MustExist).unwrap();
    assert_eq!(s.customer_ids().unwrap(), vec![1, 2, 3]);
    let v: i64 = {
        drop(s);
        Connection::open(&p).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    };
    assert_eq!(v, SCHEMA_VERSION);
}

#[test]
fn a_read_only_file_opens_read_only_and_refuses_writes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ro.db");
    {
        let mut s = Store::open(&p, OpenMode::Create).unwrap();
        let seed = s.seeder().unwrap();
        seed.customer(&new_customer("Frozen", USD)).unwrap();
        seed.commit().unwrap();
        s.checkpoint().unwrap();
    }
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = bytes(&p);
    let mut s = Store::open(&p, OpenMode::MustExist).unwrap();
    assert!(s.read_only().unwrap().contains("is read-only"));
    assert_eq!(s.customer(1).unwrap().name, "Frozen", "reads work");
    let c = s.customer(1).unwrap();
    let edit = ardesk::domain::edit::CustomerEdit {
        name: "Thawed".into(),
        legal_name: String::new(),
        billing_email: String::new(),
        billing_address: String::new(),
        currency: c.currency,
        invoices_paused: false,
        portal: false,
    };
    let err = s.update_customer(1, c.version, &edit).unwrap_err();
    assert!(err.to_string().contains("open read-only"), "{err}");
    drop(s);
    assert!(bytes(&p) == before, "not a byte changed");
}

/// A file that claims to be ardesk's (its application id and schema
/// version) but has none of its tables: refused before anything is
/// written (it used to be switched to WAL and then fail with "no such
/// table: customers").
#[test]
fn ardesks_marks_without_its_tables_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hollow.db");
    {
        let c = Connection::open(&p).unwrap();
        c.execute_batch("PRAGMA application_id = 1095910483; PRAGMA user_version = 1; CREATE TABLE other(x);").unwrap();
    }
    for mode in [OpenMode::Create, OpenMode::MustExist] {
        let err = refused(&p, mode);
        assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains(
                "marked as an ardesk database (schema version 1) but lacks the table(s) organization, customers"
            ),
            "{msg}"
        );
        assert!(msg.contains("left untouched"), "{msg}");
    }
}

/// Opens `p` on a thread, so that a file that blocks (a FIFO) fails the
/// test instead of hanging it.
fn open_within(p: &Path, secs: u64) -> StoreError {
    let (tx, rx) = std::sync::mpsc::channel();
    let q = p.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(Store::open(&q, OpenMode::Create).map(|_| ()));
    });
    match rx.recv_timeout(std::time::Duration::from_secs(secs)) {
        Ok(Ok(())) => panic!("{} was opened", p.display()),
        Ok(Err(e)) => e,
        Err(_) => panic!("opening {} hung", p.display()),
    }
}

/// Anything that is not a regular file is refused before SQLite opens it or
/// creates a journal beside it: a character device (a stray `NAME-journal`
/// appeared beside /dev/zero), a FIFO (hung), a socket, a broken link.
#[test]
fn special_files_are_refused_before_sqlite_touches_them() {
    let err = open_within(Path::new("/dev/zero"), 10);
    assert!(matches!(err, StoreError::NotAFile { kind: "a character device", .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "/dev/zero is not a regular file (a character device); ardesk keeps its data in a regular file"
    );
    assert!(!Path::new("/dev/zero-journal").exists() && !Path::new("/dev/zero-wal").exists());

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.db");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let err = open_within(&fifo, 10);
    assert!(matches!(err, StoreError::NotAFile { kind: "a named pipe", .. }), "{err:?}");

    let sock = dir.path().join("sock.db");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let err = open_within(&sock, 10);
    assert!(matches!(err, StoreError::NotAFile { kind: "a socket", .. }), "{err:?}");

    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(dir.path().join("nowhere").join("x.db"), &link).unwrap();
    let err = open_within(&link, 10);
    assert!(matches!(err, StoreError::NotAFile { kind: "a broken symbolic link", .. }), "{err:?}");
    assert_eq!(listing(dir.path()), ["link.db", "pipe.db", "sock.db"], "nothing created beside them");
}

/// A write-ahead log this user cannot write (left by root, say) beside a
/// database the user can: opened read-only with the reason, not writable
/// until the first save fails with "attempt to write a readonly database".
/// Run as `nobody` when the tests run as root (root may write anything).
#[test]
fn a_wal_owned_by_another_account_opens_read_only() {
    use std::os::unix::fs::{PermissionsExt, chown};
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("shared.db");
    ardesk_db(&p);
    let root = unsafe { libc::geteuid() } == 0;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::write(wal(&p), b"").unwrap();
    std::fs::set_permissions(wal(&p), std::fs::Permissions::from_mode(0o644)).unwrap();
    if root {
        chown(&p, Some(65534), Some(65534)).unwrap();
    } else {
        std::fs::set_permissions(wal(&p), std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    let mut cmd = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_ardesk")]);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_ardesk"))
    };
    let out = cmd.args(["org", "name", "Renamed", "--db"]).arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("open read-only") && err.contains("-wal is not writable by you"), "{err}");
    assert!(!err.contains("attempt to write a readonly database"), "{err}");
}

/// `ardesk check` on each damaged or foreign file above: exit 1 with the
/// problem listed, never exit 2 with a raw error; the file untouched.
/// Exit 2 is for a file it could not check at all (missing, a directory).
#[test]
fn check_lists_every_damaged_database_as_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let check = |p: &Path| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ardesk"))
            .args(["check", "--today", "2026-03-01", "--db"])
            .arg(p)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let text = dir.path().join("notes.db");
    std::fs::write(&text, b"this is a shopping list, not a database\n".repeat(200)).unwrap();
    let other = dir.path().join("other.db");
    Connection::open(&other).unwrap().execute_batch("CREATE TABLE recipes(name TEXT);").unwrap();
    let scribbled = dir.path().join("damaged.db");
    ardesk_db(&scribbled);
    let mut b = bytes(&scribbled);
    b[100..4096].fill(0xA5);
    std::fs::write(&scribbled, &b).unwrap();
    let hollow = dir.path().join("hollow.db");
    Connection::open(&hollow)
        .unwrap()
        .execute_batch("PRAGMA application_id = 1095910483; PRAGMA user_version = 1; CREATE TABLE other(x);")
        .unwrap();
    let cut = dir.path().join("cut.db");
    ardesk_db(&cut);
    let whole = bytes(&cut);
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    for (p, says) in [
        (&text, "is not an ardesk database (the file is not an SQLite database)"),
        (&other, "is not an ardesk database (it holds another program's tables)"),
        (&scribbled, "is damaged"),
        (&hollow, "lacks the table(s)"),
        (&cut, "problem: "),
    ] {
        let before = bytes(p);
        let (code, out, err) = check(p);
        assert_eq!(code, Some(1), "{}: {out}{err}", p.display());
        assert!(out.starts_with("problem: ") && out.contains(says), "{}: {out}", p.display());
        assert!(err.is_empty(), "{}: {err}", p.display());
        assert!(bytes(p) == before, "{} untouched", p.display());
    }
    let (code, _, err) = check(&dir.path().join("missing.db"));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("does not exist"), "{err}");
}
