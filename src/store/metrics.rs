//! The customer page's figures, read from the summaries that the triggers
//! keep: a handful of index lookups however many invoices there are.

use super::{Result, Store, StoreError};
use crate::domain::Currency;
use crate::domain::bounds::weighted;
use crate::domain::date::iso;
pub use crate::domain::metrics::CustomerFigures;
use crate::domain::metrics::{Conversations, MetricParts, Metrics, aging_bounds, collect_window_start};
use crate::domain::model::Customer;
use chrono::NaiveDate;
use std::collections::BTreeMap;

pub(crate) type PartsByCurrency = BTreeMap<Currency, MetricParts>;

/// SQL that sums open balances into the five aging buckets; `?2`..`?5` are
/// `aging_bounds`, `{bal}` the balance expression and `{due}` the due date.
pub(crate) fn aging_sums(bal: &str, due: &str) -> String {
    format!(
        "coalesce(sum(CASE WHEN {due} >= ?2 THEN {bal} END), 0),
         coalesce(sum(CASE WHEN {due} < ?2 AND {due} >= ?3 THEN {bal} END), 0),
         coalesce(sum(CASE WHEN {due} < ?3 AND {due} >= ?4 THEN {bal} END), 0),
         coalesce(sum(CASE WHEN {due} < ?4 AND {due} >= ?5 THEN {bal} END), 0),
         coalesce(sum(CASE WHEN {due} < ?5 THEN {bal} END), 0)"
    )
}

pub(crate) fn bounds_params(today: NaiveDate) -> [String; 4] {
    aging_bounds(today).map(iso)
}

/// Raw sums keyed by customer and currency as stored (text, so a damaged
/// code is reported by `check` rather than stopping it).
pub(crate) type AllParts = BTreeMap<(i64, String), MetricParts>;

/// Which customers a query covers: one (`?1`), or every one at once.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    One,
    All,
}

impl Scope {
    /// The `WHERE` condition on `{col}` for this scope.
    pub(crate) fn filter(self, col: &str) -> String {
        match self {
            Scope::One => format!("{col} = ?1"),
            Scope::All => format!("?1 IS NULL AND {col} IS NOT NULL"),
        }
    }
}

/// Turns the text currency keys of one customer's sums into currencies.
pub(crate) fn by_currency(parts: AllParts) -> Result<PartsByCurrency> {
    let mut out = PartsByCurrency::new();
    for ((_, code), p) in parts {
        let cur = code.parse().map_err(|_| StoreError::Invalid(format!("bad currency {code}")))?;
        out.insert(cur, p);
    }
    Ok(out)
}

impl Store {
    /// Raw sums per currency from the summary tables.
    pub fn metric_parts(&self, customer_id: i64, today: NaiveDate) -> Result<PartsByCurrency> {
        by_currency(self.parts(Scope::One, Some(customer_id), today)?)
    }

    /// Every customer's raw sums from the summary tables, for `check`.
    pub(crate) fn all_parts(&self, today: NaiveDate) -> Result<AllParts> {
        self.parts(Scope::All, None, today)
    }

    fn parts(&self, scope: Scope, customer_id: Option<i64>, today: NaiveDate) -> Result<AllParts> {
        let mut out = AllParts::new();
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT customer_id, currency, invoice_count, billed_minor, billed_applied_minor, outstanding_minor,
                    payment_count, collected_count, collected_minor, unapplied_minor, credit_open_minor,
                    invoice_total_minor, payment_total_minor, invoice_shown_total_minor, invoice_balance_minor,
                    billed_credited_minor
             FROM customer_summary WHERE {}",
            scope.filter("customer_id")
        ))?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let p = out.entry((r.get(0)?, r.get(1)?)).or_default();
            p.invoice_count = r.get(2)?;
            p.billed_minor = r.get(3)?;
            p.billed_applied_minor = r.get(4)?;
            p.outstanding_minor = r.get(5)?;
            p.payment_count = r.get(6)?;
            p.collected_count = r.get(7)?;
            p.collected_minor = r.get(8)?;
            p.unapplied_minor = r.get(9)?;
            p.credit_open_minor = r.get(10)?;
            p.invoice_total_minor = r.get(11)?;
            p.payment_total_minor = r.get(12)?;
            p.invoice_shown_total_minor = r.get(13)?;
            p.invoice_balance_minor = r.get(14)?;
            p.billed_credited_minor = r.get(15)?;
        }
        let b = bounds_params(today);
        let sql = format!(
            "SELECT customer_id, currency, {} FROM customer_due_summary WHERE {} GROUP BY customer_id, currency",
            aging_sums("open_minor", "due_date"),
            scope.filter("customer_id")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut rows = stmt.query((customer_id, &b[0], &b[1], &b[2], &b[3]))?;
        while let Some(r) = rows.next()? {
            let p = out.entry((r.get(0)?, r.get(1)?)).or_default();
            for i in 0..5 {
                p.aging_minor[i] = r.get(i + 2)?;
            }
            p.overdue_minor = p.aging_minor[1..].iter().sum();
        }
        // At most 365 rows a customer and currency: Σ applied ≤ 10^17,
        // Σ hi ≤ 1.1 × 10^16, Σ lo < 365 × 10^6, each safe in SQLite's
        // i64; joined in i128 (bounds.rs).
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT customer_id, currency, sum(applied_minor), sum(weighted_hi), sum(weighted_lo)
             FROM customer_collect_summary WHERE {} AND received_on BETWEEN ?2 AND ?3 GROUP BY customer_id, currency",
            scope.filter("customer_id")
        ))?;
        let mut rows = stmt.query((customer_id, iso(collect_window_start(today)), iso(today)))?;
        while let Some(r) = rows.next()? {
            let p = out.entry((r.get(0)?, r.get(1)?)).or_default();
            p.window_applied_minor = r.get(2)?;
            p.window_weighted_minor = weighted(r.get(3)?, r.get(4)?);
        }
        Ok(out)
    }

    /// The applications Avg. Days to Collect weighs, newest payment first:
    /// payments in `currency` received in the 365 days to `today`, applied
    /// to invoices (credit left out, reversed applications left out), with
    /// the days from issue to payment as the collect summary counts them (0
    /// for money received before the invoice was issued).
    pub fn collections(
        &self,
        customer_id: i64,
        currency: crate::domain::money::Currency,
        today: NaiveDate,
    ) -> Result<Vec<crate::domain::metrics::Collection>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.received_on, p.reference, i.number, i.issue_date, a.amount_minor,
                    max(0, CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER))
             FROM payments p JOIN applications a ON a.payment_id = p.id AND a.removed_on IS NULL
             JOIN invoices i ON i.id = a.invoice_id
             WHERE p.customer_id = ?1 AND p.currency = ?2 AND p.received_on BETWEEN ?3 AND ?4
             ORDER BY p.received_on DESC, p.id DESC, i.number",
        )?;
        let rows =
            stmt.query_map((customer_id, currency.code(), iso(collect_window_start(today)), iso(today)), |r| {
                Ok(crate::domain::metrics::Collection {
                    received_on: super::tabs::date(r, 0)?,
                    reference: r.get(1)?,
                    invoice: r.get(2)?,
                    issue_date: super::tabs::date(r, 3)?,
                    amount: crate::domain::Money::new(r.get(4)?, currency),
                    days: r.get(5)?,
                })
            })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn conversations(&self, customer_id: i64) -> Result<Conversations> {
        Ok(self.conn().query_row(
            "SELECT count(*) FILTER (WHERE status = 'resolved' AND resolved_by = 'agent'), count(*)
             FROM conversations WHERE customer_id = ?1",
            [customer_id],
            |r| Ok(Conversations { auto_resolved: r.get(0)?, total: r.get(1)? }),
        )?)
    }

    /// The whole page's figures: metrics, other currencies and tab counts.
    /// As of the store's date when it reads as of one (`set_as_of`).
    pub fn figures(&self, customer: &Customer, today: NaiveDate) -> Result<CustomerFigures> {
        if let Some(d) = self.as_of() {
            return self.figures_as_of(customer, d);
        }
        let parts = self.metric_parts(customer.id, today)?;
        self.figures_from(customer, parts, today)
    }

    pub(crate) fn figures_from(
        &self,
        customer: &Customer,
        parts: PartsByCurrency,
        _today: NaiveDate,
    ) -> Result<CustomerFigures> {
        let counts = self.tab_counts(customer.id, &parts)?;
        Ok(compose(customer, parts, counts, self.conversations(customer.id)?))
    }
}

/// The page's figures from what either backend read: the sums per
/// currency, the tabs' counts and the conversations.
pub(crate) fn compose(
    customer: &Customer,
    mut parts: PartsByCurrency,
    counts: [i64; crate::domain::columns::Tab::COUNT],
    conversations: Conversations,
) -> CustomerFigures {
    let own = parts.remove(&customer.currency).unwrap_or_default();
    let others = parts.into_iter().filter(|(_, p)| *p != MetricParts::default()).collect();
    let metrics = Metrics::from_parts(customer.currency, &own, conversations);
    CustomerFigures { metrics, others, counts, own }
}
