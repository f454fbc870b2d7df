//! What a source's parser makes of one row, and the loop every CSV parser
//! shares: rows of the wrong shape refused with their reason, each other
//! row parsed and sent on, progress every few thousand rows.

use super::ImportError;
use super::csv_input::CsvInput;
use super::record::{IssueKind, ObjectKind, Record, Sink};

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
        match parse(input) {
            Row::NotData => input.trailer_rows += 1,
            row => row.send(line.line, object, sink)?,
        }
    }
    sink.progress(input.bytes_read());
    Ok(())
}
