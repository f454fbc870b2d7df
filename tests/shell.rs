//! At home in the shell: completion scripts sourced in a real bash, and
//! the manual page.

mod support;

use ardesk::app::keymap::{self, BINDINGS};
use support::{bin, demo_db, run};

/// Sources `script` in a non-interactive bash, completes `words` (the last
/// one being typed) as the shell would on Tab, and returns COMPREPLY.
fn complete(script: &str, function: &str, words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ardesk.bash");
    std::fs::write(&file, script).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{}'", w.replace('\'', r"'\''"))).collect();
    let shell = format!(
        r#"source '{file}'
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
{function} ardesk "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        file = file.display(),
        words = quoted.join(" "),
    );
    let out = std::process::Command::new("bash").arg("-c").arg(shell).current_dir(dir.path()).output().unwrap();
    assert!(out.status.success(), "bash: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| l.trim_end().to_string()).filter(|l| !l.is_empty()).collect()
}

fn script(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn bash_completes_subcommands_through_ardesk_itself() {
    let s = script(&["completions", "bash"]);
    assert!(s.contains(&format!("\"{}\" -- ", bin())), "calls this ardesk back:\n{s}");
    let mut got = complete(&s, "_clap_complete_ardesk", &["ardesk", "cu"]);
    got.sort();
    assert_eq!(got, ["customer", "customers"]);
    assert_eq!(complete(&s, "_clap_complete_ardesk", &["ardesk", "invoices", "--format", ""]), ["csv", "json"]);
    assert!(complete(&s, "_clap_complete_ardesk", &["ardesk", "con"]).iter().all(|w| w != "config"), "hidden");
    assert_eq!(complete(&s, "_clap_complete_ardesk", &["ardesk", "or"]), ["org"]);
}

#[test]
fn customer_ids_complete_from_the_database_on_the_line() {
    let s = script(&["completions", "bash"]);
    let db = demo_db().to_str().unwrap();
    let got = complete(&s, "_clap_complete_ardesk", &["ardesk", "--db", db, "customer", "3"]);
    assert!(got.contains(&"3".to_string()) && got.contains(&"39".to_string()), "{got:?}");
    assert!(got.iter().all(|id| id.starts_with('3')), "{got:?}");
    let got = complete(&s, "_clap_complete_ardesk", &["ardesk", "invoices", "--db", db, "--customer", "1"]);
    assert!(got.contains(&"12".to_string()), "{got:?}");
    // Nothing beside the database is made or left by a completion.
    let dir = demo_db().parent().unwrap();
    let left: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["demo.db"]);
}

#[test]
fn a_missing_database_completes_no_ids_and_is_not_created() {
    let s = script(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let got = complete(&s, "_clap_complete_ardesk", &["ardesk", "--db", missing.to_str().unwrap(), "customer", "1"]);
    assert!(got.is_empty(), "{got:?}");
    assert!(!missing.exists());
    let not_a_db = dir.path().join("text.db");
    std::fs::write(&not_a_db, "not a database").unwrap();
    let got = complete(&s, "_clap_complete_ardesk", &["ardesk", "--db", not_a_db.to_str().unwrap(), "customer", "1"]);
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn file_paths_complete() {
    let s = script(&["completions", "bash"]);
    let db = demo_db().to_str().unwrap();
    let prefix = &db[..db.len() - 4];
    assert_eq!(complete(&s, "_clap_complete_ardesk", &["ardesk", "--db", prefix]), [db]);
}

#[test]
fn the_static_script_completes_without_calling_ardesk() {
    let s = script(&["completions", "bash", "--static"]);
    assert!(!s.contains(bin()), "never calls ardesk");
    let mut got = complete(&s, "_ardesk", &["ardesk", "cu"]);
    got.sort();
    assert_eq!(got, ["customer", "customers"]);
}

#[test]
fn zsh_and_fish_scripts_name_ardesk() {
    let zsh = script(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef ardesk"), "{zsh}");
    let fish = script(&["completions", "fish"]);
    assert!(fish.contains("complete --keep-order --exclusive --command ardesk"), "{fish}");
    assert!(script(&["completions", "zsh", "--static"]).starts_with("#compdef ardesk"));
    assert!(script(&["completions", "fish", "--static"]).contains("complete -c ardesk"));
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(err.contains("possible values: bash, zsh, fish"), "{err}");
}

/// The manual as roff, with roff's escaped minus signs and quotes read as
/// they are written.
fn manual() -> String {
    script(&["man"]).replace(r"\-", "-").replace(r"\*(Aq", "'")
}

#[test]
fn the_manual_is_roff_with_every_command() {
    let page = manual();
    assert!(page.starts_with(".TH ARDESK 1 "), "{}", &page[..80]);
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH COMMANDS", ".SH KEYS", ".SH FILTERS", ".SH FILES"] {
        assert!(page.contains(section), "{section}");
    }
    for section in [".SH ENVIRONMENT", ".SH \"EXIT STATUS\""] {
        assert!(page.contains(section), "{section}");
    }
    let cmd = ardesk::cli::command();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        assert!(page.contains(&format!(".SS \"ardesk {}\"", sub.get_name())), "{}", sub.get_name());
    }
    assert!(!page.contains(".SS \"ardesk config\""), "the old name is not documented");
    for var in ["ARDESK_TODAY", "NO_COLOR"] {
        assert!(page.contains(&format!("\\fB{var}\\fR")), "{var}");
    }
    // Every line that is not text is a request roff knows.
    for line in page.lines().filter(|l| l.starts_with('.')) {
        let request = line.split_whitespace().next().unwrap();
        assert!(
            [".TH", ".SH", ".SS", ".TP", ".PP", ".IP", ".RS", ".RE", ".ie", ".el", ".br"].contains(&request),
            "{line}"
        );
    }
}

#[test]
fn the_manual_lists_the_keys_of_the_key_table() {
    let page = manual();
    // One binding of each context, and a few whole: their keys as labels
    // write them, each followed by what it does.
    let mut seen = Vec::new();
    for b in BINDINGS {
        if seen.contains(&b.ctx) {
            continue;
        }
        seen.push(b.ctx);
        let entry = format!(".TP\n\\fB{}\\fR\n{}\n", keymap::keys_label(&b.keys), b.hint);
        assert!(page.contains(&entry), "{:?}: {entry}", b.ctx);
    }
    assert!(seen.len() > 15, "{seen:?}");
    for ctx in seen {
        let title = ardesk::commands::man::screen_title(ctx);
        assert!(page.contains(&format!(".SS \"{title}\"")) || page.contains(&format!(".SS {title}\n")), "{title}");
    }
}

#[test]
fn the_manual_has_the_filter_language() {
    let page = manual();
    let filters = &page[page.find(".SH FILTERS").unwrap()..page.find(".SH FILES").unwrap()];
    assert!(filters.contains("field:value"), "{filters}");
    for tab in ardesk::domain::columns::Tab::ALL {
        for field in ardesk::domain::filter::field_names(tab) {
            assert!(filters.contains(&format!(".TP\n\\fB{field}\\fR\n")), "{} {field}", tab.title());
        }
        assert!(filters.contains(&ardesk::domain::tabs::cli_example(tab)), "{}", tab.title());
    }
    assert!(filters.contains("draft, open, overdue"), "the status words");
}

#[test]
fn man_shows_the_page_when_it_is_here() {
    if std::process::Command::new("man").arg("--version").output().is_err() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ardesk.1");
    std::fs::write(&file, script(&["man"])).unwrap();
    let out = std::process::Command::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANWIDTH", "100")
        .env("MAN_KEEP_FORMATTING", "")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for heading in ["NAME", "KEYS", "FILTERS", "EXIT STATUS"] {
        assert!(text.lines().any(|l| l == heading), "{heading}:\n{text}");
    }
}

/// The manual is installed for every user of the machine: it gives the
/// default keys even when the one who prints it moved some.
#[test]
fn the_manual_gives_the_default_keys_whatever_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[keys.global]\ndown = \"k\"\nup = \"j\"\n").unwrap();
    let out = std::process::Command::new(bin()).arg("man").env("ARDESK_CONFIG", &config).output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains("↓/j") && page.contains("↑/k"), "{page}");
    assert!(!page.contains("↓/k"), "the user's swap is not the manual's");
    assert!(page.contains("[keys.SCREEN]"), "the manual says keys can move");
    // The same file moves them where the user works.
    let out = std::process::Command::new(bin()).args(["config-file"]).env("ARDESK_CONFIG", &config).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
