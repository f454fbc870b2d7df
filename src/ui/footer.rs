//! The footer: the keys that work here, from the key table. When they do
//! not all fit, the first ones are shown and `?` (help, which lists them
//! all) always is.

use super::theme::Theme;
use crate::app::keymap::{Context, footer};
use crate::domain::text::width as cols;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, contexts: &[Context], theme: &Theme) {
    let items = footer(contexts);
    let width = |(k, h): &(&str, &str)| cols(k) + cols(h) + 3;
    let help = items.iter().find(|(k, _)| *k == "?").copied();
    let mut room = (area.width as usize).saturating_sub(help.as_ref().map_or(0, width));
    let mut shown = Vec::new();
    for item in items.iter().filter(|(k, _)| *k != "?") {
        if width(item) > room {
            break;
        }
        room -= width(item);
        shown.push(*item);
    }
    shown.extend(help);
    let mut spans = Vec::new();
    for (keys, hint) in shown {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(keys, theme.key));
        spans.push(Span::styled(format!(" {hint} "), theme.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
