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
        .query("SELECT entity, action, summary, before_json, after_json FROM audit_log ORDER BY audit_log.id", &[])
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
    let mut stmt = c
        .prepare("SELECT entity, action, summary, before_json, after_json FROM audit_log ORDER BY audit_log.id")
        .unwrap();
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
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    assert_eq!(PgStore::open(&db.url).unwrap().check(today).unwrap(), Vec::<String>::new());
}

fn invoice(number: &str, issued: &str, due: &str, total: i64) -> ardesk::domain::edit::InvoiceDraft {
    ardesk::domain::edit::InvoiceDraft {
        contract_id: None,
        number: number.into(),
        issue_date: issued.parse().unwrap(),
        due_date: due.parse().unwrap(),
        period: None,
        total_minor: total,
        currency: "USD".parse().unwrap(),
        status: ardesk::domain::status::InvoiceStatus::Open,
        memo: "net 30".into(),
        lines: Vec::new(),
    }
}

fn payment(on: &str, amount: i64, allocation: ardesk::domain::edit::Allocation) -> ardesk::domain::edit::PaymentDraft {
    ardesk::domain::edit::PaymentDraft {
        received_on: on.parse().unwrap(),
        amount_minor: amount,
        currency: "USD".parse().unwrap(),
        reference: " wire 42 ".into(),
        allocation,
    }
}

/// The load benchmark's writes (create an invoice, record a payment oldest
/// due first or to chosen invoices, cancel invoices in bulk) on both
/// backends: the same outcomes, refusals, open invoices, figures and
/// audit log.
#[test]
fn invoices_payments_and_cancels_as_on_sqlite() {
    use ardesk::domain::edit::Allocation;
    let Some(db) = fresh() else { return };
    let mut pg = PgStore::open(&db.url).unwrap();
    let mut lite = Store::open_in_memory().unwrap();
    pg.set_who("bo");
    lite.set_who("bo");
    let c = pg.create_customer(&edit("Acme")).unwrap();
    assert_eq!(lite.create_customer(&edit("Acme")).unwrap(), c);
    let mut ids = Vec::new();
    for (n, issued, due, total) in [
        ("", "2026-01-01", "2026-01-31", 10_000),
        ("", "2026-02-01", "2026-03-03", 25_050),
        ("X-7", "2026-02-10", "2026-02-20", 4_000),
        ("", "2026-03-01", "2026-03-31", 99_999),
    ] {
        let number = if n.is_empty() { pg.next_invoice_number().unwrap() } else { n.to_string() };
        let d = invoice(&number, issued, due, total);
        let (a, b) = (pg.create_invoice(c, &d).unwrap(), lite.create_invoice(c, &d).unwrap());
        assert_eq!(a, b);
        ids.push(a);
    }
    assert_eq!(pg.next_invoice_number().unwrap(), lite.next_invoice_number().unwrap());
    // Refusals in the same words.
    for d in [invoice("X-7", "2026-01-01", "2026-01-02", 5), invoice("Y-1", "2026-01-05", "2026-01-01", 5)] {
        let (a, b) = (pg.create_invoice(c, &d).unwrap_err(), lite.create_invoice(c, &d).unwrap_err());
        assert_eq!(a.to_string(), b.to_string());
    }
    let cur = "USD".parse().unwrap();
    assert_eq!(pg.open_invoices(c, cur, 10).unwrap(), lite.open_invoices(c, cur, 10).unwrap());
    let pays = [
        payment("2026-02-15", 12_000, Allocation::OldestFirst),
        payment("2026-03-02", 4_000, Allocation::Invoices(vec![ids[2]])),
        payment("2026-03-05", 500_000, Allocation::OldestFirst),
    ];
    for p in &pays {
        assert_eq!(pg.record_payment(c, p).unwrap(), lite.record_payment(c, p).unwrap());
    }
    for p in [
        payment("2026-03-06", 1, Allocation::Invoices(vec![ids[2]])),
        payment("2026-03-06", 0, Allocation::OldestFirst),
        payment("2026-03-06", 1, Allocation::Invoices(vec![999])),
    ] {
        let (a, b) = (pg.record_payment(c, &p).unwrap_err(), lite.record_payment(c, &p).unwrap_err());
        assert_eq!(a.to_string(), b.to_string());
    }
    // Everything is paid now but for what the big payment left as credit:
    // new invoices to cancel, one of them part paid by a chosen payment.
    let more: Vec<i64> = (0..3)
        .map(|k| {
            let d = invoice(&pg.next_invoice_number().unwrap(), "2026-03-10", "2026-04-09", 1_000 + k);
            let a = pg.create_invoice(c, &d).unwrap();
            assert_eq!(lite.create_invoice(c, &d).unwrap(), a);
            a
        })
        .collect();
    let part = payment("2026-03-11", 300, Allocation::Invoices(vec![more[1]]));
    assert_eq!(pg.record_payment(c, &part).unwrap(), lite.record_payment(c, &part).unwrap());
    let on: chrono::NaiveDate = "2026-03-12".parse().unwrap();
    let wanted = [more[0], more[1], more[2], ids[0], 999];
    assert_eq!(pg.cancel_preview(c, &wanted).unwrap(), lite.cancel_preview(c, &wanted).unwrap());
    let done = pg.cancel_invoices(c, &wanted, on).unwrap();
    assert_eq!(done, lite.cancel_invoices(c, &wanted, on).unwrap());
    assert_eq!(done.cancel.len(), 2, "{done:?}");
    assert_eq!(done.refused.len(), 3, "part paid, paid, not the customer's: {done:?}");
    // The same books.
    let customer = lite.customer(c).unwrap();
    for today in ["2026-03-12", "2026-06-30"] {
        let today = today.parse().unwrap();
        assert_eq!(pg.figures(&customer, today).unwrap(), lite.figures(&customer, today).unwrap());
    }
    assert_eq!(pg.open_invoices(c, cur, 10).unwrap(), lite.open_invoices(c, cur, 10).unwrap());
    assert_eq!(audit_pg(&db), audit_lite(&lite));
    // The summaries the triggers kept agree with the rows, as on SQLite.
    assert_eq!(pg.check(on).unwrap(), Vec::<String>::new());
    assert_eq!(lite.check(on).unwrap(), Vec::<String>::new());
}
