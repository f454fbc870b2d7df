//! Applying a payment's unapplied remainder or a credit to open invoices
//! (oldest first or chosen amounts), and granting credit: the rows, the
//! versions, the audit, the figures; every refusal changes nothing.

mod common;
mod support;

use ardesk::domain::edit::{ApplyPlan, CreditDraft};
use ardesk::domain::model::PaymentRow;
use ardesk::domain::status::{InvoiceStatus, PaymentStatus};
use ardesk::store::writes::{Applied, ApplyOutcome};
use ardesk::store::{Books, CustomerFigures, StoreError};
use chrono::NaiveDate;
use common::*;
use rust_decimal::Decimal;
use support::backends::{consistent_figures, seed, texts, version};

fn today() -> NaiveDate {
    d("2026-03-15")
}

/// The ids the fixture made.
struct Ids {
    /// Open, $100 due 01-31, $200 due 02-28, $300 due 03-31.
    i1: i64,
    i2: i64,
    i3: i64,
    eur: i64,
    draft: i64,
    paid: i64,
    cancelled: i64,
    /// Customer 2's open $100 invoice.
    theirs: i64,
    /// $500 received 2026-02-10, nothing applied.
    pay: i64,
    pending: i64,
    /// $300 granted 2026-02-01, nothing applied.
    credit: i64,
}

fn fixture(b: &mut Books) -> Ids {
    seed(b, |store| {
        store.set_who("tester");
        let s = store.seeder().unwrap();
        let mut acme = common::Books::new(&s, "Acme", USD);
        let i1 = acme.invoice("2026-01-01", "2026-01-31", 10_000, USD);
        let i2 = acme.invoice("2026-01-29", "2026-02-28", 20_000, USD);
        let i3 = acme.invoice("2026-03-01", "2026-03-31", 30_000, USD);
        let eur = acme.invoice("2026-01-01", "2026-01-15", 5_000, EUR);
        let draft = acme.invoice_as("2026-01-01", "2026-01-10", 4_000, InvoiceStatus::Draft, USD);
        let paid = acme.invoice("2025-12-01", "2025-12-31", 3_000, USD);
        let old = acme.payment("2025-12-20", 3_000, USD);
        acme.apply(paid, old, 3_000, "2025-12-20");
        acme.paid(paid);
        let cancelled = acme.invoice_as("2026-01-01", "2026-01-05", 2_000, InvoiceStatus::Cancelled, USD);
        let pay = acme.payment("2026-02-10", 50_000, USD);
        let pending = acme.payment_as("2026-02-11", 7_000, 0, PaymentStatus::Pending, USD);
        let credit = acme.credit("2026-02-01", 30_000, USD);
        let mut other = common::Books::new(&s, "Other", USD);
        let theirs = other.invoice("2026-01-01", "2026-01-31", 10_000, USD);
        s.commit().unwrap();
        Ids { i1, i2, i3, eur, draft, paid, cancelled, theirs, pay, pending, credit }
    })
}

fn figures(store: &Books) -> CustomerFigures {
    let acme = store.customer(1).unwrap();
    consistent_figures(store, &acme, today())
}

fn status(b: &Books, id: i64) -> String {
    support::backends::text(b, &format!("SELECT status FROM invoices WHERE id = {id}"))
}

/// (entity, entity id, summary) of the audit rows written by applying.
fn audit(b: &Books, action: &str) -> Vec<(String, i64, String)> {
    let sql =
        format!("SELECT entity, CAST(entity_id AS TEXT), summary FROM audit_log WHERE action = '{action}' ORDER BY id");
    let text = |c: &Option<String>| c.clone().unwrap();
    texts(b, &sql).iter().map(|r| (text(&r[0]), text(&r[1]).parse().unwrap(), text(&r[2]))).collect()
}

fn part(invoice_id: i64, number: &str, amount_minor: i64, pays_off: bool) -> Applied {
    Applied { invoice_id, number: number.into(), amount_minor, pays_off }
}

on_both! {
fn a_remainder_goes_to_the_oldest_open_invoices_first(store: &mut Books) {
    let ids = fixture(store);
    let before = figures(store);
    assert_eq!(before.metrics.credit_balance, usd(80_000));
    let plan = ApplyPlan::OldestFirst { amount_minor: 40_000 };
    let preview = store.apply_payment_preview(1, ids.pay, &plan).unwrap();
    let v = version(store, "payments", ids.pay);
    let (v3, vpaid) = (version(store, "invoices", ids.i3), version(store, "invoices", ids.paid));
    let out = store.apply_payment(1, ids.pay, v, &plan, today()).unwrap();
    assert_eq!(out, preview, "the preview says what the write does");
    assert_eq!(
        out,
        ApplyOutcome {
            source: format!("payment #{}", ids.pay),
            currency: USD,
            available_minor: 50_000,
            parts: vec![
                part(ids.i1, "C1-1", 10_000, true),
                part(ids.i2, "C1-2", 20_000, true),
                part(ids.i3, "C1-3", 10_000, false)
            ],
            left_minor: 10_000,
        }
    );
    assert_eq!(
        (status(store, ids.i1), status(store, ids.i2), status(store, ids.i3)),
        ("paid".into(), "paid".into(), "open".into())
    );
    assert_eq!(version(store, "payments", ids.pay), v + 1);
    assert_eq!(version(store, "invoices", ids.i3), v3 + 1, "a partly paid invoice's open forms see the change");
    assert_eq!(version(store, "invoices", ids.paid), vpaid, "untouched");
    let after = figures(store);
    assert_eq!(after.metrics.outstanding.minor, before.metrics.outstanding.minor - 40_000);
    assert_eq!(after.metrics.credit_balance.minor, before.metrics.credit_balance.minor - 40_000);
    assert_eq!(after.metrics.total_collected, before.metrics.total_collected, "no new money");
    // Weighted by the day the money came (02-10), not by today (03-15):
    // C1-6's $30 took 19 days (12-01 → 12-20), C1-1's $100 40 days (01-01
    // → 02-10), C1-2's $200 12 days (01-29 → 02-10); C1-3's $100 came 19
    // days before C1-3 was issued (03-01): −19 days today, 0 once days to
    // collect are never negative (the reversal work). By `on` they would
    // be 73, 45 and 14 days.
    let weighted = |c3_days: i64| {
        let sum = 3_000 * 19 + 10_000 * 40 + 20_000 * 12 + 10_000 * c3_days;
        (Decimal::from(sum) / Decimal::from(43_000)).round_dp(2)
    };
    let got = after.metrics.avg_days_to_collect.unwrap();
    assert!(got == weighted(-19) || got == weighted(0), "{got}: {} or {}", weighted(-19), weighted(0));
    let rows = audit(store, "apply");
    assert_eq!(rows.len(), 4, "one per invoice and one for the payment: {rows:?}");
    assert_eq!(
        rows[0],
        ("invoice".into(), ids.i1, format!("$100.00 of payment #{} applied to invoice C1-1: paid in full", ids.pay))
    );
    assert_eq!(
        rows[3],
        (
            "payment".into(),
            ids.pay,
            format!(
                "applied $400.00 of payment #{} to C1-1 $100.00, C1-2 $200.00, C1-3 $100.00; $100.00 left unapplied",
                ids.pay
            )
        )
    );
    let row: PaymentRow = store.tab_row(ids.pay).unwrap().unwrap();
    assert_eq!(row.unapplied_minor(), 10_000);
}

fn chosen_invoices_take_chosen_amounts_partly(store: &mut Books) {
    let ids = fixture(store);
    let before = figures(store);
    let plan = ApplyPlan::Invoices(vec![(ids.i3, 15_000), (ids.i1, 5_000)]);
    let v = version(store, "payments", ids.pay);
    let out = store.apply_payment(1, ids.pay, v, &plan, today()).unwrap();
    assert_eq!(out.parts, vec![part(ids.i3, "C1-3", 15_000, false), part(ids.i1, "C1-1", 5_000, false)]);
    assert_eq!(out.left_minor, 30_000);
    assert_eq!(status(store, ids.i1), "open");
    let after = figures(store);
    assert_eq!(after.metrics.outstanding.minor, before.metrics.outstanding.minor - 20_000);
    // The rest of C1-1 exactly: it is paid.
    let out = store.apply_payment(1, ids.pay, v + 1, &ApplyPlan::Invoices(vec![(ids.i1, 5_000)]), today()).unwrap();
    assert_eq!(out.parts, vec![part(ids.i1, "C1-1", 5_000, true)]);
    assert_eq!(status(store, ids.i1), "paid");
    figures(store);
}

fn more_than_an_invoice_owes_or_than_is_left_is_refused(store: &mut Books) {
    let ids = fixture(store);
    let before = figures(store);
    let v = version(store, "payments", ids.pay);
    let vc = version(store, "credits", ids.credit);
    let cases: Vec<(Result<ApplyOutcome, StoreError>, String)> = vec![
        (
            store.apply_payment(1, ids.pay, v, &ApplyPlan::Invoices(vec![(ids.i1, 10_001)]), today()),
            "C1-1 owes $100.00: at most that can be applied to it".into(),
        ),
        (
            store.apply_payment(1, ids.pay, v, &ApplyPlan::OldestFirst { amount_minor: 50_001 }, today()),
            format!("payment #{} has $500.00 unapplied: at most that can be applied", ids.pay),
        ),
        (
            store.apply_credit(
                1,
                ids.credit,
                vc,
                &ApplyPlan::Invoices(vec![(ids.i2, 20_000), (ids.i3, 15_000)]),
                today(),
            ),
            "credit goodwill has $300.00 unapplied: $350.00 cannot be applied".into(),
        ),
        (
            store.apply_payment(1, ids.pay, v, &ApplyPlan::Invoices(vec![(ids.i1, 0)]), today()),
            "the amount for C1-1 must be more than zero".into(),
        ),
        (
            store.apply_payment(1, ids.pay, v, &ApplyPlan::Invoices(vec![(ids.i1, 100), (ids.i1, 100)]), today()),
            "C1-1 is chosen twice".into(),
        ),
        (
            store.apply_payment(1, ids.pay, v, &ApplyPlan::Invoices(vec![]), today()),
            "choose at least one invoice to apply it to".into(),
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got.unwrap_err().to_string(), want);
    }
    assert_eq!(figures(store), before, "nothing changed");
    assert_eq!(version(store, "payments", ids.pay), v);
    assert!(audit(store, "apply").is_empty());
}

fn only_open_invoices_of_the_customer_in_its_currency_take_money(store: &mut Books) {
    let ids = fixture(store);
    let before = figures(store);
    let v = version(store, "payments", ids.pay);
    let one = |id| ApplyPlan::Invoices(vec![(ids.i1, 1_000), (id, 1_000)]);
    let cases = [
        (ids.theirs, "C2-1 is another customer's invoice".to_string()),
        (ids.eur, "C1-4 is billed in EUR: only USD can go to it from here".into()),
        (ids.draft, "C1-5 is draft: money goes only to open invoices".into()),
        (ids.paid, "C1-6 is paid: money goes only to open invoices".into()),
        (ids.cancelled, "C1-7 is cancelled: money goes only to open invoices".into()),
    ];
    for (id, want) in cases {
        let err = store.apply_payment(1, ids.pay, v, &one(id), today()).unwrap_err();
        assert_eq!(err.to_string(), want);
    }
    assert_eq!(figures(store), before, "C1-1 was not paid either: nothing is half-written");
}

fn what_cannot_be_applied_is_named(store: &mut Books) {
    let ids = fixture(store);
    let all = ApplyPlan::OldestFirst { amount_minor: 1_000 };
    let vp = version(store, "payments", ids.pending);
    let err = store.apply_payment(1, ids.pending, vp, &all, today()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("payment #{} is pending: only a succeeded payment's money can be applied", ids.pending)
    );
    let v = version(store, "payments", ids.pay);
    let err = store.apply_payment(2, ids.pay, v, &all, today()).unwrap_err();
    assert_eq!(err.to_string(), format!("payment #{} is another customer's", ids.pay));
    let err = store.apply_payment(1, ids.pay, v, &all, d("2026-02-09")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("payment #{} is dated 2026-02-10: it cannot be applied on 2026-02-09", ids.pay)
    );
    // Applied in full: nothing left.
    store.apply_payment(1, ids.pay, v, &ApplyPlan::OldestFirst { amount_minor: 50_000 }, today()).unwrap();
    let err = store.apply_payment(1, ids.pay, v + 1, &all, today()).unwrap_err();
    assert_eq!(err.to_string(), format!("nothing is left to apply: payment #{} is applied in full", ids.pay));
    // Every open USD invoice is paid: nothing owes.
    let vc = version(store, "credits", ids.credit);
    store.apply_credit(1, ids.credit, vc, &ApplyPlan::OldestFirst { amount_minor: 10_000 }, today()).unwrap();
    let err = store.apply_credit(1, ids.credit, vc + 1, &all, today()).unwrap_err();
    assert_eq!(err.to_string(), "no open USD invoice of this customer owes anything");
    figures(store);
}

fn a_stale_version_is_a_conflict(store: &mut Books) {
    let ids = fixture(store);
    let v = version(store, "credits", ids.credit);
    let plan = ApplyPlan::OldestFirst { amount_minor: 1_000 };
    store.apply_credit(1, ids.credit, v, &plan, today()).unwrap();
    let before = figures(store);
    let err = store.apply_credit(1, ids.credit, v, &plan, today()).unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("changed by someone else"), "{err}");
    assert_eq!(figures(store), before);
}

fn credit_applied_settles_invoices_but_collects_no_money(store: &mut Books) {
    let ids = fixture(store);
    let before = figures(store);
    let v = version(store, "credits", ids.credit);
    let out = store.apply_credit(1, ids.credit, v, &ApplyPlan::OldestFirst { amount_minor: 30_000 }, today()).unwrap();
    assert_eq!(out.parts, vec![part(ids.i1, "C1-1", 10_000, true), part(ids.i2, "C1-2", 20_000, true)]);
    assert_eq!(out.left_minor, 0);
    let after = figures(store);
    assert_eq!(after.metrics.outstanding.minor, before.metrics.outstanding.minor - 30_000);
    assert_eq!(after.metrics.credit_balance.minor, before.metrics.credit_balance.minor - 30_000);
    assert_eq!(after.metrics.total_collected, before.metrics.total_collected);
    assert_eq!(after.metrics.collected_count, before.metrics.collected_count);
    assert_eq!(after.metrics.avg_days_to_collect, before.metrics.avg_days_to_collect, "credit is not money received");
    assert_eq!(version(store, "credits", ids.credit), v + 1);
    let rows = audit(store, "apply");
    assert_eq!(rows.last().map(|r| (r.0.as_str(), r.1)), Some(("credit", ids.credit)));
}

fn credit_is_granted_with_a_reason_in_the_customers_currency(store: &mut Books) {
    fixture(store);
    let before = figures(store);
    let draft = |amount_minor, currency, reason: &str, on: &str| CreditDraft {
        granted_on: d(on),
        amount_minor,
        currency,
        reason: reason.into(),
    };
    let refused = [
        (draft(1_000, USD, "  ", "2026-03-01"), "say why the credit is granted"),
        (draft(0, USD, "goodwill", "2026-03-01"), "the credit must be more than zero"),
        (draft(1_000, EUR, "goodwill", "2026-03-01"), "this customer's credit is in USD, not EUR"),
        (
            draft(1_000, USD, &"x".repeat(1001), "2026-03-01"),
            "the reason is 1001 characters long; a credit keeps at most 1000",
        ),
    ];
    for (d, want) in refused {
        assert_eq!(store.grant_credit(1, &d).unwrap_err().to_string(), want);
    }
    let err = store
        .grant_credit(1, &draft(ardesk::domain::bounds::MAX_AMOUNT_MINOR + 1, USD, "x", "2026-03-01"))
        .unwrap_err();
    assert!(matches!(err, StoreError::OutOfRange(_)), "{err}");
    let early = CreditDraft {
        granted_on: NaiveDate::from_ymd_opt(1899, 12, 31).unwrap(),
        ..draft(1_000, USD, "x", "2026-03-01")
    };
    let err = store.grant_credit(1, &early).unwrap_err();
    assert!(matches!(err, StoreError::OutOfRange(_)), "{err}");
    assert!(matches!(store.grant_credit(9, &draft(1_000, USD, "x", "2026-03-01")), Err(StoreError::NotFound(_))));
    assert_eq!(figures(store), before);
    let id = store.grant_credit(1, &draft(2_500, USD, " late delivery ", "2026-03-02")).unwrap();
    let after = figures(store);
    assert_eq!(after.metrics.credit_balance.minor, before.metrics.credit_balance.minor + 2_500);
    assert_eq!(after.metrics.total_collected, before.metrics.total_collected);
    assert_eq!(
        audit(store, "grant"),
        vec![("credit".into(), id, "granted $25.00 of credit on 2026-03-02: late delivery".into())]
    );
    let sql = format!("SELECT CAST(amount_minor AS TEXT), reason, CAST(granted_on AS TEXT) FROM credits WHERE id = {id}");
    let r = texts(store, &sql).remove(0).into_iter().map(Option::unwrap).collect::<Vec<_>>();
    let row: (i64, String, String) = (r[0].parse().unwrap(), r[1].clone(), r[2].clone());
    assert_eq!(row, (2_500, "late delivery".into(), "2026-03-02".into()));
}
}
