//! The customers list's orders no index holds on PostgreSQL — Overdue,
//! broken promises, and as of a date Outstanding — ranked for the reading
//! thread and read by place, as `store/list_ranking.rs` does on SQLite; and
//! what a table of every customer needs before its first row
//! (`customer_list_extent`, `each_customer_name`).
//!
//! The ranking is one statement: the customers whose figure is not zero
//! are worked out from the summaries in one aggregate, joined to every
//! customer and sorted by the server (spilling to disk past `work_mem`),
//! the figure of the rest being zero, exactly as SQLite's merge orders
//! them.

use super::super::Result;
use super::super::window::Keyed;
use super::customer_list::{NAME, Params, map_row, search_sql, walk};
use super::customers::{currency, outstanding_sql};
use super::store::PgStore;
use crate::domain::Currency;
use crate::domain::columns::{Seek, SortValue};
use crate::domain::customer_list::{CustomerCol, ListKey, ListView};
use crate::domain::model::CustomerListRow;

/// Customers whose figure is not zero, with it, as `(id, f)`; `$1` the
/// day. As `list_ranking::figures_sql` on SQLite.
fn figures_sql(as_of: bool, sort: CustomerCol) -> Option<String> {
    let dated = |on_date: &str| {
        format!(
            "SELECT s.customer_id AS id, sum(s.open_by_due)::bigint AS f FROM customer_day_summary s
             JOIN customers c2 ON c2.id = s.customer_id AND c2.currency = s.currency
             WHERE s.day <= $1 AND s.on_date <> '-infinity'{on_date} GROUP BY s.customer_id"
        )
    };
    Some(match (sort, as_of) {
        (CustomerCol::Overdue, false) => {
            "SELECT d.customer_id AS id, sum(d.open_minor)::bigint AS f FROM customer_due_summary d
             JOIN customers c2 ON c2.id = d.customer_id AND c2.currency = d.currency
             WHERE d.due_date < $1 GROUP BY d.customer_id"
                .to_string()
        }
        (CustomerCol::Overdue, true) => dated(" AND s.on_date < $1"),
        (CustomerCol::Outstanding, true) => dated(""),
        (CustomerCol::Promises, _) => concat!(
            "SELECT pr.customer_id AS id, count(*) AS f FROM promises pr WHERE pr.due_on < $1 AND ",
            crate::paid_sql!(),
            " < pr.amount_minor GROUP BY pr.customer_id"
        )
        .to_string(),
        _ => return None,
    })
}

impl PgStore {
    /// The ids of the view's customers in its order, for an order no index
    /// holds (and, when asked, for one that does), as `Store::list_ranking`.
    pub fn list_ranking(&self, view: &ListView) -> Result<Vec<i64>> {
        let dir = if view.desc { "DESC" } else { "ASC" };
        let figures = figures_sql(self.as_of.is_some(), view.sort);
        let mut p = Params::default();
        // The figures are as of `$1`; nothing else reads the day.
        if figures.is_some() {
            p.bind(self.list_day(view));
        }
        let f = "coalesce(x.f, 0)";
        let order = match view.sort {
            CustomerCol::Overdue | CustomerCol::Outstanding if figures.is_some() => {
                format!("c.currency {dir}, {f} {dir}, {n} {dir}, c.id {dir}", n = NAME.order)
            }
            CustomerCol::Promises => format!("{f} {dir}, {n} {dir}, c.id {dir}", n = NAME.order),
            // Orders an index holds, ranked all the same when asked.
            other => {
                let keys = walk(other).map_or(&[NAME][..], |w| w.keys);
                // Outstanding's walk is on `customer_outstanding`, whose
                // columns are the customer's own.
                let keys: Vec<String> = keys
                    .iter()
                    .map(|k| match k.order {
                        "o.currency" => format!("c.currency {dir}"),
                        "o.outstanding_minor" => format!("{} {dir}", outstanding_sql(false)),
                        "lower(o.name)" => format!("{} {dir}", NAME.order),
                        o => format!("{o} {dir}"),
                    })
                    .collect();
                format!("{}, c.id {dir}", keys.join(", "))
            }
        };
        let Some(search) = search_sql(&view.query, true, &mut p) else { return Ok(Vec::new()) };
        let join = figures.map_or(String::new(), |fig| format!(" LEFT JOIN ({fig}) x ON x.id = c.id"));
        let sql = format!("SELECT c.id FROM customers c{join} WHERE true{search} ORDER BY {order}");
        let rows = self.client()?.query(&sql, &p.refs())?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Rows of a ranked order by their place in `ranking`.
    pub(super) fn ranked_window(
        &self,
        view: &ListView,
        ranking: &[i64],
        seek: &Seek<ListKey>,
        limit: usize,
    ) -> Result<Vec<Keyed<CustomerListRow, ListKey>>> {
        let place = |k: &ListKey| match k.values.first() {
            Some(SortValue::Int(i)) => usize::try_from(*i).unwrap_or(0),
            _ => 0,
        };
        let n = ranking.len();
        let range = match seek {
            Seek::First => 0..limit.min(n),
            Seek::Last => n.saturating_sub(limit)..n,
            // Saturating: a key's place and a limit come from the caller.
            Seek::After(k) => {
                place(k).saturating_add(1).min(n)..place(k).saturating_add(1).saturating_add(limit).min(n)
            }
            Seek::From(k) => place(k).min(n)..place(k).saturating_add(limit).min(n),
            Seek::Before(k) => place(k).saturating_sub(limit).min(n)..place(k).min(n),
        };
        let ids = &ranking[range.clone()];
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {} FROM customers c WHERE c.id = ANY($2)", self.list_columns());
        let found = self.client()?.query(&sql, &[&self.list_day(view), &ids])?;
        let mut by_id = std::collections::HashMap::with_capacity(found.len());
        for r in &found {
            let row = map_row(r)?;
            by_id.insert(row.id, row);
        }
        Ok(range
            .zip(ids)
            .filter_map(|(at, id)| {
                let row = by_id.get(id)?.clone();
                Some(Keyed { key: ListKey { values: vec![SortValue::Int(at as i64)], id: *id }, row })
            })
            .collect())
    }

    /// The largest customer id and, per currency, the largest outstanding
    /// balance of a customer in its own currency, as
    /// `Store::customer_list_extent`.
    pub fn customer_list_extent(&self) -> Result<(i64, Vec<(Currency, i64)>)> {
        let mut c = self.client()?;
        let max_id: i64 = c.query_one("SELECT coalesce(max(id), 0) FROM customers", &[])?.try_get(0)?;
        let rows = match self.as_of {
            None => c.query(
                "SELECT s.currency, max(abs(s.outstanding_minor)) FROM customer_summary s
                 JOIN customers c ON c.id = s.customer_id AND c.currency = s.currency
                 GROUP BY s.currency ORDER BY s.currency",
                &[],
            )?,
            Some(d) => c.query(
                &format!(
                    "SELECT currency, max(abs(o)) FROM (SELECT c.currency, {} AS o FROM customers c) t
                     GROUP BY currency ORDER BY currency",
                    outstanding_sql(true)
                ),
                &[&d],
            )?,
        };
        let most = rows.iter().map(|r| Ok((currency(r.try_get(0)?)?, r.try_get(1)?))).collect::<Result<_>>()?;
        Ok((max_id, most))
    }

    /// Calls `f` with every customer's name, in no order, streamed from the
    /// server (never all of them held), as `Store::each_customer_name`.
    pub fn each_customer_name(&self, mut f: impl FnMut(&str)) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        use postgres::types::ToSql;
        let mut c = self.client()?;
        let mut rows = c.query_raw("SELECT name FROM customers", std::iter::empty::<&(dyn ToSql + Sync)>())?;
        while let Some(r) = rows.next()? {
            f(r.try_get::<_, &str>(0)?);
        }
        Ok(())
    }
}
