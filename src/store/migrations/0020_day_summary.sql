-- Version 20 (continued): the table the views above are summed into, the
-- rows of version 14's table moved into it, and the triggers that keep it
-- in place of version 14's.

CREATE TABLE customer_day_summary (
    customer_id     INTEGER NOT NULL,
    day             TEXT    NOT NULL,
    currency        TEXT    NOT NULL,
    on_date         TEXT    NOT NULL,
    invoices        INTEGER NOT NULL DEFAULT 0,
    invoice_total   INTEGER NOT NULL DEFAULT 0,
    shown_total     INTEGER NOT NULL DEFAULT 0,
    billed          INTEGER NOT NULL DEFAULT 0,
    billed_applied  INTEGER NOT NULL DEFAULT 0,
    billed_credited INTEGER NOT NULL DEFAULT 0,
    open_by_due     INTEGER NOT NULL DEFAULT 0,
    payments        INTEGER NOT NULL DEFAULT 0,
    payment_total   INTEGER NOT NULL DEFAULT 0,
    received        INTEGER NOT NULL DEFAULT 0,
    refunded        INTEGER NOT NULL DEFAULT 0,
    payment_applied INTEGER NOT NULL DEFAULT 0,
    granted         INTEGER NOT NULL DEFAULT 0,
    credit_applied  INTEGER NOT NULL DEFAULT 0,
    succeeded       INTEGER NOT NULL DEFAULT 0,
    window_applied  INTEGER NOT NULL DEFAULT 0,
    window_hi       INTEGER NOT NULL DEFAULT 0,
    window_lo       INTEGER NOT NULL DEFAULT 0,
    credits         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, day, currency, on_date)
) STRICT, WITHOUT ROWID;

-- Version 14's rows, each measure into its column; rows at zero left out.
INSERT INTO customer_day_summary
SELECT customer_id, day, currency, on_date,
       sum(iif(measure = 1, delta, 0)), sum(iif(measure = 2, delta, 0)), sum(iif(measure = 3, delta, 0)),
       sum(iif(measure = 4, delta, 0)), sum(iif(measure = 5, delta, 0)), sum(iif(measure = 6, delta, 0)),
       sum(iif(measure = 7, delta, 0)), sum(iif(measure = 8, delta, 0)), sum(iif(measure = 9, delta, 0)),
       sum(iif(measure = 10, delta, 0)), sum(iif(measure = 11, delta, 0)), sum(iif(measure = 12, delta, 0)),
       sum(iif(measure = 13, delta, 0)), sum(iif(measure = 14, delta, 0)), sum(iif(measure = 15, delta, 0)),
       sum(iif(measure = 16, delta, 0)), sum(iif(measure = 17, delta, 0)), sum(iif(measure = 18, delta, 0)),
       sum(iif(measure = 19, delta, 0))
FROM customer_dated_summary WHERE delta <> 0 GROUP BY 1, 2, 3, 4;

DROP TRIGGER invoices_dated_insert;
DROP TRIGGER invoices_dated_before;
DROP TRIGGER invoices_dated_after;
DROP TRIGGER invoices_dated_delete;
DROP TRIGGER applications_dated_insert;
DROP TRIGGER applications_dated_before;
DROP TRIGGER applications_dated_after;
DROP TRIGGER applications_dated_delete;
DROP TRIGGER payments_dated_insert;
DROP TRIGGER payments_dated_before;
DROP TRIGGER payments_dated_after;
DROP TRIGGER payments_dated_delete;
DROP TRIGGER refunds_dated_insert;
DROP TRIGGER refunds_dated_before;
DROP TRIGGER refunds_dated_after;
DROP TRIGGER refunds_dated_delete;
DROP TRIGGER credits_dated_insert;
DROP TRIGGER credits_dated_before;
DROP TRIGGER credits_dated_after;
DROP TRIGGER credits_dated_delete;
DROP TABLE customer_dated_summary;
DROP VIEW dated_events;
DROP VIEW dated_invoice_events;
DROP VIEW dated_application_events;
DROP VIEW dated_payment_events;
DROP VIEW dated_refund_events;
DROP VIEW dated_credit_events;

-- Invoices: their own rows and their applications'.

CREATE TRIGGER invoices_dated_insert AFTER INSERT ON invoices BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, invoices, invoice_total, shown_total,
        billed, open_by_due)
    SELECT customer_id, day, currency, on_date, sum(invoices), sum(invoice_total), sum(shown_total), sum(billed),
        sum(open_by_due)
    FROM dated_invoice_rows WHERE invoice_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET invoices = invoices + excluded.invoices, invoice_total = invoice_total +
        excluded.invoice_total, shown_total = shown_total + excluded.shown_total, billed = billed + excluded.billed,
        open_by_due = open_by_due + excluded.open_by_due;
END;

CREATE TRIGGER invoices_dated_before BEFORE UPDATE OF customer_id, currency, issue_date, due_date, total_minor,
    status, cancelled_on, written_off_on ON invoices
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.currency IS NOT NEW.currency
    OR OLD.issue_date IS NOT NEW.issue_date OR OLD.due_date IS NOT NEW.due_date
    OR OLD.total_minor IS NOT NEW.total_minor OR OLD.cancelled_on IS NOT NEW.cancelled_on
    OR OLD.written_off_on IS NOT NEW.written_off_on
    OR (OLD.status IS NOT NEW.status AND NOT (OLD.status IN ('open', 'paid') AND NEW.status IN ('open', 'paid')))
BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, invoices, invoice_total, shown_total,
        billed, open_by_due)
    SELECT customer_id, day, currency, on_date, -sum(invoices), -sum(invoice_total), -sum(shown_total),
        -sum(billed), -sum(open_by_due)
    FROM dated_invoice_rows WHERE invoice_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET invoices = invoices + excluded.invoices, invoice_total = invoice_total +
        excluded.invoice_total, shown_total = shown_total + excluded.shown_total, billed = billed + excluded.billed,
        open_by_due = open_by_due + excluded.open_by_due;
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT customer_id, day, currency, on_date, -sum(billed_applied), -sum(billed_credited), -sum(open_by_due),
        -sum(payment_applied), -sum(credit_applied), -sum(window_applied), -sum(window_hi), -sum(window_lo)
    FROM dated_application_rows WHERE invoice_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET billed_applied = billed_applied + excluded.billed_applied, billed_credited =
        billed_credited + excluded.billed_credited, open_by_due = open_by_due + excluded.open_by_due,
        payment_applied = payment_applied + excluded.payment_applied, credit_applied = credit_applied +
        excluded.credit_applied, window_applied = window_applied + excluded.window_applied, window_hi = window_hi +
        excluded.window_hi, window_lo = window_lo + excluded.window_lo;
END;

CREATE TRIGGER invoices_dated_after AFTER UPDATE OF customer_id, currency, issue_date, due_date, total_minor,
    status, cancelled_on, written_off_on ON invoices
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.currency IS NOT NEW.currency
    OR OLD.issue_date IS NOT NEW.issue_date OR OLD.due_date IS NOT NEW.due_date
    OR OLD.total_minor IS NOT NEW.total_minor OR OLD.cancelled_on IS NOT NEW.cancelled_on
    OR OLD.written_off_on IS NOT NEW.written_off_on
    OR (OLD.status IS NOT NEW.status AND NOT (OLD.status IN ('open', 'paid') AND NEW.status IN ('open', 'paid')))
BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, invoices, invoice_total, shown_total,
        billed, open_by_due)
    SELECT customer_id, day, currency, on_date, sum(invoices), sum(invoice_total), sum(shown_total), sum(billed),
        sum(open_by_due)
    FROM dated_invoice_rows WHERE invoice_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET invoices = invoices + excluded.invoices, invoice_total = invoice_total +
        excluded.invoice_total, shown_total = shown_total + excluded.shown_total, billed = billed + excluded.billed,
        open_by_due = open_by_due + excluded.open_by_due;
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT customer_id, day, currency, on_date, sum(billed_applied), sum(billed_credited), sum(open_by_due),
        sum(payment_applied), sum(credit_applied), sum(window_applied), sum(window_hi), sum(window_lo)
    FROM dated_application_rows WHERE invoice_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET billed_applied = billed_applied + excluded.billed_applied, billed_credited =
        billed_credited + excluded.billed_credited, open_by_due = open_by_due + excluded.open_by_due,
        payment_applied = payment_applied + excluded.payment_applied, credit_applied = credit_applied +
        excluded.credit_applied, window_applied = window_applied + excluded.window_applied, window_hi = window_hi +
        excluded.window_hi, window_lo = window_lo + excluded.window_lo;
END;

CREATE TRIGGER invoices_dated_delete BEFORE DELETE ON invoices BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, invoices, invoice_total, shown_total,
        billed, open_by_due)
    SELECT customer_id, day, currency, on_date, -sum(invoices), -sum(invoice_total), -sum(shown_total),
        -sum(billed), -sum(open_by_due)
    FROM dated_invoice_rows WHERE invoice_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET invoices = invoices + excluded.invoices, invoice_total = invoice_total +
        excluded.invoice_total, shown_total = shown_total + excluded.shown_total, billed = billed + excluded.billed,
        open_by_due = open_by_due + excluded.open_by_due;
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT customer_id, day, currency, on_date, -sum(billed_applied), -sum(billed_credited), -sum(open_by_due),
        -sum(payment_applied), -sum(credit_applied), -sum(window_applied), -sum(window_hi), -sum(window_lo)
    FROM dated_application_rows WHERE invoice_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET billed_applied = billed_applied + excluded.billed_applied, billed_credited =
        billed_credited + excluded.billed_credited, open_by_due = open_by_due + excluded.open_by_due,
        payment_applied = payment_applied + excluded.payment_applied, credit_applied = credit_applied +
        excluded.credit_applied, window_applied = window_applied + excluded.window_applied, window_hi = window_hi +
        excluded.window_hi, window_lo = window_lo + excluded.window_lo;
END;


-- Applications: only `removed_on` ever changes (`applications_immutable`).

CREATE TRIGGER applications_dated_insert AFTER INSERT ON applications BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT customer_id, day, currency, on_date, sum(billed_applied), sum(billed_credited), sum(open_by_due),
        sum(payment_applied), sum(credit_applied), sum(window_applied), sum(window_hi), sum(window_lo)
    FROM dated_application_rows WHERE application_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET billed_applied = billed_applied + excluded.billed_applied, billed_credited =
        billed_credited + excluded.billed_credited, open_by_due = open_by_due + excluded.open_by_due,
        payment_applied = payment_applied + excluded.payment_applied, credit_applied = credit_applied +
        excluded.credit_applied, window_applied = window_applied + excluded.window_applied, window_hi = window_hi +
        excluded.window_hi, window_lo = window_lo + excluded.window_lo;
END;

CREATE TRIGGER applications_dated_before BEFORE UPDATE ON applications BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT customer_id, day, currency, on_date, -sum(billed_applied), -sum(billed_credited), -sum(open_by_due),
        -sum(payment_applied), -sum(credit_applied), -sum(window_applied), -sum(window_hi), -sum(window_lo)
    FROM dated_application_rows WHERE application_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET billed_applied = billed_applied + excluded.billed_applied, billed_credited =
        billed_credited + excluded.billed_credited, open_by_due = open_by_due + excluded.open_by_due,
        payment_applied = payment_applied + excluded.payment_applied, credit_applied = credit_applied +
        excluded.credit_applied, window_applied = window_applied + excluded.window_applied, window_hi = window_hi +
        excluded.window_hi, window_lo = window_lo + excluded.window_lo;
END;

CREATE TRIGGER applications_dated_after AFTER UPDATE ON applications BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT customer_id, day, currency, on_date, sum(billed_applied), sum(billed_credited), sum(open_by_due),
        sum(payment_applied), sum(credit_applied), sum(window_applied), sum(window_hi), sum(window_lo)
    FROM dated_application_rows WHERE application_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET billed_applied = billed_applied + excluded.billed_applied, billed_credited =
        billed_credited + excluded.billed_credited, open_by_due = open_by_due + excluded.open_by_due,
        payment_applied = payment_applied + excluded.payment_applied, credit_applied = credit_applied +
        excluded.credit_applied, window_applied = window_applied + excluded.window_applied, window_hi = window_hi +
        excluded.window_hi, window_lo = window_lo + excluded.window_lo;
END;

CREATE TRIGGER applications_dated_delete BEFORE DELETE ON applications BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT customer_id, day, currency, on_date, -sum(billed_applied), -sum(billed_credited), -sum(open_by_due),
        -sum(payment_applied), -sum(credit_applied), -sum(window_applied), -sum(window_hi), -sum(window_lo)
    FROM dated_application_rows WHERE application_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET billed_applied = billed_applied + excluded.billed_applied, billed_credited =
        billed_credited + excluded.billed_credited, open_by_due = open_by_due + excluded.open_by_due,
        payment_applied = payment_applied + excluded.payment_applied, credit_applied = credit_applied +
        excluded.credit_applied, window_applied = window_applied + excluded.window_applied, window_hi = window_hi +
        excluded.window_hi, window_lo = window_lo + excluded.window_lo;
END;


-- Payments: their own rows, their refunds' and their applications'.

CREATE TRIGGER payments_dated_insert AFTER INSERT ON payments BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, payments, payment_total, received,
        succeeded)
    SELECT customer_id, day, currency, on_date, sum(payments), sum(payment_total), sum(received), sum(succeeded)
    FROM dated_payment_rows WHERE payment_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET payments = payments + excluded.payments, payment_total = payment_total +
        excluded.payment_total, received = received + excluded.received, succeeded = succeeded + excluded.succeeded;
END;

CREATE TRIGGER payments_dated_before BEFORE UPDATE OF customer_id, currency, received_on, amount_minor, status
    ON payments
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.currency IS NOT NEW.currency
    OR OLD.received_on IS NOT NEW.received_on OR OLD.amount_minor IS NOT NEW.amount_minor
    OR (OLD.status IN ('succeeded', 'refunded')) IS NOT (NEW.status IN ('succeeded', 'refunded'))
BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, payments, payment_total, received,
        succeeded)
    SELECT customer_id, day, currency, on_date, -sum(payments), -sum(payment_total), -sum(received), -sum(succeeded)
    FROM dated_payment_rows WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET payments = payments + excluded.payments, payment_total = payment_total +
        excluded.payment_total, received = received + excluded.received, succeeded = succeeded + excluded.succeeded;
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, refunded)
    SELECT customer_id, day, currency, on_date, -sum(refunded)
    FROM dated_refund_rows WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET refunded = refunded + excluded.refunded;
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT customer_id, day, currency, on_date, -sum(billed_applied), -sum(billed_credited), -sum(open_by_due),
        -sum(payment_applied), -sum(credit_applied), -sum(window_applied), -sum(window_hi), -sum(window_lo)
    FROM dated_application_rows WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET billed_applied = billed_applied + excluded.billed_applied, billed_credited =
        billed_credited + excluded.billed_credited, open_by_due = open_by_due + excluded.open_by_due,
        payment_applied = payment_applied + excluded.payment_applied, credit_applied = credit_applied +
        excluded.credit_applied, window_applied = window_applied + excluded.window_applied, window_hi = window_hi +
        excluded.window_hi, window_lo = window_lo + excluded.window_lo;
END;

CREATE TRIGGER payments_dated_after AFTER UPDATE OF customer_id, currency, received_on, amount_minor, status
    ON payments
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.currency IS NOT NEW.currency
    OR OLD.received_on IS NOT NEW.received_on OR OLD.amount_minor IS NOT NEW.amount_minor
    OR (OLD.status IN ('succeeded', 'refunded')) IS NOT (NEW.status IN ('succeeded', 'refunded'))
BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, payments, payment_total, received,
        succeeded)
    SELECT customer_id, day, currency, on_date, sum(payments), sum(payment_total), sum(received), sum(succeeded)
    FROM dated_payment_rows WHERE payment_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET payments = payments + excluded.payments, payment_total = payment_total +
        excluded.payment_total, received = received + excluded.received, succeeded = succeeded + excluded.succeeded;
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, refunded)
    SELECT customer_id, day, currency, on_date, sum(refunded)
    FROM dated_refund_rows WHERE payment_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET refunded = refunded + excluded.refunded;
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT customer_id, day, currency, on_date, sum(billed_applied), sum(billed_credited), sum(open_by_due),
        sum(payment_applied), sum(credit_applied), sum(window_applied), sum(window_hi), sum(window_lo)
    FROM dated_application_rows WHERE payment_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET billed_applied = billed_applied + excluded.billed_applied, billed_credited =
        billed_credited + excluded.billed_credited, open_by_due = open_by_due + excluded.open_by_due,
        payment_applied = payment_applied + excluded.payment_applied, credit_applied = credit_applied +
        excluded.credit_applied, window_applied = window_applied + excluded.window_applied, window_hi = window_hi +
        excluded.window_hi, window_lo = window_lo + excluded.window_lo;
END;

CREATE TRIGGER payments_dated_delete BEFORE DELETE ON payments BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, payments, payment_total, received,
        succeeded)
    SELECT customer_id, day, currency, on_date, -sum(payments), -sum(payment_total), -sum(received), -sum(succeeded)
    FROM dated_payment_rows WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET payments = payments + excluded.payments, payment_total = payment_total +
        excluded.payment_total, received = received + excluded.received, succeeded = succeeded + excluded.succeeded;
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, refunded)
    SELECT customer_id, day, currency, on_date, -sum(refunded)
    FROM dated_refund_rows WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET refunded = refunded + excluded.refunded;
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, billed_applied, billed_credited,
        open_by_due, payment_applied, credit_applied, window_applied, window_hi, window_lo)
    SELECT customer_id, day, currency, on_date, -sum(billed_applied), -sum(billed_credited), -sum(open_by_due),
        -sum(payment_applied), -sum(credit_applied), -sum(window_applied), -sum(window_hi), -sum(window_lo)
    FROM dated_application_rows WHERE payment_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET billed_applied = billed_applied + excluded.billed_applied, billed_credited =
        billed_credited + excluded.billed_credited, open_by_due = open_by_due + excluded.open_by_due,
        payment_applied = payment_applied + excluded.payment_applied, credit_applied = credit_applied +
        excluded.credit_applied, window_applied = window_applied + excluded.window_applied, window_hi = window_hi +
        excluded.window_hi, window_lo = window_lo + excluded.window_lo;
END;


-- Refunds and credits: their own rows.

CREATE TRIGGER refunds_dated_insert AFTER INSERT ON refunds BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, refunded)
    SELECT customer_id, day, currency, on_date, sum(refunded)
    FROM dated_refund_rows WHERE refund_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET refunded = refunded + excluded.refunded;
END;

CREATE TRIGGER refunds_dated_before BEFORE UPDATE ON refunds BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, refunded)
    SELECT customer_id, day, currency, on_date, -sum(refunded)
    FROM dated_refund_rows WHERE refund_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET refunded = refunded + excluded.refunded;
END;

CREATE TRIGGER refunds_dated_after AFTER UPDATE ON refunds BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, refunded)
    SELECT customer_id, day, currency, on_date, sum(refunded)
    FROM dated_refund_rows WHERE refund_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET refunded = refunded + excluded.refunded;
END;

CREATE TRIGGER refunds_dated_delete BEFORE DELETE ON refunds BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, refunded)
    SELECT customer_id, day, currency, on_date, -sum(refunded)
    FROM dated_refund_rows WHERE refund_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET refunded = refunded + excluded.refunded;
END;

CREATE TRIGGER credits_dated_insert AFTER INSERT ON credits BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, granted, credits)
    SELECT customer_id, day, currency, on_date, sum(granted), sum(credits)
    FROM dated_credit_rows WHERE credit_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET granted = granted + excluded.granted, credits = credits + excluded.credits;
END;

CREATE TRIGGER credits_dated_before BEFORE UPDATE OF customer_id, currency, granted_on, amount_minor, status,
    voided_on ON credits BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, granted, credits)
    SELECT customer_id, day, currency, on_date, -sum(granted), -sum(credits)
    FROM dated_credit_rows WHERE credit_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET granted = granted + excluded.granted, credits = credits + excluded.credits;
END;

CREATE TRIGGER credits_dated_after AFTER UPDATE OF customer_id, currency, granted_on, amount_minor, status,
    voided_on ON credits BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, granted, credits)
    SELECT customer_id, day, currency, on_date, sum(granted), sum(credits)
    FROM dated_credit_rows WHERE credit_id = NEW.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET granted = granted + excluded.granted, credits = credits + excluded.credits;
END;

CREATE TRIGGER credits_dated_delete BEFORE DELETE ON credits BEGIN
    INSERT INTO customer_day_summary(customer_id, day, currency, on_date, granted, credits)
    SELECT customer_id, day, currency, on_date, -sum(granted), -sum(credits)
    FROM dated_credit_rows WHERE credit_id = OLD.id GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET granted = granted + excluded.granted, credits = credits + excluded.credits;
END;
