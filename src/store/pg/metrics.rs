//! The customer page's figures on PostgreSQL (`store/metrics.rs`): read
//! from the summaries the triggers keep, and put together by the same
//! `compose` as on SQLite.

use super::super::Result;
use super::super::metrics::{AllParts, PartsByCurrency, by_currency, compose};
use super::prepared::Sql;
use super::store::PgStore;
use crate::domain::bounds::weighted;
use crate::domain::columns::Tab;
use crate::domain::metrics::{Conversations, CustomerFigures, aging_bounds, collect_window_start};
use crate::domain::model::Customer;
use chrono::NaiveDate;

/// Which customers a read covers: one (`$1`), or all of them (`$1` is
/// NULL), as `metrics::Scope` is on SQLite.
fn scope(customer_id: Option<i64>) -> &'static str {
    match customer_id {
        Some(_) => "customer_id = $1",
        None => "$1::bigint IS NULL",
    }
}

/// Raw sums keyed by customer and currency from the summary tables: of one
/// customer, or of every one at once (for `check`).
pub(super) fn parts(c: &mut impl Sql, customer_id: Option<i64>, today: NaiveDate) -> Result<AllParts> {
    let mut out = AllParts::new();
    let filter = scope(customer_id);
    for r in c.query(
        &format!(
            "SELECT customer_id, currency, invoice_count, billed_minor, billed_applied_minor, outstanding_minor,
                    payment_count, collected_count, collected_minor, unapplied_minor, credit_open_minor,
                    invoice_total_minor, payment_total_minor, invoice_shown_total_minor, invoice_balance_minor,
                    billed_credited_minor
             FROM customer_summary WHERE {filter}"
        ),
        &[&customer_id],
    )? {
        let p = out.entry((r.try_get(0)?, r.try_get(1)?)).or_default();
        p.invoice_count = r.try_get(2)?;
        p.billed_minor = r.try_get(3)?;
        p.billed_applied_minor = r.try_get(4)?;
        p.outstanding_minor = r.try_get(5)?;
        p.payment_count = r.try_get(6)?;
        p.collected_count = r.try_get(7)?;
        p.collected_minor = r.try_get(8)?;
        p.unapplied_minor = r.try_get(9)?;
        p.credit_open_minor = r.try_get(10)?;
        p.invoice_total_minor = r.try_get(11)?;
        p.payment_total_minor = r.try_get(12)?;
        p.invoice_shown_total_minor = r.try_get(13)?;
        p.invoice_balance_minor = r.try_get(14)?;
        p.billed_credited_minor = r.try_get(15)?;
    }
    let [b1, b2, b3, b4] = aging_bounds(today);
    for r in c.query(
        &format!(
            "SELECT customer_id, currency,
                    coalesce(sum(open_minor) FILTER (WHERE due_date >= $2), 0)::bigint,
                    coalesce(sum(open_minor) FILTER (WHERE due_date < $2 AND due_date >= $3), 0)::bigint,
                    coalesce(sum(open_minor) FILTER (WHERE due_date < $3 AND due_date >= $4), 0)::bigint,
                    coalesce(sum(open_minor) FILTER (WHERE due_date < $4 AND due_date >= $5), 0)::bigint,
                    coalesce(sum(open_minor) FILTER (WHERE due_date < $5), 0)::bigint
             FROM customer_due_summary WHERE {filter} GROUP BY customer_id, currency"
        ),
        &[&customer_id, &b1, &b2, &b3, &b4],
    )? {
        let p = out.entry((r.try_get(0)?, r.try_get(1)?)).or_default();
        for i in 0..5 {
            p.aging_minor[i] = r.try_get(i + 2)?;
        }
        p.overdue_minor = p.aging_minor[1..].iter().sum();
    }
    // As on SQLite: each sum is safe in a bigint (at most 365 rows a
    // customer and currency), joined in i128.
    for r in c.query(
        &format!(
            "SELECT customer_id, currency, sum(applied_minor)::bigint, sum(weighted_hi)::bigint,
                    sum(weighted_lo)::bigint
             FROM customer_collect_summary WHERE {filter} AND received_on BETWEEN $2 AND $3
             GROUP BY customer_id, currency"
        ),
        &[&customer_id, &collect_window_start(today), &today],
    )? {
        let p = out.entry((r.try_get(0)?, r.try_get(1)?)).or_default();
        p.window_applied_minor = r.try_get(2)?;
        p.window_weighted_minor = weighted(r.try_get(3)?, r.try_get(4)?);
    }
    Ok(out)
}

/// The conversations the Auto-Resolved card counts.
const AUTO_RESOLVED: &str = "status = 'resolved' AND resolved_by = 'agent'";

impl PgStore {
    /// Raw sums per currency from the summary tables.
    pub fn metric_parts(&self, customer_id: i64, today: NaiveDate) -> Result<PartsByCurrency> {
        by_currency(parts(&mut self.client()?, Some(customer_id), today)?)
    }

    pub fn conversations(&self, customer_id: i64) -> Result<Conversations> {
        let r = self.client()?.query_one(
            &format!(
                "SELECT count(*) FILTER (WHERE {AUTO_RESOLVED}), count(*) FROM conversations WHERE customer_id = $1"
            ),
            &[&customer_id],
        )?;
        Ok(Conversations { auto_resolved: r.try_get(0)?, total: r.try_get(1)? })
    }

    /// The tables counted on their customer's index for the tabs that
    /// have no summary (the Payments tab counts its credits beside).
    fn counted_table(tab: Tab) -> Option<&'static str> {
        match tab {
            Tab::Invoices => None,
            Tab::Payments => Some("credits"),
            Tab::Contracts => Some("contracts"),
            Tab::Contacts => Some("contacts"),
            Tab::Documents => Some("documents"),
            Tab::Activity => Some("audit_log"),
            Tab::Conversations => Some("conversations"),
        }
    }

    /// Each tab's unfiltered count: from the summaries where the tab has
    /// them (`Tabular::SUMMARY`), with the Payments tab's credits counted
    /// beside; the rest counted on their customer's index, all in one
    /// statement (a round trip each was most of their cost), with the
    /// conversations' auto-resolved figure.
    fn tab_counts_and_conversations(
        &self,
        customer_id: i64,
        parts: &PartsByCurrency,
    ) -> Result<([i64; Tab::COUNT], Conversations)> {
        let tables: Vec<(Tab, &str)> = Tab::ALL.iter().filter_map(|&t| Some((t, Self::counted_table(t)?))).collect();
        let mut sql: Vec<String> =
            tables.iter().map(|(_, t)| format!("(SELECT count(*) FROM {t} WHERE customer_id = $1)")).collect();
        sql.push(format!("(SELECT count(*) FROM conversations WHERE customer_id = $1 AND {AUTO_RESOLVED})"));
        let r = self.client()?.query_one(&format!("SELECT {}", sql.join(", ")), &[&customer_id])?;
        let mut counts = [0; Tab::COUNT];
        let mut total_conversations = 0;
        for tab in Tab::ALL {
            let counted = match tables.iter().position(|(t, _)| *t == tab) {
                Some(i) => r.try_get::<_, i64>(i)?,
                None => 0,
            };
            if tab == Tab::Conversations {
                total_conversations = counted;
            }
            let kept = crate::per_tab!(tab, |R| <R as crate::domain::tabs::Tabular>::SUMMARY)
                .map(|s| parts.values().map(s.count).sum::<i64>());
            counts[tab.index()] = kept.unwrap_or(0) + counted;
        }
        let auto_resolved: i64 = r.try_get(tables.len())?;
        Ok((counts, Conversations { auto_resolved, total: total_conversations }))
    }

    /// Each tab's unfiltered count (`tab_counts_and_conversations`).
    pub(crate) fn tab_counts(&self, customer_id: i64, parts: &PartsByCurrency) -> Result<[i64; Tab::COUNT]> {
        Ok(self.tab_counts_and_conversations(customer_id, parts)?.0)
    }

    /// The whole page's figures: metrics, other currencies and tab counts;
    /// as of the store's date when it reads as of one (`set_as_of`).
    pub fn figures(&self, customer: &Customer, today: NaiveDate) -> Result<CustomerFigures> {
        if let Some(d) = self.as_of {
            return self.figures_as_of(customer, d);
        }
        let parts = self.metric_parts(customer.id, today)?;
        let (counts, conversations) = self.tab_counts_and_conversations(customer.id, &parts)?;
        Ok(compose(customer, parts, counts, conversations))
    }
}
