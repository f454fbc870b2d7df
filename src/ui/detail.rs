//! The invoice and payment detail screens, laid out by `view::detail`:
//! title line and customer, facts, an invoice's memo and lines, the
//! applications the cursor moves in, then the invoice's history or the
//! payment's refunds. Every text from
//! data is cleaned and cut with "…" here or by the grid.

use super::grid::{self, Grid};
use super::theme::Theme;
use crate::app::App;
use crate::app::detail::{Detail, DetailScreen};
use crate::domain::Money;
use crate::domain::date::DateStyle;
use crate::domain::detail::{Applied, InvoiceDetail};
use crate::domain::model::ActivityRow;
use crate::domain::money::group_thousands;
use crate::domain::tabs::{CellCtx, Column, Tabular};
use crate::domain::text::{self as text, clean, ellipsize, pad, width, wrap};
use crate::view::detail::{self as view, DetailLayout, Fact, Facts};
use crate::view::thread;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, d: &DetailScreen, theme: &Theme) {
    let today = app.today;
    let facts = d.facts(today, app.dates);
    let l = d.layout(area, today);
    header(frame, l.header, d, (today, app.dates), theme);
    draw_facts(frame, l.facts, &facts, theme);
    let ctx = CellCtx { today, selection: None, dates: app.dates };
    match &d.detail {
        Detail::Invoice(i) => {
            memo(frame, l.memo, i, theme);
            lines(frame, &l, i, &ctx, theme);
            let cur = i.invoice.total.currency;
            let title = applied_title("Applications", &i.applications, cur, "nothing paid or credited yet");
            section(frame, l.list_title, &title, theme);
            chosen(frame, l.list, view::INVOICE_APPLICATIONS, &i.applications, d, &ctx, theme);
            let shown = usize::from(l.more.height.saturating_sub(1));
            section(frame, l.more_title, &history_title(&i.history, i.more_history, shown), theme);
            let cols = <ActivityRow as Tabular>::COLUMNS;
            shown_only(frame, l.more, cols, &i.history, &ctx, theme);
        }
        Detail::Payment(p) => {
            let cur = p.payment.amount.currency;
            let title = applied_title("Applied to", &p.applications, cur, "no invoice yet");
            section(frame, l.list_title, &title, theme);
            chosen(frame, l.list, view::PAYMENT_APPLICATIONS, &p.applications, d, &ctx, theme);
            let title = listed("Refunds", &p.refunds, |r| r.amount.minor, cur, "none");
            section(frame, l.more_title, &title, theme);
            shown_only(frame, l.more, view::REFUNDS, &p.refunds, &ctx, theme);
        }
        Detail::Conversation(c) => {
            let title = match (c.invoices.len(), thread::owed(c)) {
                (0, _) | (_, None) => " Invoices: none linked".to_string(),
                (n, Some(owed)) => format!(" Invoices ({}) · Σ balance {}", group_thousands(n as u64), owed.display()),
            };
            section(frame, l.list_title, &title, theme);
            chosen(frame, l.list, thread::LINKED_INVOICES, &c.invoices, d, &ctx, theme);
            transcript(frame, &l, c, app.dates, theme);
        }
    }
    status(frame, &l, app, d, theme);
    super::footer::draw(frame, l.footer, &app.contexts(), theme);
}

/// "Invoice INV-000002  Overdue, partial · 29 days overdue" over the
/// customer's name.
fn header(frame: &mut Frame, area: Rect, d: &DetailScreen, when: (chrono::NaiveDate, DateStyle), theme: &Theme) {
    let (today, dates) = when;
    if area.height == 0 {
        return;
    }
    let (title, status, alert) = match &d.detail {
        Detail::Invoice(i) => {
            let (status, overdue) = view::invoice_status(i, today);
            (format!(" Invoice {}", clean(&i.invoice.number)), status, overdue)
        }
        Detail::Payment(p) => {
            (format!(" Payment {}", clean(&view::payment_name(p))), p.payment.status.label().to_string(), false)
        }
        Detail::Conversation(c) => (
            format!(" Conversation: {}", clean(&c.conversation.subject)),
            clean(&thread::status_line(c, dates)).into_owned(),
            c.promises.iter().any(|p| p.state(today) == crate::domain::collections::PromiseState::Broken),
        ),
    };
    let w = usize::from(area.width);
    let title = ellipsize(&title, w).into_owned();
    let status = ellipsize(&status, w.saturating_sub(width(&title) + 2)).into_owned();
    let style = if alert { theme.overdue } else { theme.figure };
    let mut spans = vec![Span::styled(title, theme.title)];
    if !status.is_empty() {
        spans.extend([Span::raw("  "), Span::styled(status, style)]);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), Rect { height: 1, ..area });
    if area.height > 1 {
        let c = &d.customer;
        let mut who = format!(" {}", clean(&c.name));
        if !c.legal_name.trim().is_empty() && c.legal_name != c.name {
            who.push_str(&format!(" · {}", clean(&c.legal_name)));
        }
        let line = Span::styled(ellipsize(&who, w).into_owned(), theme.subtitle);
        frame.render_widget(Paragraph::new(line), Rect { y: area.y + 1, height: 1, ..area });
    }
}

/// The widest a column of facts gets.
const FACTS_COLUMN: u16 = 48;

/// The facts in two columns side by side, or one under the other on a
/// narrow screen; amounts right-aligned to the widest.
fn draw_facts(frame: &mut Frame, area: Rect, facts: &Facts, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let lines = |list: &[Fact], w: u16| -> Vec<Line<'static>> {
        let label_w = list.iter().map(|f| width(f.label)).max().unwrap_or(0);
        let amount_w = list.iter().filter(|f| f.amount).map(|f| width(&f.value)).max().unwrap_or(0);
        let room = usize::from(w).saturating_sub(label_w + 3);
        list.iter()
            .map(|f| {
                let value = clean(&f.value);
                let value =
                    if f.amount { pad(&value, amount_w.min(room), true) } else { ellipsize(&value, room).into_owned() };
                let style = if f.alert { theme.overdue } else { theme.figure };
                Line::from(vec![
                    Span::styled(format!(" {:<label_w$}  ", f.label), theme.muted),
                    Span::styled(value, style),
                ])
            })
            .collect()
    };
    if area.width >= view::SIDE_BY_SIDE {
        // Side by side, not at the screen's two ends.
        let half = (area.width / 2).min(FACTS_COLUMN);
        let left = Rect { width: half, ..area };
        let right = Rect { x: area.x + half, width: (area.width - half).min(FACTS_COLUMN), ..area };
        frame.render_widget(Paragraph::new(lines(&facts.left, left.width)), left);
        frame.render_widget(Paragraph::new(lines(&facts.right, right.width)), right);
    } else {
        let mut all = lines(&facts.left, area.width);
        all.extend(lines(&facts.right, area.width));
        frame.render_widget(Paragraph::new(all), area);
    }
}

/// " Memo  PO 4471 · Net 30", wrapped to the rows it was given, the last
/// one cut with "…".
fn memo(frame: &mut Frame, area: Rect, d: &InvoiceDetail, theme: &Theme) {
    let Some(text) = view::memo_text(d).filter(|_| area.height > 0) else { return };
    let text = clean(&text);
    let room = usize::from(area.width).saturating_sub(view::MEMO_LABEL).max(1);
    let rows = wrap(&[((), text.as_ref())], room);
    let shown = usize::from(area.height);
    let lines: Vec<Line<'static>> = rows
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, r)| {
            let row = |r: &text::Row<()>| r.iter().map(|(_, s)| s.as_str()).collect::<String>();
            let mut t = row(r);
            if i + 1 == shown
                && let Some(next) = rows.get(shown)
            {
                // More follows: the last row shown says so.
                t = ellipsize(&format!("{t} {}", row(next)), room).into_owned();
            }
            let label = if i == 0 {
                format!(" {:<w$}", "Memo", w = view::MEMO_LABEL - 1)
            } else {
                " ".repeat(view::MEMO_LABEL)
            };
            Line::from(vec![Span::styled(label, theme.muted), Span::styled(t, theme.figure)])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The lines: "Lines (3) · Σ $450.00", their table (as many rows as fit),
/// and the line saying they do not add up to the total.
fn lines(frame: &mut Frame, l: &DetailLayout, d: &InvoiceDetail, ctx: &CellCtx<'_>, theme: &Theme) {
    if d.lines.is_empty() {
        return;
    }
    let cur = d.invoice.total.currency;
    let fit = usize::from(l.lines.height.saturating_sub(1));
    let mut title = listed("Lines", &d.lines, |x| x.amount_minor, cur, "");
    if fit < d.lines.len() {
        // The key that shows the rest, from the key table.
        let key = crate::app::keymap::label(
            crate::app::keymap::Context::InvoiceDetail,
            crate::app::action::Action::ShowLines,
        );
        title.push_str(&format!(" · first {} shown ({key} all)", group_thousands(fit as u64)));
    }
    section(frame, l.lines_title, &title, theme);
    let rows: Vec<view::LineRow> =
        d.lines.iter().take(fit).map(|line| view::LineRow { line: line.clone(), currency: cur }).collect();
    if !rows.is_empty() && l.lines.height > 0 {
        let shown = rows.iter().enumerate().collect();
        let grid = Grid {
            columns: view::line_columns(&d.lines),
            sort: None,
            rows: shown,
            selected: usize::MAX,
            empty: "",
            pan: 0,
        };
        grid::draw(frame, l.lines, grid, ctx, theme);
    }
    if let Some(m) = view::mismatch_line(d).filter(|_| l.mismatch.height > 0) {
        let text = ellipsize(&format!(" {m}"), usize::from(l.mismatch.width)).into_owned();
        frame.render_widget(Span::styled(text, theme.overdue), l.mismatch);
    }
}

/// A thread's messages in the room below its invoices: all of them when
/// they fit, else the latest (the title says so and names the key that
/// shows them all).
fn transcript(
    frame: &mut Frame,
    l: &DetailLayout,
    c: &crate::domain::collections::ConversationDetail,
    dates: crate::domain::date::DateStyle,
    theme: &Theme,
) {
    let n = c.messages.len();
    let lines = thread::transcript(&c.messages, usize::from(l.more.width), dates);
    let fit = usize::from(l.more.height);
    let title = if n == 0 {
        " Messages: none yet".to_string()
    } else if lines.len() > fit {
        let key = crate::app::keymap::label(
            crate::app::keymap::Context::ConversationDetail,
            crate::app::action::Action::ViewRow,
        );
        format!(" Messages ({}) · the latest shown, {key} reads them all", group_thousands(n as u64))
    } else {
        format!(" Messages ({}) · oldest first", group_thousands(n as u64))
    };
    section(frame, l.more_title, &title, theme);
    if fit == 0 {
        return;
    }
    let start = lines.len().saturating_sub(fit);
    let shown: Vec<Line<'static>> = lines[start..]
        .iter()
        .map(|t| {
            // The text plain, for reading; each message's heading stands out.
            let style = if t.heading { theme.figure } else { ratatui::style::Style::default() };
            Span::styled(t.text.clone(), style).into()
        })
        .collect();
    frame.render_widget(Paragraph::new(shown), l.more);
}

/// "Applications (2) · Σ $4,000.00", or "Applications: none yet".
fn listed<R>(name: &str, rows: &[R], minor: impl Fn(&R) -> i64, cur: crate::domain::Currency, none: &str) -> String {
    if rows.is_empty() {
        return format!(" {name}: {none}");
    }
    let sum = Money::new(rows.iter().map(minor).sum(), cur);
    format!(" {name} ({}) · Σ {}", group_thousands(rows.len() as u64), sum.display())
}

/// " Applications (2) · Σ $300.00 · 1 reversed": the sum of those that
/// count; the reversed ones are listed after them, each with its date.
fn applied_title<A: Applied>(name: &str, rows: &[A], cur: crate::domain::Currency, none: &str) -> String {
    let live: Vec<&A> = rows.iter().filter(|a| a.live()).collect();
    let reversed = rows.len() - live.len();
    let mut title = if live.is_empty() {
        format!(" {name}: {none}")
    } else {
        let sum = Money::new(live.iter().map(|a| a.amount().minor).sum(), cur);
        format!(" {name} ({}) · Σ {}", group_thousands(live.len() as u64), sum.display())
    };
    if reversed > 0 {
        title.push_str(&format!(" · {} reversed", group_thousands(reversed as u64)));
    }
    title
}

fn history_title(rows: &[ActivityRow], more: bool, shown: usize) -> String {
    if rows.is_empty() {
        return " History: none recorded for this invoice".into();
    }
    let n = format!("{}{}", group_thousands(rows.len() as u64), if more { "+" } else { "" });
    if shown < rows.len() || more {
        format!(" History ({n}) · newest {shown} shown, all in the Activity tab")
    } else {
        format!(" History ({n}) · newest first")
    }
}

fn section(frame: &mut Frame, area: Rect, title: &str, theme: &Theme) {
    if area.height > 0 {
        let text = ellipsize(title, usize::from(area.width)).into_owned();
        frame.render_widget(Span::styled(text, theme.card_title), area);
    }
}

/// The list the cursor moves in: its visible window, the cursor marked.
fn chosen<R: 'static>(
    frame: &mut Frame,
    area: Rect,
    columns: &[view::Col<R>],
    rows: &[R],
    d: &DetailScreen,
    ctx: &CellCtx<'_>,
    theme: &Theme,
) {
    if rows.is_empty() || area.height == 0 {
        return;
    }
    let shown = d.scroll.visible().filter_map(|i| rows.get(i).map(|r| (i, r))).collect();
    let grid = Grid { columns, sort: None, rows: shown, selected: d.scroll.selected, empty: "", pan: 0 };
    grid::draw(frame, area, grid, ctx, theme);
}

/// A list only read: its first rows, as many as fit.
fn shown_only<R: 'static, K: PartialEq + Copy + 'static>(
    frame: &mut Frame,
    area: Rect,
    columns: &'static [Column<R, K>],
    rows: &[R],
    ctx: &CellCtx<'_>,
    theme: &Theme,
) {
    if rows.is_empty() || area.height == 0 {
        return;
    }
    let fit = usize::from(area.height.saturating_sub(1));
    let shown = rows.iter().take(fit).enumerate().collect();
    let grid = Grid { columns, sort: None, rows: shown, selected: usize::MAX, empty: "", pan: 0 };
    grid::draw(frame, area, grid, ctx, theme);
}

/// "Applications 1–6 of 20", and the last message.
fn status(frame: &mut Frame, l: &DetailLayout, app: &App, d: &DetailScreen, theme: &Theme) {
    let what = match d.detail {
        Detail::Invoice(_) => "Applications",
        Detail::Payment(_) => "Applied to",
        Detail::Conversation(_) => "Invoices",
    };
    let range = d.scroll.visible();
    let text = if d.rows() == 0 {
        format!(" {what}: none")
    } else if range.is_empty() {
        format!(" {what}: {}", group_thousands(d.rows() as u64))
    } else {
        let g = |n: usize| group_thousands(n as u64);
        format!(" {what} {}–{} of {}", g(range.start + 1), g(range.end), g(d.rows()))
    };
    let above = Rect { y: l.list_title.y, height: l.status.y.saturating_sub(l.list_title.y), ..l.status };
    let message = app.message().map(clean);
    let note = message.as_deref().map(|m| (m, theme.notice));
    super::status::draw(frame, l.status, above, vec![Span::styled(text, theme.status)], note, theme);
}
