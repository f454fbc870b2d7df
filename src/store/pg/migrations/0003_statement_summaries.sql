-- PostgreSQL schema, version 3: the summaries of new invoices, payments
-- and applications added once per statement, not once per row. The same
-- books as versions 1 and 2 (SQLite version 20); nothing stored changes.
--
-- Why: an import inserts its invoices, payments and applications many to
-- a statement (`INSERT … SELECT` from staging), in one transaction.
-- Row by row, each application ran its own statements — an UPDATE of its
-- invoice, of its payment and of its credit (each with its own row
-- triggers and the statement triggers of `0002_notify.sql`, even for the
-- credit update that touched no row), an upsert of the collections by
-- payment date and one of its dated rows — and each of these statements
-- ran from PL/pgSQL's cached generic plan. That plan is made once a
-- function has run five times, at the start of the import, when the
-- tables are nearly empty: the planner then rightly prefers a sequential
-- scan, and the plan is kept for the session (nothing invalidates it
-- before an ANALYZE, which cannot see the import's rows before it
-- commits). So the dated rows of each new invoice were found by a scan of
-- every invoice (auto_explain, log_nested_statements, 20,000 generated
-- Stripe rows: `Seq Scan on invoices … Filter: (id = ANY ($1)) Rows
-- Removed by Filter: 18240`, 9 ms a loop): the import grew quadratic.
--
-- Here:
-- * the functions below plan each statement for its arguments and the
--   tables as they are now (`plan_cache_mode = force_custom_plan`: the
--   planner reads a table's current size, so a grown table is searched
--   by its index); they run once a statement, so planning costs little;
-- * the triggers below are FOR EACH STATEMENT with transition tables, and
--   each sums the statement's rows grouped by the summary's key, in one
--   statement per summary:
--   - applications_insert: invoices', payments' and credits' applied amounts
--     (one UPDATE each, of the rows the statement applied to) and the
--     collections by payment date;
--   - applications_dated_insert, invoices_dated_insert, payments_dated_insert:
--     the dated summary, from the views of `0001_2_views.sql` filtered by
--     `= ANY(ids)`, which reaches each table's primary key;
--   - invoices_summary_insert / _update, payments_summary_insert / _update:
--     customer_summary and customer_due_summary. An UPDATE trigger with
--     transition tables cannot name columns (`UPDATE OF`), so these fire on
--     every update and take only what moved: the rows as they were, less
--     those as they are (`EXCEPT ALL` over the columns the sums read), are
--     subtracted, and the rows as they are, less those as they were, added.
--     The rows both sides hold would add and take away the same amounts.
--
-- Same names as the row triggers they replace (the list of
-- `0001_3_summaries.sql`), same sums: a sum over a statement's rows is the
-- sum of each row's, added in any order (PostgreSQL ran the row triggers
-- at the end of the statement anyway), and a subtraction still never
-- inserts. An application reversed or deleted, the BEFORE triggers that
-- take a row's dated rows away before it changes, and every guard stay
-- row by row, as in version 1. The collections' hi/lo pair is kept with
-- lo normalised on insert too; readers and `check` read hi·10^6 + lo.

-- ===========================================================================
-- The dated summary of many rows at once: `0001_3_summaries.sql`'s
-- day_summary_*_rows with `= ANY(p_ids)` for `= p_id`.

CREATE FUNCTION day_summary_invoice_ids(p_ids bigint[], p_sign bigint) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, invoices, invoice_total,
        shown_total, billed, open_by_due)
    SELECT customer_id, day, currency, on_date, (p_sign * sum(invoices))::bigint,
        (p_sign * sum(invoice_total))::bigint, (p_sign * sum(shown_total))::bigint, (p_sign * sum(billed))::bigint,
        (p_sign * sum(open_by_due))::bigint
    FROM dated_invoice_rows WHERE invoice_id = ANY(p_ids) GROUP BY 1, 2, 3, 4
    ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET
        invoices = s.invoices + excluded.invoices, invoice_total = s.invoice_total + excluded.invoice_total,
        shown_total = s.shown_total + excluded.shown_total, billed = s.billed + excluded.billed,
        open_by_due = s.open_by_due + excluded.open_by_due;
END;
$$;

CREATE FUNCTION day_summary_application_ids(p_ids bigint[], p_sign bigint) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT customer_id, day, currency, on_date, (p_sign * sum(billed_applied))::bigint,
        (p_sign * sum(billed_credited))::bigint, (p_sign * sum(open_by_due))::bigint,
        (p_sign * sum(payment_applied))::bigint, (p_sign * sum(credit_applied))::bigint,
        (p_sign * sum(window_applied))::bigint, (p_sign * sum(window_hi))::bigint,
        (p_sign * sum(window_lo))::bigint
    FROM dated_application_rows WHERE application_id = ANY(p_ids) GROUP BY 1, 2, 3, 4
    ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET
        billed_applied = s.billed_applied + excluded.billed_applied,
        billed_credited = s.billed_credited + excluded.billed_credited,
        open_by_due = s.open_by_due + excluded.open_by_due,
        payment_applied = s.payment_applied + excluded.payment_applied,
        credit_applied = s.credit_applied + excluded.credit_applied,
        window_applied = s.window_applied + excluded.window_applied,
        window_hi = s.window_hi + excluded.window_hi, window_lo = s.window_lo + excluded.window_lo;
END;
$$;

CREATE FUNCTION day_summary_payment_ids(p_ids bigint[], p_sign bigint) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, payments, payment_total, received,
        succeeded)
    SELECT customer_id, day, currency, on_date, (p_sign * sum(payments))::bigint,
        (p_sign * sum(payment_total))::bigint, (p_sign * sum(received))::bigint, (p_sign * sum(succeeded))::bigint
    FROM dated_payment_rows WHERE payment_id = ANY(p_ids) GROUP BY 1, 2, 3, 4
    ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET
        payments = s.payments + excluded.payments, payment_total = s.payment_total + excluded.payment_total,
        received = s.received + excluded.received, succeeded = s.succeeded + excluded.succeeded;
END;
$$;

-- Replaces the row function of invoices_dated_insert (its own rows).
CREATE FUNCTION invoices_dated_inserted() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    PERFORM day_summary_invoice_ids(ARRAY(SELECT id FROM new_rows), 1);
    RETURN NULL;
END;
$$;

-- Replaces the row function of payments_dated_insert (its own row).
CREATE FUNCTION payments_dated_inserted() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    PERFORM day_summary_payment_ids(ARRAY(SELECT id FROM new_rows), 1);
    RETURN NULL;
END;
$$;

-- Replaces the row function of applications_dated_insert.
CREATE FUNCTION applications_dated_inserted() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    PERFORM day_summary_application_ids(ARRAY(SELECT id FROM new_rows), 1);
    RETURN NULL;
END;
$$;

-- Replaces applications_counts() for applications_insert (its WHEN,
-- `removed_on IS NULL`, is each statement's filter): the statement's live
-- applications summed per invoice, payment, credit and payment date.
CREATE FUNCTION applications_counts_inserted() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    UPDATE invoices AS i SET applied_minor = i.applied_minor + n.applied,
        credited_minor = i.credited_minor + n.credited
    FROM (SELECT invoice_id, sum(amount_minor)::bigint AS applied,
                 coalesce(sum(amount_minor) FILTER (WHERE credit_id IS NOT NULL), 0)::bigint AS credited
          FROM new_rows WHERE removed_on IS NULL GROUP BY invoice_id) AS n
    WHERE i.id = n.invoice_id;
    IF EXISTS (SELECT 1 FROM new_rows WHERE removed_on IS NULL AND payment_id IS NOT NULL) THEN
        UPDATE payments AS p SET applied_minor = p.applied_minor + n.applied
        FROM (SELECT payment_id, sum(amount_minor)::bigint AS applied FROM new_rows
              WHERE removed_on IS NULL AND payment_id IS NOT NULL GROUP BY payment_id) AS n
        WHERE p.id = n.payment_id;
        INSERT INTO customer_collect_summary AS s (customer_id, currency, received_on, applied_minor, weighted_hi,
            weighted_lo)
            SELECT customer_id, currency, received_on, applied, hi + lo / 1000000, lo % 1000000
            FROM (SELECT p.customer_id, p.currency, p.received_on, sum(a.amount_minor)::bigint AS applied,
                         sum(a.amount_minor * greatest(0, p.received_on - i.issue_date) / 1000000)::bigint AS hi,
                         sum(a.amount_minor * greatest(0, p.received_on - i.issue_date) % 1000000)::bigint AS lo
                  FROM new_rows a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id
                  WHERE a.removed_on IS NULL GROUP BY 1, 2, 3) AS x
            ON CONFLICT (customer_id, currency, received_on) DO UPDATE SET
                applied_minor = s.applied_minor + excluded.applied_minor,
                weighted_hi = s.weighted_hi + excluded.weighted_hi + (s.weighted_lo + excluded.weighted_lo) / 1000000,
                weighted_lo = (s.weighted_lo + excluded.weighted_lo) % 1000000;
    END IF;
    IF EXISTS (SELECT 1 FROM new_rows WHERE removed_on IS NULL AND credit_id IS NOT NULL) THEN
        UPDATE credits AS c SET applied_minor = c.applied_minor + n.applied
        FROM (SELECT credit_id, sum(amount_minor)::bigint AS applied FROM new_rows
              WHERE removed_on IS NULL AND credit_id IS NOT NULL GROUP BY credit_id) AS n
        WHERE c.id = n.credit_id;
    END IF;
    RETURN NULL;
END;
$$;

-- ===========================================================================
-- customer_summary and customer_due_summary: invoices_summary() and
-- payments_summary() of `0001_3_summaries.sql` over a statement's rows.
-- An UPDATE takes away `gone` (the rows as they were, less those as they
-- are) and adds `came` (the rows as they are, less those as they were),
-- each as the columns the sums read; an INSERT adds its rows.

-- Replaces invoices_summary() for invoices_summary_insert.
CREATE FUNCTION invoices_summary_inserted() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    INSERT INTO customer_summary AS s (customer_id, currency, invoice_count, invoice_total_minor, billed_minor,
        billed_applied_minor, billed_credited_minor, outstanding_minor, invoice_shown_total_minor,
        invoice_balance_minor)
    SELECT customer_id, currency, count(*) AS invoice_count, sum(total_minor)::bigint AS invoice_total_minor,
                 sum(CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN total_minor ELSE 0 END)::bigint
                     AS billed_minor,
                 sum(CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN applied_minor ELSE 0 END)::bigint
                     AS billed_applied_minor,
                 sum(CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN credited_minor ELSE 0 END)::bigint
                     AS billed_credited_minor,
                 sum(CASE WHEN status = 'open' THEN total_minor - applied_minor ELSE 0 END)::bigint AS outstanding_minor,
                 sum(CASE WHEN status <> 'cancelled' THEN total_minor ELSE 0 END)::bigint AS invoice_shown_total_minor,
                 sum(CASE WHEN status IN ('open', 'uncollectible') THEN total_minor - applied_minor ELSE 0 END)::bigint
                     AS invoice_balance_minor
          FROM new_rows GROUP BY customer_id, currency
    ON CONFLICT (customer_id, currency) DO UPDATE SET
        invoice_count = s.invoice_count + excluded.invoice_count,
        invoice_total_minor = s.invoice_total_minor + excluded.invoice_total_minor,
        billed_minor = s.billed_minor + excluded.billed_minor,
        billed_applied_minor = s.billed_applied_minor + excluded.billed_applied_minor,
        billed_credited_minor = s.billed_credited_minor + excluded.billed_credited_minor,
        outstanding_minor = s.outstanding_minor + excluded.outstanding_minor,
        invoice_shown_total_minor = s.invoice_shown_total_minor + excluded.invoice_shown_total_minor,
        invoice_balance_minor = s.invoice_balance_minor + excluded.invoice_balance_minor;
    INSERT INTO customer_due_summary AS d (customer_id, currency, due_date, open_minor)
    SELECT customer_id, currency, due_date, sum(total_minor - applied_minor)::bigint FROM new_rows
    WHERE status = 'open' GROUP BY customer_id, currency, due_date
    ON CONFLICT (customer_id, currency, due_date) DO UPDATE SET open_minor = d.open_minor + excluded.open_minor;
    RETURN NULL;
END;
$$;

-- Replaces invoices_summary() for invoices_summary_update.
CREATE FUNCTION invoices_summary_updated() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    WITH gone AS (SELECT customer_id, currency, status, total_minor, applied_minor, credited_minor, due_date FROM old_rows
                  EXCEPT ALL SELECT customer_id, currency, status, total_minor, applied_minor, credited_minor, due_date FROM new_rows)
    UPDATE customer_summary AS s SET
        invoice_count = s.invoice_count - g.invoice_count,
        invoice_total_minor = s.invoice_total_minor - g.invoice_total_minor,
        billed_minor = s.billed_minor - g.billed_minor,
        billed_applied_minor = s.billed_applied_minor - g.billed_applied_minor,
        billed_credited_minor = s.billed_credited_minor - g.billed_credited_minor,
        outstanding_minor = s.outstanding_minor - g.outstanding_minor,
        invoice_shown_total_minor = s.invoice_shown_total_minor - g.invoice_shown_total_minor,
        invoice_balance_minor = s.invoice_balance_minor - g.invoice_balance_minor
    FROM (SELECT customer_id, currency, count(*) AS invoice_count, sum(total_minor)::bigint AS invoice_total_minor,
                 sum(CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN total_minor ELSE 0 END)::bigint
                     AS billed_minor,
                 sum(CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN applied_minor ELSE 0 END)::bigint
                     AS billed_applied_minor,
                 sum(CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN credited_minor ELSE 0 END)::bigint
                     AS billed_credited_minor,
                 sum(CASE WHEN status = 'open' THEN total_minor - applied_minor ELSE 0 END)::bigint AS outstanding_minor,
                 sum(CASE WHEN status <> 'cancelled' THEN total_minor ELSE 0 END)::bigint AS invoice_shown_total_minor,
                 sum(CASE WHEN status IN ('open', 'uncollectible') THEN total_minor - applied_minor ELSE 0 END)::bigint
                     AS invoice_balance_minor
          FROM gone GROUP BY customer_id, currency) AS g
    WHERE s.customer_id = g.customer_id AND s.currency = g.currency;
    WITH gone AS (SELECT customer_id, currency, status, total_minor, applied_minor, credited_minor, due_date FROM old_rows
                  EXCEPT ALL SELECT customer_id, currency, status, total_minor, applied_minor, credited_minor, due_date FROM new_rows)
    UPDATE customer_due_summary AS d SET open_minor = d.open_minor - g.open_minor
    FROM (SELECT customer_id, currency, due_date, sum(total_minor - applied_minor)::bigint AS open_minor
          FROM gone WHERE status = 'open' GROUP BY customer_id, currency, due_date) AS g
    WHERE d.customer_id = g.customer_id AND d.currency = g.currency AND d.due_date = g.due_date;
    WITH came AS (SELECT customer_id, currency, status, total_minor, applied_minor, credited_minor, due_date FROM new_rows
                  EXCEPT ALL SELECT customer_id, currency, status, total_minor, applied_minor, credited_minor, due_date FROM old_rows)
    INSERT INTO customer_summary AS s (customer_id, currency, invoice_count, invoice_total_minor, billed_minor,
        billed_applied_minor, billed_credited_minor, outstanding_minor, invoice_shown_total_minor,
        invoice_balance_minor)
    SELECT customer_id, currency, count(*) AS invoice_count, sum(total_minor)::bigint AS invoice_total_minor,
                 sum(CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN total_minor ELSE 0 END)::bigint
                     AS billed_minor,
                 sum(CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN applied_minor ELSE 0 END)::bigint
                     AS billed_applied_minor,
                 sum(CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN credited_minor ELSE 0 END)::bigint
                     AS billed_credited_minor,
                 sum(CASE WHEN status = 'open' THEN total_minor - applied_minor ELSE 0 END)::bigint AS outstanding_minor,
                 sum(CASE WHEN status <> 'cancelled' THEN total_minor ELSE 0 END)::bigint AS invoice_shown_total_minor,
                 sum(CASE WHEN status IN ('open', 'uncollectible') THEN total_minor - applied_minor ELSE 0 END)::bigint
                     AS invoice_balance_minor
          FROM came GROUP BY customer_id, currency
    ON CONFLICT (customer_id, currency) DO UPDATE SET
        invoice_count = s.invoice_count + excluded.invoice_count,
        invoice_total_minor = s.invoice_total_minor + excluded.invoice_total_minor,
        billed_minor = s.billed_minor + excluded.billed_minor,
        billed_applied_minor = s.billed_applied_minor + excluded.billed_applied_minor,
        billed_credited_minor = s.billed_credited_minor + excluded.billed_credited_minor,
        outstanding_minor = s.outstanding_minor + excluded.outstanding_minor,
        invoice_shown_total_minor = s.invoice_shown_total_minor + excluded.invoice_shown_total_minor,
        invoice_balance_minor = s.invoice_balance_minor + excluded.invoice_balance_minor;
    WITH came AS (SELECT customer_id, currency, status, total_minor, applied_minor, credited_minor, due_date FROM new_rows
                  EXCEPT ALL SELECT customer_id, currency, status, total_minor, applied_minor, credited_minor, due_date FROM old_rows)
    INSERT INTO customer_due_summary AS d (customer_id, currency, due_date, open_minor)
    SELECT customer_id, currency, due_date, sum(total_minor - applied_minor)::bigint FROM came
    WHERE status = 'open' GROUP BY customer_id, currency, due_date
    ON CONFLICT (customer_id, currency, due_date) DO UPDATE SET open_minor = d.open_minor + excluded.open_minor;
    RETURN NULL;
END;
$$;

-- Replaces payments_summary() for payments_summary_insert.
CREATE FUNCTION payments_summary_inserted() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    INSERT INTO customer_summary AS s (customer_id, currency, payment_count, payment_total_minor,
        collected_count, collected_minor, unapplied_minor)
    SELECT customer_id, currency, count(*) AS payment_count, sum(amount_minor)::bigint AS payment_total_minor,
                 count(*) FILTER (WHERE status = 'succeeded') AS collected_count,
                 sum(CASE WHEN status IN ('succeeded', 'refunded') THEN amount_minor - refunded_minor ELSE 0 END)::bigint
                     AS collected_minor,
                 sum(CASE WHEN status = 'succeeded' THEN amount_minor - refunded_minor - applied_minor ELSE 0 END)::bigint
                     AS unapplied_minor
          FROM new_rows GROUP BY customer_id, currency
    ON CONFLICT (customer_id, currency) DO UPDATE SET
        payment_count = s.payment_count + excluded.payment_count,
        payment_total_minor = s.payment_total_minor + excluded.payment_total_minor,
        collected_count = s.collected_count + excluded.collected_count,
        collected_minor = s.collected_minor + excluded.collected_minor,
        unapplied_minor = s.unapplied_minor + excluded.unapplied_minor;
    RETURN NULL;
END;
$$;

-- Replaces payments_summary() for payments_summary_update.
CREATE FUNCTION payments_summary_updated() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    WITH gone AS (SELECT customer_id, currency, status, amount_minor, refunded_minor, applied_minor FROM old_rows
                  EXCEPT ALL SELECT customer_id, currency, status, amount_minor, refunded_minor, applied_minor FROM new_rows)
    UPDATE customer_summary AS s SET
        payment_count = s.payment_count - g.payment_count,
        payment_total_minor = s.payment_total_minor - g.payment_total_minor,
        collected_count = s.collected_count - g.collected_count,
        collected_minor = s.collected_minor - g.collected_minor,
        unapplied_minor = s.unapplied_minor - g.unapplied_minor
    FROM (SELECT customer_id, currency, count(*) AS payment_count, sum(amount_minor)::bigint AS payment_total_minor,
                 count(*) FILTER (WHERE status = 'succeeded') AS collected_count,
                 sum(CASE WHEN status IN ('succeeded', 'refunded') THEN amount_minor - refunded_minor ELSE 0 END)::bigint
                     AS collected_minor,
                 sum(CASE WHEN status = 'succeeded' THEN amount_minor - refunded_minor - applied_minor ELSE 0 END)::bigint
                     AS unapplied_minor
          FROM gone GROUP BY customer_id, currency) AS g
    WHERE s.customer_id = g.customer_id AND s.currency = g.currency;
    WITH came AS (SELECT customer_id, currency, status, amount_minor, refunded_minor, applied_minor FROM new_rows
                  EXCEPT ALL SELECT customer_id, currency, status, amount_minor, refunded_minor, applied_minor FROM old_rows)
    INSERT INTO customer_summary AS s (customer_id, currency, payment_count, payment_total_minor,
        collected_count, collected_minor, unapplied_minor)
    SELECT customer_id, currency, count(*) AS payment_count, sum(amount_minor)::bigint AS payment_total_minor,
                 count(*) FILTER (WHERE status = 'succeeded') AS collected_count,
                 sum(CASE WHEN status IN ('succeeded', 'refunded') THEN amount_minor - refunded_minor ELSE 0 END)::bigint
                     AS collected_minor,
                 sum(CASE WHEN status = 'succeeded' THEN amount_minor - refunded_minor - applied_minor ELSE 0 END)::bigint
                     AS unapplied_minor
          FROM came GROUP BY customer_id, currency
    ON CONFLICT (customer_id, currency) DO UPDATE SET
        payment_count = s.payment_count + excluded.payment_count,
        payment_total_minor = s.payment_total_minor + excluded.payment_total_minor,
        collected_count = s.collected_count + excluded.collected_count,
        collected_minor = s.collected_minor + excluded.collected_minor,
        unapplied_minor = s.unapplied_minor + excluded.unapplied_minor;
    RETURN NULL;
END;
$$;

-- ===========================================================================
-- The triggers, by the same names. The row functions they used stay: the
-- UPDATE and DELETE triggers of the same purpose still call them.

DROP TRIGGER applications_insert ON applications;
CREATE TRIGGER applications_insert AFTER INSERT ON applications REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION applications_counts_inserted();

DROP TRIGGER applications_dated_insert ON applications;
CREATE TRIGGER applications_dated_insert AFTER INSERT ON applications REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION applications_dated_inserted();

DROP TRIGGER invoices_dated_insert ON invoices;
CREATE TRIGGER invoices_dated_insert AFTER INSERT ON invoices REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_dated_inserted();

DROP TRIGGER invoices_summary_insert ON invoices;
CREATE TRIGGER invoices_summary_insert AFTER INSERT ON invoices REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_summary_inserted();

DROP TRIGGER invoices_summary_update ON invoices;
CREATE TRIGGER invoices_summary_update AFTER UPDATE ON invoices
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_summary_updated();

DROP TRIGGER payments_dated_insert ON payments;
CREATE TRIGGER payments_dated_insert AFTER INSERT ON payments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION payments_dated_inserted();

DROP TRIGGER payments_summary_insert ON payments;
CREATE TRIGGER payments_summary_insert AFTER INSERT ON payments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION payments_summary_inserted();

DROP TRIGGER payments_summary_update ON payments;
CREATE TRIGGER payments_summary_update AFTER UPDATE ON payments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION payments_summary_updated();
