//! The filter language against real rows: every invoice field, other tabs'
//! fields, and the export that must match what the screen showed.

mod support;

use ardesk::app::App;
use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::filter::parse;
use ardesk::domain::model::*;
use ardesk::store::Store;
use ardesk::store::window::{TabRow, View};
use ratatui::layout::Rect;
use support::fixture::{d, fixture};
use support::keys::{press, render};

fn rows<R: TabRow>(store: &Store, tab: Tab, filter: &str) -> Vec<R> {
    let view = View {
        sort: Sort::default_for(tab),
        filter: parse(filter, tab, Currency::USD).unwrap(),
        today: d("2026-03-01"),
    };
    store.window_view::<R>(1, &view, &Seek::First, 1000).unwrap().into_iter().map(|k| k.row).collect()
}

fn numbers(store: &Store, filter: &str) -> Vec<String> {
    let mut v: Vec<String> = rows::<InvoiceRow>(store, Tab::Invoices, filter).into_iter().map(|r| r.number).collect();
    v.sort();
    v
}

#[test]
fn every_invoice_field_filters() {
    let s = fixture();
    // INV-1 paid (Dec), INV-2 open part-paid and overdue (Jan), INV-3 open (Feb 1),
    // INV-4 cancelled (Feb 15, $2,500), INV-5 draft (Feb 20, $5,000).
    assert_eq!(numbers(&s, "number:0003"), ["INV-000003"]);
    assert_eq!(numbers(&s, "number=inv-000004"), ["INV-000004"]);
    assert_eq!(numbers(&s, "total<5000"), ["INV-000004"]);
    assert_eq!(numbers(&s, "total>=5,000.00 total<10000"), ["INV-000005"]);
    assert_eq!(numbers(&s, "date:2026-02"), ["INV-000003", "INV-000004", "INV-000005"]);
    assert_eq!(numbers(&s, "issued<2026"), ["INV-000001"]);
    assert_eq!(numbers(&s, "due<2026-02-01"), ["INV-000001", "INV-000002"]);
    assert_eq!(numbers(&s, "status:overdue"), ["INV-000002"]);
    assert_eq!(numbers(&s, "status:partial"), ["INV-000002"]);
    assert_eq!(numbers(&s, "status:open"), ["INV-000002", "INV-000003"]);
    assert_eq!(numbers(&s, "status:paid,cancelled"), ["INV-000001", "INV-000004"]);
    assert_eq!(numbers(&s, "status:draft"), ["INV-000005"]);
    assert_eq!(numbers(&s, "status:uncollectible"), Vec::<String>::new());
    assert_eq!(numbers(&s, "contract:\"annual plat\"").len(), 5);
    assert!(numbers(&s, "contract:nothing").is_empty());
    assert_eq!(numbers(&s, "period:2026-Q1"), ["INV-000002", "INV-000003", "INV-000004", "INV-000005"]);
    assert_eq!(numbers(&s, "000001"), ["INV-000001"], "a bare word matches the number");
    assert_eq!(numbers(&s, "platform status:draft"), ["INV-000005"], "terms combine with AND");
}

#[test]
fn other_tabs_filter_by_their_columns() {
    let s = fixture();
    assert_eq!(rows::<PaymentRow>(&s, Tab::Payments, "ref:7781 amount>10000").len(), 1);
    assert!(rows::<PaymentRow>(&s, Tab::Payments, "status:failed").is_empty());
    let c: Vec<String> = rows::<ContactRow>(&s, Tab::Contacts, "role:controller").into_iter().map(|c| c.name).collect();
    assert_eq!(c, ["Sam Lee"]);
    assert_eq!(rows::<ContactRow>(&s, Tab::Contacts, "acme.example").len(), 2);
    assert_eq!(rows::<ContractRow>(&s, Tab::Contracts, "status:active value>100000").len(), 1);
    assert!(rows::<ContractRow>(&s, Tab::Contracts, "terms<30").is_empty());
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
    assert!(s.contains("Invoices 1–2 of 2 · Σ $20,000.00 · filter: status:open"), "{s}");
    filter(&mut app, "total>12,34");
    let s = render(&app, 120, 40);
    assert!(s.contains("commas must group thousands"), "the bar explains: {s}");
    press(&mut app, &["Esc"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("of 2 · Σ $20,000.00 · filter: status:open"), "last good filter kept: {s}");
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
    // Clearing the filter brings every row back with the summaries' total.
    filter(&mut app, "");
    assert!(render(&app, 120, 40).contains("Invoices 1–5 of 5 · Σ $37,500.00"));
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
    // The count comes from the worker thread; wait for it.
    for _ in 0..200 {
        app.tick();
        if render(&app, 120, 40).contains("Σ $27,500.00") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let s = render(&app, 120, 40);
    assert!(s.contains("Invoices 1–4 of 4 · Σ $27,500.00"), "{s}");
    let out = dir.path().join("out.csv");
    press(&mut app, &["E", "C-u", &format!("type:{}", out.display()), "Enter"]);
    assert!(render(&app, 120, 40).contains("Exported 4 rows to"), "{}", render(&app, 120, 40));
    let mut csv = csv::Reader::from_path(&out).unwrap();
    let totals: Vec<String> = csv.records().map(|r| r.unwrap()[1].to_string()).collect();
    assert_eq!(totals.len(), 4);
    let sum: rust_decimal::Decimal = totals.iter().map(|t| t.parse::<rust_decimal::Decimal>().unwrap()).sum();
    assert_eq!(sum.to_string(), "27500.00");
    // Exporting again asks before replacing the file.
    press(&mut app, &["E", "C-u", &format!("type:{}", out.display()), "Enter"]);
    assert!(render(&app, 120, 40).contains("Replace the existing file?"));
}
