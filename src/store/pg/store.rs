//! The store on PostgreSQL: one connection, upgraded on opening, and the
//! operations ported so far. Each reads what the SQLite store reads, in
//! PostgreSQL's own SQL, and gives the same domain values; the tests in
//! `tests/pg_reads.rs` compare the two backends on the same books.

use super::super::location::without_password;
use super::super::{Result, StoreError};
use super::migrate;
use super::prepared::{Conn, Prepared};
use postgres::Client;
use std::cell::RefCell;

pub struct PgStore {
    client: RefCell<Client>,
    /// Its statements' parameter types, by SQL, so a statement seen before
    /// goes in one round trip (`prepared`).
    pub(super) prepared: Prepared,
    /// The URL as given, to connect again (the reading thread), and
    /// without its password, for messages.
    url: String,
    shown: String,
    /// Who writes, recorded in the audit log.
    who: String,
    /// The date the store reads as of (`reading`), if set, and why that
    /// leaves it read-only.
    pub(super) as_of: Option<chrono::NaiveDate>,
    pub(super) as_of_reason: Option<String>,
    /// Why the schema cannot be trusted to keep the figures (it is not the
    /// one this ardesk made), once looked at: before the first write (the
    /// catalog read takes tens of milliseconds, which the open does not
    /// pay), or by `check_schema`.
    pub(super) drift: std::cell::OnceCell<Option<String>>,
    pub(super) version: i64,
    /// What it listens for (`live`), the other sessions' changes told so
    /// far, and this session's server process.
    pub(super) watching: std::cell::Cell<Option<super::live::Watch>>,
    pub(super) changes: std::cell::Cell<i64>,
    pub(super) pid: std::cell::Cell<Option<i32>>,
    /// What stops its running statement from another thread (`cancel`).
    pub(super) cancel: postgres::CancelToken,
    pub(super) tcp: bool,
}

impl PgStore {
    /// Connects and brings the schema to this ardesk's version (an empty
    /// database gets the whole schema).
    pub fn open(url: &str) -> Result<PgStore> {
        Self::open_as(url, true)
    }

    /// `open`, refusing a database that holds no ardesk books unless
    /// `create` (`--no-create`; the reading thread and the jobs, which
    /// open books the app already opened).
    pub fn open_as(url: &str, create: bool) -> Result<PgStore> {
        let shown = without_password(url);
        let mut client = super::connect(url)?;
        if !create && migrate::version(&mut client, &shown)? == 0 {
            return Err(StoreError::Open {
                path: shown.into(),
                reason: "it holds no ardesk books (leave out --no-create to start empty books there, or \
                         `ardesk demo --db URL` for the demo)"
                    .into(),
            });
        }
        let version = migrate::upgrade(&mut client, &shown)?.to;
        let cancel = client.cancel_token();
        Ok(PgStore {
            client: RefCell::new(client),
            prepared: Prepared::default(),
            url: url.to_string(),
            shown,
            who: super::super::current_user(),
            as_of: None,
            as_of_reason: None,
            drift: Default::default(),
            version,
            watching: Default::default(),
            changes: Default::default(),
            pid: Default::default(),
            cancel,
            tcp: super::url_over_tcp(url),
        })
    }

    /// Where the books are, without a password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The URL as given, password and all: only to connect again, never
    /// to show.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Who writes: `$USER`, as on SQLite.
    pub fn who(&self) -> &str {
        &self.who
    }

    pub fn set_who(&mut self, who: &str) {
        self.who = who.to_string();
    }

    /// Looks whether the schema is the one this ardesk made, once: a
    /// database whose schema drifted is read-only from then on, with the
    /// reason (`read_only`, `trouble`). The app asks at its start, on its
    /// reading thread's connection; a write asks first on its own.
    pub fn check_schema(&self) -> Result<Option<&str>> {
        // As of a date the session's temporary views shadow the tables, and
        // the server prints the functions' definitions with the names
        // qualified: not the schema as ardesk made it. Looked at later (a
        // write, which as of a date is refused anyway, looks first).
        if self.drift.get().is_none() && self.as_of.is_none() {
            let found = super::schema::drift(&mut *self.client()?, self.version)?;
            // The comparison made a scratch schema under another search
            // path, in a transaction it rolled back: nothing kept is
            // assumed to hold after the session's names changed.
            self.prepared.forget();
            let _ = self.drift.set(found);
        }
        Ok(self.drift.get().and_then(|d| d.as_deref()))
    }

    /// The connection, for one operation at a time: a store is used by one
    /// thread, and no operation calls another while it holds it.
    /// Its `query`, `execute` and the like send a statement seen before in
    /// one round trip (`prepared`).
    pub(super) fn client(&self) -> Result<Conn<'_>> {
        let client = self
            .client
            .try_borrow_mut()
            .map_err(|_| StoreError::Invalid("the PostgreSQL connection is in use by another operation".into()))?;
        Ok(Conn::new(client, &self.prepared))
    }

    /// How many statements' types this connection keeps (for the tests).
    #[doc(hidden)]
    pub fn kept_statements(&self) -> usize {
        self.prepared.len()
    }

    /// The named statements this session holds on the server, and how many
    /// of them have run with a generic plan, the driver's own look-ups of
    /// types in the catalog aside (for the tests).
    #[doc(hidden)]
    pub fn server_statements(&self) -> Result<(i64, i64)> {
        let mut c = self.client()?;
        let r = Client::query_one(
            &mut c,
            "SELECT count(*), count(*) FILTER (WHERE generic_plans > 0) FROM pg_prepared_statements
             WHERE statement NOT LIKE '%FROM pg_catalog.pg_type t%'",
            &[],
        )?;
        Ok((r.try_get(0)?, r.try_get(1)?))
    }
}
