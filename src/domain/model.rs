//! The records the store returns and the screens show.

use super::money::{Currency, Money};
use super::status::*;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub name: String,
    pub default_currency: Currency,
    pub show_credit_balance: bool,
    pub invoice_prefix: String,
    pub invoice_next_seq: i64,
    /// HubSpot's portal (hub) id, for links to HubSpot records.
    pub hubspot_portal_id: Option<String>,
    /// Salesforce My Domain (the part before `.my.salesforce.com`), for links.
    pub salesforce_domain: Option<String>,
    /// Where it is, for statements: lines with '\n' between them ('' unknown).
    pub address: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub legal_name: String,
    pub billing_email: String,
    /// Where its bills go, for statements: lines with '\n' between them.
    pub billing_address: String,
    pub currency: Currency,
    pub import_source: Option<ImportSource>,
    pub external_id: Option<String>,
    pub external_url: Option<String>,
    pub invoices_paused: bool,
    pub portal: bool,
    pub version: i64,
}

/// One line of the customers list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerListRow {
    pub id: i64,
    pub name: String,
    pub legal_name: String,
    pub import_source: Option<ImportSource>,
    /// The id in its source (Stripe's cus_…), and where its bills go: what
    /// people search a customer by besides its name.
    pub external_id: Option<String>,
    pub billing_email: String,
    pub currency: Currency,
    pub outstanding: Money,
    pub overdue: Money,
    pub invoices_paused: bool,
    pub portal: bool,
    /// Promises to pay it broke as of the day the list was read
    /// (`domain::collections::PromiseState`).
    pub broken_promises: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRow {
    pub id: i64,
    pub number: String,
    pub total: Money,
    pub applied_minor: i64,
    /// The part of `applied_minor` from credit (granted credit, credit
    /// notes): Total Billed is net of it, Billed & Collected leaves it out.
    pub credited_minor: i64,
    /// What it still owes, as stored (`InvoiceStatus::balance_minor`; the
    /// tab sorts and filters by the stored value, which `check` verifies).
    pub balance_minor: i64,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: InvoiceStatus,
    pub contract_name: Option<String>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Its note ('' for none): exported, and shown on its detail.
    pub memo: String,
    /// Its latest collections pause: the first day and the day it ends
    /// (by itself, or resumed early); `None` if it was never paused.
    pub pause: Option<(NaiveDate, NaiveDate)>,
}

impl InvoiceRow {
    /// Its collections paused on `today` (`domain::collections::Pause`):
    /// until the day its pause ends, that day not included.
    pub fn paused(&self, today: NaiveDate) -> bool {
        self.pause.is_some_and(|(from, end)| super::collections::paused_on_day(from, end, today))
    }

    pub fn display_status(&self, today: NaiveDate) -> DisplayStatus {
        DisplayStatus::derive(self.status, self.total.minor, self.applied_minor, self.due_date, today)
    }

    /// The Balance column: total − applied, 0 for a draft, a paid and a
    /// cancelled invoice; for an uncollectible one, what was written off.
    pub fn balance(&self) -> Money {
        Money::new(self.balance_minor, self.total.currency)
    }

    pub fn open_balance(&self) -> Money {
        let owed = match self.status {
            InvoiceStatus::Draft | InvoiceStatus::Cancelled => 0,
            _ => self.total.minor - self.applied_minor,
        };
        Money::new(owed, self.total.currency)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRow {
    pub id: i64,
    pub name: String,
    pub kind: ContractKind,
    pub status: ContractStatus,
    pub period_start: NaiveDate,
    pub period_end: Option<NaiveDate>,
    pub value: Money,
    pub payment_terms_days: i64,
    pub billing_frequency: Option<BillingFrequency>,
    pub version: i64,
}

impl ContractRow {
    /// The status as of `today`: an active contract whose end date has
    /// passed reads Ended (an end set for a later day leaves it active
    /// until then, and nothing runs on that day to change the row).
    pub fn shown_status(&self, today: NaiveDate) -> ContractStatus {
        match (self.status, self.period_end) {
            (ContractStatus::Active, Some(end)) if end < today => ContractStatus::Ended,
            (s, _) => s,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    /// The payment's id; for a credit, minus the credit's id (the tab
    /// lists both, and a row's id is its key).
    pub id: i64,
    pub kind: crate::domain::status::PayKind,
    pub received_on: NaiveDate,
    pub amount: Money,
    pub refunded_minor: i64,
    pub applied_minor: i64,
    pub reference: String,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    /// Invoice numbers this payment is applied to, comma separated.
    pub applied_to: String,
    pub version: i64,
}

impl PaymentRow {
    /// The payment's id, when the row is a payment (not a credit).
    pub fn payment_id(&self) -> Option<i64> {
        (self.kind == crate::domain::status::PayKind::Payment).then_some(self.id)
    }

    /// What of it is unapplied: a succeeded payment's amount less refunds
    /// and applications, a credit's amount less applications; part of the
    /// Credit Balance.
    pub fn unapplied_minor(&self) -> i64 {
        use crate::domain::status::{PayKind, PaymentStatus};
        match (self.kind, self.status) {
            // A voided credit has nothing unapplied.
            (k, PaymentStatus::Succeeded) if k.is_credit() => self.amount.minor - self.applied_minor,
            (PayKind::Payment, PaymentStatus::Succeeded) => {
                self.amount.minor - self.refunded_minor - self.applied_minor
            }
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub role: String,
    pub primary: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRow {
    pub id: i64,
    pub name: String,
    pub uploaded_at: String,
    pub kind: DocumentKind,
    pub format: String,
    pub contract_name: Option<String>,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    pub id: i64,
    pub at: String,
    pub who: String,
    pub summary: String,
}

/// Human payment terms: "Due on receipt", "Net 30", "Net 17".
pub fn terms_label(days: i64) -> String {
    if days == 0 { "Due on receipt".into() } else { format!("Net {days}") }
}

/// Sizes as people read them: "512 B", "14.2 KiB", "1.0 GiB".
pub fn size_label(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    // Tenths of a unit with integer arithmetic.
    let mut unit = 0;
    let mut scaled = bytes as u128 * 10 / 1024;
    while scaled >= 10_240 && unit < UNITS.len() - 1 {
        scaled /= 1024;
        unit += 1;
    }
    format!("{}.{} {}", scaled / 10, scaled % 10, UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size_label(512), "512 B");
        assert_eq!(size_label(14_540), "14.1 KiB");
        assert_eq!(size_label(1 << 30), "1.0 GiB");
    }

    #[test]
    fn terms() {
        assert_eq!(terms_label(0), "Due on receipt");
        assert_eq!(terms_label(30), "Net 30");
    }
}
