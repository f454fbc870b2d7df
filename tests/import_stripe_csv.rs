//! Stripe Dashboard CSV exports: one test per object and header generation,
//! asserting the rows and amounts that land, read back through the store.

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::domain::status::*;
use ardesk::domain::{Currency, Money};
use ardesk::import::{Counted, ImportError, ImportOptions, run_import_into};
use ardesk::store::Books;
use imp::books::{assert_consistent, customer, figures, import, import_with, invoice, payments};
use imp::*;
use rust_decimal::Decimal;
use support::backends::{text, texts};

on_both! {
fn customers_all_columns_with_metadata(s: &mut Books) {
    let r = import(s, &["customers_all_columns_2025.csv"]);
    let c = r.count(Counted::Customers);
    assert_eq!((c.created, c.skipped, c.refused), (4, 1, 0), "{r}");
    // The guest row (line 4, no id) is skipped with its reason.
    assert_eq!(r.issues[0].line, 4);
    assert!(r.issues[0].reason.contains("guest customer"), "{r}");
    let list = s.customer_list(today()).unwrap();
    let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Acme Co", "Globex", "Initech, Inc.", "Umbrella KK"]);
    assert!(list.iter().all(|c| c.import_source == Some(ImportSource::Stripe)));
    let acme = customer(s, "stripe:cus_T001Acme");
    assert_eq!(acme.billing_email, "acme@example.test");
    assert_eq!(acme.external_url.as_deref(), Some("https://dashboard.stripe.com/customers/cus_T001Acme"));
    assert_eq!(customer(s, "stripe:cus_T003Initech").currency, Currency::EUR);
    assert_eq!(customer(s, "stripe:cus_T004Umbrella").currency, Currency::JPY);
    // Account Balance -150.00 is credit Globex holds: one credits row.
    assert_eq!(r.count(Counted::Credits).created, 1);
    assert_eq!(figures(s, "stripe:cus_T002Globex").metrics.credit_balance, usd(15_000));
    // The raw row, metadata columns included, is kept in source_raw.
    let raw = text(s, "SELECT CAST(source_raw AS TEXT) FROM customers WHERE external_id = 'cus_T001Acme'");
    let raw: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(raw["row"]["tag (metadata)"], "gold");
    assert_eq!(raw["row"]["Card Address Line1"], "1 Test Road, Suite 5");
    assert_eq!(raw["imported"]["name"], "Acme Co");
}
}

on_both! {
fn customers_default_columns_and_a_windows_1252_file(s: &mut Books) {
    let r = import(s, &["customers_default_2023.csv", "customers_all_columns_2023_cp1252.csv"]);
    assert_eq!(r.count(Counted::Customers).created, 3, "{r}");
    assert_eq!(r.count(Counted::Customers).skipped, 1);
    // No Name: the Description stands in.
    assert_eq!(customer(s, "stripe:cus_D002Echo").name, "Echo Partners");
    // No Currency in the default columns: the organization's default.
    assert_eq!(customer(s, "stripe:cus_D001Delta").currency, Currency::USD);
    let cafe = customer(s, "stripe:cus_W001Cafe");
    assert_eq!((cafe.name.as_str(), cafe.currency), ("Café Müller", Currency::EUR));
}
}

on_both! {
fn invoices_default_columns_without_payments(s: &mut Books) {
    let r = import(s, &["customers_all_columns_2025.csv", "invoices_default_2023.csv"]);
    assert_eq!(r.count(Counted::Invoices).created, 10, "{r}");
    let a1 = invoice(s, "stripe:cus_T001Acme", "ACME-0001");
    assert_eq!((a1.status, a1.total, a1.applied_minor), (InvoiceStatus::Paid, usd(100_000), 100_000));
    assert_eq!((a1.issue_date, a1.due_date), (d("2026-01-05"), d("2026-02-04")));
    assert_eq!(invoice(s, "stripe:cus_T001Acme", "ACME-0002").status, InvoiceStatus::Open);
    // A draft without a number is numbered by its Stripe id.
    let draft = invoice(s, "stripe:cus_T001Acme", "in_T0A4");
    assert_eq!((draft.status, draft.applied_minor), (InvoiceStatus::Draft, 0));
    // void is cancelled.
    assert_eq!(invoice(s, "stripe:cus_T001Acme", "ACME-0004").status, InvoiceStatus::Cancelled);
    assert_eq!(invoice(s, "stripe:cus_T002Globex", "GLOB-0003").status, InvoiceStatus::Uncollectible);
    // Yen have no minor unit: 120000 is ¥120,000.
    let u1 = invoice(s, "stripe:cus_T004Umbrella", "UMB-0001");
    assert_eq!(u1.total, Money::new(120_000, Currency::JPY));
    // Amount Paid without a payments export: a payment made for it.
    let p = payments(s, "stripe:cus_T001Acme");
    assert_eq!(p.len(), 1);
    assert_eq!((p[0].amount, p[0].received_on, p[0].status), (usd(100_000), d("2026-01-05"), PaymentStatus::Succeeded));
    assert_eq!(p[0].applied_to, "ACME-0001");
    // Made for ACME-0001, GLOB-0001, INIT-0001 and UMB-0001.
    assert_eq!(r.count(Counted::Payments).created, 4, "{r}");
    assert_consistent(s);
}
}

on_both! {
/// The three exports together; every figure below is computed by hand
/// from the fixture rows (today is 2026-03-01).
fn customers_invoices_and_payments_land_with_hand_computed_figures(s: &mut Books) {
    let r = import(s, &FULL_SET);
    assert!(r.written && r.refused() == 0, "{r}");
    // 4 customers (+1 guest skipped); 10 invoices; payments: 4 from the
    // export (+1 guest skipped) and 2 made for paid invoices no payment
    // links (GLOB-0001, UMB-0001); credits: Globex's balance and the
    // refund on INIT-0001.
    assert_eq!(r.count(Counted::Customers).created, 4);
    assert_eq!(r.count(Counted::Invoices).created, 10);
    assert_eq!((r.count(Counted::Payments).created, r.count(Counted::Payments).skipped), (6, 1), "{r}");
    assert_eq!(r.count(Counted::Credits).created, 2);
    assert_consistent(s);

    // Acme (USD). Issued: ACME-0001 1000 paid, ACME-0002 500 open (due
    // 03-03), ACME-0003 300 open (due 01-25, 35 days late); the draft (200)
    // and the void (400) are not billed.
    //   Total Billed = 1000 + 500 + 300 = 1800.00; collected 1000 (55%).
    //   Outstanding = 500 + 300 = 800.00, overdue 300.00 (31–60 bucket).
    //   Credit = ch_T0A9's unapplied 100.00; the failed ch_T0AF holds none.
    //   Total Collected = 1000 + 100 = 1100.00 over 2 payments.
    //   Days to collect: 1000 applied, paid 01-20 for an invoice of 01-05
    //   = 15.00 days.
    let m = figures(s, "stripe:cus_T001Acme").metrics;
    assert_eq!((m.total_billed, m.billed_collected, m.collected_percent), (usd(180_000), usd(100_000), 55));
    assert_eq!((m.outstanding, m.overdue), (usd(80_000), usd(30_000)));
    assert_eq!(m.aging, [usd(50_000), usd(0), usd(30_000), usd(0), usd(0)]);
    assert_eq!(m.credit_balance, usd(10_000));
    assert_eq!((m.total_collected, m.collected_count), (usd(110_000), 2));
    assert_eq!(m.avg_days_to_collect, Some(Decimal::new(1500, 2)));
    let p = payments(s, "stripe:cus_T001Acme");
    let by_ref = |r: &str| p.iter().find(|x| x.reference == r).unwrap().clone();
    assert_eq!((by_ref("ch_T0A1").applied_to.as_str(), by_ref("ch_T0A1").applied_minor), ("ACME-0001", 100_000));
    assert_eq!((by_ref("ch_T0AF").status, by_ref("ch_T0AF").applied_minor), (PaymentStatus::Failed, 0));
    assert_eq!(by_ref("ch_T0A9").applied_minor, 0);

    // Globex (USD): GLOB-0001 800 paid (a payment made for it, dated its
    // issue day: 0 days), GLOB-0002 600 open due 02-14 (15 days late),
    // GLOB-0003 250 uncollectible.
    //   Total Billed = 800 + 600 + 250 = 1650.00; collected 800 (48%).
    //   Outstanding = overdue = 600.00 (1–30); uncollectible is not owed.
    //   Credit = the -150.00 Account Balance.
    let m = figures(s, "stripe:cus_T002Globex").metrics;
    assert_eq!((m.total_billed, m.billed_collected, m.collected_percent), (usd(165_000), usd(80_000), 48));
    assert_eq!((m.outstanding, m.overdue, m.aging[1]), (usd(60_000), usd(60_000), usd(60_000)));
    assert_eq!(m.credit_balance, usd(15_000));
    assert_eq!((m.total_collected, m.avg_days_to_collect), (usd(80_000), Some(Decimal::new(0, 2))));

    // Initech (EUR): INIT-0001 399 paid by ch_T0I1 399, of which 99 was
    // refunded: 300 applied from the payment, 99 from a refund credit.
    //   Billed 399.00 − 99.00 of credit = 300.00 net, collected 300.00 (the
    //   money only), outstanding 0. (Credit is not collection, design §3,
    //   rule of 2026-12-05: this was billed 399.00, collected 399.00, with
    //   the credit counted as collected.)
    //   Total Collected = 399 - 99 = 300.00; credit 0 (all applied).
    //   Days: 300 applied, 02-05 for 02-01 = 4.00.
    let eur = |m| Money::new(m, Currency::EUR);
    let m = figures(s, "stripe:cus_T003Initech").metrics;
    assert_eq!((m.total_billed, m.billed_collected, m.outstanding), (eur(30_000), eur(30_000), eur(0)));
    assert_eq!((m.total_collected, m.credit_balance), (eur(30_000), eur(0)));
    assert_eq!(m.avg_days_to_collect, Some(Decimal::new(400, 2)));
    let i1 = invoice(s, "stripe:cus_T003Initech", "INIT-0001");
    assert_eq!((i1.status, i1.applied_minor), (InvoiceStatus::Paid, 39_900));
    let p = payments(s, "stripe:cus_T003Initech");
    assert_eq!((p[0].refunded_minor, p[0].applied_minor, p[0].status), (9_900, 30_000, PaymentStatus::Succeeded));

    // Umbrella (JPY): ¥120,000 billed and collected.
    let m = figures(s, "stripe:cus_T004Umbrella").metrics;
    let jpy = Money::new(120_000, Currency::JPY);
    assert_eq!((m.total_billed, m.total_collected, m.outstanding), (jpy, jpy, Money::new(0, Currency::JPY)));
}
}

on_both! {
fn payments_all_columns_with_failed_intent_refunded_and_test_rows(s: &mut Books) {
    let files = ["customers_all_columns_2025.csv", "invoices_default_2023.csv", "payments_all_columns_2024.csv"];
    // The Mode=Test row (line 7) is refused: nothing is written.
    let err = run_import_into(s, &files.map(fixture), &ImportOptions::default(), false).unwrap_err();
    let ImportError::Refused { report } = &err else { panic!("{err}") };
    assert_eq!(report.refused(), 1);
    assert!(err.to_string().contains("payments_all_columns_2024.csv:7 REFUSED"), "{err}");
    assert!(err.to_string().contains("--allow-test-mode"), "{err}");
    assert!(s.customer_list(today()).unwrap().is_empty());

    let r = import_with(s, &files, &ImportOptions { allow_test_mode: true, ..Default::default() });
    // The PaymentIntent row without a charge (line 6) moved no money.
    assert!(r.issues.iter().any(|i| i.line == 6 && i.reason.contains("requires_payment_method")), "{r}");
    let p = payments(s, "stripe:cus_T001Acme");
    let by_ref = |r: &str| p.iter().find(|x| x.reference == r).unwrap().clone();
    // Paid and linked: ACME-0002 (500) is now paid by it.
    assert_eq!((by_ref("ch_T1P1").applied_to.as_str(), by_ref("ch_T1P1").applied_minor), ("ACME-0002", 50_000));
    assert_eq!(invoice(s, "stripe:cus_T001Acme", "ACME-0002").status, InvoiceStatus::Paid);
    // A partial refund stays succeeded with its refunded amount.
    assert_eq!((by_ref("ch_T1P2").status, by_ref("ch_T1P2").refunded_minor), (PaymentStatus::Succeeded, 12_000));
    assert_eq!((by_ref("ch_T1P3").status, by_ref("ch_T1P3").refunded_minor), (PaymentStatus::Refunded, 8_000));
    assert_eq!((by_ref("ch_T1P4").status, by_ref("ch_T1P4").applied_minor), (PaymentStatus::Failed, 0));
    assert_eq!(by_ref("ch_T1P6").amount, usd(4_200));
    assert_consistent(s);
}
}

on_both! {
fn a_spreadsheet_resave_with_semicolons_crlf_and_decimal_commas(s: &mut Books) {
    let files = ["customers_all_columns_2025.csv", "invoices_default_2023.csv", "payments_excel_semicolon_crlf.csv"];
    let r = import(s, &files);
    // 3 rows, and 4 made for the paid invoices no payment row names.
    assert_eq!(r.count(Counted::Payments).created, 3 + 4, "{r}");
    // "200,00" names ACME-0002 by number: partly paid.
    let a2 = invoice(s, "stripe:cus_T001Acme", "ACME-0002");
    assert_eq!((a2.status, a2.applied_minor), (InvoiceStatus::Open, 20_000));
    // "1.234,56" is 1234.56, unapplied: Acme's credit.
    assert_eq!(figures(s, "stripe:cus_T001Acme").metrics.credit_balance, usd(123_456));
    assert_eq!(figures(s, "stripe:cus_T003Initech").metrics.credit_balance, Money::new(39_900, Currency::EUR));
    assert!(r.notes.iter().any(|n| n.contains("no id column")), "{r}");
    assert_consistent(s);
    // Keyed on date, amount, customer and invoice: a second run changes nothing.
    let again = import(s, &files);
    assert_eq!(again.changes(), 0, "{again}");
}
}

on_both! {
/// A payment that moved in the source is settled again: the applications
/// it had are reversed on the import's date (kept, removed), not deleted,
/// and new ones made; a third run changes nothing.
fn a_payment_that_moved_is_settled_again_and_its_old_application_reversed(s: &mut Books) {
    let dir = tempfile::tempdir().unwrap();
    let r = import(s, &FULL_SET);
    assert!(r.written, "{r}");
    let removed = |s: &Books| -> Vec<(i64, String, Option<String>)> {
        let sql = "SELECT CAST(a.amount_minor AS TEXT), CAST(a.applied_on AS TEXT), CAST(a.removed_on AS TEXT)
                   FROM applications a JOIN payments p ON p.id = a.payment_id
                   WHERE p.external_id = 'ch_T0A1' ORDER BY a.id";
        texts(s, sql)
            .into_iter()
            .map(|r| (r[0].as_deref().unwrap().parse().unwrap(), r[1].clone().unwrap(), r[2].clone()))
            .collect()
    };
    assert_eq!(removed(s), [(100_000, "2026-01-20".to_string(), None)]);
    let moved = variant(&dir, "payments_default_2023.csv", |t| t.replace("2026-01-20 14:00", "2026-01-22 09:00"));
    let files = [fixture("customers_all_columns_2025.csv"), fixture("invoices_default_2023.csv"), moved];
    for _ in 0..2 {
        let r = run_import_into(s, &files, &ImportOptions::default(), false).unwrap();
        assert!(r.refused() == 0, "{r}");
        let rows = removed(s);
        assert_eq!(rows.len(), 2, "the old application stays, reversed: {rows:?}");
        let on = rows[0].2.as_deref().expect("reversed");
        assert!(rows[0].0 == 100_000 && on >= "2026-01-20", "{rows:?}");
        assert_eq!((rows[1].0, rows[1].1.as_str(), rows[1].2.as_deref()), (100_000, "2026-01-22", None));
        assert_consistent(s);
    }
    // 1000 applied, paid 01-22 for an invoice of 01-05: 17.00 days.
    let m = figures(s, "stripe:cus_T001Acme").metrics;
    assert_eq!(m.avg_days_to_collect, Some(Decimal::new(1700, 2)));
}
}
