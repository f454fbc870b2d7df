//! Writes on PostgreSQL (issue 21): a customer created and edited gives
//! the same record and the same audit entry as on SQLite, bad input is
//! refused in the same words, and many writers saving the same customer at
//! once lose no update: each save either lands on the version it read or
//! is told "changed elsewhere".

mod support;

use ardesk::domain::Currency;
use ardesk::domain::edit::CustomerEdit;
use ardesk::store::pg::PgStore;
use ardesk::store::{Store, StoreError};
use support::pg::fresh;

fn edit(name: &str) -> CustomerEdit {
    CustomerEdit {
        name: name.into(),
        legal_name: "Acme Corporation Ltd.".into(),
        billing_email: "ap@acme.example".into(),
        billing_address: "1 Main St\nSpringfield".into(),
        currency: "USD".parse::<Currency>().unwrap(),
        invoices_paused: false,
        portal: true,
    }
}

/// An audit log row: entity, action, summary, before, after.
type Entry = (String, String, String, Option<String>, Option<String>);

fn audit_pg(db: &support::pg::TestDb) -> Vec<Entry> {
    db.client()
        .query("SELECT entity, action, summary, before_json, after_json FROM audit_log ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect()
}

fn audit_lite(store: &Store) -> Vec<Entry> {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    store.backup_to(&copy).unwrap();
    let c = rusqlite::Connection::open(&copy).unwrap();
    let mut stmt =
        c.prepare("SELECT entity, action, summary, before_json, after_json FROM audit_log ORDER BY id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_customer_is_created_and_edited_as_on_sqlite() {
    let Some(db) = fresh() else { return };
    let mut pg = PgStore::open(&db.url).unwrap();
    let mut lite = Store::open_in_memory().unwrap();
    pg.set_who("ann");
    lite.set_who("ann");
    let (a, b) = (pg.create_customer(&edit("Acme")).unwrap(), lite.create_customer(&edit("Acme")).unwrap());
    assert_eq!(pg.customer(a).unwrap(), lite.customer(b).unwrap());
    let mut e = edit("Acme Corp");
    e.legal_name = String::new();
    e.currency = "EUR".parse().unwrap();
    pg.update_customer(a, 1, &e).unwrap();
    lite.update_customer(b, 1, &e).unwrap();
    let (pc, lc) = (pg.customer(a).unwrap(), lite.customer(b).unwrap());
    assert_eq!(pc, lc);
    assert_eq!((pc.version, pc.legal_name.as_str(), pc.currency.code()), (2, "", "EUR"));
    assert_eq!(audit_pg(&db), audit_lite(&lite));
    assert_eq!(audit_pg(&db).len(), 2);

    // Refusals in the same words, and nothing written.
    let said = |pg: Result<(), StoreError>, lite: Result<(), StoreError>| {
        let (p, l) = (pg.unwrap_err().to_string(), lite.unwrap_err().to_string());
        assert_eq!(p, l);
        p
    };
    let stale = said(pg.update_customer(a, 1, &edit("Late")), lite.update_customer(b, 1, &edit("Late")));
    assert!(stale.starts_with("changed elsewhere — reload"), "{stale}");
    said(pg.update_customer(a, 2, &edit("  ")), lite.update_customer(b, 2, &edit("  ")));
    let mut bad = edit("Acme");
    bad.billing_email = "not an address".into();
    said(pg.update_customer(a, 2, &bad), lite.update_customer(b, 2, &bad));
    let mut odd = edit("Acme");
    odd.currency = "XQZ".parse().unwrap();
    said(pg.update_customer(a, 2, &odd), lite.update_customer(b, 2, &odd));
    let gone = said(pg.update_customer(999, 1, &edit("X")), lite.update_customer(999, 1, &edit("X")));
    assert!(gone.contains("999"), "{gone}");
    assert_eq!(pg.customer(a).unwrap(), lite.customer(b).unwrap());
    assert_eq!(audit_pg(&db).len(), 2, "nothing written by a refused save");
}

#[test]
fn many_writers_on_one_customer_lose_no_update() {
    let Some(db) = fresh() else { return };
    let id = PgStore::open(&db.url).unwrap().create_customer(&edit("Acme")).unwrap();
    let (writers, saves) = (8, 15);
    let results: Vec<(u32, u32)> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..writers)
            .map(|w| {
                let url = db.url.clone();
                s.spawn(move || {
                    let mut pg = PgStore::open(&url).unwrap();
                    let (mut landed, mut refused) = (0, 0);
                    for n in 0..saves {
                        let seen = pg.customer(id).unwrap().version;
                        match pg.update_customer(id, seen, &edit(&format!("Acme {w}.{n}"))) {
                            Ok(()) => landed += 1,
                            Err(StoreError::Conflict(_)) => refused += 1,
                            Err(e) => panic!("writer {w}: {e}"),
                        }
                    }
                    (landed, refused)
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let landed: u32 = results.iter().map(|r| r.0).sum();
    let refused: u32 = results.iter().map(|r| r.1).sum();
    assert_eq!(landed + refused, writers * saves);
    assert!(landed > 0);
    let c = PgStore::open(&db.url).unwrap().customer(id).unwrap();
    assert_eq!(c.version, 1 + i64::from(landed), "every save that landed moved the version once");
    let updates: i64 =
        db.client().query_one("SELECT count(*) FROM audit_log WHERE action = 'update'", &[]).unwrap().get(0);
    assert_eq!(updates, i64::from(landed), "one audit entry per save that landed, none for a refused one");
}
