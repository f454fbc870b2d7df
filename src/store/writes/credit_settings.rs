//! The organization's credit-note sequence (prefix and next number) and
//! small-balance limit: read, checked field by field, and written at the
//! organization's version with an audit row of what changed — alone
//! (`ardesk org`) or with the other settings (`organization`).

use super::{invalid, versioned};
use crate::domain::edit::{CreditSettings, MAX_CREDIT_NOTE_SEQ, check_invoice_prefix};
use crate::store::{Audit, Result, Store, StoreError};
use rusqlite::OptionalExtension;
use serde_json::json;

/// The credit-note settings field by field, before anything is written.
pub(crate) fn check_credit_settings(e: &CreditSettings) -> Result<()> {
    check_invoice_prefix(&e.credit_note_prefix).map_err(invalid)?;
    if !(1..=MAX_CREDIT_NOTE_SEQ).contains(&e.credit_note_next_seq) {
        return Err(invalid(format!("the next credit-note number must be from 1 to {MAX_CREDIT_NOTE_SEQ}")));
    }
    let most = crate::domain::bounds::MAX_AMOUNT_MINOR;
    if !(0..=most).contains(&e.small_balance_limit_minor) {
        return Err(invalid(format!("the small-balance limit must be from 0 to {most} minor units")));
    }
    Ok(())
}

/// The prefix as stored and the number the next credit note takes.
pub(crate) fn next_note(e: &CreditSettings) -> (String, String) {
    let prefix = e.credit_note_prefix.trim().to_string();
    let next = format!("{prefix}{:06}", e.credit_note_next_seq);
    (prefix, next)
}

/// Why a next number whose credit note exists is refused.
pub(crate) fn note_taken(next: &str) -> StoreError {
    invalid(format!("credit note {next} exists already: choose a later next number"))
}

/// The audit entry of a save of the credit-note settings (`before` as
/// read before the transaction, `prefix` as stored); none when nothing
/// changed.
pub(crate) fn credit_updated(before: &CreditSettings, prefix: &str, e: &CreditSettings) -> Option<Audit<'static>> {
    let as_json = |p: &str, n: i64, l: i64| json!({"credit_note_prefix": p, "credit_note_next_seq": n, "small_balance_limit_minor": l});
    let before_json =
        as_json(&before.credit_note_prefix, before.credit_note_next_seq, before.small_balance_limit_minor);
    let after_json = as_json(prefix, e.credit_note_next_seq, e.small_balance_limit_minor);
    if before_json == after_json {
        return None;
    }
    Some(Audit {
        customer_id: None,
        entity: "organization",
        entity_id: Some(1),
        action: "update",
        summary: crate::store::audit::edit_summary("settings", &before_json, &after_json),
        before: Some(before_json),
        after: Some(after_json),
    })
}

/// Writes checked credit-note settings at `e.version` in `tx`, with an
/// audit row of what changed (`before` as read before the transaction;
/// none when nothing did).
pub(crate) fn write_credit_settings(
    tx: &rusqlite::Transaction<'_>,
    who: &str,
    e: &CreditSettings,
    before: &CreditSettings,
) -> Result<()> {
    let (prefix, next) = next_note(e);
    let taken: Option<i64> = tx
        .query_row("SELECT id FROM credits WHERE kind = 'credit_note' AND number = ?1", [&next], |r| r.get(0))
        .optional()?;
    if taken.is_some() {
        return Err(note_taken(&next));
    }
    versioned(
        tx,
        "UPDATE organization SET credit_note_prefix = ?3, credit_note_next_seq = ?4,
                small_balance_limit_minor = ?5, version = version + 1
         WHERE id = ?1 AND version = ?2",
        &[&1, &e.version, &prefix, &e.credit_note_next_seq, &e.small_balance_limit_minor],
        "organization",
        1,
        super::organization::WHAT,
    )?;
    if let Some(a) = credit_updated(before, &prefix, e) {
        a.write(tx, who)?;
    }
    Ok(())
}

impl Store {
    /// The credit-note sequence and the small-balance limit.
    pub fn credit_settings(&self) -> Result<CreditSettings> {
        Ok(self.conn().query_row(
            "SELECT credit_note_prefix, credit_note_next_seq, small_balance_limit_minor, version FROM organization",
            [],
            |r| {
                Ok(CreditSettings {
                    credit_note_prefix: r.get(0)?,
                    credit_note_next_seq: r.get(1)?,
                    small_balance_limit_minor: r.get(2)?,
                    version: r.get(3)?,
                })
            },
        )?)
    }

    /// Saves the credit-note sequence and the small-balance limit at the
    /// organization's version the user saw, with an audit row. A next
    /// number whose credit note exists already is refused.
    pub fn update_credit_settings(&mut self, e: &CreditSettings) -> Result<()> {
        check_credit_settings(e)?;
        let before = self.credit_settings()?;
        let who = self.who().to_string();
        self.write(|tx| write_credit_settings(tx, &who, e, &before))
    }
}
