//! Screen tests: the real keymap and app drawn into ratatui's TestBackend,
//! with a fixed "today". Snapshots are text; the selected row shows as ▶.

mod support;

use ardesk::app::App;
use ratatui::layout::Rect;
use support::fixture::{d, fixture};
use support::keys::{press, render};

fn app(w: u16, h: u16) -> App {
    App::new(fixture(), d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap()
}

#[test]
fn customers_list_80x24() {
    let app = app(80, 24);
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn customer_page_80x24() {
    let mut app = app(80, 24);
    press(&mut app, &["Enter"]);
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn customer_page_120x40() {
    let mut app = app(120, 40);
    press(&mut app, &["Enter"]);
    insta::assert_snapshot!(render(&app, 120, 40));
}

#[test]
fn tabs_show_their_rows() {
    let mut app = app(120, 40);
    press(&mut app, &["Enter", "3"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("WIRE-7781"), "{s}");
    assert!(s.contains("INV-000001, INV-000002"), "{s}");
    press(&mut app, &["4"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Jane Doe") && s.contains("Primary"), "{s}");
}

#[test]
fn search_narrows_the_list() {
    let mut app = app(80, 24);
    press(&mut app, &["/", "b", "o", "r", "Enter"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("Borealis Freight"), "{s}");
    assert!(!s.contains("Acme Corp"), "{s}");
    assert!(s.contains("1 of 2"), "{s}");
}

/// The empty list's hint says Esc clears the search; Esc does, instead of
/// quitting (it used to quit), both with the search field open and after
/// Enter closed it; the hint's key comes from the key table.
#[test]
fn esc_clears_the_search_as_the_hint_says() {
    let mut app = app(80, 24);
    press(&mut app, &["/", "type:zzz"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("No customer matches the search. Esc clears it."), "{s}");
    press(&mut app, &["Esc"]);
    let s = render(&app, 80, 24);
    assert!(!app.quit && s.contains("Acme Corp") && s.contains("2 of 2"), "{s}");

    press(&mut app, &["/", "type:zzz", "Enter"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("No customer matches the search. Esc clears it."), "{s}");
    assert!(s.contains("Esc clear search"), "the footer says so too:\n{s}");
    press(&mut app, &["Esc"]);
    let s = render(&app, 80, 24);
    assert!(!app.quit, "Esc cleared the search instead of quitting:\n{s}");
    assert!(s.contains("Acme Corp") && s.contains("2 of 2") && !s.contains("search \""), "{s}");
    press(&mut app, &["Esc"]);
    assert!(app.quit, "with no search, Esc goes back (quits the list) as before");
}

#[test]
fn no_panic_at_any_size() {
    let mut app = app(80, 24);
    press(&mut app, &["Enter"]);
    for w in 0..=60 {
        for h in 0..=30 {
            app.resize(Rect::new(0, 0, w, h));
            render(&app, w.max(1), h.max(1));
        }
    }
    app.resize(Rect::new(0, 0, 20, 5));
    let s = render(&app, 20, 5);
    assert!(s.contains("Acme Corp"), "the name stays readable at 20×5:\n{s}");
}

#[test]
fn help_lists_keys_and_formulas() {
    let mut app = app(120, 40);
    press(&mut app, &["Enter", "?"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("next tab"), "{s}");
    for _ in 0..30 {
        press(&mut app, &["Down"]);
    }
    let s = render(&app, 120, 40);
    assert!(s.contains("Avg. Days to Collect:"), "{s}");
    assert!(s.contains("payment date − invoice issue date"), "{s}");
}

#[test]
fn no_color_draws_without_colours() {
    let mut app = app(120, 40);
    app.plain = true;
    press(&mut app, &["Enter"]);
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    t.draw(|f| ardesk::ui::draw(&app, f)).unwrap();
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset, "a colour under NO_COLOR at {:?}", cell.symbol());
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
    // Selection and headers stay visible through modifiers alone.
    assert!(buf.content().iter().any(|c| c.modifier.contains(ratatui::style::Modifier::REVERSED)));
}

/// The Activity tab has no keys of its own: the footer lists the page's
/// keys once (they were listed twice).
#[test]
fn the_activity_footer_lists_each_key_once() {
    let mut app = app(200, 30);
    press(&mut app, &["Enter", "6"]);
    let screen = render(&app, 200, 30);
    let footer = screen.lines().last().unwrap();
    assert_eq!(footer.matches("filter").count(), 1, "{footer}");
    assert_eq!(footer.matches("edit customer").count(), 1, "{footer}");
}

/// A key name the test helper does not know fails the test naming it; it
/// used to press its first letter ("Enterr" typed `E`, the export key).
#[test]
#[should_panic(expected = "unknown key name \"Enterr\"")]
fn an_unknown_key_name_fails_loudly() {
    let mut app = app(80, 24);
    press(&mut app, &["Enterr"]);
}

/// A form field drawn narrow shows its text again once the terminal is wide:
/// ratatui-textarea kept the offset that showed the cursor at 20 columns,
/// so "Jane Doe" stayed scrolled out of its field. The cursor stays at the
/// end: typing goes after the text.
#[test]
fn a_field_drawn_narrow_shows_its_text_again_when_wide() {
    let mut app = app(80, 24);
    press(&mut app, &["Enter", "4", "Enter"]);
    for (w, h) in [(20, 8), (3, 3), (80, 24)] {
        app.resize(Rect::new(0, 0, w, h));
        render(&app, w, h);
    }
    assert!(render(&app, 80, 24).contains("› Name             Jane Doe"));
    press(&mut app, &["type:x"]);
    assert!(render(&app, 80, 24).contains("› Name             Jane Doex"));
}
