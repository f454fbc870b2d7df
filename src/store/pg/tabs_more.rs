//! The Contracts, Contacts, Documents and Activity tabs on PostgreSQL, as
//! their SQLite modules in `store/tabs/` read them. Their words are looked
//! for with `lower(coalesce(col, ''))`, as SQLite's `LIKE` folds ASCII.

use super::super::{Result, StoreError};
use super::customers::currency;
use super::window::{Kind, PgStatus, PgTabRow};
use crate::domain::Money;
use crate::domain::columns::Col;
use crate::domain::filter::StatusWord;
use crate::domain::model::{ActivityRow, ContactRow, ContractRow, DocumentRow};
use crate::domain::status::{BillingFrequency, ContractKind, ContractStatus, DocumentKind};
use postgres::Row;

/// A stored word read back as its enum; the CHECKs make a miss a damaged row.
fn stored<T>(s: String, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(&s).ok_or_else(|| StoreError::Invalid(format!("unknown value {s}")))
}

impl PgTabRow for ContractRow {
    const SELECT: &'static str = "id, name, kind, status, period_start, period_end, value_minor, currency, \
         payment_terms_days, billing_frequency, version";
    const FROM: &'static str = "contracts";
    const WHERE: &'static str = "customer_id = $1";
    const ID: &'static str = "id";
    const SORT: &'static [(Col, &'static str, Kind)] = &[
        (Col::ConName, "lower(name)", Kind::Text),
        (Col::ConPeriod, "period_start", Kind::Date),
        (Col::ConKind, "kind", Kind::Text),
        (Col::ConStatus, "status", Kind::Text),
        (Col::ConValue, "value_minor", Kind::Int),
        (Col::ConTerms, "payment_terms_days", Kind::Int),
    ];
    const FILTER: &'static [(Col, &'static str, Kind)] = &[(Col::ConName, "name", Kind::Text)];
    const PERIODS: &'static [(Col, &'static str, &'static str)] =
        &[(Col::ConPeriod, "period_start", "coalesce(period_end, '9999-12-31'::date)")];
    const TEXT_COLS: &'static [&'static str] = &["lower(name)"];

    fn status_sql(w: StatusWord) -> Option<PgStatus> {
        use StatusWord::*;
        // As shown (`ContractRow::shown_status`): an active contract whose
        // end has passed is ended.
        Some(match w {
            Draft => PgStatus::Plain("status = 'draft'"),
            Active => {
                PgStatus::BeforeToday("(status = 'active' AND coalesce(period_end, '9999-12-31'::date) >= $today)")
            }
            Ended => PgStatus::BeforeToday("(status = 'ended' OR (status = 'active' AND period_end < $today))"),
            Cancelled => PgStatus::Plain("status = 'cancelled'"),
            _ => return None,
        })
    }

    fn map(r: &Row) -> Result<Self> {
        Ok(ContractRow {
            id: r.try_get(0)?,
            name: r.try_get(1)?,
            kind: stored(r.try_get(2)?, ContractKind::from_db)?,
            status: stored(r.try_get(3)?, ContractStatus::from_db)?,
            period_start: r.try_get(4)?,
            period_end: r.try_get(5)?,
            value: Money::new(r.try_get(6)?, currency(r.try_get(7)?)?),
            payment_terms_days: r.try_get(8)?,
            billing_frequency: r.try_get::<_, Option<String>>(9)?.and_then(|s| BillingFrequency::from_db(&s)),
            version: r.try_get(10)?,
        })
    }
}

impl PgTabRow for ContactRow {
    const SELECT: &'static str = "ct.id, ct.name, ct.email, ct.phone, ct.role, \
         (cu.primary_contact_id IS NOT DISTINCT FROM ct.id), ct.version";
    const FROM: &'static str = "contacts ct JOIN customers cu ON cu.id = ct.customer_id";
    const WHERE: &'static str = "ct.customer_id = $1";
    const ID: &'static str = "ct.id";
    const SORT: &'static [(Col, &'static str, Kind)] = &[
        (Col::CtName, "lower(ct.name)", Kind::Text),
        (Col::CtEmail, "lower(ct.email)", Kind::Text),
        (Col::CtPhone, "ct.phone", Kind::Text),
        (Col::CtRole, "lower(ct.role)", Kind::Text),
        // 0 or 1, as SQLite's comparison gives it.
        (Col::CtPrimary, "(cu.primary_contact_id IS NOT DISTINCT FROM ct.id)::integer::bigint", Kind::Int),
    ];
    const TEXT_COLS: &'static [&'static str] =
        &["lower(ct.name)", "lower(ct.email)", "lower(ct.phone)", "lower(ct.role)"];

    fn map(r: &Row) -> Result<Self> {
        Ok(ContactRow {
            id: r.try_get(0)?,
            name: r.try_get(1)?,
            email: r.try_get(2)?,
            phone: r.try_get(3)?,
            role: r.try_get(4)?,
            primary: r.try_get(5)?,
            version: r.try_get(6)?,
        })
    }
}

impl PgTabRow for DocumentRow {
    const SELECT: &'static str = "d.id, d.name, d.uploaded_at, d.kind, d.format, c.name, d.size_bytes, d.sha256";
    const FROM: &'static str = "documents d LEFT JOIN contracts c ON c.id = d.contract_id";
    const WHERE: &'static str = "d.customer_id = $1";
    const ID: &'static str = "d.id";
    const SORT: &'static [(Col, &'static str, Kind)] = &[
        (Col::DocName, "lower(d.name)", Kind::Text),
        (Col::DocUploaded, "d.uploaded_at", Kind::Text),
        (Col::DocKind, "d.kind", Kind::Text),
        (Col::DocContract, "coalesce(c.name, '')", Kind::Text),
        (Col::DocSize, "d.size_bytes", Kind::Int),
    ];
    /// Type matches what the column shows ("Contract · PDF"); a day is the
    /// timestamp's first ten characters, compared as text.
    const FILTER: &'static [(Col, &'static str, Kind)] = &[
        (Col::DocUploaded, "substr(d.uploaded_at, 1, 10)", Kind::Text),
        (Col::DocKind, "d.kind || ' · ' || d.format", Kind::Text),
    ];
    const TEXT_COLS: &'static [&'static str] = &["lower(d.name)", "lower(coalesce(c.name, ''))"];

    fn map(r: &Row) -> Result<Self> {
        Ok(DocumentRow {
            id: r.try_get(0)?,
            name: r.try_get(1)?,
            uploaded_at: r.try_get(2)?,
            kind: stored(r.try_get(3)?, DocumentKind::from_db)?,
            format: r.try_get(4)?,
            contract_name: r.try_get(5)?,
            size_bytes: r.try_get(6)?,
            sha256: r.try_get(7)?,
        })
    }
}

impl PgTabRow for ActivityRow {
    const SELECT: &'static str = "a.id, a.at, a.who, a.summary";
    const FROM: &'static str = "audit_log a";
    const WHERE: &'static str = "a.customer_id = $1";
    const ID: &'static str = "a.id";
    const SORT: &'static [(Col, &'static str, Kind)] = &[
        (Col::ActWhen, "a.at", Kind::Text),
        (Col::ActWho, "lower(a.who)", Kind::Text),
        (Col::ActWhat, "lower(a.summary)", Kind::Text),
    ];
    const FILTER: &'static [(Col, &'static str, Kind)] = &[(Col::ActWhen, "substr(a.at, 1, 10)", Kind::Text)];
    const TEXT_COLS: &'static [&'static str] = &["lower(a.who)", "lower(a.summary)"];

    fn map(r: &Row) -> Result<Self> {
        Ok(ActivityRow { id: r.try_get(0)?, at: r.try_get(1)?, who: r.try_get(2)?, summary: r.try_get(3)? })
    }
}
