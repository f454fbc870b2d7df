//! A payment's refund rows on PostgreSQL, as an import settles them
//! (`store/refund_rows.rs`, the same rules): the keyed rows stay, then the
//! rows recorded in ardesk as far as the sum goes, and one imported row
//! for the rest; rows that already say so are left as they are.

use super::super::super::import::{KeyedRefund, RefundWrite};
use super::super::super::refund_rows::take_up_to;
use super::super::super::{Result, StoreError};
use super::super::inserts;
use super::PgImportTx;
use crate::domain::detail::RefundDate;
use crate::domain::status::PaymentStatus;
use chrono::NaiveDate;

/// (id, date, amount, dated from, keyed)
type RefundRow = (i64, NaiveDate, i64, RefundDate, bool);

impl PgImportTx<'_> {
    /// Makes the payment's refund rows add up to `total_minor` (`refund_rows::settle`).
    pub(super) fn settle_refunds(
        &self,
        payment_id: i64,
        total_minor: i64,
        received_on: NaiveDate,
        source_on: Option<NaiveDate>,
    ) -> Result<()> {
        let rows: Vec<RefundRow> = self
            .rows(
                "SELECT id, refunded_on, amount_minor, dated_from, external_id IS NOT NULL FROM refunds
                 WHERE payment_id = $1 ORDER BY refunded_on, id",
                &[&payment_id],
            )?
            .iter()
            .map(|r| {
                let dated: String = r.try_get(3)?;
                let dated =
                    RefundDate::from_db(&dated).ok_or_else(|| StoreError::Invalid(format!("dated_from {dated}")))?;
                Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, dated, r.try_get(4)?))
            })
            .collect::<Result<_>>()?;
        let (keyed, rows): (Vec<_>, Vec<_>) = rows.into_iter().partition(|x| x.4);
        let (recorded, imported): (Vec<_>, Vec<_>) = rows.into_iter().partition(|x| x.3 == RefundDate::Recorded);
        let left = self.keep_up_to(&keyed, total_minor)?;
        let rest = self.keep_up_to(&recorded, left)?;
        let (on, dated_from) = crate::store::inserts::imported_refund_date(received_on, source_on);
        let want: Vec<(NaiveDate, i64, RefundDate)> = if rest > 0 { vec![(on, rest, dated_from)] } else { Vec::new() };
        let have: Vec<(NaiveDate, i64, RefundDate)> = imported.iter().map(|x| (x.1, x.2, x.3)).collect();
        if have == want {
            return Ok(());
        }
        for (id, ..) in &imported {
            self.exec("DELETE FROM refunds WHERE id = $1", &[id])?;
        }
        for (on, amount, dated_from) in want {
            inserts::insert_refund(&mut *self.tx(), payment_id, on, amount, "", dated_from, &self.now)?;
        }
        Ok(())
    }

    fn keep_up_to(&self, rows: &[RefundRow], total: i64) -> Result<i64> {
        let amounts: Vec<i64> = rows.iter().map(|x| x.2).collect();
        let (kept, rest) = take_up_to(&amounts, total);
        for (i, (id, _, amount, ..)) in rows.iter().enumerate() {
            match kept.get(i) {
                None => {
                    self.exec("DELETE FROM refunds WHERE id = $1", &[id])?;
                }
                Some(k) if k != amount => {
                    self.exec("UPDATE refunds SET amount_minor = $2 WHERE id = $1", &[id, k])?;
                }
                Some(_) => {}
            }
        }
        Ok(rest)
    }

    pub fn keyed_refunds(&self, payment_id: i64) -> Result<Vec<KeyedRefund>> {
        self.rows(
            "SELECT id, external_id, refunded_on, amount_minor, reason FROM refunds
             WHERE payment_id = $1 AND external_id IS NOT NULL ORDER BY refunded_on, id",
            &[&payment_id],
        )?
        .iter()
        .map(|r| {
            Ok(KeyedRefund {
                id: r.try_get(0)?,
                external_id: r.try_get(1)?,
                on: r.try_get(2)?,
                amount_minor: r.try_get(3)?,
                reason: r.try_get(4)?,
            })
        })
        .collect()
    }

    pub fn recorded_refunds_minor(&self, payment_id: i64) -> Result<i64> {
        self.one(
            "SELECT coalesce(sum(amount_minor), 0)::bigint FROM refunds
             WHERE payment_id = $1 AND dated_from = 'recorded' AND external_id IS NULL",
            &[&payment_id],
        )
    }

    pub fn put_keyed_refund(
        &self,
        payment_id: i64,
        k: &KeyedRefund,
        total_minor: i64,
        status: PaymentStatus,
        source_on: Option<NaiveDate>,
    ) -> Result<()> {
        let p = self.payment(payment_id)?;
        let reason: String = k.reason.chars().take(1000).collect();
        if k.id != 0 {
            self.exec(
                "UPDATE refunds SET refunded_on = $2, amount_minor = $3, reason = $4 WHERE id = $1",
                &[&k.id, &k.on, &k.amount_minor, &reason],
            )?;
        } else {
            self.exec(
                "INSERT INTO refunds(payment_id, refunded_on, amount_minor, reason, dated_from, created_at, external_id)
                 VALUES ($1, $2, $3, $4, 'source', $5, $6)",
                &[&payment_id, &k.on, &k.amount_minor, &reason, &self.now, &k.external_id],
            )?;
        }
        self.exec(
            "UPDATE payments SET refunded_minor = $2, status = $3, version = version + 1
             WHERE id = $1 AND (refunded_minor <> $2 OR status <> $3)",
            &[&payment_id, &total_minor, &status.as_db()],
        )?;
        self.settle_refunds(payment_id, total_minor, p.received_on, source_on)
    }

    pub fn set_refunds(&self, payment_id: i64, refunds: &[RefundWrite]) -> Result<()> {
        let refunded: i64 = self.payment(payment_id)?.refunded_minor;
        let sum: i128 = refunds.iter().map(|r| i128::from(r.amount_minor)).sum();
        if sum != i128::from(refunded) {
            return Err(StoreError::Invalid(format!(
                "its refunds add up to {sum} minor units, but it says {refunded} were refunded"
            )));
        }
        self.exec("DELETE FROM refunds WHERE payment_id = $1", &[&payment_id])?;
        for r in refunds {
            let id = inserts::insert_refund(
                &mut *self.tx(),
                payment_id,
                r.refunded_on,
                r.amount_minor,
                &r.reason,
                r.dated_from,
                &self.now,
            )?;
            if let Some(key) = &r.external_id {
                self.exec("UPDATE refunds SET external_id = $2 WHERE id = $1", &[&id, key])?;
            }
        }
        Ok(())
    }
}
