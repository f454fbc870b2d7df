//! Start-up: error reporting, CLI, the store, then the TUI or a subcommand.
// Messages go through `commands::out`, which cleans them.
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

use ardesk::cli::{Cli, Command, StatementFormat};
use ardesk::commands;
use ardesk::commands::out;
use ardesk::config;
use ardesk::domain::columns::Tab;
use ardesk::domain::date::{DateStyle, resolve_today};
use ardesk::domain::text::clean;
use ardesk::store::location::{self, Location};
use ardesk::store::{Books, OpenMode, Store};
use chrono::NaiveDate;
use color_eyre::eyre::{Result, eyre};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    // The shell asking for completions (`ardesk completions`): answered and
    // ended here, before anything else is written.
    commands::completions::answer_if_asked();
    out::end_quietly_on_closed_pipe();
    if let Err(e) = color_eyre::install() {
        out::say(&e.to_string());
    }
    match run() {
        Ok(code) => code,
        Err(e) => {
            out::report(&e);
            ExitCode::from(2)
        }
    }
}

/// Whether the command prints data for programs (JSON, CSV), which goes
/// out exactly as stored to a file or a pipe; everything else is text for
/// people, always cleaned.
fn prints_data(command: &Option<Command>) -> bool {
    match command {
        Some(Command::Customers { json } | Command::Customer { json, .. }) => *json,
        Some(Command::Org(a) | Command::Config(a)) => a.json,
        Some(
            Command::Invoices(_)
            | Command::Contracts(_)
            | Command::Payments(_)
            | Command::Contacts(_)
            | Command::Documents(_)
            | Command::Activity(_)
            | Command::Conversations(_)
            | Command::Conversation { .. }
            | Command::Export { .. },
        ) => true,
        // A CSV or PDF statement to a pipe goes out as it is; text is text.
        Some(Command::Statement { format, out: None, .. }) => *format != StatementFormat::Txt,
        _ => false,
    }
}

fn run() -> Result<ExitCode> {
    let parsed =
        ardesk::cli::command().try_get_matches().and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return Ok(out::usage(&e)),
    };
    let real_today = resolve_today(cli.global.today).map_err(|e| eyre!(e))?;
    // The user's configuration: a refused file leaves the defaults in
    // force and says why (here for commands, in the status line for the
    // TUI). The keys are installed before anything renders a label.
    let source =
        config::location(cli.global.config.as_deref(), std::env::var_os("ARDESK_CONFIG"), config::default_path());
    let mut settings = config::load(source);
    if let Some(on) = cli.global.mouse() {
        settings.config.mouse = on;
    }
    // The man page gives the default keys, whoever prints it: it is
    // installed for every user of the machine.
    if !matches!(cli.command, Some(Command::Man)) {
        ardesk::app::keymap::install(settings.config.keymap());
    }
    let tui = cli.command.is_none();
    if let (Some(why), false) = (&settings.problem, tui || matches!(cli.command, Some(Command::ConfigFile { .. }))) {
        out::say(why);
    }
    // As of a day, that day is today for overdue, aging and the window.
    let today = cli.global.as_of.unwrap_or(real_today);
    let tty = std::io::stdout().is_terminal();
    let next = {
        let stdout = std::io::BufWriter::new(std::io::stdout().lock());
        let mut out: Box<dyn Write> =
            if prints_data(&cli.command) && !tty { Box::new(stdout) } else { Box::new(out::Shown::new(stdout)) };
        let next = command(&cli, &settings, today, tty, &mut out)?;
        out.flush()?;
        next
        // Standard output is unlocked here: the TUI (and its watchdog
        // thread, on the way out) writes to it.
    };
    match next {
        Next::Exit(code) => Ok(code),
        Next::Tui(store) => {
            ardesk::tui::check_terminal()?;
            let size = ratatui::layout::Rect::default();
            // The store reads as of `--as-of` already; the app keeps the
            // real today to return to.
            let mut app = ardesk::app::App::new(*store, real_today, size)?;
            app.theme = settings.config.theme;
            // The file's `mouse`, under --mouse/--no-mouse.
            app.mouse = settings.config.mouse;
            let locale = DateStyle::locale_from(|v| std::env::var(v).ok());
            app.dates = settings.config.date_style(&locale);
            app.start_worker();
            if let Some(spec) = &cli.customer {
                let id = app.store().resolve_customer(spec)?;
                app.open_customer(id);
            }
            if let Some(why) = &settings.problem {
                app.say(why.clone());
            }
            Ok(match ardesk::tui::run(&mut app)? {
                ardesk::tui::Ended::Quit => ExitCode::SUCCESS,
                ardesk::tui::Ended::HungUp => ExitCode::from(129),
            })
        }
    }
}

/// The commands that look after the books themselves, on a server: what
/// `check`, `backup`, `upgrade` and `vacuum` do to a file is done (or
/// refused, in words) here; `--demo` makes the demo on a server that
/// holds no books. `None`: go on as with a file.
fn on_server(cli: &Cli, url: &str, today: NaiveDate, out: &mut impl Write) -> Result<Option<Next>> {
    let exit = |ok: bool| Some(Next::Exit(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }));
    Ok(match &cli.command {
        Some(Command::Check { repair }) => {
            if *repair {
                out::say("nothing to repair on PostgreSQL: its search indexes are the server's, kept by itself");
            }
            exit(commands::server::check(url, today, out)?)
        }
        Some(Command::Backup { .. }) => return Err(commands::server::file_only("backup", url)),
        Some(Command::Vacuum) => return Err(commands::server::file_only("vacuum", url)),
        Some(Command::Upgrade { set_aside }) => exit(commands::server::upgrade(url, *set_aside, out)?),
        _ if cli.demo && ardesk::store::pg::holds_no_books(url)? => {
            let ok = commands::server::demo(url, None, None, false, today, out)?;
            (!ok).then(|| Next::Exit(ExitCode::from(1)))
        }
        _ => None,
    })
}

enum Next {
    Exit(ExitCode),
    /// No subcommand: open the TUI on this store.
    Tui(Box<Books>),
}

fn command(cli: &Cli, settings: &config::Loaded, today: NaiveDate, tty: bool, mut out: &mut dyn Write) -> Result<Next> {
    if let (Some(d), Some(what)) = (cli.global.as_of, writes(&cli.command)) {
        return Err(eyre!(
            "--as-of {d} reads the books as they stood that day and writes nothing; `ardesk {what}` {}: leave --as-of out",
            match what {
                "check" => "checks the database as it is",
                "backup" => "copies the database as it is",
                "export" => "writes the customer's whole record as it is",
                _ => "writes",
            }
        ));
    }
    match &cli.command {
        Some(Command::Completions { shell, fixed }) => commands::completions(*shell, *fixed, &mut out)?,
        Some(Command::Man) => commands::man(&mut out)?,
        Some(Command::Config(_)) => out::say("`ardesk config` is now `ardesk org` (the organization's settings)"),
        _ => {}
    }
    if matches!(cli.command, Some(Command::Completions { .. } | Command::Man)) {
        return Ok(Next::Exit(ExitCode::SUCCESS));
    }
    if let Some(Command::Migrate { from, to }) = &cli.command {
        // Its own two places; `--db` and the rest name neither.
        let ok = commands::migrate(from, to, today, &mut out)?;
        return Ok(Next::Exit(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }));
    }
    // `--db`, else `ARDESK_DB`: the same, but for `--demo`, which is asked
    // for on the line and so wins over the environment. `ardesk demo` writes
    // where `--db` says or to the demo's own place, never to the books the
    // environment names, which `--force` would replace.
    let named = cli.global.db.clone().or_else(|| location::from_env(std::env::var_os(location::DB_ENV)));
    if let Some(Command::Demo { invoices, customers, force }) = &cli.command {
        let path = cli.global.db.clone().unwrap_or_else(commands::demo_db_path);
        if let Location::Postgres(url) = Location::parse(&path) {
            let ok = commands::server::demo(&url, *invoices, *customers, *force, today, &mut out)?;
            return Ok(Next::Exit(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }));
        }
        commands::demo(&path, *invoices, *customers, *force, today, &mut out)?;
        return Ok(Next::Exit(ExitCode::SUCCESS));
    }
    if let Some(Command::ConfigFile { default }) = &cli.command {
        commands::config_file(settings, *default, &mut out)?;
        return Ok(Next::Exit(ExitCode::SUCCESS));
    }
    let path = match (&cli.global.db, cli.demo, &named, &settings.config.database) {
        (Some(p), _, _, _) => p.clone(),
        (None, true, _, _) => commands::demo_db_path(),
        (None, false, Some(p), _) => p.clone(),
        (None, false, None, Some(p)) => p.clone(),
        // The file names a database ardesk could not read out of it: the
        // default one would be other books, so say which.
        (None, false, None, None) if settings.database_unknown => {
            return Err(eyre!(
                "the configuration file names a database but was refused, so which books to open is not known; \
                 fix the file (`ardesk config-file` says where it is), or name the database with --db"
            ));
        }
        (None, false, None, None) => commands::default_db_path(),
    };
    let server = match Location::parse(&path) {
        Location::Postgres(url) => Some(url),
        Location::File(_) => None,
    };
    if let Some(url) = &server {
        if let Some(next) = on_server(cli, url, today, &mut out)? {
            return Ok(next);
        }
    } else if cli.demo && !path.exists() {
        commands::demo(&path, None, None, false, today, &mut out)?;
    }
    if let Some(Command::Check { repair }) = &cli.command {
        // As the file is: never created, upgraded or written, unless asked
        // to repair what is derived first.
        if *repair {
            commands::repair(&path, &mut out)?;
        }
        let ok = commands::check(&path, today, &mut out)?;
        return Ok(Next::Exit(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }));
    }
    if let Some(Command::Backup { file, force }) = &cli.command {
        // Never creates the database it copies.
        let ok = commands::backup(&path, file, *force, today, &mut out)?;
        return Ok(Next::Exit(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }));
    }
    if let Some(Command::Upgrade { set_aside }) = &cli.command {
        let ok = commands::upgrade(&path, *set_aside, &mut out)?;
        return Ok(Next::Exit(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }));
    }
    if let Some(Command::Vacuum) = &cli.command {
        // Never creates a database just to vacuum it.
        let mut store = Store::open(&path, OpenMode::MustExist)?;
        commands::vacuum(&mut store, &mut out)?;
        return Ok(Next::Exit(ExitCode::SUCCESS));
    }
    let mode = if cli.global.no_create { OpenMode::MustExist } else { OpenMode::Create };
    // A server's empty database gets its schema when opened, but it is
    // not a file made: nothing to say.
    let created = server.is_none() && !path.exists();
    // A dry run writes nothing, so it does not create the database either:
    // it previews against an empty one in memory.
    let preview_only = created && matches!(cli.command, Some(Command::Import { dry_run: true, .. }));
    if preview_only {
        out::say(&format!(
            "{} does not exist: the dry run is against an empty database, and nothing is created",
            clean(&path.display().to_string())
        ));
    }
    let mut store = if preview_only { Books::open_in_memory()? } else { Books::open_named(&path, mode)? };
    if let Some(d) = cli.global.as_of {
        store.set_as_of(Some(d))?;
    }
    if created && !preview_only {
        out::say(&format!("created a new, empty database at {}", clean(&path.display().to_string())));
    }
    match &cli.command {
        Some(Command::Customers { json }) => commands::customers(&store, today, *json, &mut out)?,
        Some(Command::Customer { id, json }) => commands::customer(&store, id, today, *json, &mut out)?,
        Some(Command::Invoices(a)) => commands::tab_rows(&store, Tab::Invoices, a, today, tty, &mut out)?,
        Some(Command::Contracts(a)) => commands::tab_rows(&store, Tab::Contracts, a, today, tty, &mut out)?,
        Some(Command::Payments(a)) => commands::tab_rows(&store, Tab::Payments, a, today, tty, &mut out)?,
        Some(Command::Contacts(a)) => commands::tab_rows(&store, Tab::Contacts, a, today, tty, &mut out)?,
        Some(Command::Documents(a)) => commands::tab_rows(&store, Tab::Documents, a, today, tty, &mut out)?,
        Some(Command::Activity(a)) => commands::tab_rows(&store, Tab::Activity, a, today, tty, &mut out)?,
        Some(Command::Conversations(a)) => commands::tab_rows(&store, Tab::Conversations, a, today, tty, &mut out)?,
        Some(Command::Conversation { id, .. }) => commands::conversation(&store, *id, today, &mut out)?,
        Some(Command::Import {
            source,
            object,
            dry_run,
            allow_test_mode,
            skip_bad_rows,
            decimal_comma,
            decimal_point,
            files,
        }) => {
            return Ok(Next::Exit(commands::import(
                &mut store,
                source.clone(),
                object.clone(),
                *dry_run,
                *allow_test_mode,
                *skip_bad_rows,
                (*decimal_comma, *decimal_point),
                files,
                &mut out,
            )?));
        }
        Some(Command::Export { customer, out: file, .. }) => {
            commands::export_json(&store, customer, file.as_deref(), &mut out)?
        }
        Some(Command::Org(a) | Command::Config(a)) => {
            commands::org(&mut store, a.key.as_deref(), a.value.as_deref(), a.unset, a.json, &mut out)?
        }
        Some(Command::Statement { customer, from, format, out: file, force }) => {
            let one = commands::One {
                customer,
                as_of: today,
                from: *from,
                format: *format,
                file: file.as_deref(),
                force: *force,
            };
            commands::statement(&mut store, &one, tty, &mut out)?
        }
        Some(Command::Statements { out_dir, only_overdue, customers, format, force }) => {
            let Some(as_of) = cli.global.as_of else {
                return Err(eyre!(
                    "ardesk statements needs the statement date: --as-of DATE (e.g. --as-of {})",
                    ardesk::domain::date::iso(today)
                ));
            };
            let batch = commands::Batch {
                as_of,
                dir: out_dir,
                only_overdue: *only_overdue,
                customers: customers.as_deref(),
                format: *format,
                force: *force,
            };
            commands::statements(&mut store, &batch, &mut out)?
        }
        Some(
            Command::Check { .. }
            | Command::Demo { .. }
            | Command::Upgrade { .. }
            | Command::Vacuum
            | Command::Backup { .. }
            | Command::Migrate { .. }
            | Command::Completions { .. }
            | Command::Man
            | Command::ConfigFile { .. },
        ) => {}
        None => return Ok(Next::Tui(Box::new(store))),
    }
    Ok(Next::Exit(ExitCode::SUCCESS))
}

/// The command's name when it writes (or, `check`, reads the file as it is
/// rather than as of a day): `--as-of` is refused with it.
fn writes(command: &Option<Command>) -> Option<&'static str> {
    Some(match command {
        Some(Command::Demo { .. }) => "demo",
        Some(Command::Import { .. }) => "import",
        Some(Command::Export { .. }) => "export",
        Some(Command::Org(a)) if a.value.is_some() || a.unset => "org",
        Some(Command::Config(a)) if a.value.is_some() || a.unset => "config",
        Some(Command::Check { .. }) => "check",
        Some(Command::Backup { .. }) => "backup",
        Some(Command::Migrate { .. }) => "migrate",
        Some(Command::Upgrade { .. }) => "upgrade",
        Some(Command::Vacuum) => "vacuum",
        _ => return None,
    })
}
