//! The tabs of the customer page and their columns. Titles and widths live
//! in `ui`, SQL sort expressions in `store`; this is the shared vocabulary.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Invoices,
    Contracts,
    Payments,
    Contacts,
    Documents,
    Activity,
}

impl Tab {
    pub const ALL: [Tab; 6] =
        [Tab::Invoices, Tab::Contracts, Tab::Payments, Tab::Contacts, Tab::Documents, Tab::Activity];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Invoices => "Invoices",
            Tab::Contracts => "Contracts",
            Tab::Payments => "Payments",
            Tab::Contacts => "Contacts",
            Tab::Documents => "Documents",
            Tab::Activity => "Activity",
        }
    }

    /// For narrow screens: distinct three-letter forms.
    pub fn short_title(self) -> &'static str {
        match self {
            Tab::Invoices => "Inv",
            Tab::Contracts => "Ctr",
            Tab::Payments => "Pay",
            Tab::Contacts => "Cts",
            Tab::Documents => "Doc",
            Tab::Activity => "Act",
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }

    pub fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }
}

/// A column of one of the tab tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    // Invoices
    /// The checkbox column; not sortable.
    InvSelect,
    InvNumber,
    InvTotal,
    InvDate,
    InvDue,
    InvStatus,
    InvContract,
    InvPeriod,
    // Contracts
    ConName,
    ConPeriod,
    ConKind,
    ConStatus,
    ConValue,
    ConTerms,
    // Payments
    PayDate,
    PayAmount,
    PayRefunded,
    PayReference,
    PayStatus,
    PayMethod,
    PayAppliedTo,
    // Contacts
    CtName,
    CtEmail,
    CtPhone,
    CtRole,
    CtPrimary,
    // Documents
    DocName,
    DocUploaded,
    DocKind,
    DocContract,
    DocSize,
    // Activity
    ActWhen,
    ActWho,
    ActWhat,
}

impl Col {
    pub fn for_tab(tab: Tab) -> &'static [Col] {
        use Col::*;
        match tab {
            Tab::Invoices => &[InvNumber, InvTotal, InvDate, InvDue, InvStatus, InvContract, InvPeriod],
            Tab::Contracts => &[ConName, ConPeriod, ConKind, ConStatus, ConValue, ConTerms],
            Tab::Payments => &[PayDate, PayAmount, PayRefunded, PayReference, PayStatus, PayMethod, PayAppliedTo],
            Tab::Contacts => &[CtName, CtEmail, CtPhone, CtRole, CtPrimary],
            Tab::Documents => &[DocName, DocUploaded, DocKind, DocContract, DocSize],
            Tab::Activity => &[ActWhen, ActWho, ActWhat],
        }
    }
}

/// The order a table is in: a column and a direction, ties broken by id in
/// the same direction so keyset paging is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub col: Col,
    pub desc: bool,
}

impl Sort {
    pub fn default_for(tab: Tab) -> Sort {
        let (col, desc) = match tab {
            Tab::Invoices => (Col::InvDate, true),
            Tab::Contracts => (Col::ConPeriod, true),
            Tab::Payments => (Col::PayDate, true),
            Tab::Contacts => (Col::CtName, false),
            Tab::Documents => (Col::DocUploaded, true),
            Tab::Activity => (Col::ActWhen, true),
        };
        Sort { col, desc }
    }
}

/// The sort-column value of a row, for keyset paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortValue {
    Int(i64),
    Text(String),
}

/// Where a row sits in a sorted table: its sort value and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowKey {
    pub value: SortValue,
    pub id: i64,
}

/// Which rows a window starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seek {
    /// From the first row in sort order.
    First,
    /// The last rows in sort order (returned in sort order).
    Last,
    /// Rows after this key.
    After(RowKey),
    /// Rows before this key (returned in sort order).
    Before(RowKey),
    /// Rows from this key on, the key itself included.
    From(RowKey),
}
