//! Live reload on PostgreSQL (issue 21): what `PRAGMA data_version` is to
//! SQLite. The schema's statement triggers NOTIFY at each commit that
//! changes a customer (`migrations/0002_notify.sql`); a store listens on
//! the channels of what it shows — one customer's page, or the customers
//! list — and on the organization's, and `data_version` moves on when
//! another session's notification has come. Its own writes do not move it,
//! as SQLite's own commits do not move `data_version`.

use super::super::Result;
use super::store::PgStore;
use std::time::Duration;

/// What a screen shows, and so which changes reload it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Watch {
    /// The customers list: any customer's change.
    Customers,
    /// One customer's page (its tabs, details and forms).
    Customer(i64),
}

/// A customer's own channel.
fn channel(customer: i64) -> String {
    format!("ardesk_customer_{customer}")
}

impl PgStore {
    /// Listens for what `what` shows from now on, and no longer for what
    /// was shown before. Changes committed before this call are not told.
    pub fn watch(&self, what: Watch) -> Result<()> {
        if self.watching.get() == Some(what) {
            return Ok(());
        }
        let listen = match what {
            Watch::Customers => "ardesk_customers".to_string(),
            Watch::Customer(id) => channel(id),
        };
        // UNLISTEN * also drops the organization's channel, listened
        // again at once; all of it, and this session's server process
        // when not yet known (`data_version` needs it), in one round trip.
        let mut client = self.client()?;
        let pid = if self.pid.get().is_some() { "" } else { "; SELECT pg_backend_pid()" };
        let said = client.simple_query(&format!(
            "UNLISTEN *; LISTEN ardesk_organization; LISTEN \"{}\"{pid}",
            listen.replace('"', "\"\"")
        ))?;
        for m in &said {
            if let postgres::SimpleQueryMessage::Row(r) = m
                && let Some(p) = r.get(0).and_then(|v| v.parse::<i32>().ok())
            {
                self.pid.set(Some(p));
            }
        }
        // What came for the screen left is not this one's to reload.
        use postgres::fallible_iterator::FallibleIterator;
        client.notifications().iter().count()?;
        self.watching.set(Some(what));
        Ok(())
    }

    /// A number that moves on when another session committed a change to
    /// what is watched (`watch`) since it was last read: compare it with
    /// the last one seen, as SQLite's `data_version`. Reads only what the
    /// server has already sent: it never waits.
    pub fn data_version(&self) -> Result<i64> {
        let mut client = self.client()?;
        let mine = self.backend_pid(&mut client)?;
        let mut notes = client.notifications();
        let mut seen = notes.timeout_iter(Duration::ZERO);
        use postgres::fallible_iterator::FallibleIterator;
        while let Some(n) = seen.next()? {
            if n.process_id() != mine {
                self.changes.set(self.changes.get() + 1);
            }
        }
        Ok(self.changes.get())
    }

    /// This session's server process, which signs its own notifications.
    fn backend_pid(&self, client: &mut postgres::Client) -> Result<i32> {
        if let Some(pid) = self.pid.get() {
            return Ok(pid);
        }
        let pid: i32 = client.query_one("SELECT pg_backend_pid()", &[])?.try_get(0)?;
        self.pid.set(Some(pid));
        Ok(pid)
    }
}
