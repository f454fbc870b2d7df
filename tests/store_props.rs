//! Property: after any sequence of writes through the store's write paths
//! (invoices, payments, applications, cancellations and refunds, in the
//! customer's currency and another, and Stripe imports with paid amounts
//! and credit balances — new files, the same files again, and newer exports
//! of the same invoices that now say they are paid, which meet local edits;
//! row by row or in bulk), the metric cards equal a straightforward recomputation from
//! the rows, the fast figures equal the oracle's in every currency, no open
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
        eur: bool,
    },
    PayOldest {
        amount: i64,
        days_ago: i64,
        eur: bool,
    },
    PayChosen {
        amount: i64,
        picks: Vec<usize>,
    },
    /// A Stripe export of the customer (with this account balance; below
    /// zero is credit) and these invoices, or the last export once more
    /// (`again` 1), or a newer one of the same invoices, all paid now and
    /// half the balance (`again` 2); bulk or row by row.
    Import {
        balance: i64,
        rows: Vec<ImportRow>,
        again: u8,
        bulk: bool,
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

/// An invoice row of a generated Stripe export: Stripe's `Amount Due` is
/// the total less the customer credit applied, `Amount Paid` what was paid
/// of that.
#[derive(Debug, Clone)]
struct ImportRow {
    total: i64,
    credit: i64,
    paid: i64,
    days_ago: i64,
    eur: bool,
    status: &'static str,
}

fn import_row() -> impl Strategy<Value = ImportRow> {
    (1i64..300_000, prop::bool::weighted(0.2), 0i64..400_000, 0i64..400, prop::bool::weighted(0.2), 0usize..5).prop_map(
        |(total, credited, paid, days_ago, eur, s)| {
            let credit = if credited { total / 3 } else { 0 };
            ImportRow {
                total,
                credit,
                paid: paid.min(total - credit),
                days_ago,
                eur,
                status: ["paid", "open", "open", "void", "draft"][s],
            }
        },
    )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1i64..500_000, 0i64..500, 0i64..60, any::<bool>(), prop::bool::weighted(0.2))
            .prop_map(|(total, days_ago, terms, draft, eur)| Op::Invoice { total, days_ago, terms, draft, eur }),
        (1i64..800_000, 0i64..400, prop::bool::weighted(0.2)).prop_map(|(amount, days_ago, eur)| Op::PayOldest {
            amount,
            days_ago,
            eur
        }),
        (
            -50_000i64..20_000,
            prop::collection::vec(import_row(), 0..8),
            prop_oneof![6 => Just(0u8), 2 => Just(1), 2 => Just(2)],
            any::<bool>()
        )
            .prop_map(|(balance, rows, again, bulk)| Op::Import { balance, rows, again, bulk }),
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

/// Credit granted (imported account balances, credit applied at the
/// source) and not applied, in USD, from the rows of the customer's
/// exported record (credits have no tab).
fn open_credit(store: &Store) -> i64 {
    let mut granted = std::collections::HashMap::<i64, (i64, i64)>::new();
    store
        .export_section::<ardesk::store::StoreError>(1, ardesk::store::import::ExportSection::Credits, |row| {
            let int = |k: &str| row.get(k).and_then(|v| v.as_i64()).unwrap_or(0);
            if row.get("currency").and_then(|v| v.as_str()) == Some("USD") {
                let c = granted.entry(int("id")).or_default();
                c.0 = int("amount_minor");
                c.1 += int("app_amount_minor");
            }
            Ok(())
        })
        .unwrap();
    granted.values().map(|(amount, applied)| amount - applied).sum()
}

/// The cards are of the customer's currency (USD); the others are checked
/// against the oracle.
fn recompute(store: &Store) -> Cards {
    let invoices: Vec<InvoiceRow> = invoices(store).into_iter().filter(|i| i.total.currency == Currency::USD).collect();
    let payments: Vec<PaymentRow> =
        payments(store).into_iter().filter(|p| p.amount.currency == Currency::USD).collect();
    let issued = || invoices.iter().filter(|i| i.status.is_issued());
    let open = || invoices.iter().filter(|i| i.status == InvoiceStatus::Open);
    let kept = |p: &PaymentRow| p.amount.minor - p.refunded_minor;
    let succeeded = || payments.iter().filter(|p| p.status == PaymentStatus::Succeeded);
    Cards {
        billed: issued().map(|i| i.total.minor).sum(),
        billed_collected: issued().map(|i| i.applied_minor).sum(),
        outstanding: open().map(|i| i.total.minor - i.applied_minor).sum(),
        overdue: open().filter(|i| i.due_date < today()).map(|i| i.total.minor - i.applied_minor).sum(),
        credit: succeeded().map(|p| kept(p) - p.applied_minor).sum::<i64>() + open_credit(store),
        collected: payments
            .iter()
            .filter(|p| matches!(p.status, PaymentStatus::Succeeded | PaymentStatus::Refunded))
            .map(kept)
            .sum(),
        collected_count: succeeded().count() as i64,
    }
}

/// Where a case's exports are written, and the last one (for `again`): its
/// balance, first invoice number and rows.
struct Exports {
    dir: tempfile::TempDir,
    imported: usize,
    written: usize,
    last: Option<(i64, usize, Vec<ImportRow>)>,
}

/// Writes a Stripe customers and invoices export of customer `cus_P`, its
/// invoices numbered from `first`.
fn export(x: &mut Exports, balance: i64, first: usize, rows: &[ImportRow]) -> Vec<std::path::PathBuf> {
    use std::fmt::Write as _;
    let money = |m: i64| format!("{}{}.{:02}", if m < 0 { "-" } else { "" }, m.abs() / 100, m.abs() % 100);
    let customers = format!(
        "id,Description,Email,Name,Created (UTC),Account Balance,Currency,Delinquent\n\
         cus_P,,p@example.test,P,2025-01-01 10:00,{},usd,false\n",
        money(balance)
    );
    let mut invoices = String::from(
        "id,Amount Due,Amount Paid,Currency,Customer,Date (UTC),Due Date (UTC),Number,Paid,Status,Total\n",
    );
    for (k, r) in (first..).zip(rows) {
        let issue = today() - Duration::days(r.days_ago);
        let unpaid = matches!(r.status, "void" | "draft");
        let (credit, paid) = if unpaid { (0, 0) } else { (r.credit, r.paid) };
        let due = r.total - credit;
        let status = if r.status == "open" && paid == due { "paid" } else { r.status };
        let _ = writeln!(
            invoices,
            "in_P{k},{due},{paid},{cur},cus_P,{issue} 10:00,{due_on} 10:00,S-{k},{flag},{status},{total}",
            due = money(due),
            paid = money(paid),
            cur = if r.eur { "eur" } else { "usd" },
            due_on = issue + Duration::days(30),
            flag = status == "paid",
            total = money(r.total),
        );
    }
    x.written += 1;
    let n = x.written;
    let files = [("customers", customers), ("invoices", invoices)].map(|(name, text)| {
        let path = x.dir.path().join(format!("{name}-{n}.csv"));
        std::fs::write(&path, text).unwrap();
        path
    });
    files.to_vec()
}

fn apply(store: &mut Store, n: &mut u32, x: &mut Exports, op: &Op) {
    let all = invoices(store);
    let pick = |picks: &[usize]| -> Vec<i64> {
        let mut v: Vec<i64> = picks.iter().filter_map(|i| all.get(i % all.len().max(1)).map(|r| r.id)).collect();
        v.dedup();
        v
    };
    // Refusals (nothing open, stale picks) are fine: the point is that
    // nothing a write does, or refuses, breaks the books.
    let _ = match op {
        Op::Import { balance, rows, again, bulk } => {
            let (balance, first, rows) = match (x.last.clone(), again) {
                (Some(last), 1) => last,
                (Some((balance, first, rows)), 2) => {
                    let paid = |r: ImportRow| ImportRow { paid: r.total - r.credit, status: "paid", ..r };
                    (balance / 2, first, rows.into_iter().map(paid).collect())
                }
                _ => {
                    x.imported += rows.len();
                    (*balance, x.imported + 1 - rows.len(), rows.clone())
                }
            };
            let files = export(x, balance, first, &rows);
            x.last = Some((balance, first, rows));
            let opts = ardesk::import::ImportOptions { skip_bad_rows: true, ..Default::default() };
            let bulk_bytes = if *bulk { 0 } else { u64::MAX };
            let before = (recompute(store), invoices(store), payments(store));
            let done = ardesk::import::run_import_tuned(store, &files, &opts, false, bulk_bytes);
            if let Err(e) = &done {
                assert_eq!(
                    before,
                    (recompute(store), invoices(store), payments(store)),
                    "a failed import changed rows: {e}"
                );
            }
            Ok(())
        }
        Op::Invoice { total, days_ago, terms, draft, eur } => {
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
                        currency: if *eur { Currency::EUR } else { Currency::USD },
                        status: if *draft { InvoiceStatus::Draft } else { InvoiceStatus::Open },
                    },
                )
                .map(|_| ())
        }
        Op::PayOldest { amount, days_ago, eur } => store
            .record_payment(
                1,
                &PaymentDraft {
                    received_on: today() - Duration::days(*days_ago),
                    amount_minor: *amount,
                    currency: if *eur { Currency::EUR } else { Currency::USD },
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
            import: Some((ardesk::domain::status::ImportSource::Stripe, "cus_P", None)),
            invoices_paused: false,
            portal: false,
        })
        .unwrap();
        s.commit().unwrap();
        let mut n = 0;
        let mut x = Exports { dir: tempfile::tempdir().unwrap(), imported: 0, written: 0, last: None };
        for op in &ops {
            apply(&mut store, &mut n, &mut x, op);
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
        // Without imports there is no credit, so every cent applied was
        // collected (imported credit is checked by `check` and the oracle).
        if !ops.iter().any(|o| matches!(o, Op::Import { .. })) {
            let usd = invoices(&store).into_iter().filter(|i| i.total.currency == Currency::USD);
            let applied: i64 = usd.map(|i| i.applied_minor).sum();
            prop_assert!(applied <= m.total_collected.minor, "applied {} of {} collected", applied, m.total_collected.minor);
        }
    }
}
