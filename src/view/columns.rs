//! Which columns of a table are on screen: pure geometry over the columns'
//! descriptions (`domain::tabs::Column`), so that drawing and the app (which
//! pans, and brings the sorted column into view) get the same answer.
//!
//! A table's leading columns up to and including the first it sorts by are
//! pinned: they name the row (the tick box and the invoice number, the
//! customer's name) and never scroll away. The others can be panned: at pan
//! 0 the ones that fit are kept by priority (the highest `priority` number
//! gives way first), the best view of the table at that width; at pan `n`
//! the columns from the `n`th unpinned one on (counting from 1) are shown in
//! order, as many as fit. Every column can be reached by panning right, the
//! first unpinned one too, which pan 0 may have given up for its priority.

use crate::domain::tabs::Column;
use ratatui::layout::{Constraint, Flex, Layout, Rect};

/// The cursor's mark before each row ("▶ "): its width is kept on every
/// row, the header's included.
pub const GUTTER: u16 = 2;
/// The room the "more to the right" marker takes at the header's end.
pub const MARKER: u16 = 2;
/// Drawn in the header's gutter and at its end when columns lie that way.
pub const LEFT_MARK: &str = "«";
pub const RIGHT_MARK: &str = "»";

/// The width a column takes: its described width, and for a sortable
/// column room for its title and the sort arrow ("Cur ↑" in a column of
/// three showed no arrow).
pub fn width<R: 'static, K: 'static>(c: &Column<R, K>) -> u16 {
    if c.key.is_some() { c.width.max(crate::domain::text::width(c.title) as u16 + 2) } else { c.width }
}

/// What a table shows at a width and pan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    /// Indices into the columns, in screen order.
    pub shown: Vec<usize>,
    /// Columns lie to the left (the table is panned).
    pub left: bool,
    /// Columns are hidden that panning right would show.
    pub right: bool,
    /// The pan actually used (a pan past the last useful one is clamped).
    pub pan: usize,
}

/// How many leading columns are pinned: up to and including the first one
/// with a sort key (all of them when none has one).
pub fn pinned<R: 'static, K: 'static>(cols: &[Column<R, K>]) -> usize {
    cols.iter().position(|c| c.key.is_some()).map_or(cols.len(), |i| i + 1)
}

fn need<R: 'static, K: 'static>(cols: &[Column<R, K>], idx: &[usize]) -> u32 {
    idx.iter().map(|&i| u32::from(width(&cols[i])) + 1).sum()
}

/// The largest pan worth making: past it the last column is already shown.
pub fn max_pan<R: 'static, K: 'static>(cols: &[Column<R, K>], width: u16) -> usize {
    let p = pinned(cols);
    let rest: Vec<usize> = (p..cols.len()).collect();
    let room = room(cols, width, p);
    if need(cols, &rest) <= room.0 {
        return 0;
    }
    // The smallest start from which every remaining column fits; pan is
    // one more than the start.
    (0..rest.len()).find(|&s| need(cols, &rest[s..]) <= room.1).unwrap_or(rest.len().saturating_sub(1)) + 1
}

/// The room for unpinned columns: without and with the right marker.
fn room<R: 'static, K: 'static>(cols: &[Column<R, K>], width: u16, pinned: usize) -> (u32, u32) {
    let fixed = u32::from(GUTTER) + need(cols, &(0..pinned).collect::<Vec<_>>());
    let all = u32::from(width).saturating_sub(fixed);
    (all, all.saturating_sub(u32::from(MARKER)))
}

pub fn fit<R: 'static, K: 'static>(cols: &[Column<R, K>], width: u16, pan: usize) -> Fit {
    fit_sorted(cols, width, pan, None)
}

/// `fit`, keeping the `sorted` column (an index into `cols`) in the home
/// view: at pan 0 it does not give way for its priority, so the arrow of
/// the order the rows are in shows (Invoices' default, Date, gave way to
/// Balance at 80 columns).
pub fn fit_sorted<R: 'static, K: 'static>(cols: &[Column<R, K>], width: u16, pan: usize, sorted: Option<usize>) -> Fit {
    let p = pinned(cols);
    let rest: Vec<usize> = (p..cols.len()).collect();
    let (all_room, room) = room(cols, width, p);
    let mut pinned_shown: Vec<usize> = (0..p).collect();
    // Even the pinned columns do not fit: keep as many as do.
    while pinned_shown.len() > 1 && u32::from(GUTTER) + need(cols, &pinned_shown) > u32::from(width) {
        pinned_shown.pop();
    }
    if need(cols, &rest) <= all_room {
        pinned_shown.extend(rest);
        return Fit { shown: pinned_shown, left: false, right: false, pan: 0 };
    }
    let pan = pan.min(max_pan(cols, width));
    let shown_rest: Vec<usize> = if pan == 0 {
        let mut keep = rest.clone();
        while !keep.is_empty() && need(cols, &keep) > room {
            let worst = keep
                .iter()
                .enumerate()
                .filter(|(_, i)| Some(**i) != sorted || keep.len() == 1)
                .max_by_key(|(_, i)| cols[**i].priority)
                .map(|(k, _)| k)
                .unwrap_or(0);
            keep.remove(worst);
        }
        keep
    } else {
        let mut keep = Vec::new();
        for &i in &rest[pan - 1..] {
            if need(cols, &keep) + u32::from(self::width(&cols[i])) + 1 > room {
                break;
            }
            keep.push(i);
        }
        keep
    };
    let start = pan.saturating_sub(1);
    let right = rest[start..].iter().any(|i| !shown_rest.contains(i)) || shown_rest.is_empty();
    pinned_shown.extend(shown_rest);
    Fit { shown: pinned_shown, left: start > 0, right, pan }
}

/// The pan nearest to `pan` at which column `idx` is on screen (`pan`
/// itself when it already is).
pub fn reveal<R: 'static, K: 'static>(cols: &[Column<R, K>], width: u16, pan: usize, idx: usize) -> usize {
    let max = max_pan(cols, width);
    let mut candidates: Vec<usize> = (0..=max).collect();
    candidates.sort_by_key(|&c| (c.abs_diff(pan), c));
    candidates.into_iter().find(|&c| fit(cols, width, c).shown.contains(&idx)).unwrap_or(pan.min(max))
}

/// The widths the table is laid out with: a filling column takes at
/// least its width and shares what is left.
pub fn constraints<R: 'static, K: 'static>(cols: &[&Column<R, K>]) -> Vec<Constraint> {
    cols.iter().map(|c| if c.fill { Constraint::Min(width(c)) } else { Constraint::Length(width(c)) }).collect()
}

/// The room the table itself takes in `area`: short of the "more to the
/// right" marker when there is one.
pub fn table_area(area: Rect, fit: &Fit) -> Rect {
    let marker = if fit.right { MARKER } else { 0 };
    Rect { width: area.width.saturating_sub(marker), ..area }
}

/// Where each shown column lies across `area` (a table drawn there as
/// `ui::grid` draws it): the index into `cols` and its first column and
/// width, as ratatui's `Table` lays them out (the cursor's gutter, then the
/// columns one apart from the left), so that a click on a title finds the
/// column under it.
pub fn spans<R: 'static, K: 'static>(cols: &[Column<R, K>], fit: &Fit, area: Rect) -> Vec<(usize, u16, u16)> {
    let shown: Vec<&Column<R, K>> = fit.shown.iter().map(|&i| &cols[i]).collect();
    let table = table_area(area, fit);
    let [_, columns] = Layout::horizontal([Constraint::Length(GUTTER), Constraint::Fill(0)]).areas(Rect::new(
        table.x,
        0,
        table.width,
        1,
    ));
    let rects = Layout::horizontal(constraints(&shown)).flex(Flex::Start).spacing(1).split(columns);
    fit.shown.iter().zip(rects.iter()).map(|(&i, r)| (i, r.x, r.width)).collect()
}

/// The column at screen column `x` of a table drawn across `area`.
pub fn at<R: 'static, K: 'static>(cols: &[Column<R, K>], fit: &Fit, area: Rect, x: u16) -> Option<usize> {
    spans(cols, fit, area).into_iter().find(|&(_, from, w)| x >= from && x < from.saturating_add(w)).map(|(i, _, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{InvoiceRow, PaymentRow};
    use crate::domain::tabs::Tabular;

    fn titles<R: Tabular>(f: &Fit) -> Vec<&'static str> {
        f.shown.iter().map(|&i| R::COLUMNS[i].title).collect()
    }

    #[test]
    fn wide_screens_show_every_column_without_markers() {
        let f = fit(InvoiceRow::COLUMNS, 200, 0);
        assert_eq!(f.shown.len(), InvoiceRow::COLUMNS.len());
        assert!(!f.left && !f.right);
        assert_eq!(max_pan(InvoiceRow::COLUMNS, 200), 0);
    }

    #[test]
    fn eighty_columns_pan_to_every_invoice_column() {
        let cols = InvoiceRow::COLUMNS;
        let home = fit(cols, 80, 0);
        assert_eq!(titles::<InvoiceRow>(&home)[..2], ["☐", "Number"], "pinned");
        assert!(home.right && !home.left);
        let mut seen = std::collections::BTreeSet::new();
        for pan in 0..=max_pan(cols, 80) {
            let f = fit(cols, 80, pan);
            let used: u32 = f.shown.iter().map(|&i| u32::from(width(&cols[i])) + 1).sum();
            assert!(used + u32::from(GUTTER + MARKER) <= 81, "pan {pan}: {used}");
            seen.extend(f.shown);
        }
        assert_eq!(seen.len(), cols.len(), "every column is reachable");
        let last = fit(cols, 80, max_pan(cols, 80));
        assert!(last.left && !last.right);
        let first = fit(cols, 80, 1);
        assert!(!first.left, "pan 1 starts at the first unpinned column");
        assert_eq!(titles::<InvoiceRow>(&first)[2], "Total");
        assert_eq!(titles::<InvoiceRow>(&last).last(), Some(&"Period"));
    }

    #[test]
    fn a_sortable_column_has_room_for_its_arrow() {
        // As the customers list describes its currency column.
        let cur: Column<(), u8> = Column::new("Cur", 3, |_, _| "".into()).key(0);
        assert_eq!(width(&cur), 5, "\"Cur ↑\"");
        for tab in crate::domain::columns::Tab::ALL {
            crate::per_tab!(tab, |R| for c in <R as Tabular>::COLUMNS.iter().filter(|c| c.key.is_some()) {
                assert!(usize::from(width(c)) >= crate::domain::text::width(c.title) + 2, "{}", c.title);
            });
        }
    }

    #[test]
    fn the_sorted_column_stays_in_the_home_view() {
        let cols = InvoiceRow::COLUMNS;
        for (i, c) in cols.iter().enumerate().filter(|(_, c)| c.key.is_some()) {
            let f = fit_sorted(cols, 80, 0, Some(i));
            assert!(f.shown.contains(&i), "sorted by {} at 80 columns: {:?}", c.title, titles::<InvoiceRow>(&f));
        }
    }

    #[test]
    fn a_pan_past_the_end_is_clamped() {
        let cols = PaymentRow::COLUMNS;
        let max = max_pan(cols, 80);
        assert_eq!(fit(cols, 80, 99), fit(cols, 80, max));
    }

    #[test]
    fn reveal_moves_the_least_to_show_a_column() {
        let cols = InvoiceRow::COLUMNS;
        let period = cols.iter().position(|c| c.title == "Period").unwrap();
        let number = cols.iter().position(|c| c.title == "Number").unwrap();
        let pan = reveal(cols, 80, 0, period);
        assert!(pan > 0 && fit(cols, 80, pan).shown.contains(&period));
        assert_eq!(reveal(cols, 80, pan, number), pan, "pinned columns are always shown");
        let total = cols.iter().position(|c| c.title == "Total").unwrap();
        assert!(fit(cols, 80, reveal(cols, 80, pan, total)).shown.contains(&total));
    }

    #[test]
    fn tiny_widths_keep_something_and_never_overflow() {
        for w in 0..60 {
            for pan in 0..4 {
                let f = fit(PaymentRow::COLUMNS, w, pan);
                assert!(!f.shown.is_empty());
            }
        }
    }
}
