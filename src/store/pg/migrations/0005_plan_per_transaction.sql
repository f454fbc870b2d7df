-- PostgreSQL schema, version 5: how the statement triggers' statements
-- are planned is the transaction's choice, not fixed in each function.
-- The same books as version 4 (SQLite version 20); nothing stored changes.
--
-- Why: version 3 pinned `plan_cache_mode = force_custom_plan` on the
-- functions its statement triggers run, so that a bulk load, whose tables
-- grow inside one transaction, never keeps a plan made while they were
-- nearly empty (a sequential scan, run again for every later statement:
-- the import grew quadratic). A custom plan is made again at every call.
-- For one write of one customer that planning is most of the triggers'
-- cost: the dated rows of an application, read through the view
-- `dated_application_rows` (seven parts of one row, each a CASE), take
-- about 3 ms to plan and 0.2 ms to run. A payment applied to one invoice
-- took 5.3 ms of server time, 3.8 ms with its plans kept (pgbench, the
-- payment's statements on the demo's customer 1, 500 transactions), and
-- the team benchmark's hundred TUIs and fifty writers spend the two cores
-- of the machine on it.
--
-- Here the functions keep no setting of their own, so each statement
-- follows the transaction's `plan_cache_mode`:
-- * a write of one customer (`PgStore::write`) sets `force_generic_plan`
--   with the lock on its customer: each statement is planned once a
--   session, for tables of their size then, and kept until an ANALYZE
--   of one of its tables (autovacuum's, after the rows it counts have
--   committed) makes the server plan it again;
-- * an import plans as the server's default (`auto`) does: since version
--   3 it analyzes the tables it grows inside its own transaction each
--   time its new invoices have doubled (`PgImportTx::grown`), which also
--   drops the plans made while they were smaller, so the reason for
--   pinning custom plans is gone (100,000 Stripe rows into a fresh
--   database: 24.9 and 26.9 s against version 4's 29.0 and 30.9 s, the
--   same file again 10.7 and 12.0 s against 11.2 and 12.9 s, alternating);
-- * anything else plans as the default does too.

ALTER FUNCTION day_summary_invoice_ids(bigint[], bigint) RESET plan_cache_mode;
ALTER FUNCTION day_summary_application_ids(bigint[], bigint) RESET plan_cache_mode;
ALTER FUNCTION day_summary_payment_ids(bigint[], bigint) RESET plan_cache_mode;
ALTER FUNCTION invoices_dated_inserted() RESET plan_cache_mode;
ALTER FUNCTION payments_dated_inserted() RESET plan_cache_mode;
ALTER FUNCTION applications_dated_inserted() RESET plan_cache_mode;
ALTER FUNCTION applications_counts_inserted() RESET plan_cache_mode;
ALTER FUNCTION invoices_summary_inserted() RESET plan_cache_mode;
ALTER FUNCTION invoices_summary_updated() RESET plan_cache_mode;
ALTER FUNCTION payments_summary_inserted() RESET plan_cache_mode;
ALTER FUNCTION payments_summary_updated() RESET plan_cache_mode;
