//! Refunds: the unapplied remainder goes first, then applications newest
//! first (their invoices owe again); one transaction with audit rows; a
//! refused refund changes nothing; a stale version is a conflict.

mod support;

use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::date::parse_date;
use ardesk::domain::edit::*;
use ardesk::domain::model::*;
use ardesk::domain::status::*;
use ardesk::store::seed::*;
use ardesk::store::writes::Reversal;
use ardesk::store::{Books, OpenMode, StoreError};
use chrono::NaiveDate;
use support::backends::{seed, texts};

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn today() -> NaiveDate {
    d("2026-03-01")
}

/// Acme (USD): A-1 $100 due 01-31 and A-2 $200 due 03-03, both paid by one
/// $500 payment (A-1 first), $200 left unapplied; a failed $70 payment.
fn fixture(books: &mut Books) -> &mut Books {
    let acme = seed(books, |store| {
        store.set_who("tester");
        let s = store.seeder().unwrap();
        let acme = s
            .customer(&NewCustomer {
                name: "Acme",
                legal_name: "",
                billing_email: "",
                currency: Currency::USD,
                import: None,
                invoices_paused: false,
                portal: false,
            })
            .unwrap();
        for (n, issue, total) in [("A-1", "2026-01-01", 10_000), ("A-2", "2026-02-01", 20_000)] {
            s.invoice(&NewInvoice {
                customer_id: acme,
                contract_id: None,
                number: n,
                issue_date: d(issue),
                due_date: d(issue) + chrono::Duration::days(30),
                period: None,
                currency: Currency::USD,
                total_minor: total,
                status: InvoiceStatus::Open,
            })
            .unwrap();
        }
        s.payment(&NewPayment {
            customer_id: acme,
            received_on: d("2026-02-10"),
            amount_minor: 7_000,
            refunded_minor: 0,
            currency: Currency::USD,
            reference: "DECLINED",
            status: PaymentStatus::Failed,
            method: PaymentMethod::Automatic,
        })
        .unwrap();
        s.commit().unwrap();
        acme
    });
    let store = books;
    let pay = PaymentDraft {
        received_on: d("2026-02-15"),
        amount_minor: 50_000,
        currency: Currency::USD,
        reference: "WIRE-1".into(),
        allocation: Allocation::OldestFirst,
    };
    let out = store.record_payment(acme, &pay).unwrap();
    assert_eq!(out.unapplied_minor, 20_000);
    store
}

fn payment(store: &Books, reference: &str) -> PaymentRow {
    let rows = store.window::<PaymentRow>(1, Sort::default_for(Tab::Payments), &Seek::First, 50).unwrap();
    rows.into_iter().map(|k| k.row).find(|p| p.reference == reference).unwrap()
}

fn invoice(store: &Books, number: &str) -> InvoiceRow {
    let rows = store.window::<InvoiceRow>(1, Sort::default_for(Tab::Invoices), &Seek::First, 50).unwrap();
    rows.into_iter().map(|k| k.row).find(|i| i.number == number).unwrap()
}

fn refund(amount_minor: i64, on: &str, reason: &str) -> RefundDraft {
    RefundDraft { refunded_on: d(on), amount_minor, reason: reason.into() }
}

/// The audit rows about refunds, oldest first: (entity, action, summary, after).
fn audit(b: &Books) -> Vec<(String, String, String, serde_json::Value)> {
    let sql =
        "SELECT entity, action, summary, after_json FROM audit_log WHERE action IN ('refund', 'reopen') ORDER BY id";
    let text = |c: &Option<String>| c.clone().unwrap();
    texts(b, sql)
        .iter()
        .map(|r| (text(&r[0]), text(&r[1]), text(&r[2]), serde_json::from_str(&text(&r[3])).unwrap()))
        .collect()
}

fn consistent(store: &Books) {
    assert_eq!(store.check(today()).unwrap(), Vec::<String>::new());
    let c = store.customer(1).unwrap();
    support::backends::consistent_figures(store, &c, today());
}

/// The refund rows, oldest first: (payment, date, amount, reason, dated_from).
fn rows(b: &Books) -> Vec<(i64, String, i64, String, String)> {
    let sql = "SELECT CAST(payment_id AS TEXT), CAST(refunded_on AS TEXT), CAST(amount_minor AS TEXT), reason, dated_from \
               FROM refunds ORDER BY refunded_on, id";
    let text = |c: &Option<String>| c.clone().unwrap();
    texts(b, sql)
        .iter()
        .map(|r| (text(&r[0]).parse().unwrap(), text(&r[1]), text(&r[2]).parse().unwrap(), text(&r[3]), text(&r[4])))
        .collect()
}

on_both! {
fn the_unapplied_remainder_goes_first_then_the_newest_applications(books: &mut Books) {
    let store = fixture(books);
    let c = store.customer(1).unwrap();
    let before = store.figures(&c, today()).unwrap().metrics;
    assert_eq!((before.total_collected.minor, before.credit_balance.minor), (50_000, 20_000));

    // $150 of the $200 unapplied: no invoice is touched.
    let p = payment(store, "WIRE-1");
    let plan = store.refund_payment(p.id, p.version, &refund(15_000, "2026-02-20", "overpaid")).unwrap();
    assert_eq!((plan.from_unapplied_minor, plan.reversals.len(), plan.status), (15_000, 0, PaymentStatus::Succeeded));
    let p = payment(store, "WIRE-1");
    assert_eq!((p.refunded_minor, p.applied_minor, p.status), (15_000, 30_000, PaymentStatus::Succeeded));
    assert_eq!(invoice(store, "A-2").status, InvoiceStatus::Paid);
    consistent(store);

    // $150 more: the last $50 of credit, then $100 back from A-2, the newer
    // application, which owes again (partially paid, due in the future).
    let preview = store.refund_preview(p.id, 15_000).unwrap();
    let plan = store.refund_payment(p.id, p.version, &refund(15_000, "2026-02-21", "duplicate")).unwrap();
    assert_eq!(plan, preview, "the preview says what the refund does");
    assert_eq!(plan.from_unapplied_minor, 5_000);
    assert_eq!(
        plan.reversals,
        vec![Reversal {
            invoice_id: invoice(store, "A-2").id,
            number: "A-2".into(),
            amount_minor: 10_000,
            reopens: true
        }]
    );
    let a2 = invoice(store, "A-2");
    assert_eq!((a2.status, a2.applied_minor), (InvoiceStatus::Open, 10_000));
    assert_eq!(a2.display_status(today()), DisplayStatus::PartiallyPaid);
    consistent(store);

    // The remaining $200: the rest of A-2, then A-1, now overdue; the
    // payment is refunded and counts for nothing.
    let p = payment(store, "WIRE-1");
    let plan = store.refund_payment(p.id, p.version, &refund(20_000, "2026-03-01", "contract cancelled")).unwrap();
    assert_eq!(plan.status, PaymentStatus::Refunded);
    assert_eq!(
        plan.reversals.iter().map(|r| (r.number.as_str(), r.amount_minor)).collect::<Vec<_>>(),
        [("A-2", 10_000), ("A-1", 10_000)]
    );
    let p = payment(store, "WIRE-1");
    assert_eq!((p.refunded_minor, p.applied_minor, p.status), (50_000, 0, PaymentStatus::Refunded));
    assert_eq!(invoice(store, "A-1").display_status(today()), DisplayStatus::Overdue);
    let m = store.figures(&c, today()).unwrap().metrics;
    assert_eq!((m.total_collected.minor, m.collected_count, m.credit_balance.minor), (0, 0, 0));
    assert_eq!((m.outstanding.minor, m.billed_collected.minor), (30_000, 0));
    consistent(store);

    let rows = audit(store);
    let summaries: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "refunded $150.00 of payment WIRE-1 on 2026-02-20, from its unapplied credit: overpaid",
            "invoice A-2 owes $100.00 again: payment WIRE-1 was refunded",
            "refunded $150.00 of payment WIRE-1 on 2026-02-21, $50.00 from its unapplied credit, then A-2 $100.00: duplicate",
            "invoice A-1 owes $100.00 again: payment WIRE-1 was refunded",
            "refunded $200.00 of payment WIRE-1 on 2026-03-01, taken back from A-2 $100.00, A-1 $100.00: contract cancelled",
        ]
    );
    assert!(rows.iter().all(|r| r.0 == "payment" || r.0 == "invoice"));
    let last = &rows[rows.len() - 1].3;
    assert_eq!(last["status"], "refunded");
    assert_eq!(last["refunded"], "500.00");
    assert_eq!(
        last["refund"],
        serde_json::json!({"on": "2026-03-01", "amount": "200.00", "reason": "contract cancelled"})
    );
}

fn a_refused_refund_changes_nothing(books: &mut Books) {
    let store = fixture(books);
    let p = payment(store, "WIRE-1");
    let failed = payment(store, "DECLINED");
    let version = store.data_version().unwrap();
    let cases: Vec<(i64, i64, RefundDraft, &str)> = vec![
        (p.id, p.version, refund(0, "2026-02-20", "x"), "more than zero"),
        (p.id, p.version, refund(50_001, "2026-02-20", "x"), "at most $500.00 can be refunded"),
        (p.id, p.version, refund(100, "2026-02-20", "  "), "say why"),
        (p.id, p.version, refund(100, "2026-02-14", "early"), "before the payment was received (2026-02-15)"),
        (failed.id, failed.version, refund(100, "2026-02-20", "x"), "only a succeeded payment can be refunded"),
        (9_999, 1, refund(100, "2026-02-20", "x"), "not found"),
    ];
    for (id, v, draft, why) in cases {
        let e = store.refund_payment(id, v, &draft).unwrap_err();
        assert!(e.to_string().contains(why), "{e} (expected {why})");
    }
    assert_eq!(payment(store, "WIRE-1"), p);
    assert_eq!(invoice(store, "A-2").status, InvoiceStatus::Paid);
    assert!(audit(store).is_empty());
    assert_eq!(store.data_version().unwrap(), version);
    consistent(store);

    // Fully refunded, nothing is left to refund.
    store.refund_payment(p.id, p.version, &refund(50_000, "2026-02-20", "all of it")).unwrap();
    let p = payment(store, "WIRE-1");
    let e = store.refund_payment(p.id, p.version, &refund(1, "2026-02-20", "more")).unwrap_err();
    assert!(e.to_string().contains("refunded"), "{e}");
}

fn a_refund_of_a_payment_changed_elsewhere_is_a_conflict(books: &mut Books) {
    let a = fixture(books);
    let mut b = Books::open(&a.location(), OpenMode::MustExist).unwrap();
    let seen = payment(a, "WIRE-1");
    b.refund_payment(seen.id, seen.version, &refund(10_000, "2026-02-20", "first")).unwrap();
    let e = a.refund_payment(seen.id, seen.version, &refund(45_000, "2026-02-20", "second")).unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    assert!(e.to_string().starts_with("changed elsewhere — reload"), "{e}");
    let now = payment(a, "WIRE-1");
    assert_eq!((now.refunded_minor, now.version), (10_000, seen.version + 1));
    assert_eq!(audit(a).len(), 1);
    consistent(a);
}

fn a_partial_application_is_made_anew_with_the_rest(books: &mut Books) {
    let store = fixture(books);
    let p = payment(store, "WIRE-1");
    // $200 of credit and $30 of A-2's $200.
    store.refund_payment(p.id, p.version, &refund(23_000, "2026-02-20", "partial")).unwrap();
    let a2 = invoice(store, "A-2");
    assert_eq!((a2.applied_minor, a2.status), (17_000, InvoiceStatus::Open));
    let p = payment(store, "WIRE-1");
    assert_eq!((p.applied_minor, p.applied_to.as_str()), (27_000, "A-1, A-2"));
    consistent(store);
}

fn each_refund_is_a_row_with_the_date_and_reason_entered(books: &mut Books) {
    let store = fixture(books);
    let p = payment(store, "WIRE-1");
    store.refund_payment(p.id, p.version, &refund(15_000, "2026-02-20", "overpaid")).unwrap();
    let p = payment(store, "WIRE-1");
    store.refund_payment(p.id, p.version, &refund(5_000, "2026-02-15", "  duplicate  ")).unwrap();
    let id = p.id;
    assert_eq!(
        rows(store),
        [
            (id, "2026-02-15".into(), 5_000, "duplicate".into(), "recorded".into()),
            (id, "2026-02-20".into(), 15_000, "overpaid".into(), "recorded".into()),
        ],
        "the day the money came is the earliest a refund may be"
    );
    let detail = store.payment_detail(1, id).unwrap();
    let shown: Vec<(String, i64, &str, bool)> =
        detail.refunds.iter().map(|r| (r.on.to_string(), r.amount.minor, r.reason.as_str(), r.recorded())).collect();
    assert_eq!(
        shown,
        [("2026-02-15".into(), 5_000, "duplicate", true), ("2026-02-20".into(), 15_000, "overpaid", true)]
    );
    consistent(store);
}

fn a_reason_is_kept_up_to_a_thousand_characters(books: &mut Books) {
    let store = fixture(books);
    let p = payment(store, "WIRE-1");
    // Characters, not bytes: 1,001 two-byte letters are refused whole.
    let e = store.refund_payment(p.id, p.version, &refund(100, "2026-02-20", &"é".repeat(1_001))).unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");
    assert!(e.to_string().contains("the reason is 1001 characters long; a refund keeps at most 1000"), "{e}");
    assert_eq!(payment(store, "WIRE-1"), p, "nothing written");
    assert!(rows(store).is_empty() && audit(store).is_empty());
    store.refund_payment(p.id, p.version, &refund(100, "2026-02-20", &"é".repeat(1_000))).unwrap();
    let kept = rows(store);
    assert_eq!((kept.len(), kept[0].3.chars().count()), (1, 1_000));
    consistent(store);
}

/// A refund gives back money that came: it cannot be dated before the
/// payment, nor outside the dates ardesk keeps.
fn a_refund_is_dated_within_the_bounds_and_not_before_its_payment(books: &mut Books) {
    let store = fixture(books);
    let p = payment(store, "WIRE-1");
    for (on, why) in [
        ("2026-02-14", "the refund date 2026-02-14 is before the payment was received (2026-02-15)"),
        ("1899-12-31", "refund date: 1899-12-31: dates must fall between 1900-01-01 and 2199-12-31"),
        ("2200-01-01", "refund date: 2200-01-01: dates must fall between 1900-01-01 and 2199-12-31"),
    ] {
        // Past the bounds `parse_date` refuses to read it at all.
        let on = NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap();
        let draft = RefundDraft { refunded_on: on, amount_minor: 100, reason: "x".into() };
        let e = store.refund_payment(p.id, p.version, &draft).unwrap_err();
        assert!(e.to_string().contains(why), "{e} (expected {why})");
    }
    assert!(rows(store).is_empty());
    assert_eq!(payment(store, "WIRE-1"), p);
    store.refund_payment(p.id, p.version, &refund(100, "2199-12-31", "last day")).unwrap();
    assert_eq!(rows(store)[0].1, "2199-12-31");
    consistent(store);
}
}
