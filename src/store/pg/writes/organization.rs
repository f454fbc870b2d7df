//! The organization's settings on PostgreSQL (`store/writes/organization.rs`
//! and `credit_settings.rs`): read, checked by the same functions, and
//! written at the organization's version with the same audit entries.
//! What the settings were is read inside the write's transaction.

use super::super::super::Result;
use super::super::super::writes::credit_settings::{check_credit_settings, credit_updated, next_note, note_taken};
use super::super::super::writes::organization::{WHAT, checked, currency_allowed, updated};
use super::super::customers::organization;
use super::super::store::PgStore;
use super::{audit, versioned};
use crate::domain::edit::{CreditSettings, OrgEdit};
use crate::store::pg::prepared::{Sql, Tx};

/// The largest document the organization lets ardesk store, in bytes.
fn max_document_size(c: &mut impl Sql) -> Result<u64> {
    let n: i64 = c.query_one("SELECT max_document_size FROM organization", &[])?.try_get(0)?;
    Ok(n.max(0) as u64)
}

/// The credit-note sequence and the small-balance limit.
fn credit_settings(c: &mut impl Sql) -> Result<CreditSettings> {
    let r = c.query_one(
        "SELECT credit_note_prefix, credit_note_next_seq, small_balance_limit_minor, version FROM organization",
        &[],
    )?;
    Ok(CreditSettings {
        credit_note_prefix: r.try_get(0)?,
        credit_note_next_seq: r.try_get(1)?,
        small_balance_limit_minor: r.try_get(2)?,
        version: r.try_get(3)?,
    })
}

/// The settings as they are, once a new default currency is found known.
fn before(tx: &mut Tx<'_>, e: &OrgEdit) -> Result<OrgEdit> {
    let org = organization(tx)?;
    currency_allowed(e, &org)?;
    Ok(OrgEdit::of(&org, max_document_size(tx)?))
}

/// Writes checked settings at `version`, with an audit row of what
/// changed.
fn write(tx: &mut Tx<'_>, who: &str, version: i64, e: &OrgEdit, before: &OrgEdit) -> Result<()> {
    let max_document_size = i64::try_from(e.max_document_size).unwrap_or(i64::MAX);
    versioned(
        tx,
        "UPDATE organization SET name = $3, default_currency = $4, show_credit_balance = $5,
                invoice_prefix = $6, hubspot_portal_id = $7, salesforce_domain = $8,
                max_document_size = $9, address = $10, version = version + 1
         WHERE id = $1 AND version = $2",
        &[
            &1_i64,
            &version,
            &e.name.trim(),
            &e.default_currency.code(),
            &e.show_credit_balance,
            &e.invoice_prefix.trim(),
            &e.hubspot_portal_id,
            &e.salesforce_domain,
            &max_document_size,
            &e.address,
        ],
        "organization",
        1,
        WHAT,
    )?;
    audit(tx, &updated(before, e), who)
}

/// Writes checked credit-note settings at `e.version`, with an audit row
/// of what changed (none when nothing did).
fn write_credit(tx: &mut Tx<'_>, who: &str, e: &CreditSettings, before: &CreditSettings) -> Result<()> {
    let (prefix, next) = next_note(e);
    if tx.query_opt("SELECT id FROM credits WHERE kind = 'credit_note' AND number = $1", &[&next])?.is_some() {
        return Err(note_taken(&next));
    }
    versioned(
        tx,
        "UPDATE organization SET credit_note_prefix = $3, credit_note_next_seq = $4,
                small_balance_limit_minor = $5, version = version + 1
         WHERE id = $1 AND version = $2",
        &[&1_i64, &e.version, &prefix, &e.credit_note_next_seq, &e.small_balance_limit_minor],
        "organization",
        1,
        WHAT,
    )?;
    match credit_updated(before, &prefix, e) {
        Some(a) => audit(tx, &a, who),
        None => Ok(()),
    }
}

impl PgStore {
    /// The largest document the organization lets ardesk store, in bytes.
    pub fn max_document_size(&self) -> Result<u64> {
        max_document_size(&mut self.client()?)
    }

    /// The credit-note sequence and the small-balance limit.
    pub fn credit_settings(&self) -> Result<CreditSettings> {
        credit_settings(&mut self.client()?)
    }

    /// Saves the settings at the version the user saw ("changed elsewhere"
    /// otherwise), with an audit row of what changed.
    pub fn update_organization(&mut self, version: i64, e: &OrgEdit) -> Result<()> {
        let e = checked(e)?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            let before = before(tx, &e)?;
            write(tx, &who, version, &e, &before)
        })
    }

    /// Saves the settings and the credit-note settings together (the
    /// settings form), in one transaction at the version the user saw:
    /// both or neither.
    pub fn update_settings(&mut self, version: i64, e: &OrgEdit, credit: &CreditSettings) -> Result<()> {
        let e = checked(e)?;
        check_credit_settings(credit)?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            let before = before(tx, &e)?;
            let credit_before = credit_settings(tx)?;
            write(tx, &who, version, &e, &before)?;
            // The first write moved the version on by one.
            write_credit(tx, &who, &CreditSettings { version: version + 1, ..credit.clone() }, &credit_before)
        })
    }

    /// Saves the credit-note sequence and the small-balance limit at the
    /// organization's version the user saw, with an audit row. A next
    /// number whose credit note exists already is refused.
    pub fn update_credit_settings(&mut self, e: &CreditSettings) -> Result<()> {
        check_credit_settings(e)?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            let before = credit_settings(tx)?;
            write_credit(tx, &who, e, &before)
        })
    }
}
