//! Where the books are: a SQLite file, or a PostgreSQL server named by a
//! URL. Decided once, from what the user gave (`--db`, `ARDESK_DB`, the
//! configuration's `database`), before anything is opened or created.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The variable that names the database when `--db` does not.
pub const DB_ENV: &str = "ARDESK_DB";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// A `postgres://` or `postgresql://` URL, as given.
    Postgres(String),
}

impl Location {
    /// A URL whose scheme is PostgreSQL's names a server (the scheme in
    /// any case, as URLs allow); anything else is a file. A file that
    /// happens to be called `postgres:…` is reached as `./postgres:…`.
    pub fn parse(raw: &Path) -> Location {
        let text = raw.to_string_lossy();
        let scheme = text.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("postgres" | "postgresql") => Location::Postgres(text.into_owned()),
            _ => Location::File(raw.to_path_buf()),
        }
    }

    /// Whether only the connection that made it can see it (a SQLite
    /// database in memory, in tests): nothing else can open it again.
    pub fn only_here(&self) -> bool {
        matches!(self, Location::File(p) if p.as_os_str() == ":memory:")
    }

    /// What to call it in messages: the file's path, or the URL with any
    /// password left out.
    pub fn shown(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Postgres(url) => without_password(url),
        }
    }
}

/// `ARDESK_DB` when it is set and not empty.
pub fn from_env(var: Option<OsString>) -> Option<PathBuf> {
    var.filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// The URL with the password of its user part replaced by `***`, so that
/// no message, log or screen shows it. The user part is taken to end at
/// the last `@` after the scheme, wherever it is: a password may hold
/// `/`, `?` or an `@` of its own. Where the URL is odd, more is hidden
/// rather than less. A query's `password=` (or a percent-encoded key) is
/// hidden too.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (user, rest) = match rest.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => (format!("{name}:***@"), host),
            None => (format!("{user}@"), host),
        },
        None => (String::new(), rest),
    };
    let rest = match rest.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if k.to_ascii_lowercase().contains("password") || k.contains('%') => {
                        format!("{k}=***")
                    }
                    _ => p.to_string(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => rest.to_string(),
    };
    format!("{scheme}://{user}{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_postgresql_name_a_server_and_the_rest_are_files() {
        for url in ["postgres://u@db/books", "postgresql:///books?host=/run/postgresql", "PostgreSQL://h/b"] {
            assert_eq!(Location::parse(Path::new(url)), Location::Postgres(url.to_string()), "{url}");
        }
        for file in ["books.db", "./postgres://x", "/srv/postgres/books.db", "sqlite://x.db", "postgres:x.db", ""] {
            assert_eq!(Location::parse(Path::new(file)), Location::File(PathBuf::from(file)), "{file}");
        }
    }

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(without_password("postgres://ann:s3cr@t@db.example/books"), "postgres://ann:***@db.example/books");
        assert_eq!(
            without_password("postgres://ann:pw@db/b?sslmode=require"),
            "postgres://ann:***@db/b?sslmode=require"
        );
        assert_eq!(without_password("postgres://ann@db/books"), "postgres://ann@db/books");
        assert_eq!(without_password("postgresql:///books?host=/tmp"), "postgresql:///books?host=/tmp");
        assert_eq!(without_password("postgres://h/b?user=a&password=pw&x=1"), "postgres://h/b?user=a&password=***&x=1");
        assert_eq!(without_password("not a url"), "not a url");
        // A password holding what ends a host elsewhere is still hidden.
        assert_eq!(without_password("postgres://ann:pa/ss@db/books"), "postgres://ann:***@db/books");
        assert_eq!(without_password("postgres://ann:p?w=1@h/b"), "postgres://ann:***@h/b");
        assert_eq!(without_password("postgres://ann:p#w@h/b"), "postgres://ann:***@h/b");
        assert_eq!(without_password("postgres://h/b?pass%77ord=pw"), "postgres://h/b?pass%77ord=***");
        assert_eq!(Location::parse(Path::new("postgres://a:b@h/d")).shown(), "postgres://a:***@h/d");
    }

    #[test]
    fn an_empty_variable_names_nothing() {
        assert_eq!(from_env(Some(OsString::new())), None);
        assert_eq!(from_env(None), None);
        assert_eq!(from_env(Some("x.db".into())), Some(PathBuf::from("x.db")));
    }
}
