//! Screen tests: the real keymap and app drawn into ratatui's TestBackend,
//! with a fixed "today". Snapshots are text; the selected row shows as ▶.

mod support;

use ardesk::app::App;
use ratatui::layout::Rect;
use support::fixture::{d, fixture};
use support::keys::{press, render};

fn app(w: u16, h: u16) -> App {
    App::new(fixture(), d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap()
}

#[test]
fn customers_list_80x24() {
    let app = app(80, 24);
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn customer_page_80x24() {
    let mut app = app(80, 24);
    press(&mut app, &["Enter"]);
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn customer_page_120x40() {
    let mut app = app(120, 40);
    press(&mut app, &["Enter"]);
    insta::assert_snapshot!(render(&app, 120, 40));
}

#[test]
fn tabs_show_their_rows() {
    let mut app = app(120, 40);
    press(&mut app, &["Enter", "3"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("WIRE-7781"), "{s}");
    assert!(s.contains("INV-000001, INV-000002"), "{s}");
    press(&mut app, &["4"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Jane Doe") && s.contains("Primary"), "{s}");
}

#[test]
fn search_narrows_the_list() {
    let mut app = app(80, 24);
    press(&mut app, &["/", "b", "o", "r", "Enter"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("Borealis Freight"), "{s}");
    assert!(!s.contains("Acme Corp"), "{s}");
    assert!(s.contains("1 of 2"), "{s}");
}

/// Issue 14 (day one): the empty database's hint was cut at 80 columns
/// ("…HubSpot or Salesf").
#[test]
fn the_empty_lists_hint_is_whole_at_80_columns() {
    let app = App::new(
        ardesk::store::Store::open_in_memory().unwrap(),
        support::fixture::d("2026-03-01"),
        Rect::new(0, 0, 80, 24),
    )
    .unwrap();
    let s = render(&app, 80, 24);
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("imports Stripe, QuickBooks, HubSpot or Salesforce exports."), "{s}");
}

/// Issue 14 (day one): customers that tie on the sorted column were in id
/// order; they read in name order. Since the list walks an index (issue
/// 19), reversing it reverses the ties too: the list read backwards.
#[test]
fn customers_that_tie_are_listed_by_name() {
    use ardesk::app::customers::CustomerCol;
    let mut store = ardesk::store::Store::open_in_memory().unwrap();
    for name in ["Zeta", "alpha", "Mid"] {
        let edit = ardesk::domain::edit::CustomerEdit {
            name: name.into(),
            legal_name: String::new(),
            billing_email: String::new(),
            billing_address: String::new(),
            currency: ardesk::domain::Currency::USD,
            invoices_paused: false,
            portal: false,
        };
        store.create_customer(&edit).unwrap();
    }
    let mut app = App::new(store, d("2026-03-01"), Rect::new(0, 0, 120, 30)).unwrap();
    let names = |app: &App| -> Vec<String> {
        let ardesk::app::Screen::Customers(s) = app.screen() else { panic!("the list") };
        s.visible().into_iter().map(|(_, r)| r.name.clone()).collect()
    };
    // s: Legal name, Source, Currency (every tie, ascending), then
    // Outstanding, most first (the ties read backwards).
    for (presses, sort) in [(2, CustomerCol::Source), (1, CustomerCol::Currency), (1, CustomerCol::Outstanding)] {
        for _ in 0..presses {
            press(&mut app, &["s"]);
        }
        let ardesk::app::Screen::Customers(s) = app.screen() else { panic!("the list") };
        assert_eq!(s.sort, sort);
        let mut want = vec!["alpha", "Mid", "Zeta"];
        if s.desc {
            want.reverse();
        }
        assert_eq!(names(&app), want, "{sort:?}");
        press(&mut app, &["S"]);
        want.reverse();
        assert_eq!(names(&app), want, "{sort:?} reversed");
    }
}

/// Issue 14 (day one): a Stripe id, an email or a legal name found nothing.
#[test]
fn search_finds_a_customer_by_its_source_id_email_and_legal_name() {
    for query in ["cus_acme123", "ap@acme", "corporation ltd"] {
        let mut app = app(80, 24);
        press(&mut app, &["/", &format!("type:{query}"), "Enter"]);
        let s = render(&app, 80, 24);
        assert!(s.contains("Acme Corp") && !s.contains("Borealis"), "{query}:\n{s}");
    }
}

/// The empty list's hint says Esc clears the search; Esc does, instead of
/// quitting (it used to quit), both with the search field open and after
/// Enter closed it; the hint's key comes from the key table.
#[test]
fn esc_clears_the_search_as_the_hint_says() {
    let mut app = app(80, 24);
    press(&mut app, &["/", "type:zzz"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("No customer matches the search. Esc clears it."), "{s}");
    press(&mut app, &["Esc"]);
    let s = render(&app, 80, 24);
    assert!(!app.quit && s.contains("Acme Corp") && s.contains("2 of 2"), "{s}");

    press(&mut app, &["/", "type:zzz", "Enter"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("No customer matches the search. Esc clears it."), "{s}");
    assert!(s.contains("Esc clear search"), "the footer says so too:\n{s}");
    press(&mut app, &["Esc"]);
    let s = render(&app, 80, 24);
    assert!(!app.quit, "Esc cleared the search instead of quitting:\n{s}");
    assert!(s.contains("Acme Corp") && s.contains("2 of 2") && !s.contains("search \""), "{s}");
    press(&mut app, &["Esc"]);
    assert!(app.quit, "with no search, Esc goes back (quits the list) as before");
}

/// The sizes README's "no panic at any size from 1×1" is held to: every
/// size below 20×8, and a grid up to 200×60.
fn sweep_sizes() -> Vec<(u16, u16)> {
    let mut sizes: Vec<(u16, u16)> = (1..=20).flat_map(|w| (1..=8).map(move |h| (w, h))).collect();
    let widths = [1, 2, 3, 5, 8, 13, 20, 30, 50, 80, 120, 160, 200];
    let heights = [1, 2, 3, 5, 8, 12, 24, 40, 60];
    sizes.extend(widths.iter().flat_map(|&w| heights.iter().map(move |&h| (w, h))));
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// One screen or dialog, reached by keys from the customers list.
struct State {
    name: &'static str,
    app: App,
    /// Text the 80×24 frame must hold.
    at_80x24: &'static [&'static str],
}

fn state(name: &'static str, keys: &[&str], at_80x24: &'static [&'static str]) -> State {
    let mut app = app(80, 24);
    press(&mut app, keys);
    State { name, app, at_80x24 }
}

/// Draws `st` at every size of the sweep (resized as a terminal would), then
/// at 80×24 again, where it must show what it names: the selected row
/// where there is one, the footer's keys, a dialog's title and fields.
fn sweep(mut st: State) {
    for (w, h) in sweep_sizes() {
        st.app.resize(Rect::new(0, 0, w, h));
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render(&st.app, w, h)));
        assert!(caught.is_ok(), "{}: panicked at {w}×{h}", st.name);
    }
    st.app.resize(Rect::new(0, 0, 80, 24));
    let s = render(&st.app, 80, 24);
    for want in st.at_80x24 {
        assert!(s.contains(want), "{}: no {want:?} at 80×24:\n{s}", st.name);
    }
    assert!(!s.lines().last().unwrap_or_default().is_empty(), "{}: nothing on the last line at 80×24:\n{s}", st.name);
}

#[test]
fn no_panic_at_any_size_on_every_screen() {
    sweep(state("customers list", &[], &["▶ Acme Corp", "Customers (2)", "? help"]));
    sweep(state("help", &["?"], &["Help — Esc/q/? closes"]));
    sweep(state(
        "invoices tab",
        &["Enter"],
        &["Acme Corp ✎", "▶ ☐ INV-", "1 Invoices (5)", "x cancel selected", "? help"],
    ));
    sweep(state("contracts tab", &["Enter", "2"], &["▶ Annual platform", "m/Enter actions", "? help"]));
    sweep(state("payments tab", &["Enter", "3"], &["▶ 2026-01-10", "p record payment", "? help"]));
    sweep(state("contacts tab", &["Enter", "4"], &["▶ Jane Doe", "n new contact", "? help"]));
    sweep(state("documents tab", &["Enter", "5"], &["5 Documents (0)", "No documents yet.", "u upload", "? help"]));
    sweep(state("activity tab", &["Enter", "6"], &["6 Activity (0)", "No activity recorded yet.", "? help"]));
    sweep(state("help on the customer page", &["Enter", "?"], &["cancel selected", "Help — Esc/q/? closes"]));
    sweep(state("help on the Conversations tab", &["Enter", "7", "?"], &["log a call", "Help — Esc/q/? closes"]));
    let mut filtered = state(
        "a filtered tab",
        &["Enter", "/", "type:status:open", "Enter"],
        &["▶ ☐ INV-000002", "filter: status:open", "? help"],
    );
    press(&mut filtered.app, &["Down"]);
    assert!(render(&filtered.app, 80, 24).contains("▶ ☐ INV-000002"), "the second row is selected");
    sweep(filtered);
}

#[test]
fn no_panic_at_any_size_in_every_form() {
    sweep(state("new customer", &["n"], &["New customer", "Name"]));
    sweep(state("settings", &["O"], &["Northwind Billing"]));
    sweep(state("import paths", &["I"], &["Tab completes"]));
    sweep(state("edit customer", &["Enter", "e"], &["Edit Acme Corp"]));
    sweep(state("new invoice", &["Enter", "i"], &["Create invoice"]));
    sweep(state("new contract", &["Enter", "c"], &["Name"]));
    sweep(state("export", &["Enter", "E"], &["Export"]));
    sweep(state("record payment", &["Enter", "3", "p"], &["Amount"]));
    sweep(state("refund", &["Enter", "3", "r"], &["Refund"]));
    sweep(state("new contact", &["Enter", "4", "n"], &["Email"]));
    sweep(state("edit contact", &["Enter", "4", "Enter"], &["Jane Doe"]));
    sweep(state("upload", &["Enter", "5", "u"], &["Tab completes"]));
    sweep(state("edit contract", &["Enter", "2", "m", "Enter"], &["Annual platform"]));
    sweep(state("end contract", &["Enter", "2", "m", "Down", "Down", "Enter"], &["End Annual platform", "End date"]));
    sweep(state("invoice from a contract", &["Enter", "2", "m", "Down", "Enter"], &["Create invoice"]));
    let mut download = app(80, 24);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scan.pdf");
    std::fs::write(&file, b"%PDF-1.4 scan").unwrap();
    download
        .store_mut()
        .upload_document(1, &file, "scan.pdf", ardesk::domain::status::DocumentKind::Contract, None)
        .unwrap();
    download.reload();
    press(&mut download, &["Enter", "5", "d"]);
    sweep(State { name: "download", app: download, at_80x24: &["scan.pdf", "Ctrl-S save"] });
    let errors = ["n", "Tab", "Tab", "type:not-an-email", "C-s"];
    sweep(state("a form with errors", &errors, &["Name is required", "\"not-an-email\" is not an email address"]));
}

#[test]
fn no_panic_at_any_size_in_every_dialog() {
    sweep(state("confirm", &["Enter", "x"], &["Cancel 1 invoice"]));
    sweep(state("menu", &["Enter", "2", "m"], &["Annual platform"]));
    sweep(state("link", &["Enter", "o"], &["View in Stripe"]));
    let mut message = state("message", &["Enter"], &["Something to know"]);
    message.app.error("Something to know", "A message long enough to wrap at narrow sizes, with a path /tmp/x.csv.");
    sweep(message);
    // An import's report: the preview asking to go on, its keys in sight.
    let csv = format!("{}/tests/fixtures/import/hubspot/companies_en.csv", env!("CARGO_MANIFEST_DIR"));
    let typed = format!("type:{csv}");
    sweep(state("import preview", &["I", &typed, "C-s"], &["Import these files?", "│y/Enter yes   n/Esc no"]));
    // The import popup: on a database file the preview runs on a thread,
    // and the popup stays until a tick takes its result.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    fixture().backup_to(&db).unwrap();
    let store = ardesk::store::Store::open(&db, ardesk::store::OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d("2026-03-01"), Rect::new(0, 0, 80, 24)).unwrap();
    let csv = format!("{}/tests/fixtures/import/hubspot/companies_en.csv", env!("CARGO_MANIFEST_DIR"));
    press(&mut app, &["I", &format!("type:{csv}"), "C-s"]);
    assert!(app.import.is_some(), "the preview runs beside the screen");
    sweep(State { name: "import popup", app, at_80x24: &["Checking what the import would change"] });
}

/// The customer's name stays readable on a tiny terminal.
#[test]
fn the_name_is_readable_at_20x5() {
    let mut app = app(80, 24);
    press(&mut app, &["Enter"]);
    app.resize(Rect::new(0, 0, 20, 5));
    let s = render(&app, 20, 5);
    assert!(s.contains("Acme Corp"), "the name stays readable at 20×5:\n{s}");
}

#[test]
fn help_lists_keys_and_formulas() {
    let mut app = app(120, 40);
    press(&mut app, &["Enter", "?"]);
    // Every screen of it on the way to the end (Down stops there): the
    // page's keys, then the formulas last.
    let mut seen = render(&app, 120, 40);
    for _ in 0..80 {
        press(&mut app, &["Down"]);
        seen.push_str(&render(&app, 120, 40));
    }
    assert!(seen.contains("next tab") && seen.contains("pause collections"), "{seen}");
    let s = render(&app, 120, 40);
    assert!(s.contains("Avg. Days to Collect:"), "{s}");
    assert!(s.contains("payment date − invoice issue date"), "{s}");
}

/// Issue 14 (help): scrolling stopped drawing at the end but kept counting,
/// so after 100 Down presses Up seemed dead for 100 more; Home and g did
/// nothing; the customers list's help did not say what its figures are.
#[test]
fn help_scrolls_within_its_text_and_jumps_to_either_end() {
    let mut app = app(80, 24);
    press(&mut app, &["Enter", "?"]);
    let top = render(&app, 80, 24);
    for _ in 0..300 {
        press(&mut app, &["Down"]);
    }
    let bottom = render(&app, 80, 24);
    assert!(bottom.contains("money is not voided."), "the last line is reached:\n{bottom}");
    press(&mut app, &["Up"]);
    assert_ne!(render(&app, 80, 24), bottom, "one Up moves at once");
    press(&mut app, &["g"]);
    assert_eq!(render(&app, 80, 24), top, "g goes to the top");
    press(&mut app, &["End"]);
    assert_eq!(render(&app, 80, 24), bottom, "End to the bottom");
    press(&mut app, &["Home"]);
    assert_eq!(render(&app, 80, 24), top);
    press(&mut app, &["Esc", "Esc", "?"]);
    for _ in 0..20 {
        press(&mut app, &["Down"]);
    }
    let list = render(&app, 80, 24);
    assert!(list.contains("Outstanding:") && list.contains("Overdue: the part due before today"), "{list}");
}

#[test]
fn no_color_draws_without_colours() {
    let mut app = app(120, 40);
    app.plain = true;
    press(&mut app, &["Enter"]);
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    t.draw(|f| ardesk::ui::draw(&app, f)).unwrap();
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset, "a colour under NO_COLOR at {:?}", cell.symbol());
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
    // Selection and headers stay visible through modifiers alone.
    assert!(buf.content().iter().any(|c| c.modifier.contains(ratatui::style::Modifier::REVERSED)));
}

/// The Activity tab has no keys of its own: the footer lists the page's
/// keys once (they were listed twice).
#[test]
fn the_activity_footer_lists_each_key_once() {
    let mut app = app(200, 30);
    press(&mut app, &["Enter", "6"]);
    let screen = render(&app, 200, 30);
    let footer = screen.lines().last().unwrap();
    assert_eq!(footer.matches("filter").count(), 1, "{footer}");
    assert_eq!(footer.matches("edit customer").count(), 1, "{footer}");
}

/// A key name the test helper does not know fails the test naming it; it
/// used to press its first letter ("Enterr" typed `E`, the export key).
#[test]
#[should_panic(expected = "unknown key name \"Enterr\"")]
fn an_unknown_key_name_fails_loudly() {
    let mut app = app(80, 24);
    press(&mut app, &["Enterr"]);
}

/// A form field drawn narrow shows its text again once the terminal is wide:
/// ratatui-textarea kept the offset that showed the cursor at 20 columns,
/// so "Jane Doe" stayed scrolled out of its field. The cursor stays at the
/// end: typing goes after the text.
#[test]
fn a_field_drawn_narrow_shows_its_text_again_when_wide() {
    let mut app = app(80, 24);
    press(&mut app, &["Enter", "4", "Enter"]);
    for (w, h) in [(20, 8), (3, 3), (80, 24)] {
        app.resize(Rect::new(0, 0, w, h));
        render(&app, w, h);
    }
    assert!(render(&app, 80, 24).contains("› Name             Jane Doe"));
    press(&mut app, &["type:x"]);
    assert!(render(&app, 80, 24).contains("› Name             Jane Doex"));
}
