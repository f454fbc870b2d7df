//! The customers list by keyset windows (version 17): only the rows shown
//! are read, walking the index of the column sorted on, never `OFFSET`;
//! the search narrows the walk through the trigram index. Orders no index
//! holds — Overdue and broken promises depend on the day, and as of a date
//! so does Outstanding — are ranked once on the reading thread
//! (`list_ranking`) and read by place in the ranking.

use super::customers::{outstanding_sql, overdue_sql};
use super::filter_sql::trigrams;
use super::tabs::currency;
use super::window::Keyed;
use super::{Result, Store};
use crate::domain::Money;
use crate::domain::columns::{Seek, SortValue};
use crate::domain::customer_list::{CustomerCol, ListKey, ListView, Search, anywhere};
use crate::domain::model::CustomerListRow;
use crate::domain::status::ImportSource;
use rusqlite::Row;
use rusqlite::types::Value;

/// The text the list searches, as the view `customer_search_text` makes
/// it for the index (a test holds the two equal).
const HAY: &str = "(c.name || ' ' || coalesce(c.legal_name, '') || ' ' || coalesce(c.billing_email, '') || ' ' \
     || coalesce(c.external_id, '') || ' ' || coalesce(c.import_source, '') || ' ' || c.currency)";

/// The row's columns; `?1` is the day Overdue and promises are read as of.
pub(super) const SELECT: &str = "c.id, c.name, coalesce(c.legal_name, ''), c.import_source, c.external_id, \
     coalesce(c.billing_email, ''), c.currency, c.invoices_paused, c.portal";

/// The promises to pay a customer broke as of `?1`.
pub(super) const BROKEN: &str = concat!(
    "(SELECT count(*) FROM promises pr WHERE pr.customer_id = c.id AND pr.due_on < ?1 AND ",
    crate::paid_sql!(),
    " < pr.amount_minor)"
);

/// The first parameter of the search's words: `?1` is the day, `?2`–`?4`
/// the values of the key sought from, `?5` its id, `?6` the limit.
pub(super) const FIRST_WORD: usize = 7;

/// How an order is walked on an index: its table, the values it sorts by
/// (the column's, then those that break ties before the id), and the id.
pub(super) struct Walk {
    from: &'static str,
    pub(super) keys: &'static [&'static str],
    id: &'static str,
}

pub(super) const NAME: &str = "c.name COLLATE NOCASE";

pub(super) fn walk(sort: CustomerCol) -> Option<Walk> {
    let on_customers = |keys| Some(Walk { from: "customers c", keys, id: "c.id" });
    match sort {
        CustomerCol::Name => on_customers(&[NAME]),
        CustomerCol::LegalName => on_customers(&["coalesce(c.legal_name, '') COLLATE NOCASE", NAME]),
        CustomerCol::Source => on_customers(&["coalesce(c.import_source, '')", NAME]),
        CustomerCol::Currency => on_customers(&["c.currency", NAME]),
        CustomerCol::Badges => {
            on_customers(&["(CASE WHEN c.invoices_paused = 1 THEN 1 + c.portal ELSE 3 * c.portal END)", NAME])
        }
        // The currency first, as amounts in two currencies do not compare.
        CustomerCol::Outstanding => Some(Walk {
            from: "customer_outstanding o JOIN customers c ON c.id = o.customer_id",
            keys: &["o.currency", "o.outstanding_minor", "o.name COLLATE NOCASE"],
            id: "o.customer_id",
        }),
        CustomerCol::Overdue | CustomerCol::Promises => None,
    }
}

/// How a window finds the rows its search matches. Only the time to the
/// first screenful depends on it: every plan reads the same rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListPlan {
    /// Through the trigram index: every match found, then put in order.
    /// For a search that few customers match (`DENSE`).
    Index,
    /// Along the order's own index, only the customers the trigram index
    /// holds every trigram of the words for checked: too many to read and
    /// sort, but too few for the walk to meet a screenful soon (`BROAD`).
    /// Their ids are gathered from the index's lists (no row read), and
    /// the walk skips the others without reading their rows.
    Sifted,
    /// Along the order's own index, each row checked: when so many match
    /// that a screenful is met within a few thousand rows.
    Walk,
}

pub(super) use ListPlan as Plan;

/// Up to this many customers holding every trigram of the words, a window
/// gathers them from the trigram index and sorts them (about 3.5 µs each:
/// each is read to check the words) …
const DENSE: i64 = 4000;
/// … up to this many, it walks its order and reads only them (gathering
/// their ids costs about 0.2 µs each; the walk skips the rest at about
/// 0.03 µs a customer) …
const BROAD: i64 = 50_000;
// … and beyond, it walks its order reading every row: one customer in
// twenty or more holds the words' trigrams, so a screenful is met within
// a thousand rows or so (20 µs each: the customers' rows are wide).

/// The trigram `MATCH` of every indexed word of a search: the customers it
/// finds are a superset of those the words match.
fn words_match(words: &[String]) -> Option<String> {
    let parts: Vec<String> = words.iter().filter_map(|w| trigrams(w)).collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// The search as SQL conditions on `c`, and their parameters from
/// `?FIRST_WORD` on.
pub(super) fn search_sql(query: &str, plan: Plan, id: &str) -> (String, Vec<Value>) {
    // SQLite's `LIKE` reads its pattern only up to a NUL character ("\0usd"
    // would find every customer): a search holding one finds none, as on
    // PostgreSQL, whose text holds none.
    if query.contains('\0') {
        return (" AND 0".to_string(), Vec::new());
    }
    let mut s = Search::parse(query);
    let mut sql = String::new();
    let mut params: Vec<Value> = Vec::new();
    let next = |params: &mut Vec<Value>, v: String| {
        params.push(v.into());
        FIRST_WORD + params.len() - 1
    };
    if plan == Plan::Sifted
        && let Some(m) = words_match(&s.indexed)
    {
        // `+`: a test on the ids the walk meets, not a list to read by; on
        // the walk's own id, so the others' rows are not read.
        let at = next(&mut params, m);
        sql.push_str(&format!(" AND +{id} IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?{at})"));
    }
    if plan != Plan::Index {
        s.short.append(&mut s.indexed);
    }
    let mut exact = Vec::new();
    if !s.indexed.is_empty() {
        let mut terms = Vec::new();
        for w in &s.indexed {
            let (pattern, wild) = anywhere(w);
            terms.push(format!("hay LIKE ?{}", next(&mut params, pattern)));
            if wild {
                exact.push(w.clone());
            }
        }
        sql.push_str(&format!(" AND c.id IN (SELECT rowid FROM customer_search WHERE {})", terms.join(" AND ")));
    }
    if let Some(p) = &s.prefix {
        // A range of the name's own index: from the prefix to the last
        // text that starts with it.
        let lo = next(&mut params, p.clone());
        let hi = next(&mut params, format!("{p}\u{10FFFF}"));
        sql.push_str(&format!(" AND {NAME} >= ?{lo} AND {NAME} < ?{hi}"));
    }
    for w in &s.short {
        let (pattern, wild) = anywhere(w);
        sql.push_str(&format!(" AND {HAY} LIKE ?{}", next(&mut params, pattern)));
        if wild {
            exact.push(w.clone());
        }
    }
    // `LIKE` takes `%` and `_` as wildcards: a word holding them must
    // also be there as written (ASCII case folded, as `LIKE` folds it).
    for w in exact {
        sql.push_str(&format!(" AND instr(lower({HAY}), ?{}) > 0", next(&mut params, w.to_ascii_lowercase())));
    }
    (sql, params)
}

fn read_value(row: &Row<'_>, idx: usize) -> rusqlite::Result<SortValue> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(idx)? {
        ValueRef::Integer(i) => SortValue::Int(i),
        ValueRef::Text(t) => SortValue::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Real(_) | ValueRef::Null | ValueRef::Blob(_) => SortValue::Int(0),
    })
}

fn value(v: &SortValue) -> Value {
    match v {
        SortValue::Int(i) => (*i).into(),
        SortValue::Text(t) => t.clone().into(),
    }
}

/// A row from `SELECT`, then outstanding, overdue and broken promises.
fn map_row(r: &Row<'_>) -> rusqlite::Result<CustomerListRow> {
    let cur = currency(r, 6)?;
    Ok(CustomerListRow {
        id: r.get(0)?,
        name: r.get(1)?,
        legal_name: r.get(2)?,
        import_source: r.get::<_, Option<String>>(3)?.and_then(|s| ImportSource::from_db(&s)),
        external_id: r.get(4)?,
        billing_email: r.get(5)?,
        currency: cur,
        invoices_paused: r.get(7)?,
        portal: r.get(8)?,
        outstanding: Money::new(r.get(9)?, cur),
        overdue: Money::new(r.get(10)?, cur),
        broken_promises: r.get(11)?,
    })
}

impl Store {
    /// Whether the file has the list's indexes (version 17 on); an older
    /// one, read as it is, ranks Outstanding on the reading thread.
    pub fn list_indexed(&self) -> bool {
        self.version >= 17
    }

    /// Makes this the reading thread's store: big sorts (a ranking of a million
    /// customers) spill to a temporary file instead of memory (only on a
    /// current file: changing it drops the temporary views an older one is
    /// read through), and a smaller page cache.
    pub fn for_reading_thread(&self) -> Result<()> {
        if self.version == super::SCHEMA_VERSION {
            self.conn().execute_batch("PRAGMA temp_store = FILE;")?;
        }
        // Its reads are scans (counts, rankings) that a large page cache
        // would only fill: 2 MiB instead of 8.
        self.conn().execute_batch("PRAGMA cache_size = -2048;")?;
        Ok(())
    }

    /// Whether `view`'s order comes from `list_ranking` rather than an
    /// index walk.
    pub fn list_ranked(&self, view: &ListView) -> bool {
        match view.sort {
            CustomerCol::Overdue | CustomerCol::Promises => true,
            CustomerCol::Outstanding => self.as_of().is_some() || !self.list_indexed(),
            _ => false,
        }
    }

    /// How a window finds its search's matches (`ListPlan`), from how many
    /// customers hold every trigram of its words (counted in the index's
    /// lists up to 100,001, and kept for the next window).
    fn plan(&self, query: &str) -> Plan {
        let s = Search::parse(query);
        let usable = self.list_indexed() && !query.contains('\0');
        let Some(m) = words_match(&s.indexed).filter(|_| usable) else {
            return Plan::Index;
        };
        match self.candidates("customer_search", m) {
            Ok(n) if n <= DENSE => Plan::Index,
            Ok(n) if n <= BROAD => Plan::Sifted,
            Ok(_) => Plan::Walk,
            Err(_) => Plan::Index,
        }
    }

    pub(super) fn list_day(&self, view: &ListView) -> Value {
        crate::domain::date::iso(self.as_of().unwrap_or(view.today)).into()
    }

    fn list_columns(&self) -> String {
        let (o, d) = (outstanding_sql(self.as_of()), overdue_sql(self.as_of()));
        format!("{SELECT}, {o}, {d}, {BROKEN}")
    }

    /// Up to `limit` customers of the view from `seek` on, in its order.
    /// An order `list_ranked` says is ranked reads `ranking` (the view's
    /// matching ids in order, from `list_ranking`) by place.
    pub fn list_window(
        &self,
        view: &ListView,
        ranking: Option<&[i64]>,
        seek: &Seek<ListKey>,
        limit: usize,
    ) -> Result<Vec<Keyed<CustomerListRow, ListKey>>> {
        self.list_window_planned(view, ranking, seek, limit, self.plan(&view.query))
    }

    /// `list_window`, its search's matches gathered through the trigram
    /// index whatever they are: for a walk that ran long.
    pub fn list_window_gathered(
        &self,
        view: &ListView,
        ranking: Option<&[i64]>,
        seek: &Seek<ListKey>,
        limit: usize,
    ) -> Result<Vec<Keyed<CustomerListRow, ListKey>>> {
        self.list_window_planned(view, ranking, seek, limit, Plan::Index)
    }

    /// `list_window` by the given plan rather than the one the index's
    /// counts choose (the tests hold the plans equal).
    pub fn list_window_planned(
        &self,
        view: &ListView,
        ranking: Option<&[i64]>,
        seek: &Seek<ListKey>,
        limit: usize,
        plan: Plan,
    ) -> Result<Vec<Keyed<CustomerListRow, ListKey>>> {
        let Some(w) = walk(view.sort).filter(|_| !self.list_ranked(view)) else {
            return self.ranked_window(view, ranking.unwrap_or(&[]), seek, limit);
        };
        let backwards = matches!(seek, Seek::Last | Seek::Before(_));
        let (dir, cmp) = super::window::direction(view.desc, seek);
        let keys = w.keys.join(", ");
        let slots: Vec<String> = (0..w.keys.len()).map(|i| format!("?{}", i + 2)).collect();
        let seek_sql =
            cmp.map_or(String::new(), |c| format!(" AND ({keys}, {id}) {c} ({}, ?5)", slots.join(", "), id = w.id));
        let (search, words) = search_sql(&view.query, plan, w.id);
        let order: Vec<String> = w.keys.iter().chain([&w.id]).map(|k| format!("{k} {dir}")).collect();
        let sql = format!(
            "SELECT {cols}, {keys}, {id} FROM {from} WHERE 1{search}{seek_sql} ORDER BY {order} LIMIT ?6",
            cols = self.list_columns(),
            id = w.id,
            from = w.from,
            order = order.join(", "),
        );
        let mut params = vec![self.list_day(view), Value::Null, Value::Null, Value::Null, Value::Null];
        if let Seek::After(k) | Seek::Before(k) | Seek::From(k) = seek {
            for (slot, v) in params[1..4].iter_mut().zip(&k.values) {
                *slot = value(v);
            }
            params[4] = k.id.into();
        }
        params.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        params.extend(words);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        params.truncate(stmt.parameter_count());
        let n = w.keys.len();
        let mut rows: Vec<Keyed<CustomerListRow, ListKey>> = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                let values = (0..n).map(|i| read_value(r, 12 + i)).collect::<rusqlite::Result<_>>()?;
                let key = ListKey { values, id: r.get(12 + n)? };
                Ok(Keyed { key, row: map_row(r)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        if backwards {
            rows.reverse();
        }
        Ok(rows)
    }

    /// Rows of a ranked order by their place in `ranking`.
    fn ranked_window(
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
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        let sql = format!("SELECT {} FROM customers c WHERE c.id IN ({})", self.list_columns(), list.join(","));
        let mut stmt = self.conn().prepare(&sql)?;
        let found: std::collections::HashMap<i64, CustomerListRow> = stmt
            .query_map([self.list_day(view)], |r| Ok((r.get(0)?, map_row(r)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(range
            .zip(ids)
            .filter_map(|(at, id)| {
                let row = found.get(id)?.clone();
                Some(Keyed { key: ListKey { values: vec![SortValue::Int(at as i64)], id: *id }, row })
            })
            .collect())
    }

    /// How many customers the view's search matches (all of them without
    /// one).
    pub fn list_count(&self, view: &ListView) -> Result<usize> {
        let (search, words) = search_sql(&view.query, Plan::Index, "c.id");
        let sql = format!("SELECT count(*) FROM customers c WHERE 1{search}");
        let mut params = vec![Value::Null; FIRST_WORD - 1];
        params.extend(words);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        params.truncate(stmt.parameter_count());
        let n: i64 = stmt.query_row(rusqlite::params_from_iter(params), |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sifted_walk_tests_ids_against_every_trigram_of_the_words() {
        let (sql, params) = search_sql("Harbor ab 5%x", Plan::Sifted, "o.customer_id");
        let sifted = " AND +o.customer_id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?7)";
        assert!(sql.starts_with(sifted), "{sql}");
        assert_eq!(params[0], Value::from(r#""Har" AND "arb" AND "rbo" AND "bor" AND "5%x""#.to_string()));
        // Then every word is checked on the row, as the plain walk does.
        let (walk, _) = search_sql("Harbor ab 5%x", Plan::Walk, "o.customer_id");
        assert!(!walk.contains("MATCH"));
        assert_eq!(sql.matches(" LIKE ").count(), walk.matches(" LIKE ").count());
        assert_eq!(sql.matches(" LIKE ").count(), 3);
    }

    #[test]
    fn the_words_trigrams_are_as_typed_for_the_index_to_fold() {
        // Lower-cased in Rust, İ would be two characters (i and a dot).
        assert_eq!(words_match(&["İst".into()]).as_deref(), Some(r#""İst""#));
        assert_eq!(words_match(&["ab".into()]), None);
    }

    #[test]
    fn the_text_searched_is_the_text_indexed() {
        let view = include_str!("migrations/0017_customer_list.sql");
        let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let ours = norm(&HAY.replace("c.", ""));
        let ours = ours.trim_start_matches('(').trim_end_matches(')');
        assert!(norm(view).contains(&format!("SELECT id, {ours} AS hay")), "{ours}");
        let adapter = include_str!("schema.rs");
        assert!(norm(adapter).contains(&format!("SELECT id, {ours} AS hay")), "the 16 → 17 adapter too");
    }
}
