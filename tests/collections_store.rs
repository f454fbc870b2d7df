//! Collections (issue 18) through the store's public writes: a promise to
//! pay at each boundary day, read by the thread and by the Conversations
//! tab's filter alike; pauses ending on their day; every write audited,
//! version-checked, hostile text refused or kept inert, and nothing half
//! written when a write is refused. `ardesk check` finds rows that cross
//! customers, and the command line lists a broken promise.

mod common;
mod support;

use ardesk::domain::collections::{
    Channel, ConvStatus, ConversationRow, Direction, LogEntry, MessageKind, PauseDraft, PromiseDraft, PromiseState,
};
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::{Allocation, ApplyPlan, CreditDraft, PaymentDraft, RefundDraft};
use ardesk::domain::model::InvoiceRow;
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::location::Location;
use ardesk::store::window::View;
use ardesk::store::{Books, StoreError};
use common::*;
use support::backends::{db_arg, number, seed, texts, version};

struct Fx<'b> {
    store: &'b mut Books,
    acme: i64,
    /// $1,000 open, due 2026-11-30.
    a: i64,
    /// $800 open, due 2026-11-30.
    b: i64,
    /// $300 paid.
    paid: i64,
    /// $70 draft.
    draft: i64,
    /// Borealis's $400 open invoice.
    other_inv: i64,
}

fn fixture(store: &mut Books) -> Fx<'_> {
    let (acme, a, b, paid, draft, other_inv) = seed(store, |store| {
        let s = store.seeder().unwrap();
        let mut acme = common::Books::new(&s, "Acme", USD);
        let a = acme.invoice("2026-11-01", "2026-11-30", 100_000, USD);
        let b = acme.invoice("2026-11-01", "2026-11-30", 80_000, USD);
        let paid = acme.invoice("2026-10-01", "2026-10-31", 30_000, USD);
        let p = acme.payment("2026-10-20", 30_000, USD);
        acme.apply(paid, p, 30_000, "2026-10-20");
        acme.paid(paid);
        let draft = acme.invoice_as("2026-11-15", "2026-12-15", 7_000, InvoiceStatus::Draft, USD);
        let mut borealis = common::Books::new(&s, "Borealis", USD);
        let other_inv = borealis.invoice("2026-11-01", "2026-11-30", 40_000, USD);
        let acme = acme.customer;
        assert_eq!(acme, 1, "the messages below name customers 1 and 2");
        s.commit().unwrap();
        (acme, a, b, paid, draft, other_inv)
    });
    store.set_who("mia");
    Fx { store, acme, a, b, paid, draft, other_inv }
}

/// A day, even one past the bounds `d` keeps to.
fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
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

fn view(tab: Tab, filter: &str, today: &str) -> View {
    View {
        sort: Sort::default_for(tab),
        filter: ardesk::domain::filter::parse(filter, tab, USD).unwrap(),
        today: d(today),
    }
}

/// What `Books` does not forward, from whichever backend holds the books.
fn active_pause(b: &Books, invoice: i64, today: chrono::NaiveDate) -> Option<ardesk::domain::collections::Pause> {
    match b {
        Books::Lite(s) => s.active_pause(invoice, today),
        Books::Pg(s) => s.active_pause(invoice, today),
    }
    .unwrap()
}

fn invoice_pauses(b: &Books, invoice: i64) -> Vec<ardesk::domain::collections::Pause> {
    match b {
        Books::Lite(s) => s.invoice_pauses(invoice),
        Books::Pg(s) => s.invoice_pauses(invoice),
    }
    .unwrap()
}

fn broken_promises(b: &Books, today: chrono::NaiveDate) -> std::collections::BTreeMap<i64, i64> {
    match b {
        Books::Lite(s) => s.broken_promises(today),
        Books::Pg(s) => s.broken_promises(today),
    }
    .unwrap()
}

fn add_promise(
    b: &mut Books,
    conversation: i64,
    p: &PromiseDraft,
    today: chrono::NaiveDate,
) -> Result<i64, StoreError> {
    match b {
        Books::Lite(s) => s.add_promise(conversation, p, today),
        Books::Pg(s) => s.add_promise(conversation, p, today),
    }
}

impl Fx<'_> {
    fn count(&self, sql: &str) -> i64 {
        number(self.store, sql)
    }

    /// Rows of every table these writes touch, and of the audit log.
    fn counts(&self) -> Vec<i64> {
        [
            "conversations",
            "conversation_messages",
            "conversation_invoices",
            "promises",
            "promise_invoices",
            "invoice_pauses",
            "audit_log",
        ]
        .iter()
        .map(|t| self.count(&format!("SELECT count(*) FROM {t}")))
        .chain(std::iter::once(self.count("SELECT CAST(coalesce(sum(version), 0) AS TEXT) FROM conversations")))
        .chain(std::iter::once(self.count("SELECT CAST(coalesce(sum(version), 0) AS TEXT) FROM invoice_pauses")))
        .collect()
    }

    /// A conversation opened on `made` with a promise made that day of
    /// `amount` due `due` on `invoices`.
    fn promise(&mut self, made: &str, amount: i64, due: &str, invoices: &[i64]) -> i64 {
        let mut e = entry(None, "Dana says the money goes out next week");
        e.promise = Some(PromiseDraft { amount: usd(amount), due_on: d(due), invoice_ids: invoices.to_vec() });
        let (id, _) = self.store.log_entry(self.acme, &e, d(made)).unwrap();
        id
    }

    /// The promise's state on `today` by the thread and by the tab's
    /// filter, which must agree.
    fn state(&self, conversation: i64, today: &str) -> PromiseState {
        let detail = self.store.conversation_detail(self.acme, conversation).unwrap();
        let by_thread = detail.promises[0].state(d(today));
        let by_filter: Vec<PromiseState> = [PromiseState::Kept, PromiseState::Open, PromiseState::Broken]
            .into_iter()
            .filter(|s| {
                let v = view(Tab::Conversations, &format!("promise:{}", s.label()), today);
                let (n, _) = self.store.view_totals::<ConversationRow>(self.acme, &v).unwrap();
                n == 1
            })
            .collect();
        assert_eq!(by_filter, [by_thread], "on {today}: the thread and the filter differ");
        let row = &self
            .store
            .window_view::<ConversationRow>(self.acme, &view(Tab::Conversations, "", today), &Seek::First, 10)
            .unwrap()[0]
            .row;
        assert_eq!(row.promise_state(d(today)), Some(by_thread), "on {today}: the tab's row differs");
        by_thread
    }

    fn paused(&self, invoice: i64, today: &str) -> bool {
        let rows =
            self.store.window_view::<InvoiceRow>(self.acme, &view(Tab::Invoices, "", today), &Seek::First, 50).unwrap();
        let by_row = rows.iter().find(|k| k.row.id == invoice).unwrap().row.paused(d(today));
        let filtered = self
            .store
            .window_view::<InvoiceRow>(self.acme, &view(Tab::Invoices, "status:paused", today), &Seek::First, 50)
            .unwrap();
        let by_filter = filtered.iter().any(|k| k.row.id == invoice);
        assert_eq!(by_row, by_filter, "on {today}: InvoiceRow::paused and status:paused differ");
        let by_pause = active_pause(self.store, invoice, d(today)).is_some();
        assert_eq!(by_row, by_pause, "on {today}: InvoiceRow::paused and active_pause differ");
        by_row
    }

    /// A succeeded payment received on `received`, `amount` of it applied
    /// to `invoice` on `applied`: recorded so (the same day), or recorded
    /// unapplied and applied then.
    fn pay(&mut self, received: &str, applied: &str, amount: i64, invoice: i64) -> i64 {
        let to = if received == applied { vec![invoice] } else { Vec::new() };
        let draft = PaymentDraft {
            received_on: d(received),
            amount_minor: amount,
            currency: USD,
            reference: String::new(),
            allocation: Allocation::Invoices(to),
        };
        let p = self.store.record_payment(self.acme, &draft).unwrap().payment_id;
        if received != applied {
            let v = version(self.store, "payments", p);
            let plan = ApplyPlan::Invoices(vec![(invoice, amount)]);
            self.store.apply_payment(self.acme, p, v, &plan, d(applied)).unwrap();
        }
        p
    }
}

use PromiseState::{Broken, Kept, Open};

on_both! {
fn an_unpaid_promise_is_open_through_its_day_and_broken_the_day_after(store: &mut Books) {
    let mut fx = fixture(store);
    let cv = fx.promise("2026-12-01", 50_000, "2026-12-15", &[fx.a]);
    assert_eq!(fx.state(cv, "2026-12-01"), Open);
    assert_eq!(fx.state(cv, "2026-12-15"), Open);
    assert_eq!(fx.state(cv, "2026-12-16"), Broken);
}

fn a_payment_received_on_the_day_counts_whenever_it_is_applied(store: &mut Books) {
    let mut fx = fixture(store);
    let cv = fx.promise("2026-12-01", 50_000, "2026-12-15", &[fx.a]);
    fx.pay("2026-12-15", "2026-12-20", 50_000, fx.a);
    assert_eq!(fx.state(cv, "2026-12-20"), Kept);
    assert_eq!(fx.state(cv, "2027-03-01"), Kept);
}

fn a_payment_received_the_day_after_is_too_late(store: &mut Books) {
    let mut fx = fixture(store);
    let cv = fx.promise("2026-12-01", 50_000, "2026-12-15", &[fx.a]);
    fx.pay("2026-12-16", "2026-12-16", 50_000, fx.a);
    assert_eq!(fx.state(cv, "2026-12-16"), Broken);
    assert_eq!(fx.state(cv, "2026-12-20"), Broken);
}

fn a_payment_received_before_the_promise_was_made_does_not_count(store: &mut Books) {
    let mut fx = fixture(store);
    let cv = fx.promise("2026-12-01", 50_000, "2026-12-15", &[fx.a]);
    fx.pay("2026-11-30", "2026-12-02", 50_000, fx.a);
    assert_eq!(fx.state(cv, "2026-12-10"), Open);
    assert_eq!(fx.state(cv, "2026-12-16"), Broken);
    assert_eq!(fx.store.conversation_detail(fx.acme, cv).unwrap().promises[0].paid, usd(0));
}

fn credit_is_not_payment(store: &mut Books) {
    let mut fx = fixture(store);
    let cv = fx.promise("2026-12-01", 50_000, "2026-12-15", &[fx.a]);
    let granted = CreditDraft { granted_on: d("2026-12-05"), amount_minor: 50_000, currency: USD, reason: "goodwill".into() };
    let c = fx.store.grant_credit(fx.acme, &granted).unwrap();
    let plan = ApplyPlan::Invoices(vec![(fx.a, 50_000)]);
    fx.store.apply_credit(fx.acme, c, version(fx.store, "credits", c), &plan, d("2026-12-05")).unwrap();
    assert_eq!(fx.state(cv, "2026-12-15"), Open);
    assert_eq!(fx.state(cv, "2026-12-16"), Broken);
}

fn a_partial_payment_leaves_it_open_then_broken(store: &mut Books) {
    let mut fx = fixture(store);
    let cv = fx.promise("2026-12-01", 50_000, "2026-12-15", &[fx.a]);
    fx.pay("2026-12-10", "2026-12-10", 20_000, fx.a);
    assert_eq!(fx.state(cv, "2026-12-15"), Open);
    let p = &fx.store.conversation_detail(fx.acme, cv).unwrap().promises[0];
    assert_eq!(p.paid, usd(20_000));
    assert_eq!(p.summary(d("2026-12-15")), "open · $500.00 by 2026-12-15, $200.00 paid (C1-1)");
    assert_eq!(fx.state(cv, "2026-12-16"), Broken);
}

fn payments_to_two_invoices_add_up(store: &mut Books) {
    let mut fx = fixture(store);
    let cv = fx.promise("2026-12-01", 50_000, "2026-12-15", &[fx.a, fx.b]);
    fx.pay("2026-12-05", "2026-12-05", 30_000, fx.a);
    assert_eq!(fx.state(cv, "2026-12-16"), Broken);
    fx.pay("2026-12-06", "2026-12-06", 20_000, fx.b);
    assert_eq!(fx.state(cv, "2026-12-16"), Kept);
    let detail = fx.store.conversation_detail(fx.acme, cv).unwrap();
    assert_eq!(detail.promises[0].invoices, ["C1-1", "C1-2"]);
    // The promise's invoices are the conversation's too.
    let linked: Vec<i64> = detail.invoices.iter().map(|i| i.id).collect();
    assert_eq!(linked, [fx.a, fx.b]);
}

fn a_refunded_payment_does_not_count(store: &mut Books) {
    let mut fx = fixture(store);
    let cv = fx.promise("2026-12-01", 50_000, "2026-12-15", &[fx.a]);
    let p = fx.pay("2026-12-10", "2026-12-10", 50_000, fx.a);
    assert_eq!(fx.state(cv, "2026-12-10"), Kept);
    let refund = RefundDraft { refunded_on: d("2026-12-12"), amount_minor: 50_000, reason: "bounced".into() };
    fx.store.refund_payment(p, 1, &refund).unwrap();
    assert_eq!(fx.state(cv, "2026-12-15"), Open);
    assert_eq!(fx.state(cv, "2026-12-16"), Broken);
    assert_eq!(broken_promises(fx.store, d("2026-12-16")).get(&fx.acme), Some(&1));
}

fn a_pause_holds_until_its_day(store: &mut Books) {
    let fx = fixture(store);
    let pause = PauseDraft { invoice_ids: vec![fx.a], until_on: d("2027-01-04"), reason: " disputed ".into() };
    assert_eq!(fx.store.pause_invoices(fx.acme, &pause, d("2026-12-05")).unwrap(), 1);
    assert!(fx.paused(fx.a, "2026-12-05"));
    assert!(fx.paused(fx.a, "2027-01-03"));
    assert!(!fx.paused(fx.a, "2027-01-04"));
    assert!(!fx.paused(fx.b, "2026-12-05"));
    // On the invoice's history, as a person reads it.
    let detail = fx.store.invoice_detail(fx.acme, fx.a).unwrap();
    assert_eq!(detail.history[0].summary, "paused collections on C1-1 until 2027-01-04: disputed");
    assert_eq!(detail.history[0].who, "mia");
    assert_eq!(detail.pauses[0].reason, "disputed");
    // Resumed early: not paused that day.
    assert_eq!(fx.store.resume_invoices(fx.acme, &[fx.a, fx.b], d("2026-12-10")).unwrap(), 1);
    assert!(fx.paused(fx.a, "2026-12-09"));
    assert!(!fx.paused(fx.a, "2026-12-10"));
    assert!(!fx.paused(fx.a, "2026-12-20"));
    let detail = fx.store.invoice_detail(fx.acme, fx.a).unwrap();
    assert_eq!(detail.history[0].summary, "resumed collections on C1-1 (paused until 2027-01-04)");
    assert_eq!(detail.pauses[0].ended_on, Some(d("2026-12-10")));
    // Nothing left to resume.
    assert_eq!(fx.store.resume_invoices(fx.acme, &[fx.a], d("2026-12-11")).unwrap(), 0);
}

fn a_second_pause_replaces_the_first(store: &mut Books) {
    let fx = fixture(store);
    let first = PauseDraft { invoice_ids: vec![fx.a], until_on: d("2027-01-04"), reason: "disputed".into() };
    fx.store.pause_invoices(fx.acme, &first, d("2026-12-05")).unwrap();
    let second = PauseDraft { invoice_ids: vec![fx.a, fx.a], until_on: d("2026-12-20"), reason: "agreed plan".into() };
    assert_eq!(fx.store.pause_invoices(fx.acme, &second, d("2026-12-08")).unwrap(), 1, "each invoice once");
    let pauses = invoice_pauses(fx.store, fx.a);
    assert_eq!(pauses.len(), 2);
    assert_eq!((pauses[0].paused_on, pauses[0].until_on, pauses[0].ended_on), (d("2026-12-08"), d("2026-12-20"), None));
    assert_eq!(pauses[1].ended_on, Some(d("2026-12-08")));
    assert!(fx.paused(fx.a, "2026-12-08"));
    assert!(fx.paused(fx.a, "2026-12-19"));
    assert!(!fx.paused(fx.a, "2026-12-20"));
    assert!(!fx.paused(fx.a, "2027-01-03"), "the first pause no longer holds");
    let detail = fx.store.invoice_detail(fx.acme, fx.a).unwrap();
    assert_eq!(
        detail.history[0].summary,
        "paused collections on C1-1 until 2026-12-20 (was paused until 2027-01-04): agreed plan"
    );
    // Paused again the same day it was paused: the pause of that day ends
    // that day and the new one holds.
    let third = PauseDraft { invoice_ids: vec![fx.a], until_on: d("2026-12-31"), reason: "longer".into() };
    fx.store.pause_invoices(fx.acme, &third, d("2026-12-08")).unwrap();
    assert!(fx.paused(fx.a, "2026-12-30"));
    assert!(!fx.paused(fx.a, "2026-12-31"));
    assert!(fx.store.check(d("2026-12-08")).unwrap().is_empty());
}

fn pauses_are_refused_with_the_reason_and_write_nothing(store: &mut Books) {
    let fx = fixture(store);
    let before = fx.counts();
    let mut refuse = |ids: Vec<i64>, until: &str, reason: &str, want: &str| {
        let p = PauseDraft { invoice_ids: ids, until_on: day(until), reason: reason.into() };
        let e = fx.store.pause_invoices(fx.acme, &p, d("2026-12-05")).unwrap_err().to_string();
        assert!(e.contains(want), "{want:?} not in {e:?}");
    };
    refuse(vec![fx.a, fx.paid], "2027-01-04", "x", "C1-3 is paid: nothing is left to collect");
    refuse(vec![fx.draft], "2027-01-04", "x", "C1-4 is a draft: it was never issued");
    refuse(
        vec![fx.a, fx.other_inv],
        "2027-01-04",
        "x",
        &format!("invoice #{} is not an invoice of this customer", fx.other_inv),
    );
    refuse(vec![fx.a], "2026-12-05", "x", "the day collections resume (2026-12-05) must be after today (2026-12-05)");
    refuse(vec![fx.a], "2200-01-01", "x", "dates must fall between");
    refuse(vec![fx.a], "2027-01-04", "  ", "the reason is required");
    refuse(vec![fx.a], "2027-01-04", &"r".repeat(1001), "the reason is 1001 characters long; at most 1000 are kept");
    refuse(vec![], "2027-01-04", "x", "pick at least one invoice");
    assert_eq!(fx.counts(), before, "nothing half-written");
    let e = fx.store.resume_invoices(fx.acme, &[fx.other_inv], d("2026-12-05")).unwrap_err().to_string();
    assert!(e.contains("is not an invoice of this customer"), "{e}");
}

fn logging_opens_links_resolves_and_audits(store: &mut Books) {
    let fx = fixture(store);
    let mut e = entry(None, "Called Dana.\nShe will pay A next week.");
    e.invoice_ids = vec![fx.a, fx.a];
    e.outcome = "promised".into();
    e.promise = Some(PromiseDraft { amount: usd(50_000), due_on: d("2026-12-15"), invoice_ids: vec![fx.a] });
    let (cv, msg) = fx.store.log_entry(fx.acme, &e, d("2026-12-01")).unwrap();
    let detail = fx.store.conversation_detail(fx.acme, cv).unwrap();
    let c = &detail.conversation;
    assert_eq!(
        (c.subject.as_str(), c.channel, c.status, c.opened_on),
        ("November invoices", Channel::Phone, ConvStatus::Open, d("2026-12-01"))
    );
    assert_eq!(detail.messages.len(), 1);
    let m = &detail.messages[0];
    assert_eq!(
        (m.id, m.at.as_str(), m.author.as_str(), m.outcome.as_str()),
        (msg, "2026-12-01T15:04:05Z", "mia", "promised")
    );
    assert_eq!(detail.invoices.len(), 1);
    assert_eq!(detail.promises[0].made_on, d("2026-12-01"));
    let audit: Vec<(String, String, String)> =
        texts(fx.store, &format!("SELECT entity, action, summary FROM audit_log WHERE customer_id = {} ORDER BY id", fx.acme))
            .into_iter()
            .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap(), r[2].clone().unwrap()))
            .collect();
    let want = [
        ("conversation", "create", "opened the conversation \"November invoices\" (phone)"),
        ("message", "create", "logged a call on \"November invoices\": Called Dana."),
        ("promise", "create", "promise to pay $500.00 by 2026-12-15 (C1-1)"),
    ];
    let got: Vec<(&str, &str, &str)> = audit.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
    assert_eq!(got, want);

    // Another call on it: a version further, nothing else changed.
    let mut again = entry(Some(cv), "");
    again.outcome = "left a voicemail".into();
    again.version = Some(c.version);
    fx.store.log_entry(fx.acme, &again, d("2026-12-02")).unwrap();
    let c = fx.store.conversation_detail(fx.acme, cv).unwrap().conversation;
    // A call logged by its outcome alone: the tab's latest message says it.
    assert_eq!((c.status, c.version, c.latest.as_str()), (ConvStatus::Open, 2, "left a voicemail"));
    // A note on it, resolving it: a version further, resolved by mia.
    let v = c.version;
    let mut note = entry(Some(cv), "Paid in full, closing.");
    note.kind = MessageKind::Note;
    note.direction = Direction::Internal;
    note.at = None;
    note.version = Some(v);
    note.status = Some(ConvStatus::Resolved);
    fx.store.log_entry(fx.acme, &note, d("2026-12-03")).unwrap();
    let c = fx.store.conversation_detail(fx.acme, cv).unwrap().conversation;
    assert_eq!(
        (c.status, c.resolved_label(), c.resolved_on),
        (ConvStatus::Resolved, "Person (mia)".to_string(), Some(d("2026-12-03")))
    );
    assert!(c.version > v);
    // The stale version is refused.
    let before = fx.counts();
    let e = fx.store.log_entry(fx.acme, &note, d("2026-12-03")).unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    assert!(e.to_string().contains("changed elsewhere"), "{e}");
    let e = fx.store.set_conversation_status(cv, v, ConvStatus::Open, d("2026-12-04")).unwrap_err();
    assert!(e.to_string().contains("changed elsewhere"), "{e}");
    assert_eq!(fx.counts(), before);
    // Resolved twice, reopened twice: refused.
    let e = fx.store.set_conversation_status(cv, c.version, ConvStatus::Resolved, d("2026-12-04")).unwrap_err();
    assert_eq!(e.to_string(), "\"November invoices\" is already resolved: reopen it to resolve it again");
    fx.store.set_conversation_status(cv, c.version, ConvStatus::Open, d("2026-12-04")).unwrap();
    let c2 = fx.store.conversation_detail(fx.acme, cv).unwrap().conversation;
    assert_eq!((c2.status, c2.resolved_by, c2.resolver.as_str(), c2.resolved_on), (ConvStatus::Open, None, "", None));
    let e = fx.store.set_conversation_status(cv, c2.version, ConvStatus::Open, d("2026-12-04")).unwrap_err();
    assert_eq!(e.to_string(), "\"November invoices\" is already open");
    fx.store.set_conversation_status(cv, c2.version, ConvStatus::Waiting, d("2026-12-04")).unwrap();
    let actions: Vec<String> = texts(
        fx.store,
        &format!("SELECT action FROM audit_log WHERE customer_id = {} AND entity = 'conversation' ORDER BY id", fx.acme),
    )
    .into_iter()
    .map(|r| r[0].clone().unwrap())
    .collect();
    assert_eq!(actions, ["create", "resolve", "reopen", "waiting"]);
    let e = fx.store.set_conversation_status(999, 1, ConvStatus::Open, d("2026-12-04")).unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");
    // Every row written has its audit row under the customer.
    let unowned = "SELECT count(*) FROM audit_log WHERE (customer_id IS NULL OR customer_id <> 1)
                   AND entity IN ('conversation', 'message', 'promise', 'invoice')";
    assert_eq!(fx.count(unowned), 0);
    assert!(fx.store.check(d("2026-12-04")).unwrap().is_empty());
}

fn add_promise_checks_amount_currency_day_and_invoices(store: &mut Books) {
    let fx = fixture(store);
    let (cv, _) = fx.store.log_entry(fx.acme, &entry(None, "hello"), d("2026-12-01")).unwrap();
    let before = fx.counts();
    let mut refuse = |amount: ardesk::domain::Money, due: &str, ids: Vec<i64>, want: &str| {
        let p = PromiseDraft { amount, due_on: day(due), invoice_ids: ids };
        let e = add_promise(fx.store, cv, &p, d("2026-12-01")).unwrap_err().to_string();
        assert!(e.contains(want), "{want:?} not in {e:?}");
    };
    refuse(usd(0), "2026-12-15", vec![fx.a], "the promised amount must be more than zero");
    refuse(usd(-5), "2026-12-15", vec![fx.a], "the promised amount must be more than zero");
    refuse(
        usd(10_000_000_000_001),
        "2026-12-15",
        vec![fx.a],
        "the promised amount is too large: at most $100,000,000,000.00",
    );
    refuse(
        ardesk::domain::Money::new(50_000, EUR),
        "2026-12-15",
        vec![fx.a],
        "the promised amount is in EUR, but the customer is billed in USD",
    );
    refuse(usd(50_000), "2026-11-30", vec![fx.a], "the promised day 2026-11-30 is in the past");
    refuse(usd(50_000), "2200-01-01", vec![fx.a], "dates must fall between");
    refuse(usd(50_000), "2026-12-15", vec![], "a promise to pay needs at least one invoice");
    refuse(
        usd(50_000),
        "2026-12-15",
        vec![fx.a, fx.other_inv],
        &format!("invoice #{} is not an invoice of this customer", fx.other_inv),
    );
    refuse(usd(50_000), "2026-12-15", vec![fx.paid], "a promise to pay is for open invoices: C1-3 is paid");
    assert_eq!(fx.counts(), before, "nothing half-written");
    // On the day itself, and at the largest amount: taken.
    let p = PromiseDraft { amount: usd(10_000_000_000_000), due_on: d("2026-12-01"), invoice_ids: vec![fx.a] };
    let id = add_promise(fx.store, cv, &p, d("2026-12-01")).unwrap();
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM audit_log WHERE entity = 'promise' AND entity_id = {id} AND customer_id = {}",
            fx.acme
        )),
        1
    );
    let e = add_promise(fx.store, 999, &p, d("2026-12-01")).unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");
}

fn hostile_text_is_refused_or_kept_inert_and_nothing_is_half_written(store: &mut Books) {
    let fx = fixture(store);
    let before = fx.counts();
    let mut refuse = |e: LogEntry, want: &str| {
        let err = fx.store.log_entry(fx.acme, &e, d("2026-12-01")).unwrap_err().to_string();
        assert!(err.contains(want), "{want:?} not in {err:?}");
    };
    refuse(entry(None, &"x".repeat(20_001)), "the body is 20001 characters long; at most 20000 are kept");
    refuse(entry(None, "a\0b"), "the body contains a NUL character");
    refuse(entry(None, "  \n "), "write what was said (the body) or what it came to (the outcome)");
    refuse(LogEntry { subject: " ".into(), ..entry(None, "hi") }, "the subject is required");
    refuse(
        LogEntry { subject: "s".repeat(501), ..entry(None, "hi") },
        "the subject is 501 characters long; at most 500 are kept",
    );
    refuse(
        LogEntry { outcome: "o".repeat(1001), ..entry(None, "hi") },
        "the outcome is 1001 characters long; at most 1000 are kept",
    );
    for at in ["2026-12-01 15:04:05", "1899-12-31T23:59:59Z", "2200-01-01T00:00:00Z", "yesterday"] {
        refuse(LogEntry { at: Some(at.into()), ..entry(None, "hi") }, "is not a UTC time like 2026-12-01T14:30:00Z");
    }
    refuse(
        LogEntry { invoice_ids: vec![fx.a, fx.other_inv], ..entry(None, "hi") },
        "is not an invoice of this customer",
    );
    // Refused late, after the conversation and the message were written:
    // the promise's invoice is another customer's.
    let late = LogEntry {
        promise: Some(PromiseDraft { amount: usd(100), due_on: d("2026-12-15"), invoice_ids: vec![fx.other_inv] }),
        ..entry(None, "hi")
    };
    refuse(late, "is not an invoice of this customer");
    refuse(entry(Some(12345), "hi"), "conversation #12345");
    assert_eq!(fx.counts(), before, "nothing half-written");
    // Another customer's conversation is not this one's.
    let (cv, _) = fx.store.log_entry(fx.acme, &entry(None, "hi"), d("2026-12-01")).unwrap();
    let other = fx.count(&format!("SELECT customer_id FROM invoices WHERE id = {}", fx.other_inv));
    let e = fx.store.log_entry(other, &entry(Some(cv), "hi"), d("2026-12-01")).unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");

    // Escape sequences are kept as typed (the screen cleans them when
    // drawn); 20,000 characters are kept.
    let esc = "\u{1b}]52;c;aGk=\u{7}\u{1b}[2J pay now";
    let (cv, _) =
        fx.store.log_entry(fx.acme, &LogEntry { subject: esc.into(), ..entry(None, esc) }, d("2026-12-01")).unwrap();
    let long = "é".repeat(20_000);
    fx.store.log_entry(fx.acme, &entry(Some(cv), &long), d("2026-12-01")).unwrap();
    let detail = fx.store.conversation_detail(fx.acme, cv).unwrap();
    assert_eq!(detail.conversation.subject, esc);
    let bodies: Vec<&str> = detail.messages.iter().map(|m| m.body.as_str()).collect();
    assert!(bodies.contains(&esc) && bodies.contains(&long.as_str()));
}
}

/// SQLite's only: the corruptions are written beneath the store, and a
/// server's foreign keys and triggers refuse some of them outright
/// (`tests/pg_check.rs` corrupts a server's books its own way).
#[test]
fn check_finds_rows_that_cross_customers() {
    let (_held, mut books) = support::backends::sqlite();
    let mut fx = fixture(&mut books);
    let Location::File(path) = fx.store.location() else { unreachable!() };
    let cv = fx.promise("2026-12-01", 50_000, "2026-12-15", &[fx.a]);
    let pause = PauseDraft { invoice_ids: vec![fx.a], until_on: d("2027-01-04"), reason: "disputed".into() };
    fx.store.pause_invoices(fx.acme, &pause, d("2026-12-05")).unwrap();
    assert_eq!(fx.store.check(d("2026-12-05")).unwrap(), Vec::<String>::new());
    let other = fx.count(&format!("SELECT customer_id FROM invoices WHERE id = {}", fx.other_inv));
    let raw = rusqlite::Connection::open(&path).unwrap();
    // Each corruption committed (the store reads what is committed), seen
    // by `check`, then undone.
    let corrupt = |sql: &str, undo: &str, want: &str| {
        raw.execute_batch(sql).unwrap();
        let problems = fx.store.check(d("2026-12-05")).unwrap();
        raw.execute_batch(undo).unwrap();
        assert!(problems.iter().any(|p| p.contains(want)), "{want:?} not in {problems:?}");
    };
    corrupt(
        &format!("INSERT INTO conversation_invoices VALUES ({cv}, {})", fx.other_inv),
        "DELETE FROM conversation_invoices WHERE invoice_id IN (SELECT id FROM invoices WHERE customer_id <> 1)",
        &format!(
            "a conversation's invoice is another customer's: conversation {cv} (customer 1): invoice C2-1 is customer {other}'s"
        ),
    );
    corrupt(
        &format!("INSERT INTO promise_invoices SELECT id, {} FROM promises", fx.other_inv),
        "DELETE FROM promise_invoices WHERE invoice_id IN (SELECT id FROM invoices WHERE customer_id <> 1)",
        "a promise's invoice is another customer's: promise 1 (customer 1): invoice C2-1 is customer 2's",
    );
    corrupt(
        "UPDATE promises SET currency = 'EUR'",
        "UPDATE promises SET currency = 'USD'",
        "a promise's customer is not its conversation's, or its currency not the customer's: promise 1: in EUR, customer 1 in USD",
    );
    corrupt(
        &format!("UPDATE promises SET customer_id = {other}"),
        "UPDATE promises SET customer_id = 1",
        "promise 1: customer 2, its conversation 1 customer 1",
    );
    corrupt(
        &format!("UPDATE invoice_pauses SET customer_id = {other}"),
        "UPDATE invoice_pauses SET customer_id = 1",
        "a pause's customer is not its invoice's: pause 1 of invoice C1-1: customer 2, the invoice is customer 1's",
    );
    assert!(fx.store.check(d("2026-12-05")).unwrap().is_empty());
}

on_both! {
fn the_command_line_lists_a_broken_promise(store: &mut Books) {
    let fx = fixture(store);
    let mut e = entry(None, "Dana promised");
    e.subject = "Late November invoices".into();
    e.promise = Some(PromiseDraft { amount: usd(50_000), due_on: d("2026-12-15"), invoice_ids: vec![fx.a] });
    fx.store.log_entry(fx.acme, &e, d("2026-12-01")).unwrap();
    fx.store
        .log_entry(fx.acme, &LogEntry { subject: "Other".into(), ..entry(None, "no promise") }, d("2026-12-01"))
        .unwrap();
    let (db, acme) = (db_arg(fx.store), fx.acme);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ardesk"))
        .args(["--today", "2026-12-16", "--db"])
        .arg(&db)
        .args(["conversations", "--customer", &acme.to_string(), "--filter", "promise:broken", "--format", "csv"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "a header and one row: {stdout}");
    assert!(lines[1].contains("Late November invoices"), "{stdout}");
    assert!(lines[1].contains("C1-1"), "{stdout}");
}
}
