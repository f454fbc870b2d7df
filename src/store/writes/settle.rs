//! Settling with money already in hand: a payment's unapplied remainder or
//! a credit's put against the customer's open invoices (oldest due first,
//! or chosen invoices with an amount each), and credit granted directly.
//! The application is dated the day it is made; Avg. Days to Collect still
//! weighs a payment by the day it was received (the triggers read
//! `payments.received_on`), and credit never enters it.

use super::allocate::{self, Target};
use super::{amount_in_bounds, customer_currency, dates_in_bounds, invalid, versioned};
use crate::domain::date::iso;
use crate::domain::edit::{Allocation, ApplyPlan, CREDIT_REASON_MAX, CreditDraft};
use crate::domain::status::PaymentStatus;
use crate::domain::{Currency, Money};
use crate::store::inserts::{self, NewCreditRow};
use crate::store::seed::AppliedFrom;
use crate::store::{Audit, Result, Store, StoreError, now_utc};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde_json::json;

/// Money that goes to one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub invoice_id: i64,
    pub number: String,
    pub amount_minor: i64,
    /// The invoice owes nothing after it (and becomes paid).
    pub pays_off: bool,
}

/// What applying a remainder or a credit does (or did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOutcome {
    /// "payment WIRE-7", "credit Service outage goodwill".
    pub source: String,
    pub currency: Currency,
    /// Unapplied before.
    pub available_minor: i64,
    pub parts: Vec<Applied>,
    /// Still unapplied after.
    pub left_minor: i64,
}

impl ApplyOutcome {
    pub fn applied_minor(&self) -> i64 {
        self.available_minor - self.left_minor
    }
}

/// A payment or a credit as applying finds it.
pub(crate) struct Source {
    pub(crate) from: AppliedFrom,
    customer_id: i64,
    currency: Currency,
    /// What could still be applied.
    remainder: i64,
    /// Received or granted.
    dated: String,
    version: i64,
    /// Why nothing of it can be applied whatever is left (a payment not
    /// succeeded).
    barred: Option<String>,
    pub(crate) label: String,
}

impl Source {
    pub(crate) fn currency(&self) -> Currency {
        self.currency
    }

    pub(crate) fn table(&self) -> &'static str {
        match self.from {
            AppliedFrom::Payment(_) => "payments",
            AppliedFrom::Credit(_) => "credits",
        }
    }

    pub(crate) fn id(&self) -> i64 {
        match self.from {
            AppliedFrom::Payment(id) | AppliedFrom::Credit(id) => id,
        }
    }
}

fn parse_currency(cur: &str, what: &str) -> Result<Currency> {
    cur.parse().map_err(|_| invalid(format!("{what} has a bad currency {cur}")))
}

/// A payment's columns as `load_payment` reads them: customer, currency,
/// amount, refunded, applied, status, received (ISO), version, reference.
pub(crate) type PaymentCols = (i64, String, i64, i64, i64, String, String, i64, String);

/// A credit's columns as `load_credit` reads them: customer, currency,
/// amount, applied, granted (ISO), version, reason, a credit note's
/// number, voided (ISO).
pub(crate) type CreditCols = (i64, String, i64, i64, String, i64, String, Option<String>, Option<String>);

fn load_payment(conn: &Connection, id: i64) -> Result<Source> {
    let row: Option<PaymentCols> = conn
        .query_row(
            "SELECT customer_id, currency, amount_minor, refunded_minor, applied_minor, status, received_on,
                    version, reference
             FROM payments WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)),
        )
        .optional()?;
    payment_source(id, row)
}

/// The payment `id` as applying finds it, from its columns (`None`: gone).
pub(crate) fn payment_source(id: i64, row: Option<PaymentCols>) -> Result<Source> {
    let Some((customer_id, cur, amount, refunded, applied, status, dated, version, reference)) = row else {
        return Err(StoreError::NotFound(format!("payment #{id} (it was deleted elsewhere)")));
    };
    let label = if reference.trim().is_empty() { format!("payment #{id}") } else { format!("payment {reference}") };
    let barred = (status != PaymentStatus::Succeeded.as_db()).then(|| {
        let said = PaymentStatus::from_db(&status).map_or(status.clone(), |s| s.label().to_lowercase());
        format!("{label} is {said}: only a succeeded payment's money can be applied")
    });
    Ok(Source {
        from: AppliedFrom::Payment(id),
        customer_id,
        currency: parse_currency(&cur, &label)?,
        remainder: amount - refunded - applied,
        dated,
        version,
        barred,
        label,
    })
}

fn load_credit(conn: &Connection, id: i64) -> Result<Source> {
    let row: Option<CreditCols> = conn
        .query_row(
            "SELECT customer_id, currency, amount_minor, applied_minor, granted_on, version, reason,
                    CASE WHEN kind = 'credit_note' THEN number END, voided_on
             FROM credits WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)),
        )
        .optional()?;
    credit_source(id, row)
}

/// The credit `id` as applying finds it, from its columns (`None`: gone).
pub(crate) fn credit_source(id: i64, row: Option<CreditCols>) -> Result<Source> {
    let Some((customer_id, cur, amount, applied, dated, version, reason, number, voided_on)) = row else {
        return Err(StoreError::NotFound(format!("credit #{id} (it was deleted elsewhere)")));
    };
    let label = match number {
        Some(n) => format!("credit note {n}"),
        None if reason.trim().is_empty() => format!("credit #{id}"),
        None => format!("credit {}", reason.trim()),
    };
    // A voided credit counts nowhere: nothing of it can be applied.
    let barred = voided_on.map(|on| format!("{label} was voided on {on}: nothing of it can be applied"));
    Ok(Source {
        from: AppliedFrom::Credit(id),
        customer_id,
        currency: parse_currency(&cur, &label)?,
        remainder: amount - applied,
        dated,
        version,
        barred,
        label,
    })
}

/// Decides what goes where; refuses what cannot be applied. Reads only.
fn plan(conn: &Connection, customer_id: i64, src: &Source, p: &ApplyPlan) -> Result<ApplyOutcome> {
    plan_with(customer_id, src, p, |a| allocate::targets(conn, customer_id, src.currency, a))
}

/// `plan` for either backend: `targets` reads the invoices an allocation
/// names (`allocate::targets`, in the source's currency).
pub(crate) fn plan_with(
    customer_id: i64,
    src: &Source,
    plan: &ApplyPlan,
    mut targets: impl FnMut(&Allocation) -> Result<Vec<Target>>,
) -> Result<ApplyOutcome> {
    let money = |m| Money::new(m, src.currency).display();
    if src.customer_id != customer_id {
        return Err(invalid(format!("{} is another customer's", src.label)));
    }
    if let Some(why) = &src.barred {
        return Err(invalid(why.clone()));
    }
    if src.remainder <= 0 {
        return Err(invalid(format!("nothing is left to apply: {} is applied in full", src.label)));
    }
    let has = format!("{} has {} unapplied", src.label, money(src.remainder));
    let parts = match plan {
        ApplyPlan::OldestFirst { amount_minor } => {
            if *amount_minor <= 0 {
                return Err(invalid("the amount to apply must be more than zero"));
            }
            if *amount_minor > src.remainder {
                return Err(invalid(format!("{has}: at most that can be applied")));
            }
            let parts = allocate::spread(targets(&Allocation::OldestFirst)?, *amount_minor);
            if parts.is_empty() {
                return Err(invalid(format!("no open {} invoice of this customer owes anything", src.currency)));
            }
            parts
        }
        ApplyPlan::Invoices(pairs) => {
            if pairs.is_empty() {
                return Err(invalid("choose at least one invoice to apply it to"));
            }
            let ids = pairs.iter().map(|(id, _)| *id).collect();
            let targets = targets(&Allocation::Invoices(ids))?;
            let parts: Vec<(Target, i64)> = targets.into_iter().zip(pairs.iter().map(|(_, m)| *m)).collect();
            allocate::within_balances(&parts, src.currency)?;
            let total = plan.total_minor();
            if total > src.remainder {
                return Err(invalid(format!("{has}: {} cannot be applied", money(total))));
            }
            parts
        }
    };
    let applied: i64 = parts.iter().map(|(_, m)| m).sum();
    Ok(ApplyOutcome {
        source: src.label.clone(),
        currency: src.currency,
        available_minor: src.remainder,
        parts: parts
            .into_iter()
            .map(|(t, m)| Applied { pays_off: m == t.balance, invoice_id: t.id, number: t.number, amount_minor: m })
            .collect(),
        left_minor: src.remainder - applied,
    })
}

impl Store {
    /// What applying a payment's unapplied remainder would do; writes nothing.
    pub fn apply_payment_preview(&self, customer_id: i64, payment_id: i64, p: &ApplyPlan) -> Result<ApplyOutcome> {
        plan(self.conn(), customer_id, &load_payment(self.conn(), payment_id)?, p)
    }

    /// What applying a credit's remainder would do; writes nothing.
    pub fn apply_credit_preview(&self, customer_id: i64, credit_id: i64, p: &ApplyPlan) -> Result<ApplyOutcome> {
        plan(self.conn(), customer_id, &load_credit(self.conn(), credit_id)?, p)
    }

    /// Applies a succeeded payment's unapplied remainder, seen at
    /// `version`, to open invoices, dated `on`.
    pub fn apply_payment(
        &mut self,
        customer_id: i64,
        payment_id: i64,
        version: i64,
        p: &ApplyPlan,
        on: NaiveDate,
    ) -> Result<ApplyOutcome> {
        self.settle(customer_id, version, p, on, |conn| load_payment(conn, payment_id))
    }

    /// Applies what is left of a credit, seen at `version`, to open
    /// invoices, dated `on`.
    pub fn apply_credit(
        &mut self,
        customer_id: i64,
        credit_id: i64,
        version: i64,
        p: &ApplyPlan,
        on: NaiveDate,
    ) -> Result<ApplyOutcome> {
        self.settle(customer_id, version, p, on, |conn| load_credit(conn, credit_id))
    }

    /// One transaction: the applications, the versions of the source and
    /// of every invoice touched, an audit row for each.
    fn settle(
        &mut self,
        customer_id: i64,
        version: i64,
        p: &ApplyPlan,
        on: NaiveDate,
        load: impl FnOnce(&Connection) -> Result<Source>,
    ) -> Result<ApplyOutcome> {
        dates_in_bounds(&[("date applied", Some(on))])?;
        let who = self.who().to_string();
        self.write(|tx| {
            let src = load(tx)?;
            settleable(&src, version, on)?;
            let out = plan(tx, customer_id, &src, p)?;
            let (table, id) = (src.table(), src.id());
            versioned(
                tx,
                &format!("UPDATE {table} SET version = version + 1 WHERE id = ?1 AND version = ?2"),
                &[&id, &version],
                table,
                id,
                &src.label,
            )?;
            let parts: Vec<(i64, i64)> = out.parts.iter().map(|a| (a.invoice_id, a.amount_minor)).collect();
            allocate::apply(tx, src.from, &parts, on)?;
            let at = now_utc();
            for entry in settled(customer_id, &src, &out, on) {
                entry.write_at(tx, &who, &at)?;
            }
            Ok(out)
        })
    }

    /// Grants the customer credit directly (goodwill and the like); it
    /// joins the Credit Balance until applied. Returns the credit's id.
    pub fn grant_credit(&mut self, customer_id: i64, d: &CreditDraft) -> Result<i64> {
        let reason = checked_credit(d)?;
        let who = self.who().to_string();
        self.write(|tx| {
            let currency = customer_currency(tx, customer_id)?;
            credit_in(currency, d)?;
            let at = now_utc();
            let row = NewCreditRow {
                id: None,
                customer_id,
                granted_on: d.granted_on,
                amount_minor: d.amount_minor,
                applied_minor: 0,
                currency,
                reason,
                source: None,
                created_at: &at,
            };
            let id = inserts::insert_credit(tx, &row)?;
            granted(customer_id, id, d, currency, reason).write_at(tx, &who, &at)?;
            Ok(id)
        })
    }
}

/// Refuses applying `src` seen at `version` on `on`: someone changed it
/// since, or `on` is before it was received or granted.
pub(crate) fn settleable(src: &Source, version: i64, on: NaiveDate) -> Result<()> {
    if src.version != version {
        return Err(StoreError::Conflict(format!("{} was changed by someone else since you opened it", src.label)));
    }
    if iso(on) < src.dated {
        return Err(invalid(format!("{} is dated {}: it cannot be applied on {}", src.label, src.dated, iso(on))));
    }
    Ok(())
}

/// The audit entries of applying `src` as `out` says, on `on`: one for
/// each invoice, then one for the payment or credit.
pub(crate) fn settled(customer_id: i64, src: &Source, out: &ApplyOutcome, on: NaiveDate) -> Vec<Audit<'static>> {
    let money = |m| Money::new(m, src.currency);
    let mut entries = Vec::with_capacity(out.parts.len() + 1);
    for a in &out.parts {
        let then = if a.pays_off { "paid in full".to_string() } else { "part paid".to_string() };
        entries.push(Audit {
            customer_id: Some(customer_id),
            entity: "invoice",
            entity_id: Some(a.invoice_id),
            action: "apply",
            summary: format!(
                "{} of {} applied to invoice {}: {then}",
                money(a.amount_minor).display(),
                src.label,
                a.number
            ),
            before: None,
            after: Some(json!({"from": src.label, "amount": money(a.amount_minor).plain(),
                "applied_on": iso(on), "paid": a.pays_off})),
        });
    }
    let spread: Vec<String> =
        out.parts.iter().map(|a| format!("{} {}", a.number, money(a.amount_minor).display())).collect();
    entries.push(Audit {
        customer_id: Some(customer_id),
        entity: if src.table() == "payments" { "payment" } else { "credit" },
        entity_id: Some(src.id()),
        action: "apply",
        summary: format!(
            "applied {} of {} to {}; {} left unapplied",
            money(out.applied_minor()).display(),
            src.label,
            spread.join(", "),
            money(out.left_minor).display()
        ),
        before: Some(json!({"unapplied": money(out.available_minor).plain()})),
        after: Some(json!({"unapplied": money(out.left_minor).plain(), "applied_on": iso(on),
            "applied": out.parts.iter().map(|a| json!({"invoice": a.number,
                "amount": money(a.amount_minor).plain()})).collect::<Vec<_>>()})),
    });
    entries
}

/// A credit to grant as entered: its reason (trimmed, required, not too
/// long), an amount more than zero within bounds, a date within bounds.
pub(crate) fn checked_credit(d: &CreditDraft) -> Result<&str> {
    let reason = d.reason.trim();
    if reason.is_empty() {
        return Err(invalid("say why the credit is granted"));
    }
    let long = reason.chars().count();
    if long > CREDIT_REASON_MAX {
        return Err(invalid(format!(
            "the reason is {long} characters long; a credit keeps at most {CREDIT_REASON_MAX}"
        )));
    }
    if d.amount_minor <= 0 {
        return Err(invalid("the credit must be more than zero"));
    }
    amount_in_bounds("amount", d.amount_minor, d.currency)?;
    dates_in_bounds(&[("date granted", Some(d.granted_on))])?;
    Ok(reason)
}

/// Refuses a credit in another currency than the customer's.
pub(crate) fn credit_in(currency: Currency, d: &CreditDraft) -> Result<()> {
    if currency != d.currency {
        return Err(invalid(format!("this customer's credit is in {currency}, not {}", d.currency)));
    }
    Ok(())
}

/// The audit entry of a credit granted.
pub(crate) fn granted(customer_id: i64, id: i64, d: &CreditDraft, currency: Currency, reason: &str) -> Audit<'static> {
    let amount = Money::new(d.amount_minor, currency);
    Audit {
        customer_id: Some(customer_id),
        entity: "credit",
        entity_id: Some(id),
        action: "grant",
        summary: format!("granted {} of credit on {}: {reason}", amount.display(), iso(d.granted_on)),
        before: None,
        after: Some(json!({"granted_on": iso(d.granted_on), "amount": amount.plain(), "reason": reason})),
    }
}
