//! Whole-view reads for selections.

use super::tabs::currency;
use super::window::{TabRow, View};
use super::{Result, Store};
use crate::domain::Money;
use crate::domain::model::InvoiceRow;

impl Store {
    /// Every invoice of the view (its filter applied) with its total, for
    /// "select all shown".
    pub fn invoice_totals(&self, customer_id: i64, view: &View) -> Result<Vec<(i64, Money)>> {
        let (filter_sql, params) = super::filter_sql::where_clause::<InvoiceRow>(&view.filter, view.today, 2);
        let sql = format!(
            "SELECT i.id, i.total_minor, i.currency FROM {} WHERE {}{filter_sql}",
            InvoiceRow::FROM,
            InvoiceRow::WHERE
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut all: Vec<rusqlite::types::Value> = vec![customer_id.into()];
        all.extend(params);
        let rows = stmt
            .query_map(rusqlite::params_from_iter(all), |r| Ok((r.get(0)?, Money::new(r.get(1)?, currency(r, 2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
