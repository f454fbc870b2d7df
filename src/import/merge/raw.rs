//! `source_raw`: what the merge keeps beside each record it writes, so the
//! next import can tell who changed a field since.
//!
//! `source_raw` holds `{"imported": {field: value as last written}, "row":
//! {the source's row}}`. A field changes on re-import only when the file
//! changed it since the last import and the user did not; when both did,
//! the user's value stays and the run reports a conflict (`Book::merge`).

use crate::domain::date::iso;
use crate::import::parse::record::ImportedInvoice;
use crate::store::import::InvoiceState;
use crate::store::kept::{self, KeptRow};
use serde_json::{Map, Value};

/// `source_raw`'s text: the imported values and the row.
pub(crate) fn raw_text(imported: &Map<String, Value>, row: &Value) -> String {
    let mut f = Fields::new();
    for (k, v) in imported {
        f.value(k, v);
    }
    f.finish(row)
}

/// The imported values written straight into `source_raw`'s text, each a
/// string or null (the hot path of a million invoices).
pub(crate) struct Fields(Vec<u8>);

impl Fields {
    pub fn new() -> Self {
        let mut b = Vec::with_capacity(640);
        b.extend_from_slice(b"{\"imported\":{");
        Fields(b)
    }

    fn key(&mut self, k: &str) {
        if self.0.last() != Some(&b'{') {
            self.0.push(b',');
        }
        let _ = serde_json::to_writer(&mut self.0, k);
        self.0.push(b':');
    }

    pub fn str(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k);
        let _ = serde_json::to_writer(&mut self.0, v);
        self
    }

    pub fn opt(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.str(k, v),
            None => {
                self.key(k);
                self.0.extend_from_slice(b"null");
                self
            }
        }
    }

    pub fn value(&mut self, k: &str, v: &Value) -> &mut Self {
        self.key(k);
        let _ = serde_json::to_writer(&mut self.0, v);
        self
    }

    pub fn finish(mut self, row: &Value) -> String {
        self.0.extend_from_slice(b"},\"row\":");
        let _ = serde_json::to_writer(&mut self.0, row);
        self.0.push(b'}');
        String::from_utf8(self.0).unwrap_or_default()
    }
}

/// The values last imported, from `source_raw`.
pub(crate) fn baseline(source_raw: Option<&str>) -> Map<String, Value> {
    source_raw
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .and_then(|v| v.get("imported").and_then(Value::as_object).cloned())
        .unwrap_or_default()
}

/// A baseline field as text; `None` when there is no baseline for it.
pub(crate) fn last<'a>(base: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    match base.get(field) {
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) => Some(""),
        _ => None,
    }
}

pub(crate) fn put(m: &mut Map<String, Value>, k: &str, v: impl Into<Value>) {
    m.insert(k.to_string(), v.into());
}

/// What an invoice keeps of its source (`store::kept`): the values
/// imported, in `kept::INVOICE_FIELDS`' order, and the row. It depends on
/// the record alone, so the parser's thread renders it (`run::beside`).
pub(crate) fn invoice_raw(inv: &ImportedInvoice) -> KeptRow {
    let (total, paid, credit) =
        (inv.total_minor.to_string(), inv.amount_paid_minor.to_string(), inv.credit_applied_minor.to_string());
    let (issue, due) = (iso(inv.issue_date), iso(inv.due_date));
    let period = inv.period.map(|p| (iso(p.0), iso(p.1)));
    let paid_on = inv.paid_on.map(iso);
    let refs = inv.payment_refs.join(",");
    let fields = [
        Some(inv.number.as_str()),
        Some(&issue),
        Some(&due),
        period.as_ref().map(|p| p.0.as_str()),
        period.as_ref().map(|p| p.1.as_str()),
        Some(inv.currency.code()),
        Some(&total),
        Some(inv.status.as_db()),
        Some(&paid),
        Some(&credit),
        paid_on.as_deref(),
        Some(inv.customer.external_id.as_str()),
        Some(&refs),
        Some(inv.memo.as_str()),
    ];
    let mut kept = KeptRow::invoice(fields, serde_json::to_string(&inv.raw).unwrap_or_default());
    kept.line = inv.print.map(|p| p.print);
    kept
}

/// The values an invoice was last imported with: from its baseline, or
/// from `source_raw` as an older import or ardesk's own format kept them.
pub(crate) fn invoice_baseline(db: &InvoiceState) -> Map<String, Value> {
    match db.import_base.as_deref().and_then(kept::fields) {
        Some(fields) => kept::INVOICE_FIELDS
            .iter()
            .zip(fields)
            .map(|(k, v)| (k.to_string(), v.map_or(Value::Null, Value::String)))
            .collect(),
        None => baseline(db.source_raw.as_deref()),
    }
}
