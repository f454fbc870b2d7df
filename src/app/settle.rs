//! Settling from the Payments tab and a payment's detail: `a` opens the
//! apply form for the highlighted payment or credit (`forms::apply`), its
//! valid plan is shown as a confirmation of what goes where before the
//! write, and `C` grants credit (`forms::grant_credit`).

use super::App;
use super::dialog::{Confirm, Dialog, OnYes};
use super::effect::Effect;
use super::forms;
use crate::domain::Money;
use crate::domain::model::PaymentRow;

/// How many invoices a confirmation names before "… and N more".
const LISTED: usize = 10;

impl App {
    /// `a` on the Payments tab: the highlighted row's remainder.
    pub(super) fn open_apply(&mut self) {
        let Some(p) = self.page() else { return };
        let customer_id = p.customer.id;
        let Some(row) = p.selected::<PaymentRow>().cloned() else { return };
        self.open_apply_of(customer_id, &row);
    }

    /// The apply form for one payment or credit, or why nothing of it can
    /// be applied.
    pub(super) fn open_apply_of(&mut self, customer_id: i64, row: &PaymentRow) {
        let open = match self.store.open_invoices(customer_id, row.amount.currency, 500) {
            Ok(open) => open,
            Err(e) => return self.error("Cannot apply", &e.to_string()),
        };
        match forms::apply::open(customer_id, row, &open, self.today) {
            Ok(form) => self.open_form(form),
            Err(why) => self.error("Nothing to apply", &why),
        }
    }

    /// `C` on the Payments tab.
    pub(super) fn open_grant_credit(&mut self) {
        let Some(p) = self.page() else { return };
        let form = forms::grant_credit::open(&p.customer, self.today);
        self.open_form(form);
    }

    /// A valid apply form: what goes where, asked before it is written.
    pub(super) fn confirm_apply(&mut self, effect: Effect) {
        let Effect::Apply { customer_id, source, version, ref plan, on, .. } = effect else { return };
        let out = match source.preview(&self.store, customer_id, plan) {
            Ok(out) => out,
            Err(e) => return self.show_failure(e.to_string()),
        };
        let money = |m| Money::new(m, out.currency).display();
        let mut named = out.source.clone();
        if let Some(first) = named.get(..1).map(str::to_uppercase) {
            named.replace_range(..1, &first);
        }
        let mut lines = vec![format!("{named} has {} unapplied; on {on}:", money(out.available_minor))];
        for a in out.parts.iter().take(LISTED) {
            let then = if a.pays_off { "paid in full".to_string() } else { "part paid".to_string() };
            lines.push(format!("  {}  {}  ({then})", a.number, money(a.amount_minor)));
        }
        if out.parts.len() > LISTED {
            lines.push(format!(
                "  … and {} more",
                crate::domain::money::group_thousands((out.parts.len() - LISTED) as u64)
            ));
        }
        lines.push(match out.left_minor {
            0 => "Nothing is left unapplied.".to_string(),
            left => format!("{} stays unapplied, as credit.", money(left)),
        });
        let n = out.parts.len();
        let title = format!(
            "Apply {} to {}?",
            money(out.applied_minor()),
            crate::domain::money::counted(n, "invoice", "invoices")
        );
        let confirmed = Effect::Apply { customer_id, source, version, plan: plan.clone(), on, confirmed: true };
        self.dialogs.push(Dialog::Confirm(Confirm { title, lines, on_yes: OnYes::Run(confirmed) }));
    }
}
