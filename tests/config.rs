//! The user's configuration file (issue 20): every setting read, every kind
//! of bad file refused with its line and key, where the file is looked
//! for, the generated default file read back, and what the settings do to
//! the screen (themes, NO_COLOR, dates). Nothing here installs a key table
//! (`tests/config_keys.rs` does, in a process of its own).

mod support;

use ardesk::app::App;
use ardesk::app::action::Action;
use ardesk::app::keymap::{self, Context, parse_key};
use ardesk::config::{self, Config, Dates, Source, ThemeName, default_file, parse};
use ardesk::domain::date::DateStyle;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::fixture::{d, fixture};
use support::keys::{press, render};

fn bad(text: &str) -> String {
    parse(text, "config.toml").expect_err("refused")
}

#[test]
fn every_setting_is_read() {
    let c = parse(
        "database = \"/srv/books.db\"\ntheme = \"high-contrast\"\ndates = \"locale\"\nmouse = true\n\
         [keys.global]\ndown = \"k\"\nup = [\"j\", \"Up\"]\n[keys.invoices]\ntoggle_select = \"Ctrl-T\"\n",
        "config.toml",
    )
    .unwrap();
    assert_eq!(c.database, Some(PathBuf::from("/srv/books.db")));
    assert_eq!((c.theme, c.dates, c.mouse), (ThemeName::HighContrast, Dates::Locale, true));
    let key = |s| parse_key(s).unwrap();
    assert_eq!(
        c.keys,
        vec![
            keymap::Override { ctx: Context::Global, action: Action::Down, keys: vec![key("k")] },
            keymap::Override { ctx: Context::Global, action: Action::Up, keys: vec![key("j"), key("↑")] },
            keymap::Override { ctx: Context::Invoices, action: Action::ToggleSelect, keys: vec![key("Ctrl-T")] },
        ]
    );
    assert_eq!(parse("theme = \"light\"", "c").unwrap().theme, ThemeName::Light);
    assert_eq!(parse("", "c").unwrap(), Config::default());
    let home = directories::BaseDirs::new().unwrap().home_dir().to_path_buf();
    assert_eq!(parse("database = \"~/b.db\"", "c").unwrap().database, Some(home.join("b.db")));
    // Dates: the locale is given, never read from the process here.
    let locale = parse("dates = \"locale\"", "c").unwrap();
    assert_eq!(locale.date_style("en_US.UTF-8"), DateStyle::MonthDayYear);
    assert_eq!(locale.date_style("de_DE.UTF-8"), DateStyle::DayMonthYear('.'));
    assert_eq!(Config::default().date_style("en_US.UTF-8"), DateStyle::Iso);
}

#[test]
fn each_kind_of_bad_file_names_its_line_and_key() {
    let cases: &[(&str, &str)] = &[
        // TOML syntax.
        ("theme = \"light\"\n\nmouse = tru\n", "config.toml line 3: "),
        // A key no setting has.
        ("theme = \"light\"\nthemes = \"dark\"\n", "config.toml line 2: unknown field `themes`"),
        // Wrong types.
        ("mouse = \"yes\"\n", "config.toml line 1: mouse: invalid type: string \"yes\", expected a boolean"),
        ("\n\ntheme = 3\n", "config.toml line 3: theme: invalid type: integer `3`, expected a string"),
        ("theme = \"dark\"\n", "config.toml line 1: theme: no such theme \"dark\""),
        ("dates = \"us\"\n", "config.toml line 1: dates: no such choice \"us\" (iso or locale)"),
        // Names in [keys].
        ("[keys.globl]\ndown = \"k\"\n", "config.toml line 1: keys.globl: no such screen"),
        (
            "[keys.global]\nup = \"j\"\n\n\ndwn = \"k\"\n",
            "config.toml line 5: keys.global.dwn: no such action on global",
        ),
        ("[keys.global]\ndown = \"Ctrl-Shift\"\n", "config.toml line 2: keys.global.down: no such key \"Ctrl-Shift\""),
        ("[keys.global]\ndown = 4\n", "config.toml line 2: keys.global.down: a key is a string"),
        // Clashes: in one screen, and with a screen it falls through to.
        (
            "[keys.global]\ndown = \"k\"\n",
            "config.toml line 2: keys.global.down: k would be both down and up on global",
        ),
        (
            "[keys.global]\ndown = [\"Down\", \"x\"]\n",
            "config.toml line 2: keys.global.down: x would be cancel_selected on invoices and hide down on global",
        ),
        (
            "[keys.invoices]\n\nselect_all = \"/\"\n",
            "config.toml line 3: keys.invoices.select_all: / would be select_all on invoices and hide filter on customer",
        ),
        // Keys a terminal sends as others.
        (
            "[keys.form]\nform_cancel = \"Ctrl-M\"\n",
            "config.toml line 2: keys.form.form_cancel: Ctrl-M reaches a program as Enter, Tab, Esc or Backspace",
        ),
        ("[keys.global]\nback = [\"Esc\", \"Ctrl-[\"]\n", "config.toml line 2: keys.global.back: Ctrl-["),
    ];
    for (text, start) in cases {
        let e = bad(text);
        assert!(e.starts_with(start), "{text:?}\n gave: {e}\n wanted: {start}…");
    }
    // The keys.global.dwn message lists what there is.
    assert!(bad("[keys.global]\ndwn = \"k\"\n").contains("(its actions: down, up,"));
}

#[test]
fn the_default_file_reads_back_as_the_defaults() {
    let text = default_file("/somewhere/ardesk.db");
    let c = parse(&text, "config.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!((&c.database, c.theme, c.dates, c.mouse), (&None, ThemeName::Default, Dates::Iso, false));
    // Every screen and every action is in it, and moves no key.
    for b in keymap::BINDINGS {
        let line = format!("{} = ", keymap::action_name(b.action));
        assert!(text.contains(&format!("[keys.{}]", b.ctx.name())), "{:?}", b.ctx);
        assert!(text.contains(&line) || text.contains(&format!("# {line}")), "{line}");
    }
    let table = c.keymap();
    assert_eq!(table.len(), keymap::BINDINGS.len());
    for (got, want) in table.iter().zip(keymap::BINDINGS) {
        assert_eq!((got.ctx, got.action, &got.keys[..]), (want.ctx, want.action, &want.keys[..]));
    }
    assert_eq!(c.keys.len(), keymap::BINDINGS.len() - 1, "all but the tab digits are written out");
    assert!(text.contains("# database = \"/somewhere/ardesk.db\""));
}

#[test]
fn where_the_file_is_looked_for() {
    let flag = Path::new("/f.toml");
    let env = Some(std::ffi::OsString::from("/e.toml"));
    let def = Some(PathBuf::from("/d.toml"));
    assert_eq!(config::location(Some(flag), env.clone(), def.clone()), Some(Source::Flag(flag.into())));
    assert_eq!(config::location(None, env, def.clone()), Some(Source::Env("/e.toml".into())));
    assert_eq!(config::location(None, Some("".into()), def.clone()), Some(Source::Default("/d.toml".into())));
    assert_eq!(config::location(None, None, None), None);
    // A missing file: no problem at the default place; a problem when named.
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("config.toml");
    assert_eq!(config::load(Some(Source::Default(missing.clone()))).problem, None);
    for source in [Source::Flag(missing.clone()), Source::Env(missing.clone())] {
        let loaded = config::load(Some(source));
        let why = loaded.problem.expect("refused");
        assert!(why.contains("config.toml") && why.contains("defaults in force"), "{why}");
        assert_eq!(loaded.config, Config::default());
    }
    // A refused file leaves the defaults in force.
    std::fs::write(&missing, "theme = \"light\"\nmouse = 1\n").unwrap();
    let loaded = config::load(Some(Source::Default(missing)));
    assert_eq!(loaded.config, Config::default());
    assert!(loaded.problem.unwrap().contains("config.toml line 2: mouse:"));
}

/// A refused file keeps the database it names when that much reads, so
/// the books opened stay the same; a relative database is beside the
/// file; what cannot be a configuration (too large, not a file) is
/// refused without being read whole.
#[test]
fn a_refused_file_still_opens_its_own_books_and_odd_files_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    let load = |text: &str| {
        std::fs::write(&file, text).unwrap();
        config::load(Some(Source::Flag(file.clone())))
    };
    // A bad key elsewhere: the database stays, said in the message.
    let l = load("database = \"/books/ar.db\"\n[keys.global]\ndwn = \"k\"\n");
    assert_eq!(l.config.database, Some(PathBuf::from("/books/ar.db")));
    assert!(!l.database_unknown);
    let why = l.problem.unwrap();
    assert!(why.contains("its database is kept: /books/ar.db") && why.contains("keys.global.dwn"), "{why}");
    assert_eq!(l.config.theme, Config::default().theme, "the rest is the defaults");
    // Not TOML at all, but a database line: which books is not known.
    let l = load("database = /books/ar.db\n");
    assert_eq!(l.config.database, None);
    assert!(l.database_unknown && l.problem.is_some());
    // No database named: nothing unknown.
    assert!(!load("theme = \n").database_unknown);
    // Relative: beside the file, wherever ardesk is started.
    let l = load("database = \"books/ar.db\"\n");
    assert_eq!(l.config.database, Some(dir.path().join("books/ar.db")));
    let l = load("database = \"books/ar.db\"\nmouse = 3\n");
    assert_eq!(l.config.database, Some(dir.path().join("books/ar.db")), "kept from a refused file, beside it too");
    // Too large, a directory, a device: refused, not read whole.
    let big = format!("# {}\n", "x".repeat(2 << 20));
    let why = load(&big).problem.unwrap();
    assert!(why.contains("larger than 1 MiB"), "{why}");
    for odd in [dir.path().to_path_buf(), PathBuf::from("/dev/zero")] {
        let l = config::load(Some(Source::Flag(odd.clone())));
        let why = l.problem.unwrap_or_else(|| panic!("{} taken", odd.display()));
        assert!(why.contains("not a regular file"), "{why}");
    }
}

/// The real binary refuses to guess the books when the file that names
/// them is refused and the name cannot be read out of it.
#[test]
fn a_command_asks_for_the_database_when_a_refused_file_named_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "database = ~/books/ar.db\n").unwrap();
    let out = Command::new(support::bin())
        .args(["customers"])
        .env("ARDESK_CONFIG", &file)
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("names a database but was refused") && err.contains("--db"), "{err}");
    assert!(!dir.path().join("data").exists(), "no default database made");
    // With --db it runs, on the books named.
    let db = dir.path().join("x.db");
    let out = Command::new(support::bin())
        .args(["--db", db.to_str().unwrap(), "customers"])
        .env("ARDESK_CONFIG", &file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The real binary: --config over ARDESK_CONFIG over the default place
/// (under XDG_CONFIG_HOME), and a bad file said on stderr while the
/// command still runs with the defaults.
#[test]
fn the_command_line_takes_the_flag_then_the_variable_then_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.toml"), dir.path().join("b.toml"));
    std::fs::write(&a, "theme = \"light\"\n").unwrap();
    let run = |args: &[&str], env: Option<&Path>| {
        let mut cmd = Command::new(support::bin());
        cmd.args(args)
            .env("XDG_CONFIG_HOME", dir.path().join("xdg"))
            .env("HOME", dir.path())
            .env_remove("ARDESK_CONFIG");
        if let Some(e) = env {
            cmd.env("ARDESK_CONFIG", e);
        }
        let out = cmd.output().unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status,
        )
    };
    let (out, _, _) = run(&["config-file", "--config", b.to_str().unwrap()], Some(&a));
    assert!(out.contains("b.toml") && out.contains("from --config") && out.contains("not taken"), "{out}");
    let (out, _, _) = run(&["config-file"], Some(&a));
    assert!(out.contains("a.toml") && out.contains("from ARDESK_CONFIG; exists, and is in force"), "{out}");
    let (out, _, status) = run(&["config-file"], None);
    assert!(out.contains("xdg/ardesk/config.toml") && out.contains("does not exist"), "{out}");
    assert!(status.success());
    // --default prints the file.
    let (out, _, _) = run(&["config-file", "--default"], None);
    assert!(parse(&out, "stdout").is_ok() && out.contains("[keys.invoice_detail]"), "{out}");
    // A bad file: said on stderr, and the command runs (with the database
    // the file could not name).
    std::fs::write(&a, "database = \"/nowhere/x.db\"\n[keys.global]\ndwn = \"k\"\n").unwrap();
    let db = dir.path().join("books.db");
    let (_, err, status) = run(&["customers", "--db", db.to_str().unwrap()], Some(&a));
    assert!(err.contains("a.toml line 3: keys.global.dwn: no such action on global"), "{err}");
    assert!(err.contains("defaults in force"), "{err}");
    assert!(status.success(), "{err}");
    // A good file's database is used when --db is not given.
    std::fs::write(&a, format!("database = \"{}\"\n", db.display())).unwrap();
    let (_, err, status) = run(&["customers"], Some(&a));
    assert!(status.success() && !err.contains("created"), "the books.db made above is used: {err}");
    // A named file that is missing is refused (said), not fatal.
    let (_, err, _) = run(&["customers", "--db", db.to_str().unwrap(), "--config", "/nowhere/c.toml"], None);
    assert!(err.contains("/nowhere/c.toml (named by --config)"), "{err}");
}

fn app(w: u16, h: u16) -> App {
    App::new(fixture(), d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap()
}

fn buffer(app: &App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ardesk::ui::draw(app, f)).unwrap();
    t.backend().buffer().clone()
}

/// The cell where `text` starts on row `y`.
fn find(buf: &Buffer, y: u16, text: &str) -> (u16, u16) {
    let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
    let at = row.find(text).unwrap_or_else(|| panic!("{text:?} not on row {y}: {row}"));
    (row[..at].chars().count() as u16, y)
}

#[test]
fn the_light_theme_draws_dark_accents_and_no_color_draws_none() {
    let mut app = app(80, 24);
    let dark = buffer(&app, 80, 24);
    // The footer's first key, "Enter": cyan on the default theme, blue on
    // the light one (cyan is pale on a white background).
    let at = find(&dark, 23, "Enter");
    assert_eq!(dark[at].fg, Color::Cyan);
    app.theme = ThemeName::Light;
    let light = buffer(&app, 80, 24);
    assert_eq!(light[at].fg, Color::Blue);
    // The status line: grey on the default theme, black on the light one.
    let status = find(&light, 22, "2 of 2");
    assert_eq!((dark[status].fg, light[status].fg), (Color::Gray, Color::Black));
    app.theme = ThemeName::HighContrast;
    let hc = buffer(&app, 80, 24);
    assert_eq!(hc[at].fg, Color::Yellow);
    assert!(hc[at].modifier.contains(ratatui::style::Modifier::BOLD));
    // NO_COLOR: no colour in any cell, whatever the theme.
    for theme in [ThemeName::Default, ThemeName::Light, ThemeName::HighContrast] {
        app.theme = theme;
        app.plain = true;
        press(&mut app, &["Enter"]);
        let b = buffer(&app, 80, 24);
        assert!(b.content.iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset), "{theme:?}");
        press(&mut app, &["Esc"]);
    }
}

#[test]
fn the_invoices_tab_and_the_detail_show_the_locales_dates() {
    let mut app = app(120, 40);
    let config = parse("dates = \"locale\"", "config.toml").unwrap();
    app.dates = config.date_style("en_US.UTF-8");
    press(&mut app, &["Enter"]);
    let s = render(&app, 120, 40);
    // INV-000005: issued 2026-02-20, due 30 days later.
    let row = s.lines().find(|l| l.contains("INV-000005")).unwrap_or_else(|| panic!("{s}"));
    assert!(row.contains("02/20/2026") && row.contains("03/22/2026"), "{row}");
    assert!(!s.contains("2026-02-20"), "{s}");
    app.dates = config.date_style("de_DE.UTF-8");
    let s = render(&app, 120, 40);
    assert!(s.contains("20.02.2026"), "{s}");
    // Its detail says the same (the newest invoice is highlighted first).
    press(&mut app, &["Enter"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("INV-000005") && s.contains("Issued") && s.contains("20.02.2026"), "{s}");
    assert!(s.contains("22.03.2026"), "{s}");
    // A conversation's thread: the day it was opened (2026-02-01 or -10).
    press(&mut app, &["Esc", "7", "Enter"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Opened") && (s.contains("01.02.2026") || s.contains("10.02.2026")), "{s}");
    // Its last activity (a stored time; to the minute when it has one,
    // `DateStyle::show_minute`), here and on the tab.
    assert!(s.contains("Last activity  10.02.2026") && !s.contains("2026-02-"), "{s}");
    press(&mut app, &["Esc"]);
    let s = render(&app, 120, 40);
    assert!(!s.contains("2026-02-"), "the Conversations tab:\n{s}");
}

/// `--mouse` and `--no-mouse`: the last given wins (on one side of a
/// subcommand: clap does not override across the two), and none leaves the
/// file's `mouse` (start-up puts the flag over it).
#[test]
fn the_mouse_flags_say_when_they_are_given() {
    use clap::FromArgMatches;
    let mouse = |args: &[&str]| {
        let m = ardesk::cli::command().try_get_matches_from(args).unwrap();
        ardesk::cli::Cli::from_arg_matches(&m).unwrap().global.mouse()
    };
    assert_eq!(mouse(&["ardesk"]), None);
    assert_eq!(mouse(&["ardesk", "--mouse"]), Some(true));
    assert_eq!(mouse(&["ardesk", "--no-mouse"]), Some(false));
    assert_eq!(mouse(&["ardesk", "--no-mouse", "--mouse"]), Some(true));
    assert_eq!(mouse(&["ardesk", "customers", "--no-mouse"]), Some(false), "global");
    let m = ardesk::cli::command().try_get_matches_from(["ardesk", "customers", "--config", "/x.toml"]).unwrap();
    let cli = ardesk::cli::Cli::from_arg_matches(&m).unwrap();
    assert_eq!(cli.global.config, Some(PathBuf::from("/x.toml")), "--config is global");
}

/// The real binary: `--db` over `--demo` over `ARDESK_DB` over the
/// configuration's `database`; an empty variable names nothing; a
/// PostgreSQL URL is refused before anything is created, its password
/// never shown.
#[test]
fn the_database_is_the_flag_then_the_demo_then_the_variable_then_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("c.toml");
    let (flag, env, file) = (dir.path().join("flag.db"), dir.path().join("env.db"), dir.path().join("file.db"));
    std::fs::write(&conf, format!("database = \"{}\"\n", file.display())).unwrap();
    let run = |args: &[&str], var: Option<&str>| {
        let mut cmd = Command::new(support::bin());
        cmd.args(args)
            .current_dir(dir.path())
            .env("ARDESK_CONFIG", &conf)
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("HOME", dir.path())
            .env_remove("ARDESK_DB");
        if let Some(v) = var {
            cmd.env("ARDESK_DB", v);
        }
        let out = cmd.output().unwrap();
        (String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code())
    };
    let env_s = env.to_str().unwrap();
    let (err, code) = run(&["--db", flag.to_str().unwrap(), "customers"], Some(env_s));
    assert_eq!(code, Some(0), "{err}");
    assert!(flag.exists() && !env.exists() && !file.exists(), "--db wins: {err}");
    let (err, code) = run(&["customers"], Some(env_s));
    assert_eq!(code, Some(0), "{err}");
    assert!(env.exists() && !file.exists(), "the variable over the file: {err}");
    let env_len = std::fs::metadata(&env).unwrap().len();
    let (err, code) = run(&["--demo", "customers"], Some(env_s));
    assert_eq!(code, Some(0), "{err}");
    assert!(dir.path().join("data/ardesk/demo.db").exists(), "--demo over the variable: {err}");
    // `ardesk demo` never writes to the books the variable names.
    let (err, code) = run(&["demo", "--force"], Some(env_s));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(std::fs::metadata(&env).unwrap().len(), env_len, "the variable's books are untouched");
    let (err, code) = run(&["customers"], Some(""));
    assert_eq!(code, Some(0), "{err}");
    assert!(file.exists(), "an empty variable names nothing, so the file's database: {err}");
    // A server's URL, from the flag or the variable, names a server: one
    // that cannot be reached is said, password hidden, and nothing is made
    // here (no file or directory named after the URL's parts).
    let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    for (args, var) in [
        (vec!["--db", "postgres://ann:s3cret@db.example/books", "customers"], None),
        (vec!["customers"], Some("postgresql://ann:s3cret@db.example/books")),
        (vec!["demo", "--db", "postgres://db.example/books?password=s3cret"], None),
    ] {
        let (err, code) = run(&args, var);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("db.example/books") && err.contains("cannot open the database"), "{err}");
        assert!(err.contains("***") && !err.contains("s3cret"), "the password is not shown: {err}");
    }
    let after: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after, "no file or directory named after the URL");
}
