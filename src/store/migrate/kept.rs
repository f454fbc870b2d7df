//! The step in Rust of migration 19 (`0019_kept_rows.sql`): every
//! invoice's `source_raw` of the import's shape becomes its baseline
//! (`import_base`) and a kept row (`import_row`), in id order, each source's
//! rows in chunks of their own; `source_raw` is then NULL. What is not of
//! that shape, or would not put back together byte for byte, stays as it
//! is (`kept::KeptRow::from_json`).

use crate::store::Result;
use crate::store::kept::{KeptRow, KeptWriter, MAX_ROW};
use rusqlite::Transaction;

pub(super) fn from_source_raw(tx: &Transaction<'_>) -> Result<()> {
    let mut writer = KeptWriter::default();
    let mut read = tx.prepare(
        "SELECT id, coalesce(import_source, 'ardesk'), source_raw FROM invoices
         WHERE source_raw IS NOT NULL ORDER BY id",
    )?;
    let mut set =
        tx.prepare("UPDATE invoices SET source_raw = NULL, import_base = ?2, import_row = ?3 WHERE id = ?1")?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let (id, source): (i64, String) = (r.get(0)?, r.get(1)?);
        // Text that is not UTF-8, or not JSON of the import's shape, or a
        // row past `MAX_ROW`, stays as it is.
        let Some(text) = r.get_ref(2)?.as_str().ok().map(str::to_string) else { continue };
        if let Some(kept) = KeptRow::from_json(&text).filter(|k| k.row.len() <= MAX_ROW) {
            let n = writer.push(tx, &source, &kept.row)?;
            set.execute(rusqlite::params![id, kept.base, n])?;
        }
    }
    writer.flush(tx)
}
