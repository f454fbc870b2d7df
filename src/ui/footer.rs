//! The footer: the keys that work here, from the key table. When they do
//! not all fit, the first ones are shown and `?` (help, which lists them
//! all) always is.

use super::theme::Theme;
use crate::app::action::Action;
use crate::app::keymap::{Context, Hint, footer};
use crate::domain::text::width as cols;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, contexts: &[Context], theme: &Theme) {
    let items = footer(contexts);
    let width = |h: &Hint| cols(&h.keys) + cols(h.hint) + 3;
    let help = items.iter().find(|h| h.action == Action::Help).cloned();
    let mut room = (area.width as usize).saturating_sub(help.as_ref().map_or(0, width));
    let mut shown = Vec::new();
    for item in items.iter().filter(|h| h.action != Action::Help) {
        if width(item) > room {
            break;
        }
        room -= width(item);
        shown.push(item.clone());
    }
    shown.extend(help);
    let mut spans = Vec::new();
    for h in shown {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(h.keys, theme.key));
        spans.push(Span::styled(format!(" {} ", h.hint), theme.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
