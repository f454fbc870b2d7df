//! Writes the app asks the store for. Components and forms only describe
//! them; `App::run_effect` is the one place that performs them.

use crate::domain::Money;
use crate::domain::edit::*;
use crate::domain::status::DocumentKind;
use crate::store::{Books, StoreError};
use chrono::NaiveDate;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A statement of account shown on screen (`forms::statement`).
    PreviewStatement {
        customer_id: i64,
        as_of: chrono::NaiveDate,
        from: Option<chrono::NaiveDate>,
        path: PathBuf,
    },
    /// The statement written to `path` in the format its name says.
    WriteStatement {
        customer_id: i64,
        as_of: chrono::NaiveDate,
        from: Option<chrono::NaiveDate>,
        path: PathBuf,
        overwrite: bool,
    },
    /// Read the books as of the end of this day (read-only), or as they
    /// are with `None` (`forms::as_of`); writes nothing.
    SetAsOf {
        day: Option<chrono::NaiveDate>,
    },
    /// A customer typed in by hand; the app opens its page.
    CreateCustomer {
        edit: CustomerEdit,
    },
    UpdateOrganization {
        version: i64,
        edit: OrgEdit,
        credit: crate::domain::edit::CreditSettings,
    },
    UpdateCustomer {
        id: i64,
        version: i64,
        edit: CustomerEdit,
    },
    CreateInvoice {
        customer_id: i64,
        draft: InvoiceDraft,
    },
    /// Every field of a draft invoice, at the version the form was
    /// filled from.
    UpdateDraftInvoice {
        customer_id: i64,
        invoice_id: i64,
        version: i64,
        draft: InvoiceDraft,
    },
    /// A draft becomes open.
    IssueInvoice {
        customer_id: i64,
        invoice_id: i64,
        version: i64,
        number: String,
    },
    /// An application stops counting on `on` (`Store::unapply`).
    Unapply {
        customer_id: i64,
        application_id: i64,
        on: NaiveDate,
    },
    /// An issued invoice's memo.
    SetInvoiceMemo {
        customer_id: i64,
        invoice_id: i64,
        version: i64,
        number: String,
        memo: String,
    },
    CreateContract {
        customer_id: i64,
        draft: ContractDraft,
    },
    UpdateContract {
        id: i64,
        version: i64,
        draft: ContractDraft,
    },
    EndContract {
        id: i64,
        version: i64,
        end: NaiveDate,
        today: NaiveDate,
    },
    CancelContract {
        id: i64,
        version: i64,
    },
    DeleteContract {
        id: i64,
        version: i64,
    },
    /// Cancelled on `on`, the app's today.
    CancelInvoices {
        customer_id: i64,
        ids: Vec<i64>,
        on: NaiveDate,
    },
    RecordPayment {
        customer_id: i64,
        draft: PaymentDraft,
    },
    /// Refund a payment seen at `version`; unconfirmed, the app first asks
    /// when invoices would take money back.
    RefundPayment {
        payment_id: i64,
        version: i64,
        draft: RefundDraft,
        confirmed: bool,
    },
    /// Put a payment's unapplied remainder or a credit's against open
    /// invoices, dated `on`; unconfirmed, the app first shows what goes
    /// where.
    Apply {
        customer_id: i64,
        source: Remainder,
        version: i64,
        plan: ApplyPlan,
        on: NaiveDate,
        confirmed: bool,
    },
    GrantCredit {
        customer_id: i64,
        draft: CreditDraft,
    },
    /// Write off the balances of these open invoices as bad debt on `on`;
    /// unconfirmed, the app first names them and the money.
    WriteOff {
        customer_id: i64,
        ids: Vec<i64>,
        on: NaiveDate,
        reason: String,
        confirmed: bool,
    },
    /// An uncollectible invoice, seen at `version`, owes again from `on`;
    /// unconfirmed, the app first says what owes again.
    ReverseWriteOff {
        customer_id: i64,
        invoice_id: i64,
        version: i64,
        number: String,
        on: NaiveDate,
        reason: String,
        confirmed: bool,
    },
    /// Issue a credit note (against an invoice, or standalone);
    /// unconfirmed, the app first says what it does to the balance and
    /// the number it gets.
    IssueCreditNote {
        customer_id: i64,
        draft: CreditNoteDraft,
        confirmed: bool,
    },
    /// Close these open invoices' small balances with adjustment credit on
    /// `on` (those over the organization's limit too when
    /// `allow_over_limit`); unconfirmed, the app first names them.
    SmallBalance {
        customer_id: i64,
        ids: Vec<i64>,
        on: NaiveDate,
        reason: String,
        allow_over_limit: bool,
        confirmed: bool,
    },
    /// Void a credit note or an adjustment (`label` names it) seen at
    /// `version` on `on`; unconfirmed, the app first names the invoices
    /// that owe again.
    VoidCredit {
        customer_id: i64,
        credit_id: i64,
        version: i64,
        label: String,
        on: NaiveDate,
        confirmed: bool,
    },
    CreateContact {
        customer_id: i64,
        draft: ContactDraft,
    },
    UpdateContact {
        id: i64,
        version: i64,
        draft: ContactDraft,
    },
    DeleteContact {
        id: i64,
        version: i64,
    },
    MakePrimary {
        customer_id: i64,
        contact_id: i64,
    },
    /// A call, email, letter or note logged (`forms::log`): the invoices
    /// by number, resolved to ids and linked when it is written, and a
    /// promise to pay on them.
    LogEntry {
        customer_id: i64,
        entry: Box<crate::domain::collections::LogEntry>,
        invoices: Vec<String>,
        promise: Option<(Money, chrono::NaiveDate)>,
        today: chrono::NaiveDate,
    },
    /// A conversation resolved by a person, or reopened.
    SetConversationStatus {
        id: i64,
        version: i64,
        status: crate::domain::collections::ConvStatus,
        subject: String,
        today: chrono::NaiveDate,
    },
    /// Invoices' collections paused until a day (`forms::pause`).
    PauseInvoices {
        customer_id: i64,
        draft: crate::domain::collections::PauseDraft,
        numbers: Vec<String>,
        today: chrono::NaiveDate,
    },
    /// Their pauses ended today.
    ResumeInvoices {
        customer_id: i64,
        ids: Vec<i64>,
        numbers: Vec<String>,
        today: chrono::NaiveDate,
    },
    Upload {
        customer_id: i64,
        paths: Vec<PathBuf>,
        name: Option<String>,
        kind: DocumentKind,
        contract_id: Option<i64>,
    },
    Download {
        id: i64,
        dir: PathBuf,
        overwrite: bool,
    },
    DeleteDocument {
        id: i64,
        version: i64,
    },
    Export {
        customer_id: i64,
        tab: crate::domain::columns::Tab,
        view: crate::store::window::View,
        path: PathBuf,
        overwrite: bool,
    },
    /// Import files: first as a dry run that shows what would change
    /// (`opts.dry_run`), with the choices the import form offers.
    Import {
        files: Vec<PathBuf>,
        opts: crate::import::ImportOptions,
    },
}

/// What is applied: a payment's remainder or a credit (by their own ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remainder {
    Payment(i64),
    Credit(i64),
}

impl Remainder {
    /// What applying it would do; writes nothing.
    pub fn preview(
        self,
        store: &Books,
        customer_id: i64,
        plan: &ApplyPlan,
    ) -> Result<crate::store::writes::ApplyOutcome, StoreError> {
        match self {
            Remainder::Payment(id) => store.apply_payment_preview(customer_id, id, plan),
            Remainder::Credit(id) => store.apply_credit_preview(customer_id, id, plan),
        }
    }
}

/// Performs one effect; returns what to tell the user.
pub fn perform(store: &mut Books, effect: &Effect) -> Result<String, StoreError> {
    Ok(match effect {
        Effect::CreateCustomer { edit } => {
            store.create_customer(edit)?;
            format!("Created {}", edit.name.trim())
        }
        Effect::UpdateOrganization { version, edit, credit } => {
            store.update_settings(*version, edit, credit)?;
            "Saved the organization's settings".into()
        }
        Effect::UpdateCustomer { id, version, edit } => {
            store.update_customer(*id, *version, edit)?;
            format!("Saved {}", edit.name)
        }
        Effect::CreateInvoice { customer_id, draft } => {
            store.create_invoice(*customer_id, draft)?;
            format!("Created invoice {} for {}", draft.number, Money::new(draft.total_minor, draft.currency).display())
        }
        Effect::UpdateDraftInvoice { customer_id, invoice_id, version, draft } => {
            store.update_draft_invoice(*customer_id, *invoice_id, *version, draft)?;
            let total = Money::new(draft.total_minor, draft.currency).display();
            match draft.status {
                crate::domain::status::InvoiceStatus::Draft => format!("Saved draft {} for {total}", draft.number),
                _ => format!("Saved and issued invoice {} for {total}", draft.number),
            }
        }
        Effect::Unapply { customer_id, application_id, on } => {
            let done = store.unapply(*customer_id, *application_id, *on)?;
            let back = match &done.returned_to {
                crate::store::writes::ReturnedTo::Payment { reference, remainder, .. } => {
                    let name = if reference.trim().is_empty() { "the payment".to_string() } else { reference.clone() };
                    format!("back to {name}, {} unapplied", remainder.display())
                }
                crate::store::writes::ReturnedTo::Credit { open, .. } => {
                    format!("back to the credit, {} unapplied", open.display())
                }
            };
            let again = if done.reopened { "; it owes again" } else { "" };
            format!("Unapplied {} from {}: {back}{again}", done.amount.display(), done.number)
        }
        Effect::IssueInvoice { customer_id, invoice_id, version, number } => {
            store.issue_invoice(*customer_id, *invoice_id, *version)?;
            format!("Issued invoice {number}: it is open")
        }
        Effect::SetInvoiceMemo { customer_id, invoice_id, version, number, memo } => {
            store.set_invoice_memo(*customer_id, *invoice_id, *version, memo)?;
            if memo.trim().is_empty() {
                format!("Cleared the memo of invoice {number}")
            } else {
                format!("Saved the memo of invoice {number}")
            }
        }
        Effect::CreateContract { customer_id, draft } => {
            store.create_contract(*customer_id, draft)?;
            format!("Created contract {}", draft.name)
        }
        Effect::UpdateContract { id, version, draft } => {
            store.update_contract(*id, *version, draft)?;
            format!("Saved contract {}", draft.name)
        }
        Effect::EndContract { id, version, end, today } => {
            store.end_contract(*id, *version, *end, *today)?;
            if end > today { format!("Contract ends on {end}") } else { format!("Contract ended on {end}") }
        }
        Effect::CancelContract { id, version } => {
            store.cancel_contract(*id, *version)?;
            "Contract cancelled".into()
        }
        Effect::DeleteContract { id, version } => {
            store.delete_contract(*id, *version)?;
            "Contract deleted".into()
        }
        Effect::CancelInvoices { customer_id, ids, on } => {
            let done = store.cancel_invoices(*customer_id, ids, *on)?;
            let mut msg =
                format!("Cancelled {}", crate::domain::money::counted(done.cancel.len(), "invoice", "invoices"));
            if !done.refused.is_empty() {
                msg.push_str(&format!(
                    "; {} left as they were",
                    crate::domain::money::group_thousands(done.refused.len() as u64)
                ));
            }
            msg
        }
        Effect::RecordPayment { customer_id, draft } => {
            let out = store.record_payment(*customer_id, draft)?;
            let amount = Money::new(draft.amount_minor, draft.currency).display();
            let mut msg = format!("Recorded {amount} applied to {} invoice(s)", out.applied.len());
            if out.unapplied_minor > 0 {
                msg.push_str(&format!(
                    ", {} kept as credit",
                    Money::new(out.unapplied_minor, draft.currency).display()
                ));
            }
            msg
        }
        Effect::RefundPayment { payment_id, version, draft, .. } => {
            let plan = store.refund_payment(*payment_id, *version, draft)?;
            let money = |m| Money::new(m, plan.currency).display();
            let mut msg = format!("Refunded {}", money(draft.amount_minor));
            // "Again" only of an invoice that was paid: one that still owed
            // something owes more, not again.
            let numbers = |reopens: bool| -> Vec<&str> {
                plan.reversals.iter().filter(|r| r.reopens == reopens).map(|r| r.number.as_str()).collect()
            };
            for (which, said) in [(numbers(true), "again"), (numbers(false), "more")] {
                if !which.is_empty() {
                    let verb = if which.len() == 1 { "owes" } else { "owe" };
                    msg.push_str(&format!("; {} {verb} {said}", which.join(", ")));
                }
            }
            msg
        }
        Effect::Apply { customer_id, source, version, plan, on, .. } => {
            let out = match source {
                Remainder::Payment(id) => store.apply_payment(*customer_id, *id, *version, plan, *on)?,
                Remainder::Credit(id) => store.apply_credit(*customer_id, *id, *version, plan, *on)?,
            };
            let money = |m| Money::new(m, out.currency).display();
            let n = out.parts.len();
            let mut msg = format!(
                "Applied {} to {}",
                money(out.applied_minor()),
                crate::domain::money::counted(n, "invoice", "invoices")
            );
            let paid = out.parts.iter().filter(|a| a.pays_off).count();
            if paid > 0 {
                msg.push_str(&format!(" ({} now paid)", crate::domain::money::group_thousands(paid as u64)));
            }
            if out.left_minor > 0 {
                msg.push_str(&format!("; {} left unapplied", money(out.left_minor)));
            }
            msg
        }
        Effect::GrantCredit { customer_id, draft } => {
            store.grant_credit(*customer_id, draft)?;
            format!("Granted {} of credit", Money::new(draft.amount_minor, draft.currency).display())
        }
        Effect::WriteOff { customer_id, ids, on, reason, .. } => {
            let done = store.write_off(*customer_id, ids, *on, reason)?;
            let n = done.write_off.len();
            let totals: Vec<String> = done.currency_totals.iter().map(|(c, m)| Money::new(*m, *c).display()).collect();
            let mut msg = format!(
                "Wrote off {} of {} on {on}",
                totals.join(" + "),
                crate::domain::money::counted(n, "invoice", "invoices")
            );
            if !done.refused.is_empty() {
                msg.push_str(&format!(
                    "; {} left as they were",
                    crate::domain::money::group_thousands(done.refused.len() as u64)
                ));
            }
            msg
        }
        Effect::ReverseWriteOff { customer_id, invoice_id, version, number, on, reason, .. } => {
            let owed = store.reverse_write_off(*customer_id, *invoice_id, *version, *on, reason)?;
            if owed.minor > 0 {
                format!("Reversed the write-off of {number}: it owes {} again", owed.display())
            } else {
                format!("Reversed the write-off of {number}: it is paid")
            }
        }
        Effect::IssueCreditNote { customer_id, draft, .. } => {
            let done = store.issue_credit_note(*customer_id, draft)?;
            let money = |m| Money::new(m, done.currency).display();
            let mut msg = format!("Issued credit note {} for {}", done.number, money(done.amount_minor));
            if let Some((_, number)) = &done.invoice {
                let closes = if done.closes { ", now paid" } else { "" };
                msg.push_str(&format!(": {number} owes {} less{closes}", money(done.balance_falls_minor)));
            }
            if done.to_credit_minor > 0 {
                msg.push_str(&format!("; {} customer credit", money(done.to_credit_minor)));
            }
            if done.refunded_minor() > 0 {
                msg.push_str(&format!("; {} refunded", money(done.refunded_minor())));
            }
            msg
        }
        Effect::SmallBalance { customer_id, ids, on, reason, allow_over_limit, .. } => {
            let done = store.small_balance_write_off(*customer_id, ids, *on, reason, *allow_over_limit)?;
            let n = done.close.len();
            let totals: Vec<String> = done.currency_totals.iter().map(|(c, m)| Money::new(*m, *c).display()).collect();
            let mut msg = format!(
                "Closed the small balance{} of {} ({}): paid",
                if n == 1 { "" } else { "s" },
                crate::domain::money::counted(n, "invoice", "invoices"),
                totals.join(" + ")
            );
            if !done.refused.is_empty() {
                msg.push_str(&format!(
                    "; {} left as they were",
                    crate::domain::money::group_thousands(done.refused.len() as u64)
                ));
            }
            msg
        }
        Effect::VoidCredit { customer_id, credit_id, version, on, .. } => {
            let done = store.void_credit(*customer_id, *credit_id, *version, *on)?;
            let mut msg = format!("Voided {}", done.label);
            if !done.unapplied.is_empty() {
                let numbers: Vec<&str> = done.unapplied.iter().map(|(n, _)| n.as_str()).collect();
                let verb = if numbers.len() == 1 { "owes" } else { "owe" };
                msg.push_str(&format!(": {} {verb} again", numbers.join(", ")));
            }
            msg
        }
        Effect::CreateContact { customer_id, draft } => {
            store.create_contact(*customer_id, draft)?;
            format!("Added contact {}", draft.name)
        }
        Effect::UpdateContact { id, version, draft } => {
            store.update_contact(*id, *version, draft)?;
            format!("Saved contact {}", draft.name)
        }
        Effect::DeleteContact { id, version } => {
            store.delete_contact(*id, *version)?;
            "Contact deleted".into()
        }
        Effect::MakePrimary { customer_id, contact_id } => {
            store.make_primary(*customer_id, *contact_id)?;
            "Primary contact changed".into()
        }
        Effect::LogEntry { customer_id, entry, invoices, promise, today } => {
            let ids = store.invoice_ids_by_number(*customer_id, invoices)?;
            let mut entry = (**entry).clone();
            entry.invoice_ids.clone_from(&ids);
            entry.promise = promise.map(|(amount, due_on)| crate::domain::collections::PromiseDraft {
                amount,
                due_on,
                invoice_ids: ids.clone(),
            });
            store.log_entry(*customer_id, &entry, *today)?;
            let what = entry.kind.label().to_lowercase();
            match promise {
                Some((amount, by)) => format!("Logged the {what} and a promise to pay {} by {by}", amount.display()),
                None => format!("Logged the {what}"),
            }
        }
        Effect::SetConversationStatus { id, version, status, subject, today } => {
            store.set_conversation_status(*id, *version, *status, *today)?;
            match status {
                crate::domain::collections::ConvStatus::Resolved => format!("Resolved “{subject}”"),
                crate::domain::collections::ConvStatus::Open => format!("Reopened “{subject}”"),
                crate::domain::collections::ConvStatus::Waiting => format!("“{subject}” waits on the customer"),
            }
        }
        Effect::PauseInvoices { customer_id, draft, numbers, today } => {
            store.pause_invoices(*customer_id, draft, *today)?;
            format!("Paused collections on {} until {}", numbers.join(", "), draft.until_on)
        }
        Effect::ResumeInvoices { customer_id, ids, numbers, today } => {
            let n = store.resume_invoices(*customer_id, ids, *today)?;
            if n == 0 {
                return Err(StoreError::Invalid(format!("{} is not paused", numbers.join(", "))));
            }
            format!("Resumed collections on {} today (p pauses again)", numbers.join(", "))
        }
        // `App::run_effect` runs these beside the screen (`transfer.rs`),
        // with a progress popup.
        Effect::Upload { .. } | Effect::Download { .. } | Effect::DeleteDocument { .. } => {
            return Err(StoreError::Invalid("documents are transferred through the progress popup".into()));
        }
        // `App::run_effect` shows it itself.
        Effect::PreviewStatement { .. } => {
            return Err(StoreError::Invalid("a statement is shown through its preview".into()));
        }
        Effect::WriteStatement { customer_id, as_of, from, path, overwrite } => {
            use crate::statement::model::Kind;
            let kind = from.map_or(Kind::OpenItem, |from| Kind::Activity { from });
            let s = store.statement(*customer_id, *as_of, kind)?;
            let format = crate::app::forms::statement::format_of(path)
                .ok_or_else(|| StoreError::Invalid(format!("{}: end it in .pdf, .txt or .csv", path.display())))?;
            let bytes = crate::statement::output::render(&s, format).map_err(|e| StoreError::Invalid(e.to_string()))?;
            use crate::statement::whole_file::{WriteError, write_whole};
            write_whole(path, &bytes, *overwrite).map_err(|e| match e {
                WriteError::Exists(p) => StoreError::Exists(p),
                e => StoreError::Invalid(e.to_string()),
            })?;
            format!("Wrote the statement as of {as_of} to {}", path.display())
        }
        // `App::run_effect` sets the date itself (`App::set_as_of`): the
        // page and the reading thread follow it.
        Effect::SetAsOf { day } => {
            store.set_as_of(*day)?;
            match day {
                Some(d) => format!("The books as of {d}"),
                None => "The books as they are today".into(),
            }
        }
        // `App::run_effect` runs imports itself (`run.rs`): beside the
        // screen, with a preview first.
        Effect::Import { .. } => {
            return Err(StoreError::Invalid("imports run through the import dialog".into()));
        }
        Effect::Export { customer_id, tab, view, path, overwrite } => {
            let n = crate::export::to_file(store, *customer_id, *tab, view, path, *overwrite)?;
            format!("Exported {n} row{} to {}", if n == 1 { "" } else { "s" }, path.display())
        }
    })
}
