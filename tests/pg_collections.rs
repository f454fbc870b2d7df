//! Collections on PostgreSQL (issue 21): what a person logs on a
//! conversation, its status, promises to pay and paused invoices do on
//! PostgreSQL what they do on SQLite. Each test runs the same sequence on
//! both backends and compares what comes back, the rows written, the
//! Conversations and Invoices tabs, the figures, the refusals word for
//! word, and the audit log; `check` finds nothing wrong on either.

mod support;

use ardesk::domain::Money;
use ardesk::domain::collections::{
    Channel, ConvStatus, ConversationRow, Direction, LogEntry, MessageKind, PauseDraft, PromiseDraft,
};
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::{Allocation, CustomerEdit, InvoiceDraft, PaymentDraft};
use ardesk::domain::model::InvoiceRow;
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::pg::PgStore;
use ardesk::store::window::View;
use ardesk::store::{Store, StoreError};
use support::both::*;
use support::pg::TestDb;

fn dollars(minor: i64) -> Money {
    Money::new(minor, usd())
}

fn customer(name: &str) -> CustomerEdit {
    CustomerEdit {
        name: name.into(),
        legal_name: String::new(),
        billing_email: "ap@acme.example".into(),
        billing_address: String::new(),
        currency: usd(),
        invoices_paused: false,
        portal: false,
    }
}

/// Both backends with these customers, each with a billing email.
fn both(names: &[&str]) -> Option<(TestDb, PgStore, Store)> {
    both_with(names, customer)
}

/// The same success on both backends; its value.
fn ok<T: PartialEq + std::fmt::Debug>(pg: Result<T, StoreError>, lite: Result<T, StoreError>, what: &str) -> T {
    let (a, b) = (pg.unwrap_or_else(|e| panic!("{what} on PostgreSQL: {e}")), lite.unwrap());
    assert_eq!(a, b, "{what}");
    a
}

/// Creates the same invoice on both; its id.
fn add_invoice(pg: &mut PgStore, lite: &mut Store, c: i64, total: i64, status: InvoiceStatus) -> i64 {
    let draft = InvoiceDraft {
        contract_id: None,
        number: pg.next_invoice_number().unwrap(),
        issue_date: d("2026-11-01"),
        due_date: d("2026-11-30"),
        period: None,
        total_minor: total,
        currency: usd(),
        status,
        memo: String::new(),
        lines: Vec::new(),
    };
    let id = pg.create_invoice(c, &draft).unwrap();
    assert_eq!(lite.create_invoice(c, &draft).unwrap(), id);
    id
}

/// The books of these tests: Acme's invoices a ($1,000) and b ($800)
/// open, one paid ($300), one a draft ($70); Other's open ($400).
struct Books {
    a: i64,
    b: i64,
    paid: i64,
    draft: i64,
    theirs: i64,
}

fn books(pg: &mut PgStore, lite: &mut Store) -> Books {
    let a = add_invoice(pg, lite, 1, 100_000, InvoiceStatus::Open);
    let b = add_invoice(pg, lite, 1, 80_000, InvoiceStatus::Open);
    let paid = add_invoice(pg, lite, 1, 30_000, InvoiceStatus::Open);
    let p = PaymentDraft {
        received_on: d("2026-11-20"),
        amount_minor: 30_000,
        currency: usd(),
        reference: "WIRE-1".into(),
        allocation: Allocation::Invoices(vec![paid]),
    };
    ok(pg.record_payment(1, &p), lite.record_payment(1, &p), "payment");
    let draft = add_invoice(pg, lite, 1, 7_000, InvoiceStatus::Draft);
    let theirs = add_invoice(pg, lite, 2, 40_000, InvoiceStatus::Open);
    Books { a, b, paid, draft, theirs }
}

fn entry(conversation_id: Option<i64>, body: &str) -> LogEntry {
    LogEntry {
        conversation_id,
        version: None,
        subject: "November invoices".into(),
        channel: Channel::Phone,
        kind: MessageKind::Call,
        direction: Direction::Out,
        body: body.into(),
        outcome: String::new(),
        at: Some("2026-12-01T15:04:05Z".into()),
        invoice_ids: Vec::new(),
        status: None,
        promise: None,
    }
}

/// The rows collections write (all but the times they were written at),
/// and the audit log, as text on both backends: (PostgreSQL's query,
/// SQLite's).
const TABLES: &[(&str, &str)] = &[
    (
        "SELECT id::text, customer_id::text, subject, channel, opened_on::text, status, resolved_on::text,
                resolved_by, resolver, external_id, version::text FROM conversations ORDER BY conversations.id",
        "SELECT CAST(id AS TEXT), CAST(customer_id AS TEXT), subject, channel, opened_on, status, resolved_on,
                resolved_by, resolver, external_id, CAST(version AS TEXT) FROM conversations ORDER BY conversations.id",
    ),
    (
        "SELECT id::text, conversation_id::text, at, direction, kind, author_kind, author, body, outcome,
                version::text FROM conversation_messages ORDER BY conversation_messages.id",
        "SELECT CAST(id AS TEXT), CAST(conversation_id AS TEXT), at, direction, kind, author_kind, author, body,
                outcome, CAST(version AS TEXT) FROM conversation_messages ORDER BY conversation_messages.id",
    ),
    (
        "SELECT conversation_id::text, invoice_id::text FROM conversation_invoices ORDER BY 1, 2",
        "SELECT CAST(conversation_id AS TEXT), CAST(invoice_id AS TEXT) FROM conversation_invoices
         ORDER BY conversation_id, invoice_id",
    ),
    (
        "SELECT id::text, conversation_id::text, customer_id::text, made_on::text, due_on::text, amount_minor::text,
                currency, version::text FROM promises ORDER BY promises.id",
        "SELECT CAST(id AS TEXT), CAST(conversation_id AS TEXT), CAST(customer_id AS TEXT), made_on, due_on,
                CAST(amount_minor AS TEXT), currency, CAST(version AS TEXT) FROM promises ORDER BY promises.id",
    ),
    (
        "SELECT promise_id::text, invoice_id::text FROM promise_invoices ORDER BY 1, 2",
        "SELECT CAST(promise_id AS TEXT), CAST(invoice_id AS TEXT) FROM promise_invoices
         ORDER BY promise_id, invoice_id",
    ),
    (
        "SELECT id::text, invoice_id::text, customer_id::text, paused_on::text, until_on::text, reason,
                ended_on::text, version::text FROM invoice_pauses ORDER BY invoice_pauses.id",
        "SELECT CAST(id AS TEXT), CAST(invoice_id AS TEXT), CAST(customer_id AS TEXT), paused_on, until_on, reason,
                ended_on, CAST(version AS TEXT) FROM invoice_pauses ORDER BY invoice_pauses.id",
    ),
    (
        "SELECT id::text, status, balance_minor::text, version::text FROM invoices ORDER BY invoices.id",
        "SELECT CAST(id AS TEXT), status, CAST(balance_minor AS TEXT), CAST(version AS TEXT) FROM invoices ORDER BY invoices.id",
    ),
    (
        "SELECT customer_id::text, entity, entity_id::text, action, summary, before_json, after_json, who
         FROM audit_log ORDER BY audit_log.id",
        "SELECT CAST(customer_id AS TEXT), entity, CAST(entity_id AS TEXT), action, summary, before_json, after_json,
                who FROM audit_log ORDER BY audit_log.id",
    ),
];

/// How many rows each table of `TABLES` holds on PostgreSQL.
fn counts(db: &TestDb) -> Vec<usize> {
    TABLES.iter().map(|(on_pg, _)| rows_pg(db, on_pg).len()).collect()
}

fn view(tab: Tab, today: &str) -> View {
    View { sort: Sort::default_for(tab), filter: Default::default(), today: d(today) }
}

/// The same books on both backends: the rows, each customer's
/// Conversations and Invoices tabs, its conversation figures and its
/// figures, on `today`; `check` finds nothing wrong on either.
fn same_books(db: &TestDb, pg: &PgStore, lite: &Store, today: &str) {
    for (on_pg, on_lite) in TABLES {
        assert_eq!(rows_pg(db, on_pg), rows_lite(lite, on_lite), "{on_lite}");
    }
    for c in [1, 2] {
        let v = view(Tab::Conversations, today);
        assert_eq!(
            pg.window_view::<ConversationRow>(c, &v, &Seek::First, 100).unwrap(),
            lite.window_view::<ConversationRow>(c, &v, &Seek::First, 100).unwrap(),
            "conversations of {c}"
        );
        let v = view(Tab::Invoices, today);
        assert_eq!(
            pg.window_view::<InvoiceRow>(c, &v, &Seek::First, 100).unwrap(),
            lite.window_view::<InvoiceRow>(c, &v, &Seek::First, 100).unwrap(),
            "invoices of {c}"
        );
        assert_eq!(pg.conversations(c).unwrap(), lite.conversations(c).unwrap(), "conversation figures of {c}");
        let cust = lite.customer(c).unwrap();
        assert_eq!(pg.figures(&cust, d(today)).unwrap(), lite.figures(&cust, d(today)).unwrap(), "figures of {c}");
    }
    assert_eq!(pg.check(d(today)).unwrap(), Vec::<String>::new(), "check on PostgreSQL");
    assert_eq!(lite.check(d(today)).unwrap(), Vec::<String>::new(), "check on SQLite");
}

/// The version of conversation `id`, the same on both backends.
fn version(db: &TestDb, lite: &Store, id: i64) -> i64 {
    let a: i64 = db.client().query_one("SELECT version FROM conversations WHERE id = $1", &[&id]).unwrap().get(0);
    assert_eq!(a, lite.conversation_detail(1, id).unwrap().conversation.version, "version of {id}");
    a
}

#[test]
fn logging_promising_and_status_changes_are_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&["Acme", "Other"]) else { return };
    let bk = books(&mut pg, &mut lite);
    let today = d("2026-12-01");

    // A call opening a conversation, its invoices linked once, with a
    // promise on one of them.
    let mut first = entry(None, "Called Dana.\nShe will pay A next week.");
    first.invoice_ids = vec![bk.a, bk.a, bk.b];
    first.outcome = "promised".into();
    first.promise = Some(PromiseDraft { amount: dollars(50_000), due_on: d("2026-12-15"), invoice_ids: vec![bk.a] });
    let (cv, _) = ok(pg.log_entry(1, &first, today), lite.log_entry(1, &first, today), "first call");
    same_books(&db, &pg, &lite, "2026-12-01");

    // Another on it by its outcome alone, at the version seen, waiting.
    let mut again = entry(Some(cv), "");
    again.outcome = "left a voicemail".into();
    again.version = Some(version(&db, &lite, cv));
    again.status = Some(ConvStatus::Waiting);
    again.at = Some("2026-12-02T09:00:00Z".into());
    ok(pg.log_entry(1, &again, d("2026-12-02")), lite.log_entry(1, &again, d("2026-12-02")), "again");
    // The same entry at the version it saw is stale now.
    refused(pg.log_entry(1, &again, d("2026-12-02")), lite.log_entry(1, &again, d("2026-12-02")), "changed elsewhere");
    // A note resolving it, its version not given: whatever it is now.
    let mut note = entry(Some(cv), "Paid in full, closing.");
    note.kind = MessageKind::Note;
    note.direction = Direction::Internal;
    note.status = Some(ConvStatus::Resolved);
    note.invoice_ids = vec![bk.b];
    ok(pg.log_entry(1, &note, d("2026-12-03")), lite.log_entry(1, &note, d("2026-12-03")), "note");
    same_books(&db, &pg, &lite, "2026-12-03");

    // Status changes at the version seen, refused when stale or already so.
    let v = version(&db, &lite, cv);
    let resolve_again = "\"November invoices\" is already resolved: reopen it to resolve it again";
    refused(
        pg.set_conversation_status(cv, v, ConvStatus::Resolved, d("2026-12-04")),
        lite.set_conversation_status(cv, v, ConvStatus::Resolved, d("2026-12-04")),
        resolve_again,
    );
    refused(
        pg.set_conversation_status(cv, v - 1, ConvStatus::Open, d("2026-12-04")),
        lite.set_conversation_status(cv, v - 1, ConvStatus::Open, d("2026-12-04")),
        "changed elsewhere",
    );
    ok(
        pg.set_conversation_status(cv, v, ConvStatus::Open, d("2026-12-04")),
        lite.set_conversation_status(cv, v, ConvStatus::Open, d("2026-12-04")),
        "reopen",
    );
    let v = version(&db, &lite, cv);
    refused(
        pg.set_conversation_status(cv, v, ConvStatus::Open, d("2026-12-04")),
        lite.set_conversation_status(cv, v, ConvStatus::Open, d("2026-12-04")),
        "\"November invoices\" is already open",
    );
    ok(
        pg.set_conversation_status(cv, v, ConvStatus::Waiting, d("2026-12-04")),
        lite.set_conversation_status(cv, v, ConvStatus::Waiting, d("2026-12-04")),
        "waiting",
    );
    let v = version(&db, &lite, cv);
    ok(
        pg.set_conversation_status(cv, v, ConvStatus::Resolved, d("2026-12-05")),
        lite.set_conversation_status(cv, v, ConvStatus::Resolved, d("2026-12-05")),
        "resolve",
    );
    refused(
        pg.set_conversation_status(999, 1, ConvStatus::Open, d("2026-12-04")),
        lite.set_conversation_status(999, 1, ConvStatus::Open, d("2026-12-04")),
        "conversation #999",
    );
    refused(
        pg.set_conversation_status(cv, v, ConvStatus::Open, d("1800-01-01")),
        lite.set_conversation_status(cv, v, ConvStatus::Open, d("1800-01-01")),
        "dates must fall between",
    );

    // A conversation opened resolved, by email, with a long subject.
    let mut closed = entry(None, "Sent the statement; nothing is owed.");
    closed.subject = format!("Statement {}", "é".repeat(120));
    closed.channel = Channel::Email;
    closed.kind = MessageKind::Email;
    closed.status = Some(ConvStatus::Resolved);
    closed.at = Some("2026-12-05T23:59:59Z".into());
    let (cv2, _) = ok(pg.log_entry(1, &closed, d("2026-12-05")), lite.log_entry(1, &closed, d("2026-12-05")), "closed");

    // Promises added on a conversation: refused in the same words, then
    // taken on the day itself at the largest amount.
    for (amount, due, ids, words) in [
        (dollars(0), "2026-12-15", vec![bk.a], "the promised amount must be more than zero"),
        (dollars(10_000_000_000_001), "2026-12-15", vec![bk.a], "the promised amount is too large"),
        (Money::new(50_000, "EUR".parse().unwrap()), "2026-12-15", vec![bk.a], "the customer is billed in USD"),
        (dollars(50_000), "2026-11-30", vec![bk.a], "the promised day 2026-11-30 is in the past"),
        (dollars(50_000), "2200-01-01", vec![bk.a], "dates must fall between"),
        (dollars(50_000), "2026-12-15", vec![], "a promise to pay needs at least one invoice"),
        (dollars(50_000), "2026-12-15", vec![bk.a, bk.theirs], "is not an invoice of this customer"),
        (dollars(50_000), "2026-12-15", vec![bk.paid], "a promise to pay is for open invoices: "),
        (dollars(50_000), "2026-12-15", vec![bk.b, bk.draft], "is a draft: it was never issued"),
    ] {
        let p = PromiseDraft { amount, due_on: d(due), invoice_ids: ids };
        refused(pg.add_promise(cv2, &p, d("2026-12-01")), lite.add_promise(cv2, &p, d("2026-12-01")), words);
    }
    let p =
        PromiseDraft { amount: dollars(10_000_000_000_000), due_on: d("2026-12-01"), invoice_ids: vec![bk.b, bk.a] };
    ok(pg.add_promise(cv2, &p, d("2026-12-01")), lite.add_promise(cv2, &p, d("2026-12-01")), "promise");
    refused(pg.add_promise(999, &p, d("2026-12-01")), lite.add_promise(999, &p, d("2026-12-01")), "conversation #999");
    same_books(&db, &pg, &lite, "2026-12-05");
    // Broken by the 16th: the tab says so on both.
    same_books(&db, &pg, &lite, "2026-12-16");
}

#[test]
fn what_logging_refuses_is_refused_in_the_same_words_and_writes_nothing() {
    let Some((db, mut pg, mut lite)) = both(&["Acme", "Other"]) else { return };
    let bk = books(&mut pg, &mut lite);
    ok(
        pg.log_entry(1, &entry(None, "hi"), d("2026-12-01")),
        lite.log_entry(1, &entry(None, "hi"), d("2026-12-01")),
        "hi",
    );
    let (theirs_cv, _) = ok(
        pg.log_entry(2, &entry(None, "hi"), d("2026-12-01")),
        lite.log_entry(2, &entry(None, "hi"), d("2026-12-01")),
        "2",
    );
    // Escape sequences are kept as typed; 20,000 characters are kept.
    let esc = "\u{1b}]52;c;aGk=\u{7}\u{1b}[2J pay now";
    let hostile = LogEntry { subject: esc.into(), ..entry(None, esc) };
    let (cv, _) = ok(pg.log_entry(1, &hostile, d("2026-12-01")), lite.log_entry(1, &hostile, d("2026-12-01")), "esc");
    let long = entry(Some(cv), &"é".repeat(20_000));
    ok(pg.log_entry(1, &long, d("2026-12-01")), lite.log_entry(1, &long, d("2026-12-01")), "long");
    // What follows is refused; a refusal after a row was written leaves no
    // row, but PostgreSQL's identities do not give the ids it took again
    // (SQLite's rowids do), so nothing is written after it here.
    let before = counts(&db);
    let late = PromiseDraft { amount: dollars(100), due_on: d("2026-12-15"), invoice_ids: vec![bk.theirs] };
    let on_paid = PromiseDraft { amount: dollars(100), due_on: d("2026-12-15"), invoice_ids: vec![bk.paid] };
    let in_eur = PromiseDraft { amount: Money::new(100, "EUR".parse().unwrap()), ..on_paid.clone() };
    let cases: Vec<(i64, LogEntry, &str)> = vec![
        (1, entry(None, &"x".repeat(20_001)), "the body is 20001 characters long; at most 20000 are kept"),
        (1, entry(None, "a\0b"), "the body contains a NUL character"),
        (1, entry(None, "  \n "), "write what was said (the body) or what it came to (the outcome)"),
        (1, LogEntry { subject: " ".into(), ..entry(None, "hi") }, "the subject is required"),
        (1, LogEntry { subject: "s".repeat(501), ..entry(None, "hi") }, "the subject is 501 characters long"),
        (1, LogEntry { outcome: "o".repeat(1001), ..entry(None, "hi") }, "the outcome is 1001 characters long"),
        (1, LogEntry { at: Some("2026-12-01 15:04:05".into()), ..entry(None, "hi") }, "is not a UTC time like"),
        (1, LogEntry { at: Some("2200-01-01T00:00:00Z".into()), ..entry(None, "hi") }, "is not a UTC time like"),
        (1, LogEntry { invoice_ids: vec![bk.a, bk.theirs], ..entry(None, "hi") }, "is not an invoice of this customer"),
        // Refused late, after the conversation and the message were
        // written: the promise's invoice is another customer's, or paid.
        (1, LogEntry { promise: Some(late), ..entry(None, "hi") }, "is not an invoice of this customer"),
        (1, LogEntry { promise: Some(on_paid), ..entry(Some(cv), "hi") }, "a promise to pay is for open invoices"),
        (1, LogEntry { promise: Some(in_eur), ..entry(None, "hi") }, "the promised amount is in EUR"),
        (1, entry(Some(12345), "hi"), "conversation #12345"),
        (1, entry(Some(theirs_cv), "hi"), "is not this customer's"),
        (1, LogEntry { version: Some(7), ..entry(Some(cv), "hi") }, "changed elsewhere"),
        (999, entry(None, "hi"), "customer 999"),
    ];
    for (c, e, words) in cases {
        refused(pg.log_entry(c, &e, d("2026-12-01")), lite.log_entry(c, &e, d("2026-12-01")), words);
    }
    refused(
        pg.log_entry(1, &entry(None, "hi"), d("1899-12-31")),
        lite.log_entry(1, &entry(None, "hi"), d("1899-12-31")),
        "dates must fall between",
    );
    assert_eq!(counts(&db), before, "nothing half-written");
    same_books(&db, &pg, &lite, "2026-12-01");

    same_books(&db, &pg, &lite, "2026-12-01");
}

#[test]
fn pauses_and_resumes_are_as_on_sqlite() {
    let Some((db, mut pg, mut lite)) = both(&["Acme", "Other"]) else { return };
    let bk = books(&mut pg, &mut lite);
    let today = d("2026-12-05");
    let pause = |ids: Vec<i64>, until: &str, reason: &str| PauseDraft {
        invoice_ids: ids,
        until_on: d(until),
        reason: reason.into(),
    };
    let before = counts(&db);
    for (p, words) in [
        (pause(vec![bk.a, bk.paid], "2027-01-04", "x"), "cannot pause collections: "),
        (pause(vec![bk.draft], "2027-01-04", "x"), "is a draft: it was never issued"),
        (pause(vec![bk.a, bk.theirs], "2027-01-04", "x"), "is not an invoice of this customer"),
        (pause(vec![bk.a], "2026-12-05", "x"), "must be after today (2026-12-05)"),
        (pause(vec![bk.a], "2200-01-01", "x"), "dates must fall between"),
        (pause(vec![bk.a], "2027-01-04", "  "), "the reason is required"),
        (pause(vec![bk.a], "2027-01-04", &"r".repeat(1001)), "the reason is 1001 characters long"),
        (pause(vec![bk.a], "2027-01-04", "a\0b"), "the reason contains a NUL character"),
        (pause(vec![], "2027-01-04", "x"), "pick at least one invoice"),
    ] {
        refused(pg.pause_invoices(1, &p, today), lite.pause_invoices(1, &p, today), words);
    }
    let p = pause(vec![bk.a], "2027-01-04", "x");
    refused(pg.pause_invoices(999, &p, today), lite.pause_invoices(999, &p, today), "customer 999");
    refused(
        pg.resume_invoices(1, &[bk.theirs], today),
        lite.resume_invoices(1, &[bk.theirs], today),
        "is not an invoice of this customer",
    );
    refused(pg.resume_invoices(999, &[bk.a], today), lite.resume_invoices(999, &[bk.a], today), "customer 999");
    assert_eq!(counts(&db), before, "nothing half-written");

    // Paused, a pause replaced the same day and a later one, resumed.
    let p = pause(vec![bk.a, bk.b, bk.a], "2027-01-04", " Disputed: waiting on the PO ");
    assert_eq!(ok(pg.pause_invoices(1, &p, today), lite.pause_invoices(1, &p, today), "pause"), 2);
    same_books(&db, &pg, &lite, "2026-12-05");
    let p = pause(vec![bk.a], "2026-12-20", "shorter");
    assert_eq!(ok(pg.pause_invoices(1, &p, today), lite.pause_invoices(1, &p, today), "again"), 1);
    let later = d("2026-12-10");
    let p = pause(vec![bk.b], "2027-02-01", "longer");
    assert_eq!(ok(pg.pause_invoices(1, &p, later), lite.pause_invoices(1, &p, later), "later"), 1);
    same_books(&db, &pg, &lite, "2026-12-10");
    assert_eq!(ok(pg.resume_invoices(1, &[bk.a, bk.b], later), lite.resume_invoices(1, &[bk.a, bk.b], later), "r"), 2);
    assert_eq!(ok(pg.resume_invoices(1, &[bk.a, bk.b], later), lite.resume_invoices(1, &[bk.a, bk.b], later), "r"), 0);
    refused(
        pg.resume_invoices(1, &[bk.a], d("2200-01-01")),
        lite.resume_invoices(1, &[bk.a], d("2200-01-01")),
        "dates",
    );
    same_books(&db, &pg, &lite, "2026-12-10");
    same_books(&db, &pg, &lite, "2027-01-05");
}
