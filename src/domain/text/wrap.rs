//! Laying a line of text out in rows of a given width, before it is drawn:
//! a popup counts the rows it needs from the very rows it then draws, so
//! its height, its scroll and what it shows cannot disagree (counting
//! `width / columns` missed the rows that breaking at spaces wastes, and
//! the last line of a popup, its keys, fell off the bottom).
//!
//! Rows break at spaces; a word longer than a row is broken between
//! grapheme clusters, starting on the row it begins in. Rows after the
//! first keep the line's indentation (a report's indented list stays
//! readable as a list), and the spaces where a row broke are dropped.
//! A line that fits is kept as it is, its runs of spaces included (the
//! columns of a table).

use super::cluster_width;
use unicode_segmentation::UnicodeSegmentation;

/// One row: pieces of text, each with the tag (a style, a look) of the
/// piece of the line it came from.
pub type Row<T> = Vec<(T, String)>;

/// A cluster of the line, with its tag and width.
struct Cell<'a, T> {
    tag: T,
    text: &'a str,
    width: usize,
    space: bool,
}

/// Rows being filled.
struct Rows<T> {
    done: Vec<Row<T>>,
    row: Row<T>,
    used: usize,
    width: usize,
    /// The hanging indentation of rows after the first, and its tag.
    indent: Option<(T, usize)>,
}

impl<T: Copy + PartialEq> Rows<T> {
    fn push(&mut self, c: &Cell<'_, T>) {
        match self.row.last_mut() {
            Some((tag, text)) if *tag == c.tag => text.push_str(c.text),
            _ => self.row.push((c.tag, c.text.to_string())),
        }
        self.used += c.width;
    }

    /// Ends the row (its trailing spaces dropped) and starts the next one,
    /// indented.
    fn next_row(&mut self) {
        while let Some((_, text)) = self.row.last_mut() {
            let kept = text.trim_end_matches(' ').len();
            text.truncate(kept);
            if !text.is_empty() {
                break;
            }
            self.row.pop();
        }
        self.done.push(std::mem::take(&mut self.row));
        self.used = 0;
        if let Some((tag, n)) = self.indent {
            self.row.push((tag, " ".repeat(n)));
            self.used = n;
        }
    }

    /// Whether the row holds nothing but its indentation.
    fn fresh(&self) -> bool {
        self.used == self.indent.filter(|_| !self.done.is_empty()).map_or(0, |(_, n)| n)
    }

    fn room(&self) -> usize {
        self.width.saturating_sub(self.used)
    }
}

/// `line`, pieces of text with a tag each, laid out in rows of at most
/// `width` columns (measured as `text::width` measures). An empty line is
/// one empty row.
pub fn wrap<T: Copy + PartialEq>(line: &[(T, &str)], width: usize) -> Vec<Row<T>> {
    let width = width.max(1);
    let cells: Vec<Cell<'_, T>> = line
        .iter()
        .flat_map(|(tag, text)| {
            text.graphemes(true).map(move |g| Cell { tag: *tag, text: g, width: cluster_width(g), space: g == " " })
        })
        .collect();
    let total: usize = cells.iter().map(|c| c.width).sum();
    if total <= width {
        let mut rows = Rows { done: Vec::new(), row: Vec::new(), used: 0, width, indent: None };
        cells.iter().for_each(|c| rows.push(c));
        return vec![rows.row];
    }
    // Rows after the first are indented as the line is, while that leaves
    // most of the row for the text.
    let lead = cells.iter().take_while(|c| c.space).count();
    let indent = cells.first().filter(|_| lead > 0 && lead * 3 <= width).map(|c| (c.tag, lead));
    let mut rows = Rows { done: Vec::new(), row: Vec::new(), used: 0, width, indent };
    let mut i = 0;
    while i < cells.len() {
        let space = cells[i].space;
        let end = i + cells[i..].iter().take_while(|c| c.space == space).count();
        let run = &cells[i..end];
        let w: usize = run.iter().map(|c| c.width).sum();
        if space {
            // Spaces that do not fit end the row; a new row does not start
            // with the spaces it broke at.
            if !(i > 0 && rows.fresh()) {
                if w <= rows.room() {
                    run.iter().for_each(|c| rows.push(c));
                } else {
                    rows.next_row();
                }
            }
        } else {
            let whole_row = width.saturating_sub(rows.indent.map_or(0, |(_, n)| n));
            if w > rows.room() && w <= whole_row && !rows.fresh() {
                rows.next_row();
            }
            // A word longer than a row starts where it is and is broken
            // between clusters.
            for c in run {
                if c.width > rows.room() && !rows.fresh() {
                    rows.next_row();
                }
                rows.push(c);
            }
        }
        i = end;
    }
    // Not a last row of nothing but the indentation (trailing spaces broke
    // the row before it).
    if rows.done.is_empty() || !rows.fresh() {
        rows.next_row();
    }
    rows.done
}

/// The rows `text`, untagged, takes at `width` columns.
pub fn rows(text: &str, width: usize) -> usize {
    wrap(&[((), text)], width).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str, width: usize) -> Vec<String> {
        wrap(&[((), text)], width).into_iter().map(|r| r.into_iter().map(|(_, t)| t).collect()).collect()
    }

    #[test]
    fn a_line_that_fits_is_kept_whole_with_its_spaces() {
        assert_eq!(plain("  customers     29        0", 40), ["  customers     29        0"]);
        assert_eq!(plain("", 10), [""]);
        assert_eq!(plain("exactly ten", 11), ["exactly ten"]);
    }

    #[test]
    fn rows_break_at_spaces_and_keep_the_indentation() {
        assert_eq!(plain("is not a portal id", 12), ["is not a", "portal id"]);
        assert_eq!(
            plain("  a.csv:2 REFUSED (payments): unknown customer cus_P1", 24),
            ["  a.csv:2 REFUSED", "  (payments): unknown", "  customer cus_P1"]
        );
    }

    #[test]
    fn a_word_longer_than_a_row_is_broken_where_it_starts() {
        // The header-only HubSpot file: its path is longer than the popup.
        assert_eq!(
            plain("  HubSpot contacts: /work/imports/hubspot/contacts_all-properties.csv (0 row(s))", 40),
            ["  HubSpot contacts: /work/imports/hubspo", "  t/contacts_all-properties.csv (0", "  row(s))"]
        );
        assert_eq!(plain("app.hubspot.com/contacts/1234567", 10), ["app.hubspo", "t.com/cont", "acts/12345", "67"]);
        assert_eq!(rows("a app.hubspot.com", 10), 2);
    }

    #[test]
    fn wide_clusters_are_never_split_and_tags_follow_their_text() {
        assert_eq!(plain("株式会社山田商事", 5), ["株式", "会社", "山田", "商事"]);
        let line = [(1, "Key  "), (2, "what it does here")];
        let rows = wrap(&line, 12);
        assert_eq!(rows[0], vec![(1, "Key  ".to_string()), (2, "what it".to_string())]);
        assert_eq!(rows[1], vec![(2, "does here".to_string())]);
    }

    #[test]
    fn every_row_fits() {
        let text = "  Notes: 29 customer(s) were created from invoice, payment or contact rows (name or email on the \
                    row); a customers or companies export imported later fills in the rest ééé 株式会社";
        for width in 2..60 {
            for row in plain(text, width) {
                assert!(crate::domain::text::width(&row) <= width, "{row:?} at {width}");
            }
        }
    }
}
