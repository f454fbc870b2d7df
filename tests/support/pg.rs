//! Databases on the throwaway PostgreSQL cluster that `.ci/pg start`
//! makes (its URL in `ARDESK_TEST_PG`): one fresh database per test,
//! dropped when the test ends. Without the variable the PostgreSQL tests
//! are skipped, said on stderr, except under CI, where that is a failure.

use std::sync::atomic::{AtomicU32, Ordering};

pub const ENV: &str = "ARDESK_TEST_PG";

pub struct TestDb {
    pub url: String,
    name: String,
    admin: String,
}

/// A new, empty database; `None` (the test skips) when no cluster is
/// configured outside CI.
pub fn fresh() -> Option<TestDb> {
    let Some(admin) = std::env::var(ENV).ok().filter(|v| !v.is_empty()) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the PostgreSQL tests: {ENV} must name a cluster (`eval \"$(bash .ci/pg start)\"`)"
        );
        eprintln!("skipped: {ENV} is not set (`eval \"$(bash .ci/pg start)\"` starts a throwaway cluster)");
        return None;
    };
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!("ardesk_test_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("the test cluster answers");
    client.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0")).expect("create the test database");
    Some(TestDb { url: with_dbname(&admin, &name), name, admin })
}

/// The URL with its database name replaced.
pub fn with_dbname(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let slash = rest.find('/').unwrap_or(rest.len());
    let query = rest[slash..].find('?').map_or("", |q| &rest[slash + q..]);
    format!("{scheme}://{}/{name}{query}", &rest[..slash])
}

impl TestDb {
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to the test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}
