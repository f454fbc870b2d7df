//! `I` on the customers list: the export files to import, and the two
//! choices of the run the command line has as flags (`--skip-bad-rows`,
//! `--allow-test-mode`), first as a dry run whose preview asks before
//! anything is written. The reports shown in the TUI name these toggles
//! where the command line's name the flags (`toggle`).

use super::{FormDialog, FormOf, Spec, build, paths};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::import::{ImportOptions, Switch};

field_ids! {
    pub enum ImportField { Files, SkipBadRows, TestMode }
}
use ImportField as F;

/// Nothing to know beyond the files typed and the toggles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Import;

/// The toggle's label for each choice of the run.
fn label(s: Switch) -> &'static str {
    match s {
        Switch::SkipBadRows => "Skip bad rows",
        Switch::AllowTestMode => "Allow test mode",
    }
}

/// How the TUI says to turn a choice of the run on: by the import form's
/// toggle, as it is labelled.
pub fn toggle(s: Switch) -> String {
    format!("turn on \"{}\" in the import form", label(s))
}

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
        F::SkipBadRows => Field::toggle(label(Switch::SkipBadRows), false)
            .with_hint("import the good rows when some are refused; the report lists the refused ones"),
        F::TestMode => Field::toggle(label(Switch::AllowTestMode), false)
            .with_hint("import Stripe test-mode rows instead of refusing them"),
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
        let opts = ImportOptions {
            dry_run: true,
            skip_bad_rows: form.on(F::SkipBadRows),
            allow_test_mode: form.on(F::TestMode),
            ..Default::default()
        };
        Some(Effect::Import { files, opts })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::typed;
    use super::*;
    use crate::app::form::FieldKind;

    fn turn_on(fd: &mut FormDialog, f: F) {
        if let FieldKind::Toggle(on) = &mut FormOf::<F>::new(&mut fd.form).field_mut(f).kind {
            *on = true;
        }
    }

    #[test]
    fn the_toggles_go_into_the_runs_options() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut fd = open();
        typed(&mut fd, F::Files, &file.path().display().to_string());
        let Some(Effect::Import { files, opts }) = fd.validate() else { panic!("no import") };
        assert_eq!(files, [file.path()]);
        assert!(opts.dry_run && !opts.skip_bad_rows && !opts.allow_test_mode, "{opts:?}");
        turn_on(&mut fd, F::SkipBadRows);
        let Some(Effect::Import { opts, .. }) = fd.validate() else { panic!("no import") };
        assert!(opts.skip_bad_rows && !opts.allow_test_mode, "{opts:?}");
        turn_on(&mut fd, F::TestMode);
        let Some(Effect::Import { opts, .. }) = fd.validate() else { panic!("no import") };
        assert!(opts.dry_run && opts.skip_bad_rows && opts.allow_test_mode, "{opts:?}");
        assert_eq!(toggle(Switch::SkipBadRows), "turn on \"Skip bad rows\" in the import form");
    }
}
