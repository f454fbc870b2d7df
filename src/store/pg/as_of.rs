//! The page's figures as of a past date on PostgreSQL (`store/as_of.rs`):
//! the same sums of the dated summary, in the same order, put where
//! `MetricParts` keeps them by the same `add_dated`.

use super::super::as_of::{DATED_VALUES, add_dated};
use super::super::day_summary::{COLUMNS, nonzero};
use super::super::metrics::{AllParts, PartsByCurrency, by_currency, compose};
use super::super::{CustomerFigures, Result};
use super::store::PgStore;
use crate::domain::columns::Tab;
use crate::domain::metrics::{Conversations, aging_bounds, collect_window_start};
use crate::domain::model::Customer;
use chrono::NaiveDate;

/// Each currency's sums, as `as_of::read_sql` (an undated row's `on_date`
/// is '-infinity', before every date, as SQLite's '' is).
fn read_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let totals = COLUMNS.iter().map(|c| format!("coalesce(sum({c}), 0)::bigint")).collect::<Vec<_>>().join(", ");
        format!(
            "SELECT currency, {totals},
                    coalesce(sum(open_by_due) FILTER (WHERE on_date >= $3), 0)::bigint,
                    coalesce(sum(open_by_due) FILTER (WHERE on_date < $3 AND on_date >= $4), 0)::bigint,
                    coalesce(sum(open_by_due) FILTER (WHERE on_date < $4 AND on_date >= $5), 0)::bigint,
                    coalesce(sum(open_by_due) FILTER (WHERE on_date < $5 AND on_date >= $6), 0)::bigint,
                    coalesce(sum(open_by_due) FILTER (WHERE on_date < $6), 0)::bigint,
                    coalesce(sum(window_applied) FILTER (WHERE on_date BETWEEN $7 AND $2), 0)::bigint,
                    coalesce(sum(window_hi) FILTER (WHERE on_date BETWEEN $7 AND $2), 0)::bigint,
                    coalesce(sum(window_lo) FILTER (WHERE on_date BETWEEN $7 AND $2), 0)::bigint
             FROM customer_day_summary WHERE customer_id = $1 AND day <= $2
             GROUP BY currency"
        )
    })
}

/// Payments that succeeded and were wholly refunded by the date, as
/// `as_of::REFUNDED_AWAY`.
const REFUNDED_AWAY: &str = "
    SELECT p.currency, count(*) FROM payments p
    WHERE p.customer_id = $1 AND p.status = 'refunded' AND p.received_on <= $2
      AND (SELECT max(greatest(r.refunded_on, p.received_on)) FROM refunds r WHERE r.payment_id = p.id) <= $2
    GROUP BY p.currency";

impl PgStore {
    /// Raw sums per currency as of the end of `as_of`.
    pub fn metric_parts_as_of(&self, customer_id: i64, as_of: NaiveDate) -> Result<PartsByCurrency> {
        Ok(self.dated_sums(customer_id, as_of)?.0)
    }

    fn dated_sums(&self, customer_id: i64, as_of: NaiveDate) -> Result<(PartsByCurrency, i64)> {
        let [b1, b2, b3, b4] = aging_bounds(as_of);
        let window = collect_window_start(as_of);
        let mut out = AllParts::new();
        let mut credits = 0;
        let mut c = self.client()?;
        for r in c.query(read_sql(), &[&customer_id, &as_of, &b1, &b2, &b3, &b4, &window])? {
            let values = (1..=DATED_VALUES).map(|i| r.try_get(i)).collect::<Result<Vec<i64>, _>>()?;
            add_dated(out.entry((customer_id, r.try_get(0)?)).or_default(), &mut credits, &values);
        }
        for r in c.query(REFUNDED_AWAY, &[&customer_id, &as_of])? {
            out.entry((customer_id, r.try_get(0)?)).or_default().collected_count -= r.try_get::<_, i64>(1)?;
        }
        Ok((by_currency(out)?, credits))
    }

    /// The days on which something of the customer's changed what it owes
    /// or holds, oldest first.
    pub fn event_days(&self, customer_id: i64) -> Result<Vec<NaiveDate>> {
        let sql = format!(
            "SELECT DISTINCT day FROM customer_day_summary WHERE customer_id = $1 AND ({}) ORDER BY day",
            nonzero("")
        );
        let rows = self.client()?.query(&sql, &[&customer_id])?;
        Ok(rows.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?)
    }

    /// The customer's conversations opened by `as_of`, and those the agent
    /// had resolved by then.
    pub fn conversations_as_of(&self, customer_id: i64, as_of: NaiveDate) -> Result<Conversations> {
        let r = self.client()?.query_one(
            "SELECT count(*) FILTER (WHERE status = 'resolved' AND resolved_by = 'agent' AND resolved_on <= $2),
                    count(*)
             FROM conversations WHERE customer_id = $1 AND opened_on <= $2",
            &[&customer_id, &as_of],
        )?;
        Ok(Conversations { auto_resolved: r.try_get(0)?, total: r.try_get(1)? })
    }

    /// The whole page's figures as of the end of `as_of`: the invoices'
    /// and the payments' and credits' counts from the dated sums, the other
    /// tabs as they are.
    pub fn figures_as_of(&self, customer: &Customer, as_of: NaiveDate) -> Result<CustomerFigures> {
        let (parts, credits) = self.dated_sums(customer.id, as_of)?;
        let mut counts = self.tab_counts(customer.id, &parts)?;
        counts[Tab::Payments.index()] = parts.values().map(|p| p.payment_count).sum::<i64>() + credits;
        Ok(compose(customer, parts, counts, self.conversations_as_of(customer.id, as_of)?))
    }
}
