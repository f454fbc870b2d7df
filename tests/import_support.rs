//! Helpers shared by the import tests (`#[path]`-included by each).
#![allow(dead_code)]

use ardesk::domain::columns::{Seek, Sort};
use ardesk::domain::model::*;
use ardesk::domain::{Currency, Money};
use ardesk::import::{ImportOptions, ImportReport, run_import};
use ardesk::store::window::TabRow;
use ardesk::store::{CustomerFigures, Store};
use chrono::NaiveDate;
use std::path::PathBuf;

pub fn fixture(name: &str) -> PathBuf {
    fixture_in("stripe", name)
}

/// A fixture of one source: `tests/fixtures/import/<source>/<name>`.
pub fn fixture_in(source: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(source).join(name)
}

/// Imports fixtures of `source`; panics with the error when the run fails.
pub fn import_in(store: &mut Store, source: &str, names: &[&str]) -> ImportReport {
    let files: Vec<PathBuf> = names.iter().map(|n| fixture_in(source, n)).collect();
    run_import(store, &files, &ImportOptions::default(), false).unwrap_or_else(|e| panic!("import failed: {e}"))
}

/// The customer's contacts, by name.
pub fn contacts(store: &Store, spec: &str) -> Vec<ContactRow> {
    let mut c = rows::<ContactRow>(store, customer(store, spec).id);
    c.sort_by(|a, b| a.name.cmp(&b.name));
    c
}

/// Where the real exports are looked for: `../shared/samples/imports`
/// beside the checkout (CI's clone and the main tree have `shared/` beside
/// them) or two levels up (a worktree under `wt/`).
pub fn samples_candidates(sub: &str) -> Vec<PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let imports = |s: &str| root.join(s).join("samples/imports");
    ["../shared", "../../shared"]
        .iter()
        .map(|s| if sub.is_empty() { imports(s) } else { imports(s).join(sub) })
        .collect()
}

/// Whether this run is CI's (`CI` set, as `.ci/run` is run there; not
/// empty, "0" or "false").
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// The folder of the real exports of `sub` (a source's folder, or "" for
/// all of them). CI lays `shared/` beside its clone, so there a missing
/// folder fails the test, naming where it looked; anywhere else the test
/// says on standard error why it skips and gets `None`.
pub fn samples_dir(sub: &str) -> Option<PathBuf> {
    let looked = samples_candidates(sub);
    if let Some(dir) = looked.iter().find(|d| d.is_dir()) {
        return Some(dir.clone());
    }
    let places: Vec<String> = looked.iter().map(|d| d.display().to_string()).collect();
    let places = places.join(" or ");
    assert!(!in_ci(), "CI is set, and the real samples are not at {places}: CI must have shared/ beside its clone");
    // Past the test harness's capture, so a skip shows in a plain `cargo test`.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: the real samples are not at {places} (with CI set this fails)");
    None
}

/// The files of the real samples of a source (see `samples_dir`).
pub fn samples(source: &str) -> Option<std::fs::ReadDir> {
    samples_dir(source).map(|dir| std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())))
}

/// A copy of a fixture of `source` with `edit` applied, in `dir`.
pub fn variant_in(dir: &std::path::Path, source: &str, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(fixture_in(source, name)).unwrap();
    let path = dir.join(name.rsplit('/').next().unwrap_or(name));
    std::fs::write(&path, edit(text)).unwrap();
    path
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.set_who("tester");
    s
}

pub fn import(store: &mut Store, names: &[&str]) -> ImportReport {
    import_with(store, names, &ImportOptions::default())
}

pub fn import_with(store: &mut Store, names: &[&str], opts: &ImportOptions) -> ImportReport {
    let files: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    match run_import(store, &files, opts, false) {
        Ok(r) => r,
        Err(e) => panic!("import failed: {e}"),
    }
}

/// The Stripe customers + invoices + payments fixtures.
pub const FULL_SET: [&str; 3] =
    ["customers_all_columns_2025.csv", "invoices_default_2023.csv", "payments_default_2023.csv"];

pub fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub fn customer(store: &Store, spec: &str) -> Customer {
    store.customer(store.resolve_customer(spec).unwrap()).unwrap()
}

pub fn figures(store: &Store, spec: &str) -> CustomerFigures {
    let c = customer(store, spec);
    store.figures(&c, today()).unwrap()
}

pub fn rows<R: TabRow>(store: &Store, customer_id: i64) -> Vec<R> {
    let tab = R::TAB;
    store
        .window::<R>(customer_id, Sort::default_for(tab), &Seek::First, 10_000)
        .unwrap()
        .into_iter()
        .map(|k| k.row)
        .collect()
}

pub fn invoice(store: &Store, spec: &str, number: &str) -> InvoiceRow {
    let c = customer(store, spec);
    rows::<InvoiceRow>(store, c.id).into_iter().find(|r| r.number == number).unwrap_or_else(|| panic!("no {number}"))
}

/// The customer's payments (the credits the Payments tab lists beside
/// them left out), by reference.
pub fn payments(store: &Store, spec: &str) -> Vec<PaymentRow> {
    let c = customer(store, spec);
    let mut p = rows::<PaymentRow>(store, c.id);
    p.retain(|r| r.payment_id().is_some());
    p.sort_by(|a, b| a.reference.cmp(&b.reference));
    p
}

pub fn activity(store: &Store, spec: &str) -> Vec<String> {
    let c = customer(store, spec);
    rows::<ActivityRow>(store, c.id).into_iter().map(|r| r.summary).collect()
}

pub fn assert_consistent(store: &Store) {
    let problems = store.check(today()).unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Writes a variant of a fixture into a temporary directory.
pub fn variant(dir: &tempfile::TempDir, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, edit(text)).unwrap();
    path
}

/// A credit note's lines, found by its number among the customer's rows of
/// the Payments tab (credits are listed there with their ids negated).
pub fn credit_note_lines(store: &Store, spec: &str, number: &str) -> Vec<ardesk::domain::lines::Line> {
    let c = customer(store, spec);
    let row = rows::<PaymentRow>(store, c.id)
        .into_iter()
        .find(|r| r.payment_id().is_none() && r.reference == number)
        .unwrap_or_else(|| panic!("no credit note {number}"));
    store.credit_note_lines(-row.id).unwrap()
}

/// The helpers above that read or import through a `Store`, taking the
/// books on either backend instead (issue 21: one suite on both), under
/// the same names.
pub mod books {
    use super::{fixture, fixture_in, today};
    use ardesk::domain::columns::{Seek, Sort};
    use ardesk::domain::model::*;
    use ardesk::import::{ImportOptions, ImportReport, run_import_into};
    use ardesk::store::{Books, CustomerFigures};
    use std::path::PathBuf;

    pub fn import_in(b: &mut Books, source: &str, names: &[&str]) -> ImportReport {
        let files: Vec<PathBuf> = names.iter().map(|n| fixture_in(source, n)).collect();
        run_import_into(b, &files, &ImportOptions::default(), false).unwrap_or_else(|e| panic!("import failed: {e}"))
    }

    pub fn import(b: &mut Books, names: &[&str]) -> ImportReport {
        import_with(b, names, &ImportOptions::default())
    }

    pub fn import_with(b: &mut Books, names: &[&str], opts: &ImportOptions) -> ImportReport {
        let files: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
        run_import_into(b, &files, opts, false).unwrap_or_else(|e| panic!("import failed: {e}"))
    }

    pub fn contacts(b: &Books, spec: &str) -> Vec<ContactRow> {
        let mut c = rows::<ContactRow>(b, customer(b, spec).id);
        c.sort_by(|x, y| x.name.cmp(&y.name));
        c
    }

    pub fn customer(b: &Books, spec: &str) -> Customer {
        b.customer(b.resolve_customer(spec).unwrap()).unwrap()
    }

    pub fn figures(b: &Books, spec: &str) -> CustomerFigures {
        let c = customer(b, spec);
        b.figures(&c, today()).unwrap()
    }

    pub fn rows<R: ardesk::store::books::Rows>(b: &Books, customer_id: i64) -> Vec<R> {
        b.window::<R>(customer_id, Sort::default_for(R::TAB), &Seek::First, 10_000)
            .unwrap()
            .into_iter()
            .map(|k| k.row)
            .collect()
    }

    pub fn invoice(b: &Books, spec: &str, number: &str) -> InvoiceRow {
        let c = customer(b, spec);
        rows::<InvoiceRow>(b, c.id).into_iter().find(|r| r.number == number).unwrap_or_else(|| panic!("no {number}"))
    }

    pub fn payments(b: &Books, spec: &str) -> Vec<PaymentRow> {
        let c = customer(b, spec);
        let mut p = rows::<PaymentRow>(b, c.id);
        p.retain(|r| r.payment_id().is_some());
        p.sort_by(|x, y| x.reference.cmp(&y.reference));
        p
    }

    pub fn activity(b: &Books, spec: &str) -> Vec<String> {
        let c = customer(b, spec);
        rows::<ActivityRow>(b, c.id).into_iter().map(|r| r.summary).collect()
    }

    pub fn assert_consistent(b: &Books) {
        let problems = b.check(today()).unwrap();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    pub fn credit_note_lines(b: &Books, spec: &str, number: &str) -> Vec<ardesk::domain::lines::Line> {
        let c = customer(b, spec);
        let row = rows::<PaymentRow>(b, c.id)
            .into_iter()
            .find(|r| r.payment_id().is_none() && r.reference == number)
            .unwrap_or_else(|| panic!("no credit note {number}"));
        b.credit_note_lines(-row.id).unwrap()
    }
}
