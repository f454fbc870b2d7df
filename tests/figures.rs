//! Every figure opens its rows (`f`, the arrows, `Enter`): the tab and
//! filter it opens are the ones `view::figures` names, shown in the filter
//! bar, and the rows that filter lists add up to the figure in
//! `ardesk customer ID --json`, for every demo customer.

mod support;

use ardesk::app::App;
use ardesk::store::{Books, OpenMode};
use ardesk::view::figures::{Opens, Place, targets};
use ratatui::layout::Rect;
use rust_decimal::Decimal;
use support::keys::{press, render};
use support::{TODAY, demo_db, run};

/// The demo on each backend: SQLite's file (made once for this test
/// binary) and, with a test cluster, the binary's demo in a fresh database
/// of it (kept while its first value lives). Each test runs on both.
fn demos() -> Vec<(Option<support::pg::TestDb>, String)> {
    let mut all = vec![(None, demo_db().to_str().unwrap().to_string())];
    if let Some(db) = support::pg::fresh() {
        let url = db.url.clone();
        let (code, _, err) = run(&["demo", "--db", &url, "--today", TODAY]);
        assert_eq!(code, 0, "ardesk demo on the server: {err}");
        all.push((Some(db), url));
    }
    all
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str().unwrap_or("0").parse().unwrap_or_else(|e| panic!("{v}: {e}"))
}

/// Σ of `field` over the rows `filter` lists with `command`, in `currency`
/// (the cards are in the customer's currency; the rows of others are
/// summed apart on the status line, "$… + €…").
fn sum(
    (db, id, currency): (&str, &str, &str),
    command: &str,
    filter: &str,
    field: impl Fn(&serde_json::Value) -> Decimal,
) -> Decimal {
    let rows = json(&[command, "--customer", id, "--filter", filter, "--format", "json", "--db", db, "--today", TODAY]);
    rows.as_array().unwrap().iter().filter(|r| r["currency"] == currency).map(field).sum()
}

#[test]
fn the_rows_each_figure_opens_add_up_to_it() {
    for (_held, db) in demos() {
        rows_add_up(&db);
    }
}

fn rows_add_up(db: &str) {
    let customers = json(&["customers", "--json", "--db", db, "--today", TODAY]);
    let ids: Vec<String> = customers.as_array().unwrap().iter().map(|c| c["id"].to_string()).collect();
    assert!(ids.len() >= 40, "the demo's customers");
    let buckets = ["current", "days_1_30", "days_31_60", "days_61_90", "days_90_plus"];
    for id in &ids {
        let c = json(&["customer", id, "--json", "--db", db, "--today", TODAY]);
        let m = &c["metrics"];
        let cur = c["currency"].as_str().unwrap().to_string();
        let at = (db, id.as_str(), cur.as_str());
        for t in targets(true) {
            let Opens::Rows(_, filter) = t.opens else { continue };
            let balance = |r: &serde_json::Value| dec(&r["open_balance"]);
            let (got, want) = match t.place {
                // Total Billed is net of the credit applied to the invoices
                // (credit is not collection: design §3, rule of 2026-12-05),
                // so each invoice counts its total less what credit settled.
                Place::Card(0) => {
                    (sum(at, "invoices", filter, |r| dec(&r["total"]) - dec(&r["credited"])), dec(&m["total_billed"]))
                }
                Place::Card(1) => (sum(at, "invoices", filter, balance), dec(&m["outstanding"])),
                Place::Brief(1) => (sum(at, "invoices", filter, balance), dec(&m["overdue"])),
                Place::Aging(b) => (sum(at, "invoices", filter, balance), dec(&c["aging"][buckets[b]])),
                Place::Card(_) if t.name == "Credit Balance" => (
                    sum(at, "payments", filter, |r| dec(&r["amount"]) - dec(&r["refunded"]) - dec(&r["applied"])),
                    dec(&m["credit_balance"]),
                ),
                Place::Card(_) if t.name == "Total Collected" => (
                    sum(at, "payments", filter, |r| dec(&r["amount"]) - dec(&r["refunded"])),
                    dec(&m["total_collected"]),
                ),
                // Rows, not money: N of "N of M".
                Place::Card(_) if t.name == "Auto-Resolved" => {
                    let args = ["conversations", "--customer", id, "--filter", filter, "--format", "json", "--db", db];
                    let rows = json(&[&args[..], &["--today", TODAY]].concat());
                    (
                        Decimal::from(rows.as_array().unwrap().len()),
                        Decimal::from(m["auto_resolved"]["resolved"].as_i64().unwrap()),
                    )
                }
                other => panic!("{}: no check for {other:?}", t.name),
            };
            assert_eq!(got, want, "customer {id}: {} opens `{filter}`", t.name);
        }
    }
}

#[test]
fn f_then_enter_opens_the_rows_as_a_filter_in_the_bar() {
    for (_held, db) in demos() {
        figures_open(&db);
    }
}

fn figures_open(db: &str) {
    let store = Books::open_named(db, OpenMode::MustExist).unwrap();
    let mut app = App::new(store, support::fixture::d(TODAY), Rect::new(0, 0, 80, 24)).unwrap();
    app.open_customer(1);
    let all = targets(app.org.show_credit_balance);
    for (i, t) in all.iter().enumerate() {
        press(&mut app, &["f"]);
        for _ in 0..i {
            press(&mut app, &["Right"]);
        }
        assert_eq!(app.page().unwrap().figures_focus, Some(i), "{}", t.name);
        let s = render(&app, 80, 24);
        assert!(s.contains("Enter open its rows"), "the footer names the figures' keys:\n{s}");
        press(&mut app, &["Enter"]);
        let p = app.page().unwrap();
        match t.opens {
            Opens::Rows(tab, filter) => {
                assert_eq!((p.tab, p.figures_focus), (tab, None), "{}", t.name);
                assert_eq!(p.state(tab).filter.source, filter, "{}", t.name);
                let s = render(&app, 80, 24);
                // Whole, or cut with "…" at 80 columns (`/` shows it whole).
                let status = s.lines().rev().nth(1).unwrap_or_default();
                let shown = status.split("filter: ").nth(1).unwrap_or_default().trim_end();
                let whole = shown == filter;
                let cut = shown.strip_suffix('…').is_some_and(|head| !head.is_empty() && filter.starts_with(head));
                assert!(whole || cut, "{}: the filter is in the bar:\n{s}", t.name);
                press(&mut app, &["/", "C-u", "Enter"]);
            }
            Opens::Collections => {
                let s = render(&app, 80, 24);
                assert!(s.contains("Avg. Days to Collect: "), "the collections open:\n{s}");
                assert!(s.contains("Paid") && s.contains("Days"), "{s}");
                press(&mut app, &["Esc"]);
                assert_eq!(app.page().unwrap().figures_focus, None);
            }
            Opens::Nothing(why) => {
                assert_eq!(p.figures_focus, Some(i), "{}: nothing opens, the focus stays", t.name);
                let s = render(&app, 80, 24).replace('\n', " ");
                let start: String = why.chars().take(20).collect();
                assert!(s.contains(&start), "{}: says why:\n{s}", t.name);
                press(&mut app, &["Esc"]);
                assert_eq!(app.page().unwrap().figures_focus, None);
            }
        }
    }
    // Esc leaves the figures, and q then goes back as before.
    press(&mut app, &["f", "Esc", "q"]);
    assert!(app.page().is_none(), "back on the customers list");
}

/// Avg. Days to Collect opens the applications it weighs; their weighted
/// mean is the card, for every demo customer, and the view says so.
#[test]
fn the_collections_behind_avg_days_make_the_card() {
    for (_held, db) in demos() {
        collections_make_the_card(&db);
    }
}

fn collections_make_the_card(db: &str) {
    let store = Books::open_named(db, OpenMode::MustExist).unwrap();
    let today = support::fixture::d(TODAY);
    let customers = json(&["customers", "--json", "--db", db, "--today", TODAY]);
    let mut seen = 0;
    for c in customers.as_array().unwrap() {
        let id = c["id"].as_i64().unwrap();
        let full = json(&["customer", &id.to_string(), "--json", "--db", db, "--today", TODAY]);
        let cur: ardesk::domain::money::Currency = full["currency"].as_str().unwrap().parse().unwrap();
        let rows = store.collections(id, cur, today).unwrap();
        let mean = ardesk::domain::metrics::collections_mean(&rows).map(|d| d.to_string());
        let card = full["metrics"]["avg_days_to_collect"].as_f64().map(|f| format!("{f:.2}"));
        assert_eq!(mean, card, "customer {id}");
        seen += usize::from(!rows.is_empty());
    }
    assert!(seen > 10, "most demo customers collected something");
    // On the page: the view's title is the card's figure.
    let mut app =
        App::new(Books::open_named(db, OpenMode::MustExist).unwrap(), today, Rect::new(0, 0, 80, 24)).unwrap();
    app.open_customer(1);
    let at = targets(app.org.show_credit_balance).iter().position(|t| t.opens == Opens::Collections).unwrap();
    press(&mut app, &["f"]);
    for _ in 0..at {
        press(&mut app, &["Right"]);
    }
    press(&mut app, &["Enter"]);
    let s = render(&app, 80, 24);
    let full = json(&["customer", "1", "--json", "--db", db, "--today", TODAY]);
    let card = format!("{:.2}", full["metrics"]["avg_days_to_collect"].as_f64().unwrap());
    assert!(s.contains(&format!("Avg. Days to Collect: {card} days")), "{s}");
    press(&mut app, &["End"]);
    let s = support::keys::flat(&render(&app, 80, 24));
    assert!(s.contains(&format!("= {card} days")), "the mean at the end:\n{s}");
}
