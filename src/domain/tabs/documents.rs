//! The Documents tab.

use super::FieldKind::{Bytes, Date, Text};
use super::{Column, Field, Tabular};
use crate::domain::columns::{Col, Sort, Tab};
use crate::domain::model::{DocumentRow, size_label};

type C = Column<DocumentRow>;

impl Tabular for DocumentRow {
    const TAB: Tab = Tab::Documents;
    const TITLE: &'static str = "Documents";
    const SHORT_TITLE: &'static str = "Docs";
    const EMPTY: &'static str = "No documents yet.";
    const EXAMPLE: &'static str = "--filter 'type:contract' --sort=-uploaded";
    const DEFAULT_SORT: Sort = Sort { col: Col::DocUploaded, desc: true };
    const COLUMNS: &'static [C] = &[
        C::new("Name", 20, |r, _| r.name.as_str().into())
            .fill()
            .key(Col::DocName)
            .filter(&[Field::new("name", Text)])
            .export(&[("name", |r, _| r.name.clone())]),
        C::new("Uploaded", 16, |r, ctx| ctx.dates.show_minute(&r.uploaded_at).into())
            .priority(1)
            .key(Col::DocUploaded)
            .filter(&[Field::new("uploaded", Date)])
            .export(&[("uploaded_at", |r, _| r.uploaded_at.clone())]),
        C::new("Type", 22, |r, _| format!("{} · {}", r.kind.label(), r.format).into())
            .priority(1)
            .key(Col::DocKind)
            .filter(&[Field::new("type", Text)])
            .export(&[("type", |r, _| r.kind.as_db().to_string()), ("format", |r, _| r.format.clone())]),
        C::new("Contract", 16, |r, _| r.contract_name.clone().unwrap_or_default().into())
            .priority(2)
            .key(Col::DocContract)
            .filter(&[Field::new("contract", Text)])
            .export(&[("contract", |r, _| r.contract_name.clone().unwrap_or_default())]),
        // The stored bytes: how many, and their checksum.
        C::new("Size", 9, |r, _| size_label(r.size_bytes).into())
            .right()
            .key(Col::DocSize)
            .filter(&[Field::new("size", Bytes)])
            .export(&[("size_bytes", |r, _| r.size_bytes.to_string()), ("sha256", |r, _| r.sha256.clone())]),
    ];
}
