//! The import form at the sizes users have (issue 14, day one): a refused
//! file's reason shows whole, and path completion lists whole names.

mod support;

use ardesk::app::App;
use ardesk::store::Store;
use ratatui::layout::Rect;
use support::fixture::d;
use support::keys::{flat, press, render};

fn app(w: u16, h: u16) -> App {
    App::new(Store::open_in_memory().unwrap(), d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap()
}

/// A Data Loader success file of Opportunity records (the header row of
/// the real one, a made-up row), deep in a directory: the form's banner
/// held four rows, and the path took them before the reason.
#[test]
fn a_refused_files_reason_shows_whole_at_every_width() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("Downloads/exports/salesforce/2025-11 quarterly close/data loader runs/opportunities");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("dataloader_success_Opportunity_legacy-allcaps.csv");
    std::fs::write(
        &file,
        "\"ID\",\"ISDELETED\",\"ACCOUNTID\",\"NAME\",\"STAGENAME\",\"AMOUNT\",\"CLOSEDATE\",\"STATUS\"\n\
         \"006Tx0000001AAAAAA\",\"false\",\"001Tx00000AcmeQIAR\",\"Acme renewal\",\"Closed Won\",\"5000\",\
         \"2025-11-03\",\"Item Updated\"\n",
    )
    .unwrap();
    let reason = "importing Opportunity records is not supported yet: ardesk imports Salesforce Accounts (as \
                  customers) and Contacts";
    for (w, h) in [(80, 24), (120, 40), (50, 20)] {
        let mut app = app(w, h);
        press(&mut app, &["I", &format!("type:\"{}\"", file.display()), "C-s"]);
        let s = render(&app, w, h);
        assert!(s.contains("╭ Import ─"), "the form, with its refusal:\n{s}");
        let text = flat(&s);
        assert!(text.contains("Data Loader success file of Opportunity records"), "at {w}×{h}:\n{s}");
        assert!(text.contains(reason), "the whole reason at {w}×{h}:\n{s}");
        assert!(s.contains("Ctrl-S save"), "{s}");
    }
}
/// Long export names in one directory: the list was 80 wide at 120×40 and
/// cut them ("…2025-11.redac"); at 80 columns they fit too, listed from
/// the form's left edge.
#[test]
fn completion_lists_whole_names_as_wide_as_the_screen_allows() {
    let tmp = tempfile::tempdir().unwrap();
    let names = [
        "unified_customers_all-columns-with-metadata_2025-11.redacted.csv",
        "unified_payments_all-columns_2024-09_failed-and-pi-rows.redacted.csv",
        "unified_payments_all-columns_2024-06_fx.redacted.csv",
    ];
    for n in names {
        std::fs::write(tmp.path().join(n), "id\n").unwrap();
    }
    let typed = format!("type:{}/unified_", tmp.path().display());
    for (w, h) in [(120, 40), (80, 24)] {
        let mut app = app(w, h);
        press(&mut app, &["I", &typed, "Tab"]);
        let s = render(&app, w, h);
        for n in names {
            assert!(s.contains(n), "{n} whole at {w}×{h}:\n{s}");
        }
        assert!(!s.contains('…'), "nothing cut at {w}×{h}:\n{s}");
    }
    // Where the screen is truly too narrow, a name is cut and says so.
    let mut app = app(50, 24);
    press(&mut app, &["I", &typed, "Tab"]);
    let s = render(&app, 50, 24);
    assert!(s.contains("unified_payments_all-columns_2024-09_fa") && s.contains('…'), "{s}");
}
