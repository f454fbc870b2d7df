//! Writing a file whole or not at all: the bytes go to a hidden temporary
//! file beside the target (same directory, so same file system), are
//! synced, then take the target's name in one step. Without `force` that
//! step is a hard link, which fails when the name is taken (no window
//! between looking and writing); with `force` a rename, which replaces.
//! A run killed meanwhile leaves at most the hidden `.….tmp` file, never a
//! half-written target.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    #[error("cannot write {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// Writes `bytes` to `path` whole; an existing `path` is refused unless
/// `force`.
pub fn write_whole(path: &Path, bytes: &[u8], force: bool) -> Result<(), WriteError> {
    let io_err = |source| WriteError::Io { path: path.to_path_buf(), source };
    if !force && path.exists() {
        return Err(WriteError::Exists(path.to_path_buf()));
    }
    let (tmp_path, mut tmp) = temp_beside(path).map_err(io_err)?;
    let cleanup = Removed(&tmp_path);
    tmp.write_all(bytes).and_then(|()| tmp.sync_all()).map_err(io_err)?;
    drop(tmp);
    if force {
        fs::rename(&tmp_path, path).map_err(io_err)?;
    } else {
        match fs::hard_link(&tmp_path, path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(WriteError::Exists(path.to_path_buf())),
            // A file system without hard links: look, then rename.
            Err(_) if !path.exists() => fs::rename(&tmp_path, path).map_err(io_err)?,
            Err(e) => return Err(io_err(e)),
        }
    }
    drop(cleanup);
    Ok(())
}

/// Removes the temporary file when dropped, whatever happened.
struct Removed<'a>(&'a Path);

impl Drop for Removed<'_> {
    fn drop(&mut self) {
        let _ = fs::remove_file(self.0);
    }
}

/// A new hidden file in `path`'s directory: `.NAME.PID.N.tmp`.
fn temp_beside(path: &Path) -> io::Result<(PathBuf, File)> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for n in 0..100 {
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "no free temporary name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_an_existing_file_unless_forced_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_whole(&p, b"one", false).unwrap();
        assert!(matches!(write_whole(&p, b"two", false), Err(WriteError::Exists(_))));
        assert_eq!(fs::read(&p).unwrap(), b"one");
        write_whole(&p, b"two", true).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "only the file itself");
    }
}
