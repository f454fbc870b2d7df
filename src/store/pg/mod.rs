//! The PostgreSQL backend (issue 21): the same books on a server, for a
//! team that spans hosts. Here: connecting (a Unix socket on the same
//! host, TLS to a remote one), its own numbered migrations, the schema it
//! compares a live database with, and the words for the server's errors.
//!
//! Choices the rest of the backend builds on, written in the migrations'
//! headers: money in `bigint` minor units with the SQLite schema's CHECKs
//! and names; dates as `date`; timestamps as the same ISO text SQLite
//! keeps; every text `COLLATE "C"`, so sorts are byte order as in SQLite
//! and `lower()` folds ASCII only, as SQLite's does; substring search by
//! `pg_trgm` indexes on the columns themselves; the summaries kept by
//! PL/pgSQL triggers, so no write path can forget them.

mod as_of;
mod cancel;
mod check;
mod collections;
pub mod copy;
mod customer_list;
mod customers;
mod detail;
mod documents;
mod error;
mod export;
mod import;
mod inserts;
mod list_ranking;
pub mod live;
mod metrics;
pub mod migrate;
mod oracle;
mod page_rows;
mod prepared;
mod reading;
mod rules;
pub mod schema;
mod selection;
mod statement;
mod store;
mod tabs;
mod tabs_more;
pub mod transfer;
pub mod window;
mod writes;

pub use cancel::Cancel;
pub use import::PgImportTx;
pub use store::PgStore;

use super::location::without_password;
use super::{Result, StoreError};
use postgres::Client;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// How long connecting may take when the URL does not say
/// (`connect_timeout`): a server that does not answer is said, not waited
/// on for ever.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to the server a `postgres://` URL names. A Unix socket
/// (`?host=/run/postgresql`, or a host that is a path) is used as is; a
/// TCP host must speak TLS unless the URL's `sslmode` says otherwise
/// (`disable`, `prefer`), and its certificate is verified against the
/// system's roots for the host named. (`sslmode=verify-full` is what
/// `require` does here; the driver does not take the word itself.)
pub fn connect(url: &str) -> Result<Client> {
    let refused = |reason: String| StoreError::Open { path: PathBuf::from(without_password(url)), reason };
    let mut config = postgres::Config::from_str(url).map_err(|e| refused(format!("not a PostgreSQL URL: {e}")))?;
    // The server's words, and for a database that is not there yet what
    // makes it: ardesk opens books on a server but creates no database
    // (whoever runs the server decides who may, and with what owner).
    let dbname = config.get_dbname().map(str::to_owned);
    let said = |e: postgres::Error| {
        let mut why = error::words(&e);
        if e.code() == Some(&postgres::error::SqlState::INVALID_CATALOG_NAME)
            && let Some(name) = &dbname
        {
            why.push_str(&format!(
                "; create it first (`createdb {}`, or `CREATE DATABASE` as a user who may), then ardesk makes \
                 its books there",
                crate::domain::text::clean(name)
            ));
        }
        refused(why)
    };
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("ardesk");
    }
    // Dates read as text are ISO whatever the server's default, and
    // timestamps the server makes are in UTC, as ardesk writes them. A row
    // another writer holds is waited on a second at a time (`writes` tries
    // five times), about SQLite's `BUSY_TIMEOUT`, never for ever.
    let options =
        format!("{} -c DateStyle=ISO,YMD -c TimeZone=UTC -c lock_timeout=1s", config.get_options().unwrap_or_default());
    config.options(options.trim());
    // Over TCP the books travel encrypted unless the URL says otherwise:
    // libpq's default (`prefer`) would go on in plain text when the server,
    // or whoever answers for it, declines.
    let tcp = over_tcp(&config);
    if tcp && !url.to_ascii_lowercase().contains("sslmode=") {
        config.ssl_mode(postgres::config::SslMode::Require);
    }
    // A Unix socket is this host's own: nothing to encrypt, and loading the
    // system's root certificates alone took most of a 100 ms open.
    if !tcp {
        return config.connect(postgres::NoTls).map_err(said);
    }
    let tls = native_tls::TlsConnector::new().map_err(|e| refused(format!("cannot set up TLS: {e}")))?;
    config.connect(postgres_native_tls::MakeTlsConnector::new(tls)).map_err(said)
}

/// Whether the connection goes over TCP (and so takes TLS): a host that is
/// not a socket path, or any `hostaddr`, which is always an IP address
/// reached over TCP whatever `host` says (a socket path there only names
/// the server for messages).
fn over_tcp(config: &postgres::Config) -> bool {
    !config.get_hostaddrs().is_empty() || config.get_hosts().iter().any(|h| matches!(h, postgres::config::Host::Tcp(_)))
}

/// Whether the database a URL names holds no ardesk books yet (its schema
/// is empty): where `--demo` may make the demo.
pub fn holds_no_books(url: &str) -> Result<bool> {
    let mut client = connect(url)?;
    Ok(migrate::version(&mut client, &without_password(url))? == 0)
}

/// Whether a URL's connection goes over TCP (an unparsable URL never
/// connected, so the answer does not matter).
fn url_over_tcp(url: &str) -> bool {
    postgres::Config::from_str(url).map(|c| over_tcp(&c)).unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::over_tcp;
    use std::str::FromStr;

    #[test]
    fn tcp_is_told_from_the_url_hostaddr_included() {
        let tcp = |url: &str| over_tcp(&postgres::Config::from_str(url).unwrap());
        assert!(!tcp("postgresql:///books?host=/run/postgresql"));
        assert!(!tcp("postgresql://ann@%2Frun%2Fpostgresql/books"));
        assert!(tcp("postgresql://ann@db.example/books"));
        assert!(tcp("postgresql://ann@/books?hostaddr=203.0.113.5"));
        assert!(tcp("postgresql://ann@/books?host=/run/postgresql&hostaddr=203.0.113.5"));
    }
}
