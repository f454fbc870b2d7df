//! Property: after any sequence of writes through the store's write paths,
//! every summary equals its recomputation from the raw rows, no balance is
//! negative and no payment is over-applied (`check` finds nothing).

use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::*;
use ardesk::domain::model::InvoiceRow;
use ardesk::domain::status::InvoiceStatus;
use ardesk::store::Store;
use ardesk::store::seed::NewCustomer;
use chrono::{Duration, NaiveDate};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Invoice { total: i64, days_ago: i64, terms: i64, draft: bool },
    PayOldest { amount: i64, days_ago: i64 },
    PayChosen { amount: i64, picks: Vec<usize> },
    Cancel { picks: Vec<usize> },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1i64..500_000, 0i64..500, 0i64..60, any::<bool>()).prop_map(|(total, days_ago, terms, draft)| Op::Invoice {
            total,
            days_ago,
            terms,
            draft
        }),
        (1i64..800_000, 0i64..400).prop_map(|(amount, days_ago)| Op::PayOldest { amount, days_ago }),
        (1i64..800_000, prop::collection::vec(0usize..40, 1..4))
            .prop_map(|(amount, picks)| Op::PayChosen { amount, picks }),
        prop::collection::vec(0usize..40, 1..6).prop_map(|picks| Op::Cancel { picks }),
    ]
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

fn invoices(store: &Store) -> Vec<InvoiceRow> {
    store
        .window::<InvoiceRow>(1, Sort::default_for(Tab::Invoices), &Seek::First, 10_000)
        .unwrap()
        .into_iter()
        .map(|k| k.row)
        .collect()
}

fn apply(store: &mut Store, n: &mut u32, op: &Op) {
    let all = invoices(store);
    let pick = |picks: &[usize]| -> Vec<i64> {
        let mut v: Vec<i64> = picks.iter().filter_map(|i| all.get(i % all.len().max(1)).map(|r| r.id)).collect();
        v.dedup();
        v
    };
    // Refusals (nothing open, stale picks) are fine: the point is that
    // nothing a write does, or refuses, breaks the books.
    let _ = match op {
        Op::Invoice { total, days_ago, terms, draft } => {
            *n += 1;
            let issue = today() - Duration::days(*days_ago);
            store
                .create_invoice(
                    1,
                    &InvoiceDraft {
                        contract_id: None,
                        number: format!("P-{n}"),
                        issue_date: issue,
                        due_date: issue + Duration::days(*terms),
                        period: None,
                        total_minor: *total,
                        currency: Currency::USD,
                        status: if *draft { InvoiceStatus::Draft } else { InvoiceStatus::Open },
                    },
                )
                .map(|_| ())
        }
        Op::PayOldest { amount, days_ago } => store
            .record_payment(
                1,
                &PaymentDraft {
                    received_on: today() - Duration::days(*days_ago),
                    amount_minor: *amount,
                    currency: Currency::USD,
                    reference: String::new(),
                    allocation: Allocation::OldestFirst,
                },
            )
            .map(|_| ()),
        Op::PayChosen { amount, picks } => store
            .record_payment(
                1,
                &PaymentDraft {
                    received_on: today(),
                    amount_minor: *amount,
                    currency: Currency::USD,
                    reference: String::new(),
                    allocation: Allocation::Invoices(pick(picks)),
                },
            )
            .map(|_| ()),
        Op::Cancel { picks } => store.cancel_invoices(1, &pick(picks)).map(|_| ()),
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn books_stay_consistent(ops in prop::collection::vec(op(), 1..40)) {
        let mut store = Store::open_in_memory().unwrap();
        let s = store.seeder().unwrap();
        s.customer(&NewCustomer {
            name: "P",
            legal_name: "",
            billing_email: "",
            currency: Currency::USD,
            import: None,
            invoices_paused: false,
            portal: false,
        })
        .unwrap();
        s.commit().unwrap();
        let mut n = 0;
        for op in &ops {
            apply(&mut store, &mut n, op);
        }
        prop_assert_eq!(store.check(today()).unwrap(), Vec::<String>::new());
        let c = store.customer(1).unwrap();
        let fast = store.figures(&c, today()).unwrap();
        prop_assert_eq!(&fast, &store.figures_oracle(&c, today()).unwrap());
        // Total applied never exceeds total paid; no open balance is negative.
        prop_assert!(fast.metrics.billed_collected.minor <= fast.metrics.total_collected.minor);
        prop_assert!(invoices(&store).iter().all(|i| i.open_balance().minor >= 0));
    }
}
