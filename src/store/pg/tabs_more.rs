//! The Contracts, Contacts, Documents, Activity and Conversations tabs on
//! PostgreSQL, as
//! their SQLite modules in `store/tabs/` read them. Their words are looked
//! for with `lower(coalesce(col, ''))`, as SQLite's `LIKE` folds ASCII.

use super::super::{Result, StoreError};
use super::customers::currency;
use super::window::{Kind, PgStatus, PgTabRow};
use crate::domain::Money;
use crate::domain::collections::{Channel, ConvStatus, ConversationRow, ResolvedBy};
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

/// The latest message's time, or the day the conversation was opened.
macro_rules! last_activity {
    () => {
        "coalesce((SELECT max(m.at) FROM conversation_messages m WHERE m.conversation_id = cv.id), cv.opened_on::text)"
    };
}

/// The numbers of the invoices it concerns, in order.
macro_rules! invoice_numbers {
    () => {
        "coalesce((SELECT string_agg(i.number, ', ' ORDER BY i.number) FROM conversation_invoices ci \
         JOIN invoices i ON i.id = ci.invoice_id WHERE ci.conversation_id = cv.id), '')"
    };
}

/// The latest message's body (its outcome when it has no body).
macro_rules! latest_body {
    () => {
        "coalesce((SELECT CASE WHEN trim(m.body) = '' THEN m.outcome ELSE m.body END FROM conversation_messages m \
         WHERE m.conversation_id = cv.id ORDER BY m.at DESC, m.id DESC LIMIT 1), '')"
    };
}

/// The earliest promised day of its promises not kept.
macro_rules! unkept_due {
    () => {
        concat!(
            "(SELECT min(pr.due_on) FROM promises pr WHERE pr.conversation_id = cv.id AND ",
            crate::paid_sql!(),
            " < pr.amount_minor)"
        )
    };
}

/// A promise of the conversation whose paid part is `$paid` of its amount,
/// and `$cond`.
macro_rules! has_promise {
    ($paid:literal, $cond:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM promises pr WHERE pr.conversation_id = cv.id AND ",
            crate::paid_sql!(),
            $paid,
            $cond,
            ")"
        )
    };
}

impl PgTabRow for ConversationRow {
    const SELECT: &'static str = concat!(
        "cv.id, cv.subject, cv.channel, cv.opened_on, ",
        last_activity!(),
        ", cv.status, cv.resolved_by, cv.resolver, cv.resolved_on, ",
        invoice_numbers!(),
        ", ",
        latest_body!(),
        ", (SELECT count(*) FROM promises pr WHERE pr.conversation_id = cv.id), ",
        unkept_due!(),
        ", cv.version"
    );
    const FROM: &'static str = "conversations cv";
    const WHERE: &'static str = "cv.customer_id = $1";
    const ID: &'static str = "cv.id";
    const SORT: &'static [(Col, &'static str, Kind)] = &[
        (Col::CvSubject, "lower(cv.subject)", Kind::Text),
        (Col::CvChannel, "cv.channel", Kind::Text),
        (Col::CvOpened, "cv.opened_on", Kind::Date),
        (Col::CvLast, last_activity!(), Kind::Text),
        // Open, waiting, resolved: the order work takes.
        (Col::CvStatus, "CASE cv.status WHEN 'open' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END::bigint", Kind::Int),
        (Col::CvResolvedBy, "coalesce(cv.resolved_by, '') || ' ' || lower(cv.resolver)", Kind::Text),
        (Col::CvInvoices, invoice_numbers!(), Kind::Text),
        // Broken and open promises by their day, then those kept, then none.
        (
            Col::CvPromise,
            concat!(
                "coalesce(",
                unkept_due!(),
                ", CASE WHEN EXISTS (SELECT 1 FROM promises pr WHERE pr.conversation_id = cv.id) \
                 THEN '9999-12-30'::date ELSE '9999-12-31'::date END)"
            ),
            Kind::Date,
        ),
        (Col::CvLatest, concat!("lower(", latest_body!(), ")"), Kind::Text),
    ];
    const FILTER: &'static [(Col, &'static str, Kind)] = &[
        (Col::CvSubject, "cv.subject", Kind::Text),
        (Col::CvLast, concat!("substr(", last_activity!(), ", 1, 10)"), Kind::Text),
        (Col::CvLatest, latest_body!(), Kind::Text),
    ];
    const TEXT_COLS: &'static [&'static str] = &[
        "lower(cv.subject)",
        "lower(cv.resolver)",
        concat!("lower(", invoice_numbers!(), ")"),
        concat!("lower(", latest_body!(), ")"),
    ];

    fn status_sql(w: StatusWord) -> Option<PgStatus> {
        use StatusWord::*;
        Some(match w {
            Open => PgStatus::Plain("cv.status = 'open'"),
            Waiting => PgStatus::Plain("cv.status = 'waiting'"),
            Resolved => PgStatus::Plain("cv.status = 'resolved'"),
            ByAgent => PgStatus::Plain("cv.resolved_by = 'agent'"),
            ByPerson => PgStatus::Plain("cv.resolved_by = 'person'"),
            PromiseKept => PgStatus::Plain(has_promise!(" >= pr.amount_minor", "")),
            PromiseOpen => PgStatus::BeforeToday(has_promise!(" < pr.amount_minor", " AND pr.due_on >= $today")),
            PromiseBroken => PgStatus::BeforeToday(has_promise!(" < pr.amount_minor", " AND pr.due_on < $today")),
            _ => return None,
        })
    }

    fn map(r: &Row) -> Result<Self> {
        Ok(ConversationRow {
            id: r.try_get(0)?,
            subject: r.try_get(1)?,
            channel: stored(r.try_get(2)?, Channel::from_db)?,
            opened_on: r.try_get(3)?,
            last_activity: r.try_get(4)?,
            status: stored(r.try_get(5)?, ConvStatus::from_db)?,
            resolved_by: r.try_get::<_, Option<String>>(6)?.and_then(|s| ResolvedBy::from_db(&s)),
            resolver: r.try_get(7)?,
            resolved_on: r.try_get(8)?,
            invoices: r.try_get(9)?,
            latest: r.try_get(10)?,
            promises: r.try_get(11)?,
            unkept_due: r.try_get(12)?,
            version: r.try_get(13)?,
        })
    }
}
