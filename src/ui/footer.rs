//! The footer: the keys that work here, from the key table.

use super::theme::Theme;
use crate::app::keymap::{Context, footer};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, contexts: &[Context], theme: &Theme) {
    let mut spans = Vec::new();
    for (keys, hint) in footer(contexts) {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(keys, theme.key));
        spans.push(Span::styled(format!(" {hint} "), theme.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
