//! Keys are data: this one table drives dispatch, the footer, the help
//! overlay and every label that names a key (`label`), so they cannot drift
//! apart: a label is rendered from the keys bound, never written beside
//! them, and remapping a key changes every place it is shown.
//!
//! `BINDINGS` is the default table; the one in force is `table()`, which a
//! user's configuration (`[keys.<screen>]`, see `config`) may have remapped
//! at start-up (`remap`, `install`): everything below reads `table()`, so a
//! remapped key shows in every label, footer and help. Screens and actions
//! have stable snake_case names for that file (`names`).
//!
//! Lookups fall from the most specific context to the least (`App::contexts`
//! gives the order), so a key bound in a tab hides the same key bound on the
//! page: `no_binding_hides_another` lists the few that do on purpose.
//!
//! Keys taken, per context (letters free on the customer page, for the
//! actions the next issues bring — credit note, as-of, statement, pause,
//! log a call, promise…: `b t y z A B C F H J K L M N Q R T U V W X Y Z`
//! and the digits past the tabs; a letter taken in one tab is free in the
//! others):
//!
//! | context | keys |
//! |---|---|
//! | Global (every list, the details) | ↑↓ j k, ← → h l, PgUp PgDn Ctrl-U Ctrl-D, Home End g G, ?, Esc q, Ctrl-C |
//! | Customers list | Enter, /, s S, n, I, O; while searched: Esc |
//! | Customer page, any tab | /, s > < S, v, f, E, e, o, i, c, Tab S-Tab, 1–6 |
//! | Figures (after `f`) | → l ↓ j Tab, ← h ↑ k S-Tab, Enter, Esc q f, ?, Ctrl-C |
//! | Invoices | Enter, Space, a, x, w, W |
//! | Contracts | m Enter |
//! | Payments | Enter, p, r, a, C, n, V |
//! | Contacts | n, Enter, P, D |
//! | Documents | u, d, D |
//! | Invoice detail | Enter, x, e, I, L, R, u, w, n, W, V, p, P |
//! | Payment detail | Enter, r, a, u |
//! | Forms, confirmations, menus, messages, help, popups | their own, below |
//! | Help, an import's report (`Scroll`, under their own) | ↑↓ j k, PgUp PgDn Ctrl-U Ctrl-D, Home End g G |
//!
//! Issue 15 (balances, details, figures that open their rows) takes `Enter`
//! on Invoices and on Payments (the row's detail), and on the two details
//! `Enter` (the highlighted application's payment or invoice), `x` (cancel
//! this invoice, as `x` on the tab), `e` (edit a draft invoice, or an
//! issued one's memo), `I` (issue a draft), `L` (its memo and every line,
//! whole) and `r` (refund this payment, as
//! `r` on the tab); `Esc`/`q` go back through `Global`. On a detail, ← → h l move
//! nothing (its lists are never wider than the screen). Its figures focus
//! (§4) takes `f` on the page and its own keys once entered (above). Left
//! for the issues after it:
//! - settling: issue 16 takes `a` on the Payments tab and on a payment's
//!   detail (apply the row's unapplied remainder or credit to open
//!   invoices), `C` on the Payments tab (grant credit; not `G`, which is
//!   the lists' "last row") and `u` on both details (unapply the
//!   highlighted application). Left for the rest of settling (write-off,
//!   credit note): on the Invoices and Payments tabs the page's free
//!   letters above, and on both details every letter but `x`, `e`, `I`,
//!   `L`, `r`, `a` and `u` (`w`, `C` are free on both), so an action
//!   offered on a tab can keep its letter on the detail. The bad-debt
//!   write-off takes `w` on the Invoices tab (the selection, or the
//!   highlighted invoice) and on the invoice detail (this invoice; on an
//!   uncollectible one, reverse its write-off); `w` stays free on the
//!   Payments tab and the payment detail. Credit notes take `n` on the
//!   invoice detail (against this invoice) and on the Payments tab
//!   (standalone; `n` is "new" there as on Contacts and the customers
//!   list), the small-balance write-off `W` beside the bad debt's `w` on
//!   the Invoices tab and the invoice detail, and voiding a credit note or
//!   an adjustment `V` on the Payments tab (`v` is the page's "row whole");
//! - statements and as-of: the page's free letters (`t`, `T`, `Y`…), none
//!   taken on the details;
//! - collections (issue 18): the Conversations tab takes digit 7, `Enter`
//!   (its thread), `L` (log a call, an email or a note, with a promise to
//!   pay), `n` (a new conversation) and `R` (resolve or reopen); the thread
//!   the same and `v` (the whole thread), `p`/`P` (pause or resume the
//!   highlighted invoice); the Invoices tab and the invoice detail `p`
//!   (pause collections) and `P` (resume them). `l` would have hidden the
//!   columns' pan key, so logging is `L`;
//! - kept rows (schema 19): the invoice detail takes `R` (the imported
//!   row, decoded on demand: its cells in order and the fields as last
//!   imported); `R` on the Conversations tab and the thread is theirs.

mod names;
mod remap;

pub use names::{action_name, parse_key};
pub use remap::{Override, RemapError, action_names, clashes, find_action, install, remap, remappable, table};

use super::action::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::borrow::Cow;

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
    Conversations,
    /// The page's figures while they have the keys (`f`).
    Figures,
    /// An invoice's detail (over the customer page).
    InvoiceDetail,
    /// A payment's detail.
    PaymentDetail,
    /// A conversation's thread.
    ConversationDetail,
    /// The help overlay.
    Help,
    /// A dialog whose text can run past its bottom (the help, an import's
    /// report): the keys that scroll it, under the dialog's own.
    Scroll,
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

/// One row of the table. `keys` borrows the defaults' constant slices and
/// owns the keys a user's configuration put in their place (`remap`).
#[derive(Debug, Clone)]
pub struct Binding {
    pub ctx: Context,
    pub keys: Cow<'static, [Key]>,
    pub action: Action,
    /// What it does, in a few words.
    pub hint: &'static str,
    /// Shown in the footer (everything is shown in help).
    pub footer: bool,
    /// Which footer keys stay when not all fit: the lowest ranks. Help
    /// (`?`) always stays.
    pub rank: u8,
}

/// The rank of a footer key unless its row says otherwise.
const RANK: u8 = 5;

const fn b(ctx: Context, keys: &'static [Key], action: Action, hint: &'static str, footer: bool) -> Binding {
    Binding { ctx, keys: Cow::Borrowed(keys), action, hint, footer, rank: RANK }
}

impl Binding {
    /// A footer key that stays before those of higher rank.
    const fn rank(mut self, rank: u8) -> Binding {
        // In place: `..self` would drop the rest of `self`, which a const
        // fn cannot (the keys are a `Cow`).
        self.rank = rank;
        self
    }
}

/// How one key is written: "Enter", "Ctrl-S", "Space", "x", "F5";
/// `parse_key` reads every name back.
fn key_name(k: &Key) -> String {
    let base = match k.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) if k.mods.contains(KeyModifiers::CONTROL) => c.to_ascii_uppercase().to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    let base = if k.mods.contains(KeyModifiers::ALT) { format!("Alt-{base}") } else { base };
    if k.mods.contains(KeyModifiers::CONTROL) { format!("Ctrl-{base}") } else { base }
}

/// How a binding's keys are written: each key's name, joined by "/"; a
/// run of consecutive digits as a range ("1–6").
pub fn keys_label(keys: &[Key]) -> String {
    let digits: Vec<u32> = keys
        .iter()
        .filter_map(|k| match k.code {
            KeyCode::Char(c) if k.mods.is_empty() => c.to_digit(10),
            _ => None,
        })
        .collect();
    let run = digits.len() == keys.len() && digits.len() > 2 && digits.windows(2).all(|w| w[1] == w[0] + 1);
    if let (true, Some(first), Some(last)) = (run, digits.first(), digits.last()) {
        return format!("{first}–{last}");
    }
    keys.iter().map(key_name).collect::<Vec<_>>().join("/")
}

use Context::*;
use KeyCode::{BackTab, Down, End as EndKey, Enter, Esc, Home as HomeKey, Left, PageDown, PageUp, Right, Tab, Up};

/// The default table. What is looked up, shown and helped with is
/// `table()`: these, or the user's remapping of them installed at start-up.
pub static BINDINGS: &[Binding] = &[
    // Search field.
    b(Input, &[code(Enter)], Action::InputAccept, "apply", true),
    b(Input, &[code(Esc)], Action::InputCancel, "cancel", true),
    // Forms.
    b(Form, &[code(Tab)], Action::FormNext, "next field", true),
    b(Form, &[code(BackTab)], Action::FormPrev, "previous field", false),
    b(Form, &[code(Enter)], Action::FormEnter, "next / save on last", false),
    b(Form, &[ctrl('s')], Action::FormSave, "save", true),
    b(Form, &[code(Esc)], Action::FormCancel, "cancel", true),
    // Confirmations and messages.
    b(Confirm, &[k('y'), code(Enter)], Action::Yes, "yes", true),
    b(Confirm, &[k('n'), code(Esc)], Action::No, "no", true),
    b(Message, &[code(Enter), code(Esc), k('q')], Action::Close, "close", true),
    b(Message, &[k('r')], Action::Yes, "reload (after a conflict)", false),
    b(Importing, &[code(Esc)], Action::Close, "cancel", true),
    b(Transfer, &[code(Esc)], Action::Close, "cancel", true),
    // Menus.
    b(Menu, &[code(Down), k('j')], Action::Down, "move", true),
    b(Menu, &[code(Up), k('k')], Action::Up, "move up", false),
    b(Menu, &[code(Enter)], Action::Pick, "choose", true),
    b(Menu, &[code(Esc), k('q')], Action::Close, "close", true),
    // Help overlay.
    b(Help, &[code(Esc), k('q'), k('?')], Action::Back, "close help", true),
    // Scrolling a dialog's text: the help, an import's report.
    b(Scroll, &[code(Down), k('j')], Action::Down, "scroll", false),
    b(Scroll, &[code(Up), k('k')], Action::Up, "scroll up", false),
    b(Scroll, &[code(PageDown), ctrl('d')], Action::PageDown, "page down", false),
    b(Scroll, &[code(PageUp), ctrl('u')], Action::PageUp, "page up", false),
    b(Scroll, &[code(HomeKey), k('g')], Action::Home, "top", false),
    b(Scroll, &[code(EndKey), k('G')], Action::End, "end", false),
    // Customers list.
    b(Searched, &[code(Esc)], Action::InputCancel, "clear search", true).rank(1),
    b(Customers, &[code(Enter)], Action::Open, "open customer", true).rank(1),
    b(Customers, &[k('/')], Action::Search, "search", true).rank(2),
    b(Customers, &[k('s')], Action::SortNext, "sort", true).rank(4),
    b(Customers, &[k('n')], Action::NewCustomer, "new customer", true).rank(3),
    b(Customers, &[k('I')], Action::Import, "import files", true).rank(3),
    b(Customers, &[k('O')], Action::Settings, "settings", true).rank(3),
    b(Customers, &[k('S')], Action::SortReverse, "reverse sort", false),
    b(Customers, &[k('t')], Action::AsOf, "as of a date", false),
    // Invoices tab.
    b(Invoices, &[k(' ')], Action::ToggleSelect, "select", true).rank(3),
    b(Invoices, &[k('a')], Action::SelectAll, "select all", true),
    b(Invoices, &[k('x')], Action::CancelSelected, "cancel selected", true).rank(3),
    b(Invoices, &[k('w')], Action::WriteOff, "write off as bad debt", true),
    b(Invoices, &[k('W')], Action::SmallBalance, "write off a small balance", true).rank(6),
    b(Invoices, &[k('p')], Action::PauseCollections, "pause collections", true).rank(6),
    b(Invoices, &[k('P')], Action::ResumeCollections, "resume collections", false),
    // After Space and x at 80 columns (by rank, then by place here); from
    // about 94 columns on the footer has room for it too.
    b(Invoices, &[code(Enter)], Action::Open, "detail", true).rank(3),
    // Contracts tab.
    b(Contracts, &[k('m'), code(Enter)], Action::ContractMenu, "actions", true).rank(2),
    // Payments tab.
    b(Payments, &[k('p')], Action::RecordPayment, "record payment", true).rank(2),
    b(Payments, &[k('r')], Action::RefundPayment, "refund", true).rank(3),
    b(Payments, &[code(Enter)], Action::Open, "detail", true).rank(3),
    // After the detail when not all fit (from about 110 columns on, both).
    b(Payments, &[k('a')], Action::ApplyRemainder, "apply to invoices", true).rank(4),
    b(Payments, &[k('C')], Action::GrantCredit, "grant credit", true),
    b(Payments, &[k('n')], Action::CreditNote, "credit note", true).rank(4),
    b(Payments, &[k('V')], Action::VoidCredit, "void credit note or adjustment", true).rank(6),
    // Contacts tab.
    b(Contacts, &[k('n')], Action::NewContact, "new contact", true).rank(2),
    b(Contacts, &[code(Enter)], Action::EditContact, "edit", true).rank(2),
    b(Contacts, &[k('P')], Action::MakePrimary, "make primary", true),
    b(Contacts, &[k('D')], Action::DeleteContact, "delete", true),
    // Conversations tab.
    b(Conversations, &[code(Enter)], Action::Open, "thread", true).rank(2),
    b(Conversations, &[k('L')], Action::LogMessage, "log a call, email or note", true).rank(2),
    b(Conversations, &[k('n')], Action::NewConversation, "new conversation", true).rank(3),
    b(Conversations, &[k('R')], Action::ResolveConversation, "resolve / reopen", true).rank(3),
    // Documents tab.
    b(Documents, &[k('u')], Action::Upload, "upload", true).rank(2),
    b(Documents, &[k('d')], Action::Download, "download", true).rank(2),
    b(Documents, &[k('D')], Action::DeleteDocument, "delete", true),
    // An invoice's detail: the cursor is on its applications.
    b(InvoiceDetail, &[code(Enter)], Action::Open, "open", true).rank(1),
    b(InvoiceDetail, &[k('x')], Action::CancelSelected, "cancel this invoice", true).rank(2),
    b(InvoiceDetail, &[k('e')], Action::EditInvoice, "edit", true).rank(2),
    b(InvoiceDetail, &[k('I')], Action::IssueInvoice, "issue draft", true).rank(3),
    b(InvoiceDetail, &[k('L')], Action::ShowLines, "every line", true).rank(3),
    b(InvoiceDetail, &[k('R')], Action::ShowSourceRow, "source row", true).rank(6),
    b(InvoiceDetail, &[k('u')], Action::Unapply, "unapply", true).rank(2),
    b(InvoiceDetail, &[k('w')], Action::WriteOff, "write off, or reverse the write-off", true),
    b(InvoiceDetail, &[k('n')], Action::CreditNote, "credit note", true).rank(3),
    b(InvoiceDetail, &[k('W')], Action::SmallBalance, "write off a small balance", true).rank(6),
    b(InvoiceDetail, &[k('V')], Action::VoidCredit, "void the credit note or adjustment", true).rank(6),
    b(InvoiceDetail, &[k('p')], Action::PauseCollections, "pause collections", true).rank(6),
    b(InvoiceDetail, &[k('P')], Action::ResumeCollections, "resume collections", false),
    // A conversation's thread: the cursor is on the invoices it concerns.
    b(ConversationDetail, &[code(Enter)], Action::Open, "open invoice", true).rank(1),
    b(ConversationDetail, &[k('L')], Action::LogMessage, "log a call, email or note", true).rank(2),
    b(ConversationDetail, &[k('R')], Action::ResolveConversation, "resolve / reopen", true).rank(2),
    b(ConversationDetail, &[k('v')], Action::ViewRow, "the whole thread", true).rank(3),
    b(ConversationDetail, &[k('p')], Action::PauseCollections, "pause the invoice", true).rank(4),
    b(ConversationDetail, &[k('P')], Action::ResumeCollections, "resume the invoice", false),
    // A payment's detail: the cursor is on the invoices it paid.
    b(PaymentDetail, &[code(Enter)], Action::Open, "open invoice", true).rank(1),
    b(PaymentDetail, &[k('r')], Action::RefundPayment, "refund", true).rank(2),
    b(PaymentDetail, &[k('u')], Action::Unapply, "unapply", true).rank(2),
    b(PaymentDetail, &[k('a')], Action::ApplyRemainder, "apply remainder", true).rank(2),
    // Customer page, any tab.
    b(Customer, &[k('/')], Action::Filter, "filter", true).rank(2),
    b(Customer, &[k('v')], Action::ViewRow, "the row whole", false),
    b(Customer, &[k('f')], Action::Figures, "figures: open the rows behind a card or bucket", false),
    // The figures, while they have the keys: the arrows move between them.
    b(Figures, &[code(Right), k('l'), code(Down), k('j'), code(Tab)], Action::Down, "next", true).rank(2),
    b(Figures, &[code(Left), k('h'), code(Up), k('k'), code(BackTab)], Action::Up, "previous", true).rank(3),
    b(Figures, &[code(Enter)], Action::Open, "open its rows", true).rank(1),
    b(Figures, &[code(Esc), k('q'), k('f')], Action::Back, "leave", true).rank(1),
    b(Figures, &[k('?')], Action::Help, "help", true),
    b(Figures, &[ctrl('c')], Action::Quit, "quit", false),
    b(Customer, &[k('s'), k('>')], Action::SortNext, "sort", true).rank(4),
    b(Customer, &[k('<')], Action::SortPrev, "sort by previous column", false),
    b(Customer, &[k('S')], Action::SortReverse, "reverse sort", false),
    b(Customer, &[k('E')], Action::Export, "export CSV", false),
    b(Customer, &[k('t')], Action::AsOf, "as of a date", true).rank(7),
    b(Customer, &[k('A')], Action::Statement, "statement of account", false),
    b(Customer, &[k('e')], Action::EditCustomer, "edit customer", true).rank(2),
    b(Customer, &[k('o')], Action::OpenLink, "link in source (copies it)", false),
    b(Customer, &[k('i')], Action::NewInvoice, "create invoice", false),
    b(Customer, &[k('c')], Action::NewContract, "create contract", false),
    b(Customer, &[code(Tab)], Action::NextTab, "next tab", false),
    b(Customer, &[code(BackTab)], Action::PrevTab, "previous tab", false),
    b(Customer, &[k('1'), k('2'), k('3'), k('4'), k('5'), k('6'), k('7')], Action::GoTab, "tab", false),
    // Movement, shared by the lists.
    b(Global, &[code(Down), k('j')], Action::Down, "move down", false),
    b(Global, &[code(Up), k('k')], Action::Up, "move up", false),
    b(Global, &[code(PageDown), ctrl('d')], Action::PageDown, "page down", false),
    b(Global, &[code(PageUp), ctrl('u')], Action::PageUp, "page up", false),
    b(Global, &[code(HomeKey), k('g')], Action::Home, "first row", false),
    b(Global, &[code(EndKey), k('G')], Action::End, "last row", false),
    b(Global, &[code(Left), k('h')], Action::PanLeft, "columns to the left", false),
    b(Global, &[code(Right), k('l')], Action::PanRight, "columns to the right", false),
    b(Global, &[k('?')], Action::Help, "help", true),
    b(Global, &[code(Esc), k('q')], Action::Back, "back", true).rank(1),
    b(Global, &[ctrl('c')], Action::Quit, "quit", false),
];

/// The action bound to `key` in the first of `contexts` that binds it, and
/// the character pressed (for the tab digits).
pub fn lookup(contexts: &[Context], key: &KeyEvent) -> Option<(Action, Option<char>)> {
    // Shift is part of the character for letters and of BackTab; ignore it.
    let mods = key.modifiers - KeyModifiers::SHIFT;
    contexts.iter().find_map(|ctx| {
        table().iter().filter(|b| b.ctx == *ctx).find_map(|b| {
            b.keys
                .iter()
                .find(|k| k.code == key.code && k.mods == mods)
                .map(|k| (b.action, if let KeyCode::Char(c) = k.code { Some(c) } else { None }))
        })
    })
}

/// A key hint: the keys as written, what they do, and the action (so a
/// hint is found by what it does, never by its text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub keys: String,
    pub hint: &'static str,
    pub action: Action,
}

fn hint(b: &Binding) -> Hint {
    Hint { keys: keys_label(&b.keys), hint: b.hint, action: b.action }
}

/// Footer hints: the footer keys of each context, most specific first.
pub fn footer(contexts: &[Context]) -> Vec<Hint> {
    footer_ranked(contexts).into_iter().map(|h| h.0).collect()
}

/// `footer` with each key's rank (lower stays longer when not all fit).
pub fn footer_ranked(contexts: &[Context]) -> Vec<(Hint, u8)> {
    contexts
        .iter()
        .flat_map(|ctx| table().iter().filter(move |b| b.ctx == *ctx && b.footer))
        .map(|b| (hint(b), b.rank))
        .collect()
}

/// How the keys for `action` in `ctx` are written, for text that tells the
/// user which key to press: from the table, so it cannot drift.
/// The key that ticks a checklist row in a form and switches a toggle or a
/// choice (in a text field it types itself). Form fields read it here, and
/// their hints name it from here.
pub const TICK: Key = k(' ');
/// The keys that step a choice in a form back and on (Space steps it on).
pub const CHOICE_BACK: Key = code(KeyCode::Left);
pub const CHOICE_ON: Key = code(KeyCode::Right);

/// The name of one key as labels show it ("Space", "Tab", "Ctrl-S").
pub fn name(key: Key) -> String {
    key_name(&key)
}

pub fn label(ctx: Context, action: Action) -> String {
    table().iter().find(|b| b.ctx == ctx && b.action == action).map_or_else(|| "?".into(), |b| keys_label(&b.keys))
}

/// Every binding of the contexts, for the help overlay.
pub fn help(contexts: &[Context]) -> Vec<Hint> {
    contexts.iter().flat_map(|ctx| table().iter().filter(move |b| b.ctx == *ctx)).map(hint).collect()
}

/// The context stacks `App::contexts` looks keys up in, most specific
/// first.
pub const STACKS: &[&[Context]] = &[
    &[Invoices, Customer, Global],
    &[Contracts, Customer, Global],
    &[Payments, Customer, Global],
    &[Contacts, Customer, Global],
    &[Documents, Customer, Global],
    &[Conversations, Customer, Global],
    &[Customer, Global],
    &[Figures],
    &[InvoiceDetail, Global],
    &[PaymentDetail, Global],
    &[ConversationDetail, Global],
    &[Searched, Customers, Global],
    &[Customers, Global],
    &[Help, Scroll],
    // An import's report: its preview, and a report that only tells.
    &[Scroll, Confirm],
    &[Scroll, Message],
];

/// Keys a more specific context takes on purpose from a less specific
/// one, and why; any other key bound twice in one stack is a binding
/// that silently never fires.
pub const MEANT: &[(Context, KeyCode, &str)] = &[(Searched, KeyCode::Esc, "Esc clears the search before it goes back")];

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
        assert_eq!(lookup(&[Invoices, Customer, Global], &enter).map(|a| a.0), Some(Action::Open));
        assert_eq!(lookup(&[Payments, Customer, Global], &enter).map(|a| a.0), Some(Action::Open));
        assert_eq!(lookup(&[Customer, Global], &enter), None, "Activity (the page's keys only): Enter opens nothing");
        assert_eq!(lookup(&[InvoiceDetail, Global], &enter).map(|a| a.0), Some(Action::Open));
        let x = key(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(lookup(&[InvoiceDetail, Global], &x).map(|a| a.0), Some(Action::CancelSelected));
        assert_eq!(lookup(&[PaymentDetail, Global], &x), None, "a payment is not cancelled");
        let esc = key(Esc, KeyModifiers::NONE);
        assert_eq!(lookup(&[PaymentDetail, Global], &esc).map(|a| a.0), Some(Action::Back));
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
    fn footer_and_labels_come_from_the_bindings() {
        let f = footer(&[Customers, Global]);
        assert_eq!((f[0].keys.as_str(), f[0].hint), ("Enter", "open customer"));
        assert!(f.iter().any(|h| h.action == Action::Help && h.keys == "?"));
        assert!(!footer(&[Input]).iter().any(|h| h.action == Action::Help));
        // Every key bound is named: Esc and q both close a message, and
        // both go back.
        assert_eq!(label(Message, Action::Close), "Enter/Esc/q");
        assert_eq!(label(Global, Action::Back), "Esc/q");
        assert_eq!(label(Customer, Action::GoTab), "1–7");
        assert_eq!(label(Form, Action::FormSave), "Ctrl-S");
        assert_eq!(label(Invoices, Action::ToggleSelect), "Space");
        assert_eq!(label(Customer, Action::NewInvoice), "i");
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
                for k in a.keys.iter() {
                    assert!(!b.keys.contains(k), "{:?} bound twice in {:?}", k, a.ctx);
                }
            }
        }
    }

    #[test]
    fn no_binding_hides_another() {
        for stack in STACKS {
            for (i, ctx) in stack.iter().enumerate() {
                for b in BINDINGS.iter().filter(|b| b.ctx == *ctx) {
                    for key in b.keys.iter() {
                        for lower in &stack[i + 1..] {
                            let hidden = BINDINGS.iter().find(|o| o.ctx == *lower && o.keys.contains(key));
                            let meant = MEANT.iter().any(|(c, k, _)| c == ctx && *k == key.code);
                            assert!(
                                hidden.is_none() || meant,
                                "{} in {ctx:?} hides {:?} in {lower:?}",
                                key_name(key),
                                hidden.map(|o| o.action)
                            );
                        }
                    }
                }
            }
        }
    }
}
