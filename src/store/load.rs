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
use super::import::{ExternalKeys, ImportTx, InvoiceWrite, PaymentWrite};
use super::inserts::{
    APPLICATIONS, Binder, CREDITS, INVOICES, NewApplicationRow, NewCreditRow, NewInvoiceRow, NewLineRow, NewPaymentRow,
    PAYMENTS, SIZES, Table, bind_application, bind_credit, bind_invoice, bind_payment, insert_lines, lines_of, parts,
};
use super::seed::AppliedFrom;
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

fn next_id(tx: &Transaction<'_>, table: &str) -> Result<i64> {
    let sql = format!("SELECT coalesce(max(id), 0) + 1 FROM {table}");
    Ok(tx.prepare_cached(&sql)?.query_row([], |r| r.get(0))?)
}

fn unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

impl ImportTx<'_> {
    /// How many new invoices `load_invoices` takes at once: the size of
    /// its largest multi-row INSERT.
    pub fn load_rows(&self) -> usize {
        LOAD_ROWS
    }

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
            let kept_from = self.kept.borrow_mut().next_row(&self.tx)?;
            match self.insert_invoices(part, first + written as i64, kept_from) {
                Ok(()) => {
                    for r in part {
                        self.keep_row(Some(r.source), &r.invoice)?;
                    }
                    written += size
                }
                Err(e) if unique_violation(&e) => break,
                Err(e) => return Err(e.into()),
            }
        }
        let rows = &rows[..written];
        if let Some(u) = &mut *self.unique.borrow_mut() {
            u.loaded(&keys[..written]);
        }
        let ids: Vec<i64> = (first..).take(written).collect();
        let lines: Vec<NewLineRow<'_>> =
            rows.iter().zip(&ids).flat_map(|(r, id)| lines_of(*id, r.invoice.lines)).collect();
        insert_lines(&self.tx, &lines)?;
        self.load_money(rows, &ids)?;
        let mut d = self.deltas.borrow_mut();
        for r in rows {
            let i = &r.invoice;
            let applied: i64 = r.money.iter().map(|m| m.amount_minor).sum();
            let credited: i64 = r.money.iter().filter(|m| m.credit).map(|m| m.amount_minor).sum();
            d.invoice(i.customer_id, i.currency, i.total_minor, applied, credited, i.status, i.due_date);
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

    /// One statement of invoices, ids from `first`, their kept rows
    /// numbered from `kept_from`.
    fn insert_invoices(&self, rows: &[LoadInvoice<'_>], first: i64, kept_from: i64) -> rusqlite::Result<()> {
        let mut stmt = self.tx.prepare_cached(INVOICES.sql(rows.len()))?;
        let mut b = Binder::new(&mut stmt);
        let mut kept = kept_from..;
        for (r, id) in rows.iter().zip(first..) {
            let row = NewInvoiceRow {
                id: Some(id),
                invoice: &r.invoice,
                contract_name: "",
                applied_minor: r.money.iter().map(|m| m.amount_minor).sum(),
                credited_minor: r.money.iter().filter(|m| m.credit).map(|m| m.amount_minor).sum(),
                source: Some((r.source, r.external_id)),
                created_at: &self.now,
                kept_row: r.invoice.kept.lean().and_then(|_| kept.next()),
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
        self.insert_parts(&PAYMENTS, &payments, |b, i, (r, _, m)| {
            let payment = PaymentWrite {
                customer_id: r.invoice.customer_id,
                received_on: m.on,
                amount_minor: m.amount_minor,
                refunded_minor: 0,
                refunded_on: None,
                currency: r.invoice.currency,
                reference: &m.text,
                status: PaymentStatus::Succeeded,
                method: PaymentMethod::Automatic,
                source_raw: m.raw.as_deref(),
            };
            let row = NewPaymentRow {
                id: Some(first_payment + i as i64),
                payment: &payment,
                applied_minor: m.amount_minor,
                source: Some((r.source, &m.key)),
                created_at: &self.now,
            };
            bind_payment(b, &row)
        })?;
        self.insert_parts(&CREDITS, &credits, |b, i, (r, _, m)| {
            let row = NewCreditRow {
                id: Some(first_credit + i as i64),
                customer_id: r.invoice.customer_id,
                granted_on: m.on,
                amount_minor: m.amount_minor,
                applied_minor: m.amount_minor,
                currency: r.invoice.currency,
                reason: &m.text,
                source: Some((r.source, &m.key)),
                created_at: &self.now,
            };
            bind_credit(b, &row)
        })?;
        // Applications in row order: each money row's own id.
        let (mut pid, mut cid) = (first_payment, first_credit);
        let applications: Vec<NewApplicationRow<'_>> = money
            .iter()
            .map(|(_, invoice_id, m)| {
                let id = if m.credit { &mut cid } else { &mut pid };
                let from = if m.credit { AppliedFrom::Credit(*id) } else { AppliedFrom::Payment(*id) };
                *id += 1;
                NewApplicationRow {
                    invoice_id: *invoice_id,
                    from,
                    amount_minor: m.amount_minor,
                    applied_on: m.on,
                    created_at: &self.now,
                }
            })
            .collect();
        self.insert_parts(&APPLICATIONS, &applications, |b, _, row| bind_application(b, row))?;
        Ok(())
    }

    /// Writes `rows` to `table`, in as few statements as `parts` says;
    /// `bind` binds the values of a row and its index in `rows`.
    fn insert_parts<T>(
        &self,
        table: &Table,
        rows: &[T],
        bind: impl Fn(&mut Binder<'_, '_>, usize, &T) -> rusqlite::Result<()>,
    ) -> rusqlite::Result<()> {
        let mut done = 0;
        for size in parts(rows.len()) {
            let mut stmt = self.tx.prepare_cached(table.sql(size))?;
            let mut b = Binder::new(&mut stmt);
            for (i, row) in rows.iter().enumerate().skip(done).take(size) {
                bind(&mut b, i, row)?;
            }
            stmt.raw_execute()?;
            done += size;
        }
        Ok(())
    }
}
