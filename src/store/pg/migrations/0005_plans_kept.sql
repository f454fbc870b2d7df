-- PostgreSQL schema, version 5: the statement triggers' statements are
-- planned once a session and kept, not planned again at every call.
-- The same books as version 4 (SQLite version 20); nothing stored changes.
--
-- Why: version 3 pinned `plan_cache_mode = force_custom_plan` on the
-- functions its statement triggers run, so that a bulk load, whose tables
-- grow inside one transaction, never kept a plan made while they were
-- nearly empty (a sequential scan, run again for every later statement:
-- the import grew quadratic). A custom plan is made again at every call.
-- For one write of one customer that planning is most of the triggers'
-- cost: the dated rows of an application, read through the view
-- `dated_application_rows` (seven parts of one row, each a CASE), take
-- about 3 ms to plan and 0.2 ms to run (auto_explain). A payment applied
-- to one invoice took 5.3 ms of server time, 3.8 ms with these plans kept
-- (pgbench, the payment's statements on the demo's customer 1, 500
-- transactions).
--
-- The reason for custom plans is gone since then: an import analyzes the
-- tables it grows inside its own transaction each time its new invoices
-- have doubled (`PgImportTx::grown`), and an ANALYZE drops the plans made
-- on the tables before it, so the kept plans follow the tables' growth
-- there as autovacuum's ANALYZE makes them do for the writes of a team
-- (100,000 Stripe rows into a fresh database: 20.3 s, against version
-- 4's 29.0 and 30.9 s the same hour).
--
-- Only these functions: a session-wide `force_generic_plan` (tried first,
-- set by each write's transaction) also gave the writes' own statements
-- generic plans, among them a bulk cancel's `id = ANY($1)` as a sequential
-- scan of every invoice, and the team benchmark's hundred TUIs and fifty
-- writers did worse with it (71 writes a second against 106), not better.

ALTER FUNCTION day_summary_invoice_ids(bigint[], bigint) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION day_summary_application_ids(bigint[], bigint) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION day_summary_payment_ids(bigint[], bigint) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION invoices_dated_inserted() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION payments_dated_inserted() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION applications_dated_inserted() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION applications_counts_inserted() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION invoices_summary_inserted() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION invoices_summary_updated() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION payments_summary_inserted() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION payments_summary_updated() SET plan_cache_mode = force_generic_plan;
