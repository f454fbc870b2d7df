//! Live view: another process's commit shows on the open page at the next
//! idle tick, with the selection kept and an open form left alone.

mod support;

use ardesk::app::App;
use ardesk::domain::Currency;
use ardesk::domain::edit::ContactDraft;
use ardesk::store::{OpenMode, Store};
use ratatui::layout::Rect;
use support::fixture::{d, fixture};
use support::keys::{press, render};

#[test]
fn another_process_commit_shows_without_a_keypress() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    fixture().backup_to(&db).unwrap();
    let store = Store::open(&db, OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    press(&mut app, &["Enter", "4", "j"]);
    assert!(render(&app, 120, 40).contains("▶ Sam Lee"));
    assert!(!app.tick(), "nothing changed yet");

    let mut other = Store::open(&db, OpenMode::MustExist).unwrap();
    other
        .create_contact(
            1,
            &ContactDraft { name: "Ana Able".into(), email: String::new(), phone: String::new(), role: String::new() },
        )
        .unwrap();
    assert!(app.tick(), "the commit is noticed");
    let s = render(&app, 120, 40);
    assert!(s.contains("Ana Able") && s.contains("4 Contacts (3)"), "{s}");
    assert!(s.contains("▶ Sam Lee"), "the selected row stays selected: {s}");

    // An open form is not disturbed; its save then meets the version check
    // and the form takes the stored values (nothing was typed in it).
    press(&mut app, &["e"]);
    let c = other.customer(1).unwrap();
    let edit = ardesk::domain::edit::CustomerEdit {
        name: "Renamed Elsewhere".into(),
        legal_name: c.legal_name.clone(),
        billing_email: c.billing_email.clone(),
        billing_address: String::new(),
        currency: Currency::USD,
        invoices_paused: c.invoices_paused,
        portal: c.portal,
    };
    other.update_customer(1, c.version, &edit).unwrap();
    app.tick();
    assert!(render(&app, 120, 40).contains("Edit Acme Corp"), "form still open");
    press(&mut app, &["C-s"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Changed elsewhere since you opened it") && s.contains("Edit Renamed Elsewhere"), "{s}");
    assert!(s.contains("Renamed Elsewhere ✎"), "the page under the form is read again too: {s}");
    press(&mut app, &["Esc"]);
    assert!(!render(&app, 120, 40).contains("Edit Renamed Elsewhere"), "nothing typed: Esc just closes");
}

/// Quitting with the filter worker running leaves no write-ahead log: the
/// worker's connection closes before the app's, and the last one to close
/// checkpoints the log and removes it (a session that uploaded a gigabyte
/// used to leave a gigabyte of `-wal`).
#[test]
fn quitting_leaves_no_write_ahead_log_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    fixture().backup_to(&db).unwrap();
    let wal = dir.path().join("t.db-wal");
    let mut app =
        App::new(Store::open(&db, OpenMode::MustExist).unwrap(), d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    app.start_worker();
    // A filter for the worker to count, and a write that fills the log.
    press(&mut app, &["Enter", "/", "type:zzz", "Enter"]);
    let mut other = Store::open(&db, OpenMode::MustExist).unwrap();
    other
        .create_contact(
            1,
            &ContactDraft {
                name: "Wal Filler".into(),
                email: String::new(),
                phone: String::new(),
                role: String::new(),
            },
        )
        .unwrap();
    drop(other);
    assert!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0, "the log holds the write");
    drop(app);
    assert!(!wal.exists(), "the log was checkpointed and removed on the way out");
    let s = Store::open(&db, OpenMode::MustExist).unwrap();
    let c = s.customer(1).unwrap();
    assert_eq!(s.figures(&c, d("2026-03-01")).unwrap().counts[3], 3, "and nothing was lost");
}
