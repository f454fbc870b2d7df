//! What the customers list keeps beside the customers (version 17) — the
//! trigram search index and `customer_outstanding` — compared with what
//! they are made from by `ardesk check`, and made again from it by
//! `ardesk check --repair`.

use super::{Result, Store};
use rusqlite::{Connection, OpenFlags};

/// `customer_outstanding` against the customers and their summaries.
const OUTSTANDING_DRIFT: &str = "
    SELECT 'customer ' || c.id || ': the list reads ' || coalesce(o.name, 'no row') || ' '
           || coalesce(o.currency, '') || ' ' || coalesce(o.outstanding_minor, '')
           || ' instead of ' || c.currency || ' ' || coalesce(s.outstanding_minor, 0)
    FROM customers c
    LEFT JOIN customer_outstanding o ON o.customer_id = c.id
    LEFT JOIN customer_summary s ON s.customer_id = c.id AND s.currency = c.currency
    WHERE o.customer_id IS NULL OR o.name IS NOT c.name OR o.currency IS NOT c.currency
       OR o.outstanding_minor IS NOT coalesce(s.outstanding_minor, 0)
    UNION ALL
    SELECT 'customer ' || o.customer_id || ': the list has a row for it, but there is no such customer'
    FROM customer_outstanding o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)";

/// Customers the search index lacks, and entries it has of no customer.
const SEARCH_ROWS: &str = "
    SELECT 'customer ' || id || ' is missing from the search index' FROM
        (SELECT id FROM customers EXCEPT SELECT id FROM customer_search_docsize)
    UNION ALL
    SELECT 'the search index has customer ' || id || ', which does not exist' FROM
        (SELECT id FROM customer_search_docsize EXCEPT SELECT id FROM customers)";

impl Store {
    /// How the list's derived tables differ from what they are made of;
    /// empty when they agree (or the file is older than version 17).
    pub(super) fn list_index_problems(&self) -> Result<Vec<String>> {
        if !self.list_indexed() {
            return Ok(Vec::new());
        }
        let mut out = self.texts(OUTSTANDING_DRIFT)?;
        out.extend(self.texts(SEARCH_ROWS)?);
        out.extend(self.fts_integrity_problems("customer_search", 1, "the customers"));
        Ok(out)
    }

    /// FTS5's own check of a trigram index: with `rank` 1, against the
    /// text it indexes (an index with content); with 0, of its structure
    /// alone (a contentless one). It is asked for with an `INSERT` that
    /// writes nothing, which a read-only connection refuses: it runs on a
    /// connection of its own, rolled back, when the file can be opened for
    /// writing at all.
    pub(super) fn fts_integrity_problems(&self, table: &str, rank: i64, of: &str) -> Vec<String> {
        let run = |conn: &Connection| -> rusqlite::Result<()> {
            conn.execute_batch("SAVEPOINT search_check")?;
            let r = conn.execute(&format!("INSERT INTO {table}({table}, rank) VALUES ('integrity-check', ?1)"), [rank]);
            conn.execute_batch("ROLLBACK TO search_check; RELEASE search_check")?;
            r.map(|_| ())
        };
        // A store open for writing (an in-memory one among them) asks on
        // its own connection; one open read-only, on a connection of its
        // own to the same file.
        let result = if self.read_only().is_none() {
            run(self.conn())
        } else {
            let Ok(conn) = Connection::open_with_flags(self.path(), OpenFlags::SQLITE_OPEN_READ_WRITE) else {
                return Vec::new();
            };
            let _ = conn.busy_timeout(std::time::Duration::from_secs(5));
            run(&conn)
        };
        match result {
            Ok(()) => Vec::new(),
            Err(rusqlite::Error::SqliteFailure(e, msg)) if e.code == rusqlite::ErrorCode::DatabaseCorrupt => {
                let what = if rank == 1 {
                    format!("the search index does not match {of}")
                } else {
                    format!("the search index of {of} is damaged")
                };
                vec![format!("{what} ({}): `ardesk check --repair` rebuilds it", msg.unwrap_or_default())]
            }
            Err(e) if e.to_string().contains("readonly") => Vec::new(),
            Err(e) => vec![format!("could not check the search index of {of}: {e}")],
        }
    }

    /// Makes the list's derived tables again from the customers and their
    /// summaries, in one transaction: `ardesk check --repair`, for when
    /// `check` finds them drifted (a tool other than ardesk wrote the
    /// file). Says what it rebuilt.
    pub fn repair_list_index(&mut self) -> Result<Vec<String>> {
        if !self.list_indexed() {
            return Ok(Vec::new());
        }
        self.write(|tx| {
            tx.execute_batch(
                "INSERT INTO customer_search(customer_search) VALUES ('rebuild');
             DELETE FROM customer_outstanding;
             INSERT INTO customer_outstanding(customer_id, currency, name, outstanding_minor)
                 SELECT c.id, c.currency, c.name,
                        coalesce((SELECT s.outstanding_minor FROM customer_summary s
                                  WHERE s.customer_id = c.id AND s.currency = c.currency), 0)
                 FROM customers c;",
            )?;
            Ok(())
        })?;
        Ok(vec![
            "rebuilt the customers' search index".to_string(),
            "rebuilt the customers list's Outstanding order".to_string(),
        ])
    }
}
