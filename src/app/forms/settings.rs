//! The organization-settings form (`O` on the customers list): name,
//! default currency, the credit balance card, the invoice number prefix,
//! what HubSpot and Salesforce links need, and the largest document.

use super::{FormDialog, FormOf, Fresh, Spec, build};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::edit::{OrgEdit, check_invoice_prefix, check_required, parse_max_document_size, size_text};
use crate::domain::links::{parse_portal_id, parse_salesforce_domain};
use crate::domain::model::Organization;
use crate::domain::money::Currency;

field_ids! {
    pub enum SettingsField {
        Name,
        DefaultCurrency,
        ShowCreditBalance,
        InvoicePrefix,
        HubspotPortalId,
        SalesforceDomain,
        LargestDocument,
    }
}
use SettingsField as F;

/// The settings as seen at `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub version: i64,
}

/// The form, with the document size limit (`max_document` bytes), which is
/// read apart from `Organization`.
pub fn open(org: &Organization, max_document: u64) -> FormDialog {
    build("Organization settings", Settings { version: org.version }, |f| match f {
        F::Name => Field::text("Name", &org.name),
        F::DefaultCurrency => Field::text("Default currency", org.default_currency.code())
            .with_hint("for new customers and imports that name none"),
        F::ShowCreditBalance => {
            Field::toggle("Show credit balance", org.show_credit_balance).with_hint("the Credit Balance card")
        }
        F::InvoicePrefix => {
            Field::text("Invoice prefix", &org.invoice_prefix).with_hint("e.g. INV-; numbers follow it")
        }
        F::HubspotPortalId => Field::text("HubSpot portal id", org.hubspot_portal_id.as_deref().unwrap_or(""))
            .with_hint("the number in HubSpot URLs, for links"),
        F::SalesforceDomain => Field::text("Salesforce My Domain", org.salesforce_domain.as_deref().unwrap_or(""))
            .with_hint("e.g. acme for acme.my.salesforce.com, for links"),
        F::LargestDocument => Field::text("Largest document", &size_text(max_document))
            .with_hint("uploads above it are refused; bytes, KiB, MiB or GiB, e.g. 500MiB"),
    })
    .rereads(|s| Ok(Fresh::Form(Box::new(open(&s.organization()?, s.max_document_size()?)))))
}

impl Spec for Settings {
    type Field = SettingsField;

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        org_edit(form).map(|edit| Effect::UpdateOrganization { version: self.version, edit })
    }
}

/// The settings the form holds, or `None` with the errors set on the fields.
fn org_edit(form: &mut FormOf<'_, F>) -> Option<OrgEdit> {
    let name = form.text(F::Name);
    if let Err(e) = check_required("Name", &name) {
        form.set_error(F::Name, e);
    }
    let currency = form.text(F::DefaultCurrency).parse::<Currency>().map_err(|e| e.to_string());
    let currency = form.check(F::DefaultCurrency, currency);
    let prefix = form.text(F::InvoicePrefix);
    if let Err(e) = check_invoice_prefix(&prefix) {
        form.set_error(F::InvoicePrefix, e);
    }
    let portal = parse_portal_id(&form.text(F::HubspotPortalId));
    let portal = form.check(F::HubspotPortalId, portal);
    let domain = parse_salesforce_domain(&form.text(F::SalesforceDomain));
    let domain = form.check(F::SalesforceDomain, domain);
    let limit = parse_max_document_size(&form.text(F::LargestDocument));
    let limit = form.check(F::LargestDocument, limit);
    if form.has_errors() {
        return None;
    }
    Some(OrgEdit {
        name: name.trim().to_string(),
        default_currency: currency?,
        show_credit_balance: form.on(F::ShowCreditBalance),
        invoice_prefix: prefix.trim().to_string(),
        hubspot_portal_id: portal?,
        salesforce_domain: domain?,
        max_document_size: limit?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, typed};
    use super::*;

    fn org() -> Organization {
        Organization {
            name: "Org".into(),
            default_currency: Currency::USD,
            show_credit_balance: true,
            invoice_prefix: "INV-".into(),
            invoice_next_seq: 1,
            hubspot_portal_id: None,
            salesforce_domain: None,
            version: 3,
        }
    }

    /// What the form asks the store to save, or `None`.
    fn edit(fd: &mut FormDialog) -> Option<OrgEdit> {
        match fd.validate()? {
            Effect::UpdateOrganization { version: 3, edit } => Some(edit),
            other => panic!("not the settings' effect: {other:?}"),
        }
    }

    #[test]
    fn bad_settings_are_refused_field_by_field() {
        let mut fd = open(&org(), 2 << 30);
        assert!(!fd.form.dirty(), "opening the form typed nothing");
        typed(&mut fd, F::DefaultCurrency, "dollars");
        typed(&mut fd, F::HubspotPortalId, "12ab");
        typed(&mut fd, F::SalesforceDomain, "https://acme.my.salesforce.com/");
        typed(&mut fd, F::LargestDocument, "0");
        assert_eq!(edit(&mut fd), None);
        assert!(error(&mut fd, F::LargestDocument).unwrap_or_default().contains("refuse every document"));
        assert!(error(&mut fd, F::DefaultCurrency).is_some());
        assert!(error(&mut fd, F::HubspotPortalId).unwrap_or_default().contains("portal id"));
        assert_eq!(error(&mut fd, F::SalesforceDomain), None);
        typed(&mut fd, F::DefaultCurrency, "eur");
        typed(&mut fd, F::HubspotPortalId, " 1234567 ");
        typed(&mut fd, F::LargestDocument, "500 MiB");
        let e = edit(&mut fd).unwrap();
        assert_eq!(e.max_document_size, 500 << 20);
        assert_eq!(e.default_currency, Currency::EUR);
        assert_eq!(e.hubspot_portal_id.as_deref(), Some("1234567"));
        assert_eq!(e.salesforce_domain.as_deref(), Some("acme"));
    }
}
