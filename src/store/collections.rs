//! Reading collections (issue 18): a conversation's thread, the promises
//! and pauses of an invoice, the customers with a broken promise. The rule
//! for a promise's state is `domain::collections::PromiseState::of`; what
//! counts towards a promise is `paid_sql!`, the one place SQL states it.

use super::tabs::{currency, date, opt_date, stored};
use super::{Result, Store, StoreError};
use crate::domain::Money;
use crate::domain::collections::{
    AuthorKind, ConversationDetail, ConversationRow, Direction, LinkedInvoice, Message, MessageKind, Pause, Promise,
};
use crate::domain::status::InvoiceStatus;
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use std::collections::BTreeMap;

/// What has been paid towards the promise `pr`: the live applications to
/// its invoices of succeeded payments received from the day it was made
/// through the promised day — the payment's date, not the day it was
/// applied. (Credit is not payment, and a refunded payment's applications
/// are reversed, so neither counts.)
#[macro_export]
macro_rules! paid_sql {
    () => {
        "(SELECT coalesce(sum(a.amount_minor), 0) FROM promise_invoices pi \
         JOIN applications a ON a.invoice_id = pi.invoice_id AND a.payment_id IS NOT NULL AND a.removed_on IS NULL \
         JOIN payments p ON p.id = a.payment_id AND p.status = 'succeeded' \
              AND p.received_on BETWEEN pr.made_on AND pr.due_on \
         WHERE pi.promise_id = pr.id)"
    };
}

/// A promise's columns, `pr` its alias: id, conversation, made, due,
/// amount, currency, paid, its invoices' numbers, version.
const PROMISE: &str = concat!(
    "SELECT pr.id, pr.conversation_id, pr.made_on, pr.due_on, pr.amount_minor, pr.currency, ",
    paid_sql!(),
    ", coalesce((SELECT group_concat(number, char(31)) FROM (SELECT i.number FROM promise_invoices pi \
       JOIN invoices i ON i.id = pi.invoice_id WHERE pi.promise_id = pr.id ORDER BY i.number)), ''), pr.version \
     FROM promises pr"
);

fn promise(r: &rusqlite::Row<'_>) -> rusqlite::Result<Promise> {
    let cur = currency(r, 5)?;
    let amount = Money::new(r.get(4)?, cur);
    let paid = Money::new(r.get(6)?, cur);
    let due_on = date(r, 3)?;
    let numbers: String = r.get(7)?;
    Ok(Promise {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        made_on: date(r, 2)?,
        due_on,
        amount,
        paid,
        invoices: numbers.split('\u{1f}').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        version: r.get(8)?,
    })
}

fn pause(r: &rusqlite::Row<'_>) -> rusqlite::Result<Pause> {
    Ok(Pause {
        id: r.get(0)?,
        invoice_id: r.get(1)?,
        paused_on: date(r, 2)?,
        until_on: date(r, 3)?,
        reason: r.get(4)?,
        ended_on: opt_date(r, 5)?,
        version: r.get(6)?,
    })
}

const PAUSE: &str = "SELECT id, invoice_id, paused_on, until_on, reason, ended_on, version FROM invoice_pauses";

impl Store {
    /// A conversation of `customer_id` with its messages in order, the
    /// invoices it concerns (balances as they stand) and its promises.
    pub fn conversation_detail(&self, customer_id: i64, id: i64) -> Result<ConversationDetail> {
        let conversation = self
            .tab_row::<ConversationRow>(id)?
            .filter(|_| self.conversation_customer(id).ok().flatten() == Some(customer_id))
            .ok_or_else(|| StoreError::NotFound(format!("conversation #{id} (deleted elsewhere?)")))?;
        let external_id: Option<String> = self
            .conn()
            .prepare_cached("SELECT external_id FROM conversations WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        let messages = self
            .conn()
            .prepare_cached(
                "SELECT id, at, direction, kind, author_kind, author, body, outcome FROM conversation_messages
                 WHERE conversation_id = ?1 ORDER BY at, id",
            )?
            .query_map([id], |r| {
                Ok(Message {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    direction: stored(r, 2, Direction::from_db)?,
                    kind: stored(r, 3, MessageKind::from_db)?,
                    author_kind: stored(r, 4, AuthorKind::from_db)?,
                    author: r.get(5)?,
                    body: r.get(6)?,
                    outcome: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let invoices = self
            .conn()
            .prepare_cached(
                "SELECT i.id, i.number, i.status, i.total_minor, i.applied_minor, i.balance_minor, i.currency,
                        i.due_date,
                        (SELECT max(coalesce(ip.ended_on, ip.until_on) || ' ' || ip.paused_on) FROM invoice_pauses ip
                         WHERE ip.invoice_id = i.id)
                 FROM conversation_invoices ci JOIN invoices i ON i.id = ci.invoice_id
                 WHERE ci.conversation_id = ?1 ORDER BY i.number, i.id",
            )?
            .query_map([id], |r| {
                Ok(LinkedInvoice {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    status: stored(r, 2, InvoiceStatus::from_db)?,
                    total_minor: r.get(3)?,
                    applied_minor: r.get(4)?,
                    balance: Money::new(r.get(5)?, currency(r, 6)?),
                    due_date: date(r, 7)?,
                    pause: super::tabs::pause_window(r, 8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let sql = format!("{PROMISE} WHERE pr.conversation_id = ?1 ORDER BY pr.due_on, pr.id");
        let promises =
            self.conn().prepare_cached(&sql)?.query_map([id], promise)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ConversationDetail { customer_id, conversation, external_id, messages, invoices, promises })
    }

    /// Whose conversation `id` is, or `None` when there is no such one.
    pub fn conversation_customer(&self, id: i64) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT customer_id FROM conversations WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// The promises that name `invoice_id`, by their day.
    pub fn invoice_promises(&self, invoice_id: i64) -> Result<Vec<Promise>> {
        let sql = format!(
            "{PROMISE} WHERE pr.id IN (SELECT promise_id FROM promise_invoices WHERE invoice_id = ?1)
             ORDER BY pr.due_on, pr.id"
        );
        Ok(self.conn().prepare_cached(&sql)?.query_map([invoice_id], promise)?.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every pause of `invoice_id`, the latest first.
    pub fn invoice_pauses(&self, invoice_id: i64) -> Result<Vec<Pause>> {
        let sql = format!("{PAUSE} WHERE invoice_id = ?1 ORDER BY paused_on DESC, id DESC");
        Ok(self.conn().prepare_cached(&sql)?.query_map([invoice_id], pause)?.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The pause of `invoice_id` in force on `today`, if any.
    pub fn active_pause(&self, invoice_id: i64, today: NaiveDate) -> Result<Option<Pause>> {
        Ok(self.invoice_pauses(invoice_id)?.into_iter().find(|p| p.active_on(today)))
    }

    /// The ids of `numbers` among `customer_id`'s invoices, in the order
    /// given (each once), or which number is not the customer's.
    pub fn invoice_ids_by_number(&self, customer_id: i64, numbers: &[String]) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare_cached("SELECT id FROM invoices WHERE customer_id = ?1 AND number = ?2")?;
        let mut ids = Vec::new();
        for n in numbers {
            let id: Option<i64> = stmt.query_row((customer_id, n.trim()), |r| r.get(0)).optional()?;
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

    /// Customers with a broken promise on `today` and how many they have.
    pub fn broken_promises(&self, today: NaiveDate) -> Result<BTreeMap<i64, i64>> {
        let sql = concat!(
            "SELECT pr.customer_id, count(*) FROM promises pr WHERE pr.due_on < ?1 AND ",
            paid_sql!(),
            " < pr.amount_minor GROUP BY pr.customer_id"
        );
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map([crate::domain::date::iso(today)], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<BTreeMap<i64, i64>>>()?)
    }
}
