//! Issue 15 §2: a draft invoice is edited and issued from its detail (`e`,
//! `I`), its number kept; an issued invoice's memo is edited there too, and
//! nothing else of it. Driven by keys through the real keymap on a copy of
//! the demo database, and read back from the store and from what
//! `ardesk invoices --format json` writes.

mod support;

use ardesk::app::App;
use ardesk::domain::columns::Tab;
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::{Books, OpenMode};
use ratatui::layout::Rect;
use support::TODAY;
use support::backends::demo_into;
use support::fixture::d;
use support::keys::{flat, press, render};

/// The demo in `other`, and the app (120×40) on its own connection to
/// them, on Acme's drafts: `other` is another ardesk.
fn on_drafts(other: &mut Books) -> App {
    demo_into(other);
    let store = Books::open(&other.location(), OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d(TODAY), Rect::new(0, 0, 120, 40)).unwrap();
    app.open_customer(1);
    press(&mut app, &["/", "type:status:draft", "Enter"]);
    app
}

/// The invoice `number` of Acme as `ardesk invoices --format json` writes it.
fn json(store: &Books, number: &str) -> serde_json::Value {
    let args = ardesk::cli::TabArgs {
        customer: "1".into(),
        filter: format!("number:{number}"),
        sort: None,
        format: ardesk::cli::OutFormat::Json,
    };
    let mut out = Vec::new();
    ardesk::commands::tab_rows(store, Tab::Invoices, &args, d(TODAY), false, &mut out).unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    rows.into_iter().find(|r| r["number"] == number).unwrap_or_else(|| panic!("no {number}"))
}

/// In the lines field: each row cleared (`Ctrl-U`) and removed
/// (`Backspace` on an empty row), the last one left empty.
fn clear_lines(app: &mut App) {
    for _ in 0..5 {
        press(app, &["C-u", "Backspace"]);
    }
}

fn detail(store: &Books, number: &str) -> ardesk::domain::detail::InvoiceDetail {
    use ardesk::domain::columns::{Seek, Sort};
    use ardesk::domain::model::InvoiceRow;
    let rows = store.window::<InvoiceRow>(1, Sort::default_for(Tab::Invoices), &Seek::First, 100).unwrap();
    let id = rows.iter().find(|k| k.row.number == number).map(|k| k.row.id).unwrap();
    store.invoice_detail(1, id).unwrap()
}

on_both! {
fn a_draft_is_edited_then_issued_with_its_number_and_then_only_its_memo_changes(other: &mut Books) {
    let mut app = on_drafts(other);
    press(&mut app, &["Enter"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Invoice INV-000039") && s.contains("Draft"), "{s}");
    assert!(s.contains("e edit") && s.contains("I issue"), "the footer offers both:\n{s}");

    // Every field of the draft, as stored; two lines replace the total.
    press(&mut app, &["e"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Edit draft INV-000039"), "{s}");
    assert!(s.contains("2026-03-31") && s.contains("8550.00"), "the stored due date and total:\n{s}");
    press(&mut app, &["Tab", "Tab", "Tab", "Tab", "Tab", "Tab"]);
    assert!(render(&app, 120, 40).contains("Platform subscription: users; 14 x 476.35"), "the demo's lines, as rows");
    clear_lines(&mut app);
    press(&mut app, &["type:Platform, March–May; 3 x 2,750", "Enter", "type:Onboarding; 300", "Enter", "Enter"]);
    press(&mut app, &["type:PO 7741", "C-s"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Saved draft INV-000039 for $8,550.00"), "{s}");
    assert!(
        s.contains("PO 7741") && s.contains("Onboarding") && s.contains("$8,250.00"),
        "the detail shows them:\n{s}"
    );
    assert!(s.contains("2,750.00"), "a unit price is grouped as amounts are:\n{s}");
    assert!(s.contains(r#"lines "2 lines" → "2 lines, changed""#), "the history counts the lines:\n{s}");
    let dt = detail(other, "INV-000039");
    assert_eq!((dt.invoice.memo.as_str(), dt.lines.len(), dt.invoice.status), ("PO 7741", 2, InvoiceStatus::Draft));
    assert_eq!(dt.lines.iter().map(|l| l.amount_minor).collect::<Vec<_>>(), vec![825_000, 30_000]);

    // Issued: open, same number, due as it was; the JSON agrees.
    press(&mut app, &["I"]);
    let s = flat(&render(&app, 120, 40));
    assert!(s.contains("Issue invoice INV-000039?") && s.contains("open for $8,550.00, due 2026-03-31"), "{s}");
    press(&mut app, &["y"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Issued invoice INV-000039: it is open"), "{s}");
    let j = json(other, "INV-000039");
    assert_eq!(
        (j["status"].as_str(), j["balance"].as_str(), j["memo"].as_str()),
        (Some("open"), Some("8550.00"), Some("PO 7741"))
    );

    // Issued, `e` edits the memo alone; `I` says why there is nothing to issue.
    press(&mut app, &["e"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Memo of invoice INV-000039") && !s.contains("Due date"), "{s}");
    press(&mut app, &["C-u", "type:PO 7741 (revised)", "C-s"]);
    assert!(render(&app, 120, 40).contains("Saved the memo of invoice INV-000039"));
    assert_eq!(detail(other, "INV-000039").invoice.memo, "PO 7741 (revised)");
    press(&mut app, &["I"]);
    assert!(render(&app, 120, 40).contains("Invoice INV-000039 is open: only a draft is issued"));
    assert_eq!(other.check(d(TODAY)).unwrap(), Vec::<String>::new(), "the books still hold");
}
}

on_both! {
fn a_draft_changed_elsewhere_keeps_the_typed_edits_and_saves_over_the_new_version(other: &mut Books) {
    let mut app = on_drafts(other);
    // To the memo: past the lines, and past the total, which the lines make.
    press(&mut app, &["Enter", "e", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "type:typed here"]);
    // Elsewhere, meanwhile: the memo of the same draft.
    let dt = detail(other, "INV-000039");
    other.set_invoice_memo(1, dt.invoice.id, dt.version, "set elsewhere").unwrap();
    press(&mut app, &["C-s"]);
    let s = flat(&render(&app, 120, 40));
    assert!(s.contains("Edit draft INV-000039"), "the form stays:\n{s}");
    assert!(s.contains("typed here"), "what was typed stays:\n{s}");
    press(&mut app, &["C-s"]);
    assert!(render(&app, 120, 40).contains("Saved draft INV-000039"));
    assert_eq!(detail(other, "INV-000039").invoice.memo, "typed here");
}
}

on_both! {
fn a_bad_line_in_the_draft_form_is_named_and_nothing_is_written(other: &mut Books) {
    let mut app = on_drafts(other);
    let before = detail(other, "INV-000039");
    press(&mut app, &["Enter", "e", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab"]);
    clear_lines(&mut app);
    press(&mut app, &["type:Platform; 8550", "Enter", "type:Refund; -9000", "C-s"]);
    let s = flat(&render(&app, 120, 40));
    assert!(s.contains("a total cannot be negative"), "{s}");
    assert_eq!(detail(other, "INV-000039").version, before.version, "nothing written");
}
}
