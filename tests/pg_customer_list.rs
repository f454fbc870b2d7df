//! The customers list on PostgreSQL reads what SQLite's reads (issue 21):
//! every order both ways, walked window by window forwards and backwards
//! and from a row on, the rankings, the counts and the searches (short
//! words, names' prefixes, hostile characters, no match), on the demo
//! copied as the app wrote it, on hostile names with ties, before and after
//! writes that move balances and names, as of past dates, and at a size
//! where a search walks its order instead of gathering its matches. Rows
//! and keys are compared whole.

mod support;

use ardesk::domain::Currency;
use ardesk::domain::columns::Seek;
use ardesk::domain::customer_list::{CustomerCol, ListKey, ListView};
use ardesk::domain::edit::CustomerEdit;
use ardesk::domain::model::CustomerListRow;
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::pg::PgStore;
use ardesk::store::window::Keyed;
use ardesk::store::{ListPlan, OpenMode, Store};
use chrono::NaiveDate;
use support::both::{both_with, customer, d, invoice};

const ALL: [CustomerCol; 8] = [
    CustomerCol::Name,
    CustomerCol::LegalName,
    CustomerCol::Source,
    CustomerCol::Currency,
    CustomerCol::Outstanding,
    CustomerCol::Overdue,
    CustomerCol::Promises,
    CustomerCol::Badges,
];

type Window = Vec<Keyed<CustomerListRow, ListKey>>;

/// Every row of a view, window by window from the first (or, backwards,
/// from the last).
fn pages(read: impl Fn(&Seek<ListKey>) -> Window, size: usize, forwards: bool) -> Window {
    let mut out = Window::new();
    let mut seek: Seek<ListKey> = if forwards { Seek::First } else { Seek::Last };
    for _ in 0..10_000 {
        let rows = read(&seek);
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else { break };
        seek = if forwards { Seek::After(last.key.clone()) } else { Seek::Before(first.key.clone()) };
        let short = rows.len() < size;
        if forwards {
            out.extend(rows);
        } else {
            out.splice(0..0, rows);
        }
        if short {
            break;
        }
    }
    out
}

/// One view on both backends: whether it is ranked, the ranking, every
/// window of each size both ways, a window from a row on, and the count.
/// Returns the rows.
fn same_view(pg: &PgStore, lite: &Store, view: &ListView, sizes: &[usize]) -> Window {
    let what = format!("{:?} {:?} desc={} on {}", view.query, view.sort, view.desc, view.today);
    let ranked = lite.list_ranked(view);
    assert_eq!(pg.list_ranked(view), ranked, "{what}: ranked");
    let ranking = ranked.then(|| {
        let a = lite.list_ranking(view).unwrap();
        assert_eq!(pg.list_ranking(view).unwrap(), a, "{what}: ranking");
        a
    });
    let ranking = ranking.as_deref();
    let whole = lite.list_window(view, ranking, &Seek::First, 100_000).unwrap();
    assert_eq!(pg.list_window(view, ranking, &Seek::First, 100_000).unwrap(), whole, "{what}: whole");
    for &size in sizes {
        for forwards in [true, false] {
            let a = pages(|s| lite.list_window(view, ranking, s, size).unwrap(), size, forwards);
            let b = pages(|s| pg.list_window(view, ranking, s, size).unwrap(), size, forwards);
            let ids = |w: &Window| w.iter().map(|k| k.row.id).take(1000).collect::<Vec<_>>();
            assert_eq!(ids(&b), ids(&a), "{what}: by {size}, forwards {forwards}");
            assert_eq!(b, a, "{what}: by {size}, forwards {forwards}");
            assert_eq!(a, whole, "{what}: by {size}, forwards {forwards}, against the whole");
        }
    }
    // A reload's anchor: from a row on, that row first.
    if let Some(mid) = whole.get(whole.len() / 2) {
        let from = Seek::From(mid.key.clone());
        let a = lite.list_window(view, ranking, &from, 3).unwrap();
        assert_eq!(a[0].row.id, mid.row.id, "{what}: from");
        assert_eq!(pg.list_window(view, ranking, &from, 3).unwrap(), a, "{what}: from");
        let gathered = pg.list_window_gathered(view, ranking, &from, 3).unwrap();
        assert_eq!(gathered, a, "{what}: from, gathered");
    }
    assert_eq!(pg.list_count(view).unwrap(), lite.list_count(view).unwrap(), "{what}: count");
    assert_eq!(lite.list_count(view).unwrap(), whole.len(), "{what}: count against the rows");
    whole
}

/// Searches of every kind: none, one and two characters (the name's
/// prefix), words the trigram index finds, several words, words with
/// `LIKE`'s wildcards and escape, quotes, control characters, other
/// scripts, and words nothing matches.
const QUERIES: [&str; 42] = [
    "",
    "   ",
    "a",
    "A",
    "z",
    "co",
    "CO",
    "ac de",
    "a b",
    "acme",
    "ACME corp",
    "inc",
    "ltd co",
    "usd",
    "eur",
    "jpy",
    "stripe",
    "hubspot",
    "billing@",
    ".com",
    "zzz",
    "qq",
    "ap_",
    "%",
    "_",
    "c%m",
    "50%",
    "\\",
    "k\\s",
    "'",
    "o'br",
    "\"",
    "\t inc \t",
    "\u{1}",
    "\u{1b}[31m",
    "red\u{7f}",
    "İst",
    "ist",
    "東京",
    "東京精",
    "éclair",
    "x y zz",
];

#[test]
fn the_demos_list_reads_the_same_on_both_backends() {
    let Some(db) = support::pg::demo_copy() else { return };
    let lite = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    let pg = PgStore::open(&db.url).unwrap();
    let mut rows = 0;
    for today in [d(support::TODAY), d("2025-06-30")] {
        for query in QUERIES {
            for sort in ALL {
                for desc in [false, true] {
                    let view = ListView { sort, desc, query: query.into(), today };
                    let sizes: &[usize] = if query.is_empty() { &[1, 7] } else { &[7] };
                    rows += same_view(&pg, &lite, &view, sizes).len();
                }
            }
        }
    }
    assert!(rows > 5_000, "{rows} rows compared");
    assert_eq!(pg.customer_list_extent().unwrap(), lite.customer_list_extent().unwrap());
    let (mut on_pg, mut on_lite) = (Vec::new(), Vec::new());
    pg.each_customer_name(|n| on_pg.push(n.to_string())).unwrap();
    lite.each_customer_name(|n| on_lite.push(n.to_string())).unwrap();
    on_pg.sort();
    on_lite.sort();
    assert_eq!(on_pg, on_lite);
    assert!(on_pg.len() >= 40);
    pg.for_reading_thread().unwrap();
    assert!(pg.list_indexed());
}

#[test]
fn as_of_a_date_the_ranked_orders_read_the_same() {
    let Some(db) = support::pg::demo_copy() else { return };
    let mut lite = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    let mut pg = PgStore::open(&db.url).unwrap();
    for day in [d("2026-02-01"), d("2025-12-31"), d("2024-01-01")] {
        lite.set_as_of(Some(day)).unwrap();
        pg.set_as_of(Some(day)).unwrap();
        for query in ["", "co", "inc", "usd", "zzz"] {
            for sort in ALL {
                for desc in [false, true] {
                    let view = ListView { sort, desc, query: query.into(), today: d(support::TODAY) };
                    same_view(&pg, &lite, &view, &[7]);
                }
            }
        }
        assert_eq!(pg.customer_list_extent().unwrap(), lite.customer_list_extent().unwrap(), "as of {day}");
    }
}

fn hostile(name: &str) -> CustomerEdit {
    let mut e = customer(name);
    let cur = |c: &str| -> Currency { c.parse().unwrap() };
    match name {
        "Acme" => e.legal_name = "Acme Holdings Inc".into(),
        "ACME Corp" => {
            e.legal_name = "acme holdings inc".into();
            e.currency = cur("EUR");
        }
        "acme" => e.billing_email = "AP@acme.example.com".into(),
        "Zed's 50% Off_Sale" => {
            e.legal_name = "Back\\slash & Co".into();
            e.invoices_paused = true;
        }
        "O'Brien \"Ltd\"" => {
            e.portal = true;
            e.billing_email = "o'brien@example.ie".into();
        }
        "東京精密" => e.currency = cur("JPY"),
        "İstanbul Tekstil" => {
            e.currency = cur("EUR");
            e.invoices_paused = true;
            e.portal = true;
        }
        "Éclair SARL" => e.legal_name = "éclair sarl".into(),
        "\u{1b}[31mRed\u{7f} Ink" => e.legal_name = "\u{1}ctl\u{2}".into(),
        _ => {}
    }
    e
}

const HOSTILE: [&str; 16] = [
    "Acme",
    "acme",
    "ACME Corp",
    "Zed's 50% Off_Sale",
    "O'Brien \"Ltd\"",
    "東京精密",
    "İstanbul Tekstil",
    "Éclair SARL",
    "\u{1b}[31mRed\u{7f} Ink",
    "a",
    "Ab",
    "ab",
    "_under",
    "%pct",
    "zq",
    "Acme",
];

/// Every view of the list on both backends, with the searches given.
fn all_views(pg: &PgStore, lite: &Store, today: NaiveDate, queries: &[&str], sizes: &[usize]) -> usize {
    let mut rows = 0;
    for query in queries {
        for sort in ALL {
            for desc in [false, true] {
                rows += same_view(pg, lite, &ListView { sort, desc, query: query.to_string(), today }, sizes).len();
            }
        }
    }
    rows
}

#[test]
fn hostile_names_ties_and_writes_read_the_same() {
    let Some((_db, mut pg, mut lite)) = both_with(&[], hostile) else { return };
    let today = d("2026-03-15");
    // No customers at all.
    assert_eq!(all_views(&pg, &lite, today, &["", "a", "acme"], &[1, 5]), 0);
    assert_eq!(pg.customer_list_extent().unwrap(), (0, Vec::new()));
    assert_eq!(pg.customer_list_extent().unwrap(), lite.customer_list_extent().unwrap());
    pg.each_customer_name(|n| panic!("no customer, yet {n}")).unwrap();
    // One customer.
    for name in &HOSTILE[..1] {
        assert_eq!(pg.create_customer(&hostile(name)).unwrap(), lite.create_customer(&hostile(name)).unwrap());
    }
    assert_eq!(all_views(&pg, &lite, today, &["", "a", "acme", "zzz"], &[1, 5]), 2 * 8 * 3);
    for name in &HOSTILE[1..] {
        assert_eq!(pg.create_customer(&hostile(name)).unwrap(), lite.create_customer(&hostile(name)).unwrap());
    }
    all_views(&pg, &lite, today, &QUERIES, &[1, 4]);
    // A NUL, which no PostgreSQL text holds, matches nothing there, and
    // is no error. (SQLite's `LIKE` ends the word at it: "\0usd" finds
    // every customer there.)
    for query in ["\0", "usd\0", "\0usd", "ac\0me", "a\0"] {
        for sort in [CustomerCol::Name, CustomerCol::Overdue] {
            let view = ListView { sort, desc: false, query: query.into(), today };
            assert_eq!(pg.list_count(&view).unwrap(), 0, "{query:?}");
            assert_eq!(pg.list_ranking(&view).unwrap(), Vec::<i64>::new(), "{query:?}");
            assert_eq!(pg.list_window(&view, None, &Seek::First, 9).unwrap(), Window::new(), "{query:?}");
            assert_eq!(pg.list_window_gathered(&view, None, &Seek::Last, 9).unwrap(), Window::new(), "{query:?}");
        }
    }

    // Balances: two customers owing the same (a tie), one overdue, one in
    // another currency, then a payment that moves one of them.
    let add = |pg: &mut PgStore, lite: &mut Store, c: i64, due: &str, total: i64| {
        let mut draft = invoice(pg, "2026-01-01", due, total, InvoiceStatus::Open);
        draft.currency = lite.customer(c).unwrap().currency;
        let id = pg.create_invoice(c, &draft).unwrap();
        assert_eq!(lite.create_invoice(c, &draft).unwrap(), id);
    };
    add(&mut pg, &mut lite, 1, "2026-02-01", 50_000);
    add(&mut pg, &mut lite, 2, "2026-05-01", 50_000);
    add(&mut pg, &mut lite, 3, "2026-02-01", 12_345);
    add(&mut pg, &mut lite, 6, "2026-01-15", 9_900);
    add(&mut pg, &mut lite, 7, "2026-03-01", 70_000);
    add(&mut pg, &mut lite, 16, "2026-02-01", 50_000);
    all_views(&pg, &lite, today, &["", "a", "acme", "eur", "%"], &[1, 3]);
    support::both::add_payment(
        &mut pg,
        &mut lite,
        2,
        "2026-02-10",
        20_000,
        ardesk::domain::edit::Allocation::OldestFirst,
    );
    // A rename that moves a customer in the name's order and the search.
    let renamed = CustomerEdit { name: "Mauve Sweater Co".into(), ..hostile("acme") };
    let v = lite.customer(2).unwrap().version;
    pg.update_customer(2, v, &renamed).unwrap();
    lite.update_customer(2, v, &renamed).unwrap();
    for today in [today, d("2026-06-30")] {
        all_views(&pg, &lite, today, &["", "a", "m", "acme", "mauve", "sweater co", "eur", "ap@"], &[1, 3]);
    }
    assert_eq!(pg.customer_list_extent().unwrap(), lite.customer_list_extent().unwrap());
}

/// At a size where a search's matches are too many to gather, a window
/// walks its order instead: every plan reads the same rows as SQLite's
/// whole ranking, from either end, and the plan chosen does too.
#[test]
fn a_dense_search_reads_the_same_by_every_plan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crowd.db");
    let today = d("2026-12-05");
    {
        let mut s = Store::open(&path, OpenMode::Create).unwrap();
        let opts = ardesk::demo::DemoOptions { today, big_invoices: None, extra_customers: Some(6_000) };
        ardesk::demo::generate(&mut s, &opts).unwrap();
    }
    let Some(db) = support::both::copy_file_of(&path) else { return };
    let lite = Store::open(&path, OpenMode::MustExist).unwrap();
    let pg = PgStore::open(&db.url).unwrap();
    let plans = [None, Some(ListPlan::Index), Some(ListPlan::Sifted), Some(ListPlan::Walk)];
    for query in ["inc", "usd", "ample", "ing", "usd ing", "ample 50%", "zzz", "a", "sa"] {
        for sort in [CustomerCol::Name, CustomerCol::LegalName, CustomerCol::Currency, CustomerCol::Outstanding] {
            for desc in [false, true] {
                let view = ListView { sort, desc, query: query.into(), today };
                let all = lite.list_ranking(&view).unwrap();
                assert_eq!(pg.list_ranking(&view).unwrap(), all, "{query:?} {sort:?} {desc}: ranking");
                assert_eq!(pg.list_count(&view).unwrap(), all.len(), "{query:?}: count");
                let first = lite.list_window(&view, None, &Seek::First, 50).unwrap();
                for plan in plans {
                    let read = |seek: &Seek<ListKey>| match plan {
                        None => pg.list_window(&view, None, seek, 50).unwrap(),
                        Some(p) => pg.list_window_planned(&view, None, seek, 50, p).unwrap(),
                    };
                    let what = format!("{query:?} {sort:?} desc={desc} {plan:?}");
                    let mut seek: Seek<ListKey> = Seek::First;
                    let mut got = Vec::new();
                    for i in 0..3 {
                        let rows = read(&seek);
                        if i == 0 {
                            assert_eq!(rows, first, "{what}: the first window");
                        }
                        let Some(last) = rows.last() else { break };
                        seek = Seek::After(last.key.clone());
                        got.extend(rows.iter().map(|k| k.row.id));
                    }
                    assert_eq!(got, all[..150.min(all.len())], "{what} from the start");
                    let ids: Vec<i64> = read(&Seek::Last).iter().map(|k| k.row.id).collect();
                    assert_eq!(ids, all[all.len().saturating_sub(50)..], "{what} from the end");
                }
            }
        }
    }
}
