//! Rows from a SQLite database into PostgreSQL, each value converted to
//! its column's type there: integers to `bigint`/`integer`, SQLite's 0/1
//! flags to `boolean`, ISO date text to `date` ('' to '-infinity', as the
//! schema's header says), text, and blobs to `bytea`. By binary `COPY`,
//! which fires the tables' row triggers as inserts do. Anything else is
//! refused by table and column: nothing is guessed.
//!
//! The copy that `ardesk migrate` makes, and the tests that prove the
//! PostgreSQL triggers keep what SQLite's keep, are built on it.

use super::super::{Result, StoreError};
use chrono::NaiveDate;
use postgres::GenericClient;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{Date, ToSql, Type};
use rusqlite::types::ValueRef;

/// A name as an identifier, quoted, whatever it holds.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The names, each quoted, with commas between.
fn idents(names: &[String]) -> String {
    names.iter().map(|n| ident(n)).collect::<Vec<_>>().join(", ")
}

/// The PostgreSQL types of `columns` of `table`, in that order.
pub fn types(pg: &mut impl GenericClient, table: &str, columns: &[String]) -> Result<Vec<Type>> {
    let stmt = pg.prepare(&format!("SELECT {} FROM {} LIMIT 0", idents(columns), ident(table)))?;
    Ok(stmt.columns().iter().map(|c| c.type_().clone()).collect())
}

/// Copies what `select` gives on SQLite (one value per column of
/// `columns`, in order) into `table`; returns the number of rows.
pub fn rows(
    sqlite: &rusqlite::Connection,
    select: &str,
    pg: &mut impl GenericClient,
    table: &str,
    columns: &[String],
) -> Result<u64> {
    rows_telling(sqlite, select, pg, table, columns, &mut |_| {})
}

/// `rows`, telling `tell` the count after each row.
pub fn rows_telling(
    sqlite: &rusqlite::Connection,
    select: &str,
    pg: &mut impl GenericClient,
    table: &str,
    columns: &[String],
    tell: &mut dyn FnMut(u64),
) -> Result<u64> {
    let types = types(pg, table, columns)?;
    let sink = pg.copy_in(&format!("COPY {} ({}) FROM STDIN (FORMAT binary)", ident(table), idents(columns)))?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let mut stmt = sqlite.prepare(select)?;
    let mut found = stmt.query([])?;
    let mut written = 0;
    while let Some(row) = found.next()? {
        let mut values: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(columns.len());
        for (i, ty) in types.iter().enumerate() {
            values
                .push(value(row.get_ref(i)?, ty).map_err(|why| {
                    StoreError::Invalid(format!("{table}.{}: {why}; nothing was copied", columns[i]))
                })?);
        }
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
        writer.write(&refs)?;
        written += 1;
        tell(written);
    }
    Ok(writer.finish()?)
}

/// One SQLite value as the PostgreSQL type `ty` takes it.
fn value(v: ValueRef<'_>, ty: &Type) -> std::result::Result<Box<dyn ToSql + Sync>, String> {
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| "text that is not UTF-8".to_string());
    Ok(match (v, ty) {
        (ValueRef::Null, t) if *t == Type::INT8 => Box::new(None::<i64>),
        (ValueRef::Null, t) if *t == Type::INT4 => Box::new(None::<i32>),
        (ValueRef::Null, t) if *t == Type::BOOL => Box::new(None::<bool>),
        (ValueRef::Null, t) if *t == Type::DATE => Box::new(None::<Date<NaiveDate>>),
        (ValueRef::Null, t) if *t == Type::TEXT => Box::new(None::<String>),
        (ValueRef::Null, t) if *t == Type::BYTEA => Box::new(None::<Vec<u8>>),
        (ValueRef::Integer(i), t) if *t == Type::INT8 => Box::new(i),
        (ValueRef::Integer(i), t) if *t == Type::INT4 => {
            Box::new(i32::try_from(i).map_err(|_| format!("{i} is too large for an integer column"))?)
        }
        (ValueRef::Integer(i @ (0 | 1)), t) if *t == Type::BOOL => Box::new(i == 1),
        (ValueRef::Text(s), t) if *t == Type::TEXT => Box::new(text(s)?),
        (ValueRef::Text(b""), t) if *t == Type::DATE => Box::new(Date::<NaiveDate>::NegInfinity),
        (ValueRef::Text(s), t) if *t == Type::DATE => {
            let s = text(s)?;
            let d = NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| format!("{s:?} is not a date"))?;
            Box::new(Date::Value(d))
        }
        (ValueRef::Blob(b), t) if *t == Type::BYTEA => Box::new(b.to_vec()),
        (v, t) => return Err(format!("a SQLite {} value cannot go in a {t} column", v.data_type())),
    })
}
