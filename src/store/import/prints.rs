//! The prints of the invoices an import wrote (`invoices.import_line`,
//! `import::read::prints`), loaded for the next import of the same source
//! so that it tells an unchanged row at sight.

use super::{ImportTx, Result};
use crate::domain::status::ImportSource;
use crate::store::known_lines::KnownLines;
use rusqlite::types::ValueRef;

impl ImportTx<'_> {
    /// Every invoice of `source` with a print beside its baseline: its
    /// external id, print, id and customer. One pass over the table in
    /// its order (a lookup per row by the external-id index costs about
    /// seven times as much a row).
    pub fn known_lines(&self, source: ImportSource) -> Result<Option<KnownLines>> {
        self.external_indexes()?;
        // On the external-id index: counts without reading the table.
        let n: i64 =
            self.tx
                .query_row("SELECT count(*) FROM invoices WHERE import_source = ?1", [source.as_db()], |r| r.get(0))?;
        let mut known = KnownLines::with_capacity(usize::try_from(n).unwrap_or(0));
        // The table in its order, not the external-id index and a jump to
        // the row for each entry (the planner's choice, five times slower).
        let mut stmt = self.tx.prepare(
            "SELECT external_id, import_line, id, customer_id FROM invoices NOT INDEXED
             WHERE import_source = ?1 AND import_line IS NOT NULL AND import_base IS NOT NULL",
        )?;
        let mut rows = stmt.query([source.as_db()])?;
        while let Some(r) = rows.next()? {
            // An external id is text; anything else is known to nobody.
            if let ValueRef::Text(ext) = r.get_ref(0)? {
                known.add_bytes(ext, r.get(1)?, r.get(2)?, r.get(3)?);
            }
        }
        Ok(Some(known))
    }
}

impl ImportTx<'_> {
    /// Keeps `line` as the print of invoice `id`, whose baseline a row with
    /// that print left unchanged: an invoice imported before prints were
    /// kept (schema 20 and older), or from a row that differs from the one
    /// printed only where the mapping does not look. Nothing is written
    /// when it has that print already; no trigger watches the column, and
    /// the invoice's version stays (nothing a person sees changed).
    pub fn keep_line(&self, id: i64, line: i64) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE invoices SET import_line = ?2 WHERE id = ?1 AND import_line IS NOT ?2")?
            .execute(rusqlite::params![id, line])?;
        Ok(())
    }
}
