//! `i` on the customer page (or "Create invoice from this contract"): an
//! invoice typed in by hand. Due date, period and total follow the chosen
//! contract and issue date until the user types in them. Its lines are
//! rows of text (`domain::lines::ENTRY_HELP`); with lines, the total is
//! their sum and cannot be typed; without, the total stands alone.

use super::{FormDialog, FormOf, Spec, build, build_stored, chosen_contract, contract_options, labels, lines_field};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::app::keymap;
use crate::domain::date::{add_months, iso, parse_date};
use crate::domain::detail::InvoiceDetail;
use crate::domain::edit::{InvoiceDraft, check_required, default_due};
use crate::domain::lines::{self, ENTRY_HELP};
use crate::domain::model::{ContractRow, Customer};
use crate::domain::money::{Currency, Money};
use crate::domain::status::{BillingFrequency, ContractKind, InvoiceStatus};
use chrono::NaiveDate;

field_ids! {
    pub enum InvoiceField { Contract, Number, IssueDate, DueDate, PeriodStart, PeriodEnd, Lines, Total, Memo, Status }
}
use InvoiceField as F;

/// The statuses a new invoice may have, in the order offered.
const STATUSES: [InvoiceStatus; 2] = [InvoiceStatus::Draft, InvoiceStatus::Open];

/// The customer the invoice is for, and the contracts offered.
#[derive(Debug, Clone)]
pub struct NewInvoice {
    pub customer_id: i64,
    pub currency: Currency,
    pub contracts: Vec<ContractRow>,
    /// A draft being edited (its id and the version it was read at); a
    /// new invoice otherwise.
    pub draft_of: Option<(i64, i64)>,
}

/// Numbered `number`, issued `today`, for the contract `contract_id` when
/// it is one of `contracts`.
pub fn open(
    c: &Customer,
    contracts: Vec<ContractRow>,
    number: &str,
    today: NaiveDate,
    contract_id: Option<i64>,
) -> FormDialog {
    let options = contract_options(&contracts);
    let selected = contract_id.and_then(|id| contracts.iter().position(|k| k.id == id)).map_or(0, |i| i + 1);
    let spec = NewInvoice { customer_id: c.id, currency: c.currency, contracts, draft_of: None };
    build("Create invoice", spec, |f| match f {
        F::Contract => Field::choice("Contract", options.clone(), selected).with_hint(format!(
            "{}/{} choose",
            keymap::name(keymap::CHOICE_BACK),
            keymap::name(keymap::CHOICE_ON)
        )),
        F::Number => Field::text("Number", number),
        F::IssueDate => Field::text("Issue date", &iso(today)),
        F::DueDate => Field::text("Due date", &iso(default_due(today, None))),
        F::PeriodStart => Field::text("Period start", ""),
        F::PeriodEnd => Field::text("Period end", "").with_hint("optional; both or neither"),
        F::Lines => Field::rows("Lines", &[]).with_hint(ENTRY_HELP),
        F::Total => Field::text("Total", "").with_hint(total_hint(c.currency)),
        F::Memo => Field::text("Memo", "").with_hint("optional; shown on the invoice's detail"),
        F::Status => {
            let status = Field::choice("Status", labels(&STATUSES, InvoiceStatus::label), 1);
            // Creating is allowed; sending is what is paused.
            if c.invoices_paused {
                status.with_hint("invoices to this customer are paused: it is created, not sent until they resume")
            } else {
                status
            }
        }
    })
}

impl Spec for NewInvoice {
    type Field = InvoiceField;

    /// Due date, period and total follow the chosen contract and issue date.
    fn follow(&self, form: &mut FormOf<'_, F>) {
        let contract = chosen_contract(&self.contracts, form.selected(F::Contract));
        let Ok(issue) = parse_date(&form.text(F::IssueDate)) else { return };
        form.set_default(F::DueDate, &iso(default_due(issue, contract.map(|k| k.payment_terms_days))));
        let period = contract.and_then(|k| contract_period(k, issue));
        form.set_default(F::PeriodStart, &period.map(|p| iso(p.0)).unwrap_or_default());
        form.set_default(F::PeriodEnd, &period.map(|p| iso(p.1)).unwrap_or_default());
        if let Some(amount) = contract.and_then(billed_each_time) {
            form.set_default(F::Total, &amount.plain());
        }
        self.follow_lines(form);
    }

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let number = form.text(F::Number);
        form.check(F::Number, check_required("Number", &number));
        let issue = form.date(F::IssueDate);
        let due = form.date(F::DueDate);
        if let (Some(i), Some(d)) = (issue, due)
            && d < i
        {
            form.set_error(F::DueDate, format!("{d} is before the issue date {i}"));
        }
        let period = period(form);
        let nothing = "the lines add up to nothing: an invoice must bill something";
        let (lines, total) = lines_field::amount(form, F::Lines, F::Total, self.currency, nothing);
        let memo = form.text(F::Memo);
        if memo.chars().count() > MAX_MEMO {
            form.set_error(F::Memo, format!("at most {MAX_MEMO} characters ({} typed)", memo.chars().count()));
        }
        let contract_id = chosen_contract(&self.contracts, form.selected(F::Contract)).map(|k| k.id);
        let status = if form.selected(F::Status) == 0 { InvoiceStatus::Draft } else { InvoiceStatus::Open };
        let draft = InvoiceDraft {
            memo,
            lines: lines?,
            contract_id,
            number,
            issue_date: issue?,
            due_date: due?,
            period: period?,
            total_minor: total?,
            currency: self.currency,
            status,
        };
        Some(match self.draft_of {
            None => Effect::CreateInvoice { customer_id: self.customer_id, draft },
            Some((invoice_id, version)) => {
                Effect::UpdateDraftInvoice { customer_id: self.customer_id, invoice_id, version, draft }
            }
        })
    }
}

/// `e` on a draft invoice's detail: every field as stored, its lines as
/// rows; saved as Open it is issued by the same save. `contracts` are those
/// that take invoices, and the draft's own contract whatever its state.
pub fn edit_draft(c: &Customer, contracts: Vec<ContractRow>, d: &InvoiceDetail) -> FormDialog {
    let i = &d.invoice;
    let selected = d.contract_id.and_then(|id| contracts.iter().position(|k| k.id == id)).map_or(0, |n| n + 1);
    let options = contract_options(&contracts);
    let rows: Vec<String> = d.lines.iter().map(|l| lines::entered_text(l, c.currency)).collect();
    let spec = NewInvoice { customer_id: c.id, currency: c.currency, contracts, draft_of: Some((i.id, d.version)) };
    let (customer_id, id) = (c.id, i.id);
    let customer = c.clone();
    build_stored(format!("Edit draft {}", i.number), spec, |f| match f {
        F::Contract => Field::choice("Contract", options.clone(), selected),
        F::Number => Field::text("Number", &i.number),
        F::IssueDate => Field::text("Issue date", &iso(i.issue_date)),
        F::DueDate => Field::text("Due date", &iso(i.due_date)),
        F::PeriodStart => Field::text("Period start", &i.period.map(|p| iso(p.0)).unwrap_or_default()),
        F::PeriodEnd => Field::text("Period end", &i.period.map(|p| iso(p.1)).unwrap_or_default())
            .with_hint("optional; both or neither"),
        F::Lines => Field::rows("Lines", &rows).with_hint(ENTRY_HELP),
        F::Total => Field::text("Total", &i.total.plain()).with_hint(total_hint(c.currency)),
        F::Memo => Field::text("Memo", &i.memo).with_hint("optional; shown on the invoice's detail"),
        F::Status => Field::choice("Status", labels(&STATUSES, InvoiceStatus::label), 0)
            .with_hint("Open issues it: its fields are then kept as sent"),
    })
    .rereads(move |s| {
        super::reread(s.invoice_detail(customer_id, id), "This invoice", |d| {
            let contracts = s.contracts_for(customer_id).unwrap_or_default();
            edit_draft(&customer, contracts, &d)
        })
    })
}

/// The longest memo kept (the schema's CHECK).
pub const MAX_MEMO: usize = 2000;

fn total_hint(currency: Currency) -> String {
    format!("in {currency}, or the sum of the lines above")
}

impl NewInvoice {
    fn follow_lines(&self, form: &mut FormOf<'_, F>) {
        lines_field::follow(form, F::Lines, F::Total, self.currency, &total_hint(self.currency), "");
    }
}

/// The period: both dates empty (none), or both dates in order.
fn period(form: &mut FormOf<'_, F>) -> Option<Option<(NaiveDate, NaiveDate)>> {
    let (s, e) = (form.text(F::PeriodStart), form.text(F::PeriodEnd));
    if s.is_empty() && e.is_empty() {
        return Some(None);
    }
    let date_or_both = |form: &mut FormOf<'_, F>, f: F, typed: &str| {
        if typed.is_empty() {
            form.set_error(f, "enter both dates or neither");
            None
        } else {
            form.date(f)
        }
    };
    let start = date_or_both(form, F::PeriodStart, &s);
    let end = date_or_both(form, F::PeriodEnd, &e);
    let (start, end) = (start?, end?);
    if end < start {
        form.set_error(F::PeriodEnd, format!("{end} is before the start {start}"));
        return None;
    }
    Some(Some((start, end)))
}

/// The billing period of a contract that contains `on`: for recurring
/// contracts the frequency's period counted from the start; for one-time
/// contracts the whole contract.
/// What one invoice under a contract bills: a one-time contract's value,
/// or a recurring one's (its value a year, as the demo and imports keep it)
/// shared over its periods a year — $4,200.00 billed monthly is $350.00 —
/// rounded half away from zero to the currency's minor unit.
pub fn billed_each_time(k: &ContractRow) -> Option<Money> {
    match (k.kind, k.billing_frequency.map(months_of)) {
        (ContractKind::OneTime, _) => Some(k.value),
        (ContractKind::Recurring, Some(months)) => {
            let twelfths = i128::from(k.value.minor) * i128::from(months);
            let each = (twelfths + 6 * twelfths.signum()) / 12;
            i64::try_from(each).ok().map(|m| Money::new(m, k.value.currency))
        }
        (ContractKind::Recurring, None) => None,
    }
}

fn months_of(f: BillingFrequency) -> u32 {
    match f {
        BillingFrequency::Monthly => 1,
        BillingFrequency::Quarterly => 3,
        BillingFrequency::Semiannual => 6,
        BillingFrequency::Annual => 12,
    }
}

pub fn contract_period(k: &ContractRow, on: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let Some(months) = k.billing_frequency.map(months_of) else {
        return k.period_end.map(|e| (k.period_start, e));
    };
    let mut start = k.period_start;
    let mut n = 0;
    while add_months(k.period_start, (n + 1) * months) <= on && n < 1200 {
        n += 1;
        start = add_months(k.period_start, n * months);
    }
    let end = add_months(k.period_start, (n + 1) * months) - chrono::Duration::days(1);
    Some((start, k.period_end.map_or(end, |e| e.min(end))))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{chosen, customer, d, enabled, error, text, typed};
    use super::*;
    use crate::domain::edit::InvoiceDraft;
    use crate::domain::money::Money;
    use crate::domain::status::ContractStatus;

    fn setup_fee() -> ContractRow {
        ContractRow {
            id: 3,
            name: "Setup".into(),
            kind: ContractKind::OneTime,
            status: ContractStatus::Active,
            period_start: d("2026-01-01"),
            period_end: Some(d("2026-01-31")),
            value: Money::new(50_000, Currency::USD),
            payment_terms_days: 15,
            billing_frequency: None,
            version: 1,
        }
    }

    #[test]
    fn a_one_time_contract_fills_in_due_date_period_and_total_until_typed_over() {
        let mut fd = open(&customer(), vec![setup_fee()], "INV-9", d("2026-03-01"), None);
        assert!(!fd.form.dirty());
        chosen(&mut fd, F::Contract, 1);
        assert_eq!(text(&mut fd, F::DueDate), "2026-03-16", "Net 15 from the issue date");
        assert_eq!(
            (text(&mut fd, F::PeriodStart), text(&mut fd, F::PeriodEnd)),
            ("2026-01-01".into(), "2026-01-31".into())
        );
        assert_eq!(text(&mut fd, F::Total), "500.00");
        typed(&mut fd, F::Total, "450");
        typed(&mut fd, F::IssueDate, "2026-03-02");
        assert_eq!(text(&mut fd, F::DueDate), "2026-03-17", "the due date still follows");
        assert_eq!(text(&mut fd, F::Total), "450", "what was typed stays");
        let draft = InvoiceDraft {
            memo: String::new(),
            lines: Vec::new(),
            contract_id: Some(3),
            number: "INV-9".into(),
            issue_date: d("2026-03-02"),
            due_date: d("2026-03-17"),
            period: Some((d("2026-01-01"), d("2026-01-31"))),
            total_minor: 45_000,
            currency: Currency::USD,
            status: InvoiceStatus::Open,
        };
        assert_eq!(fd.validate(), Some(Effect::CreateInvoice { customer_id: 7, draft }));
    }

    /// Issue 14 defect 13: an invoice from a recurring contract had no
    /// amount; it is the year's value over the periods a year.
    #[test]
    fn a_recurring_contract_fills_in_one_periods_share_of_its_value() {
        let licence = |minor, f| ContractRow {
            kind: ContractKind::Recurring,
            period_end: None,
            value: Money::new(minor, Currency::USD),
            billing_frequency: Some(f),
            ..setup_fee()
        };
        let mut fd =
            open(&customer(), vec![licence(420_000, BillingFrequency::Monthly)], "INV-9", d("2026-03-01"), None);
        chosen(&mut fd, F::Contract, 1);
        assert_eq!(text(&mut fd, F::Total), "350.00");
        assert_eq!(
            (text(&mut fd, F::PeriodStart), text(&mut fd, F::PeriodEnd)),
            ("2026-03-01".into(), "2026-03-31".into())
        );
        let each = |minor, f| billed_each_time(&licence(minor, f)).map(|m| m.minor);
        assert_eq!(each(5_640_000, BillingFrequency::Quarterly), Some(1_410_000));
        assert_eq!(each(100_000, BillingFrequency::Monthly), Some(8_333), "8,333.33… rounds down");
        assert_eq!(each(100_006, BillingFrequency::Monthly), Some(8_334), "8,333.83… rounds up");
        assert_eq!(each(1, BillingFrequency::Annual), Some(1));
        assert_eq!(
            each(crate::domain::bounds::MAX_AMOUNT_MINOR, BillingFrequency::Annual),
            Some(crate::domain::bounds::MAX_AMOUNT_MINOR)
        );
    }

    /// Issue 14 defect 15: the form said nothing of paused invoices.
    #[test]
    fn a_customer_with_invoices_paused_is_told_in_the_form() {
        let hint = |paused| {
            let mut fd =
                open(&Customer { invoices_paused: paused, ..customer() }, Vec::new(), "INV-9", d("2026-03-01"), None);
            FormOf::<F>::new(&mut fd.form).field(F::Status).hint.clone()
        };
        assert_eq!(hint(false), None);
        assert_eq!(
            hint(true).as_deref(),
            Some("invoices to this customer are paused: it is created, not sent until they resume")
        );
    }

    #[test]
    fn half_a_period_is_refused_next_to_the_empty_date() {
        let mut fd = open(&customer(), Vec::new(), "INV-9", d("2026-03-01"), None);
        typed(&mut fd, F::PeriodStart, "2026-03-01");
        typed(&mut fd, F::Total, "10");
        assert_eq!(fd.validate(), None);
        assert_eq!(error(&mut fd, F::PeriodEnd).as_deref(), Some("enter both dates or neither"));
        assert_eq!(error(&mut fd, F::PeriodStart), None);
    }

    #[test]
    fn lines_make_the_total_and_a_bad_line_is_named() {
        let mut fd = open(&customer(), Vec::new(), "INV-9", d("2026-03-01"), None);
        typed(&mut fd, F::Total, "10");
        typed(&mut fd, F::Lines, "Seats; 12 x 45.50\nSetup; 500\nLoyalty; -46");
        assert_eq!(text(&mut fd, F::Total), "1000.00");
        assert!(!enabled(&mut fd, F::Total), "the total is the lines' sum");
        typed(&mut fd, F::Memo, "PO 4471");
        let Some(Effect::CreateInvoice { draft, .. }) = fd.validate() else { panic!("{:?}", error(&mut fd, F::Lines)) };
        assert_eq!((draft.total_minor, draft.lines.len(), draft.memo.as_str()), (100_000, 3, "PO 4471"));
        assert_eq!(draft.lines[2].kind, crate::domain::lines::LineKind::Discount);

        typed(&mut fd, F::Lines, "Seats; 12 x 45.50\nSetup fee 500");
        assert_eq!(fd.validate(), None);
        assert!(error(&mut fd, F::Lines).unwrap().starts_with("line 2: "), "{:?}", error(&mut fd, F::Lines));
        assert_eq!(error(&mut fd, F::Total), None, "the total is not asked for while lines are typed");

        typed(&mut fd, F::Lines, "Setup; 100\nCredit; -100");
        assert_eq!(fd.validate(), None);
        assert!(error(&mut fd, F::Lines).unwrap().contains("nothing"));
        typed(&mut fd, F::Lines, "Setup; 100\nCredit; -200");
        assert_eq!(fd.validate(), None);
        assert!(error(&mut fd, F::Lines).unwrap().contains("cannot be negative"));

        typed(&mut fd, F::Lines, "");
        assert!(enabled(&mut fd, F::Total), "no lines: the total is typed again");
        typed(&mut fd, F::Total, "25");
        let Some(Effect::CreateInvoice { draft, .. }) = fd.validate() else { panic!() };
        assert_eq!((draft.total_minor, draft.lines.len()), (2_500, 0));
    }

    #[test]
    fn a_memo_past_the_limit_is_refused_beside_it() {
        let mut fd = open(&customer(), Vec::new(), "INV-9", d("2026-03-01"), None);
        typed(&mut fd, F::Total, "25");
        typed(&mut fd, F::Memo, &"m".repeat(MAX_MEMO + 1));
        assert_eq!(fd.validate(), None);
        assert_eq!(error(&mut fd, F::Memo).as_deref(), Some("at most 2000 characters (2001 typed)"));
    }
}
