//! Customers an export names without an id. A report (QuickBooks' Customer
//! Contact List) keys a customer on its unique name (`name_key`);
//! the same customer arriving later with its id — from the API, or named
//! on an invoice or payment row — is found by that name and takes the id,
//! so importing the report first and the API later makes no duplicates. A
//! report row whose customer is already known by its id is that customer.

use crate::domain::external_id::{NAME_KEY, name_key};
use crate::domain::status::ImportSource;
use crate::import::ImportError;
use crate::store::import::CustomerState;
use crate::store::import::ImportOps;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// What the run learned about name-keyed customers.
#[derive(Debug, Default)]
pub(super) struct NameKeys {
    /// Per source, loaded on first use: the name each id-keyed customer was
    /// last imported under → its external id.
    by_name: HashMap<ImportSource, HashMap<String, String>>,
    /// Name-keyed customers that took their id in this run.
    rekeyed: u64,
    /// Name-keyed rows that were customers already known by id.
    matched: u64,
}

impl NameKeys {
    /// Remembers a customer inserted under an id, if the names are loaded.
    pub fn inserted(&mut self, src: ImportSource, name: &str, external_id: &str) {
        if external_id.starts_with(NAME_KEY) {
            return;
        }
        if let Some(m) = self.by_name.get_mut(&src) {
            m.entry(name.to_string()).or_insert_with(|| external_id.to_string());
        }
    }

    pub fn notes(&self, notes: &mut Vec<String>) {
        if self.rekeyed > 0 {
            notes.push(format!(
                "{} customer(s) known only by name (from a report) were matched by that name and now carry their id",
                self.rekeyed
            ));
        }
        if self.matched > 0 {
            notes.push(format!(
                "{} report row(s) name customers already imported with their id: those were left as they are \
                 (the API export is the one that updates them)",
                self.matched
            ));
        }
    }
}

/// The customer an incoming customer row is.
pub(super) enum Found {
    /// Under the row's key; `true` when it was name-keyed and took the row's
    /// id just now.
    Keyed(CustomerState, bool),
    /// A name-keyed row whose customer is known by its id.
    ById(CustomerState),
    None,
}

impl NameKeys {
    /// Finds the customer of a row keyed `ext` named `name`: by its key;
    /// for a name-keyed row, the id-keyed customer last imported under that
    /// name; for a row with an id, the name-keyed customer of that name,
    /// which takes the id.
    pub fn find_row<X: ImportOps>(
        &mut self,
        itx: &X,
        src: ImportSource,
        ext: &str,
        name: &str,
    ) -> Result<Found, ImportError> {
        if let Some(db) = itx.find_customer(src, ext)? {
            return Ok(Found::Keyed(db, false));
        }
        if let Some(plain) = ext.strip_prefix(NAME_KEY) {
            if let Entry::Vacant(e) = self.by_name.entry(src) {
                e.insert(itx.customer_names(src)?.into_iter().collect());
            }
            let known = self.by_name.get(&src).and_then(|m| m.get(plain)).cloned();
            if let Some(id_key) = known
                && let Some(db) = itx.find_customer(src, &id_key)?
            {
                self.matched += 1;
                return Ok(Found::ById(db));
            }
            return Ok(Found::None);
        }
        Ok(match self.adopt_id(itx, src, name, ext)? {
            Some(db) => Found::Keyed(db, true),
            None => Found::None,
        })
    }

    /// The name-keyed customer called `name`, if any, re-keyed to `ext`.
    pub fn adopt_id<X: ImportOps>(
        &mut self,
        itx: &X,
        src: ImportSource,
        name: &str,
        ext: &str,
    ) -> Result<Option<CustomerState>, ImportError> {
        if name.is_empty() || ext.starts_with(NAME_KEY) {
            return Ok(None);
        }
        let Some(db) = itx.find_customer(src, &name_key(name))? else { return Ok(None) };
        itx.set_customer_external_id(db.id, ext)?;
        self.rekeyed += 1;
        self.inserted(src, name, ext);
        Ok(Some(db))
    }
}
