//! The names a user's configuration calls things by: screens (contexts),
//! actions and keys. Screen and action names are the enums' variants in
//! snake_case (`invoice_detail`, `cancel_selected`), so they stay as
//! stable as the code's own names; a key is written as labels show it, and
//! `parse_key` reads every label `key_name` writes.

use super::{Action, Context, Key, key_name};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

/// A `Debug` name in snake_case: `InvoiceDetail` → `invoice_detail`.
fn snake(debug: String) -> String {
    let mut out = String::with_capacity(debug.len() + 4);
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl Context {
    /// Every context, in the order the default configuration lists them.
    pub const ALL: &[Context] = &[
        Context::Global,
        Context::Customers,
        Context::Searched,
        Context::Customer,
        Context::Invoices,
        Context::Contracts,
        Context::Payments,
        Context::Contacts,
        Context::Documents,
        Context::Conversations,
        Context::Figures,
        Context::InvoiceDetail,
        Context::PaymentDetail,
        Context::ConversationDetail,
        Context::Help,
        Context::Scroll,
        Context::Input,
        Context::Form,
        Context::Confirm,
        Context::Menu,
        Context::Message,
        Context::Importing,
        Context::Transfer,
        Context::Waiting,
    ];

    /// The screen's name in a configuration file: `invoice_detail`.
    pub fn name(self) -> String {
        snake(format!("{self:?}"))
    }

    pub fn from_name(name: &str) -> Option<Context> {
        Context::ALL.iter().copied().find(|c| c.name() == name)
    }
}

/// An action's name in a configuration file: `cancel_selected`.
pub fn action_name(action: Action) -> String {
    snake(format!("{action:?}"))
}

/// Reads a key as labels write it ("j", "G", "Ctrl-D", "Enter", "F5",
/// "PgDn", "S-Tab", "↓"), and the longer spellings people type
/// ("Shift-Tab", "PageDown", "Down", "Escape", "ctrl-d").
pub fn parse_key(text: &str) -> Result<Key, String> {
    let mut rest = text.trim();
    let mut mods = KeyModifiers::NONE;
    let mut shift = false;
    // A prefix is a modifier only when something follows its dash: "C" and
    // "S" alone are letters, "-" alone is the minus key.
    while let Some((head, tail)) = rest.split_once('-').filter(|(_, t)| !t.is_empty()) {
        match head.to_ascii_lowercase().as_str() {
            "ctrl" | "control" | "c" => mods |= KeyModifiers::CONTROL,
            "alt" | "meta" | "a" | "m" => mods |= KeyModifiers::ALT,
            "shift" | "s" => shift = true,
            _ => break,
        }
        rest = tail;
    }
    let code = match rest.to_ascii_lowercase().as_str() {
        "" => return Err("an empty key name".into()),
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" if shift => {
            shift = false;
            KeyCode::BackTab
        }
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "up" | "↑" => KeyCode::Up,
        "down" | "↓" => KeyCode::Down,
        "left" | "←" => KeyCode::Left,
        "right" | "→" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" | "pgdown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) => {
            KeyCode::F(f[1..].parse().unwrap_or(1))
        }
        _ => {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => {
                    if mods.contains(KeyModifiers::CONTROL) {
                        // Labels write Ctrl-D; the terminal sends Ctrl + d.
                        KeyCode::Char(c.to_ascii_lowercase())
                    } else if shift && c.is_alphabetic() {
                        shift = false;
                        KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
                    } else {
                        KeyCode::Char(c)
                    }
                }
                _ => {
                    return Err(format!(
                        "no such key \"{text}\" (e.g. \"j\", \"G\", \"Ctrl-D\", \"Enter\", \"F5\", \"PgDn\", \"Shift-Tab\")"
                    ));
                }
            }
        }
    };
    if shift {
        return Err(format!(
            "\"{text}\": Shift goes with Tab or a letter only (write the character itself: \"G\", \"?\")"
        ));
    }
    Ok(Key { code, mods })
}

/// The key's name as labels show it (for messages about it).
pub(super) fn shown(key: &Key) -> String {
    key_name(key)
}

#[cfg(test)]
mod tests {
    use super::super::BINDINGS;
    use super::*;

    #[test]
    fn every_label_reads_back_as_its_key() {
        for b in BINDINGS {
            for k in b.keys.iter() {
                assert_eq!(parse_key(&key_name(k)).as_ref(), Ok(k), "{}", key_name(k));
            }
        }
        for k in [
            Key { code: KeyCode::F(5), mods: KeyModifiers::NONE },
            Key { code: KeyCode::Char('x'), mods: KeyModifiers::ALT },
        ] {
            assert_eq!(parse_key(&key_name(&k)), Ok(k));
        }
    }

    #[test]
    fn reads_the_spellings_people_type() {
        let key = |code, mods| Ok(Key { code, mods });
        assert_eq!(parse_key("Shift-Tab"), key(KeyCode::BackTab, KeyModifiers::NONE));
        assert_eq!(parse_key("ctrl-d"), key(KeyCode::Char('d'), KeyModifiers::CONTROL));
        assert_eq!(parse_key("PageDown"), key(KeyCode::PageDown, KeyModifiers::NONE));
        assert_eq!(parse_key("Down"), key(KeyCode::Down, KeyModifiers::NONE));
        assert_eq!(parse_key("Shift-g"), key(KeyCode::Char('G'), KeyModifiers::NONE));
        assert_eq!(parse_key("-"), key(KeyCode::Char('-'), KeyModifiers::NONE));
        assert_eq!(parse_key("S"), key(KeyCode::Char('S'), KeyModifiers::NONE));
        assert!(parse_key("Hyper-x").is_err());
        assert!(parse_key("jk").is_err());
        assert!(parse_key("Shift-1").is_err());
        assert!(parse_key("F99").is_err());
    }

    #[test]
    fn names_are_snake_case_and_read_back() {
        assert_eq!(Context::InvoiceDetail.name(), "invoice_detail");
        assert_eq!(action_name(Action::CancelSelected), "cancel_selected");
        for c in Context::ALL {
            assert_eq!(Context::from_name(&c.name()), Some(*c));
        }
    }
}
