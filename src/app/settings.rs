//! The organization-settings form (`O` on the customers list): name,
//! default currency, the credit balance card, the invoice number prefix,
//! what HubSpot and Salesforce links need, and the largest document.

use super::form::{Field, Form};
use crate::domain::edit::{OrgEdit, check_invoice_prefix, check_required, parse_max_document_size, size_text};
use crate::domain::links::{parse_portal_id, parse_salesforce_domain};
use crate::domain::model::Organization;
use crate::domain::money::Currency;

/// The form, with the document size limit (`max_document` bytes), which is
/// read apart from `Organization`.
pub fn settings_form(org: &Organization, max_document: u64) -> Form {
    let mut form = Form::new(
        "Organization settings",
        vec![
            Field::text("Name", &org.name),
            Field::text("Default currency", org.default_currency.code())
                .with_hint("for new customers and imports that name none"),
            Field::toggle("Show credit balance", org.show_credit_balance).with_hint("the Credit Balance card"),
            Field::text("Invoice prefix", &org.invoice_prefix).with_hint("e.g. INV-; numbers follow it"),
            Field::text("HubSpot portal id", org.hubspot_portal_id.as_deref().unwrap_or(""))
                .with_hint("the number in HubSpot URLs, for links"),
            Field::text("Salesforce My Domain", org.salesforce_domain.as_deref().unwrap_or(""))
                .with_hint("e.g. acme for acme.my.salesforce.com, for links"),
            Field::text("Largest document", &size_text(max_document))
                .with_hint("uploads above it are refused; bytes, KiB, MiB or GiB, e.g. 500MiB"),
        ],
    );
    form.mark_clean();
    form
}

/// The settings the form holds, or `None` with the errors set on the fields.
pub fn org_edit(form: &mut Form) -> Option<OrgEdit> {
    form.clear_errors();
    let name = form.text("Name");
    if let Err(e) = check_required("Name", &name) {
        form.set_error("Name", e);
    }
    let currency = form.text("Default currency").parse::<Currency>().map_err(|e| e.to_string());
    let currency = currency.map_err(|e| form.set_error("Default currency", e)).ok();
    let prefix = form.text("Invoice prefix");
    if let Err(e) = check_invoice_prefix(&prefix) {
        form.set_error("Invoice prefix", e);
    }
    let portal = parse_portal_id(&form.text("HubSpot portal id")).map_err(|e| form.set_error("HubSpot portal id", e));
    let domain = parse_salesforce_domain(&form.text("Salesforce My Domain"))
        .map_err(|e| form.set_error("Salesforce My Domain", e));
    let limit =
        parse_max_document_size(&form.text("Largest document")).map_err(|e| form.set_error("Largest document", e));
    if form.has_errors() {
        return None;
    }
    Some(OrgEdit {
        name: name.trim().to_string(),
        default_currency: currency?,
        show_credit_balance: form.field("Show credit balance").on(),
        invoice_prefix: prefix.trim().to_string(),
        hubspot_portal_id: portal.ok()?,
        salesforce_domain: domain.ok()?,
        max_document_size: limit.ok()?,
    })
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn bad_settings_are_refused_field_by_field() {
        let mut f = settings_form(&org(), 2 << 30);
        assert!(!f.dirty(), "opening the form typed nothing");
        f.field_mut("Default currency").set_text("dollars");
        f.field_mut("HubSpot portal id").set_text("12ab");
        f.field_mut("Salesforce My Domain").set_text("https://acme.my.salesforce.com/");
        f.field_mut("Largest document").set_text("0");
        assert_eq!(org_edit(&mut f), None);
        assert!(f.field("Largest document").error.as_deref().unwrap_or("").contains("refuse every document"));
        assert!(f.field("Default currency").error.is_some());
        assert!(f.field("HubSpot portal id").error.as_deref().unwrap_or("").contains("portal id"));
        assert_eq!(f.field("Salesforce My Domain").error, None);
        f.field_mut("Default currency").set_text("eur");
        f.field_mut("HubSpot portal id").set_text(" 1234567 ");
        f.field_mut("Largest document").set_text("500 MiB");
        let e = org_edit(&mut f).unwrap();
        assert_eq!(e.max_document_size, 500 << 20);
        assert_eq!(e.default_currency, Currency::EUR);
        assert_eq!(e.hubspot_portal_id.as_deref(), Some("1234567"));
        assert_eq!(e.salesforce_domain.as_deref(), Some("acme"));
    }
}
