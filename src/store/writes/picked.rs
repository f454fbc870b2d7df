//! Invoices picked by id for a write that decides invoice by invoice
//! (a bad-debt write-off, a small-balance write-off): each id once, read
//! as the decision needs it, or named as not this customer's; then sorted
//! into those taken and those left with the reason, with the sums taken
//! per currency.

use super::credit_notes::parse_currency;
use crate::domain::date::iso;
use crate::domain::status::InvoiceStatus;
use crate::domain::{Currency, Money};
use crate::store::Result;
use crate::store::tabs::date;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use std::collections::{BTreeMap, BTreeSet};

/// An invoice as the decision reads it.
pub(crate) struct Picked {
    pub id: i64,
    pub number: String,
    /// `None` for a status this ardesk does not know (`status_text`).
    pub status: Option<InvoiceStatus>,
    pub status_text: String,
    /// total − applied.
    pub balance: i64,
    pub currency: Currency,
    pub issued: NaiveDate,
    pub written_off_on: Option<String>,
}

impl Picked {
    pub fn money(&self, minor: i64) -> Money {
        Money::new(minor, self.currency)
    }

    /// Why a write dated `on` cannot touch it: it was issued after.
    pub fn issued_after(&self, on: Option<NaiveDate>) -> Option<String> {
        on.filter(|on| *on < self.issued)
            .map(|on| format!("was issued on {}, after the write-off date {}", iso(self.issued), iso(on)))
    }
}

/// What a decision made of the invoices picked.
#[derive(Default)]
pub(crate) struct Sorted {
    /// (id, number, balance) of those taken.
    pub taken: Vec<(i64, String, Money)>,
    /// (number, reason) of those left.
    pub refused: Vec<(String, String)>,
    /// Σ balance taken per currency.
    pub totals: Vec<(Currency, i64)>,
}

/// An invoice's columns as `sort` reads them: number, status, balance,
/// currency, issue date, written off on (ISO).
pub(crate) type PickedCols = (String, String, i64, String, NaiveDate, Option<String>);

/// Reads each of `ids` once, in order, and sorts them by `decide`: `None`
/// takes the invoice, `Some(reason)` leaves it ("INV-1 {reason}"). An id
/// that is not an invoice of `customer_id` is left too, by its id.
pub(super) fn sort(
    conn: &Connection,
    customer_id: i64,
    ids: &[i64],
    decide: impl FnMut(&Picked) -> Option<String>,
) -> Result<Sorted> {
    let mut stmt = conn.prepare_cached(
        "SELECT number, status, total_minor - applied_minor, currency, issue_date, written_off_on
         FROM invoices WHERE id = ?1 AND customer_id = ?2",
    )?;
    let read = |id: i64| -> Result<Option<PickedCols>> {
        let row = stmt
            .query_row((id, customer_id), |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    date(r, 4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })
            .optional()?;
        Ok(row)
    };
    sort_with(ids, read, decide)
}

/// Each of `ids` once, in the order first given: a selection that names an
/// invoice twice acts on it once (a bulk write would otherwise find it
/// changed by its own first update), on either backend.
pub(crate) fn each_once(ids: &[i64]) -> impl Iterator<Item = i64> + '_ {
    let mut seen = BTreeSet::new();
    ids.iter().copied().filter(move |id| seen.insert(*id))
}

/// `sort` for either backend: `read` gives an id's columns when it is an
/// invoice of the customer.
pub(crate) fn sort_with(
    ids: &[i64],
    mut read: impl FnMut(i64) -> Result<Option<PickedCols>>,
    mut decide: impl FnMut(&Picked) -> Option<String>,
) -> Result<Sorted> {
    let mut out = Sorted::default();
    let mut totals: BTreeMap<Currency, i64> = BTreeMap::new();
    for id in each_once(ids) {
        let row = read(id)?;
        let Some((number, status_text, balance, cur, issued, written_off_on)) = row else {
            out.refused
                .push((format!("#{id}"), format!("#{id} is not an invoice of this customer (deleted elsewhere?)")));
            continue;
        };
        let currency = parse_currency(&cur, &number)?;
        let status = InvoiceStatus::from_db(&status_text);
        let p = Picked { id, number, status, status_text, balance, currency, issued, written_off_on };
        match decide(&p) {
            Some(r) => out.refused.push((p.number.clone(), format!("{} {r}", p.number))),
            None => {
                *totals.entry(currency).or_default() += balance;
                out.taken.push((id, p.number, Money::new(balance, currency)));
            }
        }
    }
    out.totals = totals.into_iter().collect();
    Ok(out)
}

/// Refuses a write that takes none of the invoices picked: the reasons
/// each was left, or `none` when none was picked.
pub(crate) fn none_taken(refused: &[(String, String)], none: &str) -> crate::store::StoreError {
    let why: Vec<&str> = refused.iter().map(|(_, r)| r.as_str()).collect();
    super::invalid(match why.is_empty() {
        true => none.to_string(),
        false => why.join("; "),
    })
}
