//! The dated summary of version 20 (`customer_day_summary`): one row per
//! customer, day, currency and date, a column per measure, kept by the
//! triggers of `migrations/0020_day_summary.sql` from the views of the same
//! file. This module names the columns and the views once for the Rust that
//! sums them set-based (the bulk loader), compares them (`check`) and reads
//! them (`as_of`).

/// The measures' columns, in the order of their numbers (`as_of::measure`:
/// measure `m` is `COLUMNS[m - 1]`).
pub(crate) const COLUMNS: [&str; 19] = [
    "invoices",
    "invoice_total",
    "shown_total",
    "billed",
    "billed_applied",
    "billed_credited",
    "open_by_due",
    "payments",
    "payment_total",
    "received",
    "refunded",
    "payment_applied",
    "granted",
    "credit_applied",
    "succeeded",
    "window_applied",
    "window_hi",
    "window_lo",
    "credits",
];

/// A view giving a table's rows' dated rows: the table, the view's column
/// holding the row's id, and the measures it moves.
pub(crate) struct Source {
    pub view: &'static str,
    pub table: &'static str,
    pub id: &'static str,
    pub columns: &'static [&'static str],
}

pub(crate) const SOURCES: [Source; 5] = [
    Source {
        view: "dated_invoice_rows",
        table: "invoices",
        id: "invoice_id",
        columns: &["invoices", "invoice_total", "shown_total", "billed", "open_by_due"],
    },
    Source {
        view: "dated_application_rows",
        table: "applications",
        id: "application_id",
        columns: &[
            "billed_applied",
            "billed_credited",
            "open_by_due",
            "payment_applied",
            "credit_applied",
            "window_applied",
            "window_hi",
            "window_lo",
        ],
    },
    Source {
        view: "dated_payment_rows",
        table: "payments",
        id: "payment_id",
        columns: &["payments", "payment_total", "received", "succeeded"],
    },
    Source { view: "dated_refund_rows", table: "refunds", id: "refund_id", columns: &["refunded"] },
    Source { view: "dated_credit_rows", table: "credits", id: "credit_id", columns: &["granted", "credits"] },
];

/// Adds the sums of `source`'s rows matching `filter` (SQL over the view's
/// columns) to the summary, leaving out sums that are all zero: what the
/// triggers would have added, set-based, grouped in the summary's key order.
pub(crate) fn add_sql(source: &Source, filter: &str) -> String {
    let cols = source.columns.join(", ");
    let sums = source.columns.iter().map(|c| format!("sum({c})")).collect::<Vec<_>>().join(", ");
    let any = source.columns.iter().map(|c| format!("sum({c}) <> 0")).collect::<Vec<_>>().join(" OR ");
    let set = source.columns.iter().map(|c| format!("{c} = {c} + excluded.{c}")).collect::<Vec<_>>().join(", ");
    format!(
        "INSERT INTO customer_day_summary(customer_id, day, currency, on_date, {cols})
         SELECT customer_id, day, currency, on_date, {sums} FROM {} WHERE {filter}
         GROUP BY 1, 2, 3, 4 HAVING {any}
         ON CONFLICT DO UPDATE SET {set}",
        source.view
    )
}

/// `SELECT` of every customer's rows as the views make them (rows at zero
/// left out), with the table's columns: what `customer_day_summary` must hold.
pub(crate) fn expected_sql() -> String {
    let parts: Vec<String> = SOURCES
        .iter()
        .map(|s| {
            let cols: Vec<String> = COLUMNS
                .iter()
                .map(|c| if s.columns.contains(c) { (*c).to_string() } else { format!("0 AS {c}") })
                .collect();
            format!("SELECT customer_id, day, currency, on_date, {} FROM {}", cols.join(", "), s.view)
        })
        .collect();
    let sums = COLUMNS.iter().map(|c| format!("sum({c}) AS {c}")).collect::<Vec<_>>().join(", ");
    let any = COLUMNS.iter().map(|c| format!("sum({c}) <> 0")).collect::<Vec<_>>().join(" OR ");
    format!(
        "SELECT customer_id, day, currency, on_date, {sums} FROM ({}) GROUP BY 1, 2, 3, 4 HAVING {any}",
        parts.join(" UNION ALL ")
    )
}

/// SQL true for a summary row (alias `s.` or none) that holds anything.
pub(crate) fn nonzero(alias: &str) -> String {
    COLUMNS.iter().map(|c| format!("{alias}{c} <> 0")).collect::<Vec<_>>().join(" OR ")
}

/// The summary over a database older than version 20, read without
/// upgrading: version 14's rows (its table, or for an older one the
/// temporary views `schema::adapt` makes) with each measure in its column.
pub(crate) fn legacy_view() -> String {
    let cols = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| format!("sum(iif(measure = {}, delta, 0)) AS {c}", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "CREATE TEMP VIEW customer_day_summary AS
         SELECT customer_id, day, currency, on_date, {cols} FROM customer_dated_summary GROUP BY 1, 2, 3, 4;"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each source's columns are the table's, and every measure is moved
    /// by some source.
    #[test]
    fn sources_name_the_tables_columns() {
        for s in &SOURCES {
            for c in s.columns {
                assert!(COLUMNS.contains(c), "{}: {c}", s.view);
            }
        }
        for c in COLUMNS {
            assert!(SOURCES.iter().any(|s| s.columns.contains(&c)), "{c}");
        }
    }
}
