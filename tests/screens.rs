//! Screen tests: the real keymap and app drawn into ratatui's TestBackend,
//! with a fixed "today". Snapshots are text; the selected row shows as ▶.

use ardesk::app::App;
use ardesk::domain::Currency;
use ardesk::domain::date::parse_date;
use ardesk::domain::status::*;
use ardesk::store::Store;
use ardesk::store::seed::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

fn d(s: &str) -> chrono::NaiveDate {
    parse_date(s).unwrap()
}

/// Two customers: Acme (Stripe, portal, paused) with contracts, invoices in
/// every state, payments, contacts and a document; Borealis with nothing.
fn fixture() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let s = store.seeder().unwrap();
    s.organization("Northwind Billing", Currency::USD, true, "INV-", None, None).unwrap();
    let acme = s
        .customer(&NewCustomer {
            name: "Acme Corp",
            legal_name: "Acme Corporation Ltd.",
            billing_email: "ap@acme.example",
            currency: Currency::USD,
            import: Some((
                ImportSource::Stripe,
                "cus_Acme123",
                Some("https://dashboard.stripe.com/customers/cus_Acme123"),
            )),
            invoices_paused: true,
            portal: true,
        })
        .unwrap();
    s.customer(&NewCustomer {
        name: "Borealis Freight",
        legal_name: "Borealis Freight AB",
        billing_email: "",
        currency: Currency::EUR,
        import: None,
        invoices_paused: false,
        portal: false,
    })
    .unwrap();
    let k = s
        .contract(&NewContract {
            customer_id: acme,
            name: "Annual platform",
            kind: ContractKind::Recurring,
            status: ContractStatus::Active,
            period_start: d("2025-01-01"),
            period_end: None,
            value_minor: 12_000_000,
            currency: Currency::USD,
            payment_terms_days: 30,
            billing_frequency: Some(BillingFrequency::Monthly),
        })
        .unwrap();
    let inv = |n: &str, issue: &str, total: i64, status| {
        s.invoice(&NewInvoice {
            customer_id: acme,
            contract_id: Some(k),
            number: n,
            issue_date: d(issue),
            due_date: d(issue) + chrono::Duration::days(30),
            period: Some((d(issue), d(issue) + chrono::Duration::days(27))),
            currency: Currency::USD,
            total_minor: total,
            status,
        })
        .unwrap()
    };
    let paid = inv("INV-000001", "2025-12-01", 1_000_000, InvoiceStatus::Open);
    let partial = inv("INV-000002", "2026-01-01", 1_000_000, InvoiceStatus::Open);
    inv("INV-000003", "2026-02-01", 1_000_000, InvoiceStatus::Open);
    inv("INV-000004", "2026-02-15", 250_000, InvoiceStatus::Cancelled);
    inv("INV-000005", "2026-02-20", 500_000, InvoiceStatus::Draft);
    let pay = s
        .payment(&NewPayment {
            customer_id: acme,
            received_on: d("2026-01-10"),
            amount_minor: 1_400_000,
            refunded_minor: 0,
            currency: Currency::USD,
            reference: "WIRE-7781",
            status: PaymentStatus::Succeeded,
            method: PaymentMethod::Manual,
        })
        .unwrap();
    s.apply(paid, AppliedFrom::Payment(pay), 1_000_000, d("2026-01-10")).unwrap();
    s.set_invoice_status(paid, InvoiceStatus::Paid).unwrap();
    s.apply(partial, AppliedFrom::Payment(pay), 400_000, d("2026-01-10")).unwrap();
    s.contact(&NewContact {
        customer_id: acme,
        name: "Jane Doe",
        email: "jane@acme.example",
        phone: "+1 415 555 0100",
        role: "Accounts Payable",
    })
    .unwrap();
    s.contact(&NewContact {
        customer_id: acme,
        name: "Sam Lee",
        email: "sam@acme.example",
        phone: "",
        role: "Controller",
    })
    .unwrap();
    s.conversation(acme, "Invoice INV-000002 reminder", d("2026-02-01"), Some((d("2026-02-03"), true))).unwrap();
    s.conversation(acme, "Dispute", d("2026-02-10"), None).unwrap();
    s.commit().unwrap();
    store
}

fn app(w: u16, h: u16) -> App {
    App::new(fixture(), d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap()
}

fn render(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ardesk::ui::draw(app, f)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Presses keys written as in the footer: "j", "Enter", "Esc", "Tab", "/".
fn press(app: &mut App, keys: &[&str]) {
    for k in keys {
        let code = match *k {
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "Down" => KeyCode::Down,
            "End" => KeyCode::End,
            s => KeyCode::Char(s.chars().next().unwrap()),
        };
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }
}

#[test]
fn customers_list_80x24() {
    let app = app(80, 24);
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn customer_page_80x24() {
    let mut app = app(80, 24);
    press(&mut app, &["Enter"]);
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn customer_page_120x40() {
    let mut app = app(120, 40);
    press(&mut app, &["Enter"]);
    insta::assert_snapshot!(render(&app, 120, 40));
}

#[test]
fn tabs_show_their_rows() {
    let mut app = app(120, 40);
    press(&mut app, &["Enter", "3"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("WIRE-7781"), "{s}");
    assert!(s.contains("INV-000001, INV-000002"), "{s}");
    press(&mut app, &["4"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Jane Doe") && s.contains("Primary"), "{s}");
}

#[test]
fn search_narrows_the_list() {
    let mut app = app(80, 24);
    press(&mut app, &["/", "b", "o", "r", "Enter"]);
    let s = render(&app, 80, 24);
    assert!(s.contains("Borealis Freight"), "{s}");
    assert!(!s.contains("Acme Corp"), "{s}");
    assert!(s.contains("1 of 2"), "{s}");
}

#[test]
fn no_panic_at_any_size() {
    let mut app = app(80, 24);
    press(&mut app, &["Enter"]);
    for w in 0..=60 {
        for h in 0..=30 {
            app.resize(Rect::new(0, 0, w, h));
            render(&app, w.max(1), h.max(1));
        }
    }
    app.resize(Rect::new(0, 0, 20, 5));
    let s = render(&app, 20, 5);
    assert!(s.contains("Acme Corp"), "the name stays readable at 20×5:\n{s}");
}

#[test]
fn help_lists_keys_and_formulas() {
    let mut app = app(120, 40);
    press(&mut app, &["Enter", "?"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("next tab"), "{s}");
    for _ in 0..30 {
        press(&mut app, &["Down"]);
    }
    let s = render(&app, 120, 40);
    assert!(s.contains("Avg. Days to Collect:"), "{s}");
    assert!(s.contains("payment date − invoice issue date"), "{s}");
}
