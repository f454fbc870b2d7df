//! The only place with SQL. Opens and migrates the database and returns
//! domain types. Every write is one transaction with an audit row.

mod audit;
pub mod bulk;
pub mod check;
mod customers;
pub mod documents;
mod filter_sql;
pub mod import;
pub mod load;
mod metrics;
mod migrate;
mod oracle;
pub mod seed;
mod selection;
pub mod summaries;
mod tabs;
pub mod window;
pub mod writes;

pub use audit::Audit;
pub use metrics::CustomerFigures;
pub use migrate::SCHEMA_VERSION;
pub use window::TabRows;

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a writer waits for another process's transaction before it
/// gives up and explains.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot open the database: {reason}")]
    Open { path: PathBuf, reason: String },
    #[error(
        "{path} does not exist (run `ardesk demo --db {path}` for a demo, or leave out --no-create to start empty)"
    )]
    Missing { path: PathBuf },
    #[error("{path} is not an ardesk database ({reason}); it was left untouched")]
    NotArdesk { path: PathBuf, reason: String },
    #[error("{path} is damaged (SQLite reports it corrupt): restore it from a backup; it was left untouched")]
    Corrupt { path: PathBuf },
    #[error(
        "{path} was written by a newer ardesk (schema version {found}; this ardesk knows up to {known}); it was left untouched"
    )]
    Newer { path: PathBuf, found: i64, known: i64 },
    #[error("the database is busy: another ardesk kept it locked for more than {}s; try again", BUSY_TIMEOUT.as_secs())]
    Busy,
    #[error("changed elsewhere — reload: {0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("the query took too long and was stopped")]
    Interrupted,
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match &e {
            rusqlite::Error::SqliteFailure(f, msg) => match f.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy,
                ErrorCode::OperationInterrupted => StoreError::Interrupted,
                // RAISE(ABORT, '…') in a trigger: the message is for people.
                ErrorCode::ConstraintViolation if msg.as_deref().is_some_and(|m| !m.contains("constraint failed")) => {
                    StoreError::Invalid(msg.clone().unwrap_or_default())
                }
                _ => StoreError::Sql(e),
            },
            _ => StoreError::Sql(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file (and schema) when it does not exist.
    Create,
    /// Refuse a missing file.
    MustExist,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    who: String,
    /// When set (nanoseconds since `epoch`), statements running past it
    /// are interrupted: see `within`.
    deadline: Arc<AtomicU64>,
    epoch: Instant,
    /// Why the database is open read-only, if it is.
    read_only: Option<String>,
}

/// Why a file can only be read: its permission bits, or its directory's
/// (SQLite must create the WAL and shared-memory files beside it).
fn read_only_reason(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let file = std::fs::metadata(path).ok()?;
    if file.permissions().mode() & 0o222 == 0 {
        return Some(format!("{} is read-only", path.display()));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let d = std::fs::metadata(dir).ok()?;
    (d.permissions().mode() & 0o222 == 0).then(|| format!("its directory {} is read-only", dir.display()))
}

/// A refused file keeps its write-ahead log as it found it: closing the
/// last connection would otherwise checkpoint the log — the latest changes
/// of a newer ardesk or another program — into the main file. An empty or
/// missing log is left to SQLite, which removes what it created for reading.
fn leave_wal_alone(conn: &Connection, path: &Path) {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    if std::fs::metadata(wal).is_ok_and(|m| m.len() > 0) {
        let _ = conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
    }
}

/// SQLite VM steps between deadline checks.
const PROGRESS_STEPS: i32 = 10_000;

fn watch(conn: &mut Connection, deadline: &Arc<AtomicU64>, epoch: Instant) -> Result<()> {
    let d = deadline.clone();
    conn.progress_handler(
        PROGRESS_STEPS,
        Some(move || {
            let limit = d.load(Ordering::Relaxed);
            limit != 0 && epoch.elapsed().as_nanos() as u64 > limit
        }),
    )?;
    Ok(())
}

impl Store {
    /// Opens (and if allowed creates) an ardesk database, refusing files that
    /// are not ardesk's or that a newer ardesk wrote, before changing a byte.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store> {
        let exists = path.exists();
        if !exists && mode == OpenMode::MustExist {
            return Err(StoreError::Missing { path: path.to_path_buf() });
        }
        if path.is_dir() {
            return Err(StoreError::Open { path: path.to_path_buf(), reason: "it is a directory".into() });
        }
        if !exists && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: path.to_path_buf(),
                reason: format!("cannot create {}: {e}", dir.display()),
            })?;
        }
        let read_only = exists.then(|| read_only_reason(path)).flatten();
        let flags = if read_only.is_some() {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI
        };
        let mut conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::Open { path: path.to_path_buf(), reason: e.to_string() })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let (deadline, epoch) = (Arc::new(AtomicU64::new(0)), Instant::now());
        watch(&mut conn, &deadline, epoch)?;
        let store = Store { conn, path: path.to_path_buf(), who: current_user(), deadline, epoch, read_only };
        let checked = match &store.read_only {
            Some(_) => migrate::check_readable(&store.conn, path),
            None => migrate::migrate(&store.conn, path),
        };
        if let Err(e) = checked {
            leave_wal_alone(&store.conn, path);
            return Err(e);
        }
        store.conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             PRAGMA synchronous = FULL;
             PRAGMA cache_size = -8192;
             PRAGMA temp_store = MEMORY;",
        )?;
        Ok(store)
    }

    /// An in-memory database with the schema, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        migrate::migrate(&conn, Path::new(":memory:"))?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        let (deadline, epoch) = (Arc::new(AtomicU64::new(0)), Instant::now());
        watch(&mut conn, &deadline, epoch)?;
        Ok(Store { conn, path: PathBuf::from(":memory:"), who: current_user(), deadline, epoch, read_only: None })
    }

    /// Why nothing can be written, when the database is open read-only.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Who writes: `$USER`, recorded in the audit log.
    pub fn who(&self) -> &str {
        &self.who
    }

    pub fn set_who(&mut self, who: &str) {
        self.who = who.to_string();
    }

    /// Changes whenever another connection commits (PRAGMA data_version).
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Runs a read that must not hold up the keyboard: `None` when it did
    /// not finish within `budget` (it was interrupted, nothing changed).
    pub fn within<T>(&self, budget: Duration, f: impl FnOnce(&Store) -> Result<T>) -> Result<Option<T>> {
        let limit = (self.epoch.elapsed() + budget).as_nanos() as u64;
        self.deadline.store(limit.max(1), Ordering::Relaxed);
        let out = f(self);
        self.deadline.store(0, Ordering::Relaxed);
        match out {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::Interrupted) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it lands or none.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        if let Some(why) = &self.read_only {
            return Err(StoreError::Invalid(format!("the database is open read-only ({why}); nothing can be changed")));
        }
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// For building a fresh database in a temporary file that is renamed
    /// into place only when complete (the demo): no journal, no syncs and a
    /// large cache. Never use it on a database people work in.
    pub fn scratch_mode(&self) -> Result<()> {
        let _: String = self.conn.query_row("PRAGMA journal_mode = OFF", [], |r| r.get(0))?;
        self.conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;")?;
        Ok(())
    }

    /// Back to the normal, crash-safe settings after `scratch_mode`.
    pub fn normal_mode(&self) -> Result<()> {
        let _: String = self.conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        self.conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA cache_size = -8192;")?;
        Ok(())
    }

    /// Writes a consistent copy of the whole database to a new file.
    pub fn backup_to(&self, path: &Path) -> Result<()> {
        let target =
            path.to_str().ok_or_else(|| StoreError::Invalid(format!("{}: not a UTF-8 path", path.display())))?;
        self.conn.execute("VACUUM INTO ?1", [target])?;
        Ok(())
    }

    /// Moves everything from the WAL into the main file.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Who is writing: `$USER`, else `$LOGNAME`, else the account of this
/// process's user id in /etc/passwd.
fn current_user() -> String {
    let env =
        ["USER", "LOGNAME", "USERNAME"].iter().find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()));
    env.or_else(passwd_name).unwrap_or_else(|| "unknown".into())
}

fn passwd_name() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"))?.split_whitespace().next()?.to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.get(2) == Some(&uid.as_str())).then(|| f[0].to_string())
    })
}

/// Current UTC time for `created_at` and the audit log.
pub(crate) fn now_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
