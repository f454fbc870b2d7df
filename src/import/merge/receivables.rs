//! The state of the money steps — invoices (`invoices`, and new ones in
//! bulk: `bulk`), payments (`payments`) and settling invoices against them
//! (`settle`) — and what they have to say in the report. Customers are
//! not theirs: they ask `Customers` for them.

use super::links::Links;
use crate::domain::status::ImportSource;
use crate::import::ImportError;
use crate::store::import::ImportOps;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Default)]
pub(super) struct Receivables {
    pub links: Links,
    /// Invoices to settle once every payment is in.
    pub pending: BTreeMap<i64, ImportSource>,
    /// Credit notes of this run with what their source says is left of
    /// them, to compare once every payment is in.
    pub remaining: Vec<(i64, ImportSource, String, Option<i64>)>,
    /// Customers whose Stripe credit notes' unapplied credit changed in
    /// this run: their balance credit is settled again at its end
    /// (`Customers::settle_balances`).
    pub balance_dirty: BTreeSet<i64>,
    /// Per source: whether it had no invoices here when the run began.
    fresh: HashMap<ImportSource, bool>,
    pub said: Said,
}

/// What the money steps did on the user's behalf, for the report's notes.
#[derive(Default)]
pub(super) struct Said {
    pub made_payments: u64,
    pub replaced_payments: u64,
    pub refund_credits: u64,
    pub left_open: Vec<String>,
    pub unlinked: u64,
    pub mismatched: Vec<String>,
    /// Invoices paid beyond their total, and what became of the rest.
    pub overpaid: Vec<String>,
    /// Credit notes given another number (theirs was taken).
    pub renumbered: Vec<String>,
    /// Credit notes voided in ardesk that the source still uses.
    pub voided_here: Vec<String>,
    /// Credit for invoices that are not in ardesk (or not issued).
    pub credit_unlinked: Vec<String>,
    /// Credit that found less room than the source put on an invoice.
    pub credit_short: Vec<String>,
    /// Credit notes whose unapplied credit differs from the source's.
    pub remaining: Vec<String>,
}

impl Receivables {
    /// Whether `src` had no invoices here when its first invoice came.
    pub fn fresh<X: ImportOps>(&mut self, itx: &X, src: ImportSource) -> Result<bool, ImportError> {
        if let Some(f) = self.fresh.get(&src) {
            return Ok(*f);
        }
        let f = !itx.source_has_invoices(src)?;
        self.fresh.insert(src, f);
        Ok(f)
    }

    pub fn notes(&self, notes: &mut Vec<String>) {
        let s = &self.said;
        if s.made_payments > 0 {
            notes.push(format!(
                "{} payment(s) were made for invoices' paid amounts that no payments export linked",
                s.made_payments
            ));
        }
        if s.replaced_payments > 0 {
            notes.push(format!("{} such payment(s) were replaced by the payments export's rows", s.replaced_payments));
        }
        if s.refund_credits > 0 {
            notes.push(format!(
                "{} refund credit(s) cover paid invoices whose payment was later refunded",
                s.refund_credits
            ));
        }
        if s.unlinked > 0 {
            notes.push(format!(
                "{} payment(s) name invoices that are not in ardesk: left unapplied (customer credit)",
                s.unlinked
            ));
        }
        let credit = s.renumbered.iter().chain(&s.voided_here).chain(&s.credit_unlinked).chain(&s.credit_short);
        for n in s.left_open.iter().chain(&s.mismatched).chain(&s.overpaid).chain(credit).chain(&s.remaining) {
            notes.push(n.clone());
        }
    }
}
