//! The customers list's order and search, apart from how they are drawn
//! (`app::customers`) and read (`store::customer_list`).

use super::columns::{SortValue, TableKey};
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Whether a column reads best largest first when first sorted on
    /// (money, and broken promises).
    pub fn most_first(self) -> bool {
        matches!(self, CustomerCol::Outstanding | CustomerCol::Overdue | CustomerCol::Promises)
    }
}

/// What the list shows: its order and search, as of a day (Overdue and
/// broken promises depend on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListView {
    pub sort: CustomerCol,
    pub desc: bool,
    pub query: String,
    pub today: NaiveDate,
}

/// Where a customer sits in the list's order: the values it is sorted by
/// (the column's, then the name for ties where the order has them), and
/// the id. In an order ranked on the reading thread, the one value is the
/// row's place in the ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListKey {
    pub values: Vec<SortValue>,
    pub id: i64,
}

impl TableKey for ListKey {
    fn id(&self) -> i64 {
        self.id
    }
}

/// The shortest word the trigram index finds anywhere in the text; a
/// search of only shorter words matches the start of the name.
pub const INDEXED_WORD: usize = 3;

/// A search as the store runs it: every word must appear, ignoring the
/// case of ASCII letters, in the name, legal name, billing email, the
/// source's id, the source or the currency. Words of `INDEXED_WORD`
/// characters or more are looked up in the trigram index; a search of
/// only shorter words matches names that start with its first word (the
/// name's own index), and its other words anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Search {
    /// Words of `INDEXED_WORD` characters or more.
    pub indexed: Vec<String>,
    /// Shorter words, checked on each row found by the others.
    pub short: Vec<String>,
    /// When no word is indexed: the name's prefix.
    pub prefix: Option<String>,
}

impl Search {
    pub fn parse(query: &str) -> Search {
        let mut s = Search::default();
        for w in query.split_whitespace() {
            if w.chars().count() >= INDEXED_WORD {
                s.indexed.push(w.to_string());
            } else {
                s.short.push(w.to_string());
            }
        }
        if s.indexed.is_empty() && !s.short.is_empty() {
            s.prefix = Some(s.short.remove(0));
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        self.indexed.is_empty() && self.short.is_empty() && self.prefix.is_none()
    }
}

/// `word` as a `LIKE` pattern that finds it anywhere, and whether it holds
/// `LIKE`'s own wildcards (`%`, `_`), which then need an exact check too.
pub fn anywhere(word: &str) -> (String, bool) {
    (format!("%{word}%"), word.contains(['%', '_']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_go_to_the_index_and_a_lone_short_one_to_the_name() {
        let s = Search::parse("  acme  co ");
        assert_eq!(s.indexed, vec!["acme"]);
        assert_eq!(s.short, vec!["co"]);
        assert_eq!(s.prefix, None);
        let s = Search::parse("ac de");
        assert_eq!(s.prefix.as_deref(), Some("ac"));
        assert_eq!(s.short, vec!["de"]);
        assert!(Search::parse(" \t ").is_empty());
        // Characters, not bytes: three of them reach the index.
        assert_eq!(Search::parse("東京精").indexed, vec!["東京精"]);
        assert_eq!(Search::parse("東京").prefix.as_deref(), Some("東京"));
    }

    #[test]
    fn wildcards_are_named() {
        assert_eq!(anywhere("ap_1"), ("%ap_1%".to_string(), true));
        assert_eq!(anywhere("acme"), ("%acme%".to_string(), false));
    }
}
