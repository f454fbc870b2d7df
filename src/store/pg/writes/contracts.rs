//! Contracts on PostgreSQL (`store/writes/contracts.rs`): read for the
//! pickers, created, edited, ended, cancelled and deleted with the same
//! checks, words and audit entries.

use super::super::super::writes::contracts::{
    PICKER_ORDER, cancellable, cancelled, check, created, deleted, edited, ended, ending, in_currency, kept_words,
    missing, what,
};
use super::super::super::writes::invalid;
use super::super::super::{Result, now_utc};
use super::super::store::PgStore;
use super::super::window::PgTabRow;
use super::invoices::customer_currency;
use super::{audit, hold, versioned};
use crate::domain::edit::ContractDraft;
use crate::domain::model::ContractRow;
use crate::store::pg::prepared::{Sql, Tx};
use chrono::NaiveDate;

/// The contract's customer.
fn owner(c: &mut impl Sql, id: i64) -> Result<i64> {
    match c.query_opt("SELECT customer_id FROM contracts WHERE id = $1", &[&id])? {
        Some(r) => Ok(r.try_get(0)?),
        None => Err(missing(id)),
    }
}

/// The contract as it is.
fn row(c: &mut impl Sql, id: i64) -> Result<ContractRow> {
    let sql = format!("SELECT {} FROM contracts WHERE id = $1", ContractRow::SELECT);
    match c.query_opt(&sql, &[&id])? {
        Some(r) => ContractRow::map(&r),
        None => Err(missing(id)),
    }
}

/// The contract's customer and the contract as it is.
fn load(c: &mut impl Sql, id: i64) -> Result<(i64, ContractRow)> {
    Ok((owner(c, id)?, row(c, id)?))
}

/// `load`, its customer's row held before the contract is read (no write
/// moves a contract to another customer).
fn held(tx: &mut Tx<'_>, id: i64) -> Result<(i64, ContractRow)> {
    let customer = owner(tx, id)?;
    hold(tx, customer)?;
    Ok((customer, row(tx, id)?))
}

/// What keeps a contract from being deleted, in words; `None` when nothing.
fn kept_by(c: &mut impl Sql, id: i64, k: &ContractRow) -> Result<Option<String>> {
    let r = c.query_one(
        "SELECT (SELECT count(*) FROM invoices WHERE contract_id = $1),
                (SELECT count(*) FROM documents WHERE contract_id = $1)",
        &[&id],
    )?;
    Ok(kept_words(k, r.try_get(0)?, r.try_get(1)?))
}

impl PgStore {
    pub fn contract(&self, id: i64) -> Result<ContractRow> {
        Ok(load(&mut self.client()?, id)?.1)
    }

    /// The customer's contracts for pickers: active first, then the newest.
    pub fn contracts_for(&self, customer_id: i64) -> Result<Vec<ContractRow>> {
        let sql =
            format!("SELECT {} FROM contracts WHERE customer_id = $1 ORDER BY {PICKER_ORDER}", ContractRow::SELECT);
        self.client()?.query(&sql, &[&customer_id])?.iter().map(ContractRow::map).collect()
    }

    pub fn create_contract(&mut self, customer_id: i64, d: &ContractDraft) -> Result<i64> {
        check(d)?;
        let who = self.who().to_string();
        self.write(Some(customer_id), |tx| {
            in_currency(customer_currency(tx, customer_id)?, d)?;
            let id: i64 = tx
                .query_one(
                    "INSERT INTO contracts(customer_id, name, kind, status, period_start, period_end, value_minor,
                                           currency, payment_terms_days, billing_frequency, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    &[
                        &customer_id,
                        &d.name.trim(),
                        &d.kind.as_db(),
                        &d.status.as_db(),
                        &d.period_start,
                        &d.period_end,
                        &d.value_minor,
                        &d.currency.code(),
                        &d.payment_terms_days,
                        &d.billing_frequency.map(|f| f.as_db()),
                        &now_utc(),
                    ],
                )?
                .try_get(0)?;
            audit(tx, &created(customer_id, id, d), &who)?;
            Ok(id)
        })
    }

    pub fn update_contract(&mut self, id: i64, version: i64, d: &ContractDraft) -> Result<()> {
        check(d)?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            let (customer_id, old) = held(tx, id)?;
            versioned(
                tx,
                "UPDATE contracts SET name = $3, kind = $4, status = $5, period_start = $6, period_end = $7,
                        value_minor = $8, payment_terms_days = $9, billing_frequency = $10, version = version + 1
                 WHERE id = $1 AND version = $2",
                &[
                    &id,
                    &version,
                    &d.name.trim(),
                    &d.kind.as_db(),
                    &d.status.as_db(),
                    &d.period_start,
                    &d.period_end,
                    &d.value_minor,
                    &d.payment_terms_days,
                    &d.billing_frequency.map(|f| f.as_db()),
                ],
                "contracts",
                id,
                &what(&old),
            )?;
            audit(tx, &edited(customer_id, id, &old, d), &who)
        })
    }

    /// Ends a contract on `end`. On or before `today` it is ended now; a
    /// later end only sets the date, and the contract stays as it is (shown
    /// active) until then (`ContractRow::shown_status`).
    pub fn end_contract(&mut self, id: i64, version: i64, end: NaiveDate, today: NaiveDate) -> Result<()> {
        let who = self.who().to_string();
        self.write(None, |tx| {
            let (customer_id, old) = held(tx, id)?;
            let status = ending(&old, end, today)?;
            versioned(
                tx,
                "UPDATE contracts SET period_end = $3, status = $4, version = version + 1 WHERE id = $1 AND version = $2",
                &[&id, &version, &end, &status.as_db()],
                "contracts",
                id,
                &what(&old),
            )?;
            audit(tx, &ended(customer_id, id, &old, end, today, status), &who)
        })
    }

    pub fn cancel_contract(&mut self, id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(None, |tx| {
            let (customer_id, old) = held(tx, id)?;
            cancellable(&old)?;
            versioned(
                tx,
                "UPDATE contracts SET status = 'cancelled', version = version + 1 WHERE id = $1 AND version = $2",
                &[&id, &version],
                "contracts",
                id,
                &what(&old),
            )?;
            audit(tx, &cancelled(customer_id, id, &old), &who)
        })
    }

    /// Why a contract cannot be deleted (its invoices or documents), if it
    /// cannot: asked before the confirmation, checked again by the delete.
    pub fn contract_kept_by(&self, id: i64) -> Result<Option<String>> {
        let mut client = self.client()?;
        let (_, k) = load(&mut client, id)?;
        kept_by(&mut client, id, &k)
    }

    /// Deletes a contract that has no invoices and no documents.
    pub fn delete_contract(&mut self, id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(None, |tx| {
            let (customer_id, old) = held(tx, id)?;
            if let Some(why) = kept_by(tx, id, &old)? {
                return Err(invalid(why));
            }
            versioned(
                tx,
                "DELETE FROM contracts WHERE id = $1 AND version = $2",
                &[&id, &version],
                "contracts",
                id,
                &what(&old),
            )?;
            audit(tx, &deleted(customer_id, id, &old), &who)
        })
    }
}
