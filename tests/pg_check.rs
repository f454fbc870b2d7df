//! `ardesk check` on PostgreSQL (issue 21): a fresh database and the demo
//! copied as the app wrote it are consistent; each kind of damage, made
//! with the triggers out of the way (`session_replication_role = replica`,
//! as a restore or a replication tool runs), is found and named; and where
//! the check is SQLite's, the same damage to the same books on SQLite is
//! said in the same words.

mod support;

use ardesk::store::pg::{self, PgStore, migrate, schema};
use ardesk::store::{OpenMode, Store};
use chrono::NaiveDate;
use rusqlite::Connection;
use support::pg::{TestDb, copy_as_written, fresh};

fn today() -> NaiveDate {
    support::TODAY.parse().unwrap()
}

/// A fresh database at the current schema, and the store on it.
fn migrated() -> Option<(TestDb, PgStore)> {
    let db = fresh()?;
    let store = PgStore::open(&db.url).unwrap();
    Some((db, store))
}

/// The demo copied into a fresh database as the app wrote it.
fn demo() -> Option<(TestDb, PgStore)> {
    let db = fresh()?;
    let s = Connection::open_with_flags(support::demo_db(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut c = pg::connect(&db.url).unwrap();
    migrate::upgrade(&mut c, "t").unwrap();
    copy_as_written(&s, &mut c);
    let store = PgStore::open(&db.url).unwrap();
    Some((db, store))
}

/// Runs `sql` on the database with its triggers out of the way: no
/// summary follows, and no foreign key is checked.
fn damage(db: &TestDb, sql: &str) {
    let mut c = db.client();
    c.batch_execute(&format!("SET session_replication_role = replica; {sql}")).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A copy of the SQLite demo of its own.
fn sqlite_demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let src = Connection::open_with_flags(support::demo_db(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    src.execute("VACUUM INTO ?1", [path.to_str().unwrap()]).unwrap();
    (dir, path)
}

/// One value the SQLite demo gives for `sql`: what to damage, found the
/// same on both sides (the copy keeps every id).
fn pick(sql: &str) -> i64 {
    let s = Connection::open_with_flags(support::demo_db(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    s.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The same damage to the demo on both backends (`sql` touches no table a
/// SQLite trigger follows), and what each check says.
fn damaged_on_both(sql: &str) -> Option<(Vec<String>, Vec<String>)> {
    let (db, store) = demo()?;
    damage(&db, sql);
    let on_pg = store.check(today()).unwrap();
    let (_dir, path) = sqlite_demo();
    Connection::open(&path).unwrap().execute_batch(sql).unwrap();
    let on_sqlite = Store::open(&path, OpenMode::MustExist).unwrap().check(today()).unwrap();
    Some((on_pg, on_sqlite))
}

fn has(found: &[String], needle: &str) -> bool {
    found.iter().any(|f| f.contains(needle))
}

#[test]
fn a_freshly_migrated_database_is_consistent() {
    let Some((_db, store)) = migrated() else { return };
    assert_eq!(store.check(today()).unwrap(), Vec::<String>::new());
}

#[test]
fn the_demo_copied_as_written_is_consistent_on_both_backends() {
    let Some((_db, store)) = demo() else { return };
    let mut steps = Vec::new();
    assert_eq!(store.check_saying(today(), &mut |s| steps.push(s.to_string())).unwrap(), Vec::<String>::new());
    assert!(steps.iter().any(|s| s.contains("money's rules (28 of 28)")), "{steps:?}");
    let lite = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    assert_eq!(lite.check(today()).unwrap(), Vec::<String>::new());
    // On another day too: the aging and the 365-day window move.
    assert_eq!(store.check("2025-06-30".parse().unwrap()).unwrap(), Vec::<String>::new());
}

/// The expected schema, built in a scratch schema and rolled back, is the
/// migrated one: in `public`, and in a schema of another name (the server
/// qualifies tables and functions by their schema).
#[test]
fn the_expected_schema_is_the_migrated_one_wherever_it_lives() {
    let Some(db) = fresh() else { return };
    let mut c = pg::connect(&db.url).unwrap();
    migrate::upgrade(&mut c, "t").unwrap();
    let v = migrate::PG_SCHEMA_VERSION;
    let live = schema::live(&mut c).unwrap();
    assert_eq!(schema::differences(&schema::expected(&mut c, v).unwrap(), &live), Vec::<String>::new());
    let left: i64 =
        c.query_one("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'ardesk_expected%'", &[]).unwrap().get(0);
    assert_eq!(left, 0, "nothing of the scratch schema stays");
    let path: String = c.query_one("SHOW search_path", &[]).unwrap().get(0);
    assert_eq!(path, "\"$user\", public");
    assert!(schema::expected(&mut c, 0).is_err() && schema::expected(&mut c, v + 1).is_err());

    // Another schema, named by the URL's options as a team would.
    c.batch_execute("CREATE SCHEMA books").unwrap();
    let url = format!("{}&options=-c%20search_path%3Dbooks%2Cpublic", db.url);
    let store = PgStore::open(&url).unwrap();
    let mut b = pg::connect(&url).unwrap();
    let there = schema::live(&mut b).unwrap();
    assert!(there.values().any(|d| d.contains(" ON books.")), "the server qualified by the schema");
    assert_ne!(schema::fingerprint(&there), schema::fingerprint(&live));
    assert_eq!(schema::differences(&schema::expected(&mut b, v).unwrap(), &there), Vec::<String>::new());
    assert_eq!(store.check(today()).unwrap(), Vec::<String>::new());
}

#[test]
fn a_dropped_trigger_and_an_added_index_are_named() {
    let Some((db, store)) = migrated() else { return };
    damage(&db, "DROP TRIGGER invoices_balance_insert ON invoices; CREATE INDEX stray ON invoices (memo)");
    let found = store.check(today()).unwrap();
    assert_eq!(
        found,
        vec![
            format!(
                "schema (version {}): missing: trigger invoices.invoices_balance_insert",
                migrate::PG_SCHEMA_VERSION
            ),
            format!("schema (version {}): extra: index stray", migrate::PG_SCHEMA_VERSION),
        ]
    );
}

/// A trigger left off by `ALTER TABLE ... DISABLE TRIGGER` is as good as
/// dropped: the summaries stop following the rows.
#[test]
fn a_disabled_trigger_is_named() {
    let Some((db, store)) = migrated() else { return };
    damage(&db, "ALTER TABLE invoices DISABLE TRIGGER invoices_summary_insert");
    let found = store.check(today()).unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(&format!(
            "schema (version {}): changed: trigger invoices.invoices_summary_insert: expected `",
            migrate::PG_SCHEMA_VERSION
        )) && found[0].ends_with("EXECUTE FUNCTION invoices_summary_inserted() -- disabled`"),
        "{found:#?}"
    );
}

#[test]
fn a_dropped_check_is_named_and_the_rows_it_would_refuse_found() {
    let Some((db, store)) = demo() else { return };
    let id = pick("SELECT min(id) FROM invoices WHERE status = 'paid'");
    damage(
        &db,
        &format!(
            "ALTER TABLE invoices DROP CONSTRAINT invoice_total_in_range;
             UPDATE invoices SET total_minor = 10000000000001 WHERE id = {id}"
        ),
    );
    let found = store.check(today()).unwrap();
    assert!(
        has(
            &found,
            &format!(
                "schema (version {}): missing: constraint invoices.invoice_total_in_range",
                migrate::PG_SCHEMA_VERSION
            )
        ),
        "{found:#?}"
    );
    let range = format!(
        "out of range (an invoice total must be at most 10,000,000,000,000 minor units (100,000,000,000.00 in a \
         currency with cents); the CHECK invoice_total_in_range is missing): invoices {id} (1 in all)"
    );
    assert!(found.contains(&range), "{found:#?}");
    // What the changed total breaks besides is said too.
    assert!(has(&found, "paid status does not match applications"), "{found:#?}");
}

#[test]
fn an_invoice_applied_amount_off_by_one_is_named() {
    let Some((db, store)) = demo() else { return };
    let id = pick("SELECT min(id) FROM invoices WHERE status = 'open' AND applied_minor > 0");
    let mut c = db.client();
    let r = c.query_one("SELECT number, applied_minor FROM invoices WHERE id = $1", &[&id]).unwrap();
    let (number, applied): (String, i64) = (r.get(0), r.get(1));
    damage(&db, &format!("UPDATE invoices SET applied_minor = applied_minor + 1 WHERE id = {id}"));
    let found = store.check(today()).unwrap();
    let line = format!(
        "invoice applied amount differs from its applications: {number}: cached {}, applications {applied} (1 in all)",
        applied + 1
    );
    assert!(found.contains(&line), "{found:#?}");
    // Its balance no longer follows from the cached amount either.
    assert!(has(&found, &format!("invoice balance differs from its total less what was applied: {number} (open)")));
}

#[test]
fn an_application_of_a_missing_payment_is_named() {
    let Some((db, store)) = demo() else { return };
    let id = pick("SELECT min(id) FROM applications WHERE payment_id IS NOT NULL AND removed_on IS NULL");
    damage(&db, &format!("UPDATE applications SET payment_id = 999999 WHERE id = {id}"));
    let found = store.check(today()).unwrap();
    assert!(found.contains(&format!("foreign key: applications row {id} → payments")), "{found:#?}");
}

#[test]
fn a_voided_credit_still_applied_is_named() {
    let Some((db, store)) = demo() else { return };
    let id = pick(
        "SELECT min(c.id) FROM credits c
         WHERE EXISTS (SELECT 1 FROM applications a WHERE a.credit_id = c.id AND a.removed_on IS NULL)",
    );
    // The cache emptied as a void would (a voided credit's CHECK wants it).
    damage(
        &db,
        &format!("UPDATE credits SET status = 'voided', voided_on = granted_on, applied_minor = 0 WHERE id = {id}"),
    );
    let found = store.check(today()).unwrap();
    assert!(found.contains(&format!("a voided credit is still applied: credit {id} (1 in all)")), "{found:#?}");
    assert!(has(&found, &format!("credit applied amount differs from its applications: credit {id}: cached 0")));
}

/// The summaries' damage: the same words as SQLite's for the same damage,
/// the whole list alike.
#[test]
fn a_customer_summary_figure_changed_is_said_as_sqlite_says_it() {
    let customer = pick("SELECT min(customer_id) FROM customer_summary WHERE billed_minor > 0");
    let sql = format!("UPDATE customer_summary SET billed_minor = billed_minor + 1 WHERE customer_id = {customer}");
    let Some((on_pg, on_sqlite)) = damaged_on_both(&sql) else { return };
    assert_eq!(on_pg, on_sqlite);
    assert_eq!(on_pg.len(), 1, "{on_pg:#?}");
    assert!(on_pg[0].starts_with(&format!("customer {customer}: summaries in ")), "{on_pg:#?}");
}

#[test]
fn a_due_summary_row_deleted_is_said_as_sqlite_says_it() {
    let customer = pick("SELECT min(customer_id) FROM customer_due_summary WHERE open_minor > 0");
    let sql = format!(
        "DELETE FROM customer_due_summary WHERE customer_id = {customer}
           AND due_date = (SELECT min(due_date) FROM customer_due_summary WHERE customer_id = {customer} AND open_minor > 0)"
    );
    let Some((on_pg, on_sqlite)) = damaged_on_both(&sql) else { return };
    assert_eq!(on_pg, on_sqlite);
    assert!(has(&on_pg, &format!("open balance by due date differs from the invoices: {customer} ")), "{on_pg:#?}");
}

#[test]
fn a_day_summary_row_changed_is_said_as_sqlite_says_it() {
    let customer = pick("SELECT min(customer_id) FROM customer_day_summary WHERE invoices > 0");
    let sql = format!(
        "UPDATE customer_day_summary SET invoice_total = invoice_total + 1 WHERE customer_id = {customer}
           AND day = (SELECT min(day) FROM customer_day_summary WHERE customer_id = {customer} AND invoices > 0)
           AND invoices > 0"
    );
    let Some((on_pg, on_sqlite)) = damaged_on_both(&sql) else { return };
    assert_eq!(on_pg, on_sqlite);
    assert!(
        has(&on_pg, &format!("the figures as of past dates differ from the rows: customer {customer} ")),
        "{on_pg:#?}"
    );
}

#[test]
fn a_collect_summary_weighted_sum_changed_is_said_as_sqlite_says_it() {
    let customer = pick("SELECT min(customer_id) FROM customer_collect_summary WHERE applied_minor > 0");
    let sql = format!(
        "UPDATE customer_collect_summary SET weighted_lo = weighted_lo + 1 WHERE customer_id = {customer}
           AND received_on = (SELECT max(received_on) FROM customer_collect_summary WHERE customer_id = {customer})"
    );
    let Some((on_pg, on_sqlite)) = damaged_on_both(&sql) else { return };
    assert_eq!(on_pg, on_sqlite);
    assert!(
        has(&on_pg, &format!("collections by payment date differ from the applications: {customer} ")),
        "{on_pg:#?}"
    );
}

#[test]
fn the_customers_list_drifted_is_said_as_sqlite_says_it() {
    let customer = pick("SELECT min(customer_id) FROM customer_outstanding");
    let sql = format!(
        "UPDATE customer_outstanding SET outstanding_minor = outstanding_minor + 7 WHERE customer_id = {customer}"
    );
    let Some((on_pg, on_sqlite)) = damaged_on_both(&sql) else { return };
    assert_eq!(on_pg, on_sqlite);
    assert!(has(&on_pg, &format!("customer {customer}: the list reads ")), "{on_pg:#?}");
}

#[test]
fn a_damaged_chunk_of_kept_rows_is_said_as_sqlite_says_it() {
    let sql = "INSERT INTO import_kept (first_row, row_count, import_source, created_at, data)
               VALUES (1, 2, 'stripe', '2026-03-01T00:00:00Z', X'00010203')";
    let pg_sql = sql.replace("X'00010203'", "'\\x00010203'::bytea");
    let Some((db, store)) = demo() else { return };
    damage(&db, &pg_sql);
    let on_pg = store.check(today()).unwrap();
    let (_dir, path) = sqlite_demo();
    Connection::open(&path).unwrap().execute_batch(sql).unwrap();
    let on_sqlite = Store::open(&path, OpenMode::MustExist).unwrap().check(today()).unwrap();
    assert_eq!(on_pg, on_sqlite);
    assert_eq!(on_pg, ["the chunk of imported rows from 1 is damaged (import_kept)"]);
}

/// A check that cannot run is listed with the server's reason, and the
/// others still run.
#[test]
fn a_check_that_cannot_run_is_listed_and_the_rest_go_on() {
    let Some((db, store)) = demo() else { return };
    let id = pick("SELECT min(id) FROM invoices WHERE status = 'open' AND applied_minor > 0");
    damage(
        &db,
        &format!(
            "DROP VIEW dated_refund_rows;
             UPDATE invoices SET applied_minor = applied_minor + 1 WHERE id = {id}"
        ),
    );
    let found = store.check(today()).unwrap();
    assert!(
        has(&found, &format!("schema (version {}): missing: view dated_refund_rows", migrate::PG_SCHEMA_VERSION)),
        "{found:#?}"
    );
    assert!(
        has(&found, "could not check the figures as of past dates differ from the rows: ")
            && has(&found, "dated_refund_rows"),
        "{found:#?}"
    );
    assert!(has(&found, "invoice applied amount differs from its applications: "), "{found:#?}");
}

/// Many rules broken at once, the same way on both backends (SQLite's
/// triggers dropped, PostgreSQL's out of the way): each rule finds the
/// same rows and says so in the same words, the rules PostgreSQL has its
/// own text for among them; the summaries and figures too.
#[test]
fn many_rules_broken_alike_are_said_alike() {
    let open_applied = "FROM invoices WHERE status = 'open' AND applied_minor > 0";
    let (a, b) = (pick(&format!("SELECT min(id) {open_applied}")), pick(&format!("SELECT max(id) {open_applied}")));
    assert_ne!(a, b);
    let payment = pick(
        "SELECT min(id) FROM payments WHERE status = 'succeeded' AND applied_minor + refunded_minor < amount_minor",
    );
    let unpaid = pick("SELECT min(id) FROM invoices WHERE status = 'open' AND applied_minor = 0");
    let credit = pick("SELECT min(credit_id) FROM applications WHERE credit_id IS NOT NULL AND removed_on IS NULL");
    let sql = format!(
        "UPDATE invoices SET balance_minor = balance_minor + 3 WHERE id = {a};
         UPDATE invoices SET status = 'paid' WHERE id = {b};
         UPDATE payments SET refunded_minor = refunded_minor + 1 WHERE id = {payment};
         UPDATE invoices SET status = 'cancelled', cancelled_on = '1999-01-01' WHERE id = {unpaid};
         UPDATE customers SET primary_contact_id = NULL
          WHERE id = (SELECT min(id) FROM customers WHERE primary_contact_id IS NOT NULL);
         UPDATE documents SET size_bytes = size_bytes + 1 WHERE id = (SELECT min(id) FROM documents);
         UPDATE promises SET currency = CASE WHEN currency = 'JPY' THEN 'CHF' ELSE 'JPY' END
          WHERE id = (SELECT min(id) FROM promises);
         UPDATE invoice_pauses SET customer_id = (SELECT min(id) FROM customers WHERE id <> invoice_pauses.customer_id)
          WHERE id = (SELECT min(id) FROM invoice_pauses);
         UPDATE credits SET kind = 'adjustment',
                invoice_id = (SELECT min(i.id) FROM invoices i WHERE i.customer_id = credits.customer_id
                                AND i.id NOT IN (SELECT a.invoice_id FROM applications a WHERE a.credit_id = credits.id))
          WHERE id = {credit};
         UPDATE conversation_invoices
            SET invoice_id = (SELECT min(i.id) FROM invoices i JOIN conversations cv ON cv.id = conversation_invoices.conversation_id
                              WHERE i.customer_id <> cv.customer_id)
          WHERE conversation_id = (SELECT min(conversation_id) FROM conversation_invoices)"
    );
    let Some((db, store)) = demo() else { return };
    damage(&db, &sql);
    let on_pg = store.check(today()).unwrap();
    let (_dir, path) = sqlite_demo();
    {
        let c = Connection::open(&path).unwrap();
        let mut stmt = c.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").unwrap();
        let triggers: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        for t in triggers {
            c.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
        }
        c.execute_batch(&sql).unwrap();
    }
    let on_sqlite: Vec<String> = Store::open(&path, OpenMode::MustExist)
        .unwrap()
        .check(today())
        .unwrap()
        .into_iter()
        .filter(|p| !p.starts_with("schema ("))
        .collect();
    assert_eq!(on_pg, on_sqlite);
    for rule in [
        "invoice balance differs from its total less what was applied",
        "paid status does not match applications",
        "payment refunded amount differs from its refunds",
        "cancellation date on an invoice that is not cancelled, or before its issue date",
        "customer with contacts but no valid primary contact",
        "document without content, or with content of another size",
        "a promise's customer is not its conversation's, or its currency not the customer's",
        "a pause's customer is not its invoice's",
        "an adjustment without its invoice, or applied elsewhere",
        "a conversation's invoice is another customer's",
        "open balance by due date differs from the invoices",
        "the figures as of past dates differ from the rows",
    ] {
        assert!(has(&on_pg, &format!("{rule}: ")), "{rule}: {on_pg:#?}");
    }
}

/// Dates are said as ISO, as SQLite keeps them, whatever `DateStyle` the
/// server or the URL sets.
#[test]
fn dates_are_iso_whatever_the_datestyle() {
    let Some((db, store)) = demo() else { return };
    let id = pick("SELECT min(id) FROM invoices WHERE status = 'open' AND applied_minor = 0");
    damage(&db, &format!("UPDATE invoices SET status = 'cancelled', cancelled_on = '1999-01-31' WHERE id = {id}"));
    let iso = store.check(today()).unwrap();
    assert!(has(&iso, ") cancelled on 1999-01-31, issued "), "{iso:#?}");
    let other = PgStore::open(&format!("{}&options=-c%20DateStyle%3DSQL%2CDMY", db.url)).unwrap();
    assert_eq!(other.check(today()).unwrap(), iso);
}
