//! `I` on the customers list, typed through the real key handling: the
//! paths, a dry-run preview that writes nothing, then the import for real
//! and the status line saying what it made.

mod support;

use ardesk::app::App;
use ardesk::store::Store;
use ratatui::layout::Rect;
use support::fixture::d;
use support::keys::{press, render};

#[test]
fn import_previews_then_writes_on_yes() {
    let mut app = App::new(Store::open_in_memory().unwrap(), d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    let dir = format!("{}/tests/fixtures/import/hubspot", env!("CARGO_MANIFEST_DIR"));
    let typed = format!("type:{dir}/companies_en.csv {dir}/contacts_all_properties_en.csv");
    press(&mut app, &["I", &typed, "C-s"]);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("Import these files?"), "{screen}");
    assert!(screen.contains("Nothing has been written yet."), "{screen}");
    assert!(screen.contains("contacts_all_properties_en.csv:5 skipped"), "the skipped row and why:\n{screen}");
    assert!(app.store().customer_list(d("2026-03-01")).unwrap().is_empty(), "the preview wrote nothing");

    press(&mut app, &["y"]);
    // Issue 14 (day one): the report stays open after the run, saying what
    // it did, until it is closed.
    let screen = render(&app, 120, 40);
    assert!(screen.contains("╭ Imported 2 file(s) ─"), "{screen}");
    assert!(screen.contains("4 customers and 4 contacts created") && screen.contains("(written)"), "{screen}");
    assert!(screen.contains("contacts_all_properties_en.csv:5 skipped"), "{screen}");
    assert!(screen.contains("Enter/Esc/q close"), "{screen}");
    press(&mut app, &["Esc"]);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("Imported 2 file(s): 4 customers and 4 contacts created"), "{screen}");
    assert!(!screen.contains("(written)"), "closed:\n{screen}");
    let list = app.store().customer_list(d("2026-03-01")).unwrap();
    let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Acme Corp", "Globex", "initech.example.test", "Umbrella KK"]);
    assert!(screen.contains("HubSpot"), "the source column:\n{screen}");

    // Issue 14 (day one): "no" on the preview goes back to the form with
    // the paths as typed, not to an empty list.
    press(&mut app, &["I", &typed, "C-s", "n"]);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("contacts_all_properties_en.csv") && !screen.contains("Import these files?"), "{screen}");
    press(&mut app, &["Esc", "y"]);

    // The same files again: the preview says nothing would change.
    press(&mut app, &["I", &typed, "C-s", "y"]);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("╭ Imported 2 file(s) ─") && screen.contains("│nothing changed"), "{screen}");
    press(&mut app, &["Enter"]);
    assert!(app.dialogs.is_empty());
    assert!(render(&app, 120, 40).contains("Imported 2 file(s): nothing changed"));
}

/// Ticks the app until `pred` holds of its screen (the import runs on a
/// thread of its own when the database is a file).
fn tick_until(app: &mut App, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        app.tick();
        let screen = render(app, 120, 40);
        if pred(&screen) {
            return screen;
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}:\n{screen}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// On a database file the preview and the import run beside the screen:
/// a progress popup while they run, then the same confirmation and result.
#[test]
fn on_a_database_file_the_import_runs_beside_the_screen() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    let store = Store::open(&db, ardesk::store::OpenMode::Create).unwrap();
    let mut app = App::new(store, d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    let dir = format!("{}/tests/fixtures/import/hubspot", env!("CARGO_MANIFEST_DIR"));
    let typed = format!("type:{dir}/companies_en.csv {dir}/contacts_all_properties_en.csv");
    press(&mut app, &["I", &typed, "C-s"]);
    assert!(app.import.is_some(), "the preview runs on its own thread");
    let screen = render(&app, 120, 40);
    assert!(screen.contains("Checking what the import would change"), "{screen}");
    assert!(screen.contains("Esc cancel"), "{screen}");
    let screen = tick_until(&mut app, "the preview", |s| s.contains("Import these files?"));
    assert!(screen.contains("Nothing has been written yet."), "{screen}");
    assert!(app.store().customer_list(d("2026-03-01")).unwrap().is_empty(), "the preview wrote nothing");

    press(&mut app, &["y"]);
    let screen = tick_until(&mut app, "the import", |s| s.contains("Imported 2 file(s)"));
    assert!(screen.contains("4 customers and 4 contacts created"), "{screen}");
    press(&mut app, &["q"]);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("Imported 2 file(s): 4 customers and 4 contacts created"), "{screen}");
    assert!(screen.contains("Acme Corp"), "the list is reloaded:\n{screen}");
    assert!(app.import.is_none());
    // The import's own connection wrote as this app's user: the audit says who.
    let who = app.store().who().to_string();
    let c = rusqlite::Connection::open(&db).unwrap();
    let by: Vec<String> = c
        .prepare("SELECT who FROM audit_log WHERE summary LIKE 'imported from HubSpot%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(by.len(), 4, "one audit row a customer");
    assert!(by.iter().all(|w| *w == who), "{by:?}");
}

/// The real binary in a terminal: `I`, the paths, Ctrl-S, the preview, `y`,
/// and the customers arrive in the list.
#[test]
fn import_end_to_end_in_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("e2e.db");
    let dir = format!("{}/tests/fixtures/import/hubspot", env!("CARGO_MANIFEST_DIR"));
    let mut tui = support::Tui::start(&["--db", db.to_str().unwrap(), "--today", "2026-03-01"], 120, 40);
    tui.wait_for("Customers (");
    tui.send("I");
    tui.wait_for("Tab completes");
    tui.send(&format!("{dir}/companies_en.csv {dir}/contacts_all_properties_en.csv"));
    tui.send("\x13"); // Ctrl-S
    // The line below the title: a frame caught half drawn under load can
    // hold the title without the rest.
    let screen = tui.wait_for("Nothing has been written yet.");
    assert!(screen.contains("Import these files?"), "{screen}");
    tui.send("y");
    // The whole line, not its start: a frame caught half drawn under load
    // held "Imported 2 file(s)" without the rest.
    let screen = tui.wait_for("4 customers and 4 contacts created");
    assert!(screen.contains("Imported 2 file(s)") && screen.contains("(written)"), "{screen}");
    // The report stays open over the list until closed.
    tui.send("q");
    let screen = tui.wait("the report closed", |s| s.contains("Umbrella KK") && !s.contains("(written)"));
    assert!(screen.contains("Acme Corp") && screen.contains("HubSpot"), "{screen}");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
