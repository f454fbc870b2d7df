//! The payments and credits the import makes for an invoice itself
//! ("<invoice id>#paid", "#refund", "#credit"): they stand for what the
//! source says was paid on it when no payment in ardesk accounts for it,
//! and make way for real payments as soon as those are linked.

use super::Cx;
use super::receivables::Receivables;
use crate::domain::status::*;
use crate::domain::{Currency, Money};
use crate::import::ImportError;
use crate::import::report::{Counted, Outcome};
use crate::store::import::ImportOps;
use crate::store::import::{AppsOf, PaymentWrite};
use chrono::NaiveDate;
use serde_json::Value;

/// A payment or credit the import made for an invoice, as it stands.
#[derive(Debug, Clone, Copy)]
pub(super) struct Own {
    pub id: i64,
    pub applied: i64,
    pub on: NaiveDate,
    /// The row's own amount (a payment's may be more than it applies).
    pub amount: i64,
}

/// The invoice the import's own rows are made for.
#[derive(Debug, Clone, Copy)]
pub(super) struct OwnFor<'a> {
    pub src: ImportSource,
    pub customer_id: i64,
    pub invoice_id: i64,
    pub number: &'a str,
    pub currency: Currency,
}

/// The `source_raw` of the payment made for an invoice (`key` is
/// "<invoice id>#paid"): the invoice it was made for.
pub(super) fn made_for(key: &str) -> String {
    format!("{{\"imported\":{{\"made_for\":{}}}}}", Value::from(key.trim_end_matches("#paid")))
}

/// The reference of the payment made for an invoice.
pub(super) fn payment_text(label: &str, number: &str) -> String {
    format!("{label} payment for {number}")
}

/// The reason of the credit applied to an invoice as its source says.
pub(super) fn credit_text(label: &str, number: &str) -> String {
    format!("{label} credit applied to invoice {number}")
}

impl Receivables {
    pub fn left_open(&mut self, number: &str, covered: i64, total: i64) {
        self.said.left_open.push(format!(
            "invoice {number} is paid in the source but only {covered} of {total} (minor units) is accounted for: left open"
        ));
    }

    /// Reverses the import's own applications to an invoice (before it
    /// becomes a draft or cancelled); false when people's remain. The
    /// payment and credits the import made for the invoice ("…#paid",
    /// "…#refund", "…#credit") go with them: they stood for what the source
    /// said was paid on it, and left behind they would be credit nobody gave.
    pub fn release_own<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        invoice_id: i64,
    ) -> Result<bool, ImportError> {
        let mut people = false;
        for a in cx.itx.applications(invoice_id, AppsOf::Invoice)? {
            let made = a.from_external_id.as_deref().is_some_and(|e| e.contains('#'));
            match (a.from_source == Some(src), made, a.payment_id, a.credit_id) {
                (true, true, Some(p), _) => cx.itx.delete_payment(p)?,
                (true, true, None, Some(c)) => cx.itx.delete_credit(c)?,
                (true, ..) => cx.itx.reverse_application(a.id)?,
                _ => people = true,
            }
        }
        Ok(!people)
    }

    /// What was paid on an invoice beyond its total (issued, so owed): the
    /// customer's credit, kept as the unapplied rest of the payment the
    /// import makes for the invoice when it makes one (`made`), and in the
    /// report either way. Returns that rest.
    pub fn overpaid(&mut self, number: &str, cur: Currency, paid: i64, total: i64, made: bool) -> i64 {
        let over = paid - total;
        if over <= 0 {
            return 0;
        }
        let m = |v: i64| Money::new(v, cur).display();
        self.said.overpaid.push(if made {
            format!(
                "invoice {number}: {} was paid on a total of {}: the {} over is the customer's credit \
                 (the unapplied rest of the payment made for it)",
                m(paid),
                m(total),
                m(over)
            )
        } else {
            format!(
                "invoice {number}: {} was paid on a total of {}, by payments already in ardesk: the {} over is \
                 the customer's credit only as far as those payments hold it",
                m(paid),
                m(total),
                m(over)
            )
        });
        if made { over } else { 0 }
    }

    /// Makes the import's own payment or credit for an invoice (`key`) hold
    /// `amount` applied on `on`, a payment `extra` more left unapplied:
    /// created, replaced or removed as needed.
    #[allow(clippy::too_many_arguments)]
    pub fn own_row<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        of: &OwnFor<'_>,
        key: &str,
        credit: bool,
        (amount, extra): (i64, i64),
        on: NaiveDate,
        existing: Option<Own>,
    ) -> Result<(), ImportError> {
        let OwnFor { src, customer_id, invoice_id, number, currency } = *of;
        let what = if credit { Counted::Credits } else { Counted::Payments };
        if existing.is_some_and(|o| o.applied == amount && o.on == on && o.amount == amount + extra) {
            return Ok(());
        }
        if let Some(Own { id, .. }) = existing {
            if credit {
                cx.itx.delete_credit(id)?
            } else {
                cx.itx.delete_payment(id)?
            }
            if amount == 0 {
                cx.book.count(customer_id, what, Outcome::Updated, src.label());
                if !credit {
                    self.said.replaced_payments += 1;
                }
            }
        }
        if amount == 0 {
            return Ok(());
        }
        let label = src.label();
        let id = if credit {
            let reason = if key.ends_with("#refund") {
                self.said.refund_credits += 1;
                format!("refund on {label} invoice {number}")
            } else {
                credit_text(label, number)
            };
            cx.itx.insert_credit(Some((src, key)), customer_id, on, amount, currency, &reason)?
        } else {
            let raw = made_for(key);
            let reference = payment_text(label, number);
            self.said.made_payments += u64::from(existing.is_none());
            cx.itx.insert_payment(
                Some((src, key)),
                &PaymentWrite {
                    customer_id,
                    received_on: on,
                    amount_minor: amount + extra,
                    refunded_minor: 0,
                    refunded_on: None,
                    currency,
                    reference: &reference,
                    status: PaymentStatus::Succeeded,
                    method: PaymentMethod::Automatic,
                    source_raw: Some(&raw),
                },
            )?
        };
        cx.itx.apply(invoice_id, id, credit, amount, on)?;
        let outcome = if existing.is_some() { Outcome::Updated } else { Outcome::Created };
        cx.book.count(customer_id, what, outcome, label);
        Ok(())
    }
}
