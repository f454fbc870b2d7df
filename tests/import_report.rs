//! The import's report in the TUI at 80×24 and 120×40 (issue 14, day
//! one): the preview keeps its keys on screen, a long report scrolls with
//! the keys of the key table and says how much is out of sight, and after
//! the run the whole report stays readable, saying which of the user's own
//! edits were kept. On both backends, the app on its own connection to the
//! books, the import on a connection of its own beside the screen
//! (`app::import_job`) as it runs for a user.

mod support;

use ardesk::app::App;
use ardesk::store::{Books, OpenMode};
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};
use support::fixture::d;
use support::keys::{press, press_waiting, render};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(rel)
}

/// The app on its own connection to `b`'s books.
fn app_on(b: &Books, w: u16, h: u16) -> App {
    let mine = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    App::new(mine, d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap()
}

/// A file of `dir`, made from a fixture's header row and `rows`.
fn file_like(dir: &Path, name: &str, header_of: &str, rows: &[String]) -> PathBuf {
    let text = std::fs::read_to_string(fixture(header_of)).unwrap();
    let mut body = text.lines().next().unwrap().to_string() + "\n";
    body.extend(rows.iter().map(|r| format!("{r}\n")));
    let path = dir.join(name);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(&path, body).unwrap();
    path
}

/// Stripe payments of `n` customers ardesk does not know (no email to make
/// them from): every row refused.
fn unknown_payments(dir: &Path, n: usize) -> PathBuf {
    let rows: Vec<String> = (1..=n)
        .map(|i| {
            format!(
                "ch_R{i:03},,Payment complete.,2026-01-20 14:00,10.00,0.00,usd,10.00,0.00,0.30,0.00,usd,Paid,TESTCO,\
                 cus_Unknown{i:03},,,true,pm_R{i:03},,"
            )
        })
        .collect();
    file_like(dir, "payments.csv", "stripe/payments_default_2023.csv", &rows)
}

fn typed(paths: &[&Path]) -> String {
    let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    format!("type:{}", list.join(" "))
}

/// A row of the screen inside a popup (between its side borders), not the
/// screen's own footer.
fn in_popup(screen: &str, text: &str) -> bool {
    screen.lines().any(|l| l.contains('│') && l.contains(text))
}

on_both! {
/// The header-only HubSpot file deep in a directory: its path wraps, and
/// the popup was counted a row short, cutting its keys off.
fn the_preview_keeps_its_keys_in_sight_at_80x24(b: &mut Books) {
    let tmp = tempfile::tempdir().unwrap();
    let deep = tmp.path().join("Downloads/exports/hubspot/2023-02");
    let header_only = file_like(
        &deep,
        "contacts_all-properties_2023-02_HEADER-ONLY.csv",
        "hubspot/contacts_all_properties_en.csv",
        &[],
    );
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = app_on(b, w, h);
        press_waiting(&mut app, &["I", &typed(&[&header_only]), "C-s"]);
        let s = render(&app, w, h);
        assert!(s.contains("Import these files?") && s.contains("Nothing has been written yet."), "{s}");
        assert!(in_popup(&s, "y/Enter yes") && in_popup(&s, "n/Esc no"), "the keys in the popup at {w}×{h}:\n{s}");
        assert!(s.contains("HEADER-ONLY.csv (0"), "{s}");
    }
}
}

on_both! {
/// A report longer than the screen: Down, j, PgDn, End scrolled nothing and
/// it covered the footer.
fn a_long_report_scrolls_and_says_how_much_is_out_of_sight(b: &mut Books) {
    let tmp = tempfile::tempdir().unwrap();
    let payments = unknown_payments(tmp.path(), 40);
    let mut app = app_on(b, 80, 24);
    press_waiting(&mut app, &["I", &typed(&[&payments]), "C-s"]);
    let top = render(&app, 80, 24);
    assert!(top.contains("╭ Import refused ─") && top.contains("cus_Unknown001"), "{top}");
    assert!(!top.contains("cus_Unknown040") && !top.contains("so nothing was written"), "{top}");
    assert!(in_popup(&top, "more lines: ↓/j PgDn/Ctrl-D End/G"), "a sign of more, with its keys:\n{top}");
    assert!(in_popup(&top, "Enter/Esc/q close"), "{top}");
    let last = top.lines().nth(23).unwrap();
    assert!(last.contains("close") && !last.contains('╰'), "the footer stays in sight:\n{top}");

    press(&mut app, &["End"]);
    let end = render(&app, 80, 24);
    assert!(end.contains("cus_Unknown040") && end.contains("40 row(s) refused, so nothing was written"), "{end}");
    assert!(in_popup(&end, "lines above: ↑/k PgUp/Ctrl-U Home/g") && !end.contains("more lines"), "{end}");
    press(&mut app, &["Down", "j", "PageDown", "G"]);
    assert_eq!(render(&app, 80, 24), end, "no further than the end");
    press(&mut app, &["Up"]);
    assert_ne!(render(&app, 80, 24), end, "one Up moves at once");
    press(&mut app, &["Home"]);
    assert_eq!(render(&app, 80, 24), top);
    press(&mut app, &["j"]);
    let one = render(&app, 80, 24);
    assert!(in_popup(&one, "above · ↓"), "{one}");
    press(&mut app, &["g", "PageDown"]);
    let paged = render(&app, 80, 24);
    assert!(!paged.contains("cus_Unknown001") && paged.contains("cus_Unknown010"), "{paged}");
    // Closed, the form is there with the path as typed.
    press(&mut app, &["Esc"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("╭ Import ─") && s.contains("payments.csv"), "{s}");
}
}

on_both! {
/// After the run the report stays open, whole and scrollable, and says the
/// user's edit was kept where the file changed it too.
fn after_the_run_the_report_stays_and_names_the_edit_kept(b: &mut Books) {
    let tmp = tempfile::tempdir().unwrap();
    let customers = fixture("stripe/customers_all_columns_2025.csv");
    let mut app = app_on(b, 80, 24);
    press_waiting(&mut app, &["I", &typed(&[&customers]), "C-s", "y", "Esc"]);
    let store = app.store_mut();
    let id = store.resolve_customer("stripe:cus_T001Acme").unwrap();
    let acme = store.customer(id).unwrap();
    let edit = ardesk::domain::edit::CustomerEdit {
        name: "Acme (our name)".into(),
        legal_name: acme.legal_name.clone(),
        billing_email: acme.billing_email.clone(),
        billing_address: String::new(),
        currency: acme.currency,
        invoices_paused: acme.invoices_paused,
        portal: acme.portal,
    };
    store.update_customer(id, acme.version, &edit).unwrap();
    let text = std::fs::read_to_string(&customers)
        .unwrap()
        .replace("Acme Co,", "ACME Corporation,")
        .replace("acme@example.test", "billing@acme.test");
    let newer = tmp.path().join("customers_all_columns_2025.csv");
    std::fs::write(&newer, text).unwrap();

    press_waiting(&mut app, &["I", &typed(&[&newer]), "C-s", "y"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("╭ Imported 1 file(s) ─"), "{s}");
    let flat: String = s.lines().map(|l| l.trim_matches(|c| c == '│' || c == ' ')).collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "1 customer updated; your edit to customer cus_T001Acme name was kept (\"Acme (our name)\"; the file has \
             \"ACME Corporation\")"
        ),
        "{s}"
    );
    assert!(in_popup(&s, "Enter/Esc/q close"), "{s}");
    press(&mut app, &["End"]);
    let end = render(&app, 80, 24);
    assert!(end.contains("Conflicts (your edits in ardesk were kept):"), "the whole report, to its end:\n{end}");
    assert!(end.contains("customers_all_columns_2025.csv:2 customer cus_T001Acme name"), "{end}");
    app.resize(Rect::new(0, 0, 120, 40));
    let wide = render(&app, 120, 40);
    assert!(wide.contains("your edit to customer cus_T001Acme name was kept"), "{wide}");
    press(&mut app, &["q"]);
    assert!(app.dialogs.is_empty(), "closed");
    assert!(render(&app, 80, 24).contains("Acme (our name)"), "the edit stays");
}
}
