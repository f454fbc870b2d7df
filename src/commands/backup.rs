//! `ardesk backup FILE [--force]`: a consistent copy of the database while
//! others keep working (`store::backup`), written beside FILE and renamed
//! into place, then checked as `ardesk check` checks.

use crate::domain::model::size_label;
use crate::domain::text::clean;
use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Copies `db` to `file` and checks the copy; returns whether it passed.
pub fn backup(db: &Path, file: &Path, force: bool, today: chrono::NaiveDate, out: &mut impl Write) -> Result<bool> {
    let shown = |p: &Path| clean(&p.display().to_string()).into_owned();
    if !db.exists() {
        bail!("{} does not exist: there is nothing to back up (--db names the database)", shown(db));
    }
    if file.is_dir() {
        bail!("{} is a directory: name the backup's file", shown(file));
    }
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    file.file_name().ok_or_else(|| eyre!("{} names no file to write the backup to", shown(file)))?;
    if !dir.is_dir() {
        bail!("cannot write the backup to {}: the directory {} does not exist", shown(file), shown(dir));
    }
    if same_file(db, file) {
        bail!("{} is the database itself: a backup goes to another file", shown(file));
    }
    match std::fs::symlink_metadata(file) {
        Ok(m) if m.is_dir() => bail!("{} is a directory: name the backup's file", shown(file)),
        Ok(_) if !force => bail!("{} already exists; it was left as it is (--force replaces it)", shown(file)),
        Ok(m) if !m.is_file() => bail!("{} is not a regular file; it was left as it is", shown(file)),
        _ => {}
    }
    // A log or journal beside FILE is an old copy's, or a backup someone
    // has open: a new file there would be read with it, wrong.
    let sides: Vec<String> = ["-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut p = file.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        })
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .map(|p| shown(&p))
        .collect();
    if !sides.is_empty() {
        bail!(
            "{} cannot be written: {} beside it would be read with the new copy (someone may have that backup \
             open in ardesk, or a crash left them): close it, or remove them, first; nothing was written",
            shown(file),
            sides.join(", ")
        );
    }
    // Made here, empty and readable by this user only, never through a
    // link planted at its name; SQLite writes the copy into it.
    let (tmp, _) = crate::store::backup::temp_beside(file, std::process::id())
        .wrap_err_with(|| format!("cannot create a temporary file in {}; no backup was written", shown(dir)))?;
    let started = std::time::Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let progress = |p: crate::store::backup::Progress| {
        // Only for more than one step, and never on a pipe.
        if terminal && p.total > 1024 {
            let percent = p.done * 100 / p.total.max(1);
            let _ = write!(
                std::io::stderr(),
                "\rbacking up: {percent}% of {}\x1b[K",
                size_label((p.total * p.page_size) as i64)
            );
        }
    };
    let copied = crate::store::backup::backup(db, &tmp, progress);
    if terminal {
        let _ = write!(std::io::stderr(), "\r\x1b[K");
    }
    let copied = match copied.map_err(color_eyre::Report::from).and_then(|p| {
        // Readable by no more people than the database is.
        // Best effort: a file system without modes (vfat, SMB) keeps the
        // copy as it made it.
        if let Ok(m) = std::fs::metadata(db) {
            use std::os::unix::fs::PermissionsExt;
            let mode = (m.permissions().mode() & 0o666) | 0o600;
            if let Err(e) = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode)) {
                let _ = writeln!(
                    std::io::stderr(),
                    "ardesk: warning: could not give the backup {} the database's permissions ({}); check who can \
                     read it",
                    shown(file),
                    clean(&e.to_string())
                );
            }
        }
        std::fs::rename(&tmp, file).wrap_err_with(|| format!("cannot move the backup into {}", shown(file)))?;
        sync_dir(dir);
        Ok(p)
    }) {
        Ok(p) => p,
        Err(e) => {
            remove_with_journal(&tmp);
            return Err(e.wrap_err(format!("no backup was written to {}", shown(file))));
        }
    };
    writeln!(
        out,
        "backed up {} to {} ({} in {:.1?}); checking the copy…",
        shown(db),
        shown(file),
        size_label((copied.total * copied.page_size) as i64),
        started.elapsed()
    )?;
    let ok = super::check(file, today, out)
        .wrap_err_with(|| format!("the backup {} was written but could not be checked; it was kept", shown(file)))?;
    if !ok {
        writeln!(
            out,
            "the backup {} failed the check above; it was kept, but do not rely on it: check the database itself \
             (ardesk check) and keep your previous backup",
            shown(file)
        )?;
    }
    Ok(ok)
}

/// Whether `a` and `b` are the same file (a path to it, a link to it, the
/// same file by another name).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        return x.dev() == y.dev() && x.ino() == y.ino();
    }
    let canonical = |p: &Path| -> Option<PathBuf> {
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        Some(dir.canonicalize().ok()?.join(p.file_name()?))
    };
    canonical(a).is_some_and(|x| canonical(b) == Some(x))
}

fn remove_with_journal(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Makes the rename durable (best effort: not every file system can).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
