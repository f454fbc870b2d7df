//! The invoice and payment detail views on PostgreSQL, as `store/detail.rs`
//! reads them: one record as its tab shows it, its applications, the
//! invoice's history (its own audit rows and its credit notes'), lines,
//! promises and pauses, the payment's refunds; an invoice's source row
//! from what the import kept (`import_base` and `import_kept`, copied as
//! they are by `transfer`, or `source_raw`'s JSON); a credit as the
//! Payments tab lists it.

use super::super::detail::source_row;
use super::super::kept::KeptReader;
use super::super::{Result, StoreError};
use super::customers::currency;
use super::store::PgStore;
use super::window::PgTabRow;
use super::writes::invoice_edits::lines_of;
use crate::domain::Money;
use crate::domain::detail::*;
use crate::domain::model::{ActivityRow, InvoiceRow, PaymentRow};
use crate::domain::status::{ImportSource, InvoiceStatus, PayKind, PaymentMethod, PaymentStatus};
use postgres::Row;

/// An invoice's history, newest first, as `detail::HISTORY`: its own
/// audit rows and those of the credits issued against it.
const HISTORY: &str = "SELECT id, at, who, summary FROM (
         SELECT id, at, who, summary FROM audit_log
         WHERE customer_id = $1 AND entity = 'invoice' AND entity_id = $2
         UNION ALL
         SELECT id, at, who, summary FROM audit_log
         WHERE entity = 'credit' AND entity_id IN (SELECT id FROM credits WHERE invoice_id = $2)
           AND customer_id = $1) h
     ORDER BY at DESC, id DESC LIMIT $3";

/// A stored word read back as its enum; the CHECKs make a miss a damaged row.
pub(super) fn stored<T>(s: String, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(&s).ok_or_else(|| StoreError::Invalid(format!("unknown value {s}")))
}

fn invoice_application(r: &Row) -> Result<InvoiceApplication> {
    let amount = Money::new(r.try_get(2)?, currency(r.try_get(3)?)?);
    let from = match r.try_get::<_, Option<i64>>(4)? {
        Some(id) => Source::Payment {
            id,
            reference: r.try_get(5)?,
            method: stored(r.try_get(6)?, PaymentMethod::from_db)?,
            status: stored(r.try_get(7)?, PaymentStatus::from_db)?,
        },
        None => Source::Credit {
            id: r.try_get(8)?,
            reason: r.try_get(9)?,
            kind: stored(r.try_get(10)?, PayKind::from_db)?,
            number: r.try_get::<_, Option<String>>(11)?.unwrap_or_default(),
        },
    };
    Ok(InvoiceApplication { id: r.try_get(0)?, applied_on: r.try_get(1)?, amount, from, removed_on: r.try_get(12)? })
}

fn payment_application(r: &Row) -> Result<PaymentApplication> {
    let invoice = AppliedInvoice {
        id: r.try_get(4)?,
        number: r.try_get(5)?,
        status: stored(r.try_get(6)?, InvoiceStatus::from_db)?,
        total_minor: r.try_get(7)?,
        applied_minor: r.try_get(8)?,
        due_date: r.try_get(9)?,
    };
    Ok(PaymentApplication {
        id: r.try_get(0)?,
        applied_on: r.try_get(1)?,
        amount: Money::new(r.try_get(2)?, currency(r.try_get(3)?)?),
        invoice,
        removed_on: r.try_get(10)?,
    })
}

impl PgStore {
    /// One row of a tab by its id, as the tab shows it (the first kind of
    /// row only, as `Store::tab_row`), or `None` when it is gone.
    pub(super) fn row_by_id<R: PgTabRow>(&self, id: i64) -> Result<Option<R>> {
        let sql = format!("SELECT {} FROM {} WHERE {} = $1", R::SELECT, R::FROM, R::ID);
        self.client()?.query_opt(&sql, &[&id])?.as_ref().map(R::map).transpose()
    }

    /// Whether row `id` of `table` (invoices or payments) is there and
    /// `customer_id`'s, as `Store::owned_by`.
    fn owned_by(&self, table: &'static str, customer_id: i64, id: i64) -> Result<bool> {
        let sql = format!("SELECT 1 FROM {table} WHERE id = $1 AND customer_id = $2");
        Ok(self.client()?.query_opt(&sql, &[&id, &customer_id])?.is_some())
    }

    /// A credit of `customer_id` as the Payments tab lists it (its row's id
    /// is the credit's negated), or `None` when it is not the customer's.
    pub fn credit_row(&self, customer_id: i64, credit_id: i64) -> Result<Option<PaymentRow>> {
        let Some((select, from)) = PaymentRow::ALSO else { return Ok(None) };
        // `-credit_id` of the smallest id would overflow: no credit has it.
        let Some(id) = credit_id.checked_neg() else { return Ok(None) };
        let sql = format!("SELECT {select} FROM {from} WHERE p.id = $1 AND p.customer_id = $2");
        self.client()?.query_opt(&sql, &[&id, &customer_id])?.as_ref().map(PaymentRow::map).transpose()
    }

    /// An invoice's source row, as `Store::invoice_source_row`: `None` for
    /// an invoice made in ardesk; a damaged kept row is the store's error.
    pub fn invoice_source_row(&self, invoice_id: i64) -> Result<Option<SourceRow>> {
        let mut c = self.client()?;
        let r = c
            .query_opt(
                "SELECT import_source, external_id, source_raw, import_base, import_row FROM invoices WHERE id = $1",
                &[&invoice_id],
            )?
            .ok_or_else(|| StoreError::NotFound(format!("invoice #{invoice_id} (deleted elsewhere?)")))?;
        let source: Option<String> = r.try_get(0)?;
        let external_id: Option<String> = r.try_get(1)?;
        let raw: Option<String> = r.try_get(2)?;
        let base: Option<Vec<u8>> = r.try_get(3)?;
        let row: Option<i64> = r.try_get(4)?;
        if source.is_none() && raw.is_none() && base.is_none() {
            return Ok(None);
        }
        let text = KeptReader::default().source_raw_with(raw, base.as_deref(), row, |reader, n| {
            reader.row_with(n, |n| {
                let found = c.query_opt(
                    "SELECT first_row, row_count, data FROM import_kept WHERE first_row <= $1
                     ORDER BY first_row DESC LIMIT 1",
                    &[&n],
                )?;
                Ok(match found {
                    Some(r) => Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
                    None => None,
                })
            })
        })?;
        let label = match source.as_deref() {
            Some(s) => ImportSource::from_db(s).map_or_else(|| s.to_string(), |s| s.label().to_string()),
            None => "ardesk".to_string(),
        };
        source_row(label, external_id.unwrap_or_default(), text.as_deref()).map(Some)
    }

    /// An invoice of `customer_id` with its applications and history, as
    /// `Store::invoice_detail`.
    pub fn invoice_detail(&self, customer_id: i64, invoice_id: i64) -> Result<InvoiceDetail> {
        let gone = || StoreError::NotFound(format!("invoice #{invoice_id} (deleted elsewhere?)"));
        // Another customer's invoice is none of this one's: as if missing.
        if !self.owned_by("invoices", customer_id, invoice_id)? {
            return Err(gone());
        }
        let invoice = self.row_by_id::<InvoiceRow>(invoice_id)?.ok_or_else(gone)?;
        let mut c = self.client()?;
        let applications = c
            .query(
                "SELECT a.id, a.applied_on, a.amount_minor, i.currency,
                        a.payment_id, p.reference, p.method, p.status, a.credit_id, c.reason, c.kind, c.number,
                        a.removed_on
                 FROM applications a
                 JOIN invoices i ON i.id = a.invoice_id
                 LEFT JOIN payments p ON p.id = a.payment_id
                 LEFT JOIN credits c ON c.id = a.credit_id
                 WHERE a.invoice_id = $1
                 ORDER BY a.removed_on IS NOT NULL, a.applied_on, a.id",
                &[&invoice_id],
            )?
            .iter()
            .map(invoice_application)
            .collect::<Result<Vec<_>>>()?;
        let limit = i64::try_from(HISTORY_ROWS + 1).unwrap_or(i64::MAX);
        let mut history = c
            .query(HISTORY, &[&customer_id, &invoice_id, &limit])?
            .iter()
            .map(|r| {
                Ok(ActivityRow { id: r.try_get(0)?, at: r.try_get(1)?, who: r.try_get(2)?, summary: r.try_get(3)? })
            })
            .collect::<Result<Vec<_>>>()?;
        let more_history = history.len() > HISTORY_ROWS;
        history.truncate(HISTORY_ROWS);
        let r = c
            .query_opt(
                "SELECT version, contract_id, written_off_on, write_off_reason, cancelled_on FROM invoices WHERE id = $1",
                &[&invoice_id],
            )?
            .ok_or_else(|| StoreError::NotFound(format!("invoice #{invoice_id} (deleted elsewhere?)")))?;
        let (version, contract_id) = (r.try_get(0)?, r.try_get(1)?);
        let cancelled = (invoice.status == InvoiceStatus::Cancelled).then(|| r.try_get(4)).transpose()?;
        let write_off = match invoice.status {
            InvoiceStatus::Uncollectible => Some(WriteOff { on: r.try_get(2)?, reason: r.try_get(3)? }),
            _ => None,
        };
        let lines = lines_of(
            &mut c,
            "SELECT kind, description, quantity, unit_price, amount_minor, tax_minor
             FROM invoice_lines WHERE invoice_id = $1 ORDER BY seq",
            invoice_id,
        )?;
        drop(c);
        Ok(InvoiceDetail {
            customer_id,
            invoice,
            version,
            contract_id,
            lines,
            applications,
            history,
            more_history,
            write_off,
            cancelled,
            promises: self.invoice_promises(invoice_id)?,
            pauses: self.invoice_pauses(invoice_id)?,
        })
    }

    /// A payment of `customer_id` with where its money went and its
    /// refunds, as `Store::payment_detail`.
    pub fn payment_detail(&self, customer_id: i64, payment_id: i64) -> Result<PaymentDetail> {
        let gone = || StoreError::NotFound(format!("payment #{payment_id} (deleted elsewhere?)"));
        if !self.owned_by("payments", customer_id, payment_id)? {
            return Err(gone());
        }
        let payment = self.row_by_id::<PaymentRow>(payment_id)?.ok_or_else(gone)?;
        let mut c = self.client()?;
        let applications = c
            .query(
                "SELECT a.id, a.applied_on, a.amount_minor, i.currency,
                        i.id, i.number, i.status, i.total_minor, i.applied_minor, i.due_date, a.removed_on
                 FROM applications a JOIN invoices i ON i.id = a.invoice_id
                 WHERE a.payment_id = $1
                 ORDER BY a.removed_on IS NOT NULL, a.applied_on, a.id",
                &[&payment_id],
            )?
            .iter()
            .map(payment_application)
            .collect::<Result<Vec<_>>>()?;
        let cur = payment.amount.currency;
        let refunds = c
            .query(
                "SELECT refunded_on, amount_minor, reason, dated_from FROM refunds
                 WHERE payment_id = $1 ORDER BY refunded_on, id",
                &[&payment_id],
            )?
            .iter()
            .map(|r| {
                Ok(Refund {
                    on: r.try_get(0)?,
                    amount: Money::new(r.try_get(1)?, cur),
                    reason: r.try_get(2)?,
                    dated_from: stored(r.try_get(3)?, RefundDate::from_db)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(PaymentDetail { customer_id, payment, applications, refunds })
    }
}
