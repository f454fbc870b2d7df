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

/// The sources summed in one statement: those that move a measure in
/// common (an invoice's open balance and its applications' on the same day
/// and due date) are grouped together, so sums that come back to zero
/// across them are left out, as the triggers' views would; the others
/// alone, each grouping only the measures it moves. Indexes into `SOURCES`.
pub(crate) const FAMILIES: [&[usize]; 4] = [&[0, 1], &[2], &[3], &[4]];

/// Adds the sums of a family's rows (each source's matching `filter` of its
/// index in `SOURCES`: SQL over the view's columns) to the summary, leaving out sums that are all
/// zero: what the triggers would have added, set-based, grouped in the
/// summary's key order.
pub(crate) fn add_sql(family: &[usize], filter: &dyn Fn(usize) -> String) -> String {
    let cols: Vec<&str> =
        COLUMNS.iter().copied().filter(|c| family.iter().any(|&i| SOURCES[i].columns.contains(c))).collect();
    let rows: Vec<String> = family
        .iter()
        .map(|&i| {
            let s = &SOURCES[i];
            let padded: Vec<String> = cols
                .iter()
                .map(|c| if s.columns.contains(c) { (*c).to_string() } else { format!("0 AS {c}") })
                .collect();
            format!(
                "SELECT customer_id, day, currency, on_date, {} FROM {} WHERE {}",
                padded.join(", "),
                s.view,
                filter(i)
            )
        })
        .collect();
    let sums = cols.iter().map(|c| format!("sum({c})")).collect::<Vec<_>>().join(", ");
    let any = cols.iter().map(|c| format!("sum({c}) <> 0")).collect::<Vec<_>>().join(" OR ");
    let set = cols.iter().map(|c| format!("{c} = {c} + excluded.{c}")).collect::<Vec<_>>().join(", ");
    format!(
        "INSERT INTO customer_day_summary(customer_id, day, currency, on_date, {})
         SELECT customer_id, day, currency, on_date, {sums} FROM ({})
         GROUP BY 1, 2, 3, 4 HAVING {any}
         ON CONFLICT DO UPDATE SET {set}",
        cols.join(", "),
        rows.join(" UNION ALL ")
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
/// temporary views `schema::adapt` makes), each measure in its column and
/// zero in the others. Not grouped, so that a reader's customer reaches
/// version 14's primary key (every reader sums; `check` groups).
pub(crate) fn legacy_view() -> String {
    let cols = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| format!("iif(measure = {}, delta, 0) AS {c}", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "CREATE TEMP VIEW customer_day_summary AS
         SELECT customer_id, day, currency, on_date, {cols} FROM customer_dated_summary;"
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

    /// Every source is in one family, and sources of different families
    /// move no measure in common (their sums could not net to zero).
    #[test]
    fn families_share_no_measure() {
        let mut seen: Vec<usize> = FAMILIES.iter().flat_map(|f| f.iter().copied()).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..SOURCES.len()).collect::<Vec<_>>());
        for (a, fa) in FAMILIES.iter().enumerate() {
            for fb in &FAMILIES[a + 1..] {
                for &i in fa.iter() {
                    for &j in fb.iter() {
                        for c in SOURCES[i].columns {
                            assert!(
                                !SOURCES[j].columns.contains(c),
                                "{c}: {} and {}",
                                SOURCES[i].view,
                                SOURCES[j].view
                            );
                        }
                    }
                }
            }
        }
    }
}
