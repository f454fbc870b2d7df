//! The customer page's tabs on PostgreSQL read what SQLite's read (issue
//! 21): on the demo copied as the app wrote it, every sort of the
//! Invoices tab both ways, walked window by window forwards and backwards,
//! and a set of filters with their counts and sums, give the same rows and
//! keys on both backends.

mod support;

use ardesk::domain::Currency;
use ardesk::domain::collections::ConversationRow;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::filter::parse;
use ardesk::domain::model::{ActivityRow, ContactRow, ContractRow, DocumentRow, InvoiceRow, PaymentRow};
use ardesk::store::pg::PgStore;
use ardesk::store::pg::window::{PgTabRow, sorts};
use ardesk::store::window::{Keyed, TabRow, View};
use ardesk::store::{OpenMode, Store};
use support::pg::demo_copy;

/// Every row of a view, window by window from the first (and, to check
/// the walk back, from the last).
fn walk<R: Clone>(mut read: impl FnMut(&Seek) -> Vec<Keyed<R>>, forwards: bool) -> Vec<Keyed<R>> {
    let mut out: Vec<Keyed<R>> = Vec::new();
    let mut seek = if forwards { Seek::First } else { Seek::Last };
    loop {
        let got = read(&seek);
        if got.is_empty() {
            break;
        }
        if forwards {
            seek = Seek::After(got.last().unwrap().key.clone());
            out.extend(got);
        } else {
            seek = Seek::Before(got.first().unwrap().key.clone());
            out.splice(0..0, got);
        }
        assert!(out.len() < 100_000, "the walk ends");
    }
    out
}

fn same<R: TabRow + PgTabRow + PartialEq + Clone + std::fmt::Debug>(
    lite: &Store,
    pg: &PgStore,
    customer: i64,
    view: &View,
) -> usize {
    for forwards in [true, false] {
        let a = walk(|s| lite.window_view::<R>(customer, view, s, 7).unwrap(), forwards);
        let b = walk(|s| pg.window_view::<R>(customer, view, s, 7).unwrap(), forwards);
        assert_eq!(b, a, "customer {customer}, {:?} {:?}, forwards {forwards}", view.sort, view.filter.source);
    }
    assert_eq!(
        pg.view_totals::<R>(customer, view).unwrap(),
        lite.view_totals::<R>(customer, view).unwrap(),
        "customer {customer}, {:?}",
        view.filter.source
    );
    lite.window_view::<R>(customer, view, &Seek::First, 1000).unwrap().len()
}

#[test]
fn the_invoices_tab_reads_the_same_on_both_backends() {
    let Some(db) = demo_copy() else { return };
    let lite = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    let pg = PgStore::open(&db.url).unwrap();
    let today = support::TODAY.parse().unwrap();
    // The customers with the most invoices, and one with none.
    let mut ids = lite.customer_ids().unwrap();
    ids.sort_by_key(|id| {
        std::cmp::Reverse(
            lite.window_view::<InvoiceRow>(
                *id,
                &View { sort: Sort::default_for(Tab::Invoices), filter: Default::default(), today },
                &Seek::First,
                1000,
            )
            .unwrap()
            .len(),
        )
    });
    let busiest: Vec<i64> = ids.iter().take(3).copied().collect();
    let mut rows = 0;
    for &c in &busiest {
        for sort in sorts::<InvoiceRow>() {
            rows += same::<InvoiceRow>(&lite, &pg, c, &View { sort, filter: Default::default(), today });
        }
    }
    assert!(rows > 300, "{rows} rows compared");
    let filters = [
        "inv",
        "0001",
        "INV-00",
        "annual",
        "number:inv-000",
        "contract:\"Annual\"",
        "total>1000",
        "total<=500.50",
        "balance>0",
        "status:overdue",
        "status:open,paid",
        "status:partial",
        "status:paused",
        "status:draft,cancelled,uncollectible",
        "aging:current",
        "aging:1-30,31-60",
        "aging:61-90",
        "aging:90+",
        "due<2026-01-01",
        "date:2025",
        "date:2025-Q3",
        "period:2025-Q3",
        "period:2026-02",
        "status:overdue total>1000 due<2026-01-01",
        "50%",
        "a_b",
        "zzz",
    ];
    let mut matched = 0;
    for &c in &busiest {
        let currency: Currency = lite.customer(c).unwrap().currency;
        for text in filters {
            let filter = parse(text, Tab::Invoices, currency).unwrap();
            for sort in
                [Sort::default_for(Tab::Invoices), Sort { col: ardesk::domain::columns::Col::InvTotal, desc: true }]
            {
                matched += same::<InvoiceRow>(&lite, &pg, c, &View { sort, filter: filter.clone(), today });
            }
        }
    }
    assert!(matched > 100, "the filters matched something: {matched}");
}

#[test]
fn the_payments_tab_with_its_credits_reads_the_same_on_both_backends() {
    let Some(db) = demo_copy() else { return };
    let lite = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    let pg = PgStore::open(&db.url).unwrap();
    let today = support::TODAY.parse().unwrap();
    let all = |id: i64| {
        let view = View { sort: Sort::default_for(Tab::Payments), filter: Default::default(), today };
        lite.window_view::<PaymentRow>(id, &view, &Seek::First, 1000).unwrap()
    };
    // Customers with payments and credits both, and the busiest.
    let ids = lite.customer_ids().unwrap();
    let mut chosen: Vec<i64> = ids.iter().copied().filter(|id| all(*id).iter().any(|r| r.row.id < 0)).take(3).collect();
    chosen.extend(ids.iter().copied().max_by_key(|id| all(*id).len()));
    assert!(chosen.len() >= 2, "the demo has customers with credits: {chosen:?}");
    let mut rows = 0;
    for &c in &chosen {
        for sort in sorts::<PaymentRow>() {
            rows += same::<PaymentRow>(&lite, &pg, c, &View { sort, filter: Default::default(), today });
        }
    }
    assert!(rows > 200, "{rows} rows compared");
    let filters = [
        "wire",
        "ach",
        "goodwill",
        "reference:cn-",
        "status:succeeded",
        "status:refunded",
        "status:unapplied",
        "status:pending,failed",
        "amount>100",
        "amount<=50",
        "kind:credit-note",
        "kind:credit",
        "kind:payment",
        "date:2025",
        "date:2026-02",
        "refunded>0",
        "zzz",
    ];
    let mut matched = 0;
    for &c in &chosen {
        let currency: Currency = lite.customer(c).unwrap().currency;
        for text in filters {
            let filter = parse(text, Tab::Payments, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            for sort in [
                Sort::default_for(Tab::Payments),
                Sort { col: ardesk::domain::columns::Col::PayReference, desc: false },
            ] {
                matched += same::<PaymentRow>(&lite, &pg, c, &View { sort, filter: filter.clone(), today });
            }
        }
    }
    assert!(matched > 50, "the filters matched something: {matched}");
}

/// One tab on both backends: the customers with the most rows of it,
/// every sort both ways, and each filter, the same rows and sums.
fn tab_same<R: TabRow + PgTabRow + PartialEq + Clone + std::fmt::Debug>(
    lite: &Store,
    pg: &PgStore,
    tab: Tab,
    filters: &[&str],
) -> (usize, usize) {
    let today = support::TODAY.parse().unwrap();
    let all = |id: i64| {
        let view = View { sort: Sort::default_for(tab), filter: Default::default(), today };
        lite.window_view::<R>(id, &view, &Seek::First, 1000).unwrap().len()
    };
    let mut ids = lite.customer_ids().unwrap();
    ids.sort_by_key(|id| std::cmp::Reverse(all(*id)));
    let (mut rows, mut matched) = (0, 0);
    for &c in ids.iter().take(3) {
        for sort in sorts::<R>() {
            rows += same::<R>(lite, pg, c, &View { sort, filter: Default::default(), today });
        }
        let currency: Currency = lite.customer(c).unwrap().currency;
        for text in filters {
            let filter = parse(text, tab, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            matched += same::<R>(lite, pg, c, &View { sort: Sort::default_for(tab), filter, today });
        }
    }
    (rows, matched)
}

#[test]
fn contracts_contacts_documents_and_activity_read_the_same_on_both_backends() {
    let Some(db) = demo_copy() else { return };
    let lite = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    let pg = PgStore::open(&db.url).unwrap();
    let contracts = tab_same::<ContractRow>(
        &lite,
        &pg,
        Tab::Contracts,
        &[
            "annual",
            "name:plan",
            "status:active",
            "status:ended,cancelled",
            "value>1000",
            "start:2025",
            "period:2026-Q1",
            "terms<=30",
            "type:recurring",
        ],
    );
    let contacts =
        tab_same::<ContactRow>(&lite, &pg, Tab::Contacts, &["a", "@", "email:.com", "role:billing", "name:ann", "555"]);
    let documents = tab_same::<DocumentRow>(
        &lite,
        &pg,
        Tab::Documents,
        &[
            "pdf",
            "type:pdf",
            "type:contract",
            "uploaded:2026",
            "uploaded:2026-03",
            "contract:annual",
            "size>1000",
            "zzz",
        ],
    );
    let activity = tab_same::<ActivityRow>(
        &lite,
        &pg,
        Tab::Activity,
        &["invoice", "who:ann", "what:cancelled", "when:2026", "when:2026-03-09", "when<2026-01-01", "50%"],
    );
    let conversations = tab_same::<ConversationRow>(
        &lite,
        &pg,
        Tab::Conversations,
        &[
            "pay",
            "inv",
            "subject:invoice",
            "status:open,waiting",
            "status:resolved",
            "resolved_by:agent",
            "promise:broken",
            "promise:open,kept",
            "channel:email",
            "opened:2026",
            "last:2026-02",
            "message:pay",
            "invoice:inv",
        ],
    );
    for (what, (rows, matched)) in [
        ("contracts", contracts),
        ("contacts", contacts),
        ("documents", documents),
        ("activity", activity),
        ("conversations", conversations),
    ] {
        assert!(rows > 10 && matched > 3, "{what}: {rows} rows, {matched} matched by filters");
    }
}

/// As of a past date: every tab's rows, statuses and balances as they
/// stood then, and the page's figures, on both backends; writes refused.
#[test]
fn the_books_as_of_a_date_read_the_same_on_both_backends() {
    let Some(db) = demo_copy() else { return };
    let mut lite = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    let mut pg = PgStore::open(&db.url).unwrap();
    for day in ["2025-06-30", "2026-01-15"] {
        let d: chrono::NaiveDate = day.parse().unwrap();
        lite.set_as_of(Some(d)).unwrap();
        pg.set_as_of(Some(d)).unwrap();
        for id in lite.customer_ids().unwrap() {
            let c = lite.customer(id).unwrap();
            assert_eq!(pg.figures(&c, d).unwrap(), lite.figures(&c, d).unwrap(), "customer {id} as of {day}");
        }
        // The tabs on one of the dates: each walk is dozens of windows.
        if day == "2026-01-15" {
            let (invoices, _) =
                tab_same::<InvoiceRow>(&lite, &pg, Tab::Invoices, &["status:paid", "status:open", "balance>0"]);
            let (payments, _) =
                tab_same::<PaymentRow>(&lite, &pg, Tab::Payments, &["status:refunded", "status:unapplied"]);
            let (activity, _) = tab_same::<ActivityRow>(&lite, &pg, Tab::Activity, &["invoice"]);
            assert!(invoices > 10 && payments > 10 && activity > 0, "{day}: {invoices} {payments} {activity}");
        }
        let e = pg.create_customer(&ardesk::domain::edit::CustomerEdit {
            name: "Late".into(),
            legal_name: String::new(),
            billing_email: String::new(),
            billing_address: String::new(),
            currency: Currency::USD,
            invoices_paused: false,
            portal: false,
        });
        let e = e.unwrap_err().to_string();
        assert!(e.contains(&format!("as of {day}; return to today")), "{e}");
    }
    let refused = pg.check(support::TODAY.parse().unwrap()).unwrap_err().to_string();
    assert!(refused.contains("return to today first"), "{refused}");
    lite.set_as_of(None).unwrap();
    pg.set_as_of(None).unwrap();
    let today = support::TODAY.parse().unwrap();
    let c = lite.customer(lite.customer_ids().unwrap()[0]).unwrap();
    assert_eq!(pg.figures(&c, today).unwrap(), lite.figures(&c, today).unwrap(), "back to today");
}
