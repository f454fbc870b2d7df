//! Text from data on its way to a terminal: control characters, escape
//! sequences and bidi overrides are made visible and inert, and grapheme
//! clusters terminals draw at different widths are shown in a plain form
//! (see `cluster`). Stored text is never changed; only what is shown.
//!
//! Widths are measured here and nowhere else: by grapheme cluster, as
//! ratatui lays text out, so padding, cutting and column layout agree with
//! what reaches the screen.

mod cluster;
mod formula;
mod wrap;

pub use cluster::{cluster_width, is_plain};
pub use formula::defuse_formula;
use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
pub use wrap::{Row, rows, wrap};

/// Returns `s` with every character that a terminal would act on replaced by
/// a visible stand-in: C0 controls and DEL by their Unicode control pictures
/// (ESC shows as `␛`), C1 controls and bidi controls by `�`; and every
/// grapheme cluster in its plain form (`cluster`), so the terminal draws it
/// as wide as it is measured.
pub fn clean(s: &str) -> Cow<'_, str> {
    clean_keeping(s, false)
}

/// `clean`, but line breaks stay line breaks: for messages of several lines.
pub fn clean_lines(s: &str) -> Cow<'_, str> {
    clean_keeping(s, true)
}

fn clean_keeping(s: &str, newlines: bool) -> Cow<'_, str> {
    let keep = |c: char| newlines && c == '\n';
    let ascii = |b: &u8| b.is_ascii_graphic() || *b == b' ' || (newlines && *b == b'\n');
    if s.bytes().all(|b| ascii(&b)) || s.chars().all(|c| cluster::alone(c) || keep(c)) {
        return Cow::Borrowed(s);
    }
    let acts = |g: &str| g.chars().any(|c| needs_replacing(c) && !keep(c));
    if !s.graphemes(true).any(|g| acts(g) || !is_plain(g)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for g in s.graphemes(true) {
        if acts(g) {
            out.extend(g.chars().map(|c| if keep(c) { c } else { replacement(c) }));
        } else if is_plain(g) {
            out.push_str(g);
        } else {
            cluster::push_plain(g, &mut out);
        }
    }
    Cow::Owned(out)
}

fn needs_replacing(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn replacement(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        c if needs_replacing(c) => '\u{fffd}',
        c => c,
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The terminal columns `s` takes as ratatui draws it: the sum of its
/// grapheme clusters' widths. The one width function of the program.
pub fn width(s: &str) -> usize {
    if s.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return s.len();
    }
    if s.chars().all(cluster::alone) {
        return s.chars().map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)).sum();
    }
    s.graphemes(true).map(cluster_width).sum()
}

/// `s` cut to `width` terminal columns, ending in `…` when it was cut, so
/// that a clipped value never passes for a whole one. Cuts between grapheme
/// clusters, never inside one (a flag or an accented letter stays whole).
pub fn ellipsize(s: &str, width: usize) -> Cow<'_, str> {
    if self::width(s) <= width {
        return Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut used = 0;
    let clusters: Box<dyn Iterator<Item = &str>> = if s.chars().all(cluster::alone) {
        // One cluster a character: no need to segment.
        Box::new(s.char_indices().map(|(i, c)| &s[i..i + c.len_utf8()]))
    } else {
        Box::new(s.graphemes(true))
    };
    for g in clusters {
        let w = cluster_width(g);
        if used + w + 1 > width {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}

/// `s` in exactly `width` columns: cut as by `ellipsize`, then padded with
/// spaces on the right (or on the left when `right` aligned).
pub fn pad(s: &str, width: usize, right: bool) -> String {
    let cut = ellipsize(s, width);
    let fill = " ".repeat(width.saturating_sub(self::width(&cut)));
    if right { fill + &cut } else { cut.into_owned() + &fill }
}

/// Splits on spaces outside double quotes; quotes are removed and a
/// backslash takes the next character literally (`my\ file.pdf`). Errors
/// when a quote is left open.
pub fn split_words(input: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut escaped, mut any) = (false, false, false);
    for c in input.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if !quoted => {
                escaped = true;
                any = true;
            }
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if quoted {
        return Err("a quote \" is not closed".into());
    }
    if any {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ellipsize_cuts_to_the_width_and_says_so() {
        assert_eq!(ellipsize("INV-0042", 11), "INV-0042");
        assert_eq!(ellipsize("3C512330-00001", 14), "3C512330-00001");
        assert_eq!(ellipsize("3C512330-000012", 14), "3C512330-0000…");
        // Wide characters take two columns: never more than the width.
        assert_eq!(ellipsize("請求書番号一二三", 7), "請求書…");
        assert_eq!(ellipsize("abc", 1), "…");
        assert_eq!(ellipsize("abc", 0), "");
    }

    #[test]
    fn ellipsize_and_pad_count_clusters() {
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(width(family), 2);
        assert_eq!(width("e\u{301}te\u{301}"), 3, "combining marks take no column");
        assert_eq!(width("株式会社"), 8);
        assert_eq!(ellipsize(&format!("{family}{family}{family}"), 5), format!("{family}{family}…"));
        assert_eq!(ellipsize("🇫🇷🇩🇪🇮🇹", 4), "🇫🇷…", "a flag is never cut in half");
        assert_eq!(ellipsize("Cafe\u{301} Crème", 6), "Cafe\u{301} …");
        assert_eq!(pad("株式", 6, false), "株式  ");
        assert_eq!(pad("e\u{301}", 3, true), "  e\u{301}");
        assert_eq!(pad("株式会社", 5, false), "株式…");
        assert_eq!(pad("株式会社", 6, false), "株式… ", "a wide character that does not fit leaves a space");
    }

    #[test]
    fn clusters_terminals_disagree_on_are_shown_plain() {
        assert_eq!(clean("Café 🇫🇷"), "Café FR");
        assert_eq!(clean("The 👨\u{200d}👩\u{200d}👧 Co"), "The 👨 Co");
        assert_eq!(clean("I ❤\u{fe0f} NY"), "I ❤  NY");
        assert_eq!(clean("ﾔﾏﾀﾞ"), "ﾔﾏﾀ゛");
        let hostile = "\u{1b}]0;👍🏽\u{7}";
        assert_eq!(clean(hostile), "␛]0;👍␇");
        assert!(matches!(clean("e\u{301} 株式会社 कि"), Cow::Borrowed(_)));
    }

    #[test]
    fn clean_lines_keeps_line_breaks_only() {
        assert_eq!(clean_lines("a\nb\r\x1b[2J"), "a\nb␍␛[2J");
        assert_eq!(clean("a\nb"), "a␊b");
        assert!(matches!(clean_lines("one\ntwo"), Cow::Borrowed(_)));
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(clean("Acme Corp — 株式会社 🚀"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_and_controls_become_visible() {
        let hostile = "\x1b]52;c;ZWNobyBoaQ==\x07Evil\x1b[2J\u{202e}cba\u{0}\u{9b}";
        let shown = clean(hostile);
        assert!(!shown.chars().any(|c| c.is_control()));
        assert_eq!(shown, "␛]52;c;ZWNobyBoaQ==␇Evil␛[2J\u{fffd}cba␀\u{fffd}");
    }
}
