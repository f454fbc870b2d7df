//! Changing an invoice after it was made: a draft's every field (its lines
//! too), issuing a draft, and the memo of any invoice. Each is one
//! transaction at the version the person saw, with an audit row; an issued
//! invoice keeps what the customer was sent, so only its memo changes.
//! The checks, the words and the audit entries are shared with
//! PostgreSQL's (`store/pg/writes/invoice_edits.rs`).

use super::invoice_checks::{check_draft, check_owner, checked_memo, draft_json, number_free};
use super::invoices::advance_sequence;
use super::{invalid, versioned};
use crate::domain::Currency;
use crate::domain::edit::InvoiceDraft;
use crate::domain::lines::Line;
use crate::domain::status::InvoiceStatus;
use crate::store::lines::{invoice_lines, line_json};
use crate::store::tabs::currency;
use crate::store::{Audit, Result, Store, StoreError, inserts};
use rusqlite::{OptionalExtension, Transaction};
use serde_json::json;

/// What an edit needs of the invoice as it is.
pub(crate) struct Current {
    pub number: String,
    pub status: InvoiceStatus,
    pub memo: String,
    pub currency: Currency,
}

/// An invoice as found: (customer id, number, status, memo, version,
/// currency).
pub(crate) type Found = (i64, String, String, String, i64, Currency);

/// The invoice of `customer_id` at `version`: not found when it is gone or
/// another customer's, a conflict when someone saved it since.
fn current(tx: &Transaction<'_>, customer_id: i64, invoice_id: i64, version: i64) -> Result<Current> {
    let found: Option<Found> = tx
        .query_row(
            "SELECT customer_id, number, status, memo, version, currency FROM invoices WHERE id = ?1",
            [invoice_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, currency(r, 5)?)),
        )
        .optional()?;
    current_of(found, customer_id, invoice_id, version)
}

/// `current` once the invoice is read (`found`): for either backend.
pub(crate) fn current_of(found: Option<Found>, customer_id: i64, invoice_id: i64, version: i64) -> Result<Current> {
    let Some((_, number, status, memo, stored, cur)) = found.filter(|f| f.0 == customer_id) else {
        return Err(StoreError::NotFound(format!("invoice #{invoice_id} (it was deleted elsewhere)")));
    };
    if stored != version {
        return Err(StoreError::Conflict(format!("invoice {number} was changed by someone else since you opened it")));
    }
    let status = InvoiceStatus::from_db(&status).ok_or_else(|| invalid(format!("{number} has a bad status")))?;
    Ok(Current { number, status, memo, currency: cur })
}

/// What a stale save of the invoice names.
pub(crate) fn what(c: &Current) -> String {
    format!("invoice {}", c.number)
}

/// Refuses to change the fields of an invoice that is not a draft.
pub(crate) fn only_a_draft(c: &Current) -> Result<()> {
    if c.status != InvoiceStatus::Draft {
        return Err(invalid(format!(
            "invoice {} is {}: only a draft's fields can be changed, since an issued invoice is what the customer \
             was sent (its memo can still be changed)",
            c.number,
            c.status.label().to_lowercase()
        )));
    }
    Ok(())
}

/// Refuses to issue an invoice that is not a draft.
pub(crate) fn issuable(c: &Current) -> Result<()> {
    if c.status != InvoiceStatus::Draft {
        return Err(invalid(format!(
            "invoice {} is {}: only a draft is issued",
            c.number,
            c.status.label().to_lowercase()
        )));
    }
    Ok(())
}

/// A draft's values as stored, before its edit.
pub(crate) struct Stored {
    pub number: String,
    /// The dates as ISO text, as SQLite keeps them.
    pub issue_date: String,
    pub due_date: String,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub total_minor: i64,
    pub currency: Currency,
    pub status: String,
    pub contract_id: Option<i64>,
    pub memo: String,
}

/// A draft's values as stored, for the audit row of its edit (the same
/// keys as `draft_json`).
pub(crate) fn stored_json(s: &Stored, lines: &[Line]) -> serde_json::Value {
    let mut v = json!({"number": s.number, "issue_date": s.issue_date,
        "due_date": s.due_date, "period_start": s.period_start,
        "period_end": s.period_end,
        "total": crate::domain::Money::new(s.total_minor, s.currency).plain(), "currency": s.currency.code(),
        "status": s.status, "contract_id": s.contract_id,
        "memo": s.memo});
    let lines: Vec<serde_json::Value> = lines.iter().map(line_json).collect();
    v["lines"] = lines.into();
    v
}

/// The audit entry of a draft's edit (`before`: `stored_json`), and of
/// its issue when it is saved as open.
pub(crate) fn draft_edited(
    customer_id: i64,
    invoice_id: i64,
    number: &str,
    d: &InvoiceDraft,
    before: serde_json::Value,
) -> Audit<'static> {
    let after = draft_json(number, d);
    // The summary counts the lines ("2 lines → 3 lines", "2 lines →
    // 2 lines, changed"); the rows before and after keep them whole.
    let changed = before["lines"] != after["lines"];
    let counted = |v: &serde_json::Value, after: bool| {
        let mut v = v.clone();
        let n = v["lines"].as_array().map_or(0, Vec::len);
        let mut word = match n {
            0 => "none".to_string(),
            1 => "1 line".to_string(),
            n => format!("{n} lines"),
        };
        if after && changed && n == before["lines"].as_array().map_or(0, Vec::len) {
            word.push_str(", changed");
        }
        v["lines"] = word.into();
        v
    };
    let mut summary = crate::store::audit::edit_summary(
        &format!("draft invoice {number}"),
        &counted(&before, false),
        &counted(&after, true),
    );
    if d.status == InvoiceStatus::Open {
        summary = format!("{summary}; issued it");
    }
    Audit {
        customer_id: Some(customer_id),
        entity: "invoice",
        entity_id: Some(invoice_id),
        action: if d.status == InvoiceStatus::Open { "issue" } else { "update" },
        summary,
        before: Some(before),
        after: Some(after),
    }
}

/// The audit entry of an issued draft.
pub(crate) fn issued(customer_id: i64, invoice_id: i64, c: &Current) -> Audit<'static> {
    Audit {
        customer_id: Some(customer_id),
        entity: "invoice",
        entity_id: Some(invoice_id),
        action: "issue",
        summary: format!("issued invoice {}", c.number),
        before: Some(json!({"status": "draft"})),
        after: Some(json!({"status": "open", "number": c.number})),
    }
}

/// The audit entry of a memo set (`memo` as stored).
pub(crate) fn memo_set(customer_id: i64, invoice_id: i64, c: &Current, memo: &str) -> Audit<'static> {
    let summary = match (c.memo.is_empty(), memo.is_empty()) {
        (_, true) => format!("removed the memo of invoice {}", c.number),
        (true, false) => format!("added a memo to invoice {}", c.number),
        (false, false) => format!("changed the memo of invoice {}", c.number),
    };
    Audit {
        customer_id: Some(customer_id),
        entity: "invoice",
        entity_id: Some(invoice_id),
        action: "memo",
        summary,
        before: Some(json!({"memo": c.memo})),
        after: Some(json!({"memo": memo})),
    }
}

impl Store {
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
        self.write(|tx| {
            let cur = current(tx, customer_id, invoice_id, version)?;
            only_a_draft(&cur)?;
            check_owner(tx, customer_id, d, Some(cur.currency))?;
            number_free(tx, &number, Some(invoice_id))?;
            let before = before_json(tx, invoice_id)?;
            let contract_name = inserts::contract_name(tx, d.contract_id)?;
            versioned(
                tx,
                "UPDATE invoices SET contract_id = ?3, contract_name = ?4, number = ?5, issue_date = ?6,
                        due_date = ?7, period_start = ?8, period_end = ?9, total_minor = ?10, status = ?11,
                        memo = ?12, version = version + 1
                 WHERE id = ?1 AND version = ?2",
                &[
                    &invoice_id,
                    &version,
                    &d.contract_id,
                    &contract_name,
                    &number,
                    &crate::domain::date::iso(d.issue_date),
                    &crate::domain::date::iso(d.due_date),
                    &d.period.map(|p| crate::domain::date::iso(p.0)),
                    &d.period.map(|p| crate::domain::date::iso(p.1)),
                    &d.total_minor,
                    &d.status.as_db(),
                    &memo,
                ],
                "invoices",
                invoice_id,
                &what(&cur),
            )?;
            inserts::replace_lines(tx, invoice_id, &d.lines)?;
            if number != cur.number {
                advance_sequence(tx, &number)?;
            }
            draft_edited(customer_id, invoice_id, &number, d, before).write(tx, &who)?;
            Ok(())
        })
    }

    /// Issues a draft: it becomes open under the number it has.
    pub fn issue_invoice(&mut self, customer_id: i64, invoice_id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(|tx| {
            let cur = current(tx, customer_id, invoice_id, version)?;
            issuable(&cur)?;
            versioned(
                tx,
                "UPDATE invoices SET status = 'open', version = version + 1 WHERE id = ?1 AND version = ?2",
                &[&invoice_id, &version],
                "invoices",
                invoice_id,
                &what(&cur),
            )?;
            issued(customer_id, invoice_id, &cur).write(tx, &who)?;
            Ok(())
        })
    }

    /// Sets the memo of an invoice in any status (a draft's is also set
    /// with its other fields by `update_draft_invoice`).
    pub fn set_invoice_memo(&mut self, customer_id: i64, invoice_id: i64, version: i64, memo: &str) -> Result<()> {
        let memo = checked_memo(memo)?;
        let who = self.who().to_string();
        self.write(|tx| {
            let cur = current(tx, customer_id, invoice_id, version)?;
            versioned(
                tx,
                "UPDATE invoices SET memo = ?3, version = version + 1 WHERE id = ?1 AND version = ?2",
                &[&invoice_id, &version, &memo],
                "invoices",
                invoice_id,
                &what(&cur),
            )?;
            memo_set(customer_id, invoice_id, &cur, memo).write(tx, &who)?;
            Ok(())
        })
    }
}

/// A draft's values as stored, for the audit row of its edit (the same
/// keys as `draft_json`).
fn before_json(tx: &Transaction<'_>, invoice_id: i64) -> Result<serde_json::Value> {
    let stored = tx.query_row(
        "SELECT number, issue_date, due_date, period_start, period_end, total_minor, currency, status, contract_id, memo
         FROM invoices WHERE id = ?1",
        [invoice_id],
        |r| {
            Ok(Stored {
                number: r.get(0)?,
                issue_date: r.get(1)?,
                due_date: r.get(2)?,
                period_start: r.get(3)?,
                period_end: r.get(4)?,
                total_minor: r.get(5)?,
                currency: currency(r, 6)?,
                status: r.get(7)?,
                contract_id: r.get(8)?,
                memo: r.get(9)?,
            })
        },
    )?;
    Ok(stored_json(&stored, &invoice_lines(tx, invoice_id)?))
}
