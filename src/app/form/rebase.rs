//! A save that met "changed elsewhere" keeps what the user typed: the form
//! is rebased onto the same form filled from the record as it is now.
//! Field by field, like a three-way merge: the value the form opened with
//! (the base), the user's, and the stored one. What the user changed
//! stays; everything else takes the stored value; and every field whose
//! stored value moved says so under it.

use super::Form;
use crate::domain::text::{clean, ellipsize};

/// The columns of a value a note quotes (a note stays within two rows of
/// an 80-column form).
const QUOTED: usize = 24;

impl Form {
    /// Rebases this form, opened over a record the user then edited, onto
    /// `fresh`: the same form filled from that record as stored now. The
    /// stored values become the ones "Esc" compares against and the
    /// fresh form's title is taken. Returns how many fields changed
    /// elsewhere.
    pub fn rebase(&mut self, fresh: Form) -> usize {
        debug_assert_eq!(self.fields.len(), fresh.fields.len(), "a form rebases onto the same form");
        let mine = std::mem::take(&mut self.fields);
        let mut changed = 0;
        for ((mine, mut theirs), (base, now)) in
            mine.into_iter().zip(fresh.fields).zip(self.initial.iter().zip(&fresh.initial))
        {
            let ours = mine.value();
            let edited = ours != *base && ours != *now;
            let kept = edited && theirs.enabled && theirs.set_value(&ours);
            if kept {
                theirs.touched = true;
            }
            if base != now {
                changed += 1;
            }
            theirs.elsewhere = note(base, now, edited.then_some((&ours, kept)));
            self.fields.push(theirs);
        }
        self.initial = fresh.initial;
        self.title = fresh.title;
        self.focus = self.focus.min(self.fields.len().saturating_sub(1));
        if !self.fields.get(self.focus).is_some_and(|f| f.enabled) {
            self.focus = self.fields.iter().position(|f| f.enabled).unwrap_or(0);
        }
        changed
    }
}

/// What to say under a field: it changed elsewhere from `base` to `now`;
/// the user's edit (`yours`) was kept over it, or could not be.
fn note(base: &str, now: &str, yours: Option<(&str, bool)>) -> Option<String> {
    let moved = base != now;
    Some(match yours {
        Some((_, true)) if moved => format!("changed elsewhere: was {}, now {}; yours kept", quote(base), quote(now)),
        Some((_, true)) => return None,
        Some((ours, false)) if moved => {
            format!("changed elsewhere: was {}; your {} could not be kept", quote(base), quote(ours))
        }
        Some((ours, false)) => format!("your {} could not be kept here", quote(ours)),
        None if moved => format!("changed elsewhere: was {}", quote(base)),
        None => return None,
    })
}

/// A value as a note quotes it: cleaned, cut to `QUOTED` columns.
fn quote(v: &str) -> String {
    if v.trim().is_empty() {
        return "empty".into();
    }
    format!("\"{}\"", ellipsize(&clean(v.trim()), QUOTED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::form::Field;

    /// A contact-like form opened with these values.
    fn opened(name: &str, email: &str, role: &str, paused: bool) -> Form {
        Form::new(
            "Edit",
            vec![
                Field::text("Name", name),
                Field::text("Email", email),
                Field::text("Role", role),
                Field::toggle("Paused", paused),
            ],
        )
    }

    #[test]
    fn edits_stay_untouched_fields_follow_and_changes_are_marked() {
        let mut f = opened("Ann", "ann@old.example", "AP", false);
        f.fields[0].set_text("Ann Lee");
        f.fields[2].set_text("Billing");
        // Elsewhere: the email and the role changed, the toggle did not.
        let fresh = opened("Ann", "ann@new.example", "Finance", false);
        assert_eq!(f.rebase(fresh), 2);
        let values: Vec<String> = f.fields.iter().map(Field::value).collect();
        assert_eq!(values, ["Ann Lee", "ann@new.example", "Billing", "no"]);
        assert_eq!(f.fields[0].elsewhere, None, "edited here only");
        assert_eq!(f.fields[1].elsewhere.as_deref(), Some("changed elsewhere: was \"ann@old.example\""));
        assert_eq!(
            f.fields[2].elsewhere.as_deref(),
            Some("changed elsewhere: was \"AP\", now \"Finance\"; yours kept")
        );
        assert!(f.dirty(), "the kept edits differ from what is stored now");
        f.fields[0].set_text("Ann");
        f.fields[2].set_text("Finance");
        assert!(!f.dirty(), "the stored values are what Esc compares against");
    }

    #[test]
    fn an_edit_matching_the_stored_value_is_not_a_clash() {
        let mut f = opened("Ann", "", "", false);
        f.fields[3] = Field::toggle("Paused", true);
        let fresh = opened("Ann", "", "", true);
        assert_eq!(f.rebase(fresh), 1);
        assert!(f.fields[3].on());
        assert_eq!(f.fields[3].elsewhere.as_deref(), Some("changed elsewhere: was \"no\""));
    }

    #[test]
    fn an_edit_the_fresh_form_cannot_take_is_said() {
        let mut f = opened("Ann", "", "", false);
        f.fields[1].set_text("ann@mine.example");
        let mut fresh = opened("Ann", "ann@theirs.example", "", false);
        fresh.fields[1] = Field::text("Email", "ann@theirs.example").disabled("fixed");
        fresh.mark_clean();
        f.rebase(fresh);
        assert_eq!(f.fields[1].value(), "ann@theirs.example");
        assert_eq!(
            f.fields[1].elsewhere.as_deref(),
            Some("changed elsewhere: was empty; your \"ann@mine.example\" could not be kept")
        );
    }

    #[test]
    fn quoted_values_are_cleaned_and_cut() {
        let mut f = opened("Ann", "", "", false);
        let fresh = opened("\u{1b}]52;c;aGFja2Vk\u{7} a name far longer than a note quotes", "", "", false);
        f.rebase(fresh);
        assert_eq!(f.fields[0].value(), "\u{1b}]52;c;aGFja2Vk\u{7} a name far longer than a note quotes");
        assert_eq!(f.fields[0].elsewhere.as_deref(), Some("changed elsewhere: was \"Ann\""));
        let mut g = opened("\u{1b}[31mred and a long long long name", "", "", false);
        g.rebase(opened("x", "", "", false));
        let note = g.fields[0].elsewhere.clone().unwrap();
        assert!(!note.contains('\u{1b}') && note.contains('␛') && note.contains('…'), "{note}");
    }
}
