//! How runs behave: idempotent, all or nothing, dry runs, local edits kept
//! as conflicts, newer exports applied, one audit row per customer, clear
//! errors for files that cannot be imported, and the bulk path.

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::domain::Currency;
use ardesk::domain::edit::CustomerEdit;
use ardesk::domain::status::*;
use ardesk::import::{Counted, ImportError, ImportOptions, run_import_into};
use ardesk::store::Books;
use imp::books::{activity, assert_consistent, customer, import, import_with, invoice};
use imp::*;
use std::path::PathBuf;
use support::backends::{another, execute, import_tuned};

fn all_figures(s: &Books) -> Vec<ardesk::store::CustomerFigures> {
    s.customer_list(today()).unwrap().iter().map(|c| s.figures(&s.customer(c.id).unwrap(), today()).unwrap()).collect()
}

on_both! {
fn importing_the_same_files_twice_changes_nothing(s: &mut Books) {
    import(s, &FULL_SET);
    let before = all_figures(s);
    let audit = activity(s, "stripe:cus_T001Acme");
    let again = import(s, &FULL_SET);
    assert_eq!(again.changes(), 0, "{again}");
    assert_eq!(again.count(Counted::Customers).unchanged, 4);
    assert_eq!(again.count(Counted::Invoices).unchanged, 10);
    assert_eq!(again.count(Counted::Payments).unchanged, 4);
    assert!(again.conflicts.is_empty());
    assert_eq!(all_figures(s), before);
    assert_eq!(activity(s, "stripe:cus_T001Acme"), audit, "an unchanged run writes no audit row");
    assert_consistent(s);
}
}

on_both! {
fn one_audit_row_per_imported_customer(s: &mut Books) {
    import(s, &FULL_SET);
    let acme = activity(s, "stripe:cus_T001Acme");
    assert_eq!(acme.len(), 1, "{acme:?}");
    assert_eq!(acme[0], "imported from Stripe: customer created, 5 invoices created, 3 payments created");
    let globex = activity(s, "stripe:cus_T002Globex");
    assert_eq!(
        globex,
        ["imported from Stripe: customer created, 3 invoices created, 1 payment created, 1 credit created"]
    );
}
}

on_both! {
fn a_file_with_one_bad_row_writes_nothing_and_names_the_line(s: &mut Books) {
    let files: Vec<PathBuf> = ["customers_all_columns_2025.csv", "invoices_one_bad_row.csv"].map(fixture).to_vec();
    let err = run_import_into(s, &files, &ImportOptions::default(), false).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("invoices_one_bad_row.csv:3 REFUSED (invoices): Total: \"5O0.00\" is not an amount"),
        "{text}"
    );
    assert!(text.contains("nothing was written"), "{text}");
    let ImportError::Refused { report } = err else { panic!() };
    assert!(!report.written);
    assert!(s.customer_list(today()).unwrap().is_empty(), "the customers file's rows were rolled back too");
    // --skip-bad-rows: the rest lands, the bad row is listed.
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let r = run_import_into(s, &files, &opts, false).unwrap();
    assert!(r.written);
    assert_eq!((r.count(Counted::Invoices).created, r.count(Counted::Invoices).refused), (2, 1));
    assert_eq!(s.customer_list(today()).unwrap().len(), 4);
    assert_consistent(s);
}
}

on_both! {
fn a_dry_run_reports_everything_and_writes_nothing(s: &mut Books) {
    let opts = ImportOptions { dry_run: true, ..Default::default() };
    let r = import_with(s, &FULL_SET, &opts);
    assert!(r.dry_run && !r.written);
    assert_eq!(r.count(Counted::Invoices).created, 10);
    assert!(r.to_string().contains("dry run: nothing was written"), "{r}");
    assert!(s.customer_list(today()).unwrap().is_empty());
    // The real run reports the same.
    let real = import(s, &FULL_SET);
    assert_eq!(real.counts, r.counts);
}
}

on_both! {
fn a_local_edit_is_kept_and_reported_when_the_file_changes_it_too(s: &mut Books) {
    import(s, &["customers_all_columns_2025.csv"]);
    let acme = customer(s, "stripe:cus_T001Acme");
    let edit = CustomerEdit {
        name: "Acme (our name)".into(),
        legal_name: "Acme Company Ltd".into(),
        billing_email: acme.billing_email.clone(),
        billing_address: String::new(),
        currency: Currency::USD,
        invoices_paused: false,
        portal: false,
    };
    s.update_customer(acme.id, acme.version, &edit).unwrap();
    // Re-importing the same file: the file did not change the name, so the
    // user's edit simply stays.
    let same = import(s, &["customers_all_columns_2025.csv"]);
    assert!(same.conflicts.is_empty() && same.changes() == 0, "{same}");
    // A newer export renames Acme and changes its email.
    let dir = tempfile::tempdir().unwrap();
    let newer = variant(&dir, "customers_all_columns_2025.csv", |t| {
        t.replace("Acme Co,", "ACME Corporation,").replace("acme@example.test", "billing@acme.test")
    });
    let r = run_import_into(s, std::slice::from_ref(&newer), &ImportOptions::default(), false).unwrap();
    let c = &r.conflicts;
    assert_eq!(c.len(), 1, "{r}");
    assert_eq!((c[0].line, c[0].field.as_str(), c[0].external_id.as_str()), (2, "name", "cus_T001Acme"));
    assert_eq!((c[0].local.as_str(), c[0].incoming.as_str()), ("Acme (our name)", "ACME Corporation"));
    assert!(r.to_string().contains("customers_all_columns_2025.csv:2 customer cus_T001Acme name: yours \"Acme (our name)\", file \"ACME Corporation\""), "{r}");
    assert_eq!((r.count(Counted::Customers).updated, r.count(Counted::Customers).conflicts), (1, 1));
    let now = customer(s, "stripe:cus_T001Acme");
    assert_eq!((now.name.as_str(), now.billing_email.as_str()), ("Acme (our name)", "billing@acme.test"));
    assert_eq!(now.legal_name, "Acme Company Ltd", "a field the source does not have stays");
    // The conflict is reported once; the same file again is quiet.
    let again = run_import_into(s, &[newer], &ImportOptions::default(), false).unwrap();
    assert!(again.conflicts.is_empty() && again.changes() == 0, "{again}");
}
}

on_both! {
fn a_conflict_after_an_edit_through_a_raw_connection(s: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    import(s, &FULL_SET);
    execute(s, "UPDATE invoices SET due_date = '2026-03-31' WHERE number = 'ACME-0003'");
    let newer = variant(&dir, "invoices_default_2023.csv", |t| t.replace("2026-01-25 09:00", "2026-02-09 09:00"));
    let r = run_import_into(s, &[fixture(FULL_SET[0]), newer], &ImportOptions::default(), false).unwrap();
    assert_eq!(r.conflicts.len(), 1, "{r}");
    assert_eq!((r.conflicts[0].field.as_str(), r.conflicts[0].local.as_str()), ("due_date", "2026-03-31"));
    assert_eq!(r.conflicts[0].incoming, "2026-02-09");
    assert_eq!(invoice(s, "stripe:cus_T001Acme", "ACME-0003").due_date, d("2026-03-31"));
}
}

on_both! {
fn a_newer_export_updates_what_changed_and_says_so(s: &mut Books) {
    import(s, &FULL_SET[..2]);
    let dir = tempfile::tempdir().unwrap();
    // ACME-0002 was paid in the meantime.
    let newer = variant(&dir, "invoices_default_2023.csv", |t| {
        t.replace("false,,500.00,0.00,,,,500.00,0.00,open", "true,,500.00,0.00,,,,500.00,500.00,paid")
    });
    let r = run_import_into(s, &[newer], &ImportOptions::default(), false).unwrap();
    let c = r.count(Counted::Invoices);
    assert_eq!((c.created, c.updated, c.unchanged), (0, 1, 9), "{r}");
    assert_eq!(r.count(Counted::Payments).created, 1);
    let a2 = invoice(s, "stripe:cus_T001Acme", "ACME-0002");
    assert_eq!((a2.status, a2.applied_minor), (InvoiceStatus::Paid, 50_000));
    assert!(activity(s, "stripe:cus_T001Acme")[0].contains("1 invoice updated"));
    assert_consistent(s);
}
}

on_both! {
fn files_that_cannot_be_imported_stop_the_run_before_anything_is_written(s: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let unknown = dir.path().join("unknown.csv");
    std::fs::write(&unknown, "foo,bar\n1,2\n").unwrap();
    let binary = dir.path().join("binary.csv");
    std::fs::write(&binary, b"id,\x00\x01\x02\x03").unwrap();
    let hubspot = dir.path().join("deals.csv");
    std::fs::write(&hubspot, "\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Amount\"\n\"1\",\"Big\",\"won\",\"10\"\n")
        .unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"object\": \"list\", \"data\": [").unwrap();
    for (file, want) in [
        (&unknown, "unknown format"),
        (&binary, "not a text file"),
        (&hubspot, "HubSpot deals export; importing it is not supported yet"),
        (&broken, "not valid JSON"),
        (&dir.path().join("missing.csv"), "missing.csv"),
    ] {
        let files = vec![fixture(FULL_SET[0]), file.clone()];
        let err = run_import_into(s, &files, &ImportOptions::default(), false).unwrap_err();
        assert!(err.to_string().contains(want), "{err}");
    }
    assert!(s.customer_list(today()).unwrap().is_empty());
    assert!(matches!(run_import_into(s, &[], &ImportOptions::default(), false), Err(ImportError::NoFiles)));
}
}

on_both! {
fn overrides_win_over_detection(s: &mut Books) {
    let opts = ImportOptions { source: Some(ImportSource::QuickBooks), ..Default::default() };
    // A Stripe export read as QuickBooks is not recognized (and not read as Stripe).
    let err = run_import_into(s, &[fixture(FULL_SET[0])], &opts, false).unwrap_err();
    assert!(err.to_string().contains("no known header"), "{err}");
    assert!(s.customer_list(today()).unwrap().is_empty());
    // A file whose header Stripe does not recognize, read as Stripe customers.
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("odd.csv");
    std::fs::write(&odd, "id,Email,Name,Currency\ncus_X1,x@example.test,Xavier,usd\n").unwrap();
    let opts = ImportOptions {
        source: Some(ImportSource::Stripe),
        object: Some(ardesk::import::ObjectKind::Customers),
        ..Default::default()
    };
    let r = run_import_into(s, &[odd], &opts, false).unwrap();
    assert_eq!(r.count(Counted::Customers).created, 1, "{r}");
    assert_eq!(customer(s, "stripe:cus_X1").name, "Xavier");
}
}

on_both! {
/// Large invoice files lift the summary triggers and rebuild the summaries
/// once: the figures must be the same as row by row.
fn the_bulk_path_gives_the_same_figures_as_row_by_row(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let header = std::fs::read_to_string(fixture("invoices_default_2023.csv")).unwrap();
    let header = header.lines().next().unwrap().to_string();
    let mut big = header.clone() + "\n";
    let mut small = header + "\n";
    for i in 0..3_000 {
        let cust = ["cus_T001Acme", "cus_T002Globex"][i % 2];
        let (status, paid) = match i % 4 {
            0 => ("paid", "12.50"),
            1 => ("open", "0.00"),
            2 => ("void", "0.00"),
            _ => ("paid", "7.25"),
        };
        let total = if i % 4 == 3 { "7.25" } else { "12.50" };
        let day = 1 + i % 28;
        let row = format!(
            "in_B{i:06},{total},send_invoice,true,usd,{cust},2026-01-{day:02} 10:00,2026-02-{day:02} 10:00,B-{i:06},true,,{total},0.00,,,,{total},{paid},{status}\n"
        );
        big.push_str(&row);
        if i < 400 {
            small.push_str(&row);
        }
    }
    let (big_path, small_path) = (dir.path().join("big.csv"), dir.path().join("small.csv"));
    std::fs::write(&big_path, big).unwrap();
    std::fs::write(&small_path, small).unwrap();
    let opts = ImportOptions::default();
    let bulk_bytes = 300_000;
    assert!(std::fs::metadata(&big_path).unwrap().len() > bulk_bytes);
    assert!(std::fs::metadata(&small_path).unwrap().len() < bulk_bytes);
    let (_held, mut bulk) = another(b);
    import_tuned(&mut bulk, &[fixture(FULL_SET[0]), small_path.clone()], &opts, bulk_bytes).unwrap();
    let r = import_tuned(&mut bulk, &[fixture(FULL_SET[0]), big_path.clone()], &opts, bulk_bytes).unwrap();
    assert_eq!((r.count(Counted::Invoices).created, r.count(Counted::Invoices).unchanged), (2_600, 400), "{r}");
    assert_consistent(&bulk);
    // The same rows, the small file's first and then the rest, without bulk
    // mode: split the big file in chunks under the threshold.
    let (_held, mut rows) = another(b);
    run_import_into(&mut rows, &[fixture(FULL_SET[0]), small_path], &opts, false).unwrap();
    let text = std::fs::read_to_string(&big_path).unwrap();
    let mut lines = text.lines();
    let head = lines.next().unwrap().to_string();
    let body: Vec<&str> = lines.collect();
    for (n, chunk) in body.chunks(1_000).enumerate() {
        let p = dir.path().join(format!("chunk{n}.csv"));
        std::fs::write(&p, format!("{head}\n{}\n", chunk.join("\n"))).unwrap();
        assert!(std::fs::metadata(&p).unwrap().len() < bulk_bytes);
        run_import_into(&mut rows, &[p], &opts, false).unwrap();
    }
    assert_consistent(&rows);
    let money = |s: &Books| {
        all_figures(s).into_iter().map(|f| (f.metrics, f.own, f.others, f.counts[0], f.counts[2])).collect::<Vec<_>>()
    };
    assert_eq!(money(&bulk), money(&rows));
}
}

on_both! {
/// A source with no invoices here yet is inserted straight away; the unique
/// indexes still catch a row repeated in the file and a number taken.
fn a_repeated_row_updates_and_a_taken_number_is_refused(s: &mut Books) {
    use ardesk::domain::edit::InvoiceDraft;
    import(s, &[FULL_SET[0]]);
    let acme = customer(s, "stripe:cus_T001Acme").id;
    // ACME-0003 made in ardesk, not by the source.
    let draft = InvoiceDraft {
        contract_id: None,
        number: "ACME-0003".into(),
        issue_date: d("2026-01-02"),
        due_date: d("2026-01-02"),
        period: None,
        total_minor: 100,
        currency: Currency::USD,
        status: InvoiceStatus::Open,
        memo: String::new(),
        lines: Vec::new(),
    };
    s.create_invoice(acme, &draft).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let repeated = variant(&dir, "invoices_default_2023.csv", |t| {
        let again = t
            .lines()
            .find(|l| l.starts_with("in_T0A2,"))
            .unwrap()
            .replace(",500.00,0.00,open", ",500.00,0.00,uncollectible");
        format!("{t}{again}\n")
    });
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let r = run_import_into(s, &[repeated], &opts, false).unwrap();
    let c = r.count(Counted::Invoices);
    assert_eq!((c.created, c.updated, c.refused), (9, 1, 1), "{r}");
    assert!(r.issues.iter().any(|i| i.line == 4 && i.reason.contains("ACME-0003 is already used")), "{r}");
    assert_eq!(invoice(s, "stripe:cus_T001Acme", "ACME-0002").status, InvoiceStatus::Uncollectible);
    assert_consistent(s);
}
}

on_both! {
/// Cancelled in ardesk, then paid in Stripe: the cancellation stays and
/// the run says so.
fn a_local_cancellation_against_a_newer_paid_status_is_a_conflict(s: &mut Books) {
    import(s, &FULL_SET[..2]);
    let acme = customer(s, "stripe:cus_T001Acme");
    let a2 = invoice(s, "stripe:cus_T001Acme", "ACME-0002");
    s.cancel_invoices(acme.id, &[a2.id], chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let newer = variant(&dir, "invoices_default_2023.csv", |t| {
        t.replace("false,,500.00,0.00,,,,500.00,0.00,open", "true,,500.00,0.00,,,,500.00,500.00,paid")
    });
    let r = run_import_into(s, &[newer], &ImportOptions::default(), false).unwrap();
    assert_eq!(r.conflicts.len(), 1, "{r}");
    let c = &r.conflicts[0];
    assert_eq!((c.field.as_str(), c.local.as_str(), c.incoming.as_str()), ("status", "cancelled", "paid"));
    let a2 = invoice(s, "stripe:cus_T001Acme", "ACME-0002");
    assert_eq!((a2.status, a2.applied_minor), (InvoiceStatus::Cancelled, 0));
    assert_consistent(s);
}
}

on_both! {
/// A watched run (the TUI's) that is cancelled stops and writes nothing.
fn a_cancelled_run_writes_nothing(store: &mut Books) {
    let fixtures = format!("{}/tests/fixtures/import/hubspot", env!("CARGO_MANIFEST_DIR"));
    let files = [std::path::PathBuf::from(format!("{fixtures}/companies_en.csv"))];
    let watch = ardesk::import::Watch::default();
    watch.cancel();
    let r = ardesk::import::run_import_watched_into(store, &files, &Default::default(), &watch);
    assert!(matches!(r, Err(ardesk::import::ImportError::Cancelled)), "{r:?}");
    assert_eq!(r.unwrap_err().to_string(), "the import was cancelled; nothing was written");
    assert!(store.customer_list(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()).unwrap().is_empty());
    // Not cancelled, the same run imports.
    let r = ardesk::import::run_import_watched_into(store, &files, &Default::default(), &Default::default());
    assert!(r.unwrap().count(ardesk::import::Counted::Customers).created > 0);
}
}
