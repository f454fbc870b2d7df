//! The server's errors in ardesk's words, as `From<rusqlite::Error>` does
//! for SQLite's: a CHECK on a bound names its constraint, a trigger's
//! refusal (`RAISE EXCEPTION`, SQLSTATE P0001) is a sentence for people, a
//! NUL character in a text is said as such, a cancelled statement is an
//! interruption, and a lock or a serialization
//! failure that outlasted the retries is "busy".

use super::super::{DbError, StoreError, bound_named};
use postgres::error::SqlState;

/// Why a text holding a NUL character is refused.
const NUL_REFUSED: &str = "a text holds a NUL character, which PostgreSQL cannot store; nothing was saved";

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        let Some(db) = e.as_db_error() else { return StoreError::Sql(e.into()) };
        let code = db.code();
        if *code == SqlState::CHECK_VIOLATION {
            match db.constraint().and_then(bound_named) {
                Some(why) => StoreError::OutOfRange(why),
                None => StoreError::Sql(e.into()),
            }
        } else if *code == SqlState::RAISE_EXCEPTION {
            StoreError::Invalid(db.message().to_string())
        } else if *code == SqlState::QUERY_CANCELED {
            StoreError::Interrupted
        } else if *code == SqlState::CHARACTER_NOT_IN_REPERTOIRE {
            // A NUL character, which SQLite keeps in a text and PostgreSQL
            // cannot: the only text a Rust string holds that the server's
            // UTF-8 refuses.
            StoreError::Invalid(NUL_REFUSED.into())
        } else if *code == SqlState::NUMERIC_VALUE_OUT_OF_RANGE {
            StoreError::OutOfRange(format!("a value could not be stored exactly ({})", db.message()))
        } else if [SqlState::LOCK_NOT_AVAILABLE, SqlState::T_R_SERIALIZATION_FAILURE, SqlState::T_R_DEADLOCK_DETECTED]
            .contains(code)
        {
            StoreError::Busy
        } else {
            StoreError::Sql(e.into())
        }
    }
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        let unique = e.code() == Some(&SqlState::UNIQUE_VIOLATION);
        DbError { message: words(&e), unique, source: Box::new(e) }
    }
}

/// The server's message with its detail, or the client's own error.
pub(super) fn words(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_string(),
        },
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}
