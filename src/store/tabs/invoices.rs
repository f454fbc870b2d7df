//! The Invoices tab's SQL.

use super::{currency, date, opt_date, stored};
use crate::domain::Money;
use crate::domain::columns::Col;
use crate::domain::filter::StatusWord;
use crate::domain::model::InvoiceRow;
use crate::domain::status::InvoiceStatus;
use crate::store::filter_sql::StatusSql;
use crate::store::window::{Searched, TabRow};
use rusqlite::Row;

impl TabRow for InvoiceRow {
    const SELECT: &'static str = "i.id, i.number, i.total_minor, i.currency, i.applied_minor, i.issue_date, \
         i.due_date, i.status, nullif(i.contract_name, ''), i.period_start, i.period_end, i.balance_minor, i.memo, \
         i.credited_minor, \
         (SELECT max(coalesce(ip.ended_on, ip.until_on) || ' ' || ip.paused_on) FROM invoice_pauses ip \
          WHERE ip.invoice_id = i.id)";
    const FROM: &'static str = "invoices i";
    const WHERE: &'static str = "i.customer_id = ?1";
    const ID: &'static str = "i.id";
    const SORT: &'static [(Col, &'static str)] = &[
        (Col::InvNumber, "i.number"),
        (Col::InvTotal, "i.total_minor"),
        (Col::InvBalance, "i.balance_minor"),
        (Col::InvDate, "i.issue_date"),
        (Col::InvDue, "i.due_date"),
        (Col::InvStatus, "i.status"),
        (Col::InvContract, "i.contract_name"),
        (Col::InvPeriod, "coalesce(i.period_start, '')"),
    ];
    const FILTER: &'static [(Col, &'static str)] = &[(Col::InvPeriod, "i.period_start")];
    const PERIODS: &'static [(Col, &'static str, &'static str)] = &[(Col::InvPeriod, "i.period_start", "i.period_end")];
    const TEXT_COLS: &'static [&'static str] = &["i.number", "i.contract_name"];
    const SEARCH: Option<Searched> = Some(Searched { table: "invoice_search", cols: &["i.number", "i.contract_name"] });
    const SCATTERED: &'static [Col] = &[Col::InvTotal, Col::InvBalance];
    // Cancelled invoices are left out of Σ total (their balance is 0).
    const SUM: Option<(&'static str, &'static str)> =
        Some(("CASE WHEN i.status <> 'cancelled' THEN i.total_minor ELSE 0 END", "i.currency"));
    const BALANCE: Option<&'static str> = Some("i.balance_minor");

    fn status_sql(w: StatusWord) -> Option<StatusSql> {
        use StatusWord::*;
        Some(match w {
            Draft => StatusSql::Plain("i.status = 'draft'"),
            Open => StatusSql::Plain("i.status = 'open'"),
            Overdue => StatusSql::BeforeToday("(i.status = 'open' AND i.due_date < ?today)"),
            Partial => StatusSql::Plain("(i.status = 'open' AND i.applied_minor > 0)"),
            Paid => StatusSql::Plain("i.status = 'paid'"),
            Cancelled => StatusSql::Plain("i.status = 'cancelled'"),
            Uncollectible => StatusSql::Plain("i.status = 'uncollectible'"),
            // As `InvoiceRow::paused` (`domain::collections::paused_on_day`).
            Paused => StatusSql::BeforeToday(
                "EXISTS (SELECT 1 FROM invoice_pauses ip WHERE ip.invoice_id = i.id AND ip.paused_on <= ?today \
                 AND coalesce(ip.ended_on, ip.until_on) > ?today)",
            ),
            // The buckets of `domain::metrics::aging_bucket`: current is
            // due today or later, then 1–30, 31–60, 61–90 and over 90 days
            // past due; open invoices with a balance, as the strip sums.
            Aging(0) => StatusSql::BeforeToday(
                "(i.status = 'open' AND i.total_minor > i.applied_minor AND i.due_date >= ?today)",
            ),
            Aging(1) => StatusSql::BeforeToday(
                "(i.status = 'open' AND i.total_minor > i.applied_minor AND i.due_date < ?today \
                 AND i.due_date >= date(?today, '-30 days'))",
            ),
            Aging(2) => StatusSql::BeforeToday(
                "(i.status = 'open' AND i.total_minor > i.applied_minor AND i.due_date < date(?today, '-30 days') \
                 AND i.due_date >= date(?today, '-60 days'))",
            ),
            Aging(3) => StatusSql::BeforeToday(
                "(i.status = 'open' AND i.total_minor > i.applied_minor AND i.due_date < date(?today, '-60 days') \
                 AND i.due_date >= date(?today, '-90 days'))",
            ),
            Aging(_) => StatusSql::BeforeToday(
                "(i.status = 'open' AND i.total_minor > i.applied_minor AND i.due_date < date(?today, '-90 days'))",
            ),
            _ => return None,
        })
    }

    fn map(r: &Row<'_>) -> rusqlite::Result<Self> {
        let period = match (opt_date(r, 9)?, opt_date(r, 10)?) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        };
        Ok(InvoiceRow {
            id: r.get(0)?,
            number: r.get(1)?,
            total: Money::new(r.get(2)?, currency(r, 3)?),
            applied_minor: r.get(4)?,
            balance_minor: r.get(11)?,
            issue_date: date(r, 5)?,
            due_date: date(r, 6)?,
            status: stored(r, 7, InvoiceStatus::from_db)?,
            contract_name: r.get(8)?,
            period,
            memo: r.get(12)?,
            credited_minor: r.get(13)?,
            pause: super::pause_window(r, 14)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Currency;
    use crate::domain::columns::{Col, Seek, Sort, Tab};
    use crate::domain::model::InvoiceRow;
    use crate::store::Store;
    use crate::store::window::window_sql;

    /// The Balance column is read the way every other column is: a keyset
    /// walk of its index in either direction, never a sort of the
    /// customer's rows, and a `balance>…` term walks it too.
    #[test]
    fn balance_sorts_and_filters_on_its_index() {
        let store = Store::open_in_memory().unwrap();
        let filter = crate::domain::filter::parse("balance>0", Tab::Invoices, Currency::USD).unwrap();
        let (filter_sql, _) = crate::store::filter_sql::where_clause::<InvoiceRow>(&filter, Default::default(), 5);
        for (desc, filter_sql) in [(false, ""), (true, ""), (false, filter_sql.as_str())] {
            let sql = window_sql::<InvoiceRow>(Sort { col: Col::InvBalance, desc }, &Seek::First, filter_sql).unwrap();
            let mut stmt = store.conn().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let n = stmt.parameter_count();
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(std::iter::repeat_n(1, n)), |r| r.get(3))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let plan = plan.join("; ");
            assert!(plan.contains("invoices_by_balance") && !plan.contains("TEMP B-TREE"), "{sql}\n{plan}");
        }
    }
}
