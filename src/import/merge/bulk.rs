//! The fast path for invoices that are new to ardesk, in a bulk run: a
//! source with no invoices here yet, an invoice no payment names. Such an
//! invoice needs no lookup and no merge: it lands with its status and the
//! payment or credit made for what the source says was paid, a group to
//! a statement (`ImportOps::load_invoices`; `load_rows` says how many). Everything else, and any
//! group a unique index refuses, takes the row-by-row path
//! (`Receivables::apply_invoice`), which decides the same way: the outcome is the
//! one that path would give, row for row.

use super::customers::{Cust, Customers};
use super::invoices::{plan_of, write_of};
use super::own::{credit_text, made_for, payment_text};
use super::receivables::Receivables;
use super::{Cx, Queued};
use crate::domain::status::{ImportSource, InvoiceStatus};
use crate::import::ImportError;
use crate::import::parse::record::ImportedInvoice;
use crate::import::report::{Counted, Outcome};
use crate::store::import::ImportOps;
use crate::store::kept::KeptRow;
use crate::store::load::{LoadInvoice, NewMoney};

/// An invoice the fast path takes: its customer, status and money, and
/// what it keeps of its row.
struct Plan {
    cust: Cust,
    status: InvoiceStatus,
    paid: i64,
    credit: i64,
    raw: KeptRow,
}

impl Receivables {
    /// Applies a sorted batch: runs of new invoices in groups, the others
    /// one by one, in the batch's order.
    pub fn apply_sorted<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        people: &mut Customers,
        batch: Vec<Queued>,
    ) -> Result<(), ImportError> {
        let size = cx.itx.load_rows();
        let mut group: Vec<(Queued, Plan)> = Vec::with_capacity(size);
        for mut q in batch {
            cx.book.at_file(q.file);
            match self.plan_new(cx, people, q.src, &q.inv, &mut q.raw)? {
                Some(plan) => {
                    group.push((q, plan));
                    if group.len() == size {
                        self.load_group(cx, people, std::mem::take(&mut group))?;
                    }
                }
                None => {
                    self.load_group(cx, people, std::mem::take(&mut group))?;
                    self.apply_invoice(cx, people, q.src, &q.inv, q.raw.take())?;
                }
            }
        }
        self.load_group(cx, people, group)
    }

    /// The fast path's plan for an invoice, or `None` for the row path;
    /// the plan takes what the invoice keeps of its row from `raw`. Only
    /// what the row path would do first anyway happens here (the customer
    /// found, or made from the row, and its currency adopted). An invoice
    /// known unchanged at sight (no `raw`) is of a source that is not fresh.
    fn plan_new<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        people: &mut Customers,
        src: ImportSource,
        inv: &ImportedInvoice,
        raw: &mut Option<KeptRow>,
    ) -> Result<Option<Plan>, ImportError> {
        if !cx.itx.is_bulk() || inv.customer.external_id.is_empty() || !self.fresh(cx.itx, src)? || raw.is_none() {
            return Ok(None);
        }
        if people.resolve(cx, src, &inv.customer, inv.currency, "invoice")?.is_none() {
            return Ok(None);
        }
        let cust = people.adopt_currency(cx, src, &inv.customer.external_id, inv.currency)?;
        let (in_run, in_db) = self.links.of(cx.itx, src, inv)?;
        // Paid beyond its total: the row path makes the payment with its
        // unapplied rest and notes it.
        if in_run || in_db || (inv.status.is_issued() && inv.amount_paid_minor > inv.total_minor) {
            return Ok(None);
        }
        let (status, paid, credit) = plan_of(inv);
        Ok(raw.take().map(|raw| Plan { cust, status, paid, credit, raw }))
    }

    /// Writes a group of new invoices; from one a unique index refuses (a
    /// number taken, an invoice repeated in the file) on, the row path.
    fn load_group<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        people: &mut Customers,
        group: Vec<(Queued, Plan)>,
    ) -> Result<(), ImportError> {
        if group.is_empty() {
            return Ok(());
        }
        let today = cx.itx.today();
        let rows: Vec<LoadInvoice<'_>> = group.iter().map(|(q, p)| load_row(q, p, today)).collect();
        let written = cx.itx.load_invoices(&rows)?;
        drop(rows);
        let mut rest = group;
        let group: Vec<(Queued, Plan)> = rest.drain(..written).collect();
        for (q, p) in &group {
            let (inv, cid) = (&q.inv, p.cust.id);
            cx.book.count(cid, Counted::Invoices, Outcome::Created, q.src.label());
            if inv.status == InvoiceStatus::Paid && p.status != InvoiceStatus::Paid {
                self.left_open(&inv.number, p.paid + p.credit, inv.total_minor);
            }
            if p.paid > 0 {
                self.said.made_payments += 1;
                cx.book.count(cid, Counted::Payments, Outcome::Created, q.src.label());
            }
            if p.credit > 0 {
                cx.book.count(cid, Counted::Credits, Outcome::Created, q.src.label());
            }
        }
        // From the invoice a unique index refused on, row by row.
        for (q, p) in rest {
            cx.book.at_file(q.file);
            self.apply_invoice(cx, people, q.src, &q.inv, Some(p.raw))?;
        }
        Ok(())
    }
}

/// What the bulk loader writes for a new invoice: the invoice, and the
/// payment and credit made for it as `Receivables::own_row` would make them.
fn load_row<'q>(q: &'q Queued, p: &'q Plan, today: chrono::NaiveDate) -> LoadInvoice<'q> {
    let (inv, ext, label) = (&q.inv, q.inv.external_id.as_str(), q.src.label());
    let mut money = Vec::new();
    if p.paid > 0 {
        let key = format!("{ext}#paid");
        money.push(NewMoney {
            credit: false,
            raw: Some(made_for(&key)),
            key,
            amount_minor: p.paid,
            on: inv.paid_on.unwrap_or(inv.issue_date),
            text: payment_text(label, &inv.number),
        });
    }
    if p.credit > 0 {
        money.push(NewMoney {
            credit: true,
            key: format!("{ext}#credit"),
            amount_minor: p.credit,
            on: inv.issue_date,
            text: credit_text(label, &inv.number),
            raw: None,
        });
    }
    LoadInvoice { source: q.src, external_id: ext, invoice: write_of(p.cust, inv, p.status, &p.raw, today), money }
}
