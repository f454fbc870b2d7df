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
        let plans = self.count_plans::<InvoiceRow>(customer_id, view)?;
        let (filter_sql, params) = super::filter_sql::where_planned::<InvoiceRow>(&view.filter, view.today, 2, &plans);
        let wh = super::window::customer_where::<InvoiceRow>(plans.contains(&super::filter_sql::TermPlan::Gathered));
        let sql = format!("SELECT i.id, i.total_minor, i.currency FROM {} WHERE {wh}{filter_sql}", InvoiceRow::FROM);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut all: Vec<rusqlite::types::Value> = vec![customer_id.into()];
        all.extend(params);
        let rows = stmt
            .query_map(rusqlite::params_from_iter(all), |r| Ok((r.get(0)?, Money::new(r.get(1)?, currency(r, 2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// How many of `ids` (invoices of the customer) the view's filter shows:
    /// a selection made under another filter may hold invoices this one
    /// hides. In batches, so any selection fits SQLite's parameter limit.
    pub fn invoices_shown(&self, customer_id: i64, view: &View, ids: &[i64]) -> Result<usize> {
        if view.filter.is_empty() {
            return Ok(ids.len());
        }
        let (filter_sql, params) = super::filter_sql::where_clause::<InvoiceRow>(&view.filter, view.today, 2);
        let mut shown = 0usize;
        for batch in ids.chunks(500) {
            let marks = vec!["?"; batch.len()].join(",");
            let sql = format!(
                "SELECT count(*) FROM {} WHERE {}{filter_sql} AND i.id IN ({marks})",
                InvoiceRow::FROM,
                InvoiceRow::WHERE
            );
            let mut all: Vec<rusqlite::types::Value> = vec![customer_id.into()];
            all.extend(params.iter().cloned());
            all.extend(batch.iter().map(|id| rusqlite::types::Value::from(*id)));
            let n: i64 = self.conn().prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(all), |r| r.get(0))?;
            shown += usize::try_from(n).unwrap_or(0);
        }
        Ok(shown)
    }
}
