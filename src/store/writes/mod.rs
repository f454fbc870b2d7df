//! Validated write paths: one IMMEDIATE transaction each, the input checked
//! again here (the store is the last line), optimistic concurrency on
//! `version`, and an audit row with the values before and after.

pub(crate) mod allocate;
pub(crate) mod collections;
pub(crate) mod contacts;
pub(crate) mod contracts;
pub(crate) mod credit_notes;
pub(crate) mod credit_settings;
pub(crate) mod customer;
pub(crate) mod invoice_checks;
pub(crate) mod invoice_edits;
pub(crate) mod invoices;
pub(crate) mod organization;
pub(crate) mod payments;
pub(crate) mod picked;
pub(crate) mod refunds;
pub(crate) mod settle;
pub(crate) mod small_balances;
pub(crate) mod unapply;
pub(crate) mod write_offs;

pub use credit_notes::{CreditNotePlan, NoteRefund, VoidPlan};
pub use invoice_checks::MAX_MEMO;
pub use invoices::CancelPreview;
pub use payments::PaymentOutcome;
pub use refunds::{RefundPlan, Reversal};
pub use settle::{Applied, ApplyOutcome};
pub use small_balances::SmallBalancePreview;
pub use unapply::{ReturnedTo, UnapplyDone};
pub use write_offs::{MAX_WRITE_OFF_REASON, WriteOffPreview};

use super::{Result, StoreError};
use rusqlite::{OptionalExtension, Transaction};

/// Runs an `UPDATE … WHERE id = ?1 AND version = ?2` (which must also set
/// `version = version + 1`) and turns "no row changed" into a conflict
/// (someone else saved first) or not-found.
pub(crate) fn versioned(
    tx: &Transaction<'_>,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
    table: &str,
    id: i64,
    what: &str,
) -> Result<()> {
    let changed = tx.execute(sql, params)?;
    if changed == 1 {
        return Ok(());
    }
    let exists: Option<i64> =
        tx.query_row(&format!("SELECT 1 FROM {table} WHERE id = ?1"), [id], |r| r.get(0)).optional()?;
    Err(match exists {
        Some(_) => StoreError::Conflict(format!("{what} was changed by someone else since you opened it")),
        None => StoreError::NotFound(format!("{what} (it was deleted elsewhere)")),
    })
}

/// Deletes a row of `table` at the version the user saw.
pub(crate) fn versioned_delete(tx: &Transaction<'_>, table: &str, id: i64, version: i64, what: &str) -> Result<()> {
    versioned(tx, &format!("DELETE FROM {table} WHERE id = ?1 AND version = ?2"), &[&id, &version], table, id, what)
}

/// The customer's currency, or NotFound.
pub(crate) fn customer_currency(tx: &Transaction<'_>, customer_id: i64) -> Result<crate::domain::Currency> {
    let cur: Option<String> =
        tx.query_row("SELECT currency FROM customers WHERE id = ?1", [customer_id], |r| r.get(0)).optional()?;
    let cur = cur.ok_or_else(|| StoreError::NotFound(format!("customer {customer_id}")))?;
    cur.parse().map_err(|_| StoreError::Invalid(format!("customer {customer_id} has a bad currency {cur}")))
}

pub(crate) fn invalid(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

/// Refuses an amount past `bounds::MAX_AMOUNT_MINOR`, naming the field.
pub(crate) fn amount_in_bounds(what: &str, minor: i64, currency: crate::domain::Currency) -> Result<()> {
    match crate::domain::bounds::amount_error(minor, currency) {
        Some(e) => Err(StoreError::OutOfRange(format!("{what}: {e}"))),
        None => Ok(()),
    }
}

/// Refuses dates outside `bounds::MIN_DATE ..= MAX_DATE`, naming the field.
pub(crate) fn dates_in_bounds(dates: &[(&str, Option<chrono::NaiveDate>)]) -> Result<()> {
    for (what, d) in dates {
        if let Some(e) = d.and_then(crate::domain::bounds::date_error) {
            return Err(StoreError::OutOfRange(format!("{what}: {e}")));
        }
    }
    Ok(())
}
