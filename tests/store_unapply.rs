//! Unapplying: an application stops counting on a date and stays, marked
//! removed; the money goes back to the payment's remainder or the credit,
//! the invoice owes again (paid becomes open), the summaries and `check`
//! follow, and what cannot be unapplied is refused with nothing changed.

mod common;
mod support;

use ardesk::domain::Money;
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::writes::ReturnedTo;
use ardesk::store::{Books, StoreError};
use common::*;
use support::backends::{consistent_figures, seed, texts};

struct Fx<'b> {
    store: &'b mut Books,
    acme: i64,
    globex: i64,
    /// A-1 $100 issued 01-01, paid in full by a payment ($150, received 01-21).
    a1: i64,
    /// A-2 $200 issued 02-01: $40 of goodwill credit ($50) applied 02-05.
    a2: i64,
    wire: i64,
    credit: i64,
}

fn today() -> chrono::NaiveDate {
    d("2026-03-01")
}

fn fixture(store: &mut Books) -> Fx<'_> {
    let (acme, globex, a1, a2, wire, credit) = seed(store, |store| {
        store.set_who("tester");
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Acme", USD);
        let a1 = b.invoice("2026-01-01", "2026-01-31", 10_000, USD);
        let wire = b.payment("2026-01-21", 15_000, USD);
        b.apply(a1, wire, 10_000, "2026-01-21");
        b.paid(a1);
        let a2 = b.invoice("2026-02-01", "2026-03-03", 20_000, USD);
        let credit = b.credit("2026-02-05", 5_000, USD);
        b.apply_credit(a2, credit, 4_000, "2026-02-05");
        let acme = b.customer;
        let g = common::Books::new(&s, "Globex", USD);
        let globex = g.customer;
        s.commit().unwrap();
        (acme, globex, a1, a2, wire, credit)
    });
    Fx { store, acme, globex, a1, a2, wire, credit }
}

fn application(fx: &Fx, invoice: i64) -> i64 {
    fx.store.invoice_detail(fx.acme, invoice).unwrap().applications[0].id
}

/// (id, amount, applied_on, removed_on) of every application, live or not.
fn applications(b: &Books) -> Vec<(i64, i64, String, Option<String>)> {
    let sql = "SELECT CAST(id AS TEXT), CAST(amount_minor AS TEXT), CAST(applied_on AS TEXT), \
               CAST(removed_on AS TEXT) FROM applications ORDER BY id";
    let number = |c: &Option<String>| c.as_deref().unwrap().parse().unwrap();
    texts(b, sql).iter().map(|r| (number(&r[0]), number(&r[1]), r[2].clone().unwrap(), r[3].clone())).collect()
}

fn audit(b: &Books) -> Vec<(String, i64, String)> {
    let sql = "SELECT entity, CAST(entity_id AS TEXT), summary FROM audit_log WHERE action = 'unapply' ORDER BY id";
    let text = |c: &Option<String>| c.clone().unwrap();
    texts(b, sql).iter().map(|r| (text(&r[0]), text(&r[1]).parse().unwrap(), text(&r[2]))).collect()
}

on_both! {
fn unapplying_a_payment_gives_the_money_back_and_the_invoice_owes_again(b: &mut Books) {
    let fx = fixture(b);
    let acme = fx.store.customer(fx.acme).unwrap();
    let before = consistent_figures(fx.store, &acme, today()).metrics;
    // Hand computed before: billed 300, outstanding 200 − 40 = 160, credit
    // balance the payment's 50 + the credit's 10 = 60; days (100 × 20) ÷ 100.
    assert_eq!((before.outstanding, before.credit_balance), (usd(16_000), usd(6_000)));
    assert_eq!(before.avg_days_to_collect, Some(days("20.00")));
    let (inv_v, pay_v) = (
        fx.store.invoice_detail(fx.acme, fx.a1).unwrap().version,
        fx.store.payment_detail(fx.acme, fx.wire).unwrap().payment.version,
    );
    let app = application(&fx, fx.a1);
    let done = fx.store.unapply(fx.acme, app, d("2026-02-10")).unwrap();
    assert_eq!((done.number.as_str(), done.amount, done.invoice_id, done.reopened), ("C1-1", usd(10_000), fx.a1, true));
    assert_eq!(done.returned_to, ReturnedTo::Payment { id: fx.wire, reference: String::new(), remainder: usd(15_000) });

    let inv = fx.store.invoice_detail(fx.acme, fx.a1).unwrap();
    assert_eq!((inv.invoice.status, inv.invoice.applied_minor, inv.balance()), (InvoiceStatus::Open, 0, usd(10_000)));
    // The detail still lists it, reversed on the date given.
    let listed: Vec<_> = inv.applications.iter().map(|a| (a.id, a.removed_on)).collect();
    assert_eq!(listed, [(app, Some(d("2026-02-10")))]);
    assert!(inv.version > inv_v, "an open edit form of the invoice sees it changed");
    let pay = fx.store.payment_detail(fx.acme, fx.wire).unwrap();
    assert_eq!(pay.unapplied(), usd(15_000));
    let listed: Vec<_> = pay.applications.iter().map(|a| (a.id, a.removed_on)).collect();
    assert_eq!(listed, [(app, Some(d("2026-02-10")))]);
    assert!(pay.payment.version > pay_v, "an open edit form of the payment sees it changed");
    // Outstanding and Credit Balance each rise by $100; no days to collect
    // are left (no live application of money); Total Collected stays.
    let after = consistent_figures(fx.store, &acme, today()).metrics;
    assert_eq!((after.outstanding, after.credit_balance), (usd(26_000), usd(16_000)));
    assert_eq!(after.avg_days_to_collect, None);
    assert_eq!(after.total_collected, before.total_collected);
    // The row stays, removed on the date given.
    let rows = applications(fx.store);
    assert!(rows.contains(&(app, 10_000, "2026-01-21".into(), Some("2026-02-10".into()))), "{rows:?}");
    let a = audit(fx.store);
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!((a[0].0.as_str(), a[0].1), ("invoice", fx.a1));
    assert!(a[0].2.contains("owes $100.00 again") && a[0].2.contains("open again"), "{}", a[0].2);
    assert_eq!((a[1].0.as_str(), a[1].1), ("payment", fx.wire));
    assert!(a[1].2.contains("its unapplied remainder is $150.00"), "{}", a[1].2);
}

fn unapplying_credit_gives_it_back_to_the_credit(b: &mut Books) {
    let fx = fixture(b);
    let app = application(&fx, fx.a2);
    let done = fx.store.unapply(fx.acme, app, d("2026-02-05")).unwrap();
    assert!(!done.reopened, "A-2 was open");
    assert!(
        matches!(&done.returned_to, ReturnedTo::Credit { id, open, .. } if *id == fx.credit && *open == usd(5_000))
    );
    let acme = fx.store.customer(fx.acme).unwrap();
    let m = consistent_figures(fx.store, &acme, today()).metrics;
    assert_eq!((m.outstanding, m.credit_balance), (usd(20_000), usd(10_000)));
    assert_eq!(audit(fx.store)[1].0, "credit");
}

fn what_cannot_be_unapplied_is_refused_and_changes_nothing(b: &mut Books) {
    let fx = fixture(b);
    let app = application(&fx, fx.a1);
    let rows = applications(fx.store);
    let refused = |store: &mut Books, customer: i64, id: i64, on: &str| -> StoreError {
        let on = chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap();
        store.unapply(customer, id, on).unwrap_err()
    };
    // Another customer's.
    let e = refused(fx.store, fx.globex, app, "2026-02-10").to_string();
    assert!(e.contains("not this customer's"), "{e}");
    // Before it was applied.
    let e = refused(fx.store, fx.acme, app, "2026-01-20").to_string();
    assert!(e.contains("before the $100.00 was applied to invoice C1-1 (2026-01-21)"), "{e}");
    // Outside the dates ardesk keeps.
    let e = refused(fx.store, fx.acme, app, "2200-01-01").to_string();
    assert!(e.contains("unapply date"), "{e}");
    // No such application.
    assert!(matches!(refused(fx.store, fx.acme, 999, "2026-02-10"), StoreError::NotFound(_)));
    assert_eq!(applications(fx.store), rows, "nothing changed");
    assert!(audit(fx.store).is_empty());
    // Removed already (a stale view): a conflict, saying when.
    fx.store.unapply(fx.acme, app, d("2026-01-21")).unwrap();
    let e = refused(fx.store, fx.acme, app, "2026-02-10");
    assert!(matches!(&e, StoreError::Conflict(m) if m.contains("already unapplied on 2026-01-21")), "{e}");
    assert_eq!(fx.store.check(today()).unwrap(), Vec::<String>::new());
}

fn a_refund_reverses_applications_instead_of_deleting_them(b: &mut Books) {
    let fx = fixture(b);
    let p = fx.store.payment_detail(fx.acme, fx.wire).unwrap().payment;
    // $50 of remainder, then $30 of T-1's $100: that application is
    // reversed on the refund's date and made anew with $70.
    let draft = ardesk::domain::edit::RefundDraft {
        refunded_on: d("2026-02-20"),
        amount_minor: 8_000,
        reason: "partial".into(),
    };
    fx.store.refund_payment(fx.wire, p.version, &draft).unwrap();
    let rows = applications(fx.store);
    let removed: Vec<_> = rows.iter().filter(|r| r.3.is_some()).collect();
    assert_eq!(removed.len(), 1, "{rows:?}");
    assert_eq!((removed[0].1, removed[0].3.as_deref()), (10_000, Some("2026-02-20")));
    assert!(rows.iter().any(|r| r.1 == 7_000 && r.2 == "2026-01-21" && r.3.is_none()), "{rows:?}");
    assert_eq!(rows.len(), 3, "nothing deleted: {rows:?}");
    let acme = fx.store.customer(fx.acme).unwrap();
    consistent_figures(fx.store, &acme, today());
    let inv = fx.store.invoice_detail(fx.acme, fx.a1).unwrap();
    assert_eq!((inv.invoice.status, inv.balance()), (InvoiceStatus::Open, Money::new(3_000, USD)));
}
}
