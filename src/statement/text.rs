//! A statement as plain text, for the screen's preview and `--format txt`.
//! Columns are measured in display columns (`domain::text::width`), so
//! CJK names line up; no line is wider than `width` (the terminal minimum,
//! 80, and wider; narrower ones down to 20 are kept to as well, with less
//! shown, and below 20 the text is laid out for 20).

use super::layout::{self, Table};
use super::model::Statement;
use crate::domain::text::{ellipsize, pad, width as cols};

/// Columns between table cells.
const GAP: usize = 2;
/// The narrowest a free-text column becomes before anything else gives.
const FLEX_MIN: usize = 8;

pub fn render(s: &Statement, width: usize) -> String {
    let width = width.max(20);
    let mut out: Vec<String> = Vec::new();
    header(s, width, &mut out);
    for section in &s.sections {
        out.push(String::new());
        let heading = format!("── {} ", layout::section_heading(section));
        let rule = "─".repeat(width.saturating_sub(cols(&heading)));
        out.push(heading + &rule);
        for t in layout::tables(section, s.as_of) {
            out.push(String::new());
            table(&t, width, &mut out);
        }
        out.push(String::new());
        totals(&layout::totals(section), width, &mut out);
    }
    if s.sections.is_empty() {
        out.push(String::new());
        out.push("Nothing open: no invoices, payments or credits.".into());
    }
    let mut text = String::new();
    for line in out {
        text.push_str(ellipsize(line.trim_end(), width).as_ref());
        text.push('\n');
    }
    text
}

/// The organization on the left, the statement's title block on the
/// right; then the customer.
fn header(s: &Statement, width: usize, out: &mut Vec<String>) {
    let left = layout::party_lines(&s.organization);
    let right = layout::title_lines(s);
    let rw = right.iter().map(|l| cols(l)).max().unwrap_or(0).min(width / 2);
    let lw = width.saturating_sub(rw + GAP);
    for i in 0..left.len().max(right.len()) {
        let l = left.get(i).map_or("", String::as_str);
        let r = right.get(i).map_or("", String::as_str);
        out.push(format!("{}{}{}", pad(l, lw, false), " ".repeat(GAP), pad(r, rw, true)));
    }
    out.push(String::new());
    out.push("Statement for:".into());
    out.extend(layout::party_lines(&s.customer).into_iter().map(|l| format!("  {l}")));
}

/// Each column's width: what its title and cells need (a strong row's
/// label aside: it runs on into empty cells); when that is more
/// than the line, the free-text columns give way (down to `FLEX_MIN`,
/// then to one column).
fn widths(t: &Table, width: usize) -> Vec<usize> {
    let mut w: Vec<usize> = t.cols.iter().map(|c| cols(c.title)).collect();
    // A strong row's label runs on into the empty cells after it; its
    // amounts take their room like any other.
    for r in &t.rows {
        for (i, c) in r.cells.iter().enumerate() {
            if r.strong && runs_on(r, t, i) {
                continue;
            }
            if let Some(x) = w.get_mut(i) {
                *x = (*x).max(cols(c));
            }
        }
    }
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP * w.len().saturating_sub(1);
    for floor in [FLEX_MIN, 1] {
        while total(&w) > width {
            let widest = (0..w.len()).filter(|&i| t.cols[i].flex && w[i] > floor).max_by_key(|&i| w[i]);
            match widest {
                Some(i) => w[i] -= 1,
                None => break,
            }
        }
    }
    w
}

/// Whether cell `i` of a strong row is a label that runs on into the empty
/// cell after it (and so asks its column for no room).
fn runs_on(r: &crate::statement::layout::Row, t: &Table, i: usize) -> bool {
    !t.cols.get(i).is_some_and(|c| c.right) && r.cells.get(i + 1).is_some_and(String::is_empty)
}

fn table(t: &Table, width: usize, out: &mut Vec<String>) {
    out.push(t.title.clone());
    if t.rows.is_empty() {
        out.push(format!("  {}", t.empty));
        return;
    }
    let w = widths(t, width);
    let fits = w.iter().sum::<usize>() + GAP * w.len().saturating_sub(1) <= width;
    if !fits {
        // Columns that cannot stand side by side (amounts in the hundreds
        // of billions at 80 columns): each row as a list, so no amount is
        // cut. Empty cells are left out.
        let lw = t.cols.iter().map(|c| cols(c.title)).max().unwrap_or(0);
        for (n, r) in t.rows.iter().enumerate() {
            if n > 0 {
                out.push(String::new());
            }
            for (c, v) in t.cols.iter().zip(&r.cells).filter(|(_, v)| !v.is_empty()) {
                out.push(format!("  {}{}{v}", pad(c.title, lw, false), " ".repeat(GAP)));
            }
        }
        return;
    }
    let head: Vec<String> = t.cols.iter().map(|c| c.title.to_string()).collect();
    let dashes: Vec<String> = w.iter().map(|&n| "-".repeat(n)).collect();
    for cells in [&head, &dashes].into_iter().chain(t.rows.iter().map(|r| &r.cells)) {
        out.push(line(cells, t, &w));
    }
}

/// One row in its columns; a left-aligned cell too wide for its column
/// runs on into the empty text cells after it (and their gaps) before it
/// is cut.
fn line(cells: &[String], t: &Table, w: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < w.len() {
        let cell = cells.get(i).map_or("", String::as_str);
        let right = t.cols.get(i).is_some_and(|c| c.right);
        let (mut room, mut next) = (w[i], i + 1);
        let free = |j: usize| t.cols.get(j).is_some_and(|c| !c.right) && cells.get(j).is_none_or(String::is_empty);
        while !right && cols(cell) > room && next < w.len() && free(next) {
            room += GAP + w[next];
            next += 1;
        }
        parts.push(pad(cell, room, right));
        i = next;
    }
    parts.join(&" ".repeat(GAP))
}

/// The closing figures, right-aligned at the line's end, the total due
/// under a rule.
fn totals(rows: &[(String, String)], width: usize, out: &mut Vec<String>) {
    let aw = rows.iter().map(|(_, a)| cols(a)).max().unwrap_or(0);
    let lw = rows.iter().map(|(l, _)| cols(l)).max().unwrap_or(0).min(width.saturating_sub(aw + GAP));
    let block = lw + GAP + aw;
    let indent = " ".repeat(width.saturating_sub(block));
    for (i, (label, amount)) in rows.iter().enumerate() {
        if i + 1 == rows.len() {
            out.push(format!("{indent}{}", "═".repeat(block)));
        }
        out.push(format!("{indent}{}{}{}", pad(label, lw, false), " ".repeat(GAP), pad(amount, aw, true)));
    }
}
