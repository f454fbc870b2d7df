//! The command line's standard output as scripts and pipes see it: a reader
//! that goes away ends ardesk quietly.

mod support;

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

/// Standard output whose reader has already gone: the first write fails.
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills two descriptors this test then owns.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both are open and owned by nobody else.
    let (read, write) = unsafe {
        use std::os::fd::{FromRawFd, OwnedFd};
        (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1]))
    };
    drop(read);
    Stdio::from(write)
}

/// `ardesk customers | head` (and every other command that writes to
/// standard output): when the reader goes away ardesk ends as Unix tools do,
/// killed by SIGPIPE with nothing on standard error. It used to print
/// "Broken pipe (os error 32)" and exit 2.
#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = support::demo_db().to_str().unwrap().to_string();
    let copy = dir.path().join("copy.db");
    std::fs::copy(&db, &copy).unwrap();
    let copy = copy.to_str().unwrap();
    let csv = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/stripe/customers_default_2023.csv");
    let demo = dir.path().join("new-demo.db");
    let runs: &[&[&str]] = &[
        &["--db", &db, "customers"],
        &["--db", &db, "customers", "--json"],
        &["--db", &db, "customer", "1"],
        &["--db", &db, "customer", "1", "--json"],
        &["--db", &db, "invoices", "--customer", "1"],
        &["--db", &db, "payments", "--customer", "1", "--format", "json"],
        &["--db", &db, "activity", "--customer", "1"],
        &["--db", &db, "export", "--customer", "1"],
        &["--db", &db, "config"],
        &["--db", &db, "config", "--json"],
        &["--db", &db, "check"],
        &["--db", copy, "import", "--dry-run", csv.to_str().unwrap()],
        &["--db", demo.to_str().unwrap(), "demo"],
        &["--help"],
    ];
    for args in runs {
        let out = Command::new(support::bin())
            .args(*args)
            .args(["--today", support::TODAY])
            .stdout(closed_pipe())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{args:?}: {:?}, stderr: {err}", out.status);
        assert!(err.is_empty(), "{args:?}: nothing on standard error, got {err:?}");
    }
}
