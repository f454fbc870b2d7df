//! The page's figures as places the keyboard can reach (`f`, then the
//! arrows): each card, the overdue amount under Outstanding, and each aging
//! bucket — and the rows behind each, as an ordinary tab filter the user
//! sees in the filter bar and can edit. One list, so the highlight, the
//! keys and what `Enter` opens cannot disagree.

use crate::domain::columns::Tab;

/// Where a figure is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A card, by its index in `view::cards::cards`.
    Card(usize),
    /// The sub-figure of that card (the overdue amount under Outstanding).
    Brief(usize),
    /// An aging bucket (0 = current … 4 = 90+).
    Aging(usize),
}

/// What `Enter` on a figure opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opens {
    /// A tab filtered to the figure's rows.
    Rows(Tab, &'static str),
    /// Avg. Days to Collect's applications with their days (a view of its
    /// own: payment, invoice, amount, days, and the weighted mean).
    Collections,
    /// Nothing yet, and why.
    Nothing(&'static str),
}

/// A figure and the rows behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub place: Place,
    pub name: &'static str,
    pub opens: Opens,
}

/// Aging buckets as the filter names them, in order.
pub const AGING_TERMS: [&str; 5] = ["aging:current", "aging:1-30", "aging:31-60", "aging:61-90", "aging:90+"];

/// The figures in the order the arrows visit them: the cards left to
/// right as `view::cards::cards` lists them, the overdue amount right after
/// Outstanding, then the aging buckets.
pub fn targets(show_credit: bool) -> Vec<Target> {
    let mut out = Vec::new();
    let mut card = 0;
    let mut push = |out: &mut Vec<Target>, name, opens| {
        out.push(Target { place: Place::Card(card), name, opens });
        card += 1;
        card - 1
    };
    push(&mut out, "Billed & Collected", Opens::Rows(Tab::Invoices, "status:open,paid,uncollectible"));
    let outstanding = push(&mut out, "Outstanding", Opens::Rows(Tab::Invoices, "status:open"));
    out.push(Target {
        place: Place::Brief(outstanding),
        name: "Overdue",
        opens: Opens::Rows(Tab::Invoices, "status:overdue"),
    });
    if show_credit {
        // Payments with a remainder and credits not fully applied; the
        // status line's "unapplied" is the card.
        push(&mut out, "Credit Balance", Opens::Rows(Tab::Payments, "status:unapplied"));
    }
    // The conversations the card counts, "N of M": M is every row of the
    // tab, N these.
    push(&mut out, "Auto-Resolved", Opens::Rows(Tab::Conversations, "status:resolved resolved_by:agent"));
    push(&mut out, "Avg. Days to Collect", Opens::Collections);
    push(&mut out, "Total Collected", Opens::Rows(Tab::Payments, "status:succeeded"));
    for (i, term) in AGING_TERMS.iter().enumerate() {
        out.push(Target {
            place: Place::Aging(i),
            name: crate::domain::metrics::AGING_LABELS[i],
            opens: Opens::Rows(Tab::Invoices, term),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_card_is_a_target_in_the_cards_order() {
        for credit in [false, true] {
            let m = crate::domain::metrics::Metrics::from_parts(
                crate::domain::money::Currency::USD,
                &Default::default(),
                Default::default(),
            );
            let cards = crate::view::cards::cards(&m, credit);
            let t = targets(credit);
            let card_names: Vec<&str> =
                t.iter().filter(|t| matches!(t.place, Place::Card(_))).map(|t| t.name).collect();
            let titles: Vec<&str> = cards.iter().map(|c| c.title).collect();
            assert_eq!(card_names, titles);
            for (i, c) in t.iter().filter(|t| matches!(t.place, Place::Card(_))).enumerate() {
                assert_eq!(c.place, Place::Card(i));
            }
            assert_eq!(t.iter().filter(|t| matches!(t.place, Place::Aging(_))).count(), 5);
        }
    }

    #[test]
    fn every_filter_a_figure_opens_parses() {
        for t in targets(true) {
            if let Opens::Rows(tab, filter) = t.opens {
                let f = crate::domain::filter::parse(filter, tab, crate::domain::money::Currency::USD);
                assert!(f.is_ok(), "{}: {filter}: {f:?}", t.name);
            }
        }
    }
}
