//! The metrics computed the straightforward way, from the raw rows only
//! (never the cached `applied_minor` columns or the summaries). Slow on a
//! million invoices, and that is the point: it is the oracle that `ardesk
//! check` and the tests compare the summaries against.

pub(crate) use super::metrics::AllParts;
use super::metrics::{PartsByCurrency, Scope, aging_sums, bounds_params, by_currency};
use super::{Result, Store};
use crate::domain::date::iso;
use crate::domain::metrics::collect_window_start;
use chrono::NaiveDate;

/// Σ applications of invoice `i`, from the applications themselves.
const APPLIED: &str = "(SELECT coalesce(sum(a.amount_minor), 0) FROM applications a WHERE a.invoice_id = i.id)";

impl Store {
    /// Raw sums per currency, recomputed from invoices, payments, credits
    /// and applications.
    pub fn metric_parts_oracle(&self, customer_id: i64, today: NaiveDate) -> Result<PartsByCurrency> {
        by_currency(self.parts_oracle(Scope::One, Some(customer_id), today)?)
    }

    /// Every customer's raw sums recomputed from the raw rows, for `check`.
    pub(crate) fn all_parts_oracle(&self, today: NaiveDate) -> Result<AllParts> {
        self.parts_oracle(Scope::All, None, today)
    }

    fn parts_oracle(&self, scope: Scope, customer_id: Option<i64>, today: NaiveDate) -> Result<AllParts> {
        let mut out = AllParts::new();
        let b = bounds_params(today);
        let open_bal = format!("CASE WHEN i.status = 'open' THEN i.total_minor - {APPLIED} END");
        let sql = format!(
            "SELECT i.customer_id, i.currency, count(*), coalesce(sum(i.total_minor), 0),
                    coalesce(sum(CASE WHEN i.status IN ('open', 'paid', 'uncollectible') THEN i.total_minor END), 0),
                    coalesce(sum(CASE WHEN i.status IN ('open', 'paid', 'uncollectible') THEN {APPLIED} END), 0),
                    coalesce(sum({open_bal}), 0),
                    {aging}
             FROM invoices i WHERE {scope} GROUP BY i.customer_id, i.currency",
            aging = aging_sums(&open_bal, "i.due_date"),
            scope = scope.filter("i.customer_id"),
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query((customer_id, &b[0], &b[1], &b[2], &b[3]))?;
        while let Some(r) = rows.next()? {
            let p = out.entry((r.get(0)?, r.get(1)?)).or_default();
            p.invoice_count = r.get(2)?;
            p.invoice_total_minor = r.get(3)?;
            p.billed_minor = r.get(4)?;
            p.billed_applied_minor = r.get(5)?;
            p.outstanding_minor = r.get(6)?;
            for k in 0..5 {
                p.aging_minor[k] = r.get(7 + k)?;
            }
            p.overdue_minor = p.aging_minor[1..].iter().sum();
        }
        let mut stmt = self.conn().prepare(&format!(
            "SELECT p.customer_id, p.currency, count(*), coalesce(sum(p.amount_minor), 0),
                    count(*) FILTER (WHERE p.status = 'succeeded'),
                    coalesce(sum(CASE WHEN p.status IN ('succeeded', 'refunded') THEN p.amount_minor - p.refunded_minor END), 0),
                    coalesce(sum(CASE WHEN p.status = 'succeeded' THEN p.amount_minor - p.refunded_minor
                        - (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a WHERE a.payment_id = p.id) END), 0)
             FROM payments p WHERE {} GROUP BY p.customer_id, p.currency",
            scope.filter("p.customer_id")
        ))?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let p = out.entry((r.get(0)?, r.get(1)?)).or_default();
            p.payment_count = r.get(2)?;
            p.payment_total_minor = r.get(3)?;
            p.collected_count = r.get(4)?;
            p.collected_minor = r.get(5)?;
            p.unapplied_minor = r.get(6)?;
        }
        let mut stmt = self.conn().prepare(&format!(
            "SELECT c.customer_id, c.currency, coalesce(sum(c.amount_minor
                    - (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a WHERE a.credit_id = c.id)), 0)
             FROM credits c WHERE {} GROUP BY c.customer_id, c.currency",
            scope.filter("c.customer_id")
        ))?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            out.entry((r.get(0)?, r.get(1)?)).or_default().credit_open_minor = r.get(2)?;
        }
        // Row by row in i128: the weighted sum may pass i64 (bounds.rs).
        let mut stmt = self.conn().prepare(&format!(
            "SELECT p.customer_id, p.currency, a.amount_minor,
                    CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)
             FROM applications a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id
             WHERE {} AND p.status = 'succeeded' AND p.received_on BETWEEN ?2 AND ?3",
            scope.filter("p.customer_id")
        ))?;
        let mut rows = stmt.query((customer_id, iso(collect_window_start(today)), iso(today)))?;
        while let Some(r) = rows.next()? {
            let p = out.entry((r.get(0)?, r.get(1)?)).or_default();
            let (amount, days): (i64, i64) = (r.get(2)?, r.get(3)?);
            p.window_applied_minor += amount;
            p.window_weighted_minor += i128::from(amount) * i128::from(days);
        }
        Ok(out)
    }

    /// The page's figures from the oracle, for comparisons.
    pub fn figures_oracle(
        &self,
        customer: &crate::domain::model::Customer,
        today: NaiveDate,
    ) -> Result<super::CustomerFigures> {
        let parts = self.metric_parts_oracle(customer.id, today)?;
        self.figures_from(customer, parts, today)
    }
}
