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
    /// Lines with '\n' between them (`domain::address`), '' for none.
    pub billing_address: String,
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
    /// Free text for the invoice's detail; '' for none.
    pub memo: String,
    /// The lines billed; when there are any they add up to `total_minor`
    /// (`domain::lines::entered_total`), else the total stands alone.
    pub lines: Vec<crate::domain::lines::Line>,
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

/// Where money already received (a payment's unapplied remainder) or
/// credit already granted goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyPlan {
    /// This much, to the open invoices oldest due first (ties by id), each
    /// up to its open balance: the `Allocation::OldestFirst` of a payment.
    OldestFirst { amount_minor: i64 },
    /// These invoices, each with the amount it takes, in this order.
    Invoices(Vec<(i64, i64)>),
}

impl ApplyPlan {
    /// What the plan asks to apply in all.
    pub fn total_minor(&self) -> i64 {
        match self {
            ApplyPlan::OldestFirst { amount_minor } => *amount_minor,
            ApplyPlan::Invoices(pairs) => pairs.iter().fold(0i64, |s, (_, m)| s.saturating_add(*m)),
        }
    }
}

/// The longest reason a granted credit keeps (as a refund's).
pub const CREDIT_REASON_MAX: usize = super::detail::REFUND_REASON_MAX;

/// Credit granted to a customer directly (goodwill and the like).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditDraft {
    pub granted_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
    /// Why, for the Payments tab and the activity log.
    pub reason: String,
}

/// A credit note: against an invoice (its balance falls; what goes past it
/// becomes customer credit, or is refunded from the money paid on the
/// invoice when `refund_excess`) or standalone (all customer credit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteDraft {
    pub issued_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
    /// Why (required), for the Payments tab and the activity log.
    pub reason: String,
    pub invoice_id: Option<i64>,
    /// Refund what goes past the invoice's balance instead of keeping it as
    /// customer credit.
    pub refund_excess: bool,
    /// What it credits, line by line (optional): with lines, the amount is
    /// their sum.
    pub lines: Vec<crate::domain::lines::Line>,
}

/// The organization's credit-note sequence and small-balance limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditSettings {
    /// Before a credit note's zero-padded number: `CN-` gives `CN-000001`.
    pub credit_note_prefix: String,
    pub credit_note_next_seq: i64,
    /// The largest balance a small-balance write-off closes without being
    /// told to, in minor units of the invoice's currency.
    pub small_balance_limit_minor: i64,
    pub version: i64,
}

/// The highest credit-note sequence number (the schema's CHECK).
pub const MAX_CREDIT_NOTE_SEQ: i64 = 999_999_999_999;

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
    /// The largest document ardesk stores, in bytes.
    pub max_document_size: u64,
    /// Lines with '\n' between them (`domain::address`).
    pub address: String,
}

impl OrgEdit {
    /// The settings as stored, to be edited (the document size limit is
    /// read apart from the organization's row).
    pub fn of(org: &super::model::Organization, max_document_size: u64) -> OrgEdit {
        OrgEdit {
            name: org.name.clone(),
            default_currency: org.default_currency,
            show_credit_balance: org.show_credit_balance,
            invoice_prefix: org.invoice_prefix.clone(),
            hubspot_portal_id: org.hubspot_portal_id.clone(),
            salesforce_domain: org.salesforce_domain.clone(),
            max_document_size,
            address: org.address.clone(),
        }
    }
}

/// The largest document ardesk stores unless the organization says other.
pub const DEFAULT_MAX_DOCUMENT: u64 = 2 << 30;
/// The bounds of that setting (the CHECK of `migrations/0003`): below
/// 1 KiB no real document fits, so it is a slip ("500" for 500 MiB);
/// above 1 TiB it no longer limits anything a desk's disk would hold.
pub const MAX_DOCUMENT_RANGE: (u64, u64) = (1 << 10, 1 << 40);

/// Units as typed and shown: 1024-based.
const UNITS: [(&str, u64); 4] = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];

/// A size as typed: plain bytes ("1048576") or a whole number of KiB, MiB,
/// GiB or TiB ("500MiB", "2 gib", "64K"). Decimal units (MB) are refused,
/// not guessed at.
pub fn parse_size(input: &str) -> Result<u64, String> {
    let s: String = input.split_whitespace().collect();
    let example = "give bytes or a whole number of KiB, MiB or GiB, e.g. 500MiB";
    if s.starts_with('-') {
        return Err(format!("\"{}\": a size cannot be negative", input.trim()));
    }
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(digits);
    if number.is_empty() {
        return Err(format!("\"{}\" is not a size: {example}", input.trim()));
    }
    if unit.starts_with(['.', ',']) {
        return Err(format!("\"{}\": use a whole number of a smaller unit, e.g. 1536MiB for 1.5GiB", input.trim()));
    }
    let lower = unit.to_ascii_lowercase();
    let scale = match lower.as_str() {
        "" | "b" | "byte" | "bytes" => 1,
        _ => match UNITS.iter().find(|(u, _)| u.to_ascii_lowercase() == lower || u[..1].eq_ignore_ascii_case(&lower)) {
            Some((_, scale)) => *scale,
            None if lower.ends_with('b') && lower.len() == 2 => {
                let binary = format!("{}iB", lower[..1].to_ascii_uppercase());
                return Err(format!(
                    "\"{}\": say {number}{binary}: ardesk counts in 1024-based KiB, MiB and GiB",
                    input.trim()
                ));
            }
            None => return Err(format!("\"{}\" is not a size: {example}", input.trim())),
        },
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| format!("\"{}\" is far too large a size", input.trim()))
}

/// The document size limit as typed, within `MAX_DOCUMENT_RANGE`.
pub fn parse_max_document_size(input: &str) -> Result<u64, String> {
    let n = parse_size(input)?;
    let (least, most) = MAX_DOCUMENT_RANGE;
    if n == 0 {
        Err(format!("0 would refuse every document; the smallest limit is {}", size_text(least)))
    } else if n < least {
        Err(format!(
            "{n} bytes is smaller than any real document (did you mean {n}MiB?); the smallest limit is {}",
            size_text(least)
        ))
    } else if n > most {
        Err(format!("{} is more than the largest limit, {}", size_text(n), size_text(most)))
    } else {
        Ok(n)
    }
}

/// A size in the largest unit it is a whole number of: "2 GiB",
/// "1536 MiB", "1000 bytes". Typed back, it reads as the same size.
pub fn size_text(bytes: u64) -> String {
    match UNITS.iter().find(|(_, scale)| bytes >= *scale && bytes.is_multiple_of(*scale)) {
        Some((unit, scale)) => format!("{} {unit}", bytes / scale),
        None => format!("{bytes} bytes"),
    }
}

/// Why a file is refused before it is read: its size and the limit, and
/// where the limit is set.
pub fn too_big(name: &str, size: u64, limit: u64) -> String {
    let (mut shown, mut most) = (super::model::size_label(size as i64), size_text(limit));
    // "2.0 GiB; the most is 2 GiB" reads as a contradiction: say the bytes.
    if shown == super::model::size_label(limit as i64) {
        (shown, most) = (format!("{size} bytes"), format!("{limit} bytes ({most})"));
    }
    format!("{name} is {shown}; the most ardesk stores is {most} (ardesk org max-document-size)")
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

/// A phone number: digits with optional leading +, spaces, dots, dashes
/// and parentheses, 7 to 15 digits, and an extension of 1 to 6 digits
/// written as people write one ("x12", " x 12", "ext. 12", "ext 12",
/// "extension 12", "#12", ";ext=12"). Empty allowed.
pub fn check_phone(input: &str) -> Result<(), String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(());
    }
    let lower = s.to_lowercase();
    let cut = lower.find(|c: char| c.is_ascii_alphabetic() || c == '#' || c == ';');
    let (main, ext) = match cut {
        Some(i) => (&lower[..i], Some(&lower[i..])),
        None => (lower.as_str(), None),
    };
    let allowed = main
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0));
    let digits = main.chars().filter(char::is_ascii_digit).count();
    let ext_ok = ext.is_none_or(|e| {
        let number = ["extension", "ext.", "ext", ";ext=", "x", "#"].iter().find_map(|m| e.strip_prefix(m));
        number.is_some_and(|n| {
            let n = n.trim_start_matches([' ', '.', ':', '=']).trim_end();
            (1..=6).contains(&n.len()) && n.chars().all(|c| c.is_ascii_digit())
        })
    });
    if allowed && (7..=15).contains(&digits) && ext_ok {
        Ok(())
    } else {
        Err(format!(
            "\"{s}\" is not a phone number (digits, spaces, + - ( ) and an extension, e.g. +1 415 555 0123 ext. 12)"
        ))
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
        // Issue 14 defect 13: extensions as people write them.
        for ok in [
            "+1 555 0100 ext. 12",
            "+1 555 0100 x12",
            "555-0100x12",
            "+1 555 0100 Ext 12",
            "+1 555 0100 extension 123456",
            "+1 555 0100 #12",
            "+1-555-0100;ext=12",
            "+1 555 0100 x 12",
        ] {
            assert!(check_phone(ok).is_ok(), "{ok}");
        }
        for bad in [
            "+1 555 0100 ext.",
            "+1 555 0100 x1234567",
            "+1 555 0100 ext 12a",
            "+1 555 0100 call me",
            "x12",
            "+1 555 0100 x12 x13",
        ] {
            assert!(check_phone(bad).is_err(), "{bad}");
        }
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
    fn sizes_as_typed_and_shown() {
        assert_eq!(parse_size("500MiB"), Ok(500 << 20));
        assert_eq!(parse_size(" 2 gib "), Ok(2 << 30));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("1TiB"), Ok(1 << 40));
        assert!(parse_size("500MB").unwrap_err().contains("say 500MiB"), "{:?}", parse_size("500MB"));
        assert!(parse_size("1.5GiB").unwrap_err().contains("1536MiB"));
        assert!(parse_size("-5MiB").unwrap_err().contains("cannot be negative"));
        assert!(parse_size("lots").unwrap_err().contains("is not a size"));
        assert!(parse_size("99999999999999999999").unwrap_err().contains("far too large"));
        assert!(parse_size("20000000000GiB").unwrap_err().contains("far too large"));
        assert_eq!(size_text(2 << 30), "2 GiB");
        assert_eq!(size_text(1536 << 20), "1536 MiB");
        assert_eq!(size_text(1000), "1000 bytes");
        for n in [1024, 1536 << 20, 2 << 30, 1000, 1 << 40] {
            assert_eq!(parse_size(&size_text(n)), Ok(n), "{n} reads back");
        }
    }

    #[test]
    fn the_document_limit_has_bounds_with_reasons() {
        assert_eq!(parse_max_document_size("500MiB"), Ok(500 << 20));
        assert!(parse_max_document_size("0").unwrap_err().contains("would refuse every document"));
        assert!(parse_max_document_size("500").unwrap_err().contains("did you mean 500MiB?"));
        assert!(parse_max_document_size("2TiB").unwrap_err().contains("more than the largest limit, 1 TiB"));
        assert!(parse_max_document_size("-1").unwrap_err().contains("negative"));
    }

    #[test]
    fn too_big_names_the_size_and_the_limit() {
        let size = 2_576_980_378; // 2.4 GiB
        assert_eq!(
            too_big("report.pdf", size, 2 << 30),
            "report.pdf is 2.4 GiB; the most ardesk stores is 2 GiB (ardesk org max-document-size)"
        );
        assert_eq!(
            too_big("a.bin", (2 << 30) + 1, 2 << 30),
            "a.bin is 2147483649 bytes; the most ardesk stores is 2147483648 bytes (2 GiB) (ardesk org \
             max-document-size)"
        );
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
