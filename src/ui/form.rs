//! Drawing a form: labels on the left, fields on the right, each field's
//! error (or hint) under it and, after a save met "changed elsewhere",
//! what changed there; the store's refusal as a banner on top.
//! Every form is drawn from its fields alone: adding a form (see
//! `app::forms`) needs nothing here.

use super::theme::Theme;
use crate::app::dialog::FormDialog;
use crate::app::form::{Field, FieldKind};
use crate::app::keymap::{Context, footer};
use crate::domain::text::{self, clean};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

/// The narrowest label column; longer labels widen it (up to `LABEL_MAX`).
const LABEL_W: u16 = 19;
const LABEL_MAX: u16 = 26;
const CHECKLIST_ROWS: usize = 6;

/// How a line under a field is drawn.
#[derive(Clone, Copy)]
enum Says {
    Error,
    Hint,
    /// What changed in the stored record (`Field::elsewhere`).
    Elsewhere,
}

/// The lines under a field: its error, else its hint (left out for a
/// field marked changed elsewhere, to keep the form within the screen);
/// then what changed elsewhere.
fn messages(f: &Field) -> impl Iterator<Item = (&str, Says)> {
    let first = match (&f.error, &f.elsewhere) {
        (Some(e), _) => Some((e.as_str(), Says::Error)),
        (None, None) => f.hint.as_deref().map(|h| (h, Says::Hint)),
        (None, Some(_)) => None,
    };
    first.into_iter().chain(f.elsewhere.as_deref().map(|n| (n, Says::Elsewhere)))
}

/// Rows one message takes wrapped to `msg_w` columns (at most three).
fn message_rows(text: &str, msg_w: u16) -> u16 {
    text::rows(&clean(text), usize::from(msg_w)).clamp(1, 3) as u16
}

/// Rows a field takes: its value, then its messages wrapped to `msg_w`
/// columns.
fn field_height(f: &Field, msg_w: u16) -> u16 {
    let body = match &f.kind {
        FieldKind::Checklist { items, .. } => items.len().clamp(1, CHECKLIST_ROWS) as u16,
        FieldKind::Rows { rows, .. } => rows.len().clamp(1, CHECKLIST_ROWS) as u16,
        _ => 1,
    };
    body + messages(f).map(|(m, _)| message_rows(m, msg_w)).sum::<u16>()
}

pub fn draw(frame: &mut Frame, area: Rect, fd: &FormDialog, theme: &Theme) {
    let form = &fd.form;
    // Completion candidates under a path field: the form widens to show
    // the longest whole, up to the screen's width.
    let listed = super::candidates::lines(&fd.candidates);
    let longest = form.fields.iter().map(|f| f.label.chars().count() as u16 + 3).max().unwrap_or(0);
    let label_w = longest.clamp(LABEL_W, LABEL_MAX);
    let width = (label_w + super::candidates::widest(&listed) + 2).max(80).min(area.width);
    // The store's refusal, wrapped, whole as far as the screen goes: it
    // leaves the borders, the keys and a row of the focused field (a
    // refused file's long path took the four rows it had, and the reason
    // never showed).
    let banner_rows = form.banner.as_deref().map_or_else(Vec::new, |b| {
        super::popup::wrapped(&[Line::styled(clean(b).into_owned(), theme.error)], usize::from(width.saturating_sub(2)))
    });
    let banner = (banner_rows.len() as u16).min(area.height.saturating_sub(4).max(1));
    let cands = listed.len() as u16;
    // The value and message column: the popup less its borders and labels.
    let msg_w = width.saturating_sub(2 + label_w);
    let body: u16 = form.fields.iter().map(|f| field_height(f, msg_w)).sum::<u16>() + banner + cands + 2;
    let height = (body + 2).min(area.height);
    let rect = super::popup::centered(area, width, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.popup_border)
        .title(format!(" {} ", clean(&form.title)));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    let line_at = |y: u16, h: u16| Rect { x: inner.x, y, width: inner.width, height: h.min(bottom.saturating_sub(y)) };
    if !banner_rows.is_empty() {
        frame.render_widget(Paragraph::new(banner_rows), line_at(y, banner));
        y += banner;
    }
    // Keep the focused field visible when the form is taller than the screen.
    let heights: Vec<u16> = form.fields.iter().map(|f| field_height(f, msg_w)).collect();
    let before: u16 = heights[..form.focus].iter().sum();
    let room = bottom.saturating_sub(y).saturating_sub(1);
    let skip_h = (before + heights[form.focus]).saturating_sub(room);
    let mut skipped = 0;
    for (i, f) in form.fields.iter().enumerate() {
        if skipped < skip_h {
            skipped += heights[i];
            continue;
        }
        if y >= bottom.saturating_sub(1) {
            break;
        }
        let focused = i == form.focus;
        let label_style = if !f.enabled {
            theme.muted
        } else if focused {
            theme.key
        } else {
            theme.card_title
        };
        let marker = if focused { "› " } else { "  " };
        let label = Rect { width: label_w.min(inner.width), ..line_at(y, 1) };
        frame.render_widget(Paragraph::new(Span::styled(format!("{marker}{}", f.label), label_style)), label);
        let value = Rect { x: inner.x + label_w, width: inner.width.saturating_sub(label_w), ..line_at(y, 1) };
        let rows = field(frame, value, f, focused, theme);
        y += rows;
        for (msg, says) in messages(f) {
            let style = match says {
                Says::Error => theme.error,
                Says::Hint => theme.muted,
                Says::Elsewhere => theme.elsewhere,
            };
            let rows = message_rows(msg, msg_w);
            let r = Rect { x: inner.x + label_w, width: inner.width.saturating_sub(label_w), ..line_at(y, rows) };
            let text = super::popup::wrapped(&[Line::styled(clean(msg).into_owned(), style)], usize::from(r.width));
            frame.render_widget(Paragraph::new(text), r);
            y += rows;
        }
        if focused && f.completes_paths {
            // Above the keys row.
            let above_keys = Rect { height: inner.height.saturating_sub(1), ..inner };
            y += super::candidates::draw(frame, above_keys, y, label_w, &listed, theme);
        }
    }
    let keys: Vec<Span> = footer(&[Context::Form])
        .into_iter()
        .flat_map(|h| {
            [Span::styled(format!(" {}", h.keys), theme.key), Span::styled(format!(" {} ", h.hint), theme.muted)]
        })
        .collect();
    let last = Rect { y: bottom.saturating_sub(1), ..line_at(bottom.saturating_sub(1), 1) };
    frame.render_widget(Paragraph::new(Line::from(keys)).wrap(Wrap { trim: true }), last);
}

/// Draws one field's value; returns the rows it used.
fn field(frame: &mut Frame, area: Rect, f: &Field, focused: bool, theme: &Theme) -> u16 {
    match &f.kind {
        FieldKind::Rows { rows, cursor } => {
            // Nothing typed and not being typed in: blank, as an empty
            // one-line field is (a lone muted "1" read as a value).
            if !focused && rows.iter().all(|r| r.is_empty()) {
                return 1;
            }
            let shown = rows.len().min(CHECKLIST_ROWS);
            let first = cursor.saturating_sub(shown - 1);
            // Each row numbered, as errors name them ("line 2: …").
            let digits = rows.len().to_string().len() as u16;
            for (n, i) in (first..first + shown).enumerate() {
                let r = Rect { y: area.y + n as u16, ..area };
                let num = Rect { width: (digits + 1).min(r.width), ..r };
                frame.render_widget(
                    Paragraph::new(Span::styled(format!("{:>w$} ", i + 1, w = usize::from(digits)), theme.muted)),
                    num,
                );
                let text = Rect { x: r.x + num.width, width: r.width.saturating_sub(num.width), ..r };
                if focused && i == *cursor {
                    frame.render_widget(&rows[i], text);
                } else {
                    let t = clean(&rows[i].lines().join("")).into_owned();
                    frame.render_widget(Paragraph::new(t), text);
                }
            }
            shown as u16
        }
        FieldKind::Text(t) if focused => {
            frame.render_widget(&**t, area);
            1
        }
        FieldKind::Text(_) => {
            let style = if f.enabled { ratatui::style::Style::new() } else { theme.muted };
            frame.render_widget(Paragraph::new(Span::styled(clean(&f.value()).into_owned(), style)), area);
            1
        }
        FieldKind::Choice { options, selected } => {
            let text = options.get(*selected).map(|o| clean(o).into_owned()).unwrap_or_default();
            let style = if focused { theme.selected } else { ratatui::style::Style::new() };
            let more = if options.len() > 1 { "  ‹ ›" } else { "" };
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(format!(" {text} "), style),
                    Span::styled(more, theme.muted),
                ])),
                area,
            );
            1
        }
        FieldKind::Toggle(on) => {
            let style = if focused { theme.selected } else { ratatui::style::Style::new() };
            let text = if *on { "[x] yes" } else { "[ ] no" };
            frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
            1
        }
        FieldKind::Checklist { items, checked, cursor } => {
            if items.is_empty() {
                frame.render_widget(Paragraph::new(Span::styled("(no open invoices)", theme.muted)), area);
                return 1;
            }
            let rows = items.len().min(CHECKLIST_ROWS);
            let first = cursor.saturating_sub(rows - 1);
            for (n, i) in (first..first + rows).enumerate() {
                let r = Rect { y: area.y + n as u16, ..area };
                let mark = if checked[i] { "[x]" } else { "[ ]" };
                let style = if focused && f.enabled && i == *cursor {
                    theme.selected
                } else if f.enabled {
                    ratatui::style::Style::new()
                } else {
                    theme.muted
                };
                frame.render_widget(Paragraph::new(Span::styled(format!("{mark} {}", clean(&items[i].1)), style)), r);
            }
            rows as u16
        }
    }
}
