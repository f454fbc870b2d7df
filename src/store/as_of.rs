//! The page's figures as of a past date (issue 17), from the dated summary
//! (version 20: `customer_day_summary`, one row per day and date with a
//! column per measure, whose rows the migration's views define and the
//! triggers keep): the sums of every dated event on or before the date. A
//! few rows a day, however many invoices.
//!
//! What counts on a date, and how an undated event counts, is written in
//! `migrations/0014_dated_events.sql`; the oracle computes the same from
//! the raw rows its own way (`oracle::parts_as_of`) for the tests.

use super::day_summary::{COLUMNS, nonzero};
use super::metrics::{PartsByCurrency, by_currency};
use super::{CustomerFigures, Result, Store};
use crate::domain::bounds::weighted;
use crate::domain::date::iso;
use crate::domain::metrics::{Conversations, MetricParts, aging_bounds, collect_window_start};
use crate::domain::model::Customer;
use chrono::NaiveDate;

/// The measures of the dated events, as the migrations number them
/// (measure `m` is the column `day_summary::COLUMNS[m - 1]`).
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

/// Each currency's sums: every measure's total, then the open balance in
/// its five aging buckets and the window measures' part inside the window.
fn read_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let totals = COLUMNS.iter().map(|c| format!("sum({c})")).collect::<Vec<_>>().join(", ");
        format!(
            "SELECT currency, {totals},
                    coalesce(sum(open_by_due) FILTER (WHERE on_date >= ?3), 0),
                    coalesce(sum(open_by_due) FILTER (WHERE on_date < ?3 AND on_date >= ?4), 0),
                    coalesce(sum(open_by_due) FILTER (WHERE on_date < ?4 AND on_date >= ?5), 0),
                    coalesce(sum(open_by_due) FILTER (WHERE on_date < ?5 AND on_date >= ?6), 0),
                    coalesce(sum(open_by_due) FILTER (WHERE on_date < ?6), 0),
                    coalesce(sum(window_applied) FILTER (WHERE on_date BETWEEN ?7 AND ?2), 0),
                    coalesce(sum(window_hi) FILTER (WHERE on_date BETWEEN ?7 AND ?2), 0),
                    coalesce(sum(window_lo) FILTER (WHERE on_date BETWEEN ?7 AND ?2), 0)
             FROM customer_day_summary WHERE customer_id = ?1 AND day <= ?2
             GROUP BY currency"
        )
    })
}

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
        let mut credits = 0;
        let mut stmt = self.conn().prepare_cached(read_sql())?;
        let mut rows =
            stmt.query((customer_id, iso(as_of), &b[0], &b[1], &b[2], &b[3], iso(collect_window_start(as_of))))?;
        while let Some(r) = rows.next()? {
            let values = (1..=DATED_VALUES).map(|i| r.get(i)).collect::<rusqlite::Result<Vec<i64>>>()?;
            add_dated(out.entry((customer_id, r.get(0)?)).or_default(), &mut credits, &values);
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
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT DISTINCT day FROM customer_day_summary WHERE customer_id = ?1 AND ({}) ORDER BY day",
            nonzero("")
        ))?;
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
        let (parts, credits) = self.dated_sums(customer.id, as_of)?;
        let counts = self.tab_counts_as_of(customer.id, &parts, credits)?;
        Ok(super::metrics::compose(customer, parts, counts, self.conversations_as_of(customer.id, as_of)?))
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

/// How many sums a dated read gives after the currency: every measure's
/// total, the open balance in five buckets, the three window measures.
pub(crate) const DATED_VALUES: usize = COLUMNS.len() + 5 + 3;

/// Puts one currency's dated sums (`DATED_VALUES` of them, in the order
/// of `read_sql`) where `MetricParts` keeps them, and the credits granted
/// by then in `credits`; for either backend.
pub(crate) fn add_dated(p: &mut MetricParts, credits: &mut i64, values: &[i64]) {
    let n = COLUMNS.len();
    for m in 1..=n {
        let v = values[m - 1];
        match m as i64 {
            measure::CREDITS => *credits += v,
            // Read by bucket and inside the window below.
            measure::OPEN_BY_DUE | measure::WINDOW_APPLIED | measure::WINDOW_HI | measure::WINDOW_LO => {}
            m => fill(p, m, 0, v),
        }
    }
    for bucket in 0..5 {
        fill(p, measure::OPEN_BY_DUE, bucket as i64, values[n + bucket]);
    }
    for (i, m) in [measure::WINDOW_APPLIED, measure::WINDOW_HI, measure::WINDOW_LO].into_iter().enumerate() {
        fill(p, m, 1, values[n + 5 + i]);
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
