//! Credit notes and small-balance adjustments: credit of a kind of its own
//! (schema 10), never collection (it lowers Total Billed where applied,
//! and is Credit Balance where not).
//!
//! A credit note against an invoice is applied to it up to its balance on
//! its date; what goes past the balance is customer credit, or, when the
//! user asks, refunded: that much of the money applied to the invoice is
//! taken back (newest application first) and refunded on those payments
//! through the refund path (`refunds::refund_in`: a `refunds` row each,
//! Total Collected falls), and the credit note takes its place on the
//! invoice, which ends settled by money and the credit note. A standalone
//! credit note is customer credit.
//!
//! A small-balance write-off closes an open invoice left a little short:
//! an `adjustment` credit of exactly its balance, applied to it, and the
//! invoice is paid. Balances above the organization's limit are refused
//! unless the user said so.
//!
//! A credit note or an adjustment can be voided on a date (not before its
//! own): its live applications are reversed with that date (the invoices
//! owe again; paid ones are open again) and what was unapplied leaves the
//! Credit Balance; a void is final. A credit note that refunded money
//! cannot be voided: the refund is money that left, and voiding the note
//! would leave it refunding nothing; issue a new invoice for what is owed
//! again instead. Granted credit is not voided (unapply it instead).

use super::refunds::{refund_in, reopen_if_owing, reverse};
use super::{allocate, amount_in_bounds, customer_currency, dates_in_bounds, invalid, versioned};
use crate::domain::date::iso;
use crate::domain::edit::{CREDIT_REASON_MAX, CreditNoteDraft, MAX_CREDIT_NOTE_SEQ, RefundDraft};
use crate::domain::status::InvoiceStatus;
use crate::domain::{Currency, Money};
use crate::store::inserts::{self, NewCreditRow};
use crate::store::seed::AppliedFrom;
use crate::store::tabs::date;
use crate::store::{Audit, Result, Store, StoreError, now_utc};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde_json::json;

/// Money a credit note's excess refunds from one payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRefund {
    pub payment_id: i64,
    /// "payment WIRE-7" or "payment #12".
    pub label: String,
    pub amount_minor: i64,
}

/// What issuing a credit note does (or did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNotePlan {
    /// Its number (the next of the sequence in a preview).
    pub number: String,
    /// Its id once issued (0 in a preview).
    pub credit_id: i64,
    pub currency: Currency,
    pub amount_minor: i64,
    /// (id, number) of the invoice it is issued against.
    pub invoice: Option<(i64, String)>,
    /// What the invoice's balance falls by.
    pub balance_falls_minor: i64,
    /// What stays unapplied on the note: customer credit.
    pub to_credit_minor: i64,
    /// The excess refunded, per payment.
    pub refunds: Vec<NoteRefund>,
    /// The invoice owes nothing after it (and is paid).
    pub closes: bool,
}

impl CreditNotePlan {
    pub fn refunded_minor(&self) -> i64 {
        self.refunds.iter().map(|r| r.amount_minor).sum()
    }
}

/// What voiding a credit note or an adjustment does (or did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoidPlan {
    /// "credit note CN-000001" or "adjustment on INV-000004".
    pub label: String,
    pub currency: Currency,
    /// (number, amount) taken off each invoice it was applied to.
    pub unapplied: Vec<(String, i64)>,
    /// What was unapplied on it and leaves the Credit Balance.
    pub leaves_credit_minor: i64,
}

/// A reason as stored: trimmed, required, at most `CREDIT_REASON_MAX`
/// characters. Kept as typed; what reaches a terminal is cleaned there.
pub(crate) fn checked_reason<'a>(reason: &'a str, what: &str) -> Result<&'a str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid(format!("say why the {what} is issued")));
    }
    let long = reason.chars().count();
    if long > CREDIT_REASON_MAX {
        return Err(invalid(format!("the reason is {long} characters long; at most {CREDIT_REASON_MAX} are kept")));
    }
    Ok(reason)
}

pub(crate) fn parse_currency(cur: &str, what: &str) -> Result<Currency> {
    cur.parse().map_err(|_| invalid(format!("{what} has a bad currency {cur}")))
}

/// An invoice as a credit note finds it: number, status, currency,
/// customer, total, applied, issue date.
pub(crate) type NoteInvoice = (String, String, String, i64, i64, i64, NaiveDate);

/// Money applied to an invoice, as a credit note refunds it: payment id,
/// reference, received (ISO), amount.
pub(crate) type NoteMoney = (i64, String, String, i64);

/// What planning a credit note reads, from either backend.
pub(crate) trait NoteReads {
    /// The organization's credit-note prefix and next sequence number.
    fn sequence(&mut self) -> Result<(String, i64)>;
    /// The customer's currency as stored (`None`: no such customer).
    fn customer_currency(&mut self, customer_id: i64) -> Result<Option<String>>;
    fn invoice(&mut self, invoice_id: i64) -> Result<Option<NoteInvoice>>;
    /// The live applications of money to the invoice, newest first.
    fn money_on(&mut self, invoice_id: i64) -> Result<Vec<NoteMoney>>;
}

/// The credit-notes' reads on SQLite.
struct Lite<'a>(&'a Connection);

impl NoteReads for Lite<'_> {
    fn sequence(&mut self) -> Result<(String, i64)> {
        Ok(self.0.query_row("SELECT credit_note_prefix, credit_note_next_seq FROM organization", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?)
    }

    fn customer_currency(&mut self, customer_id: i64) -> Result<Option<String>> {
        Ok(self.0.query_row("SELECT currency FROM customers WHERE id = ?1", [customer_id], |r| r.get(0)).optional()?)
    }

    fn invoice(&mut self, invoice_id: i64) -> Result<Option<NoteInvoice>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT number, status, currency, customer_id, total_minor, applied_minor, issue_date
                 FROM invoices WHERE id = ?1",
            )?
            .query_row([invoice_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, date(r, 6)?))
            })
            .optional()?)
    }

    fn money_on(&mut self, invoice_id: i64) -> Result<Vec<NoteMoney>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT p.id, p.reference, p.received_on, a.amount_minor FROM applications a
                 JOIN payments p ON p.id = a.payment_id
                 WHERE a.invoice_id = ?1 AND a.removed_on IS NULL ORDER BY a.applied_on DESC, a.id DESC",
            )?
            .query_map([invoice_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }
}

/// The next credit-note number and its sequence number.
pub(crate) fn next_number(r: &mut impl NoteReads) -> Result<(String, i64)> {
    let (prefix, seq) = r.sequence()?;
    Ok((format!("{prefix}{seq:06}"), seq))
}

/// Refuses a sequence number past the last one.
pub(crate) fn sequence_left(seq: i64) -> Result<()> {
    if seq >= MAX_CREDIT_NOTE_SEQ {
        return Err(invalid("the credit-note sequence is used up: set a new prefix in the settings"));
    }
    Ok(())
}

/// Another credit note has `number` already.
pub(crate) fn number_taken(number: &str) -> StoreError {
    invalid(format!("credit note {number} exists already: set the next credit-note number past it in the settings"))
}

/// Decides what issuing `d` does; refuses what cannot be issued. Reads only.
fn plan(conn: &Connection, customer_id: i64, d: &CreditNoteDraft) -> Result<CreditNotePlan> {
    plan_with(&mut Lite(conn), customer_id, d)
}

/// `plan` for either backend, reading through `r`.
pub(crate) fn plan_with(r: &mut impl NoteReads, customer_id: i64, d: &CreditNoteDraft) -> Result<CreditNotePlan> {
    let (number, _) = next_number(r)?;
    let mut p = CreditNotePlan {
        number,
        credit_id: 0,
        currency: d.currency,
        amount_minor: d.amount_minor,
        invoice: None,
        balance_falls_minor: 0,
        to_credit_minor: d.amount_minor,
        refunds: Vec::new(),
        closes: false,
    };
    let Some(invoice_id) = d.invoice_id else {
        let cur = r.customer_currency(customer_id)?;
        let cur = cur.ok_or_else(|| StoreError::NotFound(format!("customer {customer_id}")))?;
        let currency = parse_currency(&cur, &format!("customer {customer_id}"))?;
        if currency != d.currency {
            return Err(invalid(format!(
                "this customer's credit is in {currency}, not {}: a credit note in another currency goes against \
                 one of its invoices in that currency",
                d.currency
            )));
        }
        if d.refund_excess {
            return Err(invalid("a standalone credit note has no payment to refund: it is all customer credit"));
        }
        return Ok(p);
    };
    let row = r.invoice(invoice_id)?;
    let Some((inv, status, cur, owner, total, applied, issued)) = row else {
        return Err(StoreError::NotFound(format!("invoice #{invoice_id} (deleted elsewhere?)")));
    };
    if owner != customer_id {
        return Err(invalid(format!("{inv} is another customer's invoice")));
    }
    match InvoiceStatus::from_db(&status) {
        Some(InvoiceStatus::Open | InvoiceStatus::Paid) => {}
        Some(InvoiceStatus::Draft) => {
            return Err(invalid(format!("{inv} is a draft: it was never issued, so there is nothing to credit")));
        }
        Some(InvoiceStatus::Cancelled) => return Err(invalid(format!("{inv} is cancelled: nothing is owed"))),
        Some(InvoiceStatus::Uncollectible) => {
            return Err(invalid(format!(
                "{inv} is written off: reverse the write-off on its detail first, then issue the credit note"
            )));
        }
        None => return Err(invalid(format!("{inv} has an unknown status {status}"))),
    }
    let currency = parse_currency(&cur, &inv)?;
    if currency != d.currency {
        return Err(invalid(format!("{inv} is billed in {currency}: its credit note must be too, not {}", d.currency)));
    }
    if d.issued_on < issued {
        return Err(invalid(format!(
            "the credit note's date {} is before {inv} was issued ({})",
            iso(d.issued_on),
            iso(issued)
        )));
    }
    let balance = (total - applied).max(0);
    let falls = d.amount_minor.min(balance);
    let excess = d.amount_minor - falls;
    p.invoice = Some((invoice_id, inv.clone()));
    p.balance_falls_minor = falls;
    p.to_credit_minor = excess;
    p.closes = falls == balance;
    if d.refund_excess && excess > 0 {
        // The money on the invoice, newest application first.
        let apps = r.money_on(invoice_id)?;
        let paid: i64 = apps.iter().map(|a| a.3).sum();
        if excess > paid {
            let money = |m| Money::new(m, currency).display();
            return Err(invalid(format!(
                "{} of the credit note goes past what {inv} owes, but only {} was paid on it in money: refund at most \
                 that, or keep the excess as customer credit",
                money(excess),
                money(paid)
            )));
        }
        let mut need = excess;
        for (payment_id, reference, received_on, amount) in apps {
            if need == 0 {
                break;
            }
            let label = if reference.trim().is_empty() {
                format!("payment #{payment_id}")
            } else {
                format!("payment {reference}")
            };
            if iso(d.issued_on) < received_on {
                return Err(invalid(format!(
                    "the credit note's date {} is before {label} was received ({received_on}): its refund cannot be",
                    iso(d.issued_on)
                )));
            }
            let take = amount.min(need);
            need -= take;
            match p.refunds.iter_mut().find(|r| r.payment_id == payment_id) {
                Some(r) => r.amount_minor += take,
                None => p.refunds.push(NoteRefund { payment_id, label, amount_minor: take }),
            }
        }
        p.to_credit_minor = 0;
    }
    Ok(p)
}

/// Gives a credit just inserted its kind, number and invoice.
pub(super) fn mark(
    tx: &Transaction<'_>,
    id: i64,
    kind: &str,
    number: Option<&str>,
    invoice_id: Option<i64>,
) -> Result<()> {
    tx.execute(
        "UPDATE credits SET kind = ?2, number = ?3, invoice_id = ?4 WHERE id = ?1",
        rusqlite::params![id, kind, number, invoice_id],
    )?;
    Ok(())
}

/// The draft as entered: its reason (returned, trimmed), amount, date and
/// lines.
pub(crate) fn check_draft(d: &CreditNoteDraft) -> Result<&str> {
    let reason = checked_reason(&d.reason, "credit note")?;
    if d.amount_minor <= 0 {
        return Err(invalid("the credit note must be more than zero"));
    }
    amount_in_bounds("amount", d.amount_minor, d.currency)?;
    dates_in_bounds(&[("credit note date", Some(d.issued_on))])?;
    // Lines, when given, are checked as an invoice's and make the amount.
    match crate::domain::lines::entered_total(&d.lines, d.currency).map_err(invalid)? {
        Some(sum) if sum != d.amount_minor => {
            let m = |x| Money::new(x, d.currency).display();
            Err(invalid(format!("the lines add up to {}, not the credit note's {}", m(sum), m(d.amount_minor))))
        }
        _ => Ok(reason),
    }
}

/// The credit as voiding finds it.
pub(crate) struct Held {
    pub(crate) customer_id: i64,
    pub(crate) kind: String,
    pub(crate) number: Option<String>,
    pub(crate) status: String,
    /// ISO.
    pub(crate) voided_on: Option<String>,
    pub(crate) granted_on: NaiveDate,
    pub(crate) amount: i64,
    pub(crate) applied: i64,
    pub(crate) currency: String,
    /// The number of the invoice it was issued against.
    pub(crate) invoice: Option<String>,
}

/// A live application of the credit: the invoice's number, the amount,
/// the day applied.
pub(crate) type VoidApp = (String, i64, NaiveDate);

/// What planning a void reads, from either backend.
pub(crate) trait VoidReads {
    fn held(&mut self, credit_id: i64) -> Result<Option<Held>>;
    /// What issuing the credit note refunded, per its audit entry, when
    /// more than zero.
    fn refunded(&mut self, credit_id: i64) -> Result<Option<i64>>;
    /// The credit's live applications, in the order made.
    fn applied(&mut self, credit_id: i64) -> Result<Vec<VoidApp>>;
}

impl VoidReads for Lite<'_> {
    fn held(&mut self, credit_id: i64) -> Result<Option<Held>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT c.customer_id, c.kind, c.number, c.status, c.voided_on, c.granted_on, c.amount_minor,
                        c.applied_minor, c.currency, i.number
                 FROM credits c LEFT JOIN invoices i ON i.id = c.invoice_id WHERE c.id = ?1",
            )?
            .query_row([credit_id], |r| {
                Ok(Held {
                    customer_id: r.get(0)?,
                    kind: r.get(1)?,
                    number: r.get(2)?,
                    status: r.get(3)?,
                    voided_on: r.get(4)?,
                    granted_on: date(r, 5)?,
                    amount: r.get(6)?,
                    applied: r.get(7)?,
                    currency: r.get(8)?,
                    invoice: r.get(9)?,
                })
            })
            .optional()?)
    }

    fn refunded(&mut self, credit_id: i64) -> Result<Option<i64>> {
        Ok(self
            .0
            .query_row(
                "SELECT json_extract(after_json, '$.refunded_minor') FROM audit_log
                 WHERE entity = 'credit' AND entity_id = ?1 AND action = 'issue_credit_note'
                   AND coalesce(json_extract(after_json, '$.refunded_minor'), 0) > 0",
                [credit_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn applied(&mut self, credit_id: i64) -> Result<Vec<VoidApp>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT i.number, a.amount_minor, a.applied_on FROM applications a JOIN invoices i ON i.id = a.invoice_id
                 WHERE a.credit_id = ?1 AND a.removed_on IS NULL ORDER BY a.id",
            )?
            .query_map([credit_id], |r| Ok((r.get(0)?, r.get(1)?, date(r, 2)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }
}

fn held_label(h: &Held, id: i64) -> String {
    match (h.kind.as_str(), &h.number, &h.invoice) {
        ("credit_note", Some(n), _) => format!("credit note {n}"),
        ("adjustment", _, Some(i)) => format!("adjustment on {i}"),
        _ => format!("credit #{id}"),
    }
}

/// Decides what voiding the credit on `on` does; refuses what cannot be
/// voided. Reads only.
fn void_plan(conn: &Connection, customer_id: i64, credit_id: i64, on: NaiveDate) -> Result<(Held, VoidPlan)> {
    void_plan_with(&mut Lite(conn), customer_id, credit_id, on)
}

/// `void_plan` for either backend, reading through `r`.
pub(crate) fn void_plan_with(
    r: &mut impl VoidReads,
    customer_id: i64,
    credit_id: i64,
    on: NaiveDate,
) -> Result<(Held, VoidPlan)> {
    let h =
        r.held(credit_id)?.ok_or_else(|| StoreError::NotFound(format!("credit #{credit_id} (deleted elsewhere?)")))?;
    let what = held_label(&h, credit_id);
    if h.customer_id != customer_id {
        return Err(invalid(format!("{what} is another customer's")));
    }
    if h.kind == "credit" {
        return Err(invalid(
            "granted credit is not voided: unapply it from the invoices it went to; only credit notes and \
             small-balance adjustments are voided",
        ));
    }
    if h.status == "voided" {
        let when = h.voided_on.as_deref().unwrap_or("an unknown date");
        return Err(invalid(format!("{what} was already voided on {when}")));
    }
    if on < h.granted_on {
        return Err(invalid(format!("the void date {} is before {what} was issued ({})", iso(on), iso(h.granted_on))));
    }
    let currency = parse_currency(&h.currency, &what)?;
    if let Some(amount) = r.refunded(credit_id)? {
        return Err(invalid(format!(
            "{what} refunded {} of the money paid: a void would leave that refund explaining nothing; bill what is \
             owed again on a new invoice instead",
            Money::new(amount, currency).display()
        )));
    }
    let mut unapplied: Vec<(String, i64)> = Vec::new();
    for (number, amount, applied_on) in r.applied(credit_id)? {
        if on < applied_on {
            return Err(invalid(format!(
                "{what} was applied to {number} on {}, after the void date {}",
                iso(applied_on),
                iso(on)
            )));
        }
        match unapplied.iter_mut().find(|u| u.0 == number) {
            Some(u) => u.1 += amount,
            None => unapplied.push((number, amount)),
        }
    }
    let plan = VoidPlan { label: what, currency, unapplied, leaves_credit_minor: h.amount - h.applied };
    Ok((h, plan))
}

/// The audit entry of the credit note `p` issued as credit `id`.
pub(crate) fn issued(
    customer_id: i64,
    id: i64,
    d: &CreditNoteDraft,
    p: &CreditNotePlan,
    reason: &str,
) -> Audit<'static> {
    let number = &p.number;
    let money = |m| Money::new(m, d.currency);
    let against = match &p.invoice {
        Some((_, inv)) => format!(" against {inv}"),
        None => String::new(),
    };
    let mut parts = Vec::new();
    if p.balance_falls_minor > 0 {
        parts.push(format!("its balance falls by {}", money(p.balance_falls_minor).display()));
    }
    if p.to_credit_minor > 0 {
        parts.push(format!("{} becomes customer credit", money(p.to_credit_minor).display()));
    }
    if p.refunded_minor() > 0 {
        parts.push(format!("{} is refunded", money(p.refunded_minor()).display()));
    }
    Audit {
        customer_id: Some(customer_id),
        entity: "credit",
        entity_id: Some(id),
        action: "issue_credit_note",
        summary: format!(
            "issued credit note {number} of {}{against} on {}{}: {reason}",
            money(d.amount_minor).display(),
            iso(d.issued_on),
            if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) }
        ),
        before: None,
        after: Some(json!({
            "number": number, "issued_on": iso(d.issued_on), "amount": money(d.amount_minor).plain(),
            "invoice": p.invoice.as_ref().map(|i| i.1.clone()), "reason": reason,
            "applied": money(p.balance_falls_minor + p.refunded_minor()).plain(),
            "credit": money(p.to_credit_minor).plain(),
            "refunded": money(p.refunded_minor()).plain(), "refunded_minor": p.refunded_minor(),
            "lines": d.lines.iter().map(crate::store::lines::line_json).collect::<Vec<_>>(),
        })),
    }
}

/// The audit entry of invoice `invoice_id` owing `amount` again after the
/// void `plan`.
pub(crate) fn void_reopened(
    customer_id: i64,
    invoice_id: i64,
    number: &str,
    amount: i64,
    plan: &VoidPlan,
) -> Audit<'static> {
    let money = |m| Money::new(m, plan.currency);
    Audit {
        customer_id: Some(customer_id),
        entity: "invoice",
        entity_id: Some(invoice_id),
        action: "reopen",
        summary: format!("invoice {number} owes {} again: {} was voided", money(amount).display(), plan.label),
        before: Some(json!({"status": "paid"})),
        after: Some(json!({"status": "open", "reversed": money(amount).plain()})),
    }
}

/// The audit entry of the void of credit `credit_id` (`h`) on `on`.
pub(crate) fn voided(customer_id: i64, credit_id: i64, h: &Held, plan: &VoidPlan, on: NaiveDate) -> Audit<'static> {
    let money = |m| Money::new(m, plan.currency);
    let spread: Vec<String> = plan.unapplied.iter().map(|(n, m)| format!("{n} {}", money(*m).display())).collect();
    let mut parts = Vec::new();
    if !spread.is_empty() {
        parts.push(format!("taken off {}", spread.join(", ")));
    }
    if plan.leaves_credit_minor > 0 {
        parts.push(format!("{} of credit withdrawn", money(plan.leaves_credit_minor).display()));
    }
    Audit {
        customer_id: Some(customer_id),
        entity: "credit",
        entity_id: Some(credit_id),
        action: "void",
        summary: format!(
            "voided {} of {} on {}{}",
            plan.label,
            money(h.amount).display(),
            iso(on),
            if parts.is_empty() { String::new() } else { format!(": {}", parts.join("; ")) }
        ),
        before: Some(json!({"status": "issued", "applied": money(h.applied).plain()})),
        after: Some(json!({"status": "voided", "voided_on": iso(on),
            "unapplied": plan.unapplied.iter().map(|(n, m)| json!({"invoice": n,
                "amount": money(*m).plain()})).collect::<Vec<_>>()})),
    }
}

impl Store {
    /// What issuing the credit note would do; writes nothing.
    pub fn credit_note_preview(&self, customer_id: i64, d: &CreditNoteDraft) -> Result<CreditNotePlan> {
        check_draft(d)?;
        plan(self.conn(), customer_id, d)
    }

    /// Issues a credit note (decided again inside the transaction): the next
    /// number of the organization's sequence, applied to its invoice up to
    /// the balance, the excess kept as customer credit or refunded; one
    /// audit row for the note, and the refund path's own for each payment
    /// refunded and each invoice that changes.
    pub fn issue_credit_note(&mut self, customer_id: i64, d: &CreditNoteDraft) -> Result<CreditNotePlan> {
        let reason = check_draft(d)?.to_string();
        let who = self.who().to_string();
        self.write(|tx| {
            customer_currency(tx, customer_id)?;
            let mut p = plan(tx, customer_id, d)?;
            let (number, seq) = next_number(&mut Lite(tx))?;
            sequence_left(seq)?;
            tx.execute("UPDATE organization SET credit_note_next_seq = ?1", [seq + 1])?;
            let at = now_utc();
            let row = NewCreditRow {
                id: None,
                customer_id,
                granted_on: d.issued_on,
                amount_minor: d.amount_minor,
                applied_minor: 0,
                currency: d.currency,
                reason: &reason,
                source: None,
                created_at: &at,
            };
            let id = inserts::insert_credit(tx, &row)?;
            let taken: i64 = tx.query_row(
                "SELECT count(*) FROM credits WHERE kind = 'credit_note' AND number = ?1",
                [&number],
                |r| r.get(0),
            )?;
            if taken > 0 {
                return Err(number_taken(&number));
            }
            mark(tx, id, "credit_note", Some(&number), d.invoice_id)?;
            inserts::replace_credit_lines(tx, id, &d.lines)?;
            p.number = number.clone();
            p.credit_id = id;
            if let Some((invoice_id, _)) = &p.invoice {
                // Money first taken off the invoice, then refunded from the
                // payments' remainder it went back to.
                for r in &p.refunds {
                    reverse(tx, r.payment_id, *invoice_id, r.amount_minor, d.issued_on)?;
                    let refund = RefundDraft {
                        refunded_on: d.issued_on,
                        amount_minor: r.amount_minor,
                        reason: refund_reason(&number, &reason),
                    };
                    refund_in(tx, &who, r.payment_id, None, &refund)?;
                }
                let on_invoice = p.balance_falls_minor + p.refunded_minor();
                if on_invoice > 0 {
                    allocate::apply(tx, AppliedFrom::Credit(id), &[(*invoice_id, on_invoice)], d.issued_on)?;
                }
            }
            issued(customer_id, id, d, &p, &reason).write_at(tx, &who, &at)?;
            Ok(p)
        })
    }

    /// What voiding a credit note or an adjustment on `on` would do.
    pub fn void_preview(&self, customer_id: i64, credit_id: i64, on: NaiveDate) -> Result<VoidPlan> {
        Ok(void_plan(self.conn(), customer_id, credit_id, on)?.1)
    }

    /// Voids a credit note or a small-balance adjustment seen at `version`
    /// on `on`: its live applications are reversed with that date (paid
    /// invoices owe again), its unapplied part leaves the Credit Balance,
    /// with an audit row for it and one for each invoice reopened.
    pub fn void_credit(&mut self, customer_id: i64, credit_id: i64, version: i64, on: NaiveDate) -> Result<VoidPlan> {
        dates_in_bounds(&[("void date", Some(on))])?;
        let who = self.who().to_string();
        self.write(|tx| {
            let (h, plan) = void_plan(tx, customer_id, credit_id, on)?;
            let at = now_utc();
            let invoices: Vec<(i64, String, i64)> = tx
                .prepare_cached(
                    "SELECT a.invoice_id, i.number, sum(a.amount_minor) FROM applications a
                     JOIN invoices i ON i.id = a.invoice_id
                     WHERE a.credit_id = ?1 AND a.removed_on IS NULL GROUP BY a.invoice_id ORDER BY a.invoice_id",
                )?
                .query_map([credit_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            tx.execute(
                "UPDATE applications SET removed_on = ?2 WHERE credit_id = ?1 AND removed_on IS NULL",
                (credit_id, iso(on)),
            )?;
            for (invoice_id, number, amount) in &invoices {
                tx.execute("UPDATE invoices SET version = version + 1 WHERE id = ?1", [invoice_id])?;
                if reopen_if_owing(tx, *invoice_id)? {
                    void_reopened(customer_id, *invoice_id, number, *amount, &plan).write_at(tx, &who, &at)?;
                }
            }
            versioned(
                tx,
                "UPDATE credits SET status = 'voided', voided_on = ?3, version = version + 1
                 WHERE id = ?1 AND version = ?2 AND status = 'issued'",
                &[&credit_id, &version, &iso(on)],
                "credits",
                credit_id,
                &plan.label,
            )?;
            voided(customer_id, credit_id, &h, &plan, on).write_at(tx, &who, &at)?;
            Ok(plan)
        })
    }
}

/// A refund's reason, naming the credit note, within the refunds' limit.
pub(crate) fn refund_reason(number: &str, reason: &str) -> String {
    let full = format!("credit note {number}: {reason}");
    full.chars().take(crate::domain::detail::REFUND_REASON_MAX).collect()
}
