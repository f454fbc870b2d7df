//! `t` on the customer page (issue 17): the books as of a date, driven by
//! keys at 80×24 and 120×40 on the demo database. The header says "as of"
//! the day, the cards and the Invoices tab are what `ardesk --as-of DAY
//! customer 1 --json` says, keys that write are refused with the reason,
//! and an empty date returns to today. On both backends: the demo's books
//! in a SQLite file or a PostgreSQL database, the app on its own
//! connection to them.

mod support;

use ardesk::app::App;
use ardesk::store::{Books, OpenMode};
use ratatui::layout::Rect;
use support::backends::{db_arg, demo_into};
use support::fixture::d;
use support::keys::{flat, press, render};
use support::{TODAY, run};

/// The app on its own connection to `b`'s books, on Acme's page.
fn acme(b: &Books, w: u16, h: u16) -> App {
    let store = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d(TODAY), Rect::new(0, 0, w, h)).unwrap();
    app.open_customer(1);
    app
}

fn figures(b: &Books, as_of: Option<&str>) -> serde_json::Value {
    let db = db_arg(b);
    let mut args = vec!["customer", "1", "--json", "--db", &db, "--today", TODAY];
    if let Some(day) = as_of {
        args.extend(["--as-of", day]);
    }
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// "$1,234.56" as the page shows a "1234.56" of the JSON.
fn shown(v: &serde_json::Value) -> String {
    let s = v.as_str().unwrap();
    let (units, cents) = s.split_once('.').unwrap();
    let n: u64 = units.parse().unwrap();
    format!("${}.{cents}", ardesk::domain::money::group_thousands(n))
}

on_both! {
fn the_books_as_of_last_month_end_and_back(b: &mut Books) {
    demo_into(b);
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = acme(b, w, h);
        // The form offers the end of last month.
        press(&mut app, &["t"]);
        let s = flat(&render(&app, w, h));
        assert!(s.contains("Books as of a date") && s.contains("2026-02-28"), "{s}");
        press(&mut app, &["C-s"]);
        // The screen says it is computing, and the next tick reads.
        assert!(flat(&render(&app, w, h)).contains("Computing the books as of 2026-02-28"));
        app.tick();
        let s = render(&app, w, h);
        let header = s.lines().next().unwrap();
        assert!(header.contains("as of 2026-02-28"), "{w}×{h}: the header says it:\n{s}");
        let then = figures(b, Some("2026-02-28"));
        assert_ne!(then["metrics"], figures(b, None)["metrics"], "the demo's books moved since");
        for card in ["outstanding", "overdue", "credit_balance", "total_collected"] {
            assert!(s.contains(&shown(&then["metrics"][card])), "{w}×{h}: {card} {}:\n{s}", then["metrics"][card]);
        }
        // A write is refused with why.
        press(&mut app, &["i"]);
        let s = flat(&render(&app, w, h));
        assert!(s.contains("shows the books as of 2026-02-28: nothing can be changed"), "{s}");
        press(&mut app, &["Esc", "t", "C-u", "C-s"]);
        app.tick();
        let s = render(&app, w, h);
        assert!(!s.lines().next().unwrap().contains("as of"), "back to today:\n{s}");
        let now = figures(b, None);
        assert!(s.contains(&shown(&now["metrics"]["outstanding"])), "{s}");
    }
}
}

on_both! {
/// A key typed before the tick that reads the date asked for (the race a
/// terminal test once lost: `i` opened the invoice form on the books as of
/// last month) waits for that date: a write is refused, a read shows it.
fn a_key_typed_before_the_date_is_read_waits_for_it(b: &mut Books) {
    demo_into(b);
    let (w, h) = (80, 24);
    let mut app = acme(b, w, h);
    press(&mut app, &["t", "C-s"]);
    assert!(flat(&render(&app, w, h)).contains("Computing the books as of 2026-02-28"));
    // No tick: the key comes first.
    press(&mut app, &["i"]);
    let s = flat(&render(&app, w, h));
    assert!(s.contains("shows the books as of 2026-02-28: nothing can be changed"), "{s}");
    assert!(!s.contains("Create invoice"), "{s}");
    press(&mut app, &["Esc", "t", "C-u", "C-s"]);
    // Back to today, again without a tick: `i` opens the form.
    press(&mut app, &["i"]);
    let s = flat(&render(&app, w, h));
    assert!(s.contains("Create invoice"), "{s}");
    assert!(!render(&app, w, h).lines().next().unwrap().contains("as of"), "{s}");
}
}

on_both! {
/// `A`: the statement of account on screen, as of the day the page reads,
/// then written to the file the form named; an existing file is not
/// replaced without asking.
fn a_statement_previewed_then_written(b: &mut Books) {
    demo_into(b);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acme.txt");
    let mut app = acme(b, 80, 24);
    press(&mut app, &["t", "C-s"]);
    app.tick();
    press(&mut app, &["A"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("Statement of account") && s.contains("2026-02-28"), "dated as the page reads:\n{s}");
    let path = file.to_str().unwrap();
    press(&mut app, &["Tab", "Tab", "C-u", &format!("type:{path}"), "C-s"]);
    let s = flat(&render(&app, 80, 24));
    assert!(s.contains("Statement of Acme Corp as of 2026-02-28"), "{s}");
    let then = figures(b, Some("2026-02-28"));
    press(&mut app, &["y"]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("Acme Corp"), "{text}");
    assert!(text.contains(&shown(&then["metrics"]["outstanding"])), "the open items add up to Outstanding:\n{text}");
    assert!(flat(&render(&app, 80, 24)).contains("Wrote the statement as of 2026-02-28"));
    // Again: the file is there, so it asks.
    press(&mut app, &["A", "Tab", "Tab", "C-u", &format!("type:{path}"), "C-s", "y"]);
    assert!(flat(&render(&app, 80, 24)).contains("Replace the existing file?"));
}
}
