//! Text longer than its box, scrolled: the help overlay and an import's
//! report. The text is laid out in rows of the box's width first
//! (`text::wrap`), and the scroll is bounded by those rows, so that past
//! the end a key does nothing instead of counting on unseen (Up then
//! seemed dead), and what is drawn is what was counted. The keys are the
//! `Scroll` context's, one set for every such dialog.

use super::action::Action;
use crate::domain::text::{self, Row};
use crate::view::layout;
use ratatui::layout::Rect;

/// How a piece of a line is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    Title,
    Key,
    Name,
    Plain,
}

/// One line of text: its pieces in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine(pub Vec<(Look, String)>);

impl TextLine {
    pub fn one(look: Look, text: impl Into<String>) -> TextLine {
        TextLine(vec![(look, text.into())])
    }

    /// Its width in terminal cells.
    pub fn width(&self) -> usize {
        self.0.iter().map(|(_, t)| text::width(t)).sum()
    }
}

/// Text laid out in a box on the screen: the rows it draws and how far it
/// scrolls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pane {
    /// The box, its borders included.
    pub rect: Rect,
    /// The whole text, in rows of the box's inside width.
    pub rows: Vec<Row<Look>>,
    /// How many of them the box shows at once.
    pub visible: usize,
}

impl Pane {
    /// `lines` in a box centred on a screen of `size`: `width` wide (less
    /// on a narrow screen), as tall as the rows the text takes plus
    /// `chrome` rows that are not text (borders, keys), up to `tallest`.
    pub fn new(size: Rect, lines: &[TextLine], width: u16, chrome: u16, tallest: u16) -> Pane {
        let width = width.min(size.width);
        let inner = usize::from(width.saturating_sub(2).max(1));
        let rows: Vec<Row<Look>> = lines
            .iter()
            .flat_map(|l| {
                let pieces: Vec<(Look, &str)> = l.0.iter().map(|(look, t)| (*look, t.as_str())).collect();
                text::wrap(&pieces, inner)
            })
            .collect();
        let want = u16::try_from(rows.len()).unwrap_or(u16::MAX).saturating_add(chrome);
        let rect = layout::centered(size, width, want.min(tallest));
        let visible = usize::from(rect.height.saturating_sub(chrome));
        Pane { rect, rows, visible }
    }

    /// The furthest the text scrolls: its last row at the bottom.
    pub fn max_scroll(&self) -> u16 {
        u16::try_from(self.rows.len().saturating_sub(self.visible)).unwrap_or(u16::MAX)
    }

    /// The rows shown when scrolled to `scroll`.
    pub fn shown(&self, scroll: u16) -> &[Row<Look>] {
        let first = usize::from(scroll.min(self.max_scroll()));
        &self.rows[first..(first + self.visible).min(self.rows.len())]
    }

    /// Rows hidden above and below what shows at `scroll`.
    pub fn hidden(&self, scroll: u16) -> (usize, usize) {
        let first = usize::from(scroll.min(self.max_scroll()));
        (first, self.rows.len().saturating_sub(first + self.visible))
    }

    /// Moves `scroll` as a key of the `Scroll` context says, within the
    /// text; false for any other action.
    pub fn step(&self, scroll: &mut u16, action: Action) -> bool {
        let (most, page) = (self.max_scroll(), u16::try_from(self.visible.max(1)).unwrap_or(u16::MAX));
        let at = (*scroll).min(most);
        *scroll = match action {
            Action::Down => at.saturating_add(1).min(most),
            Action::Up => at.saturating_sub(1),
            Action::PageDown => at.saturating_add(page).min(most),
            Action::PageUp => at.saturating_sub(page),
            Action::Home => 0,
            Action::End => most,
            _ => return false,
        };
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pane(lines: usize, height: u16) -> Pane {
        let text: Vec<TextLine> = (1..=lines).map(|i| TextLine::one(Look::Plain, format!("line {i}"))).collect();
        Pane::new(Rect::new(0, 0, 80, height), &text, 60, 2, height)
    }

    #[test]
    fn scrolls_within_the_text_and_pages_by_what_shows() {
        let p = pane(30, 12);
        assert_eq!((p.rect.height, p.visible, p.max_scroll()), (12, 10, 20));
        let mut s = 0;
        for _ in 0..100 {
            p.step(&mut s, Action::Down);
        }
        assert_eq!(s, 20, "no further than the last row");
        assert!(p.step(&mut s, Action::Up));
        assert_eq!(s, 19, "one Up moves at once");
        p.step(&mut s, Action::PageUp);
        assert_eq!(s, 9);
        p.step(&mut s, Action::Home);
        assert_eq!((s, p.hidden(s)), (0, (0, 20)));
        p.step(&mut s, Action::End);
        assert_eq!((p.shown(s)[9][0].1.as_str(), p.hidden(s)), ("line 30", (20, 0)));
        assert!(!p.step(&mut s, Action::Yes));
    }

    #[test]
    fn a_short_text_takes_only_its_rows_and_does_not_scroll() {
        let p = pane(3, 24);
        assert_eq!((p.rect.height, p.max_scroll(), p.shown(5).len()), (5, 0, 3));
        // A line wider than the box takes the rows it wraps to.
        let long = [TextLine::one(Look::Plain, "word ".repeat(40))];
        let p = Pane::new(Rect::new(0, 0, 80, 24), &long, 42, 2, 24);
        assert_eq!(p.rows.len(), 5, "{:?}", p.rows);
    }
}
