//! The PostgreSQL schema's versions, numbered like SQLite's and kept in a
//! table of ardesk's own (`ardesk_schema`), forward only. Every migration
//! a database lacks is applied in one transaction, under an advisory lock
//! so that two ardesks starting together upgrade once: a database is at
//! one version or another, never between.
//!
//! The versions are PostgreSQL's own: version 1 is the whole schema of
//! SQLite version 20 (`SQLITE_EQUIVALENT`), translated. A later change to
//! the books is a migration on both sides, each side numbered on its own.
//!
//! Adding a migration: write `migrations/NNNN_*.sql`, add it to
//! `MIGRATIONS`, and the fingerprint the test in `schema` prints to
//! `schema::FINGERPRINTS`.

use super::super::{Result, StoreError};
use postgres::{Client, GenericClient};
use std::path::PathBuf;

/// 'ARDS', as SQLite's application id: the key of the advisory lock an
/// upgrade holds.
const LOCK_KEY: i64 = 0x4152_4453;

/// Migration `i` takes a database from version `i` to `i + 1`; its files
/// run in the order given.
pub(crate) const MIGRATIONS: &[&[&str]] = &[
    &[
        include_str!("migrations/0001_1_tables.sql"),
        include_str!("migrations/0001_2_views.sql"),
        include_str!("migrations/0001_3_summaries.sql"),
    ],
    // Live reload: statement triggers that NOTIFY per customer.
    &[include_str!("migrations/0002_notify.sql")],
    // The summaries of new invoices, payments and applications, and of
    // invoices' and payments' updates, summed once per statement.
    &[include_str!("migrations/0003_statement_summaries.sql")],
    // A bulk load's new rows written with their applied amounts set, not
    // updated after their applications.
    &[include_str!("migrations/0004_preset_applied.sql")],
    // The statement triggers' plans kept for the session (until an
    // ANALYZE), not made again at every call.
    &[include_str!("migrations/0005_plans_kept.sql")],
    // Each imported invoice row's print, for telling an unchanged row at
    // sight (SQLite's version 21).
    &[include_str!("migrations/0006_line_prints.sql")],
    // An invoice update's dated rows added once a statement (a bulk
    // cancel's, on one day, had made each later update walk the earlier).
    &[include_str!("migrations/0007_dated_updates.sql")],
];

pub const PG_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The SQLite schema version each PostgreSQL version holds the same books
/// as (index 0 is version 1): what `ardesk migrate` copies between.
pub const SQLITE_EQUIVALENT: &[i64] = &[20, 20, 20, 20, 20, 21, 21];

/// The table that marks a database as ardesk's and says its version (in
/// every version's schema: `schema::expected` makes it too).
pub(super) const MARK: &str = "CREATE TABLE ardesk_schema (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version     integer NOT NULL CHECK (version > 0),
    upgraded_at text    NOT NULL
)";

/// What an upgrade found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upgraded {
    pub from: i64,
    pub to: i64,
}

/// The version of the database the client is connected to, in its
/// current schema (`search_path`'s first): 0 when that schema is empty,
/// refused when it holds tables that are not ardesk's or a newer ardesk's.
pub fn version(client: &mut impl GenericClient, shown: &str) -> Result<i64> {
    let row = client.query_one(
        "SELECT coalesce(to_regclass(quote_ident(current_schema()) || '.ardesk_schema') IS NOT NULL, false),
                (SELECT count(*) FROM pg_class c
                  WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'v', 'p'))",
        &[],
    )?;
    let (marked, objects): (bool, i64) = (row.try_get(0)?, row.try_get(1)?);
    let version = if marked {
        let v: i32 = client.query_one("SELECT version FROM ardesk_schema", &[])?.try_get(0)?;
        i64::from(v)
    } else if objects > 0 {
        return Err(StoreError::NotArdesk {
            path: PathBuf::from(shown),
            reason: format!("its schema holds {objects} table(s) or view(s) but not ardesk's mark, ardesk_schema"),
        });
    } else {
        0
    };
    if version > PG_SCHEMA_VERSION {
        return Err(StoreError::Newer { path: PathBuf::from(shown), found: version, known: PG_SCHEMA_VERSION });
    }
    Ok(version)
}

/// Brings the database to `PG_SCHEMA_VERSION` in one transaction. Two
/// ardesks upgrading at once: the second waits on the lock, then finds the
/// work done.
pub fn upgrade(client: &mut Client, shown: &str) -> Result<Upgraded> {
    upgrade_to(client, shown, PG_SCHEMA_VERSION)
}

/// `upgrade`, to version `to` at most (an older version, for the tests
/// that upgrade a database of every earlier version).
pub fn upgrade_to(client: &mut Client, shown: &str, to: i64) -> Result<Upgraded> {
    let to = to.clamp(1, PG_SCHEMA_VERSION);
    // Opening books already at this version, the common case, costs one
    // plain read; anything else (no mark, another version, another
    // program's tables) takes the locked path, which says what it found.
    // The mark found must be the current schema's: with `search_path =
    // books, public` an empty `books` would otherwise pass for public's.
    if let Ok(row) = client.query_one(
        "SELECT version, (SELECT relnamespace = current_schema()::regnamespace FROM pg_class
                           WHERE oid = 'ardesk_schema'::regclass)
         FROM ardesk_schema",
        &[],
    ) && let Ok(at) = row.try_get::<_, i32>(0)
        && row.try_get::<_, Option<bool>>(1).ok().flatten() == Some(true)
        && i64::from(at) == to
    {
        return Ok(Upgraded { from: to, to });
    }
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])?;
    let from = version(&mut tx, shown)?;
    if from >= to {
        return Ok(Upgraded { from, to: from });
    }
    for files in &MIGRATIONS[from as usize..to as usize] {
        for sql in *files {
            tx.batch_execute(sql)?;
        }
    }
    if from == 0 {
        tx.batch_execute(MARK)?;
    }
    tx.execute(
        "INSERT INTO ardesk_schema (version, upgraded_at)
         VALUES ($1, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))
         ON CONFLICT (only_row) DO UPDATE SET version = excluded.version, upgraded_at = excluded.upgraded_at",
        &[&(to as i32)],
    )?;
    tx.commit()?;
    Ok(Upgraded { from, to })
}
