//! A customer's billing address from a source's parts (`domain::address`):
//! from a JSON object's keys (Stripe's `address`, QuickBooks' `BillAddr`,
//! a Salesforce account's `Billing*` fields) or a CSV row's columns.
//! `None` when the source has no address at all (what is stored stays);
//! `Some("")` when it has one, empty (a newer export that cleared it).

use super::record::ImportedAddress;
use crate::domain::address::from_parts;
use serde_json::Value;

/// The keys of one source's address parts.
pub struct Keys {
    /// Street lines, in order; each may hold line breaks (Salesforce).
    pub street: &'static [&'static str],
    pub city: &'static str,
    pub region: &'static str,
    pub postal: &'static str,
    pub country: &'static str,
}

/// From `obj`'s keys; `None` when `obj` is not an object or has none of them.
pub fn from_json(obj: Option<&Value>, k: &Keys) -> Option<ImportedAddress> {
    let obj = obj?.as_object()?;
    let all = k.street.iter().chain([&k.city, &k.region, &k.postal, &k.country]);
    if !all.clone().any(|key| obj.contains_key(*key)) {
        return None;
    }
    let get = |key: &str| obj.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    let street: Vec<String> = k.street.iter().map(|key| get(key)).collect();
    Some(join(&street, &get(k.city), &get(k.region), &get(k.postal), &get(k.country)))
}

/// From cells already read (`None` for a column the file lacks); `None`
/// when the file has none of the columns.
pub fn from_cells(
    street: &[Option<String>],
    city: Option<String>,
    region: Option<String>,
    postal: Option<String>,
    country: Option<String>,
) -> Option<ImportedAddress> {
    let any = street.iter().any(Option::is_some) || [&city, &region, &postal, &country].iter().any(|c| c.is_some());
    if !any {
        return None;
    }
    let street: Vec<String> = street.iter().map(|s| s.clone().unwrap_or_default()).collect();
    let s = |c: Option<String>| c.unwrap_or_default();
    Some(join(&street, &s(city), &s(region), &s(postal), &s(country)))
}

fn join(street: &[String], city: &str, region: &str, postal: &str, country: &str) -> ImportedAddress {
    let lines: Vec<&str> = street.iter().flat_map(|s| s.lines()).collect();
    let has_street = lines.iter().any(|l| !l.trim().is_empty());
    ImportedAddress { text: from_parts(&lines, city, region, postal, country), street: has_street }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: Keys =
        Keys { street: &["line1", "line2"], city: "city", region: "state", postal: "zip", country: "country" };

    #[test]
    fn parts_in_order_and_absent_is_none() {
        let v = serde_json::json!({"line1": "1 Main St", "line2": null, "city": "Springfield", "state": "IL", "zip": "62701", "country": "US"});
        assert_eq!(from_json(Some(&v), &K).map(|a| a.text).as_deref(), Some("1 Main St\nSpringfield IL 62701\nUS"));
        assert_eq!(from_json(Some(&serde_json::json!({"other": 1})), &K), None);
        assert_eq!(from_json(Some(&Value::Null), &K), None);
        let street = serde_json::json!({"line1": "Suite 5\n2 Side Rd"});
        assert_eq!(from_json(Some(&street), &K).map(|a| a.text).as_deref(), Some("Suite 5\n2 Side Rd"));
    }
}
