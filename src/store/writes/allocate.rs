//! Putting money on open invoices, shared by recording a payment and by
//! applying a remainder or credit later: which invoices (oldest due first,
//! or the ones chosen, each checked to be an open invoice of the customer
//! in the currency), how much each takes, and the application rows.

use super::invalid;
use crate::domain::Currency;
use crate::domain::Money;
use crate::domain::edit::Allocation;
use crate::domain::status::InvoiceStatus;
use crate::store::Result;
use crate::store::inserts::{self, NewApplicationRow};
use crate::store::now_utc;
use crate::store::seed::AppliedFrom;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};

/// An open invoice money can go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub id: i64,
    pub number: String,
    /// What it still owes.
    pub balance: i64,
}

/// The invoices `allocation` names, in the order they are paid; refuses
/// one that is not an open invoice of the customer in `currency`, saying
/// which and why.
pub(super) fn targets(
    conn: &Connection,
    customer_id: i64,
    currency: Currency,
    allocation: &Allocation,
) -> Result<Vec<Target>> {
    let ids = match allocation {
        Allocation::OldestFirst => {
            let mut stmt = conn.prepare_cached(
                "SELECT id, number, total_minor - applied_minor FROM invoices
                 WHERE customer_id = ?1 AND status = 'open' AND currency = ?2 ORDER BY due_date, id",
            )?;
            let rows = stmt
                .query_map((customer_id, currency.code()), |r| {
                    Ok(Target { id: r.get(0)?, number: r.get(1)?, balance: r.get(2)? })
                })?
                .collect::<rusqlite::Result<_>>()?;
            return Ok(rows);
        }
        Allocation::Invoices(ids) => ids,
    };
    let mut stmt = conn.prepare_cached(
        "SELECT number, status, currency, customer_id, total_minor - applied_minor, written_off_on
         FROM invoices WHERE id = ?1",
    )?;
    let mut out: Vec<Target> = Vec::new();
    for &id in ids {
        let row: Option<(String, String, String, i64, i64, Option<String>)> = stmt
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .optional()?;
        let Some((number, status, cur, owner, balance, written_off_on)) = row else {
            return Err(invalid(format!("invoice #{id} no longer exists")));
        };
        takes_money(customer_id, currency, &number, &status, &cur, owner, written_off_on.as_deref())?;
        if out.iter().any(|t| t.id == id) {
            return Err(invalid(format!("{number} is chosen twice")));
        }
        out.push(Target { id, number, balance });
    }
    Ok(out)
}

/// Refuses an invoice money cannot go to from `customer_id` in
/// `currency`, saying which and why: for either backend.
pub(crate) fn takes_money(
    customer_id: i64,
    currency: Currency,
    number: &str,
    status: &str,
    cur: &str,
    owner: i64,
    written_off_on: Option<&str>,
) -> Result<()> {
    if owner != customer_id {
        return Err(invalid(format!("{number} is another customer's invoice")));
    }
    if cur != currency.code() {
        return Err(invalid(format!("{number} is billed in {cur}: only {currency} can go to it from here")));
    }
    // A written-off invoice takes no money until the write-off is
    // reversed: a recovery is booked by reversing, then applying, so
    // the written-off figures never change silently.
    if status == InvoiceStatus::Uncollectible.as_db() {
        let when = written_off_on.map_or("(date unknown)".to_string(), |d| format!("on {d}"));
        return Err(invalid(format!(
            "{number} was written off {when}: reverse the write-off on its detail first, then apply the money"
        )));
    }
    if status != InvoiceStatus::Open.as_db() {
        let said = InvoiceStatus::from_db(status).map_or(status.to_string(), |s| s.label().to_lowercase());
        return Err(invalid(format!("{number} is {said}: money goes only to open invoices")));
    }
    Ok(())
}

/// `amount` over `targets` in their order, each up to its balance, until
/// the money runs out; what is left over is `amount` less the parts.
pub(crate) fn spread(targets: Vec<Target>, amount: i64) -> Vec<(Target, i64)> {
    let mut left = amount;
    let mut parts = Vec::new();
    for t in targets {
        if left == 0 {
            break;
        }
        let part = t.balance.min(left);
        if part > 0 {
            left -= part;
            parts.push((t, part));
        }
    }
    parts
}

/// Checks chosen amounts against each invoice's balance: "INV-000023 owes
/// $250.00: at most that can be applied to it".
pub(super) fn within_balances(parts: &[(Target, i64)], currency: Currency) -> Result<()> {
    for (t, part) in parts {
        if *part <= 0 {
            return Err(invalid(format!("the amount for {} must be more than zero", t.number)));
        }
        if *part > t.balance {
            return Err(invalid(format!(
                "{} owes {}: at most that can be applied to it",
                t.number,
                Money::new(t.balance, currency).display()
            )));
        }
    }
    Ok(())
}

/// Writes one application per part (the triggers keep every sum and
/// summary) and bumps each invoice's version, so a form open on it sees
/// that it changed; an invoice paid in full becomes `paid`. Returns
/// whether each invoice is now paid.
/// `parts` are (invoice id, amount).
pub(super) fn apply(
    conn: &Connection,
    from: AppliedFrom,
    parts: &[(i64, i64)],
    applied_on: NaiveDate,
) -> Result<Vec<bool>> {
    let mut touch = conn.prepare_cached(
        "UPDATE invoices SET version = version + 1,
             status = CASE WHEN applied_minor = total_minor THEN 'paid' ELSE status END
         WHERE id = ?1 RETURNING status",
    )?;
    let at = now_utc();
    let mut paid = Vec::with_capacity(parts.len());
    for &(invoice_id, amount_minor) in parts {
        let row = NewApplicationRow { invoice_id, from, amount_minor, applied_on, created_at: &at };
        inserts::insert_application(conn, &row)?;
        let status: String = touch.query_row([invoice_id], |r| r.get(0))?;
        paid.push(status == InvoiceStatus::Paid.as_db());
    }
    Ok(paid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: i64, balance: i64) -> Target {
        Target { id, number: format!("A-{id}"), balance }
    }

    #[test]
    fn spreads_in_order_until_the_money_runs_out() {
        let parts = spread(vec![t(1, 300), t(2, 0), t(3, 500), t(4, 100)], 600);
        let got: Vec<(i64, i64)> = parts.iter().map(|(t, m)| (t.id, *m)).collect();
        assert_eq!(got, vec![(1, 300), (3, 300)]);
        assert!(spread(vec![t(1, 300)], 0).is_empty());
    }

    #[test]
    fn a_chosen_amount_past_the_balance_is_named() {
        let err = within_balances(&[(t(23, 25_000), 25_001)], Currency::USD).unwrap_err();
        assert_eq!(err.to_string(), "A-23 owes $250.00: at most that can be applied to it");
        assert!(within_balances(&[(t(23, 25_000), 25_000)], Currency::USD).is_ok());
    }
}
