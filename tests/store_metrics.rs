//! The six metrics and the aging strip on hand-computed fixtures, from the
//! summaries and from the raw-row oracle alike.

use ardesk::domain::Currency;
use ardesk::domain::date::parse_date;
use ardesk::domain::status::*;
use ardesk::store::Store;
use ardesk::store::seed::*;
use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

const TODAY: &str = "2026-03-31";

struct Fx<'a, 'b> {
    s: &'a Seeder<'b>,
    c: i64,
    n: u32,
}

impl Fx<'_, '_> {
    fn invoice(&mut self, issue: &str, due: &str, total: i64, status: InvoiceStatus, cur: Currency) -> i64 {
        self.n += 1;
        self.s
            .invoice(&NewInvoice {
                customer_id: self.c,
                contract_id: None,
                number: &format!("T{}-{}", self.c, self.n),
                issue_date: d(issue),
                due_date: d(due),
                period: None,
                currency: cur,
                total_minor: total,
                status,
            })
            .unwrap()
    }

    fn payment(&self, on: &str, amount: i64, refunded: i64, status: PaymentStatus, cur: Currency) -> i64 {
        self.s
            .payment(&NewPayment {
                customer_id: self.c,
                received_on: d(on),
                amount_minor: amount,
                refunded_minor: refunded,
                currency: cur,
                reference: "",
                status,
                method: PaymentMethod::Manual,
            })
            .unwrap()
    }
}

fn customer(s: &Seeder<'_>, name: &str) -> i64 {
    s.customer(&NewCustomer {
        name,
        legal_name: "",
        billing_email: "",
        currency: Currency::USD,
        import: None,
        invoices_paused: false,
        portal: false,
    })
    .unwrap()
}

/// Customer 1 has every case; customer 2 has no paid invoice.
fn fixture() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let s = store.seeder().unwrap();
    let usd = Currency::USD;
    let c = customer(&s, "Every Case");
    let mut f = Fx { s: &s, c, n: 0 };
    // A: $1,000 paid in full by P1 (2026-02-15), issued 2026-01-16 → 30 days.
    let a = f.invoice("2026-01-16", "2026-02-15", 100_000, InvoiceStatus::Open, usd);
    // B: $500 partly paid ($200 by P2 2026-03-11, issued 2026-03-01 → 10 days), due 2026-03-31: current.
    let b = f.invoice("2026-03-01", "2026-03-31", 50_000, InvoiceStatus::Open, usd);
    // C: $300 open, due 2026-03-01 → 30 days past due (1–30).
    f.invoice("2026-02-01", "2026-03-01", 30_000, InvoiceStatus::Open, usd);
    // D: $400 open, due 2026-01-30 → 60 days past due (31–60).
    f.invoice("2026-01-01", "2026-01-30", 40_000, InvoiceStatus::Open, usd);
    // E: $250 open, due 2025-12-31 → 90 days past due (61–90).
    f.invoice("2025-12-01", "2025-12-31", 25_000, InvoiceStatus::Open, usd);
    // F: $150 open, due 2025-12-30 → 91 days past due (90+).
    f.invoice("2025-11-30", "2025-12-30", 15_000, InvoiceStatus::Open, usd);
    // G: $700 uncollectible: billed, not outstanding.
    let g = f.invoice("2025-10-01", "2025-10-31", 70_000, InvoiceStatus::Open, usd);
    s.set_invoice_status(g, InvoiceStatus::Uncollectible).unwrap();
    // H: cancelled $999 and I: draft $888 count nowhere.
    f.invoice("2026-03-05", "2026-04-04", 99_900, InvoiceStatus::Cancelled, usd);
    f.invoice("2026-03-20", "2026-04-19", 88_800, InvoiceStatus::Draft, usd);
    // J: $600 paid by P3 on 2025-01-10, issued 2024-12-01: 40 days but outside the 365-day window.
    let j = f.invoice("2024-12-01", "2024-12-31", 60_000, InvoiceStatus::Open, usd);
    // P1: $1,100 for A → $100 unapplied (credit).
    let p1 = f.payment("2026-02-15", 110_000, 0, PaymentStatus::Succeeded, usd);
    s.apply(a, AppliedFrom::Payment(p1), 100_000, d("2026-02-15")).unwrap();
    s.set_invoice_status(a, InvoiceStatus::Paid).unwrap();
    // P2: $300 with $100 refunded; $200 to B.
    let p2 = f.payment("2026-03-11", 30_000, 10_000, PaymentStatus::Succeeded, usd);
    s.apply(b, AppliedFrom::Payment(p2), 20_000, d("2026-03-11")).unwrap();
    // P3: $600 for J, long ago.
    let p3 = f.payment("2025-01-10", 60_000, 0, PaymentStatus::Succeeded, usd);
    s.apply(j, AppliedFrom::Payment(p3), 60_000, d("2025-01-10")).unwrap();
    s.set_invoice_status(j, InvoiceStatus::Paid).unwrap();
    // A failed payment and a fully refunded one collect nothing.
    f.payment("2026-03-20", 12_345, 0, PaymentStatus::Failed, usd);
    f.payment("2026-03-21", 5_000, 5_000, PaymentStatus::Refunded, usd);
    // Credit of $80 granted, $30 applied to C: not in Avg. Days to Collect.
    let cr = s.credit(c, d("2026-03-15"), 8_000, usd, "goodwill").unwrap();
    let c_inv = 3;
    s.apply(c_inv, AppliedFrom::Credit(cr), 3_000, d("2026-03-15")).unwrap();
    // A second currency: €200 open, shown apart.
    f.invoice("2026-03-10", "2026-04-09", 20_000, InvoiceStatus::Open, Currency::EUR);
    // Conversations: 2 resolved by the agent, 1 by a person, 1 open.
    s.conversation(c, "a", d("2026-03-01"), Some((d("2026-03-02"), true))).unwrap();
    s.conversation(c, "b", d("2026-03-01"), Some((d("2026-03-03"), true))).unwrap();
    s.conversation(c, "c", d("2026-03-01"), Some((d("2026-03-04"), false))).unwrap();
    s.conversation(c, "d", d("2026-03-05"), None).unwrap();

    let c2 = customer(&s, "Never Paid");
    let mut f2 = Fx { s: &s, c: c2, n: 0 };
    f2.invoice("2026-03-01", "2026-03-31", 12_300, InvoiceStatus::Open, usd);
    s.commit().unwrap();
    store
}

fn money(minor: i64) -> ardesk::domain::Money {
    ardesk::domain::Money::new(minor, Currency::USD)
}

#[test]
fn every_case_by_hand() {
    let store = fixture();
    let today = d(TODAY);
    let f = store.figures(&store.customer(1).unwrap(), today).unwrap();
    let m = &f.metrics;
    // Billed: issued A 1000 + B 500 + C 300 + D 400 + E 250 + F 150 + G 700 + J 600 = 3,900.
    assert_eq!(m.total_billed, money(390_000));
    // Collected on them: A 1000 + B 200 + C 30 (credit) + J 600 = 1,830 → 46 %.
    assert_eq!(m.billed_collected, money(183_000));
    assert_eq!(m.collected_percent, 46);
    // Outstanding: B 300 + C 270 + D 400 + E 250 + F 150 = 1,370 (G uncollectible excluded).
    assert_eq!(m.outstanding, money(137_000));
    // Overdue: C 270 + D 400 + E 250 + F 150 = 1,070 (B is due today).
    assert_eq!(m.overdue, money(107_000));
    // Aging: current B 300; 1–30 C 270; 31–60 D 400; 61–90 E 250; 90+ F 150.
    assert_eq!(m.aging, [money(30_000), money(27_000), money(40_000), money(25_000), money(15_000)]);
    // Credit: P1 100 unapplied + P2 (300 − 100 refunded − 200 applied) 0 + credit 80 − 30 = 150.
    assert_eq!(m.credit_balance, money(15_000));
    // Collected: P1 1,100 + P2 200 (refund subtracted) + P3 600 = 1,900; failed and refunded add 0.
    assert_eq!(m.total_collected, money(190_000));
    assert_eq!(m.collected_count, 3);
    // Days: A 1000 × 30 + B 200 × 10 over 1,200 = 32,000 / 1,200 = 26.666… → 26.67 (J outside the window, credit left out).
    assert_eq!(m.avg_days_to_collect, Some(Decimal::new(2667, 2)));
    assert_eq!((m.conversations.auto_resolved, m.conversations.total), (2, 4));
    // Tabs: A–J and the euro invoice = 11 invoices; 5 payments.
    assert_eq!(f.counts[0], 11);
    assert_eq!(f.counts[2], 5);
    // The euro invoice is shown apart, never summed.
    assert_eq!(f.others.len(), 1);
    assert_eq!(f.others[0].0, Currency::EUR);
    assert_eq!(f.others[0].1.outstanding_minor, 20_000);
    assert_eq!(f, store.figures_oracle(&store.customer(1).unwrap(), today).unwrap());
    assert_eq!(store.check(today).unwrap(), Vec::<String>::new());
}

#[test]
fn no_paid_invoice_shows_a_dash() {
    let store = fixture();
    let today = d(TODAY);
    let c = store.customer(2).unwrap();
    let f = store.figures(&c, today).unwrap();
    assert_eq!(f.metrics.avg_days_to_collect, None);
    assert_eq!(f.metrics.outstanding, money(12_300));
    assert_eq!(f.metrics.collected_percent, 0);
    let json = ardesk::commands::customer_json(&c, &f);
    assert!(json["metrics"]["avg_days_to_collect"].is_null());
    assert_eq!(json["metrics"]["outstanding"], "123.00");
    assert_eq!(f, store.figures_oracle(&c, today).unwrap());
}

#[test]
fn the_window_moves_with_today() {
    let store = fixture();
    // A year later no payment is inside the 365-day window any more.
    let later = d(TODAY) + Duration::days(365);
    let f = store.figures(&store.customer(1).unwrap(), later).unwrap();
    assert_eq!(f.metrics.avg_days_to_collect, None);
    assert_eq!(f, store.figures_oracle(&store.customer(1).unwrap(), later).unwrap());
    // Everything open is 90+ days past due by then.
    assert_eq!(f.metrics.aging[4], money(137_000));
}
