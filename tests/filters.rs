//! The filter language against real rows: every invoice field, other tabs'
//! fields, and the export that must match what the screen showed.

mod support;

use ardesk::app::App;
use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::filter::parse;
use ardesk::domain::model::*;
use ardesk::store::books::Rows;
use ardesk::store::window::View;
use ardesk::store::{Books, Store};
use ratatui::layout::Rect;
use support::backends::seed;
use support::fixture::{d, fill, fixture};
use support::keys::{press, render};

fn rows<R: Rows>(store: &Books, tab: Tab, filter: &str) -> Vec<R> {
    let view = View {
        sort: Sort::default_for(tab),
        filter: parse(filter, tab, Currency::USD).unwrap(),
        today: d("2026-03-01"),
    };
    store.window_view::<R>(1, &view, &Seek::First, 1000).unwrap().into_iter().map(|k| k.row).collect()
}

fn numbers(store: &Books, filter: &str) -> Vec<String> {
    let mut v: Vec<String> = rows::<InvoiceRow>(store, Tab::Invoices, filter).into_iter().map(|r| r.number).collect();
    v.sort();
    v
}

on_both! {
fn every_invoice_field_filters(s: &mut Books) {
    seed(s, fill);
    let s = &*s;
    // INV-1 paid (Dec), INV-2 open part-paid and overdue (Jan), INV-3 open (Feb 1),
    // INV-4 cancelled (Feb 15, $2,500), INV-5 draft (Feb 20, $5,000).
    assert_eq!(numbers(s, "number:0003"), ["INV-000003"]);
    assert_eq!(numbers(s, "number=inv-000004"), ["INV-000004"]);
    assert_eq!(numbers(s, "total<5000"), ["INV-000004"]);
    assert_eq!(numbers(s, "total>=5,000.00 total<10000"), ["INV-000005"]);
    assert_eq!(numbers(s, "date:2026-02"), ["INV-000003", "INV-000004", "INV-000005"]);
    assert_eq!(numbers(s, "issued<2026"), ["INV-000001"]);
    assert_eq!(numbers(s, "due<2026-02-01"), ["INV-000001", "INV-000002"]);
    assert_eq!(numbers(s, "status:overdue"), ["INV-000002"]);
    assert_eq!(numbers(s, "status:partial"), ["INV-000002"]);
    assert_eq!(numbers(s, "status:open"), ["INV-000002", "INV-000003"]);
    assert_eq!(numbers(s, "status:paid,cancelled"), ["INV-000001", "INV-000004"]);
    assert_eq!(numbers(s, "status:draft"), ["INV-000005"]);
    assert_eq!(numbers(s, "status:uncollectible"), Vec::<String>::new());
    assert_eq!(
        numbers(s, "contract:\"annual plat\""),
        ["INV-000001", "INV-000002", "INV-000003", "INV-000004", "INV-000005"]
    );
    assert!(numbers(s, "contract:nothing").is_empty());
    assert_eq!(numbers(s, "period:2026-Q1"), ["INV-000002", "INV-000003", "INV-000004", "INV-000005"]);
    assert_eq!(numbers(s, "000001"), ["INV-000001"], "a bare word matches the number");
    assert_eq!(numbers(s, "platform status:draft"), ["INV-000005"], "terms combine with AND");
}
}

on_both! {
/// Amounts and dates parse to their exact values: a bound moves a row in
/// or out of the result at the cent and at the day.
fn amounts_and_dates_filter_at_their_exact_values(s: &mut Books) {
    seed(s, fill);
    let s = &*s;
    // Totals: INV-1..3 $10,000.00, INV-4 $2,500.00, INV-5 $5,000.00.
    assert_eq!(numbers(s, "total>=2500"), ["INV-000001", "INV-000002", "INV-000003", "INV-000004", "INV-000005"]);
    assert_eq!(numbers(s, "total<=2,500.00"), ["INV-000004"]);
    assert_eq!(numbers(s, "total<2500"), Vec::<String>::new());
    assert_eq!(numbers(s, "total>2,499.99 total<2500.01"), ["INV-000004"]);
    assert_eq!(numbers(s, "total=5000"), ["INV-000005"]);
    assert!(numbers(s, "total=5000.01").is_empty());
    assert!(numbers(s, "total>100,000,000,000.00").is_empty(), "the largest amount parses, matches nothing");
    // Due dates: INV-1 2025-12-31, INV-2 2026-01-31, INV-3 2026-03-03,
    // INV-4 2026-03-17, INV-5 2026-03-22.
    assert_eq!(numbers(s, "due<=2026-01-31"), ["INV-000001", "INV-000002"]);
    assert_eq!(numbers(s, "due<2026-01-31"), ["INV-000001"]);
    assert_eq!(numbers(s, "due<=2025-Q4"), ["INV-000001"], "a quarter ends on its last day");
    assert_eq!(numbers(s, "due>2025-Q4 due<2026-Q2"), ["INV-000002", "INV-000003", "INV-000004", "INV-000005"]);
    assert_eq!(numbers(s, "due:2026-03"), ["INV-000003", "INV-000004", "INV-000005"]);
    assert_eq!(numbers(s, "due:2026-03-17"), ["INV-000004"]);
    assert_eq!(numbers(s, "issued>=2026-02-15"), ["INV-000004", "INV-000005"]);
    assert_eq!(
        numbers(s, "issued>=2026-02"),
        ["INV-000003", "INV-000004", "INV-000005"],
        "from the month's first day"
    );
    assert_eq!(numbers(s, "issued<=2026-01"), ["INV-000001", "INV-000002"], "up to the month's last day");
    assert_eq!(numbers(s, "date:2025"), ["INV-000001"]);
    // The one payment is $14,000.00.
    let refs = |f: &str| -> Vec<String> {
        rows::<PaymentRow>(s, Tab::Payments, f).into_iter().map(|p| p.reference).collect()
    };
    assert_eq!(refs("amount=14000"), ["WIRE-7781"]);
    assert!(refs("amount>14000").is_empty());
    assert!(refs("amount<14,000.00").is_empty());
}
}

on_both! {
fn other_tabs_filter_by_their_columns(s: &mut Books) {
    seed(s, fill);
    let s = &*s;
    let refs: Vec<String> =
        rows::<PaymentRow>(s, Tab::Payments, "ref:7781 amount>10000").into_iter().map(|p| p.reference).collect();
    assert_eq!(refs, ["WIRE-7781"]);
    assert!(rows::<PaymentRow>(s, Tab::Payments, "status:failed").is_empty());
    let c: Vec<String> = rows::<ContactRow>(s, Tab::Contacts, "role:controller").into_iter().map(|c| c.name).collect();
    assert_eq!(c, ["Sam Lee"]);
    let mut c: Vec<String> =
        rows::<ContactRow>(s, Tab::Contacts, "acme.example").into_iter().map(|c| c.name).collect();
    c.sort();
    assert_eq!(c, ["Jane Doe", "Sam Lee"]);
    // The contract's value is $120,000.00 and its terms 30 days.
    let k =
        |f: &str| -> Vec<String> { rows::<ContractRow>(s, Tab::Contracts, f).into_iter().map(|k| k.name).collect() };
    assert_eq!(k("status:active value>=120000"), ["Annual platform"]);
    assert!(k("value>120000").is_empty());
    assert_eq!(k("terms=30"), ["Annual platform"]);
    assert!(k("terms<30").is_empty());
    // Issue 14 defect 11: terms as the column shows them; a period term
    // finds the periods that overlap it (the contract runs from 2025 on).
    assert_eq!(k("terms:\"net 30\""), ["Annual platform"]);
    assert_eq!(k("period:2030"), ["Annual platform"], "open-ended: still running in 2030");
    assert!(k("period:2024").is_empty(), "it started in 2025");
    assert_eq!(k("start:2025"), ["Annual platform"]);
    assert!(k("start:2030").is_empty(), "start is a date, not a period");
}
}

on_both! {
/// Issue 14 defect 11: `period:2025-Q3` missed an invoice for Jun–Aug 2025
/// because it matched the period's start only.
fn a_period_term_finds_periods_that_overlap_it(s: &mut Books) {
    seed(s, fill);
    let s = &*s;
    // INV-1's period is 2025-12-01 to 2025-12-28, INV-2's 2026-01-01 to -28.
    assert_eq!(numbers(s, "period:2025-12-15"), ["INV-000001"], "a day inside the period");
    assert_eq!(numbers(s, "period:2025-12"), ["INV-000001"]);
    assert_eq!(numbers(s, "period:2025-12-28"), ["INV-000001"], "its last day");
    assert!(numbers(s, "period:2025-12-29").is_empty(), "the day after");
    assert_eq!(numbers(s, "period<2026"), ["INV-000001"], "comparisons still go by the start");
}
}

/// Presses `/`, types a filter and applies it.
fn filter(app: &mut App, text: &str) {
    press(app, &["/", "C-u", &format!("type:{text}"), "Enter"]);
}

#[test]
fn bad_terms_keep_the_last_good_filter() {
    let mut app = App::new(fixture(), d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    press(&mut app, &["Enter"]);
    filter(&mut app, "status:open");
    let s = render(&app, 120, 40);
    assert!(s.contains("Invoices 1–2 of 2 · Σ $20,000.00 · balance $16,000.00 · filter: status:open"), "{s}");
    filter(&mut app, "total>12,34");
    let s = render(&app, 120, 40);
    assert!(s.contains("commas must group thousands"), "the bar explains: {s}");
    press(&mut app, &["Esc"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("of 2 · Σ $20,000.00 · balance $16,000.00 · filter: status:open"), "last good filter kept: {s}");
    // Filters and sorts survive switching tabs and coming back.
    press(&mut app, &["s", "3", "1"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("filter: status:open") && s.contains("Due ↓"), "{s}");
    // `a` selects what the filter shows, not every invoice.
    press(&mut app, &["a"]);
    assert!(render(&app, 120, 40).contains("2 selected, $20,000.00"));
    press(&mut app, &["a"]);
    // Leaving the customer and coming back keeps the filter and sort.
    press(&mut app, &["q", "Enter"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("filter: status:open") && s.contains("Due ↓"), "kept across leaving the customer: {s}");
    // Clearing the filter brings every row back with the summaries' sums
    // (the cancelled $2,500 left out of Σ).
    filter(&mut app, "");
    assert!(render(&app, 120, 40).contains("Invoices 1–5 of 5 · Σ $35,000.00 · balance $16,000.00"));
}

#[test]
fn exported_csv_has_the_rows_and_sum_the_screen_showed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    {
        let mem = fixture();
        mem.backup_to(&db).unwrap();
    }
    let store = Store::open(&db, ardesk::store::OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    app.start_worker();
    press(&mut app, &["Enter"]);
    filter(&mut app, "date:2026");
    // The count comes from the worker thread: first the rows, then, once
    // the worker has answered, the count and sum. No clock decides the
    // outcome; the deadline only keeps a hung worker from hanging the test.
    assert!(app.counting(), "the filtered count is asked of the worker");
    let s = render(&app, 120, 40);
    assert!(!s.contains("Σ $25,000.00"), "no sum before the worker answers: {s}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while app.counting() {
        assert!(std::time::Instant::now() < deadline, "the worker never answered");
        std::thread::sleep(std::time::Duration::from_millis(5));
        app.tick();
    }
    let s = render(&app, 120, 40);
    // Σ leaves the cancelled INV-000004 ($2,500) out.
    assert!(s.contains("Invoices 1–4 of 4 · Σ $25,000.00 · balance $16,000.00"), "{s}");
    let out = dir.path().join("out.csv");
    press(&mut app, &["E", "C-u", &format!("type:{}", out.display()), "Enter"]);
    assert!(render(&app, 120, 40).contains("Exported 4 rows to"), "{}", render(&app, 120, 40));
    let mut csv = csv::Reader::from_path(&out).unwrap();
    let headers = csv.headers().unwrap().clone();
    let at = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let amount = |r: &csv::StringRecord, h: &str| r[at(h)].parse::<rust_decimal::Decimal>().unwrap();
    let shown = rows.iter().filter(|r| &r[at("status")] != "cancelled");
    let sum: rust_decimal::Decimal = shown.map(|r| amount(r, "total")).sum();
    assert_eq!(sum.to_string(), "25000.00");
    let balance: rust_decimal::Decimal = rows.iter().map(|r| amount(r, "balance")).sum();
    assert_eq!(balance.to_string(), "16000.00");
    // Exporting again asks before replacing the file.
    press(&mut app, &["E", "C-u", &format!("type:{}", out.display()), "Enter"]);
    assert!(render(&app, 120, 40).contains("Replace the existing file?"));
}
