//! The step in Rust of migration 6 (`0006_lines_memo_refunds.sql`): each
//! payment's refunds, until then one sum (`payments.refunded_minor`) with
//! their dates and reasons in the audit rows the refund action wrote
//! (`action = 'refund'`, `after_json.refund = {on, amount, reason}`),
//! become rows of `refunds`.
//!
//! Per payment, oldest audit row first: one row per refund, dated as it was
//! recorded (`dated_from = 'recorded'`, written at the audit row's time).
//! What the audit rows do not account for (a refund that came with an
//! import, which wrote none; an audit row that cannot be read) is one row
//! on the payment's date (`'payment'`). The column is the truth: audit rows
//! that add up to more than it (drift) are kept only as far as it goes,
//! the last trimmed (`refund_rows::take_up_to`); the upgrade never fails
//! over them.

use crate::domain::bounds::{MAX_AMOUNT_MINOR, date_error};
use crate::domain::date::{iso, parse_date};
use crate::domain::detail::{REFUND_REASON_MAX, RefundDate};
use crate::domain::{Currency, money::parse_amount};
use crate::store::Result;
use crate::store::refund_rows::take_up_to;
use chrono::NaiveDate;
use rusqlite::Transaction;

/// One refund as its audit row recorded it.
struct Recorded {
    on: NaiveDate,
    amount_minor: i64,
    reason: String,
    at: String,
}

/// A refund audit row's refund, if it reads as one the table can hold: a
/// date within the bounds and not before the money came, an amount within
/// them. A reason longer than the table keeps is cut, marked with '…'.
fn recorded(after_json: Option<&str>, at: String, cur: Option<Currency>, received: NaiveDate) -> Option<Recorded> {
    let v: serde_json::Value = serde_json::from_str(after_json?).ok()?;
    let r = v.get("refund")?;
    let on = parse_date(r.get("on")?.as_str()?).ok()?;
    if date_error(on).is_some() || on < received {
        return None;
    }
    let amount_minor = parse_amount(r.get("amount")?.as_str()?, cur?).ok()?;
    if !(1..=MAX_AMOUNT_MINOR).contains(&amount_minor) {
        return None;
    }
    let reason = r.get("reason").and_then(|s| s.as_str()).unwrap_or_default();
    let reason = match reason.chars().count() > REFUND_REASON_MAX {
        true => reason.chars().take(REFUND_REASON_MAX - 1).chain(['…']).collect(),
        false => reason.to_string(),
    };
    Some(Recorded { on, amount_minor, reason, at })
}

/// Moves every payment's refunds into `refunds` (see the module's doc).
pub(super) fn from_audit(tx: &Transaction<'_>) -> Result<()> {
    let payments: Vec<(i64, String, String, i64, String)> = tx
        .prepare(
            "SELECT id, currency, received_on, refunded_minor, created_at FROM payments
             WHERE refunded_minor > 0 ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut audit = tx.prepare(
        "SELECT at, after_json FROM audit_log WHERE entity = 'payment' AND entity_id = ?1 AND action = 'refund'
         ORDER BY at, id",
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO refunds(payment_id, refunded_on, amount_minor, reason, dated_from, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (id, cur, received_on, refunded, created_at) in payments {
        let cur: Option<Currency> = cur.parse().ok();
        // Version 2 keeps every date within the bounds; a payment's date
        // that does not read leaves every refund to the rest's row.
        let received = parse_date(&received_on).ok();
        let rows: Vec<Recorded> = audit
            .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter_map(|(at, json)| recorded(json.as_deref(), at, cur, received?))
            .collect();
        let amounts: Vec<i64> = rows.iter().map(|r| r.amount_minor).collect();
        let (kept, rest) = take_up_to(&amounts, refunded);
        for (r, amount) in rows.iter().zip(kept) {
            insert.execute((id, iso(r.on), amount, &r.reason, RefundDate::Recorded.as_db(), &r.at))?;
        }
        if rest > 0 {
            insert.execute((id, &received_on, rest, "", RefundDate::Payment.as_db(), &created_at))?;
        }
    }
    Ok(())
}
