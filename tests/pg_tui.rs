//! `ardesk --db postgres://…` as a user runs it (issue 21): the demo made
//! on a fresh database by `ardesk demo --db URL`, the TUI in a
//! pseudo-terminal at 80×24 on its customers and a customer's page, an
//! edit saved there landing on the server, another session's change seen
//! without a key, and every demo customer's `ardesk customer ID --json`
//! equal to the SQLite demo's.

mod support;

use ardesk::domain::edit::CustomerEdit;
use ardesk::store::pg::PgStore;
use support::pg::fresh;
use support::{TODAY, Tui, run};

#[test]
fn the_demo_on_postgresql_in_the_terminal() {
    let Some(db) = fresh() else { return };
    let (code, out, err) = run(&["--today", TODAY, "demo", "--db", &db.url]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("the demo is in"), "{out}");
    // Made once: a second demo would mix two books.
    let (code, _, err) = run(&["--today", TODAY, "demo", "--db", &db.url]);
    assert_ne!(code, 0);
    assert!(err.contains("already") || err.contains("holds"), "{err}");

    let mut tui = Tui::start(&["--db", &db.url, "--today", TODAY], 80, 24);
    let s = tui.wait_for("Customers (40)");
    assert!(s.contains("Acme Corp") && s.contains("$14,911.00") && s.contains("$14,561.00"), "{s}");
    tui.send("\r");
    let s = tui.wait("Acme's page", |s| s.contains("Billed & Collected") && s.contains("INV-000039"));
    assert!(s.contains("$14,911.00  $14,561.00 overdue") && s.contains("$118,039 / $133,300  88%"), "{s}");

    // An edit saved in the TUI is on the server, audited.
    tui.send("e");
    tui.wait_for("Edit Acme Corp");
    tui.send("\x15Acme Corporation\x13");
    tui.wait_for("Saved Acme Corporation");
    let mut c = db.client();
    let name: String = c.query_one("SELECT name FROM customers WHERE id = 1", &[]).unwrap().get(0);
    assert_eq!(name, "Acme Corporation");
    let audit: String = c.query_one("SELECT summary FROM audit_log ORDER BY id DESC LIMIT 1", &[]).unwrap().get(0);
    assert!(audit.contains("\"Acme Corp\" → \"Acme Corporation\""), "{audit}");

    // Another session's save shows on the page with no key pressed.
    let mut other = PgStore::open(&db.url).unwrap();
    let c1 = other.customer(1).unwrap();
    let edit = CustomerEdit {
        name: "Acme Elsewhere".into(),
        legal_name: c1.legal_name.clone(),
        billing_email: c1.billing_email.clone(),
        billing_address: c1.billing_address.clone(),
        currency: c1.currency,
        invoices_paused: c1.invoices_paused,
        portal: c1.portal,
    };
    other.update_customer(1, c1.version, &edit).unwrap();
    tui.wait_for("Acme Elsewhere");

    // Back to the list, which another session's change reaches too.
    tui.send("\x1b");
    tui.wait_for("Customers (40)");
    let c2 = other.customer(2).unwrap();
    other.update_customer(2, c2.version, &CustomerEdit { name: "Aldercrest Renamed".into(), ..edit }).unwrap();
    tui.wait_for("Aldercrest Renamed");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);

    // `check` on the server, as the command runs it.
    let (code, out, err) = run(&["--today", TODAY, "--db", &db.url, "check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("is consistent"), "{out}");
}

#[test]
fn every_demo_customer_reads_the_same_from_the_server() {
    let Some(db) = fresh() else { return };
    let (code, out, err) = run(&["--today", TODAY, "demo", "--db", &db.url]);
    assert_eq!(code, 0, "{out}{err}");
    let file = support::demo_db().display().to_string();
    for id in 1..=40 {
        let id = id.to_string();
        let (_, lite, _) = run(&["--today", TODAY, "--db", &file, "customer", &id, "--json"]);
        let (code, pg, err) = run(&["--today", TODAY, "--db", &db.url, "customer", &id, "--json"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(pg, lite, "customer {id}");
    }
    let (_, lite, _) = run(&["--today", TODAY, "--db", &file, "customers", "--json"]);
    let (_, pg, _) = run(&["--today", TODAY, "--db", &db.url, "customers", "--json"]);
    assert_eq!(pg, lite);
}

#[test]
fn what_only_a_file_has_is_said_on_a_server() {
    let Some(db) = fresh() else { return };
    let (code, _, err) = run(&["--db", &db.url, "backup", "/tmp/ardesk-never-written.db"]);
    assert_ne!(code, 0);
    assert!(err.contains("ardesk backup works on a SQLite file") && err.contains("pg_dump"), "{err}");
    assert!(!std::path::Path::new("/tmp/ardesk-never-written.db").exists());
    let (code, _, err) = run(&["--db", &db.url, "vacuum"]);
    assert_ne!(code, 0);
    assert!(err.contains("autovacuum"), "{err}");
    // An empty database is not books: check says so, --no-create refuses.
    let (code, out, _) = run(&["--today", TODAY, "--db", &db.url, "check"]);
    assert_eq!(code, 1);
    assert!(out.contains("holds no ardesk books"), "{out}");
    let (code, _, err) = run(&["--today", TODAY, "--db", &db.url, "--no-create", "customers"]);
    assert_ne!(code, 0);
    assert!(err.contains("holds no ardesk books"), "{err}");
    // The password never shows.
    let url = db.url.replacen("postgres@", "postgres:s3cret@", 1);
    let (_, out, err) = run(&["--db", &url, "vacuum"]);
    assert!(!out.contains("s3cret") && !err.contains("s3cret"), "{out}{err}");
    assert!(err.contains("postgres:***@"), "{err}");
}
