//! The prints of the invoices an import wrote on PostgreSQL
//! (`invoices.import_line`, schema 6; SQLite's `store/import/prints.rs`),
//! loaded for the next import of the same source so that it tells an
//! unchanged row at sight.

use super::super::super::Result;
use super::PgImportTx;
use crate::domain::status::ImportSource;
use crate::store::known_lines::KnownLines;
use postgres::fallible_iterator::FallibleIterator;

impl PgImportTx<'_> {
    /// Every invoice of `source` with a print beside its baseline: its
    /// external id, print, id and customer. One pass over the table,
    /// streamed from the server (a million rows are never held as rows,
    /// only in the table they are put in).
    pub fn known_lines(&self, source: ImportSource) -> Result<Option<KnownLines>> {
        // The largest id bounds how many there are, and costs one step
        // down the primary key (a count would read every row once more).
        let at_most = self.invoice_rows_at_most()?;
        let mut known = KnownLines::with_capacity(usize::try_from(at_most).unwrap_or(0));
        let mut tx = self.tx();
        let s = self.statement(
            &mut tx,
            "SELECT external_id, import_line, id, customer_id FROM invoices
             WHERE import_source = $1 AND import_line IS NOT NULL AND import_base IS NOT NULL",
        )?;
        let mut rows = tx.query_raw(&s, [source.as_db()])?;
        while let Some(r) = rows.next()? {
            if let Some(ext) = r.try_get::<_, Option<&str>>(0)? {
                known.add(ext, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
            }
        }
        Ok(Some(known))
    }

    /// Keeps `line` as the print of invoice `id`, whose baseline a row with
    /// that print left unchanged (`ImportTx::keep_line`): nothing is written
    /// when it has that print already, and the invoice's version stays
    /// (nothing a person sees changed; the summaries' statement trigger
    /// finds no row of theirs changed).
    pub fn keep_line(&self, id: i64, line: i64) -> Result<()> {
        self.exec(
            "UPDATE invoices SET import_line = $2 WHERE id = $1 AND import_line IS DISTINCT FROM $2",
            &[&id, &line],
        )?;
        Ok(())
    }
}
