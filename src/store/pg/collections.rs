//! Reading collections on PostgreSQL, as `store/collections.rs`: a
//! conversation's thread with the invoices it concerns and its promises,
//! whose conversation an id is, an invoice's promises and pauses, and
//! invoice numbers turned into ids. What counts towards a promise is
//! `paid_sql!`, the same SQL as on SQLite.

use super::super::{Result, StoreError};
use super::customers::currency;
use super::detail::stored;
use super::store::PgStore;
use crate::domain::Money;
use crate::domain::collections::{
    AuthorKind, ConversationDetail, ConversationRow, Direction, LinkedInvoice, Message, MessageKind, Pause, Promise,
};
use crate::domain::status::InvoiceStatus;
use chrono::NaiveDate;
use postgres::Row;

/// A promise's columns, as `collections::PROMISE`: its invoices' numbers
/// in byte order (the column's collation is "C").
const PROMISE: &str = concat!(
    "SELECT pr.id, pr.conversation_id, pr.made_on, pr.due_on, pr.amount_minor, pr.currency, ",
    crate::paid_sql!(),
    "::bigint, coalesce((SELECT array_agg(i.number ORDER BY i.number) FROM promise_invoices pi \
       JOIN invoices i ON i.id = pi.invoice_id WHERE pi.promise_id = pr.id), '{}'), pr.version \
     FROM promises pr"
);

const PAUSE: &str = "SELECT id, invoice_id, paused_on, until_on, reason, ended_on, version FROM invoice_pauses";

fn promise(r: &Row) -> Result<Promise> {
    let cur = currency(r.try_get(5)?)?;
    let numbers: Vec<String> = r.try_get(7)?;
    Ok(Promise {
        id: r.try_get(0)?,
        conversation_id: r.try_get(1)?,
        made_on: r.try_get(2)?,
        due_on: r.try_get(3)?,
        amount: Money::new(r.try_get(4)?, cur),
        paid: Money::new(r.try_get(6)?, cur),
        invoices: numbers.into_iter().filter(|s| !s.is_empty()).collect(),
        version: r.try_get(8)?,
    })
}

fn pause(r: &Row) -> Result<Pause> {
    Ok(Pause {
        id: r.try_get(0)?,
        invoice_id: r.try_get(1)?,
        paused_on: r.try_get(2)?,
        until_on: r.try_get(3)?,
        reason: r.try_get(4)?,
        ended_on: r.try_get(5)?,
        version: r.try_get(6)?,
    })
}

fn message(r: &Row) -> Result<Message> {
    Ok(Message {
        id: r.try_get(0)?,
        at: r.try_get(1)?,
        direction: stored(r.try_get(2)?, Direction::from_db)?,
        kind: stored(r.try_get(3)?, MessageKind::from_db)?,
        author_kind: stored(r.try_get(4)?, AuthorKind::from_db)?,
        author: r.try_get(5)?,
        body: r.try_get(6)?,
        outcome: r.try_get(7)?,
    })
}

fn linked_invoice(r: &Row) -> Result<LinkedInvoice> {
    let pause: Option<String> = r.try_get(8)?;
    Ok(LinkedInvoice {
        id: r.try_get(0)?,
        number: r.try_get(1)?,
        status: stored(r.try_get(2)?, InvoiceStatus::from_db)?,
        total_minor: r.try_get(3)?,
        applied_minor: r.try_get(4)?,
        balance: Money::new(r.try_get(5)?, currency(r.try_get(6)?)?),
        due_date: r.try_get(7)?,
        pause: pause.and_then(|s| {
            let (end, from) = s.split_once(' ')?;
            Some((from.parse().ok()?, end.parse().ok()?))
        }),
    })
}

impl PgStore {
    /// A conversation of `customer_id` with its messages in order, the
    /// invoices it concerns and its promises, as
    /// `Store::conversation_detail`.
    pub fn conversation_detail(&self, customer_id: i64, id: i64) -> Result<ConversationDetail> {
        let conversation = self
            .row_by_id::<ConversationRow>(id)?
            .filter(|_| self.conversation_customer(id).ok().flatten() == Some(customer_id))
            .ok_or_else(|| StoreError::NotFound(format!("conversation #{id} (deleted elsewhere?)")))?;
        let mut c = self.client()?;
        let external_id: Option<String> = c
            .query_opt("SELECT external_id FROM conversations WHERE id = $1", &[&id])?
            .ok_or_else(|| StoreError::NotFound(format!("conversation #{id} (deleted elsewhere?)")))?
            .try_get(0)?;
        let messages = c
            .query(
                "SELECT id, at, direction, kind, author_kind, author, body, outcome FROM conversation_messages
                 WHERE conversation_id = $1 ORDER BY at, id",
                &[&id],
            )?
            .iter()
            .map(message)
            .collect::<Result<Vec<_>>>()?;
        let invoices = c
            .query(
                "SELECT i.id, i.number, i.status, i.total_minor, i.applied_minor, i.balance_minor, i.currency,
                        i.due_date,
                        (SELECT max(coalesce(ip.ended_on, ip.until_on)::text || ' ' || ip.paused_on::text)
                         FROM invoice_pauses ip WHERE ip.invoice_id = i.id)
                 FROM conversation_invoices ci JOIN invoices i ON i.id = ci.invoice_id
                 WHERE ci.conversation_id = $1 ORDER BY i.number, i.id",
                &[&id],
            )?
            .iter()
            .map(linked_invoice)
            .collect::<Result<Vec<_>>>()?;
        let sql = format!("{PROMISE} WHERE pr.conversation_id = $1 ORDER BY pr.due_on, pr.id");
        let promises = c.query(&sql, &[&id])?.iter().map(promise).collect::<Result<Vec<_>>>()?;
        Ok(ConversationDetail { customer_id, conversation, external_id, messages, invoices, promises })
    }

    /// Whose conversation `id` is, or `None` when there is no such one.
    pub fn conversation_customer(&self, id: i64) -> Result<Option<i64>> {
        let found = self.client()?.query_opt("SELECT customer_id FROM conversations WHERE id = $1", &[&id])?;
        Ok(found.map(|r| r.try_get(0)).transpose()?)
    }

    /// The promises that name `invoice_id`, by their day.
    pub fn invoice_promises(&self, invoice_id: i64) -> Result<Vec<Promise>> {
        let sql = format!(
            "{PROMISE} WHERE pr.id IN (SELECT promise_id FROM promise_invoices WHERE invoice_id = $1)
             ORDER BY pr.due_on, pr.id"
        );
        self.client()?.query(&sql, &[&invoice_id])?.iter().map(promise).collect()
    }

    /// Every pause of `invoice_id`, the latest first.
    pub fn invoice_pauses(&self, invoice_id: i64) -> Result<Vec<Pause>> {
        let sql = format!("{PAUSE} WHERE invoice_id = $1 ORDER BY paused_on DESC, id DESC");
        self.client()?.query(&sql, &[&invoice_id])?.iter().map(pause).collect()
    }

    /// The pause of `invoice_id` in force on `today`, if any.
    pub fn active_pause(&self, invoice_id: i64, today: NaiveDate) -> Result<Option<Pause>> {
        Ok(self.invoice_pauses(invoice_id)?.into_iter().find(|p| p.active_on(today)))
    }

    /// The ids of `numbers` among `customer_id`'s invoices, in the order
    /// given (each once), or which number is not the customer's, as
    /// `Store::invoice_ids_by_number`.
    pub fn invoice_ids_by_number(&self, customer_id: i64, numbers: &[String]) -> Result<Vec<i64>> {
        let mut c = self.client()?;
        let sql = "SELECT id FROM invoices WHERE customer_id = $1 AND number = $2";
        let mut ids = Vec::new();
        for n in numbers {
            // A NUL character, which no text on PostgreSQL holds, names no
            // invoice (the server would refuse the text itself).
            let id: Option<i64> = match n.contains('\0') {
                true => None,
                false => c.query_opt(sql, &[&customer_id, &n.trim()])?.map(|r| r.try_get(0)).transpose()?,
            };
            match id {
                Some(id) if !ids.contains(&id) => ids.push(id),
                Some(_) => {}
                None => {
                    return Err(StoreError::Invalid(format!("the customer has no invoice numbered {}", n.trim())));
                }
            }
        }
        Ok(ids)
    }
}
