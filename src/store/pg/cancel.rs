//! Stopping a read on PostgreSQL, as SQLite's interrupt and progress
//! handler stop one there: a cancel request sent to the server from
//! another thread (`Cancel`), and a statement timeout for a read that must
//! not hold up the keyboard (`within`). The server answers either with
//! SQLSTATE 57014, which `error` turns into `StoreError::Interrupted`.

use super::super::books::Interrupt;
use super::super::{Result, StoreError};
use super::store::PgStore;
use postgres::CancelToken;
use std::time::Duration;

/// Asks the server to stop what this store's connection is running.
pub struct Cancel {
    token: CancelToken,
    /// Whether the connection went over TCP, and so the request takes TLS.
    tcp: bool,
}

impl Cancel {
    /// Sends the request; a failure to send it (the server gone) leaves
    /// the statement to end by itself, as nothing else can be done.
    pub fn cancel(&self) {
        let _ = if self.tcp {
            match native_tls::TlsConnector::new() {
                Ok(tls) => self.token.cancel_query(postgres_native_tls::MakeTlsConnector::new(tls)),
                Err(_) => return,
            }
        } else {
            self.token.cancel_query(postgres::NoTls)
        };
    }
}

impl PgStore {
    /// A handle that stops this store's running statement from another
    /// thread; the statement fails and its transaction rolls back.
    pub fn interrupt_handle(&self) -> Interrupt {
        Interrupt::Pg(Cancel { token: self.cancel.clone(), tcp: self.tcp })
    }

    /// Runs a read that must not hold up the keyboard: `None` when it did
    /// not finish within `budget` (the server stopped it; nothing changed).
    /// The timeout is the session's for the read's length, and set back
    /// whatever the read did.
    pub fn within<T>(&self, budget: Duration, f: impl FnOnce(&PgStore) -> Result<T>) -> Result<Option<T>> {
        let ms = budget.as_millis().clamp(1, i32::MAX as u128);
        self.client()?.batch_execute(&format!("SET statement_timeout = {ms}"))?;
        let out = f(self);
        self.client()?.batch_execute("SET statement_timeout = 0")?;
        match out {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::Interrupted) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
