//! Documents stored in the database, streamed in and out in chunks with
//! their SHA-256: one file is the whole backup, and no file is ever held in
//! memory whole.
//!
//! The checks, the streaming (hashed, watched, chunk by chunk), the
//! download's landing and the audit entries are shared with PostgreSQL's
//! (`store/pg/documents.rs`); each backend only moves the chunks.

use super::doc_files::{self, io_error};
use super::{Audit, Result, Store, StoreError, now_utc};
use crate::domain::edit::too_big;
use crate::domain::filetype;
use crate::domain::model::size_label;
use crate::domain::status::DocumentKind;
use rusqlite::OptionalExtension;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes per stored chunk (and per read or write).
pub(crate) const CHUNK: usize = 1 << 20;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads until `buf` is full or the file ends.
fn fill(file: &mut File, buf: &mut [u8], path: &Path) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(io_error(path, &e)),
        }
    }
    Ok(n)
}

/// A stored name as a safe file name: no directories, no control
/// characters, never "." or "..".
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_control() || matches!(c, '/' | '\\' | ':' | '\0') { '_' } else { c }).collect();
    let trimmed = cleaned.trim().trim_start_matches('.').to_string();
    if trimmed.is_empty() { "document".into() } else { trimmed }
}

/// How far a transfer has got, for a screen drawing it from another
/// thread, and the user's wish to stop it. A transfer checks for that wish
/// before each chunk and rolls back whole; once it is finishing (the commit,
/// the rename) it is too late and it completes.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    /// (cancel asked for, finishing).
    state: Mutex<(bool, bool)>,
}

impl Progress {
    /// Asks the transfer to stop; true when the current one will roll back,
    /// false when it is already finishing (later ones will not start).
    pub fn cancel(&self) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0 = true;
        !s.1
    }

    /// Whether a cancel was asked for.
    pub fn cancelled(&self) -> bool {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0
    }

    /// Whether the current transfer is past the point where it can stop.
    pub fn finishing(&self) -> bool {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1
    }

    /// Bytes done of the current transfer's total.
    pub fn bytes(&self) -> (u64, u64) {
        (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed))
    }

    /// A new transfer of `total` bytes begins.
    pub fn begin(&self, total: u64) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1 = false;
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    fn advance(&self, n: usize) {
        self.done.fetch_add(n as u64, Ordering::Relaxed);
    }

    fn check(&self) -> Result<()> {
        if self.cancelled() { Err(StoreError::Cancelled) } else { Ok(()) }
    }

    /// The point of no return: a cancel asked for before it still stops
    /// the transfer, one asked for after it is too late.
    pub(crate) fn finish(&self) -> Result<()> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.0 {
            return Err(StoreError::Cancelled);
        }
        s.1 = true;
        Ok(())
    }
}

/// The name a refusal calls a file by: its file name, as the user knows it.
fn file_label(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// A fresh temporary name in the target's directory for each download.
fn temp_name(dir: &Path, name: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let short: String = safe_file_name(name).chars().take(80).collect();
    let n = N.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{short}.ardesk-{}-{n}.part", std::process::id()))
}

/// The name a document is stored under: trimmed, not empty.
pub(crate) fn checked_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid("the document needs a name".into()));
    }
    Ok(name)
}

/// A file of `size` bytes past `limit` is refused before a byte is read.
pub(crate) fn within_limit(path: &Path, size: u64, limit: u64) -> Result<()> {
    if size > limit {
        return Err(StoreError::Invalid(too_big(&file_label(path), size, limit)));
    }
    Ok(())
}

/// A document of `customer_id` goes with a contract of that customer
/// only; `owner` is the contract's customer (`None`: no such contract).
pub(crate) fn contract_fits(customer_id: i64, owner: Option<i64>) -> Result<()> {
    if owner != Some(customer_id) {
        return Err(StoreError::Invalid("the contract belongs to another customer".into()));
    }
    Ok(())
}

/// A file being uploaded, its first chunk read and its format detected
/// from it: the document's row is written with the format, then every
/// chunk is `stream`ed.
pub(crate) struct Upload<'a> {
    file: &'a mut File,
    path: &'a Path,
    expected: u64,
    buf: Vec<u8>,
    first: usize,
    pub(crate) format: &'static str,
}

impl<'a> Upload<'a> {
    /// Reads the first chunk of `file` (`expected` bytes long, at `path`),
    /// to be stored as `name`.
    pub(crate) fn start(file: &'a mut File, path: &'a Path, expected: u64, name: &str) -> Result<Upload<'a>> {
        let mut buf = vec![0u8; CHUNK];
        let first = fill(file, &mut buf, path)?;
        let format = filetype::detect(&buf[..first.min(4096)], name);
        Ok(Upload { file, path, expected, buf, first, format })
    }

    /// Gives each chunk in turn to `put` (its number from 0, its bytes),
    /// reporting to `progress` and stopping when it is cancelled; the file
    /// must end at the size it had when opened. Returns (bytes, SHA-256).
    pub(crate) fn stream(
        self,
        progress: &Progress,
        mut put: impl FnMut(i64, &[u8]) -> Result<()>,
    ) -> Result<(u64, String)> {
        let Upload { file, path, expected, mut buf, first, .. } = self;
        let mut hasher = Sha256::new();
        let (mut total, mut seq, mut n) = (0u64, 0i64, first);
        // A file that grows as it is read stops at once, not at its end.
        while n > 0 && total <= expected {
            progress.check()?;
            hasher.update(&buf[..n]);
            put(seq, &buf[..n])?;
            total += n as u64;
            progress.advance(n);
            seq += 1;
            n = fill(file, &mut buf, path)?;
        }
        if total != expected || n > 0 {
            return Err(StoreError::Invalid(format!(
                "{} changed while it was read ({expected} bytes expected, {} read); nothing was stored",
                path.display(),
                total + n as u64
            )));
        }
        Ok((total, hex(&hasher.finalize())))
    }
}

/// The audit entry of a document uploaded.
#[allow(clippy::too_many_arguments)]
pub(crate) fn uploaded(
    customer_id: i64,
    id: i64,
    name: &str,
    kind: DocumentKind,
    format: &str,
    total: u64,
    sha: &str,
    contract_id: Option<i64>,
) -> Audit<'static> {
    Audit {
        customer_id: Some(customer_id),
        entity: "document",
        entity_id: Some(id),
        action: "upload",
        summary: format!("uploaded document {name} ({}, {format})", size_label(total as i64)),
        before: None,
        after: Some(json!({"name": name, "kind": kind.as_db(), "format": format, "size_bytes": total, "sha256": sha,
            "contract_id": contract_id})),
    }
}

/// A document that is not there, as a download or a version asks for it.
pub(crate) fn missing(id: i64) -> StoreError {
    StoreError::NotFound(format!("document {id}"))
}

/// A document that is not there (any more), as a name or a delete asks
/// for it.
pub(crate) fn gone(id: i64) -> StoreError {
    StoreError::NotFound(format!("document {id} (it was deleted elsewhere)"))
}

/// A download goes into a directory only.
pub(crate) fn check_dir(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Err(StoreError::Invalid(format!("{} is not a directory", dir.display())));
    }
    Ok(())
}

/// Where a document stored as `name` in `format`, its content beginning
/// with `head`, lands in `dir`: (the name it is saved under, its path, a
/// safe file name). Refused when a file is there and not `overwrite`, or
/// anything but a regular file is there.
pub(crate) fn target_for(
    dir: &Path,
    name: &str,
    format: &str,
    head: &[u8],
    overwrite: bool,
) -> Result<(String, PathBuf)> {
    // A document renamed without its extension ("Big statement Q4") is
    // saved with its kind's, so the file opens as what it is.
    let name = filetype::file_name(name, format, head);
    let target = dir.join(safe_file_name(&name));
    if doc_files::target_exists(&target)? && !overwrite {
        return Err(doc_files::already_exists(&target));
    }
    Ok((name, target))
}

/// Writes a download of `size` bytes with SHA-256 `sha` beside `target`
/// (a temporary file in `dir`), its chunks given by `chunks` to a `Sink`,
/// checked, then renamed into place (`doc_files::place`); on any error or
/// cancel the temporary file is removed and the directory left as it was.
#[allow(clippy::too_many_arguments)]
pub(crate) fn deliver(
    dir: &Path,
    name: &str,
    target: PathBuf,
    size: i64,
    sha: &str,
    overwrite: bool,
    progress: &Progress,
    chunks: impl FnOnce(&mut Sink<'_>) -> Result<()>,
) -> Result<PathBuf> {
    progress.begin(size.max(0) as u64);
    let temp = temp_name(dir, name);
    let result = Sink::create(&temp, progress)
        .and_then(|mut sink| {
            chunks(&mut sink)?;
            sink.done(size, sha)
        })
        .and_then(|()| progress.finish())
        .and_then(|()| doc_files::place(&temp, &target, overwrite));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    Ok(target)
}

/// A download's temporary file as its chunks arrive, hashed as they are
/// written.
pub(crate) struct Sink<'a> {
    out: File,
    path: &'a Path,
    hasher: Sha256,
    total: i64,
    progress: &'a Progress,
}

impl<'a> Sink<'a> {
    fn create(path: &'a Path, progress: &'a Progress) -> Result<Sink<'a>> {
        let out =
            std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| io_error(path, &e))?;
        Ok(Sink { out, path, hasher: Sha256::new(), total: 0, progress })
    }

    /// The next chunk, unless the download was cancelled.
    pub(crate) fn put(&mut self, chunk: &[u8]) -> Result<()> {
        self.progress.check()?;
        self.hasher.update(chunk);
        self.out.write_all(chunk).map_err(|e| io_error(self.path, &e))?;
        self.total += chunk.len() as i64;
        self.progress.advance(chunk.len());
        Ok(())
    }

    /// On disk, and what was stored: `size` bytes hashing to `sha`.
    fn done(self, size: i64, sha: &str) -> Result<()> {
        self.out.sync_all().map_err(|e| io_error(self.path, &e))?;
        let got = hex(&self.hasher.finalize());
        if self.total != size || got != sha {
            return Err(StoreError::Invalid(format!(
                "checksum mismatch: the stored document is damaged (expected {sha}, read {got}); nothing was saved"
            )));
        }
        Ok(())
    }
}

/// What a stale delete of document `name` names.
pub(crate) fn what(name: &str) -> String {
    format!("document {name}")
}

/// The audit entry of a document deleted.
pub(crate) fn deleted(customer_id: i64, id: i64, name: &str, size: i64, sha: &str) -> Audit<'static> {
    Audit {
        customer_id: Some(customer_id),
        entity: "document",
        entity_id: Some(id),
        action: "delete",
        summary: format!("deleted document {name}"),
        before: Some(json!({"name": name, "size_bytes": size, "sha256": sha})),
        after: None,
    }
}

impl Store {
    /// The largest document the organization lets ardesk store, in bytes.
    pub fn max_document_size(&self) -> Result<u64> {
        let n: i64 = self.conn().query_row("SELECT max_document_size FROM organization", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Streams a file into the database with its SHA-256, in one
    /// transaction: a crash or error leaves no trace of it.
    pub fn upload_document(
        &mut self,
        customer_id: i64,
        path: &Path,
        name: &str,
        kind: DocumentKind,
        contract_id: Option<i64>,
    ) -> Result<i64> {
        self.upload_watched(customer_id, path, name, kind, contract_id, &Progress::default())
    }

    /// `upload_document`, reporting to `progress` and stopping (rolled
    /// back, `StoreError::Cancelled`) when it is cancelled. Only a regular
    /// file no larger than `max_document_size` is read.
    pub fn upload_watched(
        &mut self,
        customer_id: i64,
        path: &Path,
        name: &str,
        kind: DocumentKind,
        contract_id: Option<i64>,
        progress: &Progress,
    ) -> Result<i64> {
        let name = checked_name(name)?;
        let (mut file, expected) = doc_files::open_upload(path)?;
        within_limit(path, expected, self.max_document_size()?)?;
        progress.begin(expected);
        let who = self.who().to_string();
        self.write(|tx| {
            let owner: Option<i64> = tx.query_row("SELECT id FROM customers WHERE id = ?1", [customer_id], |r| r.get(0)).optional()?;
            if owner.is_none() {
                return Err(StoreError::NotFound(format!("customer {customer_id}")));
            }
            if let Some(k) = contract_id {
                let c: Option<i64> =
                    tx.query_row("SELECT customer_id FROM contracts WHERE id = ?1", [k], |r| r.get(0)).optional()?;
                contract_fits(customer_id, c)?;
            }
            let upload = Upload::start(&mut file, path, expected, name)?;
            let format = upload.format;
            tx.execute(
                "INSERT INTO documents(customer_id, contract_id, name, kind, format, size_bytes, sha256, uploaded_at, uploaded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8)",
                rusqlite::params![customer_id, contract_id, name, kind.as_db(), format, "0".repeat(64), now_utc(), who],
            )?;
            let id = tx.last_insert_rowid();
            let mut insert = tx.prepare_cached("INSERT INTO document_content(document_id, seq, content) VALUES (?1, ?2, ?3)")?;
            let (total, sha) = upload.stream(progress, |seq, chunk| {
                insert.execute(rusqlite::params![id, seq, chunk])?;
                Ok(())
            })?;
            tx.execute(
                "UPDATE documents SET size_bytes = ?2, sha256 = ?3 WHERE id = ?1",
                rusqlite::params![id, total as i64, sha],
            )?;
            uploaded(customer_id, id, name, kind, format, total, &sha, contract_id).write(tx, &who)?;
            progress.finish()?;
            Ok(id)
        })
    }

    /// Writes a document into `dir` under its name, through a temporary
    /// file that is checked against the stored SHA-256 before it takes the
    /// name. An existing file is replaced only when `overwrite`, and only a
    /// regular file: a download never writes into a device or a pipe.
    pub fn download_document(&self, id: i64, dir: &Path, overwrite: bool) -> Result<PathBuf> {
        self.download_watched(id, dir, overwrite, &Progress::default())
    }

    /// `download_document`, reporting to `progress`; cancelled, it removes
    /// its temporary file and leaves the directory as it was.
    pub fn download_watched(&self, id: i64, dir: &Path, overwrite: bool, progress: &Progress) -> Result<PathBuf> {
        let (name, format, size, sha): (String, String, i64, String) = self
            .conn()
            .query_row("SELECT name, format, size_bytes, sha256 FROM documents WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?
            .ok_or_else(|| missing(id))?;
        check_dir(dir)?;
        let head: Vec<u8> = self
            .conn()
            .query_row(
                "SELECT substr(content, 1, 16) FROM document_content WHERE document_id = ?1 ORDER BY seq LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default();
        let (name, target) = target_for(dir, &name, &format, &head, overwrite)?;
        deliver(dir, &name, target, size, &sha, overwrite, progress, |sink| self.stream_out(id, sink))
    }

    /// Gives the document's chunks, in order, to `sink`.
    fn stream_out(&self, id: i64, sink: &mut Sink<'_>) -> Result<()> {
        let mut stmt =
            self.conn().prepare_cached("SELECT content FROM document_content WHERE document_id = ?1 ORDER BY seq")?;
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            sink.put(r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?)?;
        }
        Ok(())
    }

    pub fn document_name(&self, id: i64) -> Result<String> {
        self.conn()
            .query_row("SELECT name FROM documents WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| gone(id))
    }

    pub fn document_version(&self, id: i64) -> Result<i64> {
        self.conn()
            .query_row("SELECT version FROM documents WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| missing(id))
    }

    /// Deletes a document (its chunks go with it), then gives their space
    /// back to the file system where the database allows (`vacuum.rs`).
    pub fn delete_document(&mut self, id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(|tx| {
            let (customer_id, name, size, sha): (i64, String, i64, String) = tx
                .query_row("SELECT customer_id, name, size_bytes, sha256 FROM documents WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?
                .ok_or_else(|| gone(id))?;
            super::writes::versioned_delete(tx, "documents", id, version, &what(&name))?;
            deleted(customer_id, id, &name, size, &sha).write(tx, &who)?;
            Ok(())
        })?;
        // After the commit, as a transaction of its own: the delete stands
        // whether or not this runs, and space left over is reclaimed by the
        // next delete (or `ardesk vacuum`), so a failure here is no error.
        let _ = self.reclaim();
        Ok(())
    }
}
