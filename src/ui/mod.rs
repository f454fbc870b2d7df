//! Drawing only: `draw(&App, &mut Frame)`. No SQL and no state changes.

mod candidates;
pub mod cards;
mod detail;
mod footer;
mod form;
mod grid;
mod inert;
mod list;
mod page;
pub mod popup;
mod status;
pub mod theme;

use crate::app::dialog::Dialog;
use crate::app::{App, Screen};
use theme::Theme;

pub fn draw(app: &App, frame: &mut ratatui::Frame) {
    let theme = Theme::named(app.theme, app.plain);
    let area = frame.area();
    match app.screen() {
        Screen::Customers(s) => list::draw(frame, area, app, s, &theme),
        Screen::Customer(p) => page::draw(frame, area, app, p, &theme),
        Screen::Detail(d) => detail::draw(frame, area, app, d, &theme),
    }
    for (i, d) in app.dialogs.iter().enumerate() {
        // A transfer's popup, a confirmation and an import's report stand
        // alone: the form they came from, still open below for a retry or a
        // "no", would show through around their edges in fragments of its
        // labels.
        if matches!(d, Dialog::Form(_))
            && matches!(app.dialogs.get(i + 1), Some(Dialog::Transferring | Dialog::Confirm(_) | Dialog::Report(_)))
        {
            continue;
        }
        match d {
            Dialog::Help { contexts, scroll, mouse } => popup::help(frame, area, contexts, *scroll, *mouse, &theme),
            Dialog::Message { title, text, reload } => popup::message(frame, area, title, text, *reload, &theme),
            Dialog::Form(fd) => form::draw(frame, area, fd, &theme),
            Dialog::Confirm(c) => popup::confirm(frame, area, c, &theme),
            Dialog::Menu(m) => popup::menu(frame, area, m, &theme),
            Dialog::Link { label, url } => popup::link(frame, area, label, url, &theme),
            Dialog::Row { title, fields } => popup::row(frame, area, title, fields, &theme),
            Dialog::Report(r) => popup::report(frame, area, r, &theme),
            Dialog::Importing => {
                if let Some(status) = app.import.as_ref().map(|j| j.status()) {
                    popup::importing(frame, area, &status, &theme)
                }
            }
            Dialog::Transferring => {
                if let Some(status) = app.documents.as_ref().map(|j| j.status()) {
                    popup::transfer(frame, area, &status, &theme)
                }
            }
        }
    }
    inert::make_inert(frame.buffer_mut());
}

/// The columns a line takes, measured as everywhere else (by cluster).
pub(crate) fn line_width(line: &ratatui::text::Line<'_>) -> usize {
    line.spans.iter().map(|s| crate::domain::text::width(&s.content)).sum()
}
