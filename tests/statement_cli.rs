//! `ardesk statement` and `ardesk statements` run as a user runs them, on
//! the demo database: text to standard output, files never overwritten
//! without --force, --from after the statement date refused, a batch of
//! the 40 demo customers in seconds that a second run skips, and
//! --only-overdue and --customers choosing whom, a PDF refused on a
//! terminal.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};
use support::{demo_db, run};

fn db() -> &'static str {
    demo_db().to_str().unwrap()
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn a_text_statement_to_standard_output() {
    let (code, out, err) = run(&["--db", db(), "--as-of", "2026-02-28", "statement", "--customer", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Open-item statement") && out.contains("Date: 2026-02-28"), "{out}");
    assert!(out.contains("Total due (USD)"), "{out}");
    let (code, out, err) =
        run(&["--db", db(), "--today", "2026-03-01", "statement", "--customer", "1", "--from", "2026-01-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Balance brought forward") && out.contains("Closing balance"), "{out}");
    assert!(out.contains("Period: 2026-01-01 to 2026-03-01"), "{out}");
    // A PDF goes to a pipe as it is.
    let (code, out, err) = run(&["--db", db(), "statement", "--customer", "4", "--format", "pdf"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("%PDF-"));
}

#[test]
fn from_after_the_statement_date_is_refused() {
    let (code, out, err) =
        run(&["--db", db(), "--as-of", "2026-02-01", "statement", "--customer", "1", "--from", "2026-02-02"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("--from 2026-02-02 is after the statement date 2026-02-01"), "{err}");
}

#[test]
fn an_existing_file_is_kept_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.pdf");
    let f = file.to_str().unwrap();
    let args = ["--db", db(), "--as-of", "2026-02-28", "statement", "--customer", "4", "--format", "pdf", "--out", f];
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF-"));
    std::fs::write(&file, b"mine").unwrap();
    let (code, _, err) = run(&args);
    assert_eq!(code, 2);
    assert!(err.contains("already exists: add --force"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"mine");
    let mut forced = args.to_vec();
    forced.push("--force");
    let (code, _, err) = run(&forced);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF-"));
    assert_eq!(files(dir.path()), ["s.pdf"], "no temporary file left");
}

#[test]
fn a_batch_writes_every_customer_in_seconds_and_a_second_run_skips_them() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let o = out_dir.to_str().unwrap();
    let started = Instant::now();
    let (code, out, err) = run(&["--db", db(), "--as-of", "2026-02-28", "statements", "--out-dir", o]);
    let took = started.elapsed();
    assert_eq!(code, 0, "{err}");
    assert!(took < Duration::from_secs(30), "40 statements took {took:?}");
    let written = files(&out_dir);
    assert_eq!(written.len(), 40, "{written:?}");
    assert!(written.iter().all(|f| f.starts_with("statement-") && f.ends_with("-2026-02-28.pdf")));
    assert!(written.contains(&"statement-4-2026-02-28.pdf".to_string()));
    assert!(out.contains("40 written, 0 skipped"), "{out}");
    let (code, out, err) = run(&["--db", db(), "--as-of", "2026-02-28", "statements", "--out-dir", o]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 written, 40 skipped"), "{out}");
    // The date is required.
    let (code, _, err) = run(&["--db", db(), "statements", "--out-dir", o]);
    assert_eq!(code, 2);
    assert!(err.contains("--as-of DATE"), "{err}");
}

#[test]
fn only_overdue_and_customers_choose_whom() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("o");
    let o = o.to_str().unwrap();
    let (code, out, err) = run(&[
        "--db",
        db(),
        "--as-of",
        "2026-02-28",
        "statements",
        "--out-dir",
        o,
        "--only-overdue",
        "--format",
        "txt",
    ]);
    assert_eq!(code, 0, "{err}");
    let overdue = files(Path::new(o));
    assert!(!overdue.is_empty() && overdue.len() < 40, "{overdue:?} {out}");
    for f in &overdue {
        let id: i64 = f.trim_start_matches("statement-").split('-').next().unwrap().parse().unwrap();
        let (_, json, _) = run(&["--db", db(), "--as-of", "2026-02-28", "customer", &id.to_string(), "--json"]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let some = |x: &serde_json::Value| x.as_str().unwrap().parse::<f64>().unwrap() > 0.0;
        let own_overdue = some(&v["metrics"]["overdue"]);
        let other_overdue = v["other_currencies"].as_array().unwrap().iter().any(|c| some(&c["overdue"]));
        assert!(own_overdue || other_overdue, "customer {id} has nothing overdue");
    }
    let p = dir.path().join("p");
    let p = p.to_str().unwrap();
    let (code, _, err) = run(&[
        "--db",
        db(),
        "--as-of",
        "2026-02-28",
        "statements",
        "--out-dir",
        p,
        "--customers",
        "4, 12",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(files(Path::new(p)), ["statement-12-2026-02-28.csv", "statement-4-2026-02-28.csv"]);
    let q = dir.path().join("q");
    let q = q.to_str().unwrap();
    let (code, _, err) =
        run(&["--db", db(), "--as-of", "2026-02-28", "statements", "--out-dir", q, "--customers", "BOREALIS"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(files(Path::new(q)), ["statement-4-2026-02-28.pdf"]);
}

/// A PDF is not written to a terminal: the command asks for --out.
#[test]
fn a_pdf_on_a_terminal_is_refused() {
    let mut t = support::Tui::start(&["--db", db(), "statement", "--customer", "4", "--format", "pdf"], 100, 24);
    t.wait_for("a PDF is not for the terminal: write it to a file with --out FILE");
    assert_eq!(t.wait_exit(), 2);
    assert!(!t.screen().contains("%PDF"));
}
