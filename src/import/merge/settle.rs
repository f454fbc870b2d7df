//! Settling an invoice: its applications made to match its source.
//!
//! An invoice carries what the source says was paid on it (`amount_paid`)
//! and what credit it used (`credit_applied`). Settling an invoice makes
//! its applications match: payments that name it (a payments export's
//! `Invoice ID` or `Invoice Number`, or the invoice's own `charge`) are
//! applied first, as far as the money they kept, their share for this
//! invoice (a payment of several invoices) and the invoice's balance allow
//! (even beyond an older export's `amount_paid`); of the paid amount
//! still not covered, what those payments' refunds took back becomes a
//! refund credit (the source still counts the invoice paid) and the rest a
//! payment made for the invoice ("<invoice id>#paid"), replaced as soon as
//! a payments export links the real one. An invoice is `paid` only when
//! fully applied. Applications made in ardesk by people are never touched
//! and count towards what was paid.

use super::Cx;
use super::links::{number_key, payment_key};
use super::payments::share_of;
use super::raw::{baseline, last};
use super::receivables::Receivables;
use crate::domain::date::from_iso;
use crate::domain::status::*;
use crate::domain::{Currency, Money};
use crate::import::ImportError;
use crate::import::report::{Counted, Outcome};
use crate::store::import::{AppsOf, InvoiceWrite, PaymentWrite};
use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A payment or credit the import made for an invoice, as it stands.
#[derive(Debug, Clone, Copy)]
pub(super) struct Own {
    id: i64,
    applied: i64,
    on: NaiveDate,
    /// The row's own amount (a payment's may be more than it applies).
    amount: i64,
}

fn int(base: &Map<String, Value>, k: &str) -> i64 {
    last(base, k).and_then(|s| s.parse().ok()).unwrap_or(0)
}

impl Receivables {
    pub fn left_open(&mut self, number: &str, covered: i64, total: i64) {
        self.said.left_open.push(format!(
            "invoice {number} is paid in the source but only {covered} of {total} (minor units) is accounted for: left open"
        ));
    }

    /// Removes the import's own applications from an invoice (before it
    /// becomes a draft or cancelled); false when people's remain. The
    /// payment and credits the import made for the invoice ("…#paid",
    /// "…#refund", "…#credit") go with them: they stood for what the source
    /// said was paid on it, and left behind they would be credit nobody gave.
    pub fn release_own(
        &mut self,
        cx: &mut Cx<'_, '_>,
        src: ImportSource,
        invoice_id: i64,
    ) -> Result<bool, ImportError> {
        let mut people = false;
        for a in cx.itx.applications(invoice_id, AppsOf::Invoice)? {
            let made = a.from_external_id.as_deref().is_some_and(|e| e.contains('#'));
            match (a.from_source == Some(src), made, a.payment_id, a.credit_id) {
                (true, true, Some(p), _) => cx.itx.delete_payment(p)?,
                (true, true, None, Some(c)) => cx.itx.delete_credit(c)?,
                (true, ..) => cx.itx.delete_application(a.id)?,
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
    pub fn own_row(
        &mut self,
        cx: &mut Cx<'_, '_>,
        src: ImportSource,
        customer_id: i64,
        invoice_id: i64,
        w: &InvoiceWrite<'_>,
        key: &str,
        credit: bool,
        (amount, extra): (i64, i64),
        on: NaiveDate,
        existing: Option<Own>,
    ) -> Result<(), ImportError> {
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
                format!("refund on {label} invoice {}", w.number)
            } else {
                format!("{label} credit applied to invoice {}", w.number)
            };
            cx.itx.insert_credit(Some((src, key)), customer_id, on, amount, w.currency, &reason)?
        } else {
            let raw = format!("{{\"imported\":{{\"made_for\":{}}}}}", Value::from(key.trim_end_matches("#paid")));
            let reference = format!("{label} payment for {}", w.number);
            self.said.made_payments += u64::from(existing.is_none());
            cx.itx.insert_payment(
                Some((src, key)),
                &PaymentWrite {
                    customer_id,
                    received_on: on,
                    amount_minor: amount + extra,
                    refunded_minor: 0,
                    currency: w.currency,
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

    pub fn settle_pending(&mut self, cx: &mut Cx<'_, '_>) -> Result<(), ImportError> {
        for (id, src) in std::mem::take(&mut self.pending) {
            self.settle(cx, src, id)?;
        }
        Ok(())
    }

    /// Makes an invoice's applications match what its source says was paid.
    pub fn settle(&mut self, cx: &mut Cx<'_, '_>, src: ImportSource, invoice_id: i64) -> Result<(), ImportError> {
        let inv = cx.itx.invoice(invoice_id)?;
        let Some(ext) = inv.external_id.clone() else { return Ok(()) };
        let base = baseline(inv.source_raw.as_deref());
        if !inv.status.is_issued() {
            return Ok(());
        }
        let total = inv.total_minor;
        let paid_in_source = int(&base, "amount_paid").max(0);
        let target_paid = paid_in_source.min(total);
        let target_credit = int(&base, "credit_applied").clamp(0, total - target_paid);
        let (k_paid, k_refund, k_credit) = (format!("{ext}#paid"), format!("{ext}#refund"), format!("{ext}#credit"));
        let mut own: HashMap<String, Own> = HashMap::new();
        let (mut real, mut people) = (0i64, 0i64);
        let mut linked: Vec<i64> = Vec::new();
        for a in cx.itx.applications(invoice_id, AppsOf::Invoice)? {
            let ext_of = a.from_external_id.clone().unwrap_or_default();
            if a.from_source == Some(src) && [&k_paid, &k_refund, &k_credit].contains(&&ext_of) {
                let id = a.payment_id.or(a.credit_id).unwrap_or(0);
                // The payment made for the invoice may hold more than it
                // applies (an overpayment's rest).
                let amount = match a.payment_id {
                    Some(p) => cx.itx.payment(p)?.amount_minor,
                    None => a.amount_minor,
                };
                own.insert(ext_of, Own { id, applied: a.amount_minor, on: a.applied_on, amount });
            } else if a.from_source == Some(src) && a.payment_id.is_some() {
                real += a.amount_minor;
                linked.extend(a.payment_id);
            } else {
                people += a.amount_minor;
            }
        }
        let mut candidates: Vec<i64> = Vec::new();
        for key in [ext.clone(), number_key(&inv.number)] {
            candidates.extend(self.links.in_db(cx.itx, src)?.get(&key).into_iter().flatten().copied());
        }
        for r in last(&base, "payment_refs").unwrap_or("").split(',').filter(|r| !r.is_empty()) {
            candidates.extend(cx.itx.find_payment(src, r)?.map(|p| p.id));
            candidates.extend(self.links.in_db(cx.itx, src)?.get(&payment_key(r)).into_iter().flatten().copied());
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|c| !linked.contains(c));
        let (mut refunded, mut latest, mut fresh) = (0i64, None::<NaiveDate>, Vec::new());
        for (pid, new) in linked.iter().map(|p| (*p, false)).chain(candidates.iter().map(|p| (*p, true))) {
            let p = cx.itx.payment(pid)?;
            if p.external_id.as_deref().is_some_and(|e| e.contains('#')) {
                continue;
            }
            if p.customer_id != inv.customer_id || p.currency != inv.currency {
                let pe = p.external_id.clone().unwrap_or_default();
                self.said.mismatched.push(format!(
                    "payment {pe} names invoice {} of another customer or currency: not applied",
                    inv.number
                ));
                continue;
            }
            // A payment of several invoices gives this one its share only.
            let share = share_of(p.source_raw.as_deref(), &[ext.clone(), number_key(&inv.number)]);
            if share == Some(0) {
                continue;
            }
            refunded += p.refunded_minor;
            latest = latest.max(Some(p.received_on));
            let available = (p.amount_minor - p.refunded_minor - p.applied_minor).min(share.unwrap_or(i64::MAX));
            if new && p.status == PaymentStatus::Succeeded && available > 0 {
                fresh.push((pid, available, p.received_on));
            }
        }
        if !fresh.is_empty() && !own.is_empty() {
            // Real payments come in: the import's own rows make way and are
            // made again below for whatever is still missing.
            for (key, Own { id, .. }) in own.drain() {
                let credit = !key.ends_with("#paid");
                if credit {
                    cx.itx.delete_credit(id)?
                } else {
                    cx.itx.delete_payment(id)?
                }
                let what = if credit { Counted::Credits } else { Counted::Payments };
                cx.book.count(inv.customer_id, what, Outcome::Updated, src.label());
                self.said.replaced_payments += u64::from(!credit);
            }
        }
        for (pid, available, on) in fresh {
            // A payment that names the invoice paid it, whatever an older
            // invoices export says; only the invoice's room limits it.
            let amount = (total - real - people).min(available);
            if amount > 0 {
                cx.itx.apply(invoice_id, pid, false, amount, on)?;
                cx.book.touch(inv.customer_id);
                real += amount;
            }
        }
        let rest = (target_paid - real - people).max(0);
        let refund = rest.min(refunded);
        let made = rest - refund;
        let room = (total - real - people - rest).max(0);
        let credit = target_credit.min(room);
        let on = last(&base, "paid_on").filter(|s| !s.is_empty()).map(from_iso).or(latest).unwrap_or(inv.issue_date);
        let w = InvoiceWrite {
            customer_id: inv.customer_id,
            contract_id: None,
            number: &inv.number,
            issue_date: inv.issue_date,
            due_date: inv.due_date,
            period: inv.period,
            currency: inv.currency,
            total_minor: total,
            status: inv.status,
            source_raw: "",
        };
        let cid = inv.customer_id;
        let extra = self.overpaid(&inv.number, inv.currency, paid_in_source, total, made > 0);
        let mut rows = [
            (&k_paid, false, (made, extra), on),
            (&k_refund, true, (refund, 0), on),
            (&k_credit, true, (credit, 0), inv.issue_date),
        ];
        // Rows that shrink first, so the invoice is never applied beyond its
        // total on the way (a refund that became a payment, say).
        rows.sort_by_key(|(key, _, (amount, _), _)| *amount - own.get(*key).map_or(0, |o| o.applied));
        for (key, credit, amount, on) in rows {
            self.own_row(cx, src, cid, invoice_id, &w, key, credit, amount, on, own.get(key).copied())?;
        }
        let applied = real + people + made + refund + credit;
        let status = match inv.status {
            InvoiceStatus::Uncollectible => InvoiceStatus::Uncollectible,
            _ if applied >= total => InvoiceStatus::Paid,
            _ => InvoiceStatus::Open,
        };
        if last(&base, "status") == Some("paid") && status == InvoiceStatus::Open {
            self.left_open(&inv.number, applied, total);
        }
        if status != inv.status {
            cx.itx.set_invoice_status(invoice_id, status)?;
            cx.book.touch(cid);
        }
        Ok(())
    }
}
