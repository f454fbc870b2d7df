//! `r` on the Payments tab: refund part or all of the highlighted payment.
//! The form proposes what is still refundable and today; when the refund
//! needs more than the payment's unapplied credit, a confirmation lists the
//! invoices that take money back and owe again, before anything is written.

use super::App;
use super::dialog::{Confirm, Dialog, FormDialog, OnYes};
use super::effect::Effect;
use super::form::{Field, Form};
use super::forms::Purpose;
use crate::domain::date::{iso, parse_date};
use crate::domain::edit::{RefundDraft, check_required};
use crate::domain::model::PaymentRow;
use crate::domain::money::{Money, parse_amount};
use crate::domain::status::PaymentStatus;
use chrono::NaiveDate;

/// The payment a refund form is for, and what its checks need.
#[derive(Debug, Clone)]
pub struct Refunding {
    pub payment_id: i64,
    pub version: i64,
    pub currency: crate::domain::Currency,
    /// Amount − refunded so far.
    pub refundable_minor: i64,
    pub received_on: NaiveDate,
    pub today: NaiveDate,
}

/// How a payment is named in titles and messages.
fn name(p: &PaymentRow) -> String {
    let reference = p.reference.trim();
    if reference.is_empty() { format!("the payment of {}", p.received_on) } else { reference.to_string() }
}

/// The refund form for a payment, or why it cannot be refunded.
pub fn form(p: &PaymentRow, today: NaiveDate) -> Result<(Form, Purpose), String> {
    if p.status == PaymentStatus::Refunded {
        return Err(format!("Nothing is left to refund: {} was refunded in full.", name(p)));
    }
    if p.status != PaymentStatus::Succeeded {
        return Err(format!(
            "{} is {}: only a succeeded payment can be refunded.",
            name(p),
            p.status.label().to_lowercase()
        ));
    }
    let currency = p.amount.currency;
    let refundable = p.amount.minor - p.refunded_minor;
    let unapplied = refundable - p.applied_minor;
    let money = |m| Money::new(m, currency).display();
    let hint = match unapplied {
        0 => format!("at most {}; taken back from the invoices it paid", money(refundable)),
        u if u == refundable => format!("at most {}, all unapplied credit", money(refundable)),
        u => format!("at most {}; the unapplied {} goes first", money(refundable), money(u)),
    };
    let form = Form::new(
        format!("Refund {} ({})", name(p), p.amount.display()),
        vec![
            Field::text("Amount", &Money::new(refundable, currency).plain()).with_hint(hint),
            Field::text("Date", &iso(today.max(p.received_on))),
            Field::text("Reason", "").with_hint("e.g. duplicate charge, goodwill, cancelled order"),
        ],
    );
    let purpose = Purpose::Refund(Refunding {
        payment_id: p.id,
        version: p.version,
        currency,
        refundable_minor: refundable,
        received_on: p.received_on,
        today,
    });
    Ok((form, purpose))
}

/// Checks the refund form; errors go next to the fields.
pub fn validate(form: &mut Form, r: &Refunding) -> Option<Effect> {
    let Refunding { payment_id, version, currency, refundable_minor, received_on, today } = r;
    let amount = match parse_amount(&form.text("Amount"), *currency) {
        Ok(0) => Err("the refund must be more than zero".to_string()),
        Ok(v) if v > *refundable_minor => {
            Err(format!("at most {} can be refunded", Money::new(*refundable_minor, *currency).display()))
        }
        Ok(v) => Ok(v),
        Err(e) => Err(e.to_string()),
    };
    let amount = amount.map_err(|e| form.set_error("Amount", e)).ok();
    let date = match parse_date(&form.text("Date")) {
        Ok(d) if d < *received_on => Err(format!("{d} is before the payment was received ({received_on})")),
        Ok(d) if d > *today => Err(format!("{d} is in the future")),
        other => other,
    };
    let date = date.map_err(|e| form.set_error("Date", e)).ok();
    let reason = form.text("Reason");
    if check_required("Reason", &reason).is_err() {
        form.set_error("Reason", "say why the money goes back (it is kept in the activity log)");
    }
    let draft = RefundDraft { refunded_on: date?, amount_minor: amount?, reason };
    Some(Effect::RefundPayment { payment_id: *payment_id, version: *version, draft, confirmed: false })
}

impl App {
    /// `r`: opens the refund form for the highlighted payment.
    pub(super) fn open_refund(&mut self) {
        let Some(p) = self.page().and_then(|p| p.selected::<PaymentRow>().cloned()) else { return };
        match form(&p, self.today) {
            Ok((form, purpose)) => {
                self.dialogs.push(Dialog::Form(Box::new(FormDialog { form, purpose, candidates: Vec::new() })))
            }
            Err(why) => self.error("Cannot refund", &why),
        }
    }

    /// A valid refund form: straight through when the unapplied credit
    /// covers it, else a confirmation that lists the invoices that reopen.
    pub(super) fn confirm_refund(&mut self, effect: Effect) {
        let Effect::RefundPayment { payment_id, version, draft, .. } = effect else { return };
        let plan = match self.store.refund_preview(payment_id, draft.amount_minor) {
            Ok(plan) => plan,
            Err(e) => return self.show_failure(e.to_string()),
        };
        let confirmed = Effect::RefundPayment { payment_id, version, draft: draft.clone(), confirmed: true };
        if plan.reversals.is_empty() {
            return self.run_effect(confirmed);
        }
        let money = |m| Money::new(m, plan.currency).display();
        let taken: i64 = plan.reversals.iter().map(|r| r.amount_minor).sum();
        let n = plan.reversals.len();
        let mut lines = Vec::new();
        if plan.from_unapplied_minor > 0 {
            lines.push(format!(
                "{} comes from the payment's unapplied credit; the rest:",
                money(plan.from_unapplied_minor)
            ));
        }
        for r in plan.reversals.iter().take(10) {
            let then = if r.reopens { "paid → owes again" } else { "owes more" };
            lines.push(format!("  {}  {}  ({then})", r.number, money(r.amount_minor)));
        }
        if n > 10 {
            lines.push(format!("  … and {} more", n - 10));
        }
        lines.push("These invoices are no longer paid by this payment.".into());
        let title = format!(
            "Refund {}, taking {} back from {n} invoice{}?",
            money(draft.amount_minor),
            money(taken),
            if n == 1 { "" } else { "s" }
        );
        self.dialogs.push(Dialog::Confirm(Confirm { title, lines, on_yes: OnYes::Run(confirmed) }));
    }
}
