//! Driving the app as a user does: keys through the real keymap, the
//! screen drawn into a TestBackend after each step.

use ardesk::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn render(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ardesk::ui::draw(app, f)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Presses keys written as in the footer: "j", "Enter", "Esc", "Tab",
/// "S-Tab", "C-s", "Space"; longer text is typed character by character
/// when prefixed with "type:". A name this table does not know ("Enterr",
/// "PgDn") panics naming it: a typo must fail the test, not type its first
/// letter.
pub fn press(app: &mut App, keys: &[&str]) {
    for k in keys {
        if let Some(text) = k.strip_prefix("type:") {
            for c in text.chars() {
                app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            }
            continue;
        }
        let (code, mods) = match *k {
            "Enter" => (KeyCode::Enter, KeyModifiers::NONE),
            "Esc" => (KeyCode::Esc, KeyModifiers::NONE),
            "Tab" => (KeyCode::Tab, KeyModifiers::NONE),
            "S-Tab" => (KeyCode::BackTab, KeyModifiers::SHIFT),
            "Down" => (KeyCode::Down, KeyModifiers::NONE),
            "Up" => (KeyCode::Up, KeyModifiers::NONE),
            "Right" => (KeyCode::Right, KeyModifiers::NONE),
            "Left" => (KeyCode::Left, KeyModifiers::NONE),
            "Home" => (KeyCode::Home, KeyModifiers::NONE),
            "End" => (KeyCode::End, KeyModifiers::NONE),
            "PageDown" => (KeyCode::PageDown, KeyModifiers::NONE),
            "PageUp" => (KeyCode::PageUp, KeyModifiers::NONE),
            "Space" => (KeyCode::Char(' '), KeyModifiers::NONE),
            "Backspace" => (KeyCode::Backspace, KeyModifiers::NONE),
            "C-s" => (KeyCode::Char('s'), KeyModifiers::CONTROL),
            "C-u" => (KeyCode::Char('u'), KeyModifiers::CONTROL),
            "C-c" => (KeyCode::Char('c'), KeyModifiers::CONTROL),
            s => match single_char(s) {
                Some(c) => (KeyCode::Char(c), KeyModifiers::NONE),
                None => panic!(
                    "press: unknown key name {s:?} (one character, a name in tests/support/keys.rs, \
                     or \"type:\" before text)"
                ),
            },
        };
        app.handle_key(KeyEvent::new(code, mods));
        // As the event loop: a large bulk write the key confirmed runs
        // after the frame that announces it.
        app.run_bulk();
    }
}

/// Presses keys as `press` does and, after each, lets an import it started
/// on a thread of its own finish (ticking the app as its event loop does),
/// as a user who waits for the report does: on a database file or a server
/// the preview and the run go beside the screen (`app::import_job`), in
/// memory they run in line and nothing is waited for.
pub fn press_waiting(app: &mut App, keys: &[&str]) {
    for k in keys {
        press(app, std::slice::from_ref(k));
        let deadline = std::time::Instant::now() + super::PATIENCE;
        while app.import.is_some() {
            app.tick();
            assert!(
                std::time::Instant::now() < deadline,
                "the import started by {k:?} still runs after {:?}:\n{}",
                super::PATIENCE,
                render(app, app.size.width, app.size.height)
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

/// The character of a one-character key name ("j", "?", "é").
fn single_char(name: &str) -> Option<char> {
    let mut chars = name.chars();
    chars.next().filter(|_| chars.next().is_none())
}

/// The screen's text inside popups, rows joined: a sentence wrapped over
/// rows reads whole.
pub fn flat(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
