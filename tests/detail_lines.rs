//! Issue 15 §2: an invoice's detail shows its memo and its lines
//! (description, quantity, unit price, amount, and tax when any line has
//! one) between its figures and its applications; at narrow widths the
//! columns go by priority and description and amount stay; when imported
//! lines do not add up to the source's total, a line says by how much.
//! Every text from data reaches the terminal inert.

mod support;

use ardesk::app::App;
use ardesk::domain::Currency;
use ardesk::domain::edit::InvoiceDraft;
use ardesk::domain::lines::{Line, LineKind};
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::seed::NewInvoice;
use ardesk::store::{Books, OpenMode, Store};
use ratatui::layout::Rect;
use rust_decimal::Decimal;
use std::str::FromStr;
use support::backends::seed;
use support::fixture::{d, fill};
use support::keys::{press, render};

fn line(kind: LineKind, desc: &str, qty: Option<&str>, price: Option<&str>, amount: i64, tax: Option<i64>) -> Line {
    let dec = |s: &str| Decimal::from_str(s).unwrap();
    Line {
        kind,
        description: desc.into(),
        quantity: qty.map(dec),
        unit_price: price.map(dec),
        amount_minor: amount,
        tax_minor: tax,
    }
}

/// The fixture with INV-000010 (entered: seats, a support plan, a
/// discount, a memo, one hostile description) and QB-1037 (as imported:
/// its lines $26.82 short of its total, the tax being the invoice's), the
/// newest two invoices, in `b`: the fixture and QB-1037 seeded (with
/// what `more` adds), INV-000010 written by the books themselves, as jane.
fn store_with(b: &mut Books, more: impl FnOnce(&mut Store)) {
    seed(b, |store| {
        fill(store);
        let s = store.seeder().unwrap();
        let id = s
            .invoice(&NewInvoice {
                customer_id: 1,
                contract_id: None,
                number: "QB-1037",
                issue_date: d("2026-02-26"),
                due_date: d("2026-03-28"),
                period: None,
                currency: Currency::USD,
                total_minor: 36_207,
                status: InvoiceStatus::Open,
            })
            .unwrap();
        s.invoice_lines(
            id,
            &[
                line(LineKind::Item, "Rock Fountain", Some("1"), Some("275"), 27_500, None),
                line(LineKind::Item, "Fountain Pump", Some("1"), Some("12.75"), 1_275, None),
                line(LineKind::Item, "Concrete for fountain installation", Some("5"), Some("9.5"), 4_750, None),
            ],
        )
        .unwrap();
        s.commit().unwrap();
        more(store);
    });
    let who = b.who().to_string();
    b.set_who("jane");
    let lines = vec![
        line(LineKind::Item, "Seats (Team plan), March", Some("10"), Some("45"), 45_000, None),
        line(LineKind::Item, "Support plan — business hours", Some("1"), Some("120.00"), 12_000, None),
        line(LineKind::Item, "\u{1b}]52;c;aGk=\u{7}Setup \u{202e}fee", None, None, 500, None),
        line(LineKind::Discount, "Loyalty discount", None, None, -2_500, None),
    ];
    b.create_invoice(
        1,
        &InvoiceDraft {
            contract_id: None,
            number: "INV-000010".into(),
            issue_date: d("2026-02-25"),
            due_date: d("2026-03-27"),
            period: None,
            total_minor: 55_000,
            currency: Currency::USD,
            status: InvoiceStatus::Open,
            memo: "PO 4471 \u{1b}[2J\nShip to dock 3".into(),
            lines,
        },
    )
    .unwrap();
    b.set_who(&who);
}

fn store(b: &mut Books) {
    store_with(b, |_| {});
}

/// The app on its own connection to `b`'s books (as jane).
fn app_on(b: &Books, w: u16, h: u16) -> App {
    let mut mine = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    mine.set_who("jane");
    App::new(mine, d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap()
}

fn open(b: &Books, w: u16, h: u16, keys: &[&str]) -> String {
    let mut app = app_on(b, w, h);
    press(&mut app, keys);
    render(&app, w, h)
}

const TO_QB: [&str; 2] = ["Enter", "Enter"];
const TO_INV10: [&str; 3] = ["Enter", "Down", "Enter"];

fn line_with<'a>(screen: &'a str, text: &str) -> &'a str {
    screen.lines().find(|l| l.contains(text)).unwrap_or_else(|| panic!("no line with {text:?}:\n{screen}"))
}

on_both! {
fn the_lines_and_memo_stand_between_the_figures_and_the_applications(b: &mut Books) {
    store(b);
    for (w, h) in [(80, 24), (120, 40)] {
        let s = open(b, w, h, &TO_INV10);
        assert!(s.contains("Invoice INV-000010"), "{w}×{h}:\n{s}");
        let memo = line_with(&s, "Memo");
        assert!(memo.contains("PO 4471 ␛[2J · Ship to dock 3"), "{memo}");
        assert!(s.contains("Lines (4) · Σ $550.00"), "{s}");
        let header = line_with(&s, "Description");
        for col in ["Qty", "Unit price", "Amount"] {
            assert!(header.contains(col), "{col} in {header:?}");
        }
        assert!(!header.contains("Tax"), "no line has a tax: {header}");
        let seats = line_with(&s, "Seats (Team plan)");
        for part in ["10", "45.00", "$450.00"] {
            assert!(seats.contains(part), "{part} in {seats:?}");
        }
        assert!(line_with(&s, "Support plan").contains("$120.00"), "{s}");
        let order = ["Total", "Memo", "Lines (4)", "Description", "Applications"];
        let at: Vec<usize> = order.iter().map(|t| s.find(t).unwrap()).collect();
        assert!(at.windows(2).all(|p| p[0] < p[1]), "{order:?} in that order:\n{s}");
        assert!(!s.contains("Lines add up"), "entered lines make the total:\n{s}");
        assert!(!s.contains('\u{1b}') && !s.contains('\u{202e}'), "{s}");
    }
    // 120×40: all four rows, the hostile one inert.
    let s = open(b, 120, 40, &TO_INV10);
    assert!(line_with(&s, "Loyalty discount").contains("-$25.00"), "{s}");
    assert!(line_with(&s, "Setup").contains("␛]52;c;aGk=␇Setup �fee"), "{s}");
    // 80×24: as many as fit, and the title says so.
    let s = open(b, 80, 24, &TO_INV10);
    assert!(s.contains("Lines (4) · Σ $550.00 · first "), "{s}");
}
}

on_both! {
fn lines_that_do_not_make_the_total_say_by_how_much(b: &mut Books) {
    store(b);
    for (w, h) in [(80, 24), (120, 40), (44, 24)] {
        let s = open(b, w, h, &TO_QB);
        assert!(s.contains("Invoice QB-1037"), "{w}×{h}:\n{s}");
        assert!(
            s.contains("Lines add up to $335.25, $26.82 less than the total (as the source gave it)")
                || w < 80 && s.contains("Lines add up to $335.25, $26.82 less"),
            "{w}×{h}:\n{s}"
        );
        assert!(line_with(&s, "Total").contains("$362.07"), "the total stays the source's:\n{s}");
    }
}
}

on_both! {
fn narrow_screens_drop_columns_by_priority_keeping_description_and_amount(b: &mut Books) {
    store(b);
    let s = open(b, 44, 24, &TO_QB);
    let header = line_with(&s, "Description");
    assert!(header.contains("Amount") && !header.contains("Unit price"), "{header}");
    assert!(line_with(&s, "Rock Fountain").contains("$275.00"), "{s}");
    for (w, h) in [(0, 0), (1, 1), (20, 5), (30, 8), (59, 12)] {
        open(b, w.max(1), h.max(1), &TO_INV10);
    }
}
}

on_both! {
fn a_tax_column_shows_where_a_line_has_tax(b: &mut Books) {
    store_with(b, |store| {
        let s = store.seeder().unwrap();
        let id = s
            .invoice(&NewInvoice {
                customer_id: 1,
                contract_id: None,
                number: "in_TAX",
                issue_date: d("2026-02-27"),
                due_date: d("2026-03-29"),
                period: None,
                currency: Currency::USD,
                total_minor: 1_080,
                status: InvoiceStatus::Open,
            })
            .unwrap();
        s.invoice_lines(id, &[line(LineKind::Item, "Widget", Some("2"), Some("5"), 1_000, Some(80))]).unwrap();
        s.commit().unwrap();
    });
    let mut app = app_on(b, 80, 24);
    press(&mut app, &["Enter", "Enter"]);
    let screen = render(&app, 80, 24);
    assert!(line_with(&screen, "Description").contains("Tax"), "{screen}");
    assert!(line_with(&screen, "Widget").contains("$0.80"), "{screen}");
    assert!(!screen.contains("Lines add up"), "amount and tax make the total:\n{screen}");
}
}

/// The history's times as a fixed text of the same width.
fn scrub_clock(screen: &str) -> String {
    screen
        .lines()
        .map(|l| match l.find("2026-").or_else(|| l.find("2027-")) {
            Some(i) if l.starts_with("  20") && l.len() >= i + 16 => {
                format!("{}YYYY-MM-DD hh:mm{}", &l[..i], &l[i + 16..])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

on_both! {
fn snapshots(b: &mut Books) {
    store(b);
    // One snapshot file for both backends: the same screen, cell for cell.
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        for (w, h) in [(80, 24), (120, 40)] {
            let lines = scrub_clock(&open(b, w, h, &TO_INV10));
            insta::assert_snapshot!(format!("detail_lines__invoice_lines_{w}x{h}"), lines);
            insta::assert_snapshot!(format!("detail_lines__invoice_lines_mismatch_{w}x{h}"), open(b, w, h, &TO_QB));
        }
    });
}
}

on_both! {
/// `L` on the detail: the memo and every line whole at 80×24, where the
/// detail had room for the first few; the hostile description inert; the
/// footer names the key; Esc back to the detail.
fn l_shows_the_memo_and_every_line_whole(b: &mut Books) {
    store(b);
    let mut app = app_on(b, 80, 24);
    press(&mut app, &TO_INV10);
    assert!(render(&app, 80, 24).contains("first 3 shown (L all)"), "the detail shows the first lines and the key");
    press(&mut app, &["L"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("Invoice INV-000010 · 4 lines"), "{s}");
    assert!(s.contains("PO 4471 ␛[2J") && s.contains("Ship to dock 3"), "the memo, each of its lines:\n{s}");
    for part in [
        "Seats (Team plan), March",
        "Support plan",
        "Setup",
        "Loyalty discount",
        "-$25.00",
        "Σ lines $550.00 · total $550.00",
    ] {
        assert!(s.contains(part), "{part}:\n{s}");
    }
    assert!(!s.contains('\u{1b}') && !s.contains('\u{202e}'), "{s}");
    press(&mut app, &["Esc"]);
    assert!(render(&app, 80, 24).contains("Lines (4)"), "back on the detail");
    // An imported invoice whose lines do not make its total says so there too.
    let mut app = app_on(b, 120, 40);
    press(&mut app, &TO_QB);
    press(&mut app, &["L"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Lines add up to $335.25, $26.82 less than the total"), "{s}");
}
}
