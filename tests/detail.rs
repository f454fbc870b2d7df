//! Issue 15 (§2–§3): `Enter` on an invoice shows its detail — status with
//! days overdue, dates, contract, amounts, every application and the
//! invoice's own history — and agrees with `ardesk invoices --format json`;
//! `Enter` on an application follows it to the payment's detail (its
//! applications, remainder and refunds) and `Esc` walks back the same way,
//! to the tab's same row. Driven by keys through the real keymap on the
//! fixture, drawn at 80×24, 120×40 and 200×60 (snapshots read before they
//! were accepted).

mod support;

use ardesk::app::App;
use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::RefundDraft;
use ardesk::domain::model::{InvoiceRow, PaymentRow};
use ardesk::domain::status::{PaymentMethod, PaymentStatus};
use ardesk::store::seed::{AppliedFrom, NewPayment};
use ardesk::store::{Books, OpenMode};
use ratatui::layout::Rect;
use support::backends::{demo_into, seed};
use support::fixture::{d, fill};
use support::keys::{press, render};

const TODAY: &str = "2026-03-01";

/// The app on its own connection to `b`'s books.
fn app_on(b: &Books, w: u16, h: u16) -> App {
    let mine = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    App::new(mine, d(TODAY), Rect::new(0, 0, w, h)).unwrap()
}

/// The Invoices tab lists newest first: INV-000002 is the fourth row.
const TO_INV2: [&str; 4] = ["Enter", "Down", "Down", "Down"];

/// The customer's invoices as `ardesk invoices --customer 1 --format json`
/// writes them, through the function the command runs.
fn invoices_json(store: &ardesk::store::Books) -> Vec<serde_json::Value> {
    let args = ardesk::cli::TabArgs {
        customer: "1".into(),
        filter: String::new(),
        sort: None,
        format: ardesk::cli::OutFormat::Json,
    };
    let mut out = Vec::new();
    ardesk::commands::tab_rows(store, Tab::Invoices, &args, d(TODAY), false, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn invoice(app: &App, number: &str) -> InvoiceRow {
    let rows = app.store().window::<InvoiceRow>(1, Sort::default_for(Tab::Invoices), &Seek::First, 50).unwrap();
    rows.into_iter().map(|k| k.row).find(|i| i.number == number).unwrap()
}

/// The line of the screen that holds `text`.
fn line_with<'a>(screen: &'a str, text: &str) -> &'a str {
    screen.lines().find(|l| l.contains(text)).unwrap_or_else(|| panic!("no line with {text:?}:\n{screen}"))
}

on_both! {
fn a_partly_paid_invoice_shows_its_applications_and_balance_as_the_json_has_them(b: &mut Books) {
    seed(b, fill);
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = app_on(b, w, h);
        press(&mut app, &TO_INV2);
        let tab = render(&app, w, h);
        assert!(line_with(&tab, "INV-000002").contains('▶'), "the cursor is on INV-000002:\n{tab}");
        press(&mut app, &["Enter"]);
        let s = render(&app, w, h);
        assert!(s.contains("Invoice INV-000002  Overdue, partial · 29 days overdue"), "{w}×{h}:\n{s}");
        let json = invoices_json(app.store());
        let row = json.iter().find(|r| r["number"] == "INV-000002").expect("INV-000002 in the json");
        let money = |field: &str| {
            let plain = row[field].as_str().unwrap();
            let minor = ardesk::domain::money::parse_amount(plain, Currency::USD).unwrap();
            ardesk::domain::Money::new(minor, Currency::USD).display()
        };
        // The Balance column's export is `balance`; before it, `open_balance`.
        let balance = if row.get("balance").is_some() { money("balance") } else { money("open_balance") };
        assert_eq!(balance, "$6,000.00");
        assert!(line_with(&s, "Total").contains(&money("total")), "{s}");
        assert!(line_with(&s, "Balance").contains(&balance), "{s}");
        assert!(line_with(&s, "Paid").contains("$4,000.00"), "{s}");
        assert!(line_with(&s, "Issued").contains(row["issue_date"].as_str().unwrap()), "{s}");
        assert!(line_with(&s, "Due").contains(row["due_date"].as_str().unwrap()), "{s}");
        assert!(line_with(&s, "Contract").contains(row["contract"].as_str().unwrap()), "{s}");
        // Its one application: the wire of 2026-01-10, $4,000.00 of it.
        assert!(s.contains("Applications (1) · Σ $4,000.00"), "{s}");
        let app_line = line_with(&s, "WIRE-7781");
        for part in ["▶", "2026-01-10", "$4,000.00", "Payment", "Manual"] {
            assert!(app_line.contains(part), "{part} in {app_line:?}");
        }
        assert!(s.contains("History: none recorded for this invoice"), "{s}");
        assert!(s.contains("Enter open") && s.contains("x cancel this invoice"), "{s}");
    }
}
}

on_both! {
fn enter_follows_an_application_and_esc_walks_back_to_the_same_row(b: &mut Books) {
    seed(b, fill);
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = app_on(b, w, h);
        press(&mut app, &TO_INV2);
        let tab = render(&app, w, h);
        press(&mut app, &["Enter", "Enter"]);
        let s = render(&app, w, h);
        assert!(s.contains("Payment WIRE-7781  Succeeded"), "{w}×{h}:\n{s}");
        assert!(s.contains("Applied to (2) · Σ $14,000.00"), "{s}");
        let first = line_with(&s, "INV-000001");
        assert!(first.contains("▶") && first.contains("$10,000.00") && first.contains("Paid"), "{first}");
        let second = line_with(&s, "INV-000002");
        assert!(second.contains("$4,000.00") && second.contains("Overdue, partial"), "{second}");
        assert!(line_with(&s, "Unapplied").contains("$0.00"), "{s}");
        assert!(s.contains("Refunds: none"), "{s}");

        // Enter on INV-000001's application: that invoice, paid in full.
        press(&mut app, &["Enter"]);
        let s = render(&app, w, h);
        assert!(s.contains("Invoice INV-000001  Paid") && line_with(&s, "Balance").contains("$0.00"), "{s}");
        press(&mut app, &["Esc"]);
        assert!(render(&app, w, h).contains("Payment WIRE-7781"), "back on the payment");
        press(&mut app, &["Esc"]);
        assert!(render(&app, w, h).contains("Invoice INV-000002  Overdue, partial"), "back on the invoice");
        press(&mut app, &["Esc"]);
        assert_eq!(render(&app, w, h), tab, "back on the tab as it was, the cursor on INV-000002");
    }
}
}

/// The fixture and two more payments: ACH-3391, partly applied to
/// INV-000003 and partly refunded by ardesk (an audit row gives date and
/// reason), and ch_Imported, which came in partly refunded (an import: the
/// amount, no date or reason), in `b`; the refund is ardesk's write on
/// `b` itself.
fn with_refunds(b: &mut Books) {
    let p = seed(b, |store| {
        fill(store);
        let s = store.seeder().unwrap();
        let inv3 = 3;
        let p = s
            .payment(&NewPayment {
                customer_id: 1,
                received_on: d("2026-02-20"),
                amount_minor: 500_000,
                refunded_minor: 0,
                currency: Currency::USD,
                reference: "ACH-3391",
                status: PaymentStatus::Succeeded,
                method: PaymentMethod::Automatic,
            })
            .unwrap();
        s.apply(inv3, AppliedFrom::Payment(p), 200_000, d("2026-02-20")).unwrap();
        s.payment(&NewPayment {
            customer_id: 1,
            received_on: d("2025-11-02"),
            amount_minor: 90_000,
            refunded_minor: 30_000,
            currency: Currency::USD,
            reference: "ch_Imported",
            status: PaymentStatus::Succeeded,
            method: PaymentMethod::Automatic,
        })
        .unwrap();
        s.commit().unwrap();
        p
    });
    let version = b.tab_row::<PaymentRow>(p).unwrap().unwrap().version;
    let draft =
        RefundDraft { amount_minor: 100_000, refunded_on: d("2026-02-25"), reason: "overpaid by mistake".into() };
    b.refund_payment(p, version, &draft).unwrap();
}

on_both! {
/// The payment detail from the Payments tab: applications, remainder, and
/// refunds with and without a record.
fn a_payment_lists_its_applications_remainder_and_refunds(b: &mut Books) {
    with_refunds(b);
    let mut app = app_on(b, 120, 40);
    // Payments newest first: ACH-3391, WIRE-7781, ch_Imported.
    press(&mut app, &["Enter", "3", "Enter"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Payment ACH-3391  Succeeded"), "{s}");
    assert!(line_with(&s, "Amount").contains("$5,000.00"), "{s}");
    assert!(line_with(&s, "Applied").contains("$2,000.00"), "{s}");
    assert!(line_with(&s, "Refunded").contains("$1,000.00"), "{s}");
    assert!(line_with(&s, "Unapplied").contains("$2,000.00"), "{s}");
    assert!(line_with(&s, "Method").contains("Automatic"), "{s}");
    let applied = line_with(&s, "INV-000003");
    assert!(applied.contains("2026-02-20") && applied.contains("$2,000.00"), "{applied}");
    assert!(s.contains("Refunds (1) · Σ $1,000.00"), "{s}");
    let refund = line_with(&s, "overpaid by mistake");
    assert!(refund.contains("2026-02-25") && refund.contains("$1,000.00"), "{refund}");

    press(&mut app, &["Esc", "Down", "Down", "Enter"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Payment ch_Imported  Succeeded"), "{s}");
    assert!(s.contains("Applied to: no invoice yet") && s.contains("Refunds (1) · Σ $300.00"), "{s}");
    // Seeded as a source brings it: dated a few days after the money came.
    let refund = line_with(&s, "imported: dated by its export");
    assert!(refund.contains("2025-11-05") && refund.contains("$300.00"), "{refund}");
    assert!(line_with(&s, "Unapplied").contains("$600.00"), "{s}");
}
}

on_both! {
/// `x` on the detail asks as `x` on the tab does; yes cancels it, the
/// detail shows it cancelled with the cancel in its history, and the tab
/// below shows it too.
fn x_cancels_the_invoice_shown_through_the_tabs_confirmation(b: &mut Books) {
    seed(b, fill);
    let mut app = app_on(b, 120, 40);
    // INV-000003: open, nothing applied; the third row.
    press(&mut app, &["Enter", "Down", "Down", "Enter", "x"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Cancel 1 invoice totalling $10,000.00?") && s.contains("INV-000003"), "{s}");
    press(&mut app, &["y"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Invoice INV-000003  Cancelled"), "{s}");
    assert!(s.contains("Cancelled 1 invoice"), "the message on the detail:\n{s}");
    assert!(line_with(&s, "History (1)").contains("newest first"), "{s}");
    assert!(s.contains("cancelled invoice INV-000003"), "{s}");
    assert!(line_with(&s, "Balance").contains("$0.00"), "{s}");
    press(&mut app, &["Esc"]);
    let s = render(&app, 120, 40);
    assert!(line_with(&s, "INV-000003").contains("Cancelled"), "{s}");
    assert_eq!(invoice(&app, "INV-000003").status, ardesk::domain::status::InvoiceStatus::Cancelled);

    // A paid invoice is refused with the tab's reason; nothing changes
    // (the same books: INV-000001 is still the last row, paid).
    let mut app = app_on(b, 120, 40);
    press(&mut app, &["Enter", "End", "Enter", "x"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Nothing to cancel") && s.contains("INV-000001: not cancelled, paid"), "{s}");
}
}

on_both! {
/// Scrolled down a long tab, the detail and back: the tab as it was, the
/// same rows shown and the same one under the cursor (the demo's first
/// customer, 41 invoices, at 80×24).
fn back_from_a_detail_keeps_the_tabs_scroll(b: &mut Books) {
    demo_into(b);
    for tab in ["1", "3"] {
        let mut app = app_on(b, 80, 24);
        app.open_customer(1);
        press(&mut app, &[tab, "PageDown", "PageDown", "Up", "Up"]);
        let before = render(&app, 80, 24);
        let first = ["Invoices 1–", "Payments 1–"];
        assert!(!first.iter().any(|f| before.contains(f)), "scrolled past the first rows:\n{before}");
        press(&mut app, &["Enter"]);
        assert!(matches!(app.screen(), ardesk::app::Screen::Detail(_)), "tab {tab}: a detail is open");
        press(&mut app, &["Esc"]);
        assert_eq!(render(&app, 80, 24), before, "tab {tab}");
    }
}
}

on_both! {
/// Credit applied to an invoice is listed beside the payments and counted
/// apart from what was paid; Enter on it says what it is (credit has no
/// detail of its own yet).
fn credit_applied_shows_apart_from_payments(b: &mut Books) {
    seed(b, |store| {
        fill(store);
        let s = store.seeder().unwrap();
        let credit = s.credit(1, d("2026-02-10"), 150_000, Currency::USD, "goodwill: late delivery").unwrap();
        s.apply(2, AppliedFrom::Credit(credit), 150_000, d("2026-02-10")).unwrap();
        s.commit().unwrap();
    });
    let mut app = app_on(b, 80, 24);
    press(&mut app, &TO_INV2);
    press(&mut app, &["Enter"]);
    let s = render(&app, 80, 24);
    assert!(line_with(&s, "Paid").contains("$4,000.00"), "{s}");
    assert!(line_with(&s, "Credited").contains("$1,500.00"), "{s}");
    assert!(line_with(&s, "Balance").contains("$4,500.00"), "{s}");
    assert!(s.contains("Applications (2) · Σ $5,500.00"), "{s}");
    let row = line_with(&s, "goodwill");
    assert!(row.contains("2026-02-10") && row.contains("Credit") && row.contains("$1,500.00"), "{row}");
    press(&mut app, &["Down", "Enter"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("Invoice INV-000002"), "still on the invoice:\n{s}");
    // Credit has no detail of its own: its Payments row, whole.
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Credit · 2026-02-10") && flat.contains("goodwill: late delivery"), "{s}");
    assert!(flat.contains("Granted") && flat.contains("$1,500.00"), "{s}");
}
}

on_both! {
/// `?` on a detail lists its keys and how its amounts are computed.
fn help_on_a_detail_names_its_keys_and_amounts(b: &mut Books) {
    seed(b, fill);
    let mut app = app_on(b, 120, 40);
    press(&mut app, &TO_INV2);
    press(&mut app, &["Enter", "?"]);
    let s = render(&app, 120, 40);
    for want in [
        "void the credit note or adjustment",
        "cancel this invoice",
        "How the amounts are computed",
        "Balance: total − paid",
    ] {
        assert!(s.contains(want), "{want}:\n{s}");
    }
    assert!(!s.contains("Filter (/)"), "a detail has no filter:\n{s}");
    press(&mut app, &["Esc", "Enter", "?"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Unapplied: amount − refunded − applied") && s.contains("refund"), "{s}");
}
}

on_both! {
/// `r` on a payment's detail opens the refund form the tab's `r` opens.
fn r_refunds_the_payment_shown(b: &mut Books) {
    seed(b, fill);
    let mut app = app_on(b, 120, 40);
    press(&mut app, &["Enter", "3", "Enter", "r"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Refund WIRE-7781 ($14,000.00)"), "{s}");
    press(&mut app, &["Esc"]);
    assert!(render(&app, 120, 40).contains("Payment WIRE-7781  Succeeded"));
}
}

on_both! {
/// Text from data reaches the terminal inert: a reference with an escape
/// sequence shows its ESC as ␛, on the payment and on the invoice it paid.
fn references_are_shown_inert(b: &mut Books) {
    seed(b, |store| {
        fill(store);
        let s = store.seeder().unwrap();
        let p = s
            .payment(&NewPayment {
                customer_id: 1,
                received_on: d("2026-02-21"),
                amount_minor: 1_000,
                refunded_minor: 0,
                currency: Currency::USD,
                reference: "\x1b]52;c;aGk=\x07REF",
                status: PaymentStatus::Succeeded,
                method: PaymentMethod::Manual,
            })
            .unwrap();
        s.apply(3, AppliedFrom::Payment(p), 1_000, d("2026-02-21")).unwrap();
        s.commit().unwrap();
    });
    let mut app = app_on(b, 120, 40);
    press(&mut app, &["Enter", "Down", "Down", "Enter"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("␛]52;c;aGk=␇REF") && !s.contains('\x1b'), "{s}");
    press(&mut app, &["Enter"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Payment ␛]52;c;aGk=␇REF") && !s.contains('\x1b'), "{s}");
}
}

/// Each time of day the clock stamped ("2026-12-05 22:08") as a fixed
/// text of the same width.
fn scrub_clock(screen: &str) -> String {
    let mut out = String::new();
    for line in screen.lines() {
        let mut l = line.to_string();
        while let Some(i) = (0..l.len()).find(|&i| l.is_char_boundary(i) && is_stamp(&l[i..])) {
            l.replace_range(i..i + 16, "YYYY-MM-DD hh:mm");
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn is_stamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 16
        && "dddd-dd-dd dd:dd".bytes().zip(b).all(|(p, c)| if p == b'd' { c.is_ascii_digit() } else { p == *c })
}

/// One snapshot file for both backends: the same screen, cell for cell.
fn snapshot(name: &str, screen: String) {
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(format!("detail__{name}"), screen);
    });
}

on_both! {
/// Both views at the two sizes every screen is drawn at.
fn snapshots(b: &mut Books) {
    seed(b, fill);
    for (w, h) in [(80, 24), (200, 60)] {
        let mut app = app_on(b, w, h);
        press(&mut app, &TO_INV2);
        press(&mut app, &["Enter"]);
        snapshot(&format!("invoice_detail_{w}x{h}"), render(&app, w, h));
        press(&mut app, &["Enter"]);
        snapshot(&format!("payment_detail_{w}x{h}"), render(&app, w, h));
    }
}
}

on_both! {
/// With more in them: a payment with refunds.
fn snapshot_of_a_payment_with_refunds(b: &mut Books) {
    with_refunds(b);
    let mut app = app_on(b, 80, 24);
    press(&mut app, &["Enter", "3", "Enter"]);
    snapshot("payment_detail_refunded_80x24", render(&app, 80, 24));
}
}

on_both! {
/// With more in them: an invoice with history, cancelled by jane.
fn snapshot_of_an_invoice_with_history(b: &mut Books) {
    seed(b, fill);
    let mut mine = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    mine.set_who("jane");
    let mut app = App::new(mine, d(TODAY), Rect::new(0, 0, 80, 24)).unwrap();
    press(&mut app, &["Enter", "Down", "Down", "Enter", "x", "y"]);
    snapshot("invoice_detail_history_80x24", scrub_clock(&render(&app, 80, 24)));
}
}

on_both! {
/// Down to tiny sizes and back, with the detail open: no panic, and the
/// cursor stays on a row.
fn tiny_screens_do_not_break_a_detail(b: &mut Books) {
    seed(b, fill);
    let mut app = app_on(b, 80, 24);
    press(&mut app, &TO_INV2);
    press(&mut app, &["Enter", "Enter"]);
    for (w, h) in [(0, 0), (1, 1), (20, 5), (40, 10), (59, 12), (80, 24)] {
        app.resize(Rect::new(0, 0, w, h));
        press(&mut app, &["Down", "End", "PageUp"]);
        render(&app, w.max(1), h.max(1));
    }
    assert!(render(&app, 80, 24).contains("Payment WIRE-7781"));
}
}
