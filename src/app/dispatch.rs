//! What each key does: a key event becomes an `Action` through the key
//! table (`keymap`), for the innermost context that binds it, and the
//! action is carried out on the screen, dialog or form in front.

use super::action::Action;
use super::customers::CustomersScreen;
use super::dialog::{Dialog, OnYes};
use super::form::FormEvent;
use super::keymap::{Context, lookup};
use super::{App, Screen, complete, dialog, form, table};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind};
use ratatui_textarea::TextArea;

impl App {
    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        // A date asked for with `t` is read before the next key acts: a
        // key typed before the tick that reads it would otherwise act on
        // today's books, and one that writes would open its form.
        if let Some(day) = self.pending_as_of.take() {
            self.read_as_of(day);
        }
        // Ctrl-C quits from anywhere, a form or a dialog too, whatever
        // the configuration moved: a way out that cannot be remapped away.
        // A quit key the user added works where the lists' keys do (it is
        // a `global` key), never in a text field or a dialog, where it
        // could be a letter typed or a "yes".
        if key.code == ratatui::crossterm::event::KeyCode::Char('c')
            && key.modifiers.contains(ratatui::crossterm::event::KeyModifiers::CONTROL)
        {
            self.quit = true;
            return;
        }
        let contexts = self.contexts();
        let found = lookup(&contexts, &key);
        match (contexts[0], found) {
            (Context::Input, None) => self.search_input(key),
            (Context::Form, None) => self.form_input(key),
            (_, Some((action, ch))) => self.update(action, ch),
            _ => {}
        }
    }

    pub(super) fn search_input(&mut self, key: KeyEvent) {
        match self.screens.last_mut() {
            Some(Screen::Customers(s)) => {
                if let Some(input) = s.input.as_mut() {
                    form::line_input(input, key);
                    let q = input.lines().first().cloned().unwrap_or_default();
                    s.set_query(&q);
                }
                self.sync();
            }
            Some(Screen::Customer(p)) => {
                if let Some(input) = p.filter_input.as_mut() {
                    form::line_input(input, key);
                    p.filter_error = None;
                }
            }
            // A detail has no text field.
            Some(Screen::Detail(_)) | None => {}
        }
    }

    /// Enter in the filter bar: a good filter replaces the tab's filter; a
    /// bad one is explained in the bar and the last good one stays.
    pub(super) fn apply_filter(&mut self) {
        let Some(Screen::Customer(p)) = self.screens.last_mut() else { return };
        let text = p.filter_input.as_ref().map(|i| i.lines().join(" ")).unwrap_or_default();
        let (tab, currency) = (p.tab, p.customer.currency);
        match crate::domain::filter::parse(&text, tab, currency) {
            Err(e) => p.filter_error = Some(e),
            Ok(f) => {
                p.filter_input = None;
                p.filter_error = None;
                if p.set_filter(tab, f) {
                    self.request_totals(tab);
                }
                if tab == crate::domain::columns::Tab::Invoices {
                    self.count_hidden();
                }
                self.sync();
            }
        }
    }

    pub(super) fn form_input(&mut self, key: KeyEvent) {
        if let Some(Dialog::Form(fd)) = self.dialogs.last_mut()
            && let FormEvent::Changed(_) = fd.form.input(key)
        {
            fd.candidates.clear();
            fd.changed();
        }
    }

    pub fn update(&mut self, action: Action, ch: Option<char>) {
        // What was typed ahead of a ranking waits only while moves follow.
        if let Some(Screen::Customers(s)) = self.screens.last_mut()
            && !CustomersScreen::holdable(action)
        {
            s.drop_held();
        }
        if !self.dialogs.is_empty() {
            self.dialog_action(action);
            return;
        }
        if self.figures_action(action) {
            return;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                let contexts = self.contexts();
                self.dialogs.push(Dialog::Help { contexts, scroll: 0, mouse: self.mouse });
            }
            Action::Back => {
                if self.screens.len() > 1 {
                    if let Some(Screen::Customer(p)) = self.screens.pop() {
                        self.saved_views.insert(p.customer.id, p.save_view());
                    }
                    if let Some(Screen::Customers(_)) = self.screens.last() {
                        self.watch(crate::store::pg::live::Watch::Customers);
                    }
                    self.reload();
                } else {
                    self.quit = true;
                }
            }
            Action::InputAccept | Action::InputCancel => match self.screens.last_mut() {
                Some(Screen::Customers(s)) => {
                    s.input = None;
                    if action == Action::InputCancel {
                        s.set_query("");
                    }
                    self.sync();
                }
                Some(Screen::Customer(p)) if action == Action::InputCancel => {
                    p.filter_input = None;
                    p.filter_error = None;
                }
                Some(Screen::Customer(_)) => self.apply_filter(),
                Some(Screen::Detail(_)) | None => {}
            },
            _ => {
                if matches!(self.screens.last(), Some(Screen::Customer(_))) {
                    self.page_action(action, ch);
                } else if matches!(self.screens.last(), Some(Screen::Detail(_))) {
                    self.detail_action(action);
                } else if matches!(action, Action::Import | Action::NewCustomer | Action::Settings | Action::AsOf) {
                    self.list_action(action);
                } else if let Some(Screen::Customers(s)) = self.screens.last_mut()
                    && let Some(id) = customers_action(s, action, self.size.width)
                {
                    self.open_customer(id);
                }
                self.sync();
            }
        }
    }

    pub(super) fn dialog_action(&mut self, action: Action) {
        let Some(top) = self.dialogs.last_mut() else { return };
        match top {
            // Bounded by the text (`scroll::Pane`): past its end a key would
            // scroll nothing and the keys back would seem dead.
            Dialog::Help { scroll, contexts, mouse } => {
                let pane = super::help::pane(self.size, &super::help::lines(contexts, *mouse));
                if !pane.step(scroll, action) && action == Action::Back {
                    self.dialogs.pop();
                }
            }
            // Scrolled within the report; "yes" runs the import it
            // previewed, "no" goes back to the form with the paths as typed.
            Dialog::Report(r) => {
                if r.pane(self.size).step(&mut r.scroll, action) {
                    return;
                }
                match action {
                    Action::Yes if r.on_yes.is_some() => {
                        if let Some(Dialog::Report(r)) = self.dialogs.pop()
                            && let Some(effect) = r.on_yes
                        {
                            self.run_effect(effect);
                        }
                    }
                    Action::No | Action::Close => {
                        self.dialogs.pop();
                    }
                    _ => {}
                }
            }
            Dialog::Link { .. } | Dialog::Row { .. } => {
                self.dialogs.pop();
            }
            // The popup stays until the run ends; it says it is cancelling.
            Dialog::Importing => {
                if let (Action::Close, Some(job)) = (action, &self.import) {
                    job.cancel();
                }
            }
            // Likewise; every other key typed meanwhile is dropped here, so
            // none lands on the page once the popup is gone.
            Dialog::Transferring => {
                if let (Action::Close, Some(job)) = (action, &self.documents) {
                    job.cancel();
                }
            }
            Dialog::Message { reload, .. } => {
                let reload = *reload && action == Action::Yes;
                self.dialogs.pop();
                if reload {
                    // Drop the stale form under the message too.
                    while matches!(self.dialogs.last(), Some(Dialog::Form(_))) {
                        self.dialogs.pop();
                    }
                    self.reload();
                }
            }
            Dialog::Menu(menu) => match action {
                Action::Down => menu.selected = (menu.selected + 1).min(menu.items.len().saturating_sub(1)),
                Action::Up => menu.selected = menu.selected.saturating_sub(1),
                Action::Close => {
                    self.dialogs.pop();
                }
                Action::Pick => {
                    let item = menu.items.get(menu.selected).map(|i| i.1);
                    self.dialogs.pop();
                    if let Some(item) = item {
                        self.menu_pick(item);
                    }
                }
                _ => {}
            },
            Dialog::Confirm(_) => {
                if self.answer_typed_ahead(action == Action::Yes) {
                    return;
                }
                self.confirm_shown = false;
                let Some(Dialog::Confirm(c)) = self.dialogs.pop() else { return };
                if action == Action::Yes {
                    match c.on_yes {
                        OnYes::Run(effect) => self.run_effect(effect),
                        OnYes::DiscardForm => {
                            self.dialogs.pop();
                        }
                    }
                }
            }
            Dialog::Form(fd) => match action {
                Action::FormNext if fd.form.fields[fd.form.focus].completes_paths => self.complete_path(),
                Action::FormNext => fd.form.next(true),
                Action::FormPrev => fd.form.next(false),
                Action::FormEnter if fd.form.enter() == FormEvent::Submit => self.submit_form(),
                Action::FormSave => self.submit_form(),
                Action::FormCancel => {
                    if fd.form.dirty() {
                        self.dialogs.push(Dialog::Confirm(dialog::Confirm {
                            title: "Discard changes?".into(),
                            lines: vec!["What you typed in this form will be lost.".into()],
                            on_yes: OnYes::DiscardForm,
                        }));
                    } else {
                        self.dialogs.pop();
                    }
                }
                _ => {}
            },
        }
    }

    pub(super) fn complete_path(&mut self) {
        let Some(Dialog::Form(fd)) = self.dialogs.last_mut() else { return };
        let cwd = std::env::current_dir().unwrap_or_default();
        let field = &mut fd.form.fields[fd.form.focus];
        let c = complete::complete(&field.value(), &cwd);
        // Nothing more to complete (the text stays and the candidates, if
        // any, are already shown): Tab moves on, as the footer says.
        if c.text == field.value() && c.candidates == fd.candidates {
            fd.candidates.clear();
            fd.form.next(true);
            return;
        }
        field.set_text(&c.text);
        field.touched = true;
        fd.candidates = c.candidates;
    }

    pub(super) fn submit_form(&mut self) {
        let Some(Dialog::Form(fd)) = self.dialogs.last_mut() else { return };
        if let Some(effect) = fd.validate() {
            self.run_effect(effect);
        }
    }
}

/// Returns a customer id to open, if the action asks for one.
fn customers_action(s: &mut CustomersScreen, action: Action, width: u16) -> Option<i64> {
    if s.hold(action) {
        return None;
    }
    match action {
        Action::Open => return s.selected().map(|r| r.id),
        Action::Search => {
            let mut input = TextArea::new(vec![s.query.clone()]);
            input.move_cursor(ratatui_textarea::CursorMove::End);
            s.input = Some(input);
        }
        Action::SortNext => s.next_sort(width),
        Action::SortReverse => s.reverse(),
        Action::PanLeft | Action::PanRight => {
            s.pan = pan(crate::app::customers::COLUMNS, width, s.pan, action);
        }

        _ => move_scroll(&mut s.table.scroll, action),
    }
    None
}

/// The pan one step left or right of `pan`, within what the columns allow
/// at `width`: a step that would show the same columns (pan 1 can match the
/// home view) is taken past, so every press changes what is shown.
pub(super) fn pan<R: 'static, K: 'static>(
    cols: &[crate::domain::tabs::Column<R, K>],
    width: u16,
    pan: usize,
    action: Action,
) -> usize {
    use crate::view::columns::{fit, max_pan};
    let max = max_pan(cols, width);
    let from = pan.min(max);
    let shown = fit(cols, width, from).shown;
    let mut to = from;
    loop {
        let next = if action == Action::PanLeft { to.checked_sub(1) } else { (to < max).then_some(to + 1) };
        // At either end, the end: home is pan 0 even where pan 1 shows the
        // same columns.
        let Some(next) = next else { return to };
        to = next;
        if fit(cols, width, to).shown != shown {
            return to;
        }
    }
}

pub(super) fn move_scroll(s: &mut table::Scroll, action: Action) {
    match action {
        Action::Down => s.move_by(1),
        Action::Up => s.move_by(-1),
        Action::PageDown => s.page(true),
        Action::PageUp => s.page(false),
        Action::Home => s.home(),
        Action::End => s.end(),
        _ => {}
    }
}

impl App {
    /// The keys while the figures have them: move the highlight, open the
    /// rows behind a figure as its tab's filter (shown in the bar, to see
    /// and edit), or leave. False when the figures do not have the keys.
    fn figures_action(&mut self, action: Action) -> bool {
        let show_credit = self.org.show_credit_balance;
        let Some(Screen::Customer(p)) = self.screens.last_mut() else { return false };
        let Some(at) = p.figures_focus else { return false };
        let targets = crate::view::figures::targets(show_credit);
        let n = targets.len();
        match action {
            Action::Down => p.figures_focus = Some((at + 1) % n),
            Action::Up => p.figures_focus = Some((at + n - 1) % n),
            Action::Back => p.figures_focus = None,
            Action::Open => match targets.get(at).map(|t| t.opens) {
                Some(crate::view::figures::Opens::Rows(tab, filter)) => {
                    p.figures_focus = None;
                    p.tab = tab;
                    let mut input = TextArea::new(vec![filter.to_string()]);
                    input.move_cursor(ratatui_textarea::CursorMove::End);
                    p.filter_input = Some(input);
                    self.apply_filter();
                }
                Some(crate::view::figures::Opens::Collections) => {
                    p.figures_focus = None;
                    let (id, currency, today) = (p.customer.id, p.customer.currency, self.today);
                    match self.store.collections(id, currency, today) {
                        Ok(rows) => self.dialogs.push(Dialog::Report(super::collections::dialog(&rows, today))),
                        Err(e) => self.say(format!("could not read the collections: {e}")),
                    }
                }
                Some(crate::view::figures::Opens::Nothing(why)) => self.say(why),
                None => {}
            },
            // Help and quit as anywhere.
            _ => return false,
        }
        true
    }

    pub(super) fn tab_move(&mut self, action: Action) {
        if let Some(Screen::Customer(p)) = self.screens.last_mut() {
            let tab = p.tab;
            move_scroll(&mut p.state_mut(tab).scroll, action);
        }
    }
}
