//! A consistent copy of a database while others work on it: SQLite's online
//! backup, a chunk of pages at a time with a short pause between, so a
//! writer waits at most for one chunk. In WAL mode (every ardesk database)
//! a reader never blocks a writer anyway; the pause lets checkpoints keep
//! the write-ahead log short. A write by another process between two
//! chunks makes SQLite start the copy again, so after a few restarts the
//! rest is copied in one step (one read transaction: a snapshot, writers
//! still go on).

use super::files::{read_only_reason, read_only_uri, regular_or_absent};
use super::{Result, StoreError};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// Pages per step: 4 MiB at SQLite's default page size.
const PAGES_PER_STEP: std::ffi::c_int = 1024;
/// The pause between two steps.
const PAUSE: Duration = Duration::from_millis(5);
/// Restarts (another process wrote between two steps) before the rest is
/// copied in one step.
const RESTARTS: u32 = 3;

/// How far a copy is, in pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub page_size: u64,
}

/// Copies the database at `source` (which must exist: it is never created)
/// into a new file at `dest` (which must not exist, or be an empty file the
/// caller made: `temp_beside`), calling `progress`
/// after each step. `dest` is whole when this returns `Ok`; on an error it
/// may be partly written, and the caller removes it.
pub fn backup(source: &Path, dest: &Path, mut progress: impl FnMut(Progress)) -> Result<Progress> {
    if !regular_or_absent(source)? {
        return Err(StoreError::Missing { path: source.to_path_buf() });
    }
    // Read-only when this user cannot write it (as `Store::open` does, but
    // leaving nothing beside it: `read_only_uri`); never with CREATE.
    let open_err = |e: rusqlite::Error| StoreError::Open { path: source.to_path_buf(), reason: e.to_string() };
    // Immutable (no one works on it: `read_only_uri`), SQLite takes no
    // locks: a writer that started during a copy of several steps could
    // tear it. So then the copy is one step, and the file must be as it was
    // (its size and time of change) once it is done.
    let stamp = |p: &Path| std::fs::metadata(p).map(|m| (m.len(), m.modified().ok()));
    let mut immutable = None;
    let src = match read_only_reason(source) {
        Some(_) => Connection::open_with_flags(
            {
                let uri = read_only_uri(source);
                if uri.ends_with("?immutable=1") {
                    immutable = Some(
                        stamp(source)
                            .map_err(|e| StoreError::Open { path: source.to_path_buf(), reason: e.to_string() })?,
                    );
                }
                uri
            },
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        ),
        None => {
            Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        }
    }
    .map_err(open_err)?;
    src.busy_timeout(super::BUSY_TIMEOUT)?;
    // Fails here, with SQLite's words, on a file that is not a database.
    let page_size: i64 = src.query_row("PRAGMA page_size", [], |r| r.get(0)).map_err(open_err)?;
    let page_size = page_size.max(0) as u64;
    let dest_flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut dst = Connection::open_with_flags(dest, dest_flags)
        .map_err(|e| StoreError::Open { path: dest.to_path_buf(), reason: e.to_string() })?;
    let last = {
        let copy = Backup::new(&src, &mut dst)?;
        let mut restarts = 0;
        let mut before = None;
        loop {
            let pages = if restarts >= RESTARTS || immutable.is_some() { -1 } else { PAGES_PER_STEP };
            let step = copy.step(pages)?;
            let p = copy.progress();
            let now = Progress {
                done: (p.pagecount - p.remaining).max(0) as u64,
                total: p.pagecount.max(0) as u64,
                page_size,
            };
            // No more pages done than at the last step: SQLite started over.
            if before.is_some_and(|b: Progress| now.done <= b.done) {
                restarts += 1;
            }
            before = Some(now);
            progress(now);
            match step {
                StepResult::Done => break now,
                StepResult::More | StepResult::Busy | StepResult::Locked => std::thread::sleep(PAUSE),
                // A future variant: wait as for a busy source.
                _ => std::thread::sleep(PAUSE),
            }
        }
    };
    drop(src);
    if let Some(before) = immutable
        && stamp(source).ok() != Some(before)
    {
        return Err(StoreError::Invalid(
            "the database changed during the copy; run the backup again, or as a user who can write beside the \
             database"
                .into(),
        ));
    }
    // The copy is a database of its own: no write-ahead log beside it once
    // closed, everything in the one file, on the disk.
    dst.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    dst.close().map_err(|(_, e)| StoreError::from(e))?;
    std::fs::File::open(dest)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::Open { path: dest.to_path_buf(), reason: e.to_string() })?;
    Ok(last)
}

/// A new, empty file beside `file` for the copy, readable by this user
/// only: `.NAME.backup-PID`, or `.NAME.backup-PID-N` when that name is
/// taken (a stale copy of an interrupted backup, or anything else: it is
/// left alone). Never through a symbolic link planted at the name.
pub fn temp_beside(file: &Path, pid: u32) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    temp_for(file, pid, "backup")
}

/// `temp_beside` for another purpose, which names the file
/// (`.NAME.PURPOSE-PID`), so one left by a crash says what made it.
pub fn temp_for(file: &Path, pid: u32, purpose: &str) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let mut last = None;
    for n in 0..100 {
        let tmp = match n {
            0 => dir.join(format!(".{name}.{purpose}-{pid}")),
            n => dir.join(format!(".{name}.{purpose}-{pid}-{n}")),
        };
        match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free name")))
}
