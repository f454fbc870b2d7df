//! The real binary in a pseudo-terminal (issue 15): on the demo's first
//! customer, a partly paid invoice's detail agrees with `ardesk invoices
//! --format json`; `Enter` follows its application to the payment, `Esc`
//! comes back to the invoice and `Esc` again to the tab, its filter and row
//! as they were. At 80×24, the home size.

mod support;

use ardesk::domain::money::{Currency, Money, parse_amount};
use support::{TODAY, Tui, demo_db, run};

#[test]
fn enter_an_invoice_then_its_payment_and_back() {
    let db = demo_db().to_str().unwrap().to_string();
    let (code, json, err) = run(&[
        "invoices",
        "--customer",
        "1",
        "--filter",
        "status:partial",
        "--format",
        "json",
        "--db",
        &db,
        "--today",
        TODAY,
    ]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    // The tab's default order, newest first, as the command's.
    let first = rows.first().expect("the demo's first customer has a partly paid invoice");
    let number = first["number"].as_str().unwrap().to_string();
    let cur: Currency = first["currency"].as_str().unwrap().parse().unwrap();
    let money = |field: &str| Money::new(parse_amount(first[field].as_str().unwrap(), cur).unwrap(), cur).display();
    let balance = if first.get("balance").is_some() { money("balance") } else { money("open_balance") };

    let mut tui = Tui::start(&["--db", &db, "--today", TODAY, "--customer", "1"], 80, 24);
    tui.wait_page();
    tui.send("/");
    tui.wait_for("Filter:");
    tui.send("status:partial\r");
    let tab = tui.wait(&format!("{number} under the cursor"), |s| {
        s.contains("filter: status:partial") && s.contains(&format!("▶ ☐ {number}"))
    });

    tui.send("\r");
    // The whole frame: under load the screen was read between the
    // header's bytes and the applications' (the tab still showing below).
    let s = tui.wait(&format!("Invoice {number} and its applications"), |s| {
        s.contains(&format!("Invoice {number}")) && s.contains("Applications (")
    });
    assert!(s.contains("partial"), "its status:\n{s}");
    let balance_line = s.lines().find(|l| l.contains("Balance")).unwrap_or_default();
    assert!(balance_line.contains(&balance), "Balance {balance}, as the json has it:\n{s}");
    assert!(s.contains("Applications (") && s.contains("▶ "), "its applications, the cursor on one:\n{s}");

    tui.send("\r");
    let s = tui.wait_for("Applied to (");
    assert!(s.contains(" Payment ") && s.contains(&number), "the payment lists the invoice:\n{s}");

    tui.send("\x1b");
    tui.wait_for(&format!("Invoice {number}"));
    tui.send("\x1b");
    let back = tui.wait("the tab again", |s| s.contains("filter: status:partial") && !s.contains("Invoice INV"));
    let cursor = |s: &str| s.lines().find(|l| l.contains('▶')).unwrap_or_default().trim_end().to_string();
    assert_eq!(cursor(&back), cursor(&tab), "the same row under the cursor:\n{back}");

    tui.send("q");
    tui.wait_for("Customers (");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
