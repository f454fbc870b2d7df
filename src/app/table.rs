//! One table component for every tab: absolute selection and scroll offset,
//! and a window of rows read by keyset from the store. The component never
//! holds a connection; it says which rows it needs (`need`) and the app
//! fetches them (`fill`). What does not depend on the rows' type — sort,
//! filter, scroll, counts — is `TableState`, which code for every tab sees
//! alike (`app::tabs`).

use crate::domain::columns::{RowKey, Seek, Sort, TableKey};
use crate::domain::filter::Filter;
use crate::store::window::{Keyed, View};

/// Selection and scrolling over `total` rows, `height` of them visible.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    pub selected: usize,
    pub offset: usize,
    pub height: usize,
    pub total: usize,
}

impl Scroll {
    pub fn move_by(&mut self, delta: isize) {
        if self.total == 0 {
            return;
        }
        let last = self.total - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.follow();
    }

    pub fn page(&mut self, down: bool) {
        let step = self.height.max(1) as isize;
        // Paging moves the view and the selection together.
        let max_offset = self.total.saturating_sub(self.height) as isize;
        let delta = if down { step } else { -step };
        self.offset = (self.offset as isize + delta).clamp(0, max_offset.max(0)) as usize;
        self.move_by(delta);
    }

    pub fn home(&mut self) {
        self.selected = 0;
        self.offset = 0;
    }

    pub fn end(&mut self) {
        self.selected = self.total.saturating_sub(1);
        self.offset = self.total.saturating_sub(self.height);
    }

    pub fn set_height(&mut self, height: usize) {
        self.height = height;
        self.follow();
    }

    pub fn set_total(&mut self, total: usize) {
        self.total = total;
        self.selected = self.selected.min(total.saturating_sub(1));
        self.follow();
    }

    /// Keeps the selected row on screen and the screen full when it can be.
    fn follow(&mut self) {
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.height > 0 && self.selected >= self.offset + self.height {
            self.offset = self.selected + 1 - self.height;
        }
        let max_offset = self.total.saturating_sub(self.height.max(1));
        self.offset = self.offset.min(max_offset);
    }

    /// The visible absolute range.
    pub fn visible(&self) -> std::ops::Range<usize> {
        self.offset..(self.offset + self.height).min(self.total)
    }
}

/// A request for rows, answered with `DataTable::fill`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch<K = RowKey> {
    pub seek: Seek<K>,
    pub limit: usize,
    place: Place,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    At(usize),
    AtEnd,
    Append,
    Prepend,
}

/// What every tab's table has, whatever its rows.
#[derive(Debug, Clone)]
pub struct TableState {
    pub sort: Sort,
    pub filter: Filter,
    /// Whether `scroll.total` is the exact number of rows (a new filter's
    /// count arrives from the worker; until then the total grows as rows
    /// are read).
    pub exact: bool,
    /// The status line's sums of the view per currency, when known.
    pub sum: Option<crate::domain::tabs::ViewSums>,
    /// A new number for every new view (`fresh_generation`); a count for
    /// an older one is ignored.
    pub generation: u64,
    /// A read that was too slow for the keystroke and went to the worker.
    pub pending: Option<Fetch>,
    pub scroll: Scroll,
    /// How far the columns are panned (`view::columns`): kept per tab, and
    /// across a resort or a new filter.
    pub pan: usize,
}

/// A number no view of any table has had in this process. Views are told
/// apart by these alone, and a page opened again starts new tables: were
/// they numbered from 0 again, an answer still on its way for the page
/// left (a read stopped as that page closed: "interrupted") would pass
/// for the new page's own.
pub fn fresh_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl TableState {
    /// What the store needs to read this table.
    pub fn view(&self, today: chrono::NaiveDate) -> View {
        View { sort: self.sort, filter: self.filter.clone(), today }
    }

    /// The exact count (and sum) of the view arrived.
    pub fn set_exact(&mut self, total: usize, sum: Option<crate::domain::tabs::ViewSums>) {
        self.exact = true;
        self.sum = sum;
        self.scroll.set_total(total);
    }
}

/// A table: its state and the window of rows it has read.
#[derive(Debug, Clone)]
pub struct DataTable<R, K = RowKey> {
    state: TableState,
    rows: Vec<Keyed<R, K>>,
    /// Absolute index of `rows[0]`.
    start: usize,
    /// After a reload: the key of the first visible row, to read from.
    anchor: Option<K>,
    /// After a reload: the selected row, to select again where it now is.
    keep: Option<i64>,
}

/// A table is its state plus its rows: `t.scroll` reads the state.
impl<R, K> std::ops::Deref for DataTable<R, K> {
    type Target = TableState;
    fn deref(&self) -> &TableState {
        &self.state
    }
}

impl<R, K> std::ops::DerefMut for DataTable<R, K> {
    fn deref_mut(&mut self) -> &mut TableState {
        &mut self.state
    }
}

impl<R, K: TableKey> DataTable<R, K> {
    pub fn new(sort: Sort) -> Self {
        let state = TableState {
            sort,
            filter: Filter::default(),
            exact: true,
            sum: None,
            generation: fresh_generation(),
            pending: None,
            scroll: Scroll::default(),
            pan: 0,
        };
        DataTable { state, rows: Vec::new(), start: 0, anchor: None, keep: None }
    }

    /// Extra rows read beyond the screen, so small moves need no query.
    fn margin(&self) -> usize {
        self.state.scroll.height.max(16)
    }

    /// The visible rows that are loaded, with their absolute indices.
    pub fn visible(&self) -> impl Iterator<Item = (usize, &Keyed<R, K>)> {
        let range = self.state.scroll.visible();
        let start = self.start;
        self.rows.iter().enumerate().map(move |(i, r)| (start + i, r)).filter(move |(i, _)| range.contains(i))
    }

    pub fn selected(&self) -> Option<&R> {
        self.row_at(self.state.scroll.selected).map(|k| &k.row)
    }

    fn row_at(&self, abs: usize) -> Option<&Keyed<R, K>> {
        abs.checked_sub(self.start).and_then(|i| self.rows.get(i))
    }

    /// Forget the loaded rows but remember where the view was, so the next
    /// read starts from the same row (data changed, or the sort did).
    pub fn invalidate(&mut self, total: usize) {
        self.anchor = self.row_at(self.state.scroll.offset).map(|k| k.key.clone());
        self.keep = self.row_at(self.state.scroll.selected).map(|k| k.key.id());
        self.rows.clear();
        self.state.pending = None;
        self.state.scroll.set_total(total);
    }

    /// Forget everything and go back to the top (a new sort or filter).
    pub fn reset(&mut self, total: usize) {
        self.rows.clear();
        self.anchor = None;
        self.keep = None;
        self.state.pending = None;
        self.state.exact = true;
        self.state.scroll = Scroll { height: self.state.scroll.height, total, ..Scroll::default() };
    }

    /// A new order: back to the top; the count and sums stay.
    pub fn resort(&mut self) {
        self.rows.clear();
        self.anchor = None;
        self.state.pending = None;
        self.state.generation = fresh_generation();
        self.state.scroll.home();
    }

    /// Back to the top of a view whose size is not known yet: the first
    /// read tells whether it fits on a screen; the count comes later.
    pub fn reset_unknown(&mut self) {
        let guess = self.state.scroll.height + self.margin();
        self.reset(guess);
        self.state.exact = false;
        self.state.sum = None;
        self.state.generation = fresh_generation();
    }

    /// What must be read to show the visible range; `None` when loaded.
    pub fn need(&self) -> Option<Fetch<K>> {
        if self.state.pending.is_some() {
            return None;
        }
        let want = self.state.scroll.visible();
        if want.is_empty() {
            return None;
        }
        let have = self.start..self.start + self.rows.len();
        if !self.rows.is_empty() && have.start <= want.start && want.end <= have.end {
            return None;
        }
        let margin = self.margin();
        let span = want.len() + margin;
        let total = self.state.scroll.total;
        let (Some(first), Some(last)) = (self.rows.first(), self.rows.last()) else {
            return Some(match &self.anchor {
                Some(a) if want.start > 0 => {
                    Fetch { seek: Seek::From(a.clone()), limit: span, place: Place::At(want.start) }
                }
                _ if want.start == 0 => Fetch { seek: Seek::First, limit: span, place: Place::At(0) },
                _ if want.end == total => Fetch { seek: Seek::Last, limit: span, place: Place::AtEnd },
                _ => Fetch { seek: Seek::First, limit: span, place: Place::At(0) },
            });
        };
        Some(if want.end > have.end {
            if want.start > have.end + margin && want.end == total {
                Fetch { seek: Seek::Last, limit: span, place: Place::AtEnd }
            } else {
                Fetch { seek: Seek::After(last.key.clone()), limit: want.end - have.end + margin, place: Place::Append }
            }
        } else if want.end + margin < have.start && want.start == 0 {
            Fetch { seek: Seek::First, limit: span, place: Place::At(0) }
        } else {
            Fetch {
                seek: Seek::Before(first.key.clone()),
                limit: have.start - want.start + margin,
                place: Place::Prepend,
            }
        })
    }

    /// Takes the rows a `Fetch` asked for.
    pub fn fill(&mut self, fetch: Fetch<K>, mut rows: Vec<Keyed<R, K>>) {
        let short = rows.len() < fetch.limit;
        match fetch.place {
            Place::At(s) => {
                self.rows = rows;
                self.start = s;
                if short && matches!(fetch.seek, Seek::From(_)) {
                    // Rows vanished after the remembered one: what came back
                    // is the end of the table.
                    self.start = self.state.scroll.total.saturating_sub(self.rows.len());
                } else if short {
                    // The data ends here: fewer rows exist than we believed.
                    self.set_total_from_data(s + self.rows.len());
                }
            }
            Place::AtEnd => {
                if short {
                    self.start = 0;
                    self.rows = rows;
                    self.set_total_from_data(self.rows.len());
                } else {
                    self.start = self.state.scroll.total - rows.len();
                    self.rows = rows;
                }
            }
            Place::Append => {
                self.rows.append(&mut rows);
                if short {
                    self.set_total_from_data(self.start + self.rows.len());
                }
            }
            Place::Prepend => {
                let n = rows.len();
                if short && self.start != n {
                    // Everything before the first loaded row is here, so it
                    // starts at 0: shift our absolute positions to match.
                    let shift = self.start as isize - n as isize;
                    self.state.scroll.selected = self.state.scroll.selected.saturating_add_signed(-shift);
                    self.state.scroll.offset = self.state.scroll.offset.saturating_add_signed(-shift);
                    self.start = n;
                }
                rows.append(&mut self.rows);
                self.rows = rows;
                self.start -= n;
            }
        }
        self.anchor = None;
        if !short {
            self.extend_unknown();
        }
        if let Some(id) = self.keep.take()
            && let Some(i) = self.rows.iter().position(|r| r.key.id() == id)
        {
            self.state.scroll.selected = self.start + i;
            self.state.scroll.move_by(0);
        }
        self.trim();
    }

    fn set_total_from_data(&mut self, total: usize) {
        if total < self.state.scroll.total || self.rows.is_empty() || !self.state.exact {
            self.state.scroll.set_total(total);
            self.state.exact = true;
        }
    }

    /// While the count is unknown there is always one more row to move to
    /// after the last one read, until a read comes back short.
    fn extend_unknown(&mut self) {
        if !self.state.exact {
            let seen = self.start + self.rows.len();
            if seen >= self.state.scroll.total {
                self.state.scroll.total = seen + 1;
            }
        }
    }

    /// Keeps the window to a few screens around the visible rows.
    fn trim(&mut self) {
        let keep = 3 * (self.state.scroll.height + self.margin());
        if self.rows.len() <= keep {
            return;
        }
        let want = self.state.scroll.visible();
        let lo = want.start.saturating_sub(self.margin()).max(self.start);
        let drop_front = lo - self.start;
        self.rows.drain(..drop_front.min(self.rows.len()));
        self.start += drop_front;
        self.rows.truncate(keep);
    }

    /// How many rows are loaded (for tests and the benchmark).
    pub fn loaded(&self) -> usize {
        self.rows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::columns::{Col, SortValue};

    /// A fake store: rows 0..n sorted by value = id.
    fn serve(n: i64, f: &Fetch) -> Vec<Keyed<i64>> {
        let all: Vec<i64> = (0..n).collect();
        let pick: Vec<i64> = match &f.seek {
            Seek::First => all.iter().copied().take(f.limit).collect(),
            Seek::Last => all.iter().rev().copied().take(f.limit).collect::<Vec<_>>().into_iter().rev().collect(),
            Seek::After(k) => all.iter().copied().filter(|i| *i > k.id).take(f.limit).collect(),
            Seek::From(k) => all.iter().copied().filter(|i| *i >= k.id).take(f.limit).collect(),
            Seek::Before(k) => {
                let v: Vec<i64> = all.iter().rev().copied().filter(|i| *i < k.id).take(f.limit).collect();
                v.into_iter().rev().collect()
            }
        };
        pick.into_iter().map(|i| Keyed { key: RowKey { value: SortValue::Int(i), id: i }, row: i }).collect()
    }

    fn settle(t: &mut DataTable<i64>, n: i64) -> usize {
        let mut queries = 0;
        while let Some(f) = t.need() {
            let rows = serve(n, &f);
            t.fill(f, rows);
            queries += 1;
            assert!(queries < 5, "no progress");
        }
        queries
    }

    fn table(n: usize, height: usize) -> DataTable<i64> {
        let mut t = DataTable::new(Sort { col: Col::InvDate, desc: false });
        t.scroll.set_height(height);
        t.scroll.set_total(n);
        t
    }

    fn shown(t: &DataTable<i64>) -> Vec<i64> {
        t.visible().map(|(_, k)| k.row).collect()
    }

    #[test]
    fn walks_a_million_rows_by_keyset() {
        let n = 1_000_000;
        let mut t = table(n, 10);
        settle(&mut t, n as i64);
        assert_eq!(shown(&t), (0..10).collect::<Vec<_>>());
        t.scroll.end();
        assert_eq!(settle(&mut t, n as i64), 1);
        assert_eq!(shown(&t), (999_990..1_000_000).collect::<Vec<_>>());
        assert_eq!(t.selected(), Some(&999_999));
        t.scroll.page(false);
        settle(&mut t, n as i64);
        assert_eq!(t.selected(), Some(&999_989));
        for _ in 0..50 {
            t.scroll.move_by(-1);
            settle(&mut t, n as i64);
        }
        assert_eq!(t.selected(), Some(&999_939));
        assert_eq!(shown(&t).first(), Some(&999_939));
        assert!(t.loaded() <= 3 * (10 + 16));
        t.scroll.home();
        settle(&mut t, n as i64);
        assert_eq!(shown(&t), (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn scrolling_down_row_by_row_reads_rarely() {
        let mut t = table(1000, 10);
        settle(&mut t, 1000);
        let mut queries = 0;
        for _ in 0..200 {
            t.scroll.move_by(1);
            queries += settle(&mut t, 1000);
            assert_eq!(t.selected(), Some(&(t.scroll.selected as i64)));
        }
        assert!(queries <= 200 / 16 + 1, "{queries} queries");
    }

    #[test]
    fn shrinking_data_under_the_selection_is_survived() {
        let mut t = table(100, 10);
        settle(&mut t, 100);
        t.scroll.end();
        settle(&mut t, 100);
        // Forty rows vanish elsewhere; the summary says 60 now.
        t.invalidate(60);
        settle(&mut t, 60);
        assert_eq!(t.scroll.selected, 59);
        assert_eq!(t.selected(), Some(&59));
        // The count did not know yet: the reads still land on the last row.
        t.invalidate(60);
        settle(&mut t, 30);
        assert_eq!(t.selected(), Some(&29));
    }

    #[test]
    fn empty_table_needs_nothing() {
        let t = table(0, 10);
        assert_eq!(t.need(), None);
        assert_eq!(t.selected(), None);
    }

    #[test]
    fn paging_keeps_selection_on_screen() {
        let mut s = Scroll { height: 5, total: 12, ..Scroll::default() };
        s.page(true);
        assert_eq!((s.selected, s.offset), (5, 5));
        s.page(true);
        assert_eq!((s.selected, s.offset), (10, 7));
        s.page(true);
        assert_eq!((s.selected, s.offset), (11, 7));
        s.set_height(3);
        assert!(s.visible().contains(&s.selected));
    }
}
