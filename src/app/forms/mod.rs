//! The app's forms, one file each: what the form is for (its `Spec`), its
//! fields as an enum, how it opens, which defaults follow which field, and
//! how it turns into an `Effect` — or into errors next to the fields.
//!
//! A form is read only through its own field enum (`FormOf<F>`), so asking
//! a form for a field it does not have is a compile error, not a panic.
//! `form::Form` underneath stays untyped: drawing and key handling treat
//! every form alike.
//!
//! # Adding a form
//! 1. A file here, `forms/thing.rs`, declared below (`pub mod thing;`).
//! 2. Its fields, in the order shown: `field_ids! { pub enum ThingField {
//!    Name, Date } }`, used as `use ThingField as F;`.
//! 3. Its spec: a struct with what the checks need (ids, versions, the
//!    currency, the choices offered), with `impl Spec` giving `validate`
//!    (read fields with `form.text(F::Name)`, `form.date(F::Date)`; errors
//!    go on the fields with `form.set_error`) and, when some field's
//!    default follows another, `follow`.
//! 4. `pub fn open(…) -> FormDialog` (or `new` and `edit`):
//!    `build("Title", spec, |f| match f { F::Name => Field::text("Name",
//!    ""), … })`. The match names every field, so a field left out does not
//!    compile either.
//! 5. The call site that opens it (`page_actions.rs` or
//!    `list_actions.rs`): `self.open_form(forms::thing::open(…))`.
//! 6. A test beside it: open the form, type with `testing::typed`, and
//!    assert the `Effect` that `validate` gives; no database is needed.
//!
//! Drawing, keys, "Discard changes?" and the save path need nothing. A form
//! that writes something new also needs its `Effect` variant, its arm in
//! `effect::perform` and the store method behind it.
//!
//! An edit form whose save is checked against the record's `version` also
//! says how to read that record again (`FormDialog::rereads`): when the
//! save meets "changed elsewhere", the form is rebased onto the record as
//! it is now, the user's edits kept (`form::Form::rebase`).

use super::effect::Effect;
use super::form::{Field, Form};
use crate::domain::model::ContractRow;
use crate::store::{Books, StoreError};
use std::path::PathBuf;

/// A form's fields: an enum whose variants, in declaration order, are the
/// fields in the order shown.
pub trait FieldId: Copy + 'static {
    /// Every field, in order.
    const ALL: &'static [Self];
    /// Where the field sits in the form.
    fn index(self) -> usize;
}

/// Declares a form's field enum and its `FieldId` (declaration order is
/// the order shown, so `ALL` and `index` cannot disagree).
macro_rules! field_ids {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $crate::app::forms::FieldId for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn index(self) -> usize {
                self as usize
            }
        }
    };
}

mod read;

pub mod apply;
pub mod as_of;
pub mod contact;
pub mod contract;
pub mod credit_note;
pub mod customer;
pub mod download;
pub mod end_contract;
pub mod export;
pub mod grant_credit;
pub mod import;
pub mod invoice;
pub mod invoice_memo;
pub mod lines_field;
pub mod log;
pub mod pause;
pub mod payment;
pub mod refund;
pub mod settings;
pub mod statement;
pub mod upload;
pub mod void_credit;
pub mod write_off;

pub use read::FormOf;

/// What a form is for: what its checks need, and what it becomes.
pub trait Spec: 'static {
    /// The form's fields.
    type Field: FieldId;

    /// Checks the fields: the effect to run, or `None` with the errors set
    /// on the fields. Nothing is written either way.
    fn validate(&self, form: &mut FormOf<'_, Self::Field>) -> Option<Effect>;

    /// Defaults and enabled states that follow other fields: run as the
    /// form opens and after every change (a field the user typed in keeps
    /// what was typed).
    fn follow(&self, _form: &mut FormOf<'_, Self::Field>) {}
}

/// A `Spec` with its field type erased, so that one dialog type holds any
/// form. Only `FormDialog` calls it, on the form `build` made for it.
trait Reads {
    fn follow(&self, form: &mut Form);
    fn validate(&self, form: &mut Form) -> Option<Effect>;
}

impl<S: Spec> Reads for S {
    fn follow(&self, form: &mut Form) {
        Spec::follow(self, &mut FormOf::new(form));
    }

    fn validate(&self, form: &mut Form) -> Option<Effect> {
        Spec::validate(self, &mut FormOf::new(form))
    }
}

/// An edit form's record read again: the same form filled from it as it
/// is now, or why there is none to save to any more.
pub enum Fresh {
    Form(Box<FormDialog>),
    /// A sentence saying why (e.g. "This contact was deleted elsewhere.").
    Gone(String),
}

/// How an edit form reads its record again.
type Reread = Box<dyn Fn(&Books) -> crate::store::Result<Fresh>>;

/// A form on the dialog stack, with the spec that reads it.
pub struct FormDialog {
    pub form: Form,
    /// Completion candidates to show under a path field.
    pub candidates: Vec<String>,
    spec: Box<dyn Reads>,
    reread: Option<Reread>,
    /// Why the record cannot be saved any more (deleted elsewhere).
    gone: Option<String>,
}

impl FormDialog {
    /// Says how to read the record this edit form was filled from again
    /// (`Fresh::Form` being this same form filled from the record now).
    pub fn rereads(mut self, reread: impl Fn(&Books) -> crate::store::Result<Fresh> + 'static) -> FormDialog {
        self.reread = Some(Box::new(reread));
        self
    }

    /// The record read again; `None` for a form that does not edit one.
    pub fn reread(&self, store: &Books) -> Option<crate::store::Result<Fresh>> {
        self.reread.as_ref().map(|r| r(store))
    }

    /// After "changed elsewhere": keeps the user's edits over `fresh` (this
    /// form filled from the record as it is now), whose version later
    /// saves check against. Returns how many fields changed elsewhere.
    pub fn rebase(&mut self, fresh: FormDialog) -> usize {
        let FormDialog { form, spec, reread, gone, .. } = fresh;
        let changed = self.form.rebase(form);
        (self.spec, self.reread, self.gone) = (spec, reread, gone);
        self.candidates.clear();
        self.changed();
        changed
    }

    /// The record is gone (`why`): the form stays for the user to copy
    /// from, and saving is refused with `why`.
    pub fn mark_gone(&mut self, why: String) {
        self.gone = Some(why);
    }

    /// After a field changed: defaults that depend on it follow.
    pub fn changed(&mut self) {
        self.spec.follow(&mut self.form);
    }

    /// Checks the form; on success the effect to run, else errors are set
    /// on the fields and `None` comes back. Nothing is written either way.
    pub fn validate(&mut self) -> Option<Effect> {
        self.form.clear_errors();
        if let Some(why) = &self.gone {
            self.form.banner = Some(format!("{why} It cannot be saved; Esc closes the form."));
            return None;
        }
        let effect = self.spec.validate(&mut self.form);
        if self.form.has_errors() { None } else { effect }
    }
}

/// Builds a form for `spec`: one field per variant of its field enum, in
/// order, made by `field`; the defaults that follow other fields filled
/// in; and those values taken as the ones "Esc" compares against.
pub fn build<S: Spec>(title: impl Into<String>, spec: S, field: impl FnMut(S::Field) -> Field) -> FormDialog {
    let mut form = Form::new(title, S::Field::ALL.iter().copied().map(field).collect());
    Spec::follow(&spec, &mut FormOf::new(&mut form));
    form.mark_clean();
    FormDialog { form, candidates: Vec::new(), spec: Box::new(spec), reread: None, gone: None }
}

/// `build` for a form filled from a stored record: every field counts as
/// typed, so no default that follows another field overwrites what was
/// stored (a draft's own due date stays though its terms say otherwise).
pub fn build_stored<S: Spec>(title: impl Into<String>, spec: S, field: impl FnMut(S::Field) -> Field) -> FormDialog {
    let mut form = Form::new(title, S::Field::ALL.iter().copied().map(field).collect());
    for f in &mut form.fields {
        f.touched = true;
    }
    Spec::follow(&spec, &mut FormOf::new(&mut form));
    form.mark_clean();
    FormDialog { form, candidates: Vec::new(), spec: Box::new(spec), reread: None, gone: None }
}

/// A reread record as `Fresh`: `open` fills the form from it; a record not
/// found is `Gone`, said as "{what} was deleted elsewhere.".
fn reread<T>(
    found: crate::store::Result<T>,
    what: &str,
    open: impl FnOnce(T) -> FormDialog,
) -> crate::store::Result<Fresh> {
    match found {
        Ok(row) => Ok(Fresh::Form(Box::new(open(row)))),
        Err(StoreError::NotFound(_)) => Ok(Fresh::Gone(format!("{what} was deleted elsewhere."))),
        Err(e) => Err(e),
    }
}

/// A row read with `Store::tab_row` as `reread` takes it.
fn row_found<T>(row: crate::store::Result<Option<T>>, what: &str) -> crate::store::Result<T> {
    row?.ok_or_else(|| StoreError::NotFound(what.to_string()))
}

/// Labels of a choice, in the order of `all`.
fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| label(*v).to_string()).collect()
}

/// Where `v` is in `all` (the first option when it is not).
fn position<T: PartialEq>(all: &[T], v: T) -> usize {
    all.iter().position(|x| *x == v).unwrap_or(0)
}

/// A "Contract" choice: none, then each contract with its status.
fn contract_options(contracts: &[ContractRow]) -> Vec<String> {
    let mut options = vec!["None".to_string()];
    options.extend(contracts.iter().map(|k| format!("{} ({})", k.name, k.status.label())));
    options
}

/// The contract a "Contract" choice made with `contract_options` names.
fn chosen_contract(contracts: &[ContractRow], selected: usize) -> Option<&ContractRow> {
    selected.checked_sub(1).and_then(|i| contracts.get(i))
}

/// The paths typed in a path field, `~` expanded.
fn paths(typed: &str) -> Vec<PathBuf> {
    super::complete::split_paths(typed).iter().map(|p| expand_home(p)).collect()
}

/// `path` with a leading `~` read as the home directory.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ if path == "~" => std::env::var_os("HOME").map_or_else(|| PathBuf::from(path), PathBuf::from),
        _ => PathBuf::from(path),
    }
}

/// Typing into a form and reading it back by its field enum, for the
/// forms' own tests.
#[cfg(test)]
mod testing {
    use super::{FieldId, FormDialog, FormOf};

    /// The user replaces the field's text (as typing would, so defaults
    /// that follow other fields leave it alone).
    pub fn typed<F: FieldId>(fd: &mut FormDialog, f: F, text: &str) {
        let mut form = FormOf::<F>::new(&mut fd.form);
        let field = form.field_mut(f);
        field.set_text(text);
        field.touched = true;
        fd.changed();
    }

    /// The user picks a choice's option.
    pub fn chosen<F: FieldId>(fd: &mut FormDialog, f: F, option: usize) {
        let mut form = FormOf::<F>::new(&mut fd.form);
        let field = form.field_mut(f);
        if let crate::app::form::FieldKind::Choice { selected, .. } = &mut field.kind {
            *selected = option;
        }
        field.touched = true;
        fd.changed();
    }

    pub fn text<F: FieldId>(fd: &mut FormDialog, f: F) -> String {
        FormOf::<F>::new(&mut fd.form).text(f)
    }

    pub fn error<F: FieldId>(fd: &mut FormDialog, f: F) -> Option<String> {
        FormOf::<F>::new(&mut fd.form).field(f).error.clone()
    }

    pub fn enabled<F: FieldId>(fd: &mut FormDialog, f: F) -> bool {
        FormOf::<F>::new(&mut fd.form).field(f).enabled
    }

    pub fn d(s: &str) -> chrono::NaiveDate {
        crate::domain::date::parse_date(s).unwrap()
    }

    /// Customer 7, in US dollars.
    pub fn customer() -> crate::domain::model::Customer {
        crate::domain::model::Customer {
            id: 7,
            name: "Acme".into(),
            legal_name: String::new(),
            billing_email: String::new(),
            billing_address: String::new(),
            currency: crate::domain::money::Currency::USD,
            import_source: None,
            external_id: None,
            external_url: None,
            invoices_paused: false,
            portal: false,
            version: 1,
        }
    }
}
