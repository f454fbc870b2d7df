//! The only place with SQL. Opens and migrates the database and returns
//! domain types. Every write is one transaction with an audit row.

mod as_of;
mod audit;
pub mod backup;
pub mod books;
pub mod bulk;
pub mod check;
pub mod collections;
mod customer_list;
mod customers;
mod day_summary;
mod detail;
pub mod doc_files;
pub mod documents;
mod files;
mod filter_plan;
mod filter_sql;
pub mod import;
mod inserts;
pub mod kept;
pub mod known_lines;
mod lines;
mod list_index;
mod list_ranking;
pub mod load;
pub mod location;
mod metrics;
mod migrate;
mod oracle;
mod oracle_as_of;
pub mod peek;
pub mod pg;
mod reading;
mod refund_rows;
mod schema;
pub mod seed;
mod selection;
mod set_aside;
mod statement;
pub mod summaries;
mod tabs;
pub(crate) mod text_index;
mod vacuum;
pub mod window;
pub mod writes;

pub use audit::Audit;
pub use books::{Books, Interrupt};
pub use customer_list::ListPlan;
pub(crate) use files::special_kind;
use files::{leave_wal_alone, read_only_reason, regular_or_absent};
pub use metrics::CustomerFigures;
pub use migrate::SCHEMA_VERSION;
pub use vacuum::Space;

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
    #[error("{path} is damaged: {reason}; restore it from a backup; it was left untouched")]
    Damaged { path: PathBuf, reason: String },
    #[error("{path} is not a regular file ({kind}); ardesk keeps its data in a regular file")]
    NotAFile { path: PathBuf, kind: &'static str },
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
    /// A file the write would replace is there (a download's target, an
    /// export's file): the app asks before writing again with overwrite.
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    /// A CHECK constraint on a bound refused the write: see `domain::bounds`.
    #[error("{0}; nothing was saved")]
    OutOfRange(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("the query took too long and was stopped")]
    Interrupted,
    /// The user cancelled a document transfer; it rolled back whole.
    #[error("cancelled; nothing was written")]
    Cancelled,
    #[error("database error: {0}")]
    Sql(DbError),
}

/// An error of the database engine that ardesk has no words of its own
/// for, whichever engine it came from: its text, and whether it was a
/// uniqueness constraint (which some writes report as a finding).
#[derive(Debug)]
pub struct DbError {
    message: String,
    unique: bool,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl DbError {
    /// Whether a UNIQUE constraint refused the write.
    pub fn unique_violation(&self) -> bool {
        self.unique
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        let unique = matches!(&e, rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE);
        DbError { message: e.to_string(), unique, source: Box::new(e) }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::{ErrorCode, ffi};
        let rusqlite::Error::SqliteFailure(f, msg) = &e else { return StoreError::Sql(e.into()) };
        // Which constraint refused comes as SQLite's extended code; only the
        // CHECK's name, and the words of a trigger, come as text.
        match (f.code, f.extended_code, msg.as_deref()) {
            (ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked, _, _) => StoreError::Busy,
            (ErrorCode::OperationInterrupted, _, _) => StoreError::Interrupted,
            // RAISE(ABORT, '…') in a trigger: the message is for people.
            (_, ffi::SQLITE_CONSTRAINT_TRIGGER, Some(msg)) => StoreError::Invalid(msg.to_string()),
            // A STRICT table refused a value of the wrong type: an integer sum
            // that overflowed into a REAL, or text where a number belongs.
            (_, ffi::SQLITE_CONSTRAINT_DATATYPE, Some(msg)) => {
                StoreError::OutOfRange(format!("a value could not be stored exactly ({msg})"))
            }
            (_, ffi::SQLITE_CONSTRAINT_CHECK, Some(msg)) => match bound_refused(msg) {
                Some(why) => StoreError::OutOfRange(why),
                None => StoreError::Sql(e.into()),
            },
            _ => StoreError::Sql(e.into()),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The bound a CHECK constraint's failure names, in words; `None` for
/// other CHECKs. The names are those of the CHECKs in `migrations/0002`,
/// `0005` and `0007`.
fn bound_refused(msg: &str) -> Option<String> {
    bound_named(msg.strip_prefix("CHECK constraint failed: ")?.trim())
}

/// The bound a CHECK constraint of this name keeps, in words; `None` for
/// other constraints. Both engines give the constraint's name.
fn bound_named(name: &str) -> Option<String> {
    let amount = "at most 10,000,000,000,000 minor units (100,000,000,000.00 in a currency with cents)";
    let total = "at most 10^17 minor units (1,000,000,000,000,000.00 in a currency with cents)";
    let dates = "dates must fall between 1900-01-01 and 2199-12-31";
    Some(match name {
        "invoice_total_in_range" => format!("an invoice total must be {amount}"),
        "payment_amount_in_range" => format!("a payment must be more than zero and {amount}"),
        "credit_amount_in_range" => format!("a credit must be more than zero and {amount}"),
        "application_amount_in_range" => format!("an amount applied must be more than zero and {amount}"),
        "contract_value_in_range" => format!("a contract value must be {amount}"),
        "invoice_balance_in_range" => format!("an invoice balance must be {amount}"),
        "customer_invoice_total_in_range" | "customer_shown_total_in_range" | "customer_balance_in_range" => {
            format!("one customer's invoices in one currency may total {total}")
        }
        "customer_payment_total_in_range" => format!("one customer's payments in one currency may total {total}"),
        "customer_credit_in_range" => format!("one customer's open credit in one currency may total {total}"),
        "contract_start_in_range"
        | "contract_end_in_range"
        | "invoice_issue_date_in_range"
        | "invoice_due_date_in_range"
        | "invoice_period_in_range"
        | "payment_date_in_range"
        | "credit_date_in_range"
        | "application_date_in_range"
        | "application_removed_in_range"
        | "conversation_dates_in_range" => dates.to_string(),
        "application_removed_after_applied" => {
            "an application cannot be reversed on a date before it was applied".to_string()
        }
        "credit_voided_on_in_range" => {
            "a credit is voided on a date from its own date to 2199-12-31, and only when voided".to_string()
        }
        "organization_small_balance_limit" => format!("the small-balance limit must be from 0 to {amount}"),
        "organization_credit_note_next_seq" => {
            "the next credit-note number must be from 1 to 999,999,999,999".to_string()
        }
        "max_document_size_range" => "the largest document ardesk stores must be from 1 KiB to 1 TiB".to_string(),
        _ => return None,
    })
}

/// What a database is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    /// Work: upgraded when it can be, else read-only with the reason.
    Work,
    /// `check`: as it is, never written.
    Inspect,
    /// `upgrade --set-aside`: upgraded, rows past the bounds taken out.
    SetAside,
}

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
    /// Whether that reason is something wrong with the database itself
    /// (its schema, its rows, a failed upgrade) rather than permissions.
    troubled: bool,
    /// The date the store reads as of (`reading`), if set.
    as_of: Option<chrono::NaiveDate>,
    /// The read-only reason before a date was set, put back after.
    read_only_before: Option<String>,
    /// The schema version of the file as opened: an older one is read
    /// through adapters (`schema::adapt`), without the newer indexes.
    version: i64,
    /// How many rows a trigram index holds for each word filtered on
    /// (`filter_plan`), up to a cap.
    candidates: filter_plan::Candidates,
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
    /// A database whose schema drifted, or whose rows an upgrade would
    /// refuse, opens for reading only with the reason.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store> {
        Ok(Self::open_as(path, mode, How::Work)?.0)
    }

    /// Opens a database to look at it as it is (`ardesk check`): never
    /// created, upgraded or written, an older version read through the
    /// adapters.
    pub fn inspect(path: &Path) -> Result<Store> {
        Ok(Self::open_as(path, OpenMode::MustExist, How::Inspect)?.0)
    }

    /// Opens and upgrades a database whose upgrade only rows past the bounds
    /// stood in the way of, taking those rows out first in the same
    /// transaction (`set_aside`): `ardesk upgrade --set-aside`, the user's
    /// explicit choice. Returns what was set aside.
    pub fn open_setting_aside(path: &Path) -> Result<(Store, Vec<String>)> {
        Self::open_as(path, OpenMode::MustExist, How::SetAside)
    }

    fn open_as(path: &Path, mode: OpenMode, how: How) -> Result<(Store, Vec<String>)> {
        let exists = regular_or_absent(path)?;
        if !exists && mode == OpenMode::MustExist {
            return Err(StoreError::Missing { path: path.to_path_buf() });
        }
        if !exists && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: path.to_path_buf(),
                reason: format!("cannot create {}: {e}", dir.display()),
            })?;
        }
        let mut read_only = exists.then(|| read_only_reason(path)).flatten();
        let flags = if read_only.is_some() {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI
        };
        let (deadline, epoch) = (Arc::new(AtomicU64::new(0)), Instant::now());
        let connect = || -> Result<Connection> {
            let mut conn = Connection::open_with_flags(path, flags)
                .map_err(|e| StoreError::Open { path: path.to_path_buf(), reason: e.to_string() })?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            // Before the adapters: changing temp_store drops temporary views.
            conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
            watch(&mut conn, &deadline, epoch)?;
            Ok(conn)
        };
        let mut conn = connect()?;
        let found = match migrate::inspect(&conn, path) {
            Ok(f) => f,
            Err(e) => {
                leave_wal_alone(&conn, path);
                return Err(e);
            }
        };
        let current = found.version == SCHEMA_VERSION;
        let setting_aside = how == How::SetAside && found.can_set_aside && read_only.is_none();
        let mut troubled = false;
        if !setting_aside && read_only.is_none() && found.read_only.is_some() {
            read_only = found.read_only;
            troubled = true;
        }
        if how == How::Inspect && read_only.is_none() {
            read_only = Some("it is being checked".into());
        }
        let who = current_user();
        let mut moved = Vec::new();
        let settled = match &read_only {
            Some(_) if found.version == 0 => Err(StoreError::Open {
                path: path.to_path_buf(),
                reason: "it is empty and cannot be written, so there is nothing to open".into(),
            }),
            Some(_) if !current => schema::adapt(&conn, found.version),
            Some(_) => Ok(()),
            None => match migrate::upgrade(&conn, found.version, setting_aside.then_some(who.as_str())) {
                // Each migration is one transaction: a failed one left the
                // file at its version, which can still be read.
                Err(e) if found.version > 0 => {
                    troubled = true;
                    read_only = Some(format!(
                        "its upgrade from schema version {} to {SCHEMA_VERSION} failed ({e}); it was left as it was",
                        found.version
                    ));
                    let now: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
                    schema::adapt(&conn, now)
                }
                Err(e) => Err(e),
                Ok(m) => {
                    moved = m;
                    Ok(())
                }
            },
        };
        if let Err(e) = settled {
            leave_wal_alone(&conn, path);
            return Err(e);
        }
        if read_only.is_none() && !current {
            // A connection that has just renamed tables answers "database
            // table is locked" to the next checkpoint after a journal mode
            // change (SQLite 3.54; `tests/migrations.rs`): work goes on in
            // a fresh one.
            drop(conn);
            conn = connect()?;
        }
        let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
        let store = Store {
            version,
            conn,
            path: path.to_path_buf(),
            who,
            deadline,
            epoch,
            read_only,
            troubled,
            as_of: None,
            read_only_before: None,
            candidates: Default::default(),
        };
        store.conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             PRAGMA synchronous = FULL;
             PRAGMA cache_size = -8192;
             PRAGMA journal_size_limit = 67108864;",
        )?;
        Ok((store, moved))
    }

    /// An in-memory database with the schema, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        migrate::upgrade(&conn, 0, None)?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        let (deadline, epoch) = (Arc::new(AtomicU64::new(0)), Instant::now());
        watch(&mut conn, &deadline, epoch)?;
        Ok(Store {
            conn,
            path: PathBuf::from(":memory:"),
            who: current_user(),
            deadline,
            epoch,
            read_only: None,
            troubled: false,
            as_of: None,
            read_only_before: None,
            version: SCHEMA_VERSION,
            candidates: Default::default(),
        })
    }

    /// A handle that interrupts this store's connection from another thread.
    /// The statement it stops fails and its transaction rolls back (an
    /// import cancelled while it builds indexes or adds up figures).
    pub fn interrupt_handle(&self) -> Interrupt {
        Interrupt::Lite(self.conn.get_interrupt_handle())
    }

    /// Why nothing can be written, when the database is open read-only.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    /// The read-only reason when it is a problem of the database itself
    /// (schema drift, rows past the bounds, a failed upgrade), which the
    /// user should read in full before anything else.
    pub fn trouble(&self) -> Option<&str> {
        self.read_only.as_deref().filter(|_| self.troubled)
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
pub(crate) fn current_user() -> String {
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
