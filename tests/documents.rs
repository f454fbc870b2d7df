//! Documents: streamed in and out with their SHA-256, never overwriting a
//! file silently, and nothing half-written after an error.

use ardesk::domain::Currency;
use ardesk::domain::status::DocumentKind;
use ardesk::store::seed::NewCustomer;
use ardesk::store::{Books, OpenMode, Store, StoreError};
use std::io::Write;

mod support;

fn store(dir: &std::path::Path) -> Store {
    let mut s = Store::open(&dir.join("t.db"), OpenMode::Create).unwrap();
    customers(&mut s);
    s
}

/// Customers 1 and 2, Acme and Other.
fn customers(s: &mut Store) {
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
}

/// `store`'s customers in the books; a directory for the files to upload
/// and download.
fn books(b: &mut Books) -> tempfile::TempDir {
    support::backends::seed(b, customers);
    tempfile::tempdir().unwrap()
}

fn rows(b: &Books, sql: &str) -> i64 {
    support::backends::number(b, sql)
}

/// `download_document`, which `Books` reaches only as `download_watched`.
fn download(b: &Books, id: i64, dir: &std::path::Path, overwrite: bool) -> Result<std::path::PathBuf, StoreError> {
    match b {
        Books::Lite(s) => s.download_document(id, dir, overwrite),
        Books::Pg(s) => s.download_document(id, dir, overwrite),
    }
}

fn mkfifo(path: &std::path::Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
}

/// Runs `f` on a thread and gives its answer, failing (not hanging) when it
/// takes longer than a few seconds: a device streams forever, a named pipe
/// blocks its reader until someone writes.
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(f()));
    rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap_or_else(|_| panic!("{what} did not return"))
}

use std::os::unix::fs::FileTypeExt;

/// Sets the organization's document size limit.
fn set_limit(s: &mut Books, bytes: u64) {
    let o = s.organization().unwrap();
    let edit = ardesk::domain::edit::OrgEdit {
        name: o.name,
        default_currency: o.default_currency,
        show_credit_balance: o.show_credit_balance,
        invoice_prefix: o.invoice_prefix,
        hubspot_portal_id: o.hubspot_portal_id,
        salesforce_domain: o.salesforce_domain,
        max_document_size: bytes,
        address: o.address,
    };
    s.update_organization(o.version, &edit).unwrap();
}

on_both! {
fn round_trip_keeps_every_byte(s: &mut Books) {
    let dir = books(s);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // Empty, small, and 24 MiB of a pattern that is not chunk-aligned.
    let big: Vec<u8> = (0..24 * 1024 * 1024 + 12345).map(|i: u32| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    for (name, bytes) in [("empty.txt", Vec::new()), ("small.pdf", b"%PDF-1.4 tiny".to_vec()), ("big.bin", big)] {
        let src = dir.path().join(name);
        std::fs::write(&src, &bytes).unwrap();
        let id = s.upload_document(1, &src, name, DocumentKind::Other, None).unwrap();
        let back = download(s, id, &out, false).unwrap();
        assert_eq!(back, out.join(name));
        assert!(std::fs::read(&back).unwrap() == bytes, "{name} differs after the round trip");
    }
    assert_eq!(s.check(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()).unwrap(), Vec::<String>::new());
}

/// Issue 14 defect 12: a document named without its extension was saved
/// without one, and did not open as the PDF it is.
fn a_download_keeps_or_gains_the_files_extension(s: &mut Books) {
    let dir = books(s);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let src = dir.path().join("statement.pdf");
    std::fs::write(&src, b"%PDF-1.7 statement").unwrap();
    let id = s.upload_document(1, &src, "Big statement Q4", DocumentKind::Other, None).unwrap();
    assert_eq!(download(s, id, &out, false).unwrap(), out.join("Big statement Q4.pdf"));
    let id = s.upload_document(1, &src, "kept.PDF", DocumentKind::Other, None).unwrap();
    assert_eq!(download(s, id, &out, false).unwrap(), out.join("kept.PDF"));
    assert_eq!(std::fs::read(out.join("Big statement Q4.pdf")).unwrap(), b"%PDF-1.7 statement");
}

/// Issue 14 defect 11: `type:pdf` found nothing while the column said
/// "PDF", and `size` took bytes only.
fn documents_filter_by_format_and_by_size_with_units(s: &mut Books) {
    use ardesk::domain::columns::{Seek, Sort, Tab};
    use ardesk::domain::model::DocumentRow;
    use ardesk::store::window::View;
    let dir = books(s);
    let pdf = dir.path().join("a.pdf");
    std::fs::write(&pdf, [b"%PDF-1.7 ".as_slice(), &[b'x'; 3000]].concat()).unwrap();
    let txt = dir.path().join("b.txt");
    std::fs::write(&txt, b"notes").unwrap();
    s.upload_document(1, &pdf, "a.pdf", DocumentKind::Contract, None).unwrap();
    s.upload_document(1, &txt, "b.txt", DocumentKind::Other, None).unwrap();
    let names = |f: &str| -> Vec<String> {
        let filter = ardesk::domain::filter::parse(f, Tab::Documents, ardesk::domain::Currency::USD).unwrap();
        let view = View { sort: Sort::default_for(Tab::Documents), filter, today: chrono::NaiveDate::MIN };
        let mut v: Vec<String> =
            s.window_view::<DocumentRow>(1, &view, &Seek::First, 50).unwrap().into_iter().map(|k| k.row.name).collect();
        v.sort();
        v
    };
    assert_eq!(names("type:pdf"), ["a.pdf"]);
    assert_eq!(names("type:contract"), ["a.pdf"]);
    assert_eq!(names("type:text"), ["b.txt"]);
    assert_eq!(names("size>2KB"), ["a.pdf"]);
    assert_eq!(names("size>3KiB"), Vec::<String>::new(), "3,009 bytes is under 3 KiB");
    assert_eq!(names("size<1KiB"), ["b.txt"]);
}

fn download_never_overwrites_silently(s: &mut Books) {
    let dir = books(s);
    let src = dir.path().join("a.txt");
    std::fs::write(&src, b"new").unwrap();
    let id = s.upload_document(1, &src, "a.txt", DocumentKind::Other, None).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("a.txt"), b"old").unwrap();
    let err = download(s, id, &out, false).unwrap_err();
    assert!(err.to_string().ends_with("a.txt already exists"), "{err}");
    assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"old");
    download(s, id, &out, true).unwrap();
    assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"new");
    // No temporary files are left behind.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

fn bad_uploads_say_why_and_leave_nothing(s: &mut Books) {
    let dir = books(s);
    let missing = dir.path().join("nope.pdf");
    let err = s.upload_document(1, &missing, "nope.pdf", DocumentKind::Other, None).unwrap_err();
    assert!(err.to_string().ends_with("nope.pdf: no such file or directory"), "{err}");
    let err = s.upload_document(1, dir.path(), "dir", DocumentKind::Other, None).unwrap_err();
    assert!(err.to_string().ends_with("is a directory; only regular files can be uploaded"), "{err}");
    let src = dir.path().join("c.pdf");
    std::fs::File::create(&src).unwrap().write_all(&vec![7u8; 3 * 1024 * 1024]).unwrap();
    // A contract of another customer: refused after the content was read.
    let other_contract = s
        .create_contract(
            2,
            &ardesk::domain::edit::ContractDraft {
                name: "X".into(),
                kind: ardesk::domain::status::ContractKind::OneTime,
                status: ardesk::domain::status::ContractStatus::Active,
                period_start: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                period_end: chrono::NaiveDate::from_ymd_opt(2026, 2, 1),
                value_minor: 1,
                currency: Currency::USD,
                payment_terms_days: 0,
                billing_frequency: None,
            },
        )
        .unwrap();
    let err = s.upload_document(1, &src, "c.pdf", DocumentKind::Contract, Some(other_contract)).unwrap_err();
    assert!(err.to_string().contains("another customer"));
    assert!(matches!(s.upload_document(99, &src, "c.pdf", DocumentKind::Other, None), Err(StoreError::NotFound(_))));
    assert_eq!(rows(s, "SELECT count(*) FROM documents"), 0);
    assert_eq!(rows(s, "SELECT count(*) FROM document_content"), 0);
}

fn delete_checks_the_version_and_removes_content(s: &mut Books) {
    let dir = books(s);
    let src = dir.path().join("a.txt");
    std::fs::write(&src, b"x").unwrap();
    let id = s.upload_document(1, &src, "a.txt", DocumentKind::Other, None).unwrap();
    assert!(matches!(s.delete_document(id, 99), Err(StoreError::Conflict(_))));
    s.delete_document(id, s.document_version(id).unwrap()).unwrap();
    assert_eq!(rows(s, "SELECT count(*) FROM document_content"), 0);
}

/// Only regular files upload: a device, a named pipe, a socket, a directory
/// and a link to a device are each refused at once, named for what they
/// are, and nothing is written.
fn only_regular_files_upload(s: &mut Books) {
    let dir = books(s);
    let fifo = dir.path().join("pipe.pdf");
    mkfifo(&fifo);
    let sock = dir.path().join("sock.pdf");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let link = dir.path().join("zero.pdf");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let sub = dir.path().join("folder");
    std::fs::create_dir(&sub).unwrap();
    let cases = [
        (std::path::PathBuf::from("/dev/zero"), "/dev/zero is a character device; only regular files can be uploaded"),
        (fifo.clone(), "pipe.pdf is a named pipe; only regular files can be uploaded"),
        (sock, "sock.pdf is a socket; only regular files can be uploaded"),
        (link, "zero.pdf links to a character device; only regular files can be uploaded"),
        (sub, "folder is a directory; only regular files can be uploaded"),
    ];
    let db = s.location();
    for (path, want) in cases {
        let db = db.clone();
        let shown = path.display().to_string();
        let err = within(&format!("uploading {shown}"), move || {
            let mut s = Books::open(&db, OpenMode::MustExist).unwrap();
            s.upload_document(1, &path, "x", DocumentKind::Other, None).map_err(|e| e.to_string())
        })
        .unwrap_err();
        assert!(err.ends_with(want), "{shown}: {err}");
    }
    assert_eq!(rows(s, "SELECT count(*) FROM documents"), 0);
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the pipe is left as it was");
}

/// A download never writes into a named pipe or a device, nor replaces one
/// (or a symbolic link), even when told to replace what is there.
fn downloads_never_write_into_special_files(s: &mut Books) {
    let dir = books(s);
    let src = dir.path().join("a.txt");
    std::fs::write(&src, b"hello").unwrap();
    let id = s.upload_document(1, &src, "a.txt", DocumentKind::Other, None).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    mkfifo(&out.join("a.txt"));
    for overwrite in [false, true] {
        let err = download(s, id, &out, overwrite).unwrap_err().to_string();
        assert!(
            err.ends_with("a.txt is a named pipe; ardesk saves documents only as regular files, so it was left alone"),
            "{err}"
        );
    }
    assert!(std::fs::symlink_metadata(out.join("a.txt")).unwrap().file_type().is_fifo());
    std::fs::remove_file(out.join("a.txt")).unwrap();
    std::os::unix::fs::symlink("/dev/null", out.join("a.txt")).unwrap();
    let err = download(s, id, &out, true).unwrap_err().to_string();
    assert!(err.contains("a.txt is a symbolic link"), "{err}");
    assert!(std::fs::symlink_metadata(out.join("a.txt")).unwrap().file_type().is_symlink());
    // Nothing else was left in the directory.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

/// A file larger than the limit (2 GiB unless the organization says other)
/// is refused before a byte of it is read, with its size and the limit.
fn files_past_the_size_limit_are_refused_up_front(s: &mut Books) {
    let dir = books(s);
    assert_eq!(s.max_document_size().unwrap(), 2 << 30);
    // Sparse: 2.4 GiB of nothing, made in no time; reading it would take long.
    let big = dir.path().join("report.pdf");
    std::fs::File::create(&big).unwrap().set_len(2_576_980_378).unwrap();
    let started = std::time::Instant::now();
    let err = s.upload_document(1, &big, "report.pdf", DocumentKind::Other, None).unwrap_err().to_string();
    assert_eq!(err, "report.pdf is 2.4 GiB; the most ardesk stores is 2 GiB (ardesk org max-document-size)");
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "refused before reading");
    set_limit(s, 1 << 20);
    let at = dir.path().join("at.bin");
    std::fs::write(&at, vec![1u8; 1 << 20]).unwrap();
    s.upload_document(1, &at, "at.bin", DocumentKind::Other, None).unwrap();
    std::fs::write(&at, vec![1u8; (1 << 20) + 1]).unwrap();
    let err = s.upload_document(1, &at, "at.bin", DocumentKind::Other, None).unwrap_err().to_string();
    assert!(err.starts_with("at.bin is 1048577 bytes; the most ardesk stores is 1048576 bytes (1 MiB)"), "{err}");
    assert_eq!(rows(s, "SELECT count(*) FROM documents"), 1);
}

/// A cancelled upload stores nothing; a cancelled download leaves nothing.
fn cancelled_transfers_leave_nothing(s: &mut Books) {
    use ardesk::store::documents::Progress;
    use std::sync::Arc;
    let dir = books(s);
    let db = s.location();
    let big = dir.path().join("big.bin");
    std::fs::File::create(&big).unwrap().set_len(1 << 30).unwrap();
    let progress = Arc::new(Progress::default());
    let (p, d, b) = (progress.clone(), db.clone(), big.clone());
    let run = std::thread::spawn(move || {
        let mut s = Books::open(&d, OpenMode::MustExist).unwrap();
        s.upload_watched(1, &b, "big.bin", DocumentKind::Other, None, &p)
    });
    while progress.bytes().0 == 0 {
        std::thread::yield_now();
    }
    assert!(progress.cancel(), "it stops before it finishes");
    assert!(matches!(run.join().unwrap(), Err(StoreError::Cancelled)));
    assert_eq!(rows(s, "SELECT count(*) FROM documents"), 0);
    assert_eq!(rows(s, "SELECT count(*) FROM document_content"), 0);

    let src = dir.path().join("mid.bin");
    std::fs::write(&src, vec![9u8; 40 << 20]).unwrap();
    let id = s.upload_document(1, &src, "mid.bin", DocumentKind::Other, None).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let progress = Progress::default();
    progress.cancel();
    assert!(matches!(s.download_watched(id, &out, false, &progress), Err(StoreError::Cancelled)));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "no partial or temporary file");
}
}

/// The file, checkpointed, as the disk holds it.
fn file_size(s: &Store) -> u64 {
    s.checkpoint().unwrap();
    std::fs::metadata(s.path()).unwrap().len()
}

/// Deleting a document gives its space back to the disk: a new database
/// reclaims it as the delete is done.
#[test]
fn deleting_a_document_gives_its_space_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let src = dir.path().join("scan.bin");
    std::fs::write(&src, vec![5u8; 20 << 20]).unwrap();
    let id = s.upload_document(1, &src, "scan.bin", DocumentKind::Other, None).unwrap();
    let with = file_size(&s);
    assert!(with > 20 << 20, "{with}");
    s.delete_document(id, s.document_version(id).unwrap()).unwrap();
    // On disk as the delete left it, the log included, before any checkpoint.
    let on_disk = |suffix: &str| std::fs::metadata(format!("{}{suffix}", s.path().display())).map_or(0, |m| m.len());
    let left = on_disk("") + on_disk("-wal");
    assert!(
        with.saturating_sub(left) >= 19 << 20,
        "only {} of 20 MiB given back ({with} → {left})",
        with.saturating_sub(left)
    );
    let without = file_size(&s);
    let back = with.saturating_sub(without);
    assert!(back >= 19 << 20, "only {back} of 20 MiB given back ({with} → {without})");
    assert_eq!(s.space().unwrap().reclaimable(), 0);
}

/// A database made before ardesk reclaimed space keeps it after a delete
/// (and says how much); `ardesk vacuum` gives it back and converts the file,
/// so the next delete reclaims by itself. A read-only database is refused.
#[test]
fn ardesk_vacuum_reclaims_and_converts_an_older_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    drop(store(dir.path()));
    {
        // As an older ardesk made it: no auto-vacuum.
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA auto_vacuum = NONE; VACUUM;").unwrap();
    }
    let mut s = Store::open(&db, OpenMode::MustExist).unwrap();
    let src = dir.path().join("scan.bin");
    std::fs::write(&src, vec![5u8; 20 << 20]).unwrap();
    let id = s.upload_document(1, &src, "scan.bin", DocumentKind::Other, None).unwrap();
    let with = file_size(&s);
    s.delete_document(id, s.document_version(id).unwrap()).unwrap();
    assert!(file_size(&s) >= with, "nothing given back without auto-vacuum");
    let left = s.space().unwrap();
    assert!(!left.incremental && left.reclaimable() >= 20 << 20, "{left:?}");
    drop(s);

    let bin = env!("CARGO_BIN_EXE_ardesk");
    let run = |args: &[&str]| {
        let o = std::process::Command::new(bin).args(args).arg("--db").arg(&db).output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, out, err) = run(&["vacuum"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("given back to the disk") && out.contains("from now on"), "{out}");
    let after = std::fs::metadata(&db).unwrap().len();
    assert!(with.saturating_sub(after) >= 19 << 20, "{with} → {after}");
    let mut s = Store::open(&db, OpenMode::MustExist).unwrap();
    assert!(s.space().unwrap().incremental, "converted");
    let id = s.upload_document(1, &src, "scan.bin", DocumentKind::Other, None).unwrap();
    let with = file_size(&s);
    s.delete_document(id, s.document_version(id).unwrap()).unwrap();
    assert!(with.saturating_sub(file_size(&s)) >= 19 << 20, "the next delete reclaims by itself");
    drop(s);

    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&db).unwrap();
    let (code, _, err) = run(&["vacuum"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is read-only") && err.contains("cannot be vacuumed"), "{err}");
    assert!(std::fs::read(&db).unwrap() == before, "not a byte changed");
    let (_, help, _) = run(&["vacuum", "--help"]);
    assert!(help.contains("rewrites the whole database file") && help.contains("twice the file's size"), "{help}");
}
