//! `ardesk migrate --from FILE.db --to postgres://…` (and back): the whole
//! books moved between the backends in one transaction on the side
//! written (`store::pg::transfer`), then verified — `check` on both sides,
//! the rows of every table, and every customer's record and figures equal.
//! A copy that does not verify is taken out again, so the side written is
//! left as it was found: empty.

use crate::domain::text::clean;
use crate::store::location::Location;
use crate::store::pg::transfer::{self, Moved};
use crate::store::pg::{self, PgStore};
use crate::store::{OpenMode, Store, StoreError};
use chrono::NaiveDate;
use color_eyre::eyre::{Result, WrapErr, bail};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Differences listed before "and N more".
const SHOWN: usize = 20;

/// Moves the books from `from` to `to` (one a file, the other a URL);
/// returns whether the copy verified.
pub fn migrate(from: &Path, to: &Path, today: NaiveDate, out: &mut impl Write) -> Result<bool> {
    match (Location::parse(from), Location::parse(to)) {
        (Location::File(file), Location::Postgres(url)) => to_postgres(&file, &url, today, out),
        (Location::Postgres(url), Location::File(file)) => to_sqlite(&url, &file, today, out),
        (Location::File(_), Location::File(_)) => bail!(
            "ardesk migrate moves books between a SQLite file and a PostgreSQL database, and both of these are \
             files: one of --from and --to must be a postgres:// URL (to copy a file, `ardesk backup`)"
        ),
        (Location::Postgres(_), Location::Postgres(_)) => bail!(
            "ardesk migrate moves books between a SQLite file and a PostgreSQL database, and both of these are \
             PostgreSQL: one of --from and --to must be a file (between servers, PostgreSQL's own pg_dump)"
        ),
    }
}

/// A URL as messages show it: no password, nothing a terminal obeys.
fn shown_url(url: &str) -> String {
    clean(&crate::store::location::without_password(url)).into_owned()
}

/// A progress bar on a terminal's stderr, nothing on a pipe.
fn bar(total: u64, what: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        indicatif::ProgressStyle::with_template(&format!("{what}: {{bar:30}} {{pos}}/{{len}} ({{eta}}) {{msg}}"))
    {
        bar.set_style(style);
    }
    bar
}

/// A line that says which check runs, on a terminal's stderr.
fn spinner() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let s = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("checking {spinner} ({elapsed}) {wide_msg}") {
        s.set_style(style);
    }
    s.enable_steady_tick(std::time::Duration::from_millis(200));
    s
}

fn to_postgres(file: &Path, url: &str, today: NaiveDate, out: &mut impl Write) -> Result<bool> {
    let (src, dst) = (clean(&file.display().to_string()).into_owned(), shown_url(url));
    let store = match Store::open(file, OpenMode::MustExist) {
        // Not the open's own advice (a demo, or leaving out --no-create):
        // here there is nothing to copy.
        Err(StoreError::Missing { .. }) => bail!("{src} does not exist: there are no books there to copy"),
        other => other.wrap_err_with(|| format!("{src}: nothing was copied"))?,
    };
    if let Some(why) = store.trouble() {
        bail!("{src} opens for reading only: {}; nothing was copied", clean(why));
    }
    writeln!(out, "checking {src}…")?;
    let checking = spinner();
    let problems = store.check_saying(today, &mut |what| checking.set_message(what.to_string()))?;
    checking.finish_and_clear();
    if !problems.is_empty() {
        for p in &problems {
            writeln!(out, "problem: {}", clean(p))?;
        }
        bail!(
            "{src} has {} problem(s) (above, as `ardesk check` says): mend them before moving the books; nothing \
             was copied",
            problems.len()
        );
    }
    let mut client = pg::connect(url)?;
    pg::migrate::upgrade(&mut client, &dst)?;
    let held = transfer::pg_holds(&mut client)?;
    if !held.is_empty() {
        bail!(
            "{dst} already holds books ({}): ardesk migrate copies into a database that holds none; nothing was \
             copied",
            shortened(&held)
        );
    }
    let started = std::time::Instant::now();
    let progress = bar(0, "copying");
    let copied = store
        .copy_to_postgres(&mut client, &mut |table, m: Moved| {
            progress.set_length(m.total);
            progress.set_position(m.done);
            progress.set_message(table.to_string());
        })
        .wrap_err_with(|| format!("the copy to {dst} was undone; nothing was copied"))?;
    progress.finish_and_clear();
    // From the commit on, whatever stops the verification (an error, a
    // closed pipe) takes the copy out again: none stays unverified.
    let verified = (|| -> Result<Vec<String>> {
        let rows: u64 = copied.iter().map(|(_, n)| n).sum();
        writeln!(out, "copied {rows} rows from {src} to {dst} in {:.1?}; verifying…", started.elapsed())?;
        let pg = PgStore::open(url)?;
        verify(&store, &pg, &mut client, &copied, today)
    })();
    let differences = match verified {
        Ok(d) => d,
        Err(e) => {
            let undone = transfer::empty_pg(&mut client);
            let e = e.wrap_err("the copy could not be verified");
            return Err(match undone {
                Ok(()) => e.wrap_err(format!("so it was taken out of {dst} again; {src} is as it was")),
                Err(u) => e.wrap_err(format!(
                    "and could not be taken out of {dst} either ({}): empty it by hand",
                    clean(&u.to_string())
                )),
            });
        }
    };
    if differences.is_empty() {
        writeln!(
            out,
            "ok: {dst} holds the books of {src}: every table's rows, `check` clean on both sides, and every \
             customer's record and figures equal"
        )?;
        return Ok(true);
    }
    let undone = transfer::empty_pg(&mut client);
    say_differences(out, &differences)?;
    undone.wrap_err_with(|| format!("the copy did not verify, and could not be taken out of {dst}"))?;
    writeln!(out, "the copy did not verify (above), so it was taken out of {dst} again; {src} is as it was")?;
    Ok(false)
}

fn to_sqlite(url: &str, file: &Path, today: NaiveDate, out: &mut impl Write) -> Result<bool> {
    let (src, dst) = (shown_url(url), clean(&file.display().to_string()).into_owned());
    if std::fs::symlink_metadata(file).is_ok() {
        bail!("{dst} already exists: ardesk migrate writes a new file, and leaves this one as it is");
    }
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.is_dir() {
        bail!("cannot write {dst}: the directory {} does not exist", clean(&dir.display().to_string()));
    }
    let pg = PgStore::open(url).wrap_err_with(|| format!("{src}: nothing was copied"))?;
    writeln!(out, "checking {src}…")?;
    let checking = spinner();
    let problems = pg.check_saying(today, &mut |what| checking.set_message(what.to_string()))?;
    checking.finish_and_clear();
    if !problems.is_empty() {
        for p in &problems {
            writeln!(out, "problem: {}", clean(p))?;
        }
        bail!(
            "{src} has {} problem(s) (above, as `ardesk check` says): mend them before moving the books; nothing \
             was copied",
            problems.len()
        );
    }
    // Made beside FILE, readable by this user only, and renamed into place
    // once verified: FILE is the whole copy or is not there, whatever
    // happens meanwhile.
    let (tmp, made_file) =
        crate::store::backup::temp_for(file, std::process::id(), "migrating").wrap_err_with(|| {
            format!("cannot create a file in {}; nothing was copied", clean(&dir.display().to_string()))
        })?;
    drop(made_file);
    let result = fill_and_verify(&pg, url, &tmp, &src, today, out);
    match result {
        Ok(true) => {
            // A link, not a rename, so a file made at the name meanwhile is
            // never replaced; then the directory synced, so "ok" is durable.
            let placed = match std::fs::hard_link(&tmp, file) {
                // A file system without hard links: renamed, if still free.
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists && std::fs::symlink_metadata(file).is_err() => {
                    std::fs::rename(&tmp, file)
                }
                other => other,
            };
            remove_db(&tmp);
            placed.wrap_err_with(|| format!("cannot put the copy at {dst}; it was removed"))?;
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            writeln!(
                out,
                "ok: {dst} holds the books of {src}: every table's rows, `check` clean on both sides, and every \
                 customer's record and figures equal"
            )?;
            Ok(true)
        }
        Ok(false) => {
            remove_db(&tmp);
            writeln!(out, "the copy did not verify (above), so no {dst} was written; {src} is as it was")?;
            Ok(false)
        }
        Err(e) => {
            remove_db(&tmp);
            Err(e.wrap_err(format!("no {dst} was written")))
        }
    }
}

/// Copies `pg` into a new database at `tmp` and verifies it: false, with
/// the differences said, when it does not verify.
fn fill_and_verify(
    pg: &PgStore,
    url: &str,
    tmp: &Path,
    src: &str,
    today: NaiveDate,
    out: &mut impl Write,
) -> Result<bool> {
    let started = std::time::Instant::now();
    let mut made = Store::open(tmp, OpenMode::Create)?;
    let progress = bar(0, "copying");
    let copied = made.copy_from_postgres(pg, &mut |table, m: Moved| {
        progress.set_length(m.total);
        progress.set_position(m.done);
        progress.set_message(table.to_string());
    });
    progress.finish_and_clear();
    let copied = copied?;
    let rows: u64 = copied.iter().map(|(_, n)| n).sum();
    writeln!(out, "copied {rows} rows from {src} in {:.1?}; verifying…", started.elapsed())?;
    let mut client = pg::connect(url)?;
    let differences = verify(&made, pg, &mut client, &copied, today)?;
    say_differences(out, &differences)?;
    Ok(differences.is_empty())
}

/// Removes a SQLite file this command made, with its log.
fn remove_db(file: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = file.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// The first tables named, and "…" for the rest.
fn shortened(tables: &[&str]) -> String {
    let mut said = tables.iter().take(3).copied().collect::<Vec<_>>().join(", ");
    if tables.len() > 3 {
        said.push_str(", …");
    }
    said
}

/// Everything that differs between the two sides, in words: the rows of a
/// table, each side's `check`, and each customer's record and figures.
fn verify(
    lite: &Store,
    pg: &PgStore,
    client: &mut postgres::Client,
    copied: &[(&'static str, u64)],
    today: NaiveDate,
) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let (on_lite, on_pg) = (lite.table_rows()?, transfer::pg_rows(client)?);
    for ((table, a), (_, b)) in on_lite.iter().zip(&on_pg) {
        let said = copied.iter().find(|(t, _)| t == table).map_or(0, |(_, n)| *n);
        if a != b || *a != said {
            found.push(format!("{table}: {a} rows in SQLite, {b} in PostgreSQL, {said} copied"));
        }
    }
    let checking = spinner();
    let lite_problems = lite.check_saying(today, &mut |what| checking.set_message(format!("SQLite: {what}")))?;
    found.extend(lite_problems.into_iter().map(|p| format!("SQLite: {p}")));
    let pg_problems = pg.check_saying(today, &mut |what| checking.set_message(format!("PostgreSQL: {what}")))?;
    found.extend(pg_problems.into_iter().map(|p| format!("PostgreSQL: {p}")));
    checking.finish_and_clear();
    let ids = lite.customer_ids()?;
    if ids != pg.customer_ids()? {
        found.push("the customers' ids differ".into());
    }
    let progress = bar(ids.len() as u64, "comparing every customer's figures");
    for id in ids {
        progress.inc(1);
        let (a, b) = (lite.customer(id)?, pg.customer(id)?);
        if a != b {
            found.push(format!("customer {id}: the record differs"));
            continue;
        }
        if lite.figures(&a, today)? != pg.figures(&b, today)? {
            found.push(format!("customer {id}: the figures differ"));
        }
    }
    progress.finish_and_clear();
    Ok(found)
}

/// Lists what differs, the first `SHOWN` of it.
fn say_differences(out: &mut impl Write, differences: &[String]) -> Result<()> {
    for d in differences.iter().take(SHOWN) {
        writeln!(out, "differs: {}", clean(d))?;
    }
    if differences.len() > SHOWN {
        writeln!(out, "and {} more", differences.len() - SHOWN)?;
    }
    Ok(())
}
