//! The PostgreSQL schema (issue 21): a fresh database upgrades to the
//! current version once, even with two ardesks starting together; the
//! schema it gets is the one the fingerprint names; a database that is
//! not ardesk's, or a newer ardesk's, is refused untouched; a drifted one
//! is told apart by what drifted; connecting fails with words, and no
//! password is shown. Runs on the cluster `.ci/pg` starts.

mod support;

use ardesk::store::StoreError;
use ardesk::store::pg::{self, migrate, schema};
use support::pg::fresh;

#[test]
fn a_fresh_database_upgrades_once_to_the_schema_of_the_fingerprint() {
    let Some(db) = fresh() else { return };
    let mut c = pg::connect(&db.url).unwrap();
    assert_eq!(migrate::version(&mut c, "t").unwrap(), 0);
    let up = migrate::upgrade(&mut c, "t").unwrap();
    assert_eq!((up.from, up.to), (0, migrate::PG_SCHEMA_VERSION));
    let again = migrate::upgrade(&mut c, "t").unwrap();
    assert_eq!((again.from, again.to), (migrate::PG_SCHEMA_VERSION, migrate::PG_SCHEMA_VERSION));
    let live = schema::live(&mut c).unwrap();
    let print = schema::fingerprint(&live);
    assert_eq!(
        schema::FINGERPRINTS.len(),
        migrate::PG_SCHEMA_VERSION as usize,
        "one fingerprint per version; this one is {print}"
    );
    assert_eq!(
        print,
        schema::FINGERPRINTS[migrate::PG_SCHEMA_VERSION as usize - 1],
        "the schema changed: put {print} in pg::schema::FINGERPRINTS"
    );
    // A second fresh database gets the very same schema.
    let other = fresh().unwrap();
    let mut c2 = pg::connect(&other.url).unwrap();
    migrate::upgrade(&mut c2, "t").unwrap();
    assert_eq!(schema::differences(&live, &schema::live(&mut c2).unwrap()), Vec::<String>::new());
}

#[test]
fn two_ardesks_starting_together_upgrade_once() {
    let Some(db) = fresh() else { return };
    let results: Vec<_> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let mut c = pg::connect(&db.url).unwrap();
                    migrate::upgrade(&mut c, "t").unwrap()
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|u| u.from == 0).count(), 1, "{results:?}");
    assert!(results.iter().all(|u| u.to == migrate::PG_SCHEMA_VERSION), "{results:?}");
}

#[test]
fn another_programs_database_and_a_newer_ardesks_are_refused_untouched() {
    let Some(db) = fresh() else { return };
    let mut c = db.client();
    c.batch_execute("CREATE TABLE wiki_pages (id int)").unwrap();
    let mut ours = pg::connect(&db.url).unwrap();
    let err = migrate::upgrade(&mut ours, "postgres://h/wiki").unwrap_err();
    assert!(matches!(err, StoreError::NotArdesk { .. }), "{err:?}");
    assert!(err.to_string().contains("not ardesk's mark") && err.to_string().contains("left untouched"), "{err}");
    let tables: i64 =
        c.query_one("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", &[]).unwrap().get(0);
    assert_eq!(tables, 1, "nothing was created");

    let newer = fresh().unwrap();
    let mut c = pg::connect(&newer.url).unwrap();
    migrate::upgrade(&mut c, "t").unwrap();
    c.execute("UPDATE ardesk_schema SET version = version + 1", &[]).unwrap();
    let err = migrate::upgrade(&mut c, "t").unwrap_err();
    assert!(matches!(err, StoreError::Newer { found, known, .. } if found == known + 1), "{err:?}");
}

#[test]
fn a_drifted_schema_is_told_by_what_drifted() {
    let Some(db) = fresh() else { return };
    let mut c = pg::connect(&db.url).unwrap();
    migrate::upgrade(&mut c, "t").unwrap();
    let expected = schema::live(&mut c).unwrap();
    let trigger = expected.keys().find(|k| k.starts_with("trigger ")).expect("the schema has triggers").clone();
    let (table, name) = trigger["trigger ".len()..].split_once('.').unwrap();
    c.batch_execute(&format!("DROP TRIGGER {name} ON {table}; CREATE INDEX stray ON {table} ((1))")).unwrap();
    let live = schema::live(&mut c).unwrap();
    assert_ne!(schema::fingerprint(&live), schema::fingerprint(&expected));
    let diff = schema::differences(&expected, &live);
    assert_eq!(diff, vec![format!("missing: {trigger}"), "extra: index stray".to_string()]);
}

#[test]
fn connecting_fails_with_words_and_never_shows_the_password() {
    let refused = |url: &str| pg::connect(url).err().expect("refused").to_string();
    let err = refused("postgres://ann:s3cret@/books?host=/nonexistent/dir");
    assert!(err.contains("postgres://ann:***@/books") && !err.contains("s3cret"), "{err}");
    assert!(err.contains("cannot open the database"), "{err}");
    let err = refused("postgres://ann:s3cret@h/b?sslmode=sometimes");
    assert!(err.contains("not a PostgreSQL URL") && !err.contains("s3cret"), "{err}");
}

/// A database the server does not have is named with what makes it:
/// ardesk creates books on a server, not the database itself.
#[test]
fn a_database_not_there_is_said_with_what_makes_it() {
    let Some(db) = fresh() else { return };
    let missing = support::pg::with_dbname(&db.url, "ardesk_nowhere");
    let err = pg::connect(&missing).err().expect("refused").to_string();
    assert!(
        err.ends_with(
            "cannot open the database: database \"ardesk_nowhere\" does not exist; create it first (`createdb \
             ardesk_nowhere`, or `CREATE DATABASE` as a user who may), then ardesk makes its books there"
        ),
        "{err}"
    );
}

/// The server's refusals in ardesk's words, as SQLite's are: a bound's
/// CHECK by its name, a trigger's guard as its sentence, a uniqueness
/// clash marked as one, a sum past bigint as a value not stored exactly.
#[test]
fn the_servers_refusals_are_said_in_ardesks_words() {
    let Some(db) = fresh() else { return };
    let mut c = pg::connect(&db.url).unwrap();
    migrate::upgrade(&mut c, "t").unwrap();
    c.batch_execute(
        "INSERT INTO customers (id, name, currency, created_at) VALUES (1, 'Acme', 'USD', '2026-01-01T00:00:00Z');
         INSERT INTO invoices (id, customer_id, number, issue_date, due_date, currency, total_minor, status, created_at)
         VALUES (1, 1, 'INV-1', '2026-01-01', '2026-01-31', 'USD', 10000, 'open', '2026-01-01T00:00:00Z');
         INSERT INTO payments (id, customer_id, received_on, currency, amount_minor, status, method, created_at)
         VALUES (1, 1, '2026-01-05', 'USD', 4000, 'succeeded', 'manual', '2026-01-05T00:00:00Z');
         INSERT INTO applications (payment_id, invoice_id, amount_minor, applied_on, created_at)
         VALUES (1, 1, 4000, '2026-01-05', '2026-01-05T00:00:00Z');",
    )
    .unwrap();
    let said = |c: &mut postgres::Client, sql: &str| StoreError::from(c.batch_execute(sql).unwrap_err());
    let e = said(&mut c, "UPDATE invoices SET total_minor = 10000000000001 WHERE id = 1");
    assert!(
        matches!(&e, StoreError::OutOfRange(w) if w.starts_with("an invoice total must be at most 10,000,000,000,000")),
        "{e:?}"
    );
    assert!(e.to_string().ends_with("nothing was saved"), "{e}");
    let e = said(&mut c, "UPDATE invoices SET issue_date = '2026-01-02' WHERE id = 1");
    assert!(
        matches!(&e, StoreError::Invalid(w) if w == "the issue date of an invoice with payments applied cannot change"),
        "{e:?}"
    );
    let e = said(&mut c, "DELETE FROM applications");
    assert!(matches!(&e, StoreError::Invalid(w) if w == "applications are never deleted, only reversed"), "{e:?}");
    let e = said(&mut c, "UPDATE payments SET received_on = '1899-12-31' WHERE id = 1");
    assert!(matches!(&e, StoreError::Invalid(_) | StoreError::OutOfRange(_)), "{e:?}");
    let e = said(
        &mut c,
        "INSERT INTO invoices (customer_id, number, issue_date, due_date, currency, total_minor, status, created_at)
         VALUES (1, 'INV-1', '2026-02-01', '2026-02-28', 'USD', 5, 'open', '2026-02-01T00:00:00Z')",
    );
    assert!(matches!(&e, StoreError::Sql(d) if d.unique_violation()), "{e:?}");
    let e = said(&mut c, "SELECT sum(x)::bigint FROM (VALUES (9223372036854775807::numeric), (1)) v(x)");
    assert!(matches!(&e, StoreError::OutOfRange(w) if w.starts_with("a value could not be stored exactly")), "{e:?}");
    // The books are as they were.
    let row = c.query_one("SELECT total_minor, applied_minor, balance_minor FROM invoices WHERE id = 1", &[]).unwrap();
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i64>(1), row.get::<_, i64>(2)), (10000, 4000, 6000));
}
