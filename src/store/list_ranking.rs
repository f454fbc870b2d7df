//! The customers list's orders no index holds — Overdue (it depends on the
//! day), broken promises, and as of a date Outstanding — ranked on the
//! reading thread. Most customers owe nothing overdue and broke no
//! promise: only those whose figure is not zero are worked out and sorted;
//! the others keep the order of the currency's (or the name's) index, and
//! the two are merged currency by currency. At a million customers that is
//! a scan of the summaries and a walk of one index, not a million
//! subqueries sorted.

use super::customer_list::{BROKEN, FIRST_WORD, NAME, Plan, search_sql, walk};
use super::customers::{outstanding_sql, overdue_sql};
use super::{Result, Store};
use crate::domain::customer_list::{CustomerCol, ListView};
use rusqlite::types::Value;

/// Customers whose figure is not zero, with it, as `(id, f)`; `?1` the day.
fn figures_sql(store: &Store, sort: CustomerCol) -> Option<String> {
    let dated = |on_date: &str| {
        format!(
            "SELECT s.customer_id AS id, sum(s.open_by_due) AS f FROM customer_day_summary s
             JOIN customers c2 ON c2.id = s.customer_id AND c2.currency = s.currency
             WHERE s.day <= ?1 AND s.on_date <> ''{on_date} GROUP BY s.customer_id"
        )
    };
    Some(match (sort, store.as_of()) {
        (CustomerCol::Overdue, None) => "SELECT d.customer_id AS id, sum(d.open_minor) AS f FROM customer_due_summary d
             JOIN customers c2 ON c2.id = d.customer_id AND c2.currency = d.currency
             WHERE d.due_date < ?1 GROUP BY d.customer_id"
            .to_string(),
        (CustomerCol::Overdue, Some(_)) => dated(" AND s.on_date < ?1"),
        (CustomerCol::Outstanding, Some(_)) => dated(""),
        (CustomerCol::Promises, _) => concat!(
            "SELECT pr.customer_id AS id, count(*) AS f FROM promises pr WHERE pr.due_on < ?1 AND ",
            crate::paid_sql!(),
            " < pr.amount_minor GROUP BY pr.customer_id"
        )
        .to_string(),
        _ => return None,
    })
}

impl Store {
    /// The ids of the view's customers in its order, for an order no index
    /// holds (and, when asked, for one that does): on the reading thread.
    pub fn list_ranking(&self, view: &ListView) -> Result<Vec<i64>> {
        match figures_sql(self, view.sort) {
            Some(figures) if view.query.trim().is_empty() => self.sparse_ranking(view, &figures),
            _ => self.full_ranking(view),
        }
    }

    /// Every matching customer's figure worked out and sorted in one
    /// statement: for a search, whose matches are fewer.
    fn full_ranking(&self, view: &ListView) -> Result<Vec<i64>> {
        let dir = if view.desc { "DESC" } else { "ASC" };
        let order = match view.sort {
            CustomerCol::Overdue => {
                format!("c.currency {dir}, {} {dir}, {NAME} {dir}, c.id {dir}", overdue_sql(self.as_of()))
            }
            CustomerCol::Promises => format!("{BROKEN} {dir}, {NAME} {dir}, c.id {dir}"),
            CustomerCol::Outstanding => {
                format!("c.currency {dir}, {} {dir}, {NAME} {dir}, c.id {dir}", outstanding_sql(self.as_of()))
            }
            // Orders an index holds, ranked all the same when asked.
            other => {
                let keys = walk(other).map_or(&[NAME][..], |w| w.keys);
                let keys: Vec<String> = keys.iter().map(|k| format!("{k} {dir}")).collect();
                format!("{}, c.id {dir}", keys.join(", "))
            }
        };
        let (search, words) = search_sql(&view.query, Plan::Index, "c.id");
        let sql = format!("SELECT c.id FROM customers c WHERE 1{search} ORDER BY {order}");
        let mut params = vec![Value::Null; FIRST_WORD - 1];
        params[0] = self.list_day(view);
        params.extend(words);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        params.truncate(stmt.parameter_count());
        let ids = stmt.query_map(rusqlite::params_from_iter(params), |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// The order as `full_ranking` gives it, from the few customers whose
    /// figure is not zero (sorted) and the rest in index order, merged.
    fn sparse_ranking(&self, view: &ListView, figures: &str) -> Result<Vec<i64>> {
        let dir = if view.desc { "DESC" } else { "ASC" };
        // Broken promises are one group; the money figures compare within
        // a currency.
        let group = if view.sort == CustomerCol::Promises { "''" } else { "c.currency" };
        let sql = format!(
            "SELECT {group}, x.f, c.id FROM ({figures}) x JOIN customers c ON c.id = x.id WHERE x.f <> 0
             ORDER BY {group} {dir}, x.f {dir}, {NAME} {dir}, c.id {dir}"
        );
        let day = self.list_day(view);
        let mut stmt = self.conn().prepare(&sql)?;
        // The group as its code's bytes: a String each would double the
        // memory of a few hundred thousand rows.
        let code = |v: rusqlite::types::ValueRef<'_>| -> [u8; 3] {
            let b = v.as_bytes().unwrap_or_default();
            std::array::from_fn(|i| b.get(i).copied().unwrap_or(0))
        };
        // Which side of the zeros a figure goes, kept instead of the
        // figure (16 bytes a customer, not 24).
        let ahead_of_zeros = |f: i64| if view.desc { f > 0 } else { f < 0 };
        let nonzero: Vec<([u8; 3], bool, i64)> = stmt
            .query_map([&day], |r| Ok((code(r.get_ref(0)?), ahead_of_zeros(r.get(1)?), r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // Sorted, searched by halves: a quarter of a million overdue
        // customers take 2 MB so, against about 6 MB in a hash set.
        let mut taken: Vec<i64> = nonzero.iter().map(|e| e.2).collect();
        taken.sort_unstable();
        // Which way round two groups come.
        let before = |a: &[u8; 3], b: &[u8; 3]| if view.desc { a > b } else { a < b };
        let mut out: Vec<i64> = Vec::with_capacity(self.customer_count_hint()?);
        let mut nz = nonzero.into_iter().peekable();
        let mut tail: Vec<i64> = Vec::new();
        let mut current: Option<[u8; 3]> = None;
        // Without a group, no constant in the ORDER BY: SQLite does not
        // drop one, and sorted a million rows (1.2 s) instead of walking
        // the name's index (0.4 s).
        let order = match group {
            "''" => format!("{NAME} {dir}, c.id {dir}"),
            _ => format!("{group} {dir}, {NAME} {dir}, c.id {dir}"),
        };
        let zeros = format!("SELECT c.id, {group} FROM customers c ORDER BY {order}");
        let mut stmt = self.conn().prepare(&zeros)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if taken.binary_search(&id).is_ok() {
                continue;
            }
            let cur = code(r.get_ref(1)?);
            if current != Some(cur) {
                out.append(&mut tail);
                while let Some(e) = nz.next_if(|e| before(&e.0, &cur)) {
                    out.push(e.2);
                }
                while let Some(e) = nz.next_if(|e| e.0 == cur) {
                    if e.1 { out.push(e.2) } else { tail.push(e.2) }
                }
                current = Some(cur);
            }
            out.push(id);
        }
        out.append(&mut tail);
        out.extend(nz.map(|e| e.2));
        Ok(out)
    }

    /// About how many customers there are (the largest id): room for a
    /// ranking without growing it.
    fn customer_count_hint(&self) -> Result<usize> {
        let n: i64 = self.conn().query_row("SELECT coalesce(max(id), 0) FROM customers", [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}
