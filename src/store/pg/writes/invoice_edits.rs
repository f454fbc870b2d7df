//! Changing an invoice after it was made, on PostgreSQL
//! (`store/writes/invoice_edits.rs`): a draft's every field (its lines
//! too), issuing a draft, and the memo of any invoice, with the same
//! checks, words and audit entries.

use super::super::super::writes::invoice_checks::{check_draft, checked_memo};
use super::super::super::writes::invoice_edits::{
    Current, Found, Stored, current_of, draft_edited, issuable, issued, memo_set, only_a_draft, stored_json, what,
};
use super::super::super::{Result, StoreError};
use super::super::customers::currency;
use super::super::inserts;
use super::super::store::PgStore;
use super::invoices::{advance_sequence, check_owner, hold_numbers, number_free};
use super::{audit, hold, versioned};
use crate::domain::date::iso;
use crate::domain::edit::InvoiceDraft;
use crate::domain::lines::{Line, LineKind};
use crate::store::pg::prepared::{Sql, Tx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The invoice of `customer_id` at `version` (`invoice_edits::current_of`
/// says what is refused). The customer's row is held first: every write
/// of an invoice holds its customer's.
fn current(tx: &mut Tx<'_>, customer_id: i64, invoice_id: i64, version: i64) -> Result<Current> {
    hold(tx, customer_id)?;
    let found: Option<Found> = match tx.query_opt(
        "SELECT customer_id, number, status, memo, version, currency FROM invoices WHERE id = $1",
        &[&invoice_id],
    )? {
        Some(r) => {
            Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, currency(r.try_get(5)?)?))
        }
        None => None,
    };
    current_of(found, customer_id, invoice_id, version)
}

/// A stored decimal (quantity, unit price); what does not read as one is
/// reported, never guessed.
fn decimal(s: Option<String>) -> Result<Option<Decimal>> {
    s.map(|s| Decimal::from_str(&s).map_err(|_| StoreError::Invalid(format!("bad decimal {s}")))).transpose()
}

/// The lines of an invoice, in order.
fn invoice_lines(tx: &mut Tx<'_>, invoice_id: i64) -> Result<Vec<Line>> {
    let sql = "SELECT kind, description, quantity, unit_price, amount_minor, tax_minor
               FROM invoice_lines WHERE invoice_id = $1 ORDER BY seq";
    lines_of(tx, sql, invoice_id)
}

/// The lines of `sql`'s one record (an invoice, a credit note), in order.
pub(in crate::store::pg) fn lines_of(c: &mut impl Sql, sql: &str, id: i64) -> Result<Vec<Line>> {
    let rows = c.query(sql, &[&id])?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get(0)?;
            Ok(Line {
                kind: LineKind::from_db(&kind).ok_or_else(|| StoreError::Invalid(format!("unknown value {kind}")))?,
                description: r.try_get(1)?,
                quantity: decimal(r.try_get(2)?)?,
                unit_price: decimal(r.try_get(3)?)?,
                amount_minor: r.try_get(4)?,
                tax_minor: r.try_get(5)?,
            })
        })
        .collect()
}

/// A draft's values as stored, for the audit row of its edit.
fn before_json(tx: &mut Tx<'_>, invoice_id: i64) -> Result<serde_json::Value> {
    let r = tx.query_one(
        "SELECT number, issue_date, due_date, period_start, period_end, total_minor, currency, status, contract_id, memo
         FROM invoices WHERE id = $1",
        &[&invoice_id],
    )?;
    let stored = Stored {
        number: r.try_get(0)?,
        issue_date: iso(r.try_get(1)?),
        due_date: iso(r.try_get(2)?),
        period_start: r.try_get::<_, Option<NaiveDate>>(3)?.map(iso),
        period_end: r.try_get::<_, Option<NaiveDate>>(4)?.map(iso),
        total_minor: r.try_get(5)?,
        currency: currency(r.try_get(6)?)?,
        status: r.try_get(7)?,
        contract_id: r.try_get(8)?,
        memo: r.try_get(9)?,
    };
    Ok(stored_json(&stored, &invoice_lines(tx, invoice_id)?))
}

impl PgStore {
    /// Saves every field of a draft invoice (number, dates, contract,
    /// total, status, memo, lines: the lines it had are replaced). A
    /// draft saved as open is issued by the same write.
    pub fn update_draft_invoice(
        &mut self,
        customer_id: i64,
        invoice_id: i64,
        version: i64,
        d: &InvoiceDraft,
    ) -> Result<()> {
        let number = check_draft(d)?;
        let memo = checked_memo(&d.memo)?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            let cur = current(tx, customer_id, invoice_id, version)?;
            only_a_draft(&cur)?;
            check_owner(tx, customer_id, d, Some(cur.currency))?;
            let renumbered = number != cur.number;
            if renumbered {
                // A new number is the organization's to give (`hold_numbers`).
                hold_numbers(tx)?;
            }
            number_free(tx, &number, Some(invoice_id))?;
            let before = before_json(tx, invoice_id)?;
            let contract_name = inserts::contract_name(tx, d.contract_id)?;
            versioned(
                tx,
                "UPDATE invoices SET contract_id = $3, contract_name = $4, number = $5, issue_date = $6,
                        due_date = $7, period_start = $8, period_end = $9, total_minor = $10, status = $11,
                        memo = $12, version = version + 1
                 WHERE id = $1 AND version = $2",
                &[
                    &invoice_id,
                    &version,
                    &d.contract_id,
                    &contract_name,
                    &number,
                    &d.issue_date,
                    &d.due_date,
                    &d.period.map(|p| p.0),
                    &d.period.map(|p| p.1),
                    &d.total_minor,
                    &d.status.as_db(),
                    &memo,
                ],
                "invoices",
                invoice_id,
                &what(&cur),
            )?;
            inserts::replace_lines(tx, invoice_id, &d.lines)?;
            if renumbered {
                advance_sequence(tx, &number)?;
            }
            audit(tx, &draft_edited(customer_id, invoice_id, &number, d, before), &who)
        })
    }

    /// Issues a draft: it becomes open under the number it has.
    pub fn issue_invoice(&mut self, customer_id: i64, invoice_id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(None, |tx| {
            let cur = current(tx, customer_id, invoice_id, version)?;
            issuable(&cur)?;
            versioned(
                tx,
                "UPDATE invoices SET status = 'open', version = version + 1 WHERE id = $1 AND version = $2",
                &[&invoice_id, &version],
                "invoices",
                invoice_id,
                &what(&cur),
            )?;
            audit(tx, &issued(customer_id, invoice_id, &cur), &who)
        })
    }

    /// Sets the memo of an invoice in any status (a draft's is also set
    /// with its other fields by `update_draft_invoice`).
    pub fn set_invoice_memo(&mut self, customer_id: i64, invoice_id: i64, version: i64, memo: &str) -> Result<()> {
        let memo = checked_memo(memo)?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            let cur = current(tx, customer_id, invoice_id, version)?;
            versioned(
                tx,
                "UPDATE invoices SET memo = $3, version = version + 1 WHERE id = $1 AND version = $2",
                &[&invoice_id, &version, &memo],
                "invoices",
                invoice_id,
                &what(&cur),
            )?;
            audit(tx, &memo_set(customer_id, invoice_id, &cur, memo), &who)
        })
    }
}
