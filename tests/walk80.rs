//! Issue 14 ("Layout at 80×24", done when): at 80×24 every column of every
//! tab and of the customers list can be brought on screen and sorted with
//! its arrow visible, every card and aging amount is whole and equals
//! `ardesk customer ID --json`, and the header's actions show on every
//! demo customer.
//!
//! The walks press keys as a user does (`s`, `<`, `S`, `l`, `h`) and read
//! the drawn screen; the columns walked are the tabs' own descriptions
//! (`Tabular::COLUMNS`, the customers list's `COLUMNS`), so a column added
//! later is walked too.

mod support;

use ardesk::app::action::Action;
use ardesk::app::keymap::{Context, label};
use ardesk::app::{App, Screen};
use ardesk::domain::Money;
use ardesk::domain::columns::{Col, Tab};
use ardesk::domain::money::{Currency, parse_amount};
use ardesk::store::{Books, OpenMode, Store};
use chrono::NaiveDate;
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::fixture::{d, fixture};
use support::keys::{press, render};

const W: u16 = 80;
const H: u16 = 24;

/// The day the issue was filed, when 山田商事's 90+ bucket read "¥1" beside
/// a JSON `days_90_plus` of "1976000".
const FILED: &str = "2026-12-05";

fn screen() -> Rect {
    Rect::new(0, 0, W, H)
}

/// A demo database made with `ardesk demo --today DAY` (once per day for
/// this test binary; read only).
fn demo_db(day: &str) -> &'static Path {
    static DBS: OnceLock<Vec<(String, tempfile::TempDir, PathBuf)>> = OnceLock::new();
    let dbs = DBS.get_or_init(|| {
        [support::TODAY, FILED]
            .into_iter()
            .map(|day| {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("demo.db");
                let (code, _, err) = support::run(&["demo", "--db", path.to_str().unwrap(), "--today", day]);
                assert_eq!(code, 0, "ardesk demo --today {day}: {err}");
                (day.to_string(), dir, path)
            })
            .collect()
    });
    dbs.iter().find(|(d, _, _)| d == day).map(|(_, _, p)| p.as_path()).expect("a demo day made above")
}

fn demo_app(day: &str) -> App {
    let store = Store::open(demo_db(day), OpenMode::MustExist).unwrap();
    App::new(store, d(day), screen()).unwrap()
}

fn page(app: &App) -> &ardesk::app::customer::CustomerPage {
    app.page().expect("a customer page is open")
}

/// The screen's lines, each as its cells (a wide glyph's second cell is
/// its own entry, so an index is a column).
fn lines(s: &str) -> Vec<Vec<char>> {
    s.lines().map(|l| l.chars().collect()).collect()
}

fn text(cells: &[char]) -> String {
    cells.iter().collect()
}

/// The line the table's header is drawn on: the customer page's table
/// starts where its layout puts it, the list's under its title.
fn header_y(app: &App) -> usize {
    match app.screen() {
        Screen::Customer(p) => {
            let needs = ardesk::view::cards::Needs::of(&p.figures, app.org.show_credit_balance);
            usize::from(ardesk::view::layout::customer_page(screen(), &needs).table.y)
        }
        Screen::Customers(_) => usize::from(ardesk::view::layout::customers(screen()).table.y),
        Screen::Detail(_) => panic!("the walk never opens a detail"),
    }
}

fn header_line(app: &App) -> String {
    let s = render(app, W, H);
    s.lines().nth(header_y(app)).unwrap_or_default().to_string()
}

/// Whether `title` is in the header whole: between the line's edges,
/// spaces, the pan markers or the sort arrow — not a piece of a longer
/// word, and not cut ("Siz»").
fn has_title(line: &str, title: &str) -> bool {
    let edge = |c: Option<char>| c.is_none_or(|c| c == ' ' || c == '«' || c == '»');
    line.match_indices(title).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + title.len()..].chars().next();
        edge(before) && edge(after)
    })
}

/// The column's title with the arrow the header puts on the sorted column.
fn sorted_title(title: &str, desc: bool) -> String {
    format!("{title} {}", if desc { "↓" } else { "↑" })
}

/// What the walks found wrong, each under a key that names the table and
/// the check ("fixture customers list: sort Legal name"), so that a defect
/// already reported can be listed (`KNOWN_LIST`, `KNOWN_TABS`) and the rest
/// still fail.
#[derive(Default)]
struct Findings(Vec<(String, String)>);

impl Findings {
    fn check(&mut self, key: String, ok: bool, why: impl FnOnce() -> String) {
        if !ok {
            self.0.push((key, why()));
        }
    }

    /// Fails on anything not in `known`, and on a known defect that no
    /// longer shows (its entry is to go once it is fixed).
    fn finish(self, known: &[(&str, &str)]) {
        let unexpected: Vec<String> = self
            .0
            .iter()
            .filter(|(k, _)| !known.iter().any(|(kk, _)| kk == k))
            .map(|(k, why)| format!("[{k}] {why}"))
            .collect();
        assert!(unexpected.is_empty(), "{} finding(s):\n\n{}", unexpected.len(), unexpected.join("\n\n"));
        for (k, defect) in known {
            assert!(
                self.0.iter().any(|(f, _)| f == k),
                "[{k}] is listed as a known defect ({defect}) but no longer shows: remove its entry"
            );
        }
    }
}

/// Defects the customers list's walk found on h/layout, reported rather
/// than fixed here; each still fails its check (`Findings::finish` says
/// when one is fixed, so that its entry goes and the check holds from then
/// on).
const KNOWN_LIST: &[(&str, &str)] = &[];

/// The same for the customer page's tabs.
const KNOWN_TABS: &[(&str, &str)] = &[];

/// Reads the sorted column (an index into the titles) and whether it is
/// descending from the app.
type SortOf = Box<dyn Fn(&App) -> (usize, bool)>;

/// One table as the walks see it: its columns' titles in screen order,
/// which of them sort, and how to read the app's sort and pan.
struct Table {
    who: String,
    titles: Vec<&'static str>,
    keyed: Vec<usize>,
    sorted: SortOf,
    pan: Box<dyn Fn(&App) -> usize>,
    /// What `view::columns::fit` shows at a pan, at 80 columns.
    /// (At pan 0 the sorted column stays: `fit_sorted`.)
    fit: Box<dyn Fn(usize, Option<usize>) -> ardesk::view::columns::Fit>,
    /// Whether `<` sorts by the previous column (the page's tabs).
    prev: bool,
}

fn tab_table(tab: Tab, who: &str) -> Table {
    let (titles, keys): (Vec<&'static str>, Vec<Option<Col>>) = ardesk::per_tab!(tab, |R| {
        <R as ardesk::domain::tabs::Tabular>::COLUMNS.iter().map(|c| (c.title, c.key)).unzip()
    });
    let keyed = keys.iter().enumerate().filter(|(_, k)| k.is_some()).map(|(i, _)| i).collect();
    Table {
        who: format!("{who} {}", tab.title()),
        titles,
        keyed,
        sorted: Box::new(move |app| {
            let p = page(app);
            let sort = p.state(p.tab).sort;
            (keys.iter().position(|k| *k == Some(sort.col)).expect("the sorted column is described"), sort.desc)
        }),
        pan: Box::new(|app| {
            let p = page(app);
            p.state(p.tab).pan
        }),
        fit: Box::new(move |pan, sorted| {
            ardesk::per_tab!(tab, |R| ardesk::view::columns::fit_sorted(
                <R as ardesk::domain::tabs::Tabular>::COLUMNS,
                W,
                pan,
                sorted
            ))
        }),
        prev: true,
    }
}

fn list(app: &App) -> &ardesk::app::customers::CustomersScreen {
    match app.screen() {
        Screen::Customers(s) => s,
        Screen::Customer(_) | Screen::Detail(_) => panic!("the customers list is not on top"),
    }
}

fn list_table(who: &str) -> Table {
    use ardesk::app::customers::COLUMNS;
    Table {
        who: format!("{who} customers list"),
        titles: COLUMNS.iter().map(|c| c.title).collect(),
        keyed: COLUMNS.iter().enumerate().filter(|(_, c)| c.key.is_some()).map(|(i, _)| i).collect(),
        sorted: Box::new(|app| {
            let l = list(app);
            (COLUMNS.iter().position(|c| c.key == Some(l.sort)).expect("the sorted column is described"), l.desc)
        }),
        pan: Box::new(|app| list(app).pan),
        fit: Box::new(|pan, sorted| ardesk::view::columns::fit_sorted(COLUMNS, W, pan, sorted)),
        prev: false,
    }
}

/// Sorts by every column that has a key, pressing `s` until it is the
/// sorted one, and checks its title with the arrow in the header line;
/// then that `S` turns the arrow, and (on the tabs) that `<` walks back
/// with each arrow in view.
fn walk_sorts(app: &mut App, t: &Table, f: &mut Findings) {
    let n = t.keyed.len();
    for &i in &t.keyed {
        let title = t.titles[i];
        let key = format!("{}: sort {title}", t.who);
        for _ in 0..=n {
            if (t.sorted)(app).0 == i {
                break;
            }
            press(app, &["s"]);
        }
        let (col, desc) = (t.sorted)(app);
        f.check(key.clone(), col == i, || format!("`s` never sorts by {title:?}"));
        let line = header_line(app);
        f.check(key.clone(), line.contains(&sorted_title(title, desc)), || {
            format!("sorted by {title:?}, the header reads\n{line}\n{}", render(app, W, H))
        });
        press(app, &["S"]);
        let (_, turned) = (t.sorted)(app);
        let line = header_line(app);
        f.check(key, turned != desc && line.contains(&sorted_title(title, turned)), || {
            format!("after S on {title:?} the header reads\n{line}")
        });
    }
    if t.prev {
        for _ in 0..n {
            press(app, &["<"]);
            let (col, desc) = (t.sorted)(app);
            let title = t.titles[col];
            let line = header_line(app);
            f.check(format!("{}: sort {title}", t.who), line.contains(&sorted_title(title, desc)), || {
                format!("after < to {title:?} the header reads\n{line}")
            });
        }
    }
}

/// Pans from the home position (pan 0: `h` until it stops) to the right
/// (`l` until it stops), and checks at each pan that the columns shown
/// have their titles whole and that « and » say where more columns lie;
/// then that every titled column was on screen at some pan.
fn walk_pans(app: &mut App, t: &Table, f: &mut Findings) {
    for _ in 0..=t.titles.len() {
        press(app, &["h"]);
    }
    f.check(format!("{}: home", t.who), (t.pan)(app) == 0, || "h does not return to pan 0".into());
    let mut seen: Vec<&str> = Vec::new();
    let mut headers = Vec::new();
    loop {
        let line = header_line(app);
        let at = (t.pan)(app);
        headers.push(line.clone());
        let sorted = Some((t.sorted)(app).0);
        for i in (t.fit)(at, sorted).shown {
            let title = t.titles[i];
            if title.is_empty() {
                continue;
            }
            let whole = has_title(&line, title);
            f.check(format!("{}: {title} whole at pan {at}", t.who), whole, || {
                format!("{title:?} is laid out at pan {at} but the header reads\n{line}")
            });
            if whole {
                seen.push(title);
            }
        }
        // Pan 1 starts at the first unpinned column: nothing lies left.
        let left = (t.fit)(at, sorted).left;
        f.check(format!("{}: markers", t.who), line.starts_with('«') == left, || {
            format!("« shows exactly when columns lie left (pan {at}):\n{line}")
        });
        press(app, &["l"]);
        let next = (t.pan)(app);
        f.check(format!("{}: markers", t.who), line.ends_with('»') == (next != at), || {
            format!("» shows exactly when l pans further (pan {at}):\n{line}")
        });
        if next == at || headers.len() > t.titles.len() {
            break;
        }
    }
    for title in t.titles.iter().filter(|t| !t.is_empty()) {
        f.check(format!("{}: reach {title}", t.who), seen.contains(title), || {
            format!("{title:?} is never on screen whole at any pan; the headers:\n{}", headers.join("\n"))
        });
    }
}

/// Every tab of the open customer page: panned across all its columns in
/// its default order, sorted by each column, and panned again (the arrow
/// takes room in the header).
fn walk_page(app: &mut App, who: &str, f: &mut Findings) {
    for (i, tab) in Tab::ALL.into_iter().enumerate() {
        press(app, &[&(i + 1).to_string()]);
        assert_eq!(page(app).tab, tab);
        let t = tab_table(tab, who);
        walk_pans(app, &t, f);
        walk_sorts(app, &t, f);
        walk_pans(app, &t, f);
    }
}

#[test]
fn every_column_of_every_tab_sorts_and_shows_at_80x24() {
    let mut f = Findings::default();
    // The fixture's Acme has empty Documents and Activity tabs (an empty
    // table draws its header alone).
    let mut app = App::new(fixture(), d("2026-03-01"), screen()).unwrap();
    press(&mut app, &["Enter"]);
    assert_eq!(page(&app).customer.name, "Acme Corp");
    walk_page(&mut app, "fixture", &mut f);
    // On the demo, Acme has rows in every tab; 山田商事 has yen amounts.
    for id in [1, 39] {
        let mut app = demo_app(support::TODAY);
        app.open_customer(id);
        for tab in Tab::ALL {
            assert!(page(&app).count(tab) > 0, "demo customer {id} has rows in {tab:?}");
        }
        walk_page(&mut app, &format!("demo {id}"), &mut f);
    }
    f.finish(KNOWN_TABS);
}

#[test]
fn every_column_of_the_customers_list_sorts_and_shows_at_80x24() {
    let mut f = Findings::default();
    let fixture_app = App::new(fixture(), d("2026-03-01"), screen()).unwrap();
    for (who, mut app) in [("fixture", fixture_app), ("demo", demo_app(support::TODAY))] {
        let t = list_table(who);
        walk_pans(&mut app, &t, &mut f);
        walk_sorts(&mut app, &t, &mut f);
        walk_pans(&mut app, &t, &mut f);
    }
    f.finish(KNOWN_LIST);
}

/// An amount of the JSON ("1976000", "-12.50") in the customer's currency.
fn money(v: &serde_json::Value, currency: Currency) -> Money {
    let s = v.as_str().unwrap_or_else(|| panic!("an amount is a string: {v}"));
    let (neg, digits) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let minor = parse_amount(digits, currency).unwrap_or_else(|e| panic!("{s}: {e}"));
    Money::new(if neg { -minor } else { minor }, currency)
}

/// `ardesk customer ID --json`'s output, from the function the command
/// runs.
fn customer_json(store: &Books, id: i64, today: NaiveDate) -> serde_json::Value {
    let mut out = Vec::new();
    ardesk::commands::customer(store, &id.to_string(), today, true, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// A card as drawn at 80×24 (compact: its title, and under it from the
/// same column its value, then two spaces and its sub-figure): the value
/// and the sub-figure, `None` when the title is not on screen.
fn card(top: &[Vec<char>], title: &str) -> Option<(String, Option<String>)> {
    let t: Vec<char> = title.chars().collect();
    for (y, line) in top.iter().enumerate() {
        let Some(x) = line.windows(t.len()).position(|w| w == t.as_slice()) else { continue };
        let below = top.get(y + 1).map(|l| text(l.get(x..).unwrap_or_default())).unwrap_or_default();
        let mut parts = below.splitn(2, "  ");
        let value = parts.next().unwrap_or_default().trim_end().to_string();
        let brief = parts.next().map(|b| b.split("  ").next().unwrap_or_default().trim().to_string());
        return Some((value, brief.filter(|b| !b.is_empty())));
    }
    None
}

/// Each aging bucket as the strip draws it: its label (long or short) and
/// its amount, read up to the separator.
fn aging(top: &[Vec<char>]) -> Vec<(String, String)> {
    use ardesk::domain::metrics::AGING_LABELS;
    use ardesk::view::aging::SHORT_LABELS;
    let mut out = Vec::new();
    for line in top {
        let line = text(line);
        let body = line.trim_start().strip_prefix("Aging ").unwrap_or(line.trim_start());
        for part in body.split(" · ") {
            let part = part.trim();
            let Some((label, rest)) = part.split_once(' ') else { continue };
            if !(AGING_LABELS.contains(&label) || SHORT_LABELS.contains(&label)) {
                continue;
            }
            // A bar may follow the amount at wide sizes; an amount without a
            // symbol has a space in it ("CHF 1,000.00").
            let amount = rest.trim_end_matches(['▇', ' ']).to_string();
            out.push((label.to_string(), amount));
        }
    }
    out
}

/// The amounts on one demo customer's 80×24 page against its JSON: each
/// card's figure and sub-figure, each aging bucket, the other currencies'
/// outstanding, and both header actions by their keys.
fn check_customer(app: &mut App, store: &Books, id: i64, today: NaiveDate) {
    let json = customer_json(store, id, today);
    let cur: Currency = json["currency"].as_str().unwrap().parse().unwrap();
    let m = &json["metrics"];
    let amount = |k: &str| money(&m[k], cur);
    app.open_customer(id);
    let s = render(app, W, H);
    let name = json["name"].as_str().unwrap();
    let who = format!("customer {id} ({name}) on {today}");
    let all = lines(&s);
    // The cards and the strip lie above the tab bar.
    let tabs_y =
        all.iter().position(|l| text(l).starts_with(" 1 Inv")).unwrap_or_else(|| panic!("{who}: no tab bar:\n{s}"));
    let top = &all[..tabs_y];

    let (value, brief) = card(top, "Outstanding").unwrap_or_else(|| panic!("{who}: no Outstanding card:\n{s}"));
    assert_eq!(value, amount("outstanding").display(), "{who}: Outstanding\n{s}");
    assert_eq!(brief, Some(format!("{} overdue", amount("overdue").display())), "{who}: the overdue part\n{s}");

    let (value, brief) = card(top, "Total Collected").unwrap_or_else(|| panic!("{who}: no Total Collected card:\n{s}"));
    assert_eq!(value, amount("total_collected").display(), "{who}: Total Collected\n{s}");
    let n = m["payments_collected"].as_i64().unwrap();
    let payments = format!(
        "{} payment{}",
        ardesk::domain::money::group_thousands(n.unsigned_abs()),
        if n == 1 { "" } else { "s" }
    );
    assert_eq!(brief, Some(payments), "{who}: the payments counted\n{s}");

    let (value, _) = card(top, "Billed & Collected").unwrap_or_else(|| panic!("{who}: no Billed & Collected:\n{s}"));
    let billed = format!("{} / {}", amount("billed_collected").display_whole(), amount("total_billed").display_whole());
    assert_eq!(value, billed, "{who}: Billed & Collected (whole units)\n{s}");

    // Shown when the organization's settings say so.
    let credit = card(top, "Credit Balance");
    assert_eq!(credit.is_some(), app.org.show_credit_balance, "{who}: the Credit Balance card\n{s}");
    if let Some((value, _)) = credit {
        assert_eq!(value, amount("credit_balance").display(), "{who}: Credit Balance\n{s}");
    }
    let (value, _) = card(top, "Auto-Resolved").unwrap_or_else(|| panic!("{who}: no Auto-Resolved:\n{s}"));
    let ar = &m["auto_resolved"];
    assert_eq!(value, format!("{} of {}", ar["resolved"], ar["total"]), "{who}: Auto-Resolved\n{s}");
    let (value, _) = card(top, "Avg. Days to Collect").unwrap_or_else(|| panic!("{who}: no Avg. Days:\n{s}"));
    let avg = m["avg_days_to_collect"].as_number().map_or("—".to_string(), |d| format!("{d} days"));
    assert_eq!(value, avg, "{who}: Avg. Days to Collect\n{s}");

    let buckets = aging(top);
    let keys = ["current", "days_1_30", "days_31_60", "days_61_90", "days_90_plus"];
    assert_eq!(buckets.len(), keys.len(), "{who}: every aging bucket is on screen, read as {buckets:?}\n{s}");
    for (i, (k, (label, shown))) in keys.iter().zip(&buckets).enumerate() {
        use ardesk::{domain::metrics::AGING_LABELS, view::aging::SHORT_LABELS};
        assert!(label == AGING_LABELS[i] || label == SHORT_LABELS[i], "{who}: bucket {i} is {label:?}\n{s}");
        assert_eq!(*shown, money(&json["aging"][k], cur).display(), "{who}: aging {label} ({k})\n{s}");
    }

    // Other currencies' outstanding, beside the legal name.
    for other in json["other_currencies"].as_array().unwrap() {
        let c: Currency = other["currency"].as_str().unwrap().parse().unwrap();
        let want = format!("{} outstanding", money(&other["outstanding"], c).display());
        assert!(text(&all[1]).contains(&want), "{who}: {want:?} beside the legal name\n{s}");
    }

    // Both actions by their keys (from the key table), after the name.
    let header = text(&all[0]);
    let words: Vec<&str> = header.split_whitespace().collect();
    let key_c = label(Context::Customer, Action::NewContract);
    let key_i = label(Context::Customer, Action::NewInvoice);
    let at_c = words.iter().rposition(|w| *w == key_c);
    let at_i = words.iter().rposition(|w| *w == key_i);
    assert!(
        matches!((at_c, at_i), (Some(c), Some(i)) if c < i && i + 3 >= words.len()),
        "{who}: the header shows {key_c} and {key_i} at its end:\n{header}"
    );
    press(app, &["Esc"]);
    assert!(matches!(app.screen(), Screen::Customers(_)), "{who}: Esc goes back to the list");
}

#[test]
fn every_demo_customers_amounts_equal_the_json_at_80x24() {
    for day in [support::TODAY, FILED] {
        let today = d(day);
        let mut app = demo_app(day);
        let store = Books::open_named(demo_db(day), OpenMode::MustExist).unwrap();
        let ids: Vec<i64> = store.customer_list(today).unwrap().iter().map(|c| c.id).collect();
        assert_eq!(ids.len(), 40, "the demo has forty customers");
        for id in ids {
            check_customer(&mut app, &store, id, today);
        }
    }
}

/// 山田商事 (customer 39, yen) on the day the issue was filed: the strip
/// read "… 61–90 ¥1,365,000 · 90+ ¥1" where the JSON said "1976000".
#[test]
fn the_yen_customers_90_plus_bucket_is_whole() {
    let today = d(FILED);
    let store = Books::open_named(demo_db(FILED), OpenMode::MustExist).unwrap();
    let json = customer_json(&store, 39, today);
    assert_eq!(json["name"], "山田商事");
    // The command itself prints the same figures.
    let db = demo_db(FILED).to_str().unwrap();
    let (code, out, err) = support::run(&["--db", db, "--today", FILED, "customer", "39", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap(), json);
    // The figures the issue quotes: this is its case.
    assert_eq!(json["aging"]["days_61_90"], "1365000", "{json}");
    assert_eq!(json["aging"]["days_90_plus"], "1976000", "{json}");
    let yen = money(&json["aging"]["days_90_plus"], Currency::JPY);
    let mut app = demo_app(FILED);
    app.open_customer(39);
    let s = render(&app, W, H);
    let want = yen.display();
    assert!(
        aging(&lines(&s)).iter().any(|(label, amount)| label == "90+" && *amount == want),
        "90+ reads {want} whole (it read ¥1):\n{s}"
    );
    press(&mut app, &["Esc"]);
    check_customer(&mut app, &store, 39, today);
}
