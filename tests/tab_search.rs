//! Substring filters on the Invoices tab through the trigram index (issue
//! 19, schema 18): every filter reads the same rows, in the same order and
//! with the same count and sums, whether its words gather their candidates
//! from the index or are checked on every row; hostile words (LIKE's own
//! wildcards, quotes, non-ASCII, one or two characters) included. The index
//! follows every write, bulk loads too, and `check` / `check --repair` find
//! and mend it when something else wrote the file.

mod support;

use ardesk::domain::Currency;
use ardesk::domain::columns::{Col, RowKey, Seek, Sort, Tab};
use ardesk::domain::edit::{ContractDraft, InvoiceDraft};
use ardesk::domain::filter::parse;
use ardesk::domain::model::{InvoiceRow, PaymentRow};
use ardesk::domain::status::*;
use ardesk::store::seed::*;
use ardesk::store::window::{TabRow, View};
use ardesk::store::{OpenMode, Store};
use std::path::{Path, PathBuf};
use support::fixture::d;

/// Numbers that try the index: LIKE's wildcards, quotes, case, accents,
/// words shorter than a trigram, spaces.
const ODD_NUMBERS: [&str; 14] = [
    "INV-50%",
    "INV-500",
    "A_B-1",
    "AXB-1",
    "Q\"UOTE-1",
    "ÄPFEL-ümlaut",
    "äpfel-2",
    "naïve-ÉCOLE",
    "x",
    "ab",
    "back\\slash",
    "tab\tin",
    "INV 77 space",
    "ＩＮＶ-wide",
];

fn today() -> chrono::NaiveDate {
    d("2026-03-01")
}

/// Acme with 3,000 invoices numbered INV-00001…, the odd ones, some on
/// contracts; Other with numbers that hold the same (the index is of every
/// customer's invoices; a filter is of one customer's).
fn make(dir: &Path) -> PathBuf {
    let path = dir.join("search.db");
    let mut store = Store::open(&path, OpenMode::Create).unwrap();
    let s = store.seeder().unwrap();
    s.organization("Northwind Billing", Currency::USD, true, "INV-", None, None).unwrap();
    for name in ["Acme Corp", "Other Ltd"] {
        let c = s
            .customer(&NewCustomer {
                name,
                legal_name: "",
                billing_email: "",
                currency: Currency::USD,
                import: None,
                invoices_paused: false,
                portal: false,
            })
            .unwrap();
        let contract = |name| {
            s.contract(&NewContract {
                customer_id: c,
                name,
                kind: ContractKind::Recurring,
                status: ContractStatus::Active,
                period_start: d("2025-01-01"),
                period_end: None,
                value_minor: 1_000_000,
                currency: Currency::USD,
                payment_terms_days: 30,
                billing_frequency: Some(BillingFrequency::Monthly),
            })
            .unwrap()
        };
        let annual = contract("Annual plan");
        let odd = contract("50% off \"promo\"");
        let mut numbers: Vec<String> = (1..=3000).map(|i| format!("INV-{i:05}")).collect();
        numbers.extend(ODD_NUMBERS.iter().map(|n| n.to_string()));
        if c != 1 {
            // Numbers are unique across customers: Other's hold Acme's.
            numbers.iter_mut().for_each(|n| n.push_str("/2"));
        }
        for (i, number) in numbers.iter().enumerate() {
            let issue = d("2024-01-01") + chrono::Duration::days((i * 7 % 700) as i64);
            s.invoice(&NewInvoice {
                customer_id: c,
                contract_id: match i % 10 {
                    0 => Some(annual),
                    1 => Some(odd),
                    _ => None,
                },
                number,
                issue_date: issue,
                due_date: issue + chrono::Duration::days(30),
                period: None,
                currency: Currency::USD,
                total_minor: 1_000 + (i as i64 * 7_919) % 500_000,
                status: match i % 4 {
                    0 | 1 => InvoiceStatus::Open,
                    2 => InvoiceStatus::Cancelled,
                    _ => InvoiceStatus::Draft,
                },
            })
            .unwrap();
        }
        // Payments with references like Stripe's charge ids and the odd
        // ones; credits, whose reason the tab shows as their reference.
        let mut references: Vec<String> = (1..=2000).map(|i| format!("ch_{i:06}")).collect();
        references.extend(ODD_NUMBERS.iter().map(|n| n.to_string()));
        for (i, reference) in references.iter().enumerate() {
            s.payment(&NewPayment {
                customer_id: c,
                received_on: d("2024-01-01") + chrono::Duration::days((i % 500) as i64),
                amount_minor: 100 + (i as i64 * 6_007) % 900_000,
                refunded_minor: 0,
                currency: Currency::USD,
                reference,
                status: if i % 5 == 0 { PaymentStatus::Failed } else { PaymentStatus::Succeeded },
                method: PaymentMethod::Manual,
            })
            .unwrap();
        }
        for (i, reason) in ["Goodwill 50%", "ch_000001 duplicate", "Ｗide reason", "x"].iter().enumerate() {
            s.credit(c, d("2024-06-01") + chrono::Duration::days(i as i64), 5_000, Currency::USD, reason).unwrap();
        }
    }
    s.commit().unwrap();
    path
}

/// Every row of the filter, window by window of `step` from either end,
/// gathering candidates up to `cap` (0: never).
fn all_rows(store: &Store, view: &View, step: usize, cap: i64, backwards: bool) -> Vec<i64> {
    all_rows_of::<InvoiceRow>(store, view, step, cap, backwards)
}

fn all_rows_of<R: TabRow>(store: &Store, view: &View, step: usize, cap: i64, backwards: bool) -> Vec<i64> {
    let mut out = Vec::new();
    let mut seek = if backwards { Seek::Last } else { Seek::First };
    loop {
        let rows = store.window_view_gathering::<R>(1, view, &seek, step, Some(cap)).unwrap();
        let n = rows.len();
        let edge: Option<RowKey> = if backwards { rows.first() } else { rows.last() }.map(|k| k.key.clone());
        if backwards {
            out.splice(0..0, rows.into_iter().map(|k| k.key.id));
        } else {
            out.extend(rows.into_iter().map(|k| k.key.id));
        }
        match edge {
            Some(k) if n == step => seek = if backwards { Seek::Before(k) } else { Seek::After(k) },
            _ => return out,
        }
    }
}

const FILTERS: [&str; 22] = [
    "number:zzz",
    "zzz",
    "inv-00",
    "inv-001 total>1000",
    "INV-0299",
    "50%",
    "number:50%",
    "contract:50%",
    "a_b",
    "\"q\"\"uote\"",
    "äpfel",
    "ÄPFEL",
    "école",
    "ab",
    "v-",
    "contract:annual",
    "plan inv-02",
    "annual status:open",
    "slash",
    "\"77 space\"",
    "ｎｖ-",
    "number:\"inv-01\" contract:\"annual plan\"",
];

/// Each filter reads the same rows whichever way its words are read: from
/// the index (cap above any count) or row by row (cap 0), in each of four
/// orders, window by window from both ends; and its count and sums are
/// those of its rows.
#[test]
fn gathered_and_row_by_row_read_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&make(dir.path()), OpenMode::MustExist).unwrap();
    let mut nonempty = 0;
    for text in FILTERS {
        let filter = parse(text, Tab::Invoices, Currency::USD).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        for (col, desc) in
            [(Col::InvNumber, false), (Col::InvTotal, true), (Col::InvDate, false), (Col::InvStatus, true)]
        {
            let view = View { sort: Sort { col, desc }, filter: filter.clone(), today: today() };
            let by_row = all_rows(&store, &view, 1000, 0, false);
            for (step, back) in [(1, false), (7, true), (25, false), (1000, true)] {
                assert_eq!(
                    all_rows(&store, &view, step, i64::MAX, back),
                    by_row,
                    "{text:?} by {col:?}, {step}, {back}"
                );
            }
            let (count, _) = store.view_totals::<InvoiceRow>(1, &view).unwrap();
            assert_eq!(count as usize, by_row.len(), "{text:?}: the count");
        }
        let view = View { sort: Sort { col: Col::InvNumber, desc: false }, filter, today: today() };
        let rows = store.window_view_gathering::<InvoiceRow>(1, &view, &Seek::First, 10_000, Some(0)).unwrap();
        if !rows.is_empty() {
            nonempty += 1;
        }
        let (_, sums) = store.view_totals::<InvoiceRow>(1, &view).unwrap();
        let sums = sums.unwrap();
        let shown: i64 =
            rows.iter().filter(|k| k.row.status != InvoiceStatus::Cancelled).map(|k| k.row.total.minor).sum();
        assert_eq!(sums.sum.iter().map(|m| m.minor).sum::<i64>(), shown, "{text:?}: Σ total");
    }
    assert!(nonempty >= 15, "most filters find something ({nonempty})");
}

/// The Payments tab the same way: payments and credits (listed by their
/// id negated) found by reference, gathered or row by row alike.
#[test]
fn payments_and_credits_read_the_same_rows_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&make(dir.path()), OpenMode::MustExist).unwrap();
    let mut found = Vec::new();
    for text in [
        "ch_0001",
        "reference:50%",
        "ref:goodwill",
        "zzz",
        "ch_000001",
        "amount>100 ch_01",
        "ÄPFEL",
        "äpfel",
        "ｗide",
        "Ｗide",
        "ab",
        "status:failed ch_00",
        "kind:credit 50",
    ] {
        let filter = parse(text, Tab::Payments, Currency::USD).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        for (col, desc) in [(Col::PayDate, true), (Col::PayAmount, false), (Col::PayReference, false)] {
            let view = View { sort: Sort { col, desc }, filter: filter.clone(), today: today() };
            let by_row = all_rows_of::<PaymentRow>(&store, &view, 1000, 0, false);
            for (step, back) in [(1, true), (9, false), (1000, false)] {
                let got = all_rows_of::<PaymentRow>(&store, &view, step, i64::MAX, back);
                assert_eq!(got, by_row, "{text:?} by {col:?}, {step}, {back}");
            }
            let (count, _) = store.view_totals::<PaymentRow>(1, &view).unwrap();
            assert_eq!(count as usize, by_row.len(), "{text:?}: the count");
            if col == Col::PayDate {
                found.push((text, by_row));
            }
        }
    }
    let n = |t: &str| found.iter().find(|(x, _)| *x == t).unwrap().1.len();
    assert_eq!(n("ch_0001"), 100, "ch_000100 to ch_000199");
    assert_eq!(n("reference:50%"), 2, "INV-50% and the credit Goodwill 50%");
    assert!(found.iter().find(|(x, _)| *x == "ch_000001").unwrap().1.iter().any(|id| *id < 0), "a credit's reason");
    assert_eq!(n("zzz"), 0);
    assert_eq!(n("ÄPFEL"), 1, "lowered as the filter always did: äpfel-2, not ÄPFEL-ümlaut");
}

/// What the words find, by hand: LIKE's wildcards are literal, ASCII case
/// folds and other letters match as typed, the other customer's invoices
/// are never shown.
#[test]
fn the_words_find_what_they_say() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&make(dir.path()), OpenMode::MustExist).unwrap();
    let numbers = |text: &str| -> Vec<String> {
        let view = View {
            sort: Sort { col: Col::InvNumber, desc: false },
            filter: parse(text, Tab::Invoices, Currency::USD).unwrap(),
            today: today(),
        };
        store
            .window_view::<InvoiceRow>(1, &view, &Seek::First, 10_000)
            .unwrap()
            .into_iter()
            .map(|k| k.row.number)
            .collect()
    };
    assert_eq!(numbers("number:50%"), ["INV-50%"]);
    assert_eq!(numbers("number:a_b"), ["A_B-1"]);
    assert_eq!(numbers("äpfel"), ["äpfel-2"], "non-ASCII letters match as typed");
    assert_eq!(numbers("école"), Vec::<String>::new(), "É is not é to LIKE");
    assert_eq!(numbers("naïve-é"), Vec::<String>::new());
    // ASCII folded only, as LIKE folds: a word typed as the text holds it
    // finds it (lowered by Unicode's rules, "ÉCOLE" was "école", which no
    // number holds).
    assert_eq!(numbers("ÉCOLE"), ["naïve-ÉCOLE"]);
    assert_eq!(numbers("NAÏVE-école"), Vec::<String>::new());
    assert_eq!(numbers("NAïVE-ÉCOLE"), ["naïve-ÉCOLE"]);
    assert_eq!(numbers("number:ÄPFEL"), ["ÄPFEL-ümlaut"]);
    assert_eq!(numbers("number=NAïVE-ÉCOLE"), ["naïve-ÉCOLE"]);
    assert_eq!(numbers("\"q\"\"uote\""), Vec::<String>::new(), "a doubled quote is not a quote in the number");
    assert_eq!(numbers("uote-1"), ["Q\"UOTE-1"]);
    assert_eq!(
        numbers("inv-0299"),
        [
            "INV-02990",
            "INV-02991",
            "INV-02992",
            "INV-02993",
            "INV-02994",
            "INV-02995",
            "INV-02996",
            "INV-02997",
            "INV-02998",
            "INV-02999"
        ]
    );
    assert_eq!(numbers("number:zzz"), Vec::<String>::new());
    assert_eq!(numbers("\"77 space\""), ["INV 77 space"]);
    assert_eq!(numbers("slash").len(), 1);
    assert_eq!(numbers("contract:annual").len(), 302, "one in ten of 3,014");
}

fn invoice_id(path: &Path, customer: i64, number: &str) -> (i64, i64) {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT id, version FROM invoices WHERE customer_id = ?1 AND number = ?2", (customer, number), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
}

fn count(store: &Store, text: &str) -> i64 {
    let view = View {
        sort: Sort { col: Col::InvNumber, desc: false },
        filter: parse(text, Tab::Invoices, Currency::USD).unwrap(),
        today: today(),
    };
    store.view_totals::<InvoiceRow>(1, &view).unwrap().0
}

/// The index follows the writes: a draft renumbered, a contract renamed
/// (its invoices carry its name), an invoice deleted; `check` agrees.
#[test]
fn the_index_follows_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = make(dir.path());
    let mut store = Store::open(&path, OpenMode::MustExist).unwrap();
    assert_eq!(store.check(today()).unwrap(), Vec::<String>::new());

    let (id, version) = invoice_id(&path, 1, "INV-00004");
    // INV-00004 is the fourth made: a draft, no contract, issued 21 days in.
    let draft = InvoiceDraft {
        contract_id: None,
        number: "RENUMBERED-9".into(),
        issue_date: d("2024-01-22"),
        due_date: d("2024-02-21"),
        period: None,
        total_minor: 1_000 + 3 * 7_919,
        currency: Currency::USD,
        status: InvoiceStatus::Draft,
        memo: String::new(),
        lines: Vec::new(),
    };
    store.update_draft_invoice(1, id, version, &draft).unwrap();
    assert_eq!(count(&store, "renumbered"), 1);
    assert_eq!(count(&store, "number:inv-00004"), 0);

    let (contract, cversion): (i64, i64) = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT id, version FROM contracts WHERE customer_id = 1 AND name = 'Annual plan'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let renamed = ContractDraft {
        name: "Enterprise tier".into(),
        kind: ContractKind::Recurring,
        status: ContractStatus::Active,
        period_start: d("2025-01-01"),
        period_end: None,
        value_minor: 1_000_000,
        currency: Currency::USD,
        payment_terms_days: 30,
        billing_frequency: Some(BillingFrequency::Monthly),
    };
    store.update_contract(contract, cversion, &renamed).unwrap();
    assert_eq!(count(&store, "contract:enterprise"), 302);
    assert_eq!(count(&store, "contract:annual"), 0);

    let (gone, _) = invoice_id(&path, 1, "INV-00008");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "DELETE FROM invoice_lines WHERE invoice_id = {gone}; DELETE FROM invoices WHERE id = {gone};"
        ))
        .unwrap();
    assert_eq!(count(&store, "inv-00008"), 0);
    assert_eq!(Store::inspect(&path).unwrap().check(today()).unwrap(), Vec::<String>::new());
}

/// Written behind ardesk's back (a trigger dropped, the index emptied of
/// one invoice): `check` says so, the filter misses it, and `check
/// --repair` makes the index again.
#[test]
fn check_finds_a_drifted_index_and_repair_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = make(dir.path());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP TRIGGER invoices_search_update;
             UPDATE invoices SET number = 'BEHIND-THE-BACK' WHERE customer_id = 1 AND number = 'INV-00010';
             DELETE FROM invoice_search WHERE rowid = (SELECT id FROM invoices WHERE number = 'INV-00011' AND customer_id = 1);
             DELETE FROM payment_search WHERE rowid = -1;",
        )
        .unwrap();
        let sql = include_str!("../src/store/migrations/0018_tab_search.sql");
        let start = sql.find("CREATE TRIGGER invoices_search_update").unwrap();
        let end = start + sql[start..].find("END;").unwrap() + 4;
        c.execute_batch(&sql[start..end]).unwrap();
    }
    let found = Store::inspect(&path).unwrap().check(today()).unwrap().join("\n");
    assert!(found.contains("1 invoices missing from their search index (first ids: "), "{found}");
    assert!(found.contains("1 payments and credits missing from their search index (first ids: -1)"), "{found}");
    assert_eq!(count(&Store::inspect(&path).unwrap(), "behind-the"), 0, "the drifted index misses it");

    // The rename alone (the missing row put back by hand): the trigrams differ.
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "INSERT INTO invoice_search(rowid, number, contract_name)
             SELECT id, number, contract_name FROM invoices WHERE number = 'INV-00011' AND customer_id = 1;",
        )
        .unwrap();
    }
    let found = Store::inspect(&path).unwrap().check(today()).unwrap().join("\n");
    assert!(found.contains("the search index of invoices does not match their text"), "{found}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ardesk"))
        .args(["--db", path.to_str().unwrap(), "check", "--repair"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("repaired: rebuilt the search index of invoices") && text.contains("is consistent"),
        "{text}"
    );
    assert_eq!(count(&Store::inspect(&path).unwrap(), "behind-the"), 1, "found once rebuilt");
}

/// A bulk load lifts the search index's insert triggers and indexes what
/// it made at the end. A row it deleted and made again takes the old
/// largest id back (no AUTOINCREMENT): it is indexed too (the property
/// test found it missing when only ids past the largest before were).
#[test]
fn a_bulk_load_indexes_a_row_made_again_with_its_old_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = make(dir.path());
    let mut c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let (last, customer): (i64, i64) = c
        .query_row("SELECT id, customer_id FROM invoices ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let tx = c.transaction().unwrap();
    let suspended = ardesk::store::summaries::suspend(&tx).unwrap();
    tx.execute_batch(&format!(
        "DELETE FROM invoice_lines WHERE invoice_id = {last};
         DELETE FROM invoices WHERE id = {last};
         INSERT INTO invoices(customer_id, number, issue_date, due_date, currency, total_minor, status, created_at)
         VALUES ({customer}, 'MADE-AGAIN-1', '2026-01-01', '2026-01-31', 'USD', 1000, 'open', '2026-01-01T00:00:00Z');"
    ))
    .unwrap();
    let again: i64 = tx.query_row("SELECT id FROM invoices WHERE number = 'MADE-AGAIN-1'", [], |r| r.get(0)).unwrap();
    assert_eq!(again, last, "the old id, given again");
    ardesk::store::summaries::rebuild(&tx, &[customer], suspended).unwrap();
    tx.commit().unwrap();
    drop(c);
    let store = Store::inspect(&path).unwrap();
    assert_eq!(store.check(today()).unwrap(), Vec::<String>::new());
    let view = View {
        sort: Sort { col: Col::InvNumber, desc: false },
        filter: parse("made-again", Tab::Invoices, Currency::USD).unwrap(),
        today: today(),
    };
    let rows = store.window_view_gathering::<InvoiceRow>(customer, &view, &Seek::First, 10, Some(i64::MAX)).unwrap();
    assert_eq!(rows.len(), 1, "found through the index");
}
