//! The dialog stack's entries: drawn bottom to top, the top one gets keys.

use super::effect::Effect;
use super::keymap::Context;

pub use super::forms::FormDialog;
pub use super::import_report::ReportDialog;

pub enum Dialog {
    /// The keys of the contexts below and the metric definitions.
    Help {
        contexts: Vec<Context>,
        scroll: u16,
        /// Whether the mouse is on (its section says what it does).
        mouse: bool,
    },
    /// Something went wrong, or something to know. `reload` offers `r` to
    /// reload (after a conflict with another process).
    Message {
        title: String,
        text: String,
        reload: bool,
    },
    Form(Box<FormDialog>),
    /// The customer's page in its source system, shown as a hyperlink.
    Link {
        label: String,
        url: String,
    },
    /// One row of a tab, every column whole (`v`): what a narrow column
    /// cut with "…" reads in full here.
    Row {
        title: String,
        fields: Vec<(&'static str, String)>,
    },
    Confirm(Confirm),
    Menu(Menu),
    /// An import running on its own thread (`App::import`): its progress.
    Importing,
    /// An import's report: its preview asking to go on, a refusal, or
    /// what it did.
    Report(ReportDialog),
    /// A document upload, download or delete on its own thread
    /// (`App::documents`): its progress.
    Transferring,
}

/// A question whose "yes" runs something.
pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    pub on_yes: OnYes,
}

pub enum OnYes {
    Run(Effect),
    /// Close the form below without saving.
    DiscardForm,
}

/// A row's actions (the web's three-dot menu).
pub struct Menu {
    pub title: String,
    pub items: Vec<(String, MenuItem)>,
    pub selected: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuItem {
    EditContract(i64),
    InvoiceFromContract(i64),
    EndContract(i64),
    CancelContract(i64),
    DeleteContract(i64),
}
