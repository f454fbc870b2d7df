//! The customer page: header with badges, metric cards, aging strip, tabs,
//! the current tab's table, status line and footer.

use super::cards;
use super::grid::{self, Grid};
use super::theme::Theme;
use crate::app::App;
use crate::app::customer::CustomerPage;
use crate::domain::Money;
use crate::domain::columns::Tab;
use crate::domain::metrics::AGING_LABELS;
use crate::domain::tabs::{CellCtx, Tabular};
use crate::domain::text::clean;
use crate::domain::text::width;
use crate::view::layout;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, p: &CustomerPage, theme: &Theme) {
    let show_credit = app.org.show_credit_balance;
    let l = layout::customer_page(area, &crate::view::cards::min_widths(&p.figures, show_credit));
    header(frame, l.header, p, app.read_only().is_some(), theme);
    cards::draw(frame, &l.cards, &p.figures, show_credit, theme);
    if let Some(a) = l.aging {
        aging(frame, a, &p.figures.metrics.aging, theme);
    }
    tab_bar(frame, l.tabs, p, theme);
    let ctx = CellCtx { today: app.today, selection: Some(&p.selection) };
    let (filter, _, _) = p.view_state();
    let no_match = format!(
        "Nothing matches the filter ({} to change it).",
        crate::app::keymap::label(crate::app::keymap::Context::Customer, crate::app::action::Action::Filter)
    );
    let empty = |none: &'static str| -> &str {
        if p.searching() {
            "Searching…"
        } else if !filter.is_empty() {
            &no_match
        } else {
            none
        }
    };
    crate::per_tab!(p.tab, |R| table::<R>(frame, l.table, p, empty(R::EMPTY), &ctx, theme));
    status(frame, l.status, app, p, theme);
    super::footer::draw(frame, l.footer, &app.contexts(), theme);
}

fn header(frame: &mut Frame, area: Rect, p: &CustomerPage, read_only: bool, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let c = &p.customer;
    let mut left = vec![Span::styled(format!(" {} ✎", clean(&c.name)), theme.title)];
    let badge = |text: &str, style| [Span::raw("  "), Span::styled(format!(" {text} "), style)];
    if let Some(src) = c.import_source {
        left.extend(badge(src.label(), theme.badge_source));
    }
    if c.invoices_paused {
        left.extend(badge("Invoices Paused", theme.badge_paused));
    }
    if c.portal {
        left.extend(badge("Portal", theme.badge_portal));
    }
    if read_only {
        left.extend(badge("Read-only", theme.error));
    }
    // The page's two buttons, their keys from the key table.
    let key = |a| crate::app::keymap::label(crate::app::keymap::Context::Customer, a);
    let actions = vec![
        Span::styled(key(crate::app::action::Action::NewContract), theme.key),
        Span::raw(" Create Contract  "),
        Span::styled(key(crate::app::action::Action::NewInvoice), theme.key),
        Span::raw(" Create Invoice "),
    ];
    let line_area = Rect { height: 1, ..area };
    let used: usize = left.iter().map(|s| width(&s.content)).sum();
    let act_w: usize = actions.iter().map(|s| width(&s.content)).sum();
    frame.render_widget(Paragraph::new(Line::from(left)), line_area);
    if used + act_w + 2 <= area.width as usize {
        frame.render_widget(Paragraph::new(Line::from(actions)).right_aligned(), line_area);
    }
    if area.height > 1 {
        let sub = Rect { y: area.y + 1, height: 1, ..area };
        let legal = if c.legal_name.is_empty() { String::new() } else { format!(" {}", clean(&c.legal_name)) };
        frame.render_widget(Paragraph::new(Span::styled(legal, theme.subtitle)), sub);
        if !p.figures.others.is_empty() {
            let others: Vec<String> = p
                .figures
                .others
                .iter()
                .map(|(cur, parts)| format!("{} outstanding", Money::new(parts.outstanding_minor, *cur).display()))
                .collect();
            let text = format!("also in other currencies: {} ", others.join(", "));
            frame.render_widget(Paragraph::new(Span::styled(text, theme.muted)).right_aligned(), sub);
        }
    }
}

fn aging(frame: &mut Frame, area: Rect, buckets: &[Money; 5], theme: &Theme) {
    let max = buckets.iter().map(|m| m.minor).max().unwrap_or(0).max(1);
    let render = |whole: bool, bars: bool| {
        let mut spans = vec![Span::styled(" Aging ", theme.card_title)];
        for (i, (label, m)) in AGING_LABELS.iter().zip(buckets).enumerate() {
            if i > 0 {
                spans.push(Span::styled(" · ", theme.muted));
            }
            spans.push(Span::styled(format!("{label} "), theme.muted));
            let style = if i > 0 && m.minor > 0 { theme.overdue } else { theme.figure };
            spans.push(Span::styled(if whole { m.display_whole() } else { m.display() }, style));
            if bars {
                let cells = (m.minor.max(0) * 6 + max - 1) / max;
                let cells = cells as usize;
                spans.push(Span::raw(" "));
                spans.push(Span::styled("▇".repeat(cells), style));
                spans.push(Span::raw(" ".repeat(6 - cells.min(6))));
            }
        }
        spans
    };
    let fits = |spans: &Vec<Span>| spans.iter().map(|s| width(&s.content)).sum::<usize>() <= area.width as usize;
    let line = [(false, true), (false, false), (true, false)]
        .into_iter()
        .map(|(whole, bars)| render(whole, bars))
        .find(fits)
        .unwrap_or_else(|| render(true, false));
    frame.render_widget(Paragraph::new(Line::from(line)), area);
}

fn tab_bar(frame: &mut Frame, area: Rect, p: &CustomerPage, theme: &Theme) {
    let render = |short: bool| {
        let mut spans = vec![Span::raw(" ")];
        for (i, tab) in Tab::ALL.iter().enumerate() {
            let count = p.count(*tab);
            let title = if short && *tab != p.tab { tab.short_title() } else { tab.title() };
            let text = format!("{} {title} ({})", i + 1, group(count));
            let style = if *tab == p.tab { theme.tab_active } else { theme.tab };
            spans.push(Span::styled(text, style));
            spans.push(Span::raw("  "));
        }
        spans
    };
    let long = render(false);
    let used: usize = long.iter().map(|s| width(&s.content)).sum();
    let spans = if used <= area.width as usize { long } else { render(true) };
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn group(n: usize) -> String {
    crate::domain::money::group_thousands(n as u64)
}

/// The current tab's table: its rows of type `R`, drawn as its columns say.
fn table<R: Tabular>(frame: &mut Frame, area: Rect, p: &CustomerPage, empty: &str, ctx: &CellCtx<'_>, theme: &Theme) {
    let Some(t) = p.rows::<R>() else { return };
    let grid = Grid {
        columns: R::COLUMNS,
        sort: Some((t.sort.col, t.sort.desc)),
        rows: t.visible().map(|(i, k)| (i, &k.row)).collect(),
        selected: t.scroll.selected,
        empty,
    };
    grid::draw(frame, area, grid, ctx, theme);
}

fn status(frame: &mut Frame, area: Rect, app: &App, p: &CustomerPage, theme: &Theme) {
    if let Some(input) = &p.filter_input {
        let [label, field] = ratatui::layout::Layout::horizontal([
            ratatui::layout::Constraint::Length(9),
            ratatui::layout::Constraint::Fill(1),
        ])
        .areas(area);
        frame.render_widget(Span::styled(" Filter: ", theme.key), label);
        match &p.filter_error {
            Some(e) => frame.render_widget(Span::styled(clean(e).into_owned(), theme.error), field),
            None => frame.render_widget(input, field),
        }
        return;
    }
    let (filter, exact, sum) = p.view_state();
    let scroll = p.scroll();
    let range = scroll.visible();
    let of =
        if exact { group(scroll.total) } else { format!("{}+ (counting…)", group(scroll.total.saturating_sub(1))) };
    let shown = if scroll.total == 0 {
        format!(" {}: none", p.tab.title())
    } else if range.is_empty() {
        format!(" {}: {of}", p.tab.title())
    } else {
        format!(" {} {}–{} of {of}", p.tab.title(), group(range.start + 1), group(range.end))
    };
    let mut spans = vec![Span::styled(shown, theme.status)];
    if let Some(sums) = sum.filter(|s| !s.is_empty()) {
        let text: Vec<String> = sums.iter().map(|m| m.display()).collect();
        spans.push(Span::styled(format!(" · Σ {}", text.join(" + ")), theme.status));
    }
    if !filter.is_empty() {
        spans.push(Span::styled(format!(" · filter: {}", clean(&filter)), theme.key));
    }
    let (n, totals) = p.selection_summary();
    if n > 0 {
        let sums: Vec<String> = totals.iter().map(|m| m.display()).collect();
        let hidden = match p.hidden_selected {
            0 => String::new(),
            h => format!(", {h} not shown"),
        };
        spans.push(Span::styled(format!(" · {n} selected, {}{hidden}", sums.join(" + ")), theme.key));
    }
    if let Some(m) = app.message() {
        spans.push(Span::styled(format!("  {}", clean(m)), theme.notice));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
