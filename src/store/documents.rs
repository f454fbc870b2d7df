//! Documents stored in the database, streamed in and out in chunks with
//! their SHA-256: one file is the whole backup, and no file is ever held in
//! memory whole.

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
const CHUNK: usize = 1 << 20;

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
    fn finish(&self) -> Result<()> {
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
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("the document needs a name".into()));
        }
        let (mut file, expected) = doc_files::open_upload(path)?;
        let limit = self.max_document_size()?;
        if expected > limit {
            return Err(StoreError::Invalid(too_big(&file_label(path), expected, limit)));
        }
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
                if c != Some(customer_id) {
                    return Err(StoreError::Invalid("the contract belongs to another customer".into()));
                }
            }
            let mut buf = vec![0u8; CHUNK];
            let first = fill(&mut file, &mut buf, path)?;
            let format = filetype::detect(&buf[..first.min(4096)], name);
            tx.execute(
                "INSERT INTO documents(customer_id, contract_id, name, kind, format, size_bytes, sha256, uploaded_at, uploaded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8)",
                rusqlite::params![customer_id, contract_id, name, kind.as_db(), format, "0".repeat(64), now_utc(), who],
            )?;
            let id = tx.last_insert_rowid();
            let mut insert = tx.prepare_cached("INSERT INTO document_content(document_id, seq, content) VALUES (?1, ?2, ?3)")?;
            let mut hasher = Sha256::new();
            let (mut total, mut seq, mut n) = (0u64, 0i64, first);
            // A file that grows as it is read stops at once, not at its end.
            while n > 0 && total <= expected {
                progress.check()?;
                hasher.update(&buf[..n]);
                insert.execute(rusqlite::params![id, seq, &buf[..n]])?;
                total += n as u64;
                progress.advance(n);
                seq += 1;
                n = fill(&mut file, &mut buf, path)?;
            }
            if total != expected || n > 0 {
                return Err(StoreError::Invalid(format!(
                    "{} changed while it was read ({expected} bytes expected, {} read); nothing was stored",
                    path.display(),
                    total + n as u64
                )));
            }
            let sha = hex(&hasher.finalize());
            tx.execute(
                "UPDATE documents SET size_bytes = ?2, sha256 = ?3 WHERE id = ?1",
                rusqlite::params![id, total as i64, sha],
            )?;
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
            .write(tx, &who)?;
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
            .ok_or_else(|| StoreError::NotFound(format!("document {id}")))?;
        if !dir.is_dir() {
            return Err(StoreError::Invalid(format!("{} is not a directory", dir.display())));
        }
        // A document renamed without its extension ("Big statement Q4") is
        // saved with its kind's, so the file opens as what it is.
        let head: Vec<u8> = self
            .conn()
            .query_row(
                "SELECT substr(content, 1, 16) FROM document_content WHERE document_id = ?1 ORDER BY seq LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default();
        let name = filetype::file_name(&name, &format, &head);
        let target = dir.join(safe_file_name(&name));
        if doc_files::target_exists(&target)? && !overwrite {
            return Err(doc_files::already_exists(&target));
        }
        progress.begin(size.max(0) as u64);
        let temp = temp_name(dir, &name);
        let result = self
            .stream_out(id, &temp, size, &sha, progress)
            .and_then(|()| progress.finish())
            .and_then(|()| doc_files::place(&temp, &target, overwrite));
        if let Err(e) = result {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
        Ok(target)
    }

    fn stream_out(&self, id: i64, temp: &Path, size: i64, sha: &str, progress: &Progress) -> Result<()> {
        let mut out =
            std::fs::OpenOptions::new().write(true).create_new(true).open(temp).map_err(|e| io_error(temp, &e))?;
        let mut stmt =
            self.conn().prepare_cached("SELECT content FROM document_content WHERE document_id = ?1 ORDER BY seq")?;
        let mut rows = stmt.query([id])?;
        let mut hasher = Sha256::new();
        let mut total = 0i64;
        while let Some(r) = rows.next()? {
            progress.check()?;
            let chunk = r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            hasher.update(chunk);
            out.write_all(chunk).map_err(|e| io_error(temp, &e))?;
            total += chunk.len() as i64;
            progress.advance(chunk.len());
        }
        out.sync_all().map_err(|e| io_error(temp, &e))?;
        let got = hex(&hasher.finalize());
        if total != size || got != sha {
            return Err(StoreError::Invalid(format!(
                "checksum mismatch: the stored document is damaged (expected {sha}, read {got}); nothing was saved"
            )));
        }
        Ok(())
    }

    pub fn document_name(&self, id: i64) -> Result<String> {
        self.conn()
            .query_row("SELECT name FROM documents WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("document {id} (it was deleted elsewhere)")))
    }

    pub fn document_version(&self, id: i64) -> Result<i64> {
        self.conn()
            .query_row("SELECT version FROM documents WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("document {id}")))
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
                .ok_or_else(|| StoreError::NotFound(format!("document {id} (it was deleted elsewhere)")))?;
            super::writes::versioned_delete(tx, "documents", id, version, &format!("document {name}"))?;
            Audit {
                customer_id: Some(customer_id),
                entity: "document",
                entity_id: Some(id),
                action: "delete",
                summary: format!("deleted document {name}"),
                before: Some(json!({"name": name, "size_bytes": size, "sha256": sha})),
                after: None,
            }
            .write(tx, &who)?;
            Ok(())
        })?;
        // After the commit, as a transaction of its own: the delete stands
        // whether or not this runs, and space left over is reclaimed by the
        // next delete (or `ardesk vacuum`), so a failure here is no error.
        let _ = self.reclaim();
        Ok(())
    }
}
