//! The oracle as of a past date: what the page showed at the end of a day,
//! recomputed from the raw rows with the rules said in words (issue 17),
//! apart from the dated events' views and their summary, which the tests
//! compare with this. Slow on a million invoices; it reads every row of the
//! customer.
//!
//! As of D: an invoice counts once issued (issue date ≤ D); it is cancelled
//! or written off from its cancellation or write-off date (an undated one
//! from its issue date, so never counted); what it owes is its total less
//! the applications counting on D — made on or before D (and not before
//! its issue date), not yet removed, of money that succeeded; a payment
//! counts from the day it was received, each refund from its own day; a
//! credit from the day it was granted until it was voided.

use super::metrics::{AllParts, PartsByCurrency, by_currency};
use super::oracle::{bucket_of, cards, day, in_window};
use super::{CustomerFigures, Result, Store};
use crate::domain::Currency;
use crate::domain::metrics::{Conversations, MetricParts};
use crate::domain::model::Customer;
use chrono::NaiveDate;
use std::collections::HashMap;

/// One application as the oracle weighs it.
struct App {
    invoice: i64,
    payment: Option<i64>,
    credit: Option<i64>,
    amount: i64,
    applied_on: NaiveDate,
    /// When it counts from a later day than `applied_on` (schema 14).
    counts_from: Option<NaiveDate>,
    removed_on: Option<NaiveDate>,
}

struct Invoice {
    currency: String,
    status: String,
    total: i64,
    issued: NaiveDate,
    due: NaiveDate,
    closed: Option<NaiveDate>,
}

fn opt_day(s: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    s.map(|s| day(&s)).transpose()
}

impl Store {
    /// Raw sums per currency as of the end of `as_of`, from the rows.
    pub fn metric_parts_oracle_as_of(&self, customer_id: i64, as_of: NaiveDate) -> Result<PartsByCurrency> {
        by_currency(self.parts_oracle_as_of(customer_id, as_of)?)
    }

    fn parts_oracle_as_of(&self, customer_id: i64, d: NaiveDate) -> Result<AllParts> {
        let conn = self.conn();
        let mut invoices = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT id, currency, status, total_minor, issue_date, due_date, cancelled_on, written_off_on
             FROM invoices WHERE customer_id = ?1",
        )?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let issued = day(&r.get::<_, String>(4)?)?;
            let status: String = r.get(2)?;
            // The first day it no longer counted (cancelled) or was no
            // longer open (written off): its date, undated = issue date.
            let closed = match status.as_str() {
                "cancelled" => Some(opt_day(r.get(6)?)?.unwrap_or(issued).max(issued)),
                "uncollectible" => Some(opt_day(r.get(7)?)?.unwrap_or(issued).max(issued)),
                _ => None,
            };
            let inv = Invoice {
                currency: r.get(1)?,
                status,
                total: r.get(3)?,
                issued,
                due: day(&r.get::<_, String>(5)?)?,
                closed,
            };
            invoices.insert(r.get::<_, i64>(0)?, inv);
        }
        // Payments: (currency, status, amount, received, refunds up to D).
        let mut payments: HashMap<i64, (String, String, i64, NaiveDate, i64)> = HashMap::new();
        let mut stmt = conn
            .prepare("SELECT id, currency, status, amount_minor, received_on FROM payments WHERE customer_id = ?1")?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            payments.insert(r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, day(&r.get::<_, String>(4)?)?, 0));
        }
        let mut stmt = conn.prepare(
            "SELECT r.payment_id, r.refunded_on, r.amount_minor FROM refunds r JOIN payments p ON p.id = r.payment_id
             WHERE p.customer_id = ?1",
        )?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let on = day(&r.get::<_, String>(1)?)?;
            if let Some(p) = payments.get_mut(&r.get(0)?)
                && on.max(p.3) <= d
            {
                p.4 += r.get::<_, i64>(2)?;
            }
        }
        let mut apps = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT a.invoice_id, a.payment_id, a.credit_id, a.amount_minor, a.applied_on, a.removed_on, a.counts_from
             FROM applications a JOIN invoices i ON i.id = a.invoice_id WHERE i.customer_id = ?1",
        )?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            apps.push(App {
                invoice: r.get(0)?,
                payment: r.get(1)?,
                credit: r.get(2)?,
                amount: r.get(3)?,
                applied_on: day(&r.get::<_, String>(4)?)?,
                removed_on: opt_day(r.get(5)?)?,
                counts_from: opt_day(r.get(6)?)?,
            });
        }
        // What counts on D of each application: by invoice, by payment, by
        // credit, and the window's weights.
        let mut on_invoice: HashMap<i64, (i64, i64)> = HashMap::new();
        let mut by_payment: HashMap<i64, i64> = HashMap::new();
        let mut by_credit: HashMap<i64, i64> = HashMap::new();
        let mut out = AllParts::new();
        for a in &apps {
            let Some(inv) = invoices.get(&a.invoice) else { continue };
            let money = a.payment.map(|p| payments.get(&p));
            let counts = inv.status != "draft"
                && match money {
                    None => true,
                    Some(Some(p)) => p.1 == "succeeded" || p.1 == "refunded",
                    Some(None) => false,
                };
            let start = a.counts_from.unwrap_or(a.applied_on).max(inv.issued);
            if !counts || start > d || a.removed_on.is_some_and(|r| r <= d) {
                continue;
            }
            let e = on_invoice.entry(a.invoice).or_default();
            e.0 += a.amount;
            if a.credit.is_some() {
                e.1 += a.amount;
            }
            if let Some(p) = a.payment {
                *by_payment.entry(p).or_default() += a.amount;
                let received = payments[&p].3;
                if in_window(received, d) {
                    let part = out.entry((customer_id, inv.currency.clone())).or_default();
                    part.window_applied_minor += a.amount;
                    part.window_weighted_minor +=
                        i128::from(a.amount) * i128::from(received.signed_duration_since(inv.issued).num_days().max(0));
                }
            }
            if let Some(c) = a.credit {
                *by_credit.entry(c).or_default() += a.amount;
            }
        }
        for (id, inv) in &invoices {
            if inv.issued > d {
                continue;
            }
            let p = out.entry((customer_id, inv.currency.clone())).or_default();
            let closed = inv.closed.is_some_and(|c| c <= d);
            let cancelled = closed && inv.status == "cancelled";
            p.invoice_count += 1;
            p.invoice_total_minor += inv.total;
            if !cancelled {
                p.invoice_shown_total_minor += inv.total;
            }
            if inv.status == "draft" || cancelled {
                continue;
            }
            let (applied, credited) = on_invoice.get(id).copied().unwrap_or_default();
            p.billed_minor += inv.total;
            p.billed_applied_minor += applied;
            p.billed_credited_minor += credited;
            p.invoice_balance_minor += inv.total - applied;
            if !closed {
                let owed = inv.total - applied;
                p.outstanding_minor += owed;
                let bucket = bucket_of(inv.due, d);
                p.aging_minor[bucket] += owed;
                if bucket > 0 {
                    p.overdue_minor += owed;
                }
            }
        }
        for (id, (currency, status, amount, received, refunded)) in &payments {
            if *received > d {
                continue;
            }
            let p = out.entry((customer_id, currency.clone())).or_default();
            p.payment_count += 1;
            p.payment_total_minor += amount;
            if status == "succeeded" || status == "refunded" {
                p.collected_minor += amount - refunded;
                p.unapplied_minor += amount - refunded - by_payment.get(id).copied().unwrap_or(0);
                if refunded < amount {
                    p.collected_count += 1;
                }
            }
        }
        let mut stmt = conn
            .prepare("SELECT id, currency, amount_minor, granted_on, voided_on FROM credits WHERE customer_id = ?1")?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let granted = day(&r.get::<_, String>(3)?)?;
            let voided = opt_day(r.get(4)?)?;
            if granted > d || voided.is_some_and(|v| v <= d) {
                continue;
            }
            let applied = by_credit.get(&r.get::<_, i64>(0)?).copied().unwrap_or(0);
            out.entry((customer_id, r.get(1)?)).or_default().credit_open_minor += r.get::<_, i64>(2)? - applied;
        }
        Ok(out)
    }

    /// The page's figures as of `as_of` from the raw rows and the oracle's
    /// own formulas, for comparisons with `figures_as_of`.
    pub fn figures_oracle_as_of(&self, customer: &Customer, as_of: NaiveDate) -> Result<CustomerFigures> {
        let mut parts = self.metric_parts_oracle_as_of(customer.id, as_of)?;
        let credits: i64 = self.conn().query_row(
            "SELECT count(*) FROM credits WHERE customer_id = ?1 AND granted_on <= ?2",
            (customer.id, crate::domain::date::iso(as_of)),
            |r| r.get(0),
        )?;
        let counts = self.tab_counts_as_of(customer.id, &parts, credits)?;
        let own = parts.remove(&customer.currency).unwrap_or_default();
        let others: Vec<(Currency, MetricParts)> =
            parts.into_iter().filter(|(_, p)| *p != MetricParts::default()).collect();
        let conversations: Conversations = self.conversations_as_of(customer.id, as_of)?;
        Ok(CustomerFigures { metrics: cards(customer.currency, &own, conversations), others, counts, own })
    }
}
