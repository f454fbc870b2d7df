//! The customers list.

use super::grid::{self, Grid};
use super::theme::Theme;
use crate::app::App;
use crate::app::customers::{CustomerCol, CustomersScreen};
use crate::domain::model::CustomerListRow;
use crate::domain::tabs::{CellCtx, CellText, Column};
use crate::view::layout;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

type C = Column<CustomerListRow, CustomerCol>;

const COLUMNS: &[C] = &[
    C::new("Name", 22, |r, _| r.name.as_str().into()).fill().key(CustomerCol::Name),
    C::new("Legal name", 26, |r, _| r.legal_name.as_str().into()).priority(3),
    C::new("Source", 10, |r, _| r.import_source.map_or("", |s| s.label()).into()).priority(2).key(CustomerCol::Source),
    C::new("Cur", 3, |r, _| r.currency.code().into()).priority(4).key(CustomerCol::Currency),
    C::new("Outstanding", 15, |r, _| r.outstanding.display().into()).right().key(CustomerCol::Outstanding),
    C::new("Overdue", 14, |r, _| CellText { text: r.overdue.display(), alert: r.overdue.minor > 0 })
        .right()
        .priority(1)
        .key(CustomerCol::Overdue),
    C::new("Badges", 14, |r, _| {
        let mut b = Vec::new();
        if r.invoices_paused {
            b.push("Paused");
        }
        if r.portal {
            b.push("Portal");
        }
        b.join(" ").into()
    })
    .priority(5),
];

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
    let rows: Vec<(usize, &CustomerListRow)> = s.scroll.visible().map(|i| (i, &s.all[s.shown[i]])).collect();
    let empty = empty_text(s);
    let grid =
        Grid { columns: COLUMNS, sort: Some((s.sort, s.desc)), rows, selected: s.scroll.selected, empty: &empty };
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
            if let Some(m) = app.message() {
                spans.push(Span::styled(format!("  {}", crate::domain::text::clean(m)), theme.notice));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), l.status);
        }
    }
    super::footer::draw(frame, l.footer, &app.contexts(), theme);
}
