//! The customers list: a window of rows read by keyset from the store
//! (`store::customer_list`), with search and sort on its indexes, so a
//! million customers open as fast as forty.

use super::table::DataTable;
use crate::domain::columns::{Sort, Tab};
pub use crate::domain::customer_list::CustomerCol;
use crate::domain::customer_list::{ListKey, ListView};
use crate::domain::model::CustomerListRow;
use crate::domain::tabs::{CellText, Column};
use ratatui_textarea::TextArea;
use std::sync::Arc;

/// How long a read of the list may hold a keystroke before it goes to the
/// reading thread (the screen says "Searching…" meanwhile).
pub const LIST_BUDGET: std::time::Duration = std::time::Duration::from_millis(12);

pub trait ColumnInfo {
    fn all() -> impl Iterator<Item = CustomerCol>;
    fn title(self) -> &'static str;
    fn index(self) -> usize;
}

impl ColumnInfo for CustomerCol {
    /// The sortable columns, in screen order (every column sorts).
    fn all() -> impl Iterator<Item = CustomerCol> {
        COLUMNS.iter().filter_map(|c| c.key)
    }

    fn title(self) -> &'static str {
        COLUMNS.iter().find(|c| c.key == Some(self)).map_or("", |c| c.title)
    }

    /// The column's place in `COLUMNS`.
    fn index(self) -> usize {
        COLUMNS.iter().position(|c| c.key == Some(self)).unwrap_or(0)
    }
}

/// The badges a customer row shows, in a fixed order.
pub fn badges(r: &CustomerListRow) -> String {
    let mut b = Vec::new();
    if r.invoices_paused {
        b.push("Paused");
    }
    if r.portal {
        b.push("Portal");
    }
    b.join(" ")
}

type C = Column<CustomerListRow, CustomerCol>;

/// The list's columns, described once: drawing (`ui::list`), sorting and
/// panning read them here.
pub const COLUMNS: &[C] = &[
    C::new("Name", 22, |r, _| r.name.as_str().into()).fill().key(CustomerCol::Name),
    C::new("Legal name", 26, |r, _| r.legal_name.as_str().into()).priority(3).key(CustomerCol::LegalName),
    C::new("Source", 10, |r, _| r.import_source.map_or("", |s| s.label()).into()).priority(2).key(CustomerCol::Source),
    C::new("Cur", 3, |r, _| r.currency.code().into()).priority(4).key(CustomerCol::Currency),
    C::new("Outstanding", 15, |r, _| r.outstanding.display().into()).right().key(CustomerCol::Outstanding),
    C::new("Overdue", 14, |r, _| CellText { text: r.overdue.display(), alert: r.overdue.minor > 0 })
        .right()
        .priority(1)
        .key(CustomerCol::Overdue),
    // Broken promises to pay: a person chases those first.
    C::new("Promises", 9, |r, _| CellText {
        text: if r.broken_promises > 0 { format!("{} broken", r.broken_promises) } else { String::new() },
        alert: r.broken_promises > 0,
    })
    .priority(4)
    .key(CustomerCol::Promises),
    C::new("Badges", 14, |r, _| badges(r).into()).priority(5).key(CustomerCol::Badges),
];

pub struct CustomersScreen {
    /// The rows read so far around what is shown, the scroll, and whether
    /// the count is known (`exact`; until then the total grows as rows
    /// are read).
    pub table: DataTable<CustomerListRow, ListKey>,
    pub query: String,
    /// The search field while it has focus.
    pub input: Option<TextArea<'static>>,
    pub sort: CustomerCol,
    pub desc: bool,
    /// How far the columns are panned (`view::columns`).
    pub pan: usize,
    /// For an order no index holds (`Store::list_ranked`): the matching
    /// ids in order, once the reading thread has ranked them.
    pub ranking: Option<Arc<Vec<i64>>>,
    /// Whether the order shown is such a ranking (the app asks the store).
    pub ranked: bool,
    /// How many customers there are in all, once counted.
    pub all: Option<usize>,
    /// A read too slow for the keystroke, on the reading thread.
    pub pending: Option<super::table::Fetch<ListKey>>,
    /// The view (`table.generation`) whose ranking and count were asked.
    pub asked_rank: Option<u64>,
    pub asked_count: Option<u64>,
    /// Moves (and an Enter) typed while the ranking was on its way: there
    /// are no rows to move over yet, so they wait and are made on it in
    /// order once it comes (`take_held`), as a user who typed ahead means.
    pub held: Vec<super::action::Action>,
    /// An Enter typed ahead waits for its row to be read.
    pub open_held: bool,
    /// This view's ranking failed (said on the status line): nothing
    /// waits for it.
    pub rank_failed: bool,
}

impl Default for CustomersScreen {
    fn default() -> Self {
        Self::new()
    }
}

impl CustomersScreen {
    pub fn new() -> Self {
        let mut table = DataTable::new(Sort::default_for(Tab::Invoices));
        table.reset_unknown();
        CustomersScreen {
            table,
            query: String::new(),
            input: None,
            sort: CustomerCol::Name,
            desc: false,
            pan: 0,
            ranking: None,
            ranked: false,
            all: None,
            pending: None,
            asked_rank: None,
            asked_count: None,
            held: Vec::new(),
            open_held: false,
            rank_failed: false,
        }
    }

    /// What the store reads for this list as of `today`.
    pub fn view(&self, today: chrono::NaiveDate) -> ListView {
        ListView { sort: self.sort, desc: self.desc, query: self.query.clone(), today }
    }

    pub fn selected(&self) -> Option<&CustomerListRow> {
        self.table.selected()
    }

    /// The data changed: read the shown rows again where they are, rank
    /// again, count again.
    pub fn invalidate(&mut self) {
        self.new_view();
        let total = self.table.scroll.total;
        self.table.invalidate(total);
        self.table.generation = super::table::fresh_generation();
        self.table.exact = false;
    }

    pub fn set_query(&mut self, q: &str) {
        if self.query == q {
            return;
        }
        self.query = q.to_string();
        self.new_view();
        self.table.reset_unknown();
    }

    /// Sorts by the next column, and pans so that it is on screen in a
    /// table `width` wide.
    pub fn next_sort(&mut self, width: u16) {
        let all: Vec<CustomerCol> = CustomerCol::all().collect();
        let i = all.iter().position(|c| *c == self.sort).unwrap_or(0);
        self.sort_by(all[(i + 1) % all.len()], width);
    }

    /// Sorts by `col` in its natural direction, and pans so that it is on
    /// screen in a table `width` wide.
    pub fn sort_by(&mut self, col: CustomerCol, width: u16) {
        self.sort = col;
        self.pan = crate::view::columns::reveal(COLUMNS, width, self.pan, self.sort.index());
        // Money columns read best largest first, and broken promises most first.
        self.desc = self.sort.most_first();
        self.resort();
    }

    pub fn reverse(&mut self) {
        self.desc = !self.desc;
        self.resort();
    }

    /// A new order of the same rows: back to the top, the count stays.
    fn resort(&mut self) {
        self.new_view();
        self.table.resort();
    }

    /// The rows on screen with their absolute places.
    pub fn visible(&self) -> Vec<(usize, &CustomerListRow)> {
        self.table.visible().map(|(i, k)| (i, &k.row)).collect()
    }

    /// Whether the order shown is a ranking still on its way: nothing to
    /// move over yet.
    pub fn awaiting_ranking(&self) -> bool {
        self.ranked && self.ranking.is_none() && !self.rank_failed
    }

    /// Whether `action` is one typed ahead of a ranking is kept for: a
    /// move or an Enter. Any other ends the typing ahead (`drop_held`).
    pub fn holdable(action: super::action::Action) -> bool {
        use super::action::Action::*;
        matches!(action, Down | Up | PageDown | PageUp | Home | End | Open)
    }

    /// Keeps a move or an Enter typed before the ranking came, to make
    /// once it does; false for any other action. After an Enter nothing
    /// more is kept: what follows it was meant for the customer's page.
    pub fn hold(&mut self, action: super::action::Action) -> bool {
        use super::action::Action::*;
        /// More than a held-down key sends before a slow ranking comes.
        const MOST: usize = 256;
        if !Self::holdable(action) {
            // Anything else (a search, help, a form…) ends the typing
            // ahead: an Enter held from before must not open a customer
            // behind it later.
            self.drop_held();
            return false;
        }
        if !self.awaiting_ranking() {
            return false;
        }
        if self.held.last() != Some(&Open) && self.held.len() < MOST {
            self.held.push(action);
        }
        true
    }

    /// The ranking came: makes the held moves; an Enter among them waits
    /// for its row (`open_held`).
    pub fn take_held(&mut self) {
        for action in std::mem::take(&mut self.held) {
            if action == super::action::Action::Open {
                self.open_held = true;
                break;
            }
            super::dispatch::move_scroll(&mut self.table.scroll, action);
        }
    }

    /// The held Enter's customer, once its row is read.
    pub fn held_open(&mut self) -> Option<i64> {
        if !self.open_held {
            return None;
        }
        let id = self.selected().map(|r| r.id)?;
        self.open_held = false;
        Some(id)
    }

    pub fn drop_held(&mut self) {
        self.held.clear();
        self.open_held = false;
    }

    /// A new view (order, search, data): its ranking is asked anew.
    fn new_view(&mut self) {
        self.ranking = None;
        self.pending = None;
        self.rank_failed = false;
        self.drop_held();
    }

    /// Whether rows are on their way from the reading thread (a slow read
    /// or a ranking).
    pub fn searching(&self) -> bool {
        self.pending.is_some() || self.awaiting_ranking()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::action::Action;

    /// A list sorted by a ranking still on its way, `height` rows shown.
    fn awaiting(height: usize) -> CustomersScreen {
        let mut s = CustomersScreen::new();
        s.table.scroll.height = height;
        s.ranked = true;
        s
    }

    fn rank(s: &mut CustomersScreen, n: usize) {
        let ids: Vec<i64> = (1..=n as i64).collect();
        s.table.set_exact(ids.len(), None);
        s.ranking = Some(Arc::new(ids));
        s.take_held();
    }

    #[test]
    fn moves_typed_before_the_ranking_are_made_on_it_once_it_comes() {
        let mut s = awaiting(10);
        for a in [Action::End, Action::Up, Action::Up] {
            assert!(s.hold(a), "{a:?} waits for the ranking");
        }
        assert_eq!(s.table.scroll.selected, 0, "nothing moved yet");
        rank(&mut s, 1000);
        assert_eq!(s.table.scroll.selected, 997, "End on the whole ranking, then two up");
        assert!(s.held.is_empty() && !s.open_held);
        assert!(!s.hold(Action::Down), "ranked: moves are made at once again");
    }

    #[test]
    fn an_enter_typed_ahead_waits_for_its_row_and_nothing_after_it_is_kept() {
        let mut s = awaiting(10);
        for a in [Action::Down, Action::Down, Action::Open, Action::Down, Action::End] {
            assert!(s.hold(a));
        }
        assert_eq!(s.held, [Action::Down, Action::Down, Action::Open], "keys after Enter were for the page");
        rank(&mut s, 50);
        assert_eq!(s.table.scroll.selected, 2);
        assert!(s.open_held);
        assert_eq!(s.held_open(), None, "its row is not read yet");
        assert!(s.open_held, "still waiting");
    }

    #[test]
    fn a_new_order_or_search_forgets_what_was_typed_for_the_old_one() {
        let mut s = awaiting(10);
        assert!(s.hold(Action::End) && s.hold(Action::Open));
        s.reverse();
        assert!(s.held.is_empty() && !s.open_held);
        s.ranked = true;
        assert!(s.hold(Action::PageDown));
        s.set_query("har");
        assert!(s.held.is_empty());
    }

    #[test]
    fn another_action_new_data_or_a_failed_ranking_ends_the_typing_ahead() {
        let mut s = awaiting(10);
        assert!(s.hold(Action::Down) && s.hold(Action::Open));
        assert!(!s.hold(Action::Help), "help is made at once");
        assert!(s.held.is_empty() && !s.open_held, "and the Enter before it is forgotten");
        assert!(s.hold(Action::Open));
        s.invalidate();
        assert!(s.held.is_empty(), "the data changed: a new ranking, nothing carried over");
        s.ranked = true;
        s.rank_failed = true;
        assert!(!s.awaiting_ranking() && !s.searching());
        assert!(!s.hold(Action::Down), "a failed ranking is not waited for");
        s.reverse();
        s.ranked = true;
        assert!(s.awaiting_ranking(), "a new order asks again");
    }

    #[test]
    fn a_held_down_key_is_kept_only_so_far() {
        let mut s = awaiting(10);
        for _ in 0..10_000 {
            assert!(s.hold(Action::Down));
        }
        assert_eq!(s.held.len(), 256);
        rank(&mut s, 100);
        assert_eq!(s.table.scroll.selected, 99);
    }
}
