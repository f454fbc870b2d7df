-- Version 5: what each invoice still owes, stored beside it so that the
-- Invoices tab sorts and filters by it on an index (`balance>0`), and the
-- status line's sums of an unfiltered tab, kept in the customer summary.
--
-- An invoice's balance is total − applied for an open or uncollectible
-- invoice (for an uncollectible one, what was written off), 0 for a draft,
-- a paid or a cancelled one. Two triggers keep it whenever the status, the
-- total or the applied amount changes, by whatever path: they are not among
-- the triggers a bulk load lifts (`summaries::KEEPERS`), and they write
-- only when the stored value is not already right, so the bulk loader, which
-- writes each row's balance with it, costs nothing more. `ardesk check`
-- recomputes every balance from the applications. Its CHECK is the range
-- of an amount, not `<= total_minor`: a statement that lowers a total is
-- checked before the trigger brings the balance down with it.
--
-- The customer summary gains the Invoices tab's sums as the status line
-- shows them: Σ total and Σ balance of every invoice but the cancelled ones.
-- (`invoice_total_minor` stays Σ total of every row, as before.) The
-- invoice summary triggers are made again with them. Columns added with
-- their defaults and filled in place: no table is rebuilt.

DROP TRIGGER invoices_summary_insert;
DROP TRIGGER invoices_summary_delete;
DROP TRIGGER invoices_summary_update;

ALTER TABLE invoices ADD COLUMN balance_minor INTEGER NOT NULL DEFAULT 0
    CONSTRAINT invoice_balance_in_range CHECK (balance_minor BETWEEN 0 AND 10000000000000);
UPDATE invoices SET balance_minor = total_minor - applied_minor WHERE status IN ('open', 'uncollectible');
CREATE INDEX invoices_by_balance ON invoices(customer_id, balance_minor, id);

ALTER TABLE customer_summary ADD COLUMN invoice_shown_total_minor INTEGER NOT NULL DEFAULT 0
    CONSTRAINT customer_shown_total_in_range CHECK (invoice_shown_total_minor BETWEEN 0 AND 100000000000000000);
ALTER TABLE customer_summary ADD COLUMN invoice_balance_minor INTEGER NOT NULL DEFAULT 0
    CONSTRAINT customer_balance_in_range CHECK (invoice_balance_minor BETWEEN 0 AND 100000000000000000);
UPDATE customer_summary SET invoice_shown_total_minor = s.t, invoice_balance_minor = s.b
FROM (SELECT customer_id, currency,
             sum(CASE WHEN status <> 'cancelled' THEN total_minor ELSE 0 END) AS t, sum(balance_minor) AS b
      FROM invoices GROUP BY customer_id, currency) AS s
WHERE customer_summary.customer_id = s.customer_id AND customer_summary.currency = s.currency;

CREATE TRIGGER invoices_balance_insert AFTER INSERT ON invoices
WHEN NEW.balance_minor IS NOT (CASE WHEN NEW.status IN ('open', 'uncollectible') THEN NEW.total_minor - NEW.applied_minor ELSE 0 END) BEGIN
    UPDATE invoices SET balance_minor = CASE WHEN status IN ('open', 'uncollectible') THEN total_minor - applied_minor ELSE 0 END
    WHERE id = NEW.id;
END;

CREATE TRIGGER invoices_balance_update AFTER UPDATE OF status, total_minor, applied_minor ON invoices
WHEN NEW.balance_minor IS NOT (CASE WHEN NEW.status IN ('open', 'uncollectible') THEN NEW.total_minor - NEW.applied_minor ELSE 0 END) BEGIN
    UPDATE invoices SET balance_minor = CASE WHEN status IN ('open', 'uncollectible') THEN total_minor - applied_minor ELSE 0 END
    WHERE id = NEW.id;
END;

CREATE TRIGGER invoices_summary_insert AFTER INSERT ON invoices BEGIN
    INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE customer_summary SET
        invoice_count = invoice_count + 1,
        invoice_total_minor = invoice_total_minor + NEW.total_minor,
        billed_minor = billed_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.total_minor ELSE 0 END,
        billed_applied_minor = billed_applied_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.applied_minor ELSE 0 END,
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
        outstanding_minor = outstanding_minor - CASE WHEN OLD.status = 'open' THEN OLD.total_minor - OLD.applied_minor ELSE 0 END,
        invoice_shown_total_minor = invoice_shown_total_minor - CASE WHEN OLD.status <> 'cancelled' THEN OLD.total_minor ELSE 0 END,
        invoice_balance_minor = invoice_balance_minor - CASE WHEN OLD.status IN ('open', 'uncollectible') THEN OLD.total_minor - OLD.applied_minor ELSE 0 END
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
    UPDATE customer_due_summary SET open_minor = open_minor - (OLD.total_minor - OLD.applied_minor)
    WHERE OLD.status = 'open' AND customer_id = OLD.customer_id AND currency = OLD.currency AND due_date = OLD.due_date;
END;

CREATE TRIGGER invoices_summary_update
AFTER UPDATE OF customer_id, currency, status, total_minor, applied_minor, due_date ON invoices BEGIN
    UPDATE customer_summary SET
        invoice_count = invoice_count - 1,
        invoice_total_minor = invoice_total_minor - OLD.total_minor,
        billed_minor = billed_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.total_minor ELSE 0 END,
        billed_applied_minor = billed_applied_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.applied_minor ELSE 0 END,
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
        outstanding_minor = outstanding_minor + CASE WHEN NEW.status = 'open' THEN NEW.total_minor - NEW.applied_minor ELSE 0 END,
        invoice_shown_total_minor = invoice_shown_total_minor + CASE WHEN NEW.status <> 'cancelled' THEN NEW.total_minor ELSE 0 END,
        invoice_balance_minor = invoice_balance_minor + CASE WHEN NEW.status IN ('open', 'uncollectible') THEN NEW.total_minor - NEW.applied_minor ELSE 0 END
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
    INSERT INTO customer_due_summary(customer_id, currency, due_date, open_minor)
        SELECT NEW.customer_id, NEW.currency, NEW.due_date, NEW.total_minor - NEW.applied_minor
        WHERE NEW.status = 'open'
        ON CONFLICT (customer_id, currency, due_date) DO UPDATE SET open_minor = open_minor + excluded.open_minor;
END;
