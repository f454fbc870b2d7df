//! Giving the space of deleted documents back to the file system.
//!
//! SQLite keeps the pages a delete frees inside the file, for reuse: delete
//! a 50 MB document and the file stays 50 MB larger. A database this ardesk
//! creates has `auto_vacuum = INCREMENTAL` (set before its first table:
//! SQLite cannot switch it on later without rewriting the file), and a
//! document delete is followed by `PRAGMA incremental_vacuum`, which moves
//! the last pages into the holes and shortens the file (in WAL mode, at the
//! next checkpoint). An older database is converted by `ardesk vacuum`: a
//! full VACUUM, which rewrites the whole file.

use super::{Result, Store, StoreError};

/// How the database file uses its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Space {
    /// Pages in use and free, in bytes: the file's size once checkpointed.
    pub file_bytes: u64,
    /// Free pages kept inside the file, in bytes.
    pub free_bytes: u64,
    /// Whether deletes give space back by themselves (`auto_vacuum =
    /// INCREMENTAL`); else only `ardesk vacuum` does.
    pub incremental: bool,
}

impl Space {
    /// What only `ardesk vacuum` can give back.
    pub fn reclaimable(&self) -> u64 {
        if self.incremental { 0 } else { self.free_bytes }
    }
}

/// `PRAGMA auto_vacuum`'s value for INCREMENTAL.
const INCREMENTAL: i64 = 2;

impl Store {
    pub fn space(&self) -> Result<Space> {
        let pragma =
            |name: &str| -> Result<i64> { Ok(self.conn().query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?) };
        let page = pragma("page_size")?.max(0) as u64;
        Ok(Space {
            file_bytes: pragma("page_count")?.max(0) as u64 * page,
            free_bytes: pragma("freelist_count")?.max(0) as u64 * page,
            incremental: pragma("auto_vacuum")? == INCREMENTAL,
        })
    }

    /// Gives free pages back to the file system, where the database allows
    /// it without a rewrite. Its own transaction, never inside another.
    /// The write-ahead log, which the delete made as large as what it
    /// touched, is checkpointed and emptied too: the disk gets it all back,
    /// not only the database file.
    pub(crate) fn reclaim(&self) -> Result<()> {
        if self.read_only().is_some() || !self.space()?.incremental {
            return Ok(());
        }
        {
            // It hands back one page per step, each as a result row: run
            // once (as `execute_batch` does) it frees a single page.
            let mut stmt = self.conn().prepare("PRAGMA incremental_vacuum")?;
            let mut pages = stmt.query([])?;
            while pages.next()?.is_some() {}
        }
        // A reader of another process may hold the log; then it is emptied
        // by a later checkpoint instead (the row says so; nothing to do).
        self.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// `ardesk vacuum`: rewrites the whole file without its free pages and
    /// with `auto_vacuum = INCREMENTAL`, so later deletes give their space
    /// back by themselves; then checkpoints, so the file shrinks now.
    /// Returns the space before and after.
    pub fn vacuum(&mut self) -> Result<(Space, Space)> {
        if let Some(why) = self.read_only() {
            return Err(StoreError::Invalid(format!("the database is open read-only ({why}); it cannot be vacuumed")));
        }
        let before = self.space()?;
        // The copy VACUUM makes goes to a temporary file, not to memory
        // (ardesk otherwise keeps temporary tables in memory): a database of
        // gigabytes would need as much RAM.
        self.conn().execute_batch("PRAGMA temp_store = FILE; PRAGMA auto_vacuum = INCREMENTAL;")?;
        let done = self.conn().execute_batch("VACUUM");
        self.conn().execute_batch("PRAGMA temp_store = MEMORY;")?;
        done?;
        self.checkpoint()?;
        Ok((before, self.space()?))
    }
}
