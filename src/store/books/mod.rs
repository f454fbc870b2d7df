//! The books, on whichever backend holds them (issue 21): one type the app,
//! the commands and the exports work with, forwarding each of the store's
//! public operations to the SQLite `Store` or to `PgStore`. The boundary is
//! the operations themselves, not a dialect of SQL: each backend answers in
//! its own SQL with the same domain values and the same errors, which the
//! `tests/pg_*.rs` comparison suites hold them to.
//!
//! SQLite stays the default and pays one `match` per operation. What only
//! one backend has (a SQLite file's backup, vacuum and scratch mode; a
//! server's listening) is reached through `lite()` or is a no-op where the
//! other backend has no such thing, as each method says.

mod by_hand;
mod export;
mod forward;

pub use by_hand::Rows;

use super::location::Location;
use super::pg::PgStore;
use super::pg::live::Watch;
use super::{OpenMode, Result, Store, StoreError};
use std::path::Path;
use std::time::Duration;

/// One per screen or thread, never in a collection: the variants' sizes
/// (a few hundred bytes each) do not matter, and boxing either would add
/// a pointer chase to every SQLite read.
#[allow(clippy::large_enum_variant)]
pub enum Books {
    Lite(Store),
    Pg(PgStore),
}

impl From<Store> for Books {
    fn from(s: Store) -> Books {
        Books::Lite(s)
    }
}

impl From<PgStore> for Books {
    fn from(s: PgStore) -> Books {
        Books::Pg(s)
    }
}

/// Stops whatever a store's connection is running, from another thread:
/// SQLite's interrupt, or a cancel request sent to the server.
pub enum Interrupt {
    Lite(rusqlite::InterruptHandle),
    Pg(super::pg::Cancel),
}

impl Interrupt {
    pub fn interrupt(&self) {
        match self {
            Interrupt::Lite(h) => h.interrupt(),
            Interrupt::Pg(c) => c.cancel(),
        }
    }
}

impl Books {
    /// Opens the books where `location` says: a SQLite file (created when
    /// `mode` allows), or a PostgreSQL server, whose schema is brought to
    /// this ardesk's version.
    pub fn open(location: &Location, mode: OpenMode) -> Result<Books> {
        Ok(match location {
            Location::File(path) => Books::Lite(Store::open(path, mode)?),
            Location::Postgres(url) => Books::Pg(PgStore::open_as(url, mode == OpenMode::Create)?),
        })
    }

    /// `open` of what the user named: a path, or a `postgres://` URL.
    pub fn open_named(named: impl AsRef<Path>, mode: OpenMode) -> Result<Books> {
        Self::open(&Location::parse(named.as_ref()), mode)
    }

    /// An empty SQLite database in memory, for tests and dry runs.
    pub fn open_in_memory() -> Result<Books> {
        Ok(Books::Lite(Store::open_in_memory()?))
    }

    /// Where the books are, to open them again (the reading thread, a
    /// document's transfer, an import run on a thread of its own).
    pub fn location(&self) -> Location {
        match self {
            Books::Lite(s) => Location::File(s.path().to_path_buf()),
            Books::Pg(s) => Location::Postgres(s.url().to_string()),
        }
    }

    /// What to call the books in messages: the file's path, or the URL
    /// without its password.
    pub fn shown(&self) -> String {
        match self {
            Books::Lite(s) => s.path().display().to_string(),
            Books::Pg(s) => s.shown().to_string(),
        }
    }

    /// The SQLite store, for what only a file has (backup, vacuum, the
    /// demo's scratch mode); `None` on a server.
    pub fn lite(&self) -> Option<&Store> {
        match self {
            Books::Lite(s) => Some(s),
            Books::Pg(_) => None,
        }
    }

    pub fn lite_mut(&mut self) -> Option<&mut Store> {
        match self {
            Books::Lite(s) => Some(s),
            Books::Pg(_) => None,
        }
    }

    pub fn pg(&self) -> Option<&PgStore> {
        match self {
            Books::Lite(_) => None,
            Books::Pg(s) => Some(s),
        }
    }

    /// A handle that stops this store's running statement from another
    /// thread.
    pub fn interrupt_handle(&self) -> Interrupt {
        match self {
            Books::Lite(s) => s.interrupt_handle(),
            Books::Pg(s) => s.interrupt_handle(),
        }
    }

    /// Runs a read that must not hold up the keyboard: `None` when it did
    /// not finish within `budget` (it was stopped; nothing changed).
    pub fn within<T>(&self, budget: Duration, f: impl FnOnce(&Books) -> Result<T>) -> Result<Option<T>> {
        match self {
            Books::Lite(s) => s.within(budget, |_| f(self)),
            Books::Pg(s) => s.within(budget, |_| f(self)),
        }
    }

    /// Tells the store what the screen shows, so that `data_version`
    /// moves for changes to it: a server sends only what is listened for;
    /// a SQLite file's version moves for any commit, so nothing to do.
    pub fn watch(&self, what: Watch) -> Result<()> {
        match self {
            Books::Lite(_) => Ok(()),
            Books::Pg(s) => s.watch(what),
        }
    }

    /// Refuses what only a SQLite file can do, in words, on a server.
    pub fn file_only(&self, what: &str) -> Result<&Store> {
        match self {
            Books::Lite(s) => Ok(s),
            Books::Pg(s) => Err(StoreError::Invalid(format!(
                "{what} works on a SQLite file; {} is a PostgreSQL server, whose own tools do it there",
                s.shown()
            ))),
        }
    }
}
