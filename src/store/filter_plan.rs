//! How a tab's filter is read (version 18 on): which words gather their
//! candidates from the tab's trigram index first, and which comparisons
//! stay off their column's index when counting. Only the speed depends on
//! the plan: every plan reads the same rows (`tests/invoice_search.rs`).

use super::filter_sql::{TermPlan, indexable, searched_word, trigram_match, where_planned};
use super::window::{TabRow, View};
use super::{Result, Store};
use crate::domain::columns::Col;
use crate::domain::filter::{Cond, Filter, Term, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::Ordering;

/// Candidates a window read on the keystroke path gathers at most: they
/// are read and sorted within a few milliseconds. More, and the read
/// walks the sort's index checking each row, which finds a screenful at
/// once when the word is common, and moves to the reading thread when not.
pub(crate) const KEYS_GATHER: i64 = 2_000;
/// Candidates the reading thread gathers at most (counts, sums, and the
/// windows the keystroke path gave up on): 100,000 take about 70 ms.
/// Beyond that, reading the customer's rows costs less.
pub(crate) const WORKER_GATHER: i64 = 100_000;
/// A comparison on a scattered column (`TabRow::SCATTERED`) that more rows
/// than this pass is counted off its index: a million rows read in the
/// order of their totals took 1 s, in their own order 0.4 s.
const SCATTERED_ROWS: i64 = 50_000;
/// A term that more of the customer's rows pass than this is kept off its
/// index by a window read on the keystroke path (sorting this many takes a
/// few milliseconds; walking the sort's index finds a screenful among them
/// at once) …
const KEYS_SORTED: i64 = 2_000;
/// … and on the reading thread.
const WORKER_SORTED: i64 = 20_000;
/// Words whose candidate counts are kept (a stale count only costs speed).
const KEPT_WORDS: usize = 256;

/// How many rows a trigram index holds for each `MATCH`, up to
/// `WORKER_GATHER + 1`.
#[derive(Default)]
pub(super) struct Candidates(RefCell<HashMap<(&'static str, String), i64>>);

impl Store {
    /// Whether this file has the tabs' trigram indexes (version 18).
    pub(crate) fn text_indexed(&self) -> bool {
        self.version >= 18
    }

    /// The plan of each term for reading a window: a word gathered when its
    /// candidates are at most `cap`, or by default as many as the caller
    /// can afford (the keystroke path, under a deadline, fewer). When none
    /// is, a term on another column than the sort's that many of the
    /// customer's rows pass is kept off its index, so the window walks the
    /// sort's index and stops at a screenful instead of sorting them all.
    pub(super) fn window_plans<R: TabRow>(
        &self,
        customer_id: i64,
        view: &View,
        sort: Col,
        cap: Option<i64>,
    ) -> Result<Vec<TermPlan>> {
        let keys = self.deadline.load(Ordering::Relaxed) != 0;
        let cap = cap.unwrap_or(if keys { KEYS_GATHER } else { WORKER_GATHER });
        let mut plans = self.text_plans::<R>(&view.filter, cap);
        if plans.contains(&TermPlan::Gathered) {
            return Ok(plans);
        }
        let sorted = if keys { KEYS_SORTED } else { WORKER_SORTED };
        for (i, term) in view.filter.terms.iter().enumerate() {
            // Words and text comparisons are checked row by row anyway.
            let on_other = match term {
                Term::Text(_) | Term::Field(_, Cond::Contains(_) | Cond::Cmp(_, Value::Text(_))) => false,
                Term::Field(col, _) => *col != sort && R::filter_expr(*col).is_some(),
            };
            if on_other && self.passing::<R>(customer_id, view, term, sorted)? > sorted {
                plans[i] = TermPlan::Unindexed;
            }
        }
        Ok(plans)
    }

    /// The plan of each term for counting and summing a view: words
    /// gathered when they can be; otherwise a comparison on a scattered
    /// column that many of the customer's rows pass is read off its index.
    pub(super) fn count_plans<R: TabRow>(&self, customer_id: i64, view: &View) -> Result<Vec<TermPlan>> {
        let mut plans = self.text_plans::<R>(&view.filter, WORKER_GATHER);
        if plans.contains(&TermPlan::Gathered) {
            return Ok(plans);
        }
        for (i, term) in view.filter.terms.iter().enumerate() {
            let Term::Field(col, Cond::Cmp(_, v)) = term else { continue };
            if matches!(v, Value::Text(_)) || !R::SCATTERED.contains(col) {
                continue;
            }
            if self.passing::<R>(customer_id, view, term, SCATTERED_ROWS)? > SCATTERED_ROWS {
                plans[i] = TermPlan::Unindexed;
            }
        }
        Ok(plans)
    }

    /// How many of the customer's rows pass `term` alone, counted up to
    /// `cap + 1` (through the term's own index, so a few thousand index
    /// entries at most).
    fn passing<R: TabRow>(&self, customer_id: i64, view: &View, term: &Term, cap: i64) -> Result<i64> {
        let alone = Filter { terms: vec![term.clone()], source: String::new() };
        let (sql, params) = where_planned::<R>(&alone, view.today, 3, &[]);
        let probe = format!("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {}{sql} LIMIT ?2)", R::FROM, R::WHERE);
        let mut all: Vec<rusqlite::types::Value> = vec![customer_id.into(), (cap + 1).into()];
        all.extend(params);
        Ok(self.conn().prepare_cached(&probe)?.query_row(rusqlite::params_from_iter(all), |r| r.get(0))?)
    }

    fn text_plans<R: TabRow>(&self, filter: &Filter, cap: i64) -> Vec<TermPlan> {
        filter
            .terms
            .iter()
            .map(|term| {
                let found = R::SEARCH.zip(searched_word::<R>(term).and_then(trigram_match));
                match found {
                    Some((search, m)) if cap > 0 && self.text_indexed() && indexable::<R>(term) => {
                        match self.candidates(search.table, m) {
                            Ok(n) if n <= cap => TermPlan::Gathered,
                            _ => TermPlan::Row,
                        }
                    }
                    _ => TermPlan::Row,
                }
            })
            .collect()
    }

    /// How many rows of `table` hold every trigram of `m`, counted up to
    /// `WORKER_GATHER + 1` (the index's doclists only; no row is read).
    pub(super) fn candidates(&self, table: &'static str, m: String) -> Result<i64> {
        let key = (table, m);
        if let Some(n) = self.candidates.0.borrow().get(&key) {
            return Ok(*n);
        }
        let sql = format!("SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ?1 LIMIT ?2)");
        let n: i64 = self.conn().prepare_cached(&sql)?.query_row((&key.1, WORKER_GATHER + 1), |r| r.get(0))?;
        let mut kept = self.candidates.0.borrow_mut();
        if kept.len() >= KEPT_WORDS {
            kept.clear();
        }
        kept.insert(key, n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;
    use crate::domain::columns::Tab;
    use crate::domain::model::InvoiceRow;
    use crate::domain::status::InvoiceStatus;
    use crate::store::seed::{NewCustomer, NewInvoice};
    use crate::store::window::window_sql_planned;

    fn store() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let s = store.seeder().unwrap();
        s.organization("Northwind", Currency::USD, true, "INV-", None, None).unwrap();
        let c = s
            .customer(&NewCustomer {
                name: "Acme",
                legal_name: "",
                billing_email: "",
                currency: Currency::USD,
                import: None,
                invoices_paused: false,
                portal: false,
            })
            .unwrap();
        let day = |n: i64| chrono::NaiveDate::from_ymd_opt(2019, 1, 1).unwrap() + chrono::Duration::days(n);
        for i in 0..400i64 {
            s.invoice(&NewInvoice {
                customer_id: c,
                contract_id: None,
                number: &format!("INV-{i:04}"),
                issue_date: day(i * 5),
                due_date: day(i * 5 + 30),
                period: None,
                currency: Currency::USD,
                total_minor: 100 + i * 7_919 % 300_000,
                status: [InvoiceStatus::Open, InvoiceStatus::Draft, InvoiceStatus::Cancelled][i as usize % 3],
            })
            .unwrap();
        }
        s.commit().unwrap();
        store
    }

    /// A term kept off its index reads the same rows as one that uses it,
    /// in every order: the plan changes only the speed.
    #[test]
    fn unindexed_terms_read_the_same_rows() {
        let store = store();
        let today = chrono::NaiveDate::from_ymd_opt(2021, 6, 1).unwrap();
        for text in [
            "total>1000",
            "balance>=500 status:open",
            "due<2020-01-01",
            "date:2020",
            "status:overdue",
            "status:open,draft total<=2000",
            "aging:90+",
            "inv-01 total>1",
        ] {
            let filter = crate::domain::filter::parse(text, Tab::Invoices, Currency::USD).unwrap();
            for col in [Col::InvDate, Col::InvTotal, Col::InvNumber] {
                let read = |unindexed: bool| -> Vec<i64> {
                    let plans = vec![if unindexed { TermPlan::Unindexed } else { TermPlan::Row }; filter.terms.len()];
                    let (sql, params) = where_planned::<InvoiceRow>(&filter, today, 5, &plans);
                    let sort = crate::domain::columns::Sort { col, desc: true };
                    let q = window_sql_planned::<InvoiceRow>(sort, &crate::domain::columns::Seek::First, &sql, false)
                        .unwrap();
                    let mut all: Vec<rusqlite::types::Value> = vec![1.into(), 0.into(), 0.into(), 10_000.into()];
                    all.extend(params);
                    let mut stmt = store.conn().prepare(&q).unwrap();
                    let n = stmt.column_count();
                    stmt.query_map(rusqlite::params_from_iter(all), |r| r.get(n - 1))
                        .unwrap()
                        .collect::<rusqlite::Result<_>>()
                        .unwrap()
                };
                let plain = read(false);
                assert!(!plain.is_empty() || text == "aging:90+", "{text} finds rows");
                assert_eq!(read(true), plain, "{text} by {col:?}");
            }
        }
    }
}
