//! The command line's standard output as scripts and pipes see it: a reader
//! that goes away ends ardesk quietly, and `customers` streams its rows.

mod support;

use ardesk::domain::Currency;
use ardesk::domain::status::ImportSource;
use ardesk::store::seed::NewCustomer;
use ardesk::store::{OpenMode, Store};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

/// A database of `n` customers (Stripe-imported, so every JSON key has a
/// value), each with a long legal name.
fn customers_db(dir: &std::path::Path, n: usize) -> String {
    let path = dir.join(format!("c{n}.db"));
    let mut store = Store::open(&path, OpenMode::Create).unwrap();
    let s = store.seeder().unwrap();
    for i in 0..n {
        let (name, ext) = (format!("Customer {i:06}"), format!("cus_{i:06}"));
        let legal = format!("{name} Holdings International Limited, Registered Office Division {i}");
        s.customer(&NewCustomer {
            name: &name,
            legal_name: &legal,
            billing_email: "",
            currency: if i % 3 == 0 { Currency::EUR } else { Currency::USD },
            import: Some((ImportSource::Stripe, &ext, None)),
            invoices_paused: i % 7 == 0,
            portal: i % 5 == 0,
        })
        .unwrap();
    }
    s.commit().unwrap();
    path.to_str().unwrap().to_string()
}

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
        &["--db", &db, "org"],
        &["--db", &db, "org", "--json"],
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

/// Runs ardesk to completion; returns its output and peak RSS in KiB, as
/// GNU time reports it. (The test's own `wait4` would not do: a child
/// spawned from this process counts this process's memory as its own until
/// it execs.)
fn run_measured(args: &[String]) -> (Vec<u8>, i64) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("rss");
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(support::bin())
        .args(args)
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?} failed");
    let rss = std::fs::read_to_string(&report).unwrap();
    (out.stdout, rss.trim().parse().unwrap())
}

/// `ardesk customers --json` (and the table) write one customer at a time:
/// twenty times the customers costs no more memory (the whole list used to
/// be held, 260 MB at 100k customers). The JSON is byte for byte what
/// serde_json's pretty printer makes of the whole list.
#[test]
fn customers_streams_in_flat_memory_and_the_json_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (small, large) = (customers_db(dir.path(), 1_000), customers_db(dir.path(), 20_000));
    for json in [true, false] {
        let args = |db: &str| {
            let mut a = vec!["--db", db, "--today", support::TODAY, "customers"];
            a.extend(json.then_some("--json"));
            a.into_iter().map(String::from).collect::<Vec<_>>()
        };
        let (out_small, rss_small) = run_measured(&args(&small));
        let (out_large, rss_large) = run_measured(&args(&large));
        assert!(out_large.len() > 15 * out_small.len(), "the large list is written whole");
        eprintln!("customers json={json}: {rss_small} KiB for 1,000, {rss_large} KiB for 20,000");
        assert!(
            rss_large - rss_small < 8 * 1024,
            "json={json}: {rss_small} KiB for 1,000 customers, {rss_large} KiB for 20,000: memory grows with the list"
        );
        if json {
            let text = String::from_utf8(out_large).unwrap();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v.as_array().unwrap().len(), 20_000);
            assert_eq!(text, serde_json::to_string_pretty(&v).unwrap() + "\n", "the same bytes as before");
            let keys: Vec<&str> = v[0].as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                [
                    "id",
                    "name",
                    "legal_name",
                    "currency",
                    "import_source",
                    "external_id",
                    "external_url",
                    "invoices_paused",
                    "portal",
                    "outstanding",
                    "overdue"
                ]
            );
        }
    }
}

/// An empty database lists as `[]`, as serde_json writes an empty list.
#[test]
fn no_customers_is_an_empty_json_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = customers_db(dir.path(), 0);
    let (code, out, err) = support::run(&["--db", &db, "customers", "--json"]);
    assert_eq!((code, out.as_str()), (0, "[]\n"), "{err}");
}

/// Each tab subcommand's `--help` lists its own filter fields and an
/// example that runs (the invoice example used to show under contacts,
/// where it fails: contacts have no status).
#[test]
fn every_tab_subcommand_shows_its_own_fields_and_a_working_example() {
    let db = support::demo_db().to_str().unwrap().to_string();
    for (tab, field) in [
        ("invoices", "due"),
        ("contracts", "terms"),
        ("payments", "reference"),
        ("contacts", "role"),
        ("documents", "size"),
        ("activity", "who"),
    ] {
        let (code, out, err) = support::run(&[tab, "--help"]);
        assert_eq!(code, 0, "{err}");
        let fields = out.lines().find(|l| l.starts_with("Filter fields: ")).unwrap_or_else(|| panic!("{tab}: {out}"));
        assert!(fields.split(' ').any(|f| f == field), "{tab}: {fields}");
        let example = out.lines().find_map(|l| l.strip_prefix("Example: ardesk ")).unwrap();
        assert!(example.starts_with(tab), "{tab}: {example}");
        // Run it as a shell would split it.
        let words: Vec<String> = example
            .split('\'')
            .enumerate()
            .flat_map(|(i, part)| {
                if i % 2 == 1 { vec![part.to_string()] } else { part.split_whitespace().map(str::to_string).collect() }
            })
            .collect();
        let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
        args.extend(["--db", &db, "--today", support::TODAY]);
        let (code, _, err) = support::run(&args);
        assert_eq!(code, 0, "{tab}: {example}: {err}");
    }
}

/// A dry run writes nothing, so it does not create the database either.
#[test]
fn a_dry_run_does_not_create_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let file = format!("{}/tests/fixtures/import/hubspot/companies_en.csv", env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) = support::run(&["--db", db.to_str().unwrap(), "import", "--dry-run", &file]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("dry run: nothing was written"), "{out}");
    assert!(err.contains("does not exist: the dry run is against an empty database, and nothing is created"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file made");
}

/// Issue 14 (day one): `ardesk customer cus_…` was refused though the bare
/// id names one customer; a bare id two sources share asks which.
#[test]
fn a_customer_is_found_by_its_bare_source_id_when_it_is_unambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let db = customers_db(dir.path(), 3);
    let by_id = support::run(&["--db", &db, "customer", "2", "--json"]);
    let bare = support::run(&["--db", &db, "customer", "cus_000001", "--json"]);
    assert_eq!(by_id.0, 0, "{}", by_id.2);
    assert_eq!(bare, by_id);
    let (code, _, err) = support::run(&["--db", &db, "customer", "cus_999999"]);
    assert_ne!(code, 0);
    assert!(err.contains("\"cus_999999\" is neither a customer id nor a source's id of a customer"), "{err}");
    // The same id in a second source: ambiguous.
    let mut store = Store::open(std::path::Path::new(&db), OpenMode::MustExist).unwrap();
    let s = store.seeder().unwrap();
    s.customer(&NewCustomer {
        name: "Twin",
        legal_name: "",
        billing_email: "",
        currency: Currency::USD,
        import: Some((ImportSource::HubSpot, "cus_000001", None)),
        invoices_paused: false,
        portal: false,
    })
    .unwrap();
    s.commit().unwrap();
    drop(store);
    let (code, _, err) = support::run(&["--db", &db, "customer", "cus_000001"]);
    assert_ne!(code, 0);
    assert!(err.contains("several sources; say which: hubspot:cus_000001, stripe:cus_000001"), "{err}");
}
