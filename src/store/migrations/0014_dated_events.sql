-- The dated events behind every figure, as views over the raw rows
-- (version 14). Each row says: on `day`, `measure` of the customer's sums
-- in `currency` moved by `delta` (for two measures, for the date `on_date`).
-- The figures as of a date D are the sums of the deltas dated on or before
-- D (`store::as_of`); `customer_dated_summary` keeps those sums per day,
-- the triggers in the version-14 migration keep it, and `ardesk check`
-- compares it with these views. A reading that cannot use the summary (a
-- database of an older version read without upgrading) sums these views
-- instead (`schema::adapt`).
--
-- Measures (`store::as_of::Measure` names them):
--   1 invoices, 2 Σ their totals, 3 Σ totals not cancelled  (the tab's status line)
--   4 billed: Σ totals of issued invoices not cancelled
--   5 Σ applied to them, 6 of which credit
--   7 open balance of open invoices, by due date (`on_date`)
--   8 payments, 9 Σ their amounts                          (the tab's status line)
--   10 received (succeeded or since refunded), 11 refunded, 12 Σ applied from payments
--   13 credit granted (less voided), 14 Σ applied from credit
--   15 payments that succeeded (a wholly refunded one is taken off where read)
--   16 Σ applied from payments by payment date (`on_date`), 17 and 18 Σ applied × days to
--      collect split as the collect summary splits it (÷ 10^6 and mod 10^6)
--   19 credits (the Payments tab lists them beside the payments)
--
-- The dates, and what an undated event counts as:
--   an invoice counts from its issue date; a cancellation from
--   max(cancelled_on, issue date), an undated one from the issue date (it
--   never counted); a bad-debt write-off likewise from written_off_on, an
--   undated one from the issue date (it was never open);
--   an application counts from max(applied_on — or counts_from, when it
--   replaced one reversed later —, the invoice's issue date) until removed_on, and towards what an invoice owes only while the
--   invoice is neither cancelled nor written off; an application of a
--   payment that did not succeed counts nowhere;
--   a payment counts from received_on, a refund from max(refunded_on,
--   received_on), a credit from granted_on until voided_on.

CREATE VIEW dated_invoice_events AS
SELECT i.id AS invoice_id, i.customer_id, i.currency, i.issue_date AS day, '' AS on_date, m.column1 AS measure,
       CASE m.column1 WHEN 1 THEN 1 ELSE i.total_minor END AS delta
FROM invoices i, (VALUES (1), (2), (3)) m
UNION ALL
SELECT i.id, i.customer_id, i.currency, i.issue_date, CASE m.column1 WHEN 7 THEN i.due_date ELSE '' END,
       m.column1, i.total_minor
FROM invoices i, (VALUES (4), (7)) m WHERE i.status <> 'draft'
UNION ALL
SELECT i.id, i.customer_id, i.currency, max(coalesce(i.cancelled_on, i.written_off_on, i.issue_date), i.issue_date),
       CASE m.column1 WHEN 7 THEN i.due_date ELSE '' END, m.column1, -i.total_minor
FROM invoices i, (VALUES (3), (4), (7)) m
WHERE i.status = 'cancelled' OR (i.status = 'uncollectible' AND m.column1 = 7);

CREATE VIEW dated_application_events AS
SELECT application_id, invoice_id, payment_id, customer_id, currency,
       CASE WHEN side.column1 = 1 THEN until ELSE s END AS day, on_date, measure,
       CASE WHEN side.column1 = 1 THEN -value ELSE value END AS delta
FROM (SELECT x.application_id, x.invoice_id, x.payment_id, x.customer_id, x.currency, x.s, m.column1 AS measure,
             CASE WHEN m.column1 IN (5, 6) THEN coalesce(min(x.e, x.c), x.e, x.c)
                  WHEN m.column1 = 7 THEN coalesce(min(x.e, x.k), x.e, x.k) ELSE x.e END AS until,
             CASE WHEN m.column1 = 7 THEN x.due_date WHEN m.column1 >= 16 THEN x.received_on ELSE '' END AS on_date,
             CASE m.column1 WHEN 7 THEN -x.v WHEN 17 THEN x.t / 1000000 WHEN 18 THEN x.t % 1000000 ELSE x.v END
                 AS value
      FROM (SELECT a.id AS application_id, a.invoice_id, a.payment_id, i.customer_id, i.currency, i.due_date,
                   p.received_on, max(coalesce(a.counts_from, a.applied_on), i.issue_date) AS s, a.removed_on AS e,
                   CASE WHEN i.status = 'cancelled'
                        THEN max(coalesce(i.cancelled_on, i.issue_date), i.issue_date) END AS c,
                   CASE WHEN i.status IN ('cancelled', 'uncollectible')
                        THEN max(coalesce(i.cancelled_on, i.written_off_on, i.issue_date), i.issue_date) END AS k,
                   a.amount_minor AS v,
                   a.amount_minor * max(0, CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)) AS t
            FROM applications a JOIN invoices i ON i.id = a.invoice_id LEFT JOIN payments p ON p.id = a.payment_id
            WHERE i.status <> 'draft' AND (a.payment_id IS NULL OR p.status IN ('succeeded', 'refunded'))) x,
           (VALUES (5), (6), (7), (12), (14), (16), (17), (18)) m
      WHERE m.column1 IN (5, 7) OR (m.column1 IN (6, 14)) = (x.payment_id IS NULL)),
     (VALUES (0), (1)) side
WHERE CASE side.column1 WHEN 0 THEN until IS NULL OR until > s ELSE until > s END;

CREATE VIEW dated_payment_events AS
SELECT p.id AS payment_id, p.customer_id, p.currency, p.received_on AS day, '' AS on_date, m.column1 AS measure,
       CASE WHEN m.column1 IN (8, 15) THEN 1 ELSE p.amount_minor END AS delta
FROM payments p, (VALUES (8), (9), (10), (15)) m
WHERE m.column1 IN (8, 9) OR p.status IN ('succeeded', 'refunded');

CREATE VIEW dated_refund_events AS
SELECT r.id AS refund_id, r.payment_id, p.customer_id, p.currency, max(r.refunded_on, p.received_on) AS day,
       '' AS on_date, 11 AS measure, r.amount_minor AS delta
FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.status IN ('succeeded', 'refunded');

CREATE VIEW dated_credit_events AS
SELECT c.id AS credit_id, c.customer_id, c.currency, c.granted_on AS day, '' AS on_date, m.column1 AS measure,
       CASE m.column1 WHEN 19 THEN 1 ELSE c.amount_minor END AS delta
FROM credits c, (VALUES (13), (19)) m
UNION ALL
SELECT c.id, c.customer_id, c.currency, max(c.voided_on, c.granted_on), '', 13, -c.amount_minor
FROM credits c WHERE c.status = 'voided';

CREATE VIEW dated_events AS
SELECT customer_id, currency, day, on_date, measure, delta FROM dated_invoice_events
UNION ALL SELECT customer_id, currency, day, on_date, measure, delta FROM dated_application_events
UNION ALL SELECT customer_id, currency, day, on_date, measure, delta FROM dated_payment_events
UNION ALL SELECT customer_id, currency, day, on_date, measure, delta FROM dated_refund_events
UNION ALL SELECT customer_id, currency, day, on_date, measure, delta FROM dated_credit_events;
