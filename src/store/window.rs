//! Keyset windows: every tab reads only the rows it shows, walking an index
//! that starts with the customer, `(sort, id) > (?, ?)`, never `OFFSET`.

use super::{Result, Store};
use crate::domain::columns::{Col, RowKey, Seek, Sort, SortValue, Tab};
use rusqlite::types::{ToSqlOutput, Value};
use rusqlite::{Row, ToSql};

/// A row with its place in the sort order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed<R> {
    pub key: RowKey,
    pub row: R,
}

/// How one tab's rows are read. Implemented in `tabs.rs` for each row type.
pub trait TabRow: Sized {
    const TAB: Tab;
    /// Columns to select; the sort value and id are appended after them.
    const SELECT: &'static str;
    /// FROM clause; `?1` is the customer id in `WHERE`.
    const FROM: &'static str;
    const WHERE: &'static str;
    /// The row's id expression.
    const ID: &'static str;
    /// A non-NULL SQL expression to sort `col` by; `None` for columns of
    /// other tabs.
    fn sort_expr(col: Col) -> Option<&'static str>;
    fn map(row: &Row<'_>) -> rusqlite::Result<Self>;
}

/// The rows of any tab, for code that handles all tabs alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabRows {
    Invoices(Vec<Keyed<crate::domain::model::InvoiceRow>>),
    Contracts(Vec<Keyed<crate::domain::model::ContractRow>>),
    Payments(Vec<Keyed<crate::domain::model::PaymentRow>>),
    Contacts(Vec<Keyed<crate::domain::model::ContactRow>>),
    Documents(Vec<Keyed<crate::domain::model::DocumentRow>>),
    Activity(Vec<Keyed<crate::domain::model::ActivityRow>>),
}

impl ToSql for SortValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            SortValue::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            SortValue::Text(s) => ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(s.as_bytes())),
        })
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

/// Builds the SQL of one window query. Public to the crate for tests and
/// the benchmark's query plans.
pub(crate) fn window_sql<R: TabRow>(sort: Sort, seek: &Seek) -> Option<String> {
    let expr = R::sort_expr(sort.col)?;
    // Walking backwards (Last, Before) reads in the opposite order and the
    // caller reverses the rows.
    let backwards = matches!(seek, Seek::Last | Seek::Before(_));
    let descending = sort.desc != backwards;
    let dir = if descending { "DESC" } else { "ASC" };
    let cmp = match (seek, descending) {
        (Seek::First | Seek::Last, _) => None,
        (Seek::From(_), false) => Some(">="),
        (Seek::From(_), true) => Some("<="),
        (_, false) => Some(">"),
        (_, true) => Some("<"),
    };
    let seek_clause = cmp.map_or(String::new(), |c| format!(" AND ({expr}, {id}) {c} (?2, ?3)", id = R::ID));
    Some(format!(
        "SELECT {sel}, {expr}, {id} FROM {from} WHERE {wh}{seek_clause} ORDER BY {expr} {dir}, {id} {dir} LIMIT ?4",
        sel = R::SELECT,
        id = R::ID,
        from = R::FROM,
        wh = R::WHERE,
    ))
}

impl Store {
    /// Reads up to `limit` rows of a tab from `seek` on, in sort order.
    pub fn window<R: TabRow>(&self, customer_id: i64, sort: Sort, seek: &Seek, limit: usize) -> Result<Vec<Keyed<R>>> {
        let sort = if R::sort_expr(sort.col).is_some() { sort } else { Sort::default_for(R::TAB) };
        let Some(sql) = window_sql::<R>(sort, seek) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let ncols = stmt.column_count();
        let (value, id) = match seek {
            Seek::After(k) | Seek::Before(k) | Seek::From(k) => (k.value.clone(), k.id),
            Seek::First | Seek::Last => (SortValue::Int(0), 0),
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut rows: Vec<Keyed<R>> = stmt
            .query_map(rusqlite::params![customer_id, value, id, limit], |r| {
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
