//! The status line, and what does not fit on it: a message or a refusal
//! too long for the line wraps upward over the last rows of the table
//! (for the few seconds it is shown) instead of being cut.

use super::theme::Theme;
use crate::domain::text::width;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// The most lines a long message takes above the status line.
pub const MAX_WRAPPED: u16 = 4;

/// Draws `line` in `status`, and `note` after it when both fit; else the
/// note wraps on up to `MAX_WRAPPED` lines just above, over `above`'s
/// bottom rows.
pub fn draw(
    frame: &mut Frame,
    status: Rect,
    above: Rect,
    line: Vec<Span<'_>>,
    note: Option<(&str, Style)>,
    theme: &Theme,
) {
    if status.height == 0 {
        return;
    }
    let line = fit(line, usize::from(status.width));
    let used: usize = line.iter().map(|s| width(&s.content)).sum();
    let Some((note, style)) = note.filter(|(n, _)| !n.is_empty()) else {
        frame.render_widget(Paragraph::new(Line::from(line)), status);
        return;
    };
    if used + 2 + width(note) <= usize::from(status.width) {
        let mut spans = line;
        spans.push(Span::styled(format!("  {note}"), style));
        frame.render_widget(Paragraph::new(Line::from(spans)), status);
        return;
    }
    frame.render_widget(Paragraph::new(Line::from(line)), status);
    above_line(frame, status, above, note, style, theme);
}

/// `line` cut to `w` columns, ending in "…" where it was cut (the filter at
/// the end read "status:open,pai" at 80 columns); the whole filter reads in
/// the bar (`/`).
fn fit(line: Vec<Span<'_>>, w: usize) -> Vec<Span<'_>> {
    let total: usize = line.iter().map(|s| width(&s.content)).sum();
    if total <= w {
        return line;
    }
    let mut out = Vec::new();
    let mut used = 0;
    for span in line {
        let sw = width(&span.content);
        if used + sw <= w {
            used += sw;
            out.push(span);
            continue;
        }
        let cut = crate::domain::text::ellipsize(&span.content, w - used).into_owned();
        out.push(Span::styled(cut, span.style));
        break;
    }
    out
}

/// Draws `note` wrapped on the lines just above the status line.
pub fn above_line(frame: &mut Frame, status: Rect, above: Rect, note: &str, style: Style, theme: &Theme) {
    let w = status.width.saturating_sub(2);
    let rows = (crate::domain::text::rows(note, usize::from(w)) as u16).min(MAX_WRAPPED).min(above.height);
    if rows == 0 {
        return;
    }
    let area = Rect { x: status.x, y: status.y - rows, width: status.width, height: rows };
    frame.render_widget(Clear, area);
    let text = Paragraph::new(Span::styled(note.to_string(), style))
        .wrap(Wrap { trim: true })
        .block(ratatui::widgets::Block::new().padding(ratatui::widgets::Padding::horizontal(1)))
        .style(theme.status);
    frame.render_widget(text, area);
}
