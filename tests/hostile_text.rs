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
    store
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
    let store = store();
    let c = store.window::<ContactRow>(1, Sort::default_for(Tab::Contacts), &Seek::First, 10).unwrap();
    assert_eq!(c[0].row.name, HOSTILE[0], "stored exactly");
    let mut out = Vec::new();
    let view = ardesk::store::window::View {
        sort: Sort::default_for(Tab::Contacts),
        filter: Default::default(),
        today: d("2026-03-01"),
    };
    ardesk::export::write_tab(&store, 1, Tab::Contacts, &view, ardesk::export::Format::Csv, &mut out).unwrap();
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
