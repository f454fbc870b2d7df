//! Every statement the importers run, inside one IMMEDIATE transaction per
//! run (`Store::import_session`): lookups by (source, external id), inserts
//! and updates that keep the imported values in `source_raw`, applications,
//! the per-customer audit rows, and bulk mode for large files (summary
//! triggers lifted, summaries rebuilt before commit, as the demo loader
//! does; new invoices through `store::load`, screen indexes dropped for
//! the load by `store::bulk`). Applied amounts are always read from the
//! applications themselves, so they are right in bulk mode too.

use super::audit::Audit;
use super::bulk::Deltas;
use super::summaries::{self, Suspended};
use super::tabs::{currency, date, opt_date, stored};
use super::{Result, Store, StoreError, now_utc};
use crate::domain::Currency;
use crate::domain::status::*;
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Transaction, params};
use std::cell::RefCell;

/// A date in storage form, without chrono's format parser (hot path).
pub fn iso(d: NaiveDate) -> String {
    use chrono::Datelike;
    let mut s = String::with_capacity(10);
    let (y, m, day) = (d.year(), d.month(), d.day());
    let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{y:04}-{m:02}-{day:02}"));
    s
}

pub use crate::import::rows::*;

/// The open transaction of one import run.
pub struct ImportTx<'c> {
    pub(super) tx: Transaction<'c>,
    who: String,
    pub(super) now: String,
    pub(super) suspended: Option<Suspended>,
    lifted: Option<super::bulk::Lifted>,
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
            let mut itx =
                ImportTx { tx, who, now: now_utc(), suspended: None, lifted: None, deltas: Default::default() };
            let (value, commit) = f(&mut itx)?;
            if itx.suspended.is_some() || itx.lifted.is_some() {
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

    /// Drops the screen indexes for a load of many new rows (`store::bulk`);
    /// `restore_indexes` (or `end_bulk`) must follow.
    pub fn lift_indexes(&mut self) -> Result<()> {
        if self.lifted.is_none() {
            self.lifted = Some(super::bulk::lift(&self.tx)?);
        }
        Ok(())
    }

    /// Creates the indexes `lift_indexes` dropped.
    pub fn restore_indexes(&mut self) -> Result<()> {
        match self.lifted.take() {
            Some(l) => super::bulk::restore(&self.tx, l),
            None => Ok(()),
        }
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
        let rows = stmt.query_map([source.as_db(), crate::import::record::NAME_KEY], |r| {
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

    // Invoices -------------------------------------------------------------

    pub fn find_invoice(&self, source: ImportSource, external_id: &str) -> Result<Option<InvoiceState>> {
        let sql = format!("SELECT {INVOICE_COLS} FROM invoices WHERE import_source = ?1 AND external_id = ?2");
        Ok(self.tx.prepare_cached(&sql)?.query_row(params![source.as_db(), external_id], map_invoice).optional()?)
    }

    /// The (id, customer) of the invoice of `source` with this external id
    /// when its `source_raw` is `raw` (compared in SQLite: a re-import of
    /// unchanged rows reads nothing else).
    pub fn invoice_if_unchanged(
        &self,
        source: ImportSource,
        external_id: &str,
        raw: &str,
    ) -> Result<Option<(i64, i64)>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT id, customer_id FROM invoices WHERE import_source = ?1 AND external_id = ?2 AND source_raw = ?3",
            )?
            .query_row(params![source.as_db(), external_id, raw], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    pub fn invoice(&self, id: i64) -> Result<InvoiceState> {
        let sql = format!("SELECT {INVOICE_COLS} FROM invoices WHERE id = ?1");
        Ok(self.tx.prepare_cached(&sql)?.query_row([id], map_invoice)?)
    }

    /// The invoice that has this number, any customer.
    pub fn invoice_by_number(&self, number: &str) -> Result<Option<InvoiceState>> {
        let sql = format!("SELECT {INVOICE_COLS} FROM invoices WHERE number = ?1");
        Ok(self.tx.prepare_cached(&sql)?.query_row([number], map_invoice).optional()?)
    }

    /// The id of the invoice with this number, if any (cheap: the unique index).
    pub fn invoice_number_taken(&self, number: &str) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT id FROM invoices WHERE number = ?1")?
            .query_row([number], |r| r.get(0))
            .optional()?)
    }

    pub fn insert_invoice(&self, source: Option<(ImportSource, &str)>, i: &InvoiceWrite<'_>) -> Result<i64> {
        self.touch(i.customer_id);
        self.tx
            .prepare_cached(
                "INSERT INTO invoices(customer_id, number, issue_date, due_date, period_start, period_end, currency,
                                      total_minor, status, import_source, external_id, source_raw, created_at,
                                      contract_id, contract_name)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, nullif(?12, ''), ?13,
                         ?14, coalesce((SELECT name FROM contracts WHERE id = ?14), ''))",
            )?
            .execute(params![
                i.customer_id,
                i.number,
                iso(i.issue_date),
                iso(i.due_date),
                i.period.map(|p| iso(p.0)),
                i.period.map(|p| iso(p.1)),
                i.currency.code(),
                i.total_minor,
                i.status.as_db(),
                source.map(|s| s.0.as_db()),
                source.map(|s| s.1),
                i.source_raw,
                self.now,
                i.contract_id
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Inserts an invoice unless its (source, external id) or its number
    /// exists already, which is reported instead of raised.
    pub fn try_insert_invoice(&self, source: Option<(ImportSource, &str)>, i: &InvoiceWrite<'_>) -> Result<Inserted> {
        match self.insert_invoice(source, i) {
            Ok(id) => Ok(Inserted::New(id)),
            Err(StoreError::Sql(rusqlite::Error::SqliteFailure(e, Some(msg))))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
            {
                if msg.contains("invoices.number") {
                    Ok(Inserted::NumberTaken)
                } else if msg.contains("invoices.external_id") {
                    Ok(Inserted::Exists)
                } else {
                    Err(StoreError::Invalid(msg))
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Whether any invoice came from `source`.
    pub fn source_has_invoices(&self, source: ImportSource) -> Result<bool> {
        Ok(self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM invoices WHERE import_source = ?1)",
            [source.as_db()],
            |r| r.get(0),
        )?)
    }

    pub fn update_invoice(&self, id: i64, i: &InvoiceWrite<'_>) -> Result<()> {
        self.touch(i.customer_id);
        self.tx
            .prepare_cached(
                "UPDATE invoices SET number = ?2, issue_date = ?3, due_date = ?4, period_start = ?5, period_end = ?6,
                        currency = ?7, total_minor = ?8, status = ?9, source_raw = ?10, version = version + 1
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                i.number,
                iso(i.issue_date),
                iso(i.due_date),
                i.period.map(|p| iso(p.0)),
                i.period.map(|p| iso(p.1)),
                i.currency.code(),
                i.total_minor,
                i.status.as_db(),
                i.source_raw
            ])?;
        Ok(())
    }

    pub fn set_invoice_status(&self, id: i64, status: InvoiceStatus) -> Result<()> {
        self.touch_row("invoices", id)?;
        self.tx
            .prepare_cached("UPDATE invoices SET status = ?2, version = version + 1 WHERE id = ?1 AND status <> ?2")?
            .execute(params![id, status.as_db()])?;
        Ok(())
    }

    // Payments -------------------------------------------------------------

    pub fn find_payment(&self, source: ImportSource, external_id: &str) -> Result<Option<PaymentState>> {
        let sql = format!("SELECT {PAYMENT_COLS} FROM payments WHERE import_source = ?1 AND external_id = ?2");
        Ok(self.tx.prepare_cached(&sql)?.query_row(params![source.as_db(), external_id], map_payment).optional()?)
    }

    pub fn payment(&self, id: i64) -> Result<PaymentState> {
        let sql = format!("SELECT {PAYMENT_COLS} FROM payments WHERE id = ?1");
        Ok(self.tx.prepare_cached(&sql)?.query_row([id], map_payment)?)
    }

    /// Payments of `source` and the keys that find them: (payment id, key),
    /// the key being the external id of the invoice it names, "#number:"
    /// and the invoice's number, or "#payment:" and another id of the
    /// payment (a PaymentIntent beside its charge).
    pub fn payment_links(&self, source: ImportSource) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.tx.prepare(
            "SELECT id, json_extract(source_raw, '$.imported.invoice'), json_extract(source_raw, '$.imported.invoice_number'),
                    json_extract(source_raw, '$.imported.aliases'), json_extract(source_raw, '$.imported.splits')
             FROM payments WHERE import_source = ?1 AND json_valid(source_raw)",
        )?;
        let mut out = Vec::new();
        let mut rows = stmt.query([source.as_db()])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if let Some(ext) = r.get::<_, Option<String>>(1)? {
                out.push((id, ext));
            }
            if let Some(num) = r.get::<_, Option<String>>(2)? {
                out.push((id, format!("#number:{num}")));
            }
            for alias in r.get::<_, Option<String>>(3)?.unwrap_or_default().split(',').filter(|a| !a.is_empty()) {
                out.push((id, format!("#payment:{alias}")));
            }
            // A payment of several invoices: [[invoice link key, amount], ...].
            if let Some(splits) = r.get::<_, Option<String>>(4)? {
                let parsed: serde_json::Value = serde_json::from_str(&splits).unwrap_or_default();
                for key in parsed.as_array().into_iter().flatten().filter_map(|s| s.get(0)?.as_str()) {
                    out.push((id, key.to_string()));
                }
            }
        }
        Ok(out)
    }

    pub fn insert_payment(&self, source: Option<(ImportSource, &str)>, p: &PaymentWrite<'_>) -> Result<i64> {
        self.touch(p.customer_id);
        self.tx
            .prepare_cached(
                "INSERT INTO payments(customer_id, received_on, amount_minor, refunded_minor, currency, reference, status,
                                      method, import_source, external_id, source_raw, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                p.customer_id,
                iso(p.received_on),
                p.amount_minor,
                p.refunded_minor,
                p.currency.code(),
                p.reference,
                p.status.as_db(),
                p.method.as_db(),
                source.map(|s| s.0.as_db()),
                source.map(|s| s.1),
                p.source_raw,
                self.now
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn update_payment(&self, id: i64, p: &PaymentWrite<'_>) -> Result<()> {
        self.touch_row("payments", id)?;
        self.tx
            .prepare_cached(
                "UPDATE payments SET received_on = ?2, amount_minor = ?3, refunded_minor = ?4, currency = ?5,
                        reference = ?6, status = ?7, method = ?8, source_raw = ?9, version = version + 1 WHERE id = ?1",
            )?
            .execute(params![
                id,
                iso(p.received_on),
                p.amount_minor,
                p.refunded_minor,
                p.currency.code(),
                p.reference,
                p.status.as_db(),
                p.method.as_db(),
                p.source_raw
            ])?;
        Ok(())
    }

    /// Deletes a payment and its applications.
    pub fn delete_payment(&self, id: i64) -> Result<()> {
        self.touch_row("payments", id)?;
        for a in self.applications(id, AppsOf::Payment)? {
            self.delete_application(a.id)?;
        }
        self.tx.prepare_cached("DELETE FROM payments WHERE id = ?1")?.execute([id])?;
        Ok(())
    }

    // Credits --------------------------------------------------------------

    pub fn find_credit(&self, source: ImportSource, external_id: &str) -> Result<Option<CreditState>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, customer_id, granted_on, amount_minor,
                    (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.credit_id = credits.id),
                    currency, reason
             FROM credits WHERE import_source = ?1 AND external_id = ?2",
        )?;
        Ok(stmt
            .query_row(params![source.as_db(), external_id], |r| {
                Ok(CreditState {
                    id: r.get(0)?,
                    customer_id: r.get(1)?,
                    granted_on: date(r, 2)?,
                    amount_minor: r.get(3)?,
                    applied_minor: r.get(4)?,
                    currency: currency(r, 5)?,
                    reason: r.get(6)?,
                })
            })
            .optional()?)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn insert_credit(
        &self,
        source: Option<(ImportSource, &str)>,
        customer_id: i64,
        granted_on: NaiveDate,
        amount_minor: i64,
        cur: Currency,
        reason: &str,
    ) -> Result<i64> {
        self.touch(customer_id);
        self.tx
            .prepare_cached(
                "INSERT INTO credits(customer_id, granted_on, amount_minor, currency, reason, import_source, external_id,
                                     created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                customer_id,
                iso(granted_on),
                amount_minor,
                cur.code(),
                reason,
                source.map(|s| s.0.as_db()),
                source.map(|s| s.1),
                self.now
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn update_credit_amount(&self, id: i64, amount_minor: i64) -> Result<()> {
        self.touch_row("credits", id)?;
        self.tx.execute(
            "UPDATE credits SET amount_minor = ?2, version = version + 1 WHERE id = ?1",
            params![id, amount_minor],
        )?;
        Ok(())
    }

    /// Deletes a credit and its applications.
    pub fn delete_credit(&self, id: i64) -> Result<()> {
        self.touch_row("credits", id)?;
        for a in self.applications(id, AppsOf::Credit)? {
            self.delete_application(a.id)?;
        }
        self.tx.prepare_cached("DELETE FROM credits WHERE id = ?1")?.execute([id])?;
        Ok(())
    }

    // Applications ---------------------------------------------------------

    /// Applies a payment (`credit` false) or a credit to an invoice.
    pub fn apply(&self, invoice_id: i64, from: i64, credit: bool, amount_minor: i64, on: NaiveDate) -> Result<()> {
        self.touch_row("invoices", invoice_id)?;
        let (payment, credit) = if credit { (None, Some(from)) } else { (Some(from), None) };
        self.tx
            .prepare_cached(
                "INSERT INTO applications(invoice_id, payment_id, credit_id, amount_minor, applied_on, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![invoice_id, payment, credit, amount_minor, iso(on), self.now])?;
        Ok(())
    }

    pub fn delete_application(&self, id: i64) -> Result<()> {
        let owners: Option<(i64, Option<i64>, Option<i64>)> = self
            .tx
            .prepare_cached("SELECT invoice_id, payment_id, credit_id FROM applications WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        self.tx.prepare_cached("DELETE FROM applications WHERE id = ?1")?.execute([id])?;
        if let (Some((invoice, payment, credit)), true) = (owners, self.suspended.is_some()) {
            self.touch_row("invoices", invoice)?;
            self.refresh_applied(invoice, payment, credit)?;
        }
        Ok(())
    }

    /// In bulk mode the triggers that keep `applied_minor` are lifted; a
    /// row about to lose money must show it before its status changes.
    fn refresh_applied(&self, invoice: i64, payment: Option<i64>, credit: Option<i64>) -> Result<()> {
        for (table, col, id) in [
            ("invoices", "invoice_id", Some(invoice)),
            ("payments", "payment_id", payment),
            ("credits", "credit_id", credit),
        ] {
            if let Some(id) = id {
                let sql = format!(
                    "UPDATE {table} SET applied_minor =
                         (SELECT coalesce(sum(amount_minor), 0) FROM applications WHERE {col} = ?1) WHERE id = ?1"
                );
                self.tx.prepare_cached(&sql)?.execute([id])?;
            }
        }
        Ok(())
    }

    /// Applications to an invoice, or of a payment or a credit.
    pub fn applications(&self, id: i64, of: AppsOf) -> Result<Vec<ApplicationState>> {
        let sql = format!(
            "SELECT a.id, a.invoice_id, a.payment_id, a.credit_id, a.amount_minor, a.applied_on,
                    coalesce(p.import_source, c.import_source), coalesce(p.external_id, c.external_id)
             FROM applications a LEFT JOIN payments p ON p.id = a.payment_id LEFT JOIN credits c ON c.id = a.credit_id
             WHERE a.{} = ?1 ORDER BY a.id",
            match of {
                AppsOf::Invoice => "invoice_id",
                AppsOf::Payment => "payment_id",
                AppsOf::Credit => "credit_id",
            }
        );
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let rows = stmt.query_map([id], |r| {
            Ok(ApplicationState {
                id: r.get(0)?,
                invoice_id: r.get(1)?,
                payment_id: r.get(2)?,
                credit_id: r.get(3)?,
                amount_minor: r.get(4)?,
                applied_on: date(r, 5)?,
                from_source: source_of(r.get(6)?),
                from_external_id: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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

    // ardesk's own format: rows without an external id match on what
    // identifies them to a person.

    /// A row of a customer's that has the same identifying values, if any:
    /// `table` is one of `NATIVE_KEYS`' tables, `key` its columns' values.
    pub fn find_native(&self, table: NativeTable, customer_id: i64, key: &[Value]) -> Result<Option<i64>> {
        let (name, cols) = table.key();
        let conds: Vec<String> = cols.iter().enumerate().map(|(i, c)| format!("{c} IS ?{}", i + 2)).collect();
        let sql =
            format!("SELECT id FROM {name} WHERE customer_id = ?1 AND {} ORDER BY id LIMIT 1", conds.join(" AND "));
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let mut params: Vec<Value> = vec![customer_id.into()];
        params.extend(key.iter().cloned());
        Ok(stmt.query_row(rusqlite::params_from_iter(params), |r| r.get(0)).optional()?)
    }

    /// Inserts a row of `table` from exported values (`cols` are checked
    /// against the table's whitelist).
    pub fn insert_native(&self, table: NativeTable, customer_id: i64, cols: &[(&str, Value)]) -> Result<i64> {
        self.touch(customer_id);
        let (name, allowed) = table.columns();
        if let Some((bad, _)) = cols.iter().find(|(c, _)| !allowed.contains(c)) {
            return Err(StoreError::Invalid(format!("{name} has no column {bad}")));
        }
        let mut names: Vec<&str> = vec!["customer_id"];
        names.extend(cols.iter().map(|(c, _)| *c));
        let mut values: Vec<Value> = vec![customer_id.into()];
        values.extend(cols.iter().map(|(_, v)| v.clone()));
        if table == NativeTable::Contracts {
            names.push("created_at");
            values.push(self.now.clone().into());
        }
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {name}({}) VALUES ({})", names.join(", "), marks.join(", "));
        self.tx.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
        Ok(self.tx.last_insert_rowid())
    }
}

impl NativeTable {
    fn key(self) -> (&'static str, &'static [&'static str]) {
        match self {
            NativeTable::Contracts => ("contracts", &["name", "period_start"]),
            NativeTable::Payments => ("payments", &["received_on", "amount_minor", "currency", "reference"]),
            NativeTable::Credits => ("credits", &["granted_on", "amount_minor", "currency", "reason"]),
            NativeTable::Contacts => ("contacts", &["name", "email"]),
            NativeTable::Conversations => ("conversations", &["subject", "opened_on"]),
        }
    }

    fn columns(self) -> (&'static str, &'static [&'static str]) {
        match self {
            NativeTable::Contracts => (
                "contracts",
                &[
                    "name",
                    "kind",
                    "status",
                    "period_start",
                    "period_end",
                    "value_minor",
                    "currency",
                    "payment_terms_days",
                    "billing_frequency",
                ],
            ),
            NativeTable::Conversations => {
                ("conversations", &["subject", "opened_on", "status", "resolved_on", "resolved_by"])
            }
            other => (other.key().0, &[]),
        }
    }
}

impl ExportSection {
    fn sql(self) -> &'static str {
        match self {
            ExportSection::Customer => {
                "SELECT id, name, legal_name, billing_email, currency, import_source, external_id, external_url,
                        source_raw, invoices_paused, portal FROM customers WHERE id = ?1"
            }
            ExportSection::Contracts => {
                "SELECT id, name, kind, status, period_start, period_end, value_minor, currency, payment_terms_days,
                        billing_frequency FROM contracts WHERE customer_id = ?1 ORDER BY id"
            }
            ExportSection::Invoices => {
                "SELECT id, contract_id, number, issue_date, due_date, period_start, period_end, currency, total_minor,
                        status, import_source, external_id, source_raw FROM invoices WHERE customer_id = ?1 ORDER BY id"
            }
            ExportSection::Payments => {
                "SELECT p.id, p.received_on, p.amount_minor, p.refunded_minor, p.currency, p.reference, p.status,
                        p.method, p.import_source, p.external_id, p.source_raw, a.invoice_id AS app_invoice,
                        a.amount_minor AS app_amount_minor, a.applied_on AS app_applied_on
                 FROM payments p LEFT JOIN applications a ON a.payment_id = p.id
                 WHERE p.customer_id = ?1 ORDER BY p.id, a.id"
            }
            ExportSection::Credits => {
                "SELECT c.id, c.granted_on, c.amount_minor, c.currency, c.reason, c.import_source, c.external_id,
                        a.invoice_id AS app_invoice, a.amount_minor AS app_amount_minor, a.applied_on AS app_applied_on
                 FROM credits c LEFT JOIN applications a ON a.credit_id = c.id
                 WHERE c.customer_id = ?1 ORDER BY c.id, a.id"
            }
            ExportSection::Contacts => {
                "SELECT c.id, c.name, c.email, c.phone, c.role, c.import_source, c.external_id, c.source_raw,
                        cu.primary_contact_id IS c.id AS is_primary
                 FROM contacts c JOIN customers cu ON cu.id = c.customer_id WHERE c.customer_id = ?1 ORDER BY c.id"
            }
            ExportSection::Documents => {
                "SELECT id, contract_id, name, kind, format, size_bytes, sha256, uploaded_at, uploaded_by
                 FROM documents WHERE customer_id = ?1 ORDER BY id"
            }
            ExportSection::Conversations => {
                "SELECT id, subject, opened_on, status, resolved_on, resolved_by FROM conversations
                 WHERE customer_id = ?1 ORDER BY id"
            }
        }
    }
}

impl Store {
    /// Streams one part of a customer's record as JSON objects keyed by
    /// column (integers, text, null), in id order.
    pub fn export_section<E: From<StoreError>>(
        &self,
        customer_id: i64,
        section: ExportSection,
        mut f: impl FnMut(serde_json::Map<String, serde_json::Value>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.conn.prepare_cached(section.sql()).map_err(StoreError::from)?;
        let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let mut rows = stmt.query([customer_id]).map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let mut m = serde_json::Map::with_capacity(names.len());
            for (i, n) in names.iter().enumerate() {
                let v = match r.get_ref(i).map_err(StoreError::from)? {
                    ValueRef::Null => serde_json::Value::Null,
                    ValueRef::Integer(x) => x.into(),
                    ValueRef::Real(x) => x.to_string().into(),
                    ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned().into(),
                };
                m.insert(n.clone(), v);
            }
            f(m)?;
        }
        Ok(())
    }
}
