//! `R` on an invoice's detail: the row its import read, decoded on demand
//! from what the import kept (`store::kept`), in the scrolling report
//! dialog: each cell as "Column  value" in the file's order, then the
//! mapped fields as last imported. Every text is from the file, so it is
//! made inert (`text::clean`) before it is measured, padded or wrapped.

use super::import_report::ReportDialog;
use super::scroll::{Look, TextLine};
use crate::domain::detail::SourceRow;
use crate::domain::text::{clean, pad, width};

/// The widest the label column grows: a longer column name is cut with
/// "…", so the values keep most of a 72-column popup.
const LABEL: usize = 24;

/// Label and value pairs as lines, the labels in one column.
fn pairs<'a>(rows: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> Vec<TextLine> {
    let label = rows.clone().map(|(k, _)| width(&clean(k))).max().unwrap_or(0).min(LABEL);
    rows.map(|(k, v)| {
        TextLine(vec![
            (Look::Name, format!("{}  ", pad(&clean(k), label, false))),
            (Look::Plain, clean(v).into_owned()),
        ])
    })
    .collect()
}

pub fn dialog(s: &SourceRow) -> ReportDialog {
    let title = format!("Source row · {} {}", s.source, s.external_id);
    let mut out = Vec::new();
    if s.cells.is_empty() {
        out.push(TextLine::one(Look::Plain, "No source row was kept for this invoice."));
    } else {
        out.extend(pairs(s.cells.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
    }
    if !s.imported.is_empty() {
        out.push(TextLine::one(Look::Plain, ""));
        out.push(TextLine::one(Look::Title, "As last imported"));
        out.extend(pairs(s.imported.iter().map(|(k, v)| (*k, v.as_str()))));
    }
    ReportDialog { title, lines: out, scroll: 0, on_yes: None }
}
