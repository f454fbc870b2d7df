//! INSERT statements written once: the one INSERT of each money table
//! (invoices, payments, credits, applications), and the builder of the
//! multi-row statements the bulk loader uses.
//!
//! Every writer of a new money row goes through this module:
//! - invoices (`insert_invoice`, `INVOICES`): a person's new invoice
//!   (`writes::invoices`), the demo seeder (`seed`), the importer row by
//!   row (`import::money`) and the bulk loader (`load`);
//! - payments (`insert_payment`, `PAYMENTS`): a person's payment
//!   (`writes::payments`), the seeder, the importer and the bulk loader;
//! - credits (`insert_credit`, `CREDITS`): the seeder, the importer and the
//!   bulk loader;
//! - applications (`insert_application`, `APPLICATIONS`): a person's
//!   payment and refund (`writes::payments`, `writes::refunds`), the
//!   seeder, the importer and the bulk loader;
//! - an invoice's lines (`insert_lines`, `LINES`): every writer of an
//!   invoice that has lines, the bulk loader many invoices' at once.
//! - refunds (`insert_refund`, `REFUNDS`): a person's refund
//!   (`writes::refunds`), and `insert_payment` for a payment that comes
//!   refunded (the seeder, the importer); an import that changes what was
//!   refunded settles the rows anew (`refund_rows`).
//!
//! The bulk loader writes sixty-four rows to a statement with the same
//! columns and the same `bind_` functions. A table's columns and the order
//! their values are bound in are said here only, so a column added to one
//! of these tables is added in one place; the bulk path's speed comes from
//! the rows per statement, not from a statement of its own.

use super::Result;
use super::import::{InvoiceWrite, PaymentWrite};
use super::seed::AppliedFrom;
use crate::domain::Currency;
use crate::domain::date::iso;
use crate::domain::detail::RefundDate;
use crate::domain::lines::Line;
use crate::domain::status::ImportSource;
use chrono::NaiveDate;
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
struct Inserts([String; SIZES.len()]);

impl Inserts {
    fn new(table: &str, cols: &[&str]) -> Inserts {
        let one = format!("({})", vec!["?"; cols.len()].join(","));
        Inserts(SIZES.map(|rows| {
            format!("INSERT INTO {table}({}) VALUES {}", cols.join(","), vec![one.as_str(); rows].join(","))
        }))
    }
}

/// A table's INSERT: the columns a new row is written with, in the order
/// its `bind_` function binds them, and its statements, made when first
/// asked for.
pub(super) struct Table {
    name: &'static str,
    cols: &'static [&'static str],
    sql: OnceLock<Inserts>,
}

impl Table {
    const fn new(name: &'static str, cols: &'static [&'static str]) -> Table {
        Table { name, cols, sql: OnceLock::new() }
    }

    /// The INSERT of `rows` rows (one of `SIZES`).
    pub(super) fn sql(&self, rows: usize) -> &str {
        let all = self.sql.get_or_init(|| Inserts::new(self.name, self.cols));
        let i = SIZES.iter().position(|s| *s == rows).unwrap_or(SIZES.len() - 1);
        &all.0[i]
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

/// Inserts one row of `table`, its values bound by `bind`, and returns its
/// id. The error of a unique index is SQLite's, for callers that tell them
/// apart.
fn insert_row(
    conn: &Connection,
    table: &Table,
    bind: impl FnOnce(&mut Binder<'_, '_>) -> rusqlite::Result<()>,
) -> rusqlite::Result<i64> {
    let mut stmt = conn.prepare_cached(table.sql(1))?;
    bind(&mut Binder::new(&mut stmt))?;
    stmt.raw_execute()?;
    Ok(conn.last_insert_rowid())
}

// Invoices -----------------------------------------------------------------

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
    /// The part of `applied_minor` applied from credit, likewise.
    pub credited_minor: i64,
    pub source: Option<(ImportSource, &'a str)>,
    pub created_at: &'a str,
    /// The number of its kept source row (`store::kept`), with `kept`'s
    /// baseline.
    pub kept_row: Option<i64>,
}

/// The invoice INSERT, in the order `bind_invoice` binds.
pub(super) static INVOICES: Table = Table::new(
    "invoices",
    &[
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
        "balance_minor",
        "memo",
        "credited_minor",
        "cancelled_on",
        "import_base",
        "import_row",
        "import_line",
    ],
);

/// Binds one row's values, in `INVOICES`' order. An empty `source_raw` is
/// stored as NULL.
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
    b.put(i.kept.json())?;
    b.put(r.created_at)?;
    // What the balance triggers would make it, so they need not write the
    // row a second time.
    b.put(i.status.balance_minor(i.total_minor, r.applied_minor))?;
    b.put(i.memo)?;
    b.put(r.credited_minor)?;
    b.put(i.cancelled_on().map(iso))?;
    b.put(i.kept.base())?;
    b.put(r.kept_row)?;
    b.put(i.kept.line())
}

/// Inserts one invoice and its lines and returns its id. The error of a
/// unique index (number, external id) is SQLite's, for callers that tell
/// them apart.
pub(super) fn insert_invoice(conn: &Connection, r: &NewInvoiceRow<'_>) -> rusqlite::Result<i64> {
    let id = insert_row(conn, &INVOICES, |b| bind_invoice(b, r))?;
    insert_lines(conn, &lines_of(id, r.invoice.lines))?;
    Ok(id)
}

// Invoice lines -------------------------------------------------------------

/// One line of an invoice, at its place (`seq`, from 0).
#[derive(Debug, Clone, Copy)]
pub(super) struct NewLineRow<'a> {
    pub invoice_id: i64,
    pub seq: usize,
    pub line: &'a Line,
}

/// The line INSERT, in the order `bind_line` binds.
pub(super) static LINES: Table = Table::new(
    "invoice_lines",
    &["invoice_id", "seq", "kind", "description", "quantity", "unit_price", "amount_minor", "tax_minor"],
);

/// Binds one line's values, in `LINES`' order: quantity and unit price as
/// their decimal text.
pub(super) fn bind_line(b: &mut Binder<'_, '_>, r: &NewLineRow<'_>) -> rusqlite::Result<()> {
    let l = r.line;
    b.put(r.invoice_id)?;
    b.put(i64::try_from(r.seq).unwrap_or(i64::MAX))?;
    b.put(l.kind.as_db())?;
    b.put(l.description.as_str())?;
    b.put(l.quantity.map(|q| q.to_string()))?;
    b.put(l.unit_price.map(|p| p.to_string()))?;
    b.put(l.amount_minor)?;
    b.put(l.tax_minor)
}

/// The rows of an invoice's lines, numbered in order.
pub(super) fn lines_of(invoice_id: i64, lines: &[Line]) -> Vec<NewLineRow<'_>> {
    lines.iter().enumerate().map(|(seq, line)| NewLineRow { invoice_id, seq, line }).collect()
}

/// Inserts lines (of one invoice or of many), as few statements as
/// `parts` says.
pub(super) fn insert_lines(conn: &Connection, rows: &[NewLineRow<'_>]) -> rusqlite::Result<()> {
    insert_lines_into(conn, &LINES, rows)
}

/// Inserts lines into `table` (`LINES` or `CREDIT_LINES`, which bind
/// alike), as few statements as `parts` says.
fn insert_lines_into(conn: &Connection, table: &Table, rows: &[NewLineRow<'_>]) -> rusqlite::Result<()> {
    let mut done = 0;
    for size in parts(rows.len()) {
        let mut stmt = conn.prepare_cached(table.sql(size))?;
        let mut b = Binder::new(&mut stmt);
        for r in &rows[done..done + size] {
            bind_line(&mut b, r)?;
        }
        stmt.raw_execute()?;
        done += size;
    }
    Ok(())
}

/// The credit-note line INSERT: the columns of `LINES`, its credit's id
/// first (`NewLineRow::invoice_id` holds it).
static CREDIT_LINES: Table = Table::new(
    "credit_note_lines",
    &["credit_id", "seq", "kind", "description", "quantity", "unit_price", "amount_minor", "tax_minor"],
);

/// A credit note's lines become `lines`: the ones it had are deleted first.
pub(super) fn replace_credit_lines(conn: &Connection, credit_id: i64, lines: &[Line]) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM credit_note_lines WHERE credit_id = ?1")?.execute([credit_id])?;
    insert_lines_into(conn, &CREDIT_LINES, &lines_of(credit_id, lines))
}

/// An invoice's lines become `lines`: the ones it had are deleted first.
pub(super) fn replace_lines(conn: &Connection, invoice_id: i64, lines: &[Line]) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM invoice_lines WHERE invoice_id = ?1")?.execute([invoice_id])?;
    insert_lines(conn, &lines_of(invoice_id, lines))
}

/// The name of the contract an invoice belongs to ("" without one).
pub(super) fn contract_name(conn: &Connection, contract_id: Option<i64>) -> Result<String> {
    let Some(id) = contract_id else { return Ok(String::new()) };
    let found = conn.prepare_cached("SELECT name FROM contracts WHERE id = ?1")?.query_row([id], |r| r.get(0));
    Ok(found.optional()?.unwrap_or_default())
}

// Payments -----------------------------------------------------------------

/// A new payment row: the payment (`payment`), and what only some writers
/// decide.
#[derive(Debug, Clone, Copy)]
pub(super) struct NewPaymentRow<'a> {
    /// Chosen by the bulk loader; `None` lets SQLite give the next one.
    pub id: Option<i64>,
    pub payment: &'a PaymentWrite<'a>,
    /// Σ applications: written by the bulk loader, whose triggers are
    /// lifted; 0 otherwise (the triggers keep it).
    pub applied_minor: i64,
    pub source: Option<(ImportSource, &'a str)>,
    pub created_at: &'a str,
}

/// The payment INSERT, in the order `bind_payment` binds.
pub(super) static PAYMENTS: Table = Table::new(
    "payments",
    &[
        "id",
        "customer_id",
        "received_on",
        "amount_minor",
        "refunded_minor",
        "applied_minor",
        "currency",
        "reference",
        "status",
        "method",
        "import_source",
        "external_id",
        "source_raw",
        "created_at",
    ],
);

/// Binds one row's values, in `PAYMENTS`' order; `source_raw` as given
/// (an empty one stays empty).
pub(super) fn bind_payment(b: &mut Binder<'_, '_>, r: &NewPaymentRow<'_>) -> rusqlite::Result<()> {
    let p = r.payment;
    b.put(r.id)?;
    b.put(p.customer_id)?;
    b.put(iso(p.received_on))?;
    b.put(p.amount_minor)?;
    b.put(p.refunded_minor)?;
    b.put(r.applied_minor)?;
    b.put(p.currency.code())?;
    b.put(p.reference)?;
    b.put(p.status.as_db())?;
    b.put(p.method.as_db())?;
    b.put(r.source.map(|s| s.0.as_db()))?;
    b.put(r.source.map(|s| s.1))?;
    b.put(p.source_raw)?;
    b.put(r.created_at)
}

/// Inserts one payment and returns its id. A payment that comes refunded
/// gets its refund row in the same statement's transaction, dated as the
/// source says or else on the payment (`refunded_minor` = Σ its refunds).
pub(super) fn insert_payment(conn: &Connection, r: &NewPaymentRow<'_>) -> rusqlite::Result<i64> {
    let id = insert_row(conn, &PAYMENTS, |b| bind_payment(b, r))?;
    let p = r.payment;
    if p.refunded_minor > 0 {
        let (on, dated_from) = imported_refund_date(p.received_on, p.refunded_on);
        let refund = NewRefundRow {
            payment_id: id,
            refunded_on: on,
            amount_minor: p.refunded_minor,
            reason: "",
            dated_from,
            created_at: r.created_at,
        };
        insert_refund(conn, &refund)?;
    }
    Ok(id)
}

/// The date of a refund a payment came with: the source's, or the
/// payment's when the source gives none (or one before the money came: a
/// refund cannot precede what it returns).
pub(super) fn imported_refund_date(received_on: NaiveDate, source: Option<NaiveDate>) -> (NaiveDate, RefundDate) {
    match source {
        Some(on) if on >= received_on => (on, RefundDate::Source),
        _ => (received_on, RefundDate::Payment),
    }
}

// Credits ------------------------------------------------------------------

/// A new credit row.
#[derive(Debug, Clone, Copy)]
pub(super) struct NewCreditRow<'a> {
    /// Chosen by the bulk loader; `None` lets SQLite give the next one.
    pub id: Option<i64>,
    pub customer_id: i64,
    pub granted_on: NaiveDate,
    pub amount_minor: i64,
    /// Σ applications: written by the bulk loader, whose triggers are
    /// lifted; 0 otherwise (the triggers keep it).
    pub applied_minor: i64,
    pub currency: Currency,
    pub reason: &'a str,
    pub source: Option<(ImportSource, &'a str)>,
    pub created_at: &'a str,
}

/// The credit INSERT, in the order `bind_credit` binds.
pub(super) static CREDITS: Table = Table::new(
    "credits",
    &[
        "id",
        "customer_id",
        "granted_on",
        "amount_minor",
        "applied_minor",
        "currency",
        "reason",
        "import_source",
        "external_id",
        "created_at",
    ],
);

/// Binds one row's values, in `CREDITS`' order.
pub(super) fn bind_credit(b: &mut Binder<'_, '_>, r: &NewCreditRow<'_>) -> rusqlite::Result<()> {
    b.put(r.id)?;
    b.put(r.customer_id)?;
    b.put(iso(r.granted_on))?;
    b.put(r.amount_minor)?;
    b.put(r.applied_minor)?;
    b.put(r.currency.code())?;
    b.put(r.reason)?;
    b.put(r.source.map(|s| s.0.as_db()))?;
    b.put(r.source.map(|s| s.1))?;
    b.put(r.created_at)
}

/// Inserts one credit and returns its id.
pub(super) fn insert_credit(conn: &Connection, r: &NewCreditRow<'_>) -> rusqlite::Result<i64> {
    insert_row(conn, &CREDITS, |b| bind_credit(b, r))
}

// Applications -------------------------------------------------------------

/// A new application of a payment or a credit to an invoice.
#[derive(Debug, Clone, Copy)]
pub(super) struct NewApplicationRow<'a> {
    pub invoice_id: i64,
    pub from: AppliedFrom,
    pub amount_minor: i64,
    pub applied_on: NaiveDate,
    pub created_at: &'a str,
}

/// The application INSERT, in the order `bind_application` binds.
pub(super) static APPLICATIONS: Table =
    Table::new("applications", &["invoice_id", "payment_id", "credit_id", "amount_minor", "applied_on", "created_at"]);

/// Binds one row's values, in `APPLICATIONS`' order.
pub(super) fn bind_application(b: &mut Binder<'_, '_>, r: &NewApplicationRow<'_>) -> rusqlite::Result<()> {
    let (payment, credit) = match r.from {
        AppliedFrom::Payment(p) => (Some(p), None),
        AppliedFrom::Credit(c) => (None, Some(c)),
    };
    b.put(r.invoice_id)?;
    b.put(payment)?;
    b.put(credit)?;
    b.put(r.amount_minor)?;
    b.put(iso(r.applied_on))?;
    b.put(r.created_at)
}

/// Inserts one application counting from its own date, for books that
/// reverse nothing (the seeder's).
pub(super) fn insert_application_as_given(conn: &Connection, r: &NewApplicationRow<'_>) -> rusqlite::Result<()> {
    insert_row(conn, &APPLICATIONS, |b| bind_application(b, r)).map(drop)
}

/// Inserts one application, counting no earlier than the last day an
/// application of the same invoice, payment or credit was reversed on
/// (`counts_from`, schema 14; its `applied_on` stays the date given): as of
/// any day, the books then never held both the reversed application and
/// the one that took its place, so what counts on a day never exceeds the
/// invoice or the money (issue 17). Money re-applied after an unapply
/// dated tomorrow counts from tomorrow; the rest of a partly refunded
/// application from the refund's day; a payment an import moved to another
/// day, from the day the import re-settled it.
pub(super) fn insert_application(conn: &Connection, r: &NewApplicationRow<'_>) -> rusqlite::Result<()> {
    let (payment, credit) = match r.from {
        AppliedFrom::Payment(p) => (Some(p), None),
        AppliedFrom::Credit(c) => (None, Some(c)),
    };
    let after: Option<String> = conn
        .prepare_cached(
            "SELECT max(m) FROM (
                SELECT max(removed_on) AS m FROM applications WHERE invoice_id = ?1
                UNION ALL SELECT max(removed_on) FROM applications WHERE payment_id = ?2
                UNION ALL SELECT max(removed_on) FROM applications WHERE credit_id = ?3)",
        )?
        .query_row((r.invoice_id, payment, credit), |row| row.get(0))?;
    let counts_from = after.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()).filter(|a| *a > r.applied_on);
    conn.prepare_cached(
        "INSERT INTO applications(invoice_id, payment_id, credit_id, amount_minor, applied_on, created_at, counts_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute((r.invoice_id, payment, credit, r.amount_minor, iso(r.applied_on), r.created_at, counts_from.map(iso)))
    .map(drop)
}

// Refunds -------------------------------------------------------------------

/// A new refund of a payment.
#[derive(Debug, Clone, Copy)]
pub(super) struct NewRefundRow<'a> {
    pub payment_id: i64,
    pub refunded_on: NaiveDate,
    pub amount_minor: i64,
    pub reason: &'a str,
    pub dated_from: RefundDate,
    pub created_at: &'a str,
}

/// The refund INSERT, in the order `bind_refund` binds.
pub(super) static REFUNDS: Table =
    Table::new("refunds", &["payment_id", "refunded_on", "amount_minor", "reason", "dated_from", "created_at"]);

/// Binds one row's values, in `REFUNDS`' order.
pub(super) fn bind_refund(b: &mut Binder<'_, '_>, r: &NewRefundRow<'_>) -> rusqlite::Result<()> {
    b.put(r.payment_id)?;
    b.put(iso(r.refunded_on))?;
    b.put(r.amount_minor)?;
    b.put(r.reason)?;
    b.put(r.dated_from.as_db())?;
    b.put(r.created_at)
}

/// Inserts one refund row.
pub(super) fn insert_refund(conn: &Connection, r: &NewRefundRow<'_>) -> rusqlite::Result<i64> {
    insert_row(conn, &REFUNDS, |b| bind_refund(b, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_written_in_the_largest_sizes_first() {
        assert_eq!(parts(64 + 8 + 8 + 3), [64, 8, 8, 1, 1, 1]);
        assert!(parts(0).is_empty());
        for table in [&INVOICES, &PAYMENTS, &CREDITS, &APPLICATIONS, &LINES, &REFUNDS] {
            let sql = table.sql(8);
            assert_eq!(sql.matches("),(").count(), 7, "{sql}");
            assert_eq!(sql.matches('?').count(), 8 * table.cols.len());
        }
    }
}
