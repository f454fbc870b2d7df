//! The tabs of the customer page and the keys of their columns: the
//! vocabulary every layer shares. What each column shows, sorts and filters
//! by and exports is described once per tab in `domain::tabs`; the SQL a key
//! stands for is in `store::tabs`.

/// A tab of the customer page. The order is the tab bar's (`ALL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Invoices,
    Contracts,
    Payments,
    Contacts,
    Documents,
    Activity,
    Conversations,
}

/// The registry of tabs: each tab and the type of its rows, the one place
/// that turns a `Tab` into that type. `$body` is compiled once per tab with
/// `$R` naming the tab's row type, so each layer calls its own generic code
/// with its own bounds (`domain::tabs::Tabular` here, `store::window::TabRow`
/// in the store and the app) — which a trait object could not offer below
/// the layer that defines it. A new tab is one line here (and its variant
/// above and in `ALL`).
#[macro_export]
macro_rules! per_tab {
    ($tab:expr, |$R:ident| $body:expr) => {
        match $tab {
            $crate::domain::columns::Tab::Invoices => {
                type $R = $crate::domain::model::InvoiceRow;
                $body
            }
            $crate::domain::columns::Tab::Contracts => {
                type $R = $crate::domain::model::ContractRow;
                $body
            }
            $crate::domain::columns::Tab::Payments => {
                type $R = $crate::domain::model::PaymentRow;
                $body
            }
            $crate::domain::columns::Tab::Contacts => {
                type $R = $crate::domain::model::ContactRow;
                $body
            }
            $crate::domain::columns::Tab::Documents => {
                type $R = $crate::domain::model::DocumentRow;
                $body
            }
            $crate::domain::columns::Tab::Activity => {
                type $R = $crate::domain::model::ActivityRow;
                $body
            }
            $crate::domain::columns::Tab::Conversations => {
                type $R = $crate::domain::collections::ConversationRow;
                $body
            }
        }
    };
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Invoices,
        Tab::Contracts,
        Tab::Payments,
        Tab::Contacts,
        Tab::Documents,
        Tab::Activity,
        Tab::Conversations,
    ];
    pub const COUNT: usize = Tab::ALL.len();

    pub fn title(self) -> &'static str {
        crate::per_tab!(self, |R| <R as super::tabs::Tabular>::TITLE)
    }

    /// For narrow screens: distinct three-letter forms.
    pub fn short_title(self) -> &'static str {
        crate::per_tab!(self, |R| <R as super::tabs::Tabular>::SHORT_TITLE)
    }

    /// The tab's place in `ALL` (the variants are declared in that order).
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::COUNT]
    }

    pub fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::COUNT - 1) % Tab::COUNT]
    }
}

/// One value per tab, indexed by the tab: what every tab has, held once
/// each, so code that handles all tabs alike loops instead of matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerTab<T>([T; Tab::COUNT]);

impl<T> PerTab<T> {
    pub fn new(f: impl FnMut(Tab) -> T) -> Self {
        PerTab(Tab::ALL.map(f))
    }

    /// Each tab with its value, in `Tab::ALL` order.
    pub fn iter(&self) -> impl Iterator<Item = (Tab, &T)> {
        Tab::ALL.into_iter().zip(self.0.iter())
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (Tab, &mut T)> {
        Tab::ALL.into_iter().zip(self.0.iter_mut())
    }
}

impl<T> std::ops::Index<Tab> for PerTab<T> {
    type Output = T;
    fn index(&self, tab: Tab) -> &T {
        &self.0[tab.index()]
    }
}

impl<T> std::ops::IndexMut<Tab> for PerTab<T> {
    fn index_mut(&mut self, tab: Tab) -> &mut T {
        &mut self.0[tab.index()]
    }
}

/// A column of one of the tab tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    // Invoices
    InvNumber,
    InvTotal,
    InvBalance,
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
    PayKind,
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
    // Conversations
    CvSubject,
    CvChannel,
    CvOpened,
    CvLast,
    CvStatus,
    CvResolvedBy,
    CvInvoices,
    CvPromise,
    CvLatest,
}

impl Col {
    /// The columns a tab sorts by, in its order: the described columns
    /// that have a key (`domain::tabs::Column::key`).
    pub fn for_tab(tab: Tab) -> &'static [Col] {
        static KEYS: std::sync::LazyLock<PerTab<Vec<Col>>> =
            std::sync::LazyLock::new(|| PerTab::new(super::tabs::keys));
        &KEYS[tab]
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
        crate::per_tab!(tab, |R| <R as super::tabs::Tabular>::DEFAULT_SORT)
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

/// A row's place in a keyed table's order: what a window seeks from. The
/// table needs only its id (to find the row it kept selected).
pub trait TableKey: Clone + std::fmt::Debug + PartialEq {
    fn id(&self) -> i64;
}

impl TableKey for RowKey {
    fn id(&self) -> i64 {
        self.id
    }
}

/// Which rows a window starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seek<K = RowKey> {
    /// From the first row in sort order.
    First,
    /// The last rows in sort order (returned in sort order).
    Last,
    /// Rows after this key.
    After(K),
    /// Rows before this key (returned in sort order).
    Before(K),
    /// Rows from this key on, the key itself included.
    From(K),
}
