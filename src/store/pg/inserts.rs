//! The INSERTs of the money tables on PostgreSQL (`store/inserts.rs`):
//! the same columns, bound to their types here (dates as `date`). What a
//! person's writes need so far: an invoice with its lines (and a draft's
//! lines replaced), a payment, an application, a credit (and a credit
//! note's lines), a refund.

use super::super::Result;
use super::super::import::{InvoiceWrite, PaymentWrite};
use super::super::seed::AppliedFrom;
use crate::domain::Currency;
use crate::domain::detail::RefundDate;
use crate::domain::lines::Line;
use crate::store::pg::prepared::Sql;
use chrono::NaiveDate;

/// Inserts a new invoice made in ardesk (no source, nothing applied yet:
/// the triggers keep what is applied) and its lines; returns its id.
pub(super) fn insert_invoice(
    tx: &mut impl Sql,
    i: &InvoiceWrite<'_>,
    contract_name: &str,
    created_at: &str,
) -> Result<i64> {
    let id: i64 = tx
        .query_one(
            "INSERT INTO invoices(customer_id, contract_id, contract_name, number, issue_date, due_date, period_start,
                                  period_end, currency, total_minor, applied_minor, status, created_at, balance_minor,
                                  memo, credited_minor, cancelled_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13, $14, 0, $15)
             RETURNING id",
            &[
                &i.customer_id,
                &i.contract_id,
                &contract_name,
                &i.number,
                &i.issue_date,
                &i.due_date,
                &i.period.map(|p| p.0),
                &i.period.map(|p| p.1),
                &i.currency.code(),
                &i.total_minor,
                &i.status.as_db(),
                &created_at,
                &i.status.balance_minor(i.total_minor, 0),
                &i.memo,
                &i.cancelled_on(),
            ],
        )?
        .try_get(0)?;
    insert_lines(tx, INVOICE_LINES, id, i.lines)?;
    Ok(id)
}

/// The lines of an invoice and of a credit note: (table, the column naming
/// whose lines).
type Lines = (&'static str, &'static str);
const INVOICE_LINES: Lines = ("invoice_lines", "invoice_id");
const CREDIT_LINES: Lines = ("credit_note_lines", "credit_id");

/// Inserts an invoice's or a credit note's lines, numbered from 0 in order.
fn insert_lines(tx: &mut impl Sql, (table, of): Lines, id: i64, lines: &[Line]) -> Result<()> {
    let sql = format!(
        "INSERT INTO {table}({of}, seq, kind, description, quantity, unit_price, amount_minor, tax_minor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    );
    for (seq, l) in lines.iter().enumerate() {
        tx.execute(
            &sql,
            &[
                &id,
                &i64::try_from(seq).unwrap_or(i64::MAX),
                &l.kind.as_db(),
                &l.description.as_str(),
                &l.quantity.map(|q| q.to_string()),
                &l.unit_price.map(|p| p.to_string()),
                &l.amount_minor,
                &l.tax_minor,
            ],
        )?;
    }
    Ok(())
}

/// An invoice's lines become `lines`: the ones it had are deleted first.
pub(super) fn replace_lines(tx: &mut impl Sql, invoice_id: i64, lines: &[Line]) -> Result<()> {
    tx.execute("DELETE FROM invoice_lines WHERE invoice_id = $1", &[&invoice_id])?;
    insert_lines(tx, INVOICE_LINES, invoice_id, lines)
}

/// A credit note's lines become `lines`: the ones it had are deleted first.
pub(super) fn replace_credit_lines(tx: &mut impl Sql, credit_id: i64, lines: &[Line]) -> Result<()> {
    tx.execute("DELETE FROM credit_note_lines WHERE credit_id = $1", &[&credit_id])?;
    insert_lines(tx, CREDIT_LINES, credit_id, lines)
}

/// The name of the contract an invoice belongs to ("" without one).
pub(super) fn contract_name(tx: &mut impl Sql, contract_id: Option<i64>) -> Result<String> {
    let Some(id) = contract_id else { return Ok(String::new()) };
    match tx.query_opt("SELECT name FROM contracts WHERE id = $1", &[&id])? {
        Some(r) => Ok(r.try_get(0)?),
        None => Ok(String::new()),
    }
}

/// Inserts a payment made in ardesk, nothing applied or refunded yet;
/// returns its id.
pub(super) fn insert_payment(tx: &mut impl Sql, p: &PaymentWrite<'_>, created_at: &str) -> Result<i64> {
    Ok(tx
        .query_one(
            "INSERT INTO payments(customer_id, received_on, amount_minor, refunded_minor, applied_minor, currency,
                                  reference, status, method, source_raw, created_at)
             VALUES ($1, $2, $3, 0, 0, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                &p.customer_id,
                &p.received_on,
                &p.amount_minor,
                &p.currency.code(),
                &p.reference,
                &p.status.as_db(),
                &p.method.as_db(),
                &p.source_raw,
                &created_at,
            ],
        )?
        .try_get(0)?)
}

/// Inserts one application, counting no earlier than the last day an
/// application of the same invoice, payment or credit was reversed on, as
/// `inserts::insert_application` says why.
pub(super) fn insert_application(
    tx: &mut impl Sql,
    invoice_id: i64,
    from: AppliedFrom,
    amount_minor: i64,
    applied_on: NaiveDate,
    created_at: &str,
) -> Result<()> {
    let (payment, credit) = match from {
        AppliedFrom::Payment(p) => (Some(p), None),
        AppliedFrom::Credit(c) => (None, Some(c)),
    };
    let after: Option<NaiveDate> = tx
        .query_one(
            "SELECT greatest((SELECT max(removed_on) FROM applications WHERE invoice_id = $1),
                             (SELECT max(removed_on) FROM applications WHERE payment_id = $2),
                             (SELECT max(removed_on) FROM applications WHERE credit_id = $3))",
            &[&invoice_id, &payment, &credit],
        )?
        .try_get(0)?;
    let counts_from = after.filter(|a| *a > applied_on);
    tx.execute(
        "INSERT INTO applications(invoice_id, payment_id, credit_id, amount_minor, applied_on, created_at, counts_from)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[&invoice_id, &payment, &credit, &amount_minor, &applied_on, &created_at, &counts_from],
    )?;
    Ok(())
}

/// Inserts a credit granted in ardesk (a plain credit, issued, nothing
/// applied yet: the triggers keep what is); returns its id.
pub(super) fn insert_credit(
    tx: &mut impl Sql,
    customer_id: i64,
    granted_on: NaiveDate,
    amount_minor: i64,
    currency: Currency,
    reason: &str,
    created_at: &str,
) -> Result<i64> {
    Ok(tx
        .query_one(
            "INSERT INTO credits(customer_id, granted_on, amount_minor, applied_minor, currency, reason, created_at)
             VALUES ($1, $2, $3, 0, $4, $5, $6) RETURNING id",
            &[&customer_id, &granted_on, &amount_minor, &currency.code(), &reason, &created_at],
        )?
        .try_get(0)?)
}

/// Inserts one refund of a payment.
pub(super) fn insert_refund(
    tx: &mut impl Sql,
    payment_id: i64,
    refunded_on: NaiveDate,
    amount_minor: i64,
    reason: &str,
    dated_from: RefundDate,
    created_at: &str,
) -> Result<i64> {
    Ok(tx
        .query_one(
            "INSERT INTO refunds(payment_id, refunded_on, amount_minor, reason, dated_from, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[&payment_id, &refunded_on, &amount_minor, &reason, &dated_from.as_db(), &created_at],
        )?
        .try_get(0)?)
}
