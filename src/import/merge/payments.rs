//! Payments: keyed on (source, external id, or another id of the same
//! payment), merged field by field; a payment that names an invoice (or
//! several, each with its share: `splits`) queues them to be settled.

use super::Cx;
use super::customers::{Cust, Customers};
use super::links::{link_key, payment_key};
use super::raw::{Fields, baseline, last};
use super::receivables::Receivables;
use crate::domain::date::{from_iso, iso};
use crate::domain::status::*;
use crate::import::ImportError;
use crate::import::parse::record::*;
use crate::import::report::{Book, Counted, Outcome};
use crate::store::import::ImportOps;
use crate::store::import::{AppsOf, PaymentState, PaymentWrite};
use serde_json::Value;

/// A payment's `splits` as `source_raw` keeps them: `[[invoice link key,
/// minor units], ...]`, or null when it has none.
fn splits_value(p: &ImportedPayment) -> Value {
    if p.splits.is_empty() {
        return Value::Null;
    }
    p.splits.iter().map(|(r, amount)| Value::from(vec![Value::from(link_key(r)), Value::from(*amount)])).collect()
}

/// What a payment with splits may apply to the invoice with these link
/// keys: `None` when it has no splits (then as much as the invoice takes).
pub(super) fn share_of(source_raw: Option<&str>, keys: &[String]) -> Option<i64> {
    // Most payments name one invoice: no need to parse their JSON.
    if !source_raw?.contains("\"splits\"") {
        return None;
    }
    let base = baseline(source_raw);
    let splits = base.get("splits")?.as_array()?;
    let named = splits.iter().filter(|s| s.get(0).and_then(Value::as_str).is_some_and(|k| keys.iter().any(|x| x == k)));
    Some(named.filter_map(|s| s.get(1).and_then(Value::as_i64)).sum())
}

/// The customer a payment is filed under, found or made from the row,
/// with the payment's currency if it had only the default; `None` when the
/// row names none (a guest payment is skipped, an unknown customer
/// refused).
fn payer<X: ImportOps>(
    cx: &mut Cx<'_, X>,
    people: &mut Customers,
    src: ImportSource,
    p: &ImportedPayment,
) -> Result<Option<Cust>, ImportError> {
    let (what, line) = (Counted::Payments, p.line);
    if p.customer.external_id.is_empty() {
        cx.book.skip(line, what, "no customer (a guest payment): ardesk files payments under a customer".into());
        return Ok(None);
    }
    let Some(_) = people.resolve(cx, src, &p.customer, p.currency, "payment")? else {
        let reason = format!(
            "unknown customer {}: import the customers export in the same run or before",
            p.customer.external_id
        );
        cx.book.refuse(line, what, reason);
        return Ok(None);
    };
    Ok(Some(people.adopt_currency(cx, src, &p.customer.external_id, p.currency)?))
}

/// A payment's `source_raw` text, and its splits as kept there.
fn payment_raw(p: &ImportedPayment) -> (String, Value) {
    let (inv_ext, inv_num) = match &p.invoice {
        Some(InvoiceRef::External(x)) => (Some(x.as_str()), None),
        Some(InvoiceRef::Number(n)) => (None, Some(n.as_str())),
        None => (None, None),
    };
    let mut f = Fields::new();
    f.str("received_on", &iso(p.received_on))
        .str("amount", &p.amount_minor.to_string())
        .str("refunded", &p.refunded_minor.to_string())
        .str("currency", p.currency.code())
        .str("status", p.status.as_db())
        .str("reference", &p.reference)
        .opt("invoice", inv_ext)
        .opt("invoice_number", inv_num)
        .str("customer", &p.customer.external_id)
        .str("aliases", &p.aliases.join(","));
    // Only when the source dates its refund: the rows of sources that do
    // not read as they did.
    if let Some(on) = p.refunded_on {
        f.str("refunded_on", &iso(on));
    }
    let splits = splits_value(p);
    if !splits.is_null() {
        f.value("splits", &splits);
    }
    (f.finish(&p.raw), splits)
}

impl Receivables {
    pub fn apply_payment<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        people: &mut Customers,
        src: ImportSource,
        p: &ImportedPayment,
    ) -> Result<(), ImportError> {
        let (what, ext) = (Counted::Payments, p.external_id.as_str());
        let Some(cust) = payer(cx, people, src, p)? else { return Ok(()) };
        if !p.credit_uses.is_empty() {
            if let Err(reason) = self.check_credit_uses(cx, src, cust.id, p)? {
                cx.book.refuse(p.line, what, reason);
                return Ok(());
            }
            // Credit first: the invoices are settled against it afterwards,
            // so none of it is taken for a payment.
            self.apply_credit_uses(cx, src, p)?;
        }
        if p.amount_minor == 0 {
            let memos: Vec<&str> = p.credit_uses.iter().map(|u| u.credit_note.as_str()).collect();
            cx.book.skip(
                p.line,
                what,
                format!(
                    "payment {ext} moved no money: it applies credit memo {} to invoices (credit, not a payment)",
                    memos.join(", ")
                ),
            );
            return Ok(());
        }
        let (raw, splits) = payment_raw(p);
        let mut existing = cx.itx.find_payment(src, ext)?;
        for a in &p.aliases {
            if existing.is_none() {
                existing = cx.itx.find_payment(src, a)?;
            }
        }
        let w = PaymentWrite {
            customer_id: cust.id,
            received_on: p.received_on,
            amount_minor: p.amount_minor,
            refunded_minor: p.refunded_minor,
            refunded_on: p.refunded_on,
            currency: p.currency,
            reference: &p.reference,
            status: p.status,
            method: p.method,
            source_raw: Some(&raw),
        };
        let id = match existing {
            None => {
                let id = cx.itx.insert_payment(Some((src, ext)), &w)?;
                cx.book.count(cust.id, what, Outcome::Created, src.label());
                id
            }
            Some(db) if db.source_raw.as_deref() == Some(raw.as_str()) => {
                cx.book.count(db.customer_id, what, Outcome::Unchanged, src.label());
                return Ok(());
            }
            Some(db) => match self.update_payment(cx, src, p, db, w, &splits)? {
                Some(id) => id,
                None => return Ok(()),
            },
        };
        self.link_payment(cx, src, id, p)
    }

    /// A payment that exists and changed, merged field by field; its
    /// applications are taken back (its invoices settled again) when it
    /// moved, failed, was split anew or keeps less than it applies. `None`
    /// when the merged amounts do not add up (the row is refused).
    fn update_payment<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        p: &ImportedPayment,
        db: PaymentState,
        w: PaymentWrite<'_>,
        splits: &Value,
    ) -> Result<Option<i64>, ImportError> {
        let (what, line, ext) = (Counted::Payments, p.line, p.external_id.as_str());
        let base = baseline(db.source_raw.as_deref());
        let cid = db.customer_id;
        let m = |book: &mut Book, f: &str, d: &str, n: &str| book.merge(cid, line, what, ext, f, d, last(&base, f), n);
        let on = m(cx.book, "received_on", &iso(db.received_on), &iso(p.received_on));
        let amount = m(cx.book, "amount", &db.amount_minor.to_string(), &p.amount_minor.to_string());
        // Refunds keyed by their own ids (refund objects) are counted in
        // what the charge says was refunded: the payment keeps the larger.
        // What the import itself made so reads as the charge's last value
        // (no edit of the user's to keep).
        let keyed: i64 = cx.itx.keyed_refunds(db.id)?.iter().map(|k| k.amount_minor).sum();
        let at_least = if keyed > 0 { keyed + cx.itx.recorded_refunds_minor(db.id)? } else { 0 };
        let said: Option<i64> = last(&base, "refunded").and_then(|s| s.parse().ok());
        let db_refunded = match said {
            Some(s) if keyed > 0 && db.refunded_minor == s.max(at_least) => s,
            _ => db.refunded_minor,
        };
        let refunded = m(cx.book, "refunded", &db_refunded.to_string(), &p.refunded_minor.to_string());
        let status = m(cx.book, "status", db.status.as_db(), p.status.as_db());
        let reference = m(cx.book, "reference", &db.reference, &p.reference);
        let mut w = PaymentWrite {
            customer_id: cid,
            received_on: from_iso(&on),
            amount_minor: amount.parse().unwrap_or(db.amount_minor),
            refunded_minor: refunded.parse().unwrap_or(db.refunded_minor),
            status: PaymentStatus::from_db(&status).unwrap_or(db.status),
            currency: db.currency,
            reference: &reference,
            ..w
        };
        if w.status != PaymentStatus::Refunded && w.status != PaymentStatus::Succeeded {
            w.refunded_minor = 0;
        } else if at_least > w.refunded_minor && at_least <= w.amount_minor {
            w.refunded_minor = at_least;
            if w.refunded_minor == w.amount_minor {
                w.status = PaymentStatus::Refunded;
            }
        }
        if w.refunded_minor > w.amount_minor || w.amount_minor <= 0 {
            cx.book.refuse(line, what, format!("payment {ext}: the merged amounts do not add up; kept as it was"));
            return Ok(None);
        }
        let keeps = w.amount_minor - w.refunded_minor;
        let resplit = base.get("splits").unwrap_or(&Value::Null) != splits;
        let moved = w.received_on != db.received_on || w.status != PaymentStatus::Succeeded || resplit;
        if db.applied_minor > 0 && (moved || keeps < db.applied_minor) {
            for a in cx.itx.applications(db.id, AppsOf::Payment)? {
                cx.itx.reverse_application(a.id)?;
                self.pending.insert(a.invoice_id, src);
            }
        }
        let changed = w.received_on != db.received_on
            || w.amount_minor != db.amount_minor
            || w.refunded_minor != db.refunded_minor
            || w.status != db.status
            || w.reference != db.reference
            || last(&base, "refunded_on") != p.refunded_on.map(iso).as_deref()
            || resplit;
        cx.itx.update_payment(db.id, &w)?;
        cx.book.count(cid, what, if changed { Outcome::Updated } else { Outcome::Unchanged }, src.label());
        Ok(Some(db.id))
    }

    /// Records which invoice a payment names and queues that invoice.
    fn link_payment<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        payment_id: i64,
        p: &ImportedPayment,
    ) -> Result<(), ImportError> {
        let mut named = Vec::new();
        for r in p.invoice.iter().chain(p.splits.iter().map(|(r, _)| r)) {
            let found = match r {
                InvoiceRef::External(x) => cx.itx.find_invoice(src, x)?,
                InvoiceRef::Number(n) => cx.itx.invoice_by_number(n)?,
            };
            named.push((link_key(r), found));
        }
        self.links.in_db(cx.itx, src)?;
        for alias in &p.aliases {
            self.links.add(src, payment_key(alias), payment_id);
        }
        for (key, found) in named {
            self.links.add(src, key, payment_id);
            match found {
                Some(inv) => {
                    self.pending.insert(inv.id, src);
                }
                None => self.said.unlinked += 1,
            }
        }
        Ok(())
    }
}
