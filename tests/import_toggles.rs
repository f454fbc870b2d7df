//! The import form's two toggles (issue 14, day one): the TUI told the user
//! to "pass --skip-bad-rows" or "--allow-test-mode", which only the command
//! line has. The form offers both, its reports name the toggles, and a
//! toggle turned on changes what the run writes. On both backends, the app
//! on its own connection to the books, the import on a connection of its
//! own beside the screen (`app::import_job`) as it runs for a user.

mod support;

use ardesk::app::App;
use ardesk::store::{Books, OpenMode};
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};
use support::fixture::d;
use support::keys::{flat, press, press_waiting, render};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/stripe").join(rel)
}

/// The app on its own connection to `b`'s books.
fn app_on(b: &Books) -> App {
    let mine = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    App::new(mine, d("2026-03-01"), Rect::new(0, 0, 80, 24)).unwrap()
}

fn typed(names: &[&str]) -> String {
    let list: Vec<String> = names.iter().map(|n| fixture(n).display().to_string()).collect();
    format!("type:{}", list.join(" "))
}

/// The whole report, scrolled through from its top to its end.
fn read_report(app: &mut App) -> String {
    press(app, &["Home"]);
    let mut all = flat(&render(app, 80, 24));
    for _ in 0..20 {
        press(app, &["PageDown"]);
        all.push(' ');
        all.push_str(&flat(&render(app, 80, 24)));
    }
    all
}

on_both! {
fn the_form_offers_both_toggles(b: &mut Books) {
    let mut app = app_on(b);
    press(&mut app, &["I"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("Skip bad rows") && s.contains("Allow test mode") && s.contains("[ ] no"), "{s}");
    press(&mut app, &["Down", "Space"]);
    assert!(render(&app, 80, 24).contains("[x] yes"));
}
}

on_both! {
/// One bad amount: refused whole, the report naming the toggle; with "Skip
/// bad rows" on, the rest lands and the bad row is listed.
fn skip_bad_rows_imports_the_good_rows(b: &mut Books) {
    let mut app = app_on(b);
    let files = typed(&["customers_all_columns_2025.csv", "invoices_one_bad_row.csv"]);
    press_waiting(&mut app, &["I", &files, "C-s"]);
    let refused = read_report(&mut app);
    assert!(refused.contains("Import refused"), "{refused}");
    assert!(
        refused.contains(
            "1 row(s) refused, so nothing was written: fix them, or turn on \"Skip bad rows\" in the import form \
             to import the rest"
        ),
        "{refused}"
    );
    assert!(!refused.contains("--skip-bad-rows"), "no flag the TUI does not have:\n{refused}");
    assert!(app.store().customer_list(d("2026-03-01")).unwrap().is_empty());

    // Closed, the form is as it was: turn the toggle on and go again.
    press_waiting(&mut app, &["Esc", "Down", "Space", "C-s"]);
    let preview = read_report(&mut app);
    assert!(preview.contains("Import these files?"), "{preview}");
    assert!(preview.contains("invoices_one_bad_row.csv:3 REFUSED (invoices): Total: \"5O0.00\" is not an amount"));
    press_waiting(&mut app, &["y"]);
    let done = read_report(&mut app);
    assert!(done.contains("Imported 2 file(s)") && done.contains("(written)"), "{done}");
    assert!(done.contains("invoices_one_bad_row.csv:3 REFUSED"), "the bad row is listed:\n{done}");
    press(&mut app, &["Esc"]);
    assert_eq!(app.store().customer_list(d("2026-03-01")).unwrap().len(), 4);
    let acme = app.store().resolve_customer("stripe:cus_T001Acme").unwrap();
    app.open_customer(acme);
    let page = render(&app, 120, 40);
    assert!(page.contains("ACME-0001") && page.contains("ACME-0003"), "the good rows:\n{page}");
    assert!(!page.contains("ACME-0002"), "not the bad one:\n{page}");
}
}

on_both! {
/// A Stripe test-mode payment: refused, the report naming the toggle;
/// with "Allow test mode" on, it is imported.
fn allow_test_mode_imports_the_test_rows(b: &mut Books) {
    let mut app = app_on(b);
    let files =
        typed(&["customers_all_columns_2025.csv", "invoices_default_2023.csv", "payments_all_columns_2024.csv"]);
    press_waiting(&mut app, &["I", &files, "C-s"]);
    let refused = read_report(&mut app);
    assert!(
        refused.contains(
            "payments_all_columns_2024.csv:7 REFUSED (payments): Stripe test-mode data: turn on \"Allow test mode\" \
             in the import form to import it"
        ),
        "{refused}"
    );
    assert!(!refused.contains("--allow-test-mode"), "{refused}");

    press_waiting(&mut app, &["Esc", "Down", "Down", "Space", "C-s"]);
    let preview = read_report(&mut app);
    assert!(preview.contains("Import these files?") && !preview.contains("test-mode"), "{preview}");
    press_waiting(&mut app, &["y", "Esc"]);
    let acme = app.store().resolve_customer("stripe:cus_T001Acme").unwrap();
    app.open_customer(acme);
    press(&mut app, &["3"]);
    let payments = render(&app, 120, 40);
    assert!(payments.contains("$42.00"), "the test-mode payment is in:\n{payments}");
}
}
