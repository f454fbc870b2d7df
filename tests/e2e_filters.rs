//! Substring filters through the trigram indexes (issue 19), the real
//! binary in a pseudo-terminal at 80×24 on the demo's big customer: a
//! number that matches nothing says so, a piece of a number shows the
//! database's count and sum, and the Payments tab finds references the
//! same way.

mod support;

use support::{TODAY, Tui, bin};

const INVOICES: u64 = 20_000;

fn status(screen: &str, tab: &str) -> String {
    screen
        .lines()
        .find(|l| l.trim_start().starts_with(tab) && l.contains(" of "))
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[test]
fn filters_find_numbers_and_references_in_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    let out = std::process::Command::new(bin())
        .args(["--db", db.to_str().unwrap(), "demo", "--today", TODAY, "--invoices", &INVOICES.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c = rusqlite::Connection::open(&db).unwrap();
    let id: i64 = c.query_row("SELECT id FROM customers WHERE name = 'Globex Megastore'", [], |r| r.get(0)).unwrap();

    let mut tui = Tui::start(&["--db", db.to_str().unwrap(), "--today", TODAY, "--customer", &id.to_string()], 80, 24);
    tui.wait("the invoices", |s| status(s, "Invoices").contains(&ardesk::domain::money::group_thousands(INVOICES)));
    let filter = |tui: &mut Tui, text: &str| {
        tui.send("/");
        tui.wait_for("Filter:");
        tui.send("\x15"); // Ctrl-U: the field emptied
        tui.send(text);
        tui.send("\r");
    };

    filter(&mut tui, "number:zzz");
    tui.wait_for("Nothing matches the filter");

    // A piece of a number: the count and Σ total the database gives.
    let (n, total): (i64, i64) = c
        .query_row(
            "SELECT count(*), coalesce(sum(CASE WHEN status <> 'cancelled' THEN total_minor END), 0) FROM invoices
             WHERE customer_id = ?1 AND number LIKE '%inv-0101%'",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(n > 0);
    filter(&mut tui, "inv-0101");
    let want = format!(" of {} ", ardesk::domain::money::group_thousands(n as u64));
    let screen = tui.wait(&format!("inv-0101:{want}"), |s| status(s, "Invoices").contains(&want));
    let sum = ardesk::domain::Money::new(total, ardesk::domain::Currency::USD).display();
    assert!(status(&screen, "Invoices").contains(&sum), "Σ {sum}:\n{screen}");
    assert!(screen.lines().filter(|l| l.contains("INV-")).all(|l| l.contains("INV-0101")), "{screen}");

    // Payments: a reference that matches nothing, then a piece of one.
    tui.send("3");
    tui.wait("the payments", |s| status(s, "Payments").contains(" of "));
    filter(&mut tui, "ref:zzz");
    tui.wait_for("Nothing matches the filter");
    let reference: String = c
        .query_row(
            "SELECT reference FROM payments WHERE customer_id = ?1 AND length(reference) >= 8 LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    let piece: String = reference.chars().skip(2).take(6).collect();
    let n: i64 = c
        .query_row(
            "SELECT (SELECT count(*) FROM payments WHERE customer_id = ?1 AND reference LIKE ?2)
                  + (SELECT count(*) FROM credits WHERE customer_id = ?1
                     AND CASE WHEN kind = 'credit_note' THEN number ELSE reason END LIKE ?2)",
            (id, format!("%{piece}%")),
            |r| r.get(0),
        )
        .unwrap();
    filter(&mut tui, &piece);
    let want = format!(" of {}", ardesk::domain::money::group_thousands(n as u64));
    tui.wait(&format!("{piece}:{want}"), |s| {
        let st = status(s, "Payments");
        st.contains(&format!("{want} ")) || st.ends_with(&want)
    });
    tui.send("q");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
