//! Invoices: keyed on (source, external id), merged field by field; new
//! ones that no payment names get their status and money at once, the rest
//! are settled (`settle`) once the payments they wait for are in.

use super::Cx;
use super::customers::{Cust, Customers};
use super::own::OwnFor;
use super::raw::{invoice_baseline, last};
use super::receivables::Receivables;
use crate::domain::date::{from_iso, iso};
use crate::domain::lines::Line;
use crate::domain::status::*;
use crate::import::ImportError;
use crate::import::parse::record::ImportedInvoice;
use crate::import::report::{Book, Counted, Outcome};
use crate::store::StoreError;
use crate::store::import::ImportOps;
use crate::store::import::{Inserted, InvoiceState, InvoiceWrite};
use crate::store::kept::{Kept, KeptRow};
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// Draft, issued (open or paid: which one follows from the money),
/// cancelled, uncollectible: what a person can change.
pub(super) fn class(s: InvoiceStatus) -> &'static str {
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

impl Receivables {
    /// Applies one invoice record; `raw` is what it keeps of its row
    /// (`invoice_raw`), `None` for a row known at sight to leave its
    /// invoice unchanged (`ImportedInvoice::known_unchanged`).
    pub fn apply_invoice<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        people: &mut Customers,
        src: ImportSource,
        inv: &ImportedInvoice,
        raw: Option<KeptRow>,
    ) -> Result<(), ImportError> {
        let (what, line, ext) = (Counted::Invoices, inv.line, inv.external_id.as_str());
        let Some(cust) = owner(cx, people, src, inv)? else { return Ok(()) };
        let (in_run, in_db) = self.links.of(cx.itx, src, inv)?;
        // A source with no invoices here yet: insert straight away and let
        // the unique indexes catch what exists (two lookups fewer a row).
        let fresh = self.fresh(cx.itx, src)?;
        // The invoice whose baseline is the row's: known at sight from the
        // row's print (`read::prints`: the baseline kept with that print is
        // the one this row maps to, and nothing of this run wrote it since,
        // `KnownLines::take`), else looked up.
        let unchanged = match (inv.known_unchanged(), &raw) {
            _ if fresh => None,
            (Some(known), _) => {
                crate::import::note_known_at_sight();
                Some(known)
            }
            (None, Some(raw)) => {
                let found = cx.itx.invoice_if_unchanged(src, ext, &raw.base)?;
                keep_print(cx, found.map(|f| f.0), raw)?;
                found
            }
            (None, None) => None,
        };
        if let Some((id, customer_id)) = unchanged {
            // What `update_invoice` does for an unchanged row, without reading it.
            cx.book.count(customer_id, what, Outcome::Unchanged, src.label());
            if in_run {
                self.pending.insert(id, src);
            }
            return Ok(());
        }
        // Only a source with invoices here knows rows at sight (`run`).
        let Some(raw) = raw else {
            return Err(ImportError::File {
                path: Default::default(),
                reason: format!("invoice {ext}: known unchanged at sight in a source new here"),
            });
        };
        let existing = if fresh { None } else { cx.itx.find_invoice(src, ext)? };
        if let Some(db) = existing {
            return self.update_invoice(cx, src, inv, cust, db, raw, in_run);
        }
        let taken = |book: &mut Book, other: String| {
            let reason = format!("invoice number {} is already used by another invoice ({other})", inv.number);
            book.refuse(line, what, reason);
        };
        if !fresh && let Some(other) = cx.itx.invoice_number_taken(&inv.number)? {
            taken(cx.book, format!("#{other}"));
            return Ok(());
        }
        // A Stripe invoice that used the customer's balance when the
        // customer has credit notes it may have come from: settled, which
        // takes it from them (`settle`), not made the import's own credit.
        let from_notes = src == ImportSource::Stripe
            && inv.credit_applied_minor > 0
            && inv.status.is_issued()
            && !cx.itx.credit_notes_left(cust.id, src, inv.currency, Some(inv.issue_date))?.is_empty();
        let provisional = in_run || in_db || from_notes;
        let (status, paid, credit) = if provisional {
            (if inv.status == InvoiceStatus::Paid { InvoiceStatus::Open } else { inv.status }, 0, 0)
        } else {
            plan_of(inv)
        };
        let w = write_of(cust, inv, status, &raw, cx.itx.today());
        let id = match cx.itx.try_insert_invoice(Some((src, ext)), &w)? {
            Inserted::New(id) => id,
            Inserted::NumberTaken => {
                taken(cx.book, "not imported from this row".into());
                return Ok(());
            }
            Inserted::Exists => {
                let found = cx.itx.find_invoice(src, ext)?;
                let db = found.ok_or_else(|| StoreError::NotFound(format!("invoice {ext}")))?;
                return self.update_invoice(cx, src, inv, cust, db, raw, in_run);
            }
        };
        cx.book.count(cust.id, what, Outcome::Created, src.label());
        if in_run {
            self.pending.insert(id, src);
        } else if in_db || from_notes {
            self.settle(cx, src, id)?;
        } else {
            let of = OwnFor { src, customer_id: cust.id, invoice_id: id, number: &inv.number, currency: inv.currency };
            self.own_money(cx, &of, inv, (status, paid, credit))?;
        }
        Ok(())
    }

    /// The money of a new invoice that no payment names, as its source
    /// says: the payment and credit the import makes for it, and what was
    /// paid beyond its total.
    fn own_money<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        of: &OwnFor<'_>,
        inv: &ImportedInvoice,
        (status, paid, credit): (InvoiceStatus, i64, i64),
    ) -> Result<(), ImportError> {
        if inv.status == InvoiceStatus::Paid && status != InvoiceStatus::Paid {
            self.left_open(&inv.number, paid + credit, inv.total_minor);
        }
        let on = inv.paid_on.unwrap_or(inv.issue_date);
        let extra = match inv.status.is_issued() {
            true => self.overpaid(&inv.number, inv.currency, inv.amount_paid_minor, inv.total_minor, paid > 0),
            false => 0,
        };
        let ext = &inv.external_id;
        self.own_row(cx, of, &format!("{ext}#paid"), false, (paid, extra), on, None)?;
        self.own_row(cx, of, &format!("{ext}#credit"), true, (credit, 0), inv.issue_date, None)
    }

    /// An invoice that exists: unchanged, or merged field by field.
    #[allow(clippy::too_many_arguments)]
    fn update_invoice<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        inv: &ImportedInvoice,
        cust: Cust,
        db: InvoiceState,
        raw: KeptRow,
        in_run: bool,
    ) -> Result<(), ImportError> {
        let (what, line, ext) = (Counted::Invoices, inv.line, inv.external_id.as_str());
        if db.import_base.as_deref() == Some(raw.base.as_slice()) {
            keep_print(cx, Some(db.id), &raw)?;
            cx.book.count(db.customer_id, what, Outcome::Unchanged, src.label());
            if in_run {
                self.pending.insert(db.id, src);
            }
            return Ok(());
        }
        let base = invoice_baseline(&db);
        let cid = db.customer_id;
        if cid != cust.id {
            let ours = "(the invoice's customer in ardesk)";
            cx.book.conflict(cid, line, what, ext, "customer", ours, &inv.customer.external_id);
        }
        let f = merge_fields(cx, inv, &db, &base)?;
        let mut status = if f.class == class(db.status) { db.status } else { from_class(f.class) };
        if !status.is_issued() && db.applied_minor > 0 && !self.release_own(cx, src, db.id)? {
            let field = "status (money applied in ardesk)";
            cx.book.conflict(cid, line, what, ext, field, db.status.as_db(), inv.status.as_db());
            status = db.status;
        }
        // Cancelled by this import: on the source's date, else the run's;
        // already cancelled: the date it has, or the source's if it had none.
        let cancelled_on = match db.status {
            InvoiceStatus::Cancelled => inv.voided_on,
            _ => Some(inv.voided_on.unwrap_or(cx.itx.today())),
        };
        let w = f.write(&db, status, &raw, &inv.lines, cancelled_on);
        let lines_changed = cx.itx.update_invoice(db.id, &w)?;
        let changed = lines_changed
            || w.memo != db.memo
            || w.number != db.number
            || w.issue_date != db.issue_date
            || w.due_date != db.due_date
            || w.period != db.period
            || w.currency != db.currency
            || w.total_minor != db.total_minor
            || class(w.status) != class(db.status)
            || last(&base, "amount_paid") != Some(inv.amount_paid_minor.to_string().as_str())
            || last(&base, "credit_applied") != Some(inv.credit_applied_minor.to_string().as_str());
        cx.book.count(cid, what, if changed { Outcome::Updated } else { Outcome::Unchanged }, src.label());
        if in_run {
            self.pending.insert(db.id, src);
        } else {
            self.settle(cx, src, db.id)?;
        }
        Ok(())
    }
}

/// Keeps the print of a row that left invoice `id` unchanged, so that the
/// next import knows the row at sight (`ImportTx::keep_line`).
fn keep_print<X: ImportOps>(cx: &mut Cx<'_, X>, id: Option<i64>, raw: &KeptRow) -> Result<(), ImportError> {
    if let (Some(id), Some(line)) = (id, Kept::Row(raw).line()) {
        cx.itx.keep_line(id, line)?;
    }
    Ok(())
}

/// The customer who owes an invoice, found or made from the row, with
/// the invoice's currency if it had only the default; `None`, and the row
/// refused, when the row names none.
fn owner<X: ImportOps>(
    cx: &mut Cx<'_, X>,
    people: &mut Customers,
    src: ImportSource,
    inv: &ImportedInvoice,
) -> Result<Option<Cust>, ImportError> {
    let (what, line) = (Counted::Invoices, inv.line);
    // An invoice nobody owes would be lost: refused, so the run fails
    // unless bad rows may be skipped, and listed either way.
    if inv.customer.external_id.is_empty() {
        cx.book.refuse(line, what, "no customer on the invoice".into());
        return Ok(None);
    }
    let Some(_) = people.resolve(cx, src, &inv.customer, inv.currency, "invoice")? else {
        let reason = format!(
            "unknown customer {}: import the customers export in the same run or before",
            inv.customer.external_id
        );
        cx.book.refuse(line, what, reason);
        return Ok(None);
    };
    Ok(Some(people.adopt_currency(cx, src, &inv.customer.external_id, inv.currency)?))
}

/// An invoice's fields after the three-way merge (`Book::merge`), as
/// text, and the class of status wanted.
struct Merged {
    number: String,
    issue: String,
    due: String,
    period: (String, String),
    currency: String,
    total: String,
    memo: String,
    class: &'static str,
}

impl Merged {
    /// What the invoice is written as: the merged fields (what does not
    /// read back as the stored form keeps the stored value), a due date
    /// never before the issue date, and the source's lines.
    fn write<'a>(
        &'a self,
        db: &InvoiceState,
        status: InvoiceStatus,
        raw: &'a KeptRow,
        lines: &'a [Line],
        cancelled_on: Option<NaiveDate>,
    ) -> InvoiceWrite<'a> {
        let period = match (self.period.0.as_str(), self.period.1.as_str()) {
            ("", _) | (_, "") => None,
            (a, b) => Some((from_iso(a), from_iso(b))),
        };
        InvoiceWrite {
            customer_id: db.customer_id,
            contract_id: None,
            number: &self.number,
            issue_date: from_iso(&self.issue),
            due_date: from_iso(&self.due).max(from_iso(&self.issue)),
            period,
            currency: self.currency.parse().unwrap_or(db.currency),
            total_minor: self.total.parse().unwrap_or(db.total_minor),
            status,
            kept: Kept::Row(raw),
            memo: &self.memo,
            lines,
            cancelled_on,
        }
    }
}

/// Merges a changed invoice's fields: the file's where only the file
/// changed them, the user's otherwise (a conflict when both did), and the
/// number, issue date, currency and total as they are where another
/// invoice has the number or payments are applied.
fn merge_fields<X: ImportOps>(
    cx: &mut Cx<'_, X>,
    inv: &ImportedInvoice,
    db: &InvoiceState,
    base: &Map<String, Value>,
) -> Result<Merged, ImportError> {
    let (what, line, ext) = (Counted::Invoices, inv.line, inv.external_id.as_str());
    let (cid, itx, book) = (db.customer_id, cx.itx, &mut *cx.book);
    let m = |book: &mut Book, f: &str, d: &str, n: &str| book.merge(cid, line, what, ext, f, d, last(base, f), n);
    let number = m(book, "number", &db.number, &inv.number);
    let mut issue = m(book, "issue_date", &iso(db.issue_date), &iso(inv.issue_date));
    let due = m(book, "due_date", &iso(db.due_date), &iso(inv.due_date));
    let opt = |d: Option<NaiveDate>| d.map(iso).unwrap_or_default();
    let p_start = m(book, "period_start", &opt(db.period.map(|p| p.0)), &opt(inv.period.map(|p| p.0)));
    let p_end = m(book, "period_end", &opt(db.period.map(|p| p.1)), &opt(inv.period.map(|p| p.1)));
    let mut cur = m(book, "currency", db.currency.code(), inv.currency.code());
    let mut total = m(book, "total", &db.total_minor.to_string(), &inv.total_minor.to_string());
    let memo = m(book, "memo", &db.memo, &inv.memo);
    // Open and paid follow from the money, so a person's change is one of
    // class (cancelled, say), while any change of the source's status is
    // the file's.
    let last_status = last(base, "status").and_then(InvoiceStatus::from_db).unwrap_or(db.status);
    let file_changed = last_status != inv.status;
    let user_changed = class(db.status) != class(last_status);
    let want_class = match (file_changed, user_changed) {
        (true, false) => class(inv.status),
        (true, true) if class(db.status) != class(inv.status) => {
            book.conflict(cid, line, what, ext, "status", db.status.as_db(), inv.status.as_db());
            class(db.status)
        }
        _ => class(db.status),
    };
    let mut number = number;
    if number != db.number && itx.invoice_number_taken(&number)?.is_some() {
        book.conflict(cid, line, what, ext, "number (taken by another invoice)", &db.number, &number);
        number = db.number.clone();
    }
    if db.applied_minor > 0 {
        let keep = |book: &mut Book, field: &str, old: String, new: &mut String| {
            if *new != old {
                book.conflict(cid, line, what, ext, &format!("{field} (payments are applied)"), &old, new);
                *new = old;
            }
        };
        keep(book, "issue_date", iso(db.issue_date), &mut issue);
        keep(book, "currency", db.currency.code().to_string(), &mut cur);
        if total.parse::<i64>().unwrap_or(0) < db.applied_minor {
            keep(book, "total", db.total_minor.to_string(), &mut total);
        }
    }
    Ok(Merged { number, issue, due, period: (p_start, p_end), currency: cur, total, memo, class: want_class })
}

/// Status and money of a new invoice that no payment names: what was paid
/// on it as far as its total goes, and the credit applied to it. A paid
/// amount past the total is the customer's (`Receivables::overpaid`).
pub(super) fn plan_of(inv: &ImportedInvoice) -> (InvoiceStatus, i64, i64) {
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

/// A new invoice as written; one that comes in cancelled is dated as its
/// source says, else on the run's day, `today`.
pub(super) fn write_of<'a>(
    cust: Cust,
    inv: &'a ImportedInvoice,
    status: InvoiceStatus,
    raw: &'a KeptRow,
    today: NaiveDate,
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
        kept: Kept::Row(raw),
        memo: &inv.memo,
        lines: &inv.lines,
        cancelled_on: Some(inv.voided_on.unwrap_or(today)),
    }
}
