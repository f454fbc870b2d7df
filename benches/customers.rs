//! The customers list at a million customers (issue 19), measured against
//! its targets: launch to the first frame, keys, sort changes (on an index,
//! and the orders ranked on the reading thread), search keystrokes, the
//! count, and peak memory.
//!
//!     cargo bench --bench customers     (ARDESK_BENCH_RUNS, ARDESK_BENCH_CUSTOMERS_DB,
//!                                        ARDESK_BENCH_CUSTOMERS to tune)
//!
//! The app is driven without a terminal, as a user drives it: each step is
//! the real key handling plus a full draw into ratatui's TestBackend at
//! 120×40, with the reading thread started as `ardesk` starts it.

#[path = "common/mod.rs"]
mod common;

use ardesk::app::{App, Screen};
use ardesk::store::{OpenMode, Store};
use common::{Stats, draw, key, peak_rss_mib};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-12-05";

fn database() -> PathBuf {
    let n: u64 = std::env::var("ARDESK_BENCH_CUSTOMERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    common::database("ARDESK_BENCH_CUSTOMERS_DB", &format!("customers-{n}.db"), TODAY, &["--customers", &n.to_string()])
}

fn list(app: &App) -> &ardesk::app::customers::CustomersScreen {
    match app.screen() {
        Screen::Customers(s) => s,
        _ => panic!("the customers list"),
    }
}

/// Ticks until the reading thread has answered what the list waits for
/// (rows, a ranking, the count when `count`), drawing each answer.
fn settle(app: &mut App, term: &mut Terminal<TestBackend>, count: bool) {
    let t = Instant::now();
    while (list(app).searching() || (count && !list(app).table.exact)) && t.elapsed() < Duration::from_secs(60) {
        if app.tick() {
            draw(app, term);
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    assert!(!list(app).searching(), "the list settled within a minute");
}

fn open(path: &Path, today: chrono::NaiveDate) -> (App, Terminal<TestBackend>) {
    let store = Store::open(path, OpenMode::MustExist).unwrap();
    let mut app = App::new(store, today, Rect::default()).unwrap();
    app.start_worker();
    app.resize(Rect::new(0, 0, 120, 40));
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    draw(&app, &mut term);
    (app, term)
}

fn main() {
    let runs: usize = std::env::var("ARDESK_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let path = database();
    let today = ardesk::domain::date::parse_date(TODAY).unwrap();
    let mut rows = Vec::new();

    // Launch: open the database and the app, the first frame with rows;
    // then the count from the reading thread.
    let (mut launch, mut counted) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let (mut app, mut term) = open(&path, today);
        launch.push(t.elapsed());
        assert!(!list(&app).visible().is_empty(), "rows on the first frame");
        settle(&mut app, &mut term, true);
        counted.push(t.elapsed());
    }
    rows.push(Stats(launch).row("launch to the first frame with rows (warm cache)", "median ≤ 20"));
    rows.push(Stats(counted).row("… to the count of every customer (reading thread)", "—"));

    let (mut app, mut term) = open(&path, today);
    settle(&mut app, &mut term, true);
    let total = list(&app).all.unwrap_or(0);
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
    rows.push(step(&mut app, &mut term, &vec![KeyCode::Down; 300]).row("move down one row", "median ≤ 5"));
    rows.push(step(&mut app, &mut term, &vec![KeyCode::PageDown; 100]).row("page down", "median ≤ 5"));
    let ends: Vec<KeyCode> = (0..runs).flat_map(|_| [KeyCode::End, KeyCode::Home]).collect();
    rows.push(step(&mut app, &mut term, &ends).row("jump to either end (End/Home)", "median ≤ 5"));

    // Sort changes: `s` through every column and `S` to reverse. Orders on
    // an index are whole on the frame after the key; Overdue and broken
    // promises are ranked on the reading thread, timed until their rows.
    let (mut indexed, mut ranked) = (Vec::new(), Vec::new());
    for i in 0..runs.max(16) {
        let code = if i % 9 == 8 { KeyCode::Char('S') } else { KeyCode::Char('s') };
        let t = Instant::now();
        key(&mut app, code);
        draw(&app, &mut term);
        if list(&app).ranked {
            settle(&mut app, &mut term, false);
            ranked.push(t.elapsed());
        } else {
            indexed.push(t.elapsed());
        }
        assert!(!list(&app).visible().is_empty());
    }
    rows.push(
        Stats(indexed)
            .row("sort change on an index (name, legal name, source, currency, outstanding, badges)", "median ≤ 8"),
    );
    rows.push(
        Stats(ranked).row("sort change ranked on the reading thread (overdue, promises): until its rows", "≤ 1000"),
    );
    while list(&app).sort != ardesk::app::customers::CustomerCol::Name || list(&app).desc {
        key(&mut app, KeyCode::Char('s'));
        settle(&mut app, &mut term, false);
    }

    // Search as you type: each keystroke to its frame, and to the rows
    // (the same frame unless the read went to the reading thread).
    let queries = ["harbor", "lumber co", "müller", "zzz", "inc", "ap", "cus_", "eur", "9"];
    let (mut keystroke, mut until_rows) = (Vec::new(), Vec::new());
    for q in queries.iter().cycle().take(queries.len() * runs.div_ceil(10).max(1)) {
        key(&mut app, KeyCode::Char('/'));
        app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        settle(&mut app, &mut term, false);
        for c in q.chars() {
            let t = Instant::now();
            key(&mut app, KeyCode::Char(c));
            draw(&app, &mut term);
            keystroke.push(t.elapsed());
            settle(&mut app, &mut term, false);
            if std::env::var_os("ARDESK_BENCH_VERBOSE").is_some() {
                eprintln!("{q:?} at {c:?}: {:.1?}", t.elapsed());
            }
            until_rows.push(t.elapsed());
        }
        key(&mut app, KeyCode::Enter);
    }
    rows.push(Stats(keystroke).row("search keystroke to its frame", "median ≤ 16, worst ≤ 50"));
    rows.push(Stats(until_rows).row("… to its rows", "median ≤ 16, worst ≤ 50"));
    let rss = peak_rss_mib();

    println!("\n{total} customers\n");
    println!("| step | runs | median ms | p95 ms | worst ms | target ms |\n|---|---|---|---|---|---|");
    for r in &rows {
        println!("{r}");
    }
    println!("\npeak RSS of this process, the list of {total} customers open: {rss:.1} MiB (target ≤ 32)");
    println!("database {}", path.display());
}
