//! Creating invoices and cancelling them in bulk (editing a draft, issuing
//! it and its memo: `invoice_edits`).

use super::invoice_checks::{check_draft, check_owner, checked_memo, draft_json, number_free};
use super::picked::each_once;
use super::{dates_in_bounds, invalid};
use crate::domain::date::iso;
use crate::domain::edit::InvoiceDraft;
use crate::domain::status::InvoiceStatus;
use crate::domain::{Currency, Money};
use crate::store::import::InvoiceWrite;
use crate::store::inserts::{self, NewInvoiceRow};
use crate::store::{Audit, Result, Store, StoreError, now_utc};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction};
use serde_json::json;
use std::collections::BTreeMap;

/// What a bulk cancel will do (or did): the invoices it cancels and those it
/// leaves, with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CancelPreview {
    /// (id, number, total) of the invoices that are cancelled.
    pub cancel: Vec<(i64, String, i64)>,
    /// (number, reason) of those that stay as they are.
    pub refused: Vec<(String, String)>,
    /// Σ total of the cancelled invoices per currency.
    pub currency_totals: Vec<(Currency, i64)>,
}

/// The audit entry of a new invoice.
pub(crate) fn created(customer_id: i64, id: i64, number: &str, d: &InvoiceDraft) -> Audit<'static> {
    let total = Money::new(d.total_minor, d.currency).display();
    Audit {
        customer_id: Some(customer_id),
        entity: "invoice",
        entity_id: Some(id),
        action: "create",
        summary: format!("created {} invoice {number} for {total}", d.status.label().to_lowercase()),
        before: None,
        after: Some(draft_json(number, d)),
    }
}

/// The audit entry of one invoice of a bulk cancel.
pub(crate) fn cancelled(customer_id: i64, id: i64, number: &str, total: i64, on: NaiveDate) -> Audit<'static> {
    Audit {
        customer_id: Some(customer_id),
        entity: "invoice",
        entity_id: Some(id),
        action: "cancel",
        summary: format!("cancelled invoice {number}"),
        before: Some(json!({"status": "open or draft", "total_minor": total})),
        after: Some(json!({"status": "cancelled", "on": iso(on)})),
    }
}

/// Why an invoice cannot be cancelled, if it cannot: for either backend.
pub(crate) fn cancel_refusal(status: &str, applied: i64, currency: Currency) -> Option<String> {
    match InvoiceStatus::from_db(status) {
        Some(InvoiceStatus::Paid) => Some("paid".to_string()),
        Some(InvoiceStatus::Cancelled) => Some("already cancelled".to_string()),
        _ if applied > 0 => Some(format!("partially paid: {} applied", Money::new(applied, currency).display())),
        _ => None,
    }
}

pub(crate) fn format_number(prefix: &str, seq: i64) -> String {
    format!("{prefix}{seq:06}")
}

/// The organization's next free number and its sequence value.
fn next_number(tx: &rusqlite::Connection) -> Result<(String, i64)> {
    let (prefix, mut seq): (String, i64) =
        tx.query_row("SELECT invoice_prefix, invoice_next_seq FROM organization", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut taken = tx.prepare_cached("SELECT 1 FROM invoices WHERE number = ?1")?;
    while taken.exists([format_number(&prefix, seq)])? {
        seq += 1;
    }
    Ok((format_number(&prefix, seq), seq))
}

/// Decides, inside the transaction, which of `ids` (each once) can be
/// cancelled.
fn classify(tx: &rusqlite::Connection, customer_id: i64, ids: &[i64]) -> Result<CancelPreview> {
    let mut out = CancelPreview::default();
    let mut totals: BTreeMap<Currency, i64> = BTreeMap::new();
    let mut stmt = tx.prepare_cached(
        "SELECT number, status, total_minor, applied_minor, currency FROM invoices WHERE id = ?1 AND customer_id = ?2",
    )?;
    for id in each_once(ids) {
        let row: Option<(String, String, i64, i64, String)> = stmt
            .query_row((id, customer_id), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .optional()?;
        let Some((number, status, total, applied, cur)) = row else {
            out.refused.push((format!("#{id}"), "not an invoice of this customer (deleted elsewhere?)".into()));
            continue;
        };
        let currency: Currency = cur.parse().map_err(|_| invalid(format!("{number} has a bad currency")))?;
        let reason = cancel_refusal(&status, applied, currency);
        match reason {
            Some(r) => out.refused.push((number, r)),
            None => {
                *totals.entry(currency).or_default() += total;
                out.cancel.push((id, number, total));
            }
        }
    }
    out.currency_totals = totals.into_iter().collect();
    Ok(out)
}

impl Store {
    /// The next invoice number from the organization's sequence, skipping
    /// numbers already in use.
    pub fn next_invoice_number(&self) -> Result<String> {
        Ok(next_number(self.conn())?.0)
    }

    /// Creates an invoice with its lines and memo, in one transaction.
    /// With lines, the total is what they add up to (`check_draft`).
    pub fn create_invoice(&mut self, customer_id: i64, d: &InvoiceDraft) -> Result<i64> {
        let number = check_draft(d)?;
        let memo = checked_memo(&d.memo)?;
        let who = self.who().to_string();
        self.write(|tx| {
            check_owner(tx, customer_id, d, None)?;
            number_free(tx, &number, None)?;
            let invoice = InvoiceWrite {
                customer_id,
                contract_id: d.contract_id,
                number: &number,
                issue_date: d.issue_date,
                due_date: d.due_date,
                period: d.period,
                currency: d.currency,
                total_minor: d.total_minor,
                status: d.status,
                kept: crate::store::kept::Kept::Nothing,
                memo,
                lines: &d.lines,
                cancelled_on: None,
            };
            let contract_name = inserts::contract_name(tx, d.contract_id)?;
            let now = now_utc();
            let row = NewInvoiceRow {
                kept_row: None,
                id: None,
                invoice: &invoice,
                contract_name: &contract_name,
                applied_minor: 0,
                credited_minor: 0,
                source: None,
                created_at: &now,
            };
            let id = inserts::insert_invoice(tx, &row)?;
            advance_sequence(tx, &number)?;
            created(customer_id, id, &number, d).write(tx, &who)?;
            Ok(id)
        })
    }

    /// What cancelling these invoices would do; writes nothing.
    pub fn cancel_preview(&self, customer_id: i64, ids: &[i64]) -> Result<CancelPreview> {
        classify(self.conn(), customer_id, ids)
    }

    /// Cancels the invoices that can be (decided again inside the
    /// transaction) on `on` (the app's today), in one transaction with an
    /// audit row each. Each is dated `on`, or its issue date when that is
    /// later (`cancel_date`: it never counted).
    pub fn cancel_invoices(&mut self, customer_id: i64, ids: &[i64], on: NaiveDate) -> Result<CancelPreview> {
        dates_in_bounds(&[("cancel date", Some(on))])?;
        let who = self.who().to_string();
        self.write(|tx| {
            let plan = classify(tx, customer_id, ids)?;
            let mut update = tx.prepare_cached(
                "UPDATE invoices SET status = 'cancelled', written_off_on = NULL, cancelled_on = max(?2, issue_date),
                        version = version + 1
                 WHERE id = ?1 AND status IN ('draft', 'open', 'uncollectible') AND applied_minor = 0",
            )?;
            let at = now_utc();
            for (id, number, total) in &plan.cancel {
                if update.execute((id, iso(on)))? != 1 {
                    return Err(StoreError::Conflict(format!("invoice {number} changed while cancelling")));
                }
                cancelled(customer_id, *id, number, *total, on).write_at(tx, &who, &at)?;
            }
            Ok(plan)
        })
    }
}

/// When a new invoice takes the organization's next number, the sequence
/// moves past it.
pub(super) fn advance_sequence(tx: &Transaction<'_>, number: &str) -> Result<()> {
    let (prefix, seq): (String, i64) =
        tx.query_row("SELECT invoice_prefix, invoice_next_seq FROM organization", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if let Some(next) = sequence_after(&prefix, seq, number) {
        tx.execute("UPDATE organization SET invoice_next_seq = ?1", [next])?;
    }
    Ok(())
}

/// The sequence's next value once `number` is taken, when it is the
/// organization's (`prefix` and digits) at `seq` or past it: for either
/// backend.
pub(crate) fn sequence_after(prefix: &str, seq: i64, number: &str) -> Option<i64> {
    let n = number.strip_prefix(prefix).and_then(|rest| rest.parse::<i64>().ok())?;
    (n >= seq).then_some(n + 1)
}
