//! Issue 16 §1 through the keys: Acme's $500 unapplied remainder and the
//! $200 left of its goodwill credit are applied to its oldest open invoices
//! from the Payments tab (`a`, the form, its confirmation): Outstanding and
//! Credit Balance each fall by $700 and Total Collected does not move, as
//! `ardesk customer 1 --json` says. Also: `a` on a payment's detail, a row
//! with nothing unapplied, credit granted with `C`, a read-only database,
//! and the form and its confirmation drawn at 80×24 and 120×40.

mod support;

use ardesk::app::App;
use ardesk::store::{Books, OpenMode, Store};
use ratatui::layout::Rect;
use rust_decimal::Decimal;
use support::backends::{db_arg, demo_into};
use support::fixture::d;
use support::keys::{flat, press, render};
use support::{TODAY, demo_db};

/// The app on its own connection to `b`'s books, on Acme's Payments tab.
fn on_payments(b: &Books, w: u16, h: u16) -> App {
    let store = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d(TODAY), Rect::new(0, 0, w, h)).unwrap();
    app.open_customer(1);
    press(&mut app, &["3"]);
    app
}

/// Acme's cards as `ardesk customer 1 --json` gives them.
fn metrics(b: &Books) -> serde_json::Value {
    let (code, out, err) = support::run(&["--db", &db_arg(b), "--today", TODAY, "customer", "1", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["metrics"].clone()
}

fn amount(m: &serde_json::Value, key: &str) -> Decimal {
    m[key].as_str().unwrap_or_else(|| panic!("{key} in {m}")).parse().unwrap()
}

on_both! {
fn acmes_remainder_and_credit_go_to_its_oldest_open_invoices(b: &mut Books) {
    demo_into(b);
    let before = metrics(b);
    assert_eq!(amount(&before, "credit_balance"), Decimal::from(700), "the demo's $500 + $200: {before}");
    let mut app = on_payments(b, 120, 40);
    press(&mut app, &["/", "type:status:unapplied", "Enter"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Service outage"), "the credit is listed:\n{s}");
    assert!(s.contains("a apply to invoices"), "the footer offers it:\n{s}");
    for _ in 0..2 {
        press(&mut app, &["a"]);
        let s = flat(&render(&app, 120, 40));
        assert!(s.contains("Oldest open invoices first"), "{s}");
        // The amount proposed is all of the remainder: saved as it is.
        press(&mut app, &["C-s"]);
        let s = flat(&render(&app, 120, 40));
        assert!(s.contains("Nothing is left unapplied.") && s.contains("INV-0000"), "what goes where:\n{s}");
        press(&mut app, &["y"]);
        let s = render(&app, 120, 40);
        assert!(s.contains("Applied $"), "{s}");
    }
    let s = render(&app, 120, 40);
    assert!(!s.contains("Service outage"), "nothing is unapplied any more:\n{s}");
    let after = metrics(b);
    let fell = |key| amount(&before, key) - amount(&after, key);
    assert_eq!(fell("outstanding"), Decimal::from(700), "{before} → {after}");
    assert_eq!(fell("credit_balance"), Decimal::from(700));
    assert_eq!(fell("total_collected"), Decimal::ZERO, "applying collects no new money");
    assert_eq!(after["payments_collected"], before["payments_collected"]);
    assert_eq!(b.check(d(TODAY)).unwrap(), Vec::<String>::new());
}
}

on_both! {
fn a_row_with_nothing_unapplied_says_why_and_a_detail_applies_its_remainder(b: &mut Books) {
    demo_into(b);
    let mut app = on_payments(b, 120, 40);
    press(&mut app, &["/", "type:ref:WIRE-PARTREFUND", "Enter", "a"]);
    let s = flat(&render(&app, 120, 40));
    assert!(s.contains("Nothing to apply"), "{s}");
    assert!(s.contains("Nothing of WIRE-PARTREFUND is unapplied: all $1,200.00 is applied or refunded."), "{s}");
    press(&mut app, &["Esc", "/", "C-u", "type:status:unapplied amount>=2000", "Enter", "Enter"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("a apply remainder"), "the detail's footer offers it:\n{s}");
    press(&mut app, &["a", "Tab", "C-u", "type:120", "C-s"]);
    let s = flat(&render(&app, 120, 40));
    // Oldest due first: INV-000017's last $61, then $59 of INV-000006.
    assert!(s.contains("Apply $120.00 to 2 invoices?") && s.contains("$380.00 stays unapplied, as credit."), "{s}");
    assert!(s.contains("INV-000017  $61.00  (paid in full) INV-000006  $59.00  (part paid)"), "{s}");
    press(&mut app, &["y"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Applied $120.00 to 2 invoices (1 now paid); $380.00 left unapplied"), "{s}");
}
}

on_both! {
fn credit_is_granted_from_the_payments_tab(b: &mut Books) {
    demo_into(b);
    let before = metrics(b);
    let mut app = on_payments(b, 80, 24);
    press(&mut app, &["C"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("Grant credit to Acme") && s.contains(TODAY), "{s}");
    press(&mut app, &["Tab", "type:25", "C-s"]);
    assert!(flat(&render(&app, 80, 24)).contains("say why the credit is granted"), "a reason is required");
    press(&mut app, &["Tab", "type:late delivery", "C-s"]);
    assert!(render(&app, 80, 24).contains("Granted $25.00 of credit"));
    let after = metrics(b);
    assert_eq!(amount(&after, "credit_balance") - amount(&before, "credit_balance"), Decimal::from(25));
    assert_eq!(after["total_collected"], before["total_collected"]);
}
}

#[test]
fn a_read_only_database_refuses_before_any_form() {
    use std::os::unix::fs::PermissionsExt;
    // About a file's permissions: SQLite's only.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    std::fs::copy(demo_db(), &db).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let store = Store::open(&db, OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d(TODAY), Rect::new(0, 0, 120, 40)).unwrap();
    app.open_customer(1);
    press(&mut app, &["3"]);
    for key in ["a", "C"] {
        press(&mut app, &[key]);
        let s = flat(&render(&app, 120, 40));
        assert!(s.contains("Read-only") && !s.contains("Oldest open invoices first"), "{key}: {s}");
        press(&mut app, &["Esc"]);
    }
}

on_both! {
fn the_apply_form_and_its_confirmation_fit_80x24_and_120x40(b: &mut Books) {
    demo_into(b);
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = on_payments(b, w, h);
        press(&mut app, &["/", "type:status:unapplied amount>=2000", "Enter", "a"]);
        insta::with_settings!({ prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("apply_flow__apply_form_{w}x{h}"), render(&app, w, h));
        });
        press(&mut app, &["Right"]);
        insta::with_settings!({ prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("apply_flow__apply_form_named_{w}x{h}"), render(&app, w, h));
        });
        press(&mut app, &["C-s"]);
        insta::with_settings!({ prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("apply_flow__apply_confirm_{w}x{h}"), render(&app, w, h));
        });
    }
}
}
