//! The rows of the customer page's tabs on PostgreSQL, as the SQLite tabs
//! read them (`store/tabs/`): so far the Invoices tab (its window, its
//! filters and sums, and the row the payment form lists).

use super::super::Result;
use super::super::StoreError;
use super::customers::currency;
use super::window::{Kind, PgStatus, PgTabRow};
use crate::domain::Money;
use crate::domain::columns::Col;
use crate::domain::filter::StatusWord;
use crate::domain::model::InvoiceRow;
use crate::domain::status::InvoiceStatus;
use chrono::NaiveDate;
use postgres::Row;

/// `InvoiceRow::SELECT` (`tabs/invoices.rs`): the latest-ending pause as
/// "END FROM" in one `max`.
pub(super) const INVOICE_SELECT: &str = "i.id, i.number, i.total_minor, i.currency, i.applied_minor, i.issue_date, \
     i.due_date, i.status, nullif(i.contract_name, ''), i.period_start, i.period_end, i.balance_minor, i.memo, \
     i.credited_minor, \
     (SELECT max(coalesce(ip.ended_on, ip.until_on)::text || ' ' || ip.paused_on::text) FROM invoice_pauses ip \
      WHERE ip.invoice_id = i.id)";

pub(super) fn invoice_row(r: &Row) -> Result<InvoiceRow> {
    let period = match (r.try_get::<_, Option<NaiveDate>>(9)?, r.try_get::<_, Option<NaiveDate>>(10)?) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    };
    let status: String = r.try_get(7)?;
    let pause: Option<String> = r.try_get(14)?;
    Ok(InvoiceRow {
        id: r.try_get(0)?,
        number: r.try_get(1)?,
        total: Money::new(r.try_get(2)?, currency(r.try_get(3)?)?),
        applied_minor: r.try_get(4)?,
        balance_minor: r.try_get(11)?,
        issue_date: r.try_get(5)?,
        due_date: r.try_get(6)?,
        status: InvoiceStatus::from_db(&status)
            .ok_or_else(|| StoreError::Invalid(format!("unknown value {status}")))?,
        contract_name: r.try_get(8)?,
        period,
        memo: r.try_get(12)?,
        credited_minor: r.try_get(13)?,
        pause: pause.and_then(|s| {
            let (end, from) = s.split_once(' ')?;
            Some((from.parse().ok()?, end.parse().ok()?))
        }),
    })
}

impl PgTabRow for InvoiceRow {
    const SELECT: &'static str = INVOICE_SELECT;
    const FROM: &'static str = "invoices i";
    const WHERE: &'static str = "i.customer_id = $1";
    const ID: &'static str = "i.id";
    const SORT: &'static [(Col, &'static str, Kind)] = &[
        (Col::InvNumber, "i.number", Kind::Text),
        (Col::InvTotal, "i.total_minor", Kind::Int),
        (Col::InvBalance, "i.balance_minor", Kind::Int),
        (Col::InvDate, "i.issue_date", Kind::Date),
        (Col::InvDue, "i.due_date", Kind::Date),
        (Col::InvStatus, "i.status", Kind::Text),
        (Col::InvContract, "i.contract_name", Kind::Text),
        // The key of `invoices_by_period`: no period sorts first.
        (Col::InvPeriod, "coalesce(i.period_start, '-infinity'::date)", Kind::Date),
    ];
    const FILTER: &'static [(Col, &'static str)] = &[(Col::InvPeriod, "i.period_start")];
    const PERIODS: &'static [(Col, &'static str, &'static str)] = &[(Col::InvPeriod, "i.period_start", "i.period_end")];
    // As the trigram indexes have them (`invoice_search_number`, `_contract`).
    const TEXT_COLS: &'static [&'static str] = &["lower(i.number)", "lower(i.contract_name)"];
    const SUM: Option<(&'static str, &'static str)> =
        Some(("CASE WHEN i.status <> 'cancelled' THEN i.total_minor ELSE 0 END", "i.currency"));
    const BALANCE: Option<&'static str> = Some("i.balance_minor");

    fn status_sql(w: StatusWord) -> Option<PgStatus> {
        use StatusWord::*;
        Some(match w {
            Draft => PgStatus::Plain("i.status = 'draft'"),
            Open => PgStatus::Plain("i.status = 'open'"),
            Overdue => PgStatus::BeforeToday("(i.status = 'open' AND i.due_date < $today)"),
            Partial => PgStatus::Plain("(i.status = 'open' AND i.applied_minor > 0)"),
            Paid => PgStatus::Plain("i.status = 'paid'"),
            Cancelled => PgStatus::Plain("i.status = 'cancelled'"),
            Uncollectible => PgStatus::Plain("i.status = 'uncollectible'"),
            Paused => PgStatus::BeforeToday(
                "EXISTS (SELECT 1 FROM invoice_pauses ip WHERE ip.invoice_id = i.id AND ip.paused_on <= $today \
                 AND coalesce(ip.ended_on, ip.until_on) > $today)",
            ),
            Aging(0) => PgStatus::BeforeToday(
                "(i.status = 'open' AND i.total_minor > i.applied_minor AND i.due_date >= $today)",
            ),
            Aging(1) => PgStatus::BeforeToday(
                "(i.status = 'open' AND i.total_minor > i.applied_minor AND i.due_date < $today \
                 AND i.due_date >= $today - 30)",
            ),
            Aging(2) => PgStatus::BeforeToday(
                "(i.status = 'open' AND i.total_minor > i.applied_minor AND i.due_date < $today - 30 \
                 AND i.due_date >= $today - 60)",
            ),
            Aging(3) => PgStatus::BeforeToday(
                "(i.status = 'open' AND i.total_minor > i.applied_minor AND i.due_date < $today - 60 \
                 AND i.due_date >= $today - 90)",
            ),
            Aging(_) => PgStatus::BeforeToday(
                "(i.status = 'open' AND i.total_minor > i.applied_minor AND i.due_date < $today - 90)",
            ),
            _ => return None,
        })
    }

    fn map(r: &Row) -> Result<Self> {
        invoice_row(r)
    }
}
