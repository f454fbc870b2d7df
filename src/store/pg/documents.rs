//! Documents on PostgreSQL (`store/documents.rs`): the same chunks (one
//! `document_content` row of `bytea` per chunk of `documents::CHUNK`
//! bytes), the same SHA-256, the same checks of the file, limit, target
//! and version, the same audit entries; streamed in and out a chunk at a
//! time inside one transaction, so no document is ever held whole in
//! memory on either side.

use super::super::doc_files;
use super::super::documents::{
    Progress, Sink, Upload, check_dir, checked_name, contract_fits, deleted, deliver, gone, missing, target_for,
    uploaded, what, within_limit,
};
use super::super::{Result, StoreError, now_utc};
use super::store::PgStore;
use super::writes::{audit, hold, versioned};
use crate::domain::status::DocumentKind;
use postgres::{IsolationLevel, Transaction};
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

impl PgStore {
    /// Streams a file into the database with its SHA-256, in one
    /// transaction: an error leaves no trace of it.
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
    ///
    /// The customer's row is held `FOR KEY SHARE` (it cannot be deleted
    /// meanwhile), not `FOR NO KEY UPDATE` as other writes hold it, which
    /// does not wait for it: an upload
    /// changes no sum or summary of the customer, and a large one would
    /// keep the customer's other writes waiting for as long as it reads.
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
        self.write(None, |tx| {
            // A retry (after a deadlock) reads the file again from its start.
            file.seek(SeekFrom::Start(0)).map_err(|e| doc_files::io_error(path, &e))?;
            progress.begin(expected);
            if tx.query_opt("SELECT 1 FROM customers WHERE id = $1 FOR KEY SHARE", &[&customer_id])?.is_none() {
                return Err(StoreError::NotFound(format!("customer {customer_id}")));
            }
            if let Some(k) = contract_id {
                let owner: Option<i64> = match tx.query_opt("SELECT customer_id FROM contracts WHERE id = $1", &[&k])? {
                    Some(r) => Some(r.try_get(0)?),
                    None => None,
                };
                contract_fits(customer_id, owner)?;
            }
            let upload = Upload::start(&mut file, path, expected, name)?;
            let format = upload.format;
            let id: i64 = tx
                .query_one(
                    "INSERT INTO documents(customer_id, contract_id, name, kind, format, size_bytes, sha256,
                                           uploaded_at, uploaded_by)
                     VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8) RETURNING id",
                    &[&customer_id, &contract_id, &name, &kind.as_db(), &format, &"0".repeat(64), &now_utc(), &who],
                )?
                .try_get(0)?;
            let insert = tx.prepare("INSERT INTO document_content(document_id, seq, content) VALUES ($1, $2, $3)")?;
            let (total, sha) = upload.stream(progress, |seq, chunk| {
                tx.execute(&insert, &[&id, &seq, &chunk])?;
                Ok(())
            })?;
            tx.execute(
                "UPDATE documents SET size_bytes = $2, sha256 = $3 WHERE id = $1",
                &[&id, &i64::try_from(total).unwrap_or(i64::MAX), &sha],
            )?;
            audit(tx, &uploaded(customer_id, id, name, kind, format, total, &sha, contract_id), &who)?;
            progress.finish()?;
            Ok(id)
        })
    }

    /// Writes a document into `dir` under its name, through a temporary
    /// file beside it that is checked against the stored SHA-256 before it
    /// takes the name. An existing file is replaced only when `overwrite`,
    /// and only a regular file.
    pub fn download_document(&self, id: i64, dir: &Path, overwrite: bool) -> Result<PathBuf> {
        self.download_watched(id, dir, overwrite, &Progress::default())
    }

    /// `download_document`, reporting to `progress`; cancelled, it removes
    /// its temporary file and leaves the directory as it was. The row and
    /// its chunks are read in one read-only transaction that sees one
    /// snapshot, a chunk at a time.
    pub fn download_watched(&self, id: i64, dir: &Path, overwrite: bool, progress: &Progress) -> Result<PathBuf> {
        let mut client = self.client()?;
        let mut tx =
            client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start()?;
        let Some(r) = tx.query_opt("SELECT name, format, size_bytes, sha256 FROM documents WHERE id = $1", &[&id])?
        else {
            return Err(missing(id));
        };
        let (name, format, size, sha): (String, String, i64, String) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
        check_dir(dir)?;
        let head: Vec<u8> = match tx.query_opt(
            "SELECT substr(content, 1, 16) FROM document_content WHERE document_id = $1 ORDER BY seq LIMIT 1",
            &[&id],
        )? {
            Some(r) => r.try_get(0)?,
            None => Vec::new(),
        };
        let (name, target) = target_for(dir, &name, &format, &head, overwrite)?;
        let out = deliver(dir, &name, target, size, &sha, overwrite, progress, |sink| stream_out(&mut tx, id, sink))?;
        tx.commit()?;
        Ok(out)
    }

    pub fn document_name(&self, id: i64) -> Result<String> {
        match self.client()?.query_opt("SELECT name FROM documents WHERE id = $1", &[&id])? {
            Some(r) => Ok(r.try_get(0)?),
            None => Err(gone(id)),
        }
    }

    pub fn document_version(&self, id: i64) -> Result<i64> {
        match self.client()?.query_opt("SELECT version FROM documents WHERE id = $1", &[&id])? {
            Some(r) => Ok(r.try_get(0)?),
            None => Err(missing(id)),
        }
    }

    /// Deletes a document at the version seen; its chunks go with it (the
    /// foreign key cascades). The server's vacuum gives their space back,
    /// not ardesk as on SQLite.
    pub fn delete_document(&mut self, id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(None, |tx| {
            let Some(r) = tx.query_opt("SELECT customer_id FROM documents WHERE id = $1", &[&id])? else {
                return Err(gone(id));
            };
            hold(tx, r.try_get(0)?)?;
            let Some(r) =
                tx.query_opt("SELECT customer_id, name, size_bytes, sha256 FROM documents WHERE id = $1", &[&id])?
            else {
                return Err(gone(id));
            };
            let (customer_id, name, size, sha): (i64, String, i64, String) =
                (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
            versioned(
                tx,
                "DELETE FROM documents WHERE id = $1 AND version = $2",
                &[&id, &version],
                "documents",
                id,
                &what(&name),
            )?;
            audit(tx, &deleted(customer_id, id, &name, size, &sha), &who)
        })
    }
}

/// Gives the document's chunks, in order, to `sink`, fetched one row at a
/// time through a portal: only one chunk is in memory at once.
fn stream_out(tx: &mut Transaction<'_>, id: i64, sink: &mut Sink<'_>) -> Result<()> {
    let portal = tx.bind("SELECT content FROM document_content WHERE document_id = $1 ORDER BY seq", &[&id])?;
    loop {
        let rows = tx.query_portal(&portal, 1)?;
        let Some(r) = rows.first() else { return Ok(()) };
        sink.put(r.try_get::<_, &[u8]>(0)?)?;
    }
}
