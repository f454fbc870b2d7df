//! Start-up: error reporting, CLI, the store, then the TUI or a subcommand.

use ardesk::cli::{Cli, Command};
use ardesk::commands;
use ardesk::domain::columns::Tab;
use ardesk::domain::date::resolve_today;
use ardesk::store::{OpenMode, Store};
use clap::Parser;
use color_eyre::eyre::{Result, eyre};
use std::process::ExitCode;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        eprintln!("ardesk: {e}");
    }
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ardesk: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    let today = resolve_today(cli.global.today).map_err(|e| eyre!(e))?;
    let mut out = std::io::stdout().lock();
    if let Some(Command::Demo { invoices, force }) = &cli.command {
        let path = cli.global.db.clone().unwrap_or_else(commands::demo_db_path);
        commands::demo(&path, *invoices, *force, today, &mut out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let path = match (&cli.global.db, cli.demo) {
        (Some(p), _) => p.clone(),
        (None, true) => commands::demo_db_path(),
        (None, false) => commands::default_db_path(),
    };
    if cli.demo && !path.exists() {
        commands::demo(&path, None, false, today, &mut out)?;
    }
    let mode = if cli.global.no_create { OpenMode::MustExist } else { OpenMode::Create };
    let created = !path.exists();
    let mut store = Store::open(&path, mode)?;
    if created {
        eprintln!("ardesk: created a new, empty database at {}", path.display());
    }
    match cli.command {
        Some(Command::Customers { json }) => commands::customers(&store, today, json, &mut out)?,
        Some(Command::Customer { id, json }) => commands::customer(&store, &id, today, json, &mut out)?,
        Some(Command::Invoices(a)) => commands::tab_rows(&store, Tab::Invoices, &a, today, &mut out)?,
        Some(Command::Contracts(a)) => commands::tab_rows(&store, Tab::Contracts, &a, today, &mut out)?,
        Some(Command::Payments(a)) => commands::tab_rows(&store, Tab::Payments, &a, today, &mut out)?,
        Some(Command::Contacts(a)) => commands::tab_rows(&store, Tab::Contacts, &a, today, &mut out)?,
        Some(Command::Documents(a)) => commands::tab_rows(&store, Tab::Documents, &a, today, &mut out)?,
        Some(Command::Activity(a)) => commands::tab_rows(&store, Tab::Activity, &a, today, &mut out)?,
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
            return commands::import(
                &mut store,
                source,
                object,
                dry_run,
                allow_test_mode,
                skip_bad_rows,
                (decimal_comma, decimal_point),
                &files,
                &mut out,
            );
        }
        Some(Command::Export { customer, out: file, .. }) => {
            commands::export_json(&store, &customer, file.as_deref(), &mut out)?
        }
        Some(Command::Config { key, value, unset, json }) => {
            commands::config(&mut store, key.as_deref(), value.as_deref(), unset, json, &mut out)?
        }
        Some(Command::Check) => {
            if !commands::check(&store, today, &mut out)? {
                return Ok(ExitCode::from(1));
            }
        }
        Some(Command::Demo { .. }) => {}
        None => {
            ardesk::tui::check_terminal()?;
            drop(out);
            let size = ratatui::layout::Rect::default();
            let mut app = ardesk::app::App::new(store, today, size)?;
            app.start_worker();
            if let Some(spec) = &cli.customer {
                let id = app.store.resolve_customer(spec)?;
                app.open_customer(id);
            }
            ardesk::tui::run(&mut app)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
