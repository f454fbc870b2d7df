//! Issue 16 §2: a bad-debt write-off from an invoice's detail (`w`) and its
//! reversal (`w` again), and from the Invoices tab on a selection. Driven
//! by keys at 80×24 on a copy of the demo database; the figures read back
//! as `ardesk customer 1 --json` gives them: Outstanding and the aging fall
//! by the balance written off, and come back when it is reversed.

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

/// The customer's cards, with its aging beside them under "aging".
fn metrics(b: &Books) -> serde_json::Value {
    let (code, out, err) = run(&["customer", "1", "--json", "--db", &db_arg(b), "--today", TODAY]);
    assert_eq!(code, 0, "{err}");
    let all = serde_json::from_str::<serde_json::Value>(&out).unwrap();
    let mut m = all["metrics"].clone();
    m["aging"] = all["aging"].clone();
    m
}

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("not a decimal string: {v}")).parse().unwrap()
}

/// Σ of the aging buckets.
fn aging(m: &serde_json::Value) -> Decimal {
    m["aging"].as_object().unwrap_or_else(|| panic!("no aging: {m}")).values().map(dec).sum()
}

fn invoice(b: &Books, number: &str) -> InvoiceRow {
    let rows = b.window::<InvoiceRow>(1, Sort::default_for(Tab::Invoices), &Seek::First, 1000).unwrap();
    rows.into_iter().map(|k| k.row).find(|r| r.number == number).unwrap_or_else(|| panic!("no {number}"))
}

fn check(b: &Books) {
    assert_eq!(b.check(d(TODAY)).unwrap(), Vec::<String>::new());
}

on_both! {
fn an_overdue_invoice_is_written_off_from_its_detail_and_the_write_off_reversed(b: &mut Books) {
    demo_into(b);
    let before = metrics(b);
    let store = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d(TODAY), Rect::new(0, 0, 80, 24)).unwrap();
    app.open_customer(1);
    press(&mut app, &["/", "type:status:overdue", "Enter", "Enter"]);
    let s = render(&app, 80, 24);
    let number = s.lines().next().unwrap().split_whitespace().nth(1).unwrap().to_string();
    let inv = invoice(b, &number);
    assert_eq!(inv.status, InvoiceStatus::Open, "{s}");
    let balance = Decimal::new(inv.balance_minor, 2);
    assert!(balance > Decimal::ZERO);

    // The form: today's date, a reason required.
    press(&mut app, &["w"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains(&format!("Write off {number} as bad debt")) && s.contains(TODAY), "{s}");
    press(&mut app, &["C-s"]);
    assert!(flat(&render(&app, 80, 24)).contains("say why"), "a reason is required");
    press(&mut app, &["Tab", "type:customer insolvent", "C-s"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("as bad debt?") && s.contains(&number), "the confirmation names it:\n{s}");
    press(&mut app, &["y"]);
    let s = render(&app, 80, 24);
    assert!(flat(&s).contains("Wrote off"), "{s}");
    assert!(s.contains("Written off") && s.contains("customer insolvent"), "its facts say when and why:\n{s}");
    assert_eq!(invoice(b, &number).status, InvoiceStatus::Uncollectible);
    let off = metrics(b);
    assert_eq!(dec(&before["outstanding"]) - dec(&off["outstanding"]), balance, "{before} → {off}");
    assert_eq!(aging(&before) - aging(&off), balance);
    assert_eq!(off["billed_collected"], before["billed_collected"], "it stays billed");
    assert_eq!(off["total_billed"], before["total_billed"]);
    check(b);

    // `w` again reverses it.
    press(&mut app, &["w"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains(&format!("Reverse the write-off of {number}")), "{s}");
    press(&mut app, &["Tab", "type:paid after all", "C-s"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("Reverse the write-off") && s.contains("rise by"), "{s}");
    press(&mut app, &["y"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains(&format!("Reversed the write-off of {number}")), "{s}");
    assert_eq!(invoice(b, &number).status, InvoiceStatus::Open);
    let back = metrics(b);
    assert_eq!(back["outstanding"], before["outstanding"]);
    assert_eq!(back["aging"], before["aging"]);
    check(b);
}
}

on_both! {
fn two_selected_invoices_are_written_off_from_the_tab_and_a_paid_one_is_named_and_left(b: &mut Books) {
    demo_into(b);
    let before = metrics(b);
    let store = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d(TODAY), Rect::new(0, 0, 80, 24)).unwrap();
    app.open_customer(1);
    // A paid invoice alone: nothing to write off, said at once.
    press(&mut app, &["/", "type:status:paid", "Enter", "w"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("is paid: nothing is left to write off"), "{s}");
    press(&mut app, &["Esc", "/", "C-u", "type:status:open", "Enter", "Space", "Space"]);
    press(&mut app, &["w"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("Write off 2 invoices as bad debt"), "{s}");
    press(&mut app, &["Tab", "type:sent to collections", "C-s"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("of 2 invoices as bad debt?"), "{s}");
    press(&mut app, &["y"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("Wrote off") && s.contains("of 2 invoices"), "{s}");
    let store = &*b;
    let rows = store.window::<InvoiceRow>(1, Sort::default_for(Tab::Invoices), &Seek::First, 1000).unwrap();
    let off: Vec<InvoiceRow> = rows
        .into_iter()
        .map(|k| k.row)
        .filter(|r| {
            r.status == InvoiceStatus::Uncollectible
                && store.invoice_detail(1, r.id).unwrap().write_off.is_some_and(|w| w.on == Some(d(TODAY)))
        })
        .collect();
    assert_eq!(off.len(), 2, "{off:?}");
    let written: Decimal = off.iter().map(|r| Decimal::new(r.balance_minor, 2)).sum();
    let after = metrics(b);
    assert_eq!(dec(&before["outstanding"]) - dec(&after["outstanding"]), written);
    assert_eq!(aging(&before) - aging(&after), written);
    assert_eq!(after["billed_collected"], before["billed_collected"]);
    check(b);
}
}

on_both! {
fn a_reason_from_the_data_reaches_the_terminal_cleaned(b: &mut Books) {
    demo_into(b);
    let mut store = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    let open = invoice(b, "INV-000001");
    let id = if open.status == InvoiceStatus::Open && open.balance_minor > 0 {
        open.id
    } else {
        let rows = store.window::<InvoiceRow>(1, Sort::default_for(Tab::Invoices), &Seek::First, 1000).unwrap();
        rows.into_iter().map(|k| k.row).find(|r| r.status == InvoiceStatus::Open && r.balance_minor > 0).unwrap().id
    };
    store.write_off(1, &[id], d(TODAY), "gone\u{1b}]0;owned\u{7}\u{1b}[2J\nbust").unwrap();
    let number = store.invoice_detail(1, id).unwrap().invoice.number;
    let mut app = App::new(store, d(TODAY), Rect::new(0, 0, 80, 24)).unwrap();
    app.open_customer(1);
    press(&mut app, &["/", &format!("type:number:{number}"), "Enter", "Enter"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("Written off") && s.contains("gone"), "{s}");
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "no escape reaches the terminal:\n{s}");
}
}
