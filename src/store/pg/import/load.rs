//! New invoices of a bulk run on PostgreSQL (`store/load.rs`): the rows
//! from the first that an existing or repeated number or external id
//! refuses on are left to the row-by-row path, and the others written
//! with their money, invoices first, then payments, credits and
//! applications, so that every row has the id SQLite's loader gives it.

use super::super::super::Result;
use super::super::super::import::InvoiceWrite;
use super::super::super::load::{LOAD_ROWS, LoadInvoice, NewMoney};
use super::super::super::seed::AppliedFrom;
use super::super::inserts;
use super::PgImportTx;
use crate::domain::status::*;
use std::collections::HashSet;

impl PgImportTx<'_> {
    /// How many of `rows`, from the first, can be written: none of their
    /// numbers or external ids taken, here or earlier in `rows`.
    fn new_prefix(&self, rows: &[LoadInvoice<'_>]) -> Result<usize> {
        let numbers: Vec<&str> = rows.iter().map(|r| r.invoice.number).collect();
        let taken: HashSet<String> = self
            .rows("SELECT number FROM invoices WHERE number = ANY($1)", &[&numbers])?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<_, _>>()?;
        let mut keys: Vec<String> = Vec::new();
        let mut sources: Vec<&str> = Vec::new();
        for r in rows {
            sources.push(r.source.as_db());
            keys.push(r.external_id.to_string());
        }
        let existing: HashSet<(String, String)> = self
            .rows(
                "SELECT import_source, external_id FROM invoices
                 WHERE (import_source, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
                &[&sources, &keys],
            )?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_>>()?;
        let (mut seen_n, mut seen_k) = (HashSet::new(), HashSet::new());
        Ok(rows
            .iter()
            .take_while(|r| {
                let key = (r.source.as_db().to_string(), r.external_id.to_string());
                !taken.contains(r.invoice.number)
                    && !existing.contains(&key)
                    && seen_n.insert(r.invoice.number)
                    && seen_k.insert(key)
            })
            .count())
    }

    /// Inserts new invoices (at most `LOAD_ROWS`) with their money and
    /// returns how many of them, from the first, were written.
    pub fn load_invoices(&self, rows: &[LoadInvoice<'_>]) -> Result<usize> {
        if !self.bulk || rows.len() > LOAD_ROWS || rows.iter().any(|r| r.invoice.contract_id.is_some()) {
            return Err(super::super::super::StoreError::Invalid(
                "load_invoices: bulk mode, up to LOAD_ROWS uncontracted".into(),
            ));
        }
        let rows = &rows[..self.new_prefix(rows)?];
        let mut ids = Vec::with_capacity(rows.len());
        for r in rows {
            ids.push(self.insert_invoice(Some((r.source, r.external_id)), &r.invoice)?);
        }
        let money: Vec<(&LoadInvoice<'_>, i64, &NewMoney)> =
            rows.iter().zip(&ids).flat_map(|(r, id)| r.money.iter().map(move |m| (r, *id, m))).collect();
        let mut made = Vec::with_capacity(money.len());
        for (r, _, m) in money.iter().filter(|x| !x.2.credit) {
            made.push(self.insert_payment(Some((r.source, &m.key)), &made_payment(&r.invoice, m))?);
        }
        let mut credits = Vec::new();
        for (r, _, m) in money.iter().filter(|x| x.2.credit) {
            let i = &r.invoice;
            credits.push(self.insert_credit(
                Some((r.source, &m.key)),
                i.customer_id,
                m.on,
                m.amount_minor,
                i.currency,
                &m.text,
            )?);
        }
        let (mut p, mut c) = (made.into_iter(), credits.into_iter());
        for (_, invoice_id, m) in &money {
            let from = if m.credit {
                AppliedFrom::Credit(c.next().unwrap_or(0))
            } else {
                AppliedFrom::Payment(p.next().unwrap_or(0))
            };
            inserts::insert_application(&mut self.tx(), *invoice_id, from, m.amount_minor, m.on, &self.now)?;
        }
        Ok(rows.len())
    }
}

/// The payment made for what a new invoice's source says was paid.
fn made_payment<'a>(i: &InvoiceWrite<'_>, m: &'a NewMoney) -> super::super::super::import::PaymentWrite<'a> {
    super::super::super::import::PaymentWrite {
        customer_id: i.customer_id,
        received_on: m.on,
        amount_minor: m.amount_minor,
        refunded_minor: 0,
        refunded_on: None,
        currency: i.currency,
        reference: &m.text,
        status: PaymentStatus::Succeeded,
        method: PaymentMethod::Automatic,
        source_raw: m.raw.as_deref(),
    }
}
