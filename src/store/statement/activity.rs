//! The lines of an activity statement: every dated event of the customer
//! from a date through the statement date, each with what it did to the
//! total due (open balances less unapplied money), read from the raw rows
//! by the rules of the dated events (`migrations/0014_dated_events.sql`):
//!
//! - an invoice counts from its issue date (+ its total); a cancellation
//!   or a bad-debt write-off from its date, an undated one from the issue
//!   date, taking off what the invoice still owed then (its total less
//!   what was applied to it and still is) — so an undated write-off sits
//!   on the issue date, right after the invoice, as the as-of figures
//!   count it (it was never open);
//! - a payment from the day received (− its amount), a refund from its day
//!   or the payment's, whichever is later (+), a credit from the day
//!   granted (−), a void from its day (+ the credit's amount: its
//!   applications end that day and give back to the invoices what they
//!   took);
//! - an application moves money between an invoice and a payment or
//!   credit, which changes nothing due — except when it is made to, or
//!   taken back from, an invoice already cancelled or written off: then
//!   it is a line of its own ("applied to … after it was closed"), so the
//!   running balance is the total due as of each day, exactly.
//!
//! Each event is split into its parts as the dated events split it, and
//! the parts summed per line; so the brought-forward balance plus the
//! lines is the total due as of the statement date by construction, and
//! `Store::statement` checks it besides.

use super::super::tabs::{currency, date};
use super::super::{Result, Store};
use crate::domain::date::iso;
use crate::domain::money::{Currency, Money};
use crate::statement::model::{Activity, ActivityKind, ActivityLine};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The parts of every event, summed per line. `?1` customer, `?2` from,
/// `?3` the statement date. `ord` orders a day: invoices, payments and
/// credits, refunds, write-offs, cancellations, voids.
const LINES: &str = "
WITH inv AS (
    SELECT i.id, i.number, i.currency, i.issue_date, i.total_minor,
           coalesce(nullif(trim(i.contract_name), ''), nullif(trim(i.memo), ''), '') AS what,
           CASE i.status WHEN 'uncollectible' THEN 'write_off' ELSE 'cancellation' END AS close_kind,
           CASE i.status WHEN 'uncollectible' THEN 3 ELSE 4 END AS close_ord,
           CASE WHEN i.status IN ('cancelled', 'uncollectible')
                THEN max(coalesce(i.cancelled_on, i.written_off_on, i.issue_date), i.issue_date) END AS k
    FROM main.invoices i
    WHERE i.customer_id = ?1 AND i.status <> 'draft' AND i.issue_date <= ?3),
app AS (
    SELECT a.id, inv.id AS invoice_id, inv.number, inv.currency, inv.close_kind, inv.close_ord, inv.k,
           a.amount_minor AS v, max(a.applied_on, inv.issue_date) AS s, a.removed_on AS e,
           coalesce(min(a.removed_on, inv.k), a.removed_on, inv.k) AS u,
           CASE WHEN a.payment_id IS NOT NULL THEN 'payment' WHEN c.kind = 'credit_note' THEN 'credit_note'
                ELSE 'credit' END AS src_kind,
           CASE WHEN a.payment_id IS NOT NULL
                THEN CASE WHEN trim(p.reference) = '' THEN 'Payment #' || p.id ELSE p.reference END
                WHEN c.kind = 'credit_note' THEN c.number
                WHEN c.kind = 'adjustment' THEN 'Adjustment #' || c.id ELSE 'Credit #' || c.id END AS src_ref
    FROM main.applications a JOIN inv ON inv.id = a.invoice_id
    LEFT JOIN main.payments p ON p.id = a.payment_id LEFT JOIN main.credits c ON c.id = a.credit_id
    WHERE a.payment_id IS NULL OR p.status IN ('succeeded', 'refunded')),
parts(day, ord, key, kind, reference, description, currency, delta) AS (
    SELECT issue_date, 0, 'i' || id, 'invoice', number, what, currency, total_minor FROM inv
    UNION ALL
    SELECT k, close_ord, 'x' || id, close_kind, number,
           CASE close_kind WHEN 'write_off' THEN 'Written off' ELSE 'Cancelled' END, currency, -total_minor
    FROM inv WHERE k IS NOT NULL
    -- The invoice's side of an application: less owed from s until u.
    UNION ALL
    SELECT s, 1, 'a' || id, src_kind, src_ref, 'Applied to ' || number || ' after it was closed', currency, -v
    FROM app WHERE u IS NULL OR u > s
    UNION ALL
    SELECT u, CASE WHEN u = k AND (e IS NULL OR k < e) THEN close_ord ELSE 1 END,
           CASE WHEN u = k AND (e IS NULL OR k < e) THEN 'x' || invoice_id ELSE 'u' || id END,
           CASE WHEN u = k AND (e IS NULL OR k < e) THEN close_kind ELSE src_kind END,
           CASE WHEN u = k AND (e IS NULL OR k < e) THEN number ELSE src_ref END,
           CASE WHEN u = k AND (e IS NULL OR k < e)
                THEN CASE close_kind WHEN 'write_off' THEN 'Written off' ELSE 'Cancelled' END
                ELSE 'Taken back from ' || number || ' after it was closed' END,
           currency, v
    FROM app WHERE u > s
    -- The payment's or credit's side: less unapplied from s until e.
    UNION ALL
    SELECT s, 1, 'a' || id, src_kind, src_ref, 'Applied to ' || number || ' after it was closed', currency, v
    FROM app WHERE e IS NULL OR e > s
    UNION ALL
    SELECT e, 1, 'u' || id, src_kind, src_ref, 'Taken back from ' || number || ' after it was closed', currency, -v
    FROM app WHERE e > s
    UNION ALL
    SELECT p.received_on, 1, 'p' || p.id, 'payment',
           CASE WHEN trim(p.reference) = '' THEN 'Payment #' || p.id ELSE p.reference END,
           CASE p.method WHEN 'automatic' THEN 'Automatic payment' ELSE '' END,
           p.currency, -p.amount_minor
    FROM main.payments p WHERE p.customer_id = ?1 AND p.status IN ('succeeded', 'refunded')
    UNION ALL
    SELECT max(r.refunded_on, p.received_on), 2, 'r' || r.id, 'refund',
           CASE WHEN trim(p.reference) = '' THEN 'Payment #' || p.id ELSE p.reference END,
           CASE WHEN trim(r.reason) = '' THEN 'Refund' ELSE 'Refund: ' || r.reason END, p.currency, r.amount_minor
    FROM main.refunds r JOIN main.payments p ON p.id = r.payment_id
    WHERE p.customer_id = ?1 AND p.status IN ('succeeded', 'refunded')
    UNION ALL
    SELECT c.granted_on, 1, 'c' || c.id, CASE c.kind WHEN 'credit_note' THEN 'credit_note' ELSE 'credit' END,
           CASE c.kind WHEN 'credit_note' THEN c.number WHEN 'adjustment' THEN 'Adjustment #' || c.id
                ELSE 'Credit #' || c.id END,
           CASE WHEN trim(c.reason) <> '' THEN c.reason WHEN c.kind = 'credit_note' THEN 'Credit note'
                WHEN c.kind = 'adjustment' THEN 'Small-balance adjustment' ELSE 'Credit granted' END,
           c.currency, -c.amount_minor
    FROM main.credits c WHERE c.customer_id = ?1
    UNION ALL
    SELECT max(c.voided_on, c.granted_on), 5, 'v' || c.id, 'void',
           CASE c.kind WHEN 'credit_note' THEN c.number ELSE 'Credit #' || c.id END,
           CASE c.kind WHEN 'credit_note' THEN 'Credit note voided' ELSE 'Credit voided' END, c.currency, c.amount_minor
    FROM main.credits c WHERE c.customer_id = ?1 AND c.status = 'voided')
SELECT day, kind, max(reference), max(description), currency, sum(delta)
FROM parts WHERE day BETWEEN ?2 AND ?3
GROUP BY day, ord, key, currency
HAVING sum(delta) <> 0 OR ord = 0
ORDER BY day, ord, max(reference), key";

/// One line before the running balance: its effect on the total due.
#[derive(Debug, Clone)]
pub(crate) struct Movement {
    date: NaiveDate,
    kind: ActivityKind,
    reference: String,
    description: String,
    delta: i64,
}

impl Movement {
    /// A line of `LINES` (or its PostgreSQL twin): `kind` is the query's
    /// word for it.
    pub(crate) fn new(date: NaiveDate, kind: &str, reference: String, description: String, delta: i64) -> Movement {
        Movement { date, kind: kind_of(kind), reference, description, delta }
    }
}

impl Store {
    /// The movements from `from` through `to`, per currency, in order.
    pub(super) fn activity_lines(
        &self,
        customer_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<BTreeMap<Currency, Vec<Movement>>> {
        let mut out: BTreeMap<Currency, Vec<Movement>> = BTreeMap::new();
        let mut stmt = self.conn().prepare(LINES)?;
        let mut rows = stmt.query((customer_id, iso(from), iso(to)))?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(1)?;
            out.entry(currency(r, 4)?).or_default().push(Movement::new(
                date(r, 0)?,
                &kind,
                r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                r.get(5)?,
            ));
        }
        Ok(out)
    }
}

fn kind_of(code: &str) -> ActivityKind {
    match code {
        "invoice" => ActivityKind::Invoice,
        "credit_note" => ActivityKind::CreditNote,
        "credit" => ActivityKind::Credit,
        "refund" => ActivityKind::Refund,
        "write_off" => ActivityKind::WriteOff,
        "cancellation" => ActivityKind::Cancellation,
        "void" => ActivityKind::Void,
        _ => ActivityKind::Payment,
    }
}

/// The lines with their running balance from `brought_forward`.
pub(super) fn running(from: NaiveDate, brought_forward: Money, movements: Vec<Movement>) -> Activity {
    let cur = brought_forward.currency;
    let mut balance = brought_forward.minor;
    let lines = movements
        .into_iter()
        .map(|m| {
            balance += m.delta;
            let amount = Money::new(m.delta.abs(), cur);
            let charge = m.delta >= 0;
            ActivityLine {
                date: m.date,
                kind: m.kind,
                reference: m.reference,
                description: m.description,
                charge: charge.then_some(amount),
                payment: (!charge).then_some(amount),
                balance: Money::new(balance, cur),
            }
        })
        .collect();
    Activity { from, brought_forward, lines, closing: Money::new(balance, cur) }
}
