//! Refunds keyed by their own ids (Stripe refund objects): each one a row
//! of the payment it refunds, found by the charge it names (payments are
//! keyed on the charge) or else by its payment intent (another id of the
//! same payment, `links`). The run merges them after every payment
//! (`ObjectKind::Refunds` is the last phase), so a charge of the same run
//! is found whichever file brought it; one that is in neither the run nor
//! the database is refused.
//!
//! A charge says what was refunded of it in all (`amount_refunded`),
//! which counts the refund objects too. So a payment's refunded amount is
//! the larger of what its charge says and Σ its keyed refunds (with those
//! recorded in ardesk): importing both, in either order, in one run or
//! several, never counts a refund twice. Its rows add up to it: one per
//! keyed refund with its own date and reason, and one unkeyed row for what
//! the charge says beyond them (`store::refund_rows::settle`). A refund
//! that would take more than is left of the payment is refused. Money
//! taken back that the payment had applied to invoices is unapplied and
//! those invoices settled again, which covers what their source still
//! counts paid with a refund credit (`settle`): a refund does not reopen
//! an invoice; Total Collected falls by it.

use super::Cx;
use super::links::payment_key;
use super::raw::{baseline, last};
use super::receivables::Receivables;
use crate::domain::Money;
use crate::domain::date::from_iso;
use crate::domain::status::*;
use crate::import::ImportError;
use crate::import::parse::record::ImportedRefund;
use crate::import::report::{Counted, Outcome};
use crate::store::import::ImportOps;
use crate::store::import::{AppsOf, KeyedRefund, PaymentState};

impl Receivables {
    /// The payment a refund names, if it is in the database.
    fn refunded_payment<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        r: &ImportedRefund,
    ) -> Result<Option<PaymentState>, ImportError> {
        for id in r.payment.iter().chain(&r.payment_alias) {
            if let Some(p) = cx.itx.find_payment(src, id)? {
                return Ok(Some(p));
            }
        }
        if let Some(alias) = &r.payment_alias {
            let found = self.links.in_db(cx.itx, src)?.get(&payment_key(alias)).and_then(|ids| ids.first()).copied();
            if let Some(id) = found {
                return Ok(Some(cx.itx.payment(id)?));
            }
        }
        Ok(None)
    }

    pub fn apply_refund<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        r: &ImportedRefund,
    ) -> Result<(), ImportError> {
        let (what, line, ext) = (Counted::Refunds, r.line, r.external_id.as_str());
        let named = r.payment.as_deref().or(r.payment_alias.as_deref()).unwrap_or("");
        let Some(p) = self.refunded_payment(cx, src, r)? else {
            let reason = format!(
                "refund {ext} is of charge {named}, which is not in ardesk: import the charges in the same run or before"
            );
            cx.book.refuse(line, what, reason);
            return Ok(());
        };
        let m = |x: i64| Money::new(x, p.currency).plain();
        if p.currency != r.currency {
            let reason =
                format!("refund {ext} is in {} but charge {named} is in {}", r.currency.code(), p.currency.code());
            cx.book.refuse(line, what, reason);
            return Ok(());
        }
        if !matches!(p.status, PaymentStatus::Succeeded | PaymentStatus::Refunded) {
            let reason =
                format!("refund {ext}: charge {named} is {}, so nothing of it was collected", p.status.as_db());
            cx.book.refuse(line, what, reason);
            return Ok(());
        }
        let keyed = cx.itx.keyed_refunds(p.id)?;
        let mine = keyed.iter().find(|k| k.external_id == r.external_id);
        let reason: String = r.reason.chars().take(1000).collect();
        // Never before the money it returns.
        let on = r.refunded_on.max(p.received_on);
        if let Some(k) = mine
            && (k.on, k.amount_minor, k.reason.as_str()) == (on, r.amount_minor, reason.as_str())
        {
            cx.book.count(p.customer_id, what, Outcome::Unchanged, src.label());
            return Ok(());
        }
        let others: i64 = keyed.iter().filter(|k| k.external_id != r.external_id).map(|k| k.amount_minor).sum();
        let recorded = cx.itx.recorded_refunds_minor(p.id)?;
        let left = p.amount_minor - others - recorded;
        if r.amount_minor > left {
            let reason = format!(
                "refund {ext} of {} is more than is left to refund of charge {named} ({} of {})",
                m(r.amount_minor),
                m(left.max(0)),
                m(p.amount_minor)
            );
            cx.book.refuse(line, what, reason);
            return Ok(());
        }
        // What the charge says was refunded already counts this refund.
        let total = p.refunded_minor.max(others + r.amount_minor + recorded);
        if p.applied_minor > p.amount_minor - total {
            for a in cx.itx.applications(p.id, AppsOf::Payment)? {
                cx.itx.reverse_application(a.id)?;
                self.pending.insert(a.invoice_id, src);
            }
        }
        let status = if total == p.amount_minor { PaymentStatus::Refunded } else { p.status };
        let base = baseline(p.source_raw.as_deref());
        let source_on = last(&base, "refunded_on").filter(|s| !s.is_empty()).map(from_iso);
        let row = KeyedRefund {
            id: mine.map_or(0, |k| k.id),
            external_id: r.external_id.clone(),
            on,
            amount_minor: r.amount_minor,
            reason,
        };
        cx.itx.put_keyed_refund(p.id, &row, total, status, source_on)?;
        cx.book.touch(p.customer_id);
        let outcome = if mine.is_some() { Outcome::Updated } else { Outcome::Created };
        cx.book.count(p.customer_id, what, outcome, src.label());
        Ok(())
    }
}
