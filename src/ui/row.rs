//! One row of a tab with every column whole (`Dialog::Row`): titles in a
//! column of their own, values wrapped beside them.

use super::theme::Theme;
use crate::app::action::Action;
use crate::app::keymap::{Context, label};
use crate::domain::text::{clean, width};
use crate::view::layout::centered;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, title: &str, fields: &[(&'static str, String)], theme: &Theme) {
    let label_w = fields.iter().map(|f| width(f.0)).max().unwrap_or(0);
    let longest = fields.iter().map(|f| width(&clean(&f.1))).max().unwrap_or(0) + label_w + 6;
    let box_w = (longest as u16).clamp(40, 100).min(area.width);
    let inner = usize::from(box_w.saturating_sub(2)).max(1);
    let mut lines: Vec<Line> = Vec::new();
    let mut height = 0usize;
    for (name, value) in fields {
        let value = clean(value).into_owned();
        let text = format!("{name:<label_w$}  {value}");
        height += width(&text).div_ceil(inner).max(1);
        lines.push(Line::from(vec![
            Span::styled(format!("{name:<label_w$}  "), theme.muted),
            Span::styled(value, theme.figure),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(label(Context::Message, Action::Close), theme.key),
        Span::styled(" close", theme.muted),
    ]));
    height += 2;
    let rect = centered(area, box_w, (height + 2) as u16);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.popup_border)
        .title(format!(" {} ", crate::domain::text::ellipsize(&clean(title), inner.saturating_sub(2))));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
}
