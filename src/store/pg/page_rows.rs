//! Reads of the customer page that are one query each: a tab's row by its
//! id (an edit form reads its record again), the collections card's rows,
//! and whether the books can be written.

use super::super::Result;
use super::store::PgStore;
use super::window::PgTabRow;
use crate::domain::metrics::{Collection, collect_window_start};
use crate::domain::{Currency, Money};
use chrono::NaiveDate;

impl PgStore {
    /// One row of a tab by its id, as the tab shows it, or `None` when it
    /// is gone, as `Store::tab_row`.
    pub fn tab_row<R: PgTabRow>(&self, id: i64) -> Result<Option<R>> {
        let sql = format!("SELECT {} FROM {} WHERE {} = $1", R::SELECT, R::FROM, R::ID);
        let row = self.client()?.query_opt(&sql, &[&id])?;
        row.map(|r| R::map(&r)).transpose()
    }

    /// The payments applied in the collect window and what they paid, in
    /// one currency, newest first, as `Store::collections`.
    pub fn collections(&self, customer_id: i64, currency: Currency, today: NaiveDate) -> Result<Vec<Collection>> {
        let rows = self.client()?.query(
            "SELECT p.received_on, p.reference, i.number, i.issue_date, a.amount_minor,
                    GREATEST(0, p.received_on - i.issue_date)::bigint
             FROM payments p JOIN applications a ON a.payment_id = p.id AND a.removed_on IS NULL
             JOIN invoices i ON i.id = a.invoice_id
             WHERE p.customer_id = $1 AND p.currency = $2 AND p.received_on BETWEEN $3 AND $4
             ORDER BY p.received_on DESC, p.id DESC, i.number",
            &[&customer_id, &currency.code(), &collect_window_start(today), &today],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Collection {
                    received_on: r.try_get(0)?,
                    reference: r.try_get(1)?,
                    invoice: r.try_get(2)?,
                    issue_date: r.try_get(3)?,
                    amount: Money::new(r.try_get(4)?, currency),
                    days: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Why nothing can be written: a schema not this ardesk's (`trouble`),
    /// or a date the books are read as of. (A role without the right to
    /// write is refused by the server, in its words.)
    pub fn read_only(&self) -> Option<&str> {
        self.trouble().or(self.as_of_reason.as_deref())
    }

    /// The read-only reason when it is a problem of the books themselves,
    /// which the user should read in full before anything else.
    pub fn trouble(&self) -> Option<&str> {
        self.drift.get().and_then(|d| d.as_deref())
    }
}
