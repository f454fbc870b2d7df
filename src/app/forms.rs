//! The forms of the customer page: how each opens (fields and defaults),
//! how defaults follow other fields, and how it turns into an `Effect` —
//! or into errors next to the fields.

use super::effect::Effect;
use super::form::{Field, Form};
use crate::domain::date::{add_months, iso, parse_date};
use crate::domain::edit::*;
use crate::domain::model::{ContractRow, Customer, InvoiceRow};
use crate::domain::money::{Currency, Money, parse_amount};
use crate::domain::status::*;
use chrono::NaiveDate;
use std::path::PathBuf;

/// What a form is for, with what its validation needs to know.
#[derive(Debug, Clone)]
pub enum Purpose {
    NewCustomer,
    Settings { version: i64 },
    EditCustomer { id: i64, version: i64 },
    NewInvoice { customer_id: i64, currency: Currency, contracts: Vec<ContractRow> },
    NewContract { customer_id: i64, currency: Currency },
    EditContract { id: i64, version: i64, currency: Currency },
    EndContract { id: i64, version: i64 },
    Payment { customer_id: i64, currency: Currency, open: Vec<InvoiceRow> },
    Refund(super::refund::Refunding),
    NewContact { customer_id: i64 },
    EditContact { id: i64, version: i64 },
    Upload { customer_id: i64, contracts: Vec<ContractRow>, max_size: u64 },
    Download { id: i64 },
    Export { customer_id: i64, tab: crate::domain::columns::Tab, view: crate::store::window::View },
    Import,
}

pub(super) fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| label(*v).to_string()).collect()
}

/// A customer typed in by hand, in the organization's default currency.
pub fn new_customer(currency: Currency) -> (Form, Purpose) {
    let mut form = Form::new(
        "New customer",
        vec![
            Field::text("Name", ""),
            Field::text("Legal name", ""),
            Field::text("Billing email", ""),
            Field::text("Currency", currency.code()).with_hint("three letters, e.g. USD"),
            Field::toggle("Invoices paused", false),
            Field::toggle("Portal delivery", false),
        ],
    );
    form.mark_clean();
    (form, Purpose::NewCustomer)
}

pub fn edit_customer(c: &Customer, currency_locked: bool) -> (Form, Purpose) {
    let currency = Field::text("Currency", c.currency.code());
    let currency = if currency_locked {
        currency.disabled("fixed: the customer has issued invoices or payments")
    } else {
        currency.with_hint("three letters, e.g. USD")
    };
    let form = Form::new(
        format!("Edit {}", c.name),
        vec![
            Field::text("Name", &c.name),
            Field::text("Legal name", &c.legal_name),
            Field::text("Billing email", &c.billing_email),
            currency,
            Field::toggle("Invoices paused", c.invoices_paused),
            Field::toggle("Portal delivery", c.portal),
        ],
    );
    (form, Purpose::EditCustomer { id: c.id, version: c.version })
}

pub fn new_invoice(
    c: &Customer,
    contracts: Vec<ContractRow>,
    number: &str,
    today: NaiveDate,
    contract_id: Option<i64>,
) -> (Form, Purpose) {
    let mut options = vec!["None".to_string()];
    options.extend(contracts.iter().map(|k| format!("{} ({})", k.name, k.status.label())));
    let selected = contract_id.and_then(|id| contracts.iter().position(|k| k.id == id)).map_or(0, |i| i + 1);
    let form = Form::new(
        "Create invoice",
        vec![
            Field::choice("Contract", options, selected).with_hint("←/→ choose"),
            Field::text("Number", number),
            Field::text("Issue date", &iso(today)),
            Field::text("Due date", &iso(default_due(today, None))),
            Field::text("Period start", ""),
            Field::text("Period end", "").with_hint("optional; both or neither"),
            Field::text("Total", "").with_hint(format!("in {}", c.currency)),
            Field::choice("Status", labels(&[InvoiceStatus::Draft, InvoiceStatus::Open], InvoiceStatus::label), 1),
        ],
    );
    let purpose = Purpose::NewInvoice { customer_id: c.id, currency: c.currency, contracts };
    let mut form = form;
    follow_defaults(&mut form, &purpose);
    form.mark_clean();
    (form, purpose)
}

pub fn contract_form(title: &str, k: Option<&ContractRow>, currency: Currency, today: NaiveDate) -> Form {
    let kinds = labels(ContractKind::ALL, ContractKind::label);
    let statuses = labels(ContractStatus::ALL, ContractStatus::label);
    let freqs = labels(BillingFrequency::ALL, BillingFrequency::label);
    let (name, kind, status, start, end, value, terms, freq) = match k {
        Some(k) => (
            k.name.clone(),
            position(ContractKind::ALL, k.kind),
            position(ContractStatus::ALL, k.status),
            iso(k.period_start),
            k.period_end.map(iso).unwrap_or_default(),
            Money::new(k.value.minor, k.value.currency).plain(),
            terms_label(k.payment_terms_days),
            k.billing_frequency.map_or(0, |f| position(BillingFrequency::ALL, f)),
        ),
        None => (String::new(), 0, 1, iso(today), String::new(), String::new(), "Net 30".into(), 0),
    };
    let mut form = Form::new(
        title,
        vec![
            Field::text("Name", &name),
            Field::choice("Type", kinds, kind),
            Field::choice("Status", statuses, status),
            Field::text("Period start", &start),
            Field::text("Period end", &end).with_hint("optional for recurring contracts"),
            Field::text("Value", &value).with_hint(format!("in {currency}")),
            Field::text("Payment terms", &terms).with_hint("Due on receipt, Net 15/30/45/60/90 or days"),
            Field::choice("Billing frequency", freqs, freq),
        ],
    );
    follow_kind(&mut form);
    form
}

use crate::domain::model::terms_label;

fn position<T: PartialEq>(all: &[T], v: T) -> usize {
    all.iter().position(|x| *x == v).unwrap_or(0)
}

pub fn end_contract(k: &ContractRow, today: NaiveDate) -> (Form, Purpose) {
    let end = k.period_end.unwrap_or(today).max(k.period_start);
    let form =
        Form::new(format!("End {}", k.name), vec![Field::text("End date", &iso(end.min(today.max(k.period_start))))]);
    (form, Purpose::EndContract { id: k.id, version: k.version })
}

pub fn payment(c: &Customer, open: Vec<InvoiceRow>, today: NaiveDate) -> (Form, Purpose) {
    let items = open
        .iter()
        .map(|i| (i.id, format!("{}  due {}  open {}", i.number, iso(i.due_date), i.open_balance().display())))
        .collect();
    let mut form = Form::new(
        "Record payment",
        vec![
            Field::text("Date", &iso(today)),
            Field::text("Amount", "").with_hint(format!("in {}", c.currency)),
            Field::text("Reference", "").with_hint("e.g. WIRE-2026-03-01 or check number"),
            Field::choice("Apply to", vec!["Oldest open invoices first".into(), "Invoices I tick".into()], 0),
            Field::checklist("Invoices", items).with_hint("Space ticks; applied in the order listed"),
        ],
    );
    follow_defaults_payment(&mut form);
    (form, Purpose::Payment { customer_id: c.id, currency: c.currency, open })
}

pub fn contact(customer_id: i64, existing: Option<&crate::domain::model::ContactRow>) -> (Form, Purpose) {
    let (name, email, phone, role) =
        existing.map_or_else(Default::default, |c| (c.name.clone(), c.email.clone(), c.phone.clone(), c.role.clone()));
    let form = Form::new(
        if existing.is_some() { "Edit contact" } else { "New contact" },
        vec![
            Field::text("Name", &name),
            Field::text("Email", &email),
            Field::text("Phone", &phone),
            Field::text("Role", &role).with_hint("e.g. Accounts Payable"),
        ],
    );
    let purpose = match existing {
        Some(c) => Purpose::EditContact { id: c.id, version: c.version },
        None => Purpose::NewContact { customer_id },
    };
    (form, purpose)
}

pub fn export(
    customer_id: i64,
    tab: crate::domain::columns::Tab,
    view: crate::store::window::View,
    default: &str,
) -> (Form, Purpose) {
    let mut path =
        Field::text("File", default).with_hint("CSV; Tab completes; an existing file is not replaced without asking");
    path.completes_paths = true;
    let title = format!("Export {} to CSV", tab.title().to_lowercase());
    (Form::new(title, vec![path]), Purpose::Export { customer_id, tab, view })
}

pub fn import() -> (Form, Purpose) {
    let mut files = Field::text("Files", "").with_hint(
        "Stripe, QuickBooks, HubSpot or Salesforce exports, or ardesk JSON; Tab completes; several separated by spaces",
    );
    files.completes_paths = true;
    (Form::new("Import", vec![files]), Purpose::Import)
}

/// After a field changed: defaults that depend on it follow, unless the
/// user already typed in them.
pub fn on_change(form: &mut Form, purpose: &Purpose) {
    match purpose {
        Purpose::NewInvoice { .. } => follow_defaults(form, purpose),
        Purpose::NewContract { .. } | Purpose::EditContract { .. } => follow_kind(form),
        Purpose::Payment { .. } => follow_defaults_payment(form),
        _ => {}
    }
}

fn follow_kind(form: &mut Form) {
    let recurring = form.field("Type").selected() == 0;
    form.field_mut("Billing frequency").enabled = recurring;
    form.field_mut("Billing frequency").hint = (!recurring).then(|| "one-time contracts bill once".into());
}

fn follow_defaults_payment(form: &mut Form) {
    let pick = form.field("Apply to").selected() == 1;
    form.field_mut("Invoices").enabled = pick;
}

/// Due date, period and total follow the chosen contract and issue date.
fn follow_defaults(form: &mut Form, purpose: &Purpose) {
    let Purpose::NewInvoice { contracts, .. } = purpose else { return };
    let contract = form.field("Contract").selected().checked_sub(1).and_then(|i| contracts.get(i));
    let Ok(issue) = parse_date(&form.text("Issue date")) else { return };
    let set = |form: &mut Form, label: &str, value: String| {
        if !form.field(label).touched {
            form.field_mut(label).set_text(&value);
        }
    };
    set(form, "Due date", iso(default_due(issue, contract.map(|k| k.payment_terms_days))));
    let period = contract.and_then(|k| contract_period(k, issue));
    set(form, "Period start", period.map(|p| iso(p.0)).unwrap_or_default());
    set(form, "Period end", period.map(|p| iso(p.1)).unwrap_or_default());
    if let Some(k) = contract.filter(|k| k.kind == ContractKind::OneTime) {
        set(form, "Total", k.value.plain());
    }
}

/// The billing period of a contract that contains `on`: for recurring
/// contracts the frequency's period counted from the start; for one-time
/// contracts the whole contract.
pub fn contract_period(k: &ContractRow, on: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let months = match k.billing_frequency {
        Some(BillingFrequency::Monthly) => 1,
        Some(BillingFrequency::Quarterly) => 3,
        Some(BillingFrequency::Semiannual) => 6,
        Some(BillingFrequency::Annual) => 12,
        None => return k.period_end.map(|e| (k.period_start, e)),
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

/// Checks the form; on success the effect to run, else errors are set on
/// the fields and `None` comes back. Nothing is written either way.
pub fn validate(form: &mut Form, purpose: &Purpose) -> Option<Effect> {
    form.clear_errors();
    let effect = match purpose {
        Purpose::NewCustomer => customer_edit(form).map(|edit| Effect::CreateCustomer { edit }),
        Purpose::Settings { version } => {
            super::settings::org_edit(form).map(|edit| Effect::UpdateOrganization { version: *version, edit })
        }
        Purpose::EditCustomer { id, version } => {
            customer_edit(form).map(|edit| Effect::UpdateCustomer { id: *id, version: *version, edit })
        }
        Purpose::NewInvoice { customer_id, currency, contracts } => invoice_draft(form, *currency, contracts)
            .map(|draft| Effect::CreateInvoice { customer_id: *customer_id, draft }),
        Purpose::NewContract { customer_id, currency } => {
            contract_draft(form, *currency).map(|draft| Effect::CreateContract { customer_id: *customer_id, draft })
        }
        Purpose::EditContract { id, version, currency } => {
            contract_draft(form, *currency).map(|draft| Effect::UpdateContract { id: *id, version: *version, draft })
        }
        Purpose::EndContract { id, version } => {
            date_field(form, "End date").map(|end| Effect::EndContract { id: *id, version: *version, end })
        }
        Purpose::Payment { customer_id, currency, .. } => {
            payment_draft(form, *currency).map(|draft| Effect::RecordPayment { customer_id: *customer_id, draft })
        }
        Purpose::Refund(r) => super::refund::validate(form, r),
        Purpose::NewContact { customer_id } => {
            contact_draft(form).map(|draft| Effect::CreateContact { customer_id: *customer_id, draft })
        }
        Purpose::EditContact { id, version } => {
            contact_draft(form).map(|draft| Effect::UpdateContact { id: *id, version: *version, draft })
        }
        Purpose::Upload { customer_id, contracts, max_size } => {
            super::document_forms::upload_effect(form, *customer_id, contracts, *max_size)
        }
        Purpose::Export { customer_id, tab, view } => {
            let path = expand_home(&form.text("File"));
            let dir =
                path.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), PathBuf::from);
            if form.text("File").is_empty() {
                form.set_error("File", "type a file name");
            } else if !dir.is_dir() {
                form.set_error("File", format!("{} is not a directory", dir.display()));
            } else if path.is_dir() {
                form.set_error("File", format!("{} is a directory", path.display()));
            }
            Some(Effect::Export { customer_id: *customer_id, tab: *tab, view: view.clone(), path, overwrite: false })
        }
        Purpose::Import => {
            let files: Vec<PathBuf> =
                super::complete::split_paths(&form.text("Files")).iter().map(|p| expand_home(p)).collect();
            match files.iter().find(|p| !p.is_file()) {
                _ if files.is_empty() => form.set_error("Files", "type the path of at least one export file"),
                Some(p) => form.set_error("Files", format!("{} is not a file", p.display())),
                None => {}
            }
            Some(Effect::Import { files, dry_run: true })
        }
        Purpose::Download { id } => super::document_forms::download_effect(form, *id),
    };
    if form.has_errors() { None } else { effect }
}

/// Records a field's error and gives `None`.
fn check<T>(form: &mut Form, label: &str, r: Result<T, String>) -> Option<T> {
    r.map_err(|e| form.set_error(label, e)).ok()
}

fn date_field(form: &mut Form, label: &str) -> Option<NaiveDate> {
    let r = parse_date(&form.text(label));
    check(form, label, r)
}

fn amount_field(form: &mut Form, label: &str, currency: Currency, positive: bool) -> Option<i64> {
    let r = parse_amount(&form.text(label), currency)
        .map_err(|e| e.to_string())
        .and_then(|v| if positive && v == 0 { Err("the amount must be more than zero".into()) } else { Ok(v) });
    check(form, label, r)
}

fn customer_edit(form: &mut Form) -> Option<CustomerEdit> {
    let name = form.text("Name");
    check(form, "Name", check_required("Name", &name));
    let email = form.text("Billing email");
    check(form, "Billing email", check_email(&email));
    let cur = form.text("Currency").parse::<Currency>().map_err(|e| e.to_string());
    let currency = check(form, "Currency", cur)?;
    Some(CustomerEdit {
        name,
        legal_name: form.text("Legal name"),
        billing_email: email,
        currency,
        invoices_paused: form.field("Invoices paused").on(),
        portal: form.field("Portal delivery").on(),
    })
}

fn invoice_draft(form: &mut Form, currency: Currency, contracts: &[ContractRow]) -> Option<InvoiceDraft> {
    let number = form.text("Number");
    check(form, "Number", check_required("Number", &number));
    let issue = date_field(form, "Issue date");
    let due = date_field(form, "Due date");
    if let (Some(i), Some(d)) = (issue, due)
        && d < i
    {
        form.set_error("Due date", format!("{d} is before the issue date {i}"));
    }
    let period = optional_period(form, "Period start", "Period end", true);
    let total = amount_field(form, "Total", currency, true);
    let contract_id = form.field("Contract").selected().checked_sub(1).and_then(|i| contracts.get(i)).map(|k| k.id);
    let status = if form.field("Status").selected() == 0 { InvoiceStatus::Draft } else { InvoiceStatus::Open };
    Some(InvoiceDraft {
        contract_id,
        number,
        issue_date: issue?,
        due_date: due?,
        period: period?,
        total_minor: total?,
        currency,
        status,
    })
}

/// Two date fields that are both empty (None) or both dates in order.
fn optional_period(
    form: &mut Form,
    start: &str,
    end: &str,
    both_or_neither: bool,
) -> Option<Option<(NaiveDate, NaiveDate)>> {
    let (s, e) = (form.text(start), form.text(end));
    if s.is_empty() && e.is_empty() {
        return Some(None);
    }
    let sd = if s.is_empty() && both_or_neither {
        form.set_error(start, "enter both dates or neither");
        None
    } else {
        date_field(form, start)
    };
    let ed = if e.is_empty() && both_or_neither {
        form.set_error(end, "enter both dates or neither");
        None
    } else {
        date_field(form, end)
    };
    let (sd, ed) = (sd?, ed?);
    if ed < sd {
        form.set_error(end, format!("{ed} is before the start {sd}"));
        return None;
    }
    Some(Some((sd, ed)))
}

fn contract_draft(form: &mut Form, currency: Currency) -> Option<ContractDraft> {
    let name = form.text("Name");
    check(form, "Name", check_required("Name", &name));
    let kind = ContractKind::ALL[form.field("Type").selected()];
    let status = ContractStatus::ALL[form.field("Status").selected()];
    let start = date_field(form, "Period start");
    let end_text = form.text("Period end");
    let end = if end_text.is_empty() {
        if kind == ContractKind::OneTime {
            form.set_error("Period end", "a one-time contract needs an end date");
        }
        None
    } else {
        date_field(form, "Period end")
    };
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        form.set_error("Period end", format!("{e} is before the start {s}"));
    }
    let value = amount_field(form, "Value", currency, false);
    let terms = form.text("Payment terms");
    let terms = check(form, "Payment terms", parse_terms(&terms));
    let billing_frequency =
        (kind == ContractKind::Recurring).then(|| BillingFrequency::ALL[form.field("Billing frequency").selected()]);
    Some(ContractDraft {
        name,
        kind,
        status,
        period_start: start?,
        period_end: end,
        value_minor: value?,
        currency,
        payment_terms_days: terms?,
        billing_frequency,
    })
}

fn payment_draft(form: &mut Form, currency: Currency) -> Option<PaymentDraft> {
    let date = date_field(form, "Date");
    let amount = amount_field(form, "Amount", currency, true);
    let allocation = if form.field("Apply to").selected() == 1 {
        let ids = form.field("Invoices").checked_ids();
        if ids.is_empty() {
            form.set_error("Invoices", "tick at least one invoice, or apply to the oldest first");
        }
        Allocation::Invoices(ids)
    } else {
        Allocation::OldestFirst
    };
    Some(PaymentDraft {
        received_on: date?,
        amount_minor: amount?,
        currency,
        reference: form.text("Reference"),
        allocation,
    })
}

fn contact_draft(form: &mut Form) -> Option<ContactDraft> {
    let d = ContactDraft {
        name: form.text("Name"),
        email: form.text("Email"),
        phone: form.text("Phone"),
        role: form.text("Role"),
    };
    check(form, "Name", check_required("Name", &d.name));
    check(form, "Email", check_email(&d.email));
    check(form, "Phone", check_phone(&d.phone));
    Some(d)
}

pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ if path == "~" => std::env::var_os("HOME").map_or_else(|| PathBuf::from(path), PathBuf::from),
        _ => PathBuf::from(path),
    }
}
