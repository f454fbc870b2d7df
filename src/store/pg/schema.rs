//! What the PostgreSQL schema of each version looks like, and how a live
//! database differs from it, as `store::schema` is for SQLite: a database
//! whose triggers, functions, indexes, columns or constraints are not what
//! ardesk wrote cannot be trusted to keep its figures.
//!
//! The schema is read from the catalog as definitions the server itself
//! prints (`pg_get_constraintdef`, `pg_get_indexdef`, `pg_get_triggerdef`,
//! `pg_get_functiondef`, `pg_get_viewdef`), for the objects of the
//! current schema only. A SHA-256 of them is compared with each version's
//! fingerprint (`FINGERPRINTS`; a test rebuilds them on a fresh database
//! and fails, printing the right value, when a migration changes), so
//! the comparison costs one catalog read. (`check` makes it; opening will,
//! as SQLite's does, once a PostgreSQL database can be opened for work.)

use super::super::{Result, StoreError};
use super::migrate::{MARK, MIGRATIONS};
use postgres::GenericClient;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// An object's kind and definition, keyed by `kind name`.
pub type Schema = BTreeMap<String, String>;

/// SHA-256 of each version's schema (index 0 is version 1), as
/// `fingerprint` gives it.
pub const FINGERPRINTS: &[&str] = &[
    "0cc9137ac5f8208ba53c3804693e2d12afb121363925f4b9e20fe5a5d16cb9e2",
    "daa84516f5b67ae5d1f0a9bbcd1e0bdccb7add401f11c4a12259ed4c259a7461",
    "ae4093dc81611af4c26555efdf4f6934e54367ff008b1f448063aea0b5054c7f",
    "d4f6c1985af87b1f4f99c08fc2315b046828b80d0342c71579d3db73b8a6cca4",
    "c021fee22dc829ff46ae2261fe18a97c0008f0545e3d842d2c3fced594701807",
    "1ab0cde2c1484e8f1516de5eff0f31f7fab206f3d5e56dc6874a6a7096dd0656",
    "5c79895d0d6570fc44078d34a93f81eb168f8bff85549467ba8867bd1248c513",
];

/// Why a database at `version` cannot be written: its schema is not that
/// version's (a trigger dropped or disabled, an index or CHECK changed by
/// hand), so its figures could drift from its rows unseen. `None` when
/// its fingerprint is its version's: one catalog read.
pub fn drift(client: &mut impl GenericClient, version: i64) -> Result<Option<String>> {
    let known = usize::try_from(version).ok().and_then(|v| FINGERPRINTS.get(v.checked_sub(1)?));
    let print = fingerprint(&live(client)?);
    if known.is_some_and(|f| *f == print) {
        return Ok(None);
    }
    Ok(Some(format!(
        "its schema is not the one ardesk made for PostgreSQL schema version {version} (a trigger, index, \
         constraint or function was changed outside ardesk), so its figures cannot be trusted to stay right; \
         `ardesk check` lists the differences"
    )))
}

/// The catalog's view of the current schema: tables' columns (type,
/// nullability, default, collation, identity), constraints, indexes,
/// triggers, functions and views. Names the server makes up for unnamed
/// constraints are kept: they follow from the SQL, so equal SQL gives
/// equal names.
pub fn live(client: &mut impl GenericClient) -> Result<Schema> {
    const QUERIES: &[&str] = &[
        // Columns, in table order.
        "SELECT 'column ' || c.relname || '.' || a.attname,
                format_type(a.atttypid, a.atttypmod)
                || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
                || CASE a.attidentity WHEN 'd' THEN ' IDENTITY BY DEFAULT' WHEN 'a' THEN ' IDENTITY ALWAYS' ELSE '' END
                || coalesce(' COLLATE ' || quote_ident(co.collname), '')
                || ' #' || a.attnum
           FROM pg_attribute a
           JOIN pg_class c ON c.oid = a.attrelid
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
          WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v')
            AND a.attnum > 0 AND NOT a.attisdropped",
        "SELECT 'constraint ' || c.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
           FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
          WHERE c.relnamespace = current_schema()::regnamespace",
        "SELECT 'index ' || indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
        // A trigger's definition does not say whether it fires: one that
        // `ALTER TABLE ... DISABLE TRIGGER` left off is told by a suffix
        // (none when it fires as created, so the fingerprint is as before).
        "SELECT 'trigger ' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid)
                || CASE t.tgenabled WHEN 'D' THEN ' -- disabled' WHEN 'R' THEN ' -- enabled on replicas only'
                                    WHEN 'A' THEN ' -- enabled always' ELSE '' END
           FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal",
        "SELECT 'function ' || p.oid::regprocedure::text, pg_get_functiondef(p.oid)
           FROM pg_proc p
          WHERE p.pronamespace = current_schema()::regnamespace
            AND NOT EXISTS (SELECT 1 FROM pg_depend d
                             WHERE d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e')",
        "SELECT 'view ' || c.relname, pg_get_viewdef(c.oid)
           FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'v'",
    ];
    let mut schema = Schema::new();
    for q in QUERIES {
        for row in client.query(*q, &[])? {
            let (name, def): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            schema.insert(name, normalise(&def));
        }
    }
    Ok(schema)
}

/// The scratch schema `expected` builds a version's schema in.
const SCRATCH: &str = "ardesk_expected_schema";

/// The schema of `version` as its migrations make it, read as `live`
/// reads the current schema: built in a scratch schema of a transaction
/// that is rolled back, so nothing of it stays and the books are not
/// touched (it needs the right to create a schema, and a server that
/// takes writes). `pg_trgm`'s schema is on the search path there, so
/// `gin_trgm_ops` resolves and prints as it does in the books. The server
/// qualifies an index's and a trigger's table and a function's name with
/// their schema whatever the search path: the scratch schema's name is
/// put back as the current schema's, so that the definitions compare.
pub fn expected(client: &mut impl GenericClient, version: i64) -> Result<Schema> {
    let migrations = usize::try_from(version)
        .ok()
        .filter(|v| *v > 0)
        .and_then(|v| MIGRATIONS.get(..v))
        .ok_or_else(|| StoreError::Invalid(format!("ardesk knows no PostgreSQL schema of version {version}")))?;
    let mut tx = client.transaction()?;
    let row = tx.query_one(
        "SELECT quote_ident(current_schema()),
                (SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                  WHERE e.extname = 'pg_trgm')",
        &[],
    )?;
    let (current, trgm): (Option<String>, Option<String>) = (row.try_get(0)?, row.try_get(1)?);
    let current = current.ok_or_else(|| StoreError::Invalid("no schema is current (search_path)".into()))?;
    let path = trgm.map_or(String::new(), |s| format!(", {s}"));
    tx.batch_execute(&format!("CREATE SCHEMA {SCRATCH}; SET LOCAL search_path = {SCRATCH}{path}"))?;
    for files in migrations {
        for sql in *files {
            tx.batch_execute(sql)?;
        }
    }
    tx.batch_execute(MARK)?;
    let built = live(&mut tx)?;
    tx.rollback()?;
    let (scratch, books) = (format!("{SCRATCH}."), format!("{current}."));
    Ok(built.into_iter().map(|(name, def)| (name, def.replace(&scratch, &books))).collect())
}

fn normalise(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// SHA-256 of a schema: each object's key and definition, in key order.
pub fn fingerprint(schema: &Schema) -> String {
    let mut h = Sha256::new();
    for (name, def) in schema {
        h.update(name.as_bytes());
        h.update(b"\t");
        h.update(def.as_bytes());
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// How `live` differs from `expected`, one line each: what is missing,
/// what is extra, what is defined otherwise.
pub fn differences(expected: &Schema, live: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for (name, def) in expected {
        match live.get(name) {
            None => out.push(format!("missing: {name}")),
            Some(d) if d != def => out.push(format!("changed: {name}: expected `{def}`, found `{d}`")),
            Some(_) => {}
        }
    }
    out.extend(live.keys().filter(|k| !expected.contains_key(*k)).map(|k| format!("extra: {k}")));
    out
}
