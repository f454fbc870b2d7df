//! New invoices of a bulk run on PostgreSQL (`store/load.rs`): the rows
//! from the first that an existing or repeated number or external id
//! refuses on are left to the row-by-row path; the others go with their
//! money by binary COPY into TEMP staging tables and one INSERT … SELECT
//! a table (`stage`), invoices first, then payments, credits and
//! applications, so that every row has the id SQLite's loader gives it.

use super::super::super::Result;
use super::super::super::load::{LoadInvoice, NewMoney};
use super::super::super::seed::AppliedFrom;
use super::super::inserts;
use super::PgImportTx;
use std::collections::HashSet;

/// New invoices `load_invoices` takes at once on PostgreSQL. Each group
/// pays a fixed cost however few its rows (the staging tables emptied, an
/// id range drawn, and each statement trigger run once, with a plan made
/// for it and its own scan of what it updates), which at SQLite's 64 rows
/// was most of a bulk import's time; 2,048 rows of staging are a few MiB.
pub const PG_LOAD_ROWS: usize = 2048;

impl PgImportTx<'_> {
    /// How many new invoices `load_invoices` takes at once.
    pub fn load_rows(&self) -> usize {
        PG_LOAD_ROWS
    }

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

    /// Inserts new invoices (at most `PG_LOAD_ROWS`) with their money and
    /// returns how many of them, from the first, were written: each kind
    /// of row sent by binary COPY into a TEMP staging table and merged by
    /// one INSERT … SELECT, in the order (and so with the ids) one row at a
    /// time would give them. The tables' row triggers keep the summaries
    /// and applied amounts as for any insert. Bulk mode only.
    pub fn load_invoices(&self, rows: &[LoadInvoice<'_>]) -> Result<usize> {
        if !self.bulk || rows.len() > PG_LOAD_ROWS || rows.iter().any(|r| r.invoice.contract_id.is_some()) {
            return Err(super::super::super::StoreError::Invalid(
                "load_invoices: bulk mode, up to PG_LOAD_ROWS uncontracted".into(),
            ));
        }
        let rows = &rows[..self.new_prefix(rows)?];
        if rows.is_empty() {
            return Ok(0);
        }
        self.stage_tables()?;
        let ids = self.ids("invoices", rows.len())?;
        let mut kept = Vec::with_capacity(rows.len());
        for r in rows {
            kept.push(self.keep_row(Some(r.source), &r.invoice)?);
        }
        self.copy_invoices(rows, &ids, &kept)?;
        for (r, id) in rows.iter().zip(&ids) {
            if !r.invoice.lines.is_empty() {
                inserts::replace_lines(&mut *self.tx(), *id, r.invoice.lines)?;
            }
        }
        let money: Vec<(&LoadInvoice<'_>, i64, &NewMoney)> =
            rows.iter().zip(&ids).flat_map(|(r, id)| r.money.iter().map(move |m| (r, *id, m))).collect();
        let payments: Vec<_> = money.iter().filter(|x| !x.2.credit).collect();
        let credits: Vec<_> = money.iter().filter(|x| x.2.credit).collect();
        let payment_ids = self.ids("payments", payments.len())?;
        let credit_ids = self.ids("credits", credits.len())?;
        self.copy_payments(&payments, &payment_ids)?;
        self.copy_credits(&credits, &credit_ids)?;
        let (mut p, mut c) = (payment_ids.into_iter(), credit_ids.into_iter());
        let apps: Vec<(i64, AppliedFrom, i64, chrono::NaiveDate)> = money
            .iter()
            .map(|(_, invoice, m)| {
                let from = if m.credit {
                    AppliedFrom::Credit(c.next().unwrap_or(0))
                } else {
                    AppliedFrom::Payment(p.next().unwrap_or(0))
                };
                (*invoice, from, m.amount_minor, m.on)
            })
            .collect();
        self.copy_applications(&apps)?;
        self.grown(rows.len() as u64)?;
        Ok(rows.len())
    }
}
