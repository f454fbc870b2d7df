-- Version 9: bad-debt write-offs carry a date and a reason.
--
-- `invoices.written_off_on`: the date an open invoice's balance was written
-- off as bad debt (its status 'uncollectible'); NULL on every other status.
-- Reversing the write-off (back to 'open') clears it. Invoices imported as
-- uncollectible, and those written off before this version, keep NULL:
-- their sources and the older versions never said when, so their date is
-- unknown and the detail says so.
--
-- `invoices.write_off_reason`: why it was written off ('' when unknown or
-- not written off); kept after a reversal, whose own reason and date are
-- in the audit log.
--
-- Nothing else moves: the summaries' triggers already follow the status
-- (an uncollectible balance leaves Outstanding and the aging, and the
-- invoice stays billed), and a payment goes only to open invoices.

ALTER TABLE invoices ADD COLUMN written_off_on TEXT
    CONSTRAINT invoice_written_off_on CHECK (written_off_on IS NULL OR
        (status = 'uncollectible' AND date(written_off_on) IS written_off_on
         AND written_off_on BETWEEN '1900-01-01' AND '2199-12-31'));

ALTER TABLE invoices ADD COLUMN write_off_reason TEXT NOT NULL DEFAULT ''
    CONSTRAINT invoice_write_off_reason_length CHECK (length(write_off_reason) <= 1000);
