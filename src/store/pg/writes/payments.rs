//! Recording a manual payment and applying it to open invoices on
//! PostgreSQL (`store/writes/payments.rs`, `allocate.rs`).

use super::super::super::import::PaymentWrite;
use super::super::super::seed::AppliedFrom;
use super::super::super::writes::allocate::{Target, spread, takes_money};
use super::super::super::writes::payments::{PaymentOutcome, recorded};
use super::super::super::writes::{amount_in_bounds, dates_in_bounds, invalid};
use super::super::super::{Result, now_utc};
use super::super::inserts;
use super::super::store::PgStore;
use super::audit;
use super::invoices::customer_currency;
use crate::domain::Currency;
use crate::domain::edit::{Allocation, PaymentDraft};
use crate::domain::model::InvoiceRow;
use crate::domain::status::{InvoiceStatus, PaymentMethod, PaymentStatus};
use crate::store::pg::prepared::Sql;

/// The invoices `allocation` names, in the order they are paid, each
/// checked by `takes_money`.
pub(super) fn targets(
    tx: &mut impl Sql,
    customer_id: i64,
    currency: Currency,
    allocation: &Allocation,
) -> Result<Vec<Target>> {
    let ids = match allocation {
        Allocation::OldestFirst => {
            let rows = tx.query(
                "SELECT id, number, total_minor - applied_minor FROM invoices
                 WHERE customer_id = $1 AND status = 'open' AND currency = $2 ORDER BY due_date, id",
                &[&customer_id, &currency.code()],
            )?;
            return rows
                .iter()
                .map(|r| Ok(Target { id: r.try_get(0)?, number: r.try_get(1)?, balance: r.try_get(2)? }))
                .collect();
        }
        Allocation::Invoices(ids) => ids,
    };
    let mut out: Vec<Target> = Vec::new();
    for &id in ids {
        let Some(r) = tx.query_opt(
            "SELECT number, status, currency, customer_id, total_minor - applied_minor, written_off_on::text
             FROM invoices WHERE id = $1",
            &[&id],
        )?
        else {
            return Err(invalid(format!("invoice #{id} no longer exists")));
        };
        let (number, status, cur, owner, balance, written_off_on): (String, String, String, i64, i64, Option<String>) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?);
        takes_money(customer_id, currency, &number, &status, &cur, owner, written_off_on.as_deref())?;
        if out.iter().any(|t| t.id == id) {
            return Err(invalid(format!("{number} is chosen twice")));
        }
        out.push(Target { id, number, balance });
    }
    Ok(out)
}

impl PgStore {
    /// Open invoices in `currency`, oldest due date first.
    pub fn open_invoices(&self, customer_id: i64, currency: Currency, limit: usize) -> Result<Vec<InvoiceRow>> {
        let sql = format!(
            "SELECT {} FROM invoices i WHERE i.customer_id = $1 AND i.status = 'open' AND i.currency = $2
             ORDER BY i.due_date, i.id LIMIT $3",
            super::super::tabs::INVOICE_SELECT
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.client()?.query(&sql, &[&customer_id, &currency.code(), &limit])?;
        rows.iter().map(super::super::tabs::invoice_row).collect()
    }

    /// Records a succeeded manual payment and applies it: oldest due first,
    /// or to the chosen invoices in order, each up to its open balance.
    /// Fully paid invoices become paid; the rest stays as credit.
    pub fn record_payment(&mut self, customer_id: i64, d: &PaymentDraft) -> Result<PaymentOutcome> {
        if d.amount_minor <= 0 {
            return Err(invalid("the amount must be more than zero"));
        }
        amount_in_bounds("amount", d.amount_minor, d.currency)?;
        dates_in_bounds(&[("date received", Some(d.received_on))])?;
        let who = self.who().to_string();
        self.write(Some(customer_id), |tx| {
            let currency = customer_currency(tx, customer_id)?;
            if currency != d.currency {
                return Err(invalid(format!("payments of this customer are in {currency}, not {}", d.currency)));
            }
            let targets = targets(tx, customer_id, currency, &d.allocation)?;
            let payment = PaymentWrite {
                customer_id,
                received_on: d.received_on,
                amount_minor: d.amount_minor,
                refunded_minor: 0,
                refunded_on: None,
                currency,
                reference: d.reference.trim(),
                status: PaymentStatus::Succeeded,
                method: PaymentMethod::Manual,
                source_raw: None,
            };
            let at = now_utc();
            let payment_id = inserts::insert_payment(tx, &payment, &at)?;
            let parts = spread(targets, d.amount_minor);
            for (t, amount) in &parts {
                let from = AppliedFrom::Payment(payment_id);
                inserts::insert_application(tx, t.id, from, *amount, d.received_on, &at)?;
                // Its version moves, so a form open on it sees the change;
                // paid in full, it is paid.
                tx.execute(
                    "UPDATE invoices SET version = version + 1,
                         status = CASE WHEN applied_minor = total_minor THEN $2 ELSE status END
                     WHERE id = $1",
                    &[&t.id, &InvoiceStatus::Paid.as_db()],
                )?;
            }
            let applied: Vec<(String, i64)> = parts.into_iter().map(|(t, m)| (t.number, m)).collect();
            let left = d.amount_minor - applied.iter().map(|(_, m)| m).sum::<i64>();
            audit(tx, &recorded(customer_id, payment_id, d, currency, &applied, left), &who)?;
            Ok(PaymentOutcome { payment_id, applied, unapplied_minor: left })
        })
    }
}
