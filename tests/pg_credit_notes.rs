//! Credit notes on PostgreSQL (issue 21): issuing a credit note (below an
//! invoice's balance, at it, above it as customer credit or refunded from
//! the invoice's payments, standalone, with lines) and voiding a credit
//! note or a small-balance adjustment do on PostgreSQL what they do on
//! SQLite. Each test builds the same books on both backends, runs the same
//! sequence on both, and compares what comes back (previews too), the
//! refusals word for word, the figures, the Invoices and Payments tabs,
//! the money rows, the credit notes' lines and the audit log; `check`
//! finds the PostgreSQL books consistent after each. Eight credit notes
//! issued at once for different customers take eight consecutive numbers.

mod support;

use ardesk::domain::Currency;
use ardesk::domain::edit::{Allocation, ApplyPlan, CreditNoteDraft, CreditSettings};
use ardesk::domain::lines::{Line, LineKind};
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::Store;
use ardesk::store::pg::PgStore;
use rust_decimal::Decimal;
use support::both::*;
use support::pg::{TestDb, fresh};

/// The rows credit notes and voids touch, and the audit log, as text on both
/// backends: (PostgreSQL's query, SQLite's). PostgreSQL orders by the
/// table's column, not the text of the same name.
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
        "SELECT id::text, customer_id::text, granted_on::text, amount_minor::text, applied_minor::text, currency,
                reason, kind, number, status, voided_on::text, invoice_id::text, version::text FROM credits ORDER BY credits.id",
        "SELECT CAST(id AS TEXT), CAST(customer_id AS TEXT), granted_on, CAST(amount_minor AS TEXT),
                CAST(applied_minor AS TEXT), currency, reason, kind, number, status, voided_on,
                CAST(invoice_id AS TEXT), CAST(version AS TEXT) FROM credits ORDER BY credits.id",
    ),
    (
        "SELECT credit_id::text, seq::text, kind, description, quantity, unit_price, amount_minor::text,
                tax_minor::text FROM credit_note_lines
         ORDER BY credit_note_lines.credit_id, credit_note_lines.seq",
        "SELECT CAST(credit_id AS TEXT), CAST(seq AS TEXT), kind, description, quantity, unit_price,
                CAST(amount_minor AS TEXT), CAST(tax_minor AS TEXT) FROM credit_note_lines ORDER BY credit_id, seq",
    ),
    (
        "SELECT credit_note_prefix, credit_note_next_seq::text, version::text FROM organization",
        "SELECT credit_note_prefix, CAST(credit_note_next_seq AS TEXT), CAST(version AS TEXT) FROM organization",
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

/// A credit's version, the same on both backends.
fn credit_version(db: &TestDb, lite: &Store, id: i64) -> i64 {
    let a: i64 = db.client().query_one("SELECT version FROM credits WHERE id = $1", &[&id]).unwrap().get(0);
    let b = rows_lite(lite, &format!("SELECT CAST(version AS TEXT) FROM credits WHERE id = {id}"));
    assert_eq!(Some(a.to_string()), b[0][0], "version of credit {id}");
    a
}

fn note(on: &str, amount: i64, invoice: Option<i64>, refund: bool) -> CreditNoteDraft {
    CreditNoteDraft {
        issued_on: d(on),
        amount_minor: amount,
        currency: usd(),
        reason: "billed twice for March".into(),
        invoice_id: invoice,
        refund_excess: refund,
        lines: Vec::new(),
    }
}

/// Issues the same credit note on both; its plan.
fn issue(
    pg: &mut PgStore,
    lite: &mut Store,
    c: i64,
    n: &CreditNoteDraft,
    what: &str,
) -> ardesk::store::writes::CreditNotePlan {
    ok(pg.credit_note_preview(c, n), lite.credit_note_preview(c, n), what);
    ok(pg.issue_credit_note(c, n), lite.issue_credit_note(c, n), what)
}

/// Applies a payment's remainder the same way on both.
fn apply(pg: &mut PgStore, lite: &mut Store, pay: i64, parts: Vec<(i64, i64)>, on: &str) {
    let v = version(pg, lite, 1, pay);
    let plan = ApplyPlan::Invoices(parts);
    ok(pg.apply_payment(1, pay, v, &plan, d(on)), lite.apply_payment(1, pay, v, &plan, d(on)), "apply");
}

fn seats() -> Line {
    Line {
        kind: LineKind::Item,
        description: "Returned seats".into(),
        quantity: Some(Decimal::new(2, 0)),
        unit_price: Some(Decimal::new(4550, 2)),
        amount_minor: 9_100,
        tax_minor: None,
    }
}

#[test]
fn credit_notes_are_issued_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&["Acme", "Other"]) else { return };
    let (pg, lite) = (&mut pg, &mut lite);
    let c1 = add_invoice(pg, lite, 1, "2026-01-01", "2026-01-31", 10_000);
    let c2 = add_invoice(pg, lite, 1, "2026-02-01", "2026-03-03", 20_000);
    let c3 = add_invoice(pg, lite, 1, "2026-01-05", "2026-02-04", 30_000);
    let draft = add_invoice_as(pg, lite, 1, "2026-02-20", "2026-03-20", 40_000, InvoiceStatus::Draft);
    let c5 = add_invoice(pg, lite, 1, "2026-02-01", "2026-03-03", 20_000);
    let cancelled = add_invoice(pg, lite, 1, "2026-01-10", "2026-02-09", 5_000);
    let written_off = add_invoice(pg, lite, 1, "2026-01-10", "2026-02-09", 6_000);
    let c8 = add_invoice(pg, lite, 1, "2026-01-15", "2026-02-14", 10_000);
    let theirs = add_invoice(pg, lite, 2, "2026-01-01", "2026-01-31", 10_000);
    // $500 by wire: $50 to C-2, $300 to C-3 (paid); C-8 paid by two
    // payments, $60 then $40.
    let wire = add_payment(pg, lite, 1, "2026-02-10", 50_000, Allocation::Invoices(vec![]));
    apply(pg, lite, wire, vec![(c2, 5_000), (c3, 30_000)], "2026-02-10");
    add_payment(pg, lite, 1, "2026-02-01", 6_000, Allocation::Invoices(vec![c8]));
    add_payment(pg, lite, 1, "2026-02-05", 4_000, Allocation::Invoices(vec![c8]));
    ok(
        pg.cancel_invoices(1, &[cancelled], d("2026-02-01")),
        lite.cancel_invoices(1, &[cancelled], d("2026-02-01")),
        "cancel",
    );
    ok(
        pg.write_off(1, &[written_off], d("2026-02-28"), "gone"),
        lite.write_off(1, &[written_off], d("2026-02-28"), "gone"),
        "write off",
    );
    same_books(&db, pg, lite, &[1, 2]);

    // Everything the store refuses, previewed and issued, in the same words.
    let eur: Currency = "EUR".parse().unwrap();
    let on = "2026-02-20";
    let lines = |amount, lines: Vec<Line>| CreditNoteDraft { lines, ..note(on, amount, Some(c5), false) };
    let goodwill = Line::item("Goodwill for the outage", 1_000);
    for (bad, words) in [
        (note(on, 0, Some(c1), false), "more than zero"),
        (note(on, -5, Some(c1), false), "more than zero"),
        (note(on, 10_000_000_000_001, Some(c1), false), "amount"),
        (note("1899-12-31", 100, None, false), "credit note date"),
        (note("2025-12-31", 100, Some(c1), false), "was issued (2026-01-01)"),
        (CreditNoteDraft { reason: " \t ".into(), ..note(on, 100, Some(c1), false) }, "say why"),
        (CreditNoteDraft { reason: "x".repeat(5_000), ..note(on, 100, Some(c1), false) }, "characters long"),
        (CreditNoteDraft { currency: eur, ..note(on, 100, Some(c1), false) }, "billed in USD"),
        (CreditNoteDraft { currency: eur, ..note(on, 100, None, false) }, "this customer's credit is in USD"),
        (note(on, 100, Some(theirs), false), "another customer's invoice"),
        (note("2026-02-25", 100, Some(draft), false), "is a draft"),
        (note(on, 100, Some(cancelled), false), "is cancelled: nothing is owed"),
        (note("2026-03-01", 100, Some(written_off), false), "is written off: reverse the write-off"),
        (note(on, 100, None, true), "standalone"),
        (note(on, 20_001, Some(c2), true), "$50.01 of the credit note goes past"),
        (note("2026-02-01", 100, Some(c3), true), "before payment WIRE-50000 was received (2026-02-10)"),
        (lines(10_000, vec![seats(), goodwill.clone()]), "the lines add up to $101.00, not the credit note's $100.00"),
        (lines(8_600, vec![seats(), Line { amount_minor: -500, ..goodwill.clone() }]), "line 2 is an item"),
        (lines(9_000, vec![Line { amount_minor: 9_000, ..seats() }]), "not its quantity × unit price"),
        (note(on, 100, Some(999_999), false), "invoice #999999"),
    ] {
        refused(pg.credit_note_preview(1, &bad), lite.credit_note_preview(1, &bad), words);
        refused(pg.issue_credit_note(1, &bad), lite.issue_credit_note(1, &bad), words);
    }
    let alone = note(on, 100, None, false);
    refused(pg.credit_note_preview(999, &alone), lite.credit_note_preview(999, &alone), "customer 999");
    refused(pg.issue_credit_note(999, &alone), lite.issue_credit_note(999, &alone), "customer 999");
    let on_c1 = note(on, 100, Some(c1), false);
    refused(pg.credit_note_preview(999, &on_c1), lite.credit_note_preview(999, &on_c1), "another customer's");
    refused(pg.issue_credit_note(999, &on_c1), lite.issue_credit_note(999, &on_c1), "customer 999");
    same_books(&db, pg, lite, &[1, 2]);

    // Below C-1's balance, then above what is left of it (customer credit).
    let below = issue(pg, lite, 1, &note(on, 4_000, Some(c1), false), "below");
    assert_eq!((below.number.as_str(), below.balance_falls_minor, below.closes), ("CN-000001", 4_000, false));
    let above = issue(pg, lite, 1, &note("2026-02-21", 8_000, Some(c1), false), "above");
    assert_eq!((above.balance_falls_minor, above.to_credit_minor, above.closes), (6_000, 2_000, true));
    // Equal to C-2's balance: it closes.
    let equal = issue(pg, lite, 1, &note(on, 15_000, Some(c2), false), "equal");
    assert!(equal.closes);
    same_books(&db, pg, lite, &[1, 2]);
    // Above, the excess refunded: C-3 was paid in full by the wire; C-8
    // by two payments, refunded newest first.
    let refunded = issue(pg, lite, 1, &note(on, 10_000, Some(c3), true), "refund from the wire");
    assert_eq!(refunded.refunded_minor(), 10_000);
    let two = issue(pg, lite, 1, &note("2026-02-22", 7_000, Some(c8), true), "refund from two");
    assert_eq!(two.refunds.iter().map(|r| r.amount_minor).collect::<Vec<_>>(), vec![4_000, 3_000]);
    same_books(&db, pg, lite, &[1, 2]);
    // Standalone; with lines that add up; the other customer's.
    let standalone = issue(pg, lite, 1, &note(on, 8_000, None, false), "standalone");
    assert_eq!(standalone.to_credit_minor, 8_000);
    let with_lines = issue(pg, lite, 1, &lines(10_100, vec![seats(), goodwill.clone()]), "lines");
    ok(pg.credit_note_lines(with_lines.credit_id), lite.credit_note_lines(with_lines.credit_id), "lines kept");
    assert_eq!(pg.credit_note_lines(with_lines.credit_id).unwrap(), vec![seats(), goodwill]);
    ok(pg.credit_note_lines(standalone.credit_id), lite.credit_note_lines(standalone.credit_id), "no lines");
    for id in [standalone.credit_id, 999] {
        ok(pg.credit_reason(id), lite.credit_reason(id), "reason");
    }
    issue(pg, lite, 2, &note(on, 1_000, Some(theirs), false), "theirs");
    same_books(&db, pg, lite, &[1, 2]);

    // A new prefix and sequence, then the next note takes them.
    let s = ok(pg.credit_settings(), lite.credit_settings(), "settings");
    let e = CreditSettings { credit_note_prefix: "CR/".into(), credit_note_next_seq: 42, ..s };
    ok(pg.update_credit_settings(&e), lite.update_credit_settings(&e), "new sequence");
    let next = issue(pg, lite, 1, &note("2026-03-01", 100, None, false), "CR/");
    assert_eq!(next.number, "CR/000042");
    ok(pg.credit_note_preview(1, &alone), lite.credit_note_preview(1, &alone), "the next number");
    same_books(&db, pg, lite, &[1, 2]);
}

#[test]
fn credit_notes_and_adjustments_are_voided_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&["Acme", "Other"]) else { return };
    let (pg, lite) = (&mut pg, &mut lite);
    let c1 = add_invoice(pg, lite, 1, "2026-01-01", "2026-01-31", 10_000);
    let c2 = add_invoice(pg, lite, 1, "2026-02-01", "2026-03-03", 20_000);
    let c3 = add_invoice(pg, lite, 1, "2026-01-05", "2026-02-04", 30_000);
    let c5 = add_invoice(pg, lite, 1, "2026-02-01", "2026-03-03", 10_000);
    let c9 = add_invoice(pg, lite, 1, "2026-02-01", "2026-03-03", 10_000);
    let wire = add_payment(pg, lite, 1, "2026-02-10", 50_000, Allocation::Invoices(vec![]));
    apply(pg, lite, wire, vec![(c2, 5_000), (c3, 30_000)], "2026-02-10");
    add_payment(pg, lite, 1, "2026-02-15", 9_700, Allocation::Invoices(vec![c5]));
    let on = "2026-02-20";
    let n1 = issue(pg, lite, 1, &note(on, 15_000, Some(c2), false), "closes C-2").credit_id;
    let n2 = issue(pg, lite, 1, &note(on, 12_000, Some(c1), false), "closes C-1, $20 credit").credit_id;
    let n3 = issue(pg, lite, 1, &note(on, 10_000, Some(c3), true), "refunds").credit_id;
    let n4 = issue(pg, lite, 1, &note(on, 8_000, None, false), "standalone").credit_id;
    let vc = credit_version(&db, lite, n4);
    let to_c9 = ApplyPlan::Invoices(vec![(c9, 5_000)]);
    ok(
        pg.apply_credit(1, n4, vc, &to_c9, d("2026-03-01")),
        lite.apply_credit(1, n4, vc, &to_c9, d("2026-03-01")),
        "the standalone note applied",
    );
    ok(
        pg.small_balance_write_off(1, &[c5], d("2026-03-01"), "rounding", false),
        lite.small_balance_write_off(1, &[c5], d("2026-03-01"), "rounding", false),
        "small balance",
    );
    let adj: i64 = db.client().query_one("SELECT id FROM credits WHERE kind = 'adjustment'", &[]).unwrap().get(0);
    let goodwill = credit("2026-02-01", 3_000, "goodwill");
    let granted = ok(pg.grant_credit(1, &goodwill), lite.grant_credit(1, &goodwill), "granted");
    let theirs = issue(pg, lite, 2, &note(on, 1_000, None, false), "theirs").credit_id;
    same_books(&db, pg, lite, &[1, 2]);

    // What cannot be voided, previewed and voided, in the same words.
    let v1 = credit_version(&db, lite, n1);
    for (c, id, when, words) in [
        (1, n1, "2026-02-19", "the void date 2026-02-19 is before credit note CN-000001 was issued (2026-02-20)"),
        (2, n1, "2026-02-25", "credit note CN-000001 is another customer's"),
        (999, n1, "2026-02-25", "credit note CN-000001 is another customer's"),
        (1, n3, "2026-02-25", "credit note CN-000003 refunded $100.00 of the money paid"),
        (1, n4, "2026-02-25", "was applied to INV-000005 on 2026-03-01, after the void date 2026-02-25"),
        (1, granted, "2026-02-25", "granted credit is not voided"),
        (1, 999, "2026-02-25", "credit #999"),
        (1, theirs, "2026-02-25", "another customer's"),
    ] {
        let v = credit_version(&db, lite, if id == 999 { n1 } else { id });
        refused(pg.void_preview(c, id, d(when)), lite.void_preview(c, id, d(when)), words);
        refused(pg.void_credit(c, id, v, d(when)), lite.void_credit(c, id, v, d(when)), words);
    }
    refused(pg.void_credit(1, n1, v1, d("2200-01-01")), lite.void_credit(1, n1, v1, d("2200-01-01")), "void date");
    refused(
        pg.void_credit(1, n1, v1 + 1, d("2026-02-25")),
        lite.void_credit(1, n1, v1 + 1, d("2026-02-25")),
        "changed by someone else",
    );
    same_books(&db, pg, lite, &[1, 2]);

    // A note that closed C-2: C-2 owes again; a second void is refused.
    let when = d("2026-02-25");
    ok(pg.void_preview(1, n1, when), lite.void_preview(1, n1, when), "preview n1");
    let done = ok(pg.void_credit(1, n1, v1, when), lite.void_credit(1, n1, v1, when), "void n1");
    assert_eq!(done.unapplied.len(), 1);
    let v1 = credit_version(&db, lite, n1);
    refused(
        pg.void_credit(1, n1, v1, d("2026-02-26")),
        lite.void_credit(1, n1, v1, d("2026-02-26")),
        "already voided on 2026-02-25",
    );
    refused(pg.void_preview(1, n1, when), lite.void_preview(1, n1, when), "already voided on 2026-02-25");
    // A note partly customer credit; the applied standalone note; the
    // small-balance adjustment; the other customer's note.
    for (c, id, when) in [(1, n2, "2026-02-20"), (1, n4, "2026-03-02"), (1, adj, "2026-03-01"), (2, theirs, on)] {
        let v = credit_version(&db, lite, id);
        let plan = ok(pg.void_preview(c, id, d(when)), lite.void_preview(c, id, d(when)), "void preview");
        assert_eq!(ok(pg.void_credit(c, id, v, d(when)), lite.void_credit(c, id, v, d(when)), "void"), plan);
    }
    same_books(&db, pg, lite, &[1, 2]);
}

/// Eight credit notes issued at once, each for its own customer (half
/// against an invoice, half standalone), take eight distinct consecutive
/// numbers: the organization's row is held while one is numbered.
#[test]
fn eight_credit_notes_at_once_take_eight_consecutive_numbers() {
    let Some(db) = fresh() else { return };
    let mut pg = PgStore::open(&db.url).unwrap();
    let mut who = Vec::new();
    for w in 0..8 {
        let c = pg.create_customer(&customer(&format!("Customer {w}"))).unwrap();
        let draft = invoice(&pg, "2026-01-01", "2026-01-31", 10_000, InvoiceStatus::Open);
        who.push((c, pg.create_invoice(c, &draft).unwrap()));
    }
    let numbers: Vec<String> = std::thread::scope(|s| {
        let runs: Vec<_> = who
            .iter()
            .enumerate()
            .map(|(w, &(c, inv))| {
                let url = db.url.clone();
                s.spawn(move || {
                    let mut pg = PgStore::open(&url).unwrap();
                    let against = (w % 2 == 0).then_some(inv);
                    let n = note("2026-02-01", 1_000 + w as i64, against, false);
                    pg.issue_credit_note(c, &n).unwrap_or_else(|e| panic!("writer {w}: {e}")).number
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let mut sorted = numbers.clone();
    sorted.sort();
    let expected: Vec<String> = (1..=8).map(|n| format!("CN-{n:06}")).collect();
    assert_eq!(sorted, expected, "{numbers:?}");
    assert_eq!(pg.credit_settings().unwrap().credit_note_next_seq, 9);
    let issued: i64 =
        db.client().query_one("SELECT count(*) FROM audit_log WHERE action = 'issue_credit_note'", &[]).unwrap().get(0);
    assert_eq!(issued, 8);
    assert_eq!(pg.check(d("2026-03-01")).unwrap(), Vec::<String>::new());
}
