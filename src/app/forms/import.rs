//! `I` on the customers list: the export files to import, first as a dry
//! run whose preview asks before anything is written.

use super::{FormDialog, FormOf, Spec, build, paths};
use crate::app::effect::Effect;
use crate::app::form::Field;

field_ids! {
    pub enum ImportField { Files }
}
use ImportField as F;

/// Nothing to know beyond the files typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Import;

pub fn open() -> FormDialog {
    build("Import", Import, |f| match f {
        F::Files => {
            let mut files = Field::text("Files", "").with_hint(
                "Stripe, QuickBooks, HubSpot or Salesforce exports, or ardesk JSON; Tab completes; several \
                 separated by spaces",
            );
            files.completes_paths = true;
            files
        }
    })
}

impl Spec for Import {
    type Field = ImportField;

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let files = paths(&form.text(F::Files));
        match files.iter().find(|p| !p.is_file()) {
            _ if files.is_empty() => form.set_error(F::Files, "type the path of at least one export file"),
            Some(p) => form.set_error(F::Files, format!("{} is not a file", p.display())),
            None => {}
        }
        Some(Effect::Import { files, dry_run: true })
    }
}
