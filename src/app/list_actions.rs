//! What the customers list's keys do beyond moving and searching: import
//! files, create a customer, edit the organization's settings.

use super::dialog::Dialog;
use super::forms;
use super::{App, action::Action};
use crate::domain::edit::CustomerEdit;

impl App {
    pub(super) fn list_action(&mut self, action: Action) {
        if self.refuse_read_only(action) {
            return;
        }
        let form = match action {
            Action::AsOf => return self.open_as_of(),
            Action::Import => forms::import::open(),
            Action::NewCustomer => forms::customer::new(self.org.default_currency),
            Action::Settings => {
                match self.store.max_document_size().and_then(|l| Ok((l, self.store.credit_settings()?))) {
                    Ok((limit, credit)) => forms::settings::open(&self.org, limit, &credit),
                    Err(e) => return self.error("Cannot open the settings", &e.to_string()),
                }
            }
            _ => return,
        };
        self.dialogs.push(Dialog::Form(Box::new(form)));
    }

    /// Creates the customer and opens its page.
    pub(super) fn create_customer(&mut self, edit: &CustomerEdit) {
        match self.store.create_customer(edit) {
            Ok(id) => {
                if matches!(self.dialogs.last(), Some(Dialog::Form(_))) {
                    self.dialogs.pop();
                }
                self.say(format!("Created {}", edit.name.trim()));
                self.reload();
                self.data_version = self.store.data_version().unwrap_or(self.data_version);
                self.open_customer(id);
            }
            Err(e) => match self.dialogs.last_mut() {
                Some(Dialog::Form(fd)) => fd.form.banner = Some(e.to_string()),
                _ => self.error("Not saved", &e.to_string()),
            },
        }
    }
}
