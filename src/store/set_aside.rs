//! Rows an older ardesk accepted and this one cannot keep (an amount past
//! 10^13 minor units, a date before 1900 or after 2199 — often a
//! spreadsheet's "1899-12-30" for an empty date cell): listed one by one,
//! and, when the user asks for it (`ardesk upgrade --set-aside`), taken out
//! of the ledger so the rest can be upgraded. Nothing is lost: each row goes
//! whole, as JSON, into the audit log (`action = 'set aside'`, the row in
//! `before_json`), where the customer's Activity tab shows it and `ardesk
//! check` lists it. What depends on a row goes with it or is told: its
//! applications are set aside too, an invoice that was paid by one owes
//! again, an invoice or document of a set-aside contract loses the link.

use super::{Result, audit::Audit};
use rusqlite::{Connection, Transaction};

/// One kind of row with its bound: `bad` selects the rows past it, and
/// `describe` says, for people, which row and why.
pub(crate) struct Bound {
    pub table: &'static str,
    pub entity: &'static str,
    /// SQL giving the row's customer.
    pub customer: &'static str,
    pub bad: &'static str,
    pub describe: &'static str,
}

/// Every per-row bound of schema version 2, in the order rows are set aside
/// (applications first: they depend on the others).
pub(crate) const BOUNDS: &[Bound] = &[
    Bound {
        table: "applications",
        entity: "application",
        customer: "(SELECT customer_id FROM invoices i WHERE i.id = applications.invoice_id)",
        bad: "typeof(amount_minor) <> 'integer' OR amount_minor NOT BETWEEN 1 AND 10000000000000
              OR applied_on NOT BETWEEN '1900-01-01' AND '2199-12-31'",
        describe: "'application ' || id || ': ' || amount_minor || ' minor units on ' || applied_on",
    },
    Bound {
        table: "invoices",
        entity: "invoice",
        customer: "customer_id",
        bad: "typeof(total_minor) <> 'integer' OR total_minor NOT BETWEEN 0 AND 10000000000000
              OR issue_date NOT BETWEEN '1900-01-01' AND '2199-12-31' OR due_date NOT BETWEEN '1900-01-01' AND '2199-12-31'
              OR coalesce(period_start, '2000-01-01') NOT BETWEEN '1900-01-01' AND '2199-12-31'
              OR coalesce(period_end, '2000-01-01') NOT BETWEEN '1900-01-01' AND '2199-12-31'",
        describe: "'invoice ' || number || ': total ' || total_minor || ' minor units, issued ' || issue_date
                   || ', due ' || due_date",
    },
    Bound {
        table: "payments",
        entity: "payment",
        customer: "customer_id",
        bad: "typeof(amount_minor) <> 'integer' OR amount_minor NOT BETWEEN 1 AND 10000000000000
              OR received_on NOT BETWEEN '1900-01-01' AND '2199-12-31'",
        describe: "'payment ' || id || ': ' || amount_minor || ' minor units received ' || received_on",
    },
    Bound {
        table: "credits",
        entity: "credit",
        customer: "customer_id",
        bad: "typeof(amount_minor) <> 'integer' OR amount_minor NOT BETWEEN 1 AND 10000000000000
              OR granted_on NOT BETWEEN '1900-01-01' AND '2199-12-31'",
        describe: "'credit ' || id || ': ' || amount_minor || ' minor units granted ' || granted_on",
    },
    Bound {
        table: "contracts",
        entity: "contract",
        customer: "customer_id",
        bad: "typeof(value_minor) <> 'integer' OR value_minor NOT BETWEEN 0 AND 10000000000000
              OR period_start NOT BETWEEN '1900-01-01' AND '2199-12-31'
              OR coalesce(period_end, '2000-01-01') NOT BETWEEN '1900-01-01' AND '2199-12-31'",
        describe: "'contract ' || name || ': value ' || value_minor || ', from ' || period_start || ' to '
                   || coalesce(period_end, '…')",
    },
    Bound {
        table: "conversations",
        entity: "conversation",
        customer: "customer_id",
        bad: "opened_on NOT BETWEEN '1900-01-01' AND '2199-12-31'
              OR coalesce(resolved_on, '2000-01-01') NOT BETWEEN '1900-01-01' AND '2199-12-31'",
        describe: "'conversation ' || id || ': opened ' || opened_on",
    },
];

/// Sums of one customer past `MAX_CUSTOMER_TOTAL_MINOR`. These are not set
/// aside (no one row is wrong); such a database stays at its version.
/// `total()` adds in floating point, so the test itself cannot overflow; it
/// is exact far below the bound, and the CHECK is exact at it.
pub(crate) const TOTALS: &[&str] = &[
    "SELECT 'customer ' || customer_id || ': invoices in ' || currency || ' total more than 10^17 minor units'
     FROM invoices GROUP BY customer_id, currency HAVING total(total_minor) > 1e17",
    "SELECT 'customer ' || customer_id || ': payments in ' || currency || ' total more than 10^17 minor units'
     FROM payments GROUP BY customer_id, currency HAVING total(amount_minor) > 1e17",
    "SELECT 'customer ' || customer_id || ': credit in ' || currency || ' totals more than 10^17 minor units'
     FROM credits GROUP BY customer_id, currency HAVING total(amount_minor) > 1e17",
];

/// What every bound finds, described; the customer totals last.
pub(crate) fn find(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for b in BOUNDS {
        let mut stmt = conn.prepare(&format!("SELECT {} FROM {} WHERE {}", b.describe, b.table, b.bad))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    out.extend(totals(conn)?);
    Ok(out)
}

/// The customer totals past the bound, described.
pub(crate) fn totals(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for sql in TOTALS {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    Ok(out)
}

/// A JSON object of a whole row of `table` (blobs as hex), for the audit log.
fn row_json(conn: &Connection, table: &str) -> Result<String> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let cols: Vec<String> = stmt.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let parts: Vec<String> = cols
        .iter()
        .map(|c| format!("'{c}', CASE typeof(\"{c}\") WHEN 'blob' THEN hex(\"{c}\") ELSE \"{c}\" END"))
        .collect();
    Ok(format!("json_object({})", parts.join(", ")))
}

/// Takes every row past its bound out of the ledger inside `tx` (on the
/// schema of version 1, before the upgrade runs in the same transaction),
/// recording each whole in the audit log. Returns what was set aside, for
/// the user.
pub(crate) fn set_aside(tx: &Transaction<'_>, who: &str) -> Result<Vec<String>> {
    let mut done = Vec::new();
    // The applications of rows that go, then the rows themselves.
    let dependants = [("invoices", "invoice_id"), ("payments", "payment_id"), ("credits", "credit_id")];
    let apps = &BOUNDS[0];
    take(tx, who, apps, apps.bad, "outside ardesk's range", &mut done)?;
    for (parent, column) in dependants {
        let b = BOUNDS.iter().find(|b| b.table == parent).map_or("0", |b| b.bad);
        let condition = format!("{column} IN (SELECT id FROM {parent} WHERE {b})");
        take(tx, who, apps, &condition, "its invoice, payment or credit is set aside", &mut done)?;
    }
    // Invoices that were paid by what went owe again.
    let reopened: Vec<(i64, i64, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, customer_id, number FROM invoices WHERE status = 'paid' AND applied_minor < total_minor",
        )?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?
    };
    for (id, customer_id, number) in reopened {
        tx.execute("UPDATE invoices SET status = 'open', version = version + 1 WHERE id = ?1", [id])?;
        let summary = format!("{number} owes again: money applied to it was set aside during the upgrade");
        Audit {
            customer_id: Some(customer_id),
            entity: "invoice",
            entity_id: Some(id),
            action: "reopen",
            summary: summary.clone(),
            before: Some(serde_json::json!({"status": "paid"})),
            after: Some(serde_json::json!({"status": "open"})),
        }
        .write(tx, who)?;
        done.push(summary);
    }
    // Links to a contract that goes are cut, and the cut recorded.
    if let Some(c) = BOUNDS.iter().find(|b| b.table == "contracts") {
        for (table, entity, label) in [("invoices", "invoice", "number"), ("documents", "document", "name")] {
            let cut: Vec<(i64, i64, String, String)> = {
                let mut stmt = tx.prepare(&format!(
                    "SELECT t.id, t.customer_id, t.{label}, k.name FROM {table} t JOIN contracts k ON k.id = t.contract_id
                     WHERE t.contract_id IN (SELECT id FROM contracts WHERE {})",
                    c.bad
                ))?;
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                    .collect::<rusqlite::Result<_>>()?
            };
            let clear_name = if table == "invoices" { ", contract_name = ''" } else { "" };
            for (id, customer_id, what, contract) in cut {
                tx.execute(&format!("UPDATE {table} SET contract_id = NULL{clear_name} WHERE id = ?1"), [id])?;
                let summary =
                    format!("{what} no longer belongs to contract {contract}, which was set aside during the upgrade");
                Audit {
                    customer_id: Some(customer_id),
                    entity,
                    entity_id: Some(id),
                    action: "unlink",
                    summary: summary.clone(),
                    before: Some(serde_json::json!({"contract": contract})),
                    after: Some(serde_json::json!({"contract": null})),
                }
                .write(tx, who)?;
                done.push(summary);
            }
        }
    }
    for b in &BOUNDS[1..] {
        take(tx, who, b, b.bad, "outside ardesk's range", &mut done)?;
    }
    Ok(done)
}

/// Sets aside the rows of `b.table` that meet `condition`.
fn take(tx: &Transaction<'_>, who: &str, b: &Bound, condition: &str, why: &str, done: &mut Vec<String>) -> Result<()> {
    let sql = format!(
        "SELECT id, {}, {}, {} FROM {} WHERE {condition}",
        b.customer,
        b.describe,
        row_json(tx, b.table)?,
        b.table
    );
    let rows: Vec<(i64, Option<i64>, String, String)> = {
        let mut stmt = tx.prepare(&sql)?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<rusqlite::Result<_>>()?
    };
    for (id, customer_id, what, json) in rows {
        let summary = format!("set aside during the upgrade to schema version 2: {what} ({why})");
        let before = serde_json::from_str(&json).ok();
        Audit {
            customer_id,
            entity: b.entity,
            entity_id: Some(id),
            action: "set aside",
            summary: summary.clone(),
            before,
            after: None,
        }
        .write(tx, who)?;
        tx.execute(&format!("DELETE FROM {} WHERE id = ?1", b.table), [id])?;
        done.push(summary);
    }
    Ok(())
}

/// What earlier upgrades set aside, as `check` lists it.
pub(crate) fn listed(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT summary FROM audit_log WHERE action = 'set aside' ORDER BY id")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
