//! `u` on the Documents tab: files to upload (several at once), each
//! looked at before anything starts.

use super::{FormDialog, FormOf, Spec, build, chosen_contract, contract_options, labels, paths};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::app::keymap::{Context, label};
use crate::domain::model::ContractRow;
use crate::domain::status::DocumentKind;

field_ids! {
    pub enum UploadField { Files, Name, Type, Contract }
}
use UploadField as F;

/// The customer the documents go to, the contracts offered, and the
/// organization's size limit, checked for each file before anything
/// starts.
#[derive(Debug, Clone)]
pub struct Upload {
    pub customer_id: i64,
    pub contracts: Vec<ContractRow>,
    pub max_size: u64,
}

pub fn open(customer_id: i64, contracts: Vec<ContractRow>, max_size: u64) -> FormDialog {
    let options = contract_options(&contracts);
    build("Upload documents", Upload { customer_id, contracts, max_size }, |f| match f {
        F::Files => {
            let mut files = Field::text("Files", "").with_hint(format!(
                "{} completes; several files separated by spaces",
                label(Context::Form, Action::FormNext)
            ));
            files.completes_paths = true;
            files
        }
        F::Name => Field::text("Name", "").with_hint("defaults to the file name"),
        F::Type => Field::choice("Type", labels(DocumentKind::ALL, DocumentKind::label), 2),
        F::Contract => Field::choice("Contract", options.clone(), 0),
    })
}

impl Spec for Upload {
    type Field = UploadField;

    /// Each path is looked at (never opened) before anything starts: only
    /// a regular file within the size limit is taken, and the first that
    /// is not is named in the field, with what it is or its size.
    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let paths = paths(&form.text(F::Files));
        if paths.is_empty() {
            form.set_error(F::Files, "type the path of at least one file");
            return None;
        }
        for p in &paths {
            let problem = match crate::store::doc_files::check_upload(p) {
                Err(e) => Some(e.to_string()),
                Ok(m) if m.len() > self.max_size => {
                    let name = p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into());
                    Some(crate::domain::edit::too_big(&name, m.len(), self.max_size))
                }
                Ok(_) => None,
            };
            if let Some(msg) = problem {
                form.set_error(F::Files, msg);
                return None;
            }
        }
        let name = form.text(F::Name);
        if !name.is_empty() && paths.len() > 1 {
            form.set_error(F::Name, "leave empty when uploading several files: each keeps its file name");
            return None;
        }
        let kind = DocumentKind::ALL[form.selected(F::Type)];
        let contract_id = chosen_contract(&self.contracts, form.selected(F::Contract)).map(|k| k.id);
        let name = (!name.is_empty()).then_some(name);
        Some(Effect::Upload { customer_id: self.customer_id, paths, name, kind, contract_id })
    }
}
