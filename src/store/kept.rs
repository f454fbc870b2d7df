//! What an import keeps of an invoice's source row (schema 19), leaner
//! than `source_raw`'s JSON beside every invoice (666 bytes each):
//!
//! - **the baseline**, `invoices.import_base`: the mapped fields as last
//!   imported, length-prefixed in a fixed order, and a fingerprint of the
//!   row (about 100 bytes). The merge reads it without decompressing
//!   anything, and an unchanged re-import compares it whole in SQLite;
//! - **the row**, `invoices.import_row`: a number into `import_kept`, where
//!   the rows an import wrote are kept in order, one JSON line each (the
//!   row's cells as `source_raw` kept them), zstd-compressed in chunks of
//!   about 256 KiB, so one row decodes from one chunk.
//!
//! `source_json` puts the two back together into the very text
//! `source_raw` held, so ardesk's export reads both forms alike; an invoice
//! whose `source_raw` is not of the import's shape, or whose row is larger
//! than `MAX_ROW`, keeps it as JSON as before.

use super::{Result, StoreError};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

/// The mapped fields of an invoice, in the order the baseline keeps them
/// (and `source_raw`'s `imported` object had them).
pub const INVOICE_FIELDS: [&str; 14] = [
    "number",
    "issue_date",
    "due_date",
    "period_start",
    "period_end",
    "currency",
    "total",
    "status",
    "amount_paid",
    "credit_applied",
    "paid_on",
    "customer",
    "payment_refs",
    "memo",
];

/// The baseline's format, its first byte.
const FORMAT: u8 = 1;
/// Rows are gathered up to this many bytes before a chunk is compressed.
const CHUNK_BYTES: usize = 256 * 1024;
/// zstd's level: 3 compresses the rows ~5× at ~1 s a million rows.
const LEVEL: i32 = 3;
/// A row longer than this (no real export's) stays JSON in `source_raw`.
pub const MAX_ROW: usize = 1024 * 1024;
/// No chunk decodes to more than this (a damaged or hostile chunk): a
/// chunk is at most `CHUNK_BYTES` and one row.
const MAX_CHUNK: u64 = 4 * 1024 * 1024;
/// zstd's window when decoding, as a power of two: 8 MiB, past any
/// chunk, so a hostile frame cannot ask for zstd's 128 MiB default.
const WINDOW_LOG_MAX: u32 = 23;

/// What an import keeps of one invoice row: its baseline and its row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptRow {
    pub base: Vec<u8>,
    /// The row's cells as one line of JSON (no newline inside).
    pub row: String,
    /// The row's print (`import::read::prints`), kept beside the baseline
    /// in `invoices.import_line`, when its parser prints its rows.
    pub line: Option<u64>,
}

/// What an invoice write keeps of its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept<'a> {
    /// Made in ardesk.
    Nothing,
    /// `source_raw` as it is: not of the import's shape (ardesk's own
    /// format may carry anything there).
    Json(&'a str),
    Row(&'a KeptRow),
}

impl Kept<'_> {
    /// The row kept in `import_kept`, when it is.
    pub fn lean(&self) -> Option<&KeptRow> {
        match self {
            Kept::Row(k) if k.row.len() <= MAX_ROW => Some(k),
            _ => None,
        }
    }

    /// `source_raw`'s text, when it is kept as JSON.
    pub fn json(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Kept::Json(s) if !s.is_empty() => Some(std::borrow::Cow::Borrowed(s)),
            Kept::Row(k) if k.row.len() > MAX_ROW => source_json(&k.base, &k.row).map(std::borrow::Cow::Owned),
            _ => None,
        }
    }

    /// The baseline, beside a row kept in `import_kept`.
    pub fn base(&self) -> Option<&[u8]> {
        self.lean().map(|k| k.base.as_slice())
    }

    /// The print of the row the baseline was written from, as both
    /// backends keep it (`invoices.import_line`, a signed 64-bit integer,
    /// the hash's bits as they are): only beside a baseline.
    pub fn line(&self) -> Option<i64> {
        self.lean().and_then(|k| k.line).map(|p| p as i64)
    }
}

/// FNV-1a, 64 bits: the row's fingerprint (a changed row that collides
/// only keeps its older cells beside unchanged fields; the fields are
/// compared whole).
fn fingerprint(row: &str) -> [u8; 8] {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in row.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h.to_le_bytes()
}

fn put_len(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn take_len(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut n: u64 = 0;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

impl KeptRow {
    /// An invoice's: `fields` in `INVOICE_FIELDS`' order (`None` for
    /// null), `row` the row's JSON text.
    pub fn invoice(fields: [Option<&str>; 14], row: String) -> KeptRow {
        let mut base = Vec::with_capacity(112);
        base.push(FORMAT);
        for f in fields {
            match f {
                None => put_len(&mut base, 0),
                Some(s) => {
                    put_len(&mut base, s.len() as u64 + 1);
                    base.extend_from_slice(s.as_bytes());
                }
            }
        }
        base.extend_from_slice(&fingerprint(&row));
        KeptRow { base, row, line: None }
    }

    /// The kept form of a `source_raw` text of the import's shape
    /// (`{"imported":{the 14 fields},"row":…}`), only when it puts back
    /// together to the same text byte for byte.
    pub fn from_json(text: &str) -> Option<KeptRow> {
        let v: Value = serde_json::from_str(text).ok()?;
        let o = v.as_object()?;
        if o.len() != 2 {
            return None;
        }
        let imported = o.get("imported")?.as_object()?;
        let row = o.get("row")?;
        if imported.len() != INVOICE_FIELDS.len() || !imported.keys().zip(INVOICE_FIELDS).all(|(k, f)| k == f) {
            return None;
        }
        let mut fields: [Option<&str>; 14] = [None; 14];
        for (slot, v) in fields.iter_mut().zip(imported.values()) {
            *slot = match v {
                Value::String(s) => Some(s.as_str()),
                Value::Null => None,
                _ => return None,
            };
        }
        let kept = KeptRow::invoice(fields, serde_json::to_string(row).ok()?);
        (source_json(&kept.base, &kept.row)? == text).then_some(kept)
    }
}

/// The fields a baseline holds, in `INVOICE_FIELDS`' order; `None` for a
/// baseline of another format or damaged.
pub fn fields(base: &[u8]) -> Option<Vec<Option<String>>> {
    if base.first() != Some(&FORMAT) {
        return None;
    }
    let mut at = 1;
    let mut out = Vec::with_capacity(INVOICE_FIELDS.len());
    for _ in INVOICE_FIELDS {
        let n = take_len(base, &mut at)?;
        if n == 0 {
            out.push(None);
            continue;
        }
        let len = usize::try_from(n - 1).ok()?;
        let end = at.checked_add(len)?;
        out.push(Some(std::str::from_utf8(base.get(at..end)?).ok()?.to_string()));
        at = end;
    }
    (base.len() == at + 8).then_some(out)
}

/// The `source_raw` text a baseline and its row stand for.
pub fn source_json(base: &[u8], row: &str) -> Option<String> {
    let fields = fields(base)?;
    let mut out = String::with_capacity(row.len() + base.len() + 200);
    out.push_str("{\"imported\":{");
    for (i, (name, v)) in INVOICE_FIELDS.iter().zip(&fields).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(name).ok()?);
        out.push(':');
        match v {
            Some(s) => out.push_str(&serde_json::to_string(s).ok()?),
            None => out.push_str("null"),
        }
    }
    out.push_str("},\"row\":");
    out.push_str(row);
    out.push('}');
    Some(out)
}

/// Where `KeptWriter` writes its chunks: SQLite's connection, or the
/// PostgreSQL import's transaction.
pub(crate) trait KeptStore {
    /// The number after the last row kept, if any is.
    fn next_kept(&self) -> Result<Option<i64>>;
    /// Writes one chunk of `rows` rows from `first` on.
    fn insert_chunk(&self, first: i64, rows: i64, source: &str, data: &[u8]) -> Result<()>;
}

impl KeptStore for Connection {
    fn next_kept(&self) -> Result<Option<i64>> {
        Ok(self
            .query_row("SELECT first_row + row_count FROM import_kept ORDER BY first_row DESC LIMIT 1", [], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn insert_chunk(&self, first: i64, rows: i64, source: &str, data: &[u8]) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO import_kept(first_row, row_count, import_source, created_at, data)
             VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?4)",
        )?
        .execute(params![first, rows, source, data])?;
        Ok(())
    }
}

/// Gathers the rows one transaction keeps, numbered on from the last kept,
/// and writes them a compressed chunk at a time.
#[derive(Default)]
pub(crate) struct KeptWriter {
    /// The number of `buf`'s first row; `None` until first asked.
    first: Option<i64>,
    rows: i64,
    buf: Vec<u8>,
    source: String,
    /// Whether a kept row was replaced or dropped: some chunk may now be
    /// kept for nothing (`collect`).
    pub replaced: bool,
}

impl KeptWriter {
    /// The number the next row `push`ed gets.
    pub fn next_row(&mut self, conn: &Connection) -> Result<i64> {
        self.next_row_in(conn)
    }

    /// Keeps `row` (of `source`); returns its number.
    pub fn push(&mut self, conn: &Connection, source: &str, row: &str) -> Result<i64> {
        self.push_in(conn, source, row)
    }

    /// Writes the rows gathered as one chunk.
    pub fn flush(&mut self, conn: &Connection) -> Result<()> {
        self.flush_in(conn)
    }

    /// `next_row` on either backend.
    pub fn next_row_in<C: KeptStore + ?Sized>(&mut self, conn: &C) -> Result<i64> {
        let first = match self.first {
            Some(f) => f,
            None => *self.first.insert(conn.next_kept()?.unwrap_or(1)),
        };
        first.checked_add(self.rows).ok_or_else(|| StoreError::Invalid("import_kept has no row numbers left".into()))
    }

    /// `push` on either backend.
    pub fn push_in<C: KeptStore + ?Sized>(&mut self, conn: &C, source: &str, row: &str) -> Result<i64> {
        if self.rows > 0 && (self.source != source || self.buf.len() >= CHUNK_BYTES) {
            self.flush_in(conn)?;
        }
        let n = self.next_row_in(conn)?;
        if self.rows == 0 {
            self.source.clear();
            self.source.push_str(source);
        }
        debug_assert!(!row.contains('\n'), "a kept row is one line");
        self.buf.extend_from_slice(row.as_bytes());
        self.buf.push(b'\n');
        self.rows += 1;
        Ok(n)
    }

    /// `flush` on either backend.
    pub fn flush_in<C: KeptStore + ?Sized>(&mut self, conn: &C) -> Result<()> {
        let Some(first) = self.first else { return Ok(()) };
        if self.rows == 0 {
            return Ok(());
        }
        let data = zstd::bulk::compress(&self.buf, LEVEL).map_err(|e| StoreError::Invalid(format!("zstd: {e}")))?;
        conn.insert_chunk(first, self.rows, &self.source, &data)?;
        self.first = Some(first + self.rows);
        self.rows = 0;
        self.buf.clear();
        Ok(())
    }

    /// `flush`, then, when rows were replaced, drops the chunks no invoice
    /// reads any more.
    pub fn finish(&mut self, conn: &Connection) -> Result<()> {
        self.flush(conn)?;
        if std::mem::take(&mut self.replaced) {
            collect(conn)?;
        }
        Ok(())
    }
}

/// Which of `chunks` (in order of their first row; `span` gives its first
/// row and row count) holds row `n`.
pub(super) fn holding<T>(chunks: &[T], n: i64, span: impl Fn(&T) -> (i64, i64)) -> Option<usize> {
    let at = chunks.partition_point(|c| span(c).0 <= n);
    let (first, count) = span(chunks.get(at.checked_sub(1)?)?);
    (n < first.saturating_add(count)).then(|| at - 1)
}

/// Drops the chunks of `import_kept` that no invoice points into, and
/// moves the rows still read out of chunks that hold fewer than half their
/// rows for an invoice into new chunks (a re-import that changes the open
/// invoices every day would otherwise keep every older copy of them, the
/// paid ones beside them keeping each chunk alive). Returns how many
/// chunks went.
pub(crate) fn collect(conn: &Connection) -> Result<usize> {
    // (first row, rows, source, rows read)
    let chunks: Vec<(i64, i64, String, i64)> = conn
        .prepare("SELECT first_row, row_count, import_source FROM import_kept ORDER BY first_row")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, 0)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut chunks = chunks;
    if chunks.is_empty() {
        return Ok(0);
    }
    // (row, invoice)
    let mut read: Vec<(i64, i64)> = conn
        .prepare("SELECT import_row, id FROM invoices WHERE import_row IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    read.sort_unstable();
    for (n, _) in &read {
        if let Some(c) = holding(&chunks, *n, |c| (c.0, c.1)) {
            chunks[c].3 += 1;
        }
    }
    let sparse: Vec<usize> = (0..chunks.len()).filter(|c| chunks[*c].3 * 2 < chunks[*c].1).collect();
    if sparse.is_empty() {
        return Ok(0);
    }
    let (mut writer, mut reader) = (KeptWriter::default(), KeptReader::default());
    let mut moved = conn.prepare_cached("UPDATE invoices SET import_row = ?2 WHERE id = ?1")?;
    for &c in &sparse {
        let (first, count) = (chunks[c].0, chunks[c].1);
        let from = read.partition_point(|(n, _)| *n < first);
        let to = read.partition_point(|(n, _)| *n < first.saturating_add(count));
        for &(n, id) in &read[from..to] {
            let text = reader.row(conn, n)?;
            let new = writer.push(conn, &chunks[c].2, &text)?;
            moved.execute(params![id, new])?;
        }
    }
    writer.flush(conn)?;
    let mut del = conn.prepare_cached("DELETE FROM import_kept WHERE first_row = ?1")?;
    let mut dropped = 0;
    for &c in &sparse {
        dropped += del.execute([chunks[c].0])?;
    }
    Ok(dropped)
}

/// What is wrong with the rows kept (`ardesk check`): a chunk that does
/// not decode to its rows, an invoice whose row no chunk holds or whose
/// baseline does not read. Nothing on a database before version 19.
pub(crate) fn problems(conn: &Connection) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let exists: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'import_kept')", [], |r| r.get(0))?;
    if !exists {
        return Ok(found);
    }
    let mut chunks: Vec<(i64, i64)> = Vec::new();
    let mut stmt = conn.prepare("SELECT first_row, row_count, data FROM import_kept ORDER BY first_row")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (first, count): (i64, i64) = (r.get(0)?, r.get(1)?);
        let data = r.get_ref(2)?.as_blob().unwrap_or_default();
        match decode(data) {
            None => found.push(format!("the chunk of imported rows from {first} is damaged (import_kept)")),
            Some(text) if text.iter().filter(|b| **b == b'\n').count() as i64 != count => {
                found.push(format!("the chunk of imported rows from {first} does not hold {count} rows"))
            }
            Some(_) => {}
        }
        if chunks.last().is_some_and(|(f, c)| f.saturating_add(*c) > first) {
            found.push(format!("the chunk of imported rows from {first} overlaps the one before"));
        }
        chunks.push((first, count));
    }
    let mut stmt = conn.prepare(
        "SELECT number, import_base, import_row FROM invoices WHERE import_base IS NOT NULL OR import_row IS NOT NULL",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let number: String = r.get(0)?;
        let base = match r.get_ref(1)? {
            rusqlite::types::ValueRef::Null => None,
            rusqlite::types::ValueRef::Blob(b) => Some(b),
            _ => Some(&[][..]),
        };
        let row: Option<i64> = r.get(2)?;
        let held = row.is_some_and(|n| holding(&chunks, n, |c| *c).is_some());
        match (base.map(fields), row) {
            (Some(Some(_)), Some(_)) if held => {}
            (Some(Some(_)), Some(n)) => found.push(format!("invoice {number}: its imported row {n} is not kept")),
            (Some(None), _) => found.push(format!("invoice {number}: its imported baseline is damaged")),
            _ => found.push(format!("invoice {number}: a baseline without a kept row, or a kept row without one")),
        }
    }
    Ok(found)
}

/// Reads kept rows, holding the last chunk decoded (an export reads a
/// customer's invoices in the order they were kept).
#[derive(Default)]
pub struct KeptReader {
    chunk: Option<(i64, Vec<u8>, Vec<usize>)>,
}

impl KeptReader {
    /// Row `n`'s JSON text; an error when no chunk holds it or its chunk
    /// does not decode.
    pub fn row(&mut self, conn: &Connection, n: i64) -> Result<String> {
        self.row_with(n, |n| {
            Ok(conn
                .prepare_cached(
                    "SELECT first_row, row_count, data FROM import_kept WHERE first_row <= ?1
                     ORDER BY first_row DESC LIMIT 1",
                )?
                .query_row([n], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?)
        })
    }

    /// `row`, the chunk that may hold row `n` (the last whose first row is
    /// at most `n`: its first row, row count and data) read by `fetch`,
    /// so PostgreSQL's books decode as SQLite's do.
    pub(crate) fn row_with(
        &mut self,
        n: i64,
        fetch: impl FnOnce(i64) -> Result<Option<(i64, i64, Vec<u8>)>>,
    ) -> Result<String> {
        let hit = self.chunk.as_ref().is_some_and(|(first, _, ends)| n >= *first && n - first < ends.len() as i64);
        // (A chunk's `first_row` and `row_count` are positive by the schema's
        // CHECKs; sums saturate, so hostile values only miss.)
        if !hit {
            self.chunk = None;
            let found = fetch(n)?;
            let missing = || StoreError::Invalid(format!("the imported row {n} is not kept (import_kept)"));
            let (first, count, data) = found.ok_or_else(missing)?;
            if n >= first.saturating_add(count) {
                return Err(missing());
            }
            let text = decode(&data).ok_or_else(|| {
                StoreError::Invalid(format!("the chunk of imported rows from {first} is damaged (import_kept)"))
            })?;
            let ends: Vec<usize> = text.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i).collect();
            if ends.len() as i64 != count {
                return Err(StoreError::Invalid(format!(
                    "the chunk of imported rows from {first} holds {} rows, not {count} (import_kept)",
                    ends.len()
                )));
            }
            self.chunk = Some((first, text, ends));
        }
        let Some((first, text, ends)) = self.chunk.as_ref() else {
            return Err(StoreError::Invalid(format!("the imported row {n} is not kept (import_kept)")));
        };
        let i = (n - first) as usize;
        let start = if i == 0 { 0 } else { ends[i - 1] + 1 };
        std::str::from_utf8(&text[start..ends[i]])
            .map(str::to_string)
            .map_err(|_| StoreError::Invalid(format!("the imported row {n} is not UTF-8 (import_kept)")))
    }

    /// The `source_raw` text of an invoice from its columns: `source_raw`
    /// itself, or its baseline and kept row put back together.
    pub fn source_raw(
        &mut self,
        conn: &Connection,
        source_raw: Option<String>,
        base: Option<&[u8]>,
        row: Option<i64>,
    ) -> Result<Option<String>> {
        self.source_raw_with(source_raw, base, row, |r, n| r.row(conn, n))
    }

    /// `source_raw`, the kept row read by `read` (`row` or `row_with`).
    pub(crate) fn source_raw_with(
        &mut self,
        source_raw: Option<String>,
        base: Option<&[u8]>,
        row: Option<i64>,
        read: impl FnOnce(&mut Self, i64) -> Result<String>,
    ) -> Result<Option<String>> {
        match (base, row) {
            (Some(base), Some(n)) => {
                let row = read(self, n)?;
                let text = source_json(base, &row)
                    .ok_or_else(|| StoreError::Invalid(format!("the baseline of imported row {n} is damaged")))?;
                Ok(Some(text))
            }
            (None, None) => Ok(source_raw),
            _ => Err(StoreError::Invalid("an invoice has a baseline without its kept row, or the other way".into())),
        }
    }
}

/// A chunk's text, at most `MAX_CHUNK` bytes; `None` when it does not
/// decode.
pub(super) fn decode(data: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    let mut dec = zstd::stream::read::Decoder::new(data).ok()?;
    dec.window_log_max(WINDOW_LOG_MAX).ok()?;
    dec.take(MAX_CHUNK + 1).read_to_end(&mut out).ok()?;
    (out.len() as u64 <= MAX_CHUNK).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> KeptRow {
        let mut f: [Option<&str>; 14] = [Some("x"); 14];
        f[3] = None;
        f[13] = Some("a \"quoted\" memo\nwith a line é");
        KeptRow::invoice(f, r#"{"id":"in_1","amount_due":"1200"}"#.into())
    }

    #[test]
    fn a_baseline_gives_back_its_fields() {
        let k = sample();
        let got = fields(&k.base).unwrap();
        assert_eq!(got[0].as_deref(), Some("x"));
        assert_eq!(got[3], None);
        assert_eq!(got[13].as_deref(), Some("a \"quoted\" memo\nwith a line é"));
    }

    #[test]
    fn the_import_shape_round_trips_byte_for_byte() {
        let k = sample();
        let text = source_json(&k.base, &k.row).unwrap();
        assert_eq!(KeptRow::from_json(&text), Some(k));
    }

    #[test]
    fn other_shapes_stay_json() {
        for t in [
            "",
            "{}",
            "not json",
            r#"{"imported":{"number":"1"},"row":{}}"#,
            r#"{"made_for":"x"}"#,
            // The same fields with spaces: not the text it would put back.
            &source_json(&sample().base, &sample().row).unwrap().replace(':', ": "),
        ] {
            assert_eq!(KeptRow::from_json(t), None, "{t}");
        }
    }

    #[test]
    fn damaged_baselines_are_refused_not_misread() {
        let k = sample();
        for cut in 0..k.base.len() {
            assert!(fields(&k.base[..cut]).is_none(), "cut at {cut}");
        }
        let mut long = k.base.clone();
        long.push(0);
        assert!(fields(&long).is_none());
        let mut huge = vec![FORMAT];
        huge.extend_from_slice(&[0xff; 12]);
        assert!(fields(&huge).is_none());
        let mut other = k.base.clone();
        other[0] = 2;
        assert!(fields(&other).is_none());
    }

    #[test]
    fn the_fingerprint_tells_rows_apart() {
        let a = KeptRow::invoice([Some("1"); 14], "{\"a\":\"1\"}".into());
        let b = KeptRow::invoice([Some("1"); 14], "{\"a\":\"2\"}".into());
        assert_ne!(a.base, b.base);
    }
}
