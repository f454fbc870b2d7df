//! Small-balance write-offs: an open invoice left a little short is
//! closed with an `adjustment` credit of exactly its balance, applied to
//! it, and the invoice is paid. Balances above the organization's limit
//! are refused unless the user said so. Voided like a credit note
//! (`credit_notes`), which is how one is reversed.

use super::credit_notes::{checked_reason, mark};
use super::{allocate, dates_in_bounds, picked};
use crate::domain::date::iso;
use crate::domain::status::InvoiceStatus;
use crate::domain::{Currency, Money};
use crate::store::inserts::{self, NewCreditRow};
use crate::store::seed::AppliedFrom;
use crate::store::{Audit, Result, Store, StoreError, now_utc};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde_json::json;

/// What a small-balance write-off will do (or did).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmallBalancePreview {
    /// (id, number, balance closed) of the invoices it closes.
    pub close: Vec<(i64, String, Money)>,
    /// (number, reason) of those it leaves.
    pub refused: Vec<(String, String)>,
    /// (id, number, balance) of those refused only for owing more than the
    /// limit: the user may say to close them anyway.
    pub over_limit: Vec<(i64, String, Money)>,
    /// The organization's limit, in minor units of each invoice's currency.
    pub limit_minor: i64,
    /// Σ closed per currency.
    pub currency_totals: Vec<(Currency, i64)>,
}

/// Decides, inside the transaction, which of `ids` a small-balance
/// write-off on `on` closes.
fn classify_small(
    conn: &Connection,
    customer_id: i64,
    ids: &[i64],
    on: Option<NaiveDate>,
    allow_over_limit: bool,
) -> Result<SmallBalancePreview> {
    let limit: i64 = conn.query_row("SELECT small_balance_limit_minor FROM organization", [], |r| r.get(0))?;
    let mut over_limit = Vec::new();
    let sorted =
        picked::sort(conn, customer_id, ids, |p| small_refusal(p, on, limit, allow_over_limit, &mut over_limit))?;
    Ok(small_preview(sorted, over_limit, limit))
}

/// An invoice owing more than the limit, named in `over_limit` so the
/// user may say to close it anyway.
type OverLimit = Vec<(i64, String, Money)>;

/// Why a small-balance write-off on `on` leaves an invoice (`None`: it
/// closes it); one left only for owing more than `limit` is also put in
/// `over_limit`.
pub(crate) fn small_refusal(
    p: &picked::Picked,
    on: Option<NaiveDate>,
    limit: i64,
    allow_over_limit: bool,
    over_limit: &mut OverLimit,
) -> Option<String> {
    match p.status {
        Some(InvoiceStatus::Open) if p.balance <= 0 => Some("owes nothing: there is no balance to close".to_string()),
        Some(InvoiceStatus::Open) => p.issued_after(on).or_else(|| {
            (p.balance > limit && !allow_over_limit).then(|| {
                over_limit.push((p.id, p.number.clone(), p.money(p.balance)));
                format!(
                    "owes {}, more than the small-balance limit of {}",
                    p.money(p.balance).display(),
                    p.money(limit).display()
                )
            })
        }),
        Some(InvoiceStatus::Paid) => Some("is paid: there is no balance to close".to_string()),
        Some(InvoiceStatus::Draft) => Some("is a draft: it was never issued, so nothing is owed".to_string()),
        Some(InvoiceStatus::Cancelled) => Some("is cancelled: nothing is owed".to_string()),
        Some(InvoiceStatus::Uncollectible) => {
            Some("is written off as bad debt: reverse that first to close it as a small balance".to_string())
        }
        None => Some(format!("has an unknown status {}", p.status_text)),
    }
}

/// The preview of a small-balance write-off from the invoices sorted.
pub(crate) fn small_preview(sorted: picked::Sorted, over_limit: OverLimit, limit: i64) -> SmallBalancePreview {
    SmallBalancePreview {
        close: sorted.taken,
        refused: sorted.refused,
        over_limit,
        limit_minor: limit,
        currency_totals: sorted.totals,
    }
}

/// Another writer changed an invoice between deciding and closing it.
pub(crate) fn changed_while_closing(number: &str) -> StoreError {
    StoreError::Conflict(format!("invoice {number} changed while closing it"))
}

/// The audit entry of the adjustment credit `id` closing an invoice.
pub(crate) fn closed_small(
    customer_id: i64,
    id: i64,
    number: &str,
    balance: Money,
    on: NaiveDate,
    reason: &str,
) -> Audit<'static> {
    Audit {
        customer_id: Some(customer_id),
        entity: "credit",
        entity_id: Some(id),
        action: "small_balance_write_off",
        summary: format!(
            "wrote off the small balance of {} on invoice {number} on {}: {reason}",
            balance.display(),
            iso(on)
        ),
        before: Some(json!({"invoice": number, "status": "open", "balance_minor": balance.minor})),
        after: Some(json!({"invoice": number, "status": "paid", "adjustment": balance.plain(),
            "on": iso(on), "reason": reason})),
    }
}

impl Store {
    /// What a small-balance write-off of these invoices on `on` would do.
    pub fn small_balance_preview(
        &self,
        customer_id: i64,
        ids: &[i64],
        on: Option<NaiveDate>,
        allow_over_limit: bool,
    ) -> Result<SmallBalancePreview> {
        classify_small(self.conn(), customer_id, ids, on, allow_over_limit)
    }

    /// Closes the balance of each invoice that can be (decided again inside
    /// the transaction) with an adjustment credit of exactly that balance,
    /// applied on `on`: the invoice is paid. Balances above the limit only
    /// with `allow_over_limit`. Refuses the whole write when none can be.
    pub fn small_balance_write_off(
        &mut self,
        customer_id: i64,
        ids: &[i64],
        on: NaiveDate,
        reason: &str,
        allow_over_limit: bool,
    ) -> Result<SmallBalancePreview> {
        dates_in_bounds(&[("write-off date", Some(on))])?;
        let reason = checked_reason(reason, "small-balance write-off")?.to_string();
        let who = self.who().to_string();
        self.write(|tx| {
            let plan = classify_small(tx, customer_id, ids, Some(on), allow_over_limit)?;
            if plan.close.is_empty() {
                return Err(picked::none_taken(&plan.refused, "no invoice to close"));
            }
            let at = now_utc();
            for (invoice_id, number, balance) in &plan.close {
                let row = NewCreditRow {
                    id: None,
                    customer_id,
                    granted_on: on,
                    amount_minor: balance.minor,
                    applied_minor: 0,
                    currency: balance.currency,
                    reason: &reason,
                    source: None,
                    created_at: &at,
                };
                let id = inserts::insert_credit(tx, &row)?;
                mark(tx, id, "adjustment", None, Some(*invoice_id))?;
                let paid = allocate::apply(tx, AppliedFrom::Credit(id), &[(*invoice_id, balance.minor)], on)?;
                if paid != [true] {
                    return Err(changed_while_closing(number));
                }
                closed_small(customer_id, id, number, *balance, on, &reason).write_at(tx, &who, &at)?;
            }
            Ok(plan)
        })
    }
}
