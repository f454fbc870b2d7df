//! Opening databases: missing, not SQLite, another program's, newer.
//! Each is refused with one clear message and the file is left untouched.

use ardesk::store::{OpenMode, Store, StoreError};

fn bytes(p: &std::path::Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn missing_file_is_refused_under_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("none.db");
    let err = Store::open(&p, OpenMode::MustExist).err().unwrap();
    assert!(matches!(err, StoreError::Missing { .. }));
    assert!(err.to_string().contains("does not exist"));
    assert!(!p.exists());
}

#[test]
fn not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.db");
    std::fs::write(&p, b"this is a shopping list, not a database\n".repeat(200)).unwrap();
    let before = bytes(&p);
    let err = Store::open(&p, OpenMode::Create).err().unwrap();
    assert!(matches!(err, StoreError::NotArdesk { .. }), "{err}");
    assert!(err.to_string().contains("not an SQLite database"), "{err}");
    assert_eq!(bytes(&p), before);
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch("CREATE TABLE recipes(name TEXT); INSERT INTO recipes VALUES ('bread');").unwrap();
    }
    let before = bytes(&p);
    let err = Store::open(&p, OpenMode::Create).err().unwrap();
    assert!(err.to_string().contains("another program's tables"), "{err}");
    assert_eq!(bytes(&p), before);
}

#[test]
fn newer_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("new.db");
    drop(Store::open(&p, OpenMode::Create).unwrap());
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch("PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let before = bytes(&p);
    let err = Store::open(&p, OpenMode::Create).err().unwrap();
    assert!(matches!(err, StoreError::Newer { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("newer ardesk"), "{err}");
    assert_eq!(bytes(&p), before, "not a byte changed");
}

#[test]
fn reopening_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.db");
    {
        let mut s = Store::open(&p, OpenMode::Create).unwrap();
        let seed = s.seeder().unwrap();
        seed.customer(&ardesk::store::seed::NewCustomer {
            name: "Kept",
            legal_name: "",
            billing_email: "",
            currency: ardesk::domain::Currency::USD,
            import: None,
            invoices_paused: false,
            portal: false,
        })
        .unwrap();
        seed.commit().unwrap();
    }
    let s = Store::open(&p, OpenMode::MustExist).unwrap();
    assert_eq!(s.customer(1).unwrap().name, "Kept");
}

#[test]
fn a_read_only_file_opens_read_only_and_refuses_writes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ro.db");
    {
        let mut s = Store::open(&p, OpenMode::Create).unwrap();
        let seed = s.seeder().unwrap();
        seed.customer(&ardesk::store::seed::NewCustomer {
            name: "Frozen",
            legal_name: "",
            billing_email: "",
            currency: ardesk::domain::Currency::USD,
            import: None,
            invoices_paused: false,
            portal: false,
        })
        .unwrap();
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
        currency: c.currency,
        invoices_paused: false,
        portal: false,
    };
    let err = s.update_customer(1, c.version, &edit).unwrap_err();
    assert!(err.to_string().contains("open read-only"), "{err}");
    drop(s);
    assert_eq!(bytes(&p), before, "not a byte changed");
}
