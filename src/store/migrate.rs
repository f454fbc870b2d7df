//! Schema versions, kept in `PRAGMA user_version`; forward-only migrations.
//!
//! `schema.sql` is version 1 and stays so; each later change is a numbered
//! file in `migrations/`, applied in order, each inside one transaction, so
//! a database is always at one version or the next, never between. Before
//! anything is written the file is checked: ardesk's application id, not
//! newer than this ardesk, its schema exactly what its version's migrations
//! made, and its rows within the bounds the next versions enforce.
//!
//! Adding a migration: write `migrations/NNNN_what.sql`, add it to
//! `MIGRATIONS` (with a step in Rust, `after`, when rows must be moved in
//! ways SQL says badly: it runs after the SQL, in the same transaction, on
//! the new tables, and on an empty database too, where `schema::expected`
//! replays the migrations, so it must leave the schema alone), add the
//! adapter that lets the previous version be read (`schema::ADAPTERS`),
//! and a row check in `refusals` if the new constraints could refuse rows
//! an older version accepted. The tests in `tests/migrations.rs` upgrade a
//! database of every earlier version.

mod kept;
mod refunds;

use super::{Result, StoreError, schema, set_aside};
use rusqlite::{Connection, Transaction};
use std::path::Path;

/// 'ARDS': marks a file as ardesk's in the SQLite header.
const APPLICATION_ID: i64 = 0x4152_4453;

/// One step from a version to the next: its SQL, then, when rows must move
/// in ways SQL says badly, a step in Rust in the same transaction.
pub(crate) struct Migration {
    pub sql: &'static str,
    pub after: Option<fn(&Transaction<'_>) -> Result<()>>,
}

const fn sql(sql: &'static str) -> Migration {
    Migration { sql, after: None }
}

/// Migration `i` takes a database from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[Migration] = &[
    sql(include_str!("../../schema.sql")),
    sql(include_str!("migrations/0002_strict_bounds.sql")),
    sql(include_str!("migrations/0003_document_limit.sql")),
    sql(include_str!("migrations/0004_activity_by_time.sql")),
    sql(include_str!("migrations/0005_invoice_balance.sql")),
    // The refunds recorded in the audit log become rows of `refunds`.
    Migration { sql: include_str!("migrations/0006_lines_memo_refunds.sql"), after: Some(refunds::from_audit) },
    sql(include_str!("migrations/0007_reversed_applications.sql")),
    sql(include_str!("migrations/0008_credit_not_collected.sql")),
    sql(include_str!("migrations/0009_write_offs.sql")),
    sql(include_str!("migrations/0010_credit_notes.sql")),
    sql(include_str!("migrations/0011_refund_ids.sql")),
    sql(include_str!("migrations/0012_credit_note_lines.sql")),
    sql(include_str!("migrations/0013_cancel_dates.sql")),
    // The dated events as views, then the summary the triggers keep of them.
    sql(concat!(
        include_str!("migrations/0014_counts_from.sql"),
        include_str!("migrations/0014_dated_events.sql"),
        include_str!("migrations/0014_dated_summary.sql")
    )),
    sql(include_str!("migrations/0015_addresses.sql")),
    sql(include_str!("migrations/0016_collections.sql")),
    sql(include_str!("migrations/0017_customer_list.sql")),
    sql(include_str!("migrations/0018_tab_search.sql")),
    // The invoices' `source_raw` becomes a baseline and a compressed kept row.
    Migration { sql: include_str!("migrations/0019_kept_rows.sql"), after: Some(kept::from_source_raw) },
    // The dated summary one row a day, a column per measure.
    sql(concat!(include_str!("migrations/0020_day_rows.sql"), include_str!("migrations/0020_day_summary.sql"))),
    // Each imported invoice row's print, for telling an unchanged row at sight.
    sql(include_str!("migrations/0021_line_prints.sql")),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Runs one migration in a transaction with foreign keys off (tables are
/// rebuilt), checking them before commit.
pub(crate) fn apply(conn: &Connection, m: &Migration) -> Result<()> {
    apply_after(conn, m, |_| Ok(()))
}

/// `apply`, with `first` run in the same transaction before the SQL.
fn apply_after(conn: &Connection, m: &Migration, first: impl FnOnce(&Transaction<'_>) -> Result<()>) -> Result<()> {
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let tx = conn.unchecked_transaction()?;
    first(&tx)?;
    tx.execute_batch(m.sql)?;
    if let Some(after) = m.after {
        after(&tx)?;
    }
    let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if broken > 0 {
        return Err(StoreError::Invalid(format!("the upgrade would leave {broken} broken reference(s)")));
    }
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    tx.execute_batch(&format!("PRAGMA user_version = {}; PRAGMA application_id = {APPLICATION_ID};", version + 1))?;
    tx.commit()?;
    Ok(())
}

/// What opening found, before anything was written.
pub(crate) struct Found {
    pub version: i64,
    /// Why the database can only be read, though the file is writable.
    pub read_only: Option<String>,
    /// Only rows past the bounds stand in the way of the upgrade, and
    /// `ardesk upgrade --set-aside` may take them out.
    pub can_set_aside: bool,
}

/// Reads and checks the header and schema; returns the schema version.
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
    if version < 0 {
        return Err(not_ardesk(format!("its schema version is {version}")));
    }
    Ok(version)
}

/// Checks the file and its schema without writing anything. A file that is
/// ardesk's but whose schema has drifted, or whose rows the upgrade would
/// refuse, is opened for reading only, with the reason.
pub(crate) fn inspect(conn: &Connection, path: &Path) -> Result<Found> {
    let version = header(conn, path)?;
    if version == 0 {
        return Ok(Found { version, read_only: None, can_set_aside: false });
    }
    let corrupt = |_| StoreError::Corrupt { path: path.to_path_buf() };
    if schema::matches(conn, version).map_err(corrupt)? {
        return match version < SCHEMA_VERSION {
            true => below_the_bounds(conn, version),
            false => Ok(Found { version, read_only: None, can_set_aside: false }),
        };
    }
    let live = schema::live(conn).map_err(corrupt)?;
    let missing: Vec<&str> = schema::CORE_TABLES.iter().copied().filter(|t| !live.contains_key(*t)).collect();
    if !missing.is_empty() {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            reason: format!(
                "it is marked as an ardesk database (schema version {version}) but lacks the table(s) {}",
                missing.join(", ")
            ),
        });
    }
    let diff = schema::differences(conn, &live, schema::expected(version)?);
    if !diff.is_empty() {
        return Ok(Found { version, read_only: Some(drifted(&diff)), can_set_aside: false });
    }
    // The same objects, the same SQL but for white space: as written.
    below_the_bounds(conn, version)
}

/// An older database's rows, against the bounds its upgrade will enforce.
fn below_the_bounds(conn: &Connection, version: i64) -> Result<Found> {
    if version < SCHEMA_VERSION {
        let rows = set_aside::find(conn)?;
        if !rows.is_empty() {
            let can = set_aside::totals(conn)?.is_empty();
            return Ok(Found { version, read_only: Some(out_of_range(version, &rows, can)), can_set_aside: can });
        }
    }
    Ok(Found { version, read_only: None, can_set_aside: false })
}

/// How many differences a message names before "and N more".
const NAMED: usize = 4;

fn drifted(diff: &[String]) -> String {
    let mut s =
        format!("its schema differs from what this ardesk expects: {}", diff[..diff.len().min(NAMED)].join("; "));
    if diff.len() > NAMED {
        s.push_str(&format!("; and {} more (`ardesk check` lists them)", diff.len() - NAMED));
    }
    s
}

fn out_of_range(version: i64, rows: &[String], can_set_aside: bool) -> String {
    let mut s = format!(
        "it cannot be upgraded from schema version {version} to {SCHEMA_VERSION}: {} row(s) lie outside the ranges \
         ardesk now keeps (amounts up to 10^13 minor units, dates 1900-01-01 to 2199-12-31, one customer's rows of \
         a kind up to 10^17 in one currency): {}",
        rows.len(),
        rows[..rows.len().min(NAMED)].join("; ")
    );
    if rows.len() > NAMED {
        s.push_str(&format!("; and {} more (`ardesk check` lists them)", rows.len() - NAMED));
    }
    if can_set_aside {
        s.push_str(
            "; `ardesk upgrade --set-aside` takes them out (each kept whole in the customer's activity) and \
             upgrades the rest",
        );
    }
    s
}

/// WAL comes first: switching to it after a migration that renamed tables
/// in rollback-journal mode leaves the connection answering "database
/// table is locked" to its next checkpoint (SQLite 3.54). A database ardesk
/// made is in WAL mode already, so a failed upgrade changes nothing.
///
/// With `set_aside_as` (the user who asked), rows past the bounds are taken
/// out in the transaction of the upgrade to version 2 (`set_aside`); what
/// was set aside is returned.
pub(crate) fn upgrade(conn: &Connection, version: i64, set_aside_as: Option<&str>) -> Result<Vec<String>> {
    if version == 0 {
        // Before the first table, the only time SQLite takes it without
        // rewriting the file: deleted documents then give their space back
        // (`vacuum.rs`).
        conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL")?;
    }
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    // The upgrades' sorts over every row (version 20 groups the dated
    // summary's rows anew: 8.7 million for a million invoices) spill to a
    // temporary file, not memory: 568 MiB peak RSS on that file in memory.
    // Set back before anything reads through temporary views (changing it
    // drops them), whatever the upgrade's outcome.
    conn.execute_batch("PRAGMA temp_store = FILE")?;
    let done = upgrade_each(conn, version, set_aside_as);
    let reset = conn.execute_batch("PRAGMA temp_store = MEMORY");
    // The upgrade's own error first: it says what went wrong.
    let moved = done?;
    reset?;
    Ok(moved)
}

fn upgrade_each(conn: &Connection, version: i64, set_aside_as: Option<&str>) -> Result<Vec<String>> {
    let mut moved = Vec::new();
    for (from, m) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        match set_aside_as {
            Some(who) if from == 1 => apply_after(conn, m, |tx| {
                moved = set_aside::set_aside(tx, who)?;
                Ok(())
            })?,
            _ => apply(conn, m)?,
        }
    }
    Ok(moved)
}
