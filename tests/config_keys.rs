//! A configuration that swaps j and k on the lists (and adds F1 for help)
//! installed as the process's key table, as start-up does: the footer, the
//! help overlay and the keys themselves follow. Its own test binary: the
//! table is installed once per process, and the other screen tests expect
//! the defaults.

mod support;

use ardesk::app::App;
use ardesk::app::action::Action;
use ardesk::app::keymap::{self, Context};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use support::fixture::{d, fixture};
use support::keys::{press, render};

const SWAP: &str = "[keys.global]\ndown = \"k\"\nup = \"j\"\nhelp = [\"?\", \"F1\"]\nquit = [\"F10\", \"Q\"]\n";

/// The row the list's marker is on.
fn selected(screen: &str) -> String {
    screen.lines().find(|l| l.contains('▶')).unwrap_or_default().to_string()
}

#[test]
fn a_swap_of_j_and_k_moves_the_footer_the_help_and_the_keys() {
    let config = ardesk::config::parse(SWAP, "config.toml").unwrap();
    assert!(keymap::install(config.keymap()));
    assert!(!keymap::install(keymap::BINDINGS.to_vec()), "installed once");
    assert_eq!(keymap::label(Context::Global, Action::Down), "k");
    assert_eq!(keymap::label(Context::Global, Action::Up), "j");
    // Only the screen remapped moves: a menu keeps its own j and k.
    assert_eq!(keymap::label(Context::Menu, Action::Down), "↓/j");

    let mut app = App::new(fixture(), d("2026-03-01"), Rect::new(0, 0, 80, 24)).unwrap();
    let s = render(&app, 80, 24);
    let footer = s.lines().nth(23).unwrap();
    assert!(footer.contains("?/F1 help"), "{footer}");
    // k now moves down, j up.
    let first = selected(&s);
    press(&mut app, &["k"]);
    let second = selected(&render(&app, 80, 24));
    assert_ne!(first, second);
    press(&mut app, &["j"]);
    assert_eq!(selected(&render(&app, 80, 24)), first);
    // The help overlay, opened with the added F1, lists the swapped keys.
    app.handle_key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE));
    let help = render(&app, 80, 24);
    let down = help.lines().find(|l| l.contains("move down")).unwrap_or_else(|| panic!("{help}"));
    let up = help.lines().find(|l| l.contains("move up")).unwrap_or_else(|| panic!("{help}"));
    let keys = |l: &str| l.trim_start_matches('│').split_whitespace().next().unwrap_or_default().to_string();
    assert_eq!((keys(down), keys(up)), ("k".to_string(), "j".to_string()), "{help}");
    assert!(help.contains("?/F1"), "{help}");

    // A quit key the user added is a lists' key: in the search line it is
    // a letter typed, on the list it quits.
    press(&mut app, &["Esc", "/", "type:Quincy"]);
    assert!(!app.quit, "Q typed into the search");
    assert!(render(&app, 80, 24).contains("Quincy"));
    press(&mut app, &["Esc"]);
    assert!(!app.quit && !render(&app, 80, 24).contains("Quincy"), "the search left and cleared");
    press(&mut app, &["Q"]);
    assert!(app.quit, "Q quits from the list");
    // Ctrl-C quits from anywhere, a form too, though the file moved quit
    // to F10 and Q: it cannot be remapped away.
    let mut app = App::new(fixture(), d("2026-03-01"), Rect::new(0, 0, 80, 24)).unwrap();
    press(&mut app, &["Enter", "i"]);
    let form = render(&app, 80, 24);
    assert!(form.contains("Ctrl-S save"), "a form is open:\n{form}");
    press(&mut app, &["C-c"]);
    assert!(app.quit);
}
