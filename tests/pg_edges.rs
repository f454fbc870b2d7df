//! Edge cases reviewers found, the same on both backends: a NUL character
//! in a filter's word or value or in the list's search matches nothing (on
//! SQLite `LIKE` stopped reading at it); a word folds only ASCII case, as
//! `LIKE` and `lower` do, so a non-ASCII word finds the text it was typed
//! from; the smallest id is no credit (its negation overflowed); a place
//! and a limit at their largest read an empty window; a statement at
//! chrono's first or last day is refused in the same words; another
//! customer's invoice or payment is not found, as a missing one is.

mod support;

use ardesk::domain::columns::{Col, Seek, Sort, SortValue, Tab};
use ardesk::domain::customer_list::{CustomerCol, ListKey, ListView};
use ardesk::domain::edit::Allocation;
use ardesk::domain::filter::parse;
use ardesk::domain::model::{InvoiceRow, PaymentRow};
use ardesk::domain::status::InvoiceStatus;
use ardesk::statement::model::Kind;
use ardesk::store::pg::PgStore;
use ardesk::store::pg::window::PgTabRow;
use ardesk::store::window::{TabRow, View};
use ardesk::store::{Store, StoreError};
use chrono::NaiveDate;
use support::both::*;

/// Acme (1) with invoices numbered as the organization numbers them and
/// three non-ASCII ones, and a payment; Other (2) with an invoice and a
/// payment of its own.
fn books() -> Option<(support::pg::TestDb, PgStore, Store)> {
    let (db, mut pg, mut lite) = both(&["Acme", "Other"])?;
    for total in [10_000, 20_000, 30_000] {
        add_invoice(&mut pg, &mut lite, 1, "2026-01-05", "2026-02-04", total);
    }
    for number in ["naïve-ÉCOLE", "İstanbul-7", "ÄPFEL-ümlaut"] {
        let mut draft = invoice(&pg, "2026-01-06", "2026-02-05", 5_000, InvoiceStatus::Open);
        draft.number = number.into();
        let id = pg.create_invoice(1, &draft).unwrap();
        assert_eq!(lite.create_invoice(1, &draft).unwrap(), id);
    }
    add_payment(&mut pg, &mut lite, 1, "2026-01-20", 4_000, Allocation::OldestFirst);
    add_invoice(&mut pg, &mut lite, 2, "2026-01-07", "2026-02-06", 7_000);
    add_payment(&mut pg, &mut lite, 2, "2026-01-21", 7_000, Allocation::OldestFirst);
    Some((db, pg, lite))
}

/// The rows a filter finds on a tab of customer 1, the same on both
/// backends (rows, keys and totals); the rows' ids.
fn found<R: TabRow + PgTabRow + HasId + PartialEq + Clone + std::fmt::Debug>(
    pg: &PgStore,
    lite: &Store,
    tab: Tab,
    text: &str,
) -> Vec<i64> {
    let filter = parse(text, tab, usd()).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    let view = View { sort: Sort::default_for(tab), filter, today: d("2026-03-15") };
    let rows = ok(
        pg.window_view::<R>(1, &view, &Seek::First, 100),
        lite.window_view::<R>(1, &view, &Seek::First, 100),
        &format!("{text:?}"),
    );
    ok(pg.view_totals::<R>(1, &view), lite.view_totals::<R>(1, &view), &format!("{text:?}: totals"));
    rows.iter().map(|k| k.row.id()).collect()
}

trait HasId {
    fn id(&self) -> i64;
}

impl HasId for InvoiceRow {
    fn id(&self) -> i64 {
        self.id
    }
}

impl HasId for PaymentRow {
    fn id(&self) -> i64 {
        self.id
    }
}

fn numbers(pg: &PgStore, lite: &Store, text: &str) -> Vec<String> {
    let ids = found::<InvoiceRow>(pg, lite, Tab::Invoices, text);
    ids.iter().map(|id| lite.tab_row::<InvoiceRow>(*id).unwrap().unwrap().number).collect()
}

#[test]
fn a_nul_in_a_word_or_a_value_matches_nothing_on_either_backend() {
    let Some((_db, pg, lite)) = books() else { return };
    let first = numbers(&pg, &lite, "number:inv-000001");
    assert_eq!(first, ["INV-000001"], "the filter without the NUL finds the invoice");
    for text in [
        "number:\"INV-000001\0\"",
        "number:\"\0INV\"",
        "inv\0",
        "\"inv\0\"",
        "\0",
        "\0inv",
        "number:\"\0\"",
        "contract:\"\0\"",
        "number=\"INV-000001\0\"",
        "number=\"\0\"",
        "inv number:\"00\0\"",
    ] {
        assert_eq!(numbers(&pg, &lite, text), Vec::<String>::new(), "{text:?}");
    }
    assert!(found::<PaymentRow>(&pg, &lite, Tab::Payments, "wire\0").is_empty());
    assert!(found::<PaymentRow>(&pg, &lite, Tab::Payments, "reference:\"\0wire\"").is_empty());
    assert_eq!(found::<PaymentRow>(&pg, &lite, Tab::Payments, "wire").len(), 1);
}

#[test]
fn a_non_ascii_word_finds_the_text_it_was_typed_from_on_either_backend() {
    let Some((_db, pg, lite)) = books() else { return };
    // Lowered by Unicode's rules the words were "école", "i̇st" (two
    // characters for İ) and "äpfel", which no number holds.
    assert_eq!(numbers(&pg, &lite, "ÉCOLE"), ["naïve-ÉCOLE"]);
    assert_eq!(numbers(&pg, &lite, "NAïVE-ÉCOLE"), ["naïve-ÉCOLE"]);
    assert_eq!(numbers(&pg, &lite, "İst"), ["İstanbul-7"]);
    assert_eq!(numbers(&pg, &lite, "İSTANBUL"), ["İstanbul-7"]);
    assert_eq!(numbers(&pg, &lite, "number:ÄPFEL-Ü"), Vec::<String>::new(), "Ü is not ü to LIKE");
    assert_eq!(numbers(&pg, &lite, "number:ÄPFEL"), ["ÄPFEL-ümlaut"]);
    assert_eq!(numbers(&pg, &lite, "number=İSTANBUL-7"), ["İstanbul-7"]);
    assert_eq!(numbers(&pg, &lite, "number=naïve-école"), Vec::<String>::new());
    assert_eq!(numbers(&pg, &lite, "école"), Vec::<String>::new(), "É is not é to LIKE");
    assert_eq!(numbers(&pg, &lite, "ist"), Vec::<String>::new(), "nor İ i");
}

#[test]
fn a_nul_in_the_lists_search_matches_nothing_on_either_backend() {
    let Some((_db, pg, lite)) = books() else { return };
    let today = d("2026-03-15");
    let everyone = ListView { sort: CustomerCol::Name, desc: false, query: "usd".into(), today };
    assert_eq!(ok(pg.list_count(&everyone), lite.list_count(&everyone), "usd"), 2);
    for query in ["\0usd", "usd\0", "\0", "a\0", "ac\0me", "acme \0", "\0 ac"] {
        for sort in [CustomerCol::Name, CustomerCol::Overdue, CustomerCol::Outstanding] {
            let view = ListView { sort, desc: false, query: query.into(), today };
            let what = format!("{query:?} by {sort:?}");
            assert_eq!(ok(pg.list_count(&view), lite.list_count(&view), &what), 0);
            assert_eq!(ok(pg.list_ranking(&view), lite.list_ranking(&view), &what), Vec::<i64>::new());
            let w =
                ok(pg.list_window(&view, None, &Seek::First, 9), lite.list_window(&view, None, &Seek::First, 9), &what);
            assert!(w.is_empty(), "{what}");
            let g = ok(
                pg.list_window_gathered(&view, None, &Seek::Last, 9),
                lite.list_window_gathered(&view, None, &Seek::Last, 9),
                &what,
            );
            assert!(g.is_empty(), "{what}");
        }
    }
}

#[test]
fn the_smallest_and_largest_ids_places_and_limits_read_nothing_on_either_backend() {
    let Some((_db, pg, lite)) = books() else { return };
    for id in [i64::MIN, i64::MIN + 1, i64::MAX, -1, 0] {
        for c in [1, 2, i64::MIN, i64::MAX] {
            assert_eq!(ok(pg.credit_row(c, id), lite.credit_row(c, id), &format!("credit {id} of {c}")), None);
        }
    }
    // A ranked order read from a key at the last place there is, as many
    // rows as there are.
    let view = ListView { sort: CustomerCol::Overdue, desc: false, query: String::new(), today: d("2026-03-15") };
    let ranking = ok(pg.list_ranking(&view), lite.list_ranking(&view), "ranking");
    assert_eq!(ranking.len(), 2);
    let far = ListKey { values: vec![SortValue::Int(i64::MAX)], id: 1 };
    for seek in [Seek::After(far.clone()), Seek::From(far.clone()), Seek::Before(far)] {
        let what = format!("{seek:?}");
        let rows = ok(
            pg.list_window(&view, Some(&ranking), &seek, usize::MAX),
            lite.list_window(&view, Some(&ranking), &seek, usize::MAX),
            &what,
        );
        assert_eq!(rows.len(), if matches!(seek, Seek::Before(_)) { 2 } else { 0 }, "{what}");
    }
    let all = ok(
        pg.list_window(&view, Some(&ranking), &Seek::First, usize::MAX),
        lite.list_window(&view, Some(&ranking), &Seek::First, usize::MAX),
        "first",
    );
    assert_eq!(all.len(), 2);
}

#[test]
fn a_statement_at_the_first_or_last_day_there_is_reads_the_same_on_either_backend() {
    let Some((_db, mut pg, mut lite)) = books() else { return };
    for day in [NaiveDate::MIN, NaiveDate::MAX, d("1899-12-31"), d("2200-01-01")] {
        let said =
            same(pg.statement(1, day, Kind::OpenItem), lite.statement(1, day, Kind::OpenItem), &format!("{day}"));
        assert!(said.contains("dates must fall between 1900-01-01 and 2199-12-31"), "{day}: {said}");
        for from in [NaiveDate::MIN, d("2026-01-01")] {
            let kind = Kind::Activity { from };
            same(pg.statement(1, day, kind), lite.statement(1, day, kind), &format!("{from} to {day}"));
        }
    }
    let kind = Kind::Activity { from: NaiveDate::MIN };
    let said = same(pg.statement(1, d("2026-03-15"), kind), lite.statement(1, d("2026-03-15"), kind), "from MIN");
    assert!(said.contains("dates must fall between"), "{said}");
    // The bounds themselves are fine.
    let s = ok(
        pg.statement(1, d("2199-12-31"), Kind::Activity { from: d("1900-01-01") }),
        lite.statement(1, d("2199-12-31"), Kind::Activity { from: d("1900-01-01") }),
        "the bounds",
    );
    assert_eq!(s.sections.len(), 1);
    // Both stores read today's books again after the refusals.
    assert_eq!(pg.as_of(), None);
    assert_eq!(lite.as_of(), None);
}

#[test]
fn another_customers_invoice_or_payment_is_not_found_on_either_backend() {
    let Some((_db, pg, lite)) = books() else { return };
    let ids = |c: i64| {
        let v = View {
            sort: Sort { col: Col::InvNumber, desc: false },
            filter: Default::default(),
            today: d("2026-03-15"),
        };
        let invoices: Vec<i64> =
            lite.window_view::<InvoiceRow>(c, &v, &Seek::First, 100).unwrap().iter().map(|k| k.row.id).collect();
        let payments: Vec<i64> = payments_lite(&lite, c).iter().map(|k| k.row.id).filter(|id| *id > 0).collect();
        (invoices, payments)
    };
    let (mine, my_payments) = ids(1);
    let (theirs, their_payments) = ids(2);
    assert_eq!((mine.len(), my_payments.len(), theirs.len(), their_payments.len()), (6, 1, 1, 1));
    for (c, invoices, payments, others, other_payments) in
        [(1, &mine, &my_payments, &theirs, &their_payments), (2, &theirs, &their_payments, &mine, &my_payments)]
    {
        for &id in invoices {
            let dt =
                ok(pg.invoice_detail(c, id).map(|d| d.invoice), lite.invoice_detail(c, id).map(|d| d.invoice), "own");
            assert_eq!(dt.id, id);
        }
        for &id in payments {
            ok(pg.payment_detail(c, id), lite.payment_detail(c, id), "own payment");
        }
        for &id in others {
            let said = refused(pg.invoice_detail(c, id), lite.invoice_detail(c, id), "not found");
            assert_eq!(said, format!("not found: invoice #{id} (deleted elsewhere?)"));
            assert!(matches!(lite.invoice_detail(c, id), Err(StoreError::NotFound(_))));
        }
        for &id in other_payments {
            let said = refused(pg.payment_detail(c, id), lite.payment_detail(c, id), "not found");
            assert_eq!(said, format!("not found: payment #{id} (deleted elsewhere?)"));
        }
    }
}
