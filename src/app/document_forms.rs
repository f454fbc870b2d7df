//! The documents tab's forms: upload (several files at once, each looked
//! at before anything starts) and download (into a directory).

use super::effect::Effect;
use super::form::{Field, Form};
use super::forms::{Purpose, expand_home, labels};
use crate::domain::model::ContractRow;
use crate::domain::status::DocumentKind;
use std::path::PathBuf;

/// The upload form; `max_size` (the organization's limit) is checked for
/// each file before anything starts.
pub fn upload(customer_id: i64, contracts: Vec<ContractRow>, max_size: u64) -> (Form, Purpose) {
    let mut files = Field::text("Files", "").with_hint("Tab completes; several files separated by spaces");
    files.completes_paths = true;
    let mut options = vec!["None".to_string()];
    options.extend(contracts.iter().map(|k| format!("{} ({})", k.name, k.status.label())));
    let form = Form::new(
        "Upload documents",
        vec![
            files,
            Field::text("Name", "").with_hint("defaults to the file name"),
            Field::choice("Type", labels(DocumentKind::ALL, DocumentKind::label), 2),
            Field::choice("Contract", options, 0),
        ],
    );
    (form, Purpose::Upload { customer_id, contracts, max_size })
}

pub fn download(id: i64, name: &str, cwd: &str) -> (Form, Purpose) {
    let mut dir = Field::text("Directory", cwd).with_hint("Tab completes");
    dir.completes_paths = true;
    (Form::new(format!("Download {name}"), vec![dir]), Purpose::Download { id })
}

pub fn download_effect(form: &mut Form, id: i64) -> Option<Effect> {
    let dir = expand_home(&form.text("Directory"));
    if !dir.is_dir() {
        form.set_error("Directory", format!("{} is not a directory", dir.display()));
    }
    Some(Effect::Download { id, dir, overwrite: false })
}

/// Each path is looked at (never opened) before anything starts: only a
/// regular file within the size limit is taken, and the first that is not
/// is named in the field, with what it is or its size.
pub fn upload_effect(form: &mut Form, customer_id: i64, contracts: &[ContractRow], max_size: u64) -> Option<Effect> {
    let paths: Vec<PathBuf> =
        super::complete::split_paths(&form.text("Files")).iter().map(|p| expand_home(p)).collect();
    if paths.is_empty() {
        form.set_error("Files", "type the path of at least one file");
        return None;
    }
    for p in &paths {
        let problem = match crate::store::doc_files::check_upload(p) {
            Err(e) => Some(e.to_string()),
            Ok(m) if m.len() > max_size => {
                let name = p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into());
                Some(crate::domain::edit::too_big(&name, m.len(), max_size))
            }
            Ok(_) => None,
        };
        if let Some(msg) = problem {
            form.set_error("Files", msg);
            return None;
        }
    }
    let name = form.text("Name");
    if !name.is_empty() && paths.len() > 1 {
        form.set_error("Name", "leave empty when uploading several files: each keeps its file name");
        return None;
    }
    let kind = DocumentKind::ALL[form.field("Type").selected()];
    let contract_id = form.field("Contract").selected().checked_sub(1).and_then(|i| contracts.get(i)).map(|k| k.id);
    Some(Effect::Upload { customer_id, paths, name: (!name.is_empty()).then_some(name), kind, contract_id })
}
