//! Every statement the importers run, inside one IMMEDIATE transaction per
//! run (`Store::import_session`): lookups by (source, external id), inserts
//! and updates that keep the imported values in `source_raw`, applications,
//! the per-customer audit rows, and bulk mode for large files (summary
//! triggers lifted, summaries rebuilt before commit, as the demo loader
//! does; new invoices through `store::load`, screen indexes dropped for
//! the load by `store::bulk`). Applied amounts are always read from the
//! applications themselves, so they are right in bulk mode too.

mod credit_notes;
mod money;
mod native;
mod ops;
mod parties;
mod prints;

use super::audit::Audit;
use super::bulk::Deltas;
use super::summaries::{self, Suspended};
use super::tabs::{currency, date, opt_date, stored};
use super::{Result, Store, StoreError, now_utc};
use crate::domain::Currency;
use crate::domain::date::iso;
use crate::domain::status::*;
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Transaction, params};
use std::cell::RefCell;
use std::collections::HashSet;

mod rows;

pub use super::refund_rows::KeyedRefund;
pub use native::{ConversationWrite, MessageWrite, PauseWrite, PromiseWrite};
pub use ops::{ImportOps, ImportStore};
pub use rows::*;

/// While the external-id indexes are lifted: the indexes, and a hash of
/// every (source, external id) `load_invoices` wrote. A key seen before
/// goes the row-by-row way, which creates the indexes again first; a hash
/// that collides only costs that, never a wrong row.
pub(super) struct ExternalKeys {
    lifted: super::bulk::Lifted,
    loaded: HashSet<u64>,
}

impl ExternalKeys {
    pub(super) fn key(source: ImportSource, external_id: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (source.as_db(), external_id).hash(&mut h);
        h.finish()
    }

    /// How many of `keys`, from the first, are new (none seen before, none
    /// twice).
    pub(super) fn new_prefix(&self, keys: &[u64]) -> usize {
        let mut here = HashSet::with_capacity(keys.len());
        keys.iter().take_while(|k| !self.loaded.contains(k) && here.insert(**k)).count()
    }

    pub(super) fn loaded(&mut self, keys: &[u64]) {
        self.loaded.extend(keys);
    }
}

/// The open transaction of one import run.
pub struct ImportTx<'c> {
    pub(super) tx: Transaction<'c>,
    who: String,
    pub(super) now: String,
    pub(super) suspended: Option<Suspended>,
    lifted: Option<super::bulk::Lifted>,
    /// A source's first invoices: the external-id indexes lifted too, and
    /// the keys `load_invoices` wrote meanwhile (`ExternalKeys`).
    pub(super) unique: RefCell<Option<ExternalKeys>>,
    /// Bulk mode: the summaries of rows `load_invoices` wrote, and which
    /// customers other writes touched (`touch`).
    pub(super) deltas: RefCell<Deltas>,
    /// The source rows the run keeps (`store::kept`).
    pub(super) kept: RefCell<super::kept::KeptWriter>,
}

fn source_of(s: Option<String>) -> Option<ImportSource> {
    s.and_then(|s| ImportSource::from_db(&s))
}

const INVOICE_COLS: &str = "id, customer_id, number, issue_date, due_date, period_start, period_end, currency, \
     total_minor, (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.removed_on IS NULL AND a.invoice_id = invoices.id), \
     status, external_id, source_raw, memo, import_base";

fn map_invoice(r: &rusqlite::Row<'_>) -> rusqlite::Result<InvoiceState> {
    let period = match (opt_date(r, 5)?, opt_date(r, 6)?) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    };
    Ok(InvoiceState {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        number: r.get(2)?,
        issue_date: date(r, 3)?,
        due_date: date(r, 4)?,
        period,
        currency: currency(r, 7)?,
        total_minor: r.get(8)?,
        applied_minor: r.get(9)?,
        status: stored(r, 10, InvoiceStatus::from_db)?,
        external_id: r.get(11)?,
        source_raw: r.get(12)?,
        memo: r.get(13)?,
        import_base: r.get(14)?,
    })
}

const PAYMENT_COLS: &str = "id, customer_id, received_on, amount_minor, refunded_minor, \
     (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.removed_on IS NULL AND a.payment_id = payments.id), \
     currency, reference, status, method, external_id, source_raw";

fn map_payment(r: &rusqlite::Row<'_>) -> rusqlite::Result<PaymentState> {
    Ok(PaymentState {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        received_on: date(r, 2)?,
        amount_minor: r.get(3)?,
        refunded_minor: r.get(4)?,
        applied_minor: r.get(5)?,
        currency: currency(r, 6)?,
        reference: r.get(7)?,
        status: stored(r, 8, PaymentStatus::from_db)?,
        method: stored(r, 9, PaymentMethod::from_db)?,
        external_id: r.get(10)?,
        source_raw: r.get(11)?,
    })
}

impl Store {
    /// Runs an import in one IMMEDIATE transaction, its big sorts spilled to
    /// a temporary file.
    /// `f` returns its value and whether to commit (a dry run or a run with
    /// refused rows rolls back). An error rolls back too.
    pub fn import_session<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut ImportTx<'_>) -> std::result::Result<(T, bool), E>,
    ) -> std::result::Result<T, E> {
        let spill = self.version == super::SCHEMA_VERSION;
        if spill {
            self.conn.execute_batch("PRAGMA temp_store = FILE").map_err(StoreError::from)?;
        }
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0)).map_err(StoreError::from)?;
        // 64 MiB of page cache, and sorts past it (the dated summary's sums
        // of a million new invoices, the indexes built again) spilled to a
        // temporary file, not kept in memory. A million Stripe invoice rows,
        // 2026-12-07: peak RSS 209 MiB in 54.8 s; with 256 MiB of cache
        // and sorts in memory, 1,151 MiB in 55.5–60.7 s (`cargo bench
        // --bench import`). Only on a current file: changing `temp_store`
        // drops the temporary views an older one is read through.
        self.conn.execute_batch("PRAGMA cache_size = -65536").map_err(StoreError::from)?;
        // The bulk loader's statements of several sizes stay prepared.
        self.conn.set_prepared_statement_cache_capacity(64);
        let who = self.who().to_string();
        let result = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(StoreError::from)?;
            let mut itx = ImportTx {
                tx,
                who,
                now: now_utc(),
                suspended: None,
                lifted: None,
                unique: RefCell::new(None),
                deltas: Default::default(),
                kept: Default::default(),
            };
            let (value, commit) = f(&mut itx)?;
            // Without a commit the rollback ends bulk mode: DDL is transactional.
            let bulk = itx.suspended.is_some() || itx.lifted.is_some() || itx.unique.borrow().is_some();
            if commit && bulk {
                return Err(StoreError::Invalid("bulk mode was not ended before commit".into()).into());
            }
            if commit {
                itx.kept.borrow_mut().finish(&itx.tx)?;
                itx.tx.commit().map_err(StoreError::from)?;
            }
            Ok(value)
        })();
        let _ = self.conn.execute_batch(&format!("PRAGMA cache_size = {cache}"));
        if spill {
            let _ = self.conn.execute_batch("PRAGMA temp_store = MEMORY");
        }
        result
    }
}

impl ImportTx<'_> {
    /// Lifts the summary triggers for a large run; `end_bulk` must follow.
    pub fn begin_bulk(&mut self) -> Result<()> {
        if self.suspended.is_none() {
            self.suspended = Some(summaries::suspend(&self.tx)?);
        }
        Ok(())
    }

    /// In bulk mode, notes that a write other than `load_invoices` changed
    /// money rows of `customer`: its summaries are rebuilt from its rows.
    fn touch(&self, customer: i64) {
        if self.suspended.is_some() {
            self.deltas.borrow_mut().slow(customer);
        }
    }

    /// `touch` for the customer of a row of `table` (invoices, payments, credits).
    fn touch_row(&self, table: &str, id: i64) -> Result<()> {
        if self.suspended.is_some() {
            let sql = format!("SELECT customer_id FROM {table} WHERE id = ?1");
            let found: Option<i64> = self.tx.prepare_cached(&sql)?.query_row([id], |r| r.get(0)).optional()?;
            if let Some(c) = found {
                self.touch(c);
            }
        }
        Ok(())
    }

    /// Whether the summary triggers are lifted (`begin_bulk`).
    pub fn is_bulk(&self) -> bool {
        self.suspended.is_some()
    }

    /// Drops the screen indexes for a load of many new rows (`store::bulk`),
    /// and with `external` the external-id indexes too (a load of sources
    /// with no invoices or payments here yet); `restore_indexes` (or
    /// `end_bulk`) must follow.
    pub fn lift_indexes(&mut self, external: bool) -> Result<()> {
        if self.lifted.is_none() {
            self.lifted = Some(super::bulk::lift(&self.tx)?);
        }
        if external && self.unique.borrow().is_none() {
            let lifted = super::bulk::lift_these(&self.tx, super::bulk::UNIQUE_LIFTED)?;
            *self.unique.borrow_mut() = Some(ExternalKeys { lifted, loaded: HashSet::new() });
        }
        Ok(())
    }

    /// Creates the indexes `lift_indexes` dropped.
    pub fn restore_indexes(&mut self) -> Result<()> {
        self.external_indexes()?;
        match self.lifted.take() {
            Some(l) => super::bulk::restore(&self.tx, l),
            None => Ok(()),
        }
    }

    /// Creates the external-id indexes again if they are lifted: called
    /// first by everything that finds or writes invoices or payments by
    /// their external id, other than `load_invoices`.
    pub(super) fn external_indexes(&self) -> Result<()> {
        let taken = self.unique.borrow_mut().take();
        match taken {
            Some(keys) => super::bulk::restore(&self.tx, keys.lifted),
            None => Ok(()),
        }
    }

    /// Whether any index is lifted.
    pub fn indexes_lifted(&self) -> bool {
        self.lifted.is_some() || self.external_lifted()
    }

    /// Whether the external-id indexes are lifted.
    pub fn external_lifted(&self) -> bool {
        self.unique.borrow().is_some()
    }

    /// At least as many as the invoices there are (the largest id).
    pub fn invoice_rows_at_most(&self) -> Result<i64> {
        Ok(self.tx.query_row("SELECT coalesce(max(id), 0) FROM invoices", [], |r| r.get(0))?)
    }

    /// Rebuilds the summaries of the customers a bulk run touched.
    pub fn end_bulk(&mut self, customers: &[i64]) -> Result<()> {
        self.restore_indexes()?;
        if let Some(s) = self.suspended.take() {
            let mut deltas = self.deltas.take();
            deltas.apply(&self.tx)?;
            let kept = deltas.kept();
            let rebuild: Vec<i64> = customers.iter().copied().filter(|c| !kept.contains(c)).collect();
            let mut kept: Vec<i64> = kept.into_iter().collect();
            kept.sort_unstable();
            summaries::add_new_dated(&self.tx, &kept)?;
            summaries::rebuild(&self.tx, &rebuild, s)?;
        }
        Ok(())
    }

    /// The run's day (UTC, as its audit rows' times): what an invoice
    /// cancelled by the import without a date of its source's is dated.
    pub fn today(&self) -> chrono::NaiveDate {
        self.now.get(..10).and_then(|d| d.parse().ok()).unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    pub fn default_currency(&self) -> Result<Currency> {
        Ok(self.tx.query_row("SELECT default_currency FROM organization", [], |r| currency(r, 0))?)
    }

    // Audit ----------------------------------------------------------------

    /// The run's one audit row for a customer.
    pub fn audit(&self, customer_id: i64, summary: String, after: serde_json::Value) -> Result<()> {
        Audit {
            customer_id: Some(customer_id),
            entity: "customer",
            entity_id: Some(customer_id),
            action: "import",
            summary,
            before: None,
            after: Some(after),
        }
        .write(&self.tx, &self.who)?;
        Ok(())
    }
}
