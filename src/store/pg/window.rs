//! Keyset windows on PostgreSQL (`store/window.rs`): a tab reads only the
//! rows it shows, walking an index that starts with the customer,
//! `(sort, id) > ($3, $4)`, never `OFFSET`. Filter terms become SQL on the
//! tab's whitelisted expressions with bound parameters, as on SQLite; a
//! word is looked for with `lower(col) LIKE`, which the `pg_trgm` indexes
//! serve (the planner gathers candidates itself, so there is no plan of
//! our own as `filter_plan` makes for SQLite's FTS5 tables).

use super::super::Result;
use super::super::filter_sql::{like_pattern, op_sql};
use super::super::window::{Keyed, View, direction};
use super::store::PgStore;
use crate::domain::columns::{Col, RowKey, Seek, Sort, SortValue};
use crate::domain::filter::{Cond, Filter, Op, StatusWord, Term, Value};
use crate::domain::tabs::{Tabular, ViewSums};
use chrono::NaiveDate;
use postgres::Row;
use postgres::types::ToSql;

/// What a sort expression gives, so a seek binds its value in kind and a
/// key reads back as SQLite's does (dates as ISO text, no date as '').
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    /// A `date`; '-infinity' stands for none (SQLite's '').
    Date,
}

/// A status word's SQL on a tab; `$today` is replaced by today's date.
pub enum PgStatus {
    Plain(&'static str),
    BeforeToday(&'static str),
}

/// How one tab's rows are read on PostgreSQL: `window::TabRow`'s
/// constants in PostgreSQL's SQL.
pub trait PgTabRow: Tabular {
    const SELECT: &'static str;
    const FROM: &'static str;
    /// `$1` is the customer.
    const WHERE: &'static str;
    const ID: &'static str;
    /// Each column key's sort expression (non-NULL) and its kind.
    const SORT: &'static [(Col, &'static str, Kind)];
    /// Keys whose filter terms compare another expression than they sort
    /// by, with its kind (a day inside a timestamp is text).
    const FILTER: &'static [(Col, &'static str, Kind)] = &[];
    const PERIODS: &'static [(Col, &'static str, &'static str)] = &[];
    /// Text expressions a bare word looks in, each as its trigram index
    /// has it.
    const TEXT_COLS: &'static [&'static str];
    const SUM: Option<(&'static str, &'static str)> = None;
    const BALANCE: Option<&'static str> = None;
    /// A second kind of row listed with the first (credits beside
    /// payments), as `TabRow::ALSO`: its SELECT and FROM, the same alias
    /// and column names; each kind walks its own index and the two are
    /// merged in order.
    const ALSO: Option<(&'static str, &'static str)> = None;
    fn status_sql(_word: StatusWord) -> Option<PgStatus> {
        None
    }
    fn map(row: &Row) -> Result<Self>;

    fn sort_of(col: Col) -> Option<(&'static str, Kind)> {
        Self::SORT.iter().find(|(c, ..)| *c == col).map(|(_, e, k)| (*e, *k))
    }

    fn filter_expr(col: Col) -> Option<(&'static str, Kind)> {
        Self::FILTER.iter().find(|(c, ..)| *c == col).map(|(_, e, k)| (*e, *k)).or_else(|| Self::sort_of(col))
    }
}

pub(super) type Params = Vec<Box<dyn ToSql + Sync>>;

/// A filter passing at most this many rows has them gathered and sorted
/// (`window_view`), as SQLite's `filter_plan::KEYS_GATHER`.
const GATHER: i64 = 2_000;

/// The sort key as SQLite reads it: dates as ISO text, none as ''.
fn key_expr(expr: &str, kind: Kind) -> String {
    match kind {
        Kind::Date => format!("CASE WHEN {expr} = '-infinity' THEN '' ELSE {expr}::text END"),
        Kind::Int | Kind::Text => expr.to_string(),
    }
}

/// The seek's value (`$3`, bound as text), read as the kind.
fn seek_param(kind: Kind) -> &'static str {
    match kind {
        Kind::Int => "$3::text::bigint",
        Kind::Text => "$3::text",
        Kind::Date => "coalesce(nullif($3::text, ''), '-infinity')::date",
    }
}

/// The WHERE fragment (" AND …" or empty) of `filter`, its parameters
/// pushed on `params` (numbered after those already there).
pub(super) fn where_clause<R: PgTabRow>(filter: &Filter, today: NaiveDate, params: &mut Params) -> String {
    let mut sql = String::new();
    let param = |v: Box<dyn ToSql + Sync>, params: &mut Params| {
        params.push(v);
        format!("${}", params.len())
    };
    for term in &filter.terms {
        let piece = match term {
            // No text on PostgreSQL holds a NUL character (the server
            // refuses one even as a parameter): a word with one is in none.
            Term::Text(w) if w.contains('\0') => "false".to_string(),
            Term::Text(w) => {
                let p = param(Box::new(like_pattern(w)), params);
                let ors: Vec<String> = R::TEXT_COLS.iter().map(|c| format!("{c} LIKE {p} ESCAPE '\\'")).collect();
                format!("({})", ors.join(" OR "))
            }
            Term::Field(col, cond) => {
                let Some((expr, kind)) = R::filter_expr(*col) else { continue };
                // A date is bound as a date where the expression is one, and
                // as its ISO text where it is text (a day of a timestamp).
                let day = |d: NaiveDate, params: &mut Params| match kind {
                    Kind::Date => param(Box::new(d), params),
                    Kind::Int | Kind::Text => param(Box::new(crate::domain::date::iso(d)), params),
                };
                match cond {
                    Cond::Contains(s) if s.contains('\0') => "false".to_string(),
                    // In byte order, a text with a NUL character comes right
                    // after what precedes the NUL, which no stored text
                    // equals or falls between.
                    Cond::Cmp(op, Value::Text(t)) if t.contains('\0') => {
                        let before = t.to_ascii_lowercase().split('\0').next().unwrap_or_default().to_string();
                        let (cmp, p) = match op {
                            Op::Eq => ("", String::new()),
                            Op::Lt | Op::Le => ("<=", param(Box::new(before), params)),
                            Op::Gt | Op::Ge => (">", param(Box::new(before), params)),
                        };
                        match cmp {
                            "" => "false".to_string(),
                            _ => format!("lower(coalesce({expr}, '')) {cmp} {p}"),
                        }
                    }
                    // `lower(col)` as the trigram indexes hold it, so they
                    // serve `number:zzz` as they serve a bare word: a value
                    // of one character or more never matches the '' that
                    // `coalesce` gave a missing one.
                    Cond::Contains(s) if !s.is_empty() => {
                        let p = param(Box::new(like_pattern(s)), params);
                        match expr.starts_with("lower(") {
                            true => format!("{expr} LIKE {p} ESCAPE '\\'"),
                            false => format!("lower({expr}) LIKE {p} ESCAPE '\\'"),
                        }
                    }
                    Cond::Contains(s) => {
                        let p = param(Box::new(like_pattern(s)), params);
                        format!("lower(coalesce({expr}, '')) LIKE {p} ESCAPE '\\'")
                    }
                    Cond::Cmp(op, Value::Text(t)) => {
                        let p = param(Box::new(t.to_ascii_lowercase()), params);
                        format!("lower(coalesce({expr}, '')) {} {p}", op_sql(*op))
                    }
                    Cond::Cmp(op, Value::Money(v) | Value::Int(v)) => {
                        let p = param(Box::new(*v), params);
                        format!("{expr} {} {p}", op_sql(*op))
                    }
                    Cond::Cmp(op, Value::Date(d)) => {
                        let p = day(*d, params);
                        format!("{expr} {} {p}", op_sql(*op))
                    }
                    Cond::Within(lo, hi) => {
                        let (a, b) = (day(*lo, params), day(*hi, params));
                        format!("{expr} BETWEEN {a} AND {b}")
                    }
                    Cond::Overlaps(lo, hi) => {
                        let (a, b) = (day(*lo, params), day(*hi, params));
                        match R::PERIODS.iter().find(|(c, ..)| c == col) {
                            Some((_, start, end)) => format!("({start} <= {b} AND {end} >= {a})"),
                            None => format!("{expr} BETWEEN {a} AND {b}"),
                        }
                    }
                    Cond::Status(words) => {
                        let ors: Vec<String> = words
                            .iter()
                            .map(|w| match R::status_sql(*w) {
                                Some(PgStatus::Plain(s)) => s.to_string(),
                                Some(PgStatus::BeforeToday(s)) => {
                                    let p = param(Box::new(today), params);
                                    s.replace("$today", &format!("{p}::date"))
                                }
                                None => "false".to_string(),
                            })
                            .collect();
                        format!("({})", ors.join(" OR "))
                    }
                }
            }
        };
        sql.push_str(" AND ");
        sql.push_str(&piece);
    }
    sql
}

impl PgStore {
    /// Reads up to `limit` rows of a tab matching the view's filter, from
    /// `seek` on, in the view's order, as `Store::window_view`.
    pub fn window_view<R: PgTabRow>(
        &self,
        customer_id: i64,
        view: &View,
        seek: &Seek,
        limit: usize,
    ) -> Result<Vec<Keyed<R>>> {
        self.window_view_gathering(customer_id, view, seek, limit, None)
    }

    /// `window_view`, gathering the rows that pass the filter only when
    /// they are at most `cap` (`None`: `GATHER`), as
    /// `Store::window_view_gathering`: an export, which reads window after
    /// window to the end, gathers only when they fit one window, so it
    /// never gathers the same rows again for every window.
    pub fn window_view_gathering<R: PgTabRow>(
        &self,
        customer_id: i64,
        view: &View,
        seek: &Seek,
        limit: usize,
        cap: Option<i64>,
    ) -> Result<Vec<Keyed<R>>> {
        let cap = cap.unwrap_or(GATHER).max(0);
        let sort = if R::sort_of(view.sort.col).is_some() { view.sort } else { R::DEFAULT_SORT };
        let Some((expr, kind)) = R::sort_of(sort.col) else { return Ok(Vec::new()) };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut params: Params = vec![Box::new(customer_id), Box::new(limit)];
        let (dir, cmp) = direction(sort.desc, seek);
        let seek_clause = match (cmp, seek) {
            // A key of another kind than the column's (a number seeking in
            // dates): SQLite orders every integer before every text, so it
            // is before every row of a text or date column and after every
            // row of a number column; binding it as the column's kind would
            // be refused as no date.
            (Some(c), Seek::After(k) | Seek::Before(k) | Seek::From(k))
                if matches!(
                    (&k.value, kind),
                    (SortValue::Int(_), Kind::Text | Kind::Date) | (SortValue::Text(_), Kind::Int)
                ) =>
            {
                let rows_after_key = matches!(k.value, SortValue::Int(_));
                if c.starts_with('>') == rows_after_key { String::new() } else { " AND FALSE".into() }
            }
            (Some(c), Seek::After(k) | Seek::Before(k) | Seek::From(k)) => {
                let text = match &k.value {
                    SortValue::Text(t) => t.clone(),
                    SortValue::Int(i) => i.to_string(),
                };
                params.push(Box::new(text));
                params.push(Box::new(k.id));
                format!(" AND ({expr}, {}) {c} ({}, $4)", R::ID, seek_param(kind))
            }
            _ => String::new(),
        };
        let filter_sql = where_clause::<R>(&view.filter, view.today, &mut params);
        let arm = |sel: &str, from: &str| {
            format!(
                "SELECT {sel}, {expr} AS sort_key, {key} AS key_text, {id} AS row_key
                 FROM {from} WHERE {wh}{filter_sql}{seek_clause}",
                key = key_expr(expr, kind),
                id = R::ID,
                wh = R::WHERE,
            )
        };
        let order = format!("ORDER BY sort_key {dir}, row_key {dir} LIMIT $2");
        // Few rows pass the filter: they are gathered by the filter's own
        // index and sorted, in a CTE the planner cannot fold into a walk of
        // the sort's index (which, for a filter that passes none of a
        // million rows, reads all of them: `total>5000` took a second).
        let gathered = !view.filter.terms.is_empty() && self.passing::<R>(customer_id, view, cap)? <= cap;
        let ordered = |arm: String| match gathered {
            true => format!("WITH gathered AS MATERIALIZED ({arm}) SELECT * FROM gathered {order}"),
            false => format!("{arm} {order}"),
        };
        let sql = match R::ALSO {
            None => ordered(arm(R::SELECT, R::FROM)),
            Some((sel, from)) => {
                format!("({}) UNION ALL ({}) {order}", ordered(arm(R::SELECT, R::FROM)), ordered(arm(sel, from)))
            }
        };
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
        let found = self.client()?.query(&sql, &refs)?;
        let mut rows = Vec::with_capacity(found.len());
        for r in &found {
            let n = r.len();
            let value = match kind {
                Kind::Int => SortValue::Int(r.try_get(n - 2)?),
                Kind::Text | Kind::Date => SortValue::Text(r.try_get(n - 2)?),
            };
            rows.push(Keyed { key: RowKey { value, id: r.try_get(n - 1)? }, row: R::map(r)? });
        }
        if matches!(seek, Seek::Last | Seek::Before(_)) {
            rows.reverse();
        }
        Ok(rows)
    }

    /// How many rows pass the view's filter, counted up to `cap + 1`
    /// only, by whatever index serves the filter best (no order asked).
    fn passing<R: PgTabRow>(&self, customer_id: i64, view: &View, cap: i64) -> Result<i64> {
        let mut params: Params = vec![Box::new(customer_id)];
        let filter_sql = where_clause::<R>(&view.filter, view.today, &mut params);
        let arm = |from: &str| {
            format!("(SELECT 1 FROM {from} WHERE {}{filter_sql} LIMIT {})", R::WHERE, cap.saturating_add(1))
        };
        let sql = match R::ALSO {
            None => format!("SELECT count(*) FROM {} t", arm(R::FROM)),
            Some((_, from)) => format!("SELECT count(*) FROM ({} UNION ALL {}) t", arm(R::FROM), arm(from)),
        };
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
        Ok(self.client()?.query_one(&sql, &refs)?.try_get(0)?)
    }

    /// Rows matching `view.filter` and their sums, as `Store::view_totals`.
    pub fn view_totals<R: PgTabRow>(&self, customer_id: i64, view: &View) -> Result<(i64, Option<ViewSums>)> {
        let mut params: Params = vec![Box::new(customer_id)];
        let filter_sql = where_clause::<R>(&view.filter, view.today, &mut params);
        let (sum, cur) = R::SUM.map_or(("0", "'XXX'"), |(s, c)| (s, c));
        let balance = R::BALANCE.unwrap_or("0");
        let arm = |from: &str| {
            format!(
                "SELECT {cur} AS cur, count(*) AS n, coalesce(sum({sum}), 0) AS s, coalesce(sum({balance}), 0) AS b
                 FROM {from} WHERE {wh}{filter_sql} GROUP BY 1",
                wh = R::WHERE,
            )
        };
        let inner = match R::ALSO {
            None => arm(R::FROM),
            Some((_, also)) => format!("{} UNION ALL {}", arm(R::FROM), arm(also)),
        };
        let sql = format!(
            "SELECT cur, sum(n)::bigint, sum(s)::bigint, sum(b)::bigint FROM ({inner}) t GROUP BY cur ORDER BY cur"
        );
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
        let mut count = 0i64;
        let mut sums = ViewSums { sum: Vec::new(), balance: R::BALANCE.map(|_| Vec::new()) };
        for r in self.client()?.query(&sql, &refs)? {
            count += r.try_get::<_, i64>(1)?;
            if R::SUM.is_some() {
                let cur = super::customers::currency(r.try_get(0)?)?;
                sums.sum.push(crate::domain::Money::new(r.try_get(2)?, cur));
                if let Some(b) = &mut sums.balance {
                    b.push(crate::domain::Money::new(r.try_get(3)?, cur));
                }
            }
        }
        Ok((count, R::SUM.map(|_| sums)))
    }
}

/// Sorts compared by tests: every key of a tab, both ways.
pub fn sorts<R: PgTabRow>() -> Vec<Sort> {
    R::SORT.iter().flat_map(|(c, ..)| [Sort { col: *c, desc: false }, Sort { col: *c, desc: true }]).collect()
}
