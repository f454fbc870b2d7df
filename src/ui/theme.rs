//! Every style in one place, so no colour literal sits in drawing code.
//! With NO_COLOR only modifiers (bold, reverse, underline) remain.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub title: Style,
    pub subtitle: Style,
    pub muted: Style,
    pub key: Style,
    pub badge_source: Style,
    pub badge_paused: Style,
    pub badge_portal: Style,
    pub card_border: Style,
    pub card_title: Style,
    pub figure: Style,
    pub gauge_done: Style,
    pub gauge_todo: Style,
    pub overdue: Style,
    pub table_header: Style,
    pub sorted_header: Style,
    pub selected: Style,
    pub tab_active: Style,
    pub tab: Style,
    pub status: Style,
    pub error: Style,
    /// Under a form's field: what changed in the stored record while the
    /// form was open.
    pub elsewhere: Style,
    /// What just happened ("Saved …").
    pub notice: Style,
    pub popup_border: Style,
}

/// Orange where the terminal has more than 16 colours; yellow, the
/// nearest of the 16, elsewhere (a 16-colour terminal shows an RGB
/// colour as something else or not at all).
fn orange() -> Color {
    let term = std::env::var("TERM").unwrap_or_default();
    let colorterm = std::env::var("COLORTERM").unwrap_or_default();
    if colorterm.contains("truecolor") || colorterm.contains("24bit") {
        Color::Rgb(255, 165, 0)
    } else if term.contains("256color") {
        Color::Indexed(214)
    } else {
        Color::Yellow
    }
}

impl Theme {
    pub fn new(plain: bool) -> Theme {
        let c = |color: Color| if plain { Style::new() } else { Style::new().fg(color) };
        let bg = |fg: Color, bgc: Color| if plain { Style::new() } else { Style::new().fg(fg).bg(bgc) };
        let bold = Modifier::BOLD;
        Theme {
            title: Style::new().add_modifier(bold),
            subtitle: c(Color::Gray),
            muted: c(Color::DarkGray),
            key: c(Color::Cyan).add_modifier(bold),
            badge_source: bg(Color::Black, Color::Magenta).add_modifier(bold),
            badge_paused: bg(Color::Black, orange()).add_modifier(bold),
            badge_portal: bg(Color::White, Color::Blue).add_modifier(bold),
            card_border: c(Color::DarkGray),
            card_title: c(Color::Gray).add_modifier(bold),
            figure: Style::new().add_modifier(bold),
            gauge_done: c(Color::Green),
            gauge_todo: c(Color::DarkGray),
            overdue: c(Color::Red),
            table_header: Style::new().add_modifier(bold | Modifier::UNDERLINED),
            sorted_header: c(Color::Cyan).add_modifier(bold | Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            tab_active: c(Color::Cyan).add_modifier(bold | Modifier::UNDERLINED),
            tab: c(Color::Gray),
            status: c(Color::Gray),
            error: c(Color::Red).add_modifier(bold),
            elsewhere: c(Color::DarkGray).add_modifier(Modifier::ITALIC),
            notice: c(Color::Green),
            popup_border: c(Color::Cyan),
        }
    }
}
