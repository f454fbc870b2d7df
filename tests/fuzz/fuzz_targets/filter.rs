//! The filter bar: parsing for every tab, then the SQL it becomes, run on
//! a small database with every sort column. A filter either explains what
//! is wrong or runs: never a database error, never a panic.
#![no_main]

use ardesk::domain::Currency;
use ardesk::domain::columns::{Col, Seek, Sort, Tab};
use ardesk::domain::filter::{Filter, parse};
use ardesk::store::Store;
use ardesk::store::window::{TabRow, View};
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

thread_local! {
    static STORE: Store = ardesk_fuzz::books();
}

fn run<R: TabRow>(store: &Store, filter: &Filter, col: Col, desc: bool) {
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
    let view = View { sort: Sort { col, desc }, filter: filter.clone(), today };
    for customer in [1, 2] {
        if let Err(e) = store.window_view::<R>(customer, &view, &Seek::First, 20) {
            panic!("{:?} window for {:?}: {e}", R::TAB, filter.source);
        }
        if let Err(e) = store.view_totals::<R>(customer, &view) {
            panic!("{:?} totals for {:?}: {e}", R::TAB, filter.source);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let tab = Tab::ALL[sel as usize % Tab::ALL.len()];
    let currency = if sel & 0x80 == 0 { Currency::USD } else { Currency::JPY };
    let filter = match parse(text, tab, currency) {
        Ok(f) => f,
        Err(e) => {
            assert!(!e.trim().is_empty(), "{text:?} refused without a reason");
            return;
        }
    };
    let cols = Col::for_tab(tab);
    let col = cols[(sel as usize / 6) % cols.len()];
    let desc = sel & 0x40 != 0;
    // Every tab, through the registry: a new tab is fuzzed as it lands.
    STORE.with(|store| ardesk::per_tab!(tab, |R| run::<R>(store, &filter, col, desc)));
});
