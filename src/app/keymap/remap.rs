//! The effective table: `BINDINGS`, or the user's remapping of it.
//!
//! The table is installed once, at start-up, in a process-wide `OnceLock`
//! rather than owned by `App`: labels are rendered from it deep inside
//! forms, hints and dialogs that app code builds without an `App` at hand
//! (`keymap::label` has some forty callers), and the keys do not change
//! while ardesk runs. Threading a table through all of them would touch
//! most signatures for no gain; a `OnceLock` costs one atomic load per
//! lookup and cannot change under a drawing. Until something is installed
//! (every test that does not install one) the defaults are in force, so a
//! test that remaps keys runs in a process of its own (`tests/config_keys.rs`)
//! or checks `remap`'s result without installing it.

use super::names::{action_name, shown};
use super::{Action, BINDINGS, Binding, Context, Key, MEANT, STACKS};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use std::borrow::Cow;
use std::sync::OnceLock;

static EFFECTIVE: OnceLock<Vec<Binding>> = OnceLock::new();

/// The table in force: the installed one, else the defaults.
pub fn table() -> &'static [Binding] {
    EFFECTIVE.get().map_or(BINDINGS, Vec::as_slice)
}

/// Puts `bindings` in force for the rest of the process; false (and
/// nothing changed) when a table was installed already.
pub fn install(bindings: Vec<Binding>) -> bool {
    EFFECTIVE.set(bindings).is_ok()
}

/// The keys a configuration gives one action on one screen, in place of
/// all its default keys there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub ctx: Context,
    pub action: Action,
    pub keys: Vec<Key>,
}

/// Why a remapping is refused, and which override (by position) did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemapError {
    pub index: usize,
    pub message: String,
}

/// The action called `name` among those bound on `ctx`.
pub fn find_action(ctx: Context, name: &str) -> Option<Action> {
    BINDINGS.iter().filter(|b| b.ctx == ctx).map(|b| b.action).find(|a| action_name(*a) == name)
}

/// The names of the actions bound on `ctx`, in table order.
pub fn action_names(ctx: Context) -> Vec<String> {
    BINDINGS.iter().filter(|b| b.ctx == ctx).map(|b| action_name(b.action)).collect()
}

/// Whether a user may move the action's keys. The tab digits are read as
/// the tab's number, so other keys would open no tab.
pub fn remappable(ctx: Context, action: Action) -> bool {
    !(ctx == Context::Customer && action == Action::GoTab)
}

/// `base` with each override's keys in place of its action's, refused when
/// an override names nothing bound, leaves an action without a key, takes
/// a key a text field would need, or makes two actions share a key in one
/// screen or in a screen and those it falls through to.
pub fn remap(base: &[Binding], overrides: &[Override]) -> Result<Vec<Binding>, RemapError> {
    let mut table: Vec<Binding> = base.to_vec();
    // Which override set each binding's keys.
    let mut by: Vec<Option<usize>> = vec![None; table.len()];
    for (index, o) in overrides.iter().enumerate() {
        let refuse = |message: String| RemapError { index, message };
        if !remappable(o.ctx, o.action) {
            return Err(refuse("the tab digits are the tabs' numbers and cannot be moved".into()));
        }
        if o.keys.is_empty() {
            return Err(refuse("give at least one key".into()));
        }
        let typed =
            o.keys.iter().find(|k| matches!(k.code, KeyCode::Char(_)) && (k.mods - KeyModifiers::SHIFT).is_empty());
        if let (Some(k), Context::Input | Context::Form) = (typed, o.ctx) {
            return Err(refuse(format!(
                "{} is typed into the field here; use a key that types nothing (Ctrl-…, F…, Enter)",
                shown(k)
            )));
        }
        // A terminal sends these as the keys they stand for: Ctrl-M is
        // Enter, Ctrl-I Tab, Ctrl-[ Esc, Ctrl-H Backspace, Ctrl-J a line feed.
        let alias = o
            .keys
            .iter()
            .find(|k| k.mods == KeyModifiers::CONTROL && matches!(k.code, KeyCode::Char('m' | 'i' | '[' | 'h' | 'j')));
        if let Some(k) = alias {
            return Err(refuse(format!(
                "{} reaches a program as Enter, Tab, Esc or Backspace in a terminal; choose another key",
                shown(k)
            )));
        }
        let Some(i) = table.iter().position(|b| b.ctx == o.ctx && b.action == o.action) else {
            return Err(refuse(format!("{} is not an action on {}", action_name(o.action), o.ctx.name())));
        };
        // A key written twice in one list is one key.
        let mut keys: Vec<Key> = Vec::with_capacity(o.keys.len());
        for k in &o.keys {
            if !keys.contains(k) {
                keys.push(*k);
            }
        }
        table[i].keys = Cow::Owned(keys);
        by[i] = Some(index);
    }
    if let Some((a, b, key)) = clashes(&table).into_iter().find(|(a, b, _)| by[*a].is_some() || by[*b].is_some()) {
        let (x, y) = (&table[a], &table[b]);
        let message = if x.ctx == y.ctx {
            format!(
                "{} would be both {} and {} on {}",
                shown(&key),
                action_name(x.action),
                action_name(y.action),
                x.ctx.name()
            )
        } else {
            format!(
                "{} would be {} on {} and hide {} on {}, which {} falls through to",
                shown(&key),
                action_name(x.action),
                x.ctx.name(),
                action_name(y.action),
                y.ctx.name(),
                x.ctx.name()
            )
        };
        return Err(RemapError { index: by[a].or(by[b]).unwrap_or(0), message });
    }
    Ok(table)
}

/// Every key two bindings share where both could fire: in one context, or
/// in a context and one it falls through to (the first hides the second),
/// except the few `MEANT`. As (binding, binding, key) indices into `table`.
pub fn clashes(table: &[Binding]) -> Vec<(usize, usize, Key)> {
    let mut found = Vec::new();
    for (i, a) in table.iter().enumerate() {
        for (j, b) in table.iter().enumerate() {
            if i == j {
                continue;
            }
            let falls_through = STACKS.iter().any(|s| {
                let pos = |c: Context| s.iter().position(|x| *x == c);
                matches!((pos(a.ctx), pos(b.ctx)), (Some(x), Some(y)) if x < y)
            });
            let same = a.ctx == b.ctx && i < j;
            if !same && !falls_through {
                continue;
            }
            for key in a.keys.iter().filter(|k| b.keys.contains(k)) {
                let meant = !same && MEANT.iter().any(|(c, code, _)| *c == a.ctx && *code == key.code);
                if !meant {
                    found.push((i, j, *key));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::parse_key;

    fn o(ctx: Context, action: Action, keys: &[&str]) -> Override {
        Override { ctx, action, keys: keys.iter().map(|k| parse_key(k).unwrap()).collect() }
    }

    #[test]
    fn the_defaults_clash_nowhere() {
        assert_eq!(clashes(BINDINGS), vec![]);
        // Each action once per screen, so a configuration's name finds one row.
        for (i, a) in BINDINGS.iter().enumerate() {
            assert!(!BINDINGS[i + 1..].iter().any(|b| b.ctx == a.ctx && b.action == a.action), "{:?}", a.action);
        }
    }

    #[test]
    fn a_swap_is_taken_and_a_clash_is_named() {
        let swap = [o(Context::Global, Action::Down, &["k"]), o(Context::Global, Action::Up, &["j"])];
        let t = remap(BINDINGS, &swap).unwrap();
        let keys = |a| t.iter().find(|b| b.ctx == Context::Global && b.action == a).unwrap().keys.to_vec();
        assert_eq!(keys(Action::Down), vec![parse_key("k").unwrap()]);
        assert_eq!(keys(Action::Up), vec![parse_key("j").unwrap()]);
        // Only half the swap: k is still up's.
        let e = remap(BINDINGS, &swap[..1]).unwrap_err();
        assert_eq!((e.index, e.message.as_str()), (0, "k would be both down and up on global"));
        // x on the page's lists would hide cancelling on the Invoices tab.
        let e = remap(BINDINGS, &[o(Context::Global, Action::Down, &["Down", "x"])]).unwrap_err();
        assert!(e.message.contains("x would be cancel_selected on invoices and hide down on global"), "{}", e.message);
        let e = remap(BINDINGS, &[o(Context::Form, Action::FormSave, &["s"])]).unwrap_err();
        assert!(e.message.contains("typed into the field"), "{}", e.message);
        let e = remap(BINDINGS, &[o(Context::Customer, Action::GoTab, &["F1"])]).unwrap_err();
        assert!(e.message.contains("tab digits"), "{}", e.message);
        let e = remap(BINDINGS, &[o(Context::Global, Action::Down, &[])]).unwrap_err();
        assert!(e.message.contains("at least one key"));
        assert!(remap(BINDINGS, &[o(Context::Global, Action::Quit, &["Ctrl-Q", "F10"])]).is_ok());
    }
}
