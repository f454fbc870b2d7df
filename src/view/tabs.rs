//! How the customer page's tab bar reads at a width, and where each title
//! lies on it: the drawing (`ui::page`) and a mouse click (`app::mouse`)
//! take both from here.

use crate::domain::columns::Tab;
use crate::domain::text::width;

/// Before the first title.
pub const LEAD: &str = " ";
/// After each title.
pub const GAP: &str = "  ";

/// Each tab's title: whole titles where they fit; then the selected tab
/// in full and the others short (`Tabular::SHORT_TITLE`), then their
/// counts rounded ("12k"), then without counts. The selected tab always
/// reads in full with its exact count.
pub fn titles(current: Tab, count: impl Fn(Tab) -> usize, room: u16) -> Vec<(Tab, String)> {
    let render = |short: bool, counts: u8| -> Vec<(Tab, String)> {
        Tab::ALL
            .iter()
            .enumerate()
            .map(|(i, tab)| {
                let n = count(*tab);
                let this = *tab == current;
                let title = if short && !this { tab.short_title() } else { tab.title() };
                let text = match (this, counts) {
                    (true, _) | (false, 2) => format!("{} {title} ({})", i + 1, group(n)),
                    (false, 1) => format!("{} {title} ({})", i + 1, rounded(n)),
                    _ => format!("{} {title}", i + 1),
                };
                (*tab, text)
            })
            .collect()
    };
    // The last gap may run past the edge.
    let fits = |t: &Vec<(Tab, String)>| {
        width(LEAD) + t.iter().map(|(_, s)| width(s) + width(GAP)).sum::<usize>() <= room as usize + width(GAP)
    };
    [(false, 2), (true, 2), (true, 1), (true, 0)]
        .into_iter()
        .map(|(short, counts)| render(short, counts))
        .find(fits)
        .unwrap_or_else(|| render(true, 0))
}

/// The tab whose title is at column `x` of a bar starting at `left`.
pub fn at(titles: &[(Tab, String)], left: u16, x: u16) -> Option<Tab> {
    let mut from = usize::from(left) + width(LEAD);
    for (tab, text) in titles {
        let to = from + width(text);
        if (from..to).contains(&usize::from(x)) {
            return Some(*tab);
        }
        from = to + width(GAP);
    }
    None
}

/// A count in at most four characters, rounded down so it never
/// overstates: "999", "1.2k", "12k", "1.2M", "12M".
fn rounded(n: usize) -> String {
    let tenths = |unit: usize| match (n / unit, n / (unit / 10) % 10) {
        (whole, 0) | (whole @ 10.., _) => whole.to_string(),
        (whole, tenth) => format!("{whole}.{tenth}"),
    };
    match n {
        0..=999 => n.to_string(),
        1_000..=999_999 => format!("{}k", tenths(1_000)),
        _ => format!("{}M", tenths(1_000_000)),
    }
}

fn group(n: usize) -> String {
    crate::domain::money::group_thousands(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_counts_are_short_and_never_overstate() {
        let cases = [(0, "0"), (999, "999"), (1_000, "1k"), (1_999, "1.9k"), (12_345, "12k"), (999_999, "999k")];
        for (n, want) in cases.into_iter().chain([(1_000_000, "1M"), (1_250_000, "1.2M"), (25_000_000, "25M")]) {
            assert_eq!(rounded(n), want, "{n}");
        }
    }

    #[test]
    fn a_column_finds_the_title_drawn_over_it_and_none_between() {
        for room in [40, 80, 120, 200] {
            let t = titles(Tab::Payments, |_| 1_234_567, room);
            let line: String =
                std::iter::once(LEAD.to_string()).chain(t.iter().map(|(_, s)| format!("{s}{GAP}"))).collect();
            // Where each title lies, found in the line as drawn.
            let mut want = vec![None; line.chars().count() + 5];
            let mut from = 0;
            for (tab, text) in &t {
                let byte = from + line[from..].find(text.as_str()).unwrap();
                let x = line[..byte].chars().count();
                for w in want.iter_mut().skip(x).take(text.chars().count()) {
                    *w = Some(*tab);
                }
                from = byte + text.len();
            }
            for (x, w) in want.iter().enumerate() {
                assert_eq!(at(&t, 0, x as u16), *w, "{room}: column {x}");
            }
            assert_eq!(at(&t, 0, 1), Some(Tab::ALL[0]), "{room}: the first title's digit");
            assert_eq!(at(&t, 10, 1), None, "left of a bar placed further right");
        }
    }
}
