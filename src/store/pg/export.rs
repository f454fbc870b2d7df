//! The sections of a customer's record an export reads, on PostgreSQL, as
//! `store/import/native.rs` reads them on SQLite: the same columns, by the
//! same names, in the same order, with the same JSON values (a `date` as
//! its ISO text, a `boolean` as 0 or 1, as SQLite keeps them; an invoice's
//! lines, its pauses and a conversation's invoices, messages and promises
//! as JSON text, `[]` when there are none, as `json_group_array` gives).
//! An invoice's kept row and baseline go out as the `source_raw` they
//! stand for, read through the same `KeptReader`.
//!
//! The rows come through a portal a batch at a time, so a customer with
//! many invoices is not held in memory whole, and the kept rows are read
//! between batches on the same connection.

use super::super::import::{ExportRead, ExportSection};
use super::super::kept::KeptReader;
use super::super::{Result, StoreError};
use super::store::PgStore;
use postgres::Row;
use postgres::types::Type;
use serde_json::{Map, Value};

/// Rows fetched from the portal at a time.
const BATCH: i32 = 256;

/// An invoice's or a credit note's lines, in order, as JSON text (`{T}`:
/// the lines' table, `{K}`: its column naming the row, `{R}`: the row).
const LINES: &str = "(SELECT coalesce(json_agg(json_build_object('kind', l.kind, 'description', l.description,
            'quantity', l.quantity, 'unit_price', l.unit_price, 'amount_minor', l.amount_minor,
            'tax_minor', l.tax_minor) ORDER BY l.seq), '[]')::text
     FROM {T} l WHERE l.{K} = {R}) AS lines";

/// A list of invoice numbers in order, as JSON (`{J}`: the link table,
/// `{K}`: its column naming the row, `{R}`: the row).
const NUMBERS: &str = "(SELECT coalesce(json_agg(i.number ORDER BY i.number), '[]'::json)
     FROM {J} j JOIN invoices i ON i.id = j.invoice_id WHERE j.{K} = {R})";

fn lines(table: &str, key: &str, row: &str) -> String {
    LINES.replace("{T}", table).replace("{K}", key).replace("{R}", row)
}

fn numbers(table: &str, key: &str, row: &str) -> String {
    NUMBERS.replace("{J}", table).replace("{K}", key).replace("{R}", row)
}

/// Each section's query, `store/import/native.rs`'s in PostgreSQL's SQL.
fn sql(section: ExportSection) -> String {
    match section {
        ExportSection::Customer => "SELECT id, name, legal_name, billing_email, currency, import_source, external_id,
                external_url, source_raw, invoices_paused, portal, billing_address FROM customers WHERE id = $1"
            .into(),
        ExportSection::Contracts => "SELECT id, name, kind, status, period_start, period_end, value_minor, currency,
                payment_terms_days, billing_frequency FROM contracts WHERE customer_id = $1 ORDER BY id"
            .into(),
        ExportSection::Invoices => format!(
            "SELECT id, contract_id, number, issue_date, due_date, period_start, period_end, currency, total_minor,
                    status, import_source, external_id, source_raw, import_base, import_row, memo, cancelled_on,
                    written_off_on, write_off_reason, {},
                    (SELECT coalesce(json_agg(json_build_object('paused_on', p.paused_on, 'until_on', p.until_on,
                                'reason', p.reason, 'ended_on', p.ended_on) ORDER BY p.paused_on, p.id), '[]')::text
                     FROM invoice_pauses p WHERE p.invoice_id = invoices.id) AS pauses
             FROM invoices WHERE customer_id = $1 ORDER BY id",
            lines("invoice_lines", "invoice_id", "invoices.id")
        ),
        ExportSection::Payments => "SELECT p.id, p.received_on, p.amount_minor, p.refunded_minor, p.currency,
                p.reference, p.status, p.method, p.import_source, p.external_id, p.source_raw,
                a.invoice_id AS app_invoice, a.amount_minor AS app_amount_minor, a.applied_on AS app_applied_on
             FROM payments p LEFT JOIN applications a ON a.payment_id = p.id AND a.removed_on IS NULL
             WHERE p.customer_id = $1 ORDER BY p.id, a.id"
            .into(),
        ExportSection::Refunds => "SELECT r.payment_id, r.refunded_on, r.amount_minor, p.currency, r.reason,
                r.dated_from, r.external_id
             FROM payments p JOIN refunds r ON r.payment_id = p.id
             WHERE p.customer_id = $1 ORDER BY p.id, r.refunded_on, r.id"
            .into(),
        ExportSection::Credits => format!(
            "SELECT c.id, c.granted_on, c.amount_minor, c.currency, c.reason, c.import_source, c.external_id,
                    c.kind, c.number, c.status, c.voided_on, c.invoice_id AS invoice, {},
                    a.invoice_id AS app_invoice, a.amount_minor AS app_amount_minor, a.applied_on AS app_applied_on
             FROM credits c LEFT JOIN applications a ON a.credit_id = c.id AND a.removed_on IS NULL
             WHERE c.customer_id = $1 ORDER BY c.id, a.id",
            lines("credit_note_lines", "credit_id", "c.id")
        ),
        ExportSection::Contacts => "SELECT c.id, c.name, c.email, c.phone, c.role, c.import_source, c.external_id,
                c.source_raw, cu.primary_contact_id IS NOT DISTINCT FROM c.id AS is_primary
             FROM contacts c JOIN customers cu ON cu.id = c.customer_id WHERE c.customer_id = $1 ORDER BY c.id"
            .into(),
        ExportSection::Documents => "SELECT id, contract_id, name, kind, format, size_bytes, sha256, uploaded_at,
                uploaded_by FROM documents WHERE customer_id = $1 ORDER BY id"
            .into(),
        ExportSection::Conversations => format!(
            "SELECT c.id, c.external_id, c.subject, c.channel, c.opened_on, c.status, c.resolved_on, c.resolved_by,
                    c.resolver, {}::text AS invoices,
                    (SELECT coalesce(json_agg(json_build_object('external_id', m.external_id, 'at', m.at,
                                'direction', m.direction, 'kind', m.kind, 'author_kind', m.author_kind,
                                'author', m.author, 'body', m.body, 'outcome', m.outcome) ORDER BY m.at, m.id),
                            '[]')::text
                     FROM conversation_messages m WHERE m.conversation_id = c.id) AS messages,
                    (SELECT coalesce(json_agg(json_build_object('external_id', pr.external_id, 'made_on', pr.made_on,
                                'due_on', pr.due_on, 'amount_minor', pr.amount_minor, 'currency', pr.currency,
                                'invoices', {}) ORDER BY pr.due_on, pr.id), '[]')::text
                     FROM promises pr WHERE pr.conversation_id = c.id) AS promises
             FROM conversations c WHERE c.customer_id = $1 ORDER BY c.id",
            numbers("conversation_invoices", "conversation_id", "c.id"),
            numbers("promise_invoices", "promise_id", "pr.id")
        ),
    }
}

/// A column's value as SQLite's export gives it.
fn value(r: &Row, i: usize) -> Result<Value> {
    let ty = r.columns()[i].type_();
    Ok(if *ty == Type::INT8 {
        r.try_get::<_, Option<i64>>(i)?.map_or(Value::Null, Value::from)
    } else if *ty == Type::INT4 {
        r.try_get::<_, Option<i32>>(i)?.map_or(Value::Null, Value::from)
    } else if *ty == Type::BOOL {
        r.try_get::<_, Option<bool>>(i)?.map_or(Value::Null, |b| Value::from(i64::from(b)))
    } else if *ty == Type::DATE {
        r.try_get::<_, Option<chrono::NaiveDate>>(i)?
            .map_or(Value::Null, |d| Value::from(d.format("%Y-%m-%d").to_string()))
    } else if *ty == Type::BYTEA {
        r.try_get::<_, Option<Vec<u8>>>(i)?
            .map_or(Value::Null, |b| Value::from(String::from_utf8_lossy(&b).into_owned()))
    } else {
        r.try_get::<_, Option<String>>(i)?.map_or(Value::Null, Value::from)
    })
}

/// JSON text as SQLite writes it, without spaces: the server's `json`
/// prints `{"kind" : "item", …}`. Keys keep their order and numbers their
/// digits (`preserve_order`, `arbitrary_precision`).
fn compact(v: Value) -> Value {
    match &v {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(parsed) => Value::String(parsed.to_string()),
            Err(_) => v,
        },
        _ => v,
    }
}

impl PgStore {
    /// Streams one part of a customer's record as JSON objects keyed by
    /// column, as `Store::export_section`.
    pub fn export_section<E: From<StoreError>>(
        &self,
        customer_id: i64,
        section: ExportSection,
        mut f: impl FnMut(Map<String, Value>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut c = self.client()?;
        let mut tx = c.build_transaction().read_only(true).start().map_err(StoreError::from)?;
        let stmt = tx.prepare(&sql(section)).map_err(StoreError::from)?;
        let names: Vec<String> = stmt.columns().iter().map(|c| c.name().to_string()).collect();
        let at = |name: &str| names.iter().position(|n| n == name);
        let kept_cols = at("source_raw").zip(at("import_base")).zip(at("import_row"));
        let mut reader = KeptReader::default();
        let portal = tx.bind(&stmt, &[&customer_id]).map_err(StoreError::from)?;
        loop {
            let rows = tx.query_portal(&portal, BATCH).map_err(StoreError::from)?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let mut m = Map::with_capacity(names.len());
                let mut source_raw = None;
                if let Some(((raw, base), row)) = kept_cols {
                    let raw: Option<String> = r.try_get(raw).map_err(StoreError::from)?;
                    let base: Option<Vec<u8>> = r.try_get(base).map_err(StoreError::from)?;
                    let row: Option<i64> = r.try_get(row).map_err(StoreError::from)?;
                    let text = reader.source_raw_with(raw, base.as_deref(), row, |reader, n| {
                        reader.row_with(n, |n| {
                            let found = tx.query_opt(
                                "SELECT first_row, row_count, data FROM import_kept WHERE first_row <= $1
                                 ORDER BY first_row DESC LIMIT 1",
                                &[&n],
                            )?;
                            Ok(match found {
                                Some(r) => Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
                                None => None,
                            })
                        })
                    })?;
                    source_raw = Some(text);
                }
                for (i, n) in names.iter().enumerate() {
                    if source_raw.is_some() && matches!(n.as_str(), "import_base" | "import_row") {
                        continue;
                    }
                    if n == "source_raw"
                        && let Some(text) = &source_raw
                    {
                        m.insert(n.clone(), text.clone().map_or(Value::Null, Value::String));
                        continue;
                    }
                    let v = value(r, i)?;
                    m.insert(n.clone(), if n == "lines" { compact(v) } else { v });
                }
                f(m)?;
            }
        }
        drop(portal);
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }
}

impl ExportRead for PgStore {
    fn export_customer(&self, customer_id: i64) -> Result<crate::domain::model::Customer> {
        self.customer(customer_id)
    }

    fn export_origin(&self) -> Option<String> {
        Some(self.shown().to_string())
    }

    fn read_section<E: From<StoreError>>(
        &self,
        customer_id: i64,
        section: ExportSection,
        f: impl FnMut(Map<String, Value>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.export_section(customer_id, section, f)
    }
}
