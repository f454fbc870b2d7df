//! Issue 19: the Invoices tab's filters on the 1M-invoice customer, each
//! on its own: from `Enter` in the filter bar to the first frame, to the
//! rows known (the table no longer "Searching…": for `number:zzz`, the
//! frame that says nothing matches), and to the count and sums complete.
//!
//!     cargo bench --bench filters      (ARDESK_BENCH_RUNS, ARDESK_BENCH_DB)
//!
//! The filter set is README's (`benches/page.rs` cycles through it too).

#[path = "common/mod.rs"]
mod common;

use ardesk::app::App;
use ardesk::store::{OpenMode, Store};
use common::{FILTERS, Stats, ctrl, database, draw, key};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use std::time::{Duration, Instant};

const TODAY: &str = "2026-03-01";

fn main() {
    let runs = common::runs(10);
    let path = database("ARDESK_BENCH_DB", "1m.db", TODAY, &["--invoices", "1000000"]);
    let today = ardesk::domain::date::parse_date(TODAY).unwrap();
    let store = Store::open(&path, OpenMode::MustExist).unwrap();
    let id = store.customer_list(today).unwrap().into_iter().find(|c| c.name == "Globex Megastore").unwrap().id;
    let mut app = App::new(store, today, Rect::new(0, 0, 120, 40)).unwrap();
    app.open_customer(id);
    app.start_worker();
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    draw(&app, &mut term);

    println!("| filter | first frame ms (median / max) | rows known ms | count and sums ms (median / max) |");
    println!("|---|---|---|---|");
    let (mut all_counts, mut medians) = (Vec::new(), Vec::new());
    for f in FILTERS {
        let (mut first, mut rows, mut counts) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            // From no filter, so each run reads the filter afresh.
            key(&mut app, KeyCode::Char('/'));
            ctrl(&mut app, 'u');
            key(&mut app, KeyCode::Enter);
            settle(&mut app, &mut term);
            key(&mut app, KeyCode::Char('/'));
            for c in f.chars() {
                key(&mut app, KeyCode::Char(c));
            }
            let t = Instant::now();
            key(&mut app, KeyCode::Enter);
            draw(&app, &mut term);
            first.push(t.elapsed());
            let mut known = None;
            while app.page().is_some_and(|p| !p.view_state().1 || p.searching())
                && t.elapsed() < Duration::from_secs(30)
            {
                if app.tick() {
                    draw(&app, &mut term);
                }
                if known.is_none() && app.page().is_some_and(|p| !p.searching()) {
                    known = Some(t.elapsed());
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            draw(&app, &mut term);
            rows.push(known.unwrap_or_else(|| first[first.len() - 1]));
            counts.push(t.elapsed());
        }
        let ms = |s: &Stats| format!("{:.1}", s.median().as_secs_f64() * 1e3);
        let max = |s: &Stats| format!("{:.1}", s.0.iter().max().unwrap().as_secs_f64() * 1e3);
        let (first, rows, counts) = (Stats(first), Stats(rows), Stats(counts));
        println!("| `{f}` | {} / {} | {} | {} / {} |", ms(&first), max(&first), ms(&rows), ms(&counts), max(&counts));
        medians.push(counts.median());
        all_counts.extend(counts.0);
    }
    medians.sort();
    println!(
        "\ncount and sums over the set: median of the filters' medians {:.1} ms, all runs median {:.1} ms, worst {:.1} ms",
        medians[medians.len() / 2].as_secs_f64() * 1e3,
        Stats(all_counts.clone()).median().as_secs_f64() * 1e3,
        all_counts.iter().max().unwrap().as_secs_f64() * 1e3
    );
}

/// Ticks until the page has its rows, count and sums.
fn settle(app: &mut App, term: &mut Terminal<TestBackend>) {
    let t = Instant::now();
    while app.page().is_some_and(|p| !p.view_state().1 || p.searching()) && t.elapsed() < Duration::from_secs(30) {
        if app.tick() {
            draw(app, term);
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}
