//! What an import run did: per kind of object created / updated /
//! unchanged / skipped / refused / conflicts, then every row that was
//! skipped or refused and every conflict, each with its file and line.

mod book;

pub(crate) use book::{Book, Outcome};

use super::parse::record::{IssueKind, ObjectKind};
use crate::domain::text::clean;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Rows listed of a run of rows refused or skipped for one reason.
const SAME_REASON_SHOWN: usize = 3;

fn kind_word(kind: IssueKind) -> &'static str {
    match kind {
        IssueKind::Skipped => "skipped",
        IssueKind::Refused => "REFUSED",
    }
}

/// A choice of the run that a refusal points to. Each front end names it
/// its own way: the command line by its flag (`cli`, what `Display`
/// writes), the TUI by its import form's toggle (`ImportReport::worded`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// Import the good rows when some are refused.
    SkipBadRows,
    /// Import Stripe test-mode rows instead of refusing them.
    AllowTestMode,
}

impl Switch {
    /// Its command-line flag.
    pub fn flag(self) -> &'static str {
        match self {
            Switch::SkipBadRows => "--skip-bad-rows",
            Switch::AllowTestMode => "--allow-test-mode",
        }
    }
}

/// How the command line says to turn `s` on: "pass --skip-bad-rows".
pub fn cli(s: Switch) -> String {
    format!("pass {}", s.flag())
}

/// Counts as the screens write them: "9,526".
fn g(n: u64) -> String {
    crate::domain::money::group_thousands(n)
}

/// The kinds of rows a run counts, in the order the report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Counted {
    Customers,
    Contacts,
    Contracts,
    Invoices,
    Payments,
    /// Refunds keyed by their own ids (Stripe refund objects).
    Refunds,
    Credits,
    /// Credit notes (QuickBooks credit memos), apart from granted credit.
    CreditNotes,
    Conversations,
    /// A conversation's messages, promises to pay and invoices' pauses
    /// (ardesk's own format).
    Messages,
    Promises,
    Pauses,
    Documents,
}

impl Counted {
    pub fn label(self) -> &'static str {
        match self {
            Counted::Customers => "customers",
            Counted::Contacts => "contacts",
            Counted::Contracts => "contracts",
            Counted::Invoices => "invoices",
            Counted::Payments => "payments",
            Counted::Refunds => "refunds",
            Counted::Credits => "credits",
            Counted::CreditNotes => "credit notes",
            Counted::Conversations => "conversations",
            Counted::Messages => "messages",
            Counted::Promises => "promises",
            Counted::Pauses => "pauses",
            Counted::Documents => "documents",
        }
    }

    pub fn of(kind: ObjectKind) -> Counted {
        match kind {
            ObjectKind::Customers | ObjectKind::Companies | ObjectKind::Mixed => Counted::Customers,
            ObjectKind::Invoices => Counted::Invoices,
            ObjectKind::Payments => Counted::Payments,
            ObjectKind::Refunds => Counted::Refunds,
            ObjectKind::Contacts => Counted::Contacts,
            ObjectKind::CreditNotes => Counted::CreditNotes,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub skipped: u64,
    pub refused: u64,
    /// Rows where a local edit was kept over the file's value.
    pub conflicts: u64,
}

/// One input file as the run understood it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    pub path: PathBuf,
    /// "Stripe", "ardesk", …
    pub source: String,
    pub object: ObjectKind,
    /// JSON files count items, CSV files lines.
    pub json: bool,
    pub rows: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    /// Index into `ImportReport::files`.
    pub file: usize,
    pub line: usize,
    pub kind: IssueKind,
    pub object: Counted,
    pub reason: String,
    /// The choice of the run that would have imported the row.
    pub remedy: Option<Switch>,
}

/// A field the user changed in ardesk that the file changed too: the
/// user's value was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub file: usize,
    pub line: usize,
    pub object: Counted,
    pub external_id: String,
    pub field: String,
    /// The value in ardesk, which was kept.
    pub local: String,
    /// The value in the file, which was not applied.
    pub incoming: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    pub counts: BTreeMap<Counted, Counts>,
    pub issues: Vec<RowIssue>,
    pub conflicts: Vec<Conflict>,
    /// Things done on the user's behalf worth knowing (a payment made for
    /// an invoice's paid amount, an invoice left open).
    pub notes: Vec<String>,
    pub dry_run: bool,
    /// Whether the run's transaction was committed.
    pub written: bool,
    /// Data rows read, all files.
    pub rows: u64,
    pub elapsed: Duration,
}

impl ImportReport {
    pub fn count(&self, what: Counted) -> Counts {
        self.counts.get(&what).copied().unwrap_or_default()
    }

    pub(crate) fn tally(&mut self, what: Counted) -> &mut Counts {
        self.counts.entry(what).or_default()
    }

    pub fn refused(&self) -> usize {
        self.issues.iter().filter(|i| i.kind == IssueKind::Refused).count()
    }

    /// Rows created or updated, all kinds.
    pub fn changes(&self) -> u64 {
        self.counts.values().map(|c| c.created + c.updated).sum()
    }

    /// One line of what changed, for a status line: "4 customers and 4
    /// contacts created, 1 invoice updated", or "nothing changed".
    pub fn summary(&self) -> String {
        let part = |pick: fn(&Counts) -> u64, verb: &str| {
            let items: Vec<String> = self
                .counts
                .iter()
                .filter(|(_, c)| pick(c) > 0)
                .map(|(what, c)| {
                    let n = pick(c);
                    let label = what.label();
                    format!("{} {}", g(n), if n == 1 { label.trim_end_matches('s') } else { label })
                })
                .collect();
            match items.as_slice() {
                [] => None,
                [one] => Some(format!("{one} {verb}")),
                [init @ .., last] => Some(format!("{} and {last} {verb}", init.join(", "))),
            }
        };
        let mut parts: Vec<String> =
            [part(|c| c.created, "created"), part(|c| c.updated, "updated")].into_iter().flatten().collect();
        if parts.is_empty() {
            parts.push("nothing changed".into());
        }
        parts.extend(self.kept());
        parts.join("; ")
    }

    /// What the run left of the user's own edits, when the file changed
    /// them too: "your edit to customer cus_1 name was kept ("Acme"; the
    /// file has "ACME")", or how many were.
    fn kept(&self) -> Option<String> {
        match self.conflicts.as_slice() {
            [] => None,
            [c] => Some(format!(
                "your edit to {} {} {} was kept ({}; the file has {})",
                c.object.label().trim_end_matches('s'),
                clean(&c.external_id),
                clean(&c.field),
                shown(&c.local),
                shown(&c.incoming)
            )),
            all => Some(format!("your edits to {} fields were kept (listed under Conflicts)", g(all.len() as u64))),
        }
    }

    pub(crate) fn issue(&mut self, file: usize, line: usize, kind: IssueKind, object: Counted, reason: String) {
        self.issue_unless(file, line, kind, object, reason, None);
    }

    /// An issue that the choice `remedy` of the run would have avoided.
    pub(crate) fn issue_unless(
        &mut self,
        file: usize,
        line: usize,
        kind: IssueKind,
        object: Counted,
        reason: String,
        remedy: Option<Switch>,
    ) {
        let t = self.tally(object);
        match kind {
            IssueKind::Skipped => t.skipped += 1,
            IssueKind::Refused => t.refused += 1,
        }
        self.issues.push(RowIssue { file, line, kind, object, reason, remedy });
    }

    /// The report with each choice of the run a refusal points to named by
    /// `how` ("pass --allow-test-mode" on the command line).
    pub fn worded<'a>(&'a self, how: &'a dyn Fn(Switch) -> String) -> Worded<'a> {
        Worded { report: self, how }
    }

    /// What a run refused for its rows says after its report: how many
    /// rows, and what to do about them, `how` naming the switch.
    pub fn refusal(&self, how: &dyn Fn(Switch) -> String) -> String {
        format!(
            "{} row(s) refused, so nothing was written: fix them, or {} to import the rest",
            g(self.refused() as u64),
            how(Switch::SkipBadRows)
        )
    }

    fn place(&self, file: usize, line: usize) -> String {
        match self.files.get(file) {
            Some(f) => {
                let name =
                    f.path.file_name().map_or_else(|| f.path.display().to_string(), |n| n.to_string_lossy().into());
                if line == 0 {
                    clean(&name).into_owned()
                } else if f.json {
                    format!("{}#{line}", clean(&name))
                } else {
                    format!("{}:{line}", clean(&name))
                }
            }
            None => format!("line {line}"),
        }
    }
}

/// Values in conflicts are shown quoted and neutralised, cut to a sane length.
fn shown(v: &str) -> String {
    let c = clean(v);
    if c.chars().count() > 60 {
        format!("\"{}…\"", c.chars().take(60).collect::<String>())
    } else {
        format!("\"{c}\"")
    }
}

/// A report written with its switches named by a front end (`worded`).
pub struct Worded<'a> {
    report: &'a ImportReport,
    how: &'a dyn Fn(Switch) -> String,
}

/// The command line's report: switches named by their flags.
impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.worded(&cli).fmt(f)
    }
}

impl fmt::Display for Worded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (this, how) = (self.report, self.how);
        let verdict = if this.dry_run {
            "dry run: nothing was written"
        } else if this.written {
            "written"
        } else {
            "nothing was written"
        };
        let secs = this.elapsed.as_secs_f64();
        writeln!(f, "Import of {} file(s), {} row(s) in {secs:.2}s ({verdict})", this.files.len(), g(this.rows))?;
        for file in &this.files {
            let unit = if file.json { "item(s)" } else { "row(s)" };
            writeln!(
                f,
                "  {} {}: {} ({} {unit})",
                file.source,
                file.object.label(),
                clean(&file.path.display().to_string()),
                g(file.rows)
            )?;
        }
        // Each column as wide as its title or its widest count (a million
        // invoices created is "1,000,000", wider than "created").
        let titles = ["created", "updated", "unchanged", "skipped", "refused", "conflicts"];
        let rows: Vec<(&str, [String; 6])> = this
            .counts
            .iter()
            .map(|(what, c)| {
                let n = [c.created, c.updated, c.unchanged, c.skipped, c.refused, c.conflicts];
                (what.label(), n.map(g))
            })
            .collect();
        let mut widths = [8, 8, 10, 8, 8, 10];
        for (_, cells) in &rows {
            for (w, cell) in widths.iter_mut().zip(cells) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |f: &mut std::fmt::Formatter<'_>, label: &str, cells: [&str; 6]| {
            write!(f, "  {label:<14}")?;
            for (w, cell) in widths.iter().zip(cells) {
                write!(f, " {cell:>w$}")?;
            }
            writeln!(f)
        };
        line(f, "", titles)?;
        for (label, cells) in &rows {
            line(f, label, cells.each_ref().map(String::as_str))?;
        }
        if !this.issues.is_empty() {
            writeln!(f, "Skipped or refused rows:")?;
            // Rows one after another for the same reason (a file of 400,000
            // invoices of a customer not imported) are listed by their first
            // few and counted, so every distinct reason stays on screen.
            let same = |a: &RowIssue, b: &RowIssue| {
                (a.file, a.kind, a.object, &a.reason) == (b.file, b.kind, b.object, &b.reason)
            };
            for run in this.issues.chunk_by(same) {
                for i in run.iter().take(SAME_REASON_SHOWN) {
                    let remedy = i.remedy.map(|s| format!(": {} to import it", how(s))).unwrap_or_default();
                    writeln!(
                        f,
                        "  {} {} ({}): {}{remedy}",
                        this.place(i.file, i.line),
                        kind_word(i.kind),
                        i.object.label(),
                        clean(&i.reason)
                    )?;
                }
                if let (Some(after), Some(last)) = (run.get(SAME_REASON_SHOWN), run.last()) {
                    writeln!(
                        f,
                        "  … and {} more {} from {} to {} for the same reason",
                        g((run.len() - SAME_REASON_SHOWN) as u64),
                        kind_word(after.kind),
                        this.place(after.file, after.line),
                        this.place(last.file, last.line)
                    )?;
                }
            }
        }
        if !this.conflicts.is_empty() {
            writeln!(f, "Conflicts (your edits in ardesk were kept):")?;
            for c in &this.conflicts {
                writeln!(
                    f,
                    "  {} {} {} {}: yours {}, file {}",
                    this.place(c.file, c.line),
                    c.object.label().trim_end_matches('s'),
                    clean(&c.external_id),
                    c.field,
                    shown(&c.local),
                    shown(&c.incoming)
                )?;
            }
        }
        if !this.notes.is_empty() {
            writeln!(f, "Notes:")?;
            for n in &this.notes {
                writeln!(f, "  {}", clean(n))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 400,000 rows refused for one reason printed 400,000 lines and
    /// scrolled every other reason away.
    #[test]
    fn rows_refused_for_one_reason_are_counted_after_the_first_few() {
        let mut r = ImportReport {
            files: vec![FileReport {
                path: PathBuf::from("/x/invoices.csv"),
                source: "Stripe".into(),
                object: ObjectKind::Invoices,
                json: false,
                rows: 1_004,
            }],
            ..Default::default()
        };
        for line in 2..=1_001 {
            r.issue(0, line, IssueKind::Refused, Counted::Invoices, "unknown customer cus_X".into());
        }
        r.issue(0, 1_002, IssueKind::Refused, Counted::Invoices, "bad date".into());
        let text = r.to_string();
        assert_eq!(text.matches("unknown customer cus_X").count(), 3, "{text}");
        assert!(
            text.contains("  … and 997 more REFUSED from invoices.csv:5 to invoices.csv:1001 for the same reason"),
            "{text}"
        );
        assert!(text.contains("invoices.csv:1002 REFUSED (invoices): bad date"), "{text}");
        let e = crate::import::ImportError::Refused { report: Box::new(r) }.to_string();
        assert!(
            e.ends_with(
                "1,001 row(s) refused, so nothing was written: fix them, or pass --skip-bad-rows to import the rest"
            ),
            "{e}"
        );
    }

    /// The command line names its flags; the TUI names its form's toggles
    /// (it told the user to "pass --allow-test-mode", which it does not have).
    #[test]
    fn a_refusal_names_the_switch_as_each_front_end_does() {
        let mut r = ImportReport {
            files: vec![FileReport {
                path: PathBuf::from("/x/payments.csv"),
                source: "Stripe".into(),
                object: ObjectKind::Payments,
                json: false,
                rows: 1,
            }],
            ..Default::default()
        };
        let test_mode = Some(Switch::AllowTestMode);
        r.issue_unless(0, 7, IssueKind::Refused, Counted::Payments, "Stripe test-mode data".into(), test_mode);
        let cli_text = r.to_string();
        assert!(
            cli_text.contains(
                "payments.csv:7 REFUSED (payments): Stripe test-mode data: pass --allow-test-mode to import it"
            ),
            "{cli_text}"
        );
        assert!(r.refusal(&cli).ends_with("fix them, or pass --skip-bad-rows to import the rest"));
        let toggle = |s: Switch| format!("turn on {s:?}");
        let tui = r.worded(&toggle).to_string();
        assert!(tui.contains("Stripe test-mode data: turn on AllowTestMode to import it"), "{tui}");
        assert!(!tui.contains("--"), "{tui}");
        assert!(r.refusal(&toggle).ends_with("fix them, or turn on SkipBadRows to import the rest"));
    }

    #[test]
    fn lists_counts_issues_and_conflicts_with_places() {
        let mut r = ImportReport {
            files: vec![FileReport {
                path: PathBuf::from("/x/customers.csv"),
                source: "Stripe".into(),
                object: ObjectKind::Customers,
                json: false,
                rows: 3,
            }],
            rows: 3,
            written: true,
            ..Default::default()
        };
        r.tally(Counted::Customers).created = 2;
        r.issue(0, 4, IssueKind::Skipped, Counted::Customers, "guest customer".into());
        r.conflicts.push(Conflict {
            file: 0,
            line: 2,
            object: Counted::Customers,
            external_id: "cus_1".into(),
            field: "name".into(),
            local: "Acme \x1b[31m".into(),
            incoming: "ACME".into(),
        });
        let text = r.to_string();
        assert!(text.contains("customers.csv:4 skipped (customers): guest customer"), "{text}");
        assert!(text.contains("customers.csv:2 customer cus_1 name: yours \"Acme ␛[31m\", file \"ACME\""), "{text}");
        assert!(text.contains("(written)"));
        assert_eq!(r.count(Counted::Customers).skipped, 1);
    }
}

#[cfg(test)]
mod summary_tests {
    use super::*;

    #[test]
    fn summary_names_every_kind_that_changed() {
        let mut r = ImportReport::default();
        assert_eq!(r.summary(), "nothing changed");
        r.tally(Counted::Customers).created = 4;
        r.tally(Counted::Contacts).created = 1;
        r.tally(Counted::Invoices).updated = 2;
        r.tally(Counted::Payments).unchanged = 9;
        assert_eq!(r.summary(), "4 customers and 1 contact created; 2 invoices updated");
        r.tally(Counted::Credits).created = 2;
        assert_eq!(r.summary(), "4 customers, 1 contact and 2 credits created; 2 invoices updated");
        // Issue 14 (day one): counts read as on screen, "200,000", not "200000".
        r.tally(Counted::Invoices).created = 200_000;
        assert_eq!(r.summary(), "4 customers, 1 contact, 200,000 invoices and 2 credits created; 2 invoices updated");
        assert!(r.to_string().contains("  invoices        200,000"), "{r}");
    }

    /// A million invoices created ("1,000,000", nine characters) pushed its
    /// row one character past the titles: each column is as wide as its
    /// widest count.
    #[test]
    fn the_counts_table_stays_aligned_past_a_million() {
        let mut r = ImportReport::default();
        r.tally(Counted::Customers).created = 1_000;
        r.tally(Counted::Invoices).created = 1_000_000;
        r.tally(Counted::Payments).created = 799_980;
        let text = r.to_string();
        let lines: Vec<&str> = text.lines().skip_while(|l| !l.contains("created")).take(4).collect();
        let ends: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(ends.len() >= 4 && ends.iter().all(|e| *e == ends[0]), "{text}");
        let title = lines[0];
        let col = title.find("created").unwrap() + "created".len();
        for l in &lines[1..] {
            let digit = l[..col].chars().last().unwrap();
            assert!(digit.is_ascii_digit(), "each count ends under the end of its title:\n{text}");
        }
    }

    /// Issue 14 (day one): after a run with a conflict the status line said
    /// "1 customer updated" without saying the user's edit was kept.
    #[test]
    fn summary_says_which_of_the_users_edits_were_kept() {
        let mut r = ImportReport::default();
        r.tally(Counted::Customers).updated = 1;
        let conflict = Conflict {
            file: 0,
            line: 2,
            object: Counted::Customers,
            external_id: "cus_T001Acme".into(),
            field: "name".into(),
            local: "Acme (our name)".into(),
            incoming: "ACME \x1b[2J".into(),
        };
        r.conflicts.push(conflict.clone());
        assert_eq!(
            r.summary(),
            "1 customer updated; your edit to customer cus_T001Acme name was kept (\"Acme (our name)\"; the file \
             has \"ACME ␛[2J\")"
        );
        r.conflicts.push(Conflict { field: "email".into(), ..conflict });
        assert_eq!(r.summary(), "1 customer updated; your edits to 2 fields were kept (listed under Conflicts)");
    }
}
