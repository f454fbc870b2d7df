//! Laying a statement out on US Letter pages, top to bottom: what to draw
//! where, before anything is drawn (the footer's "Page N of M" needs M).
//! A table that runs past a page goes on with its title and header row
//! repeated; a table's title never ends a page alone, nor is the total due
//! parted from the figures above it.

use super::fonts::Fonts;
use crate::statement::layout::{self, Table};
use crate::statement::model::Statement;

/// US Letter, in points: the product sells in the US first (A4 would be
/// 595 × 842; only these two numbers change).
pub const PAGE_W: f32 = 612.0;
pub const PAGE_H: f32 = 792.0;
const MARGIN: f32 = 54.0;
/// Where content stops, above the footer.
const BOTTOM: f32 = PAGE_H - 60.0;
const RIGHT: f32 = PAGE_W - MARGIN;
const WIDTH: f32 = RIGHT - MARGIN;
/// Between table columns.
const GAP: f32 = 12.0;
const BODY: f32 = 9.0;
const ROW: f32 = 13.0;
/// The narrowest a free-text column becomes.
const FLEX_MIN: f32 = 48.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    Black,
    Grey,
}

/// One thing to draw; `y` is a text baseline, down from the page's top.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Text { x: f32, y: f32, size: f32, bold: bool, ink: Ink, text: String },
    Rule { x1: f32, x2: f32, y: f32, width: f32 },
    Band { x: f32, y: f32, w: f32, h: f32 },
}

struct Flow<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
    /// The line at the top of every page after the first.
    running_head: String,
}

pub fn pages(s: &Statement, fonts: &Fonts) -> Vec<Vec<Op>> {
    let customer = layout::shown(&s.customer.name);
    let org = layout::shown(&s.organization.name);
    let running_head = format!("{org} · {} · {customer} · {}", layout::TITLE, crate::domain::date::iso(s.as_of));
    let mut f = Flow { fonts, pages: vec![Vec::new()], y: MARGIN, running_head };
    f.header(s);
    for section in &s.sections {
        // The heading (23 pt) with what `table` keeps with its title.
        f.need(ROW * 4.0 + 8.0 + 23.0);
        f.y += 10.0;
        f.text(MARGIN, 12.0, true, Ink::Black, &layout::section_heading(section));
        f.y += 5.0;
        f.rule(MARGIN, RIGHT, 0.8);
        f.y += 8.0;
        for t in layout::tables(section, s.as_of) {
            f.table(&t);
        }
        f.totals(&layout::totals(section));
    }
    if s.sections.is_empty() {
        f.line(ROW);
        f.text(MARGIN, BODY, false, Ink::Black, "Nothing open: no invoices, payments or credits.");
    }
    f.pages
}

impl Flow<'_> {
    fn op(&mut self, op: Op) {
        if let Some(p) = self.pages.last_mut() {
            p.push(op);
        }
    }

    /// `text` with its left edge at `x`, on the current baseline.
    fn text(&mut self, x: f32, size: f32, bold: bool, ink: Ink, text: &str) {
        let y = self.y;
        self.op(Op::Text { x, y, size, bold, ink, text: text.to_string() });
    }

    /// `text` with its right edge at `right`.
    fn text_right(&mut self, right: f32, size: f32, bold: bool, ink: Ink, text: &str) {
        let x = right - self.fonts.width(text, size);
        self.text(x, size, bold, ink, text);
    }

    fn rule(&mut self, x1: f32, x2: f32, width: f32) {
        let y = self.y;
        self.op(Op::Rule { x1, x2, y, width });
    }

    /// Moves down a line of `h`, to a new page when it would not fit.
    fn line(&mut self, h: f32) {
        self.need(h);
        self.y += h;
    }

    /// Starts a new page unless `h` more fits on this one.
    fn need(&mut self, h: f32) -> bool {
        if self.y + h <= BOTTOM {
            return false;
        }
        self.pages.push(Vec::new());
        self.y = MARGIN + 8.0;
        let head = self.fonts.fit(&self.running_head, 8.0, WIDTH);
        self.text(MARGIN, 8.0, false, Ink::Grey, &head);
        self.y += 5.0;
        self.rule(MARGIN, RIGHT, 0.4);
        self.y += 8.0;
        true
    }

    /// The organization on the left, the statement's own block on the
    /// right, then who the statement is for.
    fn header(&mut self, s: &Statement) {
        let org = layout::party_lines(&s.organization);
        let title = layout::title_lines(s);
        self.y += 14.0;
        let half = WIDTH / 2.0 - GAP;
        for i in 0..org.len().max(title.len()) {
            self.need(18.0);
            let (size, bold) = if i == 0 { (14.0, true) } else { (BODY, false) };
            if let Some(l) = org.get(i) {
                let l = self.fonts.fit(l, size, half);
                self.text(MARGIN, size, bold, Ink::Black, &l);
            }
            if let Some(t) = title.get(i) {
                let size = if i == 0 { 16.0 } else { BODY };
                let t = self.fonts.fit(t, size, half);
                self.text_right(RIGHT, size, i == 0, Ink::Black, &t);
            }
            self.y += if i == 0 { 18.0 } else { 12.0 };
        }
        self.y += 14.0;
        self.text(MARGIN, 8.0, false, Ink::Grey, "Statement for");
        self.y += 15.0;
        for (i, l) in layout::party_lines(&s.customer).iter().enumerate() {
            self.need(15.0);
            let size = if i == 0 { 12.0 } else { BODY };
            let l = self.fonts.fit(l, size, WIDTH);
            self.text(MARGIN, size, i == 0, Ink::Black, &l);
            self.y += if i == 0 { 15.0 } else { 12.0 };
        }
        self.y += 6.0;
    }

    /// Column widths in points: what titles and cells need (a strong row's
    /// label aside, which runs on into empty cells); free-text columns give
    /// way when that is too wide, and take what is left when it is not, so
    /// amounts end at the right margin.
    fn widths(&self, t: &Table, size: f32) -> Vec<f32> {
        let mut w: Vec<f32> = t.cols.iter().map(|c| self.fonts.width(c.title, size - 0.5)).collect();
        for r in &t.rows {
            for (i, (x, c)) in w.iter_mut().zip(&r.cells).enumerate() {
                // A strong row's label runs on; its amounts take their room.
                let runs_on =
                    !t.cols.get(i).is_some_and(|c| c.right) && r.cells.get(i + 1).is_some_and(String::is_empty);
                if r.strong && runs_on {
                    continue;
                }
                *x = x.max(self.fonts.width(c, size));
            }
        }
        let total = |w: &[f32]| w.iter().sum::<f32>() + GAP * w.len().saturating_sub(1) as f32;
        let flex: Vec<usize> = (0..w.len()).filter(|&i| t.cols.get(i).is_some_and(|c| c.flex)).collect();
        let over = total(&w) - WIDTH;
        if over > 0.0 {
            // Take from the widest free-text columns first.
            let mut left = over;
            while left > 0.01 {
                let Some(&i) = flex.iter().filter(|&&i| w[i] > FLEX_MIN).max_by(|&&a, &&b| w[a].total_cmp(&w[b]))
                else {
                    break;
                };
                let take = left.min(w[i] - FLEX_MIN).min(4.0);
                w[i] -= take;
                left -= take;
            }
        } else if !flex.is_empty() {
            let share = -over / flex.len() as f32;
            flex.iter().for_each(|&i| w[i] += share);
        } else if !w.is_empty() {
            let share = -over / w.len() as f32;
            w.iter_mut().for_each(|x| *x += share);
        }
        // Amounts past all reason: every column narrows alike, and cells
        // are cut with `…` rather than run off the page.
        let now = total(&w);
        if now > WIDTH {
            let scale =
                (WIDTH - GAP * w.len().saturating_sub(1) as f32) / (now - GAP * w.len().saturating_sub(1) as f32);
            w.iter_mut().for_each(|x| *x *= scale.max(0.0));
        }
        w
    }

    fn table(&mut self, t: &Table) {
        // The title, the header row and one row at least stay together.
        self.need(ROW * 4.0);
        self.y += 8.0;
        self.text(MARGIN, 10.0, true, Ink::Black, &t.title);
        self.y += ROW;
        if t.rows.is_empty() {
            self.text(MARGIN, BODY, false, Ink::Grey, t.empty);
            self.y += ROW;
            return;
        }
        let (w, size) = self.fitted(t);
        self.table_head(t, &w, size);
        for r in &t.rows {
            if self.need(ROW) {
                self.y += 8.0;
                self.text(MARGIN, 10.0, true, Ink::Black, &format!("{} (continued)", t.title));
                self.y += ROW;
                self.table_head(t, &w, size);
            }
            self.cells(&r.cells, t, &w, size, r.strong, Ink::Black);
            self.y += ROW;
        }
        self.y -= ROW - 4.0;
        self.rule(MARGIN, RIGHT, 0.4);
        self.y += ROW - 4.0;
    }

    /// The table's widths and type size: the body size, or smaller when
    /// its amounts would not fit side by side otherwise (before anything is
    /// cut with `…`).
    fn fitted(&self, t: &Table) -> (Vec<f32>, f32) {
        let needs = |size: f32| {
            let w = self.widths(t, size);
            let fixed: f32 = w.iter().zip(&t.cols).filter(|(_, c)| !c.flex).map(|(x, _)| *x).sum();
            let flex = t.cols.iter().filter(|c| c.flex).count() as f32;
            fixed + flex * FLEX_MIN + GAP * w.len().saturating_sub(1) as f32
        };
        let size = [BODY, 8.0, 7.0, 6.0].into_iter().find(|&s| needs(s) <= WIDTH).unwrap_or(6.0);
        (self.widths(t, size), size)
    }

    fn table_head(&mut self, t: &Table, w: &[f32], size: f32) {
        let titles: Vec<String> = t.cols.iter().map(|c| c.title.to_string()).collect();
        self.cells(&titles, t, w, size - 0.5, true, Ink::Grey);
        self.y += 4.0;
        self.rule(MARGIN, RIGHT, 0.6);
        self.y += ROW - 2.0;
    }

    /// One row on the current baseline; a left-aligned cell too wide for
    /// its column runs on into the empty text cells after it.
    fn cells(&mut self, cells: &[String], t: &Table, w: &[f32], size: f32, bold: bool, ink: Ink) {
        let mut x = MARGIN;
        let mut i = 0;
        while i < w.len() {
            let cell = cells.get(i).map_or("", String::as_str);
            let right = t.cols.get(i).is_some_and(|c| c.right);
            let free = |j: usize| t.cols.get(j).is_some_and(|c| !c.right) && cells.get(j).is_none_or(String::is_empty);
            let (mut room, mut next) = (w[i], i + 1);
            while !right && self.fonts.width(cell, size) > room && next < w.len() && free(next) {
                room += GAP + w[next];
                next += 1;
            }
            let shown = self.fonts.fit(cell, size, room);
            if right {
                self.text_right(x + room, size, bold, ink, &shown);
            } else {
                self.text(x, size, bold, ink, &shown);
            }
            x += room + GAP;
            i = next;
        }
    }

    /// The closing figures, right-aligned; the total due last, larger, on
    /// a band, and on the same page as the figures above it.
    fn totals(&mut self, rows: &[(String, String)]) {
        self.need(ROW * rows.len() as f32 + 30.0);
        self.y += 8.0;
        let amount_w = rows.iter().map(|(_, a)| self.fonts.width(a, 12.0)).fold(0.0, f32::max);
        let label_right = RIGHT - amount_w - GAP * 2.0;
        for (i, (label, amount)) in rows.iter().enumerate() {
            let last = i + 1 == rows.len();
            if last {
                self.y += 6.0;
                let label_w = self.fonts.width(label, 12.0);
                let x = label_right - label_w - 8.0;
                let y = self.y - 14.0;
                self.op(Op::Band { x, y, w: RIGHT + 4.0 - x, h: 20.0 });
                self.text_right(label_right, 12.0, true, Ink::Black, label);
                self.text_right(RIGHT, 12.0, true, Ink::Black, amount);
            } else {
                self.text_right(label_right, BODY, false, Ink::Black, label);
                self.text_right(RIGHT, BODY, false, Ink::Black, amount);
            }
            self.y += ROW;
        }
        self.y += 10.0;
    }
}
