//! `ardesk completions SHELL`: shell completion for bash, zsh and fish, from
//! the clap definition (`cli::command`) by `clap_complete`.
//!
//! What we chose, and why: the script `ardesk completions SHELL` prints
//! registers ardesk itself as the completer (clap_complete's dynamic
//! completion, `CompleteEnv`, behind its `unstable-dynamic` feature): at
//! each Tab the shell runs `COMPLETE=SHELL ardesk -- WORDS…`, which `main`
//! answers before anything else. That is the only way customer ids can
//! complete from the database (the `--db` on the line, `--demo`'s, or the
//! default), and subcommands, flags, `--format` values and file paths
//! complete from the same definition, so the script never goes stale when
//! ardesk changes. The ids are read read-only (`store::peek`): a missing
//! database is never created, and any trouble completes nothing rather
//! than printing into the prompt. The cost: the protocol between script
//! and binary is clap_complete's and still unstable, so the script is best
//! made anew at each shell start (`source <(ardesk completions bash)`);
//! `--static` prints a classic script that never calls ardesk (everything
//! but the ids) for those who want a file that stays as it is.

use crate::cli::Shell;
use crate::domain::text::clean;
use clap_complete::CompletionCandidate;
use clap_complete::env::EnvCompleter;
use color_eyre::eyre::Result;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable that asks ardesk for completions (clap_complete's).
pub const VAR: &str = "COMPLETE";

/// Answers a completion request (`COMPLETE=bash ardesk -- ardesk cu`) and
/// ends the process; returns at once when none was made.
pub fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(crate::cli::command).var(VAR).complete();
}

/// Prints the script for `shell`.
pub fn completions(shell: Shell, fixed: bool, out: &mut dyn Write) -> Result<()> {
    if fixed {
        let generator = match shell {
            Shell::Bash => clap_complete::shells::Shell::Bash,
            Shell::Zsh => clap_complete::shells::Shell::Zsh,
            Shell::Fish => clap_complete::shells::Shell::Fish,
        };
        let mut cmd = crate::cli::command();
        clap_complete::generate(generator, &mut cmd, "ardesk", out);
        return Ok(());
    }
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &clap_complete::env::Bash,
        Shell::Zsh => &clap_complete::env::Zsh,
        Shell::Fish => &clap_complete::env::Fish,
    };
    completer.write_registration(VAR, "ardesk", "ardesk", &this_program(), out)?;
    Ok(())
}

/// How the script calls ardesk back: as it was called, made absolute when
/// it was called by a path (`target/debug/ardesk`), else by name from PATH
/// (as `CompleteEnv` registers itself).
fn this_program() -> String {
    let argv0 = PathBuf::from(std::env::args_os().next().unwrap_or_else(|| OsString::from("ardesk")));
    let program = match std::env::current_dir() {
        Ok(dir) if argv0.components().count() > 1 => dir.join(argv0),
        _ => argv0,
    };
    program.to_string_lossy().into_owned()
}

/// The customer ids that start with `current`, with their names (zsh and
/// fish show them), from the database the command line names.
pub fn customer_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(prefix) = current.to_str() else { return Vec::new() };
    let db = database_named(std::env::args_os().skip(1));
    crate::store::peek::customer_ids(&db, prefix)
        .into_iter()
        .map(|(id, name)| CompletionCandidate::new(id.to_string()).help(Some(clean(&name).into_owned().into())))
        .collect()
}

/// The database a command line (the words being completed) works on, as
/// `main` picks it: `--db PATH` or `--db=PATH`, else `--demo`'s, else
/// `ARDESK_DB`, else the
/// configuration's `database` (the file `--config`, `ARDESK_CONFIG` or the
/// default place names; read silently), else the default. A path starting
/// with `~/` is the home directory's, as the shell would expand it.
pub fn database_named(words: impl IntoIterator<Item = OsString>) -> PathBuf {
    let mut words = words.into_iter().map(|w| w.to_string_lossy().into_owned());
    let (mut db, mut demo, mut config) = (None, false, None);
    while let Some(w) = words.next() {
        match w.as_str() {
            "--db" => db = words.next(),
            "--config" => config = words.next(),
            "--demo" => demo = true,
            _ => {
                if let Some(p) = w.strip_prefix("--db=") {
                    db = Some(p.to_string());
                } else if let Some(p) = w.strip_prefix("--config=") {
                    config = Some(p.to_string());
                }
            }
        }
    }
    let home = |p: String| match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(p),
    };
    let env = crate::store::location::from_env(std::env::var_os(crate::store::location::DB_ENV));
    match (db, demo, env) {
        (Some(p), _, _) => home(p),
        (None, true, _) => super::demo_db_path(),
        (None, false, Some(p)) => p,
        (None, false, None) => {
            let flag = config.map(home);
            let source = crate::config::location(
                flag.as_deref(),
                std::env::var_os("ARDESK_CONFIG"),
                crate::config::default_path(),
            );
            crate::config::load(source).config.database.unwrap_or_else(super::default_db_path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(words: &[&str]) -> PathBuf {
        database_named(words.iter().map(OsString::from))
    }

    #[test]
    fn the_database_is_the_one_the_line_names() {
        assert_eq!(db(&["--", "ardesk", "--db", "a.db", "customer", ""]), PathBuf::from("a.db"));
        assert_eq!(db(&["--", "ardesk", "customer", "--db=b.db", "1"]), PathBuf::from("b.db"));
        assert_eq!(db(&["--", "ardesk", "--demo", "--customer", ""]), crate::commands::demo_db_path());
        assert_eq!(db(&["--", "ardesk", "customer", ""]), crate::commands::default_db_path());
        if let Some(home) = std::env::var_os("HOME") {
            assert_eq!(db(&["--", "ardesk", "--db", "~/x.db"]), Path::new(&home).join("x.db"));
        }
    }

    #[test]
    fn a_configuration_named_on_the_line_gives_its_database() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "database = \"/books/ar.db\"\n").unwrap();
        let f = file.to_str().unwrap();
        assert_eq!(db(&["--", "ardesk", "--config", f, "customer", ""]), PathBuf::from("/books/ar.db"));
        assert_eq!(db(&["--", "ardesk", &format!("--config={f}"), "customer", ""]), PathBuf::from("/books/ar.db"));
        assert_eq!(db(&["--", "ardesk", "--config", f, "--db", "a.db", ""]), PathBuf::from("a.db"), "--db wins");
    }
}
