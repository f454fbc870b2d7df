-- Version 13: a cancelled invoice carries the date it was cancelled.
--
-- `invoices.cancelled_on`: the day the invoice was cancelled (voided, in
-- Stripe's and QuickBooks' words); NULL on every other status, and NULL on
-- a cancelled invoice whose date nobody knows. It is a real date within the
-- bounds of every date and, where ardesk writes it, never before the issue
-- date: an invoice cancelled before the day it was issued counts as
-- cancelled on its issue date (it never counted), so the cancel and import
-- paths write max(the day, issue_date). `ardesk check` reports one that is
-- earlier.
--
-- For a reading as of a past date, a cancelled invoice stops counting on
-- `coalesce(cancelled_on, issue_date)` (`domain::status::cancelled_as_of`,
-- in SQL `CANCELLED_AS_OF_SQL`): one whose cancellation is undated counts
-- as cancelled on its issue date, so it never counted at any date, as it
-- counts nowhere today.
--
-- The upgrade dates what it can, the best evidence first:
--   1. the latest audit row cancelling the invoice (entity 'invoice',
--      action 'cancel') whose time reads as one: the UTC date of it;
--   2. an invoice imported from Stripe as void: its
--      `status_transitions.voided_at` (unix seconds, kept in source_raw's
--      row);
--   3. an invoice imported from QuickBooks voided: the day QuickBooks last
--      updated it (`MetaData.LastUpdatedTime`), which is when it was voided;
--   and leaves the rest NULL (date unknown). Each date is taken only when it
--   reads as a real date within the bounds, and is brought up to the issue
--   date as above.
--
-- The column is added, no table is rebuilt; the CHECK ties it to the status
-- as `written_off_on` is (version 9): ADD COLUMN checks it against every
-- row, all NULL, and the backfill below writes only cancelled rows. A path
-- that takes an invoice out of 'cancelled' clears it.

ALTER TABLE invoices ADD COLUMN cancelled_on TEXT
    CONSTRAINT invoice_cancelled_on CHECK (cancelled_on IS NULL OR
        (status = 'cancelled' AND date(cancelled_on) IS cancelled_on
         AND cancelled_on BETWEEN '1900-01-01' AND '2199-12-31'));

UPDATE invoices SET cancelled_on = max(issue_date, d)
FROM (SELECT i.id AS iid, coalesce(
        (SELECT max(substr(a.at, 1, 10)) FROM audit_log a
         WHERE a.entity = 'invoice' AND a.entity_id = i.id AND a.action = 'cancel'
           AND date(substr(a.at, 1, 10)) IS substr(a.at, 1, 10)),
        CASE WHEN i.import_source = 'stripe' AND json_valid(i.source_raw)
                  AND json_type(i.source_raw, '$.row.status_transitions.voided_at') = 'integer'
             THEN date(json_extract(i.source_raw, '$.row.status_transitions.voided_at'), 'unixepoch') END,
        CASE WHEN i.import_source = 'quickbooks' AND json_valid(i.source_raw)
                  AND json_type(i.source_raw, '$.row.MetaData.LastUpdatedTime') = 'text'
                  AND date(substr(json_extract(i.source_raw, '$.row.MetaData.LastUpdatedTime'), 1, 10))
                      IS substr(json_extract(i.source_raw, '$.row.MetaData.LastUpdatedTime'), 1, 10)
             THEN substr(json_extract(i.source_raw, '$.row.MetaData.LastUpdatedTime'), 1, 10) END) AS d
      FROM invoices i WHERE i.status = 'cancelled') AS found
WHERE invoices.id = found.iid AND found.d BETWEEN '1900-01-01' AND '2199-12-31';
