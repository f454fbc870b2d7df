//! HubSpot: the CRM's CSV exports of companies and contacts ("Export" on
//! an object's index page, current view or all properties), in any of the
//! languages in `labels`; the record-id column comes first.
//!
//! Companies become customers keyed on their Record ID. Contacts become
//! contacts of their associated company's customer; "Associated Company
//! IDs" may list several companies separated by `;`: the contact goes to
//! the first (HubSpot writes the primary association first, and a
//! "(Primary)" column wins when the export has one). A company that is not
//! imported is created from the contact's "Associated Company" name; a
//! contact with no company is skipped. HubSpot exports say nothing about
//! a primary contact, so none is set.
//!
//! Spreadsheets turn the long numeric ids into scientific notation
//! (`2.01235E+11`): such an id is read only when its mantissa still holds
//! every digit (`2.01234567891E+11`); otherwise the row is refused, since
//! the real id cannot be recovered.

mod csv;
mod labels;

use super::ImportError;
use super::parse::record::*;
use super::parse::{Sink, Source};
use super::read::csv_input::CsvInput;
use crate::domain::status::ImportSource;
use labels as hl;
use serde_json::Value;

pub struct HubSpot;

fn is_contacts(h: &[String]) -> bool {
    let l = hl::language(h);
    [hl::labels(l, |x| x.first_name), hl::labels(l, |x| x.last_name), hl::labels(l, |x| x.email)]
        .iter()
        .any(|names| hl::any(h, names))
}

fn is_companies(h: &[String]) -> bool {
    let l = hl::language(h);
    hl::any(h, &hl::labels(l, |x| x.company_name)) || hl::any(h, &hl::labels(l, |x| x.company_domain))
}

/// A record-id label first, or an old export's "Contact ID"/"Company ID"
/// first beside HubSpot's own columns.
fn is_hubspot(h: &[String]) -> bool {
    let legacy = h.first().is_some_and(|f| hl::LEGACY_IDS.iter().any(|l| f.eq_ignore_ascii_case(l)));
    hl::language(h).is_some()
        || (legacy && (hl::any(h, hl::COMPANY_IDS) || hl::any(h, &["Lifecycle Stage", "Create Date", "HubSpot Score"])))
}

impl Source for HubSpot {
    fn id(&self) -> ImportSource {
        ImportSource::HubSpot
    }

    fn detect_csv(&self, h: &[String]) -> Option<ObjectKind> {
        if !is_hubspot(h) {
            return None;
        }
        if is_contacts(h) {
            Some(ObjectKind::Contacts)
        } else if is_companies(h) {
            Some(ObjectKind::Companies)
        } else {
            None
        }
    }

    fn refuse_csv(&self, h: &[String]) -> Option<String> {
        if !is_hubspot(h) || self.detect_csv(h).is_some() {
            return None;
        }
        let l = hl::language(h);
        let what = if hl::any(h, &hl::labels(l, |x| x.deal_name)) {
            "a HubSpot deals export"
        } else if hl::any(h, &hl::labels(l, |x| x.ticket_name)) {
            "a HubSpot tickets export"
        } else {
            "a HubSpot export of neither companies nor contacts"
        };
        Some(format!(
            "{what}; importing it is not supported yet: ardesk imports HubSpot companies (as customers) and \
             contacts (with --object companies or contacts when the columns are renamed)"
        ))
    }

    fn owns_csv(&self, h: &[String]) -> bool {
        is_hubspot(h)
    }

    fn detect_json(&self, _doc: &Value) -> Option<ObjectKind> {
        None
    }

    fn refuse_json(&self, doc: &Value) -> Option<String> {
        let results = doc.get("results").and_then(Value::as_array)?;
        results.iter().any(|x| x.get("properties").is_some()).then(|| {
            "HubSpot API responses are not supported yet: export companies and contacts as CSV from HubSpot \
             (Export on the Companies or Contacts page) and import those"
                .to_string()
        })
    }

    fn parse_csv(&self, object: ObjectKind, input: &mut CsvInput, sink: &mut dyn Sink) -> Result<(), ImportError> {
        csv::parse(object, input, sink)
    }

    fn parse_json(&self, object: ObjectKind, _doc: Value, _sink: &mut dyn Sink) -> Result<(), ImportError> {
        Err(ImportError::NotSupported {
            path: Default::default(),
            what: format!("HubSpot {} JSON is not supported yet: export CSV from HubSpot", object.label()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn detects_objects_across_languages() {
        let en = h(&["Record ID", "First Name", "Last Name", "Email", "Company Name", "Associated Company IDs"]);
        assert_eq!(HubSpot.detect_csv(&en), Some(ObjectKind::Contacts));
        let en = h(&["Record ID", "Company name", "Company Domain Name", "Phone Number"]);
        assert_eq!(HubSpot.detect_csv(&en), Some(ObjectKind::Companies));
        let de = h(&["Datensatz-ID", "Vorname", "Nachname", "E-Mail", "Associated Company IDs"]);
        assert_eq!(HubSpot.detect_csv(&de), Some(ObjectKind::Contacts));
        let fr = h(&["ID de fiche d'informations", "Nom de l'entreprise", "Nom de domaine de l'entreprise"]);
        assert_eq!(HubSpot.detect_csv(&fr), Some(ObjectKind::Companies));
        let es = h(&["ID de registro", "Nombre de la empresa", "Ciudad"]);
        assert_eq!(HubSpot.detect_csv(&es), Some(ObjectKind::Companies));
        let ja = h(&["レコードID", "名", "姓", "Eメール"]);
        assert_eq!(HubSpot.detect_csv(&ja), Some(ObjectKind::Contacts));
        let deals = h(&["Record ID", "Deal Name", "Deal Stage", "Amount"]);
        assert_eq!(HubSpot.detect_csv(&deals), None);
        assert!(HubSpot.refuse_csv(&deals).unwrap().contains("deals export"));
        assert_eq!(HubSpot.detect_csv(&h(&["id", "Email", "Name"])), None);
        assert_eq!(HubSpot.refuse_csv(&h(&["id", "Email", "Name"])), None);
    }
}
