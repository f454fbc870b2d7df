//! Writing a tab's rows (its filter and sort applied) as CSV or JSON, for
//! `E` in the TUI and `ardesk invoices …` on the command line. Rows are
//! read window by window, so a million of them stream in constant memory.
//! Values are written exactly as stored: amounts as exact decimals, dates in
//! ISO form, text untouched (CSV quotes what needs quoting) — except on
//! a terminal, where text is shown as the screen shows it (`Text::Shown`).

use crate::domain::columns::{RowKey, Seek, Sort, Tab};
use crate::domain::tabs::export_fields;
use crate::store::window::{Keyed, View};
use crate::store::{Books, Result, StoreError};
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

/// Rows per read while exporting.
const BATCH: usize = 2_000;

enum Sink<'a> {
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
    Json(&'a mut dyn Write),
}

/// Each row as its columns export it (`domain::tabs::Column::export`).
fn write_rows<R: crate::store::books::Rows>(
    store: &Books,
    customer_id: i64,
    view: &View,
    format: Format,
    text: Text,
    out: &mut dyn Write,
) -> Result<usize> {
    let io = |e: std::io::Error| StoreError::Invalid(format!("cannot write: {e}"));
    let csv_err = |e: csv::Error| StoreError::Invalid(format!("cannot write: {e}"));
    let fields = export_fields::<R>();
    let headers: Vec<&str> = fields.iter().map(|f| f.0).collect();
    let mut sink = match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&headers).map_err(csv_err)?;
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
        let rows: Vec<Keyed<R>> = store.window_view_gathering(customer_id, view, &seek, BATCH, Some(BATCH as i64))?;
        for k in &rows {
            let mut values: Vec<String> = fields.iter().map(|f| (f.1)(&k.row, view.today)).collect();
            if text == Text::Shown {
                values = values.iter().map(|v| crate::domain::text::clean(v).into_owned()).collect();
            }
            match &mut sink {
                Sink::Csv(w) => w.write_record(&values).map_err(csv_err)?,
                Sink::Json(w) => {
                    let obj: serde_json::Map<String, serde_json::Value> = headers
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
    store: &Books,
    customer_id: i64,
    tab: Tab,
    view: &View,
    format: Format,
    text: Text,
    out: &mut dyn Write,
) -> Result<usize> {
    crate::per_tab!(tab, |R| write_rows::<R>(store, customer_id, view, format, text, out))
}

/// Writes a CSV file through a temporary file renamed into place, never
/// replacing an existing file unless `overwrite`.
pub fn to_file(store: &Books, customer_id: i64, tab: Tab, view: &View, path: &Path, overwrite: bool) -> Result<usize> {
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
