//! Issue 16 §2, §3 from the screens: a credit note against a partly paid
//! invoice (`n` on its detail) closes it, and voiding it (`V` on the
//! Payments tab) makes it owe again; a small balance over the
//! organization's limit is closed only once the confirmation has said so
//! (`W`); a standalone credit note (`n` on the Payments tab) is customer
//! credit. Driven by keys at 80×24 and 120×40 on a copy of the demo
//! database; the figures read back as `ardesk customer 1 --json` gives
//! them: credit lowers Total Billed and Outstanding, and never moves
//! Billed & Collected or Total Collected.

mod support;

use ardesk::app::App;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::model::InvoiceRow;
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::{Books, OpenMode};
use ratatui::layout::Rect;
use rust_decimal::Decimal;
use support::backends::{db_arg, demo_into};
use support::fixture::d;
use support::keys::{flat, press, render};
use support::{TODAY, run};

fn metrics(b: &Books) -> serde_json::Value {
    let (code, out, err) = run(&["customer", "1", "--json", "--db", &db_arg(b), "--today", TODAY]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<serde_json::Value>(&out).unwrap()["metrics"].clone()
}

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("not a decimal string: {v}")).parse().unwrap()
}

fn invoice(b: &Books, number: &str) -> InvoiceRow {
    let rows = b.window::<InvoiceRow>(1, Sort::default_for(Tab::Invoices), &Seek::First, 1000).unwrap();
    rows.into_iter().map(|k| k.row).find(|r| r.number == number).unwrap_or_else(|| panic!("no {number}"))
}

fn check(b: &Books) {
    assert_eq!(b.check(d(TODAY)).unwrap(), Vec::<String>::new());
}

/// The demo in `b`, and the app on its own connection to it, Acme open.
fn app(b: &mut Books, w: u16, h: u16) -> App {
    demo_into(b);
    let store = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d(TODAY), Rect::new(0, 0, w, h)).unwrap();
    app.open_customer(1);
    app
}

/// The first partly paid invoice's detail, open; its number.
fn open_partial(app: &mut App, w: u16, h: u16) -> String {
    press(app, &["/", "type:status:partial", "Enter", "Enter"]);
    let s = render(app, w, h);
    s.lines().next().unwrap().split_whitespace().nth(1).unwrap().to_string()
}

on_both! {
fn a_credit_note_closes_a_partly_paid_invoice_and_its_void_reopens_it_at_80x24(b: &mut Books) {
    credit_note_and_void(b, 80, 24);
}

fn a_credit_note_closes_a_partly_paid_invoice_and_its_void_reopens_it_at_120x40(b: &mut Books) {
    credit_note_and_void(b, 120, 40);
}
}

/// `n` on a partly paid invoice's detail, then `V` on the Payments tab,
/// at `w`×`h`.
fn credit_note_and_void(b: &mut Books, w: u16, h: u16) {
    let mut app = app(b, w, h);
    let before = metrics(b);
    let number = open_partial(&mut app, w, h);
    let inv = invoice(b, &number);
    assert_eq!(inv.status, InvoiceStatus::Open);
    let balance = Decimal::new(inv.balance_minor, 2);
    assert!(balance > Decimal::ZERO && inv.applied_minor > 0, "{inv:?}");

    // The form: today, the balance, a reason required.
    press(&mut app, &["n"]);
    let s = flat(&render(&app, w, h));
    assert!(s.contains(&format!("Credit note against {number}")) && s.contains(TODAY), "{s}");
    assert!(s.contains(&balance.to_string()), "the amount is the balance by default:\n{s}");
    press(&mut app, &["C-s"]);
    assert!(flat(&render(&app, w, h)).contains("say why"), "a reason is required");
    press(&mut app, &["Tab", "Tab", "type:price adjustment", "C-s"]);
    let s = flat(&render(&app, w, h));
    assert!(s.contains("Issue credit note CN-000001"), "the confirmation gives its number:\n{s}");
    assert!(s.contains(&format!("{number}'s balance falls by")) && s.contains("becomes paid"), "{s}");
    assert!(s.contains("Total Collected does not move"), "{s}");
    press(&mut app, &["y"]);
    let s = render(&app, w, h);
    assert!(flat(&s).contains("Issued credit note CN-000001"), "{s}");
    assert!(s.contains("Credit note") && s.contains("CN-000001"), "its applications name it:\n{s}");
    assert_eq!(invoice(b, &number).status, InvoiceStatus::Paid);
    let after = metrics(b);
    assert_eq!(dec(&before["outstanding"]) - dec(&after["outstanding"]), balance, "{before} → {after}");
    assert_eq!(dec(&before["total_billed"]) - dec(&after["total_billed"]), balance, "credit is net billing");
    assert_eq!(after["billed_collected"], before["billed_collected"], "credit is not collection");
    assert_eq!(after["total_collected"], before["total_collected"]);
    assert_eq!(after["credit_balance"], before["credit_balance"], "none of it is left over");
    check(b);

    // The Payments tab lists it by kind; `V` voids it.
    press(&mut app, &["Esc", "3", "/", "type:kind:credit-note", "Enter"]);
    let s = render(&app, w, h);
    assert!(s.contains("Issued") && s.contains(&number), "{s}");
    if w >= 120 {
        assert!(s.contains("Credit note") && s.contains("CN-000001"), "the Kind and Reference columns:\n{s}");
    }
    press(&mut app, &["V"]);
    let s = flat(&render(&app, w, h));
    assert!(s.contains("Void credit note CN-000001") && s.contains(TODAY), "{s}");
    press(&mut app, &["C-s"]);
    let s = flat(&render(&app, w, h));
    assert!(s.contains("These invoices owe again") && s.contains(&number), "{s}");
    press(&mut app, &["y"]);
    let s = render(&app, w, h);
    assert!(flat(&s).contains(&format!("Voided credit note CN-000001: {number} owes again")), "{s}");
    if w >= 120 {
        assert!(s.contains("Voided"), "{s}");
    }
    assert_eq!(invoice(b, &number).status, InvoiceStatus::Open);
    let back = metrics(b);
    for k in ["outstanding", "total_billed", "billed_collected", "total_collected", "credit_balance"] {
        assert_eq!(back[k], before[k], "{k}");
    }
    check(b);
}

on_both! {
fn a_small_balance_over_the_limit_is_closed_only_when_the_confirmation_says_so(b: &mut Books) {
    let mut app = app(b, 80, 24);
    let before = metrics(b);
    let number = open_partial(&mut app, 80, 24);
    let balance = Decimal::new(invoice(b, &number).balance_minor, 2);
    assert!(balance > Decimal::new(500, 2), "the demo's limit is $5.00: {balance}");
    press(&mut app, &["W"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains(&format!("Write off the small balance of {number}")), "{s}");
    press(&mut app, &["Tab", "type:rounding", "C-s"]);
    let s = flat(&render(&app, 120, 40));
    assert!(s.contains("Over the organization's limit of $5.00") && s.contains(&number), "{s}");
    assert!(s.contains("Outstanding and Total Billed fall by"), "{s}");
    press(&mut app, &["y"]);
    let s = render(&app, 80, 24);
    assert!(flat(&s).contains("Closed the small balance"), "{s}");
    assert!(s.contains("Small-balance write-off"), "its applications name it:\n{s}");
    assert_eq!(invoice(b, &number).status, InvoiceStatus::Paid);
    let after = metrics(b);
    assert_eq!(dec(&before["outstanding"]) - dec(&after["outstanding"]), balance);
    assert_eq!(dec(&before["total_billed"]) - dec(&after["total_billed"]), balance);
    assert_eq!(after["billed_collected"], before["billed_collected"]);
    assert_eq!(after["total_collected"], before["total_collected"]);
    check(b);
}
}

on_both! {
fn a_standalone_credit_note_is_customer_credit_and_its_reason_is_cleaned(b: &mut Books) {
    let mut app = app(b, 120, 40);
    let before = metrics(b);
    press(&mut app, &["3", "n"]);
    let s = flat(&render(&app, 120, 40));
    assert!(s.contains("Credit note for") && s.contains("USD"), "{s}");
    press(&mut app, &["Tab", "type:25", "Tab", "Tab", "type:outage\u{1b}[2J", "C-s"]);
    let s = render(&app, 80, 24);
    assert!(flat(&s).contains("$25.00 becomes customer credit"), "{s}");
    assert!(!s.contains('\u{1b}'), "{s}");
    press(&mut app, &["y"]);
    let s = render(&app, 120, 40);
    assert!(flat(&s).contains("Issued credit note CN-000001 for $25.00"), "{s}");
    assert!(!s.contains('\u{1b}'), "{s}");
    let after = metrics(b);
    assert_eq!(dec(&after["credit_balance"]) - dec(&before["credit_balance"]), Decimal::new(2_500, 2));
    for k in ["outstanding", "total_billed", "billed_collected", "total_collected"] {
        assert_eq!(after[k], before[k], "{k}: nothing is applied yet");
    }
    check(b);
}
}

on_both! {
/// From the invoice's own detail: Enter on the credit note's application
/// shows the credit note whole (credit has no detail of its own), `V`
/// voids it, and the application stays listed, reversed today; `V` on a
/// payment's application says a payment is not voided.
fn a_credit_note_is_opened_and_voided_from_the_invoice_detail(b: &mut Books) {
    let mut app = app(b, 80, 24);
    let before = metrics(b);
    let number = open_partial(&mut app, 80, 24);
    // Its first application is a payment's: not voided.
    press(&mut app, &["V"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("a payment is not voided"), "{s}");
    press(&mut app, &["Esc", "n", "Tab", "Tab", "type:price adjustment", "C-s", "y"]);
    assert_eq!(invoice(b, &number).status, InvoiceStatus::Paid);
    // The credit note is the last application.
    press(&mut app, &["End", "Enter"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("CN-000001") && s.contains("Credit note") && s.contains("Issued"), "its row, whole:\n{s}");
    press(&mut app, &["Esc", "V"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("Void credit note CN-000001") && s.contains(TODAY), "{s}");
    press(&mut app, &["C-s"]);
    assert!(flat(&render(&app, 80, 24)).contains("These invoices owe again"));
    press(&mut app, &["y"]);
    let s = render(&app, 80, 24);
    assert!(flat(&s).contains(&format!("Voided credit note CN-000001: {number} owes again")), "{s}");
    assert!(s.contains(&format!("reversed {TODAY} · CN-00000")), "listed, reversed:\n{s}");
    assert!(s.contains("1 reversed"), "{s}");
    assert_eq!(invoice(b, &number).status, InvoiceStatus::Open);
    // Voided already: said, nothing asked.
    press(&mut app, &["V"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("voided already"), "{s}");
    let back = metrics(b);
    for k in ["outstanding", "total_billed", "billed_collected", "total_collected", "credit_balance"] {
        assert_eq!(back[k], before[k], "{k}");
    }
    check(b);
}
}

on_both! {
/// A standalone credit note typed with lines (`n` on the Payments tab):
/// the amount is their sum, the confirmation gives it, and `Enter` on the
/// credit note shows it whole with its lines, at 80×24.
fn a_credit_note_with_lines_shows_them(b: &mut Books) {
    let mut app = app(b, 80, 24);
    let before = metrics(b);
    // Date, Amount, Currency, Reason, then Lines: two rows.
    press(&mut app, &["3", "n", "Tab", "Tab", "Tab", "type:returned seats", "Tab"]);
    press(&mut app, &["type:Seats returned; 2 x 45.50", "Enter", "type:Goodwill; 10"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("101.00") && s.contains("the sum of the lines"), "{s}");
    press(&mut app, &["C-s"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("Issue credit note CN-000001 for $101.00"), "{s}");
    assert!(s.contains("numbered CN-000001, crediting 2 lines:"), "{s}");
    press(&mut app, &["y"]);
    assert!(flat(&render(&app, 80, 24)).contains("Issued credit note CN-000001"));
    press(&mut app, &["/", "type:kind:credit-note", "Enter", "Enter"]);
    let s = render(&app, 80, 24);
    let want_all = [
        "Credit note CN-000001",
        "returned seats",
        "Seats returned",
        "Goodwill",
        "45.50",
        "$91.00",
        "$10.00",
        "Σ lines $101.00 · credit note $101.00",
    ];
    for want in want_all {
        assert!(s.contains(want), "{want}:\n{s}");
    }
    let after = metrics(b);
    assert_eq!(dec(&after["credit_balance"]) - dec(&before["credit_balance"]), Decimal::new(10_100, 2));
    assert_eq!(after["total_collected"], before["total_collected"]);
    check(b);
}
}

on_both! {
/// `W` on a paid invoice says why it has no small balance, naming it once.
fn a_small_balance_refusal_names_the_invoice_once(b: &mut Books) {
    let mut app = app(b, 120, 40);
    press(&mut app, &["/", "type:status:paid", "Enter", "W"]);
    let s = flat(&render(&app, 120, 40));
    assert!(s.contains("This invoice has no small balance to close:"), "{s}");
    let at = s.find("▶ ☐ ").unwrap_or_else(|| panic!("{s}"));
    let number = s[at..].split_whitespace().nth(2).unwrap().to_string();
    assert!(s.contains(&format!("{number} is paid: there is no balance to close")), "{s}");
    assert!(!s.contains(&format!("{number} {number}")), "named once:\n{s}");
}
}
