//! What a CSV file does not say about itself, guessed from its bytes:
//! whether it is UTF-8, which byte separates its fields, what a cell's
//! bytes mean when they are not UTF-8, and names for repeated header cells.

use encoding_rs::WINDOWS_1252;
use std::borrow::Cow;

/// Whether `sample` is UTF-8, allowing a sequence cut at its end unless
/// the sample is the whole file.
pub(super) fn utf8_prefix_ok(sample: &[u8], whole: bool) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => !whole && e.error_len().is_none(),
    }
}

pub(super) fn strip_bom(mut sample: Vec<u8>) -> Vec<u8> {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        sample.drain(..3);
    }
    sample
}

/// A cell's text; a stray non-UTF-8 cell in a UTF-8 file is read as
/// Windows-1252 rather than refused.
pub(super) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// Repeated header names get " (2)", " (3)", … (case-insensitively), in
/// time linear in the number of columns: a hostile header of 100,000
/// columns, all alike, must not take minutes.
pub(super) fn dedup(cells: Vec<String>) -> Vec<String> {
    dedup_counting(cells, &mut 0)
}

/// `dedup`, adding the names it tried to `tries` (tests hold it to
/// linear).
fn dedup_counting(cells: Vec<String>, tries: &mut usize) -> Vec<String> {
    use std::collections::{HashMap, HashSet};
    let mut taken: HashSet<String> = HashSet::with_capacity(cells.len());
    // Per name, the suffix to try next: repeats start where the last left
    // off instead of at " (2)" again.
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<String> = Vec::with_capacity(cells.len());
    for c in cells {
        let key = c.to_ascii_lowercase();
        *tries += 1;
        if taken.insert(key.clone()) {
            out.push(c);
            continue;
        }
        let n = next.entry(key).or_insert(2);
        loop {
            let name = format!("{c} ({n})");
            *n += 1;
            *tries += 1;
            if taken.insert(name.to_ascii_lowercase()) {
                out.push(name);
                break;
            }
        }
    }
    out
}

pub(super) fn widest(rows: &[(csv::ByteRecord, usize)]) -> Option<usize> {
    let filled = |r: &csv::ByteRecord| r.iter().filter(|c| !c.is_empty()).count();
    let max = rows.iter().map(|(r, _)| filled(r)).max().filter(|m| *m > 0)?;
    rows.iter().position(|(r, _)| filled(r) == max)
}

/// Picks the delimiter that splits the first lines most consistently; an
/// Excel `sep=;` first line decides it outright (and is skipped).
pub(super) fn sniff_delimiter(sample: &str) -> (u8, bool) {
    let first = sample.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    if let Some(sep) = first.trim().strip_prefix("sep=")
        && let Some(&b) = sep.as_bytes().first()
    {
        return (b, true);
    }
    let lines: Vec<&str> = sample.lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    let mut best = (b',', 0usize, 0usize);
    for cand in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, cand)).collect();
        let Some(&mode) = counts.iter().filter(|c| **c > 0).max_by_key(|c| counts.iter().filter(|x| x == c).count())
        else {
            continue;
        };
        let agree = counts.iter().filter(|c| **c == mode).count();
        if (agree, mode) > (best.1, best.2) {
            best = (cand, agree, mode);
        }
    }
    (best.0, false)
}

fn count_outside_quotes(line: &str, delim: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delim && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_header_names_are_numbered_in_linear_time() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(dedup(names(&["a", "A", "a (2)", "a", "b"])), ["a", "A (2)", "a (2) (2)", "a (3)", "b"]);
        // 100,000 columns alike (an empty header row's cells, say): each
        // name is tried once or twice, not once per column before it.
        let mut tries = 0;
        let out = dedup_counting(vec![String::new(); 100_000], &mut tries);
        assert_eq!((out[0].as_str(), out[99_999].as_str()), ("", " (100000)"));
        assert!(tries <= 2 * 100_000, "{tries} names tried for 100,000 columns");
        let mut tries = 0;
        dedup_counting((0..100_000).map(|i| format!("c{i}")).collect(), &mut tries);
        assert_eq!(tries, 100_000);
    }
}
