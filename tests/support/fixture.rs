//! A small hand-made database for screen and form tests.

use ardesk::domain::Currency;
use ardesk::domain::date::parse_date;
use ardesk::domain::status::*;
use ardesk::store::Store;
use ardesk::store::seed::*;

pub fn d(s: &str) -> chrono::NaiveDate {
    parse_date(s).unwrap()
}

/// Two customers: Acme (Stripe, portal, paused) with contracts, invoices in
/// every state, payments, contacts and a document; Borealis with nothing.
pub fn fixture() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    fill(&mut store);
    store
}

/// Writes `fixture`'s rows into empty books (through
/// `support::backends::seed` on either backend).
pub fn fill(store: &mut Store) {
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
}
