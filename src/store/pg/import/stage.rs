//! The TEMP staging tables of a bulk load on PostgreSQL: rows sent by
//! binary `COPY … FROM STDIN`, then moved into the table by one
//! `INSERT … SELECT` (its row triggers fire for each row, so the
//! summaries stay the triggers'), and the staging table emptied. Ids are
//! taken from the table's identity beforehand, in order, as inserts one
//! at a time would take them.

use super::super::super::Result;
use super::super::super::load::{LoadInvoice, NewMoney};
use super::super::super::seed::AppliedFrom;
use super::PgImportTx;
use crate::domain::status::*;
use chrono::NaiveDate;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};

const INVOICE_COLS: &[&str] = &[
    "id",
    "customer_id",
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
];
const INVOICE_TYPES: &[Type] = &[
    Type::INT8,
    Type::INT8,
    Type::TEXT,
    Type::TEXT,
    Type::DATE,
    Type::DATE,
    Type::DATE,
    Type::DATE,
    Type::TEXT,
    Type::INT8,
    Type::INT8,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::INT8,
    Type::TEXT,
    Type::INT8,
    Type::DATE,
    Type::BYTEA,
    Type::INT8,
    Type::INT8,
];

const PAYMENT_COLS: &[&str] = &[
    "id",
    "customer_id",
    "received_on",
    "amount_minor",
    "currency",
    "reference",
    "status",
    "method",
    "import_source",
    "external_id",
    "source_raw",
    "created_at",
    "applied_minor",
];
const PAYMENT_TYPES: &[Type] = &[
    Type::INT8,
    Type::INT8,
    Type::DATE,
    Type::INT8,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::INT8,
];

const CREDIT_COLS: &[&str] = &[
    "id",
    "customer_id",
    "granted_on",
    "amount_minor",
    "currency",
    "reason",
    "import_source",
    "external_id",
    "created_at",
    "applied_minor",
];
const CREDIT_TYPES: &[Type] = &[
    Type::INT8,
    Type::INT8,
    Type::DATE,
    Type::INT8,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::INT8,
];

const APPLICATION_COLS: &[&str] =
    &["invoice_id", "payment_id", "credit_id", "amount_minor", "applied_on", "created_at"];
const APPLICATION_TYPES: &[Type] = &[Type::INT8, Type::INT8, Type::INT8, Type::INT8, Type::DATE, Type::TEXT];

/// The staging tables, each with the columns its load sends.
const STAGES: &[(&str, &[&str])] = &[
    ("invoices", INVOICE_COLS),
    ("payments", PAYMENT_COLS),
    ("credits", CREDIT_COLS),
    ("applications", APPLICATION_COLS),
];

fn stage(table: &str) -> String {
    format!("import_stage_{table}")
}

impl PgImportTx<'_> {
    /// Makes the staging tables once a run: TEMP, dropped at its end.
    pub(super) fn stage_tables(&self) -> Result<()> {
        if self.staged.get() {
            return Ok(());
        }
        for (table, cols) in STAGES {
            self.tx().batch_execute(&format!(
                "CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {table} LIMIT 0",
                stage(table),
                cols.join(", ")
            ))?;
        }
        self.staged.set(true);
        Ok(())
    }

    /// `n` ids of `table`'s identity, in order.
    pub(super) fn ids(&self, table: &str, n: usize) -> Result<Vec<i64>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1::bigint) g ORDER BY g"
        );
        self.rows(&sql, &[&(n as i64)])?.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Sends `rows` (each its values in `cols`' order) into `table`'s
    /// staging table, moves them into `table` in that order and empties it.
    fn copy_into(
        &self,
        table: &str,
        cols: &[&str],
        types: &[Type],
        rows: &[Vec<Box<dyn ToSql + Sync + '_>>],
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.tx();
        let list = cols.join(", ");
        let sink = tx.copy_in(&format!("COPY {} ({list}) FROM STDIN (FORMAT binary)", stage(table)))?;
        let mut writer = BinaryCopyInWriter::new(sink, types);
        for row in rows {
            let refs: Vec<&(dyn ToSql + Sync)> = row.iter().map(|v| v.as_ref() as &(dyn ToSql + Sync)).collect();
            writer.write(&refs)?;
        }
        writer.finish()?;
        // In the order sent: the applications take their ids as they go in.
        let order = if table == "applications" { "ctid" } else { "id" };
        tx.batch_execute(&format!(
            "INSERT INTO {table} ({list}) SELECT {list} FROM {s} ORDER BY {order}; TRUNCATE {s}",
            s = stage(table)
        ))?;
        Ok(())
    }

    pub(super) fn copy_invoices(&self, rows: &[LoadInvoice<'_>], ids: &[i64], kept: &[Option<i64>]) -> Result<()> {
        let values: Vec<Vec<Box<dyn ToSql + Sync + '_>>> = rows
            .iter()
            .zip(ids)
            .zip(kept)
            .map(|((r, id), kept)| {
                let i = &r.invoice;
                // Written as applied: the applications that follow leave
                // them so (`copy_applications`).
                let applied: i64 = r.money.iter().map(|m| m.amount_minor).sum();
                let credited: i64 = r.money.iter().filter(|m| m.credit).map(|m| m.amount_minor).sum();
                let row: Vec<Box<dyn ToSql + Sync>> = vec![
                    Box::new(*id),
                    Box::new(i.customer_id),
                    Box::new(""),
                    Box::new(i.number),
                    Box::new(i.issue_date),
                    Box::new(i.due_date),
                    Box::new(i.period.map(|p| p.0)),
                    Box::new(i.period.map(|p| p.1)),
                    Box::new(i.currency.code()),
                    Box::new(i.total_minor),
                    Box::new(applied),
                    Box::new(i.status.as_db()),
                    Box::new(r.source.as_db()),
                    Box::new(r.external_id),
                    Box::new(i.kept.json().map(|j| j.into_owned())),
                    Box::new(self.now.clone()),
                    Box::new(i.status.balance_minor(i.total_minor, applied)),
                    Box::new(i.memo),
                    Box::new(credited),
                    Box::new(i.cancelled_on()),
                    Box::new(i.kept.base()),
                    Box::new(*kept),
                    Box::new(i.kept.line()),
                ];
                row
            })
            .collect();
        self.copy_into("invoices", INVOICE_COLS, INVOICE_TYPES, &values)
    }

    pub(super) fn copy_payments(&self, money: &[&(&LoadInvoice<'_>, i64, &NewMoney)], ids: &[i64]) -> Result<()> {
        let values: Vec<Vec<Box<dyn ToSql + Sync + '_>>> = money
            .iter()
            .zip(ids)
            .map(|((r, _, m), id)| {
                let row: Vec<Box<dyn ToSql + Sync>> = vec![
                    Box::new(*id),
                    Box::new(r.invoice.customer_id),
                    Box::new(m.on),
                    Box::new(m.amount_minor),
                    Box::new(r.invoice.currency.code()),
                    Box::new(m.text.as_str()),
                    Box::new(PaymentStatus::Succeeded.as_db()),
                    Box::new(PaymentMethod::Automatic.as_db()),
                    Box::new(r.source.as_db()),
                    Box::new(m.key.as_str()),
                    Box::new(m.raw.as_deref()),
                    Box::new(self.now.clone()),
                    Box::new(m.amount_minor),
                ];
                row
            })
            .collect();
        self.copy_into("payments", PAYMENT_COLS, PAYMENT_TYPES, &values)
    }

    pub(super) fn copy_credits(&self, money: &[&(&LoadInvoice<'_>, i64, &NewMoney)], ids: &[i64]) -> Result<()> {
        let values: Vec<Vec<Box<dyn ToSql + Sync + '_>>> = money
            .iter()
            .zip(ids)
            .map(|((r, _, m), id)| {
                let row: Vec<Box<dyn ToSql + Sync>> = vec![
                    Box::new(*id),
                    Box::new(r.invoice.customer_id),
                    Box::new(m.on),
                    Box::new(m.amount_minor),
                    Box::new(r.invoice.currency.code()),
                    Box::new(m.text.as_str()),
                    Box::new(r.source.as_db()),
                    Box::new(m.key.as_str()),
                    Box::new(self.now.clone()),
                    Box::new(m.amount_minor),
                ];
                row
            })
            .collect();
        self.copy_into("credits", CREDIT_COLS, CREDIT_TYPES, &values)
    }

    /// The applications of new invoices, payments and credits: none was
    /// ever reversed, so each counts from its own date. Their invoices,
    /// payments and credits were written with these amounts applied, so
    /// the applications' trigger is told to leave them (schema 4,
    /// `0004_preset_applied.sql`), for this statement only.
    pub(super) fn copy_applications(&self, apps: &[(i64, AppliedFrom, i64, NaiveDate)]) -> Result<()> {
        let values: Vec<Vec<Box<dyn ToSql + Sync + '_>>> = apps
            .iter()
            .map(|(invoice, from, amount, on)| {
                let (p, c) = match from {
                    AppliedFrom::Payment(p) => (Some(*p), None),
                    AppliedFrom::Credit(c) => (None, Some(*c)),
                };
                let row: Vec<Box<dyn ToSql + Sync>> = vec![
                    Box::new(*invoice),
                    Box::new(p),
                    Box::new(c),
                    Box::new(*amount),
                    Box::new(*on),
                    Box::new(self.now.clone()),
                ];
                row
            })
            .collect();
        self.tx().batch_execute("SET LOCAL ardesk.applied_preset = on")?;
        self.copy_into("applications", APPLICATION_COLS, APPLICATION_TYPES, &values)?;
        self.tx().batch_execute("SET LOCAL ardesk.applied_preset = off")?;
        Ok(())
    }
}
