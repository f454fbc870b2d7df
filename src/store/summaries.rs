//! Bulk loads: the summary triggers are lifted for the rest of one
//! transaction, rows go in as they are, and before commit the caches and
//! summaries of the loaded customers are recomputed from the raw rows with
//! set-based SQL — the same figures the triggers would have kept, at a
//! fraction of the cost for a million rows. `ardesk check` verifies both.
//! The invoice balance triggers stay (they write only a balance that is
//! not already right), so each invoice's balance follows the applied
//! amounts recomputed here.

use super::Result;
use super::day_summary::{FAMILIES, SOURCES, add_sql};
use rusqlite::Transaction;

/// The triggers that keep caches and summaries, and the per-row check of
/// applications (the bulk loader's own rules and `rebuild` stand in for it;
/// the CHECK constraints stay in force).
pub const KEEPERS: &[&str] = &[
    "applications_check",
    "invoices_summary_insert",
    "invoices_summary_delete",
    "invoices_summary_update",
    "payments_summary_insert",
    "payments_summary_delete",
    "payments_summary_update",
    "credits_summary_insert",
    "credits_summary_delete",
    "credits_summary_update",
    "applications_insert",
    "applications_remove",
    "applications_delete",
    "invoices_dated_insert",
    "invoices_dated_before",
    "invoices_dated_after",
    "invoices_dated_delete",
    "applications_dated_insert",
    "applications_dated_before",
    "applications_dated_after",
    "applications_dated_delete",
    "payments_dated_insert",
    "payments_dated_before",
    "payments_dated_after",
    "payments_dated_delete",
    "refunds_dated_insert",
    "refunds_dated_before",
    "refunds_dated_after",
    "refunds_dated_delete",
    "credits_dated_insert",
    "credits_dated_before",
    "credits_dated_after",
    "credits_dated_delete",
];

/// The triggers that index each new invoice and payment for search
/// (version 18), also lifted by `suspend`: `rebuild` indexes the run's new
/// rows at once (a million one by one would add seconds). Their update and
/// delete triggers stay, since taking a row out by its id is right whether
/// or not it was indexed yet. With each, the index and the SQL of what it
/// indexes.
pub const SEARCH_KEEPERS: [(&str, &str, &str); 2] = [
    (
        "invoices_search_insert",
        "invoice_search(rowid, number, contract_name)",
        "SELECT id, number, contract_name FROM invoices",
    ),
    ("payments_search_insert", "payment_search(rowid, reference)", "SELECT id, reference FROM payments"),
];

/// Triggers lifted by `suspend`, to be put back by `rebuild`.
#[must_use = "rebuild the summaries before committing"]
pub struct Suspended(Vec<String>);

/// Drops the summary triggers inside `tx` (DDL is transactional in SQLite:
/// a rollback puts them back too).
pub fn suspend(tx: &Transaction<'_>) -> Result<Suspended> {
    let mut saved = Vec::new();
    for name in KEEPERS.iter().chain(SEARCH_KEEPERS.iter().map(|k| &k.0)) {
        let sql: String =
            tx.query_row("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1", [name], |r| r.get(0))?;
        tx.execute_batch(&format!("DROP TRIGGER {name}"))?;
        saved.push(sql);
    }
    mark_new_rows(tx)?;
    Ok(Suspended(saved))
}

/// Notes, for each table the dated events come from, the largest id
/// before the run: the rows past it are the run's new ones
/// (`add_new_dated`). A table without AUTOINCREMENT gives a new row the
/// largest id there is plus one, so a run that deletes the row with the
/// largest id gives its id to the next new row, maybe another customer's.
/// A trigger made for the run lowers the mark to the largest id left
/// whenever that happens: every row past it at that moment is gone, so
/// every row past it at the end is new.
fn mark_new_rows(tx: &Transaction<'_>) -> Result<()> {
    // In the main schema, inside the run's transaction, and gone before it
    // commits: temporary ones left `PRAGMA wal_checkpoint(TRUNCATE)` on the
    // same connection refused with "database table is locked".
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS main.bulk_new_after(source TEXT PRIMARY KEY, after INTEGER NOT NULL);
         DELETE FROM main.bulk_new_after;",
    )?;
    for table in SOURCES.iter().map(|s| s.table) {
        let largest = format!("coalesce((SELECT max(id) FROM main.{table}), 0)");
        tx.execute_batch(&format!(
            "INSERT INTO main.bulk_new_after VALUES ('{table}', {largest});
             DROP TRIGGER IF EXISTS main.bulk_new_after_{table};
             CREATE TRIGGER main.bulk_new_after_{table} AFTER DELETE ON {table} WHEN old.id > {largest}
             BEGIN
                 UPDATE bulk_new_after SET after = min(after, {largest}) WHERE source = '{table}';
             END;"
        ))?;
    }
    Ok(())
}

/// The marks of `mark_new_rows`, in `day_summary::SOURCES`' order, and its
/// table and triggers gone.
fn take_marks(tx: &Transaction<'_>) -> Result<Vec<i64>> {
    let mut marks = Vec::with_capacity(SOURCES.len());
    for table in SOURCES.iter().map(|s| s.table) {
        marks.push(tx.query_row("SELECT after FROM main.bulk_new_after WHERE source = ?1", [table], |r| r.get(0))?);
    }
    forget_marks(tx)?;
    Ok(marks)
}

/// Drops what `mark_new_rows` made, if it is still there.
fn forget_marks(tx: &Transaction<'_>) -> Result<()> {
    for table in SOURCES.iter().map(|s| s.table) {
        tx.execute_batch(&format!("DROP TRIGGER IF EXISTS main.bulk_new_after_{table}"))?;
    }
    Ok(tx.execute_batch("DROP TABLE IF EXISTS main.bulk_new_after")?)
}

/// Adds the dated events of the rows made since `suspend` for customers
/// whose other summaries were kept by `bulk::Deltas` (no row of theirs
/// that was there before changed, or they would be rebuilt): what the
/// triggers would have added, set-based.
pub fn add_new_dated(tx: &Transaction<'_>, customers: &[i64]) -> Result<()> {
    let marks = take_marks(tx)?;
    if customers.is_empty() {
        return Ok(());
    }
    let keep = serde_json::Value::from(customers.to_vec()).to_string();
    // One statement a family of tables over their new rows (id ranges),
    // grouped in the summary's key order; each sums only the measures its
    // rows move. On a million new invoices of 1,000 customers the rows to
    // group are about five million (two an invoice, three an application,
    // one a payment). Every mark is bound, then the customers (`?6`).
    let n = SOURCES.len();
    for family in FAMILIES {
        let filter = |i: usize| {
            format!("{} > ?{} AND customer_id IN (SELECT value FROM json_each(?{}))", SOURCES[i].id, i + 1, n + 1)
        };
        let params = marks.iter().map(|&m| rusqlite::types::Value::from(m)).chain([keep.clone().into()]);
        tx.execute(&add_sql(family, &filter), rusqlite::params_from_iter(params))?;
    }
    Ok(())
}

/// Recomputes the cached applied (and credited) amounts and every summary of these
/// customers from their raw rows, then restores the triggers.
pub fn rebuild(tx: &Transaction<'_>, customers: &[i64], suspended: Suspended) -> Result<()> {
    for &c in customers {
        tx.execute(
            "UPDATE invoices SET (applied_minor, credited_minor) =
                 (SELECT coalesce(sum(amount_minor), 0), coalesce(sum(amount_minor) FILTER (WHERE credit_id IS NOT NULL), 0)
                  FROM applications a WHERE a.invoice_id = invoices.id AND a.removed_on IS NULL)
             WHERE customer_id = ?1",
            [c],
        )?;
        tx.execute(
            "UPDATE payments SET applied_minor =
                 (SELECT coalesce(sum(amount_minor), 0) FROM applications a
                  WHERE a.payment_id = payments.id AND a.removed_on IS NULL)
             WHERE customer_id = ?1",
            [c],
        )?;
        tx.execute(
            "UPDATE credits SET applied_minor =
                 (SELECT coalesce(sum(amount_minor), 0) FROM applications a
                  WHERE a.credit_id = credits.id AND a.removed_on IS NULL)
             WHERE customer_id = ?1",
            [c],
        )?;
        for table in ["customer_summary", "customer_due_summary", "customer_collect_summary", "customer_day_summary"] {
            tx.execute(&format!("DELETE FROM {table} WHERE customer_id = ?1"), [c])?;
        }
        tx.execute(
            "INSERT INTO customer_summary(customer_id, currency, invoice_count, invoice_total_minor, billed_minor,
                    billed_applied_minor, outstanding_minor, payment_count, payment_total_minor, collected_count,
                    collected_minor, unapplied_minor, credit_open_minor, invoice_shown_total_minor,
                    invoice_balance_minor, billed_credited_minor)
             SELECT ?1, currency, sum(ic), sum(it), sum(b), sum(ba), sum(o), sum(pc), sum(pt), sum(cc), sum(cm),
                    sum(u), sum(cr), sum(st), sum(bal), sum(bc)
             FROM (
                SELECT currency, 1 AS ic, total_minor AS it,
                       CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN total_minor ELSE 0 END AS b,
                       CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN applied_minor ELSE 0 END AS ba,
                       CASE WHEN status = 'open' THEN total_minor - applied_minor ELSE 0 END AS o,
                       0 AS pc, 0 AS pt, 0 AS cc, 0 AS cm, 0 AS u, 0 AS cr,
                       CASE WHEN status <> 'cancelled' THEN total_minor ELSE 0 END AS st,
                       CASE WHEN status IN ('open', 'uncollectible') THEN total_minor - applied_minor ELSE 0 END AS bal,
                       CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN credited_minor ELSE 0 END AS bc
                FROM invoices WHERE customer_id = ?1
                UNION ALL
                SELECT currency, 0, 0, 0, 0, 0, 1, amount_minor, status = 'succeeded',
                       CASE WHEN status IN ('succeeded', 'refunded') THEN amount_minor - refunded_minor ELSE 0 END,
                       CASE WHEN status = 'succeeded' THEN amount_minor - refunded_minor - applied_minor ELSE 0 END, 0,
                       0, 0, 0
                FROM payments WHERE customer_id = ?1
                UNION ALL
                SELECT currency, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                       CASE WHEN status = 'issued' THEN amount_minor - applied_minor ELSE 0 END, 0, 0, 0
                FROM credits WHERE customer_id = ?1)
             GROUP BY currency",
            [c],
        )?;
        tx.execute(
            "INSERT INTO customer_due_summary(customer_id, currency, due_date, open_minor)
             SELECT ?1, currency, due_date, sum(total_minor - applied_minor) FROM invoices
             WHERE customer_id = ?1 AND status = 'open' GROUP BY currency, due_date",
            [c],
        )?;
        tx.execute(
            // Split as the triggers keep it (bounds.rs): Σ t / 10^6 and
            // Σ t % 10^6 each fit i64 for any number of rows SQLite can hold.
            // Live applications only; money received before the invoice was
            // issued counts 0 days.
            "INSERT INTO customer_collect_summary(customer_id, currency, received_on, applied_minor, weighted_hi,
                    weighted_lo)
             SELECT ?1, currency, received_on, sum(amount_minor),
                    sum(t / 1000000) + sum(t % 1000000) / 1000000, sum(t % 1000000) % 1000000
             FROM (SELECT p.currency, p.received_on, a.amount_minor,
                          a.amount_minor
                              * max(0, CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)) AS t
                   FROM applications a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id
                   WHERE p.customer_id = ?1 AND a.removed_on IS NULL)
             GROUP BY currency, received_on",
            [c],
        )?;
    }
    for &c in customers {
        // The dated rows of the customer's rows, through the views the
        // triggers read (version 20).
        for family in FAMILIES {
            tx.execute(&add_sql(family, &|_| "customer_id = ?1".to_string()), [c])?;
        }
    }
    // The rows the run made, indexed for search at once: every row the index
    // lacks. Not those past the largest id before the run: a row deleted
    // and made again may take its old id (a table without AUTOINCREMENT
    // gives the largest id again once it is free), and the delete trigger
    // took it out. Rows the run changed were indexed by the update
    // triggers with their new text; rows it deleted are out.
    for (_, index, rows) in SEARCH_KEEPERS {
        let table = index.split('(').next().unwrap_or(index);
        tx.execute_batch(&format!("INSERT INTO {index} {rows} WHERE id NOT IN (SELECT id FROM {table}_docsize)"))?;
    }
    for sql in suspended.0 {
        tx.execute_batch(&sql)?;
    }
    forget_marks(tx)
}
