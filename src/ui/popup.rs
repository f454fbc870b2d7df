//! Overlays: help and messages, centred over the page.

use super::theme::Theme;
use crate::app::keymap::{self, Context};
use crate::domain::metrics::FORMULAS;
use crate::domain::text::clean;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(v);
    h
}

pub fn help(frame: &mut Frame, area: Rect, ctx: Context, scroll: u16, theme: &Theme) {
    let mut lines = vec![Line::styled("Keys", theme.title)];
    for (keys, hint) in keymap::help(ctx) {
        lines.push(Line::from(vec![Span::styled(format!("  {keys:<10}"), theme.key), Span::raw(hint)]));
    }
    if ctx == Context::Customer {
        lines.push(Line::raw(""));
        lines.push(Line::styled("How the figures are computed", theme.title));
        for (name, formula) in FORMULAS {
            lines.push(Line::from(vec![Span::styled(format!("  {name}: "), theme.card_title), Span::raw(*formula)]));
        }
    }
    let rect = centered(area, 90, lines.len() as u16 + 2);
    // Never scroll past the end of the text.
    let inner_w = rect.width.saturating_sub(2).max(1) as usize;
    let wrapped: usize = lines.iter().map(|l| l.width().div_ceil(inner_w).max(1)).sum();
    let scroll = scroll.min(wrapped.saturating_sub(rect.height.saturating_sub(2) as usize) as u16);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.popup_border)
        .title(" Help — Esc closes ");
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)), rect);
}

pub fn message(frame: &mut Frame, area: Rect, title: &str, text: &str, theme: &Theme) {
    let width = 60.min(area.width);
    let lines =
        vec![Line::raw(clean(text).into_owned()), Line::raw(""), Line::styled("Enter or Esc to close", theme.muted)];
    let height = (text.len() as u16 / width.saturating_sub(4).max(1)) + 6;
    let rect = centered(area, width, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.error)
        .title(format!(" {} ", clean(title)));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
}
