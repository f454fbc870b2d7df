//! Two years of contracts, invoices and payments for one demo customer,
//! including the awkward cases an AR desk must show right: partial and late
//! payments, write-offs, drafts, cancellations, failed and refunded
//! payments, overpayments and credit.

use super::people;
use super::rng::{ALNUM, DIGITS, Rng};
use crate::domain::Currency;
use crate::domain::date::add_months;
use crate::domain::status::*;
use crate::store::seed::{AppliedFrom, NewContract, NewInvoice, NewPayment, Seeder};
use crate::store::{Audit, Result};
use chrono::{Datelike, Duration, NaiveDate};

/// Invoice numbers, unique across the whole database.
#[derive(Default)]
pub struct Numbers {
    pub next: i64,
}

impl Numbers {
    pub fn take(&mut self) -> String {
        self.next = self.next.max(1);
        let n = format!("INV-{:06}", self.next);
        self.next += 1;
        n
    }
}

/// Scales an amount in dollars to the currency's minor units.
pub fn money(major: i64, currency: Currency) -> i64 {
    match currency.exponent() {
        0 => major * 130,
        e => major * 10i64.pow(e),
    }
}

struct Issued {
    id: i64,
    total: i64,
    issue: NaiveDate,
    due: NaiveDate,
    currency: Currency,
}

pub struct Ctx<'a, 's> {
    pub s: &'a Seeder<'s>,
    pub rng: &'a mut Rng,
    pub customer_id: i64,
    pub today: NaiveDate,
    pub automatic: bool,
    pub payments: u64,
}

impl Ctx<'_, '_> {
    /// Records a succeeded payment and applies it; returns the payment id.
    pub fn pay(&mut self, on: NaiveDate, amount: i64, currency: Currency, apply: &[(i64, i64)]) -> Result<i64> {
        let reference = self.reference();
        let method = if self.automatic { PaymentMethod::Automatic } else { PaymentMethod::Manual };
        let pid = self.s.payment(&NewPayment {
            customer_id: self.customer_id,
            received_on: on,
            amount_minor: amount,
            refunded_minor: 0,
            currency,
            reference: &reference,
            status: PaymentStatus::Succeeded,
            method,
        })?;
        for (inv, part) in apply {
            self.s.apply(*inv, AppliedFrom::Payment(pid), *part, on)?;
        }
        self.payments += 1;
        Ok(pid)
    }

    pub fn reference(&mut self) -> String {
        if self.automatic {
            format!("ch_{}", self.rng.token(ALNUM, 14))
        } else if self.rng.chance(70) {
            format!("WIRE-{}", self.rng.token(DIGITS, 6))
        } else {
            format!("CHK-{}", self.rng.token(DIGITS, 5))
        }
    }
}

/// Returns (invoices, payments) created.
pub fn generate(
    s: &Seeder<'_>,
    rng: &mut Rng,
    numbers: &mut Numbers,
    customer_id: i64,
    currency: Currency,
    index: usize,
    today: NaiveDate,
) -> Result<(u64, u64)> {
    let automatic = rng.chance(40) || index == 0;
    let mut ctx = Ctx { s, rng, customer_id, today, automatic, payments: 0 };
    let lateness = ctx.rng.range(-8, 35);
    let reliability = ctx.rng.range(70, 97) as u64;
    let mut invoices: u64 = 0;
    let mut open: Vec<Issued> = Vec::new();
    let n_contracts = if index == 0 { 3 } else { ctx.rng.range(1, 3) };
    for k in 0..n_contracts {
        let recurring = k == 0 || ctx.rng.chance(60);
        let terms = *ctx.rng.pick(&[0, 15, 30, 30, 30, 45, 60]);
        let start0 = today - Duration::days(ctx.rng.range(120, 900));
        let start = NaiveDate::from_ymd_opt(start0.year(), start0.month(), 1).unwrap_or(start0);
        let name = *ctx.rng.pick(people::CONTRACT_NAMES);
        let (freq, months) = match ctx.rng.range(0, 9) {
            0..=5 => (BillingFrequency::Monthly, 1),
            6..=8 => (BillingFrequency::Quarterly, 3),
            _ => (BillingFrequency::Annual, 12),
        };
        let per_period = money(ctx.rng.range(4, 120) * 50 * i64::from(months).min(6), currency);
        let (status, end) = if !recurring {
            let end = start + Duration::days(ctx.rng.range(20, 120));
            (if end < today { ContractStatus::Ended } else { ContractStatus::Active }, Some(end))
        } else if ctx.rng.chance(15) && index != 0 {
            let end = add_months(start, 12 * ctx.rng.range(1, 2) as u32) - Duration::days(1);
            (if end < today { ContractStatus::Ended } else { ContractStatus::Active }, Some(end))
        } else {
            (ContractStatus::Active, None)
        };
        let value =
            if recurring { per_period * 12 / i64::from(months) } else { money(ctx.rng.range(20, 400) * 100, currency) };
        let contract_id = s.contract(&NewContract {
            customer_id,
            name,
            kind: if recurring { ContractKind::Recurring } else { ContractKind::OneTime },
            status,
            period_start: start,
            period_end: end,
            value_minor: value,
            currency,
            payment_terms_days: terms,
            billing_frequency: recurring.then_some(freq),
        })?;
        // Billing periods in the last two years, up to today.
        let mut periods = Vec::new();
        if recurring {
            let mut p = 0;
            loop {
                let ps = add_months(start, p * months);
                let pe = add_months(start, (p + 1) * months) - Duration::days(1);
                if ps > today || end.is_some_and(|e| ps > e) {
                    break;
                }
                if ps >= today - Duration::days(730) {
                    periods.push((ps, pe.min(end.unwrap_or(pe)), per_period));
                }
                p += 1;
            }
        } else if start <= today {
            periods.push((start, end.unwrap_or(start), value));
        }
        for (ps, pe, total) in periods {
            let issue = ps;
            let due = issue + Duration::days(terms);
            let number = numbers.take();
            let fresh = issue > today - Duration::days(4);
            let status = if fresh && ctx.rng.chance(60) {
                InvoiceStatus::Draft
            } else if ctx.rng.chance(3) {
                InvoiceStatus::Cancelled
            } else {
                InvoiceStatus::Open
            };
            let id = s.invoice(&NewInvoice {
                customer_id,
                contract_id: Some(contract_id),
                number: &number,
                issue_date: issue,
                due_date: due,
                period: Some((ps, pe)),
                currency,
                total_minor: total,
                status,
            })?;
            if status == InvoiceStatus::Cancelled {
                s.invoice_cancelled_on(id, super::cancelled_on(issue, today))?;
            }
            let (lines, memo) = super::lines::for_invoice(id, name, total, currency);
            s.invoice_lines(id, &lines)?;
            if !memo.is_empty() {
                s.invoice_memo(id, memo)?;
            }
            invoices += 1;
            if status == InvoiceStatus::Open {
                open.push(Issued { id, total, issue, due, currency });
            }
        }
    }
    // Settle what the customer has paid by today; keep what stays open.
    open.sort_by_key(|i| (i.issue, i.id));
    let mut still_open: Vec<(i64, i64)> = Vec::new();
    for inv in &open {
        let pay_on = inv.due + Duration::days(lateness + ctx.rng.range(-10, 20));
        let pay_on = pay_on.max(inv.issue + Duration::days(1));
        let age = (today - inv.due).num_days();
        // The first customer always shows overdue and partly paid invoices.
        let showcase = index == 0 && (1..=75).contains(&age);
        if showcase && inv.id % 2 == 0 {
            let part = inv.total * 40 / 100;
            ctx.pay(inv.due + Duration::days(3), part, inv.currency, &[(inv.id, part)])?;
            still_open.push((inv.id, inv.total - part));
        } else if showcase {
            still_open.push((inv.id, inv.total));
        } else if pay_on <= today && ctx.rng.chance(reliability) {
            ctx.pay(pay_on, inv.total, inv.currency, &[(inv.id, inv.total)])?;
            s.set_invoice_status(inv.id, InvoiceStatus::Paid)?;
        } else if age > 120 && ctx.rng.chance(35) {
            if ctx.rng.chance(50) {
                let part = inv.total * ctx.rng.range(20, 50) / 100;
                ctx.pay(inv.issue + Duration::days(40), part, inv.currency, &[(inv.id, part)])?;
            }
            s.set_invoice_status(inv.id, InvoiceStatus::Uncollectible)?;
        } else if age > -20 && ctx.rng.chance(18) {
            let on = (inv.issue + Duration::days(ctx.rng.range(5, 40))).min(today);
            let part = inv.total * ctx.rng.range(30, 70) / 100;
            if part > 0 {
                ctx.pay(on, part, inv.currency, &[(inv.id, part)])?;
            }
            still_open.push((inv.id, inv.total - part));
        } else {
            still_open.push((inv.id, inv.total));
        }
    }
    if index == 0 {
        special_cases(&mut ctx, numbers, currency, &still_open)?;
        invoices += 1;
    } else if ctx.rng.chance(8) {
        failed_payment(&mut ctx, currency)?;
    }
    if index == 3 {
        // A second currency on one customer: shown apart, never summed.
        for (days, major) in [(200, 2400), (40, 1800)] {
            let issue = today - Duration::days(days);
            let id = s.invoice(&NewInvoice {
                customer_id,
                contract_id: None,
                number: &numbers.take(),
                issue_date: issue,
                due_date: issue + Duration::days(30),
                period: None,
                currency: Currency::USD,
                total_minor: money(major, Currency::USD),
                status: InvoiceStatus::Open,
            })?;
            invoices += 1;
            if days > 100 {
                ctx.pay(
                    issue + Duration::days(35),
                    money(major, Currency::USD),
                    Currency::USD,
                    &[(id, money(major, Currency::USD))],
                )?;
                s.set_invoice_status(id, InvoiceStatus::Paid)?;
            }
        }
    }
    let payments = ctx.payments;
    let who = *ctx.rng.pick(people::STAFF);
    s.audit(
        &Audit {
            customer_id: Some(customer_id),
            entity: "customer",
            entity_id: Some(customer_id),
            action: "review",
            summary: format!("reviewed the account: {invoices} invoices, {payments} payments"),
            ..Audit::default()
        },
        &format!("{}T16:30:00Z", today - Duration::days(2)),
        who,
    )?;
    Ok((invoices, payments))
}

fn failed_payment(ctx: &mut Ctx<'_, '_>, currency: Currency) -> Result<()> {
    let on = ctx.today - Duration::days(ctx.rng.range(3, 60));
    ctx.s.payment(&NewPayment {
        customer_id: ctx.customer_id,
        received_on: on,
        amount_minor: money(ctx.rng.range(5, 60) * 100, currency),
        refunded_minor: 0,
        currency,
        reference: &format!("ch_{}", ctx.rng.token(ALNUM, 14)),
        status: PaymentStatus::Failed,
        method: PaymentMethod::Automatic,
    })?;
    ctx.payments += 1;
    Ok(())
}

/// The first customer shows every awkward case at once.
fn special_cases(ctx: &mut Ctx<'_, '_>, numbers: &mut Numbers, currency: Currency, open: &[(i64, i64)]) -> Result<()> {
    let (s, today, cid) = (ctx.s, ctx.today, ctx.customer_id);
    failed_payment(ctx, currency)?;
    // A payment refunded in full: it collects nothing.
    s.payment(&NewPayment {
        customer_id: cid,
        received_on: today - Duration::days(75),
        amount_minor: money(900, currency),
        refunded_minor: money(900, currency),
        currency,
        reference: "ch_RefundedDuplicate01",
        status: PaymentStatus::Refunded,
        method: PaymentMethod::Automatic,
    })?;
    ctx.payments += 1;
    // A one-off invoice paid by a payment that was partly refunded.
    let issue = today - Duration::days(50);
    let inv = s.invoice(&NewInvoice {
        customer_id: cid,
        contract_id: None,
        number: &numbers.take(),
        issue_date: issue,
        due_date: issue + Duration::days(15),
        period: None,
        currency,
        total_minor: money(1_200, currency),
        status: InvoiceStatus::Open,
    })?;
    let pid = s.payment(&NewPayment {
        customer_id: cid,
        received_on: issue + Duration::days(12),
        amount_minor: money(1_450, currency),
        refunded_minor: money(250, currency),
        currency,
        reference: "WIRE-PARTREFUND",
        status: PaymentStatus::Succeeded,
        method: PaymentMethod::Manual,
    })?;
    ctx.payments += 1;
    s.apply(inv, AppliedFrom::Payment(pid), money(1_200, currency), issue + Duration::days(12))?;
    s.set_invoice_status(inv, InvoiceStatus::Paid)?;
    // An overpayment: $500 more than the invoice, kept as credit.
    let over_inv = s.invoice(&NewInvoice {
        customer_id: cid,
        contract_id: None,
        number: &numbers.take(),
        issue_date: today - Duration::days(35),
        due_date: today - Duration::days(5),
        period: None,
        currency,
        total_minor: money(2_000, currency),
        status: InvoiceStatus::Open,
    })?;
    ctx.pay(today - Duration::days(8), money(2_500, currency), currency, &[(over_inv, money(2_000, currency))])?;
    s.set_invoice_status(over_inv, InvoiceStatus::Paid)?;
    // Goodwill credit, partly applied to the oldest open invoice.
    let credit =
        s.credit(cid, today - Duration::days(20), money(300, currency), currency, "Service outage goodwill")?;
    if let Some((inv, _)) = open.iter().find(|(_, balance)| *balance > money(100, currency)) {
        s.apply(*inv, AppliedFrom::Credit(credit), money(100, currency), today - Duration::days(19))?;
    }
    Ok(())
}
