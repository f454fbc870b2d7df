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
    assert!(app.store.customer_list(d("2026-03-01")).unwrap().is_empty(), "the preview wrote nothing");

    press(&mut app, &["y"]);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("Imported 2 file(s): 4 customers and 4 contacts created"), "{screen}");
    let list = app.store.customer_list(d("2026-03-01")).unwrap();
    let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Acme Corp", "Globex", "initech.example.test", "Umbrella KK"]);
    assert!(screen.contains("HubSpot"), "the source column:\n{screen}");

    // The same files again: the preview says nothing would change.
    press(&mut app, &["I", &typed, "C-s", "y"]);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("Imported 2 file(s): nothing changed"), "{screen}");
}
