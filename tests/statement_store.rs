//! Statements of account from the store (`Store::statement`): on the demo
//! database every customer's open-item statement agrees with the page's
//! figures as of the date and with the Invoices tab read as of it, and
//! every activity statement closes on the open-item total due; a
//! hand-made customer crosses every kind of event (invoice, payment,
//! credit note, granted credit, refund, bad-debt write-off dated and
//! undated, cancellation, void, unapply) and two currencies; the PDF of a
//! demo statement shows every invoice, balance and the total due.

mod common;
mod support;

use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::{CreditNoteDraft, RefundDraft};
use ardesk::domain::model::InvoiceRow;
use ardesk::domain::status::InvoiceStatus;
use ardesk::domain::status::{PaymentMethod, PaymentStatus};
use ardesk::statement::model::{ActivityKind, Kind, Section, Statement, UnappliedKind, inconsistencies};
use ardesk::store::seed::{AppliedFrom, NewPayment};
use ardesk::store::{Books, OpenMode, Store};
use chrono::NaiveDate;
use common::*;
use support::backends::{seed, version};

/// A writable copy of the demo database.
fn demo_copy() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let src = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    src.checkpoint().unwrap();
    std::fs::copy(support::demo_db(), &path).unwrap();
    let mut store = Store::open(&path, OpenMode::MustExist).unwrap();
    store.set_who("tester");
    (dir, store)
}

fn own(s: &Statement, currency: ardesk::domain::Currency) -> &Section {
    s.sections.iter().find(|x| x.currency == currency).unwrap()
}

/// The statement's sections against the figures as of the date, and the
/// activity's closing against the open-item total due.
fn assert_agrees(store: &mut Books, customer: i64, as_of: NaiveDate, from: NaiveDate) {
    let c = store.customer(customer).unwrap();
    let open = store.statement(customer, as_of, Kind::OpenItem).unwrap();
    assert_eq!(open.sections[0].currency, c.currency, "the customer's own currency comes first");
    let f = store.figures_as_of(&c, as_of).unwrap();
    let s = own(&open, c.currency);
    assert_eq!(s.open_total, f.metrics.outstanding, "customer {customer} as of {as_of}");
    assert_eq!(s.unapplied_total, f.metrics.credit_balance, "customer {customer} as of {as_of}");
    assert_eq!(s.aging, f.metrics.aging, "customer {customer} as of {as_of}");
    let parts = store.metric_parts_as_of(customer, as_of).unwrap();
    for s in &open.sections {
        assert!(inconsistencies(s).is_empty(), "{:?}", inconsistencies(s));
        let p = parts.get(&s.currency).cloned().unwrap_or_default();
        assert_eq!(s.open_total.minor, p.outstanding_minor, "{} of customer {customer}", s.currency);
        assert!(s.open_items.iter().all(|i| i.balance.minor > 0 && i.days_overdue >= 0));
        assert!(s.unapplied.iter().all(|u| u.remaining.minor > 0));
    }
    let act = store.statement(customer, as_of, Kind::Activity { from }).unwrap();
    for s in &act.sections {
        let a = s.activity.as_ref().unwrap();
        let due = open.sections.iter().find(|o| o.currency == s.currency).map_or(0, |o| o.total_due.minor);
        assert_eq!(a.closing.minor, due, "customer {customer} {} from {from} to {as_of}", s.currency);
        assert!(a.lines.windows(2).all(|w| w[0].date <= w[1].date));
        assert!(a.lines.iter().all(|l| (from..=as_of).contains(&l.date)));
    }
    assert_eq!(store.as_of(), None, "the store reads as it did before");
}

#[test]
fn every_demo_customer_agrees_with_its_figures_on_every_date() {
    let mut store = Books::from(Store::open(support::demo_db(), OpenMode::MustExist).unwrap());
    let ids = store.customer_ids().unwrap();
    assert_eq!(ids.len(), 40);
    for id in ids {
        for (as_of, from) in [
            ("2024-06-30", "2024-01-01"),
            ("2025-08-31", "2025-08-01"),
            ("2026-01-31", "2025-01-01"),
            ("2026-03-01", "2026-02-01"),
            ("2026-03-01", "1900-01-01"),
        ] {
            assert_agrees(&mut store, id, d(as_of), d(from));
        }
    }
}

fn invoices_as_of(store: &mut Store, customer: i64, as_of: NaiveDate) -> Vec<InvoiceRow> {
    store.set_as_of(Some(as_of)).unwrap();
    let rows = store.window::<InvoiceRow>(customer, Sort::default_for(Tab::Invoices), &Seek::First, 10_000).unwrap();
    store.set_as_of(None).unwrap();
    rows.into_iter().map(|k| k.row).collect()
}

/// Borealis Freight (customer 4): EUR and USD invoices, partial payments,
/// and a credit note issued here; its open items are the Invoices tab's
/// open rows as of the date, balance for balance.
#[test]
fn borealis_in_two_currencies_matches_the_invoices_tab_and_its_pdf() {
    let (_dir, mut store) = demo_copy();
    let c = store.customer(4).unwrap();
    assert_eq!(c.name, "Borealis Freight");
    // As of 02-10 the EUR invoice of January is still open (paid 02-18).
    let as_of = d("2026-02-10");
    // A partial payment of the USD invoice (recorded payments are in the
    // customer's currency, EUR, so through the seeder).
    let usd_invoice = invoices_as_of(&mut store, 4, as_of)
        .into_iter()
        .find(|r| r.total.currency == USD && r.status == InvoiceStatus::Open)
        .unwrap();
    let seeder = store.seeder().unwrap();
    let payment = seeder
        .payment(&NewPayment {
            customer_id: 4,
            received_on: d("2026-02-05"),
            amount_minor: 50_000,
            refunded_minor: 0,
            currency: USD,
            reference: "PART-1",
            status: PaymentStatus::Succeeded,
            method: PaymentMethod::Manual,
        })
        .unwrap();
    seeder.apply(usd_invoice.id, AppliedFrom::Payment(payment), 50_000, d("2026-02-05")).unwrap();
    seeder.commit().unwrap();
    let note = CreditNoteDraft {
        issued_on: d("2026-02-10"),
        amount_minor: 12_345,
        currency: c.currency,
        reason: "damaged pallets".into(),
        invoice_id: None,
        refund_excess: false,
        lines: Vec::new(),
    };
    store.issue_credit_note(4, &note).unwrap();
    let st = store.statement(4, as_of, Kind::OpenItem).unwrap();
    let currencies: Vec<_> = st.sections.iter().map(|s| s.currency).collect();
    assert!(currencies.len() >= 2, "two currencies: {currencies:?}");
    assert!(
        st.sections[0].unapplied.iter().any(|u| u.kind == UnappliedKind::CreditNote && u.remaining.minor == 12_345),
        "{:?}",
        st.sections[0].unapplied
    );
    let rows = invoices_as_of(&mut store, 4, as_of);
    for s in &st.sections {
        let mut tab: Vec<(String, i64)> = rows
            .iter()
            .filter(|r| r.total.currency == s.currency && r.status == InvoiceStatus::Open && r.balance_minor > 0)
            .map(|r| (r.number.clone(), r.balance_minor))
            .collect();
        let mut ours: Vec<(String, i64)> = s.open_items.iter().map(|i| (i.number.clone(), i.balance.minor)).collect();
        tab.sort();
        ours.sort();
        assert_eq!(ours, tab, "{}", s.currency);
    }
    assert!(
        st.sections.iter().flat_map(|s| &s.open_items).any(|i| i.balance.minor < i.total.minor),
        "a partly paid invoice"
    );
    assert_agrees(&mut Books::from(store), 4, as_of, d("2025-11-01"));
    pdf_shows(&st);
}

/// The PDF's text (pdftotext -layout) names every open invoice, shows its
/// balance as formatted and each section's total due.
fn pdf_shows(st: &Statement) {
    let pdf = ardesk::statement::pdf::render(st).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = match std::process::Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output() {
        Ok(o) => o,
        Err(e) => {
            assert!(std::env::var_os("CI").is_none(), "pdftotext is needed on CI: {e}");
            eprintln!("skipped the PDF's text: pdftotext is not installed ({e})");
            return;
        }
    };
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for s in &st.sections {
        for i in &s.open_items {
            assert!(text.contains(&i.number), "{} missing:\n{text}", i.number);
            assert!(text.contains(&i.balance.display()), "{} missing:\n{text}", i.balance.display());
        }
        assert!(text.contains(&s.total_due.display()), "total due {} missing:\n{text}", s.total_due.display());
    }
}

on_both! {
/// One customer whose books cross every kind of event, in USD and EUR.
fn activity_closes_on_the_total_due_across_every_kind_of_event(store: &mut Books) {
    let (cust, partly, cancelled, bad, wire) = seed(store, |store| {
        let raw = rusqlite::Connection::open(store.path()).unwrap();
        store.set_who("tester");
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Every Event", USD);
        let cust = b.customer;
        let a = b.invoice("2026-01-02", "2026-01-31", 10_000, USD);
        let partly = b.invoice("2026-01-05", "2026-02-04", 20_000, USD);
        let cancelled = b.invoice("2026-01-06", "2026-02-05", 5_000, USD);
        let bad = b.invoice("2026-01-07", "2026-02-06", 8_000, USD);
        let undated_bad = b.invoice("2026-01-08", "2026-02-07", 3_000, USD);
        let eur = b.invoice("2026-01-10", "2026-02-09", 7_000, EUR);
        let _draft = b.invoice_as("2026-01-11", "2026-02-10", 99_900, InvoiceStatus::Draft, USD);
        let wire = b.payment("2026-01-20", 25_000, USD);
        b.apply(a, wire, 10_000, "2026-01-20");
        b.apply(partly, wire, 5_000, "2026-01-20");
        b.apply(bad, wire, 2_000, "2026-01-21");
        b.paid(a);
        let eur_pay = b.payment("2026-01-25", 3_000, EUR);
        b.apply(eur, eur_pay, 3_000, "2026-01-25");
        let goodwill = b.credit("2026-01-26", 1_500, USD);
        b.apply_credit(partly, goodwill, 500, "2026-01-26");
        s.commit().unwrap();
        // The undated write-off: marked uncollectible without a date.
        raw.execute("UPDATE invoices SET status = 'uncollectible' WHERE id = ?1", [undated_bad]).unwrap();
        (cust, partly, cancelled, bad, wire)
    });
    store.cancel_invoices(cust, &[cancelled], d("2026-02-03")).unwrap();
    store.write_off(cust, &[bad], d("2026-02-05"), "went bust").unwrap();
    let note = |on: &str, amount, invoice| CreditNoteDraft {
        issued_on: d(on),
        amount_minor: amount,
        currency: USD,
        reason: "short shipment".into(),
        invoice_id: invoice,
        refund_excess: false,
        lines: Vec::new(),
    };
    let kept = store.issue_credit_note(cust, &note("2026-02-06", 1_000, Some(partly))).unwrap();
    let voided = store.issue_credit_note(cust, &note("2026-02-07", 2_500, Some(partly))).unwrap();
    let credit_version = version(store, "credits", voided.credit_id);
    store.void_credit(cust, voided.credit_id, credit_version, d("2026-02-12")).unwrap();
    let _ = kept;
    let pay_version = version(store, "payments", wire);
    let r = RefundDraft { refunded_on: d("2026-02-14"), amount_minor: 4_000, reason: "overpaid".into() };
    store.refund_payment(wire, pay_version, &r).unwrap();
    assert_eq!(store.check(d("2026-03-01")).unwrap(), Vec::<String>::new());

    let mut kinds = std::collections::BTreeSet::new();
    for from in ["1900-01-01", "2026-01-05", "2026-01-21", "2026-02-04", "2026-02-07", "2026-02-13"] {
        for as_of in ["2026-01-20", "2026-02-05", "2026-02-12", "2026-02-14", "2026-03-01"] {
            if d(from) > d(as_of) {
                continue;
            }
            assert_agrees(store, cust, d(as_of), d(from));
            let st = store.statement(cust, d(as_of), Kind::Activity { from: d(from) }).unwrap();
            for l in st.sections.iter().flat_map(|s| &s.activity.as_ref().unwrap().lines) {
                kinds.insert(format!("{:?}", l.kind));
            }
        }
    }
    for k in [
        ActivityKind::Invoice,
        ActivityKind::Payment,
        ActivityKind::CreditNote,
        ActivityKind::Credit,
        ActivityKind::Refund,
        ActivityKind::WriteOff,
        ActivityKind::Cancellation,
        ActivityKind::Void,
    ] {
        assert!(kinds.contains(&format!("{k:?}")), "no {k:?} line: {kinds:?}");
    }
    // The whole history from the start: brought forward nothing, the
    // undated write-off on its issue date right after its invoice.
    let st = store.statement(cust, d("2026-03-01"), Kind::Activity { from: d("2026-01-01") }).unwrap();
    let usd = own(&st, USD).activity.clone().unwrap();
    assert_eq!(usd.brought_forward.minor, 0);
    let undated: Vec<_> = usd.lines.iter().filter(|l| l.date == d("2026-01-08")).map(|l| l.kind).collect();
    assert_eq!(undated, [ActivityKind::Invoice, ActivityKind::WriteOff]);
    let cancel = usd.lines.iter().find(|l| l.kind == ActivityKind::Cancellation).unwrap();
    assert_eq!(cancel.payment.unwrap().minor, 5_000);
    let void = usd.lines.iter().find(|l| l.kind == ActivityKind::Void).unwrap();
    assert_eq!(void.charge.unwrap().minor, 2_500);
    assert!(st.sections.iter().any(|s| s.currency == EUR));
    // --from after the statement date is refused, and nothing is left set.
    let e = store.statement(cust, d("2026-02-01"), Kind::Activity { from: d("2026-02-02") }).unwrap_err();
    assert!(e.to_string().contains("after"), "{e}");
    assert_eq!(store.as_of(), None);
}
}
