//! Drawing only: `draw(&App, &mut Frame)`. No SQL and no state changes.

pub mod cards;
mod footer;
mod grid;
pub mod layout;
mod list;
mod page;
mod popup;
mod tabs;
pub mod theme;

use crate::app::{App, Dialog, Screen};
use theme::Theme;

pub fn draw(app: &App, frame: &mut ratatui::Frame) {
    let theme = Theme::new(app.plain);
    let area = frame.area();
    match app.screen() {
        Screen::Customers(s) => list::draw(frame, area, app, s, &theme),
        Screen::Customer(p) => page::draw(frame, area, app, p, &theme),
    }
    for d in &app.dialogs {
        match d {
            Dialog::Help { ctx, scroll } => popup::help(frame, area, *ctx, *scroll, &theme),
            Dialog::Message { title, text } => popup::message(frame, area, title, text, &theme),
        }
    }
}
