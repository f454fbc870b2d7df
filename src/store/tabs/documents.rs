//! The Documents tab's SQL.

use super::stored;
use crate::domain::columns::Col;
use crate::domain::model::DocumentRow;
use crate::domain::status::DocumentKind;
use crate::store::window::TabRow;
use rusqlite::Row;

impl TabRow for DocumentRow {
    const SELECT: &'static str = "d.id, d.name, d.uploaded_at, d.kind, d.format, c.name, d.size_bytes, d.sha256";
    const FROM: &'static str = "documents d LEFT JOIN contracts c ON c.id = d.contract_id";
    const WHERE: &'static str = "d.customer_id = ?1";
    const ID: &'static str = "d.id";
    const SORT: &'static [(Col, &'static str)] = &[
        (Col::DocName, "lower(d.name)"),
        (Col::DocUploaded, "d.uploaded_at"),
        (Col::DocKind, "d.kind"),
        (Col::DocContract, "coalesce(c.name, '')"),
        (Col::DocSize, "d.size_bytes"),
    ];
    /// Type matches what the column shows: the kind and the format
    /// ("Contract · PDF"), so `type:pdf` finds PDFs.
    const FILTER: &'static [(Col, &'static str)] =
        &[(Col::DocUploaded, "substr(d.uploaded_at, 1, 10)"), (Col::DocKind, "d.kind || ' · ' || d.format")];
    const TEXT_COLS: &'static [&'static str] = &["d.name", "c.name"];

    fn map(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(DocumentRow {
            id: r.get(0)?,
            name: r.get(1)?,
            uploaded_at: r.get(2)?,
            kind: stored(r, 3, DocumentKind::from_db)?,
            format: r.get(4)?,
            contract_name: r.get(5)?,
            size_bytes: r.get(6)?,
            sha256: r.get(7)?,
        })
    }
}
