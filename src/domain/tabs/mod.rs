//! Each tab described once: its title, its default order, and its columns —
//! what a column is called, how wide it is and how soon it gives way on a
//! narrow screen, the key it sorts and filters by, the filter bar's names
//! for it, how a row shows in it and how it is exported. One module per tab
//! (`invoices.rs` …) implements `Tabular` for the tab's row type.
//!
//! The description is data without SQL or drawing: `ui` draws the cells it
//! gets from here with the theme's styles, and the filter parser, the
//! exports and the app read the rest. It lives in `domain` because the
//! filter parser (here) needs the filter names and kinds, and nothing below
//! the parser may import from above it.
//!
//! A column's sort key is its `Col`: the column says that it sorts and by
//! which key; the store's whitelist (`store::tabs`) says in SQL what the key
//! sorts and filters by. The split keeps SQL in the only layer that builds
//! queries — the whitelist that stands between the filter bar and SQL sits
//! beside the query builder it guards — while the description stays
//! reachable from the filter parser and `ui`, which may not import the
//! store. A store test fails while a described key has no SQL.

mod activity;
mod contacts;
mod contracts;
pub mod conversations;
mod documents;
mod invoices;
mod payments;

use super::columns::{Col, Sort, Tab};
use super::filter::StatusWord;
use super::metrics::MetricParts;

/// One tab's description, implemented by the tab's row type.
pub trait Tabular: Sized + 'static {
    const TAB: Tab;
    const TITLE: &'static str;
    /// For narrow screens: a short form that no other tab's could be
    /// mistaken for (no two share their first three letters).
    const SHORT_TITLE: &'static str;
    /// What the table says when the customer has no rows at all.
    const EMPTY: &'static str;
    /// The options of a command-line listing that shows off the tab's
    /// filter (after `ardesk <tab> --customer 1`); a test runs it.
    const EXAMPLE: &'static str;
    const DEFAULT_SORT: Sort;
    /// In screen order.
    const COLUMNS: &'static [Column<Self>];
    /// The exported fields in the order files had before exports were
    /// described per column (scripts read them by position); empty when
    /// that is the columns' order.
    const EXPORT_ORDER: &'static [&'static str] = &[];
    /// For tabs whose count and money sum the customer's summary rows keep:
    /// read there instead of counted (design §4).
    const SUMMARY: Option<Summary> = None;
    /// What the status line calls the Σ beside the tab's Σ (`Summary::
    /// balance`), in full and short.
    const BALANCE_WORDS: (&'static str, &'static str) = ("balance", "bal.");
}

/// Where a tab's unfiltered count and sums are kept in the summaries.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub count: fn(&MetricParts) -> i64,
    /// The status line's Σ, in minor units of the parts' currency.
    pub sum: fn(&MetricParts) -> i64,
    /// The status line's Σ balance, for tabs that show one.
    pub balance: Option<fn(&MetricParts) -> i64>,
}

/// What the status line sums for the rows of a view, per currency: Σ of
/// the tab's money column as the tab counts it (invoices: total, cancelled
/// ones left out; payments: succeeded amounts net of refunds) and, on the
/// Invoices tab, Σ balance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewSums {
    pub sum: Vec<super::Money>,
    /// Beside `sum`, currency for currency.
    pub balance: Option<Vec<super::Money>>,
}

/// A column of a table, described once. `K` is what the table sorts by:
/// `Col` for the customer page's tabs, the customers list's own enum there.
pub struct Column<R: 'static, K: 'static = Col> {
    pub title: &'static str,
    pub width: u16,
    /// Takes the room left over (at least `width`).
    pub fill: bool,
    pub right: bool,
    /// Priority at narrow widths: the column with the highest number gives
    /// way first; 0 stays longest.
    pub priority: u8,
    /// The key the column sorts by and filter terms on it compare (the
    /// store holds the SQL behind it); `None` for columns that do neither.
    pub key: Option<K>,
    /// The filter bar's names for this column, with the values they take.
    pub filter: &'static [Field],
    /// How a row shows in the column.
    pub cell: fn(&R, &CellCtx<'_>) -> CellText,
    /// The fields a row exports for this column: header and exact value.
    pub export: &'static [Export<R>],
}

/// An exported field: its header and its exact value as of a day (amounts
/// as plain decimals, dates ISO, text as stored; the day is for what the
/// screen derives from it, such as an invoice's overdue status).
pub type Export<R> = (&'static str, fn(&R, chrono::NaiveDate) -> String);

// Not derived: a derive would ask `R: Copy`, and rows are not.
impl<R, K: Copy> Clone for Column<R, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R, K: Copy> Copy for Column<R, K> {}

/// Builders, `const` so that a tab's columns are a constant table.
impl<R, K: Copy> Column<R, K> {
    pub const fn new(title: &'static str, width: u16, cell: fn(&R, &CellCtx<'_>) -> CellText) -> Self {
        Column { title, width, fill: false, right: false, priority: 0, key: None, filter: &[], cell, export: &[] }
    }

    pub const fn key(self, key: K) -> Self {
        Column { key: Some(key), ..self }
    }

    pub const fn priority(self, priority: u8) -> Self {
        Column { priority, ..self }
    }

    pub const fn right(self) -> Self {
        Column { right: true, ..self }
    }

    pub const fn fill(self) -> Self {
        Column { fill: true, ..self }
    }

    pub const fn filter(self, filter: &'static [Field]) -> Self {
        Column { filter, ..self }
    }

    pub const fn export(self, export: &'static [Export<R>]) -> Self {
        Column { export, ..self }
    }
}

/// A name the filter bar accepts for a column (`due<2026-01-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldKind,
}

/// What a filter field's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// In the customer's currency.
    Money,
    Int,
    /// Payment terms in days, as typed or as the column shows them: "30",
    /// "net 30", "30 days", "due on receipt" (0).
    Days,
    /// A size in bytes, or with a unit: KB, MB, GB (1000-based) or KiB,
    /// MiB, GiB (1024-based, as the column shows sizes); "1.5MiB".
    Bytes,
    Date,
    /// Text, but `period:2025-Q3` style ranges on a date column.
    Period,
    /// The words it takes and what each means.
    Status(&'static [(&'static str, StatusWord)]),
}

impl Field {
    pub const fn new(name: &'static str, kind: FieldKind) -> Field {
        Field { name, kind }
    }
}

/// What a cell may need besides its row.
pub struct CellCtx<'a> {
    pub today: chrono::NaiveDate,
    /// Ticked invoices (the invoices tab's checkbox column).
    pub selection: Option<&'a std::collections::BTreeMap<i64, crate::domain::Money>>,
    /// How dates show on the screen (exports stay ISO).
    pub dates: crate::domain::date::DateStyle,
}

/// A cell's text and whether it should draw attention (overdue).
pub struct CellText {
    pub text: String,
    pub alert: bool,
}

impl From<String> for CellText {
    fn from(text: String) -> Self {
        CellText { text, alert: false }
    }
}

impl From<&str> for CellText {
    fn from(text: &str) -> Self {
        CellText { text: text.to_string(), alert: false }
    }
}

/// The keys of a tab's columns, in screen order (`Col::for_tab`).
pub(crate) fn keys(tab: Tab) -> Vec<Col> {
    crate::per_tab!(tab, |R| R::COLUMNS.iter().filter_map(|c| c.key).collect())
}

/// The filter fields of a tab with the column each compares, in screen
/// order (which is also the order help and errors list them in).
pub fn filter_fields(tab: Tab) -> Vec<(Col, Field)> {
    crate::per_tab!(tab, |R| {
        let keyed = R::COLUMNS.iter().filter_map(|c| c.key.map(|k| (k, c.filter)));
        keyed.flat_map(|(k, fields)| fields.iter().map(move |f| (k, *f))).collect()
    })
}

/// A command line that lists the tab's rows with a filter, for `--help`.
pub fn cli_example(tab: Tab) -> String {
    let options = crate::per_tab!(tab, |R| R::EXAMPLE);
    format!("ardesk {} --customer 1 {options}", tab.title().to_ascii_lowercase())
}

/// A tab's summary figures, if the summaries keep them.
/// What the status line calls the tab's second Σ (`Tabular::BALANCE_WORDS`).
pub fn balance_words(tab: Tab) -> (&'static str, &'static str) {
    crate::per_tab!(tab, |R| <R as Tabular>::BALANCE_WORDS)
}

pub fn summary(tab: Tab) -> Option<Summary> {
    crate::per_tab!(tab, |R| R::SUMMARY)
}

/// A row type's exported fields, in file order.
pub fn export_fields<R: Tabular>() -> Vec<Export<R>> {
    let mut fields: Vec<Export<R>> = R::COLUMNS.iter().flat_map(|c| c.export.iter().copied()).collect();
    if !R::EXPORT_ORDER.is_empty() {
        // A header missing from the order goes last rather than vanishing;
        // the tests below keep the two lists equal.
        fields.sort_by_key(|(h, _)| R::EXPORT_ORDER.iter().position(|o| o == h).unwrap_or(usize::MAX));
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<R: Tabular>() {
        assert_eq!(Tab::ALL[R::TAB.index()], R::TAB, "Tab::ALL is in declaration order");
        let keys: Vec<Col> = R::COLUMNS.iter().filter_map(|c| c.key).collect();
        assert!(keys.contains(&R::DEFAULT_SORT.col), "{:?} sorts by one of its columns", R::TAB);
        let mut unique = keys.clone();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "{:?}: a key names one column", R::TAB);
        for c in R::COLUMNS {
            assert!(c.filter.is_empty() || c.key.is_some(), "{:?} {}: a filter needs a key", R::TAB, c.title);
        }
        let headers: Vec<&str> = export_fields::<R>().iter().map(|f| f.0).collect();
        if !R::EXPORT_ORDER.is_empty() {
            assert_eq!(headers, R::EXPORT_ORDER, "{:?}: the export order names every exported field once", R::TAB);
        }
        let mut names: Vec<&str> = filter_fields(R::TAB).iter().map(|f| f.1.name).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "{:?}: a filter name means one column", R::TAB);
    }

    #[test]
    fn every_tab_is_described_consistently() {
        for tab in Tab::ALL {
            crate::per_tab!(tab, |R| {
                assert_eq!(R::TAB, tab, "the registry line of {tab:?} names its own row type");
                check::<R>()
            });
        }
        // "Ctr" and "Cts" were distinct and still read alike: no two short
        // titles share their first three letters.
        let stem = |s: &str| s.to_lowercase().chars().take(3).collect::<String>();
        let shorts: std::collections::BTreeSet<String> = Tab::ALL.iter().map(|t| stem(t.short_title())).collect();
        assert_eq!(shorts.len(), Tab::COUNT, "short titles are unambiguous");
    }

    /// Whether `R`'s files still have the fields `then` lists, in that
    /// order: new fields may come between, none may go or move.
    fn keeps<R: Tabular>(then: &[&str]) -> bool {
        let now: Vec<&str> = export_fields::<R>().iter().map(|f| f.0).collect();
        let mut rest = now.iter();
        then.iter().all(|h| rest.any(|n| n == h))
    }

    #[test]
    fn exports_keep_their_order() {
        use crate::domain::model::*;
        let invoices = [
            "number",
            "total",
            "currency",
            "issue_date",
            "due_date",
            "status",
            "open_balance",
            "contract",
            "period_start",
            "period_end",
        ];
        assert!(keeps::<InvoiceRow>(&invoices));
        let contracts = [
            "name",
            "type",
            "status",
            "period_start",
            "period_end",
            "value",
            "currency",
            "payment_terms_days",
            "billing_frequency",
        ];
        assert!(keeps::<ContractRow>(&contracts));
        let payments =
            ["date", "amount", "refunded", "applied", "currency", "reference", "status", "method", "applied_to"];
        assert!(keeps::<PaymentRow>(&payments));
        assert!(keeps::<ContactRow>(&["name", "email", "phone", "role", "primary"]));
        let documents = ["name", "uploaded_at", "type", "format", "contract", "size_bytes", "sha256"];
        assert!(keeps::<DocumentRow>(&documents));
        assert!(keeps::<ActivityRow>(&["at", "who", "what"]));
    }
}
