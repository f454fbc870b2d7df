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
//! and count towards what was paid. The credit a Stripe invoice used
//! (`total − amount_due`) beyond its own credit notes came from the
//! customer's balance: it is taken from what is left of the customer's
//! earlier Stripe credit notes (their customer-balance part), oldest
//! first, and the import's own credit ("<invoice id>#credit") stands for
//! the rest only, so the balance's credit is not counted twice.

use super::Cx;
use super::links::{number_key, payment_key};
use super::own::{Own, OwnFor};
use super::payments::share_of;
use super::raw::{invoice_baseline, last};
use super::receivables::Receivables;
use crate::domain::date::from_iso;
use crate::domain::status::*;
use crate::import::ImportError;
use crate::import::report::{Counted, Outcome};
use crate::store::import::ImportOps;
use crate::store::import::{AppsOf, InvoiceState};
use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::collections::HashMap;

fn int(base: &Map<String, Value>, k: &str) -> i64 {
    last(base, k).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// An invoice's applications, by whose money they are.
struct Applied {
    /// The import's own rows for the invoice, by key.
    own: HashMap<String, Own>,
    /// Applied by payments of the invoice's source (`linked`).
    real: i64,
    linked: Vec<i64>,
    /// Applied by anything else: people's payments and credits.
    people: i64,
    /// Applied by the source's own credit notes (not the import's
    /// stand-ins).
    notes: i64,
}

/// The payments of the invoice's source that name it, as they stand.
struct Named {
    /// What their refunds took back.
    refunded: i64,
    /// When the last of them was received.
    latest: Option<NaiveDate>,
    /// Those newly linked that succeeded, with what each may still apply
    /// here and when it was received.
    fresh: Vec<(i64, i64, NaiveDate)>,
}

impl Receivables {
    pub fn settle_pending<X: ImportOps>(&mut self, cx: &mut Cx<'_, X>) -> Result<(), ImportError> {
        for (id, src) in std::mem::take(&mut self.pending) {
            self.settle(cx, src, id)?;
        }
        Ok(())
    }

    /// Makes an invoice's applications match what its source says was paid.
    pub fn settle<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        invoice_id: i64,
    ) -> Result<(), ImportError> {
        let inv = cx.itx.invoice(invoice_id)?;
        let Some(ext) = inv.external_id.clone() else { return Ok(()) };
        let base = invoice_baseline(&inv);
        if !inv.status.is_issued() {
            return Ok(());
        }
        let keys = [format!("{ext}#paid"), format!("{ext}#refund"), format!("{ext}#credit")];
        let mut at = applied_to(cx, src, invoice_id, &keys)?;
        let candidates = self.candidates(cx, src, &inv, &base, &at.linked)?;
        let named = self.named(cx, &inv, &at.linked, &candidates)?;
        if !named.fresh.is_empty() && !at.own.is_empty() {
            self.make_way(cx, src, inv.customer_id, &mut at.own)?;
        }
        for &(pid, available, on) in &named.fresh {
            // A payment that names the invoice paid it, whatever an older
            // invoices export says; only the invoice's room limits it.
            let amount = (inv.total_minor - at.real - at.people - at.notes).min(available);
            if amount > 0 {
                cx.itx.apply(invoice_id, pid, false, amount, on)?;
                cx.book.touch(inv.customer_id);
                at.real += amount;
            }
        }
        let applied = self.own_rows(cx, src, &inv, &base, &keys, &at, &named)?;
        self.set_status(cx, &inv, &base, applied)
    }

    /// Payments of `src` in the database that name the invoice (by id, by
    /// number, or by an id the invoice names), not yet applied to it.
    fn candidates<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        inv: &InvoiceState,
        base: &Map<String, Value>,
        linked: &[i64],
    ) -> Result<Vec<i64>, ImportError> {
        let ext = inv.external_id.clone().unwrap_or_default();
        let mut candidates: Vec<i64> = Vec::new();
        for key in [ext, number_key(&inv.number)] {
            candidates.extend(self.links.in_db(cx.itx, src)?.get(&key).into_iter().flatten().copied());
        }
        for r in last(base, "payment_refs").unwrap_or("").split(',').filter(|r| !r.is_empty()) {
            candidates.extend(cx.itx.find_payment(src, r)?.map(|p| p.id));
            candidates.extend(self.links.in_db(cx.itx, src)?.get(&payment_key(r)).into_iter().flatten().copied());
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|c| !linked.contains(c));
        Ok(candidates)
    }

    /// The payments already applied (`linked`) and those that name the
    /// invoice (`candidates`): what they hold for it. A payment of another
    /// customer or currency is not applied, and said so.
    fn named<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        inv: &InvoiceState,
        linked: &[i64],
        candidates: &[i64],
    ) -> Result<Named, ImportError> {
        let keys = [inv.external_id.clone().unwrap_or_default(), number_key(&inv.number)];
        let mut named = Named { refunded: 0, latest: None, fresh: Vec::new() };
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
            let share = share_of(p.source_raw.as_deref(), &keys);
            if share == Some(0) {
                continue;
            }
            named.refunded += p.refunded_minor;
            named.latest = named.latest.max(Some(p.received_on));
            let available = (p.amount_minor - p.refunded_minor - p.applied_minor).min(share.unwrap_or(i64::MAX));
            if new && p.status == PaymentStatus::Succeeded && available > 0 {
                named.fresh.push((pid, available, p.received_on));
            }
        }
        Ok(named)
    }

    /// Real payments come in: the import's own rows make way, and are made
    /// again afterwards for whatever is still missing.
    fn make_way<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        customer_id: i64,
        own: &mut HashMap<String, Own>,
    ) -> Result<(), ImportError> {
        for (key, Own { id, .. }) in own.drain() {
            let credit = !key.ends_with("#paid");
            if credit {
                cx.itx.delete_credit(id)?
            } else {
                cx.itx.delete_payment(id)?
            }
            let what = if credit { Counted::Credits } else { Counted::Payments };
            cx.book.count(customer_id, what, Outcome::Updated, src.label());
            self.said.replaced_payments += u64::from(!credit);
        }
        Ok(())
    }

    /// The import's own payment, refund credit and credit for the invoice
    /// made to cover what the source says was paid and credited and no
    /// payment accounts for. Returns what is applied to it in all.
    #[allow(clippy::too_many_arguments)]
    fn own_rows<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        inv: &InvoiceState,
        base: &Map<String, Value>,
        [k_paid, k_refund, k_credit]: &[String; 3],
        at: &Applied,
        named: &Named,
    ) -> Result<i64, ImportError> {
        let (total, real) = (inv.total_minor, at.real);
        let paid_in_source = int(base, "amount_paid").max(0);
        let target_paid = paid_in_source.min(total);
        // The source's credit notes on the invoice cover the credit it says
        // was applied first (a Stripe pre-payment credit note is part of
        // `total − amount_due`), and what is left of them counts towards
        // what it says was paid (a QuickBooks payment's credit memo, a
        // Stripe post-payment credit note taking refunded money's place).
        let notes_for_credit = at.notes.min(int(base, "credit_applied").max(0));
        let people = at.people + at.notes - notes_for_credit;
        let target_credit = (int(base, "credit_applied") - notes_for_credit).clamp(0, total - target_paid);
        let rest = (target_paid - real - people).max(0);
        let refund = rest.min(named.refunded);
        let made = rest - refund;
        let room = (total - real - people - notes_for_credit - rest).max(0);
        let credit = target_credit.min(room);
        // Credit the invoice used that no credit note on it accounts for:
        // for Stripe, the customer's balance, which holds the
        // customer-balance part of its earlier credit notes. What is left
        // of those is used first, oldest first; the import's own credit
        // stands for the rest only (see `Customers::settle_balances`).
        let notes_left = if src == ImportSource::Stripe && credit > 0 {
            cx.itx.credit_notes_left(inv.customer_id, src, inv.currency, Some(inv.issue_date))?
        } else {
            Vec::new()
        };
        let from_notes = credit.min(notes_left.iter().map(|(_, left)| left).sum());
        let on =
            last(base, "paid_on").filter(|s| !s.is_empty()).map(from_iso).or(named.latest).unwrap_or(inv.issue_date);
        let of = OwnFor {
            src,
            customer_id: inv.customer_id,
            invoice_id: inv.id,
            number: &inv.number,
            currency: inv.currency,
        };
        let extra = self.overpaid(&inv.number, inv.currency, paid_in_source, total, made > 0);
        let mut rows = [
            (k_paid, false, (made, extra), on),
            (k_refund, true, (refund, 0), on),
            (k_credit, true, (credit - from_notes, 0), inv.issue_date),
        ];
        // Rows that shrink first, so the invoice is never applied beyond its
        // total on the way (a refund that became a payment, say).
        rows.sort_by_key(|(key, _, (amount, _), _)| *amount - at.own.get(*key).map_or(0, |o| o.applied));
        for (key, credit, amount, on) in rows {
            self.own_row(cx, &of, key, credit, amount, on, at.own.get(key).copied())?;
        }
        let mut need = from_notes;
        for (note, left) in notes_left {
            let take = left.min(need);
            if take <= 0 {
                break;
            }
            cx.itx.apply(inv.id, note, true, take, inv.issue_date)?;
            need -= take;
        }
        if from_notes > 0 {
            cx.book.touch(inv.customer_id);
            self.balance_dirty.insert(inv.customer_id);
        }
        Ok(real + people + notes_for_credit + made + refund + credit)
    }

    /// Paid when fully applied, open otherwise (uncollectible stays so).
    fn set_status<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        inv: &InvoiceState,
        base: &Map<String, Value>,
        applied: i64,
    ) -> Result<(), ImportError> {
        let status = match inv.status {
            InvoiceStatus::Uncollectible => InvoiceStatus::Uncollectible,
            _ if applied >= inv.total_minor => InvoiceStatus::Paid,
            _ => InvoiceStatus::Open,
        };
        if last(base, "status") == Some("paid") && status == InvoiceStatus::Open {
            self.left_open(&inv.number, applied, inv.total_minor);
        }
        if status != inv.status {
            cx.itx.set_invoice_status(inv.id, status)?;
            cx.book.touch(inv.customer_id);
        }
        Ok(())
    }
}

/// The invoice's applications, sorted by whose money they are; the
/// import's own rows by `keys` ("#paid", "#refund", "#credit").
fn applied_to<X: ImportOps>(
    cx: &mut Cx<'_, X>,
    src: ImportSource,
    invoice_id: i64,
    keys: &[String; 3],
) -> Result<Applied, ImportError> {
    let mut at = Applied { own: HashMap::new(), real: 0, linked: Vec::new(), people: 0, notes: 0 };
    for a in cx.itx.applications(invoice_id, AppsOf::Invoice)? {
        let ext_of = a.from_external_id.clone().unwrap_or_default();
        if a.from_source == Some(src) && keys.contains(&ext_of) {
            let id = a.payment_id.or(a.credit_id).unwrap_or(0);
            // The payment made for the invoice may hold more than it
            // applies (an overpayment's rest).
            let amount = match a.payment_id {
                Some(p) => cx.itx.payment(p)?.amount_minor,
                None => a.amount_minor,
            };
            at.own.insert(ext_of, Own { id, applied: a.amount_minor, on: a.applied_on, amount });
        } else if a.from_source == Some(src) && a.payment_id.is_some() {
            at.real += a.amount_minor;
            at.linked.extend(a.payment_id);
        } else if a.from_source == Some(src) && a.credit_id.is_some() {
            at.notes += a.amount_minor;
        } else {
            at.people += a.amount_minor;
        }
    }
    Ok(at)
}
