//! `ardesk check` finds every kind of drift between the raw rows and what is
//! derived from them, and the database itself refuses the writes that would
//! break the money model — and a refused write changes nothing.
//!
//! Corruption is done the way a bug or a foreign tool would: through a
//! separate raw `rusqlite::Connection` to the same file.

mod common;

use ardesk::domain::edit::{Allocation, InvoiceDraft, PaymentDraft};
use ardesk::domain::status::*;
use ardesk::store::seed::*;
use ardesk::store::{CustomerFigures, OpenMode, Store, StoreError};
use common::*;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-03-01";

struct Ids {
    acme: i64,
    borealis: i64,
    /// $100, on contract "Support", paid in full by `p1`.
    inv_paid: i64,
    /// C1-1, $200 open: $50 from `p2`, $10 from `credit`.
    inv_partial: i64,
    /// $300 paid by `p_old` on 2024-02-15, outside the 365-day window.
    inv_old: i64,
    /// $70 draft.
    inv_draft: i64,
    /// €90 open invoice of Borealis.
    inv_eur: i64,
    p1: i64,
    /// $80, $50 applied: $30 unapplied.
    p2: i64,
    /// $40 credit, $10 applied.
    credit: i64,
    /// €20 payment of Borealis, unapplied.
    p_eur: i64,
    /// $150 received 2026-02-20, unapplied.
    p_big: i64,
    /// $100 with $60 refunded: $40 kept, unapplied.
    p_refunded: i64,
    /// $10 failed.
    p_failed: i64,
    /// $25 cancelled.
    inv_cancelled: i64,
    /// Ann, primary; Bo.
    ann: i64,
    bo: i64,
}

struct Fx {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
    ids: Ids,
}

fn fixture() -> Fx {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("books.db");
    let mut store = Store::open(&path, OpenMode::Create).unwrap();
    let s = store.seeder().unwrap();
    let mut b = Books::new(&s, "Acme", USD);
    let k = s
        .contract(&NewContract {
            customer_id: b.customer,
            name: "Support",
            kind: ContractKind::Recurring,
            status: ContractStatus::Active,
            period_start: d("2025-01-01"),
            period_end: None,
            value_minor: 120_000,
            currency: USD,
            payment_terms_days: 30,
            billing_frequency: Some(BillingFrequency::Monthly),
        })
        .unwrap();
    let inv_paid = s
        .invoice(&NewInvoice {
            customer_id: b.customer,
            contract_id: Some(k),
            number: "K-1",
            issue_date: d("2026-01-01"),
            due_date: d("2026-01-31"),
            period: Some((d("2026-01-01"), d("2026-01-31"))),
            currency: USD,
            total_minor: 10_000,
            status: InvoiceStatus::Open,
        })
        .unwrap();
    let p1 = b.payment("2026-01-20", 10_000, USD);
    b.apply(inv_paid, p1, 10_000, "2026-01-20");
    b.paid(inv_paid);
    let inv_partial = b.invoice("2026-02-01", "2026-03-03", 20_000, USD);
    let p2 = b.payment("2026-02-10", 8_000, USD);
    b.apply(inv_partial, p2, 5_000, "2026-02-10");
    let credit = b.credit("2026-02-12", 4_000, USD);
    b.apply_credit(inv_partial, credit, 1_000, "2026-02-12");
    let inv_old = b.invoice("2024-01-01", "2024-01-31", 30_000, USD);
    let p_old = b.payment("2024-02-15", 30_000, USD);
    b.apply(inv_old, p_old, 30_000, "2024-02-15");
    b.paid(inv_old);
    let inv_draft = b.invoice_as("2026-02-20", "2026-03-22", 7_000, InvoiceStatus::Draft, USD);
    let inv_cancelled = b.invoice_as("2026-02-01", "2026-03-03", 2_500, InvoiceStatus::Cancelled, USD);
    let p_big = b.payment("2026-02-20", 15_000, USD);
    let p_refunded = b.payment_as("2026-02-21", 10_000, 6_000, PaymentStatus::Succeeded, USD);
    let p_failed = b.payment_as("2026-02-22", 1_000, 0, PaymentStatus::Failed, USD);
    let ann = s.contact(&NewContact { customer_id: b.customer, name: "Ann", email: "", phone: "", role: "" }).unwrap();
    let bo = s.contact(&NewContact { customer_id: b.customer, name: "Bo", email: "", phone: "", role: "" }).unwrap();
    s.document(&NewDocument {
        customer_id: b.customer,
        contract_id: Some(k),
        name: "msa.pdf",
        kind: DocumentKind::Contract,
        format: "pdf",
        content: b"%PDF-1.4 signed",
        uploaded_at: "2026-01-01T00:00:00Z",
    })
    .unwrap();
    let mut e = Books::new(&s, "Borealis", EUR);
    let inv_eur = e.invoice("2026-02-01", "2026-03-03", 9_000, EUR);
    let p_eur = e.payment("2026-02-05", 2_000, EUR);
    let ids = Ids {
        acme: b.customer,
        borealis: e.customer,
        inv_paid,
        inv_partial,
        inv_old,
        inv_draft,
        inv_eur,
        p1,
        p2,
        credit,
        p_eur,
        p_big,
        p_refunded,
        p_failed,
        inv_cancelled,
        ann,
        bo,
    };
    s.commit().unwrap();
    assert_eq!(store.check(d(TODAY)).unwrap(), Vec::<String>::new(), "the fixture starts consistent");
    Fx { _dir: dir, path, store, ids }
}

/// A raw connection, foreign keys off as in a plain `sqlite3` shell (the
/// bundled SQLite turns them on by default).
fn raw(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    c
}

fn figures(store: &Store, customer: i64) -> CustomerFigures {
    store.figures(&store.customer(customer).unwrap(), d(TODAY)).unwrap()
}

/// A fresh fixture, `sql` run on it through a raw connection, and what
/// `check` then reports.
fn problems_after(sql: impl Fn(&Ids) -> String) -> Vec<String> {
    let fx = fixture();
    {
        let c = raw(&fx.path);
        c.execute_batch(&sql(&fx.ids)).unwrap();
    }
    fx.store.check(d(TODAY)).unwrap()
}

#[track_caller]
fn assert_reported(problems: &[String], needle: &str) {
    assert!(problems.iter().any(|p| p.contains(needle)), "expected a problem containing {needle:?}, got {problems:#?}");
}

// ---------------------------------------------------------------------------
// check finds drift

#[test]
fn corrupt_customer_summary_is_reported() {
    for column in [
        "invoice_count",
        "invoice_total_minor",
        "billed_minor",
        "billed_applied_minor",
        "outstanding_minor",
        "payment_count",
        "payment_total_minor",
        "collected_count",
        "collected_minor",
        "unapplied_minor",
        "credit_open_minor",
        "invoice_shown_total_minor",
        "invoice_balance_minor",
    ] {
        let problems = problems_after(|ids| {
            format!(
                "UPDATE customer_summary SET {column} = {column} + 1 WHERE customer_id = {} AND currency = 'USD'",
                ids.acme
            )
        });
        assert_reported(&problems, "customer 1: summaries");
        assert_eq!(problems.len(), 1, "{column}: {problems:#?}");
    }
    // Another currency's summary row is checked too.
    let problems = problems_after(|ids| {
        format!(
            "UPDATE customer_summary SET unapplied_minor = 0 WHERE customer_id = {} AND currency = 'EUR'",
            ids.borealis
        )
    });
    assert_reported(&problems, "customer 2: summaries");
    // A summary row that has lost its customer.
    let problems = problems_after(|_| {
        "INSERT INTO customer_summary(customer_id, currency, billed_minor) VALUES (999, 'USD', 5)".into()
    });
    assert_reported(&problems, "foreign key: customer_summary");
    // A whole summary row gone.
    let problems = problems_after(|ids| format!("DELETE FROM customer_summary WHERE customer_id = {}", ids.acme));
    assert_reported(&problems, "customer 1: summaries");
}

#[test]
fn corrupt_open_balance_by_due_date_is_reported() {
    // One due date's open balance off by a cent.
    let problems = problems_after(|ids| {
        format!(
            "UPDATE customer_due_summary SET open_minor = open_minor + 1
             WHERE customer_id = {} AND due_date = '2026-03-03'",
            ids.acme
        )
    });
    assert_reported(&problems, "open balance by due date differs from the invoices: 1 USD 2026-03-03");
    assert_reported(&problems, "customer 1: summaries");
    // Moved to a day in the same aging bucket: every total is still right,
    // the row is not.
    let problems = problems_after(|ids| {
        format!(
            "UPDATE customer_due_summary SET due_date = '2026-03-04'
             WHERE customer_id = {} AND due_date = '2026-03-03'",
            ids.acme
        )
    });
    assert_reported(&problems, "open balance by due date differs from the invoices");
    // Deleted.
    let problems = problems_after(|ids| format!("DELETE FROM customer_due_summary WHERE customer_id = {}", ids.acme));
    assert!(!problems.is_empty());
    assert_reported(&problems, "customer 1: summaries");
}

#[test]
fn corrupt_collections_by_payment_date_are_reported() {
    // Inside the 365-day window: the metric itself differs.
    let problems = problems_after(|ids| {
        format!(
            "UPDATE customer_collect_summary SET weighted_lo = weighted_lo + 7
             WHERE customer_id = {} AND received_on = '2026-02-10'",
            ids.acme
        )
    });
    assert_reported(&problems, "collections by payment date differ from the applications: 1 USD 2026-02-10");
    assert_reported(&problems, "customer 1: summaries");
    // Outside the window today's figures are right, but the row is not.
    let problems = problems_after(|ids| {
        format!(
            "UPDATE customer_collect_summary SET applied_minor = applied_minor - 1
             WHERE customer_id = {} AND received_on = '2024-02-15'",
            ids.acme
        )
    });
    assert_reported(&problems, "collections by payment date differ from the applications: 1 USD 2024-02-15");
    // A row missing altogether, inside and outside the window.
    for day in ["2026-02-10", "2024-02-15"] {
        let problems = problems_after(|ids| {
            format!("DELETE FROM customer_collect_summary WHERE customer_id = {} AND received_on = '{day}'", ids.acme)
        });
        assert_reported(&problems, &format!("collections by payment date differ from the applications: 1 USD {day}"));
    }
}

#[test]
fn corrupt_cached_applied_amounts_are_reported() {
    // The triggers carry a changed cache into the summaries, so the
    // summaries agree with the cache: check must compare with the
    // applications themselves.
    let problems = problems_after(|ids| {
        format!("UPDATE invoices SET applied_minor = applied_minor - 100 WHERE id = {}", ids.inv_partial)
    });
    assert_reported(
        &problems,
        "invoice applied amount differs from its applications: C1-1: cached 5900, applications 6000",
    );
    assert_reported(&problems, "customer 1: summaries");

    let problems =
        problems_after(|ids| format!("UPDATE payments SET applied_minor = applied_minor + 100 WHERE id = {}", ids.p2));
    assert_reported(&problems, "payment applied amount differs from its applications");
    assert_reported(&problems, "customer 1: summaries");

    let problems = problems_after(|ids| {
        format!("UPDATE credits SET applied_minor = applied_minor + 100 WHERE id = {}", ids.credit)
    });
    assert_reported(&problems, "credit applied amount differs from its applications");
    assert_reported(&problems, "customer 1: summaries");

    let problems =
        problems_after(|ids| format!("UPDATE invoices SET contract_name = 'Old name' WHERE id = {}", ids.inv_paid));
    assert_reported(&problems, "invoice's contract name differs from its contract: K-1");
}

/// An invoice's stored balance (schema 5), changed behind the triggers'
/// back: the Balance column, its sort and its filter would show it, so
/// `check` compares it with the total less what was applied.
#[test]
fn a_tampered_balance_is_reported() {
    let rule = "invoice balance differs from its total less what was applied";
    // Open, $200 with $60 applied: owes $140.
    let problems =
        problems_after(|ids| format!("UPDATE invoices SET balance_minor = 0 WHERE id = {}", ids.inv_partial));
    assert_reported(&problems, &format!("{rule}: C1-1 (open): stored 0, total 20000 less 6000 applied"));
    assert_eq!(problems.len(), 1, "only the balance: {problems:#?}");
    // Paid, draft and cancelled invoices owe nothing.
    for (which, number) in [("paid", "K-1 (paid)"), ("draft", "(draft)"), ("cancelled", "(cancelled)")] {
        let problems = problems_after(|ids| {
            let id = match which {
                "paid" => ids.inv_paid,
                "draft" => ids.inv_draft,
                _ => ids.inv_cancelled,
            };
            format!("UPDATE invoices SET balance_minor = 1 WHERE id = {id}")
        });
        assert_reported(&problems, rule);
        assert_reported(&problems, number);
        assert_reported(&problems, "stored 1");
    }
    // The triggers keep it through every change of status, total or
    // applied amount: the same writes done right leave nothing to report.
    let problems = problems_after(|ids| {
        format!(
            "UPDATE invoices SET status = 'uncollectible' WHERE id = {0};
             UPDATE invoices SET status = 'open' WHERE id = {0};",
            ids.inv_partial
        )
    });
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn broken_money_rules_are_reported() {
    // A paid invoice whose application was reversed (the triggers take
    // the money off; nothing reopened it).
    let problems = problems_after(|ids| {
        format!("UPDATE applications SET removed_on = '2026-03-01' WHERE invoice_id = {}", ids.inv_paid)
    });
    assert_reported(&problems, "paid status does not match applications: K-1 is paid with 0 of 10000 applied");

    // A tool that reverses an application but keeps counting it: the
    // cached amounts and the collect summary still hold the removed money.
    let problems = problems_after(|ids| {
        format!(
            "UPDATE applications SET removed_on = '2026-03-01' WHERE invoice_id = {0};
             UPDATE invoices SET applied_minor = applied_minor + 10000 WHERE id = {0};
             UPDATE payments SET applied_minor = applied_minor + 10000 WHERE id = {1};
             UPDATE customer_collect_summary SET applied_minor = applied_minor + 10000,
                    weighted_hi = 0, weighted_lo = weighted_lo + 190000
             WHERE received_on = '2026-01-20';",
            ids.inv_paid, ids.p1
        )
    });
    assert_reported(
        &problems,
        "invoice applied amount differs from its applications: K-1: cached 10000, applications 0",
    );
    assert_reported(&problems, "payment applied amount differs from its applications");
    assert_reported(&problems, "collections by payment date differ from the applications");

    // Applications are never deleted, not even by a raw connection.
    let fx = fixture();
    let err = raw(&fx.path)
        .execute_batch(&format!("DELETE FROM applications WHERE invoice_id = {}", fx.ids.inv_paid))
        .unwrap_err()
        .to_string();
    assert!(err.contains("applications are never deleted, only reversed"), "{err}");
    let err = raw(&fx.path)
        .execute_batch(&format!(
            "UPDATE applications SET amount_minor = 1, removed_on = '2026-03-01' WHERE invoice_id = {}",
            fx.ids.inv_paid
        ))
        .unwrap_err()
        .to_string();
    assert!(err.contains("applications are never changed, only reversed once"), "{err}");
    assert_eq!(fx.store.check(d(TODAY)).unwrap(), Vec::<String>::new());

    // With the CHECK constraints switched off (a foreign tool): more
    // applied than the invoice is for, than the payment holds, than the
    // credit holds, and money from a failed payment.
    let problems = problems_after(|ids| {
        format!(
            "PRAGMA ignore_check_constraints = ON;
             INSERT INTO applications(invoice_id, payment_id, amount_minor, applied_on, created_at)
             VALUES ({}, {}, 50000, '2026-02-10', 'x');",
            ids.inv_partial, ids.p2
        )
    });
    assert_reported(&problems, "negative open balance: C1-1");
    assert_reported(&problems, "applications exceed their payment: payment 2");

    let problems = problems_after(|ids| {
        format!(
            "PRAGMA ignore_check_constraints = ON;
             INSERT INTO applications(invoice_id, credit_id, amount_minor, applied_on, created_at)
             VALUES ({}, {}, 5000, '2026-02-12', 'x');",
            ids.inv_partial, ids.credit
        )
    });
    assert_reported(&problems, "applications exceed their credit: credit 1");

    let problems = problems_after(|ids| {
        format!("PRAGMA ignore_check_constraints = ON; UPDATE payments SET status = 'failed' WHERE id = {}", ids.p1)
    });
    assert_reported(&problems, "money applied from a payment that did not succeed: payment 1 (failed)");

    // Without the application check: a euro payment applied to a dollar invoice.
    let problems = problems_after(|ids| {
        format!(
            "DROP TRIGGER applications_check;
             INSERT INTO applications(invoice_id, payment_id, amount_minor, applied_on, created_at)
             VALUES ({}, {}, 100, '2026-02-05', 'x');",
            ids.inv_partial, ids.p_eur
        )
    });
    assert_reported(&problems, "application across customers or currencies");
}

#[test]
fn refunds_that_drift_from_the_refunded_amount_are_reported() {
    let rule = "payment refunded amount differs from its refunds";
    // p_refunded: $100.00 with $60.00 refunded, as one row.
    let problems =
        problems_after(|ids| format!("UPDATE refunds SET amount_minor = 5000 WHERE payment_id = {}", ids.p_refunded));
    let fx = fixture();
    let p = fx.ids.p_refunded;
    assert_eq!(problems, [format!("{rule}: payment {p}: refunded 6000, refunds 5000 (1 in all)")]);
    // The row gone: the payment names its reference when it has one.
    let problems = problems_after(|ids| {
        format!(
            "UPDATE payments SET reference = 'ch_R' WHERE id = {0}; DELETE FROM refunds WHERE payment_id = {0}",
            ids.p_refunded
        )
    });
    assert_reported(&problems, &format!("{rule}: payment {p} (ch_R): refunded 6000, refunds 0"));
    // A refund row on a payment that failed.
    let problems = problems_after(|ids| {
        format!(
            "INSERT INTO refunds(payment_id, refunded_on, amount_minor, reason, dated_from, created_at)
             VALUES ({}, '2026-02-22', 100, 'x', 'recorded', 'x')",
            ids.p_failed
        )
    });
    let f = fx.ids.p_failed;
    assert_reported(&problems, &format!("refunds of a payment that did not succeed: payment {f} is failed"));
    assert_reported(&problems, &format!("{rule}: payment {f}: refunded 0, refunds 100"));
}

#[test]
fn keyed_refunds_are_checked_like_the_others_and_the_schema_keeps_their_keys() {
    let rule = "payment refunded amount differs from its refunds";
    let fx = fixture();
    let p = fx.ids.p_refunded;
    // p_refunded: $100.00 with $60.00 refunded. Its row keyed by a source
    // id, as a Stripe refund object makes it: still one refund of $60.
    raw(&fx.path)
        .execute_batch(&format!(
            "UPDATE refunds SET external_id = 're_K1', dated_from = 'source' WHERE payment_id = {p}"
        ))
        .unwrap();
    assert_eq!(fx.store.check(d(TODAY)).unwrap(), Vec::<String>::new());
    // A second keyed row beside it makes the rows claim more.
    let problems = problems_after(|ids| {
        format!(
            "UPDATE refunds SET external_id = 're_K1', dated_from = 'source' WHERE payment_id = {0};
             INSERT INTO refunds(payment_id, refunded_on, amount_minor, reason, dated_from, created_at, external_id)
             VALUES ({0}, '2026-02-22', 1000, '', 'source', 'x', 're_K2')",
            ids.p_refunded
        )
    });
    assert_eq!(problems, [format!("{rule}: payment {p}: refunded 6000, refunds 7000 (1 in all)")]);
    // One id twice on a payment, or a key on a refund recorded in ardesk:
    // refused by the database.
    let dup = format!(
        "INSERT INTO refunds(payment_id, refunded_on, amount_minor, reason, dated_from, created_at, external_id)
         VALUES ({p}, '2026-02-22', 1, '', 'source', 'x', 're_K1')"
    );
    raw_refused(&fx, &dup, "UNIQUE constraint failed");
    raw_refused(
        &fx,
        &format!("UPDATE refunds SET external_id = 're_K9', dated_from = 'recorded' WHERE payment_id = {p}"),
        "refund_external_id",
    );
}

#[test]
fn broken_contacts_documents_and_keys_are_reported() {
    let problems = problems_after(|ids| {
        format!(
            "DROP TRIGGER customers_primary_valid; UPDATE customers SET primary_contact_id = NULL WHERE id = {}",
            ids.acme
        )
    });
    assert_reported(&problems, "customer with contacts but no valid primary contact: Acme");

    let problems = problems_after(|_| "DELETE FROM document_content".into());
    assert_reported(&problems, "document without content, or with content of another size: msa.pdf");

    let problems = problems_after(|_| {
        "INSERT INTO invoices(customer_id, number, issue_date, due_date, currency, total_minor, status, created_at)
         VALUES (999, 'ORPHAN', '2026-01-01', '2026-01-31', 'USD', 100, 'open', 'x')"
            .into()
    });
    assert_reported(&problems, "foreign key: invoices");
}

// ---------------------------------------------------------------------------
// the database refuses what would break the money model

fn apply(s: &Seeder<'_>, invoice: i64, from: AppliedFrom, amount: i64) -> ardesk::store::Result<()> {
    s.apply(invoice, from, amount, d("2026-02-20"))
}

/// Runs one seeder statement that must be refused, commits the seeder, and
/// asserts that the refusal changed nothing: SQLite undoes the refused
/// statement with everything its triggers did, and the transaction stays
/// usable.
fn refused(fx: &mut Fx, what: impl FnOnce(&Seeder<'_>, &Ids) -> ardesk::store::Result<()>) -> StoreError {
    let before = (figures(&fx.store, fx.ids.acme), figures(&fx.store, fx.ids.borealis));
    let s = fx.store.seeder().unwrap();
    let err = what(&s, &fx.ids).expect_err("the database must refuse this");
    s.commit().unwrap();
    let after = (figures(&fx.store, fx.ids.acme), figures(&fx.store, fx.ids.borealis));
    assert_eq!(before, after, "a refused statement changed the figures");
    assert_eq!(fx.store.check(d(TODAY)).unwrap(), Vec::<String>::new());
    err
}

#[track_caller]
fn assert_check_failed(err: &StoreError) {
    assert!(matches!(err, StoreError::Sql(_)), "{err:?}");
    assert!(err.to_string().contains("CHECK constraint failed"), "{err}");
}

#[test]
fn application_beyond_the_open_balance_is_refused() {
    let mut fx = fixture();
    // inv_partial: $200 − $50 − $10 = $140 owed; p_big offers $150.
    let err = refused(&mut fx, |s, ids| apply(s, ids.inv_partial, AppliedFrom::Payment(ids.p_big), 14_001));
    assert_check_failed(&err);
    // A paid invoice owes nothing.
    for paid in [fx.ids.inv_paid, fx.ids.inv_old] {
        let err = refused(&mut fx, |s, ids| apply(s, paid, AppliedFrom::Payment(ids.p_big), 1));
        assert_check_failed(&err);
    }
    // Exactly the open balance is accepted.
    let s = fx.store.seeder().unwrap();
    apply(&s, fx.ids.inv_partial, AppliedFrom::Payment(fx.ids.p_big), 14_000).unwrap();
    s.set_invoice_status(fx.ids.inv_partial, InvoiceStatus::Paid).unwrap();
    s.commit().unwrap();
    let f = consistent_figures(&fx.store, &fx.store.customer(fx.ids.acme).unwrap(), d(TODAY));
    assert_eq!(f.metrics.outstanding, usd(0));
}

#[test]
fn payment_and_credit_over_applications_are_refused() {
    let mut fx = fixture();
    // p2 has $80 − $50 = $30 left.
    let err = refused(&mut fx, |s, ids| apply(s, ids.inv_partial, AppliedFrom::Payment(ids.p2), 3_001));
    assert_check_failed(&err);
    // p_refunded keeps $100 − $60 refunded = $40: refunds are not applicable.
    let err = refused(&mut fx, |s, ids| apply(s, ids.inv_partial, AppliedFrom::Payment(ids.p_refunded), 4_001));
    assert_check_failed(&err);
    // The credit has $40 − $10 = $30 left.
    let err = refused(&mut fx, |s, ids| apply(s, ids.inv_partial, AppliedFrom::Credit(ids.credit), 3_001));
    assert_check_failed(&err);
    // A failed payment holds nothing to apply.
    let err = refused(&mut fx, |s, ids| apply(s, ids.inv_partial, AppliedFrom::Payment(ids.p_failed), 100));
    assert_check_failed(&err);
    // Each exactly at its limit is fine (in a seeder that is rolled back).
    let s = fx.store.seeder().unwrap();
    apply(&s, fx.ids.inv_partial, AppliedFrom::Payment(fx.ids.p2), 3_000).unwrap();
    apply(&s, fx.ids.inv_partial, AppliedFrom::Payment(fx.ids.p_refunded), 4_000).unwrap();
    apply(&s, fx.ids.inv_partial, AppliedFrom::Credit(fx.ids.credit), 3_000).unwrap();
}

#[test]
fn applications_to_the_wrong_invoice_are_refused() {
    let mut fx = fixture();
    let same = "an application must be to an issued invoice of the same customer and currency";
    type Target = fn(&Ids) -> (i64, AppliedFrom);
    let cases: [(&str, Target); 5] = [
        ("a euro payment to a dollar invoice", |ids| (ids.inv_partial, AppliedFrom::Payment(ids.p_eur))),
        ("a dollar payment to another customer's invoice", |ids| (ids.inv_eur, AppliedFrom::Payment(ids.p2))),
        ("a payment to a draft", |ids| (ids.inv_draft, AppliedFrom::Payment(ids.p2))),
        ("a credit to a draft", |ids| (ids.inv_draft, AppliedFrom::Credit(ids.credit))),
        ("a payment to a cancelled invoice", |ids| (ids.inv_cancelled, AppliedFrom::Payment(ids.p2))),
    ];
    for (what, target) in cases {
        let err = refused(&mut fx, |s, ids| {
            let (invoice, from) = target(ids);
            apply(s, invoice, from, 100)
        });
        assert!(matches!(&err, StoreError::Invalid(m) if m == same), "{what}: {err:?}");
    }
}

/// Runs `sql` through a raw connection; it must fail with `needle` in the
/// message and leave figures and check as they were.
#[track_caller]
fn raw_refused(fx: &Fx, sql: &str, needle: &str) {
    let before = (figures(&fx.store, fx.ids.acme), figures(&fx.store, fx.ids.borealis));
    let c = raw(&fx.path);
    c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let err = c.execute_batch(sql).expect_err(sql).to_string();
    assert!(err.contains(needle), "{sql}: expected {needle:?}, got {err}");
    drop(c);
    let after = (figures(&fx.store, fx.ids.acme), figures(&fx.store, fx.ids.borealis));
    assert_eq!(before, after, "{sql}");
    assert_eq!(fx.store.check(d(TODAY)).unwrap(), Vec::<String>::new(), "{sql}");
}

#[test]
fn the_database_refuses_edits_that_break_the_books() {
    let fx = fixture();
    let ids = &fx.ids;
    let check = "CHECK constraint failed";
    raw_refused(&fx, "UPDATE applications SET amount_minor = 1", "applications are never changed");
    raw_refused(
        &fx,
        &format!("UPDATE invoices SET issue_date = '2025-12-01' WHERE id = {}", ids.inv_partial),
        "the issue date of an invoice with payments applied cannot change",
    );
    raw_refused(
        &fx,
        &format!("UPDATE payments SET received_on = '2026-02-11' WHERE id = {}", ids.p2),
        "the date of a payment that is applied to invoices cannot change",
    );
    // Money applied: an invoice cannot become a draft or be cancelled, nor
    // shrink below what was applied.
    for status in ["draft", "cancelled"] {
        raw_refused(&fx, &format!("UPDATE invoices SET status = '{status}' WHERE id = {}", ids.inv_partial), check);
    }
    raw_refused(&fx, &format!("UPDATE invoices SET total_minor = 5999 WHERE id = {}", ids.inv_partial), check);
    // An applied payment cannot fail, nor refund money that was applied.
    raw_refused(&fx, &format!("UPDATE payments SET status = 'failed' WHERE id = {}", ids.p2), check);
    raw_refused(&fx, &format!("UPDATE payments SET refunded_minor = 3001 WHERE id = {}", ids.p2), check);
    raw_refused(
        &fx,
        &format!("UPDATE payments SET status = 'refunded', refunded_minor = amount_minor WHERE id = {}", ids.p1),
        check,
    );
    // Contacts: one valid primary whenever there are contacts.
    raw_refused(
        &fx,
        &format!("DELETE FROM contacts WHERE id = {}", ids.ann),
        "make another contact primary before deleting the primary contact",
    );
    raw_refused(
        &fx,
        &format!("UPDATE customers SET primary_contact_id = NULL WHERE id = {}", ids.acme),
        "the primary contact must be one of the customer's own contacts",
    );
    raw_refused(
        &fx,
        &format!("UPDATE contacts SET customer_id = {} WHERE id = {}", ids.borealis, ids.bo),
        "a contact cannot move to another customer",
    );
    // Amounts that cannot be.
    raw_refused(
        &fx,
        &format!(
            "INSERT INTO payments(customer_id, received_on, amount_minor, currency, status, method, created_at)
             VALUES ({}, '2026-02-01', -5, 'USD', 'succeeded', 'manual', 'x')",
            ids.acme
        ),
        check,
    );
    raw_refused(
        &fx,
        &format!(
            "INSERT INTO invoices(customer_id, number, issue_date, due_date, currency, total_minor, status, created_at)
             VALUES ({}, 'BAD-DATE', '2026-02-30', '2026-03-30', 'USD', 100, 'open', 'x')",
            ids.acme
        ),
        check,
    );
}

#[test]
fn deleting_the_primary_contact_is_refused_until_another_is_primary() {
    let mut fx = fixture();
    let before = figures(&fx.store, fx.ids.acme);
    let err = fx.store.delete_contact(fx.ids.ann, 1).unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(m) if m.contains("primary contact")), "{err:?}");
    assert_eq!(figures(&fx.store, fx.ids.acme), before, "nothing written, no audit row");
    // Make Bo primary: now Ann can go, and then Bo as the last contact.
    fx.store.make_primary(fx.ids.acme, fx.ids.bo).unwrap();
    fx.store.delete_contact(fx.ids.ann, 1).unwrap();
    let version: i64 =
        raw(&fx.path).query_row("SELECT version FROM contacts WHERE id = ?1", [fx.ids.bo], |r| r.get(0)).unwrap();
    fx.store.delete_contact(fx.ids.bo, version).unwrap();
    let f = consistent_figures(&fx.store, &fx.store.customer(fx.ids.acme).unwrap(), d(TODAY));
    // Contacts 0; activity: make primary + two deletions.
    assert_eq!((f.counts[3], f.counts[5]), (0, before.counts[5] + 3));
}

#[test]
fn a_write_that_fails_half_way_leaves_nothing_behind() {
    let mut fx = fixture();
    let before = figures(&fx.store, fx.ids.acme);
    // The audit row is the last thing every write does: make it fail, as a
    // full disk would, after the invoice or payment rows are written.
    raw(&fx.path)
        .execute_batch(
            "CREATE TRIGGER sabotage BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;",
        )
        .unwrap();
    let err = fx
        .store
        .create_invoice(
            fx.ids.acme,
            &InvoiceDraft {
                memo: String::new(),
                lines: Vec::new(),
                contract_id: None,
                number: "NEW-1".into(),
                issue_date: d("2026-02-25"),
                due_date: d("2026-03-27"),
                period: None,
                total_minor: 50_000,
                currency: USD,
                status: InvoiceStatus::Open,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("simulated failure"), "{err}");
    let err = fx
        .store
        .record_payment(
            fx.ids.acme,
            &PaymentDraft {
                received_on: d("2026-02-25"),
                amount_minor: 20_000,
                currency: USD,
                reference: "wire".into(),
                allocation: Allocation::OldestFirst,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("simulated failure"), "{err}");
    assert_eq!(figures(&fx.store, fx.ids.acme), before, "no invoice, payment, application or status change kept");
    raw(&fx.path).execute_batch("DROP TRIGGER sabotage").unwrap();
    assert_eq!(fx.store.check(d(TODAY)).unwrap(), Vec::<String>::new());

    // A seeder dropped after a refusal keeps none of what it did before.
    {
        let s = fx.store.seeder().unwrap();
        let mut b = Books::new(&s, "Half", USD);
        b.invoice("2026-02-01", "2026-03-03", 1_000, USD);
        assert!(apply(&s, fx.ids.inv_draft, AppliedFrom::Payment(fx.ids.p2), 1).is_err());
    }
    assert_eq!(fx.store.customer_ids().unwrap(), vec![fx.ids.acme, fx.ids.borealis]);
    assert_eq!(figures(&fx.store, fx.ids.acme), before);
    assert_eq!(fx.store.check(d(TODAY)).unwrap(), Vec::<String>::new());
}

/// `check` says what it checks as it goes, from SQLite's own check to the
/// figures, so a long one on a terminal shows a sign of life.
#[test]
fn check_says_each_step() {
    let fx = fixture();
    let mut steps = Vec::new();
    let problems = fx.store.check_saying(d(TODAY), &mut |s| steps.push(s.to_string())).unwrap();
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(steps.first().map(String::as_str), Some("SQLite's integrity check"));
    assert_eq!(steps.last().map(String::as_str), Some("every customer's figures against its rows"));
    assert!(steps.iter().any(|s| s.starts_with("the money's rules (1 of ")), "{steps:?}");
}
