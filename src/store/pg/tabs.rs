//! The rows of the customer page's tabs on PostgreSQL, as the SQLite tabs
//! read them (`store/tabs/`): so far the Invoices and Payments tabs
//! (their windows, filters and sums, and the invoice row the payment form
//! lists).

use super::super::Result;
use super::super::StoreError;
use super::customers::currency;
use super::window::{Kind, PgStatus, PgTabRow};
use crate::domain::Money;
use crate::domain::columns::Col;
use crate::domain::filter::StatusWord;
use crate::domain::model::{InvoiceRow, PaymentRow};
use crate::domain::status::{InvoiceStatus, PayKind, PaymentMethod, PaymentStatus};
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
    const FILTER: &'static [(Col, &'static str, Kind)] = &[(Col::InvPeriod, "i.period_start", Kind::Date)];
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

/// Credits read as payments, as `tabs/payments.rs`'s `CREDITS`: the same
/// column names, a negative id, status 'granted' or 'voided' and method
/// 'credit', a credit note's number or else the reason as the reference.
const CREDITS: &str = "(SELECT -id AS id, customer_id, kind, granted_on AS received_on, amount_minor, \
     currency, 0::bigint AS refunded_minor, applied_minor, \
     CASE WHEN kind = 'credit_note' THEN number ELSE reason END AS reference, \
     CASE WHEN status = 'voided' THEN 'voided' ELSE 'granted' END AS status, 'credit'::text AS method, \
     version FROM credits) p";

/// The first four invoices a payment (`payment_id`) or credit
/// (`credit_id`, negated) is applied to, oldest first, and how many in all.
macro_rules! applied_to {
    ($on:literal) => {
        concat!(
            "(SELECT string_agg(number, ', ' ORDER BY issue_date, id) FROM (SELECT i.number, i.issue_date, i.id \
             FROM applications a JOIN invoices i ON i.id = a.invoice_id WHERE a.",
            $on,
            " AND a.removed_on IS NULL ORDER BY i.issue_date, i.id LIMIT 4) x), \
             (SELECT count(*) FROM applications a WHERE a.",
            $on,
            " AND a.removed_on IS NULL), p.version, p.kind"
        )
    };
}

macro_rules! unapplied {
    () => {
        "(CASE WHEN p.status IN ('succeeded', 'granted') \
          THEN p.amount_minor - p.refunded_minor - p.applied_minor ELSE 0 END)"
    };
}

impl PgTabRow for PaymentRow {
    const SELECT: &'static str = concat!(
        "p.id, p.received_on, p.amount_minor, p.currency, p.refunded_minor, p.applied_minor, p.reference, p.status, \
         p.method, ",
        applied_to!("payment_id = p.id")
    );
    const FROM: &'static str = "(SELECT *, 'payment'::text AS kind FROM payments) p";
    const ALSO: Option<(&'static str, &'static str)> = Some((
        concat!(
            "p.id, p.received_on, p.amount_minor, p.currency, p.refunded_minor, p.applied_minor, p.reference, \
             p.status, p.method, ",
            applied_to!("credit_id = -p.id")
        ),
        CREDITS,
    ));
    const WHERE: &'static str = "p.customer_id = $1";
    const ID: &'static str = "p.id";
    const SORT: &'static [(Col, &'static str, Kind)] = &[
        (Col::PayDate, "p.received_on", Kind::Date),
        (Col::PayAmount, "p.amount_minor", Kind::Int),
        (Col::PayKind, "p.kind", Kind::Text),
        (Col::PayRefunded, "p.refunded_minor", Kind::Int),
        (Col::PayReference, "lower(p.reference)", Kind::Text),
        (Col::PayStatus, "p.status", Kind::Text),
        (Col::PayMethod, "p.method", Kind::Text),
        (Col::PayAppliedTo, "p.applied_minor", Kind::Int),
    ];
    const FILTER: &'static [(Col, &'static str, Kind)] = &[(Col::PayKind, "replace(p.kind, '_', '-')", Kind::Text)];
    // As the trigram indexes have them (`payment_search`, and
    // `payment_search_credits` for the credits' arm).
    const TEXT_COLS: &'static [&'static str] = &["lower(p.reference)"];
    const SUM: Option<(&'static str, &'static str)> =
        Some(("CASE WHEN p.status = 'succeeded' THEN p.amount_minor - p.refunded_minor ELSE 0 END", "p.currency"));
    const BALANCE: Option<&'static str> = Some(unapplied!());

    fn status_sql(w: StatusWord) -> Option<PgStatus> {
        use StatusWord::*;
        Some(PgStatus::Plain(match w {
            Succeeded => "p.status = 'succeeded'",
            Pending => "p.status = 'pending'",
            Failed => "p.status = 'failed'",
            Refunded => "(p.status = 'refunded' OR p.refunded_minor > 0)",
            Unapplied => concat!(unapplied!(), " > 0"),
            _ => return None,
        }))
    }

    fn map(r: &Row) -> Result<Self> {
        let shown: Option<String> = r.try_get(9)?;
        let count: i64 = r.try_get(10)?;
        let mut applied_to = shown.unwrap_or_default();
        if count > 4 {
            applied_to.push_str(&format!(" +{}", count - 4));
        }
        let kind: String = r.try_get(12)?;
        let kind = PayKind::from_db(&kind).ok_or_else(|| StoreError::Invalid(format!("unknown value {kind}")))?;
        let (status, method): (String, String) = (r.try_get(7)?, r.try_get(8)?);
        let unknown = |s: &str| StoreError::Invalid(format!("unknown value {s}"));
        // A credit has no payment status or method of its own.
        let (status, method) = match kind {
            PayKind::Payment => (
                PaymentStatus::from_db(&status).ok_or_else(|| unknown(&status))?,
                PaymentMethod::from_db(&method).ok_or_else(|| unknown(&method))?,
            ),
            _ if status == "voided" => (PaymentStatus::Voided, PaymentMethod::Manual),
            _ => (PaymentStatus::Succeeded, PaymentMethod::Manual),
        };
        Ok(PaymentRow {
            id: r.try_get(0)?,
            kind,
            received_on: r.try_get(1)?,
            amount: Money::new(r.try_get(2)?, currency(r.try_get(3)?)?),
            refunded_minor: r.try_get(4)?,
            applied_minor: r.try_get(5)?,
            reference: r.try_get(6)?,
            status,
            method,
            applied_to,
            version: r.try_get(11)?,
        })
    }
}
