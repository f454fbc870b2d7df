//! The operations the `forward!` lines cannot say: generic over a tab's
//! rows, or answered differently by a backend that has no such thing.

use super::Books;
use crate::domain::Currency;
use crate::domain::columns::{Seek, Sort};
use crate::domain::filter::Filter;
use crate::domain::metrics::Collection;
use crate::domain::tabs::ViewSums;
use crate::store::pg::window::PgTabRow;
use crate::store::window::{Keyed, TabRow, View};
use crate::store::{Result, Space};
use chrono::NaiveDate;

/// A tab's rows as both backends read them.
pub trait Rows: TabRow + PgTabRow {}
impl<R: TabRow + PgTabRow> Rows for R {}

impl Books {
    /// Every customer with what it owes and what is overdue, by name.
    pub fn each_customer<E: From<crate::store::StoreError>>(
        &self,
        today: NaiveDate,
        f: impl FnMut(
            crate::domain::model::Customer,
            crate::domain::Money,
            crate::domain::Money,
        ) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        match self {
            Books::Lite(s) => s.each_customer(today, f),
            Books::Pg(s) => s.each_customer(today, f),
        }
    }

    /// A window of a tab's rows after `seek`, in the view's order.
    pub fn window_view<R: Rows>(
        &self,
        customer_id: i64,
        view: &View,
        seek: &Seek,
        limit: usize,
    ) -> Result<Vec<Keyed<R>>> {
        match self {
            Books::Lite(s) => s.window_view(customer_id, view, seek, limit),
            Books::Pg(s) => s.window_view(customer_id, view, seek, limit),
        }
    }

    /// Up to `limit` rows of a tab from `seek` on, unfiltered, in `sort`'s
    /// order.
    pub fn window<R: Rows>(&self, customer_id: i64, sort: Sort, seek: &Seek, limit: usize) -> Result<Vec<Keyed<R>>> {
        let view = View { sort, filter: Filter::default(), today: NaiveDate::default() };
        self.window_view(customer_id, &view, seek, limit)
    }

    /// Rows of a view for an export, gathered by the filter's index when
    /// at most `cap` pass it.
    pub fn window_view_gathering<R: Rows>(
        &self,
        customer_id: i64,
        view: &View,
        seek: &Seek,
        limit: usize,
        cap: Option<i64>,
    ) -> Result<Vec<Keyed<R>>> {
        match self {
            Books::Lite(s) => s.window_view_gathering(customer_id, view, seek, limit, cap),
            Books::Pg(s) => s.window_view_gathering(customer_id, view, seek, limit, cap),
        }
    }

    /// How many rows a view passes, and their sums.
    pub fn view_totals<R: Rows>(&self, customer_id: i64, view: &View) -> Result<(i64, Option<ViewSums>)> {
        match self {
            Books::Lite(s) => s.view_totals::<R>(customer_id, view),
            Books::Pg(s) => s.view_totals::<R>(customer_id, view),
        }
    }

    /// One row of a tab by its id, or `None` when it is gone.
    pub fn tab_row<R: Rows>(&self, id: i64) -> Result<Option<R>> {
        match self {
            Books::Lite(s) => s.tab_row(id),
            Books::Pg(s) => s.tab_row(id),
        }
    }

    /// The collections card's rows in one currency.
    pub fn collections(&self, customer_id: i64, currency: Currency, today: NaiveDate) -> Result<Vec<Collection>> {
        match self {
            Books::Lite(s) => s.collections(customer_id, currency, today),
            Books::Pg(s) => s.collections(customer_id, currency, today),
        }
    }

    /// How the database file uses its pages, after a document's delete.
    /// A server gives deleted rows' space back by its own vacuum, so there
    /// is never anything for `ardesk vacuum` to reclaim.
    pub fn space(&self) -> Result<Space> {
        match self {
            Books::Lite(s) => s.space(),
            Books::Pg(_) => Ok(Space { file_bytes: 0, free_bytes: 0, incremental: true }),
        }
    }

    /// Why nothing can be written, when the books are open read-only.
    pub fn read_only(&self) -> Option<&str> {
        match self {
            Books::Lite(s) => s.read_only(),
            Books::Pg(s) => s.read_only(),
        }
    }

    /// Looks whether the schema is this ardesk's (a file's was looked at
    /// when it opened; a server's is, once, now) and says why not.
    pub fn check_schema(&self) -> Result<Option<&str>> {
        match self {
            Books::Lite(s) => Ok(s.trouble()),
            Books::Pg(s) => s.check_schema(),
        }
    }

    /// The read-only reason when it is a problem of the books themselves.
    pub fn trouble(&self) -> Option<&str> {
        match self {
            Books::Lite(s) => s.trouble(),
            Books::Pg(s) => s.trouble(),
        }
    }
}
