//! The Payments tab's SQL.

use super::{currency, date, stored};
use crate::domain::Money;
use crate::domain::columns::Col;
use crate::domain::filter::StatusWord;
use crate::domain::model::PaymentRow;
use crate::domain::status::{PaymentMethod, PaymentStatus};
use crate::store::filter_sql::StatusSql;
use crate::store::window::TabRow;
use rusqlite::Row;

impl TabRow for PaymentRow {
    const SELECT: &'static str = "p.id, p.received_on, p.amount_minor, p.currency, p.refunded_minor, \
         p.applied_minor, p.reference, p.status, p.method, \
         (SELECT group_concat(number, ', ') FROM (SELECT i.number FROM applications a \
            JOIN invoices i ON i.id = a.invoice_id WHERE a.payment_id = p.id ORDER BY i.issue_date, i.id LIMIT 4)), \
         (SELECT count(*) FROM applications a WHERE a.payment_id = p.id), p.version";
    const FROM: &'static str = "payments p";
    const WHERE: &'static str = "p.customer_id = ?1";
    const ID: &'static str = "p.id";
    const SORT: &'static [(Col, &'static str)] = &[
        (Col::PayDate, "p.received_on"),
        (Col::PayAmount, "p.amount_minor"),
        (Col::PayRefunded, "p.refunded_minor"),
        (Col::PayReference, "lower(p.reference)"),
        (Col::PayStatus, "p.status"),
        (Col::PayMethod, "p.method"),
        (Col::PayAppliedTo, "p.applied_minor"),
    ];
    const TEXT_COLS: &'static [&'static str] = &["p.reference"];
    // The money kept: succeeded payments net of refunds (pending and
    // failed ones are no money; a refunded one nets to nothing).
    const SUM: Option<(&'static str, &'static str)> =
        Some(("CASE WHEN p.status = 'succeeded' THEN p.amount_minor - p.refunded_minor ELSE 0 END", "p.currency"));

    fn status_sql(w: StatusWord) -> Option<StatusSql> {
        use StatusWord::*;
        Some(StatusSql::Plain(match w {
            Succeeded => "p.status = 'succeeded'",
            Pending => "p.status = 'pending'",
            Failed => "p.status = 'failed'",
            Refunded => "(p.status = 'refunded' OR p.refunded_minor > 0)",
            _ => return None,
        }))
    }

    fn map(r: &Row<'_>) -> rusqlite::Result<Self> {
        let shown: Option<String> = r.get(9)?;
        let count: i64 = r.get(10)?;
        let mut applied_to = shown.unwrap_or_default();
        if count > 4 {
            applied_to.push_str(&format!(" +{}", count - 4));
        }
        Ok(PaymentRow {
            id: r.get(0)?,
            received_on: date(r, 1)?,
            amount: Money::new(r.get(2)?, currency(r, 3)?),
            refunded_minor: r.get(4)?,
            applied_minor: r.get(5)?,
            reference: r.get(6)?,
            status: stored(r, 7, PaymentStatus::from_db)?,
            method: stored(r, 8, PaymentMethod::from_db)?,
            applied_to,
            version: r.get(11)?,
        })
    }
}
