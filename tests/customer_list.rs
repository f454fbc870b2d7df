//! The customers list read by keyset windows (issue 19): every order, both
//! ways, with and without a search, page by page forwards and backwards,
//! against the same list sorted and searched here from the whole of it;
//! and `check` / `check --repair` on its derived tables.

mod support;

use ardesk::domain::columns::Seek;
use ardesk::domain::customer_list::{CustomerCol, ListKey, ListView};
use ardesk::domain::model::CustomerListRow;
use ardesk::store::window::Keyed;
use ardesk::store::{ListPlan, Store};
use support::fixture::d;

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

fn demo_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("demo.db");
    let mut s = Store::open(&path, ardesk::store::OpenMode::Create).unwrap();
    ardesk::demo::generate(
        &mut s,
        &ardesk::demo::DemoOptions { today: d("2026-12-05"), big_invoices: None, extra_customers: None },
    )
    .unwrap();
    path
}

/// What the list should hold, worked out from every customer: every word
/// anywhere in the text searched (ASCII case folded), or for a search of
/// only short words, the name starting with the first.
fn matches(r: &CustomerListRow, query: &str) -> bool {
    let hay = format!(
        "{} {} {} {} {} {}",
        r.name,
        r.legal_name,
        r.billing_email,
        r.external_id.as_deref().unwrap_or(""),
        r.import_source.map_or("", |s| s.as_db()),
        r.currency.code()
    )
    .to_ascii_lowercase();
    let words: Vec<String> = query.split_whitespace().map(str::to_ascii_lowercase).collect();
    let long = words.iter().any(|w| w.chars().count() >= 3);
    words.iter().enumerate().all(|(i, w)| {
        if !long && i == 0 { r.name.to_ascii_lowercase().starts_with(w.as_str()) } else { hay.contains(w.as_str()) }
    })
}

fn badge_rank(r: &CustomerListRow) -> i64 {
    match (r.invoices_paused, r.portal) {
        (false, false) => 0,
        (true, false) => 1,
        (true, true) => 2,
        (false, true) => 3,
    }
}

/// The order, as a key compared whole and reversed whole for descending.
fn key(r: &CustomerListRow, sort: CustomerCol) -> (String, i64, String, i64) {
    let name = r.name.to_ascii_lowercase();
    let cur = r.currency.code().to_string();
    match sort {
        CustomerCol::Name => (name, 0, String::new(), r.id),
        CustomerCol::LegalName => (r.legal_name.to_ascii_lowercase(), 0, name, r.id),
        CustomerCol::Source => (r.import_source.map_or("", |s| s.as_db()).to_string(), 0, name, r.id),
        CustomerCol::Currency => (cur, 0, name, r.id),
        CustomerCol::Badges => (String::new(), badge_rank(r), name, r.id),
        CustomerCol::Outstanding => (cur, r.outstanding.minor, name, r.id),
        CustomerCol::Overdue => (cur, r.overdue.minor, name, r.id),
        CustomerCol::Promises => (String::new(), r.broken_promises, name, r.id),
    }
}

fn pages(store: &Store, view: &ListView, ranking: Option<&[i64]>, size: usize, forwards: bool) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    let mut seek: Seek<ListKey> = if forwards { Seek::First } else { Seek::Last };
    for _ in 0..1000 {
        let rows: Vec<Keyed<CustomerListRow, ListKey>> = store.list_window(view, ranking, &seek, size).unwrap();
        let ids: Vec<i64> = rows.iter().map(|k| k.row.id).collect();
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else { break };
        seek = if forwards { Seek::After(last.key.clone()) } else { Seek::Before(first.key.clone()) };
        if forwards {
            out.extend(ids);
        } else {
            out.splice(0..0, ids);
        }
        if rows.len() < size {
            break;
        }
    }
    out
}

#[test]
fn every_order_both_ways_pages_as_the_whole_list_sorts() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&demo_file(dir.path()), ardesk::store::OpenMode::MustExist).unwrap();
    assert!(store.list_indexed());
    let today = d("2026-12-05");
    let everyone = store.customer_list(today).unwrap();
    assert!(everyone.len() >= 40);
    for query in ["", "co", "a", "acme", "inc", "ltd co", "usd", "stripe", "zzz", "ap_", "%", "c%m", "  "] {
        for sort in ALL {
            for desc in [false, true] {
                let view = ListView { sort, desc, query: query.to_string(), today };
                let mut want: Vec<&CustomerListRow> = everyone.iter().filter(|r| matches(r, query)).collect();
                want.sort_by_key(|r| key(r, sort));
                if desc {
                    want.reverse();
                }
                let want: Vec<i64> = want.iter().map(|r| r.id).collect();
                let ranking = store.list_ranked(&view).then(|| store.list_ranking(&view).unwrap());
                let ranking = ranking.as_deref();
                let what = format!("{query:?} {sort:?} desc={desc}");
                for size in [1, 7, 100] {
                    assert_eq!(pages(&store, &view, ranking, size, true), want, "{what} forwards by {size}");
                    assert_eq!(pages(&store, &view, ranking, size, false), want, "{what} backwards by {size}");
                }
                assert_eq!(store.list_count(&view).unwrap(), want.len(), "{what} count");
                // A window from a row on (a reload's anchor) starts at it.
                if let Some(mid) = want.get(want.len() / 2) {
                    let rows = store.list_window(&view, ranking, &Seek::First, want.len()).unwrap();
                    let at = rows.iter().find(|k| k.row.id == *mid).unwrap().key.clone();
                    let from = store.list_window(&view, ranking, &Seek::From(at), 3).unwrap();
                    assert_eq!(from[0].row.id, *mid, "{what} from");
                }
            }
        }
    }
}

/// Every figure a window shows is the whole list's (the summaries'), as of
/// the day asked, also in the orders ranked on the reading thread.
#[test]
fn the_rows_of_a_window_are_the_whole_lists() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&demo_file(dir.path()), ardesk::store::OpenMode::MustExist).unwrap();
    for today in [d("2026-12-05"), d("2026-06-30"), d("2027-03-01")] {
        let everyone = store.customer_list(today).unwrap();
        for sort in [CustomerCol::Name, CustomerCol::Overdue, CustomerCol::Promises] {
            let view = ListView { sort, desc: false, query: String::new(), today };
            let ranking = store.list_ranked(&view).then(|| store.list_ranking(&view).unwrap());
            let rows = store.list_window(&view, ranking.as_deref(), &Seek::First, 1000).unwrap();
            for k in rows {
                let whole = everyone.iter().find(|r| r.id == k.row.id).unwrap();
                assert_eq!(&k.row, whole, "{sort:?} on {today}");
            }
        }
    }
}

/// `check` finds the list's derived tables drifted (written behind
/// ardesk's back), names what, and `check --repair` makes them again.
#[test]
fn check_finds_a_drifted_list_index_and_repair_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_file(dir.path());
    let today = d("2026-12-05");
    assert_eq!(Store::inspect(&path).unwrap().check(today).unwrap(), Vec::<String>::new());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "UPDATE customer_outstanding SET outstanding_minor = outstanding_minor + 1 WHERE customer_id = 1;
             INSERT INTO customer_search(customer_search, rowid, hay)
                 SELECT 'delete', id, hay FROM customer_search_text WHERE id = 2;
             DROP TRIGGER customers_search_after;
             UPDATE customers SET name = 'Renamed Behind The Back' WHERE id = 3;",
        )
        .unwrap();
        // The trigger comes back, as another tool would leave it.
        let sql = include_str!("../src/store/migrations/0017_customer_list.sql");
        let start = sql.find("CREATE TRIGGER customers_search_after").unwrap();
        let end = start + sql[start..].find("END;").unwrap() + 4;
        c.execute_batch(&sql[start..end]).unwrap();
    }
    let found = Store::inspect(&path).unwrap().check(today).unwrap();
    let all = found.join("\n");
    assert!(all.contains("customer 1: the list reads"), "{all}");
    assert!(all.contains("customer 2 is missing from the search index"), "{all}");
    assert!(all.contains("the search index does not match the customers"), "{all}");
    let view = ListView { sort: CustomerCol::Name, desc: false, query: "renamed behind".into(), today };
    assert_eq!(Store::inspect(&path).unwrap().list_count(&view).unwrap(), 0, "the drifted index misses it");

    let mut store = Store::open(&path, ardesk::store::OpenMode::MustExist).unwrap();
    let said = store.repair_list_index().unwrap();
    assert_eq!(said.len(), 2, "{said:?}");
    assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
    assert_eq!(store.list_count(&view).unwrap(), 1, "found once rebuilt");

    // The command line says the same.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ardesk"))
        .args(["--db", path.to_str().unwrap(), "check", "--repair"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("repaired: rebuilt the customers' search index") && text.contains("is consistent"), "{text}");
}

/// A search that matches thousands walks the order's own index, checking
/// each row (`ListPlan::Walk`) or only those the trigram index holds the
/// words' trigrams for (`ListPlan::Sifted`), instead of gathering every
/// match from the trigram index first (`ListPlan::Index`): every plan, and
/// the one the index's counts choose, reads the same rows in the same
/// order as the whole matching set sorted (`list_ranking` gathers them
/// through the index), from either end.
#[test]
fn a_dense_search_walks_the_order_and_finds_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crowd.db");
    let today = d("2026-12-05");
    {
        let mut s = Store::open(&path, ardesk::store::OpenMode::Create).unwrap();
        let opts = ardesk::demo::DemoOptions { today, big_invoices: None, extra_customers: Some(30_000) };
        ardesk::demo::generate(&mut s, &opts).unwrap();
    }
    let store = Store::open(&path, ardesk::store::OpenMode::MustExist).unwrap();
    let plans = [None, Some(ListPlan::Index), Some(ListPlan::Sifted), Some(ListPlan::Walk)];
    for query in ["inc", "usd", "ample", "ing", "usd ing", "ample 50%", "zzz"] {
        let everyone = store.list_count(&ListView { sort: CustomerCol::Name, desc: false, query: query.into(), today });
        let everyone = everyone.unwrap();
        assert!(everyone > 4000 || query.contains(['%', 'z']), "{query:?} is dense");
        for sort in [CustomerCol::Name, CustomerCol::LegalName, CustomerCol::Currency, CustomerCol::Outstanding] {
            for desc in [false, true] {
                let view = ListView { sort, desc, query: query.into(), today };
                let all = store.list_ranking(&view).unwrap();
                assert_eq!(all.len(), everyone);
                for plan in plans {
                    let read = |seek: &Seek<ListKey>| match plan {
                        None => store.list_window(&view, None, seek, 50).unwrap(),
                        Some(p) => store.list_window_planned(&view, None, seek, 50, p).unwrap(),
                    };
                    let what = format!("{query:?} {sort:?} desc={desc} {plan:?}");
                    let mut seek: Seek<ListKey> = Seek::First;
                    let mut got = Vec::new();
                    for _ in 0..3 {
                        let rows = read(&seek);
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

/// As of a date, Outstanding and Overdue come from the dated summary and
/// are ranked on the reading thread: the same order as the whole list as
/// of that date sorts, with and without a search.
#[test]
fn as_of_a_date_the_ranked_orders_are_the_whole_lists() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&demo_file(dir.path()), ardesk::store::OpenMode::MustExist).unwrap();
    for day in [d("2026-06-30"), d("2025-12-31")] {
        store.set_as_of(Some(day)).unwrap();
        let everyone = store.customer_list(day).unwrap();
        for query in ["", "co", "inc"] {
            for sort in [CustomerCol::Outstanding, CustomerCol::Overdue, CustomerCol::Promises, CustomerCol::Name] {
                for desc in [false, true] {
                    let view = ListView { sort, desc, query: query.into(), today: day };
                    let mut want: Vec<&CustomerListRow> = everyone.iter().filter(|r| matches(r, query)).collect();
                    want.sort_by_key(|r| key(r, sort));
                    if desc {
                        want.reverse();
                    }
                    let want: Vec<i64> = want.iter().map(|r| r.id).collect();
                    let ranking = store.list_ranked(&view).then(|| store.list_ranking(&view).unwrap());
                    let what = format!("{day} {query:?} {sort:?} desc={desc}");
                    assert_eq!(pages(&store, &view, ranking.as_deref(), 7, true), want, "{what}");
                    let rows = store.list_window(&view, ranking.as_deref(), &Seek::First, 1000).unwrap();
                    for k in rows {
                        let whole = everyone.iter().find(|r| r.id == k.row.id).unwrap();
                        assert_eq!(&k.row, whole, "{what}");
                    }
                }
            }
        }
    }
}
