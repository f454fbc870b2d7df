//! Writing one customer's whole record in ardesk's format (`mod.rs` says
//! what it holds).

use crate::domain::{Currency, Money};
use crate::import::ImportError;
use crate::store::StoreError;
use crate::store::import::{ExportRead, ExportSection};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::io::Write;

/// Writes one customer's complete record in ardesk's format, from either
/// backend (`ExportRead`: a SQLite `Store`, a `PgStore`, or `Books`).
pub fn export_customer_json<S: ExportRead + ?Sized>(
    store: &S,
    customer_id: i64,
    out: &mut impl Write,
) -> Result<(), ImportError> {
    let customer = store.export_customer(customer_id).map_err(|e| match e {
        StoreError::NotFound(_) => ImportError::NoCustomer(customer_id),
        e => e.into(),
    })?;
    let cur = customer.currency;
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    // Where the customer came from, so that importing the same customer
    // twice does not make two; an in-memory database has no lasting name.
    let origin = match store.export_origin() {
        None => format!(":memory:#{customer_id}@{now}"),
        Some(p) => format!("{p}#{customer_id}"),
    };
    write!(out, "{{\n\"ardesk_export\": 1,\n\"exported_at\": {},\n\"origin\": {}", json!(now), json!(origin))?;
    let mut head = Map::new();
    store.read_section(customer_id, ExportSection::Customer, |m| {
        head = m;
        Ok::<_, ImportError>(())
    })?;
    unpack_raw(&mut head);
    write!(out, ",\n\"customer\": {}", Value::Object(head))?;
    for (name, section) in [
        ("contracts", ExportSection::Contracts),
        ("invoices", ExportSection::Invoices),
        ("contacts", ExportSection::Contacts),
        ("documents", ExportSection::Documents),
        ("conversations", ExportSection::Conversations),
    ] {
        write!(out, ",\n\"{name}\": [")?;
        let mut first = true;
        store.read_section(customer_id, section, |mut m| {
            lines(&mut m, cur);
            amounts(&mut m, cur);
            unpack_raw(&mut m);
            if matches!(section, ExportSection::Invoices | ExportSection::Conversations) {
                collections(&mut m, cur);
            }
            if let Some(p) = m.remove("is_primary") {
                m.insert("primary".into(), Value::Bool(p.as_i64() == Some(1)));
            }
            write!(out, "{}\n{}", if first { "" } else { "," }, Value::Object(m))?;
            first = false;
            Ok::<_, ImportError>(())
        })?;
        write!(out, "]")?;
    }
    // Each payment's refunds, oldest first, as `refunds` beside its
    // applications (a payment without any has an empty list).
    let mut refunds: HashMap<i64, Vec<Value>> = HashMap::new();
    store.read_section(customer_id, ExportSection::Refunds, |mut m| {
        let id = m.get("payment_id").and_then(Value::as_i64).unwrap_or(0);
        m.remove("payment_id");
        amounts(&mut m, cur);
        m.remove("currency");
        if m.get("external_id").is_some_and(Value::is_null) {
            m.remove("external_id");
        }
        refunds.entry(id).or_default().push(Value::Object(m));
        Ok::<_, ImportError>(())
    })?;
    for (name, section) in [("payments", ExportSection::Payments), ("credits", ExportSection::Credits)] {
        write!(out, ",\n\"{name}\": [")?;
        let mut current: Option<Map<String, Value>> = None;
        let mut first = true;
        let mut flush = |row: Option<Map<String, Value>>, out: &mut dyn Write| -> Result<(), ImportError> {
            if let Some(r) = row {
                write!(out, "{}\n{}", if first { "" } else { "," }, Value::Object(r))?;
                first = false;
            }
            Ok(())
        };
        store.read_section(customer_id, section, |mut m| {
            let app = (m.remove("app_invoice"), m.remove("app_amount_minor"), m.remove("app_applied_on"));
            lines(&mut m, cur);
            amounts(&mut m, cur);
            unpack_raw(&mut m);
            if current.as_ref().map(|c| &c["id"]) != Some(&m["id"]) {
                flush(current.take(), out)?;
                m.insert("applications".into(), Value::Array(Vec::new()));
                if section == ExportSection::Payments {
                    let id = m.get("id").and_then(Value::as_i64).unwrap_or(0);
                    m.insert("refunds".into(), Value::Array(refunds.remove(&id).unwrap_or_default()));
                }
                current = Some(m);
            }
            if let (Some(Value::Number(inv)), Some(Value::Number(amount)), Some(on), Some(c)) =
                (app.0, app.1, app.2, &mut current)
            {
                let row_cur = c.get("currency").and_then(Value::as_str).and_then(|s| s.parse().ok()).unwrap_or(cur);
                let amount = Money::new(amount.as_i64().unwrap_or(0), row_cur).plain();
                if let Some(Value::Array(a)) = c.get_mut("applications") {
                    a.push(json!({"invoice": inv, "amount": amount, "applied_on": on}));
                }
            }
            Ok::<_, ImportError>(())
        })?;
        flush(current.take(), out)?;
        write!(out, "]")?;
    }
    writeln!(out, "\n}}")?;
    Ok(())
}

/// `x_minor` integers become `x` exact decimal strings in the row's currency.
fn amounts(m: &mut Map<String, Value>, default: Currency) {
    let cur = m.get("currency").and_then(Value::as_str).and_then(|s| s.parse().ok()).unwrap_or(default);
    let keys: Vec<String> = m.keys().filter(|k| k.ends_with("_minor")).cloned().collect();
    for k in keys {
        if let Some(v) = m.remove(&k).and_then(|v| v.as_i64()) {
            m.insert(k.trim_end_matches("_minor").to_string(), Money::new(v, cur).plain().into());
        }
    }
}

/// An invoice's `lines` (JSON text from the store, in order) become an
/// array whose amounts are exact decimal strings like the invoice's.
fn lines(m: &mut Map<String, Value>, default: Currency) {
    let Some(Value::String(text)) = m.get("lines") else { return };
    let cur = m.get("currency").and_then(Value::as_str).and_then(|s| s.parse().ok()).unwrap_or(default);
    let mut list: Vec<Value> = serde_json::from_str(text).unwrap_or_default();
    for l in list.iter_mut().filter_map(Value::as_object_mut) {
        amounts(l, cur);
    }
    m.insert("lines".into(), Value::Array(list));
}

/// `source_raw` is embedded as JSON when it is JSON.
fn unpack_raw(m: &mut Map<String, Value>) {
    if let Some(Value::String(s)) = m.get("source_raw")
        && let Ok(v) = serde_json::from_str::<Value>(s)
    {
        m.insert("source_raw".into(), v);
    }
}

/// A conversation's `invoices`, `messages` and `promises` and an invoice's
/// `pauses` (JSON text from the store) become arrays; a promise's amount an
/// exact decimal string in its currency (which is the customer's, so it is
/// not repeated).
fn collections(m: &mut Map<String, Value>, cur: Currency) {
    for key in ["invoices", "messages", "promises", "pauses"] {
        let Some(Value::String(text)) = m.get(key) else { continue };
        let mut list: Vec<Value> = serde_json::from_str(text).unwrap_or_default();
        for o in list.iter_mut().filter_map(Value::as_object_mut) {
            amounts(o, cur);
            o.remove("currency");
        }
        m.insert(key.into(), Value::Array(list));
    }
}
