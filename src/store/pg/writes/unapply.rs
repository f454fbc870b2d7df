//! Unapplying on PostgreSQL (`store/writes/unapply.rs`): an application
//! marked removed on a date, the money back on the payment or credit (the
//! triggers), a paid invoice open again, with the same checks and audit
//! entries.

use super::super::super::seed::AppliedFrom;
use super::super::super::writes::dates_in_bounds;
use super::super::super::writes::unapply::{
    Found, ReturnedTo, UnapplyDone, drawn_from, no_application, unappliable, unapplied, unapplied_elsewhere,
};
use super::super::super::{Result, now_utc};
use super::super::store::PgStore;
use super::refunds::reopen_if_owing;
use super::{audit_at, hold};
use crate::domain::Money;
use crate::store::pg::prepared::Tx;
use chrono::NaiveDate;

fn find(tx: &mut Tx<'_>, application_id: i64) -> Result<Found> {
    let Some(r) = tx.query_opt(
        "SELECT a.invoice_id, a.payment_id, a.credit_id, a.amount_minor, a.applied_on, a.removed_on::text,
                i.customer_id, i.number, i.currency
         FROM applications a JOIN invoices i ON i.id = a.invoice_id WHERE a.id = $1",
        &[&application_id],
    )?
    else {
        return Err(no_application(application_id));
    };
    Ok(Found {
        invoice_id: r.try_get(0)?,
        payment_id: r.try_get(1)?,
        credit_id: r.try_get(2)?,
        amount_minor: r.try_get(3)?,
        applied_on: r.try_get(4)?,
        removed_on: r.try_get(5)?,
        customer_id: r.try_get(6)?,
        number: r.try_get(7)?,
        currency: r.try_get(8)?,
    })
}

impl PgStore {
    /// Unapplies one live application of `customer_id`'s on `on` (not
    /// before it was applied), in one transaction, as on SQLite.
    pub fn unapply(&mut self, customer_id: i64, application_id: i64, on: NaiveDate) -> Result<UnapplyDone> {
        dates_in_bounds(&[("unapply date", Some(on))])?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            // Held whether it exists: SQLite says the application is not
            // this customer's, not that the customer is missing.
            hold(tx, customer_id)?;
            let a = find(tx, application_id)?;
            let amount = unappliable(customer_id, application_id, &a, on)?;
            let money = |m: i64| Money::new(m, amount.currency);
            let changed = tx.execute(
                "UPDATE applications SET removed_on = $2 WHERE id = $1 AND removed_on IS NULL",
                &[&application_id, &on],
            )?;
            if changed != 1 {
                return Err(unapplied_elsewhere(&a, amount));
            }
            let reopened = reopen_if_owing(tx, a.invoice_id)?;
            if !reopened {
                tx.execute("UPDATE invoices SET version = version + 1 WHERE id = $1", &[&a.invoice_id])?;
            }
            let returned_to = match drawn_from(&a, application_id)? {
                AppliedFrom::Payment(id) => {
                    let r = tx.query_one(
                        "UPDATE payments SET version = version + 1 WHERE id = $1
                         RETURNING reference, amount_minor - refunded_minor - applied_minor",
                        &[&id],
                    )?;
                    ReturnedTo::Payment { id, reference: r.try_get(0)?, remainder: money(r.try_get(1)?) }
                }
                AppliedFrom::Credit(id) => {
                    let r = tx.query_one(
                        "UPDATE credits SET version = version + 1 WHERE id = $1
                         RETURNING reason, amount_minor - applied_minor",
                        &[&id],
                    )?;
                    ReturnedTo::Credit { id, reason: r.try_get(0)?, open: money(r.try_get(1)?) }
                }
            };
            let (done, entries) = unapplied(customer_id, application_id, a, amount, on, returned_to, reopened);
            let at = now_utc();
            for entry in &entries {
                audit_at(tx, entry, &who, &at)?;
            }
            Ok(done)
        })
    }
}
