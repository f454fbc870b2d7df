//! Stage 4, match and merge: source-neutral records into changes against
//! the database, written through the open transaction (stage 5, write:
//! `store::import::ImportTx`, and `store::load` for new invoices in bulk).
//! Takes records (`parse::record`) with the file they came from; gives
//! rows written, and every outcome in the book (stage 6, `report`).
//!
//! Records are matched on (source, external id); a customer from a report
//! without ids is matched on its name until its id arrives
//! (`name_keys`). Each field is merged three ways (`Book::merge`): a
//! user's edit in ardesk wins over the file and is reported as a conflict.
//! The steps, each with its own state and given explicitly what else it
//! needs (`Cx`: the transaction and the book):
//! - `customers`, `contacts`: the run's customers, found once;
//! - `invoices`, `bulk` (new invoices many to a statement), `payments`,
//!   `settle`: money (`receivables`), which settles an invoice against the
//!   payments that name it (`links`) once those are in;
//! - `refunds`: refunds keyed by their own ids, against the payment
//!   they refund (after every payment of the run);
//! - `credit_notes`: credit notes, and the credit payments put on invoices
//!   from them (credit, never money);
//! - `totals`: what one run may bring a customer, checked as rows arrive;
//! - `raw`: the `source_raw` every step keeps and compares.
//!
//! `Merger` is the stage: one method per kind of record, in the order the
//! run (`run`) calls them, and the write mode of a large run.

mod bulk;
mod contacts;
mod credit_notes;
mod customers;
mod invoices;
mod links;
mod name_keys;
mod own;
mod payments;
pub(crate) mod raw;
mod receivables;
mod refunds;
mod settle;
pub(crate) mod totals;

use crate::domain::Currency;
use crate::domain::status::ImportSource;
use crate::import::ImportError;
use crate::import::parse::record::*;
use crate::import::report::{Book, Counted, FileReport, ImportReport, Switch};
use crate::store::import::ImportOps;
use customers::Customers;
use receivables::Receivables;
use totals::{Kind, RunTotals};

use crate::store::kept::KeptRow;
use crate::store::known_lines::KnownLines;
pub(crate) use raw::invoice_raw;

/// Bytes an invoice row takes at least in a CSV export, to reckon how many
/// rows a file holds.
const LOAD_ROW_BYTES: u64 = 200;

/// A file's prints are loaded when it may hold at least one row in this
/// many of the invoices here: reading every print costs about a seventh of
/// looking each row up.
const KNOWN_LINES_RATIO: u64 = 5;

/// What every step works with: the open transaction (the write stage) and
/// the book (the report stage).
pub(crate) struct Cx<'a, X> {
    pub itx: &'a X,
    pub book: &'a mut Book,
}

/// An invoice record waiting in a batch, with what it keeps of its row:
/// `None` when the row is known at sight to leave its invoice unchanged
/// (`ImportedInvoice::known_unchanged`), which keeps nothing new.
pub(crate) struct Queued {
    pub file: usize,
    pub src: ImportSource,
    pub inv: ImportedInvoice,
    pub raw: Option<KeptRow>,
}

pub(crate) struct Merger<'r, X: ImportOps> {
    itx: &'r mut X,
    book: Book,
    customers: Customers,
    receivables: Receivables,
    totals: RunTotals,
    allow_test_mode: bool,
}

impl<'r, X: ImportOps> Merger<'r, X> {
    pub fn new(itx: &'r mut X, allow_test_mode: bool) -> Result<Self, ImportError> {
        let default_currency = itx.default_currency()?;
        let today = chrono::Utc::now().date_naive();
        Ok(Merger {
            itx,
            book: Book::default(),
            customers: Customers::new(default_currency, today),
            receivables: Receivables::default(),
            totals: RunTotals::default(),
            allow_test_mode,
        })
    }

    /// The organization's default currency.
    pub fn default_currency(&self) -> Currency {
        self.customers.default_currency()
    }

    /// A file of the run; its number.
    pub fn add_file(&mut self, f: FileReport) -> usize {
        self.book.add_file(f)
    }

    pub fn note(&mut self, text: String) {
        self.book.note(text);
    }

    /// A row of `file` that did not become a record.
    pub fn issue(&mut self, file: usize, line: usize, kind: IssueKind, object: ObjectKind, reason: String) {
        self.book.row_of(file);
        self.book.issue(file, line, kind, Counted::of(object), reason);
    }

    /// Counts a record of `file` and says whether it may be merged: not
    /// test-mode data unless allowed, and not taking what the run brings
    /// its customer past the bounds (`totals`); else it is refused.
    pub fn admit(&mut self, file: usize, source: ImportSource, record: &Record) -> bool {
        self.book.row_of(file);
        let refused = if record.test_mode() && !self.allow_test_mode {
            Err((format!("{} test-mode data", source.label()), Some(Switch::AllowTestMode)))
        } else {
            self.add_up(source, record).map_err(|reason| (reason, None))
        };
        match refused {
            Ok(()) => true,
            Err((reason, remedy)) => {
                let what = Counted::of(record.kind());
                self.book.issue_unless(file, record.line(), IssueKind::Refused, what, reason, remedy);
                false
            }
        }
    }

    /// Adds a record's money to its customer's run totals.
    fn add_up(&mut self, source: ImportSource, record: &Record) -> Result<(), String> {
        let src = Some(source);
        match record {
            Record::Invoice(i) => self.totals.add(
                src,
                &i.customer.external_id,
                i.currency,
                &[
                    (Kind::Invoices, i.total_minor),
                    (Kind::Payments, i.amount_paid_minor),
                    (Kind::Credits, i.credit_applied_minor),
                ],
            ),
            Record::Payment(p) => {
                self.totals.add(src, &p.customer.external_id, p.currency, &[(Kind::Payments, p.amount_minor)])
            }
            Record::Customer(c) => {
                let cur = c.currency.unwrap_or(self.default_currency());
                self.totals.add(src, &c.external_id, cur, &[(Kind::Credits, c.credit_minor)])
            }
            // A refund takes money back from a payment already counted.
            Record::Contact(_) | Record::Refund(_) => Ok(()),
            Record::CreditNote(c) => {
                let amount = if c.voided_on.is_some() { 0 } else { c.amount_minor };
                self.totals.add(src, &c.customer.external_id, c.currency, &[(Kind::Credits, amount)])
            }
        }
    }

    /// The rows that follow are of `file` (where their issues and
    /// conflicts are placed).
    pub fn at_file(&mut self, file: usize) {
        self.book.at_file(file);
    }

    /// Runs a step with the transaction and the book.
    fn step<T>(&mut self, f: impl FnOnce(&mut Cx<'_, X>, &mut Customers, &mut Receivables) -> T) -> T {
        let mut cx = Cx { itx: &*self.itx, book: &mut self.book };
        f(&mut cx, &mut self.customers, &mut self.receivables)
    }

    pub fn customer(&mut self, file: usize, src: ImportSource, c: &ImportedCustomer) -> Result<(), ImportError> {
        self.at_file(file);
        self.step(|cx, people, _| people.apply(cx, src, c))
    }

    pub fn contact(&mut self, file: usize, src: ImportSource, c: &ImportedContact) -> Result<(), ImportError> {
        self.at_file(file);
        self.step(|cx, people, _| contacts::apply_contact(cx, people, src, c))
    }

    pub fn credit_note(&mut self, file: usize, src: ImportSource, c: &ImportedCreditNote) -> Result<(), ImportError> {
        self.at_file(file);
        self.step(|cx, people, money| money.apply_credit_note(cx, people, src, c))
    }

    pub fn payment(&mut self, file: usize, src: ImportSource, p: &ImportedPayment) -> Result<(), ImportError> {
        self.at_file(file);
        self.step(|cx, people, money| money.apply_payment(cx, people, src, p))
    }

    pub fn refund(&mut self, file: usize, src: ImportSource, r: &ImportedRefund) -> Result<(), ImportError> {
        self.at_file(file);
        self.step(|cx, _, money| money.apply_refund(cx, src, r))
    }

    /// A batch of invoices (each with its file), applied sorted by
    /// customer and number so that the indexes are written in order.
    pub fn invoices(&mut self, mut batch: Vec<Queued>) -> Result<(), ImportError> {
        batch.sort_by(|a, b| {
            (&a.inv.customer.external_id, &a.inv.number).cmp(&(&b.inv.customer.external_id, &b.inv.number))
        });
        self.step(|cx, people, money| money.apply_sorted(cx, people, batch))
    }

    /// Remembers which invoice a payment of this run names, so that
    /// invoice is settled once the payments are in.
    pub fn note_link(&mut self, p: &ImportedPayment) {
        self.receivables.links.note_run(p);
    }

    /// Settles the invoices that waited for this run's payments, then
    /// compares the credit notes with what their source says is left, then
    /// settles the Stripe customers' balance credit against their credit
    /// notes (`Customers::settle_balances`).
    pub fn settle_pending(&mut self) -> Result<(), ImportError> {
        self.step(|cx, people, money| {
            money.settle_pending(cx)?;
            money.check_remaining(cx)?;
            people.settle_balances(cx, std::mem::take(&mut money.balance_dirty))
        })
    }

    /// The transaction, the book and the run's totals, for ardesk's own
    /// format, which merges as it reads (`ardesk::import`).
    pub fn native<T>(&mut self, file: usize, f: impl FnOnce(&mut Cx<'_, X>, &mut RunTotals) -> T) -> T {
        self.at_file(file);
        let mut cx = Cx { itx: &*self.itx, book: &mut self.book };
        f(&mut cx, &mut self.totals)
    }

    // Write mode --------------------------------------------------------

    /// Lifts the summary triggers for a large run (`ImportTx::begin_bulk`).
    pub fn begin_bulk(&mut self) -> Result<(), ImportError> {
        Ok(self.itx.begin_bulk()?)
    }

    pub fn is_bulk(&self) -> bool {
        self.itx.is_bulk()
    }

    /// A bulk run whose invoice files (source and bytes) are all new to
    /// their sources and large next to the invoices already here loads
    /// them with the screen indexes dropped (`store::bulk`), and the
    /// external-id ones too when those sources have no payments here
    /// either; they are built again once the invoices are in (the
    /// external-id ones sooner, as soon as a row is looked up by its id).
    pub fn lift_indexes_for(&mut self, invoices: &[(ImportSource, u64)]) -> Result<(), ImportError> {
        if !self.itx.is_bulk() || invoices.is_empty() {
            return Ok(());
        }
        for (source, _) in invoices {
            if !self.receivables.fresh(self.itx, *source)? {
                return Ok(());
            }
        }
        let rows = invoices.iter().map(|(_, bytes)| bytes).sum::<u64>() / LOAD_ROW_BYTES;
        if rows >= self.itx.invoice_rows_at_most()?.max(0) as u64 {
            let mut external = true;
            for (source, _) in invoices {
                external = external && !self.itx.source_has_payments(*source)?;
            }
            self.itx.lift_indexes(external)?;
        }
        Ok(())
    }

    /// The prints of `src`'s invoices here, for a file of about `bytes`
    /// of its invoice rows whose parser asks after them: `None` when the
    /// source is new here (no row can be known), when the store keeps no
    /// prints, or when the file is small next to the invoices here (a
    /// lookup per row costs less than reading them all).
    pub fn known_lines(&mut self, src: ImportSource, bytes: u64) -> Result<Option<KnownLines>, ImportError> {
        if self.receivables.fresh(self.itx, src)? {
            return Ok(None);
        }
        let rows = bytes / LOAD_ROW_BYTES;
        if rows.saturating_mul(KNOWN_LINES_RATIO) < self.itx.invoice_rows_at_most()?.max(0) as u64 {
            return Ok(None);
        }
        Ok(self.itx.known_lines(src)?)
    }

    pub fn indexes_lifted(&self) -> bool {
        self.itx.indexes_lifted()
    }

    pub fn restore_indexes(&mut self) -> Result<(), ImportError> {
        Ok(self.itx.restore_indexes()?)
    }

    // The end ------------------------------------------------------------

    /// Writes the audit rows: one per customer whose rows changed.
    pub fn write_audit(&mut self) -> Result<(), ImportError> {
        self.book.write_audit(self.itx)
    }

    pub fn report(&self) -> &ImportReport {
        self.book.report()
    }

    /// Ends bulk mode before the commit: summaries of the customers the
    /// run touched added up again, indexes built again.
    pub fn end_bulk(&mut self) -> Result<(), ImportError> {
        let touched = self.book.touched();
        Ok(self.itx.end_bulk(&touched)?)
    }

    /// The report, with what the steps have to say in its notes.
    pub fn close(self) -> ImportReport {
        let mut notes = Vec::new();
        self.customers.notes(&mut notes, |n| self.receivables.notes(n));
        self.book.close(notes)
    }
}
