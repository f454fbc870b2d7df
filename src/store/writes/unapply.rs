//! Unapplying: an application of a payment's or a credit's money to an
//! invoice stops counting on a date. The row stays, marked removed on that
//! date (applications are never deleted: the as-of figures replay them);
//! the triggers take the money off the invoice, give it back to the
//! payment's unapplied remainder or to the credit, and take it out of Avg.
//! Days to Collect. A paid invoice owes again (`refunds::reopen_if_owing`,
//! as when a refund takes money back).

use super::refunds::reopen_if_owing;
use super::{dates_in_bounds, invalid};
use crate::domain::Money;
use crate::domain::date::iso;
use crate::store::seed::AppliedFrom;
use crate::store::tabs::date;
use crate::store::{Audit, Result, Store, StoreError, now_utc};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction};
use serde_json::json;

/// Where unapplied money went back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnedTo {
    /// The payment's unapplied remainder, now `remainder`.
    Payment { id: i64, reference: String, remainder: Money },
    /// The credit, of which `open` is now unapplied.
    Credit { id: i64, reason: String, open: Money },
}

/// What an unapply did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnapplyDone {
    pub application_id: i64,
    pub invoice_id: i64,
    pub number: String,
    pub amount: Money,
    /// The date the application stopped counting.
    pub on: NaiveDate,
    pub returned_to: ReturnedTo,
    /// The invoice was paid and is open again.
    pub reopened: bool,
}

/// The application as the unapply finds it.
pub(crate) struct Found {
    pub(crate) invoice_id: i64,
    pub(crate) payment_id: Option<i64>,
    pub(crate) credit_id: Option<i64>,
    pub(crate) amount_minor: i64,
    pub(crate) applied_on: NaiveDate,
    /// ISO.
    pub(crate) removed_on: Option<String>,
    pub(crate) customer_id: i64,
    pub(crate) number: String,
    pub(crate) currency: String,
}

fn find(tx: &Transaction<'_>, application_id: i64) -> Result<Found> {
    tx.prepare_cached(
        "SELECT a.invoice_id, a.payment_id, a.credit_id, a.amount_minor, a.applied_on, a.removed_on,
                i.customer_id, i.number, i.currency
         FROM applications a JOIN invoices i ON i.id = a.invoice_id WHERE a.id = ?1",
    )?
    .query_row([application_id], |r| {
        Ok(Found {
            invoice_id: r.get(0)?,
            payment_id: r.get(1)?,
            credit_id: r.get(2)?,
            amount_minor: r.get(3)?,
            applied_on: date(r, 4)?,
            removed_on: r.get(5)?,
            customer_id: r.get(6)?,
            number: r.get(7)?,
            currency: r.get(8)?,
        })
    })
    .optional()?
    .ok_or_else(|| no_application(application_id))
}

/// An application that is not there.
pub(crate) fn no_application(application_id: i64) -> StoreError {
    StoreError::NotFound(format!("application #{application_id}"))
}

/// Refuses unapplying `a` for `customer_id` on `on`: another customer's,
/// unapplied already, or a date before it was applied. Gives its amount.
pub(crate) fn unappliable(customer_id: i64, application_id: i64, a: &Found, on: NaiveDate) -> Result<Money> {
    if a.customer_id != customer_id {
        return Err(invalid(format!(
            "application #{application_id} is to invoice {}, which is not this customer's",
            a.number
        )));
    }
    let currency = a.currency.parse().map_err(|_| invalid(format!("invoice {} has a bad currency", a.number)))?;
    let amount = Money::new(a.amount_minor, currency);
    if let Some(removed) = &a.removed_on {
        return Err(StoreError::Conflict(format!(
            "the {} applied to invoice {} was already unapplied on {removed}",
            amount.display(),
            a.number
        )));
    }
    if on < a.applied_on {
        return Err(invalid(format!(
            "the unapply date {} is before the {} was applied to invoice {} ({})",
            iso(on),
            amount.display(),
            a.number,
            iso(a.applied_on)
        )));
    }
    Ok(amount)
}

/// Another writer marked the application removed first.
pub(crate) fn unapplied_elsewhere(a: &Found, amount: Money) -> StoreError {
    StoreError::Conflict(format!("the {} applied to invoice {} was unapplied elsewhere", amount.display(), a.number))
}

/// The payment or credit whose money the application is.
pub(crate) fn drawn_from(a: &Found, application_id: i64) -> Result<AppliedFrom> {
    match (a.payment_id, a.credit_id) {
        (Some(id), _) => Ok(AppliedFrom::Payment(id)),
        (None, Some(id)) => Ok(AppliedFrom::Credit(id)),
        (None, None) => Err(invalid(format!("application #{application_id} draws on nothing"))),
    }
}

/// What unapplying did, and its audit entries: the invoice's, then the
/// payment's or the credit's.
pub(crate) fn unapplied(
    customer_id: i64,
    application_id: i64,
    a: Found,
    amount: Money,
    on: NaiveDate,
    returned_to: ReturnedTo,
    reopened: bool,
) -> (UnapplyDone, [Audit<'static>; 2]) {
    let (entity, from_id, from, back) = match &returned_to {
        ReturnedTo::Payment { id, reference, remainder } => {
            let name =
                if reference.trim().is_empty() { format!("payment #{id}") } else { format!("payment {reference}") };
            ("payment", *id, name, format!("its unapplied remainder is {}", remainder.display()))
        }
        ReturnedTo::Credit { id, reason, open } => {
            let name = if reason.trim().is_empty() { format!("credit #{id}") } else { format!("credit ({reason})") };
            ("credit", *id, name, format!("{} of it is unapplied", open.display()))
        }
    };
    let detail = json!({"application": application_id, "invoice": a.number, "amount": amount.plain(),
        "applied_on": iso(a.applied_on), "removed_on": iso(on), "from": from});
    let entries = [
        Audit {
            customer_id: Some(customer_id),
            entity: "invoice",
            entity_id: Some(a.invoice_id),
            action: "unapply",
            summary: format!(
                "invoice {} owes {} again: {from}'s money unapplied on {}{}",
                a.number,
                amount.display(),
                iso(on),
                if reopened { "; it is open again" } else { "" }
            ),
            before: reopened.then(|| json!({"status": "paid"})),
            after: Some(if reopened { json!({"status": "open", "unapplied": detail}) } else { detail.clone() }),
        },
        Audit {
            customer_id: Some(customer_id),
            entity,
            entity_id: Some(from_id),
            action: "unapply",
            summary: format!(
                "unapplied {} of {from} from invoice {} on {}: {back}",
                amount.display(),
                a.number,
                iso(on)
            ),
            before: None,
            after: Some(detail),
        },
    ];
    let done =
        UnapplyDone { application_id, invoice_id: a.invoice_id, number: a.number, amount, on, returned_to, reopened };
    (done, entries)
}

impl Store {
    /// Unapplies one live application of `customer_id`'s on `on` (not
    /// before it was applied), in one transaction: the application marked
    /// removed, the invoice and the payment or credit a version further
    /// (an open edit form sees them changed elsewhere), a paid invoice open
    /// again, an audit row for the invoice and one for the payment or
    /// credit.
    pub fn unapply(&mut self, customer_id: i64, application_id: i64, on: NaiveDate) -> Result<UnapplyDone> {
        dates_in_bounds(&[("unapply date", Some(on))])?;
        let who = self.who().to_string();
        self.write(|tx| {
            let a = find(tx, application_id)?;
            let amount = unappliable(customer_id, application_id, &a, on)?;
            let money = |m: i64| Money::new(m, amount.currency);
            let changed = tx.execute(
                "UPDATE applications SET removed_on = ?2 WHERE id = ?1 AND removed_on IS NULL",
                (application_id, iso(on)),
            )?;
            if changed != 1 {
                return Err(unapplied_elsewhere(&a, amount));
            }
            let reopened = reopen_if_owing(tx, a.invoice_id)?;
            if !reopened {
                tx.execute("UPDATE invoices SET version = version + 1 WHERE id = ?1", [a.invoice_id])?;
            }
            let returned_to = match drawn_from(&a, application_id)? {
                AppliedFrom::Payment(id) => {
                    let (reference, remainder): (String, i64) = tx.query_row(
                        "UPDATE payments SET version = version + 1 WHERE id = ?1
                         RETURNING reference, amount_minor - refunded_minor - applied_minor",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )?;
                    ReturnedTo::Payment { id, reference, remainder: money(remainder) }
                }
                AppliedFrom::Credit(id) => {
                    let (reason, open): (String, i64) = tx.query_row(
                        "UPDATE credits SET version = version + 1 WHERE id = ?1
                         RETURNING reason, amount_minor - applied_minor",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )?;
                    ReturnedTo::Credit { id, reason, open: money(open) }
                }
            };
            let (done, entries) = unapplied(customer_id, application_id, a, amount, on, returned_to, reopened);
            let at = now_utc();
            for entry in &entries {
                entry.write_at(tx, &who, &at)?;
            }
            Ok(done)
        })
    }
}
