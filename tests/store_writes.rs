//! Every write path: the rows it changes, its audit entry, and that a
//! refused write changes nothing. Two connections prove no lost update.

mod support;

use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::date::parse_date;
use ardesk::domain::edit::*;
use ardesk::domain::model::*;
use ardesk::domain::status::*;
use ardesk::store::seed::*;
use ardesk::store::{Books, OpenMode, StoreError};
use chrono::NaiveDate;
use support::backends::seed;

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

const TODAY: &str = "2026-03-01";

/// Acme (USD) with three open invoices of $100, $200, $300 due Jan, Feb,
/// Mar, one paid $50 invoice, one contract, two contacts.
fn fixture(books: &mut Books) -> &mut Books {
    seed(books, |store| {
        store.set_who("tester");
        let s = store.seeder().unwrap();
        let acme = s
            .customer(&NewCustomer {
                name: "Acme",
                legal_name: "Acme Ltd",
                billing_email: "ap@acme.example",
                currency: Currency::USD,
                import: None,
                invoices_paused: false,
                portal: false,
            })
            .unwrap();
        assert_eq!(acme, 1);
        let k = s
            .contract(&NewContract {
                customer_id: acme,
                name: "Support",
                kind: ContractKind::Recurring,
                status: ContractStatus::Active,
                period_start: d("2025-01-01"),
                period_end: None,
                value_minor: 120_000,
                currency: Currency::USD,
                payment_terms_days: 30,
                billing_frequency: Some(BillingFrequency::Monthly),
            })
            .unwrap();
        for (n, issue, total) in
            [("A-1", "2025-12-01", 10_000), ("A-2", "2026-01-01", 20_000), ("A-3", "2026-02-01", 30_000)]
        {
            s.invoice(&NewInvoice {
                customer_id: acme,
                contract_id: Some(k),
                number: n,
                issue_date: d(issue),
                due_date: d(issue) + chrono::Duration::days(30),
                period: None,
                currency: Currency::USD,
                total_minor: total,
                status: InvoiceStatus::Open,
            })
            .unwrap();
        }
        let paid = s
            .invoice(&NewInvoice {
                customer_id: acme,
                contract_id: None,
                number: "A-0",
                issue_date: d("2025-11-01"),
                due_date: d("2025-11-30"),
                period: None,
                currency: Currency::USD,
                total_minor: 5_000,
                status: InvoiceStatus::Open,
            })
            .unwrap();
        let p = s
            .payment(&NewPayment {
                customer_id: acme,
                received_on: d("2025-11-20"),
                amount_minor: 5_000,
                refunded_minor: 0,
                currency: Currency::USD,
                reference: "W-1",
                status: PaymentStatus::Succeeded,
                method: PaymentMethod::Manual,
            })
            .unwrap();
        s.apply(paid, AppliedFrom::Payment(p), 5_000, d("2025-11-20")).unwrap();
        s.set_invoice_status(paid, InvoiceStatus::Paid).unwrap();
        s.contact(&NewContact { customer_id: acme, name: "Jane", email: "jane@acme.example", phone: "", role: "AP" })
            .unwrap();
        s.contact(&NewContact { customer_id: acme, name: "Sam", email: "", phone: "", role: "" }).unwrap();
        s.commit().unwrap();
    });
    books
}

fn today() -> NaiveDate {
    d(TODAY)
}

fn figures(store: &Books) -> ardesk::store::CustomerFigures {
    store.figures(&store.customer(1).unwrap(), today()).unwrap()
}

fn activity(store: &Books) -> Vec<String> {
    store
        .window::<ActivityRow>(1, Sort::default_for(Tab::Activity), &Seek::First, 100)
        .unwrap()
        .into_iter()
        .map(|k| format!("{}: {}", k.row.who, k.row.summary))
        .collect()
}

fn invoices(store: &Books) -> Vec<InvoiceRow> {
    store
        .window::<InvoiceRow>(1, Sort::default_for(Tab::Invoices), &Seek::First, 100)
        .unwrap()
        .into_iter()
        .map(|k| k.row)
        .collect()
}

fn by_number<'a>(rows: &'a [InvoiceRow], n: &str) -> &'a InvoiceRow {
    rows.iter().find(|r| r.number == n).unwrap()
}

fn consistent(store: &Books) {
    assert_eq!(store.check(today()).unwrap(), Vec::<String>::new());
}

fn draft(number: &str, total: i64) -> InvoiceDraft {
    InvoiceDraft {
        memo: String::new(),
        lines: Vec::new(),
        contract_id: None,
        number: number.into(),
        issue_date: d("2026-02-20"),
        due_date: d("2026-03-22"),
        period: None,
        total_minor: total,
        currency: Currency::USD,
        status: InvoiceStatus::Open,
    }
}

fn invoice_id(store: &Books, number: &str) -> i64 {
    by_number(&invoices(store), number).id
}

on_both! {
fn create_invoice_updates_figures_and_audit(books: &mut Books) {
    let store = fixture(books);
    let before = figures(store).metrics.outstanding.minor;
    let number = store.next_invoice_number().unwrap();
    assert_eq!(number, "INV-000001");
    store.create_invoice(1, &draft(&number, 12_345)).unwrap();
    assert_eq!(figures(store).metrics.outstanding.minor, before + 12_345);
    assert_eq!(store.next_invoice_number().unwrap(), "INV-000002", "the sequence moves past a used number");
    assert!(
        activity(store)[0].starts_with("tester: created open invoice INV-000001 for $123.45"),
        "{:?}",
        activity(store)
    );
    consistent(store);
}

fn bad_invoices_are_refused_and_change_nothing(books: &mut Books) {
    let store = fixture(books);
    let before = (figures(store), activity(store).len());
    let dup = store.create_invoice(1, &draft("A-1", 100)).unwrap_err();
    assert_eq!(dup.to_string(), "invoice number A-1 is already used");
    let mut early = draft("X-1", 100);
    early.due_date = d("2026-01-01");
    assert!(store.create_invoice(1, &early).unwrap_err().to_string().contains("before the issue date"));
    let mut euro = draft("X-2", 100);
    euro.currency = Currency::EUR;
    assert!(store.create_invoice(1, &euro).unwrap_err().to_string().contains("in USD"));
    assert!(store.create_invoice(1, &draft("X-3", 0)).is_err());
    assert!(matches!(store.create_invoice(99, &draft("X-4", 100)), Err(StoreError::NotFound(_))));
    assert_eq!((figures(store), activity(store).len()), before);
}

fn cancel_selected_refuses_paid_and_partial_with_reasons(books: &mut Books) {
    let store = fixture(books);
    // Part-pay A-2 so it is partially paid.
    store
        .record_payment(
            1,
            &PaymentDraft {
                received_on: d("2026-02-10"),
                amount_minor: 5_000,
                currency: Currency::USD,
                reference: "P".into(),
                allocation: Allocation::Invoices(vec![invoice_id(store, "A-2")]),
            },
        )
        .unwrap();
    let ids: Vec<i64> = ["A-0", "A-1", "A-2", "A-3"].iter().map(|n| invoice_id(store, n)).collect();
    let preview = store.cancel_preview(1, &ids).unwrap();
    assert_eq!(preview.cancel.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(), vec!["A-1", "A-3"]);
    assert_eq!(
        preview.refused,
        vec![
            ("A-0".to_string(), "paid".to_string()),
            ("A-2".to_string(), "partially paid: $50.00 applied".to_string())
        ]
    );
    assert_eq!(preview.currency_totals, vec![(Currency::USD, 40_000)]);
    let before = figures(store).metrics.outstanding.minor;
    let done = store.cancel_invoices(1, &ids, d("2026-03-01")).unwrap();
    assert_eq!(done.cancel.len(), 2);
    assert_eq!(figures(store).metrics.outstanding.minor, before - 40_000);
    let rows = invoices(store);
    assert_eq!(by_number(&rows, "A-1").status, InvoiceStatus::Cancelled);
    assert_eq!(by_number(&rows, "A-2").status, InvoiceStatus::Open);
    let log = activity(store);
    assert!(
        log.contains(&"tester: cancelled invoice A-1".to_string())
            && log.contains(&"tester: cancelled invoice A-3".to_string())
    );
    // Again: nothing left to cancel.
    assert!(store.cancel_preview(1, &ids).unwrap().cancel.is_empty());
    consistent(store);
}

/// A bulk cancel and a bulk write-off of many invoices (one statement each
/// on a server): every chosen invoice changed, an audit entry each, in the
/// order of the plan and at one time, the figures moved by the sum, and
/// the summaries still the rows' (`check`).
fn bulk_cancel_and_write_off_audit_each_invoice_in_order(books: &mut Books) {
    let store = fixture(books);
    let ids: Vec<i64> = (1..=250).map(|n| store.create_invoice(1, &draft(&format!("B-{n:03}"), 100 + n)).unwrap()).collect();
    let (cancel, write_off) = ids.split_at(150);
    let before = figures(store).metrics.outstanding.minor;
    let done = store.cancel_invoices(1, cancel, d("2026-03-01")).unwrap();
    assert_eq!(done.cancel.len(), 150);
    let off = store.write_off(1, write_off, d("2026-03-01"), "bulk test").unwrap();
    assert_eq!(off.write_off.len(), 100);
    let sum = |ns: std::ops::RangeInclusive<i64>| ns.map(|n| 100 + n).sum::<i64>();
    assert_eq!(figures(store).metrics.outstanding.minor, before - sum(1..=250));
    let statuses = support::backends::texts(
        store,
        "SELECT status, count(*) FROM invoices WHERE number LIKE 'B-%' GROUP BY status ORDER BY status",
    );
    assert_eq!(
        statuses,
        vec![
            vec![Some("cancelled".to_string()), Some("150".to_string())],
            vec![Some("uncollectible".to_string()), Some("100".to_string())]
        ]
    );
    let logged = support::backends::texts(
        store,
        "SELECT summary, entity_id, at FROM audit_log WHERE action IN ('cancel', 'write_off') ORDER BY id",
    );
    let planned: Vec<i64> =
        done.cancel.iter().map(|c| c.0).chain(off.write_off.iter().map(|w| w.0)).collect();
    let ids_logged: Vec<i64> = logged.iter().map(|r| r[1].as_deref().unwrap().parse().unwrap()).collect();
    assert_eq!(ids_logged, planned);
    assert_eq!(logged[..150].iter().map(|r| r[2].clone()).collect::<std::collections::BTreeSet<_>>().len(), 1);
    assert_eq!(logged[150..].iter().map(|r| r[2].clone()).collect::<std::collections::BTreeSet<_>>().len(), 1);
    let said: Vec<String> = logged[..150].iter().map(|r| r[0].clone().unwrap()).collect();
    let meant: Vec<String> = done.cancel.iter().map(|c| format!("cancelled invoice {}", c.1)).collect();
    assert_eq!(said, meant);
    consistent(store);
}

/// A selection that names an invoice more than once cancels (or writes
/// off) it once, with one audit entry, on either backend: SQLite used to
/// find it "changed while cancelling" by its own first update and refuse
/// the whole write, while PostgreSQL's one statement went through.
fn an_invoice_picked_twice_is_cancelled_once(books: &mut Books) {
    let store = fixture(books);
    let ids: Vec<i64> = (1..=3).map(|n| store.create_invoice(1, &draft(&format!("T-{n}"), 1_000 * n)).unwrap()).collect();
    let before = figures(store).metrics.outstanding.minor;
    let picked = [ids[0], ids[1], ids[0], ids[1], ids[0]];
    let plan = store.cancel_preview(1, &picked).unwrap();
    assert_eq!(plan.cancel.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(), ["T-1", "T-2"]);
    assert_eq!(plan.currency_totals, vec![(Currency::USD, 3_000)]);
    let done = store.cancel_invoices(1, &picked, d("2026-03-01")).unwrap();
    assert_eq!(done.cancel.len(), 2);
    let off = store.write_off(1, &[ids[2], ids[2]], d("2026-03-01"), "twice").unwrap();
    assert_eq!(off.write_off.len(), 1);
    assert_eq!(figures(store).metrics.outstanding.minor, before - 6_000);
    let logged = support::backends::texts(
        store,
        "SELECT action, count(*) FROM audit_log WHERE action IN ('cancel', 'write_off') GROUP BY action ORDER BY action",
    );
    assert_eq!(
        logged,
        vec![
            vec![Some("cancel".to_string()), Some("2".to_string())],
            vec![Some("write_off".to_string()), Some("1".to_string())]
        ]
    );
    consistent(store);
}

fn payment_oldest_first_with_overpayment_becomes_credit(books: &mut Books) {
    let store = fixture(books);
    let out = store
        .record_payment(
            1,
            &PaymentDraft {
                received_on: d("2026-02-25"),
                amount_minor: 35_000,
                currency: Currency::USD,
                reference: "WIRE-9".into(),
                allocation: Allocation::OldestFirst,
            },
        )
        .unwrap();
    // 100 to A-1, 200 to A-2, 50 of 300 to A-3.
    assert_eq!(out.applied, vec![("A-1".into(), 10_000), ("A-2".into(), 20_000), ("A-3".into(), 5_000)]);
    assert_eq!(out.unapplied_minor, 0);
    let rows = invoices(store);
    assert_eq!(by_number(&rows, "A-1").status, InvoiceStatus::Paid);
    assert_eq!(by_number(&rows, "A-3").display_status(today()), DisplayStatus::PartiallyPaid);
    let out = store
        .record_payment(
            1,
            &PaymentDraft {
                received_on: d("2026-02-26"),
                amount_minor: 30_000,
                currency: Currency::USD,
                reference: "WIRE-10".into(),
                allocation: Allocation::OldestFirst,
            },
        )
        .unwrap();
    assert_eq!(out.unapplied_minor, 5_000);
    let f = figures(store);
    assert_eq!(f.metrics.outstanding.minor, 0);
    assert_eq!(f.metrics.credit_balance.minor, 5_000);
    assert_eq!(f.metrics.total_collected.minor, 5_000 + 35_000 + 30_000);
    assert!(activity(store)[0].contains("recorded payment WIRE-10 of $300.00: A-3 $250.00, $50.00 unapplied"));
    consistent(store);
}

fn payment_to_chosen_invoices_in_order_and_refusals(books: &mut Books) {
    let store = fixture(books);
    let (a1, a3) = (invoice_id(store, "A-1"), invoice_id(store, "A-3"));
    let out = store
        .record_payment(
            1,
            &PaymentDraft {
                received_on: d("2026-02-25"),
                amount_minor: 32_000,
                currency: Currency::USD,
                reference: String::new(),
                allocation: Allocation::Invoices(vec![a3, a1]),
            },
        )
        .unwrap();
    assert_eq!(out.applied, vec![("A-3".into(), 30_000), ("A-1".into(), 2_000)]);
    let paid = invoice_id(store, "A-0");
    let err = store
        .record_payment(
            1,
            &PaymentDraft {
                received_on: d("2026-02-25"),
                amount_minor: 100,
                currency: Currency::USD,
                reference: String::new(),
                allocation: Allocation::Invoices(vec![paid]),
            },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "A-0 is paid: money goes only to open invoices");
    consistent(store);
}

fn contacts_create_edit_delete_and_move_primary(books: &mut Books) {
    let store = fixture(books);
    let contacts = |s: &Books| -> Vec<ContactRow> {
        s.window::<ContactRow>(1, Sort::default_for(Tab::Contacts), &Seek::First, 10)
            .unwrap()
            .into_iter()
            .map(|k| k.row)
            .collect()
    };
    let bad = ContactDraft { name: "Bob".into(), email: "bob@".into(), phone: "".into(), role: "".into() };
    assert!(store.create_contact(1, &bad).unwrap_err().to_string().contains("not an email address"));
    let id = store
        .create_contact(
            1,
            &ContactDraft {
                name: "Zoe".into(),
                email: "zoe@acme.example".into(),
                phone: "+1 415 555 0199".into(),
                role: "CFO".into(),
            },
        )
        .unwrap();
    let rows = contacts(store);
    assert_eq!(rows.iter().filter(|c| c.primary).count(), 1);
    assert_eq!(rows.iter().find(|c| c.primary).unwrap().name, "Jane");
    store.make_primary(1, id).unwrap();
    let rows = contacts(store);
    assert_eq!(rows.iter().filter(|c| c.primary).map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["Zoe"]);
    let zoe = rows.iter().find(|c| c.name == "Zoe").unwrap().clone();
    let err = store.delete_contact(zoe.id, zoe.version).unwrap_err();
    assert!(err.to_string().contains("make another contact primary first"));
    let jane = rows.iter().find(|c| c.name == "Jane").unwrap().clone();
    store
        .update_contact(
            jane.id,
            jane.version,
            &ContactDraft {
                name: "Jane Doe".into(),
                email: jane.email.clone(),
                phone: String::new(),
                role: "AP".into(),
            },
        )
        .unwrap();
    store.delete_contact(jane.id, jane.version + 1).unwrap();
    assert_eq!(contacts(store).len(), 2);
    assert!(activity(store).iter().any(|a| a == "tester: made Zoe the primary contact"));
    consistent(store);
}

fn contracts_edit_end_cancel_and_delete_rules(books: &mut Books) {
    let store = fixture(books);
    let k = store.contracts_for(1).unwrap()[0].clone();
    let err = store.delete_contract(k.id, k.version).unwrap_err();
    assert_eq!(err.to_string(), "contract Support has 3 invoices; cancel or end it instead");
    // Issue 14 defect 9: an end after today sets the date and leaves the
    // contract active until then; shown ended once the day has passed.
    store.end_contract(k.id, k.version, d("2026-06-30"), d("2026-03-01")).unwrap();
    let k1 = store.contract(k.id).unwrap();
    assert_eq!((k1.status, k1.period_end), (ContractStatus::Active, Some(d("2026-06-30"))));
    assert_eq!(k1.shown_status(d("2026-06-30")), ContractStatus::Active, "its last day");
    assert_eq!(k1.shown_status(d("2026-07-01")), ContractStatus::Ended);
    let named = |filter: &str, today: &str| -> Vec<String> {
        let view = ardesk::store::window::View {
            sort: Sort::default_for(Tab::Contracts),
            filter: ardesk::domain::filter::parse(filter, Tab::Contracts, Currency::USD).unwrap(),
            today: d(today),
        };
        store.window_view::<ContractRow>(1, &view, &Seek::First, 50).unwrap().into_iter().map(|k| k.row.name).collect()
    };
    assert_eq!(named("status:active name:support", "2026-06-30"), ["Support"]);
    assert!(named("status:ended name:support", "2026-06-30").is_empty());
    assert_eq!(named("status:ended name:support", "2026-07-01"), ["Support"], "the filter reads as the screen");
    assert!(named("status:active name:support", "2026-07-01").is_empty());
    let k = k1;
    store.end_contract(k.id, k.version, d("2026-06-30"), d("2026-06-30")).unwrap();
    let k2 = store.contract(k.id).unwrap();
    assert_eq!((k2.status, k2.period_end), (ContractStatus::Ended, Some(d("2026-06-30"))));
    // Ended, it is not told to end: it stays with its invoices.
    assert_eq!(
        store.contract_kept_by(k.id).unwrap().as_deref(),
        Some("contract Support has 3 invoices; it stays with them")
    );
    // An ended contract takes no new invoices (issue 14 defect 4); none is
    // written.
    let before = store.contract(k.id).unwrap();
    let on_ended = InvoiceDraft { contract_id: Some(k.id), ..draft("E-1", 100) };
    let err = store.create_invoice(1, &on_ended).unwrap_err();
    assert_eq!(
        err.to_string(),
        "contract Support has ended: no new invoices are made under it (choose no contract for a charge that is \
         still owed)"
    );
    assert_eq!(store.contract(k.id).unwrap(), before);
    store.create_invoice(1, &draft("E-1", 100)).unwrap();
    assert!(matches!(store.cancel_contract(k.id, k.version), Err(StoreError::Conflict(_))), "stale version");
    let id = store
        .create_contract(
            1,
            &ContractDraft {
                name: "Setup".into(),
                kind: ContractKind::OneTime,
                status: ContractStatus::Active,
                period_start: d("2026-03-01"),
                period_end: Some(d("2026-03-31")),
                value_minor: 50_000,
                currency: Currency::USD,
                payment_terms_days: 15,
                billing_frequency: None,
            },
        )
        .unwrap();
    let mut bad = ContractDraft {
        name: "Setup".into(),
        kind: ContractKind::OneTime,
        status: ContractStatus::Active,
        period_start: d("2026-03-01"),
        period_end: None,
        value_minor: 50_000,
        currency: Currency::USD,
        payment_terms_days: 15,
        billing_frequency: None,
    };
    assert!(store.update_contract(id, 1, &bad).unwrap_err().to_string().contains("needs an end date"));
    bad.period_end = Some(d("2026-02-01"));
    assert!(store.update_contract(id, 1, &bad).unwrap_err().to_string().contains("before it starts"));
    store.delete_contract(id, 1).unwrap();
    assert!(store.contract(id).is_err());
    consistent(store);
}

fn customer_edit_and_currency_rule(books: &mut Books) {
    let store = fixture(books);
    let c = store.customer(1).unwrap();
    let mut e = CustomerEdit {
        name: "Acme Corp".into(),
        legal_name: c.legal_name.clone(),
        billing_email: c.billing_email.clone(),
        billing_address: String::new(),
        currency: Currency::EUR,
        invoices_paused: true,
        portal: true,
    };
    let err = store.update_customer(1, c.version, &e).unwrap_err();
    assert!(err.to_string().contains("the currency cannot change"));
    e.currency = Currency::USD;
    store.update_customer(1, c.version, &e).unwrap();
    let c2 = store.customer(1).unwrap();
    assert_eq!((c2.name.as_str(), c2.invoices_paused, c2.portal, c2.version), ("Acme Corp", true, true, c.version + 1));
    assert!(
        activity(store)[0].contains(
            "edited customer: name \"Acme\" → \"Acme Corp\", invoices_paused false → true, portal false → true"
        ),
        "{:?}",
        activity(store)
    );
}

fn two_processes_never_overwrite_each_other(books: &mut Books) {
    let a = fixture(books);
    let mut b = Books::open(&a.location(), OpenMode::MustExist).unwrap();
    let seen_a = a.customer(1).unwrap();
    let seen_b = b.customer(1).unwrap();
    let edit = |name: &str| CustomerEdit {
        name: name.into(),
        legal_name: String::new(),
        billing_email: String::new(),
        billing_address: String::new(),
        currency: Currency::USD,
        invoices_paused: false,
        portal: false,
    };
    a.update_customer(1, seen_a.version, &edit("From A")).unwrap();
    let err = b.update_customer(1, seen_b.version, &edit("From B")).unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)));
    assert!(err.to_string().starts_with("changed elsewhere — reload"), "{err}");
    assert_eq!(b.customer(1).unwrap().name, "From A");
    // Contacts too.
    let row = |s: &Books| {
        s.window::<ContactRow>(1, Sort::default_for(Tab::Contacts), &Seek::First, 1).unwrap()[0].row.clone()
    };
    let (ca, cb) = (row(a), row(&b));
    let draft =
        |n: &str| ContactDraft { name: n.into(), email: String::new(), phone: String::new(), role: String::new() };
    a.update_contact(ca.id, ca.version, &draft("Jane A")).unwrap();
    assert!(matches!(b.update_contact(cb.id, cb.version, &draft("Jane B")), Err(StoreError::Conflict(_))));
    assert_eq!(row(&b).name, "Jane A");
}
}

/// SQLite's only: a file's `data_version` moves at once for any commit of
/// another connection. A server's moves only for what the session watches
/// (`Books::watch`), once the server's notification has arrived, which the
/// app polls for: `tests/pg_live.rs` tests that.
#[test]
fn the_other_process_notices_the_commit_cheaply() {
    let (_held, mut books) = support::backends::sqlite();
    let a = fixture(&mut books);
    let b = Books::open(&a.location(), OpenMode::MustExist).unwrap();
    let seen_a = a.customer(1).unwrap();
    let edit = |name: &str| CustomerEdit {
        name: name.into(),
        legal_name: String::new(),
        billing_email: String::new(),
        billing_address: String::new(),
        currency: Currency::USD,
        invoices_paused: false,
        portal: false,
    };
    let v = b.data_version().unwrap();
    a.update_customer(1, seen_a.version, &edit("Again")).unwrap();
    assert_ne!(b.data_version().unwrap(), v);
}
