//! Creating invoices and cancelling them in bulk on PostgreSQL
//! (`store/writes/invoices.rs`): checked, numbered and audited by the same
//! functions.

use super::super::super::import::InvoiceWrite;
use super::super::super::writes::invoice_checks::{
    check_draft, checked_memo, contract_takes, in_currency, number_used,
};
use super::super::super::writes::invoices::{
    CancelPreview, cancel_refusal, cancelled, created, format_number, sequence_after,
};
use super::super::super::writes::picked::each_once;
use super::super::super::writes::{dates_in_bounds, invalid};
use super::super::super::{Result, StoreError, now_utc};
use super::super::inserts;
use super::super::store::PgStore;
use super::audit;
use crate::domain::Currency;
use crate::domain::edit::InvoiceDraft;
use crate::store::pg::prepared::{Sql, Tx};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// The organization's next free number and its sequence value.
fn next_number(c: &mut impl Sql) -> Result<(String, i64)> {
    let r = c.query_one("SELECT invoice_prefix, invoice_next_seq FROM organization", &[])?;
    let (prefix, mut seq): (String, i64) = (r.try_get(0)?, r.try_get(1)?);
    while c.query_opt("SELECT 1 FROM invoices WHERE number = $1", &[&format_number(&prefix, seq)])?.is_some() {
        seq += 1;
    }
    Ok((format_number(&prefix, seq), seq))
}

/// Decides, inside the transaction, which of `ids` (each once) can be
/// cancelled; reads them in one query (`write_offs::sort`).
fn classify(c: &mut impl Sql, customer_id: i64, ids: &[i64]) -> Result<CancelPreview> {
    let mut out = CancelPreview::default();
    let mut totals: BTreeMap<Currency, i64> = BTreeMap::new();
    let rows = c.query(
        "SELECT id, number, status, total_minor, applied_minor, currency FROM invoices
         WHERE id = ANY($1) AND customer_id = $2",
        &[&ids, &customer_id],
    )?;
    let mut found: HashMap<i64, (String, String, i64, i64, String)> = HashMap::with_capacity(rows.len());
    for r in rows {
        found.insert(r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?));
    }
    for id in each_once(ids) {
        let Some((number, status, total, applied, cur)) = found.remove(&id) else {
            out.refused.push((format!("#{id}"), "not an invoice of this customer (deleted elsewhere?)".into()));
            continue;
        };
        let currency: Currency = cur.parse().map_err(|_| invalid(format!("{number} has a bad currency")))?;
        match cancel_refusal(&status, applied, currency) {
            Some(r) => out.refused.push((number, r)),
            None => {
                *totals.entry(currency).or_default() += total;
                out.cancel.push((id, number, total));
            }
        }
    }
    out.currency_totals = totals.into_iter().collect();
    Ok(out)
}

/// The customer's currency, or NotFound.
pub(super) fn customer_currency(tx: &mut Tx<'_>, customer_id: i64) -> Result<Currency> {
    let Some(r) = tx.query_opt("SELECT currency FROM customers WHERE id = $1", &[&customer_id])? else {
        return Err(StoreError::NotFound(format!("customer {customer_id}")));
    };
    let cur: String = r.try_get(0)?;
    cur.parse().map_err(|_| StoreError::Invalid(format!("customer {customer_id} has a bad currency {cur}")))
}

/// Holds the organization's row, whose invoice numbers are everyone's:
/// while a number is checked and the sequence moved, no other customer's
/// invoice can take the same one (the customer's row first, then this
/// one, in every write: no deadlock).
pub(super) fn hold_numbers(tx: &mut Tx<'_>) -> Result<()> {
    tx.execute("SELECT 1 FROM organization FOR UPDATE", &[])?;
    Ok(())
}

/// Inside the transaction: the draft is in the customer's currency (or in
/// `kept`, an existing invoice's), and its contract (if any) is the
/// customer's and still takes invoices, as `invoice_checks::check_owner`.
pub(super) fn check_owner(tx: &mut Tx<'_>, customer_id: i64, d: &InvoiceDraft, kept: Option<Currency>) -> Result<()> {
    in_currency(customer_currency(tx, customer_id)?, d, kept)?;
    let Some(k) = d.contract_id else { return Ok(()) };
    let found = match tx.query_opt("SELECT customer_id, name, status FROM contracts WHERE id = $1", &[&k])? {
        Some(r) => Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
        None => None,
    };
    contract_takes(customer_id, found)
}

/// Refuses a number another invoice (not `except`) has.
pub(super) fn number_free(tx: &mut Tx<'_>, number: &str, except: Option<i64>) -> Result<()> {
    match tx.query_opt("SELECT 1 FROM invoices WHERE number = $1 AND id IS DISTINCT FROM $2", &[&number, &except])? {
        Some(_) => Err(number_used(number)),
        None => Ok(()),
    }
}

/// When an invoice takes the organization's next number, the sequence
/// moves past it.
pub(super) fn advance_sequence(tx: &mut Tx<'_>, number: &str) -> Result<()> {
    let r = tx.query_one("SELECT invoice_prefix, invoice_next_seq FROM organization", &[])?;
    if let Some(next) = sequence_after(&r.try_get::<_, String>(0)?, r.try_get(1)?, number) {
        tx.execute("UPDATE organization SET invoice_next_seq = greatest(invoice_next_seq, $1)", &[&next])?;
    }
    Ok(())
}

impl PgStore {
    /// The next invoice number from the organization's sequence, skipping
    /// numbers already in use.
    pub fn next_invoice_number(&self) -> Result<String> {
        Ok(next_number(&mut self.client()?)?.0)
    }

    /// Creates an invoice with its lines and memo, in one transaction.
    pub fn create_invoice(&mut self, customer_id: i64, d: &InvoiceDraft) -> Result<i64> {
        let number = check_draft(d)?;
        let memo = checked_memo(&d.memo)?;
        let who = self.who().to_string();
        self.write(Some(customer_id), |tx| {
            // Numbers are the organization's, whichever customer.
            hold_numbers(tx)?;
            check_owner(tx, customer_id, d, None)?;
            number_free(tx, &number, None)?;
            let invoice = InvoiceWrite {
                customer_id,
                contract_id: d.contract_id,
                number: &number,
                issue_date: d.issue_date,
                due_date: d.due_date,
                period: d.period,
                currency: d.currency,
                total_minor: d.total_minor,
                status: d.status,
                kept: crate::store::kept::Kept::Nothing,
                memo,
                lines: &d.lines,
                cancelled_on: None,
            };
            let contract_name = inserts::contract_name(tx, d.contract_id)?;
            let id = inserts::insert_invoice(tx, &invoice, &contract_name, &now_utc())?;
            advance_sequence(tx, &number)?;
            audit(tx, &created(customer_id, id, &number, d), &who)?;
            Ok(id)
        })
    }

    /// What cancelling these invoices would do; writes nothing.
    pub fn cancel_preview(&self, customer_id: i64, ids: &[i64]) -> Result<CancelPreview> {
        classify(&mut self.client()?, customer_id, ids)
    }

    /// Cancels the invoices that can be (decided again inside the
    /// transaction) on `on`, with an audit row each; each is dated `on`, or
    /// its issue date when that is later.
    pub fn cancel_invoices(&mut self, customer_id: i64, ids: &[i64], on: NaiveDate) -> Result<CancelPreview> {
        dates_in_bounds(&[("cancel date", Some(on))])?;
        let who = self.who().to_string();
        self.write(Some(customer_id), |tx| {
            let plan = classify(tx, customer_id, ids)?;
            // One statement for them all: its statement triggers then sum
            // the summaries once, not once an invoice (43,871 invoices of
            // the 1M-invoice customer took minutes a statement each).
            let chosen: Vec<i64> = plan.cancel.iter().map(|(id, _, _)| *id).collect();
            let unchanged = super::update_all(
                tx,
                "UPDATE invoices SET status = 'cancelled', written_off_on = NULL,
                        cancelled_on = greatest($2, issue_date), version = version + 1
                 WHERE id = ANY($1) AND status IN ('draft', 'open', 'uncollectible') AND applied_minor = 0
                 RETURNING id",
                &[&chosen, &on],
                plan.cancel.iter().map(|(id, number, _)| (*id, number.as_str())),
            )?;
            if let Some(number) = unchanged {
                return Err(StoreError::Conflict(format!("invoice {number} changed while cancelling")));
            }
            let entries: Vec<_> =
                plan.cancel.iter().map(|(id, number, total)| cancelled(customer_id, *id, number, *total, on)).collect();
            super::audit_many(tx, &entries, &who, &now_utc())?;
            Ok(plan)
        })
    }
}
