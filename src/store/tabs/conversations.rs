//! The Conversations tab's SQL. What a promise has been paid, and so
//! whether it is kept, open or broken, is `store::collections::PAID` — the
//! rule `PromiseState::of` states, written once in SQL.

use super::{date, opt_date, stored};
use crate::domain::collections::{Channel, ConvStatus, ConversationRow, ResolvedBy};
use crate::domain::columns::Col;
use crate::domain::filter::StatusWord;
use crate::store::filter_sql::StatusSql;
use crate::store::window::TabRow;
use rusqlite::Row;

/// The latest message's time, or the day the conversation was opened.
macro_rules! last_activity {
    () => {
        "coalesce((SELECT max(m.at) FROM conversation_messages m WHERE m.conversation_id = cv.id), cv.opened_on)"
    };
}

/// The numbers of the invoices it concerns, in order.
macro_rules! invoice_numbers {
    () => {
        "coalesce((SELECT group_concat(number, ', ') FROM (SELECT i.number FROM conversation_invoices ci \
         JOIN invoices i ON i.id = ci.invoice_id WHERE ci.conversation_id = cv.id ORDER BY i.number)), '')"
    };
}

/// The latest message's body (its outcome when it has no body: a call
/// logged by what came of it).
macro_rules! latest_body {
    () => {
        "coalesce((SELECT iif(trim(m.body) = '', m.outcome, m.body) FROM conversation_messages m \
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

impl TabRow for ConversationRow {
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
    const WHERE: &'static str = "cv.customer_id = ?1";
    const ID: &'static str = "cv.id";
    const SORT: &'static [(Col, &'static str)] = &[
        (Col::CvSubject, "lower(cv.subject)"),
        (Col::CvChannel, "cv.channel"),
        (Col::CvOpened, "cv.opened_on"),
        (Col::CvLast, last_activity!()),
        // Open, waiting, resolved: the order work takes.
        (Col::CvStatus, "CASE cv.status WHEN 'open' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END"),
        (Col::CvResolvedBy, "coalesce(cv.resolved_by, '') || ' ' || lower(cv.resolver)"),
        (Col::CvInvoices, invoice_numbers!()),
        // Broken and open promises by their day, then those kept, then none.
        (
            Col::CvPromise,
            concat!(
                "coalesce(",
                unkept_due!(),
                ", iif(EXISTS (SELECT 1 FROM promises pr WHERE pr.conversation_id = cv.id), '9999-12-30', '9999-12-31'))"
            ),
        ),
        (Col::CvLatest, concat!("lower(", latest_body!(), ")")),
    ];
    const FILTER: &'static [(Col, &'static str)] = &[
        (Col::CvSubject, "cv.subject"),
        (Col::CvLast, concat!("substr(", last_activity!(), ", 1, 10)")),
        (Col::CvLatest, latest_body!()),
    ];
    const TEXT_COLS: &'static [&'static str] = &["cv.subject", "cv.resolver", invoice_numbers!(), latest_body!()];

    fn status_sql(w: StatusWord) -> Option<StatusSql> {
        use StatusWord::*;
        Some(match w {
            Open => StatusSql::Plain("cv.status = 'open'"),
            Waiting => StatusSql::Plain("cv.status = 'waiting'"),
            Resolved => StatusSql::Plain("cv.status = 'resolved'"),
            ByAgent => StatusSql::Plain("cv.resolved_by = 'agent'"),
            ByPerson => StatusSql::Plain("cv.resolved_by = 'person'"),
            PromiseKept => StatusSql::Plain(has_promise!(" >= pr.amount_minor", "")),
            PromiseOpen => StatusSql::BeforeToday(has_promise!(" < pr.amount_minor", " AND pr.due_on >= ?today")),
            PromiseBroken => StatusSql::BeforeToday(has_promise!(" < pr.amount_minor", " AND pr.due_on < ?today")),
            _ => return None,
        })
    }

    fn map(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(ConversationRow {
            id: r.get(0)?,
            subject: r.get(1)?,
            channel: stored(r, 2, Channel::from_db)?,
            opened_on: date(r, 3)?,
            last_activity: r.get(4)?,
            status: stored(r, 5, ConvStatus::from_db)?,
            resolved_by: r.get::<_, Option<String>>(6)?.and_then(|s| ResolvedBy::from_db(&s)),
            resolver: r.get(7)?,
            resolved_on: opt_date(r, 8)?,
            invoices: r.get(9)?,
            latest: r.get(10)?,
            promises: r.get(11)?,
            unkept_due: opt_date(r, 12)?,
            version: r.get(13)?,
        })
    }
}
