//! A statement as CSV: one row per line item, the first column naming the
//! record (`statement`, `open_item`, `unapplied`, `aging`, `open_total`,
//! `unapplied_total`, `total_due`, `brought_forward`, `activity`,
//! `closing`). Amounts are exact decimals in major units with the
//! currency's decimals (`1234.50`, yen `1200`), dates ISO. Text from data
//! is written as stored, except that a cell a spreadsheet would run as a
//! formula gets a leading `'` (`domain::text::defuse_formula`).

use super::model::{Kind, Section, Statement};
use crate::domain::date::iso;
use crate::domain::metrics::AGING_LABELS;
use crate::domain::money::Money;
use crate::domain::text::defuse_formula;

pub const HEADER: [&str; 12] = [
    "record",
    "currency",
    "date",
    "type",
    "reference",
    "description",
    "due_date",
    "days_overdue",
    "amount",
    "charge",
    "payment",
    "balance",
];

/// Machine names of the aging buckets, in `AGING_LABELS` order.
pub const AGING_CODES: [&str; 5] = ["current", "1_30", "31_60", "61_90", "over_90"];

/// One row, named by field; what a record does not have stays empty.
#[derive(Default)]
struct Line {
    record: &'static str,
    currency: String,
    date: String,
    kind: String,
    reference: String,
    description: String,
    due_date: String,
    days_overdue: String,
    amount: String,
    charge: String,
    payment: String,
    balance: String,
}

impl Line {
    fn new(record: &'static str, s: &Section) -> Self {
        Line { record, currency: s.currency.code().to_string(), ..Line::default() }
    }

    fn cells(self) -> [String; 12] {
        let text = |t: String| defuse_formula(&t).into_owned();
        [
            self.record.to_string(),
            self.currency,
            self.date,
            self.kind,
            text(self.reference),
            text(self.description),
            self.due_date,
            self.days_overdue,
            self.amount,
            self.charge,
            self.payment,
            self.balance,
        ]
    }
}

fn plain(m: Option<Money>) -> String {
    m.map(Money::plain).unwrap_or_default()
}

pub fn render(s: &Statement) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER)?;
    let kind = match s.kind {
        Kind::OpenItem => "open_item",
        Kind::Activity { .. } => "activity",
    };
    let head = Line {
        record: "statement",
        date: iso(s.as_of),
        kind: kind.to_string(),
        reference: s.customer_ref.clone(),
        description: s.customer.name.clone(),
        ..Line::default()
    };
    w.write_record(head.cells())?;
    for section in &s.sections {
        for line in section_lines(section, s) {
            w.write_record(line.cells())?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn section_lines(sec: &Section, s: &Statement) -> Vec<Line> {
    let mut out = Vec::new();
    if let Some(a) = &sec.activity {
        let bf = Money::plain(a.brought_forward);
        out.push(Line { date: iso(a.from), balance: bf, ..Line::new("brought_forward", sec) });
        out.extend(a.lines.iter().map(|l| Line {
            date: iso(l.date),
            kind: l.kind.code().to_string(),
            reference: l.reference.clone(),
            description: l.description.clone(),
            charge: plain(l.charge),
            payment: plain(l.payment),
            balance: l.balance.plain(),
            ..Line::new("activity", sec)
        }));
        out.push(Line { date: iso(s.as_of), balance: a.closing.plain(), ..Line::new("closing", sec) });
    }
    out.extend(sec.open_items.iter().map(|i| Line {
        date: iso(i.issue_date),
        kind: "invoice".to_string(),
        reference: i.number.clone(),
        due_date: iso(i.due_date),
        days_overdue: i.days_overdue.max(0).to_string(),
        amount: i.total.plain(),
        balance: i.balance.plain(),
        ..Line::new("open_item", sec)
    }));
    out.extend(sec.unapplied.iter().map(|u| Line {
        date: iso(u.date),
        kind: u.kind.code().to_string(),
        reference: u.reference.clone(),
        amount: u.amount.plain(),
        balance: u.remaining.plain(),
        ..Line::new("unapplied", sec)
    }));
    for ((code, label), m) in AGING_CODES.iter().zip(AGING_LABELS).zip(sec.aging) {
        out.push(Line {
            kind: (*code).to_string(),
            description: label.to_string(),
            amount: m.plain(),
            ..Line::new("aging", sec)
        });
    }
    let total = |record, m: Money| Line { date: iso(s.as_of), amount: m.plain(), ..Line::new(record, sec) };
    out.push(total("open_total", sec.open_total));
    out.push(total("unapplied_total", sec.unapplied_total));
    out.push(total("total_due", sec.total_due));
    out
}
