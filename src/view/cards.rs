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
}

pub fn cards(m: &Metrics, show_credit: bool) -> Vec<Card> {
    let card = |title, value: String, detail: String| Card { title, value, detail, gauge: None, alert: false };
    let mut out = vec![Card {
        gauge: Some(m.collected_percent),
        ..card(
            "Billed & Collected",
            format!("{} / {}", m.billed_collected.display_whole(), m.total_billed.display_whole()),
            String::new(),
        )
    }];
    out.push(Card {
        alert: m.overdue.minor > 0,
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
    out.push(card(
        "Total Collected",
        m.total_collected.display(),
        format!(
            "{} payment{}",
            crate::domain::money::group_thousands(m.collected_count.unsigned_abs()),
            if m.collected_count == 1 { "" } else { "s" }
        ),
    ));
    out
}

/// The gauge line is this wide plus " 100%".
pub const GAUGE_CELLS: usize = 10;

/// The width each card needs so no number is cut: its title between the
/// corners, or its lines with borders and a space each side.
pub fn min_widths(f: &CustomerFigures, show_credit: bool) -> Vec<u16> {
    cards(&f.metrics, show_credit)
        .iter()
        .map(|c| {
            let gauge = if c.gauge.is_some() { GAUGE_CELLS + 5 } else { 0 };
            let body = width(&c.value).max(width(&c.detail)).max(gauge) + 4;
            (width(c.title) + 2).max(body) as u16
        })
        .collect()
}
