-- Version 20: the dated summary one row a day (issue 19). Version 14 kept
-- the sums of the dated events one row per customer, day, currency,
-- measure and date: about ten rows an invoice (8.7 million rows and 273 MiB
-- for a million imported invoices), and an import summed ten events an
-- invoice to make them. Now one row per customer, day, currency and date
-- holds every measure in a column of its own (`on_date` is '' but for the
-- open balance by due date and the collections by payment date, as in
-- version 14): 1.8 million rows for the same million invoices, and the
-- views below give each raw row's few rows (two an invoice, three an
-- application, one a payment) instead of its events one by one.
--
-- What counts on which date is unchanged, and written with the measures
-- in `0014_dated_events.sql`; the column of each measure:
--   1 invoices, 2 invoice_total, 3 shown_total, 4 billed, 5 billed_applied,
--   6 billed_credited, 7 open_by_due, 8 payments, 9 payment_total,
--   10 received, 11 refunded, 12 payment_applied, 13 granted,
--   14 credit_applied, 15 succeeded, 16 window_applied, 17 window_hi,
--   18 window_lo, 19 credits.
-- The triggers keep the table as version 14's kept its rows (a row back at
-- zero stays); the bulk loader lifts them and sums the loaded rows
-- set-based (`store::day_summary`); `ardesk check` compares the table with
-- these views both ways round.

-- An invoice's rows: on its issue date (counted; its total; shown;
-- billed unless a draft), its open balance by due date unless a draft,
-- and on the day it stopped counting, the cancellation (shown, billed) and
-- the open balance of a cancelled or written-off invoice.
CREATE VIEW dated_invoice_rows AS
SELECT i.id AS invoice_id, i.customer_id, i.currency,
       CASE WHEN k.column1 <= 2 THEN i.issue_date
            ELSE max(coalesce(i.cancelled_on, i.written_off_on, i.issue_date), i.issue_date) END AS day,
       CASE WHEN k.column1 IN (2, 4) THEN i.due_date ELSE '' END AS on_date,
       iif(k.column1 = 1, 1, 0) AS invoices,
       iif(k.column1 = 1, i.total_minor, 0) AS invoice_total,
       CASE k.column1 WHEN 1 THEN i.total_minor WHEN 3 THEN -i.total_minor ELSE 0 END AS shown_total,
       CASE k.column1 WHEN 1 THEN iif(i.status <> 'draft', i.total_minor, 0) WHEN 3 THEN -i.total_minor ELSE 0 END
           AS billed,
       CASE k.column1 WHEN 2 THEN i.total_minor WHEN 4 THEN -i.total_minor ELSE 0 END AS open_by_due
FROM invoices i, (VALUES (1), (2), (3), (4)) k
WHERE k.column1 = 1 OR (k.column1 = 2 AND i.status <> 'draft') OR (k.column1 = 3 AND i.status = 'cancelled')
   OR (k.column1 = 4 AND i.status IN ('cancelled', 'uncollectible'));

-- An application's rows, from the day it counts (`s`): what it applied
-- (towards billed until the invoice is cancelled or it is removed: `u56`;
-- from the payment or the credit until it is removed: `e`), the open
-- balance it took away by due date (until the invoice is cancelled or
-- written off, or it is removed: `u7`), and for a payment its collection
-- by payment date; then each taken back on the day it stops counting.
CREATE VIEW dated_application_rows AS
SELECT application_id, invoice_id, payment_id, customer_id, currency,
       CASE k.column1 WHEN 4 THEN u56 WHEN 5 THEN e WHEN 6 THEN u7 WHEN 7 THEN e ELSE s END AS day,
       CASE WHEN k.column1 IN (2, 6) THEN due_date WHEN k.column1 IN (3, 7) THEN received_on ELSE '' END AS on_date,
       CASE k.column1 WHEN 1 THEN iif(u56 IS NULL OR u56 > s, v, 0) WHEN 4 THEN -v ELSE 0 END AS billed_applied,
       CASE WHEN payment_id IS NOT NULL THEN 0 WHEN k.column1 = 1 THEN iif(u56 IS NULL OR u56 > s, v, 0)
            WHEN k.column1 = 4 THEN -v ELSE 0 END AS billed_credited,
       CASE k.column1 WHEN 2 THEN -v WHEN 6 THEN v ELSE 0 END AS open_by_due,
       CASE WHEN payment_id IS NULL THEN 0 WHEN k.column1 = 1 THEN v WHEN k.column1 = 5 THEN -v ELSE 0 END
           AS payment_applied,
       CASE WHEN payment_id IS NOT NULL THEN 0 WHEN k.column1 = 1 THEN v WHEN k.column1 = 5 THEN -v ELSE 0 END
           AS credit_applied,
       CASE k.column1 WHEN 3 THEN v WHEN 7 THEN -v ELSE 0 END AS window_applied,
       CASE k.column1 WHEN 3 THEN t / 1000000 WHEN 7 THEN -(t / 1000000) ELSE 0 END AS window_hi,
       CASE k.column1 WHEN 3 THEN t % 1000000 WHEN 7 THEN -(t % 1000000) ELSE 0 END AS window_lo
FROM (SELECT application_id, invoice_id, payment_id, customer_id, currency, due_date, received_on, s, e, v, t,
             coalesce(min(e, c), e, c) AS u56, coalesce(min(e, k), e, k) AS u7
      FROM (SELECT a.id AS application_id, a.invoice_id, a.payment_id, i.customer_id, i.currency, i.due_date,
                   p.received_on, max(coalesce(a.counts_from, a.applied_on), i.issue_date) AS s, a.removed_on AS e,
                   CASE WHEN i.status = 'cancelled'
                        THEN max(coalesce(i.cancelled_on, i.issue_date), i.issue_date) END AS c,
                   CASE WHEN i.status IN ('cancelled', 'uncollectible')
                        THEN max(coalesce(i.cancelled_on, i.written_off_on, i.issue_date), i.issue_date) END AS k,
                   a.amount_minor AS v,
                   a.amount_minor * max(0, CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)) AS t
            FROM applications a JOIN invoices i ON i.id = a.invoice_id LEFT JOIN payments p ON p.id = a.payment_id
            WHERE i.status <> 'draft' AND (a.payment_id IS NULL OR p.status IN ('succeeded', 'refunded')))),
     (VALUES (1), (2), (3), (4), (5), (6), (7)) k
WHERE CASE k.column1 WHEN 1 THEN e IS NULL OR e > s
                     WHEN 2 THEN u7 IS NULL OR u7 > s
                     WHEN 3 THEN payment_id IS NOT NULL AND (e IS NULL OR e > s)
                     WHEN 4 THEN u56 > s
                     WHEN 5 THEN e > s
                     WHEN 6 THEN u7 > s
                     ELSE payment_id IS NOT NULL AND e > s END;

-- A payment's row on the day it was received; refunds' on the day of each
-- (never before the payment); a credit's on the day it was granted, and
-- taken back on the day it was voided.
CREATE VIEW dated_payment_rows AS
SELECT p.id AS payment_id, p.customer_id, p.currency, p.received_on AS day, '' AS on_date,
       1 AS payments, p.amount_minor AS payment_total,
       iif(p.status IN ('succeeded', 'refunded'), p.amount_minor, 0) AS received,
       iif(p.status IN ('succeeded', 'refunded'), 1, 0) AS succeeded
FROM payments p;

CREATE VIEW dated_refund_rows AS
SELECT r.id AS refund_id, r.payment_id, p.customer_id, p.currency, max(r.refunded_on, p.received_on) AS day,
       '' AS on_date, r.amount_minor AS refunded
FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.status IN ('succeeded', 'refunded');

CREATE VIEW dated_credit_rows AS
SELECT c.id AS credit_id, c.customer_id, c.currency,
       iif(k.column1 = 1, c.granted_on, max(c.voided_on, c.granted_on)) AS day, '' AS on_date,
       iif(k.column1 = 1, c.amount_minor, -c.amount_minor) AS granted, iif(k.column1 = 1, 1, 0) AS credits
FROM credits c, (VALUES (1), (2)) k
WHERE k.column1 = 1 OR c.status = 'voided';
