//! Grapheme clusters that terminals draw at different widths.
//!
//! ratatui 0.30 puts each grapheme cluster in one cell and measures it with
//! `unicode-width` over the whole cluster (plus one column for each halfwidth
//! sound mark, ﾞ and ﾟ, which `unicode-width` 0.2.3 already counts: ｶﾞ comes
//! out 3 columns for 2). Terminals measure code point by code point, and only
//! some of them join sequences: tmux 3.3a draws 👍🏽 four columns wide and ❤️,
//! 1️⃣ and 🏳️‍🌈 one wide, where ratatui counts two; xterm and vt100 draw
//! 👨‍👩‍👧 six wide; a flag's two regional indicators are two separate
//! cells to most of them. Where the two disagree the cursor ends up short of
//! or past where ratatui thinks, and the columns it then skips keep whatever
//! the previous screen left there (a stale glyph) or lose their text.
//!
//! So a cluster reaches the terminal only in a *plain* form, one whose width
//! every terminal and ratatui agree on: a single character, or a base with
//! combining marks whose widths add up to what ratatui measures. Anything
//! else is drawn as its first character (the sequence's base emoji) padded
//! with spaces to the width ratatui measured, a flag as its two region
//! letters, and a halfwidth sound mark as its spacing form. The text stored
//! is never changed.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The columns ratatui lays `g`, one grapheme cluster, out in: what
/// ratatui-core's `CellWidth for str` answers, with clusters that hold a
/// control character (which ratatui drops) at 0.
pub fn cluster_width(g: &str) -> usize {
    if g.chars().any(char::is_control) {
        return 0;
    }
    if g.len() == 1 {
        return 1;
    }
    g.width() + g.chars().filter(|c| is_sound_mark(*c)).count()
}

/// Whether every terminal draws `g`, one grapheme cluster, as wide as
/// ratatui measures it.
pub fn is_plain(g: &str) -> bool {
    let mut chars = g.chars();
    let Some(first) = chars.next() else { return true };
    if chars.as_str().is_empty() {
        return !is_regional(first) && !is_sound_mark(first);
    }
    !g.chars().any(joins) && cluster_width(g) == g.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>()
}

/// Appends the plain form of `g`, one grapheme cluster, to `out`: exactly
/// `cluster_width(g)` columns of plain clusters.
pub fn push_plain(g: &str, out: &mut String) {
    let target = cluster_width(g);
    let mut shown = String::new();
    let mut base = false;
    for c in g.chars() {
        if is_regional(c) {
            shown.push(char::from(b'A' + (u32::from(c) - 0x1F1E6) as u8));
        } else if is_sound_mark(c) {
            // The spacing forms: ゛ and ゜, two columns as ratatui counts ﾞ.
            shown.push(if c == '\u{ff9e}' { '\u{309b}' } else { '\u{309c}' });
        } else if !base && !joins(c) && !c.is_control() {
            shown.push(c);
            base = true;
        }
    }
    let mut used = 0;
    for part in shown.graphemes(true) {
        let w = cluster_width(part);
        if used + w > target || !is_plain(part) {
            break;
        }
        out.push_str(part);
        used += w;
    }
    out.extend(std::iter::repeat_n(' ', target - used));
}

/// Whether `c` is printable and always a plain grapheme cluster of its own
/// (it neither joins nor extends a neighbour, and nothing before it can
/// take it in): the common blocks, so that most text is passed over
/// without segmenting it. A text whose every character is `alone` is plain
/// as it is, one cluster a character.
pub fn alone(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_graphic() || c == ' ';
    }
    matches!(c,
        ' '..='~'
        | '\u{a0}'..='\u{ac}'          // Latin-1 (not the soft hyphen)
        | '\u{ae}'..='\u{2ff}'         // Latin-1, Latin Extended, IPA, spacing modifiers
        | '\u{370}'..='\u{377}' | '\u{37a}'..='\u{37f}' | '\u{384}'..='\u{482}' // Greek, Cyrillic
        | '\u{48a}'..='\u{52f}'
        | '\u{2010}'..='\u{2027}'      // dashes, quotes, bullets, …
        | '\u{2030}'..='\u{205e}'
        | '\u{20a0}'..='\u{20c0}'      // currency signs
        | '\u{2100}'..='\u{218b}'      // letterlike symbols, number forms
        | '\u{2190}'..='\u{23ff}'      // arrows, mathematical and technical
        | '\u{2500}'..='\u{25ff}'      // box drawing, blocks, shapes
        | '\u{3001}'..='\u{3029}'      // CJK punctuation
        | '\u{3041}'..='\u{3096}'      // hiragana
        | '\u{30a1}'..='\u{30ff}'      // katakana
        | '\u{4e00}'..='\u{9fff}'      // CJK unified ideographs
        | '\u{ac00}'..='\u{d7a3}'      // Hangul syllables
        | '\u{ff01}'..='\u{ff60}'      // fullwidth forms
        | '\u{ff61}'..='\u{ff9d}'      // halfwidth katakana (not the sound marks)
    )
}

/// Characters that join or modify the cluster they are in, which
/// terminals handle each their own way.
fn joins(c: char) -> bool {
    matches!(c,
        '\u{200d}'                      // zero width joiner
        | '\u{fe00}'..='\u{fe0f}'       // variation selectors (VS16: emoji presentation)
        | '\u{e0100}'..='\u{e01ef}'
        | '\u{1f3fb}'..='\u{1f3ff}'     // skin tone modifiers
        | '\u{e0020}'..='\u{e007f}'     // tags (subdivision flags)
        | '\u{20e3}'                    // combining enclosing keycap
    ) || is_regional(c)
        || is_sound_mark(c)
}

fn is_regional(c: char) -> bool {
    matches!(c, '\u{1f1e6}'..='\u{1f1ff}')
}

/// Halfwidth katakana voiced and semi-voiced sound marks, which ratatui
/// counts twice.
fn is_sound_mark(c: char) -> bool {
    matches!(c, '\u{ff9e}' | '\u{ff9f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(g: &str) -> String {
        let mut s = String::new();
        push_plain(g, &mut s);
        s
    }

    #[test]
    fn characters_alone_are_clusters_of_their_own() {
        let sample: String = (0..0x110000u32).filter_map(char::from_u32).filter(|c| alone(*c)).collect();
        // Each one its own cluster, plain, measured by ratatui as by itself.
        for (g, c) in sample.graphemes(true).zip(sample.chars()) {
            assert_eq!(g, c.to_string(), "{c:?} joined a neighbour");
            assert!(is_plain(g) && !c.is_control(), "{c:?}");
            assert_eq!(cluster_width(g), c.width().unwrap_or(0), "{c:?}");
        }
        // Nor does one join the cluster before it.
        for c in sample.chars() {
            assert_eq!(format!("a{c}").graphemes(true).count(), 2, "{c:?}");
        }
    }

    #[test]
    fn sequences_terminals_disagree_on_are_not_plain() {
        for g in ["🇫🇷", "👨\u{200d}👩\u{200d}👧", "👍🏽", "❤\u{fe0f}", "1\u{fe0f}\u{20e3}", "ｶﾞ", "🇫", "ﾞ"]
        {
            assert!(!is_plain(g), "{g:?}");
        }
        for g in ["a", "株", "🚀", "e\u{301}", "कि", "\u{1100}\u{1161}\u{11a8}", "❤", "ｶ"] {
            assert!(is_plain(g), "{g:?}");
        }
    }

    #[test]
    fn plain_forms_keep_the_width_ratatui_measured() {
        assert_eq!(plain("🇫🇷"), "FR");
        assert_eq!(plain("👨\u{200d}👩\u{200d}👧"), "👨");
        assert_eq!(plain("👍🏽"), "👍");
        assert_eq!(plain("❤\u{fe0f}"), "❤ ");
        assert_eq!(plain("1\u{fe0f}\u{20e3}"), "1 ");
        assert_eq!(plain("🏳\u{fe0f}\u{200d}🌈"), "🏳 ");
        assert_eq!(plain("ｶﾞ"), "ｶ゛");
        for g in ["🇫🇷", "👨\u{200d}👩\u{200d}👧", "👍🏽", "❤\u{fe0f}", "ｶﾞ", "🇫", "🏴\u{e0067}\u{e0062}\u{e007f}"]
        {
            let p = plain(g);
            assert_eq!(p.graphemes(true).map(cluster_width).sum::<usize>(), cluster_width(g), "{g:?} → {p:?}");
            assert!(p.graphemes(true).all(is_plain), "{g:?} → {p:?}");
        }
    }
}
