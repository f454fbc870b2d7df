//! The customer page: header with badges, metric cards, aging strip, tabs,
//! the current tab's table, status line and footer.

use super::cards;
use super::grid::{self, Grid};
use super::theme::Theme;
use crate::app::App;
use crate::app::customer::CustomerPage;
use crate::domain::Money;
use crate::domain::tabs::{CellCtx, Tabular};
use crate::domain::text::{clean, ellipsize, width};
use crate::view::{aging, layout};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, p: &CustomerPage, theme: &Theme) {
    let show_credit = app.org.show_credit_balance;
    let l = layout::customer_page(area, &crate::view::cards::Needs::of(&p.figures, show_credit));
    let badge = match app.store().as_of() {
        Some(d) => Some(format!("as of {}", app.dates.show(d))),
        None => app.read_only().map(|_| String::new()),
    };
    header(frame, l.header, p, badge.as_deref(), theme);
    let focus = p.figures_focus.and_then(|i| crate::view::figures::targets(show_credit).get(i).map(|t| t.place));
    let c = cards::Cards { style: l.card_style, figures: &p.figures, show_credit, focus };
    cards::draw(frame, &l.cards, c, theme);
    if let Some((area, plan)) = &l.aging {
        let bucket = match focus {
            Some(crate::view::figures::Place::Aging(b)) => Some(b),
            _ => None,
        };
        aging(frame, *area, plan, bucket, theme);
    }
    tab_bar(frame, l.tabs, p, theme);
    let ctx = CellCtx { today: app.today, selection: Some(&p.selection), dates: app.dates };
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
    status(frame, l.status, l.table, app, p, theme);
    super::footer::draw(frame, l.footer, &app.contexts(), theme);
}

/// How the header's first line reads at a width: the name, its badges and
/// the page's two actions. When they do not fit the name is cut first
/// (with "…"; the page is about it, so it keeps a few letters), then the
/// badges shorten, then the actions' words, down to their keys; the
/// actions never vanish. Only a screen too narrow for the name and the
/// keys together loses the badges.
fn header_line(
    c: &crate::domain::model::Customer,
    read_only: Option<&str>,
    w: usize,
    theme: &Theme,
) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
    use crate::app::action::Action;
    use crate::app::keymap::{Context, label};
    // 0: whole badges, 1: short, 2: none (a tiny screen keeps the name).
    let badges = |form: u8| {
        let short = form > 0;
        let mut out: Vec<(String, ratatui::style::Style)> = Vec::new();
        if form > 1 {
            return out;
        }
        if let Some(src) = c.import_source {
            out.push((src.label().to_string(), theme.badge_source));
        }
        if c.invoices_paused {
            out.push((if short { "Paused" } else { "Invoices Paused" }.to_string(), theme.badge_paused));
        }
        if c.portal {
            out.push(("Portal".to_string(), theme.badge_portal));
        }
        // Read-only: why in a word, "as of 2026-11-30" whole (it is the
        // page's date) or "Read-only".
        match read_only {
            Some(d) if !d.is_empty() => out.push((d.to_string(), theme.error)),
            Some(_) => out.push((if short { "RO" } else { "Read-only" }.to_string(), theme.error)),
            None => {}
        }
        out
    };
    let actions = |words: usize| -> Vec<Span<'static>> {
        let names = [("Create Contract", "Contract"), ("Create Invoice", "Invoice")];
        [Action::NewContract, Action::NewInvoice]
            .into_iter()
            .zip(names)
            .enumerate()
            .flat_map(|(i, (a, (long, short)))| {
                let after = if i == 0 { "  " } else { " " };
                let word = match words {
                    2 => format!(" {long}{after}"),
                    1 => format!(" {short}{after}"),
                    _ => " ".to_string(),
                };
                [Span::styled(label(Context::Customer, a), theme.key), Span::raw(word)]
            })
            .collect()
    };
    let name = clean(&c.name).into_owned();
    let forms = [(0, 2), (1, 2), (1, 1), (1, 0), (2, 0)];
    for (i, (short, words)) in forms.iter().enumerate() {
        let b = badges(*short);
        let acts = actions(*words);
        let fixed: usize = b.iter().map(|(t, _)| width(t) + 4).sum::<usize>()
            + acts.iter().map(|s| width(&s.content)).sum::<usize>()
            + 1 // the space before the name
            + 2 // " ✎"
            + 1; // between the two sides
        let room = w.saturating_sub(fixed);
        // The name keeps a dozen letters before the badges shorten (the
        // last form takes what is left).
        let last = i + 1 == forms.len();
        if room >= width(&name).min(12) || last {
            let mut left = vec![Span::styled(format!(" {} ✎", ellipsize(&name, room.max(1))), theme.title)];
            for (text, style) in b {
                left.extend([Span::raw("  "), Span::styled(format!(" {text} "), style)]);
            }
            return (left, acts);
        }
    }
    unreachable!("the last form always returns")
}

fn header(frame: &mut Frame, area: Rect, p: &CustomerPage, read_only: Option<&str>, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let c = &p.customer;
    let (left, actions) = header_line(c, read_only, area.width as usize, theme);
    let line_area = Rect { height: 1, ..area };
    frame.render_widget(Paragraph::new(Line::from(left)), line_area);
    frame.render_widget(Paragraph::new(Line::from(actions)).right_aligned(), line_area);
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

/// The aging strip as planned for this width (`view::aging`): amounts
/// whole, on one to three lines.
fn aging(frame: &mut Frame, area: Rect, plan: &aging::Plan, focus: Option<usize>, theme: &Theme) {
    let lines: Vec<Line> = plan
        .lines
        .iter()
        .enumerate()
        .map(|(i, buckets)| {
            let mut spans = if i == 0 && plan.title {
                vec![Span::styled(aging::TITLE, theme.card_title)]
            } else {
                vec![Span::raw(" ")]
            };
            for (j, b) in buckets.iter().enumerate() {
                if j > 0 {
                    spans.push(Span::styled(aging::SEPARATOR, theme.muted));
                }
                let label = if focus == Some(b.index) { theme.selected } else { theme.muted };
                spans.push(Span::styled(format!("{} ", b.label), label));
                let style = if b.amount_is_due() { theme.overdue } else { theme.figure };
                spans.push(Span::styled(b.amount.clone(), style));
                if let Some(cells) = b.bar {
                    spans.push(Span::raw(" "));
                    spans.push(Span::styled("▇".repeat(cells), style));
                    spans.push(Span::raw(" ".repeat(aging::BAR_CELLS - cells.min(aging::BAR_CELLS))));
                }
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The tab bar, as `view::tabs::titles` words it at this width.
fn tab_bar(frame: &mut Frame, area: Rect, p: &CustomerPage, theme: &Theme) {
    let mut spans = vec![Span::raw(crate::view::tabs::LEAD)];
    for (tab, text) in crate::view::tabs::titles(p.tab, |t| p.count(t), area.width) {
        let style = if tab == p.tab { theme.tab_active } else { theme.tab };
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(crate::view::tabs::GAP));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
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
        pan: t.pan,
    };
    grid::draw(frame, area, grid, ctx, theme);
}

fn status(frame: &mut Frame, area: Rect, table: Rect, app: &App, p: &CustomerPage, theme: &Theme) {
    if let Some(input) = &p.filter_input {
        // The refusal wraps above the field, which keeps what was typed.
        if let Some(e) = &p.filter_error {
            super::status::above_line(frame, area, table, &clean(e), theme.error, theme);
        }
        let [label, field] = ratatui::layout::Layout::horizontal([
            ratatui::layout::Constraint::Length(9),
            ratatui::layout::Constraint::Fill(1),
        ])
        .areas(area);
        frame.render_widget(Span::styled(" Filter: ", theme.key), label);
        frame.render_widget(input, field);
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
    // Σ as the tab counts it (help's "Status line Σ" says how) and, on
    // Invoices, Σ balance beside it.
    let join = |v: &[Money]| v.iter().map(|m| m.display()).collect::<Vec<_>>().join(" + ");
    let sums = |short: bool| {
        sum.as_ref().filter(|s| !s.sum.is_empty()).map(|sums| {
            let mut text = format!(" · Σ {}", join(&sums.sum));
            if let Some(b) = &sums.balance {
                let (word, short_word) = crate::domain::tabs::balance_words(p.tab);
                text.push_str(&format!(" · {} {}", if short { short_word } else { word }, join(b)));
            }
            text
        })
    };
    let (n, totals) = p.selection_summary();
    let selected = (n > 0).then(|| {
        let hidden = match p.hidden_selected {
            0 => String::new(),
            h => format!(", {} not shown", crate::domain::money::group_thousands(h as u64)),
        };
        format!(" · {} selected, {}{hidden}", crate::domain::money::group_thousands(n as u64), join(&totals))
    });
    let line = |short: bool, with_sums: bool| {
        let mut spans = vec![Span::styled(shown.clone(), theme.status)];
        if let Some(text) = sums(short).filter(|_| with_sums) {
            spans.push(Span::styled(text, theme.status));
        }
        if !filter.is_empty() {
            spans.push(Span::styled(format!(" · filter: {}", clean(&filter)), theme.key));
        }
        if let Some(text) = &selected {
            spans.push(Span::styled(text.clone(), theme.key));
        }
        spans
    };
    // What does not fit gives way: "balance" shortens, then, with invoices
    // ticked, the view's sums go (the ticked total is what an action takes).
    let fits = |s: &[Span]| s.iter().map(|s| width(&s.content)).sum::<usize>() <= usize::from(area.width);
    let mut spans = line(false, true);
    if !fits(&spans) {
        spans = line(true, true);
    }
    if !fits(&spans) && selected.is_some() {
        spans = line(true, false);
    }
    let message = app.message().map(clean);
    super::status::draw(frame, area, table, spans, message.as_deref().map(|m| (m, theme.notice)), theme);
}

fn group(n: usize) -> String {
    crate::domain::money::group_thousands(n as u64)
}
