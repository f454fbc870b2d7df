//! Collections (issue 18): what a person logs on a conversation (a call,
//! an email, a note), its status, promises to pay and paused invoices.
//! Each write is one transaction with its audit rows under the customer, so
//! all of it shows in Activity; a pause and a resume are audited on the
//! invoice (entity 'invoice'), so they show in the invoice's history too.
//!
//! Text is stored as typed, trimmed (what reaches a terminal is cleaned
//! when drawn); NUL is refused, and lengths are counted in characters
//! against the limits of `domain::collections`.
//!
//! The checks, the refusals and the audit entries are shared with
//! PostgreSQL's (`store/pg/writes/collections.rs`).

use super::picked::each_once;
use super::{customer_currency, dates_in_bounds, invalid, versioned};
use crate::domain::bounds::MAX_AMOUNT_MINOR;
use crate::domain::collections::{
    BODY_MAX, ConvStatus, LogEntry, MessageKind, NAME_MAX, OUTCOME_MAX, PauseDraft, PromiseDraft, REASON_MAX,
    SUBJECT_MAX, first_line,
};
use crate::domain::date::iso;
use crate::domain::{Currency, Money};
use crate::store::{Audit, Result, Store, StoreError, now_utc};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction};
use serde_json::json;

/// How much of a subject or a first line an Activity summary quotes.
const QUOTED: usize = 80;

/// `text` trimmed, at most `max` characters and without NUL; `required`
/// refuses it empty. Errors name the field and the limit.
pub(crate) fn checked<'a>(field: &str, text: &'a str, max: usize, required: bool) -> Result<&'a str> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err(invalid(format!("the {field} is required")));
    }
    if text.contains('\0') {
        return Err(invalid(format!("the {field} contains a NUL character, which cannot be stored")));
    }
    let n = text.chars().count();
    if n > max {
        return Err(invalid(format!("the {field} is {n} characters long; at most {max} are kept")));
    }
    Ok(text)
}

/// A message's time as given: UTC, `YYYY-MM-DDTHH:MM:SSZ`, from 1900
/// through 2199.
pub(crate) fn checked_at(at: &str) -> Result<String> {
    let at = at.trim();
    let bad = || {
        invalid(format!(
            "the time {at:?} is not a UTC time like 2026-12-01T14:30:00Z (between 1900 and 2199, to the second)"
        ))
    };
    let t = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%SZ").map_err(|_| bad())?;
    // Read back the same way: no sign, no missing zeros, no leap second.
    if t.format("%Y-%m-%dT%H:%M:%SZ").to_string() != at || chrono::Timelike::nanosecond(&t) >= 1_000_000_000 {
        return Err(bad());
    }
    let day = t.date();
    if !(crate::domain::bounds::MIN_DATE..=crate::domain::bounds::MAX_DATE).contains(&day) {
        return Err(bad());
    }
    Ok(at.to_string())
}

/// `text` cut to `QUOTED` characters, "…" when cut.
pub(crate) fn quoted(text: &str) -> String {
    let mut out: String = text.chars().take(QUOTED).collect();
    if text.chars().count() > QUOTED {
        out.push('…');
    }
    out
}

/// The name a person's rows carry: `who`, trimmed, at most `NAME_MAX`
/// characters (the schema's CHECK).
pub(crate) fn author(who: &str) -> String {
    who.trim().chars().take(NAME_MAX).collect()
}

/// "logged a call", "logged an email", "added a note" …
fn logged(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Email => "logged an email",
        MessageKind::Call => "logged a call",
        MessageKind::Note => "added a note",
        MessageKind::Letter => "logged a letter",
        MessageKind::Portal => "logged a portal message",
    }
}

/// A promise checked before the transaction: the amount in `currency`,
/// more than nothing and within bounds, due from `today` through
/// `MAX_DATE`, on at least one invoice.
pub(crate) fn check_promise(d: &PromiseDraft, currency: Currency, today: NaiveDate) -> Result<()> {
    if d.amount.currency != currency {
        return Err(invalid(format!(
            "the promised amount is in {}, but the customer is billed in {}",
            d.amount.currency.code(),
            currency.code()
        )));
    }
    if d.amount.minor <= 0 {
        return Err(invalid("the promised amount must be more than zero"));
    }
    if d.amount.minor > MAX_AMOUNT_MINOR {
        return Err(invalid(format!(
            "the promised amount is too large: at most {}",
            Money::new(MAX_AMOUNT_MINOR, currency).display()
        )));
    }
    dates_in_bounds(&[("the promised day", Some(d.due_on))])?;
    if d.due_on < today {
        return Err(invalid(format!(
            "the promised day {} is in the past: it must be today ({}) or later",
            iso(d.due_on),
            iso(today)
        )));
    }
    if d.invoice_ids.is_empty() {
        return Err(invalid("a promise to pay needs at least one invoice"));
    }
    Ok(())
}

/// An invoice of the customer as these writes read it.
pub(crate) struct Inv {
    pub(crate) id: i64,
    pub(crate) number: String,
    pub(crate) status: String,
}

/// What `invoices_of` says of an id that is not an invoice of the customer.
pub(crate) fn not_an_invoice(id: i64) -> StoreError {
    invalid(format!("invoice #{id} is not an invoice of this customer (deleted elsewhere?)"))
}

/// Each of `ids` once, in order, read as an invoice of `customer_id`;
/// an id that is not one is refused by its id.
fn invoices_of(tx: &Transaction<'_>, customer_id: i64, ids: &[i64]) -> Result<Vec<Inv>> {
    let mut stmt = tx.prepare_cached("SELECT number, status FROM invoices WHERE id = ?1 AND customer_id = ?2")?;
    let mut out = Vec::new();
    for id in each_once(ids) {
        let (number, status) = stmt
            .query_row((id, customer_id), |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .optional()?
            .ok_or_else(|| not_an_invoice(id))?;
        out.push(Inv { id, number, status });
    }
    Ok(out)
}

/// Why nothing can be collected on an invoice in `status`, or `None` when
/// it is open.
pub(crate) fn not_open(number: &str, status: &str) -> Option<String> {
    match status {
        "open" => None,
        "draft" => Some(format!("{number} is a draft: it was never issued, so nothing is owed")),
        "paid" => Some(format!("{number} is paid: nothing is left to collect")),
        "cancelled" => Some(format!("{number} is cancelled: nothing is owed")),
        "uncollectible" => Some(format!("{number} is written off as bad debt: reverse the write-off first")),
        other => Some(format!("{number} has an unknown status {other}")),
    }
}

/// Links `invoices` to conversation `id` (those linked already stay).
fn link(tx: &Transaction<'_>, id: i64, invoices: &[Inv]) -> Result<()> {
    let mut stmt =
        tx.prepare_cached("INSERT OR IGNORE INTO conversation_invoices(conversation_id, invoice_id) VALUES (?1, ?2)")?;
    for i in invoices {
        stmt.execute((id, i.id))?;
    }
    Ok(())
}

/// A conversation as these writes read it.
pub(crate) struct Conv {
    pub(crate) customer_id: i64,
    pub(crate) subject: String,
    pub(crate) status: ConvStatus,
    pub(crate) version: i64,
}

/// (customer id, subject, status, version) of a conversation as stored.
pub(crate) type ConvCols = (i64, String, String, i64);

/// Conversation `id` from its row, or why not: not there, or a status
/// this ardesk does not know.
pub(crate) fn conv(id: i64, row: Option<ConvCols>) -> Result<Conv> {
    let (customer_id, subject, status, version) = row.ok_or_else(|| gone(id))?;
    let status = ConvStatus::from_db(&status)
        .ok_or_else(|| invalid(format!("conversation #{id} has an unknown status {status}")))?;
    Ok(Conv { customer_id, subject, status, version })
}

/// A conversation that is not there (any more).
pub(crate) fn gone(id: i64) -> StoreError {
    StoreError::NotFound(format!("conversation #{id} (it was deleted elsewhere)"))
}

fn load(tx: &Transaction<'_>, id: i64) -> Result<Conv> {
    let row = tx
        .query_row("SELECT customer_id, subject, status, version FROM conversations WHERE id = ?1", [id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
        })
        .optional()?;
    conv(id, row)
}

/// What a stale write of the conversation names.
pub(crate) fn conv_what(c: &Conv) -> String {
    format!("conversation \"{}\"", quoted(&c.subject))
}

/// The columns a conversation moved to `to` takes (resolved: by a person,
/// `who`, on `today`): (resolved_on, resolved_by, resolver).
pub(crate) fn resolution(
    to: ConvStatus,
    today: NaiveDate,
    who: &str,
) -> (Option<NaiveDate>, Option<&'static str>, String) {
    match to {
        ConvStatus::Resolved => (Some(today), Some("person"), author(who)),
        ConvStatus::Open | ConvStatus::Waiting => (None, None, String::new()),
    }
}

/// The audit entry of conversation `id` moved from `c.status` to `to`,
/// with the columns `resolution` gave.
pub(crate) fn status_changed(
    id: i64,
    c: &Conv,
    to: ConvStatus,
    resolved_on: Option<NaiveDate>,
    resolver: &str,
) -> Audit<'static> {
    let (action, summary) = match to {
        ConvStatus::Resolved => ("resolve", format!("resolved \"{}\"", quoted(&c.subject))),
        ConvStatus::Open => ("reopen", format!("reopened \"{}\"", quoted(&c.subject))),
        ConvStatus::Waiting => ("waiting", format!("marked \"{}\" waiting on the customer", quoted(&c.subject))),
    };
    Audit {
        customer_id: Some(c.customer_id),
        entity: "conversation",
        entity_id: Some(id),
        action,
        summary,
        before: Some(json!({"status": c.status.as_db()})),
        after: Some(json!({"status": to.as_db(), "resolved_on": resolved_on.map(iso), "resolver": resolver})),
    }
}

/// Moves a conversation to `to` (resolved: by a person, `who`, on
/// `today`), a version further, with its audit row. The version is
/// checked when given.
fn change_status(
    tx: &Transaction<'_>,
    id: i64,
    c: &Conv,
    version: Option<i64>,
    to: ConvStatus,
    today: NaiveDate,
    who: &str,
) -> Result<()> {
    let (resolved_on, resolved_by, resolver) = resolution(to, today, who);
    versioned(
        tx,
        "UPDATE conversations SET status = ?3, resolved_on = ?4, resolved_by = ?5, resolver = ?6,
                version = version + 1
         WHERE id = ?1 AND version = ?2",
        &[&id, &version.unwrap_or(c.version), &to.as_db(), &resolved_on.map(iso), &resolved_by, &resolver],
        "conversations",
        id,
        &conv_what(c),
    )?;
    status_changed(id, c, to, resolved_on, &resolver).write(tx, who)?;
    Ok(())
}

/// Whether conversation `c`, seen by the user at `version`, can be moved
/// to `to`: not when it changed since, nor when it is there already.
pub(crate) fn settable(c: &Conv, version: i64, to: ConvStatus) -> Result<()> {
    if c.version != version {
        return Err(StoreError::Conflict(format!(
            "conversation \"{}\" was changed by someone else since you opened it",
            quoted(&c.subject)
        )));
    }
    if let Some(why) = already(&c.subject, c.status, to) {
        return Err(invalid(why));
    }
    Ok(())
}

/// Why a conversation in `from` cannot be moved to `to` (it is there).
fn already(subject: &str, from: ConvStatus, to: ConvStatus) -> Option<String> {
    let s = quoted(subject);
    (from == to).then(|| match to {
        ConvStatus::Resolved => format!("\"{s}\" is already resolved: reopen it to resolve it again"),
        ConvStatus::Open => format!("\"{s}\" is already open"),
        ConvStatus::Waiting => format!("\"{s}\" is already waiting on the customer"),
    })
}

/// Writes a promise checked by `check_promise` on conversation `id`,
/// made `today`, on `invoices` (open ones), linked to the conversation too;
/// with its audit row.
fn insert_promise(
    tx: &Transaction<'_>,
    id: i64,
    customer_id: i64,
    d: &PromiseDraft,
    invoices: &[Inv],
    today: NaiveDate,
    who: &str,
) -> Result<i64> {
    promisable(invoices)?;
    tx.execute(
        "INSERT INTO promises(conversation_id, customer_id, made_on, due_on, amount_minor, currency, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        (id, customer_id, iso(today), iso(d.due_on), d.amount.minor, d.amount.currency.code(), now_utc()),
    )?;
    let promise_id = tx.last_insert_rowid();
    let mut stmt = tx.prepare_cached("INSERT INTO promise_invoices(promise_id, invoice_id) VALUES (?1, ?2)")?;
    for i in invoices {
        stmt.execute((promise_id, i.id))?;
    }
    link(tx, id, invoices)?;
    promised(id, customer_id, promise_id, d, invoices, today).write(tx, who)?;
    Ok(promise_id)
}

/// A promise to pay is for open invoices only.
pub(crate) fn promisable(invoices: &[Inv]) -> Result<()> {
    match invoices.iter().find_map(|i| not_open(&i.number, &i.status)) {
        Some(why) => Err(invalid(format!("a promise to pay is for open invoices: {why}"))),
        None => Ok(()),
    }
}

/// The audit entry of promise `promise_id` on conversation `id`.
pub(crate) fn promised(
    id: i64,
    customer_id: i64,
    promise_id: i64,
    d: &PromiseDraft,
    invoices: &[Inv],
    today: NaiveDate,
) -> Audit<'static> {
    let numbers: Vec<&str> = invoices.iter().map(|i| i.number.as_str()).collect();
    Audit {
        customer_id: Some(customer_id),
        entity: "promise",
        entity_id: Some(promise_id),
        action: "create",
        summary: format!("promise to pay {} by {} ({})", d.amount.display(), iso(d.due_on), numbers.join(", ")),
        before: None,
        after: Some(json!({
            "conversation_id": id, "made_on": iso(today), "due_on": iso(d.due_on),
            "amount_minor": d.amount.minor, "currency": d.amount.currency.code(), "invoices": numbers,
        })),
    }
}

/// An entry's text checked before its transaction: (body, outcome,
/// subject of a new conversation, "" else; the message's time).
pub(crate) fn checked_entry(entry: &LogEntry, today: NaiveDate) -> Result<(&str, &str, &str, String)> {
    dates_in_bounds(&[("today", Some(today))])?;
    let body = checked("body", &entry.body, BODY_MAX, false)?;
    let outcome = checked("outcome", &entry.outcome, OUTCOME_MAX, false)?;
    if body.is_empty() && outcome.is_empty() {
        return Err(invalid("write what was said (the body) or what it came to (the outcome)"));
    }
    let subject = match entry.conversation_id {
        None => checked("subject", &entry.subject, SUBJECT_MAX, true)?,
        Some(_) => "",
    };
    let at = match &entry.at {
        Some(at) => checked_at(at)?,
        None => now_utc(),
    };
    Ok((body, outcome, subject, at))
}

/// Why an entry cannot go on conversation `id` of another customer.
pub(crate) fn not_this_customers(id: i64) -> StoreError {
    StoreError::NotFound(format!("conversation #{id} is not this customer's"))
}

/// The audit entry of conversation `id` opened by an entry.
pub(crate) fn opened(
    customer_id: i64,
    id: i64,
    subject: &str,
    entry: &LogEntry,
    status: ConvStatus,
    today: NaiveDate,
) -> Audit<'static> {
    Audit {
        customer_id: Some(customer_id),
        entity: "conversation",
        entity_id: Some(id),
        action: "create",
        summary: format!("opened the conversation \"{}\" ({})", quoted(subject), entry.channel.label().to_lowercase()),
        before: None,
        after: Some(json!({
            "subject": subject, "channel": entry.channel.as_db(), "status": status.as_db(),
            "opened_on": iso(today),
        })),
    }
}

/// The audit entry of message `message_id` on conversation `id`
/// ("logged a call on \"subject\": first line").
pub(crate) fn message_logged(
    customer_id: i64,
    id: i64,
    message_id: i64,
    subject: &str,
    entry: &LogEntry,
    (body, outcome, at): (&str, &str, &str),
    invoices: &[Inv],
) -> Audit<'static> {
    let line = match first_line(body) {
        "" => first_line(outcome),
        l => l,
    };
    let numbers: Vec<&str> = invoices.iter().map(|i| i.number.as_str()).collect();
    Audit {
        customer_id: Some(customer_id),
        entity: "message",
        entity_id: Some(message_id),
        action: "create",
        summary: format!("{} on \"{}\": {}", logged(entry.kind), quoted(subject), quoted(line)),
        before: None,
        after: Some(json!({
            "conversation_id": id, "at": at, "direction": entry.direction.as_db(),
            "kind": entry.kind.as_db(), "body": body, "outcome": outcome, "invoices": numbers,
        })),
    }
}

/// A pause checked before its transaction: its reason, trimmed.
pub(crate) fn checked_pause(d: &PauseDraft, today: NaiveDate) -> Result<&str> {
    dates_in_bounds(&[("today", Some(today)), ("the day collections resume", Some(d.until_on))])?;
    let reason = checked("reason", &d.reason, REASON_MAX, true)?;
    if d.until_on <= today {
        return Err(invalid(format!(
            "the day collections resume ({}) must be after today ({})",
            iso(d.until_on),
            iso(today)
        )));
    }
    if d.invoice_ids.is_empty() {
        return Err(invalid("pick at least one invoice to pause"));
    }
    Ok(reason)
}

/// Collections are paused on open invoices only.
pub(crate) fn pausable(invoices: &[Inv]) -> Result<()> {
    match invoices.iter().find_map(|i| not_open(&i.number, &i.status)) {
        Some(why) => Err(invalid(format!("cannot pause collections: {why}"))),
        None => Ok(()),
    }
}

/// The audit entry of invoice `i` paused from `today` until `until` (ISO
/// days), its pauses `ended` (id, until_on) replaced.
pub(crate) fn paused(
    customer_id: i64,
    i: &Inv,
    today: &str,
    until: &str,
    reason: &str,
    ended: &[(i64, String)],
) -> Audit<'static> {
    let replaced = match ended.iter().map(|(_, u)| u.as_str()).max() {
        Some(u) => format!(" (was paused until {u})"),
        None => String::new(),
    };
    Audit {
        customer_id: Some(customer_id),
        entity: "invoice",
        entity_id: Some(i.id),
        action: "pause",
        summary: format!("paused collections on {} until {until}{replaced}: {reason}", i.number),
        before: (!ended.is_empty()).then(|| json!({"paused_until": ended.iter().map(|(_, u)| u).collect::<Vec<_>>()})),
        after: Some(json!({"paused_on": today, "until_on": until, "reason": reason})),
    }
}

/// The audit entry of invoice `i`'s pauses `ended` (id, until_on) on
/// `today` (ISO).
pub(crate) fn resumed(customer_id: i64, i: &Inv, today: &str, ended: &[(i64, String)]) -> Audit<'static> {
    let until: Vec<&str> = ended.iter().map(|(_, u)| u.as_str()).collect();
    Audit {
        customer_id: Some(customer_id),
        entity: "invoice",
        entity_id: Some(i.id),
        action: "resume",
        summary: format!(
            "resumed collections on {} (paused until {})",
            i.number,
            until.iter().max().copied().unwrap_or_default()
        ),
        before: Some(json!({"paused_until": until})),
        after: Some(json!({"ended_on": today})),
    }
}

impl Store {
    /// Logs a call, email or note on conversation `entry.conversation_id`,
    /// or on a new one (subject + channel, used only then) when it is None; links
    /// `entry.invoice_ids`; sets `entry.status` if given (Resolved = by a
    /// person: resolved_by 'person', resolver = self.who(), resolved_on =
    /// today; the status it already has leaves it as it is); records
    /// `entry.promise` (made_on = today) in the same transaction. Author:
    /// AuthorKind::Person with self.who(). The conversation is a version
    /// further (checked against `entry.version` when given). Returns
    /// (conversation id, message id).
    pub fn log_entry(&mut self, customer_id: i64, entry: &LogEntry, today: NaiveDate) -> Result<(i64, i64)> {
        let (body, outcome, subject, at) = checked_entry(entry, today)?;
        let who = self.who().to_string();
        let name = author(&who);
        self.write(|tx| {
            let currency = customer_currency(tx, customer_id)?;
            if let Some(p) = &entry.promise {
                check_promise(p, currency, today)?;
            }
            let invoices = invoices_of(tx, customer_id, &entry.invoice_ids)?;
            let (id, subject) = match entry.conversation_id {
                Some(id) => {
                    let c = load(tx, id)?;
                    if c.customer_id != customer_id {
                        return Err(not_this_customers(id));
                    }
                    match entry.status.filter(|s| *s != c.status) {
                        Some(to) => change_status(tx, id, &c, entry.version, to, today, &who)?,
                        None => versioned(
                            tx,
                            "UPDATE conversations SET version = version + 1 WHERE id = ?1 AND version = ?2",
                            &[&id, &entry.version.unwrap_or(c.version)],
                            "conversations",
                            id,
                            &conv_what(&c),
                        )?,
                    }
                    (id, c.subject)
                }
                None => {
                    let status = entry.status.unwrap_or(ConvStatus::Open);
                    let resolved = status == ConvStatus::Resolved;
                    tx.execute(
                        "INSERT INTO conversations(customer_id, subject, channel, opened_on, status, resolved_on,
                                                   resolved_by, resolver, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        rusqlite::params![
                            customer_id,
                            subject,
                            entry.channel.as_db(),
                            iso(today),
                            status.as_db(),
                            resolved.then(|| iso(today)),
                            resolved.then_some("person"),
                            if resolved { name.as_str() } else { "" },
                            now_utc(),
                        ],
                    )?;
                    let id = tx.last_insert_rowid();
                    opened(customer_id, id, subject, entry, status, today).write(tx, &who)?;
                    (id, subject.to_string())
                }
            };
            link(tx, id, &invoices)?;
            tx.execute(
                "INSERT INTO conversation_messages(conversation_id, at, direction, kind, author_kind, author, body,
                                                   outcome, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'person', ?5, ?6, ?7, ?8)",
                rusqlite::params![id, at, entry.direction.as_db(), entry.kind.as_db(), name, body, outcome, now_utc()],
            )?;
            let message_id = tx.last_insert_rowid();
            message_logged(customer_id, id, message_id, &subject, entry, (body, outcome, &at), &invoices)
                .write(tx, &who)?;
            if let Some(p) = &entry.promise {
                let on = invoices_of(tx, customer_id, &p.invoice_ids)?;
                insert_promise(tx, id, customer_id, p, &on, today, &who)?;
            }
            Ok((id, message_id))
        })
    }

    /// Resolve (by a person: resolved_by 'person', resolver = self.who(),
    /// resolved_on = today), reopen (open; clears resolved_*), or mark
    /// waiting, at the version the user saw. Refuses the status it has.
    pub fn set_conversation_status(
        &mut self,
        id: i64,
        version: i64,
        status: ConvStatus,
        today: NaiveDate,
    ) -> Result<()> {
        dates_in_bounds(&[("today", Some(today))])?;
        let who = self.who().to_string();
        self.write(|tx| {
            let c = load(tx, id)?;
            settable(&c, version, status)?;
            change_status(tx, id, &c, Some(version), status, today, &who)
        })
    }

    /// A promise to pay on a conversation, made today, in the customer's
    /// currency, on open invoices of the customer (linked to the
    /// conversation too). Returns its id.
    pub fn add_promise(&mut self, conversation_id: i64, d: &PromiseDraft, today: NaiveDate) -> Result<i64> {
        dates_in_bounds(&[("today", Some(today))])?;
        let who = self.who().to_string();
        self.write(|tx| {
            let c = load(tx, conversation_id)?;
            let currency = customer_currency(tx, c.customer_id)?;
            check_promise(d, currency, today)?;
            let invoices = invoices_of(tx, c.customer_id, &d.invoice_ids)?;
            insert_promise(tx, conversation_id, c.customer_id, d, &invoices, today, &who)
        })
    }

    /// Pauses the collections of each invoice (open ones of the customer)
    /// from today until `d.until_on` (> today), with a reason. An invoice
    /// already paused today gets its pause ended today and a new one. All
    /// or none: one invoice that cannot be paused refuses the write.
    /// Returns how many were paused.
    pub fn pause_invoices(&mut self, customer_id: i64, d: &PauseDraft, today: NaiveDate) -> Result<usize> {
        let reason = checked_pause(d, today)?;
        let who = self.who().to_string();
        self.write(|tx| {
            customer_currency(tx, customer_id)?;
            let invoices = invoices_of(tx, customer_id, &d.invoice_ids)?;
            pausable(&invoices)?;
            let at = now_utc();
            let (today_s, until) = (iso(today), iso(d.until_on));
            for i in &invoices {
                let ended = end_pauses(tx, i.id, &today_s)?;
                tx.execute(
                    "INSERT INTO invoice_pauses(invoice_id, customer_id, paused_on, until_on, reason, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    (i.id, customer_id, &today_s, &until, reason, &at),
                )?;
                paused(customer_id, i, &today_s, &until, reason, &ended).write_at(tx, &who, &at)?;
            }
            Ok(invoices.len())
        })
    }

    /// Ends early (ended_on = today) every pause of these invoices (of the
    /// customer) in force today. Returns how many pauses were ended.
    pub fn resume_invoices(&mut self, customer_id: i64, invoice_ids: &[i64], today: NaiveDate) -> Result<usize> {
        dates_in_bounds(&[("today", Some(today))])?;
        let who = self.who().to_string();
        self.write(|tx| {
            customer_currency(tx, customer_id)?;
            let invoices = invoices_of(tx, customer_id, invoice_ids)?;
            let at = now_utc();
            let today_s = iso(today);
            let mut n = 0;
            for i in &invoices {
                let ended = end_pauses(tx, i.id, &today_s)?;
                if ended.is_empty() {
                    continue;
                }
                n += ended.len();
                resumed(customer_id, i, &today_s, &ended).write_at(tx, &who, &at)?;
            }
            Ok(n)
        })
    }
}

/// Ends on `today` the pauses of `invoice_id` in force that day, each a
/// version further; returns (id, until_on) of each.
fn end_pauses(tx: &Transaction<'_>, invoice_id: i64, today: &str) -> Result<Vec<(i64, String)>> {
    let ended = tx
        .prepare_cached(
            "UPDATE invoice_pauses SET ended_on = ?2, version = version + 1
             WHERE invoice_id = ?1 AND paused_on <= ?2 AND ?2 < coalesce(ended_on, until_on)
             RETURNING id, until_on",
        )?
        .query_map((invoice_id, today), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_must_be_utc_to_the_second() {
        assert_eq!(checked_at("2026-12-01T14:30:00Z").unwrap(), "2026-12-01T14:30:00Z");
        for bad in [
            "2026-12-01 14:30:00",
            "2026-12-01T14:30:00",
            "2026-12-01T14:30Z",
            "2026-13-01T14:30:00Z",
            "2026-2-01T14:30:00Z",
            "1899-12-31T23:59:59Z",
            "2200-01-01T00:00:00Z",
            "+2026-12-01T14:30:00Z",
            "2026-12-01T14:30:60Z",
        ] {
            let e = checked_at(bad).unwrap_err().to_string();
            assert!(e.contains("is not a UTC time like"), "{bad}: {e}");
        }
    }

    #[test]
    fn text_is_trimmed_counted_in_characters_and_refused_with_nul() {
        assert_eq!(checked("body", "  hi \n", 5, false).unwrap(), "hi");
        assert_eq!(checked("body", "ééééé", 5, false).unwrap(), "ééééé");
        let e = checked("body", "éééééé", 5, false).unwrap_err().to_string();
        assert_eq!(e, "the body is 6 characters long; at most 5 are kept");
        assert_eq!(checked("subject", " ", 5, true).unwrap_err().to_string(), "the subject is required");
        assert!(checked("reason", "a\0b", 5, true).unwrap_err().to_string().contains("NUL"));
        // ESC is kept as typed: the screen cleans it when drawn.
        assert_eq!(checked("body", "\u{1b}[2J", 5, false).unwrap(), "\u{1b}[2J");
    }
}
