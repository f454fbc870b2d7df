//! `A` on the customer page: a statement of account (issue 17). Its date
//! (the day the page reads as of, else today), a "from" day for an
//! activity statement (empty: open items only) and the file it may be
//! written to (`.pdf`, `.txt` or `.csv`); a valid form shows the statement
//! on screen, and `y` there writes it.

use super::{FormDialog, FormOf, Spec, build, expand_home};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::app::keymap::{Context, label};
use crate::domain::date::{iso, parse_date};
use chrono::NaiveDate;
use std::path::PathBuf;

field_ids! {
    pub enum StatementField { AsOf, From, File }
}
use StatementField as F;

struct StatementForm {
    customer_id: i64,
    today: NaiveDate,
}

/// Opens the form for customer `customer_id`, dated `as_of`.
pub fn open(customer_id: i64, as_of: NaiveDate, today: NaiveDate) -> FormDialog {
    let file = format!("statement-{customer_id}-{}.pdf", iso(as_of));
    build("Statement of account", StatementForm { customer_id, today }, |f| match f {
        F::AsOf => Field::text("As of", &iso(as_of)).with_hint("the statement date: what was owed at its end"),
        F::From => Field::text("From", "")
            .with_hint("empty: open items; a day: also every movement since it, with a running balance"),
        F::File => {
            let mut path = Field::text("File", &file).with_hint(format!(
                ".pdf, .txt or .csv; {} completes; written only when you say so after the preview",
                label(Context::Form, Action::FormNext)
            ));
            path.completes_paths = true;
            path
        }
    })
}

/// The format a file's name asks for.
pub fn format_of(path: &std::path::Path) -> Option<crate::statement::output::Format> {
    use crate::statement::output::Format;
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "pdf" => Some(Format::Pdf),
        "txt" => Some(Format::Txt),
        "csv" => Some(Format::Csv),
        _ => None,
    }
}

impl Spec for StatementForm {
    type Field = StatementField;

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let as_of = match parse_date(&form.text(F::AsOf)) {
            Ok(d) if d > self.today => Err(format!("{d} has not come yet")),
            other => other,
        };
        let as_of = form.check(F::AsOf, as_of);
        let from_text = form.text(F::From);
        let from = if from_text.trim().is_empty() {
            Some(None)
        } else {
            let from = match (parse_date(&from_text), as_of) {
                (Ok(f), Some(a)) if f > a => Err(format!("{f} is after the statement date {a}")),
                (other, _) => other,
            };
            form.check(F::From, from).map(Some)
        };
        let typed = form.text(F::File);
        let path = expand_home(&typed);
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), PathBuf::from);
        if typed.trim().is_empty() {
            form.set_error(F::File, "type a file name");
        } else if format_of(&path).is_none() {
            form.set_error(F::File, "end it in .pdf, .txt or .csv: that is the format written");
        } else if !dir.is_dir() {
            form.set_error(F::File, format!("{} is not a directory", dir.display()));
        } else if path.is_dir() {
            form.set_error(F::File, format!("{} is a directory", path.display()));
        }
        if form.has_errors() {
            return None;
        }
        Some(Effect::PreviewStatement { customer_id: self.customer_id, as_of: as_of?, from: from?, path })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::forms::testing::{error, typed};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_and_the_file_name_are_checked() {
        let today = d("2026-12-05");
        let mut fd = open(7, d("2026-11-30"), today);
        let want = Effect::PreviewStatement {
            customer_id: 7,
            as_of: d("2026-11-30"),
            from: None,
            path: PathBuf::from("statement-7-2026-11-30.pdf"),
        };
        assert_eq!(fd.validate(), Some(want));
        typed(&mut fd, F::From, "2026-12-01");
        assert_eq!(fd.validate(), None);
        assert_eq!(error(&mut fd, F::From).as_deref(), Some("2026-12-01 is after the statement date 2026-11-30"));
        typed(&mut fd, F::From, "2026-11-01");
        typed(&mut fd, F::File, "out.docx");
        assert_eq!(fd.validate(), None);
        assert!(error(&mut fd, F::File).is_some_and(|e| e.contains(".pdf, .txt or .csv")));
        typed(&mut fd, F::File, "s.TXT");
        assert_eq!(
            fd.validate(),
            Some(Effect::PreviewStatement {
                customer_id: 7,
                as_of: d("2026-11-30"),
                from: Some(d("2026-11-01")),
                path: PathBuf::from("s.TXT"),
            })
        );
        typed(&mut fd, F::AsOf, "2026-12-06");
        assert_eq!(fd.validate(), None);
    }
}
