//! `ardesk man`: the manual page, as roff, from what the code holds rather
//! than a copy of it: the commands and their options from the clap
//! definition (`cli::command`, by `clap_mangen`), the keys of every screen
//! from the key table (`app::keymap`), the filter language from its parser
//! (`domain::filter`).

use crate::app::keymap::{self, Context};
use crate::domain::columns::Tab;
use clap_mangen::Man;
use color_eyre::eyre::Result;
use roff::{Roff, bold, italic, roman};
use std::io::Write;

/// A screen's heading. Every context is named here (a new one does not
/// compile until it is); the page lists them in `Context::ALL`'s order,
/// the one the default configuration file uses.
pub fn screen_title(ctx: Context) -> &'static str {
    match ctx {
        Context::Global => "Everywhere (every list and detail)",
        Context::Customers => "Customers list",
        Context::Searched => "Customers list, while searched",
        Context::Customer => "Customer page, any tab",
        Context::Figures => "Customer page, while its figures have the keys",
        Context::Invoices => "Invoices tab",
        Context::Contracts => "Contracts tab",
        Context::Payments => "Payments tab",
        Context::Contacts => "Contacts tab",
        Context::Documents => "Documents tab",
        Context::Conversations => "Conversations tab",
        Context::InvoiceDetail => "Invoice detail",
        Context::PaymentDetail => "Payment detail",
        Context::ConversationDetail => "Conversation thread",
        Context::Input => "Search and filter field",
        Context::Form => "Forms",
        Context::Confirm => "Confirmations",
        Context::Menu => "Menus",
        Context::Message => "Messages",
        Context::Help => "Help",
        Context::Scroll => "Help and import reports, scrolling",
        Context::Importing => "Import in progress",
        Context::Transfer => "Document upload or download in progress",
        Context::Waiting => "Waiting popups",
    }
}

/// Writes the page.
pub fn man(into: &mut dyn Write) -> Result<()> {
    let cmd = crate::cli::command();
    let version = cmd.get_version().unwrap_or_default().to_string();
    let page = Man::new(cmd.clone());
    let mut buf = Vec::new();
    let out = &mut buf;
    // By hand: clap_mangen leaves an empty date out, which shifts the
    // source and the manual's name into its place.
    writeln!(out, ".TH ARDESK 1 \"\" \"ardesk {version}\" \"ardesk manual\"")?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    let mut r = Roff::new();
    r.control("PP", []);
    r.text([roman(
        "Without a command, ardesk opens the desk in the terminal: the customers list, \
         or the customer --customer names. Everything is kept in one SQLite file (FILES).",
    )]);
    r.to_writer(out)?;
    page.render_options_section(out)?;
    commands(&cmd, out)?;
    keys().to_writer(out)?;
    filters().to_writer(out)?;
    rest().to_writer(out)?;
    page.render_version_section(out)?;
    // Each part rendered on its own starts with the same two lines that
    // define a quote string: once is enough.
    let text = String::from_utf8_lossy(&buf);
    let mut seen = std::collections::HashSet::new();
    let mut page = String::with_capacity(text.len());
    for line in text.lines() {
        if (line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")) && !seen.insert(line) {
            continue;
        }
        page.push_str(line);
        page.push('\n');
    }
    into.write_all(page.as_bytes())?;
    Ok(())
}

/// COMMANDS: each visible subcommand with its whole help and its options
/// (the global options are under OPTIONS once).
fn commands(cmd: &clap::Command, out: &mut dyn Write) -> Result<()> {
    let mut r = Roff::new();
    r.control("SH", ["COMMANDS"]);
    r.to_writer(out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("ardesk {}", sub.get_name());
        let mut r = Roff::new();
        r.control("SS", [name.as_str()]);
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            r.text([roman(about.to_string())]);
        }
        r.to_writer(out)?;
        let sub = sub.clone().disable_help_flag(true);
        let has_args = sub.get_arguments().any(|a| !a.is_hide_set());
        if has_args {
            let mut options = Vec::new();
            Man::new(sub).render_options_section(&mut options)?;
            // Under this command's heading rather than a section of its own.
            let text = String::from_utf8_lossy(&options);
            for line in text.lines().filter(|l| !l.starts_with(".SH")) {
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(())
}

/// KEYS: a subsection per screen, from the key table.
fn keys() -> Roff {
    let mut r = Roff::new();
    r.control("SH", ["KEYS"]);
    r.text([roman(
        "The keys of each screen, from the table that drives the screen, its footer and its help (?). \
         A screen's own keys come first; those of the customer page and those of every list work too \
         unless the screen takes the same key. These are the default keys: a configuration file's \
         [keys.SCREEN] tables move them (ardesk config-file --default lists every screen and action), \
         and then the footer and the help show the keys in force.",
    )]);
    for &ctx in Context::ALL {
        let hints = keymap::help(&[ctx]);
        if hints.is_empty() {
            continue;
        }
        r.control("SS", [screen_title(ctx)]);
        for h in hints {
            r.control("TP", []);
            r.text([bold(h.keys)]);
            r.text([roman(h.hint)]);
        }
    }
    r
}

/// FILTERS: the filter bar's language (`/` on the customer page, --filter).
fn filters() -> Roff {
    let mut r = Roff::new();
    r.control("SH", ["FILTERS"]);
    r.text([roman(format!(
        "The filter of a tab ({} on the customer page) and --filter of the tab commands take the same language. \
         Every term must match. ",
        keymap::label(Context::Customer, crate::app::action::Action::Filter)
    ))]);
    r.text([roman(crate::domain::filter::SYNTAX)]);
    for tab in Tab::ALL {
        r.control("SS", [tab.title()]);
        for (field, takes) in crate::domain::filter::field_values(tab) {
            r.control("TP", []);
            r.text([bold(field)]);
            r.text([roman(takes)]);
        }
        r.control("PP", []);
        r.text([roman("Example: "), italic(crate::domain::tabs::cli_example(tab))]);
    }
    r
}

/// FILES, ENVIRONMENT and EXIT STATUS.
fn rest() -> Roff {
    let mut r = Roff::new();
    let item = |r: &mut Roff, term: &str, text: &str| {
        r.control("TP", []);
        r.text([bold(term)]);
        r.text([roman(text)]);
    };
    r.control("SH", ["FILES"]);
    item(
        &mut r,
        "ardesk.db",
        "The database, in the user's data directory: $XDG_DATA_HOME/ardesk/ardesk.db, by default \
         ~/.local/share/ardesk/ardesk.db (on macOS ~/Library/Application Support/ardesk/). --db PATH \
         names another; a missing file is created empty unless --no-create is given.",
    );
    item(&mut r, "demo.db", "The demo database of --demo and ardesk demo, in the same directory.");
    item(
        &mut r,
        "ardesk.db-wal, ardesk.db-shm",
        "SQLite's write-ahead log and its index, beside the database while ardesk works on it. Copying the \
         database file alone (cp) while ardesk runs can miss what is in the log or tear the copy: use \
         ardesk backup.",
    );
    r.control("SH", ["ENVIRONMENT"]);
    item(
        &mut r,
        crate::store::location::DB_ENV,
        "The database, when --db does not name one; it wins over the configuration's database, and --demo \
         wins over it.",
    );
    item(
        &mut r,
        "ARDESK_CONFIG",
        "The configuration file, when --config does not name one (by default config.toml in the user's \
         configuration directory; ardesk config-file says which file is read).",
    );
    item(
        &mut r,
        crate::domain::date::TODAY_ENV,
        "Today's date (YYYY-MM-DD) for overdue, aging and the 365-day window, as --today (which wins).",
    );
    item(
        &mut r,
        "NO_COLOR",
        "When set and not empty, the screen uses no colours (bold, reverse and underline remain).",
    );
    item(
        &mut r,
        "USER",
        "Who is written in the activity log of each change (else LOGNAME, USERNAME, the account's name).",
    );
    item(&mut r, "XDG_DATA_HOME", "Where the default database is kept (FILES).");
    item(&mut r, "TMPDIR", "Where ardesk vacuum keeps its temporary copy.");
    item(
        &mut r,
        super::completions::VAR,
        "Set by the completion scripts (ardesk completions) when they ask ardesk for the words that complete \
         the command line; not for use by hand.",
    );
    r.control("SH", ["EXIT STATUS"]);
    item(&mut r, "0", "Success.");
    item(
        &mut r,
        "1",
        "The command ran and found a problem: ardesk check listed problems, ardesk import refused rows \
         (nothing was written), ardesk upgrade could not upgrade, or the copy ardesk backup made failed its check.",
    );
    item(
        &mut r,
        "2",
        "The command could not run: a bad command line, a missing or damaged database, a file that cannot be \
         read or written; or ardesk check could not check at all.",
    );
    item(&mut r, "129", "The terminal hung up while the desk was open; nothing half-written is kept.");
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_context_with_keys_has_a_screen() {
        for b in keymap::BINDINGS {
            assert!(Context::ALL.contains(&b.ctx), "{:?} is missing from the manual's screens", b.ctx);
        }
    }
}
