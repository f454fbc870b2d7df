//! Documents stored in the database, streamed in and out in chunks with
//! their SHA-256: one file is the whole backup, and no file is ever held in
//! memory whole.

use super::{Audit, Result, Store, StoreError, now_utc};
use crate::domain::filetype;
use crate::domain::model::size_label;
use crate::domain::status::DocumentKind;
use rusqlite::OptionalExtension;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

/// Bytes per stored chunk (and per read or write).
const CHUNK: usize = 1 << 20;

fn io_error(path: &Path, e: &std::io::Error) -> StoreError {
    let what = match e.kind() {
        ErrorKind::NotFound => "no such file or directory".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::StorageFull => "the disk is full".to_string(),
        _ => e.to_string(),
    };
    StoreError::Invalid(format!("{}: {what}", path.display()))
}

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

impl Store {
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
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("the document needs a name".into()));
        }
        let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
        if meta.is_dir() {
            return Err(StoreError::Invalid(format!("{} is a directory", path.display())));
        }
        let mut file = File::open(path).map_err(|e| io_error(path, &e))?;
        let expected = meta.len();
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
            while n > 0 {
                hasher.update(&buf[..n]);
                insert.execute(rusqlite::params![id, seq, &buf[..n]])?;
                total += n as u64;
                seq += 1;
                n = fill(&mut file, &mut buf, path)?;
            }
            if total != expected {
                return Err(StoreError::Invalid(format!(
                    "{} changed while it was read ({expected} bytes expected, {total} read); nothing was stored",
                    path.display()
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
            Ok(id)
        })
    }

    /// Writes a document into `dir` under its name, through a temporary
    /// file that is checked against the stored SHA-256 before it takes the
    /// name. An existing file is replaced only when `overwrite`.
    pub fn download_document(&self, id: i64, dir: &Path, overwrite: bool) -> Result<PathBuf> {
        let (name, size, sha): (String, i64, String) = self
            .conn()
            .query_row("SELECT name, size_bytes, sha256 FROM documents WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("document {id}")))?;
        if !dir.is_dir() {
            return Err(StoreError::Invalid(format!("{} is not a directory", dir.display())));
        }
        let target = dir.join(safe_file_name(&name));
        if target.exists() && !overwrite {
            return Err(StoreError::Invalid(format!("{} already exists", target.display())));
        }
        let temp = dir.join(format!(".{}.ardesk-{}.part", safe_file_name(&name), std::process::id()));
        let result = self.stream_out(id, &temp, size, &sha);
        match result {
            Ok(()) => std::fs::rename(&temp, &target).map_err(|e| {
                let _ = std::fs::remove_file(&temp);
                io_error(&target, &e)
            })?,
            Err(e) => {
                let _ = std::fs::remove_file(&temp);
                return Err(e);
            }
        }
        Ok(target)
    }

    fn stream_out(&self, id: i64, temp: &Path, size: i64, sha: &str) -> Result<()> {
        let mut out =
            std::fs::OpenOptions::new().write(true).create_new(true).open(temp).map_err(|e| io_error(temp, &e))?;
        let mut stmt =
            self.conn().prepare_cached("SELECT content FROM document_content WHERE document_id = ?1 ORDER BY seq")?;
        let mut rows = stmt.query([id])?;
        let mut hasher = Sha256::new();
        let mut total = 0i64;
        while let Some(r) = rows.next()? {
            let chunk = r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            hasher.update(chunk);
            out.write_all(chunk).map_err(|e| io_error(temp, &e))?;
            total += chunk.len() as i64;
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

    pub fn document_version(&self, id: i64) -> Result<i64> {
        self.conn()
            .query_row("SELECT version FROM documents WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("document {id}")))
    }

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
        })
    }
}
