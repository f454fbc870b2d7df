//! The oracle: the page's figures computed the plain way, to compare the
//! summaries and the metric formulas against. Everything here is written
//! apart from `domain::metrics` on purpose, so that a mistake there shows
//! as a difference here instead of being shared: it reads the raw rows only
//! (never the cached `applied_minor` columns, never the summaries), sorts
//! open balances into aging buckets by counting the days past due itself,
//! draws the 365-day window itself, and derives every card (percent, days
//! to collect and its rounding, credit, overdue) with its own arithmetic.
//! Slow on a million invoices, and that is the point.

use super::metrics::{AllParts, PartsByCurrency, Scope, by_currency};
use super::{CustomerFigures, Result, Store};
use crate::domain::Currency;
use crate::domain::metrics::{Conversations, MetricParts, Metrics};
use crate::domain::model::Customer;
use crate::domain::money::Money;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Σ live applications of `{of}`, from the applications themselves.
fn applied(column: &str, of: &str) -> String {
    format!(
        "(SELECT coalesce(sum(a.amount_minor), 0) FROM applications a WHERE a.removed_on IS NULL AND a.{column} = {of})"
    )
}

pub(super) fn day(s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, format!("bad date {s}: {e}").into())
    })
}

/// Which of Current, 1–30, 31–60, 61–90, 90+ an open balance due on `due`
/// falls in on `today`, by its days past due.
pub(super) fn bucket_of(due: NaiveDate, today: NaiveDate) -> usize {
    let late = today.signed_duration_since(due).num_days();
    if late < 1 {
        0
    } else if late < 31 {
        1
    } else if late < 61 {
        2
    } else if late < 91 {
        3
    } else {
        4
    }
}

/// One invoice as the oracle reads it.
pub(super) struct OracleInvoice<'a> {
    pub status: &'a str,
    pub total: i64,
    /// Read for an open invoice only.
    pub due: NaiveDate,
    pub applied: i64,
    pub credited: i64,
}

/// Adds one invoice to its customer's sums by the oracle's own reading of
/// the rules (either backend's rows).
pub(super) fn add_invoice(p: &mut MetricParts, i: &OracleInvoice<'_>, today: NaiveDate) {
    p.invoice_count += 1;
    p.invoice_total_minor += i.total;
    if i.status != "cancelled" {
        p.invoice_shown_total_minor += i.total;
    }
    if matches!(i.status, "open" | "uncollectible") {
        p.invoice_balance_minor += i.total - i.applied;
    }
    if matches!(i.status, "open" | "paid" | "uncollectible") {
        p.billed_minor += i.total;
        p.billed_applied_minor += i.applied;
        p.billed_credited_minor += i.credited;
    }
    if i.status == "open" {
        let owed = i.total - i.applied;
        p.outstanding_minor += owed;
        let bucket = bucket_of(i.due, today);
        p.aging_minor[bucket] += owed;
        if bucket > 0 {
            p.overdue_minor += owed;
        }
    }
}

/// Adds one payment (its status, amount, refunded and applied parts).
pub(super) fn add_payment(p: &mut MetricParts, status: &str, amount: i64, refunded: i64, applied: i64) {
    p.payment_count += 1;
    p.payment_total_minor += amount;
    if status == "succeeded" {
        p.collected_count += 1;
        p.unapplied_minor += amount - refunded - applied;
    }
    if status == "succeeded" || status == "refunded" {
        p.collected_minor += amount - refunded;
    }
}

/// Adds one live application of a succeeded payment inside the window,
/// weighted by its days in i128 (a customer's sum may pass i64: see
/// bounds.rs); money received before the invoice was issued counts 0 days.
pub(super) fn add_collection(p: &mut MetricParts, amount: i64, received: NaiveDate, issued: NaiveDate) {
    p.window_applied_minor += amount;
    p.window_weighted_minor +=
        i128::from(amount) * i128::from(received.signed_duration_since(issued).num_days().max(0));
}

/// Whether a payment received on `on` counts towards Avg. Days to Collect on
/// `today`: it is at most 364 days old (the window is 365 days, today
/// included) and not in the future.
pub(super) fn in_window(on: NaiveDate, today: NaiveDate) -> bool {
    (0..365).contains(&today.signed_duration_since(on).num_days())
}

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
        // What each invoice has from credit: live applications of credits.
        let sql = format!(
            "SELECT i.customer_id, i.currency, i.status, i.total_minor, i.due_date, {},
                    (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
                     WHERE a.removed_on IS NULL AND a.invoice_id = i.id AND a.credit_id IS NOT NULL)
             FROM invoices i WHERE {}",
            applied("invoice_id", "i.id"),
            scope.filter("i.customer_id")
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let p = out.entry((r.get(0)?, r.get(1)?)).or_default();
            let status: String = r.get(2)?;
            // Only an open invoice's due date is read (it ages).
            let due = if status == "open" { day(&r.get::<_, String>(4)?)? } else { NaiveDate::MIN };
            let invoice =
                OracleInvoice { status: &status, total: r.get(3)?, due, applied: r.get(5)?, credited: r.get(6)? };
            add_invoice(p, &invoice, today);
        }
        let sql = format!(
            "SELECT p.customer_id, p.currency, p.status, p.amount_minor, p.refunded_minor, {}
             FROM payments p WHERE {}",
            applied("payment_id", "p.id"),
            scope.filter("p.customer_id")
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let p = out.entry((r.get(0)?, r.get(1)?)).or_default();
            add_payment(p, &r.get::<_, String>(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        }
        let sql = format!(
            // A voided credit counts nowhere (schema 10).
            "SELECT c.customer_id, c.currency, c.amount_minor, {} FROM credits c WHERE c.status = 'issued' AND {}",
            applied("credit_id", "c.id"),
            scope.filter("c.customer_id")
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let (amount, applied): (i64, i64) = (r.get(2)?, r.get(3)?);
            out.entry((r.get(0)?, r.get(1)?)).or_default().credit_open_minor += amount - applied;
        }
        // Each live application of a succeeded payment, weighted by its
        // days in i128 (a customer's sum may pass i64: see bounds.rs); money
        // received before the invoice was issued counts 0 days.
        let sql = format!(
            "SELECT p.customer_id, p.currency, a.amount_minor, p.received_on, i.issue_date
             FROM applications a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id
             WHERE {} AND p.status = 'succeeded' AND a.removed_on IS NULL",
            scope.filter("p.customer_id")
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let received = day(&r.get::<_, String>(3)?)?;
            if !in_window(received, today) {
                continue;
            }
            let issued = day(&r.get::<_, String>(4)?)?;
            add_collection(out.entry((r.get(0)?, r.get(1)?)).or_default(), r.get(2)?, received, issued);
        }
        Ok(out)
    }

    /// The page's figures from the raw rows and the oracle's own formulas,
    /// for comparisons with `figures`.
    pub fn figures_oracle(&self, customer: &Customer, today: NaiveDate) -> Result<CustomerFigures> {
        let mut parts = self.metric_parts_oracle(customer.id, today)?;
        // The summary tabs' counts from the oracle's own parts; the others
        // are a plain count(*) either way.
        let counts = self.tab_counts(customer.id, &parts)?;
        let own = parts.remove(&customer.currency).unwrap_or_default();
        let others: Vec<(Currency, MetricParts)> =
            parts.into_iter().filter(|(_, p)| *p != MetricParts::default()).collect();
        let conversations = self.conn().query_row(
            "SELECT coalesce(sum(status = 'resolved' AND resolved_by = 'agent'), 0), count(*)
             FROM conversations WHERE customer_id = ?1",
            [customer.id],
            |r| Ok(Conversations { auto_resolved: r.get(0)?, total: r.get(1)? }),
        )?;
        Ok(CustomerFigures { metrics: cards(customer.currency, &own, conversations), others, counts, own })
    }
}

/// The cards from raw sums, by the definitions of design §3, with no call
/// into `domain::metrics`.
pub(crate) fn cards(currency: Currency, p: &MetricParts, conversations: Conversations) -> Metrics {
    let money = |minor| Money::new(minor, currency);
    // Credit is no money: what it settled is taken off what was billed and
    // is not collected.
    let (billed, paid) = (p.billed_minor - p.billed_credited_minor, p.billed_applied_minor - p.billed_credited_minor);
    // Whole percent collected, never rounded up to 100.
    let collected_percent =
        if billed > 0 && paid > 0 { (i128::from(paid) * 100 / i128::from(billed)).min(100) as u8 } else { 0 };
    Metrics {
        currency,
        total_billed: money(billed),
        billed_collected: money(paid),
        collected_percent,
        outstanding: money(p.outstanding_minor),
        overdue: money(p.aging_minor[1] + p.aging_minor[2] + p.aging_minor[3] + p.aging_minor[4]),
        credit_balance: money(p.unapplied_minor + p.credit_open_minor),
        conversations,
        avg_days_to_collect: hundredths(p.window_weighted_minor, p.window_applied_minor),
        total_collected: money(p.collected_minor),
        collected_count: p.collected_count,
        aging: p.aging_minor.map(money),
    }
}

/// `weighted / applied` in hundredths, halves away from zero, by integer
/// division: `None` when nothing was applied.
fn hundredths(weighted: i128, applied: i64) -> Option<Decimal> {
    if applied <= 0 {
        return None;
    }
    let (n, d) = (weighted * 100, i128::from(applied));
    let (mut q, r) = (n / d, n % d);
    if 2 * r.abs() >= d {
        q += n.signum();
    }
    Some(Decimal::from_i128_with_scale(q, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn buckets_and_window_by_counting_days() {
        let today = d("2026-03-31");
        assert_eq!(bucket_of(d("2026-03-31"), today), 0);
        assert_eq!(bucket_of(d("2026-03-30"), today), 1);
        assert_eq!(bucket_of(d("2026-03-01"), today), 1);
        assert_eq!(bucket_of(d("2026-02-28"), today), 2);
        assert_eq!(bucket_of(d("2025-12-31"), today), 3);
        assert_eq!(bucket_of(d("2025-12-30"), today), 4);
        assert!(in_window(today, today));
        assert!(in_window(d("2025-04-01"), today));
        assert!(!in_window(d("2025-03-31"), today));
        assert!(!in_window(d("2026-04-01"), today));
    }

    #[test]
    fn hundredths_round_half_away_from_zero() {
        assert_eq!(hundredths(9200, 300), Some(Decimal::new(3067, 2)));
        assert_eq!(hundredths(345, 10).unwrap().to_string(), "34.50");
        assert_eq!(hundredths(1, 200).unwrap().to_string(), "0.01");
        assert_eq!(hundredths(-1, 200).unwrap().to_string(), "-0.01");
        assert_eq!(hundredths(1, 201).unwrap().to_string(), "0.00");
        assert_eq!(hundredths(0, 0), None);
    }
}
