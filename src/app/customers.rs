//! The customers list: every customer in memory (thousands at most), with
//! incremental search and sort.

use super::table::Scroll;
use crate::domain::model::CustomerListRow;
use crate::domain::status::ImportSource;
use crate::domain::tabs::{CellText, Column};
use ratatui_textarea::TextArea;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerCol {
    Name,
    LegalName,
    Source,
    Currency,
    Outstanding,
    Overdue,
    Promises,
    Badges,
}

impl CustomerCol {
    /// The sortable columns, in screen order (every column sorts).
    pub fn all() -> impl Iterator<Item = CustomerCol> {
        COLUMNS.iter().filter_map(|c| c.key)
    }

    pub fn title(self) -> &'static str {
        COLUMNS.iter().find(|c| c.key == Some(self)).map_or("", |c| c.title)
    }

    /// The column's place in `COLUMNS`.
    pub fn index(self) -> usize {
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
    pub all: Vec<CustomerListRow>,
    /// Indices into `all`, filtered and sorted.
    pub shown: Vec<usize>,
    pub query: String,
    /// The search field while it has focus.
    pub input: Option<TextArea<'static>>,
    pub sort: CustomerCol,
    pub desc: bool,
    pub scroll: Scroll,
    /// How far the columns are panned (`view::columns`).
    pub pan: usize,
}

impl CustomersScreen {
    pub fn new(all: Vec<CustomerListRow>) -> Self {
        let mut s = CustomersScreen {
            all,
            shown: Vec::new(),
            query: String::new(),
            input: None,
            sort: CustomerCol::Name,
            desc: false,
            scroll: Scroll::default(),
            pan: 0,
        };
        s.refresh();
        s
    }

    /// Replaces the rows (after a reload), keeping the selected customer.
    pub fn set_rows(&mut self, all: Vec<CustomerListRow>) {
        let keep = self.selected().map(|r| r.id);
        self.all = all;
        self.refresh();
        if let Some(pos) = keep.and_then(|id| self.shown.iter().position(|&i| self.all[i].id == id)) {
            self.scroll.selected = pos;
            self.scroll.set_total(self.shown.len());
        }
    }

    pub fn selected(&self) -> Option<&CustomerListRow> {
        self.shown.get(self.scroll.selected).map(|&i| &self.all[i])
    }

    pub fn set_query(&mut self, q: &str) {
        self.query = q.to_string();
        self.scroll.selected = 0;
        self.refresh();
    }

    /// Sorts by the next column, and pans so that it is on screen in a
    /// table `width` wide.
    pub fn next_sort(&mut self, width: u16) {
        let all: Vec<CustomerCol> = CustomerCol::all().collect();
        let i = all.iter().position(|c| *c == self.sort).unwrap_or(0);
        self.sort = all[(i + 1) % all.len()];
        self.pan = crate::view::columns::reveal(COLUMNS, width, self.pan, self.sort.index());
        // Money columns read best largest first, and broken promises most first.
        self.desc = matches!(self.sort, CustomerCol::Outstanding | CustomerCol::Overdue | CustomerCol::Promises);
        self.refresh();
    }

    pub fn reverse(&mut self) {
        self.desc = !self.desc;
        self.refresh();
    }

    /// Filters by the query (every word must appear in the name, legal name,
    /// source, its id there, billing email or currency, ignoring case) and
    /// sorts on typed values.
    pub fn refresh(&mut self) {
        let words: Vec<String> = self.query.split_whitespace().map(str::to_lowercase).collect();
        let mut shown: Vec<usize> = (0..self.all.len())
            .filter(|&i| {
                let r = &self.all[i];
                let hay = format!(
                    "{} {} {} {} {} {}",
                    r.name,
                    r.legal_name,
                    r.import_source.map_or("", ImportSource::label),
                    r.external_id.as_deref().unwrap_or(""),
                    r.billing_email,
                    r.currency
                )
                .to_lowercase();
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect();
        let all = &self.all;
        shown.sort_by(|&a, &b| {
            let (x, y) = (&all[a], &all[b]);
            let ord = match self.sort {
                CustomerCol::Name => x.name.to_lowercase().cmp(&y.name.to_lowercase()),
                CustomerCol::LegalName => x.legal_name.to_lowercase().cmp(&y.legal_name.to_lowercase()),
                CustomerCol::Badges => badges(x).cmp(&badges(y)),
                CustomerCol::Source => {
                    x.import_source.map(ImportSource::label).cmp(&y.import_source.map(ImportSource::label))
                }
                CustomerCol::Currency => x.currency.cmp(&y.currency),
                // Across currencies minor units are not comparable; group by
                // currency first so the order is honest.
                CustomerCol::Outstanding => (x.currency, x.outstanding.minor).cmp(&(y.currency, y.outstanding.minor)),
                CustomerCol::Overdue => (x.currency, x.overdue.minor).cmp(&(y.currency, y.overdue.minor)),
                CustomerCol::Promises => x.broken_promises.cmp(&y.broken_promises),
            };
            let ord = if self.desc { ord.reverse() } else { ord };
            // Ties read in name order (then id, for names alike), whatever
            // the direction: a person scans them by name.
            ord.then_with(|| x.name.to_lowercase().cmp(&y.name.to_lowercase())).then(x.id.cmp(&y.id))
        });
        self.shown = shown;
        self.scroll.set_total(self.shown.len());
    }
}
