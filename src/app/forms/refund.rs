//! `r` on the Payments tab: refund part or all of the highlighted payment.
//! The form proposes what is still refundable and today; when the refund
//! needs more than the payment's unapplied credit, a confirmation lists the
//! invoices that take money back and owe again, before anything is written.

use super::{FormDialog, FormOf, Fresh, Spec, build};
use crate::app::App;
use crate::app::dialog::{Confirm, Dialog, OnYes};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::date::{iso, parse_date};
use crate::domain::edit::{RefundDraft, check_required};
use crate::domain::model::PaymentRow;
use crate::domain::money::{Money, parse_amount};
use crate::domain::status::PaymentStatus;
use crate::store::StoreError;
use chrono::NaiveDate;

field_ids! {
    pub enum RefundField { Amount, Date, Reason }
}
use RefundField as F;

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
pub fn open(p: &PaymentRow, today: NaiveDate) -> Result<FormDialog, String> {
    if p.payment_id().is_none() {
        return Err(format!(
            "This row is a credit granted on {}, not money received: there is nothing to pay back.",
            p.received_on
        ));
    }
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
    let spec = Refunding {
        payment_id: p.id,
        version: p.version,
        currency,
        refundable_minor: refundable,
        received_on: p.received_on,
        today,
    };
    let title = format!("Refund {} ({})", name(p), p.amount.display());
    let id = p.id;
    Ok(build(title, spec, |f| match f {
        F::Amount => Field::text("Amount", &Money::new(refundable, currency).plain()).with_hint(hint.clone()),
        F::Date => Field::text("Date", &iso(today.max(p.received_on))),
        F::Reason => Field::text("Reason", "").with_hint("e.g. duplicate charge, goodwill, cancelled order"),
    })
    .rereads(move |s| {
        Ok(match s.tab_row::<PaymentRow>(id)? {
            None => Fresh::Gone("This payment was deleted elsewhere.".into()),
            Some(p) => open(&p, today).map_or_else(Fresh::Gone, |f| Fresh::Form(Box::new(f))),
        })
    }))
}

impl Spec for Refunding {
    type Field = RefundField;

    /// Errors go next to the fields; a valid refund is confirmed first
    /// when it takes money back from invoices (`App::confirm_refund`).
    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let Refunding { payment_id, version, currency, refundable_minor, received_on, today } = self;
        let amount = match parse_amount(&form.text(F::Amount), *currency) {
            Ok(0) => Err("the refund must be more than zero".to_string()),
            Ok(v) if v > *refundable_minor => {
                Err(format!("at most {} can be refunded", Money::new(*refundable_minor, *currency).display()))
            }
            Ok(v) => Ok(v),
            Err(e) => Err(e.to_string()),
        };
        let amount = form.check(F::Amount, amount);
        let date = match parse_date(&form.text(F::Date)) {
            Ok(d) if d < *received_on => Err(format!("{d} is before the payment was received ({received_on})")),
            Ok(d) if d > *today => Err(format!("{d} is in the future")),
            other => other,
        };
        let date = form.check(F::Date, date);
        let reason = form.text(F::Reason);
        if check_required("Reason", &reason).is_err() {
            form.set_error(F::Reason, "say why the money goes back (it is kept in the activity log)");
        }
        let draft = RefundDraft { refunded_on: date?, amount_minor: amount?, reason };
        Some(Effect::RefundPayment { payment_id: *payment_id, version: *version, draft, confirmed: false })
    }
}

impl App {
    /// `r`: opens the refund form for the highlighted payment.
    pub(in crate::app) fn open_refund(&mut self) {
        let Some(p) = self.page().and_then(|p| p.selected::<PaymentRow>().cloned()) else { return };
        self.open_refund_of(&p);
    }

    /// The refund form for one payment (the Payments tab's row, a payment's
    /// detail).
    pub(in crate::app) fn open_refund_of(&mut self, p: &PaymentRow) {
        match open(p, self.today) {
            Ok(form) => self.dialogs.push(Dialog::Form(Box::new(form))),
            Err(why) => self.error("Cannot refund", &why),
        }
    }

    /// A valid refund form: straight through when the unapplied credit
    /// covers it, else a confirmation that lists the invoices that reopen.
    pub(in crate::app) fn confirm_refund(&mut self, effect: Effect) {
        let Effect::RefundPayment { payment_id, version, ref draft, .. } = effect else { return };
        // A payment changed since the form opened meets its conflict here,
        // before the preview: the form then shows what changed (a smaller
        // refundable amount) rather than refusing the amount proposed.
        match self.store.tab_row::<PaymentRow>(payment_id) {
            Ok(Some(p)) if p.version != version => {
                let why = format!("{} was changed by someone else since you opened it", name(&p));
                return self.refused(effect, StoreError::Conflict(why));
            }
            Ok(None) => return self.refused(effect, StoreError::NotFound(format!("payment #{payment_id}"))),
            _ => {}
        }
        let draft = draft.clone();
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
            lines.push(format!("  … and {} more", crate::domain::money::group_thousands((n - 10) as u64)));
        }
        lines.push("These invoices are no longer paid by this payment.".into());
        let title = format!(
            "Refund {}, taking {} back from {}?",
            money(draft.amount_minor),
            money(taken),
            crate::domain::money::counted(n, "invoice", "invoices")
        );
        self.dialogs.push(Dialog::Confirm(Confirm { title, lines, on_yes: OnYes::Run(confirmed) }));
    }
}
