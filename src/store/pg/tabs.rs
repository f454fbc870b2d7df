//! The rows of the customer page's tabs on PostgreSQL, as the SQLite tabs
//! read them (`store/tabs/`): so far the Invoices tab's row, which the
//! payment form lists.

use super::super::Result;
use super::super::StoreError;
use super::customers::currency;
use crate::domain::Money;
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
