//! Statements in one round trip. The driver's `query(&str, …)` prepares an
//! unnamed statement and waits for its description before it binds and
//! runs it: two round trips a statement, about ten statements a save,
//! and under load each wait is a wait for a core.
//!
//! Here each connection keeps, by SQL, the parameter types the server
//! gave the first time it prepared a statement; from then on the statement
//! is sent with those types, parsed, bound and run in one round trip
//! (`query_typed`: Parse, Bind, Describe, Execute, Sync, still the unnamed
//! statement). `Conn` (the store's connection, borrowed for one operation)
//! and `Tx` (a transaction on it) have their own `query`, `query_one`,
//! `query_opt` and `execute`, which go this way; everything else
//! (`batch_execute`, `simple_query`, `build_transaction`, …) is the
//! driver's, through `Deref`.
//!
//! Why not named statements prepared once, which would also spare the
//! server its parsing: a named statement keeps the names it resolved
//! (the temporary views that read the books as of a date shadow the
//! tables, and the server does not resolve a kept statement again when a
//! temporary view of the same name appears), fails once another session
//! alters its table's result type ("cached plan must not change result
//! type"), and goes to a generic plan after five runs unless the session
//! says `plan_cache_mode = force_custom_plan`, which the many trigger
//! functions that do not set it themselves would then take too, planning
//! each of their statements on every row. The unnamed statement is parsed,
//! resolved and planned with its values each time, as before: only the
//! round trips go. What is kept, parameter types, changes with none of
//! that; the cache is still dropped whenever the session's temporary
//! objects or search path change (`reading.rs`, `store.rs`), so nothing
//! kept from before can apply after.

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{Client, Error, GenericClient, Row, Statement, Transaction};
use std::cell::{RefCell, RefMut};
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};

/// Statements kept a connection before the cache starts afresh: some SQL
/// is built with `format!` (a filter's columns, a sort), so the texts are
/// many but bounded; a few hundred covers a session's page and writes.
const MOST: usize = 400;

/// A parameter list, as the driver takes it.
type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

/// A parameter list with its types, as `query_typed` takes it.
type Typed<'p> = [(&'p (dyn ToSql + Sync), Type)];

/// One connection's statements' parameter types, by their SQL.
#[derive(Default)]
pub(crate) struct Prepared {
    types: RefCell<HashMap<String, Vec<Type>>>,
}

impl Prepared {
    /// Drops what is kept: the session's names changed.
    pub(crate) fn forget(&self) {
        self.types.borrow_mut().clear();
    }

    /// How many statements are kept (for the tests).
    pub(crate) fn len(&self) -> usize {
        self.types.borrow().len()
    }

    fn keep(&self, sql: &str, types: &[Type]) {
        let mut kept = self.types.borrow_mut();
        if kept.len() >= MOST {
            kept.clear();
        }
        kept.insert(sql.to_string(), types.to_vec());
    }
}

/// What the cached methods take: SQL, or a statement the caller prepared
/// itself (run as it is).
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

/// Runs `q`: SQL whose parameter types are known goes in one round trip
/// (`typed`); other SQL is prepared (its types kept) and the statement run
/// (`prepared`), the two round trips the driver takes anyway.
fn run<C: GenericClient, T, Q: Query + ?Sized>(
    c: &mut C,
    cache: &Prepared,
    q: &Q,
    params: Params<'_>,
    prepared: impl FnOnce(&mut C, &Statement) -> Result<T, Error>,
    typed: impl FnOnce(&mut C, &str, &Typed<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let sql = match q.as_query() {
        Either::Sql(sql) => sql,
        Either::Prepared(s) => return prepared(c, s),
    };
    let known = cache.types.borrow().get(sql).cloned();
    match known {
        // A count that does not match goes the driver's way, which says so.
        Some(types) if types.len() == params.len() => {
            let with: Vec<_> = params.iter().copied().zip(types).collect();
            typed(c, sql, &with)
        }
        _ => {
            let s = c.prepare(sql)?;
            cache.keep(sql, s.params());
            prepared(c, &s)
        }
    }
}

/// The four ways a statement is run, on whatever holds a cache.
macro_rules! cached_methods {
    () => {
        pub(crate) fn query<Q: Query + ?Sized>(&mut self, q: &Q, params: Params<'_>) -> Result<Vec<Row>, Error> {
            let cache = self.cache;
            run(
                DerefMut::deref_mut(self),
                cache,
                q,
                params,
                |c, s| c.query(s, params),
                |c, sql, p| c.query_typed(sql, p),
            )
        }

        pub(crate) fn query_one<Q: Query + ?Sized>(&mut self, q: &Q, params: Params<'_>) -> Result<Row, Error> {
            let cache = self.cache;
            run(
                DerefMut::deref_mut(self),
                cache,
                q,
                params,
                |c, s| c.query_one(s, params),
                |c, sql, p| c.query_typed_one(sql, p),
            )
        }

        pub(crate) fn query_opt<Q: Query + ?Sized>(&mut self, q: &Q, params: Params<'_>) -> Result<Option<Row>, Error> {
            let cache = self.cache;
            run(
                DerefMut::deref_mut(self),
                cache,
                q,
                params,
                |c, s| c.query_opt(s, params),
                |c, sql, p| c.query_typed_opt(sql, p),
            )
        }

        /// The rows it changed.
        pub(crate) fn execute<Q: Query + ?Sized>(&mut self, q: &Q, params: Params<'_>) -> Result<u64, Error> {
            let cache = self.cache;
            run(
                DerefMut::deref_mut(self),
                cache,
                q,
                params,
                |c, s| c.execute(s, params),
                |c, sql, p| {
                    let mut rows = c.query_typed_raw(sql, p.iter().cloned())?;
                    while rows.next()?.is_some() {}
                    Ok(rows.rows_affected().unwrap_or(0))
                },
            )
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

    cached_methods!();

    /// A transaction whose statements go through the same cache.
    pub(crate) fn transaction(&mut self) -> Result<Tx<'_>, Error> {
        Ok(Tx { inner: self.inner.transaction()?, cache: self.cache })
    }

    /// The cache, to drop it when the session's names change.
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
    cached_methods!();

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
