//! The customer page with a million invoices, measured against design §4:
//! launch to a full frame, navigation keys, sort and filter changes, peak
//! memory, and SQLite computing the same metrics from the raw rows.
//!
//!     cargo bench --bench page            (ARDESK_BENCH_RUNS, ARDESK_BENCH_DB to tune)
//!
//! The app is driven without a terminal: each step is the real key
//! handling plus a full draw into ratatui's TestBackend at 120×40.

#[path = "common/mod.rs"]
mod common;

use ardesk::app::App;
use ardesk::store::{OpenMode, Store};
use common::{Stats, draw, key, peak_rss_mib};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-03-01";

fn database() -> PathBuf {
    common::database("ARDESK_BENCH_DB", "1m.db", TODAY, &["--invoices", "1000000"])
}

fn open(path: &Path, id: i64, today: chrono::NaiveDate) -> (App, Terminal<TestBackend>) {
    let store = Store::open(path, OpenMode::MustExist).unwrap();
    let mut app = App::new(store, today, Rect::new(0, 0, 120, 40)).unwrap();
    app.open_customer(id);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    draw(&app, &mut term);
    (app, term)
}

fn main() {
    let runs: usize = std::env::var("ARDESK_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    let path = database();
    let today = ardesk::domain::date::parse_date(TODAY).unwrap();
    let probe = Store::open(&path, OpenMode::MustExist).unwrap();
    let id = probe
        .customer_list(today)
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Globex Megastore")
        .expect("big customer")
        .id;
    let mut rows = Vec::new();

    // Launch: open the database, the app, the customer, first full frame.
    let mut launch = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let (app, _term) = open(&path, id, today);
        launch.push(t.elapsed());
        assert!(app.page().is_some());
    }
    rows.push(Stats(launch).row("launch to full page (warm cache)", "median ≤ 20, worst ≤ 100"));

    // Navigation keys, each followed by a full draw.
    let (mut app, mut term) = open(&path, id, today);
    app.start_worker();
    let step = |app: &mut App, term: &mut Terminal<TestBackend>, codes: &[KeyCode]| {
        let mut out = Vec::new();
        for c in codes {
            let t = Instant::now();
            key(app, *c);
            draw(app, term);
            out.push(t.elapsed());
        }
        Stats(out)
    };
    let downs = vec![KeyCode::Down; 300];
    rows.push(step(&mut app, &mut term, &downs).row("move down one row", "median ≤ 5, worst ≤ 16"));
    let pages = vec![KeyCode::PageDown; 100];
    rows.push(step(&mut app, &mut term, &pages).row("page down", "median ≤ 5, worst ≤ 16"));
    let ends: Vec<KeyCode> = (0..runs).flat_map(|_| [KeyCode::End, KeyCode::Home]).collect();
    rows.push(step(&mut app, &mut term, &ends).row("jump to either end (End/Home)", "median ≤ 5, worst ≤ 16"));
    let ups: Vec<KeyCode> = std::iter::once(KeyCode::End).chain(std::iter::repeat_n(KeyCode::PageUp, 100)).collect();
    rows.push(step(&mut app, &mut term, &ups).row("page up from the end", "median ≤ 5, worst ≤ 16"));
    let tabs: Vec<KeyCode> = (0..runs).flat_map(|_| "234561".chars().map(KeyCode::Char).collect::<Vec<_>>()).collect();
    rows.push(step(&mut app, &mut term, &tabs).row("switch tab", "median ≤ 5, worst ≤ 16"));

    // Sort changes on the invoices tab: every column, both directions.
    key(&mut app, KeyCode::Char('1'));
    let sorts: Vec<KeyCode> =
        (0..runs.max(14)).map(|i| if i % 8 == 7 { KeyCode::Char('S') } else { KeyCode::Char('s') }).collect();
    rows.push(step(&mut app, &mut term, &sorts).row("sort change (1M invoices)", "median ≤ 8, worst ≤ 16"));

    // Issue 15: an invoice's detail, Enter on the tab to its full frame,
    // and Esc back to the tab (which re-reads the page's figures); a
    // different invoice each time. Then a payment's, from the Payments tab.
    let (mut open_invoice, mut back) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(20) {
        key(&mut app, KeyCode::Down);
        draw(&app, &mut term);
        let t = Instant::now();
        key(&mut app, KeyCode::Enter);
        draw(&app, &mut term);
        open_invoice.push(t.elapsed());
        assert!(matches!(app.screen(), ardesk::app::Screen::Detail(_)), "Enter opened the invoice's detail");
        let t = Instant::now();
        key(&mut app, KeyCode::Esc);
        draw(&app, &mut term);
        back.push(t.elapsed());
    }
    rows.push(Stats(open_invoice).row("invoice detail: Enter to its full frame", "median ≤ 10"));
    rows.push(Stats(back).row("… Esc back to the tab, same row", "median ≤ 5, worst ≤ 16"));
    key(&mut app, KeyCode::Char('3'));
    let mut open_payment = Vec::new();
    for _ in 0..runs.max(20) {
        key(&mut app, KeyCode::Down);
        let t = Instant::now();
        key(&mut app, KeyCode::Enter);
        draw(&app, &mut term);
        open_payment.push(t.elapsed());
        key(&mut app, KeyCode::Esc);
    }
    rows.push(Stats(open_payment).row("payment detail: Enter to its full frame", "median ≤ 10"));
    key(&mut app, KeyCode::Char('1'));

    // Filter changes: time to the first frame of the new view (the count
    // and sums arrive from the worker afterwards).
    let filters = common::FILTERS;
    let mut filter_times = Vec::new();
    let mut count_times = Vec::new();
    for f in filters.iter().cycle().take(filters.len() * 3) {
        key(&mut app, KeyCode::Char('/'));
        app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        for c in f.chars() {
            key(&mut app, KeyCode::Char(c));
        }
        let t = Instant::now();
        key(&mut app, KeyCode::Enter);
        draw(&app, &mut term);
        filter_times.push(t.elapsed());
        let t = Instant::now();
        while app.page().is_some_and(|p| !p.view_state().1 || p.searching()) && t.elapsed() < Duration::from_secs(30) {
            app.tick();
            std::thread::sleep(Duration::from_millis(1));
        }
        count_times.push(t.elapsed());
    }
    rows.push(Stats(filter_times).row("filter change, first frame", "worst ≤ 100"));
    rows.push(Stats(count_times).row("… then rows, count and sum complete (worker)", "—"));

    // Issue 15 §4: each figure that opens rows, `Enter` on it (after `f`
    // and the arrows to it) to the first frame of its rows as a filtered
    // tab; the count and sums follow from the worker.
    let clear = |app: &mut App| {
        key(app, KeyCode::Char('/'));
        app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        key(app, KeyCode::Enter);
        key(app, KeyCode::Char('1'));
    };
    clear(&mut app);
    let targets = ardesk::view::figures::targets(app.org.show_credit_balance);
    let mut drill = Vec::new();
    for _ in 0..runs.div_ceil(10).max(3) {
        for (i, target) in targets.iter().enumerate() {
            if !matches!(target.opens, ardesk::view::figures::Opens::Rows(..)) {
                continue;
            }
            key(&mut app, KeyCode::Char('f'));
            for _ in 0..i {
                key(&mut app, KeyCode::Right);
            }
            let t = Instant::now();
            key(&mut app, KeyCode::Enter);
            draw(&app, &mut term);
            drill.push(t.elapsed());
            clear(&mut app);
        }
    }
    rows.push(Stats(drill).row("figure drill-down: Enter to the first frame of its rows", "median ≤ 50"));

    // Issue 17: the books as of a past date, `t`, the date, Ctrl-S to the
    // full page (every figure, the first window of rows as of it); then
    // moving on it, and back to today.
    let (mut as_of, mut as_of_keys, mut back_today) = (Vec::new(), Vec::new(), Vec::new());
    for (i, day) in
        ["2025-12-31", "2024-06-30", "2020-01-31", "2026-02-27"].iter().cycle().take(runs.min(12)).enumerate()
    {
        key(&mut app, KeyCode::Char('t'));
        app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        for c in day.chars() {
            key(&mut app, KeyCode::Char(c));
        }
        let t = Instant::now();
        app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        draw(&app, &mut term); // "Computing the books as of …"
        app.tick();
        draw(&app, &mut term);
        as_of.push(t.elapsed());
        assert_eq!(app.store().as_of().map(ardesk::domain::date::iso).as_deref(), Some(*day));
        as_of_keys.extend(step(&mut app, &mut term, &[KeyCode::Down, KeyCode::PageDown, KeyCode::Char('3')]).0);
        key(&mut app, KeyCode::Char('1'));
        if i % 3 == 2 {
            key(&mut app, KeyCode::Char('t'));
            app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
            let t = Instant::now();
            app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
            app.tick();
            draw(&app, &mut term);
            back_today.push(t.elapsed());
        }
    }
    rows.push(Stats(as_of).row("as of a past date: Ctrl-S to the full page (1M invoices)", "≤ 500"));
    rows.push(Stats(as_of_keys).row("… keys on it (down, page down, tab)", "median ≤ 5"));
    rows.push(Stats(back_today).row("… back to today: Ctrl-S to the full page", "median ≤ 20"));
    let rss = peak_rss_mib();

    // SQLite computing the page's metrics from the raw tables.
    let mut oracle = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        probe.metric_parts_oracle(id, today).unwrap();
        oracle.push(t.elapsed());
    }
    let mut page = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let c = probe.customer(id).unwrap();
        probe.figures(&c, today).unwrap();
        page.push(t.elapsed());
    }
    let (o, p) = (Stats(oracle), Stats(page));
    let med = |s: &Stats| {
        let mut v = s.0.clone();
        v.sort();
        v[v.len() / 2].as_secs_f64()
    };
    rows.push(p.row("page figures from the summaries", "≪ 1"));
    rows.push(o.row("same figures computed from the raw rows (SQLite)", "—"));
    // As of a past date: from the dated summary, and from the raw rows.
    let day = ardesk::domain::date::parse_date("2025-12-31").unwrap();
    let c = probe.customer(id).unwrap();
    let mut dated = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        probe.figures_as_of(&c, day).unwrap();
        dated.push(t.elapsed());
    }
    rows.push(Stats(dated).row("figures as of 2025-12-31 from the dated summary", "≤ 500"));
    let t = Instant::now();
    probe.metric_parts_oracle_as_of(id, day).unwrap();
    rows.push(Stats(vec![t.elapsed()]).row("same figures from the raw rows (the oracle)", "—"));

    println!("\n| step | runs | median ms | p95 ms | worst ms | target ms |\n|---|---|---|---|---|---|");
    for r in &rows {
        println!("{r}");
    }
    println!("\nsummaries vs raw-row SQL: {:.0}× faster", med(&o) / med(&p));
    println!("peak RSS of this process with the 1M-invoice customer open: {rss:.1} MiB (target ≤ 32)");
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    println!(
        "machine: {cpu}, {} cores; database {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        path.display()
    );
}
