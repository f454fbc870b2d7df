//! The completion candidates a path field lists under it: up to `SHOWN`
//! names and how many more, each whole where the screen has the room. The
//! form widens to the longest (it stayed 80 wide at 120 columns and cut
//! "…2025-11.redac"), and on a screen too narrow for them under the field
//! the list starts at the form's left edge; only then is a name cut, with
//! `…`.

use super::theme::Theme;
use crate::domain::text::{self, clean, ellipsize};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

/// Candidates listed at most.
const SHOWN: usize = 5;

/// The lines listed for `candidates`, made inert and indented: up to
/// `SHOWN` names, then how many more there are.
pub(super) fn lines(candidates: &[String]) -> Vec<String> {
    let more = candidates.len().saturating_sub(SHOWN);
    let shown = candidates.iter().take(SHOWN).map(|c| format!("  {}", clean(c)));
    shown.chain((more > 0).then(|| format!("  … and {more} more: type more of the name"))).collect()
}

/// Columns the widest of `lines` takes.
pub(super) fn widest(lines: &[String]) -> u16 {
    lines.iter().map(|l| u16::try_from(text::width(l)).unwrap_or(u16::MAX)).max().unwrap_or(0)
}

/// Draws `lines` from row `y` of `inner` (the form inside its borders),
/// under the value column `label_w` in, or from the left edge when the
/// widest does not fit there; returns the rows used.
pub(super) fn draw(frame: &mut Frame, inner: Rect, y: u16, label_w: u16, lines: &[String], theme: &Theme) -> u16 {
    let x = if label_w.saturating_add(widest(lines)) <= inner.width { inner.x + label_w } else { inner.x };
    let width = inner.right().saturating_sub(x);
    let mut rows = 0;
    for (line, y) in lines.iter().zip(y..inner.bottom()) {
        let r = Rect { x, y, width, height: 1 };
        frame.render_widget(
            Paragraph::new(Span::styled(ellipsize(line, usize::from(width)).into_owned(), theme.muted)),
            r,
        );
        rows += 1;
    }
    rows
}
