//! Imports on PostgreSQL (issue 21): the same merge as on SQLite
//! (`import::merge`), written through `PgImportTx`, which answers every
//! operation of `store::import::ImportOps` as SQLite's `ImportTx` does,
//! in one transaction per run (`PgStore::import_session`): a failure, a
//! refused row or a cancel leaves nothing.
//!
//! The run holds the customers table in EXCLUSIVE mode for its length:
//! readers go on, and every other writer (each holds its customer's row
//! first, `writes::hold`) waits or is told "busy", as SQLite's one writer
//! makes them during an import. The summaries are the triggers' (PL/pgSQL,
//! `0001_3_summaries.sql`), in bulk mode as well: bulk mode here is new
//! invoices sent by binary COPY into a TEMP staging table and merged by
//! set-based INSERT … SELECT (`load`).

mod credit_notes;
mod load;
mod money;
mod native;
mod parties;
mod prints;
mod refunds;
mod stage;

use super::super::import::{ImportOps, ImportStore};
use super::super::kept::{KeptStore, KeptWriter};
use super::super::{Audit, Result, StoreError, now_utc};
use super::store::PgStore;
use crate::domain::Currency;
use crate::domain::status::ImportSource;
use postgres::types::ToSql;
use postgres::{Row, Statement, Transaction};
use std::cell::{RefCell, RefMut};
use std::collections::HashMap;

/// A parameter list, as the driver takes it.
pub(super) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// The open transaction of one import run on PostgreSQL.
pub struct PgImportTx<'c> {
    tx: RefCell<Transaction<'c>>,
    /// Statements prepared once per run, by their SQL.
    prepared: RefCell<HashMap<String, Statement>>,
    who: String,
    now: String,
    kept: RefCell<KeptWriter>,
    /// Bulk mode (`begin_bulk`): new invoices go the set-based way.
    bulk: bool,
    /// Whether the staging tables of `stage` are made.
    staged: std::cell::Cell<bool>,
    /// Invoices this run added, and how many there were at the last
    /// `ANALYZE` (`grown`).
    added: std::cell::Cell<u64>,
    analyzed_at: std::cell::Cell<u64>,
    /// Row prints kept for invoices found unchanged, not yet written, by
    /// invoice id (`prints`).
    lines: RefCell<HashMap<i64, i64>>,
}

impl PgStore {
    /// Runs an import in one transaction, as `Store::import_session` does
    /// on SQLite: `f` returns its value and whether to commit; an error, or
    /// no commit, rolls everything back.
    pub fn import_session<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut PgImportTx<'_>) -> std::result::Result<(T, bool), E>,
    ) -> std::result::Result<T, E> {
        self.writable()?;
        let who = self.who().to_string();
        let mut client = self.client()?;
        let mut tx = (*client).transaction().map_err(StoreError::from)?;
        tx.batch_execute("LOCK TABLE customers IN EXCLUSIVE MODE").map_err(StoreError::from)?;
        let mut itx = PgImportTx {
            tx: RefCell::new(tx),
            prepared: Default::default(),
            who,
            now: now_utc(),
            kept: Default::default(),
            bulk: false,
            staged: Default::default(),
            added: Default::default(),
            analyzed_at: Default::default(),
            lines: Default::default(),
        };
        let (value, commit) = f(&mut itx)?;
        if commit {
            itx.flush_lines()?;
            itx.kept.borrow_mut().flush_in(&itx)?;
            itx.tx.into_inner().commit().map_err(StoreError::from)?;
        }
        Ok(value)
    }
}

impl ImportStore for PgStore {
    type Tx<'a> = PgImportTx<'a>;

    fn import_session<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut PgImportTx<'_>) -> std::result::Result<(T, bool), E>,
    ) -> std::result::Result<T, E> {
        PgStore::import_session(self, f)
    }
}

impl KeptStore for PgImportTx<'_> {
    fn next_kept(&self) -> Result<Option<i64>> {
        self.one_opt("SELECT first_row + row_count FROM import_kept ORDER BY first_row DESC LIMIT 1", &[])
    }

    fn insert_chunk(&self, first: i64, rows: i64, source: &str, data: &[u8]) -> Result<()> {
        self.exec(
            "INSERT INTO import_kept(first_row, row_count, import_source, created_at, data)
             VALUES ($1, $2, $3, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), $4)",
            &[&first, &rows, &source, &data],
        )?;
        Ok(())
    }
}

/// New invoices before a run first gives the planner their numbers.
const ANALYZE_FROM: u64 = 1024;

impl<'c> PgImportTx<'c> {
    /// Counts `n` new invoices; each time the run's have doubled (from
    /// `ANALYZE_FROM` on), the tables it grows are analyzed inside its
    /// transaction. A run is one transaction, which autovacuum's ANALYZE
    /// cannot see into: without this, the plans made while the tables were
    /// nearly empty (sequential scans) stayed for the whole run, the
    /// trigger's and the lookups' alike, each scan longer than the last
    /// (`number = ANY($1)`: 7 s of a 20,000-row import's 41 s on the
    /// server). ANALYZE also invalidates the plans cached meanwhile.
    pub(super) fn grown(&self, n: u64) -> Result<()> {
        let added = self.added.get() + n;
        self.added.set(added);
        if added >= ANALYZE_FROM.max(2 * self.analyzed_at.get()) {
            self.tx().batch_execute(
                "ANALYZE invoices, payments, credits, applications, customer_summary, customer_day_summary",
            )?;
            self.analyzed_at.set(added);
        }
        Ok(())
    }

    /// The transaction, for one statement at a time.
    pub(super) fn tx(&self) -> RefMut<'_, Transaction<'c>> {
        self.tx.borrow_mut()
    }

    fn statement(&self, tx: &mut Transaction<'c>, sql: &str) -> Result<Statement> {
        if let Some(s) = self.prepared.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = tx.prepare(sql)?;
        self.prepared.borrow_mut().insert(sql.to_string(), s.clone());
        Ok(s)
    }

    /// Runs a statement (prepared once per run); the rows it changed.
    pub(super) fn exec(&self, sql: &str, params: Params<'_>) -> Result<u64> {
        let mut tx = self.tx();
        let s = self.statement(&mut tx, sql)?;
        Ok(tx.execute(&s, params)?)
    }

    pub(super) fn rows(&self, sql: &str, params: Params<'_>) -> Result<Vec<Row>> {
        let mut tx = self.tx();
        let s = self.statement(&mut tx, sql)?;
        Ok(tx.query(&s, params)?)
    }

    pub(super) fn row_opt(&self, sql: &str, params: Params<'_>) -> Result<Option<Row>> {
        let mut tx = self.tx();
        let s = self.statement(&mut tx, sql)?;
        Ok(tx.query_opt(&s, params)?)
    }

    pub(super) fn row(&self, sql: &str, params: Params<'_>) -> Result<Row> {
        let mut tx = self.tx();
        let s = self.statement(&mut tx, sql)?;
        Ok(tx.query_one(&s, params)?)
    }

    /// The first column of the one row, if there is one.
    pub(super) fn one_opt<T: for<'r> postgres::types::FromSql<'r>>(
        &self,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Option<T>> {
        match self.row_opt(sql, params)? {
            Some(r) => Ok(Some(r.try_get(0)?)),
            None => Ok(None),
        }
    }

    /// The first column of the one row there must be.
    pub(super) fn one<T: for<'r> postgres::types::FromSql<'r>>(&self, sql: &str, params: Params<'_>) -> Result<T> {
        Ok(self.row(sql, params)?.try_get(0)?)
    }

    // Bulk mode -----------------------------------------------------------

    /// Bulk mode: the summaries stay the triggers' (they are written per
    /// statement), new invoices go the set-based way (`load_invoices`).
    pub fn begin_bulk(&mut self) -> Result<()> {
        self.bulk = true;
        Ok(())
    }

    pub fn is_bulk(&self) -> bool {
        self.bulk
    }

    /// No index is dropped on PostgreSQL: the staging table is what makes
    /// a large load fast here.
    pub fn lift_indexes(&mut self, _external: bool) -> Result<()> {
        Ok(())
    }

    pub fn restore_indexes(&mut self) -> Result<()> {
        Ok(())
    }

    pub fn indexes_lifted(&self) -> bool {
        false
    }

    pub fn external_lifted(&self) -> bool {
        false
    }

    pub fn invoice_rows_at_most(&self) -> Result<i64> {
        self.one("SELECT coalesce(max(id), 0) FROM invoices", &[])
    }

    pub fn end_bulk(&mut self, _customers: &[i64]) -> Result<()> {
        self.bulk = false;
        Ok(())
    }

    /// The run's day (UTC).
    pub fn today(&self) -> chrono::NaiveDate {
        self.now.get(..10).and_then(|d| d.parse().ok()).unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    pub fn default_currency(&self) -> Result<Currency> {
        let code: String = self.one("SELECT default_currency FROM organization", &[])?;
        code.parse().map_err(|_| StoreError::Invalid(format!("unknown currency {code}")))
    }

    /// The run's one audit row for a customer.
    pub fn audit(&self, customer_id: i64, summary: String, after: serde_json::Value) -> Result<()> {
        let a = Audit {
            customer_id: Some(customer_id),
            entity: "customer",
            entity_id: Some(customer_id),
            action: "import",
            summary,
            before: None,
            after: Some(after),
        };
        super::writes::audit_at(&mut *self.tx(), &a, &self.who, &self.now)
    }

    /// Runs `f` so that what it writes lands whole or not at all (a
    /// savepoint inside the run's transaction).
    pub fn whole<T, E>(&self, f: impl FnOnce() -> std::result::Result<T, E>) -> Result<std::result::Result<T, E>> {
        // The prints gathered so far are written before it, and those
        // gathered inside it go with it.
        self.flush_lines()?;
        self.tx().batch_execute("SAVEPOINT ardesk_row")?;
        let r = f();
        match &r {
            Ok(_) => self.tx().batch_execute("RELEASE ardesk_row")?,
            Err(_) => {
                self.lines.borrow_mut().clear();
                self.tx().batch_execute("ROLLBACK TO ardesk_row; RELEASE ardesk_row")?
            }
        }
        Ok(r)
    }
}

/// A stored source name as the domain's.
pub(super) fn source_of(s: Option<String>) -> Option<ImportSource> {
    s.and_then(|s| ImportSource::from_db(&s))
}

/// A stored currency code as the domain's.
pub(super) fn currency_of(code: String) -> Result<Currency> {
    code.parse().map_err(|_| StoreError::Invalid(format!("unknown currency {code}")))
}

/// Trait check: the PostgreSQL transaction answers the merge.
const _: fn() = || {
    fn takes<X: ImportOps>() {}
    takes::<PgImportTx<'_>>();
};
