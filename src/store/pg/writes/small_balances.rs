//! Small-balance write-offs on PostgreSQL
//! (`store/writes/small_balances.rs`): each invoice closed by an
//! `adjustment` credit of exactly its balance, applied to it, decided by
//! the same rule and audited alike.

use super::super::super::seed::AppliedFrom;
use super::super::super::writes::credit_notes::checked_reason;
use super::super::super::writes::dates_in_bounds;
use super::super::super::writes::picked::none_taken;
use super::super::super::writes::small_balances::{
    SmallBalancePreview, changed_while_closing, closed_small, small_preview, small_refusal,
};
use super::super::super::{Result, now_utc};
use super::super::inserts;
use super::super::store::PgStore;
use super::settle::apply;
use super::write_offs::sort;
use super::{audit_at, hold};
use crate::store::pg::prepared::Sql;
use chrono::NaiveDate;

/// Decides which of `ids` a small-balance write-off on `on` closes.
fn classify_small(
    c: &mut impl Sql,
    customer_id: i64,
    ids: &[i64],
    on: Option<NaiveDate>,
    allow_over_limit: bool,
) -> Result<SmallBalancePreview> {
    let limit: i64 = c.query_one("SELECT small_balance_limit_minor FROM organization", &[])?.try_get(0)?;
    let mut over_limit = Vec::new();
    let sorted = sort(c, customer_id, ids, |p| small_refusal(p, on, limit, allow_over_limit, &mut over_limit))?;
    Ok(small_preview(sorted, over_limit, limit))
}

impl PgStore {
    /// What a small-balance write-off of these invoices on `on` would do.
    pub fn small_balance_preview(
        &self,
        customer_id: i64,
        ids: &[i64],
        on: Option<NaiveDate>,
        allow_over_limit: bool,
    ) -> Result<SmallBalancePreview> {
        classify_small(&mut self.client()?, customer_id, ids, on, allow_over_limit)
    }

    /// Closes the balance of each invoice that can be (decided again inside
    /// the transaction, the customer's row held) with an adjustment credit
    /// applied on `on`, as on SQLite.
    pub fn small_balance_write_off(
        &mut self,
        customer_id: i64,
        ids: &[i64],
        on: NaiveDate,
        reason: &str,
        allow_over_limit: bool,
    ) -> Result<SmallBalancePreview> {
        dates_in_bounds(&[("write-off date", Some(on))])?;
        let reason = checked_reason(reason, "small-balance write-off")?.to_string();
        let who = self.who().to_string();
        self.write(None, |tx| {
            hold(tx, customer_id)?;
            let plan = classify_small(tx, customer_id, ids, Some(on), allow_over_limit)?;
            if plan.close.is_empty() {
                return Err(none_taken(&plan.refused, "no invoice to close"));
            }
            let at = now_utc();
            for (invoice_id, number, balance) in &plan.close {
                let id = inserts::insert_credit(tx, customer_id, on, balance.minor, balance.currency, &reason, &at)?;
                tx.execute(
                    "UPDATE credits SET kind = 'adjustment', number = NULL, invoice_id = $2 WHERE id = $1",
                    &[&id, invoice_id],
                )?;
                let paid = apply(tx, AppliedFrom::Credit(id), &[(*invoice_id, balance.minor)], on)?;
                if paid != [true] {
                    return Err(changed_while_closing(number));
                }
                audit_at(tx, &closed_small(customer_id, id, number, *balance, on, &reason), &who, &at)?;
            }
            Ok(plan)
        })
    }
}
