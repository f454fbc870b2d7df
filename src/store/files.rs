//! The database file and the files beside it, as the kernel sees them:
//! whether this user may write them, whether they are regular files at all
//! (checked before SQLite opens or creates anything), and a write-ahead log
//! left as it was found when a database is refused.

use super::{Result, StoreError};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// Why a file can only be read: its permission bits, its directory's
/// (SQLite must create the WAL and shared-memory files beside it), or a
/// WAL or shared-memory file this user cannot write (left by another
/// account, say root): SQLite would open such a database for writing and
/// fail at the first save with "attempt to write a readonly database".
pub(super) fn read_only_reason(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let file = std::fs::metadata(path).ok()?;
    if file.permissions().mode() & 0o222 == 0 || !writable(path) {
        return Some(format!("{} is read-only", path.display()));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let d = std::fs::metadata(dir).ok()?;
    if d.permissions().mode() & 0o222 == 0 || !writable(dir) {
        return Some(format!("its directory {} is read-only", dir.display()));
    }
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() && !writable(&side) {
            return Some(format!("{} is not writable by you (another account made it)", side.display()));
        }
    }
    None
}

/// Whether this process may write `path`, as the kernel decides (access(2)
/// with the real ids, which for a root process ignores permission bits).
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else { return false };
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// Refuses anything at `path` that is not a regular file (or nothing),
/// before SQLite opens it or creates a journal beside it: a character
/// device reads forever, a FIFO blocks, a socket cannot be a database.
pub(super) fn regular_or_absent(path: &Path) -> Result<bool> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symbolic link is not "nothing": SQLite would create
            // the file where it points.
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(StoreError::NotAFile { path: path.to_path_buf(), kind: "a broken symbolic link" });
            }
            return Ok(false);
        }
        Err(e) => return Err(StoreError::Open { path: path.to_path_buf(), reason: e.to_string() }),
    };
    let Some(kind) = special_kind(&meta.file_type()) else { return Ok(true) };
    Err(StoreError::NotAFile { path: path.to_path_buf(), kind })
}

/// What a file that is not a regular file is, in words; `None` for a
/// regular file. Databases and documents alike are only regular files.
pub(crate) fn special_kind(t: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    Some(if t.is_file() {
        return None;
    } else if t.is_dir() {
        "a directory"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_fifo() {
        "a named pipe"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a file"
    })
}

/// A refused file keeps its write-ahead log as it found it: closing the
/// last connection would otherwise checkpoint the log — the latest changes
/// of a newer ardesk or another program — into the main file. An empty or
/// missing log is left to SQLite, which removes what it created for reading.
pub(super) fn leave_wal_alone(conn: &Connection, path: &Path) {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    if std::fs::metadata(wal).is_ok_and(|m| m.len() > 0) {
        let _ = conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
    }
}

/// How a read-only connection opens `path` (with `SQLITE_OPEN_URI`) so that
/// it creates nothing beside it: a read-only connection still makes the
/// write-ahead log and its index beside a database that has none (no one
/// works on it), and leaves them there; then the file is opened as it is,
/// immutable. When both are there (someone works on it), as usual.
pub(super) fn read_only_uri(path: &Path) -> String {
    let side = |suffix: &str| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p).exists()
    };
    let immutable = if side("-wal") && side("-shm") { "" } else { "?immutable=1" };
    format!("file:{}{immutable}", uri_path(path))
}

/// A path as a `file:` URI's path: every byte but the unreserved ones and
/// `/` percent-encoded (so `?`, `#` and `%` in a name stay the name's), made
/// absolute first.
fn uri_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for &b in absolute.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_becomes_a_uri_path() {
        assert_eq!(uri_path(Path::new("/a b/c?d#e%f.db")), "/a%20b/c%3Fd%23e%25f.db");
    }
}
