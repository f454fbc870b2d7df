//! Collections on PostgreSQL (`store/writes/collections.rs`): what a
//! person logs on a conversation, its status, promises to pay and paused
//! invoices, with the same checks, refusals, rows and audit entries. Each
//! write holds the customer's row, so one customer's collections follow
//! one another as on SQLite.

use super::super::super::writes::collections::{
    Conv, Inv, author, check_promise, checked_entry, checked_pause, conv, conv_what, gone, message_logged,
    not_an_invoice, not_this_customers, opened, pausable, paused, promisable, promised, resolution, resumed, settable,
    status_changed,
};
use super::super::super::writes::dates_in_bounds;
use super::super::super::writes::picked::each_once;
use super::super::super::{Result, now_utc};
use super::super::store::PgStore;
use super::invoices::customer_currency;
use super::{audit, audit_at, hold, versioned};
use crate::domain::collections::{ConvStatus, LogEntry, PauseDraft, PromiseDraft};
use crate::domain::date::iso;
use crate::store::pg::prepared::Tx;
use chrono::NaiveDate;

/// Each of `ids` once, in order, read as an invoice of `customer_id`;
/// an id that is not one is refused by its id.
fn invoices_of(tx: &mut Tx<'_>, customer_id: i64, ids: &[i64]) -> Result<Vec<Inv>> {
    let mut out = Vec::new();
    for id in each_once(ids) {
        let r = tx
            .query_opt("SELECT number, status FROM invoices WHERE id = $1 AND customer_id = $2", &[&id, &customer_id])?
            .ok_or_else(|| not_an_invoice(id))?;
        out.push(Inv { id, number: r.try_get(0)?, status: r.try_get(1)? });
    }
    Ok(out)
}

/// Links `invoices` to conversation `id` (those linked already stay).
fn link(tx: &mut Tx<'_>, id: i64, invoices: &[Inv]) -> Result<()> {
    for i in invoices {
        tx.execute(
            "INSERT INTO conversation_invoices(conversation_id, invoice_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&id, &i.id],
        )?;
    }
    Ok(())
}

/// The conversation as it is, with no lock.
fn load(tx: &mut Tx<'_>, id: i64) -> Result<Conv> {
    let row =
        match tx.query_opt("SELECT customer_id, subject, status, version FROM conversations WHERE id = $1", &[&id])? {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)),
            None => None,
        };
    conv(id, row)
}

/// The conversation as it is, its customer's row held first.
fn load_held(tx: &mut Tx<'_>, id: i64) -> Result<Conv> {
    let Some(r) = tx.query_opt("SELECT customer_id FROM conversations WHERE id = $1", &[&id])? else {
        return Err(gone(id));
    };
    hold(tx, r.try_get(0)?)?;
    load(tx, id)
}

/// Moves a conversation to `to`, a version further (checked against
/// `version` when given), with its audit row (`collections::change_status`).
fn change_status(
    tx: &mut Tx<'_>,
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
        "UPDATE conversations SET status = $3, resolved_on = $4, resolved_by = $5, resolver = $6,
                version = version + 1
         WHERE id = $1 AND version = $2",
        &[&id, &version.unwrap_or(c.version), &to.as_db(), &resolved_on, &resolved_by, &resolver],
        "conversations",
        id,
        &conv_what(c),
    )?;
    audit(tx, &status_changed(id, c, to, resolved_on, &resolver), who)
}

/// Writes a promise checked by `check_promise` on conversation `id`, made
/// `today`, on `invoices` (open ones), linked to the conversation too;
/// with its audit row.
fn insert_promise(
    tx: &mut Tx<'_>,
    id: i64,
    customer_id: i64,
    d: &PromiseDraft,
    invoices: &[Inv],
    today: NaiveDate,
    who: &str,
) -> Result<i64> {
    promisable(invoices)?;
    let promise_id: i64 = tx
        .query_one(
            "INSERT INTO promises(conversation_id, customer_id, made_on, due_on, amount_minor, currency, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[&id, &customer_id, &today, &d.due_on, &d.amount.minor, &d.amount.currency.code(), &now_utc()],
        )?
        .try_get(0)?;
    for i in invoices {
        tx.execute("INSERT INTO promise_invoices(promise_id, invoice_id) VALUES ($1, $2)", &[&promise_id, &i.id])?;
    }
    link(tx, id, invoices)?;
    audit(tx, &promised(id, customer_id, promise_id, d, invoices, today), who)?;
    Ok(promise_id)
}

/// Ends on `today` the pauses of `invoice_id` in force that day, each a
/// version further; returns (id, until_on) of each, in the order of
/// SQLite's index on (invoice_id, until_on).
fn end_pauses(tx: &mut Tx<'_>, invoice_id: i64, today: NaiveDate) -> Result<Vec<(i64, String)>> {
    let rows = tx.query(
        "WITH ended AS (
             UPDATE invoice_pauses SET ended_on = $2, version = version + 1
             WHERE invoice_id = $1 AND paused_on <= $2 AND $2 < coalesce(ended_on, until_on)
             RETURNING id, until_on)
         SELECT id, until_on::text FROM ended ORDER BY until_on, id",
        &[&invoice_id, &today],
    )?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

impl PgStore {
    /// `Store::log_entry` on PostgreSQL: a call, email or note on a
    /// conversation (a new one when none is named), its invoices linked,
    /// its status and a promise in the same transaction.
    pub fn log_entry(&mut self, customer_id: i64, entry: &LogEntry, today: NaiveDate) -> Result<(i64, i64)> {
        let (body, outcome, subject, at) = checked_entry(entry, today)?;
        let who = self.who().to_string();
        let name = author(&who);
        self.write(Some(customer_id), |tx| {
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
                            "UPDATE conversations SET version = version + 1 WHERE id = $1 AND version = $2",
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
                    let id: i64 = tx
                        .query_one(
                            "INSERT INTO conversations(customer_id, subject, channel, opened_on, status, resolved_on,
                                                       resolved_by, resolver, created_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                            &[
                                &customer_id,
                                &subject,
                                &entry.channel.as_db(),
                                &today,
                                &status.as_db(),
                                &resolved.then_some(today),
                                &resolved.then_some("person"),
                                &if resolved { name.as_str() } else { "" },
                                &now_utc(),
                            ],
                        )?
                        .try_get(0)?;
                    audit(tx, &opened(customer_id, id, subject, entry, status, today), &who)?;
                    (id, subject.to_string())
                }
            };
            link(tx, id, &invoices)?;
            let message_id: i64 = tx
                .query_one(
                    "INSERT INTO conversation_messages(conversation_id, at, direction, kind, author_kind, author, body,
                                                       outcome, created_at)
                     VALUES ($1, $2, $3, $4, 'person', $5, $6, $7, $8) RETURNING id",
                    &[&id, &at, &entry.direction.as_db(), &entry.kind.as_db(), &name, &body, &outcome, &now_utc()],
                )?
                .try_get(0)?;
            let logged = message_logged(customer_id, id, message_id, &subject, entry, (body, outcome, &at), &invoices);
            audit(tx, &logged, &who)?;
            if let Some(p) = &entry.promise {
                let on = invoices_of(tx, customer_id, &p.invoice_ids)?;
                insert_promise(tx, id, customer_id, p, &on, today, &who)?;
            }
            Ok((id, message_id))
        })
    }

    /// `Store::set_conversation_status` on PostgreSQL: resolve (by a
    /// person), reopen or mark waiting, at the version the user saw.
    pub fn set_conversation_status(
        &mut self,
        id: i64,
        version: i64,
        status: ConvStatus,
        today: NaiveDate,
    ) -> Result<()> {
        dates_in_bounds(&[("today", Some(today))])?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            let c = load_held(tx, id)?;
            settable(&c, version, status)?;
            change_status(tx, id, &c, Some(version), status, today, &who)
        })
    }

    /// `Store::add_promise` on PostgreSQL: a promise to pay on a
    /// conversation, made today, on open invoices of its customer.
    pub fn add_promise(&mut self, conversation_id: i64, d: &PromiseDraft, today: NaiveDate) -> Result<i64> {
        dates_in_bounds(&[("today", Some(today))])?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            let c = load_held(tx, conversation_id)?;
            let currency = customer_currency(tx, c.customer_id)?;
            check_promise(d, currency, today)?;
            let invoices = invoices_of(tx, c.customer_id, &d.invoice_ids)?;
            insert_promise(tx, conversation_id, c.customer_id, d, &invoices, today, &who)
        })
    }

    /// `Store::pause_invoices` on PostgreSQL: each invoice (open ones of
    /// the customer) paused from today until `d.until_on`, a pause in force
    /// today ended and replaced; all or none. How many were paused.
    pub fn pause_invoices(&mut self, customer_id: i64, d: &PauseDraft, today: NaiveDate) -> Result<usize> {
        let reason = checked_pause(d, today)?;
        let who = self.who().to_string();
        self.write(Some(customer_id), |tx| {
            customer_currency(tx, customer_id)?;
            let invoices = invoices_of(tx, customer_id, &d.invoice_ids)?;
            pausable(&invoices)?;
            let at = now_utc();
            let (today_s, until) = (iso(today), iso(d.until_on));
            for i in &invoices {
                let ended = end_pauses(tx, i.id, today)?;
                tx.execute(
                    "INSERT INTO invoice_pauses(invoice_id, customer_id, paused_on, until_on, reason, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[&i.id, &customer_id, &today, &d.until_on, &reason, &at],
                )?;
                audit_at(tx, &paused(customer_id, i, &today_s, &until, reason, &ended), &who, &at)?;
            }
            Ok(invoices.len())
        })
    }

    /// `Store::resume_invoices` on PostgreSQL: every pause of these
    /// invoices (of the customer) in force today ended today. How many
    /// pauses were ended.
    pub fn resume_invoices(&mut self, customer_id: i64, invoice_ids: &[i64], today: NaiveDate) -> Result<usize> {
        dates_in_bounds(&[("today", Some(today))])?;
        let who = self.who().to_string();
        self.write(Some(customer_id), |tx| {
            customer_currency(tx, customer_id)?;
            let invoices = invoices_of(tx, customer_id, invoice_ids)?;
            let at = now_utc();
            let today_s = iso(today);
            let mut n = 0;
            for i in &invoices {
                let ended = end_pauses(tx, i.id, today)?;
                if ended.is_empty() {
                    continue;
                }
                n += ended.len();
                audit_at(tx, &resumed(customer_id, i, &today_s, &ended), &who, &at)?;
            }
            Ok(n)
        })
    }
}
