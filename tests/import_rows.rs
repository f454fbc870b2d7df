//! Rows of an import file that do not say what they seem to: a header
//! too wide to read in time, rows with the wrong number of fields, dates
//! without their century, due dates before issue dates, more paid than
//! owed, and rows that name nobody. Each is refused with its file, line and
//! field, or imported faithfully where the file's meaning is clear.

#[path = "import_support.rs"]
mod support;

use ardesk::import::{Counted, ImportOptions, run_import};
use std::fmt::Write as _;
use std::path::PathBuf;
use support::*;

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const INVOICE_HEADER: &str =
    "id,Amount Due,Amount Paid,Currency,Customer,Customer Name,Date (UTC),Due Date (UTC),Number,Status,Total";

/// A header of 100,000 columns, half of them one name repeated: numbering
/// the repeats compared each name with every one before it (25,000
/// columns took 0.8 s, 100,000 took 15 s, and the same name repeated took
/// minutes). The count of names tried is held to linear by
/// `csv_input::tests::repeated_header_names_are_numbered_in_linear_time`;
/// this reads such a file whole.
#[test]
fn a_header_of_100k_columns_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(INVOICE_HEADER);
    for i in 0..100_000 {
        if i % 2 == 0 {
            text.push_str(",x");
        } else {
            let _ = write!(text, ",c{i}");
        }
    }
    text.push_str("\nin_W1,10.00,0.00,usd,cus_W1,Wide Co,2026-01-02,2026-02-01,W-1,open,10.00");
    text.push_str(&",".repeat(100_000));
    text.push('\n');
    let path = write(&dir, "wide.csv", &text);
    let mut s = store();
    let r = run_import(&mut s, &[path], &ImportOptions::default(), false).unwrap();
    assert_eq!(r.count(Counted::Invoices).created, 1, "{r}");
    assert_eq!(invoice(&s, "stripe:cus_W1", "W-1").total, usd(1_000));
}
