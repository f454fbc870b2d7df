-- PostgreSQL schema, version 1, part 2 of 3: views. SQLite schema 20's
-- views (`migrations/0020_day_rows.sql` says what each dated row counts and
-- when; `0014_dated_events.sql` the rules, measure by measure), written for
-- PostgreSQL. The triggers of `0001_3_summaries.sql` sum them into
-- `customer_day_summary`, as SQLite's do; `check` and the bulk loader read
-- them too (`store::day_summary`).
--
-- Translation of SQLite's functions (see also `0001_1_tables.sql` for the
-- types):
-- * dates are `date`; SQLite's '' for "no date" in `on_date` is
--   '-infinity'::date (it sorts before every date, as '' does before every
--   ISO date text).
-- * `max(a, b)` / `min(a, b)` (scalar) are `greatest` / `least`. SQLite's
--   return NULL when an argument is NULL, PostgreSQL's skip NULLs. Where an
--   argument can be NULL this matters and is written out:
--   `coalesce(min(e, c), e, c)` is exactly `least(e, c)`; `max(voided_on,
--   granted_on)` is NULL for a credit not voided (only voided ones reach
--   it); `max(0, julianday(p.received_on) - ...)` is NULL for an
--   application of credit (no payment), kept NULL by a CASE. Every other
--   greatest() here has arguments that are never NULL.
-- * `CAST(julianday(a) - julianday(b) AS INTEGER)` of two dates is `a - b`
--   (an integer number of days).
-- * `iif(c, a, b)` is `CASE WHEN c THEN a ELSE b END`; `(VALUES (1), ...) k`
--   with `k.column1` is `(VALUES (1), ...) AS part(n)` with `part.n`.
-- * every measure column is `bigint` (SQLite integers), so that sums of
--   them cast back to bigint exactly.

-- The text the customers list searches, as SQLite's FTS5 table
-- `customer_search` indexed it. The trigram index `customer_search` (on
-- customers) holds `lower(hay)`: `SELECT id FROM customer_search_text WHERE
-- lower(hay) LIKE $1` is expanded over customers and uses it.
CREATE VIEW customer_search_text AS
    SELECT id, name || ' ' || coalesce(legal_name, '') || ' ' || coalesce(billing_email, '') || ' '
               || coalesce(external_id, '') || ' ' || coalesce(import_source, '') || ' ' || currency AS hay
    FROM customers;

-- An invoice's rows: on its issue date (counted; its total; shown; billed
-- unless a draft), its open balance by due date unless a draft, and on the
-- day it stopped counting, the cancellation (shown, billed) and the open
-- balance of a cancelled or written-off invoice.
CREATE VIEW dated_invoice_rows AS
SELECT i.id AS invoice_id, i.customer_id, i.currency,
       CASE WHEN part.n <= 2 THEN i.issue_date
            ELSE greatest(coalesce(i.cancelled_on, i.written_off_on, i.issue_date), i.issue_date) END AS day,
       CASE WHEN part.n IN (2, 4) THEN i.due_date ELSE '-infinity'::date END AS on_date,
       CASE WHEN part.n = 1 THEN 1 ELSE 0 END::bigint AS invoices,
       CASE WHEN part.n = 1 THEN i.total_minor ELSE 0 END AS invoice_total,
       CASE part.n WHEN 1 THEN i.total_minor WHEN 3 THEN -i.total_minor ELSE 0 END AS shown_total,
       CASE part.n WHEN 1 THEN CASE WHEN i.status <> 'draft' THEN i.total_minor ELSE 0 END
                   WHEN 3 THEN -i.total_minor ELSE 0 END AS billed,
       CASE part.n WHEN 2 THEN i.total_minor WHEN 4 THEN -i.total_minor ELSE 0 END AS open_by_due
FROM invoices i CROSS JOIN (VALUES (1), (2), (3), (4)) AS part(n)
WHERE part.n = 1 OR (part.n = 2 AND i.status <> 'draft') OR (part.n = 3 AND i.status = 'cancelled')
   OR (part.n = 4 AND i.status IN ('cancelled', 'uncollectible'));

-- An application's rows, from the day it counts (`s`): what it applied
-- (towards billed until the invoice is cancelled or it is removed: `u56`;
-- from the payment or the credit until it is removed: `e`), the open
-- balance it took away by due date (until the invoice is cancelled or
-- written off, or it is removed: `u7`), and for a payment its collection
-- by payment date; then each taken back on the day it stops counting.
CREATE VIEW dated_application_rows AS
SELECT x.application_id, x.invoice_id, x.payment_id, x.customer_id, x.currency,
       CASE part.n WHEN 4 THEN x.u56 WHEN 5 THEN x.e WHEN 6 THEN x.u7 WHEN 7 THEN x.e ELSE x.s END AS day,
       CASE WHEN part.n IN (2, 6) THEN x.due_date WHEN part.n IN (3, 7) THEN x.received_on
            ELSE '-infinity'::date END AS on_date,
       CASE part.n WHEN 1 THEN CASE WHEN x.u56 IS NULL OR x.u56 > x.s THEN x.v ELSE 0 END
                   WHEN 4 THEN -x.v ELSE 0 END AS billed_applied,
       CASE WHEN x.payment_id IS NOT NULL THEN 0
            WHEN part.n = 1 THEN CASE WHEN x.u56 IS NULL OR x.u56 > x.s THEN x.v ELSE 0 END
            WHEN part.n = 4 THEN -x.v ELSE 0 END AS billed_credited,
       CASE part.n WHEN 2 THEN -x.v WHEN 6 THEN x.v ELSE 0 END AS open_by_due,
       CASE WHEN x.payment_id IS NULL THEN 0 WHEN part.n = 1 THEN x.v WHEN part.n = 5 THEN -x.v ELSE 0 END
           AS payment_applied,
       CASE WHEN x.payment_id IS NOT NULL THEN 0 WHEN part.n = 1 THEN x.v WHEN part.n = 5 THEN -x.v ELSE 0 END
           AS credit_applied,
       CASE part.n WHEN 3 THEN x.v WHEN 7 THEN -x.v ELSE 0 END AS window_applied,
       CASE part.n WHEN 3 THEN x.t / 1000000 WHEN 7 THEN -(x.t / 1000000) ELSE 0 END AS window_hi,
       CASE part.n WHEN 3 THEN x.t % 1000000 WHEN 7 THEN -(x.t % 1000000) ELSE 0 END AS window_lo
FROM (SELECT y.application_id, y.invoice_id, y.payment_id, y.customer_id, y.currency, y.due_date, y.received_on,
             y.s, y.e, y.v, y.t,
             least(y.e, y.c) AS u56,  -- SQLite: coalesce(min(e, c), e, c)
             least(y.e, y.k) AS u7    -- SQLite: coalesce(min(e, k), e, k)
      FROM (SELECT a.id AS application_id, a.invoice_id, a.payment_id, i.customer_id, i.currency, i.due_date,
                   p.received_on, greatest(coalesce(a.counts_from, a.applied_on), i.issue_date) AS s,
                   a.removed_on AS e,
                   CASE WHEN i.status = 'cancelled'
                        THEN greatest(coalesce(i.cancelled_on, i.issue_date), i.issue_date) END AS c,
                   CASE WHEN i.status IN ('cancelled', 'uncollectible')
                        THEN greatest(coalesce(i.cancelled_on, i.written_off_on, i.issue_date), i.issue_date) END AS k,
                   a.amount_minor AS v,
                   -- NULL for credit, as SQLite's max(0, NULL) is (never read for it).
                   CASE WHEN p.received_on IS NOT NULL
                        THEN a.amount_minor * greatest(0, p.received_on - i.issue_date) END AS t
            FROM applications a JOIN invoices i ON i.id = a.invoice_id LEFT JOIN payments p ON p.id = a.payment_id
            WHERE i.status <> 'draft' AND (a.payment_id IS NULL OR p.status IN ('succeeded', 'refunded'))) AS y
     ) AS x
     CROSS JOIN (VALUES (1), (2), (3), (4), (5), (6), (7)) AS part(n)
WHERE CASE part.n WHEN 1 THEN x.e IS NULL OR x.e > x.s
                  WHEN 2 THEN x.u7 IS NULL OR x.u7 > x.s
                  WHEN 3 THEN x.payment_id IS NOT NULL AND (x.e IS NULL OR x.e > x.s)
                  WHEN 4 THEN x.u56 > x.s
                  WHEN 5 THEN x.e > x.s
                  WHEN 6 THEN x.u7 > x.s
                  ELSE x.payment_id IS NOT NULL AND x.e > x.s END;

-- A payment's row on the day it was received; refunds' on the day of each
-- (never before the payment); a credit's on the day it was granted, and
-- taken back on the day it was voided.
CREATE VIEW dated_payment_rows AS
SELECT p.id AS payment_id, p.customer_id, p.currency, p.received_on AS day, '-infinity'::date AS on_date,
       1::bigint AS payments, p.amount_minor AS payment_total,
       CASE WHEN p.status IN ('succeeded', 'refunded') THEN p.amount_minor ELSE 0 END AS received,
       CASE WHEN p.status IN ('succeeded', 'refunded') THEN 1 ELSE 0 END::bigint AS succeeded
FROM payments p;

CREATE VIEW dated_refund_rows AS
SELECT r.id AS refund_id, r.payment_id, p.customer_id, p.currency, greatest(r.refunded_on, p.received_on) AS day,
       '-infinity'::date AS on_date, r.amount_minor AS refunded
FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.status IN ('succeeded', 'refunded');

CREATE VIEW dated_credit_rows AS
SELECT c.id AS credit_id, c.customer_id, c.currency,
       CASE WHEN part.n = 1 THEN c.granted_on
            WHEN c.voided_on IS NOT NULL THEN greatest(c.voided_on, c.granted_on) END AS day,  -- SQLite: max(voided_on, granted_on)
       '-infinity'::date AS on_date,
       CASE WHEN part.n = 1 THEN c.amount_minor ELSE -c.amount_minor END AS granted,
       CASE WHEN part.n = 1 THEN 1 ELSE 0 END::bigint AS credits
FROM credits c CROSS JOIN (VALUES (1), (2)) AS part(n)
WHERE part.n = 1 OR c.status = 'voided';
