//! A team on one host, the short form CI runs (issue 19): a few seconds of
//! TUIs in tmux with the live view on and writer processes recording
//! payments, creating and cancelling invoices on the same customers. No
//! update is lost, every TUI shows every change, `ardesk check` is clean;
//! on a SQLite file and, when `ARDESK_TEST_PG` names a cluster (`bash .ci/pg
//! start`), on a PostgreSQL database. The full form, with the figures README gives: `cargo bench --bench
//! team_load`. Needs tmux (CI installs it).

#[path = "common/load.rs"]
mod load;

use ardesk::domain::edit::{Allocation, InvoiceDraft, PaymentDraft};
use ardesk::domain::status::InvoiceStatus;
use chrono::NaiveDate;
use std::time::Duration;

const NAME: &str = "a_team_on_one_host_loses_no_update";
const NAME_PG: &str = "a_team_on_postgresql_loses_no_update";

#[test]
fn a_team_on_one_host_loses_no_update() {
    if load::writer_role() {
        load::writer_main();
        return;
    }
    short_form(load::Backend::Sqlite, NAME);
}

/// The same on a fresh database of the test cluster (`ARDESK_TEST_PG`):
/// the TUIs listen for their customer, the writers and the checks connect.
#[test]
fn a_team_on_postgresql_loses_no_update() {
    if load::writer_role() {
        load::writer_main();
        return;
    }
    let Some(backend) = load::Backend::test_cluster() else { return };
    short_form(backend, NAME_PG);
}

/// A few seconds of a few TUIs and writers; `name` is the test, which the
/// writers run again as themselves.
fn short_form(backend: load::Backend, name: &'static str) {
    let cfg = load::Config::from_env(load::Config {
        duration: Duration::from_secs(4),
        tuis: 4,
        writers: 6,
        writes_per_sec: 5,
        customers: 3,
        backend,
    });
    let report = load::run(&cfg, env!("CARGO_BIN_EXE_ardesk").as_ref(), || {
        let mut c = std::process::Command::new(std::env::current_exe().unwrap());
        c.args(["--exact", name, "--nocapture", "--test-threads=1"]);
        c
    });
    println!("{}", report.table());
    assert!(report.lost.is_empty(), "lost updates: {:#?}", report.lost);
    assert!(report.errors.is_empty(), "failed writes: {:#?}", report.errors);
    assert!(report.check_ok, "ardesk check: {}", report.check_output);
    // The writers did write, of every kind, at about their pace (a noisy
    // machine gets half of it).
    let expected = cfg.writers * cfg.writes_per_sec as usize * cfg.duration.as_secs() as usize;
    assert!(report.committed() >= expected / 2, "{} writes of {expected}", report.committed());
    assert!(report.invoices > 0 && report.payments > 0 && report.cancel_calls > 0, "every kind of write ran");
    // Every TUI saw every probe; latencies are printed, bounded only loosely.
    assert!(report.probes >= 2, "{} probes", report.probes);
    for (i, (seen, missed)) in report.seen.iter().enumerate() {
        assert_eq!((*seen, *missed), (report.probes, 0), "TUI {i} saw {seen} of {} changes", report.probes);
    }
    let (_, _, worst) = load::quantiles(&report.reload).unwrap();
    assert!(worst < Duration::from_secs(3), "a TUI took {worst:?} to show a change");
    let (_, p99, _) = load::quantiles(&report.save).unwrap();
    assert!(p99 < Duration::from_secs(2), "save p99 {p99:?}");
}

/// The count of lost updates can be other than 0: a write reported but not
/// there as reported, and a row no writer reported, are each one.
#[test]
fn a_lost_or_unreported_write_is_counted() {
    lost_or_unreported(load::Backend::Sqlite);
}

#[test]
fn a_lost_or_unreported_write_is_counted_on_postgresql() {
    if let Some(backend) = load::Backend::test_cluster() {
        lost_or_unreported(backend);
    }
}

fn lost_or_unreported(backend: load::Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = load::Database::new(&backend, dir.path());
    db.demo(env!("CARGO_BIN_EXE_ardesk").as_ref());
    let mut conn = db.reader();
    let before = load::Before::read(&mut conn);
    let today: NaiveDate = load::TODAY.parse().unwrap();
    let mut store = db.books();
    let c = 1;
    let cur = store.customer(c).unwrap().currency;
    let draft = |number: &str| InvoiceDraft {
        contract_id: None,
        number: number.into(),
        issue_date: today,
        due_date: today,
        period: None,
        total_minor: 12_345,
        currency: cur,
        status: InvoiceStatus::Open,
        memo: String::new(),
        lines: Vec::new(),
    };
    let a = store.create_invoice(c, &draft("LT-1")).unwrap();
    let b = store.create_invoice(c, &draft("LT-2")).unwrap();
    let pay = PaymentDraft {
        received_on: today,
        amount_minor: 2_000,
        currency: cur,
        reference: String::new(),
        allocation: Allocation::Invoices(vec![a]),
    };
    let p = store.record_payment(c, &pay).unwrap();
    assert_eq!(p.applied, vec![("LT-1".to_string(), 2_000)]);
    let cancelled = store.cancel_invoices(c, &[b], today).unwrap();
    assert_eq!(cancelled.cancel.len(), 1);

    let invoice = |id: i64, n: &str, total: i64| format!("invoice\t900\t{id}\t{c}\t{n}\t{total}");
    let payment = |amount: i64, applied: &str| format!("payment\t900\t{}\t{c}\t{amount}\t0\t{applied}", p.payment_id);
    let cancel = |id: i64| format!("cancel\t900\t{c}\t0\t{id}");
    let log = |lines: &[String]| lines.join("\n");
    let all = [invoice(a, "LT-1", 12_345), invoice(b, "LT-2", 12_345), payment(2_000, "LT-1=2000"), cancel(b)];
    assert_eq!(load::lost_in(&mut conn, &log(&all), &before), Vec::<String>::new(), "as written: nothing lost");

    let mut wrong_total = all.clone();
    wrong_total[0] = invoice(a, "LT-1", 12_346);
    assert_eq!(load::lost_in(&mut conn, &log(&wrong_total), &before).len(), 1, "an invoice not as written");
    let mut wrong_spread = all.clone();
    wrong_spread[2] = payment(2_000, "LT-2=2000");
    assert_eq!(load::lost_in(&mut conn, &log(&wrong_spread), &before).len(), 1, "a payment applied elsewhere");
    let lost = load::lost_in(&mut conn, &log(&all[..2]), &before);
    assert_eq!(lost.len(), 2, "a payment and a cancel nobody reported: {lost:?}");
    let mut not_cancelled = all.clone();
    not_cancelled[3] = cancel(a);
    let lost = load::lost_in(&mut conn, &log(&not_cancelled), &before);
    assert_eq!(lost.len(), 2, "cancelled the wrong one: {lost:?}");
}
