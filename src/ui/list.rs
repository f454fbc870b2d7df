//! The customers list.

use super::grid::{self, Grid};
use super::theme::Theme;
use crate::app::App;
use crate::app::customers::{COLUMNS, CustomersScreen};
use crate::domain::model::CustomerListRow;
use crate::domain::tabs::CellCtx;
use crate::view::layout;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// What an empty list says, with the keys from the key table.
fn empty_text(s: &CustomersScreen) -> String {
    use crate::app::action::Action;
    use crate::app::keymap::{Context, label};
    if s.all.is_empty() {
        format!(
            "No customers yet: {} creates one, {} imports Stripe, QuickBooks, HubSpot or Salesforce exports.",
            label(Context::Customers, Action::NewCustomer),
            label(Context::Customers, Action::Import)
        )
    } else if s.input.is_some() {
        format!("No customer matches the search. {} clears it.", label(Context::Input, Action::InputCancel))
    } else {
        format!("No customer matches the search. {} clears it.", label(Context::Searched, Action::InputCancel))
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &CustomersScreen, theme: &Theme) {
    let l = layout::customers(area);
    let title = Line::from(vec![
        Span::styled(format!(" {} ", crate::domain::text::clean(&app.org.name)), theme.title),
        Span::styled(format!("· Customers ({})", s.all.len()), theme.subtitle),
        Span::styled(
            match app.store().as_of() {
                Some(d) => format!("  as of {d} (read-only)"),
                None => app
                    .read_only()
                    .map(|why| format!("  read-only: {}", crate::domain::text::clean(why)))
                    .unwrap_or_default(),
            },
            theme.error,
        ),
    ]);
    frame.render_widget(Paragraph::new(title), l.title);
    let rows: Vec<(usize, &CustomerListRow)> = s.scroll.visible().map(|i| (i, &s.all[s.shown[i]])).collect();
    let empty = empty_text(s);
    let grid = Grid {
        columns: COLUMNS,
        sort: Some((s.sort, s.desc)),
        rows,
        selected: s.scroll.selected,
        empty: &empty,
        pan: s.pan,
    };
    grid::draw(frame, l.table, grid, &CellCtx { today: app.today, selection: None }, theme);
    match &s.input {
        Some(input) => {
            let [label, field] = ratatui::layout::Layout::horizontal([
                ratatui::layout::Constraint::Length(9),
                ratatui::layout::Constraint::Fill(1),
            ])
            .areas(l.status);
            frame.render_widget(Span::styled(" Search: ", theme.key), label);
            frame.render_widget(input, field);
        }
        None => {
            let mut spans = vec![Span::styled(
                format!(
                    " {} of {} · sorted by {} {}",
                    s.shown.len(),
                    s.all.len(),
                    s.sort.title(),
                    if s.desc { "↓" } else { "↑" }
                ),
                theme.status,
            )];
            if !s.query.is_empty() {
                spans.push(Span::styled(format!(" · search \"{}\"", crate::domain::text::clean(&s.query)), theme.key));
            }
            let message = app.message().map(crate::domain::text::clean);
            let note = message.as_deref().map(|m| (m, theme.notice));
            super::status::draw(frame, l.status, l.table, spans, note, theme);
        }
    }
    super::footer::draw(frame, l.footer, &app.contexts(), theme);
}
