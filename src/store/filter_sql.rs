//! Filter terms to SQL on whitelisted expressions, with bound parameters:
//! no text from the filter bar ever becomes SQL.

use super::window::TabRow;
use crate::domain::date::iso;
use crate::domain::filter::{Cond, Filter, Op, Term, Value};
use chrono::NaiveDate;
use rusqlite::types::Value as Sql;

/// The WHERE fragment (starting with " AND …", or empty) and its parameters,
/// numbered from `first` on.
pub(crate) fn where_clause<R: TabRow>(filter: &Filter, today: NaiveDate, first: usize) -> (String, Vec<Sql>) {
    let mut sql = String::new();
    let mut params: Vec<Sql> = Vec::new();
    let param = |v: Sql, params: &mut Vec<Sql>| {
        params.push(v);
        format!("?{}", first + params.len() - 1)
    };
    for term in &filter.terms {
        let piece = match term {
            Term::Text(w) => {
                let p = param(Sql::Text(like_pattern(w)), &mut params);
                let ors: Vec<String> =
                    R::TEXT_COLS.iter().map(|c| format!("coalesce({c}, '') LIKE {p} ESCAPE '\\'")).collect();
                format!("({})", ors.join(" OR "))
            }
            Term::Field(col, cond) => {
                let Some(expr) = R::filter_expr(*col) else { continue };
                match cond {
                    Cond::Contains(s) => {
                        let p = param(Sql::Text(like_pattern(s)), &mut params);
                        format!("coalesce({expr}, '') LIKE {p} ESCAPE '\\'")
                    }
                    Cond::Cmp(op, Value::Text(t)) => {
                        let p = param(Sql::Text(t.to_lowercase()), &mut params);
                        format!("lower(coalesce({expr}, '')) {} {p}", op_sql(*op))
                    }
                    Cond::Cmp(op, v) => {
                        let p = param(value(v), &mut params);
                        format!("{expr} {} {p}", op_sql(*op))
                    }
                    Cond::Within(lo, hi) => {
                        let a = param(Sql::Text(iso(*lo)), &mut params);
                        let b = param(Sql::Text(iso(*hi)), &mut params);
                        format!("{expr} BETWEEN {a} AND {b}")
                    }
                    Cond::Overlaps(lo, hi) => {
                        let a = param(Sql::Text(iso(*lo)), &mut params);
                        let b = param(Sql::Text(iso(*hi)), &mut params);
                        match R::PERIODS.iter().find(|(c, ..)| c == col) {
                            Some((_, start, end)) => format!("({start} <= {b} AND {end} >= {a})"),
                            None => format!("{expr} BETWEEN {a} AND {b}"),
                        }
                    }
                    Cond::Status(words) => {
                        let ors: Vec<String> = words
                            .iter()
                            .map(|w| match R::status_sql(*w) {
                                Some(StatusSql::Plain(s)) => s.to_string(),
                                Some(StatusSql::BeforeToday(s)) => {
                                    let p = param(Sql::Text(iso(today)), &mut params);
                                    s.replace("?today", &p)
                                }
                                None => "0".to_string(),
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
    (sql, params)
}

/// How a status word reads in SQL for a tab.
pub enum StatusSql {
    Plain(&'static str),
    /// Contains `?today`, replaced by today's date parameter.
    BeforeToday(&'static str),
}

fn op_sql(op: Op) -> &'static str {
    match op {
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Gt => ">",
        Op::Ge => ">=",
        Op::Eq => "=",
    }
}

fn value(v: &Value) -> Sql {
    match v {
        Value::Money(m) | Value::Int(m) => Sql::Integer(*m),
        Value::Date(d) => Sql::Text(iso(*d)),
        Value::Text(t) => Sql::Text(t.clone()),
    }
}

/// `%word%` with LIKE's wildcards escaped, so "50%" means a literal 50%.
fn like_pattern(s: &str) -> String {
    let mut out = String::from("%");
    for c in s.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}
