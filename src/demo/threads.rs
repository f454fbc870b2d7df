//! Collections threads for the main demo customers (issue 18): what the
//! agent and people said to whom, on which channel, the promises to pay
//! that came of it and the invoices paused meanwhile. Nothing random: the
//! threads follow each customer's own invoices, so they read true (the
//! invoice the agent sent a link for is the one that got paid), and the
//! rest of the demo draws the same numbers as before.

use crate::domain::collections::{AuthorKind, Channel, ConvStatus, Direction, MessageKind, ResolvedBy};
use crate::domain::date::from_iso;
use crate::domain::{Currency, Money};
use crate::store::Result;
use crate::store::seed::{NewMessage, NewThread, SeededInvoice, Seeder};
use chrono::{Duration, NaiveDate};

/// The agent's name as its messages and resolutions carry it.
pub const AGENT: &str = "Ardesk Agent";

/// How many of the first customers get threads.
pub const CUSTOMERS: i64 = 5;

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn at(d: NaiveDate, hm: &str) -> String {
    format!("{d}T{hm}:00Z")
}

struct Say<'a> {
    at: String,
    direction: Direction,
    kind: MessageKind,
    author_kind: AuthorKind,
    author: &'a str,
    body: String,
    outcome: &'a str,
}

fn say(s: &Seeder<'_>, conv: i64, n: usize, m: Say<'_>) -> Result<()> {
    let ext = format!("demo-{conv}-{n}");
    s.message(
        conv,
        &NewMessage {
            at: &m.at,
            direction: m.direction,
            kind: m.kind,
            author_kind: m.author_kind,
            author: m.author,
            body: &m.body,
            outcome: m.outcome,
            external_id: Some(&ext),
        },
    )?;
    Ok(())
}

fn money(minor: i64, cur: Currency) -> String {
    Money::new(minor, cur).display()
}

/// An invoice paid by a payment: the last payment's day and what it applied.
fn paid(s: &Seeder<'_>, inv: &SeededInvoice, today: NaiveDate) -> Result<Option<(NaiveDate, i64)>> {
    let pays = s.payments_to(inv.id)?;
    Ok(pays.last().map(|(on, amt)| (from_iso(on), *amt)).filter(|(on, _)| *on <= today && *on > today - days(300)))
}

/// Open, unpaid and due: the invoices collections chase, oldest due first.
fn unpaid(invoices: &[SeededInvoice], today: NaiveDate) -> Vec<&SeededInvoice> {
    let mut v: Vec<&SeededInvoice> = invoices
        .iter()
        .filter(|i| i.status == "open" && i.balance_minor > 0 && from_iso(&i.issue_date) <= today)
        .collect();
    v.sort_by(|a, b| a.due_date.cmp(&b.due_date).then(a.number.cmp(&b.number)));
    v
}

/// Writes the threads of the first `CUSTOMERS` customers.
pub fn generate(s: &Seeder<'_>, currencies: &[Currency], today: NaiveDate) -> Result<()> {
    for (i, cur) in currencies.iter().enumerate().take(CUSTOMERS as usize) {
        let id = i as i64 + 1;
        let invoices = s.invoices_of(id)?;
        let contact = s.first_contact(id)?;
        let contact = if contact.is_empty() { "Accounts Payable".to_string() } else { contact };
        agent_resolved(s, id, *cur, &invoices, &contact, today, id == 1)?;
        if id == 1 {
            acme(s, *cur, &invoices, &contact, today)?;
        } else {
            others(s, id, *cur, &invoices, &contact, today)?;
        }
    }
    Ok(())
}

/// The agent emails a payment link for an invoice, the contact replies,
/// the customer pays, and the agent closes it on the payment's day; on
/// Acme the reply is a promise, kept by that payment.
fn agent_resolved(
    s: &Seeder<'_>,
    cid: i64,
    cur: Currency,
    invoices: &[SeededInvoice],
    contact: &str,
    today: NaiveDate,
    promise: bool,
) -> Result<()> {
    let mut found = None;
    for inv in invoices.iter().rev().filter(|i| i.status == "paid") {
        if let Some(p) = paid(s, inv, today)? {
            found = Some((inv, p));
            break;
        }
    }
    let Some((inv, (paid_on, amount))) = found else { return Ok(()) };
    let opened = paid_on - days(6);
    let number = &inv.number;
    let ext = format!("agent-{cid}-{number}");
    let conv = s.thread(
        cid,
        &NewThread {
            subject: &format!("Payment link for {number}"),
            channel: Channel::Email,
            opened_on: opened,
            status: ConvStatus::Open,
            resolved: Some((paid_on, ResolvedBy::Agent, AGENT)),
            external_id: Some(&ext),
        },
    )?;
    s.link_invoice(conv, inv.id)?;
    let due = money(amount, cur);
    say(
        s,
        conv,
        1,
        Say {
            at: at(opened, "09:12"),
            direction: Direction::Out,
            kind: MessageKind::Email,
            author_kind: AuthorKind::Agent,
            author: AGENT,
            body: format!(
                "Hello {contact},\n\nInvoice {number} ({due}) was due on {}. You can pay it by card or bank \
                 transfer here:\nhttps://pay.northwind.example/i/{number}\n\nIf it is already on its way, please \
                 ignore this note.\n\nThank you,\nNorthwind Billing",
                inv.due_date
            ),
            outcome: "payment link sent",
        },
    )?;
    let first = contact.split(' ').next().unwrap_or(contact);
    say(
        s,
        conv,
        2,
        Say {
            at: at(opened + days(1), "15:40"),
            direction: Direction::In,
            kind: MessageKind::Email,
            author_kind: AuthorKind::Contact,
            author: contact,
            body: format!(
                "Hi,\n\nThanks for the reminder. It slipped through our approval run; I have queued {number} \
                 for payment and it will reach you by {paid_on}.\n\nBest,\n{first}"
            ),
            outcome: if promise { "promise to pay" } else { "" },
        },
    )?;
    if promise {
        s.promise(conv, opened + days(1), paid_on, amount, &[inv.id], Some(&format!("{ext}-promise")))?;
    }
    say(
        s,
        conv,
        3,
        Say {
            at: at(paid_on, "18:05"),
            direction: Direction::Internal,
            kind: MessageKind::Note,
            author_kind: AuthorKind::Agent,
            author: AGENT,
            body: format!(
                "Payment of {due} received on {paid_on} and applied to {number}.\nThe invoice is paid in full; \
                 closing this conversation."
            ),
            outcome: "paid",
        },
    )?;
    Ok(())
}

/// Acme: a broken promise (a call, then the agent chasing after the day),
/// an open promise waiting on the customer on the portal, a disputed
/// invoice paused by letter, and a pause that ended, resolved by a person.
fn acme(s: &Seeder<'_>, cur: Currency, invoices: &[SeededInvoice], contact: &str, today: NaiveDate) -> Result<()> {
    // Nothing paid towards them lately, so a promise made now is not kept.
    let mut quiet = Vec::new();
    for inv in unpaid(invoices, today) {
        if s.payments_to(inv.id)?.last().is_none_or(|(on, _)| from_iso(on) < today - days(30)) {
            quiet.push(inv);
        }
    }
    let mut used = Vec::new();
    let mut open = quiet.into_iter().inspect(|i| used.push(i.id));
    if let Some(inv) = open.next() {
        let (made, due) = (today - days(20), today - days(6));
        let number = &inv.number;
        let conv = s.thread(
            1,
            &NewThread {
                subject: &format!("Overdue {number}"),
                channel: Channel::Phone,
                opened_on: made,
                status: ConvStatus::Open,
                resolved: None,
                external_id: Some("acme-overdue-call"),
            },
        )?;
        s.link_invoice(conv, inv.id)?;
        let bal = money(inv.balance_minor, cur);
        say(
            s,
            conv,
            1,
            Say {
                at: at(made, "14:30"),
                direction: Direction::Out,
                kind: MessageKind::Call,
                author_kind: AuthorKind::Person,
                author: "maria",
                body: format!(
                    "Called {contact} about {number} ({bal}, due {}).\nThey confirmed the invoice is approved \
                     and said the payment run on {due} would include it.\nAsked for a remittance advice by email.",
                    inv.due_date
                ),
                outcome: &format!("promised {bal} by {due}"),
            },
        )?;
        s.promise(conv, made, due, inv.balance_minor, &[inv.id], Some("acme-overdue-call-promise"))?;
        say(
            s,
            conv,
            2,
            Say {
                at: at(due + days(3), "09:00"),
                direction: Direction::Out,
                kind: MessageKind::Email,
                author_kind: AuthorKind::Agent,
                author: AGENT,
                body: format!(
                    "Hello {contact},\n\nWe had expected payment of {number} ({bal}) by {due}, as agreed on the \
                     phone, but have not received it.\nCould you let us know when it will be paid?\n\nThank you,\n\
                     Northwind Billing"
                ),
                outcome: "promise broken: chased",
            },
        )?;
    }
    if let Some(inv) = open.next() {
        let (made, due) = (today - days(2), today + days(10));
        let number = &inv.number;
        let conv = s.thread(
            1,
            &NewThread {
                subject: &format!("Payment plan for {number}"),
                channel: Channel::Portal,
                opened_on: made,
                status: ConvStatus::Waiting,
                resolved: None,
                external_id: Some("acme-portal-plan"),
            },
        )?;
        s.link_invoice(conv, inv.id)?;
        let bal = money(inv.balance_minor, cur);
        say(
            s,
            conv,
            1,
            Say {
                at: at(made, "10:15"),
                direction: Direction::In,
                kind: MessageKind::Portal,
                author_kind: AuthorKind::Contact,
                author: contact,
                body: format!(
                    "Hello,\n\nWe will settle {number} ({bal}) by {due}, once our quarter-end funds clear.\n\
                     Please hold any further reminders until then."
                ),
                outcome: "promise to pay",
            },
        )?;
        s.promise(conv, made, due, inv.balance_minor, &[inv.id], Some("acme-portal-plan-promise"))?;
        say(
            s,
            conv,
            2,
            Say {
                at: at(made, "10:32"),
                direction: Direction::Out,
                kind: MessageKind::Portal,
                author_kind: AuthorKind::Agent,
                author: AGENT,
                body: format!(
                    "Thank you. We have noted payment of {bal} by {due} against {number}.\nPlease upload the \
                     remittance advice here once it is sent."
                ),
                outcome: "",
            },
        )?;
    }
    if let Some(inv) = open.next() {
        let from = (today - days(10)).max(from_iso(&inv.issue_date));
        let number = &inv.number;
        let conv = s.thread(
            1,
            &NewThread {
                subject: &format!("Disputed line item on {number}"),
                channel: Channel::Letter,
                opened_on: from,
                status: ConvStatus::Open,
                resolved: None,
                external_id: Some("acme-dispute-letter"),
            },
        )?;
        s.link_invoice(conv, inv.id)?;
        say(
            s,
            conv,
            1,
            Say {
                at: at(from, "08:00"),
                direction: Direction::In,
                kind: MessageKind::Letter,
                author_kind: AuthorKind::Contact,
                author: contact,
                body: format!(
                    "Dear Northwind Billing,\n\nWe dispute the usage charge on invoice {number}: our records show \
                     fewer seats for the period.\nPlease send a usage breakdown; we will pay the rest of the \
                     invoice once it is corrected.\n\nYours faithfully,\n{contact}"
                ),
                outcome: "",
            },
        )?;
        say(
            s,
            conv,
            2,
            Say {
                at: at(from, "11:20"),
                direction: Direction::Internal,
                kind: MessageKind::Note,
                author_kind: AuthorKind::Person,
                author: "jkim",
                body: "Pausing reminders on this invoice while the usage report is checked.\nAsked product ops \
                       for the seat counts per day."
                    .into(),
                outcome: "paused",
            },
        )?;
        s.pause(inv.id, from, today + days(25), "Disputed usage charge: breakdown requested", None)?;
    }
    drop(open);
    // Any invoice still open: a person reissued it and its pause ended.
    let ended = unpaid(invoices, today)
        .into_iter()
        .find(|i| !used.contains(&i.id) && from_iso(&i.issue_date) + days(14) <= today);
    if let Some(inv) = ended {
        let from = (today - days(60)).max(from_iso(&inv.issue_date));
        let number = &inv.number;
        let conv = s.thread(
            1,
            &NewThread {
                subject: &format!("Invoice copy for {number}"),
                channel: Channel::Email,
                opened_on: from,
                status: ConvStatus::Open,
                resolved: Some((from + days(14), ResolvedBy::Person, "maria")),
                external_id: Some("acme-invoice-copy"),
            },
        )?;
        s.link_invoice(conv, inv.id)?;
        say(
            s,
            conv,
            1,
            Say {
                at: at(from, "13:05"),
                direction: Direction::In,
                kind: MessageKind::Email,
                author_kind: AuthorKind::Contact,
                author: contact,
                body: format!(
                    "Hi,\n\nOur new AP system rejected {number} because the PO number is missing.\nCould you \
                     reissue it with PO 4500-1187?\n\nThanks"
                ),
                outcome: "",
            },
        )?;
        say(
            s,
            conv,
            2,
            Say {
                at: at(from + days(14), "09:45"),
                direction: Direction::Out,
                kind: MessageKind::Email,
                author_kind: AuthorKind::Person,
                author: "maria",
                body: format!(
                    "Hello {contact},\n\nAttached is {number} with PO 4500-1187 on it.\nReminders resume from \
                     today.\n\nKind regards,\nMaria"
                ),
                outcome: "invoice reissued",
            },
        )?;
        s.pause(inv.id, from, from + days(30), "Waiting for the customer's PO number", Some(from + days(14)))?;
    }
    Ok(())
}

/// Another main customer: a thread waiting on them by email, and a call
/// resolved by a person.
fn others(
    s: &Seeder<'_>,
    cid: i64,
    cur: Currency,
    invoices: &[SeededInvoice],
    contact: &str,
    today: NaiveDate,
) -> Result<()> {
    let open = unpaid(invoices, today);
    if let Some(inv) = open.first() {
        let from = today - days(4 + cid);
        let number = &inv.number;
        let bal = money(inv.balance_minor, cur);
        let conv = s.thread(
            cid,
            &NewThread {
                subject: &format!("Reminder: {number}"),
                channel: Channel::Email,
                opened_on: from,
                status: ConvStatus::Waiting,
                resolved: None,
                external_id: Some(&format!("reminder-{cid}-{number}")),
            },
        )?;
        s.link_invoice(conv, inv.id)?;
        say(
            s,
            conv,
            1,
            Say {
                at: at(from, "09:00"),
                direction: Direction::Out,
                kind: MessageKind::Email,
                author_kind: AuthorKind::Agent,
                author: AGENT,
                body: format!(
                    "Hello {contact},\n\n{number} has {bal} outstanding, due {}.\nCould you confirm when it is \
                     scheduled for payment?\n\nThank you,\nNorthwind Billing",
                    inv.due_date
                ),
                outcome: "reminder sent",
            },
        )?;
    }
    if let Some(inv) = open.get(1) {
        let from = today - days(30 + cid);
        let number = &inv.number;
        let conv = s.thread(
            cid,
            &NewThread {
                subject: &format!("Remittance question on {number}"),
                channel: Channel::Phone,
                opened_on: from,
                status: ConvStatus::Open,
                resolved: Some((from + days(1), ResolvedBy::Person, "dpatel")),
                external_id: Some(&format!("call-{cid}-{number}")),
            },
        )?;
        s.link_invoice(conv, inv.id)?;
        say(
            s,
            conv,
            1,
            Say {
                at: at(from, "16:20"),
                direction: Direction::In,
                kind: MessageKind::Call,
                author_kind: AuthorKind::Contact,
                author: contact,
                body: format!(
                    "{contact} called: their bank needs our remittance details for {number}.\nRead out the \
                     account and the reference to quote."
                ),
                outcome: "details given",
            },
        )?;
        say(
            s,
            conv,
            2,
            Say {
                at: at(from + days(1), "08:50"),
                direction: Direction::Internal,
                kind: MessageKind::Note,
                author_kind: AuthorKind::Person,
                author: "dpatel",
                body: "Confirmed by email too; nothing else needed from us.\nClosing.".into(),
                outcome: "",
            },
        )?;
    }
    Ok(())
}
