//! Exporting a customer in ardesk's format from either backend: each
//! section read by the backend's `export_section` (the same columns and
//! values on both, `tests/pg_export.rs` holds them to it).

use super::Books;
use crate::domain::model::Customer;
use crate::store::import::{ExportRead, ExportSection};
use crate::store::{Result, StoreError};
use serde_json::{Map, Value};

impl Books {
    /// `Store::export_section` on the books' backend.
    pub fn export_section<E: From<StoreError>>(
        &self,
        customer_id: i64,
        section: ExportSection,
        f: impl FnMut(Map<String, Value>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        match self {
            Books::Lite(s) => s.export_section(customer_id, section, f),
            Books::Pg(s) => s.export_section(customer_id, section, f),
        }
    }
}

impl ExportRead for Books {
    fn export_customer(&self, customer_id: i64) -> Result<Customer> {
        match self {
            Books::Lite(s) => s.export_customer(customer_id),
            Books::Pg(s) => s.export_customer(customer_id),
        }
    }

    fn export_origin(&self) -> Option<String> {
        match self {
            Books::Lite(s) => s.export_origin(),
            Books::Pg(s) => s.export_origin(),
        }
    }

    fn read_section<E: From<StoreError>>(
        &self,
        customer_id: i64,
        section: ExportSection,
        f: impl FnMut(Map<String, Value>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.export_section(customer_id, section, f)
    }
}
