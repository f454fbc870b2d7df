//! The help overlay's text, as data: the keys of the contexts below it
//! (from the key table), then on the customer page the filter language and
//! how each figure is computed, on the customers list how its two figures
//! are, on a detail how its amounts are. The app reads its `pane` to bound the scroll; `ui::popup` draws
//! the same pane's rows.

use super::action::Action;
use super::keymap::{self, Context};
use super::scroll::{Look, Pane, TextLine};
use crate::domain::metrics::FORMULAS;
use ratatui::layout::Rect;

/// The figures the customers list shows.
const LIST_FIGURES: [&str; 1] = ["Outstanding"];

pub fn lines(contexts: &[Context], mouse: bool) -> Vec<TextLine> {
    let mut lines = vec![TextLine::one(Look::Title, "Keys")];
    let hints = keymap::help(contexts);
    // As wide as the widest keys ("PgDn/Ctrl-D" ran into "page down").
    let keys_w = hints.iter().map(|h| crate::domain::text::width(&h.keys)).max().unwrap_or(0).max(9) + 1;
    for h in hints {
        let keys = crate::domain::text::pad(&h.keys, keys_w, false);
        lines.push(TextLine(vec![(Look::Key, format!("  {keys}")), (Look::Plain, h.hint.to_string())]));
    }
    lines.push(TextLine::one(Look::Plain, ""));
    lines.push(TextLine::one(Look::Title, "Mouse"));
    let text: &[&str] = if mouse { &MOUSE_ON } else { &MOUSE_OFF };
    for line in text {
        lines.push(TextLine::one(Look::Plain, format!("  {line}")));
    }
    let formulas = |names: &dyn Fn(&str) -> bool, lines: &mut Vec<TextLine>| {
        lines.push(TextLine::one(Look::Plain, ""));
        lines.push(TextLine::one(Look::Title, "How the figures are computed"));
        for (name, formula) in FORMULAS.iter().filter(|(n, _)| names(n)) {
            lines.push(TextLine(vec![(Look::Name, format!("  {name}: ")), (Look::Plain, formula.to_string())]));
        }
    };
    if contexts.contains(&Context::Customer) {
        lines.push(TextLine::one(Look::Plain, ""));
        lines.push(TextLine::one(Look::Title, "Filter (/)"));
        lines.push(TextLine::one(Look::Plain, format!("  {}", crate::domain::filter::SYNTAX)));
        for tab in crate::domain::columns::Tab::ALL {
            let names = crate::domain::filter::field_names(tab).join(" ");
            lines.push(TextLine(vec![(Look::Name, format!("  {}: ", tab.title())), (Look::Plain, names)]));
        }
        lines.push(TextLine::one(
            Look::Plain,
            "  Invoice statuses: draft open overdue partial paid cancelled uncollectible.",
        ));
        lines.push(TextLine::one(Look::Plain, ""));
        lines.push(TextLine::one(
            Look::Title,
            format!(
                "Figures ({}): the rows behind each, as a filter",
                keymap::label(Context::Customer, Action::Figures)
            ),
        ));
        for t in crate::view::figures::targets(true) {
            use crate::view::figures::Opens;
            let opens = match t.opens {
                Opens::Rows(tab, filter) => format!("{} {filter}", tab.title()),
                Opens::Collections => "the payment applications of the 365 days to today, with their days".into(),
                Opens::Nothing(why) => why.split_once(": ").map_or(why, |w| w.1).to_string(),
            };
            lines.push(TextLine(vec![(Look::Name, format!("  {}: ", t.name)), (Look::Plain, opens)]));
        }
        formulas(&|_| true, &mut lines);
        credit(&mut lines);
    } else if contexts.contains(&Context::Customers) {
        // Outstanding's definition says what Overdue is too.
        formulas(&|n| LIST_FIGURES.contains(&n), &mut lines);
    }
    let detail = if contexts.contains(&Context::InvoiceDetail) {
        Some(crate::domain::detail::INVOICE_FORMULAS)
    } else if contexts.contains(&Context::PaymentDetail) {
        Some(crate::domain::detail::PAYMENT_FORMULAS)
    } else {
        None
    };
    if let Some(detail) = detail {
        lines.push(TextLine::one(Look::Plain, ""));
        lines.push(TextLine::one(Look::Title, "How the amounts are computed"));
        for (name, formula) in detail {
            lines.push(TextLine(vec![(Look::Name, format!("  {name}: ")), (Look::Plain, formula.to_string())]));
        }
        if contexts.contains(&Context::InvoiceDetail) {
            credit(&mut lines);
        }
    }
    lines
}

/// What the mouse does when it is on (`app::mouse`).
pub const MOUSE_ON: [&str; 4] = [
    "Click a tab, a card (its rows), a column's title (sort; again: reverse) or a row (select; again: as Enter).",
    "The wheel scrolls three rows a notch. Everything the mouse does, a key does too.",
    "Shift-drag still selects text to copy in most terminals (Option-drag in macOS Terminal and iTerm2).",
    "On by --mouse or by mouse = true in the config file (`ardesk config-file` says where it is).",
];

/// Why the mouse is off, and how to turn it on.
pub const MOUSE_OFF: [&str; 2] = [
    "Off, so that the terminal selects and copies text (invoice numbers…) as usual.",
    "ardesk --mouse, or mouse = true in the config file, turns it on: click tabs, cards, titles, rows; wheel scrolls.",
];

/// What credit notes, small-balance write-offs and voids do to the figures.
fn credit(lines: &mut Vec<TextLine>) {
    lines.push(TextLine::one(Look::Plain, ""));
    lines.push(TextLine::one(Look::Title, "Credit notes, small balances, voids"));
    for (name, formula) in crate::domain::detail::CREDIT_FORMULAS {
        lines.push(TextLine(vec![(Look::Name, format!("  {name}: ")), (Look::Plain, formula.to_string())]));
    }
}

/// The help laid out on a screen of `size`: a box 90 wide (less on a
/// narrow screen), the text wrapped to it, scrolled by the `Scroll` keys.
pub fn pane(size: Rect, lines: &[TextLine]) -> Pane {
    Pane::new(size, lines, 90, 2, size.height)
}
