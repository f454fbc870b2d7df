//! Property: after any sequence of writes through the store's write paths
//! (invoices, payments, applications, cancellations and refunds), the
//! metric cards equal a straightforward recomputation from the rows, no open
//! balance is negative, no payment is applied beyond what it kept, total
//! applied never exceeds total paid, and `check` finds nothing.

use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::*;
use ardesk::domain::model::{InvoiceRow, PaymentRow};
use ardesk::domain::status::{InvoiceStatus, PaymentStatus};
use ardesk::store::Store;
use ardesk::store::seed::NewCustomer;
use chrono::{Duration, NaiveDate};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Invoice {
        total: i64,
        days_ago: i64,
        terms: i64,
        draft: bool,
    },
    PayOldest {
        amount: i64,
        days_ago: i64,
    },
    PayChosen {
        amount: i64,
        picks: Vec<usize>,
    },
    Cancel {
        picks: Vec<usize>,
    },
    /// Refund `amount` (or all that is left) of the `pick`th payment, `days`
    /// after it was received, at the version seen (or a stale one).
    Refund {
        pick: usize,
        amount: i64,
        all: bool,
        days: i64,
        stale: bool,
    },
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
        (0usize..20, 1i64..600_000, any::<bool>(), 0i64..30, prop::bool::weighted(0.1))
            .prop_map(|(pick, amount, all, days, stale)| Op::Refund { pick, amount, all, days, stale }),
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

fn payments(store: &Store) -> Vec<PaymentRow> {
    store
        .window::<PaymentRow>(1, Sort::default_for(Tab::Payments), &Seek::First, 10_000)
        .unwrap()
        .into_iter()
        .map(|k| k.row)
        .collect()
}

/// The cards recomputed in plain Rust from the rows the tabs show.
#[derive(Debug, PartialEq, Eq)]
struct Cards {
    billed: i64,
    billed_collected: i64,
    outstanding: i64,
    overdue: i64,
    credit: i64,
    collected: i64,
    collected_count: i64,
}

fn recompute(store: &Store) -> Cards {
    let invoices = invoices(store);
    let payments = payments(store);
    let issued = || invoices.iter().filter(|i| i.status.is_issued());
    let open = || invoices.iter().filter(|i| i.status == InvoiceStatus::Open);
    let kept = |p: &PaymentRow| p.amount.minor - p.refunded_minor;
    let succeeded = || payments.iter().filter(|p| p.status == PaymentStatus::Succeeded);
    Cards {
        billed: issued().map(|i| i.total.minor).sum(),
        billed_collected: issued().map(|i| i.applied_minor).sum(),
        outstanding: open().map(|i| i.total.minor - i.applied_minor).sum(),
        overdue: open().filter(|i| i.due_date < today()).map(|i| i.total.minor - i.applied_minor).sum(),
        credit: succeeded().map(|p| kept(p) - p.applied_minor).sum(),
        collected: payments
            .iter()
            .filter(|p| matches!(p.status, PaymentStatus::Succeeded | PaymentStatus::Refunded))
            .map(kept)
            .sum(),
        collected_count: succeeded().count() as i64,
    }
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
        Op::Refund { pick, amount, all, days, stale } => {
            let paid = payments(store);
            let Some(p) = paid.get(pick % paid.len().max(1)) else { return };
            let left = p.amount.minor - p.refunded_minor;
            let draft = RefundDraft {
                refunded_on: p.received_on + Duration::days(*days),
                amount_minor: if *all { left } else { *amount },
                reason: "property".into(),
            };
            let before = (recompute(store), invoices(store), payments(store));
            let version = if *stale { p.version - 1 } else { p.version };
            let done = store.refund_payment(p.id, version, &draft);
            if done.is_err() {
                assert_eq!(
                    before,
                    (recompute(store), invoices(store), payments(store)),
                    "a refused refund changed rows"
                );
            }
            if *stale {
                assert!(done.is_err(), "a refund at a stale version went through");
            }
            done.map(|_| ())
        }
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
        let m = &fast.metrics;
        let cards = Cards {
            billed: m.total_billed.minor,
            billed_collected: m.billed_collected.minor,
            outstanding: m.outstanding.minor,
            overdue: m.overdue.minor,
            credit: m.credit_balance.minor,
            collected: m.total_collected.minor,
            collected_count: m.collected_count,
        };
        prop_assert_eq!(cards, recompute(&store));
        // No open balance is negative; no payment is applied beyond what it
        // kept; total applied never exceeds total paid.
        prop_assert!(invoices(&store).iter().all(|i| i.open_balance().minor >= 0));
        let paid = payments(&store);
        prop_assert!(paid.iter().all(|p| p.applied_minor <= p.amount.minor - p.refunded_minor));
        let applied: i64 = invoices(&store).iter().map(|i| i.applied_minor).sum();
        prop_assert!(applied <= m.total_collected.minor, "applied {} of {} collected", applied, m.total_collected.minor);
    }
}
