//! The metric cards, drawn (their texts are `view::cards`).

use super::theme::Theme;
use crate::domain::metrics::CustomerFigures;
use crate::domain::text::width;
use crate::view::cards::{BRIEF_GAP, GAUGE_CELLS, cards};
use crate::view::figures::Place;
use crate::view::layout::CardStyle;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

/// The cards, with the figure highlighted that has the keys (`focus`).
pub struct Cards<'a> {
    pub style: CardStyle,
    pub figures: &'a CustomerFigures,
    pub show_credit: bool,
    pub focus: Option<Place>,
}

pub fn draw(frame: &mut Frame, areas: &[Rect], c: Cards<'_>, theme: &Theme) {
    let Cards { style, figures: f, show_credit, focus } = c;
    if let CardStyle::Compact { brief } = style {
        return compact(frame, areas, brief, f, show_credit, focus, theme);
    }
    for (i, (card, area)) in cards(&f.metrics, show_credit).iter().zip(areas).enumerate() {
        let title_style = if focus == Some(Place::Card(i)) { theme.selected } else { theme.card_title };
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(theme.card_border)
            .title(Span::styled(card.title, title_style));
        let detail = match card.gauge {
            Some(pct) => {
                let done = usize::from(pct) * GAUGE_CELLS / 100;
                Line::from(vec![
                    Span::styled("█".repeat(done), theme.gauge_done),
                    Span::styled("░".repeat(GAUGE_CELLS - done), theme.gauge_todo),
                    Span::raw(format!(" {pct}%")),
                ])
            }
            None if focus == Some(Place::Brief(i)) => Line::styled(card.detail.clone(), theme.selected),
            None => Line::styled(card.detail.clone(), if card.alert { theme.overdue } else { theme.muted }),
        };
        let text = vec![Line::styled(card.value.clone(), theme.figure), detail];
        frame.render_widget(Paragraph::new(text).block(block.padding(ratatui::widgets::Padding::horizontal(1))), *area);
    }
}

/// Two lines a card, no box: the title, then the value and (when laid out
/// for it) the sub-figure that matters. A brief that does not fit whole is
/// left out, never cut.
fn compact(
    frame: &mut Frame,
    areas: &[Rect],
    brief: bool,
    f: &CustomerFigures,
    show_credit: bool,
    focus: Option<Place>,
    theme: &Theme,
) {
    for (i, (card, area)) in cards(&f.metrics, show_credit).iter().zip(areas).enumerate() {
        let mut value = vec![Span::raw(" "), Span::styled(card.value.clone(), theme.figure)];
        let room = usize::from(area.width).saturating_sub(1 + width(&card.value) + 1);
        let shown = card.brief.as_ref().filter(|b| brief && width(BRIEF_GAP) + width(b) <= room);
        if let Some(b) = shown {
            let style = match (focus == Some(Place::Brief(i)), card.alert) {
                (true, _) => theme.selected,
                (false, true) => theme.overdue,
                (false, false) => theme.muted,
            };
            value.push(Span::raw(BRIEF_GAP));
            value.push(Span::styled(b.clone(), style));
        } else if focus == Some(Place::Brief(i)) {
            // The brief did not fit: the value stands for it.
            value[1].style = theme.selected;
        }
        let title_style = if focus == Some(Place::Card(i)) { theme.selected } else { theme.card_title };
        let text = vec![Line::from(vec![Span::raw(" "), Span::styled(card.title, title_style)]), Line::from(value)];
        frame.render_widget(Paragraph::new(text), *area);
    }
}
