//! The metric cards, drawn (their texts are `view::cards`).

use super::theme::Theme;
use crate::domain::metrics::CustomerFigures;
use crate::view::cards::{GAUGE_CELLS, cards};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

pub fn draw(frame: &mut Frame, areas: &[Rect], f: &CustomerFigures, show_credit: bool, theme: &Theme) {
    for (card, area) in cards(&f.metrics, show_credit).iter().zip(areas) {
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(theme.card_border)
            .title(Span::styled(card.title, theme.card_title));
        let detail = match card.gauge {
            Some(pct) => {
                let done = usize::from(pct) * GAUGE_CELLS / 100;
                Line::from(vec![
                    Span::styled("█".repeat(done), theme.gauge_done),
                    Span::styled("░".repeat(GAUGE_CELLS - done), theme.gauge_todo),
                    Span::raw(format!(" {pct}%")),
                ])
            }
            None => Line::styled(card.detail.clone(), if card.alert { theme.overdue } else { theme.muted }),
        };
        let text = vec![Line::styled(card.value.clone(), theme.figure), detail];
        frame.render_widget(Paragraph::new(text).block(block.padding(ratatui::widgets::Padding::horizontal(1))), *area);
    }
}
