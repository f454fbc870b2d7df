//! What a statement says, in the words and cells every page format shows:
//! the header blocks, and per section its tables and totals. The text and
//! PDF renderers only place these, so the two cannot say different things.
//! Every piece of text from data is cleaned here (`domain::text::clean`):
//! control characters, escapes and bidi overrides arrive as visible,
//! inert stand-ins (ESC as `␛`), never as themselves.

use super::model::{Kind, Party, Section, Statement, aging_rows};
use crate::domain::date::iso;
use crate::domain::money::Money;
use crate::domain::text::clean;
use chrono::NaiveDate;

/// A column: its title, whether its cells are right-aligned (amounts,
/// counts), and whether it gives way when the row is too wide (free text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub title: &'static str,
    pub right: bool,
    pub flex: bool,
}

const fn col(title: &'static str, right: bool, flex: bool) -> Col {
    Col { title, right, flex }
}

/// A row of cells, one per column; `strong` rows are the table's own
/// figures (brought forward, closing), drawn to stand out. A left-aligned
/// cell may run on into the empty text cells to its right (the label of a
/// brought-forward line), as in a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    pub strong: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub title: String,
    pub cols: Vec<Col>,
    pub rows: Vec<Row>,
    /// Said instead of the table when it has no rows.
    pub empty: &'static str,
}

pub const TITLE: &str = "Statement of account";

/// Data text as it may be shown: cleaned, on one line.
pub fn shown(s: &str) -> String {
    clean(s).into_owned()
}

/// The sender's block: name, legal name, address, email.
pub fn party_lines(p: &Party) -> Vec<String> {
    let mut out = vec![shown(&p.name)];
    if let Some(legal) = p.legal_name.as_deref().filter(|l| !l.trim().is_empty() && *l != p.name) {
        out.push(shown(legal));
    }
    out.extend(p.address.iter().filter(|l| !l.trim().is_empty()).map(|l| shown(l)));
    if let Some(email) = p.email.as_deref().filter(|e| !e.trim().is_empty()) {
        out.push(shown(email));
    }
    out
}

/// The statement's own block: title, kind, date, period, customer ref.
pub fn title_lines(s: &Statement) -> Vec<String> {
    let mut out = vec![TITLE.to_string(), s.kind.label().to_string(), format!("Date: {}", iso(s.as_of))];
    if let Kind::Activity { from } = s.kind {
        out.push(format!("Period: {} to {}", iso(from), iso(s.as_of)));
    }
    if !s.customer_ref.trim().is_empty() {
        out.push(shown(&s.customer_ref));
    }
    out
}

/// A section's heading: "USD — US dollar amounts" is more than a code
/// needs; the code alone is what the amounts' symbols do not always say.
pub fn section_heading(s: &Section) -> String {
    format!("Amounts in {}", s.currency.code())
}

fn opt(m: Option<Money>) -> String {
    m.map(Money::display).unwrap_or_default()
}

/// The activity table (for activity statements): brought forward at the
/// period's start, the lines, the closing balance at the statement date.
pub fn activity_table(s: &Section, as_of: NaiveDate) -> Option<Table> {
    let a = s.activity.as_ref()?;
    let cols = vec![
        col("Date", false, false),
        col("Type", false, false),
        col("Reference", false, true),
        col("Description", false, true),
        col("Charges", true, false),
        col("Payments", true, false),
        col("Balance", true, false),
    ];
    let strong = |date, label: &str, balance: Money| Row {
        cells: vec![
            iso(date),
            label.to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            balance.display(),
        ],
        strong: true,
    };
    let mut rows = vec![strong(a.from, "Balance brought forward", a.brought_forward)];
    rows.extend(a.lines.iter().map(|l| Row {
        cells: vec![
            iso(l.date),
            l.kind.label().to_string(),
            shown(&l.reference),
            shown(&l.description),
            opt(l.charge),
            opt(l.payment),
            l.balance.display(),
        ],
        strong: false,
    }));
    rows.push(strong(as_of, "Closing balance", a.closing));
    Some(Table { title: format!("Activity from {}", iso(a.from)), cols, rows, empty: "" })
}

pub fn open_items_table(s: &Section) -> Table {
    let cols = vec![
        col("Invoice", false, true),
        col("Issued", false, false),
        col("Due", false, false),
        col("Days overdue", true, false),
        col("Total", true, false),
        col("Balance", true, false),
    ];
    let rows = s
        .open_items
        .iter()
        .map(|i| Row {
            cells: vec![
                shown(&i.number),
                iso(i.issue_date),
                iso(i.due_date),
                if i.days_overdue > 0 { i.days_overdue.to_string() } else { String::new() },
                i.total.display(),
                i.balance.display(),
            ],
            strong: false,
        })
        .collect();
    Table { title: "Open invoices".into(), cols, rows, empty: "No open invoices." }
}

pub fn unapplied_table(s: &Section) -> Table {
    let cols = vec![
        col("Type", false, false),
        col("Reference", false, true),
        col("Date", false, false),
        col("Amount", true, false),
        col("Unapplied", true, false),
    ];
    let rows = s
        .unapplied
        .iter()
        .map(|u| Row {
            cells: vec![
                u.kind.label().to_string(),
                shown(&u.reference),
                iso(u.date),
                u.amount.display(),
                u.remaining.display(),
            ],
            strong: false,
        })
        .collect();
    Table { title: "Unapplied payments and credits".into(), cols, rows, empty: "No unapplied payments or credits." }
}

/// Aging of the open balances, one column a bucket.
pub fn aging_table(s: &Section) -> Table {
    let (labels, amounts): (Vec<&'static str>, Vec<String>) = aging_rows(s).map(|(l, m)| (l, m.display())).unzip();
    let cols = labels.into_iter().map(|t| col(t, true, false)).collect();
    Table { title: "Aging (days past due)".into(), cols, rows: vec![Row { cells: amounts, strong: false }], empty: "" }
}

/// The section's tables in the order they are shown.
pub fn tables(s: &Section, as_of: NaiveDate) -> Vec<Table> {
    let mut out: Vec<Table> = activity_table(s, as_of).into_iter().collect();
    out.extend([open_items_table(s), unapplied_table(s), aging_table(s)]);
    out
}

/// The closing figures: label and amount; the last is the total due.
pub fn totals(s: &Section) -> Vec<(String, String)> {
    let code = s.currency.code();
    let mut out = vec![("Open invoices".to_string(), s.open_total.display())];
    if s.unapplied_total.minor != 0 {
        let less = Money::new(s.unapplied_total.minor.saturating_neg(), s.currency);
        out.push(("Less unapplied payments and credits".to_string(), less.display()));
    }
    let label = if s.total_due.minor < 0 {
        format!("Total due ({code}, in your favour)")
    } else {
        format!("Total due ({code})")
    };
    out.push((label, s.total_due.display()));
    out
}
