//! `A` on the customer page: a statement of account on screen, then, on
//! `y`, written to the file the form named (issue 17). Read as of the
//! statement's date whatever the page shows; the page is left as it was.

use super::dialog::Dialog;
use super::effect::Effect;
use super::import_report::ReportDialog;
use super::scroll::{Look, TextLine};
use super::{App, forms};
use crate::domain::text::clean;
use crate::statement::model::Kind;
use chrono::NaiveDate;
use std::path::PathBuf;

impl App {
    /// Opens the form, dated the day the page reads as of (else today).
    pub(super) fn open_statement(&mut self) {
        let Some(p) = self.page() else { return };
        let id = p.customer.id;
        let as_of = self.store.as_of().unwrap_or(self.live_today);
        self.open_form(forms::statement::open(id, as_of, self.live_today));
    }

    /// The statement on screen; `y` writes it to `path`.
    pub(super) fn preview_statement(
        &mut self,
        customer_id: i64,
        as_of: NaiveDate,
        from: Option<NaiveDate>,
        path: PathBuf,
    ) {
        let kind = from.map_or(Kind::OpenItem, |from| Kind::Activity { from });
        let s = match self.store.statement(customer_id, as_of, kind) {
            Ok(s) => s,
            Err(e) => return self.show_failure(e.to_string()),
        };
        if matches!(self.dialogs.last(), Some(Dialog::Form(_))) {
            self.dialogs.pop();
        }
        let width = usize::from(self.size.width.saturating_sub(6)).clamp(40, 104);
        let text = crate::statement::text::render(&s, width);
        let mut lines: Vec<TextLine> = text.lines().map(|l| TextLine::one(Look::Plain, l.to_string())).collect();
        lines.push(TextLine::one(Look::Title, format!("y writes it to {}", clean(&path.display().to_string()))));
        let title = format!("Statement of {} as of {as_of}", clean(&s.customer.name));
        let write = Effect::WriteStatement { customer_id, as_of, from, path, overwrite: false };
        self.dialogs.push(Dialog::Report(ReportDialog { title, lines, scroll: 0, on_yes: Some(write) }));
    }
}
