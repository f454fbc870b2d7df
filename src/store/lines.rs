//! An invoice's lines and memo as stored, and a credit note's lines (schema
//! 12): read in seq order for the detail, the exports and the store's own
//! comparisons. Writing them is `inserts::insert_lines` / `replace_lines`
//! / `replace_credit_lines`.

use super::Result;
use super::tabs::stored;
use crate::domain::lines::{Line, LineKind};
use rusqlite::{Connection, Row};
use rust_decimal::Decimal;
use std::str::FromStr;

/// A stored decimal (quantity, unit price); the CHECK keeps it short, and
/// what does not read as a decimal is reported, never guessed.
fn decimal(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Decimal>> {
    let Some(s) = row.get::<_, Option<String>>(idx)? else { return Ok(None) };
    Decimal::from_str(&s).map(Some).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, format!("bad decimal {s}").into())
    })
}

fn line(r: &Row<'_>) -> rusqlite::Result<Line> {
    Ok(Line {
        kind: stored(r, 0, LineKind::from_db)?,
        description: r.get(1)?,
        quantity: decimal(r, 2)?,
        unit_price: decimal(r, 3)?,
        amount_minor: r.get(4)?,
        tax_minor: r.get(5)?,
    })
}

/// The lines of `sql`'s one record, in order.
fn lines_of(conn: &Connection, sql: &str, id: i64) -> Result<Vec<Line>> {
    Ok(conn.prepare_cached(sql)?.query_map([id], line)?.collect::<rusqlite::Result<_>>()?)
}

/// The lines of an invoice, in order.
pub(crate) fn invoice_lines(conn: &Connection, invoice_id: i64) -> Result<Vec<Line>> {
    let sql = "SELECT kind, description, quantity, unit_price, amount_minor, tax_minor
               FROM invoice_lines WHERE invoice_id = ?1 ORDER BY seq";
    lines_of(conn, sql, invoice_id)
}

/// The lines of a credit note, in order (none for other credit).
pub(crate) fn credit_note_lines(conn: &Connection, credit_id: i64) -> Result<Vec<Line>> {
    let sql = "SELECT kind, description, quantity, unit_price, amount_minor, tax_minor
               FROM credit_note_lines WHERE credit_id = ?1 ORDER BY seq";
    lines_of(conn, sql, credit_id)
}

/// A line as JSON (the audit rows and the ardesk export): decimals as
/// their text, so nothing passes through binary floating point.
pub(crate) fn line_json(l: &Line) -> serde_json::Value {
    serde_json::json!({
        "kind": l.kind.as_db(),
        "description": l.description,
        "quantity": l.quantity.map(|q| q.to_string()),
        "unit_price": l.unit_price.map(|p| p.to_string()),
        "amount_minor": l.amount_minor,
        "tax_minor": l.tax_minor,
    })
}
