//! One customer with a very large number of invoices (`--invoices N`), for
//! benchmarks: ten years of daily billing, most of it paid by weekly
//! remittances of about ten invoices each. Loaded with the summary
//! triggers lifted and the summaries rebuilt once at the end (see
//! `store::summaries`), so rows go in with their final status.

use super::history::Numbers;
use super::rng::{DIGITS, Rng};
use crate::domain::Currency;
use crate::domain::status::*;
use crate::store::Result;
use crate::store::seed::{AppliedFrom, NewInvoice, NewPayment, Seeder};
use chrono::{Duration, NaiveDate};

const YEARS_DAYS: i64 = 3650;
const BATCH: usize = 10;

/// Returns the number of payments created.
pub fn generate(
    s: &Seeder<'_>,
    rng: &mut Rng,
    numbers: &mut Numbers,
    customer_id: i64,
    n: u64,
    today: NaiveDate,
) -> Result<u64> {
    let suspended = s.suspend_summaries()?;
    let lifted = s.lift_indexes()?;
    let start = today - Duration::days(YEARS_DAYS);
    let mut payments = 0;
    let mut batch: Vec<(i64, i64, NaiveDate)> = Vec::with_capacity(BATCH);
    let flush = |batch: &mut Vec<(i64, i64, NaiveDate)>, rng: &mut Rng, payments: &mut u64| -> Result<()> {
        let Some(on) = batch.iter().map(|b| b.2).max() else { return Ok(()) };
        let amount: i64 = batch.iter().map(|b| b.1).sum();
        let reference = format!("REM-{}", rng.token(DIGITS, 8));
        let pid = s.payment(&NewPayment {
            customer_id,
            received_on: on,
            amount_minor: amount,
            refunded_minor: 0,
            currency: Currency::USD,
            reference: &reference,
            status: PaymentStatus::Succeeded,
            method: PaymentMethod::Automatic,
        })?;
        for (inv, total, _) in batch.drain(..) {
            s.apply(inv, AppliedFrom::Payment(pid), total, on)?;
        }
        *payments += 1;
        Ok(())
    };
    for i in 0..n {
        let issue = start + Duration::days((i as i64 * YEARS_DAYS) / n.max(1) as i64);
        let due = issue + Duration::days(30);
        let total = rng.range(5, 2_000) * 100 + rng.range(0, 99);
        let recent = issue > today - Duration::days(45);
        let status = if issue > today - Duration::days(3) && rng.chance(50) {
            InvoiceStatus::Draft
        } else if rng.chance(1) {
            InvoiceStatus::Cancelled
        } else {
            InvoiceStatus::Open
        };
        let pay_on = due + Duration::days(rng.range(-20, 25));
        let (status, paid) = if status != InvoiceStatus::Open {
            (status, false)
        } else if !recent && pay_on <= today && rng.chance(96) {
            (InvoiceStatus::Paid, true)
        } else if !recent && rng.chance(5) {
            (InvoiceStatus::Uncollectible, false)
        } else {
            (InvoiceStatus::Open, false)
        };
        let number = numbers.take();
        let id = s.invoice(&NewInvoice {
            customer_id,
            contract_id: None,
            number: &number,
            issue_date: issue,
            due_date: due,
            period: None,
            currency: Currency::USD,
            total_minor: total,
            status,
        })?;
        if status == InvoiceStatus::Cancelled {
            s.invoice_cancelled_on(id, super::cancelled_on(issue, today))?;
        }
        if paid {
            batch.push((id, total, pay_on.max(issue)));
            if batch.len() == BATCH {
                flush(&mut batch, rng, &mut payments)?;
            }
        } else if status == InvoiceStatus::Open && rng.chance(10) {
            let part = total / 2;
            let on = (issue + Duration::days(10)).min(today);
            let pid = s.payment(&NewPayment {
                customer_id,
                received_on: on,
                amount_minor: part,
                refunded_minor: 0,
                currency: Currency::USD,
                reference: &format!("REM-{}", rng.token(DIGITS, 8)),
                status: PaymentStatus::Succeeded,
                method: PaymentMethod::Automatic,
            })?;
            s.apply(id, AppliedFrom::Payment(pid), part, on)?;
            payments += 1;
        }
    }
    flush(&mut batch, rng, &mut payments)?;
    s.restore_indexes(lifted)?;
    s.rebuild_summaries(&[customer_id], suspended)?;
    Ok(payments)
}
