//! What the schema of each version looks like, and how a live database
//! differs from it. A database whose triggers, indexes, columns or CHECKs
//! are not what this ardesk wrote cannot be trusted to keep its figures (a
//! dropped summary trigger leaves a customer at $0.00 outstanding whatever
//! is imported), so opening compares it and `check` lists the difference.
//!
//! The expected schema is not a copy kept by hand: it is what the
//! migrations produce in an empty in-memory database. Building it takes
//! about 25 ms (each table rename re-reads the whole schema), too long for
//! every start, so opening compares a SHA-256 of the live schema with the
//! fingerprint of each version kept in `FINGERPRINTS` (a test rebuilds
//! them and fails, printing the right value, when a migration changes);
//! only a database that does not match pays for building the expected
//! schema to say how it differs. (The fingerprint is of the SQL as stored;
//! a database whose text differs only in white space takes the slow path and
//! is found equal.)

use super::migrate::MIGRATIONS;
use super::{Result, StoreError};
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One object of `sqlite_schema`: its kind, the table it belongs to, and
/// its SQL with runs of white space made one space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Object {
    pub kind: String,
    pub table: String,
    pub sql: Option<String>,
}

pub(crate) type Schema = BTreeMap<String, Object>;

/// The tables every version has; a database lacking any of them is not a
/// drifted ardesk database but a damaged one (or not one at all).
pub(crate) const CORE_TABLES: &[&str] =
    &["organization", "customers", "invoices", "payments", "applications", "customer_summary"];

/// Reads a database's schema, leaving out SQLite's own tables
/// (`sqlite_stat1` and the like appear after ANALYZE and mean nothing).
pub(crate) fn live(conn: &Connection) -> Result<Schema> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM main.sqlite_schema
         WHERE NOT (type = 'table' AND name LIKE 'sqlite\\_%' ESCAPE '\\')",
    )?;
    let rows = stmt.query_map([], |r| {
        let sql: Option<String> = r.get(3)?;
        Ok((r.get::<_, String>(1)?, Object { kind: r.get(0)?, table: r.get(2)?, sql: sql.map(|s| normalise(&s)) }))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn normalise(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// SHA-256 of each version's schema (index 0 is version 1), in the form
/// `fingerprint` gives.
const FINGERPRINTS: &[&str] = &[
    "de310c9734cc66cffa73e6084f9a880a85ae2a2dd065755b73c73b48e9cf4411",
    "5ea6bbee8adabefbba824b6213a406a024264106736e53ed227389f4c6a08a72",
    "566477939424cfed114fc557b79637eeba5453fb73417901f90171cc03d48323",
    "d848eecfb7975f226882aa6601a861a8e2eb2a1c343d4ebc17c49d43cc9809cb",
    "627c5ca71c22f254e206ebb7e7ed54903eb2b36dab165f4d6b7c11dbf94e47ec",
    "a579ca4ffd643e8a3e4760ff3640308592d91fed8f7dc5665e3866be312d01b4",
    "1abcc5df5a36309c0cb3fe81967f04fe58c395af1a65bce203ffa175bb3f5c4a",
    "4dac518768c8adb3023b102e27f86b032bd6cde8d9382ef89ee763c695688e96",
    "02537ad498507602338581c814d74290f48cecffaefba8fb3cee22f79bced2e1",
    "1dc97f6002fd022f515b7509e5bd4efe632ba24b191d15a040ec5a46486e32c7",
    "af4362c8734bda3fc646ef6515712ffd912c7bee92f0e2f9999d617221c70edd",
    "45a8904362b4701c6ff479a212aa6a60ed75c2d22028484177595205c8fcc73b",
    "b1da0f80b344c45cc48e1f702b96e0d8d36e9f47d860daed9e83ec1dc0e2b0d8",
    "d2ed9c589bd23c714a9c2f49c2f9d0f4a73113d5417099975fac4d17ecbe72a5",
    "98e83a7209a879290c05d0f98731ce27223a9d35dde674cf86a028b4965256f6",
    "33931bc3cfc55f1886f89882c48b36c929e19c80b07ac3316a29286bd3954d18",
    "9d019659f8cbb3348cb453630a735da9119a7f25dcf77e1cc11aa7d16dd02054",
    "0f6df3ca84f68033e84eff289a5f054a7022f9ca82fb626cd3666203ca8fd14a",
    "ca748970ce3f6260ba066a91ce81702aeae9133ee097e45e35b2dd515c98ae23",
    "889cdecdb79b11e456cfd8e1667329c41dbf1454c74ae2bb1adc11fb2c8e1e40",
    "d990133e77342cde4914b3ff37824b7072192d935d6be70aed57141843294215",
];

/// A digest of a database's schema as stored: every object's kind, name,
/// table and SQL text, in name order, read and hashed as they come (opening
/// does this every time, so it builds nothing).
pub(crate) fn fingerprint(conn: &Connection) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM main.sqlite_schema
         WHERE NOT (type = 'table' AND name LIKE 'sqlite\\_%' ESCAPE '\\') ORDER BY name",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        for i in 0..4 {
            if let rusqlite::types::ValueRef::Text(t) = r.get_ref(i)? {
                h.update(t);
            }
            h.update([0]);
        }
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether the database's schema is exactly `version`'s, without building
/// that.
pub(crate) fn matches(conn: &Connection, version: i64) -> Result<bool> {
    let Some(want) = usize::try_from(version - 1).ok().and_then(|i| FINGERPRINTS.get(i)) else { return Ok(false) };
    Ok(*want == fingerprint(conn)?)
}

/// The schema that `version`'s migrations produce.
pub(crate) fn expected(version: i64) -> Result<&'static Schema> {
    static CACHE: OnceLock<Vec<Schema>> = OnceLock::new();
    if let Some(all) = CACHE.get() {
        return all.get(version as usize).ok_or_else(|| StoreError::Invalid(format!("no schema version {version}")));
    }
    let mut all = vec![Schema::new()];
    let conn = Connection::open_in_memory()?;
    for m in MIGRATIONS {
        super::migrate::apply(&conn, m)?;
        all.push(live(&conn)?);
    }
    let all = CACHE.get_or_init(|| all);
    all.get(version as usize).ok_or_else(|| StoreError::Invalid(format!("no schema version {version}")))
}

/// How `live` differs from `expected`, one line per object, in words.
pub(crate) fn differences(conn: &Connection, live: &Schema, expected: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for (name, want) in expected {
        match live.get(name) {
            None => out.push(format!("{} {name} is missing", want.kind)),
            Some(got) if got.kind != want.kind => {
                out.push(format!("{name} is a {} where this ardesk has a {}", got.kind, want.kind))
            }
            Some(got) if got.sql != want.sql || got.table != want.table => out.push(changed(conn, name, want)),
            Some(_) => {}
        }
    }
    for (name, got) in live {
        if !expected.contains_key(name) {
            out.push(format!("{} {name} is not one of ardesk's", got.kind));
        }
    }
    out
}

/// What changed in one object: for a table, its columns when they differ,
/// else its constraints.
fn changed(conn: &Connection, name: &str, want: &Object) -> String {
    if want.kind != "table" {
        return format!("{} {name} differs from this version's definition", want.kind);
    }
    let columns = |c: &Connection| -> Vec<String> {
        let Ok(mut stmt) = c.prepare("SELECT name FROM pragma_table_info(?1)") else { return Vec::new() };
        stmt.query_map([name], |r| r.get(0)).map(|rows| rows.filter_map(|r| r.ok()).collect()).unwrap_or_default()
    };
    let got = columns(conn);
    let want_cols = expected_columns(name);
    let added: Vec<&String> = got.iter().filter(|c| !want_cols.contains(c)).collect();
    let missing: Vec<&String> = want_cols.iter().filter(|c| !got.contains(c)).collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("has column(s) {} that ardesk does not", join(&added)));
    }
    if !missing.is_empty() {
        parts.push(format!("lacks column(s) {}", join(&missing)));
    }
    if parts.is_empty() {
        parts.push("its types, constraints or CHECKs differ from this version's".into());
    }
    format!("table {name} {}", parts.join(" and "))
}

fn join(v: &[&String]) -> String {
    v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// The columns the current version gives a table.
fn expected_columns(table: &str) -> Vec<String> {
    let Ok(conn) = Connection::open_in_memory() else { return Vec::new() };
    if MIGRATIONS.iter().try_for_each(|m| super::migrate::apply(&conn, m)).is_err() {
        return Vec::new();
    }
    let Ok(mut stmt) = conn.prepare("SELECT name FROM pragma_table_info(?1)") else { return Vec::new() };
    stmt.query_map([table], |r| r.get(0)).map(|rows| rows.filter_map(|r| r.ok()).collect()).unwrap_or_default()
}

/// Temporary views that make a database of an older version read like the
/// current one, for reading it without upgrading it (a read-only file, or
/// one whose upgrade was refused). Temporary objects live in the
/// connection's own memory; the file is not touched. Index `v` adapts
/// version `v + 1` to the next.
const ADAPTERS: &[&str] = &[
    // 1 → 2: the weighted-days sum was one column; `COLLECT_VIEW` reads
    // it from the rows (as for every version before 7).
    "",
    // 2 → 3: no document size limit yet; the default stands for it
    // (`ORGANIZATION_COLUMNS`).
    "",
    // 3 → 4: an index only; reads need nothing.
    "",
    // 4 → 5: the Invoices tab's sums, computed from the rows as the
    // triggers of version 5 keep them (`SUMMARY_COLUMNS`; each invoice's
    // balance is in `INVOICE_COLUMNS`).
    "",
    // 5 → 6: no lines and no memo yet; refunds were one sum on the payment,
    // read as one refund on the payment's date (what the upgrade does with
    // a refund no audit row dates).
    "CREATE TEMP VIEW invoice_lines AS
     SELECT 0 AS invoice_id, 0 AS seq, 'item' AS kind, '' AS description, NULL AS quantity,
            NULL AS unit_price, 0 AS amount_minor, NULL AS tax_minor
     WHERE 0;
     CREATE TEMP VIEW refunds AS
     SELECT id AS id, id AS payment_id, received_on AS refunded_on, refunded_minor AS amount_minor,
            '' AS reason, 'payment' AS dated_from, created_at
     FROM main.payments WHERE refunded_minor > 0;",
    // 6 → 7: every application counted (none was reversed yet:
    // `APPLICATION_COLUMNS`); the weighted days are `COLLECT_VIEW`'s.
    "",
    // 7 → 8: each invoice's credited part and its sum over issued invoices,
    // from the live applications of credit (`INVOICE_COLUMNS`,
    // `SUMMARY_COLUMNS`).
    "",
    // 8 → 9: no write-off dates or reasons yet (`INVOICE_COLUMNS`).
    "",
    // 9 → 10: every credit was granted credit, issued, against no invoice
    // (`CREDIT_COLUMNS`); the organization's credit-note sequence and
    // small-balance limit at their defaults (`ORGANIZATION_COLUMNS`).
    "",
    // 10 → 11: no refund was keyed by its source's id yet; reads name
    // no `refunds.external_id` (only an import, which upgrades first).
    "",
    // 11 → 12: no credit note had lines yet.
    "CREATE TEMP VIEW credit_note_lines AS
     SELECT 0 AS credit_id, 0 AS seq, 'item' AS kind, '' AS description, NULL AS quantity,
            NULL AS unit_price, 0 AS amount_minor, NULL AS tax_minor
     WHERE 0;",
    // 12 → 13: no cancellation was dated yet (`INVOICE_COLUMNS`): every
    // cancelled invoice reads as cancelled on a date unknown, which the
    // upgrade would date from the audit log and the import's row.
    "",
    // 13 → 14: no dated summary yet: `DATED_VIEWS` sums the dated events
    // from the rows (slow on a large customer, exact).
    "",
    // 14 → 15: no addresses yet: '' for the organization's and every
    // customer's (`ORGANIZATION_COLUMNS`, `CUSTOMER_COLUMNS`).
    "",
    // 15 → 16: conversations as the upgrade rebuilds them (by email, no
    // resolver named, no external id), and no messages, linked invoices,
    // promises or pauses yet.
    "CREATE TEMP VIEW conversations AS
     SELECT id, customer_id, subject, 'email' AS channel, opened_on, status, resolved_on, resolved_by,
            '' AS resolver, NULL AS external_id, opened_on || 'T00:00:00Z' AS created_at, 1 AS version
     FROM main.conversations;
     CREATE TEMP VIEW conversation_messages AS
     SELECT 0 AS id, 0 AS conversation_id, '' AS at, 'out' AS direction, 'email' AS kind, 'agent' AS author_kind,
            '' AS author, '' AS body, '' AS outcome, NULL AS external_id, '' AS created_at, 1 AS version
     WHERE 0;
     CREATE TEMP VIEW conversation_invoices AS SELECT 0 AS conversation_id, 0 AS invoice_id WHERE 0;
     CREATE TEMP VIEW promises AS
     SELECT 0 AS id, 0 AS conversation_id, 0 AS customer_id, '' AS made_on, '' AS due_on, 0 AS amount_minor,
            '' AS currency, NULL AS external_id, '' AS created_at, 1 AS version
     WHERE 0;
     CREATE TEMP VIEW promise_invoices AS SELECT 0 AS promise_id, 0 AS invoice_id WHERE 0;
     CREATE TEMP VIEW invoice_pauses AS
     SELECT 0 AS id, 0 AS invoice_id, 0 AS customer_id, '' AS paused_on, '' AS until_on, '' AS reason,
            NULL AS ended_on, '' AS created_at, 1 AS version
     WHERE 0;",
    // 16 → 17: no search index yet: the text the customers list searches,
    // read row by row under the index's name; and no `customer_outstanding`,
    // so the list ranks Outstanding itself (`Store::list_indexed`).
    "CREATE TEMP VIEW customer_search_text AS
     SELECT id, name || ' ' || coalesce(legal_name, '') || ' ' || coalesce(billing_email, '') || ' '
                || coalesce(external_id, '') || ' ' || coalesce(import_source, '') || ' ' || currency AS hay
     FROM customers;
     CREATE TEMP VIEW customer_search AS SELECT id AS rowid, hay FROM temp.customer_search_text;",
    // 17 → 18: no search index of invoices or payments yet: filters read
    // every row, as they did (`Store::text_indexed`).
    "",
    // 18 → 19: every imported row still in `source_raw`: no baseline and
    // no kept row (`INVOICE_COLUMNS`), so `kept::KeptReader::source_raw`
    // gives `source_raw` back as it is.
    "",
    // 19 → 20: the dated summary one row per measure: read through
    // `day_summary::legacy_view` (`adapt`, after the dated views).
    "",
    // 20 → 21: no row prints yet (`INVOICE_COLUMNS`): only an import reads
    // them, and it upgrades first.
    "",
];

/// The dated events (version 14) as temporary views over an older
/// database's (adapted) rows, and the summary summed from them.
fn dated_views() -> String {
    let views = include_str!("migrations/0014_dated_events.sql").replace("CREATE VIEW", "CREATE TEMP VIEW");
    format!(
        "{views}
         CREATE TEMP VIEW customer_dated_summary AS
         SELECT customer_id, day, currency, measure, on_date, sum(delta) AS delta FROM dated_events
         GROUP BY 1, 2, 3, 4, 5;"
    )
}

/// Avg. Days to Collect's sums as version 7 keeps them, from the rows:
/// before it, a payment received before the invoice's issue date counted
/// negative days (and version 1 kept the sum in one column), so a database
/// older than 7 is read through this view instead of its summary.
const COLLECT_VIEW: &str = "CREATE TEMP VIEW customer_collect_summary AS
     SELECT customer_id, currency, received_on, sum(amount_minor) AS applied_minor,
            sum(t / 1000000) + sum(t % 1000000) / 1000000 AS weighted_hi,
            sum(t % 1000000) % 1000000 AS weighted_lo
     FROM (SELECT p.customer_id, p.currency, p.received_on, a.amount_minor,
                  a.amount_minor * max(0, CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)) AS t
           FROM main.applications a JOIN main.payments p ON p.id = a.payment_id
           JOIN main.invoices i ON i.id = a.invoice_id)
     GROUP BY customer_id, currency, received_on;";

/// Columns the invoices table gained after version 1, each with the
/// version that added it and how an older database computes it (the table
/// is `i`; `applications` is the adapted one, live rows only). One view adds
/// those a version lacks (two adapters cannot both make `invoices`).
const INVOICE_COLUMNS: &[(i64, &str)] = &[
    (5, "CASE WHEN status IN ('open', 'uncollectible') THEN total_minor - applied_minor ELSE 0 END AS balance_minor"),
    (6, "'' AS memo"),
    (
        8,
        "(SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
          WHERE a.invoice_id = i.id AND a.credit_id IS NOT NULL AND a.removed_on IS NULL) AS credited_minor",
    ),
    (9, "NULL AS written_off_on"),
    (9, "'' AS write_off_reason"),
    (13, "NULL AS cancelled_on"),
    (19, "NULL AS import_base"),
    (19, "NULL AS import_row"),
    (21, "NULL AS import_line"),
];

/// Columns the customer summary gained, the same way: computed from the rows as the triggers of the
/// version that added them keep them (the summary is `s`).
const SUMMARY_COLUMNS: &[(i64, &str)] = &[
    (
        5,
        "(SELECT coalesce(sum(i.total_minor), 0) FROM main.invoices i
          WHERE i.customer_id = s.customer_id AND i.currency = s.currency AND i.status <> 'cancelled')
            AS invoice_shown_total_minor",
    ),
    (
        5,
        "(SELECT coalesce(sum(i.total_minor - i.applied_minor), 0) FROM main.invoices i
          WHERE i.customer_id = s.customer_id AND i.currency = s.currency
            AND i.status IN ('open', 'uncollectible')) AS invoice_balance_minor",
    ),
    (
        8,
        "(SELECT coalesce(sum(a.amount_minor), 0) FROM applications a JOIN main.invoices i ON i.id = a.invoice_id
          WHERE i.customer_id = s.customer_id AND i.currency = s.currency
            AND i.status IN ('open', 'paid', 'uncollectible')
            AND a.credit_id IS NOT NULL AND a.removed_on IS NULL) AS billed_credited_minor",
    ),
];

/// Columns the applications table gained, the same way (the table is `a`).
const APPLICATION_COLUMNS: &[(i64, &str)] = &[(7, "NULL AS removed_on"), (14, "NULL AS counts_from")];

/// Columns the credits table gained, the same way (the table is `c`).
const CREDIT_COLUMNS: &[(i64, &str)] = &[
    (10, "'credit' AS kind"),
    (10, "NULL AS number"),
    (10, "'issued' AS status"),
    (10, "NULL AS voided_on"),
    (10, "NULL AS invoice_id"),
];

/// Columns the organization gained, the same way, at their defaults (the
/// table is `o`).
const ORGANIZATION_COLUMNS: &[(i64, &str)] = &[
    (3, "2147483648 AS max_document_size"),
    (10, "'CN-' AS credit_note_prefix"),
    (10, "1 AS credit_note_next_seq"),
    (10, "500 AS small_balance_limit_minor"),
    (15, "'' AS address"),
];

/// Columns the customers table gained, the same way (the table is `c`).
const CUSTOMER_COLUMNS: &[(i64, &str)] = &[(15, "'' AS billing_address")];

/// `CREATE TEMP VIEW {name} AS SELECT {alias}.*, …` with the columns of
/// `added` that `version` lacks; nothing when it has them all.
fn added_columns(conn: &Connection, version: i64, name: &str, alias: &str, added: &[(i64, &str)]) -> Result<()> {
    let cols: Vec<&str> = added.iter().filter(|(v, _)| *v > version).map(|(_, c)| *c).collect();
    if !cols.is_empty() {
        conn.execute_batch(&format!(
            "CREATE TEMP VIEW {name} AS SELECT {alias}.*, {} FROM main.{name} {alias};",
            cols.join(", ")
        ))?;
    }
    Ok(())
}

/// Installs the adapters that take `version` to the current one.
pub(crate) fn adapt(conn: &Connection, version: i64) -> Result<()> {
    for sql in ADAPTERS.iter().skip((version - 1).max(0) as usize) {
        conn.execute_batch(sql)?;
    }
    if version < 7 {
        conn.execute_batch(COLLECT_VIEW)?;
    }
    added_columns(conn, version, "applications", "a", APPLICATION_COLUMNS)?;
    added_columns(conn, version, "invoices", "i", INVOICE_COLUMNS)?;
    added_columns(conn, version, "credits", "c", CREDIT_COLUMNS)?;
    added_columns(conn, version, "organization", "o", ORGANIZATION_COLUMNS)?;
    added_columns(conn, version, "customers", "c", CUSTOMER_COLUMNS)?;
    added_columns(conn, version, "customer_summary", "s", SUMMARY_COLUMNS)?;
    // Over the adapted tables, so after them.
    if version < 14 {
        conn.execute_batch(&dated_views())?;
    }
    if version < 20 {
        let rows = include_str!("migrations/0020_day_rows.sql").replace("CREATE VIEW", "CREATE TEMP VIEW");
        conn.execute_batch(&rows)?;
        conn.execute_batch(&super::day_summary::legacy_view())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_has_an_expected_schema_and_adapters_reach_the_last() {
        let last = MIGRATIONS.len() as i64;
        assert_eq!(ADAPTERS.len() as i64, last - 1, "one adapter per upgrade");
        for v in 1..=last {
            let s = expected(v).unwrap();
            for t in CORE_TABLES {
                assert!(s.contains_key(*t), "version {v} has {t}");
            }
        }
    }

    #[test]
    fn fingerprints_are_those_of_the_migrations() {
        let conn = Connection::open_in_memory().unwrap();
        let mut got = Vec::new();
        for m in MIGRATIONS {
            super::super::migrate::apply(&conn, m).unwrap();
            got.push(fingerprint(&conn).unwrap());
        }
        assert_eq!(FINGERPRINTS, got, "a migration changed the schema: put these in schema::FINGERPRINTS");
    }

    #[test]
    fn a_fresh_database_has_no_differences() {
        let conn = Connection::open_in_memory().unwrap();
        for m in MIGRATIONS {
            super::super::migrate::apply(&conn, m).unwrap();
        }
        let last = MIGRATIONS.len() as i64;
        assert_eq!(differences(&conn, &live(&conn).unwrap(), expected(last).unwrap()), Vec::<String>::new());
    }

    #[test]
    fn drift_is_named() {
        let conn = Connection::open_in_memory().unwrap();
        for m in MIGRATIONS {
            super::super::migrate::apply(&conn, m).unwrap();
        }
        conn.execute_batch(
            "DROP TRIGGER invoices_summary_insert;
             DROP INDEX invoices_by_due;
             ALTER TABLE invoices ADD COLUMN note TEXT;
             CREATE INDEX mine ON customers(name);",
        )
        .unwrap();
        let last = MIGRATIONS.len() as i64;
        let d = differences(&conn, &live(&conn).unwrap(), expected(last).unwrap());
        assert_eq!(
            d,
            vec![
                "table invoices has column(s) note that ardesk does not",
                "index invoices_by_due is missing",
                "trigger invoices_summary_insert is missing",
                "index mine is not one of ardesk's",
            ]
        );
    }
}
