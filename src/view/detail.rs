//! The invoice and payment detail views apart from drawing them: the facts
//! each shows (label and text), the columns of its lists, and where
//! everything goes. The app asks how many rows of the list fit (for
//! paging); drawing uses the same answer.
//!
//! A detail reads top to bottom: a title line (what it is and its status)
//! over the customer's name; the facts, in two columns where they fit; an
//! invoice's memo and its lines (with a line saying when they do not add
//! up to its total); the list the cursor moves in (the applications); a
//! second list (the invoice's history, the payment's refunds); status line
//! and footer.

use crate::domain::date::{DateStyle, iso, period_label};
use crate::domain::detail::{
    Applied, InvoiceApplication, InvoiceDetail, PaymentApplication, PaymentDetail, Refund, RefundDate, Source,
    status_line,
};
use crate::domain::lines::{Line, LineKind, mismatch};
use crate::domain::status::{DisplayStatus, PayKind};
use crate::domain::tabs::{CellText, Column};
use crate::domain::{Currency, Money};
use chrono::NaiveDate;
use ratatui::layout::Rect;

/// One fact: its label and its text (from data: drawing cleans it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
    /// An amount: right-aligned, as in the tables.
    pub amount: bool,
    /// Owed and overdue: drawn as the tables draw overdue.
    pub alert: bool,
}

pub(crate) fn fact(label: &'static str, value: impl Into<String>) -> Fact {
    Fact { label, value: value.into(), amount: false, alert: false }
}

fn amount(label: &'static str, m: Money) -> Fact {
    Fact { label, value: m.display(), amount: true, alert: false }
}

/// The facts of a detail: dates and names on the left, amounts on the right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub left: Vec<Fact>,
    pub right: Vec<Fact>,
}

/// From this width on the two columns of facts stand side by side.
pub const SIDE_BY_SIDE: u16 = 60;

impl Facts {
    pub fn height(&self, width: u16) -> u16 {
        let (l, r) = (self.left.len() as u16, self.right.len() as u16);
        if width >= SIDE_BY_SIDE { l.max(r) } else { l + r }
    }
}

/// The title line's status: "Overdue, partial · 29 days overdue", and
/// whether it is overdue.
pub fn invoice_status(d: &InvoiceDetail, today: NaiveDate) -> (String, bool) {
    let s = d.invoice.display_status(today);
    let overdue = matches!(s, DisplayStatus::Overdue | DisplayStatus::OverduePartial);
    (status_line(s, d.invoice.due_date, today), overdue)
}

pub fn invoice_facts(d: &InvoiceDetail, today: NaiveDate, dates: DateStyle) -> Facts {
    let iso = |d| dates.show(d);
    let i = &d.invoice;
    let mut left = vec![
        fact("Issued", iso(i.issue_date)),
        fact("Due", iso(i.due_date)),
        fact("Contract", i.contract_name.clone().unwrap_or_else(|| "—".into())),
        fact("Period", i.period.map_or_else(|| "—".into(), |(a, b)| period_label(a, b))),
        fact("Currency", i.total.currency.code()),
    ];
    // A bad-debt write-off: when and why (an invoice imported
    // uncollectible, or written off before ardesk kept them, has neither).
    if let Some(w) = &d.write_off {
        left.push(fact("Written off", w.on.map_or_else(|| "date unknown".to_string(), iso)));
        let reason = one_row(w.reason.trim());
        left.push(fact("Reason", if reason.is_empty() { "—".to_string() } else { reason }));
    }
    // When it was cancelled (one cancelled before ardesk kept the date,
    // with no record of it, has none).
    if let Some(on) = d.cancelled {
        left.push(fact("Cancelled", on.map_or_else(|| "date unknown".to_string(), iso)));
    }
    // Collections: the pause in force (or the latest one), and the
    // promises to pay that name it.
    match d.pauses.iter().find(|p| p.active_on(today)) {
        Some(p) => left.push(fact("Paused", format!("until {} · {}", iso(p.ends_on()), one_row(p.reason.trim())))),
        None => {
            if let Some(p) = d.pauses.first() {
                let ended = if p.ended_on.is_some() { "resumed" } else { "ended" };
                left.push(fact("Was paused", format!("{} – {ended} {}", iso(p.paused_on), iso(p.ends_on()))));
            }
        }
    }
    for p in &d.promises {
        let others = p.invoices.len().saturating_sub(1);
        let with = match others {
            0 => String::new(),
            1 => " (with 1 other invoice)".to_string(),
            n => format!(" (with {n} other invoices)"),
        };
        let state = p.state(today);
        let text = format!("{} · {} by {}{with}", state.label(), p.amount.display(), iso(p.due_on));
        left.push(Fact { alert: state == crate::domain::collections::PromiseState::Broken, ..fact("Promise", text) });
    }
    let mut right = vec![amount("Total", i.total), amount("Paid", d.paid())];
    let credited = d.credited();
    if credited.minor != 0 {
        right.push(amount("Credited", credited));
    }
    let overdue = invoice_status(d, today).1;
    let label = if d.written_off() { "Written off" } else { "Balance" };
    right.push(Fact { alert: overdue, ..amount(label, d.balance()) });
    Facts { left, right }
}

/// "WIRE-7781", or "#12" for a payment without a reference.
pub fn payment_name(d: &PaymentDetail) -> String {
    let r = d.payment.reference.trim();
    if r.is_empty() { format!("#{}", d.payment.id) } else { r.to_string() }
}

pub fn payment_facts(d: &PaymentDetail, dates: DateStyle) -> Facts {
    let iso = |d| dates.show(d);
    let p = &d.payment;
    let left = vec![
        fact("Received", iso(p.received_on)),
        fact("Method", p.method.label()),
        fact("Reference", if p.reference.trim().is_empty() { "—".to_string() } else { p.reference.clone() }),
        fact("Currency", p.amount.currency.code()),
    ];
    let right = vec![
        amount("Amount", p.amount),
        amount("Applied", d.applied()),
        amount("Refunded", d.refunded()),
        amount("Unapplied", d.unapplied()),
    ];
    Facts { left, right }
}

/// A column of a detail's lists (they sort by nothing).
pub type Col<R> = Column<R, ()>;

/// One of an invoice's lines as its table shows it: the line and the
/// invoice's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRow {
    pub line: Line,
    pub currency: Currency,
}

/// A line's description on one row: line breaks and tabs are spaces (the
/// grid makes every other control character visible).
fn one_row(s: &str) -> String {
    s.replace(['\n', '\r', '\t'], " ")
}

/// A unit price with at least the currency's places, its thousands
/// grouped as amounts are: "45.00", "2,750.00", "0.125".
pub fn unit_price(p: rust_decimal::Decimal, currency: Currency) -> String {
    let mut p = p;
    if p.scale() < currency.exponent() {
        p.rescale(currency.exponent());
    }
    let text = p.abs().to_string();
    let (whole, frac) = text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let grouped = whole.parse::<u64>().map_or_else(|_| whole.to_string(), crate::domain::money::group_thousands);
    let sign = if p.is_sign_negative() && !p.is_zero() { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

const LINE_DESCRIPTION: Col<LineRow> = Col::new("Description", 16, |r: &LineRow, _| {
    let d = one_row(&r.line.description);
    match (r.line.kind, d.trim().is_empty()) {
        (LineKind::Discount, true) => "Discount".into(),
        (_, true) => "—".into(),
        _ => d.into(),
    }
})
.fill()
// Keyed, so pinned: the columns after it give way by priority.
.key(());
const LINE_QTY: Col<LineRow> =
    Col::new("Qty", 7, |r: &LineRow, _| r.line.quantity.map(|q| q.to_string()).unwrap_or_default().into())
        .right()
        .priority(2);
const LINE_PRICE: Col<LineRow> = Col::new("Unit price", 11, |r: &LineRow, _| {
    r.line.unit_price.map(|p| unit_price(p, r.currency)).unwrap_or_default().into()
})
.right()
.priority(3);
const LINE_AMOUNT: Col<LineRow> =
    Col::new("Amount", 13, |r: &LineRow, _| Money::new(r.line.amount_minor, r.currency).display().into()).right();
const LINE_TAX: Col<LineRow> = Col::new("Tax", 11, |r: &LineRow, _| {
    r.line.tax_minor.map(|t| Money::new(t, r.currency).display()).unwrap_or_default().into()
})
.right()
.priority(1);

/// An invoice's lines; at narrow widths the unit price goes first, then
/// the quantity, then the tax: description and amount stay.
pub const INVOICE_LINES: &[Col<LineRow>] = &[LINE_DESCRIPTION, LINE_QTY, LINE_PRICE, LINE_AMOUNT];

/// The same with a tax column, for invoices where any line has a tax.
pub const INVOICE_LINES_TAXED: &[Col<LineRow>] = &[LINE_DESCRIPTION, LINE_QTY, LINE_PRICE, LINE_AMOUNT, LINE_TAX];

/// The columns an invoice's lines are shown in.
pub fn line_columns(lines: &[Line]) -> &'static [Col<LineRow>] {
    if lines.iter().any(|l| l.tax_minor.is_some()) { INVOICE_LINES_TAXED } else { INVOICE_LINES }
}

/// "Lines add up to $435.25, $26.82 less than the total (as the source
/// gave it)", when an invoice's lines do not make its total.
pub fn mismatch_line(d: &InvoiceDetail) -> Option<String> {
    let total = d.invoice.total;
    let diff = mismatch(&d.lines, total.minor)?;
    let money = |m: i128| Money::new(i64::try_from(m).unwrap_or(i64::MAX), total.currency).display();
    let sum = i128::from(total.minor) + diff;
    let how = if diff < 0 { "less" } else { "more" };
    Some(format!("Lines add up to {}, {} {how} than the total (as the source gave it)", money(sum), money(diff.abs())))
}

/// The memo on one row (its line breaks as " · "), or `None` without one.
pub fn memo_text(d: &InvoiceDetail) -> Option<String> {
    let m = d.invoice.memo.trim();
    (!m.is_empty()).then(|| m.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" · "))
}

/// What an invoice shows between its facts and its applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Extra {
    /// Rows its memo takes (0 without one).
    pub memo: u16,
    /// Its lines (0: no lines section at all).
    pub lines: usize,
    /// A line saying the lines do not add up.
    pub mismatch: bool,
}

/// The rows a memo is given: one, and up to three on a tall screen.
pub fn memo_rows(memo: &str, area: Rect) -> u16 {
    let cap = if area.height >= 30 { 3 } else { 1 };
    let room = usize::from(area.width).saturating_sub(MEMO_LABEL);
    (crate::domain::text::rows(memo, room.max(1)) as u16).min(cap)
}

/// The columns before a memo's text (" Memo  ").
pub const MEMO_LABEL: usize = 7;

/// What an invoice's detail shows between its facts and its applications.
pub fn invoice_extra(d: &InvoiceDetail, area: Rect) -> Extra {
    Extra {
        memo: memo_text(d).map_or(0, |m| memo_rows(&m, area)),
        lines: d.lines.len(),
        mismatch: mismatch_line(d).is_some(),
    }
}

/// An invoice's applications.
pub const INVOICE_APPLICATIONS: &[Col<InvoiceApplication>] = &[
    Col::new("Date", 10, |a, ctx| ctx.dates.show(a.applied_on).into()),
    Col::new("Amount", 13, |a: &InvoiceApplication, _| a.amount.display().into()).right(),
    Col::new("From", 11, |a, _| match a.from {
        Source::Payment { .. } => "Payment".into(),
        Source::Credit { kind, .. } => kind.label().into(),
    }),
    Col::new("Method", 9, |a, _| match a.from {
        Source::Payment { method, .. } => method.label().into(),
        Source::Credit { .. } => "—".into(),
    }),
    Col::new("Reference", 12, |a: &InvoiceApplication, _| {
        reversed(
            a,
            match &a.from {
                Source::Payment { reference, id, .. } if reference.trim().is_empty() => format!("#{id}").into(),
                Source::Payment { reference, .. } => reference.as_str().into(),
                // A credit note by its number, an adjustment as what it is; the
                // reason beside them (cleaned where cells are drawn, as every cell).
                Source::Credit { kind: PayKind::CreditNote, number, reason, .. } => {
                    format!("{number} · {reason}").into()
                }
                Source::Credit { kind: PayKind::Adjustment, reason, .. } => {
                    format!("Small-balance write-off · {reason}").into()
                }
                Source::Credit { reason, .. } => reason.as_str().into(),
            },
        )
    })
    .fill(),
];

/// A reversed application's last cell says when it stopped counting.
fn reversed<A: Applied>(a: &A, cell: CellText) -> CellText {
    match a.removed_on() {
        Some(on) => CellText { text: format!("reversed {} · {}", iso(on), cell.text), alert: false },
        None => cell,
    }
}

/// A payment's applications.
pub const PAYMENT_APPLICATIONS: &[Col<PaymentApplication>] = &[
    Col::new("Invoice", 14, |a, _| a.invoice.number.as_str().into()),
    Col::new("Applied on", 10, |a, ctx| ctx.dates.show(a.applied_on).into()),
    Col::new("Amount", 13, |a: &PaymentApplication, _| a.amount.display().into()).right(),
    Col::new("Invoice status", 16, |a: &PaymentApplication, ctx| {
        let s = a.invoice.display_status(ctx.today);
        let alert = matches!(s, DisplayStatus::Overdue | DisplayStatus::OverduePartial);
        reversed(a, CellText { text: s.label().into(), alert })
    })
    .fill(),
];

/// A payment's refunds.
pub const REFUNDS: &[Col<Refund>] = &[
    Col::new("Date", 10, |r: &Refund, ctx| ctx.dates.show(r.on).into()),
    Col::new("Amount", 13, |r: &Refund, _| r.amount.display().into()).right(),
    Col::new("Reason", 20, |r: &Refund, _| refund_reason(r).into()).fill(),
];

/// A refund's reason, or for one that came with an import where its date
/// came from.
pub fn refund_reason(r: &Refund) -> &str {
    match r.dated_from {
        RefundDate::Recorded => &r.reason,
        RefundDate::Source => "imported: dated by its export, which gives no reason",
        RefundDate::Payment => "dated on the payment: the export gave no refund date",
    }
}

/// Where a detail's parts go. A list that has no rows shows only its title
/// line ("Refunds: none"); a part that does not fit has no height.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailLayout {
    /// Title line and the customer's name.
    pub header: Rect,
    pub facts: Rect,
    /// An invoice's memo, under the facts.
    pub memo: Rect,
    /// The lines' title, their header row and rows, and the line saying
    /// they do not add up.
    pub lines_title: Rect,
    pub lines: Rect,
    pub mismatch: Rect,
    pub list_title: Rect,
    /// The list's header row and rows.
    pub list: Rect,
    pub more_title: Rect,
    pub more: Rect,
    pub status: Rect,
    pub footer: Rect,
}

/// The second list keeps this many rows (when it has them) before the
/// first takes the rest.
const MORE_KEEPS: u16 = 3;

/// Lays out a detail of `facts` lines, an invoice's memo and lines
/// (`extra`), a list of `list` rows and a second one of `more` rows. The
/// lines take half of what the facts leave, more when the lists are short,
/// so that the applications keep room; their title and the mismatch line
/// come first.
pub fn layout(area: Rect, facts: u16, extra: Extra, list: usize, more: usize) -> DetailLayout {
    let bottom = area.bottom();
    let footer_y = bottom.saturating_sub(1).max(area.y);
    let status_y = bottom.saturating_sub(2).max(area.y);
    let status = Rect { y: status_y, height: u16::from(status_y < footer_y), ..area };
    let footer = Rect { y: footer_y, height: u16::from(footer_y < bottom && footer_y > area.y), ..area };
    let end = status_y.max(area.y);
    // A list's block: its title, then its header row and rows when it has any.
    let block = |rows: usize| if rows == 0 { 1 } else { 2 + rows.min(usize::from(u16::MAX) - 2) as u16 };
    let mut y = area.y;
    let header = take(area, &mut y, end, 2);
    take(area, &mut y, end, 1);
    let facts = take(area, &mut y, end, facts);
    let memo = take(area, &mut y, end, extra.memo);
    take(area, &mut y, end, 1);
    let none = Rect { height: 0, ..area };
    let (mut lines_title, mut lines, mut mismatch) = (none, none, none);
    let more_keeps = block(more).min(2 + MORE_KEEPS) + 1;
    if extra.lines > 0 {
        let room = end.saturating_sub(y);
        // Half the room, or what the two lists leave when they are short.
        let lists = block(list).min(3) + 1 + more_keeps;
        let cap = (room / 2).max(room.saturating_sub(lists));
        let fixed = 1 + u16::from(extra.mismatch);
        // Title and mismatch line first, then the header row and as many
        // rows as the rest allows (the header only with a row under it),
        // and a blank line.
        let rows = cap.saturating_sub(fixed + 1 + 1);
        let shown = extra.lines.min(usize::from(rows)) as u16;
        lines_title = take(area, &mut y, end, 1);
        lines = take(area, &mut y, end, if shown > 0 { shown + 1 } else { 0 });
        mismatch = take(area, &mut y, end, u16::from(extra.mismatch));
        take(area, &mut y, end, 1);
    }
    let room = end.saturating_sub(y);
    let list_h = block(list).min(room.saturating_sub(more_keeps).max(room.min(3)));
    let list_title = take(area, &mut y, end, list_h.min(1));
    let list = take(area, &mut y, end, list_h.saturating_sub(1));
    take(area, &mut y, end, 1);
    let more_title = take(area, &mut y, end, 1);
    let more = take(area, &mut y, end, block(more) - 1);
    DetailLayout {
        header,
        facts,
        memo,
        lines_title,
        lines,
        mismatch,
        list_title,
        list,
        more_title,
        more,
        status,
        footer,
    }
}

/// The next `h` lines of `area` from `y`, no further than `end`.
fn take(area: Rect, y: &mut u16, end: u16, h: u16) -> Rect {
    let h = h.min(end.saturating_sub(*y));
    let r = Rect { y: *y, height: h, ..area };
    *y += h;
    r
}

/// Rows of data a list area holds (one line is its header).
pub fn list_rows(l: &DetailLayout) -> usize {
    l.list.height.saturating_sub(1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(outer: Rect, r: Rect) -> bool {
        r.height == 0 || (r.y >= outer.y && r.bottom() <= outer.bottom())
    }

    #[test]
    fn the_list_takes_what_the_second_list_leaves() {
        // 80×24, five lines of facts: 13 lines for the lists.
        let l = layout(Rect::new(0, 0, 80, 24), 5, Extra::default(), 40, 10);
        assert_eq!((l.header.height, l.facts.y, l.facts.height, l.status.y, l.footer.y), (2, 3, 5, 22, 23));
        assert_eq!(l.list_title.y, 9);
        assert_eq!(list_rows(&l), 13 - 1 - 1 - 1 - 1 - (1 + MORE_KEEPS) as usize);
        assert_eq!(l.more.height, 1 + MORE_KEEPS);
        // Few rows: each list as long as it is, the rest left blank.
        let l = layout(Rect::new(0, 0, 80, 24), 5, Extra::default(), 2, 0);
        assert_eq!((list_rows(&l), l.more_title.height, l.more.height), (2, 1, 0));
        assert_eq!(l.more_title.y, l.list.bottom() + 1);
    }

    #[test]
    fn lines_take_half_of_what_the_facts_leave_or_what_short_lists_leave() {
        // 80×24: 13 lines under the facts; a memo, 8 lines that do not add
        // up, applications and history longer than they keep.
        let extra = Extra { memo: 1, lines: 8, mismatch: true };
        let l = layout(Rect::new(0, 0, 80, 24), 5, extra, 4, 9);
        assert_eq!((l.memo.y, l.memo.height), (8, 1));
        assert_eq!(l.lines_title.y, 10);
        // 12 lines left: half is 6 — title, header, 2 rows, the mismatch
        // and a blank line.
        assert_eq!((l.lines.y, l.lines.height), (11, 3));
        assert_eq!((l.mismatch.y, l.mismatch.height), (14, 1));
        assert_eq!(l.list_title.y, 16);
        assert!(list_rows(&l) >= 1, "the applications keep a row: {l:?}");
        // Nothing applied, no history: the lines take what is left.
        let l = layout(Rect::new(0, 0, 80, 24), 5, extra, 0, 0);
        assert_eq!((l.lines.height, l.list_title.height, l.more_title.height), (5, 1, 1));
        // 120×40: every line shows.
        let l = layout(Rect::new(0, 0, 120, 40), 5, extra, 4, 2);
        assert_eq!(l.lines.height, 9);
    }

    #[test]
    fn unit_prices_keep_their_places_and_group_thousands() {
        let p = |s: &str, c| unit_price(s.parse().unwrap(), c);
        assert_eq!(p("2750", Currency::USD), "2,750.00");
        assert_eq!(p("0.125", Currency::USD), "0.125");
        assert_eq!(p("-1234567.5", Currency::USD), "-1,234,567.50");
        assert_eq!(p("1500", Currency::JPY), "1,500");
        assert_eq!(p("0", Currency::USD), "0.00");
    }

    #[test]
    fn a_refund_says_its_reason_or_where_its_date_came_from() {
        let on = chrono::NaiveDate::from_ymd_opt(2026, 2, 3).unwrap();
        let amount = Money::new(100, crate::domain::Currency::USD);
        let r = |dated_from| Refund { on, amount, reason: "duplicate".into(), dated_from };
        assert_eq!(refund_reason(&r(RefundDate::Recorded)), "duplicate");
        assert_eq!(refund_reason(&r(RefundDate::Source)), "imported: dated by its export, which gives no reason");
        assert_eq!(refund_reason(&r(RefundDate::Payment)), "dated on the payment: the export gave no refund date");
    }

    #[test]
    fn every_part_stays_inside_down_to_tiny_screens() {
        for h in 0..30 {
            for (list, more) in [(0, 0), (1, 0), (50, 50), (0, 9)] {
                let area = Rect::new(0, 0, 40, h);
                let extra = Extra { memo: 1, lines: list, mismatch: more > 0 };
                for extra in [Extra::default(), extra] {
                    let l = layout(area, 5, extra, list, more);
                    let parts = [l.header, l.facts, l.memo, l.lines_title, l.lines, l.mismatch, l.list_title];
                    for r in parts.into_iter().chain([l.list, l.more_title, l.more, l.status, l.footer]) {
                        assert!(inside(area, r), "{h} {list} {more}: {r:?} outside {area:?}");
                    }
                }
                let l = layout(area, 5, Extra::default(), list, more);
                assert!(l.more.bottom() <= l.status.y.max(l.more.y), "{h}: lists overlap the status line");
            }
        }
    }
}
