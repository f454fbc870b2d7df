//! Bulk loads. Two parts:
//!
//! - Loading many new rows into a table that holds few: its screen indexes
//!   are dropped inside the transaction and created again before commit
//!   (`lift`, `restore`); CREATE INDEX sorts and writes each index in
//!   order. DDL is transactional in SQLite, so a rollback restores them.
//!   One index on each table that starts with the customer stays
//!   (`customer_has_money` and the like find a customer's rows through it
//!   while the load runs), and so do the unique ones, except for a source's
//!   first invoices: then the external-id indexes are dropped too
//!   (`UNIQUE_LIFTED`). Their keys are random, so every row written lands
//!   on a page of its own in each of them; an import of a million invoices
//!   spent a quarter of its time there. While they are lifted the import
//!   transaction (`ImportTx`) keeps the keys it loaded, so that a key
//!   repeated goes the row-by-row way, and creates them again before
//!   anything looks a row up by its external id.
//! - `Deltas`: the summaries of rows the fast path wrote, added up in
//!   memory instead of recomputed from a million rows.

use super::Result;
use crate::domain::Currency;
use crate::domain::date::iso;
use crate::domain::status::InvoiceStatus;
use chrono::NaiveDate;
use rusqlite::{Transaction, params};
use std::collections::{BTreeMap, HashSet};

/// Indexes a load drops: those that only screens sort and filter on.
pub const LIFTED: &[&str] = &[
    "invoices_by_issue",
    "invoices_by_due",
    "invoices_by_total",
    "invoices_by_balance",
    "invoices_by_number",
    "invoices_by_contract_name",
    "invoices_by_period",
    "invoices_open_by_due",
    "invoices_by_contract",
    "payments_by_amount",
];

/// The unique indexes a load of a source's first invoices drops as well.
pub const UNIQUE_LIFTED: &[&str] = &["invoices_external", "payments_external"];

/// Indexes dropped by `lift`, to be created again by `restore`.
#[must_use = "restore the indexes before committing"]
pub struct Lifted(Vec<String>);

/// Drops the screen indexes inside `tx`.
pub fn lift(tx: &Transaction<'_>) -> Result<Lifted> {
    lift_these(tx, LIFTED)
}

/// Drops these indexes inside `tx`.
pub fn lift_these(tx: &Transaction<'_>, names: &[&str]) -> Result<Lifted> {
    let mut saved = Vec::new();
    for name in names {
        let sql: String =
            tx.query_row("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1", [name], |r| r.get(0))?;
        tx.execute_batch(&format!("DROP INDEX {name}"))?;
        saved.push(sql);
    }
    Ok(Lifted(saved))
}

/// Creates the dropped indexes again, sorting with a helper thread.
pub fn restore(tx: &Transaction<'_>, lifted: Lifted) -> Result<()> {
    let threads: i64 = tx.query_row("PRAGMA threads", [], |r| r.get(0))?;
    tx.execute_batch("PRAGMA threads = 2")?;
    let built = lifted.0.iter().try_for_each(|sql| tx.execute_batch(sql));
    tx.execute_batch(&format!("PRAGMA threads = {threads}"))?;
    Ok(built?)
}

/// What a bulk load added to the summaries of each customer it loaded
/// rows for — the sums the summary triggers would have kept, gathered in
/// memory and written once (`apply`), so a million new invoices need no
/// second pass over them. A customer any other write touched is rebuilt
/// from its rows instead (`Deltas::slow`).
#[derive(Default)]
pub struct Deltas {
    // Ordered as the summary tables' keys, so they are written in order.
    sums: BTreeMap<(i64, Currency), Sums>,
    due: BTreeMap<(i64, Currency, NaiveDate), i128>,
    collect: BTreeMap<(i64, Currency, NaiveDate), (i64, i128)>,
    /// Customers with sums here, now or written already (`apply`).
    loaded: HashSet<i64>,
    slow: HashSet<i64>,
}

/// Summary rows gathered before they are written out (memory stays small
/// whatever the size of the load).
const HELD_ROWS: usize = 1 << 16;

/// `customer_summary`'s columns, as additions. Wide: a load of a million
/// rows at the bound of one amount passes `i64` (bounds.rs); what does not
/// fit the summary is refused when written (`apply`).
#[derive(Default, Clone, Copy)]
struct Sums {
    invoice_count: i64,
    invoice_total: i128,
    billed: i128,
    billed_applied: i128,
    billed_credited: i128,
    outstanding: i128,
    payment_count: i64,
    payment_total: i128,
    collected_count: i64,
    collected: i128,
    unapplied: i128,
    credit_open: i128,
    shown_total: i128,
    balance: i128,
}

/// The customer's sum as the summary stores it, or the refusal the
/// summary's CHECK would give, had the sum fitted in an integer at all.
fn fit(v: i128, customer: i64) -> Result<i64> {
    i64::try_from(v).map_err(|_| {
        super::StoreError::OutOfRange(format!(
            "customer {customer}: its amounts of one kind in one currency would total more than 10^17 minor units \
             (1,000,000,000,000,000.00 in a currency with cents), the most ardesk holds"
        ))
    })
}

/// A weighted-days sum as the collect summary stores it: `hi × 10^6 + lo`.
fn split_weighted(v: i128, customer: i64) -> Result<(i64, i64)> {
    let split = i128::from(crate::domain::bounds::WEIGHT_SPLIT);
    Ok((fit(v / split, customer)?, fit(v % split, customer)?))
}

impl Deltas {
    /// A new invoice with `applied` already applied to it, `credited` of
    /// that from credit.
    #[allow(clippy::too_many_arguments)]
    pub fn invoice(
        &mut self,
        customer: i64,
        cur: Currency,
        total: i64,
        applied: i64,
        credited: i64,
        status: InvoiceStatus,
        due: NaiveDate,
    ) {
        self.loaded.insert(customer);
        let s = self.sums.entry((customer, cur)).or_default();
        let (total, applied) = (i128::from(total), i128::from(applied));
        s.invoice_count += 1;
        s.invoice_total += total;
        if status.is_issued() {
            s.billed += total;
            s.billed_applied += applied;
            s.billed_credited += i128::from(credited);
        }
        if status == InvoiceStatus::Open {
            s.outstanding += total - applied;
            *self.due.entry((customer, cur, due)).or_default() += total - applied;
        }
        if status != InvoiceStatus::Cancelled {
            s.shown_total += total;
        }
        if matches!(status, InvoiceStatus::Open | InvoiceStatus::Uncollectible) {
            s.balance += total - applied;
        }
    }

    /// A new succeeded payment of `amount`, `applied` of it applied.
    pub fn payment(&mut self, customer: i64, cur: Currency, amount: i64, applied: i64) {
        self.loaded.insert(customer);
        let s = self.sums.entry((customer, cur)).or_default();
        let (amount, applied) = (i128::from(amount), i128::from(applied));
        s.payment_count += 1;
        s.payment_total += amount;
        s.collected_count += 1;
        s.collected += amount;
        s.unapplied += amount - applied;
    }

    /// A new credit of `amount`, `applied` of it applied.
    pub fn credit(&mut self, customer: i64, cur: Currency, amount: i64, applied: i64) {
        self.loaded.insert(customer);
        self.sums.entry((customer, cur)).or_default().credit_open += i128::from(amount) - i128::from(applied);
    }

    /// A payment received on `on` applied to an invoice issued on `issued`
    /// (received before the issue date: 0 days).
    pub fn collected(&mut self, customer: i64, cur: Currency, on: NaiveDate, issued: NaiveDate, amount: i64) {
        self.loaded.insert(customer);
        let c = self.collect.entry((customer, cur, on)).or_default();
        c.0 += amount;
        c.1 += i128::from(amount) * i128::from((on - issued).num_days().max(0));
    }

    /// A customer whose rows changed otherwise: its summaries are rebuilt.
    pub fn slow(&mut self, customer: i64) {
        self.slow.insert(customer);
    }

    /// The customers whose summaries are kept here (not rebuilt).
    pub fn kept(&self) -> HashSet<i64> {
        self.loaded.difference(&self.slow).copied().collect()
    }

    /// `apply` when many summary rows are held.
    pub fn apply_if_large(&mut self, tx: &Transaction<'_>) -> Result<()> {
        if self.due.len() + self.collect.len() + self.sums.len() > HELD_ROWS {
            self.apply(tx)?;
        }
        Ok(())
    }

    /// Adds the sums held for the customers kept here to their summary rows
    /// and forgets them (a customer found slow later is rebuilt anyway).
    pub fn apply(&mut self, tx: &Transaction<'_>) -> Result<()> {
        let kept = |c: &i64| !self.slow.contains(c);
        let mut ensure =
            tx.prepare_cached("INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (?1, ?2)")?;
        let mut add = tx.prepare_cached(
            "UPDATE customer_summary SET
                invoice_count = invoice_count + ?3, invoice_total_minor = invoice_total_minor + ?4,
                billed_minor = billed_minor + ?5, billed_applied_minor = billed_applied_minor + ?6,
                outstanding_minor = outstanding_minor + ?7, payment_count = payment_count + ?8,
                payment_total_minor = payment_total_minor + ?9, collected_count = collected_count + ?10,
                collected_minor = collected_minor + ?11, unapplied_minor = unapplied_minor + ?12,
                credit_open_minor = credit_open_minor + ?13,
                invoice_shown_total_minor = invoice_shown_total_minor + ?14,
                invoice_balance_minor = invoice_balance_minor + ?15,
                billed_credited_minor = billed_credited_minor + ?16
             WHERE customer_id = ?1 AND currency = ?2",
        )?;
        for ((c, cur), s) in self.sums.iter().filter(|((c, _), _)| kept(c)) {
            ensure.execute(params![c, cur.code()])?;
            let named = |e: rusqlite::Error| match super::StoreError::from(e) {
                super::StoreError::OutOfRange(why) => super::StoreError::OutOfRange(format!("customer {c}: {why}")),
                other => other,
            };
            add.execute(params![
                c,
                cur.code(),
                s.invoice_count,
                fit(s.invoice_total, *c)?,
                fit(s.billed, *c)?,
                fit(s.billed_applied, *c)?,
                fit(s.outstanding, *c)?,
                s.payment_count,
                fit(s.payment_total, *c)?,
                s.collected_count,
                fit(s.collected, *c)?,
                fit(s.unapplied, *c)?,
                fit(s.credit_open, *c)?,
                fit(s.shown_total, *c)?,
                fit(s.balance, *c)?,
                fit(s.billed_credited, *c)?
            ])
            .map_err(named)?;
        }
        let mut due = tx.prepare_cached(
            "INSERT INTO customer_due_summary(customer_id, currency, due_date, open_minor) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (customer_id, currency, due_date) DO UPDATE SET open_minor = open_minor + excluded.open_minor",
        )?;
        for ((c, cur, d), v) in self.due.iter().filter(|((c, ..), _)| kept(c)) {
            due.execute(params![c, cur.code(), iso(*d), fit(*v, *c)?])?;
        }
        let mut collect = tx.prepare_cached(
            "INSERT INTO customer_collect_summary(customer_id, currency, received_on, applied_minor, weighted_hi,
                    weighted_lo)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (customer_id, currency, received_on) DO UPDATE SET
                applied_minor = applied_minor + excluded.applied_minor,
                weighted_hi = weighted_hi + excluded.weighted_hi + (weighted_lo + excluded.weighted_lo) / 1000000,
                weighted_lo = (weighted_lo + excluded.weighted_lo) % 1000000",
        )?;
        for ((c, cur, d), (applied, weighted)) in self.collect.iter().filter(|((c, ..), _)| kept(c)) {
            let (hi, lo) = split_weighted(*weighted, *c)?;
            collect.execute(params![c, cur.code(), iso(*d), applied, hi, lo])?;
        }
        self.sums.clear();
        self.due.clear();
        self.collect.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn summaries(store: &Store) -> Vec<String> {
        let sql = "SELECT 's ' || customer_id || currency || ' ' || invoice_count || ' ' || invoice_total_minor || ' ' ||
                          billed_minor || ' ' || billed_applied_minor || ' ' || outstanding_minor || ' ' ||
                          payment_count || ' ' || collected_minor || ' ' || unapplied_minor || ' ' || credit_open_minor
                          || ' ' || invoice_shown_total_minor || ' ' || invoice_balance_minor || ' ' ||
                          billed_credited_minor
                   FROM customer_summary
                   UNION ALL SELECT 'd ' || customer_id || currency || due_date || ' ' || open_minor FROM customer_due_summary
                   UNION ALL SELECT 'c ' || customer_id || currency || received_on || ' ' || applied_minor || ' ' ||
                          (weighted_hi * 1000000 + weighted_lo) FROM customer_collect_summary
                   ORDER BY 1";
        let mut stmt = store.conn().prepare(sql).unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    /// An in-memory store with these USD customers, ids from 1.
    fn with_customers(names: &[&str]) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let s = store.seeder().unwrap();
        for name in names {
            s.customer(&crate::store::seed::NewCustomer {
                name,
                legal_name: "",
                billing_email: "",
                currency: Currency::USD,
                import: None,
                invoices_paused: false,
                portal: false,
            })
            .unwrap();
        }
        s.commit().unwrap();
        store
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    /// Sums written out part by part add up to the same rows as at once.
    #[test]
    fn sums_written_in_parts_add_up_to_the_whole() {
        let record = |d: &mut Deltas, i: u32| {
            let (c, cur) = (i64::from(1 + i % 2), Currency::USD);
            let status = [InvoiceStatus::Paid, InvoiceStatus::Open, InvoiceStatus::Draft][i as usize % 3];
            let applied =
                if status == InvoiceStatus::Paid { 100 } else { 30 * i64::from(status == InvoiceStatus::Open) };
            // Every fourth invoice with something applied is settled by credit.
            let credited = if i.is_multiple_of(4) { applied } else { 0 };
            d.invoice(c, cur, 100, applied, credited, status, day(1 + i % 5));
            if applied > 0 && credited == 0 {
                d.payment(c, cur, applied, applied);
                d.collected(c, cur, day(10 + i % 3), day(1), applied);
            }
            if credited > 0 {
                d.credit(c, cur, credited, credited);
            }
            if i.is_multiple_of(4) {
                d.credit(c, cur, 7, 0);
            }
        };
        let mut results = Vec::new();
        for parts in [1, 4] {
            let mut store = with_customers(&["One", "Two"]);
            let tx = store.conn.transaction().unwrap();
            let mut d = Deltas::default();
            for i in 0..40 {
                record(&mut d, i);
                if (i + 1) % (40 / parts) == 0 {
                    d.apply(&tx).unwrap();
                }
            }
            d.apply(&tx).unwrap();
            assert_eq!(d.kept(), HashSet::from([1, 2]));
            tx.commit().unwrap();
            results.push(summaries(&store));
        }
        assert!(!results[0].is_empty());
        assert_eq!(results[0], results[1]);
    }

    /// A load whose sums pass `i64`: the weighted-days sum is split as the
    /// triggers keep it; a customer total past the bound is refused with the
    /// customer named, not wrapped or stored as a REAL.
    #[test]
    fn sums_past_i64_split_or_are_refused_by_customer() {
        use crate::domain::bounds::{MAX_AMOUNT_MINOR, weighted};
        let mut store = with_customers(&["Whale"]);
        let (first, last) =
            (NaiveDate::from_ymd_opt(1900, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2199, 12, 31).unwrap());
        let tx = store.conn.transaction().unwrap();
        let mut d = Deltas::default();
        for _ in 0..2_000 {
            d.collected(1, Currency::USD, last, first, MAX_AMOUNT_MINOR);
        }
        d.apply(&tx).unwrap();
        let (hi, lo): (i64, i64) = tx
            .query_row("SELECT weighted_hi, weighted_lo FROM customer_collect_summary", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(weighted(hi, lo), 2_000 * i128::from(MAX_AMOUNT_MINOR) * 109_572);
        for _ in 0..10_001 {
            d.invoice(1, Currency::USD, MAX_AMOUNT_MINOR, 0, 0, InvoiceStatus::Open, first);
        }
        let err = d.apply(&tx).unwrap_err().to_string();
        assert!(
            err.starts_with("customer 1: one customer's invoices in one currency may total at most 10^17"),
            "{err}"
        );
    }
}
