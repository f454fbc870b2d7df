//! The last pass over every frame before it reaches the terminal: whatever
//! drew a cell (our widgets, a text field, a message), its symbol goes out
//! cleaned, in the plain form of its grapheme cluster, in exactly the
//! columns ratatui gave it. Drawing code cleans data at the source so escapes
//! show as `␛`; this pass is the edge that makes sure nothing was missed.

use crate::domain::text::{clean, cluster_width, ellipsize};
use ratatui::buffer::Buffer;
use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;

pub fn make_inert(buf: &mut Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let symbol = buf[(x, y)].symbol();
            if symbol.len() == 1 && !symbol.as_bytes()[0].is_ascii_control() {
                x += 1;
                continue;
            }
            // The columns ratatui laid this cell out in (at least the one).
            let w = cluster_width(symbol).max(1);
            let shown = match clean(symbol) {
                Cow::Borrowed(_) => {
                    x = x.saturating_add(w as u16);
                    continue;
                }
                Cow::Owned(s) => s,
            };
            let end = area.right().min(x.saturating_add(w as u16));
            let fitted = ellipsize(&shown, w);
            let mut at = x;
            for g in fitted.graphemes(true) {
                let gw = cluster_width(g) as u16;
                if at + gw > end {
                    break;
                }
                buf[(at, y)].set_symbol(g);
                for cont in at + 1..at + gw {
                    buf[(cont, y)].set_symbol(" ");
                }
                at += gw.max(1);
            }
            for rest in at..end {
                buf[(rest, y)].set_symbol(" ");
            }
            x = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    fn row(buf: &Buffer) -> Vec<String> {
        (0..buf.area.width).map(|x| buf[(x, 0)].symbol().to_string()).collect()
    }

    #[test]
    fn cells_ratatui_would_mismeasure_become_plain_in_place() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        buf.set_string(0, 0, "a🇫🇷b❤\u{fe0f}cｶﾞd", ratatui::style::Style::new());
        make_inert(&mut buf);
        assert_eq!(row(&buf), ["a", "F", "R", "b", "❤", " ", "c", "ｶ", "゛", " ", "d", " "]);
    }

    #[test]
    fn controls_put_in_a_cell_directly_are_shown() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
        buf[(0, 0)].set_symbol("\u{1b}");
        buf[(1, 0)].set_symbol("\u{202e}");
        make_inert(&mut buf);
        assert_eq!(row(&buf), ["␛", "\u{fffd}", " "]);
    }
}
