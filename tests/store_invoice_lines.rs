//! An invoice's lines and memo through the store: created with the
//! invoice, refused when they do not make its total, a draft's every field
//! edited (its lines replaced), a draft issued under its number, the memo
//! of any invoice changed; each at the version the person saw, with an
//! audit row, and nothing half-written when refused.

mod support;

use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::date::parse_date;
use ardesk::domain::edit::InvoiceDraft;
use ardesk::domain::lines::{Line, LineKind};
use ardesk::domain::model::ActivityRow;
use ardesk::domain::status::*;
use ardesk::store::seed::*;
use ardesk::store::{Books, Store, StoreError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;
use support::backends::{number, seed, text, texts};

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Acme (USD) with one paid invoice P-1 of $50.
fn books(books: &mut Books) -> (&mut Books, i64) {
    let acme = seed(books, fixture);
    (books, acme)
}

fn fixture(store: &mut Store) -> i64 {
    store.set_who("tester");
    let s = store.seeder().unwrap();
    let acme = s
        .customer(&NewCustomer {
            name: "Acme",
            legal_name: "",
            billing_email: "",
            currency: Currency::USD,
            import: None,
            invoices_paused: false,
            portal: false,
        })
        .unwrap();
    let paid = s
        .invoice(&NewInvoice {
            customer_id: acme,
            contract_id: None,
            number: "P-1",
            issue_date: d("2026-01-01"),
            due_date: d("2026-01-31"),
            period: None,
            currency: Currency::USD,
            total_minor: 5_000,
            status: InvoiceStatus::Open,
        })
        .unwrap();
    let p = s
        .payment(&NewPayment {
            customer_id: acme,
            received_on: d("2026-01-10"),
            amount_minor: 5_000,
            refunded_minor: 0,
            currency: Currency::USD,
            reference: "W-1",
            status: PaymentStatus::Succeeded,
            method: PaymentMethod::Manual,
        })
        .unwrap();
    s.apply(paid, AppliedFrom::Payment(p), 5_000, d("2026-01-10")).unwrap();
    s.set_invoice_status(paid, InvoiceStatus::Paid).unwrap();
    s.commit().unwrap();
    acme
}

fn seats(qty: &str, price: &str, amount: i64) -> Line {
    Line {
        kind: LineKind::Item,
        description: "Seats".into(),
        quantity: Some(dec(qty)),
        unit_price: Some(dec(price)),
        amount_minor: amount,
        tax_minor: None,
    }
}

fn discount(amount: i64) -> Line {
    Line {
        kind: LineKind::Discount,
        description: "Loyalty".into(),
        quantity: None,
        unit_price: None,
        amount_minor: amount,
        tax_minor: None,
    }
}

fn draft(number: &str, total: i64, lines: Vec<Line>) -> InvoiceDraft {
    InvoiceDraft {
        contract_id: None,
        number: number.into(),
        issue_date: d("2026-03-01"),
        due_date: d("2026-03-31"),
        period: None,
        total_minor: total,
        currency: Currency::USD,
        status: InvoiceStatus::Draft,
        memo: "PO 4471".into(),
        lines,
    }
}

fn id_of(store: &Books, n: &str) -> i64 {
    number(store, &format!("SELECT CAST(id AS TEXT) FROM invoices WHERE number = '{n}'"))
}

/// A stored line: kind, description, quantity, unit price, amount.
type Stored = (String, String, Option<String>, Option<String>, i64);

fn rows(store: &Books, id: i64) -> Vec<Stored> {
    let sql = format!(
        "SELECT kind, description, CAST(quantity AS TEXT), CAST(unit_price AS TEXT), CAST(amount_minor AS TEXT) \
         FROM invoice_lines WHERE invoice_id = {id} ORDER BY seq"
    );
    texts(store, &sql)
        .into_iter()
        .map(|r| {
            let [k, d, q, u, a] = <[Option<String>; 5]>::try_from(r).unwrap();
            (k.unwrap(), d.unwrap(), q, u, a.unwrap().parse().unwrap())
        })
        .collect()
}

fn activity(store: &Books, c: i64) -> Vec<String> {
    store
        .window::<ActivityRow>(c, Sort::default_for(Tab::Activity), &Seek::First, 100)
        .unwrap()
        .into_iter()
        .map(|k| k.row.summary)
        .collect()
}

fn consistent(store: &Books) {
    assert_eq!(store.check(d("2026-03-01")).unwrap(), Vec::<String>::new());
}

fn invalid(r: Result<impl std::fmt::Debug, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(m)) => m,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

on_both! {
fn an_invoice_is_created_with_its_lines_and_memo(books: &mut Books) {
    let (store, c) = self::books(books);
    let lines = vec![seats("3", "0.125", 38), seats("10", "45", 45_000), discount(-38)];
    let id = store.create_invoice(c, &draft("N-1", 45_000, lines.clone())).unwrap();
    assert_eq!(
        rows(store, id),
        vec![
            ("item".into(), "Seats".into(), Some("3".into()), Some("0.125".into()), 38),
            ("item".into(), "Seats".into(), Some("10".into()), Some("45".into()), 45_000),
            ("discount".into(), "Loyalty".into(), None, None, -38),
        ]
    );
    let detail = store.invoice_detail(c, id).unwrap();
    assert_eq!(detail.lines, lines);
    assert_eq!(detail.invoice.memo, "PO 4471");
    let audit: String = text(store, &format!("SELECT after_json FROM audit_log WHERE entity = 'invoice' AND entity_id = {id}"));
    assert!(audit.contains("\"unit_price\":\"0.125\"") && audit.contains("PO 4471"), "{audit}");
    consistent(store);
}

fn lines_that_do_not_make_the_total_are_refused_and_nothing_is_written(books: &mut Books) {
    let (store, c) = self::books(books);
    let e = invalid(store.create_invoice(c, &draft("N-1", 45_100, vec![seats("10", "45", 45_000)])));
    assert_eq!(e, "the lines add up to $450.00 but the total is $451.00");
    let e = invalid(store.create_invoice(c, &draft("N-1", 100, vec![seats("1", "1", 100), discount(5)])));
    assert!(e.contains("line 2 is a discount: its amount must be negative"), "{e}");
    let e = invalid(store.create_invoice(c, &draft("N-1", 100, vec![seats("2", "1", 100)])));
    assert!(e.contains("quantity × unit price"), "{e}");
    let mut long = draft("N-1", 100, Vec::new());
    long.memo = "m".repeat(2001);
    assert_eq!(invalid(store.create_invoice(c, &long)), "the memo is 2001 characters long; at most 2000 are kept");
    let n: i64 = number(store, "SELECT CAST(count(*) AS TEXT) FROM invoice_lines");
    let i: i64 = number(store, "SELECT CAST(count(*) AS TEXT) FROM invoices");
    assert_eq!((n, i), (0, 1), "nothing written");
}

fn a_draft_edit_replaces_every_field_and_its_lines(books: &mut Books) {
    let (store, c) = self::books(books);
    let id = store.create_invoice(c, &draft("N-1", 45_000, vec![seats("10", "45", 45_000)])).unwrap();
    let v = store.invoice_detail(c, id).unwrap().version;
    let mut edit = draft("N-7", 9_500, vec![seats("2", "50", 10_000), discount(-500)]);
    edit.due_date = d("2026-04-15");
    edit.memo = "  PO 9  ".into();
    store.update_draft_invoice(c, id, v, &edit).unwrap();
    let after = store.invoice_detail(c, id).unwrap();
    assert_eq!((after.invoice.number.as_str(), after.invoice.total.minor), ("N-7", 9_500));
    assert_eq!(after.invoice.due_date, d("2026-04-15"));
    assert_eq!(after.invoice.memo, "PO 9", "trimmed");
    assert_eq!(after.invoice.status, InvoiceStatus::Draft);
    assert_eq!(after.lines, edit.lines);
    assert_eq!(after.version, v + 1);
    let log = activity(store, c);
    assert!(log[0].starts_with("edited draft invoice N-7: number \"N-1\" → \"N-7\""), "{log:?}");
    // The old number is free again, the new one taken.
    assert!(store.create_invoice(c, &draft("N-1", 100, Vec::new())).is_ok());
    let e = invalid(store.update_draft_invoice(c, id, v + 1, &draft("N-1", 100, Vec::new())));
    assert_eq!(e, "invoice number N-1 is already used");
    // Saved without lines: it has none.
    store.update_draft_invoice(c, id, v + 1, &draft("N-7", 100, Vec::new())).unwrap();
    assert!(rows(store, id).is_empty());
    consistent(store);
}

fn issuing_a_draft_keeps_its_number_and_says_so(books: &mut Books) {
    let (store, c) = self::books(books);
    let id = store.create_invoice(c, &draft("N-3", 45_000, vec![seats("10", "45", 45_000)])).unwrap();
    let v = store.invoice_detail(c, id).unwrap().version;
    store.issue_invoice(c, id, v).unwrap();
    let after = store.invoice_detail(c, id).unwrap();
    assert_eq!((after.invoice.number.as_str(), after.invoice.status), ("N-3", InvoiceStatus::Open));
    assert_eq!(after.invoice.balance_minor, 45_000);
    assert_eq!(after.lines.len(), 1);
    assert_eq!(activity(store, c)[0], "issued invoice N-3");
    // Issued: its fields stay, and it is not issued twice.
    let e = invalid(store.update_draft_invoice(c, id, v + 1, &draft("N-3", 100, Vec::new())));
    assert!(e.starts_with("invoice N-3 is open: only a draft's fields can be changed"), "{e}");
    assert!(e.contains("its memo can still be changed"), "{e}");
    assert!(invalid(store.issue_invoice(c, id, v + 1)).contains("only a draft is issued"));
    consistent(store);
}

fn the_memo_of_a_paid_invoice_changes_and_nothing_else(books: &mut Books) {
    let (store, c) = self::books(books);
    let id = id_of(store, "P-1");
    let before = store.invoice_detail(c, id).unwrap();
    assert_eq!(before.invoice.status, InvoiceStatus::Paid);
    store.set_invoice_memo(c, id, before.version, "Paid by wire, see W-1").unwrap();
    let after = store.invoice_detail(c, id).unwrap();
    assert_eq!(after.invoice.memo, "Paid by wire, see W-1");
    assert_eq!((after.invoice.total, after.invoice.status), (before.invoice.total, InvoiceStatus::Paid));
    assert_eq!(activity(store, c)[0], "added a memo to invoice P-1");
    store.set_invoice_memo(c, id, after.version, "").unwrap();
    assert_eq!(activity(store, c)[0], "removed the memo of invoice P-1");
    let e = invalid(store.set_invoice_memo(c, id, after.version + 1, &"x".repeat(2001)));
    assert!(e.contains("at most 2000"), "{e}");
    consistent(store);
}

fn a_stale_version_is_refused_as_changed_elsewhere(books: &mut Books) {
    let (store, c) = self::books(books);
    let id = store.create_invoice(c, &draft("N-1", 45_000, vec![seats("10", "45", 45_000)])).unwrap();
    let v = store.invoice_detail(c, id).unwrap().version;
    store.set_invoice_memo(c, id, v, "first").unwrap();
    for r in [
        store.set_invoice_memo(c, id, v, "second"),
        store.issue_invoice(c, id, v),
        store.update_draft_invoice(c, id, v, &draft("N-1", 100, Vec::new())),
    ] {
        match r {
            Err(e @ StoreError::Conflict(_)) => {
                assert_eq!(
                    e.to_string(),
                    "changed elsewhere — reload: invoice N-1 was changed by someone else since you opened it"
                )
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }
    let after = store.invoice_detail(c, id).unwrap();
    assert_eq!(
        (after.invoice.memo.as_str(), after.invoice.status, after.lines.len()),
        ("first", InvoiceStatus::Draft, 1)
    );
    // Another customer's invoice is not found through this one.
    assert!(matches!(store.issue_invoice(c + 1, id, v + 1), Err(StoreError::NotFound(_))));
}

/// A draft an import made in the customer's second currency can be edited
/// in that currency; another currency is refused.
fn a_draft_in_a_second_currency_keeps_it(store: &mut Books) {
    let (c, id) = seed(store, |store| {
        let c = fixture(store);
        let s = store.seeder().unwrap();
        let id = s
            .invoice(&NewInvoice {
                customer_id: c,
                contract_id: None,
                number: "EU-1",
                issue_date: d("2026-03-01"),
                due_date: d("2026-03-31"),
                period: None,
                currency: Currency::EUR,
                total_minor: 1_000,
                status: InvoiceStatus::Draft,
            })
            .unwrap();
        s.commit().unwrap();
        (c, id)
    });
    let v = store.invoice_detail(c, id).unwrap().version;
    let mut edit = draft("EU-1", 2_000, vec![seats("2", "10", 2_000)]);
    edit.currency = Currency::EUR;
    store.update_draft_invoice(c, id, v, &edit).unwrap();
    edit.currency = "GBP".parse().unwrap();
    let e = invalid(store.update_draft_invoice(c, id, v + 1, &edit));
    assert_eq!(e, "invoices of this customer are in USD, not GBP");
    consistent(store);
}
}
