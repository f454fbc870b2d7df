//! Edge cases reviewers found, on SQLite alone (`pg_edges.rs` compares them
//! with PostgreSQL where one is set up): a NUL character in a filter or the
//! list's search matches nothing (SQLite's `LIKE` stopped reading at it),
//! a non-ASCII word finds its text, the smallest id is no credit, extreme
//! statement dates are refused, and another customer's invoice or payment
//! is not found.

use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::customer_list::{CustomerCol, ListView};
use ardesk::domain::edit::{Allocation, CustomerEdit, InvoiceDraft, PaymentDraft};
use ardesk::domain::filter::parse;
use ardesk::domain::model::InvoiceRow;
use ardesk::domain::status::InvoiceStatus;
use ardesk::statement::model::Kind;
use ardesk::store::window::View;
use ardesk::store::{Store, StoreError};
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn usd() -> Currency {
    "USD".parse().unwrap()
}

/// Acme (1) with INV-000001 and "naïve-ÉCOLE", Other (2) with an invoice;
/// each with a payment. Returns the store and (Acme's invoices, Other's
/// invoice, Acme's payment, Other's payment).
fn store() -> (Store, Vec<i64>, i64, i64, i64) {
    let mut s = Store::open_in_memory().unwrap();
    s.set_who("ann");
    for name in ["Acme", "Other"] {
        let edit = CustomerEdit {
            name: name.into(),
            legal_name: String::new(),
            billing_email: String::new(),
            billing_address: String::new(),
            currency: usd(),
            invoices_paused: false,
            portal: false,
        };
        s.create_customer(&edit).unwrap();
    }
    let add = |s: &mut Store, c: i64, number: Option<&str>| {
        let draft = InvoiceDraft {
            contract_id: None,
            number: number.map_or_else(|| s.next_invoice_number().unwrap(), str::to_string),
            issue_date: d("2026-01-05"),
            due_date: d("2026-02-04"),
            period: None,
            total_minor: 10_000,
            currency: usd(),
            status: InvoiceStatus::Open,
            memo: String::new(),
            lines: Vec::new(),
        };
        s.create_invoice(c, &draft).unwrap()
    };
    let mine = vec![add(&mut s, 1, None), add(&mut s, 1, Some("naïve-ÉCOLE"))];
    let theirs = add(&mut s, 2, None);
    let pay = |s: &mut Store, c: i64| {
        let p = PaymentDraft {
            received_on: d("2026-01-20"),
            amount_minor: 1_000,
            currency: usd(),
            reference: "WIRE-1".into(),
            allocation: Allocation::OldestFirst,
        };
        s.record_payment(c, &p).unwrap().payment_id
    };
    let (p1, p2) = (pay(&mut s, 1), pay(&mut s, 2));
    (s, mine, theirs, p1, p2)
}

fn numbers(s: &Store, text: &str) -> Vec<String> {
    let view = View {
        sort: Sort::default_for(Tab::Invoices),
        filter: parse(text, Tab::Invoices, usd()).unwrap(),
        today: d("2026-03-15"),
    };
    let rows = s.window_view::<InvoiceRow>(1, &view, &Seek::First, 100).unwrap();
    s.view_totals::<InvoiceRow>(1, &view).unwrap();
    rows.into_iter().map(|k| k.row.number).collect()
}

#[test]
fn a_nul_in_a_filter_matches_nothing() {
    let (s, ..) = store();
    assert_eq!(numbers(&s, "number:inv-000001"), ["INV-000001"]);
    for text in ["number:\"INV-000001\0\"", "inv\0", "\"inv\0\"", "\0", "number=\"INV-000001\0\"", "number:\"\0\""] {
        assert_eq!(numbers(&s, text), Vec::<String>::new(), "{text:?}");
    }
}

#[test]
fn a_nul_in_the_lists_search_matches_nothing() {
    let (s, ..) = store();
    for query in ["\0usd", "usd\0", "\0", "a\0", "\0 ac"] {
        for sort in [CustomerCol::Name, CustomerCol::Overdue] {
            let view = ListView { sort, desc: false, query: query.into(), today: d("2026-03-15") };
            assert_eq!(s.list_count(&view).unwrap(), 0, "{query:?}");
            assert_eq!(s.list_ranking(&view).unwrap(), Vec::<i64>::new(), "{query:?}");
            assert!(s.list_window(&view, None, &Seek::First, 9).unwrap().is_empty(), "{query:?}");
        }
    }
    let view = ListView { sort: CustomerCol::Name, desc: false, query: "usd".into(), today: d("2026-03-15") };
    assert_eq!(s.list_count(&view).unwrap(), 2);
}

#[test]
fn a_non_ascii_word_finds_its_own_text() {
    let (s, ..) = store();
    assert_eq!(numbers(&s, "ÉCOLE"), ["naïve-ÉCOLE"]);
    assert_eq!(numbers(&s, "number:NAïVE-É"), ["naïve-ÉCOLE"]);
    assert_eq!(numbers(&s, "number=NAïVE-ÉCOLE"), ["naïve-ÉCOLE"]);
    assert_eq!(numbers(&s, "école"), Vec::<String>::new());
}

#[test]
fn the_smallest_id_is_no_credit() {
    let (s, ..) = store();
    assert_eq!(s.credit_row(1, i64::MIN).unwrap(), None);
    assert_eq!(s.credit_row(1, i64::MAX).unwrap(), None);
}

#[test]
fn a_statement_at_chronos_ends_is_refused() {
    let (mut s, ..) = store();
    for day in [NaiveDate::MIN, NaiveDate::MAX] {
        let e = s.statement(1, day, Kind::OpenItem).unwrap_err();
        assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");
        assert!(e.to_string().contains("dates must fall between"), "{e}");
    }
    let e = s.statement(1, d("2026-03-15"), Kind::Activity { from: NaiveDate::MIN }).unwrap_err();
    assert!(e.to_string().contains("dates must fall between"), "{e}");
    assert!(s.statement(1, d("2026-03-15"), Kind::OpenItem).is_ok());
}

#[test]
fn another_customers_invoice_or_payment_is_not_found() {
    let (s, mine, theirs, p1, p2) = store();
    assert_eq!(s.invoice_detail(1, mine[0]).unwrap().invoice.id, mine[0]);
    let e = s.invoice_detail(1, theirs).unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");
    assert_eq!(e.to_string(), format!("not found: invoice #{theirs} (deleted elsewhere?)"));
    let e = s.invoice_detail(2, mine[1]).unwrap_err();
    assert_eq!(e.to_string(), format!("not found: invoice #{} (deleted elsewhere?)", mine[1]));
    assert_eq!(s.payment_detail(1, p1).unwrap().payment.id, p1);
    let e = s.payment_detail(1, p2).unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");
    assert_eq!(e.to_string(), format!("not found: payment #{p2} (deleted elsewhere?)"));
}
