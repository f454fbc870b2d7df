//! The Contracts tab's SQL.

use super::{currency, date, opt_date, stored};
use crate::domain::Money;
use crate::domain::columns::Col;
use crate::domain::filter::StatusWord;
use crate::domain::model::ContractRow;
use crate::domain::status::{BillingFrequency, ContractKind, ContractStatus};
use crate::store::filter_sql::StatusSql;
use crate::store::window::TabRow;
use rusqlite::Row;

impl TabRow for ContractRow {
    const SELECT: &'static str = "id, name, kind, status, period_start, period_end, value_minor, currency, \
         payment_terms_days, billing_frequency, version";
    const FROM: &'static str = "contracts";
    const WHERE: &'static str = "customer_id = ?1";
    const ID: &'static str = "id";
    const SORT: &'static [(Col, &'static str)] = &[
        (Col::ConName, "lower(name)"),
        (Col::ConPeriod, "period_start"),
        (Col::ConKind, "kind"),
        (Col::ConStatus, "status"),
        (Col::ConValue, "value_minor"),
        (Col::ConTerms, "payment_terms_days"),
    ];
    const FILTER: &'static [(Col, &'static str)] = &[(Col::ConName, "name")];
    const PERIODS: &'static [(Col, &'static str, &'static str)] =
        &[(Col::ConPeriod, "period_start", "coalesce(period_end, '9999-12-31')")];
    const TEXT_COLS: &'static [&'static str] = &["name"];

    fn status_sql(w: StatusWord) -> Option<StatusSql> {
        use StatusWord::*;
        // As shown (`ContractRow::shown_status`): an active contract whose
        // end has passed is ended.
        Some(match w {
            Draft => StatusSql::Plain("status = 'draft'"),
            Active => StatusSql::BeforeToday("(status = 'active' AND coalesce(period_end, '9999-12-31') >= ?today)"),
            Ended => StatusSql::BeforeToday("(status = 'ended' OR (status = 'active' AND period_end < ?today))"),
            Cancelled => StatusSql::Plain("status = 'cancelled'"),
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
