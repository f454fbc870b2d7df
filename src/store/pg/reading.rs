//! The store read as of a past date on PostgreSQL, as `store/reading.rs`
//! does on SQLite: temporary views named like the tables that hold money
//! and the audit log shadow them for this connection (PostgreSQL, like
//! SQLite, looks a name up in the session's temporary schema first), each
//! showing its rows as they stood at the end of the day, so every read the
//! page makes answers as of the date. The rules are those of
//! `reading.rs`, row by row; nothing is written while a date is set.

use super::super::{Result, StoreError};
use super::store::PgStore;
use crate::domain::date::iso;
use chrono::NaiveDate;

/// The views, with `{D}` for the date, `{NEXT}` for the day after and
/// `{S}` for the schema the tables are in.
const VIEWS: &str = "
CREATE TEMP VIEW applications AS
SELECT a.id, a.invoice_id, a.payment_id, a.credit_id, a.amount_minor, a.applied_on, a.created_at,
       CASE WHEN a.removed_on <= '{D}' THEN a.removed_on END AS removed_on, a.counts_from
FROM {S}.applications a
WHERE coalesce(a.counts_from, a.applied_on) <= '{D}'
  AND (SELECT i.issue_date FROM {S}.invoices i WHERE i.id = a.invoice_id) <= '{D}'
  AND (a.payment_id IS NULL
       OR (SELECT p.status FROM {S}.payments p WHERE p.id = a.payment_id) IN ('succeeded', 'refunded'));

CREATE TEMP VIEW invoices AS
SELECT id, customer_id, contract_id, contract_name, number, issue_date, due_date, period_start, period_end, currency,
       total_minor, CASE WHEN st IN ('draft', 'cancelled') THEN 0 ELSE ap END AS applied_minor, st AS status,
       import_source, external_id, source_raw, import_base, import_row, created_at, version,
       CASE WHEN st IN ('open', 'uncollectible') THEN total_minor - ap ELSE 0 END AS balance_minor, memo,
       CASE WHEN st IN ('draft', 'cancelled') THEN 0 ELSE cr END AS credited_minor,
       CASE WHEN st = 'uncollectible' THEN written_off_on END AS written_off_on,
       CASE WHEN st = 'uncollectible' THEN write_off_reason ELSE '' END AS write_off_reason,
       CASE WHEN st = 'cancelled' THEN cancelled_on END AS cancelled_on
FROM (SELECT q.*,
             CASE WHEN q.status = 'draft' THEN 'draft'
                  WHEN q.status = 'cancelled'
                       AND greatest(coalesce(q.cancelled_on, q.issue_date), q.issue_date) <= '{D}' THEN 'cancelled'
                  WHEN q.status = 'uncollectible'
                       AND greatest(coalesce(q.written_off_on, q.issue_date), q.issue_date) <= '{D}'
                       THEN 'uncollectible'
                  WHEN q.ap >= q.total_minor THEN 'paid' ELSE 'open' END AS st
      FROM (SELECT i.id, i.customer_id, i.contract_id, i.contract_name, i.number, i.issue_date, i.due_date,
                   i.period_start, i.period_end, i.currency, i.total_minor, i.status, i.import_source,
                   i.external_id, i.source_raw, i.import_base, i.import_row, i.created_at, i.version, i.memo,
                   i.written_off_on, i.write_off_reason, i.cancelled_on,
                   (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
                    WHERE a.invoice_id = i.id AND a.removed_on IS NULL)::bigint AS ap,
                   (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
                    WHERE a.invoice_id = i.id AND a.removed_on IS NULL AND a.credit_id IS NOT NULL)::bigint AS cr
            FROM {S}.invoices i WHERE i.issue_date <= '{D}') q) v;

CREATE TEMP VIEW refunds AS
SELECT r.id, r.payment_id, r.refunded_on, r.amount_minor, r.reason, r.dated_from, r.created_at, r.external_id
FROM {S}.refunds r
WHERE greatest(r.refunded_on, (SELECT p.received_on FROM {S}.payments p WHERE p.id = r.payment_id)) <= '{D}';

CREATE TEMP VIEW payments AS
SELECT id, customer_id, received_on, amount_minor, rf AS refunded_minor,
       CASE WHEN st = 'succeeded' THEN ap ELSE 0 END AS applied_minor, currency, reference, st AS status, method,
       import_source, external_id, source_raw, created_at, version
FROM (SELECT q.*, CASE WHEN q.status NOT IN ('succeeded', 'refunded') THEN q.status
                       WHEN q.rf >= q.amount_minor THEN 'refunded' ELSE 'succeeded' END AS st
      FROM (SELECT p.*,
                   (SELECT coalesce(sum(r.amount_minor), 0) FROM refunds r WHERE r.payment_id = p.id)::bigint AS rf,
                   (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
                    WHERE a.payment_id = p.id AND a.removed_on IS NULL)::bigint AS ap
            FROM {S}.payments p WHERE p.received_on <= '{D}') q) v;

CREATE TEMP VIEW credits AS
SELECT id, customer_id, granted_on, amount_minor, CASE WHEN vd THEN 0 ELSE ap END AS applied_minor, currency,
       reason, import_source, external_id, created_at, version, kind, number,
       CASE WHEN vd THEN 'voided' ELSE 'issued' END AS status, CASE WHEN vd THEN voided_on END AS voided_on,
       invoice_id
FROM (SELECT c.*, coalesce(c.voided_on <= '{D}', false) AS vd,
             (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
              WHERE a.credit_id = c.id AND a.removed_on IS NULL)::bigint AS ap
      FROM {S}.credits c WHERE c.granted_on <= '{D}') v;

CREATE TEMP VIEW audit_log AS SELECT * FROM {S}.audit_log WHERE at < '{NEXT}';
";

/// The names the views shadow, dropped when the date is cleared.
const SHADOWED: [&str; 6] = ["audit_log", "credits", "payments", "refunds", "invoices", "applications"];

impl PgStore {
    /// The date the store reads as of, if one is set.
    pub fn as_of(&self) -> Option<NaiveDate> {
        self.as_of
    }

    /// Reads as of the end of `day` from now on (or as things are, with
    /// `None`); nothing can be written while a date is set.
    pub fn set_as_of(&mut self, day: Option<NaiveDate>) -> Result<()> {
        if day == self.as_of {
            return Ok(());
        }
        let mut c = self.client()?;
        // The old date's views go and the new date's come in one
        // transaction: a failure leaves the store as it was.
        let mut sql = String::new();
        if self.as_of.is_some() {
            sql.extend(SHADOWED.iter().map(|v| format!("DROP VIEW IF EXISTS pg_temp.{v};")));
        }
        if let Some(d) = day {
            let schema: String = c.query_one("SELECT quote_ident(current_schema())", &[])?.try_get(0)?;
            let next = d.succ_opt().map_or_else(|| "9999-12-31".to_string(), iso);
            // The dates are formatted here from a `NaiveDate` and the schema
            // quoted by the server: nothing of the user's text reaches the SQL.
            sql.push_str(&VIEWS.replace("{D}", &iso(d)).replace("{NEXT}", &next).replace("{S}", &schema));
        }
        // What the connection kept of its statements was learned against
        // the tables, or the old date's views: dropped whether the change
        // lands or not (`prepared`).
        c.prepared().forget();
        let mut tx = c.transaction()?;
        tx.batch_execute(&sql)?;
        tx.commit()?;
        drop(c);
        self.as_of = day;
        self.as_of_reason =
            day.map(|d| format!("it shows the books as of {}; return to today to change anything", iso(d)));
        Ok(())
    }

    /// The refusal of a write while the books are read as of a date.
    pub(super) fn writable(&self) -> Result<()> {
        if self.as_of.is_none() {
            self.check_schema()?;
        }
        match self.read_only() {
            Some(why) => {
                Err(StoreError::Invalid(format!("the database is open read-only ({why}); nothing can be changed")))
            }
            None => Ok(()),
        }
    }
}
