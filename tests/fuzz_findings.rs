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
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(date_range("2026-Q1"), Ok((d("2026-01-01"), d("2026-03-31"))));
    assert_eq!(date_range("2026-03"), Ok((d("2026-03-01"), d("2026-03-31"))));
    assert_eq!(date_range("0999-Q4"), Ok((d("0999-10-01"), d("0999-12-31"))));
    assert_eq!(date_range("9999"), Ok((d("9999-01-01"), d("9999-12-31"))));
}

/// The figures of one imported customer that these findings were about.
fn figures(store: &ardesk::store::Store, spec: &str) -> ardesk::store::CustomerFigures {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let c = store.customer(store.resolve_customer(spec).unwrap()).unwrap();
    let f = store.figures(&c, today).unwrap();
    assert_eq!(f, store.figures_oracle(&c, today).unwrap(), "{spec}: the summaries equal the raw rows");
    f
}

/// (outstanding, credit balance, total collected) in minor units, and the
/// invoice and payment counts.
/// Outstanding, credit and collected; the invoices and the rows of the
/// Payments tab (payments and credits).
fn money_and_counts(f: &ardesk::store::CustomerFigures) -> ([i64; 3], [i64; 2]) {
    let m = &f.metrics;
    ([m.outstanding, m.credit_balance, m.total_collected].map(|x| x.minor), [f.counts[0], f.counts[2]])
}

/// The customer's payments.
fn payments(store: &ardesk::store::Store, spec: &str) -> Vec<ardesk::domain::model::PaymentRow> {
    use ardesk::domain::columns::{Seek, Sort, Tab};
    let id = store.resolve_customer(spec).unwrap();
    let window = store.window(id, Sort::default_for(Tab::Payments), &Seek::First, 100).unwrap();
    window.into_iter().map(|k| k.row).collect()
}

/// (total billed, billed and collected) in minor units.
fn billed(f: &ardesk::store::CustomerFigures) -> (i64, i64) {
    (f.metrics.total_billed.minor, f.metrics.billed_collected.minor)
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
    // Before, by hand: INIT-0001 (€399.00) paid by €300.00 of ch_T0I1 and
    // €99.00 of refund credit, so nothing owed and no credit left over;
    // €399.00 − €99.00 refunded collected. Credit is not collection
    // (design.md's rule of 2026-12-05; this test left Billed & Collected out
    // while it counted the credit as collected): Total Billed is €399.00 less
    // the €99.00 of credit = €300.00, and Billed & Collected the money only,
    // €300.00.
    let initech = "stripe:cus_T003Initech";
    // The Payments tab: ch_T0I1 and the refund credit.
    assert_eq!(money_and_counts(&figures(&store, initech)), ([0, 0, 30_000], [1, 2]));
    assert_eq!(billed(&figures(&store, initech)), (30_000, 30_000));
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
    // After: the payment kept all €399.00 and paid the invoice with it; the
    // refund credit is gone, so nothing is left over as credit.
    let after = figures(&store, initech);
    assert_eq!((after.metrics.outstanding.minor, after.counts[0]), (0, 1), "INIT-0001 still paid in full");
    let ch = payments(&store, initech).into_iter().find(|p| p.reference == "ch_T0I1").expect("ch_T0I1");
    assert_eq!((ch.amount.minor, ch.refunded_minor), (39_900, 0), "ch_T0I1 kept all €399.00");
    // By hand, Stripe's books now say €399.00 collected and no credit. ardesk
    // leaves ch_T0I1 applied €300.00 and makes a €99.00 payment for the
    // invoice in place of the refund credit, so it shows €498.00 collected
    // and €99.00 of credit (ch_T0I1's unapplied rest): a known importer bug
    // (src/import/settle.rs tops up new payments only, not linked ones),
    // pinned here so that its fix shows up as a change of these figures.
    assert_eq!(money_and_counts(&after), ([0, 9_900, 49_800], [1, 2]), "see the comment above");
    // No credit is left on INIT-0001: all €399.00 of it is billed, and all
    // of it was paid with money (€300.00 of ch_T0I1 and the €99.00 payment).
    assert_eq!(billed(&after), (39_900, 39_900));
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
    // And the cells are the rows' own: the quoted line break stays in its cell.
    let path = dir.path().join("mixed.csv");
    let mut c = CsvInput::open(&path, &is_header, false).unwrap();
    let mut cells = Vec::new();
    while c.next_row().unwrap().is_some() {
        cells.push((c.cell(0).into_owned(), c.cell(1).into_owned()));
    }
    let want = [("1", "A"), ("2", "B\r\nb"), ("3", "C")].map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(cells, want);
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
    let globex = "stripe:cus_T002Globex";
    let metrics = |store: &ardesk::store::Store| figures(store, globex).metrics;
    let before = metrics(&store);
    // By hand: GLOB-0001 $800.00 paid (by a payment the import made), GLOB-0002
    // $600.00 open and due 2026-02-14 (15 days overdue), GLOB-0003 $250.00
    // uncollectible; Stripe's balance of −$150.00 is the customer's credit.
    // The Payments tab: the made-up payment and the $150.00 credit.
    assert_eq!(money_and_counts(&figures(&store, globex)), ([60_000, 15_000, 80_000], [3, 2]));
    assert_eq!(billed(&figures(&store, globex)), (165_000, 80_000));
    assert_eq!((before.overdue.minor, before.aging.map(|a| a.minor)), (60_000, [0, 60_000, 0, 0, 0]));
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
    // The void leaves $600.00 + $250.00 billed, none of it collected, the
    // made-up payment gone with the invoice, and GLOB-0002 still owed.
    assert_eq!(money_and_counts(&figures(&store, globex)), ([60_000, 15_000, 0], [3, 1]), "the credit stays");
    assert_eq!(billed(&figures(&store, globex)), (85_000, 0));
    assert_eq!((after.overdue.minor, after.aging.map(|a| a.minor)), (60_000, [0, 60_000, 0, 0, 0]));
    assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
}
