//! The customers list.

use super::grid::{self, Grid};
use super::theme::Theme;
use crate::app::App;
use crate::app::customers::{COLUMNS, ColumnInfo, CustomersScreen};
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
    if s.searching() || !s.table.exact {
        "Searching…".to_string()
    } else if s.all == Some(0) {
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
        Span::styled(
            match s.all {
                Some(n) => format!("· Customers ({})", crate::domain::money::group_thousands(n as u64)),
                None => "· Customers (…)".to_string(),
            },
            theme.subtitle,
        ),
        Span::styled(
            match app.store().as_of() {
                Some(d) => format!("  as of {} (read-only)", app.dates.show(d)),
                None => app
                    .read_only()
                    .map(|why| format!("  read-only: {}", crate::domain::text::clean(why)))
                    .unwrap_or_default(),
            },
            theme.error,
        ),
    ]);
    frame.render_widget(Paragraph::new(title), l.title);
    let rows: Vec<(usize, &CustomerListRow)> = s.visible();
    let empty = empty_text(s);
    let grid = Grid {
        columns: COLUMNS,
        sort: Some((s.sort, s.desc)),
        rows,
        selected: s.table.scroll.selected,
        empty: &empty,
        pan: s.pan,
    };
    grid::draw(frame, l.table, grid, &CellCtx { today: app.today, selection: None, dates: app.dates }, theme);
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
            let count = match (s.table.exact, s.all) {
                (true, Some(all)) => {
                    format!(
                        "{} of {}",
                        crate::domain::money::group_thousands(s.table.scroll.total as u64),
                        crate::domain::money::group_thousands(all as u64)
                    )
                }
                _ => "counting…".to_string(),
            };
            let arrow = if s.desc { "↓" } else { "↑" };
            let mut spans =
                vec![Span::styled(format!(" {count} · sorted by {} {arrow}", s.sort.title()), theme.status)];
            if s.searching() {
                spans.push(Span::styled(" · Searching…", theme.key));
            }
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
