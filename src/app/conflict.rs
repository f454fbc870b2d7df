//! A save from an edit form that met "changed elsewhere" (or found its
//! record deleted): the form stays with what the user typed, rebased onto
//! the record as it is now, so that the next Ctrl-S saves the user's edits
//! over the new version. Every edit form with a version check takes this
//! path (`forms::FormDialog::rereads`); one form or none, it is the same.

use super::App;
use super::action::Action;
use super::dialog::Dialog;
use super::forms::Fresh;
use super::keymap::{self, Context};
use crate::store::StoreError;

impl App {
    /// After the store refused the save of the form on top with `e`:
    /// rebases the form when `e` is a conflict, keeps it for copying when
    /// its record is gone. False when the form on top does not edit a
    /// record, or `e` is about something else; the caller says `e` then.
    pub(super) fn reread_form(&mut self, e: &StoreError) -> bool {
        if !matches!(e, StoreError::Conflict(_) | StoreError::NotFound(_)) {
            return false;
        }
        let Some(Dialog::Form(fd)) = self.dialogs.last_mut() else { return false };
        let Some(read) = fd.reread(&self.store) else { return false };
        let save = keymap::label(Context::Form, Action::FormSave);
        let banner = match read {
            Ok(Fresh::Gone(why)) => {
                let banner = format!(
                    "{why} Nothing was saved, and it cannot be: what you typed is still here to copy; Esc closes the form."
                );
                fd.mark_gone(why);
                banner
            }
            // Not found, yet there: the store meant another record.
            Ok(Fresh::Form(_)) if !matches!(e, StoreError::Conflict(_)) => return false,
            Ok(Fresh::Form(fresh)) => match fd.rebase(*fresh) {
                0 => format!(
                    "Changed elsewhere since you opened it, though not in these fields. Nothing was saved; \
                     your edits are kept. {save} saves them over the new version."
                ),
                n => format!(
                    "Changed elsewhere since you opened it ({n} field{} marked below). Nothing was saved; your \
                     edits are kept over the current values. {save} saves them over the new version.",
                    if n == 1 { "" } else { "s" }
                ),
            },
            Err(read) => format!(
                "{e}. Reading the current values failed too ({read}). Nothing was saved; your edits are still \
                 here: {save} tries again."
            ),
        };
        fd.form.banner = Some(banner);
        // The page under the form shows the record as it is now, too.
        self.reload();
        self.data_version = self.store.data_version().unwrap_or(self.data_version);
        true
    }
}
