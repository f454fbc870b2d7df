//! Credit notes (a QuickBooks `CreditMemo`, a Stripe `credit_note`) and the
//! credit a source's payments put on invoices from them
//! (`ImportedPayment::credit_uses`) or the credit note itself does
//! (`ImportedCreditNote::applied`, a Stripe credit note's parts).
//!
//! A credit note is credit, never money: a `credits` row of kind
//! 'credit_note' with the source's number, date, amount and status; what it
//! settles are applications of credit, which lower Total Billed and never
//! count in Total Collected or Avg. Days to Collect. What is not applied is
//! the customer's credit. Keyed on (source, external id): the same export
//! again changes nothing, a newer one updates what changed. A void (in a
//! newer export) reverses its applications as of the void's date and
//! leaves it counting nowhere; a credit note voided in ardesk stays voided
//! whatever the source says.
//!
//! The credit a payment applies is keyed on (credit note, invoice, the
//! payment's date): importing it again finds it there; a newer export
//! that changes the amount reverses the old application and makes the new
//! one. The invoice is settled again afterwards (`settle`), where the
//! credit counts towards what its source says was paid, so no payment is
//! made for the credited part.

use super::Cx;
use super::customers::Customers;
use super::receivables::Receivables;
use crate::domain::Money;
use crate::domain::status::*;
use crate::import::ImportError;
use crate::import::parse::record::*;
use crate::import::report::{Counted, Outcome};
use crate::store::import::ImportOps;
use crate::store::import::{AppsOf, CreditNoteWrite, InvoiceState};
use chrono::NaiveDate;

/// What the source calls a credit note.
fn noun(src: ImportSource) -> &'static str {
    if src == ImportSource::QuickBooks { "credit memo" } else { "credit note" }
}

/// The reason kept on an imported credit note: the source's memo, or what
/// it is.
fn reason_of(src: ImportSource, c: &ImportedCreditNote) -> String {
    let memo = c.reason.trim();
    let text = if memo.is_empty() { format!("{} {} {}", src.label(), noun(src), c.number) } else { memo.to_string() };
    text.chars().take(1000).collect()
}

impl Receivables {
    pub fn apply_credit_note<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        people: &mut Customers,
        src: ImportSource,
        c: &ImportedCreditNote,
    ) -> Result<(), ImportError> {
        let (what, line, ext) = (Counted::CreditNotes, c.line, c.external_id.as_str());
        let Some(_) = people.resolve(cx, src, &c.customer, c.currency, "credit note")? else {
            let reason = format!(
                "{} {ext} is for unknown customer {}: import the customers export in the same run or before",
                noun(src),
                c.customer.external_id
            );
            cx.book.refuse(line, what, reason);
            return Ok(());
        };
        let cust = people.adopt_currency(cx, src, &c.customer.external_id, c.currency)?;
        // What the credit note puts on invoices needs them here, of its
        // customer and currency: checked before anything of it is written.
        let mut targets = Vec::with_capacity(c.applied.len());
        for (r, amount) in c.applied.iter().filter(|_| c.voided_on.is_none()) {
            let name = match r {
                InvoiceRef::External(x) | InvoiceRef::Number(x) => x,
            };
            match find(cx, src, r)? {
                Some(inv) if inv.customer_id == cust.id && inv.currency == c.currency => targets.push((inv, *amount)),
                Some(_) => {
                    let reason = format!("credit note {ext} credits invoice {name} of another customer or currency");
                    cx.book.refuse(line, what, reason);
                    return Ok(());
                }
                None => {
                    let reason = format!(
                        "credit note {ext} credits invoice {name}, which is neither in this run nor in ardesk: import \
                         the invoices in the same run or before"
                    );
                    cx.book.refuse(line, what, reason);
                    return Ok(());
                }
            }
        }
        if src == ImportSource::Stripe {
            self.balance_used(cx, src, cust.id, c)?;
        }
        let existing = cx.itx.find_credit_note(src, ext)?;
        if let Some(db) = &existing
            && (db.customer_id != cust.id || db.currency != c.currency || !db.credit_note)
        {
            let reason =
                format!("{} {ext} is in ardesk for another customer or currency, or as granted credit", noun(src));
            cx.book.refuse(line, what, reason);
            return Ok(());
        }
        let Some(db) = existing else {
            if c.voided_on.is_some() {
                cx.book.skip(
                    line,
                    what,
                    format!("{} {ext} was voided in {} before ardesk had it", noun(src), src.label()),
                );
                return Ok(());
            }
            let id = self.new_credit_note(cx, src, cust.id, c)?;
            return self.put_applied(cx, src, id, c, &targets);
        };
        if db.voided_on.is_some() {
            // A void is final, in ardesk as in the source.
            cx.book.count(cust.id, what, Outcome::Unchanged, src.label());
            if c.voided_on.is_none() {
                self.said.voided_here.push(format!(
                    "{} {} is voided in ardesk but not in {}: it stays voided",
                    noun(src),
                    c.number,
                    src.label()
                ));
            }
            return Ok(());
        }
        if let Some(on) = c.voided_on {
            for invoice in cx.itx.void_credit_note(db.id, on)? {
                self.pending.insert(invoice, src);
            }
            cx.book.touch(cust.id);
            cx.book.count(cust.id, what, Outcome::Updated, src.label());
            return Ok(());
        }
        let reason = reason_of(src, c);
        let number = self.number_for(cx, src, c, Some(db.id))?;
        let invoice_id = self.against(cx, src, cust.id, c)?;
        let w = CreditNoteWrite {
            customer_id: cust.id,
            issued_on: c.issued_on,
            amount_minor: c.amount_minor,
            currency: c.currency,
            reason: &reason,
            number: &number,
            invoice_id,
        };
        let lines_same = cx.itx.credit_note_lines(db.id)? == c.lines;
        let same = db.issued_on == w.issued_on
            && db.amount_minor == w.amount_minor
            && db.reason == reason
            && db.number.as_deref() == Some(number.as_str())
            && db.invoice_id == invoice_id
            && lines_same;
        if !lines_same {
            cx.itx.set_credit_note_lines(db.id, &c.lines)?;
        }
        if same {
            cx.book.count(cust.id, what, Outcome::Unchanged, src.label());
        } else {
            // Less credit than is applied of it: the newest applications go
            // first, and their invoices are settled again.
            let mut applied = db.applied_minor;
            for a in cx.itx.applications(db.id, AppsOf::Credit)?.into_iter().rev() {
                if applied <= w.amount_minor {
                    break;
                }
                cx.itx.reverse_application(a.id)?;
                self.pending.insert(a.invoice_id, src);
                applied -= a.amount_minor;
            }
            cx.itx.update_credit_note(db.id, &w)?;
            cx.book.touch(cust.id);
            cx.book.count(cust.id, what, Outcome::Updated, src.label());
        }
        self.remaining.push((db.id, src, c.number.clone(), c.remaining_minor));
        self.put_applied(cx, src, db.id, c, &targets)
    }

    /// A Stripe credit note's customer-balance part is in the customer's
    /// balance, which later invoices use (`total − amount_due`): the
    /// customer's invoices dated from it on that hold the import's own
    /// credit for what they used are settled again, to take it from the
    /// credit notes instead (`settle`), and the customer's balance credit
    /// is settled again at the end of the run.
    fn balance_used<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        customer_id: i64,
        c: &ImportedCreditNote,
    ) -> Result<(), ImportError> {
        self.balance_dirty.insert(customer_id);
        for id in cx.itx.invoices_with_own_credit(customer_id, src, c.issued_on)? {
            self.pending.insert(id, src);
        }
        Ok(())
    }

    /// Puts what the credit note itself applies (`ImportedCreditNote::applied`)
    /// on its invoices, on its date.
    fn put_applied<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        id: i64,
        c: &ImportedCreditNote,
        targets: &[(InvoiceState, i64)],
    ) -> Result<(), ImportError> {
        for (inv, amount) in targets {
            self.put_credit(cx, src, id, inv, *amount, c.issued_on)?;
        }
        Ok(())
    }

    fn new_credit_note<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        customer_id: i64,
        c: &ImportedCreditNote,
    ) -> Result<i64, ImportError> {
        let reason = reason_of(src, c);
        let number = self.number_for(cx, src, c, None)?;
        let invoice_id = self.against(cx, src, customer_id, c)?;
        let w = CreditNoteWrite {
            customer_id,
            issued_on: c.issued_on,
            amount_minor: c.amount_minor,
            currency: c.currency,
            reason: &reason,
            number: &number,
            invoice_id,
        };
        let id = cx.itx.insert_credit_note((src, &c.external_id), &w)?;
        if !c.lines.is_empty() {
            cx.itx.set_credit_note_lines(id, &c.lines)?;
        }
        cx.book.touch(customer_id);
        cx.book.count(customer_id, Counted::CreditNotes, Outcome::Created, src.label());
        self.remaining.push((id, src, c.number.clone(), c.remaining_minor));
        Ok(id)
    }

    /// The number a credit note takes: the source's, unless another credit
    /// note has it (numbers are unique among credit notes, ardesk's own
    /// included), then the source's name before it, then its id too.
    fn number_for<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        c: &ImportedCreditNote,
        this: Option<i64>,
    ) -> Result<String, ImportError> {
        let candidates = [
            c.number.clone(),
            format!("{} {}", src.label(), c.number),
            format!("{} {} ({})", src.label(), c.number, c.external_id),
        ];
        for n in &candidates {
            let n: String = n.chars().take(64).collect();
            match cx.itx.credit_note_number_taken(&n)? {
                Some(id) if Some(id) != this => continue,
                _ => {
                    if n != c.number {
                        self.said.renumbered.push(format!(
                            "credit memo {}: another credit note has that number, so it is {n} in ardesk",
                            c.number
                        ));
                    }
                    return Ok(n);
                }
            }
        }
        Err(ImportError::File {
            path: Default::default(),
            reason: format!("credit memo {} ({}): every number it could take is taken", c.number, c.external_id),
        })
    }

    /// The invoice a credit note was issued against, when its source names
    /// one of the same customer that is in ardesk.
    fn against<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        customer_id: i64,
        c: &ImportedCreditNote,
    ) -> Result<Option<i64>, ImportError> {
        let Some(r) = &c.invoice else { return Ok(None) };
        let found = find(cx, src, r)?;
        Ok(found.filter(|i| i.customer_id == customer_id && i.currency == c.currency).map(|i| i.id))
    }

    /// Puts the credit a payment of `src` (of customer `customer_id`, dated
    /// `on`) applies from credit notes on its invoices. `Err` with the
    /// reason when a credit note it names is not there to use (the row is
    /// refused, before anything of it is written).
    pub fn check_credit_uses<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        customer_id: i64,
        p: &ImportedPayment,
    ) -> Result<Result<(), String>, ImportError> {
        for u in &p.credit_uses {
            let Some(cn) = cx.itx.find_credit_note(src, &u.credit_note)? else {
                return Ok(Err(format!(
                    "payment {} applies credit memo {}, which is neither in this run nor in ardesk: import the \
                     credit memos in the same run or before",
                    p.external_id, u.credit_note
                )));
            };
            if cn.customer_id != customer_id || cn.currency != p.currency {
                return Ok(Err(format!(
                    "payment {} applies credit memo {} of another customer or currency",
                    p.external_id, u.credit_note
                )));
            }
        }
        Ok(Ok(()))
    }

    /// Applies a payment's credit uses (checked by `check_credit_uses`).
    pub fn apply_credit_uses<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        p: &ImportedPayment,
    ) -> Result<(), ImportError> {
        for u in &p.credit_uses {
            let Some(cn) = cx.itx.find_credit_note(src, &u.credit_note)? else { continue };
            let Some(inv) = find(cx, src, &u.invoice)? else {
                self.said.credit_unlinked.push(format!(
                    "credit memo {}: {} for invoice {}, which is not in ardesk, stays unapplied (customer credit)",
                    cn.number.as_deref().unwrap_or(&u.credit_note),
                    Money::new(u.amount_minor, p.currency).display(),
                    match &u.invoice {
                        InvoiceRef::External(x) | InvoiceRef::Number(x) => x,
                    }
                ));
                continue;
            };
            if inv.customer_id != cn.customer_id || inv.currency != cn.currency {
                self.said.mismatched.push(format!(
                    "credit memo {} names invoice {} of another customer or currency: not applied",
                    u.credit_note, inv.number
                ));
                continue;
            }
            if cn.voided_on.is_some() {
                self.said.voided_here.push(format!(
                    "credit memo {} is voided in ardesk: its credit is not put on invoice {}",
                    u.credit_note, inv.number
                ));
                continue;
            }
            self.put_credit(cx, src, cn.id, &inv, u.amount_minor, p.received_on)?;
        }
        Ok(())
    }

    /// Makes credit note `credit`'s live applications to `inv` dated `on`
    /// add up to `amount`, within what the credit note and the invoice have
    /// room for (the import's own stand-in rows for the invoice make way).
    fn put_credit<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        credit: i64,
        inv: &InvoiceState,
        amount: i64,
        on: NaiveDate,
    ) -> Result<(), ImportError> {
        let apps = cx.itx.applications(credit, AppsOf::Credit)?;
        let here: Vec<_> = apps.iter().filter(|a| a.invoice_id == inv.id && a.applied_on == on).collect();
        if here.iter().map(|a| a.amount_minor).sum::<i64>() == amount {
            return Ok(());
        }
        for a in &here {
            cx.itx.reverse_application(a.id)?;
        }
        self.pending.insert(inv.id, src);
        cx.book.touch(inv.customer_id);
        if !inv.status.is_issued() {
            self.said.credit_unlinked.push(format!(
                "credit for invoice {}, which is not issued (a draft or voided), is not applied",
                inv.number
            ));
            return Ok(());
        }
        let cn_left = cx.itx.credit_note_by_id(credit)?.map_or(0, |c| c.amount_minor - c.applied_minor);
        let mut room = inv.total_minor - cx.itx.invoice(inv.id)?.applied_minor;
        if room < amount {
            self.release_stand_ins(cx, src, inv.id)?;
            room = inv.total_minor - cx.itx.invoice(inv.id)?.applied_minor;
        }
        let put = amount.min(room).min(cn_left);
        if put > 0 {
            cx.itx.apply(inv.id, credit, true, put, on)?;
        }
        if put < amount {
            self.said.credit_short.push(format!(
                "{} of credit for invoice {} finds room for {} only (the invoice or the credit memo has less left)",
                Money::new(amount, inv.currency).display(),
                inv.number,
                Money::new(put.max(0), inv.currency).display()
            ));
        }
        Ok(())
    }

    /// Removes the payment and credits the import made for an invoice
    /// ("…#paid", "…#refund", "…#credit"): settling it again makes what is
    /// still missing once the credit is on it.
    fn release_stand_ins<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        invoice_id: i64,
    ) -> Result<(), ImportError> {
        for a in cx.itx.applications(invoice_id, AppsOf::Invoice)? {
            let made = a.from_external_id.as_deref().is_some_and(|e| e.contains('#'));
            if a.from_source != Some(src) || !made {
                continue;
            }
            let customer = cx.itx.invoice(invoice_id)?.customer_id;
            match (a.payment_id, a.credit_id) {
                (Some(p), _) => {
                    cx.itx.delete_payment(p)?;
                    cx.book.count(customer, Counted::Payments, Outcome::Updated, src.label());
                    self.said.replaced_payments += 1;
                }
                (None, Some(c)) => {
                    cx.itx.delete_credit(c)?;
                    cx.book.count(customer, Counted::Credits, Outcome::Updated, src.label());
                }
                (None, None) => {}
            }
        }
        Ok(())
    }

    /// Where the source's `RemainingCredit` and ardesk's unapplied credit
    /// differ once every payment is in: said, never forced (the payments
    /// that applied it say where, and they may not be in ardesk).
    pub fn check_remaining<X: ImportOps>(&mut self, cx: &mut Cx<'_, X>) -> Result<(), ImportError> {
        for (id, src, number, remaining) in std::mem::take(&mut self.remaining) {
            let Some(remaining) = remaining else { continue };
            let Some(cn) = cx.itx.credit_note_by_id(id)? else { continue };
            let cur = cn.currency;
            let left = cn.amount_minor - cn.applied_minor;
            if cn.voided_on.is_none() && left != remaining {
                let m = |v: i64| Money::new(v, cur).display();
                self.said.remaining.push(format!(
                    "credit memo {number}: {} says {} is left to apply, ardesk has {} (the payments that applied \
                     it are not all here)",
                    src.label(),
                    m(remaining),
                    m(left)
                ));
            }
        }
        Ok(())
    }
}

/// The invoice a reference names, of `src`.
fn find<X: ImportOps>(
    cx: &mut Cx<'_, X>,
    src: ImportSource,
    r: &InvoiceRef,
) -> Result<Option<InvoiceState>, ImportError> {
    Ok(match r {
        InvoiceRef::External(x) => cx.itx.find_invoice(src, x)?,
        InvoiceRef::Number(n) => cx.itx.invoice_by_number(n)?,
    })
}
