//! Whole-view reads for selections on PostgreSQL, as `store/selection.rs`:
//! every invoice a view shows with its total ("select all shown"), and how
//! many of a selection the view shows. The filter is the tab's own SQL
//! (`window::where_clause`), so they select what the tab lists.

use super::super::Result;
use super::super::window::View;
use super::customers::currency;
use super::store::PgStore;
use super::window::{Params, PgTabRow, where_clause};
use crate::domain::Money;
use crate::domain::model::InvoiceRow;
use postgres::types::ToSql;

/// Ids asked about per statement, as SQLite's batches.
const BATCH: usize = 500;

impl PgStore {
    /// Every invoice of the view (its filter applied) with its total, for
    /// "select all shown", by id.
    pub fn invoice_totals(&self, customer_id: i64, view: &View) -> Result<Vec<(i64, Money)>> {
        let mut params: Params = vec![Box::new(customer_id)];
        let filter_sql = where_clause::<InvoiceRow>(&view.filter, view.today, &mut params);
        let sql = format!(
            "SELECT i.id, i.total_minor, i.currency FROM {} WHERE {}{filter_sql} ORDER BY i.id",
            InvoiceRow::FROM,
            InvoiceRow::WHERE
        );
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
        self.client()?
            .query(&sql, &refs)?
            .iter()
            .map(|r| Ok((r.try_get(0)?, Money::new(r.try_get(1)?, currency(r.try_get(2)?)?))))
            .collect()
    }

    /// How many of `ids` (invoices of the customer) the view's filter shows,
    /// as `Store::invoices_shown`.
    pub fn invoices_shown(&self, customer_id: i64, view: &View, ids: &[i64]) -> Result<usize> {
        if view.filter.is_empty() {
            return Ok(ids.len());
        }
        let mut params: Params = vec![Box::new(customer_id)];
        let filter_sql = where_clause::<InvoiceRow>(&view.filter, view.today, &mut params);
        let sql = format!(
            "SELECT count(*) FROM {} WHERE {}{filter_sql} AND i.id = ANY(${})",
            InvoiceRow::FROM,
            InvoiceRow::WHERE,
            params.len() + 1
        );
        let mut c = self.client()?;
        let mut shown = 0usize;
        for batch in ids.chunks(BATCH) {
            let batch = batch.to_vec();
            let mut refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
            refs.push(&batch);
            let n: i64 = c.query_one(&sql, &refs)?.try_get(0)?;
            shown += usize::try_from(n).unwrap_or(0);
        }
        Ok(shown)
    }
}
