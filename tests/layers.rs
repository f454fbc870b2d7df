//! The layers never reach up (design §2): `domain/` imports nothing above
//! it, `store/` nothing from the app, the screen or the view, `view/` no
//! store and no app, and `ui/` (drawing) no store. Read from the source, so
//! a new `use` that crosses a layer fails here rather than in review.
//! (`store/` and the importer: `tests/layers_import.rs`.)

use std::path::{Path, PathBuf};

fn sources(dir: &str) -> Vec<PathBuf> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir), &mut out);
    assert!(!out.is_empty(), "no sources under src/{dir}");
    out
}

/// Lines of code under `src/{dir}` that name a module of `src/{above}`.
fn reaching(dir: &str, above: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in sources(dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            // `crate::store::x`, `crate::store;`, and `crate::{store::x, …}`.
            let grouped = code.split("crate::{").nth(1).unwrap_or("");
            for a in above {
                let named = code.contains(&format!("crate::{a}::"))
                    || code.contains(&format!("crate::{a};"))
                    || grouped.split([',', '{', ' ']).any(|part| part.starts_with(&format!("{a}::")) || part == *a);
                if named {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn domain_imports_nothing_above_it() {
    assert_eq!(
        reaching("domain", &["store", "app", "ui", "view", "import", "commands", "export", "tui"]),
        Vec::<String>::new()
    );
}

#[test]
fn the_store_imports_no_app_screen_or_view() {
    assert_eq!(reaching("store", &["app", "ui", "view", "commands", "export", "tui"]), Vec::<String>::new());
}

#[test]
fn the_view_imports_no_store_and_no_app() {
    assert_eq!(reaching("view", &["store", "app", "ui", "import", "commands"]), Vec::<String>::new());
}

#[test]
fn drawing_imports_no_store() {
    assert_eq!(reaching("ui", &["store", "import", "commands"]), Vec::<String>::new());
}

/// Statements are rendered from a value the store fills in: the renderers
/// read no database and draw on no screen.
#[test]
fn statements_render_without_store_or_screen() {
    assert_eq!(
        reaching("statement", &["store", "app", "ui", "view", "import", "commands", "export", "tui"]),
        Vec::<String>::new()
    );
    let crates: Vec<String> = sources("statement")
        .into_iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.contains("rusqlite") || text.contains("ratatui")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert_eq!(crates, Vec::<String>::new());
}
