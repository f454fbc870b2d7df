//! Text from data on its way to a terminal: control characters, escape
//! sequences and bidi overrides are made visible and inert. Stored text is
//! never changed; only what is shown.

use std::borrow::Cow;

/// Returns `s` with every character that a terminal would act on replaced by
/// a visible stand-in: C0 controls and DEL by their Unicode control pictures
/// (ESC shows as `␛`), C1 controls and bidi controls by `�`.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_replacing) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(replacement).collect())
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

/// `s` cut to `width` terminal columns, ending in `…` when it was cut, so
/// that a clipped value never passes for a whole one.
pub fn ellipsize(s: &str, width: usize) -> Cow<'_, str> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= width {
        return Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    Cow::Owned(out)
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
