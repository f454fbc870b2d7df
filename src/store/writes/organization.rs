//! The organization's settings: name, default currency, whether the credit
//! balance card shows, the invoice number prefix, what links to HubSpot
//! and Salesforce need, and the largest document ardesk stores. The checks
//! and the audit entry are shared with PostgreSQL's
//! (`store/pg/writes/organization.rs`).

use super::credit_settings::{check_credit_settings, write_credit_settings};
use super::{invalid, versioned};
use crate::domain::edit::{
    CreditSettings, MAX_DOCUMENT_RANGE, OrgEdit, check_invoice_prefix, check_required, size_text,
};
use crate::domain::links::{parse_portal_id, parse_salesforce_domain};
use crate::domain::model::Organization;
use crate::store::{Audit, Result, Store};
use serde_json::{Value, json};

fn as_json(e: &OrgEdit) -> Value {
    json!({"name": e.name.trim(), "default_currency": e.default_currency.code(),
        "show_credit_balance": e.show_credit_balance, "invoice_prefix": e.invoice_prefix.trim(),
        "hubspot_portal_id": e.hubspot_portal_id, "salesforce_domain": e.salesforce_domain,
        "max_document_size": e.max_document_size, "address": e.address})
}

/// The settings field by field, in the form they are stored in (the link
/// settings normalized), before anything is written.
pub(crate) fn checked(e: &OrgEdit) -> Result<OrgEdit> {
    check_required("Name", &e.name).map_err(invalid)?;
    check_invoice_prefix(&e.invoice_prefix).map_err(invalid)?;
    // The link settings are stored in their normalized form only.
    let portal = parse_portal_id(e.hubspot_portal_id.as_deref().unwrap_or("")).map_err(invalid)?;
    let domain = parse_salesforce_domain(e.salesforce_domain.as_deref().unwrap_or("")).map_err(invalid)?;
    let (least, most) = MAX_DOCUMENT_RANGE;
    if !(least..=most).contains(&e.max_document_size) {
        return Err(invalid(format!(
            "the largest document must be between {} and {}",
            size_text(least),
            size_text(most)
        )));
    }
    let address = crate::domain::address::parse_address(&e.address).map_err(invalid)?;
    Ok(OrgEdit { hubspot_portal_id: portal, salesforce_domain: domain, address, ..e.clone() })
}

/// What a stale save of the settings names.
pub(crate) const WHAT: &str = "the organization's settings";

/// A new default currency must be one ISO 4217 knows (a code an older
/// ardesk stored is kept while it is not changed).
pub(crate) fn currency_allowed(e: &OrgEdit, org: &Organization) -> Result<()> {
    if e.default_currency != org.default_currency {
        super::customer::known_currency(e.default_currency)?;
    }
    Ok(())
}

/// The audit entry of a save of the settings: what changed.
pub(crate) fn updated(before: &OrgEdit, e: &OrgEdit) -> Audit<'static> {
    let (before, after) = (as_json(before), as_json(e));
    let summary = crate::store::audit::edit_summary("settings", &before, &after);
    Audit {
        customer_id: None,
        entity: "organization",
        entity_id: Some(1),
        action: "update",
        summary,
        before: Some(before),
        after: Some(after),
    }
}

/// Writes checked settings at `version` in `tx`, with an audit row of
/// what changed.
fn write(tx: &rusqlite::Transaction<'_>, who: &str, version: i64, e: &OrgEdit, before: &OrgEdit) -> Result<()> {
    versioned(
        tx,
        "UPDATE organization SET name = ?3, default_currency = ?4, show_credit_balance = ?5,
                invoice_prefix = ?6, hubspot_portal_id = ?7, salesforce_domain = ?8,
                max_document_size = ?9, address = ?10, version = version + 1
         WHERE id = ?1 AND version = ?2",
        &[
            &1,
            &version,
            &e.name.trim(),
            &e.default_currency.code(),
            &e.show_credit_balance,
            &e.invoice_prefix.trim(),
            &e.hubspot_portal_id,
            &e.salesforce_domain,
            &(e.max_document_size as i64),
            &e.address,
        ],
        "organization",
        1,
        WHAT,
    )?;
    updated(before, e).write(tx, who)?;
    Ok(())
}

impl Store {
    /// Saves the settings at the version the user saw ("changed elsewhere"
    /// otherwise), with an audit row of what changed.
    pub fn update_organization(&mut self, version: i64, e: &OrgEdit) -> Result<()> {
        let e = checked(e)?;
        let who = self.who().to_string();
        let org = self.organization()?;
        currency_allowed(&e, &org)?;
        let before = OrgEdit::of(&org, self.max_document_size()?);
        self.write(|tx| write(tx, &who, version, &e, &before))
    }

    /// Saves the settings and the credit-note settings together (the
    /// settings form), in one transaction at the version the user saw:
    /// both or neither.
    pub fn update_settings(&mut self, version: i64, e: &OrgEdit, credit: &CreditSettings) -> Result<()> {
        let e = checked(e)?;
        check_credit_settings(credit)?;
        let who = self.who().to_string();
        let org = self.organization()?;
        currency_allowed(&e, &org)?;
        let before = OrgEdit::of(&org, self.max_document_size()?);
        let credit_before = self.credit_settings()?;
        self.write(|tx| {
            write(tx, &who, version, &e, &before)?;
            // The first write moved the version on by one.
            write_credit_settings(tx, &who, &CreditSettings { version: version + 1, ..credit.clone() }, &credit_before)
        })
    }
}
