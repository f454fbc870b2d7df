//! One table renderer for every table: the columns as described in
//! `domain::tabs` (title, width, alignment, priority at narrow widths, how a
//! row shows), a sort arrow on the sorted column, a marker on the selected
//! row, an explicit empty state. Only the visible rows are built.

use super::theme::Theme;
use crate::domain::columns::Col;
use crate::domain::tabs::{CellCtx, Column};
use crate::domain::text::{clean, ellipsize};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

/// Which columns fit in `width`, in their original order: while they do
/// not, the one of highest `priority` number gives way (the last of equals).
pub fn fitting<R: 'static, K: 'static>(columns: &[Column<R, K>], width: u16) -> Vec<&Column<R, K>> {
    let mut keep: Vec<&Column<R, K>> = columns.iter().collect();
    let marker = 2;
    let need = |cols: &[&Column<R, K>]| cols.iter().map(|c| c.width + 1).sum::<u16>() + marker;
    while keep.len() > 1 && need(&keep) > width {
        let worst = keep.iter().enumerate().max_by_key(|(_, c)| c.priority).map(|(i, _)| i).unwrap_or(0);
        keep.remove(worst);
    }
    keep
}

pub struct Grid<'a, R: 'static, K: 'static = Col> {
    pub columns: &'a [Column<R, K>],
    /// The sorted column and whether it is descending.
    pub sort: Option<(K, bool)>,
    /// The visible rows with their absolute indices.
    pub rows: Vec<(usize, &'a R)>,
    pub selected: usize,
    pub empty: &'a str,
}

pub fn draw<R: 'static, K: PartialEq + Copy + 'static>(
    frame: &mut Frame,
    area: Rect,
    grid: Grid<'_, R, K>,
    ctx: &CellCtx<'_>,
    theme: &Theme,
) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let cols = fitting(grid.columns, area.width);
    let header = Row::new(cols.iter().map(|c| {
        let sorted = grid.sort.filter(|s| c.key == Some(s.0));
        let title = match sorted {
            Some((_, desc)) => format!("{} {}", c.title, if desc { "↓" } else { "↑" }),
            None => c.title.to_string(),
        };
        let style = if sorted.is_some() { theme.sorted_header } else { theme.table_header };
        let line = Line::styled(title, style);
        Cell::from(if c.right { line.alignment(Alignment::Right) } else { line })
    }));
    if grid.rows.is_empty() {
        frame.render_widget(Table::new(Vec::<Row>::new(), widths(&cols)).header(header), area);
        if area.height > 2 {
            // Wrapped, not cut: the empty list's hint names both ways in.
            let msg = Rect { y: area.y + 2, height: area.height - 2, ..area };
            let text = Paragraph::new(Span::styled(grid.empty, theme.muted)).centered().wrap(Wrap { trim: true });
            frame.render_widget(text, msg);
        }
        return;
    }
    // What a filling column gets of the width: the rest after the cursor
    // mark, the fixed columns and the gaps, shared among the filling ones.
    let fixed: u16 = cols.iter().filter(|c| !c.fill).map(|c| c.width).sum();
    let fills = cols.iter().filter(|c| c.fill).count().max(1) as u16;
    let gaps = cols.len().saturating_sub(1) as u16;
    let fill_width = (area.width.saturating_sub(HIGHLIGHT_WIDTH + fixed + gaps) / fills).max(1) as usize;
    let mut state = TableState::default();
    let rows: Vec<Row> = grid
        .rows
        .iter()
        .enumerate()
        .map(|(i, (abs, r))| {
            if *abs == grid.selected {
                state.select(Some(i));
            }
            Row::new(cols.iter().map(|c| {
                let t = (c.cell)(r, ctx);
                // A column shows that it cut a value, a filling one too: cut
                // at the screen's edge, "INV-000001, INV-00000" would read
                // as another invoice number.
                let text = clean(&t.text);
                let width = if c.fill { fill_width } else { c.width as usize };
                let text = ellipsize(&text, width).into_owned();
                let style = if t.alert { theme.overdue } else { ratatui::style::Style::new() };
                let line = Line::styled(text, style);
                Cell::from(Text::from(if c.right { line.alignment(Alignment::Right) } else { line }))
            }))
        })
        .collect();
    let table = Table::new(rows, widths(&cols))
        .header(header)
        .row_highlight_style(theme.selected)
        .highlight_symbol(HIGHLIGHT)
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
        .column_spacing(1);
    frame.render_stateful_widget(table, area, &mut state);
}

/// The cursor's mark before the row it is on; its width is kept on every
/// row.
const HIGHLIGHT: &str = "▶ ";
const HIGHLIGHT_WIDTH: u16 = 2;

fn widths<R: 'static, K: 'static>(cols: &[&Column<R, K>]) -> Vec<Constraint> {
    cols.iter().map(|c| if c.fill { Constraint::Min(c.width) } else { Constraint::Length(c.width) }).collect()
}
