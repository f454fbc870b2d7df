//! Which payments name which invoices. An invoice is settled (`settle`)
//! by the payments that name it: in this run (noted before any invoice
//! lands, so those invoices wait for their payments) and in the database
//! (loaded per source on first use and kept up to date as payments land).
//!
//! A link key is the invoice's external id, "#number:" and its number, or
//! "#payment:" and another id of a payment (a PaymentIntent beside its
//! charge) that an invoice names.

use crate::domain::status::ImportSource;
use crate::import::ImportError;
use crate::import::parse::record::{ImportedInvoice, ImportedPayment, InvoiceRef};
use crate::store::import::ImportOps;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

/// The link key of an invoice by its number.
pub(super) fn number_key(number: &str) -> String {
    format!("#number:{number}")
}

/// The link key of the invoice a payment names.
pub(super) fn link_key(r: &InvoiceRef) -> String {
    match r {
        InvoiceRef::External(x) => x.clone(),
        InvoiceRef::Number(n) => number_key(n),
    }
}

/// The link key of a payment's other id.
pub(super) fn payment_key(id: &str) -> String {
    format!("#payment:{id}")
}

#[derive(Default)]
pub(super) struct Links {
    /// Invoice link keys that this run's payment rows name.
    run_links: HashSet<String>,
    /// Ids this run's payment rows carry (invoices may name them).
    run_payment_ids: HashSet<String>,
    /// Per source: invoice link key → payments in the database naming it.
    db_links: HashMap<ImportSource, HashMap<String, Vec<i64>>>,
}

impl Links {
    /// Remembers which invoice a payment of this run names, so that
    /// invoice is settled after the payments land.
    pub fn note_run(&mut self, p: &ImportedPayment) {
        let credited = p.credit_uses.iter().map(|u| &u.invoice);
        for r in p.invoice.iter().chain(p.splits.iter().map(|(r, _)| r)).chain(credited) {
            self.run_links.insert(link_key(r));
        }
        self.run_payment_ids.insert(p.external_id.clone());
        self.run_payment_ids.extend(p.aliases.iter().cloned());
    }

    /// The payments of `src` in the database, by the link keys they name.
    pub fn in_db<X: ImportOps>(
        &mut self,
        itx: &X,
        src: ImportSource,
    ) -> Result<&HashMap<String, Vec<i64>>, ImportError> {
        if let Entry::Vacant(e) = self.db_links.entry(src) {
            let mut m: HashMap<String, Vec<i64>> = HashMap::new();
            for (id, key) in itx.payment_links(src)? {
                m.entry(key).or_default().push(id);
            }
            e.insert(m);
        }
        Ok(&self.db_links[&src])
    }

    /// Notes that payment `payment_id` of `src` (now in the database) names
    /// `key`; the links of `src` must be loaded (`in_db`).
    pub fn add(&mut self, src: ImportSource, key: String, payment_id: i64) {
        let ids = self.db_links.entry(src).or_default().entry(key).or_default();
        if !ids.contains(&payment_id) {
            ids.push(payment_id);
        }
    }

    /// Whether payments name this invoice: in this run, in the database.
    pub fn of<X: ImportOps>(
        &mut self,
        itx: &X,
        src: ImportSource,
        inv: &ImportedInvoice,
    ) -> Result<(bool, bool), ImportError> {
        let number = || number_key(&inv.number);
        let runs = &self.run_links;
        let in_run = (!runs.is_empty() && (runs.contains(inv.external_id.as_str()) || runs.contains(&number())))
            || inv.payment_refs.iter().any(|r| self.run_payment_ids.contains(r));
        let db = self.in_db(itx, src)?;
        let mut in_db = (!db.is_empty() && (db.contains_key(inv.external_id.as_str()) || db.contains_key(&number())))
            || inv.payment_refs.iter().any(|r| db.contains_key(&payment_key(r)));
        // With the external-id indexes lifted, `src` had no payments here
        // before this run and has only those made for its loaded invoices
        // since ("<invoice>#paid"), which no payment id names.
        if !itx.external_lifted() {
            for r in &inv.payment_refs {
                in_db = in_db || itx.find_payment(src, r)?.is_some();
            }
        }
        Ok((in_run, in_db))
    }
}
