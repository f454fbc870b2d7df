//! Credit notes, small-balance write-offs and voids from the screens
//! (issue 16 §2, §3): `n` on an invoice's detail (against it) or on the
//! Payments tab (standalone), `W` on the Invoices tab (the selection or the
//! highlighted invoice) and on an invoice's detail, `V` on the Payments tab
//! (the highlighted credit note or adjustment). Each opens its form
//! (`forms::credit_note`, `forms::write_off::small_balance`,
//! `forms::void_credit`); a valid form is shown as a confirmation built
//! from the store's preview, saying what happens to the figures, before
//! the write.

use super::App;
use super::dialog::{Confirm, Dialog, OnYes};
use super::effect::Effect;
use super::forms;
use super::listing;
use crate::domain::Money;
use crate::domain::detail::InvoiceDetail;
use crate::domain::model::PaymentRow;
use crate::domain::status::{InvoiceStatus, PayKind};

/// "credit note CN-000001", "the adjustment of 2026-03-01": a Payments
/// row that can be voided.
pub fn void_label(r: &PaymentRow) -> Option<String> {
    match r.kind {
        PayKind::CreditNote => Some(format!("credit note {}", r.reference.trim())),
        PayKind::Adjustment => Some(format!("the small-balance adjustment of {}", r.received_on)),
        _ => None,
    }
}

impl App {
    /// `n` on an invoice's detail: a credit note against it.
    pub(super) fn credit_note_detail(&mut self, i: &InvoiceDetail) {
        match i.invoice.status {
            InvoiceStatus::Open | InvoiceStatus::Paid => {}
            InvoiceStatus::Draft => {
                return self.error("No credit note", "A draft was never issued: there is nothing to credit.");
            }
            InvoiceStatus::Cancelled => return self.error("No credit note", "A cancelled invoice owes nothing."),
            InvoiceStatus::Uncollectible => {
                return self.error(
                    "No credit note",
                    "This invoice is written off as bad debt: reverse the write-off first, then issue the credit note.",
                );
            }
        }
        let form = forms::credit_note::against(i.customer_id, i.invoice.id, &i.invoice.number, i.balance(), self.today);
        self.open_form(form);
    }

    /// `n` on the Payments tab: a standalone credit note, customer credit.
    pub(super) fn open_credit_note(&mut self) {
        let Some(p) = self.page() else { return };
        let form = forms::credit_note::standalone(&p.customer, self.today);
        self.open_form(form);
    }

    /// `W` on the Invoices tab: the selection, or the highlighted invoice.
    pub(super) fn open_small_balance(&mut self) {
        let Some((customer_id, ids)) = self.picked_invoices() else { return };
        self.open_small_balance_of(customer_id, ids);
    }

    /// `W` on an invoice's detail.
    pub(super) fn small_balance_detail(&mut self, i: &InvoiceDetail) {
        self.open_small_balance_of(i.customer_id, vec![i.invoice.id]);
    }

    /// The small-balance form for `ids`, or why none of them can be closed
    /// (over the limit is no reason yet: the confirmation asks about it).
    fn open_small_balance_of(&mut self, customer_id: i64, ids: Vec<i64>) {
        if ids.is_empty() {
            return;
        }
        let preview = match self.store.small_balance_preview(customer_id, &ids, None, true) {
            Ok(p) => p,
            Err(e) => return self.error("Cannot write off", &e.to_string()),
        };
        let what = listing::what_or_why(
            ids.len(),
            &preview.close,
            &preview.refused,
            "This invoice has no small balance to close:",
            "None of the selected invoices has a small balance to close:",
        );
        let what = match what {
            Ok(w) => w,
            Err(why) => return self.error("Nothing to write off", &why),
        };
        self.open_form(forms::write_off::small_balance(customer_id, ids, &what, self.today));
    }

    /// `V` on the Payments tab: void the highlighted credit note or
    /// adjustment.
    pub(super) fn open_void(&mut self) {
        let Some(p) = self.page() else { return };
        let Some(row) = p.selected::<PaymentRow>().cloned() else { return };
        let customer_id = p.customer.id;
        self.void_row(customer_id, &row);
    }

    /// `V` on an invoice's detail: void the credit note or adjustment of
    /// the highlighted application.
    pub(super) fn void_from_detail(&mut self, customer_id: i64, credit_id: Option<i64>) {
        let Some(credit_id) = credit_id else {
            return self.error(
                "Nothing to void",
                "This application is a payment's: a payment is not voided; refund it, or unapply it.",
            );
        };
        match self.store.credit_row(customer_id, credit_id) {
            Ok(Some(row)) => self.void_row(customer_id, &row),
            Ok(None) => self.error("Cannot void", "The credit is gone (deleted elsewhere?)"),
            Err(e) => self.error("Cannot void", &e.to_string()),
        }
    }

    /// Asks for the void date of a credit note or adjustment row, or says
    /// why it is not voided.
    fn void_row(&mut self, customer_id: i64, row: &PaymentRow) {
        let Some(label) = void_label(row) else {
            let text = match row.kind {
                PayKind::Payment => "A payment is not voided: refund it, or unapply it from its invoices.",
                _ => "Granted credit is not voided: unapply it from its invoices instead.",
            };
            return self.error("Nothing to void", text);
        };
        if row.status == crate::domain::status::PaymentStatus::Voided {
            return self.error("Nothing to void", &format!("{} is voided already.", capital(&label)));
        }
        let (credit_id, version) = (-row.id, row.version);
        if let Err(e) = self.store.void_preview(customer_id, credit_id, self.today) {
            return self.error("Cannot void", &e.to_string());
        }
        self.open_form(forms::void_credit::open(customer_id, credit_id, version, &label, self.today));
    }

    /// A valid credit-note, small-balance or void form: what it does,
    /// asked before it is written.
    pub(super) fn confirm_credit(&mut self, effect: Effect) {
        let asked = match effect {
            Effect::IssueCreditNote { customer_id, draft, .. } => self.ask_credit_note(customer_id, draft),
            Effect::SmallBalance { customer_id, ids, on, reason, .. } => {
                self.ask_small_balance(customer_id, ids, on, reason)
            }
            Effect::VoidCredit { customer_id, credit_id, version, label, on, .. } => {
                self.ask_void(customer_id, credit_id, version, label, on)
            }
            _ => return,
        };
        match asked {
            Ok(c) => self.dialogs.push(Dialog::Confirm(c)),
            Err(text) => self.show_failure(text),
        }
    }

    fn ask_credit_note(
        &self,
        customer_id: i64,
        draft: crate::domain::edit::CreditNoteDraft,
    ) -> Result<Confirm, String> {
        let plan = self.store.credit_note_preview(customer_id, &draft).map_err(|e| e.to_string())?;
        let money = |m| Money::new(m, plan.currency).display();
        let title = format!("Issue credit note {} for {}?", plan.number, money(plan.amount_minor));
        let mut lines = vec![match draft.lines.len() {
            0 => format!("On {}, numbered {}:", draft.issued_on, plan.number),
            n => format!(
                "On {}, numbered {}, crediting {n} line{}:",
                draft.issued_on,
                plan.number,
                if n == 1 { "" } else { "s" }
            ),
        }];
        if let Some((invoice_id, number)) = &plan.invoice {
            let before = self.store.invoice_detail(customer_id, *invoice_id).map_err(|e| e.to_string())?.balance();
            let left = before.minor - plan.balance_falls_minor;
            let then = if plan.closes {
                "it becomes paid".to_string()
            } else {
                format!("it stays part paid, owing {}", money(left))
            };
            lines.push(format!("{number}'s balance falls by {}: {then}.", money(plan.balance_falls_minor)));
        }
        if plan.to_credit_minor > 0 {
            lines.push(format!(
                "{} becomes customer credit: the Credit Balance rises by it.",
                money(plan.to_credit_minor)
            ));
        }
        for r in &plan.refunds {
            lines.push(format!("{} is refunded from {}.", money(r.amount_minor), r.label));
        }
        if plan.balance_falls_minor > 0 {
            lines.push(format!(
                "Outstanding and Total Billed fall by {}: credit is never money collected.",
                money(plan.balance_falls_minor)
            ));
        }
        if plan.refunded_minor() > 0 {
            lines.push(format!("Total Collected falls by the {} refunded.", money(plan.refunded_minor())));
        } else {
            lines.push("Total Collected does not move.".into());
        }
        let confirmed = Effect::IssueCreditNote { customer_id, draft, confirmed: true };
        Ok(Confirm { title, lines, on_yes: OnYes::Run(confirmed) })
    }

    fn ask_small_balance(
        &self,
        customer_id: i64,
        ids: Vec<i64>,
        on: chrono::NaiveDate,
        reason: String,
    ) -> Result<Confirm, String> {
        let preview =
            self.store.small_balance_preview(customer_id, &ids, Some(on), false).map_err(|e| e.to_string())?;
        if preview.close.is_empty() && preview.over_limit.is_empty() {
            let mut lines = vec![format!("Nothing can be closed on {on}:")];
            lines.extend(listing::reasons(&preview.refused));
            return Err(lines.join("\n"));
        }
        // Those over the limit are closed only when the user says so here.
        let over = !preview.over_limit.is_empty();
        let all = if over {
            self.store.small_balance_preview(customer_id, &ids, Some(on), true).map_err(|e| e.to_string())?
        } else {
            preview.clone()
        };
        let n = all.close.len();
        let totals: Vec<String> = all.currency_totals.iter().map(|(c, m)| Money::new(*m, *c).display()).collect();
        let total = totals.join(" + ");
        let title = format!(
            "Write off {total}, the small balance of {}?",
            crate::domain::money::counted(n, "invoice", "invoices")
        );
        let mut lines = vec![format!("On {on}, with adjustment credit of exactly each balance:")];
        lines.extend(listing::amounts(&preview.close));
        if over {
            let limit = preview.over_limit.first().map(|o| Money::new(preview.limit_minor, o.2.currency).display());
            lines.push(format!(
                "Over the organization's limit of {}, closed too only if you say yes:",
                limit.unwrap_or_default()
            ));
            lines.extend(listing::amounts(&preview.over_limit));
        }
        let left: Vec<(String, String)> = all.refused.clone();
        if !left.is_empty() {
            lines.push(format!(
                "{} of the selected invoices stay as they are:",
                crate::domain::money::group_thousands(left.len() as u64)
            ));
            lines.extend(listing::reasons(&left));
        }
        lines.push(format!(
            "They become paid: Outstanding and Total Billed fall by {total}; Total Collected does not move."
        ));
        let ids = all.close.iter().map(|c| c.0).collect();
        let confirmed = Effect::SmallBalance { customer_id, ids, on, reason, allow_over_limit: over, confirmed: true };
        Ok(Confirm { title, lines, on_yes: OnYes::Run(confirmed) })
    }

    fn ask_void(
        &self,
        customer_id: i64,
        credit_id: i64,
        version: i64,
        label: String,
        on: chrono::NaiveDate,
    ) -> Result<Confirm, String> {
        let plan = self.store.void_preview(customer_id, credit_id, on).map_err(|e| e.to_string())?;
        let money = |m| Money::new(m, plan.currency).display();
        let title = format!("Void {}?", plan.label);
        let mut lines = vec![format!("On {on}; a void is final.")];
        let again: i64 = plan.unapplied.iter().map(|u| u.1).sum();
        if plan.unapplied.is_empty() {
            lines.push("No invoice owes again: it was applied to none.".into());
        } else {
            lines.push("These invoices owe again:".into());
            lines.extend(listing::first_few(&plan.unapplied, |(number, amount)| {
                format!("  {number}  {}", money(*amount))
            }));
            lines.push(format!("Outstanding and Total Billed rise by {}.", money(again)));
        }
        if plan.leaves_credit_minor > 0 {
            lines.push(format!("The Credit Balance falls by its {} unapplied.", money(plan.leaves_credit_minor)));
        }
        lines.push("Total Collected does not move.".into());
        let confirmed = Effect::VoidCredit { customer_id, credit_id, version, label, on, confirmed: true };
        Ok(Confirm { title, lines, on_yes: OnYes::Run(confirmed) })
    }
}

/// The first letter upper case.
fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
