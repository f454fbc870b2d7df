//! Refunding a succeeded payment, as an accountant books it: the refund
//! first takes the payment's unapplied remainder (customer credit), and only
//! when it needs more does it take money back from the invoices the payment
//! paid, newest application first; those invoices owe again (paid becomes
//! open; partial and overdue follow from the balance). A payment refunded in
//! full is `refunded`. Σ applied ≤ amount − refunded holds throughout.
//! Each refund is a row of `refunds` (its date and reason, as entered),
//! written with the sum on the payment and the audit row.

use super::{dates_in_bounds, invalid, versioned};
use crate::domain::Money;
use crate::domain::date::iso;
use crate::domain::detail::{REFUND_REASON_MAX, RefundDate};
use crate::domain::edit::RefundDraft;
use crate::domain::status::PaymentStatus;
use crate::store::inserts::{self, NewApplicationRow, NewRefundRow};
use crate::store::seed::AppliedFrom;
use crate::store::tabs::date;
use crate::store::{Audit, Result, Store, StoreError, now_utc};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde_json::json;

/// Money taken back from one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reversal {
    pub invoice_id: i64,
    pub number: String,
    pub amount_minor: i64,
    /// The invoice was paid and owes again.
    pub reopens: bool,
}

/// What a refund does (or did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPlan {
    pub payment_id: i64,
    pub currency: crate::domain::Currency,
    /// What could be refunded before: amount − refunded so far.
    pub refundable_minor: i64,
    /// Taken from the payment's unapplied remainder.
    pub from_unapplied_minor: i64,
    /// Taken back from invoices, newest application first.
    pub reversals: Vec<Reversal>,
    /// The payment's status after the refund.
    pub status: PaymentStatus,
}

/// The payment as the refund finds it.
pub(crate) struct Paid {
    pub(crate) customer_id: i64,
    reference: String,
    amount: i64,
    refunded: i64,
    applied: i64,
    status: String,
    pub(crate) currency: crate::domain::Currency,
    /// ISO.
    received_on: String,
    pub(crate) version: i64,
}

/// A payment's columns as `load` reads them: customer, reference, amount,
/// refunded, applied, status, currency, received (ISO), version.
pub(crate) type PaidCols = (i64, String, i64, i64, i64, String, String, String, i64);

/// A live application of a payment as a refund plans over it: invoice id,
/// number, amount, the invoice's status.
pub(crate) type PaidApp = (i64, String, i64, String);

fn load(conn: &Connection, payment_id: i64) -> Result<Paid> {
    let row = conn
        .query_row(
            "SELECT customer_id, reference, amount_minor, refunded_minor, applied_minor, status, currency,
                    received_on, version
             FROM payments WHERE id = ?1",
            [payment_id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get::<_, String>(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            },
        )
        .optional()?;
    paid_from(payment_id, row)
}

/// The payment as the refund finds it, from its columns (`None`: gone).
pub(crate) fn paid_from(payment_id: i64, row: Option<PaidCols>) -> Result<Paid> {
    let Some((customer_id, reference, amount, refunded, applied, status, cur, received_on, version)) = row else {
        return Err(StoreError::NotFound(format!("payment #{payment_id} (it was deleted elsewhere)")));
    };
    let currency = cur.parse().map_err(|_| invalid(format!("payment #{payment_id} has a bad currency {cur}")))?;
    Ok(Paid { customer_id, reference, amount, refunded, applied, status, currency, received_on, version })
}

pub(crate) fn label(p: &Paid, id: i64) -> String {
    if p.reference.trim().is_empty() { format!("payment #{id}") } else { format!("payment {}", p.reference) }
}

/// Decides what refunding `amount_minor` of the payment takes from where;
/// refuses what cannot be refunded. Reads only.
fn plan(conn: &Connection, payment_id: i64, p: &Paid, amount_minor: i64) -> Result<RefundPlan> {
    plan_with(payment_id, p, amount_minor, || {
        let mut stmt = conn.prepare_cached(
            "SELECT i.id, i.number, a.amount_minor, i.status FROM applications a JOIN invoices i ON i.id = a.invoice_id
             WHERE a.payment_id = ?1 AND a.removed_on IS NULL ORDER BY a.applied_on DESC, a.id DESC",
        )?;
        let apps: Vec<PaidApp> = stmt
            .query_map([payment_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(apps)
    })
}

/// `plan` for either backend: `apps` reads the payment's live
/// applications, newest first, when the refund needs more than what is
/// unapplied.
pub(crate) fn plan_with(
    payment_id: i64,
    p: &Paid,
    amount_minor: i64,
    apps: impl FnOnce() -> Result<Vec<PaidApp>>,
) -> Result<RefundPlan> {
    let money = |m| Money::new(m, p.currency).display();
    if p.status == PaymentStatus::Refunded.as_db() {
        return Err(invalid(format!("nothing is left to refund: {} was refunded in full", label(p, payment_id))));
    }
    if p.status != PaymentStatus::Succeeded.as_db() {
        let status = PaymentStatus::from_db(&p.status).map_or(p.status.as_str(), |s| s.label());
        return Err(invalid(format!(
            "only a succeeded payment can be refunded; {} is {}",
            label(p, payment_id),
            status.to_lowercase()
        )));
    }
    let refundable = p.amount - p.refunded;
    if amount_minor <= 0 {
        return Err(invalid("the refund must be more than zero"));
    }
    if amount_minor > refundable {
        let already = if p.refunded > 0 { format!(", {} already refunded", money(p.refunded)) } else { String::new() };
        return Err(invalid(format!(
            "at most {} can be refunded ({} received{already})",
            money(refundable),
            money(p.amount)
        )));
    }
    let unapplied = p.amount - p.refunded - p.applied;
    let from_unapplied = amount_minor.min(unapplied);
    let mut need = amount_minor - from_unapplied;
    let mut reversals = Vec::new();
    if need > 0 {
        for (invoice_id, number, applied, status) in apps()? {
            if need == 0 {
                break;
            }
            let take = applied.min(need);
            need -= take;
            match reversals.iter_mut().find(|r: &&mut Reversal| r.invoice_id == invoice_id) {
                Some(r) => r.amount_minor += take,
                None => reversals.push(Reversal { invoice_id, number, amount_minor: take, reopens: status == "paid" }),
            }
        }
    }
    if need > 0 {
        return Err(invalid(format!(
            "{}'s applications add up to less than its applied amount: run ardesk check",
            label(p, payment_id)
        )));
    }
    let status = if amount_minor == refundable { PaymentStatus::Refunded } else { PaymentStatus::Succeeded };
    Ok(RefundPlan {
        payment_id,
        currency: p.currency,
        refundable_minor: refundable,
        from_unapplied_minor: from_unapplied,
        reversals,
        status,
    })
}

/// Takes `take` back from the payment's live applications to one invoice,
/// newest first: an application is reversed on the refund's date (on the
/// day it was applied, if that is later: an application never stops
/// counting before it began), and one that is only partly taken is made
/// anew with the rest, as of its first date (applications never change);
/// the rest counts from the refund (`insert_application`), so the books as
/// of any day hold the whole or the rest, never both (issue 17).
pub(super) fn reverse(
    tx: &rusqlite::Transaction<'_>,
    payment_id: i64,
    invoice_id: i64,
    take: i64,
    on: NaiveDate,
) -> Result<()> {
    let apps: Vec<(i64, i64, NaiveDate)> = tx
        .prepare_cached(
            "SELECT id, amount_minor, applied_on FROM applications
             WHERE payment_id = ?1 AND invoice_id = ?2 AND removed_on IS NULL
             ORDER BY applied_on DESC, id DESC",
        )?
        .query_map((payment_id, invoice_id), |r| Ok((r.get(0)?, r.get(1)?, date(r, 2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for step in taken_back(&apps, take, on) {
        tx.execute("UPDATE applications SET removed_on = ?2 WHERE id = ?1", (step.id, iso(step.until)))?;
        if step.rest > 0 {
            let rest = NewApplicationRow {
                invoice_id,
                from: AppliedFrom::Payment(payment_id),
                amount_minor: step.rest,
                applied_on: step.applied_on,
                created_at: &now_utc(),
            };
            inserts::insert_application(tx, &rest)?;
        }
    }
    Ok(())
}

/// One application a reversal stops: removed on `until`, and `rest` (when
/// more than zero) made anew as of `applied_on`.
pub(crate) struct TakeBack {
    pub(crate) id: i64,
    pub(crate) until: NaiveDate,
    pub(crate) rest: i64,
    pub(crate) applied_on: NaiveDate,
}

/// What `reverse` does to the live applications `apps` (id, amount,
/// applied on; newest first) to take back `take` on `on`.
pub(crate) fn taken_back(apps: &[(i64, i64, NaiveDate)], mut take: i64, on: NaiveDate) -> Vec<TakeBack> {
    let mut steps = Vec::new();
    for &(id, amount, applied_on) in apps {
        if take == 0 {
            break;
        }
        let until = on.max(applied_on);
        let part = amount.min(take);
        take -= part;
        steps.push(TakeBack { id, until, rest: amount - part, applied_on });
    }
    steps
}

/// A paid invoice that money was taken back from owes again: it is open
/// (partial and overdue follow from its balance), and its version moves so
/// an open edit form sees it changed. False when it was not paid or is
/// still paid in full.
pub(super) fn reopen_if_owing(tx: &rusqlite::Transaction<'_>, invoice_id: i64) -> Result<bool> {
    let changed = tx
        .prepare_cached(
            "UPDATE invoices SET status = 'open', version = version + 1
             WHERE id = ?1 AND status = 'paid' AND applied_minor < total_minor",
        )?
        .execute([invoice_id])?;
    Ok(changed == 1)
}

impl Store {
    /// What refunding `amount_minor` of a payment would do; writes nothing.
    pub fn refund_preview(&self, payment_id: i64, amount_minor: i64) -> Result<RefundPlan> {
        let p = load(self.conn(), payment_id)?;
        plan(self.conn(), payment_id, &p, amount_minor)
    }

    /// Refunds part or all of a succeeded payment seen at `version`, in one
    /// transaction with an audit row for the payment and one for each
    /// invoice that owes again.
    pub fn refund_payment(&mut self, payment_id: i64, version: i64, d: &RefundDraft) -> Result<RefundPlan> {
        checked_refund(d)?;
        let who = self.who().to_string();
        self.write(|tx| refund_in(tx, &who, payment_id, Some(version), d))
    }
}

/// The refund itself, inside the caller's transaction: the payment at
/// `version` (any version when `None`: a credit note refunding its excess
/// reads the payment in the same transaction), its reason already checked.
pub(super) fn refund_in(
    tx: &rusqlite::Transaction<'_>,
    who: &str,
    payment_id: i64,
    version: Option<i64>,
    d: &RefundDraft,
) -> Result<RefundPlan> {
    let reason = d.reason.trim();
    let p = load(tx, payment_id)?;
    let what = label(&p, payment_id);
    let version = version.unwrap_or(p.version);
    refundable_now(&p, payment_id, version, d)?;
    let plan = plan(tx, payment_id, &p, d.amount_minor)?;
    let at = now_utc();
    for r in &plan.reversals {
        reverse(tx, payment_id, r.invoice_id, r.amount_minor, d.refunded_on)?;
        if r.reopens && reopen_if_owing(tx, r.invoice_id)? {
            reopened(&p, &what, r).write_at(tx, who, &at)?;
        }
    }
    versioned(
        tx,
        "UPDATE payments SET refunded_minor = refunded_minor + ?3, status = ?4, version = version + 1
             WHERE id = ?1 AND version = ?2",
        &[&payment_id, &version, &d.amount_minor, &plan.status.as_db()],
        "payments",
        payment_id,
        &what,
    )?;
    refunded(&p, payment_id, &plan, d).write_at(tx, who, &at)?;
    let row = NewRefundRow {
        payment_id,
        refunded_on: d.refunded_on,
        amount_minor: d.amount_minor,
        reason,
        dated_from: RefundDate::Recorded,
        created_at: &at,
    };
    inserts::insert_refund(tx, &row)?;
    Ok(plan)
}

/// A refund as entered: a reason (trimmed, required, not too long) and a
/// date within bounds.
pub(crate) fn checked_refund(d: &RefundDraft) -> Result<()> {
    let reason = d.reason.trim();
    if reason.is_empty() {
        return Err(invalid("say why the money is refunded"));
    }
    let long = reason.chars().count();
    if long > REFUND_REASON_MAX {
        return Err(invalid(format!(
            "the reason is {long} characters long; a refund keeps at most {REFUND_REASON_MAX}"
        )));
    }
    dates_in_bounds(&[("refund date", Some(d.refunded_on))])
}

/// Refuses refunding the payment seen at `version` as `d` says: someone
/// changed it since, or the refund is dated before the money came.
pub(crate) fn refundable_now(p: &Paid, payment_id: i64, version: i64, d: &RefundDraft) -> Result<()> {
    if p.version != version {
        let what = label(p, payment_id);
        return Err(StoreError::Conflict(format!("{what} was changed by someone else since you opened it")));
    }
    if iso(d.refunded_on) < p.received_on {
        return Err(invalid(format!(
            "the refund date {} is before the payment was received ({})",
            iso(d.refunded_on),
            p.received_on
        )));
    }
    Ok(())
}

/// The audit entry of an invoice that owes again after the refund `what`.
pub(crate) fn reopened(p: &Paid, what: &str, r: &Reversal) -> Audit<'static> {
    let money = |m| Money::new(m, p.currency);
    Audit {
        customer_id: Some(p.customer_id),
        entity: "invoice",
        entity_id: Some(r.invoice_id),
        action: "reopen",
        summary: format!("invoice {} owes {} again: {what} was refunded", r.number, money(r.amount_minor).display()),
        before: Some(json!({"status": "paid"})),
        after: Some(json!({"status": "open", "reversed": money(r.amount_minor).plain()})),
    }
}

/// The audit entry of the refund itself.
pub(crate) fn refunded(p: &Paid, payment_id: i64, plan: &RefundPlan, d: &RefundDraft) -> Audit<'static> {
    let reason = d.reason.trim();
    let what = label(p, payment_id);
    let money = |m| Money::new(m, p.currency);
    let spread: Vec<String> =
        plan.reversals.iter().map(|r| format!("{} {}", r.number, money(r.amount_minor).display())).collect();
    let from = match (plan.from_unapplied_minor, spread.is_empty()) {
        (_, true) => "from its unapplied credit".to_string(),
        (0, false) => format!("taken back from {}", spread.join(", ")),
        (u, false) => format!("{} from its unapplied credit, then {}", money(u).display(), spread.join(", ")),
    };
    Audit {
        customer_id: Some(p.customer_id),
        entity: "payment",
        entity_id: Some(payment_id),
        action: "refund",
        summary: format!(
            "refunded {} of {what} on {}, {from}: {reason}",
            money(d.amount_minor).display(),
            iso(d.refunded_on)
        ),
        before: Some(json!({"status": p.status, "refunded": money(p.refunded).plain(),
                "applied": money(p.applied).plain()})),
        after: Some(json!({"status": plan.status.as_db(), "refunded": money(p.refunded + d.amount_minor).plain(),
                "applied": money(p.applied - (d.amount_minor - plan.from_unapplied_minor)).plain(),
                "refund": {"on": iso(d.refunded_on), "amount": money(d.amount_minor).plain(), "reason": reason},
                "reversed": plan.reversals.iter().map(|r| json!({"invoice": r.number,
                    "amount": money(r.amount_minor).plain(), "reopened": r.reopens})).collect::<Vec<_>>()})),
    }
}
