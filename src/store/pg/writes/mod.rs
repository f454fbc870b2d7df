//! Writes on PostgreSQL: one transaction each, the input checked by the
//! same functions as on SQLite, optimistic concurrency on `version`, and
//! an audit row with the values before and after.
//!
//! Concurrency, the PostgreSQL way (issue 21). Transactions run at READ
//! COMMITTED, and a write that concerns a customer first locks that
//! customer's row (`SELECT … FOR NO KEY UPDATE`), so the writes of one customer
//! follow one another as on SQLite, where there is one writer, while
//! different customers' writes go on side by side. Within that:
//! - a form's save still carries the `version` it read, and a save that
//!   finds another version is refused, "changed elsewhere — reload";
//! - the triggers' sums add to the row under its lock (`x = x + …`), which
//!   READ COMMITTED applies to the latest committed row, so no sum is
//!   lost;
//! - what a write reads before writing (open balances to allocate a
//!   payment over) cannot change under it, since every write of that
//!   customer waits for the lock.
//!
//! SERIALIZABLE was weighed and not taken: every write of a customer
//! touches the same summary rows, so concurrent writes of one customer
//! would fail and retry rather than wait, and a writer could be refused
//! after its work instead of waiting before it. A deadlock (two writes
//! locking rows of two customers in opposite orders) or a serialization
//! failure is retried a few times, then reported as "busy".

mod collections;
mod contacts;
mod contracts;
mod credit_notes;
pub(crate) mod customer;
pub(super) mod invoice_edits;
mod invoices;
mod organization;
mod payments;
mod refunds;
mod settle;
mod small_balances;
mod unapply;
mod write_offs;

use super::super::{Audit, Result, StoreError};
use super::store::PgStore;
use crate::store::pg::prepared::{Sql, Tx};
use std::time::Duration;

/// Tries of a write that a deadlock or a serialization failure undid.
const TRIES: u32 = 5;

impl PgStore {
    /// Runs `f` in one transaction, holding `customer`'s row when given:
    /// all of it lands or none. `f` may run more than once (a retry after
    /// a deadlock), so it must not keep state between runs.
    pub(crate) fn write<T>(&self, customer: Option<i64>, mut f: impl FnMut(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.writable()?;
        let mut client = self.client()?;
        let mut tried = 0;
        loop {
            tried += 1;
            let attempt = (|| {
                let mut tx = client.transaction()?;
                if let Some(id) = customer
                    && !hold(&mut tx, id)?
                {
                    return Err(StoreError::NotFound(format!("customer {id}")));
                }
                let out = f(&mut tx)?;
                tx.commit()?;
                Ok(out)
            })();
            match attempt {
                Err(StoreError::Busy) if tried < TRIES => std::thread::sleep(Duration::from_millis(5 << tried)),
                other => return other,
            }
        }
    }
}

/// Locks `customer`'s row for the rest of the transaction, as `write`
/// does; whether it exists. A write that names a row of a customer (a
/// contact, a contract, an invoice) holds its customer this way and then
/// says what SQLite says when the row is missing, not that the customer is.
pub(crate) fn hold(tx: &mut Tx<'_>, customer: i64) -> Result<bool> {
    // NO KEY UPDATE: writers of one customer queue behind one another, but
    // not behind an upload's KEY SHARE (nor a child row's foreign key),
    // which a plain FOR UPDATE would wait on.
    Ok(tx.query_opt("SELECT 1 FROM customers WHERE id = $1 FOR NO KEY UPDATE", &[&customer])?.is_some())
}

/// Runs an `UPDATE … WHERE id = $1 AND version = $2` (which must also set
/// `version = version + 1`) and turns "no row changed" into a conflict
/// (someone else saved first) or not-found, as on SQLite.
pub(crate) fn versioned(
    tx: &mut Tx<'_>,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
    table: &str,
    id: i64,
    what: &str,
) -> Result<()> {
    if tx.execute(sql, params)? == 1 {
        return Ok(());
    }
    let exists = tx.query_opt(&format!("SELECT 1 FROM {table} WHERE id = $1"), &[&id])?.is_some();
    Err(if exists {
        StoreError::Conflict(format!("{what} was changed by someone else since you opened it"))
    } else {
        StoreError::NotFound(format!("{what} (it was deleted elsewhere)"))
    })
}

/// The entries of one bulk change (a cancel or write-off of many invoices),
/// sharing `at`, in one statement and in their order: a statement each
/// would also run the audit log's triggers once each.
pub(crate) fn audit_many(tx: &mut impl Sql, entries: &[Audit<'_>], who: &str, at: &str) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let customers: Vec<Option<i64>> = entries.iter().map(|a| a.customer_id).collect();
    let entities: Vec<&str> = entries.iter().map(|a| a.entity).collect();
    let ids: Vec<Option<i64>> = entries.iter().map(|a| a.entity_id).collect();
    let actions: Vec<&str> = entries.iter().map(|a| a.action).collect();
    let summaries: Vec<&str> = entries.iter().map(|a| a.summary.as_str()).collect();
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
    let before: Vec<Option<String>> = entries.iter().map(|a| json(&a.before)).collect();
    let after: Vec<Option<String>> = entries.iter().map(|a| json(&a.after)).collect();
    tx.execute(
        "INSERT INTO audit_log(at, who, customer_id, entity, entity_id, action, summary, before_json, after_json)
         SELECT $1, $2, c, e, i, a, s, b, f
         FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[])
              WITH ORDINALITY AS x(c, e, i, a, s, b, f, n)
         ORDER BY n",
        &[&at, &who, &customers, &entities, &ids, &actions, &summaries, &before, &after],
    )?;
    Ok(())
}

/// Runs a bulk `UPDATE … WHERE id = ANY(…) … RETURNING id` and names the
/// first row of `planned` it did not change (`first_unchanged`), if any.
pub(crate) fn update_all<'a>(
    tx: &mut Tx<'_>,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
    planned: impl IntoIterator<Item = (i64, &'a str)>,
) -> Result<Option<&'a str>> {
    let changed: Vec<i64> =
        tx.query(sql, params)?.iter().map(|r| r.try_get(0)).collect::<std::result::Result<_, _>>()?;
    Ok(first_unchanged(planned, &changed))
}

/// Of the rows a bulk UPDATE was to change (`planned`: id and what to call
/// it), the first it did not (`changed`: the ids it returned): another
/// session's change since the plan, which undoes the whole write.
pub(crate) fn first_unchanged<'a>(
    planned: impl IntoIterator<Item = (i64, &'a str)>,
    changed: &[i64],
) -> Option<&'a str> {
    let changed: std::collections::HashSet<i64> = changed.iter().copied().collect();
    planned.into_iter().find(|(id, _)| !changed.contains(id)).map(|(_, name)| name)
}

/// Writes one audit entry inside the transaction of the change it records.
pub(crate) fn audit(tx: &mut Tx<'_>, a: &Audit<'_>, who: &str) -> Result<()> {
    audit_at(tx, a, who, &super::super::now_utc())
}

/// `audit`, at a time given (the entries of one bulk change share it).
pub(crate) fn audit_at(tx: &mut impl Sql, a: &Audit<'_>, who: &str, at: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log(at, who, customer_id, entity, entity_id, action, summary, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &at,
            &who,
            &a.customer_id,
            &a.entity,
            &a.entity_id,
            &a.action,
            &a.summary,
            &a.before.as_ref().map(|v| v.to_string()),
            &a.after.as_ref().map(|v| v.to_string()),
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::first_unchanged;

    #[test]
    fn the_first_planned_row_not_changed_is_named() {
        let planned = [(3, "INV-3"), (1, "INV-1"), (2, "INV-2")];
        assert_eq!(first_unchanged(planned, &[2, 3, 1]), None);
        assert_eq!(first_unchanged(planned, &[3, 2]), Some("INV-1"));
        assert_eq!(first_unchanged(planned, &[]), Some("INV-3"));
        assert_eq!(first_unchanged([], &[7]), None);
    }
}
