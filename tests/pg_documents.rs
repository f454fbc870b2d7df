//! Documents on PostgreSQL (issue 21): uploaded, downloaded and deleted as
//! on SQLite. Each test runs the same sequence on both backends (SQLite in
//! a file, as documents are used) and compares what comes back, the rows
//! and their bytes, the Documents tab, the refusals word for word, the
//! files downloaded, and the audit log; `check` finds nothing wrong.

mod support;

use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::{ContractDraft, CustomerEdit, OrgEdit};
use ardesk::domain::model::DocumentRow;
use ardesk::domain::status::{ContractKind, ContractStatus, DocumentKind};
use ardesk::store::documents::Progress;
use ardesk::store::pg::PgStore;
use ardesk::store::window::View;
use ardesk::store::{OpenMode, Store, StoreError};
use std::path::{Path, PathBuf};
use support::both::*;
use support::pg::{TestDb, fresh};

fn customer(name: &str) -> CustomerEdit {
    CustomerEdit {
        name: name.into(),
        legal_name: String::new(),
        billing_email: "ap@acme.example".into(),
        billing_address: String::new(),
        currency: usd(),
        invoices_paused: false,
        portal: false,
    }
}

/// Both backends, empty but for customers Acme (1) and Other (2), the
/// same person writing; SQLite in a file in `dir`.
fn both(dir: &Path) -> Option<(TestDb, PgStore, Store)> {
    let db = fresh()?;
    let mut pg = PgStore::open(&db.url).unwrap();
    let mut lite = Store::open(&dir.join("t.db"), OpenMode::Create).unwrap();
    pg.set_who("ann");
    lite.set_who("ann");
    for name in ["Acme", "Other"] {
        assert_eq!(pg.create_customer(&customer(name)).unwrap(), lite.create_customer(&customer(name)).unwrap());
    }
    Some((db, pg, lite))
}

fn ok<T: PartialEq + std::fmt::Debug>(pg: Result<T, StoreError>, lite: Result<T, StoreError>, what: &str) -> T {
    let (a, b) = (pg.unwrap_or_else(|e| panic!("{what} on PostgreSQL: {e}")), lite.unwrap());
    assert_eq!(a, b, "{what}");
    a
}

/// Every row `sql` gives, every column as text (bytes as hex).
fn rows_lite(lite: &Store, sql: &str) -> Vec<Row> {
    let c = rusqlite::Connection::open(lite.path()).unwrap();
    let mut stmt = c.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Option<String>>(i)).collect::<rusqlite::Result<Row>>())
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The rows documents write (all but when they were uploaded), their
/// chunks by size and hash, and the audit log: (PostgreSQL's query,
/// SQLite's).
const TABLES: &[(&str, &str)] = &[
    (
        "SELECT id::text, customer_id::text, contract_id::text, name, kind, format, size_bytes::text, sha256,
                uploaded_by, version::text FROM documents ORDER BY documents.id",
        "SELECT CAST(id AS TEXT), CAST(customer_id AS TEXT), CAST(contract_id AS TEXT), name, kind, format,
                CAST(size_bytes AS TEXT), sha256, uploaded_by, CAST(version AS TEXT) FROM documents ORDER BY documents.id",
    ),
    (
        "SELECT document_id::text, seq::text, length(content)::text, md5(content) FROM document_content
         ORDER BY document_id, seq",
        // SQLite has no md5: the chunks are compared byte for byte below.
        "SELECT CAST(document_id AS TEXT), CAST(seq AS TEXT), CAST(length(content) AS TEXT), NULL FROM document_content
         ORDER BY document_id, seq",
    ),
    (
        "SELECT customer_id::text, entity, entity_id::text, action, summary, before_json, after_json, who
         FROM audit_log ORDER BY audit_log.id",
        "SELECT CAST(customer_id AS TEXT), entity, CAST(entity_id AS TEXT), action, summary, before_json, after_json,
                who FROM audit_log ORDER BY audit_log.id",
    ),
];

/// The same documents on both backends: the rows, every chunk's bytes,
/// the Documents tab of each customer, the audit log; `check` clean.
fn same_books(db: &TestDb, pg: &PgStore, lite: &Store) {
    for (i, (on_pg, on_lite)) in TABLES.iter().enumerate() {
        let (mut a, b) = (rows_pg(db, on_pg), rows_lite(lite, on_lite));
        if i == 1 {
            for r in &mut a {
                r[3] = None;
            }
        }
        assert_eq!(a, b, "{on_lite}");
    }
    // Every chunk, byte for byte, one at a time.
    let keys: Vec<(i64, i64)> = db
        .client()
        .query("SELECT document_id, seq FROM document_content ORDER BY 1, 2", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let c = rusqlite::Connection::open(lite.path()).unwrap();
    let mut pgc = db.client();
    for (id, seq) in keys {
        let a: Vec<u8> = pgc
            .query_one("SELECT content FROM document_content WHERE document_id = $1 AND seq = $2", &[&id, &seq])
            .unwrap()
            .get(0);
        let b: Vec<u8> = c
            .query_row("SELECT content FROM document_content WHERE document_id = ?1 AND seq = ?2", [id, seq], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(a == b, "chunk {seq} of document {id} differs");
    }
    let view = View { sort: Sort::default_for(Tab::Documents), filter: Default::default(), today: d("2026-03-01") };
    for customer in [1, 2] {
        let strip = |rows: Vec<ardesk::store::window::Keyed<DocumentRow>>| -> Vec<DocumentRow> {
            // When each was uploaded (and so the order, newest first)
            // differs by the clock, not the backend.
            let mut v: Vec<DocumentRow> =
                rows.into_iter().map(|k| DocumentRow { uploaded_at: String::new(), ..k.row }).collect();
            v.sort_by_key(|r| r.id);
            v
        };
        assert_eq!(
            strip(pg.window_view::<DocumentRow>(customer, &view, &Seek::First, 100).unwrap()),
            strip(lite.window_view::<DocumentRow>(customer, &view, &Seek::First, 100).unwrap()),
            "documents of {customer}"
        );
    }
    assert_eq!(pg.check(d("2026-03-01")).unwrap(), Vec::<String>::new(), "check on PostgreSQL");
    assert_eq!(lite.check(d("2026-03-01")).unwrap(), Vec::<String>::new(), "check on SQLite");
}

fn count(db: &TestDb, table: &str) -> i64 {
    db.client().query_one(&format!("SELECT count(*) FROM {table}"), &[]).unwrap().get(0)
}

/// Two empty directories for downloads, one per backend.
fn outs(dir: &Path) -> (PathBuf, PathBuf) {
    let (a, b) = (dir.join("out-pg"), dir.join("out-lite"));
    std::fs::create_dir(&a).unwrap();
    std::fs::create_dir(&b).unwrap();
    (a, b)
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn sha256(path: &Path) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).unwrap()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn uploads_and_downloads_keep_every_byte_as_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let Some((db, mut pg, mut lite)) = both(dir.path()) else { return };
    let (out_pg, out_lite) = outs(dir.path());
    // Empty, small, and three chunks and a byte of a pattern.
    let chunk = 1 << 20;
    let big: Vec<u8> = (0..3 * chunk + 1).map(|i: u32| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let mut ids = Vec::new();
    for (name, bytes, kind) in [
        ("empty.txt", Vec::new(), DocumentKind::Other),
        ("small.pdf", b"%PDF-1.4 tiny".to_vec(), DocumentKind::Invoice),
        ("big.bin", big.clone(), DocumentKind::Other),
        ("Big statement Q4", b"%PDF-1.7 statement".to_vec(), DocumentKind::Other),
    ] {
        let src = dir.path().join(format!("src-{}", ids.len()));
        std::fs::write(&src, &bytes).unwrap();
        let id = ok(
            pg.upload_document(1, &src, &format!("  {name} "), kind, None),
            lite.upload_document(1, &src, &format!("  {name} "), kind, None),
            name,
        );
        let (a, b) =
            (pg.download_document(id, &out_pg, false).unwrap(), lite.download_document(id, &out_lite, false).unwrap());
        assert_eq!(a.file_name(), b.file_name(), "{name}");
        assert!(std::fs::read(&a).unwrap() == bytes, "{name} differs after the round trip on PostgreSQL");
        assert_eq!(sha256(&a), sha256(&b), "{name}");
        let stored: String =
            db.client().query_one("SELECT sha256 FROM documents WHERE id = $1", &[&id]).unwrap().get(0);
        assert_eq!(sha256(&a), stored, "{name}: the stored SHA-256 is the file's");
        ok(pg.document_name(id), lite.document_name(id), "name");
        ok(pg.document_version(id), lite.document_version(id), "version");
        ids.push(id);
    }
    let chunks: i64 = db
        .client()
        .query_one("SELECT count(*) FROM document_content WHERE document_id = $1", &[&ids[2]])
        .unwrap()
        .get(0);
    assert_eq!(chunks, 4, "three chunks and a byte");
    assert_eq!(names_in(&out_pg), names_in(&out_lite));
    assert_eq!(names_in(&out_pg), ["Big statement Q4.pdf", "big.bin", "empty.txt", "small.pdf"]);

    // Never over a file that is there, unless asked; then replaced.
    std::fs::write(out_pg.join("small.pdf"), b"old").unwrap();
    std::fs::write(out_lite.join("small.pdf"), b"old").unwrap();
    let (e_pg, e_lite) = (
        pg.download_document(ids[1], &out_pg, false).unwrap_err().to_string(),
        lite.download_document(ids[1], &out_lite, false).unwrap_err().to_string(),
    );
    assert_eq!(e_pg.replace("out-pg", "out"), e_lite.replace("out-lite", "out"));
    assert!(e_pg.ends_with("small.pdf already exists"), "{e_pg}");
    assert_eq!(std::fs::read(out_pg.join("small.pdf")).unwrap(), b"old");
    pg.download_document(ids[1], &out_pg, true).unwrap();
    assert_eq!(std::fs::read(out_pg.join("small.pdf")).unwrap(), b"%PDF-1.4 tiny");
    // Never into a named pipe or through a symbolic link, even when asked.
    for out in [&out_pg, &out_lite] {
        std::fs::remove_file(out.join("empty.txt")).unwrap();
        mkfifo(&out.join("empty.txt"));
    }
    let (e_pg, e_lite) = (
        pg.download_document(ids[0], &out_pg, true).unwrap_err().to_string(),
        lite.download_document(ids[0], &out_lite, true).unwrap_err().to_string(),
    );
    assert_eq!(e_pg.replace("out-pg", "out"), e_lite.replace("out-lite", "out"));
    assert!(e_pg.ends_with("a named pipe; ardesk saves documents only as regular files, so it was left alone"));
    // Nothing is left beside them, and the missing are missing alike.
    assert_eq!(names_in(&out_pg), names_in(&out_lite));
    assert_eq!(names_in(&out_pg).len(), 4, "no temporary file: {:?}", names_in(&out_pg));
    refused(pg.download_document(999, &out_pg, false), lite.download_document(999, &out_pg, false), "document 999");
    let file = dir.path().join("src-0");
    refused(
        pg.download_document(ids[1], &file, false),
        lite.download_document(ids[1], &file, false),
        "not a directory",
    );
    refused(pg.document_name(999), lite.document_name(999), "document 999 (it was deleted elsewhere)");
    refused(pg.document_version(999), lite.document_version(999), "document 999");
    same_books(&db, &pg, &lite);
}

/// A name stored as typed downloads under a safe name: no directories, no
/// control characters.
#[test]
fn hostile_names_download_under_safe_names() {
    let dir = tempfile::tempdir().unwrap();
    let Some((db, mut pg, mut lite)) = both(dir.path()) else { return };
    let (out_pg, out_lite) = outs(dir.path());
    let src = dir.path().join("a.txt");
    std::fs::write(&src, b"hello").unwrap();
    for name in ["../x", "..", "a/b\\c:d.txt", "bell\u{7}\u{1b}[2J.txt", "\u{202e}evil.txt"] {
        let id = ok(
            pg.upload_document(1, &src, name, DocumentKind::Other, None),
            lite.upload_document(1, &src, name, DocumentKind::Other, None),
            name,
        );
        let (a, b) =
            (pg.download_document(id, &out_pg, false).unwrap(), lite.download_document(id, &out_lite, false).unwrap());
        assert_eq!(a.parent(), Some(out_pg.as_path()), "{name}: {}", a.display());
        assert_eq!(a.file_name(), b.file_name(), "{name}");
        let shown = a.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!shown.chars().any(|c| c.is_control() || c == '/' || c == '\\'), "{shown:?}");
        assert!(!shown.starts_with('.'), "{shown:?}");
    }
    assert_eq!(names_in(&out_pg), names_in(&out_lite));
    assert!(!dir.path().join("x").exists() && !dir.path().join("x.txt").exists(), "nothing outside the directory");
    refused(
        pg.upload_document(1, &src, "  ", DocumentKind::Other, None),
        lite.upload_document(1, &src, "  ", DocumentKind::Other, None),
        "the document needs a name",
    );
    same_books(&db, &pg, &lite);
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
}

/// Sets the organization's document size limit on both.
fn set_limit(pg: &mut PgStore, lite: &mut Store, bytes: u64) {
    let o = lite.organization().unwrap();
    let edit = OrgEdit {
        name: o.name,
        default_currency: o.default_currency,
        show_credit_balance: o.show_credit_balance,
        invoice_prefix: o.invoice_prefix,
        hubspot_portal_id: o.hubspot_portal_id,
        salesforce_domain: o.salesforce_domain,
        max_document_size: bytes,
        address: o.address,
    };
    ok(pg.update_organization(o.version, &edit), lite.update_organization(o.version, &edit), "limit");
}

#[test]
fn what_uploads_refuse_is_refused_in_the_same_words_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let Some((db, mut pg, mut lite)) = both(dir.path()) else { return };
    let up = |pg: &mut PgStore, lite: &mut Store, path: &Path, c: i64, contract: Option<i64>, words: &str| {
        refused(
            pg.upload_document(c, path, "x.pdf", DocumentKind::Contract, contract),
            lite.upload_document(c, path, "x.pdf", DocumentKind::Contract, contract),
            words,
        )
    };
    // Not there, a directory, a named pipe, a link to a device.
    up(&mut pg, &mut lite, &dir.path().join("nope.pdf"), 1, None, "nope.pdf: no such file or directory");
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    up(&mut pg, &mut lite, &folder, 1, None, "folder is a directory; only regular files can be uploaded");
    let fifo = dir.path().join("pipe.pdf");
    mkfifo(&fifo);
    up(&mut pg, &mut lite, &fifo, 1, None, "pipe.pdf is a named pipe; only regular files can be uploaded");
    let link = dir.path().join("zero.pdf");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    up(&mut pg, &mut lite, &link, 1, None, "zero.pdf links to a character device; only regular files can be uploaded");
    // Unreadable (unless the tests run as root, who reads anything).
    let locked = dir.path().join("locked.pdf");
    std::fs::write(&locked, b"%PDF").unwrap();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    if std::fs::File::open(&locked).is_err() {
        up(&mut pg, &mut lite, &locked, 1, None, "locked.pdf: permission denied");
    }
    // Past the organization's limit, said before a byte is read.
    let big = dir.path().join("report.pdf");
    std::fs::File::create(&big).unwrap().set_len(2_576_980_378).unwrap();
    let said = up(&mut pg, &mut lite, &big, 1, None, "report.pdf is 2.4 GiB; the most ardesk stores is 2 GiB");
    assert!(said.ends_with("(ardesk org max-document-size)"), "{said}");
    ok(pg.max_document_size(), lite.max_document_size(), "limit");
    set_limit(&mut pg, &mut lite, 1 << 20);
    assert_eq!(ok(pg.max_document_size(), lite.max_document_size(), "limit"), 1 << 20);
    let at = dir.path().join("at.bin");
    std::fs::write(&at, vec![1u8; (1 << 20) + 1]).unwrap();
    up(&mut pg, &mut lite, &at, 1, None, "at.bin is 1048577 bytes; the most ardesk stores is 1048576 bytes (1 MiB)");
    std::fs::write(&at, vec![1u8; 1 << 20]).unwrap();
    // A customer that is not there; a contract of another customer, or
    // none: refused after the file was opened, nothing stored.
    up(&mut pg, &mut lite, &at, 99, None, "customer 99");
    let contract = ContractDraft {
        name: "X".into(),
        kind: ContractKind::OneTime,
        status: ContractStatus::Active,
        period_start: d("2026-01-01"),
        period_end: Some(d("2026-02-01")),
        value_minor: 1,
        currency: usd(),
        payment_terms_days: 0,
        billing_frequency: None,
    };
    let theirs = ok(pg.create_contract(2, &contract), lite.create_contract(2, &contract), "contract");
    up(&mut pg, &mut lite, &at, 1, Some(theirs), "the contract belongs to another customer");
    up(&mut pg, &mut lite, &at, 1, Some(999), "the contract belongs to another customer");
    assert_eq!((count(&db, "documents"), count(&db, "document_content")), (0, 0));
    // At the limit, and with its own contract: taken.
    let ours = ok(pg.create_contract(1, &contract), lite.create_contract(1, &contract), "ours");
    ok(
        pg.upload_document(1, &at, "at.bin", DocumentKind::Contract, Some(ours)),
        lite.upload_document(1, &at, "at.bin", DocumentKind::Contract, Some(ours)),
        "at the limit",
    );
    same_books(&db, &pg, &lite);
}

#[test]
fn deletes_check_the_version_and_take_the_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let Some((db, mut pg, mut lite)) = both(dir.path()) else { return };
    let src = dir.path().join("a.bin");
    std::fs::write(&src, vec![5u8; (1 << 20) + 10]).unwrap();
    let id = ok(
        pg.upload_document(1, &src, "a.bin", DocumentKind::Other, None),
        lite.upload_document(1, &src, "a.bin", DocumentKind::Other, None),
        "upload",
    );
    let keep = ok(
        pg.upload_document(2, &src, "kept.bin", DocumentKind::Other, None),
        lite.upload_document(2, &src, "kept.bin", DocumentKind::Other, None),
        "upload",
    );
    let stale = refused(pg.delete_document(id, 99), lite.delete_document(id, 99), "changed elsewhere");
    assert!(stale.contains("document a.bin"), "{stale}");
    refused(pg.delete_document(999, 1), lite.delete_document(999, 1), "document 999 (it was deleted elsewhere)");
    let v = ok(pg.document_version(id), lite.document_version(id), "version");
    ok(pg.delete_document(id, v), lite.delete_document(id, v), "delete");
    refused(
        pg.delete_document(id, v),
        lite.delete_document(id, v),
        "document 999".replace("999", &id.to_string()).as_str(),
    );
    let left: i64 =
        db.client().query_one("SELECT count(*) FROM document_content WHERE document_id = $1", &[&id]).unwrap().get(0);
    assert_eq!(left, 0, "the chunks went with it");
    assert_eq!(count(&db, "document_content"), 2, "the other document's stay");
    ok(pg.document_name(keep), lite.document_name(keep), "kept");
    same_books(&db, &pg, &lite);
}

/// A cancelled upload stores nothing; a cancelled download leaves
/// nothing; both midway, from another thread, through the same Progress.
#[test]
fn cancelled_transfers_leave_nothing() {
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let Some((db, mut pg, lite)) = both(dir.path()) else { return };
    drop(lite);
    // Sparse: 1 GiB of nothing, read a chunk at a time until cancelled.
    let big = dir.path().join("big.bin");
    std::fs::File::create(&big).unwrap().set_len(1 << 30).unwrap();
    let audited = count(&db, "audit_log");
    let progress = Arc::new(Progress::default());
    let (p, url, b) = (progress.clone(), db.url.clone(), big.clone());
    let run = std::thread::spawn(move || {
        let mut s = PgStore::open(&url).unwrap();
        s.upload_watched(1, &b, "big.bin", DocumentKind::Other, None, &p)
    });
    while progress.bytes().0 < 3 << 20 {
        std::thread::yield_now();
    }
    assert!(progress.cancel(), "it stops before it finishes");
    assert!(matches!(run.join().unwrap(), Err(StoreError::Cancelled)));
    assert_eq!((count(&db, "documents"), count(&db, "document_content"), count(&db, "audit_log")), (0, 0, audited));

    // A download cancelled midway: no partial or temporary file.
    let src = dir.path().join("mid.bin");
    std::fs::write(&src, vec![9u8; 40 << 20]).unwrap();
    let id = pg.upload_document(1, &src, "mid.bin", DocumentKind::Other, None).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let progress = Arc::new(Progress::default());
    let (p, url, o) = (progress.clone(), db.url.clone(), out.clone());
    let run = std::thread::spawn(move || PgStore::open(&url).unwrap().download_watched(id, &o, false, &p));
    while progress.bytes().0 < 2 << 20 {
        std::thread::yield_now();
    }
    assert!(progress.cancel(), "it stops before it finishes");
    assert!(matches!(run.join().unwrap(), Err(StoreError::Cancelled)));
    assert_eq!(names_in(&out), Vec::<String>::new(), "no partial or temporary file");
    // Cancelled before it starts: the same.
    let progress = Progress::default();
    progress.cancel();
    assert!(matches!(pg.download_watched(id, &out, false, &progress), Err(StoreError::Cancelled)));
    assert_eq!(names_in(&out), Vec::<String>::new());
    assert_eq!(pg.check(d("2026-03-01")).unwrap(), Vec::<String>::new());
}
