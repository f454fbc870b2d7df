//! The metric cards' texts, as the screen shows them: drawing (`ui`) and
//! layout (`view::layout`, which the app asks how many rows fit) both use
//! them, so no card is laid out for a text it does not show.

use crate::domain::metrics::{CustomerFigures, Metrics};
use crate::domain::text::width;

/// What one card says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub title: &'static str,
    pub value: String,
    pub detail: String,
    /// Collected percent for the gauge card.
    pub gauge: Option<u8>,
    pub alert: bool,
    /// The sub-figure that matters, for compact cards (beside the value):
    /// the overdue amount, the percentage collected, the payment count.
    pub brief: Option<String>,
}

pub fn cards(m: &Metrics, show_credit: bool) -> Vec<Card> {
    let card =
        |title, value: String, detail: String| Card { title, value, detail, gauge: None, alert: false, brief: None };
    let payments = format!(
        "{} payment{}",
        crate::domain::money::group_thousands(m.collected_count.unsigned_abs()),
        if m.collected_count == 1 { "" } else { "s" }
    );
    let mut out = vec![Card {
        gauge: Some(m.collected_percent),
        brief: Some(format!("{}%", m.collected_percent)),
        ..card(
            "Billed & Collected",
            format!("{} / {}", m.billed_collected.display_whole(), m.total_billed.display_whole()),
            String::new(),
        )
    }];
    out.push(Card {
        alert: m.overdue.minor > 0,
        brief: Some(format!("{} overdue", m.overdue.display())),
        ..card("Outstanding", m.outstanding.display(), format!("{} overdue", m.overdue.display()))
    });
    if show_credit {
        out.push(card("Credit Balance", m.credit_balance.display(), "unapplied".into()));
    }
    out.push(card(
        "Auto-Resolved",
        format!("{} of {}", m.conversations.auto_resolved, m.conversations.total),
        "conversations".into(),
    ));
    out.push(card(
        "Avg. Days to Collect",
        m.avg_days_to_collect.map_or("—".into(), |d| format!("{d} days")),
        "last 12 months".into(),
    ));
    out.push(Card { brief: Some(payments.clone()), ..card("Total Collected", m.total_collected.display(), payments) });
    out
}

/// The gauge line is this wide plus " 100%".
pub const GAUGE_CELLS: usize = 10;

/// The width each boxed card needs so no number is cut: its title between
/// the corners, or its lines with borders and a space each side.
fn boxed_widths(cards: &[Card]) -> Vec<u16> {
    cards
        .iter()
        .map(|c| {
            let gauge = if c.gauge.is_some() { GAUGE_CELLS + 5 } else { 0 };
            let body = width(&c.value).max(width(&c.detail)).max(gauge) + 4;
            (width(c.title) + 2).max(body) as u16
        })
        .collect()
}

/// Between a compact card's value and its brief.
pub const BRIEF_GAP: &str = "  ";

/// A compact card (no box, two lines: title, then value and brief) needs
/// its title or its value line and a gap of two before the next card.
fn compact_widths(cards: &[Card], brief: bool) -> Vec<u16> {
    cards
        .iter()
        .map(|c| {
            let value = width(&c.value) + c.brief.as_ref().filter(|_| brief).map_or(0, |b| width(BRIEF_GAP) + width(b));
            (width(c.title).max(value) + 2) as u16
        })
        .collect()
}

/// What the customer page's regions need to show whole: the cards in each
/// of their forms, and the aging amounts (`view::aging` plans their lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    pub boxed: Vec<u16>,
    /// Compact cards with their briefs, and without.
    pub compact: Vec<u16>,
    pub compact_bare: Vec<u16>,
    pub aging: [crate::domain::Money; 5],
}

impl Needs {
    pub fn of(f: &CustomerFigures, show_credit: bool) -> Needs {
        let c = cards(&f.metrics, show_credit);
        Needs {
            boxed: boxed_widths(&c),
            compact: compact_widths(&c, true),
            compact_bare: compact_widths(&c, false),
            aging: f.metrics.aging,
        }
    }
}
