//! Stripe API JSON lists: customers, invoices in the shapes before and
//! after 2025-03-31, charges and payment intents; test-mode objects.

#[path = "import_support.rs"]
mod imp;
mod support;

use ardesk::domain::Currency;
use ardesk::domain::status::*;
use ardesk::import::{Counted, ImportError, ImportOptions, run_import_into};
use imp::books::{assert_consistent, customer, figures, import_with, invoice, payments};
use imp::*;

fn allow() -> ImportOptions {
    ImportOptions { allow_test_mode: true, ..Default::default() }
}

on_both! {
fn customer_list_with_a_credit_balance_and_a_test_mode_customer(s: &mut Books) {
    // livemode false: refused, and with it the whole run.
    let err = run_import_into(s, &[fixture("api/customers_list.json")], &ImportOptions::default(), false).unwrap_err();
    assert!(matches!(err, ImportError::Refused { .. }));
    assert!(err.to_string().contains("customers_list.json#3 REFUSED"), "{err}");
    assert!(s.customer_list(today()).unwrap().is_empty());

    let r = import_with(s, &["api/customers_list.json"], &allow());
    assert_eq!(r.count(Counted::Customers).created, 3, "{r}");
    // balance -5000 (cents) is $50.00 of credit.
    assert_eq!(figures(s, "stripe:cus_TA01Hooli").metrics.credit_balance, usd(5_000));
    let test = customer(s, "stripe:cus_TA03Test");
    assert_eq!(test.external_url.as_deref(), Some("https://dashboard.stripe.com/test/customers/cus_TA03Test"));
}
}

on_both! {
fn invoices_before_2025_paid_by_the_charge_they_name(s: &mut Books) {
    let files = ["api/customers_list.json", "api/invoices_list_2024.json", "api/charges_list_2024.json"];
    let r = import_with(s, &files, &allow());
    assert_eq!(r.count(Counted::Invoices).created, 2, "{r}");
    let paid = invoice(s, "stripe:cus_TA01Hooli", "HOOLI-0001");
    assert_eq!((paid.status, paid.total, paid.applied_minor), (InvoiceStatus::Paid, usd(200_000), 200_000));
    assert_eq!((paid.issue_date, paid.due_date), (d("2026-01-05"), d("2026-02-04")));
    let open = invoice(s, "stripe:cus_TA01Hooli", "HOOLI-0002");
    assert_eq!((open.status, open.total, open.applied_minor), (InvoiceStatus::Open, usd(75_050), 0));
    let p = payments(s, "stripe:cus_TA01Hooli");
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(
        (p[0].reference.as_str(), p[0].applied_to.as_str(), p[0].received_on),
        ("ch_TA01", "HOOLI-0001", d("2026-01-20"))
    );
    assert_eq!((p[1].reference.as_str(), p[1].status), ("ch_TA02", PaymentStatus::Failed));
    assert_consistent(s);
}
}

on_both! {
fn invoices_before_2025_without_charges_use_paid_at(s: &mut Books) {
    import_with(s, &["api/customers_list.json", "api/invoices_list_2024.json"], &allow());
    let p = payments(s, "stripe:cus_TA01Hooli");
    assert_eq!(p.len(), 1);
    assert_eq!(
        (p[0].amount, p[0].received_on, p[0].applied_to.as_str()),
        (usd(200_000), d("2026-01-20"), "HOOLI-0001")
    );
    // A later charges export replaces the made payment with the charge.
    let r = import_with(s, &["api/charges_list_2024.json"], &allow());
    let p = payments(s, "stripe:cus_TA01Hooli");
    assert_eq!(p.iter().map(|x| x.reference.as_str()).collect::<Vec<_>>(), ["ch_TA01", "ch_TA02"], "{r}");
    assert_eq!(invoice(s, "stripe:cus_TA01Hooli", "HOOLI-0001").applied_minor, 200_000);
    assert!(r.notes.iter().any(|n| n.contains("replaced")), "{r}");
    assert_consistent(s);
}
}

on_both! {
fn invoices_after_2025_paid_through_their_payments_list(s: &mut Books) {
    let files = ["api/customers_list.json", "api/invoices_list_2026.json", "api/payment_intents_2026.json"];
    let r = import_with(s, &files, &allow());
    // Pied Piper had no currency: its first invoice's (usd) is taken.
    assert_eq!(customer(s, "stripe:cus_TA02Pied").currency, Currency::USD);
    let paid = invoice(s, "stripe:cus_TA02Pied", "PIED-0001");
    assert_eq!((paid.status, paid.applied_minor), (InvoiceStatus::Paid, 99_900), "{r}");
    assert_eq!(invoice(s, "stripe:cus_TA02Pied", "PIED-0002").status, InvoiceStatus::Cancelled);
    // The intent is keyed on its charge, named by the invoice through the intent.
    let p = payments(s, "stripe:cus_TA02Pied");
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].reference.as_str(), p[0].applied_to.as_str()), ("pi_TB01", "PIED-0001"));
    // The intent that still requires a payment method moved no money.
    assert!(r.issues.iter().any(|i| i.line == 2 && i.reason.contains("requires_payment_method")), "{r}");
    assert_consistent(s);
    let again = import_with(s, &files, &allow());
    assert_eq!(again.changes(), 0, "{again}");
}
}
