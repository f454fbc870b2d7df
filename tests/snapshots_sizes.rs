//! Issue 14 ("Layout at 80×24", done when): a text snapshot of every
//! screen, form and dialog at 80×24, the size many terminals open at, and
//! at 200×60, each read before it was accepted. The states are reached by
//! keys from the customers list on the fixture, as `tests/screens.rs`
//! sweeps them; a snapshot is named after the state and the size
//! (`invoices_tab_80x24`).

mod support;

use ardesk::app::App;
use ratatui::layout::Rect;
use support::fixture::{d, fixture};
use support::keys::{press, render};

/// The two sizes every state is drawn at.
const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

fn app(w: u16, h: u16) -> App {
    fixed_cwd();
    App::new(fixture(), d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap()
}

/// The export and download forms propose a path in the working directory:
/// the tests run from `/` so that their snapshots do not depend on where
/// the repository is checked out (a long path would also scroll the field).
fn fixed_cwd() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::env::set_current_dir("/").unwrap());
}

/// Replaces each time of day stamped by the clock ("2026-12-05 22:08", an
/// upload's time) with a fixed text of the same width.
fn scrub_clock(screen: &str) -> String {
    let chars: Vec<char> = screen.chars().collect();
    let pattern = "dddd-dd-dd dd:dd";
    let fits = |at: usize| {
        pattern
            .chars()
            .enumerate()
            .all(|(k, p)| chars.get(at + k).is_some_and(|c| if p == 'd' { c.is_ascii_digit() } else { *c == p }))
    };
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if fits(i) {
            out.push_str("YYYY-MM-DD hh:mm");
            i += pattern.chars().count();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The state `keys` reach from the customers list, opened at the size it is
/// drawn at (panning and paging depend on the size the keys meet).
fn reach(keys: &[&str], w: u16, h: u16) -> App {
    let mut app = app(w, h);
    press(&mut app, keys);
    app
}

/// Snapshots `name` at both sizes, each state made by `make` at that size.
fn snap_with(name: &str, make: impl Fn(u16, u16) -> App) {
    for (w, h) in SIZES {
        let app = make(w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(&app, w, h));
    }
}

fn snap(name: &str, keys: &[&str]) {
    snap_with(name, |w, h| reach(keys, w, h));
}

#[test]
fn screens() {
    snap("customers_list", &[]);
    snap("help_list", &["?"]);
    snap("help_page", &["Enter", "?"]);
    snap("invoices_tab", &["Enter"]);
    snap("contracts_tab", &["Enter", "2"]);
    snap("payments_tab", &["Enter", "3"]);
    snap("contacts_tab", &["Enter", "4"]);
    snap("documents_tab", &["Enter", "5"]);
    snap("activity_tab", &["Enter", "6"]);
    snap("filtered_invoices_tab", &["Enter", "/", "type:status:open", "Enter"]);
}

/// The invoices tab panned twice to the right at 80×24: pinned tick box and
/// number, « on the left, the columns the home position hides.
#[test]
fn panned_invoices_tab() {
    let app = reach(&["Enter", "Right", "Right"], 80, 24);
    insta::assert_snapshot!("invoices_tab_panned_twice_80x24", render(&app, 80, 24));
}

/// The customers list panned to the right at 80×24.
#[test]
fn panned_customers_list() {
    let app = reach(&["Right", "Right"], 80, 24);
    insta::assert_snapshot!("customers_list_panned_twice_80x24", render(&app, 80, 24));
}

#[test]
fn forms() {
    snap("form_new_customer", &["n"]);
    snap("form_settings", &["O"]);
    snap("form_import_paths", &["I"]);
    snap("form_edit_customer", &["Enter", "e"]);
    snap("form_new_invoice", &["Enter", "i"]);
    snap("form_new_contract", &["Enter", "c"]);
    snap("form_export", &["Enter", "E"]);
    snap("form_record_payment", &["Enter", "3", "p"]);
    snap("form_refund", &["Enter", "3", "r"]);
    snap("form_new_contact", &["Enter", "4", "n"]);
    snap("form_edit_contact", &["Enter", "4", "Enter"]);
    snap("form_upload", &["Enter", "5", "u"]);
    snap("form_edit_contract", &["Enter", "2", "m", "Enter"]);
    snap("form_end_contract", &["Enter", "2", "m", "Down", "Down", "Enter"]);
    snap("form_invoice_from_contract", &["Enter", "2", "m", "Down", "Enter"]);
    snap("form_with_errors", &["n", "Tab", "Tab", "type:not-an-email", "C-s"]);
    // Three lines typed (one of them a discount) and a fourth that does not
    // read: the sum stands in the total, the bad row is named on save.
    let lines = [
        "Enter",
        "i",
        "Tab",
        "Tab",
        "Tab",
        "Tab",
        "Tab",
        "Tab",
        "type:Seats; 12 x 45.50",
        "Enter",
        "type:Setup; 500",
        "Enter",
        "type:Loyalty; -46",
        "Enter",
        "type:Travel 120",
        "C-s",
    ];
    snap("form_new_invoice_lines", &lines);
}

/// The download form needs a document to download (uploaded now: its time
/// is scrubbed).
#[test]
fn download_form() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scan.pdf");
    std::fs::write(&file, b"%PDF-1.4 scan").unwrap();
    for (w, h) in SIZES {
        let mut app = app(w, h);
        app.store_mut()
            .upload_document(1, &file, "scan.pdf", ardesk::domain::status::DocumentKind::Contract, None)
            .unwrap();
        app.reload();
        press(&mut app, &["Enter", "5", "d"]);
        insta::assert_snapshot!(format!("form_download_{w}x{h}"), scrub_clock(&render(&app, w, h)));
    }
}

#[test]
fn dialogs() {
    snap("dialog_confirm", &["Enter", "x"]);
    snap("dialog_menu", &["Enter", "2", "m"]);
    snap("dialog_link", &["Enter", "o"]);
    snap("dialog_row_view_invoice", &["Enter", "v"]);
    snap("dialog_row_view_payment", &["Enter", "3", "v"]);
    snap("dialog_row_view_contact", &["Enter", "4", "v"]);
    snap_with("dialog_message", |w, h| {
        let mut app = reach(&["Enter"], w, h);
        app.error("Something to know", "A message long enough to wrap at narrow sizes, with a path /tmp/x.csv.");
        app
    });
}

/// A demo customer's page, opened by id on the demo database (`ardesk demo
/// --today 2026-03-01`): real volumes, long values and other currencies.
fn demo_page(id: i64, keys: &[&str], w: u16, h: u16) -> App {
    demo_page_on(support::demo_db(), support::TODAY, id, keys, w, h)
}

fn demo_page_on(db: &std::path::Path, today: &str, id: i64, keys: &[&str], w: u16, h: u16) -> App {
    fixed_cwd();
    let store = ardesk::store::Store::open(db, ardesk::store::OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d(today), Rect::new(0, 0, w, h)).unwrap();
    app.open_customer(id);
    press(&mut app, keys);
    app
}

/// The day issue 14 was filed, and a demo database made as of that day.
const FILED: &str = "2026-12-05";

fn demo_db_filed() -> &'static std::path::Path {
    static DB: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf)> = std::sync::OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        let (code, _, err) = support::run(&["demo", "--db", path.to_str().unwrap(), "--today", FILED]);
        assert_eq!(code, 0, "{err}");
        (dir, path)
    });
    path
}

/// 山田商事 (customer 39, yen): its 90+ bucket read "¥1" at 80 columns on
/// the day the issue was filed (JSON: 1976000).
#[test]
fn demo_yen_customer() {
    snap_with("demo_39_yamada_invoices_tab", |w, h| demo_page(39, &[], w, h));
    snap_with("demo_39_yamada_on_2026_12_05", |w, h| demo_page_on(demo_db_filed(), FILED, 39, &[], w, h));
}

/// A long name with a source and a badge: the header shortens the name
/// and keeps both actions (they vanished on 10 demo customers).
#[test]
fn demo_long_name_header() {
    snap_with("demo_6_cedar_pine_invoices_tab", |w, h| demo_page(6, &[], w, h));
}

/// Acme Corp on the demo: its payments apply to many invoices ("INV-000034
/// (+$500.00 unappli" was cut without "…"), its documents have long names.
#[test]
fn demo_long_values() {
    snap_with("demo_1_acme_payments_tab", |w, h| demo_page(1, &["3"], w, h));
    snap_with("demo_1_acme_documents_tab", |w, h| demo_page(1, &["5"], w, h));
    snap_with("demo_1_acme_contracts_tab", |w, h| demo_page(1, &["2"], w, h));
}
