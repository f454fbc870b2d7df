//! Moving whole books between the backends (`ardesk migrate`): every row
//! of every table, the summaries and derived columns as they are, in one
//! transaction on the side written, read from one snapshot of the other.
//! Nothing is recomputed on the way: the copy is then verified by `check`
//! on both sides and by every customer's figures (`commands/migrate.rs`),
//! which is what proves the summaries copied are the books' own.

use super::super::{Result, StoreError};
use super::copy;
use postgres::{Client, GenericClient};

/// The tables that hold the books, parents before children, and then the
/// summaries the triggers keep. (SQLite's FTS5 search tables have no
/// counterpart to copy: PostgreSQL's `pg_trgm` indexes are its own, and
/// SQLite's are made again from the rows.)
pub const TABLES: &[&str] = &[
    "organization",
    "customers",
    "contacts",
    "contracts",
    "invoices",
    "invoice_lines",
    "payments",
    "refunds",
    "credits",
    "credit_note_lines",
    "applications",
    "audit_log",
    "documents",
    "document_content",
    "conversations",
    "conversation_messages",
    "conversation_invoices",
    "promises",
    "promise_invoices",
    "invoice_pauses",
    "import_kept",
    "customer_summary",
    "customer_outstanding",
    "customer_due_summary",
    "customer_collect_summary",
    "customer_day_summary",
];

/// The tables the app writes, in `TABLES`' order: all but the last five,
/// the summaries the triggers keep.
pub const RAW: &[&str] = TABLES.split_at(TABLES.len() - 5).0;

/// Rows copied so far, of how many.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moved {
    pub done: u64,
    pub total: u64,
}

/// How often the progress is told, in rows.
const TELL_EVERY: u64 = 10_000;

/// A table's columns on SQLite, in order (PostgreSQL has the same ones:
/// `invoices.import_line`, SQLite's schema 21, is PostgreSQL's schema 6).
fn sqlite_columns(s: &rusqlite::Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = s.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let names = stmt.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    if names.is_empty() {
        return Err(StoreError::Invalid(format!("the SQLite books have no table {table}")));
    }
    Ok(names)
}

/// The rows of every table, to size the progress.
pub fn sqlite_rows(s: &rusqlite::Connection) -> Result<Vec<(&'static str, u64)>> {
    TABLES
        .iter()
        .map(|t| {
            let n: i64 = s.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))?;
            Ok((*t, n as u64))
        })
        .collect()
}

/// Whether a PostgreSQL database at ardesk's schema holds any books yet:
/// the names of the tables with rows, and `organization` when its
/// settings were saved (every new database has the row itself).
pub fn pg_holds(pg: &mut impl GenericClient) -> Result<Vec<&'static str>> {
    let mut held = Vec::new();
    for t in TABLES.iter().filter(|t| **t != "organization") {
        if pg.query_one(&format!("SELECT EXISTS (SELECT 1 FROM \"{t}\")"), &[])?.try_get::<_, bool>(0)? {
            held.push(*t);
        }
    }
    // Every save of the settings moves the row's version on.
    let org_changed: bool =
        pg.query_one("SELECT EXISTS (SELECT 1 FROM organization WHERE version <> 1)", &[])?.try_get(0)?;
    if org_changed {
        held.insert(0, "organization");
    }
    Ok(held)
}

/// Copies every table of `s` (read inside the caller's transaction, so one
/// snapshot) into `pg`, which must be at this ardesk's schema and hold no
/// books: in one transaction, with the tables' own triggers off while the
/// rows (summaries and derived columns included) go in as they are, the
/// foreign keys checked at the commit, and every identity moved past the
/// ids copied. Returns the rows copied per table. Nothing lands unless all
/// of it does.
pub fn to_postgres(
    s: &rusqlite::Connection,
    pg: &mut Client,
    tell: &mut dyn FnMut(&str, Moved),
) -> Result<Vec<(&'static str, u64)>> {
    let sizes = sqlite_rows(s)?;
    let total = sizes.iter().map(|(_, n)| n).sum();
    let mut moved = Moved { done: 0, total };
    let mut tx = pg.transaction()?;
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")?;
    // Owned by whoever made the schema; another role is refused here, in
    // the server's words, before anything is written.
    for t in TABLES {
        tx.batch_execute(&format!("ALTER TABLE \"{t}\" DISABLE TRIGGER USER"))?;
    }
    // Asked again under the tables' locks: settings saved since the
    // command looked would otherwise be replaced unseen.
    let held = pg_holds(&mut tx)?;
    if !held.is_empty() {
        return Err(StoreError::Invalid(format!(
            "the database now holds books ({}); nothing was copied",
            held.join(", ")
        )));
    }
    tx.batch_execute("DELETE FROM organization")?;
    let mut copied = Vec::with_capacity(TABLES.len());
    for (table, _) in &sizes {
        let cols = sqlite_columns(s, table)?;
        let quoted: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
        let select = format!("SELECT {} FROM \"{table}\"", quoted.join(", "));
        let before = moved.done;
        let n = copy::rows_telling(s, &select, &mut tx, table, &cols, &mut |n| {
            if n % TELL_EVERY == 0 {
                tell(table, Moved { done: before + n, total });
            }
        })?;
        moved.done += n;
        tell(table, moved);
        copied.push((*table, n));
    }
    move_identities(&mut tx)?;
    // The foreign keys checked now: a table with checks pending cannot
    // have its triggers put back.
    tx.batch_execute("SET CONSTRAINTS ALL IMMEDIATE")?;
    for t in TABLES {
        tx.batch_execute(&format!("ALTER TABLE \"{t}\" ENABLE TRIGGER USER"))?;
    }
    tx.commit()?;
    Ok(copied)
}

/// Every identity of the schema past the largest id its table holds, so
/// that the next row written takes a new one.
pub fn move_identities(pg: &mut impl GenericClient) -> Result<()> {
    let moves = pg.query(
        "SELECT format('SELECT setval(%L, coalesce((SELECT max(%I) FROM %I), 0) + 1, false)',
                       pg_get_serial_sequence(quote_ident(table_name), column_name), column_name, table_name)
         FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
        &[],
    )?;
    for m in moves {
        pg.batch_execute(&m.try_get::<_, String>(0)?)?;
    }
    Ok(())
}

/// The rows of every table on PostgreSQL.
pub fn pg_rows(pg: &mut impl GenericClient) -> Result<Vec<(&'static str, u64)>> {
    TABLES
        .iter()
        .map(|t| {
            let n: i64 = pg.query_one(&format!("SELECT count(*) FROM \"{t}\""), &[])?.try_get(0)?;
            Ok((*t, n as u64))
        })
        .collect()
}

/// Takes every row out of the books on PostgreSQL and puts the new
/// database's organization row back: what a copy that failed its
/// verification leaves. One transaction.
pub fn empty_pg(pg: &mut Client) -> Result<()> {
    let mut tx = pg.transaction()?;
    let all: Vec<String> = TABLES.iter().map(|t| format!("\"{t}\"")).collect();
    tx.batch_execute(&format!("TRUNCATE {} RESTART IDENTITY", all.join(", ")))?;
    tx.batch_execute("INSERT INTO organization(id, name, default_currency) VALUES (1, 'My Organization', 'USD')")?;
    tx.commit()?;
    Ok(())
}

/// A column of PostgreSQL read as SQLite keeps it: flags as 0/1, dates as
/// ISO text and '-infinity' (no date) as ''.
fn as_sqlite(column: &str, ty: &postgres::types::Type) -> String {
    use postgres::types::Type;
    let c = format!("\"{}\"", column.replace('"', "\"\""));
    if *ty == Type::BOOL {
        format!("{c}::int")
    } else if *ty == Type::DATE {
        format!("CASE WHEN {c} = '-infinity' THEN '' ELSE to_char({c}, 'YYYY-MM-DD') END")
    } else {
        c
    }
}

/// One PostgreSQL value, after `as_sqlite`, as a SQLite value.
fn sqlite_value(row: &postgres::Row, i: usize) -> Result<rusqlite::types::Value> {
    use postgres::types::Type;
    use rusqlite::types::Value;
    let ty = row.columns()[i].type_().clone();
    Ok(if ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?.map_or(Value::Null, Value::Integer)
    } else if ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)?.map_or(Value::Null, |v| Value::Integer(v.into()))
    } else if ty == Type::TEXT {
        row.try_get::<_, Option<String>>(i)?.map_or(Value::Null, Value::Text)
    } else if ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)?.map_or(Value::Null, Value::Blob)
    } else {
        return Err(StoreError::Invalid(format!(
            "a PostgreSQL {ty} value ({}) has no SQLite form; nothing was copied",
            row.columns()[i].name()
        )));
    })
}

impl super::super::Store {
    /// The rows of every table of `TABLES`.
    pub fn table_rows(&self) -> Result<Vec<(&'static str, u64)>> {
        sqlite_rows(self.conn())
    }

    /// Copies these books into `pg` (`to_postgres`), read from one
    /// snapshot while others may go on writing.
    pub fn copy_to_postgres(
        &self,
        pg: &mut Client,
        tell: &mut dyn FnMut(&str, Moved),
    ) -> Result<Vec<(&'static str, u64)>> {
        let conn = self.conn();
        conn.execute_batch("BEGIN")?;
        let copied = to_postgres(conn, pg, tell);
        conn.execute_batch("ROLLBACK")?;
        copied
    }

    /// Fills this new, empty database with the books of `pg`, read from
    /// one snapshot: in one transaction, every trigger lifted while the
    /// rows (summaries and derived columns included) go in as they are,
    /// the foreign keys checked at the commit, the search indexes made
    /// from the rows, and the triggers put back. Nothing lands unless all
    /// of it does. Returns the rows copied per table.
    pub fn copy_from_postgres(
        &mut self,
        pg: &super::PgStore,
        tell: &mut dyn FnMut(&str, Moved),
    ) -> Result<Vec<(&'static str, u64)>> {
        if self.table_rows()?.iter().any(|(t, n)| *t != "organization" && *n > 0) {
            return Err(StoreError::Invalid("the SQLite database already holds books; nothing was copied".into()));
        }
        let mut client = pg.client()?;
        let mut read = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let sizes = pg_rows(&mut read)?;
        let total = sizes.iter().map(|(_, n)| n).sum();
        let mut moved = Moved { done: 0, total };
        self.write(|tx| {
            tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            let triggers: Vec<(String, String)> = tx
                .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (name, _) in &triggers {
                tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
            }
            tx.execute_batch("DELETE FROM organization")?;
            let mut copied = Vec::with_capacity(TABLES.len());
            for table in TABLES {
                let cols = sqlite_columns(tx, table)?;
                let types = copy::types(&mut read, table, &cols)?;
                let select: Vec<String> = cols.iter().zip(&types).map(|(c, t)| as_sqlite(c, t)).collect();
                let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
                let quoted: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
                let mut insert = tx.prepare(&format!(
                    "INSERT INTO \"{table}\"({}) VALUES ({})",
                    quoted.join(", "),
                    marks.join(", ")
                ))?;
                let mut rows = read.query_raw(
                    &format!("SELECT {} FROM \"{table}\"", select.join(", ")),
                    std::iter::empty::<&(dyn postgres::types::ToSql + Sync)>(),
                )?;
                let mut n = 0;
                use postgres::fallible_iterator::FallibleIterator;
                while let Some(row) = rows.next()? {
                    let values = (0..cols.len()).map(|i| sqlite_value(&row, i)).collect::<Result<Vec<_>>>()?;
                    insert.execute(rusqlite::params_from_iter(values))?;
                    n += 1;
                    if n % TELL_EVERY == 0 {
                        tell(table, Moved { done: moved.done + n, total });
                    }
                }
                moved.done += n;
                tell(table, moved);
                copied.push((*table, n));
            }
            for (_, sql) in &triggers {
                tx.execute_batch(sql)?;
            }
            super::super::text_index::rebuild_search(tx)?;
            Ok(copied)
        })
    }
}
