//! The credit notes an import writes (`credits` of kind 'credit_note',
//! schema 10): found by (source, external id), inserted, updated, voided,
//! and the credit they put on invoices. A credit note is credit, never
//! money: its applications lower what an invoice owes and Total Billed,
//! and never count as collected.

use super::*;

impl ImportTx<'_> {
    pub fn find_credit_note(&self, source: ImportSource, external_id: &str) -> Result<Option<CreditNoteState>> {
        self.credit_note_where("import_source = ?1 AND external_id = ?2", params![source.as_db(), external_id])
    }

    pub fn credit_note_by_id(&self, id: i64) -> Result<Option<CreditNoteState>> {
        self.credit_note_where("id = ?1", params![id])
    }

    fn credit_note_where(&self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Option<CreditNoteState>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT id, customer_id, granted_on, amount_minor,
                    (SELECT coalesce(sum(amount_minor), 0) FROM applications a
                     WHERE a.removed_on IS NULL AND a.credit_id = credits.id),
                    currency, reason, kind, number, voided_on, invoice_id
             FROM credits WHERE {filter}"
        ))?;
        Ok(stmt
            .query_row(args, |r| {
                Ok(CreditNoteState {
                    id: r.get(0)?,
                    customer_id: r.get(1)?,
                    issued_on: date(r, 2)?,
                    amount_minor: r.get(3)?,
                    applied_minor: r.get(4)?,
                    currency: currency(r, 5)?,
                    reason: r.get(6)?,
                    credit_note: r.get::<_, String>(7)? == "credit_note",
                    number: r.get(8)?,
                    voided_on: opt_date(r, 9)?,
                    invoice_id: r.get(10)?,
                })
            })
            .optional()?)
    }

    /// The credit note numbered `number`, if any (numbers are unique among
    /// credit notes, whatever their source).
    /// What is left to apply of a customer's issued credit notes of
    /// `source` in `cur` dated on or before `on` (all of them without it),
    /// oldest first: (credit id, minor units left), those with something
    /// left only. Applied amounts are read from the applications.
    pub fn credit_notes_left(
        &self,
        customer_id: i64,
        source: ImportSource,
        cur: Currency,
        on: Option<NaiveDate>,
    ) -> Result<Vec<(i64, i64)>> {
        let rows: Vec<(i64, i64)> = self
            .tx
            .prepare_cached(
                "SELECT c.id, c.amount_minor - (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
                                                WHERE a.credit_id = c.id AND a.removed_on IS NULL)
                 FROM credits c
                 WHERE c.customer_id = ?1 AND c.import_source = ?2 AND c.currency = ?3 AND c.kind = 'credit_note'
                   AND c.status = 'issued' AND (?4 IS NULL OR c.granted_on <= ?4)
                 ORDER BY c.granted_on, c.id",
            )?
            .query_map(params![customer_id, source.as_db(), cur.code(), on.map(iso)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows.into_iter().filter(|(_, left)| *left > 0).collect())
    }

    /// A customer's invoices of `source` issued on or after `on` to which
    /// the import's own credit ("<invoice id>#credit") is applied.
    pub fn invoices_with_own_credit(&self, customer_id: i64, source: ImportSource, on: NaiveDate) -> Result<Vec<i64>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT DISTINCT i.id FROM invoices i
                 JOIN applications a ON a.invoice_id = i.id AND a.removed_on IS NULL
                 JOIN credits c ON c.id = a.credit_id
                 WHERE i.customer_id = ?1 AND i.import_source = ?2 AND i.issue_date >= ?3
                   AND c.import_source = ?2 AND c.external_id = i.external_id || '#credit'
                 ORDER BY i.id",
            )?
            .query_map(params![customer_id, source.as_db(), iso(on)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    pub fn credit_note_number_taken(&self, number: &str) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT id FROM credits WHERE kind = 'credit_note' AND number = ?1")?
            .query_row([number], |r| r.get(0))
            .optional()?)
    }

    /// A new credit note of `source`, issued (an import never makes a
    /// voided one: a void it reads is of a credit note ardesk has).
    pub fn insert_credit_note(&self, source: (ImportSource, &str), w: &CreditNoteWrite<'_>) -> Result<i64> {
        self.touch(w.customer_id);
        self.tx
            .prepare_cached(
                "INSERT INTO credits (customer_id, granted_on, amount_minor, currency, reason, import_source,
                                      external_id, created_at, kind, number, status, invoice_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'credit_note', ?9, 'issued', ?10)",
            )?
            .execute(params![
                w.customer_id,
                iso(w.issued_on),
                w.amount_minor,
                w.currency.code(),
                w.reason,
                source.0.as_db(),
                source.1,
                self.now,
                w.number,
                w.invoice_id,
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Updates what a source may change of its credit note (never below
    /// what is applied of it: the caller reverses applications first).
    pub fn update_credit_note(&self, id: i64, w: &CreditNoteWrite<'_>) -> Result<()> {
        self.touch_row("credits", id)?;
        self.tx
            .prepare_cached(
                "UPDATE credits SET granted_on = ?2, amount_minor = ?3, reason = ?4, number = ?5, invoice_id = ?6,
                                    version = version + 1
                 WHERE id = ?1",
            )?
            .execute(params![id, iso(w.issued_on), w.amount_minor, w.reason, w.number, w.invoice_id])?;
        Ok(())
    }

    /// Voids a credit note on `on`: its applications stop counting that
    /// day (or the day they were made, if later), then it counts nowhere.
    pub fn void_credit_note(&self, id: i64, on: NaiveDate) -> Result<Vec<i64>> {
        self.touch_row("credits", id)?;
        let mut invoices = Vec::new();
        for a in self.applications(id, AppsOf::Credit)? {
            self.reverse_application_on(a.id, on)?;
            invoices.push(a.invoice_id);
        }
        self.tx
            .prepare_cached(
                "UPDATE credits SET status = 'voided', voided_on = max(?2, granted_on), version = version + 1
                 WHERE id = ?1",
            )?
            .execute(params![id, iso(on)])?;
        Ok(invoices)
    }

    /// Gives a credit an export recreated its kind ('credit_note' or
    /// 'adjustment'; granted credit is what `insert_credit` makes), its
    /// number and its invoice. A number of the organization's sequence
    /// (its prefix and digits) moves the sequence past it, so that the
    /// next credit note issued here does not take it again.
    pub fn mark_native_credit(&self, id: i64, kind: &str, number: Option<&str>, invoice_id: Option<i64>) -> Result<()> {
        self.touch_row("credits", id)?;
        self.tx
            .prepare_cached("UPDATE credits SET kind = ?2, number = ?3, invoice_id = ?4 WHERE id = ?1")?
            .execute(params![id, kind, number, invoice_id])?;
        let Some(number) = number else { return Ok(()) };
        let (prefix, next): (String, i64) =
            self.tx.query_row("SELECT credit_note_prefix, credit_note_next_seq FROM organization", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let seq = number
            .strip_prefix(prefix.as_str())
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<i64>().ok());
        if let Some(seq) = seq.filter(|s| *s >= next && *s < crate::domain::edit::MAX_CREDIT_NOTE_SEQ) {
            self.tx.execute("UPDATE organization SET credit_note_next_seq = ?1", [seq + 1])?;
        }
        Ok(())
    }

    /// A credit note's lines as stored, in order.
    pub fn credit_note_lines(&self, id: i64) -> Result<Vec<crate::domain::lines::Line>> {
        crate::store::lines::credit_note_lines(&self.tx, id)
    }

    /// A credit note's lines become `lines` (a source's or an export's, as
    /// they are: an imported credit note need not add up to them).
    pub fn set_credit_note_lines(&self, id: i64, lines: &[crate::domain::lines::Line]) -> Result<()> {
        super::super::inserts::replace_credit_lines(&self.tx, id, lines)?;
        Ok(())
    }
}
