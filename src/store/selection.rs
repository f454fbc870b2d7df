//! Whole-table reads for selections.

use super::tabs::currency;
use super::{Result, Store};
use crate::domain::Money;

impl Store {
    /// Every invoice of the customer with its total, for "select all".
    pub fn invoice_totals(&self, customer_id: i64) -> Result<Vec<(i64, Money)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, total_minor, currency FROM invoices WHERE customer_id = ?1 ORDER BY id")?;
        let rows = stmt
            .query_map([customer_id], |r| Ok((r.get(0)?, Money::new(r.get(1)?, currency(r, 2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
