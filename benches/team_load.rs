//! A team on one host (issue 19), the full form: 10 ardesk TUIs in tmux
//! with the live view on and 10 writer processes at 5 writes a second each
//! (payments, new invoices, cancels through the store) on the same four
//! customers of one database, for a minute, on this machine alone. Prints
//! the figures README's Reliability section gives.
//!
//!     cargo bench --bench team_load
//!     (ARDESK_LOAD_SECS, ARDESK_LOAD_TUIS, ARDESK_LOAD_WRITERS,
//!      ARDESK_LOAD_RATE, ARDESK_LOAD_CUSTOMERS to tune)
//!
//! On PostgreSQL too (issue 21): `ARDESK_LOAD_PG` is the URL of a database
//! on a cluster to connect to as one who may create databases (`bash .ci/pg
//! start` prints one as ARDESK_TEST_PG); each run makes its own database
//! there and drops it after. The same load then runs on a SQLite file and
//! on the server, one after the other, and the figures are printed side by
//! side; `ARDESK_LOAD_ONLY=pg` (or `sqlite`) runs one of them. The server
//! must allow the sessions: each TUI holds a few, each writer one.
//!
//! The short form runs in CI as `tests/team_load.rs`. Needs tmux.

#[path = "../tests/common/load.rs"]
mod load;

use load::Backend;
use std::time::Duration;

fn main() {
    if load::writer_role() {
        load::writer_main();
        return;
    }
    let mut backends = vec![Backend::Sqlite];
    if let Some(url) = std::env::var("ARDESK_LOAD_PG").ok().filter(|v| !v.is_empty()) {
        backends.push(Backend::Postgres(url));
    }
    match std::env::var("ARDESK_LOAD_ONLY").as_deref() {
        Ok("pg" | "postgres" | "postgresql") => backends.retain(|b| *b != Backend::Sqlite),
        Ok("sqlite") => backends.retain(|b| *b == Backend::Sqlite),
        Ok(other) => panic!("ARDESK_LOAD_ONLY is pg or sqlite, not {other:?}"),
        Err(_) => {}
    }
    assert!(!backends.is_empty(), "ARDESK_LOAD_ONLY=pg needs ARDESK_LOAD_PG");
    let mut reports = Vec::new();
    let mut ok = true;
    for backend in backends {
        let cfg = load::Config::from_env(load::Config {
            duration: Duration::from_secs(60),
            tuis: 10,
            writers: 10,
            writes_per_sec: 5,
            customers: 4,
            backend,
        });
        eprintln!("running {cfg:?} …");
        let report = load::run(&cfg, env!("CARGO_BIN_EXE_ardesk").as_ref(), || {
            std::process::Command::new(std::env::current_exe().unwrap())
        });
        println!("{}", report.table());
        if !report.stale.is_empty() {
            let mut why: std::collections::BTreeMap<String, usize> = Default::default();
            for s in &report.stale {
                // The invoice number varies; the reason after it does not.
                let key = s.split_once(' ').map_or(s.as_str(), |(_, r)| r).to_string();
                *why.entry(key).or_default() += 1;
            }
            println!("refused because the chosen invoice changed meanwhile:");
            for (w, n) in why {
                println!("  {n} × … {w}");
            }
        }
        if !(report.lost.is_empty() && report.errors.is_empty() && report.check_ok) {
            eprintln!(
                "{}: lost: {:#?}\nerrors: {:#?}\ncheck: {}",
                report.backend, report.lost, report.errors, report.check_output
            );
            ok = false;
        }
        reports.push(report);
    }
    if reports.len() > 1 {
        println!("{}", load::side_by_side(&reports));
    }
    if !ok {
        std::process::exit(1);
    }
}
