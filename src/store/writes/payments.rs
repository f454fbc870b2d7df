//! Recording a manual payment and applying it to open invoices.

use super::{allocate, amount_in_bounds, customer_currency, dates_in_bounds, invalid};
use crate::domain::Currency;
use crate::domain::Money;
use crate::domain::date::iso;
use crate::domain::edit::PaymentDraft;
use crate::domain::model::InvoiceRow;
use crate::domain::status::{PaymentMethod, PaymentStatus};
use crate::store::import::PaymentWrite;
use crate::store::inserts::{self, NewPaymentRow};
use crate::store::seed::AppliedFrom;
use crate::store::window::TabRow;
use crate::store::{Audit, Result, Store, now_utc};
use serde_json::json;

/// What recording a payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentOutcome {
    pub payment_id: i64,
    /// (invoice number, amount applied).
    pub applied: Vec<(String, i64)>,
    /// Left on the payment as customer credit.
    pub unapplied_minor: i64,
}

impl Store {
    /// Open invoices in `currency`, oldest due date first.
    pub fn open_invoices(&self, customer_id: i64, currency: Currency, limit: usize) -> Result<Vec<InvoiceRow>> {
        let sql = format!(
            "SELECT {} FROM {} WHERE i.customer_id = ?1 AND i.status = 'open' AND i.currency = ?2
             ORDER BY i.due_date, i.id LIMIT ?3",
            InvoiceRow::SELECT,
            InvoiceRow::FROM
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt
            .query_map((customer_id, currency.code(), i64::try_from(limit).unwrap_or(i64::MAX)), InvoiceRow::map)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Records a succeeded manual payment and applies it: oldest due first,
    /// or to the chosen invoices in order, each up to its open balance. Fully
    /// paid invoices become paid; the rest of the money stays as credit.
    pub fn record_payment(&mut self, customer_id: i64, d: &PaymentDraft) -> Result<PaymentOutcome> {
        if d.amount_minor <= 0 {
            return Err(invalid("the amount must be more than zero"));
        }
        amount_in_bounds("amount", d.amount_minor, d.currency)?;
        dates_in_bounds(&[("date received", Some(d.received_on))])?;
        let who = self.who().to_string();
        self.write(|tx| {
            let currency = customer_currency(tx, customer_id)?;
            if currency != d.currency {
                return Err(invalid(format!("payments of this customer are in {currency}, not {}", d.currency)));
            }
            let targets = allocate::targets(tx, customer_id, currency, &d.allocation)?;
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
            let row =
                NewPaymentRow { id: None, payment: &payment, applied_minor: 0, source: None, created_at: &now_utc() };
            let payment_id = inserts::insert_payment(tx, &row)?;
            let parts = allocate::spread(targets, d.amount_minor);
            let ids: Vec<(i64, i64)> = parts.iter().map(|(t, m)| (t.id, *m)).collect();
            allocate::apply(tx, AppliedFrom::Payment(payment_id), &ids, d.received_on)?;
            let applied: Vec<(String, i64)> = parts.into_iter().map(|(t, m)| (t.number, m)).collect();
            let left = d.amount_minor - applied.iter().map(|(_, m)| m).sum::<i64>();
            recorded(customer_id, payment_id, d, currency, &applied, left).write(tx, &who)?;
            Ok(PaymentOutcome { payment_id, applied, unapplied_minor: left })
        })
    }
}

/// The audit entry of a recorded payment: what it was and where it went.
pub(crate) fn recorded(
    customer_id: i64,
    payment_id: i64,
    d: &PaymentDraft,
    currency: Currency,
    applied: &[(String, i64)],
    left: i64,
) -> Audit<'static> {
    let money = |m| Money::new(m, currency).display();
    let spread: Vec<String> = applied.iter().map(|(n, m)| format!("{n} {}", money(*m))).collect();
    let reference = if d.reference.trim().is_empty() { String::new() } else { format!(" {}", d.reference.trim()) };
    Audit {
        customer_id: Some(customer_id),
        entity: "payment",
        entity_id: Some(payment_id),
        action: "record",
        summary: format!(
            "recorded payment{reference} of {}: {}{} unapplied",
            money(d.amount_minor),
            if spread.is_empty() { String::new() } else { format!("{}, ", spread.join(", ")) },
            money(left)
        ),
        before: None,
        after: Some(json!({"received_on": iso(d.received_on), "amount": Money::new(d.amount_minor, currency).plain(),
            "reference": d.reference.trim(),
            "applied": applied.iter().map(|(n, m)| json!({"invoice": n, "amount": Money::new(*m, currency).plain()})).collect::<Vec<_>>(),
            "unapplied": Money::new(left, currency).plain()})),
    }
}
