-- PostgreSQL schema, version 2: live reload by LISTEN/NOTIFY (issue 21),
-- where SQLite has `PRAGMA data_version`. The same books as version 1
-- (SQLite version 20); nothing stored changes.
--
-- Whatever writes the books (ardesk, or another tool), each statement that
-- changes a customer's rows notifies, at its commit and only then:
-- * `ardesk_customer_<id>` for each customer it touched (no payload): a
--   page listens on its own customer's channel only, so a team's writes
--   to other customers never reload it;
-- * `ardesk_customers` with the customer's id as payload: the customers
--   list listens there;
-- * `ardesk_organization` when the settings change: every screen listens.
-- A notification with the same channel and payload is sent once per
-- transaction, however many rows or statements gave it.
--
-- Statement triggers, with the rows in transition tables: one statement
-- of a bulk load notifies once per customer, not once per row. The tables
-- are those that name a customer; a write to the rest (lines, message
-- bodies, applications, refunds, document chunks) comes with a change to
-- a row that names one — an application moves its invoice's and its
-- payment's `applied_minor`, a message its conversation — which notifies.
-- `ardesk migrate` lifts these with the others (`DISABLE TRIGGER USER`).

CREATE FUNCTION ardesk_notify_customers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c bigint;
BEGIN
    -- TG_ARGV[0]: the column that holds the customer's id.
    IF TG_OP <> 'DELETE' THEN
        FOR c IN EXECUTE format('SELECT DISTINCT %I FROM new_rows WHERE %I IS NOT NULL', TG_ARGV[0], TG_ARGV[0])
        LOOP
            PERFORM pg_notify('ardesk_customer_' || c, '');
            PERFORM pg_notify('ardesk_customers', c::text);
        END LOOP;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        FOR c IN EXECUTE format('SELECT DISTINCT %I FROM old_rows WHERE %I IS NOT NULL', TG_ARGV[0], TG_ARGV[0])
        LOOP
            PERFORM pg_notify('ardesk_customer_' || c, '');
            PERFORM pg_notify('ardesk_customers', c::text);
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION ardesk_notify_organization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ardesk_organization', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER organization_notify AFTER INSERT OR UPDATE OR DELETE ON organization
    FOR EACH STATEMENT EXECUTE FUNCTION ardesk_notify_organization();

DO $$
DECLARE
    t text[];
BEGIN
    FOREACH t SLICE 1 IN ARRAY ARRAY[
        ['customers', 'id'],
        ['contacts', 'customer_id'],
        ['contracts', 'customer_id'],
        ['invoices', 'customer_id'],
        ['payments', 'customer_id'],
        ['credits', 'customer_id'],
        ['documents', 'customer_id'],
        ['conversations', 'customer_id'],
        ['promises', 'customer_id'],
        ['invoice_pauses', 'customer_id'],
        ['audit_log', 'customer_id']
    ]
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION ardesk_notify_customers(%L)',
                       t[1] || '_notify_insert', t[1], t[2]);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION ardesk_notify_customers(%L)',
                       t[1] || '_notify_update', t[1], t[2]);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION ardesk_notify_customers(%L)',
                       t[1] || '_notify_delete', t[1], t[2]);
    END LOOP;
END
$$;
