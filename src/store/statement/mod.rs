//! A customer's statement of account as of a date (issue 17 §2), filled in
//! here and drawn by `crate::statement`. The open items, unapplied money
//! and aging are read through the as-of views (`reading`), so they are
//! what every tab shows as of the date; the activity's lines are the dated
//! events (`migrations/0014_dated_events.sql`) read from the raw rows.
//! Before a statement leaves, each section is checked against the dated
//! summary the page's figures come from (open total = Outstanding,
//! unapplied = Credit Balance) and against itself (`inconsistencies`,
//! which includes closing = total due): a statement that does not add up
//! is refused with what is wrong, never handed out.

pub(crate) mod activity;
pub(crate) mod open_items;

use super::metrics::PartsByCurrency;
use super::{Result, Store, StoreError};
use crate::domain::address::lines;
use crate::domain::model::{Customer, Organization};
use crate::domain::money::{Currency, Money};
use crate::statement::model::{Activity, Kind, Party, Section, Statement, inconsistencies};
use activity::Movement;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// What a statement reads of the books, on either backend: the customer
/// and the organization, the open-item sections as of a day (checked
/// against the dated figures), and the activity's movements. The
/// statement is put together from them by `statement_of`, the same on
/// SQLite and PostgreSQL.
pub(crate) trait Ledger {
    fn ledger_customer(&self, customer_id: i64) -> Result<Customer>;
    fn ledger_organization(&self) -> Result<Organization>;
    /// The open-item sections as of `day`, read as of the day and then
    /// back to what the store read, checked by `agrees_with_figures`.
    fn open_sections_on(&mut self, customer_id: i64, day: NaiveDate) -> Result<Vec<Section>>;
    /// The movements from `from` through `to`, per currency, in order.
    fn movements(&self, customer_id: i64, from: NaiveDate, to: NaiveDate) -> Result<BTreeMap<Currency, Vec<Movement>>>;
}

/// `Store::statement` on any backend.
pub(crate) fn statement_of(
    books: &mut impl Ledger,
    customer_id: i64,
    as_of: NaiveDate,
    kind: Kind,
) -> Result<Statement> {
    // No stored date falls outside the bounds, and dates far outside them
    // neither compare as ISO text on SQLite nor fit PostgreSQL's `date`
    // (chrono's first day): refused alike on both backends.
    let from = match kind {
        Kind::Activity { from } => Some(from),
        Kind::OpenItem => None,
    };
    if let Some(e) = [Some(as_of), from].into_iter().flatten().find_map(crate::domain::bounds::date_error) {
        return Err(StoreError::Invalid(format!("the statement's date {e}")));
    }
    let customer = books.ledger_customer(customer_id)?;
    let org = books.ledger_organization()?;
    let mut sections = books.open_sections_on(customer_id, as_of)?;
    section_for(&mut sections, customer.currency);
    if let Kind::Activity { from } = kind {
        if from > as_of {
            return Err(StoreError::Invalid(format!(
                "an activity statement runs from a date up to its statement date: {from} is after {as_of}"
            )));
        }
        let before = match from.pred_opt() {
            Some(day) => books.open_sections_on(customer_id, day)?,
            None => Vec::new(),
        };
        let mut lines = books.movements(customer_id, from, as_of)?;
        let currencies: Vec<Currency> = lines.keys().copied().chain(before.iter().map(|s| s.currency)).collect();
        for currency in currencies {
            section_for(&mut sections, currency);
        }
        for s in &mut sections {
            let brought_forward = before.iter().find(|b| b.currency == s.currency).map_or(0, |b| b.total_due.minor);
            let raw = lines.remove(&s.currency).unwrap_or_default();
            s.activity = Some(activity::running(from, Money::new(brought_forward, s.currency), raw));
        }
    }
    order_sections(&mut sections, customer.currency);
    for s in &sections {
        let wrong = inconsistencies(s);
        if !wrong.is_empty() {
            return Err(StoreError::Invalid(format!(
                "the statement of customer {customer_id} as of {as_of} does not add up: {}",
                wrong.join("; ")
            )));
        }
    }
    let imported = match (customer.import_source, &customer.external_id) {
        (Some(source), Some(ext)) => format!(" · {} {ext}", source.label()),
        _ => String::new(),
    };
    Ok(Statement {
        organization: Party { name: org.name, legal_name: None, address: lines(&org.address), email: None },
        customer: Party {
            name: customer.name.clone(),
            legal_name: Some(customer.legal_name.clone()).filter(|l| !l.trim().is_empty()),
            address: lines(&customer.billing_address),
            email: Some(customer.billing_email.clone()).filter(|e| !e.trim().is_empty()),
        },
        customer_ref: format!("Customer #{customer_id}{imported}"),
        as_of,
        kind,
        sections,
    })
}

impl Ledger for Store {
    fn ledger_customer(&self, customer_id: i64) -> Result<Customer> {
        self.customer(customer_id)
    }

    fn ledger_organization(&self) -> Result<Organization> {
        self.organization()
    }

    fn open_sections_on(&mut self, customer_id: i64, day: NaiveDate) -> Result<Vec<Section>> {
        let before = self.as_of();
        self.set_as_of(Some(day))?;
        let read = self.open_sections(customer_id, day);
        let back = self.set_as_of(before);
        let sections = read?;
        back?;
        agrees_with_figures(customer_id, day, &self.metric_parts_as_of(customer_id, day)?, &sections)?;
        Ok(sections)
    }

    fn movements(&self, customer_id: i64, from: NaiveDate, to: NaiveDate) -> Result<BTreeMap<Currency, Vec<Movement>>> {
        self.activity_lines(customer_id, from, to)
    }
}

impl Store {
    /// The statement of `customer_id` as of the end of `as_of`: open items,
    /// or with `Kind::Activity { from }` also every movement from `from`
    /// (≤ `as_of`) with a running balance. The store reads as of the dates
    /// meanwhile and returns to what it read before, also on an error.
    pub fn statement(&mut self, customer_id: i64, as_of: NaiveDate, kind: Kind) -> Result<Statement> {
        statement_of(self, customer_id, as_of, kind)
    }
}

/// Every currency's open total and unapplied total against Outstanding
/// and Credit Balance from the dated summary (`figures_as_of`'s sums,
/// `parts`).
pub(crate) fn agrees_with_figures(
    customer_id: i64,
    day: NaiveDate,
    parts: &PartsByCurrency,
    sections: &[Section],
) -> Result<()> {
    let mut wrong = Vec::new();
    let currencies = parts.keys().copied().chain(sections.iter().map(|s| s.currency));
    for cur in currencies.collect::<std::collections::BTreeSet<_>>() {
        let p = parts.get(&cur).cloned().unwrap_or_default();
        let (open, unapplied) = sections
            .iter()
            .find(|s| s.currency == cur)
            .map_or((0, 0), |s| (s.open_total.minor, s.unapplied_total.minor));
        if open != p.outstanding_minor || unapplied != p.unapplied_minor + p.credit_open_minor {
            wrong.push(format!(
                "{cur}: open {} and unapplied {} against Outstanding {} and Credit Balance {}",
                Money::new(open, cur).display(),
                Money::new(unapplied, cur).display(),
                Money::new(p.outstanding_minor, cur).display(),
                Money::new(p.unapplied_minor + p.credit_open_minor, cur).display()
            ));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "the statement of customer {customer_id} as of {day} disagrees with the figures: {}",
            wrong.join("; ")
        )))
    }
}

/// The section of `currency`, added empty when there is none.
fn section_for(sections: &mut Vec<Section>, currency: Currency) -> &mut Section {
    if let Some(i) = sections.iter().position(|s| s.currency == currency) {
        return &mut sections[i];
    }
    sections.push(empty_section(currency));
    let last = sections.len() - 1;
    &mut sections[last]
}

pub(super) fn empty_section(currency: Currency) -> Section {
    let zero = Money::zero(currency);
    Section {
        currency,
        open_items: Vec::new(),
        unapplied: Vec::new(),
        aging: [zero; 5],
        open_total: zero,
        unapplied_total: zero,
        total_due: zero,
        activity: None::<Activity>,
    }
}

/// The customer's own currency first (there always, if only to say nothing
/// is owed), then the others alphabetically.
fn order_sections(sections: &mut [Section], own: Currency) {
    sections.sort_by(|a, b| (a.currency != own, a.currency.code()).cmp(&(b.currency != own, b.currency.code())));
}
