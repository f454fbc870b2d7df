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
//! The short form runs in CI as `tests/team_load.rs`. Needs tmux.

#[path = "../tests/common/load.rs"]
mod load;

use std::time::Duration;

fn main() {
    if load::writer_role() {
        load::writer_main();
        return;
    }
    let cfg = load::Config::from_env(load::Config {
        duration: Duration::from_secs(60),
        tuis: 10,
        writers: 10,
        writes_per_sec: 5,
        customers: 4,
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
    let ok = report.lost.is_empty() && report.errors.is_empty() && report.check_ok;
    if !ok {
        eprintln!("lost: {:#?}\nerrors: {:#?}\ncheck: {}", report.lost, report.errors, report.check_output);
        std::process::exit(1);
    }
}
