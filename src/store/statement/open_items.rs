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
pub(crate) const OPEN: &str = "
    SELECT number, issue_date, due_date, currency, total_minor, balance_minor FROM invoices
    WHERE customer_id = ?1 AND status = 'open' AND balance_minor > 0
    ORDER BY due_date, number, id";

/// Payments that succeeded with money neither refunded nor applied.
pub(crate) const PAYMENTS: &str = "
    SELECT reference, id, received_on, currency, amount_minor, amount_minor - refunded_minor - applied_minor
    FROM payments
    WHERE customer_id = ?1 AND status = 'succeeded' AND amount_minor - refunded_minor - applied_minor > 0
    ORDER BY received_on, id";

/// Credits not voided with some left to apply (an adjustment is applied
/// to its invoice whole, so it has none, unless that was taken back).
pub(crate) const CREDITS: &str = "
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
            let due = date(r, 2)?;
            let item = (r.get(0)?, date(r, 1)?, due, r.get(4)?, r.get(5)?);
            add_open(&mut sections, currency(r, 3)?, item, day);
        }
        let mut stmt = self.conn().prepare(PAYMENTS)?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            add_payment(&mut sections, currency(r, 3)?, r.get(0)?, r.get(1)?, date(r, 2)?, (r.get(4)?, r.get(5)?));
        }
        let mut stmt = self.conn().prepare(CREDITS)?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let (kind, number, id): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            add_credit(&mut sections, currency(r, 4)?, (&kind, number, id), date(r, 3)?, (r.get(5)?, r.get(6)?));
        }
        Ok(finish(sections))
    }
}

/// An open invoice, (number, issued, due, total, balance), as a line of
/// its currency's section as of `day`, aged and added to the totals.
pub(crate) fn add_open(
    sections: &mut BTreeMap<Currency, Section>,
    cur: Currency,
    (number, issue_date, due, total, balance): (String, NaiveDate, NaiveDate, i64, i64),
    day: NaiveDate,
) {
    let s = at(sections, cur);
    s.aging[aging_bucket(due, day)].minor += balance;
    s.open_total.minor += balance;
    s.open_items.push(OpenItem {
        number,
        issue_date,
        due_date: due,
        total: Money::new(total, cur),
        balance: Money::new(balance, cur),
        days_overdue: (day - due).num_days().max(0),
    });
}

/// A payment's money left (amount, left), by its reference or else its id.
pub(crate) fn add_payment(
    sections: &mut BTreeMap<Currency, Section>,
    cur: Currency,
    reference: String,
    id: i64,
    on: NaiveDate,
    (amount, left): (i64, i64),
) {
    let reference = if reference.trim().is_empty() { format!("Payment #{id}") } else { reference };
    push_unapplied(at(sections, cur), UnappliedKind::Payment, reference, on, amount, left);
}

/// A credit's money left (amount, left), named by its kind (the stored
/// word), its number and id.
pub(crate) fn add_credit(
    sections: &mut BTreeMap<Currency, Section>,
    cur: Currency,
    (kind, number, id): (&str, String, i64),
    on: NaiveDate,
    (amount, left): (i64, i64),
) {
    let (kind, reference) = match kind {
        "credit_note" => (UnappliedKind::CreditNote, number),
        "adjustment" => (UnappliedKind::Credit, format!("Adjustment #{id}")),
        _ => (UnappliedKind::Credit, format!("Credit #{id}")),
    };
    push_unapplied(at(sections, cur), kind, reference, on, amount, left);
}

/// The sections in currency order, each with its total due.
pub(crate) fn finish(sections: BTreeMap<Currency, Section>) -> Vec<Section> {
    let mut out: Vec<Section> = sections.into_values().collect();
    for s in &mut out {
        s.total_due.minor = s.open_total.minor - s.unapplied_total.minor;
    }
    out
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
