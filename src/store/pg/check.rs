//! `ardesk check` on PostgreSQL (`store/check.rs`): the same contract —
//! every check runs, what is wrong comes back in the same words, a check
//! that cannot run is itself listed and the others go on — over the same
//! invariants, in PostgreSQL's SQL where SQLite's does not run here.
//!
//! Everything but the schema is read in one read-only REPEATABLE READ
//! transaction, so every check sees the books at one instant while others
//! write; each check runs in a savepoint of its own, since an error aborts
//! a PostgreSQL transaction and the checks after it must still run. Dates
//! are printed as ISO whatever the server's `DateStyle`, as SQLite's are.
//!
//! What SQLite's check does that has no counterpart here, on purpose:
//! - `PRAGMA integrity_check`: a server keeps its own files; `amcheck`
//!   (an extension, and a superuser's) is not used.
//! - The types of the summaries (`SUMMARY_TYPES`): a `bigint` column holds
//!   nothing else, and the columns' types are the schema's, which the
//!   schema step compares.
//! - The FTS5 search tables (`text_index_problems`, the search half of
//!   `list_index_problems`): there are none; the `pg_trgm` indexes that
//!   stand for them are kept by PostgreSQL itself, as every index is.
//! - `temp_store`: the server spills its sorts to disk by itself
//!   (`work_mem`).

use super::super::check::{CURRENCIES, EXAMPLES, figures_compared, unknown_currency};
use super::super::{Result, bound_named, kept};
use super::oracle::{all_parts_oracle, each_row};
use super::rules::{OUTSTANDING_DRIFT, TOTALS, dated_differences, invariants};
use super::schema::{self, FINGERPRINTS};
use super::store::PgStore;
use super::{metrics, migrate};
use chrono::NaiveDate;
use postgres::{Client, GenericClient, IsolationLevel, Transaction};
use std::cmp::Ordering;

/// A CHECK of the expected schema that the books lack or have otherwise:
/// the rows it would refuse are looked for.
struct Lacking {
    table: String,
    name: String,
    condition: String,
}

/// One text per row of `sql` (NULL as "NULL": a damaged row is reported,
/// not fatal).
fn texts(c: &mut impl GenericClient, sql: &str) -> Result<Vec<String>> {
    c.query(sql, &[])?.iter().map(|r| Ok(r.try_get::<_, Option<String>>(0)?.unwrap_or_else(|| "NULL".into()))).collect()
}

/// Runs `f` in a savepoint of its own: when it fails, what it did is rolled
/// back (dropping the savepoint does it) and the transaction goes on.
fn attempt<T>(tx: &mut Transaction<'_>, f: impl FnOnce(&mut Transaction<'_>) -> Result<T>) -> Result<T> {
    let mut sp = tx.savepoint("ardesk_check")?;
    let found = f(&mut sp)?;
    sp.commit()?;
    Ok(found)
}

/// Runs one listing check: its rows under `what` (at most `EXAMPLES`
/// shown), each row its own problem when `what` is empty, or why it could
/// not run, as SQLite's check lists them.
///
/// A query without an order of its own comes back in the order the server
/// finds its rows, which moves as rows are updated; SQLite's comes in the
/// order of its ids. Its rows are put in the order people count in
/// ("payment 9" before "payment 10"), which is SQLite's for rows named by
/// their ids or numbers, so that the same examples are shown.
fn list(tx: &mut Transaction<'_>, what: &str, sql: &str, problems: &mut Vec<String>) {
    let ordered = sql.trim_end().ends_with("ORDER BY 1");
    let found = attempt(tx, |t| texts(t, sql)).map(|mut found| {
        if !ordered {
            found.sort_by(|a, b| natural(a, b));
        }
        found
    });
    match found {
        Ok(found) if found.is_empty() => {}
        Ok(found) if what.is_empty() => problems.extend(found),
        Ok(found) => {
            let shown: Vec<&str> = found.iter().take(EXAMPLES).map(String::as_str).collect();
            problems.push(format!("{what}: {} ({} in all)", shown.join("; "), found.len()));
        }
        Err(e) => {
            problems.push(format!("could not check {}: {e}", if what.is_empty() { "foreign keys" } else { what }))
        }
    }
}

/// `a` against `b` with runs of digits compared as numbers.
fn natural(a: &str, b: &str) -> Ordering {
    let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (mut x, mut y) = (a, b);
    loop {
        let (Some(c), Some(d)) = (x.chars().next(), y.chars().next()) else { return x.len().cmp(&y.len()) };
        let order = if c.is_ascii_digit() && d.is_ascii_digit() {
            let (n, m) = (&x[..digits(x)], &y[..digits(y)]);
            let (n0, m0) = (n.trim_start_matches('0'), m.trim_start_matches('0'));
            let o = n0.len().cmp(&m0.len()).then_with(|| n0.cmp(m0)).then_with(|| n.len().cmp(&m.len()));
            (x, y) = (&x[n.len()..], &y[m.len()..]);
            o
        } else {
            (x, y) = (&x[c.len_utf8()..], &y[d.len_utf8()..]);
            c.cmp(&d)
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

/// An identifier quoted for SQL.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// SQL naming a row of `table` (alias `t`) by its primary key, as the
/// catalog has it: `5`, `(5, USD)`, or `?` for a table without one.
fn row_label(c: &mut impl GenericClient, table: &str) -> Result<String> {
    let key: Vec<String> = c
        .query_one(
            "SELECT ARRAY(SELECT a.attname::text FROM pg_index i
                          CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(n, o)
                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
                          WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY k.o)",
            &[&table],
        )?
        .try_get(0)?;
    let cols: Vec<String> = key.iter().map(|k| format!("t.{}", ident(k))).collect();
    Ok(match cols.as_slice() {
        [] => "'?'".into(),
        [one] => format!("{one}::text"),
        _ => format!("'(' || concat_ws(', ', {}) || ')'", cols.join(", ")),
    })
}

/// Rows whose reference is missing, for each foreign key of the catalog:
/// PostgreSQL enforces them by triggers, which a session with
/// `session_replication_role = replica` (a restore, a replication tool)
/// or `DISABLE TRIGGER ALL` skips. One anti-join per key.
fn foreign_keys(tx: &mut Transaction<'_>, problems: &mut Vec<String>) {
    let keys = attempt(tx, |t| {
        let rows = t.query(
            "SELECT k.conname::text, c.relname::text, p.relname::text, k.conrelid::regclass::text,
                    k.confrelid::regclass::text,
                    ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(n, o)
                          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o),
                    ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY AS u(n, o)
                          JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o)
             FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
             WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace
             ORDER BY 2, 1",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                let names: (String, String, String, String, String) =
                    (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?);
                Ok((names, r.try_get::<_, Vec<String>>(5)?, r.try_get::<_, Vec<String>>(6)?))
            })
            .collect::<Result<Vec<_>>>()
    });
    let keys = match keys {
        Ok(keys) => keys,
        Err(e) => return problems.push(format!("could not check foreign keys: {e}")),
    };
    for ((name, table, parent, child_sql, parent_sql), from, to) in keys {
        let found = attempt(tx, |t| {
            let label = row_label(t, &child_sql)?;
            let set = from.iter().map(|f| format!("t.{} IS NOT NULL", ident(f))).collect::<Vec<_>>().join(" AND ");
            let join =
                from.iter().zip(&to).map(|(f, p)| format!("p.{} = t.{}", ident(p), ident(f))).collect::<Vec<_>>();
            texts(
                t,
                &format!(
                    "SELECT {label} FROM {child_sql} t
                     WHERE {set} AND NOT EXISTS (SELECT 1 FROM {parent_sql} p WHERE {})",
                    join.join(" AND ")
                ),
            )
        });
        match found {
            Ok(rows) => {
                problems.extend(rows.into_iter().map(|row| format!("foreign key: {table} row {row} → {parent}")))
            }
            Err(e) => problems.push(format!("could not check the foreign key {name} of {table}: {e}")),
        }
    }
}

/// How the live schema differs from its version's, and the CHECKs it
/// lacks: nothing to build when its fingerprint is its version's.
fn schema_problems(c: &mut Client, shown: &str) -> (Vec<String>, Vec<Lacking>) {
    let read = migrate::version(c, shown).and_then(|v| Ok((v, schema::live(c)?)));
    let (version, live) = match read {
        Ok(read) => read,
        Err(e) => return (vec![format!("could not read the schema: {e}")], Vec::new()),
    };
    let known = usize::try_from(version).ok().and_then(|v| FINGERPRINTS.get(v.checked_sub(1)?));
    if known.is_some_and(|f| *f == schema::fingerprint(&live)) {
        return (Vec::new(), Vec::new());
    }
    let expected = match schema::expected(c, version.clamp(1, migrate::PG_SCHEMA_VERSION)) {
        Ok(expected) => expected,
        Err(e) => {
            let why = format!("the schema to compare with could not be built: {e}");
            return (
                vec![format!("schema (version {version}): differs from its version's fingerprint; {why}")],
                vec![],
            );
        }
    };
    let lacking = expected
        .iter()
        .filter(|(key, def)| live.get(*key) != Some(*def))
        .filter_map(|(key, def)| {
            let (table, name) = key.strip_prefix("constraint ")?.split_once('.')?;
            let condition = def.strip_prefix("CHECK ")?.to_string();
            Some(Lacking { table: table.to_string(), name: name.to_string(), condition })
        })
        .collect();
    let found =
        schema::differences(&expected, &live).into_iter().map(|d| format!("schema (version {version}): {d}")).collect();
    (found, lacking)
}

/// `kept::problems` on PostgreSQL: each kept chunk decodes to its number of
/// rows and overlaps none before it, and each invoice's baseline and kept
/// row are both there and readable. The same Rust, the same words.
fn kept_problems(c: &mut impl GenericClient) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut chunks: Vec<(i64, i64)> = Vec::new();
    each_row(c, "SELECT first_row, row_count, data FROM import_kept ORDER BY first_row", |r| {
        let (first, count, data): (i64, i64, &[u8]) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        match kept::decode(data) {
            None => found.push(format!("the chunk of imported rows from {first} is damaged (import_kept)")),
            Some(text) if text.iter().filter(|b| **b == b'\n').count() as i64 != count => {
                found.push(format!("the chunk of imported rows from {first} does not hold {count} rows"))
            }
            Some(_) => {}
        }
        if chunks.last().is_some_and(|(f, c)| f.saturating_add(*c) > first) {
            found.push(format!("the chunk of imported rows from {first} overlaps the one before"));
        }
        chunks.push((first, count));
        Ok(())
    })?;
    each_row(
        c,
        "SELECT number, import_base, import_row FROM invoices WHERE import_base IS NOT NULL OR import_row IS NOT NULL",
        |r| {
            let (number, base, row): (String, Option<&[u8]>, Option<i64>) =
                (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            let held = row.is_some_and(|n| kept::holding(&chunks, n, |c| *c).is_some());
            match (base.map(kept::fields), row) {
                (Some(Some(_)), Some(_)) if held => {}
                (Some(Some(_)), Some(n)) => found.push(format!("invoice {number}: its imported row {n} is not kept")),
                (Some(None), _) => found.push(format!("invoice {number}: its imported baseline is damaged")),
                _ => found.push(format!("invoice {number}: a baseline without a kept row, or a kept row without one")),
            }
            Ok(())
        },
    )?;
    Ok(found)
}

impl PgStore {
    /// Runs every check and returns what is wrong; empty means consistent.
    /// It never stops at a damaged row or table: a check that cannot run
    /// is itself listed, with the server's reason, and the others go on.
    pub fn check(&self, today: NaiveDate) -> Result<Vec<String>> {
        self.check_saying(today, &mut |_| {})
    }

    /// `check`, telling `step` what it checks as it goes.
    pub fn check_saying(&self, today: NaiveDate, step: &mut dyn FnMut(&str)) -> Result<Vec<String>> {
        // As of a date the money tables are views of that day, which the
        // summaries (kept for today) would be compared with: refused, as
        // `ardesk check --as-of` is.
        if let Some(d) = self.as_of {
            return Err(crate::store::StoreError::Invalid(format!(
                "the books are read as of {}; check the database as it is (return to today first)",
                crate::domain::date::iso(d)
            )));
        }
        let mut c = self.client()?;
        step("the schema");
        // Outside the reading transaction: building the expected schema
        // writes (rolled back), which a read-only transaction refuses.
        let (schema_found, lacking) = schema_problems(&mut c, self.shown());
        let mut tx = c.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start()?;
        tx.batch_execute("SET LOCAL DateStyle = ISO")?;
        let mut problems = Vec::new();
        step("references");
        foreign_keys(&mut tx, &mut problems);
        problems.extend(schema_found);
        step("amounts and dates");
        // The schema's CHECKs are the bounds (`set_aside::BOUNDS`), and the
        // server holds every row to them: only those the books lack, or
        // have otherwise, are looked at, by the expected definition.
        for l in &lacking {
            let what = match bound_named(&l.name) {
                Some(bound) => format!("out of range ({bound}; the CHECK {} is missing)", l.name),
                None => format!("rows of {} that the missing CHECK {} refuses", l.table, l.name),
            };
            match attempt(&mut tx, |t| row_label(t, &l.table)) {
                Ok(label) => {
                    let sql = format!("SELECT '{} ' || {label} FROM {} t WHERE NOT {}", l.table, l.table, l.condition);
                    list(&mut tx, &what, &sql, &mut problems);
                }
                Err(e) => problems.push(format!("could not check {what}: {e}")),
            }
        }
        for sql in TOTALS {
            list(&mut tx, "out of range", sql, &mut problems);
        }
        step("currencies");
        let currencies = attempt(&mut tx, |t| {
            let rows = t.query(CURRENCIES, &[])?;
            rows.iter()
                .map(|r| Ok((r.try_get::<_, Option<String>>(0)?.unwrap_or_default(), r.try_get(1)?, r.try_get(2)?)))
                .collect::<Result<Vec<(String, String, i64)>>>()
        });
        match currencies {
            Ok(rows) => problems.extend(rows.iter().filter_map(|(code, table, n)| unknown_currency(code, table, *n))),
            Err(e) => problems.push(format!("could not check the currencies: {e}")),
        }
        let rules = invariants();
        for (n, (what, sql)) in rules.iter().enumerate() {
            step(&format!("the money's rules ({} of {})", n + 1, rules.len()));
            list(&mut tx, what, sql, &mut problems);
        }
        step("the figures as of past dates");
        list(&mut tx, "the figures as of past dates differ from the rows", &dated_differences(), &mut problems);
        step("the customers list's order");
        match attempt(&mut tx, |t| texts(t, OUTSTANDING_DRIFT)) {
            Ok(found) => problems.extend(found),
            Err(e) => problems.push(format!("could not compare the customers list's indexes: {e}")),
        }
        step("the imported rows kept");
        match attempt(&mut tx, |t| kept_problems(t)) {
            Ok(found) => problems.extend(found),
            Err(e) => problems.push(format!("could not check the imported rows kept: {e}")),
        }
        step("every customer's figures against its rows");
        let figures =
            attempt(&mut tx, |t| Ok(figures_compared(metrics::parts(t, None, today)?, all_parts_oracle(t, today)?)));
        match figures {
            Ok(found) => problems.extend(found),
            Err(e) => problems.push(format!("could not compare the summaries with the raw rows: {e}")),
        }
        // Read only: nothing to keep; committing ends it.
        tx.commit()?;
        Ok(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_ordered_as_people_count() {
        let mut found = vec!["payment 10", "payment 9", "INV-000029 (open)", "INV-000006 (paid)", "payment 9 (x)", "a"];
        found.sort_by(|a, b| natural(a, b));
        assert_eq!(found, ["INV-000006 (paid)", "INV-000029 (open)", "a", "payment 9", "payment 9 (x)", "payment 10"]);
        assert_eq!(natural("x 007", "x 7"), Ordering::Greater);
        assert_eq!(natural("x 7", "x 7"), Ordering::Equal);
    }
}
