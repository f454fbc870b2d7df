//! The run's book: what the merge stage decided, row by row, kept for the
//! report and for the audit log. Each row's outcome is counted for the
//! report and in its customer's tally (one audit row per customer at the
//! end), skipped and refused rows are listed with their file and line, and
//! conflicts (a field the user changed in ardesk that the file changed
//! too) are listed with both values.

use super::{Conflict, Counted, Counts, FileReport, ImportReport, Switch};
use crate::import::ImportError;
use crate::import::parse::record::IssueKind;
use crate::store::import::ImportOps;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// What a row did to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// One customer's share of the run: its audit row.
#[derive(Debug, Default)]
struct Tally {
    sources: BTreeSet<&'static str>,
    /// created, updated, conflicts.
    counts: BTreeMap<Counted, (u64, u64, u64)>,
}

#[derive(Debug, Default)]
pub(crate) struct Book {
    report: ImportReport,
    tallies: BTreeMap<i64, Tally>,
    /// Customers whose rows changed (their figures are added up again
    /// after a bulk run).
    touched: BTreeSet<i64>,
    /// The file whose rows are being applied.
    file: usize,
}

impl Book {
    /// A file of the run, in the order they are read; its number.
    pub fn add_file(&mut self, f: FileReport) -> usize {
        self.report.files.push(f);
        self.report.files.len() - 1
    }

    /// The rows that follow are of `file`.
    pub fn at_file(&mut self, file: usize) {
        self.file = file;
    }

    /// `n` more rows read of the current file.
    pub fn rows_read(&mut self, n: u64) {
        self.report.files[self.file].rows += n;
    }

    /// A row read of `file` (a parser's thread may be ahead of the rows
    /// applied).
    pub fn row_of(&mut self, file: usize) {
        self.report.files[file].rows += 1;
    }

    pub fn issue(&mut self, file: usize, line: usize, kind: IssueKind, what: Counted, reason: String) {
        self.report.issue(file, line, kind, what, reason);
    }

    /// An issue that the choice `remedy` of the run would have avoided.
    pub fn issue_unless(
        &mut self,
        file: usize,
        line: usize,
        kind: IssueKind,
        what: Counted,
        reason: String,
        remedy: Option<Switch>,
    ) {
        self.report.issue_unless(file, line, kind, what, reason, remedy);
    }

    pub fn skip(&mut self, line: usize, what: Counted, reason: String) {
        self.report.issue(self.file, line, IssueKind::Skipped, what, reason);
    }

    pub fn refuse(&mut self, line: usize, what: Counted, reason: String) {
        self.report.issue(self.file, line, IssueKind::Refused, what, reason);
    }

    /// A line of the report's notes.
    pub fn note(&mut self, text: String) {
        self.report.notes.push(text);
    }

    pub fn counts(&self, what: Counted) -> Counts {
        self.report.count(what)
    }

    pub fn report(&self) -> &ImportReport {
        &self.report
    }

    /// A customer whose money rows changed outside of a counted row.
    pub fn touch(&mut self, customer_id: i64) {
        self.touched.insert(customer_id);
    }

    /// Counts a row's outcome in the report and in its customer's tally.
    pub fn count(&mut self, customer_id: i64, what: Counted, outcome: Outcome, source: &'static str) {
        let c = self.report.tally(what);
        match outcome {
            Outcome::Created => c.created += 1,
            Outcome::Updated => c.updated += 1,
            Outcome::Unchanged => c.unchanged += 1,
        }
        if outcome != Outcome::Unchanged {
            self.touched.insert(customer_id);
            let t = self.tallies.entry(customer_id).or_default();
            t.sources.insert(source);
            let e = t.counts.entry(what).or_default();
            match outcome {
                Outcome::Created => e.0 += 1,
                _ => e.1 += 1,
            }
        }
    }

    /// The three-way merge of one field: the value to keep in ardesk. The
    /// file's value when only the file changed it since the last import,
    /// the user's when only the user did; when both did, the user's, and a
    /// conflict.
    #[allow(clippy::too_many_arguments)]
    pub fn merge(
        &mut self,
        customer_id: i64,
        line: usize,
        what: Counted,
        external_id: &str,
        field: &str,
        db: &str,
        last: Option<&str>,
        new: &str,
    ) -> String {
        let last = last.unwrap_or(db);
        if db == new || new == last {
            return db.to_string();
        }
        if db == last {
            return new.to_string();
        }
        self.conflict(customer_id, line, what, external_id, field, db, new);
        db.to_string()
    }

    #[allow(clippy::too_many_arguments)]
    pub fn conflict(
        &mut self,
        customer_id: i64,
        line: usize,
        what: Counted,
        external_id: &str,
        field: &str,
        local: &str,
        incoming: &str,
    ) {
        let first_for_row =
            !self.report.conflicts.last().is_some_and(|c| c.file == self.file && c.line == line && c.object == what);
        if first_for_row {
            self.report.tally(what).conflicts += 1;
            let t = self.tallies.entry(customer_id).or_default();
            t.counts.entry(what).or_default().2 += 1;
        }
        self.report.conflicts.push(Conflict {
            file: self.file,
            line,
            object: what,
            external_id: external_id.to_string(),
            field: field.to_string(),
            local: local.to_string(),
            incoming: incoming.to_string(),
        });
    }

    /// Writes the run's one audit row per customer whose rows changed.
    pub fn write_audit<X: ImportOps>(&mut self, itx: &X) -> Result<(), ImportError> {
        for (id, t) in std::mem::take(&mut self.tallies) {
            let (parts, after) = audit_of(&t);
            if parts.is_empty() {
                continue;
            }
            let from: Vec<&str> = t.sources.iter().copied().collect();
            itx.audit(id, format!("imported from {}: {}", from.join(" and "), parts.join(", ")), Value::Object(after))?;
        }
        Ok(())
    }

    /// The customers whose rows changed, in order.
    pub fn touched(&self) -> Vec<i64> {
        self.touched.iter().copied().collect()
    }

    /// The report, with `notes` after the run's own, issues and conflicts
    /// in file and line order.
    pub fn close(mut self, notes: Vec<String>) -> ImportReport {
        self.report.notes.extend(notes);
        self.report.rows = self.report.files.iter().map(|f| f.rows).sum();
        self.report.issues.sort_by_key(|i| (i.file, i.line));
        self.report.conflicts.sort_by_key(|c| (c.file, c.line));
        self.report
    }
}

/// A tally's audit summary ("3 invoices created, 1 payment updated") and
/// its counts as JSON.
fn audit_of(t: &Tally) -> (Vec<String>, Map<String, Value>) {
    let mut parts = Vec::new();
    let mut after = Map::new();
    for (what, (created, updated, conflicts)) in &t.counts {
        let (one, label) = (what.label().trim_end_matches('s'), what.label());
        let name = |n: u64| if n == 1 { one } else { label };
        if *what == Counted::Customers {
            if *created > 0 {
                parts.push("customer created".to_string());
            } else if *updated > 0 {
                parts.push("customer updated".to_string());
            }
        } else {
            if *created > 0 {
                parts.push(format!("{created} {} created", name(*created)));
            }
            if *updated > 0 {
                parts.push(format!("{updated} {} updated", name(*updated)));
            }
        }
        if *conflicts > 0 {
            parts.push(format!("{conflicts} {} kept your edits", name(*conflicts)));
        }
        after.insert(
            label.to_string(),
            serde_json::json!({"created": created, "updated": updated, "conflicts": conflicts}),
        );
    }
    (parts, after)
}
