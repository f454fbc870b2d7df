use super::*;
use crate::domain::columns::{Seek, Sort, Tab};
use crate::domain::model::InvoiceRow;
use crate::domain::status::DisplayStatus;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

fn demo(big: Option<u64>) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    generate(&mut store, &DemoOptions { today: today(), big_invoices: big, extra_customers: None }).unwrap();
    store
}

#[test]
fn demo_is_consistent_and_covers_every_case() {
    let store = demo(Some(2_000));
    assert_eq!(store.check(today()).unwrap(), Vec::<String>::new());
    let list = store.customer_list(today()).unwrap();
    assert_eq!(list.len(), 41);
    for src in ImportSource::ALL {
        assert!(list.iter().any(|c| c.import_source == Some(*src)), "{src:?}");
    }
    assert!(list.iter().any(|c| c.invoices_paused) && list.iter().any(|c| c.portal));
    let mut seen = std::collections::HashSet::new();
    for c in &list {
        let rows = store.window::<InvoiceRow>(c.id, Sort::default_for(Tab::Invoices), &Seek::First, 100_000).unwrap();
        for r in rows {
            seen.insert(r.row.display_status(today()));
        }
    }
    for s in [
        DisplayStatus::Draft,
        DisplayStatus::Open,
        DisplayStatus::PartiallyPaid,
        DisplayStatus::Overdue,
        DisplayStatus::OverduePartial,
        DisplayStatus::Paid,
        DisplayStatus::Cancelled,
        DisplayStatus::Uncollectible,
    ] {
        assert!(seen.contains(&s), "no {s:?} invoice in the demo");
    }
    let acme = store.customer(1).unwrap();
    let f = store.figures(&acme, today()).unwrap();
    assert_eq!(f, store.figures_oracle(&acme, today()).unwrap());
    assert!(f.metrics.credit_balance.minor > 0, "overpayment and credit show");
    assert!(f.metrics.avg_days_to_collect.is_some());
    assert!(f.metrics.conversations.total > 0);
    assert!(f.counts.iter().all(|c| *c > 0), "every tab has rows for the first customer: {:?}", f.counts);
    assert!(
        list.iter().map(|c| store.customer(c.id).unwrap()).any(|c| !store
            .figures(&c, today())
            .unwrap()
            .others
            .is_empty())
    );
}

#[test]
fn demo_is_deterministic() {
    let (a, b) = (demo(None), demo(None));
    assert_eq!(a.customer_list(today()).unwrap(), b.customer_list(today()).unwrap());
    let c = a.customer(1).unwrap();
    assert_eq!(a.figures(&c, today()).unwrap(), b.figures(&c, today()).unwrap());
}

#[test]
fn demo_collections_tell_true_stories() {
    use crate::domain::collections::PromiseState;
    let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    generate(&mut store, &DemoOptions { today, big_invoices: None, extra_customers: None }).unwrap();
    let c = store.conn();
    let ids: Vec<i64> = c
        .prepare("SELECT id FROM conversations WHERE customer_id = 1 AND external_id IS NOT NULL ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut states = Vec::new();
    let mut channels = std::collections::BTreeSet::new();
    let mut resolved = Vec::new();
    for id in ids {
        let d = store.conversation_detail(1, id).unwrap();
        assert!(!d.messages.is_empty() && !d.invoices.is_empty(), "{d:?}");
        assert!(d.messages.iter().any(|m| m.body.lines().count() > 1), "bodies run several lines");
        states.extend(d.promises.iter().map(|p| p.state(today)));
        channels.insert(d.conversation.channel.as_db());
        resolved.push(d.conversation.resolved_by);
        if d.conversation.subject.starts_with("Payment link") {
            // The invoice the agent sent a link for is the one that got paid.
            assert!(d.invoices.iter().all(|i| i.balance.minor == 0), "{d:?}");
        }
    }
    states.sort();
    assert_eq!(states, [PromiseState::Kept, PromiseState::Open, PromiseState::Broken]);
    assert_eq!(channels.len(), 4, "every channel: {channels:?}");
    use crate::domain::collections::ResolvedBy;
    assert!(resolved.contains(&Some(ResolvedBy::Agent)) && resolved.contains(&Some(ResolvedBy::Person)));
    let (active, ended): (i64, i64) = c
        .query_row(
            "SELECT sum(ended_on IS NULL AND until_on > '2026-12-05'), sum(ended_on IS NOT NULL AND ended_on <= '2026-12-05')
             FROM invoice_pauses WHERE customer_id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((active, ended), (1, 1));
    assert_eq!(store.broken_promises(today).unwrap().get(&1), Some(&1));
    assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
}

#[test]
fn demo_crowd_adds_customers_with_varied_names_and_unique_ids() {
    let plain = demo(None).customer_list(today()).unwrap().len() as i64;
    let mut store = Store::open_in_memory().unwrap();
    let opts = DemoOptions { today: today(), big_invoices: None, extra_customers: Some(2_000) };
    let report = generate(&mut store, &opts).unwrap();
    assert_eq!(report.generated_customers, 2_000);
    assert_eq!(store.check(today()).unwrap(), Vec::<String>::new());
    let list = store.customer_list(today()).unwrap();
    assert_eq!(list.len() as i64, plain + 2_000);
    assert_eq!(report.customers, list.len());
    assert!(list.iter().all(|c| !c.name.trim().is_empty()));
    let names: std::collections::HashSet<&str> = list.iter().map(|c| c.name.as_str()).collect();
    assert!(names.len() > 1_500, "mostly distinct names: {}", names.len());
    assert!(names.len() < list.len(), "and some repeated");
    assert!(list.iter().any(|c| !c.name.is_ascii()), "some names not in ASCII");
    let c = store.conn();
    let (sources, distinct): (i64, i64) = c
        .query_row(
            "SELECT count(*), count(DISTINCT import_source || ':' || external_id) FROM customers
             WHERE import_source IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(sources, distinct, "external ids unique per source");
    for src in ImportSource::ALL {
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM customers WHERE import_source = ?1 AND id > ?2",
                (src.as_db(), plain),
                |r| r.get(0),
            )
            .unwrap();
        assert!(n > 50, "{src:?}: {n}");
    }
    let (legal, currencies, owing, overdue): (i64, i64, i64, i64) = c
        .query_row(
            "SELECT (SELECT count(*) FROM customers WHERE id > ?1 AND legal_name <> ''),
                    (SELECT count(DISTINCT currency) FROM customers WHERE id > ?1),
                    (SELECT count(DISTINCT customer_id) FROM invoices WHERE customer_id > ?1 AND status = 'open'),
                    (SELECT count(DISTINCT customer_id) FROM invoices
                     WHERE customer_id > ?1 AND status = 'open' AND due_date < '2026-03-01')",
            [plain],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert!((800..1_200).contains(&legal), "about half with legal names: {legal}");
    assert_eq!(currencies, 5);
    assert!(owing > 200 && overdue > 50 && owing < 700, "owing {owing}, overdue {overdue}");
    // The same crowd every time.
    let mut again = Store::open_in_memory().unwrap();
    generate(&mut again, &opts).unwrap();
    assert_eq!(again.customer_list(today()).unwrap(), list);
}
