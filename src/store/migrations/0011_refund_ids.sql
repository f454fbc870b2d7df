-- Version 11: imported refunds keyed by their source's id.
--
-- `refunds.external_id`: the id the source gives the refund itself (a
-- Stripe `re_…` refund object), so that importing the refunds again finds
-- the rows it wrote instead of adding them twice. NULL for a refund
-- recorded in ardesk, for the one row that stands for what a payment's
-- source says was refunded beyond the refunds it lists, and for every
-- refund before this version. A keyed refund is dated by its source
-- (`dated_from = 'source'`). One payment never has two rows with the same
-- id (`refunds_external`); the payment's `refunded_minor` stays the sum of
-- its rows, keyed or not (`ardesk check`).
--
-- A column added with its default (NULL), no table rebuilt, no row refused.

ALTER TABLE refunds ADD COLUMN external_id TEXT
    CONSTRAINT refund_external_id CHECK (external_id IS NULL
        OR (length(external_id) BETWEEN 1 AND 255 AND dated_from = 'source'));

CREATE UNIQUE INDEX refunds_external ON refunds(payment_id, external_id) WHERE external_id IS NOT NULL;
