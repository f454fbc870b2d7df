//! `n` and `Enter` on the Contacts tab: a contact's name and how to reach
//! them.

use super::{FormDialog, FormOf, Spec, build, reread, row_found};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::edit::{ContactDraft, check_email, check_phone, check_required};
use crate::domain::model::ContactRow;

field_ids! {
    pub enum ContactField { Name, Email, Phone, Role }
}
use ContactField as F;

/// Which contact the form saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactForm {
    New { customer_id: i64 },
    Edit { id: i64, version: i64 },
}

/// A new contact of the customer `customer_id`.
pub fn new(customer_id: i64) -> FormDialog {
    let empty = ContactDraft { name: String::new(), email: String::new(), phone: String::new(), role: String::new() };
    form("New contact", ContactForm::New { customer_id }, &empty)
}

/// The contact `c` as it is.
pub fn edit(c: &ContactRow) -> FormDialog {
    let shown =
        ContactDraft { name: c.name.clone(), email: c.email.clone(), phone: c.phone.clone(), role: c.role.clone() };
    let id = c.id;
    form("Edit contact", ContactForm::Edit { id, version: c.version }, &shown).rereads(move |s| {
        let what = "This contact";
        reread(row_found(s.tab_row::<ContactRow>(id), what), what, |c| edit(&c))
    })
}

fn form(title: &str, spec: ContactForm, c: &ContactDraft) -> FormDialog {
    build(title, spec, |f| match f {
        F::Name => Field::text("Name", &c.name),
        F::Email => Field::text("Email", &c.email),
        F::Phone => Field::text("Phone", &c.phone),
        F::Role => Field::text("Role", &c.role).with_hint("e.g. Accounts Payable"),
    })
}

impl Spec for ContactForm {
    type Field = ContactField;

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let draft = ContactDraft {
            name: form.text(F::Name),
            email: form.text(F::Email),
            phone: form.text(F::Phone),
            role: form.text(F::Role),
        };
        form.check(F::Name, check_required("Name", &draft.name));
        form.check(F::Email, check_email(&draft.email));
        form.check(F::Phone, check_phone(&draft.phone));
        Some(match *self {
            ContactForm::New { customer_id } => Effect::CreateContact { customer_id, draft },
            ContactForm::Edit { id, version } => Effect::UpdateContact { id, version, draft },
        })
    }
}
