-- Version 4: the Activity tab sorts by when things happened, not by the
-- order rows were written (the demo and imports write history out of
-- time order). An index, so that sort stays a keyset walk on a customer
-- with a long log; no table is rebuilt.
CREATE INDEX audit_customer_at ON audit_log(customer_id, at, id);
