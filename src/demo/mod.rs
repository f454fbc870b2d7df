//! The demo database: about forty plausible customers with two years of
//! billing history, deterministic for a given "today", and optionally one
//! customer with a very large number of invoices and many generated
//! customers, for benchmarks.

mod big;
mod crowd;
mod history;
mod lines;
mod people;
mod rng;
mod threads;

use crate::domain::Currency;
use crate::domain::status::{DocumentKind, ImportSource};
use crate::store::seed::{NewContact, NewCustomer, NewDocument, Seeder};
use crate::store::{Audit, Result, Store};
use chrono::NaiveDate;
use rng::{ALNUM, DIGITS, Rng};

pub struct DemoOptions {
    pub today: NaiveDate,
    /// Give one extra customer this many invoices.
    pub big_invoices: Option<u64>,
    /// Add this many generated customers beside the demo's own, for
    /// benchmarks of the customers list.
    pub extra_customers: Option<u64>,
}

pub struct DemoReport {
    pub customers: usize,
    pub invoices: u64,
    pub payments: u64,
    pub big_customer_id: Option<i64>,
    /// How many of `customers` were generated (`extra_customers`).
    pub generated_customers: u64,
}

const COMPANIES: &str = include_str!("../../assets/demo/companies.tsv");
pub const HUBSPOT_PORTAL: &str = "4412345";
pub const SALESFORCE_DOMAIN: &str = "northwind";

const DOCUMENTS: &[(&str, &[u8], DocumentKind, &str)] = &[
    (
        "master-services-agreement.pdf",
        include_bytes!("../../assets/documents/master-services-agreement.pdf"),
        DocumentKind::Contract,
        "PDF",
    ),
    (
        "signed-order-form.png",
        include_bytes!("../../assets/documents/signed-order-form.png"),
        DocumentKind::Contract,
        "PNG image",
    ),
    (
        "usage-2026-q3.csv",
        include_bytes!("../../assets/documents/usage-2026-q3.csv"),
        DocumentKind::Invoice,
        "CSV spreadsheet",
    ),
    (
        "collections-notes.txt",
        include_bytes!("../../assets/documents/collections-notes.txt"),
        DocumentKind::Other,
        "Text",
    ),
];

/// One line of `assets/demo/companies.tsv`.
struct Company<'a> {
    name: &'a str,
    legal: &'a str,
    domain: &'a str,
    currency: Currency,
    source: Option<ImportSource>,
    paused: bool,
    portal: bool,
}

fn companies() -> Vec<Company<'static>> {
    COMPANIES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some(Company {
                name: f.first()?,
                legal: f.get(1)?,
                domain: f.get(2)?,
                currency: f.get(3)?.parse().ok()?,
                source: f.get(4).and_then(|s| ImportSource::from_db(s)),
                paused: f.get(5).is_some_and(|s| s.contains('p')),
                portal: f.get(5).is_some_and(|s| s.contains('o')),
            })
        })
        .collect()
}

/// An external id and link as the integration would have them.
/// When a demo invoice was cancelled: a week after it was issued, and not
/// after `today` (nor, for one issued later, before its issue date:
/// `cancel_date`).
fn cancelled_on(issue: NaiveDate, today: NaiveDate) -> NaiveDate {
    crate::domain::status::cancel_date((issue + chrono::Duration::days(7)).min(today), issue)
}

fn external(rng: &mut Rng, source: ImportSource) -> (String, String) {
    match source {
        ImportSource::Stripe => {
            let id = format!("cus_{}", rng.token(ALNUM, 14));
            let url = format!("https://dashboard.stripe.com/customers/{id}");
            (id, url)
        }
        ImportSource::QuickBooks => {
            let id = rng.range(1, 2999).to_string();
            let url = format!("https://app.qbo.intuit.com/app/customerdetail?nameId={id}");
            (id, url)
        }
        ImportSource::HubSpot => {
            let id = format!("{}{}", rng.range(1, 9), rng.token(DIGITS, 10));
            let url = format!("https://app.hubspot.com/contacts/{HUBSPOT_PORTAL}/company/{id}");
            (id, url)
        }
        ImportSource::Salesforce => {
            // A real 18-character id: 15 characters and the checksum of
            // their case, so `salesforce:ID` finds the customer. (Fifteen
            // are drawn, as ever, so the rest of the demo stays the same.)
            let drawn = rng.token(ALNUM, 15);
            let short = format!("001{}", &drawn[..12]);
            let id = crate::domain::external_id::to_18(&short).unwrap_or(short);
            let url = format!("https://{SALESFORCE_DOMAIN}.lightning.force.com/lightning/r/Account/{id}/view");
            (id, url)
        }
    }
}

/// Builds the demo in one transaction: all of it lands or none.
pub fn generate(store: &mut Store, opts: &DemoOptions) -> Result<DemoReport> {
    let mut rng = Rng::new(0x00A2_DE5C);
    let s = store.seeder()?;
    s.organization("Northwind Billing", Currency::USD, true, "INV-", Some(HUBSPOT_PORTAL), Some(SALESFORCE_DOMAIN))?;
    let mut numbers = history::Numbers::default();
    let mut report =
        DemoReport { customers: 0, invoices: 0, payments: 0, big_customer_id: None, generated_customers: 0 };
    let companies = companies();
    for (i, c) in companies.iter().enumerate() {
        let id = customer(&s, &mut rng, c, opts.today)?;
        let counts = history::generate(&s, &mut rng, &mut numbers, id, c.currency, i, opts.today)?;
        report.customers += 1;
        report.invoices += counts.0;
        report.payments += counts.1;
    }
    let currencies: Vec<Currency> = companies.iter().map(|c| c.currency).collect();
    threads::generate(&s, &currencies, opts.today)?;
    if let Some(n) = opts.big_invoices.filter(|n| *n > 0) {
        let id = s.customer(&NewCustomer {
            name: "Globex Megastore",
            legal_name: "Globex Megastore Holdings, Inc.",
            billing_email: "ap@globex.example",
            currency: Currency::USD,
            import: None,
            invoices_paused: false,
            portal: true,
        })?;
        let payments = big::generate(&s, &mut rng, &mut numbers, id, n, opts.today)?;
        report.customers += 1;
        report.invoices += n;
        report.payments += payments;
        report.big_customer_id = Some(id);
    }
    // Last, so the demo's own ids (the big customer's too) stay as they are.
    if let Some(n) = opts.extra_customers.filter(|n| *n > 0) {
        let search = s.suspend_search()?;
        let counts = crowd::generate(&s, &mut numbers, n, opts.today)?;
        s.resume_search(search)?;
        report.customers += counts.customers as usize;
        report.generated_customers = counts.customers;
        report.invoices += counts.invoices;
        report.payments += counts.payments;
    }
    s.set_invoice_next_seq(numbers.next)?;
    s.commit()?;
    Ok(report)
}

fn customer(s: &Seeder<'_>, rng: &mut Rng, c: &Company<'_>, today: NaiveDate) -> Result<i64> {
    let ext = c.source.map(|src| (src, external(rng, src)));
    let id = s.customer(&NewCustomer {
        name: c.name,
        legal_name: c.legal,
        billing_email: &format!("billing@{}", c.domain),
        currency: c.currency,
        import: ext.as_ref().map(|(src, (id, url))| (*src, id.as_str(), Some(url.as_str()))),
        invoices_paused: c.paused,
        portal: c.portal,
    })?;
    let created = today - chrono::Duration::days(rng.range(740, 900));
    let who = *rng.pick(people::STAFF);
    let summary = match c.source {
        Some(src) => format!("imported customer {} from {}", c.name, src.label()),
        None => format!("created customer {}", c.name),
    };
    s.audit(
        &Audit {
            customer_id: Some(id),
            entity: "customer",
            entity_id: Some(id),
            action: "create",
            summary,
            ..Audit::default()
        },
        &format!("{}T09:{:02}:00Z", created, rng.range(0, 59)),
        who,
    )?;
    for n in 0..rng.range(1, 3) {
        let first = *rng.pick(people::FIRST);
        let last = *rng.pick(people::LAST);
        let email = format!("{}.{}@{}", first.to_lowercase(), last.to_lowercase().replace('\'', ""), c.domain);
        let phone = format!("+1 {} 555 {:04}", rng.range(201, 989), rng.range(100, 9999));
        let role = if n == 0 { "Accounts Payable" } else { *rng.pick(people::ROLES) };
        s.contact(&NewContact {
            customer_id: id,
            name: &format!("{first} {last}"),
            email: &email,
            phone: &phone,
            role,
        })?;
    }
    for (k, (name, bytes, kind, format)) in DOCUMENTS.iter().enumerate() {
        // The first customer has every sample; others now and then one.
        if id == 1 || (k == 0 && rng.chance(30)) {
            let at = today - chrono::Duration::days(rng.range(5, 400));
            let doc = s.document(&NewDocument {
                customer_id: id,
                contract_id: None,
                name,
                kind: *kind,
                format,
                content: bytes,
                uploaded_at: &format!("{at}T14:{:02}:00Z", rng.range(0, 59)),
            })?;
            s.audit(
                &Audit {
                    customer_id: Some(id),
                    entity: "document",
                    entity_id: Some(doc),
                    action: "upload",
                    summary: format!(
                        "uploaded document {name} ({})",
                        crate::domain::model::size_label(bytes.len() as i64)
                    ),
                    ..Audit::default()
                },
                &format!("{at}T14:00:00Z"),
                rng.pick::<&str>(people::STAFF),
            )?;
        }
    }
    for _ in 0..rng.range(0, 10) {
        let opened = today - chrono::Duration::days(rng.range(1, 360));
        let resolved = rng.chance(70).then(|| (opened + chrono::Duration::days(rng.range(0, 9)), rng.chance(60)));
        let resolved = resolved.filter(|(d, _)| *d <= today);
        s.conversation(id, rng.pick::<&str>(people::SUBJECTS), opened, resolved)?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests;
