//! Schema versions, kept in `PRAGMA user_version`; forward-only migrations.

use super::{Result, StoreError};
use rusqlite::Connection;
use std::path::Path;

/// 'ARDS': marks a file as ardesk's in the SQLite header.
const APPLICATION_ID: i64 = 0x4152_4453;

/// Migration `i` takes a database from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[include_str!("../../schema.sql")];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// For a read-only file: the same checks as `migrate`, and it must already
/// be at this ardesk's version (it cannot be upgraded).
pub fn check_readable(conn: &Connection, path: &Path) -> Result<()> {
    let version = header(conn, path)?;
    if version < SCHEMA_VERSION {
        return Err(StoreError::Open {
            path: path.to_path_buf(),
            reason: format!("it needs an upgrade to schema version {SCHEMA_VERSION} but is read-only"),
        });
    }
    Ok(())
}

/// Reads and checks the header; returns the schema version.
fn header(conn: &Connection, path: &Path) -> Result<i64> {
    let not_ardesk = |reason: String| StoreError::NotArdesk { path: path.to_path_buf(), reason };
    let (app_id, version, tables): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT application_id FROM pragma_application_id),
                    (SELECT user_version FROM pragma_user_version),
                    (SELECT count(*) FROM sqlite_schema)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                not_ardesk("the file is not an SQLite database".into())
            }
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseCorrupt => {
                StoreError::Corrupt { path: path.to_path_buf() }
            }
            other => StoreError::Open { path: path.to_path_buf(), reason: other.to_string() },
        })?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::Newer { path: path.to_path_buf(), found: version, known: SCHEMA_VERSION });
    }
    if version == 0 && tables > 0 {
        return Err(not_ardesk("it holds another program's tables".into()));
    }
    if version > 0 && app_id != APPLICATION_ID {
        return Err(not_ardesk(format!("its application id is {app_id:#x}")));
    }
    Ok(version)
}

/// Checks the file is ardesk's and not newer, then brings it up to date.
/// Nothing is written before the checks pass.
pub fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let version = header(conn, path)?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}; PRAGMA application_id = {APPLICATION_ID};", from + 1))?;
        tx.commit()?;
    }
    Ok(())
}
