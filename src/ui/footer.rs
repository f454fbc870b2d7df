//! The footer: the keys that work here, from the key table. When they do
//! not all fit, those of lowest rank (`Binding::rank`) are shown and `?`
//! (help, which lists them all) always is.

use super::theme::Theme;
use crate::app::action::Action;
use crate::app::keymap::{Context, Hint, footer_ranked};
use crate::domain::text::width as cols;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, contexts: &[Context], theme: &Theme) {
    let items = footer_ranked(contexts);
    let width = |h: &Hint| cols(&h.keys) + cols(h.hint) + 3;
    let is_help = |h: &Hint| h.action == Action::Help;
    let mut room =
        (area.width as usize).saturating_sub(items.iter().find(|h| is_help(&h.0)).map_or(0, |h| width(&h.0)));
    // Chosen by rank (then in order), shown in order: the most used keys
    // stay, and stay where they were.
    let mut by_rank: Vec<usize> = (0..items.len()).filter(|&i| !is_help(&items[i].0)).collect();
    by_rank.sort_by_key(|&i| (items[i].1, i));
    let mut keep = vec![false; items.len()];
    for i in by_rank {
        if width(&items[i].0) <= room {
            room -= width(&items[i].0);
            keep[i] = true;
        }
    }
    let mut spans = Vec::new();
    // Help last, where the eye finds it on every screen.
    let shown = items.iter().enumerate().filter(|(i, h)| keep[*i] && !is_help(&h.0));
    for (_, (h, _)) in shown.chain(items.iter().enumerate().filter(|(_, h)| is_help(&h.0))) {
        {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(h.keys.clone(), theme.key));
            spans.push(Span::styled(format!(" {} ", h.hint), theme.muted));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
