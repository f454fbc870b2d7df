//! The open-item part of a statement, read while the store reads as of the
//! statement date: the tables named here are then the as-of views
//! (`reading`), so an invoice's status and balance, a payment's refunds
//! and applications and a credit's void are those of that day.

use super::super::tabs::{currency, date};
use super::super::{Result, Store};
use super::empty_section;
use crate::domain::metrics::aging_bucket;
use crate::domain::money::{Currency, Money};
use crate::statement::model::{OpenItem, Section, Unapplied, UnappliedKind};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Invoices open with something owed, oldest due first.
const OPEN: &str = "
    SELECT number, issue_date, due_date, currency, total_minor, balance_minor FROM invoices
    WHERE customer_id = ?1 AND status = 'open' AND balance_minor > 0
    ORDER BY due_date, number, id";

/// Payments that succeeded with money neither refunded nor applied.
const PAYMENTS: &str = "
    SELECT reference, id, received_on, currency, amount_minor, amount_minor - refunded_minor - applied_minor
    FROM payments
    WHERE customer_id = ?1 AND status = 'succeeded' AND amount_minor - refunded_minor - applied_minor > 0
    ORDER BY received_on, id";

/// Credits not voided with some left to apply (an adjustment is applied
/// to its invoice whole, so it has none, unless that was taken back).
const CREDITS: &str = "
    SELECT kind, coalesce(number, ''), id, granted_on, currency, amount_minor, amount_minor - applied_minor
    FROM credits
    WHERE customer_id = ?1 AND status = 'issued' AND amount_minor - applied_minor > 0
    ORDER BY granted_on, id";

impl Store {
    /// The sections as of `day`; the store must be reading as of `day`.
    pub(super) fn open_sections(&self, customer_id: i64, day: NaiveDate) -> Result<Vec<Section>> {
        let mut sections: BTreeMap<Currency, Section> = BTreeMap::new();
        let mut stmt = self.conn().prepare(OPEN)?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let cur = currency(r, 3)?;
            let due = date(r, 2)?;
            let balance: i64 = r.get(5)?;
            let s = at(&mut sections, cur);
            s.aging[aging_bucket(due, day)].minor += balance;
            s.open_total.minor += balance;
            s.open_items.push(OpenItem {
                number: r.get(0)?,
                issue_date: date(r, 1)?,
                due_date: due,
                total: Money::new(r.get(4)?, cur),
                balance: Money::new(balance, cur),
                days_overdue: (day - due).num_days().max(0),
            });
        }
        let mut stmt = self.conn().prepare(PAYMENTS)?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let reference: String = r.get(0)?;
            let id: i64 = r.get(1)?;
            let reference = if reference.trim().is_empty() { format!("Payment #{id}") } else { reference };
            push_unapplied(
                at(&mut sections, currency(r, 3)?),
                UnappliedKind::Payment,
                reference,
                date(r, 2)?,
                r.get(4)?,
                r.get(5)?,
            );
        }
        let mut stmt = self.conn().prepare(CREDITS)?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            let number: String = r.get(1)?;
            let id: i64 = r.get(2)?;
            let (kind, reference) = match kind.as_str() {
                "credit_note" => (UnappliedKind::CreditNote, number),
                "adjustment" => (UnappliedKind::Credit, format!("Adjustment #{id}")),
                _ => (UnappliedKind::Credit, format!("Credit #{id}")),
            };
            push_unapplied(at(&mut sections, currency(r, 4)?), kind, reference, date(r, 3)?, r.get(5)?, r.get(6)?);
        }
        let mut out: Vec<Section> = sections.into_values().collect();
        for s in &mut out {
            s.total_due.minor = s.open_total.minor - s.unapplied_total.minor;
        }
        Ok(out)
    }
}

fn at(sections: &mut BTreeMap<Currency, Section>, cur: Currency) -> &mut Section {
    sections.entry(cur).or_insert_with(|| empty_section(cur))
}

fn push_unapplied(s: &mut Section, kind: UnappliedKind, reference: String, on: NaiveDate, amount: i64, left: i64) {
    let cur = s.currency;
    s.unapplied_total.minor += left;
    s.unapplied.push(Unapplied {
        kind,
        reference,
        date: on,
        amount: Money::new(amount, cur),
        remaining: Money::new(left, cur),
    });
}
