//! The prints of the invoices an import wrote on PostgreSQL
//! (`invoices.import_line`, schema 6; SQLite's `store/import/prints.rs`),
//! loaded for the next import of the same source so that it tells an
//! unchanged row at sight.

use super::super::super::Result;
use super::PgImportTx;
use crate::domain::status::ImportSource;
use crate::store::known_lines::KnownLines;
use postgres::fallible_iterator::FallibleIterator;

/// The most invoices the table of prints is made for before it has read
/// any (64 MiB; `KnownLines` grows past it).
const FIRST_CAPACITY: i64 = 1 << 20;

impl PgImportTx<'_> {
    /// Every invoice of `source` with a print beside its baseline: its
    /// external id, print, id and customer. One pass over the table,
    /// streamed from the server (a million rows are never held as rows,
    /// only in the table they are put in).
    pub fn known_lines(&self, source: ImportSource) -> Result<Option<KnownLines>> {
        // The largest id bounds how many there are, and costs one step
        // down the primary key (a count would read every row once more).
        // It counts every source's invoices, so the table starts at most a
        // million long and grows past that only if this source has more.
        let at_most = self.invoice_rows_at_most()?.min(FIRST_CAPACITY);
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
    /// that print left unchanged (`ImportTx::keep_line`). Gathered and
    /// written `LINES_AT_ONCE` at a time (`flush_lines`): books upgraded from
    /// version 5 keep a print for every invoice at their first re-import,
    /// and a statement each, with the invoices' statement triggers run for
    /// each, made that run six times slower than it was. The last print
    /// kept for an invoice is the one written, as one statement each would
    /// leave it.
    pub fn keep_line(&self, id: i64, line: i64) -> Result<()> {
        let full = {
            let mut lines = self.lines.borrow_mut();
            lines.insert(id, line);
            lines.len() >= LINES_AT_ONCE
        };
        if full {
            self.flush_lines()?;
        }
        Ok(())
    }

    /// Writes the prints `keep_line` gathered, in one statement: only those
    /// that differ from the invoice's (IS DISTINCT FROM), the invoices'
    /// versions as they are (nothing a person sees changed; the
    /// summaries' statement trigger finds no row of theirs changed).
    pub(super) fn flush_lines(&self) -> Result<()> {
        let (ids, lines): (Vec<i64>, Vec<i64>) = self.lines.borrow_mut().drain().unzip();
        if ids.is_empty() {
            return Ok(());
        }
        self.exec(
            "UPDATE invoices AS i SET import_line = k.line
             FROM unnest($1::bigint[], $2::bigint[]) AS k(id, line)
             WHERE i.id = k.id AND i.import_line IS DISTINCT FROM k.line",
            &[&ids, &lines],
        )?;
        Ok(())
    }

    /// An invoice whose print is about to be written with its baseline: a
    /// print gathered for it before is not written after.
    pub(super) fn forget_line(&self, id: i64) {
        self.lines.borrow_mut().remove(&id);
    }
}

/// Prints gathered before `keep_line` writes them.
const LINES_AT_ONCE: usize = 10_000;
