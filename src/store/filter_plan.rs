//! How a tab's filter is read (version 18 on): which words gather their
//! candidates from the tab's trigram index first, and which comparisons
//! stay off their column's index when counting. Only the speed depends on
//! the plan: every plan reads the same rows (`tests/invoice_search.rs`).

use super::filter_sql::{TermPlan, indexable, searched_word, trigram_match, where_planned};
use super::window::{TabRow, View};
use super::{Result, Store};
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

    /// The plan of each term for reading a window: gathered when its
    /// candidates are at most `cap`, or by default as many as the caller
    /// can afford (the keystroke path, under a deadline, fewer).
    pub(super) fn window_plans<R: TabRow>(&self, filter: &Filter, cap: Option<i64>) -> Vec<TermPlan> {
        let keys = self.deadline.load(Ordering::Relaxed) != 0;
        let cap = cap.unwrap_or(if keys { KEYS_GATHER } else { WORKER_GATHER });
        self.text_plans::<R>(filter, cap)
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
            let alone = Filter { terms: vec![term.clone()], source: String::new() };
            let (sql, params) = where_planned::<R>(&alone, view.today, 3, &[]);
            let probe = format!("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {}{sql} LIMIT ?2)", R::FROM, R::WHERE);
            let mut all: Vec<rusqlite::types::Value> = vec![customer_id.into(), (SCATTERED_ROWS + 1).into()];
            all.extend(params);
            let n: i64 =
                self.conn().prepare_cached(&probe)?.query_row(rusqlite::params_from_iter(all), |r| r.get(0))?;
            if n > SCATTERED_ROWS {
                plans[i] = TermPlan::Unindexed;
            }
        }
        Ok(plans)
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
    fn candidates(&self, table: &'static str, m: String) -> Result<i64> {
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
