//! What each tab of the customer page reads, one module per tab: columns,
//! joins, and the whitelisted SQL of every column key its description
//! (`domain::tabs`) names. Here too: the readers they share, and the tabs'
//! counts.

mod activity;
mod contacts;
mod contracts;
mod conversations;
mod documents;
mod invoices;
mod payments;

use super::metrics::PartsByCurrency;
use super::window::TabRow;
use super::{Result, Store};
use crate::domain::Currency;
use crate::domain::columns::Tab;
use crate::domain::date::from_iso;
use crate::domain::model::PaymentRow;
use rusqlite::{OptionalExtension, Row};

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

/// The latest-ending pause's first day and the day it ends, read as "END
/// FROM" (one `max` gives both, with no sort), or `None` for an invoice
/// never paused.
pub(crate) fn pause_window(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<(chrono::NaiveDate, chrono::NaiveDate)>> {
    let s: Option<String> = row.get(idx)?;
    Ok(s.and_then(|s| {
        let (end, from) = s.split_once(' ')?;
        Some((from.parse().ok()?, end.parse().ok()?))
    }))
}

/// Reads a stored enum; the CHECK constraints make the fallback unreachable
/// for data ardesk wrote.
pub(crate) fn stored<T: Copy>(row: &Row<'_>, idx: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, format!("unknown value {s}").into())
    })
}

impl Store {
    /// Rows per tab, for the tab bar: from the summaries for tabs they keep
    /// (`Tabular::SUMMARY`, summed over `parts`' currencies), else counted.
    pub(crate) fn tab_counts(&self, customer_id: i64, parts: &PartsByCurrency) -> Result<[i64; Tab::COUNT]> {
        let mut counts = [0; Tab::COUNT];
        for tab in Tab::ALL {
            counts[tab.index()] = crate::per_tab!(tab, |R| self.tab_count::<R>(customer_id, parts))?;
        }
        Ok(counts)
    }

    /// One row of a tab by its id, as the tab shows it, or `None` when it
    /// is gone (an edit form reads its record again after a conflict).
    pub fn tab_row<R: TabRow>(&self, id: i64) -> Result<Option<R>> {
        let sql = format!("SELECT {} FROM {} WHERE {} = ?1", R::SELECT, R::FROM, R::ID);
        Ok(self.conn().prepare_cached(&sql)?.query_row([id], R::map).optional()?)
    }

    /// A credit (granted credit, a credit note, an adjustment) of
    /// `customer_id` as the Payments tab lists it (its row's id is the
    /// credit's negated), or `None` when it is not the customer's.
    pub fn credit_row(&self, customer_id: i64, credit_id: i64) -> Result<Option<PaymentRow>> {
        let Some((select, from)) = PaymentRow::ALSO else { return Ok(None) };
        // `-credit_id` of the smallest id would overflow: no credit has it.
        let Some(id) = credit_id.checked_neg() else { return Ok(None) };
        let sql = format!("SELECT {select} FROM {from} WHERE p.id = ?1 AND p.customer_id = ?2");
        Ok(self.conn().prepare_cached(&sql)?.query_row((id, customer_id), PaymentRow::map).optional()?)
    }

    /// A credit note's lines, in order (none for other credit, or a
    /// credit note issued without lines).
    pub fn credit_note_lines(&self, credit_id: i64) -> Result<Vec<crate::domain::lines::Line>> {
        super::lines::credit_note_lines(self.conn(), credit_id)
    }

    /// Why a credit was given ('' when it is gone): the Payments row shows
    /// a credit note's number in its place.
    pub fn credit_reason(&self, credit_id: i64) -> Result<String> {
        let sql = "SELECT reason FROM credits WHERE id = ?1";
        Ok(self.conn().prepare_cached(sql)?.query_row([credit_id], |r| r.get(0)).optional()?.unwrap_or_default())
    }

    /// The unfiltered count: the first kind of row from the summaries
    /// where the tab has them, the second kind (`ALSO`, a customer's few
    /// credits) by its index.
    fn tab_count<R: TabRow>(&self, customer_id: i64, parts: &PartsByCurrency) -> Result<i64> {
        let count = |from: &str| -> Result<i64> {
            let sql = format!("SELECT count(*) FROM {from} WHERE {}", R::WHERE);
            Ok(self.conn().prepare_cached(&sql)?.query_row([customer_id], |r| r.get(0))?)
        };
        let also = match R::ALSO {
            Some((_, from)) => count(from)?,
            None => 0,
        };
        match R::SUMMARY {
            Some(s) => Ok(parts.values().map(s.count).sum::<i64>() + also),
            None => Ok(count(R::FROM)? + also),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::columns::{Col, Tab};
    use crate::store::window::TabRow;

    /// Every key a tab's description names has SQL here, and nothing else
    /// does: a column cannot be added without saying what it sorts by.
    fn check<R: TabRow>() {
        let keys = Col::for_tab(R::TAB);
        let sql: Vec<Col> = R::SORT.iter().map(|s| s.0).collect();
        assert_eq!(sql, keys, "{:?}: one whitelisted expression per column key, in column order", R::TAB);
        for (col, _) in R::FILTER {
            assert!(keys.contains(col), "{:?}: {col:?} filters but is no column of the tab", R::TAB);
        }
        assert_eq!(R::SUM.is_some(), R::SUMMARY.is_some(), "{:?}: a money column sums both ways", R::TAB);
        let balance = R::SUMMARY.and_then(|s| s.balance);
        assert_eq!(R::BALANCE.is_some(), balance.is_some(), "{:?}: a balance sums both ways", R::TAB);
    }

    #[test]
    fn every_column_key_has_its_sql() {
        for tab in Tab::ALL {
            crate::per_tab!(tab, |R| check::<R>());
        }
    }
}
