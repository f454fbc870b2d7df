-- Version 7: applications are reversed with a date, never deleted; days to
-- collect are never negative.
--
-- `applications.removed_on`: the date an application stopped counting
-- (unapplied, taken back by a refund, re-settled by an import), NULL while
-- it counts. It is the one change an application allows, once, from NULL
-- to a date no earlier than `applied_on`; the row stays, so any past date
-- can be replayed. Every cache and summary counts the live rows only: the
-- insert trigger skips a row inserted already removed (an export's round
-- trip), `applications_remove` takes back what the row counted when it is
-- reversed, and the delete trigger subtracts a live row only.
--
-- No application is deleted: `applications_never_deleted` refuses it. The
-- one way a row leaves is with the payment or credit it drew on, once it
-- was reversed: an import removes the stand-in payment or credit it made
-- for an invoice ("…#paid", "…#credit") when the source's real rows come,
-- and its applications, reversed first, go with it in the same transaction
-- (foreign keys deferred to the commit). The set-aside of out-of-range
-- rows (`ardesk upgrade --set-aside`) runs in the upgrade to version 2,
-- before this trigger exists.
--
-- Avg. Days to Collect weighs max(0, payment date − issue date): money
-- received before the invoice was issued (a prepayment, unapplied cash put
-- against a later invoice) counts 0 days. The collect summary is computed
-- again from the live applications with that rule.

DROP TRIGGER applications_immutable;
DROP TRIGGER applications_insert;
DROP TRIGGER applications_delete;

ALTER TABLE applications ADD COLUMN removed_on TEXT
    CONSTRAINT application_removed_in_range CHECK (removed_on IS NULL OR
        (date(removed_on) IS removed_on AND removed_on BETWEEN '1900-01-01' AND '2199-12-31'))
    CONSTRAINT application_removed_after_applied CHECK (removed_on IS NULL OR removed_on >= applied_on);

DELETE FROM customer_collect_summary;
INSERT INTO customer_collect_summary(customer_id, currency, received_on, applied_minor, weighted_hi, weighted_lo)
SELECT customer_id, currency, received_on, sum(amount_minor),
       sum(t / 1000000) + sum(t % 1000000) / 1000000, sum(t % 1000000) % 1000000
FROM (SELECT p.customer_id, p.currency, p.received_on, a.amount_minor,
             a.amount_minor * max(0, CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)) AS t
      FROM applications a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id
      WHERE a.removed_on IS NULL)
GROUP BY customer_id, currency, received_on;

CREATE TRIGGER applications_immutable BEFORE UPDATE ON applications
WHEN NOT (OLD.removed_on IS NULL AND NEW.removed_on IS NOT NULL
          AND NEW.id IS OLD.id AND NEW.invoice_id IS OLD.invoice_id AND NEW.payment_id IS OLD.payment_id
          AND NEW.credit_id IS OLD.credit_id AND NEW.amount_minor IS OLD.amount_minor
          AND NEW.applied_on IS OLD.applied_on AND NEW.created_at IS OLD.created_at) BEGIN
    SELECT RAISE(ABORT, 'applications are never changed, only reversed once, with the date they stopped counting');
END;

CREATE TRIGGER applications_never_deleted BEFORE DELETE ON applications
WHEN OLD.removed_on IS NULL
  OR EXISTS (SELECT 1 FROM payments WHERE id = OLD.payment_id)
  OR EXISTS (SELECT 1 FROM credits WHERE id = OLD.credit_id) BEGIN
    SELECT RAISE(ABORT, 'applications are never deleted, only reversed');
END;

CREATE TRIGGER applications_insert AFTER INSERT ON applications WHEN NEW.removed_on IS NULL BEGIN
    UPDATE invoices SET applied_minor = applied_minor + NEW.amount_minor WHERE id = NEW.invoice_id;
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
    UPDATE invoices SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.invoice_id;
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
    UPDATE invoices SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.invoice_id;
    UPDATE payments SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.payment_id;
    UPDATE credits  SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.credit_id;
END;
