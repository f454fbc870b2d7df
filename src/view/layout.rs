//! Where things go on screen. Pure geometry: the app asks it how many table
//! rows fit (for paging), and drawing uses the same answer.

use ratatui::layout::{Constraint, Flex, Layout, Rect};

/// A box of at most `width` × `height` in the middle of `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(v);
    h
}

/// How the metric cards are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardStyle {
    /// Boxed, four lines: title in the border, value, detail.
    Boxed,
    /// Two lines without a box: title, then value (and its brief when
    /// `brief`), so that 80×24 keeps twelve table rows.
    Compact { brief: bool },
}

impl CardStyle {
    pub fn height(self) -> u16 {
        match self {
            CardStyle::Boxed => 4,
            CardStyle::Compact { .. } => 2,
        }
    }
}

/// The customer page's regions. Regions that do not fit are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLayout {
    pub header: Rect,
    pub cards: Vec<Rect>,
    pub card_style: CardStyle,
    /// The aging strip and how it reads at this width.
    pub aging: Option<(Rect, crate::view::aging::Plan)>,
    pub tabs: Rect,
    /// The table including its header row.
    pub table: Rect,
    pub status: Rect,
    pub footer: Rect,
}

/// Table rows the page keeps before it shrinks the cards (80×24 has them).
pub const GOOD_TABLE_ROWS: u16 = 12;
/// Table rows below which the cards and aging give way entirely.
pub const MIN_TABLE_ROWS: u16 = 5;

/// Rows of cards, each card its x and width.
type Rows = Vec<Vec<(u16, u16)>>;

/// Packs cards of these minimum widths into rows of `width`, each row
/// stretched to the full width in proportion; `None` if one is too wide.
fn card_rows(width: u16, mins: &[u16]) -> Option<Rows> {
    let mut rows: Vec<Vec<u16>> = Vec::new();
    let mut used = 0u16;
    for &m in mins {
        if m > width {
            return None;
        }
        match rows.last_mut() {
            Some(row) if used + m <= width => {
                row.push(m);
                used += m;
            }
            _ => {
                rows.push(vec![m]);
                used = m;
            }
        }
    }
    // Greedy packing can leave one card alone on the last row; spread the
    // cards evenly over the same number of rows when that fits.
    let n_rows = rows.len();
    if n_rows > 1 {
        let per = mins.len().div_ceil(n_rows);
        let even: Vec<Vec<u16>> = mins.chunks(per).map(<[u16]>::to_vec).collect();
        if even.len() == n_rows && even.iter().all(|r| r.iter().sum::<u16>() <= width) {
            rows = even;
        }
    }
    Some(
        rows.into_iter()
            .map(|row| {
                let sum: u32 = row.iter().map(|&m| u32::from(m)).sum();
                let extra = u32::from(width) - sum;
                let mut x = 0u16;
                let n = row.len();
                row.iter()
                    .enumerate()
                    .map(|(i, &m)| {
                        let w = if i + 1 == n { width - x } else { m + (extra * u32::from(m) / sum.max(1)) as u16 };
                        let cell = (x, w);
                        x += w;
                        cell
                    })
                    .collect()
            })
            .collect(),
    )
}

/// Lays out the customer page. Cards keep their boxes while the table
/// keeps `GOOD_TABLE_ROWS`; then they go compact (briefs kept while they
/// fit in the same rows); below `MIN_TABLE_ROWS` they give way, the aging
/// strip with them. No card or amount is ever cut: a card is laid out at
/// its width or not at all.
pub fn customer_page(area: Rect, needs: &crate::view::cards::Needs) -> PageLayout {
    let mut y = area.y;
    let bottom = area.y + area.height;
    let line = |y: &mut u16| {
        let r = Rect { x: area.x, y: (*y).min(bottom), width: area.width, height: u16::from(*y < bottom) };
        *y = (*y + 1).min(bottom);
        r
    };
    // Fixed lines: name, tabs, table header, status, footer (+ legal name).
    let legal = area.height >= 10;
    let header = Rect { height: if legal { 2 } else { 1 }.min(area.height), ..line(&mut y) };
    y = area.y + header.height;
    let fixed_below = 4; // tabs, table header, status, footer
    let room = bottom.saturating_sub(y);
    let aging = crate::view::aging::plan(&needs.aging, area.width);
    let options = [
        (CardStyle::Boxed, &needs.boxed),
        (CardStyle::Compact { brief: true }, &needs.compact),
        (CardStyle::Compact { brief: false }, &needs.compact_bare),
    ];
    // Each style with its packed rows and the table rows it leaves.
    let candidates: Vec<(CardStyle, Rows, u16)> = options
        .iter()
        .filter_map(|(style, widths)| {
            let rows = card_rows(area.width, widths).filter(|r| !r.is_empty())?;
            let used = rows.len() as u16 * style.height() + aging.height();
            Some((*style, rows, room.saturating_sub(used + fixed_below)))
        })
        .collect();
    let chosen = candidates
        .iter()
        .find(|c| c.2 >= GOOD_TABLE_ROWS)
        .or_else(|| candidates.iter().find(|c| c.2 >= MIN_TABLE_ROWS));
    let mut cards = Vec::new();
    let mut card_style = CardStyle::Boxed;
    let mut aging_area = None;
    if let Some((style, rows, _)) = chosen {
        card_style = *style;
        let h = style.height();
        for (r, row) in rows.iter().enumerate() {
            for &(x, width) in row {
                cards.push(Rect { x: area.x + x, y: y + r as u16 * h, width, height: h });
            }
        }
        y += rows.len() as u16 * h;
        if aging.height() > 0 {
            aging_area = Some((Rect { x: area.x, y, width: area.width, height: aging.height() }, aging));
            y += aging_area.as_ref().map_or(0, |a| a.0.height);
        }
    }
    let tabs = line(&mut y);
    let footer_y = bottom.saturating_sub(1).max(y);
    let status_y = bottom.saturating_sub(2).max(y);
    let table = Rect { x: area.x, y, width: area.width, height: status_y.saturating_sub(y) };
    let status = Rect { x: area.x, y: status_y, width: area.width, height: u16::from(status_y < footer_y) };
    let footer = Rect { x: area.x, y: footer_y, width: area.width, height: u16::from(footer_y < bottom) };
    PageLayout { header, cards, card_style, aging: aging_area, tabs, table, status, footer }
}

/// The customers list: title, table, status line (search or message), footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListLayout {
    pub title: Rect,
    pub table: Rect,
    pub status: Rect,
    pub footer: Rect,
}

pub fn customers(area: Rect) -> ListLayout {
    let bottom = area.y + area.height;
    let row = |y: u16| Rect { x: area.x, y: y.min(bottom), width: area.width, height: u16::from(y < bottom) };
    let title = row(area.y);
    let top = (area.y + 1).min(bottom);
    let footer_y = bottom.saturating_sub(1).max(top);
    let status_y = bottom.saturating_sub(2).max(top);
    ListLayout {
        title,
        table: Rect { x: area.x, y: top, width: area.width, height: status_y.saturating_sub(top) },
        status: Rect { height: u16::from(status_y < footer_y), ..row(status_y) },
        footer: Rect { height: u16::from(footer_y < bottom && footer_y > area.y), ..row(footer_y) },
    }
}

/// Rows of data a table area holds (one line is its header).
pub fn body_rows(table: Rect) -> usize {
    table.height.saturating_sub(1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::domain::money::Currency;
    use crate::view::cards::Needs;

    fn inside(outer: Rect, r: Rect) -> bool {
        r.height == 0
            || (r.x >= outer.x && r.y >= outer.y && r.right() <= outer.right() && r.bottom() <= outer.bottom())
    }

    fn needs(boxed: u16, compact: u16) -> Needs {
        Needs {
            boxed: vec![boxed; 6],
            compact: vec![compact; 6],
            compact_bare: vec![compact.saturating_sub(10).max(14); 6],
            aging: [Money::new(100_000, Currency::USD); 5],
        }
    }

    #[test]
    fn wide_screen_puts_six_cards_in_one_row() {
        let l = customer_page(Rect::new(0, 0, 200, 60), &needs(24, 26));
        assert_eq!(l.cards.len(), 6);
        assert_eq!(l.card_style, CardStyle::Boxed);
        assert!(l.cards.iter().all(|c| c.y == 2));
        assert!(l.aging.is_some());
        assert!(body_rows(l.table) > 40);
    }

    #[test]
    fn eighty_by_twenty_four_keeps_twelve_rows_with_compact_cards() {
        let l = customer_page(Rect::new(0, 0, 80, 24), &needs(24, 26));
        assert_eq!(l.cards.len(), 6);
        assert_eq!(l.card_style, CardStyle::Compact { brief: true });
        assert_eq!(l.cards[3].y, l.cards[0].y + 2, "two rows of three");
        assert_eq!(l.cards[2].x + l.cards[2].width, 80, "rows are stretched to the full width");
        assert!(body_rows(l.table) >= usize::from(GOOD_TABLE_ROWS), "{}", body_rows(l.table));
    }

    #[test]
    fn one_hundred_twenty_by_forty_keeps_the_boxes() {
        let l = customer_page(Rect::new(0, 0, 120, 40), &needs(24, 26));
        assert_eq!(l.card_style, CardStyle::Boxed);
        assert!(body_rows(l.table) >= usize::from(GOOD_TABLE_ROWS));
    }

    #[test]
    fn every_size_stays_inside_the_screen() {
        for w in 0..90 {
            for h in 0..40 {
                let area = Rect::new(0, 0, w, h);
                let l = customer_page(area, &needs(22, 30));
                let aging = l.aging.as_ref().map(|a| a.0);
                for r in
                    [l.header, l.tabs, l.table, l.status, l.footer].iter().chain(l.cards.iter()).chain(aging.iter())
                {
                    assert!(inside(area, *r), "{w}x{h}: {r:?}");
                }
                let c = customers(area);
                for r in [c.title, c.table, c.status, c.footer] {
                    assert!(inside(area, r), "{w}x{h}: {r:?}");
                }
            }
        }
    }
}
