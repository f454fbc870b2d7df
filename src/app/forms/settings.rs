//! The organization-settings form (`O` on the customers list): name,
//! default currency, the credit balance card, the invoice number prefix,
//! what HubSpot and Salesforce links need, the largest document, and the
//! credit-note sequence and small-balance limit (saved with the rest, in
//! one transaction), and the address statements carry (one line, `;`
//! between its lines).

use super::{FormDialog, FormOf, Fresh, Spec, build};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::address::{one_line, parse_address};
use crate::domain::bounds::MAX_AMOUNT_MINOR;
use crate::domain::edit::{
    CreditSettings, MAX_CREDIT_NOTE_SEQ, OrgEdit, check_invoice_prefix, check_required, parse_max_document_size,
    size_text,
};
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
        Address,
        LargestDocument,
        CreditNotePrefix,
        CreditNoteNext,
        SmallBalanceLimit,
    }
}
use SettingsField as F;

/// The settings as seen at `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub version: i64,
}

/// The form, with the document size limit (`max_document` bytes) and the
/// credit settings, which are read apart from `Organization`.
pub fn open(org: &Organization, max_document: u64, credit: &CreditSettings) -> FormDialog {
    build("Organization settings", Settings { version: org.version }, |f| match f {
        F::Name => Field::text("Name", &org.name),
        F::Address => Field::text("Address", &one_line(&org.address)).with_hint("for statements; lines separated by ;"),
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
        F::CreditNotePrefix => Field::text("Credit note prefix", &credit.credit_note_prefix)
            .with_hint("e.g. CN-; the number follows it, six digits"),
        F::CreditNoteNext => Field::text("Next credit note", &credit.credit_note_next_seq.to_string())
            .with_hint("the number the next credit note takes"),
        F::SmallBalanceLimit => Field::text("Small-balance limit", &credit.small_balance_limit_minor.to_string())
            .with_hint("largest write-off without asking, in minor units: 500 is $5.00 or ¥500"),
    })
    .rereads(|s| Ok(Fresh::Form(Box::new(open(&s.organization()?, s.max_document_size()?, &s.credit_settings()?)))))
}

impl Spec for Settings {
    type Field = SettingsField;

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let edit = org_edit(form);
        let credit = credit_edit(form, self.version);
        Some(Effect::UpdateOrganization { version: self.version, edit: edit?, credit: credit? })
    }
}

/// A whole number from `least` to `most`, said as `what`.
fn whole(text: &str, what: &str, least: i64, most: i64) -> Result<i64, String> {
    let t = text.trim().replace(['_', ','], "");
    match t.parse::<i64>() {
        Ok(n) if (least..=most).contains(&n) => Ok(n),
        _ => Err(format!("{what} is a whole number from {least} to {most}")),
    }
}

/// The credit settings the form holds, or `None` with the errors set.
fn credit_edit(form: &mut FormOf<'_, F>, version: i64) -> Option<CreditSettings> {
    let prefix = form.text(F::CreditNotePrefix);
    let prefix = form.check(F::CreditNotePrefix, check_invoice_prefix(&prefix).map(|_| prefix.trim().to_string()));
    let next = whole(&form.text(F::CreditNoteNext), "the next credit note", 1, MAX_CREDIT_NOTE_SEQ);
    let next = form.check(F::CreditNoteNext, next);
    let limit = whole(&form.text(F::SmallBalanceLimit), "the limit", 0, MAX_AMOUNT_MINOR);
    let limit = form.check(F::SmallBalanceLimit, limit);
    Some(CreditSettings {
        credit_note_prefix: prefix?,
        credit_note_next_seq: next?,
        small_balance_limit_minor: limit?,
        version,
    })
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
    let address = parse_address(&form.text(F::Address));
    let address = form.check(F::Address, address);
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
        address: address?,
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
            address: String::new(),
            version: 3,
        }
    }

    fn credit() -> CreditSettings {
        CreditSettings {
            credit_note_prefix: "CN-".into(),
            credit_note_next_seq: 7,
            small_balance_limit_minor: 500,
            version: 3,
        }
    }

    /// What the form asks the store to save, or `None`.
    fn both(fd: &mut FormDialog) -> Option<(OrgEdit, CreditSettings)> {
        match fd.validate()? {
            Effect::UpdateOrganization { version: 3, edit, credit } => Some((edit, credit)),
            other => panic!("not the settings' effect: {other:?}"),
        }
    }

    fn edit(fd: &mut FormDialog) -> Option<OrgEdit> {
        both(fd).map(|b| b.0)
    }

    #[test]
    fn the_credit_settings_are_checked_with_the_rest() {
        let mut fd = open(&org(), 2 << 30, &credit());
        assert_eq!(both(&mut fd).map(|b| b.1), Some(credit()), "unchanged, as read");
        typed(&mut fd, F::CreditNoteNext, "0");
        typed(&mut fd, F::SmallBalanceLimit, "-1");
        typed(&mut fd, F::CreditNotePrefix, "C N");
        assert_eq!(both(&mut fd), None);
        assert!(error(&mut fd, F::CreditNoteNext).unwrap_or_default().contains("from 1 to"));
        assert!(error(&mut fd, F::SmallBalanceLimit).unwrap_or_default().contains("from 0 to"));
        assert!(error(&mut fd, F::CreditNotePrefix).is_some());
        typed(&mut fd, F::SmallBalanceLimit, "99999999999999999999");
        assert_eq!(both(&mut fd), None, "past i64 is refused, not wrapped");
        typed(&mut fd, F::CreditNoteNext, " 1,200 ");
        typed(&mut fd, F::SmallBalanceLimit, "2500");
        typed(&mut fd, F::CreditNotePrefix, "CR-");
        let (_, c) = both(&mut fd).unwrap();
        assert_eq!(
            (c.credit_note_prefix.as_str(), c.credit_note_next_seq, c.small_balance_limit_minor),
            ("CR-", 1200, 2500)
        );
    }

    #[test]
    fn bad_settings_are_refused_field_by_field() {
        let mut fd = open(&org(), 2 << 30, &credit());
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
