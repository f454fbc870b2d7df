-- Version 8: credit is not collection (design §3, rule of 2026-12-05).
--
-- Billed & Collected counts money only: its numerator is what payments
-- applied to issued invoices. Credit applied to an invoice (granted credit,
-- later credit notes) lowers Total Billed instead (net billed), so that
-- Total Billed − Billed & Collected − written-off remainder = Outstanding.
--
-- `invoices.credited_minor`: Σ the live applications of credit to the
-- invoice, the part of `applied_minor` that is not money (so never more
-- than it). The application triggers keep it beside `applied_minor`, in
-- the same UPDATE, on insert, on removal and on delete: the CHECK sees both
-- moved at once.
--
-- `customer_summary.billed_credited_minor`: Σ credited of issued invoices
-- (open, paid, uncollectible), kept by the invoice summary triggers exactly
-- as `billed_applied_minor` is. The cards take Total Billed = billed −
-- billed_credited and Billed & Collected = billed_applied − billed_credited
-- (`domain::metrics`). Both columns are filled from the rows here; columns
-- added with their defaults, no table rebuilt. The bulk loader lifts the
-- same triggers (`summaries::KEEPERS`) and recomputes both columns.

DROP TRIGGER applications_insert;
DROP TRIGGER applications_remove;
DROP TRIGGER applications_delete;
DROP TRIGGER invoices_summary_insert;
DROP TRIGGER invoices_summary_delete;
DROP TRIGGER invoices_summary_update;

ALTER TABLE invoices ADD COLUMN credited_minor INTEGER NOT NULL DEFAULT 0
    CONSTRAINT invoice_credited_within_applied CHECK (credited_minor BETWEEN 0 AND applied_minor);
UPDATE invoices SET credited_minor =
    (SELECT coalesce(sum(a.amount_minor), 0) FROM applications a
     WHERE a.invoice_id = invoices.id AND a.credit_id IS NOT NULL AND a.removed_on IS NULL)
WHERE id IN (SELECT invoice_id FROM applications WHERE credit_id IS NOT NULL AND removed_on IS NULL);

ALTER TABLE customer_summary ADD COLUMN billed_credited_minor INTEGER NOT NULL DEFAULT 0
    CONSTRAINT customer_billed_credited_in_range CHECK (billed_credited_minor BETWEEN 0 AND 100000000000000000);
UPDATE customer_summary SET billed_credited_minor = s.c
FROM (SELECT customer_id, currency, sum(credited_minor) AS c FROM invoices
      WHERE status IN ('open', 'paid', 'uncollectible') GROUP BY customer_id, currency) AS s
WHERE customer_summary.customer_id = s.customer_id AND customer_summary.currency = s.currency;

CREATE TRIGGER invoices_summary_insert AFTER INSERT ON invoices BEGIN
    INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE customer_summary SET
        invoice_count = invoice_count + 1,
        invoice_total_minor = invoice_total_minor + NEW.total_minor,
        billed_minor = billed_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.total_minor ELSE 0 END,
        billed_applied_minor = billed_applied_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.applied_minor ELSE 0 END,
        billed_credited_minor = billed_credited_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.credited_minor ELSE 0 END,
        outstanding_minor = outstanding_minor + CASE WHEN NEW.status = 'open' THEN NEW.total_minor - NEW.applied_minor ELSE 0 END,
        invoice_shown_total_minor = invoice_shown_total_minor + CASE WHEN NEW.status <> 'cancelled' THEN NEW.total_minor ELSE 0 END,
        invoice_balance_minor = invoice_balance_minor + CASE WHEN NEW.status IN ('open', 'uncollectible') THEN NEW.total_minor - NEW.applied_minor ELSE 0 END
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
    INSERT INTO customer_due_summary(customer_id, currency, due_date, open_minor)
        SELECT NEW.customer_id, NEW.currency, NEW.due_date, NEW.total_minor - NEW.applied_minor
        WHERE NEW.status = 'open'
        ON CONFLICT (customer_id, currency, due_date) DO UPDATE SET open_minor = open_minor + excluded.open_minor;
END;

CREATE TRIGGER invoices_summary_delete AFTER DELETE ON invoices BEGIN
    UPDATE customer_summary SET
        invoice_count = invoice_count - 1,
        invoice_total_minor = invoice_total_minor - OLD.total_minor,
        billed_minor = billed_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.total_minor ELSE 0 END,
        billed_applied_minor = billed_applied_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.applied_minor ELSE 0 END,
        billed_credited_minor = billed_credited_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.credited_minor ELSE 0 END,
        outstanding_minor = outstanding_minor - CASE WHEN OLD.status = 'open' THEN OLD.total_minor - OLD.applied_minor ELSE 0 END,
        invoice_shown_total_minor = invoice_shown_total_minor - CASE WHEN OLD.status <> 'cancelled' THEN OLD.total_minor ELSE 0 END,
        invoice_balance_minor = invoice_balance_minor - CASE WHEN OLD.status IN ('open', 'uncollectible') THEN OLD.total_minor - OLD.applied_minor ELSE 0 END
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
    UPDATE customer_due_summary SET open_minor = open_minor - (OLD.total_minor - OLD.applied_minor)
    WHERE OLD.status = 'open' AND customer_id = OLD.customer_id AND currency = OLD.currency AND due_date = OLD.due_date;
END;

CREATE TRIGGER invoices_summary_update
AFTER UPDATE OF customer_id, currency, status, total_minor, applied_minor, credited_minor, due_date ON invoices BEGIN
    UPDATE customer_summary SET
        invoice_count = invoice_count - 1,
        invoice_total_minor = invoice_total_minor - OLD.total_minor,
        billed_minor = billed_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.total_minor ELSE 0 END,
        billed_applied_minor = billed_applied_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.applied_minor ELSE 0 END,
        billed_credited_minor = billed_credited_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.credited_minor ELSE 0 END,
        outstanding_minor = outstanding_minor - CASE WHEN OLD.status = 'open' THEN OLD.total_minor - OLD.applied_minor ELSE 0 END,
        invoice_shown_total_minor = invoice_shown_total_minor - CASE WHEN OLD.status <> 'cancelled' THEN OLD.total_minor ELSE 0 END,
        invoice_balance_minor = invoice_balance_minor - CASE WHEN OLD.status IN ('open', 'uncollectible') THEN OLD.total_minor - OLD.applied_minor ELSE 0 END
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
    UPDATE customer_due_summary SET open_minor = open_minor - (OLD.total_minor - OLD.applied_minor)
    WHERE OLD.status = 'open' AND customer_id = OLD.customer_id AND currency = OLD.currency AND due_date = OLD.due_date;
    INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE customer_summary SET
        invoice_count = invoice_count + 1,
        invoice_total_minor = invoice_total_minor + NEW.total_minor,
        billed_minor = billed_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.total_minor ELSE 0 END,
        billed_applied_minor = billed_applied_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.applied_minor ELSE 0 END,
        billed_credited_minor = billed_credited_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.credited_minor ELSE 0 END,
        outstanding_minor = outstanding_minor + CASE WHEN NEW.status = 'open' THEN NEW.total_minor - NEW.applied_minor ELSE 0 END,
        invoice_shown_total_minor = invoice_shown_total_minor + CASE WHEN NEW.status <> 'cancelled' THEN NEW.total_minor ELSE 0 END,
        invoice_balance_minor = invoice_balance_minor + CASE WHEN NEW.status IN ('open', 'uncollectible') THEN NEW.total_minor - NEW.applied_minor ELSE 0 END
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
    INSERT INTO customer_due_summary(customer_id, currency, due_date, open_minor)
        SELECT NEW.customer_id, NEW.currency, NEW.due_date, NEW.total_minor - NEW.applied_minor
        WHERE NEW.status = 'open'
        ON CONFLICT (customer_id, currency, due_date) DO UPDATE SET open_minor = open_minor + excluded.open_minor;
END;

CREATE TRIGGER applications_insert AFTER INSERT ON applications WHEN NEW.removed_on IS NULL BEGIN
    UPDATE invoices SET applied_minor = applied_minor + NEW.amount_minor,
        credited_minor = credited_minor + CASE WHEN NEW.credit_id IS NOT NULL THEN NEW.amount_minor ELSE 0 END
    WHERE id = NEW.invoice_id;
    UPDATE payments SET applied_minor = applied_minor + NEW.amount_minor WHERE id = NEW.payment_id;
    UPDATE credits  SET applied_minor = applied_minor + NEW.amount_minor WHERE id = NEW.credit_id;
    INSERT INTO customer_collect_summary(customer_id, currency, received_on, applied_minor, weighted_hi, weighted_lo)
        SELECT customer_id, currency, received_on, NEW.amount_minor, t / 1000000, t % 1000000
        FROM (SELECT p.customer_id, p.currency, p.received_on,
                     NEW.amount_minor * max(0, CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)) AS t
              FROM payments p, invoices i
              WHERE p.id = NEW.payment_id AND i.id = NEW.invoice_id)
        WHERE true
        ON CONFLICT (customer_id, currency, received_on) DO UPDATE SET
            applied_minor = applied_minor + excluded.applied_minor,
            weighted_hi = weighted_hi + excluded.weighted_hi + (weighted_lo + excluded.weighted_lo) / 1000000,
            weighted_lo = (weighted_lo + excluded.weighted_lo) % 1000000;
END;

CREATE TRIGGER applications_remove AFTER UPDATE OF removed_on ON applications
WHEN OLD.removed_on IS NULL AND NEW.removed_on IS NOT NULL BEGIN
    UPDATE customer_collect_summary SET
        applied_minor = applied_minor - OLD.amount_minor,
        weighted_hi = weighted_hi - x.t / 1000000 + (weighted_lo - x.t % 1000000) / 1000000,
        weighted_lo = (weighted_lo - x.t % 1000000) % 1000000
    FROM (SELECT p.customer_id, p.currency, p.received_on,
                 OLD.amount_minor * max(0, CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)) AS t
          FROM payments p, invoices i WHERE p.id = OLD.payment_id AND i.id = OLD.invoice_id) AS x
    WHERE OLD.payment_id IS NOT NULL AND customer_collect_summary.customer_id = x.customer_id
      AND customer_collect_summary.currency = x.currency AND customer_collect_summary.received_on = x.received_on;
    UPDATE invoices SET applied_minor = applied_minor - OLD.amount_minor,
        credited_minor = credited_minor - CASE WHEN OLD.credit_id IS NOT NULL THEN OLD.amount_minor ELSE 0 END
    WHERE id = OLD.invoice_id;
    UPDATE payments SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.payment_id;
    UPDATE credits  SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.credit_id;
END;

CREATE TRIGGER applications_delete AFTER DELETE ON applications WHEN OLD.removed_on IS NULL BEGIN
    UPDATE customer_collect_summary SET
        applied_minor = applied_minor - OLD.amount_minor,
        weighted_hi = weighted_hi - x.t / 1000000 + (weighted_lo - x.t % 1000000) / 1000000,
        weighted_lo = (weighted_lo - x.t % 1000000) % 1000000
    FROM (SELECT p.customer_id, p.currency, p.received_on,
                 OLD.amount_minor * max(0, CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)) AS t
          FROM payments p, invoices i WHERE p.id = OLD.payment_id AND i.id = OLD.invoice_id) AS x
    WHERE OLD.payment_id IS NOT NULL AND customer_collect_summary.customer_id = x.customer_id
      AND customer_collect_summary.currency = x.currency AND customer_collect_summary.received_on = x.received_on;
    UPDATE invoices SET applied_minor = applied_minor - OLD.amount_minor,
        credited_minor = credited_minor - CASE WHEN OLD.credit_id IS NOT NULL THEN OLD.amount_minor ELSE 0 END
    WHERE id = OLD.invoice_id;
    UPDATE payments SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.payment_id;
    UPDATE credits  SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.credit_id;
END;
