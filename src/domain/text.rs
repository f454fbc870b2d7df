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
