//! The help overlay's text, as data: the keys of the contexts below it
//! (from the key table), then on the customer page the filter language and
//! how each figure is computed, on the customers list how its two figures
//! are. The app reads it to bound the scroll; `ui::popup` draws it.

use super::keymap::{self, Context};
use crate::domain::metrics::FORMULAS;
use crate::view::layout;
use ratatui::layout::Rect;

/// How a piece of a help line is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    Title,
    Key,
    Name,
    Plain,
}

/// One line of help: its pieces in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine(pub Vec<(Look, String)>);

impl HelpLine {
    fn one(look: Look, text: impl Into<String>) -> HelpLine {
        HelpLine(vec![(look, text.into())])
    }

    /// Its width in terminal cells.
    pub fn width(&self) -> usize {
        self.0.iter().map(|(_, t)| crate::domain::text::width(t)).sum()
    }
}

/// The figures the customers list shows.
const LIST_FIGURES: [&str; 1] = ["Outstanding"];

pub fn lines(contexts: &[Context]) -> Vec<HelpLine> {
    let mut lines = vec![HelpLine::one(Look::Title, "Keys")];
    for h in keymap::help(contexts) {
        lines.push(HelpLine(vec![(Look::Key, format!("  {:<10}", h.keys)), (Look::Plain, h.hint.to_string())]));
    }
    let formulas = |names: &dyn Fn(&str) -> bool, lines: &mut Vec<HelpLine>| {
        lines.push(HelpLine::one(Look::Plain, ""));
        lines.push(HelpLine::one(Look::Title, "How the figures are computed"));
        for (name, formula) in FORMULAS.iter().filter(|(n, _)| names(n)) {
            lines.push(HelpLine(vec![(Look::Name, format!("  {name}: ")), (Look::Plain, formula.to_string())]));
        }
    };
    if contexts.contains(&Context::Customer) {
        lines.push(HelpLine::one(Look::Plain, ""));
        lines.push(HelpLine::one(Look::Title, "Filter (/)"));
        lines.push(HelpLine::one(Look::Plain, format!("  {}", crate::domain::filter::SYNTAX)));
        for tab in crate::domain::columns::Tab::ALL {
            let names = crate::domain::filter::field_names(tab).join(" ");
            lines.push(HelpLine(vec![(Look::Name, format!("  {}: ", tab.title())), (Look::Plain, names)]));
        }
        lines.push(HelpLine::one(
            Look::Plain,
            "  Invoice statuses: draft open overdue partial paid cancelled uncollectible.",
        ));
        formulas(&|_| true, &mut lines);
    } else if contexts.contains(&Context::Customers) {
        // Outstanding's definition says what Overdue is too.
        formulas(&|n| LIST_FIGURES.contains(&n), &mut lines);
    }
    lines
}

/// Where the help goes in a screen of `size`.
pub fn area(size: Rect, lines: &[HelpLine]) -> Rect {
    layout::centered(size, 90, u16::try_from(lines.len() + 2).unwrap_or(u16::MAX))
}

/// How far the help can scroll in a screen of `size`: to its last line
/// and no further (lines that wrap count as the rows they take).
pub fn max_scroll(size: Rect, lines: &[HelpLine]) -> u16 {
    let rect = area(size, lines);
    let inner = rect.width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    u16::try_from(rows.saturating_sub(rect.height.saturating_sub(2) as usize)).unwrap_or(u16::MAX)
}
