//! Filter terms to SQL on whitelisted expressions, with bound parameters:
//! no text from the filter bar ever becomes SQL.

use super::window::TabRow;
use crate::domain::date::iso;
use crate::domain::filter::{Cond, Filter, Op, Term, Value};
use chrono::NaiveDate;
use rusqlite::types::Value as Sql;

/// How one filter term is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermPlan {
    /// Checked on each row the query reaches (the other terms' indexes or
    /// the sort's).
    Row,
    /// Its candidates gathered from the tab's trigram index first
    /// (`TabRow::SEARCH`), then checked on each as `Row` does.
    Gathered,
    /// Kept off its column's index (written so SQLite cannot use one): so
    /// many rows pass it that reading them through that index costs more
    /// than reading the customer's rows another way — a window in the
    /// order of its sort, which finds a screenful at once, or a count in
    /// the order the rows lie (`TabRow::SCATTERED`).
    Unindexed,
}

/// The WHERE fragment (starting with " AND …", or empty) and its parameters,
/// numbered from `first` on; every term checked row by row.
pub(crate) fn where_clause<R: TabRow>(filter: &Filter, today: NaiveDate, first: usize) -> (String, Vec<Sql>) {
    where_planned::<R>(filter, today, first, &[])
}

/// `where_clause` with a plan for each term (`TermPlan::Row` for those
/// `plans` does not reach).
pub(crate) fn where_planned<R: TabRow>(
    filter: &Filter,
    today: NaiveDate,
    first: usize,
    plans: &[TermPlan],
) -> (String, Vec<Sql>) {
    let mut sql = String::new();
    let mut params: Vec<Sql> = Vec::new();
    let param = |v: Sql, params: &mut Vec<Sql>| {
        params.push(v);
        format!("?{}", first + params.len() - 1)
    };
    for (i, term) in filter.terms.iter().enumerate() {
        let plan = plans.get(i).copied().unwrap_or(TermPlan::Row);
        // The candidates from the index, then the word checked on each.
        let gathered = |word: &str, params: &mut Vec<Sql>| match (plan, R::SEARCH, trigram_match(word)) {
            (TermPlan::Gathered, Some(s), Some(m)) => {
                let p = param(Sql::Text(m), params);
                format!("{} IN (SELECT rowid FROM {t} WHERE {t} MATCH {p}) AND ", R::ID, t = s.table)
            }
            _ => String::new(),
        };
        let piece = match term {
            // SQLite's `LIKE` reads its pattern only up to a NUL character,
            // so "inv\0" would find whatever holds "inv": a word with one
            // is in no text, as on PostgreSQL (whose text holds none).
            Term::Text(w) if w.contains('\0') => "0".to_string(),
            Term::Text(w) => {
                let index = gathered(w, &mut params);
                let p = param(Sql::Text(like_pattern(w)), &mut params);
                let ors: Vec<String> =
                    R::TEXT_COLS.iter().map(|c| format!("coalesce({c}, '') LIKE {p} ESCAPE '\\'")).collect();
                format!("({index}({}))", ors.join(" OR "))
            }
            Term::Field(col, cond) => {
                let Some(expr) = R::filter_expr(*col) else { continue };
                match cond {
                    Cond::Contains(s) if s.contains('\0') => "0".to_string(),
                    // In byte order, a text with a NUL character comes right
                    // after what precedes the NUL, which no stored text
                    // equals or falls between (PostgreSQL's `where_clause`).
                    Cond::Cmp(op, Value::Text(t)) if t.contains('\0') => {
                        let before = t.to_ascii_lowercase().split('\0').next().unwrap_or_default().to_string();
                        match op {
                            Op::Eq => "0".to_string(),
                            Op::Lt | Op::Le => {
                                let p = param(Sql::Text(before), &mut params);
                                format!("lower(coalesce({expr}, '')) <= {p}")
                            }
                            Op::Gt | Op::Ge => {
                                let p = param(Sql::Text(before), &mut params);
                                format!("lower(coalesce({expr}, '')) > {p}")
                            }
                        }
                    }
                    Cond::Contains(s) => {
                        let index = gathered(s, &mut params);
                        let p = param(Sql::Text(like_pattern(s)), &mut params);
                        format!("({index}coalesce({expr}, '') LIKE {p} ESCAPE '\\')")
                    }
                    // ASCII folded, as SQLite's `lower` folds.
                    Cond::Cmp(op, Value::Text(t)) => {
                        let p = param(Sql::Text(t.to_ascii_lowercase()), &mut params);
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
        if plan == TermPlan::Unindexed {
            // The same truth (NULL and 0 both fail), in a form no index serves.
            sql.push_str(&format!("coalesce({piece}, 0)"));
        } else {
            sql.push_str(&piece);
        }
    }
    (sql, params)
}

/// How a status word reads in SQL for a tab.
pub enum StatusSql {
    Plain(&'static str),
    /// Contains `?today`, replaced by today's date parameter.
    BeforeToday(&'static str),
}

pub(crate) fn op_sql(op: Op) -> &'static str {
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

/// The words a term looks for as text, if any: a bare word or a
/// `field:text` term.
pub(crate) fn searched_word<R: TabRow>(term: &Term) -> Option<&str> {
    match term {
        Term::Text(w) => Some(w),
        Term::Field(col, Cond::Contains(s)) if R::filter_expr(*col).is_some() => Some(s),
        _ => None,
    }
}

/// Whether the tab's trigram index holds every column `term` looks in.
pub(crate) fn indexable<R: TabRow>(term: &Term) -> bool {
    let Some(search) = R::SEARCH else { return false };
    match term {
        Term::Text(_) => R::TEXT_COLS.iter().all(|c| search.cols.contains(c)),
        Term::Field(col, Cond::Contains(_)) => R::filter_expr(*col).is_some_and(|e| search.cols.contains(&e)),
        _ => false,
    }
}

/// FTS5 `MATCH` of every trigram of `word` as `LIKE` compares it (ASCII
/// lower case; the index folds case the same way or more), each quoted:
/// the rows holding all of them are a superset of those holding the word.
/// `None` for a word of fewer than three characters, which the index
/// cannot narrow, or one holding a NUL character, which no text holds.
pub(crate) fn trigram_match(word: &str) -> Option<String> {
    if word.contains('\0') {
        return None;
    }
    trigrams(&word.to_ascii_lowercase())
}

/// FTS5 `MATCH` of every trigram of `word` as it is, each quoted: FTS5
/// folds their case as it folds the index's. For a search whose `LIKE`
/// takes the word as typed (the customers list): lower-casing it first
/// would turn İ into two characters, whose trigrams no row holds.
pub(crate) fn trigrams(word: &str) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut seen = std::collections::BTreeSet::new();
    let terms: Vec<String> = chars
        .windows(3)
        .map(|t| t.iter().collect::<String>())
        .filter(|t| seen.insert(t.clone()))
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// `%word%` with LIKE's wildcards escaped, so "50%" means a literal 50%,
/// and ASCII lower case: SQLite's `LIKE` and `lower` and PostgreSQL's
/// `lower` (COLLATE "C") fold only ASCII, so a word folded by Unicode's
/// rules ("ÉCOLE" to "école", "İ" to two characters) would miss the very
/// text it was typed from.
pub(crate) fn like_pattern(s: &str) -> String {
    let mut out = String::from("%");
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c.to_ascii_lowercase());
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_only_ascii_case_as_like_and_lower_do() {
        assert_eq!(like_pattern("ÉCOLE_İst%"), "%École\\_İst\\%%");
        assert_eq!(trigram_match("İST").as_deref(), Some(r#""İst""#));
        assert_eq!(trigram_match("ab\0c"), None);
    }
}
