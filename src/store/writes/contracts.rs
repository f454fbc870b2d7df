//! Contracts: create, edit, end, cancel, delete. The checks, the words
//! and the audit entries are shared with PostgreSQL's
//! (`store/pg/writes/contracts.rs`).

use super::{amount_in_bounds, customer_currency, dates_in_bounds, invalid, versioned};
use crate::domain::date::iso;
use crate::domain::edit::{ContractDraft, check_required};
use crate::domain::model::ContractRow;
use crate::domain::status::{ContractKind, ContractStatus};
use crate::domain::{Currency, Money};
use crate::store::window::TabRow;
use crate::store::{Audit, Result, Store, StoreError, now_utc};
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde_json::{Value, json};

/// A contract's fields checked, for either backend.
pub(crate) fn check(d: &ContractDraft) -> Result<()> {
    check_required("Name", &d.name).map_err(invalid)?;
    if let Some(end) = d.period_end
        && end < d.period_start
    {
        return Err(invalid(format!("the period ends ({end}) before it starts ({})", d.period_start)));
    }
    if d.kind == ContractKind::OneTime && d.period_end.is_none() {
        return Err(invalid("a one-time contract needs an end date"));
    }
    if d.kind == ContractKind::OneTime && d.billing_frequency.is_some() {
        return Err(invalid("one-time contracts have no billing frequency"));
    }
    if d.kind == ContractKind::Recurring && d.billing_frequency.is_none() {
        return Err(invalid("a recurring contract needs a billing frequency"));
    }
    if d.value_minor < 0 {
        return Err(invalid("the value must not be negative"));
    }
    amount_in_bounds("value", d.value_minor, d.currency)?;
    dates_in_bounds(&[("start", Some(d.period_start)), ("end", d.period_end)])?;
    if !(0..=3650).contains(&d.payment_terms_days) {
        return Err(invalid("payment terms are 0 to 3650 days"));
    }
    Ok(())
}

fn draft_json(d: &ContractDraft) -> Value {
    json!({"name": d.name.trim(), "kind": d.kind.as_db(), "status": d.status.as_db(),
        "period_start": iso(d.period_start), "period_end": d.period_end.map(iso),
        "value": Money::new(d.value_minor, d.currency).plain(), "payment_terms_days": d.payment_terms_days,
        "billing_frequency": d.billing_frequency.map(|f| f.as_db())})
}

/// A contract that is not there (any more).
pub(crate) fn missing(id: i64) -> StoreError {
    StoreError::NotFound(format!("contract {id}"))
}

/// What a stale save of the contract names.
pub(crate) fn what(k: &ContractRow) -> String {
    format!("contract {}", k.name)
}

/// The customer's contracts for pickers: active first, then the newest
/// (the same on both backends: `false` sorts first).
pub(crate) const PICKER_ORDER: &str = "status <> 'active', period_start DESC, id DESC";

fn load(tx: &rusqlite::Connection, id: i64) -> Result<(i64, ContractRow)> {
    let customer: Option<i64> =
        tx.query_row("SELECT customer_id FROM contracts WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    let customer = customer.ok_or_else(|| missing(id))?;
    let row =
        tx.query_row(&format!("SELECT {} FROM contracts WHERE id = ?1", ContractRow::SELECT), [id], ContractRow::map)?;
    Ok((customer, row))
}

/// An audit entry of a contract.
fn entry(
    customer_id: i64,
    id: i64,
    action: &'static str,
    summary: String,
    before: Option<Value>,
    after: Option<Value>,
) -> Audit<'static> {
    Audit { customer_id: Some(customer_id), entity: "contract", entity_id: Some(id), action, summary, before, after }
}

/// The audit entry of a new contract.
pub(crate) fn created(customer_id: i64, id: i64, d: &ContractDraft) -> Audit<'static> {
    let summary = format!("created contract {} ({})", d.name.trim(), d.kind.label());
    entry(customer_id, id, "create", summary, None, Some(draft_json(d)))
}

/// The audit entry of a contract's edit (`old` as it was).
pub(crate) fn edited(customer_id: i64, id: i64, old: &ContractRow, d: &ContractDraft) -> Audit<'static> {
    let before = json!({"name": old.name, "status": old.status.as_db(), "period_start": iso(old.period_start),
        "period_end": old.period_end.map(iso), "value": old.value.plain(),
        "payment_terms_days": old.payment_terms_days});
    entry(customer_id, id, "update", format!("edited contract {}", d.name.trim()), Some(before), Some(draft_json(d)))
}

/// The status a contract has once it ends on `end`: ended when that is
/// `today` or earlier, else as it was until then; refused before it starts.
pub(crate) fn ending(old: &ContractRow, end: NaiveDate, today: NaiveDate) -> Result<ContractStatus> {
    if end < old.period_start {
        return Err(invalid(format!("{end} is before the contract starts ({})", old.period_start)));
    }
    Ok(if end <= today { ContractStatus::Ended } else { old.status })
}

/// The audit entry of a contract's end (`status`: what `ending` gave).
pub(crate) fn ended(
    customer_id: i64,
    id: i64,
    old: &ContractRow,
    end: NaiveDate,
    today: NaiveDate,
    status: ContractStatus,
) -> Audit<'static> {
    let said = if end <= today { "ended contract" } else { "set the end of contract" };
    entry(
        customer_id,
        id,
        "end",
        format!("{said} {} on {end}", old.name),
        Some(json!({"status": old.status.as_db(), "period_end": old.period_end.map(iso)})),
        Some(json!({"status": status.as_db(), "period_end": iso(end)})),
    )
}

/// Refuses to cancel a contract cancelled already.
pub(crate) fn cancellable(old: &ContractRow) -> Result<()> {
    if old.status == ContractStatus::Cancelled {
        return Err(invalid(format!("contract {} is already cancelled", old.name)));
    }
    Ok(())
}

/// The audit entry of a cancelled contract.
pub(crate) fn cancelled(customer_id: i64, id: i64, old: &ContractRow) -> Audit<'static> {
    entry(
        customer_id,
        id,
        "cancel",
        format!("cancelled contract {}", old.name),
        Some(json!({"status": old.status.as_db()})),
        Some(json!({"status": "cancelled"})),
    )
}

/// The audit entry of a deleted contract.
pub(crate) fn deleted(customer_id: i64, id: i64, old: &ContractRow) -> Audit<'static> {
    entry(
        customer_id,
        id,
        "delete",
        format!("deleted contract {}", old.name),
        Some(json!({"name": old.name, "status": old.status.as_db()})),
        None,
    )
}

impl Store {
    pub fn contract(&self, id: i64) -> Result<ContractRow> {
        Ok(load(self.conn(), id)?.1)
    }

    /// The customer's contracts for pickers: active first, then the newest.
    pub fn contracts_for(&self, customer_id: i64) -> Result<Vec<ContractRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {} FROM contracts WHERE customer_id = ?1 ORDER BY {PICKER_ORDER}",
            ContractRow::SELECT
        ))?;
        let rows = stmt.query_map([customer_id], ContractRow::map)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn create_contract(&mut self, customer_id: i64, d: &ContractDraft) -> Result<i64> {
        check(d)?;
        let who = self.who().to_string();
        self.write(|tx| {
            let currency: Currency = customer_currency(tx, customer_id)?;
            in_currency(currency, d)?;
            tx.execute(
                "INSERT INTO contracts(customer_id, name, kind, status, period_start, period_end, value_minor, currency,
                                       payment_terms_days, billing_frequency, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                rusqlite::params![
                    customer_id,
                    d.name.trim(),
                    d.kind.as_db(),
                    d.status.as_db(),
                    iso(d.period_start),
                    d.period_end.map(iso),
                    d.value_minor,
                    d.currency.code(),
                    d.payment_terms_days,
                    d.billing_frequency.map(|f| f.as_db()),
                    now_utc()
                ],
            )?;
            let id = tx.last_insert_rowid();
            created(customer_id, id, d).write(tx, &who)?;
            Ok(id)
        })
    }

    pub fn update_contract(&mut self, id: i64, version: i64, d: &ContractDraft) -> Result<()> {
        check(d)?;
        let who = self.who().to_string();
        self.write(|tx| {
            let (customer_id, old) = load(tx, id)?;
            versioned(
                tx,
                "UPDATE contracts SET name = ?3, kind = ?4, status = ?5, period_start = ?6, period_end = ?7,
                        value_minor = ?8, payment_terms_days = ?9, billing_frequency = ?10, version = version + 1
                 WHERE id = ?1 AND version = ?2",
                &[
                    &id,
                    &version,
                    &d.name.trim(),
                    &d.kind.as_db(),
                    &d.status.as_db(),
                    &iso(d.period_start),
                    &d.period_end.map(iso),
                    &d.value_minor,
                    &d.payment_terms_days,
                    &d.billing_frequency.map(|f| f.as_db()),
                ],
                "contracts",
                id,
                &what(&old),
            )?;
            edited(customer_id, id, &old, d).write(tx, &who)?;
            Ok(())
        })
    }

    /// Ends a contract on `end`. On or before `today` it is ended now; a
    /// later end only sets the date, and the contract stays as it is (shown
    /// active) until then (`ContractRow::shown_status`).
    pub fn end_contract(&mut self, id: i64, version: i64, end: NaiveDate, today: NaiveDate) -> Result<()> {
        let who = self.who().to_string();
        self.write(|tx| {
            let (customer_id, old) = load(tx, id)?;
            let status = ending(&old, end, today)?;
            versioned(
                tx,
                "UPDATE contracts SET period_end = ?3, status = ?4, version = version + 1 WHERE id = ?1 AND version = ?2",
                &[&id, &version, &iso(end), &status.as_db()],
                "contracts",
                id,
                &what(&old),
            )?;
            ended(customer_id, id, &old, end, today, status).write(tx, &who)?;
            Ok(())
        })
    }

    pub fn cancel_contract(&mut self, id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(|tx| {
            let (customer_id, old) = load(tx, id)?;
            cancellable(&old)?;
            versioned(
                tx,
                "UPDATE contracts SET status = 'cancelled', version = version + 1 WHERE id = ?1 AND version = ?2",
                &[&id, &version],
                "contracts",
                id,
                &what(&old),
            )?;
            cancelled(customer_id, id, &old).write(tx, &who)?;
            Ok(())
        })
    }

    /// Why a contract cannot be deleted (its invoices or documents), if it
    /// cannot: asked before the confirmation, checked again by the delete.
    pub fn contract_kept_by(&self, id: i64) -> Result<Option<String>> {
        let (_, k) = load(self.conn(), id)?;
        kept_by(self.conn(), id, &k)
    }

    /// Deletes a contract that has no invoices and no documents.
    pub fn delete_contract(&mut self, id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(|tx| {
            let (customer_id, old) = load(tx, id)?;
            if let Some(why) = kept_by(tx, id, &old)? {
                return Err(invalid(why));
            }
            versioned(
                tx,
                "DELETE FROM contracts WHERE id = ?1 AND version = ?2",
                &[&id, &version],
                "contracts",
                id,
                &what(&old),
            )?;
            deleted(customer_id, id, &old).write(tx, &who)?;
            Ok(())
        })
    }
}

/// Refuses a contract in another currency than its customer's.
pub(crate) fn in_currency(currency: Currency, d: &ContractDraft) -> Result<()> {
    if currency != d.currency {
        return Err(invalid(format!("contracts of this customer are in {currency}")));
    }
    Ok(())
}

/// What keeps a contract from being deleted, in words; `None` when nothing.
fn kept_by(conn: &rusqlite::Connection, id: i64, k: &ContractRow) -> Result<Option<String>> {
    let (invoices, docs): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM invoices WHERE contract_id = ?1),
                (SELECT count(*) FROM documents WHERE contract_id = ?1)",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(kept_words(k, invoices, docs))
}

/// What keeps a contract with `invoices` invoices and `docs` documents
/// from being deleted, in words; `None` when nothing: for either backend.
pub(crate) fn kept_words(k: &ContractRow, invoices: i64, docs: i64) -> Option<String> {
    let name = &k.name;
    // What to do instead: stop a running contract; one that has stopped
    // already stays as the record its invoices point to.
    let instead = if k.status.takes_invoices() { "cancel or end it instead" } else { "it stays with them" };
    if invoices > 0 {
        Some(format!("contract {name} has {invoices} invoice{}; {instead}", if invoices == 1 { "" } else { "s" }))
    } else if docs > 0 {
        Some(format!("contract {name} has {docs} linked document(s); unlink or delete them first"))
    } else {
        None
    }
}
