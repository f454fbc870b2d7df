//! A payment's refunds as rows (`refunds`, schema version 6) beside the sum
//! the summaries add (`payments.refunded_minor`): read for the payment's
//! detail, and settled to the sum when an import changes it. The sum and
//! the rows agree after every write (`ardesk check` compares them).
//!
//! When the sum is less than the rows recorded in ardesk (a source that
//! says the payment failed, an upgrade whose audit rows claim more than the
//! column), the rows never claim more than the sum: the recorded ones are
//! kept oldest first as far as it goes, the last trimmed (`take_up_to`).
//! What the recorded rows do not account for is one imported row, dated by
//! the source or else on the payment.
//!
//! Refunds the source keys by their own ids (Stripe refund objects, schema
//! version 11: `refunds.external_id`) are rows of their own, each with its
//! date and reason, written by `put_keyed`; they come first: settling keeps
//! them (an importer makes the sum at least theirs), then the recorded
//! rows as far as the sum goes, and the one unkeyed imported row stands
//! for what the source's payment says was refunded beyond them both. So
//! importing a charge that counts its refunds (`amount_refunded`) and the
//! refund objects themselves, in either order, never counts one twice.

use super::Result;
use super::inserts::{self, NewRefundRow, imported_refund_date};
use super::tabs::date;
use crate::domain::detail::{Refund, RefundDate};
use crate::domain::{Currency, Money};
use chrono::NaiveDate;
use rusqlite::Connection;

/// The amounts kept of `amounts` (oldest first) so that they add up to no
/// more than `total`: a prefix, its last one trimmed. Returns them and
/// what of `total` they leave.
pub(crate) fn take_up_to(amounts: &[i64], total: i64) -> (Vec<i64>, i64) {
    let mut left = total.max(0);
    let mut kept = Vec::new();
    for &a in amounts {
        if left == 0 {
            break;
        }
        let take = a.min(left);
        kept.push(take);
        left -= take;
    }
    (kept, left)
}

fn dated(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<RefundDate> {
    let s: String = r.get(i)?;
    RefundDate::from_db(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("dated_from {s}").into())
    })
}

/// A payment's refunds, oldest first (the `refunds_payment` index's order).
pub(crate) fn read(conn: &Connection, payment_id: i64, cur: Currency) -> Result<Vec<Refund>> {
    Ok(conn
        .prepare_cached(
            "SELECT refunded_on, amount_minor, reason, dated_from FROM refunds
             WHERE payment_id = ?1 ORDER BY refunded_on, id",
        )?
        .query_map([payment_id], |r| {
            Ok(Refund {
                on: date(r, 0)?,
                amount: Money::new(r.get(1)?, cur),
                reason: r.get(2)?,
                dated_from: dated(r, 3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// What a payment's refunds are made to add up to.
pub(crate) struct Refunded {
    pub payment_id: i64,
    /// `payments.refunded_minor` as just written.
    pub total_minor: i64,
    pub received_on: NaiveDate,
    /// The source's refund date, if it gives one.
    pub source_on: Option<NaiveDate>,
}

/// Makes the payment's refund rows add up to `total_minor`: the keyed
/// rows stay, then the rows recorded in ardesk (each as far as the total
/// goes), and the unkeyed imported ones give way to one row for the rest. Rows that already say so are left as
/// they are, so an unchanged re-import writes nothing.
pub(crate) fn settle(conn: &Connection, r: &Refunded, created_at: &str) -> Result<()> {
    let rows: Vec<(i64, NaiveDate, i64, RefundDate, bool)> = conn
        .prepare_cached(
            "SELECT id, refunded_on, amount_minor, dated_from, external_id IS NOT NULL FROM refunds
             WHERE payment_id = ?1 ORDER BY refunded_on, id",
        )?
        .query_map([r.payment_id], |row| Ok((row.get(0)?, date(row, 1)?, row.get(2)?, dated(row, 3)?, row.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let (keyed, rows): (Vec<_>, Vec<_>) = rows.into_iter().partition(|x| x.4);
    let (recorded, imported): (Vec<_>, Vec<_>) = rows.into_iter().partition(|x| x.3 == RefundDate::Recorded);
    let left = keep_up_to(conn, &keyed, r.total_minor)?;
    let rest = keep_up_to(conn, &recorded, left)?;
    let (on, dated_from) = imported_refund_date(r.received_on, r.source_on);
    let want: Vec<(NaiveDate, i64, RefundDate)> = if rest > 0 { vec![(on, rest, dated_from)] } else { Vec::new() };
    let have: Vec<(NaiveDate, i64, RefundDate)> = imported.iter().map(|x| (x.1, x.2, x.3)).collect();
    if have == want {
        return Ok(());
    }
    for (id, ..) in &imported {
        conn.prepare_cached("DELETE FROM refunds WHERE id = ?1")?.execute([id])?;
    }
    for (on, amount, dated_from) in want {
        let row = NewRefundRow {
            payment_id: r.payment_id,
            refunded_on: on,
            amount_minor: amount,
            reason: "",
            dated_from,
            created_at,
        };
        inserts::insert_refund(conn, &row)?;
    }
    Ok(())
}

/// Keeps `rows` (id, date, amount, …), oldest first, as far as `total`
/// goes: the rest deleted, the last kept trimmed. Returns what of `total`
/// they leave.
fn keep_up_to(conn: &Connection, rows: &[(i64, NaiveDate, i64, RefundDate, bool)], total: i64) -> Result<i64> {
    let amounts: Vec<i64> = rows.iter().map(|x| x.2).collect();
    let (kept, rest) = take_up_to(&amounts, total);
    for (i, (id, _, amount, ..)) in rows.iter().enumerate() {
        match kept.get(i) {
            None => {
                conn.prepare_cached("DELETE FROM refunds WHERE id = ?1")?.execute([id])?;
            }
            Some(k) if k != amount => {
                conn.prepare_cached("UPDATE refunds SET amount_minor = ?2 WHERE id = ?1")?.execute((id, k))?;
            }
            Some(_) => {}
        }
    }
    Ok(rest)
}

/// A refund the source keys by its own id, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedRefund {
    pub id: i64,
    pub external_id: String,
    pub on: NaiveDate,
    pub amount_minor: i64,
    pub reason: String,
}

/// A payment's keyed refunds, oldest first.
pub(crate) fn keyed(conn: &Connection, payment_id: i64) -> Result<Vec<KeyedRefund>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, external_id, refunded_on, amount_minor, reason FROM refunds
             WHERE payment_id = ?1 AND external_id IS NOT NULL ORDER BY refunded_on, id",
        )?
        .query_map([payment_id], |r| {
            Ok(KeyedRefund {
                id: r.get(0)?,
                external_id: r.get(1)?,
                on: date(r, 2)?,
                amount_minor: r.get(3)?,
                reason: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Σ a payment's refunds recorded in ardesk.
pub(crate) fn recorded_minor(conn: &Connection, payment_id: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(amount_minor), 0) FROM refunds
             WHERE payment_id = ?1 AND dated_from = 'recorded' AND external_id IS NULL",
        )?
        .query_row([payment_id], |r| r.get(0))?)
}

/// Writes a keyed refund: the row with its id made to say this (`k.id`
/// of an existing row), or a new one (`k.id` 0). The payment's sum is the
/// caller's (`settle` after it).
pub(crate) fn put_keyed(conn: &Connection, payment_id: i64, k: &KeyedRefund, created_at: &str) -> Result<()> {
    use crate::domain::date::iso;
    if k.id != 0 {
        conn.prepare_cached("UPDATE refunds SET refunded_on = ?2, amount_minor = ?3, reason = ?4 WHERE id = ?1")?
            .execute((k.id, iso(k.on), k.amount_minor, &k.reason))?;
    } else {
        conn.prepare_cached(
            "INSERT INTO refunds(payment_id, refunded_on, amount_minor, reason, dated_from, created_at, external_id)
             VALUES (?1, ?2, ?3, ?4, 'source', ?5, ?6)",
        )?
        .execute((payment_id, iso(k.on), k.amount_minor, &k.reason, created_at, &k.external_id))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::take_up_to;

    #[test]
    fn the_rows_kept_never_claim_more_than_the_total() {
        assert_eq!(take_up_to(&[300, 200], 1000), (vec![300, 200], 500));
        assert_eq!(take_up_to(&[300, 200], 500), (vec![300, 200], 0));
        assert_eq!(take_up_to(&[300, 200, 100], 400), (vec![300, 100], 0));
        assert_eq!(take_up_to(&[300], 0), (vec![], 0));
        assert_eq!(take_up_to(&[], 70), (vec![], 70));
    }
}
