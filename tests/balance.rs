//! Issue 15 §1, "Balance due everywhere": the Invoices tab's Balance column
//! (what each invoice still owes, sorted and filtered on the stored value),
//! the status line's sums at 80×24 (cancelled invoices left out, payments
//! net of refunds and without failed ones), and `balance` and
//! `display_status` in the exports.
//!
//! Before this, the demo Acme's `status:overdue` read "Σ $1,050.00" while
//! $810.00 of it was overdue, and a CSV said `open` for an overdue invoice.

mod support;

use ardesk::app::App;
use ardesk::domain::Money;
use ardesk::domain::columns::{Col, Tab};
use ardesk::domain::model::InvoiceRow;
use ardesk::store::location::Location;
use ardesk::store::{Books, OpenMode};
use ratatui::layout::Rect;
use std::path::Path;
use support::backends::{db_arg, seed};
use support::fixture::{d, fill};
use support::keys::{press, render};

const W: u16 = 80;
const H: u16 = 24;

/// The day issue 15 was filed, when the demo Acme's overdue invoices read
/// Σ $1,050.00 against $810.00 overdue.
const FILED: &str = "2026-12-05";

/// The fixture (Acme, opened) at 80×24 on 2026-03-01: INV-000001 $10,000
/// paid, INV-000002 $10,000 with $4,000 paid and overdue, INV-000003
/// $10,000 open, INV-000004 $2,500 cancelled, INV-000005 $5,000 draft.
fn fixture_app(b: &mut Books) -> App {
    seed(b, fill);
    let mine = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    let mut app = App::new(mine, d("2026-03-01"), Rect::new(0, 0, W, H)).unwrap();
    press(&mut app, &["Enter"]);
    app
}

/// A demo made by the binary as of `day`, on `b`'s backend: into a fresh
/// database of the test cluster (kept while the first value lives), or a
/// file in `dir`.
fn demo(b: &Books, dir: &Path, day: &str) -> (Option<support::pg::TestDb>, Location) {
    let (held, target) = match b.location() {
        Location::Postgres(_) => {
            let db = support::pg::fresh().expect("the test cluster");
            let url = db.url.clone();
            (Some(db), url)
        }
        Location::File(_) => (None, dir.join("demo.db").display().to_string()),
    };
    let (code, _, err) = support::run(&["demo", "--db", &target, "--today", day]);
    assert_eq!(code, 0, "ardesk demo: {err}");
    (held, Location::parse(Path::new(&target)))
}

fn demo_app(at: &Location, day: &str, customer: i64) -> App {
    let store = Books::open(at, OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d(day), Rect::new(0, 0, W, H)).unwrap();
    app.open_customer(customer);
    app
}

fn filter(app: &mut App, text: &str) {
    press(app, &["/", "C-u", &format!("type:{text}"), "Enter"]);
}

/// The status line: the screen's line above the footer.
fn status(app: &App) -> String {
    let s = render(app, W, H);
    s.lines().nth(usize::from(H) - 2).unwrap_or_default().to_string()
}

fn page(app: &App) -> &ardesk::app::customer::CustomerPage {
    app.page().expect("a customer page is open")
}

/// The invoices the tab has read, in its order.
fn rows(app: &App) -> Vec<InvoiceRow> {
    let t = page(app).rows::<InvoiceRow>().expect("the Invoices tab");
    t.visible().map(|(_, k)| k.row.clone()).collect()
}

/// The Σ balance the status line shows (in the customer's currency).
fn shown_balance(app: &App) -> Money {
    let (_, exact, sums) = page(app).view_state();
    assert!(exact, "counted");
    sums.and_then(|s| s.balance).expect("the Invoices tab sums balances")[0]
}

fn numbers(app: &App) -> Vec<String> {
    rows(app).into_iter().map(|r| r.number).collect()
}

on_both! {
fn the_home_view_shows_what_each_invoice_owes(b: &mut Books) {
    let app = fixture_app(b);
    let s = render(&app, W, H);
    let header = s.lines().find(|l| l.contains("Number")).unwrap();
    // Date is the default order: its column stays, with its arrow, and Due
    // gives way to it (→ brings it).
    for title in ["Number", "Total", "Balance", "Date ↓", "Status"] {
        assert!(header.contains(title), "{title} at 80×24:\n{s}");
    }
    let line = |n: &str| s.lines().find(|l| l.contains(n)).unwrap().to_string();
    // Total, then what is still owed: partly paid, open, and nothing for
    // paid, cancelled and draft.
    assert!(line("INV-000002").contains("$10,000.00     $6,000.00"), "{s}");
    assert!(line("INV-000003").contains("$10,000.00    $10,000.00"), "{s}");
    for n in ["INV-000001", "INV-000004", "INV-000005"] {
        assert!(line(n).contains(" $0.00 "), "{n} owes nothing:\n{s}");
    }
    // Σ total without the cancelled $2,500 ($37,500 before), Σ balance.
    assert_eq!(status(&app), " Invoices 1–5 of 5 · Σ $35,000.00 · balance $16,000.00");
}
}

on_both! {
fn balance_sorts_on_its_column_and_filters(b: &mut Books) {
    let mut app = fixture_app(b);
    // The tab opens sorted by Date; Balance is the column before it.
    press(&mut app, &["<"]);
    let sort = page(&app).state(Tab::Invoices).sort;
    assert_eq!(sort.col, Col::InvBalance);
    let s = render(&app, W, H);
    let arrow = if sort.desc { "Balance ↓" } else { "Balance ↑" };
    assert!(s.contains(arrow), "{s}");
    let owed: Vec<i64> = rows(&app).iter().map(|r| r.balance_minor).collect();
    let mut sorted = owed.clone();
    sorted.sort();
    if sort.desc {
        sorted.reverse();
    }
    assert_eq!(owed, sorted);
    if !sort.desc {
        press(&mut app, &["S"]);
    }
    assert_eq!(numbers(&app)[..2], ["INV-000003", "INV-000002"], "largest balance first");

    filter(&mut app, "balance>0");
    assert_eq!(numbers(&app), ["INV-000003", "INV-000002"]);
    assert_eq!(status(&app), " Invoices 1–2 of 2 · Σ $20,000.00 · balance $16,000.00 · filter: balance>0");
    filter(&mut app, "balance>=10000");
    assert_eq!(numbers(&app), ["INV-000003"]);
    filter(&mut app, "balance>6000");
    assert_eq!(numbers(&app), ["INV-000003"]);
    filter(&mut app, "balance=6000");
    assert_eq!(numbers(&app), ["INV-000002"]);
    // What owes nothing: paid, cancelled and draft; the cancelled one is a
    // row but not in Σ.
    filter(&mut app, "balance<=0");
    assert_eq!(numbers(&app).len(), 3);
    assert!(status(&app).contains("Σ $15,000.00 · balance $0.00"), "{}", status(&app));
    filter(&mut app, "balance>1,5");
    assert!(render(&app, W, H).contains("commas must group thousands"), "money as the Total column reads it");
}
}

on_both! {
/// The demo Acme on the day the issue was filed: `status:overdue` sums
/// $1,050.00 of totals of which $810.00 is overdue — the Outstanding card's
/// overdue line — and `status:open` sums to Outstanding.
fn the_demo_acmes_overdue_invoices_sum_to_what_is_overdue(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let (_held, db) = demo(b, dir.path(), FILED);
    let mut app = demo_app(&db, FILED, 1);
    let m = page(&app).figures.metrics.clone();
    assert_eq!(m.overdue.display(), "$810.00");
    filter(&mut app, "status:overdue");
    assert_eq!(status(&app), " Invoices 1–3 of 3 · Σ $1,050.00 · balance $810.00 · filter: status:overdue");
    let shown = rows(&app);
    let total: i64 = shown.iter().map(|r| r.total.minor).sum();
    let owed: i64 = shown.iter().map(|r| r.balance_minor).sum();
    assert_eq!((total, owed), (105_000, m.overdue.minor), "the rows add up to the line");
    filter(&mut app, "status:open");
    let line = status(&app);
    assert!(line.contains(&format!("balance {}", m.outstanding.display())), "{line}\nOutstanding {:?}", m.outstanding);
    // Every balance the demo holds is what its rows say.
    let store = Books::open(&db, OpenMode::MustExist).unwrap();
    assert_eq!(store.check(d(FILED)).unwrap(), Vec::<String>::new());
}
}

on_both! {
/// An uncollectible invoice shows what was written off; `balance>0` finds
/// it, `status:open` leaves it out (it is not Outstanding).
fn a_written_off_invoice_shows_its_remainder(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let day = support::TODAY;
    let (_held, db) = demo(b, dir.path(), day);
    // Cedar & Pine (demo customer 6) has one uncollectible invoice.
    let mut app = demo_app(&db, day, 6);
    filter(&mut app, "status:uncollectible");
    let written_off = rows(&app);
    assert!(!written_off.is_empty());
    for w in &written_off {
        assert!(w.balance_minor > 0 && w.balance_minor == w.total.minor - w.applied_minor, "{w:?}");
    }
    let off: i64 = written_off.iter().map(|w| w.balance_minor).sum();
    filter(&mut app, "balance>0");
    let owing = numbers(&app);
    assert!(written_off.iter().all(|w| owing.contains(&w.number)), "{owing:?}");
    let with = shown_balance(&app);
    filter(&mut app, "status:open balance>0");
    let open = numbers(&app);
    assert!(written_off.iter().all(|w| !open.contains(&w.number)), "{open:?}");
    let outstanding = page(&app).figures.metrics.outstanding;
    assert_eq!(shown_balance(&app), outstanding, "{}", status(&app));
    assert_eq!(with, Money::new(outstanding.minor + off, outstanding.currency), "written off beside Outstanding");
}
}

on_both! {
/// Payments sum what was kept: succeeded payments with refunds subtracted,
/// failed and pending ones left out — Total Collected, unfiltered.
fn the_payments_tab_sums_what_was_kept(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let (_held, db) = demo(b, dir.path(), support::TODAY);
    let mut app = demo_app(&db, support::TODAY, 1);
    press(&mut app, &["3"]);
    let collected = page(&app).figures.metrics.total_collected;
    let line = status(&app);
    assert!(line.contains(&format!("Σ {}", collected.display())), "{line} against Total Collected {collected:?}");
    assert!(!line.contains("balance"), "{line}");
    // The same filtered, through the worker's count: every payment.
    filter(&mut app, "amount>=0");
    assert!(status(&app).contains(&format!("Σ {}", collected.display())), "{}", status(&app));
    filter(&mut app, "status:failed");
    assert!(status(&app).contains("Σ $0.00"), "{}", status(&app));
}
}

on_both! {
/// At 80 columns a long line gives way in order: "balance" shortens, then,
/// with invoices ticked, the sums go and the selection stays whole.
fn a_long_status_line_keeps_the_selection(b: &mut Books) {
    let mut app = fixture_app(b);
    filter(&mut app, "status:open,draft");
    let line = status(&app);
    assert_eq!(line, " Invoices 1–3 of 3 · Σ $25,000.00 · bal. $16,000.00 · filter: status:open,draft");
    press(&mut app, &["Space"]);
    let line = status(&app);
    assert_eq!(line, " Invoices 1–3 of 3 · filter: status:open,draft · 1 selected, $5,000.00");
}
}

on_both! {
/// `ardesk invoices … --format csv|json` and `E`: `balance` after the
/// currency, `display_status` after the stored `status`, as of `--today`.
fn exports_carry_balance_and_display_status(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    seed(b, fill);
    let db = db_arg(b);
    let invoices = |today: &str, format: &str| {
        let args = ["invoices", "--customer", "1", "--db", &db, "--today", today, "--format", format];
        let (code, out, err) = support::run(&args);
        assert_eq!(code, 0, "{err}");
        out
    };
    let csv = invoices("2026-03-01", "csv");
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        [
            "number",
            "total",
            "currency",
            "balance",
            "issue_date",
            "due_date",
            "status",
            "display_status",
            "open_balance",
            "contract",
            "period_start",
            "period_end",
            "memo",
            // Added at the end (credit is not collection: Total Billed is
            // net of it), so scripts reading by position keep working.
            "credited",
            // The day collections resume, while they are paused (issue 18).
            "paused_until",
        ]
    );
    let by_number: std::collections::BTreeMap<String, (String, String, String)> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), (rec[3].to_string(), rec[6].to_string(), rec[7].to_string()))
        })
        .collect();
    let want = |b: &str, s: &str, ds: &str| (b.to_string(), s.to_string(), ds.to_string());
    assert_eq!(by_number["INV-000001"], want("0.00", "paid", "paid"));
    assert_eq!(by_number["INV-000002"], want("6000.00", "open", "overdue, partial"));
    assert_eq!(by_number["INV-000003"], want("10000.00", "open", "open"));
    assert_eq!(by_number["INV-000004"], want("0.00", "cancelled", "cancelled"));
    assert_eq!(by_number["INV-000005"], want("0.00", "draft", "draft"));
    // A week later INV-000003 is overdue; its stored status is still open.
    let json: serde_json::Value = serde_json::from_str(&invoices("2026-03-08", "json")).unwrap();
    let inv3 = json.as_array().unwrap().iter().find(|r| r["number"] == "INV-000003").unwrap();
    assert_eq!(
        (&inv3["status"], &inv3["display_status"], &inv3["balance"]),
        (&"open".into(), &"overdue".into(), &"10000.00".into())
    );

    // `E` writes the same fields for the rows shown, as of the app's day.
    let store = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d("2026-03-01"), Rect::new(0, 0, W, H)).unwrap();
    press(&mut app, &["Enter"]);
    filter(&mut app, "balance>0");
    let out = dir.path().join("owing.csv");
    press(&mut app, &["E", "C-u", &format!("type:{}", out.display()), "Enter"]);
    let mut r = csv::Reader::from_path(&out).unwrap();
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), headers);
    let got: Vec<(String, String, String)> =
        r.records().map(|x| x.unwrap()).map(|x| (x[0].to_string(), x[3].to_string(), x[7].to_string())).collect();
    let owing = |n: &str, b: &str, ds: &str| (n.to_string(), b.to_string(), ds.to_string());
    assert_eq!(got, [owing("INV-000003", "10000.00", "open"), owing("INV-000002", "6000.00", "overdue, partial")]);
}
}
