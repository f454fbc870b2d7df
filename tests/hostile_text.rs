//! Text from data that tries to drive the terminal — colour codes, OSC 52
//! clipboard writes, OSC 8 links, cursor moves, screen clears, C0/C1
//! controls, bidi overrides, NUL — is stored exactly, shown inert, and
//! exported exactly.

mod support;

use ardesk::app::App;
use ardesk::domain::Currency;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::model::ContactRow;
use ardesk::domain::status::*;
use ardesk::store::Store;
use ardesk::store::seed::*;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use support::fixture::d;
use support::keys::{press, render};

const HOSTILE: &[&str] = &[
    "\x1b]52;c;ZWNobyBwd25lZA==\x07Evil Corp",
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "\x1b[31mRed\x1b[0m \x1b[2J\x1b[H\x1b[10;10H moved",
    "bell\x07 nul\0 del\x7f c1\u{9b}31m",
    "\u{202e}gnp.exe\u{202c} bidi",
    "株式会社🚀 wide and combining é",
];

fn store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed(&mut store);
    store
}

/// The same database in a file, for the real binary.
fn hostile_db(dir: &std::path::Path) -> String {
    let path = dir.join("hostile.db");
    let mut store = Store::open(&path, ardesk::store::OpenMode::Create).unwrap();
    seed(&mut store);
    path.to_str().unwrap().to_string()
}

fn seed(store: &mut Store) {
    let s = store.seeder().unwrap();
    let long = "Long ".repeat(2_000);
    for (i, name) in HOSTILE.iter().chain(std::iter::once(&long.as_str())).enumerate() {
        let c = s
            .customer(&NewCustomer {
                name,
                legal_name: name,
                billing_email: "",
                currency: Currency::USD,
                import: None,
                invoices_paused: false,
                portal: false,
            })
            .unwrap();
        s.contact(&NewContact { customer_id: c, name, email: name, phone: name, role: name }).unwrap();
        s.invoice(&NewInvoice {
            customer_id: c,
            contract_id: None,
            number: &format!("{name}-{i}"),
            issue_date: d("2026-01-01"),
            due_date: d("2026-01-31"),
            period: None,
            currency: Currency::USD,
            total_minor: 100,
            status: InvoiceStatus::Open,
        })
        .unwrap();
        s.payment(&NewPayment {
            customer_id: c,
            received_on: d("2026-01-02"),
            amount_minor: 100,
            refunded_minor: 0,
            currency: Currency::USD,
            reference: name,
            status: PaymentStatus::Failed,
            method: PaymentMethod::Manual,
        })
        .unwrap();
    }
    s.commit().unwrap();
}

/// A terminal that keeps every byte written to it.
#[derive(Clone, Default)]
struct Tape(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Tape {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything ardesk writes to the terminal for the screens visited.
fn terminal_bytes(app: &mut App, keys: &[&str]) -> Vec<u8> {
    let tape = Tape::default();
    let mut term = Terminal::with_options(
        CrosstermBackend::new(tape.clone()),
        ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, 120, 40)) },
    )
    .unwrap();
    for k in keys {
        press(app, &[k]);
        term.draw(|f| ardesk::ui::draw(app, f)).unwrap();
    }
    tape.0.borrow().clone()
}

#[test]
fn hostile_text_reaches_the_terminal_inert() {
    let mut app = App::new(store(), d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    let mut bytes = Vec::new();
    for i in 0..HOSTILE.len() + 1 {
        let mut keys: Vec<&str> = vec!["g"];
        keys.extend(std::iter::repeat_n("j", i));
        // Every tab, the cancel confirmation, the refund refusal (the
        // payment's reference is in it) and help.
        keys.extend(["Enter", "1", "x", "n", "2", "3", "r", "Esc", "4", "5", "6", "?", "Esc", "q"]);
        bytes.extend(terminal_bytes(&mut app, &keys));
    }
    let text = String::from_utf8_lossy(&bytes);
    for payload in ["\x1b]52", "\x1b]8;", "\x1b[2J", "\x1b[10;10H", "\x1b[31mRed", "\x07", "\u{202e}", "\u{9b}", "\0"] {
        assert!(!text.contains(payload), "{payload:?} reached the terminal");
    }
    // Every escape in the output is ratatui's own CSI (cursor moves and
    // styles), never an OSC or anything from the data.
    for (i, _) in text.match_indices('\x1b') {
        assert_eq!(
            text[i + 1..].chars().next(),
            Some('['),
            "a non-CSI escape at {i}: {:?}",
            &text[i..(i + 12).min(text.len())]
        );
    }
    // The neutralised text is still readable.
    assert!(text.contains("␛]52;c;ZWNobyBwd25lZA==␇Evil Corp"));
    assert!(text.contains('株') && text.contains('🚀'));
}

#[test]
fn hostile_text_is_stored_and_exported_exactly() {
    let store = ardesk::store::Books::from(store());
    let c = store.window::<ContactRow>(1, Sort::default_for(Tab::Contacts), &Seek::First, 10).unwrap();
    assert_eq!(c[0].row.name, HOSTILE[0], "stored exactly");
    let mut out = Vec::new();
    let view = ardesk::store::window::View {
        sort: Sort::default_for(Tab::Contacts),
        filter: Default::default(),
        today: d("2026-03-01"),
    };
    ardesk::export::write_tab(
        &store,
        1,
        Tab::Contacts,
        &view,
        ardesk::export::Format::Csv,
        ardesk::export::Text::Exact,
        &mut out,
    )
    .unwrap();
    let mut r = csv::Reader::from_reader(out.as_slice());
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[0], HOSTILE[0], "exported exactly, quoted by CSV");
}

/// Cells of an import file come back in refusal reasons (the bad value is
/// quoted): they reach the terminal inert too.
#[test]
fn hostile_cells_in_an_import_report_reach_the_terminal_inert() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("invoices.csv");
    let header = "id,Amount Due,Billing,Closed,Currency,Customer,Date (UTC),Due Date (UTC),Number,Paid,Subscription,\
                  Subtotal,Total Discount Amount,Applied Coupons,Tax,Tax Percent,Total,Amount Paid,Status";
    let row = "in_X,\"\x1b]52;c;ZWNobw==\x07\",send_invoice,false,usd,cus_X,2026-01-05 09:00,2026-02-04 09:00,\
               \"\x1b[2JX-1\",false,,1.00,0.00,,,,1.00,0.00,open";
    std::fs::write(&file, format!("{header}\n{row}\n")).unwrap();
    let mut app = App::new(store(), d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    let typed = format!("type:{}", file.display());
    let bytes = terminal_bytes(&mut app, &["I", &typed, "C-s"]);
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("refused"), "the refusal is shown: {text}");
    for payload in ["\x1b]52", "\x1b[2J", "\x07"] {
        assert!(!text.contains(payload), "{payload:?} reached the terminal");
    }
    assert!(text.contains("␛]52;c;ZWNobw==␇"), "the bad cell is quoted, inert");
    // The whole report is shown, not cut to the form's one-line banner.
    let screen = render(&app, 120, 40);
    assert!(screen.contains("Import refused") && screen.contains("invoices.csv:2"), "{screen}");
    assert!(screen.contains("is not an amount"), "{screen}");
}

/// What reaches a terminal from the command line: nothing that acts on it.
/// Line breaks are the only control characters left; C1 controls and bidi
/// controls are gone too.
fn assert_inert(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for c in text.chars() {
        let bidi =
            matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        let acts = bidi || (c.is_control() && c != '\n');
        assert!(!acts, "{what}: {c:?} reached the terminal in {text:?}");
    }
}

/// Runs the real binary; returns (exit code, stdout, stderr) as bytes.
fn ardesk(args: &[&std::ffi::OsStr]) -> (i32, Vec<u8>, Vec<u8>) {
    let out = std::process::Command::new(support::bin()).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), out.stdout, out.stderr)
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// Every message that quotes a file name, a cell, an id or a value — from
/// the importer, the store, the argument parser or ardesk itself, on
/// standard error or in the report on standard output — shows the hostile
/// strings inert (`␛`), never raw: they used to write the clipboard (OSC
/// 52) and the window title (OSC 0).
#[test]
fn messages_that_quote_hostile_text_are_inert() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_db(dir.path());
    let mut seen = 0;
    let mut check = |what: String, args: Vec<std::ffi::OsString>, quoted: bool| {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let (code, out, err) = ardesk(&args);
        assert_ne!(code, -1, "{what}: killed");
        assert_inert(&format!("{what} (stderr)"), &err);
        // Data (CSV) to a pipe is exact, by design; people's output is not.
        if !what.starts_with("--filter") {
            assert_inert(&format!("{what} (stdout)"), &out);
        }
        if quoted {
            let both = format!("{}{}", String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
            assert!(both.contains('␛') || both.contains('\u{fffd}') || both.contains('␇'), "{what}: {both}");
        }
        seen += 1;
    };
    let base = |extra: &[&str]| -> Vec<std::ffi::OsString> {
        let mut v: Vec<std::ffi::OsString> =
            vec!["--db".into(), db.clone().into(), "--today".into(), "2026-03-01".into()];
        v.extend(extra.iter().map(|s| s.into()));
        v
    };

    // A file whose first row sets the clipboard and the window title:
    // "unknown format … the first row starts: …".
    let osc = dir.path().join("osc.csv");
    std::fs::write(&osc, "\x1b]52;c;ZWNobyBwd25lZA==\x07,\x1b]0;pwned\x07,x\nr,s,t\n").unwrap();
    let mut a = base(&["import"]);
    a.push(osc.clone().into());
    check("unknown format".into(), a, true);

    // Every hostile string, in two groups so a file name stays under 255
    // bytes (and one process run a path and group).
    let groups = [HOSTILE[..3].join(" | "), HOSTILE[3..].join(" | ")];
    for (i, h) in groups.iter().enumerate() {
        let name: String = h.replace(['/', '\0'], "_");
        // Arguments cannot hold NUL.
        let arg = h.replace('\0', "_");
        let h = arg.as_str();
        // No such file.
        let mut a = base(&["import"]);
        a.push(dir.path().join(format!("{name}.csv")).into());
        check(format!("missing file {i}"), a, true);
        // A directory.
        let sub = dir.path().join(format!("dir-{i}-{name}"));
        std::fs::create_dir_all(&sub).unwrap();
        let mut a = base(&["import"]);
        a.push(sub.clone().into());
        check(format!("directory {i}"), a, true);
        // NUL bytes.
        let nul = dir.path().join(format!("nul-{i}-{name}.csv"));
        std::fs::write(&nul, b"id,Name\0\n1,x\n").unwrap();
        let mut a = base(&["import"]);
        a.push(nul.into());
        check(format!("nul file {i}"), a, true);
        // Not valid JSON, quoting the value it stumbled on.
        let json = dir.path().join(format!("bad-{i}-{name}.json"));
        std::fs::write(&json, format!("{{\"data\": [{h:?} {}]}}", h.replace('"', ""))).unwrap();
        let mut a = base(&["import"]);
        a.push(json.into());
        check(format!("bad json {i}"), a, true);
        // A database that does not exist, with --no-create.
        let missing = dir.path().join(format!("none-{i}-{name}.db"));
        let a = vec!["--no-create".into(), "--db".into(), missing.into_os_string(), "customers".into()];
        check(format!("--no-create {i}"), a, true);
        // Ids and values from the command line, echoed in refusals.
        check(format!("customer stripe:… {i}"), base(&["customer", &format!("stripe:{h}")]), true);
        check(format!("customer id {i}"), base(&["customer", h]), true);
        check(format!("invoices --customer {i}"), base(&["invoices", "--customer", h]), true);
        check(format!("--filter {i}"), base(&["invoices", "--customer", "1", "--filter", h]), false);
        check(format!("org key {i}"), base(&["org", h]), true);
        // clap quotes the bad value with escape sequences stripped.
        check(format!("--today {i}"), base(&["customers", "--today", h]), false);
        check(format!("export --out {i}"), base(&["export", "--customer", "1", "--out", &db]), false);
        // People's output of the data itself.
    }
    for id in 1..=HOSTILE.len() {
        // The last one has nothing to neutralise.
        check(format!("customer {id}"), base(&["customer", &id.to_string()]), id < HOSTILE.len());
    }
    check("customers".into(), base(&["customers"]), true);
    check("check".into(), base(&["check"]), false);
    // The import report lists refused rows with the bad cell quoted.
    let file = dir.path().join("invoices.csv");
    let header = "id,Amount Due,Billing,Closed,Currency,Customer,Date (UTC),Due Date (UTC),Number,Paid,Subscription,\
                  Subtotal,Total Discount Amount,Applied Coupons,Tax,Tax Percent,Total,Amount Paid,Status";
    let row = "in_X,\"\x1b]52;c;ZWNobw==\x07\",send_invoice,false,usd,cus_X,2026-01-05 09:00,2026-02-04 09:00,\
               \"\x1b[2JX-1\",false,,1.00,0.00,,,,1.00,0.00,open";
    std::fs::write(&file, format!("{header}\n{row}\n")).unwrap();
    let mut a = base(&["import", "--dry-run"]);
    a.push(file.into());
    check("import report".into(), a, true);
    assert!(seen > 30);
}

/// `ardesk invoices … --format csv` (and JSON) to a terminal shows stored
/// escapes as the screen does; to a pipe it writes them exactly. The CSV
/// used to clear the screen and write the clipboard.
#[test]
fn csv_and_json_to_a_terminal_show_controls_and_to_a_pipe_keep_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_db(dir.path());
    for (id, cmd, format) in [
        ("1", "invoices", "csv"),
        ("2", "contacts", "csv"),
        ("3", "payments", "csv"),
        ("4", "contacts", "json"),
        ("5", "invoices", "json"),
    ] {
        let args = ["--db", &db, "--today", "2026-03-01", cmd, "--customer", id, "--format", format];
        let mut tui = support::Tui::start(&args, 200, 50);
        assert_eq!(tui.wait_exit(), 0, "{cmd} {id}");
        let raw = tui.wait_raw("\n");
        // The terminal turns \n into \r\n; nothing else may act on it.
        assert_inert(
            &format!("{cmd} --customer {id} --format {format} on a terminal"),
            raw.replace('\r', "").as_bytes(),
        );
        let name = HOSTILE[id.parse::<usize>().unwrap() - 1];
        let shown = ardesk::domain::text::clean(name);
        if format == "csv" {
            assert!(raw.contains(shown.as_ref()), "{cmd} {id}: {shown:?} is shown in {raw:?}");
        }
        let (code, out, err) = ardesk(&args.map(os));
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
        let text = String::from_utf8(out).unwrap();
        let exact = match format {
            "csv" => csv::Reader::from_reader(text.as_bytes())
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
                .any(|r| r.iter().any(|v| v == name || v.starts_with(name))),
            _ => {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                v.as_array().unwrap().iter().any(|o| {
                    o.as_object()
                        .unwrap()
                        .values()
                        .any(|v| v.as_str().is_some_and(|s| s == name || s.starts_with(name)))
                })
            }
        };
        assert!(exact, "{cmd} {id} {format}: to a pipe the stored text goes out exactly:\n{text}");
    }
}
