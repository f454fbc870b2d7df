-- PostgreSQL schema, version 7: an invoice update's dated rows taken away and
-- added once per statement, not once per row. The same books as version 6 (SQLite
-- version 21); nothing stored changes.
--
-- Why: a bulk cancel is one UPDATE of many invoices, and each cancelled
-- invoice's dated rows on the cancel date go to the same two summary rows
-- (the customer's `customer_day_summary` of that day, on no due date and
-- on the invoice's due date). Row by row, `invoices_dated_after` updated
-- the day's row once an invoice, inside one transaction: every update
-- leaves a version that nothing can prune before the commit, and the next
-- one finds the row at the end of that chain, so the n-th update walks n
-- versions. Cancelling the 43,871 open invoices of the 1M-invoice customer
-- took 145 s on the server (4.5 s on SQLite); the UPDATE alone took 0.35 ms
-- an invoice for 1,000 of them and 0.91 ms for 16,000.
--
-- Here an invoice update's dated rows are kept once per statement, as
-- version 3 made the insert triggers: `invoices_dated_after` is FOR EACH
-- STATEMENT with transition tables, and for the invoices whose dated rows
-- change (the row triggers' WHEN, an invoice in `old_rows` against itself
-- in `new_rows`) it takes away their rows and their applications' rows as
-- they were and adds them as they are, summed by the summary's key, in
-- one statement for each view: each summary row is written once. The row
-- trigger `invoices_dated_before` that took each invoice's rows away
-- before it changed is gone with it. The sums are those of the row
-- triggers in another order: nothing an UPDATE of invoices changes is
-- read by another invoice's dated rows (an invoice's depend on itself;
-- its applications' on them, it and their payments, none of which the
-- UPDATE changes).
--
-- To read an invoice's dated rows as they were, from `old_rows`, the
-- views' formulas become functions of the rows they read
-- (`dated_invoice_parts`, `dated_application_parts`), and the views are
-- those functions over the tables: one formula, which PostgreSQL inlines
-- into the views' queries (SQL, IMMUTABLE, a single SELECT), so `check`
-- and every reader plan as before. Same columns, same rows.
--
-- The applications are found by their invoice's index (`a.invoice_id =
-- ANY(changed)`): joined from the transition table instead, the plan
-- read every application (a hash join; 1.1 s for 1,000 invoices of the
-- 1M-invoice customer).
--
-- The invoices changed are joined to the transition tables, not looked
-- up in them by `id = ANY(changed)`: that compares each row with the whole
-- array (6.4 s for 16,000 invoices, 37 s for 43,961).
--
-- An UPDATE trigger with transition tables cannot name columns (`UPDATE
-- OF`), so this one fires on every UPDATE of invoices and finds the rows
-- of the WHEN itself; a payment's update of applied amounts finds none
-- and writes nothing.

-- An invoice's dated rows (`0001_2_views.sql`): on its issue date
-- (counted; its total; shown; billed unless a draft), its open balance by
-- due date unless a draft, and on the day it stopped counting, the
-- cancellation (shown, billed) and the open balance of a cancelled or
-- written-off invoice.
CREATE FUNCTION dated_invoice_parts(i invoices)
RETURNS TABLE (invoice_id bigint, customer_id bigint, currency text, day date, on_date date, invoices bigint,
               invoice_total bigint, shown_total bigint, billed bigint, open_by_due bigint)
LANGUAGE sql IMMUTABLE AS $$
SELECT i.id, i.customer_id, i.currency,
       CASE WHEN part.n <= 2 THEN i.issue_date
            ELSE greatest(coalesce(i.cancelled_on, i.written_off_on, i.issue_date), i.issue_date) END,
       CASE WHEN part.n IN (2, 4) THEN i.due_date ELSE '-infinity'::date END,
       CASE WHEN part.n = 1 THEN 1 ELSE 0 END::bigint,
       CASE WHEN part.n = 1 THEN i.total_minor ELSE 0 END,
       CASE part.n WHEN 1 THEN i.total_minor WHEN 3 THEN -i.total_minor ELSE 0 END,
       CASE part.n WHEN 1 THEN CASE WHEN i.status <> 'draft' THEN i.total_minor ELSE 0 END
                   WHEN 3 THEN -i.total_minor ELSE 0 END,
       CASE part.n WHEN 2 THEN i.total_minor WHEN 4 THEN -i.total_minor ELSE 0 END
FROM (VALUES (1), (2), (3), (4)) AS part(n)
WHERE part.n = 1 OR (part.n = 2 AND i.status <> 'draft') OR (part.n = 3 AND i.status = 'cancelled')
   OR (part.n = 4 AND i.status IN ('cancelled', 'uncollectible'))
$$;

CREATE OR REPLACE VIEW dated_invoice_rows AS
SELECT d.invoice_id, d.customer_id, d.currency COLLATE "C" AS currency, d.day, d.on_date, d.invoices,
       d.invoice_total, d.shown_total, d.billed, d.open_by_due
FROM invoices i CROSS JOIN LATERAL dated_invoice_parts(i) AS d;

-- An application's dated rows (`0001_2_views.sql`) with its invoice `i`
-- and its payment `p` (NULL for a credit's), none for an invoice that is
-- a draft or a payment that did not succeed.
CREATE FUNCTION dated_application_parts(a applications, i invoices, p payments)
RETURNS TABLE (application_id bigint, invoice_id bigint, payment_id bigint, customer_id bigint, currency text,
               day date, on_date date, billed_applied bigint, billed_credited bigint, open_by_due bigint,
               payment_applied bigint, credit_applied bigint, window_applied bigint, window_hi bigint,
               window_lo bigint)
LANGUAGE sql IMMUTABLE AS $$
SELECT x.application_id, x.invoice_id, x.payment_id, x.customer_id, x.currency,
       CASE part.n WHEN 4 THEN x.u56 WHEN 5 THEN x.e WHEN 6 THEN x.u7 WHEN 7 THEN x.e ELSE x.s END,
       CASE WHEN part.n IN (2, 6) THEN x.due_date WHEN part.n IN (3, 7) THEN x.received_on
            ELSE '-infinity'::date END,
       CASE part.n WHEN 1 THEN CASE WHEN x.u56 IS NULL OR x.u56 > x.s THEN x.v ELSE 0 END
                   WHEN 4 THEN -x.v ELSE 0 END,
       CASE WHEN x.payment_id IS NOT NULL THEN 0
            WHEN part.n = 1 THEN CASE WHEN x.u56 IS NULL OR x.u56 > x.s THEN x.v ELSE 0 END
            WHEN part.n = 4 THEN -x.v ELSE 0 END,
       CASE part.n WHEN 2 THEN -x.v WHEN 6 THEN x.v ELSE 0 END,
       CASE WHEN x.payment_id IS NULL THEN 0 WHEN part.n = 1 THEN x.v WHEN part.n = 5 THEN -x.v ELSE 0 END,
       CASE WHEN x.payment_id IS NOT NULL THEN 0 WHEN part.n = 1 THEN x.v WHEN part.n = 5 THEN -x.v ELSE 0 END,
       CASE part.n WHEN 3 THEN x.v WHEN 7 THEN -x.v ELSE 0 END,
       CASE part.n WHEN 3 THEN x.t / 1000000 WHEN 7 THEN -(x.t / 1000000) ELSE 0 END,
       CASE part.n WHEN 3 THEN x.t % 1000000 WHEN 7 THEN -(x.t % 1000000) ELSE 0 END
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
            WHERE i.status <> 'draft' AND (a.payment_id IS NULL OR p.status IN ('succeeded', 'refunded'))) AS y
     ) AS x
     CROSS JOIN (VALUES (1), (2), (3), (4), (5), (6), (7)) AS part(n)
WHERE CASE part.n WHEN 1 THEN x.e IS NULL OR x.e > x.s
                  WHEN 2 THEN x.u7 IS NULL OR x.u7 > x.s
                  WHEN 3 THEN x.payment_id IS NOT NULL AND (x.e IS NULL OR x.e > x.s)
                  WHEN 4 THEN x.u56 > x.s
                  WHEN 5 THEN x.e > x.s
                  WHEN 6 THEN x.u7 > x.s
                  ELSE x.payment_id IS NOT NULL AND x.e > x.s END
$$;

CREATE OR REPLACE VIEW dated_application_rows AS
SELECT d.application_id, d.invoice_id, d.payment_id, d.customer_id, d.currency COLLATE "C" AS currency, d.day,
       d.on_date, d.billed_applied, d.billed_credited, d.open_by_due, d.payment_applied, d.credit_applied,
       d.window_applied, d.window_hi, d.window_lo
FROM applications a JOIN invoices i ON i.id = a.invoice_id LEFT JOIN payments p ON p.id = a.payment_id
     CROSS JOIN LATERAL dated_application_parts(a, i, p) AS d;

-- Replaces invoices_dated() for invoices_dated_before and _after: the
-- statement's invoices whose dated rows changed (the row triggers' WHEN),
-- their rows and their applications' taken away as they were and added as
-- they are, each summary row written once.
CREATE FUNCTION invoices_dated_updated() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    changed bigint[];
BEGIN
    SELECT array_agg(n.id) INTO changed
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE o.customer_id IS DISTINCT FROM n.customer_id OR o.currency IS DISTINCT FROM n.currency
       OR o.issue_date IS DISTINCT FROM n.issue_date OR o.due_date IS DISTINCT FROM n.due_date
       OR o.total_minor IS DISTINCT FROM n.total_minor OR o.cancelled_on IS DISTINCT FROM n.cancelled_on
       OR o.written_off_on IS DISTINCT FROM n.written_off_on
       OR (o.status IS DISTINCT FROM n.status AND NOT (o.status IN ('open', 'paid') AND n.status IN ('open', 'paid')));
    IF changed IS NULL THEN
        RETURN NULL;
    END IF;

    INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, invoices, invoice_total,
        shown_total, billed, open_by_due)
    SELECT * FROM (
        SELECT d.customer_id, d.day, d.currency, d.on_date, sum(d.sign * d.invoices)::bigint AS invoices,
            sum(d.sign * d.invoice_total)::bigint AS invoice_total, sum(d.sign * d.shown_total)::bigint AS shown_total,
            sum(d.sign * d.billed)::bigint AS billed, sum(d.sign * d.open_by_due)::bigint AS open_by_due
        FROM (SELECT -1 AS sign, p.* FROM old_rows o JOIN unnest(changed) AS c(id) ON c.id = o.id
                   CROSS JOIN LATERAL dated_invoice_parts(o) AS p
              UNION ALL
              SELECT 1, p.* FROM new_rows n JOIN unnest(changed) AS c(id) ON c.id = n.id
                   CROSS JOIN LATERAL dated_invoice_parts(n) AS p) AS d
        GROUP BY 1, 2, 3, 4) AS g
    WHERE g.invoices <> 0 OR g.invoice_total <> 0 OR g.shown_total <> 0 OR g.billed <> 0 OR g.open_by_due <> 0
    ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET
        invoices = s.invoices + excluded.invoices, invoice_total = s.invoice_total + excluded.invoice_total,
        shown_total = s.shown_total + excluded.shown_total, billed = s.billed + excluded.billed,
        open_by_due = s.open_by_due + excluded.open_by_due;

    INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT * FROM (
        SELECT d.customer_id, d.day, d.currency, d.on_date, sum(d.sign * d.billed_applied)::bigint AS billed_applied,
            sum(d.sign * d.billed_credited)::bigint AS billed_credited,
            sum(d.sign * d.open_by_due)::bigint AS open_by_due,
            sum(d.sign * d.payment_applied)::bigint AS payment_applied,
            sum(d.sign * d.credit_applied)::bigint AS credit_applied,
            sum(d.sign * d.window_applied)::bigint AS window_applied,
            sum(d.sign * d.window_hi)::bigint AS window_hi, sum(d.sign * d.window_lo)::bigint AS window_lo
        FROM (SELECT -1 AS sign, x.* FROM applications a JOIN old_rows o ON o.id = a.invoice_id
                   LEFT JOIN payments p ON p.id = a.payment_id
                   CROSS JOIN LATERAL dated_application_parts(a, o, p) AS x
              WHERE a.invoice_id = ANY(changed)
              UNION ALL
              SELECT 1, x.* FROM applications a JOIN new_rows n ON n.id = a.invoice_id
                   LEFT JOIN payments p ON p.id = a.payment_id
                   CROSS JOIN LATERAL dated_application_parts(a, n, p) AS x
              WHERE a.invoice_id = ANY(changed)) AS d
        GROUP BY 1, 2, 3, 4) AS g
    WHERE g.billed_applied <> 0 OR g.billed_credited <> 0 OR g.open_by_due <> 0 OR g.payment_applied <> 0
       OR g.credit_applied <> 0 OR g.window_applied <> 0 OR g.window_hi <> 0 OR g.window_lo <> 0
    ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET
        billed_applied = s.billed_applied + excluded.billed_applied,
        billed_credited = s.billed_credited + excluded.billed_credited,
        open_by_due = s.open_by_due + excluded.open_by_due,
        payment_applied = s.payment_applied + excluded.payment_applied,
        credit_applied = s.credit_applied + excluded.credit_applied,
        window_applied = s.window_applied + excluded.window_applied,
        window_hi = s.window_hi + excluded.window_hi, window_lo = s.window_lo + excluded.window_lo;
    RETURN NULL;
END;
$$;

DROP TRIGGER invoices_dated_before ON invoices;
DROP TRIGGER invoices_dated_after ON invoices;
CREATE TRIGGER invoices_dated_after AFTER UPDATE ON invoices
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_dated_updated();
