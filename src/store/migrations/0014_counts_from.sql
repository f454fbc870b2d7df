-- Version 14, first: the day an application starts to count, when that is
-- later than the day it was applied (`applications.counts_from`; NULL: it
-- counts from `applied_on`). Money applied to an invoice, payment or credit
-- one of whose applications was reversed on a later day than the new one's
-- date counts from that reversal (`inserts::insert_application`): as of any
-- day, the books then never held the reversed application and the one that
-- took its place together. `applied_on` stays the date given (the source's,
-- or the one typed), which the imports compare theirs with.

ALTER TABLE applications ADD COLUMN counts_from TEXT
    CONSTRAINT application_counts_from CHECK (counts_from IS NULL OR
        (date(counts_from) IS counts_from AND counts_from > applied_on
         AND counts_from BETWEEN '1900-01-01' AND '2199-12-31'));

