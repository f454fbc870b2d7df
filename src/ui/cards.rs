//! The metric cards: their texts (pure, also used for layout) and drawing.

use super::theme::Theme;
use crate::domain::metrics::Metrics;
use crate::domain::text::width;
use crate::store::CustomerFigures;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

/// What one card says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub title: &'static str,
    pub value: String,
    pub detail: String,
    /// Collected percent for the gauge card.
    pub gauge: Option<u8>,
    pub alert: bool,
}

pub fn cards(m: &Metrics, show_credit: bool) -> Vec<Card> {
    let card = |title, value: String, detail: String| Card { title, value, detail, gauge: None, alert: false };
    let mut out = vec![Card {
        gauge: Some(m.collected_percent),
        ..card(
            "Billed & Collected",
            format!("{} / {}", m.billed_collected.display_whole(), m.total_billed.display_whole()),
            String::new(),
        )
    }];
    out.push(Card {
        alert: m.overdue.minor > 0,
        ..card("Outstanding", m.outstanding.display(), format!("{} overdue", m.overdue.display()))
    });
    if show_credit {
        out.push(card("Credit Balance", m.credit_balance.display(), "unapplied".into()));
    }
    out.push(card(
        "Auto-Resolved",
        format!("{} of {}", m.conversations.auto_resolved, m.conversations.total),
        "conversations".into(),
    ));
    out.push(card(
        "Avg. Days to Collect",
        m.avg_days_to_collect.map_or("—".into(), |d| format!("{d} days")),
        "last 12 months".into(),
    ));
    out.push(card(
        "Total Collected",
        m.total_collected.display(),
        format!(
            "{} payment{}",
            crate::domain::money::group_thousands(m.collected_count.unsigned_abs()),
            if m.collected_count == 1 { "" } else { "s" }
        ),
    ));
    out
}

/// The gauge line is this wide plus " 100%".
const GAUGE_CELLS: usize = 10;

/// The width each card needs so no number is cut: its title between the
/// corners, or its lines with borders and a space each side.
pub fn min_widths(f: &CustomerFigures, show_credit: bool) -> Vec<u16> {
    cards(&f.metrics, show_credit)
        .iter()
        .map(|c| {
            let gauge = if c.gauge.is_some() { GAUGE_CELLS + 5 } else { 0 };
            let body = width(&c.value).max(width(&c.detail)).max(gauge) + 4;
            (width(c.title) + 2).max(body) as u16
        })
        .collect()
}

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
