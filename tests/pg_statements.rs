//! Statements of account on PostgreSQL (issue 21): the same `Statement`
//! value as on SQLite, open items and activity, for every demo customer on
//! several dates, and for a hand-made customer that crosses every kind of
//! event in two currencies (an undated write-off, applications made to an
//! invoice after it closed, voids, refunds, unnamed payments) with hostile
//! text in its fields; its rendered text statement is the same too. The
//! refusals (no such customer, a start after the date) are in the same
//! words, and the store reads as it did before, whatever happened.

mod common;
mod support;

use ardesk::domain::edit::{CreditNoteDraft, CustomerEdit, RefundDraft};
use ardesk::domain::status::InvoiceStatus;
use ardesk::statement::model::{ActivityKind, Kind, Statement};
use ardesk::store::pg::PgStore;
use ardesk::store::{OpenMode, Store};
use chrono::NaiveDate;
use common::{Books, EUR, USD, d};
use support::both::{copy_of, same};
use support::pg::demo_copy;

/// The same statement (or refusal) on both; the statement when there is one.
fn both_say(pg: &mut PgStore, lite: &mut Store, c: i64, as_of: NaiveDate, kind: Kind) -> Option<Statement> {
    let what = format!("statement of {c} as of {as_of}, {kind:?}");
    let said = same(pg.statement(c, as_of, kind), lite.statement(c, as_of, kind), &what);
    assert_eq!((pg.as_of(), lite.as_of()), (None, None), "{what}: the stores read as they did");
    said.is_empty().then(|| lite.statement(c, as_of, kind).unwrap())
}

#[test]
fn every_demo_customer_has_the_same_statements_on_both_backends() {
    let Some(db) = demo_copy() else { return };
    let mut lite = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    let mut pg = PgStore::open(&db.url).unwrap();
    let mut lines = 0;
    let mut items = 0;
    for c in lite.customer_ids().unwrap() {
        for as_of in ["2024-12-31", "2025-06-30", support::TODAY] {
            let as_of = d(as_of);
            let open = both_say(&mut pg, &mut lite, c, as_of, Kind::OpenItem).expect("an open-item statement");
            items += open.sections.iter().map(|s| s.open_items.len() + s.unapplied.len()).sum::<usize>();
            for from in ["2024-01-01", "2025-03-15"] {
                let kind = Kind::Activity { from: d(from) };
                if let Some(s) = both_say(&mut pg, &mut lite, c, as_of, kind) {
                    lines +=
                        s.sections.iter().filter_map(|s| s.activity.as_ref()).map(|a| a.lines.len()).sum::<usize>();
                }
            }
        }
    }
    assert!(items > 100 && lines > 1_000, "{items} open items and {lines} lines compared");
}

fn hostile(name: &str) -> String {
    format!("{name} \u{1b}]52;c;SGVsbG8=\u{7}\u{202e}\r\n\t{}", "w".repeat(200))
}

/// SQLite books with every kind of event, and their copy on PostgreSQL.
fn every_event() -> Option<(tempfile::TempDir, support::pg::TestDb, PgStore, Store, i64)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let raw = rusqlite::Connection::open(&path).unwrap();
    let mut store = Store::open(&path, OpenMode::Create).unwrap();
    store.set_who("tester");
    let s = store.seeder().unwrap();
    let mut b = Books::new(&s, "Every Event", USD);
    let cust = b.customer;
    let a = b.invoice("2026-01-02", "2026-01-31", 10_000, USD);
    let partly = b.invoice("2026-01-05", "2026-02-04", 20_000, USD);
    let cancelled = b.invoice("2026-01-06", "2026-02-05", 5_000, USD);
    let bad = b.invoice("2026-01-07", "2026-02-06", 8_000, USD);
    let undated_bad = b.invoice("2026-01-08", "2026-02-07", 3_000, USD);
    let closed_early = b.invoice("2026-01-09", "2026-02-08", 4_000, USD);
    let eur = b.invoice("2026-01-10", "2026-02-09", 7_000, EUR);
    let _draft = b.invoice_as("2026-01-11", "2026-02-10", 99_900, InvoiceStatus::Draft, USD);
    let wire = b.payment("2026-01-20", 25_000, USD);
    b.apply(a, wire, 10_000, "2026-01-20");
    b.apply(partly, wire, 5_000, "2026-01-20");
    b.apply(bad, wire, 2_000, "2026-01-21");
    b.apply(closed_early, wire, 1_000, "2026-01-22");
    b.paid(a);
    let eur_pay = b.payment("2026-01-25", 3_000, EUR);
    b.apply(eur, eur_pay, 3_000, "2026-01-25");
    let goodwill = b.credit("2026-01-26", 1_500, USD);
    b.apply_credit(partly, goodwill, 500, "2026-01-26");
    let unapplied = b.payment("2026-01-28", 900, USD);
    let _ = unapplied;
    let other = Books::new(&s, "Someone Else", USD).customer;
    s.commit().unwrap();
    // An undated write-off, and an invoice written off on a day before
    // the money applied to it (its application comes after it closed).
    raw.execute("UPDATE invoices SET status = 'uncollectible' WHERE id = ?1", [undated_bad]).unwrap();
    raw.execute(
        "UPDATE invoices SET status = 'uncollectible', written_off_on = '2026-01-15' WHERE id = ?1",
        [closed_early],
    )
    .unwrap();
    // Its money taken back after it closed, too.
    raw.execute("UPDATE applications SET removed_on = '2026-01-25' WHERE invoice_id = ?1", [closed_early]).unwrap();
    let mut edit: CustomerEdit = common::renamed(&store.customer(cust).unwrap(), &hostile("Every Event"));
    edit.legal_name = hostile("Every Event Holdings");
    edit.billing_address = format!("1 Main St\n\u{202e}Suite {}\nSpringfield", "w".repeat(200));
    edit.billing_email = "ap@every.example".into();
    let v = store.customer(cust).unwrap().version;
    store.update_customer(cust, v, &edit).unwrap();
    store.cancel_invoices(cust, &[cancelled], d("2026-02-03")).unwrap();
    store.write_off(cust, &[bad], d("2026-02-05"), &hostile("went bust")).unwrap();
    let note = |on: &str, amount, invoice| CreditNoteDraft {
        issued_on: d(on),
        amount_minor: amount,
        currency: USD,
        reason: hostile("short shipment"),
        invoice_id: invoice,
        refund_excess: false,
        lines: Vec::new(),
    };
    store.issue_credit_note(cust, &note("2026-02-06", 1_000, Some(partly))).unwrap();
    let voided = store.issue_credit_note(cust, &note("2026-02-07", 2_500, Some(partly))).unwrap();
    let version: i64 =
        raw.query_row("SELECT version FROM credits WHERE id = ?1", [voided.credit_id], |r| r.get(0)).unwrap();
    store.void_credit(cust, voided.credit_id, version, d("2026-02-12")).unwrap();
    let pay_version: i64 = raw.query_row("SELECT version FROM payments WHERE id = ?1", [wire], |r| r.get(0)).unwrap();
    let r = RefundDraft { refunded_on: d("2026-02-14"), amount_minor: 4_000, reason: hostile("overpaid") };
    store.refund_payment(wire, pay_version, &r).unwrap();
    let app: i64 = raw
        .query_row("SELECT id FROM applications WHERE invoice_id = ?1 AND credit_id IS NOT NULL", [partly], |r| {
            r.get(0)
        })
        .unwrap();
    store.unapply(cust, app, d("2026-02-16")).unwrap();
    let _ = other;
    drop(raw);
    assert_eq!(store.check(d("2026-03-01")).unwrap(), Vec::<String>::new());
    let (db, pg) = copy_of(&store)?;
    Some((dir, db, pg, store, cust))
}

#[test]
fn every_kind_of_event_reads_the_same_and_renders_the_same_text() {
    let Some((_dir, _db, mut pg, mut lite, cust)) = every_event() else { return };
    let (pg, lite) = (&mut pg, &mut lite);
    let mut kinds = std::collections::BTreeSet::new();
    let mut descriptions = std::collections::BTreeSet::new();
    let days = ["1900-01-01", "2026-01-05", "2026-01-21", "2026-02-04", "2026-02-07", "2026-02-13", "2026-03-01"];
    for as_of in days {
        assert!(both_say(pg, lite, cust, d(as_of), Kind::OpenItem).is_some(), "open items as of {as_of}");
        for from in days {
            let Some(s) = both_say(pg, lite, cust, d(as_of), Kind::Activity { from: d(from) }) else {
                assert!(d(from) > d(as_of), "refused from {from} as of {as_of}");
                continue;
            };
            for l in s.sections.iter().flat_map(|s| &s.activity.as_ref().unwrap().lines) {
                kinds.insert(format!("{:?}", l.kind));
                descriptions.insert(l.description.clone());
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
    for words in ["Applied to C1-6 after it was closed", "Taken back from C1-6 after it was closed"] {
        assert!(descriptions.contains(words), "{words}: {descriptions:?}");
    }

    // The rendered statement, whole, on both.
    let kind = Kind::Activity { from: d("2026-01-01") };
    let a = pg.statement(cust, d("2026-03-01"), kind).unwrap();
    let b = lite.statement(cust, d("2026-03-01"), kind).unwrap();
    assert_eq!(a, b);
    assert!(a.sections.len() == 2 && a.sections[0].currency == USD, "{:?}", a.sections);
    assert!(a.customer.name.contains('\u{1b}') && a.customer.legal_name.is_some());
    let text = ardesk::statement::text::render(&a, 100);
    assert_eq!(text, ardesk::statement::text::render(&b, 100));
    assert!(!text.contains('\u{1b}'), "the text statement is clean");
    assert!(text.contains("Every Event"), "{text}");
    let open = pg.statement(cust, d("2026-03-01"), Kind::OpenItem).unwrap();
    assert_eq!(
        ardesk::statement::text::render(&open, 72),
        ardesk::statement::text::render(&lite.statement(cust, d("2026-03-01"), Kind::OpenItem).unwrap(), 72)
    );
}

#[test]
fn refusals_are_in_the_same_words_and_the_date_read_stays() {
    let Some((_dir, _db, mut pg, mut lite, cust)) = every_event() else { return };
    let (pg, lite) = (&mut pg, &mut lite);
    let late = Kind::Activity { from: d("2026-02-02") };
    let said = same(pg.statement(cust, d("2026-02-01"), late), lite.statement(cust, d("2026-02-01"), late), "late");
    assert!(said.contains("is after 2026-02-01"), "{said}");
    for id in [999, 0, -1, i64::MAX] {
        let said = same(
            pg.statement(id, d("2026-02-01"), Kind::OpenItem),
            lite.statement(id, d("2026-02-01"), Kind::OpenItem),
            "none",
        );
        assert!(said.starts_with("not found"), "{said}");
    }
    // Read as of a date already: the statement reads its own dates and
    // gives the store back as of that date.
    pg.set_as_of(Some(d("2026-01-25"))).unwrap();
    lite.set_as_of(Some(d("2026-01-25"))).unwrap();
    for kind in [Kind::OpenItem, Kind::Activity { from: d("2026-01-01") }, late] {
        let a = pg.statement(cust, d("2026-02-20"), kind);
        let b = lite.statement(cust, d("2026-02-20"), kind);
        same(a, b, "while reading as of a date");
        assert_eq!((pg.as_of(), lite.as_of()), (Some(d("2026-01-25")), Some(d("2026-01-25"))));
    }
    // The first and last days ardesk takes.
    pg.set_as_of(None).unwrap();
    lite.set_as_of(None).unwrap();
    let (first, last) = (d("1900-01-01"), d("2199-12-31"));
    for (as_of, kind) in [
        (first, Kind::OpenItem),
        (last, Kind::OpenItem),
        (last, Kind::Activity { from: first }),
        (first, Kind::Activity { from: first }),
    ] {
        let s = both_say(pg, lite, cust, as_of, kind).expect("a statement");
        assert_eq!(s.sections[0].total_due.minor == 0, as_of == first, "{as_of}: {:?}", s.sections[0]);
    }
}
