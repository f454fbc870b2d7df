//! Names whose grapheme clusters terminals draw at different widths — a
//! flag, a ZWJ family, a skin tone, an emoji presentation selector,
//! halfwidth katakana with sound marks — next to wide (CJK) and combining
//! ones. The screen hands ratatui only clusters every terminal draws as wide
//! as ratatui measures, so switching screens leaves no stale glyph; and the
//! command line's table lines its columns up by display width.

mod support;

use ardesk::app::App;
use ardesk::domain::Currency;
use ardesk::domain::text::{cluster_width, is_plain, width};
use ardesk::store::seed::*;
use ardesk::store::{OpenMode, Store};
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use support::fixture::d;
use support::keys::press;
use unicode_segmentation::UnicodeSegmentation;

const NAMES: &[&str] = &[
    "🇫🇷 Café de Paris",
    "👨\u{200d}👩\u{200d}👧 Family Farms",
    "👍🏽 Thumbs Ltd",
    "I ❤\u{fe0f} NY Deli",
    "1\u{fe0f}\u{20e3} First Co",
    "ﾔﾏﾀﾞ ﾀﾛｳ ｼｮｳｶｲ",
    "株式会社 東京商事",
    "Zoe\u{308} Cre\u{300}me Bru\u{302}le\u{301}e",
    "Plain Co",
];

fn seed(store: &mut Store) {
    let s = store.seeder().unwrap();
    for (i, name) in NAMES.iter().enumerate() {
        let c = s
            .customer(&NewCustomer {
                name,
                legal_name: name,
                billing_email: "",
                currency: Currency::USD,
                import: None,
                invoices_paused: false,
                portal: false,
            })
            .unwrap();
        s.contact(&NewContact { customer_id: c, name, email: "a@b.example", phone: "", role: name }).unwrap();
        s.invoice(&NewInvoice {
            customer_id: c,
            contract_id: None,
            number: &format!("N-{i}"),
            issue_date: d("2026-01-01"),
            due_date: d("2026-01-31"),
            period: None,
            currency: Currency::USD,
            total_minor: 123_456 * (i as i64 + 1),
            status: ardesk::domain::status::InvoiceStatus::Open,
        })
        .unwrap();
    }
    s.commit().unwrap();
}

fn app(w: u16, h: u16) -> App {
    let mut store = Store::open_in_memory().unwrap();
    seed(&mut store);
    App::new(store, d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap()
}

/// A terminal that keeps every byte written to it.
#[derive(Clone, Default)]
struct Tape(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Tape {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Each row of `buf` as the terminal should show it: every cell's symbol,
/// the columns a wide one covers skipped.
fn buffer_rows(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| {
            let (mut row, mut x) = (String::new(), 0);
            while x < buf.area.width {
                let s = buf[(x, y)].symbol();
                row.push_str(s);
                x += cluster_width(s).max(1) as u16;
            }
            row.trim_end().to_string()
        })
        .collect()
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap()
}

/// Each row as the terminal model shows it. vt100 draws code point by code
/// point, as xterm and tmux do: each regional indicator in a cell of its
/// own, a ZWJ sequence as its parts, a halfwidth sound mark as a column.
fn screen_rows(screen: &vt100::Screen, w: u16, h: u16) -> Vec<String> {
    (0..h)
        .map(|y| {
            let mut row = String::new();
            for x in 0..w {
                let Some(cell) = screen.cell(y, x) else { continue };
                if cell.is_wide_continuation() {
                    continue;
                }
                let c = cell.contents();
                row.push_str(if c.is_empty() { " " } else { c });
            }
            row.trim_end().to_string()
        })
        .collect()
}

/// Draws the app after each group of keys on one terminal (so later frames
/// are diffs over earlier ones, as on a real screen) and checks that the
/// terminal shows exactly the frame ratatui drew, every time.
fn terminal_matches_every_frame(w: u16, h: u16) {
    let mut app = app(w, h);
    let tape = Tape::default();
    let mut term = Terminal::with_options(
        CrosstermBackend::new(tape.clone()),
        ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, w, h)) },
    )
    .unwrap();
    let mut parser = vt100::Parser::new(nz(h), nz(w), 0);
    let steps: &[&[&str]] = &[
        &[],
        &["j"],
        &["Enter"],
        &["4"],
        &["q"],
        &["G"],
        &["/", "type:zzz"],
        &["Esc"],
        &["g", "j", "j", "j", "Enter"],
        &["q", "/", "type:co"],
    ];
    for (i, keys) in steps.iter().enumerate() {
        press(&mut app, keys);
        let expected = buffer_rows(term.draw(|f| ardesk::ui::draw(&app, f)).unwrap().buffer);
        parser.process(&std::mem::take(&mut *tape.0.borrow_mut()));
        let shown = screen_rows(parser.screen(), w, h);
        for (y, (want, got)) in expected.iter().zip(&shown).enumerate() {
            assert_eq!(got, want, "{w}×{h}, after step {i} {keys:?}, row {y}: the terminal shows something else");
        }
    }
}

#[test]
fn switching_screens_leaves_no_stale_glyph_at_80x24() {
    terminal_matches_every_frame(80, 24);
}

#[test]
fn switching_screens_leaves_no_stale_glyph_at_120x40() {
    terminal_matches_every_frame(120, 40);
}

/// What the screen hands ratatui: in every cell a cluster every terminal
/// draws as wide as ratatui measures it, on the list, a customer page and
/// its contacts tab; and the list's columns start at one column in every row.
#[test]
fn every_cell_holds_a_plain_cluster_and_columns_line_up() {
    let mut app = app(120, 40);
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    for keys in [&[][..], &["j", "Enter"], &["4"], &["q", "j", "j", "Enter", "4"]] {
        press(&mut app, keys);
        t.draw(|f| ardesk::ui::draw(&app, f)).unwrap();
        let buf = t.backend().buffer();
        for y in 0..40 {
            for x in 0..120 {
                let s = buf[(x, y)].symbol();
                assert!(is_plain(s) && !s.contains(char::is_control), "({x}, {y}) holds {s:?}");
            }
        }
    }
    press(&mut app, &["q", "g"]);
    t.draw(|f| ardesk::ui::draw(&app, f)).unwrap();
    let buf = t.backend().buffer();
    let at_usd: Vec<u16> =
        (0..40).filter_map(|y| column_of(|x| buf[(x, y)].symbol().to_string(), 120, " USD")).collect();
    assert_eq!(at_usd.len(), NAMES.len(), "{:#?}", buffer_rows(buf));
    assert!(at_usd.windows(2).all(|p| p[0] == p[1]), "the currency column moves: {at_usd:?}");
}

/// The column where `needle` starts, one character a cell, in a row whose
/// cells `cell` gives.
fn column_of(cell: impl Fn(u16) -> String, w: u16, needle: &str) -> Option<u16> {
    let n = needle.chars().count() as u16;
    (0..w.saturating_sub(n)).find(|&x| needle.chars().enumerate().all(|(i, c)| cell(x + i as u16) == c.to_string()))
}

/// `ardesk customers`: the columns after the name start at one display
/// column in every row, measured by cluster and as a per-code-point terminal
/// (vt100) shows them; the name column is as wide as the widest name.
#[test]
fn the_customers_table_lines_up_by_display_width() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wide.db");
    let mut store = Store::open(&db, OpenMode::Create).unwrap();
    seed(&mut store);
    store
        .seeder()
        .and_then(|s| {
            s.customer(&NewCustomer {
                name: "株式会社 とても長い名前の会社 東京本社 営業部",
                legal_name: "",
                billing_email: "",
                currency: Currency::USD,
                import: None,
                invoices_paused: false,
                portal: false,
            })?;
            s.commit()
        })
        .unwrap();
    drop(store);
    let (code, out, err) = support::run(&["--db", db.to_str().unwrap(), "--today", support::TODAY, "customers"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), NAMES.len() + 2, "{out}");
    let col = |l: &str| width(&l[..l.find("USD").or_else(|| l.find("CUR")).unwrap()]);
    for l in &lines {
        assert_eq!(col(l), col(lines[0]), "{l:?} is out of line in\n{out}");
    }
    // Issue 14: the name column is as wide as the widest name, so none is cut.
    assert!(out.contains("株式会社 とても長い名前の会社 東京本社 営業部"), "the long name is whole:\n{out}");
    assert!(!out.contains("…"), "nothing is cut:\n{out}");
    for l in &lines {
        for g in l.graphemes(true) {
            assert!(is_plain(g), "{g:?} in {l:?}");
        }
    }
    let mut parser = vt100::Parser::new(nz(20), nz(200), 0);
    parser.process(out.replace('\n', "\r\n").as_bytes());
    let screen = parser.screen();
    let cell = |y: u16| move |x: u16| screen.cell(y, x).map_or(String::new(), |c| c.contents().to_string());
    let at: Vec<u16> =
        (0..20).filter_map(|y| column_of(cell(y), 200, " USD ").or_else(|| column_of(cell(y), 200, " CUR "))).collect();
    assert_eq!(at.len(), NAMES.len() + 2, "{:#?}", screen_rows(screen, 200, 20));
    assert!(at.windows(2).all(|p| p[0] == p[1]), "on the terminal: {at:?}\n{:#?}", screen_rows(screen, 200, 20));
}

/// The one width function measures a cluster exactly as ratatui lays it
/// out, so what is padded and cut here fits the cells ratatui gives it.
#[test]
fn cluster_width_is_ratatuis() {
    use ratatui::buffer::CellWidth;
    let mut text: String = NAMES.concat();
    text.push_str("ｶﾞﾊﾟ ﾞ🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f} 각 กำ क्ष e\u{301}\u{302} 🇫 ⌚ ☕︎ ©️ ‼ 𝔸 😀 a\u{200b}b \u{ad}");
    for c in (0x20u32..0x3000).chain(0x1f000..0x1fb00).filter_map(char::from_u32).filter(|c| !c.is_control()) {
        text.push(c);
        text.push(' ');
    }
    for g in text.graphemes(true) {
        assert_eq!(cluster_width(g), usize::from(g.cell_width()), "{g:?}");
    }
}
