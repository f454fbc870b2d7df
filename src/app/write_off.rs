//! Bad-debt write-offs from the Invoices tab and an invoice's detail: `w`
//! opens the form (`forms::write_off`: date, reason) for the selected or
//! highlighted invoices, or for the detail's invoice, or, on an
//! uncollectible one, the form that reverses its write-off; a valid form is
//! shown as a confirmation naming the invoices and the money before the
//! write.

use super::App;
use super::dialog::{Confirm, Dialog, OnYes};
use super::effect::Effect;
use super::forms;
use super::listing;
use crate::domain::Money;
use crate::domain::detail::InvoiceDetail;
use crate::domain::status::InvoiceStatus;

impl App {
    /// `w` on the Invoices tab: the selection, or the highlighted invoice.
    pub(super) fn open_write_off(&mut self) {
        let Some((customer_id, ids)) = self.picked_invoices() else { return };
        self.open_write_off_of(customer_id, ids);
    }

    /// `w` on an invoice's detail: write it off, or reverse its write-off.
    pub(super) fn write_off_detail(&mut self, i: &InvoiceDetail) {
        if i.invoice.status == InvoiceStatus::Uncollectible {
            let form = forms::write_off::reverse(i.customer_id, i.invoice.id, i.version, &i.invoice.number, self.today);
            return self.open_form(form);
        }
        self.open_write_off_of(i.customer_id, vec![i.invoice.id]);
    }

    /// The write-off form for `ids`, or why none of them can be written off.
    fn open_write_off_of(&mut self, customer_id: i64, ids: Vec<i64>) {
        if ids.is_empty() {
            return;
        }
        let preview = match self.store.write_off_preview(customer_id, &ids, None) {
            Ok(p) => p,
            Err(e) => return self.error("Cannot write off", &e.to_string()),
        };
        let what = listing::what_or_why(
            ids.len(),
            &preview.write_off,
            &preview.refused,
            "This invoice cannot be written off:",
            "None of the selected invoices can be written off:",
        );
        let what = match what {
            Ok(w) => w,
            Err(why) => return self.error("Nothing to write off", &why),
        };
        self.open_form(forms::write_off::open(customer_id, ids, &what, self.today));
    }

    /// A valid write-off or reversal form: what it does, asked before it
    /// is written.
    pub(super) fn confirm_write_off(&mut self, effect: Effect) {
        match effect {
            Effect::WriteOff { customer_id, ids, on, reason, .. } => {
                let preview = match self.store.write_off_preview(customer_id, &ids, Some(on)) {
                    Ok(p) => p,
                    Err(e) => return self.show_failure(e.to_string()),
                };
                if preview.write_off.is_empty() {
                    let mut lines = vec![format!("Nothing can be written off on {on}:")];
                    lines.extend(listing::reasons(&preview.refused));
                    return self.show_failure(lines.join("\n"));
                }
                let n = preview.write_off.len();
                let totals: Vec<String> =
                    preview.currency_totals.iter().map(|(c, m)| Money::new(*m, *c).display()).collect();
                let total = totals.join(" + ");
                let title = format!(
                    "Write off {total} of {} as bad debt?",
                    crate::domain::money::counted(n, "invoice", "invoices")
                );
                let mut lines = vec![format!("On {on}:")];
                lines.extend(listing::amounts(&preview.write_off));
                if !preview.refused.is_empty() {
                    lines.push(format!(
                        "{} of the selected invoices stay as they are:",
                        crate::domain::money::group_thousands(preview.refused.len() as u64)
                    ));
                    lines.extend(listing::reasons(&preview.refused));
                }
                lines.push(format!(
                    "They become uncollectible: Outstanding and the aging fall by {total}; they stay billed."
                ));
                let ids = preview.write_off.iter().map(|w| w.0).collect();
                let confirmed = Effect::WriteOff { customer_id, ids, on, reason, confirmed: true };
                self.dialogs.push(Dialog::Confirm(Confirm { title, lines, on_yes: OnYes::Run(confirmed) }));
            }
            Effect::ReverseWriteOff { customer_id, invoice_id, version, number, on, reason, .. } => {
                let owed = match self.store.invoice_detail(customer_id, invoice_id) {
                    Ok(d) => d.balance(),
                    Err(e) => return self.show_failure(e.to_string()),
                };
                let title = format!("Reverse the write-off of {number}?");
                let lines = if owed.minor > 0 {
                    vec![
                        format!("It is open again from {on} and owes {}:", owed.display()),
                        format!("Outstanding and the aging rise by {}.", owed.display()),
                    ]
                } else {
                    // An import applied money to it since: the source says it was paid.
                    vec![
                        "Money applied since has paid it in full: it becomes paid.".to_string(),
                        "Outstanding and the aging do not move.".to_string(),
                    ]
                };
                let confirmed =
                    Effect::ReverseWriteOff { customer_id, invoice_id, version, number, on, reason, confirmed: true };
                self.dialogs.push(Dialog::Confirm(Confirm { title, lines, on_yes: OnYes::Run(confirmed) }));
            }
            _ => {}
        }
    }
}
