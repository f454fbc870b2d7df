//! A customer's statement of account on PostgreSQL, put together by the
//! same `statement_of` as on SQLite (`store/statement/`): the open items
//! read through the as-of views (`reading`) with SQLite's very queries,
//! checked against the dated figures; the activity's movements read from
//! the tables themselves (the schema named, past any as-of view) by the
//! rules of the dated events, `LINES` in PostgreSQL's SQL.

use super::super::statement::activity::Movement;
use super::super::statement::open_items::{self, add_credit, add_open, add_payment, finish};
use super::super::statement::{Ledger, agrees_with_figures, statement_of};
use super::super::{Result, StoreError};
use super::customers::currency;
use super::store::PgStore;
use crate::domain::model::{Customer, Organization};
use crate::domain::money::Currency;
use crate::statement::model::{Kind, Section, Statement};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// `statement/activity.rs`'s `LINES` on PostgreSQL: `{S}` is the schema
/// of the tables (so the as-of views are passed by), `$1` the customer,
/// `$2` from, `$3` the statement date. SQLite's two-argument `max`/`min`
/// are `greatest`/`least` (no argument here is NULL where it matters:
/// `least(removed_on, k)` stands for `coalesce(min(…), removed_on, k)`),
/// texts are compared in byte order, as SQLite's, and a line's kind, the
/// same in every part of it, is `min(kind)` where SQLite takes it bare.
const LINES: &str = r#"
WITH inv AS (
    SELECT i.id, i.number, i.currency, i.issue_date, i.total_minor,
           coalesce(nullif(trim(i.contract_name), ''), nullif(trim(i.memo), ''), '') AS what,
           CASE i.status WHEN 'uncollectible' THEN 'write_off' ELSE 'cancellation' END AS close_kind,
           CASE i.status WHEN 'uncollectible' THEN 3 ELSE 4 END AS close_ord,
           CASE WHEN i.status IN ('cancelled', 'uncollectible')
                THEN greatest(coalesce(i.cancelled_on, i.written_off_on, i.issue_date), i.issue_date) END AS k
    FROM {S}.invoices i
    WHERE i.customer_id = $1 AND i.status <> 'draft' AND i.issue_date <= $3),
app AS (
    SELECT a.id, inv.id AS invoice_id, inv.number, inv.currency, inv.close_kind, inv.close_ord, inv.k,
           a.amount_minor AS v, greatest(a.applied_on, inv.issue_date) AS s, a.removed_on AS e,
           least(a.removed_on, inv.k) AS u,
           CASE WHEN a.payment_id IS NOT NULL THEN 'payment' WHEN c.kind = 'credit_note' THEN 'credit_note'
                ELSE 'credit' END AS src_kind,
           CASE WHEN a.payment_id IS NOT NULL
                THEN CASE WHEN trim(p.reference) = '' THEN 'Payment #' || p.id ELSE p.reference END
                WHEN c.kind = 'credit_note' THEN c.number
                WHEN c.kind = 'adjustment' THEN 'Adjustment #' || c.id ELSE 'Credit #' || c.id END AS src_ref
    FROM {S}.applications a JOIN inv ON inv.id = a.invoice_id
    LEFT JOIN {S}.payments p ON p.id = a.payment_id LEFT JOIN {S}.credits c ON c.id = a.credit_id
    WHERE a.payment_id IS NULL OR p.status IN ('succeeded', 'refunded')),
parts(day, ord, key, kind, reference, description, currency, delta) AS (
    SELECT issue_date, 0, 'i' || id, 'invoice', number, what, currency, total_minor FROM inv
    UNION ALL
    SELECT k, close_ord, 'x' || id, close_kind, number,
           CASE close_kind WHEN 'write_off' THEN 'Written off' ELSE 'Cancelled' END, currency, -total_minor
    FROM inv WHERE k IS NOT NULL
    UNION ALL
    SELECT s, 1, 'a' || id, src_kind, src_ref, 'Applied to ' || number || ' after it was closed', currency, -v
    FROM app WHERE u IS NULL OR u > s
    UNION ALL
    SELECT u, CASE WHEN u = k AND (e IS NULL OR k < e) THEN close_ord ELSE 1 END,
           CASE WHEN u = k AND (e IS NULL OR k < e) THEN 'x' || invoice_id ELSE 'u' || id END,
           CASE WHEN u = k AND (e IS NULL OR k < e) THEN close_kind ELSE src_kind END,
           CASE WHEN u = k AND (e IS NULL OR k < e) THEN number ELSE src_ref END,
           CASE WHEN u = k AND (e IS NULL OR k < e)
                THEN CASE close_kind WHEN 'write_off' THEN 'Written off' ELSE 'Cancelled' END
                ELSE 'Taken back from ' || number || ' after it was closed' END,
           currency, v
    FROM app WHERE u > s
    UNION ALL
    SELECT s, 1, 'a' || id, src_kind, src_ref, 'Applied to ' || number || ' after it was closed', currency, v
    FROM app WHERE e IS NULL OR e > s
    UNION ALL
    SELECT e, 1, 'u' || id, src_kind, src_ref, 'Taken back from ' || number || ' after it was closed', currency, -v
    FROM app WHERE e > s
    UNION ALL
    SELECT p.received_on, 1, 'p' || p.id, 'payment',
           CASE WHEN trim(p.reference) = '' THEN 'Payment #' || p.id ELSE p.reference END,
           CASE p.method WHEN 'automatic' THEN 'Automatic payment' ELSE '' END,
           p.currency, -p.amount_minor
    FROM {S}.payments p WHERE p.customer_id = $1 AND p.status IN ('succeeded', 'refunded')
    UNION ALL
    SELECT greatest(r.refunded_on, p.received_on), 2, 'r' || r.id, 'refund',
           CASE WHEN trim(p.reference) = '' THEN 'Payment #' || p.id ELSE p.reference END,
           CASE WHEN trim(r.reason) = '' THEN 'Refund' ELSE 'Refund: ' || r.reason END, p.currency, r.amount_minor
    FROM {S}.refunds r JOIN {S}.payments p ON p.id = r.payment_id
    WHERE p.customer_id = $1 AND p.status IN ('succeeded', 'refunded')
    UNION ALL
    SELECT c.granted_on, 1, 'c' || c.id, CASE c.kind WHEN 'credit_note' THEN 'credit_note' ELSE 'credit' END,
           CASE c.kind WHEN 'credit_note' THEN c.number WHEN 'adjustment' THEN 'Adjustment #' || c.id
                ELSE 'Credit #' || c.id END,
           CASE WHEN trim(c.reason) <> '' THEN c.reason WHEN c.kind = 'credit_note' THEN 'Credit note'
                WHEN c.kind = 'adjustment' THEN 'Small-balance adjustment' ELSE 'Credit granted' END,
           c.currency, -c.amount_minor
    FROM {S}.credits c WHERE c.customer_id = $1
    UNION ALL
    SELECT greatest(c.voided_on, c.granted_on), 5, 'v' || c.id, 'void',
           CASE c.kind WHEN 'credit_note' THEN c.number ELSE 'Credit #' || c.id END,
           CASE c.kind WHEN 'credit_note' THEN 'Credit note voided' ELSE 'Credit voided' END, c.currency, c.amount_minor
    FROM {S}.credits c WHERE c.customer_id = $1 AND c.status = 'voided')
SELECT day, min(kind), max(reference COLLATE "C"), max(description COLLATE "C"), currency, sum(delta)::bigint
FROM parts WHERE day BETWEEN $2 AND $3
GROUP BY day, ord, key, currency
HAVING sum(delta) <> 0 OR ord = 0
ORDER BY day, ord, max(reference COLLATE "C"), key COLLATE "C""#;

/// SQLite's open-item queries with PostgreSQL's parameter.
fn open_sql(sql: &'static str, cell: &'static OnceLock<String>) -> &'static str {
    cell.get_or_init(|| sql.replace("?1", "$1"))
}

impl Ledger for PgStore {
    fn ledger_customer(&self, customer_id: i64) -> Result<Customer> {
        self.customer(customer_id)
    }

    fn ledger_organization(&self) -> Result<Organization> {
        self.organization()
    }

    fn open_sections_on(&mut self, customer_id: i64, day: NaiveDate) -> Result<Vec<Section>> {
        let before = self.as_of();
        self.set_as_of(Some(day))?;
        let read = self.open_sections(customer_id, day);
        let back = self.set_as_of(before);
        let sections = read?;
        back?;
        agrees_with_figures(customer_id, day, &self.metric_parts_as_of(customer_id, day)?, &sections)?;
        Ok(sections)
    }

    fn movements(&self, customer_id: i64, from: NaiveDate, to: NaiveDate) -> Result<BTreeMap<Currency, Vec<Movement>>> {
        let mut c = self.client()?;
        let schema: String = c.query_one("SELECT quote_ident(current_schema())", &[])?.try_get(0)?;
        // The schema is quoted by the server: nothing of the user's text
        // reaches the SQL.
        let sql = LINES.replace("{S}", &schema);
        let mut out: BTreeMap<Currency, Vec<Movement>> = BTreeMap::new();
        for r in c.query(&sql, &[&customer_id, &from, &to])? {
            let kind: String = r.try_get(1)?;
            out.entry(currency(r.try_get(4)?)?).or_default().push(Movement::new(
                r.try_get(0)?,
                &kind,
                r.try_get::<_, Option<String>>(2)?.unwrap_or_default(),
                r.try_get::<_, Option<String>>(3)?.unwrap_or_default(),
                r.try_get(5)?,
            ));
        }
        Ok(out)
    }
}

impl PgStore {
    /// The statement of `customer_id` as of the end of `as_of`, as
    /// `Store::statement`: open items, or with `Kind::Activity { from }`
    /// every movement from `from` too. The store reads as of the dates
    /// meanwhile and returns to what it read before, also on an error.
    pub fn statement(&mut self, customer_id: i64, as_of: NaiveDate, kind: Kind) -> Result<Statement> {
        statement_of(self, customer_id, as_of, kind)
    }

    /// The sections as of `day`; the store must be reading as of `day`.
    fn open_sections(&self, customer_id: i64, day: NaiveDate) -> Result<Vec<Section>> {
        static OPEN: OnceLock<String> = OnceLock::new();
        static PAYMENTS: OnceLock<String> = OnceLock::new();
        static CREDITS: OnceLock<String> = OnceLock::new();
        if self.as_of() != Some(day) {
            return Err(StoreError::Invalid(format!("the open items are read as of {day}")));
        }
        let mut sections: BTreeMap<Currency, Section> = BTreeMap::new();
        let mut c = self.client()?;
        for r in c.query(open_sql(open_items::OPEN, &OPEN), &[&customer_id])? {
            let item = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(4)?, r.try_get(5)?);
            add_open(&mut sections, currency(r.try_get(3)?)?, item, day);
        }
        for r in c.query(open_sql(open_items::PAYMENTS, &PAYMENTS), &[&customer_id])? {
            let cur = currency(r.try_get(3)?)?;
            add_payment(
                &mut sections,
                cur,
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                (r.try_get(4)?, r.try_get(5)?),
            );
        }
        for r in c.query(open_sql(open_items::CREDITS, &CREDITS), &[&customer_id])? {
            let (kind, number, id): (String, String, i64) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            let cur = currency(r.try_get(4)?)?;
            add_credit(&mut sections, cur, (&kind, number, id), r.try_get(3)?, (r.try_get(5)?, r.try_get(6)?));
        }
        Ok(finish(sections))
    }
}
