//! The store's reads on PostgreSQL equal SQLite's on the same books
//! (issue 21): the demo is copied into PostgreSQL as the app wrote it,
//! and for every customer the record, the page's figures (on two dates,
//! so every aging bucket and the 365-day window move), the figures as of
//! every day something changed and the day before it, and the ways of
//! naming a customer give the same values on both backends, refusals in
//! the same words.

mod support;

use ardesk::store::pg::PgStore;
use ardesk::store::{OpenMode, Store};
use chrono::NaiveDate;
use support::pg::demo_copy;

#[test]
fn every_customer_reads_the_same_on_both_backends() {
    let Some(db) = demo_copy() else { return };
    let lite = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    let pg = PgStore::open(&db.url).unwrap();
    assert_eq!(pg.organization().unwrap(), lite.organization().unwrap());
    let ids = lite.customer_ids().unwrap();
    assert_eq!(pg.customer_ids().unwrap(), ids);
    assert!(ids.len() >= 40, "{ids:?}");
    let days: Vec<NaiveDate> = ["2026-03-01", "2025-06-30"].iter().map(|d| d.parse().unwrap()).collect();
    let mut compared = 0;
    for id in &ids {
        let c = lite.customer(*id).unwrap();
        assert_eq!(pg.customer(*id).unwrap(), c, "customer {id}");
        for today in &days {
            let (a, b) = (lite.figures(&c, *today).unwrap(), pg.figures(&c, *today).unwrap());
            assert_eq!(b, a, "customer {id} ({}) on {today}", c.name);
            compared += 1;
        }
        if let (Some(source), Some(ext)) = (c.import_source, &c.external_id) {
            let spec = format!("{}:{ext}", source.as_db());
            assert_eq!(lite.resolve_customer(&spec).unwrap(), *id, "{spec}");
            for spec in [spec.as_str(), ext.as_str()] {
                assert_eq!(
                    pg.resolve_customer(spec).map_err(|e| e.to_string()),
                    lite.resolve_customer(spec).map_err(|e| e.to_string()),
                    "{spec}"
                );
            }
        }
    }
    assert_eq!(compared, ids.len() * days.len());
    // As of a past date: the same days on which something changed, and the
    // same figures as of each of them and the day before it.
    let mut dated = 0;
    for id in &ids {
        let c = lite.customer(*id).unwrap();
        let event_days = lite.event_days(*id).unwrap();
        assert_eq!(pg.event_days(*id).unwrap(), event_days, "customer {id}");
        for day in event_days.iter().flat_map(|d| [d.pred_opt().unwrap(), *d]) {
            let (a, b) = (lite.figures_as_of(&c, day).unwrap(), pg.figures_as_of(&c, day).unwrap());
            assert_eq!(b, a, "customer {id} ({}) as of {day}", c.name);
            assert_eq!(
                pg.metric_parts_as_of(*id, day).unwrap(),
                lite.metric_parts_as_of(*id, day).unwrap(),
                "customer {id} as of {day}"
            );
            dated += 1;
        }
    }
    assert!(dated > 1000, "{dated} customer-days compared");
    // The figures are not all zero: the comparison compared something.
    let moving = ids.iter().filter(|id| {
        let c = lite.customer(**id).unwrap();
        lite.figures(&c, days[0]).unwrap().own.aging_minor.iter().any(|m| *m != 0)
    });
    assert!(moving.count() > 10);
    // Refusals in the same words.
    for spec in ["999999", "stripe:cus_nobody", "nobody", "ledger:1", "  7  "] {
        assert_eq!(
            pg.resolve_customer(spec).map_err(|e| e.to_string()),
            lite.resolve_customer(spec).map_err(|e| e.to_string()),
            "{spec:?}"
        );
    }
    // The customers list, today and as of past dates.
    let today = support::TODAY.parse().unwrap();
    assert_eq!(pg.customer_list(today).unwrap(), lite.customer_list(today).unwrap());
    assert!(lite.customer_list(today).unwrap().iter().any(|r| r.broken_promises > 0 || r.overdue.minor > 0));
    let (mut lite, mut pg) = (lite, pg);
    for day in ["2025-06-30", "2026-01-15"] {
        let d = day.parse().unwrap();
        lite.set_as_of(Some(d)).unwrap();
        pg.set_as_of(Some(d)).unwrap();
        assert_eq!(pg.customer_list(today).unwrap(), lite.customer_list(today).unwrap(), "as of {day}");
    }
    lite.set_as_of(None).unwrap();
    pg.set_as_of(None).unwrap();
    // A write after the copy takes a new id.
    let new = pg
        .create_customer(&ardesk::domain::edit::CustomerEdit {
            name: "After the copy".into(),
            legal_name: String::new(),
            billing_email: String::new(),
            billing_address: String::new(),
            currency: ardesk::domain::Currency::USD,
            invoices_paused: false,
            portal: false,
        })
        .unwrap();
    assert!(new > *ids.iter().max().unwrap());
    let e = pg.customer(999_999).unwrap_err().to_string();
    assert_eq!(e, lite.customer(999_999).unwrap_err().to_string());
}
