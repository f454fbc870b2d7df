//! What the coverage-guided fuzz targets (`tests/fuzz`, run by `.ci/run`)
//! found, each kept as a regression test: the input, minimized, and what
//! must happen instead.

use ardesk::domain::filter::date_range;

/// `dates`: "066606-Q1" was the quarter of year 66606 and "-123-05" a month
/// of year −123: dates SQLite cannot store, compared as text they silently
/// matched nothing. Years have four digits.
#[test]
fn filter_ranges_take_four_digit_years_only() {
    for bad in ["066606-Q1", "-5-Q1", "+2026-Q1", "-123-05", "26-Q1"] {
        assert!(date_range(bad).is_err(), "{bad} was accepted as {:?}", date_range(bad));
    }
    assert!(date_range("2026-Q1").is_ok() && date_range("2026-03").is_ok() && date_range("0999-Q4").is_ok());
}

fn stripe(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/stripe").join(name)
}

/// `import_run`: a payments export in which a refund is gone (ch_T0I1 kept
/// 300.00 of 399.00 and paid INIT-0001 with a 99.00 refund credit; now it
/// kept all 399.00) failed with "database error: CHECK constraint failed":
/// settling added the payment made for the missing 99.00 before removing
/// the refund credit, so for a moment the invoice was paid beyond its
/// total. Shrinking rows go first now.
#[test]
fn a_refund_that_disappears_settles_without_a_database_error() {
    use ardesk::import::{ImportOptions, run_import};
    let mut store = ardesk::store::Store::open_in_memory().unwrap();
    let files: Vec<_> = ["customers_all_columns_2025.csv", "invoices_default_2023.csv", "payments_default_2023.csv"]
        .iter()
        .map(|f| stripe(f))
        .collect();
    run_import(&mut store, &files, &ImportOptions::default(), false).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let again = dir.path().join("payments.csv");
    let text = std::fs::read_to_string(stripe("payments_default_2023.csv")).unwrap();
    let unrefunded =
        text.replace("2026-02-05 08:00,399.00,99.00,eur,399.00,99.00", "2026-02-05 08:00,399.00,0.00,eur,399.00,0.00");
    assert_ne!(text, unrefunded);
    std::fs::write(&again, unrefunded).unwrap();
    let report = run_import(&mut store, &[again], &ImportOptions::default(), false).unwrap();
    assert!(report.written, "{report}");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
}

/// `csv_input`: with old Mac line ends (a lone CR, as Excel for Mac's
/// "CSV (Macintosh)" writes) every row was reported on the header's line,
/// so refused rows named the wrong line. A lone CR ends a line too.
#[test]
fn rows_after_lone_carriage_returns_have_their_own_lines() {
    use ardesk::import::csv_input::CsvInput;
    let dir = tempfile::tempdir().unwrap();
    let is_header = |cells: &[String]| cells.first().is_some_and(|c| c == "id");
    let mut lines = Vec::new();
    for (name, bytes) in [
        ("cr.csv", b"id,Name\r1,A\r2,B\r\r3,C\r".to_vec()),
        ("mixed.csv", b"id,Name\r\n1,A\r2,\"B\r\nb\"\n3,C\r\n".to_vec()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut c = CsvInput::open(&path, &is_header, false).unwrap();
        let mut found = vec![c.header_line];
        while let Some(l) = c.next_row().unwrap() {
            found.push(l.line);
        }
        lines.push(found);
    }
    assert_eq!(lines, [vec![1, 2, 3, 5], vec![1, 2, 3, 5]]);
}

/// `import_run`: an invoices export that lists GLOB-0001 (paid, by a payment
/// the import made for it) as void and then as paid again failed with
/// "database error: UNIQUE constraint failed: payments.import_source,
/// payments.external_id". Voiding released the made-up payment's
/// application but kept the payment: $800 of credit nobody gave (Credit
/// Balance $150 → $950, Total Collected unchanged), and paying again made
/// the same payment a second time. The made-up rows go with the invoice's
/// release now.
#[test]
fn voiding_an_imported_paid_invoice_takes_the_payment_made_for_it_along() {
    use ardesk::import::{ImportOptions, run_import};
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let mut store = ardesk::store::Store::open_in_memory().unwrap();
    let files: Vec<_> = ["customers_all_columns_2025.csv", "invoices_default_2023.csv", "payments_default_2023.csv"]
        .iter()
        .map(|f| stripe(f))
        .collect();
    run_import(&mut store, &files, &ImportOptions::default(), false).unwrap();
    let globex = store.resolve_customer("stripe:cus_T002Globex").unwrap();
    let metrics =
        |store: &ardesk::store::Store| store.figures(&store.customer(globex).unwrap(), today).unwrap().metrics;
    let before = metrics(&store);
    assert_eq!((before.credit_balance.minor, before.total_collected.minor), (15_000, 80_000));
    let text = std::fs::read_to_string(stripe("invoices_default_2023.csv")).unwrap();
    let header = text.lines().next().unwrap();
    let row = |paid: &str, status: &str| {
        format!(
            "in_T0G1,800.00,send_invoice,true,usd,cus_T002Globex,2025-11-01 09:00,2025-12-01 09:00,GLOB-0001,true,,\
             800.00,0.00,,,,800.00,{paid},{status}"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let (void, both) = (dir.path().join("void.csv"), dir.path().join("both.csv"));
    std::fs::write(&void, format!("{header}\n{}\n", row("0.00", "void"))).unwrap();
    std::fs::write(&both, format!("{header}\n{}\n{}\n", row("0.00", "void"), row("800.00", "paid"))).unwrap();
    // Void and paid again in one file: imports, and ends as it began.
    let mut again = ardesk::store::Store::open_in_memory().unwrap();
    run_import(&mut again, &files, &ImportOptions::default(), false).unwrap();
    run_import(&mut again, &[both], &ImportOptions::default(), false).unwrap();
    assert_eq!(metrics(&again), before);
    assert_eq!(again.check(today).unwrap(), Vec::<String>::new());
    // Void: nothing was collected on it any more, and no credit appears.
    run_import(&mut store, &[void], &ImportOptions::default(), false).unwrap();
    let after = metrics(&store);
    assert_eq!((after.credit_balance.minor, after.total_collected.minor), (15_000, 0));
    assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
}
