//! The detail views' reads on PostgreSQL (issue 21): an invoice's and a
//! payment's detail, a credit as the Payments tab lists it, a
//! conversation's thread, an invoice's source row, invoice numbers turned
//! into ids, and the selections' whole-view reads give on PostgreSQL what
//! they give on SQLite. Each test builds the same books on both backends
//! (by the same writes, or by copying SQLite's as `ardesk migrate` does)
//! and compares every record both ways, another customer's ids and ids
//! that do not exist among them (the same words and kind), today and as
//! of past dates, with hostile text in the fields.

mod support;

use ardesk::domain::Money;
use ardesk::domain::collections::{Channel, ConvStatus, Direction, LogEntry, MessageKind, PauseDraft, PromiseDraft};
use ardesk::domain::columns::{Seek, Tab};
use ardesk::domain::detail::InvoiceDetail;
use ardesk::domain::edit::{Allocation, ApplyPlan, CreditNoteDraft, CustomerEdit, PaymentDraft, RefundDraft};
use ardesk::domain::filter::parse;
use ardesk::domain::lines::{Line, LineKind};
use ardesk::domain::model::InvoiceRow;
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::pg::PgStore;
use ardesk::store::window::View;
use ardesk::store::{Store, StoreError};
use support::both::*;

/// Control characters, an escape that would write the clipboard, a
/// right-to-left override and a long run: what a field may hold.
const HOSTILE: &str = "Acme \u{1b}]52;c;SGVsbG8=\u{7} \u{202e}gnp.exe \u{1b}[2J\r\n\t";

fn hostile_customer(name: &str) -> CustomerEdit {
    CustomerEdit {
        name: format!("{name} {HOSTILE}"),
        legal_name: format!("{name} Holdings \u{1b}[31mLtd"),
        billing_email: "ap@acme.example".into(),
        billing_address: format!("1 Main St\n\u{202e}Suite 2\nSpringfield {}", "x".repeat(300)),
        currency: usd(),
        invoices_paused: false,
        portal: false,
    }
}

/// An invoice detail with its history's times blanked: each backend
/// stamps its own audit rows with the second it wrote them. The times are
/// checked to be ISO seconds first.
fn timeless(d: InvoiceDetail) -> InvoiceDetail {
    let mut d = d;
    for h in &mut d.history {
        assert!(h.at.len() == 20 && h.at.ends_with('Z'), "{:?}", h.at);
        h.at.clear();
    }
    d
}

fn same_invoice(pg: &PgStore, lite: &Store, c: i64, id: i64) -> String {
    same(
        pg.invoice_detail(c, id).map(timeless),
        lite.invoice_detail(c, id).map(timeless),
        &format!("invoice {id} of {c}"),
    )
}

/// The hand-made books of the first tests.
struct Books {
    paid: i64,
    part: i64,
    draft: i64,
    cancelled: i64,
    written_off: i64,
    noted: i64,
    lined: i64,
    theirs: i64,
    payments: Vec<i64>,
    credits: Vec<i64>,
    conversations: Vec<i64>,
}

/// Customer 1 (hostile text everywhere): invoices paid, part-paid by a
/// payment and a credit, a draft, cancelled, written off, with a credit
/// note against it, with lines and a memo; a payment part-applied and part
/// refunded, an application taken back, a conversation with a promise and
/// a pause. Customer 2: an invoice, a payment and a conversation.
fn books(pg: &mut PgStore, lite: &mut Store) -> Books {
    let paid = add_invoice(pg, lite, 1, "2026-01-01", "2026-01-31", 10_000);
    let part = add_invoice(pg, lite, 1, "2026-01-10", "2026-02-09", 20_000);
    let draft = add_invoice_as(pg, lite, 1, "2026-01-12", "2026-02-11", 7_000, InvoiceStatus::Draft);
    let cancelled = add_invoice(pg, lite, 1, "2026-01-15", "2026-02-14", 5_000);
    let written_off = add_invoice(pg, lite, 1, "2026-01-20", "2026-02-19", 6_000);
    let noted = add_invoice(pg, lite, 1, "2026-02-01", "2026-03-03", 9_000);
    let mut lined = invoice(pg, "2026-02-05", "2026-03-07", 55_000, InvoiceStatus::Open);
    lined.memo = format!("Thank you {HOSTILE}{}", "m".repeat(500));
    lined.lines = vec![
        Line::item(&format!("Support {HOSTILE}"), 20_000),
        Line {
            kind: LineKind::Item,
            description: "Extra hours".into(),
            quantity: Some("2.5".parse().unwrap()),
            unit_price: Some("150.00".parse().unwrap()),
            amount_minor: 37_500,
            tax_minor: Some(3_000),
        },
        Line { kind: LineKind::Discount, description: "Loyalty".into(), amount_minor: -2_500, ..Line::item("", 0) },
    ];
    let lined = ok(pg.create_invoice(1, &lined), lite.create_invoice(1, &lined), "invoice with lines");
    let theirs = add_invoice(pg, lite, 2, "2026-01-05", "2026-02-04", 40_000);

    let p1 = add_payment(pg, lite, 1, "2026-01-20", 10_000, Allocation::Invoices(vec![paid]));
    let wire = PaymentDraft {
        received_on: d("2026-01-25"),
        amount_minor: 30_000,
        currency: usd(),
        reference: format!("WIRE {HOSTILE}"),
        allocation: Allocation::Invoices(vec![]),
    };
    let p2 = ok(pg.record_payment(1, &wire), lite.record_payment(1, &wire), "wire").payment_id;
    let v = version(pg, lite, 1, p2);
    let to_part = ApplyPlan::Invoices(vec![(part, 8_000), (noted, 1_000)]);
    let on = d("2026-01-26");
    ok(pg.apply_payment(1, p2, v, &to_part, on), lite.apply_payment(1, p2, v, &to_part, on), "apply wire");
    let refund = RefundDraft { refunded_on: d("2026-02-02"), amount_minor: 2_000, reason: format!("dup {HOSTILE}") };
    let v = version(pg, lite, 1, p2);
    ok(pg.refund_payment(p2, v, &refund), lite.refund_payment(p2, v, &refund), "refund");
    let theirs_paid = add_payment(pg, lite, 2, "2026-01-30", 15_000, Allocation::Invoices(vec![theirs]));

    let goodwill = credit("2026-01-28", 3_000, &format!("goodwill {HOSTILE}"));
    let cr = ok(pg.grant_credit(1, &goodwill), lite.grant_credit(1, &goodwill), "grant");
    let vc = version(pg, lite, 1, -cr);
    let plan = ApplyPlan::Invoices(vec![(part, 3_000)]);
    let on = d("2026-01-28");
    ok(pg.apply_credit(1, cr, vc, &plan, on), lite.apply_credit(1, cr, vc, &plan, on), "apply credit");
    // The application to the paid-off "noted" invoice is taken back.
    let back = lite.invoice_detail(1, noted).unwrap().applications[0].id;
    ok(pg.unapply(1, back, d("2026-02-03")), lite.unapply(1, back, d("2026-02-03")), "unapply");

    let ids = [cancelled];
    ok(pg.cancel_invoices(1, &ids, d("2026-02-10")), lite.cancel_invoices(1, &ids, d("2026-02-10")), "cancel");
    let why = format!("bankrupt {HOSTILE}");
    let ids = [written_off];
    ok(pg.write_off(1, &ids, d("2026-02-20"), &why), lite.write_off(1, &ids, d("2026-02-20"), &why), "write off");
    let note = CreditNoteDraft {
        issued_on: d("2026-02-12"),
        amount_minor: 2_500,
        currency: usd(),
        reason: format!("short shipped {HOSTILE}"),
        invoice_id: Some(noted),
        refund_excess: false,
        lines: Vec::new(),
    };
    let cn = ok(pg.issue_credit_note(1, &note), lite.issue_credit_note(1, &note), "credit note").credit_id;
    let standalone = CreditNoteDraft { invoice_id: None, issued_on: d("2026-02-14"), ..note };
    let cn2 = ok(pg.issue_credit_note(1, &standalone), lite.issue_credit_note(1, &standalone), "standalone").credit_id;
    let vn = version(pg, lite, 1, -cn2);
    ok(pg.void_credit(1, cn2, vn, d("2026-02-16")), lite.void_credit(1, cn2, vn, d("2026-02-16")), "void");

    let today = d("2026-02-20");
    let call = LogEntry {
        conversation_id: None,
        version: None,
        subject: format!("Overdue {HOSTILE}"),
        channel: Channel::Phone,
        kind: MessageKind::Call,
        direction: Direction::Out,
        body: format!("They will pay {HOSTILE}"),
        outcome: "promised".into(),
        at: Some("2026-02-18T10:00:00Z".into()),
        invoice_ids: vec![part, noted],
        status: None,
        promise: Some(PromiseDraft {
            amount: Money::new(5_000, usd()),
            due_on: d("2026-02-28"),
            invoice_ids: vec![part],
        }),
    };
    let (cv, _) = ok(pg.log_entry(1, &call, today), lite.log_entry(1, &call, today), "call");
    let mut again = LogEntry { conversation_id: Some(cv), promise: None, ..call.clone() };
    again.at = Some("2026-02-19T09:30:00Z".into());
    again.body = String::new();
    again.outcome = "left a voicemail".into();
    again.kind = MessageKind::Note;
    again.status = Some(ConvStatus::Waiting);
    again.version = Some(pg.conversation_detail(1, cv).unwrap().conversation.version);
    ok(pg.log_entry(1, &again, today), lite.log_entry(1, &again, today), "note");
    let pause =
        PauseDraft { invoice_ids: vec![part], until_on: d("2026-03-15"), reason: format!("disputed {HOSTILE}") };
    ok(pg.pause_invoices(1, &pause, today), lite.pause_invoices(1, &pause, today), "pause");
    let other = LogEntry { invoice_ids: vec![theirs], promise: None, ..call };
    let (cv2, _) = ok(pg.log_entry(2, &other, today), lite.log_entry(2, &other, today), "their call");
    Books {
        paid,
        part,
        draft,
        cancelled,
        written_off,
        noted,
        lined,
        theirs,
        payments: vec![p1, p2, theirs_paid],
        credits: vec![cr, cn, cn2],
        conversations: vec![cv, cv2],
    }
}

/// Every read of this file on both backends, for customers 1, 2 and one
/// that does not exist; returns the words of the refusals.
fn compare_all(pg: &PgStore, lite: &Store, b: &Books) -> Vec<String> {
    let mut said = Vec::new();
    let invoices = [b.paid, b.part, b.draft, b.cancelled, b.written_off, b.noted, b.lined, b.theirs, 999, 0, -1];
    for c in [1, 2, 999] {
        for &i in &invoices {
            said.push(same_invoice(pg, lite, c, i));
        }
        for &p in b.payments.iter().chain(&[999, 0]).chain(b.credits.iter().map(|c| -c).collect::<Vec<_>>().iter()) {
            said.push(same(pg.payment_detail(c, p), lite.payment_detail(c, p), &format!("payment {p} of {c}")));
        }
        for &cr in b.credits.iter().chain(&[999, 0, -5, b.payments[0]]) {
            same(pg.credit_row(c, cr), lite.credit_row(c, cr), &format!("credit {cr} of {c}"));
        }
        for &cv in b.conversations.iter().chain(&[999, 0]) {
            said.push(same(pg.conversation_detail(c, cv), lite.conversation_detail(c, cv), &format!("thread {cv}")));
        }
    }
    for &i in &invoices {
        said.push(same(pg.invoice_source_row(i), lite.invoice_source_row(i), &format!("source row {i}")));
        same(pg.invoice_promises(i), lite.invoice_promises(i), "promises");
        same(pg.invoice_pauses(i), lite.invoice_pauses(i), "pauses");
        for day in ["2026-02-19", "2026-02-20", "2026-03-15"] {
            same(pg.active_pause(i, d(day)), lite.active_pause(i, d(day)), "active pause");
        }
    }
    for &cv in b.conversations.iter().chain(&[999]) {
        same(pg.conversation_customer(cv), lite.conversation_customer(cv), "whose conversation");
    }
    said
}

#[test]
fn every_detail_reads_the_same_on_both_backends_today_and_as_of() {
    let Some((_db, mut pg, mut lite)) = both_with(&["Acme", "Other"], hostile_customer) else { return };
    let b = books(&mut pg, &mut lite);
    let said = compare_all(&pg, &lite, &b);
    // Not found in SQLite's words, and another customer's records refused
    // alike, as if missing (an invoice, a payment, a thread, a credit).
    assert!(said.iter().any(|s| s == "not found: invoice #999 (deleted elsewhere?)"), "{said:?}");
    assert!(said.iter().any(|s| s == "not found: payment #999 (deleted elsewhere?)"), "{said:?}");
    let theirs = format!("not found: invoice #{} (deleted elsewhere?)", b.theirs);
    assert!(said.contains(&theirs), "{said:?}");
    let their_payment = *b.payments.last().unwrap();
    let theirs = same(pg.payment_detail(1, their_payment), lite.payment_detail(1, their_payment), "their payment");
    assert_eq!(theirs, format!("not found: payment #{their_payment} (deleted elsewhere?)"));
    assert!(said.iter().any(|s| s.contains(&format!("conversation #{} (deleted", b.conversations[1]))), "{said:?}");
    assert_eq!(pg.credit_row(2, b.credits[0]).unwrap(), None);
    assert!(pg.credit_row(1, b.credits[0]).unwrap().is_some());

    // What the details hold, so the comparison is of something.
    let part = pg.invoice_detail(1, b.part).unwrap();
    assert_eq!(part.applications.len(), 2, "{part:?}");
    assert_eq!((part.paid().minor, part.credited().minor, part.balance().minor), (8_000, 3_000, 9_000));
    assert_eq!((part.promises.len(), part.pauses.len()), (1, 1));
    assert!(part.pauses[0].reason.contains('\u{1b}'), "text comes back as stored; the screen cleans it");
    let noted = pg.invoice_detail(1, b.noted).unwrap();
    assert!(noted.applications.iter().any(|a| a.removed_on == Some(d("2026-02-03"))), "{noted:?}");
    assert!(noted.history.iter().any(|h| h.summary.starts_with("issued credit note")), "{:?}", noted.history);
    let lined = pg.invoice_detail(1, b.lined).unwrap();
    assert_eq!(lined.lines.len(), 3);
    assert!(lined.invoice.memo.ends_with(&"m".repeat(500)));
    let off = pg.invoice_detail(1, b.written_off).unwrap();
    assert_eq!(off.write_off.as_ref().map(|w| w.on), Some(Some(d("2026-02-20"))));
    assert_eq!(pg.invoice_detail(1, b.cancelled).unwrap().cancelled, Some(Some(d("2026-02-10"))));
    let wire = pg.payment_detail(1, b.payments[1]).unwrap();
    assert_eq!((wire.applications.len(), wire.refunds.len(), wire.unapplied().minor), (2, 1, 20_000));
    let thread = pg.conversation_detail(1, b.conversations[0]).unwrap();
    assert_eq!((thread.messages.len(), thread.invoices.len(), thread.promises.len()), (2, 2, 1));
    // Another customer's invoice is not found (it read as this customer's,
    // with an empty history).
    assert!(matches!(pg.invoice_detail(1, b.theirs), Err(StoreError::NotFound(_))));
    assert!(matches!(lite.invoice_detail(1, b.theirs), Err(StoreError::NotFound(_))));
    assert_eq!(pg.invoice_detail(2, b.theirs).unwrap().invoice.id, b.theirs);

    // As of past dates: before the write-off, the cancellation, the
    // credit note, the refund; before anything was issued.
    for day in ["2025-12-31", "2026-01-26", "2026-02-02", "2026-02-10", "2026-02-15", "2026-02-19"] {
        pg.set_as_of(Some(d(day))).unwrap();
        lite.set_as_of(Some(d(day))).unwrap();
        compare_all(&pg, &lite, &b);
    }
    let before = pg.invoice_detail(1, b.written_off).unwrap();
    assert_eq!(before.write_off, None, "as of the 19th it was not written off yet");
}

#[test]
fn invoice_numbers_and_selections_read_the_same_on_both_backends() {
    let Some((_db, mut pg, mut lite)) = both_with(&["Acme", "Other"], hostile_customer) else { return };
    let b = books(&mut pg, &mut lite);
    let number = |id: i64| pg.invoice_detail(1, id).unwrap().invoice.number;
    let (paid, part, theirs) = (number(b.paid), number(b.part), pg.invoice_detail(2, b.theirs).unwrap().invoice.number);
    let cases: Vec<Vec<String>> = vec![
        vec![],
        vec![paid.clone()],
        vec![format!("  {part}\t"), paid.clone(), part.clone()],
        vec![paid.clone(), theirs.clone()],
        vec!["INV-999999".into()],
        vec![format!("{paid}\0")],
        vec![HOSTILE.into()],
        vec!["x".repeat(10_000)],
        vec![String::new()],
    ];
    let mut said = Vec::new();
    for numbers in &cases {
        for c in [1, 2, 999] {
            said.push(same(
                pg.invoice_ids_by_number(c, numbers),
                lite.invoice_ids_by_number(c, numbers),
                &format!("{numbers:?} of {c}"),
            ));
        }
    }
    assert_eq!(pg.invoice_ids_by_number(1, &cases[2]).unwrap(), vec![b.part, b.paid]);
    assert!(said.contains(&format!("the customer has no invoice numbered {theirs}")), "{said:?}");

    let today = d("2026-02-20");
    let all = [b.paid, b.part, b.draft, b.cancelled, b.written_off, b.noted, b.lined, b.theirs, 999];
    let filters = [
        "",
        "status:open",
        "status:paid,cancelled",
        "status:uncollectible",
        "status:draft",
        "status:paused",
        "status:overdue",
        "status:partial",
        "total>100",
        "balance>0",
        "due<2026-02-10",
        "aging:1-30",
        "inv",
        "zzz",
        "50%",
    ];
    let mut selected = 0;
    for text in filters {
        let filter = parse(text, Tab::Invoices, usd()).unwrap_or_else(|e| panic!("{text}: {e}"));
        let v = View { sort: ardesk::domain::columns::Sort::default_for(Tab::Invoices), filter, today };
        for c in [1, 2, 999] {
            let mut a = pg.invoice_totals(c, &v).unwrap();
            let mut l = lite.invoice_totals(c, &v).unwrap();
            a.sort_by_key(|x| x.0);
            l.sort_by_key(|x| x.0);
            assert_eq!(a, l, "{text} of {c}");
            selected += a.len();
            let rows = pg.window_view::<InvoiceRow>(c, &v, &Seek::First, 100).unwrap();
            assert_eq!(rows, lite.window_view::<InvoiceRow>(c, &v, &Seek::First, 100).unwrap(), "{text} of {c}");
            assert_eq!(rows.len(), a.len(), "{text}: the tab lists what is selected");
            assert_eq!(pg.view_totals::<InvoiceRow>(c, &v).unwrap(), lite.view_totals::<InvoiceRow>(c, &v).unwrap());
            for ids in [&all[..], &all[..0], &[b.part, b.part, b.theirs][..]] {
                same(pg.invoices_shown(c, &v, ids), lite.invoices_shown(c, &v, ids), &format!("{text}: {ids:?}"));
            }
        }
    }
    assert!(selected > 20, "{selected}");
    // A NUL character in a filter: no text on PostgreSQL holds one, so a
    // word with one is in none, and the server is never handed one.
    // (SQLite's LIKE stops reading its pattern at the NUL, so there a word
    // `inv\0` finds what ends with "inv": not followed here.)
    for text in ["a\0b", "number:inv\0", "number:\"INV-000001\0\""] {
        let filter = parse(text, Tab::Invoices, usd()).unwrap();
        let v = View { sort: ardesk::domain::columns::Sort::default_for(Tab::Invoices), filter, today };
        assert_eq!(pg.invoice_totals(1, &v).unwrap(), vec![], "{text:?}");
        assert_eq!(pg.invoices_shown(1, &v, &all).unwrap(), 0, "{text:?}");
        assert_eq!(pg.window_view::<InvoiceRow>(1, &v, &Seek::First, 10).unwrap(), vec![], "{text:?}");
    }
    // Equal to a text with one: none, on both.
    for text in ["number=\"INV-000001\0\"", "number=\"\0\""] {
        let filter = parse(text, Tab::Invoices, usd()).unwrap();
        let v = View { sort: ardesk::domain::columns::Sort::default_for(Tab::Invoices), filter, today };
        assert_eq!(pg.invoice_totals(1, &v).unwrap(), vec![], "{text:?}");
        assert_eq!(lite.invoice_totals(1, &v).unwrap(), vec![], "{text:?}");
    }
    // An export's reads (`export::write_rows`): window after window, each
    // gathering only as many rows as the cap, the same rows both ways.
    let mut exported = 0;
    for text in ["", "status:open", "inv", "total>100 status:open,paid", "zzz"] {
        for sort in ardesk::store::pg::window::sorts::<InvoiceRow>() {
            let filter = parse(text, Tab::Invoices, usd()).unwrap();
            let v = View { sort, filter, today };
            for cap in [None, Some(0), Some(1), Some(2_000)] {
                let mut seek = Seek::First;
                loop {
                    let a = pg.window_view_gathering::<InvoiceRow>(1, &v, &seek, 2, cap).unwrap();
                    let l = lite.window_view_gathering::<InvoiceRow>(1, &v, &seek, 2, cap).unwrap();
                    assert_eq!(a, l, "{text} {sort:?} {cap:?} from {seek:?}");
                    exported += a.len();
                    match a.last() {
                        Some(last) if a.len() == 2 => seek = Seek::After(last.key.clone()),
                        _ => break,
                    }
                }
            }
        }
    }
    assert!(exported > 100, "{exported}");
    // Past a batch of ids, as SQLite counts them.
    let many: Vec<i64> = (1..=1_234).collect();
    let v = View {
        sort: ardesk::domain::columns::Sort::default_for(Tab::Invoices),
        filter: parse("status:open", Tab::Invoices, usd()).unwrap(),
        today,
    };
    assert_eq!(pg.invoices_shown(1, &v, &many).unwrap(), lite.invoices_shown(1, &v, &many).unwrap());
    assert_eq!(pg.invoices_shown(1, &v, &many).unwrap(), 3);
}

/// The same change to the SQLite file (through a connection of its own)
/// and to the PostgreSQL database, each in its own SQL.
fn damage(lite_path: &std::path::Path, db: &support::pg::TestDb, sqlite: &str, postgres: &str) {
    rusqlite::Connection::open(lite_path).unwrap().execute_batch(sqlite).unwrap();
    db.client().batch_execute(postgres).unwrap();
}

#[test]
fn imported_source_rows_read_the_same_on_both_backends_kept_damaged_or_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("imported.db");
    let mut lite = Store::open(&path, ardesk::store::OpenMode::Create).unwrap();
    lite.set_who("ann");
    let stripe = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/stripe");
    let files = [stripe.join("customers_all_columns_2025.csv"), stripe.join("invoices_default_2023.csv")];
    ardesk::import::run_import(&mut lite, &files, &Default::default(), false).unwrap();
    let Some((db, mut pg)) = copy_of(&lite) else { return };
    let ids: Vec<(i64, i64)> =
        rows_lite(&lite, "SELECT CAST(customer_id AS TEXT), CAST(id AS TEXT) FROM invoices ORDER BY id")
            .into_iter()
            .map(|r| (r[0].as_ref().unwrap().parse().unwrap(), r[1].as_ref().unwrap().parse().unwrap()))
            .collect();
    assert!(ids.len() > 3, "{ids:?}");
    let mut kept = 0;
    for &(c, id) in &ids {
        let row = same(pg.invoice_source_row(id), lite.invoice_source_row(id), &format!("source row {id}"));
        assert_eq!(row, "");
        kept += usize::from(pg.invoice_source_row(id).unwrap().is_some_and(|r| !r.cells.is_empty()));
        same_invoice(&pg, &lite, c, id);
    }
    assert_eq!(kept, ids.len(), "every imported invoice has its row");
    for c in lite.customer_ids().unwrap() {
        for kind in [
            ardesk::statement::model::Kind::OpenItem,
            ardesk::statement::model::Kind::Activity { from: d("2023-01-01") },
        ] {
            same(pg.statement(c, d("2024-06-30"), kind), lite.statement(c, d("2024-06-30"), kind), "statement");
        }
    }

    // `source_raw` kept as JSON (an older database, ardesk's own format),
    // of every shape, and the kept rows damaged: the same rows or the
    // same words.
    let (a, b2, c3) = (ids[0].1, ids[1].1, ids[2].1);
    let json = |text: &str| {
        format!(
            "UPDATE invoices SET import_base = NULL, import_row = NULL, source_raw = '{}' WHERE id = {a}",
            text.replace('\'', "''")
        )
    };
    let shapes = [
        r#"{"imported":{"number":"N-1","total":12.5,"memo":null},"row":{"id":"in_1","x":true,"y":[1,2]}}"#.to_string(),
        r#"{"imported":{"number":"N-1"},"row":"just text"}"#.into(),
        r#"{"id":"in_2","amount":"12.00","imported":{}}"#.into(),
        r#"[1,2,3]"#.into(),
        r#""a string""#.into(),
        format!(r#"{{"row":{{"name":"{}"}}}}"#, "\\u001b]52;c;AAAA\\u0007 evil"),
        String::new(),
        "{not json".into(),
    ];
    for shape in &shapes {
        let sql = json(shape);
        damage(&path, &db, &sql, &sql);
        let said = same(pg.invoice_source_row(a), lite.invoice_source_row(a), shape);
        if shape.starts_with("{not") {
            assert!(said.contains("the invoice's source row is not JSON"), "{said}");
        }
    }
    // A baseline without its row, a row no chunk holds, a damaged chunk.
    let sql = format!("UPDATE invoices SET import_row = NULL WHERE id = {b2}");
    damage(&path, &db, &sql, &sql);
    let said = same(pg.invoice_source_row(b2), lite.invoice_source_row(b2), "baseline alone");
    assert!(said.contains("a baseline without its kept row"), "{said}");
    let sql = format!("UPDATE invoices SET import_row = 999999 WHERE id = {c3}");
    damage(&path, &db, &sql, &sql);
    let said = same(pg.invoice_source_row(c3), lite.invoice_source_row(c3), "row not kept");
    assert!(said.contains("is not kept"), "{said}");
    let (d4, e5) = (ids[3].1, ids.last().unwrap().1);
    damage(&path, &db, "UPDATE import_kept SET data = X'00FF'", "UPDATE import_kept SET data = '\\x00ff'");
    for id in [d4, e5] {
        let said = same(pg.invoice_source_row(id), lite.invoice_source_row(id), "chunk damaged");
        assert!(said.contains("is damaged (import_kept)"), "{said}");
    }
    damage(
        &path,
        &db,
        &format!("UPDATE invoices SET import_base = X'0203' WHERE id = {d4}"),
        &format!("UPDATE invoices SET import_base = '\\x0203' WHERE id = {d4}"),
    );
    same(pg.invoice_source_row(d4), lite.invoice_source_row(d4), "baseline damaged");
    same(pg.invoice_source_row(i64::MAX), lite.invoice_source_row(i64::MAX), "no such invoice");
}

/// Refusals the store gives whatever the backend: the words and the kind.
#[test]
fn a_missing_record_is_not_found_in_the_same_words() {
    let Some((_db, pg, lite)) = both(&["Acme"]) else { return };
    for id in [1, 999, i64::MAX, i64::MIN] {
        let said = same(pg.invoice_detail(1, id), lite.invoice_detail(1, id), "invoice");
        assert_eq!(said, format!("not found: invoice #{id} (deleted elsewhere?)"));
        same(pg.payment_detail(1, id), lite.payment_detail(1, id), "payment");
        same(pg.invoice_source_row(id), lite.invoice_source_row(id), "source row");
        same(pg.conversation_detail(1, id), lite.conversation_detail(1, id), "thread");
        same(pg.conversation_customer(id), lite.conversation_customer(id), "whose");
        if id != i64::MIN {
            same(pg.credit_row(1, id), lite.credit_row(1, id), "credit");
        }
    }
    assert!(matches!(pg.invoice_detail(1, 5), Err(StoreError::NotFound(_))));
}

/// Every record of every demo customer (copied as the app wrote it):
/// each invoice's detail and source row, each payment's detail, each
/// credit's row and each conversation's thread, today and as of a past
/// date.
#[test]
fn every_demo_record_reads_the_same_on_both_backends() {
    use ardesk::domain::collections::ConversationRow;
    use ardesk::domain::columns::Sort;
    use ardesk::domain::model::PaymentRow;
    let Some(db) = support::pg::demo_copy() else { return };
    let mut lite = Store::open(support::demo_db(), ardesk::store::OpenMode::MustExist).unwrap();
    let mut pg = PgStore::open(&db.url).unwrap();
    let today = d(support::TODAY);
    let all = |tab| View { sort: Sort::default_for(tab), filter: Default::default(), today };
    let mut read = [0usize; 4];
    for as_of in [None, Some(d("2025-06-30"))] {
        pg.set_as_of(as_of).unwrap();
        lite.set_as_of(as_of).unwrap();
        for c in lite.customer_ids().unwrap() {
            for k in lite.window_view::<InvoiceRow>(c, &all(Tab::Invoices), &Seek::First, 100_000).unwrap() {
                let id = k.row.id;
                same(pg.invoice_detail(c, id), lite.invoice_detail(c, id), &format!("invoice {id} as of {as_of:?}"));
                same(pg.invoice_source_row(id), lite.invoice_source_row(id), &format!("source row {id}"));
                read[0] += 1;
            }
            for k in lite.window_view::<PaymentRow>(c, &all(Tab::Payments), &Seek::First, 100_000).unwrap() {
                let id = k.row.id;
                if id > 0 {
                    same(pg.payment_detail(c, id), lite.payment_detail(c, id), &format!("payment {id}"));
                    read[1] += 1;
                } else {
                    let row = same(pg.credit_row(c, -id), lite.credit_row(c, -id), &format!("credit {id}"));
                    assert_eq!(row, "");
                    assert_eq!(pg.credit_row(c, -id).unwrap().as_ref(), Some(&k.row), "the tab's own row");
                    read[2] += 1;
                }
            }
            let threads = all(Tab::Conversations);
            for k in lite.window_view::<ConversationRow>(c, &threads, &Seek::First, 100_000).unwrap() {
                let id = k.row.id;
                same(pg.conversation_detail(c, id), lite.conversation_detail(c, id), &format!("thread {id}"));
                read[3] += 1;
            }
        }
    }
    // (The demo grants one credit; the hand-made books have the others.)
    assert!(read[0] > 1_000 && read[1] > 500 && read[2] > 0 && read[3] > 100, "{read:?}");
}
