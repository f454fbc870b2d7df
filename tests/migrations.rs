//! Upgrades: a database of every earlier schema version opens, is brought
//! up to date in one transaction, and holds the same rows and figures as
//! one made by this version; one that cannot be upgraded (rows outside the
//! bounds, a read-only file) still opens, read-only, saying why, and is
//! not changed by a byte.

mod common;

use ardesk::domain::columns::{Col, Seek, Sort, Tab};
use ardesk::domain::detail::RefundDate;
use ardesk::domain::filter::parse;
use ardesk::domain::model::InvoiceRow;
use ardesk::store::window::{Keyed, View};
use ardesk::store::{OpenMode, SCHEMA_VERSION, Store};
use common::*;
use rusqlite::Connection;
use std::path::Path;

/// Version 1's schema, as ardesk 2026-11 created it.
const V1: &str = include_str!("../schema.sql");
/// What took version 1 to version 2, as ardesk 2026-12 ran it.
const TO_V2: &str = include_str!("../src/store/migrations/0002_strict_bounds.sql");
/// What took version 2 to version 3.
const TO_V3: &str = include_str!("../src/store/migrations/0003_document_limit.sql");
/// What took version 3 to version 4.
const TO_V4: &str = include_str!("../src/store/migrations/0004_activity_by_time.sql");
/// What took version 4 to version 5.
const TO_V5: &str = include_str!("../src/store/migrations/0005_invoice_balance.sql");
/// What took version 5 to version 6 (its step in Rust, the refunds from the
/// audit log, stands here as the source's own refund rows: see `as_version`).
const TO_V6: &str = include_str!("../src/store/migrations/0006_lines_memo_refunds.sql");
/// What took version 6 to version 7.
const TO_V7: &str = include_str!("../src/store/migrations/0007_reversed_applications.sql");
/// What took version 7 to version 8.
const TO_V8: &str = include_str!("../src/store/migrations/0008_credit_not_collected.sql");
/// What took version 8 to version 9.
const TO_V9: &str = include_str!("../src/store/migrations/0009_write_offs.sql");
/// What took version 9 to version 10.
const TO_V10: &str = include_str!("../src/store/migrations/0010_credit_notes.sql");
/// What took version 10 to version 11.
const TO_V11: &str = include_str!("../src/store/migrations/0011_refund_ids.sql");
/// What took version 11 to version 12.
const TO_V12: &str = include_str!("../src/store/migrations/0012_credit_note_lines.sql");
/// What took version 12 to version 13.
const TO_V13: &str = include_str!("../src/store/migrations/0013_cancel_dates.sql");

/// What took version 13 to version 14 (as `migrate.rs` includes it).
const TO_V14: &str = concat!(
    include_str!("../src/store/migrations/0014_counts_from.sql"),
    include_str!("../src/store/migrations/0014_dated_events.sql"),
    include_str!("../src/store/migrations/0014_dated_summary.sql")
);

/// What took version 14 to version 15.
const TO_V15: &str = include_str!("../src/store/migrations/0015_addresses.sql");
const TO_V16: &str = include_str!("../src/store/migrations/0016_collections.sql");
const TO_V17: &str = include_str!("../src/store/migrations/0017_customer_list.sql");
const TO_V18: &str = include_str!("../src/store/migrations/0018_tab_search.sql");
/// What took version 18 to version 19, without its step in Rust (which
/// moves imported rows kept as JSON; the demo has none of the import's
/// shape, and the test of that step makes its own).
const TO_V19: &str = include_str!("../src/store/migrations/0019_kept_rows.sql");
/// What took version 19 to version 20.
const TO_V20: &str = concat!(
    include_str!("../src/store/migrations/0020_day_rows.sql"),
    include_str!("../src/store/migrations/0020_day_summary.sql")
);

/// Every version before this one.
const EARLIER: [i64; 20] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

/// What version 16 added to conversations, taken out of a database this
/// version made, so that it reads as the upgrade of an older one does:
/// conversations by email, waiting ones open, no resolver named, no
/// external id, and no messages, links, promises or pauses.
const WITHOUT_COLLECTIONS: &str = "
    DELETE FROM conversation_messages; DELETE FROM conversation_invoices; DELETE FROM promise_invoices;
    DELETE FROM promises; DELETE FROM invoice_pauses;
    UPDATE conversations SET channel = 'email', status = iif(status = 'waiting', 'open', status), resolver = '',
           external_id = NULL, created_at = opened_on || 'T00:00:00Z', version = 1;";

/// The demo database, made by this version.
fn demo(p: &Path) -> Store {
    let mut s = Store::open(p, OpenMode::Create).unwrap();
    ardesk::demo::generate(
        &mut s,
        &ardesk::demo::DemoOptions { today: d("2026-12-05"), big_invoices: None, extra_customers: None },
    )
    .unwrap();
    s.checkpoint().unwrap();
    s
}

/// The rows of `src` in a version-1 database at `dst`, written through
/// version 1's own triggers (so its summaries are what version 1 kept):
/// cached applied amounts start at zero and the applications bring them up.
fn as_version_1(src: &Path, dst: &Path) {
    let c = Connection::open(dst).unwrap();
    c.execute_batch(V1).unwrap();
    c.execute_batch(&format!("ATTACH '{}' AS n;", src.display())).unwrap();
    c.execute_batch(
        "DELETE FROM organization;
         INSERT INTO organization SELECT id, name, default_currency, show_credit_balance, invoice_prefix,
                invoice_next_seq, hubspot_portal_id, salesforce_domain, version FROM n.organization;
         INSERT INTO customers SELECT id, name, legal_name, billing_email, currency, import_source, external_id,
                external_url, source_raw, invoices_paused, portal, NULL, created_at, version FROM n.customers;
         INSERT INTO contacts SELECT * FROM n.contacts;
         UPDATE customers SET primary_contact_id = (SELECT primary_contact_id FROM n.customers c WHERE c.id = customers.id);
         INSERT INTO contracts SELECT * FROM n.contracts;
         INSERT INTO invoices SELECT id, customer_id, contract_id, contract_name, number, issue_date, due_date,
                period_start, period_end, currency, total_minor, 0, status, import_source, external_id, source_raw,
                created_at, version FROM n.invoices;
         INSERT INTO payments SELECT id, customer_id, received_on, amount_minor, refunded_minor, 0, currency,
                reference, status, method, import_source, external_id, source_raw, created_at, version FROM n.payments;
         INSERT INTO credits SELECT id, customer_id, granted_on, amount_minor, 0, currency, reason, import_source,
                external_id, created_at, version FROM n.credits;
         INSERT INTO applications SELECT id, invoice_id, payment_id, credit_id, amount_minor, applied_on, created_at
                FROM n.applications WHERE removed_on IS NULL;
         INSERT INTO documents SELECT * FROM n.documents;
         INSERT INTO document_content SELECT * FROM n.document_content;
         INSERT INTO conversations SELECT id, customer_id, subject, opened_on,
                iif(status = 'waiting', 'open', status), resolved_on, resolved_by
                FROM n.conversations;
         INSERT INTO audit_log SELECT * FROM n.audit_log;
         DETACH n;
         PRAGMA user_version = 1;
         PRAGMA application_id = 1095910483;
         PRAGMA journal_mode = WAL;",
    )
    .unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
}

/// What version 1 let in and version 2 does not: an amount past the bound
/// (the issue's 922,337,203,685,477.58) and a year 0100.
const PAST_THE_BOUNDS: &str =
    "INSERT INTO invoices(customer_id, number, issue_date, due_date, currency, total_minor, status, created_at)
     VALUES (1, 'HUGE-1', '2026-01-01', '2026-02-01', 'USD', 92233720368547758, 'open', 'x'),
            (1, 'OLD-1', '0100-01-01', '0100-02-01', 'USD', 100, 'open', 'x');";

/// Runs `sql` on the file as another program would, and checkpoints.
fn raw(p: &Path, sql: &str) {
    let c = Connection::open(p).unwrap();
    c.execute_batch(sql).unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
}

/// The rows of `src` in a database of schema `version` at `dst`: version 1
/// as above, then the older migrations as those versions ran them. Version
/// 6 takes `src`'s refund rows, lines and memos as they are (a version-6
/// ardesk wrote them so).
fn as_version(version: i64, src: &Path, dst: &Path) {
    as_version_1(src, dst);
    if version >= 2 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("PRAGMA foreign_keys = OFF; BEGIN; {TO_V2} PRAGMA user_version = 2; COMMIT;"))
            .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 3 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("BEGIN; {TO_V3} PRAGMA user_version = 3; COMMIT;")).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 4 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("BEGIN; {TO_V4} PRAGMA user_version = 4; COMMIT;")).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 5 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("PRAGMA foreign_keys = OFF; BEGIN; {TO_V5} PRAGMA user_version = 5; COMMIT;"))
            .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 6 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!(
            "ATTACH '{}' AS n;
             BEGIN; {TO_V6}
             INSERT INTO refunds(id, payment_id, refunded_on, amount_minor, reason, dated_from, created_at)
                 SELECT id, payment_id, refunded_on, amount_minor, reason, dated_from, created_at FROM n.refunds;
             INSERT INTO invoice_lines SELECT * FROM n.invoice_lines;
             UPDATE invoices SET memo = (SELECT memo FROM n.invoices i WHERE i.id = invoices.id);
             PRAGMA user_version = 6; COMMIT; DETACH n;",
            src.display()
        ))
        .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 7 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("BEGIN; {TO_V7} PRAGMA user_version = 7; COMMIT;")).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 8 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("BEGIN; {TO_V8} PRAGMA user_version = 8; COMMIT;")).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 9 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("BEGIN; {TO_V9} PRAGMA user_version = 9; COMMIT;")).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 10 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("BEGIN; {TO_V10} PRAGMA user_version = 10; COMMIT;")).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 11 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("BEGIN; {TO_V11} PRAGMA user_version = 11; COMMIT;")).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 12 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("BEGIN; {TO_V12} PRAGMA user_version = 12; COMMIT;")).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 13 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("BEGIN; {TO_V13} PRAGMA user_version = 13; COMMIT;")).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 14 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("BEGIN; {TO_V14} PRAGMA user_version = 14; COMMIT;")).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 15 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!(
            "ATTACH '{}' AS n;
             BEGIN; {TO_V15}
             UPDATE organization SET address = (SELECT address FROM n.organization o WHERE o.id = organization.id);
             UPDATE customers SET billing_address = (SELECT billing_address FROM n.customers c WHERE c.id = customers.id);
             PRAGMA user_version = 15; COMMIT; DETACH n;",
            src.display()
        ))
        .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 16 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("PRAGMA foreign_keys = OFF; BEGIN; {TO_V16} PRAGMA user_version = 16; COMMIT;"))
            .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 17 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("PRAGMA foreign_keys = OFF; BEGIN; {TO_V17} PRAGMA user_version = 17; COMMIT;"))
            .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 18 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("PRAGMA foreign_keys = OFF; BEGIN; {TO_V18} PRAGMA user_version = 18; COMMIT;"))
            .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 19 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("PRAGMA foreign_keys = OFF; BEGIN; {TO_V19} PRAGMA user_version = 19; COMMIT;"))
            .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    if version >= 20 {
        let c = Connection::open(dst).unwrap();
        c.execute_batch(&format!("PRAGMA foreign_keys = OFF; BEGIN; {TO_V20} PRAGMA user_version = 20; COMMIT;"))
            .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    assert_eq!(self::version(dst), version);
}

fn version(p: &Path) -> i64 {
    Connection::open(p).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

/// Every row of every table, as text, for comparing two databases. The
/// weighted-days sum is compared as the number it stands for (it may be
/// split two ways).
fn rows(p: &Path) -> Vec<String> {
    let c = Connection::open(p).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    // The search index's segments are laid out by how it was built (row by
    // row, or rebuilt by the upgrade): `check` compares what they hold.
    let tables = tables.into_iter().filter(|t| {
        ![
            "customer_search_data",
            "customer_search_idx",
            "invoice_search_data",
            "invoice_search_idx",
            "payment_search_data",
            "payment_search_idx",
        ]
        .contains(&t.as_str())
    });
    for t in tables {
        let sql = if t == "customer_collect_summary" {
            "SELECT customer_id, currency, received_on, applied_minor,
                    CAST(weighted_hi AS TEXT) || '×10^6+' || weighted_lo FROM customer_collect_summary
             WHERE applied_minor <> 0 ORDER BY 1, 2, 3"
                .to_string()
        } else if t == "customer_due_summary" {
            // Triggers leave a zero row where an invoice was paid; a
            // recomputation makes none. Both mean nothing is open there.
            "SELECT * FROM customer_due_summary WHERE open_minor <> 0 ORDER BY 1, 2, 3".to_string()
        } else if t == "customer_day_summary" {
            // The same: the triggers leave a day's row at zero. The refunds'
            // column last, so that a comparison can leave it out.
            format!(
                "SELECT customer_id, day, currency, on_date, {DAY_MEASURES}, refunded FROM customer_day_summary
                 WHERE {} ORDER BY 1, 2, 3, 4",
                DAY_MEASURES
                    .split(", ")
                    .chain(["refunded"])
                    .map(|c| format!("{c} <> 0"))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            )
        } else if t == "customer_search" {
            "SELECT rowid, hay FROM customer_search ORDER BY 1".to_string()
        } else if t == "invoice_search" || t == "payment_search" {
            // Contentless: it holds which rows it indexed, not their text.
            format!("SELECT rowid FROM {t} ORDER BY 1")
        } else if t == "invoice_search_docsize" || t == "payment_search_docsize" {
            // Where an entry was written (`origin`) depends on how.
            format!("SELECT id, sz FROM {t} ORDER BY 1")
        } else if t.ends_with("summary") {
            format!("SELECT * FROM {t} ORDER BY 1, 2, 3")
        } else {
            format!("SELECT * FROM {t} ORDER BY 1, 2")
        };
        let mut stmt = c.prepare(&sql).unwrap();
        let n = stmt.column_count();
        let mut q = stmt.query([]).unwrap();
        while let Some(r) = q.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) => format!("'{}'", String::from_utf8_lossy(t)),
                    v => format!("{v:?}"),
                })
                .collect();
            out.push(format!("{t}: {}", cells.join(" | ")));
        }
    }
    out
}

/// The dated summary's measures (version 20) but the refunds'.
const DAY_MEASURES: &str = "invoices, invoice_total, shown_total, billed, billed_applied, billed_credited, open_by_due, \
     payments, payment_total, received, payment_applied, granted, credit_applied, succeeded, window_applied, window_hi, \
     window_lo, credits";

/// A row of `rows` of the dated summary without its refunds' column (the
/// last), or none when nothing else is left in it.
fn without_refunds(r: String) -> Option<String> {
    let Some(rest) = r.strip_prefix("customer_day_summary: ") else { return Some(r) };
    let cells: Vec<&str> = rest.split(" | ").collect();
    let kept = &cells[..cells.len() - 1];
    kept[4..].iter().any(|c| *c != "Integer(0)").then(|| format!("customer_day_summary: {}", kept.join(" | ")))
}

/// The weighted sums as numbers, whichever way they are split.
fn collect_sums(p: &Path) -> Vec<(i64, String, String, i64, i128)> {
    let c = Connection::open(p).unwrap();
    let v1 = version(p) == 1;
    let sql = if v1 {
        "SELECT customer_id, currency, received_on, applied_minor, weighted_minor, 0 FROM customer_collect_summary"
    } else {
        "SELECT customer_id, currency, received_on, applied_minor, weighted_hi, weighted_lo FROM customer_collect_summary"
    };
    let mut stmt = c.prepare(&format!("{sql} WHERE applied_minor <> 0 ORDER BY 1, 2, 3")).unwrap();
    stmt.query_map([], |r| {
        let (hi, lo): (i64, i64) = (r.get(4)?, r.get(5)?);
        let w = if v1 { i128::from(hi) } else { ardesk::domain::bounds::weighted(hi, lo) };
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, w))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// Each invoice's balance as version 5 defines it, from the raw rows of
/// a database of any version: total less its applications while open or
/// uncollectible, else 0.
fn owed(p: &Path) -> Vec<(String, i64)> {
    let c = Connection::open(p).unwrap();
    c.prepare(
        "SELECT number, CASE WHEN status IN ('open', 'uncollectible')
                        THEN total_minor - (SELECT coalesce(sum(amount_minor), 0) FROM applications a
                                            WHERE a.invoice_id = i.id)
                        ELSE 0 END
         FROM invoices i ORDER BY number",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// Each invoice's stored balance (version 5 on).
fn balances(p: &Path) -> Vec<(String, i64)> {
    let c = Connection::open(p).unwrap();
    c.prepare("SELECT number, balance_minor FROM invoices ORDER BY number")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The status line's sums per customer and currency, as the summary keeps
/// them (version 5 on) or recomputed from the raw rows (`raw`).
fn tab_sums(p: &Path, raw: bool) -> Vec<(i64, String, i64, i64)> {
    let c = Connection::open(p).unwrap();
    let sql = if raw {
        "SELECT customer_id, currency, sum(CASE WHEN status <> 'cancelled' THEN total_minor ELSE 0 END),
                sum(CASE WHEN status IN ('open', 'uncollectible')
                         THEN total_minor - (SELECT coalesce(sum(amount_minor), 0) FROM applications a
                                             WHERE a.invoice_id = i.id) ELSE 0 END)
         FROM invoices i GROUP BY 1, 2 ORDER BY 1, 2"
    } else {
        "SELECT customer_id, currency, invoice_shown_total_minor, invoice_balance_minor FROM customer_summary
         WHERE invoice_count > 0 ORDER BY 1, 2"
    };
    c.prepare(sql)
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Every refund row: (payment, date, amount, reason, dated_from, created_at),
/// by payment and as written.
fn refund_rows(p: &Path) -> Vec<(i64, String, i64, String, String, String)> {
    let c = Connection::open(p).unwrap();
    c.prepare(
        "SELECT payment_id, refunded_on, amount_minor, reason, dated_from, created_at FROM refunds ORDER BY payment_id, id",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// Each refunded payment's sum as one refund on its own date, as the
/// upgrade dates what no audit row accounts for.
fn dated_on_the_payment(p: &Path) -> Vec<(i64, String, i64, String, String, String)> {
    let c = Connection::open(p).unwrap();
    c.prepare(
        "SELECT id, received_on, refunded_minor, '', 'payment', created_at FROM payments
         WHERE refunded_minor > 0 ORDER BY id",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// Equal row lists, or the first few rows that differ.
#[track_caller]
fn same_rows(a: Vec<String>, b: Vec<String>) {
    let only_a: Vec<&String> = a.iter().filter(|r| !b.contains(r)).take(5).collect();
    let only_b: Vec<&String> = b.iter().filter(|r| !a.contains(r)).take(5).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty() && a.len() == b.len(),
        "upgraded only: {only_a:#?}\nmade only: {only_b:#?}"
    );
}

#[test]
fn every_earlier_version_upgrades_to_the_same_rows_and_figures() {
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("made.db");
    let today = d("2026-12-05");
    let fresh = demo(&made);
    // No earlier version holds an invoice's memo or lines (version 6) or
    // what collections keep beside a conversation (16):
    // what this version made is compared without them.
    raw(&made, "UPDATE invoices SET memo = ''; DELETE FROM invoice_lines;");
    raw(&made, WITHOUT_COLLECTIONS);
    // Credit applied to issued invoices, which Total Billed is net of and
    // Billed & Collected leaves out since version 8 (credit is not
    // collection): every older version must come to the same figures.
    let credited: i64 = Connection::open(&made)
        .unwrap()
        .query_row("SELECT count(*) FROM invoices WHERE credited_minor > 0 AND status IN ('open', 'paid')", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(credited > 0, "the demo applies credit to invoices");
    // Each cancellation as ardesk records one, in the audit log (an earlier
    // row too: the latest dates it), so the upgrade (version 13) dates each
    // cancelled invoice as this version did.
    raw(
        &made,
        "INSERT INTO audit_log(at, who, customer_id, entity, entity_id, action, summary)
         SELECT date(cancelled_on, '-3 days') || 'T08:00:00Z', 'demo', customer_id, 'invoice', id, 'cancel', 'earlier'
         FROM invoices WHERE status = 'cancelled';
         INSERT INTO audit_log(at, who, customer_id, entity, entity_id, action, summary)
         SELECT cancelled_on || 'T23:59:59Z', 'demo', customer_id, 'invoice', id, 'cancel', 'cancelled invoice ' || number
         FROM invoices WHERE status = 'cancelled';",
    );
    let dated: i64 = Connection::open(&made)
        .unwrap()
        .query_row("SELECT count(*) FROM invoices WHERE cancelled_on IS NOT NULL", [], |r| r.get(0))
        .unwrap();
    assert!(dated > 3, "the demo dates its cancellations: {dated}");
    for v in EARLIER {
        let old = dir.path().join(format!("v{v}.db"));
        as_version(v, &made, &old);
        let weighted_before = collect_sums(&old);
        assert!(weighted_before.len() > 100, "the demo collects on many days");
        let owed_before = owed(&old);
        let sums_before = tab_sums(&old, true);
        let still_owed = owed_before.iter().filter(|o| o.1 > 0).count();
        assert!(still_owed > 50, "the demo has open, partly paid and written-off invoices: {still_owed}");

        let upgraded = Store::open(&old, OpenMode::MustExist).unwrap();
        assert_eq!(upgraded.read_only(), None, "version {v}");
        assert_eq!(version(&old), SCHEMA_VERSION);
        assert_eq!(upgraded.check(today).unwrap(), Vec::<String>::new(), "version {v}");
        assert_eq!(upgraded.max_document_size().unwrap(), 2 << 30, "version {v}: the default limit");
        // Version 5: every invoice's balance and the tab's sums, from the
        // rows the older version had.
        assert_eq!(balances(&old), owed_before, "version {v}: each invoice's balance");
        assert_eq!(tab_sums(&old, false), sums_before, "version {v}: the status line's sums");
        for id in fresh.customer_ids().unwrap() {
            let c = fresh.customer(id).unwrap();
            assert_eq!(upgraded.figures(&c, today).unwrap(), fresh.figures(&c, today).unwrap(), "v{v}: customer {id}");
        }
        drop(upgraded);
        // Row for row what this version writes, summaries included, and the
        // weighted sums what the older version kept.
        let strip = |v: Vec<String>| -> Vec<String> {
            // The refunds' dated sums follow the refunds.
            v.into_iter()
                .filter(|r| !r.starts_with("customer_collect_summary") && !r.starts_with("refunds:"))
                .filter_map(without_refunds)
                .collect()
        };
        same_rows(strip(rows(&old)), strip(rows(&made)));
        // The demo seeds its refunds as a source brings them, dated a few
        // days after the money came; the older version kept only the sum,
        // which the upgrade dates on the payment (it has no audit row).
        let upgraded = refund_rows(&old);
        assert!(upgraded.len() >= 2, "the demo refunds in part and in full: {upgraded:?}");
        let want = if v < 6 { dated_on_the_payment(&made) } else { refund_rows(&made) };
        assert_eq!(upgraded, want, "version {v}");
        assert_eq!(collect_sums(&old), weighted_before);
        assert_eq!(collect_sums(&old), collect_sums(&made));
        // The same schema, object for object, as a database created new.
        let schema = |p: &Path| -> Vec<(String, String)> {
            let c = Connection::open(p).unwrap();
            c.prepare("SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert_eq!(schema(&old), schema(&made), "version {v}");
    }
}

#[test]
fn the_upgraded_database_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let (made, old) = (dir.path().join("made.db"), dir.path().join("old.db"));
    drop(demo(&made));
    as_version_1(&made, &old);
    let mut s = Store::open(&old, OpenMode::MustExist).unwrap();
    // The connection that upgraded is not the one that works on: the
    // journal mode can change and a checkpoint run straight away.
    s.scratch_mode().unwrap();
    s.normal_mode().unwrap();
    s.checkpoint().unwrap();
    // A write through the new triggers, then the figures still agree.
    let seed = s.seeder().unwrap();
    let mut b = Books::new(&seed, "After the upgrade", USD);
    let i = b.invoice("2026-11-01", "2026-12-01", 10_000, USD);
    let p = b.payment("2026-11-20", 10_000, USD);
    b.apply(i, p, 10_000, "2026-11-20");
    b.paid(i);
    let id = b.customer;
    seed.commit().unwrap();
    let c = s.customer(id).unwrap();
    let f = consistent_figures(&s, &c, d("2026-12-05"));
    assert_eq!(f.metrics.avg_days_to_collect, Some(days("19.00")));
    assert_eq!(s.check(d("2026-12-05")).unwrap(), Vec::<String>::new());
}

#[test]
fn a_read_only_database_of_every_earlier_version_opens_read_only_and_reads() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("made.db");
    let fresh = demo(&made);
    for v in EARLIER {
        let old = dir.path().join(format!("v{v}.db"));
        as_version(v, &made, &old);
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o444)).unwrap();
        let before = std::fs::read(&old).unwrap();
        let s = Store::open(&old, OpenMode::MustExist).unwrap();
        assert!(s.read_only().unwrap().contains("is read-only"), "{:?}", s.read_only());
        let today = d("2026-12-05");
        for id in fresh.customer_ids().unwrap() {
            let c = fresh.customer(id).unwrap();
            assert_eq!(s.figures(&c, today).unwrap(), fresh.figures(&c, today).unwrap(), "v{v}: customer {id}");
        }
        assert_eq!(s.organization().unwrap(), fresh.organization().unwrap(), "version {v}");
        // The Balance column sorts and filters, and the status line sums,
        // through the adapter of version 4 → 5.
        let by_balance = Sort { col: Col::InvBalance, desc: true };
        let owing = View { sort: by_balance, filter: parse("balance>0", Tab::Invoices, USD).unwrap(), today };
        for id in fresh.customer_ids().unwrap() {
            // Each invoice's credited part too, from the applications of
            // credit through the adapter of version 7 → 8.
            let read = |st: &Store| -> Vec<(String, i64, i64)> {
                let rows: Vec<Keyed<InvoiceRow>> = st.window_view(id, &owing, &Seek::First, 500).unwrap();
                rows.into_iter().map(|k| (k.row.number, k.row.balance_minor, k.row.credited_minor)).collect()
            };
            assert_eq!(read(&s), read(&fresh), "v{v}: customer {id}'s invoices by balance");
            let totals = |st: &Store| st.view_totals::<InvoiceRow>(id, &owing).unwrap();
            assert_eq!(totals(&s), totals(&fresh), "v{v}: customer {id}'s sums");
        }
        assert_eq!(s.max_document_size().unwrap(), 2 << 30, "version {v} reads with the default limit");
        // Refunds were one sum on the payment: read through the adapter of
        // version 5 → 6, each is one refund on the payment's date (version
        // 6 holds the rows).
        for (pid, on, amount, _, _, _) in dated_on_the_payment(&made).into_iter().filter(|_| v < 6) {
            let customer: i64 = Connection::open(&made)
                .unwrap()
                .query_row("SELECT customer_id FROM payments WHERE id = ?1", [pid], |r| r.get(0))
                .unwrap();
            let refunds = s.payment_detail(customer, pid).unwrap().refunds;
            let read: Vec<(String, i64, RefundDate)> =
                refunds.iter().map(|r| (r.on.to_string(), r.amount.minor, r.dated_from)).collect();
            assert_eq!(read, [(on, amount, RefundDate::Payment)], "v{v}: payment {pid}");
        }
        // Version 9's write-off date and reason, read through its adapter:
        // an uncollectible invoice's date is unknown, its reason empty.
        let (customer, id): (i64, i64) = Connection::open(&made)
            .unwrap()
            .query_row("SELECT customer_id, id FROM invoices WHERE status = 'uncollectible' LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        let w = s.invoice_detail(customer, id).unwrap().write_off;
        assert_eq!(w.map(|w| (w.on, w.reason)), Some((None, String::new())), "version {v}");
        // Version 13's cancellation date, through its adapter: unknown.
        let (customer, id): (i64, i64) = Connection::open(&made)
            .unwrap()
            .query_row("SELECT customer_id, id FROM invoices WHERE status = 'cancelled' LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(s.invoice_detail(customer, id).unwrap().cancelled, Some(None), "version {v}");
        assert_eq!(s.check(today).unwrap(), Vec::<String>::new(), "a version-{v} database checks as version {v}");
        drop(s);
        assert!(std::fs::read(&old).unwrap() == before, "version {v}: not a byte changed");
        assert_eq!(version(&old), v);
    }
}

/// An imported invoice's source row (`R` on its detail) reads through the
/// adapter of every earlier version, where it is `source_raw`'s JSON and
/// there is no baseline or kept row; an invoice made in ardesk has none.
#[test]
fn an_imported_invoices_source_row_reads_through_every_earlier_version() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("made.db");
    drop(demo(&made));
    let row = r#"{"id":"in_OLD1","Amount Due":"12.00","Paid":true}"#;
    let text = format!(
        r#"{{"imported":{{"number":"OLD-1","issue_date":"2026-01-01","due_date":null,"period_start":null,"period_end":null,"currency":"USD","total":"12.00","status":"open","amount_paid":null,"credit_applied":null,"paid_on":null,"customer":"cus_1","payment_refs":null,"memo":null}},"row":{row}}}"#
    );
    let (imported, here): (i64, i64) = Connection::open(&made)
        .unwrap()
        .query_row("SELECT min(id), max(id) FROM invoices", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    raw(
        &made,
        &format!(
            "UPDATE invoices SET import_source = 'stripe', external_id = 'in_OLD1', source_raw = '{text}'
             WHERE id = {imported};
             UPDATE invoices SET import_source = NULL, external_id = NULL, source_raw = NULL WHERE id = {here};"
        ),
    );
    let cells = |s: &Store| s.invoice_source_row(imported).unwrap().map(|r| (r.source, r.external_id, r.cells));
    let want = Some((
        "Stripe".to_string(),
        "in_OLD1".to_string(),
        vec![
            ("id".to_string(), "in_OLD1".to_string()),
            ("Amount Due".to_string(), "12.00".to_string()),
            ("Paid".to_string(), "true".to_string()),
        ],
    ));
    assert_eq!(cells(&Store::open(&made, OpenMode::MustExist).unwrap()), want);
    for v in EARLIER {
        let old = dir.path().join(format!("v{v}.db"));
        as_version(v, &made, &old);
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o444)).unwrap();
        let s = Store::open(&old, OpenMode::MustExist).unwrap();
        assert!(s.read_only().is_some(), "version {v}");
        assert_eq!(cells(&s), want, "version {v}");
        let fields = s.invoice_source_row(imported).unwrap().unwrap().imported;
        assert_eq!(fields[0], ("number", "OLD-1".to_string()), "version {v}");
        assert_eq!(fields[2], ("due_date", "—".to_string()), "version {v}");
        assert_eq!(s.invoice_source_row(here).unwrap(), None, "version {v}");
    }
}

/// A version-1 database holding what version 1 let in and version 2 does
/// not: the upgrade is refused whole, the rows are named, the file is left
/// as it was, and the data can still be read.
#[test]
fn rows_outside_the_bounds_keep_a_database_at_its_version_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let (made, old) = (dir.path().join("made.db"), dir.path().join("old.db"));
    drop(demo(&made));
    as_version_1(&made, &old);
    raw(&old, PAST_THE_BOUNDS);
    let before = std::fs::read(&old).unwrap();
    let mut s = Store::open(&old, OpenMode::MustExist).unwrap();
    let why = s.read_only().unwrap().to_string();
    assert!(why.contains(&format!("cannot be upgraded from schema version 1 to {SCHEMA_VERSION}: 2 row(s)")), "{why}");
    assert!(why.contains("invoice HUGE-1: total 92233720368547758 minor units"), "{why}");
    assert!(why.contains("invoice OLD-1: total 100 minor units, issued 0100-01-01"), "{why}");
    // Reads work; writes say why they cannot.
    assert_eq!(s.customer(1).unwrap().name, "Acme Corp");
    let c = s.customer(2).unwrap();
    let edit = renamed(&c, "Renamed");
    let err = s.update_customer(2, c.version, &edit).unwrap_err().to_string();
    assert!(err.contains("open read-only") && err.contains("cannot be upgraded"), "{err}");
    // `check` lists the rows.
    let problems = s.check(d("2026-12-05")).unwrap();
    assert!(problems.iter().any(|p| p.contains("HUGE-1")), "{problems:?}");
    drop(s);
    assert!(std::fs::read(&old).unwrap() == before, "not a byte changed");
    assert_eq!(version(&old), 1);
}

/// An upgrade that fails part way (here: a value version 1 stored in a
/// column of the wrong type, which a STRICT table refuses) is rolled back
/// whole: the file stays at version 1, readable.
#[test]
fn a_failed_upgrade_leaves_the_database_at_its_version() {
    let dir = tempfile::tempdir().unwrap();
    let (made, old) = (dir.path().join("made.db"), dir.path().join("old.db"));
    drop(demo(&made));
    as_version_1(&made, &old);
    raw(&old, "UPDATE contacts SET role = x'00ff' WHERE id = 1;");
    let s = Store::open(&old, OpenMode::MustExist).unwrap();
    let why = s.read_only().unwrap().to_string();
    assert!(why.contains(&format!("upgrade from schema version 1 to {SCHEMA_VERSION} failed")), "{why}");
    assert!(why.contains("it was left as it was"), "{why}");
    assert_eq!(s.customer(1).unwrap().name, "Acme Corp");
    drop(s);
    assert_eq!(version(&old), 1);
    let c = Connection::open(&old).unwrap();
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
}

/// `ardesk upgrade --set-aside`: the rows past the bounds, and what hangs
/// on them, leave the ledger — each kept whole in the audit log, shown in
/// the customer's activity and listed by `check` — and the rest upgrades.
/// An invoice paid by a payment that went owes again; an invoice of a
/// contract that went loses the link, and its activity says so.
#[test]
fn upgrade_set_aside_takes_out_what_cannot_be_kept_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (made, old) = (dir.path().join("made.db"), dir.path().join("old.db"));
    drop(demo(&made));
    as_version_1(&made, &old);
    raw(&old, PAST_THE_BOUNDS);
    {
        let c = Connection::open(&old).unwrap();
        c.execute_batch(
            "INSERT INTO invoices(customer_id, number, issue_date, due_date, currency, total_minor, status, created_at)
             VALUES (1, 'NEW-1', '2026-01-01', '2026-02-01', 'USD', 5000, 'open', 'x');
             INSERT INTO payments(customer_id, received_on, amount_minor, currency, status, method, reference, created_at)
             VALUES (1, '1899-12-30', 5000, 'USD', 'succeeded', 'manual', 'EXCEL-ZERO', 'x');
             INSERT INTO applications(invoice_id, payment_id, amount_minor, applied_on, created_at)
             SELECT (SELECT id FROM invoices WHERE number = 'NEW-1'), (SELECT max(id) FROM payments), 5000, '2026-01-15', 'x';
             UPDATE invoices SET status = 'paid' WHERE number = 'NEW-1';
             INSERT INTO contracts(customer_id, name, kind, status, period_start, period_end, value_minor, currency,
                                   payment_terms_days, created_at)
             VALUES (1, 'Typo plan', 'one_time', 'active', '2026-01-01', '2206-01-01', 100, 'USD', 30, 'x');
             INSERT INTO invoices(customer_id, contract_id, contract_name, number, issue_date, due_date, currency,
                                  total_minor, status, created_at)
             VALUES (1, (SELECT max(id) FROM contracts), 'Typo plan', 'LINK-1', '2026-01-01', '2026-02-01', 'USD', 700,
                     'open', 'x');",
        )
        .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    let s = Store::open(&old, OpenMode::MustExist).unwrap();
    let why = s.read_only().unwrap().to_string();
    assert!(why.contains("`ardesk upgrade --set-aside` takes them out"), "{why}");
    drop(s);
    let ardesk = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ardesk"))
            .args(args)
            .args(["--today", "2026-12-05", "--db"])
            .arg(&old)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        (out.status.code(), text)
    };
    let (code, out) = ardesk(&["upgrade", "--set-aside"]);
    assert_eq!(code, Some(0), "{out}");
    for line in [
        "set aside during the upgrade to schema version 2: application ",
        "(its invoice, payment or credit is set aside)",
        "NEW-1 owes again: money applied to it was set aside during the upgrade",
        "invoice HUGE-1: total 92233720368547758 minor units",
        "invoice OLD-1: total 100 minor units, issued 0100-01-01",
        "payment ",
        "received 1899-12-30",
        "contract Typo plan: value 100, from 2026-01-01 to 2206-01-01",
        "LINK-1 no longer belongs to contract Typo plan, which was set aside during the upgrade",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    assert!(out.ends_with(&format!("ok: {} is at schema version {SCHEMA_VERSION}\n", old.display())), "{out}");
    assert_eq!(version(&old), SCHEMA_VERSION);
    // Kept whole: the row as it was, in the audit log.
    let c = Connection::open(&old).unwrap();
    let huge: String = c
        .query_row(
            "SELECT before_json FROM audit_log WHERE action = 'set aside' AND summary LIKE '%HUGE-1%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&huge).unwrap();
    assert_eq!(v["number"], "HUGE-1");
    assert_eq!(v["total_minor"].as_i64(), Some(92_233_720_368_547_758));
    let (status, applied): (String, i64) = c
        .query_row("SELECT status, applied_minor FROM invoices WHERE number = 'NEW-1'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((status.as_str(), applied), ("open", 0));
    let (contract, name): (Option<i64>, String) = c
        .query_row("SELECT contract_id, contract_name FROM invoices WHERE number = 'LINK-1'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((contract, name.as_str()), (None, ""));
    drop(c);
    // Consistent, with the set-aside rows listed as notes.
    let (code, out) = ardesk(&["check"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("note: set aside during the upgrade to schema version 2: invoice HUGE-1"), "{out}");
    let s = Store::open(&old, OpenMode::MustExist).unwrap();
    assert_eq!(s.read_only(), None);
    let acme = s.customer(1).unwrap();
    consistent_figures(&s, &acme, d("2026-12-05"));
    // A second run has nothing left to do.
    drop(s);
    let (code, out) = ardesk(&["upgrade", "--set-aside"]);
    assert_eq!((code, out.lines().count()), (Some(0), 1), "{out}");
}

/// Refunds recorded through the refund action before the upgrade (their
/// dates and reasons only in the audit log), one that came with the
/// payment, and the odd cases an older database may hold: the column
/// saying more than the audit rows, the audit rows saying more (drift), an
/// audit row that does not read, a reason longer than the table keeps.
/// From every earlier version the upgrade makes them rows, never failing.
#[test]
fn refunds_of_every_earlier_version_become_rows() {
    use ardesk::domain::edit::RefundDraft;
    use ardesk::domain::model::PaymentRow;
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("made.db");
    let mut s = Store::open(&made, OpenMode::Create).unwrap();
    let seed = s.seeder().unwrap();
    let b = Books::new(&seed, "Refunded", USD);
    let a = b.payment("2026-02-15", 50_000, USD);
    let imported = b.payment_as("2026-01-10", 9_000, 4_000, ardesk::domain::status::PaymentStatus::Succeeded, USD);
    let more = b.payment("2026-03-01", 20_000, USD);
    let drift = b.payment("2026-03-05", 20_000, USD);
    let garbled = b.payment("2026-03-10", 20_000, USD);
    let long = b.payment("2026-03-12", 20_000, USD);
    seed.commit().unwrap();
    for (id, on, amount, reason) in [
        (a, "2026-02-20", 10_000, "overpaid"),
        (a, "2026-02-16", 5_000, "duplicate"),
        (more, "2026-03-02", 7_000, "partial"),
        (drift, "2026-03-06", 6_000, "first"),
        (drift, "2026-03-07", 8_000, "second"),
        (garbled, "2026-03-11", 2_000, "garbled"),
        (long, "2026-03-13", 1_000, "long"),
    ] {
        let version = s.tab_row::<PaymentRow>(id).unwrap().unwrap().version;
        s.refund_payment(id, version, &RefundDraft { refunded_on: d(on), amount_minor: amount, reason: reason.into() })
            .unwrap();
    }
    s.checkpoint().unwrap();
    drop(s);
    let long_reason = "x".repeat(1_200);
    // Version 6 holds refunds as rows already: the earlier ones move.
    for v in EARLIER.into_iter().filter(|&v| v < 6) {
        let old = dir.path().join(format!("refunds-v{v}.db"));
        as_version(v, &made, &old);
        raw(
            &old,
            &format!(
                "UPDATE payments SET refunded_minor = 10000 WHERE id IN ({more}, {drift});
                 UPDATE audit_log SET after_json = '{{\"refund\": ' WHERE action = 'refund' AND entity_id = {garbled};
                 UPDATE audit_log SET after_json = json_set(after_json, '$.refund.reason', '{long_reason}')
                 WHERE action = 'refund' AND entity_id = {long};"
            ),
        );
        let at = |id: i64, reason: &str| -> String {
            let c = Connection::open(&old).unwrap();
            c.query_row(
                "SELECT at FROM audit_log WHERE action = 'refund' AND entity_id = ?1 AND after_json LIKE ?2",
                rusqlite::params![id, format!("%{reason}%")],
                |r| r.get(0),
            )
            .unwrap()
        };
        let created = |id: i64| -> String {
            let c = Connection::open(&old).unwrap();
            c.query_row("SELECT created_at FROM payments WHERE id = ?1", [id], |r| r.get(0)).unwrap()
        };
        let recorded = |id: i64, on: &str, amount: i64, reason: &str| {
            (id, on.to_string(), amount, reason.to_string(), "recorded".to_string(), at(id, reason))
        };
        let on_payment = |id: i64, on: &str, amount: i64| {
            (id, on.to_string(), amount, String::new(), "payment".to_string(), created(id))
        };
        let mut cut = "x".repeat(999);
        cut.push('…');
        let want = vec![
            // In the order they were recorded; the detail sorts by date.
            recorded(a, "2026-02-20", 10_000, "overpaid"),
            recorded(a, "2026-02-16", 5_000, "duplicate"),
            on_payment(imported, "2026-01-10", 4_000),
            // The column says $100.00, the audit rows $70.00: the rest is
            // dated on the payment.
            recorded(more, "2026-03-02", 7_000, "partial"),
            on_payment(more, "2026-03-01", 3_000),
            // The audit rows say $140.00, the column $100.00: the oldest
            // kept, the last trimmed.
            recorded(drift, "2026-03-06", 6_000, "first"),
            recorded(drift, "2026-03-07", 4_000, "second"),
            on_payment(garbled, "2026-03-10", 2_000),
            (long, "2026-03-13".into(), 1_000, cut, "recorded".into(), at(long, "xxxx")),
        ];

        let store = Store::open(&old, OpenMode::MustExist).unwrap();
        assert_eq!(store.read_only(), None, "version {v}");
        assert_eq!(version(&old), SCHEMA_VERSION);
        assert_eq!(refund_rows(&old), want, "version {v}");
        assert_eq!(store.check(d("2026-12-05")).unwrap(), Vec::<String>::new(), "version {v}");
        let shown = store.payment_detail(1, a).unwrap().refunds;
        let shown: Vec<(String, &str)> = shown.iter().map(|r| (r.on.to_string(), r.reason.as_str())).collect();
        assert_eq!(shown, [("2026-02-16".into(), "duplicate"), ("2026-02-20".into(), "overpaid")], "oldest first");
    }
}

/// Before version 7 money received before its invoice was issued counted
/// negative days; the upgrade computes the collect summary again, counting
/// it 0 days, and a read-only version-6 file reads it so too.
#[test]
fn a_prepayment_counts_zero_days_after_the_upgrade() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("made.db");
    let mut s = Store::open(&made, OpenMode::Create).unwrap();
    let seed = s.seeder().unwrap();
    let mut b = Books::new(&seed, "Prepaid", USD);
    // $100.00 paid 12 days before its invoice; $300.00 paid 10 days after
    // its invoice: (100 × 0 + 300 × 10) ÷ 400 = 7.50 days (it was
    // (100 × −12 + 300 × 10) ÷ 400 = 4.50).
    let early = b.invoice("2026-11-01", "2026-12-01", 10_000, USD);
    let pre = b.payment("2026-10-20", 10_000, USD);
    b.apply(early, pre, 10_000, "2026-11-01");
    b.paid(early);
    let late = b.invoice("2026-11-02", "2026-12-02", 30_000, USD);
    let p = b.payment("2026-11-12", 30_000, USD);
    b.apply(late, p, 30_000, "2026-11-12");
    b.paid(late);
    let id = b.customer;
    seed.commit().unwrap();
    s.checkpoint().unwrap();
    drop(s);
    let today = d("2026-12-05");
    for read_only in [false, true] {
        let old = dir.path().join(format!("v6-{read_only}.db"));
        as_version(6, &made, &old);
        let weighted: Vec<i128> = collect_sums(&old).iter().map(|r| r.4).collect();
        assert_eq!(weighted, [-120_000, 300_000], "version 6 counted the prepayment −12 days");
        if read_only {
            std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o444)).unwrap();
        }
        let s = Store::open(&old, OpenMode::MustExist).unwrap();
        assert_eq!(s.read_only().is_some(), read_only);
        let c = s.customer(id).unwrap();
        let f = consistent_figures(&s, &c, today);
        assert_eq!(f.metrics.avg_days_to_collect, Some(days("7.50")), "read-only: {read_only}");
        assert_eq!(s.check(today).unwrap(), Vec::<String>::new());
        drop(s);
        if !read_only {
            assert_eq!(version(&old), SCHEMA_VERSION);
            let weighted: Vec<i128> = collect_sums(&old).iter().map(|r| r.4).collect();
            assert_eq!(weighted, [0, 300_000], "recomputed: 0 days for the prepayment");
        } else {
            assert_eq!(version(&old), 6);
        }
    }
}

/// Version 10's rules, as the schema itself keeps them whatever writes:
/// a credit is granted credit unless said otherwise; a voided credit counts
/// nowhere (its unapplied part leaves the Credit Balance, nothing of it can
/// stay applied or be applied again); a void is final; a credit note needs
/// a number, unique among credit notes; an adjustment needs its invoice.
#[test]
fn a_voided_credit_counts_nowhere_in_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v10.db");
    let mut s = Store::open(&p, OpenMode::Create).unwrap();
    let seed = s.seeder().unwrap();
    let mut b = Books::new(&seed, "Voids", USD);
    let i = b.invoice("2026-11-01", "2026-12-01", 10_000, USD);
    let c = b.credit("2026-11-05", 1_000, USD);
    b.apply_credit(i, c, 300, "2026-11-06");
    let id = b.customer;
    seed.commit().unwrap();
    drop(s);
    let conn = Connection::open(&p).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let open = "SELECT credit_open_minor FROM customer_summary WHERE currency = 'USD'";
    assert_eq!(
        conn.query_row("SELECT kind || ' ' || status FROM credits", [], |r| r.get::<_, String>(0)).unwrap(),
        "credit issued"
    );
    assert_eq!(one(open), 700);
    // Not while applied: the application is reversed first, dated the void.
    let void = format!("UPDATE credits SET status = 'voided', voided_on = '2026-11-20' WHERE id = {c}");
    assert!(conn.execute_batch(&void).is_err(), "a voided credit cannot stay applied");
    conn.execute_batch(&format!("UPDATE applications SET removed_on = '2026-11-20' WHERE credit_id = {c}; {void}"))
        .unwrap();
    assert_eq!(one(open), 0, "its unapplied part left the Credit Balance");
    assert_eq!(one(&format!("SELECT applied_minor FROM invoices WHERE id = {i}")), 0);
    let again = format!(
        "INSERT INTO applications(invoice_id, credit_id, amount_minor, applied_on, created_at)
         VALUES ({i}, {c}, 100, '2026-11-21', 'x')"
    );
    assert!(conn.execute_batch(&again).is_err(), "a voided credit cannot be applied");
    assert!(
        conn.execute_batch(&format!("UPDATE credits SET status = 'issued', voided_on = NULL WHERE id = {c}")).is_err()
    );
    // The void's date: not before the credit's own, and only when voided.
    let insert = |kind: &str, number: &str, status: &str, voided: &str, invoice: &str| {
        conn.execute_batch(&format!(
            "INSERT INTO credits(customer_id, granted_on, amount_minor, currency, created_at, kind, number, status,
                                 voided_on, invoice_id)
             VALUES ({id}, '2026-11-05', 100, 'USD', 'x', '{kind}', {number}, '{status}', {voided}, {invoice})"
        ))
    };
    assert!(insert("credit", "NULL", "voided", "'2026-11-04'", "NULL").is_err(), "voided before its date");
    assert!(insert("credit", "NULL", "issued", "'2026-11-06'", "NULL").is_err(), "a date without a void");
    assert!(insert("credit_note", "NULL", "issued", "NULL", "NULL").is_err(), "a credit note without a number");
    assert!(insert("credit", "'CN-9'", "issued", "NULL", "NULL").is_err(), "a number on granted credit");
    assert!(insert("adjustment", "NULL", "issued", "NULL", "NULL").is_err(), "an adjustment without its invoice");
    insert("credit_note", "'CN-1'", "issued", "NULL", &i.to_string()).unwrap();
    assert!(insert("credit_note", "'CN-1'", "issued", "NULL", "NULL").is_err(), "numbers are unique");
    insert("adjustment", "NULL", "issued", "NULL", &i.to_string()).unwrap();
    assert_eq!(one(open), 200);
    drop(conn);
    let s = Store::open(&p, OpenMode::MustExist).unwrap();
    assert_eq!(s.check(d("2026-12-05")).unwrap(), Vec::<String>::new());
}

/// One invoice planted in an older database: its number, status, `import_source, external_id` as
/// SQL, `source_raw` ('' for none), the times of its audit rows cancelling it, and the date the
/// upgrade should give it.
struct Case<'a>(&'a str, &'a str, &'a str, String, Vec<&'a str>, Option<&'a str>);

/// Version 13 dates the cancellations it can: from the latest audit row
/// cancelling the invoice, else an imported invoice's own void date
/// (Stripe's `status_transitions.voided_at`, QuickBooks' last update of a
/// voided invoice), never before the issue date; what says nothing stays
/// undated, and what is not cancelled has no date whatever its row says.
#[test]
fn cancellations_of_every_earlier_version_are_dated_from_what_they_kept() {
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("made.db");
    drop(demo(&made));
    // Every invoice the demo cancelled: no audit row, no source, undated.
    let demo_cancelled: Vec<i64> = Connection::open(&made)
        .unwrap()
        .prepare("SELECT id FROM invoices WHERE status = 'cancelled' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!demo_cancelled.is_empty());
    let stripe = |voided_at: &str| {
        format!(
            r#"{{"imported":{{"status":"cancelled"}},"row":{{"id":"in_x","status":"void","status_transitions":{{"voided_at":{voided_at}}}}}}}"#
        )
    };
    let qbo = |updated: &str| {
        format!(
            r#"{{"imported":{{"status":"cancelled"}},"row":{{"Id":"9","PrivateNote":"Voided","MetaData":{{"LastUpdatedTime":"{updated}"}}}}}}"#
        )
    };
    // Each issued on 2026-01-10.
    let cases: Vec<Case<'_>> = vec![
        Case(
            "X-AUDIT",
            "cancelled",
            "NULL, NULL",
            String::new(),
            vec!["2026-02-01T10:00:00Z", "2026-03-04T23:30:00Z", "2026-02-20T10:00:00Z"],
            Some("2026-03-04"),
        ),
        Case("X-EARLY", "cancelled", "NULL, NULL", String::new(), vec!["2026-01-02T10:00:00Z"], Some("2026-01-10")),
        Case(
            "X-BAD",
            "cancelled",
            "NULL, NULL",
            String::new(),
            vec!["2026-02-01T10:00:00Z", "garbled"],
            Some("2026-02-01"),
        ),
        Case("X-GARBLED", "cancelled", "NULL, NULL", String::new(), vec!["garbled"], None),
        Case("X-STRIPE", "cancelled", "'stripe', 'in_void'", stripe("1771891200"), vec![], Some("2026-02-24")),
        Case(
            "X-STRIPE-AUDIT",
            "cancelled",
            "'stripe', 'in_void2'",
            stripe("1771891200"),
            vec!["2026-03-01T09:00:00Z"],
            Some("2026-03-01"),
        ),
        Case("X-STRIPE-NONE", "cancelled", "'stripe', 'in_void3'", stripe("null"), vec![], None),
        Case("X-QBO", "cancelled", "'quickbooks', '9'", qbo("2026-02-05T09:00:00-08:00"), vec![], Some("2026-02-05")),
        Case("X-QBO-BAD", "cancelled", "'quickbooks', '10'", qbo("yesterday"), vec![], None),
        Case("X-OPEN", "open", "'stripe', 'in_open'", stripe("1771891200"), vec!["2026-03-01T09:00:00Z"], None),
    ];
    // The versions before 13, whose upgrade dates them.
    for v in EARLIER.into_iter().filter(|&v| v < 13) {
        let old = dir.path().join(format!("c{v}.db"));
        as_version(v, &made, &old);
        let c = Connection::open(&old).unwrap();
        for Case(number, status, key, raw, audits, _) in &cases {
            let raw = if raw.is_empty() { "NULL".to_string() } else { format!("'{raw}'") };
            c.execute_batch(&format!(
                "INSERT INTO invoices(customer_id, number, issue_date, due_date, currency, total_minor, status,
                                      import_source, external_id, source_raw, created_at)
                 VALUES (1, '{number}', '2026-01-10', '2026-01-10', 'USD', 1000, '{status}', {key}, {raw}, 'x')"
            ))
            .unwrap();
            for at in audits {
                c.execute_batch(&format!(
                    "INSERT INTO audit_log(at, who, customer_id, entity, entity_id, action, summary)
                     VALUES ('{at}', 'me', 1, 'invoice', (SELECT id FROM invoices WHERE number = '{number}'), 'cancel', 'x')"
                ))
                .unwrap();
            }
        }
        // A contract's cancellation is no invoice's.
        c.execute_batch(
            "INSERT INTO audit_log(at, who, customer_id, entity, entity_id, action, summary)
             SELECT '2026-05-05T10:00:00Z', 'me', 1, 'contract', id, 'cancel', 'x' FROM invoices WHERE number = 'X-STRIPE'",
        )
        .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
        drop(c);
        let s = Store::open(&old, OpenMode::MustExist).unwrap();
        assert_eq!(s.read_only(), None, "version {v}");
        assert_eq!(s.check(d("2026-12-05")).unwrap(), Vec::<String>::new(), "version {v}");
        drop(s);
        let c = Connection::open(&old).unwrap();
        for Case(number, .., want) in &cases {
            let got: Option<String> =
                c.query_row("SELECT cancelled_on FROM invoices WHERE number = ?1", [number], |r| r.get(0)).unwrap();
            assert_eq!(got.as_deref(), *want, "version {v}: {number}");
        }
        let undated: i64 = c
            .query_row(
                &format!(
                    "SELECT count(*) FROM invoices WHERE cancelled_on IS NULL AND id IN ({})",
                    demo_cancelled.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(undated as usize, demo_cancelled.len(), "version {v}: no evidence, no date");
    }
}

/// Before version 19 an import kept each invoice's row as JSON in
/// `source_raw`. The upgrade moves each one of the import's shape into a
/// baseline and a compressed kept row, from every earlier version that has
/// imports: the text put back together is the one that was there, ardesk's
/// export of every customer is the same, `check` is clean, and a re-import
/// of the same files finds every invoice unchanged without rewriting any.
#[test]
fn imported_rows_kept_as_json_become_baselines_and_kept_rows() {
    use ardesk::import::{Counted, ImportOptions, export_customer_json, run_import};
    use ardesk::store::kept::KeptReader;
    let dir = tempfile::tempdir().unwrap();
    let now = dir.path().join("now.db");
    let stripe = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/stripe");
    let files = [stripe.join("customers_all_columns_2025.csv"), stripe.join("invoices_default_2023.csv")];
    let mut s = Store::open(&now, OpenMode::Create).unwrap();
    run_import(&mut s, &files, &ImportOptions::default(), false).unwrap();
    let customers = s.customer_ids().unwrap();
    let export = |s: &Store| -> Vec<String> {
        customers
            .iter()
            .map(|id| {
                let mut out = Vec::new();
                export_customer_json(s, *id, &mut out).unwrap();
                // Each invoice's `source_raw` as the export carries it (the
                // rest of what an older version lacked reads otherwise
                // after an upgrade: its own tests compare it).
                let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
                v["invoices"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["source_raw"].to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect()
    };
    let before = export(&s);
    s.checkpoint().unwrap();
    drop(s);
    // The rows as version 18 kept them: the JSON beside each invoice.
    let texts: Vec<(i64, String)> = {
        let c = Connection::open(&now).unwrap();
        let mut reader = KeptReader::default();
        let kept: Vec<(i64, Vec<u8>, i64)> = c
            .prepare("SELECT id, import_base, import_row FROM invoices WHERE import_row IS NOT NULL ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let texts: Vec<(i64, String)> = kept
            .into_iter()
            .map(|(id, base, row)| (id, reader.source_raw(&c, None, Some(&base), Some(row)).unwrap().unwrap()))
            .collect();
        for (id, text) in &texts {
            c.execute("UPDATE invoices SET source_raw = ?2 WHERE id = ?1", rusqlite::params![id, text]).unwrap();
        }
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
        texts
    };
    assert!(texts.len() >= 10, "{}", texts.len());
    for v in [1, 13, 18] {
        let old = dir.path().join(format!("v{v}.db"));
        as_version(v, &now, &old);
        let c = Connection::open(&old).unwrap();
        let json: i64 =
            c.query_row("SELECT count(*) FROM invoices WHERE source_raw IS NOT NULL", [], |r| r.get(0)).unwrap();
        assert_eq!(json as usize, texts.len(), "version {v} keeps JSON");
        drop(c);
        let mut s = Store::open(&old, OpenMode::MustExist).unwrap();
        assert_eq!(s.read_only(), None, "version {v}");
        assert_eq!(s.check(d("2026-12-05")).unwrap(), Vec::<String>::new(), "version {v}");
        let c = Connection::open(&old).unwrap();
        let left: i64 =
            c.query_row("SELECT count(*) FROM invoices WHERE source_raw IS NOT NULL", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0, "version {v}: no JSON left beside an invoice");
        let mut reader = KeptReader::default();
        for (id, text) in &texts {
            let (base, row): (Vec<u8>, i64) = c
                .query_row("SELECT import_base, import_row FROM invoices WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            let back = reader.source_raw(&c, None, Some(&base), Some(row)).unwrap();
            assert_eq!(back.as_deref(), Some(text.as_str()), "version {v}: invoice {id}");
        }
        assert_eq!(export(&s), before, "version {v}: the invoices' source_raw in the export");
        // Every invoice's baseline and kept row, as they stand.
        let kept_now = || -> Vec<(Option<Vec<u8>>, Option<i64>)> {
            let mut st = c.prepare("SELECT import_base, import_row FROM invoices ORDER BY id").unwrap();
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
        };
        let rows_before = kept_now();
        let again = run_import(&mut s, &files, &ImportOptions::default(), false).unwrap();
        let inv = again.count(Counted::Invoices);
        assert_eq!((inv.created, inv.updated, inv.unchanged), (0, 0, texts.len() as _), "version {v}: {again}");
        let rows_after = kept_now();
        assert_eq!(rows_after, rows_before, "version {v}: nothing rewritten");
    }
}

#[test]
fn invoices_imported_before_row_prints_go_the_whole_way_once_then_are_known_at_sight() {
    use ardesk::import::{Counted, ImportOptions, rows_known_at_sight, run_import};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v20.db");
    let stripe = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/stripe");
    let files = [stripe.join("customers_all_columns_2025.csv"), stripe.join("invoices_default_2023.csv")];
    let mut s = Store::open(&db, OpenMode::Create).unwrap();
    let first = run_import(&mut s, &files, &ImportOptions::default(), false).unwrap();
    let n = first.count(Counted::Invoices).created;
    assert!(n >= 10, "{first}");
    s.checkpoint().unwrap();
    drop(s);
    // As version 20 left it: no prints.
    raw(&db, "ALTER TABLE invoices DROP COLUMN import_line; PRAGMA user_version = 20;");
    // Every row but the new column's, which the upgrade adds empty.
    let books = |p: &Path| -> Vec<String> {
        rows(p)
            .into_iter()
            .map(|r| if r.starts_with("invoices: ") { r.trim_end_matches(" | Null").to_string() } else { r })
            .collect()
    };
    let before = books(&db);
    let mut s = Store::open(&db, OpenMode::MustExist).unwrap();
    assert_eq!(s.read_only(), None);
    assert_eq!(version(&db), SCHEMA_VERSION);
    same_rows(before, books(&db));
    let printed = |p: &Path| -> i64 {
        Connection::open(p)
            .unwrap()
            .query_row("SELECT count(*) FROM invoices WHERE import_line IS NOT NULL", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(printed(&db), 0);
    // The first import after the upgrade: every row the whole way, each
    // unchanged, its print kept; the next knows them all at sight.
    let known = rows_known_at_sight();
    let again = run_import(&mut s, &files, &ImportOptions::default(), false).unwrap();
    assert_eq!((again.count(Counted::Invoices).unchanged, again.changes()), (n, 0), "{again}");
    assert_eq!(rows_known_at_sight(), known);
    assert_eq!(printed(&db), n as i64);
    let third = run_import(&mut s, &files, &ImportOptions::default(), false).unwrap();
    assert_eq!(
        third.to_string().lines().skip(1).collect::<Vec<_>>(),
        again.to_string().lines().skip(1).collect::<Vec<_>>()
    );
    assert_eq!(rows_known_at_sight() - known, n);
    assert_eq!(s.check(d("2026-12-05")).unwrap(), Vec::<String>::new());
}
