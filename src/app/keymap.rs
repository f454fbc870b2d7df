//! Keys are data: this one table drives dispatch, the footer and the help
//! overlay, so they cannot drift apart.

use super::action::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a key is pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Anywhere, after everything else had its chance.
    Global,
    Customers,
    Customer,
    /// The help overlay.
    Help,
    /// A one-line text input (search): only these keys are taken, every
    /// other key is typed.
    Input,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), mods: KeyModifiers::NONE }
}
const fn code(code: KeyCode) -> Key {
    Key { code, mods: KeyModifiers::NONE }
}
const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
}

pub struct Binding {
    pub ctx: Context,
    pub keys: &'static [Key],
    /// How the keys are written in the footer and help.
    pub label: &'static str,
    pub action: Action,
    /// What it does, in a few words.
    pub hint: &'static str,
    /// Shown in the footer (everything is shown in help).
    pub footer: bool,
}

const fn b(
    ctx: Context,
    keys: &'static [Key],
    label: &'static str,
    action: Action,
    hint: &'static str,
    footer: bool,
) -> Binding {
    Binding { ctx, keys, label, action, hint, footer }
}

use Context::*;

pub static BINDINGS: &[Binding] = &[
    // Text input: taken before the field sees the key.
    b(Input, &[code(KeyCode::Enter)], "Enter", Action::InputAccept, "keep", true),
    b(Input, &[code(KeyCode::Esc)], "Esc", Action::InputCancel, "clear", true),
    // Help overlay.
    b(Help, &[code(KeyCode::Esc), k('q'), k('?')], "Esc", Action::Back, "close help", true),
    b(Help, &[code(KeyCode::Down), k('j')], "↓/j", Action::Down, "scroll", false),
    b(Help, &[code(KeyCode::Up), k('k')], "↑/k", Action::Up, "scroll", false),
    // Customers list.
    b(Customers, &[code(KeyCode::Enter)], "Enter", Action::Open, "open customer", true),
    b(Customers, &[k('/')], "/", Action::Search, "search", true),
    b(Customers, &[k('s')], "s", Action::SortNext, "sort by next column", true),
    b(Customers, &[k('S')], "S", Action::SortReverse, "reverse sort", false),
    // Customer page.
    b(Customer, &[code(KeyCode::Tab)], "Tab", Action::NextTab, "next tab", false),
    b(Customer, &[code(KeyCode::BackTab)], "S-Tab", Action::PrevTab, "previous tab", false),
    b(Customer, &[k('1'), k('2'), k('3'), k('4'), k('5'), k('6')], "1–6", Action::GoTab, "tab", true),
    // Movement, shared by the lists.
    b(Global, &[code(KeyCode::Down), k('j')], "↑↓/jk", Action::Down, "move", true),
    b(Global, &[code(KeyCode::Up), k('k')], "↑/k", Action::Up, "move up", false),
    b(Global, &[code(KeyCode::PageDown), ctrl('d')], "PgDn", Action::PageDown, "page down", false),
    b(Global, &[code(KeyCode::PageUp), ctrl('u')], "PgUp", Action::PageUp, "page up", false),
    b(Global, &[code(KeyCode::Home), k('g')], "Home/g", Action::Home, "first row", false),
    b(Global, &[code(KeyCode::End), k('G')], "End/G", Action::End, "last row", false),
    b(Global, &[k('?')], "?", Action::Help, "help", true),
    b(Global, &[code(KeyCode::Esc), k('q')], "q/Esc", Action::Back, "back", true),
    b(Global, &[ctrl('c')], "Ctrl-C", Action::Quit, "quit", false),
];

/// The action bound to `key` in `ctx` (not falling back to Global).
pub fn lookup(ctx: Context, key: &KeyEvent) -> Option<(Action, Option<char>)> {
    // Shift is part of the character for letters and BackTab; ignore it.
    let mods = key.modifiers - KeyModifiers::SHIFT;
    BINDINGS.iter().filter(|b| b.ctx == ctx).find_map(|b| {
        b.keys
            .iter()
            .find(|k| k.code == key.code && k.mods == mods)
            .map(|k| (b.action, if let KeyCode::Char(c) = k.code { Some(c) } else { None }))
    })
}

/// Footer hints for a screen: its own keys, then the global ones.
pub fn footer(ctx: Context) -> Vec<(&'static str, &'static str)> {
    let own = BINDINGS.iter().filter(|b| b.ctx == ctx && b.footer);
    let global = BINDINGS.iter().filter(|b| b.ctx == Global && b.footer && !matches!(ctx, Input | Help));
    own.chain(global).map(|b| (b.label, b.hint)).collect()
}

/// Every binding that works in `ctx`, for the help overlay.
pub fn help(ctx: Context) -> Vec<(&'static str, &'static str)> {
    BINDINGS.iter().filter(|b| b.ctx == ctx || b.ctx == Global).map(|b| (b.label, b.hint)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn looks_up_per_context() {
        let enter = key(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(lookup(Customers, &enter).map(|a| a.0), Some(Action::Open));
        assert_eq!(lookup(Customer, &enter), None);
        let three = key(KeyCode::Char('3'), KeyModifiers::NONE);
        assert_eq!(lookup(Customer, &three), Some((Action::GoTab, Some('3'))));
        let big_g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(Global, &big_g).map(|a| a.0), Some(Action::End));
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(Global, &ctrl_c).map(|a| a.0), Some(Action::Quit));
        assert_eq!(lookup(Global, &key(KeyCode::Char('c'), KeyModifiers::NONE)), None);
    }

    #[test]
    fn footer_comes_from_the_table() {
        let f = footer(Customers);
        assert_eq!(f[0], ("Enter", "open customer"));
        assert!(f.contains(&("?", "help")));
        assert!(!footer(Input).contains(&("?", "help")));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for a in BINDINGS {
            for b in BINDINGS {
                if std::ptr::eq(a, b) || a.ctx != b.ctx {
                    continue;
                }
                for k in a.keys {
                    assert!(!b.keys.contains(k), "{:?} bound twice in {:?}", k, a.ctx);
                }
            }
        }
    }
}
