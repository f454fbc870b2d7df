//! Keys are data: this one table drives dispatch, the footer and the help
//! overlay, so they cannot drift apart.

use super::action::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a key is pressed. Lookups fall through from the most specific
/// context to `Global` (see `App::contexts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Anywhere without a dialog, after everything else had its chance.
    Global,
    Customers,
    /// The customers list while a search is in force (its field closed).
    Searched,
    /// The customer page, whatever the tab.
    Customer,
    Invoices,
    Contracts,
    Payments,
    Contacts,
    Documents,
    /// The help overlay.
    Help,
    /// The search field: only these keys are taken, every other is typed.
    Input,
    /// A form: only these keys are taken, every other goes to the field.
    Form,
    Confirm,
    Menu,
    Message,
    /// An import's progress popup.
    Importing,
    /// A document upload's or download's progress popup.
    Transfer,
    /// A popup that only waits (a document delete): no key does anything.
    Waiting,
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
use KeyCode::{BackTab, Down, End as EndKey, Enter, Esc, Home as HomeKey, PageDown, PageUp, Tab, Up};

pub static BINDINGS: &[Binding] = &[
    // Search field.
    b(Input, &[code(Enter)], "Enter", Action::InputAccept, "apply", true),
    b(Input, &[code(Esc)], "Esc", Action::InputCancel, "cancel", true),
    // Forms.
    b(Form, &[code(Tab)], "Tab", Action::FormNext, "next field", true),
    b(Form, &[code(BackTab)], "S-Tab", Action::FormPrev, "previous field", false),
    b(Form, &[code(Enter)], "Enter", Action::FormEnter, "next / save on last", false),
    b(Form, &[ctrl('s')], "Ctrl-S", Action::FormSave, "save", true),
    b(Form, &[code(Esc)], "Esc", Action::FormCancel, "cancel", true),
    // Confirmations and messages.
    b(Confirm, &[k('y'), code(Enter)], "y/Enter", Action::Yes, "yes", true),
    b(Confirm, &[k('n'), code(Esc)], "n/Esc", Action::No, "no", true),
    b(Message, &[code(Enter), code(Esc), k('q')], "Enter/Esc", Action::Close, "close", true),
    b(Message, &[k('r')], "r", Action::Yes, "reload (after a conflict)", false),
    b(Importing, &[code(Esc)], "Esc", Action::Close, "cancel", true),
    b(Transfer, &[code(Esc)], "Esc", Action::Close, "cancel", true),
    // Menus.
    b(Menu, &[code(Down), k('j')], "↑↓", Action::Down, "move", true),
    b(Menu, &[code(Up), k('k')], "↑", Action::Up, "move up", false),
    b(Menu, &[code(Enter)], "Enter", Action::Pick, "choose", true),
    b(Menu, &[code(Esc), k('q')], "Esc", Action::Close, "close", true),
    // Help overlay.
    b(Help, &[code(Esc), k('q'), k('?')], "Esc", Action::Back, "close help", true),
    b(Help, &[code(Down), k('j')], "↓/j", Action::Down, "scroll", false),
    b(Help, &[code(Up), k('k')], "↑/k", Action::Up, "scroll", false),
    // Customers list.
    b(Searched, &[code(Esc)], "Esc", Action::InputCancel, "clear search", true),
    b(Customers, &[code(Enter)], "Enter", Action::Open, "open customer", true),
    b(Customers, &[k('/')], "/", Action::Search, "search", true),
    b(Customers, &[k('s')], "s", Action::SortNext, "sort", true),
    b(Customers, &[k('n')], "n", Action::NewCustomer, "new customer", true),
    b(Customers, &[k('I')], "I", Action::Import, "import files", true),
    b(Customers, &[k('O')], "O", Action::Settings, "settings", true),
    b(Customers, &[k('S')], "S", Action::SortReverse, "reverse sort", false),
    // Invoices tab.
    b(Invoices, &[k(' ')], "Space", Action::ToggleSelect, "select", true),
    b(Invoices, &[k('a')], "a", Action::SelectAll, "select all", true),
    b(Invoices, &[k('x')], "x", Action::CancelSelected, "cancel selected", true),
    // Contracts tab.
    b(Contracts, &[k('m'), code(Enter)], "m/Enter", Action::ContractMenu, "actions", true),
    // Payments tab.
    b(Payments, &[k('p')], "p", Action::RecordPayment, "record payment", true),
    b(Payments, &[k('r')], "r", Action::RefundPayment, "refund", true),
    // Contacts tab.
    b(Contacts, &[k('n')], "n", Action::NewContact, "new contact", true),
    b(Contacts, &[code(Enter)], "Enter", Action::EditContact, "edit", true),
    b(Contacts, &[k('P')], "P", Action::MakePrimary, "make primary", true),
    b(Contacts, &[k('D')], "D", Action::DeleteContact, "delete", true),
    // Documents tab.
    b(Documents, &[k('u')], "u", Action::Upload, "upload", true),
    b(Documents, &[k('d')], "d", Action::Download, "download", true),
    b(Documents, &[k('D')], "D", Action::DeleteDocument, "delete", true),
    // Customer page, any tab.
    b(Customer, &[k('/')], "/", Action::Filter, "filter", true),
    b(Customer, &[k('s'), k('>')], "s/>", Action::SortNext, "sort", true),
    b(Customer, &[k('<')], "<", Action::SortPrev, "sort by previous column", false),
    b(Customer, &[k('S')], "S", Action::SortReverse, "reverse sort", false),
    b(Customer, &[k('E')], "E", Action::Export, "export CSV", false),
    b(Customer, &[k('e')], "e", Action::EditCustomer, "edit customer", true),
    b(Customer, &[k('o')], "o", Action::OpenLink, "link in source (copies it)", false),
    b(Customer, &[k('i')], "i", Action::NewInvoice, "create invoice", false),
    b(Customer, &[k('c')], "c", Action::NewContract, "create contract", false),
    b(Customer, &[code(Tab)], "Tab", Action::NextTab, "next tab", false),
    b(Customer, &[code(BackTab)], "S-Tab", Action::PrevTab, "previous tab", false),
    b(Customer, &[k('1'), k('2'), k('3'), k('4'), k('5'), k('6')], "1–6", Action::GoTab, "tab", false),
    // Movement, shared by the lists.
    b(Global, &[code(Down), k('j')], "↑↓/jk", Action::Down, "move", false),
    b(Global, &[code(Up), k('k')], "↑/k", Action::Up, "move up", false),
    b(Global, &[code(PageDown), ctrl('d')], "PgDn", Action::PageDown, "page down", false),
    b(Global, &[code(PageUp), ctrl('u')], "PgUp", Action::PageUp, "page up", false),
    b(Global, &[code(HomeKey), k('g')], "Home/g", Action::Home, "first row", false),
    b(Global, &[code(EndKey), k('G')], "End/G", Action::End, "last row", false),
    b(Global, &[k('?')], "?", Action::Help, "help", true),
    b(Global, &[code(Esc), k('q')], "q", Action::Back, "back", true),
    b(Global, &[ctrl('c')], "Ctrl-C", Action::Quit, "quit", false),
];

/// The action bound to `key` in the first of `contexts` that binds it, and
/// the character pressed (for the tab digits).
pub fn lookup(contexts: &[Context], key: &KeyEvent) -> Option<(Action, Option<char>)> {
    // Shift is part of the character for letters and of BackTab; ignore it.
    let mods = key.modifiers - KeyModifiers::SHIFT;
    contexts.iter().find_map(|ctx| {
        BINDINGS.iter().filter(|b| b.ctx == *ctx).find_map(|b| {
            b.keys
                .iter()
                .find(|k| k.code == key.code && k.mods == mods)
                .map(|k| (b.action, if let KeyCode::Char(c) = k.code { Some(c) } else { None }))
        })
    })
}

/// Footer hints: the footer keys of each context, most specific first.
pub fn footer(contexts: &[Context]) -> Vec<(&'static str, &'static str)> {
    contexts
        .iter()
        .flat_map(|ctx| BINDINGS.iter().filter(move |b| b.ctx == *ctx && b.footer))
        .map(|b| (b.label, b.hint))
        .collect()
}

/// How the key for `action` in `ctx` is written, for text that tells the
/// user which key to press: from the table, so it cannot drift.
pub fn label(ctx: Context, action: Action) -> &'static str {
    BINDINGS.iter().find(|b| b.ctx == ctx && b.action == action).map_or("?", |b| b.label)
}

/// Every binding of the contexts, for the help overlay.
pub fn help(contexts: &[Context]) -> Vec<(&'static str, &'static str)> {
    contexts.iter().flat_map(|ctx| BINDINGS.iter().filter(move |b| b.ctx == *ctx)).map(|b| (b.label, b.hint)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn looks_up_from_specific_to_global() {
        let enter = key(Enter, KeyModifiers::NONE);
        assert_eq!(lookup(&[Customers, Global], &enter).map(|a| a.0), Some(Action::Open));
        assert_eq!(lookup(&[Invoices, Customer, Global], &enter), None);
        assert_eq!(lookup(&[Contracts, Customer, Global], &enter).map(|a| a.0), Some(Action::ContractMenu));
        let three = key(KeyCode::Char('3'), KeyModifiers::NONE);
        assert_eq!(lookup(&[Invoices, Customer, Global], &three), Some((Action::GoTab, Some('3'))));
        let big_d = key(KeyCode::Char('D'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&[Documents, Customer, Global], &big_d).map(|a| a.0), Some(Action::DeleteDocument));
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&[Global], &ctrl_c).map(|a| a.0), Some(Action::Quit));
        assert_eq!(lookup(&[Form], &key(KeyCode::Char('q'), KeyModifiers::NONE)), None, "q is typed in forms");
    }

    #[test]
    fn footer_comes_from_the_table() {
        let f = footer(&[Customers, Global]);
        assert_eq!(f[0], ("Enter", "open customer"));
        assert!(f.contains(&("?", "help")));
        assert!(!footer(&[Input]).contains(&("?", "help")));
    }

    #[test]
    fn esc_clears_a_search_before_it_goes_back() {
        let esc = key(Esc, KeyModifiers::NONE);
        assert_eq!(lookup(&[Searched, Customers, Global], &esc).map(|a| a.0), Some(Action::InputCancel));
        assert_eq!(lookup(&[Customers, Global], &esc).map(|a| a.0), Some(Action::Back));
        assert_eq!(label(Searched, Action::InputCancel), "Esc");
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
