//! Changing an invoice after it was made: a draft's every field (its lines
//! too), issuing a draft, and the memo of any invoice. Each is one
//! transaction at the version the person saw, with an audit row; an issued
//! invoice keeps what the customer was sent, so only its memo changes.

use super::invoice_checks::{check_draft, check_owner, checked_memo, draft_json, number_free};
use super::invoices::advance_sequence;
use super::{invalid, versioned};
use crate::domain::Currency;
use crate::domain::edit::InvoiceDraft;
use crate::domain::status::InvoiceStatus;
use crate::store::lines::{invoice_lines, line_json};
use crate::store::tabs::currency;
use crate::store::{Audit, Result, Store, StoreError, inserts};
use rusqlite::{OptionalExtension, Transaction};
use serde_json::json;

/// What an edit needs of the invoice as it is.
struct Current {
    number: String,
    status: InvoiceStatus,
    memo: String,
    currency: Currency,
}

/// The invoice of `customer_id` at `version`: not found when it is gone or
/// another customer's, a conflict when someone saved it since.
fn current(tx: &Transaction<'_>, customer_id: i64, invoice_id: i64, version: i64) -> Result<Current> {
    let found: Option<(i64, String, String, String, i64, Currency)> = tx
        .query_row(
            "SELECT customer_id, number, status, memo, version, currency FROM invoices WHERE id = ?1",
            [invoice_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, currency(r, 5)?)),
        )
        .optional()?;
    let Some((_, number, status, memo, stored, cur)) = found.filter(|f| f.0 == customer_id) else {
        return Err(StoreError::NotFound(format!("invoice #{invoice_id} (it was deleted elsewhere)")));
    };
    if stored != version {
        return Err(StoreError::Conflict(format!("invoice {number} was changed by someone else since you opened it")));
    }
    let status = InvoiceStatus::from_db(&status).ok_or_else(|| invalid(format!("{number} has a bad status")))?;
    Ok(Current { number, status, memo, currency: cur })
}

/// Why an invoice that is not a draft keeps its fields.
fn not_a_draft(c: &Current) -> StoreError {
    invalid(format!(
        "invoice {} is {}: only a draft's fields can be changed, since an issued invoice is what the customer was \
         sent (its memo can still be changed)",
        c.number,
        c.status.label().to_lowercase()
    ))
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
            if cur.status != InvoiceStatus::Draft {
                return Err(not_a_draft(&cur));
            }
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
                &format!("invoice {}", cur.number),
            )?;
            inserts::replace_lines(tx, invoice_id, &d.lines)?;
            if number != cur.number {
                advance_sequence(tx, &number)?;
            }
            let after = draft_json(&number, d);
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
            .write(tx, &who)?;
            Ok(())
        })
    }

    /// Issues a draft: it becomes open under the number it has.
    pub fn issue_invoice(&mut self, customer_id: i64, invoice_id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(|tx| {
            let cur = current(tx, customer_id, invoice_id, version)?;
            if cur.status != InvoiceStatus::Draft {
                return Err(invalid(format!(
                    "invoice {} is {}: only a draft is issued",
                    cur.number,
                    cur.status.label().to_lowercase()
                )));
            }
            versioned(
                tx,
                "UPDATE invoices SET status = 'open', version = version + 1 WHERE id = ?1 AND version = ?2",
                &[&invoice_id, &version],
                "invoices",
                invoice_id,
                &format!("invoice {}", cur.number),
            )?;
            Audit {
                customer_id: Some(customer_id),
                entity: "invoice",
                entity_id: Some(invoice_id),
                action: "issue",
                summary: format!("issued invoice {}", cur.number),
                before: Some(json!({"status": "draft"})),
                after: Some(json!({"status": "open", "number": cur.number})),
            }
            .write(tx, &who)?;
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
                &format!("invoice {}", cur.number),
            )?;
            let summary = match (cur.memo.is_empty(), memo.is_empty()) {
                (_, true) => format!("removed the memo of invoice {}", cur.number),
                (true, false) => format!("added a memo to invoice {}", cur.number),
                (false, false) => format!("changed the memo of invoice {}", cur.number),
            };
            Audit {
                customer_id: Some(customer_id),
                entity: "invoice",
                entity_id: Some(invoice_id),
                action: "memo",
                summary,
                before: Some(json!({"memo": cur.memo})),
                after: Some(json!({"memo": memo})),
            }
            .write(tx, &who)?;
            Ok(())
        })
    }
}

/// A draft's values as stored, for the audit row of its edit (the same
/// keys as `draft_json`).
fn before_json(tx: &Transaction<'_>, invoice_id: i64) -> Result<serde_json::Value> {
    let mut v = tx.query_row(
        "SELECT number, issue_date, due_date, period_start, period_end, total_minor, currency, status, contract_id, memo
         FROM invoices WHERE id = ?1",
        [invoice_id],
        |r| {
            let currency = currency(r, 6)?;
            Ok(json!({"number": r.get::<_, String>(0)?, "issue_date": r.get::<_, String>(1)?,
                "due_date": r.get::<_, String>(2)?, "period_start": r.get::<_, Option<String>>(3)?,
                "period_end": r.get::<_, Option<String>>(4)?,
                "total": crate::domain::Money::new(r.get(5)?, currency).plain(), "currency": currency.code(),
                "status": r.get::<_, String>(7)?, "contract_id": r.get::<_, Option<i64>>(8)?,
                "memo": r.get::<_, String>(9)?}))
        },
    )?;
    let lines: Vec<serde_json::Value> = invoice_lines(tx, invoice_id)?.iter().map(line_json).collect();
    v["lines"] = lines.into();
    Ok(v)
}
