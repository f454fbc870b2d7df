//! Bad-debt write-offs: an open invoice's balance is written off as
//! uncollectible with a date and a reason, in bulk or one at a time, and
//! reversed with a date and a reason; Outstanding and the aging fall (and
//! rise back) by the balance, Billed & Collected does not move, `check`
//! stays clean, and what cannot be written off is named with the reason.

mod common;
mod support;

use ardesk::domain::edit::ApplyPlan;
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::writes::MAX_WRITE_OFF_REASON;
use ardesk::store::{Books, StoreError};
use common::*;
use support::backends::{consistent_figures, seed, texts, version};

struct Fx<'b> {
    store: &'b mut Books,
    acme: i64,
    /// W-1 $100 issued 01-01, due 01-31: nothing paid (overdue on 03-01).
    w1: i64,
    /// W-2 $200 issued 02-01, due 03-03: $50 paid (balance $150, current).
    w2: i64,
    /// W-3 $300 issued 01-05, paid in full.
    w3: i64,
    /// W-4 a draft.
    w4: i64,
    /// $500 received 02-10: $50 to W-2, $300 to W-3, $150 unapplied.
    wire: i64,
}

fn today() -> chrono::NaiveDate {
    d("2026-03-01")
}

fn fixture(store: &mut Books) -> Fx<'_> {
    let (acme, w1, w2, w3, w4, wire) = seed(store, |store| {
        store.set_who("tester");
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Acme", USD);
        let w1 = b.invoice("2026-01-01", "2026-01-31", 10_000, USD);
        let w2 = b.invoice("2026-02-01", "2026-03-03", 20_000, USD);
        let w3 = b.invoice("2026-01-05", "2026-02-04", 30_000, USD);
        let w4 = b.invoice_as("2026-02-20", "2026-03-20", 40_000, InvoiceStatus::Draft, USD);
        let wire = b.payment("2026-02-10", 50_000, USD);
        b.apply(w2, wire, 5_000, "2026-02-10");
        b.apply(w3, wire, 30_000, "2026-02-10");
        b.paid(w3);
        let acme = b.customer;
        s.commit().unwrap();
        (acme, w1, w2, w3, w4, wire)
    });
    Fx { store, acme, w1, w2, w3, w4, wire }
}

fn row(b: &Books, id: i64) -> (String, Option<String>, String, i64) {
    let sql = format!(
        "SELECT status, CAST(written_off_on AS TEXT), write_off_reason, CAST(version AS TEXT) FROM invoices WHERE id = {id}"
    );
    let r = texts(b, &sql).remove(0);
    (r[0].clone().unwrap(), r[1].clone(), r[2].clone().unwrap(), r[3].as_deref().unwrap().parse().unwrap())
}

fn audit(b: &Books, action: &str) -> Vec<(i64, String)> {
    let sql = format!("SELECT CAST(entity_id AS TEXT), summary FROM audit_log WHERE action = '{action}' ORDER BY id");
    texts(b, &sql).iter().map(|r| (r[0].as_deref().unwrap().parse().unwrap(), r[1].clone().unwrap())).collect()
}

fn metrics(fx: &Fx) -> ardesk::domain::metrics::Metrics {
    let acme = fx.store.customer(fx.acme).unwrap();
    consistent_figures(fx.store, &acme, today()).metrics
}

on_both! {
fn writing_off_one_takes_its_balance_out_of_outstanding_and_the_aging_and_reversing_puts_it_back(b: &mut Books) {
    let fx = fixture(b);
    let before = metrics(&fx);
    // Hand computed: outstanding 100 + 150 = 250; W-1 is 1–30 days late
    // on 03-01 (due 01-31), W-2 current.
    assert_eq!(before.outstanding, usd(25_000));
    assert_eq!(before.aging[0], usd(15_000));
    assert_eq!(before.aging[1], usd(10_000));
    let v = row(fx.store, fx.w1).3;
    let done = fx.store.write_off(fx.acme, &[fx.w1], d("2026-02-28"), "  customer went bust ").unwrap();
    assert_eq!(done.write_off, vec![(fx.w1, "C1-1".to_string(), usd(10_000))]);
    assert!(done.refused.is_empty());
    assert_eq!(done.currency_totals, vec![(USD, 10_000)]);
    let (status, on, reason, v2) = row(fx.store, fx.w1);
    assert_eq!(
        (status.as_str(), on.as_deref(), reason.as_str()),
        ("uncollectible", Some("2026-02-28"), "customer went bust")
    );
    assert!(v2 > v, "an open form of the invoice sees it changed");
    let after = metrics(&fx);
    assert_eq!(after.outstanding, usd(15_000), "Outstanding falls by the balance");
    assert_eq!(after.aging[1], usd(0), "the aging falls by the balance");
    assert_eq!(after.aging[0], before.aging[0]);
    assert_eq!(after.total_billed, before.total_billed, "the invoice stays billed");
    assert_eq!(after.billed_collected, before.billed_collected, "Billed & Collected does not move");
    assert_eq!(after.total_collected, before.total_collected);
    let detail = fx.store.invoice_detail(fx.acme, fx.w1).unwrap();
    let w = detail.write_off.clone().unwrap();
    assert_eq!((w.on, w.reason.as_str()), (Some(d("2026-02-28")), "customer went bust"));
    assert_eq!(detail.balance(), usd(10_000), "what was written off");
    let a = audit(fx.store, "write_off");
    assert_eq!(a.len(), 1);
    assert!(a[0].1.contains("wrote off $100.00 of invoice C1-1 on 2026-02-28: customer went bust"), "{}", a[0].1);

    // Reversed: open again, the date cleared, the figures as before.
    let back = fx.store.reverse_write_off(fx.acme, fx.w1, v2, d("2026-03-01"), "they paid after all").unwrap();
    assert_eq!(back, usd(10_000));
    let (status, on, _, v3) = row(fx.store, fx.w1);
    assert_eq!((status.as_str(), on), ("open", None));
    assert!(v3 > v2);
    assert_eq!(metrics(&fx), before);
    assert!(fx.store.invoice_detail(fx.acme, fx.w1).unwrap().write_off.is_none());
    let a = audit(fx.store, "reverse_write_off");
    assert_eq!(a.len(), 1);
    assert!(a[0].1.contains("on 2026-03-01") && a[0].1.contains("they paid after all"), "{}", a[0].1);
}

fn writing_off_several_names_those_refused_and_writes_the_rest(b: &mut Books) {
    let fx = fixture(b);
    let before = metrics(&fx);
    let ids = [fx.w1, fx.w2, fx.w3, fx.w4, 9999];
    let preview = fx.store.write_off_preview(fx.acme, &ids, None).unwrap();
    let done = fx.store.write_off(fx.acme, &ids, d("2026-02-28"), "bankrupt").unwrap();
    assert_eq!(done, preview, "the preview says what the write does");
    assert_eq!(
        done.write_off,
        vec![(fx.w1, "C1-1".to_string(), usd(10_000)), (fx.w2, "C1-2".to_string(), usd(15_000))]
    );
    assert_eq!(done.currency_totals, vec![(USD, 25_000)]);
    let refused: Vec<&str> = done.refused.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(
        refused,
        [
            "C1-3 is paid: nothing is left to write off",
            "C1-4 is a draft: it was never issued, so nothing is owed",
            "#9999 is not an invoice of this customer (deleted elsewhere?)",
        ]
    );
    let after = metrics(&fx);
    assert_eq!(after.outstanding, usd(0));
    assert_eq!(after.aging, [usd(0); 5]);
    assert_eq!(after.billed_collected, before.billed_collected);
    assert_eq!(after.total_billed, before.total_billed);
    assert_eq!(audit(fx.store, "write_off").len(), 2);
    // Written off already: refused, saying when.
    let e = fx.store.write_off(fx.acme, &[fx.w1], d("2026-03-01"), "again").unwrap_err().to_string();
    assert!(e.contains("C1-1 was already written off on 2026-02-28"), "{e}");
}

fn what_cannot_be_written_off_is_refused_and_changes_nothing(b: &mut Books) {
    let fx = fixture(b);
    let rows = |fx: &Fx| [fx.w1, fx.w2, fx.w3].map(|id| row(fx.store, id));
    let before = rows(&fx);
    let e = fx.store.write_off(fx.acme, &[fx.w3], d("2026-02-28"), "x").unwrap_err().to_string();
    assert_eq!(e, "C1-3 is paid: nothing is left to write off");
    // Before the issue date: the one invoice refused, so nothing written.
    let e = fx.store.write_off(fx.acme, &[fx.w2], d("2026-01-31"), "x").unwrap_err().to_string();
    assert!(e.contains("C1-2 was issued on 2026-02-01, after the write-off date 2026-01-31"), "{e}");
    // With another that can be, that one is written and this one named.
    let p = fx.store.write_off_preview(fx.acme, &[fx.w1, fx.w2], Some(d("2026-01-31"))).unwrap();
    assert_eq!(p.write_off.len(), 1);
    assert_eq!(p.refused.len(), 1);
    // A reason is required, and at most 1000 characters.
    let e = fx.store.write_off(fx.acme, &[fx.w1], d("2026-02-28"), "   ").unwrap_err().to_string();
    assert!(e.contains("a reason is required"), "{e}");
    let long = "é".repeat(MAX_WRITE_OFF_REASON + 1);
    let e = fx.store.write_off(fx.acme, &[fx.w1], d("2026-02-28"), &long).unwrap_err().to_string();
    assert!(e.contains("1001 characters long; at most 1000"), "{e}");
    fx.store.write_off_preview(fx.acme, &[fx.w1], None).unwrap();
    let ok = "é".repeat(MAX_WRITE_OFF_REASON);
    // Outside the dates ardesk keeps.
    let e =
        fx.store.write_off(fx.acme, &[fx.w1], chrono::NaiveDate::from_ymd_opt(2200, 1, 1).unwrap(), &ok).unwrap_err();
    assert!(matches!(e, StoreError::OutOfRange(_)) && e.to_string().contains("write-off date"), "{e}");
    assert_eq!(rows(&fx), before, "nothing changed");
    assert!(audit(fx.store, "write_off").is_empty());
    // 1000 characters are kept.
    fx.store.write_off(fx.acme, &[fx.w1], d("2026-02-28"), &ok).unwrap();
    assert_eq!(row(fx.store, fx.w1).2.chars().count(), MAX_WRITE_OFF_REASON);
    metrics(&fx);
}

fn reversing_checks_the_version_the_status_and_the_date(b: &mut Books) {
    let fx = fixture(b);
    fx.store.write_off(fx.acme, &[fx.w1], d("2026-02-10"), "gone").unwrap();
    let v = row(fx.store, fx.w1).3;
    // Stale: someone changed it since.
    let e = fx.store.reverse_write_off(fx.acme, fx.w1, v - 1, d("2026-02-20"), "back").unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    // Before it was written off.
    let e = fx.store.reverse_write_off(fx.acme, fx.w1, v, d("2026-02-09"), "back").unwrap_err().to_string();
    assert!(e.contains("before C1-1 was written off (2026-02-10)"), "{e}");
    // No reason.
    let e = fx.store.reverse_write_off(fx.acme, fx.w1, v, d("2026-02-20"), "").unwrap_err().to_string();
    assert!(e.contains("a reason is required"), "{e}");
    // Not written off.
    let v2 = row(fx.store, fx.w2).3;
    let e = fx.store.reverse_write_off(fx.acme, fx.w2, v2, d("2026-02-20"), "back").unwrap_err().to_string();
    assert!(e.contains("C1-2 is open, not written off"), "{e}");
    assert_eq!(row(fx.store, fx.w1).0, "uncollectible");
    assert!(audit(fx.store, "reverse_write_off").is_empty());
    fx.store.reverse_write_off(fx.acme, fx.w1, v, d("2026-02-10"), "back").unwrap();
    metrics(&fx);
}

fn money_goes_to_a_written_off_invoice_only_after_the_write_off_is_reversed(b: &mut Books) {
    let fx = fixture(b);
    fx.store.write_off(fx.acme, &[fx.w1], d("2026-02-20"), "gone").unwrap();
    let pay_v: i64 = version(fx.store, "payments", fx.wire);
    let plan = ApplyPlan::Invoices(vec![(fx.w1, 10_000)]);
    let e = fx.store.apply_payment(fx.acme, fx.wire, pay_v, &plan, today()).unwrap_err().to_string();
    assert_eq!(
        e,
        "C1-1 was written off on 2026-02-20: reverse the write-off on its detail first, then apply the money"
    );
    let before = metrics(&fx);
    // Oldest first passes it over: only W-2 takes money.
    let out = fx.store.apply_payment_preview(fx.acme, fx.wire, &ApplyPlan::OldestFirst { amount_minor: 15_000 });
    assert!(out.unwrap().parts.iter().all(|a| a.invoice_id != fx.w1));
    // The recovery: reverse, then apply; the invoice is paid.
    let v = row(fx.store, fx.w1).3;
    fx.store.reverse_write_off(fx.acme, fx.w1, v, d("2026-03-01"), "recovered").unwrap();
    let pay_v: i64 = version(fx.store, "payments", fx.wire);
    fx.store.apply_payment(fx.acme, fx.wire, pay_v, &plan, today()).unwrap();
    assert_eq!(row(fx.store, fx.w1).0, "paid");
    let after = metrics(&fx);
    assert_eq!(after.outstanding, before.outstanding, "the written-off $100 came back and was paid");
    assert_eq!(after.billed_collected.minor, before.billed_collected.minor + 10_000);
}

fn cancelling_a_written_off_invoice_clears_its_date(b: &mut Books) {
    let fx = fixture(b);
    fx.store.write_off(fx.acme, &[fx.w1], d("2026-02-20"), "gone").unwrap();
    let done = fx.store.cancel_invoices(fx.acme, &[fx.w1], d("2026-02-21")).unwrap();
    assert_eq!(done.cancel.len(), 1);
    assert_eq!(row(fx.store, fx.w1).0, "cancelled");
    assert_eq!(row(fx.store, fx.w1).1, None);
    metrics(&fx);
}
}
