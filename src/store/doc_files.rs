//! The file-system side of documents: only regular files are read, and a
//! download only ever lands as a new regular file.
//!
//! A character device (`/dev/zero`) streams forever and a named pipe blocks
//! the reader until someone writes, so a path is looked at before it is
//! opened, opened without blocking, and the opened descriptor looked at
//! again: a path swapped for something else between the two is caught.

use super::{Result, StoreError, special_kind};
use std::fs::{File, Metadata};
use std::io::ErrorKind;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

pub(crate) fn io_error(path: &Path, e: &std::io::Error) -> StoreError {
    let what = match e.kind() {
        ErrorKind::NotFound => "no such file or directory".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::StorageFull => "the disk is full".to_string(),
        _ => e.to_string(),
    };
    StoreError::Invalid(format!("{}: {what}", path.display()))
}

/// "PATH is a character device" (or "links to" one): why `path` cannot be
/// uploaded, or `None` for a regular file.
fn refusal(path: &Path, meta: &Metadata) -> Option<String> {
    let kind = special_kind(&meta.file_type())?;
    let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let verb = if linked { "links to" } else { "is" };
    Some(format!("{} {verb} {kind}; only regular files can be uploaded", path.display()))
}

/// Looks at `path` without opening it: its metadata when it is a regular
/// file (through symbolic links), else why not.
pub fn check_upload(path: &Path) -> Result<Metadata> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    match refusal(path, &meta) {
        Some(why) => Err(StoreError::Invalid(why)),
        None => Ok(meta),
    }
}

/// Opens a regular file for reading, and its size. Looked at first, then
/// opened with `O_NONBLOCK` (a named pipe swapped in meanwhile opens at
/// once instead of waiting for a writer; on a regular file the flag does
/// nothing), then the descriptor itself is looked at.
pub(crate) fn open_upload(path: &Path) -> Result<(File, u64)> {
    let before = check_upload(path)?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| io_error(path, &e))?;
    let size = verify_opened(&file, &before, path)?;
    Ok((file, size))
}

/// The opened file must still be the regular file looked at before.
fn verify_opened(file: &File, before: &Metadata, path: &Path) -> Result<u64> {
    let now = file.metadata().map_err(|e| io_error(path, &e))?;
    if let Some(kind) = special_kind(&now.file_type()) {
        return Err(StoreError::Invalid(format!(
            "{} became {kind} as it was opened; only regular files can be uploaded",
            path.display()
        )));
    }
    if (now.dev(), now.ino()) != (before.dev(), before.ino()) {
        return Err(StoreError::Invalid(format!(
            "{} was replaced by another file as it was opened; nothing was stored",
            path.display()
        )));
    }
    Ok(now.len())
}

/// Whether a regular file is at `target` already. Anything else there (a
/// named pipe, a device, a symbolic link, a directory) is refused: a
/// download never writes into it nor replaces it.
pub(crate) fn target_exists(target: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_error(target, &e)),
        Ok(m) => match special_kind(&m.file_type()) {
            None => Ok(true),
            Some(kind) => Err(StoreError::Invalid(format!(
                "{} is {kind}; ardesk saves documents only as regular files, so it was left alone",
                target.display()
            ))),
        },
    }
}

/// Gives the finished temporary file its name. Without `overwrite` a file
/// that appeared at `target` meanwhile is not replaced: a hard link fails
/// when the name is taken, where a rename would silently replace it.
pub(crate) fn place(temp: &Path, target: &Path, overwrite: bool) -> Result<()> {
    let exists = target_exists(target)?;
    if exists && !overwrite {
        return Err(already_exists(target));
    }
    if !overwrite {
        match std::fs::hard_link(temp, target) {
            Ok(()) => {
                let _ = std::fs::remove_file(temp);
                return Ok(());
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => return Err(already_exists(target)),
            // A file system without hard links: the check above has to do.
            Err(_) => {}
        }
    }
    std::fs::rename(temp, target).map_err(|e| io_error(target, &e))
}

pub(crate) fn already_exists(target: &Path) -> StoreError {
    StoreError::Exists(target.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_swapped_for_a_named_pipe_as_it_opens_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let (file, fifo) = (dir.path().join("a.pdf"), dir.path().join("pipe"));
        std::fs::write(&file, b"%PDF").unwrap();
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // What `open_upload` would have looked at, then what it opened.
        let before = std::fs::metadata(&file).unwrap();
        let opened = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(&fifo).unwrap();
        let err = verify_opened(&opened, &before, &file).unwrap_err().to_string();
        assert!(
            err.ends_with("a.pdf became a named pipe as it was opened; only regular files can be uploaded"),
            "{err}"
        );
        let other = dir.path().join("b.pdf");
        std::fs::write(&other, b"%PDF").unwrap();
        let err = verify_opened(&File::open(&other).unwrap(), &before, &file).unwrap_err().to_string();
        assert!(err.contains("was replaced by another file"), "{err}");
        assert_eq!(verify_opened(&File::open(&file).unwrap(), &before, &file).unwrap(), 4);
    }
}
