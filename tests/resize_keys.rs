//! Keys typed right after a resize are read. crossterm's reader returned
//! the resize and forgot that keys were waiting too (an edge-triggered
//! epoll), so they sat unread until another key came: two `q`s after a
//! resize storm left ardesk running, and here one key in two went unseen.
//! The real binary in a pseudo-terminal: a burst of resizes, a key at once,
//! and the key's effect must show, again and again.

mod support;

use std::time::{Duration, Instant};
use support::{TODAY, Tui, demo_db};

/// Whether the screen satisfies `pred` within `wait` (a lost key never
/// shows; one read shows within milliseconds).
fn shows(tui: &Tui, wait: Duration, pred: impl Fn(&str) -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < wait {
        if pred(&tui.screen()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

#[test]
fn a_key_typed_during_a_resize_is_read() {
    let db = demo_db().to_str().unwrap().to_string();
    let mut tui = Tui::start(&["--db", &db, "--today", TODAY, "--customer", "1"], 100, 30);
    tui.wait_page();
    let help = |s: &str| s.contains("Keys") && s.contains("Help");
    for round in 0..16u16 {
        for k in 0..8u16 {
            tui.resize(90 + k, 30);
            std::thread::sleep(Duration::from_micros(300));
        }
        tui.resize(100, 30);
        std::thread::sleep(Duration::from_micros(200 * u64::from(round % 5)));
        tui.send("?");
        // Patient: a loaded machine is slow, not broken; a lost key would
        // never show.
        assert!(shows(&tui, Duration::from_secs(10), help), "round {round}: `?` was not read:\n{}", tui.screen());
        tui.send("\x1b");
        assert!(shows(&tui, Duration::from_secs(10), |s| !help(s)), "round {round}: Esc was not read");
    }
    tui.send("q");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

/// More than crossterm reads at once (1,024 bytes) typed in one burst: a
/// paste into the filter line. The rest, Enter included, is read without
/// waiting for another key.
#[test]
fn a_burst_longer_than_one_read_is_read_whole() {
    let db = demo_db().to_str().unwrap().to_string();
    let mut tui = Tui::start(&["--db", &db, "--today", TODAY, "--customer", "1"], 100, 30);
    tui.wait_page();
    tui.send("/");
    assert!(shows(&tui, Duration::from_secs(10), |s| s.contains("filter")), "{}", tui.screen());
    let burst = format!("{}INV-000032\r", " ".repeat(3000));
    tui.send(&burst);
    let one = |s: &str| s.contains("Invoices 1–1 of 1") && s.contains("INV-000032");
    assert!(shows(&tui, Duration::from_secs(10), one), "the end of the burst was not read:\n{}", tui.screen());
}
