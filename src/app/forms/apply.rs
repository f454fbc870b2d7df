//! `a` on the Payments tab or a payment's detail: put a payment's
//! unapplied remainder, or what is left of a credit, against the customer's
//! open invoices — the oldest first (one amount), or invoices named one a
//! row with an amount each ("INV-000023; 100").
//!
//! Why rows and not a checklist: an amount per invoice is what a
//! remittance advice says ("$100 of INV-23, $50 of INV-25"), and a
//! checklist holds no amounts. The rows open filled with what oldest-first
//! would do, each invoice with the amount it would take, so the common
//! change is to edit a number or set a row to 0; an invoice is named by its
//! number or the number's last digits ("23"). A confirmation lists what
//! goes where before anything is written (`App::confirm_apply`).

use super::{FormDialog, FormOf, Fresh, Spec, build};
use crate::app::effect::{Effect, Remainder};
use crate::app::form::Field;
use crate::domain::Currency;
use crate::domain::edit::ApplyPlan;
use crate::domain::model::{InvoiceRow, PaymentRow};
use crate::domain::money::{Money, parse_amount};
use crate::domain::status::{PayKind, PaymentStatus};
use chrono::NaiveDate;

field_ids! {
    pub enum ApplyField { ApplyTo, Amount, Invoices }
}
use ApplyField as F;

/// "Apply to": the second option names invoices with amounts.
const NAMED: usize = 1;

/// What is applied, and what the checks need.
#[derive(Debug, Clone)]
pub struct Applying {
    pub customer_id: i64,
    pub source: Remainder,
    pub version: i64,
    pub currency: Currency,
    /// What is left to apply.
    pub remainder_minor: i64,
    /// The customer's open invoices in the currency, oldest due first.
    pub open: Vec<(i64, String, i64)>,
    pub today: NaiveDate,
    /// "The payment", "The credit": how messages begin.
    pub what: &'static str,
}

/// How a row of the Payments tab is named in titles.
fn name(p: &PaymentRow) -> String {
    let reference = p.reference.trim();
    match (p.kind, reference.is_empty()) {
        (PayKind::Credit, true) => format!("the credit of {}", p.received_on),
        (PayKind::Credit, false) => format!("the credit \"{reference}\""),
        (PayKind::CreditNote, _) => format!("credit note {reference}"),
        (PayKind::Adjustment, _) => format!("the adjustment of {}", p.received_on),
        (PayKind::Payment, true) => format!("the payment of {}", p.received_on),
        (PayKind::Payment, false) => reference.to_string(),
    }
}

/// The apply form for a payment or credit, or why nothing of it can be
/// applied. `open`: the customer's open invoices in its currency, oldest
/// due first.
pub fn open(customer_id: i64, p: &PaymentRow, open: &[InvoiceRow], today: NaiveDate) -> Result<FormDialog, String> {
    let currency = p.amount.currency;
    let money = |m| Money::new(m, currency).display();
    let (source, what) = match p.payment_id() {
        Some(id) => (Remainder::Payment(id), "The payment"),
        None => (Remainder::Credit(-p.id), "The credit"),
    };
    if p.kind == PayKind::Payment && p.status != PaymentStatus::Succeeded {
        return Err(format!(
            "{} is {}: only money received can be applied to invoices.",
            name(p),
            p.status.label().to_lowercase()
        ));
    }
    let remainder = p.unapplied_minor();
    if remainder <= 0 {
        return Err(format!(
            "Nothing of {} is unapplied: all {} is applied{}.",
            name(p),
            money(p.amount.minor - p.refunded_minor),
            if p.refunded_minor > 0 { " or refunded" } else { "" }
        ));
    }
    let open: Vec<(i64, String, i64)> = open
        .iter()
        .filter(|i| i.total.currency == currency)
        .map(|i| (i.id, i.number.clone(), i.open_balance().minor))
        .filter(|(_, _, owed)| *owed > 0)
        .collect();
    if open.is_empty() {
        return Err(format!(
            "No open {currency} invoice of this customer owes anything: the {} stays as credit.",
            money(remainder)
        ));
    }
    let owed: i64 = open.iter().map(|(_, _, b)| b).sum();
    let proposed = remainder.min(owed);
    let rows = oldest_rows(&open, proposed, currency);
    let title = format!("Apply {} ({} unapplied)", name(p), money(remainder));
    let spec =
        Applying { customer_id, source, version: p.version, currency, remainder_minor: remainder, open, today, what };
    let hint = format!("{} open, oldest due first", money(owed));
    let id = p.id;
    let form = build(title, spec, |f| match f {
        F::ApplyTo => {
            Field::choice("Apply to", vec!["Oldest open invoices first".to_string(), "Invoices I name".to_string()], 0)
        }
        F::Amount => Field::text("Amount", &Money::new(proposed, currency).plain()).with_hint(hint.clone()),
        F::Invoices => Field::rows("Invoices", &rows)
            .with_hint("one a row: number; amount (left out: what it owes); 0 leaves it out"),
    });
    // A payment is read again after "changed elsewhere" (a credit is not
    // a row `tab_row` reads: its conflict offers a reload instead).
    if matches!(source, Remainder::Credit(_)) {
        return Ok(form);
    }
    Ok(form.rereads(move |s| {
        Ok(match s.tab_row::<PaymentRow>(id)? {
            None => Fresh::Gone("This payment was deleted elsewhere.".into()),
            Some(p) => {
                let open = s.open_invoices(customer_id, p.amount.currency, 500)?;
                self::open(customer_id, &p, &open, today).map_or_else(Fresh::Gone, |f| Fresh::Form(Box::new(f)))
            }
        })
    }))
}

/// The rows oldest-first would fill: "INV-000023; 250.00".
fn oldest_rows(open: &[(i64, String, i64)], mut left: i64, currency: Currency) -> Vec<String> {
    let mut rows = Vec::new();
    for (_, number, owed) in open {
        if left == 0 {
            break;
        }
        let part = left.min(*owed);
        left -= part;
        rows.push(format!("{number}; {}", Money::new(part, currency).plain()));
    }
    rows
}

impl Applying {
    /// The open invoice a row names: its number (any case), or the
    /// number's last digits when only one invoice ends in them.
    fn invoice(&self, named: &str) -> Result<&(i64, String, i64), String> {
        if let Some(i) = self.open.iter().find(|(_, n, _)| n.eq_ignore_ascii_case(named)) {
            return Ok(i);
        }
        let digits = |s: &str| -> Option<u64> {
            let tail: String = s.chars().rev().take_while(char::is_ascii_digit).collect();
            tail.chars().rev().collect::<String>().parse().ok()
        };
        let wanted = named.chars().all(|c| c.is_ascii_digit()).then(|| digits(named)).flatten();
        let found: Vec<_> = match wanted {
            Some(n) => self.open.iter().filter(|(_, num, _)| digits(num) == Some(n)).collect(),
            None => Vec::new(),
        };
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(format!("{named} is not an open {} invoice of this customer", self.currency)),
            _ => Err(format!("{named} names more than one invoice: write its whole number")),
        }
    }

    /// The invoices and amounts the rows name; errors name the row.
    fn named(&self, rows: &[String]) -> Result<Vec<(i64, i64)>, String> {
        let money = |m| Money::new(m, self.currency).display();
        let mut pairs: Vec<(i64, i64)> = Vec::new();
        let mut total = 0i64;
        for (k, row) in rows.iter().enumerate() {
            let at = |e: String| format!("row {}: {e}", k + 1);
            let (named, amount) = row.split_once(';').unwrap_or((row, ""));
            let (id, number, owed) = self.invoice(named.trim()).map_err(at)?;
            if pairs.iter().any(|(i, _)| i == id) {
                return Err(at(format!("{number} is named twice")));
            }
            let amount = match amount.trim() {
                "" => (*owed).min(self.remainder_minor - total).max(0),
                typed => parse_amount(typed, self.currency).map_err(|e| at(e.to_string()))?,
            };
            if amount > *owed {
                return Err(at(format!("{number} owes {}: at most that can be applied to it", money(*owed))));
            }
            if amount == 0 {
                continue;
            }
            total = total.saturating_add(amount);
            pairs.push((*id, amount));
        }
        if pairs.is_empty() {
            return Err("name at least one invoice with an amount, or apply to the oldest first".into());
        }
        if total > self.remainder_minor {
            return Err(format!(
                "{} has {} unapplied: these rows add up to {}",
                self.what,
                money(self.remainder_minor),
                money(total)
            ));
        }
        Ok(pairs)
    }
}

impl Spec for Applying {
    type Field = ApplyField;

    /// The amount counts when the oldest go first; the rows when named.
    fn follow(&self, form: &mut FormOf<'_, F>) {
        let named = form.selected(F::ApplyTo) == NAMED;
        form.field_mut(F::Amount).enabled = !named;
        form.field_mut(F::Invoices).enabled = named;
    }

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let money = |m| Money::new(m, self.currency).display();
        let plan = if form.selected(F::ApplyTo) == NAMED {
            let rows = form.field(F::Invoices).row_texts();
            let pairs = self.named(&rows);
            ApplyPlan::Invoices(form.check(F::Invoices, pairs)?)
        } else {
            let amount = match parse_amount(&form.text(F::Amount), self.currency) {
                Ok(0) => Err("the amount to apply must be more than zero".to_string()),
                Ok(v) if v > self.remainder_minor => Err(format!(
                    "{} has {} unapplied: at most that can be applied",
                    self.what,
                    money(self.remainder_minor)
                )),
                Ok(v) => Ok(v),
                Err(e) => Err(e.to_string()),
            };
            ApplyPlan::OldestFirst { amount_minor: form.check(F::Amount, amount)? }
        };
        Some(Effect::Apply {
            customer_id: self.customer_id,
            source: self.source,
            version: self.version,
            plan,
            on: self.today,
            confirmed: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{chosen, d, enabled, error, typed};
    use super::*;
    use crate::domain::status::{InvoiceStatus, PaymentMethod};

    fn payment(amount: i64, applied: i64) -> PaymentRow {
        PaymentRow {
            id: 4,
            kind: PayKind::Payment,
            received_on: d("2026-02-10"),
            amount: Money::new(amount, Currency::USD),
            refunded_minor: 0,
            applied_minor: applied,
            reference: "WIRE-7".into(),
            status: PaymentStatus::Succeeded,
            method: PaymentMethod::Manual,
            applied_to: String::new(),
            version: 3,
        }
    }

    fn invoice(id: i64, number: &str, total: i64) -> InvoiceRow {
        InvoiceRow {
            id,
            number: number.into(),
            total: Money::new(total, Currency::USD),
            applied_minor: 0,
            credited_minor: 0,
            balance_minor: total,
            issue_date: d("2026-01-01"),
            due_date: d("2026-01-31"),
            status: InvoiceStatus::Open,
            contract_name: None,
            period: None,
            memo: String::new(),
            pause: None,
        }
    }

    fn open_invoices() -> Vec<InvoiceRow> {
        vec![invoice(1, "INV-000023", 25_000), invoice(2, "INV-000123", 10_000), invoice(3, "INV-000124", 40_000)]
    }

    fn effect(plan: ApplyPlan) -> Option<Effect> {
        let source = Remainder::Payment(4);
        Some(Effect::Apply { customer_id: 7, source, version: 3, plan, on: d("2026-03-01"), confirmed: false })
    }

    #[test]
    fn proposes_all_of_the_remainder_up_to_what_is_owed_oldest_first() {
        let mut fd = open(7, &payment(100_000, 50_000), &open_invoices(), d("2026-03-01")).unwrap();
        assert!(!enabled(&mut fd, F::Invoices));
        assert_eq!(fd.validate(), effect(ApplyPlan::OldestFirst { amount_minor: 50_000 }));
        chosen(&mut fd, F::ApplyTo, NAMED);
        assert!(enabled(&mut fd, F::Invoices) && !enabled(&mut fd, F::Amount));
        assert_eq!(
            super::super::testing::text(&mut fd, F::Invoices),
            "INV-000023; 250.00\nINV-000123; 100.00\nINV-000124; 150.00"
        );
        assert_eq!(fd.validate(), effect(ApplyPlan::Invoices(vec![(1, 25_000), (2, 10_000), (3, 15_000)])));
        // Less than is owed of all: the amount proposed is what is owed.
        let fd = open(7, &payment(900_000, 0), &open_invoices(), d("2026-03-01")).unwrap();
        assert_eq!(fd.form.fields[1].value(), "750.00");
    }

    #[test]
    fn rows_name_invoices_by_number_or_last_digits_with_an_amount_each() {
        let mut fd = open(7, &payment(50_000, 0), &open_invoices(), d("2026-03-01")).unwrap();
        chosen(&mut fd, F::ApplyTo, NAMED);
        typed(&mut fd, F::Invoices, "124; 100\ninv-000023\nINV-000123; 0");
        assert_eq!(fd.validate(), effect(ApplyPlan::Invoices(vec![(3, 10_000), (1, 25_000)])));
        let refused = [
            ("23; 250.01", "row 1: INV-000023 owes $250.00: at most that can be applied to it"),
            ("INV-000024; 1", "row 1: INV-000024 is not an open USD invoice of this customer"),
            ("124; 300\n23; 250", "The payment has $500.00 unapplied: these rows add up to $550.00"),
            ("23; 1\nINV-000023; 2", "row 2: INV-000023 is named twice"),
            ("23; 0", "name at least one invoice with an amount, or apply to the oldest first"),
        ];
        for (rows, why) in refused {
            typed(&mut fd, F::Invoices, rows);
            assert_eq!(fd.validate(), None, "{rows}");
            assert_eq!(error(&mut fd, F::Invoices).as_deref(), Some(why));
        }
    }

    #[test]
    fn the_amount_is_at_most_the_remainder() {
        let mut fd = open(7, &payment(50_000, 0), &open_invoices(), d("2026-03-01")).unwrap();
        typed(&mut fd, F::Amount, "500.01");
        assert_eq!(fd.validate(), None);
        let why = error(&mut fd, F::Amount);
        assert_eq!(why.as_deref(), Some("The payment has $500.00 unapplied: at most that can be applied"));
        typed(&mut fd, F::Amount, "120");
        assert_eq!(fd.validate(), effect(ApplyPlan::OldestFirst { amount_minor: 12_000 }));
    }

    #[test]
    fn nothing_unapplied_says_why() {
        let err = open(7, &payment(50_000, 50_000), &open_invoices(), d("2026-03-01")).err();
        assert_eq!(err.as_deref(), Some("Nothing of WIRE-7 is unapplied: all $500.00 is applied."));
        let pending = PaymentRow { status: PaymentStatus::Pending, ..payment(50_000, 0) };
        let err = open(7, &pending, &open_invoices(), d("2026-03-01")).err();
        assert_eq!(err.as_deref(), Some("WIRE-7 is pending: only money received can be applied to invoices."));
        let err = open(7, &payment(50_000, 0), &[], d("2026-03-01")).err();
        assert_eq!(
            err.as_deref(),
            Some("No open USD invoice of this customer owes anything: the $500.00 stays as credit.")
        );
        let credit =
            PaymentRow { id: -9, kind: PayKind::Credit, reference: "goodwill".into(), ..payment(30_000, 10_000) };
        let fd = open(7, &credit, &open_invoices(), d("2026-03-01")).unwrap();
        assert_eq!(fd.form.title, "Apply the credit \"goodwill\" ($200.00 unapplied)");
    }
}
