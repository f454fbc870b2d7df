//! `ardesk org`, the organization's settings from the command line (once
//! `ardesk config`, which still works), and
//! `ardesk vacuum`, which gives the space of deleted documents back.

use crate::domain::edit::{
    CreditSettings, DEFAULT_MAX_DOCUMENT as DEFAULT_MAX, OrgEdit, parse_max_document_size, size_text,
};
use crate::domain::links::{parse_portal_id, parse_salesforce_domain};
use crate::domain::model::{Organization, size_label};
use crate::domain::text::clean;
use crate::store::{Books, Store};
use color_eyre::eyre::{Result, bail};
use serde_json::Value;
use std::io::Write;

/// The settings `ardesk org` knows, in the order it lists them.
const ORG_KEYS: [&str; 11] = [
    "name",
    "address",
    "default-currency",
    "show-credit-balance",
    "invoice-prefix",
    "hubspot-portal-id",
    "salesforce-domain",
    "max-document-size",
    "credit-note-prefix",
    "credit-note-next-number",
    "small-balance-limit-minor",
];

/// The settings kept by `Store::update_credit_settings` (the credit-note
/// sequence and the small-balance limit, in minor units of each invoice's
/// currency).
const CREDIT_KEYS: [&str; 3] = ["credit-note-prefix", "credit-note-next-number", "small-balance-limit-minor"];

/// A setting's value: in JSON as stored (the size in bytes), else as
/// people read it (`shown`).
fn setting_value(org: &Organization, max_document: u64, credit: &CreditSettings, key: &str) -> Value {
    match key {
        "credit-note-prefix" => credit.credit_note_prefix.clone().into(),
        "credit-note-next-number" => credit.credit_note_next_seq.into(),
        "small-balance-limit-minor" => credit.small_balance_limit_minor.into(),
        "max-document-size" => max_document.into(),
        "name" => org.name.clone().into(),
        "address" => org.address.clone().into(),
        "default-currency" => org.default_currency.code().into(),
        "show-credit-balance" => org.show_credit_balance.into(),
        "invoice-prefix" => org.invoice_prefix.clone().into(),
        "hubspot-portal-id" => org.hubspot_portal_id.clone().into(),
        _ => org.salesforce_domain.clone().into(),
    }
}

fn shown(key: &str, v: &Value) -> String {
    match v {
        Value::Number(n) if key == "max-document-size" => n.as_u64().map_or_else(|| n.to_string(), size_text),
        Value::Null => "not set".into(),
        Value::String(s) if key == "address" && s.is_empty() => "not set".into(),
        Value::String(s) if key == "address" => clean(&crate::domain::address::one_line(s)).into_owned(),
        Value::String(s) => clean(s).into_owned(),
        other => other.to_string(),
    }
}

/// `ardesk org [KEY [VALUE]] [--unset]`: lists, prints or changes the
/// organization's settings (one versioned, audited write).
pub fn org(
    store: &mut Books,
    key: Option<&str>,
    value: Option<&str>,
    unset: bool,
    json_out: bool,
    out: &mut impl Write,
) -> Result<()> {
    let org = store.organization()?;
    let max_document = store.max_document_size()?;
    let credit = store.credit_settings()?;
    let value_of = |org: &Organization, max_document: u64, k: &str| setting_value(org, max_document, &credit, k);
    let Some(key) = key else {
        if json_out {
            let m: serde_json::Map<String, Value> =
                ORG_KEYS.iter().map(|k| ((*k).to_string(), value_of(&org, max_document, k))).collect();
            serde_json::to_writer_pretty(&mut *out, &Value::Object(m))?;
            writeln!(out)?;
        } else {
            for k in ORG_KEYS {
                let v = value_of(&org, max_document, k);
                let v = if v.is_null() { "(not set)".to_string() } else { shown(k, &v) };
                writeln!(out, "{k:<26} {v}")?;
            }
        }
        return Ok(());
    };
    let key = key.trim().to_ascii_lowercase().replace('_', "-");
    if !ORG_KEYS.contains(&key.as_str()) {
        bail!("there is no setting \"{key}\": the settings are {}", ORG_KEYS.join(", "));
    }
    let before = value_of(&org, max_document, &key);
    let value = match (value, unset) {
        (None, false) => {
            match (&before, json_out) {
                (_, true) => writeln!(out, "{before}")?,
                (Value::Null, false) => {}
                (v, false) => writeln!(out, "{}", shown(&key, v))?,
            }
            return Ok(());
        }
        (_, true) => "",
        (Some(v), false) => v,
    };
    if CREDIT_KEYS.contains(&key.as_str()) {
        return set_credit(store, &key, value, unset, &before, out);
    }
    let mut edit = OrgEdit::of(&org, max_document);
    let bad = |e: String| color_eyre::eyre::eyre!("{key}: {e}");
    match key.as_str() {
        "name" if unset => bail!("name cannot be unset: the organization needs a name"),
        "default-currency" | "show-credit-balance" if unset => bail!("{key} cannot be unset; give a value"),
        "max-document-size" if unset => {
            bail!("max-document-size cannot be unset; give a size (the default is {})", size_text(DEFAULT_MAX))
        }
        "max-document-size" => edit.max_document_size = parse_max_document_size(value).map_err(bad)?,
        "name" => edit.name = value.to_string(),
        // Lines separated by ';' or line breaks; --unset clears it.
        "address" => edit.address = crate::domain::address::parse_address(value).map_err(bad)?,
        "default-currency" => edit.default_currency = value.trim().parse().map_err(|e| bad(format!("{e}")))?,
        "show-credit-balance" => {
            edit.show_credit_balance = match value.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => true,
                "false" | "no" | "off" | "0" => false,
                other => bail!("show-credit-balance: \"{other}\" is not on or off (true/false, yes/no)"),
            }
        }
        "invoice-prefix" => edit.invoice_prefix = value.trim().to_string(),
        "hubspot-portal-id" => edit.hubspot_portal_id = parse_portal_id(value).map_err(bad)?,
        _ => edit.salesforce_domain = parse_salesforce_domain(value).map_err(bad)?,
    }
    store.update_organization(org.version, &edit).map_err(|e| bad(e.to_string()))?;
    let after = value_of(&store.organization()?, store.max_document_size()?, &key);
    if before == after {
        writeln!(out, "{key} is already {}", shown(&key, &after))?;
    } else {
        writeln!(out, "{key} = {} (was {})", shown(&key, &after), shown(&key, &before))?;
    }
    Ok(())
}

/// A credit setting: one versioned, audited write of its own.
fn set_credit(
    store: &mut Books,
    key: &str,
    value: &str,
    unset: bool,
    before: &Value,
    out: &mut impl Write,
) -> Result<()> {
    if unset {
        bail!("{key} cannot be unset; give a value");
    }
    let bad = |e: String| color_eyre::eyre::eyre!("{key}: {e}");
    let mut e = store.credit_settings()?;
    let number = |v: &str| v.trim().parse::<i64>().map_err(|_| bad(format!("\"{v}\" is not a whole number")));
    match key {
        "credit-note-prefix" => e.credit_note_prefix = value.trim().to_string(),
        "credit-note-next-number" => e.credit_note_next_seq = number(value)?,
        _ => e.small_balance_limit_minor = number(value)?,
    }
    store.update_credit_settings(&e).map_err(|e| bad(e.to_string()))?;
    let c = store.credit_settings()?;
    let after = setting_value(&store.organization()?, store.max_document_size()?, &c, key);
    if *before == after {
        writeln!(out, "{key} is already {}", shown(key, &after))?;
    } else {
        writeln!(out, "{key} = {} (was {})", shown(key, &after), shown(key, before))?;
    }
    Ok(())
}

/// `ardesk vacuum`: rewrites the database without the space deleted
/// documents left, and so that later deletes give theirs back by
/// themselves; says how much it gave back.
pub fn vacuum(store: &mut Store, out: &mut impl Write) -> Result<()> {
    let shown = clean(&store.path().display().to_string()).into_owned();
    let (before, after) = store.vacuum().map_err(|e| color_eyre::eyre::eyre!("not vacuumed: {shown}: {e}"))?;
    let size = |b: u64| size_label(b as i64);
    writeln!(
        out,
        "vacuumed {shown}: {} → {} ({} given back to the disk)",
        size(before.file_bytes),
        size(after.file_bytes),
        size(before.file_bytes.saturating_sub(after.file_bytes))
    )?;
    if !before.incremental {
        writeln!(out, "from now on, deleting a document gives its space back by itself")?;
    }
    Ok(())
}
