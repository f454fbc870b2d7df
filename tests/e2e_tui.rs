//! The real binary in a pseudo-terminal: open a customer, read the header
//! and a metric back, survive a resize to 20×5, quit cleanly.

mod support;

use ardesk::domain::money::{Currency, Money, parse_amount};
use support::{TODAY, Tui, demo_db, run};

#[test]
fn opens_a_customer_and_shows_its_metrics() {
    let db = demo_db().to_str().unwrap().to_string();
    let (code, json, err) = run(&["customer", "1", "--json", "--db", &db, "--today", TODAY]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let name = v["name"].as_str().unwrap().to_string();
    let legal = v["legal_name"].as_str().unwrap().to_string();
    let cur: Currency = v["currency"].as_str().unwrap().parse().unwrap();
    let outstanding = v["metrics"]["outstanding"].as_str().unwrap();
    let shown_outstanding = Money::new(parse_amount(outstanding, cur).unwrap(), cur).display();

    let mut tui = Tui::start(&["--db", &db, "--today", TODAY], 120, 40);
    tui.wait_for("Customers (");
    // Search for the customer by name and open it.
    tui.send("/");
    tui.wait_for("Search:");
    tui.send(&name);
    tui.send("\r");
    tui.wait(&format!("{name} as the only match"), |s| s.contains(" 1 of "));
    tui.send("\r");
    // The whole page, not a frame caught half drawn: the tab bar comes last.
    let screen = tui.wait_page();
    assert!(screen.contains(&format!("{name} ✎")), "header shows the name:\n{screen}");
    assert!(screen.contains(&legal), "header shows the legal name:\n{screen}");
    assert!(screen.contains(&shown_outstanding), "Outstanding {shown_outstanding} on screen:\n{screen}");
    assert!(screen.contains("1 Invoices ("), "tabs with counts:\n{screen}");

    // Shrink to 20×5 and back: still running and readable.
    tui.resize(20, 5);
    std::thread::sleep(std::time::Duration::from_millis(300));
    tui.resize(120, 40);
    let screen = tui.wait_page();
    assert!(screen.contains(&shown_outstanding));

    // Back to the list, then quit: exit 0 and the alternate screen is left.
    tui.send("q");
    tui.wait_for("Customers (");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
    let raw = tui.wait_raw("\x1b[?1049l");
    assert!(raw.contains("\x1b[?1049l"), "alternate screen left");
}

/// The Outstanding card's amount on screen.
fn outstanding(screen: &str) -> String {
    let line = screen.lines().find(|l| l.contains("Outstanding")).expect("Outstanding card");
    let col = line.find("Outstanding").unwrap();
    let below = screen.lines().skip_while(|l| !l.contains("Outstanding")).nth(1).unwrap();
    below
        .chars()
        .skip(line[..col].chars().count())
        .take(20)
        .collect::<String>()
        .trim()
        .trim_matches('│')
        .trim()
        .to_string()
}

/// Outstanding and overdue of customer 1 as `ardesk customer 1 --json` gives them.
fn outstanding_json(db: &str) -> (String, String) {
    let (code, json, err) = run(&["customer", "1", "--json", "--db", db, "--today", TODAY]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let m = &v["metrics"];
    (m["outstanding"].as_str().unwrap().to_string(), m["overdue"].as_str().unwrap().to_string())
}

#[test]
fn create_an_invoice_then_cancel_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    std::fs::copy(demo_db(), &db).unwrap();
    let db = db.to_str().unwrap();
    // The demo's Acme Corp as of 2026-03-01 owes $14,911.00, $14,561.00 of it overdue.
    assert_eq!(outstanding_json(db), ("14911.00".into(), "14561.00".into()));
    let mut tui = Tui::start(&["--db", db, "--today", TODAY, "--customer", "1"], 120, 40);
    let screen = tui.wait_page();
    assert_eq!(outstanding(&screen), "$14,911.00", "{screen}");
    tui.send("i");
    tui.wait_for("Create invoice");
    for _ in 0..6 {
        tui.send("\t");
    }
    // Two lines make the total: Enter adds a row, Enter on an empty one
    // moves on.
    tui.send("Seats; 4 x 200\r");
    tui.send("Setup; 200\r");
    tui.wait_for("2 lines · $1,000.00");
    tui.send("\r");
    tui.send("\x13"); // Ctrl-S
    // An open $1,000.00 invoice issued today, due in 30 days: Outstanding
    // grows by exactly that, and none of it is overdue.
    let screen = tui.wait_for("Created invoice");
    assert_eq!(outstanding(&screen), "$15,911.00", "{screen}");
    assert_eq!(outstanding_json(db), ("15911.00".into(), "14561.00".into()));
    // The newest invoice is the first row; the cursor stayed on its row.
    tui.send("g");
    tui.wait_for("▶ ☐ INV-");
    tui.send(" ");
    tui.wait_for("1 selected, $1,000.00");
    tui.send("x");
    tui.wait_for("Cancel 1 invoice totalling $1,000.00?");
    tui.send("y");
    let screen = tui.wait_for("Cancelled 1 invoice");
    assert_eq!(outstanding(&screen), "$14,911.00", "Outstanding is back:\n{screen}");
    assert_eq!(outstanding_json(db), ("14911.00".into(), "14561.00".into()));
    let (code, out, _) = run(&["check", "--db", db, "--today", TODAY]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for sig in ["TERM", "HUP", "QUIT"] {
        let db = demo_db().to_str().unwrap().to_string();
        let mut tui = Tui::start(&["--db", &db, "--today", TODAY], 80, 24);
        tui.wait_for("Customers (");
        assert!(!tui.line_mode(), "ardesk runs in raw mode");
        tui.signal(sig);
        assert_eq!(tui.wait_exit(), 0, "SIG{sig} ends ardesk cleanly");
        let raw = tui.wait_raw("\x1b[?1049l");
        assert!(raw.contains("\x1b[?1049l"), "SIG{sig}: the alternate screen is left");
        assert!(tui.line_mode(), "SIG{sig}: raw mode is switched off");
    }
}

#[test]
fn quitting_gives_the_shell_its_terminal_back() {
    let db = demo_db().to_str().unwrap().to_string();
    let mut tui = Tui::start(&["--db", &db, "--today", TODAY], 80, 24);
    tui.wait_for("Customers (");
    assert!(!tui.line_mode(), "ardesk runs in raw mode");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
    let raw = tui.wait_raw("\x1b[?1049l");
    assert!(raw.contains("\x1b[?1049l"), "the alternate screen is left");
    assert!(raw.rfind("\x1b[?25h") > raw.rfind("\x1b[?25l"), "the cursor is shown again");
    assert!(tui.line_mode(), "canonical input and echo are back on");
}

#[test]
fn no_terminal_or_dumb_terminal_gets_a_clear_message() {
    let db = demo_db().to_str().unwrap().to_string();
    let (code, out, err) = run(&["--db", &db]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err.trim_end(),
        "ardesk: ardesk needs an interactive terminal; for scripts use the subcommands \
         (ardesk customers --json, ardesk customer ID --json)"
    );
    assert!(out.is_empty(), "{out}");
    // TERM=dumb in a real terminal (without one, the check above speaks
    // first): the message, exit 2, and the screen never switched.
    let mut tui = Tui::start_env(&["--db", &db, "--today", TODAY], &[("TERM", "dumb")], 80, 24);
    assert_eq!(tui.wait_exit(), 2);
    let said = "TERM=dumb cannot show ardesk's screens; set TERM (e.g. xterm-256color) or use the subcommands";
    let raw = tui.wait_raw(said);
    assert!(raw.contains(&format!("ardesk: {said}")), "{raw:?}");
    assert!(!raw.contains("\x1b[?1049h"), "no alternate screen on a dumb terminal: {raw:?}");
}

#[test]
fn a_panic_restores_the_terminal_and_says_what_happened() {
    let db = demo_db().to_str().unwrap().to_string();
    let mut tui = Tui::start_env(&["--db", &db, "--today", TODAY], &[("ARDESK_FORCE_PANIC", "1")], 80, 24);
    assert_ne!(tui.wait_exit(), 0);
    let raw = tui.wait_raw("forced panic");
    let left = raw.rfind("\x1b[?1049l").expect("alternate screen left");
    let said = raw.rfind("forced panic").expect("the panic is reported");
    assert!(left < said, "the report is printed on the restored terminal");
    assert!(tui.line_mode(), "raw mode is switched off before the report");
}

#[test]
fn resize_storm_and_tiny_sizes_keep_it_running() {
    let db = demo_db().to_str().unwrap().to_string();
    let mut tui = Tui::start(&["--db", &db, "--today", TODAY, "--customer", "1"], 100, 30);
    tui.wait_page();
    for i in 0..60u16 {
        tui.resize(1 + (i * 7) % 130, 1 + (i * 5) % 45);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    tui.resize(100, 30);
    tui.wait_page();
    tui.send("q");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn damaged_databases_get_one_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    // A demo database cut in half.
    let cut = dir.path().join("cut.db");
    let full = std::fs::read(demo_db()).unwrap();
    std::fs::write(&cut, &full[..full.len() / 2]).unwrap();
    // `check` found a problem: it lists it (exit 1); 2 is for a file it
    // could not check at all.
    let (code, out, err) = run(&["check", "--db", cut.to_str().unwrap(), "--today", TODAY]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.starts_with("problem: ") && out.contains("is damaged"), "{out}");
    assert!(!err.contains("panicked"), "{err}");
    // A header overwritten with garbage.
    let bad = dir.path().join("bad.db");
    let mut bytes = full.clone();
    bytes[..100].fill(0x41);
    std::fs::write(&bad, &bytes).unwrap();
    let (code, _, err) = run(&["customers", "--db", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("is not an ardesk database (the file is not an SQLite database)"), "{err}");
    assert_eq!(std::fs::read(&bad).unwrap(), bytes, "left untouched");
    // Missing with --no-create.
    let (code, _, err) = run(&["customers", "--no-create", "--db", dir.path().join("none.db").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn o_shows_the_source_link_as_a_hyperlink_and_copies_it() {
    let db = demo_db().to_str().unwrap().to_string();
    let (_, json, _) = run(&["customer", "1", "--json", "--db", &db, "--today", TODAY]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let url = v["external_url"].as_str().unwrap().to_string();
    let mut tui = Tui::start(&["--db", &db, "--today", TODAY, "--customer", "1"], 120, 40);
    tui.wait_page();
    tui.send("o");
    // Both, not the first line drawn: a frame caught half drawn under load
    // can hold one without the other.
    let screen = tui.wait("the menu with its link", |s| s.contains("View in Stripe") && s.contains(&url));
    assert!(screen.contains(&url), "{screen}");
    let raw = tui.wait_raw(&format!("\x1b]8;;{url}\x1b\\View in Stripe\x1b]8;;\x1b\\"));
    assert!(raw.contains(&format!("\x1b]8;;{url}\x1b\\View in Stripe")), "OSC 8 hyperlink written");
    assert!(raw.contains("\x1b]52;c;"), "OSC 52 copy written");
}

/// At 80×24 in a real terminal: the page keeps twelve rows and more, the
/// columns that do not fit are reached by panning (→ shows the contract
/// period, ← comes back), sorting by a hidden column brings it into view
/// with its arrow, and `v` shows the selected row whole.
#[test]
fn eighty_by_twenty_four_reaches_every_column() {
    let db = demo_db().to_str().unwrap().to_string();
    let mut tui = Tui::start(&["--db", &db, "--today", TODAY, "--customer", "1"], 80, 24);
    tui.wait_page();
    // The whole first window, not the first frame that shows the page: one
    // caught half drawn under load holds fewer rows.
    let rows_of = |s: &str| s.lines().filter(|l| l.contains("☐ INV-")).count();
    let screen = tui.wait("twelve invoice rows", |s| rows_of(s) >= 12);
    let header = |s: &str| s.lines().find(|l| l.contains("Number")).unwrap_or_default().to_string();
    assert!(!header(&screen).contains("Period"), "Period does not fit at first:\n{screen}");
    assert!(header(&screen).ends_with('»'), "a marker says more columns lie right:\n{screen}");
    let rows = screen.lines().filter(|l| l.contains("☐ INV-")).count();
    assert!(rows >= 12, "at least twelve invoice rows at 80×24, got {rows}:\n{screen}");
    for _ in 0..6 {
        tui.send("l");
    }
    let screen = tui.wait("Period panned into view", |s| header(s).contains("Period"));
    assert!(header(&screen).starts_with('«'), "a marker says columns lie left:\n{screen}");
    for _ in 0..6 {
        tui.send("\x1b[D"); // ←
    }
    tui.wait("back at the first columns", |s| header(s).contains("Total"));
    // Date ↓ is the default; s steps Due, Status, Contract, then Period.
    tui.send("ssss");
    let screen = tui.wait("sorted by Period", |s| header(s).contains("Period ↓") || header(s).contains("Period ↑"));
    assert!(screen.contains("→") || screen.contains(" 20"), "period values on screen:\n{screen}");
    tui.send("v");
    let screen = tui.wait_for("Period  ");
    assert!(screen.contains("Number"), "the row view lists the columns:\n{screen}");
    tui.send("\x1b");
    // Esc and q sent together would read as Alt-q.
    tui.wait("the row view closed", |s| !s.contains("Enter/Esc/q close"));
    tui.send("q");
    tui.wait_for("Customers (");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

/// Issue 17 in a real terminal: `t`, the end of last month, and the page
/// says "as of" it with the figures of that day (as the command line gives
/// them); a key that writes is refused; an empty date returns to today.
#[test]
fn the_books_as_of_last_month_end_in_a_terminal() {
    let db = demo_db().to_str().unwrap().to_string();
    let (code, out, err) = support::run(&["customer", "1", "--json", "--db", &db, "--as-of", "2026-02-28"]);
    assert_eq!(code, 0, "{err}");
    let then: serde_json::Value = serde_json::from_str(&out).unwrap();
    let outstanding = then["metrics"]["outstanding"].as_str().unwrap().to_string();
    let mut tui = Tui::start(&["--db", &db, "--today", TODAY, "--customer", "1"], 80, 24);
    tui.wait_page();
    tui.send("t");
    tui.wait_for("Books as of a date");
    tui.send("\x13"); // Ctrl-S: the end of last month, offered
    // The message that says it has read them, not the one that says it
    // is computing them ("Computing the books as of …").
    let s = tui.wait_for("The books as of 2026-02-28, read-only");
    let (units, cents) = outstanding.split_once('.').unwrap();
    let shown = format!("${}.{cents}", ardesk::domain::money::group_thousands(units.parse().unwrap()));
    assert!(s.contains(&shown), "Outstanding {shown} as the command line says:\n{s}");
    tui.send("i");
    tui.wait_for("nothing can be changed");
    tui.send("\x1b");
    tui.wait("the refusal closed", |s| !s.contains("nothing can be changed"));
    tui.send("t");
    tui.wait_for("Books as of a date");
    tui.send("\x15\x13"); // Ctrl-U, Ctrl-S: back to today
    tui.wait_for("as they are today");
    tui.send("q");
    tui.send("q");
}

/// Issue 18 in a real terminal at 80×24: the Conversations tab, a call
/// logged with a promise to pay on a new conversation, its thread, an
/// invoice of it paused for 30 days, and the invoice's detail saying both.
#[test]
fn a_call_with_a_promise_and_a_pause_in_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    std::fs::copy(demo_db(), &db).unwrap();
    let db = db.to_str().unwrap();
    let (code, out, err) =
        run(&["invoices", "--customer", "1", "--filter", "status:open", "--format", "json", "--db", db]);
    assert_eq!(code, 0, "{err}");
    let open: serde_json::Value = serde_json::from_str(&out).unwrap();
    let number = open[0]["number"].as_str().unwrap().to_string();
    let mut tui = Tui::start(&["--db", db, "--today", TODAY, "--customer", "1"], 80, 24);
    tui.wait_page();
    tui.send("7");
    tui.wait_for("Conversations");
    tui.send("n");
    tui.wait_for("Log on a new conversation");
    tui.send("Promise call\t\t\t\tCalled Dana; she promised $50.\t\t");
    tui.send(&format!("{number}\t\t50\t2026-03-06"));
    tui.send("\x13"); // Ctrl-S
    tui.wait_for("promise to pay $50.00 by 2026-03-06");
    tui.send("g\r");
    // The whole thread, not its title caught before the rest of the frame
    // (seen once under load: the title over the list's old rows).
    tui.wait("the thread", |s| {
        s.contains("Conversation: Promise call") && s.contains("Called Dana; she promised $50.")
    });
    let s = tui.wait_for("Conversation: Promise call");
    assert!(s.contains("Called Dana; she promised $50.") && s.contains("open · $50.00 by 2026-03-06"), "{s}");
    tui.send("p");
    tui.wait_for("Pause collections on");
    tui.send("\t\tdisputed\x13");
    tui.wait_for("Paused collections on");
    tui.send("\r");
    let s = tui.wait_for(&format!("Invoice {number}  "));
    assert!(s.contains("Paused    until 2026-03-31 · disputed"), "{s}");
    let (code, out, _) = run(&["check", "--db", db, "--today", TODAY]);
    assert_eq!(code, 0, "{out}");
    tui.send("q");
    tui.send("q");
}
