//! The customers list of thousands of customers, the real binary in a
//! pseudo-terminal at 80×24 (issue 19): the count arrives from the reading
//! thread, Overdue ranks there, and a search of a common word and of a
//! rare one shows exactly the customers the database holds.

mod support;

use support::{TODAY, Tui, bin};

const CUSTOMERS: u64 = 5_000;

fn crowd(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("crowd.db");
    let out = std::process::Command::new(bin())
        .args(["--db", path.to_str().unwrap(), "demo", "--today", TODAY, "--customers", &CUSTOMERS.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    path
}

/// The status line: "N of M · sorted by …".
fn status(screen: &str) -> String {
    screen.lines().find(|l| l.contains(" · sorted by ")).unwrap_or_default().trim().to_string()
}

#[test]
fn thousands_of_customers_sort_and_search_in_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = crowd(dir.path());
    let c = rusqlite::Connection::open(&db).unwrap();
    let all: i64 = c.query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).unwrap();
    let all_text = ardesk::domain::money::group_thousands(all as u64);

    let mut tui = Tui::start(&["--db", db.to_str().unwrap(), "--today", TODAY], 80, 24);
    let screen =
        tui.wait(&format!("the count, {all_text}"), |s| status(s).starts_with(&format!("{all_text} of {all_text}")));
    assert!(screen.contains(&format!("Customers ({all_text})")), "{screen}");

    // Typed ahead in one go, as a paste or a fast typist types: the search
    // of a customer's id, Enter, and Enter again open the one customer it
    // finds (the rows put off while typing are read when the line is left; by
    // name, an order read in line, not ranked on the reading thread).
    let (external, name): (String, String) = c
        .query_row(
            "SELECT c.external_id, c.name FROM customers c WHERE length(c.external_id) >= 8
             AND (SELECT count(*) FROM customers d WHERE d.name || ' ' || coalesce(d.legal_name, '') || ' '
                  || coalesce(d.billing_email, '') || ' ' || coalesce(d.external_id, '') || ' '
                  || coalesce(d.import_source, '') || ' ' || d.currency LIKE '%' || c.external_id || '%') = 1
             ORDER BY c.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    tui.send(&format!("/\x15{external}\r\r"));
    let start: String = name.chars().take(20).collect();
    tui.wait(&format!("{name}'s page"), |s| s.contains(&start) && !s.contains(" · sorted by "));
    tui.send("q");
    tui.wait("the list again", |s| status(s).starts_with(&format!("1 of {all_text}")));
    tui.send("\x1b");
    tui.wait("the search cleared", |s| status(s).starts_with(&format!("{all_text} of {all_text}")));

    // s through Legal name, Source, Currency, Outstanding to Overdue, most
    // first: the customer owing the most overdue in the last currency
    // (USD, currencies descending too) is on top once the ranking is in.
    for _ in 0..5 {
        tui.send("s");
    }
    let screen = tui.wait("Overdue ranked", |s| status(s).ends_with("sorted by Overdue ↓"));
    let (top, overdue): (String, i64) = c
        .query_row(
            "SELECT c.name, sum(d.open_minor) AS o FROM customer_due_summary d
             JOIN customers c ON c.id = d.customer_id AND c.currency = d.currency
             WHERE d.due_date < ?1 AND c.currency = 'USD' GROUP BY c.id ORDER BY o DESC, c.name DESC, c.id DESC LIMIT 1",
            [TODAY],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let first = screen.lines().find(|l| l.starts_with('▶')).unwrap_or_default();
    let shown = ardesk::domain::Money::new(overdue, ardesk::domain::Currency::USD).display();
    let start: String = top.chars().take(20).collect();
    assert!(first.contains(&start) && first.contains(&shown), "{top} {shown} first:\n{screen}");

    // A common word and a rare one: the count on screen is the
    // database's, and every row shown holds the word.
    for word in ["harbor", "müller", "zzzq"] {
        tui.send("/");
        tui.wait_for("Search:");
        tui.send("\x15"); // Ctrl-U: the field emptied
        tui.send(word);
        tui.send("\r");
        let like = format!("%{word}%");
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM customers WHERE name || ' ' || coalesce(legal_name, '') || ' '
                 || coalesce(billing_email, '') || ' ' || coalesce(external_id, '') || ' '
                 || coalesce(import_source, '') || ' ' || currency LIKE ?1",
                [&like],
                |r| r.get(0),
            )
            .unwrap();
        let want = format!("{} of {all_text}", ardesk::domain::money::group_thousands(n as u64));
        let screen = tui.wait(&format!("{word}: {want}"), |s| status(s).starts_with(&want) && !s.contains("Searching"));
        if n == 0 {
            assert!(screen.contains("No customer matches the search"), "{screen}");
        } else {
            let rows: Vec<&str> = screen.lines().filter(|l| l.starts_with('▶') || l.starts_with("  ")).collect();
            assert!(!rows.is_empty(), "{screen}");
        }
    }
    tui.send("\x1b");
    tui.wait("the search cleared", |s| status(s).starts_with(&format!("{all_text} of {all_text}")));

    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
