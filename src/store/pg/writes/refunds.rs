//! Refunding a succeeded payment on PostgreSQL (`store/writes/refunds.rs`):
//! its unapplied remainder first, then money taken back from the invoices
//! it paid, newest application first, by the same plan, checks and audit
//! entries.

use super::super::super::seed::AppliedFrom;
use super::super::super::writes::refunds::{
    Paid, PaidApp, PaidCols, RefundPlan, checked_refund, label, paid_from, plan_with, refundable_now, refunded,
    reopened, taken_back,
};
use super::super::super::{Result, now_utc};
use super::super::inserts;
use super::super::store::PgStore;
use super::{audit_at, hold, versioned};
use crate::domain::detail::RefundDate;
use crate::domain::edit::RefundDraft;
use crate::store::pg::prepared::{Sql, Tx};
use chrono::NaiveDate;

fn load(c: &mut impl Sql, payment_id: i64) -> Result<Paid> {
    let row: Option<PaidCols> = match c.query_opt(
        "SELECT customer_id, reference, amount_minor, refunded_minor, applied_minor, status, currency,
                received_on::text, version
         FROM payments WHERE id = $1",
        &[&payment_id],
    )? {
        Some(r) => Some((
            r.try_get(0)?,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
            r.try_get(6)?,
            r.try_get(7)?,
            r.try_get(8)?,
        )),
        None => None,
    };
    paid_from(payment_id, row)
}

/// Decides what refunding `amount_minor` takes from where
/// (`refunds::plan_with`). Reads only.
fn plan(c: &mut impl Sql, payment_id: i64, p: &Paid, amount_minor: i64) -> Result<RefundPlan> {
    plan_with(payment_id, p, amount_minor, || {
        let rows = c.query(
            "SELECT i.id, i.number, a.amount_minor, i.status FROM applications a JOIN invoices i ON i.id = a.invoice_id
             WHERE a.payment_id = $1 AND a.removed_on IS NULL ORDER BY a.applied_on DESC, a.id DESC",
            &[&payment_id],
        )?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect::<Result<Vec<PaidApp>>>()
    })
}

/// Takes `take` back from the payment's live applications to one invoice,
/// newest first, as `refunds::reverse` does (`refunds::taken_back`).
pub(super) fn reverse(tx: &mut Tx<'_>, payment_id: i64, invoice_id: i64, take: i64, on: NaiveDate) -> Result<()> {
    let rows = tx.query(
        "SELECT id, amount_minor, applied_on FROM applications
         WHERE payment_id = $1 AND invoice_id = $2 AND removed_on IS NULL
         ORDER BY applied_on DESC, id DESC",
        &[&payment_id, &invoice_id],
    )?;
    let apps = rows
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<(i64, i64, NaiveDate)>>>()?;
    for step in taken_back(&apps, take, on) {
        tx.execute("UPDATE applications SET removed_on = $2 WHERE id = $1", &[&step.id, &step.until])?;
        if step.rest > 0 {
            let from = AppliedFrom::Payment(payment_id);
            inserts::insert_application(tx, invoice_id, from, step.rest, step.applied_on, &now_utc())?;
        }
    }
    Ok(())
}

/// A paid invoice that money was taken back from owes again: open, a
/// version further. False when it was not paid or is still paid in full.
pub(super) fn reopen_if_owing(tx: &mut Tx<'_>, invoice_id: i64) -> Result<bool> {
    let changed = tx.execute(
        "UPDATE invoices SET status = 'open', version = version + 1
         WHERE id = $1 AND status = 'paid' AND applied_minor < total_minor",
        &[&invoice_id],
    )?;
    Ok(changed == 1)
}

impl PgStore {
    /// What refunding `amount_minor` of a payment would do; writes nothing.
    pub fn refund_preview(&self, payment_id: i64, amount_minor: i64) -> Result<RefundPlan> {
        let c = &mut self.client()?;
        let p = load(c, payment_id)?;
        plan(c, payment_id, &p, amount_minor)
    }

    /// Refunds part or all of a succeeded payment seen at `version`, in one
    /// transaction with an audit row for the payment and one for each
    /// invoice that owes again. The payment's customer is held first.
    pub fn refund_payment(&mut self, payment_id: i64, version: i64, d: &RefundDraft) -> Result<RefundPlan> {
        checked_refund(d)?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            if let Some(r) = tx.query_opt("SELECT customer_id FROM payments WHERE id = $1", &[&payment_id])? {
                hold(tx, r.try_get(0)?)?;
            }
            refund_in(tx, &who, payment_id, Some(version), d)
        })
    }
}

/// The refund itself, inside the caller's transaction, as
/// `refunds::refund_in`: the payment at `version` (any version when
/// `None`: a credit note refunding its excess reads the payment in the
/// same transaction).
pub(super) fn refund_in(
    tx: &mut Tx<'_>,
    who: &str,
    payment_id: i64,
    version: Option<i64>,
    d: &RefundDraft,
) -> Result<RefundPlan> {
    let reason = d.reason.trim();
    let p = load(tx, payment_id)?;
    let what = label(&p, payment_id);
    let version = version.unwrap_or(p.version);
    refundable_now(&p, payment_id, version, d)?;
    let plan = plan(tx, payment_id, &p, d.amount_minor)?;
    let at = now_utc();
    for r in &plan.reversals {
        reverse(tx, payment_id, r.invoice_id, r.amount_minor, d.refunded_on)?;
        if r.reopens && reopen_if_owing(tx, r.invoice_id)? {
            audit_at(tx, &reopened(&p, &what, r), who, &at)?;
        }
    }
    versioned(
        tx,
        "UPDATE payments SET refunded_minor = refunded_minor + $3, status = $4, version = version + 1
             WHERE id = $1 AND version = $2",
        &[&payment_id, &version, &d.amount_minor, &plan.status.as_db()],
        "payments",
        payment_id,
        &what,
    )?;
    audit_at(tx, &refunded(&p, payment_id, &plan, d), who, &at)?;
    inserts::insert_refund(tx, payment_id, d.refunded_on, d.amount_minor, reason, RefundDate::Recorded, &at)?;
    Ok(plan)
}
