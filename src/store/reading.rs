//! A store read as of a past date (issue 17): temporary views named like
//! the tables that hold money (`invoices`, `applications`, `payments`,
//! `refunds`, `credits`) and the audit log, each showing its rows as they
//! stood at the end of that day, shadow the tables for this connection
//! (SQLite looks a name up in the temporary schema first). Every read the
//! page makes — the tabs' windows, filters and sums, an invoice's detail,
//! the activity — then answers as of the date without a line of its own;
//! the figures come from the dated summary (`as_of`). Nothing is written
//! meanwhile: the store is read-only while the date is set.
//!
//! As of D a row exists once it is dated on or before D (an invoice by its
//! issue date, a payment by the day it was received, a refund by its day,
//! a credit by the day it was granted, an audit row by its time); an
//! application counts from max(its date, the invoice's issue date) until
//! the day it was removed, and not at all when its payment did not
//! succeed; an invoice is cancelled or written off from that day (undated:
//! from its issue date), otherwise paid when what counts covers it and
//! open if not; a payment is refunded when its refunds by D add up to it;
//! a credit is voided from its void date. These are the dated events'
//! rules (`migrations/0014_dated_events.sql`), row by row.

use super::{Result, Store, StoreError};
use crate::domain::date::iso;
use chrono::NaiveDate;

/// The views, with `{D}` for the date and `{NEXT}` for the day after.
const VIEWS: &str = "
CREATE TEMP VIEW applications AS
SELECT a.id, a.invoice_id, a.payment_id, a.credit_id, a.amount_minor, a.applied_on, a.created_at,
       CASE WHEN a.removed_on <= '{D}' THEN a.removed_on END AS removed_on, a.counts_from
FROM main.applications a
WHERE coalesce(a.counts_from, a.applied_on) <= '{D}'
  AND (SELECT i.issue_date FROM main.invoices i WHERE i.id = a.invoice_id) <= '{D}'
  AND (a.payment_id IS NULL
       OR (SELECT p.status FROM main.payments p WHERE p.id = a.payment_id) IN ('succeeded', 'refunded'));

CREATE TEMP VIEW invoices AS
SELECT id, customer_id, contract_id, contract_name, number, issue_date, due_date, period_start, period_end, currency,
       total_minor, CASE WHEN st IN ('draft', 'cancelled') THEN 0 ELSE ap END AS applied_minor, st AS status,
       import_source, external_id, source_raw, created_at, version,
       CASE WHEN st IN ('open', 'uncollectible') THEN total_minor - ap ELSE 0 END AS balance_minor, memo,
       import_base, import_row,
       CASE WHEN st IN ('draft', 'cancelled') THEN 0 ELSE cr END AS credited_minor,
       CASE WHEN st = 'uncollectible' THEN written_off_on END AS written_off_on,
       CASE WHEN st = 'uncollectible' THEN write_off_reason ELSE '' END AS write_off_reason,
       CASE WHEN st = 'cancelled' THEN cancelled_on END AS cancelled_on
FROM (SELECT q.*,
             CASE WHEN q.status = 'draft' THEN 'draft'
                  WHEN q.status = 'cancelled'
                       AND max(coalesce(q.cancelled_on, q.issue_date), q.issue_date) <= '{D}' THEN 'cancelled'
                  WHEN q.status = 'uncollectible'
                       AND max(coalesce(q.written_off_on, q.issue_date), q.issue_date) <= '{D}' THEN 'uncollectible'
                  WHEN q.ap >= q.total_minor THEN 'paid' ELSE 'open' END AS st
      FROM (SELECT i.id, i.customer_id, i.contract_id, i.contract_name, i.number, i.issue_date, i.due_date,
                   i.period_start, i.period_end, i.currency, i.total_minor, i.status, i.import_source,
                   i.external_id, i.source_raw, i.created_at, i.version, i.memo, i.written_off_on,
                   i.write_off_reason, i.cancelled_on, i.import_base, i.import_row,
                   (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
                    WHERE a.invoice_id = i.id AND a.removed_on IS NULL) AS ap,
                   (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
                    WHERE a.invoice_id = i.id AND a.removed_on IS NULL AND a.credit_id IS NOT NULL) AS cr
            FROM main.invoices i WHERE i.issue_date <= '{D}') q);

CREATE TEMP VIEW refunds AS
SELECT r.id, r.payment_id, r.refunded_on, r.amount_minor, r.reason, r.dated_from, r.created_at, r.external_id
FROM main.refunds r
WHERE max(r.refunded_on, (SELECT p.received_on FROM main.payments p WHERE p.id = r.payment_id)) <= '{D}';

CREATE TEMP VIEW payments AS
SELECT id, customer_id, received_on, amount_minor, rf AS refunded_minor,
       CASE WHEN st = 'succeeded' THEN ap ELSE 0 END AS applied_minor, currency, reference, st AS status, method,
       import_source, external_id, source_raw, created_at, version
FROM (SELECT q.*, CASE WHEN q.status NOT IN ('succeeded', 'refunded') THEN q.status
                       WHEN q.rf >= q.amount_minor THEN 'refunded' ELSE 'succeeded' END AS st
      FROM (SELECT p.*,
                   (SELECT coalesce(sum(r.amount_minor), 0) FROM refunds r WHERE r.payment_id = p.id) AS rf,
                   (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
                    WHERE a.payment_id = p.id AND a.removed_on IS NULL) AS ap
            FROM main.payments p WHERE p.received_on <= '{D}') q);

CREATE TEMP VIEW credits AS
SELECT id, customer_id, granted_on, amount_minor, CASE WHEN vd THEN 0 ELSE ap END AS applied_minor, currency,
       reason, import_source, external_id, created_at, version, kind, number,
       CASE WHEN vd THEN 'voided' ELSE 'issued' END AS status, CASE WHEN vd THEN voided_on END AS voided_on,
       invoice_id
FROM (SELECT c.*, coalesce(c.voided_on <= '{D}', 0) AS vd,
             (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
              WHERE a.credit_id = c.id AND a.removed_on IS NULL) AS ap
      FROM main.credits c WHERE c.granted_on <= '{D}');

CREATE TEMP VIEW audit_log AS SELECT * FROM main.audit_log WHERE at < '{NEXT}';
";

/// The names the views shadow, dropped when the date is cleared.
const SHADOWED: [&str; 6] = ["audit_log", "credits", "payments", "refunds", "invoices", "applications"];

impl Store {
    /// The date the store reads as of, if one is set.
    pub fn as_of(&self) -> Option<NaiveDate> {
        self.as_of
    }

    /// Reads as of the end of `day` from now on (or as things are, with
    /// `None`). Read-only while a date is set; a database read through the
    /// adapters of an older version cannot be read as of a date (upgrade it
    /// first).
    pub fn set_as_of(&mut self, day: Option<NaiveDate>) -> Result<()> {
        if day == self.as_of {
            return Ok(());
        }
        if self.as_of.is_some() {
            let drop: String = SHADOWED.iter().map(|v| format!("DROP VIEW IF EXISTS temp.{v};")).collect();
            self.conn.execute_batch(&format!("PRAGMA query_only = OFF; {drop}"))?;
            self.read_only = self.read_only_before.take();
            self.as_of = None;
        }
        if let Some(d) = day {
            let version: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version != super::SCHEMA_VERSION {
                return Err(StoreError::Invalid(format!(
                    "this database is at schema version {version}; upgrade it (ardesk upgrade) to read it as of a date"
                )));
            }
            let next = d.succ_opt().map_or_else(|| "9999-12-31".to_string(), iso);
            // The dates are formatted here from a `NaiveDate`: nothing of
            // the user's text reaches the SQL.
            let views = VIEWS.replace("{D}", &iso(d)).replace("{NEXT}", &next);
            // All of them or none.
            if let Err(e) = self.conn.execute_batch(&format!("SAVEPOINT as_of; {views} RELEASE as_of;")) {
                let _ = self.conn.execute_batch("ROLLBACK TO as_of; RELEASE as_of;");
                return Err(e.into());
            }
            self.conn.execute_batch("PRAGMA query_only = ON")?;
            self.read_only_before = self.read_only.take();
            self.read_only = Some(format!("it shows the books as of {}; return to today to change anything", iso(d)));
            self.as_of = Some(d);
        }
        self.conn.flush_prepared_statement_cache();
        Ok(())
    }
}
