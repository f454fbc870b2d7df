//! `ardesk check`: SQLite's own checks, the money-model invariants, and every
//! summary recomputed from the raw rows.

use super::{Result, Store};
use crate::domain::metrics::MetricParts;
use chrono::NaiveDate;

/// Invariant queries: each returns one text column describing a violation.
const INVARIANTS: &[(&str, &str)] = &[
    (
        "invoice applied amount differs from its applications",
        "SELECT i.number || ': cached ' || i.applied_minor || ', applications ' || s
         FROM (SELECT i.*, (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.invoice_id = i.id) AS s
               FROM invoices i) i WHERE i.applied_minor <> i.s",
    ),
    (
        "payment applied amount differs from its applications",
        "SELECT 'payment ' || p.id || ': cached ' || p.applied_minor || ', applications ' || s
         FROM (SELECT p.*, (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.payment_id = p.id) AS s
               FROM payments p) p WHERE p.applied_minor <> p.s",
    ),
    (
        "credit applied amount differs from its applications",
        "SELECT 'credit ' || c.id || ': cached ' || c.applied_minor || ', applications ' || s
         FROM (SELECT c.*, (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.credit_id = c.id) AS s
               FROM credits c) c WHERE c.applied_minor <> c.s",
    ),
    (
        "invoice's contract name differs from its contract",
        "SELECT i.number FROM invoices i LEFT JOIN contracts c ON c.id = i.contract_id
         WHERE i.contract_name <> coalesce(c.name, '')",
    ),
    (
        "negative open balance",
        "SELECT i.number FROM invoices i
         WHERE i.total_minor < (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.invoice_id = i.id)",
    ),
    (
        "applications exceed their payment",
        "SELECT 'payment ' || p.id FROM payments p
         WHERE p.amount_minor - p.refunded_minor
               < (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.payment_id = p.id)",
    ),
    (
        "applications exceed their credit",
        "SELECT 'credit ' || c.id FROM credits c
         WHERE c.amount_minor < (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.credit_id = c.id)",
    ),
    (
        "money applied from a payment that did not succeed",
        "SELECT 'payment ' || p.id || ' (' || p.status || ')' FROM payments p
         WHERE p.status <> 'succeeded' AND EXISTS (SELECT 1 FROM applications a WHERE a.payment_id = p.id)",
    ),
    (
        "paid status does not match applications",
        "SELECT i.number || ' is ' || i.status || ' with ' || s || ' of ' || i.total_minor || ' applied'
         FROM (SELECT i.*, (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.invoice_id = i.id) AS s
               FROM invoices i) i
         WHERE (i.status = 'paid' AND s <> i.total_minor) OR (i.status = 'open' AND s >= i.total_minor)
            OR (i.status IN ('draft', 'cancelled') AND s <> 0)",
    ),
    (
        "application across customers or currencies",
        "SELECT 'application ' || a.id FROM applications a
         JOIN invoices i ON i.id = a.invoice_id
         LEFT JOIN payments p ON p.id = a.payment_id LEFT JOIN credits c ON c.id = a.credit_id
         WHERE i.customer_id <> coalesce(p.customer_id, c.customer_id) OR i.currency <> coalesce(p.currency, c.currency)",
    ),
    (
        "customer with contacts but no valid primary contact",
        "SELECT cu.name FROM customers cu
         WHERE EXISTS (SELECT 1 FROM contacts ct WHERE ct.customer_id = cu.id)
           AND NOT EXISTS (SELECT 1 FROM contacts ct WHERE ct.id = cu.primary_contact_id AND ct.customer_id = cu.id)",
    ),
    (
        "document without content, or with content of another size",
        "SELECT d.name FROM documents d
         WHERE d.size_bytes <> (SELECT coalesce(sum(length(c.content)), 0) FROM document_content c WHERE c.document_id = d.id)",
    ),
    (
        "open balance by due date differs from the invoices",
        // Both ways round: a summary row the invoices do not back, and
        // invoices whose summary row is missing or different.
        "WITH s AS (SELECT customer_id, currency, due_date, sum(open_minor) AS v FROM customer_due_summary
                    GROUP BY 1, 2, 3 HAVING v <> 0),
              r AS (SELECT i.customer_id, i.currency, i.due_date,
                           sum(i.total_minor - (SELECT coalesce(sum(amount_minor), 0) FROM applications a
                                                WHERE a.invoice_id = i.id)) AS v
                    FROM invoices i WHERE i.status = 'open' GROUP BY 1, 2, 3 HAVING v <> 0)
         SELECT DISTINCT customer_id || ' ' || currency || ' ' || due_date FROM (
            SELECT * FROM (SELECT * FROM s EXCEPT SELECT * FROM r)
            UNION ALL
            SELECT * FROM (SELECT * FROM r EXCEPT SELECT * FROM s))
         ORDER BY 1",
    ),
    (
        "collections by payment date differ from the applications",
        // Both ways round, like the due dates: a missing row for a payment
        // date outside today's 365-day window changes no figure today.
        "WITH s AS (SELECT customer_id, currency, received_on, applied_minor, weighted_minor
                    FROM customer_collect_summary WHERE applied_minor <> 0 OR weighted_minor <> 0),
              r AS (SELECT p.customer_id, p.currency, p.received_on, sum(a.amount_minor),
                           sum(a.amount_minor * CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER))
                    FROM applications a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id
                    GROUP BY 1, 2, 3)
         SELECT DISTINCT customer_id || ' ' || currency || ' ' || received_on FROM (
            SELECT * FROM (SELECT * FROM s EXCEPT SELECT * FROM r)
            UNION ALL
            SELECT * FROM (SELECT * FROM r EXCEPT SELECT * FROM s))
         ORDER BY 1",
    ),
];

/// How many examples of one violation are listed.
const EXAMPLES: usize = 5;

impl Store {
    /// Runs every check and returns what is wrong; empty means consistent.
    pub fn check(&self, today: NaiveDate) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn().prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        if rows != ["ok"] {
            problems.extend(rows.into_iter().map(|r| format!("integrity_check: {r}")));
        }
        let mut stmt = self.conn().prepare("PRAGMA foreign_key_check")?;
        let fk: Vec<String> = stmt
            .query_map([], |r| {
                Ok(format!(
                    "foreign key: {} row {:?} → {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, String>(2)?
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        problems.extend(fk);
        for (what, sql) in INVARIANTS {
            let mut stmt = self.conn().prepare(sql)?;
            let found: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            if !found.is_empty() {
                let shown: Vec<&str> = found.iter().take(EXAMPLES).map(String::as_str).collect();
                problems.push(format!("{what}: {} ({} in all)", shown.join("; "), found.len()));
            }
        }
        for id in self.customer_ids()? {
            let strip = |m: super::metrics::PartsByCurrency| {
                m.into_iter().filter(|(_, p)| *p != MetricParts::default()).collect::<Vec<_>>()
            };
            let fast = strip(self.metric_parts(id, today)?);
            let slow = strip(self.metric_parts_oracle(id, today)?);
            if fast != slow {
                problems.push(format!("customer {id}: summaries {fast:?} differ from recomputation {slow:?}"));
            }
        }
        Ok(problems)
    }
}
