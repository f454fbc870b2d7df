//! Collections on the customer page (issue 18), driven by keys through the
//! real keymap at 80×24 and 120×40 on a copy of the demo database: the
//! Auto-Resolved card opens the conversations it counts, a call is logged
//! on a new conversation with a promise to pay, its thread shows it, an
//! invoice of it is paused for 30 days, and the invoice's detail and the
//! Activity tab show all of it — each checked against the rows written.

mod support;

use ardesk::app::App;
use ardesk::store::{Books, OpenMode};
use ratatui::layout::Rect;
use support::backends::{db_arg, demo_into, number, text, texts};
use support::fixture::d;
use support::keys::{flat, press, render};
use support::{TODAY, run};

/// The app on its own connection to `b`'s books.
fn app_on(b: &Books, today: &str, w: u16, h: u16) -> App {
    let store = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    App::new(store, d(today), Rect::new(0, 0, w, h)).unwrap()
}

/// `s` as an SQL string literal.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// Lets the reading thread answer what the screen asked for.
fn settle(app: &mut App) {
    for _ in 0..200 {
        app.tick();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

on_both! {
fn the_auto_resolved_card_opens_the_conversations_it_counts(b: &mut Books) {
    demo_into(b);
    let db = &db_arg(b);
    let m = json(&["customer", "1", "--json", "--db", db, "--today", TODAY]);
    let (n, total) = (
        m["metrics"]["auto_resolved"]["resolved"].as_i64().unwrap(),
        m["metrics"]["auto_resolved"]["total"].as_i64().unwrap(),
    );
    assert!(n > 0 && total > n, "the demo has agent-resolved and other conversations: {n} of {total}");
    // The card's N is the rows of `status:resolved resolved_by:agent`, its
    // M every row of the tab.
    let rows = |filter: &str| -> i64 {
        let mut args = vec!["conversations", "--customer", "1", "--format", "json", "--db", db, "--today", TODAY];
        if !filter.is_empty() {
            args.extend(["--filter", filter]);
        }
        json(&args).as_array().unwrap().len() as i64
    };
    assert_eq!(rows("status:resolved resolved_by:agent"), n);
    assert_eq!(rows(""), total);
    // Each row names its id, which `ardesk conversation ID` takes.
    let listed = json(&["conversations", "--customer", "1", "--format", "json", "--db", db, "--today", TODAY]);
    let first = &listed[0];
    let id = first["id"].as_str().unwrap();
    let one = json(&["conversation", id, "--json", "--db", db, "--today", TODAY]);
    assert_eq!(one["subject"], first["subject"]);
    assert_eq!(one["id"].to_string(), id);
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = app_on(b, TODAY, w, h);
        app.open_customer(1);
        let s = render(&app, w, h);
        assert!(s.contains(&format!("{n} of {total}")), "{w}×{h}: the card:\n{s}");
        let at = ardesk::view::figures::targets(app.org.show_credit_balance)
            .iter()
            .position(|t| t.name == "Auto-Resolved")
            .unwrap();
        press(&mut app, &["f"]);
        for _ in 0..at {
            press(&mut app, &["Down"]);
        }
        press(&mut app, &["Enter"]);
        settle(&mut app);
        let s = render(&app, w, h);
        assert!(s.contains("status:resolved resolved_by:agent"), "{w}×{h}: the filter in the bar:\n{s}");
        assert!(s.contains(&format!("of {n}")), "{w}×{h}: {n} rows:\n{s}");
        assert!(!s.contains("│ Open ") && !s.contains(" Person"), "{w}×{h}: only the agent's:\n{s}");
    }
}
}

on_both! {
fn a_call_with_a_promise_then_a_pause_seen_everywhere_at_80x24(b: &mut Books) {
    call_promise_pause(b, 80, 24);
}

fn a_call_with_a_promise_then_a_pause_seen_everywhere_at_120x40(b: &mut Books) {
    call_promise_pause(b, 120, 40);
}
}

/// A call logged with a promise, its invoice paused and resumed, at `w`×`h`
/// on the demo in `b`.
fn call_promise_pause(b: &mut Books, w: u16, h: u16) {
    let promised_by = "2026-03-11";
    demo_into(b);
    let db = &db_arg(b);
    let open = json(&["invoices", "--customer", "1", "--filter", "status:open", "--format", "json", "--db", db]);
    let number = open[0]["number"].as_str().unwrap().to_string();
    let mut app = app_on(b, TODAY, w, h);
    app.open_customer(1);
    press(&mut app, &["7", "n"]);
    assert!(flat(&render(&app, w, h)).contains("Log on a new conversation"), "the form");
    press(&mut app, &["type:Overdue invoice", "Tab", "Tab", "Tab", "Tab", "type:Spoke to Dana in AP."]);
    press(&mut app, &["Tab", "type:will pay by the 11th", "Tab", &format!("type:{number}"), "Tab", "Tab"]);
    press(&mut app, &["type:100", "Tab", &format!("type:{promised_by}"), "C-s"]);
    settle(&mut app);
    let s = flat(&render(&app, w, h));
    assert!(s.contains(&format!("promise to pay $100.00 by {promised_by}")), "{w}×{h}: saved:\n{s}");
    let written = texts(
        b,
        "SELECT cv.subject, m.body, m.outcome FROM conversations cv
             JOIN conversation_messages m ON m.conversation_id = cv.id ORDER BY m.id DESC LIMIT 1",
    );
    let some = |v: &[&str]| v.iter().map(|t| Some(t.to_string())).collect::<Vec<_>>();
    assert_eq!(written, [some(&["Overdue invoice", "Spoke to Dana in AP.", "will pay by the 11th"])]);
    let promise = texts(b, "SELECT CAST(amount_minor AS TEXT), due_on FROM promises ORDER BY id DESC LIMIT 1");
    assert_eq!(promise, [some(&["10000", promised_by])]);
    // The new conversation is the latest: its thread.
    press(&mut app, &["Home", "Enter"]);
    let s = render(&app, w, h);
    assert!(s.contains("Conversation: Overdue invoice"), "{w}×{h}: the thread:\n{s}");
    assert!(s.contains("Spoke to Dana in AP.") && s.contains("Outcome: will pay by the 11th"), "{s}");
    assert!(s.contains(&format!("open · $100.00 by {promised_by}")), "{w}×{h}: the promise:\n{s}");
    assert!(s.contains(&number), "the invoice it concerns:\n{s}");
    // Pause the invoice for 30 days (the form's first choice).
    press(&mut app, &["p"]);
    assert!(flat(&render(&app, w, h)).contains(&format!("Pause collections on {number}")));
    press(&mut app, &["Tab", "Tab", "type:disputed", "C-s"]);
    settle(&mut app);
    let s = render(&app, w, h);
    assert!(s.contains("Paused · "), "{w}×{h}: the thread marks it:\n{s}");
    let until = text(b, "SELECT until_on FROM invoice_pauses ORDER BY id DESC LIMIT 1");
    assert_eq!(until, "2026-03-31", "30 days from {TODAY}");
    // Its detail: the pause and the promise.
    press(&mut app, &["Enter"]);
    let s = render(&app, w, h);
    assert!(s.contains(&format!("Invoice {number}")), "{s}");
    assert!(s.contains("until 2026-03-31"), "{w}×{h}: the pause:\n{s}");
    assert!(s.contains("open · $100.00 by"), "{w}×{h}: the promise:\n{s}");
    // The Invoices tab marks it, and `status:paused` finds it.
    press(&mut app, &["Esc", "Esc", "1", "/", "type:status:paused", "Enter"]);
    settle(&mut app);
    let s = render(&app, w, h);
    assert!(s.contains(&number) && s.contains("Paused"), "{w}×{h}: the tab:\n{s}");
    // `P` resumes it at once: its pause ends today.
    press(&mut app, &["P"]);
    settle(&mut app);
    let s = flat(&render(&app, w, h));
    assert!(s.contains(&format!("Resumed collections on {number} today")), "{w}×{h}:\n{s}");
    let ended = texts(b, "SELECT ended_on FROM invoice_pauses ORDER BY id DESC LIMIT 1");
    assert_eq!(ended, [[Some(TODAY.to_string())]]);
    // Activity: the call, the promise and the pause.
    press(&mut app, &["6"]);
    settle(&mut app);
    let s = render(&app, w, h).to_lowercase();
    assert!(s.contains("paused collections"), "{w}×{h}: activity:\n{s}");
    assert!(s.contains("promise to pay"), "{w}×{h}: activity:\n{s}");
}

on_both! {
fn resolving_and_reopening_moves_nothing_on_the_card_but_the_agents(b: &mut Books) {
    demo_into(b);
    let mut app = app_on(b, TODAY, 120, 40);
    app.open_customer(1);
    press(&mut app, &["7", "/", "type:status:open", "Enter"]);
    settle(&mut app);
    let before = render(&app, 120, 40);
    press(&mut app, &["R"]);
    let s = flat(&render(&app, 120, 40));
    assert!(s.contains("Resolve “") && s.contains("Auto-Resolved counts only what the agent resolves"), "{s}");
    press(&mut app, &["y"]);
    settle(&mut app);
    let row = texts(
        b,
        "SELECT resolved_by, resolver FROM conversations WHERE status = 'resolved'
         ORDER BY version DESC, id DESC LIMIT 1",
    );
    let [by, resolver] = &row[0][..] else { panic!("{row:?}") };
    assert_eq!(by.as_deref(), Some("person"));
    assert!(resolver.as_deref().is_some_and(|r| !r.is_empty()), "who resolved it is named");
    // The card's N did not move (a person resolved it).
    let card = |s: &str| s.lines().find(|l| l.contains(" of ")).map(str::to_string);
    assert_eq!(card(&before), card(&render(&app, 120, 40)), "Auto-Resolved counts the agent's only");
}
}

on_both! {
/// Text from a conversation is hostile like any other: escape sequences,
/// bells and carriage returns in its subject, resolver, author, body and
/// outcome reach the screen inert, on the tab, the thread and the whole
/// thread.
fn hostile_conversation_text_is_inert(b: &mut Books) {
    demo_into(b);
    let evil = "\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J\rX\u{9b}31m";
    // Written beneath the store, in SQL both dialects speak.
    let subject = quoted(&format!("Subject {evil}"));
    let id = number(
        b,
        &format!(
            "INSERT INTO conversations(customer_id, subject, channel, opened_on, status, resolved_on, resolved_by,
                                       resolver, created_at)
             VALUES (1, {subject}, 'email', '2026-02-01', 'resolved', '2026-02-02', 'person', {subject}, 'x')
             RETURNING CAST(id AS TEXT)"
        ),
    );
    let said = quoted(&format!("Body {evil}\nsecond line {evil}"));
    texts(
        b,
        &format!(
            "INSERT INTO conversation_messages(conversation_id, at, direction, kind, author_kind, author, body, outcome,
                                               created_at)
             VALUES ({id}, '2026-02-28T10:00:00Z', 'in', 'email', 'contact', {said}, {said}, {said}, 'x')"
        ),
    );
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = app_on(b, TODAY, w, h);
        app.open_customer(1);
        press(&mut app, &["7", "/", "type:subject:Subject", "Enter"]);
        settle(&mut app);
        let mut screens = vec![render(&app, w, h)];
        press(&mut app, &["Enter"]);
        screens.push(render(&app, w, h));
        press(&mut app, &["v"]);
        screens.push(render(&app, w, h));
        assert!(screens[1].contains("Conversation: Subject"), "{}", screens[1]);
        assert!(screens[2].contains("Body"), "{}", screens[2]);
        for s in &screens {
            assert!(
                !s.chars().any(|c| c.is_control() && c != '\n'),
                "{w}×{h}: a control character reached the screen:\n{s:?}"
            );
        }
    }
}
}

on_both! {
/// The customers list counts each customer's broken promises as of the
/// day it reads, and sorts by them (most first).
fn the_customers_list_shows_broken_promises(b: &mut Books) {
    demo_into(b);
    // Written beneath the store, in SQL both dialects speak.
    let row = texts(
        b,
        "SELECT CAST(customer_id AS TEXT), CAST(id AS TEXT), currency FROM invoices
         WHERE customer_id <> 1 AND status = 'open' ORDER BY id LIMIT 1",
    );
    let [Some(customer), Some(invoice), Some(currency)] = &row[0][..] else { panic!("{row:?}") };
    let conv = number(
        b,
        &format!(
            "INSERT INTO conversations(customer_id, subject, channel, opened_on, status, created_at)
             VALUES ({customer}, 'Chasing', 'phone', '2026-02-01', 'waiting', 'x') RETURNING CAST(id AS TEXT)"
        ),
    );
    // Promised by the day before today, nothing paid: broken today;
    // on its day it was still open.
    let promise = number(
        b,
        &format!(
            "INSERT INTO promises(conversation_id, customer_id, made_on, due_on, amount_minor, currency, created_at)
             VALUES ({conv}, {customer}, '2026-02-10', '2026-02-28', 100, '{currency}', 'x') RETURNING CAST(id AS TEXT)"
        ),
    );
    texts(b, &format!("INSERT INTO promise_invoices VALUES ({promise}, {invoice})"));
    let name = text(b, &format!("SELECT name FROM customers WHERE id = {customer}"));
    for (today, broken) in [("2026-02-28", false), (TODAY, true)] {
        let mut app = app_on(b, today, 160, 40);
        let s = render(&app, 160, 40);
        let row = s.lines().find(|l| l.contains(&name)).unwrap().to_string();
        assert_eq!(row.contains("1 broken"), broken, "{today}: {row}");
        if broken {
            // Sorted by Promises (most first), the customer comes first.
            while !render(&app, 160, 40).contains("Promises ↓") {
                press(&mut app, &["s"]);
            }
            // Those with broken promises first (the demo's Acme has one too).
            let s = render(&app, 160, 40);
            let rows: Vec<&str> = s.lines().skip(2).filter(|l| l.len() > 2).collect();
            let broken = rows.iter().take_while(|l| l.contains(" broken")).count();
            assert!(broken >= 1 && rows[..broken].iter().any(|l| l.contains(&name)), "{s}");
            assert!(rows[broken..].iter().all(|l| !l.contains(" broken")), "{s}");
        }
    }
}
}
