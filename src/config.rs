//! The user's own configuration: a TOML file in the user's configuration
//! directory (`config.toml` beside the data directory's project identity),
//! or the file `--config` or `ARDESK_CONFIG` names (the flag first).
//!
//! A file that cannot be taken whole is not taken at all: ardesk starts
//! with the defaults and says why, naming the line and the key. A file
//! missing at the default place is no problem; a file named on purpose and
//! missing is.

mod default_file;

pub use default_file::default_file;

use crate::app::keymap::{self, Context, Override, parse_key};
use crate::domain::date::DateStyle;
use crate::domain::text::clean;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The colours the screen is drawn in (`ui::theme::Theme::named`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeName {
    /// For dark terminals.
    #[default]
    Default,
    /// For light-background terminals: dark text, no pale colours.
    Light,
    /// Bold, and only the basic colours at their strongest contrast.
    HighContrast,
}

impl ThemeName {
    pub const ALL: [(ThemeName, &str); 3] =
        [(ThemeName::Default, "default"), (ThemeName::Light, "light"), (ThemeName::HighContrast, "high-contrast")];

    pub fn name(self) -> &'static str {
        ThemeName::ALL.iter().find(|(t, _)| *t == self).map_or("default", |(_, n)| n)
    }
}

/// How dates show on the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dates {
    /// 2026-12-07.
    #[default]
    Iso,
    /// In the order the locale (`LC_ALL`, `LC_TIME`, `LANG`) writes them.
    Locale,
}

/// The settings, with the defaults where the file says nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// The database when `--db` is not given (`~` expanded).
    pub database: Option<PathBuf>,
    pub theme: ThemeName,
    pub dates: Dates,
    /// Whether the TUI takes the mouse; `--mouse`/`--no-mouse` win.
    pub mouse: bool,
    /// The keys moved, in the file's order (`keymap::remap` checks them).
    pub keys: Vec<Override>,
}

impl Config {
    /// How dates show for a locale name ("en_US.UTF-8"); given rather than
    /// read here, so tests need no process environment.
    pub fn date_style(&self, locale: &str) -> DateStyle {
        match self.dates {
            Dates::Iso => DateStyle::Iso,
            Dates::Locale => DateStyle::of_locale(locale),
        }
    }

    /// The effective key table: the defaults with this file's keys moved.
    /// Checked when the file is read, so this cannot fail then.
    pub fn keymap(&self) -> Vec<keymap::Binding> {
        keymap::remap(keymap::BINDINGS, &self.keys).unwrap_or_else(|_| keymap::BINDINGS.to_vec())
    }
}

/// Where the configuration is read from, and who said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `--config FILE`.
    Flag(PathBuf),
    /// `ARDESK_CONFIG`.
    Env(PathBuf),
    /// The user's configuration directory.
    Default(PathBuf),
}

impl Source {
    pub fn path(&self) -> &Path {
        match self {
            Source::Flag(p) | Source::Env(p) | Source::Default(p) => p,
        }
    }

    /// "--config", "ARDESK_CONFIG", "the default location".
    pub fn origin(&self) -> &'static str {
        match self {
            Source::Flag(_) => "--config",
            Source::Env(_) => "ARDESK_CONFIG",
            Source::Default(_) => "the default location",
        }
    }
}

/// `config.toml` in the user's configuration directory, under the same
/// project identity as the data directory (`commands::data_dir`).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "ardesk").map(|d| d.config_dir().join("config.toml"))
}

/// The file to read: `--config`, else `ARDESK_CONFIG` (when set and not
/// empty), else the default location (none when the system has no home).
pub fn location(flag: Option<&Path>, env: Option<std::ffi::OsString>, default: Option<PathBuf>) -> Option<Source> {
    if let Some(p) = flag {
        return Some(Source::Flag(p.to_path_buf()));
    }
    if let Some(v) = env.filter(|v| !v.is_empty()) {
        return Some(Source::Env(PathBuf::from(v)));
    }
    default.map(Source::Default)
}

/// What start-up got: the settings in force, where they came from, and
/// why the file was refused, if it was.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub source: Option<Source>,
    /// Set when the file was refused: the defaults are in force.
    pub problem: Option<String>,
    /// A refused file that seems to name a database ardesk could not read
    /// out of it: the default database would be the wrong books, so
    /// commands that open one ask for `--db` instead (`main`).
    pub database_unknown: bool,
}

/// The largest configuration file read: a key table is a few KiB, and a
/// path named by mistake (`/dev/zero`, a log) must not be read whole.
pub const MOST_BYTES: u64 = 1 << 20;

/// Reads the configuration at `source`; never fails: a refused file gives
/// the defaults and the reason (`problem`), keeping only the database it
/// names when that much can be read, so the books opened stay the same.
pub fn load(source: Option<Source>) -> Loaded {
    let text = match &source {
        None => Ok(None),
        Some(s) => match read_text(s.path()) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && matches!(s, Source::Default(_)) => Ok(None),
            Err(e) => Err(format!("{} (named by {}): {e}", clean(&s.path().display().to_string()), s.origin())),
        },
    };
    let read = match &text {
        Ok(Some(t)) => source.as_ref().map_or(Ok(Config::default()), |s| parse(t, &file_name(s.path()))),
        Ok(None) => Ok(Config::default()),
        Err(why) => Err(why.clone()),
    };
    let beside = |mut config: Config| {
        // A relative database is beside the file that names it, not
        // wherever ardesk happens to be started.
        if let (Some(db), Some(dir)) = (&config.database, source.as_ref().and_then(|s| s.path().parent()))
            && db.is_relative()
        {
            config.database = Some(dir.join(db));
        }
        config
    };
    match read {
        Ok(config) => Loaded { config: beside(config), source, problem: None, database_unknown: false },
        Err(why) => {
            let text = text.ok().flatten().unwrap_or_default();
            let database = salvage_database(&text);
            let database_unknown = database.is_none() && text.lines().any(|l| l.trim_start().starts_with("database"));
            let kept = database
                .as_ref()
                .map_or(String::new(), |d| format!(" (its database is kept: {})", clean(&d.display().to_string())));
            let config = beside(Config { database, ..Config::default() });
            Loaded {
                config,
                source,
                problem: Some(format!("configuration ignored, defaults in force{kept}: {why}")),
                database_unknown,
            }
        }
    }
}

/// A regular file's text, at most `MOST_BYTES`.
fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(MOST_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MOST_BYTES {
        return Err(std::io::Error::other("larger than 1 MiB; a configuration is a few KiB"));
    }
    String::from_utf8(bytes).map_err(|_| std::io::Error::other("not UTF-8 text"))
}

/// The `database` of a file refused for something else, when the file is
/// TOML and the setting a path.
fn salvage_database(text: &str) -> Option<PathBuf> {
    let table: toml::Table = toml::from_str(text).ok()?;
    let db = table.get("database")?.as_str()?.trim();
    (!db.is_empty()).then(|| expand_home(db))
}

fn file_name(path: &Path) -> String {
    clean(&path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned()))
        .into_owned()
}

/// The file as serde reads it; names and keys are checked after, with
/// their places in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    database: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    dates: Option<Spanned<String>>,
    mouse: Option<bool>,
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
}

/// Reads a configuration file's text; `file` names it in messages
/// ("config.toml line 4: keys.global.dwn: no such action on global …").
pub fn parse(text: &str, file: &str) -> Result<Config, String> {
    let at = |span: std::ops::Range<usize>, key: &str, why: &str| {
        let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
        format!("{file} line {line}: {key}: {}", clean(why))
    };
    let raw: Raw = toml::from_str(text).map_err(|e| toml_error(e, text, file))?;
    let mut config = Config { mouse: raw.mouse.unwrap_or(false), ..Config::default() };
    if let Some(db) = raw.database {
        if db.get_ref().trim().is_empty() {
            return Err(at(db.span(), "database", "give a path, or leave the setting out"));
        }
        config.database = Some(expand_home(db.get_ref()));
    }
    if let Some(t) = raw.theme {
        let Some((theme, _)) = ThemeName::ALL.iter().find(|(_, n)| *n == t.get_ref()) else {
            let why = format!("no such theme \"{}\" (default, light or high-contrast)", t.get_ref());
            return Err(at(t.span(), "theme", &why));
        };
        config.theme = *theme;
    }
    if let Some(d) = raw.dates {
        config.dates = match d.get_ref().as_str() {
            "iso" => Dates::Iso,
            "locale" => Dates::Locale,
            other => return Err(at(d.span(), "dates", &format!("no such choice \"{other}\" (iso or locale)"))),
        };
    }
    // Each override, with its key path and place, in the file's order.
    let mut places = Vec::new();
    for (screen, actions) in &raw.keys {
        let Some(ctx) = Context::from_name(screen.get_ref()).filter(|c| !keymap::action_names(*c).is_empty()) else {
            let names: Vec<String> =
                Context::ALL.iter().filter(|c| !keymap::action_names(**c).is_empty()).map(|c| c.name()).collect();
            let why = format!("no such screen (the screens: {})", names.join(", "));
            return Err(at(screen.span(), &format!("keys.{}", screen.get_ref()), &why));
        };
        for (action, value) in actions {
            let path = format!("keys.{}.{}", screen.get_ref(), action.get_ref());
            let Some(act) = keymap::find_action(ctx, action.get_ref()) else {
                let why =
                    format!("no such action on {} (its actions: {})", ctx.name(), keymap::action_names(ctx).join(", "));
                return Err(at(action.span(), &path, &why));
            };
            let keys = key_list(value.get_ref()).map_err(|why| at(value.span(), &path, &why))?;
            places.push((value.span(), path, Override { ctx, action: act, keys }));
        }
    }
    places.sort_by_key(|(span, _, _)| span.start);
    let overrides: Vec<Override> = places.iter().map(|(_, _, o)| o.clone()).collect();
    if let Err(e) = keymap::remap(keymap::BINDINGS, &overrides) {
        let (span, path, _) = &places[e.index.min(places.len() - 1)];
        return Err(at(span.clone(), path, &e.message));
    }
    config.keys = overrides;
    Ok(config)
}

/// A key or a list of keys.
fn key_list(value: &toml::Value) -> Result<Vec<keymap::Key>, String> {
    let one = |v: &toml::Value| match v {
        toml::Value::String(s) => parse_key(s),
        other => Err(format!("a key is a string such as \"j\" or \"Ctrl-D\", not {}", other.type_str())),
    };
    match value {
        toml::Value::Array(keys) => keys.iter().map(one).collect(),
        other => one(other).map(|k| vec![k]),
    }
}

/// The `toml` crate's error as one line: the file, the line, the key and
/// what is wrong.
fn toml_error(mut e: toml::de::Error, text: &str, file: &str) -> String {
    let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    // Without the input, the error names its key path ("in `mouse`")
    // instead of quoting the line.
    e.set_input(None);
    let shown = e.to_string();
    let key = shown.lines().find_map(|l| l.strip_prefix("in `").and_then(|l| l.strip_suffix('`')));
    let message: Vec<&str> = e.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let place = line.map_or_else(|| file.to_string(), |n| format!("{file} line {n}"));
    let key = key.map(|k| format!("{k}: ")).unwrap_or_default();
    clean(&format!("{place}: {key}{}", message.join("; "))).into_owned()
}

/// `~` and `~/…` as the home directory.
fn expand_home(path: &str) -> PathBuf {
    let home = || directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    match path.strip_prefix('~') {
        Some("") => home().unwrap_or_else(|| PathBuf::from(path)),
        Some(rest) if rest.starts_with('/') => {
            home().map_or_else(|| PathBuf::from(path), |h| h.join(rest.trim_start_matches('/')))
        }
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_is_expanded() {
        let home = directories::BaseDirs::new().unwrap().home_dir().to_path_buf();
        assert_eq!(expand_home("~/books/a.db"), home.join("books/a.db"));
        assert_eq!(expand_home("/srv/a.db"), PathBuf::from("/srv/a.db"));
        assert_eq!(expand_home("~bob/a.db"), PathBuf::from("~bob/a.db"));
    }
}
