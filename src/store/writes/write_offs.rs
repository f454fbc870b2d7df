//! Bad-debt write-offs: an open invoice's balance is written off as
//! uncollectible on a date, for a reason, and the write-off can be reversed
//! (the invoice owes again). The summaries' triggers follow the status: an
//! uncollectible balance leaves Outstanding and the aging, and the invoice
//! stays billed (Billed & Collected counts it). Money goes only to open
//! invoices (`allocate`), so a recovery is booked by reversing the
//! write-off, then applying the money.

use super::{dates_in_bounds, invalid, picked, versioned};
use crate::domain::date::iso;
use crate::domain::status::InvoiceStatus;
use crate::domain::{Currency, Money};
use crate::store::tabs::date;
use crate::store::{Audit, Result, Store, StoreError, now_utc};
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde_json::json;

/// The longest reason kept, in characters (the schema's CHECK).
pub const MAX_WRITE_OFF_REASON: usize = 1000;

/// What a write-off will do (or did): the invoices whose balance is written
/// off and those it leaves, with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOffPreview {
    /// (id, number, balance written off) of the invoices written off.
    pub write_off: Vec<(i64, String, Money)>,
    /// (number, reason) of those that stay as they are.
    pub refused: Vec<(String, String)>,
    /// Σ balance written off per currency.
    pub currency_totals: Vec<(Currency, i64)>,
}

/// A reason as stored: trimmed, required, at most `MAX_WRITE_OFF_REASON`
/// characters. Its text is kept as typed; what reaches a terminal is
/// cleaned there.
pub(crate) fn checked_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid("a reason is required"));
    }
    let n = reason.chars().count();
    if n > MAX_WRITE_OFF_REASON {
        return Err(invalid(format!("the reason is {n} characters long; at most {MAX_WRITE_OFF_REASON} are kept")));
    }
    Ok(reason)
}

/// Decides, inside the transaction, which of `ids` can be written off on
/// `on` (when given: not before the issue date).
fn classify(
    conn: &rusqlite::Connection,
    customer_id: i64,
    ids: &[i64],
    on: Option<NaiveDate>,
) -> Result<WriteOffPreview> {
    let sorted = picked::sort(conn, customer_id, ids, |p| write_off_refusal(p, on))?;
    Ok(preview(sorted))
}

/// The preview of a write-off from the invoices sorted.
pub(crate) fn preview(sorted: picked::Sorted) -> WriteOffPreview {
    WriteOffPreview { write_off: sorted.taken, refused: sorted.refused, currency_totals: sorted.totals }
}

/// Why an invoice cannot be written off on `on` (`None`: it can).
pub(crate) fn write_off_refusal(p: &picked::Picked, on: Option<NaiveDate>) -> Option<String> {
    match p.status {
        Some(InvoiceStatus::Paid) => Some("is paid: nothing is left to write off".to_string()),
        Some(InvoiceStatus::Draft) => Some("is a draft: it was never issued, so nothing is owed".to_string()),
        Some(InvoiceStatus::Cancelled) => Some("is cancelled: nothing is owed".to_string()),
        Some(InvoiceStatus::Uncollectible) => Some(match &p.written_off_on {
            Some(d) => format!("was already written off on {d}"),
            None => "is already written off (date unknown)".to_string(),
        }),
        Some(InvoiceStatus::Open) if p.balance <= 0 => Some("owes nothing: nothing is left to write off".to_string()),
        Some(InvoiceStatus::Open) => p.issued_after(on),
        None => Some(format!("has an unknown status {}", p.status_text)),
    }
}

/// Another writer changed an invoice between deciding and writing off.
pub(crate) fn changed_while_writing_off(number: &str) -> StoreError {
    StoreError::Conflict(format!("invoice {number} changed while writing it off"))
}

/// The audit entry of an invoice's balance written off.
pub(crate) fn written_off(
    customer_id: i64,
    id: i64,
    number: &str,
    balance: Money,
    on: NaiveDate,
    reason: &str,
) -> Audit<'static> {
    Audit {
        customer_id: Some(customer_id),
        entity: "invoice",
        entity_id: Some(id),
        action: "write_off",
        summary: format!("wrote off {} of invoice {number} on {}: {reason}", balance.display(), iso(on)),
        before: Some(json!({"status": "open", "balance_minor": balance.minor})),
        after: Some(json!({"status": "uncollectible", "written_off_on": iso(on), "reason": reason})),
    }
}

/// An invoice as a reversal finds it.
pub(crate) struct Found {
    pub(crate) number: String,
    pub(crate) status: String,
    pub(crate) balance: i64,
    pub(crate) currency: String,
    /// ISO.
    pub(crate) written_off_on: Option<String>,
    pub(crate) owner: i64,
    pub(crate) issued: NaiveDate,
}

/// An invoice whose write-off can be reversed.
pub(crate) struct Reversible {
    pub(crate) number: String,
    /// What it owes again.
    pub(crate) balance: Money,
    /// ISO.
    pub(crate) written_off_on: Option<String>,
}

/// Refuses reversing the write-off of invoice `invoice_id` (`row`, `None`
/// when gone) for `customer_id` on `on`: another customer's, not written
/// off, or a date before it was.
pub(crate) fn reversible(invoice_id: i64, customer_id: i64, row: Option<Found>, on: NaiveDate) -> Result<Reversible> {
    let Some(Found { number, status, balance, currency: cur, written_off_on, owner, issued }) = row else {
        return Err(StoreError::NotFound(format!("invoice #{invoice_id} (deleted elsewhere?)")));
    };
    if owner != customer_id {
        return Err(invalid(format!("invoice {number} is not this customer's")));
    }
    if status != InvoiceStatus::Uncollectible.as_db() {
        let said = InvoiceStatus::from_db(&status).map_or(status.clone(), |s| s.label().to_lowercase());
        return Err(invalid(format!("{number} is {said}, not written off: there is nothing to reverse")));
    }
    let since = match &written_off_on {
        Some(d) => d.parse::<NaiveDate>().map_err(|_| invalid(format!("{number} has a bad write-off date")))?,
        None => issued,
    };
    if on < since {
        let what = if written_off_on.is_some() { "written off" } else { "issued" };
        return Err(invalid(format!("the reversal date {} is before {number} was {what} ({})", iso(on), iso(since))));
    }
    let currency: Currency = cur.parse().map_err(|_| invalid(format!("{number} has a bad currency")))?;
    Ok(Reversible { number, balance: Money::new(balance, currency), written_off_on })
}

/// The audit entry of a write-off reversed on `on`.
pub(crate) fn reversed(
    customer_id: i64,
    invoice_id: i64,
    r: &Reversible,
    on: NaiveDate,
    reason: &str,
) -> Audit<'static> {
    let (number, balance) = (&r.number, r.balance);
    Audit {
        customer_id: Some(customer_id),
        entity: "invoice",
        entity_id: Some(invoice_id),
        action: "reverse_write_off",
        summary: if balance.minor > 0 {
            format!(
                "reversed the write-off of invoice {number} on {}: {} owed again: {reason}",
                iso(on),
                balance.display()
            )
        } else {
            format!("reversed the write-off of invoice {number} on {}: paid in full since: {reason}", iso(on))
        },
        before: Some(json!({"status": "uncollectible", "written_off_on": r.written_off_on})),
        after: Some(json!({
            "status": if balance.minor > 0 { "open" } else { "paid" },
            "reversed_on": iso(on),
            "reason": reason
        })),
    }
}

impl Store {
    /// What writing off these invoices on `on` would do; writes nothing.
    pub fn write_off_preview(&self, customer_id: i64, ids: &[i64], on: Option<NaiveDate>) -> Result<WriteOffPreview> {
        classify(self.conn(), customer_id, ids, on)
    }

    /// Writes off the balance of the invoices that can be (decided again
    /// inside the transaction) as bad debt on `on`, for `reason`: each
    /// becomes uncollectible with the date and reason, a version further,
    /// with an audit row. Refuses the whole write when none can be.
    pub fn write_off(&mut self, customer_id: i64, ids: &[i64], on: NaiveDate, reason: &str) -> Result<WriteOffPreview> {
        dates_in_bounds(&[("write-off date", Some(on))])?;
        let reason = checked_reason(reason)?.to_string();
        let who = self.who().to_string();
        self.write(|tx| {
            let plan = classify(tx, customer_id, ids, Some(on))?;
            if plan.write_off.is_empty() {
                return Err(picked::none_taken(&plan.refused, "no invoice to write off"));
            }
            let mut update = tx.prepare_cached(
                "UPDATE invoices SET status = 'uncollectible', written_off_on = ?2, write_off_reason = ?3,
                        version = version + 1
                 WHERE id = ?1 AND status = 'open' AND applied_minor < total_minor",
            )?;
            let at = now_utc();
            for (id, number, balance) in &plan.write_off {
                if update.execute((id, iso(on), &reason))? != 1 {
                    return Err(changed_while_writing_off(number));
                }
                written_off(customer_id, *id, number, *balance, on, &reason).write_at(tx, &who, &at)?;
            }
            Ok(plan)
        })
    }

    /// Reverses the bad-debt write-off of an uncollectible invoice at the
    /// version the user saw: it is open again and owes its balance from
    /// `on` (not before it was written off), with an audit row holding the
    /// date and `reason`.
    pub fn reverse_write_off(
        &mut self,
        customer_id: i64,
        invoice_id: i64,
        version: i64,
        on: NaiveDate,
        reason: &str,
    ) -> Result<Money> {
        dates_in_bounds(&[("reversal date", Some(on))])?;
        let reason = checked_reason(reason)?.to_string();
        let who = self.who().to_string();
        self.write(|tx| {
            let row = tx
                .prepare_cached(
                    "SELECT number, status, total_minor - applied_minor, currency, written_off_on, customer_id,
                            issue_date
                     FROM invoices WHERE id = ?1",
                )?
                .query_row([invoice_id], |r| {
                    Ok(Found {
                        number: r.get(0)?,
                        status: r.get(1)?,
                        balance: r.get(2)?,
                        currency: r.get(3)?,
                        written_off_on: r.get(4)?,
                        owner: r.get(5)?,
                        issued: date(r, 6)?,
                    })
                })
                .optional()?;
            let r = reversible(invoice_id, customer_id, row, on)?;
            versioned(
                tx,
                // Open again, or paid when money an import applied since
                // has covered it (the source said it was paid).
                "UPDATE invoices SET status = CASE WHEN applied_minor >= total_minor THEN 'paid' ELSE 'open' END,
                        written_off_on = NULL, version = version + 1
                 WHERE id = ?1 AND version = ?2 AND status = 'uncollectible'",
                &[&invoice_id, &version],
                "invoices",
                invoice_id,
                &format!("invoice {}", r.number),
            )?;
            reversed(customer_id, invoice_id, &r, on, &reason).write(tx, &who)?;
            Ok(r.balance)
        })
    }
}
