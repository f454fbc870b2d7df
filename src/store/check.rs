//! `ardesk check`: SQLite's own checks, the money-model invariants, and every
//! summary recomputed from the raw rows.

use super::metrics::AllParts;
use super::{Result, Store};
use crate::domain::metrics::{Conversations, MetricParts, Metrics};
use chrono::NaiveDate;

/// Invariant queries: each returns one text column describing a violation.
/// PostgreSQL's check runs the same, by title (`pg::check`).
pub(super) const INVARIANTS: &[(&str, &str)] = &[
    (
        "invoice applied amount differs from its applications",
        "SELECT i.number || ': cached ' || i.applied_minor || ', applications ' || s
         FROM (SELECT i.*, (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.removed_on IS NULL AND a.invoice_id = i.id) AS s
               FROM invoices i) i WHERE i.applied_minor <> i.s",
    ),
    (
        "payment applied amount differs from its applications",
        "SELECT 'payment ' || p.id || ': cached ' || p.applied_minor || ', applications ' || s
         FROM (SELECT p.*, (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.removed_on IS NULL AND a.payment_id = p.id) AS s
               FROM payments p) p WHERE p.applied_minor <> p.s",
    ),
    (
        "credit applied amount differs from its applications",
        "SELECT 'credit ' || c.id || ': cached ' || c.applied_minor || ', applications ' || s
         FROM (SELECT c.*, (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.removed_on IS NULL AND a.credit_id = c.id) AS s
               FROM credits c) c WHERE c.applied_minor <> c.s",
    ),
    (
        "invoice credited amount differs from its applications of credit",
        "SELECT i.number || ': cached ' || i.credited_minor || ', applications of credit ' || s
         FROM (SELECT i.*, (SELECT coalesce(sum(amount_minor), 0) FROM applications a
                            WHERE a.removed_on IS NULL AND a.credit_id IS NOT NULL AND a.invoice_id = i.id) AS s
               FROM invoices i) i WHERE i.credited_minor <> i.s",
    ),
    (
        // Compared with the cached applied amount, which the first rule
        // compares with the applications: one pass, no second sum.
        "invoice balance differs from its total less what was applied",
        "SELECT number || ' (' || status || '): stored ' || balance_minor || ', total ' || total_minor
                || ' less ' || applied_minor || ' applied'
         FROM invoices
         WHERE balance_minor IS NOT CASE WHEN status IN ('open', 'uncollectible') THEN total_minor - applied_minor
                                         ELSE 0 END",
    ),
    (
        "invoice's contract name differs from its contract",
        "SELECT i.number FROM invoices i LEFT JOIN contracts c ON c.id = i.contract_id
         WHERE i.contract_name <> coalesce(c.name, '')",
    ),
    (
        "negative open balance",
        "SELECT i.number FROM invoices i
         WHERE i.total_minor < (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.removed_on IS NULL AND a.invoice_id = i.id)",
    ),
    (
        "payment refunded amount differs from its refunds",
        "SELECT 'payment ' || p.id || CASE WHEN p.reference <> '' THEN ' (' || p.reference || ')' ELSE '' END
                || ': refunded ' || p.refunded_minor || ', refunds ' || s
         FROM (SELECT p.*, (SELECT coalesce(sum(amount_minor), 0) FROM refunds r WHERE r.payment_id = p.id) AS s
               FROM payments p) p WHERE p.refunded_minor <> p.s",
    ),
    (
        "refunds of a payment that did not succeed",
        "SELECT 'payment ' || p.id || CASE WHEN p.reference <> '' THEN ' (' || p.reference || ')' ELSE '' END
                || ' is ' || p.status
         FROM payments p
         WHERE p.status NOT IN ('succeeded', 'refunded') AND EXISTS (SELECT 1 FROM refunds r WHERE r.payment_id = p.id)",
    ),
    (
        "applications exceed their payment",
        "SELECT 'payment ' || p.id FROM payments p
         WHERE p.amount_minor - p.refunded_minor
               < (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.removed_on IS NULL AND a.payment_id = p.id)",
    ),
    (
        "applications exceed their credit",
        "SELECT 'credit ' || c.id FROM credits c
         WHERE c.amount_minor < (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.removed_on IS NULL AND a.credit_id = c.id)",
    ),
    (
        "a voided credit is still applied",
        "SELECT 'credit ' || c.id || coalesce(' (' || c.number || ')', '') FROM credits c
         WHERE c.status = 'voided' AND EXISTS (SELECT 1 FROM applications a WHERE a.removed_on IS NULL AND a.credit_id = c.id)",
    ),
    (
        "a credit note without a number, or a number on another kind of credit",
        "SELECT 'credit ' || c.id FROM credits c WHERE (c.kind = 'credit_note') <> (c.number IS NOT NULL)",
    ),
    (
        "lines on a credit that is not a credit note",
        "SELECT DISTINCT 'credit ' || c.id FROM credit_note_lines l JOIN credits c ON c.id = l.credit_id
         WHERE c.kind <> 'credit_note'",
    ),
    (
        "an adjustment without its invoice, or applied elsewhere",
        "SELECT 'credit ' || c.id FROM credits c WHERE c.kind = 'adjustment'
           AND (c.invoice_id IS NULL OR EXISTS (SELECT 1 FROM applications a
                WHERE a.credit_id = c.id AND a.invoice_id IS NOT c.invoice_id))",
    ),
    (
        "a credit's invoice is another customer's or in another currency",
        "SELECT 'credit ' || c.id FROM credits c JOIN invoices i ON i.id = c.invoice_id
         WHERE i.customer_id <> c.customer_id OR i.currency <> c.currency",
    ),
    (
        "money applied from a payment that did not succeed",
        "SELECT 'payment ' || p.id || ' (' || p.status || ')' FROM payments p
         WHERE p.status <> 'succeeded' AND EXISTS (SELECT 1 FROM applications a WHERE a.removed_on IS NULL AND a.payment_id = p.id)",
    ),
    (
        "paid status does not match applications",
        "SELECT i.number || ' is ' || i.status || ' with ' || s || ' of ' || i.total_minor || ' applied'
         FROM (SELECT i.*, (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.removed_on IS NULL AND a.invoice_id = i.id) AS s
               FROM invoices i) i
         WHERE (i.status = 'paid' AND s <> i.total_minor) OR (i.status = 'open' AND s >= i.total_minor)
            OR (i.status IN ('draft', 'cancelled') AND s <> 0)",
    ),
    (
        // Schema 13's CHECK ties the date to the status; the order of the
        // dates is this rule's alone (a cancellation dates from the issue
        // date at the earliest: `cancel_date`).
        "cancellation date on an invoice that is not cancelled, or before its issue date",
        "SELECT number || ' (' || status || ') cancelled on ' || cancelled_on
                || CASE WHEN status = 'cancelled' THEN ', issued ' || issue_date ELSE '' END
         FROM invoices
         WHERE cancelled_on IS NOT NULL AND (status <> 'cancelled' OR cancelled_on < issue_date)",
    ),
    (
        "application across customers or currencies",
        "SELECT 'application ' || a.id FROM applications a
         JOIN invoices i ON i.id = a.invoice_id
         LEFT JOIN payments p ON p.id = a.payment_id LEFT JOIN credits c ON c.id = a.credit_id
         WHERE i.customer_id <> coalesce(p.customer_id, c.customer_id) OR i.currency <> coalesce(p.currency, c.currency)",
    ),
    (
        // Collections (schema 16): what a conversation, a promise or a
        // pause names is its customer's. (A conversation resolved before
        // it was opened is not listed: rows from before say nothing else.)
        "a conversation's invoice is another customer's",
        "SELECT 'conversation ' || cv.id || ' (customer ' || cv.customer_id || '): invoice ' || i.number
                || ' is customer ' || i.customer_id || '''s'
         FROM conversation_invoices ci JOIN conversations cv ON cv.id = ci.conversation_id
         JOIN invoices i ON i.id = ci.invoice_id
         WHERE i.customer_id <> cv.customer_id",
    ),
    (
        "a promise's invoice is another customer's",
        "SELECT 'promise ' || pr.id || ' (customer ' || pr.customer_id || '): invoice ' || i.number
                || ' is customer ' || i.customer_id || '''s'
         FROM promise_invoices pi JOIN promises pr ON pr.id = pi.promise_id
         JOIN invoices i ON i.id = pi.invoice_id
         WHERE i.customer_id <> pr.customer_id",
    ),
    (
        "a promise's customer is not its conversation's, or its currency not the customer's",
        "SELECT 'promise ' || pr.id || ': ' || CASE
                    WHEN pr.customer_id <> cv.customer_id THEN 'customer ' || pr.customer_id
                         || ', its conversation ' || cv.id || ' customer ' || cv.customer_id
                    ELSE 'in ' || pr.currency || ', customer ' || pr.customer_id || ' in '
                         || coalesce(cu.currency, '(no customer)') END
         FROM promises pr JOIN conversations cv ON cv.id = pr.conversation_id
         LEFT JOIN customers cu ON cu.id = pr.customer_id
         WHERE pr.customer_id <> cv.customer_id OR pr.currency IS NOT cu.currency",
    ),
    (
        "a pause's customer is not its invoice's",
        "SELECT 'pause ' || ip.id || ' of invoice ' || i.number || ': customer ' || ip.customer_id
                || ', the invoice is customer ' || i.customer_id || '''s'
         FROM invoice_pauses ip JOIN invoices i ON i.id = ip.invoice_id
         WHERE ip.customer_id <> i.customer_id",
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
                                                WHERE a.invoice_id = i.id AND a.removed_on IS NULL)) AS v
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
        "WITH s AS (SELECT customer_id, currency, received_on, applied_minor AS a, weighted_hi AS h, weighted_lo AS l
                    FROM customer_collect_summary WHERE applied_minor <> 0 OR weighted_hi <> 0 OR weighted_lo <> 0),
              r AS (SELECT customer_id, currency, received_on, sum(amount_minor) AS a,
                           sum(t / 1000000) AS h, sum(t % 1000000) AS l
                    FROM (SELECT p.customer_id, p.currency, p.received_on, a.amount_minor,
                                 a.amount_minor
                                     * max(0, CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)) AS t
                          FROM applications a JOIN payments p ON p.id = a.payment_id
                          JOIN invoices i ON i.id = a.invoice_id
                          WHERE a.removed_on IS NULL)
                    GROUP BY 1, 2, 3),
              -- The same number may be split two ways (3, -5 or 2, 999995):
              -- compared in the form with 0 <= lo < 10^6.
              sc AS (SELECT customer_id, currency, received_on, a, h + (l - ((l % 1000000) + 1000000) % 1000000) / 1000000,
                            ((l % 1000000) + 1000000) % 1000000 FROM s),
              rc AS (SELECT customer_id, currency, received_on, a, h + (l - ((l % 1000000) + 1000000) % 1000000) / 1000000,
                            ((l % 1000000) + 1000000) % 1000000 FROM r)
         SELECT DISTINCT customer_id || ' ' || currency || ' ' || received_on FROM (
            SELECT * FROM (SELECT * FROM sc EXCEPT SELECT * FROM rc)
            UNION ALL
            SELECT * FROM (SELECT * FROM rc EXCEPT SELECT * FROM sc))
         ORDER BY 1",
    ),
];

/// Summary columns that hold money or counts: each must be an integer (a
/// sum that overflowed became a REAL in a database before version 2).
const SUMMARY_TYPES: &str = "
    SELECT 'customer ' || customer_id || ' ' || currency || ': a summary holds a '
           || typeof(invoice_total_minor + billed_minor + billed_applied_minor + outstanding_minor + payment_total_minor
                     + collected_minor + unapplied_minor + credit_open_minor + invoice_count + payment_count
                     + invoice_shown_total_minor + invoice_balance_minor + billed_credited_minor)
    FROM customer_summary
    WHERE typeof(invoice_total_minor) <> 'integer' OR typeof(billed_minor) <> 'integer'
       OR typeof(billed_applied_minor) <> 'integer' OR typeof(outstanding_minor) <> 'integer'
       OR typeof(payment_total_minor) <> 'integer' OR typeof(collected_minor) <> 'integer'
       OR typeof(unapplied_minor) <> 'integer' OR typeof(credit_open_minor) <> 'integer'
       OR typeof(invoice_count) <> 'integer' OR typeof(payment_count) <> 'integer'
       OR typeof(invoice_shown_total_minor) <> 'integer' OR typeof(invoice_balance_minor) <> 'integer'
       OR typeof(billed_credited_minor) <> 'integer'
    UNION ALL
    SELECT 'customer ' || customer_id || ' ' || currency || ' due ' || due_date || ': open balance is a ' || typeof(open_minor)
    FROM customer_due_summary WHERE typeof(open_minor) <> 'integer'";

/// The dated summary (version 20) against the dated rows the views make of
/// the raw rows, both ways round; rows at zero mean nothing either way. The
/// summary is grouped by its key (a no-op on the table, in its order; an
/// older file's view gives a row per measure).
fn dated_differences() -> String {
    use super::day_summary::{COLUMNS, expected_sql};
    let sums = COLUMNS.iter().map(|c| format!("sum({c}) AS {c}")).collect::<Vec<_>>().join(", ");
    let any = COLUMNS.iter().map(|c| format!("sum({c}) <> 0")).collect::<Vec<_>>().join(" OR ");
    format!(
        "WITH s AS (SELECT customer_id, day, currency, on_date, {sums} FROM customer_day_summary
                    GROUP BY 1, 2, 3, 4 HAVING {any}),
              r AS ({})
         SELECT DISTINCT 'customer ' || customer_id || ' ' || currency || ' on ' || day
                         || iif(on_date <> '', ' (dated ' || on_date || ')', '')
         FROM (SELECT * FROM (SELECT * FROM s EXCEPT SELECT * FROM r)
               UNION ALL
               SELECT * FROM (SELECT * FROM r EXCEPT SELECT * FROM s))
         ORDER BY 1",
        expected_sql()
    )
}

/// Each currency code stored, where, and how many times (PostgreSQL runs
/// it too).
pub(super) const CURRENCIES: &str = "
    SELECT currency, 'customers', count(*) FROM customers GROUP BY 1
    UNION ALL SELECT currency, 'invoices', count(*) FROM invoices GROUP BY 1
    UNION ALL SELECT currency, 'payments', count(*) FROM payments GROUP BY 1
    UNION ALL SELECT currency, 'credits', count(*) FROM credits GROUP BY 1
    UNION ALL SELECT currency, 'contracts', count(*) FROM contracts GROUP BY 1
    UNION ALL SELECT default_currency, 'the organization''s default', 1 FROM organization";

/// A row of `CURRENCIES` whose code ISO 4217 does not know, said.
pub(super) fn unknown_currency(code: &str, table: &str, n: i64) -> Option<String> {
    crate::domain::currency::minor_units(code)
        .is_none()
        .then(|| format!("currency {code:?} is not one ISO 4217 knows: {n} row(s) of {table} (kept as they are)"))
}

/// How many examples of one violation are listed.
pub(super) const EXAMPLES: usize = 5;

/// How many customers whose figures differ are listed one by one.
const CUSTOMERS_LISTED: usize = 20;

/// A text column read whatever its bytes: damaged rows are reported, not
/// fatal.
fn lossy(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<String> {
    use rusqlite::types::ValueRef;
    Ok(match r.get_ref(i)? {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(v) => v.to_string(),
        ValueRef::Real(v) => v.to_string(),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    })
}

impl Store {
    /// Runs every check and returns what is wrong; empty means consistent.
    /// It never stops at a damaged row or table: a check that cannot run
    /// is itself listed, with SQLite's reason, and the others go on.
    pub fn check(&self, today: NaiveDate) -> Result<Vec<String>> {
        self.check_saying(today, &mut |_| {})
    }

    /// `check`, telling `step` what it checks as it goes (14 s on 800,000
    /// invoices: the command line shows it on a terminal).
    pub fn check_saying(&self, today: NaiveDate, step: &mut dyn FnMut(&str)) -> Result<Vec<String>> {
        // Its sorts over every row (the search indexes compared, every
        // customer's figures) spill to a temporary file rather than memory:
        // on a million imported invoices peak RSS went from 894 MiB to 48 MiB,
        // in the same 72 s (2026-12-07). Only on a current file read as things are:
        // changing `temp_store` drops the temporary views an older file, or
        // a reading as of a date, goes through.
        let spill = self.version == super::SCHEMA_VERSION && self.as_of().is_none();
        if spill {
            self.conn().execute_batch("PRAGMA temp_store = FILE")?;
        }
        let found = self.check_each(today, step);
        if spill {
            self.conn().execute_batch("PRAGMA temp_store = MEMORY")?;
        }
        found
    }

    fn check_each(&self, today: NaiveDate, step: &mut dyn FnMut(&str)) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let list = |what: &str, sql: &str, problems: &mut Vec<String>| match self.texts(sql) {
            Ok(found) if found.is_empty() => {}
            Ok(found) if what.is_empty() => problems.extend(found),
            Ok(found) => {
                let shown: Vec<&str> = found.iter().take(EXAMPLES).map(String::as_str).collect();
                problems.push(format!("{what}: {} ({} in all)", shown.join("; "), found.len()));
            }
            Err(e) => {
                problems.push(format!("could not check {}: {e}", if what.is_empty() { "foreign keys" } else { what }))
            }
        };
        step("SQLite's integrity check");
        match self.texts("PRAGMA integrity_check(100)") {
            Ok(rows) => {
                problems.extend(rows.into_iter().filter(|r| r != "ok").map(|r| format!("integrity_check: {r}")))
            }
            Err(e) => problems.push(format!("integrity_check could not run: {e} (restore the file from a backup)")),
        }
        step("references");
        list(
            "",
            "SELECT 'foreign key: ' || \"table\" || ' row ' || coalesce(rowid, '?') || ' → ' || parent FROM pragma_foreign_key_check",
            &mut problems,
        );
        step("the schema");
        match self.schema_problems() {
            Ok(found) => problems.extend(found),
            Err(e) => problems.push(format!("could not read the schema: {e}")),
        }
        step("amounts and dates");
        for b in super::set_aside::BOUNDS {
            list("out of range", &format!("SELECT {} FROM {} WHERE {}", b.describe, b.table, b.bad), &mut problems);
        }
        for sql in super::set_aside::TOTALS {
            list("out of range", sql, &mut problems);
        }
        list("summary that is not an integer", SUMMARY_TYPES, &mut problems);
        step("currencies");
        match self.unknown_currencies() {
            Ok(found) => problems.extend(found),
            Err(e) => problems.push(format!("could not check the currencies: {e}")),
        }
        for (n, (what, sql)) in INVARIANTS.iter().enumerate() {
            step(&format!("the money's rules ({} of {})", n + 1, INVARIANTS.len()));
            list(what, sql, &mut problems);
        }
        step("the figures as of past dates");
        list("the figures as of past dates differ from the rows", &dated_differences(), &mut problems);
        step("the customers list's search index and order");
        match self.list_index_problems() {
            Ok(found) => problems.extend(found),
            Err(e) => problems.push(format!("could not compare the customers list's indexes: {e}")),
        }
        step("the search indexes of invoices and payments");
        match self.text_index_problems() {
            Ok(found) => problems.extend(found),
            Err(e) => problems.push(format!("could not compare the search indexes of invoices and payments: {e}")),
        }
        step("the imported rows kept");
        match super::kept::problems(self.conn()) {
            Ok(found) => problems.extend(found),
            Err(e) => problems.push(format!("could not check the imported rows kept: {e}")),
        }
        step("every customer's figures against its rows");
        match self.all_figures_compared(today) {
            Ok(found) => problems.extend(found),
            Err(e) => problems.push(format!("could not compare the summaries with the raw rows: {e}")),
        }
        Ok(problems)
    }

    /// What is worth knowing but is no inconsistency: rows an upgrade set
    /// aside at the user's request (kept whole in the audit log).
    pub fn check_notes(&self) -> Result<Vec<String>> {
        super::set_aside::listed(self.conn())
    }

    /// Currency codes stored that ISO 4217 does not know (an older ardesk
    /// took any three letters): kept, and listed with where they are.
    fn unknown_currencies(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(CURRENCIES)?;
        let rows = stmt.query_map([], |r| Ok((lossy(r, 0)?, lossy(r, 1)?, r.get::<_, i64>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (code, table, n) = row?;
            out.extend(unknown_currency(&code, &table, n));
        }
        Ok(out)
    }

    /// One text per row of `sql`.
    pub(super) fn texts(&self, sql: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(sql)?;
        let rows = stmt.query_map([], |r| lossy(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How the live schema differs from what its version should have.
    fn schema_problems(&self) -> Result<Vec<String>> {
        let version: i64 = self.conn().query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let live = super::schema::live(self.conn())?;
        let expected = super::schema::expected(version.clamp(0, super::SCHEMA_VERSION))?;
        Ok(super::schema::differences(self.conn(), &live, expected)
            .into_iter()
            .map(|d| format!("schema (version {version}): {d}"))
            .collect())
    }

    /// Every customer's figures from the summaries against the same
    /// recomputed from the raw rows, all customers at once (a query per
    /// figure, not per customer: 100,000 customers in seconds).
    fn all_figures_compared(&self, today: NaiveDate) -> Result<Vec<String>> {
        Ok(figures_compared(self.all_parts(today)?, self.all_parts_oracle(today)?))
    }
}

/// Every customer's figures read from the summaries (`fast`) against the
/// same recomputed from the raw rows (`slow`), on either backend: what
/// differs, the first `CUSTOMERS_LISTED` customers one by one.
pub(super) fn figures_compared(fast: AllParts, slow: AllParts) -> Vec<String> {
    let strip = |m: AllParts| m.into_iter().filter(|(_, p)| *p != MetricParts::default()).collect::<AllParts>();
    let (fast, slow) = (strip(fast), strip(slow));
    let mut keys: Vec<&(i64, String)> = fast.keys().chain(slow.keys()).collect();
    keys.sort();
    keys.dedup();
    let differing: Vec<String> = keys
        .into_iter()
        .filter_map(|k| {
            let (id, cur) = k;
            let (f, s) = (fast.get(k), slow.get(k));
            if f != s {
                return Some(format!("customer {id}: summaries in {cur} {f:?} differ from recomputation {s:?}"));
            }
            // The same sums: the cards must follow from them the same
            // way by the formulas and by the oracle's own arithmetic.
            let (p, currency) = (f?, cur.parse().ok()?);
            let none = Conversations::default();
            let (formula, plain) = (Metrics::from_parts(currency, p, none), super::oracle::cards(currency, p, none));
            (formula != plain)
                .then(|| format!("customer {id}: the cards in {cur} {formula:?} differ from the oracle's {plain:?}"))
        })
        .collect();
    let more = differing.len().saturating_sub(CUSTOMERS_LISTED);
    let mut out: Vec<String> = differing.into_iter().take(CUSTOMERS_LISTED).collect();
    if more > 0 {
        out.push(format!("and {more} more customers whose summaries differ from their rows"));
    }
    out
}
