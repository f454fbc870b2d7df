//! One table renderer for every table: the columns as described in
//! `domain::tabs` (title, width, alignment, priority at narrow widths, how a
//! row shows), a sort arrow on the sorted column, a marker on the selected
//! row, an explicit empty state. Only the visible rows are built.

use super::theme::Theme;
use crate::domain::columns::Col;
use crate::domain::tabs::{CellCtx, Column};
use crate::domain::text::{clean, ellipsize};
use crate::view::columns;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

pub struct Grid<'a, R: 'static, K: 'static = Col> {
    pub columns: &'a [Column<R, K>],
    /// The sorted column and whether it is descending.
    pub sort: Option<(K, bool)>,
    /// The visible rows with their absolute indices.
    pub rows: Vec<(usize, &'a R)>,
    pub selected: usize,
    pub empty: &'a str,
    /// How far the unpinned columns are panned (`view::columns`).
    pub pan: usize,
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
    let fit = columns::fit(grid.columns, area.width, grid.pan);
    let cols: Vec<&Column<R, K>> = fit.shown.iter().map(|&i| &grid.columns[i]).collect();
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
    let marker = if fit.right { columns::MARKER } else { 0 };
    // The header lies where it lies over rows: after the cursor's gutter,
    // short of the marker's room.
    let table_area = Rect { width: area.width.saturating_sub(marker), ..area };
    if grid.rows.is_empty() {
        let table = Table::new(Vec::<Row>::new(), widths(&cols))
            .header(header)
            .highlight_symbol(HIGHLIGHT)
            .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
            .column_spacing(1);
        frame.render_widget(table, table_area);
        markers(frame, area, &fit, theme);
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
    let fixed: u16 = cols.iter().filter(|c| !c.fill).map(|c| columns::width(c)).sum();
    let fills = cols.iter().filter(|c| c.fill).count().max(1) as u16;
    let gaps = cols.len().saturating_sub(1) as u16;
    let fill_width = (area.width.saturating_sub(columns::GUTTER + marker + fixed + gaps) / fills).max(1) as usize;
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
                let width = if c.fill { fill_width } else { columns::width(c) as usize };
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
    frame.render_stateful_widget(table, table_area, &mut state);
    markers(frame, area, &fit, theme);
}

/// "«" in the header's gutter when columns lie to the left, "»" at its end
/// when more lie to the right.
fn markers(frame: &mut Frame, area: Rect, fit: &columns::Fit, theme: &Theme) {
    let at = |x: u16| Rect { x, y: area.y, width: 1, height: 1 };
    if fit.left {
        frame.render_widget(Span::styled(columns::LEFT_MARK, theme.key), at(area.x));
    }
    if fit.right && area.width > 0 {
        frame.render_widget(Span::styled(columns::RIGHT_MARK, theme.key), at(area.right() - 1));
    }
}

/// The cursor's mark before the row it is on; its width
/// (`columns::GUTTER`) is kept on every row.
const HIGHLIGHT: &str = "▶ ";

fn widths<R: 'static, K: 'static>(cols: &[&Column<R, K>]) -> Vec<Constraint> {
    cols.iter()
        .map(|c| if c.fill { Constraint::Min(columns::width(c)) } else { Constraint::Length(columns::width(c)) })
        .collect()
}
