use super::*;
use crate::domain::columns::{Seek, Sort, Tab};
use crate::domain::model::InvoiceRow;
use crate::domain::status::DisplayStatus;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

fn demo(big: Option<u64>) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    generate(&mut store, &DemoOptions { today: today(), big_invoices: big }).unwrap();
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
