//! The customers list on PostgreSQL by keyset windows, as
//! `store/customer_list.rs` reads it on SQLite: only the rows shown, walking
//! the b-tree index of the order (`customers_name`, `customers_legal`, …,
//! `customer_outstanding_order`), never `OFFSET`; a search narrows through
//! the `pg_trgm` index `customer_search`. Orders no index holds are ranked
//! (`list_ranking`) and read by place.
//!
//! Where SQLite says `COLLATE NOCASE`, the index holds `lower(col)` (ASCII
//! only under "C"): a window sorts and seeks by it, but its key reads back
//! the column itself, as SQLite's does, so keys are equal on both.

use super::super::window::{Keyed, direction};
use super::super::{ListPlan as Plan, Result};
use super::customers::{currency, outstanding_sql, overdue_sql};
use super::store::PgStore;
use crate::domain::Money;
use crate::domain::columns::{Seek, SortValue};
use crate::domain::customer_list::{CustomerCol, ListKey, ListView, Search};
use crate::domain::model::CustomerListRow;
use crate::domain::status::ImportSource;
use postgres::Row;
use postgres::types::ToSql;

/// The text the list searches, lower-cased, exactly as the trigram index
/// `customer_search` holds it (a test holds the two equal).
pub(super) const HAY: &str = "lower(c.name || ' ' || coalesce(c.legal_name, '') || ' ' \
     || coalesce(c.billing_email, '') || ' ' || coalesce(c.external_id, '') || ' ' \
     || coalesce(c.import_source, '') || ' ' || c.currency)";

/// The row's columns, then outstanding, overdue and broken promises as of
/// `$1`.
const SELECT: &str = "c.id, c.name, coalesce(c.legal_name, ''), c.import_source, c.external_id, \
     coalesce(c.billing_email, ''), c.currency, c.invoices_paused, c.portal";

/// The promises to pay a customer broke as of `$1`.
const BROKEN: &str = concat!(
    "(SELECT count(*) FROM promises pr WHERE pr.customer_id = c.id AND pr.due_on < $1 AND ",
    crate::paid_sql!(),
    " < pr.amount_minor)"
);

/// Bound parameters, numbered as they are pushed.
#[derive(Default)]
pub(super) struct Params(Vec<Box<dyn ToSql + Sync>>);

impl Params {
    pub(super) fn bind(&mut self, v: impl ToSql + Sync + 'static) -> String {
        self.0.push(Box::new(v));
        format!("${}", self.0.len())
    }

    pub(super) fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.0.iter().map(|p| p.as_ref() as &(dyn ToSql + Sync)).collect()
    }
}

/// One value an order sorts by: the expression its index holds, the value
/// SQLite's key reads (the column, where SQLite sorts it `NOCASE`), whether
/// it is a number, and whether a seek's value is folded as the index is.
pub(super) struct Key {
    pub(super) order: &'static str,
    shown: &'static str,
    int: bool,
    folded: bool,
}

pub(super) const NAME: Key = Key { order: "lower(c.name)", shown: "c.name", int: false, folded: true };

const fn text(order: &'static str) -> Key {
    Key { order, shown: order, int: false, folded: false }
}

const SOURCE: Key = text("coalesce(c.import_source, '')");
const CURRENCY: Key = text("c.currency");
const OUTSTANDING: [Key; 3] = [
    text("o.currency"),
    Key { order: "o.outstanding_minor", shown: "o.outstanding_minor", int: true, folded: false },
    Key { order: "lower(o.name)", shown: "o.name", int: false, folded: true },
];

/// How an order is walked on an index: its table, its keys, the id; and
/// the table its matches are gathered from, customer by customer (for
/// Outstanding a lookup of each match's row, not a join the planner would
/// make by reading the whole table).
pub(super) struct Walk {
    pub(super) from: &'static str,
    gather: &'static str,
    pub(super) keys: &'static [Key],
    pub(super) id: &'static str,
}

/// The order's walk, as `customer_list::walk` on SQLite; `None` for the
/// orders always ranked.
pub(super) fn walk(sort: CustomerCol) -> Option<Walk> {
    let on_customers = |keys| Some(Walk { from: "customers c", gather: "customers c", keys, id: "c.id" });
    match sort {
        CustomerCol::Name => on_customers(&[NAME]),
        CustomerCol::LegalName => on_customers(&[
            Key {
                order: "lower(coalesce(c.legal_name, ''))",
                shown: "coalesce(c.legal_name, '')",
                int: false,
                folded: true,
            },
            NAME,
        ]),
        CustomerCol::Source => on_customers(&[SOURCE, NAME]),
        CustomerCol::Currency => on_customers(&[CURRENCY, NAME]),
        CustomerCol::Badges => on_customers(&[
            Key {
                order: "(CASE WHEN c.invoices_paused THEN 1 + c.portal::integer ELSE 3 * c.portal::integer END)",
                shown: "(CASE WHEN c.invoices_paused THEN 1 + c.portal::integer ELSE 3 * c.portal::integer END)::bigint",
                int: true,
                folded: false,
            },
            NAME,
        ]),
        CustomerCol::Outstanding => Some(Walk {
            from: "customer_outstanding o JOIN customers c ON c.id = o.customer_id",
            gather: "customers c CROSS JOIN LATERAL
                     (SELECT * FROM customer_outstanding o WHERE o.customer_id = c.id OFFSET 0) o",
            keys: &OUTSTANDING,
            id: "o.customer_id",
        }),
        CustomerCol::Overdue | CustomerCol::Promises => None,
    }
}

/// Up to this many customers matching the words (the planner's estimate,
/// from the statistics of the trigram index's text), a window gathers them
/// all through the index and sorts them (`Plan::Index`, about 7 µs a match
/// on the 2-core machine measured); beyond, it walks its order checking
/// each row it meets (`Plan::Walk`, about 17 µs a row: to meet a screenful
/// of 50 among M matches of N customers it reads 50·N/M rows). The two
/// cost the same at M ≈ 11·√N: 3,500 matches of 100,000 customers.
fn dense(customers: f64) -> f64 {
    11.0 * customers.max(10_000.0).sqrt()
}

/// The rows an `EXPLAIN`'s first line estimates (`rows=N`).
fn estimated_rows(line: &str) -> Option<f64> {
    let at = line.find(" rows=")? + " rows=".len();
    line[at..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// `word` as a `LIKE` pattern that finds it anywhere, its wildcards and
/// `\` escaped (SQLite checks a word holding them as written), ASCII
/// folded as SQLite's `LIKE` folds.
pub(super) fn anywhere(word: &str) -> String {
    let mut out = String::from("%");
    for ch in word.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out.push('%');
    out
}

/// The search's conditions on `c` (" AND …"), its words bound on `p`; the
/// words of three characters or more in the form the trigram index serves
/// when `indexed`, else (and always the shorter words, of which it has no
/// trigram) as `strpos`, which the index does not serve and whose share of
/// rows the planner takes for a third, so that it walks the order's index
/// checking the rows it meets (it estimated the `LIKE` of an expression it
/// has no statistics of at a handful of rows, and read and sorted every
/// customer instead: 60 ms at 100,000). `None`: nothing can match (a NUL,
/// which no PostgreSQL text holds).
pub(super) fn search_sql(query: &str, indexed: bool, p: &mut Params) -> Option<String> {
    if query.contains('\0') {
        return None;
    }
    let s = Search::parse(query);
    let mut sql = String::new();
    for w in &s.indexed {
        if indexed {
            let at = p.bind(anywhere(w));
            sql.push_str(&format!(" AND {HAY} LIKE {at} ESCAPE '\\'"));
        } else {
            sql.push_str(&found(w, p));
        }
    }
    for w in &s.short {
        sql.push_str(&found(w, p));
    }
    if let Some(prefix) = &s.prefix {
        // A range of the name's index: from the prefix to the last text
        // that starts with it.
        let lo = prefix.to_ascii_lowercase();
        let hi = format!("{lo}\u{10FFFF}");
        let (lo, hi) = (p.bind(lo), p.bind(hi));
        sql.push_str(&format!(" AND lower(c.name) >= {lo}::text AND lower(c.name) < {hi}::text"));
    }
    Some(sql)
}

/// `word` anywhere in the text searched, ASCII case folded, as `strpos`.
fn found(word: &str, p: &mut Params) -> String {
    format!(" AND strpos({HAY}, {}::text) > 0", p.bind(word.to_ascii_lowercase()))
}

/// A seek's value bound as its key's kind, folded as its index is.
fn seek_value(key: &Key, v: &SortValue, p: &mut Params) -> String {
    match (key.int, v) {
        (true, SortValue::Int(i)) => format!("{}::bigint", p.bind(*i)),
        (true, SortValue::Text(t)) => format!("{}::bigint", p.bind(t.trim().parse::<i64>().unwrap_or(0))),
        (false, v) => {
            let t = match v {
                SortValue::Text(t) => t.clone(),
                SortValue::Int(i) => i.to_string(),
            };
            let t = if key.folded { t.to_ascii_lowercase() } else { t };
            format!("{}::text", p.bind(t))
        }
    }
}

/// A row from `SELECT` and the figures.
pub(super) fn map_row(r: &Row) -> Result<CustomerListRow> {
    let cur = currency(r.try_get(6)?)?;
    Ok(CustomerListRow {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        legal_name: r.try_get(2)?,
        import_source: r.try_get::<_, Option<String>>(3)?.and_then(|s| ImportSource::from_db(&s)),
        external_id: r.try_get(4)?,
        billing_email: r.try_get(5)?,
        currency: cur,
        invoices_paused: r.try_get(7)?,
        portal: r.try_get(8)?,
        outstanding: Money::new(r.try_get(9)?, cur),
        overdue: Money::new(r.try_get(10)?, cur),
        broken_promises: r.try_get(11)?,
    })
}

impl PgStore {
    /// The list's indexes are in every version of the PostgreSQL schema.
    pub fn list_indexed(&self) -> bool {
        true
    }

    /// Nothing to set on PostgreSQL: the server spills big sorts to disk
    /// itself (`work_mem`) and keeps its own cache.
    pub fn for_reading_thread(&self) -> Result<()> {
        Ok(())
    }

    /// Whether `view`'s order comes from `list_ranking` rather than an
    /// index walk, as on SQLite.
    pub fn list_ranked(&self, view: &ListView) -> bool {
        match view.sort {
            CustomerCol::Overdue | CustomerCol::Promises => true,
            CustomerCol::Outstanding => self.as_of.is_some(),
            _ => false,
        }
    }

    /// The day the figures are read as of: the store's date, or today.
    pub(super) fn list_day(&self, view: &ListView) -> chrono::NaiveDate {
        self.as_of.unwrap_or(view.today)
    }

    /// The row's columns and figures, `$1` the day.
    pub(super) fn list_columns(&self) -> String {
        let (o, d) = (outstanding_sql(self.as_of.is_some()), overdue_sql(self.as_of.is_some()));
        format!("{SELECT}, {o}, {d}, {BROKEN}")
    }

    /// How a window finds its search's matches: through the trigram index
    /// when the planner estimates them few (`dense`), else along its order;
    /// no row is read to choose. A search with no word of three characters
    /// has nothing for the index: the planner chooses (the name's range,
    /// or the order's walk).
    fn plan(&self, query: &str) -> Result<Plan> {
        let s = Search::parse(query);
        if s.indexed.is_empty() {
            return Ok(Plan::Walk);
        }
        let mut p = Params::default();
        let Some(search) = search_sql(&s.indexed.join(" "), true, &mut p) else { return Ok(Plan::Index) };
        let mut c = self.client()?;
        let n: f32 =
            c.query_one("SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass", &[])?.try_get(0)?;
        let explained = c.query(&format!("EXPLAIN SELECT 1 FROM customers c WHERE true{search}"), &p.refs())?;
        let first: Option<String> = explained.first().map(|r| r.try_get(0)).transpose()?;
        Ok(match first.as_deref().and_then(estimated_rows) {
            Some(m) if m > dense(f64::from(n)) => Plan::Walk,
            _ => Plan::Index,
        })
    }

    /// Up to `limit` customers of the view from `seek` on, in its order, as
    /// `Store::list_window`. An order `list_ranked` says is ranked reads
    /// `ranking` by place.
    pub fn list_window(
        &self,
        view: &ListView,
        ranking: Option<&[i64]>,
        seek: &Seek<ListKey>,
        limit: usize,
    ) -> Result<Vec<Keyed<CustomerListRow, ListKey>>> {
        if walk(view.sort).is_none() || self.list_ranked(view) {
            return self.ranked_window(view, ranking.unwrap_or(&[]), seek, limit);
        }
        let plan = self.plan(&view.query)?;
        self.list_window_planned(view, ranking, seek, limit, plan)
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

    /// `list_window` by the given plan (the tests hold the plans equal).
    /// `Plan::Sifted` walks as `Plan::Walk` does: PostgreSQL cannot list a
    /// trigram's customers without reading their rows, which is what
    /// sifting would save.
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
        let mut p = Params::default();
        p.bind(self.list_day(view));
        let gather = plan == Plan::Index && !Search::parse(&view.query).indexed.is_empty();
        let Some(search) = search_sql(&view.query, gather, &mut p) else { return Ok(Vec::new()) };
        let (dir, cmp) = direction(view.desc, seek);
        let orders: Vec<&str> = w.keys.iter().map(|k| k.order).collect();
        let seek_sql = match (cmp, seek) {
            (Some(c), Seek::After(k) | Seek::Before(k) | Seek::From(k)) => {
                let mut values: Vec<String> = w
                    .keys
                    .iter()
                    .enumerate()
                    .map(|(i, key)| seek_value(key, k.values.get(i).unwrap_or(&SortValue::Int(0)), &mut p))
                    .collect();
                values.push(format!("{}::bigint", p.bind(k.id)));
                format!(" AND ({}, {}) {c} ({})", orders.join(", "), w.id, values.join(", "))
            }
            _ => String::new(),
        };
        let limit = p.bind(i64::try_from(limit).unwrap_or(i64::MAX));
        let shown: Vec<&str> = w.keys.iter().map(|k| k.shown).collect();
        let cols = format!("{}, {}, {}", self.list_columns(), shown.join(", "), w.id);
        let sql = if gather {
            // Every match gathered by the trigram index with its keys, in a
            // CTE the planner cannot fold into a walk of the order's index
            // (which, for a word few customers hold, reads all of them);
            // the window's rows then read by id.
            let keys: Vec<String> = orders.iter().enumerate().map(|(i, k)| format!("{k} AS k{i}")).collect();
            let by: Vec<String> = (0..orders.len()).map(|i| format!("m.k{i} {dir}")).collect();
            let by = format!("{}, m.id {dir}", by.join(", "));
            format!(
                "WITH m AS MATERIALIZED (SELECT {keys}, {id} AS id FROM {gather} WHERE true{search}{seek_sql}),
                      w AS (SELECT * FROM m ORDER BY {by} LIMIT {limit})
                 SELECT {cols} FROM w m JOIN {from} ON {id} = m.id ORDER BY {by}",
                keys = keys.join(", "),
                id = w.id,
                from = w.from,
                gather = w.gather,
            )
        } else {
            let by: Vec<String> = orders.iter().chain([&w.id]).map(|k| format!("{k} {dir}")).collect();
            format!(
                "SELECT {cols} FROM {from} WHERE true{search}{seek_sql} ORDER BY {by} LIMIT {limit}",
                from = w.from,
                by = by.join(", "),
            )
        };
        let found = self.client()?.query(&sql, &p.refs())?;
        let n = w.keys.len();
        let mut rows = Vec::with_capacity(found.len());
        for r in &found {
            let mut values = Vec::with_capacity(n);
            for (i, key) in w.keys.iter().enumerate() {
                values.push(match key.int {
                    true => SortValue::Int(r.try_get(12 + i)?),
                    false => SortValue::Text(r.try_get(12 + i)?),
                });
            }
            let key = ListKey { values, id: r.try_get(12 + n)? };
            rows.push(Keyed { key, row: map_row(r)? });
        }
        if matches!(seek, Seek::Last | Seek::Before(_)) {
            rows.reverse();
        }
        Ok(rows)
    }

    /// How many customers the view's search matches (all of them without
    /// one).
    pub fn list_count(&self, view: &ListView) -> Result<usize> {
        let mut p = Params::default();
        let Some(search) = search_sql(&view.query, true, &mut p) else { return Ok(0) };
        let sql = format!("SELECT count(*) FROM customers c WHERE true{search}");
        let n: i64 = self.client()?.query_one(&sql, &p.refs())?.try_get(0)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_searched_is_the_text_indexed() {
        let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let tables = norm(include_str!("migrations/0001_1_tables.sql"));
        let ours = norm(&HAY.replace("c.", ""));
        assert!(tables.contains(&format!("CREATE INDEX customer_search ON customers USING gin ({ours} gin_trgm_ops)")));
    }

    #[test]
    fn the_estimate_is_read_from_the_plan() {
        let line = "Bitmap Heap Scan on customers c  (cost=67.66..2733.81 rows=2021 width=4)";
        assert_eq!(estimated_rows(line), Some(2021.0));
        assert_eq!(estimated_rows("Result"), None);
        assert!((dense(100_000.0) - 3478.5).abs() < 1.0);
        assert_eq!(dense(-1.0), dense(10_000.0), "a table never analyzed");
    }

    #[test]
    fn a_word_is_looked_for_as_written_ascii_folded() {
        assert_eq!(anywhere("5%_a\\B"), "%5\\%\\_a\\\\b%");
        // Folded as SQLite's LIKE: ASCII only.
        assert_eq!(anywhere("İSt"), "%İst%");
    }

    #[test]
    fn short_words_never_ask_the_trigram_index_and_a_nul_matches_nothing() {
        let mut p = Params::default();
        let sql = search_sql("acme co", true, &mut p).unwrap();
        assert_eq!(sql.matches(&format!(" AND {HAY} LIKE")).count(), 1, "{sql}");
        assert_eq!(sql.matches(&format!(" AND strpos({HAY}, $2::text) > 0")).count(), 1, "{sql}");
        let sql = search_sql("ac de", true, &mut Params::default()).unwrap();
        assert!(sql.contains("lower(c.name) >= $2::text AND lower(c.name) < $3::text"), "{sql}");
        assert_eq!(search_sql("ac\0me", true, &mut Params::default()), None);
    }
}
