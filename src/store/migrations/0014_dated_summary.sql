-- Version 14: the figures as of any date (issue 17). The views above say
-- which dated events each row makes; this table keeps their sums per
-- customer, day, currency, measure and date, so the page as of a past date
-- sums at most a few rows a day instead of reading every invoice and
-- application (on a million invoices: about 80,000 rows, against 5 s from
-- the raw rows).
--
-- The triggers keep it in the writing transaction, the same way for every
-- table: before a row changes or goes, its events (read through the views,
-- with the rows as they still are) are taken off; after it is made or
-- changed, they are added. An invoice's events include its applications'
-- (they end when it is cancelled or written off), and a payment's its
-- applications' and refunds' (they count only while it counts), so those
-- are taken off and added with it. Rows whose sum comes back to 0 stay, as
-- 0: a day's row is never deleted by a trigger. `ardesk check` compares the
-- table with the views, both ways round; the bulk loader lifts these
-- triggers with the others and rebuilds the loaded customers' rows
-- (`summaries::rebuild`).

CREATE TABLE customer_dated_summary (
    customer_id INTEGER NOT NULL,
    day         TEXT    NOT NULL,
    currency    TEXT    NOT NULL,
    measure     INTEGER NOT NULL,
    on_date     TEXT    NOT NULL,
    delta       INTEGER NOT NULL,
    PRIMARY KEY (customer_id, day, currency, measure, on_date)
) STRICT, WITHOUT ROWID;

INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_events
GROUP BY 1, 2, 3, 4, 5 HAVING sum(delta) <> 0;

-- A wholly refunded payment stops counting among the payments collected on
-- the day of its last refund: read from these few rows (`store::as_of`).
CREATE INDEX payments_refunded ON payments(customer_id, received_on) WHERE status = 'refunded';

-- Invoices: their own events and their applications'.

CREATE TRIGGER invoices_dated_insert AFTER INSERT ON invoices BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_invoice_events
    WHERE invoice_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER invoices_dated_before BEFORE UPDATE OF customer_id, currency, issue_date, due_date, total_minor,
    status, cancelled_on, written_off_on ON invoices
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.currency IS NOT NEW.currency
    OR OLD.issue_date IS NOT NEW.issue_date OR OLD.due_date IS NOT NEW.due_date
    OR OLD.total_minor IS NOT NEW.total_minor OR OLD.cancelled_on IS NOT NEW.cancelled_on
    OR OLD.written_off_on IS NOT NEW.written_off_on
    OR (OLD.status IS NOT NEW.status AND NOT (OLD.status IN ('open', 'paid') AND NEW.status IN ('open', 'paid')))
BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_invoice_events
    WHERE invoice_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_application_events
    WHERE invoice_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER invoices_dated_after AFTER UPDATE OF customer_id, currency, issue_date, due_date, total_minor,
    status, cancelled_on, written_off_on ON invoices
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.currency IS NOT NEW.currency
    OR OLD.issue_date IS NOT NEW.issue_date OR OLD.due_date IS NOT NEW.due_date
    OR OLD.total_minor IS NOT NEW.total_minor OR OLD.cancelled_on IS NOT NEW.cancelled_on
    OR OLD.written_off_on IS NOT NEW.written_off_on
    OR (OLD.status IS NOT NEW.status AND NOT (OLD.status IN ('open', 'paid') AND NEW.status IN ('open', 'paid')))
BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_invoice_events
    WHERE invoice_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_application_events
    WHERE invoice_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER invoices_dated_delete BEFORE DELETE ON invoices BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_invoice_events
    WHERE invoice_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_application_events
    WHERE invoice_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

-- Applications: only `removed_on` ever changes (`applications_immutable`).

CREATE TRIGGER applications_dated_insert AFTER INSERT ON applications BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_application_events
    WHERE application_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER applications_dated_before BEFORE UPDATE ON applications BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_application_events
    WHERE application_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER applications_dated_after AFTER UPDATE ON applications BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_application_events
    WHERE application_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER applications_dated_delete BEFORE DELETE ON applications BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_application_events
    WHERE application_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

-- Payments: their own events, their refunds' and their applications'.

CREATE TRIGGER payments_dated_insert AFTER INSERT ON payments BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_payment_events
    WHERE payment_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER payments_dated_before BEFORE UPDATE OF customer_id, currency, received_on, amount_minor, status
    ON payments
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.currency IS NOT NEW.currency
    OR OLD.received_on IS NOT NEW.received_on OR OLD.amount_minor IS NOT NEW.amount_minor
    OR (OLD.status IN ('succeeded', 'refunded')) IS NOT (NEW.status IN ('succeeded', 'refunded'))
BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_payment_events
    WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_refund_events
    WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_application_events
    WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER payments_dated_after AFTER UPDATE OF customer_id, currency, received_on, amount_minor, status
    ON payments
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.currency IS NOT NEW.currency
    OR OLD.received_on IS NOT NEW.received_on OR OLD.amount_minor IS NOT NEW.amount_minor
    OR (OLD.status IN ('succeeded', 'refunded')) IS NOT (NEW.status IN ('succeeded', 'refunded'))
BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_payment_events
    WHERE payment_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_refund_events
    WHERE payment_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_application_events
    WHERE payment_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER payments_dated_delete BEFORE DELETE ON payments BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_payment_events
    WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_refund_events
    WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_application_events
    WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

-- Refunds and credits: their own events.

CREATE TRIGGER refunds_dated_insert AFTER INSERT ON refunds BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_refund_events
    WHERE refund_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER refunds_dated_before BEFORE UPDATE ON refunds BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_refund_events
    WHERE refund_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER refunds_dated_after AFTER UPDATE ON refunds BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_refund_events
    WHERE refund_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER refunds_dated_delete BEFORE DELETE ON refunds BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_refund_events
    WHERE refund_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER credits_dated_insert AFTER INSERT ON credits BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_credit_events
    WHERE credit_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER credits_dated_before BEFORE UPDATE OF customer_id, currency, granted_on, amount_minor, status,
    voided_on ON credits BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_credit_events
    WHERE credit_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER credits_dated_after AFTER UPDATE OF customer_id, currency, granted_on, amount_minor, status,
    voided_on ON credits BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, sum(delta) FROM dated_credit_events
    WHERE credit_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;

CREATE TRIGGER credits_dated_delete BEFORE DELETE ON credits BEGIN
    INSERT INTO customer_dated_summary(customer_id, day, currency, measure, on_date, delta)
    SELECT customer_id, day, currency, measure, on_date, -sum(delta) FROM dated_credit_events
    WHERE credit_id = OLD.id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO UPDATE SET delta = delta + excluded.delta;
END;
