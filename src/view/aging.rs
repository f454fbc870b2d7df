//! The aging strip's text at a width: every amount exact and whole, or the
//! bucket not shown at all. Narrower screens first lose the bars, then the
//! strip's title and long labels, then it wraps onto a second and third
//! line; a bucket is left out only when even one line of its own cannot
//! hold it (a screen narrower than one amount). Layout asks how many lines
//! the strip takes; drawing draws the same plan.

use crate::domain::Money;
use crate::domain::metrics::AGING_LABELS;
use crate::domain::text::width;

/// Short labels, for narrow screens: distinct, and never mistaken for a
/// currency code.
pub const SHORT_LABELS: [&str; 5] = ["Now", "1–30", "31–60", "61–90", "90+"];
pub const TITLE: &str = " Aging ";
pub const SEPARATOR: &str = " · ";
/// Each bucket's bar is this many cells (after a space).
pub const BAR_CELLS: usize = 6;
/// The most lines the strip may take.
pub const MAX_LINES: usize = 3;

/// One bucket as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Its place (0 = current, 4 = 90+).
    pub index: usize,
    pub label: &'static str,
    pub amount: String,
    /// Bar cells, when bars are shown.
    pub bar: Option<usize>,
    /// Something is owed in it.
    pub owed: bool,
}

impl Bucket {
    /// Past due and not zero: drawn as an alert.
    pub fn amount_is_due(&self) -> bool {
        self.index > 0 && self.owed
    }
}

/// The strip at one width: its lines, each a list of buckets, and whether
/// the first line begins with the title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub title: bool,
    pub lines: Vec<Vec<Bucket>>,
}

impl Plan {
    pub fn height(&self) -> u16 {
        self.lines.len() as u16
    }
}

fn bucket_width(b: &Bucket) -> usize {
    width(b.label) + 1 + width(&b.amount) + b.bar.map_or(0, |_| 1 + BAR_CELLS)
}

/// Packs the buckets into lines of `w`, in order: `None` when more than
/// `max` lines are needed.
fn pack(buckets: &[Bucket], title: bool, w: usize, max: usize) -> Option<Vec<Vec<Bucket>>> {
    let mut lines: Vec<Vec<Bucket>> = Vec::new();
    let mut line: Vec<Bucket> = Vec::new();
    let mut used = if title { width(TITLE) } else { 1 };
    for b in buckets {
        let bw = bucket_width(b);
        let sep = if line.is_empty() { 0 } else { width(SEPARATOR) };
        if used + sep + bw <= w {
            used += sep + bw;
            line.push(b.clone());
        } else {
            if line.is_empty() || lines.len() + 1 == max {
                return None;
            }
            lines.push(std::mem::replace(&mut line, vec![b.clone()]));
            used = 1 + bw;
            if used > w {
                return None;
            }
        }
    }
    lines.push(line);
    Some(lines)
}

/// How the strip reads at `w` columns.
pub fn plan(amounts: &[Money; 5], w: u16) -> Plan {
    let w = usize::from(w);
    let max = amounts.iter().map(|m| m.minor).max().unwrap_or(0).max(1);
    let buckets = |short: bool, bars: bool| -> Vec<Bucket> {
        amounts
            .iter()
            .enumerate()
            .map(|(index, m)| Bucket {
                index,
                label: if short { SHORT_LABELS[index] } else { AGING_LABELS[index] },
                amount: m.display(),
                owed: m.minor > 0,
                bar: bars.then(|| ((m.minor.max(0) * BAR_CELLS as i64 + max - 1) / max) as usize),
            })
            .collect()
    };
    // One line, then two, then three; the long form before the short at
    // each count, since a second line costs a table row.
    let forms = [(true, false, true), (true, false, false), (false, true, false)];
    for lines in 1..=MAX_LINES {
        for (title, short, bars) in forms {
            if bars && lines > 1 {
                continue;
            }
            if let Some(packed) = pack(&buckets(short, bars), title, w, lines) {
                return Plan { title, lines: packed };
            }
        }
    }
    // Narrower than the strip can wrap into: one bucket a line, the ones
    // that fit whole.
    let fitting: Vec<Vec<Bucket>> =
        buckets(true, false).into_iter().filter(|b| bucket_width(b) < w).take(MAX_LINES).map(|b| vec![b]).collect();
    Plan { title: false, lines: fitting }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn text(p: &Plan) -> Vec<String> {
        p.lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let body: Vec<String> = l.iter().map(|b| format!("{} {}", b.label, b.amount)).collect();
                format!("{}{}", if i == 0 && p.title { TITLE } else { " " }, body.join(SEPARATOR))
            })
            .collect()
    }

    #[test]
    fn yen_amounts_wrap_instead_of_being_cut() {
        let yen = |n| Money::new(n, Currency::JPY);
        let a = [yen(12_345_000), yen(2_500_000), yen(1_876_000), yen(1_365_000), yen(1_976_000)];
        let p = plan(&a, 80);
        let all: String = text(&p).join("\n");
        assert!(all.contains("90+ ¥1,976,000"), "{all}");
        assert!(text(&p).iter().all(|l| width(l) <= 80), "{all}");
        for m in &a {
            assert!(all.contains(&m.display()), "{all}");
        }
    }

    #[test]
    fn wide_screens_keep_one_line_with_bars() {
        let usd = |n| Money::new(n, Currency::USD);
        let p = plan(&[usd(1_200_000), usd(500_000), usd(200_000), usd(0), usd(100_000)], 200);
        assert_eq!(p.height(), 1);
        assert!(p.title && p.lines[0].iter().all(|b| b.bar.is_some()));
    }

    #[test]
    fn the_largest_amounts_fit_in_three_lines_at_eighty() {
        let big = Money::new(10_i64.pow(13), Currency::USD);
        let p = plan(&[big; 5], 80);
        assert_eq!(p.lines.iter().map(Vec::len).sum::<usize>(), 5, "{:?}", text(&p));
        assert!(p.height() as usize <= MAX_LINES);
        assert!(text(&p).iter().all(|l| width(l) <= 80));
    }

    #[test]
    fn tiny_widths_show_whole_buckets_or_none() {
        let a = [Money::new(123_456, Currency::USD); 5];
        for w in 0..40 {
            let p = plan(&a, w);
            assert!(text(&p).iter().all(|l| width(l) <= usize::from(w.max(1))), "{w}: {:?}", text(&p));
            assert!(p.lines.iter().flatten().all(|b| b.amount == "$1,234.56"));
        }
    }
}
