//! Settling on PostgreSQL (issue 21): a payment's remainder or a credit
//! applied, credit granted, an application unapplied, a payment refunded,
//! invoices written off (and the write-off reversed) and small balances
//! closed do on PostgreSQL what they do on SQLite. Each test builds the
//! same books on both backends through the writes already ported, runs
//! the same sequence on both, and compares what comes back (previews
//! too), the refusals word for word, the figures, the Invoices and
//! Payments tabs, the money rows and the audit log; `check` finds the
//! PostgreSQL books consistent after each. Eight writers applying one
//! payment at once never apply more than it holds.

mod support;

use ardesk::domain::edit::{Allocation, ApplyPlan, CreditDraft, PaymentDraft, RefundDraft};
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::pg::PgStore;
use ardesk::store::{Store, StoreError};
use support::both::*;
use support::pg::{TestDb, fresh};

/// An invoice's version, the same on both backends.
fn invoice_version(db: &TestDb, lite: &Store, c: i64, id: i64) -> i64 {
    let a: i64 = db.client().query_one("SELECT version FROM invoices WHERE id = $1", &[&id]).unwrap().get(0);
    assert_eq!(a, lite.invoice_detail(c, id).unwrap().version, "version of invoice {id}");
    a
}

/// The rows the settling writes touch, and the audit log, as text on both
/// backends: (PostgreSQL's query, SQLite's).
const TABLES: &[(&str, &str)] = &[
    (
        "SELECT id::text, invoice_id::text, payment_id::text, credit_id::text, amount_minor::text, applied_on::text,
                removed_on::text, counts_from::text FROM applications ORDER BY applications.id",
        "SELECT CAST(id AS TEXT), CAST(invoice_id AS TEXT), CAST(payment_id AS TEXT), CAST(credit_id AS TEXT),
                CAST(amount_minor AS TEXT), applied_on, removed_on, counts_from FROM applications ORDER BY applications.id",
    ),
    (
        "SELECT id::text, payment_id::text, refunded_on::text, amount_minor::text, reason, dated_from
         FROM refunds ORDER BY refunds.id",
        "SELECT CAST(id AS TEXT), CAST(payment_id AS TEXT), refunded_on, CAST(amount_minor AS TEXT), reason, dated_from
         FROM refunds ORDER BY refunds.id",
    ),
    (
        "SELECT id::text, customer_id::text, granted_on::text, amount_minor::text, applied_minor::text, reason, kind,
                number, status, invoice_id::text, version::text FROM credits ORDER BY credits.id",
        "SELECT CAST(id AS TEXT), CAST(customer_id AS TEXT), granted_on, CAST(amount_minor AS TEXT),
                CAST(applied_minor AS TEXT), reason, kind, number, status, CAST(invoice_id AS TEXT),
                CAST(version AS TEXT) FROM credits ORDER BY credits.id",
    ),
    (
        "SELECT id::text, status, applied_minor::text, refunded_minor::text, version::text FROM payments ORDER BY payments.id",
        "SELECT CAST(id AS TEXT), status, CAST(applied_minor AS TEXT), CAST(refunded_minor AS TEXT),
                CAST(version AS TEXT) FROM payments ORDER BY payments.id",
    ),
    (
        "SELECT id::text, status, applied_minor::text, balance_minor::text, written_off_on::text, write_off_reason,
                version::text FROM invoices ORDER BY invoices.id",
        "SELECT CAST(id AS TEXT), status, CAST(applied_minor AS TEXT), CAST(balance_minor AS TEXT), written_off_on,
                write_off_reason, CAST(version AS TEXT) FROM invoices ORDER BY invoices.id",
    ),
    (
        "SELECT customer_id::text, entity, entity_id::text, action, summary, before_json, after_json, who
         FROM audit_log ORDER BY audit_log.id",
        "SELECT CAST(customer_id AS TEXT), entity, CAST(entity_id AS TEXT), action, summary, before_json, after_json,
                who FROM audit_log ORDER BY audit_log.id",
    ),
];

/// The same books on both backends, this file's tables among them.
fn same_books(db: &TestDb, pg: &PgStore, lite: &Store, customers: &[i64]) {
    same_books_in(TABLES, db, pg, lite, customers)
}

#[test]
fn a_remainder_and_a_credit_are_applied_and_credit_granted_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&["Acme", "Other"]) else { return };
    let (pg, lite) = (&mut pg, &mut lite);
    let i1 = add_invoice(pg, lite, 1, "2026-01-01", "2026-01-31", 10_000);
    let i2 = add_invoice(pg, lite, 1, "2026-01-29", "2026-02-28", 20_000);
    let i3 = add_invoice(pg, lite, 1, "2026-03-01", "2026-03-31", 30_000);
    let draft = add_invoice_as(pg, lite, 1, "2026-01-01", "2026-01-10", 4_000, InvoiceStatus::Draft);
    let theirs = add_invoice(pg, lite, 2, "2026-01-01", "2026-01-31", 10_000);
    // $500 received, nothing applied; $300 of goodwill.
    let pay = add_payment(pg, lite, 1, "2026-02-10", 50_000, Allocation::Invoices(vec![]));
    let goodwill = credit("2026-02-01", 30_000, " Service outage goodwill ");
    let cr = ok(pg.grant_credit(1, &goodwill), lite.grant_credit(1, &goodwill), "grant");
    let on = d("2026-03-15");

    // Granting: every refusal in the same words.
    for (bad, words) in [
        (credit("2026-02-01", 100, "  "), "say why"),
        (credit("2026-02-01", 100, &"x".repeat(5_000)), "characters long"),
        (credit("2026-02-01", 0, "x"), "more than zero"),
        (credit("2200-01-01", 100, "x"), "date granted"),
        (CreditDraft { currency: "EUR".parse().unwrap(), ..credit("2026-02-01", 100, "x") }, "not EUR"),
    ] {
        refused(pg.grant_credit(1, &bad), lite.grant_credit(1, &bad), words);
    }
    refused(
        pg.grant_credit(999, &credit("2026-02-01", 100, "x")),
        lite.grant_credit(999, &credit("2026-02-01", 100, "x")),
        "999",
    );

    // Previews, and what the plans refuse, in the same words.
    let oldest = |amount_minor| ApplyPlan::OldestFirst { amount_minor };
    ok(pg.apply_payment_preview(1, pay, &oldest(25_000)), lite.apply_payment_preview(1, pay, &oldest(25_000)), "p");
    let chosen = ApplyPlan::Invoices(vec![(i3, 10_000), (i1, 5_000)]);
    ok(pg.apply_credit_preview(1, cr, &chosen), lite.apply_credit_preview(1, cr, &chosen), "preview credit");
    for (plan, words) in [
        (oldest(0), "more than zero"),
        (oldest(50_001), "at most that can be applied"),
        (ApplyPlan::Invoices(vec![]), "choose at least one invoice"),
        (ApplyPlan::Invoices(vec![(theirs, 100)]), "another customer's invoice"),
        (ApplyPlan::Invoices(vec![(draft, 100)]), "money goes only to open invoices"),
        (ApplyPlan::Invoices(vec![(i1, 10_001)]), "at most that can be applied to it"),
        (ApplyPlan::Invoices(vec![(i1, 0)]), "must be more than zero"),
        (ApplyPlan::Invoices(vec![(i1, 100), (i1, 100)]), "is chosen twice"),
        (ApplyPlan::Invoices(vec![(999, 1)]), "no longer exists"),
        (ApplyPlan::Invoices(vec![(i3, 30_000), (i2, 20_001)]), "at most that can be applied to it"),
        (ApplyPlan::Invoices(vec![(i3, 30_000), (i2, 20_000), (i1, 1)]), "cannot be applied"),
    ] {
        refused(pg.apply_payment_preview(1, pay, &plan), lite.apply_payment_preview(1, pay, &plan), words);
        let v = version(pg, lite, 1, pay);
        refused(pg.apply_payment(1, pay, v, &plan, on), lite.apply_payment(1, pay, v, &plan, on), words);
    }
    let v = version(pg, lite, 1, pay);
    let vc = version(pg, lite, 1, -cr);
    let all = oldest(100);
    refused(pg.apply_payment(2, pay, v, &all, on), lite.apply_payment(2, pay, v, &all, on), "another customer's");
    refused(pg.apply_payment(999, pay, v, &all, on), lite.apply_payment(999, pay, v, &all, on), "another customer's");
    refused(
        pg.apply_payment(1, pay, v, &all, d("2026-02-09")),
        lite.apply_payment(1, pay, v, &all, d("2026-02-09")),
        "is dated 2026-02-10",
    );
    refused(
        pg.apply_credit(1, cr, vc, &all, d("2026-01-31")),
        lite.apply_credit(1, cr, vc, &all, d("2026-01-31")),
        "is dated 2026-02-01",
    );
    refused(
        pg.apply_payment(1, pay, v, &all, d("2200-01-01")),
        lite.apply_payment(1, pay, v, &all, d("2200-01-01")),
        "date applied",
    );
    refused(pg.apply_payment(1, pay, v + 1, &all, on), lite.apply_payment(1, pay, v + 1, &all, on), "changed by");
    refused(pg.apply_credit(1, cr, vc + 1, &all, on), lite.apply_credit(1, cr, vc + 1, &all, on), "changed by");
    refused(pg.apply_payment(1, 999, 1, &all, on), lite.apply_payment(1, 999, 1, &all, on), "payment #999");
    refused(pg.apply_credit(1, 999, 1, &all, on), lite.apply_credit(1, 999, 1, &all, on), "credit #999");
    refused(pg.apply_payment_preview(1, 999, &all), lite.apply_payment_preview(1, 999, &all), "payment #999");
    same_books(&db, pg, lite, &[1, 2]);

    // Applied: $250 of the payment oldest first, then the credit to chosen
    // invoices, then the rest of the payment; then nothing is left.
    ok(pg.apply_payment(1, pay, v, &oldest(25_000), on), lite.apply_payment(1, pay, v, &oldest(25_000), on), "a1");
    // $100 of the credit to i3, and i2's last $50.
    let now = ApplyPlan::Invoices(vec![(i3, 10_000), (i2, 5_000)]);
    ok(pg.apply_credit(1, cr, vc, &now, on), lite.apply_credit(1, cr, vc, &now, on), "a2");
    let v = version(pg, lite, 1, pay);
    let rest = ApplyPlan::Invoices(vec![(i3, 20_000)]);
    ok(pg.apply_payment(1, pay, v, &rest, on), lite.apply_payment(1, pay, v, &rest, on), "a3");
    // The payment's last $50 pays a new invoice off.
    add_invoice(pg, lite, 1, "2026-03-10", "2026-04-09", 5_000);
    let v = version(pg, lite, 1, pay);
    ok(pg.apply_payment(1, pay, v, &oldest(5_000), on), lite.apply_payment(1, pay, v, &oldest(5_000), on), "a4");
    let v = version(pg, lite, 1, pay);
    refused(pg.apply_payment(1, pay, v, &all, on), lite.apply_payment(1, pay, v, &all, on), "applied in full");
    let vc = version(pg, lite, 1, -cr);
    refused(
        pg.apply_credit(1, cr, vc, &oldest(100), on),
        lite.apply_credit(1, cr, vc, &oldest(100), on),
        "no open USD invoice of this customer owes anything",
    );
    same_books(&db, pg, lite, &[1, 2]);
}

#[test]
fn applications_are_unapplied_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&["Acme", "Other"]) else { return };
    let (pg, lite) = (&mut pg, &mut lite);
    let a1 = add_invoice(pg, lite, 1, "2026-01-01", "2026-01-31", 10_000);
    let a2 = add_invoice(pg, lite, 1, "2026-02-01", "2026-03-03", 20_000);
    let wire = add_payment(pg, lite, 1, "2026-01-21", 15_000, Allocation::Invoices(vec![a1]));
    let cr = pg.grant_credit(1, &credit("2026-02-05", 5_000, "goodwill")).unwrap();
    assert_eq!(lite.grant_credit(1, &credit("2026-02-05", 5_000, "goodwill")).unwrap(), cr);
    let vc = version(pg, lite, 1, -cr);
    let to_a2 = ApplyPlan::Invoices(vec![(a2, 4_000)]);
    ok(pg.apply_credit(1, cr, vc, &to_a2, d("2026-02-05")), lite.apply_credit(1, cr, vc, &to_a2, d("2026-02-05")), "c");
    let app = |invoice: i64| {
        let id = lite.invoice_detail(1, invoice).unwrap().applications[0].id;
        let on_pg: i64 = db
            .client()
            .query_one("SELECT min(id) FROM applications WHERE invoice_id = $1", &[&invoice])
            .unwrap()
            .get(0);
        assert_eq!(id, on_pg);
        id
    };
    let (paid_app, credit_app) = (app(a1), app(a2));

    refused(
        pg.unapply(2, paid_app, d("2026-02-10")),
        lite.unapply(2, paid_app, d("2026-02-10")),
        "not this customer's",
    );
    refused(pg.unapply(999, paid_app, d("2026-02-10")), lite.unapply(999, paid_app, d("2026-02-10")), "not this");
    refused(pg.unapply(1, paid_app, d("2026-01-20")), lite.unapply(1, paid_app, d("2026-01-20")), "is before the");
    refused(pg.unapply(1, paid_app, d("1899-12-31")), lite.unapply(1, paid_app, d("1899-12-31")), "unapply date");
    refused(pg.unapply(1, 999, d("2026-02-10")), lite.unapply(1, 999, d("2026-02-10")), "application #999");

    // The payment's: the invoice is open again; twice is refused.
    ok(pg.unapply(1, paid_app, d("2026-02-10")), lite.unapply(1, paid_app, d("2026-02-10")), "unapply payment");
    refused(
        pg.unapply(1, paid_app, d("2026-02-11")),
        lite.unapply(1, paid_app, d("2026-02-11")),
        "already unapplied on 2026-02-10",
    );
    // The credit's: the part-paid invoice owes it again.
    ok(pg.unapply(1, credit_app, d("2026-02-05")), lite.unapply(1, credit_app, d("2026-02-05")), "unapply credit");
    same_books(&db, pg, lite, &[1, 2]);

    // The money goes on again, the day after: it counts from the reversal.
    let v = version(pg, lite, 1, wire);
    let back = ApplyPlan::OldestFirst { amount_minor: 12_000 };
    ok(
        pg.apply_payment(1, wire, v, &back, d("2026-02-11")),
        lite.apply_payment(1, wire, v, &back, d("2026-02-11")),
        "",
    );
    let app = lite.invoice_detail(1, a2).unwrap().applications.iter().map(|a| a.id).max().unwrap();
    ok(pg.unapply(1, app, d("2026-03-01")), lite.unapply(1, app, d("2026-03-01")), "unapply the new one");
    same_books(&db, pg, lite, &[1, 2]);
}

fn refund(amount: i64, on: &str, reason: &str) -> RefundDraft {
    RefundDraft { refunded_on: d(on), amount_minor: amount, reason: reason.into() }
}

#[test]
fn payments_are_refunded_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&["Acme"]) else { return };
    let (pg, lite) = (&mut pg, &mut lite);
    add_invoice(pg, lite, 1, "2026-01-01", "2026-01-31", 10_000);
    let i2 = add_invoice(pg, lite, 1, "2026-01-15", "2026-02-14", 20_000);
    // $450: $100 to i1, $200 to i2, $150 left.
    let p = add_payment(pg, lite, 1, "2026-02-01", 45_000, Allocation::OldestFirst);
    // Another $120, part to i2 later.
    let small = add_payment(pg, lite, 1, "2026-02-03", 12_000, Allocation::Invoices(vec![]));

    for amount in [1, 15_000, 25_000, 45_000] {
        ok(pg.refund_preview(p, amount), lite.refund_preview(p, amount), "preview");
    }
    for amount in [0, 45_001] {
        same(pg.refund_preview(p, amount), lite.refund_preview(p, amount), "preview refused");
    }
    refused(pg.refund_preview(999, 1), lite.refund_preview(999, 1), "payment #999");
    let v = version(pg, lite, 1, p);
    for (draft, words) in [
        (refund(100, "2026-02-20", "  "), "say why"),
        (refund(100, "2026-02-20", &"é".repeat(1_001)), "a refund keeps at most 1000"),
        (refund(0, "2026-02-20", "x"), "more than zero"),
        (refund(45_001, "2026-02-20", "x"), "at most $450.00 can be refunded"),
        (refund(100, "2026-01-31", "x"), "before the payment was received"),
        (refund(100, "2200-01-01", "x"), "refund date"),
    ] {
        refused(pg.refund_payment(p, v, &draft), lite.refund_payment(p, v, &draft), words);
    }
    let one = refund(100, "2026-02-20", "x");
    refused(pg.refund_payment(p, v + 1, &one), lite.refund_payment(p, v + 1, &one), "changed by someone else");
    refused(pg.refund_payment(999, 1, &one), lite.refund_payment(999, 1, &one), "payment #999");

    // $250: the $150 unapplied, then $100 back from i2 (newest first).
    let first = refund(25_000, "2026-02-20", "duplicate charge");
    ok(pg.refund_payment(p, v, &first), lite.refund_payment(p, v, &first), "refund 250");
    same_books(&db, pg, lite, &[1]);
    // The other payment goes part to i2, and part is refunded.
    let vs = version(pg, lite, 1, small);
    let to_i2 = ApplyPlan::Invoices(vec![(i2, 5_000)]);
    ok(
        pg.apply_payment(1, small, vs, &to_i2, d("2026-02-21")),
        lite.apply_payment(1, small, vs, &to_i2, d("2026-02-21")),
        "",
    );
    let vs = version(pg, lite, 1, small);
    let part = refund(9_000, "2026-02-22", "partial");
    ok(pg.refund_payment(small, vs, &part), lite.refund_payment(small, vs, &part), "refund part of the other");
    // The rest of the first: $200, from i2's part application and i1.
    let v = version(pg, lite, 1, p);
    let rest = refund(20_000, "2026-02-25", "closing the account");
    ok(pg.refund_preview(p, 20_000), lite.refund_preview(p, 20_000), "preview rest");
    ok(pg.refund_payment(p, v, &rest), lite.refund_payment(p, v, &rest), "refund the rest");
    let v = version(pg, lite, 1, p);
    refused(pg.refund_payment(p, v, &one), lite.refund_payment(p, v, &one), "nothing is left to refund");
    refused(pg.refund_preview(p, 1), lite.refund_preview(p, 1), "was refunded in full");
    let vs = version(pg, lite, 1, small);
    let all = ApplyPlan::OldestFirst { amount_minor: 100 };
    refused(
        pg.apply_payment(1, p, v, &all, d("2026-03-01")),
        lite.apply_payment(1, p, v, &all, d("2026-03-01")),
        "only a succeeded",
    );
    // Its $120: $90 refunded, $30 applied.
    refused(
        pg.apply_payment(1, small, vs, &all, d("2026-03-01")),
        lite.apply_payment(1, small, vs, &all, d("2026-03-01")),
        "applied in full",
    );
    same_books(&db, pg, lite, &[1]);
}

#[test]
fn invoices_are_written_off_reversed_and_closed_as_small_balances_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&["Acme", "Other"]) else { return };
    let (pg, lite) = (&mut pg, &mut lite);
    let w1 = add_invoice(pg, lite, 1, "2026-01-01", "2026-01-31", 10_000);
    let w2 = add_invoice(pg, lite, 1, "2026-02-01", "2026-03-03", 20_000);
    let small = add_invoice(pg, lite, 1, "2026-01-15", "2026-02-14", 10_300);
    let over = add_invoice(pg, lite, 1, "2026-01-20", "2026-02-19", 11_000);
    let draft = add_invoice_as(pg, lite, 1, "2026-01-01", "2026-01-10", 4_000, InvoiceStatus::Draft);
    let paid = add_invoice(pg, lite, 1, "2026-01-02", "2026-01-30", 3_000);
    let gone = add_invoice(pg, lite, 1, "2026-01-03", "2026-01-30", 2_000);
    let theirs = add_invoice(pg, lite, 2, "2026-01-01", "2026-01-31", 10_000);
    add_payment(pg, lite, 1, "2026-01-25", 3_000, Allocation::Invoices(vec![paid]));
    // $100 to `small` ($3 left) and $100 to `over` ($10 left).
    add_payment(pg, lite, 1, "2026-02-02", 10_000, Allocation::Invoices(vec![small]));
    add_payment(pg, lite, 1, "2026-02-02", 10_000, Allocation::Invoices(vec![over]));
    let spare = add_payment(pg, lite, 1, "2026-02-03", 5_000, Allocation::Invoices(vec![]));
    ok(pg.cancel_invoices(1, &[gone], d("2026-01-05")), lite.cancel_invoices(1, &[gone], d("2026-01-05")), "cancel");

    // Previews: who is written off, who is left and why.
    let picked = [w1, w2, draft, paid, gone, theirs, 999, w1];
    for on in [None, Some(d("2026-01-31"))] {
        ok(pg.write_off_preview(1, &picked, on), lite.write_off_preview(1, &picked, on), "preview");
    }
    let on = d("2026-02-28");
    for (ids, when, reason, words) in [
        (vec![w1], on, "   ", "a reason is required"),
        (vec![w1], on, &*"r".repeat(1_001), "1001 characters long; at most 1000"),
        (vec![w1], d("2200-01-01"), "bust", "write-off date"),
        (vec![paid, draft, gone, theirs], on, "bust", "is paid: nothing is left to write off; "),
        (vec![w2], d("2026-01-31"), "bust", "after the write-off date 2026-01-31"),
        (vec![], on, "bust", "no invoice to write off"),
    ] {
        refused(pg.write_off(1, &ids, when, reason), lite.write_off(1, &ids, when, reason), words);
    }
    refused(pg.write_off(999, &[w1], on, "bust"), lite.write_off(999, &[w1], on, "bust"), "not an invoice");
    let (a, b) =
        (pg.write_off(1, &picked, on, "customer went bust"), lite.write_off(1, &picked, on, "customer went bust"));
    ok(a, b, "write off");
    refused(
        pg.write_off(1, &[w1], on, "again"),
        lite.write_off(1, &[w1], on, "again"),
        "already written off on 2026-02-28",
    );
    // A written-off invoice takes no money.
    let v = version(pg, lite, 1, spare);
    let to_w1 = ApplyPlan::Invoices(vec![(w1, 100)]);
    refused(
        pg.apply_payment(1, spare, v, &to_w1, d("2026-03-01")),
        lite.apply_payment(1, spare, v, &to_w1, d("2026-03-01")),
        "was written off on 2026-02-28: reverse the write-off",
    );
    same_books(&db, pg, lite, &[1, 2]);

    // Reversing.
    let vw = invoice_version(&db, lite, 1, w1);
    let when = d("2026-03-01");
    refused(
        pg.reverse_write_off(1, w1, vw - 1, when, "back"),
        lite.reverse_write_off(1, w1, vw - 1, when, "back"),
        "changed by",
    );
    refused(
        pg.reverse_write_off(1, w1, vw, d("2026-02-27"), "back"),
        lite.reverse_write_off(1, w1, vw, d("2026-02-27"), "back"),
        "before INV-000001 was written off (2026-02-28)",
    );
    refused(
        pg.reverse_write_off(1, w1, vw, when, ""),
        lite.reverse_write_off(1, w1, vw, when, ""),
        "a reason is required",
    );
    refused(
        pg.reverse_write_off(1, w1, vw, d("1800-01-01"), "x"),
        lite.reverse_write_off(1, w1, vw, d("1800-01-01"), "x"),
        "reversal date",
    );
    let vs = invoice_version(&db, lite, 1, small);
    refused(
        pg.reverse_write_off(1, small, vs, when, "back"),
        lite.reverse_write_off(1, small, vs, when, "back"),
        "is open, not written off",
    );
    refused(
        pg.reverse_write_off(2, w1, vw, when, "back"),
        lite.reverse_write_off(2, w1, vw, when, "back"),
        "not this customer's",
    );
    refused(pg.reverse_write_off(1, 999, 1, when, "back"), lite.reverse_write_off(1, 999, 1, when, "back"), "#999");
    ok(
        pg.reverse_write_off(1, w1, vw, when, "they paid after all"),
        lite.reverse_write_off(1, w1, vw, when, "they paid after all"),
        "reverse",
    );
    let v = version(pg, lite, 1, spare);
    ok(pg.apply_payment(1, spare, v, &to_w1, when), lite.apply_payment(1, spare, v, &to_w1, when), "recovered");
    same_books(&db, pg, lite, &[1, 2]);

    // Small balances: $3 within the $5 limit, $10 only when said.
    let ids = [small, over, paid, draft, gone, w2, theirs, 999];
    for allow in [false, true] {
        for on in [None, Some(d("2026-01-16"))] {
            ok(pg.small_balance_preview(1, &ids, on, allow), lite.small_balance_preview(1, &ids, on, allow), "sb");
        }
    }
    let on = d("2026-03-02");
    refused(
        pg.small_balance_write_off(1, &ids, on, " ", false),
        lite.small_balance_write_off(1, &ids, on, " ", false),
        "say why",
    );
    refused(
        pg.small_balance_write_off(1, &[over], on, "rounding", false),
        lite.small_balance_write_off(1, &[over], on, "rounding", false),
        "more than the small-balance limit of $5.00",
    );
    refused(
        pg.small_balance_write_off(1, &[small], d("2026-01-10"), "rounding", false),
        lite.small_balance_write_off(1, &[small], d("2026-01-10"), "rounding", false),
        "after the write-off date",
    );
    refused(
        pg.small_balance_write_off(1, &[small], d("2200-01-01"), "rounding", false),
        lite.small_balance_write_off(1, &[small], d("2200-01-01"), "rounding", false),
        "write-off date",
    );
    refused(
        pg.small_balance_write_off(1, &[], on, "rounding", false),
        lite.small_balance_write_off(1, &[], on, "rounding", false),
        "no invoice to close",
    );
    ok(
        pg.small_balance_write_off(1, &ids, on, "rounding", false),
        lite.small_balance_write_off(1, &ids, on, "rounding", false),
        "close within the limit",
    );
    ok(
        pg.small_balance_write_off(1, &[over], on, "settled by phone", true),
        lite.small_balance_write_off(1, &[over], on, "settled by phone", true),
        "close over the limit",
    );
    refused(
        pg.small_balance_write_off(1, &[small], on, "again", true),
        lite.small_balance_write_off(1, &[small], on, "again", true),
        "is paid: there is no balance to close",
    );
    same_books(&db, pg, lite, &[1, 2]);
}

/// Eight writers apply one payment's remainder at once, $100 at a time,
/// each at the version it read: every apply either lands or is told the
/// payment changed, and no more than the payment holds is ever applied.
#[test]
fn eight_writers_never_apply_more_than_the_payment() {
    let Some(db) = fresh() else { return };
    let mut pg = PgStore::open(&db.url).unwrap();
    let c = pg.create_customer(&customer("Acme")).unwrap();
    for _ in 0..10 {
        let draft = invoice(&pg, "2026-01-01", "2026-01-31", 10_000, InvoiceStatus::Open);
        pg.create_invoice(c, &draft).unwrap();
    }
    let p = PaymentDraft {
        received_on: d("2026-02-01"),
        amount_minor: 45_000,
        currency: usd(),
        reference: "W".into(),
        allocation: Allocation::Invoices(vec![]),
    };
    let pay = pg.record_payment(c, &p).unwrap().payment_id;
    let applied: Vec<i64> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..8)
            .map(|w| {
                let url = db.url.clone();
                s.spawn(move || {
                    let mut pg = PgStore::open(&url).unwrap();
                    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                    let mut sum = 0;
                    loop {
                        let v: i64 =
                            client.query_one("SELECT version FROM payments WHERE id = $1", &[&pay]).unwrap().get(0);
                        let plan = ApplyPlan::OldestFirst { amount_minor: 10_000 };
                        match pg.apply_payment(c, pay, v, &plan, d("2026-02-02")) {
                            Ok(out) => sum += out.applied_minor(),
                            Err(StoreError::Conflict(_)) => {}
                            Err(StoreError::Invalid(m)) if m.contains("at most that can be applied") => return sum,
                            Err(e) => panic!("writer {w}: {e}"),
                        }
                    }
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let total: i64 = applied.iter().sum();
    assert_eq!(total, 40_000, "four hundreds fit in $450, a fifth does not: {applied:?}");
    let on_payment: i64 =
        db.client().query_one("SELECT applied_minor FROM payments WHERE id = $1", &[&pay]).unwrap().get(0);
    assert_eq!(on_payment, total);
    let applies: i64 = db
        .client()
        .query_one("SELECT count(*) FROM audit_log WHERE entity = 'payment' AND action = 'apply'", &[])
        .unwrap()
        .get(0);
    assert_eq!(applies, 4, "one audit entry per apply that landed");
    assert_eq!(pg.check(d("2026-03-01")).unwrap(), Vec::<String>::new());
}
