//! Links to a customer in the system it was imported from ("View in
//! Stripe"), and the organization settings they need.
//!
//! Stripe and QuickBooks links depend only on the customer (the importer
//! stores them: Stripe's test-mode path, QuickBooks' API id). HubSpot and
//! Salesforce links need the organization's HubSpot portal id or
//! Salesforce My Domain, which may be set after the import, so they are
//! derived here whenever a link is shown.

use super::model::{Customer, Organization};
use super::status::ImportSource;

/// The link to show for a customer: the stored one, else one derived from
/// the organization's settings. `None` when there is none (or it would not
/// be a plain https address).
pub fn customer_link(c: &Customer, org: &Organization) -> Option<String> {
    if let Some(url) = &c.external_url {
        return Some(url.clone());
    }
    let id = c.external_id.as_deref().filter(|id| !id.is_empty() && id.bytes().all(is_id_byte))?;
    match c.import_source? {
        ImportSource::HubSpot => {
            let portal = org.hubspot_portal_id.as_deref()?;
            Some(format!("https://app.hubspot.com/contacts/{portal}/company/{id}"))
        }
        ImportSource::Salesforce => {
            let domain = org.salesforce_domain.as_deref()?;
            Some(format!("https://{domain}.lightning.force.com/lightning/r/Account/{id}/view"))
        }
        _ => None,
    }
}

/// The link the importer stores for a customer of `source` keyed `id`:
/// Stripe's and QuickBooks' depend on the customer alone (test-mode
/// Stripe customers have their own path); the others' are derived when
/// shown (`customer_link`).
pub fn stored_link(source: ImportSource, id: &str, test_mode: bool) -> Option<String> {
    match source {
        ImportSource::Stripe => stripe_customer_url(id, test_mode),
        ImportSource::QuickBooks => quickbooks_customer_url(id),
        _ => None,
    }
}

/// "View in Stripe".
pub fn stripe_customer_url(id: &str, test_mode: bool) -> Option<String> {
    let mode = if test_mode { "test/" } else { "" };
    (!id.is_empty()).then(|| format!("https://dashboard.stripe.com/{mode}customers/{id}"))
}

/// "View in QuickBooks": the customer's page, from its API id (customers
/// of the Customer Contact List report have none).
pub fn quickbooks_customer_url(id: &str) -> Option<String> {
    let ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| format!("https://app.qbo.intuit.com/app/customerdetail?nameId={id}"))
}

/// What to tell the user when a customer has no link: which setting would
/// give it one.
pub fn missing_link_reason(c: &Customer) -> String {
    match c.import_source {
        Some(ImportSource::HubSpot) => "HubSpot links need the organization's HubSpot portal id: set it in the \
             settings (O on the customers list) or with `ardesk org hubspot-portal-id 1234567`."
            .into(),
        Some(ImportSource::Salesforce) => "Salesforce links need the organization's My Domain: set it in the \
             settings (O on the customers list) or with `ardesk org salesforce-domain acme`."
            .into(),
        Some(s) => format!("{} gave no link for this customer.", s.label()),
        None => "This customer was not imported from Stripe, QuickBooks, HubSpot or Salesforce.".into(),
    }
}

fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// A HubSpot portal (hub) id as typed: digits only. Empty is `None`.
pub fn parse_portal_id(input: &str) -> Result<Option<String>, String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "\"{s}\" is not a HubSpot portal id: it is the number in your HubSpot URLs, e.g. app.hubspot.com/contacts/1234567"
        ));
    }
    Ok(Some(s.to_string()))
}

/// A Salesforce My Domain as typed — `acme`, `acme.my.salesforce.com`,
/// `https://acme.lightning.force.com/…` or a sandbox's
/// `acme--uat.sandbox.my.salesforce.com` — reduced to the part before
/// `.my.salesforce.com` / `.lightning.force.com`. Empty is `None`.
pub fn parse_salesforce_domain(input: &str) -> Result<Option<String>, String> {
    let mut s = input.trim().to_ascii_lowercase();
    if s.is_empty() {
        return Ok(None);
    }
    for scheme in ["https://", "http://"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            s = rest.to_string();
        }
    }
    if let Some(at) = s.find('/') {
        s.truncate(at);
    }
    for suffix in [".my.salesforce.com", ".lightning.force.com", ".my.site.com", ".force.com"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.to_string();
            break;
        }
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if s.len() > 120 || !s.split('.').all(label_ok) {
        return Err(format!(
            "\"{}\" is not a Salesforce My Domain: type the name before .my.salesforce.com, e.g. acme",
            input.trim()
        ));
    }
    Ok(Some(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    fn org(portal: Option<&str>, domain: Option<&str>) -> Organization {
        Organization {
            name: "Org".into(),
            default_currency: Currency::USD,
            show_credit_balance: true,
            invoice_prefix: "INV-".into(),
            invoice_next_seq: 1,
            hubspot_portal_id: portal.map(str::to_string),
            salesforce_domain: domain.map(str::to_string),
            address: String::new(),
            version: 1,
        }
    }

    fn customer(src: Option<ImportSource>, id: Option<&str>, url: Option<&str>) -> Customer {
        Customer {
            id: 1,
            name: "Acme".into(),
            legal_name: String::new(),
            billing_email: String::new(),
            billing_address: String::new(),
            currency: Currency::USD,
            import_source: src,
            external_id: id.map(str::to_string),
            external_url: url.map(str::to_string),
            invoices_paused: false,
            portal: false,
            version: 1,
        }
    }

    #[test]
    fn stored_links_win_and_crm_links_need_settings() {
        let stripe =
            customer(Some(ImportSource::Stripe), Some("cus_1"), Some("https://dashboard.stripe.com/customers/cus_1"));
        assert_eq!(
            customer_link(&stripe, &org(None, None)).as_deref(),
            Some("https://dashboard.stripe.com/customers/cus_1")
        );
        let hub = customer(Some(ImportSource::HubSpot), Some("9876543210"), None);
        assert_eq!(customer_link(&hub, &org(None, Some("acme"))), None);
        assert_eq!(
            customer_link(&hub, &org(Some("1234567"), None)).as_deref(),
            Some("https://app.hubspot.com/contacts/1234567/company/9876543210")
        );
        let sf = customer(Some(ImportSource::Salesforce), Some("001x0000002xLCVAA2"), None);
        assert_eq!(
            customer_link(&sf, &org(None, Some("acme--uat.sandbox"))).as_deref(),
            Some("https://acme--uat.sandbox.lightning.force.com/lightning/r/Account/001x0000002xLCVAA2/view")
        );
        // An id that is not a plain token never becomes part of a link.
        let odd = customer(Some(ImportSource::Salesforce), Some("001/../x"), None);
        assert_eq!(customer_link(&odd, &org(None, Some("acme"))), None);
        assert!(missing_link_reason(&hub).contains("hubspot-portal-id"));
    }

    #[test]
    fn settings_are_read_as_people_type_them() {
        assert_eq!(parse_portal_id(" 1234567 "), Ok(Some("1234567".into())));
        assert_eq!(parse_portal_id(""), Ok(None));
        assert!(parse_portal_id("12ab").unwrap_err().contains("portal id"));
        for typed in ["acme", "ACME.my.salesforce.com", "https://acme.lightning.force.com/lightning/page/home"] {
            assert_eq!(parse_salesforce_domain(typed), Ok(Some("acme".into())), "{typed}");
        }
        assert_eq!(
            parse_salesforce_domain("acme--uat.sandbox.my.salesforce.com"),
            Ok(Some("acme--uat.sandbox".into()))
        );
        assert_eq!(parse_salesforce_domain("  "), Ok(None));
        assert!(parse_salesforce_domain("acme corp").is_err());
        assert!(parse_salesforce_domain("acme\x1b]52").is_err());
    }
}
