//! Every style in one place, so no colour literal sits in drawing code.
//! With NO_COLOR only modifiers (bold, reverse, underline) remain, whatever
//! the theme. Three themes (`theme` in the configuration): the default, for
//! dark terminals; light, for light backgrounds (dark text, no pale grey,
//! cyan or yellow text); high contrast (bold, the basic colours only).

pub use crate::config::ThemeName;
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
    /// The theme the configuration names; colours off when `plain`.
    pub fn named(name: ThemeName, plain: bool) -> Theme {
        let theme = match name {
            ThemeName::Default => Theme::new(plain),
            ThemeName::Light => Theme::light(),
            ThemeName::HighContrast => Theme::high_contrast(),
        };
        if plain { theme.plain() } else { theme }
    }

    /// The same styles without a colour: what NO_COLOR leaves.
    fn plain(self) -> Theme {
        let p = |s: Style| Style { fg: None, bg: None, underline_color: None, ..s };
        Theme {
            title: p(self.title),
            subtitle: p(self.subtitle),
            muted: p(self.muted),
            key: p(self.key),
            badge_source: p(self.badge_source),
            badge_paused: p(self.badge_paused),
            badge_portal: p(self.badge_portal),
            card_border: p(self.card_border),
            card_title: p(self.card_title),
            figure: p(self.figure),
            gauge_done: p(self.gauge_done),
            gauge_todo: p(self.gauge_todo),
            overdue: p(self.overdue),
            table_header: p(self.table_header),
            sorted_header: p(self.sorted_header),
            selected: p(self.selected),
            tab_active: p(self.tab_active),
            tab: p(self.tab),
            status: p(self.status),
            error: p(self.error),
            elsewhere: p(self.elsewhere),
            notice: p(self.notice),
            popup_border: p(self.popup_border),
        }
    }

    /// For light backgrounds: text in black and dark grey, accents in blue,
    /// the badges' text dark on strong colours.
    fn light() -> Theme {
        let c = |color: Color| Style::new().fg(color);
        let bg = |fg: Color, bgc: Color| Style::new().fg(fg).bg(bgc);
        let bold = Modifier::BOLD;
        Theme {
            subtitle: c(Color::DarkGray),
            muted: c(Color::DarkGray),
            key: c(Color::Blue).add_modifier(bold),
            badge_source: bg(Color::White, Color::Magenta).add_modifier(bold),
            badge_paused: bg(Color::Black, orange()).add_modifier(bold),
            badge_portal: bg(Color::White, Color::Blue).add_modifier(bold),
            card_border: c(Color::DarkGray),
            card_title: c(Color::Black).add_modifier(bold),
            gauge_done: c(Color::Green),
            gauge_todo: c(Color::DarkGray),
            overdue: c(Color::Red),
            sorted_header: c(Color::Blue).add_modifier(bold | Modifier::UNDERLINED),
            tab_active: c(Color::Blue).add_modifier(bold | Modifier::UNDERLINED),
            tab: c(Color::DarkGray),
            status: c(Color::Black),
            error: c(Color::Red).add_modifier(bold),
            elsewhere: c(Color::DarkGray).add_modifier(Modifier::ITALIC),
            notice: c(Color::Green).add_modifier(bold),
            popup_border: c(Color::Blue),
            ..Theme::new(false)
        }
    }

    /// Bold throughout, the basic colours only (no grey, no RGB), each
    /// against the terminal's own background or black.
    fn high_contrast() -> Theme {
        let c = |color: Color| Style::new().fg(color).add_modifier(Modifier::BOLD);
        let bg = |fg: Color, bgc: Color| Style::new().fg(fg).bg(bgc).add_modifier(Modifier::BOLD);
        let under = Modifier::UNDERLINED;
        Theme {
            title: c(Color::White),
            subtitle: c(Color::White),
            muted: c(Color::White),
            key: c(Color::Yellow),
            badge_source: bg(Color::Black, Color::White),
            badge_paused: bg(Color::Black, Color::Yellow),
            badge_portal: bg(Color::Black, Color::Cyan),
            card_border: c(Color::White),
            card_title: c(Color::White),
            figure: c(Color::White),
            gauge_done: c(Color::Green),
            gauge_todo: c(Color::White),
            overdue: c(Color::Red),
            table_header: c(Color::White).add_modifier(under),
            sorted_header: c(Color::Yellow).add_modifier(under),
            selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            tab_active: c(Color::Yellow).add_modifier(under),
            tab: c(Color::White),
            status: c(Color::White),
            error: c(Color::Red),
            elsewhere: c(Color::White).add_modifier(Modifier::ITALIC),
            notice: c(Color::Green),
            popup_border: c(Color::Yellow),
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_leaves_no_colour_in_any_theme() {
        for (name, _) in ThemeName::ALL {
            let t = Theme::named(name, true);
            for s in [t.key, t.badge_paused, t.overdue, t.subtitle, t.popup_border, t.selected] {
                assert_eq!((s.fg, s.bg), (None, None), "{name:?}");
            }
            assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
        }
    }

    #[test]
    fn light_and_high_contrast_avoid_what_they_should() {
        let light = Theme::named(ThemeName::Light, false);
        for s in [light.subtitle, light.status, light.tab, light.card_title, light.key, light.tab_active] {
            assert!(!matches!(s.fg, Some(Color::Gray | Color::White | Color::Yellow | Color::Cyan)), "{s:?}");
        }
        let hc = Theme::named(ThemeName::HighContrast, false);
        for s in [hc.subtitle, hc.muted, hc.key, hc.overdue, hc.badge_paused, hc.status] {
            assert!(s.add_modifier.contains(Modifier::BOLD));
            assert!(!matches!(s.fg, Some(Color::Rgb(..) | Color::Indexed(_) | Color::DarkGray | Color::Gray)));
        }
    }
}
