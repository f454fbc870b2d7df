//! Keyset windows: every tab reads only the rows it shows, walking an index
//! that starts with the customer, `(sort, id) > (?, ?)`, never `OFFSET`.

use super::filter_sql::{StatusSql, TermPlan, where_planned};
use super::{Result, Store};
use crate::domain::columns::{Col, RowKey, Seek, Sort, SortValue};
use crate::domain::filter::{Filter, StatusWord};
use crate::domain::tabs::{Tabular, ViewSums};
use rusqlite::types::{ToSqlOutput, Value};
use rusqlite::{Row, ToSql};

/// A tab's trigram index (FTS5, contentless, `detail=none`; its rowid is
/// the row's id) and the columns it holds, as `TEXT_COLS` names them.
#[derive(Debug, Clone, Copy)]
pub struct Searched {
    pub table: &'static str,
    pub cols: &'static [&'static str],
}

/// A row with its place in the sort order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed<R, K = RowKey> {
    pub key: K,
    pub row: R,
}

/// How one tab's rows are read: its SQL, beside its description
/// (`Tabular`, which names each column's key). Implemented in `tabs/`, one
/// module per tab.
pub trait TabRow: Tabular {
    /// Columns to select; the sort value and id are appended after them.
    const SELECT: &'static str;
    /// FROM clause; `?1` is the customer id in `WHERE`.
    const FROM: &'static str;
    const WHERE: &'static str;
    /// The row's id expression.
    const ID: &'static str;
    /// The whitelist: the non-NULL SQL expression each column key of the
    /// tab sorts by. A filter term on the key compares the same expression,
    /// unless `FILTER` says otherwise.
    const SORT: &'static [(Col, &'static str)];
    /// Keys whose filter terms compare another expression than they sort
    /// by (a name sorted case-folded, a day inside a timestamp).
    const FILTER: &'static [(Col, &'static str)] = &[];
    /// Keys that show a period (start and end): a range term on one
    /// (`period:2025-Q3`) matches the periods that overlap the range, not
    /// only those that start in it. An open end is written as a far date.
    const PERIODS: &'static [(Col, &'static str, &'static str)] = &[];
    /// Columns a bare word in the filter bar searches.
    const TEXT_COLS: &'static [&'static str];
    /// The trigram index over some of the tab's text columns, if it has
    /// one (`filter_plan`).
    const SEARCH: Option<Searched> = None;
    /// Columns whose index orders the rows unlike where they lie: a
    /// comparison on one that many rows pass is read off the index when
    /// counting (`filter_plan`).
    const SCATTERED: &'static [Col] = &[];
    /// What the status line sums (an expression of the tab's money
    /// column) and the currency column, if the tab has one; `Tabular::
    /// SUMMARY` keeps the same sum for the unfiltered tab.
    const SUM: Option<(&'static str, &'static str)> = None;
    /// The balance the status line sums beside it, if the tab shows one.
    const BALANCE: Option<&'static str> = None;
    /// A second kind of row listed with the first (credits beside
    /// payments): its SELECT and FROM. It reads the same alias with the
    /// same column names, so `WHERE`, filters, sorts and seeks are written
    /// once; each kind walks its own index and the two are merged in order
    /// (`MERGE (UNION ALL)`), so a window still reads only its rows. Its
    /// ids must not meet the first kind's (credits' are negative). `tab_row`
    /// reads the first kind only.
    const ALSO: Option<(&'static str, &'static str)> = None;
    fn map(row: &Row<'_>) -> rusqlite::Result<Self>;
    /// SQL for a status word on this tab.
    fn status_sql(_word: StatusWord) -> Option<StatusSql> {
        None
    }

    /// What `col` sorts by; `None` for columns of other tabs.
    fn sort_expr(col: Col) -> Option<&'static str> {
        Self::SORT.iter().find(|(c, _)| *c == col).map(|(_, sql)| *sql)
    }

    /// What a filter term on `col` compares.
    fn filter_expr(col: Col) -> Option<&'static str> {
        Self::FILTER.iter().find(|(c, _)| *c == col).map(|(_, sql)| *sql).or_else(|| Self::sort_expr(col))
    }
}

impl ToSql for SortValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            SortValue::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            SortValue::Text(s) => ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(s.as_bytes())),
        })
    }
}

fn sort_value(v: SortValue) -> rusqlite::types::Value {
    match v {
        SortValue::Int(i) => i.into(),
        SortValue::Text(t) => t.into(),
    }
}

fn read_sort_value(row: &Row<'_>, idx: usize) -> rusqlite::Result<SortValue> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(idx)? {
        ValueRef::Integer(i) => SortValue::Int(i),
        ValueRef::Text(t) => SortValue::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Real(_) | ValueRef::Null | ValueRef::Blob(_) => SortValue::Int(0),
    })
}

/// Which way a window of an order (`desc`) reads its index from `seek`,
/// and how its key compares with the one sought from (`None`: from an
/// end). Walking backwards (Last, Before) reads in the opposite order and
/// the caller reverses the rows.
pub(crate) fn direction<K>(desc: bool, seek: &Seek<K>) -> (&'static str, Option<&'static str>) {
    let backwards = matches!(seek, Seek::Last | Seek::Before(_));
    let descending = desc != backwards;
    let cmp = match (seek, descending) {
        (Seek::First | Seek::Last, _) => None,
        (Seek::From(_), false) => Some(">="),
        (Seek::From(_), true) => Some("<="),
        (_, false) => Some(">"),
        (_, true) => Some("<"),
    };
    (if descending { "DESC" } else { "ASC" }, cmp)
}

/// Builds the SQL of one window query, every term checked row by row (for
/// tests of the query plans).
#[cfg(test)]
pub(crate) fn window_sql<R: TabRow>(sort: Sort, seek: &Seek, filter_sql: &str) -> Option<String> {
    window_sql_planned::<R>(sort, seek, filter_sql, false)
}

/// The customer's condition: kept off its indexes (`+`) when a term's
/// candidates are gathered from a trigram index, so the query starts from
/// them and not from the customer's rows.
pub(crate) fn customer_where<R: TabRow>(gathered: bool) -> String {
    if gathered { format!("+{}", R::WHERE) } else { R::WHERE.to_string() }
}

/// `window_sql`, starting from gathered candidates when `gathered`.
pub(crate) fn window_sql_planned<R: TabRow>(
    sort: Sort,
    seek: &Seek,
    filter_sql: &str,
    gathered: bool,
) -> Option<String> {
    let expr = R::sort_expr(sort.col)?;
    let wh = customer_where::<R>(gathered);
    let (dir, cmp) = direction(sort.desc, seek);
    let seek_clause = cmp.map_or(String::new(), |c| format!(" AND ({expr}, {id}) {c} (?2, ?3)", id = R::ID));
    if let Some((also_select, also_from)) = R::ALSO {
        let arm = |sel: &str, from: &str| {
            format!(
                "SELECT {sel}, {expr} AS sort_key, {id} AS row_key FROM {from} WHERE {wh}{filter_sql}{seek_clause}",
                id = R::ID,
            )
        };
        return Some(format!(
            "{} UNION ALL {} ORDER BY sort_key {dir}, row_key {dir} LIMIT ?4",
            arm(R::SELECT, R::FROM),
            arm(also_select, also_from)
        ));
    }
    Some(format!(
        "SELECT {sel}, {expr}, {id} FROM {from} WHERE {wh}{filter_sql}{seek_clause} ORDER BY {expr} {dir}, {id} {dir} LIMIT ?4",
        sel = R::SELECT,
        id = R::ID,
        from = R::FROM,
    ))
}

/// What a table shows: its order and its filter, as of a day (overdue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub sort: Sort,
    pub filter: Filter,
    pub today: chrono::NaiveDate,
}

impl Store {
    /// Reads up to `limit` rows of a tab from `seek` on, in sort order.
    pub fn window<R: TabRow>(&self, customer_id: i64, sort: Sort, seek: &Seek, limit: usize) -> Result<Vec<Keyed<R>>> {
        let view = View { sort, filter: Filter::default(), today: chrono::NaiveDate::default() };
        self.window_view(customer_id, &view, seek, limit)
    }

    /// Rows matching `view.filter` and their sums (`SUM`, `BALANCE`): a
    /// scan of the customer's rows, so off the keystroke path on big
    /// tables.
    pub fn view_totals<R: TabRow>(&self, customer_id: i64, view: &View) -> Result<(i64, Option<ViewSums>)> {
        let plans = self.count_plans::<R>(customer_id, view)?;
        let (filter_sql, filter_params) = where_planned::<R>(&view.filter, view.today, 2, &plans);
        let wh = customer_where::<R>(plans.contains(&TermPlan::Gathered));
        let (sum, cur) = R::SUM.map_or(("0", "'XXX'"), |(s, c)| (s, c));
        let balance = R::BALANCE.unwrap_or("0");
        let arm = |from: &str| {
            format!(
                "SELECT {cur} AS cur, count(*) AS n, coalesce(sum({sum}), 0) AS s, coalesce(sum({balance}), 0) AS b
                 FROM {from} WHERE {wh}{filter_sql} GROUP BY 1"
            )
        };
        let sql = match R::ALSO {
            None => arm(R::FROM),
            Some((_, also_from)) => format!(
                "SELECT cur, sum(n), sum(s), sum(b) FROM ({} UNION ALL {}) GROUP BY cur",
                arm(R::FROM),
                arm(also_from)
            ),
        };
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut params: Vec<rusqlite::types::Value> = vec![customer_id.into()];
        params.extend(filter_params);
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut count = 0i64;
        let mut sums = ViewSums { sum: Vec::new(), balance: R::BALANCE.map(|_| Vec::new()) };
        while let Some(r) = rows.next()? {
            count += r.get::<_, i64>(1)?;
            if R::SUM.is_some() {
                let cur = super::tabs::currency(r, 0)?;
                sums.sum.push(crate::domain::Money::new(r.get(2)?, cur));
                if let Some(b) = &mut sums.balance {
                    b.push(crate::domain::Money::new(r.get(3)?, cur));
                }
            }
        }
        Ok((count, R::SUM.map(|_| sums)))
    }

    /// Reads up to `limit` rows of a tab matching the view's filter, from
    /// `seek` on, in the view's order.
    pub fn window_view<R: TabRow>(
        &self,
        customer_id: i64,
        view: &View,
        seek: &Seek,
        limit: usize,
    ) -> Result<Vec<Keyed<R>>> {
        self.window_view_gathering(customer_id, view, seek, limit, None)
    }

    /// `window_view`, gathering a word's candidates from the tab's trigram
    /// index only when they are at most `cap` (`None`: as many as the
    /// caller can afford, `filter_plan`). A reader that goes on to the
    /// next window, and the next, until the end (an export) reads each
    /// candidate once only when they fit one window.
    pub fn window_view_gathering<R: TabRow>(
        &self,
        customer_id: i64,
        view: &View,
        seek: &Seek,
        limit: usize,
        cap: Option<i64>,
    ) -> Result<Vec<Keyed<R>>> {
        let sort = if R::sort_expr(view.sort.col).is_some() { view.sort } else { R::DEFAULT_SORT };
        let plans = self.window_plans::<R>(customer_id, view, sort.col, cap)?;
        let (filter_sql, filter_params) = where_planned::<R>(&view.filter, view.today, 5, &plans);
        let Some(sql) = window_sql_planned::<R>(sort, seek, &filter_sql, plans.contains(&TermPlan::Gathered)) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let ncols = stmt.column_count();
        let (value, id) = match seek {
            Seek::After(k) | Seek::Before(k) | Seek::From(k) => (k.value.clone(), k.id),
            Seek::First | Seek::Last => (SortValue::Int(0), 0),
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut params: Vec<rusqlite::types::Value> =
            vec![customer_id.into(), sort_value(value), id.into(), limit.into()];
        params.extend(filter_params);
        let mut rows: Vec<Keyed<R>> = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                Ok(Keyed {
                    key: RowKey { value: read_sort_value(r, ncols - 2)?, id: r.get(ncols - 1)? },
                    row: R::map(r)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        if matches!(seek, Seek::Last | Seek::Before(_)) {
            rows.reverse();
        }
        Ok(rows)
    }
}
