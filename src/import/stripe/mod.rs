//! Stripe: the Dashboard's CSV exports of customers, invoices and payments
//! (default and "all columns", the 2023 `Created (UTC)` and the later
//! `Created date (UTC)` generations, `<key> (metadata)` columns, files a
//! spreadsheet re-saved) and the API's JSON (`api`).
//!
//! Amounts are major units with lower-case currency codes. Customers
//! without an id (guests) are skipped; a negative `Account Balance` is
//! credit the customer holds. Invoices map `void` to cancelled and become
//! `paid` only when fully applied. Payments: `Paid` is succeeded (a partial
//! refund stays succeeded with its refunded amount), `Refunded` is refunded,
//! `Failed` failed; PaymentIntent rows that moved no money are skipped.
//! `Mode = Test` rows are test data (refused unless allowed).

mod api;
mod csv;

use super::ImportError;
use super::parse::record::*;
use super::parse::{Sink, Source, has};
use super::read::csv_input::CsvInput;
use crate::domain::status::{ImportSource, InvoiceStatus};
use serde_json::Value;

pub struct Stripe;

fn created(h: &[String]) -> bool {
    has(h, "Created (UTC)") || has(h, "Created date (UTC)")
}

impl Source for Stripe {
    fn id(&self) -> ImportSource {
        ImportSource::Stripe
    }

    fn detect_csv(&self, h: &[String]) -> Option<ObjectKind> {
        if has(h, "id") && has(h, "Amount Due") && (has(h, "Customer") || has(h, "Customer ID")) {
            return Some(ObjectKind::Invoices);
        }
        let money_cols = has(h, "Customer ID") || has(h, "Captured") || has(h, "Amount Refunded");
        if has(h, "Amount") && has(h, "Currency") && has(h, "Status") && created(h) && money_cols {
            return Some(ObjectKind::Payments);
        }
        let customer_cols = ["Total Spend", "Delinquent", "Account Balance", "Card ID", "Payment Count"];
        if has(h, "id") && has(h, "Email") && created(h) && customer_cols.iter().any(|c| has(h, c)) {
            return Some(ObjectKind::Customers);
        }
        None
    }

    fn detect_json(&self, doc: &Value) -> Option<ObjectKind> {
        api::detect(doc)
    }

    fn parse_csv(&self, object: ObjectKind, input: &mut CsvInput, sink: &mut dyn Sink) -> Result<(), ImportError> {
        csv::parse(object, input, sink)
    }

    fn parse_json(&self, object: ObjectKind, doc: Value, sink: &mut dyn Sink) -> Result<(), ImportError> {
        api::parse(object, doc, sink)
    }

    fn prints_csv(&self, object: ObjectKind) -> bool {
        object == ObjectKind::Invoices
    }
}

/// Stripe's invoice statuses: `void` is ardesk's cancelled.
fn invoice_status(s: &str) -> Result<InvoiceStatus, String> {
    Ok(match s.trim().to_ascii_lowercase().as_str() {
        "draft" => InvoiceStatus::Draft,
        "open" => InvoiceStatus::Open,
        "paid" => InvoiceStatus::Paid,
        "void" | "voided" => InvoiceStatus::Cancelled,
        "uncollectible" => InvoiceStatus::Uncollectible,
        other => return Err(format!("\"{other}\" is not a Stripe invoice status")),
    })
}
