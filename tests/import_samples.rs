//! Runs the importer over every real export in ../shared/samples/imports:
//! no panic, a sensible report or a clear error for sources without a
//! module yet, and a consistent database. Without the folder the tests say
//! they skip; under CI, which has it, they fail (`support::samples_dir`).

use ardesk::import::{ImportError, ImportOptions, run_import};
use ardesk::store::Store;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

#[path = "import_support.rs"]
mod support;

fn samples() -> Option<PathBuf> {
    support::samples_dir("")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else if p.file_name().is_some_and(|n| n != "SOURCE.txt") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

#[test]
fn every_sample_file_alone_imports_or_is_refused_clearly() {
    let Some(dir) = samples() else { return };
    for f in files(&dir) {
        let mut store = Store::open_in_memory().unwrap();
        let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
        let result = run_import(&mut store, std::slice::from_ref(&f), &opts, false);
        let name = f.strip_prefix(&dir).unwrap().display().to_string();
        match result {
            Ok(report) => {
                println!("== {name}\n{report}");
                assert!(report.rows > 0 || !report.files.is_empty(), "{name}");
                assert!(store.check(today()).unwrap().is_empty(), "{name}: {:?}", store.check(today()));
            }
            Err(e @ (ImportError::NotSupported { .. } | ImportError::UnknownFormat { .. })) => {
                println!("== {name}\nerror: {e}");
                let text = e.to_string();
                assert!(text.contains("not supported yet") || text.contains("unknown format"), "{name}: {text}");
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
}

#[test]
fn all_stripe_samples_in_one_run() {
    let Some(dir) = samples() else { return };
    let csvs: Vec<PathBuf> =
        files(&dir.join("stripe")).into_iter().filter(|p| p.extension().is_some_and(|e| e == "csv")).collect();
    let mut store = Store::open_in_memory().unwrap();
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let report = run_import(&mut store, &csvs, &opts, false).unwrap();
    println!("{report}");
    assert!(store.check(today()).unwrap().is_empty(), "{:?}", store.check(today()));
    let again = run_import(&mut store, &csvs, &opts, false).unwrap();
    println!("{again}");
    assert_eq!(again.changes(), 0, "{again}");
}
