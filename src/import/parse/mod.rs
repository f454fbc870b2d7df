//! Stage 3, parse: a source's rows into source-neutral records (`record`).
//!
//! Each source is a folder beside this one (`stripe`, `quickbooks`,
//! `hubspot`, `salesforce`) with one type that implements `Source`: it
//! recognises its own exports (stage 2 asks it, `recognise`) and parses
//! them. A parser takes a `CsvInput` or a JSON `Value` (stage 1, `read`)
//! and gives a `Sink` records, or rows it skipped or refused with the
//! reason and line; it reads no database and knows nothing of what comes
//! after. What the sources share is here: the traits, `Row` and the loop
//! every CSV parser runs (`each_row`), `tri!`, and header look-ups.

pub mod address;
pub mod record;

use super::ImportError;
use super::read::csv_input::CsvInput;
use crate::domain::Currency;
use crate::domain::status::ImportSource;
use record::{IssueKind, ObjectKind, Record};
use serde_json::Value;

/// One source's exports. Parsers are pure: rows in, records out; matching
/// and writing are shared.
pub trait Source: Sync {
    fn id(&self) -> ImportSource;
    /// The object a CSV header row belongs to, if it is this source's.
    fn detect_csv(&self, header: &[String]) -> Option<ObjectKind>;
    /// The object a JSON document holds, if it is this source's.
    fn detect_json(&self, doc: &Value) -> Option<ObjectKind>;
    fn parse_csv(&self, object: ObjectKind, input: &mut CsvInput, sink: &mut dyn Sink) -> Result<(), ImportError>;
    fn parse_json(&self, object: ObjectKind, doc: Value, sink: &mut dyn Sink) -> Result<(), ImportError>;
    /// Whether its CSV rows of `object` are printed (`read::prints`) and
    /// asked after with `Sink::known_line`: invoices whose rows may be
    /// known unchanged at sight.
    fn prints_csv(&self, _object: ObjectKind) -> bool {
        false
    }
    /// Why a CSV header row of this source's, of something it does not
    /// import (another object, an error file), is refused: the whole file
    /// is refused with this reason instead of "unknown format".
    fn refuse_csv(&self, _header: &[String]) -> Option<String> {
        None
    }
    /// The same for a JSON document.
    fn refuse_json(&self, _doc: &Value) -> Option<String> {
        None
    }
    /// Whether a CSV header row is written in this source's own labels
    /// (HubSpot's record-id labels in any language): another source's guess
    /// from field labels alone (a Salesforce report's) leaves such a file
    /// to this one (`recognise::owned_by_another`).
    fn owns_csv(&self, _header: &[String]) -> bool {
        false
    }
}

/// Where a source's parser sends what it read.
pub trait Sink {
    fn record(&mut self, record: Record) -> Result<(), ImportError>;
    fn issue(&mut self, line: usize, kind: IssueKind, object: ObjectKind, reason: String);
    /// Bytes of the file read so far (for the progress bar).
    fn progress(&mut self, _bytes: u64) {}
    /// Something about the whole file worth a line in the report.
    fn note(&mut self, _text: String) {}
    /// The organization's default currency, for rows of a source that
    /// leaves out its home currency (QuickBooks without multicurrency).
    fn default_currency(&self) -> Currency;
    /// The invoice (id, customer) that a row with `external_id` and
    /// `print` (`read::prints`) leaves unchanged, when the sink knows the
    /// prints of the invoices here (`run::beside`); asked once per row of
    /// a printed invoices file, before the row is mapped.
    fn known_line(&mut self, _external_id: &str, _print: u64) -> Option<(i64, i64)> {
        None
    }
}

/// Whether a header row has a column of this name (any case).
pub(crate) fn has(header: &[String], name: &str) -> bool {
    header.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// Whether a header row has any of these columns (any case).
pub(crate) fn has_any(header: &[String], names: &[&str]) -> bool {
    names.iter().any(|n| has(header, n))
}

/// The value of a `Result<_, String>`, or the row refused with its reason:
/// a row parser's `?`.
macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(why) => return $crate::import::parse::Row::Refuse(why),
        }
    };
}
pub(crate) use tri;

/// One row, parsed.
pub(crate) enum Row {
    Record(Box<Record>),
    /// Left out on purpose, with why (the run goes on).
    Skip(String),
    /// Bad data, with why (the run fails unless bad rows may be skipped).
    Refuse(String),
    /// Not a data row at all (a report's total or footer): counted as such.
    NotData,
}

impl Row {
    /// Sends the row to `sink` as what it is: a record or an issue of the row at `line`.
    pub fn send(self, line: usize, object: ObjectKind, sink: &mut dyn Sink) -> Result<(), ImportError> {
        match self {
            Row::Record(r) => sink.record(*r)?,
            Row::Skip(why) => sink.issue(line, IssueKind::Skipped, object, why),
            Row::Refuse(why) => sink.issue(line, IssueKind::Refused, object, why),
            Row::NotData => {}
        }
        Ok(())
    }
}

/// Rows between progress reports.
const PROGRESS_EVERY: u64 = 4096;

/// Reads every data row of `input` and sends what `parse` makes of it.
pub(crate) fn each_row(
    input: &mut CsvInput,
    object: ObjectKind,
    sink: &mut dyn Sink,
    mut parse: impl FnMut(&CsvInput) -> Row,
) -> Result<(), ImportError> {
    each_row_asking(input, object, sink, |input, _| parse(input))
}

/// `each_row`, with `parse` given the sink to ask (`Sink::known_line`).
pub(crate) fn each_row_asking(
    input: &mut CsvInput,
    object: ObjectKind,
    sink: &mut dyn Sink,
    mut parse: impl FnMut(&CsvInput, &mut dyn Sink) -> Row,
) -> Result<(), ImportError> {
    let mut n = 0u64;
    while let Some(line) = input.next_row()? {
        n += 1;
        if n.is_multiple_of(PROGRESS_EVERY) {
            sink.progress(input.bytes_read());
        }
        if let Some(problem) = line.problem {
            sink.issue(line.line, IssueKind::Refused, object, problem);
            continue;
        }
        match parse(input, sink) {
            Row::NotData => input.trailer_rows += 1,
            row => row.send(line.line, object, sink)?,
        }
    }
    sink.progress(input.bytes_read());
    Ok(())
}
