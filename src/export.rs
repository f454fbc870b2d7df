//! Writing a tab's rows (its filter and sort applied) as CSV or JSON, for
//! `E` in the TUI and `ardesk invoices …` on the command line. Rows are
//! read window by window, so a million of them stream in constant memory.
//! Values are written exactly as stored: amounts as exact decimals, dates in
//! ISO form, text untouched (CSV quotes what needs quoting) — except on
//! a terminal, where text is shown as the screen shows it (`Text::Shown`).

use crate::domain::Money;
use crate::domain::columns::{RowKey, Seek, Sort, Tab};
use crate::domain::date::iso;
use crate::domain::model::*;
use crate::store::window::{Keyed, TabRow, View};
use crate::store::{Result, Store, StoreError};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// How text values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// Exactly as stored: for files and pipes.
    Exact,
    /// Control characters made visible (`␛`), as on the screen: for a
    /// terminal, which would act on them.
    Shown,
}

/// A row as export columns.
pub trait ExportRow: TabRow {
    const HEADERS: &'static [&'static str];
    fn values(&self) -> Vec<String>;
}

fn opt_date(d: Option<chrono::NaiveDate>) -> String {
    d.map(iso).unwrap_or_default()
}

impl ExportRow for InvoiceRow {
    const HEADERS: &'static [&'static str] = &[
        "number",
        "total",
        "currency",
        "issue_date",
        "due_date",
        "status",
        "open_balance",
        "contract",
        "period_start",
        "period_end",
    ];
    fn values(&self) -> Vec<String> {
        vec![
            self.number.clone(),
            self.total.plain(),
            self.total.currency.to_string(),
            iso(self.issue_date),
            iso(self.due_date),
            self.status.as_db().to_string(),
            self.open_balance().plain(),
            self.contract_name.clone().unwrap_or_default(),
            opt_date(self.period.map(|p| p.0)),
            opt_date(self.period.map(|p| p.1)),
        ]
    }
}

impl ExportRow for ContractRow {
    const HEADERS: &'static [&'static str] = &[
        "name",
        "type",
        "status",
        "period_start",
        "period_end",
        "value",
        "currency",
        "payment_terms_days",
        "billing_frequency",
    ];
    fn values(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.kind.as_db().to_string(),
            self.status.as_db().to_string(),
            iso(self.period_start),
            opt_date(self.period_end),
            self.value.plain(),
            self.value.currency.to_string(),
            self.payment_terms_days.to_string(),
            self.billing_frequency.map(|f| f.as_db().to_string()).unwrap_or_default(),
        ]
    }
}

impl ExportRow for PaymentRow {
    const HEADERS: &'static [&'static str] =
        &["date", "amount", "refunded", "applied", "currency", "reference", "status", "method", "applied_to"];
    fn values(&self) -> Vec<String> {
        let m = |minor| Money::new(minor, self.amount.currency).plain();
        vec![
            iso(self.received_on),
            self.amount.plain(),
            m(self.refunded_minor),
            m(self.applied_minor),
            self.amount.currency.to_string(),
            self.reference.clone(),
            self.status.as_db().to_string(),
            self.method.as_db().to_string(),
            self.applied_to.clone(),
        ]
    }
}

impl ExportRow for ContactRow {
    const HEADERS: &'static [&'static str] = &["name", "email", "phone", "role", "primary"];
    fn values(&self) -> Vec<String> {
        vec![self.name.clone(), self.email.clone(), self.phone.clone(), self.role.clone(), self.primary.to_string()]
    }
}

impl ExportRow for DocumentRow {
    const HEADERS: &'static [&'static str] =
        &["name", "uploaded_at", "type", "format", "contract", "size_bytes", "sha256"];
    fn values(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.uploaded_at.clone(),
            self.kind.as_db().to_string(),
            self.format.clone(),
            self.contract_name.clone().unwrap_or_default(),
            self.size_bytes.to_string(),
            self.sha256.clone(),
        ]
    }
}

impl ExportRow for ActivityRow {
    const HEADERS: &'static [&'static str] = &["at", "who", "what"];
    fn values(&self) -> Vec<String> {
        vec![self.at.clone(), self.who.clone(), self.summary.clone()]
    }
}

/// Rows per read while exporting.
const BATCH: usize = 2_000;

enum Sink<'a> {
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
    Json(&'a mut dyn Write),
}

fn write_rows<R: ExportRow>(
    store: &Store,
    customer_id: i64,
    view: &View,
    format: Format,
    text: Text,
    out: &mut dyn Write,
) -> Result<usize> {
    let io = |e: std::io::Error| StoreError::Invalid(format!("cannot write: {e}"));
    let csv_err = |e: csv::Error| StoreError::Invalid(format!("cannot write: {e}"));
    let mut sink = match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(R::HEADERS).map_err(csv_err)?;
            Sink::Csv(Box::new(w))
        }
        Format::Json => {
            out.write_all(b"[").map_err(io)?;
            Sink::Json(out)
        }
    };
    let mut seek = Seek::First;
    let mut n = 0usize;
    loop {
        let rows: Vec<Keyed<R>> = store.window_view(customer_id, view, &seek, BATCH)?;
        for k in &rows {
            let mut values = k.row.values();
            if text == Text::Shown {
                values = values.iter().map(|v| crate::domain::text::clean(v).into_owned()).collect();
            }
            match &mut sink {
                Sink::Csv(w) => w.write_record(&values).map_err(csv_err)?,
                Sink::Json(w) => {
                    let obj: serde_json::Map<String, serde_json::Value> = R::HEADERS
                        .iter()
                        .zip(values)
                        .map(|(h, v)| ((*h).to_string(), serde_json::Value::String(v)))
                        .collect();
                    let sep = if n == 0 { "\n" } else { ",\n" };
                    write!(w, "{sep}{}", serde_json::Value::Object(obj)).map_err(io)?;
                }
            }
            n += 1;
        }
        match rows.last() {
            Some(last) if rows.len() == BATCH => seek = Seek::After(RowKey::clone(&last.key)),
            _ => break,
        }
    }
    match sink {
        Sink::Csv(mut w) => w.flush().map_err(io)?,
        Sink::Json(w) => w.write_all(b"\n]\n").map_err(io)?,
    }
    Ok(n)
}

/// Writes the rows of one tab's view; returns how many.
pub fn write_tab(
    store: &Store,
    customer_id: i64,
    tab: Tab,
    view: &View,
    format: Format,
    text: Text,
    out: &mut dyn Write,
) -> Result<usize> {
    match tab {
        Tab::Invoices => write_rows::<InvoiceRow>(store, customer_id, view, format, text, out),
        Tab::Contracts => write_rows::<ContractRow>(store, customer_id, view, format, text, out),
        Tab::Payments => write_rows::<PaymentRow>(store, customer_id, view, format, text, out),
        Tab::Contacts => write_rows::<ContactRow>(store, customer_id, view, format, text, out),
        Tab::Documents => write_rows::<DocumentRow>(store, customer_id, view, format, text, out),
        Tab::Activity => write_rows::<ActivityRow>(store, customer_id, view, format, text, out),
    }
}

/// Writes a CSV file through a temporary file renamed into place, never
/// replacing an existing file unless `overwrite`.
pub fn to_file(store: &Store, customer_id: i64, tab: Tab, view: &View, path: &Path, overwrite: bool) -> Result<usize> {
    if path.exists() && !overwrite {
        return Err(StoreError::Exists(path.to_path_buf()));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp: PathBuf = dir.join(format!(".ardesk-export-{}.part", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(|e| StoreError::Invalid(format!("{}: {e}", dir.display())))?;
        let mut w = std::io::BufWriter::new(file);
        let n = write_tab(store, customer_id, tab, view, Format::Csv, Text::Exact, &mut w)?;
        let file = w.into_inner().map_err(|e| StoreError::Invalid(format!("cannot write: {e}")))?;
        file.sync_all().map_err(|e| StoreError::Invalid(format!("cannot write: {e}")))?;
        std::fs::rename(&tmp, path).map_err(|e| StoreError::Invalid(format!("{}: {e}", path.display())))?;
        Ok(n)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A sort given on the command line: a filter field name ("due"), and
/// "-due" or "due:desc" for descending.
pub fn parse_sort(tab: Tab, spec: &str) -> std::result::Result<Sort, String> {
    let (desc, name) = match (spec.strip_prefix('-'), spec.split_once(':')) {
        (Some(n), _) => (true, n),
        (None, Some((n, "desc"))) => (true, n),
        (None, Some((n, "asc"))) => (false, n),
        _ => (false, spec),
    };
    let col = crate::domain::filter::field_col(tab, name).ok_or_else(|| {
        format!("{} has no column \"{name}\" (use {})", tab.title(), crate::domain::filter::field_names(tab).join(", "))
    })?;
    Ok(Sort { col, desc })
}
