//! What the user asked for; produced only by the keymap.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The books as of a date (`forms::as_of`).
    AsOf,
    /// A statement of account (`forms::statement`).
    Statement,
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
    SortPrev,
    SortReverse,
    /// Shift the table's columns to show those to the left or right.
    PanLeft,
    PanRight,
    /// Show the selected row with every column whole.
    ViewRow,
    /// Give the keys to the page's figures (cards and aging buckets).
    Figures,
    /// The filter bar of the current tab.
    Filter,
    /// Write the rows shown to a CSV file.
    Export,
    /// Show the customer's link in its source system and copy it.
    OpenLink,
    /// Import export files (customers list).
    Import,
    /// Create a customer by hand (customers list).
    NewCustomer,
    /// The organization's settings (customers list).
    Settings,
    NextTab,
    PrevTab,
    /// Go to the tab whose number was pressed.
    GoTab,
    InputAccept,
    InputCancel,
    // Customer page
    EditCustomer,
    NewInvoice,
    NewContract,
    // Invoices tab
    ToggleSelect,
    SelectAll,
    CancelSelected,
    // Invoice detail: a draft's fields, or an issued invoice's memo.
    EditInvoice,
    /// A draft becomes open, its number kept.
    IssueInvoice,
    /// An invoice's memo and every line, whole, in a scrolling dialog.
    ShowLines,
    /// An imported invoice's source row, decoded, in a scrolling dialog.
    ShowSourceRow,
    /// The highlighted application of a detail stops counting today.
    Unapply,
    /// Write off the selected or highlighted invoices as bad debt (the
    /// Invoices tab), or this invoice (its detail), or reverse this
    /// invoice's write-off.
    WriteOff,
    /// Issue a credit note: against this invoice (its detail), or
    /// standalone, as customer credit (the Payments tab).
    CreditNote,
    /// Close the small balance of the selected or highlighted invoices
    /// (the Invoices tab), or of this invoice (its detail).
    SmallBalance,
    /// Void the highlighted credit note or adjustment (the Payments tab).
    VoidCredit,
    // Contracts tab
    ContractMenu,
    // Payments tab
    RecordPayment,
    RefundPayment,
    /// A payment's unapplied remainder or a credit to open invoices (the
    /// tab's row, a payment's detail).
    ApplyRemainder,
    GrantCredit,
    // Contacts tab
    NewContact,
    EditContact,
    MakePrimary,
    DeleteContact,
    // Collections (issue 18)
    /// Log a call, an email or a note on the highlighted conversation or
    /// the thread shown (with its outcome, and a promise to pay).
    LogMessage,
    /// Log one on a new conversation.
    NewConversation,
    /// Resolve the conversation (by a person), or reopen a resolved one.
    ResolveConversation,
    /// Pause the collections of the selected or highlighted invoices, or
    /// of this invoice.
    PauseCollections,
    /// Resume them before the pause ends.
    ResumeCollections,
    // Documents tab
    Upload,
    Download,
    DeleteDocument,
    // Forms
    FormNext,
    FormPrev,
    FormEnter,
    FormSave,
    FormCancel,
    // Confirmations, menus, messages
    Yes,
    No,
    Pick,
    Close,
}

impl Action {
    /// Whether the action changes the database (so a read-only database
    /// refuses it up front, saying why, instead of opening a form whose
    /// save would fail). Viewing, filtering, exporting and downloading do
    /// not.
    pub const fn writes(self) -> bool {
        matches!(
            self,
            Action::EditCustomer
                | Action::NewInvoice
                | Action::NewContract
                | Action::CancelSelected
                | Action::EditInvoice
                | Action::IssueInvoice
                | Action::Unapply
                | Action::WriteOff
                | Action::CreditNote
                | Action::SmallBalance
                | Action::VoidCredit
                | Action::ContractMenu
                | Action::RecordPayment
                | Action::RefundPayment
                | Action::ApplyRemainder
                | Action::GrantCredit
                | Action::NewContact
                | Action::EditContact
                | Action::MakePrimary
                | Action::DeleteContact
                | Action::LogMessage
                | Action::NewConversation
                | Action::ResolveConversation
                | Action::PauseCollections
                | Action::ResumeCollections
                | Action::Upload
                | Action::DeleteDocument
                | Action::NewCustomer
                | Action::Import
                | Action::Settings
        )
    }
}
