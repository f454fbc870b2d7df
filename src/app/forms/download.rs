//! `d` on the Documents tab: the directory the highlighted document is
//! saved into.

use super::{FormDialog, FormOf, Spec, build, expand_home};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::app::keymap::{Context, label};

field_ids! {
    pub enum DownloadField { Directory }
}
use DownloadField as F;

/// The document to save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Download {
    pub id: i64,
}

/// Proposes `cwd` as the directory.
pub fn open(id: i64, name: &str, cwd: &str) -> FormDialog {
    build(format!("Download {name}"), Download { id }, |f| match f {
        F::Directory => {
            let mut dir = Field::text("Directory", cwd)
                .with_hint(format!("{} completes", label(Context::Form, Action::FormNext)));
            dir.completes_paths = true;
            dir
        }
    })
}

impl Spec for Download {
    type Field = DownloadField;

    /// A file of the same name in the directory is not refused here: the
    /// download finds it and asks whether to replace it.
    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let dir = expand_home(&form.text(F::Directory));
        if !dir.is_dir() {
            form.set_error(F::Directory, format!("{} is not a directory", dir.display()));
        }
        Some(Effect::Download { id: self.id, dir, overwrite: false })
    }
}
