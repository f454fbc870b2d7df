//! The fast path of a bulk import: new invoices, each with the payment or
//! credit made for what its source says was paid, written many rows to a
//! statement. One execution of a statement costs about as much again as
//! the row it writes (cursors on the table and every index opened and
//! closed, the CHECK constraints' value lists built), so sixty-four rows a
//! statement halve the cost of a million. Statements come in a few sizes
//! (`inserts::SIZES`), so that they stay prepared. The rows are the same, with the
//! same ids, as one statement per row would write; the CHECK constraints
//! and unique indexes stay in force. Only in bulk mode: the applied
//! amounts go in with the rows and the summaries are added up in memory
//! (`bulk::Deltas`).

use super::Result;
use super::import::{ExternalKeys, ImportTx, InvoiceWrite};
use super::inserts::{Binder, Inserts, NewInvoiceRow, SIZES, bind_invoice, invoice_sql, parts};
use crate::domain::date::iso;
use crate::domain::status::*;
use chrono::NaiveDate;
use rusqlite::Transaction;

/// Rows `load_invoices` takes at once.
pub const LOAD_ROWS: usize = SIZES[0];

/// A payment (`credit` false) or credit made for a new invoice and applied
/// to it in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMoney {
    pub credit: bool,
    /// Its external id ("<invoice id>#paid", "#credit").
    pub key: String,
    pub amount_minor: i64,
    pub on: NaiveDate,
    /// A payment's reference, a credit's reason.
    pub text: String,
    /// A payment's `source_raw`.
    pub raw: Option<String>,
}

/// A new invoice of a source and the money made for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadInvoice<'a> {
    pub source: ImportSource,
    pub external_id: &'a str,
    /// With no contract (an imported invoice has none).
    pub invoice: InvoiceWrite<'a>,
    pub money: Vec<NewMoney>,
}

/// The statements of the money tables, made once (invoices':
/// `inserts::invoice_sql`).
fn inserts() -> &'static [Inserts; 3] {
    static ALL: std::sync::OnceLock<[Inserts; 3]> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        [
            Inserts::new("payments", PAYMENT_COLS),
            Inserts::new("credits", CREDIT_COLS),
            Inserts::new("applications", APPLICATION_COLS),
        ]
    })
}

const PAYMENT_COLS: &[&str] = &[
    "id",
    "customer_id",
    "received_on",
    "amount_minor",
    "applied_minor",
    "currency",
    "reference",
    "status",
    "method",
    "import_source",
    "external_id",
    "source_raw",
    "created_at",
];
const CREDIT_COLS: &[&str] = &[
    "id",
    "customer_id",
    "granted_on",
    "amount_minor",
    "applied_minor",
    "currency",
    "reason",
    "import_source",
    "external_id",
    "created_at",
];
const APPLICATION_COLS: &[&str] =
    &["invoice_id", "payment_id", "credit_id", "amount_minor", "applied_on", "created_at"];

fn next_id(tx: &Transaction<'_>, table: &str) -> Result<i64> {
    let sql = format!("SELECT coalesce(max(id), 0) + 1 FROM {table}");
    Ok(tx.prepare_cached(&sql)?.query_row([], |r| r.get(0))?)
}

fn unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

impl ImportTx<'_> {
    /// Inserts new invoices (at most `LOAD_ROWS`) with their money, in a few
    /// statements, and returns how many of them, from the first, were
    /// written: fewer than all when a unique index refused one (its number
    /// or its external id exists, perhaps earlier in `rows`), or, with the
    /// external-id index lifted, when its key was loaded before; that one
    /// and those after it were not written. Bulk mode only.
    pub fn load_invoices(&self, rows: &[LoadInvoice<'_>]) -> Result<usize> {
        if self.suspended.is_none() || rows.len() > LOAD_ROWS || rows.iter().any(|r| r.invoice.contract_id.is_some()) {
            return Err(super::StoreError::Invalid("load_invoices: bulk mode, up to LOAD_ROWS uncontracted".into()));
        }
        let keys: Vec<u64> = match &*self.unique.borrow() {
            Some(_) => rows.iter().map(|r| ExternalKeys::key(r.source, r.external_id)).collect(),
            None => Vec::new(),
        };
        let rows = match &*self.unique.borrow() {
            Some(u) => &rows[..u.new_prefix(&keys)],
            None => rows,
        };
        let first = next_id(&self.tx, "invoices")?;
        let mut written = 0;
        for size in parts(rows.len()) {
            let part = &rows[written..written + size];
            match self.insert_invoices(part, first + written as i64) {
                Ok(()) => written += size,
                Err(e) if unique_violation(&e) => break,
                Err(e) => return Err(e.into()),
            }
        }
        let rows = &rows[..written];
        if let Some(u) = &mut *self.unique.borrow_mut() {
            u.loaded(&keys[..written]);
        }
        let ids: Vec<i64> = (first..).take(written).collect();
        self.load_money(rows, &ids)?;
        let mut d = self.deltas.borrow_mut();
        for r in rows {
            let i = &r.invoice;
            let applied: i64 = r.money.iter().map(|m| m.amount_minor).sum();
            d.invoice(i.customer_id, i.currency, i.total_minor, applied, i.status, i.due_date);
            for m in &r.money {
                if m.credit {
                    d.credit(i.customer_id, i.currency, m.amount_minor, m.amount_minor);
                } else {
                    d.payment(i.customer_id, i.currency, m.amount_minor, m.amount_minor);
                    d.collected(i.customer_id, i.currency, m.on, i.issue_date, m.amount_minor);
                }
            }
        }
        d.apply_if_large(&self.tx)?;
        Ok(written)
    }

    /// One statement of invoices, ids from `first`.
    fn insert_invoices(&self, rows: &[LoadInvoice<'_>], first: i64) -> rusqlite::Result<()> {
        let mut stmt = self.tx.prepare_cached(invoice_sql(rows.len()))?;
        let mut b = Binder::new(&mut stmt);
        for (r, id) in rows.iter().zip(first..) {
            let row = NewInvoiceRow {
                id: Some(id),
                invoice: &r.invoice,
                contract_name: "",
                applied_minor: r.money.iter().map(|m| m.amount_minor).sum(),
                source: Some((r.source, r.external_id)),
                created_at: &self.now,
            };
            bind_invoice(&mut b, &row)?;
        }
        stmt.raw_execute().map(drop)
    }

    /// The payments and credits of `load_invoices`' rows and their
    /// applications, in the order one row at a time would write them.
    fn load_money(&self, rows: &[LoadInvoice<'_>], ids: &[i64]) -> Result<()> {
        let money: Vec<(&LoadInvoice<'_>, i64, &NewMoney)> =
            rows.iter().zip(ids).flat_map(|(r, id)| r.money.iter().map(move |m| (r, *id, m))).collect();
        let payments: Vec<_> = money.iter().filter(|x| !x.2.credit).collect();
        let credits: Vec<_> = money.iter().filter(|x| x.2.credit).collect();
        let (first_payment, first_credit) = (next_id(&self.tx, "payments")?, next_id(&self.tx, "credits")?);
        let mut done = 0;
        for size in parts(payments.len()) {
            let mut stmt = self.tx.prepare_cached(inserts()[0].sql(size))?;
            let mut b = Binder::new(&mut stmt);
            for ((r, _, m), id) in payments[done..done + size].iter().copied().zip(first_payment + done as i64..) {
                b.put(id)?;
                b.put(r.invoice.customer_id)?;
                b.put(iso(m.on))?;
                b.put(m.amount_minor)?;
                b.put(m.amount_minor)?;
                b.put(r.invoice.currency.code())?;
                b.put(&m.text)?;
                b.put(PaymentStatus::Succeeded.as_db())?;
                b.put(PaymentMethod::Automatic.as_db())?;
                b.put(r.source.as_db())?;
                b.put(&m.key)?;
                b.put(m.raw.as_deref())?;
                b.put(&self.now)?;
            }
            stmt.raw_execute()?;
            done += size;
        }
        let mut done = 0;
        for size in parts(credits.len()) {
            let mut stmt = self.tx.prepare_cached(inserts()[1].sql(size))?;
            let mut b = Binder::new(&mut stmt);
            for ((r, _, m), id) in credits[done..done + size].iter().copied().zip(first_credit + done as i64..) {
                b.put(id)?;
                b.put(r.invoice.customer_id)?;
                b.put(iso(m.on))?;
                b.put(m.amount_minor)?;
                b.put(m.amount_minor)?;
                b.put(r.invoice.currency.code())?;
                b.put(&m.text)?;
                b.put(r.source.as_db())?;
                b.put(&m.key)?;
                b.put(&self.now)?;
            }
            stmt.raw_execute()?;
            done += size;
        }
        // Applications in row order: each money row's own id.
        let (mut pid, mut cid) = (first_payment, first_credit);
        let mut from = Vec::with_capacity(money.len());
        for (_, invoice, m) in &money {
            let id = if m.credit { &mut cid } else { &mut pid };
            from.push((*invoice, m.credit, *id, *m));
            *id += 1;
        }
        let mut done = 0;
        for size in parts(from.len()) {
            let mut stmt = self.tx.prepare_cached(inserts()[2].sql(size))?;
            let mut b = Binder::new(&mut stmt);
            for (invoice, credit, id, m) in &from[done..done + size] {
                b.put(invoice)?;
                b.put((!credit).then_some(id))?;
                b.put(credit.then_some(id))?;
                b.put(m.amount_minor)?;
                b.put(iso(m.on))?;
                b.put(&self.now)?;
            }
            stmt.raw_execute()?;
            done += size;
        }
        Ok(())
    }
}
