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
use ratatui::layout::{Alignment, Rect};
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
    let sorted = grid.sort.and_then(|(key, _)| grid.columns.iter().position(|c| c.key == Some(key)));
    let fit = columns::fit_sorted(grid.columns, area.width, grid.pan, sorted);
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
    let table_area = columns::table_area(area, &fit);
    if grid.rows.is_empty() {
        let table = Table::new(Vec::<Row>::new(), columns::constraints(&cols))
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
    let table = Table::new(rows, columns::constraints(&cols))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::tabs::Tabular;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    /// Every title drawn lies where `columns::spans` says its column is:
    /// the start of a left-aligned title, the end of a right-aligned one.
    fn titles_lie_where_the_spans_say<R: 'static, K: PartialEq + Copy + 'static>(cols: &[Column<R, K>], sort: K) {
        for width in [40u16, 60, 80, 100, 120, 160, 220] {
            for pan in 0..=columns::max_pan(cols, width) {
                let mut t = Terminal::new(TestBackend::new(width, 3)).unwrap();
                t.draw(|f| {
                    let grid =
                        Grid { columns: cols, sort: Some((sort, false)), rows: vec![], selected: 0, empty: "", pan };
                    let ctx = CellCtx { today: Default::default(), selection: None, dates: Default::default() };
                    draw(f, f.area(), grid, &ctx, &Theme::new(true));
                })
                .unwrap();
                let buf = t.backend().buffer().clone();
                let header: Vec<String> = (0..width).map(|x| buf[(x, 0)].symbol().to_string()).collect();
                let fit = columns::fit_sorted(cols, width, pan, cols.iter().position(|c| c.key == Some(sort)));
                let area = Rect::new(0, 0, width, 3);
                for (i, x, w) in columns::spans(cols, &fit, area) {
                    let title = cols[i].title;
                    if title.is_empty() || w == 0 {
                        continue;
                    }
                    let first = title.chars().next().unwrap().to_string();
                    let drawn = &header[x as usize..(x + w) as usize];
                    let at = if cols[i].right {
                        drawn.iter().rposition(|s| s.trim() != "").map(|end| {
                            // The sort arrow after a sorted title.
                            let end = if cols[i].key == Some(sort) { end - 2 } else { end };
                            end + 1 - crate::domain::text::width(title)
                        })
                    } else {
                        Some(0)
                    };
                    let at = at.unwrap_or_else(|| panic!("{width}/{pan}: {title} not drawn in {drawn:?}"));
                    assert_eq!(drawn[at], first, "{width}/{pan}: {title} at {x}+{at}: {drawn:?}");
                    assert_eq!(columns::at(cols, &fit, area, x + w - 1), Some(i));
                }
            }
        }
    }

    #[test]
    fn a_click_on_a_title_finds_its_column_at_every_width_and_pan() {
        titles_lie_where_the_spans_say(crate::app::customers::COLUMNS, crate::app::customers::CustomerCol::Name);
        titles_lie_where_the_spans_say(
            crate::domain::model::InvoiceRow::COLUMNS,
            crate::domain::columns::Col::InvNumber,
        );
        titles_lie_where_the_spans_say(crate::domain::model::PaymentRow::COLUMNS, crate::domain::columns::Col::PayDate);
    }
}
