//! What an invoice a person writes must be, checked by the store before
//! and inside the transaction: the draft's own fields (dates, total, lines
//! that add up to it, the memo's length), the customer's currency, the
//! contract it is billed under, and the number's uniqueness.

use super::{amount_in_bounds, customer_currency, dates_in_bounds, invalid};
use crate::domain::date::iso;
use crate::domain::edit::InvoiceDraft;
use crate::domain::lines::entered_total;
use crate::domain::status::{ContractStatus, InvoiceStatus};
use crate::domain::{Currency, Money};
use crate::store::Result;
use crate::store::lines::line_json;
use rusqlite::{OptionalExtension, Transaction};
use serde_json::json;

/// The longest memo, in characters (the schema's CHECK).
pub const MAX_MEMO: usize = 2000;

/// A memo as stored: trimmed, at most `MAX_MEMO` characters. Its text is
/// kept as typed (like a name); what reaches a terminal is cleaned there.
pub(crate) fn checked_memo(memo: &str) -> Result<&str> {
    let memo = memo.trim();
    let n = memo.chars().count();
    if n > MAX_MEMO {
        return Err(invalid(format!("the memo is {n} characters long; at most {MAX_MEMO} are kept")));
    }
    Ok(memo)
}

/// Checks a draft's own fields and returns its number, trimmed: what needs
/// no database.
pub(crate) fn check_draft(d: &InvoiceDraft) -> Result<String> {
    let number = d.number.trim().to_string();
    if number.is_empty() {
        return Err(invalid("the invoice number is required"));
    }
    if !matches!(d.status, InvoiceStatus::Draft | InvoiceStatus::Open) {
        return Err(invalid("an invoice is written as a draft or open"));
    }
    if d.due_date < d.issue_date {
        return Err(invalid(format!("the due date {} is before the issue date {}", d.due_date, d.issue_date)));
    }
    if let Some((a, b)) = d.period
        && b < a
    {
        return Err(invalid(format!("the period ends ({b}) before it starts ({a})")));
    }
    if d.total_minor <= 0 {
        return Err(invalid("the total must be more than zero"));
    }
    amount_in_bounds("total", d.total_minor, d.currency)?;
    dates_in_bounds(&[
        ("issue date", Some(d.issue_date)),
        ("due date", Some(d.due_date)),
        ("period start", d.period.map(|p| p.0)),
        ("period end", d.period.map(|p| p.1)),
    ])?;
    if let Some(sum) = entered_total(&d.lines, d.currency).map_err(invalid)?
        && sum != d.total_minor
    {
        return Err(invalid(format!(
            "the lines add up to {} but the total is {}",
            Money::new(sum, d.currency).display(),
            Money::new(d.total_minor, d.currency).display()
        )));
    }
    checked_memo(&d.memo)?;
    Ok(number)
}

/// Inside the transaction: the draft is in the customer's currency (or in
/// `kept`, the one an existing invoice is in: an import may bill a
/// customer in a second currency), and the contract (if any) is the
/// customer's and still takes invoices.
pub(super) fn check_owner(
    tx: &Transaction<'_>,
    customer_id: i64,
    d: &InvoiceDraft,
    kept: Option<Currency>,
) -> Result<()> {
    let currency: Currency = customer_currency(tx, customer_id)?;
    in_currency(currency, d, kept)?;
    let Some(k) = d.contract_id else { return Ok(()) };
    let found: Option<(i64, String, String)> = tx
        .query_row("SELECT customer_id, name, status FROM contracts WHERE id = ?1", [k], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    contract_takes(customer_id, found)
}

/// Refuses a draft in another currency than the customer's (`currency`)
/// or `kept`'s: for either backend.
pub(crate) fn in_currency(currency: Currency, d: &InvoiceDraft, kept: Option<Currency>) -> Result<()> {
    if currency != d.currency && kept != Some(d.currency) {
        return Err(invalid(format!("invoices of this customer are in {currency}, not {}", d.currency)));
    }
    Ok(())
}

/// Refuses a contract (its customer, name and status, as found) that is
/// not the customer's or no longer takes invoices: for either backend.
pub(crate) fn contract_takes(customer_id: i64, found: Option<(i64, String, String)>) -> Result<()> {
    let Some((_, name, status)) = found.filter(|f| f.0 == customer_id) else {
        return Err(invalid("the contract belongs to another customer"));
    };
    // What its cancellation promised ("no new invoices are expected"), and
    // an ended one the same: nothing new is owed under it.
    if let Some(closed) = ContractStatus::from_db(&status).filter(|s| !s.takes_invoices()) {
        let closed = if closed == ContractStatus::Cancelled { "was cancelled" } else { "has ended" };
        return Err(invalid(format!(
            "contract {name} {closed}: no new invoices are made under it (choose no contract for a charge that is \
             still owed)"
        )));
    }
    Ok(())
}

/// Refuses a number another invoice (not `except`) has.
pub(super) fn number_free(tx: &Transaction<'_>, number: &str, except: Option<i64>) -> Result<()> {
    let taken = tx
        .prepare_cached("SELECT 1 FROM invoices WHERE number = ?1 AND id IS NOT ?2")?
        .exists(rusqlite::params![number, except])?;
    if taken { Err(number_used(number)) } else { Ok(()) }
}

/// Why a number another invoice has is refused.
pub(crate) fn number_used(number: &str) -> crate::store::StoreError {
    invalid(format!("invoice number {number} is already used"))
}

/// A draft's values for the audit log.
pub(crate) fn draft_json(number: &str, d: &InvoiceDraft) -> serde_json::Value {
    json!({"number": number, "issue_date": iso(d.issue_date), "due_date": iso(d.due_date),
        "period_start": d.period.map(|p| iso(p.0)), "period_end": d.period.map(|p| iso(p.1)),
        "total": Money::new(d.total_minor, d.currency).plain(), "currency": d.currency.code(),
        "status": d.status.as_db(), "contract_id": d.contract_id, "memo": d.memo.trim(),
        "lines": d.lines.iter().map(line_json).collect::<Vec<_>>()})
}
