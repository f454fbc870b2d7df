//! Bad-debt write-offs on PostgreSQL (`store/writes/write_offs.rs`): the
//! invoices picked sorted by the same rule, written off or reversed with
//! the same checks and audit entries; and the reading of picked invoices
//! a small-balance write-off shares (`writes/picked.rs`).

use super::super::super::writes::dates_in_bounds;
use super::super::super::writes::picked::{Picked, PickedCols, Sorted, none_taken, sort_with};
use super::super::super::writes::write_offs::{
    Found, WriteOffPreview, changed_while_writing_off, checked_reason, preview, reversed, reversible,
    write_off_refusal, written_off,
};
use super::super::super::{Result, now_utc};
use super::super::store::PgStore;
use super::{audit, audit_many, hold, update_all, versioned};
use crate::domain::Money;
use crate::store::pg::prepared::Sql;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Reads each of `ids` once, as an invoice of `customer_id`, and sorts
/// them by `decide` (`picked::sort`). One query for them all: a selection
/// of tens of thousands of invoices read one by one spent seconds in round
/// trips before the write began.
pub(super) fn sort(
    c: &mut impl Sql,
    customer_id: i64,
    ids: &[i64],
    decide: impl FnMut(&Picked) -> Option<String>,
) -> Result<Sorted> {
    let rows = c.query(
        "SELECT id, number, status, total_minor - applied_minor, currency, issue_date, written_off_on::text
         FROM invoices WHERE id = ANY($1) AND customer_id = $2",
        &[&ids, &customer_id],
    )?;
    let mut found: HashMap<i64, PickedCols> = HashMap::with_capacity(rows.len());
    for r in rows {
        found.insert(
            r.try_get(0)?,
            (r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?, r.try_get(6)?),
        );
    }
    sort_with(ids, |id| Ok(found.remove(&id)), decide)
}

/// Decides which of `ids` can be written off on `on`.
fn classify(c: &mut impl Sql, customer_id: i64, ids: &[i64], on: Option<NaiveDate>) -> Result<WriteOffPreview> {
    Ok(preview(sort(c, customer_id, ids, |p| write_off_refusal(p, on))?))
}

impl PgStore {
    /// What writing off these invoices on `on` would do; writes nothing.
    pub fn write_off_preview(&self, customer_id: i64, ids: &[i64], on: Option<NaiveDate>) -> Result<WriteOffPreview> {
        classify(&mut self.client()?, customer_id, ids, on)
    }

    /// Writes off the balance of the invoices that can be (decided again
    /// inside the transaction, the customer's row held) as bad debt on
    /// `on`, for `reason`. Refuses the whole write when none can be.
    pub fn write_off(&mut self, customer_id: i64, ids: &[i64], on: NaiveDate, reason: &str) -> Result<WriteOffPreview> {
        dates_in_bounds(&[("write-off date", Some(on))])?;
        let reason = checked_reason(reason)?.to_string();
        let who = self.who().to_string();
        self.write(None, |tx| {
            // Held whether it exists: SQLite names the invoices that are
            // not this customer's.
            hold(tx, customer_id)?;
            let plan = classify(tx, customer_id, ids, Some(on))?;
            if plan.write_off.is_empty() {
                return Err(none_taken(&plan.refused, "no invoice to write off"));
            }
            // One statement for them all, as a bulk cancel.
            let chosen: Vec<i64> = plan.write_off.iter().map(|(id, _, _)| *id).collect();
            let unchanged = update_all(
                tx,
                "UPDATE invoices SET status = 'uncollectible', written_off_on = $2, write_off_reason = $3,
                        version = version + 1
                 WHERE id = ANY($1) AND status = 'open' AND applied_minor < total_minor
                 RETURNING id",
                &[&chosen, &on, &reason],
                plan.write_off.iter().map(|(id, number, _)| (*id, number.as_str())),
            )?;
            if let Some(number) = unchanged {
                return Err(changed_while_writing_off(number));
            }
            let entries: Vec<_> = plan
                .write_off
                .iter()
                .map(|(id, number, balance)| written_off(customer_id, *id, number, *balance, on, &reason))
                .collect();
            audit_many(tx, &entries, &who, &now_utc())?;
            Ok(plan)
        })
    }

    /// Reverses the bad-debt write-off of an uncollectible invoice at the
    /// version the user saw, as on SQLite.
    pub fn reverse_write_off(
        &mut self,
        customer_id: i64,
        invoice_id: i64,
        version: i64,
        on: NaiveDate,
        reason: &str,
    ) -> Result<Money> {
        dates_in_bounds(&[("reversal date", Some(on))])?;
        let reason = checked_reason(reason)?.to_string();
        let who = self.who().to_string();
        self.write(None, |tx| {
            hold(tx, customer_id)?;
            let row = match tx.query_opt(
                "SELECT number, status, total_minor - applied_minor, currency, written_off_on::text, customer_id,
                        issue_date
                 FROM invoices WHERE id = $1",
                &[&invoice_id],
            )? {
                Some(r) => Some(Found {
                    number: r.try_get(0)?,
                    status: r.try_get(1)?,
                    balance: r.try_get(2)?,
                    currency: r.try_get(3)?,
                    written_off_on: r.try_get(4)?,
                    owner: r.try_get(5)?,
                    issued: r.try_get(6)?,
                }),
                None => None,
            };
            let r = reversible(invoice_id, customer_id, row, on)?;
            versioned(
                tx,
                "UPDATE invoices SET status = CASE WHEN applied_minor >= total_minor THEN 'paid' ELSE 'open' END,
                        written_off_on = NULL, version = version + 1
                 WHERE id = $1 AND version = $2 AND status = 'uncollectible'",
                &[&invoice_id, &version],
                "invoices",
                invoice_id,
                &format!("invoice {}", r.number),
            )?;
            audit(tx, &reversed(customer_id, invoice_id, &r, on, &reason), &who)?;
            Ok(r.balance)
        })
    }
}
