//! Issue 16 §1: `u` on an invoice's or a payment's detail unapplies the
//! highlighted application after saying what it does: the invoice owes
//! again, the money goes back to the payment's remainder or to the credit,
//! and the application stays in the records marked removed, listed after
//! the live ones as reversed on its date. Driven by keys
//! on a copy of the demo database; the figures read back as
//! `ardesk customer 1 --json` gives them.

mod support;

use ardesk::app::App;
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
    v.as_str().unwrap().parse().unwrap()
}

on_both! {
fn unapplying_a_payment_from_an_invoice_moves_the_money_back_and_the_invoice_owes_again(b: &mut Books) {
    demo_into(b);
    let before = metrics(b);
    let store = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d(TODAY), Rect::new(0, 0, 80, 24)).unwrap();
    app.open_customer(1);
    // A paid invoice: its one application is a payment's.
    press(&mut app, &["/", "type:status:paid", "Enter", "Enter"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("Paid") && s.contains("Applications (1)"), "{s}");
    let number = s.lines().next().unwrap().split_whitespace().nth(1).unwrap().to_string();
    press(&mut app, &["u"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains(&format!("from {number}?")) && s.contains("marked removed on"), "{s}");
    press(&mut app, &["y"]);
    let s = render(&app, 80, 24);
    assert!(s.contains(&format!("from {number}:")) && s.contains("it owes again"), "{s}");
    // The application stays listed, reversed today, outside the sum.
    assert!(s.contains("Applications: nothing paid or credited yet · 1 reversed"), "{s}");
    assert!(s.contains(&format!("reversed {TODAY} · ")), "{s}");
    // The money is the customer's again: outstanding and credit rise by the
    // amount, collected money does not move.
    let after = metrics(b);
    let moved = dec(&after["outstanding"]) - dec(&before["outstanding"]);
    assert!(moved > Decimal::ZERO, "{before} → {after}");
    assert_eq!(dec(&after["credit_balance"]) - dec(&before["credit_balance"]), moved);
    assert_eq!(after["total_collected"], before["total_collected"]);
    let store = &*b;
    assert_eq!(store.check(d(TODAY)).unwrap(), Vec::<String>::new());
}
}

on_both! {
fn unapplying_from_a_payments_detail_and_nothing_to_unapply_is_said(b: &mut Books) {
    demo_into(b);
    let store = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d(TODAY), Rect::new(0, 0, 120, 40)).unwrap();
    app.open_customer(1);
    press(&mut app, &["3", "/", "type:status:succeeded", "Enter", "Enter"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Applied to (1)"), "{s}");
    assert!(s.contains("u unapply"), "the footer offers it:\n{s}");
    press(&mut app, &["u", "n"]);
    assert!(render(&app, 120, 40).contains("Applied to (1)"), "n changes nothing");
    press(&mut app, &["u", "y"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Unapplied ") && s.contains("unapplied"), "{s}");
    let s = render(&app, 120, 40);
    assert!(s.contains("Applied to: no invoice yet · 1 reversed"), "{s}");
    assert!(s.contains(&format!("reversed {TODAY} · ")), "{s}");
    // The reversed row cannot be unapplied again; it says when it was.
    press(&mut app, &["u"]);
    let s = render(&app, 120, 40);
    assert!(s.contains(&format!("This application was reversed on {TODAY}: nothing to unapply")), "{s}");
    assert!(!s.contains("Unapply "), "no confirmation:\n{s}");
    let store = &*b;
    assert_eq!(store.check(d(TODAY)).unwrap(), Vec::<String>::new());
}
}
