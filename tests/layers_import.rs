//! The store and the domain sit below the importer: nothing under
//! `src/store/` or `src/domain/` may name a path into `src/import/`, so
//! that the importer's stages can change without the store noticing, and
//! the store's tests need no importer. Read from the source files: every
//! `crate::…`, `super::…` and `self::…` path (use trees expanded) is
//! resolved against the file's own module and must not land in `import`.

use std::path::{Path, PathBuf};

/// The module path of a source file: `src/store/import/money.rs` is
/// `store::import::money`, `src/store/mod.rs` is `store`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("a file under src");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap_or_default();
    match last.trim_end_matches(".rs") {
        "mod" | "lib" | "main" => {}
        name => parts.push(name.to_string()),
    }
    parts
}

/// The text without comments (line comments, doc comments and block
/// comments), so that prose naming the importer does not count.
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |end| &after[end + 2..]);
        } else if rest.starts_with("//") {
            rest = rest.find('\n').map_or("", |end| &rest[end..]);
        } else if rest.starts_with('"') {
            // Strings are passed over whole: `"https://…"` is not a comment.
            let body = &rest[1..];
            let mut end = body.len();
            let mut escaped = false;
            for (i, c) in body.char_indices() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => {
                        end = i + 1;
                        break;
                    }
                    _ => escaped = false,
                }
            }
            out.push_str("\"\"");
            rest = body.get(end..).unwrap_or("");
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The paths of a use tree (or an inline path) that starts at `at`, each
/// as its segments: `crate::{a::b, c::{d, e}}` gives `crate::a::b`,
/// `crate::c::d`, `crate::c::e`.
fn paths_at(code: &str, at: usize) -> (Vec<Vec<String>>, usize) {
    let bytes: Vec<char> = code[at..].chars().collect();
    let mut i = 0;
    let tree = parse_tree(&bytes, &mut i);
    (tree, at + bytes[..i].iter().map(|c| c.len_utf8()).sum::<usize>())
}

fn skip_space(s: &[char], i: &mut usize) {
    while *i < s.len() && s[*i].is_whitespace() {
        *i += 1;
    }
}

fn parse_tree(s: &[char], i: &mut usize) -> Vec<Vec<String>> {
    let mut prefix = Vec::new();
    loop {
        skip_space(s, i);
        if *i < s.len() && s[*i] == '{' {
            *i += 1;
            let mut out = Vec::new();
            loop {
                skip_space(s, i);
                if *i >= s.len() || s[*i] == '}' {
                    *i += 1;
                    break;
                }
                for tail in parse_tree(s, i) {
                    let mut p = prefix.clone();
                    p.extend(tail);
                    out.push(p);
                }
                skip_space(s, i);
                if *i < s.len() && s[*i] == ',' {
                    *i += 1;
                }
            }
            return out;
        }
        let start = *i;
        while *i < s.len() && (is_ident(s[*i]) || s[*i] == '*') {
            *i += 1;
        }
        if *i == start {
            return vec![prefix];
        }
        prefix.push(s[start..*i].iter().collect());
        skip_space(s, i);
        if s.get(*i) == Some(&':') && s.get(*i + 1) == Some(&':') {
            *i += 2;
        } else {
            return vec![prefix];
        }
    }
}

/// Every path in `code` that starts at `crate`, `super` or `self`,
/// resolved against `module` to a path from the crate's root.
fn resolved_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = code[from..].find(['c', 's']).map(|p| p + from) {
        let before = code[..pos].chars().next_back();
        let word: String = code[pos..].chars().take_while(|c| is_ident(*c)).collect();
        let starts_path = matches!(word.as_str(), "crate" | "super" | "self")
            && before.is_none_or(|c| !is_ident(c) && c != ':')
            && code[pos + word.len()..].trim_start().starts_with("::");
        if !starts_path {
            from = pos + word.len().max(1);
            continue;
        }
        let (paths, end) = paths_at(code, pos);
        for p in paths {
            out.extend(resolve(&p, module));
        }
        from = end.max(pos + 1);
    }
    out
}

fn resolve(path: &[String], module: &[String]) -> Option<Vec<String>> {
    let mut here: Vec<String> = module.to_vec();
    let mut segs = path.iter().peekable();
    match segs.peek().map(|s| s.as_str()) {
        Some("crate") => {
            here.clear();
            segs.next();
        }
        Some("self") | Some("super") => {}
        _ => return None,
    }
    while let Some(s) = segs.peek() {
        match s.as_str() {
            "self" => {}
            "super" => {
                here.pop()?;
            }
            _ => break,
        }
        segs.next();
    }
    here.extend(segs.cloned());
    Some(here)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The paths into the importer that `file` names.
fn reaches_up(src: &Path, file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).expect("a readable source file");
    let module = module_of(src, file);
    resolved_paths(&code_of(&text), &module)
        .into_iter()
        .filter(|p| p.first().is_some_and(|s| s == "import"))
        .map(|p| p.join("::"))
        .collect()
}

#[test]
fn store_and_domain_import_nothing_from_the_importer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for layer in ["store", "domain"] {
        rust_files(&src.join(layer), &mut files);
    }
    assert!(files.len() > 20, "the store and the domain were not found: {files:?}");
    let found: Vec<String> = files
        .iter()
        .flat_map(|f| reaches_up(&src, f).into_iter().map(move |p| format!("{}: {p}", f.display())))
        .collect();
    assert!(found.is_empty(), "the store or the domain reaches up into the importer:\n{}", found.join("\n"));
}

/// The check itself finds what it must, and only that.
#[test]
fn the_check_resolves_use_trees_and_relative_paths() {
    let store_file = ["store".to_string(), "customers".to_string()];
    let domain_file = ["domain".to_string(), "links".to_string()];
    let into_import = |code: &str, module: &[String]| -> Vec<String> {
        resolved_paths(&code_of(code), module)
            .into_iter()
            .filter(|p| p.first().is_some_and(|s| s == "import"))
            .map(|p| p.join("::"))
            .collect()
    };
    assert_eq!(into_import("use crate::import::record::NAME_KEY;", &store_file), ["import::record::NAME_KEY"]);
    assert_eq!(
        into_import("use crate::{domain::Money, import::{salesforce_id, rows::*}};", &store_file),
        ["import::salesforce_id", "import::rows::*"]
    );
    assert_eq!(into_import("let x = super::super::import::to_18(id);", &domain_file), ["import::to_18"]);
    assert_eq!(into_import("f(crate :: import :: x)", &store_file), ["import::x"]);
    // The store's own `import` module, comments and strings are not the importer.
    assert!(into_import("use super::import::ImportTx;", &store_file).is_empty());
    assert!(into_import("use self::import::rows;", &["store".to_string()]).is_empty());
    assert!(
        into_import("// crate::import::x\n/* crate::import::y */ let s = \"crate::import::z\";", &store_file)
            .is_empty()
    );
    assert_eq!(module_of(Path::new("/s"), Path::new("/s/store/import/mod.rs")), ["store", "import"]);
}
