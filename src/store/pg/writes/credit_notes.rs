//! Credit notes and their voids on PostgreSQL
//! (`store/writes/credit_notes.rs`): a credit note numbered from the
//! organization's sequence under the organization's row lock, applied to
//! its invoice up to the balance, its excess kept as customer credit or
//! refunded through the refund path; a credit note or a small-balance
//! adjustment voided. Planned, checked and audited by the same functions
//! as on SQLite; only the reads and writes are PostgreSQL's. And the two
//! reads of a credit the Payments tab's detail makes: its lines, its reason.

use super::super::super::seed::AppliedFrom;
use super::super::super::writes::credit_notes::{
    CreditNotePlan, Held, NoteInvoice, NoteMoney, NoteReads, VoidApp, VoidPlan, VoidReads, check_draft, issued,
    next_number, number_taken, plan_with, refund_reason, sequence_left, void_plan_with, void_reopened, voided,
};
use super::super::super::writes::dates_in_bounds;
use super::super::super::{Result, now_utc};
use super::super::inserts;
use super::super::store::PgStore;
use super::invoice_edits::lines_of;
use super::invoices::{customer_currency, hold_numbers};
use super::refunds::{refund_in, reopen_if_owing, reverse};
use super::settle::apply;
use super::{audit_at, hold, versioned};
use crate::domain::edit::{CreditNoteDraft, RefundDraft};
use crate::domain::lines::Line;
use crate::store::pg::prepared::Sql;
use chrono::NaiveDate;

/// The credit notes' reads on PostgreSQL: dates SQLite compares as text
/// are read as text.
struct Pg<'a, C>(&'a mut C);

impl<C: Sql> NoteReads for Pg<'_, C> {
    fn sequence(&mut self) -> Result<(String, i64)> {
        let r = self.0.query_one("SELECT credit_note_prefix, credit_note_next_seq FROM organization", &[])?;
        Ok((r.try_get(0)?, r.try_get(1)?))
    }

    fn customer_currency(&mut self, customer_id: i64) -> Result<Option<String>> {
        match self.0.query_opt("SELECT currency FROM customers WHERE id = $1", &[&customer_id])? {
            Some(r) => Ok(Some(r.try_get(0)?)),
            None => Ok(None),
        }
    }

    fn invoice(&mut self, invoice_id: i64) -> Result<Option<NoteInvoice>> {
        match self.0.query_opt(
            "SELECT number, status, currency, customer_id, total_minor, applied_minor, issue_date
             FROM invoices WHERE id = $1",
            &[&invoice_id],
        )? {
            Some(r) => Ok(Some((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                r.try_get(4)?,
                r.try_get(5)?,
                r.try_get(6)?,
            ))),
            None => Ok(None),
        }
    }

    fn money_on(&mut self, invoice_id: i64) -> Result<Vec<NoteMoney>> {
        let rows = self.0.query(
            "SELECT p.id, p.reference, p.received_on::text, a.amount_minor FROM applications a
             JOIN payments p ON p.id = a.payment_id
             WHERE a.invoice_id = $1 AND a.removed_on IS NULL ORDER BY a.applied_on DESC, a.id DESC",
            &[&invoice_id],
        )?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))).collect()
    }
}

impl<C: Sql> VoidReads for Pg<'_, C> {
    fn held(&mut self, credit_id: i64) -> Result<Option<Held>> {
        let Some(r) = self.0.query_opt(
            "SELECT c.customer_id, c.kind, c.number, c.status, c.voided_on::text, c.granted_on, c.amount_minor,
                    c.applied_minor, c.currency, i.number
             FROM credits c LEFT JOIN invoices i ON i.id = c.invoice_id WHERE c.id = $1",
            &[&credit_id],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(Held {
            customer_id: r.try_get(0)?,
            kind: r.try_get(1)?,
            number: r.try_get(2)?,
            status: r.try_get(3)?,
            voided_on: r.try_get(4)?,
            granted_on: r.try_get(5)?,
            amount: r.try_get(6)?,
            applied: r.try_get(7)?,
            currency: r.try_get(8)?,
            invoice: r.try_get(9)?,
        }))
    }

    fn refunded(&mut self, credit_id: i64) -> Result<Option<i64>> {
        // The JSON is read only from the credit note's own entry (the
        // CTE is materialized first), as SQLite's `json_extract` is.
        let row = self.0.query_opt(
            "WITH issued AS MATERIALIZED (
                 SELECT id, after_json FROM audit_log
                 WHERE entity = 'credit' AND entity_id = $1 AND action = 'issue_credit_note')
             SELECT refunded FROM (SELECT id, (after_json::jsonb ->> 'refunded_minor')::bigint AS refunded
                                   FROM issued) n
             WHERE coalesce(refunded, 0) > 0 ORDER BY id LIMIT 1",
            &[&credit_id],
        )?;
        match row {
            Some(r) => Ok(r.try_get(0)?),
            None => Ok(None),
        }
    }

    fn applied(&mut self, credit_id: i64) -> Result<Vec<VoidApp>> {
        let rows = self.0.query(
            "SELECT i.number, a.amount_minor, a.applied_on FROM applications a JOIN invoices i ON i.id = a.invoice_id
             WHERE a.credit_id = $1 AND a.removed_on IS NULL ORDER BY a.id",
            &[&credit_id],
        )?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
    }
}

impl PgStore {
    /// A credit note's lines, in order (none for other credit, or a
    /// credit note issued without lines).
    pub fn credit_note_lines(&self, credit_id: i64) -> Result<Vec<Line>> {
        let sql = "SELECT kind, description, quantity, unit_price, amount_minor, tax_minor
                   FROM credit_note_lines WHERE credit_id = $1 ORDER BY seq";
        lines_of(&mut self.client()?, sql, credit_id)
    }

    /// Why a credit was given ('' when it is gone): the Payments row shows
    /// a credit note's number in its place.
    pub fn credit_reason(&self, credit_id: i64) -> Result<String> {
        match self.client()?.query_opt("SELECT reason FROM credits WHERE id = $1", &[&credit_id])? {
            Some(r) => Ok(r.try_get(0)?),
            None => Ok(String::new()),
        }
    }

    /// What issuing the credit note would do; writes nothing.
    pub fn credit_note_preview(&self, customer_id: i64, d: &CreditNoteDraft) -> Result<CreditNotePlan> {
        check_draft(d)?;
        plan_with(&mut Pg(&mut self.client()?), customer_id, d)
    }

    /// Issues a credit note (decided again inside the transaction, the
    /// customer's row held): the next number of the organization's
    /// sequence, taken under the organization's row lock so that notes of
    /// different customers issued at once get different numbers; applied
    /// to its invoice up to the balance, the excess kept as customer credit
    /// or refunded, with the same audit rows as on SQLite.
    pub fn issue_credit_note(&mut self, customer_id: i64, d: &CreditNoteDraft) -> Result<CreditNotePlan> {
        let reason = check_draft(d)?.to_string();
        let who = self.who().to_string();
        self.write(Some(customer_id), |tx| {
            customer_currency(tx, customer_id)?;
            let mut p = plan_with(&mut Pg(tx), customer_id, d)?;
            // The customer's row first, then the organization's, as every
            // write that numbers does: no deadlock.
            hold_numbers(tx)?;
            let (number, seq) = next_number(&mut Pg(tx))?;
            sequence_left(seq)?;
            tx.execute("UPDATE organization SET credit_note_next_seq = $1", &[&(seq + 1)])?;
            let at = now_utc();
            let id = inserts::insert_credit(tx, customer_id, d.issued_on, d.amount_minor, d.currency, &reason, &at)?;
            if tx.query_opt("SELECT 1 FROM credits WHERE kind = 'credit_note' AND number = $1", &[&number])?.is_some() {
                return Err(number_taken(&number));
            }
            tx.execute(
                "UPDATE credits SET kind = 'credit_note', number = $2, invoice_id = $3 WHERE id = $1",
                &[&id, &number, &d.invoice_id],
            )?;
            inserts::replace_credit_lines(tx, id, &d.lines)?;
            p.number = number.clone();
            p.credit_id = id;
            if let Some(invoice_id) = p.invoice.as_ref().map(|i| i.0) {
                // Money first taken off the invoice, then refunded from the
                // payments' remainder it went back to.
                for r in &p.refunds {
                    reverse(tx, r.payment_id, invoice_id, r.amount_minor, d.issued_on)?;
                    let refund = RefundDraft {
                        refunded_on: d.issued_on,
                        amount_minor: r.amount_minor,
                        reason: refund_reason(&number, &reason),
                    };
                    refund_in(tx, &who, r.payment_id, None, &refund)?;
                }
                let on_invoice = p.balance_falls_minor + p.refunded_minor();
                if on_invoice > 0 {
                    apply(tx, AppliedFrom::Credit(id), &[(invoice_id, on_invoice)], d.issued_on)?;
                }
            }
            audit_at(tx, &issued(customer_id, id, d, &p, &reason), &who, &at)?;
            Ok(p)
        })
    }

    /// What voiding a credit note or an adjustment on `on` would do.
    pub fn void_preview(&self, customer_id: i64, credit_id: i64, on: NaiveDate) -> Result<VoidPlan> {
        Ok(void_plan_with(&mut Pg(&mut self.client()?), customer_id, credit_id, on)?.1)
    }

    /// Voids a credit note or a small-balance adjustment seen at `version`
    /// on `on`, as on SQLite: its live applications reversed with that
    /// date (paid invoices owe again), its unapplied part leaving the
    /// Credit Balance, an audit row for it and one for each invoice
    /// reopened.
    pub fn void_credit(&mut self, customer_id: i64, credit_id: i64, version: i64, on: NaiveDate) -> Result<VoidPlan> {
        dates_in_bounds(&[("void date", Some(on))])?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            // Held whether it exists: a credit of no such customer is
            // refused as another customer's, as on SQLite.
            hold(tx, customer_id)?;
            let (h, plan) = void_plan_with(&mut Pg(tx), customer_id, credit_id, on)?;
            let at = now_utc();
            let rows = tx.query(
                "SELECT a.invoice_id, i.number, sum(a.amount_minor)::bigint FROM applications a
                 JOIN invoices i ON i.id = a.invoice_id
                 WHERE a.credit_id = $1 AND a.removed_on IS NULL GROUP BY a.invoice_id, i.number
                 ORDER BY a.invoice_id",
                &[&credit_id],
            )?;
            let invoices = rows
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                .collect::<Result<Vec<(i64, String, i64)>>>()?;
            tx.execute(
                "UPDATE applications SET removed_on = $2 WHERE credit_id = $1 AND removed_on IS NULL",
                &[&credit_id, &on],
            )?;
            for (invoice_id, number, amount) in &invoices {
                tx.execute("UPDATE invoices SET version = version + 1 WHERE id = $1", &[invoice_id])?;
                if reopen_if_owing(tx, *invoice_id)? {
                    audit_at(tx, &void_reopened(customer_id, *invoice_id, number, *amount, &plan), &who, &at)?;
                }
            }
            versioned(
                tx,
                "UPDATE credits SET status = 'voided', voided_on = $3, version = version + 1
                 WHERE id = $1 AND version = $2 AND status = 'issued'",
                &[&credit_id, &version, &on],
                "credits",
                credit_id,
                &plan.label,
            )?;
            audit_at(tx, &voided(customer_id, credit_id, &h, &plan, on), &who, &at)?;
            Ok(plan)
        })
    }
}
