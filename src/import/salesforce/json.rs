//! Salesforce records as JSON: `sf data query --json` (`result.records`),
//! the REST API's query result (`records`), and the sObject tree files of
//! `sf data export tree` (`records`, children nested under the parent as
//! `{"Contacts": {"records": [...]}}`). Each record says its object in
//! `attributes.type`; Accounts become customers, Contacts contacts.
//!
//! A record is matched on its `Id` (or the id at the end of
//! `attributes.url`). `sf data export tree` never writes either: it drops
//! `Id` even when the query selects it, because its files are made for
//! `sf data import tree`, which creates new records. Such records are
//! refused one by one with how to export them with their ids.

use super::csv::contact_name;
use crate::domain::external_id::to_18;
use crate::import::ImportError;
use crate::import::parse::address::{Keys, from_json};
use crate::import::parse::record::*;
use crate::import::parse::{Row, Sink};
use crate::import::read::amount::parse_currency;
use serde_json::{Map, Value};

const IMPORTED: [&str; 2] = ["Account", "Contact"];

/// The top-level records of a document.
fn records(doc: &Value) -> Option<&Vec<Value>> {
    let list = doc
        .get("records")
        .or_else(|| doc.get("result").and_then(|r| r.get("records")))
        .and_then(Value::as_array)
        .or_else(|| doc.as_array())?;
    list.iter().all(|r| kind(r).is_some()).then_some(list)
}

fn kind(r: &Value) -> Option<&str> {
    r.get("attributes")?.get("type")?.as_str()
}

/// Every record with its parent's id (children nested under a parent).
fn flatten<'a>(list: &'a [Value], parent: Option<&'a Value>, out: &mut Vec<(&'a Value, Option<&'a Value>)>) {
    for r in list {
        out.push((r, parent));
        if let Some(o) = r.as_object() {
            for v in o.values() {
                if let Some(children) = v.get("records").and_then(Value::as_array) {
                    flatten(children, Some(r), out);
                }
            }
        }
    }
}

fn all(doc: &Value) -> Vec<(&Value, Option<&Value>)> {
    let mut out = Vec::new();
    if let Some(list) = records(doc) {
        flatten(list, None, &mut out);
    }
    out
}

pub(super) fn detect(doc: &Value) -> Option<ObjectKind> {
    let recs = all(doc);
    let kinds: std::collections::BTreeSet<&str> = recs.iter().filter_map(|(r, _)| kind(r)).collect();
    if recs.is_empty() || !kinds.iter().any(|k| IMPORTED.contains(k)) {
        return None;
    }
    Some(match kinds.iter().copied().collect::<Vec<_>>().as_slice() {
        ["Account"] => ObjectKind::Companies,
        ["Contact"] => ObjectKind::Contacts,
        _ => ObjectKind::Mixed,
    })
}

pub(super) fn refusal(doc: &Value) -> Option<String> {
    let recs = all(doc);
    let first = recs.first().and_then(|(r, _)| kind(r))?;
    Some(format!(
        "Salesforce {first} records; importing them is not supported yet: ardesk imports Salesforce Accounts (as \
         customers) and Contacts"
    ))
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// The record's id: `Id`, or the last part of `attributes.url`.
fn record_id(r: &Value) -> Option<&str> {
    s(r, "Id").or_else(|| r.get("attributes").and_then(|a| s(a, "url")).and_then(|u| u.rsplit('/').next()))
}

/// The record without its nested children: what `source_raw` keeps.
fn raw(r: &Value) -> Value {
    match r.as_object() {
        Some(o) => Value::Object(
            o.iter()
                .filter(|(_, v)| v.get("records").is_none())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<_, _>>(),
        ),
        None => r.clone(),
    }
}

pub(super) fn parse(_object: ObjectKind, doc: Value, sink: &mut dyn Sink) -> Result<(), ImportError> {
    for (i, (r, parent)) in all(&doc).into_iter().enumerate() {
        let line = i + 1;
        let kind = kind(r).unwrap_or("");
        let object = if kind == "Contact" { ObjectKind::Contacts } else { ObjectKind::Companies };
        let row = match (kind, record_id(r)) {
            (k, _) if !IMPORTED.contains(&k) => {
                Row::Skip(format!("a Salesforce {k} record: ardesk imports Accounts and Contacts only"))
            }
            (k, None) => Row::Refuse(no_id(k, r)),
            (k, Some(id)) => match to_18(id) {
                Err(e) => Row::Refuse(format!("Id: {e}")),
                Ok(id) if k == "Account" => account(line, id, r),
                Ok(id) => contact(line, id, r, parent),
            },
        };
        row.send(line, object, sink)?;
    }
    Ok(())
}

fn no_id(kind: &str, r: &Value) -> String {
    let reference = r.get("attributes").and_then(|a| s(a, "referenceId")).unwrap_or("without a reference");
    let name = s(r, "Name").or_else(|| s(r, "LastName")).map(|n| format!(" (\"{n}\")")).unwrap_or_default();
    format!(
        "{kind} {reference}{name} has no Id, so a later import could not find it again: `sf data export tree` \
         always leaves Ids out; export with `sf data query --query \"SELECT Id, Name, ... FROM {kind}\" \
         --result-format csv` (or --json), or with Data Loader, and import that"
    )
}

/// An account's billing address fields.
const SF_BILLING: Keys = Keys {
    street: &["BillingStreet"],
    city: "BillingCity",
    region: "BillingState",
    postal: "BillingPostalCode",
    country: "BillingCountry",
};

fn deleted(r: &Value) -> bool {
    r.get("IsDeleted").and_then(Value::as_bool) == Some(true)
}

fn account(line: usize, id: String, r: &Value) -> Row {
    if deleted(r) {
        return Row::Skip(format!("account {id} is in the Salesforce recycle bin (IsDeleted)"));
    }
    let currency = match s(r, "CurrencyIsoCode") {
        Some(c) => match parse_currency(c) {
            Ok(c) => Some(c),
            Err(e) => return Row::Refuse(format!("CurrencyIsoCode: {e}")),
        },
        None => None,
    };
    Row::Record(Box::new(Record::Customer(ImportedCustomer {
        line,
        name: s(r, "Name").map_or_else(|| format!("Salesforce account {id}"), str::to_string),
        external_id: id,
        legal_name: None,
        email: None,
        address: from_json(Some(r), &SF_BILLING),
        currency,
        credit_minor: 0,
        external_url: None,
        test_mode: false,
        raw: raw(r),
    })))
}

fn contact(line: usize, id: String, r: &Value, parent: Option<&Value>) -> Row {
    let text = |k: &str| s(r, k).map(str::to_string);
    let email = text("Email").unwrap_or_default();
    let phone = text("Phone").or_else(|| text("MobilePhone")).unwrap_or_default();
    let name = contact_name([text("FirstName"), text("LastName"), text("Name")], &email, &phone, &id);
    if deleted(r) {
        return Row::Skip(format!("contact {id} ({name}) is in the Salesforce recycle bin (IsDeleted)"));
    }
    let parent_account = parent.filter(|p| kind(p) == Some("Account"));
    let account = s(r, "AccountId").or_else(|| parent_account.and_then(record_id));
    let Some(account) = account else {
        return Row::Skip(format!("contact {id} ({name}) belongs to no account in Salesforce (a private contact)"));
    };
    let account = match to_18(account) {
        Ok(a) => a,
        Err(e) => return Row::Refuse(format!("AccountId: {e}")),
    };
    let account_name =
        r.get("Account").and_then(|a| s(a, "Name")).or_else(|| parent_account.and_then(|p| s(p, "Name")));
    Row::Record(Box::new(Record::Contact(ImportedContact {
        line,
        external_id: id,
        customer: CustomerRef { external_id: account, name: account_name.map(str::to_string), email: None },
        name,
        email,
        phone,
        role: text("Title").unwrap_or_default(),
        primary: false,
        test_mode: false,
        raw: raw(r),
    })))
}
