//! Uploads, downloads and deletes beside the screen: a progress popup
//! while they run, `Esc` to cancel (the database and the directory are as
//! before), keys typed meanwhile go to the popup and nowhere else, several
//! files one after another each whole or not at all, and the real binary
//! in a terminal doing the same.

mod support;

use ardesk::app::App;
use ardesk::app::dialog::Dialog;
use ardesk::domain::columns::Tab;
use ardesk::domain::status::DocumentKind;
use ardesk::store::seed::NewCustomer;
use ardesk::store::{OpenMode, Store};
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::fixture::d;
use support::keys::{press, render};

/// A database file with one customer, and the app on its documents tab.
fn app_on_documents(dir: &Path) -> App {
    let db = dir.join("t.db");
    let mut s = Store::open(&db, OpenMode::Create).unwrap();
    let seed = s.seeder().unwrap();
    seed.customer(&NewCustomer {
        name: "Acme",
        legal_name: "",
        billing_email: "",
        currency: ardesk::domain::Currency::USD,
        import: None,
        invoices_paused: false,
        portal: false,
    })
    .unwrap();
    seed.commit().unwrap();
    s.set_who("tester");
    let mut app = App::new(s, d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    app.open_customer(1);
    press(&mut app, &["5"]);
    app
}

/// A sparse file: gigabytes that cost nothing to make and take long to read.
fn sparse(path: &Path, bytes: u64) -> PathBuf {
    std::fs::File::create(path).unwrap().set_len(bytes).unwrap();
    path.to_path_buf()
}

/// Every row of every table (a chunk as its length), to compare a database
/// before and after.
fn snapshot(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = c.prepare(&format!("SELECT * FROM {t}")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Blob(b) => format!("{} bytes", b.len()),
                    v => format!("{v:?}"),
                })
                .collect();
            out.push(format!("{t}: {}", cells.join(" | ")));
        }
    }
    out
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// Ticks the app until `pred` holds of it (the job runs on its own thread).
fn tick_until(app: &mut App, what: &str, pred: impl Fn(&App, &str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        app.tick();
        let screen = render(app, 120, 40);
        if pred(app, &screen) {
            return screen;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}:\n{screen}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn bytes_done(app: &App) -> u64 {
    app.documents.as_ref().map_or(0, |j| j.status().done)
}

fn document_names(app: &App) -> Vec<String> {
    let documents = app.page().unwrap().rows::<ardesk::domain::model::DocumentRow>().unwrap();
    documents.visible().map(|(_, k)| k.row.name.clone()).collect()
}

fn on_documents_tab(app: &App) -> bool {
    app.page().is_some_and(|p| p.tab == Tab::Documents)
}

/// An upload runs beside the screen: its popup shows the file, the bytes
/// with a bar and the time; keys typed meanwhile go nowhere; `Esc` cancels
/// it, and the database is exactly as before.
#[test]
fn an_upload_shows_its_progress_and_esc_cancels_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on_documents(dir.path());
    let db = dir.path().join("t.db");
    let big = sparse(&dir.path().join("big.bin"), 1 << 30);
    let before = snapshot(&db);
    press(&mut app, &["u", &format!("type:{}", big.display()), "C-s"]);
    assert!(app.documents.is_some(), "the upload runs on its own thread");
    assert!(matches!(app.dialogs.last(), Some(Dialog::Transferring)));
    let screen = tick_until(&mut app, "bytes uploaded", |a, _| bytes_done(a) > 0);
    assert!(screen.contains("╭ Uploading "), "{screen}");
    assert!(screen.contains("big.bin") && screen.contains("of 1024.0 MiB ("), "{screen}");
    assert!(screen.contains("░░░░"), "the bar:\n{screen}");
    assert!(screen.contains("All or nothing: cancelled, nothing of it is stored."), "{screen}");
    assert!(screen.contains("Esc cancel"), "{screen}");
    // Keys typed while it runs: the contracts tab, its menu, back, quit.
    press(&mut app, &["2", "m", "Enter", "q", "j"]);
    assert!(matches!(app.dialogs.last(), Some(Dialog::Transferring)), "the popup keeps the keys");
    assert!(on_documents_tab(&app) && !app.quit);
    press(&mut app, &["Esc"]);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("Cancelling…"), "{screen}");
    assert_eq!(screen.matches("Esc cancel").count(), 1, "only the footer offers it now:\n{screen}");
    let screen = tick_until(&mut app, "the cancel", |a, _| a.documents.is_none());
    assert!(screen.contains("Upload cancelled; nothing of big.bin was stored"), "{screen}");
    assert!(app.dialogs.is_empty(), "no popup, form or menu left: {}", app.dialogs.len());
    assert!(on_documents_tab(&app), "no key typed during the upload landed on the page");
    drop(app);
    assert_eq!(snapshot(&db), before, "the database is as it was");
}

/// Several files go one after another in the same popup, each whole or not
/// at all: cancelled during the second, the first stays, the second leaves
/// nothing, the third never starts, and the report says which is which.
#[test]
fn several_files_go_one_after_another_and_the_report_says_which_landed() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on_documents(dir.path());
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    std::fs::write(&a, b"first").unwrap();
    std::fs::write(&b, b"third").unwrap();
    let big = sparse(&dir.path().join("big.bin"), 1 << 30);
    let typed = format!("type:{} {} {}", a.display(), big.display(), b.display());
    press(&mut app, &["u", &typed, "C-s"]);
    let screen = tick_until(&mut app, "the second file", |a, _| {
        a.documents.as_ref().is_some_and(|j| j.status().index == 1) && bytes_done(a) > 0
    });
    assert!(screen.contains("Uploading file 2 of 3") && screen.contains("big.bin"), "{screen}");
    assert!(screen.contains("Each file all or nothing"), "{screen}");
    press(&mut app, &["Esc"]);
    let screen = tick_until(&mut app, "the report", |a, _| a.documents.is_none());
    assert!(screen.contains("Upload cancelled: 1 of 3 files stored"), "{screen}");
    assert!(screen.contains("Stored: a.txt"), "{screen}");
    assert!(screen.contains("Cancelled: big.bin (nothing of it was stored)"), "{screen}");
    assert!(screen.contains("Not started: 1 more file(s)"), "{screen}");
    assert_eq!(document_names(&app), ["a.txt"]);

    press(&mut app, &["Enter", "u", &format!("type:{} {}", a.display(), b.display()), "C-s"]);
    let screen = tick_until(&mut app, "two uploads", |a, _| a.documents.is_none());
    assert!(screen.contains("Uploaded a.txt, b.txt"), "{screen}");
    assert_eq!(document_names(&app).len(), 3);
}

/// What is not a regular file, or is past the size limit, is refused in the
/// form before anything starts, named for what it is.
#[test]
fn the_upload_form_refuses_special_files_and_files_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on_documents(dir.path());
    press(&mut app, &["u", "type:/dev/zero", "C-s"]);
    assert!(app.documents.is_none(), "nothing started");
    let screen = render(&app, 120, 40);
    assert!(screen.contains("/dev/zero is a character device; only regular files can be"), "{screen}");
    let big = sparse(&dir.path().join("report.pdf"), 2_576_980_378);
    press(&mut app, &["C-u", &format!("type:{}", big.display()), "C-s"]);
    assert!(app.documents.is_none(), "nothing started");
    let screen = render(&app, 120, 40);
    assert!(screen.contains("report.pdf is 2.4 GiB; the most ardesk stores is 2 GiB"), "{screen}");
}

/// A download runs beside the screen too: cancelled, it leaves the
/// directory as it was; done, the file is there byte for byte; again, it
/// asks before replacing it.
#[test]
fn a_download_shows_its_progress_and_esc_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("scan.bin");
    let bytes: Vec<u8> = (0..96u32 << 20).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(&src, &bytes).unwrap();
    let mut app = app_on_documents(dir.path());
    app.store_mut().upload_document(1, &src, "scan.bin", DocumentKind::Other, None).unwrap();
    app.reload();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), b"mine").unwrap();
    let before = listing(&out);
    let to_out = format!("type:{}", out.display());
    press(&mut app, &["d", "C-u", &to_out, "C-s"]);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("╭ Downloading ") && screen.contains("scan.bin to "), "{screen}");
    assert!(screen.contains("Cancelled, it leaves no file behind."), "{screen}");
    press(&mut app, &["Esc"]);
    let screen = tick_until(&mut app, "the cancel", |a, _| a.documents.is_none());
    assert!(screen.contains("Download cancelled; no file was left behind"), "{screen}");
    assert_eq!(listing(&out), before, "the directory is as it was");

    press(&mut app, &["d", "C-u", &to_out, "C-s"]);
    let screen = tick_until(&mut app, "the download", |a, _| a.documents.is_none());
    assert!(screen.contains("(checksum verified)"), "{screen}");
    assert!(std::fs::read(out.join("scan.bin")).unwrap() == bytes);
    // Again: the existing file is not replaced without asking.
    std::fs::write(out.join("scan.bin"), b"edited").unwrap();
    press(&mut app, &["d", "C-u", &to_out, "C-s"]);
    let screen = tick_until(&mut app, "the question", |a, _| a.documents.is_none());
    assert!(screen.contains("Replace the existing file?"), "{screen}");
    assert_eq!(std::fs::read(out.join("scan.bin")).unwrap(), b"edited");
    press(&mut app, &["y"]);
    tick_until(&mut app, "the replacement", |a, _| a.documents.is_none());
    assert!(std::fs::read(out.join("scan.bin")).unwrap() == bytes);
    assert_eq!(listing(&out), ["notes.txt", "scan.bin"], "no temporary file left");
}

/// A delete runs beside the screen as well. From a database that keeps
/// freed space (made before ardesk gave it back), the app says how to
/// reclaim it; from a new one it has nothing to say.
#[test]
fn deleting_from_an_older_database_says_how_to_reclaim_the_space() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("scan.bin");
    std::fs::write(&src, vec![7u8; 12 << 20]).unwrap();
    for older in [false, true] {
        let sub = dir.path().join(format!("older-{older}"));
        std::fs::create_dir(&sub).unwrap();
        let mut app = app_on_documents(&sub);
        if older {
            let c = rusqlite::Connection::open(sub.join("t.db")).unwrap();
            c.execute_batch("PRAGMA auto_vacuum = NONE; VACUUM;").unwrap();
        }
        app.store_mut().upload_document(1, &src, "scan.bin", DocumentKind::Other, None).unwrap();
        app.reload();
        press(&mut app, &["D"]);
        assert!(render(&app, 120, 40).contains("Delete document scan.bin?"));
        press(&mut app, &["y"]);
        let screen = render(&app, 120, 40);
        assert!(screen.contains("╭ Deleting ") && screen.contains("it cannot be stopped part way"), "{screen}");
        let screen = tick_until(&mut app, "the delete", |a, _| a.documents.is_none());
        assert!(screen.contains("Deleted scan.bin"), "{screen}");
        assert_eq!(document_names(&app).len(), 0);
        if older {
            assert!(screen.contains("Space kept in the database file"), "{screen}");
            assert!(screen.contains("keeps its 12.0 MiB as free space"), "{screen}");
            assert!(screen.contains("ardesk vacuum --db "), "{screen}");
            assert!(screen.contains("rewrites the whole file"), "{screen}");
        } else {
            assert!(app.dialogs.is_empty(), "{screen}");
        }
    }
}

/// The real binary in a terminal: a large upload shows its progress, keys
/// typed meanwhile never reach the page, `Esc` cancels it and nothing is
/// stored; `/dev/zero` is refused at once.
#[test]
fn upload_and_cancel_end_to_end_in_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    drop(app_on_documents(dir.path()));
    let db = dir.path().join("t.db");
    let big = sparse(&dir.path().join("big.bin"), 1 << 30);
    let before = snapshot(&db);
    let args = ["--db", db.to_str().unwrap(), "--today", "2026-03-01", "--customer", "1"];
    let mut tui = support::Tui::start(&args, 80, 24);
    tui.wait_page();
    tui.send("5");
    tui.wait_for("5 Documents (0)");
    tui.send("u");
    tui.wait_for("Upload documents");
    tui.send("/dev/zero\x13");
    tui.wait_for("is a character device");
    tui.send("\x15"); // Ctrl-U
    tui.send(&big.display().to_string());
    tui.send("\x13");
    tui.wait("bytes going in", |s| s.contains("Uploading") && s.contains("MiB (") && !s.contains(" 0.0 of 1024.0"));
    // Typed during the upload: the contracts tab and its menu, and q.
    tui.send("2m\rq");
    std::thread::sleep(Duration::from_millis(300));
    tui.send("\x1b");
    let screen = tui.wait_for("Upload cancelled; nothing of big.bin was stored");
    assert!(screen.contains("5 Documents (0)"), "still on the documents tab:\n{screen}");
    assert!(!screen.contains("Create invoice from this contract"), "no menu opened:\n{screen}");
    tui.send("q");
    tui.wait_for("Customers (");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
    assert_eq!(snapshot(&db), before, "the database is as it was");
}
