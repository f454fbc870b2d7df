-- PostgreSQL schema, version 1, part 3 of 3: the triggers. Every SQLite
-- schema 20 trigger but the search ones is here as a PostgreSQL trigger of
-- the same name, on the same table, event and columns (`UPDATE OF` has the
-- same meaning in both: the trigger fires when the statement sets one of
-- those columns, changed or not), with the same WHEN where SQLite's has no
-- subquery (PostgreSQL's WHEN cannot hold one: those conditions are the
-- first thing the function checks). Same names, so that the bulk loader can
-- lift the same set (`summaries::KEEPERS`) with
-- `ALTER TABLE ... DISABLE TRIGGER name` and put it back.
--
-- The functions are shared by the triggers of one purpose on one table and
-- tell them apart by TG_OP / TG_WHEN; each says which SQLite triggers it
-- replaces. Mapping choices:
-- * A guard (SQLite `SELECT RAISE(ABORT, 'message')`) is a BEFORE trigger
--   raising `RAISE EXCEPTION 'message'` with the very same text, SQLSTATE
--   P0001 (the store maps P0001 to a message for people).
-- * A derived column of the row itself is set on NEW in a BEFORE trigger:
--   `invoices.balance_minor` (SQLite: an AFTER trigger that updated the
--   row again). The others are written by the triggers of the rows they
--   derive from, as in SQLite: invoices.applied_minor and credited_minor,
--   payments.applied_minor and credits.applied_minor by the applications'
--   triggers; contract_name by contracts_rename; customers'
--   primary_contact_id by contacts_first_is_primary.
-- * Summaries are kept by AFTER triggers (subtracting the row as it was,
--   adding it as it is), with `INSERT ... ON CONFLICT DO UPDATE` where
--   SQLite wrote `INSERT OR IGNORE` and then `UPDATE` (or its own upsert).
--   A subtraction never inserts: SQLite's is an UPDATE, which does nothing
--   when the row is missing, and so is this one.
-- * The dated summary (`customer_day_summary`) is kept as in SQLite: before
--   a row changes or goes, its dated rows as they are (the views of
--   `0001_2_views.sql`, which join the row with others) are subtracted; after
--   it changed or came, they are added as they are now. The subtraction
--   must read the tables before the change, so it is a BEFORE trigger, as in
--   SQLite. Sums come back as numeric and are cast to bigint.
-- * No summary row is ever deleted: SQLite's triggers leave a row that comes
--   back to zero in place (rows of customer_summary, customer_due_summary,
--   customer_collect_summary, customer_day_summary), and so do these. (The
--   bulk loader and `check --repair` in SQLite leave zero rows out; a table
--   kept by triggers may hold zero rows that a rebuilt one does not: both
--   are right, readers sum.)
-- * SQLite fires an AFTER row trigger right after its row, PostgreSQL at
--   the end of the statement (after every row of it). Nothing here reads
--   what another row of the same statement changes (a row's dated rows
--   depend on itself, its invoice, its payment; the caches on OLD and NEW),
--   so a statement of many rows ends with the same sums. A statement run
--   by a trigger function ends, and fires its own AFTER triggers, before the
--   function goes on, as in SQLite.
-- * BEFORE triggers on one event fire in the order of their names in
--   PostgreSQL; the guards may come after a trigger that already wrote a
--   summary: the guard's error aborts the statement and undoes it.
-- * SQLite's search triggers (customers_search_*, invoices_search_*,
--   payments_search_*, credits_search_*) have no counterpart: the trigram
--   indexes of `0001_1_tables.sql` follow the rows by themselves.
-- * SQLite `a IS NOT b` is `a IS DISTINCT FROM b`; `(x = 'y')` used as a
--   number is `(x = 'y')::integer`.
--
-- SQLite trigger                 PostgreSQL trigger (same name)  function
-- applications_check             BEFORE INSERT                   applications_check()
-- applications_immutable         BEFORE UPDATE, WHEN             applications_immutable()
-- applications_never_deleted     BEFORE DELETE                   applications_never_deleted()
-- applications_insert            AFTER INSERT, WHEN              applications_counts()
-- applications_remove            AFTER UPDATE OF removed_on, WHEN applications_counts()
-- applications_delete            AFTER DELETE, WHEN              applications_counts()
-- applications_dated_insert      AFTER INSERT                    applications_dated()
-- applications_dated_before      BEFORE UPDATE                   applications_dated()
-- applications_dated_after       AFTER UPDATE                    applications_dated()
-- applications_dated_delete      BEFORE DELETE                   applications_dated()
-- contacts_first_is_primary      AFTER INSERT                    contacts_first_is_primary()
-- contacts_keep_primary          BEFORE DELETE                   contacts_keep_primary()
-- contacts_stay_with_customer    BEFORE UPDATE OF customer_id, WHEN  contacts_stay_with_customer()
-- contracts_rename               AFTER UPDATE OF name, WHEN      contracts_rename()
-- credits_dated_insert           AFTER INSERT                    credits_dated()
-- credits_dated_before           BEFORE UPDATE OF ...            credits_dated()
-- credits_dated_after            AFTER UPDATE OF ...             credits_dated()
-- credits_dated_delete           BEFORE DELETE                   credits_dated()
-- credits_summary_insert         AFTER INSERT                    credits_summary()
-- credits_summary_update         AFTER UPDATE OF ...             credits_summary()
-- credits_summary_delete         AFTER DELETE                    credits_summary()
-- credits_void_final             BEFORE UPDATE OF status, WHEN   credits_void_final()
-- customers_outstanding_insert   AFTER INSERT                    customers_outstanding()
-- customers_outstanding_update   AFTER UPDATE OF name, currency  customers_outstanding()
-- customers_outstanding_delete   BEFORE DELETE                   customers_outstanding()
-- customers_primary_valid        BEFORE UPDATE OF primary_contact_id  customers_primary_valid()
-- invoices_balance_insert        BEFORE INSERT (was AFTER)       invoices_balance()
-- invoices_balance_update        BEFORE UPDATE OF status, total_minor, applied_minor (was AFTER)  invoices_balance()
-- invoices_dated_insert          AFTER INSERT                    invoices_dated()
-- invoices_dated_before          BEFORE UPDATE OF ..., WHEN      invoices_dated()
-- invoices_dated_after           AFTER UPDATE OF ..., WHEN       invoices_dated()
-- invoices_dated_delete          BEFORE DELETE                   invoices_dated()
-- invoices_issue_date_fixed      BEFORE UPDATE OF issue_date, WHEN  invoices_issue_date_fixed()
-- invoices_summary_insert        AFTER INSERT                    invoices_summary()
-- invoices_summary_update        AFTER UPDATE OF ...             invoices_summary()
-- invoices_summary_delete        AFTER DELETE                    invoices_summary()
-- payments_date_fixed            BEFORE UPDATE OF received_on, WHEN  payments_date_fixed()
-- payments_dated_insert          AFTER INSERT                    payments_dated()
-- payments_dated_before          BEFORE UPDATE OF ..., WHEN      payments_dated()
-- payments_dated_after           AFTER UPDATE OF ..., WHEN       payments_dated()
-- payments_dated_delete          BEFORE DELETE                   payments_dated()
-- payments_summary_insert        AFTER INSERT                    payments_summary()
-- payments_summary_update        AFTER UPDATE OF ...             payments_summary()
-- payments_summary_delete        AFTER DELETE                    payments_summary()
-- refunds_dated_insert           AFTER INSERT                    refunds_dated()
-- refunds_dated_before           BEFORE UPDATE                   refunds_dated()
-- refunds_dated_after            AFTER UPDATE                    refunds_dated()
-- refunds_dated_delete           BEFORE DELETE                   refunds_dated()
-- summary_outstanding_insert     AFTER INSERT                    summary_outstanding()
-- summary_outstanding_update     AFTER UPDATE OF outstanding_minor, WHEN  summary_outstanding()
-- summary_outstanding_delete     AFTER DELETE                    summary_outstanding()
-- customers_search_insert, _before, _after, _delete; invoices_search_insert,
-- _update, _delete; payments_search_insert, _update, _delete;
-- credits_search_insert, _update, _delete: none (trigram indexes).

-- ===========================================================================
-- The dated summary: add p_sign (1 or -1) times the dated rows of some raw
-- rows, grouped by the summary's key, as SQLite's `*_dated_*` triggers do
-- with `sum(...)` / `-sum(...)`. Each statement names its filter column
-- outright, so that the view's filter reaches the table's index.

-- An invoice's own rows (SQLite: `FROM dated_invoice_rows WHERE invoice_id = ...`).
CREATE FUNCTION day_summary_invoice_rows(p_invoice_id bigint, p_sign bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, invoices, invoice_total,
        shown_total, billed, open_by_due)
    SELECT customer_id, day, currency, on_date, (p_sign * sum(invoices))::bigint,
        (p_sign * sum(invoice_total))::bigint, (p_sign * sum(shown_total))::bigint, (p_sign * sum(billed))::bigint,
        (p_sign * sum(open_by_due))::bigint
    FROM dated_invoice_rows WHERE invoice_id = p_invoice_id GROUP BY 1, 2, 3, 4
    ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET
        invoices = s.invoices + excluded.invoices, invoice_total = s.invoice_total + excluded.invoice_total,
        shown_total = s.shown_total + excluded.shown_total, billed = s.billed + excluded.billed,
        open_by_due = s.open_by_due + excluded.open_by_due;
END;
$$;

-- Applications' rows: of one application (p_by 'application'), of an
-- invoice's applications ('invoice') or a payment's ('payment').
CREATE FUNCTION day_summary_application_rows(p_by text, p_id bigint, p_sign bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_by = 'application' THEN
        INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, billed_applied, billed_credited,
            open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
        SELECT customer_id, day, currency, on_date, (p_sign * sum(billed_applied))::bigint,
            (p_sign * sum(billed_credited))::bigint, (p_sign * sum(open_by_due))::bigint,
            (p_sign * sum(payment_applied))::bigint, (p_sign * sum(credit_applied))::bigint,
            (p_sign * sum(window_applied))::bigint, (p_sign * sum(window_hi))::bigint,
            (p_sign * sum(window_lo))::bigint
        FROM dated_application_rows WHERE application_id = p_id GROUP BY 1, 2, 3, 4
        ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET
            billed_applied = s.billed_applied + excluded.billed_applied,
            billed_credited = s.billed_credited + excluded.billed_credited,
            open_by_due = s.open_by_due + excluded.open_by_due,
            payment_applied = s.payment_applied + excluded.payment_applied,
            credit_applied = s.credit_applied + excluded.credit_applied,
            window_applied = s.window_applied + excluded.window_applied,
            window_hi = s.window_hi + excluded.window_hi, window_lo = s.window_lo + excluded.window_lo;
    ELSIF p_by = 'invoice' THEN
        INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, billed_applied, billed_credited,
            open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
        SELECT customer_id, day, currency, on_date, (p_sign * sum(billed_applied))::bigint,
            (p_sign * sum(billed_credited))::bigint, (p_sign * sum(open_by_due))::bigint,
            (p_sign * sum(payment_applied))::bigint, (p_sign * sum(credit_applied))::bigint,
            (p_sign * sum(window_applied))::bigint, (p_sign * sum(window_hi))::bigint,
            (p_sign * sum(window_lo))::bigint
        FROM dated_application_rows WHERE invoice_id = p_id GROUP BY 1, 2, 3, 4
        ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET
            billed_applied = s.billed_applied + excluded.billed_applied,
            billed_credited = s.billed_credited + excluded.billed_credited,
            open_by_due = s.open_by_due + excluded.open_by_due,
            payment_applied = s.payment_applied + excluded.payment_applied,
            credit_applied = s.credit_applied + excluded.credit_applied,
            window_applied = s.window_applied + excluded.window_applied,
            window_hi = s.window_hi + excluded.window_hi, window_lo = s.window_lo + excluded.window_lo;
    ELSIF p_by = 'payment' THEN
        INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, billed_applied, billed_credited,
            open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
        SELECT customer_id, day, currency, on_date, (p_sign * sum(billed_applied))::bigint,
            (p_sign * sum(billed_credited))::bigint, (p_sign * sum(open_by_due))::bigint,
            (p_sign * sum(payment_applied))::bigint, (p_sign * sum(credit_applied))::bigint,
            (p_sign * sum(window_applied))::bigint, (p_sign * sum(window_hi))::bigint,
            (p_sign * sum(window_lo))::bigint
        FROM dated_application_rows WHERE payment_id = p_id GROUP BY 1, 2, 3, 4
        ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET
            billed_applied = s.billed_applied + excluded.billed_applied,
            billed_credited = s.billed_credited + excluded.billed_credited,
            open_by_due = s.open_by_due + excluded.open_by_due,
            payment_applied = s.payment_applied + excluded.payment_applied,
            credit_applied = s.credit_applied + excluded.credit_applied,
            window_applied = s.window_applied + excluded.window_applied,
            window_hi = s.window_hi + excluded.window_hi, window_lo = s.window_lo + excluded.window_lo;
    ELSE
        RAISE EXCEPTION 'day_summary_application_rows: unknown filter %', p_by;
    END IF;
END;
$$;

-- A payment's own row.
CREATE FUNCTION day_summary_payment_rows(p_payment_id bigint, p_sign bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, payments, payment_total, received,
        succeeded)
    SELECT customer_id, day, currency, on_date, (p_sign * sum(payments))::bigint,
        (p_sign * sum(payment_total))::bigint, (p_sign * sum(received))::bigint, (p_sign * sum(succeeded))::bigint
    FROM dated_payment_rows WHERE payment_id = p_payment_id GROUP BY 1, 2, 3, 4
    ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET
        payments = s.payments + excluded.payments, payment_total = s.payment_total + excluded.payment_total,
        received = s.received + excluded.received, succeeded = s.succeeded + excluded.succeeded;
END;
$$;

-- Refunds' rows: of one refund (p_by 'refund') or of a payment's refunds
-- ('payment').
CREATE FUNCTION day_summary_refund_rows(p_by text, p_id bigint, p_sign bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_by = 'refund' THEN
        INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, refunded)
        SELECT customer_id, day, currency, on_date, (p_sign * sum(refunded))::bigint
        FROM dated_refund_rows WHERE refund_id = p_id GROUP BY 1, 2, 3, 4
        ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET refunded = s.refunded + excluded.refunded;
    ELSIF p_by = 'payment' THEN
        INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, refunded)
        SELECT customer_id, day, currency, on_date, (p_sign * sum(refunded))::bigint
        FROM dated_refund_rows WHERE payment_id = p_id GROUP BY 1, 2, 3, 4
        ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET refunded = s.refunded + excluded.refunded;
    ELSE
        RAISE EXCEPTION 'day_summary_refund_rows: unknown filter %', p_by;
    END IF;
END;
$$;

-- A credit's rows.
CREATE FUNCTION day_summary_credit_rows(p_credit_id bigint, p_sign bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_day_summary AS s (customer_id, day, currency, on_date, granted, credits)
    SELECT customer_id, day, currency, on_date, (p_sign * sum(granted))::bigint, (p_sign * sum(credits))::bigint
    FROM dated_credit_rows WHERE credit_id = p_credit_id GROUP BY 1, 2, 3, 4
    ON CONFLICT (customer_id, day, currency, on_date) DO UPDATE SET
        granted = s.granted + excluded.granted, credits = s.credits + excluded.credits;
END;
$$;

-- ===========================================================================
-- Applications. Only `removed_on` (with `counts_from`) ever changes, once.

-- Replaces SQLite applications_check.
CREATE FUNCTION applications_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM invoices i
        WHERE i.id = NEW.invoice_id AND i.status IN ('open', 'paid', 'uncollectible')
          AND i.customer_id = coalesce((SELECT customer_id FROM payments WHERE id = NEW.payment_id),
                                       (SELECT customer_id FROM credits WHERE id = NEW.credit_id))
          AND i.currency = coalesce((SELECT currency FROM payments WHERE id = NEW.payment_id),
                                    (SELECT currency FROM credits WHERE id = NEW.credit_id))) THEN
        RAISE EXCEPTION 'an application must be to an issued invoice of the same customer and currency';
    END IF;
    RETURN NEW;
END;
$$;

-- Replaces SQLite applications_immutable (its condition is the trigger's WHEN).
CREATE FUNCTION applications_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'applications are never changed, only reversed once, with the date they stopped counting';
END;
$$;

-- Replaces SQLite applications_never_deleted: a reversed application goes
-- only once its payment or credit is gone (deleted first, foreign keys
-- deferred).
CREATE FUNCTION applications_never_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.removed_on IS NULL
       OR EXISTS (SELECT 1 FROM payments WHERE id = OLD.payment_id)
       OR EXISTS (SELECT 1 FROM credits WHERE id = OLD.credit_id) THEN
        RAISE EXCEPTION 'applications are never deleted, only reversed';
    END IF;
    RETURN OLD;
END;
$$;

-- Replaces SQLite applications_insert (a live row inserted: INSERT),
-- applications_remove (reversed: UPDATE) and applications_delete (a live
-- row deleted: DELETE); the triggers' WHEN says which rows count. Keeps
-- invoices.applied_minor and credited_minor, payments.applied_minor,
-- credits.applied_minor and customer_collect_summary.
CREATE FUNCTION applications_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE invoices SET applied_minor = applied_minor + NEW.amount_minor,
            credited_minor = credited_minor + CASE WHEN NEW.credit_id IS NOT NULL THEN NEW.amount_minor ELSE 0 END
        WHERE id = NEW.invoice_id;
        UPDATE payments SET applied_minor = applied_minor + NEW.amount_minor WHERE id = NEW.payment_id;
        UPDATE credits  SET applied_minor = applied_minor + NEW.amount_minor WHERE id = NEW.credit_id;
        INSERT INTO customer_collect_summary AS s (customer_id, currency, received_on, applied_minor, weighted_hi,
            weighted_lo)
            SELECT x.customer_id, x.currency, x.received_on, NEW.amount_minor, x.t / 1000000, x.t % 1000000
            FROM (SELECT p.customer_id, p.currency, p.received_on,
                         NEW.amount_minor * greatest(0, p.received_on - i.issue_date) AS t
                  FROM payments p, invoices i
                  WHERE p.id = NEW.payment_id AND i.id = NEW.invoice_id) AS x
            ON CONFLICT (customer_id, currency, received_on) DO UPDATE SET
                applied_minor = s.applied_minor + excluded.applied_minor,
                weighted_hi = s.weighted_hi + excluded.weighted_hi + (s.weighted_lo + excluded.weighted_lo) / 1000000,
                weighted_lo = (s.weighted_lo + excluded.weighted_lo) % 1000000;
    ELSE
        -- Reversed (UPDATE) or deleted (DELETE): take back what OLD counted.
        UPDATE customer_collect_summary AS s SET
            applied_minor = s.applied_minor - OLD.amount_minor,
            weighted_hi = s.weighted_hi - x.t / 1000000 + (s.weighted_lo - x.t % 1000000) / 1000000,
            weighted_lo = (s.weighted_lo - x.t % 1000000) % 1000000
        FROM (SELECT p.customer_id, p.currency, p.received_on,
                     OLD.amount_minor * greatest(0, p.received_on - i.issue_date) AS t
              FROM payments p, invoices i WHERE p.id = OLD.payment_id AND i.id = OLD.invoice_id) AS x
        WHERE OLD.payment_id IS NOT NULL AND s.customer_id = x.customer_id
          AND s.currency = x.currency AND s.received_on = x.received_on;
        UPDATE invoices SET applied_minor = applied_minor - OLD.amount_minor,
            credited_minor = credited_minor - CASE WHEN OLD.credit_id IS NOT NULL THEN OLD.amount_minor ELSE 0 END
        WHERE id = OLD.invoice_id;
        UPDATE payments SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.payment_id;
        UPDATE credits  SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.credit_id;
    END IF;
    RETURN NULL;
END;
$$;

-- Replaces SQLite applications_dated_insert (AFTER INSERT: add),
-- applications_dated_before (BEFORE UPDATE: subtract), applications_dated_after
-- (AFTER UPDATE: add) and applications_dated_delete (BEFORE DELETE: subtract).
CREATE FUNCTION applications_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM day_summary_application_rows('application', OLD.id, -1);
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    PERFORM day_summary_application_rows('application', NEW.id, 1);
    RETURN NULL;
END;
$$;

CREATE TRIGGER applications_check BEFORE INSERT ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_check();

CREATE TRIGGER applications_immutable BEFORE UPDATE ON applications
    FOR EACH ROW
    WHEN (NOT (OLD.removed_on IS NULL AND NEW.removed_on IS NOT NULL
               AND NEW.id IS NOT DISTINCT FROM OLD.id AND NEW.invoice_id IS NOT DISTINCT FROM OLD.invoice_id
               AND NEW.payment_id IS NOT DISTINCT FROM OLD.payment_id
               AND NEW.credit_id IS NOT DISTINCT FROM OLD.credit_id
               AND NEW.amount_minor IS NOT DISTINCT FROM OLD.amount_minor
               AND NEW.applied_on IS NOT DISTINCT FROM OLD.applied_on
               AND NEW.created_at IS NOT DISTINCT FROM OLD.created_at))
    EXECUTE FUNCTION applications_immutable();

CREATE TRIGGER applications_never_deleted BEFORE DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_never_deleted();

CREATE TRIGGER applications_insert AFTER INSERT ON applications
    FOR EACH ROW WHEN (NEW.removed_on IS NULL) EXECUTE FUNCTION applications_counts();

CREATE TRIGGER applications_remove AFTER UPDATE OF removed_on ON applications
    FOR EACH ROW WHEN (OLD.removed_on IS NULL AND NEW.removed_on IS NOT NULL)
    EXECUTE FUNCTION applications_counts();

CREATE TRIGGER applications_delete AFTER DELETE ON applications
    FOR EACH ROW WHEN (OLD.removed_on IS NULL) EXECUTE FUNCTION applications_counts();

CREATE TRIGGER applications_dated_insert AFTER INSERT ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_dated();

CREATE TRIGGER applications_dated_before BEFORE UPDATE ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_dated();

CREATE TRIGGER applications_dated_after AFTER UPDATE ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_dated();

CREATE TRIGGER applications_dated_delete BEFORE DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_dated();

-- ===========================================================================
-- Contacts and contracts.

-- Replaces SQLite contacts_first_is_primary: a customer's first contact
-- becomes its primary contact.
CREATE FUNCTION contacts_first_is_primary() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT primary_contact_id FROM customers WHERE id = NEW.customer_id) IS NULL THEN
        UPDATE customers SET primary_contact_id = NEW.id WHERE id = NEW.customer_id;
    END IF;
    RETURN NULL;
END;
$$;

-- Replaces SQLite contacts_keep_primary.
CREATE FUNCTION contacts_keep_primary() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.id = (SELECT primary_contact_id FROM customers WHERE id = OLD.customer_id)
       AND EXISTS (SELECT 1 FROM contacts WHERE customer_id = OLD.customer_id AND id <> OLD.id) THEN
        RAISE EXCEPTION 'make another contact primary before deleting the primary contact';
    END IF;
    RETURN OLD;
END;
$$;

-- Replaces SQLite contacts_stay_with_customer (its condition is the WHEN).
CREATE FUNCTION contacts_stay_with_customer() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a contact cannot move to another customer';
END;
$$;

-- Replaces SQLite contracts_rename: invoices keep their contract's name.
CREATE FUNCTION contracts_rename() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE invoices SET contract_name = NEW.name WHERE contract_id = NEW.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER contacts_first_is_primary AFTER INSERT ON contacts
    FOR EACH ROW EXECUTE FUNCTION contacts_first_is_primary();

CREATE TRIGGER contacts_keep_primary BEFORE DELETE ON contacts
    FOR EACH ROW EXECUTE FUNCTION contacts_keep_primary();

CREATE TRIGGER contacts_stay_with_customer BEFORE UPDATE OF customer_id ON contacts
    FOR EACH ROW WHEN (NEW.customer_id <> OLD.customer_id) EXECUTE FUNCTION contacts_stay_with_customer();

CREATE TRIGGER contracts_rename AFTER UPDATE OF name ON contracts
    FOR EACH ROW WHEN (NEW.name <> OLD.name) EXECUTE FUNCTION contracts_rename();

-- ===========================================================================
-- Credits.

-- Replaces SQLite credits_dated_insert, credits_dated_before,
-- credits_dated_after, credits_dated_delete.
CREATE FUNCTION credits_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM day_summary_credit_rows(OLD.id, -1);
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    PERFORM day_summary_credit_rows(NEW.id, 1);
    RETURN NULL;
END;
$$;

-- Replaces SQLite credits_summary_insert, credits_summary_update,
-- credits_summary_delete: the open (issued, unapplied) credit.
CREATE FUNCTION credits_summary() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE customer_summary SET credit_open_minor = credit_open_minor
            - CASE WHEN OLD.status = 'issued' THEN OLD.amount_minor - OLD.applied_minor ELSE 0 END
        WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO customer_summary AS s (customer_id, currency, credit_open_minor)
        VALUES (NEW.customer_id, NEW.currency,
                CASE WHEN NEW.status = 'issued' THEN NEW.amount_minor - NEW.applied_minor ELSE 0 END)
        ON CONFLICT (customer_id, currency) DO UPDATE SET
            credit_open_minor = s.credit_open_minor + excluded.credit_open_minor;
    END IF;
    RETURN NULL;
END;
$$;

-- Replaces SQLite credits_void_final (its condition is the WHEN).
CREATE FUNCTION credits_void_final() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a voided credit stays voided';
END;
$$;

CREATE TRIGGER credits_dated_insert AFTER INSERT ON credits
    FOR EACH ROW EXECUTE FUNCTION credits_dated();

CREATE TRIGGER credits_dated_before
    BEFORE UPDATE OF customer_id, currency, granted_on, amount_minor, status, voided_on ON credits
    FOR EACH ROW EXECUTE FUNCTION credits_dated();

CREATE TRIGGER credits_dated_after
    AFTER UPDATE OF customer_id, currency, granted_on, amount_minor, status, voided_on ON credits
    FOR EACH ROW EXECUTE FUNCTION credits_dated();

CREATE TRIGGER credits_dated_delete BEFORE DELETE ON credits
    FOR EACH ROW EXECUTE FUNCTION credits_dated();

CREATE TRIGGER credits_summary_insert AFTER INSERT ON credits
    FOR EACH ROW EXECUTE FUNCTION credits_summary();

CREATE TRIGGER credits_summary_update
    AFTER UPDATE OF customer_id, currency, amount_minor, applied_minor, status ON credits
    FOR EACH ROW EXECUTE FUNCTION credits_summary();

CREATE TRIGGER credits_summary_delete AFTER DELETE ON credits
    FOR EACH ROW EXECUTE FUNCTION credits_summary();

CREATE TRIGGER credits_void_final BEFORE UPDATE OF status ON credits
    FOR EACH ROW WHEN (OLD.status = 'voided' AND NEW.status <> 'voided') EXECUTE FUNCTION credits_void_final();

-- ===========================================================================
-- Customers.

-- Replaces SQLite customers_outstanding_insert (AFTER INSERT),
-- customers_outstanding_update (AFTER UPDATE OF name, currency) and
-- customers_outstanding_delete (BEFORE DELETE): customer_outstanding, one
-- row per customer with the outstanding of its own currency.
CREATE FUNCTION customers_outstanding() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO customer_outstanding(customer_id, currency, name, outstanding_minor)
        VALUES (NEW.id, NEW.currency, NEW.name,
                coalesce((SELECT s.outstanding_minor FROM customer_summary s
                          WHERE s.customer_id = NEW.id AND s.currency = NEW.currency), 0));
        RETURN NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE customer_outstanding
        SET currency = NEW.currency, name = NEW.name,
            outstanding_minor = coalesce((SELECT s.outstanding_minor FROM customer_summary s
                                          WHERE s.customer_id = NEW.id AND s.currency = NEW.currency), 0)
        WHERE customer_id = NEW.id;
        RETURN NULL;
    END IF;
    DELETE FROM customer_outstanding WHERE customer_id = OLD.id;
    RETURN OLD;
END;
$$;

-- Replaces SQLite customers_primary_valid.
CREATE FUNCTION customers_primary_valid() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.primary_contact_id IS NULL
        AND EXISTS (SELECT 1 FROM contacts WHERE customer_id = NEW.id AND id IS DISTINCT FROM OLD.primary_contact_id))
       OR (NEW.primary_contact_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM contacts WHERE id = NEW.primary_contact_id AND customer_id = NEW.id)) THEN
        RAISE EXCEPTION 'the primary contact must be one of the customer''s own contacts';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER customers_outstanding_insert AFTER INSERT ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_outstanding();

CREATE TRIGGER customers_outstanding_update AFTER UPDATE OF name, currency ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_outstanding();

CREATE TRIGGER customers_outstanding_delete BEFORE DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_outstanding();

CREATE TRIGGER customers_primary_valid BEFORE UPDATE OF primary_contact_id ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_primary_valid();

-- ===========================================================================
-- Invoices.

-- Replaces SQLite invoices_balance_insert and invoices_balance_update, which
-- were AFTER triggers updating the row again when its balance was not
-- right; here the balance is set on the row before it is written (same
-- events and columns: INSERT, UPDATE OF status, total_minor, applied_minor).
-- What an invoice still owes: total - applied when open or uncollectible,
-- else 0.
--
-- SQLite checked the row as written (its balance not yet brought up to
-- date) and set the balance after, so a statement that puts the total out
-- of its range, applies more than the total, or writes a balance out of
-- range is refused by that column's CHECK (`invoice_total_in_range`, the
-- CHECK on applied_minor, `invoice_balance_in_range`). Here the balance
-- would be set first, and PostgreSQL checks CHECKs in the order of their
-- names: the balance computed from such a row, out of range too, would be
-- reported (`invoice_balance_in_range`) in place of the column at fault.
-- So the balance is set only when the row as written passes those three
-- CHECKs; otherwise it stays as written and the row is refused by the same
-- CHECK as in SQLite.
CREATE FUNCTION invoices_balance() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.balance_minor BETWEEN 0 AND 10000000000000 AND NEW.total_minor BETWEEN 0 AND 10000000000000
       AND NEW.applied_minor BETWEEN 0 AND NEW.total_minor THEN
        NEW.balance_minor := CASE WHEN NEW.status IN ('open', 'uncollectible')
                                  THEN NEW.total_minor - NEW.applied_minor ELSE 0 END;
    END IF;
    RETURN NEW;
END;
$$;

-- Replaces SQLite invoices_dated_insert (AFTER INSERT: its own rows),
-- invoices_dated_before (BEFORE UPDATE: subtract its rows and its
-- applications'), invoices_dated_after (AFTER UPDATE: add them) and
-- invoices_dated_delete (BEFORE DELETE: subtract them).
CREATE FUNCTION invoices_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM day_summary_invoice_rows(OLD.id, -1);
        PERFORM day_summary_application_rows('invoice', OLD.id, -1);
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    PERFORM day_summary_invoice_rows(NEW.id, 1);
    IF TG_OP = 'UPDATE' THEN
        PERFORM day_summary_application_rows('invoice', NEW.id, 1);
    END IF;
    RETURN NULL;
END;
$$;

-- Replaces SQLite invoices_issue_date_fixed (its condition is the WHEN).
CREATE FUNCTION invoices_issue_date_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the issue date of an invoice with payments applied cannot change';
END;
$$;

-- Replaces SQLite invoices_summary_insert, invoices_summary_update and
-- invoices_summary_delete: customer_summary's invoice sums and
-- customer_due_summary.
CREATE FUNCTION invoices_summary() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE customer_summary SET
            invoice_count = invoice_count - 1,
            invoice_total_minor = invoice_total_minor - OLD.total_minor,
            billed_minor = billed_minor
                - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.total_minor ELSE 0 END,
            billed_applied_minor = billed_applied_minor
                - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.applied_minor ELSE 0 END,
            billed_credited_minor = billed_credited_minor
                - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.credited_minor ELSE 0 END,
            outstanding_minor = outstanding_minor
                - CASE WHEN OLD.status = 'open' THEN OLD.total_minor - OLD.applied_minor ELSE 0 END,
            invoice_shown_total_minor = invoice_shown_total_minor
                - CASE WHEN OLD.status <> 'cancelled' THEN OLD.total_minor ELSE 0 END,
            invoice_balance_minor = invoice_balance_minor
                - CASE WHEN OLD.status IN ('open', 'uncollectible') THEN OLD.total_minor - OLD.applied_minor ELSE 0 END
        WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
        IF OLD.status = 'open' THEN
            UPDATE customer_due_summary SET open_minor = open_minor - (OLD.total_minor - OLD.applied_minor)
            WHERE customer_id = OLD.customer_id AND currency = OLD.currency AND due_date = OLD.due_date;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO customer_summary AS s (customer_id, currency, invoice_count, invoice_total_minor, billed_minor,
            billed_applied_minor, billed_credited_minor, outstanding_minor, invoice_shown_total_minor,
            invoice_balance_minor)
        VALUES (NEW.customer_id, NEW.currency, 1, NEW.total_minor,
            CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.total_minor ELSE 0 END,
            CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.applied_minor ELSE 0 END,
            CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.credited_minor ELSE 0 END,
            CASE WHEN NEW.status = 'open' THEN NEW.total_minor - NEW.applied_minor ELSE 0 END,
            CASE WHEN NEW.status <> 'cancelled' THEN NEW.total_minor ELSE 0 END,
            CASE WHEN NEW.status IN ('open', 'uncollectible') THEN NEW.total_minor - NEW.applied_minor ELSE 0 END)
        ON CONFLICT (customer_id, currency) DO UPDATE SET
            invoice_count = s.invoice_count + excluded.invoice_count,
            invoice_total_minor = s.invoice_total_minor + excluded.invoice_total_minor,
            billed_minor = s.billed_minor + excluded.billed_minor,
            billed_applied_minor = s.billed_applied_minor + excluded.billed_applied_minor,
            billed_credited_minor = s.billed_credited_minor + excluded.billed_credited_minor,
            outstanding_minor = s.outstanding_minor + excluded.outstanding_minor,
            invoice_shown_total_minor = s.invoice_shown_total_minor + excluded.invoice_shown_total_minor,
            invoice_balance_minor = s.invoice_balance_minor + excluded.invoice_balance_minor;
        IF NEW.status = 'open' THEN
            INSERT INTO customer_due_summary AS d (customer_id, currency, due_date, open_minor)
            VALUES (NEW.customer_id, NEW.currency, NEW.due_date, NEW.total_minor - NEW.applied_minor)
            ON CONFLICT (customer_id, currency, due_date) DO UPDATE SET open_minor = d.open_minor + excluded.open_minor;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER invoices_balance_insert BEFORE INSERT ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_balance();

CREATE TRIGGER invoices_balance_update BEFORE UPDATE OF status, total_minor, applied_minor ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_balance();

CREATE TRIGGER invoices_dated_insert AFTER INSERT ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_dated();

CREATE TRIGGER invoices_dated_before
    BEFORE UPDATE OF customer_id, currency, issue_date, due_date, total_minor, status, cancelled_on, written_off_on
    ON invoices
    FOR EACH ROW
    WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.currency IS DISTINCT FROM NEW.currency
          OR OLD.issue_date IS DISTINCT FROM NEW.issue_date OR OLD.due_date IS DISTINCT FROM NEW.due_date
          OR OLD.total_minor IS DISTINCT FROM NEW.total_minor OR OLD.cancelled_on IS DISTINCT FROM NEW.cancelled_on
          OR OLD.written_off_on IS DISTINCT FROM NEW.written_off_on
          OR (OLD.status IS DISTINCT FROM NEW.status
              AND NOT (OLD.status IN ('open', 'paid') AND NEW.status IN ('open', 'paid'))))
    EXECUTE FUNCTION invoices_dated();

CREATE TRIGGER invoices_dated_after
    AFTER UPDATE OF customer_id, currency, issue_date, due_date, total_minor, status, cancelled_on, written_off_on
    ON invoices
    FOR EACH ROW
    WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.currency IS DISTINCT FROM NEW.currency
          OR OLD.issue_date IS DISTINCT FROM NEW.issue_date OR OLD.due_date IS DISTINCT FROM NEW.due_date
          OR OLD.total_minor IS DISTINCT FROM NEW.total_minor OR OLD.cancelled_on IS DISTINCT FROM NEW.cancelled_on
          OR OLD.written_off_on IS DISTINCT FROM NEW.written_off_on
          OR (OLD.status IS DISTINCT FROM NEW.status
              AND NOT (OLD.status IN ('open', 'paid') AND NEW.status IN ('open', 'paid'))))
    EXECUTE FUNCTION invoices_dated();

CREATE TRIGGER invoices_dated_delete BEFORE DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_dated();

CREATE TRIGGER invoices_issue_date_fixed BEFORE UPDATE OF issue_date ON invoices
    FOR EACH ROW WHEN (NEW.issue_date <> OLD.issue_date AND OLD.applied_minor > 0)
    EXECUTE FUNCTION invoices_issue_date_fixed();

CREATE TRIGGER invoices_summary_insert AFTER INSERT ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_summary();

CREATE TRIGGER invoices_summary_update
    AFTER UPDATE OF customer_id, currency, status, total_minor, applied_minor, credited_minor, due_date ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_summary();

CREATE TRIGGER invoices_summary_delete AFTER DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_summary();

-- ===========================================================================
-- Payments.

-- Replaces SQLite payments_date_fixed (its condition is the WHEN).
CREATE FUNCTION payments_date_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the date of a payment that is applied to invoices cannot change';
END;
$$;

-- Replaces SQLite payments_dated_insert (AFTER INSERT: its own row),
-- payments_dated_before (BEFORE UPDATE: subtract its row, its refunds' and
-- its applications'), payments_dated_after (AFTER UPDATE: add them) and
-- payments_dated_delete (BEFORE DELETE: subtract them).
CREATE FUNCTION payments_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM day_summary_payment_rows(OLD.id, -1);
        PERFORM day_summary_refund_rows('payment', OLD.id, -1);
        PERFORM day_summary_application_rows('payment', OLD.id, -1);
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    PERFORM day_summary_payment_rows(NEW.id, 1);
    IF TG_OP = 'UPDATE' THEN
        PERFORM day_summary_refund_rows('payment', NEW.id, 1);
        PERFORM day_summary_application_rows('payment', NEW.id, 1);
    END IF;
    RETURN NULL;
END;
$$;

-- Replaces SQLite payments_summary_insert, payments_summary_update and
-- payments_summary_delete: customer_summary's payment sums.
CREATE FUNCTION payments_summary() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE customer_summary SET
            payment_count = payment_count - 1,
            payment_total_minor = payment_total_minor - OLD.amount_minor,
            collected_count = collected_count - (OLD.status = 'succeeded')::integer,
            collected_minor = collected_minor - CASE WHEN OLD.status IN ('succeeded', 'refunded')
                                                    THEN OLD.amount_minor - OLD.refunded_minor ELSE 0 END,
            unapplied_minor = unapplied_minor - CASE WHEN OLD.status = 'succeeded'
                                   THEN OLD.amount_minor - OLD.refunded_minor - OLD.applied_minor ELSE 0 END
        WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO customer_summary AS s (customer_id, currency, payment_count, payment_total_minor,
            collected_count, collected_minor, unapplied_minor)
        VALUES (NEW.customer_id, NEW.currency, 1, NEW.amount_minor, (NEW.status = 'succeeded')::integer,
            CASE WHEN NEW.status IN ('succeeded', 'refunded') THEN NEW.amount_minor - NEW.refunded_minor ELSE 0 END,
            CASE WHEN NEW.status = 'succeeded'
                 THEN NEW.amount_minor - NEW.refunded_minor - NEW.applied_minor ELSE 0 END)
        ON CONFLICT (customer_id, currency) DO UPDATE SET
            payment_count = s.payment_count + excluded.payment_count,
            payment_total_minor = s.payment_total_minor + excluded.payment_total_minor,
            collected_count = s.collected_count + excluded.collected_count,
            collected_minor = s.collected_minor + excluded.collected_minor,
            unapplied_minor = s.unapplied_minor + excluded.unapplied_minor;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER payments_date_fixed BEFORE UPDATE OF received_on ON payments
    FOR EACH ROW WHEN (NEW.received_on <> OLD.received_on AND OLD.applied_minor > 0)
    EXECUTE FUNCTION payments_date_fixed();

CREATE TRIGGER payments_dated_insert AFTER INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_dated();

CREATE TRIGGER payments_dated_before
    BEFORE UPDATE OF customer_id, currency, received_on, amount_minor, status ON payments
    FOR EACH ROW
    WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.currency IS DISTINCT FROM NEW.currency
          OR OLD.received_on IS DISTINCT FROM NEW.received_on OR OLD.amount_minor IS DISTINCT FROM NEW.amount_minor
          OR (OLD.status IN ('succeeded', 'refunded')) IS DISTINCT FROM (NEW.status IN ('succeeded', 'refunded')))
    EXECUTE FUNCTION payments_dated();

CREATE TRIGGER payments_dated_after
    AFTER UPDATE OF customer_id, currency, received_on, amount_minor, status ON payments
    FOR EACH ROW
    WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.currency IS DISTINCT FROM NEW.currency
          OR OLD.received_on IS DISTINCT FROM NEW.received_on OR OLD.amount_minor IS DISTINCT FROM NEW.amount_minor
          OR (OLD.status IN ('succeeded', 'refunded')) IS DISTINCT FROM (NEW.status IN ('succeeded', 'refunded')))
    EXECUTE FUNCTION payments_dated();

CREATE TRIGGER payments_dated_delete BEFORE DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_dated();

CREATE TRIGGER payments_summary_insert AFTER INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_summary();

CREATE TRIGGER payments_summary_update
    AFTER UPDATE OF customer_id, currency, status, amount_minor, refunded_minor, applied_minor ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_summary();

CREATE TRIGGER payments_summary_delete AFTER DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_summary();

-- ===========================================================================
-- Refunds.

-- Replaces SQLite refunds_dated_insert, refunds_dated_before,
-- refunds_dated_after, refunds_dated_delete.
CREATE FUNCTION refunds_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM day_summary_refund_rows('refund', OLD.id, -1);
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    PERFORM day_summary_refund_rows('refund', NEW.id, 1);
    RETURN NULL;
END;
$$;

CREATE TRIGGER refunds_dated_insert AFTER INSERT ON refunds
    FOR EACH ROW EXECUTE FUNCTION refunds_dated();

CREATE TRIGGER refunds_dated_before BEFORE UPDATE ON refunds
    FOR EACH ROW EXECUTE FUNCTION refunds_dated();

CREATE TRIGGER refunds_dated_after AFTER UPDATE ON refunds
    FOR EACH ROW EXECUTE FUNCTION refunds_dated();

CREATE TRIGGER refunds_dated_delete BEFORE DELETE ON refunds
    FOR EACH ROW EXECUTE FUNCTION refunds_dated();

-- ===========================================================================
-- customer_summary -> customer_outstanding.

-- Replaces SQLite summary_outstanding_insert, summary_outstanding_update
-- and summary_outstanding_delete: the customer's outstanding in its own
-- currency follows its summary row.
CREATE FUNCTION summary_outstanding() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE customer_outstanding SET outstanding_minor = 0
        WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
    ELSE
        UPDATE customer_outstanding SET outstanding_minor = NEW.outstanding_minor
        WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER summary_outstanding_insert AFTER INSERT ON customer_summary
    FOR EACH ROW EXECUTE FUNCTION summary_outstanding();

CREATE TRIGGER summary_outstanding_update AFTER UPDATE OF outstanding_minor ON customer_summary
    FOR EACH ROW WHEN (NEW.outstanding_minor IS DISTINCT FROM OLD.outstanding_minor)
    EXECUTE FUNCTION summary_outstanding();

CREATE TRIGGER summary_outstanding_delete AFTER DELETE ON customer_summary
    FOR EACH ROW EXECUTE FUNCTION summary_outstanding();
