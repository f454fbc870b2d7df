//! The page's figures as of a past date (issue 17), from the dated summary
//! of schema version 14: the sums of every dated event on or before the
//! date (`customer_dated_summary`, whose rows the migration's views define
//! and the triggers keep). A handful of rows a day, however many invoices:
//! on a million of them, about 80,000 rows for a date ten years on.
//!
//! What counts on a date, and how an undated event counts, is written in
//! `migrations/0014_dated_events.sql`; the oracle computes the same from
//! the raw rows its own way (`oracle::parts_as_of`) for the tests.

use super::metrics::{PartsByCurrency, by_currency};
use super::{CustomerFigures, Result, Store};
use crate::domain::bounds::weighted;
use crate::domain::date::iso;
use crate::domain::metrics::{Conversations, MetricParts, Metrics, aging_bounds, collect_window_start};
use crate::domain::model::Customer;
use chrono::NaiveDate;

/// The measures of the dated events, as the migration numbers them.
pub(crate) mod measure {
    pub const INVOICES: i64 = 1;
    pub const INVOICE_TOTAL: i64 = 2;
    pub const SHOWN_TOTAL: i64 = 3;
    pub const BILLED: i64 = 4;
    pub const BILLED_APPLIED: i64 = 5;
    pub const BILLED_CREDITED: i64 = 6;
    pub const OPEN_BY_DUE: i64 = 7;
    pub const PAYMENTS: i64 = 8;
    pub const PAYMENT_TOTAL: i64 = 9;
    pub const RECEIVED: i64 = 10;
    pub const REFUNDED: i64 = 11;
    pub const PAYMENT_APPLIED: i64 = 12;
    pub const GRANTED: i64 = 13;
    pub const CREDIT_APPLIED: i64 = 14;
    pub const SUCCEEDED: i64 = 15;
    pub const WINDOW_APPLIED: i64 = 16;
    pub const WINDOW_HI: i64 = 17;
    pub const WINDOW_LO: i64 = 18;
    pub const CREDITS: i64 = 19;
}

/// Each currency's sums: the measure's total, and for the open balance its
/// five aging buckets, for the window measures the part inside the window.
const READ: &str = "
    SELECT currency, measure,
           CASE WHEN measure = 7 THEN CASE WHEN on_date >= ?3 THEN 0 WHEN on_date >= ?4 THEN 1
                                           WHEN on_date >= ?5 THEN 2 WHEN on_date >= ?6 THEN 3 ELSE 4 END
                WHEN measure >= 16 THEN on_date BETWEEN ?7 AND ?2
                ELSE 0 END AS part,
           sum(delta)
    FROM customer_dated_summary WHERE customer_id = ?1 AND day <= ?2
    GROUP BY currency, measure, part";

/// Payments that succeeded and were wholly refunded by the date: measure
/// 15 counts them from the day they were received, and they stop counting
/// on the day of their last refund.
const REFUNDED_AWAY: &str = "
    SELECT p.currency, count(*) FROM payments p
    WHERE p.customer_id = ?1 AND p.status = 'refunded' AND p.received_on <= ?2
      AND (SELECT max(max(r.refunded_on, p.received_on)) FROM refunds r WHERE r.payment_id = p.id) <= ?2
    GROUP BY p.currency";

impl Store {
    /// Raw sums per currency as of the end of `as_of`.
    pub fn metric_parts_as_of(&self, customer_id: i64, as_of: NaiveDate) -> Result<PartsByCurrency> {
        Ok(self.dated_sums(customer_id, as_of)?.0)
    }

    /// The raw sums, and the credits granted by then.
    fn dated_sums(&self, customer_id: i64, as_of: NaiveDate) -> Result<(PartsByCurrency, i64)> {
        let b = aging_bounds(as_of).map(iso);
        let mut out = super::metrics::AllParts::new();
        let mut sums = std::collections::BTreeMap::<(String, i64, i64), i64>::new();
        let mut stmt = self.conn().prepare_cached(READ)?;
        let mut rows =
            stmt.query((customer_id, iso(as_of), &b[0], &b[1], &b[2], &b[3], iso(collect_window_start(as_of))))?;
        while let Some(r) = rows.next()? {
            sums.insert((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?);
        }
        let mut credits = 0;
        for ((currency, m, part), v) in sums {
            if m == measure::CREDITS {
                credits += v;
            } else {
                fill(out.entry((customer_id, currency)).or_default(), m, part, v);
            }
        }
        let mut stmt = self.conn().prepare_cached(REFUNDED_AWAY)?;
        let mut rows = stmt.query((customer_id, iso(as_of)))?;
        while let Some(r) = rows.next()? {
            out.entry((customer_id, r.get(0)?)).or_default().collected_count -= r.get::<_, i64>(1)?;
        }
        Ok((by_currency(out)?, credits))
    }

    /// The days on which something of the customer's changed what it owes
    /// or holds (an invoice issued, money received, a credit granted, …),
    /// oldest first: the boundaries of the figures as of a date.
    pub fn event_days(&self, customer_id: i64) -> Result<Vec<NaiveDate>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT DISTINCT day FROM customer_dated_summary WHERE customer_id = ?1 AND delta <> 0 ORDER BY day",
        )?;
        let rows = stmt.query_map([customer_id], |r| super::tabs::date(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The customer's conversations opened by `as_of`, and those the agent
    /// had resolved by then.
    pub fn conversations_as_of(&self, customer_id: i64, as_of: NaiveDate) -> Result<Conversations> {
        Ok(self.conn().query_row(
            "SELECT count(*) FILTER (WHERE status = 'resolved' AND resolved_by = 'agent' AND resolved_on <= ?2),
                    count(*)
             FROM conversations WHERE customer_id = ?1 AND opened_on <= ?2",
            (customer_id, iso(as_of)),
            |r| Ok(Conversations { auto_resolved: r.get(0)?, total: r.get(1)? }),
        )?)
    }

    /// The whole page's figures as of the end of `as_of`.
    pub fn figures_as_of(&self, customer: &Customer, as_of: NaiveDate) -> Result<CustomerFigures> {
        let (mut parts, credits) = self.dated_sums(customer.id, as_of)?;
        let counts = self.tab_counts_as_of(customer.id, &parts, credits)?;
        let own = parts.remove(&customer.currency).unwrap_or_default();
        let others = parts.into_iter().filter(|(_, p)| *p != MetricParts::default()).collect();
        let metrics = Metrics::from_parts(customer.currency, &own, self.conversations_as_of(customer.id, as_of)?);
        Ok(CustomerFigures { metrics, others, counts, own })
    }
}

impl Store {
    /// Rows per tab as of `as_of`: the invoices and the payments and
    /// credits from the dated sums; the other tabs hold no money and count
    /// as they are.
    pub(super) fn tab_counts_as_of(
        &self,
        customer_id: i64,
        parts: &PartsByCurrency,
        credits: i64,
    ) -> Result<[i64; crate::domain::columns::Tab::COUNT]> {
        use crate::domain::columns::Tab;
        let mut counts = self.tab_counts(customer_id, parts)?;
        counts[Tab::Payments.index()] = parts.values().map(|p| p.payment_count).sum::<i64>() + credits;
        Ok(counts)
    }
}

/// Puts one measure's sum where `MetricParts` keeps it.
fn fill(p: &mut MetricParts, m: i64, part: i64, v: i64) {
    use measure::*;
    match m {
        INVOICES => p.invoice_count += v,
        INVOICE_TOTAL => p.invoice_total_minor += v,
        SHOWN_TOTAL => p.invoice_shown_total_minor += v,
        BILLED => {
            p.billed_minor += v;
            p.invoice_balance_minor += v;
        }
        BILLED_APPLIED => {
            p.billed_applied_minor += v;
            p.invoice_balance_minor -= v;
        }
        BILLED_CREDITED => p.billed_credited_minor += v,
        OPEN_BY_DUE => {
            let bucket = usize::try_from(part).unwrap_or(4).min(4);
            p.aging_minor[bucket] += v;
            p.outstanding_minor += v;
            if bucket > 0 {
                p.overdue_minor += v;
            }
        }
        PAYMENTS => p.payment_count += v,
        PAYMENT_TOTAL => p.payment_total_minor += v,
        RECEIVED => {
            p.collected_minor += v;
            p.unapplied_minor += v;
        }
        REFUNDED => {
            p.collected_minor -= v;
            p.unapplied_minor -= v;
        }
        PAYMENT_APPLIED => p.unapplied_minor -= v,
        GRANTED => p.credit_open_minor += v,
        CREDIT_APPLIED => p.credit_open_minor -= v,
        SUCCEEDED => p.collected_count += v,
        WINDOW_APPLIED if part == 1 => p.window_applied_minor += v,
        WINDOW_HI if part == 1 => p.window_weighted_minor += weighted(v, 0),
        WINDOW_LO if part == 1 => p.window_weighted_minor += weighted(0, v),
        _ => {}
    }
}
