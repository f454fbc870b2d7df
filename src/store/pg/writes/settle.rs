//! Settling with money already in hand on PostgreSQL
//! (`store/writes/settle.rs`): a payment's unapplied remainder or a
//! credit's put against open invoices, and credit granted directly, by the
//! same plan, checks and audit entries.

use super::super::super::seed::AppliedFrom;
use super::super::super::writes::dates_in_bounds;
use super::super::super::writes::settle::{
    ApplyOutcome, CreditCols, PaymentCols, Source, checked_credit, credit_in, credit_source, granted, payment_source,
    plan_with, settleable, settled,
};
use super::super::super::{Result, now_utc};
use super::super::inserts;
use super::super::store::PgStore;
use super::invoices::customer_currency;
use super::payments::targets;
use super::{audit_at, hold, versioned};
use crate::domain::edit::{ApplyPlan, CreditDraft};
use crate::domain::status::InvoiceStatus;
use crate::store::pg::prepared::{Sql, Tx};
use chrono::NaiveDate;

fn load_payment(c: &mut impl Sql, id: i64) -> Result<Source> {
    let row: Option<PaymentCols> = match c.query_opt(
        "SELECT customer_id, currency, amount_minor, refunded_minor, applied_minor, status, received_on::text,
                version, reference
         FROM payments WHERE id = $1",
        &[&id],
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
    payment_source(id, row)
}

fn load_credit(c: &mut impl Sql, id: i64) -> Result<Source> {
    let row: Option<CreditCols> = match c.query_opt(
        "SELECT customer_id, currency, amount_minor, applied_minor, granted_on::text, version, reason,
                CASE WHEN kind = 'credit_note' THEN number END, voided_on::text
         FROM credits WHERE id = $1",
        &[&id],
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
    credit_source(id, row)
}

/// Decides what goes where (`settle::plan_with`). Reads only.
fn plan(c: &mut impl Sql, customer_id: i64, src: &Source, p: &ApplyPlan) -> Result<ApplyOutcome> {
    let currency = src.currency();
    plan_with(customer_id, src, p, |a| targets(c, customer_id, currency, a))
}

/// Writes one application per part (invoice id, amount) and moves each
/// invoice's version; one paid in full becomes `paid`. Whether each is
/// now paid (`allocate::apply`).
pub(super) fn apply(
    tx: &mut Tx<'_>,
    from: AppliedFrom,
    parts: &[(i64, i64)],
    applied_on: NaiveDate,
) -> Result<Vec<bool>> {
    let at = now_utc();
    let mut paid = Vec::with_capacity(parts.len());
    for &(invoice_id, amount_minor) in parts {
        inserts::insert_application(tx, invoice_id, from, amount_minor, applied_on, &at)?;
        let status: String = tx
            .query_one(
                "UPDATE invoices SET version = version + 1,
                     status = CASE WHEN applied_minor = total_minor THEN 'paid' ELSE status END
                 WHERE id = $1 RETURNING status",
                &[&invoice_id],
            )?
            .try_get(0)?;
        paid.push(status == InvoiceStatus::Paid.as_db());
    }
    Ok(paid)
}

impl PgStore {
    /// What applying a payment's unapplied remainder would do; writes nothing.
    pub fn apply_payment_preview(&self, customer_id: i64, payment_id: i64, p: &ApplyPlan) -> Result<ApplyOutcome> {
        let c = &mut self.client()?;
        let src = load_payment(c, payment_id)?;
        plan(c, customer_id, &src, p)
    }

    /// What applying a credit's remainder would do; writes nothing.
    pub fn apply_credit_preview(&self, customer_id: i64, credit_id: i64, p: &ApplyPlan) -> Result<ApplyOutcome> {
        let c = &mut self.client()?;
        let src = load_credit(c, credit_id)?;
        plan(c, customer_id, &src, p)
    }

    /// Applies a succeeded payment's unapplied remainder, seen at
    /// `version`, to open invoices, dated `on`.
    pub fn apply_payment(
        &mut self,
        customer_id: i64,
        payment_id: i64,
        version: i64,
        p: &ApplyPlan,
        on: NaiveDate,
    ) -> Result<ApplyOutcome> {
        self.settle(customer_id, version, p, on, |tx| load_payment(tx, payment_id))
    }

    /// Applies what is left of a credit, seen at `version`, to open
    /// invoices, dated `on`.
    pub fn apply_credit(
        &mut self,
        customer_id: i64,
        credit_id: i64,
        version: i64,
        p: &ApplyPlan,
        on: NaiveDate,
    ) -> Result<ApplyOutcome> {
        self.settle(customer_id, version, p, on, |tx| load_credit(tx, credit_id))
    }

    /// One transaction, the customer's row held: the applications, the
    /// versions of the source and of every invoice touched, an audit row
    /// for each.
    fn settle(
        &mut self,
        customer_id: i64,
        version: i64,
        p: &ApplyPlan,
        on: NaiveDate,
        load: impl Fn(&mut Tx<'_>) -> Result<Source>,
    ) -> Result<ApplyOutcome> {
        dates_in_bounds(&[("date applied", Some(on))])?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            // Held whether it exists: a payment or credit of no such
            // customer is refused as another customer's, as on SQLite.
            hold(tx, customer_id)?;
            let src = load(tx)?;
            settleable(&src, version, on)?;
            let out = plan(tx, customer_id, &src, p)?;
            let (table, id) = (src.table(), src.id());
            versioned(
                tx,
                &format!("UPDATE {table} SET version = version + 1 WHERE id = $1 AND version = $2"),
                &[&id, &version],
                table,
                id,
                &src.label,
            )?;
            let parts: Vec<(i64, i64)> = out.parts.iter().map(|a| (a.invoice_id, a.amount_minor)).collect();
            apply(tx, src.from, &parts, on)?;
            let at = now_utc();
            for entry in settled(customer_id, &src, &out, on) {
                audit_at(tx, &entry, &who, &at)?;
            }
            Ok(out)
        })
    }

    /// Grants the customer credit directly (goodwill and the like); it
    /// joins the Credit Balance until applied. Returns the credit's id.
    pub fn grant_credit(&mut self, customer_id: i64, d: &CreditDraft) -> Result<i64> {
        let reason = checked_credit(d)?;
        let who = self.who().to_string();
        self.write(Some(customer_id), |tx| {
            let currency = customer_currency(tx, customer_id)?;
            credit_in(currency, d)?;
            let at = now_utc();
            let id = inserts::insert_credit(tx, customer_id, d.granted_on, d.amount_minor, currency, reason, &at)?;
            audit_at(tx, &granted(customer_id, id, d, currency, reason), &who, &at)?;
            Ok(id)
        })
    }
}
