//! The customer page's reads on PostgreSQL beside SQLite's (issue 21), on
//! the same books: the million-invoice customer of `ardesk demo --invoices
//! 1000000`, moved into PostgreSQL by `ardesk migrate`. Store operations
//! only, no terminal (the TUI does not run on PostgreSQL yet): what the
//! page reads on opening, a window further (a key), the first window under
//! each sort, and filters (first window, then count and sums).
//!
//!     ardesk demo --db target/bench/1m.db --invoices 1000000 --today 2026-03-01
//!     ardesk migrate --from target/bench/1m.db --to 'postgresql:///page1m?host=/run/postgresql'
//!     ARDESK_BENCH_PG='postgresql:///page1m?host=…' cargo bench --bench pg_page
//!
//! `ARDESK_BENCH_DB` (target/bench/1m.db, made when missing), `ARDESK_BENCH_CUSTOMER`
//! (41), `ARDESK_BENCH_RUNS` (20). Without `ARDESK_BENCH_PG` it says so and
//! stops.

#[path = "common/mod.rs"]
mod common;

use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::filter::parse;
use ardesk::domain::model::InvoiceRow;
use ardesk::store::pg::PgStore;
use ardesk::store::pg::window::sorts;
use ardesk::store::window::View;
use ardesk::store::{OpenMode, Store};
use common::Stats;
use std::time::{Duration, Instant};

const TODAY: &str = "2026-03-01";
/// Rows a 120×40 Invoices tab shows.
const ROWS: usize = 30;
const FILTERS: &[&str] = &["status:open", "number:zzz", "total>5000", "issued:2025-06", "balance>0 due<2026-01-01"];

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

/// The same measures on either backend (the two stores have the same
/// methods, not yet one type).
macro_rules! measure {
    ($open:expr, $id:expr, $runs:expr, $today:expr) => {{
        let (id, runs, today) = ($id, $runs, $today);
        let mut opening = Stats(Vec::new());
        let mut keys = Stats(Vec::new());
        let mut sorting = Stats(Vec::new());
        let mut first = Stats(Vec::new());
        let mut totals = Stats(Vec::new());
        let all_sorts = sorts::<InvoiceRow>();
        for run in 0..runs {
            let ((store, rows), t) = timed(|| {
                let store = $open;
                store.organization().unwrap();
                let c = store.customer(id).unwrap();
                store.figures(&c, today).unwrap();
                let view = View { sort: Sort::default_for(Tab::Invoices), filter: Default::default(), today };
                let rows = store.window_view::<InvoiceRow>(id, &view, &Seek::First, ROWS).unwrap();
                (store, rows)
            });
            opening.0.push(t);
            let view = View { sort: Sort::default_for(Tab::Invoices), filter: Default::default(), today };
            let after = Seek::After(rows.last().unwrap().key.clone());
            keys.0.push(timed(|| store.window_view::<InvoiceRow>(id, &view, &after, ROWS).unwrap()).1);
            let sort = all_sorts[run % all_sorts.len()];
            let view = View { sort, filter: Default::default(), today };
            sorting.0.push(timed(|| store.window_view::<InvoiceRow>(id, &view, &Seek::First, ROWS).unwrap()).1);
            let filter = parse(FILTERS[run % FILTERS.len()], Tab::Invoices, "USD".parse().unwrap()).unwrap();
            let view = View { sort: Sort::default_for(Tab::Invoices), filter, today };
            first.0.push(timed(|| store.window_view::<InvoiceRow>(id, &view, &Seek::First, ROWS).unwrap()).1);
            totals.0.push(timed(|| store.view_totals::<InvoiceRow>(id, &view).unwrap()).1);
        }
        [opening, keys, sorting, first, totals]
    }};
}

fn main() {
    let Some(url) = std::env::var("ARDESK_BENCH_PG").ok().filter(|v| !v.is_empty()) else {
        eprintln!("ARDESK_BENCH_PG is not set: it names the PostgreSQL database holding the same books (see the top)");
        return;
    };
    let path = common::database("ARDESK_BENCH_DB", "1m.db", TODAY, &["--invoices", "1000000"]);
    let runs = common::runs(20);
    let id: i64 = std::env::var("ARDESK_BENCH_CUSTOMER").ok().and_then(|v| v.parse().ok()).unwrap_or(41);
    let today: chrono::NaiveDate = TODAY.parse().unwrap();
    // The two hold the same books, or the comparison means nothing.
    let (lite, pg) = (Store::open(&path, OpenMode::MustExist).unwrap(), PgStore::open(&url).unwrap());
    let c = lite.customer(id).unwrap();
    assert_eq!(lite.figures(&c, today).unwrap(), pg.figures(&c, today).unwrap(), "not the same books");
    drop((lite, pg));
    let on_lite = measure!(Store::open(&path, OpenMode::MustExist).unwrap(), id, runs, today);
    let on_pg = measure!(PgStore::open(&url).unwrap(), id, runs, today);
    let names = [
        ("open: store, organization, customer, figures, first window", "≤ 20 (PostgreSQL, the full page)"),
        ("a window further (a key)", "≤ 3"),
        ("first window under another sort", "≤ 8"),
        (&format!("first window of a filter ({})", FILTERS.join(" | ")), "≤ 50"),
        ("that filter's count and sums", "≤ 300 median (issue 19's)"),
    ];
    println!("| customer {id}, {runs} runs | backend | median ms | worst ms | target ms |");
    println!("|---|---|---|---|---|");
    for (i, (what, target)) in names.iter().enumerate() {
        for (backend, stats) in [("SQLite", &on_lite[i]), ("PostgreSQL", &on_pg[i])] {
            let mut v = stats.0.clone();
            v.sort();
            let ms = |d: Duration| format!("{:.2}", d.as_secs_f64() * 1e3);
            println!("| {what} | {backend} | {} | {} | {target} |", ms(v[v.len() / 2]), ms(v[v.len() - 1]));
        }
    }
}
