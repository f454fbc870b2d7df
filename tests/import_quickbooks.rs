//! QuickBooks Online: the Customer Contact List report (both header
//! generations) and the Accounting API's JSON for customers, invoices and
//! payments, asserting the rows and amounts that land, read back through
//! the store. Fixtures: tests/fixtures/import/quickbooks/ (today is
//! 2026-03-01).

use ardesk::domain::edit::CustomerEdit;
use ardesk::domain::model::*;
use ardesk::domain::status::*;
use ardesk::domain::{Currency, Money};
use ardesk::import::marks::Mark;
use ardesk::import::{Counted, ImportError, ImportOptions, ImportReport, run_import_into};
use ardesk::store::Books;
use rust_decimal::Decimal;
use std::path::PathBuf;

#[path = "import_support.rs"]
mod imp;
mod support;

use imp::books::{assert_consistent, credit_note_lines, figures, invoice, payments, rows};
use imp::*;
use support::backends::{Held, on_postgres, postgres, sqlite, text};

/// Empty books of another database on the same backend as `b`.
fn another(b: &Books) -> (Held, Books) {
    if on_postgres(b) { postgres().unwrap() } else { sqlite() }
}

// Helpers of tests/import_support.rs made for the QuickBooks fixtures
// (these shadow the Stripe ones of the same name).

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/quickbooks").join(name)
}

fn import_paths(store: &mut Books, files: &[PathBuf]) -> ImportReport {
    match run_import_into(store, files, &ImportOptions::default(), false) {
        Ok(r) => r,
        Err(e) => panic!("import failed: {e}"),
    }
}

fn import(store: &mut Books, names: &[&str]) -> ImportReport {
    import_paths(store, &names.iter().map(|n| fixture(n)).collect::<Vec<_>>())
}

fn customer(store: &Books, spec: &str) -> Customer {
    store.customer(store.resolve_customer(spec).unwrap_or_else(|e| panic!("{spec}: {e}"))).unwrap()
}

fn names(store: &Books) -> Vec<String> {
    store.customer_list(today()).unwrap().into_iter().map(|c| c.name).collect()
}

/// Writes a variant of a fixture into a temporary directory.
fn variant(dir: &tempfile::TempDir, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, edit(text)).unwrap();
    path
}

/// The raw source row kept beside a customer (read beneath the store).
fn raw_of(b: &Books, external_id: &str) -> serde_json::Value {
    let id = external_id.replace('\'', "''");
    let raw = text(b, &format!("SELECT CAST(source_raw AS TEXT) FROM customers WHERE external_id = '{id}'"));
    serde_json::from_str(&raw).unwrap()
}

const REPORT: &str = "customer_contact_list_2024.csv";
const REPORT_TITLE_CASE: &str = "customer_contact_list_title_case.csv";
const API: [&str; 3] = ["api_customers.json", "api_invoices.json", "api_payments.json"];

on_both! {
fn report_with_sentence_case_headers_preamble_totals_and_footer(b: &mut Books) {
    let (_held, mut s) = another(b);
    let r = import(&mut s, &[REPORT]);
    let c = r.count(Counted::Customers);
    // The three title rows, the TOTAL row, the blank rows and the timestamp
    // are not customers; "Cedar Café" with only its name is one.
    assert_eq!((c.created, c.skipped, c.refused), (4, 0, 0), "{r}");
    assert!(r.issues.is_empty(), "{r}");
    assert_eq!(names(&s), ["Alder Analytics", "Birch Builders", "Birch Builders:Kitchen Remodel", "Cedar Café"]);
    // Keyed on the full name (the report has no ids), no link to QuickBooks.
    let alder = customer(&s, "quickbooks:name:Alder Analytics");
    assert_eq!(alder.import_source, Some(ImportSource::QuickBooks));
    assert_eq!(
        (alder.billing_email.as_str(), alder.legal_name.as_str()),
        ("billing@alder.example.test", "Alder Analytics LLC")
    );
    assert_eq!((alder.currency, alder.external_url.as_deref()), (Currency::USD, None));
    assert_eq!(customer(&s, "quickbooks:name:Birch Builders:Kitchen Remodel").billing_email, "ap@birch.example.test");
    // Open balance is checked and reported, never imported as a balance.
    assert!(r.notes.iter().any(|n| n.contains("Open balance column ($1,550.00) was not imported")), "{r}");
    assert_eq!(figures(&s, "quickbooks:name:Alder Analytics").metrics.outstanding, usd(0));
    // The raw row is kept: phone numbers and the two-line address too.
    let raw = raw_of(&s, "name:Birch Builders");
    assert_eq!(raw["row"]["Phone numbers"], "Phone:(555) 010-2002 Mobile:(555) 010-2003");
    assert_eq!(raw_of(&s, "name:Alder Analytics")["row"]["Bill address"], "1 Alder Way\nSpringfield IL 62701");
    assert_eq!(raw["imported"]["name"], "Birch Builders");
}
}

on_both! {
fn report_with_title_case_headers_currencies_and_crlf(b: &mut Books) {
    let (_held, mut s) = another(b);
    let r = import(&mut s, &[REPORT_TITLE_CASE]);
    assert_eq!(r.count(Counted::Customers).created, 3, "{r}");
    assert!(r.issues.is_empty(), "{r}");
    assert_eq!(names(&s), ["Dogwood Dental", "Elm Events GmbH", "Fir Foods KK"]);
    assert_eq!(customer(&s, "quickbooks:name:Dogwood Dental").billing_email, "office@dogwood.example.test");
    assert_eq!(customer(&s, "quickbooks:name:Elm Events GmbH").currency, Currency::EUR);
    assert_eq!(customer(&s, "quickbooks:name:Fir Foods KK").currency, Currency::JPY);
    // "1,250.00" USD and 20000 JPY (no minor unit) are the left-out balances.
    assert!(r.notes.iter().any(|n| n.contains("(¥20,000, $1,250.00) was not imported")), "{r}");
    // The same report with its footer written without quotes.
    let dir = tempfile::tempdir().unwrap();
    let unquoted = variant(&dir, REPORT_TITLE_CASE, |t| {
        t.replace("\"Monday, March 02, 2026 10:00:00 AM GMT-8\",,,,,,,", "Monday, March 02, 2026 10:00:00 AM GMT-8")
    });
    let (_held, mut s2) = another(b);
    let r = import_paths(&mut s2, &[unquoted]);
    assert_eq!((r.count(Counted::Customers).created, r.issues.len()), (3, 0), "{r}");
}
}

on_both! {
fn a_report_resaved_with_semicolons_and_decimal_commas(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("contacts.csv");
    let text = "Customer Contact List;;;\nCustomer full name;Email;Open balance;Currency\n\
                Kauri Kaffee;kaffee@example.test;399,00;EUR\nLinden Licht;licht@example.test;1.234,56;EUR\n";
    std::fs::write(&path, text).unwrap();
    let (_held, mut s) = another(b);
    let r = import_paths(&mut s, &[path]);
    assert_eq!(r.count(Counted::Customers).created, 2, "{r}");
    // 399,00 + 1.234,56 = 1633.56.
    assert!(r.notes.iter().any(|n| n.contains("(€1,633.56)")), "{r}");
}
}

on_both! {
/// "1,000" on line 6 could be one thousand or one, and no other amount of
/// the report shows its decimal mark: the whole file is refused, naming
/// the line, even with --skip-bad-rows (it was one refused row, and which
/// rows were refused depended on the rows before them); the flag says.
fn an_ambiguous_amount_refuses_the_whole_report_until_the_mark_is_given(b: &mut Books) {
    let (_held, mut s) = another(b);
    let files = [fixture("customer_contact_list_bad_amount.csv")];
    for opts in [ImportOptions::default(), ImportOptions { skip_bad_rows: true, ..Default::default() }] {
        let err = run_import_into(&mut s, &files, &opts, false).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ImportError::File { .. }), "{text}");
        assert!(
            text.contains("customer_contact_list_bad_amount.csv: its amounts do not show which mark is the decimal mark: line 6's Open balance \"1,000\""),
            "{text}"
        );
        assert!(text.contains("--decimal-point or --decimal-comma"), "{text}");
        assert!(s.customer_list(today()).unwrap().is_empty(), "nothing was written");
    }
    let opts = ImportOptions { decimal: Some(Mark::Point), ..Default::default() };
    let r = run_import_into(&mut s, &files, &opts, false).unwrap();
    assert_eq!(r.count(Counted::Customers).created, 3, "{r}");
    assert!(r.notes.iter().any(|n| n.contains("($1,000.00)")), "{r}");
    assert_eq!(names(&s), ["Hazel Hardware", "Ivy Interiors", "Juniper Joinery"]);
}
}

on_both! {
fn api_customers_with_a_job_and_an_inactive_one(b: &mut Books) {
    let (_held, mut s) = another(b);
    let r = import(&mut s, &[API[0]]);
    assert_eq!(r.count(Counted::Customers).created, 6, "{r}");
    let alder = customer(&s, "quickbooks:101");
    assert_eq!((alder.name.as_str(), alder.legal_name.as_str()), ("Alder Analytics", "Alder Analytics LLC"));
    assert_eq!((alder.billing_email.as_str(), alder.currency), ("billing@alder.example.test", Currency::USD));
    assert_eq!(alder.external_url.as_deref(), Some("https://app.qbo.intuit.com/app/customerdetail?nameId=101"));
    // A job is a customer of its own, named as QuickBooks names it in full.
    let job = customer(&s, "quickbooks:103");
    assert_eq!((job.name.as_str(), job.legal_name.as_str()), ("Birch Builders:Kitchen Remodel", "Birch Builders"));
    assert_eq!(customer(&s, "quickbooks:105").currency, Currency::EUR);
    assert_eq!(customer(&s, "quickbooks:106").currency, Currency::JPY);
    // Inactive ("deleted") customers are imported and counted.
    assert_eq!(customer(&s, "quickbooks:107").name, "Gone Gardening (deleted)");
    assert!(r.notes.iter().any(|n| n.contains("1 QuickBooks customer(s) are inactive")), "{r}");
    // Balance is not a free-floating figure: without invoices nothing is owed.
    let fir = figures(&s, "quickbooks:106").metrics;
    assert_eq!((fir.outstanding, fir.credit_balance), (Money::new(0, Currency::JPY), Money::new(0, Currency::JPY)));
    assert_eq!(raw_of(&s, "101")["row"]["SyncToken"], "0");
    assert_consistent(&s);
}
}

on_both! {
fn invoices_alone_make_their_customers_and_payments_for_what_was_paid(b: &mut Books) {
    let (_held, mut s) = another(b);
    let r = import(&mut s, &[API[1]]);
    assert_eq!(r.count(Counted::Invoices).created, 9, "{r}");
    // Customers from CustomerRef (a job by its short DisplayName).
    assert_eq!(r.count(Counted::Customers).created, 5, "{r}");
    assert_eq!(customer(&s, "quickbooks:103").name, "Kitchen Remodel");
    // Paid = TotalAmt − Balance, made as payments since no payments export
    // is here: 1001 (1000), 1002 (300), 1003 (250.50), 1008 (€399), 1009 (¥100,000 deposit).
    assert_eq!(r.count(Counted::Payments).created, 5, "{r}");
    let i1 = invoice(&s, "quickbooks:101", "1001");
    assert_eq!((i1.status, i1.total, i1.applied_minor), (InvoiceStatus::Paid, usd(100_000), 100_000));
    assert_eq!((i1.issue_date, i1.due_date), (d("2026-01-05"), d("2026-02-04")));
    let i2 = invoice(&s, "quickbooks:101", "1002");
    assert_eq!((i2.status, i2.applied_minor), (InvoiceStatus::Open, 30_000));
    assert_eq!(i2.display_status(today()), DisplayStatus::OverduePartial);
    // Voided: zeroed by QuickBooks, cancelled here.
    let v = invoice(&s, "quickbooks:101", "1004");
    assert_eq!((v.status, v.total), (InvoiceStatus::Cancelled, usd(0)));
    // No DocNumber: numbered by its id; no DueDate: due on its date.
    let j = invoice(&s, "quickbooks:103", "QBO-207");
    assert_eq!((j.issue_date, j.due_date, j.total), (d("2026-02-01"), d("2026-02-01"), usd(15_000)));
    let y = invoice(&s, "quickbooks:106", "1009");
    assert_eq!((y.total, y.applied_minor), (Money::new(120_000, Currency::JPY), 100_000));
    assert_eq!(invoice(&s, "quickbooks:105", "1008").total, Money::new(39_900, Currency::EUR));
    assert_consistent(&s);
}
}

on_both! {
/// Customers, invoices and payments together; every figure below is
/// computed by hand from the fixtures (today is 2026-03-01).
fn customers_invoices_and_payments_land_with_hand_computed_figures(b: &mut Books) {
    let (_held, mut s) = another(b);
    let r = import(&mut s, &API);
    assert!(r.written && r.refused() == 0, "{r}");
    // 6 customers; 9 invoices; payments 501, 502, 503 and one made for the
    // ¥100,000 deposit on 1009; 505 was voided (skipped).
    assert_eq!(r.count(Counted::Customers).created, 6);
    assert_eq!(r.count(Counted::Invoices).created, 9);
    let p = r.count(Counted::Payments);
    assert_eq!((p.created, p.skipped), (4, 1), "{r}");
    assert!(r.issues.iter().any(|i| i.reason.contains("payment 505 was voided")), "{r}");
    assert_consistent(&s);

    // Alder (USD). Issued: 1001 1000.00 paid (501), 1002 500.00 with 300.00
    // paid (502, due 02-19: 10 days late), 1003 250.50 paid (502), 1005
    // 400.00 open (due 03-22); 1004 is void.
    //   Total Billed = 1000 + 500 + 250.50 + 400 = 2150.50; collected
    //   1550.50 (72%). Outstanding = 200 + 400 = 600.00, overdue 200.00 (1–30).
    //   Total Collected = 1000 + 550.50 over 2 payments; no credit.
    //   Days: 1000 × 15 (01-05 → 01-20) + 300 × 26 (01-20 → 02-15)
    //   + 250.50 × 5 (02-10 → 02-15) = 24,052.50 ÷ 1550.50 = 15.51.
    let m = figures(&s, "quickbooks:101").metrics;
    assert_eq!((m.total_billed, m.billed_collected, m.collected_percent), (usd(215_050), usd(155_050), 72));
    assert_eq!((m.outstanding, m.overdue), (usd(60_000), usd(20_000)));
    assert_eq!(m.aging, [usd(40_000), usd(20_000), usd(0), usd(0), usd(0)]);
    assert_eq!((m.credit_balance, m.total_collected, m.collected_count), (usd(0), usd(155_050), 2));
    assert_eq!(m.avg_days_to_collect, Some(Decimal::new(1551, 2)));
    // 502 pays two invoices, each its share.
    let p = payments(&s, "quickbooks:101");
    let by_ref = |r: &str| p.iter().find(|x| x.reference == r).unwrap().clone();
    let two = by_ref("CHK-4502");
    assert_eq!((two.amount, two.applied_minor, two.method), (usd(55_050), 55_050, PaymentMethod::Manual));
    assert!(two.applied_to.contains("1002") && two.applied_to.contains("1003"), "{}", two.applied_to);
    assert_eq!(invoice(&s, "quickbooks:101", "1002").applied_minor, 30_000);
    assert_eq!(invoice(&s, "quickbooks:101", "1003").status, InvoiceStatus::Paid);
    assert_eq!((by_ref("CHK-4411").applied_to.as_str(), by_ref("CHK-4411").received_on), ("1001", d("2026-01-20")));

    // Birch (USD): 1006 800.00 open, due 2025-12-15: 76 days late (61–90).
    let m = figures(&s, "quickbooks:102").metrics;
    assert_eq!((m.total_billed, m.outstanding, m.overdue), (usd(80_000), usd(80_000), usd(80_000)));
    assert_eq!(m.aging[3], usd(80_000));
    // The job: QBO-207 150.00, due on its date 02-01: 28 days late (1–30).
    let m = figures(&s, "quickbooks:103").metrics;
    assert_eq!((m.outstanding, m.aging[1]), (usd(15_000), usd(15_000)));

    // Elm (EUR): 1008 €399.00 paid by 503 (€450.00, €51.00 unapplied: the
    // customer's credit). Days: 399 × 17 (01-15 → 02-01) ÷ 399 = 17.00.
    let eur = |m| Money::new(m, Currency::EUR);
    let m = figures(&s, "quickbooks:105").metrics;
    assert_eq!((m.total_billed, m.billed_collected, m.outstanding), (eur(39_900), eur(39_900), eur(0)));
    assert_eq!((m.total_collected, m.credit_balance), (eur(45_000), eur(5_100)));
    assert_eq!(m.avg_days_to_collect, Some(Decimal::new(1700, 2)));

    // Fir (JPY): 1009 ¥120,000 with a ¥100,000 deposit (a payment made for
    // it on the invoice's date: 0 days); ¥20,000 owed, due 03-03 (current).
    let jpy = |m| Money::new(m, Currency::JPY);
    let m = figures(&s, "quickbooks:106").metrics;
    assert_eq!((m.total_billed, m.total_collected, m.outstanding), (jpy(120_000), jpy(100_000), jpy(20_000)));
    assert_eq!((m.overdue, m.avg_days_to_collect), (jpy(0), Some(Decimal::new(0, 2))));
    let p = payments(&s, "quickbooks:106");
    assert_eq!((p.len(), p[0].amount, p[0].received_on), (1, jpy(100_000), d("2026-02-01")));
}
}

on_both! {
fn importing_the_same_files_twice_changes_nothing(b: &mut Books) {
    let (_held, mut s) = another(b);
    let mut all: Vec<&str> = vec![REPORT, REPORT_TITLE_CASE];
    all.extend(API);
    let first = import(&mut s, &all);
    assert!(first.changes() > 0);
    let again = import(&mut s, &all);
    assert_eq!(again.changes(), 0, "{again}");
    assert!(again.conflicts.is_empty(), "{again}");
    // The report's rows are the API's customers now: left as they are.
    assert_eq!(again.count(Counted::Customers).unchanged, 7 + 6, "{again}");
    // 7 report customers (5 of them matched to their API ids) + Gone Gardening.
    assert_eq!(names(&s).len(), 8, "{:?}", names(&s));
    assert_consistent(&s);
}
}

on_both! {
fn a_newer_export_updates_what_changed_and_says_so(b: &mut Books) {
    let (_held, mut s) = another(b);
    import(&mut s, &API);
    let dir = tempfile::tempdir().unwrap();
    // Alder's email changed; 1005 got 250.00 from a new payment 506 (read
    // alone: a single-entity response).
    let customers = variant(&dir, API[0], |t| t.replace("billing@alder.example.test", "accounts@alder.example.test"));
    let invoices = variant(&dir, API[1], |t| t.replace("\"Balance\": 400", "\"Balance\": 150"));
    let files = vec![customers, invoices, fixture(API[2]), fixture("api_payment_read.json")];
    let r = import_paths(&mut s, &files);
    assert_eq!(r.count(Counted::Customers).updated, 1, "{r}");
    assert_eq!(r.count(Counted::Invoices).updated, 1, "{r}");
    assert_eq!(r.count(Counted::Payments).created, 1, "{r}");
    assert_eq!(r.changes(), 3, "{r}");
    assert_eq!(customer(&s, "quickbooks:101").billing_email, "accounts@alder.example.test");
    let i5 = invoice(&s, "quickbooks:101", "1005");
    assert_eq!((i5.status, i5.applied_minor), (InvoiceStatus::Open, 25_000));
    assert_eq!(figures(&s, "quickbooks:101").metrics.outstanding, usd(20_000 + 15_000));
    let activity: Vec<String> =
        rows::<ActivityRow>(&s, customer(&s, "quickbooks:101").id).into_iter().map(|r| r.summary).collect();
    assert!(
        activity[0].contains("imported from QuickBooks") && activity[0].contains("customer updated"),
        "{activity:?}"
    );
    assert_consistent(&s);
    let again = import_paths(&mut s, &files);
    assert_eq!(again.changes(), 0, "{again}");
}
}

on_both! {
fn a_payment_whose_shares_change_moves_its_money(b: &mut Books) {
    let (_held, mut s) = another(b);
    import(&mut s, &API);
    // A newer export of 502: 350.00 to 1002 and 200.50 to 1003.
    let dir = tempfile::tempdir().unwrap();
    let newer = variant(&dir, API[2], |t| {
        t.replace("\"Amount\": 300", "\"Amount\": 350").replace("\"Amount\": 250.5", "\"Amount\": 200.5")
    });
    let r = import_paths(&mut s, &[newer]);
    assert_eq!(r.count(Counted::Payments).updated, 1, "{r}");
    // 1002 gets the 350.00 (more than the invoices export knew); 1003 gets
    // 200.50, and the 50.00 it was paid beyond that is made as a payment.
    assert_eq!(invoice(&s, "quickbooks:101", "1002").applied_minor, 35_000);
    let i3 = invoice(&s, "quickbooks:101", "1003");
    assert_eq!((i3.status, i3.applied_minor), (InvoiceStatus::Paid, 25_050));
    let two = payments(&s, "quickbooks:101").into_iter().find(|p| p.reference == "CHK-4502").unwrap();
    assert_eq!(two.applied_minor, 55_050);
    assert_consistent(&s);
}
}

on_both! {
fn a_bare_array_read_with_source_and_object(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture(API[0])).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let path = dir.path().join("customers.json");
    std::fs::write(&path, doc["QueryResponse"]["Customer"].to_string()).unwrap();
    let (_held, mut s) = another(b);
    let opts = ImportOptions {
        source: Some(ImportSource::QuickBooks),
        object: Some(ardesk::import::ObjectKind::Customers),
        ..Default::default()
    };
    let r = run_import_into(&mut s, &[path], &opts, false).unwrap();
    assert_eq!(r.count(Counted::Customers).created, 6, "{r}");
}
}

on_both! {
fn a_local_edit_is_kept_and_reported_as_a_conflict(b: &mut Books) {
    let (_held, mut s) = another(b);
    import(&mut s, &API);
    let alder = customer(&s, "quickbooks:101");
    let edit = CustomerEdit {
        name: alder.name.clone(),
        legal_name: alder.legal_name.clone(),
        billing_email: "ap@alder.example.test".into(),
        billing_address: String::new(),
        currency: Currency::USD,
        invoices_paused: false,
        portal: false,
    };
    s.update_customer(alder.id, alder.version, &edit).unwrap();
    // The same export again: the file did not change the email, the edit stays.
    let same = import(&mut s, &[API[0]]);
    assert!(same.conflicts.is_empty() && same.changes() == 0, "{same}");
    // A newer export changes it too: the user's value is kept and reported.
    let dir = tempfile::tempdir().unwrap();
    let newer = variant(&dir, API[0], |t| t.replace("billing@alder.example.test", "accounts@alder.example.test"));
    let r = import_paths(&mut s, std::slice::from_ref(&newer));
    assert_eq!(r.conflicts.len(), 1, "{r}");
    let c = &r.conflicts[0];
    assert_eq!((c.line, c.external_id.as_str(), c.field.as_str()), (1, "101", "billing_email"));
    assert_eq!((c.local.as_str(), c.incoming.as_str()), ("ap@alder.example.test", "accounts@alder.example.test"));
    assert_eq!(r.count(Counted::Customers).conflicts, 1);
    assert_eq!(customer(&s, "quickbooks:101").billing_email, "ap@alder.example.test");
}
}

on_both! {
fn report_first_then_the_api_rekeys_without_duplicates(b: &mut Books) {
    let (_held, mut s) = another(b);
    import(&mut s, &[REPORT]);
    let alder_id = customer(&s, "quickbooks:name:Alder Analytics").id;
    let r = import(&mut s, &[API[0]]);
    // Alder, Birch and the job were in the report: they take their ids.
    let c = r.count(Counted::Customers);
    assert_eq!((c.created, c.updated), (3, 3), "{r}");
    assert!(r.notes.iter().any(|n| n.contains("3 customer(s) known only by name")), "{r}");
    let alder = customer(&s, "quickbooks:101");
    assert_eq!(alder.id, alder_id);
    assert_eq!(alder.external_url.as_deref(), Some("https://app.qbo.intuit.com/app/customerdetail?nameId=101"));
    assert!(s.resolve_customer("quickbooks:name:Alder Analytics").is_err());
    assert_eq!(customer(&s, "quickbooks:103").name, "Birch Builders:Kitchen Remodel");
    // Cedar Café is in the report only: still keyed on its name.
    assert_eq!(customer(&s, "quickbooks:name:Cedar Café").external_url, None);
    assert_eq!(names(&s).len(), 4 + 3, "{:?}", names(&s));
    // The report again finds them by name: nothing new, nothing changed.
    let again = import(&mut s, &[REPORT]);
    assert_eq!((again.changes(), names(&s).len()), (0, 7), "{again}");
    assert!(again.notes.iter().any(|n| n.contains("3 report row(s) name customers already imported")), "{again}");
    // Invoices and payments land on the same customers.
    import(&mut s, &API[1..]);
    assert_eq!(names(&s).len(), 7);
    assert_eq!(figures(&s, "quickbooks:101").metrics.outstanding, usd(60_000));
    assert_consistent(&s);
}
}

on_both! {
fn the_api_first_then_the_report_adds_only_the_new_customers(b: &mut Books) {
    let (_held, mut s) = another(b);
    import(&mut s, &[API[0]]);
    let r = import(&mut s, &[REPORT]);
    let c = r.count(Counted::Customers);
    assert_eq!((c.created, c.updated, c.unchanged), (1, 0, 3), "{r}");
    assert_eq!(names(&s).len(), 7);
    assert_eq!(customer(&s, "quickbooks:101").billing_email, "billing@alder.example.test");
}
}

on_both! {
fn invoice_rows_find_report_customers_by_name(b: &mut Books) {
    let (_held, mut s) = another(b);
    import(&mut s, &[REPORT]);
    let birch_id = customer(&s, "quickbooks:name:Birch Builders").id;
    let r = import(&mut s, &[API[1]]);
    // Alder and Birch are found by CustomerRef's name and take their ids;
    // the job (named "Kitchen Remodel" on the invoice), Elm and Fir are new.
    assert_eq!(r.count(Counted::Customers).created, 3, "{r}");
    assert_eq!(customer(&s, "quickbooks:102").id, birch_id);
    assert_eq!(names(&s).len(), 7);
    assert_consistent(&s);
}
}

on_both! {
fn a_transaction_report_is_refused_with_what_to_import_instead(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("invoices.csv");
    let text = "\"Northwind Example Co, LLC\",,,,,\nInvoice List,,,,,\nAll Dates,,,,,\n,,,,,\n\
                Date,Transaction type,Num,Name,Due date,Amount\n01/05/2026,Invoice,1001,Alder Analytics,02/04/2026,1000.00\n";
    std::fs::write(&path, text).unwrap();
    let (_held, mut s) = another(b);
    let err = run_import_into(&mut s, &[path], &ImportOptions::default(), false).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("QuickBooks report that ardesk does not import"), "{text}");
    assert!(text.contains("Customer Contact List"), "{text}");
}
}

on_both! {
/// The real API responses in ../shared/samples: every customer's
/// outstanding balance comes out as QuickBooks' own `Balance`.
fn the_real_api_samples_import_consistently(b: &mut Books) {
    let Some(dir) = imp::samples_dir("quickbooks") else { return };
    let files = [dir.join("api_customers_query.json"), dir.join("api_invoices_query.json")];
    let (_held, mut s) = another(b);
    let r = import_paths(&mut s, &files);
    println!("{r}");
    assert_eq!((r.count(Counted::Customers).created, r.count(Counted::Invoices).created), (30, 31), "{r}");
    assert!(r.issues.is_empty(), "{r}");
    assert_consistent(&s);
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    for c in doc["Customer"].as_array().unwrap() {
        let id = c["Id"].as_str().unwrap();
        let balance: Decimal = c["Balance"].to_string().parse().unwrap();
        let want = (balance * Decimal::from(100)).to_string().parse::<Decimal>().unwrap();
        let got = figures(&s, &format!("quickbooks:{id}")).metrics.outstanding;
        assert_eq!(Decimal::from(got.minor), want.normalize(), "customer {id}");
    }
    assert_eq!(customer(&s, "quickbooks:8").name, "Freeman Sporting Goods:0969 Ocean View Road");
    let again = import_paths(&mut s, &files);
    assert_eq!(again.changes(), 0, "{again}");
}
}

const CREDIT_MEMOS: &str = "api_credit_memos.json";

on_both! {
/// Credit memos applied with and without money: credit is not collection.
/// Every figure below is computed by hand from api_credit_memos.json
/// (today is 2026-03-01). Cedar Credit Co (USD):
///   3001 500.00 issued 01-02: payment 601 (01-22, TotalAmt 380.00) whose
///        lines put 500.00 on it and 120.00 of credit memo CM-1 beside:
///        380.00 money + 120.00 credit;
///   3002 200.00 issued 01-10: payment 602 of TotalAmt 0 links CM-2 to it:
///        200.00 credit, no money; CM-2 is 300.00, RemainingCredit 100.00;
///   3003 1000.00 issued 02-01, due 03-03: payment 603 (02-26) 600.00;
///   CM-3 voided before ardesk saw it: skipped.
///   Total Billed = 500 + 200 + 1000 − credit (120 + 200) = 1380.00.
///   Billed & Collected = money applied = 380 + 600 = 980.00 (71%).
///   Outstanding = 1380 − 980 = 400.00 (3003, current).
///   Total Collected = 380 + 600 = 980.00 over 2 payments (not 1300.00).
///   Credit Balance = what is left of CM-2 = 100.00.
///   Avg. Days to Collect = (380 × 20 [01-02 → 01-22] + 600 × 25 [02-01 →
///   02-26]) ÷ 980 = (7600 + 15000) ÷ 980 = 23.06; the credit's days
///   (a payment dated on 3002's issue day before) count nowhere.
fn credit_memos_applied_with_and_without_money_are_credit_not_collection(b: &mut Books) {
    let (_held, mut s) = another(b);
    let r = import(&mut s, &[CREDIT_MEMOS]);
    assert!(r.written && r.refused() == 0, "{r}");
    let cn = r.count(Counted::CreditNotes);
    assert_eq!((cn.created, cn.skipped), (2, 1), "{r}");
    let p = r.count(Counted::Payments);
    assert_eq!((p.created, p.skipped), (2, 1), "{r}");
    assert!(r.issues.iter().any(|i| i.reason.contains("payment 602 moved no money")), "{r}");
    assert_consistent(&s);

    let m = figures(&s, "quickbooks:201").metrics;
    assert_eq!((m.total_billed, m.billed_collected, m.collected_percent), (usd(138_000), usd(98_000), 71));
    assert_eq!((m.outstanding, m.overdue), (usd(40_000), usd(0)));
    assert_eq!((m.total_collected, m.collected_count, m.credit_balance), (usd(98_000), 2, usd(10_000)));
    assert_eq!(m.avg_days_to_collect, Some(Decimal::new(2306, 2)));
    // Only the money is a payment: no payment was made for the credit.
    let p = payments(&s, "quickbooks:201");
    let got: Vec<(String, Money, i64)> = p.iter().map(|x| (x.reference.clone(), x.amount, x.applied_minor)).collect();
    assert_eq!(got, vec![("ACH-7003".into(), usd(60_000), 60_000), ("CHK-7001".into(), usd(38_000), 38_000)]);
    let one = invoice(&s, "quickbooks:201", "3001");
    assert_eq!((one.status, one.credited_minor, one.balance_minor), (InvoiceStatus::Paid, 12_000, 0));
    let two = invoice(&s, "quickbooks:201", "3002");
    assert_eq!((two.status, two.credited_minor, two.balance_minor), (InvoiceStatus::Paid, 20_000, 0));
    // A credit memo's lines are read as an invoice's.
    let lines = credit_note_lines(&s, "quickbooks:201", "CM-1");
    let got: Vec<_> =
        lines.iter().map(|l| (l.description.as_str(), l.quantity, l.unit_price, l.amount_minor)).collect();
    assert_eq!(got, [("Credit", Some(Decimal::ONE), Some(Decimal::new(120, 0)), 12_000)]);

    // The same export again changes nothing.
    let again = import(&mut s, &[CREDIT_MEMOS]);
    assert_eq!(again.changes(), 0, "{again}");
    assert_eq!(again.count(Counted::CreditNotes).unchanged, 2, "{again}");
    assert_eq!(figures(&s, "quickbooks:201").metrics, m);
    assert_consistent(&s);
}
}

on_both! {
/// A newer export voids CM-2 (and the payment that applied it is gone):
/// its credit leaves 3002, which owes 200.00 again, and the Credit Balance.
fn a_credit_memo_voided_in_a_newer_export_counts_nowhere(b: &mut Books) {
    let (_held, mut s) = another(b);
    import(&mut s, &[CREDIT_MEMOS]);
    let dir = tempfile::tempdir().unwrap();
    let newer = variant(&dir, CREDIT_MEMOS, |t| {
        let mut doc: serde_json::Value = serde_json::from_str(&t).unwrap();
        let q = &mut doc["QueryResponse"];
        let cm2 = &mut q["CreditMemo"][1];
        cm2["TotalAmt"] = 0.into();
        cm2["RemainingCredit"] = 0.into();
        cm2["PrivateNote"] = "Voided".into();
        cm2["MetaData"]["LastUpdatedTime"] = "2026-02-10T09:00:00-08:00".into();
        q["Invoice"][1]["Balance"] = 200.0.into();
        q["Payment"].as_array_mut().unwrap().retain(|p| p["Id"] != "602");
        doc.to_string()
    });
    let r = import_paths(&mut s, &[newer]);
    assert_eq!(r.count(Counted::CreditNotes).updated, 1, "{r}");
    assert_consistent(&s);
    let two = invoice(&s, "quickbooks:201", "3002");
    assert_eq!((two.status, two.credited_minor, two.balance_minor), (InvoiceStatus::Open, 0, 20_000));
    // Total Billed 1700 − 120 = 1580.00; Outstanding 200 + 400 = 600.00,
    // 200.00 of it overdue (3002 was due 02-09); no credit left; the money
    // figures do not move.
    let m = figures(&s, "quickbooks:201").metrics;
    assert_eq!((m.total_billed, m.outstanding, m.overdue), (usd(158_000), usd(60_000), usd(20_000)));
    assert_eq!((m.total_collected, m.credit_balance), (usd(98_000), usd(0)));
    assert_eq!(m.avg_days_to_collect, Some(Decimal::new(2306, 2)));
}
}

on_both! {
/// Hostile credit: each refused with its reason, and the run writes nothing.
fn hostile_credit_memos_and_links_are_refused_whole(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    fn edit(f: &dyn Fn(&mut serde_json::Value)) -> impl Fn(String) -> String + '_ {
        move |t: String| {
            let mut doc: serde_json::Value = serde_json::from_str(&t).unwrap();
            f(&mut doc["QueryResponse"]);
            doc.to_string()
        }
    }
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "unknown memo",
            Box::new(|q| q["Payment"][1]["Line"][0]["LinkedTxn"][0]["TxnId"] = "499".into()),
            "credit memo 499, which is neither in this run nor in ardesk",
        ),
        ("negative", Box::new(|q| q["CreditMemo"][0]["TotalAmt"] = (-120.0).into()), "TotalAmt"),
        ("past the bounds", Box::new(|q| q["CreditMemo"][0]["TotalAmt"] = 100000000000.01.into()), "too large"),
        (
            "negative line",
            Box::new(|q| q["Payment"][0]["Line"][1]["Amount"] = (-120.0).into()),
            "negative amount linked to credit memo 401",
        ),
        (
            "unknown customer",
            Box::new(|q| {
                q["CreditMemo"][0]["CustomerRef"] = serde_json::json!({"value": "999"});
            }),
            "999",
        ),
    ];
    for (name, f, says) in cases {
        let (_held, mut s) = another(b);
        let path = variant(&dir, CREDIT_MEMOS, edit(&*f));
        let err = run_import_into(&mut s, &[path], &ImportOptions::default(), false).unwrap_err();
        let ImportError::Refused { report } = err else { panic!("{name}: {err}") };
        assert!(report.issues.iter().any(|i| i.reason.contains(says)), "{name}: {report}");
        assert!(!report.written, "{name}");
        // Nothing of the run is there, not even its customer.
        assert!(s.resolve_customer("quickbooks:201").is_err(), "{name}: half written");
    }
    // A link to an invoice that is not in ardesk: the credit stays the
    // customer's, and the report says so.
    let (_held, mut s) = another(b);
    let path =
        variant(&dir, CREDIT_MEMOS, edit(&|q| q["Payment"][1]["Line"][0]["LinkedTxn"][1]["TxnId"] = "399".into()));
    let r = import_paths(&mut s, &[path]);
    assert!(r.notes.iter().any(|n| n.contains("invoice 399, which is not in ardesk")), "{r}");
    assert_consistent(&s);
}
}
