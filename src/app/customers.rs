//! The customers list: every customer in memory (thousands at most), with
//! incremental search and sort.

use super::table::Scroll;
use crate::domain::model::CustomerListRow;
use crate::domain::status::ImportSource;
use ratatui_textarea::TextArea;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerCol {
    Name,
    Source,
    Currency,
    Outstanding,
    Overdue,
}

impl CustomerCol {
    pub const ALL: [CustomerCol; 5] =
        [CustomerCol::Name, CustomerCol::Source, CustomerCol::Currency, CustomerCol::Outstanding, CustomerCol::Overdue];

    pub fn title(self) -> &'static str {
        match self {
            CustomerCol::Name => "Name",
            CustomerCol::Source => "Source",
            CustomerCol::Currency => "Cur",
            CustomerCol::Outstanding => "Outstanding",
            CustomerCol::Overdue => "Overdue",
        }
    }
}

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

    pub fn next_sort(&mut self) {
        let i = CustomerCol::ALL.iter().position(|c| *c == self.sort).unwrap_or(0);
        self.sort = CustomerCol::ALL[(i + 1) % CustomerCol::ALL.len()];
        // Money columns read best largest first.
        self.desc = matches!(self.sort, CustomerCol::Outstanding | CustomerCol::Overdue);
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
                CustomerCol::Source => {
                    x.import_source.map(ImportSource::label).cmp(&y.import_source.map(ImportSource::label))
                }
                CustomerCol::Currency => x.currency.cmp(&y.currency),
                // Across currencies minor units are not comparable; group by
                // currency first so the order is honest.
                CustomerCol::Outstanding => (x.currency, x.outstanding.minor).cmp(&(y.currency, y.outstanding.minor)),
                CustomerCol::Overdue => (x.currency, x.overdue.minor).cmp(&(y.currency, y.overdue.minor)),
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
