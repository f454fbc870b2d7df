//! The bulk path of a large import into a source with no invoices yet
//! (screen indexes dropped and built again, new invoices written many to a
//! statement with their money, summaries added up in memory) must leave
//! exactly the database, report and figures that the row-by-row path
//! leaves, and `ardesk check` clean.

#[path = "import_support.rs"]
mod support;

use ardesk::import::{BULK_BYTES, Counted, ImportError, ImportOptions, ImportReport, run_import, run_import_tuned};
use ardesk::store::{OpenMode, Store};
use rusqlite::types::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use support::{assert_consistent, today};

const CUSTOMERS: &str = "id,Description,Email,Name,Created (UTC),Account Balance,Currency,Delinquent\n\
cus_B1,,one@example.test,Bulk One,2025-01-01 10:00,0.00,usd,false\n\
cus_B2,,two@example.test,Bulk Two,2025-01-02 10:00,-50.00,usd,false\n\
cus_B3,,three@example.test,Bulk Three,2025-01-03 10:00,,,false\n\
cus_B4,,four@example.test,Bulk Four,2025-01-04 10:00,0.00,eur,false\n";

const INVOICE_HEADER: &str = "id,Amount Due,Amount Paid,Currency,Customer,Customer Name,Customer Email,Date (UTC),\
Due Date (UTC),Number,Paid,Status,Total,Charge,Paid At (UTC)";

/// Invoice rows of every kind the fast path and the row path share out
/// between them, with a payments export that names some of them.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut inv = String::from(INVOICE_HEADER) + "\n";
    let mut pay = String::from(
        "id,Description,Created (UTC),Amount,Amount Refunded,Currency,Status,Customer ID,Captured,Invoice ID\n",
    );
    for i in 0..700 {
        let (cust, cur) = match i % 9 {
            0..3 => ("cus_B1", "usd"),
            3 | 4 => ("cus_B2", "usd"),
            5 => ("cus_B3", if i < 200 { "usd" } else { "gbp" }),
            6 => ("cus_B4", "eur"),
            7 => ("cus_NEW1", "usd"),
            _ => ("cus_GHOST", "usd"),
        };
        let name = if cust == "cus_NEW1" { "Made From Row" } else { "" };
        let day = 1 + i % 28;
        let (issue, due) = (format!("2025-03-{day:02} 10:00"), format!("2025-04-{day:02} 10:00"));
        // Amount due, amount paid, paid flag, status, total, paid at.
        let (due_amt, paid, flag, status, total) = match i % 11 {
            0..5 => ("100.00", "100.00", "true", "paid", "100.00"),
            5 => ("60.00", "60.00", "true", "paid", "100.00"),
            6 => ("100.00", "30.00", "false", "open", "100.00"),
            7 => ("100.00", "40.00", "true", "paid", "100.00"),
            8 => ("100.00", "0.00", "false", "void", "100.00"),
            9 => ("100.00", "0.00", "false", "draft", "100.00"),
            _ => ("100.00", "25.00", "false", "uncollectible", "100.00"),
        };
        let charge = if i % 50 == 3 { format!("ch_B{i}") } else { String::new() };
        let due = if i % 97 == 5 { "2025-02-01 10:00".to_string() } else { due };
        let paid_at = if status == "paid" { format!("2025-04-{day:02} 09:00") } else { String::new() };
        let _ = writeln!(
            inv,
            "in_B{i:04},{due_amt},{paid},{cur},{cust},{name},,{issue},{due},BULK-{i:04},{flag},{status},{total},{charge},{paid_at}"
        );
        if !charge.is_empty() {
            let _ = writeln!(pay, "{charge},,2025-04-02 10:00,100.00,0.00,{cur},Paid,{cust},true,in_B{i:04}");
        }
        if i % 70 == 11 {
            // A payment that names the invoice by id only.
            let _ = writeln!(pay, "ch_N{i},,2025-04-03 10:00,20.00,0.00,{cur},Paid,{cust},true,in_B{i:04}");
        }
    }
    // The same invoice again, now paid; another invoice with a taken number.
    let _ = writeln!(
        inv,
        "in_B0006,100.00,100.00,usd,cus_B1,,,2025-03-07 10:00,2025-04-07 10:00,BULK-0006,true,paid,100.00,,"
    );
    let _ = writeln!(
        inv,
        "in_BX01,100.00,0.00,usd,cus_B1,,,2025-03-07 10:00,2025-04-07 10:00,BULK-0010,false,open,100.00,,"
    );
    let paths = [("customers.csv", CUSTOMERS.to_string()), ("invoices.csv", inv), ("payments.csv", pay)];
    paths
        .into_iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect()
}

/// Every table's rows, timestamps left out, and the schema.
fn dump(db: &Path) -> Vec<(String, Vec<Vec<Value>>)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        // The search indexes are derived from the customers, invoices and
        // payments (`check` compares them): their segments are laid out by
        // how they were written. Which rows are indexed is compared
        // (`invoice_search_docsize`, `payment_search_docsize`).
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'customer_search%'
             AND name NOT IN ('invoice_search', 'invoice_search_data', 'invoice_search_idx', 'payment_search',
                              'payment_search_data', 'payment_search_idx') ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            // Where an index entry was written (`origin`) depends on the order.
            .filter(|c: &String| c != "created_at" && c != "at" && c != "origin")
            .collect();
        let sql = format!(
            "SELECT {} FROM {t} ORDER BY {}",
            cols.join(", "),
            (1..=cols.len().min(3)).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
        );
        let mut stmt = conn.prepare(&sql).unwrap();
        let rows = stmt
            .query_map([], |r| (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect::<Result<Vec<_>, _>>())
            .unwrap()
            .map(Result::unwrap)
            // Summary rows that add nothing (a due date whose invoices were
            // paid) may or may not be left behind; they mean the same.
            .filter(|row: &Vec<Value>| {
                !t.starts_with("customer_") || row[2..].iter().any(|v| !matches!(v, Value::Integer(0) | Value::Text(_)))
            })
            .collect();
        out.push((t, rows));
    }
    let schema = conn
        .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
        .unwrap()
        .query_map([], |r| Ok(vec![r.get(0)?, r.get(1)?, r.get(2)?]))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    out.push(("sqlite_schema".into(), schema));
    out
}

/// Asserts two dumps are equal, showing the first row that differs.
fn same(a: &[(String, Vec<Vec<Value>>)], b: &[(String, Vec<Vec<Value>>)]) {
    assert_eq!(a.iter().map(|t| &t.0).collect::<Vec<_>>(), b.iter().map(|t| &t.0).collect::<Vec<_>>());
    for ((table, x), (_, y)) in a.iter().zip(b) {
        if let Some(i) = (0..x.len().max(y.len())).find(|i| x.get(*i) != y.get(*i)) {
            panic!(
                "{table}: {} and {} rows; first difference at {i}:\n{:?}\n{:?}",
                x.len(),
                y.len(),
                x.get(i),
                y.get(i)
            );
        }
    }
}

fn open(db: &Path) -> Store {
    let mut s = Store::open(db, OpenMode::Create).unwrap();
    s.set_who("tester");
    s
}

fn comparable(mut r: ImportReport) -> ImportReport {
    r.elapsed = Default::default();
    r
}

/// A Stripe customer in dollars with nothing but its name.
fn plain_customer(name: &str) -> ardesk::store::import::CustomerWrite<'_> {
    ardesk::store::import::CustomerWrite {
        name,
        legal_name: "",
        billing_email: "",
        billing_address: "",
        currency: ardesk::domain::Currency::USD,
        external_url: None,
        source_raw: "{}",
    }
}

#[test]
fn a_bulk_load_writes_what_row_by_row_writes() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let (bulk_db, rows_db) = (dir.path().join("bulk.db"), dir.path().join("rows.db"));
    let bulk = run_import_tuned(&mut open(&bulk_db), &files, &opts, false, 0).unwrap();
    let rows = run_import_tuned(&mut open(&rows_db), &files, &opts, false, u64::MAX).unwrap();
    let c = bulk.count(Counted::Invoices);
    // Refused: cus_GHOST's invoices (no such customer), those due before
    // they were issued, and the taken number; none skipped.
    assert!(c.created > 500 && c.updated == 1 && c.refused > 50 && c.skipped == 0, "{bulk}");
    for why in ["unknown customer cus_GHOST", "is before the issue date", "is already used"] {
        assert!(bulk.issues.iter().any(|i| i.reason.contains(why)), "{why}: {bulk}");
    }
    assert!(bulk.count(Counted::Credits).created > 50, "{bulk}");
    assert_eq!(comparable(bulk), comparable(rows));
    same(&dump(&bulk_db), &dump(&rows_db));
    assert_consistent(&open(&bulk_db));
    // Each invoice's balance (schema 5) went in with it: open $100 with
    // $30 paid owes $70, uncollectible $100 with $25 paid wrote off $75; a
    // draft, a void and a paid one owe nothing.
    let c = rusqlite::Connection::open(&bulk_db).unwrap();
    let balance = |n: &str| -> i64 {
        c.query_row("SELECT balance_minor FROM invoices WHERE number = ?1", [n], |r| r.get(0)).unwrap()
    };
    let got = ["BULK-0028", "BULK-0010", "BULK-0009", "BULK-0019", "BULK-0001"].map(balance);
    assert_eq!(got, [7_000, 7_500, 0, 0, 0]);
}

/// Importing the files again (a repeated row flips back and forth, as it
/// does row by row) gives the same outcome after either path.
#[test]
fn after_a_bulk_load_the_same_files_do_what_they_do_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let (bulk_db, rows_db) = (dir.path().join("bulk.db"), dir.path().join("rows.db"));
    run_import_tuned(&mut open(&bulk_db), &files, &opts, false, 0).unwrap();
    run_import_tuned(&mut open(&rows_db), &files, &opts, false, u64::MAX).unwrap();
    let bulk = run_import_tuned(&mut open(&bulk_db), &files, &opts, false, 0).unwrap();
    let rows = run_import_tuned(&mut open(&rows_db), &files, &opts, false, u64::MAX).unwrap();
    assert_eq!(comparable(bulk), comparable(rows));
    same(&dump(&bulk_db), &dump(&rows_db));
    assert_consistent(&open(&bulk_db));
}

/// A file without repeated rows changes nothing the second time.
#[test]
fn after_a_bulk_load_the_same_files_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = files(dir.path());
    let text = std::fs::read_to_string(&files[1]).unwrap();
    let once: Vec<&str> = text.lines().filter(|l| !l.starts_with("in_B0006,100.00,100.00")).collect();
    files[1] = dir.path().join("once.csv");
    std::fs::write(&files[1], once.join("\n") + "\n").unwrap();
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let db = dir.path().join("bulk.db");
    run_import_tuned(&mut open(&db), &files, &opts, false, 0).unwrap();
    let before: Vec<_> = dump(&db).into_iter().filter(|(t, _)| t != "audit_log").collect();
    let again = run_import_tuned(&mut open(&db), &files, &opts, false, 0).unwrap();
    assert_eq!(again.changes(), 0, "{again}");
    let after: Vec<_> = dump(&db).into_iter().filter(|(t, _)| t != "audit_log").collect();
    same(&after, &before);
    assert_consistent(&open(&db));
}

#[test]
fn a_bulk_dry_run_or_refused_run_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let db = dir.path().join("bulk.db");
    drop(open(&db));
    let empty = dump(&db);
    let dry = ImportOptions { dry_run: true, skip_bad_rows: true, ..Default::default() };
    let r = run_import_tuned(&mut open(&db), &files, &dry, false, 0).unwrap();
    assert!(r.count(Counted::Invoices).created > 500 && !r.written, "{r}");
    assert_eq!(dump(&db), empty);
    // The taken number is refused: without --skip-bad-rows nothing lands.
    let refused = run_import_tuned(&mut open(&db), &files, &ImportOptions::default(), false, 0);
    assert!(matches!(refused, Err(ImportError::Refused { .. })), "{refused:?}");
    assert_eq!(dump(&db), empty);
}

#[test]
fn the_default_threshold_keeps_small_files_row_by_row() {
    // A few invoices stay below BULK_BYTES and take the trigger path.
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    assert!(std::fs::metadata(&files[1]).unwrap().len() < BULK_BYTES);
    let db = dir.path().join("small.db");
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let r = run_import(&mut open(&db), &files, &opts, false).unwrap();
    assert!(r.count(Counted::Invoices).created > 500, "{r}");
    let s = open(&db);
    assert_consistent(&s);
    assert!(s.check(today()).unwrap().is_empty());
}

/// The same invoices with no payment named anywhere (no Charge, no
/// payments export) and the repeated row and the taken number moved a
/// batch later: nothing looks an invoice up by its id before them, so most
/// of the load runs with the external-id indexes lifted, and the repeat
/// still updates its invoice and the taken number is refused, as row by
/// row.
#[test]
fn a_load_with_the_external_id_indexes_lifted_writes_what_row_by_row_writes() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let text = std::fs::read_to_string(&files[1]).unwrap();
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut cells: Vec<&str> = line.split(',').collect();
        if !line.starts_with("id,") {
            cells[13] = "";
        }
        lines.push(cells.join(","));
    }
    let late = lines.split_off(lines.len() - 2);
    for i in 0..ardesk::import::BATCH {
        lines.push(format!(
            "in_F{i:05},10.00,10.00,usd,cus_B2,,,2025-05-01 10:00,2025-06-01 10:00,FILL-{i:05},true,paid,10.00,,2025-05-02 09:00"
        ));
    }
    lines.extend(late);
    let invoices = dir.path().join("plain.csv");
    std::fs::write(&invoices, lines.join("\n") + "\n").unwrap();
    let files = [files[0].clone(), invoices];
    let opts = ImportOptions { skip_bad_rows: true, ..Default::default() };
    let (bulk_db, rows_db) = (dir.path().join("bulk.db"), dir.path().join("rows.db"));
    let bulk = run_import_tuned(&mut open(&bulk_db), &files, &opts, false, 0).unwrap();
    let rows = run_import_tuned(&mut open(&rows_db), &files, &opts, false, u64::MAX).unwrap();
    let c = bulk.count(Counted::Invoices);
    assert!(c.created > 20_500 && c.updated == 1 && c.refused > 50, "{bulk}");
    assert_eq!(comparable(bulk), comparable(rows));
    same(&dump(&bulk_db), &dump(&rows_db));
    assert_consistent(&open(&bulk_db));
}

/// `load_invoices` with the external-id indexes lifted: a key it loaded
/// before, or one twice in the rows, ends what it writes; the first look-up
/// by external id creates the indexes again.
#[test]
fn with_the_external_id_indexes_lifted_a_repeated_key_stops_a_load() {
    use ardesk::domain::Currency;
    use ardesk::domain::status::{ImportSource, InvoiceStatus};
    use ardesk::store::import::InvoiceWrite;
    use ardesk::store::load::LoadInvoice;
    let mut s = Store::open_in_memory().unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    let cid = s
        .import_session(|itx| {
            itx.begin_bulk()?;
            let cid = itx.insert_customer(Some((ImportSource::Stripe, "cus_L")), &plain_customer("Lifted"))?;
            itx.lift_indexes(true)?;
            let numbers = ["L-1", "L-2", "L-3", "L-4"];
            let lines = [ardesk::domain::lines::Line {
                kind: ardesk::domain::lines::LineKind::Item,
                description: "Seats".into(),
                quantity: None,
                unit_price: None,
                amount_minor: 1000,
                tax_minor: Some(0),
            }];
            let row = |ext: &'static str, n: usize| LoadInvoice {
                source: ImportSource::Stripe,
                external_id: ext,
                invoice: InvoiceWrite {
                    customer_id: cid,
                    contract_id: None,
                    number: numbers[n],
                    issue_date: day,
                    due_date: day,
                    period: None,
                    currency: Currency::USD,
                    total_minor: 1000,
                    status: InvoiceStatus::Open,
                    kept: ardesk::store::kept::Kept::Json("{}"),
                    memo: "",
                    lines: &lines,
                    cancelled_on: None,
                },
                money: Vec::new(),
            };
            assert_eq!(itx.load_invoices(&[row("in_1", 0), row("in_2", 1), row("in_1", 2)])?, 2);
            assert_eq!(itx.load_invoices(&[row("in_3", 2), row("in_2", 3)])?, 1);
            assert!(itx.external_lifted());
            let found = itx.find_invoice(ImportSource::Stripe, "in_2")?.map(|i| i.number);
            assert_eq!(found.as_deref(), Some("L-2"));
            assert!(!itx.external_lifted());
            // With the unique index back, a repeat is refused by it instead.
            assert_eq!(itx.load_invoices(&[row("in_4", 3), row("in_3", 0)])?, 1);
            itx.end_bulk(&[cid])?;
            assert_eq!(itx.invoice_rows_at_most()?, 4);
            assert!(itx.find_invoice(ImportSource::Stripe, "in_4")?.is_some());
            Ok::<_, ardesk::store::StoreError>((cid, true))
        })
        .unwrap();
    // Each invoice written has its line; those refused left none behind.
    for id in 1..=4 {
        assert_eq!(s.invoice_detail(cid, id).unwrap().lines.len(), 1, "invoice #{id}");
    }
    assert_consistent(&s);
}

/// A bulk run that deletes the payment with the largest id gives that id
/// back to the next payment: here a new invoice's payment of another
/// customer, whose figures the run adds to rather than rebuilds. Its
/// dated events (the figures as of past dates) must count that payment,
/// though its id is not past the largest before the run.
#[test]
fn a_freed_largest_id_taken_by_another_customer_still_counts_as_of_past_dates() {
    use ardesk::domain::Currency;
    use ardesk::domain::status::{ImportSource, InvoiceStatus, PaymentMethod, PaymentStatus};
    use ardesk::store::import::{InvoiceWrite, PaymentWrite};
    use ardesk::store::load::{LoadInvoice, NewMoney};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("freed.db");
    let mut s = Store::open(&db, OpenMode::Create).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    let (a, b, paid) = s
        .import_session(|itx| {
            let a = itx.insert_customer(Some((ImportSource::Stripe, "cus_A")), &plain_customer("Freeing"))?;
            let b = itx.insert_customer(Some((ImportSource::Stripe, "cus_B")), &plain_customer("Taking"))?;
            let payment = PaymentWrite {
                customer_id: a,
                received_on: day,
                amount_minor: 700,
                refunded_minor: 0,
                refunded_on: None,
                currency: Currency::USD,
                reference: "ch_A",
                status: PaymentStatus::Succeeded,
                method: PaymentMethod::Automatic,
                source_raw: Some("{}"),
            };
            let paid = itx.insert_payment(Some((ImportSource::Stripe, "ch_A")), &payment)?;
            Ok::<_, ardesk::store::StoreError>(((a, b, paid), true))
        })
        .unwrap();
    s.import_session(|itx| {
        itx.begin_bulk()?;
        itx.delete_payment(paid)?;
        let row = LoadInvoice {
            source: ImportSource::Stripe,
            external_id: "in_B",
            invoice: InvoiceWrite {
                customer_id: b,
                contract_id: None,
                number: "B-1",
                issue_date: day,
                due_date: day,
                period: None,
                currency: Currency::USD,
                total_minor: 1000,
                status: InvoiceStatus::Paid,
                kept: ardesk::store::kept::Kept::Json("{}"),
                memo: "",
                lines: &[],
                cancelled_on: None,
            },
            money: vec![NewMoney {
                credit: false,
                key: "in_B#paid".into(),
                amount_minor: 1000,
                on: day,
                text: "B-1".into(),
                raw: None,
            }],
        };
        assert_eq!(itx.load_invoices(&[row])?, 1);
        itx.end_bulk(&[a, b])?;
        Ok::<_, ardesk::store::StoreError>(((), true))
    })
    .unwrap();
    let taken: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT id FROM payments WHERE customer_id = ?1", [b], |r| r.get(0))
        .unwrap();
    assert_eq!(taken, paid, "the new payment takes the freed id, the case under test");
    assert_consistent(&s);
}
