//! `ardesk statement` and `ardesk statements`: statements of account from
//! the store (`Store::statement`), rendered by `crate::statement`, to
//! standard output or written whole to files (`statement::whole_file`).

use super::out::say;
use crate::cli::StatementFormat;
use crate::domain::date::iso;
use crate::domain::text::clean;
use crate::statement::model::{Kind, Statement};
use crate::statement::whole_file::{WriteError, write_whole};
use crate::store::Books;
use chrono::NaiveDate;
use color_eyre::eyre::{Result, bail, eyre};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `ardesk statement` was asked.
pub struct One<'a> {
    pub customer: &'a str,
    pub as_of: NaiveDate,
    pub from: Option<NaiveDate>,
    pub format: StatementFormat,
    pub file: Option<&'a Path>,
    pub force: bool,
}

pub fn statement(store: &mut Books, a: &One<'_>, tty: bool, out: &mut dyn Write) -> Result<()> {
    if let Some(from) = a.from
        && from > a.as_of
    {
        bail!(
            "--from {} is after the statement date {} (--as-of, or today): an activity statement runs from a day up to it",
            iso(from),
            iso(a.as_of)
        );
    }
    if a.file.is_none() && a.format == StatementFormat::Pdf && tty {
        bail!("a PDF is not for the terminal: write it to a file with --out FILE (or pipe it)");
    }
    let id = store.resolve_customer(a.customer)?;
    let kind = a.from.map_or(Kind::OpenItem, |from| Kind::Activity { from });
    let s = store.statement(id, a.as_of, kind)?;
    let bytes = render(&s, a.format)?;
    match a.file {
        Some(path) => {
            write_whole(path, &bytes, a.force).map_err(|e| match e {
                WriteError::Exists(p) => eyre!("{} already exists: add --force to replace it", p.display()),
                e => eyre!(e),
            })?;
            say(&format!("wrote the statement of customer {id} as of {} to {}", iso(a.as_of), path.display()));
        }
        None => out.write_all(&bytes)?,
    }
    Ok(())
}

pub fn render(s: &Statement, format: StatementFormat) -> Result<Vec<u8>> {
    use crate::statement::output::Format;
    let format = match format {
        StatementFormat::Pdf => Format::Pdf,
        StatementFormat::Txt => Format::Txt,
        StatementFormat::Csv => Format::Csv,
    };
    Ok(crate::statement::output::render(s, format)?)
}

/// What `ardesk statements` was asked.
pub struct Batch<'a> {
    pub as_of: NaiveDate,
    pub dir: &'a Path,
    pub only_overdue: bool,
    pub customers: Option<&'a str>,
    pub format: StatementFormat,
    pub force: bool,
}

/// What a batch did.
#[derive(Debug, Default)]
struct Tally {
    written: usize,
    skipped: usize,
    nothing_owed: usize,
}

pub fn statements(store: &mut Books, b: &Batch<'_>, out: &mut dyn Write) -> Result<()> {
    let started = Instant::now();
    std::fs::create_dir_all(b.dir).map_err(|e| eyre!("cannot create the directory {}: {e}", b.dir.display()))?;
    let ids = chosen(store, b)?;
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(ids.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} statements {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut tally = Tally::default();
    for id in &ids {
        bar.inc(1);
        let path = file_for(b.dir, *id, b.as_of, b.format);
        if !b.force && path.exists() {
            tally.skipped += 1;
            continue;
        }
        let s = store.statement(*id, b.as_of, Kind::OpenItem)?;
        if s.sections.iter().all(|x| x.total_due.minor == 0 && x.open_items.is_empty() && x.unapplied.is_empty()) {
            tally.nothing_owed += 1;
        }
        match write_whole(&path, &render(&s, b.format)?, b.force) {
            Ok(()) => tally.written += 1,
            // Another run wrote it meanwhile: it is there, whole.
            Err(WriteError::Exists(_)) => tally.skipped += 1,
            Err(e) => return Err(eyre!(e)),
        }
    }
    bar.finish_and_clear();
    writeln!(
        out,
        "{} statement{} as of {} in {}: {} written, {} skipped (already there; --force writes them again), {} with nothing owed ({:.1}s)",
        ids.len(),
        if ids.len() == 1 { "" } else { "s" },
        iso(b.as_of),
        b.dir.display(),
        tally.written,
        tally.skipped,
        tally.nothing_owed,
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// `statement-<id>-<date>.<ext>`: nothing of the customer's text.
fn file_for(dir: &Path, id: i64, as_of: NaiveDate, format: StatementFormat) -> PathBuf {
    dir.join(format!("statement-{id}-{}.{}", iso(as_of), format.ext()))
}

/// The customers the batch is for, by id: all, those named by `--customers`
/// (ids, or text in the name), and of those the ones with something
/// overdue with `--only-overdue`.
fn chosen(store: &Books, b: &Batch<'_>) -> Result<Vec<i64>> {
    let mut ids = store.customer_ids()?;
    if let Some(filter) = b.customers.map(str::trim).filter(|f| !f.is_empty()) {
        let listed: Option<Vec<i64>> = filter.split(',').map(|p| p.trim().parse::<i64>().ok()).collect();
        ids = match listed {
            Some(listed) => {
                for id in &listed {
                    if !ids.contains(id) {
                        bail!("--customers: there is no customer {id}");
                    }
                }
                listed
            }
            None => {
                let needle = filter.to_lowercase();
                let mut named = Vec::new();
                for id in ids {
                    if store.customer(id)?.name.to_lowercase().contains(&needle) {
                        named.push(id);
                    }
                }
                if named.is_empty() {
                    say(&format!("no customer's name contains \"{}\"", clean(filter)));
                }
                named
            }
        };
    }
    if b.only_overdue {
        let mut overdue = Vec::new();
        for id in ids {
            if store.metric_parts_as_of(id, b.as_of)?.values().any(|p| p.overdue_minor > 0) {
                overdue.push(id);
            }
        }
        ids = overdue;
    }
    Ok(ids)
}
