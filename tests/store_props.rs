//! Property: after any sequence of writes through the store's write paths
//! (invoices, payments, applications, cancellations and refunds, remainders
//! and credit applied later, credit granted, for several
//! customers in currencies with 2, 0 and 3 decimals and in a second currency
//! each, and Stripe imports with paid amounts and credit balances — new
//! files, the same files again, and newer exports of the same invoices that
//! now say they are paid, which meet local edits; row by row or in bulk),
//! with amounts up to the largest ardesk keeps and past it, on days across
//! three centuries and leap days:
//! - every card of every customer, aging and Avg. Days to Collect included,
//!   equals a recomputation here from the customer's raw rows as its export
//!   gives them (never the cached applied amounts or the summaries), with
//!   this file's own bucketing, window and rounding;
//! - the fast figures equal the oracle's, in every currency; `check` finds
//!   nothing;
//! - a write that is refused (an amount past the bounds, `i64::MAX`, a stale
//!   version, nothing to pay, an issued invoice's fields) changes no
//!   customer's books; a draft's edit (with lines that make its total or
//!   none), its issue and any invoice's memo keep them right;
//! - no open balance is negative, no payment is applied beyond what it kept;
//! - every invoice's stored balance (schema 5) is what its export's rows
//!   say it owes, and the status line's sums — from the summaries, and from
//!   a filtered view's count as the worker makes it — are those of the rows.
//!
//! 256 cases by default; `PROPTEST_CASES` sets more.

mod support;

use ardesk::domain::bounds::MAX_AMOUNT_MINOR;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::edit::*;
use ardesk::domain::filter::parse;
use ardesk::domain::metrics::MetricParts;
use ardesk::domain::model::{InvoiceRow, PaymentRow};
use ardesk::domain::status::InvoiceStatus;
use ardesk::domain::{Currency, Money};
use ardesk::store::import::ExportSection;
use ardesk::store::seed::NewCustomer;
use ardesk::store::window::View;
use ardesk::store::{Books, CustomerFigures, Store, StoreError};
use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, HashMap};

/// The customers of every case: ids 1, 2, 3, each with its own currency
/// and a second one it is also billed in. Only the first is a Stripe
/// customer (the imports are its).
const CUSTOMERS: [(&str, &str, &str); 3] = [("P", "USD", "EUR"), ("Yamada", "JPY", "USD"), ("Gulf", "KWD", "JPY")];

fn currency(code: &str) -> Currency {
    code.parse().unwrap()
}

/// The currency of customer `who` (0-based), or its second one.
fn cur(who: usize, other: bool) -> Currency {
    let (_, own, second) = CUSTOMERS[who % CUSTOMERS.len()];
    currency(if other { second } else { own })
}

#[derive(Debug, Clone)]
enum Op {
    Invoice {
        who: usize,
        total: i64,
        days_ago: i64,
        terms: i64,
        draft: bool,
        other: bool,
    },
    PayOldest {
        who: usize,
        amount: i64,
        days_ago: i64,
        other: bool,
    },
    PayChosen {
        who: usize,
        amount: i64,
        picks: Vec<usize>,
    },
    /// A Stripe export of customer 1 (with this account balance; below zero
    /// is credit) and these invoices, or the last export once more (`again`
    /// 1), or a newer one of the same invoices, all paid now and half the
    /// balance (`again` 2); bulk or row by row.
    Import {
        balance: i64,
        rows: Vec<ImportRow>,
        again: u8,
        bulk: bool,
    },
    Cancel {
        who: usize,
        picks: Vec<usize>,
    },
    /// Refund `amount` (or all that is left) of the `pick`th payment, `days`
    /// after it was received, at the version seen (or a stale one).
    Refund {
        who: usize,
        pick: usize,
        amount: i64,
        all: bool,
        days: i64,
        stale: bool,
    },
    /// Save the `pick`th invoice as a draft of `total` (with two lines
    /// that make it, or none), at the version seen or a stale one.
    EditDraft {
        who: usize,
        pick: usize,
        total: i64,
        lines: bool,
        stale: bool,
    },
    /// Issue the `pick`th invoice (a draft or not).
    Issue {
        who: usize,
        pick: usize,
        stale: bool,
    },
    /// Set the memo of the `pick`th invoice, whatever its status.
    Memo {
        who: usize,
        pick: usize,
        stale: bool,
    },
    /// Unapply the `app`th live application of the `pick`th invoice with
    /// money or credit applied,
    /// `days` after it was applied (before it: refused), as its customer
    /// or as another one (`foreign`: refused), then once more (`again`:
    /// refused, it is removed already).
    Unapply {
        who: usize,
        pick: usize,
        app: usize,
        days: i64,
        foreign: bool,
        again: bool,
    },
    /// Write off the `picks`th invoices that owe, and the `stray`th of all
    /// (paid, draft…), as bad debt `days_ago` (those not open with a
    /// balance, or issued after the date, are left; none left: refused),
    /// with a reason or (refused) none.
    WriteOff {
        who: usize,
        picks: Vec<usize>,
        stray: Option<usize>,
        days_ago: i64,
        reason: bool,
    },
    /// Reverse the write-off of the `pick`th uncollectible invoice `days`
    /// after it was written off (before: refused), at the version seen or
    /// a stale one.
    ReverseWriteOff {
        who: usize,
        pick: usize,
        days: i64,
        stale: bool,
    },
    /// Apply the `pick`th payment's unapplied remainder today.
    ApplyPayment(Settle),
    /// Apply what is left of the `pick`th credit today.
    ApplyCredit(Settle),
    /// Issue a credit note of `amount` `days_ago` against the `pick`th
    /// invoice (in its currency) or standalone, its excess kept as credit
    /// or refunded (`refund`).
    CreditNote {
        who: usize,
        pick: Option<usize>,
        amount: i64,
        days_ago: i64,
        refund: bool,
    },
    /// Void the `pick`th credit (granted credit: refused) `days` after its
    /// date (before: refused), at the version seen or a stale one.
    VoidCredit {
        who: usize,
        pick: usize,
        days: i64,
        stale: bool,
    },
    /// Close the `picks`th invoices' small balances `days_ago`, over the
    /// limit too when `over`.
    SmallBalance {
        who: usize,
        picks: Vec<usize>,
        days_ago: i64,
        over: bool,
    },
    /// Grant credit `days_ago`, with a reason or (refused) none.
    GrantCredit {
        who: usize,
        amount: i64,
        days_ago: i64,
        other: bool,
        reason: bool,
    },
}

/// Where a remainder goes: oldest first (all of it, or `amount`), or to
/// the `picks`th invoices, each a percentage of what it owes (past 100 is
/// refused); at the version seen or a stale one.
#[derive(Debug, Clone)]
struct Settle {
    who: usize,
    pick: usize,
    oldest: bool,
    all: bool,
    amount: i64,
    picks: Vec<(usize, i64)>,
    stale: bool,
}

fn settle() -> impl Strategy<Value = Settle> {
    (
        0usize..3,
        0usize..10,
        any::<bool>(),
        any::<bool>(),
        amount(300_000),
        prop::collection::vec((0usize..40, prop_oneof![3 => 1i64..=100, 1 => Just(100), 1 => 0i64..=130]), 1..4),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(who, pick, oldest, all, amount, picks, stale)| Settle {
            who,
            pick,
            oldest,
            all,
            amount,
            picks,
            stale,
        })
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

/// An amount: mostly everyday ones, some up to the largest ardesk keeps,
/// some past it (refused), and the edges of `i64`.
fn amount(everyday: i64) -> impl Strategy<Value = i64> {
    prop_oneof![
        12 => 1..everyday,
        2 => (MAX_AMOUNT_MINOR / 1000)..=MAX_AMOUNT_MINOR,
        1 => Just(MAX_AMOUNT_MINOR),
        1 => (MAX_AMOUNT_MINOR + 1)..i64::MAX,
        1 => prop_oneof![Just(i64::MAX), Just(i64::MIN), Just(0), Just(-1)],
    ]
}

/// Days past due of a new invoice: often on either side of an aging
/// boundary, where a formula off by one day shows.
fn days_late() -> impl Strategy<Value = i64> {
    prop_oneof![
        1 => prop::sample::select(vec![-1i64, 0, 1, 29, 30, 31, 59, 60, 61, 89, 90, 91, 92]),
        1 => -60i64..440,
    ]
}

/// Days since a payment was received: often at the edge of the 365-day
/// window of Avg. Days to Collect.
fn days_received() -> impl Strategy<Value = i64> {
    prop_oneof![1 => prop::sample::select(vec![0i64, 1, 363, 364, 365, 366]), 2 => 0i64..400]
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
    let who = 0usize..3;
    prop_oneof![
        (who.clone(), amount(500_000), days_late(), 0i64..60, prop::bool::weighted(0.2), prop::bool::weighted(0.2))
            .prop_map(|(who, total, late, terms, draft, other)| Op::Invoice {
                who,
                total,
                days_ago: late + terms,
                terms,
                draft,
                other
            }),
        (who.clone(), amount(800_000), days_received(), prop::bool::weighted(0.2))
            .prop_map(|(who, amount, days_ago, other)| Op::PayOldest { who, amount, days_ago, other }),
        (
            -50_000i64..20_000,
            prop::collection::vec(import_row(), 0..6),
            prop_oneof![6 => Just(0u8), 2 => Just(1), 2 => Just(2)],
            any::<bool>()
        )
            .prop_map(|(balance, rows, again, bulk)| Op::Import { balance, rows, again, bulk }),
        (who.clone(), amount(800_000), prop::collection::vec(0usize..40, 1..4))
            .prop_map(|(who, amount, picks)| Op::PayChosen { who, amount, picks }),
        (who.clone(), prop::collection::vec(0usize..40, 1..6)).prop_map(|(who, picks)| Op::Cancel { who, picks }),
        (who.clone(), 0usize..20, amount(600_000), any::<bool>(), 0i64..30, prop::bool::weighted(0.1))
            .prop_map(|(who, pick, amount, all, days, stale)| Op::Refund { who, pick, amount, all, days, stale }),
        (who.clone(), 0usize..40, amount(500_000), any::<bool>(), prop::bool::weighted(0.1))
            .prop_map(|(who, pick, total, lines, stale)| Op::EditDraft { who, pick, total, lines, stale }),
        (who.clone(), 0usize..40, prop::bool::weighted(0.1)).prop_map(|(who, pick, stale)| Op::Issue {
            who,
            pick,
            stale
        }),
        (who.clone(), 0usize..40, prop::bool::weighted(0.1)).prop_map(|(who, pick, stale)| Op::Memo {
            who,
            pick,
            stale
        }),
        (
            who.clone(),
            0usize..40,
            0usize..4,
            prop_oneof![1 => -3i64..0, 6 => 0i64..40],
            prop::bool::weighted(0.1),
            prop::bool::weighted(0.1)
        )
            .prop_map(|(who, pick, app, days, foreign, again)| Op::Unapply {
                who,
                pick,
                app,
                days,
                foreign,
                again
            }),
        (
            who.clone(),
            prop::collection::vec(0usize..20, 1..3),
            prop::option::weighted(0.3, 0usize..40),
            0i64..40,
            prop::bool::weighted(0.9)
        )
            .prop_map(|(who, picks, stray, days_ago, reason)| Op::WriteOff {
                who,
                picks,
                stray,
                days_ago,
                reason
            }),
        (who.clone(), 0usize..10, prop_oneof![1 => -3i64..0, 6 => 0i64..40], prop::bool::weighted(0.1))
            .prop_map(|(who, pick, days, stale)| Op::ReverseWriteOff { who, pick, days, stale }),
        (who.clone(), prop::option::weighted(0.8, 0usize..40), amount(100_000), 0i64..40, prop::bool::weighted(0.3))
            .prop_map(|(who, pick, amount, days_ago, refund)| Op::CreditNote { who, pick, amount, days_ago, refund }),
        (who.clone(), 0usize..10, prop_oneof![1 => -3i64..0, 6 => 0i64..40], prop::bool::weighted(0.1))
            .prop_map(|(who, pick, days, stale)| Op::VoidCredit { who, pick, days, stale }),
        (who.clone(), prop::collection::vec(0usize..40, 1..3), 0i64..40, prop::bool::weighted(0.5))
            .prop_map(|(who, picks, days_ago, over)| Op::SmallBalance { who, picks, days_ago, over }),
        settle().prop_map(Op::ApplyPayment),
        settle().prop_map(Op::ApplyCredit),
        (who, amount(200_000), days_received(), prop::bool::weighted(0.2), prop::bool::weighted(0.9)).prop_map(
            |(who, amount, days_ago, other, reason)| Op::GrantCredit { who, amount, days_ago, other, reason }
        ),
    ]
}

/// "Today" of a case: now, leap days, the turns of two centuries, and the
/// first and last years ardesk keeps (every generated date stays inside).
fn today() -> impl Strategy<Value = NaiveDate> {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    prop::sample::select(vec![
        d("2026-03-01"),
        d("2024-02-29"),
        d("2028-02-29"),
        d("2000-02-29"),
        d("1999-12-31"),
        d("2100-03-01"),
        d("1901-06-01"),
        d("2199-06-01"),
    ])
}

fn invoices(store: &Books, customer: i64) -> Vec<InvoiceRow> {
    store
        .window::<InvoiceRow>(customer, Sort::default_for(Tab::Invoices), &Seek::First, 10_000)
        .unwrap()
        .into_iter()
        .map(|k| k.row)
        .collect()
}

/// The customer's payments (not the credits listed beside them).
fn payments(store: &Books, customer: i64) -> Vec<PaymentRow> {
    store
        .window::<PaymentRow>(customer, Sort::default_for(Tab::Payments), &Seek::First, 10_000)
        .unwrap()
        .into_iter()
        .map(|k| k.row)
        .filter(|r| r.payment_id().is_some())
        .collect()
}

/// One customer's books in one currency, recomputed here.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Ledger {
    invoices: i64,
    /// Net billed: totals of issued invoices less the credit applied to
    /// them (credit is not collection: design §3, rule of 2026-12-05).
    billed: i64,
    /// Money only: payments applied to issued invoices.
    billed_applied: i64,
    /// Credit applied to issued invoices (the summary's
    /// `billed_credited_minor`).
    billed_credited: i64,
    outstanding: i64,
    aging: [i64; 5],
    credit: i64,
    collected: i64,
    collected_count: i64,
    window_applied: i64,
    window_weighted: i128,
    /// The status line's Σ total (cancelled invoices left out) and Σ
    /// balance on the Invoices tab.
    shown_total: i64,
    balance: i64,
}

/// A JSON field of an exported row.
fn int(row: &serde_json::Map<String, serde_json::Value>, k: &str) -> i64 {
    row.get(k).and_then(serde_json::Value::as_i64).unwrap_or(0)
}

fn text<'a>(row: &'a serde_json::Map<String, serde_json::Value>, k: &str) -> &'a str {
    row.get(k).and_then(serde_json::Value::as_str).unwrap_or("")
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The rows of one section of customer `customer`'s export.
fn export_rows(store: &Books, customer: i64, s: ExportSection) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let mut rows = Vec::new();
    store
        .export_section::<StoreError>(customer, s, |r| {
            rows.push(r);
            Ok(())
        })
        .unwrap();
    rows
}

/// Customer `customer`'s books by currency, from the rows of its export
/// (invoices; payments and credits with their applications), as of `today`.
fn ledger(store: &Books, customer: i64, today: NaiveDate) -> BTreeMap<String, Ledger> {
    let section = |s: ExportSection| export_rows(store, customer, s);
    let invoices = section(ExportSection::Invoices);
    let mut applied: HashMap<i64, i64> = HashMap::new();
    let mut credited: HashMap<i64, i64> = HashMap::new();
    let mut books: BTreeMap<String, Ledger> = BTreeMap::new();
    let issue: HashMap<i64, NaiveDate> = invoices.iter().map(|i| (int(i, "id"), date(text(i, "issue_date")))).collect();
    // Payments: one row per application (or one with none).
    let mut seen = std::collections::HashSet::new();
    for p in section(ExportSection::Payments) {
        let b = books.entry(text(&p, "currency").to_string()).or_default();
        let (status, kept) = (text(&p, "status"), int(&p, "amount_minor") - int(&p, "refunded_minor"));
        if seen.insert(int(&p, "id")) {
            if status == "succeeded" {
                b.collected_count += 1;
                b.credit += kept;
            }
            if matches!(status, "succeeded" | "refunded") {
                b.collected += kept;
            }
        }
        let Some(inv) = p.get("app_invoice").and_then(serde_json::Value::as_i64) else { continue };
        let a = int(&p, "app_amount_minor");
        *applied.entry(inv).or_default() += a;
        if status == "succeeded" {
            b.credit -= a;
        }
        let received = date(text(&p, "received_on"));
        let age = (today - received).num_days();
        if status == "succeeded" && (0..365).contains(&age) {
            b.window_applied += a;
            // Money received before the invoice was issued counts 0 days.
            b.window_weighted += i128::from(a) * i128::from((received - issue[&inv]).num_days().max(0));
        }
    }
    let mut seen = std::collections::HashSet::new();
    // A voided credit counts nowhere (its applications were reversed).
    let voided: std::collections::HashSet<i64> = store
        .window::<PaymentRow>(customer, Sort::default_for(Tab::Payments), &Seek::First, 10_000)
        .unwrap()
        .into_iter()
        .filter(|k| k.row.payment_id().is_none() && k.row.status != ardesk::domain::status::PaymentStatus::Succeeded)
        .map(|k| -k.row.id)
        .collect();
    for c in section(ExportSection::Credits) {
        let b = books.entry(text(&c, "currency").to_string()).or_default();
        if seen.insert(int(&c, "id")) && !voided.contains(&int(&c, "id")) {
            b.credit += int(&c, "amount_minor");
        }
        if let Some(inv) = c.get("app_invoice").and_then(serde_json::Value::as_i64) {
            let a = int(&c, "app_amount_minor");
            *applied.entry(inv).or_default() += a;
            *credited.entry(inv).or_default() += a;
            b.credit -= a;
        }
    }
    for i in &invoices {
        let b = books.entry(text(i, "currency").to_string()).or_default();
        let (total, id) = (int(i, "total_minor"), int(i, "id"));
        let paid = applied.get(&id).copied().unwrap_or(0);
        // Of what is applied, credit is no money: it lowers what was billed.
        let by_credit = credited.get(&id).copied().unwrap_or(0);
        b.invoices += 1;
        if text(i, "status") != "cancelled" {
            b.shown_total += total;
        }
        b.balance += owed_by(i, paid);
        match text(i, "status") {
            "open" => {
                b.billed += total - by_credit;
                b.billed_applied += paid - by_credit;
                b.billed_credited += by_credit;
                b.outstanding += total - paid;
                let late = (today - date(text(i, "due_date"))).num_days();
                let bucket = [0, 30, 60, 90].iter().filter(|&&edge| late > edge).count();
                b.aging[bucket] += total - paid;
            }
            "paid" | "uncollectible" => {
                b.billed += total - by_credit;
                b.billed_applied += paid - by_credit;
                b.billed_credited += by_credit;
            }
            _ => {}
        }
    }
    books
}

/// What an exported invoice row owes with `paid` applied to it: total less
/// that while open or uncollectible (written off), else nothing.
fn owed_by(invoice: &serde_json::Map<String, serde_json::Value>, paid: i64) -> i64 {
    match text(invoice, "status") {
        "open" | "uncollectible" => int(invoice, "total_minor") - paid,
        _ => 0,
    }
}

/// Each invoice's balance by id, from the customer's export alone.
fn owed(store: &Books, customer: i64) -> BTreeMap<i64, i64> {
    let section = |s: ExportSection| export_rows(store, customer, s);
    let mut applied: HashMap<i64, i64> = HashMap::new();
    for row in section(ExportSection::Payments).into_iter().chain(section(ExportSection::Credits)) {
        if let Some(inv) = row.get("app_invoice").and_then(serde_json::Value::as_i64) {
            *applied.entry(inv).or_default() += int(&row, "app_amount_minor");
        }
    }
    section(ExportSection::Invoices)
        .iter()
        .map(|i| (int(i, "id"), owed_by(i, applied.get(&int(i, "id")).copied().unwrap_or(0))))
        .collect()
}

/// What `figures` says, in the same terms: the customer's currency from the
/// cards, the others from their sums.
fn shown(f: &CustomerFigures) -> BTreeMap<String, Ledger> {
    let from_parts = |p: &MetricParts| Ledger {
        invoices: p.invoice_count,
        billed: p.billed_minor - p.billed_credited_minor,
        billed_applied: p.billed_applied_minor - p.billed_credited_minor,
        billed_credited: p.billed_credited_minor,
        outstanding: p.outstanding_minor,
        aging: p.aging_minor,
        credit: p.unapplied_minor + p.credit_open_minor,
        collected: p.collected_minor,
        collected_count: p.collected_count,
        window_applied: p.window_applied_minor,
        window_weighted: p.window_weighted_minor,
        shown_total: p.invoice_shown_total_minor,
        balance: p.invoice_balance_minor,
    };
    let m = &f.metrics;
    let own = Ledger {
        billed: m.total_billed.minor,
        billed_applied: m.billed_collected.minor,
        outstanding: m.outstanding.minor,
        aging: m.aging.map(|a| a.minor),
        credit: m.credit_balance.minor,
        collected: m.total_collected.minor,
        collected_count: m.collected_count,
        ..from_parts(&f.own)
    };
    let mut out: BTreeMap<String, Ledger> =
        f.others.iter().map(|(c, p)| (c.code().to_string(), from_parts(p))).collect();
    if own != Ledger::default() {
        out.insert(m.currency.code().to_string(), own);
    }
    out
}

/// The cards derived here from the books: overdue, the percent, the days.
fn check_cards(f: &CustomerFigures, b: &Ledger) -> Result<(), TestCaseError> {
    let m = &f.metrics;
    prop_assert_eq!(m.overdue.minor, b.aging[1..].iter().sum::<i64>());
    let percent = if b.billed > 0 && b.billed_applied > 0 {
        (i128::from(b.billed_applied) * 100 / i128::from(b.billed)).min(100) as u8
    } else {
        0
    };
    prop_assert_eq!(m.collected_percent, percent);
    let days = (b.window_applied > 0).then(|| {
        (Decimal::from_i128_with_scale(b.window_weighted, 0) / Decimal::from(b.window_applied))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    });
    prop_assert_eq!(m.avg_days_to_collect, days);
    Ok(())
}

/// Every customer's books as `figures` shows them, to see that a refused
/// write changed nothing.
fn snapshot(store: &Books, today: NaiveDate) -> Vec<CustomerFigures> {
    (1..=CUSTOMERS.len() as i64).map(|id| store.figures(&store.customer(id).unwrap(), today).unwrap()).collect()
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
fn export(
    x: &mut Exports,
    today: NaiveDate,
    balance: i64,
    first: usize,
    rows: &[ImportRow],
) -> Vec<std::path::PathBuf> {
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
        let issue = today - Duration::days(r.days_ago);
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

/// Runs one write; returns whether the store accepted it.
fn apply(store: &mut Books, today: NaiveDate, n: &mut u32, x: &mut Exports, op: &Op) -> bool {
    let pick = |store: &Books, who: usize, picks: &[usize]| -> Vec<i64> {
        let all = invoices(store, who as i64 + 1);
        let mut v: Vec<i64> = picks.iter().filter_map(|i| all.get(i % all.len().max(1)).map(|r| r.id)).collect();
        v.dedup();
        v
    };
    let done = match op {
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
            let files = export(x, today, balance, first, &rows);
            x.last = Some((balance, first, rows));
            let opts = ardesk::import::ImportOptions { skip_bad_rows: true, ..Default::default() };
            let bulk_bytes = if *bulk { 0 } else { u64::MAX };
            match store {
                Books::Lite(s) => ardesk::import::run_import_tuned(s, &files, &opts, false, bulk_bytes),
                Books::Pg(s) => ardesk::import::run_import_tuned(s, &files, &opts, false, bulk_bytes),
            }
            .map(|_| ())
            .map_err(|e| e.to_string())
        }
        Op::Invoice { who, total, days_ago, terms, draft, other } => {
            *n += 1;
            let issue = today - Duration::days(*days_ago);
            store
                .create_invoice(
                    *who as i64 + 1,
                    &InvoiceDraft {
                        memo: String::new(),
                        lines: Vec::new(),
                        contract_id: None,
                        number: format!("P-{n}"),
                        issue_date: issue,
                        due_date: issue + Duration::days(*terms),
                        period: None,
                        total_minor: *total,
                        currency: cur(*who, *other),
                        status: if *draft { InvoiceStatus::Draft } else { InvoiceStatus::Open },
                    },
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        Op::PayOldest { who, amount, days_ago, other } => store
            .record_payment(
                *who as i64 + 1,
                &PaymentDraft {
                    received_on: today - Duration::days(*days_ago),
                    amount_minor: *amount,
                    currency: cur(*who, *other),
                    reference: String::new(),
                    allocation: Allocation::OldestFirst,
                },
            )
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Op::PayChosen { who, amount, picks } => {
            let chosen = pick(store, *who, picks);
            store
                .record_payment(
                    *who as i64 + 1,
                    &PaymentDraft {
                        received_on: today,
                        amount_minor: *amount,
                        currency: cur(*who, false),
                        reference: String::new(),
                        allocation: Allocation::Invoices(chosen),
                    },
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        Op::Cancel { who, picks } => {
            let (c, chosen) = (*who as i64 + 1, pick(store, *who, picks));
            let done = store.cancel_invoices(c, &chosen, today).map_err(|e| e.to_string());
            // Each is dated today, or its issue date when that is later.
            for (id, number, _) in done.iter().flat_map(|p| &p.cancel) {
                let d = store.invoice_detail(c, *id).unwrap();
                let want = today.max(d.invoice.issue_date);
                assert_eq!(d.cancelled, Some(Some(want)), "{number} cancelled on {today}");
            }
            done.map(|_| ())
        }
        Op::Refund { who, pick, amount, all, days, stale } => {
            let paid = payments(store, *who as i64 + 1);
            let Some(p) = paid.get(pick % paid.len().max(1)) else { return false };
            let left = p.amount.minor - p.refunded_minor;
            let draft = RefundDraft {
                refunded_on: p.received_on + Duration::days(*days),
                amount_minor: if *all { left } else { *amount },
                reason: "property".into(),
            };
            let version = if *stale { p.version - 1 } else { p.version };
            let done = store.refund_payment(p.id, version, &draft);
            assert!(!*stale || done.is_err(), "a refund at a stale version went through");
            done.map(|_| ()).map_err(|e| e.to_string())
        }
        Op::EditDraft { who, pick: i, total, lines, stale } => {
            let c = *who as i64 + 1;
            let Some(&id) = pick(store, *who, &[*i]).first() else { return false };
            let d = store.invoice_detail(c, id).unwrap();
            let line = |amount: i64| ardesk::domain::lines::Line {
                kind: ardesk::domain::lines::LineKind::Item,
                description: "part".into(),
                quantity: None,
                unit_price: None,
                amount_minor: amount,
                tax_minor: None,
            };
            let draft = InvoiceDraft {
                memo: "edited".into(),
                lines: if *lines { vec![line(total / 2), line(total - total / 2)] } else { Vec::new() },
                contract_id: None,
                number: d.invoice.number.clone(),
                issue_date: d.invoice.issue_date,
                due_date: d.invoice.due_date,
                period: None,
                total_minor: *total,
                currency: d.invoice.total.currency,
                status: InvoiceStatus::Draft,
            };
            let version = if *stale { d.version - 1 } else { d.version };
            let done = store.update_draft_invoice(c, id, version, &draft);
            let was_draft = d.invoice.status == InvoiceStatus::Draft;
            assert!(done.is_err() || (was_draft && !*stale), "{op:?} on a {:?} went through", d.invoice.status);
            if done.is_ok() {
                let after = store.invoice_detail(c, id).unwrap();
                assert_eq!((after.invoice.total.minor, after.lines.len()), (*total, draft.lines.len()));
            }
            done.map_err(|e| e.to_string())
        }
        Op::Issue { who, pick: i, stale } => {
            let c = *who as i64 + 1;
            let Some(&id) = pick(store, *who, &[*i]).first() else { return false };
            let d = store.invoice_detail(c, id).unwrap();
            let version = if *stale { d.version - 1 } else { d.version };
            let done = store.issue_invoice(c, id, version);
            assert!(done.is_err() || (d.invoice.status == InvoiceStatus::Draft && !*stale), "{op:?}");
            if done.is_ok() {
                let after = store.invoice_detail(c, id).unwrap();
                assert_eq!((after.invoice.status, &after.invoice.number), (InvoiceStatus::Open, &d.invoice.number));
            }
            done.map_err(|e| e.to_string())
        }
        Op::Memo { who, pick: i, stale } => {
            let c = *who as i64 + 1;
            let Some(&id) = pick(store, *who, &[*i]).first() else { return false };
            let d = store.invoice_detail(c, id).unwrap();
            let version = if *stale { d.version - 1 } else { d.version };
            let done = store.set_invoice_memo(c, id, version, &format!("memo {version}"));
            assert_eq!(done.is_ok(), !*stale, "{op:?}");
            done.map_err(|e| e.to_string())
        }
        Op::Unapply { who, pick: i, app, days, foreign, again } => {
            let c = *who as i64 + 1;
            // Among the invoices with money or credit applied.
            let applied: Vec<i64> = invoices(store, c).iter().filter(|r| r.applied_minor > 0).map(|r| r.id).collect();
            let Some(&id) = applied.get(i % applied.len().max(1)) else { return false };
            let d = store.invoice_detail(c, id).unwrap();
            let live: Vec<_> = d.applications.iter().filter(|a| a.removed_on.is_none()).collect();
            let Some(&a) = live.get(app % live.len().max(1)) else { return false };
            let on = a.applied_on + Duration::days(*days);
            let as_who = if *foreign { (c % 3) + 1 } else { c };
            let done = store.unapply(as_who, a.id, on);
            assert_eq!(done.is_ok(), !*foreign && *days >= 0, "{op:?}: {done:?}");
            if let Ok(u) = &done {
                assert_eq!((u.invoice_id, u.amount), (id, a.amount));
                let after = store.invoice_detail(c, id).unwrap();
                assert_eq!(after.invoice.applied_minor, d.invoice.applied_minor - a.amount.minor);
                let listed = after.applications.iter().find(|b| b.id == a.id).map(|b| b.removed_on);
                assert_eq!(listed, Some(Some(on)), "a removed application is listed, reversed on its date");
                let first_reversed = after.applications.iter().position(|b| b.removed_on.is_some());
                let last_live = after.applications.iter().rposition(|b| b.removed_on.is_none());
                assert!(last_live < first_reversed, "the live ones come first");
                assert!(after.version > d.version, "the invoice's version moves");
                if d.invoice.status == InvoiceStatus::Paid {
                    assert_eq!(after.invoice.status, InvoiceStatus::Open, "a paid invoice owes again");
                }
                if *again {
                    let e = store.unapply(c, a.id, on).unwrap_err().to_string();
                    assert!(e.contains("was already unapplied on"), "{e}");
                }
            }
            done.map(|_| ()).map_err(|e| e.to_string())
        }
        Op::WriteOff { who, picks, stray, days_ago, reason } => {
            let c = *who as i64 + 1;
            let owing: Vec<i64> = invoices(store, c)
                .iter()
                .filter(|r| r.status == InvoiceStatus::Open && r.total.minor > r.applied_minor)
                .map(|r| r.id)
                .collect();
            let mut chosen: Vec<i64> =
                picks.iter().filter_map(|i| owing.get(i % owing.len().max(1)).copied()).collect();
            chosen.extend(stray.map_or(Vec::new(), |i| pick(store, *who, &[i])));
            let on = today - Duration::days(*days_ago);
            let before: BTreeMap<i64, InvoiceRow> = invoices(store, c).into_iter().map(|r| (r.id, r)).collect();
            let done = store.write_off(c, &chosen, on, if *reason { "bad debt" } else { "" });
            let can = |id: &i64| {
                before.get(id).is_some_and(|r| {
                    r.status == InvoiceStatus::Open && r.total.minor > r.applied_minor && r.issue_date <= on
                })
            };
            assert_eq!(done.is_ok(), *reason && chosen.iter().any(can), "{op:?}: {done:?}");
            if let Ok(w) = &done {
                let written: Vec<i64> = w.write_off.iter().map(|(id, _, _)| *id).collect();
                let mut seen = std::collections::HashSet::new();
                let want: Vec<i64> = chosen.iter().copied().filter(|id| can(id) && seen.insert(*id)).collect();
                assert_eq!(written, want, "{op:?}");
                for (id, _, balance) in &w.write_off {
                    let after = store.invoice_detail(c, *id).unwrap();
                    assert_eq!(after.invoice.status, InvoiceStatus::Uncollectible);
                    assert_eq!(after.balance(), *balance, "the balance is what was written off");
                    assert_eq!(after.write_off.as_ref().and_then(|x| x.on), Some(on));
                }
            }
            done.map(|_| ()).map_err(|e| e.to_string())
        }
        Op::ReverseWriteOff { who, pick: i, days, stale } => {
            let c = *who as i64 + 1;
            let off: Vec<i64> =
                invoices(store, c).iter().filter(|r| r.status == InvoiceStatus::Uncollectible).map(|r| r.id).collect();
            let Some(&id) = off.get(i % off.len().max(1)) else { return false };
            let d = store.invoice_detail(c, id).unwrap();
            let since = d.write_off.as_ref().and_then(|w| w.on).unwrap_or(d.invoice.issue_date);
            let on = since + Duration::days(*days);
            let version = if *stale { d.version - 1 } else { d.version };
            let done = store.reverse_write_off(c, id, version, on, "recovered");
            assert_eq!(done.is_ok(), !*stale && *days >= 0, "{op:?}: {done:?}");
            if done.is_ok() {
                let after = store.invoice_detail(c, id).unwrap();
                // Money a newer import applied may have paid it meanwhile.
                let status = if d.balance().minor > 0 { InvoiceStatus::Open } else { InvoiceStatus::Paid };
                assert_eq!((after.invoice.status, after.balance()), (status, d.balance()));
                assert!(after.write_off.is_none());
            }
            done.map(|_| ()).map_err(|e| e.to_string())
        }
        Op::CreditNote { who, pick: i, amount, days_ago, refund } => {
            let c = *who as i64 + 1;
            let invoice = i.and_then(|i| pick(store, *who, &[i]).first().copied());
            let currency = match invoice {
                Some(id) => store.invoice_detail(c, id).unwrap().invoice.total.currency,
                None => cur(*who, false),
            };
            let draft = CreditNoteDraft {
                issued_on: today - Duration::days(*days_ago),
                amount_minor: *amount,
                currency,
                reason: "credit note".into(),
                invoice_id: invoice,
                refund_excess: *refund && invoice.is_some(),
                lines: Vec::new(),
            };
            let done = store.issue_credit_note(c, &draft);
            if let Ok(p) = &done {
                // What it applies plus what stays credit is the note.
                assert_eq!(p.balance_falls_minor + p.to_credit_minor + p.refunded_minor(), *amount, "{op:?}");
                if let Some((id, _)) = p.invoice {
                    let after = store.invoice_detail(c, id).unwrap();
                    assert_eq!(after.invoice.status == InvoiceStatus::Paid, p.closes, "{op:?}");
                }
            }
            done.map(|_| ()).map_err(|e| e.to_string())
        }
        Op::VoidCredit { who, pick: i, days, stale } => {
            let c = *who as i64 + 1;
            let credits: Vec<PaymentRow> = store
                .window::<PaymentRow>(c, Sort::default_for(Tab::Payments), &Seek::First, 10_000)
                .unwrap()
                .into_iter()
                .map(|k| k.row)
                .filter(|r| r.payment_id().is_none())
                .collect();
            let Some(row) = credits.get(i % credits.len().max(1)).cloned() else { return false };
            let version = if *stale { row.version - 1 } else { row.version };
            let done = store.void_credit(c, -row.id, version, row.received_on + Duration::days(*days));
            assert!(done.is_err() || (!*stale && *days >= 0), "{op:?}: {done:?}");
            done.map(|_| ()).map_err(|e| e.to_string())
        }
        Op::SmallBalance { who, picks, days_ago, over } => {
            let c = *who as i64 + 1;
            let chosen = pick(store, *who, picks);
            let done = store.small_balance_write_off(c, &chosen, today - Duration::days(*days_ago), "rounding", *over);
            if let Ok(p) = &done {
                for (id, _, _) in &p.close {
                    assert_eq!(store.invoice_detail(c, *id).unwrap().invoice.status, InvoiceStatus::Paid, "{op:?}");
                }
            }
            done.map(|_| ()).map_err(|e| e.to_string())
        }
        Op::ApplyPayment(t) => apply_remainder(store, today, t, false),
        Op::ApplyCredit(t) => apply_remainder(store, today, t, true),
        Op::GrantCredit { who, amount, days_ago, other, reason } => store
            .grant_credit(
                *who as i64 + 1,
                &CreditDraft {
                    granted_on: today - Duration::days(*days_ago),
                    amount_minor: *amount,
                    currency: cur(*who, *other),
                    reason: if *reason { "goodwill".into() } else { " ".into() },
                },
            )
            .map(|_| ())
            .map_err(|e| e.to_string()),
    };
    // An amount past the bounds is always refused, and says so.
    let past = match op {
        Op::Invoice { total: a, .. }
        | Op::PayOldest { amount: a, .. }
        | Op::PayChosen { amount: a, .. }
        | Op::EditDraft { total: a, .. } => *a > MAX_AMOUNT_MINOR,
        Op::GrantCredit { amount: a, reason: true, .. } | Op::CreditNote { amount: a, .. } => *a > MAX_AMOUNT_MINOR,
        _ => false,
    };
    if past {
        let e = done.as_ref().err().map(String::as_str).unwrap_or("accepted");
        assert!(e.contains("the amount is too large"), "{op:?}: {e}");
    }
    done.is_ok()
}

/// Applies a payment's or a credit's remainder as `t` says; when it goes
/// through, the remainder fell by what the outcome says was applied, and
/// chosen amounts went where they were chosen.
fn apply_remainder(store: &mut Books, today: NaiveDate, t: &Settle, credit: bool) -> Result<(), String> {
    let c = t.who as i64 + 1;
    let rows: Vec<PaymentRow> = store
        .window::<PaymentRow>(c, Sort::default_for(Tab::Payments), &Seek::First, 10_000)
        .unwrap()
        .into_iter()
        .map(|k| k.row)
        .filter(|r| r.payment_id().is_none() == credit)
        .collect();
    let Some(row) = rows.get(t.pick % rows.len().max(1)).cloned() else { return Err("none to apply".into()) };
    let plan = if t.oldest {
        ApplyPlan::OldestFirst { amount_minor: if t.all { row.unapplied_minor() } else { t.amount } }
    } else {
        let all = invoices(store, c);
        let mut pairs: Vec<(i64, i64)> = Vec::new();
        for (i, pct) in &t.picks {
            let Some(inv) = all.get(i % all.len().max(1)) else { continue };
            if pairs.iter().all(|(id, _)| *id != inv.id) {
                pairs.push((inv.id, inv.open_balance().minor * pct / 100));
            }
        }
        ApplyPlan::Invoices(pairs)
    };
    let version = if t.stale { row.version - 1 } else { row.version };
    let done = if credit {
        store.apply_credit(c, -row.id, version, &plan, today)
    } else {
        store.apply_payment(c, row.id, version, &plan, today)
    };
    assert!(!t.stale || done.is_err(), "applying at a stale version went through: {t:?}");
    let out = done.map_err(|e| e.to_string())?;
    if let ApplyPlan::Invoices(pairs) = &plan {
        let went: Vec<(i64, i64)> = out.parts.iter().map(|p| (p.invoice_id, p.amount_minor)).collect();
        assert_eq!(&went, pairs, "{t:?}");
    }
    let sql_row: PaymentRow = store
        .window::<PaymentRow>(c, Sort::default_for(Tab::Payments), &Seek::First, 10_000)
        .unwrap()
        .into_iter()
        .map(|k| k.row)
        .find(|r| r.id == row.id)
        .unwrap();
    assert_eq!(sql_row.unapplied_minor(), row.unapplied_minor() - out.applied_minor(), "{t:?}");
    assert_eq!(sql_row.version, row.version + 1);
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn books_stay_consistent(today in today(), ops in prop::collection::vec(op(), 1..30)) {
        let mut store = Books::from(Store::open_in_memory().unwrap());
        customers(&mut store);
        let mut n = 0;
        let mut x = exports();
        for op in &ops {
            let before = snapshot(&store, today);
            if !apply(&mut store, today, &mut n, &mut x, op) {
                prop_assert!(snapshot(&store, today) == before, "a refused {:?} changed the books", op);
            }
        }
        consistent(&mut store, today, None)?;
    }
}

/// The same property on PostgreSQL (issue 21), fewer cases (each is a
/// database of its own on the test cluster): every operation is applied to
/// the server's books and to SQLite's, both accept or both refuse it, a
/// refused one changes neither, every customer's figures are equal on both
/// after each, and the server's books then pass every check above, their
/// figures as of each day against the SQLite oracle's reading of the same
/// rows. Skipped without a cluster outside CI (`ARDESK_TEST_PG`).
fn pg_cases() -> u32 {
    std::env::var("PROPTEST_CASES_PG").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(pg_cases()))]

    #[test]
    fn books_stay_consistent_on_postgres(today in today(), ops in prop::collection::vec(op(), 1..30)) {
        let Some((_held, mut pg)) = support::backends::postgres() else { return Ok(()) };
        let mut lite = Books::from(Store::open_in_memory().unwrap());
        customers(&mut lite);
        customers(&mut pg);
        prop_assert_eq!(snapshot(&pg, today), snapshot(&lite, today));
        let (mut n, mut m) = (0, 0);
        let (mut x, mut y) = (exports(), exports());
        for op in &ops {
            let before = snapshot(&pg, today);
            let took = apply(&mut pg, today, &mut n, &mut x, op);
            prop_assert_eq!(took, apply(&mut lite, today, &mut m, &mut y, op), "{:?}", op);
            let after = snapshot(&pg, today);
            if !took {
                prop_assert!(after == before, "a refused {:?} changed the books", op);
            }
            prop_assert_eq!(after, snapshot(&lite, today), "after {:?}", op);
        }
        consistent(&mut pg, today, lite.lite())?;
    }
}

/// The three customers of every case, the first a Stripe customer.
fn customers(b: &mut Books) {
    support::backends::seed(b, |store| {
        let s = store.seeder().unwrap();
        for (k, (name, own, _)) in CUSTOMERS.iter().enumerate() {
            s.customer(&NewCustomer {
                name,
                legal_name: "",
                billing_email: "",
                currency: currency(own),
                import: (k == 0).then_some((ardesk::domain::status::ImportSource::Stripe, "cus_P", None)),
                invoices_paused: false,
                portal: false,
            })
            .unwrap();
        }
        s.commit().unwrap();
    });
}

fn exports() -> Exports {
    Exports { dir: tempfile::tempdir().unwrap(), imported: 0, written: 0, last: None }
}

/// Every check of a case's end: `check` finds nothing; every customer's
/// cards are the oracle's and this file's own reading of its rows; no
/// balance is negative; refunds, stored balances and the status line's
/// sums agree with the rows; and the figures as of each day are the
/// oracle's (`oracle`: the SQLite books to ask, when `store` has no
/// as-of oracle of its own).
fn consistent(store: &mut Books, today: NaiveDate, oracle: Option<&Store>) -> Result<(), TestCaseError> {
    prop_assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
    for id in 1..=CUSTOMERS.len() as i64 {
        let c = store.customer(id).unwrap();
        let fast = store.figures(&c, today).unwrap();
        prop_assert_eq!(&fast, &oracle.or(store.lite()).expect("an oracle").figures_oracle(&c, today).unwrap());
        let books = ledger(store, id, today);
        let nonzero: BTreeMap<String, Ledger> =
            books.clone().into_iter().filter(|(_, b)| *b != Ledger::default()).collect();
        prop_assert_eq!(shown(&fast), nonzero, "customer {}", id);
        check_cards(&fast, &books.get(c.currency.code()).cloned().unwrap_or_default())?;
        prop_assert_eq!(
            fast.metrics.outstanding,
            Money::new(books.get(c.currency.code()).map_or(0, |b| b.outstanding), c.currency)
        );
        // No open balance is negative; no payment is applied beyond what it kept.
        prop_assert!(invoices(store, id).iter().all(|i| i.open_balance().minor >= 0));
        prop_assert!(payments(store, id).iter().all(|p| p.applied_minor <= p.amount.minor - p.refunded_minor));
        // Each payment's refund rows add up to what it says was refunded
        // (`check` says so too; here from the rows the export reads).
        let mut rows: BTreeMap<i64, i64> = BTreeMap::new();
        for r in export_rows(store, id, ExportSection::Refunds) {
            *rows.entry(int(&r, "payment_id")).or_default() += int(&r, "amount_minor");
        }
        let said: BTreeMap<i64, i64> =
            payments(store, id).iter().filter(|p| p.refunded_minor > 0).map(|p| (p.id, p.refunded_minor)).collect();
        prop_assert_eq!(rows, said, "customer {}: refund rows by payment", id);
        // Each invoice's stored balance is what its rows say it owes.
        let stored: BTreeMap<i64, i64> = invoices(store, id).iter().map(|i| (i.id, i.balance_minor)).collect();
        prop_assert_eq!(stored, owed(store, id), "customer {}", id);
        // The status line's sums: a filter every row passes, counted as
        // the worker counts a filtered view, gives the summaries' sums.
        let every = View {
            sort: Sort::default_for(Tab::Invoices),
            filter: parse("balance>=0", Tab::Invoices, c.currency).unwrap(),
            today,
        };
        let (n, sums) = store.view_totals::<InvoiceRow>(id, &every).unwrap();
        let mut sums = sums.unwrap();
        sums.sum.sort_by_key(|m| m.currency.code().to_string());
        if let Some(b) = &mut sums.balance {
            b.sort_by_key(|m| m.currency.code().to_string());
        }
        let mut parts: Vec<(Currency, MetricParts)> = fast.others.clone();
        parts.push((c.currency, fast.own));
        parts.retain(|(_, p)| p.invoice_count > 0);
        parts.sort_by_key(|(cur, _)| cur.code().to_string());
        prop_assert_eq!(n, parts.iter().map(|(_, p)| p.invoice_count).sum::<i64>());
        let from =
            |get: fn(&MetricParts) -> i64| parts.iter().map(|(cur, p)| Money::new(get(p), *cur)).collect::<Vec<_>>();
        prop_assert_eq!(&sums.sum, &from(|p| p.invoice_shown_total_minor));
        prop_assert_eq!(sums.balance.as_ref(), Some(&from(|p| p.invoice_balance_minor)));
        let every = View {
            sort: Sort::default_for(Tab::Payments),
            filter: parse("amount>=0", Tab::Payments, c.currency).unwrap(),
            today,
        };
        // Payments and credits: Σ what was kept (credit is no money)
        // and Σ unapplied, the Credit Balance; a currency whose rows
        // add up to nothing either way is left out of both sides (a
        // credit fully applied, a failed payment).
        let (_, sums) = store.view_totals::<PaymentRow>(id, &every).unwrap();
        let sums = sums.unwrap();
        let mut got: Vec<(Money, Money)> = sums
            .sum
            .iter()
            .copied()
            .zip(sums.balance.unwrap_or_default())
            .filter(|(s, b)| s.minor != 0 || b.minor != 0)
            .collect();
        got.sort_by_key(|(m, _)| m.currency.code().to_string());
        let mut paid: Vec<(Currency, MetricParts)> = fast.others.clone();
        paid.push((c.currency, fast.own));
        let mut kept: Vec<(Money, Money)> = paid
            .iter()
            .map(|(cur, p)| {
                (Money::new(p.collected_minor, *cur), Money::new(p.unapplied_minor + p.credit_open_minor, *cur))
            })
            .filter(|(s, b)| s.minor != 0 || b.minor != 0)
            .collect();
        kept.sort_by_key(|(m, _)| m.currency.code().to_string());
        prop_assert_eq!(got, kept);
        as_of_agrees(store, &c, oracle)?;
    }
    Ok(())
}

/// The page as of a date (issue 17): on the day before and the day of
/// every event of the customer (every boundary its rows have), the dated
/// summary's figures are the oracle's reading of the raw rows; as of its
/// last event's day they are the live page's on that day (nothing is dated
/// later), and as of the day before its first, nothing at all.
fn as_of_agrees(
    store: &mut Books,
    c: &ardesk::domain::model::Customer,
    oracle: Option<&Store>,
) -> Result<(), TestCaseError> {
    let days = store.event_days(c.id).unwrap();
    let (Some(&first), Some(&last)) = (days.first(), days.last()) else { return Ok(()) };
    for &d in &days {
        for d in [d.pred_opt().unwrap_or(d), d] {
            prop_assert_eq!(
                store.figures_as_of(c, d).unwrap(),
                oracle.or(store.lite()).expect("an oracle").figures_oracle_as_of(c, d).unwrap(),
                "as of {}",
                d
            );
        }
    }
    prop_assert_eq!(store.figures_as_of(c, last).unwrap(), store.figures(c, last).unwrap(), "as of the last day");
    // The store read as of a day (its tables shadowed by their rows as of
    // then): the tabs' rows add up to that day's figures.
    for d in [first, days[days.len() / 2], last] {
        store.set_as_of(Some(d)).unwrap();
        let f = store.figures(c, d).unwrap();
        prop_assert_eq!(&f, &store.figures_as_of(c, d).unwrap());
        let mut parts: Vec<(Currency, MetricParts)> = f.others.clone();
        parts.push((c.currency, f.own));
        parts.sort_by_key(|(cur, _)| cur.code().to_string());
        let every = View {
            sort: Sort::default_for(Tab::Invoices),
            filter: parse("balance>=0", Tab::Invoices, c.currency).unwrap(),
            today: d,
        };
        let (n, sums) = store.view_totals::<InvoiceRow>(c.id, &every).unwrap();
        prop_assert_eq!(n, parts.iter().map(|(_, p)| p.invoice_count).sum::<i64>(), "invoices as of {}", d);
        let sums = sums.unwrap();
        let nonzero = |get: fn(&MetricParts) -> i64| -> Vec<Money> {
            let mut v: Vec<Money> =
                parts.iter().filter(|(_, p)| p.invoice_count > 0).map(|(cur, p)| Money::new(get(p), *cur)).collect();
            v.sort_by_key(|m| m.currency.code().to_string());
            v
        };
        let mut got_sum = sums.sum.clone();
        got_sum.sort_by_key(|m| m.currency.code().to_string());
        prop_assert_eq!(got_sum, nonzero(|p| p.invoice_shown_total_minor), "Σ total as of {}", d);
        let mut got_bal = sums.balance.clone().unwrap_or_default();
        got_bal.sort_by_key(|m| m.currency.code().to_string());
        prop_assert_eq!(got_bal, nonzero(|p| p.invoice_balance_minor), "Σ balance as of {}", d);
        let open: i64 = store
            .view_totals::<InvoiceRow>(
                c.id,
                &View { filter: parse("status:open", Tab::Invoices, c.currency).unwrap(), ..every.clone() },
            )
            .unwrap()
            .1
            .and_then(|s| s.balance)
            .unwrap_or_default()
            .iter()
            .filter(|m| m.currency == c.currency)
            .map(|m| m.minor)
            .sum();
        prop_assert_eq!(open, f.own.outstanding_minor, "open balances as of {}", d);
        // Never more applied on a day than the invoice or the money held.
        for i in invoices(store, c.id) {
            prop_assert!(
                i.applied_minor <= i.total.minor,
                "{} as of {}: {} applied of {}",
                i.number,
                d,
                i.applied_minor,
                i.total.minor
            );
        }
        for p in payments(store, c.id) {
            prop_assert!(p.applied_minor + p.refunded_minor <= p.amount.minor, "payment {} as of {}", p.id, d);
        }
        store.set_as_of(None).unwrap();
    }
    let before = store.figures_as_of(c, first.pred_opt().unwrap_or(first)).unwrap();
    prop_assert_eq!(before.own, MetricParts::default());
    prop_assert!(before.others.is_empty(), "before the first day: {:?}", before.others);
    Ok(())
}

/// The property's shrunk failures, kept as plain tests (the generator's
/// shape has changed since, so their seeds no longer replay them).
mod found {
    use super::*;

    fn run(today: NaiveDate, ops: &[Op]) {
        let mut store = Books::from(Store::open_in_memory().unwrap());
        customers(&mut store);
        let mut x = exports();
        for op in ops {
            apply(&mut store, today, &mut 0, &mut x, op);
        }
        assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
        let c = store.customer(1).unwrap();
        let fast = store.figures(&c, today).unwrap();
        assert_eq!(fast, store.lite().unwrap().figures_oracle(&c, today).unwrap());
        let books = ledger(&store, 1, today);
        assert_eq!(shown(&fast), books);
        as_of_agrees(&mut store, &c, None).unwrap();
    }

    /// The settling operations the generator makes do go through when they
    /// fit (not only their refusals are exercised), and leave the books right.
    #[test]
    fn settling_goes_through_when_it_fits() {
        let today = date("2026-03-01");
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
        let mut store = Books::from(store);
        let mut x = exports();
        let inv = |total| Op::Invoice { who: 0, total, days_ago: 10, terms: 5, draft: false, other: false };
        let settle = |oldest, all, picks: Vec<(usize, i64)>| Settle {
            who: 0,
            pick: 0,
            oldest,
            all,
            amount: 700,
            picks,
            stale: false,
        };
        let ops = [
            Op::PayOldest { who: 0, amount: 5_000, days_ago: 3, other: false },
            inv(1_000),
            inv(2_000),
            Op::GrantCredit { who: 0, amount: 900, days_ago: 2, other: false, reason: true },
            Op::ApplyPayment(settle(true, false, vec![])),
            Op::ApplyPayment(settle(false, false, vec![(1, 50)])),
            Op::ApplyCredit(settle(true, true, vec![])),
        ];
        let mut n = 0;
        for op in &ops {
            assert!(apply(&mut store, today, &mut n, &mut x, op), "{op:?} was refused");
        }
        let refused = [
            Op::GrantCredit { who: 0, amount: 900, days_ago: 2, other: false, reason: false },
            Op::ApplyPayment(Settle { stale: true, ..settle(true, true, vec![]) }),
            Op::ApplyPayment(settle(false, false, vec![(1, 101)])),
        ];
        for op in &refused {
            assert!(!apply(&mut store, today, &mut n, &mut x, op), "{op:?} went through");
        }
        assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
        let c = store.customer(1).unwrap();
        let fast = store.figures(&c, today).unwrap();
        assert_eq!(fast, store.lite().unwrap().figures_oracle(&c, today).unwrap());
        assert_eq!(shown(&fast), ledger(&store, 1, today));
        // 700 oldest first, half of what the second listed (P-1, 300 left) owes, all 900 of credit.
        assert_eq!(fast.metrics.outstanding.minor, 3_000 - 700 - 150 - 900);
    }

    /// A paid import with nothing paid is written off (it owes all), then a
    /// newer export says it was paid in full, then the write-off is reversed.
    #[test]
    fn a_written_off_import_paid_later_then_reversed() {
        let row = ImportRow { total: 122_400, credit: 0, paid: 0, days_ago: 18, eur: false, status: "paid" };
        run(
            date("2026-03-01"),
            &[
                Op::Import { balance: 0, rows: vec![row], again: 0, bulk: false },
                Op::WriteOff { who: 0, picks: vec![0], stray: None, days_ago: 0, reason: true },
                Op::Import { balance: 0, rows: vec![], again: 2, bulk: false },
                Op::ReverseWriteOff { who: 0, pick: 0, days: 0, stale: false },
            ],
        );
    }

    /// A paid Stripe invoice that the export says was paid one cent of.
    #[test]
    fn a_paid_import_with_a_cent_paid() {
        let row = ImportRow { total: 134_555, credit: 0, paid: 1, days_ago: 0, eur: false, status: "paid" };
        run(date("2026-03-01"), &[Op::Import { balance: 0, rows: vec![row], again: 0, bulk: false }]);
    }
    // Cases the generator shrank to while the metric code was mutated (an
    // aging bound or the window moved by a day): each sits on a boundary.

    /// A paid import, a cent of its payment refunded tomorrow: the rest of
    /// the application counts from the refund, not beside the whole
    /// before it (the books as of today held one or the other).
    #[test]
    fn a_refund_tomorrow_of_a_paid_import() {
        let row = ImportRow { total: 12_555, credit: 0, paid: 12_555, days_ago: 0, eur: false, status: "paid" };
        run(
            date("2026-03-01"),
            &[
                Op::Import { balance: 0, rows: vec![row], again: 0, bulk: false },
                Op::Refund { who: 0, pick: 0, amount: 1, all: false, days: 1, stale: false },
            ],
        );
    }

    /// Unapplied as of tomorrow, paid again today: the new money counts
    /// from tomorrow, when the old stops (never both on one day).
    #[test]
    fn unapplied_tomorrow_paid_again_today() {
        let row = ImportRow { total: 1, credit: 0, paid: 0, days_ago: 0, eur: false, status: "paid" };
        run(
            date("2026-03-01"),
            &[
                Op::Import { balance: 0, rows: vec![row], again: 0, bulk: false },
                Op::Import { balance: 0, rows: vec![], again: 2, bulk: false },
                Op::Unapply { who: 0, pick: 0, app: 0, days: 1, foreign: false, again: false },
                Op::PayOldest { who: 0, amount: 1, days_ago: 0, other: false },
                Op::Invoice { who: 0, total: 1, days_ago: -1, terms: 0, draft: false, other: false },
            ],
        );
    }

    /// A paid import paid one cent of, a year before today.
    #[test]
    fn a_cent_paid_a_year_ago() {
        let row = ImportRow { total: 1, credit: 0, paid: 1, days_ago: 365, eur: false, status: "paid" };
        run(date("2026-03-01"), &[Op::Import { balance: 0, rows: vec![row], again: 0, bulk: false }]);
    }

    /// A part-paid import, then a payment today against the oldest invoice.
    #[test]
    fn a_part_paid_import_then_a_payment_today() {
        let row = ImportRow { total: 206_711, credit: 0, paid: 68_527, days_ago: 147, eur: false, status: "paid" };
        run(
            date("2026-03-01"),
            &[
                Op::Import { balance: 0, rows: vec![row], again: 0, bulk: false },
                Op::PayOldest { who: 0, amount: 77_931, days_ago: 0, other: false },
            ],
        );
    }

    /// Invoices due tomorrow and 91 days ago: each side of the 90-day bucket.
    #[test]
    fn due_tomorrow_and_91_days_ago() {
        let inv = |days_ago| Op::Invoice { who: 0, total: 1, days_ago, terms: 0, draft: false, other: false };
        run(date("2026-03-01"), &[inv(-1), inv(91)]);
    }

    /// A payment 364 days ago: the last day inside the 365-day window.
    #[test]
    fn a_payment_on_the_windows_first_day() {
        let row = ImportRow { total: 176_804, credit: 0, paid: 0, days_ago: 0, eur: false, status: "paid" };
        run(
            date("2026-03-01"),
            &[
                Op::Import { balance: 0, rows: vec![row], again: 0, bulk: false },
                Op::PayOldest { who: 0, amount: 1, days_ago: 364, other: false },
            ],
        );
    }
}
