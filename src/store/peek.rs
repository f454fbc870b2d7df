//! A look at a database for the shell's completions: read-only, quick and
//! silent. It never creates the file or the database, never upgrades it,
//! waits at most a moment for a writer, and finds nothing rather than
//! failing: a completion that fails would print into the user's prompt.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// The most ids one completion offers.
pub const MAX_IDS: usize = 200;

/// Customers whose ardesk id starts with `prefix` (digits; empty for any),
/// shortest ids first, with their names: at most `MAX_IDS`. Nothing when
/// the file is missing, not a regular file, not an ardesk database, locked
/// for longer than a moment, or `prefix` is not digits.
pub fn customer_ids(path: &Path, prefix: &str) -> Vec<(i64, String)> {
    if !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 18 {
        return Vec::new();
    }
    // A regular file only: SQLite would create a missing one, and a device
    // or a pipe could block the prompt.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Vec::new();
    }
    look(path, prefix).unwrap_or_default()
}

fn look(path: &Path, prefix: &str) -> rusqlite::Result<Vec<(i64, String)>> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    // Immutable when no one works on it (`read_only_uri`): a writer
    // starting meanwhile at worst makes the read fail, and nothing completes.
    let conn = Connection::open_with_flags(super::files::read_only_uri(path), flags)?;
    conn.busy_timeout(Duration::from_millis(300))?;
    let mut found = Vec::new();
    let mut stmt = conn.prepare("SELECT id, name FROM customers WHERE id BETWEEN ?1 AND ?2 ORDER BY id LIMIT ?3")?;
    // The ids that start with the digits p are p itself, then p0–p9,
    // p00–p99 …: ranges on the primary key, read in that order, so a
    // million customers cost no scan.
    let Ok(p) = prefix.parse::<i64>() else {
        let mut all = conn.prepare("SELECT id, name FROM customers ORDER BY id LIMIT ?1")?;
        let rows = all.query_map([MAX_IDS as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
        return rows.collect();
    };
    let (mut lo, mut hi) = (p, p);
    loop {
        let left = MAX_IDS - found.len();
        let rows = stmt.query_map(rusqlite::params![lo, hi, left as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in rows {
            found.push(row?);
        }
        let next = lo.checked_mul(10).zip(hi.checked_mul(10).and_then(|h| h.checked_add(9)));
        match next {
            Some((l, h)) if found.len() < MAX_IDS && l > 0 => (lo, hi) = (l, h),
            _ => break,
        }
    }
    Ok(found)
}
