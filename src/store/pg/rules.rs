//! The texts `check` runs on PostgreSQL where SQLite's do not run here
//! (`pg::check` runs them): the money's rules by their titles, the
//! customers' totals, the customers list's order and the dated summary.

use super::super::check::INVARIANTS;
use super::super::day_summary::{COLUMNS, SOURCES};

/// The rules of `check::INVARIANTS` whose SQLite text does not run on
/// PostgreSQL, or not to the same answer, in PostgreSQL's words, by the
/// same title. Every other rule runs here as SQLite's text is. Why each:
/// - `a IS NOT b` between values is SQLite's; here `IS DISTINCT FROM`.
/// - A subquery in FROM needs an alias (PostgreSQL 15), and HAVING cannot
///   name an output column; sums of bigint are numeric here, cast back.
/// - `julianday` and the scalar `max(a, b)`: a date minus a date is its
///   days, and `greatest`.
/// - The applications are summed once, by a join, where SQLite's text has
///   a subquery per invoice.
const PG_INVARIANTS: &[(&str, &str)] = &[
    (
        "invoice balance differs from its total less what was applied",
        "SELECT number || ' (' || status || '): stored ' || balance_minor || ', total ' || total_minor
                || ' less ' || applied_minor || ' applied'
         FROM invoices
         WHERE balance_minor IS DISTINCT FROM CASE WHEN status IN ('open', 'uncollectible')
                                                   THEN total_minor - applied_minor ELSE 0 END",
    ),
    (
        "an adjustment without its invoice, or applied elsewhere",
        "SELECT 'credit ' || c.id FROM credits c WHERE c.kind = 'adjustment'
           AND (c.invoice_id IS NULL OR EXISTS (SELECT 1 FROM applications a
                WHERE a.credit_id = c.id AND a.invoice_id IS DISTINCT FROM c.invoice_id))",
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
         WHERE pr.customer_id <> cv.customer_id OR pr.currency IS DISTINCT FROM cu.currency",
    ),
    (
        "open balance by due date differs from the invoices",
        "WITH s AS (SELECT customer_id, currency, due_date, sum(open_minor)::bigint AS v FROM customer_due_summary
                    GROUP BY 1, 2, 3 HAVING sum(open_minor) <> 0),
              r AS (SELECT * FROM (SELECT i.customer_id, i.currency, i.due_date,
                                          sum(i.total_minor - coalesce(a.applied, 0))::bigint AS v
                                   FROM invoices i
                                   LEFT JOIN (SELECT invoice_id, sum(amount_minor) AS applied FROM applications
                                              WHERE removed_on IS NULL GROUP BY invoice_id) a ON a.invoice_id = i.id
                                   WHERE i.status = 'open' GROUP BY 1, 2, 3) AS owed
                    WHERE v <> 0)
         SELECT DISTINCT customer_id || ' ' || currency || ' ' || due_date FROM (
            SELECT * FROM (SELECT * FROM s EXCEPT SELECT * FROM r) AS only_kept
            UNION ALL
            SELECT * FROM (SELECT * FROM r EXCEPT SELECT * FROM s) AS only_made) AS differing
         ORDER BY 1",
    ),
    (
        "collections by payment date differ from the applications",
        "WITH s AS (SELECT customer_id, currency, received_on, applied_minor AS a, weighted_hi AS h, weighted_lo AS l
                    FROM customer_collect_summary WHERE applied_minor <> 0 OR weighted_hi <> 0 OR weighted_lo <> 0),
              r AS (SELECT customer_id, currency, received_on, sum(amount_minor)::bigint AS a,
                           sum(t / 1000000)::bigint AS h, sum(t % 1000000)::bigint AS l
                    FROM (SELECT p.customer_id, p.currency, p.received_on, a.amount_minor,
                                 a.amount_minor * greatest(0, p.received_on - i.issue_date) AS t
                          FROM applications a JOIN payments p ON p.id = a.payment_id
                          JOIN invoices i ON i.id = a.invoice_id
                          WHERE a.removed_on IS NULL) AS applied
                    GROUP BY 1, 2, 3),
              sc AS (SELECT customer_id, currency, received_on, a, h + (l - ((l % 1000000) + 1000000) % 1000000) / 1000000,
                            ((l % 1000000) + 1000000) % 1000000 FROM s),
              rc AS (SELECT customer_id, currency, received_on, a, h + (l - ((l % 1000000) + 1000000) % 1000000) / 1000000,
                            ((l % 1000000) + 1000000) % 1000000 FROM r)
         SELECT DISTINCT customer_id || ' ' || currency || ' ' || received_on FROM (
            SELECT * FROM (SELECT * FROM sc EXCEPT SELECT * FROM rc) AS only_kept
            UNION ALL
            SELECT * FROM (SELECT * FROM rc EXCEPT SELECT * FROM sc) AS only_made) AS differing
         ORDER BY 1",
    ),
];

/// The money's rules as PostgreSQL runs them: one query per rule of
/// `check::INVARIANTS`, by its title and in its order, SQLite's own text
/// unless `PG_INVARIANTS` has the rule.
pub(super) fn invariants() -> Vec<(&'static str, &'static str)> {
    INVARIANTS
        .iter()
        .map(|(title, sql)| (*title, PG_INVARIANTS.iter().find(|(t, _)| t == title).map_or(*sql, |(_, pg)| *pg)))
        .collect()
}

/// `set_aside::TOTALS` (SQLite's `total()` adds in floating point so that
/// it cannot overflow): here `sum` of a bigint is an exact numeric.
pub(super) const TOTALS: [&str; 3] = [
    "SELECT 'customer ' || customer_id || ': invoices in ' || currency || ' total more than 10^17 minor units'
     FROM invoices GROUP BY customer_id, currency HAVING sum(total_minor) > 1e17",
    "SELECT 'customer ' || customer_id || ': payments in ' || currency || ' total more than 10^17 minor units'
     FROM payments GROUP BY customer_id, currency HAVING sum(amount_minor) > 1e17",
    "SELECT 'customer ' || customer_id || ': credit in ' || currency || ' totals more than 10^17 minor units'
     FROM credits GROUP BY customer_id, currency HAVING sum(amount_minor) > 1e17",
];

/// `customer_outstanding` against the customers and their summaries:
/// `list_index::OUTSTANDING_DRIFT` in the same words, with `IS DISTINCT
/// FROM` and the bigint made text before it meets ''.
pub(super) const OUTSTANDING_DRIFT: &str = "
    SELECT 'customer ' || c.id || ': the list reads ' || coalesce(o.name, 'no row') || ' '
           || coalesce(o.currency, '') || ' ' || coalesce(o.outstanding_minor::text, '')
           || ' instead of ' || c.currency || ' ' || coalesce(s.outstanding_minor, 0)
    FROM customers c
    LEFT JOIN customer_outstanding o ON o.customer_id = c.id
    LEFT JOIN customer_summary s ON s.customer_id = c.id AND s.currency = c.currency
    WHERE o.customer_id IS NULL OR o.name IS DISTINCT FROM c.name OR o.currency IS DISTINCT FROM c.currency
       OR o.outstanding_minor IS DISTINCT FROM coalesce(s.outstanding_minor, 0)
    UNION ALL
    SELECT 'customer ' || o.customer_id || ': the list has a row for it, but there is no such customer'
    FROM customer_outstanding o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)";

/// The dated summary against the dated rows the views make of the raw
/// rows, both ways round, rows at zero meaning nothing either way, as
/// SQLite's `dated_differences` (an undated row's '' is '-infinity' here).
pub(super) fn dated_differences() -> String {
    let sums = COLUMNS.iter().map(|c| format!("sum({c})::bigint AS {c}")).collect::<Vec<_>>().join(", ");
    let any = COLUMNS.iter().map(|c| format!("sum({c}) <> 0")).collect::<Vec<_>>().join(" OR ");
    let rows = SOURCES
        .iter()
        .map(|s| {
            let cols: Vec<String> = COLUMNS
                .iter()
                .map(|c| if s.columns.contains(c) { (*c).to_string() } else { format!("0 AS {c}") })
                .collect();
            format!("SELECT customer_id, day, currency, on_date, {} FROM {}", cols.join(", "), s.view)
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    format!(
        "WITH s AS (SELECT customer_id, day, currency, on_date, {sums} FROM customer_day_summary
                    GROUP BY 1, 2, 3, 4 HAVING {any}),
              r AS (SELECT customer_id, day, currency, on_date, {sums} FROM ({rows}) AS dated
                    GROUP BY 1, 2, 3, 4 HAVING {any})
         SELECT DISTINCT 'customer ' || customer_id || ' ' || currency || ' on ' || day
                         || CASE WHEN on_date <> '-infinity' THEN ' (dated ' || on_date || ')' ELSE '' END
         FROM (SELECT * FROM (SELECT * FROM s EXCEPT SELECT * FROM r) AS only_kept
               UNION ALL
               SELECT * FROM (SELECT * FROM r EXCEPT SELECT * FROM s) AS only_made) AS differing
         ORDER BY 1"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule of SQLite's check has exactly one query here, by its
    /// title, and every PostgreSQL text stands for a rule SQLite has: the
    /// two lists cannot drift apart unseen.
    #[test]
    fn every_sqlite_rule_has_one_postgresql_query() {
        let pg = invariants();
        let titles: Vec<&str> = INVARIANTS.iter().map(|(t, _)| *t).collect();
        assert_eq!(pg.iter().map(|(t, _)| *t).collect::<Vec<_>>(), titles);
        let mut unique = titles.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), titles.len(), "a title twice in INVARIANTS");
        for (title, sql) in PG_INVARIANTS {
            assert_eq!(PG_INVARIANTS.iter().filter(|(t, _)| t == title).count(), 1, "{title} twice");
            assert_eq!(titles.iter().filter(|t| *t == title).count(), 1, "no SQLite rule {title:?}");
            assert!(pg.contains(&(*title, *sql)), "{title}");
        }
        // Each text that is SQLite's own holds none of SQLite's own
        // functions, nor `IS NOT` between values.
        for (title, sql) in pg.iter().filter(|(t, _)| !PG_INVARIANTS.iter().any(|(p, _)| p == t)) {
            for sqlite_only in ["julianday(", "iif(", "typeof(", "total(", "max(0,", "pragma_"] {
                assert!(!sql.contains(sqlite_only), "{title}: {sqlite_only}");
            }
            for (at, _) in sql.match_indices("IS NOT ") {
                assert!(sql[at + 7..].starts_with("NULL"), "{title}: IS NOT between values");
            }
        }
    }
}
