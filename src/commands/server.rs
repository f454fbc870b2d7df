//! The commands that look after the books themselves (`check`, `upgrade`,
//! `demo`), when the books are on a PostgreSQL server; and the words for
//! the ones that belong to a SQLite file (`backup`, `vacuum`), whose
//! counterparts on a server are PostgreSQL's own tools.

use crate::domain::text::clean;
use crate::store::location::without_password;
use crate::store::pg::{self, PgStore, migrate::PG_SCHEMA_VERSION};
use chrono::NaiveDate;
use color_eyre::eyre::{Result, bail};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// The URL as messages show it: no password, nothing a terminal obeys.
fn shown(url: &str) -> String {
    clean(&without_password(url)).into_owned()
}

/// `ardesk check` on a server: its schema against this ardesk's, every
/// invariant, and every summary against its recomputation. A database at
/// another version is said, not upgraded: checking writes nothing.
pub fn check(url: &str, today: NaiveDate, out: &mut impl Write) -> Result<bool> {
    let mut client = pg::connect(url)?;
    let version = pg::migrate::version(&mut client, &shown(url))?;
    drop(client);
    if version != PG_SCHEMA_VERSION {
        let why = match version {
            0 => "holds no ardesk books (its schema is empty)".to_string(),
            v => format!(
                "is at schema version {v}; this ardesk checks version {PG_SCHEMA_VERSION}: run `ardesk upgrade`"
            ),
        };
        writeln!(out, "problem: {} {why}", shown(url))?;
        return Ok(false);
    }
    let store = PgStore::open(url)?;
    let on_terminal = std::io::stderr().is_terminal();
    let mut say = |what: &str| {
        if on_terminal {
            let _ = write!(std::io::stderr(), "\rchecking {what}…\x1b[K");
        }
    };
    let problems = store.check_saying(today, &mut say)?;
    if on_terminal {
        let _ = write!(std::io::stderr(), "\r\x1b[K");
    }
    if problems.is_empty() {
        writeln!(out, "ok: {} is consistent", shown(url))?;
        return Ok(true);
    }
    for p in &problems {
        writeln!(out, "problem: {}", clean(p))?;
    }
    writeln!(out, "{} problem(s) in {}", problems.len(), shown(url))?;
    Ok(false)
}

/// `ardesk upgrade` on a server: the schema brought to this ardesk's
/// version in one transaction (opening does it; this says so).
pub fn upgrade(url: &str, set_aside: bool, out: &mut impl Write) -> Result<bool> {
    if set_aside {
        bail!(
            "--set-aside takes rows out of a SQLite file an older ardesk let past the bounds; {} is PostgreSQL, \
             whose schema has kept the bounds from the start: leave --set-aside out",
            shown(url)
        );
    }
    let mut client = pg::connect(url)?;
    let up = pg::migrate::upgrade(&mut client, &shown(url))?;
    match up.from == up.to {
        true => writeln!(out, "ok: {} is at PostgreSQL schema version {}", shown(url), up.to)?,
        false => writeln!(out, "ok: {} upgraded from PostgreSQL schema version {} to {}", shown(url), up.from, up.to)?,
    }
    Ok(true)
}

/// `ardesk demo --db postgres://…`: the demo made in a temporary file, then
/// moved onto the server as `ardesk migrate` moves books (one transaction,
/// verified), so a server that holds books is refused and never mixed.
pub fn demo(
    url: &str,
    invoices: Option<u64>,
    customers: Option<u64>,
    force: bool,
    today: NaiveDate,
    out: &mut impl Write,
) -> Result<bool> {
    if force {
        bail!(
            "--force replaces a demo file; {} is PostgreSQL, whose books ardesk never empties: \
             drop and create the database with PostgreSQL's own tools, then run the demo again",
            shown(url)
        );
    }
    // The server first: one that cannot be reached, or already holds
    // books, is said before a demo is made for nothing.
    if !pg::holds_no_books(url)? {
        bail!(
            "{} already holds books; the demo goes only into an empty database (create one with \
             PostgreSQL's createdb)",
            shown(url)
        );
    }
    // A directory of this process's own, taken out whatever happens.
    let dir = std::env::temp_dir().join(format!("ardesk-demo-{}", std::process::id()));
    std::fs::create_dir(&dir)?;
    let file = dir.join("demo.db");
    let moved = super::demo(&file, invoices, customers, false, today, &mut std::io::sink())
        .and_then(|()| super::migrate(&file, Path::new(url), today, out));
    let _ = std::fs::remove_dir_all(&dir);
    let moved = moved?;
    if moved {
        writeln!(out, "the demo is in {}: ardesk --db '{}'", shown(url), shown(url))?;
    }
    Ok(moved)
}

/// The refusal of a command that works on a SQLite file, on a server.
pub fn file_only(command: &str, url: &str) -> color_eyre::eyre::Report {
    let instead = match command {
        "backup" => {
            "pg_dump makes a consistent copy of a PostgreSQL database (or `ardesk migrate --from URL --to FILE`)"
        }
        "vacuum" => "PostgreSQL's autovacuum gives deleted rows' space back by itself",
        _ => "PostgreSQL's own tools do it there",
    };
    color_eyre::eyre::eyre!("ardesk {command} works on a SQLite file, and {} is PostgreSQL: {instead}", shown(url))
}
