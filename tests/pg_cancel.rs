//! Stopping a read on PostgreSQL as the app stops one on SQLite (issue 21):
//! `Books::within` gives `None` when the server's statement timeout ends a
//! read past its budget, and leaves no timeout behind for the next read;
//! an `Interrupt` sent from another thread ends a running read as
//! `StoreError::Interrupted`, and the connection goes on working.

mod support;

use ardesk::domain::customer_list::{CustomerCol, ListView};
use ardesk::store::pg::PgStore;
use ardesk::store::{Books, StoreError};
use std::time::{Duration, Instant};
use support::pg::{TestDb, fresh};

/// 60,000 customers, enough for the Overdue ranking (one sorted statement
/// over them all) to take far longer than a millisecond.
fn many() -> Option<(TestDb, Books)> {
    let db = fresh()?;
    let books = Books::from(PgStore::open(&db.url).unwrap());
    db.client()
        .batch_execute(
            "INSERT INTO customers (name, currency, created_at)
             SELECT 'Customer ' || n, 'USD', '2026-01-01T00:00:00Z' FROM generate_series(1, 60000) n",
        )
        .unwrap();
    Some((db, books))
}

fn overdue() -> ListView {
    ListView { sort: CustomerCol::Overdue, desc: true, query: String::new(), today: "2026-03-01".parse().unwrap() }
}

#[test]
fn a_read_past_its_budget_is_stopped_and_the_next_runs_whole() {
    let Some((_db, books)) = many() else { return };
    let view = overdue();
    let stopped = books.within(Duration::from_millis(1), |b| b.list_ranking(&view)).unwrap();
    assert!(stopped.is_none(), "the ranking of 60,000 customers took under a millisecond?");
    // No timeout left behind: the same read without a budget is whole.
    let whole = books.list_ranking(&view).unwrap();
    assert_eq!(whole.len(), 60_000);
    // And one within a generous budget comes back whole too.
    let within = books.within(Duration::from_secs(60), |b| b.list_ranking(&view)).unwrap();
    assert_eq!(within, Some(whole));
}

#[test]
fn an_interrupt_from_another_thread_stops_a_running_read() {
    let Some((_db, books)) = many() else { return };
    let handle = books.interrupt_handle();
    let view = overdue();
    // Sent again and again until the read has ended: one sent before the
    // statement reached the server would find nothing to stop.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = done.clone();
    let sender = std::thread::spawn(move || {
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            handle.interrupt();
            std::thread::sleep(Duration::from_millis(2));
        }
    });
    let started = Instant::now();
    let mut outcome = Ok(Vec::new());
    for _ in 0..50 {
        outcome = books.list_ranking(&view);
        if outcome.is_err() {
            break;
        }
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    sender.join().unwrap();
    assert!(matches!(outcome, Err(StoreError::Interrupted)), "{outcome:?} after {:?}", started.elapsed());
    // The connection is still good. A cancel request travels on a
    // connection of its own and lands on whatever runs when it arrives:
    // one sent as the read ended may stop the next read, once.
    let mut next = books.list_ranking(&view);
    for _ in 0..5 {
        if !matches!(next, Err(StoreError::Interrupted)) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        next = books.list_ranking(&view);
    }
    assert_eq!(next.unwrap().len(), 60_000);
}
