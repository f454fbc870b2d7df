//! What each tab of the customer page reads: columns, joins and the
//! whitelisted sort expression of every column.

use super::filter_sql::{StatusSql, contract_status, invoice_status, payment_status};
use super::window::TabRow;
use crate::domain::columns::{Col, Tab};
use crate::domain::date::from_iso;
use crate::domain::filter::StatusWord;
use crate::domain::model::*;
use crate::domain::status::*;
use crate::domain::{Currency, Money};
use rusqlite::Row;

pub(crate) fn currency(row: &Row<'_>, idx: usize) -> rusqlite::Result<Currency> {
    let s: String = row.get(idx)?;
    s.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, format!("bad currency {s}").into())
    })
}

pub(crate) fn date(row: &Row<'_>, idx: usize) -> rusqlite::Result<chrono::NaiveDate> {
    Ok(from_iso(&row.get::<_, String>(idx)?))
}

pub(crate) fn opt_date(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<chrono::NaiveDate>> {
    Ok(row.get::<_, Option<String>>(idx)?.map(|s| from_iso(&s)))
}

/// Reads a stored enum; the CHECK constraints make the fallback unreachable
/// for data ardesk wrote.
pub(crate) fn stored<T: Copy>(row: &Row<'_>, idx: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, format!("unknown value {s}").into())
    })
}

impl TabRow for InvoiceRow {
    const TAB: Tab = Tab::Invoices;
    const SELECT: &'static str = "i.id, i.number, i.total_minor, i.currency, i.applied_minor, i.issue_date, \
         i.due_date, i.status, nullif(i.contract_name, ''), i.period_start, i.period_end";
    const FROM: &'static str = "invoices i";
    const WHERE: &'static str = "i.customer_id = ?1";
    const ID: &'static str = "i.id";
    const TEXT_COLS: &'static [&'static str] = &["i.number", "i.contract_name"];
    const SUM: Option<(&'static str, &'static str)> = Some(("i.total_minor", "i.currency"));

    fn filter_expr(col: Col) -> Option<&'static str> {
        match col {
            Col::InvPeriod => Some("i.period_start"),
            _ => Self::sort_expr(col),
        }
    }

    fn status_sql(_col: Col, w: StatusWord) -> Option<StatusSql> {
        invoice_status(w)
    }

    fn sort_expr(col: Col) -> Option<&'static str> {
        Some(match col {
            Col::InvNumber => "i.number",
            Col::InvTotal => "i.total_minor",
            Col::InvDate => "i.issue_date",
            Col::InvDue => "i.due_date",
            Col::InvStatus => "i.status",
            Col::InvContract => "i.contract_name",
            Col::InvPeriod => "coalesce(i.period_start, '')",
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
            issue_date: date(r, 5)?,
            due_date: date(r, 6)?,
            status: stored(r, 7, InvoiceStatus::from_db)?,
            contract_name: r.get(8)?,
            period,
        })
    }
}

impl TabRow for ContractRow {
    const TAB: Tab = Tab::Contracts;
    const SELECT: &'static str = "id, name, kind, status, period_start, period_end, value_minor, currency, \
         payment_terms_days, billing_frequency, version";
    const FROM: &'static str = "contracts";
    const WHERE: &'static str = "customer_id = ?1";
    const ID: &'static str = "id";
    const TEXT_COLS: &'static [&'static str] = &["name"];

    fn filter_expr(col: Col) -> Option<&'static str> {
        match col {
            Col::ConName => Some("name"),
            _ => Self::sort_expr(col),
        }
    }

    fn status_sql(_col: Col, w: StatusWord) -> Option<StatusSql> {
        contract_status(w)
    }

    fn sort_expr(col: Col) -> Option<&'static str> {
        Some(match col {
            Col::ConName => "lower(name)",
            Col::ConPeriod => "period_start",
            Col::ConKind => "kind",
            Col::ConStatus => "status",
            Col::ConValue => "value_minor",
            Col::ConTerms => "payment_terms_days",
            _ => return None,
        })
    }

    fn map(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(ContractRow {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: stored(r, 2, ContractKind::from_db)?,
            status: stored(r, 3, ContractStatus::from_db)?,
            period_start: date(r, 4)?,
            period_end: opt_date(r, 5)?,
            value: Money::new(r.get(6)?, currency(r, 7)?),
            payment_terms_days: r.get(8)?,
            billing_frequency: r.get::<_, Option<String>>(9)?.and_then(|s| BillingFrequency::from_db(&s)),
            version: r.get(10)?,
        })
    }
}

impl TabRow for PaymentRow {
    const TAB: Tab = Tab::Payments;
    const SELECT: &'static str = "p.id, p.received_on, p.amount_minor, p.currency, p.refunded_minor, \
         p.applied_minor, p.reference, p.status, p.method, \
         (SELECT group_concat(number, ', ') FROM (SELECT i.number FROM applications a \
            JOIN invoices i ON i.id = a.invoice_id WHERE a.payment_id = p.id ORDER BY i.issue_date, i.id LIMIT 4)), \
         (SELECT count(*) FROM applications a WHERE a.payment_id = p.id), p.version";
    const FROM: &'static str = "payments p";
    const WHERE: &'static str = "p.customer_id = ?1";
    const ID: &'static str = "p.id";
    const TEXT_COLS: &'static [&'static str] = &["p.reference"];
    const SUM: Option<(&'static str, &'static str)> = Some(("p.amount_minor", "p.currency"));

    fn status_sql(_col: Col, w: StatusWord) -> Option<StatusSql> {
        payment_status(w)
    }

    fn sort_expr(col: Col) -> Option<&'static str> {
        Some(match col {
            Col::PayDate => "p.received_on",
            Col::PayAmount => "p.amount_minor",
            Col::PayRefunded => "p.refunded_minor",
            Col::PayReference => "lower(p.reference)",
            Col::PayStatus => "p.status",
            Col::PayMethod => "p.method",
            Col::PayAppliedTo => "p.applied_minor",
            _ => return None,
        })
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

impl TabRow for ContactRow {
    const TAB: Tab = Tab::Contacts;
    const SELECT: &'static str = "ct.id, ct.name, ct.email, ct.phone, ct.role, \
         (cu.primary_contact_id IS ct.id), ct.version";
    const FROM: &'static str = "contacts ct JOIN customers cu ON cu.id = ct.customer_id";
    const WHERE: &'static str = "ct.customer_id = ?1";
    const ID: &'static str = "ct.id";
    const TEXT_COLS: &'static [&'static str] = &["ct.name", "ct.email", "ct.phone", "ct.role"];

    fn sort_expr(col: Col) -> Option<&'static str> {
        Some(match col {
            Col::CtName => "lower(ct.name)",
            Col::CtEmail => "lower(ct.email)",
            Col::CtPhone => "ct.phone",
            Col::CtRole => "lower(ct.role)",
            Col::CtPrimary => "(cu.primary_contact_id IS ct.id)",
            _ => return None,
        })
    }

    fn map(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(ContactRow {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
            phone: r.get(3)?,
            role: r.get(4)?,
            primary: r.get(5)?,
            version: r.get(6)?,
        })
    }
}

impl TabRow for DocumentRow {
    const TAB: Tab = Tab::Documents;
    const SELECT: &'static str = "d.id, d.name, d.uploaded_at, d.kind, d.format, c.name, d.size_bytes, d.sha256";
    const FROM: &'static str = "documents d LEFT JOIN contracts c ON c.id = d.contract_id";
    const WHERE: &'static str = "d.customer_id = ?1";
    const ID: &'static str = "d.id";
    const TEXT_COLS: &'static [&'static str] = &["d.name", "c.name"];

    fn filter_expr(col: Col) -> Option<&'static str> {
        match col {
            Col::DocUploaded => Some("substr(d.uploaded_at, 1, 10)"),
            _ => Self::sort_expr(col),
        }
    }

    fn sort_expr(col: Col) -> Option<&'static str> {
        Some(match col {
            Col::DocName => "lower(d.name)",
            Col::DocUploaded => "d.uploaded_at",
            Col::DocKind => "d.kind",
            Col::DocContract => "coalesce(c.name, '')",
            Col::DocSize => "d.size_bytes",
            _ => return None,
        })
    }

    fn map(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(DocumentRow {
            id: r.get(0)?,
            name: r.get(1)?,
            uploaded_at: r.get(2)?,
            kind: stored(r, 3, DocumentKind::from_db)?,
            format: r.get(4)?,
            contract_name: r.get(5)?,
            size_bytes: r.get(6)?,
            sha256: r.get(7)?,
        })
    }
}

impl TabRow for ActivityRow {
    const TAB: Tab = Tab::Activity;
    const SELECT: &'static str = "a.id, a.at, a.who, a.summary";
    const FROM: &'static str = "audit_log a";
    const WHERE: &'static str = "a.customer_id = ?1";
    const ID: &'static str = "a.id";
    const TEXT_COLS: &'static [&'static str] = &["a.who", "a.summary"];

    fn filter_expr(col: Col) -> Option<&'static str> {
        match col {
            Col::ActWhen => Some("substr(a.at, 1, 10)"),
            _ => Self::sort_expr(col),
        }
    }

    fn sort_expr(col: Col) -> Option<&'static str> {
        Some(match col {
            Col::ActWhen => "a.id",
            Col::ActWho => "lower(a.who)",
            Col::ActWhat => "lower(a.summary)",
            _ => return None,
        })
    }

    fn map(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(ActivityRow { id: r.get(0)?, at: r.get(1)?, who: r.get(2)?, summary: r.get(3)? })
    }
}
