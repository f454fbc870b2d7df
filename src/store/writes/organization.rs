//! The organization's settings: name, default currency, whether the credit
//! balance card shows, the invoice number prefix, what links to HubSpot
//! and Salesforce need, and the largest document ardesk stores.

use super::{invalid, versioned};
use crate::domain::edit::{MAX_DOCUMENT_RANGE, OrgEdit, check_invoice_prefix, check_required, size_text};
use crate::domain::links::{parse_portal_id, parse_salesforce_domain};
use crate::store::{Audit, Result, Store};
use serde_json::{Value, json};

fn as_json(e: &OrgEdit) -> Value {
    json!({"name": e.name.trim(), "default_currency": e.default_currency.code(),
        "show_credit_balance": e.show_credit_balance, "invoice_prefix": e.invoice_prefix.trim(),
        "hubspot_portal_id": e.hubspot_portal_id, "salesforce_domain": e.salesforce_domain,
        "max_document_size": e.max_document_size})
}

impl Store {
    /// Saves the settings at the version the user saw ("changed elsewhere"
    /// otherwise), with an audit row of what changed.
    pub fn update_organization(&mut self, version: i64, e: &OrgEdit) -> Result<()> {
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
        let e = OrgEdit { hubspot_portal_id: portal, salesforce_domain: domain, ..e.clone() };
        let who = self.who().to_string();
        let before = self.organization()?;
        if e.default_currency != before.default_currency {
            super::customer::known_currency(e.default_currency)?;
        }
        let before_limit = self.max_document_size()?;
        self.write(|tx| {
            versioned(
                tx,
                "UPDATE organization SET name = ?3, default_currency = ?4, show_credit_balance = ?5,
                        invoice_prefix = ?6, hubspot_portal_id = ?7, salesforce_domain = ?8,
                        max_document_size = ?9, version = version + 1
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
                ],
                "organization",
                1,
                "the organization's settings",
            )?;
            let before = as_json(&OrgEdit {
                name: before.name.clone(),
                default_currency: before.default_currency,
                show_credit_balance: before.show_credit_balance,
                invoice_prefix: before.invoice_prefix.clone(),
                hubspot_portal_id: before.hubspot_portal_id.clone(),
                salesforce_domain: before.salesforce_domain.clone(),
                max_document_size: before_limit,
            });
            let after = as_json(&e);
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
            .write(tx, &who)?;
            Ok(())
        })
    }
}
