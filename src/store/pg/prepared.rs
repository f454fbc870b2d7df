//! Statements prepared once a connection. The driver's `query(&str, …)`
//! prepares an unnamed statement and waits for its description before it
//! binds and runs it: two round trips a statement, about ten statements a
//! save. Here each connection keeps the statements it prepared, by their
//! SQL, and runs a known one in a single round trip.
//!
//! `Conn` (the store's connection, borrowed for one operation) and `Tx`
//! (a transaction on it) have their own `query`, `query_one`, `query_opt`
//! and `execute`, which go through the cache; everything else
//! (`batch_execute`, `simple_query`, `build_transaction`, …) is the
//! driver's, through `Deref`, and prepares nothing.
//!
//! What a cached statement must not outlive:
//! - the names it was resolved against: the temporary views that read the
//!   books as of a date shadow the tables, and a statement prepared before
//!   them still reads the tables (the server re-resolves names when
//!   `search_path` changes, not when a temporary object of the same name
//!   appears). Whoever changes the session's temporary objects or search
//!   path calls `forget` (`reading.rs`, `store.rs`);
//! - a result type another session's DDL changed ("cached plan must not
//!   change result type", SQLSTATE 0A000): the cache is dropped and the
//!   statement prepared again, once, right away outside a transaction; in
//!   a transaction, which the error aborted, `write` runs the transaction
//!   again (`take_stale`).
//!
//! Plans stay custom (`plan_cache_mode = force_custom_plan`, set at
//! connecting): a named statement would otherwise switch to a generic plan
//! after five runs, which for a customer with a million invoices next to
//! small ones can be far worse. Preparing once saves the round trip, not
//! the planning.

use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Error, Row, Statement, Transaction};
use std::cell::{Cell, RefCell, RefMut};
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};

/// Statements kept a connection before the cache starts afresh: some SQL
/// is built with `format!` (a filter's columns, a sort), so the texts are
/// many but bounded; a few hundred covers a session's page and writes.
const MOST: usize = 400;

/// A parameter list, as the driver takes it.
type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

/// One connection's prepared statements, by their SQL.
#[derive(Default)]
pub(crate) struct Prepared {
    statements: RefCell<HashMap<String, Statement>>,
    /// A statement failed as stale inside a transaction since `take_stale`.
    stale: Cell<bool>,
}

impl Prepared {
    /// Drops every statement (the server closes them as they go): the
    /// session's names changed, or one of them went stale.
    pub(crate) fn forget(&self) {
        self.statements.borrow_mut().clear();
    }

    /// How many statements are kept (for the tests).
    pub(crate) fn len(&self) -> usize {
        self.statements.borrow().len()
    }

    /// Whether a statement went stale in a transaction since last asked,
    /// so the transaction is worth running again.
    pub(crate) fn take_stale(&self) -> bool {
        self.stale.replace(false)
    }

    fn statement(&self, prepare: impl FnOnce() -> Result<Statement, Error>, sql: &str) -> Result<Statement, Error> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = prepare()?;
        let mut kept = self.statements.borrow_mut();
        if kept.len() >= MOST {
            kept.clear();
        }
        kept.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

/// Whether an error says a cached statement no longer fits the table it
/// reads (another session altered it).
fn stale(e: &Error) -> bool {
    e.as_db_error().is_some_and(|db| {
        *db.code() == SqlState::FEATURE_NOT_SUPPORTED && db.message().starts_with("cached plan must not change")
    })
}

/// What the cached methods take: SQL, looked up or prepared, or a
/// statement the caller prepared itself.
pub(crate) trait Query {
    fn as_query(&self) -> Either<'_>;
}

pub(crate) enum Either<'q> {
    Sql(&'q str),
    Prepared(&'q Statement),
}

impl Query for str {
    fn as_query(&self) -> Either<'_> {
        Either::Sql(self)
    }
}

impl Query for String {
    fn as_query(&self) -> Either<'_> {
        Either::Sql(self)
    }
}

impl Query for Statement {
    fn as_query(&self) -> Either<'_> {
        Either::Prepared(self)
    }
}

/// Runs `run` on the statement for `q`, prepared through `c` when not
/// kept. A stale statement outside a transaction is prepared again and run
/// once more; inside one, the cache is dropped and the error returned.
fn cached<C: postgres::GenericClient, T, Q: Query + ?Sized>(
    c: &mut C,
    cache: &Prepared,
    q: &Q,
    in_transaction: bool,
    run: impl Fn(&mut C, &Statement) -> Result<T, Error>,
) -> Result<T, Error> {
    let sql = match q.as_query() {
        Either::Sql(sql) => sql,
        Either::Prepared(s) => return run(c, s),
    };
    let s = cache.statement(|| c.prepare(sql), sql)?;
    match run(c, &s) {
        Err(e) if stale(&e) => {
            cache.forget();
            if in_transaction {
                cache.stale.set(true);
                return Err(e);
            }
            let s = cache.statement(|| c.prepare(sql), sql)?;
            run(c, &s)
        }
        other => other,
    }
}

/// The four ways a statement is run, on whatever holds a cache.
macro_rules! cached_methods {
    ($in_transaction:expr) => {
        pub(crate) fn query<Q: Query + ?Sized>(&mut self, q: &Q, params: Params<'_>) -> Result<Vec<Row>, Error> {
            let cache = self.cache;
            cached(DerefMut::deref_mut(self), cache, q, $in_transaction, |c, s| c.query(s, params))
        }

        pub(crate) fn query_one<Q: Query + ?Sized>(&mut self, q: &Q, params: Params<'_>) -> Result<Row, Error> {
            let cache = self.cache;
            cached(DerefMut::deref_mut(self), cache, q, $in_transaction, |c, s| c.query_one(s, params))
        }

        pub(crate) fn query_opt<Q: Query + ?Sized>(&mut self, q: &Q, params: Params<'_>) -> Result<Option<Row>, Error> {
            let cache = self.cache;
            cached(DerefMut::deref_mut(self), cache, q, $in_transaction, |c, s| c.query_opt(s, params))
        }

        pub(crate) fn execute<Q: Query + ?Sized>(&mut self, q: &Q, params: Params<'_>) -> Result<u64, Error> {
            let cache = self.cache;
            cached(DerefMut::deref_mut(self), cache, q, $in_transaction, |c, s| c.execute(s, params))
        }
    };
}

/// The store's connection for one operation, with its statements.
pub(crate) struct Conn<'a> {
    inner: RefMut<'a, Client>,
    cache: &'a Prepared,
}

impl<'a> Conn<'a> {
    pub(crate) fn new(inner: RefMut<'a, Client>, cache: &'a Prepared) -> Conn<'a> {
        Conn { inner, cache }
    }

    cached_methods!(false);

    /// A transaction whose statements go through the same cache.
    pub(crate) fn transaction(&mut self) -> Result<Tx<'_>, Error> {
        Ok(Tx { inner: self.inner.transaction()?, cache: self.cache })
    }

    /// The cache, to forget it after changing the session's names.
    pub(crate) fn prepared(&self) -> &'a Prepared {
        self.cache
    }
}

impl Deref for Conn<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.inner
    }
}

impl DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.inner
    }
}

/// A transaction on the store's connection, with its statements.
pub(crate) struct Tx<'a> {
    inner: Transaction<'a>,
    cache: &'a Prepared,
}

impl Tx<'_> {
    cached_methods!(true);

    pub(crate) fn commit(self) -> Result<(), Error> {
        self.inner.commit()
    }
}

impl<'a> Deref for Tx<'a> {
    type Target = Transaction<'a>;
    fn deref(&self) -> &Transaction<'a> {
        &self.inner
    }
}

impl<'a> DerefMut for Tx<'a> {
    fn deref_mut(&mut self) -> &mut Transaction<'a> {
        &mut self.inner
    }
}

/// The four ways, for a function that runs on the connection or in a
/// transaction alike (a page's read, and the same read inside a write or
/// the integrity check, whose plain transaction prepares each time).
pub(crate) trait Sql {
    fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, Error>;
    fn query_one(&mut self, sql: &str, params: Params<'_>) -> Result<Row, Error>;
    fn query_opt(&mut self, sql: &str, params: Params<'_>) -> Result<Option<Row>, Error>;
    fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, Error>;
}

macro_rules! sql_by_inherent {
    ($t:ty) => {
        impl Sql for $t {
            fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, Error> {
                <$t>::query(self, sql, params)
            }
            fn query_one(&mut self, sql: &str, params: Params<'_>) -> Result<Row, Error> {
                <$t>::query_one(self, sql, params)
            }
            fn query_opt(&mut self, sql: &str, params: Params<'_>) -> Result<Option<Row>, Error> {
                <$t>::query_opt(self, sql, params)
            }
            fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, Error> {
                <$t>::execute(self, sql, params)
            }
        }
    };
}

sql_by_inherent!(Conn<'_>);
sql_by_inherent!(Tx<'_>);
sql_by_inherent!(Transaction<'_>);
