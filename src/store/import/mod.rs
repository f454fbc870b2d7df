//! Every statement the importers run, inside one IMMEDIATE transaction per
//! run (`Store::import_session`): lookups by (source, external id), inserts
//! and updates that keep the imported values in `source_raw`, applications,
//! the per-customer audit rows, and bulk mode for large files (summary
//! triggers lifted, summaries rebuilt before commit, as the demo loader
//! does; new invoices through `store::load`, screen indexes dropped for
//! the load by `store::bulk`). Applied amounts are always read from the
//! applications themselves, so they are right in bulk mode too.

mod money;
mod native;

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
}

fn source_of(s: Option<String>) -> Option<ImportSource> {
    s.and_then(|s| ImportSource::from_db(&s))
}

const INVOICE_COLS: &str = "id, customer_id, number, issue_date, due_date, period_start, period_end, currency, \
     total_minor, (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.invoice_id = invoices.id), \
     status, external_id, source_raw";

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
    })
}

const PAYMENT_COLS: &str = "id, customer_id, received_on, amount_minor, refunded_minor, \
     (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.payment_id = payments.id), \
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
    /// Runs an import in one IMMEDIATE transaction with a large page cache.
    /// `f` returns its value and whether to commit (a dry run or a run with
    /// refused rows rolls back). An error rolls back too.
    pub fn import_session<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut ImportTx<'_>) -> std::result::Result<(T, bool), E>,
    ) -> std::result::Result<T, E> {
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0)).map_err(StoreError::from)?;
        self.conn.execute_batch("PRAGMA cache_size = -262144").map_err(StoreError::from)?;
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
            };
            let (value, commit) = f(&mut itx)?;
            // Without a commit the rollback ends bulk mode: DDL is transactional.
            let bulk = itx.suspended.is_some() || itx.lifted.is_some() || itx.unique.borrow().is_some();
            if commit && bulk {
                return Err(StoreError::Invalid("bulk mode was not ended before commit".into()).into());
            }
            if commit {
                itx.tx.commit().map_err(StoreError::from)?;
            }
            Ok(value)
        })();
        let _ = self.conn.execute_batch(&format!("PRAGMA cache_size = {cache}"));
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
            summaries::rebuild(&self.tx, &rebuild, s)?;
        }
        Ok(())
    }

    pub fn default_currency(&self) -> Result<Currency> {
        Ok(self.tx.query_row("SELECT default_currency FROM organization", [], |r| currency(r, 0))?)
    }

    // Customers ------------------------------------------------------------

    pub fn find_customer(&self, source: ImportSource, external_id: &str) -> Result<Option<CustomerState>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, name, coalesce(legal_name, ''), coalesce(billing_email, ''), currency, external_url, source_raw
             FROM customers WHERE import_source = ?1 AND external_id = ?2",
        )?;
        Ok(stmt
            .query_row(params![source.as_db(), external_id], |r| {
                Ok(CustomerState {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    legal_name: r.get(2)?,
                    billing_email: r.get(3)?,
                    currency: currency(r, 4)?,
                    external_url: r.get(5)?,
                    source_raw: r.get(6)?,
                })
            })
            .optional()?)
    }

    /// Gives a customer the external id its source now names it by (one
    /// first imported from a report, keyed on its name).
    pub fn set_customer_external_id(&self, id: i64, external_id: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE customers SET external_id = ?2, version = version + 1 WHERE id = ?1",
            params![id, external_id],
        )?;
        Ok(())
    }

    pub fn set_customer_url(&self, id: i64, url: Option<&str>) -> Result<()> {
        self.tx.execute("UPDATE customers SET external_url = ?2 WHERE id = ?1", params![id, url])?;
        Ok(())
    }

    /// The customers of `source` that have an id (not a `name:` key): the
    /// name each was last imported under, and its external id.
    pub fn customer_names(&self, source: ImportSource) -> Result<Vec<(String, String)>> {
        let mut stmt = self.tx.prepare(
            "SELECT CASE WHEN json_type(source_raw, '$.imported.name') = 'text'
                         THEN json_extract(source_raw, '$.imported.name') END, external_id
             FROM customers
             WHERE import_source = ?1 AND substr(external_id, 1, length(?2)) <> ?2 AND json_valid(source_raw)",
        )?;
        let rows = stmt.query_map([source.as_db(), crate::domain::external_id::NAME_KEY], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get(1)?))
        })?;
        let rows: Vec<(Option<String>, String)> = rows.collect::<rusqlite::Result<_>>()?;
        Ok(rows.into_iter().filter_map(|(name, ext)| Some((name?, ext))).collect())
    }

    /// A customer created by an ardesk export import from `origin`, if any.
    pub fn find_customer_by_origin(&self, origin: &str) -> Result<Option<i64>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id FROM customers WHERE import_source IS NULL AND json_valid(source_raw)
               AND json_extract(source_raw, '$.ardesk_origin') = ?1",
        )?;
        Ok(stmt.query_row([origin], |r| r.get(0)).optional()?)
    }

    pub fn insert_customer(&self, source: Option<(ImportSource, &str)>, c: &CustomerWrite<'_>) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO customers(name, legal_name, billing_email, currency, import_source, external_id,
                                       external_url, source_raw, created_at)
                 VALUES (?1, nullif(?2, ''), nullif(?3, ''), ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                c.name,
                c.legal_name,
                c.billing_email,
                c.currency.code(),
                source.map(|s| s.0.as_db()),
                source.map(|s| s.1),
                c.external_url,
                c.source_raw,
                self.now
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn update_customer(&self, id: i64, c: &CustomerWrite<'_>) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE customers SET name = ?2, legal_name = nullif(?3, ''), billing_email = nullif(?4, ''),
                        currency = ?5, external_url = ?6, source_raw = ?7, version = version + 1 WHERE id = ?1",
            )?
            .execute(params![
                id,
                c.name,
                c.legal_name,
                c.billing_email,
                c.currency.code(),
                c.external_url,
                c.source_raw
            ])?;
        Ok(())
    }

    /// Flags that ardesk JSON carries (not part of any source's data).
    pub fn set_customer_flags(&self, id: i64, invoices_paused: bool, portal: bool) -> Result<()> {
        self.tx.execute(
            "UPDATE customers SET invoices_paused = ?2, portal = ?3 WHERE id = ?1",
            params![id, invoices_paused, portal],
        )?;
        Ok(())
    }

    pub fn set_customer_raw(&self, id: i64, source_raw: &str) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE customers SET source_raw = ?2 WHERE id = ?1")?
            .execute(params![id, source_raw])?;
        Ok(())
    }

    /// Changes the currency of a customer that has no issued invoices,
    /// payments or credits yet.
    pub fn set_customer_currency(&self, id: i64, cur: Currency) -> Result<()> {
        self.tx.execute(
            "UPDATE customers SET currency = ?2, version = version + 1 WHERE id = ?1",
            params![id, cur.code()],
        )?;
        Ok(())
    }

    pub fn customer_has_money(&self, id: i64) -> Result<bool> {
        Ok(self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM invoices WHERE customer_id = ?1 AND status IN ('open', 'paid', 'uncollectible'))
                 OR EXISTS (SELECT 1 FROM payments WHERE customer_id = ?1)
                 OR EXISTS (SELECT 1 FROM credits WHERE customer_id = ?1)",
            [id],
            |r| r.get(0),
        )?)
    }

    // Contacts -------------------------------------------------------------

    pub fn find_contact(&self, source: ImportSource, external_id: &str) -> Result<Option<ContactState>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, customer_id, name, email, phone, role, source_raw FROM contacts
             WHERE import_source = ?1 AND external_id = ?2",
        )?;
        Ok(stmt
            .query_row(params![source.as_db(), external_id], |r| {
                Ok(ContactState {
                    id: r.get(0)?,
                    customer_id: r.get(1)?,
                    name: r.get(2)?,
                    email: r.get(3)?,
                    phone: r.get(4)?,
                    role: r.get(5)?,
                    source_raw: r.get(6)?,
                })
            })
            .optional()?)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn insert_contact(
        &self,
        source: Option<(ImportSource, &str)>,
        customer_id: i64,
        name: &str,
        email: &str,
        phone: &str,
        role: &str,
        source_raw: Option<&str>,
    ) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO contacts(customer_id, name, email, phone, role, import_source, external_id, source_raw,
                                      created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                customer_id,
                name,
                email,
                phone,
                role,
                source.map(|s| s.0.as_db()),
                source.map(|s| s.1),
                source_raw,
                self.now
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn update_contact(&self, id: i64, name: &str, email: &str, phone: &str, role: &str, raw: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE contacts SET name = ?2, email = ?3, phone = ?4, role = ?5, source_raw = ?6, version = version + 1
             WHERE id = ?1",
            params![id, name, email, phone, role, raw],
        )?;
        Ok(())
    }

    pub fn set_contact_raw(&self, id: i64, raw: &str) -> Result<()> {
        self.tx.execute("UPDATE contacts SET source_raw = ?2 WHERE id = ?1", params![id, raw])?;
        Ok(())
    }

    pub fn primary_contact(&self, customer_id: i64) -> Result<Option<i64>> {
        Ok(self.tx.query_row("SELECT primary_contact_id FROM customers WHERE id = ?1", [customer_id], |r| r.get(0))?)
    }

    pub fn make_primary(&self, customer_id: i64, contact_id: i64) -> Result<()> {
        self.tx.execute(
            "UPDATE customers SET primary_contact_id = ?2 WHERE id = ?1 AND primary_contact_id IS NOT ?2",
            params![customer_id, contact_id],
        )?;
        Ok(())
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
