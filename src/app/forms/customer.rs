//! A customer typed in by hand (`n` on the customers list) or edited (`e`
//! on its page).

use super::{FormDialog, FormOf, Spec, build, reread};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::address::{one_line, parse_address};
use crate::domain::edit::{CustomerEdit, check_email, check_required};
use crate::domain::model::Customer;
use crate::domain::money::Currency;

field_ids! {
    pub enum CustomerField { Name, LegalName, BillingEmail, Currency, InvoicesPaused, PortalDelivery, BillingAddress }
}
use CustomerField as F;

/// Which customer the form saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerForm {
    New,
    Edit { id: i64, version: i64 },
}

/// A new customer, in the organization's default currency.
pub fn new(currency: Currency) -> FormDialog {
    build("New customer", CustomerForm::New, |f| match f {
        F::Name => Field::text("Name", ""),
        F::LegalName => Field::text("Legal name", ""),
        F::BillingEmail => Field::text("Billing email", ""),
        F::BillingAddress => address_field(""),
        F::Currency => Field::text("Currency", currency.code()).with_hint("ISO 4217 code, e.g. USD, EUR, JPY"),
        F::InvoicesPaused => Field::toggle("Invoices paused", false),
        F::PortalDelivery => Field::toggle("Portal delivery", false),
    })
}

/// The customer as it is; its currency is fixed once it has issued
/// invoices or payments (`currency_locked`).
pub fn edit(c: &Customer, currency_locked: bool) -> FormDialog {
    let id = c.id;
    form(c, currency_locked).rereads(move |s| reread(s.customer(id), "This customer", |c| edit(&c, currency_locked)))
}

fn form(c: &Customer, currency_locked: bool) -> FormDialog {
    let spec = CustomerForm::Edit { id: c.id, version: c.version };
    build(format!("Edit {}", c.name), spec, |f| match f {
        F::Name => Field::text("Name", &c.name),
        F::LegalName => Field::text("Legal name", &c.legal_name),
        F::BillingEmail => Field::text("Billing email", &c.billing_email),
        F::BillingAddress => address_field(&c.billing_address),
        F::Currency if currency_locked => {
            Field::text("Currency", c.currency.code()).disabled("fixed: the customer has issued invoices or payments")
        }
        F::Currency => Field::text("Currency", c.currency.code()).with_hint("ISO 4217 code, e.g. USD, EUR, JPY"),
        F::InvoicesPaused => Field::toggle("Invoices paused", c.invoices_paused),
        F::PortalDelivery => Field::toggle("Portal delivery", c.portal),
    })
}

/// The billing address on one line, `;` between its lines (the form's
/// fields are single-line; the lines come back apart when saved).
fn address_field(address: &str) -> Field {
    Field::text("Billing address", &one_line(address)).with_hint("for statements; lines separated by ;")
}

impl Spec for CustomerForm {
    type Field = CustomerField;

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let edit = customer_edit(form)?;
        Some(match *self {
            CustomerForm::New => Effect::CreateCustomer { edit },
            CustomerForm::Edit { id, version } => Effect::UpdateCustomer { id, version, edit },
        })
    }
}

fn customer_edit(form: &mut FormOf<'_, F>) -> Option<CustomerEdit> {
    let name = form.text(F::Name);
    form.check(F::Name, check_required("Name", &name));
    let email = form.text(F::BillingEmail);
    form.check(F::BillingEmail, check_email(&email));
    let address = parse_address(&form.text(F::BillingAddress));
    let address = form.check(F::BillingAddress, address);
    let cur = form.text(F::Currency).parse::<Currency>().map_err(|e| e.to_string());
    let currency = form.check(F::Currency, cur)?;
    Some(CustomerEdit {
        name,
        legal_name: form.text(F::LegalName),
        billing_email: email,
        billing_address: address?,
        currency,
        invoices_paused: form.on(F::InvoicesPaused),
        portal: form.on(F::PortalDelivery),
    })
}
