//! What the user asked for; produced only by the keymap.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Back,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Open,
    Search,
    SortNext,
    SortReverse,
    NextTab,
    PrevTab,
    /// Go to the tab whose number was pressed.
    GoTab,
    InputAccept,
    InputCancel,
}
