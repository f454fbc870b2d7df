//! Documents: streamed in and out with their SHA-256, never overwriting a
//! file silently, and nothing half-written after an error.

use ardesk::domain::Currency;
use ardesk::domain::status::DocumentKind;
use ardesk::store::seed::NewCustomer;
use ardesk::store::{OpenMode, Store, StoreError};
use std::io::Write;

fn store(dir: &std::path::Path) -> Store {
    let mut s = Store::open(&dir.join("t.db"), OpenMode::Create).unwrap();
    let seed = s.seeder().unwrap();
    for name in ["Acme", "Other"] {
        seed.customer(&NewCustomer {
            name,
            legal_name: "",
            billing_email: "",
            currency: Currency::USD,
            import: None,
            invoices_paused: false,
            portal: false,
        })
        .unwrap();
    }
    seed.commit().unwrap();
    s
}

fn count(dir: &std::path::Path, sql: &str) -> i64 {
    let c = rusqlite::Connection::open(dir.join("t.db")).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn round_trip_keeps_every_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // Empty, small, and 24 MiB of a pattern that is not chunk-aligned.
    let big: Vec<u8> = (0..24 * 1024 * 1024 + 12345).map(|i: u32| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    for (name, bytes) in [("empty.txt", Vec::new()), ("small.pdf", b"%PDF-1.4 tiny".to_vec()), ("big.bin", big)] {
        let src = dir.path().join(name);
        std::fs::write(&src, &bytes).unwrap();
        let id = s.upload_document(1, &src, name, DocumentKind::Other, None).unwrap();
        let back = s.download_document(id, &out, false).unwrap();
        assert_eq!(back, out.join(name));
        assert!(std::fs::read(&back).unwrap() == bytes, "{name} differs after the round trip");
    }
    assert_eq!(s.check(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()).unwrap(), Vec::<String>::new());
}

#[test]
fn download_never_overwrites_silently() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let src = dir.path().join("a.txt");
    std::fs::write(&src, b"new").unwrap();
    let id = s.upload_document(1, &src, "a.txt", DocumentKind::Other, None).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("a.txt"), b"old").unwrap();
    let err = s.download_document(id, &out, false).unwrap_err();
    assert!(err.to_string().ends_with("a.txt already exists"), "{err}");
    assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"old");
    s.download_document(id, &out, true).unwrap();
    assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"new");
    // No temporary files are left behind.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn bad_uploads_say_why_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let missing = dir.path().join("nope.pdf");
    let err = s.upload_document(1, &missing, "nope.pdf", DocumentKind::Other, None).unwrap_err();
    assert!(err.to_string().ends_with("nope.pdf: no such file or directory"), "{err}");
    let err = s.upload_document(1, dir.path(), "dir", DocumentKind::Other, None).unwrap_err();
    assert!(err.to_string().ends_with("is a directory"), "{err}");
    let src = dir.path().join("c.pdf");
    std::fs::File::create(&src).unwrap().write_all(&vec![7u8; 3 * 1024 * 1024]).unwrap();
    // A contract of another customer: refused after the content was read.
    let seed = s.seeder().unwrap();
    let other_contract = seed
        .contract(&ardesk::store::seed::NewContract {
            customer_id: 2,
            name: "X",
            kind: ardesk::domain::status::ContractKind::OneTime,
            status: ardesk::domain::status::ContractStatus::Active,
            period_start: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            period_end: chrono::NaiveDate::from_ymd_opt(2026, 2, 1),
            value_minor: 1,
            currency: Currency::USD,
            payment_terms_days: 0,
            billing_frequency: None,
        })
        .unwrap();
    seed.commit().unwrap();
    let err = s.upload_document(1, &src, "c.pdf", DocumentKind::Contract, Some(other_contract)).unwrap_err();
    assert!(err.to_string().contains("another customer"));
    assert!(matches!(s.upload_document(99, &src, "c.pdf", DocumentKind::Other, None), Err(StoreError::NotFound(_))));
    assert_eq!(count(dir.path(), "SELECT count(*) FROM documents"), 0);
    assert_eq!(count(dir.path(), "SELECT count(*) FROM document_content"), 0);
}

#[test]
fn delete_checks_the_version_and_removes_content() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let src = dir.path().join("a.txt");
    std::fs::write(&src, b"x").unwrap();
    let id = s.upload_document(1, &src, "a.txt", DocumentKind::Other, None).unwrap();
    assert!(matches!(s.delete_document(id, 99), Err(StoreError::Conflict(_))));
    s.delete_document(id, s.document_version(id).unwrap()).unwrap();
    assert_eq!(count(dir.path(), "SELECT count(*) FROM document_content"), 0);
}
