//! Rows of an import file that do not say what they seem to: a header
//! too wide to read in time, rows with the wrong number of fields, dates
//! without their century, due dates before issue dates, more paid than
//! owed, and rows that name nobody. Each is refused with its file, line and
//! field, or imported faithfully where the file's meaning is clear.

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::import::{Counted, ImportError, ImportOptions, ImportReport, run_import_into};
use imp::books::{assert_consistent, figures, invoice, payments};
use imp::{today, usd};
use std::fmt::Write as _;
use std::path::PathBuf;
use support::backends::{another, import_fresh, import_tuned};

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const INVOICE_HEADER: &str =
    "id,Amount Due,Amount Paid,Currency,Customer,Customer Name,Date (UTC),Due Date (UTC),Number,Status,Total";

on_both! {
/// A header of 100,000 columns, half of them one name repeated: numbering
/// the repeats compared each name with every one before it (25,000
/// columns took 0.8 s, 100,000 took 15 s, and the same name repeated took
/// minutes). The count of names tried is held to linear by
/// `csv_input::tests::repeated_header_names_are_numbered_in_linear_time`;
/// this reads such a file whole.
fn a_header_of_100k_columns_is_read(b: &mut Books) {
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
    let (_held, mut s) = another(b);
    let r = run_import_into(&mut s, &[path], &ImportOptions::default(), false).unwrap();
    assert_eq!(r.count(Counted::Invoices).created, 1, "{r}");
    assert_eq!(invoice(&s, "stripe:cus_W1", "W-1").total, usd(1_000));
}
}

const CUSTOMERS: &str =
    "id,Description,Email,Name,Created (UTC),Account Balance,Currency,Delinquent,Card ID,Business Name\n";

fn refused(result: Result<ImportReport, ImportError>) -> ImportReport {
    match result {
        Err(ImportError::Refused { report }) => *report,
        other => panic!("expected refused rows, got {other:?}"),
    }
}

on_both! {
/// A file cut off mid-row (`cus_T2,,b@example.com,Full Na`, 4 of 10
/// fields) created customer "Full Na": a row whose fields do not match the
/// header is refused with its line, whatever else is right.
fn a_row_cut_short_is_refused_not_filled_in(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{CUSTOMERS}cus_T1,,a@example.com,Full Name One,2025-01-01 10:00,0.00,usd,false,,\ncus_T2,,b@example.com,Full Na"
    );
    let path = write(&dir, "cut.csv", &text);
    let (_held, mut s) = another(b);
    let r = refused(run_import_into(&mut s, std::slice::from_ref(&path), &ImportOptions::default(), false));
    assert!(
        r.to_string().contains(
            "cut.csv:3 REFUSED (customers): the row has 4 fields, the header 10: it is cut short, or a quote or a \",\" \
             is out of place"
        ),
        "{r}"
    );
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let r = run_import_into(&mut s, &[path], &opts, false).unwrap();
    assert_eq!((r.count(Counted::Customers).created, r.count(Counted::Customers).refused), (1, 1), "{r}");
    let names: Vec<String> = s.customer_list(today()).unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Full Name One"]);
}
}

on_both! {
/// An unterminated quote swallowed the rest of the file into one field.
/// When the quote opens in the middle of the row the field count is off;
/// when it opens in the last column the count is right and only the quote
/// tells: either way the row is refused with its line, and the report
/// says the rest of the file ran into it.
fn an_unterminated_quote_does_not_swallow_the_rest_of_the_file(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let rows = "cus_T1,,a@example.com,One,2025-01-01 10:00,0.00,usd,false,,\n\
                cus_T2,,b@example.com,\"Two,2025-01-01 10:00,0.00,usd,false,,\n\
                cus_T3,,c@example.com,Three,2025-01-01 10:00,0.00,usd,false,,\n";
    let mid = write(&dir, "mid.csv", &format!("{CUSTOMERS}{rows}"));
    let rows = "cus_T1,,a@example.com,One,2025-01-01 10:00,0.00,usd,false,,\n\
                cus_T2,,b@example.com,Two,2025-01-01 10:00,0.00,usd,false,,\"Two Ltd\n\
                cus_T3,,c@example.com,Three,2025-01-01 10:00,0.00,usd,false,,\n";
    let last = write(&dir, "last.csv", &format!("{CUSTOMERS}{rows}"));
    for path in [mid, last] {
        let (_held, mut s) = another(b);
        let r = refused(run_import_into(&mut s, std::slice::from_ref(&path), &ImportOptions::default(), false));
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(
            r.to_string().contains(&format!(
                "{name}:3 REFUSED (customers): a quoted field on this line is never closed, so the rest of the file \
                 ran into it"
            )),
            "{r}"
        );
        assert_eq!(r.count(Counted::Customers).refused, 1, "{r}");
        assert!(s.customer_list(today()).unwrap().is_empty());
    }
}
}

on_both! {
/// "0001" was read as 2001 and "0099" as 2099: a four-digit year is the
/// year written, and those are out of range.
fn four_digit_years_keep_their_century(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{INVOICE_HEADER}\nin_Y1,10.00,0,usd,cus_Y,Year Co,0001-05-01,0001-06-01,Y-1,open,10.00\n\
         in_Y2,10.00,0,usd,cus_Y,Year Co,2026-05-01,0099-06-01,Y-2,open,10.00\n"
    );
    let r = refused(import_fresh(b, &[write(&dir, "years.csv", &text)]));
    let text = r.to_string();
    assert!(text.contains("years.csv:2 REFUSED (invoices): date: \"0001-05-01\" is out of range"), "{text}");
    assert!(text.contains("years.csv:3 REFUSED (invoices): due date: \"0099-06-01\" is out of range"), "{text}");
}
}

on_both! {
/// A due date before the issue date was silently set to the issue date:
/// it is refused, with both dates as written, from every source.
fn a_due_date_before_the_issue_date_is_refused_not_moved(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let text =
        format!("{INVOICE_HEADER}\nin_D1,10.00,0,usd,cus_D,Due Co,2026-02-05 10:00,2026-01-05 10:00,D-1,open,10.00\n");
    let r = refused(import_fresh(b, &[write(&dir, "due.csv", &text)]));
    assert!(
        r.to_string().contains(
            "due.csv:2 REFUSED (invoices): the due date \"2026-01-05 10:00\" is before the issue date \"2026-02-05 10:00\""
        ),
        "{r}"
    );
    // 2026-02-05 and a due date of 2026-01-05 in Stripe's API.
    let json = r#"[{"id": "in_D2", "object": "invoice", "status": "open", "currency": "usd", "customer": "cus_D",
        "customer_name": "Due Co", "total": 1000, "created": 1770285600, "due_date": 1767607200}]"#;
    let r = refused(import_fresh(b, &[write(&dir, "due.json", json)]));
    assert!(
        r.to_string().contains(
            "due.json#1 REFUSED (invoices): the due date \"2026-01-05\" is before the issue date \"2026-02-05\""
        ),
        "{r}"
    );
    let qb = r#"{"Invoice": [{"Id": "1", "TxnDate": "2026-02-05", "DueDate": "2026-01-05", "TotalAmt": 10, "Balance": 10,
        "CustomerRef": {"value": "7", "name": "QB Co"}}]}"#;
    let r = refused(import_fresh(b, &[write(&dir, "qb.json", qb)]));
    assert!(
        r.to_string().contains(
            "qb.json#1 REFUSED (invoices): the due date \"2026-01-05\" is before the issue date \"2026-02-05\""
        ),
        "{r}"
    );
}
}

on_both! {
/// Amount Paid 150.00 on a 100.00 invoice became a 100.00 payment and the
/// 50.00 vanished. Imported faithfully: a payment of 150.00 pays the
/// invoice and its 50.00 rest is the customer's credit, named in the
/// report; on the bulk path as on the row path; the same file again
/// changes nothing.
fn an_overpaid_invoice_leaves_the_rest_as_credit(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{INVOICE_HEADER}\nin_O1,100.00,150.00,usd,cus_O,Over Co,2026-01-05,2026-02-04,O-1,paid,100.00\n\
         in_O2,40.00,40.00,usd,cus_O,Over Co,2026-01-06,2026-02-05,O-2,paid,40.00\n"
    );
    let path = write(&dir, "over.csv", &text);
    for bulk_bytes in [u64::MAX, 0] {
        let (_held, mut s) = another(b);
        let files = std::slice::from_ref(&path);
        let r = import_tuned(&mut s, files, &ImportOptions::default(), bulk_bytes).unwrap();
        assert!(
            r.to_string().contains(
                "invoice O-1: $150.00 was paid on a total of $100.00: the $50.00 over is the customer's credit"
            ),
            "{r}"
        );
        let o1 = invoice(&s, "stripe:cus_O", "O-1");
        assert_eq!((o1.status, o1.applied_minor), (ardesk::domain::status::InvoiceStatus::Paid, 10_000));
        let amounts: Vec<i64> = payments(&s, "stripe:cus_O").iter().map(|p| p.amount.minor).collect();
        assert_eq!(amounts, [15_000, 4_000]);
        let m = figures(&s, "stripe:cus_O").metrics;
        assert_eq!((m.credit_balance, m.total_collected), (usd(5_000), usd(19_000)));
        assert_consistent(&s);
        let again = run_import_into(&mut s, files, &ImportOptions::default(), false).unwrap();
        assert_eq!(again.changes(), 0, "{again}");
        assert_eq!(figures(&s, "stripe:cus_O").metrics.credit_balance, usd(5_000));
    }
}
}

on_both! {
/// A negative Amount Paid was ignored, and invoices for unknown customers
/// or with negative totals were "skipped" with exit 0: each is refused, so
/// the run writes nothing unless --skip-bad-rows, and listed either way.
fn negative_money_and_unknown_customers_are_refused(b: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{INVOICE_HEADER}\nin_N1,100.00,-5.00,usd,cus_N,Neg Co,2026-01-05,2026-02-04,N-1,open,100.00\n\
         in_N2,-10.00,0,usd,cus_N,Neg Co,2026-01-05,2026-02-04,N-2,open,-10.00\n\
         in_N3,10.00,0,usd,cus_NOBODY,,2026-01-05,2026-02-04,N-3,open,10.00\n\
         in_N4,10.00,0,usd,cus_N,Neg Co,2026-01-05,2026-02-04,N-4,open,10.00\n"
    );
    let path = write(&dir, "neg.csv", &text);
    let (_held, mut s) = another(b);
    let r = refused(run_import_into(&mut s, std::slice::from_ref(&path), &ImportOptions::default(), false));
    let shown = r.to_string();
    for want in [
        "neg.csv:2 REFUSED (invoices): Amount Paid: \"-5.00\" is negative",
        "neg.csv:3 REFUSED (invoices): Total: \"-10.00\" is negative: a credit, not an invoice",
        "neg.csv:4 REFUSED (invoices): unknown customer cus_NOBODY: import the customers export",
    ] {
        assert!(shown.contains(want), "{want}\n{shown}");
    }
    assert!(s.customer_list(today()).unwrap().is_empty());
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let r = run_import_into(&mut s, &[path], &opts, false).unwrap();
    let c = r.count(Counted::Invoices);
    assert_eq!((c.created, c.skipped, c.refused), (1, 0, 3), "{r}");
    // Stripe's API and QuickBooks: negative totals too.
    let json = r#"[{"id": "in_N5", "object": "invoice", "status": "open", "currency": "usd", "customer": "cus_N",
        "total": -1000, "created": 1770285600},
        {"id": "in_N6", "object": "invoice", "status": "open", "currency": "usd", "customer": "cus_N",
        "total": 1000, "amount_paid": -1, "created": 1770285600}]"#;
    let r = refused(import_fresh(b, &[write(&dir, "neg.json", json)]));
    assert!(r.to_string().contains("neg.json#1 REFUSED (invoices): total: \"-1000\" is negative"), "{r}");
    assert!(r.to_string().contains("neg.json#2 REFUSED (invoices): amount_paid: -1 is negative"), "{r}");
    let qb = r#"{"Invoice": [{"Id": "1", "TxnDate": "2026-02-05", "TotalAmt": -10, "Balance": 0,
        "CustomerRef": {"value": "7", "name": "QB Co"}}]}"#;
    let r = refused(import_fresh(b, &[write(&dir, "qb.json", qb)]));
    assert!(r.to_string().contains("qb.json#1 REFUSED (invoices): TotalAmt: \"-10\" is negative"), "{r}");
}
}
