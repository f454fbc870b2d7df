//! The mouse (off by default, `--mouse`): clicks and the wheel land on what
//! the screen shows, at 80×24 and 120×40, and do only what keys do.

mod support;

use ardesk::app::App;
use ardesk::domain::columns::Tab;
use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use support::fixture::{d, fixture};
use support::keys::{press, render};

fn app(w: u16, h: u16) -> App {
    let mut app = App::new(fixture(), d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap();
    app.mouse = true;
    app
}

fn mouse(app: &mut App, kind: MouseEventKind, x: u16, y: u16) -> bool {
    app.handle_mouse(MouseEvent { kind, column: x, row: y, modifiers: KeyModifiers::NONE })
}

fn click(app: &mut App, x: usize, y: usize) -> bool {
    mouse(app, MouseEventKind::Down(MouseButton::Left), x as u16, y as u16)
}

/// Where `text` first shows on the screen drawn at `w`×`h`: (column, row).
fn find(app: &App, w: u16, h: u16, text: &str) -> (usize, usize) {
    let screen = render(app, w, h);
    for (y, line) in screen.lines().enumerate() {
        if let Some(b) = line.find(text) {
            return (line[..b].chars().count(), y);
        }
    }
    panic!("{text:?} not on screen:\n{screen}");
}

/// The row the cursor is on, as drawn.
fn selected_line(app: &App, w: u16, h: u16) -> String {
    render(app, w, h).lines().find(|l| l.starts_with('▶')).unwrap_or_default().to_string()
}

#[test]
fn a_click_on_a_row_selects_it_and_a_second_opens_it() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = app(w, h);
        let (x, y) = find(&app, w, h, "Borealis Freight");
        assert!(click(&mut app, x + 2, y));
        assert!(selected_line(&app, w, h).contains("Borealis Freight"), "{w}x{h}");
        assert!(app.page().is_none(), "one click only selects");
        click(&mut app, x + 2, y);
        assert_eq!(app.page().map(|p| p.customer.name.as_str()), Some("Borealis Freight"), "{w}x{h}");
    }
}

#[test]
fn a_click_on_a_column_title_sorts_by_it_and_again_reverses() {
    let (w, h) = (120, 40);
    let mut app = app(w, h);
    let (x, y) = find(&app, w, h, "Outstanding");
    assert!(click(&mut app, x + 1, y));
    let screen = render(&app, w, h);
    assert!(screen.contains("Outstanding ↓"), "money sorts largest first:\n{screen}");
    click(&mut app, x + 1, y);
    assert!(render(&app, w, h).contains("Outstanding ↑"));
    // The name's title: back to the list's own order.
    let (x, y) = find(&app, w, h, "Name");
    click(&mut app, x, y);
    assert!(render(&app, w, h).contains("Name ↑"));
}

#[test]
fn a_click_on_a_tab_goes_to_it_at_both_sizes() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = app(w, h);
        press(&mut app, &["Enter"]);
        for (i, tab) in Tab::ALL.iter().enumerate().rev() {
            // The title begins with the tab's digit, whole or short.
            let digit = format!("{} ", i + 1);
            let screen = render(&app, w, h);
            let (row, line) = screen
                .lines()
                .enumerate()
                .find(|(_, l)| l.starts_with(" 1 Inv") && l.contains(" 2 Con"))
                .expect("the tab bar");
            let b = line.find(&format!(" {digit}")).map(|b| b + 1).unwrap_or_else(|| panic!("{digit} in {line}"));
            let x = line[..b].chars().count();
            assert!(click(&mut app, x + 2, row));
            assert_eq!(app.page().unwrap().tab, *tab, "{w}x{h}: {line}");
        }
        // Between two titles: nothing.
        let screen = render(&app, w, h);
        let (row, line) =
            screen.lines().enumerate().find(|(_, l)| l.starts_with(" 1 Inv") && l.contains(" 2 Con")).unwrap();
        let gap = line.find(")  ").map(|b| line[..b].chars().count() + 2).unwrap();
        click(&mut app, gap, row);
        assert_eq!(app.page().unwrap().tab, Tab::Invoices, "{w}x{h}");
    }
}

#[test]
fn a_click_on_a_card_opens_the_rows_behind_it() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = app(w, h);
        press(&mut app, &["Enter"]);
        let (x, y) = find(&app, w, h, "Total Collected");
        assert!(click(&mut app, x + 1, y));
        let p = app.page().unwrap();
        assert_eq!(p.tab, Tab::Payments, "{w}x{h}");
        assert_eq!(p.state(Tab::Payments).filter.source, "status:succeeded");
        assert_eq!(p.figures_focus, None, "the rows are open, the focus gone");
        let (x, y) = find(&app, w, h, "Outstanding");
        click(&mut app, x + 1, y);
        let p = app.page().unwrap();
        assert_eq!((p.tab, p.state(Tab::Invoices).filter.source.as_str()), (Tab::Invoices, "status:open"));
    }
}

#[test]
fn a_click_on_a_tab_row_selects_it_and_a_second_does_what_enter_does() {
    let (w, h) = (120, 40);
    let mut app = app(w, h);
    press(&mut app, &["Enter", "1"]);
    let number = "INV-000002";
    let (x, y) = find(&app, w, h, number);
    click(&mut app, x, y);
    assert!(selected_line(&app, w, h).contains(number));
    click(&mut app, x, y);
    let screen = render(&app, w, h);
    assert!(app.page().is_none(), "the invoice's detail is in front:\n{screen}");
    assert!(screen.contains(number));
    press(&mut app, &["Esc"]);
    // A title on the page's table sorts by it in the direction shown, as
    // `s` reaches it; again, the other way, as `S`.
    let (x, y) = find(&app, w, h, "Due");
    click(&mut app, x, y);
    assert!(render(&app, w, h).contains("Due ↓"), "{}", render(&app, w, h));
    click(&mut app, x, y);
    assert!(render(&app, w, h).contains("Due ↑"), "{}", render(&app, w, h));
}

#[test]
fn the_wheel_moves_three_rows_a_notch_and_scrolls_help_but_not_a_form() {
    let (w, h) = (120, 40);
    let mut app = app(w, h);
    press(&mut app, &["Enter", "1"]);
    let before = app.page().unwrap().state(Tab::Invoices).scroll.selected;
    assert!(mouse(&mut app, MouseEventKind::ScrollDown, 10, 20));
    assert_eq!(app.page().unwrap().state(Tab::Invoices).scroll.selected, before + 3);
    mouse(&mut app, MouseEventKind::ScrollUp, 10, 20);
    assert_eq!(app.page().unwrap().state(Tab::Invoices).scroll.selected, before);
    // Help scrolls under the wheel, and a click does nothing there.
    let mut small = self::app(80, 24);
    press(&mut small, &["Enter", "?"]);
    let top = render(&small, 80, 24);
    mouse(&mut small, MouseEventKind::ScrollDown, 40, 12);
    assert_ne!(render(&small, 80, 24), top, "help scrolled");
    assert!(!click(&mut small, 40, 12));
    // A form keeps its fields where they are.
    press(&mut app, &["i"]);
    let form = render(&app, w, h);
    assert!(!mouse(&mut app, MouseEventKind::ScrollDown, 60, 20));
    assert!(!click(&mut app, 60, 20));
    assert_eq!(render(&app, w, h), form);
}

#[test]
fn help_says_what_the_mouse_does_and_how_to_keep_selecting_text() {
    let mut app = app(120, 40);
    press(&mut app, &["?"]);
    let s = support::keys::flat(&render(&app, 120, 40));
    assert!(s.contains("Shift-drag still selects text"), "{s}");
    let mut off = App::new(fixture(), d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    press(&mut off, &["?"]);
    let s = support::keys::flat(&render(&off, 120, 40));
    assert!(s.contains("--mouse, or mouse = true"), "{s}");
}

/// A click as a terminal reports it (SGR: button 0 pressed, then released;
/// columns and rows from 1).
fn sgr_click(x: usize, y: usize) -> String {
    format!("\x1b[<0;{};{}M\x1b[<0;{};{}m", x + 1, y + 1, x + 1, y + 1)
}

/// The real binary in a terminal: `--mouse` asks it for the mouse, a
/// click on a tab's title goes there, a notch of the wheel moves three
/// rows, and on the way out the terminal's mouse reports are turned off.
/// Without `--mouse` nothing asks for them.
#[test]
fn the_real_binary_takes_clicks_with_mouse_and_gives_the_mouse_back() {
    use support::{TODAY, Tui, demo_db};
    let db = demo_db().to_str().unwrap().to_string();
    let mut tui = Tui::start(&["--db", &db, "--today", TODAY, "--customer", "1", "--mouse"], 80, 24);
    let screen = tui.wait_page();
    let raw = tui.wait_raw("\x1b[?1000h");
    assert!(raw.contains("\x1b[?1006h"), "SGR mouse reports asked for");
    assert!(!raw.contains("\x1b[?1003h"), "not every movement: it would wake the loop for nothing");
    let (y, line) = screen.lines().enumerate().find(|(_, l)| l.contains(" 1 Invoices (")).expect("tab bar");
    let x = line.find("4 ").map(|b| line[..b].chars().count()).expect("the fourth tab's title");
    tui.send(&sgr_click(x + 2, y));
    tui.wait("the Contacts tab", |s| s.contains("4 Contacts ("));
    tui.send("1");
    let s = tui.wait("the Invoices tab", |s| s.contains("1 Invoices ("));
    let first = s.lines().position(|l| l.starts_with('▶')).expect("a selected row");
    tui.send(&format!("\x1b[<65;10;{}M", first + 1));
    tui.wait("three rows down", |s| s.lines().position(|l| l.starts_with('▶')) == Some(first + 3));
    tui.send("q");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
    let raw = tui.wait_raw("\x1b[?1000l");
    assert!(raw.contains("\x1b[?1000l") && raw.contains("\x1b[?1006l"), "mouse reports turned off on the way out");

    let mut plain = Tui::start(&["--db", &db, "--today", TODAY], 80, 24);
    plain.wait_for("Customers (");
    plain.send("q");
    assert_eq!(plain.wait_exit(), 0);
    let raw = plain.wait_raw("\x1b[?1049l");
    assert!(!raw.contains("\x1b[?1000h"), "off by default: the terminal keeps selecting text");
}
