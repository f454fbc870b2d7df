//! INSERT statements written once: the one INSERT of invoice rows, and
//! the builder of the multi-row statements the bulk loader uses.
//!
//! Every writer of a new invoice goes through `insert_invoice` or
//! `invoice_sql`: a person's new invoice (`writes::invoices`), the demo
//! seeder (`seed`), the importer row by row (`import::money`) and the bulk
//! loader (`load`, sixty-four rows to a statement). The columns and the
//! order their values are bound in are said here only, so a column added
//! to `invoices` is added in one place; the bulk path's speed comes from
//! the rows per statement, not from a statement of its own.

use super::Result;
use super::import::InvoiceWrite;
use crate::domain::date::iso;
use crate::domain::status::ImportSource;
use rusqlite::{Connection, OptionalExtension, Statement};
use std::sync::OnceLock;

/// Rows one statement writes, largest first; a group is written in as few
/// statements of these sizes as add up to it. A few sizes, so that the
/// statements stay prepared.
pub(super) const SIZES: [usize; 3] = [64, 8, 1];

/// `n` as a sum of `SIZES`, largest first.
pub(super) fn parts(mut n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for size in SIZES {
        while n >= size {
            out.push(size);
            n -= size;
        }
    }
    out
}

/// `INSERT INTO table(cols) VALUES (?, …), …` for each of `SIZES`.
pub(super) struct Inserts([String; SIZES.len()]);

impl Inserts {
    pub(super) fn new(table: &str, cols: &[&str]) -> Inserts {
        let one = format!("({})", vec!["?"; cols.len()].join(","));
        Inserts(SIZES.map(|rows| {
            format!("INSERT INTO {table}({}) VALUES {}", cols.join(","), vec![one.as_str(); rows].join(","))
        }))
    }

    /// The statement for `rows` rows (one of `SIZES`).
    pub(super) fn sql(&self, rows: usize) -> &str {
        let i = SIZES.iter().position(|s| *s == rows).unwrap_or(SIZES.len() - 1);
        &self.0[i]
    }
}

/// Binds values one after another.
pub(super) struct Binder<'s, 'c> {
    stmt: &'s mut Statement<'c>,
    at: usize,
}

impl<'s, 'c> Binder<'s, 'c> {
    pub(super) fn new(stmt: &'s mut Statement<'c>) -> Self {
        Binder { stmt, at: 0 }
    }

    pub(super) fn put<T: rusqlite::ToSql>(&mut self, v: T) -> rusqlite::Result<()> {
        self.at += 1;
        self.stmt.raw_bind_parameter(self.at, v)
    }
}

/// A new invoice row: what every writer gives (`invoice`), and what only
/// some of them decide.
#[derive(Debug, Clone, Copy)]
pub(super) struct NewInvoiceRow<'a> {
    /// Chosen by the bulk loader, which applies money to the rows it has
    /// not read back; `None` lets SQLite give the next one.
    pub id: Option<i64>,
    pub invoice: &'a InvoiceWrite<'a>,
    /// The contract's name beside its id, so the Invoices tab sorts on an
    /// index (`contract_name`).
    pub contract_name: &'a str,
    /// Σ applications: written by the bulk loader, whose triggers are
    /// lifted; 0 otherwise (the triggers keep it).
    pub applied_minor: i64,
    pub source: Option<(ImportSource, &'a str)>,
    pub created_at: &'a str,
}

/// The columns of a new invoice, in the order `bind_invoice` binds them.
const INVOICE_COLS: &[&str] = &[
    "id",
    "customer_id",
    "contract_id",
    "contract_name",
    "number",
    "issue_date",
    "due_date",
    "period_start",
    "period_end",
    "currency",
    "total_minor",
    "applied_minor",
    "status",
    "import_source",
    "external_id",
    "source_raw",
    "created_at",
];

/// The invoice INSERT of `rows` rows (one of `SIZES`).
pub(super) fn invoice_sql(rows: usize) -> &'static str {
    static SQL: OnceLock<Inserts> = OnceLock::new();
    SQL.get_or_init(|| Inserts::new("invoices", INVOICE_COLS)).sql(rows)
}

/// Binds one row's values, in `INVOICE_COLS`' order. An empty `source_raw`
/// is stored as NULL.
pub(super) fn bind_invoice(b: &mut Binder<'_, '_>, r: &NewInvoiceRow<'_>) -> rusqlite::Result<()> {
    let i = r.invoice;
    b.put(r.id)?;
    b.put(i.customer_id)?;
    b.put(i.contract_id)?;
    b.put(r.contract_name)?;
    b.put(i.number)?;
    b.put(iso(i.issue_date))?;
    b.put(iso(i.due_date))?;
    b.put(i.period.map(|p| iso(p.0)))?;
    b.put(i.period.map(|p| iso(p.1)))?;
    b.put(i.currency.code())?;
    b.put(i.total_minor)?;
    b.put(r.applied_minor)?;
    b.put(i.status.as_db())?;
    b.put(r.source.map(|s| s.0.as_db()))?;
    b.put(r.source.map(|s| s.1))?;
    b.put((!i.source_raw.is_empty()).then_some(i.source_raw))?;
    b.put(r.created_at)
}

/// Inserts one invoice and returns its id. The error of a unique index
/// (number, external id) is SQLite's, for callers that tell them apart.
pub(super) fn insert_invoice(conn: &Connection, r: &NewInvoiceRow<'_>) -> rusqlite::Result<i64> {
    let mut stmt = conn.prepare_cached(invoice_sql(1))?;
    bind_invoice(&mut Binder::new(&mut stmt), r)?;
    stmt.raw_execute()?;
    Ok(conn.last_insert_rowid())
}

/// The name of the contract an invoice belongs to ("" without one).
pub(super) fn contract_name(conn: &Connection, contract_id: Option<i64>) -> Result<String> {
    let Some(id) = contract_id else { return Ok(String::new()) };
    let found = conn.prepare_cached("SELECT name FROM contracts WHERE id = ?1")?.query_row([id], |r| r.get(0));
    Ok(found.optional()?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_written_in_the_largest_sizes_first() {
        assert_eq!(parts(64 + 8 + 8 + 3), [64, 8, 8, 1, 1, 1]);
        assert!(parts(0).is_empty());
        let sql = invoice_sql(8);
        assert_eq!(sql.matches("),(").count(), 7, "{sql}");
        assert_eq!(sql.matches('?').count(), 8 * INVOICE_COLS.len());
    }
}
