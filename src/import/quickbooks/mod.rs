//! QuickBooks Online: the Customer Contact List report as CSV, and the
//! Accounting API's JSON for customers, invoices, credit memos and
//! payments (`api`).
//!
//! The report comes in two header generations: the older Title Case one
//! (`Customer`, `Phone Numbers`, `Email`, `Full Name`, `Billing Address`,
//! `Shipping Address`) and the newer sentence-case one (`Customer full
//! name`, `Phone numbers`, `Email`, `Full name`, `Bill address`, `Ship
//! address`), each with the columns a user may add (`Company name`, `Open
//! balance`, `Currency`, ...). Title rows (the company, "Customer Contact
//! List", "All Dates") sit above the header, a TOTAL row and the run's
//! timestamp ("Wednesday, September 30, 2026 01:46 PM GMT-05:00") below it.
//!
//! The report has no ids: a customer is keyed on its full name, which
//! QuickBooks keeps unique (`domain::external_id::name_key`), and takes its API id when
//! the API's customers are imported later. Sub-customers (jobs) are named
//! "Parent:Child" in the report and in the API's `FullyQualifiedName`, and
//! are customers of their own in ardesk. `Open balance` is checked but not
//! imported: balances come from invoices, never from a free-floating
//! figure, so the run says how much it left out.

mod api;
mod csv;

use super::ImportError;
use super::parse::record::*;
use super::parse::{Sink, Source, has};
use super::read::csv_input::CsvInput;
use crate::domain::status::ImportSource;
use serde_json::Value;

pub struct QuickBooks;

/// Columns of the Customer Contact List besides the customer's name.
const CONTACT_LIST_COLUMNS: &[&str] = &[
    "Phone numbers",
    "Email",
    "Full name",
    "Bill address",
    "Ship address",
    "Billing Address",
    "Shipping Address",
    "Company name",
    "Open balance",
];

impl Source for QuickBooks {
    fn id(&self) -> ImportSource {
        ImportSource::QuickBooks
    }

    fn detect_csv(&self, h: &[String]) -> Option<ObjectKind> {
        let others = CONTACT_LIST_COLUMNS.iter().filter(|c| has(h, c)).count();
        let transactions = has(h, "id") || has(h, "Date") || has(h, "Transaction type") || has(h, "Num");
        let named = has(h, "Customer full name") || (has(h, "Customer") && others >= 2);
        (named && others >= 1 && !transactions).then_some(ObjectKind::Customers)
    }

    fn detect_json(&self, doc: &Value) -> Option<ObjectKind> {
        api::detect(doc)
    }

    /// QuickBooks' transaction and balance reports (Invoice List, Open
    /// Invoices, Transaction List by Customer…): named, and what to import
    /// instead.
    fn refuse_csv(&self, h: &[String]) -> Option<String> {
        let report = has(h, "Transaction type")
            || has(h, "Open balance")
            || (has(h, "Num") && has(h, "Date"))
            || has(h, "Invoice No.");
        report.then(|| {
            "this looks like a QuickBooks report that ardesk does not import: import the Customer Contact List \
             report, or the API's JSON for customers, invoices, credit memos and payments"
                .to_string()
        })
    }

    fn parse_csv(&self, object: ObjectKind, input: &mut CsvInput, sink: &mut dyn Sink) -> Result<(), ImportError> {
        csv::parse(object, input, sink)
    }

    fn parse_json(&self, object: ObjectKind, doc: Value, sink: &mut dyn Sink) -> Result<(), ImportError> {
        api::parse(object, doc, sink)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn both_header_generations_and_not_the_transaction_reports() {
        let q = QuickBooks;
        let old = h(&["Customer", "Phone Numbers", "Email", "Full Name", "Billing Address", "Shipping Address"]);
        let new = h(&["Customer full name", "Phone numbers", "Email", "Full name", "Bill address", "Ship address"]);
        assert_eq!(q.detect_csv(&old), Some(ObjectKind::Customers));
        assert_eq!(q.detect_csv(&new), Some(ObjectKind::Customers));
        let invoices = h(&["Date", "Transaction type", "Num", "Customer full name", "Amount", "Open balance"]);
        assert_eq!(q.detect_csv(&invoices), None);
        let stripe = h(&["id", "Customer", "Email", "Amount Due", "Currency"]);
        assert_eq!(q.detect_csv(&stripe), None);
    }
}
