//! The customers list.

use super::grid::{self, CellCtx, CellText, Column, Grid};
use super::theme::Theme;
use crate::app::App;
use crate::app::customers::{CustomerCol, CustomersScreen};
use crate::domain::model::CustomerListRow;
use crate::view::layout;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn columns() -> Vec<Column<CustomerListRow, Option<CustomerCol>>> {
    let c = |key, title, width, drop_order, cell: fn(&CustomerListRow, &CellCtx<'_>) -> CellText| Column {
        key,
        title,
        width,
        fill: false,
        right: false,
        drop_order,
        cell,
    };
    vec![
        Column { fill: true, ..c(Some(CustomerCol::Name), "Name", 22, 0, |r, _| r.name.as_str().into()) },
        c(None, "Legal name", 26, 3, |r, _| r.legal_name.as_str().into()),
        c(Some(CustomerCol::Source), "Source", 10, 2, |r, _| r.import_source.map_or("", |s| s.label()).into()),
        c(Some(CustomerCol::Currency), "Cur", 3, 4, |r, _| r.currency.code().into()),
        Column {
            right: true,
            ..c(Some(CustomerCol::Outstanding), "Outstanding", 15, 0, |r, _| r.outstanding.display().into())
        },
        Column {
            right: true,
            ..c(Some(CustomerCol::Overdue), "Overdue", 14, 1, |r, _| CellText {
                text: r.overdue.display(),
                alert: r.overdue.minor > 0,
            })
        },
        c(None, "Badges", 14, 5, |r, _| {
            let mut b = Vec::new();
            if r.invoices_paused {
                b.push("Paused");
            }
            if r.portal {
                b.push("Portal");
            }
            b.join(" ").into()
        }),
    ]
}

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
            app.read_only().map(|why| format!("  read-only: {}", crate::domain::text::clean(why))).unwrap_or_default(),
            theme.error,
        ),
    ]);
    frame.render_widget(Paragraph::new(title), l.title);
    let cols = columns();
    let rows: Vec<(usize, &CustomerListRow)> = s.scroll.visible().map(|i| (i, &s.all[s.shown[i]])).collect();
    let empty = empty_text(s);
    let grid =
        Grid { columns: &cols, sort: Some((Some(s.sort), s.desc)), rows, selected: s.scroll.selected, empty: &empty };
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
            if let Some(m) = &app.message {
                spans.push(Span::styled(format!("  {}", crate::domain::text::clean(m)), theme.notice));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), l.status);
        }
    }
    super::footer::draw(frame, l.footer, &app.contexts(), theme);
}
