//! What a user asks to write, already validated: the forms build these and
//! the store writes them. Field checks that need no database live here too.

use super::money::Currency;
use super::status::*;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerEdit {
    pub name: String,
    pub legal_name: String,
    pub billing_email: String,
    pub currency: Currency,
    pub invoices_paused: bool,
    pub portal: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDraft {
    pub contract_id: Option<i64>,
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub total_minor: i64,
    pub currency: Currency,
    /// Draft or Open only.
    pub status: InvoiceStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractDraft {
    pub name: String,
    pub kind: ContractKind,
    pub status: ContractStatus,
    pub period_start: NaiveDate,
    pub period_end: Option<NaiveDate>,
    pub value_minor: i64,
    pub currency: Currency,
    pub payment_terms_days: i64,
    pub billing_frequency: Option<BillingFrequency>,
}

/// How a payment is spread over open invoices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allocation {
    /// Oldest due date first (ties by invoice id) until the money runs out.
    OldestFirst,
    /// These invoices, in this order, each up to its open balance.
    Invoices(Vec<i64>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDraft {
    pub received_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
    pub reference: String,
    pub allocation: Allocation,
}

/// Money given back on a succeeded payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundDraft {
    pub refunded_on: NaiveDate,
    pub amount_minor: i64,
    /// Why, for the audit log ("duplicate charge", "goodwill").
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDraft {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub role: String,
}

/// The organization's settings, as a person edits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgEdit {
    pub name: String,
    /// For new customers and for imported customers whose source names none.
    pub default_currency: Currency,
    pub show_credit_balance: bool,
    pub invoice_prefix: String,
    pub hubspot_portal_id: Option<String>,
    pub salesforce_domain: Option<String>,
}

/// An invoice number prefix: up to 12 letters, digits, `-`, `_`, `/` or
/// `.`; empty is allowed (plain numbers).
pub fn check_invoice_prefix(input: &str) -> Result<(), String> {
    let s = input.trim();
    let ok =
        s.chars().count() <= 12 && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
    if ok { Ok(()) } else { Err(format!("\"{s}\": a prefix is up to 12 letters, digits, - _ / or ., e.g. INV-")) }
}

/// Payment terms as typed: "Net 30", "30", "due on receipt", "0".
pub fn parse_terms(input: &str) -> Result<i64, String> {
    let s = input.trim().to_lowercase();
    if s.is_empty() || s == "due on receipt" || s == "receipt" {
        return Ok(0);
    }
    let digits = s.strip_prefix("net").map(str::trim).unwrap_or(&s);
    match digits.parse::<i64>() {
        Ok(d) if (0..=3650).contains(&d) => Ok(d),
        Ok(_) => Err(format!("\"{}\": terms must be 0 to 3650 days", input.trim())),
        Err(_) => Err(format!("\"{}\": use Due on receipt, Net 30, or a number of days", input.trim())),
    }
}

/// A plausible email address: one @, a non-empty local part, a dotted
/// domain, no spaces. Empty is allowed where the field is optional.
pub fn check_email(input: &str) -> Result<(), String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(());
    }
    let bad = || Err(format!("\"{s}\" is not an email address (like name@example.com)"));
    let Some((local, domain)) = s.split_once('@') else { return bad() };
    let labels: Vec<&str> = domain.split('.').collect();
    let ok = !local.is_empty()
        && !domain.contains('@')
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | ';' | '<' | '>' | '"'));
    if ok { Ok(()) } else { bad() }
}

/// A phone number: digits with optional leading +, spaces, dots, dashes,
/// parentheses and an extension ("x123"); 7 to 15 digits. Empty allowed.
pub fn check_phone(input: &str) -> Result<(), String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(());
    }
    let (main, ext) = match s.to_lowercase().split_once(" x") {
        Some((m, e)) => (m.to_string(), Some(e.trim().to_string())),
        None => (s.to_string(), None),
    };
    let allowed = main
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0));
    let digits = main.chars().filter(char::is_ascii_digit).count();
    let ext_ok = ext.is_none_or(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_digit()));
    if allowed && (7..=15).contains(&digits) && ext_ok {
        Ok(())
    } else {
        Err(format!("\"{s}\" is not a phone number (digits, spaces, + - ( ), e.g. +1 415 555 0123)"))
    }
}

/// A required text field.
pub fn check_required(label: &str, input: &str) -> Result<(), String> {
    if input.trim().is_empty() { Err(format!("{label} is required")) } else { Ok(()) }
}

/// The due date a contract's terms give, else Net 30.
pub fn default_due(issue: NaiveDate, terms_days: Option<i64>) -> NaiveDate {
    issue + chrono::Duration::days(terms_days.unwrap_or(30))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(check_email("bob@example.com").is_ok());
        assert!(check_email("").is_ok());
        assert_eq!(check_email("bob@").unwrap_err(), "\"bob@\" is not an email address (like name@example.com)");
        assert!(check_email("bob@localhost").is_err());
        assert!(check_email("a b@x.com").is_err());
        assert!(check_email("@x.com").is_err());
    }

    #[test]
    fn phones() {
        assert!(check_phone("+1 415 555 0123").is_ok());
        assert!(check_phone("(415) 555-0123 x12").is_ok());
        assert!(check_phone("12ab").unwrap_err().contains("not a phone number"));
        assert!(check_phone("123").is_err());
        assert!(check_phone("1+2345678").is_err());
    }

    #[test]
    fn invoice_prefixes() {
        assert!(check_invoice_prefix("INV-").is_ok());
        assert!(check_invoice_prefix("").is_ok());
        assert!(check_invoice_prefix("AR/2026.").is_ok());
        assert!(check_invoice_prefix("INV ").is_ok(), "trimmed");
        assert!(check_invoice_prefix("IN V").unwrap_err().contains("prefix"));
        assert!(check_invoice_prefix("ABCDEFGHIJKLM").is_err());
    }

    #[test]
    fn terms() {
        assert_eq!(parse_terms("Net 45"), Ok(45));
        assert_eq!(parse_terms("Due on receipt"), Ok(0));
        assert_eq!(parse_terms("17"), Ok(17));
        assert!(parse_terms("soon").is_err());
        assert!(parse_terms("-5").is_err());
    }
}
