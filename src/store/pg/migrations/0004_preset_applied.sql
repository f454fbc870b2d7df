-- PostgreSQL schema, version 4: a bulk load may write its new invoices,
-- payments and credits with their applied amounts already set. The same
-- books as version 3 (SQLite version 20); nothing stored changes.
--
-- Why: an import's new invoices arrive with the payment or credit made
-- for what their source says was paid, and the application between them.
-- Until now the invoices and payments went in at zero applied, and the
-- applications' statement trigger then updated every one of them: a
-- second version of each row (PostgreSQL writes a whole new tuple, and
-- here a new entry in every index, the trigram ones too) and each
-- update's own triggers (the dated rows of the invoice taken away and
-- added back, the summaries' "gone" and "came"). On the million-row
-- Stripe file that was 160 of the import's 505 seconds, and a table of
-- dead tuples as large as the live one.
--
-- Here: when the transaction says so (`SET LOCAL ardesk.applied_preset =
-- on`, which only `PgImportTx::copy_applications` does, around its one
-- INSERT … SELECT), the applications' statement trigger leaves the
-- invoices', payments' and credits' applied amounts as written and does
-- the rest as before (the collections by payment date; the dated rows are
-- another trigger's). The rows were inserted with those amounts, so their
-- insert triggers counted them into the summaries already: the same sums,
-- which `ardesk check` recomputes. Any other writer, and every other
-- statement of an import, runs exactly as in version 3.

CREATE OR REPLACE FUNCTION applications_counts_inserted() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    preset boolean := current_setting('ardesk.applied_preset', true) IS NOT DISTINCT FROM 'on';
BEGIN
    IF NOT preset THEN
        UPDATE invoices AS i SET applied_minor = i.applied_minor + n.applied,
            credited_minor = i.credited_minor + n.credited
        FROM (SELECT invoice_id, sum(amount_minor)::bigint AS applied,
                     coalesce(sum(amount_minor) FILTER (WHERE credit_id IS NOT NULL), 0)::bigint AS credited
              FROM new_rows WHERE removed_on IS NULL GROUP BY invoice_id) AS n
        WHERE i.id = n.invoice_id;
    END IF;
    IF EXISTS (SELECT 1 FROM new_rows WHERE removed_on IS NULL AND payment_id IS NOT NULL) THEN
        IF NOT preset THEN
            UPDATE payments AS p SET applied_minor = p.applied_minor + n.applied
            FROM (SELECT payment_id, sum(amount_minor)::bigint AS applied FROM new_rows
                  WHERE removed_on IS NULL AND payment_id IS NOT NULL GROUP BY payment_id) AS n
            WHERE p.id = n.payment_id;
        END IF;
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
    IF NOT preset AND EXISTS (SELECT 1 FROM new_rows WHERE removed_on IS NULL AND credit_id IS NOT NULL) THEN
        UPDATE credits AS c SET applied_minor = c.applied_minor + n.applied
        FROM (SELECT credit_id, sum(amount_minor)::bigint AS applied FROM new_rows
              WHERE removed_on IS NULL AND credit_id IS NOT NULL GROUP BY credit_id) AS n
        WHERE c.id = n.credit_id;
    END IF;
    RETURN NULL;
END;
$$;
