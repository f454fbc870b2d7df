//! The oracle on PostgreSQL (`store/oracle.rs`): every customer's raw sums
//! recomputed from the raw rows, for `check` to compare with the summaries.
//! The same plain way as SQLite's oracle, apart from `domain::metrics` and
//! from the triggers: it reads the applications themselves (never the
//! cached `applied_minor` columns, never a summary), sorts open balances
//! into aging buckets by counting the days past due in Rust (`bucket_of`),
//! and draws the 365-day window in Rust (`in_window`). The rows are
//! streamed, not held: a million invoices pass through in constant memory.

use super::super::Result;
use super::super::metrics::AllParts;
use super::super::oracle::{OracleInvoice, add_collection, add_invoice, add_payment, in_window};
use chrono::NaiveDate;
use postgres::GenericClient;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;

/// Each invoice with what live applications gave it, and how much of that
/// was credit (applications summed once, by a join, not once per invoice).
const INVOICES: &str = "
    SELECT i.customer_id, i.currency, i.status, i.total_minor, i.due_date,
           coalesce(a.applied, 0)::bigint, coalesce(a.credited, 0)::bigint
    FROM invoices i
    LEFT JOIN (SELECT invoice_id, sum(amount_minor) AS applied,
                      sum(amount_minor) FILTER (WHERE credit_id IS NOT NULL) AS credited
               FROM applications WHERE removed_on IS NULL GROUP BY invoice_id) a ON a.invoice_id = i.id";

/// Each payment with what its live applications took from it.
const PAYMENTS: &str = "
    SELECT p.customer_id, p.currency, p.status, p.amount_minor, p.refunded_minor, coalesce(a.applied, 0)::bigint
    FROM payments p
    LEFT JOIN (SELECT payment_id, sum(amount_minor) AS applied FROM applications
               WHERE removed_on IS NULL AND payment_id IS NOT NULL GROUP BY payment_id) a ON a.payment_id = p.id";

/// Each credit that counts (a voided one counts nowhere) with what its live
/// applications took from it.
const CREDITS: &str = "
    SELECT c.customer_id, c.currency, c.amount_minor, coalesce(a.applied, 0)::bigint
    FROM credits c
    LEFT JOIN (SELECT credit_id, sum(amount_minor) AS applied FROM applications
               WHERE removed_on IS NULL AND credit_id IS NOT NULL GROUP BY credit_id) a ON a.credit_id = c.id
    WHERE c.status = 'issued'";

/// Each live application of a succeeded payment, with the dates its days
/// are counted between.
const COLLECTIONS: &str = "
    SELECT p.customer_id, p.currency, a.amount_minor, p.received_on, i.issue_date
    FROM applications a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id
    WHERE p.status = 'succeeded' AND a.removed_on IS NULL";

/// Streams the rows of `sql` (no parameters) through `each`.
pub(super) fn each_row(
    c: &mut impl GenericClient,
    sql: &str,
    mut each: impl FnMut(&postgres::Row) -> Result<()>,
) -> Result<()> {
    let mut rows = c.query_raw(sql, std::iter::empty::<&(dyn ToSql + Sync)>())?;
    while let Some(r) = rows.next()? {
        each(&r)?;
    }
    Ok(())
}

/// Every customer's raw sums recomputed from invoices, payments, credits
/// and applications, as `Store::all_parts_oracle` does on SQLite.
pub(super) fn all_parts_oracle(c: &mut impl GenericClient, today: NaiveDate) -> Result<AllParts> {
    let mut out = AllParts::new();
    each_row(c, INVOICES, |r| {
        let p = out.entry((r.try_get(0)?, r.try_get(1)?)).or_default();
        let invoice = OracleInvoice {
            status: r.try_get(2)?,
            total: r.try_get(3)?,
            due: r.try_get(4)?,
            applied: r.try_get(5)?,
            credited: r.try_get(6)?,
        };
        add_invoice(p, &invoice, today);
        Ok(())
    })?;
    each_row(c, PAYMENTS, |r| {
        let p = out.entry((r.try_get(0)?, r.try_get(1)?)).or_default();
        add_payment(p, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?);
        Ok(())
    })?;
    each_row(c, CREDITS, |r| {
        let (amount, applied): (i64, i64) = (r.try_get(2)?, r.try_get(3)?);
        out.entry((r.try_get(0)?, r.try_get(1)?)).or_default().credit_open_minor += amount - applied;
        Ok(())
    })?;
    each_row(c, COLLECTIONS, |r| {
        let (received, issued): (NaiveDate, NaiveDate) = (r.try_get(3)?, r.try_get(4)?);
        if !in_window(received, today) {
            return Ok(());
        }
        add_collection(out.entry((r.try_get(0)?, r.try_get(1)?)).or_default(), r.try_get(2)?, received, issued);
        Ok(())
    })?;
    Ok(out)
}
