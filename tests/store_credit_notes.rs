//! Credit notes and small-balance write-offs, with figures computed by
//! hand: a credit note against an invoice lowers its balance and Total
//! Billed (credit is not collection), its excess becomes customer credit or
//! is refunded from the money paid on the invoice; a void restores
//! everything; a small-balance adjustment closes an invoice left a little
//! short, within the organization's limit unless told otherwise. `check`
//! stays clean after each; what cannot be done is named.

mod common;
mod support;

use ardesk::domain::edit::{CreditNoteDraft, CreditSettings};
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::{Books, StoreError};
use common::*;
use support::backends::{consistent_figures, number, seed, text, texts};

struct Fx<'b> {
    store: &'b mut Books,
    acme: i64,
    /// C-1 $100 issued 01-01, due 01-31: nothing paid.
    c1: i64,
    /// C-2 $200 issued 02-01, due 03-03: $50 paid (balance $150).
    c2: i64,
    /// C-3 $300 issued 01-05, paid in full by the wire.
    c3: i64,
    /// C-4 a draft.
    c4: i64,
    /// C-5 $100 issued 02-01, $97 paid: $3.00 left, under the $5.00 limit.
    c5: i64,
    /// $500 received 02-10: $50 to C-2, $300 to C-3, $150 unapplied.
    wire: i64,
    /// Another customer's invoice.
    other: i64,
}

fn today() -> chrono::NaiveDate {
    d("2026-03-01")
}

fn fixture(store: &mut Books) -> Fx<'_> {
    let (acme, c1, c2, c3, c4, c5, wire, other) = seed(store, |store| {
        store.set_who("tester");
        let s = store.seeder().unwrap();
        let mut b = common::Books::new(&s, "Acme", USD);
        let c1 = b.invoice("2026-01-01", "2026-01-31", 10_000, USD);
        let c2 = b.invoice("2026-02-01", "2026-03-03", 20_000, USD);
        let c3 = b.invoice("2026-01-05", "2026-02-04", 30_000, USD);
        let c4 = b.invoice_as("2026-02-20", "2026-03-20", 40_000, InvoiceStatus::Draft, USD);
        let c5 = b.invoice("2026-02-01", "2026-03-03", 10_000, USD);
        let wire = b.payment("2026-02-10", 50_000, USD);
        b.apply(c2, wire, 5_000, "2026-02-10");
        b.apply(c3, wire, 30_000, "2026-02-10");
        b.paid(c3);
        let chk = b.payment("2026-02-15", 9_700, USD);
        b.apply(c5, chk, 9_700, "2026-02-15");
        let acme = b.customer;
        let mut o = common::Books::new(&s, "Other", USD);
        let other = o.invoice("2026-01-01", "2026-01-31", 10_000, USD);
        s.commit().unwrap();
        (acme, c1, c2, c3, c4, c5, wire, other)
    });
    Fx { store, acme, c1, c2, c3, c4, c5, wire, other }
}

/// (Total Billed, Billed & Collected, Outstanding, Credit Balance, Total
/// Collected), in cents.
fn figures(fx: &Fx) -> (i64, i64, i64, i64, i64) {
    let acme = fx.store.customer(fx.acme).unwrap();
    let m = consistent_figures(fx.store, &acme, today()).metrics;
    assert_eq!(fx.store.check(today()).unwrap(), Vec::<String>::new());
    (
        m.total_billed.minor,
        m.billed_collected.minor,
        m.outstanding.minor,
        m.credit_balance.minor,
        m.total_collected.minor,
    )
}

const BEFORE: (i64, i64, i64, i64, i64) = (70_000, 44_700, 25_300, 15_000, 59_700);

fn note(on: &str, amount: i64, invoice: Option<i64>, refund: bool) -> CreditNoteDraft {
    CreditNoteDraft {
        issued_on: d(on),
        amount_minor: amount,
        currency: USD,
        reason: "billed twice for March".into(),
        invoice_id: invoice,
        refund_excess: refund,
        lines: Vec::new(),
    }
}

fn status(b: &Books, id: i64) -> String {
    text(b, &format!("SELECT status FROM invoices WHERE id = {id}"))
}

fn credit(b: &Books, id: i64) -> (String, Option<String>, String, Option<String>, Option<i64>, i64) {
    let r = texts(
        b,
        &format!(
            "SELECT kind, number, status, CAST(voided_on AS TEXT), CAST(invoice_id AS TEXT), CAST(version AS TEXT) \
             FROM credits WHERE id = {id}"
        ),
    )
    .remove(0);
    let n = |c: &Option<String>| c.as_deref().map(|v| v.parse().unwrap());
    (r[0].clone().unwrap(), r[1].clone(), r[2].clone().unwrap(), r[3].clone(), n(&r[4]), n(&r[5]).unwrap())
}

fn refused(r: Result<impl std::fmt::Debug, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(m) | StoreError::OutOfRange(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn number_of(b: &Books, id: i64) -> String {
    text(b, &format!("SELECT number FROM invoices WHERE id = {id}"))
}

on_both! {
fn a_credit_note_against_a_partly_paid_invoice_closes_it_and_its_void_restores_everything(b: &mut Books) {
    let fx = fixture(b);
    assert_eq!(figures(&fx), BEFORE);
    let preview = fx.store.credit_note_preview(fx.acme, &note("2026-02-20", 15_000, Some(fx.c2), false)).unwrap();
    assert_eq!(
        (preview.number.as_str(), preview.balance_falls_minor, preview.to_credit_minor),
        ("CN-000001", 15_000, 0)
    );
    assert!(preview.closes);
    let done = fx.store.issue_credit_note(fx.acme, &note("2026-02-20", 15_000, Some(fx.c2), false)).unwrap();
    assert_eq!(done.number, "CN-000001");
    // Outstanding falls by the balance; Total Billed by the credit note;
    // Billed & Collected, the Credit Balance and Total Collected stay.
    assert_eq!(figures(&fx), (55_000, 44_700, 10_300, 15_000, 59_700));
    assert_eq!(status(fx.store, fx.c2), "paid");
    let (kind, number, st, voided, invoice, version) = credit(fx.store, done.credit_id);
    assert_eq!(
        (kind.as_str(), number.as_deref(), st.as_str(), voided, invoice),
        ("credit_note", Some("CN-000001"), "issued", None, Some(fx.c2))
    );
    // The void: before the note's date, refused; at a stale version, a conflict.
    assert!(
        refused(fx.store.void_credit(fx.acme, done.credit_id, version, d("2026-02-19")))
            .contains("before credit note CN-000001 was issued")
    );
    assert!(matches!(
        fx.store.void_credit(fx.acme, done.credit_id, version + 1, d("2026-02-25")),
        Err(StoreError::Conflict(_))
    ));
    let v = fx.store.void_credit(fx.acme, done.credit_id, version, d("2026-02-25")).unwrap();
    assert_eq!(v.unapplied, vec![(number_of(fx.store, fx.c2), 15_000)]);
    assert_eq!(figures(&fx), BEFORE);
    assert_eq!(status(fx.store, fx.c2), "open");
    let (_, _, st, voided, _, version) = credit(fx.store, done.credit_id);
    assert_eq!((st.as_str(), voided.as_deref()), ("voided", Some("2026-02-25")));
    let removed: String =
        text(fx.store, &format!("SELECT CAST(removed_on AS TEXT) FROM applications WHERE credit_id = {}", done.credit_id));
    assert_eq!(removed, "2026-02-25");
    assert!(
        refused(fx.store.void_credit(fx.acme, done.credit_id, version, d("2026-02-26")))
            .contains("already voided on 2026-02-25")
    );
    // The next note takes the next number.
    let next = fx.store.issue_credit_note(fx.acme, &note("2026-02-26", 100, None, false)).unwrap();
    assert_eq!(next.number, "CN-000002");
}

fn the_excess_becomes_customer_credit(b: &mut Books) {
    let fx = fixture(b);
    let done = fx.store.issue_credit_note(fx.acme, &note("2026-02-20", 20_000, Some(fx.c2), false)).unwrap();
    assert_eq!((done.balance_falls_minor, done.to_credit_minor), (15_000, 5_000));
    assert_eq!(figures(&fx), (55_000, 44_700, 10_300, 20_000, 59_700));
    let version = credit(fx.store, done.credit_id).5;
    fx.store.void_credit(fx.acme, done.credit_id, version, d("2026-02-21")).unwrap();
    assert_eq!(figures(&fx), BEFORE, "the unapplied $50 leaves the Credit Balance too");
}

fn the_excess_refunded_comes_back_from_the_money_on_the_invoice(b: &mut Books) {
    let fx = fixture(b);
    // C-3 was paid in full by the wire: all of the note is excess.
    let done = fx.store.issue_credit_note(fx.acme, &note("2026-02-20", 10_000, Some(fx.c3), true)).unwrap();
    assert_eq!(done.refunded_minor(), 10_000);
    assert_eq!(done.refunds[0].payment_id, fx.wire);
    // Total Collected falls by the refund; Total Billed by the note; the
    // money on billed invoices by what went back; C-3 stays paid, by
    // $200 of the wire and the $100 note.
    assert_eq!(figures(&fx), (60_000, 34_700, 25_300, 15_000, 49_700));
    assert_eq!(status(fx.store, fx.c3), "paid");
    let r = texts(fx.store, &format!("SELECT CAST(amount_minor AS TEXT), reason FROM refunds WHERE payment_id = {}", fx.wire));
    assert_eq!(r.len(), 1, "{r:?}");
    let refund: (i64, String) = (r[0][0].as_deref().unwrap().parse().unwrap(), r[0][1].clone().unwrap());
    assert_eq!(refund, (10_000, "credit note CN-000001: billed twice for March".to_string()));
    // A note that refunded money is not voided.
    let version = credit(fx.store, done.credit_id).5;
    assert!(
        refused(fx.store.void_credit(fx.acme, done.credit_id, version, d("2026-02-21"))).contains("refunded $100.00")
    );
    // More excess than the money on the invoice is refused, naming both.
    let m = refused(fx.store.issue_credit_note(fx.acme, &note("2026-02-20", 20_001, Some(fx.c2), true)));
    assert!(m.contains("$50.01 of the credit note goes past") && m.contains("only $50.00 was paid"), "{m}");
    // A part over the balance: $150 closes it, $40 comes back from the wire.
    let done = fx.store.issue_credit_note(fx.acme, &note("2026-02-20", 19_000, Some(fx.c2), true)).unwrap();
    assert_eq!((done.balance_falls_minor, done.to_credit_minor, done.refunded_minor()), (15_000, 0, 4_000));
    assert_eq!(figures(&fx), (41_000, 30_700, 10_300, 15_000, 45_700));
}

fn a_standalone_credit_note_is_customer_credit(b: &mut Books) {
    let fx = fixture(b);
    let done = fx.store.issue_credit_note(fx.acme, &note("2026-02-20", 8_000, None, false)).unwrap();
    assert_eq!((done.to_credit_minor, done.invoice.clone()), (8_000, None));
    assert_eq!(figures(&fx), (70_000, 44_700, 25_300, 23_000, 59_700));
    let version = credit(fx.store, done.credit_id).5;
    let v = fx.store.void_credit(fx.acme, done.credit_id, version, d("2026-02-20")).unwrap();
    assert_eq!(v.leaves_credit_minor, 8_000);
    assert_eq!(figures(&fx), BEFORE);
}

fn what_cannot_be_issued_is_named(b: &mut Books) {
    let fx = fixture(b);
    let (acme, c1) = (fx.acme, fx.c1);
    let mut issue = |d: CreditNoteDraft| refused(fx.store.issue_credit_note(acme, &d));
    assert!(issue(note("2026-02-20", 0, Some(c1), false)).contains("more than zero"));
    assert!(issue(note("2026-02-20", -5, Some(c1), false)).contains("more than zero"));
    assert!(issue(note("2026-02-20", 10_000_000_000_001, Some(c1), false)).contains("amount"));
    assert!(
        issue(CreditNoteDraft {
            issued_on: chrono::NaiveDate::from_ymd_opt(1899, 12, 31).unwrap(),
            ..note("2026-02-20", 100, None, false)
        })
        .contains("credit note date")
    );
    assert!(issue(note("2025-12-31", 100, Some(c1), false)).contains("was issued (2026-01-01)"));
    assert!(
        issue(CreditNoteDraft { reason: " \t ".into(), ..note("2026-02-20", 100, Some(c1), false) })
            .contains("say why")
    );
    assert!(
        issue(CreditNoteDraft { currency: EUR, ..note("2026-02-20", 100, Some(c1), false) }).contains("billed in USD")
    );
    assert!(issue(note("2026-02-20", 100, Some(fx.other), false)).contains("another customer's invoice"));
    assert!(issue(note("2026-02-25", 100, Some(fx.c4), false)).contains("is a draft"));
    assert!(issue(note("2026-02-20", 100, None, true)).contains("standalone"));
    assert!(matches!(
        fx.store.issue_credit_note(acme, &note("2026-02-20", 100, Some(999_999), false)),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(figures(&fx), BEFORE, "nothing was written");
    // Granted credit is not voided; another customer's note is not voidable.
    let granted: i64 = texts(fx.store, "SELECT CAST(id AS TEXT) FROM credits LIMIT 1")
        .first()
        .map_or(0, |r| r[0].as_deref().unwrap().parse().unwrap());
    if granted > 0 {
        assert!(refused(fx.store.void_credit(acme, granted, 1, d("2026-02-20"))).contains("granted credit"));
    }
    // Hostile text is kept as typed (the terminal cleans it).
    let hostile = "\u{1b}[31mred\u{7}\r\nnext";
    let done = fx
        .store
        .issue_credit_note(acme, &CreditNoteDraft { reason: hostile.into(), ..note("2026-02-20", 100, None, false) })
        .unwrap();
    let kept: String = text(fx.store, &format!("SELECT reason FROM credits WHERE id = {}", done.credit_id));
    assert_eq!(kept, hostile.trim());
}

fn a_small_balance_is_closed_within_the_limit_and_the_rest_named(b: &mut Books) {
    let fx = fixture(b);
    let ids = [fx.c5, fx.c1, fx.c3, fx.c4];
    let p = fx.store.small_balance_preview(fx.acme, &ids, Some(d("2026-03-01")), false).unwrap();
    assert_eq!(p.close.iter().map(|c| (c.0, c.2.minor)).collect::<Vec<_>>(), vec![(fx.c5, 300)]);
    assert_eq!(p.over_limit.iter().map(|c| c.0).collect::<Vec<_>>(), vec![fx.c1]);
    assert_eq!(p.refused.len(), 3, "{:?}", p.refused);
    assert!(p.refused[0].1.contains("more than the small-balance limit of $5.00"), "{:?}", p.refused);
    assert!(refused(fx.store.small_balance_write_off(fx.acme, &ids, d("2026-03-01"), "", false)).contains("say why"));
    let done = fx.store.small_balance_write_off(fx.acme, &ids, d("2026-03-01"), "rounding", false).unwrap();
    assert_eq!(done.currency_totals, vec![(USD, 300)]);
    // An adjustment is credit: Outstanding and Total Billed fall by $3.
    assert_eq!(figures(&fx), (69_700, 44_700, 25_000, 15_000, 59_700));
    assert_eq!(status(fx.store, fx.c5), "paid");
    let adj: i64 =
        number(fx.store, &format!("SELECT CAST(id AS TEXT) FROM credits WHERE kind = 'adjustment' AND invoice_id = {}", fx.c5));
    // Over the limit when told; before the issue date, refused.
    assert!(
        refused(fx.store.small_balance_write_off(fx.acme, &[fx.c1], d("2025-12-31"), "x", true))
            .contains("after the write-off date")
    );
    fx.store.small_balance_write_off(fx.acme, &[fx.c1], d("2026-03-01"), "settled by phone", true).unwrap();
    assert_eq!(figures(&fx), (59_700, 44_700, 15_000, 15_000, 59_700));
    // The void reverses an adjustment.
    let version = credit(fx.store, adj).5;
    fx.store.void_credit(fx.acme, adj, version, d("2026-03-01")).unwrap();
    assert_eq!(status(fx.store, fx.c5), "open");
    assert_eq!(figures(&fx), (60_000, 44_700, 15_300, 15_000, 59_700));
}

fn the_credit_settings_are_kept_and_checked(b: &mut Books) {
    let fx = fixture(b);
    let s = fx.store.credit_settings().unwrap();
    assert_eq!((s.credit_note_prefix.as_str(), s.credit_note_next_seq, s.small_balance_limit_minor), ("CN-", 1, 500));
    let e = CreditSettings {
        credit_note_prefix: "CR/".into(),
        credit_note_next_seq: 42,
        small_balance_limit_minor: 0,
        ..s.clone()
    };
    fx.store.update_credit_settings(&e).unwrap();
    assert!(matches!(fx.store.update_credit_settings(&e), Err(StoreError::Conflict(_))), "a stale version");
    let done = fx.store.issue_credit_note(fx.acme, &note("2026-02-20", 100, None, false)).unwrap();
    assert_eq!(done.number, "CR/000042");
    let s = fx.store.credit_settings().unwrap();
    assert_eq!(s.credit_note_next_seq, 43);
    // Limit 0: every small balance asks.
    assert!(fx.store.small_balance_preview(fx.acme, &[fx.c5], None, false).unwrap().close.is_empty());
    let store = fx.store;
    assert!(
        refused(store.update_credit_settings(&CreditSettings { credit_note_prefix: "\u{1b}[".into(), ..s.clone() }))
            .contains("prefix")
    );
    assert!(
        refused(store.update_credit_settings(&CreditSettings { credit_note_next_seq: 0, ..s.clone() }))
            .contains("next credit-note number")
    );
    assert!(
        refused(store.update_credit_settings(&CreditSettings { small_balance_limit_minor: -1, ..s.clone() }))
            .contains("small-balance limit")
    );
    assert!(
        refused(store.update_credit_settings(&CreditSettings { credit_note_next_seq: 42, ..s.clone() }))
            .contains("CR/000042 exists already")
    );
}

/// A credit note's lines (schema 12): kept in order with their quantities
/// and prices, in the audit row, and still there after a void; lines that
/// do not make the amount, or that do not read as lines, refuse the whole
/// credit note and nothing is written.
fn a_credit_note_keeps_its_lines(b: &mut Books) {
    use ardesk::domain::lines::{Line, LineKind};
    use rust_decimal::Decimal;
    let fx = fixture(b);
    let seats = Line {
        kind: LineKind::Item,
        description: "Returned seats".into(),
        quantity: Some(Decimal::new(2, 0)),
        unit_price: Some(Decimal::new(4550, 2)),
        amount_minor: 9_100,
        tax_minor: None,
    };
    let goodwill = Line::item("Goodwill for the outage", 1_000);
    let lines = vec![seats.clone(), goodwill.clone()];
    let with = |amount, lines: Vec<Line>| CreditNoteDraft { lines, ..note("2026-02-20", amount, Some(fx.c2), false) };
    // $101.00 of lines against a $100.00 note: refused, by both sums.
    let e = refused(fx.store.issue_credit_note(fx.acme, &with(10_000, lines.clone())));
    assert!(e.contains("the lines add up to $101.00, not the credit note's $100.00"), "{e}");
    let backwards = Line { amount_minor: -500, ..goodwill.clone() };
    let e = refused(fx.store.issue_credit_note(fx.acme, &with(8_600, vec![seats.clone(), backwards])));
    assert!(e.contains("line 2 is an item: its amount cannot be negative"), "{e}");
    let wrong = Line { amount_minor: 9_000, ..seats.clone() };
    let e = refused(fx.store.issue_credit_note(fx.acme, &with(9_000, vec![wrong])));
    assert!(e.contains("not its quantity × unit price"), "{e}");
    assert_eq!(figures(&fx), BEFORE, "nothing was written");

    let done = fx.store.issue_credit_note(fx.acme, &with(10_100, lines.clone())).unwrap();
    assert_eq!(fx.store.credit_note_lines(done.credit_id).unwrap(), lines);
    // Hand computed: C-2's balance $150 falls by $101; Total Billed too.
    assert_eq!(figures(&fx), (59_900, 44_700, 15_200, 15_000, 59_700));
    let after: String = text(fx.store, "SELECT after_json FROM audit_log WHERE action = 'issue_credit_note'");
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["lines"][0]["quantity"], "2");
    assert_eq!(after["lines"][0]["unit_price"], "45.50");
    assert_eq!(after["lines"][1]["amount_minor"], 1_000);
    let version = credit(fx.store, done.credit_id).5;
    fx.store.void_credit(fx.acme, done.credit_id, version, d("2026-02-21")).unwrap();
    assert_eq!(fx.store.credit_note_lines(done.credit_id).unwrap(), lines, "a void keeps what it credited");
    assert_eq!(figures(&fx), BEFORE);
    // Without lines, none are kept.
    let plain = fx.store.issue_credit_note(fx.acme, &note("2026-02-22", 100, None, false)).unwrap();
    assert!(fx.store.credit_note_lines(plain.credit_id).unwrap().is_empty());
}
}
