//! The import as a user runs it: the real binary on the Stripe customers +
//! invoices + payments fixtures, then `ardesk customer ID --json` showing
//! the figures the hand computation in tests/import_stripe_csv.rs gives.

mod support;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/import/stripe/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn import_then_customer_json_shows_the_hand_computed_figures() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let db = db.to_str().unwrap();
    let files = ["customers_all_columns_2025.csv", "invoices_default_2023.csv", "payments_default_2023.csv"];
    let mut args = vec!["--db", db, "--today", "2026-03-01", "import", "--dry-run"];
    let paths: Vec<String> = files.iter().map(|f| fixture(f)).collect();
    args.extend(paths.iter().map(String::as_str));
    let (code, out, err) = support::run(&args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("dry run: nothing was written"), "{out}");
    let (_, list, _) = support::run(&["--db", db, "customers", "--json"]);
    assert_eq!(list.trim(), "[]", "the dry run wrote nothing");

    args.retain(|a| *a != "--dry-run");
    let (code, out, err) = support::run(&args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("(written)"), "{out}");

    let (code, out, err) =
        support::run(&["--db", db, "--today", "2026-03-01", "customer", "stripe:cus_T001Acme", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let m = &v["metrics"];
    // Acme: billed 1000 + 500 + 300; collected 1000; outstanding 800 of
    // which 300 overdue; ch_T0A9's 100 unapplied is credit; collected 1100
    // over 2 payments; 1000 applied 15 days after issue.
    assert_eq!(m["total_billed"], "1800.00");
    assert_eq!(m["billed_collected"], "1000.00");
    assert_eq!((m["outstanding"].as_str(), m["overdue"].as_str()), (Some("800.00"), Some("300.00")));
    assert_eq!(m["credit_balance"], "100.00");
    assert_eq!((m["total_collected"].as_str(), m["payments_collected"].as_i64()), (Some("1100.00"), Some(2)));
    assert_eq!(m["avg_days_to_collect"].to_string(), "15.00");
    assert_eq!(v["import_source"], "stripe");
    assert_eq!(v["external_url"], "https://dashboard.stripe.com/customers/cus_T001Acme");

    // The same files again change nothing, and the books check clean.
    let (code, out, _) = support::run(&args);
    assert_eq!(code, 0);
    for object in ["customers", "invoices", "payments"] {
        let row: Vec<&str> = out
            .lines()
            .map(str::split_whitespace)
            .map(Iterator::collect::<Vec<_>>)
            .find(|cols| cols.first() == Some(&object))
            .unwrap_or_else(|| panic!("no {object} row in {out}"));
        assert_eq!((row[1], row[2]), ("0", "0"), "{object}: nothing created or updated the second time\n{out}");
    }
    let (code, out, _) = support::run(&["--db", db, "check"]);
    assert_eq!(code, 0, "{out}");
}

/// `--decimal-comma` / `--decimal-point` say how to read a file whose
/// amounts do not show it, which is refused without them (exit 2, the
/// line named); the two together are refused by the command line.
#[test]
fn the_decimal_flags_read_a_file_that_does_not_show_its_mark() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let db = db.to_str().unwrap();
    let csv = dir.path().join("eu.csv");
    std::fs::write(
        &csv,
        "id;Amount Due;Currency;Customer;Customer Name;Date (UTC);Due Date (UTC);Number;Status;Total\n\
         in_1;1.500;eur;cus_1;Eu Co;2026-01-05;2026-02-04;EU-1;open;1.500\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    let (code, out, err) = support::run(&["--db", db, "import", csv]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("line 2's Total \"1.500\" is €1.50 with a decimal point and €1,500.00 with a decimal comma"),
        "{err}"
    );
    let (code, _, err) = support::run(&["--db", db, "import", "--decimal-comma", "--decimal-point", csv]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be used with"), "{err}");
    let (code, out, err) = support::run(&["--db", db, "import", "--decimal-comma", csv]);
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = support::run(&["--db", db, "invoices", "--customer", "stripe:cus_1", "--format", "json"]);
    assert!(out.contains("1500.00"), "{out}");
}
