//! The credit notes an import writes on PostgreSQL
//! (`store/import/credit_notes.rs`), and the lines of invoices and credit
//! notes as stored.

use super::super::super::import::{AppsOf, CreditNoteState, CreditNoteWrite};
use super::super::super::{Result, StoreError};
use super::super::inserts;
use super::{Params, PgImportTx, currency_of};
use crate::domain::Currency;
use crate::domain::lines::{Line, LineKind};
use crate::domain::status::ImportSource;
use chrono::NaiveDate;

impl PgImportTx<'_> {
    pub fn find_credit_note(&self, source: ImportSource, external_id: &str) -> Result<Option<CreditNoteState>> {
        self.credit_note_where("import_source = $1 AND external_id = $2", &[&source.as_db(), &external_id])
    }

    pub fn credit_note_by_id(&self, id: i64) -> Result<Option<CreditNoteState>> {
        self.credit_note_where("id = $1", &[&id])
    }

    fn credit_note_where(&self, filter: &str, args: Params<'_>) -> Result<Option<CreditNoteState>> {
        let sql = format!(
            "SELECT id, customer_id, granted_on, amount_minor,
                    (SELECT coalesce(sum(amount_minor), 0)::bigint FROM applications a
                     WHERE a.removed_on IS NULL AND a.credit_id = credits.id),
                    currency, reason, kind, number, voided_on, invoice_id
             FROM credits WHERE {filter}"
        );
        self.row_opt(&sql, args)?
            .map(|r| {
                Ok(CreditNoteState {
                    id: r.try_get(0)?,
                    customer_id: r.try_get(1)?,
                    issued_on: r.try_get(2)?,
                    amount_minor: r.try_get(3)?,
                    applied_minor: r.try_get(4)?,
                    currency: currency_of(r.try_get(5)?)?,
                    reason: r.try_get(6)?,
                    credit_note: r.try_get::<_, String>(7)? == "credit_note",
                    number: r.try_get(8)?,
                    voided_on: r.try_get(9)?,
                    invoice_id: r.try_get(10)?,
                })
            })
            .transpose()
    }

    pub fn credit_notes_left(
        &self,
        customer_id: i64,
        source: ImportSource,
        cur: Currency,
        on: Option<NaiveDate>,
    ) -> Result<Vec<(i64, i64)>> {
        let rows = self.rows(
            "SELECT c.id, c.amount_minor - (SELECT coalesce(sum(a.amount_minor), 0)::bigint FROM applications a
                                            WHERE a.credit_id = c.id AND a.removed_on IS NULL)
             FROM credits c
             WHERE c.customer_id = $1 AND c.import_source = $2 AND c.currency = $3 AND c.kind = 'credit_note'
               AND c.status = 'issued' AND ($4::date IS NULL OR c.granted_on <= $4)
             ORDER BY c.granted_on, c.id",
            &[&customer_id, &source.as_db(), &cur.code(), &on],
        )?;
        let rows: Vec<(i64, i64)> = rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<Result<_>>()?;
        Ok(rows.into_iter().filter(|(_, left)| *left > 0).collect())
    }

    pub fn invoices_with_own_credit(&self, customer_id: i64, source: ImportSource, on: NaiveDate) -> Result<Vec<i64>> {
        self.rows(
            "SELECT DISTINCT i.id FROM invoices i
             JOIN applications a ON a.invoice_id = i.id AND a.removed_on IS NULL
             JOIN credits c ON c.id = a.credit_id
             WHERE i.customer_id = $1 AND i.import_source = $2 AND i.issue_date >= $3
               AND c.import_source = $2 AND c.external_id = i.external_id || '#credit'
             ORDER BY i.id",
            &[&customer_id, &source.as_db(), &on],
        )?
        .iter()
        .map(|r| Ok(r.try_get(0)?))
        .collect()
    }

    pub fn credit_note_number_taken(&self, number: &str) -> Result<Option<i64>> {
        self.one_opt("SELECT id FROM credits WHERE kind = 'credit_note' AND number = $1", &[&number])
    }

    pub fn insert_credit_note(&self, source: (ImportSource, &str), w: &CreditNoteWrite<'_>) -> Result<i64> {
        self.one(
            "INSERT INTO credits (customer_id, granted_on, amount_minor, currency, reason, import_source,
                                  external_id, created_at, kind, number, status, invoice_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'credit_note', $9, 'issued', $10) RETURNING id",
            &[
                &w.customer_id,
                &w.issued_on,
                &w.amount_minor,
                &w.currency.code(),
                &w.reason,
                &source.0.as_db(),
                &source.1,
                &self.now,
                &w.number,
                &w.invoice_id,
            ],
        )
    }

    pub fn update_credit_note(&self, id: i64, w: &CreditNoteWrite<'_>) -> Result<()> {
        self.exec(
            "UPDATE credits SET granted_on = $2, amount_minor = $3, reason = $4, number = $5, invoice_id = $6,
                                version = version + 1
             WHERE id = $1",
            &[&id, &w.issued_on, &w.amount_minor, &w.reason, &w.number, &w.invoice_id],
        )?;
        Ok(())
    }

    pub fn void_credit_note(&self, id: i64, on: NaiveDate) -> Result<Vec<i64>> {
        let mut invoices = Vec::new();
        for a in self.applications(id, AppsOf::Credit)? {
            self.reverse_application_on(a.id, on)?;
            invoices.push(a.invoice_id);
        }
        self.exec(
            "UPDATE credits SET status = 'voided', voided_on = greatest($2, granted_on), version = version + 1
             WHERE id = $1",
            &[&id, &on],
        )?;
        Ok(invoices)
    }

    pub fn mark_native_credit(&self, id: i64, kind: &str, number: Option<&str>, invoice_id: Option<i64>) -> Result<()> {
        self.exec(
            "UPDATE credits SET kind = $2, number = $3, invoice_id = $4 WHERE id = $1",
            &[&id, &kind, &number, &invoice_id],
        )?;
        let Some(number) = number else { return Ok(()) };
        let r = self.row("SELECT credit_note_prefix, credit_note_next_seq FROM organization", &[])?;
        let (prefix, next): (String, i64) = (r.try_get(0)?, r.try_get(1)?);
        let seq = number
            .strip_prefix(prefix.as_str())
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<i64>().ok());
        if let Some(seq) = seq.filter(|s| *s >= next && *s < crate::domain::edit::MAX_CREDIT_NOTE_SEQ) {
            self.exec("UPDATE organization SET credit_note_next_seq = $1", &[&(seq + 1)])?;
        }
        Ok(())
    }

    pub fn credit_note_lines(&self, id: i64) -> Result<Vec<Line>> {
        self.lines_of("credit_note_lines", "credit_id", id)
    }

    pub fn set_credit_note_lines(&self, id: i64, lines: &[Line]) -> Result<()> {
        inserts::replace_credit_lines(&mut *self.tx(), id, lines)
    }

    /// The lines of an invoice or a credit note, in order.
    pub(super) fn lines_of(&self, table: &str, of: &str, id: i64) -> Result<Vec<Line>> {
        let sql = format!(
            "SELECT kind, description, quantity, unit_price, amount_minor, tax_minor FROM {table}
             WHERE {of} = $1 ORDER BY seq"
        );
        let decimal = |s: Option<String>| -> Result<Option<rust_decimal::Decimal>> {
            s.map(|s| s.parse().map_err(|_| StoreError::Invalid(format!("bad decimal {s}")))).transpose()
        };
        self.rows(&sql, &[&id])?
            .iter()
            .map(|r| {
                let kind: String = r.try_get(0)?;
                Ok(Line {
                    kind: LineKind::from_db(&kind)
                        .ok_or_else(|| StoreError::Invalid(format!("unknown value {kind}")))?,
                    description: r.try_get(1)?,
                    quantity: decimal(r.try_get(2)?)?,
                    unit_price: decimal(r.try_get(3)?)?,
                    amount_minor: r.try_get(4)?,
                    tax_minor: r.try_get(5)?,
                })
            })
            .collect()
    }
}
