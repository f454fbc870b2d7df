//! Fixture builders shared by the `store_*` tests: customers, invoices,
//! payments and applications written through `store.seeder()`, plus the
//! consistency assertions every fixture must pass.
#![allow(dead_code)]

use ardesk::domain::date::parse_date;
use ardesk::domain::metrics::{Conversations, Metrics};
use ardesk::domain::model::Customer;
use ardesk::domain::status::*;
use ardesk::domain::{Currency, Money};
use ardesk::store::seed::*;
use ardesk::store::{CustomerFigures, Store};
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub const USD: Currency = Currency::USD;
pub const EUR: Currency = Currency::EUR;
pub const GBP: Currency = Currency::GBP;

pub fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

pub fn usd(minor: i64) -> Money {
    Money::new(minor, USD)
}

/// Days with two decimals, e.g. `days("30.62")`.
pub fn days(s: &str) -> Decimal {
    let v: Decimal = s.parse().unwrap();
    assert_eq!(v.scale(), 2, "write expected days with two decimals");
    v
}

pub fn new_customer<'a>(name: &'a str, currency: Currency) -> NewCustomer<'a> {
    NewCustomer {
        name,
        legal_name: "",
        billing_email: "",
        currency,
        import: None,
        invoices_paused: false,
        portal: false,
    }
}

/// Writes one customer's books through a seeder. Invoice numbers are
/// `C{customer}-{n}`, unique across customers.
pub struct Books<'s, 'c> {
    pub s: &'s Seeder<'c>,
    pub customer: i64,
    n: u32,
}

impl<'s, 'c> Books<'s, 'c> {
    pub fn new(s: &'s Seeder<'c>, name: &str, currency: Currency) -> Self {
        let customer = s.customer(&new_customer(name, currency)).unwrap();
        Books { s, customer, n: 0 }
    }

    pub fn invoice_as(&mut self, issue: &str, due: &str, total: i64, status: InvoiceStatus, cur: Currency) -> i64 {
        self.n += 1;
        self.s
            .invoice(&NewInvoice {
                customer_id: self.customer,
                contract_id: None,
                number: &format!("C{}-{}", self.customer, self.n),
                issue_date: d(issue),
                due_date: d(due),
                period: None,
                currency: cur,
                total_minor: total,
                status,
            })
            .unwrap()
    }

    /// An open invoice.
    pub fn invoice(&mut self, issue: &str, due: &str, total: i64, cur: Currency) -> i64 {
        self.invoice_as(issue, due, total, InvoiceStatus::Open, cur)
    }

    pub fn payment_as(&self, on: &str, amount: i64, refunded: i64, status: PaymentStatus, cur: Currency) -> i64 {
        self.s
            .payment(&NewPayment {
                customer_id: self.customer,
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

    /// A succeeded payment, nothing refunded.
    pub fn payment(&self, on: &str, amount: i64, cur: Currency) -> i64 {
        self.payment_as(on, amount, 0, PaymentStatus::Succeeded, cur)
    }

    pub fn credit(&self, on: &str, amount: i64, cur: Currency) -> i64 {
        self.s.credit(self.customer, d(on), amount, cur, "goodwill").unwrap()
    }

    /// Applies part of a payment to an invoice, on the payment's date.
    pub fn apply(&self, invoice: i64, payment: i64, amount: i64, on: &str) {
        self.s.apply(invoice, AppliedFrom::Payment(payment), amount, d(on)).unwrap();
    }

    pub fn apply_credit(&self, invoice: i64, credit: i64, amount: i64, on: &str) {
        self.s.apply(invoice, AppliedFrom::Credit(credit), amount, d(on)).unwrap();
    }

    /// Marks a fully applied invoice paid.
    pub fn paid(&self, invoice: i64) {
        self.s.set_invoice_status(invoice, InvoiceStatus::Paid).unwrap();
    }

    pub fn status(&self, invoice: i64, status: InvoiceStatus) {
        self.s.set_invoice_status(invoice, status).unwrap();
    }

    pub fn conversation(&self, resolved: Option<bool>) {
        let r = resolved.map(|by_agent| (d("2026-02-02"), by_agent));
        self.s.conversation(self.customer, "collections", d("2026-02-01"), r).unwrap();
    }
}

/// An edit of `c` that renames it: any save, to see whether saves go
/// through.
pub fn renamed(c: &Customer, name: &str) -> ardesk::domain::edit::CustomerEdit {
    ardesk::domain::edit::CustomerEdit {
        name: name.into(),
        legal_name: String::new(),
        billing_email: String::new(),
        billing_address: String::new(),
        currency: c.currency,
        invoices_paused: false,
        portal: false,
    }
}

/// Metrics with nothing in them, to be filled in with `..`.
pub fn zero_metrics(currency: Currency) -> Metrics {
    let z = Money::zero(currency);
    Metrics {
        currency,
        total_billed: z,
        billed_collected: z,
        collected_percent: 0,
        outstanding: z,
        overdue: z,
        credit_balance: z,
        conversations: Conversations::default(),
        avg_days_to_collect: None,
        total_collected: z,
        collected_count: 0,
        aging: [z; 5],
    }
}

/// The figures from the summaries, after asserting that they equal the
/// figures recomputed from the raw rows and that `check` finds nothing.
pub fn consistent_figures(store: &Store, customer: &Customer, today: NaiveDate) -> CustomerFigures {
    let fast = store.figures(customer, today).unwrap();
    let slow = store.figures_oracle(customer, today).unwrap();
    assert_eq!(fast, slow, "summaries differ from the raw-row oracle for {} on {today}", customer.name);
    assert_eq!(store.check(today).unwrap(), Vec::<String>::new(), "check on {today}");
    fast
}
