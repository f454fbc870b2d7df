//! The Activity tab's SQL: the customer's audit log.

use crate::domain::columns::Col;
use crate::domain::model::ActivityRow;
use crate::store::window::TabRow;
use rusqlite::Row;

impl TabRow for ActivityRow {
    const SELECT: &'static str = "a.id, a.at, a.who, a.summary";
    const FROM: &'static str = "audit_log a";
    const WHERE: &'static str = "a.customer_id = ?1";
    const ID: &'static str = "a.id";
    /// When, by the time written in the row (UTC, ISO 8601, so text order
    /// is time order; ties by id): the order rows were written is not time
    /// order for history the demo or an import writes.
    const SORT: &'static [(Col, &'static str)] =
        &[(Col::ActWhen, "a.at"), (Col::ActWho, "lower(a.who)"), (Col::ActWhat, "lower(a.summary)")];
    const FILTER: &'static [(Col, &'static str)] = &[(Col::ActWhen, "substr(a.at, 1, 10)")];
    const TEXT_COLS: &'static [&'static str] = &["a.who", "a.summary"];

    fn map(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(ActivityRow { id: r.get(0)?, at: r.get(1)?, who: r.get(2)?, summary: r.get(3)? })
    }
}
