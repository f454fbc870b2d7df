//! `E` on any tab: the file the rows shown go to, as CSV.

use super::{FormDialog, FormOf, Spec, build, expand_home};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::app::keymap::{Context, label};
use crate::domain::columns::Tab;
use crate::store::window::View;
use std::path::PathBuf;

field_ids! {
    pub enum ExportField { File }
}
use ExportField as F;

/// The rows to export: the tab's view (filter and sort) of one customer.
#[derive(Debug, Clone)]
pub struct Export {
    pub customer_id: i64,
    pub tab: Tab,
    pub view: View,
}

/// Proposes `default` as the file.
pub fn open(customer_id: i64, tab: Tab, view: View, default: &str) -> FormDialog {
    let title = format!("Export {} to CSV", tab.title().to_lowercase());
    build(title, Export { customer_id, tab, view }, |f| match f {
        F::File => {
            let mut path = Field::text("File", default).with_hint(format!(
                "CSV; {} completes; an existing file is not replaced without asking",
                label(Context::Form, Action::FormNext)
            ));
            path.completes_paths = true;
            path
        }
    })
}

impl Spec for Export {
    type Field = ExportField;

    /// An existing file is not refused here: the write finds it and asks
    /// whether to replace it.
    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let typed = form.text(F::File);
        let path = expand_home(&typed);
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), PathBuf::from);
        if typed.is_empty() {
            form.set_error(F::File, "type a file name");
        } else if !dir.is_dir() {
            form.set_error(F::File, format!("{} is not a directory", dir.display()));
        } else if path.is_dir() {
            form.set_error(F::File, format!("{} is a directory", path.display()));
        }
        let Export { customer_id, tab, view } = self;
        Some(Effect::Export { customer_id: *customer_id, tab: *tab, view: view.clone(), path, overwrite: false })
    }
}
