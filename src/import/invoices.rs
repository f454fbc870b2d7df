//! Invoices: keyed on (source, external id), merged field by field; new
//! ones that no payment names get their status and money at once, the rest
//! are settled (`settle`) once the payments they wait for are in.

use super::ImportError;
use super::apply::{Cust, Fields, LinkSet, Outcome, Run, baseline, last, number_key};
use super::record::*;
use super::report::Counted;
use crate::domain::date::from_iso;
use crate::domain::date::iso;
use crate::domain::status::*;
use crate::store::StoreError;
use crate::store::import::{Inserted, InvoiceState, InvoiceWrite};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

#[derive(Default)]
pub(crate) struct MoneyState {
    /// Invoice link keys that this run's payment rows name.
    pub(crate) run_links: LinkSet,
    /// Ids this run's payment rows carry (invoices may name them).
    pub(crate) run_payment_ids: LinkSet,
    /// Per source: invoice link key → payments in the database naming it.
    pub(crate) db_links: HashMap<ImportSource, HashMap<String, Vec<i64>>>,
    /// Invoices to settle once every payment is in.
    pub(crate) pending: BTreeMap<i64, ImportSource>,
    /// Per source: whether it had no invoices here when the run began.
    pub(crate) fresh: HashMap<ImportSource, bool>,
    pub made_payments: u64,
    pub replaced_payments: u64,
    pub refund_credits: u64,
    pub left_open: Vec<String>,
    pub unlinked: u64,
    pub mismatched: Vec<String>,
    /// Invoices paid beyond their total, and what became of the rest.
    pub overpaid: Vec<String>,
    pub customers_from_rows: u64,
}

impl MoneyState {
    /// Remembers which invoice a payment of this run names, so that
    /// invoice is settled after the payments land.
    pub fn note_link(&mut self, p: &ImportedPayment) {
        for r in p.invoice.iter().chain(p.splits.iter().map(|(r, _)| r)) {
            self.run_links.insert(super::apply::link_key(r));
        }
        self.run_payment_ids.insert(p.external_id.clone());
        self.run_payment_ids.extend(p.aliases.iter().cloned());
    }

    pub fn notes(&self, notes: &mut Vec<String>) {
        if self.customers_from_rows > 0 {
            notes.push(format!(
                "{} customer(s) were created from invoice, payment or contact rows (name or email on the row); \
                 a customers or companies export imported later fills in the rest",
                self.customers_from_rows
            ));
        }
        if self.made_payments > 0 {
            notes.push(format!(
                "{} payment(s) were made for invoices' paid amounts that no payments export linked",
                self.made_payments
            ));
        }
        if self.replaced_payments > 0 {
            notes.push(format!(
                "{} such payment(s) were replaced by the payments export's rows",
                self.replaced_payments
            ));
        }
        if self.refund_credits > 0 {
            notes.push(format!(
                "{} refund credit(s) cover paid invoices whose payment was later refunded",
                self.refund_credits
            ));
        }
        if self.unlinked > 0 {
            notes.push(format!(
                "{} payment(s) name invoices that are not in ardesk: left unapplied (customer credit)",
                self.unlinked
            ));
        }
        for n in self.left_open.iter().chain(&self.mismatched).chain(&self.overpaid) {
            notes.push(n.clone());
        }
    }
}

/// Draft, issued (open or paid: which one follows from the money),
/// cancelled, uncollectible: what a person can change.
pub(crate) fn class(s: InvoiceStatus) -> &'static str {
    match s {
        InvoiceStatus::Draft => "draft",
        InvoiceStatus::Open | InvoiceStatus::Paid => "issued",
        InvoiceStatus::Cancelled => "cancelled",
        InvoiceStatus::Uncollectible => "uncollectible",
    }
}

fn from_class(c: &str) -> InvoiceStatus {
    match c {
        "draft" => InvoiceStatus::Draft,
        "cancelled" => InvoiceStatus::Cancelled,
        "uncollectible" => InvoiceStatus::Uncollectible,
        _ => InvoiceStatus::Open,
    }
}

impl Run<'_, '_> {
    pub(crate) fn db_links(&mut self, src: ImportSource) -> Result<&HashMap<String, Vec<i64>>, ImportError> {
        if !self.money.db_links.contains_key(&src) {
            let mut m: HashMap<String, Vec<i64>> = HashMap::new();
            for (id, key) in self.itx.payment_links(src)? {
                m.entry(key).or_default().push(id);
            }
            self.money.db_links.insert(src, m);
        }
        Ok(&self.money.db_links[&src])
    }

    /// Whether `src` had no invoices here when its first invoice came.
    pub(crate) fn fresh(&mut self, src: ImportSource) -> Result<bool, ImportError> {
        if let Some(f) = self.money.fresh.get(&src) {
            return Ok(*f);
        }
        let f = !self.itx.source_has_invoices(src)?;
        self.money.fresh.insert(src, f);
        Ok(f)
    }

    /// Whether payments name this invoice: in this run, in the database.
    pub(crate) fn links_of(&mut self, src: ImportSource, inv: &ImportedInvoice) -> Result<(bool, bool), ImportError> {
        let number = || number_key(&inv.number);
        let runs = &self.money.run_links;
        let in_run = (!runs.is_empty() && (runs.contains(inv.external_id.as_str()) || runs.contains(&number())))
            || inv.payment_refs.iter().any(|r| self.money.run_payment_ids.contains(r));
        let db = self.db_links(src)?;
        let mut in_db = (!db.is_empty() && (db.contains_key(inv.external_id.as_str()) || db.contains_key(&number())))
            || inv.payment_refs.iter().any(|r| db.contains_key(&payment_key(r)));
        // With the external-id indexes lifted, `src` had no payments here
        // before this run and has only those made for its loaded invoices
        // since ("<invoice>#paid"), which no payment id names.
        if !self.itx.external_lifted() {
            for r in &inv.payment_refs {
                in_db = in_db || self.itx.find_payment(src, r)?.is_some();
            }
        }
        Ok((in_run, in_db))
    }

    /// Applies one invoice record; `raw` is its `source_raw` text (`raw_of`).
    pub fn apply_invoice(&mut self, src: ImportSource, inv: &ImportedInvoice, raw: String) -> Result<(), ImportError> {
        let (what, line, ext) = (Counted::Invoices, inv.line, inv.external_id.as_str());
        // An invoice nobody owes would be lost: refused, so the run fails
        // unless bad rows may be skipped, and listed either way.
        if inv.customer.external_id.is_empty() {
            self.refuse(line, what, "no customer on the invoice".into());
            return Ok(());
        }
        let Some(_) = self.resolve_customer(src, &inv.customer, inv.currency, "invoice")? else {
            let reason = format!(
                "unknown customer {}: import the customers export in the same run or before",
                inv.customer.external_id
            );
            self.refuse(line, what, reason);
            return Ok(());
        };
        let cust = self.adopt_currency(src, &inv.customer.external_id, inv.currency)?;
        let (in_run, in_db) = self.links_of(src, inv)?;
        // A source with no invoices here yet: insert straight away and let
        // the unique indexes catch what exists (two lookups fewer a row).
        let fresh = self.fresh(src)?;
        if !fresh && let Some((id, customer_id)) = self.itx.invoice_if_unchanged(src, ext, &raw)? {
            // What `update_invoice` does for an unchanged row, without reading it.
            self.count(customer_id, what, Outcome::Unchanged, src.label());
            if in_run {
                self.money.pending.insert(id, src);
            }
            return Ok(());
        }
        let existing = if fresh { None } else { self.itx.find_invoice(src, ext)? };
        if let Some(db) = existing {
            return self.update_invoice(src, inv, cust, db, raw, in_run);
        }
        let taken = |run: &mut Self, other: String| {
            let reason = format!("invoice number {} is already used by another invoice ({other})", inv.number);
            run.refuse(line, what, reason);
        };
        if !fresh && let Some(other) = self.itx.invoice_number_taken(&inv.number)? {
            taken(self, format!("#{other}"));
            return Ok(());
        }
        let provisional = in_run || in_db;
        let (status, paid, credit) = if provisional {
            (if inv.status == InvoiceStatus::Paid { InvoiceStatus::Open } else { inv.status }, 0, 0)
        } else {
            plan_of(inv)
        };
        let w = write_of(cust, inv, status, &raw);
        let id = match self.itx.try_insert_invoice(Some((src, ext)), &w)? {
            Inserted::New(id) => id,
            Inserted::NumberTaken => {
                taken(self, "not imported from this row".into());
                return Ok(());
            }
            Inserted::Exists => {
                let found = self.itx.find_invoice(src, ext)?;
                let db = found.ok_or_else(|| StoreError::NotFound(format!("invoice {ext}")))?;
                return self.update_invoice(src, inv, cust, db, raw, in_run);
            }
        };
        self.count(cust.id, what, Outcome::Created, src.label());
        if in_run {
            self.money.pending.insert(id, src);
        } else if in_db {
            self.settle(src, id)?;
        } else {
            if inv.status == InvoiceStatus::Paid && status != InvoiceStatus::Paid {
                self.left_open(&inv.number, paid + credit, inv.total_minor);
            }
            let on = inv.paid_on.unwrap_or(inv.issue_date);
            let extra = match inv.status.is_issued() {
                true => self.overpaid(&inv.number, inv.currency, inv.amount_paid_minor, inv.total_minor, paid > 0),
                false => 0,
            };
            let paid_row = format!("{ext}#paid");
            self.own_row(src, cust.id, id, &w, &paid_row, false, (paid, extra), on, None)?;
            let credit_row = format!("{ext}#credit");
            self.own_row(src, cust.id, id, &w, &credit_row, true, (credit, 0), inv.issue_date, None)?;
        }
        Ok(())
    }

    /// An invoice that exists: unchanged, or merged field by field.
    fn update_invoice(
        &mut self,
        src: ImportSource,
        inv: &ImportedInvoice,
        cust: Cust,
        db: InvoiceState,
        raw: String,
        in_run: bool,
    ) -> Result<(), ImportError> {
        let (what, line, ext) = (Counted::Invoices, inv.line, inv.external_id.as_str());
        if db.source_raw.as_deref() == Some(raw.as_str()) {
            self.count(db.customer_id, what, Outcome::Unchanged, src.label());
            if in_run {
                self.money.pending.insert(db.id, src);
            }
            return Ok(());
        }
        let base = baseline(db.source_raw.as_deref());
        let cid = db.customer_id;
        if cid != cust.id {
            self.conflict(
                cid,
                line,
                what,
                ext,
                "customer",
                "(the invoice's customer in ardesk)",
                &inv.customer.external_id,
            );
        }
        let m = |run: &mut Self, f: &str, d: &str, n: &str| run.merge(cid, line, what, ext, f, d, last(&base, f), n);
        let number = m(self, "number", &db.number, &inv.number);
        let mut issue = m(self, "issue_date", &iso(db.issue_date), &iso(inv.issue_date));
        let due = m(self, "due_date", &iso(db.due_date), &iso(inv.due_date));
        let opt = |d: Option<NaiveDate>| d.map(iso).unwrap_or_default();
        let p_start = m(self, "period_start", &opt(db.period.map(|p| p.0)), &opt(inv.period.map(|p| p.0)));
        let p_end = m(self, "period_end", &opt(db.period.map(|p| p.1)), &opt(inv.period.map(|p| p.1)));
        let mut cur = m(self, "currency", db.currency.code(), inv.currency.code());
        let mut total = m(self, "total", &db.total_minor.to_string(), &inv.total_minor.to_string());
        // Open and paid follow from the money, so a person's change is one of
        // class (cancelled, say), while any change of the source's status is
        // the file's.
        let last_status = last(&base, "status").and_then(InvoiceStatus::from_db).unwrap_or(db.status);
        let file_changed = last_status != inv.status;
        let user_changed = class(db.status) != class(last_status);
        let want_class = match (file_changed, user_changed) {
            (true, false) => class(inv.status),
            (true, true) if class(db.status) != class(inv.status) => {
                self.conflict(cid, line, what, ext, "status", db.status.as_db(), inv.status.as_db());
                class(db.status)
            }
            _ => class(db.status),
        };
        let mut number = number;
        if number != db.number && self.itx.invoice_number_taken(&number)?.is_some() {
            self.conflict(cid, line, what, ext, "number (taken by another invoice)", &db.number, &number);
            number = db.number.clone();
        }
        if db.applied_minor > 0 {
            let keep = |run: &mut Self, field: &str, old: String, new: &mut String| {
                if *new != old {
                    run.conflict(cid, line, what, ext, &format!("{field} (payments are applied)"), &old, new);
                    *new = old;
                }
            };
            keep(self, "issue_date", iso(db.issue_date), &mut issue);
            keep(self, "currency", db.currency.code().to_string(), &mut cur);
            if total.parse::<i64>().unwrap_or(0) < db.applied_minor {
                keep(self, "total", db.total_minor.to_string(), &mut total);
            }
        }
        let mut status = if want_class == class(db.status) { db.status } else { from_class(want_class) };
        if !status.is_issued() && db.applied_minor > 0 && !self.release_own(src, db.id)? {
            self.conflict(
                cid,
                line,
                what,
                ext,
                "status (money applied in ardesk)",
                db.status.as_db(),
                inv.status.as_db(),
            );
            status = db.status;
        }
        let period = match (p_start.as_str(), p_end.as_str()) {
            ("", _) | (_, "") => None,
            (a, b) => Some((from_iso(a), from_iso(b))),
        };
        let w = InvoiceWrite {
            customer_id: cid,
            contract_id: None,
            number: &number,
            issue_date: from_iso(&issue),
            due_date: from_iso(&due).max(from_iso(&issue)),
            period,
            currency: cur.parse().unwrap_or(db.currency),
            total_minor: total.parse().unwrap_or(db.total_minor),
            status,
            source_raw: &raw,
        };
        let changed = w.number != db.number
            || w.issue_date != db.issue_date
            || w.due_date != db.due_date
            || w.period != db.period
            || w.currency != db.currency
            || w.total_minor != db.total_minor
            || class(w.status) != class(db.status)
            || last(&base, "amount_paid") != Some(inv.amount_paid_minor.to_string().as_str())
            || last(&base, "credit_applied") != Some(inv.credit_applied_minor.to_string().as_str());
        self.itx.update_invoice(db.id, &w)?;
        self.count(cid, what, if changed { Outcome::Updated } else { Outcome::Unchanged }, src.label());
        if in_run {
            self.money.pending.insert(db.id, src);
        } else {
            self.settle(src, db.id)?;
        }
        Ok(())
    }
}

/// An invoice's `source_raw` text: the values imported and the row. It
/// depends on the record alone, so the parser thread renders it.
pub(crate) fn raw_of(inv: &ImportedInvoice) -> String {
    let (total, paid, credit) =
        (inv.total_minor.to_string(), inv.amount_paid_minor.to_string(), inv.credit_applied_minor.to_string());
    let mut f = Fields::new();
    f.str("number", &inv.number)
        .str("issue_date", &iso(inv.issue_date))
        .str("due_date", &iso(inv.due_date))
        .opt("period_start", inv.period.map(|p| iso(p.0)).as_deref())
        .opt("period_end", inv.period.map(|p| iso(p.1)).as_deref())
        .str("currency", inv.currency.code())
        .str("total", &total)
        .str("status", inv.status.as_db())
        .str("amount_paid", &paid)
        .str("credit_applied", &credit)
        .opt("paid_on", inv.paid_on.map(iso).as_deref())
        .str("customer", &inv.customer.external_id)
        .str("payment_refs", &inv.payment_refs.join(","));
    f.finish(&inv.raw)
}

/// Status and money of a new invoice that no payment names: what was paid
/// on it as far as its total goes, and the credit applied to it. A paid
/// amount past the total is the customer's (`Run::overpaid`).
pub(crate) fn plan_of(inv: &ImportedInvoice) -> (InvoiceStatus, i64, i64) {
    if !inv.status.is_issued() {
        return (inv.status, 0, 0);
    }
    let paid = inv.amount_paid_minor.clamp(0, inv.total_minor);
    let credit = inv.credit_applied_minor.clamp(0, inv.total_minor - paid);
    let status = match inv.status {
        InvoiceStatus::Uncollectible => InvoiceStatus::Uncollectible,
        _ if paid + credit >= inv.total_minor => InvoiceStatus::Paid,
        _ => InvoiceStatus::Open,
    };
    (status, paid, credit)
}

/// The link key of a payment's other id.
pub(crate) fn payment_key(id: &str) -> String {
    format!("#payment:{id}")
}

pub(crate) fn write_of<'a>(
    cust: Cust,
    inv: &'a ImportedInvoice,
    status: InvoiceStatus,
    raw: &'a str,
) -> InvoiceWrite<'a> {
    InvoiceWrite {
        customer_id: cust.id,
        contract_id: None,
        number: &inv.number,
        issue_date: inv.issue_date,
        due_date: inv.due_date.max(inv.issue_date),
        period: inv.period,
        currency: inv.currency,
        total_minor: inv.total_minor,
        status,
        source_raw: raw,
    }
}
