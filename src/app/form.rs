//! A modal form: text fields (ratatui-textarea), choices, toggles and
//! checklists; Tab/Shift-Tab between fields, Ctrl-S or Enter on the last
//! field to save, Esc to cancel. Errors sit next to their field.
//! Untyped, so drawing and keys treat every form alike; a form's own code
//! reads its fields by position through its field enum (`forms::FormOf`),
//! never by label.

mod rebase;

use super::keymap;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

pub enum FieldKind {
    Text(Box<TextArea<'static>>),
    /// One of several options; `keymap::CHOICE_BACK`/`CHOICE_ON` or
    /// `TICK` change it.
    Choice {
        options: Vec<String>,
        selected: usize,
    },
    Toggle(bool),
    /// Items to tick (id, label); ↑/↓ move, Space ticks.
    Checklist {
        items: Vec<(i64, String)>,
        checked: Vec<bool>,
        cursor: usize,
    },
    /// Rows of text, one item each (an invoice's lines): ↑/↓ move between
    /// rows, Enter on a row with text adds a row under it, Enter on an
    /// empty row leaves the field (or saves on the last), Backspace on an
    /// empty row removes it. Never empty: one row at least.
    Rows {
        rows: Vec<TextArea<'static>>,
        cursor: usize,
    },
}

pub struct Field {
    pub label: &'static str,
    pub kind: FieldKind,
    pub error: Option<String>,
    /// Shown under the field when there is no error.
    pub hint: Option<String>,
    pub enabled: bool,
    /// Tab completes paths here instead of moving on.
    pub completes_paths: bool,
    /// The user changed it (so defaults derived from other fields stop
    /// overwriting it).
    pub touched: bool,
    /// What changed in the stored record under this field while the form
    /// was open (`Form::rebase`), shown under it.
    pub elsewhere: Option<String>,
}

impl Field {
    pub fn text(label: &'static str, value: &str) -> Field {
        let mut ta = TextArea::new(vec![value.to_string()]);
        ta.move_cursor(CursorMove::End);
        Field::new(label, FieldKind::Text(Box::new(ta)))
    }

    pub fn choice(label: &'static str, options: Vec<String>, selected: usize) -> Field {
        let selected = selected.min(options.len().saturating_sub(1));
        Field::new(label, FieldKind::Choice { options, selected })
    }

    pub fn toggle(label: &'static str, on: bool) -> Field {
        Field::new(label, FieldKind::Toggle(on))
    }

    /// A field of rows (see `FieldKind::Rows`), starting with `rows`.
    pub fn rows(label: &'static str, rows: &[String]) -> Field {
        let mut f = Field::new(label, FieldKind::Rows { rows: Vec::new(), cursor: 0 });
        f.set_rows(rows);
        f
    }

    /// The rows that hold text, trimmed (`Rows` only).
    pub fn row_texts(&self) -> Vec<String> {
        match &self.kind {
            FieldKind::Rows { rows, .. } => {
                rows.iter().map(|t| t.lines().join("").trim().to_string()).filter(|t| !t.is_empty()).collect()
            }
            _ => Vec::new(),
        }
    }

    fn set_rows(&mut self, texts: &[String]) {
        if let FieldKind::Rows { rows, cursor } = &mut self.kind {
            *rows = texts.iter().map(|t| one_line(t)).collect();
            if rows.is_empty() {
                rows.push(one_line(""));
            }
            *cursor = 0;
        }
    }

    pub fn checklist(label: &'static str, items: Vec<(i64, String)>) -> Field {
        let checked = vec![false; items.len()];
        Field::new(label, FieldKind::Checklist { items, checked, cursor: 0 })
    }

    fn new(label: &'static str, kind: FieldKind) -> Field {
        Field {
            label,
            kind,
            error: None,
            hint: None,
            enabled: true,
            completes_paths: false,
            touched: false,
            elsewhere: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = Some(hint.into());
        self
    }

    pub fn disabled(mut self, why: impl Into<String>) -> Field {
        self.enabled = false;
        self.hint = Some(why.into());
        self
    }

    /// The field's value as text (the chosen option, "yes"/"no", ticked
    /// ids, the rows with text one per line).
    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Rows { .. } => self.row_texts().join("\n"),
            FieldKind::Text(t) => t.lines().join(""),
            FieldKind::Choice { options, selected } => options.get(*selected).cloned().unwrap_or_default(),
            FieldKind::Toggle(on) => if *on { "yes" } else { "no" }.into(),
            FieldKind::Checklist { items, checked, .. } => items
                .iter()
                .zip(checked)
                .filter(|(_, c)| **c)
                .map(|((id, _), _)| id.to_string())
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    /// Replaces a text field's text, or a field of rows' rows (one per
    /// line of `value`).
    pub fn set_text(&mut self, value: &str) {
        match &mut self.kind {
            FieldKind::Text(t) => {
                **t = TextArea::new(vec![value.to_string()]);
                t.move_cursor(CursorMove::End);
            }
            FieldKind::Rows { .. } => {
                let texts: Vec<String> = value.lines().map(str::to_string).collect();
                self.set_rows(&texts);
            }
            _ => {}
        }
    }

    /// Puts back a value `value()` gave (of a field of the same form):
    /// false when this field cannot show it (an option it does not offer,
    /// an item it does not list).
    pub fn set_value(&mut self, value: &str) -> bool {
        match &mut self.kind {
            FieldKind::Text(_) => {
                self.set_text(value);
                true
            }
            FieldKind::Rows { .. } => {
                self.set_text(value);
                true
            }
            FieldKind::Choice { options, selected } => match options.iter().position(|o| o == value) {
                Some(i) => {
                    *selected = i;
                    true
                }
                None => false,
            },
            FieldKind::Toggle(on) => match value {
                "yes" | "no" => {
                    *on = value == "yes";
                    true
                }
                _ => false,
            },
            FieldKind::Checklist { items, checked, .. } => {
                let ids: Vec<&str> = value.split(',').filter(|id| !id.is_empty()).collect();
                let listed = ids.iter().all(|id| items.iter().any(|(i, _)| i.to_string() == *id));
                if listed {
                    for ((id, _), c) in items.iter().zip(checked.iter_mut()) {
                        *c = ids.contains(&id.to_string().as_str());
                    }
                }
                listed
            }
        }
    }

    pub fn selected(&self) -> usize {
        match &self.kind {
            FieldKind::Choice { selected, .. } => *selected,
            _ => 0,
        }
    }

    pub fn on(&self) -> bool {
        matches!(self.kind, FieldKind::Toggle(true))
    }

    pub fn checked_ids(&self) -> Vec<i64> {
        match &self.kind {
            FieldKind::Checklist { items, checked, .. } => {
                items.iter().zip(checked).filter(|(_, c)| **c).map(|((id, _), _)| *id).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// A one-line input holding `value`, its cursor at the end.
fn one_line(value: &str) -> TextArea<'static> {
    let mut ta = TextArea::new(vec![value.to_string()]);
    ta.move_cursor(CursorMove::End);
    ta
}

/// Scrolls a one-line input back to its start, its cursor kept where it
/// is. ratatui-textarea keeps the offset a narrow draw needed to show the
/// cursor, so after the terminal was made small and large again a field's
/// text stayed hidden left of it until the cursor moved.
pub fn unscroll(t: &mut TextArea<'static>) {
    let cursor = t.cursor();
    let (row, col) = (cursor.0, cursor.1);
    t.scroll((-i16::MAX, -i16::MAX));
    let at = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    t.move_cursor(CursorMove::Jump(at(row), at(col)));
}

/// A key in a one-line text input (form fields, search and filter bars):
/// Ctrl-U deletes back to the start as in a shell, and no key may insert a
/// line break. Returns whether the text changed.
pub fn line_input(t: &mut TextArea<'static>, key: KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('u') if ctrl => t.delete_line_by_head(),
        KeyCode::Char('j' | 'm') if ctrl => false,
        KeyCode::Enter => false,
        _ => t.input(key),
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    None,
    /// A field's value changed (defaults may follow).
    Changed(usize),
    Submit,
    Cancel,
}

pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// An error about the whole form (e.g. the store refused it).
    pub banner: Option<String>,
    initial: Vec<String>,
}

impl Form {
    /// Every text field scrolled back to its start (see `unscroll`).
    pub fn unscroll(&mut self) {
        for f in &mut self.fields {
            match &mut f.kind {
                FieldKind::Text(t) => unscroll(t),
                FieldKind::Rows { rows, .. } => rows.iter_mut().for_each(unscroll),
                _ => {}
            }
        }
    }

    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Form {
        let initial = fields.iter().map(Field::value).collect();
        let focus = fields.iter().position(|f| f.enabled).unwrap_or(0);
        Form { title: title.into(), fields, focus, banner: None, initial }
    }

    /// The current values become the ones "Esc" compares against (after
    /// defaults were filled in as the form opened).
    pub fn mark_clean(&mut self) {
        self.initial = self.fields.iter().map(Field::value).collect();
    }

    /// Something was typed or chosen since the form opened.
    pub fn dirty(&self) -> bool {
        self.fields.iter().map(Field::value).ne(self.initial.iter().cloned())
    }

    pub fn clear_errors(&mut self) {
        self.banner = None;
        for f in &mut self.fields {
            f.error = None;
        }
    }

    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }

    fn step(&mut self, forward: bool) {
        let n = self.fields.len();
        for i in 1..=n {
            let next = if forward { (self.focus + i) % n } else { (self.focus + n - i) % n };
            if self.fields[next].enabled {
                self.focus = next;
                return;
            }
        }
    }

    fn is_last(&self) -> bool {
        !self.fields.iter().skip(self.focus + 1).any(|f| f.enabled)
    }

    /// Moves to the next (or previous) enabled field.
    pub fn next(&mut self, forward: bool) {
        self.step(forward);
    }

    /// Enter: the next field, or save on the last one. In a field of rows,
    /// a row with text gets a new row under it; an empty row (not the only
    /// one) goes and the form moves on.
    pub fn enter(&mut self) -> FormEvent {
        let focus = self.focus;
        if let FieldKind::Rows { rows, cursor } = &mut self.fields[focus].kind {
            let typed = !rows[*cursor].lines().join("").trim().is_empty();
            if typed {
                *cursor += 1;
                rows.insert(*cursor, one_line(""));
                return FormEvent::None;
            }
            if rows.len() > 1 {
                rows.remove(*cursor);
                *cursor = (*cursor).min(rows.len() - 1);
            }
        }
        if self.is_last() {
            return FormEvent::Submit;
        }
        self.step(true);
        FormEvent::None
    }

    /// A key that is not a form key (Tab, Enter, Ctrl-S, Esc are taken by
    /// the keymap first) goes to the focused field, so typing "q" in a name
    /// types a q.
    pub fn input(&mut self, key: KeyEvent) -> FormEvent {
        let focus = self.focus;
        let field = &mut self.fields[focus];
        if !field.enabled {
            return FormEvent::None;
        }
        // Up and Down move between fields, except inside a checklist or a
        // field of rows that has rows left in that direction.
        let list = match &field.kind {
            FieldKind::Checklist { items, cursor, .. } => Some((*cursor, items.len())),
            FieldKind::Rows { rows, cursor } => Some((*cursor, rows.len())),
            _ => None,
        };
        let in_list = list.is_some_and(|(cursor, len)| match key.code {
            KeyCode::Up => cursor > 0,
            KeyCode::Down => cursor + 1 < len,
            _ => false,
        });
        if matches!(key.code, KeyCode::Up | KeyCode::Down) && !in_list {
            self.step(key.code == KeyCode::Down);
            return FormEvent::None;
        }
        let tick = key.code == keymap::TICK.code;
        let changed = match &mut field.kind {
            FieldKind::Text(t) => line_input(t, key),
            FieldKind::Rows { rows, cursor } => match key.code {
                KeyCode::Up => {
                    *cursor -= 1;
                    false
                }
                KeyCode::Down => {
                    *cursor += 1;
                    false
                }
                KeyCode::Backspace if rows.len() > 1 && rows[*cursor].lines().join("").is_empty() => {
                    rows.remove(*cursor);
                    *cursor = cursor.saturating_sub(1);
                    true
                }
                _ => line_input(&mut rows[*cursor], key),
            },
            FieldKind::Choice { options, selected } => {
                if key.code == keymap::CHOICE_BACK.code {
                    *selected = (*selected + options.len() - 1) % options.len().max(1);
                    true
                } else if key.code == keymap::CHOICE_ON.code || tick {
                    *selected = (*selected + 1) % options.len().max(1);
                    true
                } else {
                    false
                }
            }
            FieldKind::Toggle(on) => {
                let before = *on;
                match key.code {
                    c if tick || c == keymap::CHOICE_BACK.code || c == keymap::CHOICE_ON.code => *on = !*on,
                    KeyCode::Char('y') => *on = true,
                    KeyCode::Char('n') => *on = false,
                    _ => {}
                }
                *on != before
            }
            FieldKind::Checklist { items, checked, cursor } => match key.code {
                KeyCode::Up => {
                    *cursor -= 1;
                    false
                }
                KeyCode::Down => {
                    *cursor += 1;
                    false
                }
                _ if tick && !items.is_empty() => {
                    checked[*cursor] = !checked[*cursor];
                    true
                }
                _ => false,
            },
        };
        if changed {
            let f = &mut self.fields[focus];
            f.touched = true;
            f.error = None;
            FormEvent::Changed(focus)
        } else {
            FormEvent::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(form: &mut Form, keys: &str) {
        for c in keys.chars() {
            form.input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    /// What the app does with the form keys the keymap takes first.
    fn code(form: &mut Form, code: KeyCode) -> FormEvent {
        match code {
            KeyCode::Tab => {
                form.next(true);
                FormEvent::None
            }
            KeyCode::BackTab => {
                form.next(false);
                FormEvent::None
            }
            KeyCode::Enter => form.enter(),
            KeyCode::Esc => FormEvent::Cancel,
            _ => form.input(KeyEvent::new(code, KeyModifiers::NONE)),
        }
    }

    #[test]
    fn typing_goes_to_the_focused_field_and_q_is_just_a_letter() {
        let mut f = Form::new("t", vec![Field::text("Name", ""), Field::toggle("Paused", false)]);
        press(&mut f, "quit");
        assert_eq!(f.fields[0].value(), "quit");
        assert!(f.dirty());
        assert_eq!(code(&mut f, KeyCode::Tab), FormEvent::None);
        press(&mut f, " ");
        assert!(f.fields[1].on());
        assert_eq!(code(&mut f, KeyCode::Enter), FormEvent::Submit);
        assert_eq!(code(&mut f, KeyCode::Esc), FormEvent::Cancel);
    }

    #[test]
    fn disabled_fields_are_skipped() {
        let mut f =
            Form::new("t", vec![Field::text("A", "x"), Field::text("B", "").disabled("no"), Field::text("C", "")]);
        code(&mut f, KeyCode::Tab);
        assert_eq!(f.fields[f.focus].label, "C");
        code(&mut f, KeyCode::BackTab);
        assert_eq!(f.fields[f.focus].label, "A");
        assert!(!f.dirty());
    }

    #[test]
    fn a_value_read_back_is_put_back_or_refused() {
        let mut f = Form::new(
            "t",
            vec![
                Field::text("Name", "a"),
                Field::choice("Status", vec!["Draft".into(), "Open".into()], 0),
                Field::toggle("Paused", false),
                Field::checklist("Invoices", vec![(7, "INV-7".into()), (9, "INV-9".into())]),
            ],
        );
        for (field, value) in f.fields.iter_mut().zip(["b", "Open", "yes", "9"]) {
            assert!(field.set_value(value), "{}", field.label);
            assert_eq!(field.value(), value);
        }
        for (field, value) in f.fields.iter_mut().skip(1).zip(["Paid", "maybe", "8"]) {
            assert!(!field.set_value(value), "{} takes no {value}", field.label);
        }
        assert_eq!(f.fields[3].checked_ids(), vec![9], "a refused value changes nothing");
    }

    #[test]
    fn choices_cycle_and_checklists_tick() {
        let mut f = Form::new(
            "t",
            vec![
                Field::choice("Status", vec!["Draft".into(), "Open".into()], 0),
                Field::checklist("Invoices", vec![(7, "INV-7".into()), (9, "INV-9".into())]),
            ],
        );
        code(&mut f, KeyCode::Right);
        assert_eq!(f.fields[0].value(), "Open");
        code(&mut f, KeyCode::Tab);
        code(&mut f, KeyCode::Down);
        press(&mut f, " ");
        assert_eq!(f.fields[1].checked_ids(), vec![9]);
    }

    #[test]
    fn rows_grow_with_enter_shrink_with_backspace_and_enter_on_an_empty_row_moves_on() {
        let mut f = Form::new("t", vec![Field::rows("Lines", &[]), Field::text("Memo", "")]);
        press(&mut f, "a; 1");
        assert_eq!(code(&mut f, KeyCode::Enter), FormEvent::None);
        press(&mut f, "b; 2");
        code(&mut f, KeyCode::Enter);
        assert_eq!(f.fields[0].value(), "a; 1\nb; 2", "the empty third row is not a value");
        assert!(matches!(&f.fields[0].kind, FieldKind::Rows { rows, cursor: 2 } if rows.len() == 3));
        code(&mut f, KeyCode::Backspace);
        assert!(matches!(&f.fields[0].kind, FieldKind::Rows { rows, cursor: 1 } if rows.len() == 2));
        code(&mut f, KeyCode::Up);
        press(&mut f, "0");
        assert_eq!(f.fields[0].value(), "a; 10\nb; 2", "Up moved to the first row");
        code(&mut f, KeyCode::Down);
        code(&mut f, KeyCode::Enter);
        assert_eq!(f.focus, 0, "a row with text gets a row under it");
        assert_eq!(code(&mut f, KeyCode::Enter), FormEvent::None);
        assert_eq!(f.focus, 1, "Enter on the empty row moves on, and the row goes");
        assert!(matches!(&f.fields[0].kind, FieldKind::Rows { rows, .. } if rows.len() == 2));
        code(&mut f, KeyCode::BackTab);
        code(&mut f, KeyCode::Up);
        assert_eq!(f.focus, 0, "Up inside the rows stays in the field");
        code(&mut f, KeyCode::Up);
        assert_eq!(f.focus, 1, "Up from the first row leaves it (and wraps to the last field)");
    }
}
