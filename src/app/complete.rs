//! Tab completion for path inputs. Several paths may be typed, separated by
//! spaces; a path with spaces is quoted ("my file.pdf") or escaped (my\ file.pdf).
//! Tab completes the last one.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The whole input after completing.
    pub text: String,
    /// Candidates when more than one matches (directories end in `/`).
    pub candidates: Vec<String>,
}

/// The paths typed, quotes and escapes resolved (an unclosed quote runs to
/// the end of the input).
pub fn split_paths(input: &str) -> Vec<String> {
    crate::domain::text::split_words(input)
        .unwrap_or_else(|_| crate::domain::text::split_words(&format!("{input}\"")).unwrap_or_default())
}

/// Where the last path starts in `input` (after the last unquoted,
/// unescaped space).
fn last_start(input: &str) -> usize {
    let (mut quoted, mut escaped, mut start) = (false, false, 0);
    for (i, c) in input.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if !quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => start = i + c.len_utf8(),
            _ => {}
        }
    }
    start
}

fn quote(path: &str) -> String {
    if path.contains(' ') { format!("\"{path}\"") } else { path.to_string() }
}

fn expand(p: &str, cwd: &Path) -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let p = match (p.strip_prefix('~'), home) {
        (Some(rest), Some(h)) => h.join(rest.trim_start_matches('/')).to_string_lossy().into_owned(),
        _ => p.to_string(),
    };
    let path = PathBuf::from(p);
    if path.is_absolute() { path } else { cwd.join(path) }
}

/// Completes the last path of `input` against the file system.
pub fn complete(input: &str, cwd: &Path) -> Completion {
    let start = last_start(input);
    let head = &input[..start];
    let typed = split_paths(&input[start..]).pop().unwrap_or_default();
    let (dir_part, prefix) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed.as_str()),
    };
    let dir = expand(if dir_part.is_empty() { "." } else { dir_part }, cwd);
    let mut matches: Vec<(String, bool)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let visible = !name.starts_with('.') || prefix.starts_with('.');
                    (visible && name.starts_with(prefix)).then(|| (name, e.path().is_dir()))
                })
                .collect()
        })
        .unwrap_or_default();
    matches.sort();
    let unchanged = Completion { text: input.to_string(), candidates: Vec::new() };
    match matches.as_slice() {
        [] => unchanged,
        [(name, is_dir)] => {
            let path = format!("{dir_part}{name}{}", if *is_dir { "/" } else { "" });
            Completion { text: format!("{head}{}", quote(&path)), candidates: Vec::new() }
        }
        many => {
            let first = &many[0].0;
            let common = many.iter().fold(first.len(), |n, (m, _)| {
                first
                    .chars()
                    .zip(m.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a.len_utf8())
                    .sum::<usize>()
                    .min(n)
            });
            let path = format!("{dir_part}{}", &first[..common]);
            let candidates = many.iter().take(50).map(|(n, d)| format!("{n}{}", if *d { "/" } else { "" })).collect();
            Completion {
                text: format!(
                    "{head}{}",
                    if common > prefix.len() { quote(&path) } else { input[start..].to_string() }
                ),
                candidates,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_and_escaped_paths() {
        assert_eq!(split_paths(r#"a.pdf "my file.pdf" b\ c.txt"#), vec!["a.pdf", "my file.pdf", "b c.txt"]);
        assert!(split_paths("   ").is_empty());
    }

    #[test]
    fn completes_unique_and_common_prefixes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("invoice-march.pdf"), b"x").unwrap();
        std::fs::write(dir.path().join("invoice-april.pdf"), b"x").unwrap();
        std::fs::create_dir(dir.path().join("contracts")).unwrap();
        std::fs::write(dir.path().join(".hidden"), b"x").unwrap();
        let c = complete("con", dir.path());
        assert_eq!(c.text, "contracts/");
        let c = complete("a.pdf inv", dir.path());
        assert_eq!(c.text, "a.pdf invoice-");
        assert_eq!(c.candidates, vec!["invoice-april.pdf", "invoice-march.pdf"]);
        let c = complete("invoice-m", dir.path());
        assert_eq!(c.text, "invoice-march.pdf");
        assert_eq!(complete("zzz", dir.path()).text, "zzz");
        assert!(complete("", dir.path()).candidates.iter().all(|c| !c.starts_with('.')));
        let abs = format!("{}/inv", dir.path().display());
        assert!(complete(&abs, Path::new("/")).text.ends_with("/invoice-"));
    }
}
