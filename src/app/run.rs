//! Running the writes the app asks for (`Effect`s): where success, a
//! conflict or a refusal is shown, and the import's dry-run preview.

use super::dialog::{self, Dialog, OnYes, ReportDialog};
use super::effect::{self, Effect};
use super::forms;
use super::import_job::ImportJob;
use super::{App, Screen};
use crate::import::{ImportError, ImportOptions};
use crate::store::StoreError;

/// From how many invoices a bulk write is announced before it runs
/// (`App::run_bulk`): a few thousand take a noticeable moment.
const BULK_NOTICE: usize = 1_000;

/// What a large bulk write says while it runs ("Cancelling 43,961
/// invoices…"), or `None` for one that takes no noticeable time.
fn bulk_notice(effect: &Effect) -> Option<String> {
    let (doing, ids) = match effect {
        Effect::CancelInvoices { ids, .. } => ("Cancelling", ids),
        Effect::WriteOff { ids, confirmed: true, .. } => ("Writing off", ids),
        Effect::SmallBalance { ids, confirmed: true, .. } => ("Closing the small balances of", ids),
        _ => return None,
    };
    (ids.len() >= BULK_NOTICE).then(|| {
        format!(
            "{doing} {}… (keys wait until it is done)",
            crate::domain::money::counted(ids.len(), "invoice", "invoices")
        )
    })
}

impl App {
    /// Performs a write. On success the form or confirmation on top closes
    /// and the page reloads; on failure the reason is shown where the user
    /// is (next to the form, or in a message).
    pub fn run_effect(&mut self, effect: Effect) {
        if let Effect::Import { files, opts } = &effect {
            return self.start_import(files.clone(), opts.clone());
        }
        if let Effect::PreviewStatement { customer_id, as_of, from, path } = effect {
            return self.preview_statement(customer_id, as_of, from, path);
        }
        if let Effect::SetAsOf { day } = &effect {
            return self.set_as_of(*day);
        }
        if let Effect::CreateCustomer { edit } = &effect {
            return self.create_customer(edit);
        }
        if let Effect::RefundPayment { confirmed: false, .. } = &effect {
            return self.confirm_refund(effect);
        }
        if let Effect::Apply { confirmed: false, .. } = &effect {
            return self.confirm_apply(effect);
        }
        if let Effect::WriteOff { confirmed: false, .. } | Effect::ReverseWriteOff { confirmed: false, .. } = &effect {
            return self.confirm_write_off(effect);
        }
        if let Effect::IssueCreditNote { confirmed: false, .. }
        | Effect::SmallBalance { confirmed: false, .. }
        | Effect::VoidCredit { confirmed: false, .. } = &effect
        {
            return self.confirm_credit(effect);
        }
        if matches!(effect, Effect::Upload { .. } | Effect::Download { .. } | Effect::DeleteDocument { .. }) {
            return self.start_documents(effect);
        }
        if let Some(notice) = bulk_notice(&effect) {
            self.say(notice);
            self.bulk = Some(effect);
            return;
        }
        self.perform_now(effect);
    }

    /// Called by the event loop after each frame, with whether keys are
    /// already waiting: on a confirmation's first frame, those keys were
    /// typed before its question could be read, and a "yes" among them
    /// will not answer it (`answer_typed_ahead`).
    pub fn drawn(&mut self, keys_waiting: bool) {
        let confirm = matches!(self.dialogs.last(), Some(Dialog::Confirm(_)));
        if confirm && !self.confirm_shown {
            self.confirm_typed_ahead = keys_waiting;
        }
        self.confirm_shown = confirm;
    }

    /// After an event was read: if nothing waits any more, what waited
    /// after a question's first frame is gone (a key typed ahead would
    /// have been that event, and has been answered by now).
    pub fn still_waiting(&mut self, events_waiting: bool) {
        self.confirm_typed_ahead &= events_waiting;
    }

    /// Whether a "yes" now is one typed before its question was shown; the
    /// question stays and says so. Any key ends the guard: the next is
    /// read as an answer.
    pub(super) fn answer_typed_ahead(&mut self, yes: bool) -> bool {
        let early = std::mem::take(&mut self.confirm_typed_ahead) && yes;
        if early {
            self.say("That key was typed before the question was shown: press it again to answer yes");
        }
        early
    }

    /// Runs the large bulk write `run_effect` announced, once the frame
    /// saying so is drawn; whether there was one.
    pub fn run_bulk(&mut self) -> bool {
        match self.bulk.take() {
            Some(effect) => {
                self.perform_now(effect);
                true
            }
            None => false,
        }
    }

    fn perform_now(&mut self, effect: Effect) {
        match effect::perform(&mut self.store, &effect) {
            Ok(msg) => {
                if matches!(self.dialogs.last(), Some(Dialog::Form(_))) {
                    self.dialogs.pop();
                }
                if let Effect::CancelInvoices { ids, .. }
                | Effect::WriteOff { ids, .. }
                | Effect::SmallBalance { ids, .. } = &effect
                {
                    self.unselect_cancelled(ids);
                }
                self.say(msg);
                self.reload();
                self.data_version = self.store.data_version().unwrap_or(self.data_version);
            }
            Err(e) => self.refused(effect, e),
        }
    }

    /// After a cancel: the page it was asked on lets go of its selection;
    /// cancelled from a detail, the page below forgets only those invoices.
    fn unselect_cancelled(&mut self, ids: &[i64]) {
        let top = self.screens.len().saturating_sub(1);
        for (i, s) in self.screens.iter_mut().enumerate() {
            if let Screen::Customer(p) = s {
                if i == top {
                    p.selection.clear();
                } else {
                    for id in ids {
                        p.selection.remove(id);
                    }
                }
            }
        }
    }

    /// Shows why `effect` was not done: an edit form meeting a conflict
    /// keeps the user's edits over the record as it is now
    /// (`reread_form`), any other conflict offers a reload, an existing
    /// file offers to replace it, anything else is said where the user is.
    pub(super) fn refused(&mut self, effect: Effect, e: StoreError) {
        if self.reread_form(&e) {
            return;
        }
        match e {
            StoreError::Conflict(text) => {
                self.dialogs.push(Dialog::Message {
                    title: "Changed elsewhere — reload".into(),
                    text: format!(
                        "{text}. Nothing was saved. Press {} to reload and see the current values.",
                        super::keymap::label(super::keymap::Context::Message, super::action::Action::Yes)
                    ),
                    reload: true,
                });
            }
            e @ StoreError::Exists(_) => {
                let again = match effect {
                    Effect::Download { id, dir, .. } => Some(Effect::Download { id, dir, overwrite: true }),
                    Effect::Export { customer_id, tab, view, path, .. } => {
                        Some(Effect::Export { customer_id, tab, view, path, overwrite: true })
                    }
                    Effect::WriteStatement { customer_id, as_of, from, path, .. } => {
                        Some(Effect::WriteStatement { customer_id, as_of, from, path, overwrite: true })
                    }
                    _ => None,
                };
                match again {
                    Some(effect) => self.dialogs.push(Dialog::Confirm(dialog::Confirm {
                        title: "Replace the existing file?".into(),
                        lines: vec![e.to_string()],
                        on_yes: OnYes::Run(effect),
                    })),
                    None => self.show_failure(e.to_string()),
                }
            }
            e => self.show_failure(e.to_string()),
        }
    }

    /// Starts an import, the dry-run preview or the real one, on a thread of
    /// its own with a progress popup (in line when the database is in
    /// memory).
    fn start_import(&mut self, files: Vec<std::path::PathBuf>, opts: ImportOptions) {
        match ImportJob::start(&self.store.location(), self.store.who(), files.clone(), &opts) {
            Some(job) => {
                self.import = Some(job);
                self.dialogs.push(Dialog::Importing);
            }
            None => {
                let result = crate::import::run_import_into(&mut self.store, &files, &opts, false);
                self.import_finished(files, opts, result);
            }
        }
    }

    /// Picks up a finished import: true when there was one.
    pub(super) fn poll_import(&mut self) -> bool {
        if !self.import.as_ref().is_some_and(ImportJob::finished) {
            return false;
        }
        let Some(job) = self.import.take() else { return false };
        let (files, opts) = (job.files.clone(), job.opts.clone());
        let result = job.join();
        if matches!(self.dialogs.last(), Some(Dialog::Importing)) {
            self.dialogs.pop();
        }
        self.import_finished(files, opts, result);
        true
    }

    /// After a preview, asks whether to import for real, showing what would
    /// change; after the real run, says what it did. Its reports name the
    /// import form's toggles where the command line's name its flags.
    fn import_finished(
        &mut self,
        files: Vec<std::path::PathBuf>,
        opts: ImportOptions,
        result: Result<crate::import::ImportReport, ImportError>,
    ) {
        let how = forms::import::toggle;
        match result {
            // The form stays under the question: "no" goes back to the
            // paths as typed (three long paths to type again, otherwise).
            Ok(report) if opts.dry_run => {
                let import = Effect::Import { files, opts: ImportOptions { dry_run: false, ..opts } };
                self.dialogs.push(Dialog::Report(ReportDialog::preview(&report.worded(&how).to_string(), import)));
            }
            // The report stays open over the reloaded list until closed:
            // the status line holds one line of it, cut at the screen's edge.
            Ok(report) => {
                if matches!(self.dialogs.last(), Some(Dialog::Form(_))) {
                    self.dialogs.pop();
                }
                self.say(format!("Imported {} file(s): {}", files.len(), report.summary()));
                self.reload();
                self.data_version = self.store.data_version().unwrap_or(self.data_version);
                let text = report.worded(&how).to_string();
                self.dialogs.push(Dialog::Report(ReportDialog::done(files.len(), &report, &text)));
            }
            Err(ImportError::Cancelled) => {
                self.say("Import cancelled; nothing was written");
            }
            // A refused run's report names the rows and why: more than the
            // form's banner holds. Closed, it leaves the form as it was, to
            // turn a toggle on and try again.
            Err(ImportError::Refused { report }) => {
                let text = report.worded(&how).to_string();
                self.dialogs.push(Dialog::Report(ReportDialog::refused(&text, &report.refusal(&how))));
            }
            Err(e) => self.show_failure(e.to_string()),
        }
    }

    pub(super) fn show_failure(&mut self, text: String) {
        match self.dialogs.last_mut() {
            Some(Dialog::Form(fd)) => fd.form.banner = Some(text),
            _ => self.error("Not saved", &text),
        }
    }
}
